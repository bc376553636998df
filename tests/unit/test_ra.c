/*
 * test_ra.c -- unit tests for capture/ra.c (ra_parse).
 *
 * Every message is written out byte by byte from the layouts of RFC 4861
 * 4.2 (fixed part), 4.6.1 (link-layer address), 4.6.2 (Prefix
 * Information), 4.6.4 (MTU) and RFC 8106 5.1 (RDNSS); expected values are
 * read off those layouts by hand, never produced by the parser.  Addresses
 * are documentation ones (RFC 3849, RFC 7042 00:00:5e:00:53:xx).  Every
 * parse runs on an exact-size heap copy so that ASan reports any read
 * past len.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "capture/ra.h"

/* ---- messages ------------------------------------------------------- */

#define FIXED_RA                                                          \
    0x86, 0x00, 0x12, 0x34,   /* type 134, code 0, checksum (unchecked) */\
    0x40, 0xc0, 0x07, 0x08,   /* cur hop limit 64, M|O, lifetime 1800   */\
    0x00, 0x00, 0x75, 0x30,   /* reachable time 30000 ms (not kept)     */\
    0x00, 0x00, 0x03, 0xe8    /* retrans timer 1000 ms (not kept)       */

#define ADDR_DB8(x, y) 0x20, 0x01, 0x0d, 0xb8, 0x00, x, 0x00, 0x00,      \
                       0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, y

/* 136 octets: SLLA, MTU, two prefixes, RDNSS with two servers */
static const uint8_t ra_full[] = {
    FIXED_RA,
    /* 4.6.1 Source Link-Layer Address: type 1, length 1 */
    0x01, 0x01, 0x00, 0x00, 0x5e, 0x00, 0x53, 0x01,
    /* 4.6.4 MTU: type 5, length 1, reserved, 1500 */
    0x05, 0x01, 0x00, 0x00, 0x00, 0x00, 0x05, 0xdc,
    /* 4.6.2 Prefix Information: type 3, length 4, /64, L|A,
     * valid 86400, preferred 14400, reserved2, 2001:db8:1:: */
    0x03, 0x04, 0x40, 0xc0, 0x00, 0x01, 0x51, 0x80,
    0x00, 0x00, 0x38, 0x40, 0x00, 0x00, 0x00, 0x00,
    ADDR_DB8(0x01, 0x00),
    /* /48, L only, valid and preferred infinite, 2001:db8:2:: */
    0x03, 0x04, 0x30, 0x80, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
    ADDR_DB8(0x02, 0x00),
    /* RFC 8106 5.1 RDNSS: type 25, length 5, reserved, lifetime 600,
     * 2001:db8::53, 2001:db8::54 */
    0x19, 0x05, 0x00, 0x00, 0x00, 0x00, 0x02, 0x58,
    ADDR_DB8(0x00, 0x53),
    ADDR_DB8(0x00, 0x54),
};

/* option offsets in ra_full */
#define OFF_SLLA   16
#define OFF_MTU    24
#define OFF_PIO1   32
#define OFF_PIO2   64
#define OFF_RDNSS  96

static const uint8_t ra_fixed_only[16] = { FIXED_RA };

/* A Prefix Information option template: /64, L|A, valid 7200,
 * preferred 3600, 2001:db8:9:: */
static const uint8_t pio_tmpl[32] = {
    0x03, 0x04, 0x40, 0xc0, 0x00, 0x00, 0x1c, 0x20,
    0x00, 0x00, 0x0e, 0x10, 0x00, 0x00, 0x00, 0x00,
    ADDR_DB8(0x09, 0x00),
};

static const uint8_t ll_router[16] = {
    0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x00, 0x5e, 0xff, 0xfe, 0x00, 0x53, 0x01,
};

/* ---- helpers -------------------------------------------------------- */

static struct sh_addr v6(const uint8_t *a)
{
    struct sh_addr s;

    memset(&s, 0, sizeof(s));
    s.family = 6;
    memcpy(s.a, a, 16);
    return s;
}

