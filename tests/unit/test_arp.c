/*
 * test_arp.c -- unit tests for capture/arp.c: arp_parse, arp_parse_ndp
 * and the binding table.
 *
 * Real messages are copied from the dev captures in
 * /work/shared/data/dev/pcaps/malicious/ (file and frame named at each
 * array; checked with tshark 4.0): ARP packets after the Ethernet header,
 * ICMPv6 messages after the IPv6 header.  Every parse runs on an
 * exact-size heap copy so that ASan reports any read past len.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "capture/arp.h"

/* ---- real messages -------------------------------------------------- */

/* anyrun-agenttesla-smtp-exfil-a30789ce.pcap frame 2: who has
 * 192.168.100.14? tell 192.168.100.2 (52:54:00:36:3e:ff) */
static const uint8_t arp_request[28] = {
    0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
    0x52, 0x54, 0x00, 0x36, 0x3e, 0xff, 0xc0, 0xa8, 0x64, 0x02,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0xa8, 0x64, 0x0e,
};

/* caldera-manx-udp-beacon.pcap frame 100: 172.18.0.2 is at
 * 02:42:ac:12:00:02 (to 172.18.0.3, 02:42:ac:12:00:03) */
static const uint8_t arp_reply[28] = {
    0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02,
    0x02, 0x42, 0xac, 0x12, 0x00, 0x02, 0xac, 0x12, 0x00, 0x02,
    0x02, 0x42, 0xac, 0x12, 0x00, 0x03, 0xac, 0x12, 0x00, 0x03,
};

/* ndpi-iodine-dns-tunnel.pcap frame 33: 10.0.2.30 is at 08:00:27:9c:e0:b4,
 * with the 18 octets of Ethernet padding of a 60-octet frame */
static const uint8_t arp_reply_padded[46] = {
    0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02,
    0x08, 0x00, 0x27, 0x9c, 0xe0, 0xb4, 0x0a, 0x00, 0x02, 0x1e,
    0x08, 0x00, 0x27, 0xc7, 0x6e, 0xba, 0x0a, 0x00, 0x02, 0x14,
};

/* slips-iot-telnet-scanner.pcap: RFC 5227 probe (spa 0.0.0.0) for
 * 169.254.242.182 from 68:5b:35:b1:55:93 */
static const uint8_t arp_probe[28] = {
    0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
    0x68, 0x5b, 0x35, 0xb1, 0x55, 0x93, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xa9, 0xfe, 0xf2, 0xb6,
};

/* slips-iot-telnet-scanner.pcap: the announcement that follows it
 * (gratuitous request, spa == tpa) */
static const uint8_t arp_announce[28] = {
    0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
    0x68, 0x5b, 0x35, 0xb1, 0x55, 0x93, 0xa9, 0xfe, 0xf2, 0xb6,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xa9, 0xfe, 0xf2, 0xb6,
};

/* anyrun-agenttesla-smtp-exfil-a30789ce.pcap frame 270: NS from
 * fe80::8893:315:6415:661c for fe80::b9a3:aa8f:3e8e:fe86, SLLA
 * 06:b2:99:6d:78:fe */
static const uint8_t ns_src_a[16] = {
    0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x88, 0x93, 0x03, 0x15, 0x64, 0x15, 0x66, 0x1c,
};
static const uint8_t ndp_ns[32] = {
    0x87, 0x00, 0x6d, 0x47, 0x00, 0x00, 0x00, 0x00,
    0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xb9, 0xa3, 0xaa, 0x8f, 0x3e, 0x8e, 0xfe, 0x86,
    0x01, 0x01, 0x06, 0xb2, 0x99, 0x6d, 0x78, 0xfe,
};

/* same capture, frame 271: NA (solicited, override) from and for
 * fe80::b9a3:aa8f:3e8e:fe86, TLLA 12:a9:86:6c:77:de */
static const uint8_t na_src_a[16] = {
    0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0xb9, 0xa3, 0xaa, 0x8f, 0x3e, 0x8e, 0xfe, 0x86,
};
static const uint8_t ndp_na[32] = {
    0x88, 0x00, 0x70, 0xc1, 0x60, 0x00, 0x00, 0x00,
    0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xb9, 0xa3, 0xaa, 0x8f, 0x3e, 0x8e, 0xfe, 0x86,
    0x02, 0x01, 0x12, 0xa9, 0x86, 0x6c, 0x77, 0xde,
};

/* slips-iot-telnet-scanner.pcap: duplicate address detection NS from ::
 * for fe80::d2:4591:568e:c3d1, with a Nonce option (RFC 3971 5.3.2) */
static const uint8_t ndp_dad_ns[32] = {
    0x87, 0x00, 0x18, 0x37, 0x00, 0x00, 0x00, 0x00,
    0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0xd2, 0x45, 0x91, 0x56, 0x8e, 0xc3, 0xd1,
    0x0e, 0x01, 0x23, 0x5f, 0x11, 0x27, 0xfc, 0x3d,
};

/* ---- helpers -------------------------------------------------------- */

static int arp_exact(const uint8_t *p, size_t len, struct arp_obs *out,
                     int max)
{
    uint8_t *copy = malloc(len ? len : 1);
    int rc;

    assert_non_null(copy);
    if (len)
        memcpy(copy, p, len);
    rc = arp_parse(len ? copy : NULL, len, out, max);
    free(copy);
    return rc;
}

static int ndp_exact(const uint8_t *p, size_t len, const struct sh_addr *src,
                     struct arp_obs *out, int max)
{
    uint8_t *copy = malloc(len ? len : 1);
    int rc;

    assert_non_null(copy);
    if (len)
        memcpy(copy, p, len);
    rc = arp_parse_ndp(len ? copy : NULL, len, src, out, max);
    free(copy);
    return rc;
}

static struct sh_addr v6(const uint8_t *a)
{
    struct sh_addr s;

