/*
 * dhcp.c -- BOOTP/DHCPv4 message parser (RFC 951, RFC 2131, RFC 2132,
 * RFC 3396).  See dhcp.h for the contract.
 *
 * Wire layout (RFC 2131 2, figure 1), all through the rd.h cursor:
 *
 *   op htype hlen hops | xid(4) | secs(2) flags(2) | ciaddr yiaddr siaddr
 *   giaddr (4 each) | chaddr(16) | sname(64) | file(128) | cookie(4) |
 *   options (variable, pad/end and TLV code(1) len(1) value(len))
 *
 * Design
 *  - One forward pass over each option region, in the order RFC 2131 4.1
 *    mandates: the options field, then file, then sname when option 52
 *    (overload, read from the options field only) says they hold options.
 *    No recursion: the regions are a fixed list of at most three.
 *  - The options we keep are gathered into fixed accumulators on the
 *    stack, one per option code: RFC 3396 says repeated instances of an
 *    option are one value split in parts, concatenated in message order.
 *    Accumulators keep the first DHCP_STR_MAX octets and count the rest,
 *    so a value is validated against its full length (RFC 2132 sizes)
 *    and cut, with EVF_TRUNCATED, only when it is stored.
 *  - Each step of the walk consumes at least one octet, so the cost is
 *    linear in len whatever the content.
 */
#include "dhcp.h"

#include <string.h>

#include "rd.h"

#define DHCP_MAGIC 0x63825363u      /* 99.130.83.99, RFC 2131 3 */

#define OPT_PAD        0   /* RFC 2132 3.1 */
#define OPT_ROUTER     3   /* RFC 2132 3.5 */
#define OPT_DNS        6   /* RFC 2132 3.8 */
#define OPT_HOSTNAME  12   /* RFC 2132 3.14 */
#define OPT_REQ_IP    50   /* RFC 2132 9.1 */
#define OPT_LEASE     51   /* RFC 2132 9.2 */
#define OPT_OVERLOAD  52   /* RFC 2132 9.3 */
#define OPT_MSG_TYPE  53   /* RFC 2132 9.6 */
#define OPT_SERVER_ID 54   /* RFC 2132 9.7 */
#define OPT_PARAMS    55   /* RFC 2132 9.8 */
#define OPT_VENDOR    60   /* RFC 2132 9.13 */
#define OPT_CLIENT_ID 61   /* RFC 2132 9.14 */
#define OPT_END      255   /* RFC 2132 3.2 */

/* Accumulator slots, one per option we keep. */
enum {
    A_MSG_TYPE, A_REQ_IP, A_LEASE, A_SERVER_ID, A_ROUTER, A_DNS,
    A_HOSTNAME, A_VENDOR, A_CLIENT_ID, A_PARAMS, A_OVERLOAD, A_COUNT
};

/* option code -> slot + 1 (0: not kept, skipped after its length check) */
static const uint8_t slot_of[256] = {
    [OPT_MSG_TYPE]  = A_MSG_TYPE + 1,  [OPT_REQ_IP]    = A_REQ_IP + 1,
    [OPT_LEASE]     = A_LEASE + 1,     [OPT_SERVER_ID] = A_SERVER_ID + 1,
    [OPT_ROUTER]    = A_ROUTER + 1,    [OPT_DNS]       = A_DNS + 1,
    [OPT_HOSTNAME]  = A_HOSTNAME + 1,  [OPT_VENDOR]    = A_VENDOR + 1,
    [OPT_CLIENT_ID] = A_CLIENT_ID + 1, [OPT_PARAMS]    = A_PARAMS + 1,
    [OPT_OVERLOAD]  = A_OVERLOAD + 1,
};

/* The concatenated value of one option (RFC 3396).
 * Invariant: kept == min(total, DHCP_STR_MAX); buf[0..kept) are the first
 * octets of the value in message order. */
struct acc {
    size_t  total;              /* octets seen over all instances */
    size_t  kept;
    uint8_t seen;               /* at least one instance */
    uint8_t buf[DHCP_STR_MAX];
};

