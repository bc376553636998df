/*
 * test_health.c -- the health report's formats and the drop state machine
 * (appliance/health.c, feeds/health.c).  The Prometheus text is checked
 * line by line against the exposition format written out by hand here,
 * and by promtool (`promtool check metrics`, Debian's prometheus package)
 * when it is installed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "appliance/health.h"
#include "feeds/health.h"

#include "scratch.h"

#define S 1000000ULL

/* ---- the drop state machine ------------------------------------------- */

static void test_drop_start_stop(void **state)
{
    (void)state;
    struct drop_track t;
    uint64_t dd, ds, sp;
    memset(&t, 0, sizeof(t));
    /* quiet: nothing to say */
    assert_int_equal(drop_track_update(&t, 30 * S, 0, 1000, 600 * S, &dd, &ds, &sp), DROP_SAME);
    assert_int_equal(drop_track_update(&t, 60 * S, 0, 2000, 600 * S, &dd, &ds, &sp), DROP_SAME);
    assert_int_equal(sp, 30 * S);
    /* drops start: one line, with this interval's numbers */
    assert_int_equal(drop_track_update(&t, 90 * S, 10, 2990, 600 * S, &dd, &ds, &sp), DROP_START);
    assert_int_equal(dd, 10);
    assert_int_equal(ds, 990);
    assert_int_equal(sp, 30 * S);
    assert_int_equal(t.dropping, 1);
    /* they go on: silent until the reminder is due (600 s after the start) */
    uint64_t now = 90 * S, drops = 10;
    for (int i = 0; i < 19; i++) {
        now += 30 * S;
        drops += 5;
        assert_int_equal(drop_track_update(&t, now, drops, 3000 + (uint64_t)i, 600 * S, &dd, &ds, &sp),
                         DROP_SAME);
    }
    now += 30 * S;                                  /* 690 s: 600 s after 90 s */
    drops += 5;
    assert_int_equal(drop_track_update(&t, now, drops, 4000, 600 * S, &dd, &ds, &sp), DROP_REMIND);
    assert_int_equal(t.ep_drops, drops);
    /* the next reminder 600 s after this one, not before */
    now += 30 * S;
    drops += 1;
    assert_int_equal(drop_track_update(&t, now, drops, 4100, 600 * S, &dd, &ds, &sp), DROP_SAME);
    /* a clean interval: stop, once */
    now += 30 * S;
    assert_int_equal(drop_track_update(&t, now, drops, 5000, 600 * S, &dd, &ds, &sp), DROP_STOP);
    assert_int_equal(t.dropping, 0);
    now += 30 * S;
    assert_int_equal(drop_track_update(&t, now, drops, 6000, 600 * S, &dd, &ds, &sp), DROP_SAME);
    assert_int_equal(t.episodes, 1);
    /* a new episode starts again with a line */
    now += 30 * S;
    assert_int_equal(drop_track_update(&t, now, drops + 3, 6100, 600 * S, &dd, &ds, &sp),
                     DROP_START);
    assert_int_equal(dd, 3);
    assert_int_equal(t.episodes, 2);
    assert_int_equal(t.ep_drops, 3);
}

static void test_drop_counter_reset(void **state)
{
    (void)state;
    struct drop_track t;
    uint64_t dd, ds, sp;
    memset(&t, 0, sizeof(t));
    assert_int_equal(drop_track_update(&t, 1 * S, 0, 500, 600 * S, &dd, &ds, &sp), DROP_SAME);
    /* totals went down (handle re-opened): the new totals are this interval's */
    assert_int_equal(drop_track_update(&t, 2 * S, 0, 100, 600 * S, &dd, &ds, &sp), DROP_SAME);
    assert_int_equal(ds, 100);
    assert_int_equal(drop_track_update(&t, 3 * S, 7, 150, 600 * S, &dd, &ds, &sp), DROP_START);
    assert_int_equal(dd, 7);
    assert_int_equal(ds, 50);
}

/* ---- Prometheus --------------------------------------------------------- */