    memset(&s, 0, sizeof(s));
    s.family = 6;
    memcpy(s.a, a, 16);
    return s;
}

static void assert_obs(const struct arp_obs *o, int family,
                       const uint8_t *ip, const uint8_t *mac, int ndp, int op)
{
    uint8_t want[16] = {0};

    memcpy(want, ip, family == 4 ? 4 : 16);
    assert_int_equal(o->ip.family, family);
    assert_memory_equal(o->ip.a, want, 16);
    assert_memory_equal(o->mac, mac, 6);
    assert_int_equal(o->ndp, ndp);
    assert_int_equal(o->op, op);
    assert_int_equal(o->vlan, 0);
}

/* ---- ARP ------------------------------------------------------------ */

static void real_request_binds_the_sender(void **state)
{
    static const uint8_t ip[4] = {192, 168, 100, 2};
    static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0x36, 0x3e, 0xff};
    struct arp_obs o[2];

    (void)state;
    memset(o, 0xaa, sizeof(o));
    assert_int_equal(arp_exact(arp_request, sizeof(arp_request), o, 2), 1);
    assert_obs(&o[0], 4, ip, mac, 0, 1);
    assert_int_equal(o[1].ndp, 0xaa);              /* only one written */
}

static void real_reply_binds_the_sender_not_the_target(void **state)
{
    static const uint8_t ip[4] = {172, 18, 0, 2};
    static const uint8_t mac[6] = {0x02, 0x42, 0xac, 0x12, 0x00, 0x02};
    struct arp_obs o;

    (void)state;
    assert_int_equal(arp_exact(arp_reply, sizeof(arp_reply), &o, 1), 1);
    assert_obs(&o, 4, ip, mac, 0, 2);
}

static void real_reply_with_ethernet_padding_is_accepted(void **state)
{
    static const uint8_t ip[4] = {10, 0, 2, 30};
    static const uint8_t mac[6] = {0x08, 0x00, 0x27, 0x9c, 0xe0, 0xb4};
    struct arp_obs o;

    (void)state;
    assert_int_equal(arp_exact(arp_reply_padded, sizeof(arp_reply_padded),
                               &o, 1), 1);
    assert_obs(&o, 4, ip, mac, 0, 2);
}

static void real_gratuitous_announcement_binds_the_sender(void **state)
{
    static const uint8_t ip[4] = {169, 254, 242, 182};
    static const uint8_t mac[6] = {0x68, 0x5b, 0x35, 0xb1, 0x55, 0x93};
    struct arp_obs o;

    (void)state;
    assert_int_equal(arp_exact(arp_announce, sizeof(arp_announce), &o, 1), 1);
    assert_obs(&o, 4, ip, mac, 0, 1);
}

static void gratuitous_reply_binds_the_sender(void **state)
{
    uint8_t p[28];
    struct arp_obs o;

    (void)state;
    memcpy(p, arp_announce, 28);
    p[7] = 2;
    memset(p + 18, 0xff, 6);                    /* tha broadcast */
    assert_int_equal(arp_exact(p, 28, &o, 1), 1);
    assert_int_equal(o.op, 2);
}

static void real_probe_from_zero_gives_no_binding(void **state)
{
    struct arp_obs o;

    (void)state;
    memset(&o, 0x5a, sizeof(o));
    assert_int_equal(arp_exact(arp_probe, sizeof(arp_probe), &o, 1), 0);
    assert_int_equal(o.ndp, 0x5a);              /* untouched */
}

static void arp_truncated_at_every_length(void **state)
{
    struct arp_obs o;

    (void)state;
    for (size_t n = 0; n < 28; n++)
        assert_int_equal(arp_exact(arp_reply, n, &o, 1), -1);
    assert_int_equal(arp_exact(arp_reply, 28, &o, 1), 1);
    for (size_t n = 28; n <= sizeof(arp_reply_padded); n++)
        assert_int_equal(arp_exact(arp_reply_padded, n, &o, 1), 1);
    assert_int_equal(arp_parse(NULL, 0, &o, 1), -1);
}

static void ethernet_arp_with_hlen_other_than_6_is_malformed(void **state)
{
    uint8_t p[8 + 2 * 255 + 2 * 4];
    struct arp_obs o;

    (void)state;
    memset(p, 0x12, sizeof(p));   /* sha 12:12:.., a unicast MAC */
    p[0] = 0; p[1] = 1; p[2] = 8; p[3] = 0; p[5] = 4; p[6] = 0; p[7] = 1;
    for (int hlen = 0; hlen < 256; hlen++) {
        p[4] = (uint8_t)hlen;
        assert_int_equal(arp_exact(p, sizeof(p), &o, 1), hlen == 6 ? 1 : -1);
    }
}

static void ipv4_arp_with_plen_other_than_4_is_malformed(void **state)
{
    uint8_t p[8 + 2 * 6 + 2 * 255];
    struct arp_obs o;

    (void)state;
    memset(p, 0x12, sizeof(p));   /* sha 12:12:.., a unicast MAC */
    p[0] = 0; p[1] = 1; p[2] = 8; p[3] = 0; p[4] = 6; p[6] = 0; p[7] = 2;
    for (int plen = 0; plen < 256; plen++) {
        p[5] = (uint8_t)plen;
        assert_int_equal(arp_exact(p, sizeof(p), &o, 1), plen == 4 ? 1 : -1);
    }
}

static void other_hardware_or_protocol_gives_no_binding(void **state)
{
    uint8_t p[64];
    struct arp_obs o;

    (void)state;
    memset(p, 0x22, sizeof(p));
    /* IEEE 802 (htype 6) / IPv4 */
    memcpy(p, (const uint8_t[]){0, 6, 8, 0, 6, 4, 0, 1}, 8);
    assert_int_equal(arp_exact(p, 28, &o, 1), 0);
    assert_int_equal(arp_exact(p, 27, &o, 1), -1);  /* still truncated */
    /* Ethernet / protocol 0x86dd with 16-octet addresses */
    memcpy(p, (const uint8_t[]){0, 1, 0x86, 0xdd, 6, 16, 0, 1}, 8);
    assert_int_equal(arp_exact(p, 8 + 12 + 32, &o, 1), 0);
    assert_int_equal(arp_exact(p, 8 + 12 + 31, &o, 1), -1);
}

