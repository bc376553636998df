/*
 * dns.c -- DNS message parser (RFC 1035 4.1) and DNS-over-TCP framer
 * (RFC 1035 4.2.2, RFC 7766 8).  Contract and limits: dns.h.
 *
 * Design
 *  - One cursor (rd.h) over the message; sections are read in order
 *    (question, answer, authority, additional) and the parse stops at the
 *    first fault that loses the framing.  Nothing recurses.
 *  - Name decompression follows tcpdump's print-domain.c discipline: a
 *    compression pointer must point strictly before the start of the
 *    label sequence that contains it (RFC 1035 4.1.4 speaks of a "prior
 *    occurrence").  The sequence start therefore decreases at every hop,
 *    which alone rules out loops; DNS_NAME_MAX_HOPS caps the work per name
 *    anyway (labels + pointers).
 *  - Names are decoded into a stack buffer and copied to the arena only
 *    when the record is kept; identical strings are stored once
 *    (dns_put_name) so that 20 answers for one name do not fill the arena.
 *  - Work per message is linear in its length: records that are not kept
 *    (questions past EV_DNS_MAX_Q, answers past EV_DNS_MAX_AN, authority,
 *    additional) are stepped over without following pointers, and at
 *    most EV_DNS_MAX_Q + 2 * EV_DNS_MAX_AN names are decoded, each in at
 *    most DNS_NAME_MAX_HOPS pointer hops plus the octets of its own labels.
 */
#include "dns.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "rd.h"

/* RR TYPEs decoded (IANA registry; RFCs at each use). */
enum {
    T_A = 1, T_NS = 2, T_CNAME = 5, T_PTR = 12,
    T_SOA = 6, T_MX = 15, T_TXT = 16, T_AAAA = 28, T_DNAME = 39, T_SPF = 99,
};

#define C_IN 1u          /* RFC 1035 3.2.4 */
#define C_MDNS_FLUSH 0x8000u /* RFC 6762 10.2: cache-flush bit of RRCLASS */

/* RFC 1035 4.1.4: the two high bits of a length octet select the label
 * type, so a 00 label holds at most 63 octets. */
_Static_assert(DNS_LABEL_MAX == 0x3F, "6-bit label length");

/* Anomalies that only describe the message, not a fault in it. */
#define DNSA_BENIGN (DNSA_COUNTS_CAPPED | DNSA_TC)

/* A decoded name in presentation form.  Invariant: len <= DNS_NAME_MAX,
 * s[len] == '\0', no NUL inside (stored as '?', the ev_put mapping). */
struct dns_name {
    size_t len;
    int cut;                       /* longer than DNS_NAME_WIRE_MAX */
    char s[DNS_NAME_MAX + 1];
};

/* Outcome of dns_name_read(). */
enum {
    NAME_OK = 0,      /* the end of the name in the enclosing data is known
                         (anomalies behind a pointer are in *anom)       */
    NAME_SHORT = -1,  /* the window ended inside the name's own labels   */
    NAME_LOST = -2,   /* 0x40/0x80 label type in the name's own labels:
                         its end is unknown                              */
};

/* Parse state of one message.  r's window is the whole message. */
struct dns_ctx {
    const uint8_t *msg;
    size_t len;
    struct rd r;
    struct sh_event *ev;
    uint16_t anom;
};

/* A cursor over msg[start..end) that keeps msg as its origin, so that
 * offsets (and compression pointers) stay message-relative.
 * Requires start <= end <= the message length (callers prove it). */
static struct rd dns_window(const uint8_t *msg, size_t start, size_t end)
{
    struct rd w = rd_init(msg, end);

    (void)rd_skip(&w, start);
    return w;
}

/*
 * Read the domain name at r's offset (RFC 1035 3.1, 4.1.4).
 *
 * r is a cursor whose origin is msg and whose window msg[0..lim) bounds the
 * name's own labels (lim <= mlen: the message, or the end of an RDATA).
 * Pointers may target anything in msg[0..mlen) before the current label
 * sequence.  On NAME_OK r is left just after the name (after its root octet
 * or its first pointer); otherwise r is unspecified.  nm receives what was
 * decoded, possibly a prefix when anomalies were found.  Anomalies are
 * ORed into *anom.
 */