static int ra_exact(const uint8_t *p, size_t len, const struct sh_addr *src,
                    struct sh_event *ev)
{
    uint8_t *copy = malloc(len ? len : 1);
    int rc;

    assert_non_null(copy);
    if (len)
        memcpy(copy, p, len);
    rc = ra_parse(len ? copy : NULL, len, src, ev);
    free(copy);
    return rc;
}

static int parse_from_router(const uint8_t *p, size_t len, struct sh_event *ev)
{
    struct sh_addr src = v6(ll_router);

    ev_reset(ev, EV_NONE);
    return ra_exact(p, len, &src, ev);
}

/* msg = ra_fixed_only + the given options */
static size_t with_options(uint8_t *msg, const uint8_t *opts, size_t n)
{
    memcpy(msg, ra_fixed_only, 16);
    memcpy(msg + 16, opts, n);
    return 16 + n;
}

static void assert_prefix(const struct ev_prefix *pf, const uint8_t *a,
                          int len, int flags, uint32_t valid, uint32_t pref)
{
    assert_int_equal(pf->prefix.family, 6);
    assert_memory_equal(pf->prefix.a, a, 16);
    assert_int_equal(pf->len, len);
    assert_int_equal(pf->flags, flags);
    assert_int_equal(pf->valid_s, valid);
    assert_int_equal(pf->preferred_s, pref);
}

static struct sh_event ev;   /* large: not on the stack */
static struct sh_event before;

/* ---- well-formed messages ------------------------------------------- */

static void full_ra_fills_every_field(void **state)
{
    static const uint8_t p1[16] = { ADDR_DB8(0x01, 0x00) };
    static const uint8_t p2[16] = { ADDR_DB8(0x02, 0x00) };
    static const uint8_t d1[16] = { ADDR_DB8(0x00, 0x53) };
    static const uint8_t d2[16] = { ADDR_DB8(0x00, 0x54) };
    static const uint8_t mac[6] = { 0x00, 0x00, 0x5e, 0x00, 0x53, 0x01 };
    const struct ev_ra *ra = &ev.u.ra;

    (void)state;
    assert_int_equal(sizeof(ra_full), 136);
    assert_int_equal(parse_from_router(ra_full, sizeof(ra_full), &ev), 2);
    assert_int_equal(ev.type, EV_RA);
    assert_int_equal(ev.flags, 0);
    assert_int_equal(ra->cur_hop_limit, 64);
    assert_int_equal(ra->flags, RA_FLAG_MANAGED | RA_FLAG_OTHER);
    assert_int_equal(ra->router_lifetime_s, 1800);
    assert_int_equal(ra->has_router_mac, 1);
    assert_memory_equal(ra->router_mac, mac, 6);
    assert_int_equal(ra->mtu, 1500);
    assert_int_equal(ra->nprefix, 2);
    assert_prefix(&ra->prefix[0], p1, 64, EVP_ONLINK | EVP_AUTONOMOUS,
                  86400, 14400);
    assert_prefix(&ra->prefix[1], p2, 48, EVP_ONLINK, 0xffffffffu,
                  0xffffffffu);
    assert_int_equal(ra->nrdnss, 2);
    assert_int_equal(ra->rdnss[0].family, 6);
    assert_memory_equal(ra->rdnss[0].a, d1, 16);
    assert_memory_equal(ra->rdnss[1].a, d2, 16);
    assert_int_equal(ev.arena_len, 1);
}

static void fixed_part_alone_is_a_valid_ra(void **state)
{
    (void)state;
    assert_int_equal(parse_from_router(ra_fixed_only, 16, &ev), 0);
    assert_int_equal(ev.type, EV_RA);
    assert_int_equal(ev.u.ra.nprefix, 0);
    assert_int_equal(ev.u.ra.has_router_mac, 0);
    assert_int_equal(ev.u.ra.mtu, 0);
    assert_int_equal(ev.u.ra.router_lifetime_s, 1800);
    assert_int_equal(ev.flags, 0);
}

