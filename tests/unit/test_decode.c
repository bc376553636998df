/*
 * test_decode.c -- link/network/transport decoding on hand-built frames.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <pcap/pcap.h>

#include "framebuf.h"

#include "../../capture/decode.h"

/* ---- frame builders ------------------------------------------------ */


static void eth(struct fb *f, uint16_t type)
{
    static const uint8_t dst[6] = { 2, 0, 0, 0, 0, 0x53 }, src[6] = { 2, 0, 0, 0, 0, 0x10 };
    put(f, dst, 6);
    put(f, src, 6);
    put16(f, type);
}

/* IPv4 header with total length covering `payload` bytes after it. */
static void ipv4(struct fb *f, uint8_t proto, size_t payload, uint16_t frag)
{
    put8(f, 0x45); put8(f, 0); put16(f, (uint16_t)(20 + payload));
    put16(f, 1); put16(f, frag); put8(f, 64); put8(f, proto); put16(f, 0);
    put32(f, 0xc000020a);   /* 192.0.2.10 */
    put32(f, 0xc6336435);   /* 198.51.100.53 */
}

static void udp(struct fb *f, uint16_t sp, uint16_t dp, size_t payload)
{
    put16(f, sp); put16(f, dp); put16(f, (uint16_t)(8 + payload)); put16(f, 0);
}

static void tcp(struct fb *f, uint16_t sp, uint16_t dp, uint8_t flags)
{
    put16(f, sp); put16(f, dp); put32(f, 1000); put32(f, 2000);
    put8(f, 0x50); put8(f, flags); put16(f, 65535); put16(f, 0); put16(f, 0);
}

static const uint8_t PAYLOAD[] = "hello";

static void eth_ipv4_udp(struct fb *f)
{
    memset(f, 0, sizeof(*f));
    eth(f, 0x0800);
    ipv4(f, 17, 8 + 5, 0);
    udp(f, 40000, 53, 5);
    put(f, PAYLOAD, 5);
}

/* ---- tests ---------------------------------------------------------- */

static void ethernet_ipv4_udp_is_decoded(void **state)
{
    (void)state;
    struct fb f;
    struct pkt pk;
    eth_ipv4_udp(&f);
    assert_int_equal(decode_packet(DLT_EN10MB, f.b, f.n, 4789, &pk), DEC_OK);
    assert_int_equal(pk.ipver, 4);
    assert_int_equal(pk.l4proto, 17);
    assert_int_equal(pk.sport, 40000);
    assert_int_equal(pk.dport, 53);
    assert_int_equal(pk.payload_len, 5);
    assert_memory_equal(pk.payload, "hello", 5);
    assert_int_equal(pk.src.family, 4);
    assert_int_equal(pk.src.a[0], 192);
    assert_int_equal(pk.dst.a[3], 53);
    assert_true(pk.has_mac);
    assert_int_equal(pk.smac[5], 0x10);
    assert_int_equal(pk.l3_len, 33);
}

static void ethernet_padding_never_reaches_the_payload(void **state)
{
    (void)state;
    struct fb f;
    struct pkt pk;
    eth_ipv4_udp(&f);
    memset(f.b + f.n, 0xee, 20);     /* link padding */
    f.n += 20;
    assert_int_equal(decode_packet(DLT_EN10MB, f.b, f.n, 0, &pk), DEC_OK);
    assert_int_equal(pk.payload_len, 5);
    assert_int_equal(pk.l3_len, 33);
}

static void every_truncation_of_a_frame_is_safe(void **state)
{
    (void)state;
    struct fb f;
    struct pkt pk;
    eth_ipv4_udp(&f);
    for (size_t n = 0; n < f.n; n++) {
        /* copy into an exact-size buffer so ASan sees any over-read */
        uint8_t *b = test_malloc(n ? n : 1);
        memcpy(b, f.b, n);
        int rc = decode_packet(DLT_EN10MB, b, n, 0, &pk);
        if (n < 14)
            assert_int_equal(rc, DEC_ERR_L2_TRUNCATED);
        else if (n < 34)
            assert_int_equal(rc, DEC_ERR_IPV4_TRUNCATED);
        else if (n < 42)
            assert_int_equal(rc, DEC_ERR_UDP_TRUNCATED);
        else {
            assert_int_equal(rc, DEC_OK);
            assert_int_equal(pk.payload_len, n - 42);
            /* the snaplen cut is visible: declared length stays 5 */
            assert_int_equal(pk.payload_wire_len, 5);
        }
        test_free(b);
    }
}