static void opcodes_other_than_request_and_reply_give_none(void **state)
{
    static const uint16_t ops[] = {0, 3, 4, 8, 9, 10, 256, 257, 0xffff};
    uint8_t p[28];
    struct arp_obs o;

    (void)state;
    memcpy(p, arp_reply, 28);
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        p[6] = (uint8_t)(ops[i] >> 8);
        p[7] = (uint8_t)ops[i];
        assert_int_equal(arp_exact(p, 28, &o, 1), 0);
    }
}

static void max_zero_writes_nothing_but_still_validates(void **state)
{
    (void)state;
    assert_int_equal(arp_exact(arp_reply, 28, NULL, 0), 0);
    assert_int_equal(arp_exact(arp_reply, 28, NULL, -5), 0);
    assert_int_equal(arp_exact(arp_reply, 27, NULL, 0), -1);
    assert_int_equal(arp_exact(arp_reply, 28, NULL, 1), 0);
}

static void group_or_zero_sender_mac_gives_none(void **state)
{
    static const uint8_t bad[][6] = {
        {0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
        {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01},
        {0x33, 0x33, 0x00, 0x00, 0x00, 0x01},
        {0x00, 0x00, 0x00, 0x00, 0x00, 0x00},
    };
    uint8_t p[28];
    struct arp_obs o;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memcpy(p, arp_reply, 28);
        memcpy(p + 8, bad[i], 6);
        assert_int_equal(arp_exact(p, 28, &o, 1), 0);
    }
    p[8] = 0x02;                                /* locally administered ok */
    assert_int_equal(arp_exact(p, 28, &o, 1), 1);
}

static void non_host_sender_ip_gives_none(void **state)
{
    static const uint8_t bad[][4] = {
        {0, 0, 0, 0}, {0, 1, 2, 3}, {127, 0, 0, 1}, {224, 0, 0, 1},
        {239, 255, 255, 250}, {255, 255, 255, 255},
    };
    static const uint8_t good[][4] = {
        {1, 0, 0, 0}, {126, 255, 255, 255}, {223, 255, 255, 255},
        {240, 0, 0, 1}, {255, 255, 255, 254},
    };
    uint8_t p[28];
    struct arp_obs o;

    (void)state;
    memcpy(p, arp_reply, 28);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memcpy(p + 14, bad[i], 4);
        assert_int_equal(arp_exact(p, 28, &o, 1), 0);
    }
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        memcpy(p + 14, good[i], 4);
        assert_int_equal(arp_exact(p, 28, &o, 1), 1);
        assert_memory_equal(o.ip.a, good[i], 4);
    }
}

/* ---- NDP ------------------------------------------------------------ */

static void real_ns_binds_the_source_to_its_slla(void **state)
{
    static const uint8_t mac[6] = {0x06, 0xb2, 0x99, 0x6d, 0x78, 0xfe};
    struct sh_addr src = v6(ns_src_a);
    struct arp_obs o;

    (void)state;
    assert_int_equal(ndp_exact(ndp_ns, sizeof(ndp_ns), &src, &o, 1), 1);
    assert_obs(&o, 6, ns_src_a, mac, 1, 135);
}

static void real_na_binds_the_target_to_its_tlla(void **state)
{
    static const uint8_t mac[6] = {0x12, 0xa9, 0x86, 0x6c, 0x77, 0xde};
    struct sh_addr src = v6(na_src_a);
    struct arp_obs o;

    (void)state;
    assert_int_equal(ndp_exact(ndp_na, sizeof(ndp_na), &src, &o, 1), 1);
    assert_obs(&o, 6, na_src_a, mac, 1, 136);
}

static void na_binds_the_target_even_from_another_source(void **state)
{
    static const uint8_t mac[6] = {0x12, 0xa9, 0x86, 0x6c, 0x77, 0xde};
    struct sh_addr src = v6(ns_src_a);          /* a proxy answering */
    struct arp_obs o;

    (void)state;
    assert_int_equal(ndp_exact(ndp_na, sizeof(ndp_na), &src, &o, 1), 1);
    assert_obs(&o, 6, na_src_a, mac, 1, 136);
}

static void real_dad_ns_from_unspecified_gives_none(void **state)
{
    static const uint8_t zero[16];
    struct sh_addr src = v6(zero);
    struct arp_obs o;

    (void)state;
    assert_int_equal(ndp_exact(ndp_dad_ns, sizeof(ndp_dad_ns), &src, &o, 1),
                     0);
}

static void ns_from_unspecified_with_slla_is_malformed(void **state)
{
    static const uint8_t zero[16];
    struct sh_addr src = v6(zero);
    struct arp_obs o;

    (void)state;
    assert_int_equal(ndp_exact(ndp_ns, sizeof(ndp_ns), &src, &o, 1), -1);
}

static void ns_and_na_without_options_give_none(void **state)
{
    struct sh_addr src = v6(ns_src_a);
    struct arp_obs o;

    (void)state;
    assert_int_equal(ndp_exact(ndp_ns, 24, &src, &o, 1), 0);
    assert_int_equal(ndp_exact(ndp_na, 24, &src, &o, 1), 0);
}

static void option_of_length_zero_is_malformed(void **state)
{
    uint8_t p[40];
    struct sh_addr src = v6(ns_src_a);
    struct arp_obs o;

    (void)state;
    memcpy(p, ndp_ns, 32);
    p[25] = 0;                                  /* RFC 4861 4.6 */
    assert_int_equal(ndp_exact(p, 32, &src, &o, 1), -1);
    /* a valid SLLA first, then a zero-length option: still dropped */
    memcpy(p, ndp_ns, 32);
    memset(p + 32, 0, 8);
    p[32] = 14;
    assert_int_equal(ndp_exact(p, 40, &src, &o, 1), -1);
}

