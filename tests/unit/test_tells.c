/*
 * test_tells.c -- the protocol tells' helpers against values worked out by
 * hand (the arithmetic is in the comments: tells.h gives the formulas),
 * and the tells on a host table: one tell stays weak, three on one
 * destination combine by noisy-OR, a destination other hosts share is
 * discounted and a prevalent one gives none, internal and allowlisted
 * destinations give none.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../config/cidr.h"
#include "../../detect/host.h"
#include "../../detect/params.h"
#include "../../detect/tells.h"

#define S 1000000ULL
#define EPS 1e-3

/* ---- IP literals ------------------------------------------------------------- */

static void ip_literals(void **state)
{
    (void)state;
    assert_int_equal(tells_ip_literal("82.118.225.196", 14), 4);
    assert_int_equal(tells_ip_literal("1.2.3.4:8080", 12), 4);
    assert_int_equal(tells_ip_literal("[2001:db8::1]", 13), 6);
    assert_int_equal(tells_ip_literal("2001:db8::1", 11), 6);
    assert_int_equal(tells_ip_literal("example.com", 11), 0);
    assert_int_equal(tells_ip_literal("1.2.3", 5), 0);
    assert_int_equal(tells_ip_literal("256.1.1.1", 9), 0);
    assert_int_equal(tells_ip_literal("10.0.0.1.example", 16), 0);
    assert_int_equal(tells_ip_literal("", 0), 0);
    /* not NUL-terminated: only n bytes are read */
    assert_int_equal(tells_ip_literal("10.1.2.3junk", 8), 4);
}

/* ---- randomness ----------------------------------------------------------------- */

static void random_tokens(void **state)
{
    (void)state;
    /* OK21pqJAtyyGBEo00sk: n 19, classes U U D D L L U U L L L U U U L D D L L:
     * 8 changes in 18 pairs -> s_mix = (0.4444 - 0.15) / 0.3 = 0.9815;
     * 17 distinct characters, y and 0 twice: H = 15/19 log2 19 +
     * 2 * 2/19 log2 9.5 = 3.3536 + 0.6838 = 4.0374 of log2 19 = 4.2479 ->
     * variety 0.9505 -> factor 1; score 0.9815 */
    assert_float_equal(tells_token_randomness("OK21pqJAtyyGBEo00sk", 19), 0.98148, EPS);
    /* getUserProfile: 4 changes in 13 -> s_mix (0.3077 - 0.15) / 0.3 = 0.5256;
     * vowels e,U,e,o,i,e 6/14 -> s_vow 0; longest consonant run 'rPr' 3 -> 0;
     * H: e x3, r x2, 9 singletons: 9/14 log2 14 + 3/14 log2(14/3) + 2/14 log2 7
     * = 2.4476 + 0.4762 + 0.4011 = 3.3249 / log2 14 (3.8074) = 0.8733 ->
     * factor 0.9110; score 0.4788 */
    assert_float_equal(tells_token_randomness("getUserProfile", 14), 0.4788, EPS);
    /* hex 8f3a2c1d9e: 9 changes in 9 -> s_mix 1; 10 distinct -> variety 1 */
    assert_float_equal(tells_token_randomness("8f3a2c1d9e", 10), 1.0, EPS);
    /* xkqzvbnmrt: no vowel -> s_vow 1 (and a run of 10); 10 distinct -> 1 */
    assert_float_equal(tells_token_randomness("xkqzvbnmrt", 10), 1.0, EPS);
    /* words: administrator (vowels 5/13, runs <= 3, one class) -> 0 */
    assert_float_equal(tells_token_randomness("administrator", 13), 0.0, EPS);
    assert_float_equal(tells_token_randomness("download", 8), 0.0, EPS);
    /* too short, digits only, not alphanumeric */
    assert_float_equal(tells_token_randomness("aB3x", 4), 0.0, EPS);
    assert_float_equal(tells_token_randomness("20240228", 8), 0.0, EPS);
    assert_float_equal(tells_token_randomness("ab-cd_ef12", 10), 0.0, EPS);
}

