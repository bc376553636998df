/*
 * test_dnspair.c -- query/response pairing, unanswered queries, overflow.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../capture/dnspair.h"

static struct sh_event query(uint64_t flow, uint16_t id, const char *name, uint64_t ts)
{
    struct sh_event ev;
    ev_reset(&ev, EV_DNS);
    ev.flow_id = flow;
    ev.ts_us = ts;
    ev.proto = 17;
    ev.src.family = ev.dst.family = 4;
    ev.src.a[0] = 10;
    ev.sport = 40000;
    ev.dport = 53;
    ev.u.dns.id = id;
    ev.u.dns.nq = 1;
    ev.u.dns.q[0].type = 1;
    ev.u.dns.q[0].name = ev_puts(&ev, name, 0);
    return ev;
}

static void a_response_pairs_with_its_query_and_gets_an_rtt(void **state)
{
    (void)state;
    char err[64];
    struct dnspair *t = dnspair_create(8, err, sizeof(err));
    struct sh_event q = query(1, 77, "a.example", 1000), r = query(1, 77, "a.example", 1500);
    r.u.dns.qr = 1;
    dnspair_query(t, &q);
    assert_int_equal(dnspair_answer(t, &r), 1);
    assert_int_equal(r.u.dns.paired, 1);
    assert_int_equal(r.u.dns.rtt_us, 500);
    /* a second answer finds nothing */
    assert_int_equal(dnspair_answer(t, &r), 0);
    struct sh_event ev;
    assert_int_equal(dnspair_expire(t, 1000000000, 1, 1, &ev), 0);
    dnspair_destroy(t);
}

static void same_id_in_another_flow_does_not_pair(void **state)
{
    (void)state;
    char err[64];
    struct dnspair *t = dnspair_create(8, err, sizeof(err));
    struct sh_event q = query(1, 77, "a.example", 1000), r = query(2, 77, "a.example", 1500);
    r.u.dns.qr = 1;
    dnspair_query(t, &q);
    assert_int_equal(dnspair_answer(t, &r), 0);
    dnspair_destroy(t);
}

static void an_unanswered_query_comes_back_after_the_timeout(void **state)
{
    (void)state;
    char err[64];
    struct dnspair *t = dnspair_create(8, err, sizeof(err));
    struct sh_event q = query(9, 5, "lost.example", 1000000), ev;
    dnspair_query(t, &q);
    assert_int_equal(dnspair_expire(t, 5999999, 5000000, 0, &ev), 0);
    assert_int_equal(dnspair_expire(t, 6000000, 5000000, 0, &ev), 1);
    assert_int_equal(ev.type, EV_DNS);
    assert_true(ev.u.dns.unanswered);
    assert_int_equal(ev.u.dns.id, 5);
    assert_int_equal(ev.flow_id, 9);
    assert_int_equal(ev.ts_us, 1000000);
    assert_int_equal(ev.sport, 40000);
    assert_string_equal(ev_s(&ev, ev.u.dns.q[0].name), "lost.example");
    assert_int_equal(dnspair_expire(t, 6000000, 5000000, 0, &ev), 0);
    dnspair_destroy(t);
}

static void a_full_table_forgets_the_oldest_and_counts_it(void **state)
{
    (void)state;
    char err[64];
    struct dnspair *t = dnspair_create(3, err, sizeof(err));
    for (uint16_t i = 0; i < 5; i++) {
        struct sh_event q = query(1, i, "x.example", i);
        dnspair_query(t, &q);
    }
    struct dnspair_stats st;
    dnspair_get_stats(t, &st);
    assert_int_equal(st.overflow, 2);
    struct sh_event ev;
    int n = 0;
    uint16_t first = 0;
    while (dnspair_expire(t, 0, 0, 1, &ev)) {
        if (n == 0)
            first = ev.u.dns.id;
        n++;
    }
    assert_int_equal(n, 3);
    assert_int_equal(first, 2);
    dnspair_destroy(t);
}

static void answered_entries_in_the_middle_are_skipped_on_expiry(void **state)
{
    (void)state;
    char err[64];
    struct dnspair *t = dnspair_create(4, err, sizeof(err));
    for (uint16_t i = 0; i < 3; i++) {
        struct sh_event q = query(1, i, "x.example", 10);
        dnspair_query(t, &q);
    }
    struct sh_event r = query(1, 1, "x.example", 20), ev;
    r.u.dns.qr = 1;
    assert_int_equal(dnspair_answer(t, &r), 1);
    assert_int_equal(dnspair_expire(t, 100, 1, 0, &ev), 1);
    assert_int_equal(ev.u.dns.id, 0);
    assert_int_equal(dnspair_expire(t, 100, 1, 0, &ev), 1);
    assert_int_equal(ev.u.dns.id, 2);
    assert_int_equal(dnspair_expire(t, 100, 1, 0, &ev), 0);
    dnspair_destroy(t);
}

static void answered_queries_behind_a_pending_one_do_not_push_it_out(void **state)
{
    (void)state;
    char err[64];
    struct dnspair *t = dnspair_create(4, err, sizeof(err));
    struct sh_event q0 = query(1, 100, "pending.example", 1), ev;
    dnspair_query(t, &q0);
    for (uint16_t i = 0; i < 10; i++) {       /* many answered in turn */
        struct sh_event q = query(1, i, "x.example", 2 + i);
        struct sh_event r = query(1, i, "x.example", 3 + i);
        r.u.dns.qr = 1;
        dnspair_query(t, &q);
        assert_int_equal(dnspair_answer(t, &r), 1);
    }
    struct dnspair_stats st;
    dnspair_get_stats(t, &st);
    assert_int_equal(st.overflow, 0);
    assert_int_equal(dnspair_expire(t, 0, 0, 1, &ev), 1);
    assert_int_equal(ev.u.dns.id, 100);
    assert_string_equal(ev_s(&ev, ev.u.dns.q[0].name), "pending.example");
    /* and pairing still works after the squeeze */
    struct sh_event q = query(2, 7, "y.example", 50), r = query(2, 7, "y.example", 60);
    r.u.dns.qr = 1;
    dnspair_query(t, &q);
    assert_int_equal(dnspair_answer(t, &r), 1);
    dnspair_destroy(t);
}

static void a_retransmitted_query_is_remembered_once(void **state)
{
    (void)state;
    char err[64];
    struct dnspair *t = dnspair_create(4, err, sizeof(err));
    struct sh_event q = query(1, 3, "x.example", 10), ev;
    dnspair_query(t, &q);
    dnspair_query(t, &q);
    int n = 0;
    while (dnspair_expire(t, 0, 0, 1, &ev))
        n++;
    assert_int_equal(n, 1);
    dnspair_destroy(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_response_pairs_with_its_query_and_gets_an_rtt),
        cmocka_unit_test(same_id_in_another_flow_does_not_pair),
        cmocka_unit_test(an_unanswered_query_comes_back_after_the_timeout),
        cmocka_unit_test(a_full_table_forgets_the_oldest_and_counts_it),
        cmocka_unit_test(answered_entries_in_the_middle_are_skipped_on_expiry),
        cmocka_unit_test(answered_queries_behind_a_pending_one_do_not_push_it_out),
        cmocka_unit_test(a_retransmitted_query_is_remembered_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
