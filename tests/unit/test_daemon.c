/*
 * test_daemon.c -- the log rate limiter, the watchdog's decision, the
 * replay progress line's text.  Expected values are worked out by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "../../appliance/daemon.h"
#include "../../appliance/progress.h"

/* limit 5 per minute: 5 pass, the rest are counted; the first line after
 * the minute passes and reports how many were suppressed */
static void limit_per_kind_per_minute(void **state)
{
    (void)state;
    struct ratelimit rl;
    unsigned long before;
    ratelimit_init(&rl, 5);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(ratelimit_check(&rl, "health:ring", 100 + (uint64_t)i, &before), 1);
        assert_int_equal(before, 0);
    }
    for (int i = 0; i < 7; i++) {
        assert_int_equal(ratelimit_check(&rl, "health:ring", 110, &before), 0);
        assert_int_equal(before, 0);
    }
    /* another kind is not affected */
    assert_int_equal(ratelimit_check(&rl, "redis", 110, &before), 1);
    /* 159 s is still the window that began at 100 */
    assert_int_equal(ratelimit_check(&rl, "health:ring", 159, &before), 0);
    assert_int_equal(before, 0);
    /* 160: a new window, 8 were suppressed in the last one */
    assert_int_equal(ratelimit_check(&rl, "health:ring", 160, &before), 1);
    assert_int_equal(before, 8);
    assert_int_equal(ratelimit_check(&rl, "health:ring", 161, &before), 1);
    assert_int_equal(before, 0);
}

static void zero_limit_never_suppresses(void **state)
{
    (void)state;
    struct ratelimit rl;
    unsigned long before;
    ratelimit_init(&rl, 0);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(ratelimit_check(&rl, "x", 5, &before), 1);
}

static unsigned long g_seen;
static char g_kind[RL_KIND_LEN];
static void seen(void *ctx, const char *kind, unsigned long n)
{
    (void)ctx;
    g_seen += n;
    snprintf(g_kind, sizeof(g_kind), "%s", kind);
}

/* a stretch that stops: its summary comes when its minute is over */
static void expire_reports_ended_windows_once(void **state)
{
    (void)state;
    struct ratelimit rl;
    unsigned long before;
    ratelimit_init(&rl, 2);
    for (int i = 0; i < 5; i++)
        ratelimit_check(&rl, "source", 10, &before);          /* 2 pass, 3 suppressed */
    g_seen = 0;
    ratelimit_expire(&rl, 69, seen, NULL);
    assert_int_equal(g_seen, 0);                             /* window not over */
    ratelimit_expire(&rl, 70, seen, NULL);
    assert_int_equal(g_seen, 3);
    assert_string_equal(g_kind, "source");
    ratelimit_expire(&rl, 200, seen, NULL);
    assert_int_equal(g_seen, 3);                             /* reported once */
    assert_int_equal(ratelimit_check(&rl, "source", 71, &before), 1);
    assert_int_equal(before, 0);
}

/* more kinds than slots: bounded, the least recently used slot is reused */
static void kinds_are_bounded(void **state)
{
    (void)state;
    struct ratelimit rl;
    unsigned long before;
    char k[32];
    ratelimit_init(&rl, 1);
    for (int i = 0; i < RL_KINDS * 3; i++) {
        snprintf(k, sizeof(k), "kind%d", i);
        assert_int_equal(ratelimit_check(&rl, k, 1000 + (uint64_t)i, &before), 1);
    }
    /* the most recent kind is still tracked: a second line is suppressed */
    snprintf(k, sizeof(k), "kind%d", RL_KINDS * 3 - 1);
    assert_int_equal(ratelimit_check(&rl, k, 1000 + RL_KINDS * 3, &before), 0);
    /* and the first kind was evicted: it passes again at once */
    assert_int_equal(ratelimit_check(&rl, "kind0", 1000 + RL_KINDS * 3, &before), 1);
}

static void watchdog_pings_only_with_a_live_capture_thread(void **state)
{
    (void)state;
    const uint64_t us = 30000000;            /* WatchdogSec=30 */
    /* due, heartbeat 100 ms ago: ping */
    assert_int_equal(daemon_watchdog_due(50000000, 40000000, 49900000, us), 1);
    /* not due yet */
    assert_int_equal(daemon_watchdog_due(39000000, 40000000, 38900000, us), 0);
    /* capture thread silent for exactly half the interval: still ok */
    assert_int_equal(daemon_watchdog_due(50000000, 40000000, 35000000, us), 1);
    /* silent for more than half: no ping (systemd restarts the daemon) */
    assert_int_equal(daemon_watchdog_due(50000000, 40000000, 34999999, us), 0);
    /* heartbeat read from the precise clock, ahead of the coarse now */
    assert_int_equal(daemon_watchdog_due(50000000, 40000000, 50000400, us), 1);
    /* no watchdog */
    assert_int_equal(daemon_watchdog_due(50000000, 0, 50000000, 0), 0);
}