static void parse_leaves_the_header_untouched(void **state)
{
    struct sh_addr src = v6(ll_router);

    (void)state;
    ev_reset(&ev, EV_NONE);
    ev.ts_us = 1234567;
    ev.flow_id = 42;
    ev.vlan = 7;
    ev.proto = 58;
    ev.src = src;
    ev.has_mac = 1;
    ev.src_mac[0] = 0xaa;
    assert_int_equal(ra_exact(ra_full, sizeof(ra_full), &src, &ev), 2);
    assert_int_equal(ev.ts_us, 1234567);
    assert_int_equal(ev.flow_id, 42);
    assert_int_equal(ev.vlan, 7);
    assert_int_equal(ev.proto, 58);
    assert_int_equal(ev.has_mac, 1);
    assert_int_equal(ev.src_mac[0], 0xaa);
    assert_memory_equal(&ev.src, &src, sizeof(src));
}

static void reusing_an_event_leaves_no_stale_fields(void **state)
{
    (void)state;
    assert_int_equal(parse_from_router(ra_full, sizeof(ra_full), &ev), 2);
    ev.flags = EVF_TRUNCATED | EVF_MALFORMED;
    assert_int_equal(ra_exact(ra_fixed_only, 16, &(struct sh_addr){0}, &ev),
                     -1);
    {
        struct sh_addr src = v6(ll_router);
        assert_int_equal(ra_exact(ra_fixed_only, 16, &src, &ev), 0);
    }
    assert_int_equal(ev.flags, 0);
    assert_int_equal(ev.u.ra.nprefix, 0);
    assert_int_equal(ev.u.ra.nrdnss, 0);
    assert_int_equal(ev.u.ra.has_router_mac, 0);
    assert_int_equal(ev.u.ra.mtu, 0);
}

/* ---- RFC 4861 6.1.2: the whole message is discarded ------------------ */

static void truncated_fixed_header_is_rejected_at_every_length(void **state)
{
    (void)state;
    for (size_t n = 0; n < 16; n++) {
        memset(&before, 0x5a, sizeof(before));
        ev = before;
        assert_int_equal(ra_exact(ra_full, n, &(struct sh_addr){ .family = 6,
                         .a = { 0xfe, 0x80 } }, &ev), -1);
        assert_memory_equal(&ev, &before, sizeof(ev));   /* untouched */
    }
    assert_int_equal(parse_from_router(ra_full, 16, &ev), 0);
}

static void every_truncation_is_rejected_unless_on_an_option_boundary(void **state)
{
    (void)state;
    for (size_t n = 16; n <= sizeof(ra_full); n++) {
        int rc = parse_from_router(ra_full, n, &ev);

        switch (n) {
        case 16: case 24: case 32:
            assert_int_equal(rc, 0);
            break;
        case 64:
            assert_int_equal(rc, 1);
            break;
        case 96: case 136:
            assert_int_equal(rc, 2);
            break;
        default:
            assert_int_equal(rc, -1);
        }
    }
}

static void code_other_than_zero_is_rejected(void **state)
{
    uint8_t m[sizeof(ra_full)];

    (void)state;
    memcpy(m, ra_full, sizeof(m));
    m[1] = 1;
    assert_int_equal(parse_from_router(m, sizeof(m), &ev), -1);
    m[1] = 0xff;
    assert_int_equal(parse_from_router(m, sizeof(m), &ev), -1);
}

static void type_other_than_134_is_rejected(void **state)
{
    uint8_t m[sizeof(ra_full)];

    (void)state;
    memcpy(m, ra_full, sizeof(m));
    m[0] = 133;                       /* a Router Solicitation */
    assert_int_equal(parse_from_router(m, sizeof(m), &ev), -1);
    m[0] = 135;
    assert_int_equal(parse_from_router(m, sizeof(m), &ev), -1);
}

