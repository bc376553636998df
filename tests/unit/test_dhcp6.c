/*
 * test_dhcp6.c -- unit tests for capture/dhcp6.c (dhcp6_parse,
 * dhcp6_type_name).
 *
 * Real message: the UDP payload of frame 161 of
 * /work/shared/data/dev/pcaps/malicious/anyrun-sxn-asyncrat-9596cf60.pcap
 * (a Windows SOLICIT; expected values from tshark 4.0 -T fields -e
 * dhcpv6.msgtype -e dhcpv6.xid -e dhcpv6.duid.bytes
 * -e dhcpv6.duidllt.link_layer_addr -e dhcpv6.client_domain).
 * Synthetic messages are written byte by byte from the layouts of RFC 8415
 * 8, 9, 11 and 21, RFC 3646 3, RFC 4704 4 and RFC 6939 4; their expected
 * values are read off those layouts by hand.  Addresses are documentation
 * ones (RFC 3849, RFC 7042).  Every parse runs on an exact-size heap copy
 * so that ASan reports any read past len.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "capture/dhcp6.h"

/* ---- messages ------------------------------------------------------- */

/* anyrun-sxn-asyncrat-9596cf60.pcap frame 161: SOLICIT, 87 octets */
static const uint8_t win_solicit[87] = {
    0x01, 0xe0, 0x92, 0x3c, 0x00, 0x08, 0x00, 0x02, 0x18, 0x9c, 0x00, 0x01,
    0x00, 0x0e, 0x00, 0x01, 0x00, 0x01, 0x27, 0x31, 0x87, 0xe3, 0x12, 0xa9,
    0x86, 0x6c, 0x77, 0xde, 0x00, 0x03, 0x00, 0x0c, 0x0e, 0x52, 0x54, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x27, 0x00, 0x09,
    0x00, 0x07, 0x55, 0x73, 0x65, 0x72, 0x2d, 0x50, 0x43, 0x00, 0x10, 0x00,
    0x0e, 0x00, 0x00, 0x01, 0x37, 0x00, 0x08, 0x4d, 0x53, 0x46, 0x54, 0x20,
    0x35, 0x2e, 0x30, 0x00, 0x06, 0x00, 0x08, 0x00, 0x18, 0x00, 0x17, 0x00,
    0x11, 0x00, 0x27,
};

#define DB8(x, y) 0x20, 0x01, 0x0d, 0xb8, 0x00, x, 0x00, 0x00,           \
                  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, y

/* A REPLY with every option the parser keeps, 200 octets */
static const uint8_t reply[] = {
    0x07, 0x12, 0x34, 0x56,             /* REPLY, xid 0x123456          */
    /* 21.2 CLIENTID, 10: DUID-LL (3), hw 1, 00:00:5e:00:53:10 */
    0x00, 0x01, 0x00, 0x0a, 0x00, 0x03, 0x00, 0x01,
    0x00, 0x00, 0x5e, 0x00, 0x53, 0x10,
    /* 21.3 SERVERID, 14: DUID-EN (2), enterprise 9, 8 octets of id */
    0x00, 0x02, 0x00, 0x0e, 0x00, 0x02, 0x00, 0x00, 0x00, 0x09,
    0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12,
    /* 21.4 IA_NA, 40: IAID 1, T1 1800, T2 2880 */
    0x00, 0x03, 0x00, 0x28, 0x00, 0x00, 0x00, 0x01,
    0x00, 0x00, 0x07, 0x08, 0x00, 0x00, 0x0b, 0x40,
    /*   21.6 IAADDR, 24: 2001:db8:1::100, preferred 3600, valid 7200 */
    0x00, 0x05, 0x00, 0x18, DB8(0x01, 0x00),
    0x00, 0x00, 0x0e, 0x10, 0x00, 0x00, 0x1c, 0x20,
    /* 21.21 IA_PD, 41: IAID 2, T1 900, T2 1440 */
    0x00, 0x19, 0x00, 0x29, 0x00, 0x00, 0x00, 0x02,
    0x00, 0x00, 0x03, 0x84, 0x00, 0x00, 0x05, 0xa0,
    /*   21.22 IAPREFIX, 25: preferred 1800, valid 3600, /56,
     *   2001:db8:100:: */
    0x00, 0x1a, 0x00, 0x19, 0x00, 0x00, 0x07, 0x08,
    0x00, 0x00, 0x0e, 0x10, 0x38,
    0x20, 0x01, 0x0d, 0xb8, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    /* RFC 3646 3 DNS servers, 48: 2001:db8::53, ::54, ::55 */
    0x00, 0x17, 0x00, 0x30, DB8(0x00, 0x53), DB8(0x00, 0x54),
    DB8(0x00, 0x55),
    /* RFC 4704 4 Client FQDN, 19: flags S, "host.example.com." */
    0x00, 0x27, 0x00, 0x13, 0x01,
    0x04, 'h', 'o', 's', 't', 0x07, 'e', 'x', 'a', 'm', 'p', 'l', 'e',
    0x03, 'c', 'o', 'm', 0x00,
};

#define REPLY_OFF_CLIENTID 4
#define REPLY_OFF_SERVERID 18
#define REPLY_OFF_IA_NA    36
#define REPLY_OFF_IA_PD    80
#define REPLY_OFF_DNS      125
#define REPLY_OFF_FQDN     177

/* ---- helpers -------------------------------------------------------- */

static struct sh_event ev, before;  /* large: not on the stack */
static uint8_t buf[8192];

static int d6_exact(const uint8_t *p, size_t len, struct sh_event *e)
{
    uint8_t *copy = malloc(len ? len : 1);
    int rc;

    assert_non_null(copy);
    if (len)
        memcpy(copy, p, len);
    rc = dhcp6_parse(len ? copy : NULL, len, e);
    free(copy);
    return rc;
}

static int parse(const uint8_t *p, size_t len)
{
    ev_reset(&ev, EV_NONE);
    return d6_exact(p, len, &ev);
}

/* Append option code/len/data (RFC 8415 21.1) at b[at]; returns the new
 * end. */
static size_t put_opt(uint8_t *b, size_t at, uint16_t code,
                      const void *data, size_t n)
{
    b[at] = (uint8_t)(code >> 8);
    b[at + 1] = (uint8_t)code;
    b[at + 2] = (uint8_t)(n >> 8);
    b[at + 3] = (uint8_t)n;
    if (n)
        memcpy(b + at + 4, data, n);
    return at + 4 + n;
}

/* A client/server message header (RFC 8415 8) at b[0]. */
static size_t put_hdr(uint8_t *b, uint8_t type, uint32_t xid)
{
    b[0] = type;
    b[1] = (uint8_t)(xid >> 16);
    b[2] = (uint8_t)(xid >> 8);
    b[3] = (uint8_t)xid;
    return 4;
}