static void ipv4_header_length_below_five_is_rejected(void **state)
{
    (void)state;
    struct fb f;
    struct pkt pk;
    eth_ipv4_udp(&f);
    f.b[14] = 0x44;
    assert_int_equal(decode_packet(DLT_EN10MB, f.b, f.n, 0, &pk), DEC_ERR_IPV4_HLEN);
}

static void ipv4_total_length_below_header_is_rejected(void **state)
{
    (void)state;
    struct fb f;
    struct pkt pk;
    eth_ipv4_udp(&f);
    f.b[16] = 0;
    f.b[17] = 19;
    assert_int_equal(decode_packet(DLT_EN10MB, f.b, f.n, 0, &pk), DEC_ERR_IPV4_TOTLEN);
}

static void ip_version_seven_is_rejected(void **state)
{
    (void)state;
    struct fb f;
    struct pkt pk;
    eth_ipv4_udp(&f);
    f.b[14] = 0x75;
    assert_int_equal(decode_packet(DLT_EN10MB, f.b, f.n, 0, &pk), DEC_ERR_IP_VERSION);
}

static void non_first_ipv4_fragment_is_skipped(void **state)
{
    (void)state;
    struct fb f = { .n = 0 };
    struct pkt pk;
    eth(&f, 0x0800);
    ipv4(&f, 17, 16, 0x0002);   /* offset 16 bytes */
    memset(f.b + f.n, 'x', 16);
    f.n += 16;
    assert_int_equal(decode_packet(DLT_EN10MB, f.b, f.n, 0, &pk), DEC_SKIP_FRAGMENT);
}

static void first_ipv4_fragment_is_decoded_and_marked(void **state)
{
    (void)state;
    struct fb f = { .n = 0 };
    struct pkt pk;
    eth(&f, 0x0800);
    ipv4(&f, 17, 8 + 5, 0x2000);  /* MF */
    udp(&f, 1, 2, 100);           /* UDP says more than this fragment has */
    put(&f, PAYLOAD, 5);
    assert_int_equal(decode_packet(DLT_EN10MB, f.b, f.n, 0, &pk), DEC_OK);
    assert_true(pk.first_frag);
    assert_int_equal(pk.payload_len, 5);
}

static void vlan_and_qinq_tags_give_the_outer_id(void **state)
{
    (void)state;
    struct fb f = { .n = 0 };
    struct pkt pk;
    eth(&f, 0x88a8);
    put16(&f, 10); put16(&f, 0x8100);
    put16(&f, 200); put16(&f, 0x0800);
    ipv4(&f, 17, 8 + 5, 0);
    udp(&f, 40000, 53, 5);
    put(&f, PAYLOAD, 5);
    assert_int_equal(decode_packet(DLT_EN10MB, f.b, f.n, 0, &pk), DEC_OK);
    assert_int_equal(pk.vlan, 10);
    assert_int_equal(pk.dport, 53);
}

static void five_vlan_tags_are_too_deep(void **state)
{
    (void)state;
    struct fb f = { .n = 0 };
    struct pkt pk;
    eth(&f, 0x8100);
    for (int i = 0; i < 5; i++) {
        put16(&f, (uint16_t)(i + 1));
        put16(&f, i < 4 ? 0x8100 : 0x0800);
    }
    ipv4(&f, 17, 8, 0);
    udp(&f, 1, 2, 0);
    assert_int_equal(decode_packet(DLT_EN10MB, f.b, f.n, 0, &pk), DEC_ERR_VLAN_TOO_DEEP);
}

static void tcp_data_offset_below_five_is_rejected(void **state)
{
    (void)state;
    struct fb f = { .n = 0 };
    struct pkt pk;
    eth(&f, 0x0800);
    ipv4(&f, 6, 20, 0);
    tcp(&f, 40000, 80, 0x02);
    f.b[14 + 20 + 12] = 0x40;
    assert_int_equal(decode_packet(DLT_EN10MB, f.b, f.n, 0, &pk), DEC_ERR_TCP_HLEN);
}

static void tcp_flags_seq_and_payload(void **state)
{
    (void)state;
    struct fb f = { .n = 0 };
    struct pkt pk;
    eth(&f, 0x0800);
    ipv4(&f, 6, 25, 0);
    tcp(&f, 40000, 80, 0x18);
    put(&f, PAYLOAD, 5);
    assert_int_equal(decode_packet(DLT_EN10MB, f.b, f.n, 0, &pk), DEC_OK);
    assert_int_equal(pk.tcp_flags, 0x18);
    assert_int_equal(pk.seq, 1000);
    assert_int_equal(pk.ack, 2000);
    assert_int_equal(pk.payload_len, 5);
}

