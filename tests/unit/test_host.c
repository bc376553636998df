/*
 * test_host.c -- the host table: creation, protected eviction, idle
 * expiry, bindings (conflicts, hints, moves), router recognition, MAC
 * owners, evidence slots; the allowlist; the LRU map.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../config/cidr.h"
#include "../../detect/allow.h"
#include "../../detect/host.h"
#include "../../detect/lru.h"

#define S 1000000ULL

static struct sh_addr ip(const char *s)
{
    struct sh_addr a;
    assert_int_equal(addr_parse(s, &a), 0);
    return a;
}

static const uint8_t MAC_A[6] = { 0x02, 0, 0, 0, 0, 0xa };
static const uint8_t MAC_B[6] = { 0x02, 0, 0, 0, 0, 0xb };
static const uint8_t ROUTER[6] = { 0x02, 0, 0, 0, 0, 0xfe };

static const uint8_t MAC_C[6] = { 0x02, 0, 0, 0, 0, 0xc };

/* mac_active 900 s, stale 1 day, stable 120 s, router window 1 h: 8
 * external peers from 2 senders, more than 4 unclaimed IPs */
static struct host_table *table(size_t cap, uint64_t idle_s)
{
    char err[128];
    struct host_params p = {
        .idle_us = idle_s * S, .active_us = 900 * S, .stale_us = 86400 * S,
        .stable_us = 120 * S, .router_window_us = 3600 * S,
        .router_min_external = 8, .router_min_senders = 2, .router_ips = 4,
    };
    struct host_table *t = host_table_create(cap, &p, err, sizeof(err));
    assert_non_null(t);
    return t;
}

static int status(struct host_table *t, struct host *h, uint64_t now, struct mac_view *v)
{
    host_mac_view(t, h, now, v);
    return v->status;
}

static void get_creates_once_and_finds_again(void **state)
{
    (void)state;
    struct host_table *t = table(4, 3600);
    struct sh_addr a = ip("10.0.0.1");
    assert_null(host_get(t, &a, 0, 0));
    struct host *h = host_get(t, &a, 5 * S, 1);
    assert_non_null(h);
    assert_ptr_equal(host_get(t, &a, 6 * S, 0), h);
    assert_int_equal(h->last_us, 6 * S);
    host_table_destroy(t);
}

static void a_full_table_evicts_plain_hosts_before_protected_ones(void **state)
{
    (void)state;
    struct host_table *t = table(3, 3600);
    struct sh_addr a = ip("10.0.0.1"), b = ip("10.0.0.2"), c = ip("10.0.0.3"), x;
    struct host *ha = host_get(t, &a, 1 * S, 1);
    host_watch(t, ha, 10000 * S);           /* a detector holds state about a */
    struct host *hb = host_get(t, &b, 2 * S, 1);
    struct evidence *e = host_evidence(t, hb, EVK_DGA_NXDOMAIN, 1);
    e->active = 1;                         /* b holds evidence */
    host_refile(t, hb, 2 * S);
    host_get(t, &c, 3 * S, 1);
    /* a flood of new sources: each evicts the last plain host, never a or b */
    char buf[32];
    for (int i = 0; i < 1000; i++) {
        snprintf(buf, sizeof(buf), "10.1.%d.%d", i / 250, i % 250 + 1);
        x = ip(buf);
        assert_non_null(host_get(t, &x, (uint64_t)(4 + i) * S, 1));
    }
    assert_ptr_equal(host_get(t, &a, 2000 * S, 0), ha);
    assert_ptr_equal(host_get(t, &b, 2000 * S, 0), hb);
    struct host_table_stats st;
    host_table_get_stats(t, &st);
    assert_int_equal(st.evicted, 1000);
    assert_int_equal(st.evicted_protected, 0);
    /* only protected hosts left: the weakest goes (lowest score), counted */
    hb->score = 2.0;
    struct host *hc = host_get(t, &c, 2001 * S, 1);      /* evicts the flood's last */
    host_watch(t, hc, 10000 * S);
    hc->score = 0.5;
    ha->score = 1.0;
    struct sh_addr d = ip("10.2.0.1");
    assert_non_null(host_get(t, &d, 2002 * S, 1));
    host_table_get_stats(t, &st);
    assert_int_equal(st.evicted_protected, 1);
    assert_null(host_get(t, &c, 2003 * S, 0));             /* the weakest went */
    assert_non_null(host_get(t, &b, 2003 * S, 0));
    host_table_destroy(t);
}

