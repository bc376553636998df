/*
 * dhcp6.c -- DHCPv6 message parser (RFC 8415, RFC 3646, RFC 4704,
 * RFC 6939).  See dhcp6.h for the contract.
 *
 * Wire layout, all through the rd.h cursor:
 *
 *   client/server message (RFC 8415 8):  msg-type(1) transaction-id(3)
 *                                         options
 *   relay message (RFC 8415 9):           msg-type(1) hop-count(1)
 *                                         link-address(16) peer-address(16)
 *                                         options
 *   option (RFC 8415 21.1):               option-code(2) option-len(2)
 *                                         option-data(option-len)
 *
 * Design
 *  - No recursion on packet data.  Relay envelopes are peeled by a loop
 *    bounded by DHCP6_RELAY_MAX; option nesting has a fixed shape walked
 *    by fixed code: message -> IA_NA/IA_TA/IA_PD -> IAADDR/IAPREFIX ->
 *    Status Code, i.e. at most three levels below the message.
 *  - Every option walk is one forward pass over its own window (the
 *    enclosing option's data), and each step consumes at least the 4-octet
 *    option header.  An IA's window is walked twice (once for its Status
 *    Code, once for its addresses) and each IAADDR/IAPREFIX's own options
 *    once more for theirs, so the cost is linear in len: at most three
 *    passes over any octet.
 *  - What is kept goes straight into the event's fixed arrays.  An IA's
 *    Status Code may follow its addresses, so it is looked up before they
 *    are taken; likewise an IAADDR's/IAPREFIX's own.
 */
#include "dhcp6.h"

#include <string.h>

#include "rd.h"

#define OPT_CLIENTID     1   /* RFC 8415 21.2  */
#define OPT_SERVERID     2   /* RFC 8415 21.3  */
#define OPT_IA_NA        3   /* RFC 8415 21.4  */
#define OPT_IA_TA        4   /* RFC 8415 21.5  */
#define OPT_IAADDR       5   /* RFC 8415 21.6  */
#define OPT_RELAY_MSG    9   /* RFC 8415 21.10 */
#define OPT_STATUS_CODE 13   /* RFC 8415 21.13 */
#define OPT_DNS_SERVERS 23   /* RFC 3646 3     */
#define OPT_IA_PD       25   /* RFC 8415 21.21 */
#define OPT_IAPREFIX    26   /* RFC 8415 21.22 */
#define OPT_CLIENT_FQDN 39   /* RFC 4704 4     */
#define OPT_CLIENT_LLA  79   /* RFC 6939 4     */

#define HDR_LEN         4u   /* RFC 8415 8: msg-type + transaction-id */
#define RELAY_HDR_LEN  34u   /* RFC 8415 9: type, hops, two addresses  */
#define IA_NA_FIXED    12u   /* RFC 8415 21.4: IAID T1 T2              */
#define IA_TA_FIXED     4u   /* RFC 8415 21.5: IAID                    */
#define IA_PD_FIXED    12u   /* RFC 8415 21.21: IAID T1 T2             */
#define IAADDR_FIXED   24u   /* RFC 8415 21.6: address pref valid      */
#define IAPREFIX_FIXED 25u   /* RFC 8415 21.22: pref valid len prefix  */

#define STATUS_SUCCESS  0    /* RFC 8415 21.13 */
#define DUID_LLT        1    /* RFC 8415 11.2 */
#define DUID_LL         3    /* RFC 8415 11.4 */
#define HWTYPE_ETHERNET 1    /* IANA hardware type (RFC 826) */

#define NAME_WIRE_MAX 255u   /* RFC 1035 2.3.4 */
#define LABEL_MAX      63u   /* RFC 1035 2.3.4 */

_Static_assert(DHCP6_FQDN_MAX == NAME_WIRE_MAX - 2,
               "presentation = wire minus the first length and the root");

struct opt {
    uint16_t code;
    uint16_t len;
    const uint8_t *v;           /* len octets, borrowed */
};

/* What the walk of one message gathers besides the event fields. */
struct ctx {
    struct sh_event *ev;
    struct ev_dhcp6 *d;
    uint8_t duid_mac[6], lla_mac[6];
    uint8_t has_duid_mac, has_lla_mac;
    uint8_t seen_client, seen_server, seen_fqdn;
};

