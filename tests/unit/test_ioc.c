/*
 * test_ioc.c -- feeds/ioc: canonical values, every feed format, the
 * matching semantics, the LPM trie against a brute-force reference and
 * reload.
 *
 * Oracles: the expected entries are read off the sample files by hand
 * (tests/feeds/: two slices of the abuse.ch SSLBL dev CSVs, and samples
 * written in the Feodo Tracker, URLhaus, plain and STIX 2.1 layouts), and
 * the longest-prefix answers come from a linear scan in this file, not
 * from the trie.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "detect/ti.h"
#include "feeds/ioc.h"

#define NOW_2026 1767225600   /* 2026-01-01T00:00:00Z */

#include "scratch.h"

static void write_file(const char *path, const char *s)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(s, fp);
    fclose(fp);
}

static struct ioc_feed_def def(const char *name, const char *path, int fmt, int type)
{
    struct ioc_feed_def d;
    memset(&d, 0, sizeof(d));
    snprintf(d.name, sizeof(d.name), "%s", name);
    snprintf(d.path, sizeof(d.path), "%s", path);
    d.format = fmt;
    d.type = type;
    d.weight = 2.0;
    d.confidence = 0.5;
    return d;
}

static FILE *quiet(void)
{
    static FILE *fp;
    if (!fp)
        fp = fopen("/dev/null", "w");
    return fp;
}

static struct ioc_manager *load1(struct ioc_feed_def d)
{
    struct ioc_manager *m = ioc_manager_create(&d, 1, quiet());
    assert_non_null(m);
    ioc_manager_set_now(m, NOW_2026);
    assert_int_equal(ioc_manager_load(m), 0);
    return m;
}

static int look(struct ioc_manager *m, int type, const char *v, struct intel_hit *h, int max)
{
    return ioc_lookup(ioc_manager_db(m), type, v, strlen(v), NULL, h, max);
}

/* exactly one hit, with this entry and reason */
static void hit1(struct ioc_manager *m, int type, const char *v, const char *entry,
                 const char *reason)
{
    struct intel_hit h[4];
    int n = look(m, type, v, h, 4);
    if (n != 1)
        fail_msg("%s: %d hits, expected 1", v, n);
    assert_string_equal(h[0].entry, entry);
    assert_string_equal(h[0].reason, reason);
    assert_int_equal(h[0].type, type);
}

static void miss(struct ioc_manager *m, int type, const char *v)
{
    struct intel_hit h[4];
    int n = look(m, type, v, h, 4);
    if (n != 0)
        fail_msg("%s: %d hits (first %s), expected none", v, n, h[0].entry);
}

/* ---- canonical forms ------------------------------------------------ */

static void canon_is(int type, const char *in, const char *want, int want_type)
{
    char out[512];
    int t = type;
    int n = ioc_canon(&t, in, strlen(in), out, sizeof(out));
    if (!want) {
        if (n >= 0)
            fail_msg("'%s' accepted as '%s'", in, out);
        return;
    }
    if (n < 0)
        fail_msg("'%s' rejected", in);
    assert_string_equal(out, want);
    assert_int_equal(n, (int)strlen(want));
    assert_int_equal(t, want_type);
}

