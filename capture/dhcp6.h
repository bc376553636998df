/*
 * dhcp6.h -- DHCPv6 message parser (RFC 8415; RFC 3646 DNS servers,
 * RFC 4704 client FQDN, RFC 6939 client link-layer address).
 *
 * One UDP payload (port 546/547) in, one EV_DHCP6 event body out: who the
 * client is (DUID, MAC), which addresses and delegated prefixes it was
 * offered, given or holds, its name and its DNS servers -- what a host
 * table needs to bind IPv6 addresses to a client.  The parser is
 * stateless, allocates nothing, reads only through the rd.h cursor and
 * never recurses: relay envelopes and option nesting are walked by loops
 * with fixed depths.
 *
 * Limits
 *  - Relay chains are followed through at most DHCP6_RELAY_MAX envelopes
 *    (RFC 8415 7.6 HOP_COUNT_LIMIT; RFC 3315 allowed 32).  A deeper chain
 *    is cut there and flagged.
 *  - DUIDs are kept up to DHCP6_DUID_MAX octets (RFC 8415 11.1: 128 octets
 *    after the 2-octet type); a longer one is malformed and cut.
 *  - Kept: the first CLIENTID and SERVERID, up to EV_PREFIX_MAX IA_NA/IA_TA
 *    addresses and EV_PREFIX_MAX IA_PD prefixes over all IAs, the first
 *    two DNS servers, the first Client FQDN.  Options not listed in
 *    struct ev_dhcp6 (ORO, Elapsed Time, Vendor Class, the relay's
 *    Interface-ID/Remote-ID, ...) are skipped after their framing check.
 *  - No authentication (RFC 8415 20) is checked: an event says what was
 *    sent.
 */
#ifndef SH_DHCP6_H
#define SH_DHCP6_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

#if defined(__GNUC__)
#define DHCP6_MUST_USE __attribute__((warn_unused_result))
#else
#define DHCP6_MUST_USE
#endif

#define DHCP6_CLIENT_PORT 546    /* RFC 8415 7.2 */
#define DHCP6_SERVER_PORT 547

/* Relay envelopes (RELAY-FORW / RELAY-REPL) opened at most. */
#define DHCP6_RELAY_MAX   8

/* DUID octets kept: type (2) + at most 128 (RFC 8415 11.1). */
#define DHCP6_DUID_MAX    130u

/* Presentation FQDN: at most 253 characters (RFC 1035 2.3.4, 255 wire
 * octets). */
#define DHCP6_FQDN_MAX    253u

/* RFC 8415 7.3 message types, and later RFCs. */
enum dhcp6_msg_type {
    DHCP6_SOLICIT = 1, DHCP6_ADVERTISE = 2, DHCP6_REQUEST = 3,
    DHCP6_CONFIRM = 4, DHCP6_RENEW = 5, DHCP6_REBIND = 6, DHCP6_REPLY = 7,
    DHCP6_RELEASE = 8, DHCP6_DECLINE = 9, DHCP6_RECONFIGURE = 10,
    DHCP6_INFORMATION_REQUEST = 11, DHCP6_RELAY_FORW = 12,
    DHCP6_RELAY_REPL = 13,
    DHCP6_LEASEQUERY = 14, DHCP6_LEASEQUERY_REPLY = 15,      /* RFC 5007 */
    DHCP6_LEASEQUERY_DONE = 16, DHCP6_LEASEQUERY_DATA = 17,  /* RFC 5460 */
    DHCP6_RECONFIGURE_REQUEST = 18, DHCP6_RECONFIGURE_REPLY = 19, /* 6977 */
    DHCP6_DHCPV4_QUERY = 20, DHCP6_DHCPV4_RESPONSE = 21,     /* RFC 7341 */
};

