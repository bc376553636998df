/*
 * fuzz_snapshot.c - libFuzzer harness for the host-state snapshot loader
 * (detect/snapshot.c, detect_snapshot_restore) and the NAC feed's views
 * file parser (feeds/views.c, views_parse): both read files we wrote, as
 * hostile bytes.
 *
 * The first byte picks what the rest is:
 *   even: a snapshot, restored twice into one engine (sensor "fuzz",
 *         home_net 10/8, 192.168/16, fd00::/8, 64 hosts): as given (the
 *         checksum almost always stops it), then with its last 8 bytes
 *         replaced by the right checksum, so the decoder behind it is
 *         reached.  Invariants: never a crash or overread; a rejected
 *         file leaves the engine as it was; a restored one leaves at most
 *         64 hosts; the message is terminated and says "snapshot F:".
 *         A file that restored hosts is then lived with: packets one
 *         second, two hours and three days later (maintenance: rescoring,
 *         clearing, expiry of what was restored), then the engine is
 *         encoded again, and what the writer wrote must restore into a
 *         second engine (what we accept we write back readable).  Both
 *         engines live on across inputs (made once: the DGA model is slow
 *         to load); the three days expire what a restore brought.
 *   odd:  a views file, parsed as given and with its checksum fixed.
 *         Invariant: every record handed out ends with a NUL, is at most
 *         VIEWS_REC_MAX bytes, and lies inside the input.
 * The engine (its DGA model from $SH_DATADIR, default detect/data) is
 * made once.
 *
 * Build: make fuzz (clang); replayed by make fuzz-replay over
 * tests/fuzz/corpus/snapshot (seeds: snapshots spanhound wrote for the
 * demo capture's halves, a views file of it, and broken copies).
 */
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "detect/detect.h"
#include "feeds/views.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct detect *g_engine[2];

static struct detect *engine_n(int k)
{
    static struct sh_config c;
    char err[512];
    struct detect **dp = &g_engine[k], *d = *dp;
    if (d)
        return d;
    config_defaults(&c);
    const char *dd = getenv("SH_DATADIR");
    snprintf(c.data_dir, sizeof(c.data_dir), "%s", dd ? dd : "detect/data");
    snprintf(c.redis.sensor, sizeof(c.redis.sensor), "fuzz");
    c.host_capacity = 64;
    if (cidr_set_parse_list(&c.home_net, "10.0.0.0/8,192.168.0.0/16,fd00::/8", err,
                            sizeof(err)) < 0)
        abort();
    d = *dp = detect_create(&c, NULL, NULL, err, sizeof(err));
    if (!d) {
        fprintf(stderr, "fuzz_snapshot: %s\n", err);
        abort();
    }
    return d;
}

static struct detect *engine(void)
{
    return engine_n(0);
}

static void tick(struct detect *d, uint64_t ts)
{
    struct sh_event ev;
    ev_reset(&ev, EV_ARP);
    ev.ts_us = ts;
    addr_parse("198.51.100.1", &ev.u.arp.ip);
    detect_event(d, &ev);
}

/* d holds restored hosts: time goes on, then its snapshot must read back */
static void live_on(struct detect *d)
{
    static struct verdict v[128];
    char err[2048];
    uint64_t t = detect_time_us(d);
    tick(d, t + 1000000ULL);
    tick(d, t + 7200ULL * 1000000ULL);
    tick(d, t + 3ULL * 86400 * 1000000ULL);
    detect_hosts(d, v, 128);
    uint8_t *out;
    size_t n;
    if (detect_snapshot_encode(d, 1u << 20, &out, &n, err, sizeof(err)) < 0)
        return;                     /* (out of memory) */
    struct detect *d2 = engine_n(1);
    if (detect_snapshot_restore(d2, out, n, "F", err, sizeof(err)) < 0) {
        fprintf(stderr, "fuzz_snapshot: our own snapshot of a restored engine: %s\n", err);
        abort();
    }
    free(out);
}

static const uint8_t *g_base;
static size_t g_len;

static void on_rec(void *ctx, const char *rec, size_t len)
{
    (void)ctx;
    if (len == 0 || len > VIEWS_REC_MAX || rec[len - 1] != 0 ||
        (const uint8_t *)rec < g_base || (const uint8_t *)rec + len > g_base + g_len)
        abort();
}

static void restore(struct detect *d, const uint8_t *p, size_t n)
{
    static struct verdict before[128], after[128];
    char err[2048];
    int nb = detect_hosts(d, before, 128);
    int r = detect_snapshot_restore(d, p, n, "F", err, sizeof(err));
    if (!memchr(err, 0, sizeof(err)) || (err[0] && strncmp(err, "snapshot F: ", 12) != 0))
        abort();
    int na = detect_hosts(d, after, 128);
    if (r < 0 && na != nb)
        abort();                     /* a rejected file changed the engine */
    if (na > 64)
        abort();
    if (r > 0)
        live_on(d);
}

static void views(const uint8_t *p, size_t n)
{
    char err[256];
    g_base = p;
    g_len = n;
    views_parse(p, n, on_rec, NULL, err, sizeof(err));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || sodium_init() < 0)
        return 0;
    int mode = data[0] & 1;
    size_t n = size - 1;
    uint8_t *p = malloc(n ? n : 1);  /* exactly n bytes: ASan sees overreads */
    memcpy(p, data + 1, n);
    if (mode == 0)
        restore(engine(), p, n);
    else
        views(p, n);
    if (n > 8) {
        static const unsigned char snap_key[crypto_shorthash_KEYBYTES] = "spanhound-state1";
        static const unsigned char views_key[crypto_shorthash_KEYBYTES] = "spanhound-views1";
        crypto_shorthash(p + n - 8, p, n - 8, mode == 0 ? snap_key : views_key);
        if (mode == 0)
            restore(engine(), p, n);
        else
            views(p, n);
    }
    free(p);
    return 0;
}
