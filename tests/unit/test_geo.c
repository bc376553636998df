/*
 * test_geo.c -- GeoIP/ASN lookups (detect/geo.h) on MaxMind DB files the
 * test builds itself (tests/geo/make_mmdb.pl, Debian's
 * libmaxmind-db-writer-perl), checked against `mmdblookup` (Debian's
 * mmdb-bin, libmaxminddb's own lookup tool) on the same files, plus the
 * generator's design for the cases that must differ (the most specific
 * network wins).  Also: GeoIP off without databases, missing, empty,
 * truncated and corrupt files, weights and the explanation suffix.
 *
 * The generator is found at $SH_SRCDIR/tests/geo/make_mmdb.pl (default: the
 * current directory, the source tree under `make unit`).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../detect/geo.h"

#define assert_near(a, b, eps) assert_true(fabs((double)(a) - (double)(b)) <= (eps))

static char dir[64];
static char country_db[128], asn_db[128];

static int make_dbs(void **state)
{
    (void)state;
    char cmd[512];
    const char *src = getenv("SH_SRCDIR") ? getenv("SH_SRCDIR") : ".";
    snprintf(dir, sizeof(dir), "/tmp/sh-test-geo-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(cmd, sizeof(cmd), "perl '%s/tests/geo/make_mmdb.pl' '%s'", src, dir);
    if (system(cmd) != 0) {
        fprintf(stderr, "test_geo: %s failed (libmaxmind-db-writer-perl installed?)\n", cmd);
        return -1;
    }
    snprintf(country_db, sizeof(country_db), "%s/test-country.mmdb", dir);
    snprintf(asn_db, sizeof(asn_db), "%s/test-asn.mmdb", dir);
    return 0;
}

static int remove_dbs(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* ---- the oracle: mmdblookup ------------------------------------------- */

/* The value mmdblookup prints for ip at `path` ("country iso_code"):
 * the text between quotes for strings, the number for integers; "" when it
 * reports no entry or no such path. */