/* Wrap msg[0..n) in a relay envelope (RFC 8415 9) of type `type`, with
 * an option 79 (RFC 6939) carrying mac first when mac != NULL.  Writes to
 * out (which may not overlap msg); returns the length. */
static size_t wrap(uint8_t *out, uint8_t type, const uint8_t *msg, size_t n,
                   const uint8_t *mac)
{
    static const uint8_t link[16] = { DB8(0x01, 0x01) };
    static const uint8_t peer[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0,
                                      0, 0, 0, 0, 0, 0, 0x01, 0x02 };
    size_t at = 34;

    out[0] = type;
    out[1] = 0;                        /* hop-count */
    memcpy(out + 2, link, 16);
    memcpy(out + 18, peer, 16);
    if (mac) {
        uint8_t lla[8] = { 0x00, 0x01 };  /* link-layer type 1 */
        memcpy(lla + 2, mac, 6);
        at = put_opt(out, at, 79, lla, 8);
    }
    return put_opt(out, at, 9, msg, n);
}

static const char *str(struct ev_str s)
{
    return ev_s(&ev, s);
}

/* ---- real message --------------------------------------------------- */

static void real_windows_solicit_matches_tshark(void **state)
{
    static const uint8_t mac[6] = { 0x12, 0xa9, 0x86, 0x6c, 0x77, 0xde };
    const struct ev_dhcp6 *d = &ev.u.dhcp6;

    (void)state;
    assert_int_equal(parse(win_solicit, sizeof(win_solicit)), 0);
    assert_int_equal(ev.type, EV_DHCP6);
    assert_int_equal(ev.flags, 0);
    assert_int_equal(d->msg_type, 1);                   /* dhcpv6.msgtype */
    assert_int_equal(d->xid, 0xe0923c);                 /* dhcpv6.xid */
    assert_string_equal(str(d->client_duid),            /* duid.bytes */
                        "00:01:00:01:27:31:87:e3:12:a9:86:6c:77:de");
    assert_int_equal(d->server_duid.len, 0);
    assert_int_equal(d->has_client_mac, 1);             /* duidllt.lla */
    assert_memory_equal(d->client_mac, mac, 6);
    assert_string_equal(str(d->fqdn), "User-PC");       /* client_domain */
    assert_int_equal(d->naddr, 0);                      /* IA_NA, no addr */
    assert_int_equal(d->nprefix, 0);
    assert_int_equal(d->ndns, 0);
}

static void real_solicit_truncated_at_every_length_is_safe(void **state)
{
    (void)state;
    for (size_t n = 0; n <= sizeof(win_solicit); n++) {
        int rc = parse(win_solicit, n);

        if (n < 4) {
            assert_int_equal(rc, -1);
            continue;
        }
        assert_int_equal(rc, 0);
        assert_int_equal(ev.u.dhcp6.xid, 0xe0923c);
        /* option boundaries: 4, 10, 28, 44, 57, 75, 87 */
        if (n == 4 || n == 10 || n == 28 || n == 44 || n == 57 ||
            n == 75 || n == 87)
            assert_int_equal(ev.flags & EVF_MALFORMED, 0);
        else
            assert_int_equal(ev.flags & EVF_MALFORMED, EVF_MALFORMED);
        /* the client id is kept once it is complete */
        assert_int_equal(ev.u.dhcp6.client_duid.len != 0, n >= 28);
    }
}

/* ---- well-formed synthetic messages --------------------------------- */

static void reply_fills_every_field(void **state)
{
    static const uint8_t mac[6] = { 0x00, 0x00, 0x5e, 0x00, 0x53, 0x10 };
    static const uint8_t a1[16] = { DB8(0x01, 0x00) };
    static const uint8_t pd[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x01, 0x00 };
    static const uint8_t d1[16] = { DB8(0x00, 0x53) };
    static const uint8_t d2[16] = { DB8(0x00, 0x54) };
    const struct ev_dhcp6 *d = &ev.u.dhcp6;

    (void)state;
    assert_int_equal(sizeof(reply), 200);
    assert_int_equal(parse(reply, sizeof(reply)), 0);
    assert_int_equal(ev.flags, 0);
    assert_int_equal(d->msg_type, DHCP6_REPLY);
    assert_int_equal(d->xid, 0x123456);
    assert_string_equal(str(d->client_duid), "00:03:00:01:00:00:5e:00:53:10");
    assert_string_equal(str(d->server_duid),
                        "00:02:00:00:00:09:0b:0c:0d:0e:0f:10:11:12");
    assert_int_equal(d->has_client_mac, 1);
    assert_memory_equal(d->client_mac, mac, 6);
    assert_int_equal(d->naddr, 1);
    assert_int_equal(d->addr[0].family, 6);
    assert_memory_equal(d->addr[0].a, a1, 16);
    assert_int_equal(d->addr_valid_s[0], 7200);
    assert_int_equal(d->nprefix, 1);
    assert_int_equal(d->prefix[0].prefix.family, 6);
    assert_memory_equal(d->prefix[0].prefix.a, pd, 16);
    assert_int_equal(d->prefix[0].len, 56);
    assert_int_equal(d->prefix[0].flags, 0);
    assert_int_equal(d->prefix[0].valid_s, 3600);
    assert_int_equal(d->prefix[0].preferred_s, 1800);
    assert_int_equal(d->ndns, 2);                /* first two of three */
    assert_memory_equal(d->dns[0].a, d1, 16);
    assert_memory_equal(d->dns[1].a, d2, 16);
    assert_string_equal(str(d->fqdn), "host.example.com");
}

static void parse_leaves_the_header_untouched(void **state)
{
    (void)state;
    ev_reset(&ev, EV_NONE);
    ev.ts_us = 99;
    ev.flow_id = 5;
    ev.sport = 546;
    ev.dport = 547;
    ev.proto = 17;
    ev.vlan = 12;
    ev.has_mac = 1;
    ev.dst_mac[5] = 0x33;
    assert_int_equal(d6_exact(reply, sizeof(reply), &ev), 0);
    assert_int_equal(ev.ts_us, 99);
    assert_int_equal(ev.flow_id, 5);
    assert_int_equal(ev.sport, 546);
    assert_int_equal(ev.dport, 547);
    assert_int_equal(ev.proto, 17);
    assert_int_equal(ev.vlan, 12);
    assert_int_equal(ev.has_mac, 1);
    assert_int_equal(ev.dst_mac[5], 0x33);
}