struct opts {
    struct acc a[A_COUNT];
};

/* Which region a walk covers: only the options field may carry option 52
 * (RFC 2132 9.3); an overload inside file/sname is ignored, so the region
 * list can never grow or loop. */
enum region { R_OPTIONS, R_FILE, R_SNAME };

static void acc_add(struct acc *a, const uint8_t *v, size_t n)
{
    size_t room = DHCP_STR_MAX - a->kept;
    size_t take = n < room ? n : room;

    if (take)
        memcpy(a->buf + a->kept, v, take);
    a->kept += take;
    a->total += n;  /* n <= 255 per instance and instances <= len / 2 */
    a->seen = 1;
}

/*
 * Walk one option region (borrowed), adding kept options to *o.
 * Returns 0 when the region ends with the end option, -1 when an option
 * runs past the region or the end option is missing (the caller flags
 * EVF_MALFORMED).  Everything before the fault has been added.
 */
static int walk_options(const uint8_t *p, size_t len, enum region reg,
                        struct opts *o)
{
    struct rd r = rd_init(p, len);

    while (rd_left(&r) > 0) {
        uint8_t code = rd_u8(&r);
        uint8_t olen;
        const uint8_t *v;

        if (code == OPT_PAD)            /* RFC 2132 3.1: one octet, no len */
            continue;
        if (code == OPT_END)            /* RFC 2132 3.2: one octet, no len */
            return 0;
        olen = rd_u8(&r);               /* RFC 2132 2: code, len, data */
        v = rd_bytes(&r, olen);         /* checks len - off >= olen */
        if (r.err)
            return -1;                  /* length byte or data truncated */
        if (slot_of[code] == 0)
            continue;
        if (code == OPT_OVERLOAD && reg != R_OPTIONS)
            continue;                   /* RFC 2132 9.3: options field only */
        acc_add(&o->a[slot_of[code] - 1], v, olen);
    }
    return -1;                          /* no end option (RFC 2132 3.2) */
}

static void set_v4(struct sh_addr *dst, const uint8_t *v4)
{
    memset(dst, 0, sizeof(*dst));
    dst->family = 4;
    memcpy(dst->a, v4, 4);
}

static int is_zero4(const uint8_t *v4)
{
    return (v4[0] | v4[1] | v4[2] | v4[3]) == 0;
}

/* Option whose value must be exactly n octets (RFC 2132 9.1, 9.2, 9.6,
 * 9.7, 9.3).  Returns the value or NULL; sets EVF_MALFORMED when present
 * with another length. */
static const uint8_t *fixed_opt(const struct acc *a, size_t n,
                                struct sh_event *ev)
{
    if (!a->seen)
        return NULL;
    if (a->total != n) {
        ev->flags |= EVF_MALFORMED;
        return NULL;
    }
    return a->buf;
}

/* Address-list option (router 3, DNS 6): RFC 2132 3.5/3.8, minimum length
 * 4, a multiple of 4.  Returns the first address or NULL. */
static const uint8_t *addr_list_opt(const struct acc *a, struct sh_event *ev)
{
    if (!a->seen)
        return NULL;
    if (a->total < 4 || a->total % 4 != 0) {
        ev->flags |= EVF_MALFORMED;
        return NULL;
    }
    return a->buf;
}

/* Store a string option: raw octets (NUL -> '?' by ev_put).  min_len is
 * the RFC 2132 minimum; trailing NULs (a common C-string habit of
 * clients) are dropped when strip_nul. */
static struct ev_str str_opt(const struct acc *a, size_t min_len,
                             int strip_nul, struct sh_event *ev)
{
    struct ev_str none = {0, 0};
    size_t n = a->kept;

    if (!a->seen)
        return none;
    if (a->total < min_len) {
        ev->flags |= EVF_MALFORMED;
        return none;
    }
    if (a->total > a->kept)
        ev->flags |= EVF_TRUNCATED;
    while (strip_nul && n > 0 && a->buf[n - 1] == 0)
        n--;
    return ev_put(ev, a->buf, n, 0);
}