static int dns_name_read(const uint8_t *msg, size_t mlen, struct rd *r,
                         struct dns_name *nm, uint16_t *anom)
{
    struct rd j;                  /* cursor used after the first pointer */
    struct rd *c = r;
    size_t seq = r->off;          /* start of the label sequence read now */
    size_t wire = 1;              /* wire octets so far, the root included */
    unsigned hops = 0;
    int jumped = 0;

    nm->len = 0;
    nm->cut = 0;
    nm->s[0] = '\0';
    for (;;) {
        uint8_t b = rd_u8(c);

        if (c->err)
            goto short_read;
        if (b == 0)
            return NAME_OK;                 /* root label: end of name */
        /* The name's own labels are paid for by the window they consume;
         * pointers and the labels reached through them are budgeted.  The
         * first pointer is hop 1, so hops > 1 implies jumped: r already
         * stands past the name. */
        if (((b & 0xC0) == 0xC0 || jumped) && ++hops > DNS_NAME_MAX_HOPS) {
            *anom |= DNSA_TOO_MANY_LABELS;
            return NAME_OK;
        }
        if ((b & 0xC0) == 0xC0) {
            /* RFC 1035 4.1.4: 14-bit offset from the start of the message */
            uint8_t lo = rd_u8(c);
            size_t target = ((size_t)(b & 0x3F) << 8) | lo;

            if (c->err)
                goto short_read;
            jumped = 1;                     /* r now points past the name */
            if (target >= seq) {
                /* not strictly backwards (tcpdump print-domain.c): a loop,
                 * a forward reference or out of the message */
                *anom |= DNSA_BAD_POINTER;
                return NAME_OK;
            }
            seq = target;
            j = dns_window(msg, target, mlen);
            c = &j;
            continue;
        }
        if (b & 0xC0) {
            /* 01: extended label (RFC 6891 5, RFC 2671), 10: reserved;
             * read as a length it would also exceed 63 (RFC 1035 2.3.4) */
            *anom |= DNSA_BAD_LABEL_TYPE | DNSA_LABEL_TOO_LONG;
            return jumped ? NAME_OK : NAME_LOST;
        }
        /* b in 1..DNS_LABEL_MAX (RFC 1035 2.3.4): a label of b octets */
        const uint8_t *lab = rd_bytes(c, b);
        if (lab == NULL)
            goto short_read;
        wire += 1u + b;
        if (wire > DNS_NAME_WIRE_MAX) {
            /* RFC 1035 2.3.4: 255 octets or less.  Keep the prefix; walk
             * on only when the end of the name is still unknown. */
            if (!nm->cut)
                *anom |= DNSA_NAME_TOO_LONG;
            nm->cut = 1;
            if (jumped)
                return NAME_OK;
            continue;
        }
        /* wire <= 255 gives len + 1 + b <= 253 <= DNS_NAME_MAX */
        if (nm->len)
            nm->s[nm->len++] = '.';
        for (size_t i = 0; i < b; i++)
            nm->s[nm->len++] = lab[i] ? (char)lab[i] : '?';
        nm->s[nm->len] = '\0';
    }

short_read:
    if (!jumped)
        return NAME_SHORT;
    /* the pointed-to labels run past the end of the message */
    *anom |= DNSA_TRUNCATED;
    return NAME_OK;
}

/*
 * Step over the domain name at r's offset without decoding it or following
 * its pointers (records that are not kept: only the framing matters).
 * Same outcomes as dns_name_read() for the name's own labels; anomalies
 * behind a pointer are not looked for.  O(octets stepped over).
 */
static int dns_name_skip(struct rd *r, uint16_t *anom)
{
    size_t wire = 1;

    for (;;) {
        uint8_t b = rd_u8(r);

        if (r->err)
            return NAME_SHORT;
        if (b == 0)
            return NAME_OK;
        if ((b & 0xC0) == 0xC0) {           /* RFC 1035 4.1.4 */
            (void)rd_u8(r);
            return r->err ? NAME_SHORT : NAME_OK;
        }
        if (b & 0xC0) {                     /* RFC 6891 5, RFC 1035 2.3.4 */
            *anom |= DNSA_BAD_LABEL_TYPE | DNSA_LABEL_TOO_LONG;
            return NAME_LOST;
        }
        if (rd_skip(r, b) != 0)
            return NAME_SHORT;
        wire += 1u + b;
        if (wire > DNS_NAME_WIRE_MAX)       /* RFC 1035 2.3.4 */
            *anom |= DNSA_NAME_TOO_LONG;
    }
}