static void reusing_an_event_leaves_no_stale_fields(void **state)
{
    uint8_t m[4];

    (void)state;
    assert_int_equal(parse(reply, sizeof(reply)), 0);
    ev.flags = EVF_MALFORMED | EVF_TRUNCATED;
    put_hdr(m, DHCP6_INFORMATION_REQUEST, 7);
    assert_int_equal(d6_exact(m, 4, &ev), 0);
    assert_int_equal(ev.flags, 0);
    assert_int_equal(ev.arena_len, 1);
    assert_int_equal(ev.u.dhcp6.msg_type, DHCP6_INFORMATION_REQUEST);
    assert_int_equal(ev.u.dhcp6.xid, 7);
    assert_int_equal(ev.u.dhcp6.client_duid.len, 0);
    assert_int_equal(ev.u.dhcp6.naddr, 0);
    assert_int_equal(ev.u.dhcp6.nprefix, 0);
    assert_int_equal(ev.u.dhcp6.ndns, 0);
    assert_int_equal(ev.u.dhcp6.has_client_mac, 0);
    assert_int_equal(ev.u.dhcp6.fqdn.len, 0);
}

static void unknown_message_type_is_read_as_client_server_format(void **state)
{
    size_t n;

    (void)state;
    n = put_hdr(buf, 200, 0xabcdef);
    n = put_opt(buf, n, 2, reply + REPLY_OFF_SERVERID + 4, 14);
    assert_int_equal(parse(buf, n), 0);
    assert_int_equal(ev.u.dhcp6.msg_type, 200);
    assert_int_equal(ev.u.dhcp6.xid, 0xabcdef);
    assert_int_equal(ev.u.dhcp6.server_duid.len, 41);
    assert_null(dhcp6_type_name(200));
}

/* ---- not DHCPv6: -1, event untouched -------------------------------- */

static void short_or_type_zero_or_short_relay_is_not_dhcp6(void **state)
{
    uint8_t m[40];

    (void)state;
    memset(m, 0, sizeof(m));
    memset(&before, 0x5a, sizeof(before));
    for (size_t n = 0; n < 4; n++) {
        ev = before;
        assert_int_equal(d6_exact(reply, n, &ev), -1);
        assert_memory_equal(&ev, &before, sizeof(ev));
    }
    ev = before;
    assert_int_equal(d6_exact(m, 4, &ev), -1);          /* type 0 */
    assert_memory_equal(&ev, &before, sizeof(ev));
    m[0] = DHCP6_RELAY_FORW;
    assert_int_equal(d6_exact(m, 33, &ev), -1);         /* header is 34 */
    assert_memory_equal(&ev, &before, sizeof(ev));
    m[0] = DHCP6_RELAY_REPL;
    assert_int_equal(d6_exact(m, 33, &ev), -1);
    /* 34: a relay header without options is DHCPv6, just malformed */
    assert_int_equal(d6_exact(m, 34, &ev), 0);
    assert_int_equal(ev.u.dhcp6.msg_type, DHCP6_RELAY_REPL);
    assert_int_equal(ev.flags, EVF_MALFORMED);
}

/* ---- framing faults ------------------------------------------------- */

static void option_running_past_the_end_keeps_what_came_before(void **state)
{
    uint8_t m[sizeof(reply)];

    (void)state;
    memcpy(m, reply, sizeof(m));
    m[REPLY_OFF_FQDN + 3] = 0x14;      /* FQDN 20 > 19 remaining */
    assert_int_equal(parse(m, sizeof(m)), 0);
    assert_int_equal(ev.flags, EVF_MALFORMED);
    assert_int_equal(ev.u.dhcp6.fqdn.len, 0);
    assert_int_equal(ev.u.dhcp6.naddr, 1);
    assert_int_equal(ev.u.dhcp6.nprefix, 1);
    assert_int_equal(ev.u.dhcp6.ndns, 2);
    assert_int_equal(ev.u.dhcp6.client_duid.len, 29);
}

static void option_header_cut_in_the_middle_is_malformed(void **state)
{
    uint8_t m[7] = { 0x01, 0, 0, 1, 0x00, 0x01, 0x00 };

    (void)state;
    assert_int_equal(parse(m, sizeof(m)), 0);
    assert_int_equal(ev.flags, EVF_MALFORMED);
    assert_int_equal(ev.u.dhcp6.client_duid.len, 0);
}

/* ---- relays --------------------------------------------------------- */

static void relay_reply_takes_mac_from_option_79_over_the_duid(void **state)
{
    static const uint8_t relay_mac[6] = { 0x00, 0x00, 0x5e, 0x00, 0x53, 0x20 };
    static uint8_t out[sizeof(reply) + 64];
    size_t n;

    (void)state;
    n = wrap(out, DHCP6_RELAY_REPL, reply, sizeof(reply), relay_mac);
    assert_int_equal(parse(out, n), 0);
    assert_int_equal(ev.flags, 0);
    assert_int_equal(ev.u.dhcp6.msg_type, DHCP6_REPLY);
    assert_int_equal(ev.u.dhcp6.xid, 0x123456);
    assert_int_equal(ev.u.dhcp6.has_client_mac, 1);
    assert_memory_equal(ev.u.dhcp6.client_mac, relay_mac, 6);
    assert_int_equal(ev.u.dhcp6.naddr, 1);
    assert_string_equal(str(ev.u.dhcp6.fqdn), "host.example.com");
    /* without option 79 the DUID-LL's MAC is used */
    n = wrap(out, DHCP6_RELAY_REPL, reply, sizeof(reply), NULL);
    assert_int_equal(parse(out, n), 0);
    assert_int_equal(ev.u.dhcp6.client_mac[5], 0x10);
}

static void innermost_option_79_wins(void **state)
{
    static const uint8_t inner_mac[6] = { 0x00, 0x00, 0x5e, 0x00, 0x53, 0x31 };
    static const uint8_t outer_mac[6] = { 0x00, 0x00, 0x5e, 0x00, 0x53, 0x32 };
    static uint8_t a[512], b[512];
    size_t n;

    (void)state;
    n = wrap(a, DHCP6_RELAY_FORW, win_solicit, sizeof(win_solicit), inner_mac);
    n = wrap(b, DHCP6_RELAY_FORW, a, n, outer_mac);
    assert_int_equal(parse(b, n), 0);
    assert_int_equal(ev.u.dhcp6.msg_type, DHCP6_SOLICIT);
    assert_memory_equal(ev.u.dhcp6.client_mac, inner_mac, 6);
    assert_int_equal(ev.flags, 0);
}