static int removed_reason = -1;
static void on_removed(void *ctx, struct host *h, int reason)
{
    (void)ctx;
    (void)h;
    removed_reason = reason;
}

static void idle_hosts_expire_through_the_callback(void **state)
{
    (void)state;
    struct host_table *t = table(8, 100);
    host_table_on_removed(t, on_removed, NULL);
    struct sh_addr a = ip("10.0.0.1"), b = ip("10.0.0.2");
    host_get(t, &a, 0, 1);
    struct host *hb = host_get(t, &b, 50 * S, 1);
    host_watch(t, hb, 1000 * S);              /* protected hosts expire too */
    assert_int_equal(host_expire(t, 99 * S), 0);
    assert_int_equal(host_expire(t, 100 * S), 1);
    assert_int_equal(removed_reason, HOST_REMOVED_EXPIRED);
    assert_null(host_get(t, &a, 100 * S, 0));
    assert_int_equal(host_expire(t, 150 * S), 1);
    host_table_destroy(t);
}

static void a_second_mac_for_an_active_binding_is_a_conflict(void **state)
{
    (void)state;
    struct host_table *t = table(8, 86400);
    struct sh_addr a = ip("10.0.0.1");
    struct host *h = host_get(t, &a, 0, 1);
    struct mac_view v;
    assert_int_equal(status(t, h, 0, &v), MACST_UNKNOWN);
    assert_int_equal(host_observe_mac(t, h, MAC_A, MAC_ARP, 10 * S), MACOBS_NEW);
    assert_int_equal(host_observe_mac(t, h, MAC_A, MAC_ETHERNET, 20 * S), MACOBS_CONFIRMED);
    assert_int_equal(status(t, h, 20 * S, &v), MACST_TRUSTED);
    assert_memory_equal(v.mac, MAC_A, 6);
    /* a lease from a trusted server for another MAC: recorded, not a move;
     * a conflict once that MAC is seen again (one frame could be forged) */
    assert_int_equal(host_observe_mac(t, h, MAC_B, MAC_DHCP, 30 * S), MACOBS_CONFLICT);
    assert_int_equal(status(t, h, 30 * S, &v), MACST_TRUSTED);
    assert_int_equal(host_observe_mac(t, h, MAC_B, MAC_ETHERNET, 30 * S + 500000), MACOBS_CONFLICT);
    assert_int_equal(status(t, h, 31 * S, &v), MACST_TRUSTED);      /* same second */
    assert_int_equal(host_observe_mac(t, h, MAC_B, MAC_ETHERNET, 32 * S), MACOBS_CONFLICT);
    assert_int_equal(status(t, h, 32 * S, &v), MACST_CONFLICT);
    assert_memory_equal(v.mac, MAC_A, 6);
    assert_memory_equal(v.other, MAC_B, 6);
    assert_int_equal(v.since_us, 30 * S);
    /* frames of the established MAC are the host's; the newcomer's are not */
    assert_true(host_mac_consistent(t, h, MAC_A, 31 * S));
    assert_false(host_mac_consistent(t, h, MAC_B, 31 * S));
    /* both keep talking: still a conflict at 800 s */
    host_observe_mac(t, h, MAC_A, MAC_ETHERNET, 800 * S);
    host_observe_mac(t, h, MAC_B, MAC_ETHERNET, 800 * S);
    assert_int_equal(status(t, h, 800 * S, &v), MACST_CONFLICT);
    /* A goes quiet for mac_active (900 s) while B stays: B wins */
    host_observe_mac(t, h, MAC_B, MAC_ETHERNET, 1701 * S);
    assert_int_equal(status(t, h, 1701 * S, &v), MACST_TRUSTED);
    assert_memory_equal(v.mac, MAC_B, 6);
    host_table_destroy(t);
}