static void option_of_length_zero_rejects_the_message(void **state)
{
    uint8_t m[sizeof(ra_full)];

    (void)state;
    memcpy(m, ra_full, sizeof(m));
    m[OFF_RDNSS + 1] = 0;             /* the last option, after prefixes */
    memset(&before, 0x5a, sizeof(before));
    ev = before;
    {
        struct sh_addr src = v6(ll_router);
        assert_int_equal(ra_exact(m, sizeof(m), &src, &ev), -1);
    }
    assert_memory_equal(&ev, &before, sizeof(ev));
    memcpy(m, ra_full, sizeof(m));
    m[OFF_SLLA + 1] = 0;              /* the first option */
    assert_int_equal(parse_from_router(m, sizeof(m), &ev), -1);
}

static void option_running_past_the_end_by_one_unit_is_rejected(void **state)
{
    uint8_t m[sizeof(ra_full)];

    (void)state;
    memcpy(m, ra_full, sizeof(m));
    m[OFF_RDNSS + 1] = 6;             /* 48 octets, 40 remain */
    assert_int_equal(parse_from_router(m, sizeof(m), &ev), -1);
    m[OFF_RDNSS + 1] = 5;
    assert_int_equal(parse_from_router(m, sizeof(m), &ev), 2);
}

static void option_type_without_length_octet_is_rejected(void **state)
{
    uint8_t m[17];

    (void)state;
    memcpy(m, ra_fixed_only, 16);
    m[16] = 1;
    assert_int_equal(parse_from_router(m, 17, &ev), -1);
}

static void option_of_maximum_length_is_walked(void **state)
{
    static uint8_t m[16 + 255 * 8 + 32];

    (void)state;
    memset(m, 0, sizeof(m));
    memcpy(m, ra_fixed_only, 16);
    m[16] = 200;                      /* unassigned option type */
    m[17] = 255;                      /* 2040 octets */
    memcpy(m + 16 + 255 * 8, pio_tmpl, 32);
    assert_int_equal(parse_from_router(m, sizeof(m), &ev), 1);
    assert_int_equal(ev.u.ra.nprefix, 1);
    assert_int_equal(ev.flags, 0);
}

static void source_must_be_link_local(void **state)
{
    static const uint8_t global[16] = { ADDR_DB8(0x00, 0x01) };
    static const uint8_t fec0[16] = { 0xfe, 0xc0, 0, 0, 0, 0, 0, 0,
                                      0, 0, 0, 0, 0, 0, 0, 1 };
    static const uint8_t febf[16] = { 0xfe, 0xbf, 0, 0, 0, 0, 0, 0,
                                      0, 0, 0, 0, 0, 0, 0, 1 };
    static const uint8_t unspec[16] = {0};
    struct sh_addr s;

    (void)state;
    s = v6(global);
    assert_int_equal(ra_exact(ra_full, sizeof(ra_full), &s, &ev), -1);
    s = v6(fec0);                     /* site-local, just past fe80::/10 */
    assert_int_equal(ra_exact(ra_full, sizeof(ra_full), &s, &ev), -1);
    s = v6(unspec);
    assert_int_equal(ra_exact(ra_full, sizeof(ra_full), &s, &ev), -1);
    s = v6(febf);                     /* last /16 of fe80::/10 */
    assert_int_equal(ra_exact(ra_full, sizeof(ra_full), &s, &ev), 2);
    s = v6(ll_router);
    s.family = 4;
    assert_int_equal(ra_exact(ra_full, sizeof(ra_full), &s, &ev), -1);
    assert_int_equal(ra_exact(ra_full, sizeof(ra_full), NULL, &ev), -1);
}

/* ---- one option ignored: EVF_MALFORMED, the rest kept ----------------- */

static void prefix_length_129_is_skipped_and_flagged(void **state)
{
    uint8_t opts[64], m[80];
    size_t n;

    (void)state;
    memcpy(opts, pio_tmpl, 32);
    opts[2] = 129;
    memcpy(opts + 32, pio_tmpl, 32);
    n = with_options(m, opts, 64);
    assert_int_equal(parse_from_router(m, n, &ev), 1);
    assert_int_equal(ev.u.ra.nprefix, 1);
    assert_int_equal(ev.u.ra.prefix[0].len, 64);
    assert_int_equal(ev.flags, EVF_MALFORMED);
}

