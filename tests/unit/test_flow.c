/*
 * test_flow.c -- flow table: canonical keys, LRU eviction, per-class expiry,
 * end callbacks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../capture/flow.h"

struct ended {
    int n;
    int reasons[64];
    uint64_t ids[64];
};

static void on_end(void *ctx, struct flow *f, int reason)
{
    struct ended *e = ctx;
    if (e->n < 64) {
        e->reasons[e->n] = reason;
        e->ids[e->n] = f->flow_id;
    }
    e->n++;
}

static struct flow_timeouts timeouts(void)
{
    struct flow_timeouts t;
    t.sec[FC_TCP_NEW] = 30;
    t.sec[FC_TCP_EST] = 600;
    t.sec[FC_TCP_CLOSED] = 10;
    t.sec[FC_UDP] = 60;
    t.sec[FC_ICMP] = 30;
    t.sec[FC_OTHER] = 60;
    return t;
}

static struct pkt mkpkt(uint8_t src_last, uint8_t dst_last, uint16_t sp, uint16_t dp, uint8_t proto)
{
    struct pkt pk;
    memset(&pk, 0, sizeof(pk));
    pk.ipver = 4;
    pk.src.family = pk.dst.family = 4;
    pk.src.a[0] = 10; pk.src.a[3] = src_last;
    pk.dst.a[0] = 10; pk.dst.a[3] = dst_last;
    pk.sport = sp;
    pk.dport = dp;
    pk.l4proto = proto;
    return pk;
}

static void both_directions_share_one_canonical_key(void **state)
{
    (void)state;
    struct pkt a = mkpkt(1, 2, 40000, 80, 6), b = mkpkt(2, 1, 80, 40000, 6);
    struct flow_key ka, kb;
    int ia, ib;
    flow_key_from_pkt(&a, &ka, &ia);
    flow_key_from_pkt(&b, &kb, &ib);
    assert_memory_equal(&ka, &kb, sizeof(ka));
    assert_int_not_equal(ia, ib);
}

static void vlan_separates_otherwise_equal_flows(void **state)
{
    (void)state;
    struct pkt a = mkpkt(1, 2, 40000, 80, 6), b = a;
    struct flow_key ka, kb;
    int ia;
    b.vlan = 7;
    flow_key_from_pkt(&a, &ka, &ia);
    flow_key_from_pkt(&b, &kb, &ia);
    assert_memory_not_equal(&ka, &kb, sizeof(ka));
}

static void lookup_finds_what_it_created(void **state)
{
    (void)state;
    char err[128];
    struct ended e = { 0 };
    struct flow_timeouts to = timeouts();
    struct flow_table *t = flow_table_create(8, &to, on_end, &e, err, sizeof(err));
    assert_non_null(t);
    struct pkt a = mkpkt(1, 2, 40000, 80, 6);
    struct flow_key k;
    int ia, created;
    flow_key_from_pkt(&a, &k, &ia);
    struct flow *f = flow_lookup(t, &k, 1000000, &created);
    assert_true(created);
    assert_int_equal(f->first_us, 1000000);
    assert_true(f->flow_id != 0 && f->flow_id < (1ULL << 51));
    struct flow *g = flow_lookup(t, &k, 2000000, &created);
    assert_false(created);
    assert_ptr_equal(f, g);
    flow_table_destroy(t);
    assert_int_equal(e.n, 0);   /* destroy does not call on_end */
}

static void flow_ids_are_deterministic_across_tables(void **state)
{
    (void)state;
    char err[128];
    struct flow_timeouts to = timeouts();
    struct flow_table *t1 = flow_table_create(4, &to, NULL, NULL, err, sizeof(err));
    struct flow_table *t2 = flow_table_create(4, &to, NULL, NULL, err, sizeof(err));
    struct pkt a = mkpkt(1, 2, 40000, 80, 6);
    struct flow_key k;
    int ia, c;
    flow_key_from_pkt(&a, &k, &ia);
    assert_int_equal(flow_lookup(t1, &k, 5, &c)->flow_id, flow_lookup(t2, &k, 5, &c)->flow_id);
    flow_table_destroy(t1);
    flow_table_destroy(t2);
}

static void a_full_table_evicts_the_least_recently_seen(void **state)
{
    (void)state;
    char err[128];
    struct ended e = { 0 };
    struct flow_timeouts to = timeouts();
    struct flow_table *t = flow_table_create(3, &to, on_end, &e, err, sizeof(err));
    struct flow *f[4];
    int ia, c;
    for (int i = 0; i < 3; i++) {
        struct pkt p = mkpkt(1, 2, (uint16_t)(1000 + i), 80, 6);
        struct flow_key k;
        flow_key_from_pkt(&p, &k, &ia);
        f[i] = flow_lookup(t, &k, (uint64_t)(i + 1) * 1000000, &c);
    }
    uint64_t oldest_id = f[0]->flow_id;
    uint64_t second_id = f[1]->flow_id;
    /* touch flow 0 so that flow 1 becomes the least recently seen */
    flow_touch(t, f[0], FC_TCP_EST, 4000000);
    struct pkt p = mkpkt(1, 2, 2000, 80, 6);
    struct flow_key k;
    flow_key_from_pkt(&p, &k, &ia);
    f[3] = flow_lookup(t, &k, 5000000, &c);
    assert_true(c);
    assert_int_equal(e.n, 1);
    assert_int_equal(e.reasons[0], FLOW_END_EVICTED);
    assert_int_equal(e.ids[0], second_id);
    assert_int_not_equal(e.ids[0], oldest_id);
    struct flow_table_stats st;
    flow_table_stats(t, &st);
    assert_int_equal(st.evicted, 1);
    assert_int_equal(st.active, 3);
    flow_table_destroy(t);
}