static void oracle(const char *file, const char *ip, const char *path, char *out, size_t len)
{
    char cmd[512], line[512];
    snprintf(cmd, sizeof(cmd), "mmdblookup --file '%s' --ip '%s' %s 2>&1", file, ip, path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    out[0] = '\0';
    while (fgets(line, sizeof(line), p)) {
        char *q = line;
        while (*q == ' ')
            q++;
        if (*q == '"') {
            char *e = strrchr(q + 1, '"');
            if (e && strstr(e, "<utf8_string>"))
                snprintf(out, len, "%.*s", (int)(e - q - 1), q + 1);
        } else if (*q >= '0' && *q <= '9' && strstr(q, "<uint")) {
            snprintf(out, len, "%lu", strtoul(q, NULL, 10));
        }
    }
    int rc = pclose(p);
    assert_true(rc != -1);
}

struct expect {
    const char *ip;
};

static const char *const addrs[] = {
    "192.0.2.5", "192.0.2.127", "192.0.2.128", "192.0.2.200", "192.0.2.255",
    "198.51.100.7", "198.51.100.63", "198.51.100.64", "198.51.100.70", "198.51.100.127",
    "198.51.100.128", "203.0.113.5", "203.0.113.200", "8.8.8.8", "10.1.2.3",
    "2001:db8::1", "2001:db8:64::1", "2001:db8:64:ffff::9", "2001:db8:65::1",
    "2001:db9::1", "::ffff:192.0.2.5", "2606:4700::1111",
};

static struct geo *open_test(const struct cfg_geoip *extra, char *note, size_t len)
{
    struct cfg_geoip c;
    memset(&c, 0, sizeof(c));
    if (extra)
        c = *extra;
    snprintf(c.country_db, sizeof(c.country_db), "%s", country_db);
    snprintf(c.asn_db, sizeof(c.asn_db), "%s", asn_db);
    struct geo *g = geo_open(&c, note, len);
    assert_non_null(g);
    assert_true(geo_enabled(g));
    return g;
}

static void lookups_agree_with_mmdblookup(void **state)
{
    (void)state;
    char note[1024];
    struct geo *g = open_test(NULL, note, sizeof(note));
    assert_non_null(strstr(note, "GeoLite2-Country"));
    assert_non_null(strstr(note, "GeoLite2-ASN"));
    int found = 0, missed = 0, v4 = 0, v6 = 0;
    for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
        const char *ip = addrs[i];
        char cc[16], cc_reg[16], name[64], name_reg[64], asn[32], org[128];
        oracle(country_db, ip, "country iso_code", cc, sizeof(cc));
        oracle(country_db, ip, "country names en", name, sizeof(name));
        oracle(country_db, ip, "registered_country iso_code", cc_reg, sizeof(cc_reg));
        oracle(country_db, ip, "registered_country names en", name_reg, sizeof(name_reg));
        oracle(asn_db, ip, "autonomous_system_number", asn, sizeof(asn));
        oracle(asn_db, ip, "autonomous_system_organization", org, sizeof(org));
        const char *want_cc = cc[0] ? cc : cc_reg;
        const char *want_name = cc[0] ? name : name_reg;

        struct geo_info gi;
        int rc = geo_lookup_text(g, ip, &gi);
        char got_asn[32];
        snprintf(got_asn, sizeof(got_asn), "%u", gi.asn);
        if (strcmp(gi.cc, want_cc) || strcmp(gi.country, want_name) ||
            strcmp(asn[0] ? asn : "0", got_asn) || strcmp(gi.as_org, org))
            fail_msg("%s: spanhound cc=%s (%s) asn=%s org=%s; mmdblookup cc=%s (%s) asn=%s org=%s",
                     ip, gi.cc, gi.country, got_asn, gi.as_org, want_cc, want_name, asn, org);
        assert_int_equal(rc, want_cc[0] || asn[0] ? 1 : 0);
        if (rc == 1) {
            found++;
            if (strchr(ip, ':'))
                v6++;
            else
                v4++;
        } else {
            missed++;
        }
    }
    /* the files are not empty: both families found, and misses outside */
    assert_true(v4 >= 8);
    assert_true(v6 >= 4);
    assert_true(missed >= 4);
    struct geo_stats st;
    geo_get_stats(g, &st);
    assert_int_equal(st.lookups, sizeof(addrs) / sizeof(addrs[0]));
    assert_int_equal(st.found, found);
    assert_int_equal(st.misses, missed);
    assert_int_equal(st.errors, 0);
    geo_close(g);
}

/* The generator's design (tests/geo/make_mmdb.pl): a /26 inside a /24, a
 * /25 inside a /24, a /48 inside a /32 -- the more specific one answers. */
static void most_specific_network_wins(void **state)
{
    (void)state;
    char note[1024];
    struct geo *g = open_test(NULL, note, sizeof(note));
    struct geo_info gi;
    assert_int_equal(geo_lookup_text(g, "198.51.100.70", &gi), 1);
    assert_string_equal(gi.cc, "FR");
    assert_int_equal(gi.asn, 64502);
    assert_string_equal(gi.as_org, "Bulletproof Example Ltd");
    assert_int_equal(geo_lookup_text(g, "198.51.100.128", &gi), 1);
    assert_string_equal(gi.cc, "DE");
    assert_int_equal(gi.asn, 64501);
    assert_int_equal(geo_lookup_text(g, "192.0.2.200", &gi), 1);
    assert_string_equal(gi.cc, "BE");
    assert_int_equal(gi.asn, 64500);                 /* the ASN file has only the /24 */
    assert_int_equal(geo_lookup_text(g, "2001:db8:64::1", &gi), 1);
    assert_string_equal(gi.cc, "US");
    assert_int_equal(gi.asn, 64510);
    assert_int_equal(geo_lookup_text(g, "2001:db8:65::1", &gi), 1);
    assert_string_equal(gi.cc, "NL");
    assert_int_equal(gi.asn, 64500);
    /* registered_country when there is no country */
    assert_int_equal(geo_lookup_text(g, "203.0.113.5", &gi), 1);
    assert_string_equal(gi.cc, "JP");
    assert_int_equal(gi.asn, 0);
    /* outside every network */
    assert_int_equal(geo_lookup_text(g, "203.0.113.200", &gi), 0);
    assert_string_equal(gi.cc, "");
    assert_int_equal(gi.asn, 0);
    /* not an address */
    assert_int_equal(geo_lookup_text(g, "example.com", &gi), -1);
    struct sh_addr a = { 0 };
    assert_int_equal(geo_lookup(g, &a, &gi), -1);
    geo_close(g);
}