static void option_overrunning_the_message_is_malformed(void **state)
{
    uint8_t p[32];
    struct sh_addr src = v6(ns_src_a);
    struct arp_obs o;

    (void)state;
    memcpy(p, ndp_ns, 32);
    p[25] = 2;                                  /* says 16, has 8 */
    assert_int_equal(ndp_exact(p, 32, &src, &o, 1), -1);
    p[25] = 255;
    assert_int_equal(ndp_exact(p, 32, &src, &o, 1), -1);
}

static void option_of_maximum_length_exactly_fits(void **state)
{
    uint8_t p[24 + 255 * 8 + 8];
    struct sh_addr src = v6(ns_src_a);
    struct arp_obs o;

    (void)state;
    memset(p, 0x33, sizeof(p));
    memcpy(p, ndp_ns, 24);
    p[24] = 200;                                /* unknown option */
    p[25] = 255;
    memcpy(p + 24 + 255 * 8, ndp_ns + 24, 8);   /* then the SLLA */
    assert_int_equal(ndp_exact(p, sizeof(p), &src, &o, 1), 1);
    assert_int_equal(o.mac[5], 0xfe);
    assert_int_equal(ndp_exact(p, sizeof(p) - 8, &src, &o, 1), 0);
    assert_int_equal(ndp_exact(p, sizeof(p) - 9, &src, &o, 1), -1);
}

static void ns_truncated_at_every_length(void **state)
{
    struct sh_addr src = v6(ns_src_a);
    struct arp_obs o;

    (void)state;
    for (size_t n = 0; n < 24; n++)
        assert_int_equal(ndp_exact(ndp_ns, n, &src, &o, 1), -1);
    assert_int_equal(ndp_exact(ndp_ns, 24, &src, &o, 1), 0);
    for (size_t n = 25; n < 32; n++)
        assert_int_equal(ndp_exact(ndp_ns, n, &src, &o, 1), -1);
    assert_int_equal(ndp_exact(ndp_ns, 32, &src, &o, 1), 1);
}

static void na_truncated_at_every_length(void **state)
{
    struct sh_addr src = v6(na_src_a);
    struct arp_obs o;

    (void)state;
    for (size_t n = 0; n < 24; n++)
        assert_int_equal(ndp_exact(ndp_na, n, &src, &o, 1), -1);
    assert_int_equal(ndp_exact(ndp_na, 24, &src, &o, 1), 0);
    for (size_t n = 25; n < 32; n++)
        assert_int_equal(ndp_exact(ndp_na, n, &src, &o, 1), -1);
    assert_int_equal(ndp_exact(ndp_na, 32, &src, &o, 1), 1);
}

static void nonzero_code_is_malformed(void **state)
{
    uint8_t p[32];
    struct sh_addr src = v6(ns_src_a);
    struct arp_obs o;

    (void)state;
    memcpy(p, ndp_ns, 32);
    p[1] = 1;
    assert_int_equal(ndp_exact(p, 32, &src, &o, 1), -1);
}

static void multicast_target_is_malformed(void **state)
{
    uint8_t p[32];
    struct sh_addr src = v6(na_src_a);
    struct arp_obs o;

    (void)state;
    memcpy(p, ndp_na, 32);
    p[8] = 0xff;
    p[9] = 0x02;
    assert_int_equal(ndp_exact(p, 32, &src, &o, 1), -1);
    memcpy(p, ndp_ns, 32);
    p[8] = 0xff;
    assert_int_equal(ndp_exact(p, 32, &src, &o, 1), -1);
}

static void na_with_unspecified_target_gives_none(void **state)
{
    uint8_t p[32];
    struct sh_addr src = v6(na_src_a);
    struct arp_obs o;

    (void)state;
    memcpy(p, ndp_na, 32);
    memset(p + 8, 0, 16);
    assert_int_equal(ndp_exact(p, 32, &src, &o, 1), 0);
}

static void link_layer_option_of_other_length_is_not_a_mac(void **state)
{
    uint8_t p[40];
    struct sh_addr src = v6(ns_src_a);
    struct arp_obs o;

    (void)state;
    memcpy(p, ndp_ns, 24);
    memset(p + 24, 0x02, 16);
    p[24] = 1;                                  /* SLLA, 16 octets */
    p[25] = 2;
    assert_int_equal(ndp_exact(p, 40, &src, &o, 1), 0);
}

static void first_of_two_link_layer_options_is_used(void **state)
{
    uint8_t p[48];
    struct sh_addr src = v6(ns_src_a);
    struct arp_obs o;

    (void)state;
    memcpy(p, ndp_dad_ns, 32);                  /* NS + nonce option */
    memcpy(p + 32, ndp_ns + 24, 8);             /* SLLA 06:b2:.. */
    memcpy(p + 40, ndp_ns + 24, 8);
    p[47] = 0x01;                               /* second SLLA ..:01 */
    assert_int_equal(ndp_exact(p, 48, &src, &o, 1), 1);
    assert_int_equal(o.mac[0], 0x06);
    assert_int_equal(o.mac[5], 0xfe);
}

static void wrong_link_layer_option_type_gives_none(void **state)
{
    uint8_t p[32];
    struct sh_addr src = v6(ns_src_a);
    struct arp_obs o;

    (void)state;
    memcpy(p, ndp_ns, 32);
    p[24] = 2;                                  /* TLLA in an NS */
    assert_int_equal(ndp_exact(p, 32, &src, &o, 1), 0);
    memcpy(p, ndp_na, 32);
    p[24] = 1;                                  /* SLLA in an NA */
    assert_int_equal(ndp_exact(p, 32, &src, &o, 1), 0);
}

