/*
 * ioc_bench.c -- make bench-ioc: the feed store at 1M entries (a
 * measurement, not a test).
 *
 * Generates, deterministically, five plain feeds in DIR (default
 * build/bench/ioc): 400k domains, 300k IPv4/IPv6 addresses and networks
 * (/32 and /128 hosts, /24, /16, /48 and /64 networks), 200k URLs, 50k JA3
 * and 50k certificate SHA-256 values.  Loads them through the feed manager
 * (as the daemon does), and reports load time, memory (the stores' own
 * accounting and the process' RSS growth) and lookups per second for hits
 * and misses: exact values, domain suffix walks (names 3-4 labels below a
 * listed zone, and unlisted names), and longest-prefix matches.
 *
 * Usage: build/ioc_bench [DIR]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "feeds/ioc.h"

#define N_DOM 400000
#define N_IP 300000
#define N_URL 200000
#define N_JA3 50000
#define N_SHA 50000

static uint64_t rs = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    rs ^= rs << 13;
    rs ^= rs >> 7;
    rs ^= rs << 17;
    return rs;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* CPU time of this process: on a shared machine wall time also counts
 * the time others had the CPU */
static double cpu(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static long rss_kb(void)
{
    FILE *fp = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    if (!fp)
        return -1;
    while (fgets(line, sizeof(line), fp))
        if (strncmp(line, "VmRSS:", 6) == 0)
            kb = strtol(line + 6, NULL, 10);
    fclose(fp);
    return kb;
}

static const char *const tlds[] = { "com", "net", "org", "info", "xyz", "top", "ru", "de" };

static void dom(uint64_t i, char *buf, size_t len)
{
    /* a label of 6-14 pseudo-random letters, a second label sometimes */
    char l1[16];
    uint64_t h = i * 0x9e3779b97f4a7c15ull + 12345;
    int n = 6 + (int)(h % 9);
    for (int k = 0; k < n; k++) {
        h = h * 6364136223846793005ull + 1442695040888963407ull;
        l1[k] = (char)('a' + (h >> 33) % 26);
    }
    l1[n] = 0;
    if (i % 4 == 0)
        snprintf(buf, len, "cdn%llu.%s.%s", (unsigned long long)(i % 97), l1, tlds[i % 8]);
    else
        snprintf(buf, len, "%s%llu.%s", l1, (unsigned long long)i, tlds[i % 8]);
}

static void ip(uint64_t i, char *buf, size_t len)
{
    uint64_t h = i * 0xd6e8feb86659fd93ull + 7;
    h ^= h >> 32;
    unsigned a = 1 + (unsigned)(h % 223), b = (unsigned)(h >> 8) & 255,
             c = (unsigned)(h >> 16) & 255, d = (unsigned)(h >> 24) & 255;
    switch (i % 10) {
    case 0: snprintf(buf, len, "%u.%u.%u.0/24", a, b, c); break;
    case 1: snprintf(buf, len, "%u.%u.0.0/16", a, b); break;
    case 2: snprintf(buf, len, "2001:db8:%x:%x::/64", (unsigned)(h >> 32) & 0xffff, (unsigned)i & 0xffff); break;
    case 3: snprintf(buf, len, "2001:%x:%x::/48", (unsigned)(h >> 40) & 0xffff, (unsigned)i & 0xffff); break;
    case 4: snprintf(buf, len, "2001:db8::%x:%x", (unsigned)(h >> 32) & 0xffff, (unsigned)i & 0xffff); break;
    default: snprintf(buf, len, "%u.%u.%u.%u", a, b, c, d); break;
    }
}

static void hex(uint64_t i, int n, uint64_t salt, char *buf)
{
    uint64_t h = i ^ salt;
    for (int k = 0; k < n; k++) {
        h = h * 6364136223846793005ull + 1442695040888963407ull;
        buf[k] = "0123456789abcdef"[(h >> 33) & 15];
    }
    buf[n] = 0;
}

static void url(uint64_t i, char *buf, size_t len)
{
    char d[128], p[17];
    dom(i + 7777777, d, sizeof(d));
    hex(i, 16, 99, p);
    snprintf(buf, len, "http://%s/%s/payload.bin?id=%llu", d, p, (unsigned long long)i);
}

static void gen(const char *dir)
{
    char path[512], buf[256];
    FILE *fp;
    mkdir(dir, 0755);
#define OPEN(name) do { snprintf(path, sizeof(path), "%s/%s", dir, name); \
                        fp = fopen(path, "w"); if (!fp) { perror(path); exit(1); } } while (0)
    OPEN("domains.txt");
    for (uint64_t i = 0; i < N_DOM; i++) {
        dom(i, buf, sizeof(buf));
        fprintf(fp, "%s # family%llu\n", buf, (unsigned long long)(i % 50));
    }
    fclose(fp);
    OPEN("ips.txt");
    for (uint64_t i = 0; i < N_IP; i++) {
        ip(i, buf, sizeof(buf));
        fprintf(fp, "%s\n", buf);
    }
    fclose(fp);
    OPEN("urls.txt");
    for (uint64_t i = 0; i < N_URL; i++) {
        url(i, buf, sizeof(buf));
        fprintf(fp, "%s\n", buf);
    }
    fclose(fp);
    OPEN("ja3.txt");
    for (uint64_t i = 0; i < N_JA3; i++) {
        hex(i, 32, 1, buf);
        fprintf(fp, "%s\n", buf);
    }
    fclose(fp);
    OPEN("sha256.txt");
    for (uint64_t i = 0; i < N_SHA; i++) {
        hex(i, 64, 2, buf);
        fprintf(fp, "%s\n", buf);
    }
    fclose(fp);
#undef OPEN
}