static void off_without_databases(void **state)
{
    (void)state;
    struct cfg_geoip c;
    char note[1024];
    struct geo_info gi;
    memset(&c, 0, sizeof(c));
    struct geo *g = geo_open(&c, note, sizeof(note));
    assert_non_null(g);
    assert_false(geo_enabled(g));
    assert_non_null(strstr(note, "geoip: off: no database configured"));
    assert_null(strchr(note, '\n'));
    assert_int_equal(geo_lookup_text(g, "192.0.2.5", &gi), -1);
    assert_near(geo_factor(g, &gi), 1, 0);
    geo_close(g);
    geo_close(NULL);
    assert_false(geo_enabled(NULL));
}

static void write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    if (n)
        assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

static size_t read_file(const char *path, unsigned char *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    return n;
}

/* Each bad file: one line naming it and why; the other database still used. */
static void bad_files_are_reported_and_skipped(void **state)
{
    (void)state;
    char missing[160], empty[160], garbage[160], half[160], tree[160];
    unsigned char buf[65536];
    snprintf(missing, sizeof(missing), "%s/no-such.mmdb", dir);
    snprintf(empty, sizeof(empty), "%s/empty.mmdb", dir);
    snprintf(garbage, sizeof(garbage), "%s/garbage.mmdb", dir);
    snprintf(half, sizeof(half), "%s/half.mmdb", dir);
    snprintf(tree, sizeof(tree), "%s/tree.mmdb", dir);
    write_file(empty, "", 0);
    for (size_t i = 0; i < 4096; i++)
        buf[i] = (unsigned char)(i * 131 + 7);
    write_file(garbage, buf, 4096);
    size_t n = read_file(asn_db, buf, sizeof(buf));
    assert_true(n > 200);
    write_file(half, buf, n / 2);                       /* metadata cut off */
    for (size_t i = 0; i < n / 2; i++)                  /* search tree overwritten */
        buf[i] = 0xff;
    write_file(tree, buf, n);

    const char *bad[] = { missing, empty, garbage, half };
    const char *why[] = { "No such file", "the file is empty", "invalid metadata", "" };
    for (int k = 0; k < 4; k++) {
        struct cfg_geoip c;
        char note[1024];
        struct geo_info gi;
        memset(&c, 0, sizeof(c));
        snprintf(c.country_db, sizeof(c.country_db), "%s", country_db);
        snprintf(c.asn_db, sizeof(c.asn_db), "%s", bad[k]);
        struct geo *g = geo_open(&c, note, sizeof(note));
        assert_non_null(g);
        assert_true(geo_enabled(g));                    /* the country file works */
        assert_non_null(strstr(note, "ASN database"));
        assert_non_null(strstr(note, bad[k]));
        assert_non_null(strstr(note, "cannot be opened"));
        assert_non_null(strstr(note, why[k]));
        assert_null(strchr(note, '\n'));
        assert_int_equal(geo_lookup_text(g, "198.51.100.70", &gi), 1);
        assert_string_equal(gi.cc, "FR");
        assert_int_equal(gi.asn, 0);
        geo_close(g);
        /* the same file as the only one: off, with the reason */
        memset(&c, 0, sizeof(c));
        snprintf(c.asn_db, sizeof(c.asn_db), "%s", bad[k]);
        g = geo_open(&c, note, sizeof(note));
        assert_non_null(g);
        assert_false(geo_enabled(g));
        assert_non_null(strstr(note, "geoip: off: "));
        assert_non_null(strstr(note, bad[k]));
        geo_close(g);
    }
    /* metadata intact, tree destroyed: opens; lookups answer something or
     * nothing, never crash (ASan run) */
    struct cfg_geoip c;
    char note[1024];
    memset(&c, 0, sizeof(c));
    snprintf(c.asn_db, sizeof(c.asn_db), "%s", tree);
    struct geo *g = geo_open(&c, note, sizeof(note));
    assert_non_null(g);
    for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
        struct geo_info gi;
        int rc = geo_lookup_text(g, addrs[i], &gi);
        assert_true(rc >= -1 && rc <= 1);
        assert_true(strlen(gi.as_org) < sizeof(gi.as_org));
    }
    geo_close(g);
}