static void a_hint_never_displaces_an_active_binding(void **state)
{
    (void)state;
    struct host_table *t = table(8, 86400);
    struct sh_addr a = ip("10.0.0.1"), b = ip("10.0.0.2");
    struct host *h = host_get(t, &a, 0, 1);
    struct mac_view v;
    host_observe_mac(t, h, MAC_A, MAC_ETHERNET, 10 * S);
    /* a client's REQUEST naming another MAC for this address */
    assert_int_equal(host_observe_mac(t, h, MAC_B, MAC_HINT, 20 * S), MACOBS_IGNORED);
    assert_int_equal(status(t, h, 20 * S, &v), MACST_TRUSTED);
    assert_memory_equal(v.mac, MAC_A, 6);
    /* a hint fills an empty binding ... */
    struct host *g = host_get(t, &b, 0, 1);
    assert_int_equal(host_observe_mac(t, g, MAC_B, MAC_HINT, 30 * S), MACOBS_NEW);
    /* ... but the address's real user replaces it, no conflict */
    assert_int_equal(host_observe_mac(t, g, MAC_C, MAC_ETHERNET, 31 * S), MACOBS_MOVED);
    assert_int_equal(status(t, g, 31 * S, &v), MACST_TRUSTED);
    assert_memory_equal(v.mac, MAC_C, 6);
    /* group and zero addresses never bind */
    static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, zero[6] = { 0 };
    assert_int_equal(host_observe_mac(t, g, bcast, MAC_DHCP, 40 * S), MACOBS_IGNORED);
    assert_int_equal(host_observe_mac(t, g, zero, MAC_ARP, 40 * S), MACOBS_IGNORED);
    host_table_destroy(t);
}

static void a_stale_binding_moves_without_conflict(void **state)
{
    (void)state;
    struct host_table *t = table(8, 86400);
    struct sh_addr a = ip("10.0.0.1");
    struct host *h = host_get(t, &a, 0, 1);
    struct mac_view v;
    host_observe_mac(t, h, MAC_A, MAC_DHCP, 10 * S);
    /* silent for more than mac_active (900 s): the address went to B */
    assert_int_equal(host_observe_mac(t, h, MAC_B, MAC_ETHERNET, 911 * S), MACOBS_MOVED);
    assert_int_equal(status(t, h, 911 * S, &v), MACST_TRUSTED);
    assert_memory_equal(v.mac, MAC_B, 6);
    /* and a binding nobody confirms for mac_stale is no longer reported */
    assert_int_equal(status(t, h, (911 + 86401) * S, &v), MACST_UNKNOWN);
    host_table_destroy(t);
}

static void routers_are_recognised_by_what_they_do(void **state)
{
    (void)state;
    struct host_table *t = table(64, 86400);
    char buf[32];
    struct mac_view v;
    /* the router: next hop to 8 external addresses for two senders */
    for (int i = 1; i <= 8; i++) {
        snprintf(buf, sizeof(buf), "198.51.100.%d", i);
        struct sh_addr ext = ip(buf);
        host_note_next_hop(t, ROUTER, i % 2 ? MAC_A : MAC_B, &ext, (uint64_t)i * S);
    }
    assert_true(host_mac_is_router(t, ROUTER, 10 * S));
    /* ... for one sender only, it would not be */
    assert_false(host_mac_is_router(t, MAC_C, 10 * S));
    /* a routed host known only by the router's MAC: act on the IP */
    struct sh_addr r = ip("10.9.0.5");
    struct host *h = host_get(t, &r, 10 * S, 1);
    host_observe_mac(t, h, ROUTER, MAC_ETHERNET, 10 * S);
    assert_int_equal(status(t, h, 10 * S, &v), MACST_ROUTED);
    /* even a lease naming the router's MAC makes no NAC cut the router */
    struct sh_addr q = ip("10.0.0.9");
    struct host *g = host_get(t, &q, 10 * S, 1);
    host_observe_mac(t, g, ROUTER, MAC_DHCP, 10 * S);
    assert_int_equal(status(t, g, 10 * S, &v), MACST_ROUTED);
    /* the window slides: two hours later it is no longer a router */
    assert_false(host_mac_is_router(t, ROUTER, 7300 * S));
    host_table_destroy(t);
}