static void random_uris(void **state)
{
    (void)state;
    char tok[48];
    assert_float_equal(tells_uri_randomness("/OK21pqJAtyyGBEo00sk", 20, tok, sizeof(tok)),
                       0.98148, EPS);
    assert_string_equal(tok, "OK21pqJAtyyGBEo00sk");
    assert_float_equal(tells_uri_randomness("/gate.php", 9, tok, sizeof(tok)), 0, EPS);
    assert_string_equal(tok, "");
    /* query values are ids by design: only keys count */
    const char *v = "/index.php?id=a8F3kQ9zXw2";
    assert_float_equal(tells_uri_randomness(v, strlen(v), tok, sizeof(tok)), 0, EPS);
    const char *k = "/submit?xkqzvbnmrt=1";
    assert_float_equal(tells_uri_randomness(k, strlen(k), tok, sizeof(tok)), 1.0, EPS);
    assert_string_equal(tok, "xkqzvbnmrt");
    const char *w = "/wp-content/themes/administrator/style.css";
    assert_true(tells_uri_randomness(w, strlen(w), NULL, 0) < 0.6);
    /* the token is cut to the buffer */
    char small[5];
    tells_uri_randomness("/OK21pqJAtyyGBEo00sk", 20, small, sizeof(small));
    assert_string_equal(small, "OK21");
}

/* ---- executables and user agents ------------------------------------------------ */

static void executables(void **state)
{
    (void)state;
    char ext[12];
    assert_int_equal(tells_exe_uri("/files/setup.exe", 16, ext, sizeof(ext)), 2);
    assert_string_equal(ext, ".exe");
    assert_int_equal(tells_exe_uri("/a/b.PS1?x=1", 12, ext, sizeof(ext)), 1);
    assert_string_equal(ext, ".ps1");
    assert_int_equal(tells_exe_uri("/y.js", 5, ext, sizeof(ext)), 1);
    assert_int_equal(tells_exe_uri("/x.exe/foo", 10, ext, sizeof(ext)), 0);
    assert_int_equal(tells_exe_uri("/index.html", 11, ext, sizeof(ext)), 0);
    assert_int_equal(tells_exe_uri("/", 1, ext, sizeof(ext)), 0);
    assert_int_equal(tells_exe_uri("/download?f=a.exe", 17, ext, sizeof(ext)), 0);
    assert_int_equal(tells_exe_ctype("application/x-msdownload", 24), 1);
    assert_int_equal(tells_exe_ctype("Application/X-DOSEXEC; charset=binary", 37), 1);
    assert_int_equal(tells_exe_ctype("application/octet-stream", 24), 0);
    assert_int_equal(tells_exe_ctype("text/html", 9), 0);
}

static void user_agents(void **state)
{
    (void)state;
    char tool[40];
#define UA(s) s, strlen(s), tool, sizeof(tool)
    assert_int_equal(tells_ua_kind(UA("curl/7.68.0")), UA_TOOL);
    assert_string_equal(tool, "curl");
    assert_int_equal(tells_ua_kind(UA("Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) "
                                      "WindowsPowerShell/5.1.19041.1")), UA_TOOL);
    assert_string_equal(tool, "WindowsPowerShell");
    assert_int_equal(tells_ua_kind(UA("python-requests/2.31.0")), UA_TOOL);
    assert_int_equal(tells_ua_kind(UA("Go-http-client/1.1")), UA_TOOL);
    assert_int_equal(tells_ua_kind(UA("")), UA_EMPTY);
    assert_int_equal(tells_ua_kind(UA("   ")), UA_EMPTY);
    assert_int_equal(tells_ua_kind(UA("Mozilla/5.0 (Windows NT 10.0; Win64; x64) "
                                      "AppleWebKit/537.36 (KHTML, like Gecko) "
                                      "Chrome/120.0.0.0 Safari/537.36")), UA_BROWSER);
    assert_int_equal(tells_ua_kind(UA("Mozilla/5.0 (X11; Linux x86_64; rv:121.0) "
                                      "Gecko/20100101 Firefox/121.0")), UA_BROWSER);
    /* an old MSIE string: no browser of today, no tool either */
    assert_int_equal(tells_ua_kind(UA("Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 10.0)")),
                     UA_OTHER);
    assert_int_equal(tells_ua_kind(UA("Microsoft-CryptoAPI/10.0")), UA_OTHER);
    /* Windows Update's transfer service: every Windows host runs it */
    assert_int_equal(tells_ua_kind(UA("Microsoft BITS/7.8")), UA_OTHER);
#undef UA
}