/* A name from the wire with a newline in it must not start a line of its
 * own ("<0>spanhound: ..." is an emergency to journald) nor carry terminal
 * escapes; verdict lines (kind NULL) are never suppressed. */
static void log_lines_stay_one_line(void **state)
{
    (void)state;
    char buf[4096];
    FILE *f = tmpfile();
    assert_non_null(f);
    daemon_log_setup(f, 2, 0);
    daemon_log(DLOG_WARNING, NULL, "host 10.0.0.1: %s",
               "tells about evil.example\n<0>spanhound: host 10.0.0.2 cleared\x1b[2J\x7f\r");
    for (int i = 0; i < 6; i++)
        daemon_log(DLOG_NOTICE, NULL, "verdict %d", i);
    for (int i = 0; i < 3; i++)
        daemon_log(DLOG_NOTICE, "k", "kind %d", i);
    fflush(f);
    rewind(f);
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    daemon_log_setup(stderr, 5, 0);
    fclose(f);
    assert_string_equal(buf,
        "spanhound: host 10.0.0.1: tells about evil.example\\x0a<0>spanhound: host 10.0.0.2 "
        "cleared\\x1b[2J\\x7f\\x0d\n"
        "spanhound: verdict 0\nspanhound: verdict 1\nspanhound: verdict 2\n"
        "spanhound: verdict 3\nspanhound: verdict 4\nspanhound: verdict 5\n"
        "spanhound: kind 0\nspanhound: kind 1\n");
    /* bounded: a cut never splits an escape */
    char small[8];
    assert_int_equal(daemon_log_clean(small, sizeof(small), "ab\ncd"), 7);
    assert_string_equal(small, "ab\\x0ac");
    assert_int_equal(daemon_log_clean(small, sizeof(small), "abcd\nx"), 4);
    assert_string_equal(small, "abcd");
    assert_int_equal(daemon_log_clean(small, sizeof(small), "abcdefghij"), 7);
}

static void progress_line_text(void **state)
{
    (void)state;
    char buf[256];
    /* 2 of 3 files, 1,200,000 packets, 400 of 1000 MB in 10 s:
     * 120.0k pkt/s, 400e6*8/10 = 320.0 Mbit/s, 600 MB left at 40 MB/s = 15 s */
    struct progress_sample s = { 2, 3, 1200000, 400000000, 1000000000, 10.0 };
    progress_format(buf, sizeof(buf), &s);
    assert_string_equal(buf, "replay 2/3 files  1.20M pkts  400.0/1000.0 MB (40%)  "
                             "120.0k pkt/s  320.0 Mbit/s  ETA 0:15");
    /* an hour and more: h:mm:ss; one file */
    struct progress_sample l = { 1, 1, 999, 1000000, 4000000, 1234.0 };   /* 3702 s left; 0.81 pkt/s shows as 1 */
    progress_format(buf, sizeof(buf), &l);
    assert_string_equal(buf, "replay 1/1 file  999 pkts  1.0/4.0 MB (25%)  1 pkt/s  "
                             "0.0 Mbit/s  ETA 1:01:42");
    /* the very start: no rate, no ETA yet */
    struct progress_sample z = { 1, 2, 0, 0, 5000000, 0.0 };
    progress_format(buf, sizeof(buf), &z);
    assert_string_equal(buf, "replay 1/2 files  0 pkts  0.0/5.0 MB (0%)  - pkt/s  0.0 Mbit/s  ETA -");
    /* files under a megabyte: kB; 77,000 of 186,000 bytes in 0.5 s:
     * 41%, 150/0.5 = 300 pkt/s, 77000*8/0.5 = 1.232 Mbit/s, 109000 B left
     * at 154 kB/s = 0.71 s -> 0:01 */
    struct progress_sample k = { 1, 2, 150, 77000, 186000, 0.5 };
    progress_format(buf, sizeof(buf), &k);
    assert_string_equal(buf, "replay 1/2 files  150 pkts  77.0/186.0 kB (41%)  300 pkt/s  "
                             "1.2 Mbit/s  ETA 0:01");
    /* a short buffer is cut, not overrun */
    char small[16];
    memset(small, 'X', sizeof(small));
    progress_format(small, 10, &s);
    assert_string_equal(small, "replay 2/");
    assert_int_equal(small[10], 'X');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(limit_per_kind_per_minute),
        cmocka_unit_test(zero_limit_never_suppresses),
        cmocka_unit_test(expire_reports_ended_windows_once),
        cmocka_unit_test(kinds_are_bounded),
        cmocka_unit_test(watchdog_pings_only_with_a_live_capture_thread),
        cmocka_unit_test(log_lines_stay_one_line),
        cmocka_unit_test(progress_line_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
