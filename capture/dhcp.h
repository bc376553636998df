/*
 * dhcp.h -- BOOTP/DHCPv4 message parser (RFC 951, RFC 2131, RFC 2132,
 * RFC 3396).
 *
 * One UDP payload (port 67/68) in, one EV_DHCP event body out.  The parser
 * is stateless, allocates nothing and reads only through the rd.h cursor.
 * What it keeps is what the host table needs to bind an IP to a MAC and a
 * name: see struct ev_dhcp in event.h.
 *
 * Limits
 *  - DHCPv4 only (no DHCPv6, RFC 8415).
 *  - Strings are capped at DHCP_STR_MAX octets of option data each
 *    (hostname, vendor class, client id, parameter list); longer values
 *    are cut and EVF_TRUNCATED is set.
 *  - Relay agent (82), classless routes (121) and every option not listed
 *    in struct ev_dhcp are skipped (length-checked, not decoded).
 */
#ifndef SH_DHCP_H
#define SH_DHCP_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

#if defined(__GNUC__)
#define DHCP_MUST_USE __attribute__((warn_unused_result))
#else
#define DHCP_MUST_USE
#endif

/* RFC 2131 2, figure 1: op .. file is 236 octets, then the 4-octet magic
 * cookie (RFC 2131 3, RFC 2132 2), then the options. */
#define DHCP_FIXED_LEN   236u
#define DHCP_MIN_LEN     240u   /* fixed header + magic cookie */

/* Cap on the option data kept per string field, in octets before
 * formatting (RFC 2132 options carry at most 255 octets each; RFC 3396
 * concatenation can make them longer). */
#define DHCP_STR_MAX     255u

/* RFC 2132 9.6 (DHCP message type) values, plus later RFCs. */
enum dhcp_msg_type {
    DHCP_DISCOVER = 1, DHCP_OFFER = 2, DHCP_REQUEST = 3, DHCP_DECLINE = 4,
    DHCP_ACK = 5, DHCP_NAK = 6, DHCP_RELEASE = 7, DHCP_INFORM = 8,
    DHCP_FORCERENEW = 9,                 /* RFC 3203 */
    DHCP_LEASEQUERY = 10,                /* RFC 4388 */
    DHCP_LEASEUNASSIGNED = 11, DHCP_LEASEUNKNOWN = 12,
    DHCP_LEASEACTIVE = 13,
    DHCP_BULKLEASEQUERY = 14,            /* RFC 6926 */
    DHCP_LEASEQUERYDONE = 15,
    DHCP_ACTIVELEASEQUERY = 16,          /* RFC 7724 */
    DHCP_LEASEQUERYSTATUS = 17, DHCP_TLS = 18,
};

/*
 * Parse one BOOTP/DHCPv4 message.
 *
 * Borrows p[0..len) for the duration of the call only; copies every string
 * it keeps into ev->arena.  On success it clears ev's body and arena
 * (ev_clear_body: ev->flags is reset too), sets ev->type = EV_DHCP and fills
 * ev->u.dhcp; the header (addresses, ports, times, VLAN, MACs, flow id) is
 * not touched.
 *
 *  op           BOOTREQUEST (1) or BOOTREPLY (2); anything else: -1.
 *  msg_type     option 53 (0 when absent: plain BOOTP with options).
 *  client_mac   chaddr, only when htype = 1 (Ethernet) and hlen = 6.
 *  client_ip    ciaddr, when not 0.0.0.0 (family 0 otherwise).
 *  assigned_ip  yiaddr when not 0.0.0.0, else option 50 in a REQUEST.
 *  server_id, router (first), dns_server (first), lease_time: options
 *               54, 3, 6, 51 (family 0 / 0 when absent or malformed).
 *  hostname     option 12, vendor_class option 60: raw octets, trailing
 *               NULs dropped.
 *  client_id    option 61 as lower-case hex, "01:aa:bb:cc:dd:ee:ff".
 *  params       option 55 as a decimal list, "1,3,6,15" (the order is the
 *               client's fingerprint).
 *
 * Options are walked in the options field, then in file and sname when
 * option 52 says so (RFC 2131 4.1); repeated instances of an option are
 * concatenated (RFC 3396).  A bad option length, a missing end option or
 * a value of the wrong size sets EVF_MALFORMED and the field stays absent;
 * everything before the fault is kept.
 *
 * Returns 0 on success, -1 when the bytes are not DHCP (shorter than
 * DHCP_MIN_LEN, op not 1/2, magic cookie not 99.130.83.99); on -1 *ev is
 * left unchanged.
 */
DHCP_MUST_USE
int dhcp_parse(const uint8_t *p, size_t len, struct sh_event *ev);

/* Lower-case name of a DHCP message type ("discover", "offer", "request",
 * "decline", "ack", "nak", "release", "inform", "forcerenew", ...), a
 * static string; NULL when the type is unknown (including 0). */
const char *dhcp_type_name(uint8_t msg_type);

#endif /* SH_DHCP_H */