/* ---- certificates ----------------------------------------------------------------- */

static void cert_names(void **state)
{
    (void)state;
    assert_true(tells_cert_covers("www.example.com", "CN=www.example.com", ""));
    assert_true(tells_cert_covers("WWW.Example.COM", "C=US, CN=www.example.com", ""));
    assert_true(tells_cert_covers("a.example.com", "CN=x", "*.example.com"));
    assert_true(tells_cert_covers("b.example.com", "CN=x", "example.com,b.example.com"));
    /* a wildcard covers one label, never the zone itself or two labels */
    assert_false(tells_cert_covers("a.b.example.com", "", "*.example.com"));
    assert_false(tells_cert_covers("example.com", "", "*.example.com"));
    assert_false(tells_cert_covers("evil.test", "C=US, CN=example.com",
                                   "example.com,www.example.com"));
    /* CN= inside another attribute's value is not a CN */
    assert_false(tells_cert_covers("a.test", "O=xCN=a.test", ""));
}

static void cert_defaults(void **state)
{
    (void)state;
    char why[160];
    int64_t now = 1709114362;                  /* 2024-02-28T09:59:22Z */
    /* OpenSSL's prompts left at their defaults, no CN */
    const char *ow = "C=AU, ST=Some-State, O=Internet Widgits Pty Ltd";
    assert_int_equal(tells_cert_defaults(ow, ow, now - 100 * 86400, now + 265 * 86400, now,
                                         10, 86400, why, sizeof(why)),
                     CERTD_OPENSSL_DEFAULT | CERTD_EMPTY_SUBJECT);
    assert_non_null(strstr(why, "placeholder"));
    /* a RAT's own CA: CN with spaces, 2023-09-25T08:46:20 to 9999-12-31T23:59:59
     * = 7976.3 years */
    const char *rat = "CN=SXN Server CA";
    assert_int_equal(tells_cert_defaults(rat, rat, 1695631580, 253402300799LL, now, 10, 86400,
                                         why, sizeof(why)),
                     CERTD_CN_NOT_DNS | CERTD_LONG_VALIDITY);
    assert_non_null(strstr(why, "valid 7976 years"));
    /* a framework's default: a country that is no ISO code, CN no name */
    const char *cs = "C=Earth, ST=Cyberspace, L=Somewhere, O=Tooling, OU=Red, CN=Major Tool";
    assert_int_equal(tells_cert_defaults(cs, cs, now - 86400 * 30, now + 86400 * 335, now, 10,
                                         86400, why, sizeof(why)),
                     CERTD_BAD_COUNTRY | CERTD_CN_NOT_DNS);
    /* made 10 minutes before use, self-issued, a proper name */
    const char *fresh = "CN=host.example.net";
    assert_int_equal(tells_cert_defaults(fresh, fresh, now - 600, now + 365 * 86400, now, 10,
                                         86400, why, sizeof(why)), CERTD_FRESH);
    assert_non_null(strstr(why, "10 min"));
    /* a CA-issued certificate made an hour ago, 90 days: nothing */
    assert_int_equal(tells_cert_defaults("CN=www.example.org", "C=US, O=Let's Encrypt, CN=R3",
                                         now - 3600, now + 90 * 86400, now, 10, 86400, why,
                                         sizeof(why)), 0);
    assert_string_equal(why, "");
    /* fresh disabled by 0 */
    assert_int_equal(tells_cert_defaults(fresh, fresh, now - 600, now + 365 * 86400, now, 10, 0,
                                         NULL, 0), 0);
}