static void relay_chain_of_eight_is_followed_and_nine_is_capped(void **state)
{
    static uint8_t a[2048], b[2048];
    uint8_t *cur = a, *next = b, *t;
    size_t n;

    (void)state;
    memcpy(a, win_solicit, sizeof(win_solicit));
    n = sizeof(win_solicit);
    for (int depth = 1; depth <= DHCP6_RELAY_MAX + 1; depth++) {
        n = wrap(next, DHCP6_RELAY_FORW, cur, n, NULL);
        t = cur; cur = next; next = t;
        assert_int_equal(parse(cur, n), 0);
        if (depth <= DHCP6_RELAY_MAX) {
            assert_int_equal(ev.u.dhcp6.msg_type, DHCP6_SOLICIT);
            assert_int_equal(ev.u.dhcp6.xid, 0xe0923c);
            assert_int_equal(ev.flags, 0);
        } else {
            /* the ninth envelope is where the walk stops */
            assert_int_equal(ev.u.dhcp6.msg_type, DHCP6_RELAY_FORW);
            assert_int_equal(ev.u.dhcp6.xid, 0);
            assert_int_equal(ev.u.dhcp6.client_duid.len, 0);
            assert_int_equal(ev.flags, EVF_MALFORMED);
        }
    }
}

static void relay_without_relay_message_is_malformed(void **state)
{
    static const uint8_t mac[6] = { 0x00, 0x00, 0x5e, 0x00, 0x53, 0x40 };
    static uint8_t out[256];
    size_t n;

    (void)state;
    n = wrap(out, DHCP6_RELAY_FORW, win_solicit, 0, mac);
    n -= 4;                            /* drop the empty option 9 */
    assert_int_equal(parse(out, n), 0);
    assert_int_equal(ev.u.dhcp6.msg_type, DHCP6_RELAY_FORW);
    assert_int_equal(ev.flags, EVF_MALFORMED);
    /* the envelope's option 79 still names the client */
    assert_int_equal(ev.u.dhcp6.has_client_mac, 1);
    assert_memory_equal(ev.u.dhcp6.client_mac, mac, 6);
}

static void relay_message_shorter_than_a_header_is_malformed(void **state)
{
    static uint8_t out[256];
    static const uint8_t inner3[3] = { 0x01, 0x00, 0x00 };
    static const uint8_t inner_type0[4] = { 0x00, 0x00, 0x00, 0x01 };
    uint8_t relay33[33];
    size_t n;

    (void)state;
    n = wrap(out, DHCP6_RELAY_REPL, inner3, 3, NULL);
    assert_int_equal(parse(out, n), 0);
    assert_int_equal(ev.u.dhcp6.msg_type, DHCP6_RELAY_REPL);
    assert_int_equal(ev.flags, EVF_MALFORMED);
    n = wrap(out, DHCP6_RELAY_REPL, inner_type0, 4, NULL);
    assert_int_equal(parse(out, n), 0);
    assert_int_equal(ev.u.dhcp6.msg_type, DHCP6_RELAY_REPL);
    assert_int_equal(ev.flags, EVF_MALFORMED);
    memset(relay33, 0, sizeof(relay33));
    relay33[0] = DHCP6_RELAY_FORW;     /* inner relay of 33 octets */
    n = wrap(out, DHCP6_RELAY_REPL, relay33, 33, NULL);
    assert_int_equal(parse(out, n), 0);
    assert_int_equal(ev.u.dhcp6.msg_type, DHCP6_RELAY_REPL);
    assert_int_equal(ev.flags, EVF_MALFORMED);
}

static void option_79_other_link_types_and_short_ones(void **state)
{
    static uint8_t out[512];
    uint8_t lla[10] = { 0x00, 0x06, 1, 2, 3, 4, 5, 6 };  /* IEEE 802 */
    size_t n;

    (void)state;
    /* relay header, option 79 (type 6), option 9 -> DUID-less message */
    n = wrap(out, DHCP6_RELAY_FORW, reply, 4, NULL);   /* REPLY header */
    memmove(out + 34 + 12, out + 34, n - 34);
    put_opt(out, 34, 79, lla, 8);
    n += 12;
    assert_int_equal(parse(out, n), 0);
    assert_int_equal(ev.u.dhcp6.has_client_mac, 0);
    assert_int_equal(ev.flags, 0);
    /* Ethernet type with 8 octets of address: not a MAC, not malformed */
    lla[1] = 0x01;
    n = wrap(out, DHCP6_RELAY_FORW, reply, 4, NULL);
    memmove(out + 34 + 14, out + 34, n - 34);
    put_opt(out, 34, 79, lla, 10);
    n += 14;
    assert_int_equal(parse(out, n), 0);
    assert_int_equal(ev.u.dhcp6.has_client_mac, 0);
    assert_int_equal(ev.flags, 0);
    /* one octet: shorter than the link-layer type */
    n = wrap(out, DHCP6_RELAY_FORW, reply, 4, NULL);
    memmove(out + 34 + 5, out + 34, n - 34);
    put_opt(out, 34, 79, lla, 1);
    n += 5;
    assert_int_equal(parse(out, n), 0);
    assert_int_equal(ev.u.dhcp6.has_client_mac, 0);
    assert_int_equal(ev.flags, EVF_MALFORMED);
    assert_int_equal(ev.u.dhcp6.msg_type, DHCP6_REPLY);
}

/* ---- IA_NA / IA_TA / IA_PD ------------------------------------------ */

/* IAADDR body: address 2001:db8:1::<last>, preferred, valid */
static size_t iaaddr_body(uint8_t *b, uint8_t last, uint32_t pref,
                          uint32_t valid)
{
    static const uint8_t a[16] = { DB8(0x01, 0x00) };

    memcpy(b, a, 16);
    b[15] = last;
    b[16] = (uint8_t)(pref >> 24); b[17] = (uint8_t)(pref >> 16);
    b[18] = (uint8_t)(pref >> 8);  b[19] = (uint8_t)pref;
    b[20] = (uint8_t)(valid >> 24); b[21] = (uint8_t)(valid >> 16);
    b[22] = (uint8_t)(valid >> 8);  b[23] = (uint8_t)valid;
    return 24;
}

/* IA_NA with IAID 1, T1 = T2 = 0, and the given options */
static size_t put_ia_na(uint8_t *m, size_t at, const uint8_t *opts, size_t n)
{
    uint8_t ia[512];

    memset(ia, 0, 12);
    ia[3] = 1;
    memcpy(ia + 12, opts, n);
    return put_opt(m, at, 3, ia, 12 + n);
}

static void iaaddr_with_a_short_length_is_skipped_and_flagged(void **state)
{
    uint8_t opts[128], body[32];
    size_t k = 0, n;

    (void)state;
    iaaddr_body(body, 0x01, 100, 200);
    k = put_opt(opts, k, 5, body, 23);       /* one short of 24 */
    iaaddr_body(body, 0x02, 100, 200);
    k = put_opt(opts, k, 5, body, 24);
    n = put_hdr(buf, DHCP6_REPLY, 1);
    n = put_ia_na(buf, n, opts, k);
    assert_int_equal(parse(buf, n), 0);
    assert_int_equal(ev.flags, EVF_MALFORMED);
    assert_int_equal(ev.u.dhcp6.naddr, 1);
    assert_int_equal(ev.u.dhcp6.addr[0].a[15], 0x02);
    assert_int_equal(ev.u.dhcp6.addr_valid_s[0], 200);
}