/*
 * Next option of window r (RFC 8415 21.1).  Returns 1 with *o filled,
 * 0 at the end of the window, -1 when the option header or its data runs
 * past the end (r is then in error: the walk of this window is over).
 */
static int opt_next(struct rd *r, struct opt *o)
{
    if (!r->err && r->len - r->off == 0)
        return 0;
    o->code = rd_be16(r);
    o->len = rd_be16(r);
    o->v = rd_bytes(r, o->len);
    return r->err ? -1 : 1;
}

static void malformed(struct ctx *c)
{
    c->ev->flags |= EVF_MALFORMED;
}

/*
 * The first Status Code (RFC 8415 21.13: status-code(2) message) among
 * the options of window [v, v+n).  Returns its code, STATUS_SUCCESS when
 * there is none; a Status Code shorter than 2 octets or a framing fault
 * is malformed (and counts as no status).
 */
static uint16_t status_in(struct ctx *c, const uint8_t *v, size_t n)
{
    struct rd r = rd_init(v, n);
    struct opt o;
    int rc;

    while ((rc = opt_next(&r, &o)) == 1) {
        if (o.code != OPT_STATUS_CODE)
            continue;
        if (o.len < 2) {
            malformed(c);
            return STATUS_SUCCESS;
        }
        return be16_at(o.v);
    }
    if (rc < 0)
        malformed(c);
    return STATUS_SUCCESS;
}

/* IAADDR (RFC 8415 21.6): address(16) preferred(4) valid(4) options. */
static void iaaddr(struct ctx *c, const struct opt *o)
{
    struct ev_dhcp6 *d = c->d;
    uint32_t preferred, valid;

    if (o->len < IAADDR_FIXED) {
        malformed(c);
        return;
    }
    preferred = be32_at(o->v + 16);
    valid = be32_at(o->v + 20);
    /* RFC 8415 21.13: an address with a failure status is not bound */
    if (status_in(c, o->v + IAADDR_FIXED, o->len - IAADDR_FIXED) !=
        STATUS_SUCCESS)
        return;
    /* RFC 8415 21.6: the client discards it when preferred > valid */
    if (preferred > valid) {
        malformed(c);
        return;
    }
    if (d->naddr >= EV_PREFIX_MAX) {
        c->ev->flags |= EVF_TRUNCATED;
        return;
    }
    d->addr[d->naddr].family = 6;
    memcpy(d->addr[d->naddr].a, o->v, 16);
    d->addr_valid_s[d->naddr] = valid;
    d->naddr++;
}

/* IAPREFIX (RFC 8415 21.22): preferred(4) valid(4) prefix-length(1)
 * prefix(16) options. */
static void iaprefix(struct ctx *c, const struct opt *o)
{
    struct ev_dhcp6 *d = c->d;
    struct ev_prefix *pf;
    uint32_t preferred, valid;
    uint8_t plen;

    if (o->len < IAPREFIX_FIXED) {
        malformed(c);
        return;
    }
    preferred = be32_at(o->v);
    valid = be32_at(o->v + 4);
    plen = o->v[8];
    if (plen > 128) {               /* RFC 8415 21.22: 0..128 bits */
        malformed(c);
        return;
    }
    if (status_in(c, o->v + IAPREFIX_FIXED, o->len - IAPREFIX_FIXED) !=
        STATUS_SUCCESS)
        return;                     /* RFC 8415 21.13 */
    if (preferred > valid) {        /* RFC 8415 21.22: discarded */
        malformed(c);
        return;
    }
    if (d->nprefix >= EV_PREFIX_MAX) {
        c->ev->flags |= EVF_TRUNCATED;
        return;
    }
    pf = &d->prefix[d->nprefix++];
    memset(pf, 0, sizeof(*pf));
    pf->prefix.family = 6;
    memcpy(pf->prefix.a, o->v + 9, 16);
    sh_addr_mask(pf->prefix.a, plen);
    pf->len = plen;
    pf->flags = 0;                  /* event.h: no L/A bits in DHCPv6 */
    pf->valid_s = valid;
    pf->preferred_s = preferred;
}

/*
 * The options of an IA_NA, IA_TA (want = OPT_IAADDR) or IA_PD (want =
 * OPT_IAPREFIX), window [v, v+n) after the IA's fixed part.  A failure
 * Status Code at the IA level takes back every address of this IA.
 */