static void test_canon(void **state)
{
    (void)state;
    canon_is(IOC_IP, "192.0.2.1", "192.0.2.1", IOC_IP);
    canon_is(IOC_IP, " 192.0.2.0/24 ", "192.0.2.0/24", IOC_IP);
    canon_is(IOC_IP, "192.0.2.1/32", "192.0.2.1", IOC_IP);
    canon_is(IOC_IP, "192.0.2.1/24", NULL, 0);                 /* host bits */
    canon_is(IOC_IP, "0.0.0.0/0", "0.0.0.0/0", IOC_IP);
    canon_is(IOC_IP, "2001:DB8:0:0::/32", "2001:db8::/32", IOC_IP);
    canon_is(IOC_IP, "::ffff:198.51.100.7", "198.51.100.7", IOC_IP);
    canon_is(IOC_IP, "::ffff:198.51.100.0/120", "198.51.100.0/24", IOC_IP);
    canon_is(IOC_IP, "192.0.2.1/33", NULL, 0);
    canon_is(IOC_IP, "192.0.2.1/", NULL, 0);
    canon_is(IOC_IP, "192.0.2.1/-1", NULL, 0);
    canon_is(IOC_IP, "192.0.2", NULL, 0);
    canon_is(IOC_DOMAIN, "Evil.EXAMPLE.", "evil.example", IOC_DOMAIN);
    canon_is(IOC_DOMAIN, "*.zone.example", "zone.example", IOC_DOMAIN);
    canon_is(IOC_DOMAIN, "198.51.100.4", "198.51.100.4", IOC_IP);
    canon_is(IOC_DOMAIN, "a..example", NULL, 0);
    canon_is(IOC_DOMAIN, "a b.example", NULL, 0);
    canon_is(IOC_DOMAIN, "http://x.example/", NULL, 0);
    canon_is(IOC_URL, "HTTP://Evil.Example:80/A?b=C#frag", "http://evil.example/A?b=C", IOC_URL);
    canon_is(IOC_URL, "http://evil.example", "http://evil.example/", IOC_URL);
    canon_is(IOC_URL, "https://evil.example:443/x", "https://evil.example/x", IOC_URL);
    canon_is(IOC_URL, "http://evil.example:8080/x", "http://evil.example:8080/x", IOC_URL);
    canon_is(IOC_URL, "http://evil.example.:81?q", "http://evil.example:81/?q", IOC_URL);
    canon_is(IOC_URL, "http://[2001:DB8::1]:80/", "http://[2001:db8::1]/", IOC_URL);
    /* what an HTTP request can carry: no userinfo, IPv6 in inet_ntop text */
    canon_is(IOC_URL, "http://user:pw@Evil.Example/x", "http://evil.example/x", IOC_URL);
    canon_is(IOC_URL, "http://[2001:db8:0:0:0::1]:8080/x", "http://[2001:db8::1]:8080/x", IOC_URL);
    canon_is(IOC_URL, "http://[2001:db8::g]/x", NULL, 0);
    canon_is(IOC_URL, "evil.example/x", NULL, 0);
    canon_is(IOC_URL, "http:///x", NULL, 0);
    canon_is(IOC_URL, "http://a b/", NULL, 0);
    canon_is(IOC_URL, "http://x.example:99999/", NULL, 0);
    canon_is(IOC_JA3, "B386946A5A44D1DDCC843BC75336DFCE", "b386946a5a44d1ddcc843bc75336dfce",
             IOC_JA3);
    canon_is(IOC_JA3, "b386946a5a44d1ddcc843bc75336dfc", NULL, 0);
    canon_is(IOC_JA3S, "g386946a5a44d1ddcc843bc75336dfce", NULL, 0);
    canon_is(IOC_JA4, "t13d1516h2_8daaf6152771_02713d6af862", "t13d1516h2_8daaf6152771_02713d6af862",
             IOC_JA4);
    canon_is(IOC_JA4, "t13d1516h2 8daaf6152771", NULL, 0);
    /* the engine lower-cases JA4 (detect/intel.c put_ja4): so does a feed */
    canon_is(IOC_JA4, "T13D1516H2_8DAAF6152771_02713D6AF862", "t13d1516h2_8daaf6152771_02713d6af862",
             IOC_JA4);
    canon_is(IOC_CERT_SHA1, "0D:DB:34:F8:75:63:2C:7E:1E:C0:9D:75:82:7F:82:D2:33:6D:FE:B6",
             "0ddb34f875632c7e1ec09d75827f82d2336dfeb6", IOC_CERT_SHA1);
    canon_is(IOC_CERT_SHA1,
             "abcdef01abcdef01abcdef01abcdef01abcdef01abcdef01abcdef01abcdef01",
             "abcdef01abcdef01abcdef01abcdef01abcdef01abcdef01abcdef01abcdef01",
             IOC_CERT_SHA256);
    canon_is(IOC_CERT_SHA256, "abcd", NULL, 0);
    canon_is(IOC_DOMAIN, "", NULL, 0);
    canon_is(0, "x", NULL, 0);
}

/* ---- line formats ---------------------------------------------------- */

/* a URL as a feed lists it and as the engine rebuilds it from a request
 * (detect/ti.h ti_canon_url: Host, port, request target) are the same
 * string, or a listed URL is a silent miss */
static void test_url_agrees_with_engine(void **state)
{
    (void)state;
    static const struct {
        const char *feed, *host;
        unsigned port;
        const char *target;
    } v[] = {
        { "http://evil.example/a/b.exe", "evil.example", 80, "/a/b.exe" },
        { "HTTP://EVIL.example:80/a?b=C", "Evil.Example", 80, "/a?b=C" },
        { "http://evil.example:8080/a", "evil.example", 8080, "/a" },
        { "http://evil.example", "evil.example", 80, "/" },
        { "http://evil.example?x=1", "evil.example", 80, "/?x=1" },
        { "http://evil.example/a#frag", "evil.example", 80, "/a" },
        { "http://evil.example./a", "evil.example.", 80, "/a" },
        { "http://[2001:DB8:0:0::1]/a", "[2001:db8::1]", 80, "/a" },
        { "http://[2001:db8::1]:8080/a", "[2001:db8::1]", 8080, "/a" },
        { "http://user@evil.example/a", "evil.example", 80, "/a" },
        { "http://192.0.2.7:81/gate.php", "192.0.2.7", 81, "/gate.php" },
        { "http://evil.example/x", "evil.example", 80, "http://evil.example/x" },
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        char f[600], e[600];
        int t = IOC_URL;
        assert_true(ioc_canon(&t, v[i].feed, strlen(v[i].feed), f, sizeof(f)) > 0);
        assert_int_equal(ti_canon_url(v[i].host, strlen(v[i].host), (uint16_t)v[i].port,
                                      v[i].target, strlen(v[i].target), e, sizeof(e)), 0);
        if (strcmp(f, e) != 0)
            fail_msg("%s: feed '%s', engine '%s'", v[i].feed, f, e);
    }
}

static void stats_are(struct ioc_manager *m, uint64_t entries, uint64_t skipped,
                      uint64_t dups)
{
    struct ioc_feed_stats st;
    assert_int_equal(ioc_manager_feed_stats(m, 0, &st), 0);
    assert_int_equal(st.entries, entries);
    assert_int_equal(st.skipped, skipped);
    assert_int_equal(st.duplicates, dups);
}

