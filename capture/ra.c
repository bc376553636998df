/*
 * ra.c -- IPv6 Router Advertisement parser.  See ra.h for the contract.
 *
 * Wire layout (RFC 4861 4.2), all through the rd.h cursor:
 *
 *   type(134) code(0) checksum(2) | cur hop limit(1) flags(1)
 *   router lifetime(2) | reachable time(4) | retrans timer(4) | options
 *
 * Options (RFC 4861 4.6) are type(1) length(1, in units of 8 octets,
 * these two octets included) value.  The walk is one forward pass: each
 * step consumes length * 8 >= 8 octets, so the cost is linear in len
 * whatever the content, and there is no nesting.
 *
 * The message is built in a local struct ev_ra and copied into the event
 * only once the whole message has passed the RFC 4861 6.1.2 checks, so a
 * message a host would discard leaves the event untouched.
 */
#include "ra.h"

#include <string.h>

#include "rd.h"

#define ND_OPT_SLLA   1   /* RFC 4861 4.6.1 Source Link-Layer Address   */
#define ND_OPT_PREFIX 3   /* RFC 4861 4.6.2 Prefix Information          */
#define ND_OPT_MTU    5   /* RFC 4861 4.6.4 MTU                         */
#define ND_OPT_RDNSS 25   /* RFC 8106 5.1 Recursive DNS Server          */

#define ND_PREFIX_OPT_LEN 4   /* RFC 4861 4.6.2: 32 octets */
#define ND_MTU_OPT_LEN    1   /* RFC 4861 4.6.4: 8 octets  */
#define ND_RDNSS_MIN_LEN  3   /* RFC 8106 5.1: one address */

static int is_link_local(const uint8_t *a)
{
    return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;   /* RFC 4291 2.5.6 */
}

/* Is a/plen inside the link-local prefix fe80::/10 (RFC 4291 2.5.6)?
 * A shorter prefix that contains it (::/0, fe80::/9) is not "the
 * link-local prefix" of RFC 4861 6.3.4: it is reported as announced, for
 * the consumer to judge. */
static int in_link_local(const uint8_t *a, unsigned plen)
{
    return plen >= 10 && is_link_local(a);
}

/*
 * One Prefix Information option body (the 30 octets after type and
 * length; RFC 4861 4.6.2):
 *   prefix length(1) flags(1) valid(4) preferred(4) reserved2(4) prefix(16)
 * Returns 1 when usable (and fills *out), 0 when skipped.
 */
static int prefix_opt(const uint8_t *body, size_t n, struct ev_prefix *out,
                      uint16_t *evflags)
{
    struct rd r = rd_init(body, n);
    uint8_t plen, flags;
    uint32_t valid, preferred;
    const uint8_t *pfx;

    plen = rd_u8(&r);
    flags = rd_u8(&r);
    valid = rd_be32(&r);
    preferred = rd_be32(&r);
    (void)rd_be32(&r);              /* reserved2 */
    pfx = rd_bytes(&r, 16);
    if (r.err)
        return 0;                   /* n is 30: cannot happen */
    /* RFC 4861 4.6.2: "Prefix Length ... from 0 to 128" */
    if (plen > 128) {
        *evflags |= EVF_MALFORMED;
        return 0;
    }
    /* RFC 4862 5.5.3 c: preferred > valid -> ignore, MAY log */
    if (preferred > valid) {
        *evflags |= EVF_MALFORMED;
        return 0;
    }
    memset(out, 0, sizeof(*out));
    out->prefix.family = 6;
    memcpy(out->prefix.a, pfx, 16);
    /* RFC 4861 4.6.2: bits after the prefix length are reserved, ignored */
    sh_addr_mask(out->prefix.a, plen);
    /* RFC 4861 6.3.4 and RFC 4862 5.5.3 b: the link-local prefix is
     * silently ignored (no log). */
    if (in_link_local(out->prefix.a, plen))
        return 0;
    out->len = plen;
    out->flags = flags;
    out->valid_s = valid;
    out->preferred_s = preferred;
    return 1;
}

