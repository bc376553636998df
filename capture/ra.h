/*
 * ra.h -- IPv6 Router Advertisement parser (RFC 4861 4.2, 4.6, 6.1.2;
 * RFC 4862 5.5.3; RFC 8106 5.1).
 *
 * One ICMPv6 message (type 134, after the IPv6 header and its extension
 * headers) in, one EV_RA event body out: what the router announced about
 * the link -- its on-link/SLAAC prefixes, its link-layer address, the MTU
 * and its recursive DNS servers.  The detector learns the network's own
 * prefixes from it.  The parser is stateless, allocates nothing and reads
 * only through the rd.h cursor.
 *
 * Limits
 *  - The caller checks what the parser cannot see: hop limit 255 (RFC
 *    4861 6.1.2: anything else was routed from off-link), the ICMPv6
 *    checksum (not verified), and that the message was not fragmented
 *    (RFC 6980 5: hosts ignore fragmented neighbour discovery).
 *  - Nothing is authenticated (no SEND, RFC 3971): an event says what a
 *    host claiming to be a router announced, which is what a rogue-RA
 *    detector needs and what a prefix learner must treat with care.
 *  - Kept: the first Ethernet Source Link-Layer Address option, the first
 *    well-formed MTU option, the first EV_PREFIX_MAX usable Prefix
 *    Information options, the first two RDNSS addresses with a non-zero
 *    lifetime.  Not decoded (skipped after their framing is checked):
 *    reachable time, retrans timer, Route Information (RFC 4191), DNSSL
 *    (RFC 8106 5.2), PvD (RFC 8801), the RDNSS and MTU options beyond
 *    those kept, and every unknown option (RFC 4861 4.6).
 */
#ifndef SH_RA_H
#define SH_RA_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

#if defined(__GNUC__)
#define RA_MUST_USE __attribute__((warn_unused_result))
#else
#define RA_MUST_USE
#endif

#define RA_ICMP6_TYPE 134        /* RFC 4861 4.2 */
#define RA_FIXED_LEN  16u        /* RFC 4861 6.1.2: ICMP length >= 16 */

/* ev_ra.flags bits (RFC 4861 4.2, RFC 4191 2.2, RFC 8425 3) */
#define RA_FLAG_MANAGED 0x80u    /* M: addresses from DHCPv6             */
#define RA_FLAG_OTHER   0x40u    /* O: other configuration from DHCPv6   */

/*
 * Parse one Router Advertisement.
 *
 * p = the ICMPv6 message from its type octet (borrowed for the call);
 * src = its IPv6 source address (borrowed).  On success it clears ev's
 * body and arena (ev_clear_body: ev->flags is reset too), sets
 * ev->type = EV_RA and fills ev->u.ra; the header (addresses, ports,
 * times, VLAN, MACs, flow id) is not touched.
 *
 *  cur_hop_limit, flags, router_lifetime_s   the fixed part (RFC 4861
 *               4.2); flags is the whole flags octet as on the wire
 *               (M 0x80, O 0x40, and H/Prf/P, RFC 3775, 4191, 8425).
 *  router_mac   the first Source Link-Layer Address option of length 1
 *               (Ethernet, RFC 2464 6); other lengths are other link
 *               types and are skipped.
 *  mtu          the first MTU option (RFC 4861 4.6.4), 0 when absent.
 *  prefix[]     Prefix Information options (RFC 4861 4.6.2) in message
 *               order: len 0..128, flags = the option's flags octet
 *               (EVP_ONLINK, EVP_AUTONOMOUS, and reserved bits as sent),
 *               lifetimes as sent (0xffffffff = infinity), prefix bits
 *               beyond len set to zero (RFC 4861 4.6.2: ignored).
 *  rdnss[]      addresses of RDNSS options (RFC 8106 5.1) with a
 *               non-zero lifetime (0 withdraws them, RFC 8106 5.1).
 *
 * Faults, in two kinds:
 *  - RFC 4861 6.1.2 says a host silently discards the whole message: type
 *    not 134, code not 0, ICMP length < 16, an option of length 0 or one
 *    running past the end, or a source that is not link-local (fe80::/10;
 *    src NULL or not IPv6 counts as such).  Then nothing is learnt: the
 *    return is -1 and *ev is left unchanged.
 *  - A fault inside one option makes a host ignore that option only: a
 *    Prefix Information option whose length is not 4 or whose prefix
 *    length is above 128, an MTU option whose length is not 1, an RDNSS
 *    option of even length or shorter than 3 (RFC 8106 5.1), and a prefix
 *    whose preferred lifetime exceeds its valid lifetime (RFC 4862 5.5.3 c,
 *    "MAY log").  The option is skipped, EVF_MALFORMED is set and
 *    everything else is kept.
 * Skipped silently, as RFC 4861 6.3.4 / RFC 4862 5.5.3 b say: a prefix
 * inside the link-local prefix fe80::/10 (length >= 10).  A shorter prefix
 * that contains it, ::/0 included, is kept as announced: whether a prefix
 * is plausible for a link is the consumer's call.  Skipped for room:
 * usable prefixes beyond EV_PREFIX_MAX and RDNSS addresses beyond two;
 * either sets EVF_TRUNCATED.
 *
 * Returns, on success, the number of usable Prefix Information options
 * the message carried (kept in prefix[] or dropped beyond the cap, so
 * rc - ev->u.ra.nprefix were dropped); -1 as above.
 */
RA_MUST_USE
int ra_parse(const uint8_t *p, size_t len, const struct sh_addr *src,
             struct sh_event *ev);

#endif /* SH_RA_H */
