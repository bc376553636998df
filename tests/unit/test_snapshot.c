/*
 * test_snapshot.c -- host-state snapshots (detect.h, detect/snapshot.c):
 * a round trip restores every host field by field without announcing it
 * again, and the restored engine goes on (updated, cleared) as the
 * original does; routed and conflicting bindings keep their status; a corrupt byte anywhere, a truncation anywhere, an
 * unknown version, another sensor's file are each skipped with a message
 * and leave the engine empty; the size bound keeps flagged hosts first;
 * hosts outside home_net now are not restored; path.prev is the fallback.
 *
 * The oracle is the engine that wrote the snapshot (detect_hosts before
 * and after), and the verdicts the same later events give in it.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../config/config.h"
#include "../../appliance/state.h"
#include "../../detect/detect.h"
#include "scratch.h"

#define S 1000000ULL
#define MAXV 64
#define HMAX 64

#include "engine_events.h"

static struct sh_config *base_config(const char *sensor)
{
    struct sh_config *c = malloc(sizeof(*c));
    config_defaults(c);
    const char *dd = getenv("SH_DATADIR");
    snprintf(c->data_dir, sizeof(c->data_dir), "%s", dd ? dd : "detect/data");
    snprintf(c->redis.sensor, sizeof(c->redis.sensor), "%s", sensor);
    char err[128];
    assert_int_equal(cidr_set_parse_list(&c->dhcp_servers, "10.0.0.1", err, sizeof(err)), 0);
    assert_int_equal(cidr_set_parse_list(&c->home_net, "10.0.0.0/8", err, sizeof(err)), 0);
    return c;
}

/* Two hosts flagged with trusted bindings and names, one with weak
 * evidence; returns the time of the last event. */
static uint64_t populate_at(struct detect *d, uint64_t base)
{
    static const uint8_t m1[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
    static const uint8_t m2[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x66 };
    struct sh_event ev = dhcp_ack("10.0.0.7", m1, "LAPTOP-7", base + 1 * S);
    detect_event(d, &ev);
    ev = dhcp_ack("10.0.0.9", m2, "PC-9", base + 2 * S);
    detect_event(d, &ev);
    rng = 777;
    uint64_t t = nx_burst(d, "10.0.0.7", 30, base + 10 * S);
    t = nx_burst(d, "10.0.0.9", 30, t);
    t = nx_burst(d, "10.0.0.12", 7, t);
    return t;
}

static uint64_t populate(struct detect *d)
{
    return populate_at(d, 0);
}

static void save_file(struct detect *d, const char *name, size_t max, char *path, size_t n)
{
    char err[512];
    snprintf(path, n, "%s/%s", tmpdir, name);
    assert_true(detect_snapshot_save(d, path, max, err, sizeof(err)) > 0);
}

static uint8_t *read_all(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    *len = (size_t)ftell(fp);
    fseek(fp, 0, SEEK_SET);
    uint8_t *p = malloc(*len);
    assert_int_equal(fread(p, 1, *len, fp), *len);
    fclose(fp);
    return p;
}

/* The snapshot file of an engine populated over c, saved as tmpdir/name:
 * its path and bytes (the caller frees them). */
static uint8_t *populated_snapshot(const struct sh_config *c, const char *name, char *path,
                                   size_t pathlen, size_t *len)
{
    char err[512];
    struct detect *d = detect_create(c, NULL, NULL, err, sizeof(err));
    assert_non_null(d);
    populate(d);
    save_file(d, name, 64u << 20, path, pathlen);
    detect_destroy(d);
    return read_all(path, len);
}

static void write_all(const char *path, const uint8_t *p, size_t len)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(p, 1, len, fp), len);
    fclose(fp);
}

__attribute__((noinline)) static int contains(const char *hay, const char *needle)
{
    return strstr(hay, needle) != NULL;
}

static void evidence_equal(const struct evidence *a, const struct evidence *b)
{
    assert_int_equal(a->kind, b->kind);
    assert_int_equal(a->first_us, b->first_us);
    assert_int_equal(a->last_us, b->last_us);
    assert_true(a->weight == b->weight);
    assert_true(a->confidence == b->confidence);
    assert_int_equal(a->count, b->count);
    assert_string_equal(a->indicator, b->indicator);
    assert_string_equal(a->explanation, b->explanation);
    assert_int_equal(a->ioc_type, b->ioc_type);
    assert_string_equal(a->ioc, b->ioc);
    assert_int_equal(a->geo_asn, b->geo_asn);
    assert_string_equal(a->geo_cc, b->geo_cc);
    assert_string_equal(a->geo_org, b->geo_org);
    assert_true(a->geo_factor == b->geo_factor);
    assert_int_equal(a->geo_len, b->geo_len);
    assert_memory_equal(&a->peer, &b->peer, sizeof(a->peer));
}

