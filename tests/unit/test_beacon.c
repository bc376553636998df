/*
 * test_beacon.c -- C2 by behaviour: the beacon statistics against values
 * computed by hand (the arithmetic is in the comments), evidence keyed by
 * (kind, indicator) with a per-host bound, the services list, and the
 * detectors on a host table: rhythm (two passing windows to raise, the
 * standalone cap, evidence following the window), listed names no answer
 * vouched for, prevalence counted only from hosts whose bindings held,
 * failures, long sessions with and without rhythm, unusual ports, fan-out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../config/cidr.h"
#include "../../detect/beacon.h"
#include "../../detect/host.h"
#include "../../detect/params.h"
#include "../../detect/services.h"

#define S 1000000ULL
#define EPS 1e-6

/* ---- statistics, by hand ---------------------------------------------- */

static void stats_of_a_perfect_beacon(void **state)
{
    (void)state;
    /* gaps 10,10,10,10: period 10, MAD 0, quartiles 10/10 (no skew),
     * sizes all 100: every score 1 */
    double t[] = { 0, 10, 20, 30, 40 }, z[] = { 100, 100, 100, 100, 100 };
    struct beacon_stats st;
    assert_int_equal(beacon_stats(t, z, 5, &st), 0);
    assert_int_equal(st.n, 5);
    assert_float_equal(st.period, 10, EPS);
    assert_float_equal(st.mad, 0, EPS);
    assert_float_equal(st.skew, 0, EPS);
    assert_float_equal(st.ts_score, 1, EPS);
    assert_float_equal(st.size_score, 1, EPS);
    assert_float_equal(st.score, 1, EPS);
}

static void stats_with_skewed_gaps(void **state)
{
    (void)state;
    /* t 0,8,20,29,41,50: gaps 8,12,9,12,9 -> sorted 8,9,9,12,12;
     * median 9; hinges: lower half 8,9 -> 8.5, upper half 12,12 -> 12;
     * Bowley (8.5 + 12 - 18) / 3.5 = 0.714286; |gap - 9| = 1,3,0,3,0 ->
     * sorted 0,0,1,3,3 -> MAD 1, jitter 1/9 <= 0.15 -> MAD score 1;
     * ts = 0.75 + 0.25 * (1 - 0.714286) = 0.821429.  Sizes 100 x5, 200:
     * median 100, deviations 0 x5, 100 -> MAD 0 -> size score 1.
     * score = 0.7 * 0.821429 + 0.3 = 0.875 */
    double t[] = { 0, 8, 20, 29, 41, 50 }, z[] = { 100, 100, 100, 200, 100, 100 };
    struct beacon_stats st;
    assert_int_equal(beacon_stats(t, z, 6, &st), 0);
    assert_float_equal(st.period, 9, EPS);
    assert_float_equal(st.q1, 8.5, EPS);
    assert_float_equal(st.q3, 12, EPS);
    assert_float_equal(st.skew, 2.5 / 3.5, EPS);
    assert_float_equal(st.mad, 1, EPS);
    assert_float_equal(st.ts_score, 0.75 + 0.25 * (1 - 2.5 / 3.5), EPS);
    assert_float_equal(st.size, 100, EPS);
    assert_float_equal(st.score, 0.7 * (0.75 + 0.25 * (1 - 2.5 / 3.5)) + 0.3, EPS);
}

static void stats_with_fifty_percent_jitter(void **state)
{
    (void)state;
    /* a 10 s sleep with +-50 % jitter: gaps 5,10,15,7.5,12.5 -> sorted
     * 5,7.5,10,12.5,15; median 10; hinges 6.25 / 13.75 -> skew 0;
     * |gap - 10| -> 0,2.5,2.5,5,5 -> MAD 2.5, jitter 0.25;
     * MAD score 1 - (0.25 - 0.15) / 0.5 = 0.8; ts = 0.6 + 0.25 = 0.85;
     * equal sizes: score = 0.7 * 0.85 + 0.3 = 0.895 (above 0.7) */
    double t[] = { 0, 5, 15, 30, 37.5, 50 }, z[] = { 60, 60, 60, 60, 60, 60 };
    struct beacon_stats st;
    assert_int_equal(beacon_stats(t, z, 6, &st), 0);
    assert_float_equal(st.period, 10, EPS);
    assert_float_equal(st.skew, 0, EPS);
    assert_float_equal(st.jitter, 0.25, EPS);
    assert_float_equal(st.ts_score, 0.85, EPS);
    assert_float_equal(st.score, 0.895, EPS);
}