static void prefix_length_128_is_kept(void **state)
{
    static const uint8_t want[16] = {
        0x20, 0x01, 0x0d, 0xb8, 0, 0x09, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x77 };
    uint8_t opts[32], m[48];
    size_t n;

    (void)state;
    memcpy(opts, pio_tmpl, 32);
    opts[2] = 128;
    opts[31] = 0x77;
    n = with_options(m, opts, 32);
    assert_int_equal(parse_from_router(m, n, &ev), 1);
    assert_prefix(&ev.u.ra.prefix[0], want, 128, 0xc0, 7200, 3600);
    assert_int_equal(ev.flags, 0);
}

static void preferred_above_valid_is_skipped_and_flagged(void **state)
{
    uint8_t opts[32], m[48];
    size_t n;

    (void)state;
    memcpy(opts, pio_tmpl, 32);
    /* preferred 7201 > valid 7200 (RFC 4862 5.5.3 c) */
    opts[8] = 0x00; opts[9] = 0x00; opts[10] = 0x1c; opts[11] = 0x21;
    n = with_options(m, opts, 32);
    assert_int_equal(parse_from_router(m, n, &ev), 0);
    assert_int_equal(ev.u.ra.nprefix, 0);
    assert_int_equal(ev.flags, EVF_MALFORMED);
    /* preferred == valid is fine */
    opts[11] = 0x20;
    n = with_options(m, opts, 32);
    assert_int_equal(parse_from_router(m, n, &ev), 1);
    assert_int_equal(ev.u.ra.prefix[0].preferred_s, 7200);
    assert_int_equal(ev.flags, 0);
}

static void link_local_prefix_is_skipped_silently(void **state)
{
    uint8_t opts[64], m[80];
    size_t n;

    (void)state;
    memcpy(opts, pio_tmpl, 32);
    opts[16] = 0xfe; opts[17] = 0x80; opts[18] = 0; opts[19] = 0;
    opts[20] = 0; opts[21] = 0;       /* fe80::/64 */
    memcpy(opts + 32, pio_tmpl, 32);
    opts[32 + 16] = 0xfe; opts[32 + 17] = 0xbf;   /* febf::/64, in /10 */
    opts[32 + 18] = 0; opts[32 + 19] = 0; opts[32 + 20] = 0;
    opts[32 + 21] = 0;
    n = with_options(m, opts, 64);
    assert_int_equal(parse_from_router(m, n, &ev), 0);
    assert_int_equal(ev.u.ra.nprefix, 0);
    assert_int_equal(ev.flags, 0);     /* "silently ignore" */
}

static void short_prefix_containing_link_local_is_kept_as_announced(void **state)
{
    static const uint8_t zero[16] = {0};
    uint8_t opts[32], m[48];
    size_t n;

    (void)state;
    memcpy(opts, pio_tmpl, 32);
    opts[2] = 0;                      /* ::/0 from 2001:db8:9:: */
    n = with_options(m, opts, 32);
    assert_int_equal(parse_from_router(m, n, &ev), 1);
    assert_prefix(&ev.u.ra.prefix[0], zero, 0, 0xc0, 7200, 3600);
    /* fe80::/9 is wider than fe80::/10: not "the link-local prefix" */
    opts[2] = 9;
    opts[16] = 0xfe; opts[17] = 0x80; opts[18] = 0; opts[19] = 0;
    opts[20] = 0; opts[21] = 0;
    n = with_options(m, opts, 32);
    assert_int_equal(parse_from_router(m, n, &ev), 1);
    assert_int_equal(ev.u.ra.prefix[0].len, 9);
    assert_int_equal(ev.u.ra.prefix[0].prefix.a[0], 0xfe);
    assert_int_equal(ev.u.ra.prefix[0].prefix.a[1], 0x80);
}