static void ia_options(struct ctx *c, const uint8_t *v, size_t n,
                       uint16_t want)
{
    struct rd r = rd_init(v, n);
    struct opt o;
    int rc;

    if (status_in(c, v, n) != STATUS_SUCCESS)
        return;                     /* RFC 8415 21.13 */
    while ((rc = opt_next(&r, &o)) == 1) {
        if (o.code != want)
            continue;
        if (want == OPT_IAADDR)
            iaaddr(c, &o);
        else
            iaprefix(c, &o);
    }
    if (rc < 0)
        malformed(c);
}

/* An IA option: its fixed part (IAID, and T1/T2 for IA_NA and IA_PD),
 * then its options. */
static void ia_opt(struct ctx *c, const struct opt *o, uint16_t fixed, uint16_t want)
{
    if (o->len < fixed)
        malformed(c);
    else
        ia_options(c, o->v + fixed, o->len - fixed, want);
}

/* "00:01:00:01:..." (lower-case hex) of a DUID (RFC 8415 11). */
static struct ev_str duid_hex(struct ctx *c, const struct opt *o)
{
    static const char hex[] = "0123456789abcdef";
    char out[DHCP6_DUID_MAX * 3];
    size_t n = o->len, k = 0;

    if (n > DHCP6_DUID_MAX) {       /* RFC 8415 11.1: <= 128 + type */
        malformed(c);
        c->ev->flags |= EVF_TRUNCATED;
        n = DHCP6_DUID_MAX;
    }
    for (size_t i = 0; i < n; i++) {
        if (i)
            out[k++] = ':';
        out[k++] = hex[o->v[i] >> 4];
        out[k++] = hex[o->v[i] & 15];
    }
    return ev_put(c->ev, out, k, 0);
}

/* The Ethernet address inside a DUID-LLT (type 1: hwtype(2) time(4)
 * lladdr) or DUID-LL (type 3: hwtype(2) lladdr), RFC 8415 11.2/11.4,
 * when the hardware type is 1 and the address is 6 octets. */
static const uint8_t *duid_mac(const uint8_t *v, size_t n)
{
    uint16_t type, hw;

    if (n < 4)
        return NULL;
    type = be16_at(v);
    hw = be16_at(v + 2);
    if (hw != HWTYPE_ETHERNET)
        return NULL;
    if (type == DUID_LLT && n == 2 + 2 + 4 + 6)
        return v + 8;
    if (type == DUID_LL && n == 2 + 2 + 6)
        return v + 4;
    return NULL;
}

static void duid_opt(struct ctx *c, const struct opt *o, int client)
{
    uint8_t *seen = client ? &c->seen_client : &c->seen_server;
    const uint8_t *mac;

    if (*seen) {                    /* RFC 8415 21: once unless noted */
        malformed(c);
        return;
    }
    *seen = 1;
    if (o->len < 2) {               /* RFC 8415 11: at least the type */
        malformed(c);
        return;
    }
    if (client) {
        c->d->client_duid = duid_hex(c, o);
        mac = duid_mac(o->v, o->len);
        if (mac) {
            memcpy(c->duid_mac, mac, 6);
            c->has_duid_mac = 1;
        }
    } else {
        c->d->server_duid = duid_hex(c, o);
    }
}

/* RFC 3646 3: a list of 16-octet addresses. */
static void dns_opt(struct ctx *c, const struct opt *o)
{
    struct ev_dhcp6 *d = c->d;

    if (o->len % 16 != 0) {
        malformed(c);
        return;
    }
    for (size_t off = 0; o->len - off >= 16; off += 16) {
        if (d->ndns >= 2)
            break;                  /* documented: the first two */
        d->dns[d->ndns].family = 6;
        memcpy(d->dns[d->ndns].a, o->v + off, 16);
        d->ndns++;
    }
}

/*
 * RFC 4704 4: flags(1) then a domain name in DNS wire format (RFC 8415
 * 10: RFC 1035 3.1 labels, never compressed), fully qualified (ending in
 * the root label) or partial (not).  Returns the presentation text, or
 * absent (and malformed) on any label fault.
 */