static void stats_of_exponential_gaps_stay_low(void **state)
{
    (void)state;
    /* gaps 1,2,4,8: median 3; hinges 1.5 / 6 -> skew (1.5 + 6 - 6) / 4.5
     * = 1/3; |gap - 3| -> 1,1,2,5 -> MAD 1.5, jitter 0.5; MAD score
     * 1 - 0.35 / 0.5 = 0.3; ts = 0.225 + 0.25 * 2/3 = 0.391667;
     * score = 0.7 * 0.391667 + 0.3 = 0.574167 (below 0.7) */
    double t[] = { 0, 1, 3, 7, 15 }, z[] = { 9, 9, 9, 9, 9 };
    struct beacon_stats st;
    assert_int_equal(beacon_stats(t, z, 5, &st), 0);
    assert_float_equal(st.skew, 1.0 / 3, EPS);
    assert_float_equal(st.jitter, 0.5, EPS);
    assert_float_equal(st.ts_score, 0.225 + 0.25 * 2.0 / 3, EPS);
    assert_float_equal(st.score, 0.7 * (0.225 + 0.25 * 2.0 / 3) + 0.3, EPS);
}

static void stats_merge_events_closer_than_a_tenth(void **state)
{
    (void)state;
    /* 0.05 s after the first is the same event: 4 events, gaps 10,10,10;
     * the merged event's size (999) is not used; 3 events are too few */
    double t[] = { 0, 0.05, 10, 20, 30 }, z[] = { 50, 999, 50, 50, 50 };
    struct beacon_stats st;
    assert_int_equal(beacon_stats(t, z, 5, &st), 0);
    assert_int_equal(st.n, 4);
    assert_float_equal(st.size_score, 1, EPS);
    assert_int_equal(beacon_stats(t + 2, z + 2, 3, &st), -1);
    assert_int_equal(st.n, 0);
}

/* ---- host table with keyed evidence ------------------------------------ */

static struct host_table *table(size_t cap)
{
    char err[128];
    struct host_params p = {
        .idle_us = 86400 * S, .active_us = 900 * S, .stale_us = 86400 * S,
        .stable_us = 120 * S, .router_window_us = 3600 * S,
        .router_min_external = 8, .router_min_senders = 2, .router_ips = 4,
    };
    struct host_table *t = host_table_create(cap, &p, err, sizeof(err));
    assert_non_null(t);
    return t;
}

static struct sh_addr ip(const char *s)
{
    struct sh_addr a;
    assert_int_equal(addr_parse(s, &a), 0);
    return a;
}

static struct evidence *keyed(struct host_table *t, struct host *h, const char *ind,
                              double strength)
{
    struct evidence *e = host_evidence_keyed(t, h, EVK_BEACON, ind, strength);
    if (e) {
        e->active = 1;
        e->weight = 1;
        e->confidence = strength;
    }
    return e;
}