/* Store a name in the arena, reusing an identical string already stored
 * in this event (names repeat: question, owner names, CNAME targets). */
static struct ev_str dns_put_name(struct sh_event *ev,
                                  const struct dns_name *nm)
{
    const struct ev_dns *d = &ev->u.dns;
    struct ev_str none = {0, 0};

    if (nm->len == 0)
        return none;
    if (nm->cut)
        ev->flags |= EVF_TRUNCATED;
    for (unsigned i = 0; i < d->nq + 2u * d->nan; i++) {
        struct ev_str s = i < d->nq ? d->q[i].name
                        : (i - d->nq) % 2 ? d->an[(i - d->nq) / 2].data
                                          : d->an[(i - d->nq) / 2].name;
        if (s.len == nm->len && memcmp(ev->arena + s.off, nm->s, nm->len) == 0)
            return s;
    }
    return ev_put(ev, nm->s, nm->len, DNS_NAME_MAX);
}

/* RDATA that is exactly one domain name (CNAME, NS, PTR, DNAME, MX
 * exchange) starting at w's offset and ending at `end`.  Data is kept only
 * when the name is clean; otherwise DNSA_BAD_RDATA. */
static struct ev_str dns_rdata_name(struct dns_ctx *x, struct rd *w,
                                    size_t end)
{
    struct dns_name nm;
    uint16_t a = 0;
    struct ev_str none = {0, 0};

    if (dns_name_read(x->msg, x->len, w, &nm, &a) != NAME_OK ||
        a != 0 || w->err || w->off != end) {
        x->anom |= a | DNSA_BAD_RDATA;
        return none;
    }
    return dns_put_name(x->ev, &nm);
}

/* Decode the RDATA of a kept answer: msg[start..start+rr->rdlen), which
 * the caller has proven to lie inside the message. */
static void dns_rdata(struct dns_ctx *x, struct ev_dns_rr *rr, size_t start)
{
    size_t end = start + rr->rdlen;      /* rdlen <= len - start: proven */
    struct rd w = dns_window(x->msg, start, end);
    int in = (rr->klass & ~C_MDNS_FLUSH) == C_IN;
    char txt[64];

    switch (rr->type) {
    case T_A:            /* RFC 1035 3.4.1: a 32-bit address (class IN) */
        if (!in)
            break;
        if (rr->rdlen != 4) {
            x->anom |= DNSA_BAD_RDATA;
            break;
        }
        {
            const uint8_t *a = rd_bytes(&w, 4);
            if (a == NULL)
                break;
            int n = snprintf(txt, sizeof txt, "%u.%u.%u.%u",
                             a[0], a[1], a[2], a[3]);
            if (n > 0 && (size_t)n < sizeof txt)
                rr->data = ev_put(x->ev, txt, (size_t)n, 0);
        }
        break;
    case T_AAAA:         /* RFC 3596 2.2: 128 bits; text per RFC 5952 */
        if (!in)
            break;
        if (rr->rdlen != 16) {
            x->anom |= DNSA_BAD_RDATA;
            break;
        }
        {
            const uint8_t *a = rd_bytes(&w, 16);
            if (a != NULL && inet_ntop(AF_INET6, a, txt, sizeof txt) != NULL)
                rr->data = ev_puts(x->ev, txt, 0);
        }
        break;
    case T_CNAME:        /* RFC 1035 3.3.1 */
    case T_NS:           /* RFC 1035 3.3.11 */
    case T_PTR:          /* RFC 1035 3.3.12 */
    case T_DNAME:        /* RFC 6672 2.1 */
        rr->data = dns_rdata_name(x, &w, end);
        break;
    case T_MX:           /* RFC 1035 3.3.9: PREFERENCE, EXCHANGE */
        rr->mx_pref = rd_be16(&w);
        if (w.err) {
            rr->mx_pref = 0;
            x->anom |= DNSA_BAD_RDATA;
            break;
        }
        rr->data = dns_rdata_name(x, &w, end);
        break;
    case T_TXT:          /* RFC 1035 3.3.14: one or more <character-string> */
    case T_SPF: {        /* RFC 7208 3.1: same format as TXT */
        char buf[DNS_TXT_MAX];
        size_t kept = 0, total = 0;

        if (rr->rdlen == 0) {
            x->anom |= DNSA_BAD_RDATA;
            break;
        }
        while (rd_left(&w) > 0) {
            /* RFC 1035 3.3: a length octet then that many octets */
            uint8_t n = rd_u8(&w);
            const uint8_t *s = rd_bytes(&w, n);
            if (s == NULL)
                break;
            total += n;
            size_t take = DNS_TXT_MAX - kept < n ? DNS_TXT_MAX - kept : n;
            memcpy(buf + kept, s, take);
            kept += take;
        }
        if (w.err) {              /* a string runs past RDLENGTH */
            x->anom |= DNSA_BAD_RDATA;
            break;
        }
        rr->data = ev_put(x->ev, buf, kept, DNS_TXT_MAX);
        if (total > kept)
            x->ev->flags |= EVF_TRUNCATED;
        break;
    }
    default:             /* SOA, SRV, NULL, OPT, ...: RDLENGTH only */
        break;
    }
}