static void fqdn_opt(struct ctx *c, const struct opt *o)
{
    struct ev_str none = {0, 0};
    char out[DHCP6_FQDN_MAX + 1];
    struct rd r;
    size_t k = 0, wire = 1;         /* the root octet is counted always */

    if (c->seen_fqdn)
        return;                     /* the first one is kept */
    c->seen_fqdn = 1;
    if (o->len < 1) {               /* RFC 4704 4: the flags octet */
        malformed(c);
        return;
    }
    r = rd_init(o->v + 1, o->len - 1u);
    while (rd_left(&r) > 0) {
        uint8_t b = rd_u8(&r);
        const uint8_t *lab;

        if (b == 0) {
            /* the root label ends a fully qualified name: nothing may
             * follow it (RFC 4704 4: one name) */
            if (rd_left(&r) != 0)
                goto bad;
            break;
        }
        /* RFC 1035 2.3.4: a label is 63 octets or less; the top two bits
         * set mark a compression pointer (4.1.4), forbidden by RFC 8415
         * 10, and 01/10 are other label types (RFC 6891 5) */
        if (b > LABEL_MAX)
            goto bad;
        lab = rd_bytes(&r, b);
        if (lab == NULL)
            goto bad;               /* label runs past the option */
        wire += 1u + b;
        if (wire > NAME_WIRE_MAX)   /* RFC 1035 2.3.4: 255 octets */
            goto bad;
        /* wire <= 255 keeps k + 1 + b <= 253 = DHCP6_FQDN_MAX */
        if (k)
            out[k++] = '.';
        memcpy(out + k, lab, b);
        k += b;
    }
    c->d->fqdn = ev_put(c->ev, out, k, 0);  /* NUL -> '?' by ev_put */
    return;
bad:
    c->d->fqdn = none;
    malformed(c);
}

/* RFC 6939 4: link-layer type(2) link-layer address. */
static void lla_opt(struct ctx *c, const struct opt *o)
{
    if (o->len < 2) {
        malformed(c);
        return;
    }
    if (be16_at(o->v) == HWTYPE_ETHERNET && o->len == 2 + 6) {
        memcpy(c->lla_mac, o->v + 2, 6);    /* innermost envelope wins */
        c->has_lla_mac = 1;
    }
}

/* The options of a client/server message, window [v, v+n). */
static void message_options(struct ctx *c, const uint8_t *v, size_t n)
{
    struct rd r = rd_init(v, n);
    struct opt o;
    int rc;

    while ((rc = opt_next(&r, &o)) == 1) {
        switch (o.code) {
        case OPT_CLIENTID:
            duid_opt(c, &o, 1);
            break;
        case OPT_SERVERID:
            duid_opt(c, &o, 0);
            break;
        case OPT_IA_NA:
            ia_opt(c, &o, IA_NA_FIXED, OPT_IAADDR);
            break;
        case OPT_IA_TA:
            ia_opt(c, &o, IA_TA_FIXED, OPT_IAADDR);
            break;
        case OPT_IA_PD:
            ia_opt(c, &o, IA_PD_FIXED, OPT_IAPREFIX);
            break;
        case OPT_DNS_SERVERS:
            dns_opt(c, &o);
            break;
        case OPT_CLIENT_FQDN:
            fqdn_opt(c, &o);
            break;
        default:
            break;                  /* not kept: framing checked only */
        }
    }
    if (rc < 0)
        malformed(c);
}

/*
 * The options of a relay envelope, window [v, v+n): option 79 is taken,
 * and the first Relay Message option (9) is returned in *inner (NULL when
 * there is none).  Everything else in an envelope is the relays' business
 * (Interface-ID, Remote-ID, ...).
 */
static void relay_options(struct ctx *c, const uint8_t *v, size_t n,
                          const uint8_t **inner, size_t *inner_len)
{
    struct rd r = rd_init(v, n);
    struct opt o;
    int rc;

    *inner = NULL;
    *inner_len = 0;
    while ((rc = opt_next(&r, &o)) == 1) {
        if (o.code == OPT_RELAY_MSG && *inner == NULL) {
            *inner = o.v;
            *inner_len = o.len;
        } else if (o.code == OPT_CLIENT_LLA) {
            lla_opt(c, &o);
        }
    }
    if (rc < 0)
        malformed(c);
}