static void evidence_is_keyed_bounded_and_the_weakest_gives_way(void **state)
{
    (void)state;
    struct host_table *t = table(4);
    struct sh_addr a = ip("10.0.0.1");
    struct host *h = host_get(t, &a, 0, 1);
    char ind[32];
    /* two destinations are two evidences of one kind */
    struct evidence *x = keyed(t, h, "c2-a.example", 0.5);
    struct evidence *y = keyed(t, h, "c2-b.example", 0.6);
    assert_non_null(x);
    assert_non_null(y);
    assert_ptr_not_equal(x, y);
    assert_ptr_equal(host_evidence_keyed(t, h, EVK_BEACON, "c2-a.example", 0), x);
    assert_string_equal(y->indicator, "c2-b.example");
    /* absent and not to be created */
    assert_null(host_evidence_keyed(t, h, EVK_BEACON, "c2-z.example", 0));
    /* fill the host: HOST_EV_MAX in all */
    for (int i = 2; i < HOST_EV_MAX; i++) {
        snprintf(ind, sizeof(ind), "d%d.example", i);
        assert_non_null(keyed(t, h, ind, 0.3 + 0.01 * i));
    }
    /* a weaker newcomer than everything held is refused, counted */
    assert_null(keyed(t, h, "weak.example", 0.1));
    struct host_table_stats st;
    host_table_get_stats(t, &st);
    assert_int_equal(st.evidence_host_full, 1);
    /* a stronger one displaces the weakest (d2, 0.32), counted */
    assert_non_null(keyed(t, h, "strong.example", 0.9));
    host_table_get_stats(t, &st);
    assert_int_equal(st.evidence_displaced, 1);
    assert_null(host_evidence_keyed(t, h, EVK_BEACON, "d2.example", 0));
    assert_non_null(host_evidence_keyed(t, h, EVK_BEACON, "c2-a.example", 0));
    /* a kind held once per host displaces the weakest of a full host */
    assert_non_null(host_evidence(t, h, EVK_DGA_NXDOMAIN, 1));
    assert_null(host_evidence_keyed(t, h, EVK_BEACON, "d3.example", 0));
    int n = 0;
    for (int i = 0; i < HOST_EV_MAX; i++)
        n += host_evidence_at(t, h, i) != NULL;
    assert_int_equal(n, HOST_EV_MAX);
    /* release by kind frees all of that kind */
    host_evidence_release(t, h, EVK_BEACON);
    assert_null(host_evidence_const(t, h, EVK_BEACON));
    assert_non_null(host_evidence_const(t, h, EVK_DGA_NXDOMAIN));
    host_table_destroy(t);
}

/* ---- services list ------------------------------------------------------ */

static void services_match_zones_and_report_bad_lines(void **state)
{
    (void)state;
    char path[] = "/tmp/test_services_XXXXXX", err[256];
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    fputs("# comment\npush.apple.com\n  Pool.NTP.org.  # trailing comment\n"
          "not a zone\ncom\nbad..zone\n\n", fp);
    fclose(fp);
    int bad = -1;
    struct services *s = services_load(path, &bad, err, sizeof(err));
    unlink(path);
    assert_non_null(s);
    assert_int_equal(bad, 3);
    assert_int_equal(services_count(s), 2);
    assert_true(services_match(s, "push.apple.com", 14));
    assert_true(services_match(s, "17-courier.PUSH.apple.com.", 26));
    assert_true(services_match(s, "0.pool.ntp.org", 14));
    assert_false(services_match(s, "evilpush.apple.com", 18));   /* not a label boundary */
    assert_false(services_match(s, "apple.com", 9));
    assert_false(services_match(s, "ntp.org", 7));
    assert_false(services_match(s, "", 0));
    services_free(s);
    assert_null(services_load("/nonexistent/services.txt", NULL, err, sizeof(err)));
    assert_non_null(strstr(err, "/nonexistent/services.txt"));
}

/* ---- detectors on a host table ------------------------------------------ */

struct rig {
    struct host_table *t;
    struct beacon *b;
    struct detect_params p;
    struct host *h;
};

static void rig_up(struct rig *r)
{
    char err[128];
    params_defaults(&r->p);
    r->t = table(64);
    r->b = beacon_create(256, &r->p, err, sizeof(err));
    assert_non_null(r->b);
    struct sh_addr a = ip("10.0.0.17");
    r->h = host_get(r->t, &a, 0, 1);
}

static void rig_down(struct rig *r)
{
    beacon_destroy(r->b);
    host_table_destroy(r->t);
}

static struct beacon_dest dest(const char *text, int port, int proto)
{
    struct beacon_dest d;
    memset(&d, 0, sizeof(d));
    snprintf(d.text, sizeof(d.text), "%s", text);
    d.named = 1;
    d.external = 1;
    d.port = (uint16_t)port;
    d.proto = (uint8_t)proto;
    d.app = "";
    return d;
}

/* events from..to-1 of one rhythm: event i at t0 + i * period, jittered */
static void polls(struct rig *r, const struct beacon_dest *d, int series, int from, int to,
                  double period, uint64_t t0)
{
    struct host_touched touched = { 0 };
    for (int i = from; i < to; i++) {
        /* gaps of 0.7, 1.3 and 1.0 periods in turn: median = period,
         * jitter +-30 % */
        double j = (i % 3 == 1 ? -0.3 : 0) * period;
        uint64_t t = t0 + (uint64_t)((period * i + j) * 1e6);
        beacon_event(r->b, r->t, r->h, d, series, t, 300, t, &touched);
    }
}