/* Walk n questions (RFC 1035 4.1.2), keeping the first EV_DNS_MAX_Q (the
 * others are only stepped over).  Returns 0, or -1 when the framing is
 * lost. */
static int dns_questions(struct dns_ctx *x, unsigned n)
{
    struct ev_dns *d = &x->ev->u.dns;

    for (unsigned i = 0; i < n; i++) {
        struct dns_name nm;
        int keep = d->nq < EV_DNS_MAX_Q;
        int rc = keep ? dns_name_read(x->msg, x->len, &x->r, &nm, &x->anom)
                      : dns_name_skip(&x->r, &x->anom);

        if (rc != NAME_OK) {
            if (rc == NAME_SHORT)
                x->anom |= DNSA_TRUNCATED;
            return -1;
        }
        uint16_t type = rd_be16(&x->r);
        uint16_t klass = rd_be16(&x->r);
        if (x->r.err) {                 /* QTYPE, QCLASS: 4 octets */
            x->anom |= DNSA_TRUNCATED;
            return -1;
        }
        if (!keep) {
            x->anom |= DNSA_COUNTS_CAPPED;
            continue;
        }
        struct ev_dns_q *q = &d->q[d->nq];
        q->name = dns_put_name(x->ev, &nm);
        q->type = type;
        q->klass = klass;
        d->nq++;
    }
    return 0;
}

/* SOA RDATA (RFC 1035 3.3.13): MNAME, RNAME, SERIAL, REFRESH, RETRY,
 * EXPIRE, MINIMUM, exactly filling msg[start..start+rdlen).  Kept in
 * dns.soa only when whole and clean; otherwise left out silently (the
 * authority section is not judged, as before SOAs were kept). */
static void dns_soa(struct dns_ctx *x, const struct dns_name *owner, uint32_t ttl,
                    size_t start, uint16_t rdlen)
{
    struct ev_dns_soa *s = &x->ev->u.dns.soa;
    struct rd w = dns_window(x->msg, start, start + rdlen);
    struct dns_name mn, rn;
    uint16_t a = 0;

    if (dns_name_read(x->msg, x->len, &w, &mn, &a) != NAME_OK ||
        dns_name_read(x->msg, x->len, &w, &rn, &a) != NAME_OK || a != 0)
        return;
    uint32_t v[5];
    for (int i = 0; i < 5; i++)
        v[i] = rd_be32(&w);
    if (w.err || rd_left(&w) != 0)
        return;
    s->name = dns_put_name(x->ev, owner);
    s->mname = dns_put_name(x->ev, &mn);
    s->rname = dns_put_name(x->ev, &rn);
    s->ttl = ttl;
    s->serial = v[0];
    s->refresh = v[1];
    s->retry = v[2];
    s->expire = v[3];
    s->minimum = v[4];
    s->present = 1;
}

/* Walk n resource records (RFC 1035 4.1.3).  With keep == RRS_KEEP, the
 * first EV_DNS_MAX_AN are stored in dns.an[] with decoded RDATA; with
 * RRS_SOA (the authority section) the first SOA goes to dns.soa; the
 * others are only stepped over: owner name skipped, RDATA skipped by
 * RDLENGTH.  Returns 0, or -1 when the framing is lost. */