static void claims_for_other_addresses_do_not_make_a_router(void **state)
{
    (void)state;
    struct host_table *t = table(64, 86400);
    char buf[32];
    struct mac_view v;
    struct sh_addr me = ip("10.0.0.15");
    struct host *h = host_get(t, &me, 0, 1);
    host_observe_mac(t, h, MAC_A, MAC_ARP, 1 * S);
    /* gratuitous ARPs for five other addresses, and old leases */
    for (int i = 1; i <= 5; i++) {
        snprintf(buf, sizeof(buf), "10.0.0.%d", 100 + i);
        struct sh_addr o = ip(buf);
        struct host *x = host_get(t, &o, 2 * S, 1);
        host_observe_mac(t, x, MAC_A, MAC_ARP, 2 * S);
    }
    host_observe_mac(t, h, MAC_A, MAC_ETHERNET, 3 * S);
    assert_int_equal(status(t, h, 3 * S, &v), MACST_TRUSTED);
    assert_memory_equal(v.mac, MAC_A, 6);
    /* but a MAC carrying more than 4 unclaimed source IPs is an L3 hop */
    for (int i = 1; i <= 5; i++) {
        snprintf(buf, sizeof(buf), "10.8.0.%d", i);
        struct sh_addr o = ip(buf);
        host_note_mac_ip(t, MAC_C, &o, 4 * S);
        host_note_mac_ip(t, MAC_C, &o, 4 * S);     /* repeats count once */
    }
    struct sh_addr r = ip("10.8.0.1");
    struct host *g = host_get(t, &r, 4 * S, 1);
    host_observe_mac(t, g, MAC_C, MAC_ETHERNET, 4 * S);
    assert_int_equal(status(t, g, 4 * S, &v), MACST_ROUTED);
    host_table_destroy(t);
}

static void the_owner_of_a_mac_is_known_unless_shared(void **state)
{
    (void)state;
    struct host_table *t = table(8, 86400);
    struct sh_addr a = ip("10.0.0.1"), b = ip("10.0.0.2");
    struct host *ha = host_get(t, &a, 0, 1), *hb = host_get(t, &b, 0, 1);
    host_observe_mac(t, ha, MAC_A, MAC_ARP, 1 * S);
    assert_ptr_equal(host_mac_owner(t, MAC_A, 2 * S), ha);
    assert_null(host_mac_owner(t, MAC_B, 2 * S));
    host_observe_mac(t, hb, MAC_A, MAC_ETHERNET, 3 * S);   /* two IPs, one MAC */
    assert_null(host_mac_owner(t, MAC_A, 4 * S));
    host_table_destroy(t);
}

static void evidence_slots_are_per_kind_and_reclaimed_from_the_weakest(void **state)
{
    (void)state;
    struct host_table *t = table(1, 86400);          /* a pool of 2 slots */
    struct sh_addr a = ip("10.0.0.1"), b = ip("10.0.0.2");
    struct host *h = host_get(t, &a, 0, 1);
    assert_null(host_evidence(t, h, EVK_DNS_TUNNEL, 0));
    struct evidence *e = host_evidence(t, h, EVK_DNS_TUNNEL, 1);
    assert_non_null(e);
    e->active = 1;
    assert_ptr_equal(host_evidence(t, h, EVK_DNS_TUNNEL, 1), e);
    assert_int_equal(e->kind, EVK_DNS_TUNNEL);
    struct evidence *f = host_evidence(t, h, EVK_DGA_NXDOMAIN, 1);
    assert_non_null(f);
    f->active = 1;
    /* full, and no other host to reclaim from: refused, counted */
    assert_null(host_evidence(t, h, EVK_DGA_SHARED, 1));
    struct host_table_stats st;
    host_table_get_stats(t, &st);
    assert_int_equal(st.evidence_exhausted, 1);
    assert_null(host_evidence(t, h, 99, 1));
    /* capacity 1: b's creation evicts h and frees its slots */
    struct host *g = host_get(t, &b, 1, 1);
    assert_non_null(host_evidence(t, g, EVK_DGA_NXDOMAIN, 1));
    host_table_destroy(t);

    /* two hosts, the pool full: the weaker unflagged one gives its back */
    t = table(2, 86400);
    struct host *x = host_get(t, &a, 0, 1), *y = host_get(t, &b, 0, 1);
    for (int k = 0; k < 2; k++) {
        host_evidence(t, x, k, 1)->active = 1;
        host_evidence(t, y, k, 1)->active = 1;
    }
    host_refile(t, x, 0);
    host_refile(t, y, 0);
    x->score = 2.0;
    y->score = 0.3;
    assert_non_null(host_evidence(t, x, EVK_DNS_TUNNEL, 1));
    assert_false(host_has_evidence(t, y));
    assert_true(host_has_evidence(t, x));
    host_table_get_stats(t, &st);
    assert_int_equal(st.evidence_reclaimed, 1);
    host_table_destroy(t);
}