static void multicast_source_or_group_mac_gives_none(void **state)
{
    uint8_t p[32];
    uint8_t mc[16] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    struct sh_addr src = v6(mc);
    struct arp_obs o;

    (void)state;
    assert_int_equal(ndp_exact(ndp_ns, 32, &src, &o, 1), 0);
    src = v6(ns_src_a);
    memcpy(p, ndp_ns, 32);
    p[26] = 0x33;                               /* 33:b2:.. group bit */
    assert_int_equal(ndp_exact(p, 32, &src, &o, 1), 0);
}

static void src_missing_or_not_ipv6_is_an_error(void **state)
{
    struct sh_addr src = v6(ns_src_a);
    struct arp_obs o;

    (void)state;
    assert_int_equal(ndp_exact(ndp_ns, 32, NULL, &o, 1), -1);
    src.family = 4;
    assert_int_equal(ndp_exact(ndp_ns, 32, &src, &o, 1), -1);
}

static void other_icmpv6_types_give_none(void **state)
{
    uint8_t p[32];
    struct sh_addr src = v6(ns_src_a);
    struct arp_obs o;

    (void)state;
    memcpy(p, ndp_ns, 32);
    for (int t = 0; t < 256; t++) {
        if (t >= 133 && t <= 136)
            continue;
        p[0] = (uint8_t)t;
        p[1] = 7;                               /* even with a bad code */
        assert_int_equal(ndp_exact(p, 32, &src, &o, 1), 0);
        assert_int_equal(ndp_exact(p, 4, &src, &o, 1), 0);
    }
    assert_int_equal(ndp_exact(p, 3, &src, &o, 1), -1);
}

static void router_solicitation_binds_its_source(void **state)
{
    static const uint8_t zero[16];
    uint8_t p[16] = {133, 0, 0, 0, 0, 0, 0, 0,
                     1, 1, 0x02, 0x00, 0x00, 0x00, 0x00, 0x07};
    struct sh_addr src = v6(ns_src_a);
    struct arp_obs o;

    (void)state;
    assert_int_equal(ndp_exact(p, 16, &src, &o, 1), 1);
    assert_int_equal(o.op, 133);
    assert_int_equal(o.mac[5], 7);
    assert_int_equal(ndp_exact(p, 8, &src, &o, 1), 0);
    assert_int_equal(ndp_exact(p, 7, &src, &o, 1), -1);
    src = v6(zero);
    assert_int_equal(ndp_exact(p, 8, &src, &o, 1), 0);   /* RS from :: */
    assert_int_equal(ndp_exact(p, 16, &src, &o, 1), -1); /* 6.1.1 */
}

static void router_advertisement_binds_its_link_local_source(void **state)
{
    static const uint8_t global[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                                       0, 0, 0, 0, 0, 0, 0, 1};
    uint8_t p[24] = {134, 0, 0, 0, 64, 0, 0x07, 0x08, 0, 0, 0, 0, 0, 0, 0, 0,
                     1, 1, 0x00, 0x1b, 0x21, 0x00, 0x00, 0x01};
    struct sh_addr src = v6(ns_src_a);
    struct arp_obs o;

    (void)state;
    assert_int_equal(ndp_exact(p, 24, &src, &o, 1), 1);
    assert_int_equal(o.op, 134);
    assert_obs(&o, 6, ns_src_a, p + 18, 1, 134);
    assert_int_equal(ndp_exact(p, 16, &src, &o, 1), 0);
    assert_int_equal(ndp_exact(p, 15, &src, &o, 1), -1);
    src = v6(global);
    assert_int_equal(ndp_exact(p, 24, &src, &o, 1), -1); /* 6.1.2 */
}

static void ndp_max_zero_writes_nothing(void **state)
{
    struct sh_addr src = v6(ns_src_a);

    (void)state;
    assert_int_equal(ndp_exact(ndp_ns, 32, &src, NULL, 0), 0);
    assert_int_equal(ndp_exact(ndp_ns, 31, &src, NULL, 0), -1);
}

/* ---- binding table -------------------------------------------------- */

static struct arp_obs obs4(uint8_t last, uint8_t maclast)
{
    struct arp_obs o;

    memset(&o, 0, sizeof(o));
    o.ip.family = 4;
    o.ip.a[0] = 10; o.ip.a[1] = 0; o.ip.a[2] = 0; o.ip.a[3] = last;
    o.mac[0] = 0x02; o.mac[5] = maclast;
    o.op = 2;
    return o;
}

static struct arp_table *mk(size_t cap, uint64_t refresh)
{
    char err[128];
    struct arp_table *t = arp_table_create(cap, refresh, err, sizeof(err));

    assert_non_null(t);
    return t;
}

static void assert_stats(const struct arp_table *t, uint64_t observed,
                         uint64_t added, uint64_t changed, uint64_t refreshed,
                         uint64_t evicted)
{
    struct arp_table_stats s;

    arp_table_stats(t, &s);
    assert_int_equal(s.observed, observed);
    assert_int_equal(s.added, added);
    assert_int_equal(s.changed, changed);
    assert_int_equal(s.refreshed, refreshed);
    assert_int_equal(s.evicted, evicted);
}

static void new_binding_gives_an_event_and_same_again_none(void **state)
{
    struct arp_table *t = mk(8, 1000);
    struct arp_obs o = obs4(5, 0x55);
    struct sh_event ev;

    (void)state;
    ev_reset(&ev, EV_NONE);
    ev.vlan = 3;
    ev.flow_id = 99;
    ev.flags = EVF_MALFORMED;
    assert_int_equal(arp_table_observe(t, &o, 100, &ev), 1);
    assert_int_equal(ev.type, EV_ARP);
    assert_int_equal(ev.ts_us, 100);
    assert_int_equal(ev.flags, 0);
    assert_int_equal(ev.vlan, 3);               /* header kept */
    assert_int_equal(ev.flow_id, 99);
    assert_int_equal(ev.u.arp.changed, 0);
    assert_int_equal(ev.u.arp.ndp, 0);
    assert_int_equal(ev.u.arp.op, 2);
    assert_memory_equal(ev.u.arp.mac, o.mac, 6);
    assert_memory_equal(&ev.u.arp.ip, &o.ip, sizeof(o.ip));
    assert_memory_equal(ev.u.arp.old_mac, (uint8_t[6]){0}, 6);
    assert_int_equal(arp_table_observe(t, &o, 101, &ev), 0);
    assert_int_equal(arp_table_observe(t, &o, 1099, &ev), 0);
    assert_stats(t, 3, 1, 0, 0, 0);
    assert_int_equal(arp_table_count(t), 1);
    arp_table_destroy(t);
}