static void test_plain_domains(void **state)
{
    (void)state;
    struct ioc_manager *m = load1(def("doms", "tests/feeds/plain_domains.txt", IOC_FMT_PLAIN,
                                      IOC_DOMAIN));
    stats_are(m, 6, 1, 1);
    struct ioc_feed_stats st;
    ioc_manager_feed_stats(m, 0, &st);
    assert_int_equal(st.by_type[IOC_DOMAIN], 5);
    assert_int_equal(st.by_type[IOC_IP], 1);
    hit1(m, IOC_DOMAIN, "evil.example", "evil.example", "");
    hit1(m, IOC_DOMAIN, "x.c2.test", "c2.test", "");
    hit1(m, IOC_DOMAIN, "mixed.case.example", "mixed.case.example", "trailing dot and case");
    hit1(m, IOC_DOMAIN, "hosts-style.example", "hosts-style.example", "");
    hit1(m, IOC_DOMAIN, "under_score.example", "under_score.example", "");
    hit1(m, IOC_IP, "198.51.100.200", "198.51.100.200", "");
    miss(m, IOC_DOMAIN, "bad");
    miss(m, IOC_DOMAIN, "domain");
    miss(m, IOC_DOMAIN, "notc2.test");                        /* label boundary */
    ioc_manager_destroy(m);
    /* entries matching (nearly) everything are skipped, not loaded: a top-level
     * domain, IPv4 shorter than /8, IPv6 shorter than /16 */
    {
        static const char feed[] = "com\n0.0.0.0/0\n::/0\n128.0.0.0/1\n10.0.0.0/8\n"
                                   "2001::/16\nok.example\n";
        struct ioc_feed_def d = def("broad", "mem", IOC_FMT_PLAIN, IOC_DOMAIN);
        struct ioc_feed_stats bst;
        struct ioc_db *db = ioc_db_from_buffer(&d, feed, strlen(feed), NOW_2026, NULL, &bst);
        assert_non_null(db);
        assert_int_equal(bst.entries, 3);
        assert_int_equal(bst.skipped, 4);
        struct intel_hit h[2];
        struct sh_addr a;
        memset(&a, 0, sizeof(a));
        a.family = 4;
        inet_pton(AF_INET, "8.8.8.8", a.a);
        assert_int_equal(ioc_lookup(db, IOC_IP, "8.8.8.8", 7, &a, h, 2), 0);
        assert_int_equal(ioc_lookup(db, IOC_DOMAIN, "www.google.com", 14, NULL, h, 2), 0);
        ioc_db_free(db);
    }
}

static void test_plain_ips(void **state)
{
    (void)state;
    struct ioc_manager *m = load1(def("ips", "tests/feeds/plain_ips.txt", IOC_FMT_PLAIN, IOC_IP));
    stats_are(m, 5, 2, 0);
    hit1(m, IOC_IP, "192.0.2.1", "192.0.2.1", "");
    miss(m, IOC_IP, "192.0.2.2");
    hit1(m, IOC_IP, "198.51.100.77", "198.51.100.0/24", "");
    miss(m, IOC_IP, "10.1.2.3");                      /* the /8 with host bits was skipped */
    hit1(m, IOC_IP, "2001:db8:abcd:1::5", "2001:db8:abcd::/48", "");
    miss(m, IOC_IP, "2001:db8:abce::1");
    hit1(m, IOC_IP, "203.0.113.9", "203.0.113.9", "");
    hit1(m, IOC_IP, "::ffff:203.0.113.9", "203.0.113.9", "");
    hit1(m, IOC_IP, "203.0.113.100", "203.0.113.0/25", "a reason after a hash");
    miss(m, IOC_IP, "203.0.113.128");
    /* the address argument wins over the text */
    struct sh_addr a;
    memset(&a, 0, sizeof(a));
    a.family = 4;
    inet_pton(AF_INET, "192.0.2.1", a.a);
    struct intel_hit h[2];
    assert_int_equal(ioc_lookup(ioc_manager_db(m), IOC_IP, "x", 1, &a, h, 2), 1);
    assert_string_equal(h[0].entry, "192.0.2.1");
    assert_string_equal(h[0].feed, "ips");
    assert_true(h[0].weight == 2.0 && h[0].confidence == 0.5);
    ioc_manager_destroy(m);
}

static void test_sslbl_ja3(void **state)
{
    (void)state;
    struct ioc_manager *m = load1(def("sslbl-ja3", "tests/feeds/sslbl_ja3_sample.csv",
                                      IOC_FMT_ABUSECH_JA3, 0));
    stats_are(m, 6, 0, 0);
    hit1(m, IOC_JA3, "b386946a5a44d1ddcc843bc75336dfce", "b386946a5a44d1ddcc843bc75336dfce",
         "Dridex");
    hit1(m, IOC_JA3, "1AA7BF8B97E540CA5EDD75F7B8384BFA", "1aa7bf8b97e540ca5edd75f7b8384bfa",
         "TrickBot");
    hit1(m, IOC_JA3, "bc6c386f480ee97b9d9e52d472b772d8", "bc6c386f480ee97b9d9e52d472b772d8",
         "Adware");
    miss(m, IOC_JA3, "bc6c386f480ee97b9d9e52d472b772d9");
    miss(m, IOC_JA3S, "b386946a5a44d1ddcc843bc75336dfce");   /* JA3S is another type */
    ioc_manager_destroy(m);
}

static void test_sslbl_sha1(void **state)
{
    (void)state;
    struct ioc_manager *m = load1(def("sslbl", "tests/feeds/sslbl_sha1_sample.csv",
                                      IOC_FMT_ABUSECH_SSLBL, 0));
    stats_are(m, 6, 0, 0);
    hit1(m, IOC_CERT_SHA1, "0ddb34f875632c7e1ec09d75827f82d2336dfeb6",
         "0ddb34f875632c7e1ec09d75827f82d2336dfeb6", "Fake");
    hit1(m, IOC_CERT_SHA1, "73:F8:8F:E6:73:EB:EE:B1:EF:4D:6F:C7:92:7B:46:C8:F4:8A:C4:50",
         "73f88fe673ebeeb1ef4d6fc7927b46c8f48ac450", "AgentTesla C&C");
    hit1(m, IOC_CERT_SHA1, "d85b16b753442836c5e6c9c17f68d1e48c5e51c7",
         "d85b16b753442836c5e6c9c17f68d1e48c5e51c7", "AsyncRAT C&C");
    ioc_manager_destroy(m);
}