static void udp_length_below_eight_is_rejected(void **state)
{
    (void)state;
    struct fb f;
    struct pkt pk;
    eth_ipv4_udp(&f);
    f.b[14 + 20 + 4] = 0;
    f.b[14 + 20 + 5] = 7;
    assert_int_equal(decode_packet(DLT_EN10MB, f.b, f.n, 0, &pk), DEC_ERR_UDP_LEN);
}

static void ipv6_extension_headers_are_walked(void **state)
{
    (void)state;
    struct fb f = { .n = 0 };
    struct pkt pk;
    eth(&f, 0x86dd);
    put32(&f, 0x60000000); put16(&f, 8 + 8 + 8 + 5); put8(&f, 0); put8(&f, 64);
    uint8_t a[16] = { 0x20, 0x01, 0x0d, 0xb8 };
    a[15] = 0x10; put(&f, a, 16);
    a[15] = 0x53; put(&f, a, 16);
    /* hop-by-hop -> destination options -> UDP, each 8 bytes */
    put8(&f, 60); put8(&f, 0); put16(&f, 0); put32(&f, 0);
    put8(&f, 17); put8(&f, 0); put16(&f, 0); put32(&f, 0);
    udp(&f, 5353, 53, 5);
    put(&f, PAYLOAD, 5);
    assert_int_equal(decode_packet(DLT_EN10MB, f.b, f.n, 0, &pk), DEC_OK);
    assert_int_equal(pk.ipver, 6);
    assert_int_equal(pk.l4proto, 17);
    assert_int_equal(pk.dport, 53);
    assert_int_equal(pk.payload_len, 5);
    assert_int_equal(pk.dst.a[15], 0x53);
}

static void ipv6_extension_header_overrunning_is_rejected(void **state)
{
    (void)state;
    struct fb f = { .n = 0 };
    struct pkt pk;
    eth(&f, 0x86dd);
    put32(&f, 0x60000000); put16(&f, 8); put8(&f, 0); put8(&f, 64);
    uint8_t a[16] = { 0x20, 0x01 };
    put(&f, a, 16);
    put(&f, a, 16);
    put8(&f, 17); put8(&f, 5); put16(&f, 0); put32(&f, 0); /* claims 48 bytes */
    assert_int_equal(decode_packet(DLT_EN10MB, f.b, f.n, 0, &pk), DEC_ERR_IPV6_EXT);
}

static void ipv6_non_first_fragment_is_skipped(void **state)
{
    (void)state;
    struct fb f = { .n = 0 };
    struct pkt pk;
    eth(&f, 0x86dd);
    put32(&f, 0x60000000); put16(&f, 8 + 8); put8(&f, 44); put8(&f, 64);
    uint8_t a[16] = { 0x20, 0x01 };
    put(&f, a, 16);
    put(&f, a, 16);
    put8(&f, 17); put8(&f, 0); put16(&f, 0x0008); put32(&f, 99);
    put32(&f, 0); put32(&f, 0);
    assert_int_equal(decode_packet(DLT_EN10MB, f.b, f.n, 0, &pk), DEC_SKIP_FRAGMENT);
}

/* outer IPv4 + GRE(proto) header; returns with the frame ready for the inner */
static void gre(struct fb *f, uint16_t flags, uint16_t proto, size_t inner)
{
    eth(f, 0x0800);
    size_t gl = 4 + ((flags & 0x1000) ? 4 : 0) + ((flags & 0x2000) ? 4 : 0);
    ipv4(f, 47, gl + inner, 0);
    put16(f, flags);
    put16(f, proto);
    if (flags & 0x2000) put32(f, 7);
    if (flags & 0x1000) put32(f, 1);
}

static void inner_ipv4_udp(struct fb *f)
{
    ipv4(f, 17, 8 + 5, 0);
    f->b[f->n - 8] = 10;   /* inner source 10.x: differs from the outer */
    udp(f, 40000, 53, 5);
    put(f, PAYLOAD, 5);
}

static void gre_carrying_ipv4_is_decapsulated(void **state)
{
    (void)state;
    struct fb f = { .n = 0 };
    struct pkt pk;
    gre(&f, 0x2000, 0x0800, 33);
    inner_ipv4_udp(&f);
    assert_int_equal(decode_packet(DLT_EN10MB, f.b, f.n, 0, &pk), DEC_OK);
    assert_int_equal(pk.tunnel, 1);
    assert_int_equal(pk.src.a[0], 10);
    assert_int_equal(pk.dport, 53);
}