#define RRS_SKIP 0
#define RRS_KEEP 1
#define RRS_SOA  2
static int dns_rrs(struct dns_ctx *x, unsigned n, int keep)
{
    struct ev_dns *d = &x->ev->u.dns;

    for (unsigned i = 0; i < n; i++) {
        struct dns_name nm;
        struct ev_dns_rr rr;
        int stored = keep == RRS_KEEP && d->nan < EV_DNS_MAX_AN;
        size_t owner = x->r.off;
        int rc = stored ? dns_name_read(x->msg, x->len, &x->r, &nm, &x->anom)
                        : dns_name_skip(&x->r, &x->anom);

        if (rc != NAME_OK) {
            if (rc == NAME_SHORT)
                x->anom |= DNSA_TRUNCATED;
            return -1;
        }
        memset(&rr, 0, sizeof rr);
        rr.type = rd_be16(&x->r);
        rr.klass = rd_be16(&x->r);
        rr.ttl = rd_be32(&x->r);
        rr.rdlen = rd_be16(&x->r);
        if (x->r.err) {                 /* TYPE .. RDLENGTH: 10 octets */
            x->anom |= DNSA_TRUNCATED;
            return -1;
        }
        if (keep == RRS_KEEP && !stored)
            x->anom |= DNSA_COUNTS_CAPPED;
        if (stored)
            rr.name = dns_put_name(x->ev, &nm);
        /* RFC 1035 4.1.3: RDLENGTH octets of RDATA follow */
        size_t start = x->r.off;
        if (!rd_has(&x->r, rr.rdlen)) {
            x->anom |= DNSA_TRUNCATED;
            if (stored)
                d->an[d->nan++] = rr;   /* header kept, data absent */
            return -1;
        }
        if (stored) {
            dns_rdata(x, &rr, start);
            d->an[d->nan++] = rr;
        } else if (keep == RRS_SOA && rr.type == T_SOA && !d->soa.present) {
            /* the owner was only stepped over (as for any record not
             * kept); read it now, its anomalies are the SOA's own */
            struct rd o = dns_window(x->msg, owner, start);
            uint16_t oa = 0;
            if (dns_name_read(x->msg, x->len, &o, &nm, &oa) == NAME_OK && oa == 0)
                dns_soa(x, &nm, rr.ttl, start, rr.rdlen);
        }
        (void)rd_skip(&x->r, rr.rdlen);
    }
    return 0;
}

/* RFC 6895 2.2: assigned opcodes. */
static int dns_opcode_known(unsigned op)
{
    return op == DNS_OP_QUERY || op == DNS_OP_IQUERY || op == DNS_OP_STATUS ||
           op == DNS_OP_NOTIFY || op == DNS_OP_UPDATE || op == DNS_OP_DSO;
}

int dns_parse(const uint8_t *p, size_t len, int tcp, struct sh_event *ev)
{
    struct dns_ctx x;
    struct rd r;

    if (p == NULL || ev == NULL || len > DNS_MSG_MAX)
        return -1;
    /* RFC 1035 4.1.1: ID, flags, QDCOUNT, ANCOUNT, NSCOUNT, ARCOUNT */
    r = rd_init(p, len);
    uint16_t id = rd_be16(&r);
    uint16_t flags = rd_be16(&r);
    uint16_t qd = rd_be16(&r);
    uint16_t an = rd_be16(&r);
    uint16_t ns = rd_be16(&r);
    uint16_t ar = rd_be16(&r);
    if (r.err)
        return -1;                      /* shorter than DNS_HDR_LEN */
    unsigned qr = flags >> 15;
    unsigned opcode = (flags >> 11) & 0xFu;
    unsigned rcode = flags & 0xFu;
    if (!dns_opcode_known(opcode))
        return -1;
    if (qd == 0 && an == 0 && !(qr && rcode != 0) && opcode != DNS_OP_DSO)
        return -1;

    /* keep the pipeline's pairing fields across the body reset */
    uint8_t paired = ev->u.dns.paired, unanswered = ev->u.dns.unanswered;
    uint32_t rtt = ev->u.dns.rtt_us;
    ev_clear_body(ev, EV_DNS);
    struct ev_dns *d = &ev->u.dns;
    d->paired = paired;
    d->unanswered = unanswered;
    d->rtt_us = rtt;

    d->qr = (uint8_t)qr;
    d->opcode = (uint8_t)opcode;
    d->rcode = (uint8_t)rcode;
    d->tcp = tcp != 0;
    d->id = id;
    d->flags = flags;
    d->qdcount = qd;
    d->ancount = an;
    d->nscount = ns;
    d->arcount = ar;
    d->msg_len = (uint16_t)len;         /* len <= DNS_MSG_MAX */

    x.msg = p;
    x.len = len;
    x.r = r;
    x.ev = ev;
    x.anom = (flags & DNS_FLAG_TC) ? DNSA_TC : 0; /* RFC 1035 4.1.1 TC */

    /* sections in wire order (RFC 1035 4.1); stop when framing is lost */
    if (dns_questions(&x, qd) == 0 &&
        dns_rrs(&x, an, RRS_KEEP) == 0 &&
        dns_rrs(&x, ns, RRS_SOA) == 0)
        (void)dns_rrs(&x, ar, RRS_SKIP);

    d->anomalies = x.anom;
    if (x.anom & ~DNSA_BENIGN)
        ev->flags |= EVF_MALFORMED;
    return 0;
}