static void test_feodo(void **state)
{
    (void)state;
    struct ioc_manager *m = load1(def("feodo", "tests/feeds/feodo_sample.csv", IOC_FMT_FEODO, 0));
    stats_are(m, 3, 2, 1);
    hit1(m, IOC_IP, "192.0.2.10", "192.0.2.10", "Dridex");
    hit1(m, IOC_IP, "198.51.100.7", "198.51.100.7", "QakBot");
    hit1(m, IOC_IP, "2001:db8::15", "2001:db8::15", "Emotet");
    miss(m, IOC_IP, "192.0.2.99");
    ioc_manager_destroy(m);
    m = load1(def("feodo-old", "tests/feeds/feodo_old_sample.csv", IOC_FMT_FEODO, 0));
    stats_are(m, 2, 0, 0);
    hit1(m, IOC_IP, "203.0.113.50", "203.0.113.50", "TrickBot");
    hit1(m, IOC_IP, "203.0.113.51", "203.0.113.51", "Heodo");
    ioc_manager_destroy(m);
}

static void test_urlhaus(void **state)
{
    (void)state;
    struct ioc_manager *m = load1(def("urlhaus", "tests/feeds/urlhaus_sample.csv",
                                      IOC_FMT_URLHAUS, 0));
    stats_are(m, 3, 2, 0);
    hit1(m, IOC_URL, "http://192.0.2.33:8080/bins/x.mips", "http://192.0.2.33:8080/bins/x.mips",
         "malware_download (32-bit,elf,mips,Mozi)");
    hit1(m, IOC_URL, "http://evil.example/Dropper.EXE?id=7",
         "http://evil.example/Dropper.EXE?id=7", "malware_download (exe)");
    miss(m, IOC_URL, "http://evil.example/dropper.exe?id=7");   /* paths keep their case */
    hit1(m, IOC_URL, "https://cdn.bad.example/a/b.js", "https://cdn.bad.example/a/b.js",
         "malware_download");
    miss(m, IOC_DOMAIN, "evil.example");                      /* a URL is not its host */
    ioc_manager_destroy(m);
}

/* line parser on its own: headers, quotes, reasons */
struct got {
    int n;
    int type[8];
    char v[8][300];
    char r[8][100];
};

static int collect(void *ctx, int type, const char *v, size_t n, const char *r, size_t rn)
{
    struct got *g = ctx;
    if (g->n >= 8)
        return -1;
    g->type[g->n] = type;
    snprintf(g->v[g->n], sizeof(g->v[0]), "%.*s", (int)n, v);
    snprintf(g->r[g->n], sizeof(g->r[0]), "%.*s", (int)rn, r);
    g->n++;
    return strstr(g->v[g->n - 1], "invalid") ? -1 : 0;
}

static void test_lineparser(void **state)
{
    (void)state;
    struct ioc_lineparser p;
    struct got g;
    memset(&g, 0, sizeof(g));
    ioc_lineparser_init(&p, IOC_FMT_URLHAUS, 0);
    /* no header yet: the 9-column layout by position */
    const char *l = "\"1\",\"d\",\"http://a.example/\",\"online\",\"\",\"malware_download\","
                    "\"a,b\",\"link\",\"rep\"";
    assert_int_equal(ioc_parse_line(&p, l, strlen(l), collect, &g), 1);
    assert_string_equal(g.v[0], "http://a.example/");
    assert_string_equal(g.r[0], "malware_download (a,b)");
    /* the older 8-column layout */
    l = "\"2\",\"d\",\"http://b.example/\",\"online\",\"malware_download\",\"t\",\"link\",\"rep\"";
    assert_int_equal(ioc_parse_line(&p, l, strlen(l), collect, &g), 1);
    assert_string_equal(g.r[1], "malware_download (t)");
    /* an invalid value is a malformed line */
    l = "\"3\",\"d\",\"invalid\",\"online\",\"\",\"x\",\"\",\"\",\"\"";
    assert_int_equal(ioc_parse_line(&p, l, strlen(l), collect, &g), -1);
    assert_non_null(strstr(p.err, "invalid"));
    /* CRLF, BOM, blank */
    ioc_lineparser_init(&p, IOC_FMT_PLAIN, IOC_JA4);
    l = "\xef\xbb\xbft13d1516h2_8daaf6152771_02713d6af862\r";
    assert_int_equal(ioc_parse_line(&p, l, strlen(l), collect, &g), 1);
    assert_string_equal(g.v[3], "t13d1516h2_8daaf6152771_02713d6af862");
    assert_int_equal(g.type[3], IOC_JA4);
    assert_int_equal(ioc_parse_line(&p, "  \r", 3, collect, &g), 0);
    assert_int_equal(ioc_parse_line(&p, "# x", 3, collect, &g), 0);
    /* the length is the bound: no NUL needed, nothing read past it */
    char raw[3] = { 'a', '_', 'b' };
    assert_int_equal(ioc_parse_line(&p, raw, 2, collect, &g), 1);
    assert_string_equal(g.v[4], "a_");
    /* CSV: too many fields, unterminated quote */
    ioc_lineparser_init(&p, IOC_FMT_ABUSECH_JA3, 0);
    l = "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u,v,w,x,y,z";
    assert_int_equal(ioc_parse_line(&p, l, strlen(l), collect, &g), -1);
    l = "\"abc,def";
    assert_int_equal(ioc_parse_line(&p, l, strlen(l), collect, &g), -1);
    l = "onlyonefield";
    assert_int_equal(ioc_parse_line(&p, l, strlen(l), collect, &g), -1);
    assert_int_equal(g.n, 5);
}

