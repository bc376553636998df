/*
 * fuzz_event.h -- invariants shared by the harnesses of the datagram
 * parsers (fuzz_dhcp.c, fuzz_dhcp6.c, fuzz_ra.c).  Violations
 * __builtin_trap().
 */
#ifndef SH_FUZZ_EVENT_H
#define SH_FUZZ_EVENT_H

#include <stddef.h>
#include <string.h>

#include "capture/event.h"

/* s is absent (0, 0) or inside the arena, NUL-terminated, without inner
 * NUL, at most cap bytes. */
static inline void check_str(const struct sh_event *ev, struct ev_str s, size_t cap)
{
    if (s.len == 0) {
        if (s.off != 0)
            __builtin_trap();
        return;
    }
    if (s.len > cap || s.off == 0 || s.off >= ev->arena_len ||
        (size_t)(ev->arena_len - s.off) < (size_t)s.len + 1)
        __builtin_trap();
    if (ev->arena[s.off + s.len] != '\0')
        __builtin_trap();
    if (memchr(ev->arena + s.off, '\0', s.len) != NULL)
        __builtin_trap();
}

/* The header fields a body parser must leave untouched are equal. */
static inline int header_same(const struct sh_event *a, const struct sh_event *b)
{
    return a->proto == b->proto && a->vlan == b->vlan &&
           a->ts_us == b->ts_us && a->flow_id == b->flow_id &&
           memcmp(&a->src, &b->src, sizeof(a->src)) == 0 &&
           memcmp(&a->dst, &b->dst, sizeof(a->dst)) == 0 &&
           a->sport == b->sport && a->dport == b->dport &&
           memcmp(a->src_mac, b->src_mac, 6) == 0 &&
           memcmp(a->dst_mac, b->dst_mac, 6) == 0 &&
           a->has_mac == b->has_mac;
}

#endif /* SH_FUZZ_EVENT_H */
