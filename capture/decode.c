/*
 * decode.c -- frame -> struct pkt.  See decode.h for the contract.
 *
 * The decoder is one loop over a small state machine (Ethernet, ethertype,
 * MPLS, IP) instead of mutually recursive layer functions: tunnels re-enter
 * the loop with a narrower window, and DECODE_MAX_TUNNEL bounds the number
 * of re-entries, so hostile nesting costs at most a few iterations.
 *
 * Window discipline (tcpdump's nd_push_snaplen idea): (p, len) is always
 * the current layer's bytes.  A layer reads its header only after checking
 * `len >= header`, then narrows the window to min(captured, declared) before
 * handing it to the next layer.
 */
#include "decode.h"

#include <pcap/pcap.h>
#include <string.h>

#include "rd.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif

#define ETH_IPV4   0x0800
#define ETH_ARP    0x0806
#define ETH_IPV6   0x86DD
#define ETH_VLAN   0x8100
#define ETH_QINQ   0x88A8
#define ETH_QINQ_OLD 0x9100
#define ETH_MPLS_UC 0x8847
#define ETH_MPLS_MC 0x8848
#define ETH_TEB    0x6558   /* transparent Ethernet bridging (RFC 1701) */
#define ETH_ERSPAN2 0x88BE  /* ERSPAN type I and II                     */
#define ETH_ERSPAN3 0x22EB  /* ERSPAN type III                          */

#define IPPROTO_ICMP_   1
#define IPPROTO_IPIP_   4
#define IPPROTO_TCP_    6
#define IPPROTO_UDP_   17
#define IPPROTO_IPV6_  41
#define IPPROTO_GRE_   47
#define IPPROTO_ICMPV6_ 58

static const char *const err_names[DEC_ERR_MAX] = {
    [DEC_OK] = "ok",
    [DEC_SKIP_NON_IP] = "non_ip",
    [DEC_SKIP_FRAGMENT] = "ip_fragment_nonfirst",
    [DEC_ERR_LINKTYPE] = "unsupported_linktype",
    [DEC_ERR_L2_TRUNCATED] = "l2_truncated",
    [DEC_ERR_VLAN_TRUNCATED] = "vlan_truncated",
    [DEC_ERR_VLAN_TOO_DEEP] = "vlan_too_deep",
    [DEC_ERR_MPLS] = "mpls_invalid",
    [DEC_ERR_IPV4_TRUNCATED] = "ipv4_truncated",
    [DEC_ERR_IPV4_HLEN] = "ipv4_bad_hlen",
    [DEC_ERR_IPV4_TOTLEN] = "ipv4_bad_total_length",
    [DEC_ERR_IP_VERSION] = "ip_bad_version",
    [DEC_ERR_IPV6_TRUNCATED] = "ipv6_truncated",
    [DEC_ERR_IPV6_EXT] = "ipv6_bad_ext_header",
    [DEC_ERR_TCP_TRUNCATED] = "tcp_truncated",
    [DEC_ERR_TCP_HLEN] = "tcp_bad_hlen",
    [DEC_ERR_UDP_TRUNCATED] = "udp_truncated",
    [DEC_ERR_UDP_LEN] = "udp_bad_length",
    [DEC_ERR_ICMP_TRUNCATED] = "icmp_truncated",
    [DEC_ERR_GRE] = "gre_invalid",
    [DEC_ERR_ERSPAN] = "erspan_invalid",
    [DEC_ERR_VXLAN] = "vxlan_invalid",
    [DEC_ERR_TUNNEL_TOO_DEEP] = "tunnel_too_deep",
    [DEC_ERR_ARP_TRUNCATED] = "arp_truncated",
};

const char *decode_err_name(int err)
{
    if (err < 0 || err >= DEC_ERR_MAX || !err_names[err])
        return "unknown";
    return err_names[err];
}