static void changed_mac_gives_an_event_with_the_old_mac(void **state)
{
    struct arp_table *t = mk(8, 0);
    struct arp_obs a = obs4(5, 0x55), b = obs4(5, 0x66);
    struct sh_event ev;

    (void)state;
    assert_int_equal(arp_table_observe(t, &a, 1, &ev), 1);
    assert_int_equal(arp_table_observe(t, &b, 2, &ev), 1);
    assert_int_equal(ev.u.arp.changed, 1);
    assert_memory_equal(ev.u.arp.mac, b.mac, 6);
    assert_memory_equal(ev.u.arp.old_mac, a.mac, 6);
    assert_int_equal(ev.ts_us, 2);
    assert_int_equal(arp_table_observe(t, &b, 3, &ev), 0);
    assert_int_equal(arp_table_observe(t, &a, 4, &ev), 1);  /* flip back */
    assert_memory_equal(ev.u.arp.old_mac, b.mac, 6);
    assert_stats(t, 4, 1, 2, 0, 0);
    arp_table_destroy(t);
}

static void refresh_after_refresh_us_gives_one_event(void **state)
{
    struct arp_table *t = mk(8, 1000);
    struct arp_obs o = obs4(5, 0x55);
    struct sh_event ev;

    (void)state;
    assert_int_equal(arp_table_observe(t, &o, 5000, &ev), 1);
    assert_int_equal(arp_table_observe(t, &o, 5999, &ev), 0); /* one short */
    assert_int_equal(arp_table_observe(t, &o, 6000, &ev), 1); /* exactly */
    assert_int_equal(ev.u.arp.changed, 0);
    assert_int_equal(ev.ts_us, 6000);
    assert_int_equal(arp_table_observe(t, &o, 6001, &ev), 0);
    assert_int_equal(arp_table_observe(t, &o, 6999, &ev), 0);
    assert_int_equal(arp_table_observe(t, &o, 9000, &ev), 1);
    assert_stats(t, 6, 1, 0, 2, 0);
    arp_table_destroy(t);
}

static void refresh_zero_never_re_announces(void **state)
{
    struct arp_table *t = mk(8, 0);
    struct arp_obs o = obs4(5, 0x55);
    struct sh_event ev;

    (void)state;
    assert_int_equal(arp_table_observe(t, &o, 0, &ev), 1);
    assert_int_equal(arp_table_observe(t, &o, UINT64_MAX, &ev), 0);
    assert_stats(t, 2, 1, 0, 0, 0);
    arp_table_destroy(t);
}

static void time_going_backwards_is_no_time(void **state)
{
    struct arp_table *t = mk(8, 10);
    struct arp_obs o = obs4(5, 0x55);
    struct sh_event ev;

    (void)state;
    assert_int_equal(arp_table_observe(t, &o, 1000000, &ev), 1);
    assert_int_equal(arp_table_observe(t, &o, 0, &ev), 0);
    assert_int_equal(arp_table_observe(t, &o, 999999, &ev), 0);
    assert_int_equal(arp_table_observe(t, &o, 1000010, &ev), 1);
    arp_table_destroy(t);
}

static void capacity_full_evicts_the_least_recently_observed(void **state)
{
    struct arp_table *t = mk(3, 0);
    struct arp_obs a = obs4(1, 1), b = obs4(2, 2), c = obs4(3, 3),
                   d = obs4(4, 4);
    struct sh_event ev;

    (void)state;
    assert_int_equal(arp_table_observe(t, &a, 1, &ev), 1);
    assert_int_equal(arp_table_observe(t, &b, 2, &ev), 1);
    assert_int_equal(arp_table_observe(t, &c, 3, &ev), 1);
    assert_int_equal(arp_table_observe(t, &a, 4, &ev), 0);  /* a is fresh */
    assert_int_equal(arp_table_observe(t, &d, 5, &ev), 1);  /* evicts b */
    assert_stats(t, 5, 4, 0, 0, 1);
    assert_int_equal(arp_table_count(t), 3);
    assert_int_equal(arp_table_observe(t, &a, 6, &ev), 0);
    assert_int_equal(arp_table_observe(t, &c, 7, &ev), 0);
    assert_int_equal(arp_table_observe(t, &d, 8, &ev), 0);
    assert_int_equal(arp_table_observe(t, &b, 9, &ev), 1);  /* new again, */
    assert_int_equal(ev.u.arp.changed, 0);                  /* evicts a   */
    assert_stats(t, 9, 5, 0, 0, 2);
    assert_int_equal(arp_table_observe(t, &a, 10, &ev), 1);
    assert_stats(t, 10, 6, 0, 0, 3);
    assert_int_equal(arp_table_check(t), 0);
    arp_table_destroy(t);
}