/* ---- tells on a host table ------------------------------------------------------- */

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

struct rig {
    struct host_table *t;
    struct tells *tl;
    struct detect_params p;
    struct host *h[4];
};

static void rig_up(struct rig *r)
{
    char err[256];
    params_defaults(&r->p);
    r->t = table(64);
    r->tl = tells_create(1024, &r->p, "detect/data", err, sizeof(err));
    assert_non_null(r->tl);
    for (int i = 0; i < 4; i++) {
        char s[32];
        struct sh_addr a;
        snprintf(s, sizeof(s), "10.0.0.%d", 17 + i);
        assert_int_equal(addr_parse(s, &a), 0);
        r->h[i] = host_get(r->t, &a, 0, 1);
        uint8_t mac[6] = { 2, 0, 0, 0, 0, (uint8_t)(17 + i) };
        host_observe_mac(r->t, r->h[i], mac, MAC_ARP, 800 * S);
    }
}

static void rig_down(struct rig *r)
{
    tells_destroy(r->tl);
    host_table_destroy(r->t);
}

static struct beacon_dest addr_dest(const char *ip, int port, int external)
{
    struct beacon_dest d;
    memset(&d, 0, sizeof(d));
    snprintf(d.text, sizeof(d.text), "%s:%d/tcp", ip, port);
    if (external)
        snprintf(d.ioc, sizeof(d.ioc), "%s", ip);
    d.external = (uint8_t)external;
    d.odd_port = port != 80 && port != 443;
    d.port = (uint16_t)port;
    d.proto = 6;
    d.app = "";
    return d;
}

/* an HTTP request event: method uri Host UA to ip:port */
static void http_event(struct sh_event *ev, const char *method, const char *uri,
                       const char *host, const char *ua, const char *ip, int port, uint64_t t)
{
    ev_reset(ev, EV_HTTP);
    ev->ts_us = t;
    ev->proto = 6;
    ev->dport = (uint16_t)port;
    assert_int_equal(addr_parse(ip, &ev->dst), 0);
    struct ev_http *x = &ev->u.http;
    x->method = ev_put(ev, method, strlen(method), 0);
    x->uri = ev_put(ev, uri, strlen(uri), 0);
    x->protocol = ev_put(ev, "HTTP/1.1", 8, 0);
    if (host)
        x->host = ev_put(ev, host, strlen(host), 0);
    x->user_agent = ev_put(ev, ua, strlen(ua), 0);
    x->status = 200;
    x->has_response = 1;
}

static const struct evidence *http_tell_of(struct rig *r, int i)
{
    return host_evidence_const(r->t, r->h[i], EVK_HTTP_TELL);
}