static void iaaddr_running_past_its_ia_is_malformed(void **state)
{
    uint8_t opts[64], body[32];
    size_t k, n;

    (void)state;
    iaaddr_body(body, 0x01, 100, 200);
    k = put_opt(opts, 0, 5, body, 24);
    opts[3] = 25;                            /* claims one more octet */
    n = put_hdr(buf, DHCP6_REPLY, 1);
    n = put_ia_na(buf, n, opts, k);
    n = put_opt(buf, n, 2, reply + REPLY_OFF_SERVERID + 4, 14);
    assert_int_equal(parse(buf, n), 0);
    assert_int_equal(ev.flags, EVF_MALFORMED);
    assert_int_equal(ev.u.dhcp6.naddr, 0);
    /* the fault stays inside the IA: the next top-level option is read */
    assert_int_equal(ev.u.dhcp6.server_duid.len, 41);
}

static void ia_shorter_than_its_fixed_part_is_malformed(void **state)
{
    uint8_t ia[12] = {0};
    size_t n;

    (void)state;
    n = put_hdr(buf, DHCP6_REPLY, 1);
    n = put_opt(buf, n, 3, ia, 11);          /* IA_NA needs 12 */
    assert_int_equal(parse(buf, n), 0);
    assert_int_equal(ev.flags, EVF_MALFORMED);
    n = put_hdr(buf, DHCP6_REPLY, 1);
    n = put_opt(buf, n, 25, ia, 11);         /* IA_PD needs 12 */
    assert_int_equal(parse(buf, n), 0);
    assert_int_equal(ev.flags, EVF_MALFORMED);
    n = put_hdr(buf, DHCP6_REPLY, 1);
    n = put_opt(buf, n, 4, ia, 3);           /* IA_TA needs 4 */
    assert_int_equal(parse(buf, n), 0);
    assert_int_equal(ev.flags, EVF_MALFORMED);
    n = put_hdr(buf, DHCP6_REPLY, 1);
    n = put_opt(buf, n, 4, ia, 4);           /* exactly 4: fine, empty */
    assert_int_equal(parse(buf, n), 0);
    assert_int_equal(ev.flags, 0);
}

static void iaaddr_with_failure_status_is_not_kept(void **state)
{
    /* Status Code (21.13): NoAddrsAvail (2), then message "none" */
    static const uint8_t st_fail[6] = { 0x00, 0x02, 'n', 'o', 'n', 'e' };
    static const uint8_t st_ok[2] = { 0x00, 0x00 };
    uint8_t opts[256], body[64];
    size_t k = 0, n;

    (void)state;
    iaaddr_body(body, 0x01, 100, 200);
    put_opt(body, 24, 13, st_fail, sizeof(st_fail));
    k = put_opt(opts, k, 5, body, 24 + 4 + 6);
    iaaddr_body(body, 0x02, 100, 200);
    put_opt(body, 24, 13, st_ok, 2);
    k = put_opt(opts, k, 5, body, 24 + 4 + 2);
    n = put_hdr(buf, DHCP6_REPLY, 1);
    n = put_ia_na(buf, n, opts, k);
    assert_int_equal(parse(buf, n), 0);
    assert_int_equal(ev.flags, 0);
    assert_int_equal(ev.u.dhcp6.naddr, 1);
    assert_int_equal(ev.u.dhcp6.addr[0].a[15], 0x02);
}

static void ia_level_failure_status_after_its_addresses_drops_them(void **state)
{
    /* NoBinding (3), no message */
    static const uint8_t st_nobinding[2] = { 0x00, 0x03 };
    uint8_t opts[256], body[32];
    size_t k = 0, n;

    (void)state;
    iaaddr_body(body, 0x01, 100, 200);
    k = put_opt(opts, k, 5, body, 24);
    k = put_opt(opts, k, 13, st_nobinding, 2);   /* after the address */
    n = put_hdr(buf, DHCP6_REPLY, 1);
    n = put_ia_na(buf, n, opts, k);
    /* a second, successful IA */
    iaaddr_body(body, 0x07, 100, 200);
    k = put_opt(opts, 0, 5, body, 24);
    n = put_ia_na(buf, n, opts, k);
    assert_int_equal(parse(buf, n), 0);
    assert_int_equal(ev.flags, 0);
    assert_int_equal(ev.u.dhcp6.naddr, 1);
    assert_int_equal(ev.u.dhcp6.addr[0].a[15], 0x07);
}

static void status_code_shorter_than_two_octets_is_malformed(void **state)
{
    uint8_t opts[128], body[32];
    size_t k, n;

    (void)state;
    iaaddr_body(body, 0x01, 100, 200);
    put_opt(body, 24, 13, "", 1);
    body[28] = 0x05;
    k = put_opt(opts, 0, 5, body, 24 + 5);
    n = put_hdr(buf, DHCP6_REPLY, 1);
    n = put_ia_na(buf, n, opts, k);
    assert_int_equal(parse(buf, n), 0);
    assert_int_equal(ev.flags, EVF_MALFORMED);
    assert_int_equal(ev.u.dhcp6.naddr, 1);   /* no status: kept */
}

static void iaaddr_preferred_above_valid_is_discarded(void **state)
{
    uint8_t opts[128], body[32];
    size_t k = 0, n;

    (void)state;
    iaaddr_body(body, 0x01, 201, 200);
    k = put_opt(opts, k, 5, body, 24);
    iaaddr_body(body, 0x02, 200, 200);       /* equal: fine */
    k = put_opt(opts, k, 5, body, 24);
    n = put_hdr(buf, DHCP6_REPLY, 1);
    n = put_ia_na(buf, n, opts, k);
    assert_int_equal(parse(buf, n), 0);
    assert_int_equal(ev.flags, EVF_MALFORMED);
    assert_int_equal(ev.u.dhcp6.naddr, 1);
    assert_int_equal(ev.u.dhcp6.addr[0].a[15], 0x02);
}

