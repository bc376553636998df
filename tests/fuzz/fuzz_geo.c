/*
 * fuzz_geo.c - libFuzzer harness for detect/geo.c and the geoip weight
 * entries of config/config.c.
 *
 * The first byte picks what the rest is:
 *   0: a MaxMind DB file (hostile: a corrupt or crafted download) opened as
 *      both the country and the ASN database, then looked up for a few v4
 *      and v6 addresses.  Invariants: opening never fails the engine (a
 *      note, GeoIP off); country codes are two capital letters or "";
 *      strings are terminated inside their buffers, without control
 *      characters; the explanation suffix fits the room it was given.
 *   1: a geoip.asn_weights entry ("AS64500=1.5"), 2: a country_weights one
 *      ("NL=0.5").  Invariant: accepted ones have 0 < m <= 10, an ASN > 0,
 *      a two-letter capital code.
 *   3: a geo_info (asn, cc, org bytes) and a room: geo_suffix never writes
 *      more than the room and never cuts a UTF-8 sequence.
 * The file for mode 0 is written to a memfd (MMDB_open needs a path).
 *
 * Build: make fuzz (clang); replayed by make fuzz-replay over
 * tests/fuzz/corpus/geo (seeds: tests/geo/make_mmdb.pl's two files, weight
 * entries, suffix cases).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config/config.h"
#include "detect/geo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* libmaxminddb 1.7.1 (Debian bookworm) leaks the metadata it had decoded
 * when MMDB_open() rejects a file (fixed upstream in maxmind/libmaxminddb
 * pull request 356): a few KB per rejected open, not spanhound's; only
 * leaks allocated inside libmaxminddb are ignored. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libmaxminddb.so\n";
}

static void check_info(const struct geo_info *gi)
{
    if (gi->cc[0] && !(strlen(gi->cc) == 2 && gi->cc[0] >= 'A' && gi->cc[0] <= 'Z' &&
                       gi->cc[1] >= 'A' && gi->cc[1] <= 'Z'))
        abort();
    if (memchr(gi->country, 0, sizeof(gi->country)) == NULL ||
        memchr(gi->as_org, 0, sizeof(gi->as_org)) == NULL)
        abort();
    for (const char *p = gi->as_org; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            abort();
    char sfx[128];
    for (size_t room = 0; room < 60; room += 7)
        if (geo_suffix(gi, sfx, sizeof(sfx), room) > room || strlen(sfx) > room)
            abort();
}

static void db(const uint8_t *p, size_t n)
{
    int fd = memfd_create("fuzz_geo", 0);
    if (fd < 0)
        return;
    if (n && write(fd, p, n) != (ssize_t)n) {
        close(fd);
        return;
    }
    struct cfg_geoip c;
    char note[2048];
    memset(&c, 0, sizeof(c));
    snprintf(c.country_db, sizeof(c.country_db), "/proc/self/fd/%d", fd);
    snprintf(c.asn_db, sizeof(c.asn_db), "/proc/self/fd/%d", fd);
    struct geo *g = geo_open(&c, note, sizeof(note));
    if (g) {
        static const char *const ips[] = { "192.0.2.5", "198.51.100.70", "203.0.113.5",
                                           "0.0.0.0", "255.255.255.255", "2001:db8::1",
                                           "2001:db8:64::1", "::", "ffff::1" };
        for (size_t i = 0; i < sizeof(ips) / sizeof(ips[0]); i++) {
            struct geo_info gi;
            int rc = geo_lookup_text(g, ips[i], &gi);
            if (rc < -1 || rc > 1)
                abort();
            check_info(&gi);
        }
        geo_close(g);
    }
    close(fd);
}

static void weight(const uint8_t *p, size_t n, int asn)
{
    char s[128], msg[256];
    struct cfg_geo_weight w;
    if (n >= sizeof(s))
        n = sizeof(s) - 1;
    memcpy(s, p, n);
    s[n] = '\0';
    if (config_geo_weight_parse(s, asn, &w, msg, sizeof(msg)) == 0) {
        if (!(w.w > 0 && w.w <= 10))
            abort();
        if (asn ? w.asn == 0 : !(w.cc[0] >= 'A' && w.cc[0] <= 'Z' && w.cc[1] >= 'A' &&
                                 w.cc[1] <= 'Z' && !w.cc[2]))
            abort();
    }
}

static void suffix(const uint8_t *p, size_t n)
{
    struct geo_info gi;
    char b[160];
    if (n < 6)
        return;
    memset(&gi, 0, sizeof(gi));
    memcpy(&gi.asn, p, 4);
    size_t room = p[4] % 150;
    int with_cc = p[5] & 1;
    p += 6;
    n -= 6;
    if (with_cc)
        memcpy(gi.cc, "NL", 3);
    if (n >= sizeof(gi.as_org))
        n = sizeof(gi.as_org) - 1;
    memcpy(gi.as_org, p, n);
    gi.as_org[n] = '\0';
    size_t len = geo_suffix(&gi, b, sizeof(b), room);
    if (len > room || len != strlen(b))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    switch (data[0] % 4) {
    case 0: db(data + 1, size - 1); break;
    case 1: weight(data + 1, size - 1, 1); break;
    case 2: weight(data + 1, size - 1, 0); break;
    default: suffix(data + 1, size - 1); break;
    }
    return 0;
}