static void bits_beyond_the_prefix_length_are_zeroed(void **state)
{
    /* 2001:db8:ffff:ffff:ffff:ffff:ffff:ffff at several lengths */
    static const struct {
        uint8_t plen;
        uint8_t want[16];
    } cases[] = {
        { 48, { 0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff } },
        { 61, { 0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, 0xff, 0xf8 } },
        { 33, { 0x20, 0x01, 0x0d, 0xb8, 0x80 } },
        { 7,  { 0x20 } },             /* 0x20 & 0xfe */
        { 127, { 0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe } },
    };
    uint8_t opts[32], m[48];
    size_t n;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        memcpy(opts, pio_tmpl, 32);
        memset(opts + 20, 0xff, 12);
        opts[2] = cases[i].plen;
        n = with_options(m, opts, 32);
        assert_int_equal(parse_from_router(m, n, &ev), 1);
        assert_prefix(&ev.u.ra.prefix[0], cases[i].want, cases[i].plen,
                      0xc0, 7200, 3600);
    }
}

static void more_prefixes_than_kept_are_counted_and_truncated(void **state)
{
    uint8_t opts[6 * 32], m[16 + 6 * 32];
    size_t n;

    (void)state;
    for (int i = 0; i < 6; i++) {
        memcpy(opts + 32 * i, pio_tmpl, 32);
        opts[32 * i + 21] = (uint8_t)(0x10 + i);   /* 2001:db8:10+i:: */
    }
    n = with_options(m, opts, sizeof(opts));
    assert_int_equal(parse_from_router(m, n, &ev), 6);
    assert_int_equal(ev.u.ra.nprefix, EV_PREFIX_MAX);
    assert_int_equal(ev.u.ra.prefix[0].prefix.a[5], 0x10);
    assert_int_equal(ev.u.ra.prefix[3].prefix.a[5], 0x13);
    assert_int_equal(ev.flags, EVF_TRUNCATED);
    /* exactly EV_PREFIX_MAX: no truncation */
    n = with_options(m, opts, 32 * EV_PREFIX_MAX);
    assert_int_equal(parse_from_router(m, n, &ev), EV_PREFIX_MAX);
    assert_int_equal(ev.flags, 0);
}

static void prefix_option_of_wrong_length_is_skipped_and_flagged(void **state)
{
    uint8_t opts[40 + 32], m[16 + 40 + 32];
    size_t n;

    (void)state;
    /* length 5 (40 octets): framing fine, content not a PIO */
    memset(opts, 0, 40);
    memcpy(opts, pio_tmpl, 32);
    opts[1] = 5;
    memcpy(opts + 40, pio_tmpl, 32);
    n = with_options(m, opts, sizeof(opts));
    assert_int_equal(parse_from_router(m, n, &ev), 1);
    assert_int_equal(ev.u.ra.nprefix, 1);
    assert_int_equal(ev.flags, EVF_MALFORMED);
    /* length 3 (24 octets) */
    opts[1] = 3;
    n = with_options(m, opts, 24);
    assert_int_equal(parse_from_router(m, n, &ev), 0);
    assert_int_equal(ev.flags, EVF_MALFORMED);
}

static void mtu_option_of_wrong_length_is_flagged_and_first_mtu_kept(void **state)
{
    static const uint8_t opts[] = {
        0x05, 0x02, 0, 0, 0, 0, 0x23, 0x28, 0, 0, 0, 0, 0, 0, 0, 0, /* len 2 */
        0x05, 0x01, 0, 0, 0, 0, 0x05, 0x00,                         /* 1280 */
        0x05, 0x01, 0, 0, 0, 0, 0x05, 0xdc,                         /* 1500 */
    };
    uint8_t m[16 + sizeof(opts)];
    size_t n;

    (void)state;
    n = with_options(m, opts, sizeof(opts));
    assert_int_equal(parse_from_router(m, n, &ev), 0);
    assert_int_equal(ev.u.ra.mtu, 1280);
    assert_int_equal(ev.flags, EVF_MALFORMED);
}

