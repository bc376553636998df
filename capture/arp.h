/*
 * arp.h -- IP-to-MAC bindings from ARP (RFC 826) and IPv6 Neighbor
 * Discovery (RFC 4861), and a bounded cache that turns the stream of
 * observations into EV_ARP events only when something is new.
 *
 * The parsers are stateless, allocate nothing and read only through the
 * rd.h cursor.  The table allocates once, at create time.
 *
 * Limits
 *  - ARP: Ethernet/IPv4 only (htype 1, ptype 0x0800).  RARP (ethertype
 *    0x8035) and InARP opcodes are not bindings and give none.
 *  - NDP: Ethernet link-layer address options only (RFC 2464 6: option
 *    length 1, 6-octet address).  The parser cannot see the IPv6 hop
 *    limit: RFC 4861 7.1.1/7.1.2 (and 6.1.1/6.1.2 for RS/RA) say to drop
 *    NDP whose hop limit is not 255 (an off-link forgery); the caller must
 *    check it.  ICMPv6 checksums are not verified here.
 *  - Nothing here authenticates a claim (no SEND, RFC 3971): an event
 *    says what a host announced, which is what a spoofing detector needs.
 */
#ifndef SH_ARP_H
#define SH_ARP_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

#if defined(__GNUC__)
#define ARP_MUST_USE __attribute__((warn_unused_result))
#else
#define ARP_MUST_USE
#endif

/* ICMPv6 types (RFC 4861 4) */
#define ARP_ICMP6_RS 133
#define ARP_ICMP6_RA 134
#define ARP_ICMP6_NS 135
#define ARP_ICMP6_NA 136

/* One observed IP-to-MAC claim. */
struct arp_obs {
    struct sh_addr ip;          /* IPv4 (ARP) or IPv6 (NDP), unicast     */
    uint8_t  mac[6];
    uint8_t  ndp;               /* 0 ARP, 1 NDP                          */
    uint8_t  op;                /* ARP opcode / ICMPv6 type              */
    uint16_t vlan;              /* 0 from the parsers; the caller sets the
                                   outer 802.1Q id before arp_table_observe
                                   (part of the table key: the same private
                                   IP on two VLANs is two hosts)         */
};

/*
 * ARP for Ethernet/IPv4 (RFC 826).  p = the ARP packet after the
 * Ethernet/VLAN header (borrowed for the call; trailing Ethernet padding
 * is ignored).  Only the sender's binding is kept: a reply's target fields
 * echo the requester.  A gratuitous ARP (spa == tpa, request or reply) is
 * a sender binding too.  No binding (0) for an ARP probe (spa 0.0.0.0,
 * RFC 5227 2.1.1), a sender IP that is broadcast or multicast, a sender
 * MAC that is all-zero or broadcast, an opcode other than request (1) and
 * reply (2), or a well-formed ARP for another hardware/protocol type.
 *
 * Returns the number of observations written to out[0..max) (0 or 1; out
 * may be NULL when max <= 0), -1 when malformed: shorter than the 28
 * octets its header announces, htype 1 with hlen != 6, or ptype 0x0800
 * with plen != 4.
 */
ARP_MUST_USE
int arp_parse(const uint8_t *p, size_t len, struct arp_obs *out, int max);

/*
 * IPv6 Neighbor Discovery (RFC 4861).  p = the ICMPv6 message (borrowed),
 * src = its IPv6 source address (borrowed, family must be 6).
 *   NS (135) with a Source Link-Layer Address option binds src to it;
 *   NA (136) with a Target Link-Layer Address option binds the target;
 *   RS (133) and RA (134) with a Source Link-Layer Address bind src.
 * src must be unicast: the unspecified address (::, duplicate address
 * detection) and multicast give no binding.  The first link-layer option
 * of the right type is used.  Options are walked in units of 8 octets.
 * Other ICMPv6 types give 0.
 *
 * Returns observations written (0 or 1; out may be NULL when max <= 0),
 * -1 when malformed (RFC 4861 7.1.1, 7.1.2, 6.1.1, 6.1.2): code != 0,
 * shorter than the fixed part, an option of length 0 or running past the
 * end, a multicast target, a Source Link-Layer option sent from ::, or src
 * NULL / not IPv6.
 */
ARP_MUST_USE
int arp_parse_ndp(const uint8_t *p, size_t len, const struct sh_addr *src,
                  struct arp_obs *out, int max);

/*
 * A bounded (vlan, IP) -> MAC cache with LRU eviction.  The pipeline emits
 * an EV_ARP event only when a binding is new, changed (old_mac filled,
 * changed = 1), or unchanged but last emitted refresh_us or more ago, so
 * a steady binding is re-announced at most once per refresh_us (0: never)
 * and downstream host tables can age entries out.  Time is packet time;
 * a timestamp older than the binding's last event counts as no time.
 *
 * One allocation at create time (capacity entries and a hash index),
 * none afterwards.  The hash is keyed with a per-table random seed, so
 * chosen addresses cannot build long chains; outputs never depend on the
 * seed.  Not thread-safe: one table per capture thread.
 */
struct arp_table;

#define ARP_TABLE_MAX_CAPACITY (1u << 24)

/* capacity in 1..ARP_TABLE_MAX_CAPACITY entries.  Returns NULL and writes
 * a message to err[0..errlen) on failure.  The caller owns the table. */
ARP_MUST_USE
struct arp_table *arp_table_create(size_t capacity, uint64_t refresh_us,
                                   char *err, size_t errlen);
void arp_table_destroy(struct arp_table *t);        /* NULL is a no-op */

/*
 * Record observation *o (copied) at packet time ts_us.  Returns 1 and
 * fills ev (ev_clear_body, then type EV_ARP, ts_us, u.arp; the other
 * header fields are not touched) when an event should be emitted, else 0
 * (also for an observation whose ip family is not 4 or 6).
 */
ARP_MUST_USE
int arp_table_observe(struct arp_table *t, const struct arp_obs *o,
                      uint64_t ts_us, struct sh_event *ev);

struct arp_table_stats {
    uint64_t observed;          /* arp_table_observe calls               */
    uint64_t added;             /* new bindings (each gave an event)      */
    uint64_t changed;           /* MAC changes (each gave an event)       */
    uint64_t refreshed;         /* refresh events                         */
    uint64_t evicted;           /* LRU entries dropped for a new one      */
};
void arp_table_stats(const struct arp_table *t, struct arp_table_stats *out);

/* Bindings currently held (<= capacity). */
size_t arp_table_count(const struct arp_table *t);

/* Verify the table's internal invariants (LRU list and hash chains agree,
 * no cycles, every binding findable) in O(capacity * chain) time; for
 * tests and fuzzing, not the packet path.  Returns 0 when they hold, -1
 * otherwise. */
int arp_table_check(const struct arp_table *t);

#endif /* SH_ARP_H */