static void sample_health(struct sh_health *h)
{
    memset(h, 0, sizeof(*h));
    snprintf(h->sensor, sizeof(h->sensor), "%s", "span-a\"b\\c\nd");
    snprintf(h->version, sizeof(h->version), "0.1.0");
    h->ts_us = 1700000000ULL * S;
    h->uptime_s = 120;
    h->interval_s = 30;
    h->live = 1;
    h->niface = 2;
    snprintf(h->iface[0].name, sizeof(h->iface[0].name), "eth1");
    h->iface[0].captured = 1000;
    h->iface[0].received = 1234;
    h->iface[0].dropped = 234;
    snprintf(h->iface[1].name, sizeof(h->iface[1].name), "eth2");
    h->iface[1].captured = 7;
    h->packets = 1007;
    h->bytes = 99999;
    h->packets_per_s = 33.5;
    h->ring_dropped = 4;
    h->flows_active = 10;
    h->flows_capacity = 262144;
    h->flows_total = 50;
    h->hosts_active = 3;
    h->hosts_capacity = 65536;
    h->redis_enabled = 1;
    h->redis.connected = 1;
    h->redis.pending_entries = 2;
    h->redis.last_error_age_s = -1;
    h->eve_enabled = 1;
    h->eve_written = 42;
    h->degraded = 1;
    h->nreasons = 2;
    snprintf(h->reasons[0], sizeof(h->reasons[0]), "capture_drops");
    snprintf(h->reasons[1], sizeof(h->reasons[1]), "ring_drops");
    h->dropping = 1;
}

static int has_line(const char *text, const char *line)
{
    size_t n = strlen(line);
    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (!strncmp(p, line, n) && (p[n] == '\n' || p[n] == 0))
            return 1;
    return 0;
}

static void test_prom_lines(void **state)
{
    (void)state;
    struct sh_health h;
    static char buf[32768];
    sample_health(&h);
    long n = health_prom_format(&h, buf, sizeof(buf));
    assert_true(n > 0);
    assert_int_equal((size_t)n, strlen(buf));
    assert_int_equal(buf[n - 1], '\n');
    /* label values: \ " and newline escaped, nothing else */
#define L "{sensor=\"span-a\\\"b\\\\c\\nd\""
    assert_true(has_line(buf, "# TYPE spanhound_kernel_dropped_packets_total counter"));
    assert_true(has_line(buf, "spanhound_kernel_dropped_packets_total" L ",interface=\"eth1\"} 234"));
    assert_true(has_line(buf, "spanhound_kernel_dropped_packets_total" L ",interface=\"eth2\"} 0"));
    assert_true(has_line(buf, "spanhound_kernel_received_packets_total" L ",interface=\"eth1\"} 1234"));
    assert_true(has_line(buf, "spanhound_ring_dropped_events_total" L "} 4"));
    assert_true(has_line(buf, "spanhound_packets_total" L "} 1007"));
    assert_true(has_line(buf, "spanhound_packets_per_second" L "} 33.500"));
    assert_true(has_line(buf, "spanhound_degraded" L "} 1"));
    assert_true(has_line(buf, "spanhound_degraded_reason" L ",check=\"capture_drops\"} 1"));
    assert_true(has_line(buf, "spanhound_redis_journal_pending_entries" L "} 2"));
    assert_true(has_line(buf, "# TYPE spanhound_flows_capacity gauge"));
    /* no error yet: no age sample */
    assert_null(strstr(buf, "spanhound_redis_last_error_age_seconds"));
#undef L
    /* every sample's family has HELP and TYPE first; counters end _total */
    char type[128] = "", help[128] = "";
    const char *p = buf;
    while (*p) {
        const char *e = strchr(p, '\n');
        assert_non_null(e);
        char line[512];
        size_t len = (size_t)(e - p);
        assert_true(len < sizeof(line));
        memcpy(line, p, len);
        line[len] = 0;
        char name[128], t[32];
        if (sscanf(line, "# HELP %127s", name) == 1) {
            snprintf(help, sizeof(help), "%s", name);
        } else if (sscanf(line, "# TYPE %127s %31s", name, t) == 2) {
            assert_string_equal(name, help);
            snprintf(type, sizeof(type), "%s", name);
            if (!strcmp(t, "counter"))
                assert_non_null(strstr(name, "_total"));
        } else {
            size_t nl = strcspn(line, "{ ");
            assert_true(nl == strlen(type) && !strncmp(line, type, nl));
            assert_int_equal(strncmp(line, "spanhound_", 10), 0);
        }
        p = e + 1;
    }
    /* too small: refused, never cut */
    assert_int_equal(health_prom_format(&h, buf, 200), -1);
}