/* Option 61 as "01:aa:bb" (RFC 2132 9.14: type octet then identifier,
 * minimum length 2). */
static struct ev_str client_id_opt(const struct acc *a, struct sh_event *ev)
{
    static const char hex[] = "0123456789abcdef";
    char out[DHCP_STR_MAX * 3];         /* "xx:" per octet, last ':' unused */
    size_t o = 0;
    struct ev_str none = {0, 0};

    if (!a->seen)
        return none;
    if (a->total < 2) {
        ev->flags |= EVF_MALFORMED;
        return none;
    }
    if (a->total > a->kept)
        ev->flags |= EVF_TRUNCATED;
    for (size_t i = 0; i < a->kept; i++) {
        if (i)
            out[o++] = ':';
        out[o++] = hex[a->buf[i] >> 4];
        out[o++] = hex[a->buf[i] & 15];
    }
    return ev_put(ev, out, o, 0);
}

/* Option 55 as "1,3,6,15" (RFC 2132 9.8, minimum length 1). */
static struct ev_str params_opt(const struct acc *a, struct sh_event *ev)
{
    char out[DHCP_STR_MAX * 4];         /* "255," per octet at most */
    size_t o = 0;
    struct ev_str none = {0, 0};

    if (!a->seen)
        return none;
    if (a->total < 1) {
        ev->flags |= EVF_MALFORMED;
        return none;
    }
    if (a->total > a->kept)
        ev->flags |= EVF_TRUNCATED;
    for (size_t i = 0; i < a->kept; i++) {
        uint8_t v = a->buf[i];

        if (i)
            out[o++] = ',';
        if (v >= 100)
            out[o++] = (char)('0' + v / 100);
        if (v >= 10)
            out[o++] = (char)('0' + v / 10 % 10);
        out[o++] = (char)('0' + v % 10);
    }
    return ev_put(ev, out, o, 0);
}