static void weights_multiply_once(void **state)
{
    (void)state;
    struct cfg_geoip c;
    char note[1024], msg[256];
    memset(&c, 0, sizeof(c));
    assert_int_equal(config_geo_weight_parse("AS64502=1.5", 1, &c.asn_weights.v[0], msg, sizeof(msg)), 0);
    assert_int_equal(config_geo_weight_parse(" 64500 = 0.5 ", 1, &c.asn_weights.v[1], msg, sizeof(msg)), 0);
    c.asn_weights.n = 2;
    assert_int_equal(config_geo_weight_parse("fr=2", 0, &c.country_weights.v[0], msg, sizeof(msg)), 0);
    assert_string_equal(c.country_weights.v[0].cc, "FR");
    c.country_weights.n = 1;
    struct geo *g = open_test(&c, note, sizeof(note));
    struct geo_info gi;
    assert_int_equal(geo_lookup_text(g, "198.51.100.70", &gi), 1);   /* AS64502, FR */
    assert_near(geo_factor(g, &gi), 3.0, 1e-12);
    assert_int_equal(geo_lookup_text(g, "192.0.2.5", &gi), 1);       /* AS64500, NL */
    assert_near(geo_factor(g, &gi), 0.5, 1e-12);
    assert_int_equal(geo_lookup_text(g, "198.51.100.7", &gi), 1);    /* AS64501, DE */
    assert_near(geo_factor(g, &gi), 1.0, 0);
    assert_int_equal(geo_lookup_text(g, "8.8.8.8", &gi), 0);
    assert_near(geo_factor(g, &gi), 1.0, 0);
    geo_close(g);

    struct cfg_geo_weight w;
    const char *bad_asn[] = { "AS64500", "AS=1", "ASX=1", "AS64500=0", "AS64500=11",
                              "AS64500=-1", "AS64500=1x", "AS0=1", "AS4294967296=1", "" };
    for (size_t i = 0; i < sizeof(bad_asn) / sizeof(bad_asn[0]); i++)
        if (config_geo_weight_parse(bad_asn[i], 1, &w, msg, sizeof(msg)) == 0)
            fail_msg("'%s' accepted as an ASN weight", bad_asn[i]);
    const char *bad_cc[] = { "NLD=1", "N=1", "N1=1", "NL", "NL=nan", "NL=inf" };
    for (size_t i = 0; i < sizeof(bad_cc) / sizeof(bad_cc[0]); i++)
        if (config_geo_weight_parse(bad_cc[i], 0, &w, msg, sizeof(msg)) == 0)
            fail_msg("'%s' accepted as a country weight", bad_cc[i]);
    assert_int_equal(config_geo_weight_parse("as4294967295=10", 1, &w, msg, sizeof(msg)), 0);
    assert_int_equal(w.asn, 4294967295u);
}