/* ---- STIX ------------------------------------------------------------ */

static void test_stix(void **state)
{
    (void)state;
    struct ioc_manager *m = load1(def("stix", "tests/feeds/stix_sample.json", IOC_FMT_STIX, 0));
    struct ioc_feed_stats st;
    ioc_manager_feed_stats(m, 0, &st);
    assert_int_equal(st.entries, 10);
    assert_int_equal(st.by_type[IOC_DOMAIN], 3);
    assert_int_equal(st.by_type[IOC_IP], 3);
    assert_int_equal(st.by_type[IOC_URL], 1);
    assert_int_equal(st.by_type[IOC_CERT_SHA1], 1);
    assert_int_equal(st.by_type[IOC_CERT_SHA256], 1);
    assert_int_equal(st.by_type[IOC_JA3], 1);
    assert_int_equal(st.expired, 1);
    assert_int_equal(st.revoked, 1);
    assert_int_equal(st.unsupported, 3);
    assert_int_equal(st.skipped, 3);
    hit1(m, IOC_DOMAIN, "www.c2.stix.example", "c2.stix.example", "Test C2");
    hit1(m, IOC_IP, "192.0.2.200", "192.0.2.0/24", "malicious-activity,c2");
    hit1(m, IOC_IP, "2001:db8:1:2::3", "2001:db8:1::/48", "malicious-activity,c2");
    hit1(m, IOC_URL, "http://esc.example/it's\\x", "http://esc.example/it's\\x", "escapes");
    hit1(m, IOC_CERT_SHA256, "abcdef01abcdef01abcdef01abcdef01abcdef01abcdef01abcdef01abcdef01",
         "abcdef01abcdef01abcdef01abcdef01abcdef01abcdef01abcdef01abcdef01", "a bad certificate");
    hit1(m, IOC_CERT_SHA1, "3784422d67a6ae0c82d60eeaf3850960a9896cb2",
         "3784422d67a6ae0c82d60eeaf3850960a9896cb2", "sha1 spelling");
    hit1(m, IOC_IP, "198.51.100.9", "198.51.100.9", "two observations");
    hit1(m, IOC_DOMAIN, "obs2.example", "obs2.example", "two observations");
    hit1(m, IOC_DOMAIN, "mixed.example", "mixed.example", "mixed");
    hit1(m, IOC_JA3, "e7d705a3286e19ea42f587b344ee6865", "e7d705a3286e19ea42f587b344ee6865", "JA3");
    miss(m, IOC_DOMAIN, "old.example");
    miss(m, IOC_DOMAIN, "revoked.example");
    miss(m, IOC_DOMAIN, "a.example");
    miss(m, IOC_DOMAIN, "time.example");
    ioc_manager_destroy(m);
}

static int count_sink(void *ctx, int type, const char *v, size_t n, const char *r, size_t rn)
{
    (void)type, (void)v, (void)r, (void)rn;
    char out[600];
    int t = type;
    (*(int *)ctx)++;
    return ioc_canon(&t, v, n, out, sizeof(out)) < 0 ? -1 : 0;
}

static int stix_str(const char *json, struct ioc_stix_counts *c)
{
    char err[256];
    int n = 0;
    memset(c, 0, sizeof(*c));
    int rc = ioc_parse_stix(json, strlen(json), NOW_2026, count_sink, &n, c, "t.json", NULL,
                            err, sizeof(err));
    return rc < 0 ? -1 : n;
}

