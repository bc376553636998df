/*
 * decode.h -- link, network and transport decoding of one captured frame.
 *
 * decode_packet() turns the bytes libpcap hands us into a struct pkt: the
 * addresses, ports, TCP flags and a window on the L4 payload, plus a
 * window on the innermost IP packet for nDPI.  It never allocates and never
 * reads past the captured length; each layer narrows the window to its own
 * declared length (IPv4 total length, IPv6 payload length, UDP length), so
 * Ethernet padding never reaches an application parser.
 *
 * Supported: Ethernet, Linux cooked v1/v2, raw IPv4/IPv6, BSD loopback/
 * null; 802.1Q/802.1ad/QinQ (up to DECODE_MAX_VLAN tags); MPLS label stacks;
 * GRE (RFC 2784/2890) carrying IP, transparent Ethernet bridging or ERSPAN
 * type I/II/III; VXLAN (RFC 7348, UDP 4789); at most DECODE_MAX_TUNNEL
 * nested encapsulations.  IPv4 with options, IPv6 with extension headers,
 * TCP, UDP, ICMP, ICMPv6, and ARP (handed back raw for arp.c).  Non-first
 * fragments are counted and skipped (their transport header is elsewhere).
 *
 * A malformed frame is not an error of the program: decode_packet returns
 * a DEC_ERR_* kind, the caller counts it and moves on.
 */
#ifndef SH_DECODE_H
#define SH_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

#define DECODE_MAX_VLAN   4
#define DECODE_MAX_MPLS   8
#define DECODE_MAX_TUNNEL 3
#define DECODE_MAX_IPV6_EXT 8

/* Why a frame was not (fully) decoded.  DEC_OK and the DEC_SKIP_* kinds
 * are not errors.  Keep decode_err_name() in sync. */
enum decode_err {
    DEC_OK = 0,
    DEC_SKIP_NON_IP,         /* valid L2 frame we do not inspect (LLDP, STP) */
    DEC_SKIP_FRAGMENT,       /* non-first IP fragment                      */
    DEC_ERR_LINKTYPE,        /* unsupported link type                      */
    DEC_ERR_L2_TRUNCATED,    /* shorter than its link header               */
    DEC_ERR_VLAN_TRUNCATED,
    DEC_ERR_VLAN_TOO_DEEP,
    DEC_ERR_MPLS,            /* truncated or too deep label stack          */
    DEC_ERR_IPV4_TRUNCATED,
    DEC_ERR_IPV4_HLEN,       /* IHL < 5 or beyond total length             */
    DEC_ERR_IPV4_TOTLEN,     /* total length < header                      */
    DEC_ERR_IP_VERSION,      /* version nibble neither 4 nor 6             */
    DEC_ERR_IPV6_TRUNCATED,
    DEC_ERR_IPV6_EXT,        /* extension header truncated / too many      */
    DEC_ERR_TCP_TRUNCATED,
    DEC_ERR_TCP_HLEN,        /* data offset < 5 or beyond segment          */
    DEC_ERR_UDP_TRUNCATED,
    DEC_ERR_UDP_LEN,         /* UDP length < 8                             */
    DEC_ERR_ICMP_TRUNCATED,
    DEC_ERR_GRE,             /* truncated, bad version, unknown payload    */
    DEC_ERR_ERSPAN,
    DEC_ERR_VXLAN,
    DEC_ERR_TUNNEL_TOO_DEEP,
    DEC_ERR_ARP_TRUNCATED,
    DEC_ERR_MAX
};

const char *decode_err_name(int err);

/* One decoded frame.  Pointers borrow the caller's frame buffer and are
 * valid only until the next frame (libpcap reuses its buffer). */
struct pkt {
    uint64_t ts_us;
    uint32_t caplen, wirelen;

    uint8_t  smac[6], dmac[6];
    uint8_t  has_mac;          /* Ethernet (innermost Ethernet if tunnelled) */
    uint16_t vlan;             /* outermost VLAN id, 0 if none            */
    uint8_t  tunnel;           /* encapsulations removed                  */

    /* ARP (arp != NULL): the ARP packet, nothing else is set */
    const uint8_t *arp;
    size_t arp_len;

    /* innermost IP packet, clamped to its declared length */
    uint8_t  ipver;            /* 4 or 6, 0 when not IP                   */
    const uint8_t *l3;
    size_t l3_len;             /* captured bytes of it (<= declared)      */
    size_t l3_wire_len;        /* length the IP header declares          */
    size_t l4_wire_len;        /* transport bytes the IP header declares */
    struct sh_addr src, dst;
    uint8_t  l4proto;          /* IPPROTO_* of the transport header       */
    uint8_t  ttl;              /* IPv4 TTL / IPv6 hop limit               */
    uint8_t  first_frag;       /* first fragment of a fragmented datagram */

    uint16_t sport, dport;     /* host byte order; ICMP: type/code in sport/dport = 0 */
    uint8_t  tcp_flags;        /* TH_FIN 0x01 SYN 0x02 RST 0x04 PSH 0x08 ACK 0x10 */
    uint32_t seq, ack;         /* TCP, host byte order                    */
    uint8_t  icmp_type, icmp_code;

    const uint8_t *payload;    /* L4 payload (clamped to captured bytes)  */
    size_t payload_len;
    size_t payload_wire_len;   /* payload length on the wire (>= payload_len
                                  when the snaplen cut the packet)        */
};

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10

/* Decode one frame of link type `dlt` (a DLT_* value from pcap_datalink).
 * `vxlan_port` is the UDP port VXLAN is decapsulated on (0 = never).
 * Fills *pk (ts_us/caplen/wirelen are the caller's) and returns DEC_OK or
 * a DEC_* kind.  Reads only [frame, frame + caplen). */
int decode_packet(int dlt, const uint8_t *frame, size_t caplen,
                  uint16_t vxlan_port, struct pkt *pk);

/* 1 when decode_packet knows this link type. */
int decode_linktype_supported(int dlt);

#endif /* SH_DECODE_H */