static void non_ethernet_link_layer_option_gives_no_mac(void **state)
{
    static const uint8_t opts[] = {
        /* length 2: 14 octets of address, another link type */
        0x01, 0x02, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
        /* then an Ethernet one, then a second Ethernet one (ignored) */
        0x01, 0x01, 0x00, 0x00, 0x5e, 0x00, 0x53, 0x02,
        0x01, 0x01, 0x00, 0x00, 0x5e, 0x00, 0x53, 0x03,
    };
    static const uint8_t mac[6] = { 0x00, 0x00, 0x5e, 0x00, 0x53, 0x02 };
    uint8_t m[16 + sizeof(opts)];
    size_t n;

    (void)state;
    n = with_options(m, opts, 16);
    assert_int_equal(parse_from_router(m, n, &ev), 0);
    assert_int_equal(ev.u.ra.has_router_mac, 0);
    assert_int_equal(ev.flags, 0);
    n = with_options(m, opts, sizeof(opts));
    assert_int_equal(parse_from_router(m, n, &ev), 0);
    assert_int_equal(ev.u.ra.has_router_mac, 1);
    assert_memory_equal(ev.u.ra.router_mac, mac, 6);
}

static void rdnss_of_even_or_short_length_is_flagged(void **state)
{
    uint8_t opts[40], m[56];
    size_t n;

    (void)state;
    memcpy(opts, ra_full + OFF_RDNSS, 40);
    opts[1] = 4;                      /* even: 1 + 2n cannot be 4 */
    n = with_options(m, opts, 32);
    assert_int_equal(parse_from_router(m, n, &ev), 0);
    assert_int_equal(ev.u.ra.nrdnss, 0);
    assert_int_equal(ev.flags, EVF_MALFORMED);
    opts[1] = 1;                      /* no address at all */
    n = with_options(m, opts, 8);
    assert_int_equal(parse_from_router(m, n, &ev), 0);
    assert_int_equal(ev.u.ra.nrdnss, 0);
    assert_int_equal(ev.flags, EVF_MALFORMED);
    opts[1] = 3;                      /* one address: the minimum */
    n = with_options(m, opts, 24);
    assert_int_equal(parse_from_router(m, n, &ev), 0);
    assert_int_equal(ev.u.ra.nrdnss, 1);
    assert_int_equal(ev.u.ra.rdnss[0].a[15], 0x53);
    assert_int_equal(ev.flags, 0);
}

static void rdnss_with_zero_lifetime_is_withdrawn_not_kept(void **state)
{
    uint8_t opts[40], m[56];
    size_t n;

    (void)state;
    memcpy(opts, ra_full + OFF_RDNSS, 40);
    opts[4] = opts[5] = opts[6] = opts[7] = 0;
    n = with_options(m, opts, 40);
    assert_int_equal(parse_from_router(m, n, &ev), 0);
    assert_int_equal(ev.u.ra.nrdnss, 0);
    assert_int_equal(ev.flags, 0);
}

static void rdnss_beyond_two_addresses_is_truncated(void **state)
{
    uint8_t opts[56 + 24], m[16 + 56 + 24];
    size_t n;

    (void)state;
    /* three addresses in one option (length 7), then one more option */
    memcpy(opts, ra_full + OFF_RDNSS, 40);
    opts[1] = 7;
    memcpy(opts + 40, ra_full + OFF_RDNSS + 8, 16);
    opts[40 + 15] = 0x55;
    memcpy(opts + 56, ra_full + OFF_RDNSS, 24);
    opts[57] = 3;
    n = with_options(m, opts, 56);
    assert_int_equal(parse_from_router(m, n, &ev), 0);
    assert_int_equal(ev.u.ra.nrdnss, 2);
    assert_int_equal(ev.u.ra.rdnss[1].a[15], 0x54);
    assert_int_equal(ev.flags, EVF_TRUNCATED);
    /* two options of one address each: both kept */
    memcpy(opts, ra_full + OFF_RDNSS, 24);
    opts[1] = 3;
    memcpy(opts + 24, ra_full + OFF_RDNSS, 24);
    opts[25] = 3;
    opts[24 + 8 + 15] = 0x99;
    n = with_options(m, opts, 48);
    assert_int_equal(parse_from_router(m, n, &ev), 0);
    assert_int_equal(ev.u.ra.nrdnss, 2);
    assert_int_equal(ev.u.ra.rdnss[0].a[15], 0x53);
    assert_int_equal(ev.u.ra.rdnss[1].a[15], 0x99);
    assert_int_equal(ev.flags, 0);
}