static void test_stix_hostile(void **state)
{
    (void)state;
    struct ioc_stix_counts c;
    assert_int_equal(stix_str("{\"type\":\"bundle\",", &c), -1);
    assert_int_equal(stix_str("\"just a string\"", &c), -1);
    assert_int_equal(stix_str("{\"type\":\"bundle\",\"objects\":5}", &c), -1);
    assert_int_equal(stix_str("{\"type\":\"bundle\",\"objects\":[1,\"x\",null,{}]}", &c), 0);
    assert_int_equal(c.malformed, 3);
    /* a bare indicator, and a bare array */
    assert_int_equal(stix_str("{\"type\":\"indicator\",\"pattern\":\"[url:value = 'http://a.b/']\"}",
                              &c), 1);
    assert_int_equal(stix_str("[{\"type\":\"indicator\",\"pattern\":\"[url:value = 'http://a.b/']\"}]",
                              &c), 1);
    /* wrong property types */
    assert_int_equal(stix_str("[{\"type\":\"indicator\",\"pattern\":7}]", &c), 0);
    assert_int_equal(c.malformed, 1);
    assert_int_equal(stix_str("[{\"type\":\"indicator\",\"pattern\":\"[url:value = 'x']\","
                              "\"valid_until\":5}]", &c), 0);
    assert_int_equal(c.malformed, 1);
    assert_int_equal(stix_str("[{\"type\":\"indicator\",\"pattern\":\"[url:value = 'x']\","
                              "\"pattern_type\":5}]", &c), 0);
    assert_int_equal(c.unsupported, 1);
    /* duplicate keys are rejected by the JSON parser */
    assert_int_equal(stix_str("{\"type\":\"bundle\",\"type\":\"x\"}", &c), -1);
    /* pattern syntax */
    static const char *bad[] = {
        "", "[", "[]", "[domain-name:value]", "[domain-name:value = ]",
        "[domain-name:value = 'a.example'", "[domain-name:value = 'a\\\\x']",
        "[domain-name:value = 'a.example'] junk", "[(domain-name:value = 'a.example']",
        "[domain-name:value = 'a.example')]", "domain-name:value = 'a.example'",
        "[value = 'a.example']", "[domain-name:value = 'a.example' OR]",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char buf[300];
        snprintf(buf, sizeof(buf), "[{\"type\":\"indicator\",\"pattern\":\"%s\"}]", bad[i]);
        if (stix_str(buf, &c) != 0 || c.malformed != 1)
            fail_msg("pattern '%s': %llu malformed", bad[i], (unsigned long long)c.malformed);
    }
    static const char *unsup[] = {
        "[domain-name:value != 'a.example']", "[domain-name:value LIKE 'a%']",
        "[domain-name:value IN ('a', 'b')]", "[domain-name:value = 'a.example'] WITHIN 5 SECONDS",
        "[domain-name:value = 'a.example'] FOLLOWEDBY [domain-name:value = 'b.example']",
        "[NOT domain-name:value = 'a.example']", "[domain-name:value = 5]",
        "[ipv4-addr:value = h'ff']",
    };
    for (size_t i = 0; i < sizeof(unsup) / sizeof(unsup[0]); i++) {
        char buf[300];
        snprintf(buf, sizeof(buf), "[{\"type\":\"indicator\",\"pattern\":\"%s\"}]", unsup[i]);
        if (stix_str(buf, &c) != 0 || c.unsupported != 1)
            fail_msg("pattern '%s': %llu unsupported, %llu malformed", unsup[i],
                     (unsigned long long)c.unsupported, (unsigned long long)c.malformed);
    }
    /* grouping with parentheses, several ORs */
    assert_int_equal(stix_str("[{\"type\":\"indicator\",\"pattern\":\"([domain-name:value = 'a.ex'"
                              " OR (domain-name:value = 'b.ex')]) OR [url:value = 'http://c/']\"}]",
                              &c), 3);
    /* a long OR: every comparison is read, none silently dropped (64 were
     * kept before and the rest thrown away uncounted) */
    {
        static char big[40000];
        size_t k = (size_t)snprintf(big, sizeof(big), "[{\"type\":\"indicator\",\"pattern\":\"[");
        for (int i = 0; i < 300; i++)
            k += (size_t)snprintf(big + k, sizeof(big) - k, "%sdomain-name:value = 'd%d.example'",
                                  i ? " OR " : "", i);
        snprintf(big + k, sizeof(big) - k, "]\"}]");
        assert_int_equal(stix_str(big, &c), 300);
        assert_int_equal(c.added, 300);
        assert_int_equal(c.malformed + c.unsupported, 0);
        struct ioc_feed_def d = def("or", "mem", IOC_FMT_STIX, 0);
        struct ioc_feed_stats st;
        struct ioc_db *db = ioc_db_from_buffer(&d, big, strlen(big), NOW_2026, NULL, &st);
        assert_non_null(db);
        assert_int_equal(st.entries, 300);
        struct intel_hit h[2];
        assert_int_equal(ioc_lookup(db, IOC_DOMAIN, "d299.example", 12, NULL, h, 2), 1);
        ioc_db_free(db);
    }
    /* ISSUBSET: an address range (STIX 2.1 patterning), as '=' with a CIDR;
     * on other objects it stays unsupported */
    {
        static const char js[] =
            "[{\"type\":\"indicator\",\"pattern\":\"[ipv4-addr:value ISSUBSET '203.0.113.0/24'"
            " OR ipv6-addr:value ISSUBSET '2001:db8:aa::/48']\"}]";
        assert_int_equal(stix_str(js, &c), 2);
        struct ioc_feed_def d = def("sub", "mem", IOC_FMT_STIX, 0);
        struct ioc_db *db = ioc_db_from_buffer(&d, js, strlen(js), NOW_2026, NULL, NULL);
        assert_non_null(db);
        struct intel_hit h[2];
        struct sh_addr a;
        memset(&a, 0, sizeof(a));
        a.family = 4;
        inet_pton(AF_INET, "203.0.113.77", a.a);
        assert_int_equal(ioc_lookup(db, IOC_IP, "203.0.113.77", 12, &a, h, 2), 1);
        assert_string_equal(h[0].entry, "203.0.113.0/24");
        ioc_db_free(db);
        assert_int_equal(stix_str("[{\"type\":\"indicator\",\"pattern\":"
                                  "\"[domain-name:value ISSUBSET 'a.example']\"}]", &c), 0);
        assert_int_equal(c.unsupported, 1);
    }
    /* deep nesting stops in the JSON parser, not on our stack */
    char deep[5000];
    size_t o = 0;
    for (int i = 0; i < 2400; i++)
        deep[o++] = '[';
    deep[o] = 0;
    assert_int_equal(stix_str(deep, &c), -1);
}

/* ---- matching semantics --------------------------------------------- */