static void verdict_equal(const struct verdict *a, const struct verdict *b)
{
    assert_int_equal(a->ts_us, b->ts_us);
    assert_memory_equal(&a->ip, &b->ip, sizeof(a->ip));
    assert_int_equal(a->mac_status, b->mac_status);
    assert_int_equal(a->mac_source, b->mac_source);
    assert_memory_equal(a->mac, b->mac, 6);
    assert_memory_equal(a->mac_other, b->mac_other, 6);
    assert_int_equal(a->mac_since_us, b->mac_since_us);
    assert_string_equal(a->hostname, b->hostname);
    assert_int_equal(a->flagged, b->flagged);
    assert_true(a->score == b->score);
    assert_int_equal(a->first_flagged_us, b->first_flagged_us);
    assert_int_equal(a->nev, b->nev);
    for (int i = 0; i < a->nev; i++) {
        evidence_equal(&a->ev[i], &b->ev[i]);
        assert_true(a->ev_value[i] == b->ev_value[i]);
    }
}

static int flagged_count(const struct verdict *v, int n)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        k += v[i].flagged;
    return k;
}

static struct verdict va[HMAX], vb[HMAX];

static void a_round_trip_restores_every_host_without_announcing_it(void **state)
{
    (void)state;
    char err[1024], path[256];
    struct seen s1 = { 0 }, s2 = { 0 };
    struct sh_config *c = base_config("s1");
    struct detect *d1 = detect_create(c, on_verdict, &s1, err, sizeof(err));
    struct detect *d2 = detect_create(c, on_verdict, &s2, err, sizeof(err));
    assert_non_null(d1);
    assert_non_null(d2);
    uint64_t t = populate(d1);
    int n1 = detect_hosts(d1, va, HMAX);
    assert_int_equal(n1, 3);
    assert_int_equal(flagged_count(va, n1), 2);
    assert_int_equal(va[0].mac_status, MACST_TRUSTED);
    save_file(d1, "rt.snapshot", 64u << 20, path, sizeof(path));

    int r = detect_snapshot_load(d2, path, 64u << 20, err, sizeof(err));
    assert_int_equal(r, 3);
    assert_true(contains(err, "restored 3 hosts (2 flagged"));
    assert_int_equal(s2.n, 0);                        /* nothing announced again */
    int n2 = detect_hosts(d2, vb, HMAX);
    assert_int_equal(n2, n1);
    for (int i = 0; i < n1; i++)
        verdict_equal(&va[i], &vb[i]);

    /* the same quiet hours in both: the restored flagged hosts clear, as
     * the original's do, and nothing is INFECTED again */
    int base1 = s1.n;
    for (uint64_t x = t + 60 * S; x < t + 6 * 3600 * S; x += 60 * S) {
        struct sh_event ev = tick(x);
        detect_event(d1, &ev);
        detect_event(d2, &ev);
    }
    assert_int_equal(s2.n, s1.n - base1);
    assert_true(s2.n >= 2);
    for (int i = 0; i < s2.n; i++) {
        assert_int_equal(s2.v[i].change, s1.v[base1 + i].change);
        assert_memory_equal(&s2.v[i].ip, &s1.v[base1 + i].ip, sizeof(s2.v[i].ip));
        assert_int_not_equal(s2.v[i].change, VERDICT_INFECTED);
    }
    int cleared = 0;
    for (int i = 0; i < s2.n; i++)
        cleared += s2.v[i].change == VERDICT_CLEARED;
    assert_int_equal(cleared, 2);
    detect_destroy(d1);
    detect_destroy(d2);
    free(c);
}

static void more_evidence_on_a_restored_host_is_an_update(void **state)
{
    (void)state;
    char err[1024], path[256];
    struct seen s1 = { 0 }, s2 = { 0 };
    struct sh_config *c = base_config("s1");
    struct detect *d1 = detect_create(c, on_verdict, &s1, err, sizeof(err));
    struct detect *d2 = detect_create(c, on_verdict, &s2, err, sizeof(err));
    uint64_t t = populate(d1);
    save_file(d1, "upd.snapshot", 64u << 20, path, sizeof(path));
    assert_int_equal(detect_snapshot_load(d2, path, 64u << 20, err, sizeof(err)), 3);
    rng = 999;
    nx_burst(d2, "10.0.0.7", 30, t + 600 * S);
    assert_true(s2.n >= 1);
    for (int i = 0; i < s2.n; i++)
        assert_int_not_equal(s2.v[i].change, VERDICT_INFECTED);
    assert_int_equal(s2.v[0].change, VERDICT_UPDATED);
    struct sh_addr a7 = ip("10.0.0.7");
    assert_memory_equal(&s2.v[0].ip, &a7, sizeof(a7));
    assert_int_equal(s2.v[0].mac_status, MACST_TRUSTED);   /* the binding kept its trust */
    assert_string_equal(s2.v[0].hostname, "LAPTOP-7");
    detect_destroy(d1);
    detect_destroy(d2);
    free(c);
}