static void a_rhythm_is_evidence_and_confidence_grows_with_it(void **state)
{
    (void)state;
    struct rig r;
    rig_up(&r);
    struct beacon_dest d = dest("c2.example", 443, 6);
    polls(&r, &d, BS_CONN, 0, 5, 30, 1000 * S);
    assert_null(host_evidence_const(r.t, r.h, EVK_BEACON));      /* 5 < 6 events */
    polls(&r, &d, BS_CONN, 5, 6, 30, 1000 * S);
    assert_null(host_evidence_const(r.t, r.h, EVK_BEACON));      /* one passing window */
    polls(&r, &d, BS_CONN, 6, 13, 30, 1000 * S);
    const struct evidence *e = host_evidence_const(r.t, r.h, EVK_BEACON);
    assert_non_null(e);
    assert_string_equal(e->indicator, "c2.example");
    /* short of the standalone count: capped below standalone confidence */
    assert_true(e->confidence <= r.p.v[P_BEACON_MAX_CONFIDENCE] + EPS);
    assert_non_null(strstr(e->explanation, "every 30.0 s"));
    assert_non_null(strstr(e->explanation, "no other internal host"));
    /* an overwhelming rhythm (>= 30 events over >= 120 s) may stand alone */
    polls(&r, &d, BS_CONN, 13, 40, 30, 1000 * S);
    e = host_evidence_const(r.t, r.h, EVK_BEACON);
    assert_true(e->confidence >= r.p.v[P_STANDALONE_CONFIDENCE]);
    rig_down(&r);
}

static void benign_destinations_and_random_gaps_are_no_evidence(void **state)
{
    (void)state;
    struct rig r;
    rig_up(&r);
    struct beacon_dest d = dest("mtalk.google.com", 5228, 6);
    d.benign = 1;
    polls(&r, &d, BS_BURST, 0, 60, 28, 1000 * S);
    assert_null(host_evidence_const(r.t, r.h, EVK_BEACON));
    /* exponential-looking gaps (doubling) to a rare name: no rhythm */
    struct beacon_dest e = dest("rare.example", 443, 6);
    struct host_touched touched = { 0 };
    double t = 0, g = 1;
    for (int i = 0; i < 12; i++, g = g * 1.9 > 200 ? 1 : g * 1.9) {
        t += g;
        beacon_event(r.b, r.t, r.h, &e, BS_CONN, (uint64_t)(t * 1e6) + 1000 * S, 300,
                     (uint64_t)(t * 1e6) + 1000 * S, &touched);
    }
    assert_null(host_evidence_const(r.t, r.h, EVK_BEACON));
    rig_down(&r);
}

static void fanout_counts_distinct_addresses_and_failures(void **state)
{
    (void)state;
    struct rig r;
    rig_up(&r);
    struct host_touched touched = { 0 };
    struct sh_addr a;
    char s[32];
    /* 60 addresses of one /22 on 8443, all unanswered: below 64, none */
    for (int i = 0; i < 60; i++) {
        snprintf(s, sizeof(s), "198.18.%d.%d", 4 + i / 250, 1 + i % 250);
        a = ip(s);
        beacon_contact(r.b, r.t, r.h, &a, 0, 8443, 6, 1, 2000 * S + (uint64_t)i * 100000,
                       &touched);
    }
    assert_null(host_evidence_const(r.t, r.h, EVK_FANOUT_EXTERNAL));
    /* 400 more: evidence on 8443/tcp (and on any port, "*" "/tcp") */
    for (int i = 60; i < 460; i++) {
        snprintf(s, sizeof(s), "198.18.%d.%d", 4 + i / 250, 1 + i % 250);
        a = ip(s);
        beacon_contact(r.b, r.t, r.h, &a, 0, 8443, 6, 1, 2000 * S + (uint64_t)i * 100000,
                       &touched);
    }
    const struct evidence *e = host_evidence_keyed(r.t, r.h, EVK_FANOUT_EXTERNAL, "8443/tcp", 0);
    assert_non_null(e);
    assert_true(e->confidence >= r.p.v[P_STANDALONE_CONFIDENCE]);
    assert_non_null(host_evidence_keyed(r.t, r.h, EVK_FANOUT_EXTERNAL, "*/tcp", 0));
    /* browsing: 200 answered addresses on 443 from many blocks: none */
    struct sh_addr b = ip("10.0.0.21");
    r.h = host_get(r.t, &b, 0, 1);
    for (int i = 0; i < 200; i++) {
        snprintf(s, sizeof(s), "%d.%d.7.9", 11 + i % 150, 1 + i);
        a = ip(s);
        beacon_contact(r.b, r.t, r.h, &a, 0, 443, 6, 0, 3000 * S + (uint64_t)i * S, &touched);
    }
    assert_null(host_evidence_const(r.t, r.h, EVK_FANOUT_EXTERNAL));
    rig_down(&r);
}