static void capacity_one_holds_the_last_binding(void **state)
{
    struct arp_table *t = mk(1, 0);
    struct arp_obs a = obs4(1, 1), b = obs4(2, 2), a2 = obs4(1, 9);
    struct sh_event ev;

    (void)state;
    assert_int_equal(arp_table_observe(t, &a, 1, &ev), 1);
    assert_int_equal(arp_table_observe(t, &a, 2, &ev), 0);
    assert_int_equal(arp_table_observe(t, &a2, 3, &ev), 1);
    assert_int_equal(ev.u.arp.changed, 1);
    assert_int_equal(arp_table_observe(t, &b, 4, &ev), 1);
    assert_int_equal(arp_table_observe(t, &a, 5, &ev), 1);  /* forgotten */
    assert_int_equal(ev.u.arp.changed, 0);
    assert_int_equal(arp_table_observe(t, &a, 6, &ev), 0);
    assert_int_equal(arp_table_count(t), 1);
    assert_stats(t, 6, 3, 1, 0, 2);
    assert_int_equal(arp_table_check(t), 0);
    arp_table_destroy(t);
}

static void create_rejects_capacity_zero_and_too_large(void **state)
{
    char err[128];

    (void)state;
    err[0] = '\0';
    assert_null(arp_table_create(0, 0, err, sizeof(err)));
    assert_true(strlen(err) > 0);
    err[0] = '\0';
    assert_null(arp_table_create((size_t)ARP_TABLE_MAX_CAPACITY + 1, 0, err,
                                 sizeof(err)));
    assert_true(strlen(err) > 0);
    assert_null(arp_table_create(0, 0, NULL, 0));
    assert_int_equal(arp_table_check(NULL), -1);
    arp_table_destroy(NULL);
    assert_int_equal(arp_table_count(NULL), 0);
    assert_int_equal(arp_table_observe(NULL, NULL, 0, NULL), 0);
}

static void same_ip_on_two_vlans_is_two_bindings(void **state)
{
    struct arp_table *t = mk(8, 0);
    struct arp_obs a = obs4(1, 1), b = obs4(1, 2);
    struct sh_event ev;

    (void)state;
    a.vlan = 10;
    b.vlan = 20;
    assert_int_equal(arp_table_observe(t, &a, 1, &ev), 1);
    assert_int_equal(arp_table_observe(t, &b, 2, &ev), 1);
    assert_int_equal(ev.u.arp.changed, 0);
    assert_int_equal(arp_table_observe(t, &a, 3, &ev), 0);
    assert_int_equal(arp_table_observe(t, &b, 4, &ev), 0);
    assert_stats(t, 4, 2, 0, 0, 0);
    arp_table_destroy(t);
}

static void ipv4_key_ignores_bytes_past_the_fourth(void **state)
{
    struct arp_table *t = mk(8, 0);
    struct arp_obs a = obs4(1, 1), b = obs4(1, 1);
    struct sh_event ev;
    uint8_t want[16] = {10, 0, 0, 1};

    (void)state;
    memset(b.ip.a + 4, 0xee, 12);
    assert_int_equal(arp_table_observe(t, &b, 1, &ev), 1);
    assert_memory_equal(ev.u.arp.ip.a, want, 16);
    assert_int_equal(arp_table_observe(t, &a, 2, &ev), 0);
    arp_table_destroy(t);
}

static void ipv4_and_ipv6_with_same_bytes_are_distinct(void **state)
{
    struct arp_table *t = mk(8, 0);
    struct arp_obs a = obs4(1, 1), b = obs4(1, 1);
    struct sh_event ev;

    (void)state;
    b.ip.family = 6;
    b.ndp = 1;
    b.op = 136;
    assert_int_equal(arp_table_observe(t, &a, 1, &ev), 1);
    assert_int_equal(arp_table_observe(t, &b, 2, &ev), 1);
    assert_int_equal(ev.u.arp.ndp, 1);
    assert_int_equal(ev.u.arp.op, 136);
    assert_int_equal(ev.u.arp.ip.family, 6);
    assert_stats(t, 2, 2, 0, 0, 0);
    arp_table_destroy(t);
}

static void observation_without_family_is_counted_and_ignored(void **state)
{
    struct arp_table *t = mk(8, 0);
    struct arp_obs o = obs4(1, 1);
    struct sh_event ev;

    (void)state;
    o.ip.family = 0;
    assert_int_equal(arp_table_observe(t, &o, 1, &ev), 0);
    o.ip.family = 5;
    assert_int_equal(arp_table_observe(t, &o, 1, &ev), 0);
    assert_stats(t, 2, 0, 0, 0, 0);
    assert_int_equal(arp_table_count(t), 0);
    arp_table_destroy(t);
}

/* A naive reference: an array kept in recency order (index 0 = most
 * recent), linear search.  The table must emit exactly what it emits. */
struct ref_ent { uint32_t key; uint8_t mac; uint64_t last; };