static void three_tells_combine(void **state)
{
    (void)state;
    struct rig r;
    rig_up(&r);
    static struct sh_event ev;
    struct host_touched touched = { 0 };
    uint64_t t = 1000 * S;
    struct beacon_dest a = addr_dest("203.0.113.7", 7080, 1);
    struct tells_dest d = { &a, NULL, 0 };
    /* one tell: an IP-literal Host on port 80 (no odd port, a plain path) */
    struct beacon_dest a80 = addr_dest("203.0.113.8", 80, 1);
    struct tells_dest d80 = { &a80, NULL, 0 };
    http_event(&ev, "GET", "/index.html", "203.0.113.8", "Mozilla/4.0", "203.0.113.8", 80, t);
    tells_http(r.tl, r.t, r.h[0], &ev, &d80, t, &touched);
    const struct evidence *e = http_tell_of(&r, 0);
    assert_non_null(e);
    assert_float_equal(e->confidence, 0.45, EPS);
    assert_true(e->confidence < r.p.v[P_STANDALONE_CONFIDENCE]);
    assert_int_equal(e->ioc_type, IOC_IP);
    assert_string_equal(e->ioc, "203.0.113.8");
    /* three on one destination: IP-literal Host, bare address on port
     * 7080, random POST path: 1 - 0.55^3 = 0.833625 */
    http_event(&ev, "POST", "/OK21pqJAtyyGBEo00sk", "203.0.113.7", "Mozilla/4.0",
               "203.0.113.7", 7080, t + S);
    tells_http(r.tl, r.t, r.h[1], &ev, &d, t + S, &touched);
    e = http_tell_of(&r, 1);
    assert_non_null(e);
    assert_float_equal(e->confidence, 1 - 0.55 * 0.55 * 0.55, EPS);
    assert_true(e->confidence >= r.p.v[P_STANDALONE_CONFIDENCE]);
    assert_string_equal(e->indicator, "203.0.113.7:7080/tcp");
    assert_non_null(strstr(e->explanation, "3 tells"));
    assert_non_null(strstr(e->explanation, "OK21pqJAtyyGBEo00sk"));
    assert_non_null(strstr(e->explanation, "no other internal host"));
    /* the same again adds nothing */
    tells_http(r.tl, r.t, r.h[1], &ev, &d, t + 2 * S, &touched);
    assert_float_equal(http_tell_of(&r, 1)->confidence, 1 - 0.55 * 0.55 * 0.55, EPS);
    rig_down(&r);
}

static void shared_and_prevalent_destinations(void **state)
{
    (void)state;
    struct rig r;
    rig_up(&r);
    static struct sh_event ev;
    struct host_touched touched = { 0 };
    /* hosts count for others once their bindings held (mac_stable 120 s) */
    uint64_t t = 1000 * S;
    struct beacon_dest a = addr_dest("203.0.113.9", 80, 1);
    struct tells_dest d = { &a, NULL, 0 };
    http_event(&ev, "GET", "/", "203.0.113.9", "Mozilla/4.0", "203.0.113.9", 80, t);
    tells_http(r.tl, r.t, r.h[0], &ev, &d, t, &touched);
    tells_http(r.tl, r.t, r.h[1], &ev, &d, t, &touched);
    /* h1 shares it with h0: 0.45 x tell_shared_factor 0.6 = 0.27 */
    assert_float_equal(http_tell_of(&r, 1)->confidence, 0.27, EPS);
    assert_non_null(strstr(http_tell_of(&r, 1)->explanation, "2 internal hosts"));
    /* a third host: prevalent (beacon_prevalence_hosts 3), no tell */
    tells_http(r.tl, r.t, r.h[2], &ev, &d, t, &touched);
    assert_null(http_tell_of(&r, 2));
    rig_down(&r);
}

static void internal_and_allowlisted_give_none(void **state)
{
    (void)state;
    struct rig r;
    rig_up(&r);
    static struct sh_event ev;
    struct host_touched touched = { 0 };
    uint64_t t = 1000 * S;
    struct beacon_dest in = addr_dest("10.0.0.99", 8888, 0);
    struct tells_dest d = { &in, NULL, 0 };
    http_event(&ev, "POST", "/OK21pqJAtyyGBEo00sk", "10.0.0.99", "curl/8.0", "10.0.0.99",
               8888, t);
    tells_http(r.tl, r.t, r.h[0], &ev, &d, t, &touched);
    assert_null(http_tell_of(&r, 0));
    struct beacon_dest ex = addr_dest("203.0.113.7", 7080, 1);
    struct tells_dest da = { &ex, NULL, 1 };
    http_event(&ev, "POST", "/OK21pqJAtyyGBEo00sk", "203.0.113.7", "curl/8.0", "203.0.113.7",
               7080, t);
    tells_http(r.tl, r.t, r.h[0], &ev, &da, t, &touched);
    assert_null(http_tell_of(&r, 0));
    assert_int_equal(touched.n, 0);
    rig_down(&r);
}