static void test_prom_promtool(void **state)
{
    (void)state;
    struct sh_health h;
    static char buf[32768];
    char path[128], cmd[300], err[256];
    if (access("/usr/bin/promtool", X_OK) != 0) {
        skip();
        return;
    }
    sample_health(&h);
    long n = health_prom_format(&h, buf, sizeof(buf));
    assert_true(n > 0);
    snprintf(path, sizeof(path), "%s/m.prom", tmpdir);
    assert_int_equal(health_prom_write(path, buf, (size_t)n, err, sizeof(err)), 0);
    snprintf(cmd, sizeof(cmd), "/usr/bin/promtool check metrics < '%s' >/dev/null 2>&1", path);
    assert_int_equal(system(cmd), 0);
    /* and a broken file fails it (the oracle can say no) */
    assert_int_equal(health_prom_write(path, "spanhound_x{sensor=\"a} 1\n", 25, err,
                                       sizeof(err)), 0);
    assert_int_not_equal(system(cmd), 0);
    /* a replay's file (no interfaces, no Redis) too */
    h.live = 0;
    h.redis_enabled = 0;
    h.nreasons = 0;
    h.degraded = 0;
    n = health_prom_format(&h, buf, sizeof(buf));
    assert_int_equal(health_prom_write(path, buf, (size_t)n, err, sizeof(err)), 0);
    assert_int_equal(system(cmd), 0);
}

static void test_prom_write_atomic(void **state)
{
    (void)state;
    char path[128], tmp[140], err[256], got[64];
    snprintf(path, sizeof(path), "%s/a.prom", tmpdir);
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    assert_int_equal(health_prom_write(path, "old\n", 4, err, sizeof(err)), 0);
    assert_int_equal(health_prom_write(path, "new\n", 4, err, sizeof(err)), 0);
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    assert_non_null(fgets(got, sizeof(got), fp));
    fclose(fp);
    assert_string_equal(got, "new\n");
    assert_int_not_equal(access(tmp, F_OK), 0);          /* no leftover */
    /* node_exporter runs as another user: readable whatever the umask
     * (the unit's UMask=0027 made it 0640) */
    mode_t old = umask(027);
    assert_int_equal(health_prom_write(path, "new\n", 4, err, sizeof(err)), 0);
    umask(old);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    /* a directory that does not exist: an error, nothing written */
    snprintf(path, sizeof(path), "%s/no/such/a.prom", tmpdir);
    assert_int_equal(health_prom_write(path, "x\n", 2, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "No such file"));
}

/* ---- the Redis hash's fields --------------------------------------------- */

static void test_kv_fixed_fields(void **state)
{
    (void)state;
    struct sh_health h;
    struct redisfeed_kv a[HEALTH_KV_MAX], b[HEALTH_KV_MAX];
    char sa[HEALTH_KV_STORE], sb[HEALTH_KV_STORE];
    sample_health(&h);
    int na = health_kv(&h, a, HEALTH_KV_MAX, sa, sizeof(sa));
    h.live = 0;
    h.niface = 0;
    h.redis.last_error_age_s = 12;
    int nb = health_kv(&h, b, HEALTH_KV_MAX, sb, sizeof(sb));
    /* the same names whatever the mode: an HSET leaves nothing stale */
    assert_true(na > 20);
    assert_int_equal(na, nb);
    for (int i = 0; i < na; i++) {
        assert_string_equal(a[i].key, b[i].key);
        for (int k = 0; k < i; k++)
            assert_string_not_equal(a[i].key, a[k].key);
    }
    for (int i = 0; i < na; i++) {
        if (!strcmp(a[i].key, "interfaces"))
            assert_string_equal(a[i].value, "eth1,eth2");
        if (!strcmp(a[i].key, "reasons"))
            assert_string_equal(a[i].value, "capture_drops,ring_drops");
        if (!strcmp(a[i].key, "kernel_dropped"))
            assert_string_equal(a[i].value, "234");
        if (!strcmp(b[i].key, "kernel_dropped"))
            assert_string_equal(b[i].value, "");
        if (!strcmp(b[i].key, "redis_last_error_age"))
            assert_string_equal(b[i].value, "12");
    }
}