static uint32_t xs32(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

static void table_matches_a_reference_model_over_random_traffic(void **state)
{
    enum { CAP = 16, KEYS = 40, OPS = 200000 };
    const uint64_t refresh = 50;
    struct ref_ent ref[CAP];
    size_t nref = 0;
    struct arp_table *t = mk(CAP, refresh);
    struct sh_event ev;
    uint32_t seed = 12345;
    uint64_t now = 0, added = 0, changed = 0, refreshed = 0, evicted = 0;

    (void)state;
    for (int i = 0; i < OPS; i++) {
        uint32_t r = xs32(&seed);
        uint32_t key = r % KEYS;
        uint8_t mac = (uint8_t)((r >> 8) % 3);      /* frequent changes */
        struct arp_obs o;
        int want = 0, want_changed = 0;
        uint8_t old = 0;
        size_t j;

        now += (r >> 16) % 4;
        memset(&o, 0, sizeof(o));
        o.ip.family = (key & 1) ? 6 : 4;
        o.ip.a[0] = 10;
        o.ip.a[3] = (uint8_t)key;
        o.vlan = (uint16_t)(key % 3);
        o.mac[0] = 2;
        o.mac[5] = mac;

        for (j = 0; j < nref; j++)
            if (ref[j].key == key)
                break;
        if (j < nref) {
            struct ref_ent e = ref[j];
            memmove(ref + 1, ref, j * sizeof(ref[0]));
            if (e.mac != mac) {
                want = 1; want_changed = 1; old = e.mac;
                e.mac = mac; e.last = now; changed++;
            } else if (now >= e.last && now - e.last >= refresh) {
                want = 1; e.last = now; refreshed++;
            }
            ref[0] = e;
        } else {
            if (nref == CAP) {
                nref--;
                evicted++;
            }
            memmove(ref + 1, ref, nref * sizeof(ref[0]));
            ref[0].key = key; ref[0].mac = mac; ref[0].last = now;
            nref++;
            want = 1;
            added++;
        }
        int got = arp_table_observe(t, &o, now, &ev);
        assert_int_equal(got, want);
        if (i % 97 == 0)
            assert_int_equal(arp_table_check(t), 0);
        if (got) {
            assert_int_equal(ev.u.arp.changed, want_changed);
            assert_int_equal(ev.u.arp.mac[5], mac);
            assert_int_equal(ev.u.arp.old_mac[5], old);
            assert_int_equal(ev.u.arp.ip.a[3], key);
            assert_int_equal(ev.ts_us, now);
        }
    }
    assert_stats(t, OPS, added, changed, refreshed, evicted);
    assert_int_equal(arp_table_count(t), CAP);
    assert_true(evicted > 1000 && changed > 1000 && refreshed > 100);
    arp_table_destroy(t);
}

static void large_table_keeps_every_binding_until_full(void **state)
{
    enum { CAP = 5000 };
    struct arp_table *t = mk(CAP, 0);
    struct sh_event ev;
    struct arp_obs o;

    (void)state;
    memset(&o, 0, sizeof(o));
    o.ip.family = 6;
    o.mac[0] = 2;
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t i = 0; i < CAP; i++) {
            o.ip.a[14] = (uint8_t)(i >> 8);
            o.ip.a[15] = (uint8_t)i;
            assert_int_equal(arp_table_observe(t, &o, i, &ev), pass == 0);
        }
    }
    assert_stats(t, 2 * CAP, CAP, 0, 0, 0);
    assert_int_equal(arp_table_check(t), 0);
    arp_table_destroy(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(real_request_binds_the_sender),
        cmocka_unit_test(real_reply_binds_the_sender_not_the_target),
        cmocka_unit_test(real_reply_with_ethernet_padding_is_accepted),
        cmocka_unit_test(real_gratuitous_announcement_binds_the_sender),
        cmocka_unit_test(gratuitous_reply_binds_the_sender),
        cmocka_unit_test(real_probe_from_zero_gives_no_binding),
        cmocka_unit_test(arp_truncated_at_every_length),
        cmocka_unit_test(ethernet_arp_with_hlen_other_than_6_is_malformed),
        cmocka_unit_test(ipv4_arp_with_plen_other_than_4_is_malformed),
        cmocka_unit_test(other_hardware_or_protocol_gives_no_binding),
        cmocka_unit_test(opcodes_other_than_request_and_reply_give_none),
        cmocka_unit_test(max_zero_writes_nothing_but_still_validates),
        cmocka_unit_test(group_or_zero_sender_mac_gives_none),
        cmocka_unit_test(non_host_sender_ip_gives_none),
        cmocka_unit_test(real_ns_binds_the_source_to_its_slla),
        cmocka_unit_test(real_na_binds_the_target_to_its_tlla),
        cmocka_unit_test(na_binds_the_target_even_from_another_source),
        cmocka_unit_test(real_dad_ns_from_unspecified_gives_none),
        cmocka_unit_test(ns_from_unspecified_with_slla_is_malformed),
        cmocka_unit_test(ns_and_na_without_options_give_none),
        cmocka_unit_test(option_of_length_zero_is_malformed),
        cmocka_unit_test(option_overrunning_the_message_is_malformed),
        cmocka_unit_test(option_of_maximum_length_exactly_fits),
        cmocka_unit_test(ns_truncated_at_every_length),
        cmocka_unit_test(na_truncated_at_every_length),
        cmocka_unit_test(nonzero_code_is_malformed),
        cmocka_unit_test(multicast_target_is_malformed),
        cmocka_unit_test(na_with_unspecified_target_gives_none),
        cmocka_unit_test(link_layer_option_of_other_length_is_not_a_mac),
        cmocka_unit_test(first_of_two_link_layer_options_is_used),
        cmocka_unit_test(wrong_link_layer_option_type_gives_none),
        cmocka_unit_test(multicast_source_or_group_mac_gives_none),
        cmocka_unit_test(src_missing_or_not_ipv6_is_an_error),
        cmocka_unit_test(other_icmpv6_types_give_none),
        cmocka_unit_test(router_solicitation_binds_its_source),
        cmocka_unit_test(router_advertisement_binds_its_link_local_source),
        cmocka_unit_test(ndp_max_zero_writes_nothing),
        cmocka_unit_test(new_binding_gives_an_event_and_same_again_none),
        cmocka_unit_test(changed_mac_gives_an_event_with_the_old_mac),
        cmocka_unit_test(refresh_after_refresh_us_gives_one_event),
        cmocka_unit_test(refresh_zero_never_re_announces),
        cmocka_unit_test(time_going_backwards_is_no_time),
        cmocka_unit_test(capacity_full_evicts_the_least_recently_observed),
        cmocka_unit_test(capacity_one_holds_the_last_binding),
        cmocka_unit_test(create_rejects_capacity_zero_and_too_large),
        cmocka_unit_test(same_ip_on_two_vlans_is_two_bindings),
        cmocka_unit_test(ipv4_key_ignores_bytes_past_the_fourth),
        cmocka_unit_test(ipv4_and_ipv6_with_same_bytes_are_distinct),
        cmocka_unit_test(observation_without_family_is_counted_and_ignored),
        cmocka_unit_test(table_matches_a_reference_model_over_random_traffic),
        cmocka_unit_test(large_table_keeps_every_binding_until_full),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