/*
 * Parse one DHCPv6 message.
 *
 * Borrows p[0..len) for the call only; copies every string it keeps into
 * ev->arena.  On success it clears ev's body and arena (ev_clear_body:
 * ev->flags is reset too), sets ev->type = EV_DHCP6 and fills ev->u.dhcp6;
 * the header (addresses, ports, times, VLAN, MACs, flow id) is not
 * touched.
 *
 *  msg_type, xid  of the client/server message (RFC 8415 8).  For a relay
 *                 message (RFC 8415 9) the Relay Message option (9) is
 *                 followed into the message it carries, envelope after
 *                 envelope, and these are the innermost message's.  When
 *                 the walk stops at a relay message (no option 9, an
 *                 inner message shorter than its header, or more than
 *                 DHCP6_RELAY_MAX envelopes), msg_type is that relay
 *                 message's type, xid is 0 and EVF_MALFORMED is set.
 *  client_duid, server_duid  options 1 and 2 as lower-case hex with ':'
 *                 ("00:01:00:01:..."), the whole DUID including its type.
 *  client_mac     from RFC 6939 option 79 (link-layer type 1, 6 octets)
 *                 in a relay envelope -- the innermost one carrying it,
 *                 i.e. the first-hop relay's -- else from a client DUID
 *                 that is DUID-LLT (type 1) or DUID-LL (type 3) with
 *                 hardware type 1 and a 6-octet address (RFC 8415 11.2,
 *                 11.4).  Option 79 wins: a DUID may name another
 *                 interface (RFC 6939 1).
 *  addr[], addr_valid_s[]  IAADDR options (5) inside IA_NA (3) and
 *                 IA_TA (4), in message order.
 *  prefix[]       IAPREFIX options (26) inside IA_PD (25): flags 0, bits
 *                 beyond the prefix length zeroed.
 *  dns[]          option 23 (RFC 3646 3), the first two addresses.
 *  fqdn           option 39 (RFC 4704 4) in presentation form, labels
 *                 joined by '.', no trailing dot (a fully qualified and a
 *                 partial name read the same); NUL in a label -> '?'.
 *
 * An address or prefix is skipped when its IA or the IAADDR/IAPREFIX
 * itself carries a Status Code (13) other than Success (RFC 8415 21.13),
 * or when its preferred lifetime exceeds its valid lifetime (RFC 8415
 * 21.6, 21.22: the client discards it; also EVF_MALFORMED).
 *
 * Faults set EVF_MALFORMED and leave the field absent, keeping everything
 * parsed before and beside them: an option running past its enclosing
 * data (the walk of that level stops), an option shorter than its fixed
 * part (CLIENTID/SERVERID < 2 octets, IA_NA/IA_PD < 12, IA_TA < 4, IAADDR
 * < 24, IAPREFIX < 25, Status Code < 2, option 79 < 2), a DUID above
 * DHCP6_DUID_MAX octets (cut, EVF_TRUNCATED too), a repeated CLIENTID or
 * SERVERID (the first is kept; RFC 8415 21: an option appears once unless
 * its section says otherwise), a prefix
 * length above 128, a DNS server list whose length is not a multiple of
 * 16, and a Client FQDN with a label over 63 octets (RFC 1035 2.3.4), a
 * compression pointer or other non-label type (RFC 8415 10: names are not
 * compressed), a label running past the option, octets after the root
 * label, or more than 255 wire octets.  Addresses or prefixes beyond
 * EV_PREFIX_MAX set EVF_TRUNCATED.
 *
 * Returns 0 on success, -1 when the bytes cannot be DHCPv6: shorter than
 * the 4-octet client/server header, message type 0 (reserved), or a relay
 * message shorter than its 34-octet header.  On -1 *ev is unchanged.
 */
DHCP6_MUST_USE
int dhcp6_parse(const uint8_t *p, size_t len, struct sh_event *ev);

/* Lower-case name of a DHCPv6 message type ("solicit", "advertise",
 * "request", "confirm", "renew", "rebind", "reply", "release", "decline",
 * "reconfigure", "information_request", "relay_forw", "relay_repl",
 * "leasequery", ...), a static string; NULL when unknown (including 0). */
const char *dhcp6_type_name(uint8_t msg_type);

#endif /* SH_DHCP6_H */