static void allowlist_patterns(void **state)
{
    (void)state;
    struct cfg_names names;
    struct cidr_set nets;
    char err[128];
    memset(&names, 0, sizeof(names));
    snprintf(names.v[names.n++], CFG_STR_MAX, "*.corp.example");
    snprintf(names.v[names.n++], CFG_STR_MAX, "exact.example.org");
    assert_int_equal(cidr_set_parse_list(&nets, "192.0.2.0/24", err, sizeof(err)), 0);
    struct allow al = { &nets, &names };
    assert_true(allow_name(&al, "corp.example", 12));
    assert_true(allow_name(&al, "a.b.CORP.example.", 17));
    assert_false(allow_name(&al, "xcorp.example", 13));
    assert_true(allow_name(&al, "exact.example.org", 17));
    assert_false(allow_name(&al, "www.exact.example.org", 21));
    assert_false(allow_name(&al, "example.org", 11));
    struct sh_addr in = ip("192.0.2.9"), out = ip("198.51.100.1");
    assert_true(allow_addr(&al, &in));
    assert_false(allow_addr(&al, &out));
}

static void lru_map_recycles_the_oldest(void **state)
{
    (void)state;
    char err[128];
    struct lru_map *m = lru_create(2, sizeof(uint64_t), err, sizeof(err));
    int created;
    uint64_t *a = lru_get(m, 1, 1, &created);
    assert_true(created);
    *a = 11;
    uint64_t *b = lru_get(m, 2, 1, &created);
    *b = 22;
    assert_ptr_equal(lru_get(m, 1, 0, NULL), a);      /* 1 is now the newest */
    uint64_t *c = lru_get(m, 3, 1, &created);         /* evicts 2 */
    assert_true(created);
    assert_int_equal(*c, 0);                          /* zeroed */
    assert_null(lru_peek(m, 2));
    assert_int_equal(*(uint64_t *)lru_peek(m, 1), 11);
    assert_int_equal(lru_evictions(m), 1);
    assert_int_equal(lru_count(m), 2);
    lru_remove(m, c);
    assert_int_equal(lru_count(m), 1);
    assert_int_equal(lru_key_of(m, lru_oldest(m)), 1);
    lru_destroy(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(get_creates_once_and_finds_again),
        cmocka_unit_test(a_full_table_evicts_plain_hosts_before_protected_ones),
        cmocka_unit_test(idle_hosts_expire_through_the_callback),
        cmocka_unit_test(a_second_mac_for_an_active_binding_is_a_conflict),
        cmocka_unit_test(a_hint_never_displaces_an_active_binding),
        cmocka_unit_test(a_stale_binding_moves_without_conflict),
        cmocka_unit_test(routers_are_recognised_by_what_they_do),
        cmocka_unit_test(claims_for_other_addresses_do_not_make_a_router),
        cmocka_unit_test(the_owner_of_a_mac_is_known_unless_shared),
        cmocka_unit_test(evidence_slots_are_per_kind_and_reclaimed_from_the_weakest),
        cmocka_unit_test(allowlist_patterns),
        cmocka_unit_test(lru_map_recycles_the_oldest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