static void failed_flows_and_unusual_ports(void **state)
{
    (void)state;
    struct rig r;
    rig_up(&r);
    struct host_touched touched = { 0 };
    struct beacon_dest d = dest("198.51.100.77:7011/udp", 7011, 17);
    d.named = 0;
    d.odd_port = 1;
    d.plain = 1;
    struct beacon_flow f = { .start_us = 100 * S, .end_us = 101 * S,
                             .outcome = FLOWO_UNANSWERED, .first = 1 };
    beacon_flow(r.b, r.t, r.h, &d, &f, 101 * S, &touched);
    struct beacon_stats_counters c;
    beacon_get_counters(r.b, &c);
    assert_int_equal(c.failures, 1);
    /* small messages on the odd port, answered: unusual_port */
    polls(&r, &d, BS_BURST, 0, 5, 60, 200 * S);
    f.outcome = FLOWO_ANSWERED;
    f.start_us = 200 * S;
    f.end_us = 500 * S;
    beacon_flow(r.b, r.t, r.h, &d, &f, 500 * S, &touched);
    const struct evidence *e = host_evidence_const(r.t, r.h, EVK_UNUSUAL_PORT);
    assert_non_null(e);
    assert_float_equal(e->confidence, 0.8, EPS);
    assert_non_null(strstr(e->explanation, "7011/udp"));
    rig_down(&r);
}

static void claimed_benign_names_and_broken_rhythm_stay_below_standalone(void **state)
{
    (void)state;
    struct rig r;
    rig_up(&r);
    /* 40 perfect events, but the name is a listed service no answer bound */
    struct beacon_dest d = dest("mtalk.google.com", 443, 6);
    d.claimed_benign = 1;
    polls(&r, &d, BS_CONN, 0, 40, 30, 1000 * S);
    const struct evidence *e = host_evidence_const(r.t, r.h, EVK_BEACON);
    assert_non_null(e);
    assert_true(e->confidence <= r.p.v[P_BEACON_MAX_CONFIDENCE] + EPS);
    assert_non_null(strstr(e->explanation, "no DNS answer"));
    /* the rhythm breaks (gaps doubling): the evidence follows the window */
    struct host_touched touched = { 0 };
    double t = 1000 + 40 * 30, g = 1;
    for (int i = 0; i < 40; i++, g = g * 1.7 > 300 ? 1 : g * 1.7) {
        t += g;
        beacon_event(r.b, r.t, r.h, &d, BS_CONN, (uint64_t)(t * 1e6), 300,
                     (uint64_t)(t * 1e6), &touched);
    }
    e = host_evidence_const(r.t, r.h, EVK_BEACON);
    assert_non_null(e);                 /* lowered, not dropped */
    assert_float_equal(e->confidence, 0, EPS);
    struct beacon_stats_counters c;
    beacon_get_counters(r.b, &c);
    assert_true(c.lowered >= 1);
    rig_down(&r);
}