static void more_addresses_than_kept_are_truncated(void **state)
{
    uint8_t opts[512], body[32];
    size_t k = 0, n;

    (void)state;
    for (int i = 0; i < EV_PREFIX_MAX + 2; i++) {
        iaaddr_body(body, (uint8_t)(0x10 + i), 100, 200 + (uint32_t)i);
        k = put_opt(opts, k, 5, body, 24);
    }
    n = put_hdr(buf, DHCP6_REPLY, 1);
    n = put_ia_na(buf, n, opts, k);
    assert_int_equal(parse(buf, n), 0);
    assert_int_equal(ev.flags, EVF_TRUNCATED);
    assert_int_equal(ev.u.dhcp6.naddr, EV_PREFIX_MAX);
    assert_int_equal(ev.u.dhcp6.addr[EV_PREFIX_MAX - 1].a[15],
                     0x10 + EV_PREFIX_MAX - 1);
    assert_int_equal(ev.u.dhcp6.addr_valid_s[EV_PREFIX_MAX - 1],
                     200 + EV_PREFIX_MAX - 1);
}

static void ia_ta_addresses_are_kept(void **state)
{
    uint8_t ta[64], body[32];
    size_t n;

    (void)state;
    memset(ta, 0, 4);                         /* IAID 0 */
    iaaddr_body(body, 0x44, 0, 0);
    put_opt(ta, 4, 5, body, 24);
    n = put_hdr(buf, DHCP6_REQUEST, 1);
    n = put_opt(buf, n, 4, ta, 4 + 28);
    assert_int_equal(parse(buf, n), 0);
    assert_int_equal(ev.flags, 0);
    assert_int_equal(ev.u.dhcp6.naddr, 1);
    assert_int_equal(ev.u.dhcp6.addr[0].a[15], 0x44);
    assert_int_equal(ev.u.dhcp6.addr_valid_s[0], 0);
}

/* IA_PD holding one IAPREFIX with the given length and prefix octets */
static size_t pd_message(uint8_t plen, const uint8_t *pfx, size_t iaplen)
{
    uint8_t pd[128], iap[64];
    size_t n;

    memset(pd, 0, 12);
    pd[3] = 2;
    memset(iap, 0, sizeof(iap));
    iap[3] = 100;                             /* preferred 100 */
    iap[7] = 200;                             /* valid 200 */
    iap[8] = plen;
    memcpy(iap + 9, pfx, 16);
    put_opt(pd, 12, 26, iap, iaplen);
    n = put_hdr(buf, DHCP6_REPLY, 1);
    return put_opt(buf, n, 25, pd, 12 + 4 + iaplen);
}

static void iaprefix_bits_beyond_length_are_zeroed(void **state)
{
    static const uint8_t ones[16] = {
        0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    static const uint8_t want60[16] = {
        0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, 0xff, 0xf0 };
    size_t n;

    (void)state;
    n = pd_message(60, ones, 25);
    assert_int_equal(parse(buf, n), 0);
    assert_int_equal(ev.flags, 0);
    assert_int_equal(ev.u.dhcp6.nprefix, 1);
    assert_memory_equal(ev.u.dhcp6.prefix[0].prefix.a, want60, 16);
    assert_int_equal(ev.u.dhcp6.prefix[0].len, 60);
    assert_int_equal(ev.u.dhcp6.prefix[0].preferred_s, 100);
    assert_int_equal(ev.u.dhcp6.prefix[0].valid_s, 200);
    n = pd_message(128, ones, 25);
    assert_int_equal(parse(buf, n), 0);
    assert_memory_equal(ev.u.dhcp6.prefix[0].prefix.a, ones, 16);
}

static void iaprefix_length_129_or_short_option_is_malformed(void **state)
{
    static const uint8_t pfx[16] = { 0x20, 0x01, 0x0d, 0xb8 };
    size_t n;

    (void)state;
    n = pd_message(129, pfx, 25);
    assert_int_equal(parse(buf, n), 0);
    assert_int_equal(ev.flags, EVF_MALFORMED);
    assert_int_equal(ev.u.dhcp6.nprefix, 0);
    n = pd_message(48, pfx, 24);              /* one short of 25 */
    assert_int_equal(parse(buf, n), 0);
    assert_int_equal(ev.flags, EVF_MALFORMED);
    assert_int_equal(ev.u.dhcp6.nprefix, 0);
}

/* ---- DUIDs ---------------------------------------------------------- */

static void duid_types_and_the_client_mac(void **state)
{
    static const struct {
        uint8_t duid[20];
        size_t n;
        int has_mac;
        const char *hex;
    } cases[] = {
        /* DUID-LLT, hw 1, time 0x01020304, 6 octets: a MAC */
        { { 0, 1, 0, 1, 1, 2, 3, 4, 0, 0, 0x5e, 0, 0x53, 0x50 }, 14, 1,
          "00:01:00:01:01:02:03:04:00:00:5e:00:53:50" },
        /* DUID-LL, hw 1, 6 octets: a MAC */
        { { 0, 3, 0, 1, 0, 0, 0x5e, 0, 0x53, 0x50 }, 10, 1,
          "00:03:00:01:00:00:5e:00:53:50" },
        /* DUID-EN, enterprise 311, identifier that looks like a MAC */
        { { 0, 2, 0, 0, 0x01, 0x37, 0, 0, 0x5e, 0, 0x53, 0x50 }, 12, 0,
          "00:02:00:00:01:37:00:00:5e:00:53:50" },
        /* DUID-LLT, hw 6 (IEEE 802): not Ethernet */
        { { 0, 1, 0, 6, 1, 2, 3, 4, 0, 0, 0x5e, 0, 0x53, 0x50 }, 14, 0,
          "00:01:00:06:01:02:03:04:00:00:5e:00:53:50" },
        /* DUID-LLT, hw 1, 8 octets of address: not a MAC */
        { { 0, 1, 0, 1, 1, 2, 3, 4, 0, 0, 0x5e, 0, 0x53, 0x50, 0, 0 }, 16, 0,
          "00:01:00:01:01:02:03:04:00:00:5e:00:53:50:00:00" },
        /* DUID-LL, hw 1, 5 octets */
        { { 0, 3, 0, 1, 0, 0, 0x5e, 0, 0x53 }, 9, 0,
          "00:03:00:01:00:00:5e:00:53" },
        /* DUID-UUID (RFC 6355) */
        { { 0, 4, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 }, 18,
          0, "00:04:01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f:10" },
        /* two octets: the type alone */
        { { 0xff, 0xfe }, 2, 0, "ff:fe" },
    };
    size_t n;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        n = put_hdr(buf, DHCP6_SOLICIT, 1);
        n = put_opt(buf, n, 1, cases[i].duid, cases[i].n);
        assert_int_equal(parse(buf, n), 0);
        assert_int_equal(ev.flags, 0);
        assert_string_equal(str(ev.u.dhcp6.client_duid), cases[i].hex);
        assert_int_equal(ev.u.dhcp6.has_client_mac, cases[i].has_mac);
        if (cases[i].has_mac)
            assert_int_equal(ev.u.dhcp6.client_mac[5], 0x50);
    }
}