int decode_linktype_supported(int dlt)
{
    switch (dlt) {
    case DLT_EN10MB: case DLT_LINUX_SLL: case DLT_LINUX_SLL2:
    case DLT_RAW: case DLT_IPV4: case DLT_IPV6: case DLT_NULL: case DLT_LOOP:
    case 9:   /* DLT_PPP */
    case 50:  /* LINKTYPE_PPP_HDLC */
#if defined(DLT_RAW) && DLT_RAW != 12
    case 12:
#endif
    case 101: /* LINKTYPE_RAW as some writers leave it */
        return 1;
    default:
        return 0;
    }
}

enum next_layer { N_ETH, N_ETYPE, N_MPLS, N_IP };

static void set_addr(struct sh_addr *a, int fam, const uint8_t *p)
{
    a->family = (uint8_t)fam;
    memset(a->a, 0, sizeof(a->a));
    memcpy(a->a, p, fam == 4 ? 4 : 16);
}

/* IPv4 header (RFC 791 3.1).  On success (p,len) is the transport
 * window, clamped to the total length. */
static int ipv4(const uint8_t **pp, size_t *plen, struct pkt *pk)
{
    const uint8_t *p = *pp;
    size_t len = *plen;

    if (len < 20)
        return DEC_ERR_IPV4_TRUNCATED;
    size_t ihl = (size_t)(p[0] & 0x0f) * 4;
    size_t tot = be16_at(p + 2);
    if (tot == 0)             /* TSO capture on the sender: length unset */
        tot = len;
    if (ihl < 20)
        return DEC_ERR_IPV4_HLEN;
    if (tot < ihl)
        return DEC_ERR_IPV4_TOTLEN;
    if (len < ihl)
        return DEC_ERR_IPV4_TRUNCATED;
    if (tot < len)            /* trailing link padding is not ours */
        len = tot;

    pk->ipver = 4;
    pk->l3 = p;
    pk->l3_len = len;
    pk->l3_wire_len = tot;
    pk->ttl = p[8];
    pk->l4proto = p[9];
    set_addr(&pk->src, 4, p + 12);
    set_addr(&pk->dst, 4, p + 16);

    uint16_t frag = be16_at(p + 6);
    if (frag & 0x1fff)        /* offset != 0: not the first fragment */
        return DEC_SKIP_FRAGMENT;
    pk->first_frag = (frag & 0x2000) ? 1 : 0;

    *pp = p + ihl;
    *plen = len - ihl;
    return DEC_OK;
}

/* IPv6 header and extension headers (RFC 8200 4). */
static int ipv6(const uint8_t **pp, size_t *plen, struct pkt *pk)
{
    const uint8_t *p = *pp;
    size_t len = *plen;

    if (len < 40)
        return DEC_ERR_IPV6_TRUNCATED;
    size_t plen6 = be16_at(p + 4);
    uint8_t nh = p[6];
    /* payload length 0 is a jumbogram (RFC 2675): trust the capture */
    if (plen6 && len - 40 > plen6)
        len = 40 + plen6;

    pk->ipver = 6;
    pk->l3 = p;
    pk->l3_len = len;
    pk->l3_wire_len = plen6 ? 40 + plen6 : len;
    pk->ttl = p[7];
    set_addr(&pk->src, 6, p + 8);
    set_addr(&pk->dst, 6, p + 24);
    p += 40;
    len -= 40;

    for (int i = 0;; i++) {
        size_t hl;
        switch (nh) {
        case 0:   /* hop-by-hop */
        case 43:  /* routing */
        case 60:  /* destination options */
        case 135: /* mobility */
        case 139: /* HIP */
        case 140: /* shim6 */
            if (i >= DECODE_MAX_IPV6_EXT || len < 2)
                return DEC_ERR_IPV6_EXT;
            hl = ((size_t)p[1] + 1) * 8;
            break;
        case 51:  /* AH (RFC 4302 2.2): length in 4-octet units minus 2 */
            if (i >= DECODE_MAX_IPV6_EXT || len < 2)
                return DEC_ERR_IPV6_EXT;
            hl = ((size_t)p[1] + 2) * 4;
            break;
        case 44:  /* fragment (RFC 8200 4.5) */
            if (i >= DECODE_MAX_IPV6_EXT || len < 8)
                return DEC_ERR_IPV6_EXT;
            if (be16_at(p + 2) & 0xfff8) {
                pk->l4proto = p[0];
                return DEC_SKIP_FRAGMENT;
            }
            if (p[3] & 1)
                pk->first_frag = 1;
            hl = 8;
            break;
        default:
            pk->l4proto = nh;
            *pp = p;
            *plen = len;
            return DEC_OK;
        }
        if (len < hl)
            return DEC_ERR_IPV6_EXT;
        nh = p[0];
        p += hl;
        len -= hl;
    }
}