const char *dns_type_name(uint16_t type)
{
    switch (type) {
    case 1: return "A";
    case 2: return "NS";
    case 3: return "MD";
    case 4: return "MF";
    case 5: return "CNAME";
    case 6: return "SOA";
    case 7: return "MB";
    case 8: return "MG";
    case 9: return "MR";
    case 10: return "NULL";
    case 11: return "WKS";
    case 12: return "PTR";
    case 13: return "HINFO";
    case 14: return "MINFO";
    case 15: return "MX";
    case 16: return "TXT";
    case 17: return "RP";
    case 18: return "AFSDB";
    case 19: return "X25";
    case 20: return "ISDN";
    case 21: return "RT";
    case 22: return "NSAP";
    case 23: return "NSAP-PTR";
    case 24: return "SIG";
    case 25: return "KEY";
    case 26: return "PX";
    case 27: return "GPOS";
    case 28: return "AAAA";
    case 29: return "LOC";
    case 30: return "NXT";
    case 33: return "SRV";
    case 35: return "NAPTR";
    case 36: return "KX";
    case 37: return "CERT";
    case 38: return "A6";
    case 39: return "DNAME";
    case 41: return "OPT";
    case 42: return "APL";
    case 43: return "DS";
    case 44: return "SSHFP";
    case 45: return "IPSECKEY";
    case 46: return "RRSIG";
    case 47: return "NSEC";
    case 48: return "DNSKEY";
    case 49: return "DHCID";
    case 50: return "NSEC3";
    case 51: return "NSEC3PARAM";
    case 52: return "TLSA";
    case 53: return "SMIMEA";
    case 55: return "HIP";
    case 59: return "CDS";
    case 60: return "CDNSKEY";
    case 61: return "OPENPGPKEY";
    case 62: return "CSYNC";
    case 63: return "ZONEMD";
    case 64: return "SVCB";
    case 65: return "HTTPS";
    case 99: return "SPF";
    case 108: return "EUI48";
    case 109: return "EUI64";
    case 249: return "TKEY";
    case 250: return "TSIG";
    case 251: return "IXFR";
    case 252: return "AXFR";
    case 253: return "MAILB";
    case 254: return "MAILA";
    case 255: return "ANY";
    case 256: return "URI";
    case 257: return "CAA";
    case 32768: return "TA";
    case 32769: return "DLV";
    default: return NULL;
    }
}

const char *dns_rcode_name(uint8_t rcode)
{
    static const char *const names[] = {
        "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
        "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE", /* 2136 */
        "DSOTYPENI",                                          /* 8490 */
        NULL, NULL, NULL, NULL,
        "BADVERS", /* RFC 6891 (BADSIG in TSIG, RFC 8945) */
        "BADKEY", "BADTIME", "BADMODE", "BADNAME", "BADALG", "BADTRUNC",
        "BADCOOKIE",                                          /* 7873 */
    };

    return rcode < sizeof names / sizeof names[0] ? names[rcode] : NULL;
}

/* ---- DNS over TCP --------------------------------------------------- */

enum dns_tcp_phase {
    PH_LEN = 0,   /* reading the 2-octet length prefix       */
    PH_MSG,       /* collecting a message of `need` octets   */
    PH_SKIP,      /* discarding an oversize message          */
    PH_DEAD,      /* after a gap: ignore the direction       */
};

/* One direction.  Invariants: have <= need <= DNS_TCP_MAX_MSG in PH_MSG;
 * npfx < 2; skip > 0 in PH_SKIP. */