static void server_duid_llt_is_not_the_client_mac(void **state)
{
    static const uint8_t duid[14] = { 0, 1, 0, 1, 1, 2, 3, 4,
                                      0, 0, 0x5e, 0, 0x53, 0x60 };
    size_t n;

    (void)state;
    n = put_hdr(buf, DHCP6_ADVERTISE, 1);
    n = put_opt(buf, n, 2, duid, 14);
    assert_int_equal(parse(buf, n), 0);
    assert_int_equal(ev.u.dhcp6.has_client_mac, 0);
    assert_string_equal(str(ev.u.dhcp6.server_duid),
                        "00:01:00:01:01:02:03:04:00:00:5e:00:53:60");
}

static void duid_of_one_octet_is_malformed(void **state)
{
    size_t n;

    (void)state;
    n = put_hdr(buf, DHCP6_SOLICIT, 1);
    n = put_opt(buf, n, 1, "\x00", 1);
    assert_int_equal(parse(buf, n), 0);
    assert_int_equal(ev.flags, EVF_MALFORMED);
    assert_int_equal(ev.u.dhcp6.client_duid.len, 0);
    n = put_hdr(buf, DHCP6_SOLICIT, 1);
    n = put_opt(buf, n, 2, NULL, 0);
    assert_int_equal(parse(buf, n), 0);
    assert_int_equal(ev.flags, EVF_MALFORMED);
}

static void duid_of_130_octets_is_whole_and_131_is_cut(void **state)
{
    uint8_t duid[131];
    size_t n;

    (void)state;
    memset(duid, 0xab, sizeof(duid));
    duid[0] = 0; duid[1] = 2;                 /* DUID-EN */
    n = put_hdr(buf, DHCP6_SOLICIT, 1);
    n = put_opt(buf, n, 1, duid, 130);
    assert_int_equal(parse(buf, n), 0);
    assert_int_equal(ev.flags, 0);
    assert_int_equal(ev.u.dhcp6.client_duid.len, 130 * 3 - 1);
    n = put_hdr(buf, DHCP6_SOLICIT, 1);
    n = put_opt(buf, n, 1, duid, 131);
    assert_int_equal(parse(buf, n), 0);
    assert_int_equal(ev.flags, EVF_MALFORMED | EVF_TRUNCATED);
    assert_int_equal(ev.u.dhcp6.client_duid.len, 130 * 3 - 1);
    assert_memory_equal(str(ev.u.dhcp6.client_duid), "00:02:ab:ab", 11);
}

static void repeated_client_id_keeps_the_first_and_is_malformed(void **state)
{
    static const uint8_t d1[10] = { 0, 3, 0, 1, 0, 0, 0x5e, 0, 0x53, 0x71 };
    static const uint8_t d2[10] = { 0, 3, 0, 1, 0, 0, 0x5e, 0, 0x53, 0x72 };
    size_t n;

    (void)state;
    n = put_hdr(buf, DHCP6_SOLICIT, 1);
    n = put_opt(buf, n, 1, d1, 10);
    n = put_opt(buf, n, 1, d2, 10);
    assert_int_equal(parse(buf, n), 0);
    assert_int_equal(ev.flags, EVF_MALFORMED);
    assert_string_equal(str(ev.u.dhcp6.client_duid),
                        "00:03:00:01:00:00:5e:00:53:71");
    assert_int_equal(ev.u.dhcp6.client_mac[5], 0x71);
}

/* ---- DNS servers ---------------------------------------------------- */

static void dns_server_list_not_a_multiple_of_16_is_malformed(void **state)
{
    size_t n;

    (void)state;
    n = put_hdr(buf, DHCP6_REPLY, 1);
    n = put_opt(buf, n, 23, reply + REPLY_OFF_DNS + 4, 20);
    assert_int_equal(parse(buf, n), 0);
    assert_int_equal(ev.flags, EVF_MALFORMED);
    assert_int_equal(ev.u.dhcp6.ndns, 0);
    n = put_hdr(buf, DHCP6_REPLY, 1);
    n = put_opt(buf, n, 23, reply + REPLY_OFF_DNS + 4, 16);
    assert_int_equal(parse(buf, n), 0);
    assert_int_equal(ev.flags, 0);
    assert_int_equal(ev.u.dhcp6.ndns, 1);
    assert_int_equal(ev.u.dhcp6.dns[0].a[15], 0x53);
}

/* ---- Client FQDN (RFC 4704) ----------------------------------------- */

/* A SOLICIT whose only option is a Client FQDN: flags 0, then name[n] */
static size_t fqdn_message(const uint8_t *name, size_t n)
{
    uint8_t opt[600];
    size_t at;

    opt[0] = 0;
    memcpy(opt + 1, name, n);
    at = put_hdr(buf, DHCP6_SOLICIT, 1);
    return put_opt(buf, at, 39, opt, n + 1);
}

/* A message whose Client FQDN option holds name[0..n) parses, but the
 * name is malformed: absent, and the event says so. */
static void assert_fqdn_malformed(const uint8_t *name, size_t n)
{
    assert_int_equal(parse(buf, fqdn_message(name, n)), 0);
    assert_int_equal(ev.flags, EVF_MALFORMED);
    assert_int_equal(ev.u.dhcp6.fqdn.len, 0);
}

static void fqdn_with_a_label_over_63_is_malformed(void **state)
{
    uint8_t name[80];
    size_t n;

    (void)state;
    name[0] = 63;
    memset(name + 1, 'a', 63);
    name[64] = 0;
    n = fqdn_message(name, 65);
    assert_int_equal(parse(buf, n), 0);
    assert_int_equal(ev.flags, 0);
    assert_int_equal(ev.u.dhcp6.fqdn.len, 63);
    name[0] = 64;                             /* 0x40: not a label */
    memset(name + 1, 'a', 64);
    name[65] = 0;
    assert_fqdn_malformed(name, 66);
}

static void fqdn_with_a_compression_pointer_is_malformed(void **state)
{
    static const uint8_t name[] = { 3, 'w', 'w', 'w', 0xc0, 0x00 };

    (void)state;
    assert_fqdn_malformed(name, sizeof(name));
}

static void fqdn_label_running_past_the_option_is_malformed(void **state)
{
    static const uint8_t name[] = { 3, 'w', 'w', 'w', 7, 'e', 'x', 'a' };

    (void)state;
    assert_fqdn_malformed(name, sizeof(name));
}

static void fqdn_octets_after_the_root_label_are_malformed(void **state)
{
    static const uint8_t name[] = { 1, 'a', 0, 1, 'b', 0 };

    (void)state;
    assert_fqdn_malformed(name, sizeof(name));
}

