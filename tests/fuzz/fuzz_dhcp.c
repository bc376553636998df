/*
 * fuzz_dhcp.c -- libFuzzer harness for dhcp_parse (capture/dhcp.c).
 *
 * Input: one UDP payload.  Invariants (violations __builtin_trap()):
 *  - the return is 0 or -1; -1 exactly when the payload is shorter than
 *    DHCP_MIN_LEN, op is not 1/2 or the magic cookie is wrong, and then
 *    the event is byte-for-byte unchanged;
 *  - on 0: type EV_DHCP, the header untouched, only EVF_TRUNCATED and
 *    EVF_MALFORMED flags, every string inside the arena, NUL-terminated,
 *    without inner NUL and within its documented cap; op, xid and the MAC
 *    agree with the header bytes;
 *  - parsing is deterministic (a second parse gives the same bytes).
 * Corpus: tests/fuzz/corpus/dhcp/.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "capture/dhcp.h"
#include "capture/rd.h"

#include "fuzz_event.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    static struct sh_event ev, ev2, before;
    static const uint8_t zero_mac[6];
    int rc, want_dhcp;

    /* A dirty event: the parser must not rely on a clean one. */
    memset(&before, 0xa5, sizeof(before));
    before.arena_len = 7;
    ev = before;
    ev2 = before;

    rc = dhcp_parse(d, n, &ev);
    want_dhcp = n >= DHCP_MIN_LEN && (d[0] == 1 || d[0] == 2) &&
                d[236] == 99 && d[237] == 130 && d[238] == 83 && d[239] == 99;
    if (rc == -1) {
        if (want_dhcp || memcmp(&ev, &before, sizeof(ev)) != 0)
            __builtin_trap();
        return 0;
    }
    if (rc != 0 || !want_dhcp)
        __builtin_trap();
    if (ev.type != EV_DHCP || !header_same(&ev, &before))
        __builtin_trap();
    if (ev.flags & ~(EVF_TRUNCATED | EVF_MALFORMED))
        __builtin_trap();
    if (ev.arena_len < 1 || ev.arena_len > EV_ARENA_SIZE || ev.arena[0])
        __builtin_trap();
    check_str(&ev, ev.u.dhcp.hostname, DHCP_STR_MAX);
    check_str(&ev, ev.u.dhcp.vendor_class, DHCP_STR_MAX);
    check_str(&ev, ev.u.dhcp.client_id, DHCP_STR_MAX * 3 - 1);
    check_str(&ev, ev.u.dhcp.params, DHCP_STR_MAX * 4 - 1);
    if (ev.u.dhcp.op != d[0] || ev.u.dhcp.xid != be32_at(d + 4))
        __builtin_trap();
    if (d[1] == 1 && d[2] == 6) {
        if (memcmp(ev.u.dhcp.client_mac, d + 28, 6) != 0)
            __builtin_trap();
    } else if (memcmp(ev.u.dhcp.client_mac, zero_mac, 6) != 0) {
        __builtin_trap();
    }
    if (ev.u.dhcp.client_ip.family != 0 &&
        (ev.u.dhcp.client_ip.family != 4 ||
         memcmp(ev.u.dhcp.client_ip.a, d + 12, 4) != 0))
        __builtin_trap();
    if (ev.u.dhcp.assigned_ip.family != 0 && ev.u.dhcp.assigned_ip.family != 4)
        __builtin_trap();
    if (dhcp_type_name(ev.u.dhcp.msg_type) == NULL &&
        ev.u.dhcp.msg_type != 0 && ev.u.dhcp.msg_type <= 18)
        __builtin_trap();

    if (dhcp_parse(d, n, &ev2) != 0 || memcmp(&ev, &ev2, sizeof(ev)) != 0)
        __builtin_trap();
    return 0;
}