int decode_packet(int dlt, const uint8_t *frame, size_t caplen,
                  uint16_t vxlan_port, struct pkt *pk)
{
    const uint8_t *p = frame;
    size_t len = caplen;
    enum next_layer next;
    uint16_t etype = 0;
    int vlans_here = 0;

    pk->has_mac = 0;
    pk->vlan = 0;
    pk->tunnel = 0;
    pk->arp = NULL;
    pk->arp_len = 0;
    pk->ipver = 0;
    pk->l3 = NULL;
    pk->l3_len = 0;
    pk->l4proto = 0;
    pk->first_frag = 0;
    pk->sport = pk->dport = 0;
    pk->tcp_flags = 0;
    pk->seq = pk->ack = 0;
    pk->icmp_type = pk->icmp_code = 0;
    pk->payload = NULL;
    pk->payload_len = 0;
    pk->payload_wire_len = 0;
    pk->l3_wire_len = pk->l4_wire_len = 0;
    pk->src.family = pk->dst.family = 0;

    switch (dlt) {
    case DLT_EN10MB:
        next = N_ETH;
        break;
    case DLT_LINUX_SLL:
        /* packet type, ARPHRD, addr len, addr[8], protocol (16 bytes) */
        if (len < 16)
            return DEC_ERR_L2_TRUNCATED;
        if (be16_at(p + 2) == 1 && be16_at(p + 4) == 6) {
            memcpy(pk->smac, p + 6, 6);
            memset(pk->dmac, 0, 6);
            pk->has_mac = 1;
        }
        etype = be16_at(p + 14);
        p += 16;
        len -= 16;
        next = N_ETYPE;
        break;
    case DLT_LINUX_SLL2:
        /* protocol, reserved, ifindex, ARPHRD, pkttype, addrlen, addr[8] */
        if (len < 20)
            return DEC_ERR_L2_TRUNCATED;
        etype = be16_at(p);
        if (be16_at(p + 8) == 1 && p[11] == 6) {
            memcpy(pk->smac, p + 12, 6);
            memset(pk->dmac, 0, 6);
            pk->has_mac = 1;
        }
        p += 20;
        len -= 20;
        next = N_ETYPE;
        break;
    case DLT_NULL:
    case DLT_LOOP: {
        /* 4-byte address family: host order for NULL, network for LOOP */
        if (len < 4)
            return DEC_ERR_L2_TRUNCATED;
        uint32_t be = be32_at(p);
        uint32_t le = (uint32_t)p[0] | ((uint32_t)p[1] << 8) |
                      ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
        uint32_t af = (dlt == DLT_LOOP || be < 256) ? be : le;
        p += 4;
        len -= 4;
        if (af != 2 && af != 24 && af != 28 && af != 30 && af != 10)
            return DEC_SKIP_NON_IP;
        next = N_IP;
        break;
    }
    case 9:
    case 50: {
        /* PPP (RFC 1661 2), optionally with the HDLC-like address and
         * control bytes ff 03 (RFC 1662 3.1) and a compressed (1-byte,
         * odd) protocol field; IPv4 0x0021, IPv6 0x0057 */
        if (len >= 2 && p[0] == 0xff && p[1] == 0x03) {
            p += 2;
            len -= 2;
        }
        uint16_t proto;
        if (len >= 1 && (p[0] & 1)) {
            proto = p[0];
            p += 1;
            len -= 1;
        } else if (len >= 2) {
            proto = be16_at(p);
            p += 2;
            len -= 2;
        } else {
            return DEC_ERR_L2_TRUNCATED;
        }
        if (proto != 0x0021 && proto != 0x0057)
            return DEC_SKIP_NON_IP;
        next = N_IP;
        break;
    }
    default:
        if (!decode_linktype_supported(dlt))
            return DEC_ERR_LINKTYPE;
        next = N_IP;  /* raw IP: DLT_RAW, LINKTYPE_RAW, DLT_IPV4/6 */
        break;
    }

    for (;;) {
        switch (next) {
        case N_ETH:
            if (len < 14)
                return DEC_ERR_L2_TRUNCATED;
            memcpy(pk->dmac, p, 6);
            memcpy(pk->smac, p + 6, 6);
            pk->has_mac = 1;
            pk->vlan = 0;     /* keep the innermost frame's own tag */
            vlans_here = 0;
            etype = be16_at(p + 12);
            p += 14;
            len -= 14;
            next = N_ETYPE;
            break;

        case N_ETYPE:
            while (etype == ETH_VLAN || etype == ETH_QINQ ||
                   etype == ETH_QINQ_OLD) {
                if (vlans_here >= DECODE_MAX_VLAN)
                    return DEC_ERR_VLAN_TOO_DEEP;
                if (len < 4)
                    return DEC_ERR_VLAN_TRUNCATED;
                if (vlans_here == 0)
                    pk->vlan = be16_at(p) & 0x0fff;
                vlans_here++;
                etype = be16_at(p + 2);
                p += 4;
                len -= 4;
            }
            switch (etype) {
            case ETH_IPV4:
            case ETH_IPV6:
                next = N_IP;
                break;
            case ETH_MPLS_UC:
            case ETH_MPLS_MC:
                next = N_MPLS;
                break;
            case ETH_ARP:
                if (len < 8)
                    return DEC_ERR_ARP_TRUNCATED;
                pk->arp = p;
                pk->arp_len = len;
                return DEC_OK;
            default:
                return DEC_SKIP_NON_IP;   /* incl. 802.3 length field */
            }
            break;

        case N_MPLS: {
            /* RFC 3032: 4-byte entries until bottom-of-stack */
            int n = 0;
            for (;;) {
                if (len < 4 || n >= DECODE_MAX_MPLS)
                    return DEC_ERR_MPLS;
                int bos = p[2] & 0x01;
                p += 4;
                len -= 4;
                n++;
                if (bos)
                    break;
            }
            if (len < 1)
                return DEC_ERR_MPLS;
            if ((p[0] >> 4) != 4 && (p[0] >> 4) != 6)
                return DEC_SKIP_NON_IP;  /* pseudowire: not inspected */
            next = N_IP;
            break;
        }

        case N_IP: {
            int rc;
            if (len < 1)
                return DEC_ERR_IPV4_TRUNCATED;
            pk->first_frag = 0;
            switch (p[0] >> 4) {
            case 4: rc = ipv4(&p, &len, pk); break;
            case 6: rc = ipv6(&p, &len, pk); break;
            default: return DEC_ERR_IP_VERSION;
            }
            if (rc != DEC_OK)
                return rc;
            {
                size_t hdrs = (size_t)(p - pk->l3);
                pk->l4_wire_len = pk->l3_wire_len > hdrs ?
                                  pk->l3_wire_len - hdrs : len;
            }

            switch (pk->l4proto) {
            case IPPROTO_TCP_: {
                if (len < 20)
                    return DEC_ERR_TCP_TRUNCATED;
                size_t doff = (size_t)(p[12] >> 4) * 4;
                if (doff < 20)
                    return DEC_ERR_TCP_HLEN;
                if (len < doff)
                    return DEC_ERR_TCP_TRUNCATED;
                pk->sport = be16_at(p);
                pk->dport = be16_at(p + 2);
                pk->seq = be32_at(p + 4);
                pk->ack = be32_at(p + 8);
                pk->tcp_flags = p[13];
                pk->payload = p + doff;
                pk->payload_len = len - doff;
                pk->payload_wire_len = pk->l4_wire_len > doff ?
                                       pk->l4_wire_len - doff : 0;
                if (pk->payload_wire_len < pk->payload_len)
                    pk->payload_wire_len = pk->payload_len;
                return DEC_OK;
            }
            case IPPROTO_UDP_: {
                if (len < 8)
                    return DEC_ERR_UDP_TRUNCATED;
                size_t ulen = be16_at(p + 4);
                if (ulen < 8)
                    return DEC_ERR_UDP_LEN;
                if (len > ulen)
                    len = ulen;
                pk->sport = be16_at(p);
                pk->dport = be16_at(p + 2);
                pk->payload = p + 8;
                pk->payload_len = len - 8;
                pk->payload_wire_len = ulen - 8;
                /* VXLAN (RFC 7348 5): flags byte with I bit, 8 bytes */
                if (vxlan_port && pk->dport == vxlan_port &&
                    !pk->first_frag) {
                    if (pk->payload_len < 8 || !(pk->payload[0] & 0x08))
                        return DEC_ERR_VXLAN;
                    if (pk->tunnel >= DECODE_MAX_TUNNEL)
                        return DEC_ERR_TUNNEL_TOO_DEEP;
                    pk->tunnel++;
                    p = pk->payload + 8;
                    len = pk->payload_len - 8;
                    pk->sport = pk->dport = 0;
                    pk->payload = NULL;
                    pk->payload_len = 0;
                    next = N_ETH;
                    break;
                }
                return DEC_OK;
            }
            case IPPROTO_ICMP_:
            case IPPROTO_ICMPV6_:
                /* the whole ICMP message is the payload (NDP needs it) */
                if (len < 4)
                    return DEC_ERR_ICMP_TRUNCATED;
                pk->icmp_type = p[0];
                pk->icmp_code = p[1];
                pk->payload = p;
                pk->payload_len = len;
                pk->payload_wire_len = len;
                return DEC_OK;
            case IPPROTO_IPIP_:
            case IPPROTO_IPV6_:
                if (pk->first_frag)
                    return DEC_OK;
                if (pk->tunnel >= DECODE_MAX_TUNNEL)
                    return DEC_ERR_TUNNEL_TOO_DEEP;
                pk->tunnel++;
                next = N_IP;
                break;
            case IPPROTO_GRE_: {
                /* RFC 2784 2.1 + RFC 2890 2: C, K, S bits add 4 each */
                if (pk->first_frag)
                    return DEC_OK;
                if (pk->tunnel >= DECODE_MAX_TUNNEL)
                    return DEC_ERR_TUNNEL_TOO_DEEP;
                if (len < 4)
                    return DEC_ERR_GRE;
                uint16_t fl = be16_at(p);
                uint16_t proto = be16_at(p + 2);
                if ((fl & 0x0007) != 0 || (fl & 0x4000))
                    return DEC_ERR_GRE;  /* version != 0, or routing */
                size_t hl = 4 + ((fl & 0x8000) ? 4 : 0) +
                            ((fl & 0x2000) ? 4 : 0) + ((fl & 0x1000) ? 4 : 0);
                if (len < hl)
                    return DEC_ERR_GRE;
                p += hl;
                len -= hl;
                pk->tunnel++;
                switch (proto) {
                case ETH_IPV4:
                case ETH_IPV6:
                    next = N_IP;
                    break;
                case ETH_TEB:
                    next = N_ETH;
                    break;
                case ETH_ERSPAN2:
                    /* type I has no sequence number and no header;
                     * type II: 8-byte header, version 1 */
                    if (fl & 0x1000) {
                        if (len < 8 || (p[0] >> 4) != 1)
                            return DEC_ERR_ERSPAN;
                        p += 8;
                        len -= 8;
                    }
                    next = N_ETH;
                    break;
                case ETH_ERSPAN3: {
                    /* type III: 12-byte header, version 2; O bit adds
                     * an 8-byte platform-specific subheader */
                    if (len < 12 || (p[0] >> 4) != 2)
                        return DEC_ERR_ERSPAN;
                    size_t eh = 12 + ((p[11] & 0x01) ? 8 : 0);
                    if (len < eh)
                        return DEC_ERR_ERSPAN;
                    p += eh;
                    len -= eh;
                    next = N_ETH;
                    break;
                }
                default:
                    return DEC_ERR_GRE;
                }
                break;
            }
            default:
                return DEC_OK;  /* other transports: addresses only */
            }
            break;
        }
        }
    }
}