static void suffix_fits_the_room(void **state)
{
    (void)state;
    struct geo_info gi;
    char b[128];
    memset(&gi, 0, sizeof(gi));
    assert_int_equal(geo_suffix(&gi, b, sizeof(b), 100), 0);
    assert_string_equal(b, "");
    gi.asn = 64500;
    snprintf(gi.cc, sizeof(gi.cc), "NL");
    snprintf(gi.as_org, sizeof(gi.as_org), "Example Transit");
    assert_int_equal(geo_suffix(&gi, b, sizeof(b), 100), strlen(" [AS64500 Example Transit, NL]"));
    assert_string_equal(b, " [AS64500 Example Transit, NL]");
    /* 24 characters: the organisation shortened (10 + 6 + 3 + 5) */
    geo_suffix(&gi, b, sizeof(b), 24);
    assert_string_equal(b, " [AS64500 Exampl..., NL]");
    assert_true(strlen(b) <= 24);
    /* too little for any of it: dropped, AS and country kept */
    geo_suffix(&gi, b, sizeof(b), 18);
    assert_string_equal(b, " [AS64500, NL]");
    geo_suffix(&gi, b, sizeof(b), 5);
    assert_string_equal(b, "");
    gi.asn = 0;
    geo_suffix(&gi, b, sizeof(b), 100);
    assert_string_equal(b, " [NL]");
    gi.asn = 64501;
    gi.cc[0] = '\0';
    geo_suffix(&gi, b, sizeof(b), 100);
    assert_string_equal(b, " [AS64501 Example Transit]");
    /* a multi-byte character is never cut in half */
    snprintf(gi.as_org, sizeof(gi.as_org), "Caf\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9 Networks");
    for (size_t room = 10; room < 40; room++) {
        size_t n = geo_suffix(&gi, b, sizeof(b), room);
        assert_true(n <= room);
        assert_int_equal(n, strlen(b));
        for (size_t i = 0; i + 1 < n; i++)
            if ((unsigned char)b[i] >= 0xC0)
                assert_true(((unsigned char)b[i + 1] & 0xC0) == 0x80);
    }
}

/* geoipupdate replaced a file: a reload takes the new one; a file that no
 * longer opens leaves the one in use. */
static void reload_takes_new_files_keeps_old_on_error(void **state)
{
    (void)state;
    struct cfg_geoip c;
    char note[1024], cmd[512], path[160];
    struct geo_info gi;
    unsigned char buf[65536];
    memset(&c, 0, sizeof(c));
    snprintf(path, sizeof(path), "%s/swap.mmdb", dir);
    /* first the ASN file under the country name: no country */
    size_t n = read_file(asn_db, buf, sizeof(buf));
    write_file(path, buf, n);
    snprintf(c.country_db, sizeof(c.country_db), "%s", path);
    struct geo *g = geo_open(&c, note, sizeof(note));
    assert_true(geo_enabled(g));
    assert_int_equal(geo_lookup_text(g, "198.51.100.70", &gi), 0);
    /* replaced the way geoipupdate does it (a new file renamed over) */
    n = read_file(country_db, buf, sizeof(buf));
    char tmp[170];
    snprintf(tmp, sizeof(tmp), "%s.new", path);
    write_file(tmp, buf, n);
    snprintf(cmd, sizeof(cmd), "mv '%s' '%s'", tmp, path);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(geo_reload(g, &c, note, sizeof(note)), 1);
    assert_non_null(strstr(note, "geoip: reloaded: country from"));
    assert_int_equal(geo_lookup_text(g, "198.51.100.70", &gi), 1);
    assert_string_equal(gi.cc, "FR");
    /* now a broken download: the file in use stays */
    write_file(tmp, "", 0);
    snprintf(cmd, sizeof(cmd), "mv '%s' '%s'", tmp, path);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(geo_reload(g, &c, note, sizeof(note)), 0);
    assert_non_null(strstr(note, "cannot be opened"));
    assert_non_null(strstr(note, "the one read before is kept"));
    assert_true(geo_enabled(g));
    assert_int_equal(geo_lookup_text(g, "198.51.100.70", &gi), 1);
    assert_string_equal(gi.cc, "FR");
    struct geo_stats st;
    geo_get_stats(g, &st);
    assert_int_equal(st.reloads, 2);
    geo_close(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lookups_agree_with_mmdblookup),
        cmocka_unit_test(most_specific_network_wins),
        cmocka_unit_test(off_without_databases),
        cmocka_unit_test(bad_files_are_reported_and_skipped),
        cmocka_unit_test(weights_multiply_once),
        cmocka_unit_test(suffix_fits_the_room),
        cmocka_unit_test(reload_takes_new_files_keeps_old_on_error),
    };
    return cmocka_run_group_tests(tests, make_dbs, remove_dbs);
}