static void fqdn_of_255_wire_octets_is_kept_and_256_is_not(void **state)
{
    uint8_t name[300];
    size_t k = 0, n;

    (void)state;
    /* 3 labels of 63 + 1 of 61 + root: 3*64 + 62 + 1 = 255 octets */
    for (int i = 0; i < 3; i++) {
        name[k++] = 63;
        memset(name + k, 'a' + i, 63);
        k += 63;
    }
    name[k++] = 61;
    memset(name + k, 'd', 61);
    k += 61;
    name[k++] = 0;
    assert_int_equal(k, 255);
    n = fqdn_message(name, k);
    assert_int_equal(parse(buf, n), 0);
    assert_int_equal(ev.flags, 0);
    assert_int_equal(ev.u.dhcp6.fqdn.len, DHCP6_FQDN_MAX);
    assert_int_equal(str(ev.u.dhcp6.fqdn)[63], '.');
    /* the same as a partial name (no root octet) still counts the root */
    n = fqdn_message(name, k - 1);
    assert_int_equal(parse(buf, n), 0);
    assert_int_equal(ev.u.dhcp6.fqdn.len, DHCP6_FQDN_MAX);
    /* one octet more */
    name[192] = 62;
    memset(name + 193, 'd', 62);
    name[255] = 0;
    assert_fqdn_malformed(name, 256);
}

static void fqdn_empty_or_root_only_is_absent_but_valid(void **state)
{
    static const uint8_t root[1] = { 0 };
    size_t n;

    (void)state;
    n = fqdn_message(root, 0);                /* flags only */
    assert_int_equal(parse(buf, n), 0);
    assert_int_equal(ev.flags, 0);
    assert_int_equal(ev.u.dhcp6.fqdn.len, 0);
    n = fqdn_message(root, 1);
    assert_int_equal(parse(buf, n), 0);
    assert_int_equal(ev.flags, 0);
    assert_int_equal(ev.u.dhcp6.fqdn.len, 0);
    n = put_hdr(buf, DHCP6_SOLICIT, 1);       /* no flags octet at all */
    n = put_opt(buf, n, 39, NULL, 0);
    assert_int_equal(parse(buf, n), 0);
    assert_int_equal(ev.flags, EVF_MALFORMED);
}

static void fqdn_nul_in_a_label_is_replaced(void **state)
{
    static const uint8_t name[] = { 3, 'a', 0, 'b', 0 };
    size_t n;

    (void)state;
    n = fqdn_message(name, sizeof(name));
    assert_int_equal(parse(buf, n), 0);
    assert_int_equal(ev.flags, 0);
    assert_string_equal(str(ev.u.dhcp6.fqdn), "a?b");
    assert_int_equal(ev.u.dhcp6.fqdn.len, 3);
}

/* ---- names ---------------------------------------------------------- */

static void type_names_cover_known_types_and_null_otherwise(void **state)
{
    (void)state;
    assert_null(dhcp6_type_name(0));
    assert_string_equal(dhcp6_type_name(1), "solicit");
    assert_string_equal(dhcp6_type_name(2), "advertise");
    assert_string_equal(dhcp6_type_name(3), "request");
    assert_string_equal(dhcp6_type_name(7), "reply");
    assert_string_equal(dhcp6_type_name(11), "information_request");
    assert_string_equal(dhcp6_type_name(12), "relay_forw");
    assert_string_equal(dhcp6_type_name(13), "relay_repl");
    assert_string_equal(dhcp6_type_name(21), "dhcpv4_response");
    assert_null(dhcp6_type_name(22));
    assert_null(dhcp6_type_name(255));
    for (int t = 1; t <= 21; t++)
        assert_non_null(dhcp6_type_name((uint8_t)t));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(real_windows_solicit_matches_tshark),
        cmocka_unit_test(real_solicit_truncated_at_every_length_is_safe),
        cmocka_unit_test(reply_fills_every_field),
        cmocka_unit_test(parse_leaves_the_header_untouched),
        cmocka_unit_test(reusing_an_event_leaves_no_stale_fields),
        cmocka_unit_test(unknown_message_type_is_read_as_client_server_format),
        cmocka_unit_test(short_or_type_zero_or_short_relay_is_not_dhcp6),
        cmocka_unit_test(option_running_past_the_end_keeps_what_came_before),
        cmocka_unit_test(option_header_cut_in_the_middle_is_malformed),
        cmocka_unit_test(relay_reply_takes_mac_from_option_79_over_the_duid),
        cmocka_unit_test(innermost_option_79_wins),
        cmocka_unit_test(relay_chain_of_eight_is_followed_and_nine_is_capped),
        cmocka_unit_test(relay_without_relay_message_is_malformed),
        cmocka_unit_test(relay_message_shorter_than_a_header_is_malformed),
        cmocka_unit_test(option_79_other_link_types_and_short_ones),
        cmocka_unit_test(iaaddr_with_a_short_length_is_skipped_and_flagged),
        cmocka_unit_test(iaaddr_running_past_its_ia_is_malformed),
        cmocka_unit_test(ia_shorter_than_its_fixed_part_is_malformed),
        cmocka_unit_test(iaaddr_with_failure_status_is_not_kept),
        cmocka_unit_test(ia_level_failure_status_after_its_addresses_drops_them),
        cmocka_unit_test(status_code_shorter_than_two_octets_is_malformed),
        cmocka_unit_test(iaaddr_preferred_above_valid_is_discarded),
        cmocka_unit_test(more_addresses_than_kept_are_truncated),
        cmocka_unit_test(ia_ta_addresses_are_kept),
        cmocka_unit_test(iaprefix_bits_beyond_length_are_zeroed),
        cmocka_unit_test(iaprefix_length_129_or_short_option_is_malformed),
        cmocka_unit_test(duid_types_and_the_client_mac),
        cmocka_unit_test(server_duid_llt_is_not_the_client_mac),
        cmocka_unit_test(duid_of_one_octet_is_malformed),
        cmocka_unit_test(duid_of_130_octets_is_whole_and_131_is_cut),
        cmocka_unit_test(repeated_client_id_keeps_the_first_and_is_malformed),
        cmocka_unit_test(dns_server_list_not_a_multiple_of_16_is_malformed),
        cmocka_unit_test(fqdn_with_a_label_over_63_is_malformed),
        cmocka_unit_test(fqdn_with_a_compression_pointer_is_malformed),
        cmocka_unit_test(fqdn_label_running_past_the_option_is_malformed),
        cmocka_unit_test(fqdn_octets_after_the_root_label_are_malformed),
        cmocka_unit_test(fqdn_of_255_wire_octets_is_kept_and_256_is_not),
        cmocka_unit_test(fqdn_empty_or_root_only_is_absent_but_valid),
        cmocka_unit_test(fqdn_nul_in_a_label_is_replaced),
        cmocka_unit_test(type_names_cover_known_types_and_null_otherwise),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
