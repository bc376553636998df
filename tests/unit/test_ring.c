/*
 * test_ring.c -- SPSC ring: order, full/empty, close, a real two-thread run.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../capture/ring.h"

static void capacity_rounds_up_to_a_power_of_two(void **state)
{
    (void)state;
    char err[128];
    struct ring *r = ring_create(5, 16, err, sizeof(err));
    assert_non_null(r);
    assert_int_equal(ring_capacity(r), 8);
    ring_destroy(r);
    ring_destroy(NULL);
}

static void full_ring_refuses_and_empty_ring_has_nothing(void **state)
{
    (void)state;
    char err[128];
    struct ring *r = ring_create(4, sizeof(uint32_t), err, sizeof(err));
    assert_null(ring_peek(r));
    for (uint32_t i = 0; i < 4; i++) {
        uint32_t *s = ring_reserve(r);
        assert_non_null(s);
        *s = i;
        ring_commit(r);
    }
    assert_null(ring_reserve(r));            /* full: live capture drops */
    for (uint32_t i = 0; i < 4; i++) {
        uint32_t *s = ring_peek(r);
        assert_non_null(s);
        assert_int_equal(*s, i);             /* FIFO */
        ring_release(r);
    }
    assert_null(ring_peek(r));
    assert_non_null(ring_reserve(r));
    ring_destroy(r);
}

static void closed_empty_ring_ends_the_consumer(void **state)
{
    (void)state;
    char err[128];
    struct ring *r = ring_create(4, 8, err, sizeof(err));
    uint64_t *s = ring_reserve(r);
    *s = 42;
    ring_commit(r);
    ring_close(r);
    s = ring_peek_wait(r);
    assert_non_null(s);                      /* committed before close */
    assert_int_equal(*s, 42);
    ring_release(r);
    assert_null(ring_peek_wait(r));
    ring_destroy(r);
}

#define N_ITEMS 200000

static void *producer(void *arg)
{
    struct ring *r = arg;
    for (uint64_t i = 0; i < N_ITEMS; i++) {
        uint64_t *s = ring_reserve_wait(r);
        s[0] = i;
        s[1] = i * 7 + 1;
        ring_commit(r);
    }
    ring_close(r);
    return NULL;
}

static void two_threads_pass_every_item_in_order(void **state)
{
    (void)state;
    char err[128];
    struct ring *r = ring_create(64, 2 * sizeof(uint64_t), err, sizeof(err));
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, producer, r), 0);
    uint64_t expect = 0;
    uint64_t *s;
    while ((s = ring_peek_wait(r)) != NULL) {
        assert_int_equal(s[0], expect);
        assert_int_equal(s[1], expect * 7 + 1);
        expect++;
        ring_release(r);
    }
    pthread_join(th, NULL);
    assert_int_equal(expect, N_ITEMS);
    ring_destroy(r);
}

static void producer_wait_gives_up_when_the_consumer_is_gone(void **state)
{
    (void)state;
    char err[128];
    struct ring *r = ring_create(2, 8, err, sizeof(err));
    for (int i = 0; i < 2; i++) {
        assert_non_null(ring_reserve(r));
        ring_commit(r);
    }
    ring_stop_consumer(r);
    assert_null(ring_reserve_wait(r));
    ring_destroy(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(capacity_rounds_up_to_a_power_of_two),
        cmocka_unit_test(full_ring_refuses_and_empty_ring_has_nothing),
        cmocka_unit_test(closed_empty_ring_ends_the_consumer),
        cmocka_unit_test(two_threads_pass_every_item_in_order),
        cmocka_unit_test(producer_wait_gives_up_when_the_consumer_is_gone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