static volatile uint64_t sink_hits;

static void bench(const char *what, struct ioc_db *db, int type, int n,
                  void (*mk)(uint64_t, char *, size_t), uint64_t off, int expect_hit)
{
    enum { NQ = 400000 };
    static char q[NQ][160];
    int nq = n < NQ ? n : NQ;
    for (int i = 0; i < nq; i++)
        mk((uint64_t)(rnd() % (uint64_t)n) + off, q[i], sizeof(q[i]));
    struct intel_hit h[4];
    uint64_t hits = 0;
    double t0 = cpu();
    int rounds = 0;
    do {
        for (int i = 0; i < nq; i++)
            hits += ioc_lookup(db, type, q[i], strlen(q[i]), NULL, h, 4) > 0;
        rounds++;
    } while (cpu() - t0 < 0.5);
    double dt = cpu() - t0;
    sink_hits += hits;
    printf("  %-44s %10.0f lookups/s  (%.0f ns each; %s %.1f%%)\n", what,
           (double)nq * rounds / dt, dt / ((double)nq * rounds) * 1e9,
           expect_hit ? "hit" : "miss", 100.0 * (double)hits / ((double)nq * rounds));
}

/* queries made from the generators */
static void q_dom_sub(uint64_t i, char *b, size_t l)
{
    char d[128];
    dom(i, d, sizeof(d));
    snprintf(b, l, "a%llu.b.c.%s", (unsigned long long)(i % 13), d);
}
static void q_dom_exact(uint64_t i, char *b, size_t l) { dom(i, b, l); }
static void q_dom_miss(uint64_t i, char *b, size_t l)
{
    char d[128];
    dom(i + 50000000, d, sizeof(d));
    snprintf(b, l, "www.static.%s", d);
}
static void q_ip(uint64_t i, char *b, size_t l)
{
    char p[64];
    ip(i, p, sizeof(p));
    char *s = strchr(p, '/');
    if (s) {                                  /* an address inside the network */
        *s = 0;
        size_t n = strlen(p);
        if (strchr(p, ':'))
            snprintf(b, l, "%s%s1234", p, p[n - 1] == ':' ? "" : ":");
        else {
            char *dot = strrchr(p, '.');
            *dot = 0;
            snprintf(b, l, "%s.77", p);
        }
    } else {
        snprintf(b, l, "%s", p);
    }
}
static void q_ip_miss(uint64_t i, char *b, size_t l)
{
    uint64_t h = i * 0x2545f4914f6cdd1dull;
    if (i & 1)
        snprintf(b, l, "%u.%u.%u.%u", 224 + (unsigned)(h % 16), (unsigned)(h >> 8) & 255,
                 (unsigned)(h >> 16) & 255, (unsigned)(h >> 24) & 255);
    else
        snprintf(b, l, "2a00:%x::%x", (unsigned)(h >> 32) & 0xffff, (unsigned)h & 0xffff);
}
static void q_url(uint64_t i, char *b, size_t l) { url(i, b, l); }
static void q_url_miss(uint64_t i, char *b, size_t l) { url(i + 90000000, b, l); }
static void q_ja3(uint64_t i, char *b, size_t l) { (void)l; hex(i, 32, 1, b); }
static void q_ja3_miss(uint64_t i, char *b, size_t l) { (void)l; hex(i + 100000000, 32, 1, b); }
static void q_sha(uint64_t i, char *b, size_t l) { (void)l; hex(i, 64, 2, b); }

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "build/bench/ioc";
    double t0 = now();
    gen(dir);
    printf("ioc bench: generated 1,000,000 entries in %s (%.1f s)\n", dir, now() - t0);

    static const struct { const char *name, *file; int type; } f[] = {
        { "domains", "domains.txt", IOC_DOMAIN }, { "ips", "ips.txt", IOC_IP },
        { "urls", "urls.txt", IOC_URL }, { "ja3", "ja3.txt", IOC_JA3 },
        { "sha256", "sha256.txt", IOC_CERT_SHA256 },
    };
    struct ioc_feed_def defs[5];
    memset(defs, 0, sizeof(defs));
    for (int i = 0; i < 5; i++) {
        snprintf(defs[i].name, sizeof(defs[i].name), "%s", f[i].name);
        snprintf(defs[i].path, sizeof(defs[i].path), "%s/%s", dir, f[i].file);
        defs[i].format = IOC_FMT_PLAIN;
        defs[i].type = f[i].type;
        defs[i].weight = 1;
        defs[i].confidence = 0.5;
    }
    long rss0 = rss_kb();
    FILE *quiet = fopen("/dev/null", "w");
    struct ioc_manager *m = ioc_manager_create(defs, 5, quiet);
    t0 = now();
    double c0 = cpu();
    if (ioc_manager_load(m) != 0) {
        fprintf(stderr, "ioc bench: a feed did not load\n");
        return 1;
    }
    double load = now() - t0, load_cpu = cpu() - c0;
    long rss1 = rss_kb();
    uint64_t bytes = 0, entries = 0;
    for (int i = 0; i < 5; i++) {
        struct ioc_feed_stats st;
        ioc_manager_feed_stats(m, i, &st);
        bytes += st.bytes;
        entries += st.entries;
        printf("  %-8s %8llu entries  %7.1f MiB  %5.1f bytes/entry  load %.2f s\n", f[i].name,
               (unsigned long long)st.entries, (double)st.bytes / 1048576.0,
               (double)st.bytes / (double)(st.entries ? st.entries : 1), st.load_s);
    }
    printf("total: %llu entries loaded in %.2f s (%.2f s CPU); stores %.1f MiB (%.1f bytes/entry); "
           "process RSS +%.1f MiB\n", (unsigned long long)entries, load, load_cpu,
           (double)bytes / 1048576.0, (double)bytes / (double)entries,
           (double)(rss1 - rss0) / 1024.0);

    struct ioc_db *db = ioc_manager_db(m);
    printf("lookups per CPU second (one thread, all five feeds consulted for each):\n");
    bench("domain exact (hit)", db, IOC_DOMAIN, N_DOM, q_dom_exact, 0, 1);
    bench("domain 4 labels below a listed one (hit)", db, IOC_DOMAIN, N_DOM, q_dom_sub, 0, 1);
    bench("domain unlisted, 4-5 labels walked (miss)", db, IOC_DOMAIN, N_DOM, q_dom_miss, 0, 0);
    bench("IP LPM (hit: hosts and inside networks)", db, IOC_IP, N_IP, q_ip, 0, 1);
    bench("IP LPM (miss)", db, IOC_IP, N_IP, q_ip_miss, 0, 0);
    bench("URL (hit)", db, IOC_URL, N_URL, q_url, 0, 1);
    bench("URL (miss)", db, IOC_URL, N_URL, q_url_miss, 0, 0);
    bench("JA3 (hit)", db, IOC_JA3, N_JA3, q_ja3, 0, 1);
    bench("JA3 (miss)", db, IOC_JA3, N_JA3, q_ja3_miss, 0, 0);
    bench("certificate SHA-256 (hit)", db, IOC_CERT_SHA256, N_SHA, q_sha, 0, 1);

    /* a reload builds the new set beside the old one: the peak */
    t0 = now();
    c0 = cpu();
    ioc_manager_reload(m, 1);
    long rss2 = rss_kb();
    ioc_manager_swap(m, NULL, NULL);
    printf("forced reload of all five feeds: %.2f s (%.2f s CPU); RSS with both sets +%.1f MiB, "
           "after the swap +%.1f MiB above start\n", now() - t0, cpu() - c0,
           (double)(rss2 - rss0) / 1024.0, (double)(rss_kb() - rss0) / 1024.0);
    ioc_manager_destroy(m);
    return 0;
}