static void routed_and_conflicting_bindings_keep_their_status(void **state)
{
    (void)state;
    char err[1024], path[256], buf[32];
    struct sh_config *c = base_config("s1");
    struct detect *d1 = detect_create(c, NULL, NULL, err, sizeof(err));
    struct detect *d2 = detect_create(c, NULL, NULL, err, sizeof(err));
    static const uint8_t router[6] = { 0x02, 0, 0, 0, 0, 0xfe };
    static const uint8_t m1[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
    static const uint8_t m2[6] = { 0x02, 0x66, 0x66, 0x66, 0x66, 0x66 };
    /* six internal addresses behind one MAC: a router (test_detect's oracle) */
    for (int i = 1; i <= 6; i++) {
        snprintf(buf, sizeof(buf), "10.9.0.%d", i);
        struct sh_event q = dns_query(buf, "10.0.0.53", "example.org", 1, (uint64_t)i * S);
        q.has_mac = 1;
        memcpy(q.src_mac, router, 6);
        detect_event(d1, &q);
    }
    rng = 3;
    uint64_t t = nx_burst(d1, "10.9.0.1", 30, 10 * S);
    /* a trusted lease, then a second MAC claiming the address twice */
    struct sh_event ev = dhcp_ack("10.0.0.7", m1, "LAPTOP-7", t);
    detect_event(d1, &ev);
    t = nx_burst(d1, "10.0.0.7", 30, t + S);
    ev = arp_claim("10.0.0.7", m2, m2, t);
    detect_event(d1, &ev);
    ev = arp_claim("10.0.0.7", m2, m2, t + 3 * S);
    detect_event(d1, &ev);
    int n1 = detect_hosts(d1, va, HMAX);
    int routed = 0, conflict = 0;
    for (int i = 0; i < n1; i++) {
        routed += va[i].mac_status == MACST_ROUTED;
        conflict += va[i].mac_status == MACST_CONFLICT;
    }
    assert_int_equal(routed, 1);
    assert_int_equal(conflict, 1);
    save_file(d1, "bind.snapshot", 64u << 20, path, sizeof(path));
    assert_int_equal(detect_snapshot_load(d2, path, 64u << 20, err, sizeof(err)), n1);
    assert_int_equal(detect_hosts(d2, vb, HMAX), n1);
    for (int i = 0; i < n1; i++)
        verdict_equal(&va[i], &vb[i]);
    detect_destroy(d1);
    detect_destroy(d2);
    free(c);
}

static void a_corrupt_byte_anywhere_is_skipped_with_a_message(void **state)
{
    (void)state;
    char err[1024], path[256];
    struct seen s = { 0 };
    struct sh_config *c = base_config("s1");
    size_t len;
    uint8_t *p = populated_snapshot(c, "corrupt.snapshot", path, sizeof(path), &len);
    struct detect *d2 = detect_create(c, on_verdict, &s, err, sizeof(err));
    uint8_t *q = malloc(len);
    int checksum_msgs = 0;
    for (size_t i = 0; i < len; i++) {
        for (int bit = (int)(i % 8); bit < 8; bit += 8) {
            memcpy(q, p, len);
            q[i] ^= (uint8_t)(1u << bit);
            int r = detect_snapshot_restore(d2, q, len, "X", err, sizeof(err));
            if (r != -1)
                fail_msg("flipped bit %d of byte %zu: restored (%s)", bit, i, err);
            assert_true(contains(err, "snapshot X: "));
            assert_true(contains(err, "skipped"));
            checksum_msgs += contains(err, "corrupt (checksum), skipped; starting empty");
        }
    }
    assert_true(checksum_msgs > (int)len - 16);      /* the usual message */
    assert_int_equal(detect_hosts(d2, vb, HMAX), 0);  /* the engine is untouched */
    assert_int_equal(s.n, 0);                         /* nothing announced */
    /* through the file: one message, nothing restored, .prev absent */
    memcpy(q, p, len);
    q[len / 2] ^= 0x40;
    write_all(path, q, len);
    assert_int_equal(detect_snapshot_load(d2, path, 64u << 20, err, sizeof(err)), -1);
    assert_true(contains(err, "corrupt (checksum), skipped; starting empty"));
    assert_int_equal(detect_hosts(d2, vb, HMAX), 0);
    free(p);
    free(q);
    detect_destroy(d2);
    free(c);
}

static void a_truncated_file_is_skipped(void **state)
{
    (void)state;
    char err[1024], path[256];
    struct sh_config *c = base_config("s1");
    size_t len;
    uint8_t *p = populated_snapshot(c, "trunc.snapshot", path, sizeof(path), &len);
    struct detect *d2 = detect_create(c, NULL, NULL, err, sizeof(err));
    for (size_t n = 0; n < len; n++) {
        uint8_t *q = malloc(n ? n : 1);      /* exactly n bytes: ASan sees overreads */
        memcpy(q, p, n);
        assert_int_equal(detect_snapshot_restore(d2, q, n, "T", err, sizeof(err)), -1);
        assert_true(contains(err, "skipped"));
        free(q);
    }
    assert_int_equal(detect_hosts(d2, vb, HMAX), 0);
    /* one byte more is no better */
    uint8_t *q = malloc(len + 1);
    memcpy(q, p, len);
    q[len] = 0;
    assert_int_equal(detect_snapshot_restore(d2, q, len + 1, "T", err, sizeof(err)), -1);
    free(q);
    free(p);
    detect_destroy(d2);
    free(c);
}

static void an_unknown_version_is_skipped(void **state)
{
    (void)state;
    char err[1024], path[256];
    struct sh_config *c = base_config("s1");
    size_t len;
    uint8_t *p = populated_snapshot(c, "ver.snapshot", path, sizeof(path), &len);
    struct detect *d2 = detect_create(c, NULL, NULL, err, sizeof(err));
    assert_memory_equal(p, "SHSNAP", 6);
    assert_int_equal(p[6] | p[7] << 8, DETECT_SNAPSHOT_VERSION);
    p[6] = 7;
    p[7] = 0;
    write_all(path, p, len);
    assert_int_equal(detect_snapshot_load(d2, path, 64u << 20, err, sizeof(err)), -1);
    char want[512];
    snprintf(want, sizeof(want), "snapshot %s: version 7 not supported (skipped)", path);
    assert_string_equal(err, want);
    assert_int_equal(detect_hosts(d2, vb, HMAX), 0);
    free(p);
    detect_destroy(d2);
    free(c);
}

static void the_size_bound_keeps_flagged_hosts_first(void **state)
{
    (void)state;
    char err[1024], path[256], addr[32];
    struct sh_config *c = base_config("s1");
    struct detect *d1 = detect_create(c, NULL, NULL, err, sizeof(err));
    struct detect *d2 = detect_create(c, NULL, NULL, err, sizeof(err));
    uint64_t t = populate(d1);              /* two flagged, seen first */
    rng = 31337;
    for (int i = 0; i < 30; i++) {          /* then 30 unflagged with evidence */
        snprintf(addr, sizeof(addr), "10.1.0.%d", 10 + i);
        t = nx_burst(d1, addr, 7, t);
    }
    int n1 = detect_hosts(d1, va, HMAX);
    assert_int_equal(flagged_count(va, n1), 2);
    assert_true(n1 >= 25);
    snprintf(path, sizeof(path), "%s/bound.snapshot", tmpdir);
    int w = detect_snapshot_save(d1, path, 4096, err, sizeof(err));
    assert_true(w > 2 && w < n1);
    assert_true(contains(err, "left out"));
    size_t len;
    free(read_all(path, &len));
    assert_true(len <= 4096 + 8);
    assert_int_equal(detect_snapshot_load(d2, path, 4096, err, sizeof(err)), w);
    int n2 = detect_hosts(d2, vb, HMAX);
    assert_int_equal(n2, w);
    assert_int_equal(flagged_count(vb, n2), 2);
    /* the unflagged ones kept are the most recently seen: 10.1.0.39 down */
    for (int i = 2; i < n2; i++) {
        char txt[64];
        addr_format(&vb[i].ip, txt, sizeof(txt));
        int last = atoi(strrchr(txt, '.') + 1);
        assert_true(last >= 40 - (n2 - 2));
    }
    /* a file larger than the bound is not even read */
    snprintf(path, sizeof(path), "%s/big.snapshot", tmpdir);
    assert_true(detect_snapshot_save(d1, path, 64u << 20, err, sizeof(err)) == n1);
    struct detect *d3 = detect_create(c, NULL, NULL, err, sizeof(err));
    assert_int_equal(detect_snapshot_load(d3, path, 4096, err, sizeof(err)), -1);
    assert_true(contains(err, "more than state.max_mb allows, skipped"));
    detect_destroy(d1);
    detect_destroy(d2);
    detect_destroy(d3);
    free(c);
}

static void another_sensors_or_outside_hosts_are_not_restored(void **state)
{
    (void)state;
    char err[1024], path[256];
    struct sh_config *c = base_config("s1");
    struct sh_config *c2 = base_config("s2");
    struct detect *d1 = detect_create(c, NULL, NULL, err, sizeof(err));
    struct detect *d2 = detect_create(c2, NULL, NULL, err, sizeof(err));
    populate(d1);
    save_file(d1, "other.snapshot", 64u << 20, path, sizeof(path));
    assert_int_equal(detect_snapshot_load(d2, path, 64u << 20, err, sizeof(err)), -1);
    assert_true(contains(err, "written by sensor 's1', this is 's2' (skipped"));
    assert_int_equal(detect_hosts(d2, vb, HMAX), 0);
    /* home_net shrank: 10.0.0.7 is outside now (.9 and .12 are not) */
    struct sh_config *c3 = base_config("s1");
    assert_int_equal(cidr_set_parse_list(&c3->home_net, "10.0.0.8/29", err, sizeof(err)), 0);
    struct detect *d3 = detect_create(c3, NULL, NULL, err, sizeof(err));
    assert_int_equal(detect_snapshot_load(d3, path, 64u << 20, err, sizeof(err)), 2);
    assert_true(contains(err, "1 outside home_net"));
    assert_int_equal(detect_hosts(d3, vb, HMAX), 2);
    struct sh_addr a9 = ip("10.0.0.9");
    assert_true(vb[0].flagged);
    assert_memory_equal(&vb[0].ip, &a9, sizeof(a9));
    assert_false(vb[1].flagged);                 /* 10.0.0.12 */
    detect_destroy(d1);
    detect_destroy(d2);
    detect_destroy(d3);
    free(c);
    free(c2);
    free(c3);
}

static void the_previous_snapshot_is_the_fallback(void **state)
{
    (void)state;
    char err[1024], path[256], prev[300];
    struct sh_config *c = base_config("s1");
    struct detect *d1 = detect_create(c, NULL, NULL, err, sizeof(err));
    struct detect *d2 = detect_create(c, NULL, NULL, err, sizeof(err));
    populate(d1);
    save_file(d1, "fb.snapshot", 64u << 20, path, sizeof(path));
    save_file(d1, "fb.snapshot", 64u << 20, path, sizeof(path));
    snprintf(prev, sizeof(prev), "%s.prev", path);
    size_t len;
    uint8_t *p = read_all(prev, &len);
    free(p);
    p = read_all(path, &len);
    p[len - 1] ^= 1;
    write_all(path, p, len);
    assert_int_equal(detect_snapshot_load(d2, path, 64u << 20, err, sizeof(err)), 3);
    assert_true(contains(err, "corrupt (checksum), skipped"));
    assert_true(contains(err, ".prev: restored 3 hosts"));
    free(p);
    detect_destroy(d1);
    detect_destroy(d2);
    free(c);
}

/* allowlist.networks changed while the sensor was down: a restored flagged
 * host the list now covers is released (by "allowlist.networks") at the
 * first packet, as SIGHUP would release it; one the list does not cover
 * stays flagged (no verdict).  Oracle: detect.h's detect_reconfigure rule. */
static void a_host_allowlisted_meanwhile_is_released_at_once(void **state)
{
    (void)state;
    char err[1024], path[256];
    struct seen s2 = { 0 };
    struct sh_config *c = base_config("s1");
    struct detect *d1 = detect_create(c, NULL, NULL, err, sizeof(err));
    uint64_t t = populate(d1);
    save_file(d1, "allow.snapshot", 64u << 20, path, sizeof(path));
    struct sh_config *c2 = base_config("s1");
    assert_int_equal(cidr_set_parse_list(&c2->allow_nets, "10.0.0.7/32", err, sizeof(err)), 0);
    struct detect *d2 = detect_create(c2, on_verdict, &s2, err, sizeof(err));
    assert_int_equal(detect_snapshot_load(d2, path, 64u << 20, err, sizeof(err)), 3);
    assert_int_equal(s2.n, 0);
    struct sh_event ev = tick(t + 1 * S);               /* the first packet after the start */
    detect_event(d2, &ev);
    assert_int_equal(s2.n, 1);
    struct sh_addr a7 = ip("10.0.0.7");
    assert_int_equal(s2.v[0].change, VERDICT_RELEASED);
    assert_memory_equal(&s2.v[0].ip, &a7, sizeof(a7));
    assert_string_equal(s2.v[0].by, "allowlist.networks");
    int n2 = detect_hosts(d2, vb, HMAX);
    assert_int_equal(flagged_count(vb, n2), 1);         /* 10.0.0.9 still */
    detect_destroy(d1);
    detect_destroy(d2);
    free(c);
    free(c2);
}

/* appliance/state.c: a verdict change is saved at the next tick, not
 * seconds later: the NAC feed journals the verdict within milliseconds,
 * and a crash (kill -9, power) between the two left a snapshot older than
 * the feed's views: the restart then ended the new quarantine ('expired')
 * and flagged the host again ('infected'), or announced a released host
 * again.  The periodic save is a minute away here, so only the verdict
 * can have written the file. */
static void a_verdict_change_is_saved_at_the_next_tick(void **state)
{
    (void)state;
    char err[1024], dir[256], path[300];
    struct sh_config *c = base_config("s1");
    snprintf(dir, sizeof(dir), "%s/st", tmpdir);
    snprintf(c->state_dir, sizeof(c->state_dir), "%s", dir);
    c->state_interval = 60;
    snprintf(path, sizeof(path), "%s/hosts.snapshot", dir);
    struct detect *d = detect_create(c, NULL, NULL, err, sizeof(err));
    FILE *log = fopen("/dev/null", "w");
    struct app_state *s = app_state_open(c, log);
    assert_non_null(s);
    app_state_load(s, d);
    populate(d);
    app_state_tick(s, d);
    app_state_close(s);                       /* (joins the writer) */
    assert_int_equal(access(path, F_OK), -1);    /* nothing due yet */
    s = app_state_open(c, log);
    app_state_verdict(s, VERDICT_INFECTED);
    app_state_tick(s, d);
    app_state_close(s);
    assert_int_equal(access(path, F_OK), 0);
    struct detect *d2 = detect_create(c, NULL, NULL, err, sizeof(err));
    assert_int_equal(detect_snapshot_load(d2, path, 64u << 20, err, sizeof(err)), 3);
    fclose(log);
    detect_destroy(d);
    detect_destroy(d2);
    free(c);
}

/* The state directory's names are not followed elsewhere: a symlink
 * planted as the lock file makes no file at its target (root runs, a
 * directory others can write), a symlinked or FIFO snapshot is not read
 * (a FIFO blocked the start forever: alarm() fails the test instead). */
static void the_state_files_are_not_followed_or_waited_on(void **state)
{
    (void)state;
    char err[1024], dir[256], lock[300], target[300], snap[300], other[300];
    struct sh_config *c = base_config("s1");
    snprintf(dir, sizeof(dir), "%s/sym", tmpdir);
    assert_int_equal(mkdir(dir, 0700), 0);
    snprintf(c->state_dir, sizeof(c->state_dir), "%s", dir);
    snprintf(lock, sizeof(lock), "%s/hosts.snapshot.lock", dir);
    snprintf(target, sizeof(target), "%s/planted", tmpdir);
    assert_int_equal(symlink(target, lock), 0);
    FILE *log = fopen("/dev/null", "w");
    assert_null(app_state_open(c, log));        /* snapshots off, said so */
    assert_int_equal(access(target, F_OK), -1);  /* and nothing created there */
    /* a valid snapshot elsewhere, linked in as hosts.snapshot */
    struct detect *d1 = detect_create(c, NULL, NULL, err, sizeof(err));
    populate(d1);
    save_file(d1, "elsewhere.snapshot", 64u << 20, other, sizeof(other));
    snprintf(snap, sizeof(snap), "%s/hosts.snapshot", dir);
    assert_int_equal(symlink(other, snap), 0);
    struct detect *d2 = detect_create(c, NULL, NULL, err, sizeof(err));
    assert_int_equal(detect_snapshot_load(d2, snap, 64u << 20, err, sizeof(err)), -1);
    assert_true(contains(err, "cannot read"));
    assert_int_equal(detect_hosts(d2, vb, HMAX), 0);
    unlink(snap);
    assert_int_equal(mkfifo(snap, 0600), 0);
    alarm(10);
    assert_int_equal(detect_snapshot_load(d2, snap, 64u << 20, err, sizeof(err)), -1);
    alarm(0);
    assert_true(contains(err, "not a regular file"));
    fclose(log);
    detect_destroy(d1);
    detect_destroy(d2);
    free(c);
}

static void no_file_is_no_message(void **state)
{
    (void)state;
    char err[1024], path[256];
    struct sh_config *c = base_config("s1");
    struct detect *d = detect_create(c, NULL, NULL, err, sizeof(err));
    snprintf(path, sizeof(path), "%s/none.snapshot", tmpdir);
    assert_int_equal(detect_snapshot_load(d, path, 64u << 20, err, sizeof(err)), 0);
    assert_string_equal(err, "");
    detect_destroy(d);
    free(c);
}


/* ---- the time the sensor did not watch (restore_shift) ---------------------- */

/* The sum of a host's decayed evidence values in vs[0..n) (its score now). */
static double value_of(const struct verdict *vs, int n, const char *addr, int *flagged)
{
    struct sh_addr a = ip(addr);
    for (int i = 0; i < n; i++) {
        if (memcmp(&vs[i].ip, &a, sizeof(a)) != 0)
            continue;
        double sum = 0;
        for (int k = 0; k < vs[i].nev; k++)
            sum += vs[i].ev_value[k];
        if (flagged)
            *flagged = vs[i].flagged;
        return sum;
    }
    if (flagged)
        *flagged = -1;
    return -1;
}

static int count_change(const struct seen *s, int change)
{
    int n = 0;
    for (int i = 0; i < s->n && i < MAXV; i++)
        n += s->v[i].change == change;
    return n;
}

/* Live: the first packet 3 days after the snapshot.  The 3 days do not
 * count: 10.0.0.7 is still flagged, nothing is cleared or expired, its
 * evidence is worth what it was worth at the snapshot's last packet (S0,
 * from the writing engine), and one hour later half of it (half_life 1 h:
 * every evidence value times 2^-1; hand computation).  The control, the
 * same restore without the shift (offline mode, a later capture: today's
 * behaviour, which the split replay needs), clears and expires it. */
static void live_downtime_does_not_count(void **state)
{
    (void)state;
    char err[1024], path[256];
    struct seen s1 = { 0 }, s2 = { 0 }, s3 = { 0 };
    struct sh_config *c = base_config("s1");
    struct detect *d1 = detect_create(c, on_verdict, &s1, err, sizeof(err));
    struct detect *d2 = detect_create(c, on_verdict, &s2, err, sizeof(err));
    struct detect *d3 = detect_create(c, on_verdict, &s3, err, sizeof(err));
    populate(d1);
    uint64_t last = detect_time_us(d1);             /* the snapshot's last packet */
    int n1 = detect_hosts(d1, va, HMAX), f;
    double s0 = value_of(va, n1, "10.0.0.7", &f);
    assert_int_equal(f, 1);
    assert_true(s0 > 0);
    save_file(d1, "live.snapshot", 64u << 20, path, sizeof(path));

    char logbuf[1024] = "";
    FILE *log = fmemopen(logbuf, sizeof(logbuf), "w");
    assert_non_null(log);
    detect_restore_mode(d2, 1, log);
    assert_int_equal(detect_snapshot_load(d2, path, 64u << 20, err, sizeof(err)), 3);
    uint64_t first = last + 3 * 86400 * S;
    struct sh_event ev = tick(first);
    detect_event(d2, &ev);
    fclose(log);
    assert_int_equal(s2.n, 0);                      /* no CLEARED, no EXPIRED */
    int n2 = detect_hosts(d2, vb, HMAX);
    assert_int_equal(n2, 3);
    double v0 = value_of(vb, n2, "10.0.0.7", &f);
    assert_int_equal(f, 1);
    assert_true(fabs(v0 - s0) <= 1e-9 * s0);
    ev = tick(first + 3600 * S);
    detect_event(d2, &ev);
    assert_int_equal(count_change(&s2, VERDICT_EXPIRED), 0);
    n2 = detect_hosts(d2, vb, HMAX);
    double v1 = value_of(vb, n2, "10.0.0.7", NULL);
    assert_true(fabs(v1 - s0 / 2) <= 1e-9 * s0);
    assert_int_equal(detect_time_us(d2), first + 3600 * S);

    assert_true(contains(logbuf, "spanhound: host state restored from "));
    assert_true(contains(logbuf, ": 3 hosts (2 flagged); the 72 h 0 min the sensor was down "
                                 "do not count\n"));

    /* the control: no shift (offline, later capture) */
    assert_int_equal(detect_snapshot_load(d3, path, 64u << 20, err, sizeof(err)), 3);
    ev = tick(first);
    detect_event(d3, &ev);
    assert_true(count_change(&s3, VERDICT_CLEARED) + count_change(&s3, VERDICT_EXPIRED) >= 2);
    detect_destroy(d1);
    detect_destroy(d2);
    detect_destroy(d3);
    free(c);
}

/* Offline, a capture that starts after the snapshot: no shift (a capture
 * replayed in parts continues in its own time; tests/state's split test):
 * 10 minutes later the evidence is worth S0 * 2^(-600/3600). */
static void offline_later_capture_keeps_its_time(void **state)
{
    (void)state;
    char err[1024], path[256];
    struct seen s1 = { 0 }, s2 = { 0 };
    struct sh_config *c = base_config("s1");
    struct detect *d1 = detect_create(c, on_verdict, &s1, err, sizeof(err));
    struct detect *d2 = detect_create(c, on_verdict, &s2, err, sizeof(err));
    populate(d1);
    uint64_t last = detect_time_us(d1);
    int n1 = detect_hosts(d1, va, HMAX);
    double s0 = value_of(va, n1, "10.0.0.7", NULL);
    save_file(d1, "later.snapshot", 64u << 20, path, sizeof(path));
    char logbuf[256] = "";
    FILE *log = fmemopen(logbuf, sizeof(logbuf), "w");
    detect_restore_mode(d2, 0, log);
    assert_int_equal(detect_snapshot_load(d2, path, 64u << 20, err, sizeof(err)), 3);
    struct sh_event ev = tick(last + 600 * S);
    detect_event(d2, &ev);
    fclose(log);
    assert_string_equal(logbuf, "");                /* nothing moved */
    int n2 = detect_hosts(d2, vb, HMAX);
    double v = value_of(vb, n2, "10.0.0.7", NULL);
    assert_true(fabs(v - s0 * pow(2, -600.0 / 3600)) <= 1e-9 * s0);
    detect_destroy(d1);
    detect_destroy(d2);
    free(c);
}

/* Offline, a capture OLDER than the snapshot (5 days before it): the state
 * moves back to its first packet, and the clock runs: S0 at the first
 * packet, S0 / 2 an hour later (hand computation), the engine's time is
 * the packets' time.  Without the shift the clock stays at the snapshot's
 * last packet (max(snapshot, packet)): the value stays S0 and the time
 * does not move. */
static void an_older_capture_moves_the_clock(void **state)
{
    (void)state;
    char err[1024], path[256];
    struct seen s1 = { 0 }, s2 = { 0 };
    struct sh_config *c = base_config("s1");
    struct detect *d1 = detect_create(c, on_verdict, &s1, err, sizeof(err));
    struct detect *d2 = detect_create(c, on_verdict, &s2, err, sizeof(err));
    uint64_t base = 30 * 86400 * S;
    populate_at(d1, base);
    uint64_t last = detect_time_us(d1);
    int n1 = detect_hosts(d1, va, HMAX);
    double s0 = value_of(va, n1, "10.0.0.7", NULL);
    save_file(d1, "older.snapshot", 64u << 20, path, sizeof(path));
    char logbuf[512] = "";
    FILE *log = fmemopen(logbuf, sizeof(logbuf), "w");
    detect_restore_mode(d2, 0, log);
    assert_int_equal(detect_snapshot_load(d2, path, 64u << 20, err, sizeof(err)), 3);
    uint64_t first = last - 5 * 86400 * S;
    struct sh_event ev = tick(first);
    detect_event(d2, &ev);
    fclose(log);
    assert_int_equal(detect_time_us(d2), first);
    int n2 = detect_hosts(d2, vb, HMAX);
    assert_true(fabs(value_of(vb, n2, "10.0.0.7", NULL) - s0) <= 1e-9 * s0);
    ev = tick(first + 3600 * S);
    detect_event(d2, &ev);
    assert_int_equal(detect_time_us(d2), first + 3600 * S);
    n2 = detect_hosts(d2, vb, HMAX);
    assert_true(fabs(value_of(vb, n2, "10.0.0.7", NULL) - s0 / 2) <= 1e-9 * s0);
    assert_int_equal(count_change(&s2, VERDICT_EXPIRED), 0);
    assert_true(contains(logbuf, "the first packet is 120 h 0 min older than the snapshot"));
    detect_destroy(d1);
    detect_destroy(d2);
    free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_round_trip_restores_every_host_without_announcing_it),
        cmocka_unit_test(more_evidence_on_a_restored_host_is_an_update),
        cmocka_unit_test(routed_and_conflicting_bindings_keep_their_status),
        cmocka_unit_test(a_corrupt_byte_anywhere_is_skipped_with_a_message),
        cmocka_unit_test(a_truncated_file_is_skipped),
        cmocka_unit_test(an_unknown_version_is_skipped),
        cmocka_unit_test(the_size_bound_keeps_flagged_hosts_first),
        cmocka_unit_test(another_sensors_or_outside_hosts_are_not_restored),
        cmocka_unit_test(the_previous_snapshot_is_the_fallback),
        cmocka_unit_test(a_host_allowlisted_meanwhile_is_released_at_once),
        cmocka_unit_test(a_verdict_change_is_saved_at_the_next_tick),
        cmocka_unit_test(the_state_files_are_not_followed_or_waited_on),
        cmocka_unit_test(no_file_is_no_message),
        cmocka_unit_test(live_downtime_does_not_count),
        cmocka_unit_test(offline_later_capture_keeps_its_time),
        cmocka_unit_test(an_older_capture_moves_the_clock),
    };
    return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}
