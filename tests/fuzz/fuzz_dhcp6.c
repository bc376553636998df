/*
 * fuzz_dhcp6.c -- libFuzzer harness for dhcp6_parse (capture/dhcp6.c).
 *
 * Input: one UDP payload.  Invariants (violations __builtin_trap()):
 *  - the return is 0 or -1; -1 exactly when the payload is shorter than 4
 *    octets, its type is 0, or it is a relay message shorter than 34
 *    octets, and then the event is byte-for-byte unchanged;
 *  - on 0: type EV_DHCP6, the header untouched, only EVF_TRUNCATED and
 *    EVF_MALFORMED, every string inside the arena, NUL-terminated, without
 *    inner NUL and within its cap; DUIDs are "xx:xx..." lower-case hex;
 *    EVF_TRUNCATED only when a DUID was cut or a list is full; counts
 *    within their arrays; addresses and prefixes IPv6, prefixes <= 128
 *    bits with zero host bits and preferred <= valid; a message that is
 *    not a relay gives its own type and transaction id; a walk that
 *    stops on a relay message gives xid 0 and EVF_MALFORMED; types 1..21
 *    have a dhcp6_type_name(), others none;
 *  - parsing is deterministic (a second parse gives the same bytes).
 * Corpus: tests/fuzz/corpus/dhcp6/: seeds written by
 * tests/gen/gen_ipv6.py, and fuzz-* inputs libFuzzer found that take
 * branches the seeds do not.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "capture/dhcp6.h"

#include "fuzz_event.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static void check_hex(const struct sh_event *ev, struct ev_str s)
{
    const char *p = ev->arena + s.off;

    check_str(ev, s, DHCP6_DUID_MAX * 3 - 1);
    if (s.len == 0)
        return;
    if (s.len % 3 != 2 || s.len < 5)       /* at least 2 octets */
        __builtin_trap();
    for (size_t i = 0; i < s.len; i++) {
        char c = p[i];
        int want_colon = i % 3 == 2;

        if (want_colon != (c == ':'))
            __builtin_trap();
        if (!want_colon && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            __builtin_trap();
    }
}

static void check_prefix(const struct ev_prefix *pf)
{
    if (pf->prefix.family != 6 || pf->len > 128 || pf->flags != 0 ||
        pf->preferred_s > pf->valid_s)
        __builtin_trap();
    for (unsigned bit = pf->len; bit < 128; bit++)
        if (pf->prefix.a[bit / 8] & (0x80 >> (bit % 8)))
            __builtin_trap();
}

static int is_relay(uint8_t t)
{
    return t == DHCP6_RELAY_FORW || t == DHCP6_RELAY_REPL;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    static struct sh_event ev, ev2, before;
    const struct ev_dhcp6 *x = &ev.u.dhcp6;
    int rc, want;

    memset(&before, 0xa5, sizeof(before));
    before.arena_len = 7;
    ev = before;
    ev2 = before;

    rc = dhcp6_parse(d, n, &ev);
    want = n >= 4 && d[0] != 0 && !(is_relay(d[0]) && n < 34);
    if (rc == -1) {
        if (want || memcmp(&ev, &before, sizeof(ev)) != 0)
            __builtin_trap();
        return 0;
    }
    if (rc != 0 || !want)
        __builtin_trap();
    if (ev.type != EV_DHCP6 || !header_same(&ev, &before))
        __builtin_trap();
    if (ev.flags & ~(EVF_TRUNCATED | EVF_MALFORMED))
        __builtin_trap();
    if (ev.arena_len < 1 || ev.arena_len > EV_ARENA_SIZE || ev.arena[0])
        __builtin_trap();
    check_hex(&ev, x->client_duid);
    check_hex(&ev, x->server_duid);
    check_str(&ev, x->fqdn, DHCP6_FQDN_MAX);
    if (x->naddr > EV_PREFIX_MAX || x->nprefix > EV_PREFIX_MAX ||
        x->ndns > 2 || x->has_client_mac > 1)
        __builtin_trap();
    if ((ev.flags & EVF_TRUNCATED) &&
        x->client_duid.len != DHCP6_DUID_MAX * 3 - 1 &&
        x->server_duid.len != DHCP6_DUID_MAX * 3 - 1 &&
        x->naddr != EV_PREFIX_MAX && x->nprefix != EV_PREFIX_MAX)
        __builtin_trap();
    for (int i = 0; i < x->naddr; i++)
        if (x->addr[i].family != 6)
            __builtin_trap();
    for (int i = 0; i < x->nprefix; i++)
        check_prefix(&x->prefix[i]);
    for (int i = 0; i < x->ndns; i++)
        if (x->dns[i].family != 6)
            __builtin_trap();
    if (!is_relay(d[0])) {
        uint32_t xid = ((uint32_t)d[1] << 16) | ((uint32_t)d[2] << 8) | d[3];

        if (x->msg_type != d[0] || x->xid != xid)
            __builtin_trap();
    }
    if (x->msg_type == 0)
        __builtin_trap();
    /* every RFC 8415 / 5007 / 5460 / 6977 / 7341 type has a name */
    if ((dhcp6_type_name(x->msg_type) != NULL) !=
        (x->msg_type >= 1 && x->msg_type <= 21))
        __builtin_trap();
    if (is_relay(x->msg_type) &&
        (x->xid != 0 || !(ev.flags & EVF_MALFORMED) || x->naddr ||
         x->nprefix || x->ndns || x->client_duid.len || x->fqdn.len))
        __builtin_trap();

    if (dhcp6_parse(d, n, &ev2) != 0 || memcmp(&ev, &ev2, sizeof(ev)) != 0)
        __builtin_trap();
    return 0;
}