int dhcp_parse(const uint8_t *p, size_t len, struct sh_event *ev)
{
    struct rd r = rd_init(p, len);
    struct opts o;
    struct ev_dhcp *d;
    const uint8_t *ciaddr, *yiaddr, *chaddr, *sname, *file, *optp, *v;
    size_t optlen;
    uint8_t op, htype, hlen, overload = 0;
    uint32_t xid, cookie;

    /* RFC 2131 2, figure 1: the fixed BOOTP header. */
    op = rd_u8(&r);
    htype = rd_u8(&r);
    hlen = rd_u8(&r);
    (void)rd_u8(&r);                    /* hops */
    xid = rd_be32(&r);
    (void)rd_be16(&r);                  /* secs */
    (void)rd_be16(&r);                  /* flags */
    ciaddr = rd_bytes(&r, 4);
    yiaddr = rd_bytes(&r, 4);
    (void)rd_bytes(&r, 4);              /* siaddr */
    (void)rd_bytes(&r, 4);              /* giaddr */
    chaddr = rd_bytes(&r, 16);
    sname = rd_bytes(&r, 64);
    file = rd_bytes(&r, 128);
    cookie = rd_be32(&r);               /* RFC 2131 3: 99.130.83.99 */
    if (r.err)
        return -1;                      /* shorter than DHCP_MIN_LEN */
    if (op != 1 && op != 2)             /* RFC 951 3: BOOTREQUEST/REPLY */
        return -1;
    if (cookie != DHCP_MAGIC)           /* RFC 2132 2: not DHCP options */
        return -1;
    optlen = rd_left(&r);
    optp = rd_bytes(&r, optlen);

    ev_clear_body(ev, EV_DHCP);
    d = &ev->u.dhcp;
    d->op = op;
    d->xid = xid;

    /* RFC 2131 2: chaddr holds hlen octets; htype 1 is 10 Mb Ethernet
     * (RFC 1700), whose addresses are 6 octets. */
    if (htype == 1 && hlen == 6)
        memcpy(d->client_mac, chaddr, 6);
    else if (htype == 1 || hlen > 16)
        ev->flags |= EVF_MALFORMED;

    /* RFC 2131 2: ciaddr/yiaddr 0 mean "none". */
    if (!is_zero4(ciaddr))
        set_v4(&d->client_ip, ciaddr);
    if (!is_zero4(yiaddr))
        set_v4(&d->assigned_ip, yiaddr);

    /* RFC 2131 4.1: options field first, then file, then sname. */
    memset(&o, 0, sizeof(o));
    if (walk_options(optp, optlen, R_OPTIONS, &o) != 0)
        ev->flags |= EVF_MALFORMED;
    /* RFC 2132 9.3: length 1; 1 = file, 2 = sname, 3 = both. */
    v = fixed_opt(&o.a[A_OVERLOAD], 1, ev);
    if (v) {
        if (*v >= 1 && *v <= 3)
            overload = *v;
        else
            ev->flags |= EVF_MALFORMED;
    }
    if ((overload & 1) && walk_options(file, 128, R_FILE, &o) != 0)
        ev->flags |= EVF_MALFORMED;
    if ((overload & 2) && walk_options(sname, 64, R_SNAME, &o) != 0)
        ev->flags |= EVF_MALFORMED;

    v = fixed_opt(&o.a[A_MSG_TYPE], 1, ev);         /* RFC 2132 9.6 */
    if (v)
        d->msg_type = *v;
    v = fixed_opt(&o.a[A_REQ_IP], 4, ev);           /* RFC 2132 9.1 */
    if (v && d->msg_type == DHCP_REQUEST && d->assigned_ip.family == 0 &&
        !is_zero4(v))
        set_v4(&d->assigned_ip, v);
    v = fixed_opt(&o.a[A_LEASE], 4, ev);            /* RFC 2132 9.2 */
    if (v)
        d->lease_time = be32_at(v);
    v = fixed_opt(&o.a[A_SERVER_ID], 4, ev);        /* RFC 2132 9.7 */
    if (v)
        set_v4(&d->server_id, v);
    v = addr_list_opt(&o.a[A_ROUTER], ev);          /* RFC 2132 3.5 */
    if (v)
        set_v4(&d->router, v);
    v = addr_list_opt(&o.a[A_DNS], ev);             /* RFC 2132 3.8 */
    if (v)
        set_v4(&d->dns_server, v);

    d->hostname = str_opt(&o.a[A_HOSTNAME], 1, 1, ev);   /* RFC 2132 3.14 */
    d->vendor_class = str_opt(&o.a[A_VENDOR], 1, 1, ev); /* RFC 2132 9.13 */
    d->client_id = client_id_opt(&o.a[A_CLIENT_ID], ev);
    d->params = params_opt(&o.a[A_PARAMS], ev);
    return 0;
}

const char *dhcp_type_name(uint8_t msg_type)
{
    static const char *const names[] = {
        [DHCP_DISCOVER] = "discover",
        [DHCP_OFFER] = "offer",
        [DHCP_REQUEST] = "request",
        [DHCP_DECLINE] = "decline",
        [DHCP_ACK] = "ack",
        [DHCP_NAK] = "nak",
        [DHCP_RELEASE] = "release",
        [DHCP_INFORM] = "inform",
        [DHCP_FORCERENEW] = "forcerenew",
        [DHCP_LEASEQUERY] = "leasequery",
        [DHCP_LEASEUNASSIGNED] = "leaseunassigned",
        [DHCP_LEASEUNKNOWN] = "leaseunknown",
        [DHCP_LEASEACTIVE] = "leaseactive",
        [DHCP_BULKLEASEQUERY] = "bulkleasequery",
        [DHCP_LEASEQUERYDONE] = "leasequerydone",
        [DHCP_ACTIVELEASEQUERY] = "activeleasequery",
        [DHCP_LEASEQUERYSTATUS] = "leasequerystatus",
        [DHCP_TLS] = "tls",
    };

    if (msg_type >= sizeof(names) / sizeof(names[0]))
        return NULL;
    return names[msg_type];             /* NULL for 0 */
}