static void test_domains_two_feeds(void **state)
{
    (void)state;
    char a[128], b[128];
    snprintf(a, sizeof(a), "%s/a.txt", tmpdir);
    snprintf(b, sizeof(b), "%s/b.txt", tmpdir);
    write_file(a, "evil.example # family A\n");
    write_file(b, "evil.example # zone\na.b.evil.example # exact\n");
    struct ioc_feed_def d[2] = { def("fa", a, IOC_FMT_PLAIN, IOC_DOMAIN),
                                 def("fb", b, IOC_FMT_PLAIN, IOC_DOMAIN) };
    d[1].weight = 5;
    struct ioc_manager *m = ioc_manager_create(d, 2, quiet());
    assert_int_equal(ioc_manager_load(m), 0);
    struct intel_hit h[4];
    /* most specific first; one hit per feed */
    assert_int_equal(look(m, IOC_DOMAIN, "x.a.b.evil.example", h, 4), 2);
    assert_string_equal(h[0].feed, "fb");
    assert_string_equal(h[0].entry, "a.b.evil.example");
    assert_string_equal(h[0].reason, "exact");
    assert_true(h[0].weight == 5);
    assert_string_equal(h[1].feed, "fa");
    assert_string_equal(h[1].entry, "evil.example");
    assert_string_equal(h[1].reason, "family A");
    assert_int_equal(look(m, IOC_DOMAIN, "x.a.b.evil.example", h, 1), 1);
    assert_int_equal(look(m, IOC_DOMAIN, "EVIL.example.", h, 4), 2);
    assert_int_equal(look(m, IOC_DOMAIN, "notevil.example", h, 4), 0);   /* label boundary */
    assert_int_equal(look(m, IOC_DOMAIN, "example", h, 4), 0);
    assert_int_equal(look(m, IOC_DOMAIN, "b.evil.example", h, 4), 2);
    assert_string_equal(h[0].entry, "evil.example");
    assert_int_equal(look(m, IOC_DOMAIN, ".", h, 4), 0);
    assert_int_equal(look(m, IOC_DOMAIN, "", h, 4), 0);
    assert_int_equal(look(m, IOC_URL, "evil.example", h, 4), 0);
    assert_int_equal(ioc_lookup(NULL, IOC_DOMAIN, "evil.example", 12, NULL, h, 4), 0);
    assert_int_equal(ioc_lookup(ioc_manager_db(m), 99, "evil.example", 12, NULL, h, 4), 0);
    ioc_manager_destroy(m);
}

/* ---- LPM against a brute-force reference ---------------------------- */

struct pfx {
    int fam;
    uint8_t a[16];
    int plen;
    char txt[64];
};

static int pfx_match(const struct pfx *p, int fam, const uint8_t *a)
{
    if (p->fam != fam)
        return 0;
    for (int i = 0; i < p->plen; i++)
        if (((a[i / 8] >> (7 - i % 8)) & 1) != ((p->a[i / 8] >> (7 - i % 8)) & 1))
            return 0;
    return 1;
}

static uint32_t rnd_state = 12345;
static uint32_t rnd(void)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 17;
    rnd_state ^= rnd_state << 5;
    return rnd_state;
}

/* addresses from a small space (10.0.0.0/16-ish, 2001:db8::/112-ish) so
 * that prefixes nest and share paths */
static void rnd_addr(int fam, uint8_t *a)
{
    memset(a, 0, 16);
    if (fam == 4) {
        a[0] = 10;
        a[1] = (uint8_t)(rnd() & 3);
        a[2] = (uint8_t)rnd();
        a[3] = (uint8_t)rnd();
    } else {
        a[0] = 0x20, a[1] = 0x01, a[2] = 0x0d, a[3] = 0xb8;
        a[13] = (uint8_t)(rnd() & 3);
        a[14] = (uint8_t)rnd();
        a[15] = (uint8_t)rnd();
        if (rnd() & 1)
            a[5] = (uint8_t)rnd();
    }
}