static void capacity_one_still_works(void **state)
{
    (void)state;
    char err[128];
    struct ended e = { 0 };
    struct flow_timeouts to = timeouts();
    struct flow_table *t = flow_table_create(1, &to, on_end, &e, err, sizeof(err));
    int ia, c;
    for (int i = 0; i < 10; i++) {
        struct pkt p = mkpkt(1, 2, (uint16_t)(1000 + i), 53, 17);
        struct flow_key k;
        flow_key_from_pkt(&p, &k, &ia);
        struct flow *f = flow_lookup(t, &k, (uint64_t)i, &c);
        assert_true(c);
        assert_non_null(f);
    }
    assert_int_equal(e.n, 9);
    flow_table_destroy(t);
}

static void each_class_expires_after_its_own_timeout(void **state)
{
    (void)state;
    char err[128];
    struct ended e = { 0 };
    struct flow_timeouts to = timeouts();
    struct flow_table *t = flow_table_create(16, &to, on_end, &e, err, sizeof(err));
    int ia, c;
    struct pkt pu = mkpkt(1, 2, 1000, 53, 17), pt = mkpkt(1, 2, 1001, 80, 6);
    struct flow_key ku, kt;
    flow_key_from_pkt(&pu, &ku, &ia);
    flow_key_from_pkt(&pt, &kt, &ia);
    struct flow *fu = flow_lookup(t, &ku, 0, &c);
    struct flow *ft = flow_lookup(t, &kt, 0, &c);
    (void)fu;
    flow_touch(t, ft, FC_TCP_CLOSED, 0);
    assert_int_equal(flow_expire(t, 9999999), 0);       /* 10 s not reached */
    assert_int_equal(flow_expire(t, 10000000), 1);      /* closed TCP: 10 s */
    assert_int_equal(e.reasons[0], FLOW_END_CLOSED);
    assert_int_equal(flow_expire(t, 59999999), 0);
    assert_int_equal(flow_expire(t, 60000000), 1);      /* UDP: 60 s */
    assert_int_equal(e.reasons[1], FLOW_END_TIMEOUT);
    flow_table_destroy(t);
}

static void flush_ends_every_flow_oldest_first(void **state)
{
    (void)state;
    char err[128];
    struct ended e = { 0 };
    struct flow_timeouts to = timeouts();
    struct flow_table *t = flow_table_create(16, &to, on_end, &e, err, sizeof(err));
    int ia, c;
    uint64_t ids[5];
    for (int i = 0; i < 5; i++) {
        struct pkt p = mkpkt(1, 2, (uint16_t)(1000 + i), 53, (uint8_t)(i % 2 ? 6 : 17));
        struct flow_key k;
        flow_key_from_pkt(&p, &k, &ia);
        ids[i] = flow_lookup(t, &k, (uint64_t)(i + 1) * 1000, &c)->flow_id;
    }
    flow_flush(t, FLOW_END_SHUTDOWN);
    assert_int_equal(e.n, 5);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(e.reasons[i], FLOW_END_SHUTDOWN);
        assert_int_equal(e.ids[i], ids[i]);
    }
    flow_table_destroy(t);
}

static void ended_records_are_reused(void **state)
{
    (void)state;
    char err[128];
    struct ended e = { 0 };
    struct flow_timeouts to = timeouts();
    struct flow_table *t = flow_table_create(2, &to, on_end, &e, err, sizeof(err));
    int ia, c;
    for (int i = 0; i < 1000; i++) {
        struct pkt p = mkpkt(1, 2, (uint16_t)(1000 + i), 53, 17);
        struct flow_key k;
        flow_key_from_pkt(&p, &k, &ia);
        struct flow *f = flow_lookup(t, &k, (uint64_t)i, &c);
        flow_end(t, f, FLOW_END_CLOSED);
    }
    struct flow_table_stats st;
    flow_table_stats(t, &st);
    assert_int_equal(st.created, 1000);
    assert_int_equal(st.evicted, 0);
    assert_int_equal(st.peak_active, 1);
    flow_table_destroy(t);
}

static void zero_capacity_is_refused(void **state)
{
    (void)state;
    char err[128] = "";
    struct flow_timeouts to = timeouts();
    assert_null(flow_table_create(0, &to, NULL, NULL, err, sizeof(err)));
    assert_true(strlen(err) > 0);
    flow_table_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(both_directions_share_one_canonical_key),
        cmocka_unit_test(vlan_separates_otherwise_equal_flows),
        cmocka_unit_test(lookup_finds_what_it_created),
        cmocka_unit_test(flow_ids_are_deterministic_across_tables),
        cmocka_unit_test(a_full_table_evicts_the_least_recently_seen),
        cmocka_unit_test(capacity_one_still_works),
        cmocka_unit_test(each_class_expires_after_its_own_timeout),
        cmocka_unit_test(flush_ends_every_flow_oldest_first),
        cmocka_unit_test(ended_records_are_reused),
        cmocka_unit_test(zero_capacity_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
