/*
 * fuzz_ra.c -- libFuzzer harness for ra_parse (capture/ra.c).
 *
 * Each input is tried twice: as an ICMPv6 message from fe80::1, and, when
 * at least 16 octets long, as a 16-octet IPv6 source address followed by
 * the message.  Invariants (violations __builtin_trap()):
 *  - -1 exactly when RFC 4861 6.1.2 discards the message -- recomputed
 *    here by an independent walk of the option framing -- and then the
 *    event is byte-for-byte unchanged;
 *  - on success: type EV_RA, header untouched, only EVF_TRUNCATED and
 *    EVF_MALFORMED, an empty arena, counts within their arrays, the
 *    return >= nprefix and > nprefix only with EVF_TRUNCATED; every
 *    prefix IPv6, length <= 128, zero beyond its length, preferred <=
 *    valid, not inside fe80::/10; cur hop limit, flags and router
 *    lifetime equal the wire octets;
 *  - parsing is deterministic (a second parse gives the same bytes).
 * Corpus: tests/fuzz/corpus/ra/ (messages; the harness also reads their
 * first 16 octets as a source): seeds written by tests/gen/gen_ipv6.py,
 * and fuzz-* inputs libFuzzer found that take branches the seeds do not.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "capture/ra.h"
#include "capture/rd.h"

#include "fuzz_event.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

/* RFC 4861 6.1.2, written independently of ra.c. */
static int want_valid(const uint8_t *d, size_t n, const struct sh_addr *src)
{
    size_t off = 16;

    if (src->family != 6 || src->a[0] != 0xfe || (src->a[1] & 0xc0) != 0x80)
        return 0;
    if (n < 16 || d[0] != 134 || d[1] != 0)
        return 0;
    while (off < n) {
        if (n - off < 2 || d[off + 1] == 0)
            return 0;
        if ((size_t)d[off + 1] * 8 > n - off)
            return 0;
        off += (size_t)d[off + 1] * 8;
    }
    return 1;
}

static void check_prefix(const struct ev_prefix *pf)
{
    if (pf->prefix.family != 6 || pf->len > 128 ||
        pf->preferred_s > pf->valid_s)
        __builtin_trap();
    for (unsigned bit = pf->len; bit < 128; bit++)
        if (pf->prefix.a[bit / 8] & (0x80 >> (bit % 8)))
            __builtin_trap();
    if (pf->len >= 10 && pf->prefix.a[0] == 0xfe &&
        (pf->prefix.a[1] & 0xc0) == 0x80)
        __builtin_trap();
}

static void one(const uint8_t *d, size_t n, const struct sh_addr *src)
{
    static struct sh_event ev, ev2, before;
    int rc, valid;

    memset(&before, 0xa5, sizeof(before));
    before.arena_len = 7;
    ev = before;
    ev2 = before;

    rc = ra_parse(d, n, src, &ev);
    valid = want_valid(d, n, src);
    if (rc == -1) {
        if (valid || memcmp(&ev, &before, sizeof(ev)) != 0)
            __builtin_trap();
        return;
    }
    if (rc < 0 || !valid)
        __builtin_trap();
    if (ev.type != EV_RA || !header_same(&ev, &before))
        __builtin_trap();
    if (ev.flags & ~(EVF_TRUNCATED | EVF_MALFORMED))
        __builtin_trap();
    if (ev.arena_len != 1 || ev.arena[0])
        __builtin_trap();
    if (ev.u.ra.nprefix > EV_PREFIX_MAX || ev.u.ra.nrdnss > 2)
        __builtin_trap();
    if (rc < ev.u.ra.nprefix ||
        (rc > ev.u.ra.nprefix && !(ev.flags & EVF_TRUNCATED)))
        __builtin_trap();
    for (int i = 0; i < ev.u.ra.nprefix; i++)
        check_prefix(&ev.u.ra.prefix[i]);
    for (int i = 0; i < ev.u.ra.nrdnss; i++)
        if (ev.u.ra.rdnss[i].family != 6)
            __builtin_trap();
    if (ev.u.ra.cur_hop_limit != d[4] || ev.u.ra.flags != d[5] ||
        ev.u.ra.router_lifetime_s != be16_at(d + 6))
        __builtin_trap();
    if (ev.u.ra.has_router_mac > 1)
        __builtin_trap();

    if (ra_parse(d, n, src, &ev2) != rc || memcmp(&ev, &ev2, sizeof(ev)) != 0)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    struct sh_addr src;

    memset(&src, 0, sizeof(src));
    src.family = 6;
    src.a[0] = 0xfe;
    src.a[1] = 0x80;
    src.a[15] = 1;
    one(d, n, &src);
    if (n >= 16) {
        memcpy(src.a, d, 16);
        one(d + 16, n - 16, &src);
    }
    return 0;
}