static void test_lpm_bruteforce(void **state)
{
    (void)state;
    enum { NP = 3000, NQ = 20000 };
    static struct pfx p[NP];
    char path[128];
    snprintf(path, sizeof(path), "%s/lpm.txt", tmpdir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    int np = 0;
    for (int i = 0; i < NP; i++) {
        struct pfx *x = &p[np];
        x->fam = (rnd() % 3) ? 4 : 6;
        rnd_addr(x->fam, x->a);
        int max = x->fam == 4 ? 32 : 128;
        int r = (int)(rnd() % 10);
        x->plen = r < 4 ? max : x->fam == 4 ? 8 + (int)(rnd() % 25) : 80 + (int)(rnd() % 49);
        if (r == 9)     /* any length the loader takes (/8 and /16 at least) */
            x->plen = x->fam == 4 ? 8 + (int)(rnd() % 25) : 16 + (int)(rnd() % 113);
        sh_addr_mask(x->a, (unsigned)x->plen);
        char t[64];
        inet_ntop(x->fam == 4 ? AF_INET : AF_INET6, x->a, t, sizeof(t));
        if (x->plen == max)
            snprintf(x->txt, sizeof(x->txt), "%s", t);
        else
            snprintf(x->txt, sizeof(x->txt), "%s/%d", t, x->plen);
        int dup = 0;
        for (int k = 0; k < np && !dup; k++)
            dup = strcmp(p[k].txt, x->txt) == 0;
        fprintf(fp, "%s\n", x->txt);
        if (!dup)
            np++;
    }
    fclose(fp);
    struct ioc_manager *m = load1(def("lpm", path, IOC_FMT_PLAIN, IOC_IP));
    stats_are(m, (uint64_t)np, 0, (uint64_t)(NP - np));
    int hits = 0;
    for (int q = 0; q < NQ; q++) {
        int fam = (rnd() % 3) ? 4 : 6;
        struct sh_addr a;
        memset(&a, 0, sizeof(a));
        a.family = (uint8_t)fam;
        if (q % 4 == 0) {                         /* an address inside a listed prefix */
            const struct pfx *x = &p[rnd() % (unsigned)np];
            a.family = (uint8_t)x->fam;
            memcpy(a.a, x->a, 16);
            int max = x->fam == 4 ? 32 : 128;
            for (int i = x->plen; i < max; i++)
                if (rnd() & 1)
                    a.a[i / 8] |= (uint8_t)(0x80 >> (i % 8));
        } else {
            rnd_addr(fam, a.a);
        }
        int best = -1;
        for (int k = 0; k < np; k++)
            if (pfx_match(&p[k], a.family, a.a) && (best < 0 || p[k].plen > p[best].plen))
                best = k;
        struct intel_hit h[2];
        int n = ioc_lookup(ioc_manager_db(m), IOC_IP, "", 0, &a, h, 2);
        if (best < 0) {
            if (n != 0)
                fail_msg("query %d: hit %s, expected none", q, h[0].entry);
        } else {
            if (n != 1)
                fail_msg("query %d: no hit, expected %s", q, p[best].txt);
            assert_string_equal(h[0].entry, p[best].txt);
            hits++;
        }
    }
    assert_true(hits > NQ / 8);
    ioc_manager_destroy(m);
}

/* ---- reload ---------------------------------------------------------- */

static struct ioc_db *installed;
static void install(void *ctx, struct ioc_db *db)
{
    (void)ctx;
    installed = db;
}

static void test_reload(void **state)
{
    (void)state;
    char a[128], b[128];
    snprintf(a, sizeof(a), "%s/r1.txt", tmpdir);
    snprintf(b, sizeof(b), "%s/r2.json", tmpdir);
    write_file(a, "one.example\n");
    write_file(b, "[{\"type\":\"indicator\",\"pattern\":\"[domain-name:value = 'stix1.example']\"}]");
    struct ioc_feed_def d[2] = { def("r1", a, IOC_FMT_PLAIN, IOC_DOMAIN),
                                 def("r2", b, IOC_FMT_STIX, 0) };
    struct ioc_manager *m = ioc_manager_create(d, 2, quiet());
    assert_int_equal(ioc_manager_load(m), 0);
    struct intel_hit h[4];
    assert_int_equal(look(m, IOC_DOMAIN, "one.example", h, 4), 1);
    /* nothing changed: no rebuild */
    assert_int_equal(ioc_manager_reload(m, 0), 0);
    assert_int_equal(ioc_manager_swap(m, install, NULL), 0);
    /* a changed file is re-read (different size) */
    write_file(a, "two.example\nthree.example\n");
    assert_int_equal(ioc_manager_reload(m, 0), 1);
    /* until the swap the old set answers */
    assert_int_equal(look(m, IOC_DOMAIN, "one.example", h, 4), 1);
    installed = NULL;
    assert_int_equal(ioc_manager_swap(m, install, NULL), 1);
    assert_ptr_equal(installed, ioc_manager_db(m));
    assert_int_equal(look(m, IOC_DOMAIN, "one.example", h, 4), 0);
    assert_int_equal(look(m, IOC_DOMAIN, "three.example", h, 4), 1);
    assert_int_equal(look(m, IOC_DOMAIN, "stix1.example", h, 4), 1);
    /* unreadable file and broken JSON: both keep their previous version */
    assert_int_equal(unlink(a), 0);
    write_file(b, "{ not json");
    assert_int_equal(ioc_manager_reload(m, 1), 1);
    assert_int_equal(ioc_manager_swap(m, install, NULL), 1);
    assert_int_equal(look(m, IOC_DOMAIN, "three.example", h, 4), 1);
    assert_int_equal(look(m, IOC_DOMAIN, "stix1.example", h, 4), 1);
    struct ioc_feed_stats st;
    assert_int_equal(ioc_manager_feed_stats(m, 0, &st), 0);
    assert_int_equal(st.entries, 2);
    /* back: read again, in the background thread this time */
    write_file(a, "four.example\n");
    write_file(b, "[]");
    assert_int_equal(ioc_manager_reload_start(m, 0), 1);
    int swapped = 0;
    for (int i = 0; i < 500 && !swapped; i++) {
        swapped = ioc_manager_swap(m, install, NULL);
        if (!swapped)
            usleep(10000);
    }
    assert_int_equal(swapped, 1);
    assert_int_equal(look(m, IOC_DOMAIN, "four.example", h, 4), 1);
    assert_int_equal(look(m, IOC_DOMAIN, "three.example", h, 4), 0);
    assert_int_equal(look(m, IOC_DOMAIN, "stix1.example", h, 4), 0);
    /* lookups counted across swaps */
    FILE *mem = tmpfile();
    ioc_manager_print_stats(m, mem);
    rewind(mem);
    char line[256];
    int seen = 0;
    while (fgets(line, sizeof(line), mem))
        seen += strncmp(line, "intel.feed.r1.entries ", 22) == 0;
    fclose(mem);
    assert_int_equal(seen, 1);
    ioc_manager_destroy(m);

    /* a feed that never could be read is empty, and counted */
    struct ioc_feed_def g = def("gone", "/nonexistent/feed.txt", IOC_FMT_PLAIN, IOC_IP);
    m = ioc_manager_create(&g, 1, quiet());
    assert_int_equal(ioc_manager_load(m), 1);
    assert_int_equal(look(m, IOC_IP, "192.0.2.1", h, 4), 0);
    ioc_manager_destroy(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_canon),
        cmocka_unit_test(test_plain_domains),
        cmocka_unit_test(test_plain_ips),
        cmocka_unit_test(test_sslbl_ja3),
        cmocka_unit_test(test_sslbl_sha1),
        cmocka_unit_test(test_feodo),
        cmocka_unit_test(test_urlhaus),
        cmocka_unit_test(test_lineparser),
        cmocka_unit_test(test_url_agrees_with_engine),
        cmocka_unit_test(test_stix),
        cmocka_unit_test(test_stix_hostile),
        cmocka_unit_test(test_domains_two_feeds),
        cmocka_unit_test(test_lpm_bruteforce),
        cmocka_unit_test(test_reload),
    };
    return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}