int ra_parse(const uint8_t *p, size_t len, const struct sh_addr *src,
             struct sh_event *ev)
{
    struct rd r = rd_init(p, len);
    struct ev_ra ra;
    uint16_t evflags = 0;
    uint8_t type, code;
    int usable = 0, have_mtu = 0;

    /* RFC 4861 6.1.2: the source is a link-local address. */
    if (src == NULL || src->family != 6 || !is_link_local(src->a))
        return -1;
    memset(&ra, 0, sizeof(ra));
    type = rd_u8(&r);
    code = rd_u8(&r);
    (void)rd_be16(&r);              /* checksum: the caller's (RFC 4443 2.3) */
    ra.cur_hop_limit = rd_u8(&r);
    ra.flags = rd_u8(&r);
    ra.router_lifetime_s = rd_be16(&r);
    (void)rd_be32(&r);              /* reachable time */
    (void)rd_be32(&r);              /* retrans timer */
    if (r.err)
        return -1;                  /* 6.1.2: ICMP length >= 16 */
    if (type != RA_ICMP6_TYPE || code != 0)
        return -1;                  /* 6.1.2: ICMP code is 0 */

    /* RFC 4861 4.6: options to the end of the message. */
    while (rd_left(&r) > 0) {
        uint8_t otype = rd_u8(&r);
        uint8_t olen = rd_u8(&r);
        const uint8_t *body;
        size_t blen;

        /* 6.1.2: every option has a length > 0 ... */
        if (r.err || olen == 0)
            return -1;
        /* ... and fits in the message (olen * 8 - 2 >= 6: no underflow) */
        blen = (size_t)olen * 8 - 2;
        body = rd_bytes(&r, blen);
        if (body == NULL)
            return -1;

        switch (otype) {
        case ND_OPT_SLLA:
            /* RFC 2464 6: Ethernet is length 1, 6 octets of address */
            if (olen == 1 && !ra.has_router_mac) {
                memcpy(ra.router_mac, body, 6);
                ra.has_router_mac = 1;
            }
            break;
        case ND_OPT_MTU:
            /* RFC 4861 4.6.4: length 1, reserved(2) MTU(4) */
            if (olen != ND_MTU_OPT_LEN) {
                evflags |= EVF_MALFORMED;
            } else if (!have_mtu) {
                ra.mtu = be32_at(body + 2);
                have_mtu = 1;
            }
            break;
        case ND_OPT_PREFIX: {
            struct ev_prefix pf;

            /* RFC 4861 4.6.2: length 4 */
            if (olen != ND_PREFIX_OPT_LEN) {
                evflags |= EVF_MALFORMED;
                break;
            }
            if (!prefix_opt(body, blen, &pf, &evflags))
                break;
            usable++;
            if (ra.nprefix < EV_PREFIX_MAX)
                ra.prefix[ra.nprefix++] = pf;
            else
                evflags |= EVF_TRUNCATED;
            break;
        }
        case ND_OPT_RDNSS: {
            /* RFC 8106 5.1: reserved(2) lifetime(4) addresses(16 each);
             * length 1 + 2n, n >= 1: at least 3 and odd. */
            uint32_t lifetime;

            if (olen < ND_RDNSS_MIN_LEN || (olen & 1) == 0) {
                evflags |= EVF_MALFORMED;
                break;
            }
            lifetime = be32_at(body + 2);
            if (lifetime == 0)
                break;              /* RFC 8106 5.1: no longer to be used */
            for (size_t off = 6; blen - off >= 16; off += 16) {
                if (ra.nrdnss >= 2) {
                    evflags |= EVF_TRUNCATED;
                    break;
                }
                ra.rdnss[ra.nrdnss].family = 6;
                memcpy(ra.rdnss[ra.nrdnss].a, body + off, 16);
                ra.nrdnss++;
            }
            break;
        }
        default:
            break;                  /* RFC 4861 4.6: unknown -> skip */
        }
    }

    ev_clear_body(ev, EV_RA);
    ev->flags = evflags;
    ev->u.ra = ra;
    return usable;
}
