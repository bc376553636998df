/*
 * fuzz_arp.c -- libFuzzer harness for arp_parse, arp_parse_ndp and the
 * binding table (capture/arp.c).
 *
 * Each input is tried three ways: as an ARP packet; as an ICMPv6 message
 * from fe80::1; and, when at least 16 octets long, as a 16-octet IPv6
 * source address followed by an ICMPv6 message.  Every observation is fed
 * to one small table created on the first call (capacity 8, so eviction
 * is exercised), with a packet clock that only moves forward.
 * Invariants (violations __builtin_trap()):
 *  - parsers return -1, 0 or 1, write at most max observations, give the
 *    same answer with max 0, and write only well-formed bindings (family,
 *    ndp, op, unicast MAC, ARP address = the packet's spa);
 *  - a table event names the observed address and MAC; a change carries
 *    an old MAC that differs; stats add up; arp_table_check() holds.
 * Corpus: tests/fuzz/corpus/arp/ (NDP seeds are src(16) + message).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "capture/arp.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static struct arp_table *table;
static uint64_t clock_us, calls;

static void check_obs(const struct arp_obs *o, int ndp)
{
    if (o->ndp != ndp || o->vlan != 0)
        __builtin_trap();
    if (o->mac[0] & 1)
        __builtin_trap();
    if ((o->mac[0] | o->mac[1] | o->mac[2] | o->mac[3] | o->mac[4] |
         o->mac[5]) == 0)
        __builtin_trap();
    if (ndp) {
        if (o->ip.family != 6 || o->op < 133 || o->op > 136 ||
            o->ip.a[0] == 0xff)
            __builtin_trap();
    } else {
        if (o->ip.family != 4 || (o->op != 1 && o->op != 2) ||
            o->ip.a[0] == 0)
            __builtin_trap();
        for (int i = 4; i < 16; i++)
            if (o->ip.a[i])
                __builtin_trap();
    }
}

static void feed(const struct arp_obs *o, uint8_t tick)
{
    struct sh_event ev;
    struct arp_table_stats st;

    memset(&ev, 0x5a, sizeof(ev));
    clock_us += tick;
    calls++;
    if (arp_table_observe(table, o, clock_us, &ev)) {
        size_t alen = o->ip.family == 4 ? 4 : 16;

        if (ev.type != EV_ARP || ev.ts_us != clock_us || ev.flags != 0)
            __builtin_trap();
        if (ev.u.arp.ip.family != o->ip.family ||
            memcmp(ev.u.arp.ip.a, o->ip.a, alen) != 0 ||
            memcmp(ev.u.arp.mac, o->mac, 6) != 0 ||
            ev.u.arp.ndp != o->ndp || ev.u.arp.op != o->op)
            __builtin_trap();
        if (ev.u.arp.changed > 1 ||
            (ev.u.arp.changed && memcmp(ev.u.arp.old_mac, o->mac, 6) == 0))
            __builtin_trap();
    }
    arp_table_stats(table, &st);
    if (st.observed != calls ||
        st.added + st.changed + st.refreshed > st.observed ||
        st.added - st.evicted != arp_table_count(table) ||
        arp_table_count(table) > 8)
        __builtin_trap();
    if (arp_table_check(table) != 0)
        __builtin_trap();
}

static void run(int rc, int rc0, const struct arp_obs *o, int ndp,
                uint8_t tick)
{
    if (rc < -1 || rc > 1)
        __builtin_trap();
    if (o[1].op != 0xee || o[1].mac[0] != 0xee)     /* max 2, wrote 1 */
        __builtin_trap();
    if (rc0 != (rc < 0 ? -1 : 0))                   /* max 0 */
        __builtin_trap();
    if (rc == 1) {
        check_obs(&o[0], ndp);
        feed(&o[0], tick);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    static const uint8_t ll[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0,
                                   0, 0, 0, 0, 0, 0, 0, 1};
    struct arp_obs o[2];
    struct sh_addr src;
    uint8_t tick = n ? d[n - 1] : 0;
    int rc, rc0;

    if (table == NULL) {
        char err[128];

        table = arp_table_create(8, 100, err, sizeof(err));
        if (table == NULL)
            __builtin_trap();
    }

    memset(o, 0xee, sizeof(o));
    rc = arp_parse(d, n, o, 2);
    rc0 = arp_parse(d, n, NULL, 0);
    run(rc, rc0, o, 0, tick);
    if (rc == 1 && memcmp(o[0].ip.a, d + 14, 4) != 0)
        __builtin_trap();                           /* always the sender */

    memset(&src, 0, sizeof(src));
    src.family = 6;
    memcpy(src.a, ll, 16);
    memset(o, 0xee, sizeof(o));
    rc = arp_parse_ndp(d, n, &src, o, 2);
    rc0 = arp_parse_ndp(d, n, &src, NULL, 0);
    run(rc, rc0, o, 1, tick);

    if (n >= 16) {
        memcpy(src.a, d, 16);
        memset(o, 0xee, sizeof(o));
        rc = arp_parse_ndp(d + 16, n - 16, &src, o, 2);
        rc0 = arp_parse_ndp(d + 16, n - 16, &src, NULL, 0);
        run(rc, rc0, o, 1, tick);
    }
    return 0;
}