static void gre_version_one_is_rejected(void **state)
{
    (void)state;
    struct fb f = { .n = 0 };
    struct pkt pk;
    gre(&f, 0x0001, 0x0800, 33);
    inner_ipv4_udp(&f);
    assert_int_equal(decode_packet(DLT_EN10MB, f.b, f.n, 0, &pk), DEC_ERR_GRE);
}

static void erspan_type_three_with_platform_subheader(void **state)
{
    (void)state;
    struct fb f = { .n = 0 };
    struct pkt pk;
    gre(&f, 0x1000, 0x22eb, 20 + 14 + 33);
    put16(&f, 0x2000); put16(&f, 0); put32(&f, 0); put16(&f, 0); put16(&f, 0x0001); /* O bit */
    put32(&f, 0); put32(&f, 0);
    eth(&f, 0x0800);
    inner_ipv4_udp(&f);
    assert_int_equal(decode_packet(DLT_EN10MB, f.b, f.n, 0, &pk), DEC_OK);
    assert_int_equal(pk.tunnel, 1);
    assert_int_equal(pk.src.a[0], 10);
    assert_int_equal(pk.payload_len, 5);
}

static void erspan_type_two_with_a_wrong_version_is_rejected(void **state)
{
    (void)state;
    struct fb f = { .n = 0 };
    struct pkt pk;
    gre(&f, 0x1000, 0x88be, 8 + 14 + 33);
    put16(&f, 0x2000); put16(&f, 0); put32(&f, 0);  /* version 2, not 1 */
    eth(&f, 0x0800);
    inner_ipv4_udp(&f);
    assert_int_equal(decode_packet(DLT_EN10MB, f.b, f.n, 0, &pk), DEC_ERR_ERSPAN);
}

static void vxlan_is_decapsulated_on_its_port_only(void **state)
{
    (void)state;
    struct fb f = { .n = 0 };
    struct pkt pk;
    eth(&f, 0x0800);
    ipv4(&f, 17, 8 + 8 + 14 + 33, 0);
    udp(&f, 50000, 4789, 8 + 14 + 33);
    put32(&f, 0x08000000); put32(&f, 42 << 8);
    eth(&f, 0x0800);
    inner_ipv4_udp(&f);
    assert_int_equal(decode_packet(DLT_EN10MB, f.b, f.n, 4789, &pk), DEC_OK);
    assert_int_equal(pk.tunnel, 1);
    assert_int_equal(pk.dport, 53);
    assert_int_equal(decode_packet(DLT_EN10MB, f.b, f.n, 0, &pk), DEC_OK);
    assert_int_equal(pk.tunnel, 0);
    assert_int_equal(pk.dport, 4789);
}

static void four_nested_ip_in_ip_tunnels_are_too_deep(void **state)
{
    (void)state;
    struct fb f = { .n = 0 };
    struct pkt pk;
    eth(&f, 0x0800);
    for (int i = 0; i < 4; i++)
        ipv4(&f, 4, (size_t)(20 * (3 - i) + 33), 0);
    inner_ipv4_udp(&f);
    assert_int_equal(decode_packet(DLT_EN10MB, f.b, f.n, 0, &pk), DEC_ERR_TUNNEL_TOO_DEEP);
}

static void linux_cooked_v1_and_v2_and_raw_and_null(void **state)
{
    (void)state;
    struct fb f = { .n = 0 };
    struct pkt pk;
    /* SLL: pkttype, ARPHRD_ETHER, addr len 6, addr[8], protocol */
    put16(&f, 0); put16(&f, 1); put16(&f, 6);
    uint8_t addr[8] = { 2, 0, 0, 0, 0, 0x10 };
    put(&f, addr, 8);
    put16(&f, 0x0800);
    inner_ipv4_udp(&f);
    assert_int_equal(decode_packet(DLT_LINUX_SLL, f.b, f.n, 0, &pk), DEC_OK);
    assert_true(pk.has_mac);
    assert_int_equal(pk.smac[5], 0x10);
    assert_int_equal(pk.dport, 53);

    f.n = 0;  /* SLL2 */
    put16(&f, 0x0800); put16(&f, 0); put32(&f, 2); put16(&f, 1); put8(&f, 0); put8(&f, 6);
    put(&f, addr, 8);
    inner_ipv4_udp(&f);
    assert_int_equal(decode_packet(276, f.b, f.n, 0, &pk), DEC_OK);
    assert_int_equal(pk.dport, 53);

    f.n = 0;  /* raw */
    inner_ipv4_udp(&f);
    assert_int_equal(decode_packet(DLT_RAW, f.b, f.n, 0, &pk), DEC_OK);
    assert_int_equal(pk.dport, 53);
    assert_false(pk.has_mac);

    f.n = 0;  /* BSD loopback, little-endian AF_INET */
    put8(&f, 2); put8(&f, 0); put8(&f, 0); put8(&f, 0);
    inner_ipv4_udp(&f);
    assert_int_equal(decode_packet(DLT_NULL, f.b, f.n, 0, &pk), DEC_OK);
    assert_int_equal(pk.dport, 53);

    f.n = 0;  /* PPP with address/control (RFC 1662 3.1), protocol 0x0021 */
    put8(&f, 0xff); put8(&f, 0x03); put16(&f, 0x0021);
    inner_ipv4_udp(&f);
    assert_int_equal(decode_packet(9, f.b, f.n, 0, &pk), DEC_OK);
    assert_int_equal(pk.dport, 53);

    f.n = 0;  /* PPP, compressed protocol field (RFC 1661 6.5) */
    put8(&f, 0x21);
    inner_ipv4_udp(&f);
    assert_int_equal(decode_packet(9, f.b, f.n, 0, &pk), DEC_OK);
    assert_int_equal(pk.dport, 53);

    f.n = 0;  /* PPP carrying LCP: not IP */
    put16(&f, 0xc021); put32(&f, 0);
    assert_int_equal(decode_packet(9, f.b, f.n, 0, &pk), DEC_SKIP_NON_IP);
    f.n = 1;
    assert_int_equal(decode_packet(9, f.b, 0, 0, &pk), DEC_ERR_L2_TRUNCATED);
}