/* Could [m, m+n) be a DHCPv6 message header (the -1 rules)? */
static int header_ok(const uint8_t *m, size_t n)
{
    struct rd r = rd_init(m, n);
    uint8_t type = rd_u8(&r);

    if (r.err || n < HDR_LEN || type == 0)  /* IANA: type 0 is reserved */
        return 0;
    if ((type == DHCP6_RELAY_FORW || type == DHCP6_RELAY_REPL) &&
        n < RELAY_HDR_LEN)
        return 0;
    return 1;
}

int dhcp6_parse(const uint8_t *p, size_t len, struct sh_event *ev)
{
    struct ctx c;
    const uint8_t *m = p;
    size_t mlen = len;
    int depth = 0;
    uint8_t type;

    if (p == NULL || !header_ok(p, len))
        return -1;
    ev_clear_body(ev, EV_DHCP6);
    memset(&c, 0, sizeof(c));
    c.ev = ev;
    c.d = &ev->u.dhcp6;

    /* RFC 8415 9: peel relay envelopes, at most DHCP6_RELAY_MAX. */
    type = *m;                      /* header_ok(): at least 4 octets */
    while (type == DHCP6_RELAY_FORW || type == DHCP6_RELAY_REPL) {
        const uint8_t *inner;
        size_t inner_len;

        if (depth >= DHCP6_RELAY_MAX) {
            malformed(&c);          /* RFC 8415 7.6 HOP_COUNT_LIMIT */
            break;
        }
        /* header_ok() proved mlen >= RELAY_HDR_LEN */
        relay_options(&c, m + RELAY_HDR_LEN, mlen - RELAY_HDR_LEN,
                      &inner, &inner_len);
        if (inner == NULL || !header_ok(inner, inner_len)) {
            malformed(&c);          /* RFC 8415 9.1/9.2: option 9 required */
            break;
        }
        m = inner;
        mlen = inner_len;
        type = *m;                  /* header_ok() */
        depth++;
    }

    c.d->msg_type = type;
    if (type != DHCP6_RELAY_FORW && type != DHCP6_RELAY_REPL) {
        struct rd h = rd_init(m, mlen);    /* header_ok(): mlen >= 4 */

        (void)rd_u8(&h);
        c.d->xid = rd_be24(&h);            /* RFC 8415 8: transaction-id */
        message_options(&c, m + HDR_LEN, mlen - HDR_LEN);
    }

    if (c.has_lla_mac) {
        memcpy(c.d->client_mac, c.lla_mac, 6);
        c.d->has_client_mac = 1;
    } else if (c.has_duid_mac) {
        memcpy(c.d->client_mac, c.duid_mac, 6);
        c.d->has_client_mac = 1;
    }
    return 0;
}

const char *dhcp6_type_name(uint8_t msg_type)
{
    static const char *const names[] = {
        [DHCP6_SOLICIT] = "solicit",
        [DHCP6_ADVERTISE] = "advertise",
        [DHCP6_REQUEST] = "request",
        [DHCP6_CONFIRM] = "confirm",
        [DHCP6_RENEW] = "renew",
        [DHCP6_REBIND] = "rebind",
        [DHCP6_REPLY] = "reply",
        [DHCP6_RELEASE] = "release",
        [DHCP6_DECLINE] = "decline",
        [DHCP6_RECONFIGURE] = "reconfigure",
        [DHCP6_INFORMATION_REQUEST] = "information_request",
        [DHCP6_RELAY_FORW] = "relay_forw",
        [DHCP6_RELAY_REPL] = "relay_repl",
        [DHCP6_LEASEQUERY] = "leasequery",
        [DHCP6_LEASEQUERY_REPLY] = "leasequery_reply",
        [DHCP6_LEASEQUERY_DONE] = "leasequery_done",
        [DHCP6_LEASEQUERY_DATA] = "leasequery_data",
        [DHCP6_RECONFIGURE_REQUEST] = "reconfigure_request",
        [DHCP6_RECONFIGURE_REPLY] = "reconfigure_reply",
        [DHCP6_DHCPV4_QUERY] = "dhcpv4_query",
        [DHCP6_DHCPV4_RESPONSE] = "dhcpv4_response",
    };

    if (msg_type >= sizeof(names) / sizeof(names[0]))
        return NULL;
    return names[msg_type];         /* NULL for 0 */
}