static void unknown_options_are_skipped(void **state)
{
    static const uint8_t opts[] = {
        0x1f, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* DNSSL */
        0x18, 0x01, 0x30, 0x08, 0, 0, 0, 0,                     /* RIO */
    };
    uint8_t m[16 + sizeof(opts) + 32];
    size_t n;

    (void)state;
    memcpy(m + 16 + sizeof(opts), pio_tmpl, 32);
    memcpy(m, ra_fixed_only, 16);
    memcpy(m + 16, opts, sizeof(opts));
    n = sizeof(m);
    assert_int_equal(parse_from_router(m, n, &ev), 1);
    assert_int_equal(ev.flags, 0);
}

static void zero_lifetimes_and_other_flags_are_kept_as_sent(void **state)
{
    uint8_t opts[32], m[48];
    size_t n;

    (void)state;
    memcpy(opts, pio_tmpl, 32);
    opts[3] = 0x20;                   /* R (RFC 6275), neither L nor A */
    memset(opts + 4, 0, 8);           /* valid 0, preferred 0: withdrawn */
    n = with_options(m, opts, 32);
    m[5] = 0x18;                      /* Prf reserved (RFC 4191 2.2) */
    m[6] = m[7] = 0;                  /* router lifetime 0 */
    assert_int_equal(parse_from_router(m, n, &ev), 1);
    assert_int_equal(ev.u.ra.flags, 0x18);
    assert_int_equal(ev.u.ra.router_lifetime_s, 0);
    assert_int_equal(ev.u.ra.prefix[0].flags, 0x20);
    assert_int_equal(ev.u.ra.prefix[0].valid_s, 0);
    assert_int_equal(ev.u.ra.prefix[0].preferred_s, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(full_ra_fills_every_field),
        cmocka_unit_test(fixed_part_alone_is_a_valid_ra),
        cmocka_unit_test(parse_leaves_the_header_untouched),
        cmocka_unit_test(reusing_an_event_leaves_no_stale_fields),
        cmocka_unit_test(truncated_fixed_header_is_rejected_at_every_length),
        cmocka_unit_test(every_truncation_is_rejected_unless_on_an_option_boundary),
        cmocka_unit_test(code_other_than_zero_is_rejected),
        cmocka_unit_test(type_other_than_134_is_rejected),
        cmocka_unit_test(option_of_length_zero_rejects_the_message),
        cmocka_unit_test(option_running_past_the_end_by_one_unit_is_rejected),
        cmocka_unit_test(option_type_without_length_octet_is_rejected),
        cmocka_unit_test(option_of_maximum_length_is_walked),
        cmocka_unit_test(source_must_be_link_local),
        cmocka_unit_test(prefix_length_129_is_skipped_and_flagged),
        cmocka_unit_test(prefix_length_128_is_kept),
        cmocka_unit_test(preferred_above_valid_is_skipped_and_flagged),
        cmocka_unit_test(link_local_prefix_is_skipped_silently),
        cmocka_unit_test(short_prefix_containing_link_local_is_kept_as_announced),
        cmocka_unit_test(bits_beyond_the_prefix_length_are_zeroed),
        cmocka_unit_test(more_prefixes_than_kept_are_counted_and_truncated),
        cmocka_unit_test(prefix_option_of_wrong_length_is_skipped_and_flagged),
        cmocka_unit_test(mtu_option_of_wrong_length_is_flagged_and_first_mtu_kept),
        cmocka_unit_test(non_ethernet_link_layer_option_gives_no_mac),
        cmocka_unit_test(rdnss_of_even_or_short_length_is_flagged),
        cmocka_unit_test(rdnss_with_zero_lifetime_is_withdrawn_not_kept),
        cmocka_unit_test(rdnss_beyond_two_addresses_is_truncated),
        cmocka_unit_test(unknown_options_are_skipped),
        cmocka_unit_test(zero_lifetimes_and_other_flags_are_kept_as_sent),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