static void arp_frames_are_handed_back_raw(void **state)
{
    (void)state;
    struct fb f = { .n = 0 };
    struct pkt pk;
    eth(&f, 0x0806);
    uint8_t arp[28] = { 0, 1, 8, 0, 6, 4, 0, 1 };
    put(&f, arp, sizeof(arp));
    assert_int_equal(decode_packet(DLT_EN10MB, f.b, f.n, 0, &pk), DEC_OK);
    assert_non_null(pk.arp);
    assert_int_equal(pk.arp_len, 28);
    assert_int_equal(pk.ipver, 0);
}

static void unknown_linktype_and_non_ip_ethertype(void **state)
{
    (void)state;
    struct fb f;
    struct pkt pk;
    eth_ipv4_udp(&f);
    assert_int_equal(decode_packet(147, f.b, f.n, 0, &pk), DEC_ERR_LINKTYPE);
    f.b[12] = 0x88; f.b[13] = 0xcc;   /* LLDP */
    assert_int_equal(decode_packet(DLT_EN10MB, f.b, f.n, 0, &pk), DEC_SKIP_NON_IP);
    assert_string_equal(decode_err_name(DEC_ERR_GRE), "gre_invalid");
    assert_string_equal(decode_err_name(-1), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ethernet_ipv4_udp_is_decoded),
        cmocka_unit_test(ethernet_padding_never_reaches_the_payload),
        cmocka_unit_test(every_truncation_of_a_frame_is_safe),
        cmocka_unit_test(ipv4_header_length_below_five_is_rejected),
        cmocka_unit_test(ipv4_total_length_below_header_is_rejected),
        cmocka_unit_test(ip_version_seven_is_rejected),
        cmocka_unit_test(non_first_ipv4_fragment_is_skipped),
        cmocka_unit_test(first_ipv4_fragment_is_decoded_and_marked),
        cmocka_unit_test(vlan_and_qinq_tags_give_the_outer_id),
        cmocka_unit_test(five_vlan_tags_are_too_deep),
        cmocka_unit_test(tcp_data_offset_below_five_is_rejected),
        cmocka_unit_test(tcp_flags_seq_and_payload),
        cmocka_unit_test(udp_length_below_eight_is_rejected),
        cmocka_unit_test(ipv6_extension_headers_are_walked),
        cmocka_unit_test(ipv6_extension_header_overrunning_is_rejected),
        cmocka_unit_test(ipv6_non_first_fragment_is_skipped),
        cmocka_unit_test(gre_carrying_ipv4_is_decapsulated),
        cmocka_unit_test(gre_version_one_is_rejected),
        cmocka_unit_test(erspan_type_three_with_platform_subheader),
        cmocka_unit_test(erspan_type_two_with_a_wrong_version_is_rejected),
        cmocka_unit_test(vxlan_is_decapsulated_on_its_port_only),
        cmocka_unit_test(four_nested_ip_in_ip_tunnels_are_too_deep),
        cmocka_unit_test(linux_cooked_v1_and_v2_and_raw_and_null),
        cmocka_unit_test(arp_frames_are_handed_back_raw),
        cmocka_unit_test(unknown_linktype_and_non_ip_ethertype),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