struct dns_tcp_dir {
    uint8_t  phase;
    uint8_t  npfx;                 /* prefix octets in pfx[]        */
    uint8_t  pfx[2];
    uint16_t need;                 /* message length (PH_MSG)       */
    uint16_t have;                 /* octets of it in buf           */
    uint32_t skip;                 /* octets left to skip (PH_SKIP) */
    uint8_t  buf[DNS_TCP_MAX_MSG];
};

struct dns_tcp_state {
    struct dns_tcp_dir d[2];       /* DIR_TOSERVER, DIR_TOCLIENT */
};

size_t dns_tcp_state_size(void)
{
    return sizeof(struct dns_tcp_state);
}

void dns_tcp_init(struct dns_tcp_state *s)
{
    for (int i = 0; i < 2; i++) {
        s->d[i].phase = PH_LEN;
        s->d[i].npfx = 0;
        s->d[i].need = 0;
        s->d[i].have = 0;
        s->d[i].skip = 0;
    }
}

/* Parse one complete message m[0..n) and emit it. */
static void dns_tcp_deliver(int dir, const uint8_t *m, size_t n,
                            uint64_t ts_us, const struct app_sink *sink)
{
    struct app_stats *st = sink ? sink->stats : NULL;
    struct sh_event ev;

    ev_reset(&ev, EV_DNS);
    ev.ts_us = ts_us;
    ev.proto = 6;                               /* IPPROTO_TCP */
    if (dns_parse(m, n, 1, &ev) != 0) {
        if (st)
            st->dns_malformed++;
        return;
    }
    if (st) {
        st->dns_parsed++;
        if (ev.flags & EVF_MALFORMED)
            st->dns_malformed++;
    }
    if (sink && sink->emit)
        sink->emit(sink->ctx, dir, &ev);
}

void dns_tcp_feed(struct dns_tcp_state *s, int dir, const uint8_t *p,
                  size_t len, uint64_t ts_us, const struct app_sink *sink)
{
    if (s == NULL || (dir != DIR_TOSERVER && dir != DIR_TOCLIENT))
        return;

    struct dns_tcp_dir *t = &s->d[dir];
    struct rd r = rd_init(p, len);

    while (t->phase != PH_DEAD && rd_left(&r) > 0) {
        size_t left = rd_left(&r);

        switch (t->phase) {
        case PH_LEN:
            /* RFC 1035 4.2.2: two-octet length, network order */
            t->pfx[t->npfx++] = rd_u8(&r);
            if (t->npfx < 2)
                break;
            t->npfx = 0;
            {
                uint16_t n = be16_at(t->pfx);
                if (n > DNS_TCP_MAX_MSG) {
                    t->phase = PH_SKIP;
                    t->skip = n;
                    if (sink && sink->stats)
                        sink->stats->dns_tcp_oversize++;
                } else if (n == 0) {
                    /* an empty message is not DNS: counted, framing goes on */
                    dns_tcp_deliver(dir, t->buf, 0, ts_us, sink);
                } else {
                    t->phase = PH_MSG;
                    t->need = n;
                    t->have = 0;
                }
            }
            break;
        case PH_MSG: {
            size_t want = (size_t)(t->need - t->have);
            if (t->have == 0 && left >= want) {
                /* whole message in this segment: parse in place */
                const uint8_t *m = rd_bytes(&r, want);
                t->phase = PH_LEN;
                if (m != NULL)
                    dns_tcp_deliver(dir, m, want, ts_us, sink);
                break;
            }
            size_t take = left < want ? left : want;
            const uint8_t *q = rd_bytes(&r, take);
            if (q == NULL)
                return;
            memcpy(t->buf + t->have, q, take);   /* have + take <= need */
            t->have = (uint16_t)(t->have + take);
            if (t->have == t->need) {
                t->phase = PH_LEN;
                dns_tcp_deliver(dir, t->buf, t->need, ts_us, sink);
            }
            break;
        }
        case PH_SKIP: {
            size_t take = left < t->skip ? left : t->skip;
            (void)rd_skip(&r, take);
            t->skip -= (uint32_t)take;
            if (t->skip == 0)
                t->phase = PH_LEN;
            break;
        }
        default:
            return;
        }
    }
}

void dns_tcp_gap(struct dns_tcp_state *s, int dir)
{
    if (s == NULL || (dir != DIR_TOSERVER && dir != DIR_TOCLIENT))
        return;
    s->d[dir].phase = PH_DEAD;
    s->d[dir].npfx = 0;
    s->d[dir].have = 0;
    s->d[dir].need = 0;
    s->d[dir].skip = 0;
}