/* an up interface without packets: said after quiet_us, once, and when
 * packets come again */
static void test_silent(void **state)
{
    (void)state;
    struct silent_track t;
    uint64_t q;
    memset(&t, 0, sizeof(t));
    assert_int_equal(silent_track_update(&t, 0, 5, 60 * S, &q), SILENT_SAME);
    assert_int_equal(q, 0);
    assert_int_equal(silent_track_update(&t, 30 * S, 9, 60 * S, &q), SILENT_SAME);
    assert_int_equal(silent_track_update(&t, 60 * S, 9, 60 * S, &q), SILENT_SAME);
    assert_int_equal(q, 30);
    assert_int_equal(silent_track_update(&t, 89 * S, 9, 60 * S, &q), SILENT_SAME);
    assert_int_equal(silent_track_update(&t, 90 * S, 9, 60 * S, &q), SILENT_START);
    assert_int_equal(q, 60);
    assert_int_equal(silent_track_update(&t, 120 * S, 9, 60 * S, &q), SILENT_SAME);
    assert_int_equal(q, 90);
    assert_int_equal(silent_track_update(&t, 150 * S, 10, 60 * S, &q), SILENT_STOP);
    assert_int_equal(q, 0);
    assert_int_equal(silent_track_update(&t, 180 * S, 11, 60 * S, &q), SILENT_SAME);
}

/* an interface that cannot deliver packets makes the sensor degraded in
 * every output, whatever detect said, and is named */
static void test_iface_down(void **state)
{
    (void)state;
    struct sh_health h;
    static char buf[32768];
    struct redisfeed_kv kv[HEALTH_KV_MAX];
    char store[HEALTH_KV_STORE];
    sample_health(&h);
    h.degraded = 0;
    h.nreasons = 0;
    h.iface[1].state = HEALTH_IF_NO_CARRIER;
    h.ifaces_down = 1;
    assert_true(health_prom_format(&h, buf, sizeof(buf)) > 0);
#define L "{sensor=\"span-a\\\"b\\\\c\\nd\""
    assert_true(has_line(buf, "# TYPE spanhound_interface_up gauge"));
    assert_true(has_line(buf, "spanhound_interface_up" L ",interface=\"eth1\"} 1"));
    assert_true(has_line(buf, "spanhound_interface_up" L ",interface=\"eth2\"} 0"));
    assert_true(has_line(buf, "# TYPE spanhound_interface_quiet_seconds gauge"));
    assert_true(has_line(buf, "spanhound_degraded" L "} 1"));
    assert_true(has_line(buf, "spanhound_degraded_reason" L ",check=\"interface_down\"} 1"));
#undef L
    int n = health_kv(&h, kv, HEALTH_KV_MAX, store, sizeof(store));
    int seen = 0;
    for (int i = 0; i < n; i++) {
        if (!strcmp(kv[i].key, "status"))
            seen += !strcmp(kv[i].value, "degraded");
        if (!strcmp(kv[i].key, "reasons"))
            seen += !strcmp(kv[i].value, "interface_down");
        if (!strcmp(kv[i].key, "interfaces_down"))
            seen += !strcmp(kv[i].value, "eth2");
    }
    assert_int_equal(seen, 3);
    assert_string_equal(health_iface_state_name(HEALTH_IF_GONE), "gone");
    /* all up: ok */
    h.iface[1].state = HEALTH_IF_UP;
    h.ifaces_down = 0;
    assert_true(health_prom_format(&h, buf, sizeof(buf)) > 0);
    assert_null(strstr(buf, "interface_down"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_drop_start_stop),
        cmocka_unit_test(test_drop_counter_reset),
        cmocka_unit_test(test_prom_lines),
        cmocka_unit_test(test_prom_promtool),
        cmocka_unit_test(test_prom_write_atomic),
        cmocka_unit_test(test_kv_fixed_fields),
        cmocka_unit_test(test_iface_down),
        cmocka_unit_test(test_silent),
    };
    return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}