static void dyndns_and_new_domains(void **state)
{
    (void)state;
    struct rig r;
    rig_up(&r);
    char err[128];
    struct domain_ctx *dom = domain_create(NULL, err, sizeof(err));
    assert_non_null(dom);
    struct host_touched touched = { 0 };
    struct domain_parts p;
    uint64_t t = 1000 * S;
    assert_int_equal(domain_split(dom, "kinggru.duckdns.org", 19, &p), 0);
    tells_name(r.tl, r.t, r.h[0], "kinggru.duckdns.org", &p, 0, 0, t, &touched);
    const struct evidence *e = host_evidence_const(r.t, r.h[0], EVK_NAME_TELL);
    assert_non_null(e);
    assert_string_equal(e->ioc, "kinggru.duckdns.org");
    assert_int_equal(e->ioc_type, IOC_DOMAIN);
    assert_float_equal(e->confidence, r.p.v[P_TELL_DYNDNS], EPS);
    /* a name under a zone not on the list: nothing before the warm-up */
    assert_int_equal(domain_split(dom, "www.quill-harbor.net", 20, &p), 0);
    tells_name(r.tl, r.t, r.h[1], "www.quill-harbor.net", &p, 0, 0, t, &touched);
    assert_null(host_evidence_const(r.t, r.h[1], EVK_NAME_TELL));
    /* after tell_new_domain_warmup, a domain nobody resolved: new */
    uint64_t later = t + (uint64_t)(r.p.v[P_TELL_NEW_DOMAIN_WARMUP] + 1) * S;
    assert_int_equal(domain_split(dom, "cdn.fresh-otter.net", 19, &p), 0);
    tells_name(r.tl, r.t, r.h[1], "cdn.fresh-otter.net", &p, 0, 0, later, &touched);
    e = host_evidence_const(r.t, r.h[1], EVK_NAME_TELL);
    assert_non_null(e);
    assert_string_equal(e->indicator, "fresh-otter.net");
    /* ... but not for the second host, nor for a popular one */
    tells_name(r.tl, r.t, r.h[2], "cdn.fresh-otter.net", &p, 0, 0, later, &touched);
    assert_null(host_evidence_const(r.t, r.h[2], EVK_NAME_TELL));
    assert_int_equal(domain_split(dom, "www.another-new.net", 19, &p), 0);
    tells_name(r.tl, r.t, r.h[3], "www.another-new.net", &p, 1, 0, later, &touched);
    assert_null(host_evidence_const(r.t, r.h[3], EVK_NAME_TELL));
    domain_destroy(dom);
    rig_down(&r);
}

static void missing_lists_fail_cleanly(void **state)
{
    (void)state;
    struct detect_params p;
    char err[256];
    params_defaults(&p);
    assert_null(tells_create(1024, &p, "/nonexistent", err, sizeof(err)));
    assert_non_null(strstr(err, "/nonexistent/dyndns.txt"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ip_literals),
        cmocka_unit_test(random_tokens),
        cmocka_unit_test(random_uris),
        cmocka_unit_test(executables),
        cmocka_unit_test(user_agents),
        cmocka_unit_test(cert_names),
        cmocka_unit_test(cert_defaults),
        cmocka_unit_test(three_tells_combine),
        cmocka_unit_test(shared_and_prevalent_destinations),
        cmocka_unit_test(internal_and_allowlisted_give_none),
        cmocka_unit_test(dyndns_and_new_domains),
        cmocka_unit_test(missing_lists_fail_cleanly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