static void prevalence_counts_only_hosts_whose_bindings_held(void **state)
{
    (void)state;
    struct rig r;
    rig_up(&r);
    static const uint8_t m1[6] = { 2, 0, 0, 0, 1, 1 }, m2[6] = { 2, 0, 0, 0, 1, 2 };
    struct sh_addr a1 = ip("10.0.0.31"), a2 = ip("10.0.0.32"), a3 = ip("10.0.0.33");
    struct host *x = host_get(r.t, &a1, 0, 1), *y = host_get(r.t, &a2, 0, 1);
    uint64_t t0 = 1000 * S;
    /* bindings that held mac_stable (120 s) and are active (900 s) */
    host_observe_mac(r.t, x, m1, MAC_ARP, t0 - 200 * S);
    host_observe_mac(r.t, y, m2, MAC_ARP, t0 + 600 * S);
    struct host *phantom = host_get(r.t, &a3, 0, 1);   /* no binding at all */
    struct beacon_dest d = dest("telemetry.fleet.example", 443, 6);
    struct host_touched touched = { 0 };
    /* the phantom and one real host talk to it: not prevalent (2 < 3) */
    beacon_event(r.b, r.t, phantom, &d, BS_CONN, t0, 100, t0, &touched);
    beacon_event(r.b, r.t, x, &d, BS_CONN, t0, 100, t0, &touched);
    polls(&r, &d, BS_CONN, 0, 12, 60, t0 + S);
    assert_non_null(host_evidence_const(r.t, r.h, EVK_BEACON));
    /* a second host whose binding held: prevalent, no new evidence */
    struct sh_addr a4 = ip("10.0.0.18");
    struct rig r2 = r;
    r2.h = host_get(r.t, &a4, t0, 1);
    beacon_event(r.b, r.t, y, &d, BS_CONN, t0 + 800 * S, 100, t0 + 800 * S, &touched);
    polls(&r2, &d, BS_CONN, 0, 12, 60, t0 + 801 * S);
    assert_null(host_evidence_const(r.t, r2.h, EVK_BEACON));
    struct beacon_stats_counters c;
    beacon_get_counters(r.b, &c);
    assert_true(c.prevalent_skips >= 1);
    rig_down(&r);
}

static void long_sessions_with_and_without_rhythm(void **state)
{
    (void)state;
    struct rig r;
    rig_up(&r);
    struct host_touched touched = { 0 };
    /* no burst series at all (one burst held open): weak evidence,
     * 0.35 + 0.15 x 1800/3600 = 0.425 */
    struct beacon_dest d = dest("203.0.113.9:443/tcp", 443, 6);
    d.named = 0;
    struct beacon_flow f = { .start_us = 0, .end_us = 1800 * S, .outcome = FLOWO_ANSWERED,
                             .first = 1, .payload_toserver = 9000, .bursts_toserver = 1 };
    beacon_flow(r.b, r.t, r.h, &d, &f, 1800 * S, &touched);
    const struct evidence *e = host_evidence_const(r.t, r.h, EVK_LONG_SESSION);
    assert_non_null(e);
    assert_float_equal(e->confidence, 0.425, EPS);
    assert_non_null(strstr(e->explanation, "no regular rhythm"));
    /* with a keep-alive rhythm inside: score x (0.6 + 0.4 x 1/2) */
    struct beacon_dest k = dest("keep.example", 443, 6);
    polls(&r, &k, BS_BURST, 0, 60, 30, 0);
    f.end_us = 1800 * S;
    beacon_flow(r.b, r.t, r.h, &k, &f, 1800 * S, &touched);
    e = host_evidence_keyed(r.t, r.h, EVK_LONG_SESSION, "keep.example", 0);
    assert_non_null(e);
    assert_true(e->confidence > 0.425);
    assert_non_null(strstr(e->explanation, "every 30.0 s"));
    /* too short: nothing new */
    struct beacon_dest s2 = dest("short.example", 443, 6);
    f.end_us = 300 * S;
    beacon_flow(r.b, r.t, r.h, &s2, &f, 300 * S, &touched);
    assert_null(host_evidence_keyed(r.t, r.h, EVK_LONG_SESSION, "short.example", 0));
    rig_down(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stats_of_a_perfect_beacon),
        cmocka_unit_test(stats_with_skewed_gaps),
        cmocka_unit_test(stats_with_fifty_percent_jitter),
        cmocka_unit_test(stats_of_exponential_gaps_stay_low),
        cmocka_unit_test(stats_merge_events_closer_than_a_tenth),
        cmocka_unit_test(evidence_is_keyed_bounded_and_the_weakest_gives_way),
        cmocka_unit_test(services_match_zones_and_report_bad_lines),
        cmocka_unit_test(a_rhythm_is_evidence_and_confidence_grows_with_it),
        cmocka_unit_test(benign_destinations_and_random_gaps_are_no_evidence),
        cmocka_unit_test(fanout_counts_distinct_addresses_and_failures),
        cmocka_unit_test(failed_flows_and_unusual_ports),
        cmocka_unit_test(claimed_benign_names_and_broken_rhythm_stay_below_standalone),
        cmocka_unit_test(prevalence_counts_only_hosts_whose_bindings_held),
        cmocka_unit_test(long_sessions_with_and_without_rhythm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
