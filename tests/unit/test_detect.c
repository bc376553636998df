/*
 * test_detect.c -- the detection engine end to end on synthetic events:
 * bindings, NXDOMAIN bursts, the resolving C2, shared names, relaying
 * resolvers and blind ones, allowlists, router MACs, forged answers and
 * queries, DNS tunnels, long horizons, learned prefixes, sensor health,
 * decay to "cleared", expiry, determinism.
 *
 * Names are generated here from a seeded generator (random consonant-heavy
 * labels, or dictionary-like compounds), never taken from a dataset.
 * The DGA model comes from $SH_DATADIR (default detect/data).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../config/config.h"
#include "../../detect/detect.h"

#define S 1000000ULL
#define MAXV 64

#include "engine_events.h"

static struct sh_config *base_config(void)
{
    struct sh_config *c = malloc(sizeof(*c));
    config_defaults(c);
    const char *dd = getenv("SH_DATADIR");
    snprintf(c->data_dir, sizeof(c->data_dir), "%s", dd ? dd : "detect/data");
    /* the DHCP server of dhcp_ack(): its leases are trusted bindings */
    char err[128];
    assert_int_equal(cidr_set_parse_list(&c->dhcp_servers, "10.0.0.1", err, sizeof(err)), 0);
    return c;
}

/* `digits` random hex digits (an encoded payload) followed by zone. */
static void hex_name(char *buf, size_t len, int digits, const char *zone)
{
    size_t k = 0;
    for (int j = 0; j < digits; j++)
        k += (size_t)snprintf(buf + k, len - k, "%x", next() & 15);
    snprintf(buf + k, len - k, "%s", zone);
}

static const struct verdict *last_for(const struct seen *s, const char *addr)
{
    struct sh_addr a = ip(addr);
    for (int i = s->n - 1; i >= 0; i--)
        if (i < MAXV && memcmp(&s->v[i].ip, &a, sizeof(a)) == 0)
            return &s->v[i];
    return NULL;
}

/* out of line: gcc 12 misreads strstr on fields of returned pointers */
__attribute__((noinline)) static int contains(const char *hay, const char *needle)
{
    return strstr(hay, needle) != NULL;
}

static const struct evidence *ev_of(const struct verdict *v, int kind)
{
    for (int i = 0; i < v->nev; i++)
        if (v->ev[i].kind == kind)
            return &v->ev[i];
    return NULL;
}

static void an_nxdomain_burst_flags_the_host_with_its_mac_and_name(void **state)
{
    (void)state;
    char err[512];
    struct seen s = { 0 };
    struct sh_config *c = base_config();
    struct detect *d = detect_create(c, on_verdict, &s, err, sizeof(err));
    assert_non_null(d);
    static const uint8_t mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
    struct sh_event ev = dhcp_ack("10.0.0.7", mac, "LAPTOP-7", 1 * S);
    detect_event(d, &ev);
    rng = 777;
    nx_burst(d, "10.0.0.7", 30, 10 * S);
    const struct verdict *v = last_for(&s, "10.0.0.7");
    assert_non_null(v);
    assert_int_equal(s.v[0].change, VERDICT_INFECTED);
    assert_true(v->flagged);
    assert_int_equal(v->mac_status, MACST_TRUSTED);
    assert_memory_equal(v->mac, mac, 6);
    assert_string_equal(v->hostname, "LAPTOP-7");
    const struct evidence *e = ev_of(v, EVK_DGA_NXDOMAIN);
    assert_non_null(e);
    assert_true(contains(e->explanation, "NXDOMAIN answers for"));
    assert_true(e->confidence >= 0.8);
    detect_destroy(d);
    free(c);
}

static void a_few_failures_do_not_flag(void **state)
{
    (void)state;
    char err[512];
    struct seen s = { 0 };
    struct sh_config *c = base_config();
    struct detect *d = detect_create(c, on_verdict, &s, err, sizeof(err));
    rng = 4242;
    nx_burst(d, "10.0.0.8", 4, 10 * S);
    assert_int_equal(s.n, 0);
    struct verdict v[4];
    assert_int_equal(detect_hosts(d, v, 4), 0);   /* below nx_min_names: nothing */
    detect_destroy(d);
    free(c);
}

static void the_name_resolving_after_failures_is_reported_as_c2(void **state)
{
    (void)state;
    char err[512], name[64];
    struct seen s = { 0 };
    struct sh_config *c = base_config();
    struct detect *d = detect_create(c, on_verdict, &s, err, sizeof(err));
    rng = 99;
    uint64_t t = nx_burst(d, "10.0.0.9", 10, 10 * S);
    random_name(name, sizeof(name));
    struct sh_event ev = dns_answer("10.0.0.9", "10.0.0.53", name, 0, "203.0.113.5", t);
    detect_event(d, &ev);
    const struct verdict *v = last_for(&s, "10.0.0.9");
    assert_non_null(v);
    assert_true(v->flagged);
    const struct evidence *e = ev_of(v, EVK_DGA_RESOLVED);
    assert_non_null(e);
    assert_string_equal(e->indicator, name);
    assert_true(contains(e->explanation, "203.0.113.5"));
    detect_destroy(d);
    free(c);
}

static void hosts_failing_on_the_same_names_share_evidence(void **state)
{
    (void)state;
    char err[512], names[8][64];
    struct seen s = { 0 };
    struct sh_config *c = base_config();
    struct detect *d = detect_create(c, on_verdict, &s, err, sizeof(err));
    rng = 31337;
    for (int i = 0; i < 8; i++)
        random_name(names[i], sizeof(names[i]));
    uint64_t t = 10 * S;
    for (int i = 0; i < 8; i++, t += S) {
        struct sh_event a = dns_answer("10.0.0.21", "10.0.0.53", names[i], 3, NULL, t);
        struct sh_event b = dns_answer("10.0.0.22", "10.0.0.53", names[i], 3, NULL, t + S / 2);
        detect_event(d, &a);
        detect_event(d, &b);
    }
    struct verdict v[4];
    int n = detect_hosts(d, v, 4);
    assert_int_equal(n, 2);
    for (int i = 0; i < n; i++) {
        const struct evidence *e = ev_of(&v[i], EVK_DGA_SHARED);
        assert_non_null(e);
        assert_true(contains(e->explanation, "also failed by 10.0.0.2"));
    }
    detect_destroy(d);
    free(c);
}

/* client asks resolver, resolver asks upstream 3 ms later, both answered */
static void relayed_lookup(struct detect *d, const char *client, const char *resolver,
                           const char *name, int rcode, uint64_t t)
{
    struct sh_event q = dns_query(client, resolver, name, 1, t);
    struct sh_event uq = dns_query(resolver, "9.9.9.9", name, 1, t + 3000);
    struct sh_event ua = dns_answer(resolver, "9.9.9.9", name, rcode, NULL, t + 20000);
    struct sh_event a = dns_answer(client, resolver, name, rcode, NULL, t + 25000);
    detect_event(d, &q);
    detect_event(d, &uq);
    detect_event(d, &ua);
    detect_event(d, &a);
}

static void a_resolver_is_never_blamed_for_what_it_relays(void **state)
{
    (void)state;
    char err[512], name[64];
    struct seen s = { 0 };
    struct sh_config *c = base_config();
    struct detect *d = detect_create(c, on_verdict, &s, err, sizeof(err));
    /* one client is enough: every upstream lookup follows its query */
    rng = 5150;
    for (int i = 0; i < 40; i++) {
        random_name(name, sizeof(name));
        relayed_lookup(d, "10.0.0.30", "10.0.0.53", name, 3, (uint64_t)(10 + 3 * i) * S);
    }
    const struct verdict *v = last_for(&s, "10.0.0.30");
    assert_non_null(v);
    assert_true(v->flagged);
    assert_null(last_for(&s, "10.0.0.53"));
    struct verdict all[4];
    int n = detect_hosts(d, all, 4);
    assert_int_equal(n, 1);                            /* the resolver has nothing */
    /* each lookup counted once, not once per leg (client and upstream) */
    assert_true(contains(ev_of(&all[0], EVK_DGA_NXDOMAIN)->explanation, "40 NXDOMAIN answers"));
    detect_destroy(d);
    free(c);
}

static void a_resolver_is_flagged_for_its_own_lookups(void **state)
{
    (void)state;
    char err[512], name[64];
    struct seen s = { 0 };
    struct sh_config *c = base_config();
    struct detect *d = detect_create(c, on_verdict, &s, err, sizeof(err));
    relayed_lookup(d, "10.0.0.31", "10.0.0.53", "example.org", 0, 1 * S);
    rng = 77;
    for (int i = 0; i < 30; i++) {                    /* nobody asked for these */
        random_name(name, sizeof(name));
        struct sh_event q = dns_query("10.0.0.53", "9.9.9.9", name, 1, (uint64_t)(10 + 3 * i) * S);
        struct sh_event a = dns_answer("10.0.0.53", "9.9.9.9", name, 3, NULL, (uint64_t)(10 + 3 * i) * S + 20000);
        detect_event(d, &q);
        detect_event(d, &a);
    }
    const struct verdict *v = last_for(&s, "10.0.0.53");
    assert_non_null(v);
    assert_true(v->flagged);
    detect_destroy(d);
    free(c);
}

static struct detect_notice last_notice;
static int notices;
static void on_notice(void *ctx, const struct detect_notice *n)
{
    (void)ctx;
    last_notice = *n;
    notices++;
}

static void unsolicited_answers_count_for_nothing(void **state)
{
    (void)state;
    char err[512], name[64];
    struct seen s = { 0 };
    struct sh_config *c = base_config();
    struct detect *d = detect_create(c, on_verdict, &s, err, sizeof(err));
    rng = 6060;
    for (int i = 0; i < 30; i++) {                    /* answers nobody asked for */
        random_name(name, sizeof(name));
        struct sh_event a = dns_answer("10.0.0.32", "10.0.0.53", name, 3, NULL, (uint64_t)(1 + i) * S);
        a.u.dns.paired = 0;
        detect_event(d, &a);
    }
    assert_int_equal(s.n, 0);
    struct verdict all[4];
    assert_int_equal(detect_hosts(d, all, 4), 0);
    detect_destroy(d);
    free(c);
}

static void queries_from_another_mac_speak_for_nobody(void **state)
{
    (void)state;
    char err[512], name[64];
    struct seen s = { 0 };
    struct sh_config *c = base_config();
    struct detect *d = detect_create(c, on_verdict, &s, err, sizeof(err));
    detect_on_notice(d, on_notice, NULL);
    notices = 0;
    static const uint8_t victim[6] = { 0x02, 1, 1, 1, 1, 1 }, forger[6] = { 0x02, 2, 2, 2, 2, 2 };
    struct sh_event v1 = dhcp_ack("10.0.0.35", victim, "VICTIM", 1 * S);
    struct sh_event f1 = dhcp_ack("10.0.0.36", forger, "FORGER", 1 * S);
    detect_event(d, &v1);
    detect_event(d, &f1);
    rng = 7070;
    for (int i = 0; i < 30; i++) {
        random_name(name, sizeof(name));
        /* the victim's address, the forger's MAC */
        struct sh_event a = dns_answer("10.0.0.35", "198.51.100.53", name, 3, NULL, (uint64_t)(10 + i) * S);
        a.u.dns.query_has_mac = 1;
        memcpy(a.u.dns.query_mac, forger, 6);
        detect_event(d, &a);
    }
    /* the address says the victim, the MAC says the forger: a forger chose
     * at least one of them, so neither is flagged -- it is heard instead */
    assert_null(last_for(&s, "10.0.0.35"));
    assert_null(last_for(&s, "10.0.0.36"));
    assert_true(notices >= 1);
    assert_int_equal(last_notice.kind, NOTICE_SPOOFED_SOURCE);
    char a[64];
    addr_format(&last_notice.ip, a, sizeof(a));
    assert_string_equal(a, "10.0.0.35");
    detect_destroy(d);
    free(c);
}

static void a_declared_resolver_with_unseen_clients_gives_a_notice(void **state)
{
    (void)state;
    char err[512];
    struct seen s = { 0 };
    struct sh_config *c = base_config();
    assert_int_equal(cidr_set_parse_list(&c->dns_resolvers, "10.0.0.40", err, sizeof(err)), 0);
    assert_int_equal(cidr_set_parse_list(&c->allow_nets, "10.0.0.41", err, sizeof(err)), 0);
    c->allow_names.n = 4;
    snprintf(c->allow_names.v[0], CFG_STR_MAX, "*.com");
    snprintf(c->allow_names.v[1], CFG_STR_MAX, "*.net");
    snprintf(c->allow_names.v[2], CFG_STR_MAX, "*.info");
    snprintf(c->allow_names.v[3], CFG_STR_MAX, "*.biz");
    struct detect *d = detect_create(c, on_verdict, &s, err, sizeof(err));
    detect_on_notice(d, on_notice, NULL);
    notices = 0;
    rng = 1;
    nx_burst(d, "10.0.0.41", 30, S);     /* allowlisted host */
    nx_burst(d, "10.0.0.42", 30, S);     /* every name allowlisted */
    assert_int_equal(notices, 0);
    c->allow_names.n = 0;
    detect_destroy(d);
    d = detect_create(c, on_verdict, &s, err, sizeof(err));
    detect_on_notice(d, on_notice, NULL);
    nx_burst(d, "10.0.0.40", 30, S);     /* the declared resolver, clients unseen */
    assert_int_equal(s.n, 0);
    struct verdict v[4];
    assert_int_equal(detect_hosts(d, v, 4), 0);
    assert_true(notices >= 1);
    assert_int_equal(last_notice.kind, NOTICE_RESOLVER_BLIND);
    assert_true(contains(last_notice.explanation,
                         "DGA lookups relayed by resolver 10.0.0.40 for clients this sensor cannot see"));
    detect_destroy(d);
    free(c);
}

static void external_hosts_are_never_suspects(void **state)
{
    (void)state;
    char err[512];
    struct seen s = { 0 };
    struct sh_config *c = base_config();
    struct detect *d = detect_create(c, on_verdict, &s, err, sizeof(err));
    rng = 2;
    nx_burst(d, "198.51.100.7", 30, S);
    assert_int_equal(s.n, 0);
    detect_destroy(d);
    free(c);
}

/* net.1 .. net.6 each ask server one query (at 1 .. 6 s), all from
 * Ethernet source mac. */
static void six_addresses_one_mac(struct detect *d, const char *net, const char *server,
                                  const uint8_t mac[6])
{
    char buf[32];
    for (int i = 1; i <= 6; i++) {
        snprintf(buf, sizeof(buf), "%s.%d", net, i);
        struct sh_event q = dns_query(buf, server, "example.org", 1, (uint64_t)i * S);
        q.has_mac = 1;
        memcpy(q.src_mac, mac, 6);
        detect_event(d, &q);
    }
}

static void a_host_behind_a_router_is_reported_without_its_mac(void **state)
{
    (void)state;
    char err[512];
    struct seen s = { 0 };
    struct sh_config *c = base_config();
    struct detect *d = detect_create(c, on_verdict, &s, err, sizeof(err));
    static const uint8_t router[6] = { 0x02, 0, 0, 0, 0, 0xfe };
    /* six internal hosts whose packets all carry the router's MAC */
    six_addresses_one_mac(d, "10.9.0", "10.0.0.53", router);
    rng = 3;
    nx_burst(d, "10.9.0.1", 30, 10 * S);
    const struct verdict *v = last_for(&s, "10.9.0.1");
    assert_non_null(v);
    assert_true(v->flagged);
    assert_int_equal(v->mac_status, MACST_ROUTED);
    assert_memory_equal(v->mac, router, 6);       /* for information, never to act on */
    detect_destroy(d);
    free(c);
}

static void the_verdict_clears_when_the_score_decays(void **state)
{
    (void)state;
    char err[512];
    struct seen s = { 0 };
    struct sh_config *c = base_config();
    struct detect *d = detect_create(c, on_verdict, &s, err, sizeof(err));
    rng = 8;
    uint64_t t = nx_burst(d, "10.0.0.50", 30, S);
    assert_true(s.n >= 1);
    assert_int_equal(s.v[0].change, VERDICT_INFECTED);
    int before = s.n;
    /* quiet for 4 half-lives: 1.2 x ~1 decays to ~0.08 < score_clear */
    for (uint64_t k = 1; k <= 4 * 3600 / 10; k++) {
        struct sh_event ev = tick(t + k * 10 * S);
        detect_event(d, &ev);
    }
    assert_int_equal(s.n, before + 1);
    const struct verdict *v = last_for(&s, "10.0.0.50");
    assert_int_equal(v->change, VERDICT_CLEARED);
    assert_false(v->flagged);
    assert_true(v->score < detect_get_params(d)->v[P_SCORE_CLEAR]);
    detect_destroy(d);
    free(c);
}

static void a_dns_tunnel_is_flagged_with_its_zone(void **state)
{
    (void)state;
    char err[512], name[256];
    struct seen s = { 0 };
    struct sh_config *c = base_config();
    struct detect *d = detect_create(c, on_verdict, &s, err, sizeof(err));
    rng = 4;
    for (int i = 0; i < 120; i++) {
        hex_name(name, sizeof(name), 48, ".t.exfil-zone.net");
        struct sh_event ev = dns_query("10.0.0.60", "10.0.0.53", name, 16, (uint64_t)(i + 1) * S / 2);
        detect_event(d, &ev);
    }
    const struct verdict *v = last_for(&s, "10.0.0.60");
    assert_non_null(v);
    assert_true(v->flagged);
    const struct evidence *e = ev_of(v, EVK_DNS_TUNNEL);
    assert_non_null(e);
    assert_string_equal(e->indicator, "exfil-zone.net");
    assert_true(contains(e->explanation, "TXT"));
    detect_destroy(d);
    free(c);
}

static void ordinary_lookups_of_many_names_are_not_a_tunnel(void **state)
{
    (void)state;
    char err[512], name[128];
    struct seen s = { 0 };
    struct sh_config *c = base_config();
    struct detect *d = detect_create(c, on_verdict, &s, err, sizeof(err));
    static const char *words[] = { "www", "mail", "cdn", "static", "images", "api", "login", "m" };
    /* many distinct, short, word-like names across zones */
    for (int i = 0; i < 400; i++) {
        snprintf(name, sizeof(name), "%s%d.shop%d.example-%d.com", words[i % 8], i % 13, i % 7, i % 5);
        struct sh_event ev = dns_query("10.0.0.61", "10.0.0.53", name, 1, (uint64_t)(i + 1) * S);
        detect_event(d, &ev);
    }
    assert_int_equal(s.n, 0);
    detect_destroy(d);
    free(c);
}

static void the_same_events_give_the_same_verdicts(void **state)
{
    (void)state;
    char err[512];
    struct seen a = { 0 }, b = { 0 };
    struct sh_config *c = base_config();
    struct detect *d1 = detect_create(c, on_verdict, &a, err, sizeof(err));
    struct detect *d2 = detect_create(c, on_verdict, &b, err, sizeof(err));
    rng = 555;
    nx_burst(d1, "10.0.0.70", 25, S);
    rng = 555;
    nx_burst(d2, "10.0.0.70", 25, S);
    assert_int_equal(a.n, b.n);
    for (int i = 0; i < a.n && i < MAXV; i++) {
        assert_int_equal(a.v[i].ts_us, b.v[i].ts_us);
        assert_true(a.v[i].score == b.v[i].score);
        assert_string_equal(a.v[i].ev[0].explanation, b.v[i].ev[0].explanation);
    }
    detect_destroy(d1);
    detect_destroy(d2);
    free(c);
}

static void one_source_never_corroborates_itself(void **state)
{
    (void)state;
    char err[512], name[64];
    struct seen s = { 0 };
    struct sh_config *c = base_config();
    struct detect *d = detect_create(c, on_verdict, &s, err, sizeof(err));
    /* 15 dead word-like bookmarks: volume evidence, weak on purpose */
    static const char *w[] = { "garden", "recipes", "camping", "guitar", "harbor", "violet",
                               "meadow", "pottery", "lantern", "orchard", "canyon", "willow",
                               "biscuit", "saddle", "thimble" };
    /* two thirds .com, lengths in the resolving name's range: the old
     * "same suffix as most, length in range" rule called this a family */
    for (int i = 0; i < 15; i++) {
        snprintf(name, sizeof(name), "%s%sblog.%s", w[i], w[(i * 7) % 15], i % 3 ? "com" : "org");
        struct sh_event a = dns_answer("10.0.0.80", "10.0.0.53", name, 3, NULL, (uint64_t)(1 + i) * S);
        detect_event(d, &a);
    }
    /* then an unpopular word-like name resolves */
    struct sh_event ok = dns_answer("10.0.0.80", "10.0.0.53", "quietharborbooks.com", 0,
                                    "198.51.100.9", 20 * S);
    detect_event(d, &ok);
    assert_null(last_for(&s, "10.0.0.80"));
    struct verdict v[4];
    int n = detect_hosts(d, v, 4);
    for (int k = 0; k < n; k++)
        assert_null(ev_of(&v[k], EVK_DGA_RESOLVED));
    detect_destroy(d);
    free(c);
}

static void a_slow_dga_adds_up_over_the_long_horizon(void **state)
{
    (void)state;
    char err[512], name[64];
    struct seen s = { 0 };
    struct sh_config *c = base_config();
    struct detect *d = detect_create(c, on_verdict, &s, err, sizeof(err));
    rng = 4711;
    /* 5 names every 11 minutes for 3 hours: never 6 in one 10-minute window */
    uint64_t t = 100 * S;
    for (int round = 0; round < 17; round++, t += 660 * S)
        for (int k = 0; k < 5; k++) {
            random_name(name, sizeof(name));
            struct sh_event a = dns_answer("10.0.0.81", "10.0.0.53", name, 3, NULL, t + (uint64_t)k * S);
            detect_event(d, &a);
        }
    const struct verdict *v = last_for(&s, "10.0.0.81");
    assert_non_null(v);
    assert_true(v->flagged);
    assert_true(contains(ev_of(v, EVK_DGA_NXDOMAIN)->explanation, "a slow DGA"));
    detect_destroy(d);
    free(c);
}

static void a_slow_tunnel_adds_up_over_the_long_horizon(void **state)
{
    (void)state;
    char err[512], name[256];
    struct seen s = { 0 };
    struct sh_config *c = base_config();
    struct detect *d = detect_create(c, on_verdict, &s, err, sizeof(err));
    rng = 99;
    /* 30 encoded names per 15 minutes (under tunnel_min_unique = 40) for 3 h */
    for (int i = 0; i < 360; i++) {
        hex_name(name, sizeof(name), 40, ".d.slow-exfil.net");
        struct sh_event ev = dns_query("10.0.0.82", "10.0.0.53", name, 1, (uint64_t)(1 + 30 * i) * S);
        detect_event(d, &ev);
    }
    const struct verdict *v = last_for(&s, "10.0.0.82");
    assert_non_null(v);
    assert_true(v->flagged);
    const struct evidence *e = ev_of(v, EVK_DNS_TUNNEL);
    assert_non_null(e);
    assert_true(contains(e->explanation, "slow and steady"));
    detect_destroy(d);
    free(c);
}

static void an_advertised_prefix_makes_its_hosts_internal(void **state)
{
    (void)state;
    char err[512];
    struct seen s = { 0 };
    struct sh_config *c = base_config();
    struct detect *d = detect_create(c, on_verdict, &s, err, sizeof(err));
    detect_on_notice(d, on_notice, NULL);
    notices = 0;
    rng = 31;
    nx_burst(d, "2001:db8:7::15", 20, S);             /* not internal yet */
    assert_int_equal(s.n, 0);
    struct sh_event ra;
    ev_reset(&ra, EV_RA);
    ra.ts_us = 100 * S;
    ra.src = ip("fe80::1");
    ra.u.ra.nprefix = 2;
    ra.u.ra.prefix[0].prefix = ip("2001:db8:7::");
    ra.u.ra.prefix[0].len = 64;
    ra.u.ra.prefix[0].flags = EVP_ONLINK | EVP_AUTONOMOUS;
    ra.u.ra.prefix[0].valid_s = 2592000;
    ra.u.ra.prefix[1].prefix = ip("2000::");           /* far too wide: refused */
    ra.u.ra.prefix[1].len = 3;
    ra.u.ra.prefix[1].flags = EVP_ONLINK;
    ra.u.ra.prefix[1].valid_s = 2592000;
    detect_event(d, &ra);
    assert_int_equal(notices, 1);
    assert_int_equal(last_notice.kind, NOTICE_PREFIX);
    assert_int_equal(last_notice.prefix_len, 64);
    nx_burst(d, "2001:db8:7::15", 20, 101 * S);
    const struct verdict *v = last_for(&s, "2001:db8:7::15");
    assert_non_null(v);
    assert_true(v->flagged);
    nx_burst(d, "2001:db9::15", 20, 200 * S);          /* outside it */
    assert_null(last_for(&s, "2001:db9::15"));
    detect_destroy(d);
    free(c);
}

/* SIGHUP with learn_prefixes = false: home_net is the only list from then
 * on (config.c), so a prefix learnt before the reload no longer makes its
 * hosts internal (it did for up to a day: until the learnt entry expired) */
static void learn_prefixes_off_by_reload_forgets_learnt_prefixes(void **state)
{
    (void)state;
    char err[512];
    struct seen s = { 0 };
    struct sh_config *c = base_config();
    struct detect *d = detect_create(c, on_verdict, &s, err, sizeof(err));
    detect_on_notice(d, on_notice, NULL);
    notices = 0;
    rng = 31;
    struct sh_event ra;
    ev_reset(&ra, EV_RA);
    ra.ts_us = 100 * S;
    ra.src = ip("fe80::1");
    ra.u.ra.nprefix = 1;
    ra.u.ra.prefix[0].prefix = ip("2001:db8:7::");
    ra.u.ra.prefix[0].len = 64;
    ra.u.ra.prefix[0].flags = EVP_ONLINK | EVP_AUTONOMOUS;
    ra.u.ra.prefix[0].valid_s = 2592000;
    detect_event(d, &ra);
    assert_int_equal(notices, 1);
    nx_burst(d, "2001:db8:7::15", 20, 101 * S);         /* learnt: internal */
    assert_non_null(last_for(&s, "2001:db8:7::15"));
    c->learn_prefixes = 0;
    assert_int_equal(detect_reconfigure(d, c, err, sizeof(err)), 0);
    nx_burst(d, "2001:db8:7::16", 20, 200 * S);
    assert_null(last_for(&s, "2001:db8:7::16"));
    /* and an RA after the reload teaches nothing */
    ra.ts_us = 300 * S;
    detect_event(d, &ra);
    nx_burst(d, "2001:db8:7::17", 20, 301 * S);
    assert_null(last_for(&s, "2001:db8:7::17"));
    assert_int_equal(notices, 1);
    detect_destroy(d);
    free(c);
}

static void unanswered_queries_make_the_sensor_say_it_is_blind(void **state)
{
    (void)state;
    char err[512], name[64];
    struct seen s = { 0 };
    struct sh_config *c = base_config();
    struct detect *d = detect_create(c, on_verdict, &s, err, sizeof(err));
    detect_on_notice(d, on_notice, NULL);
    notices = 0;
    for (int i = 0; i < 50; i++) {
        snprintf(name, sizeof(name), "site%d.example.org", i);
        struct sh_event q = dns_query("10.0.0.83", "192.0.2.53", name, 1, (uint64_t)(1 + i) * S);
        detect_event(d, &q);
    }
    detect_finish(d);
    assert_int_equal(notices, 1);
    assert_int_equal(last_notice.kind, NOTICE_HEALTH);
    assert_true(last_notice.degraded);
    assert_string_equal(last_notice.reasons[0].check, "dns_answers_unseen");
    /* answered again: the sensor says it is healthy */
    for (int i = 0; i < 60; i++) {
        snprintf(name, sizeof(name), "site%d.example.org", i);
        struct sh_event q = dns_query("10.0.0.83", "192.0.2.53", name, 1, (uint64_t)(100 + i) * S);
        struct sh_event a = dns_answer("10.0.0.83", "192.0.2.53", name, 0, "192.0.2.80",
                                       (uint64_t)(100 + i) * S + 10000);
        detect_event(d, &q);
        detect_event(d, &a);
    }
    detect_finish(d);
    assert_int_equal(notices, 2);
    assert_false(last_notice.degraded);
    detect_destroy(d);
    free(c);
}

static void a_flagged_host_that_leaves_the_table_expires_loudly(void **state)
{
    (void)state;
    char err[512];
    struct seen s = { 0 };
    struct sh_config *c = base_config();
    c->host_idle_s = 60;
    struct detect *d = detect_create(c, on_verdict, &s, err, sizeof(err));
    rng = 12;
    uint64_t t = nx_burst(d, "10.0.0.84", 20, S);
    assert_true(last_for(&s, "10.0.0.84")->flagged);
    for (uint64_t k = 1; k <= 20; k++) {               /* 200 s of others' traffic */
        struct sh_event ev = tick(t + k * 10 * S);
        detect_event(d, &ev);
    }
    const struct verdict *v = last_for(&s, "10.0.0.84");
    assert_int_equal(v->change, VERDICT_EXPIRED);
    assert_false(v->flagged);
    assert_non_null(ev_of(v, EVK_DGA_NXDOMAIN));       /* with the evidence it had */
    detect_destroy(d);
    free(c);
}

static void a_forged_request_gives_no_one_a_name(void **state)
{
    (void)state;
    char err[512];
    struct seen s = { 0 };
    struct sh_config *c = base_config();
    struct detect *d = detect_create(c, on_verdict, &s, err, sizeof(err));
    static const uint8_t mine[6] = { 0x02, 3, 3, 3, 3, 3 }, ceo[6] = { 0x02, 4, 4, 4, 4, 4 };
    struct sh_event ack = dhcp_ack("10.0.0.85", mine, "WS-85", 1 * S);
    detect_event(d, &ack);
    /* a REQUEST for this address, the CEO's MAC, the CEO's name */
    struct sh_event rq;
    ev_reset(&rq, EV_DHCP);
    rq.ts_us = 2 * S;
    rq.proto = 17;
    rq.src = ip("0.0.0.0");
    rq.dst = ip("255.255.255.255");
    rq.has_mac = 1;
    memcpy(rq.src_mac, ceo, 6);
    rq.u.dhcp.op = 1;
    rq.u.dhcp.msg_type = 3;
    rq.u.dhcp.xid = 0x1234;
    memcpy(rq.u.dhcp.client_mac, ceo, 6);
    rq.u.dhcp.assigned_ip = ip("10.0.0.85");
    rq.u.dhcp.hostname = ev_puts(&rq, "CEO-LAPTOP", 0);
    detect_event(d, &rq);
    rng = 13;
    nx_burst(d, "10.0.0.85", 20, 10 * S);
    const struct verdict *v = last_for(&s, "10.0.0.85");
    assert_non_null(v);
    assert_int_equal(v->mac_status, MACST_TRUSTED);
    assert_memory_equal(v->mac, mine, 6);
    assert_string_equal(v->hostname, "WS-85");
    detect_destroy(d);
    free(c);
}

/* Six hosts with leases resolve an odd-looking company name over three
 * days; then a host fails a burst and that name resolves.  Returns whether
 * the name was called "the likely live C2". */
static int prevalent_name_called_c2(struct sh_config *c)
{
    char err[512], name[64], host[32];
    struct seen s = { 0 };
    struct detect *d = detect_create(c, on_verdict, &s, err, sizeof(err));
    assert_non_null(d);
    static const uint8_t base[6] = { 0x02, 9, 9, 9, 9, 0 };
    static const char odd[] = "xkqzvbrtpwd.com";      /* scores 0.68 alone */
    for (int day = 0; day < 3; day++)
        for (int h = 0; h < 6; h++) {               /* a lease renewed every morning */
            uint8_t mac[6];
            memcpy(mac, base, 6);
            mac[5] = (uint8_t)(h + 1);
            snprintf(host, sizeof(host), "10.0.1.%d", h + 1);
            struct sh_event ack = dhcp_ack(host, mac, "PC", (uint64_t)(1 + day * 86400) * S);
            struct sh_event a = dns_answer(host, "10.0.0.53", odd, 0, "198.51.100.44",
                                           (uint64_t)(200 + h + day * 86400) * S);
            detect_event(d, &ack);
            detect_event(d, &a);
        }
    rng = 2024;
    uint64_t t = 3ULL * 86400 * S;
    for (int i = 0; i < 12; i++, t += 3 * S) {
        random_name(name, sizeof(name));
        struct sh_event a = dns_answer("10.0.1.50", "10.0.0.53", name, 3, NULL, t);
        detect_event(d, &a);
    }
    struct sh_event r = dns_answer("10.0.1.50", "10.0.0.53", odd, 0, "198.51.100.44", t);
    detect_event(d, &r);
    struct verdict v[8];
    int n = detect_hosts(d, v, 8), called = 0;
    for (int k = 0; k < n; k++)
        called |= ev_of(&v[k], EVK_DGA_RESOLVED) != NULL;
    detect_destroy(d);
    return called;
}

static void a_name_many_hosts_resolve_for_days_is_not_a_c2(void **state)
{
    (void)state;
    struct sh_config *c = base_config();
    assert_false(prevalent_name_called_c2(c));
    /* the same without the local prevalence prior: it would be */
    c->n_params = 1;
    snprintf(c->params[0].name, sizeof(c->params[0].name), "prevalence_min_hosts");
    c->params[0].value = 1000;
    assert_true(prevalent_name_called_c2(c));
    free(c);
}

static void an_arp_claim_counts_only_from_the_claimants_frame(void **state)
{
    (void)state;
    char err[512];
    struct seen s = { 0 };
    struct sh_config *c = base_config();
    struct detect *d = detect_create(c, on_verdict, &s, err, sizeof(err));
    static const uint8_t victim[6] = { 0x02, 5, 5, 5, 5, 5 }, forger[6] = { 0x02, 6, 6, 6, 6, 6 };
    /* the forger's NIC sends "10.0.0.90 is at <victim's MAC>" */
    struct sh_event a = arp_claim("10.0.0.90", victim, forger, 1 * S);
    detect_event(d, &a);
    rng = 90;
    nx_burst(d, "10.0.0.90", 20, 10 * S);
    const struct verdict *v = last_for(&s, "10.0.0.90");
    assert_non_null(v);
    assert_int_not_equal(v->mac_status, MACST_TRUSTED);   /* no binding at all */
    /* the same claim from the claimant's own frame binds */
    struct sh_event b = arp_claim("10.0.0.91", victim, victim, 1 * S);
    detect_event(d, &b);
    nx_burst(d, "10.0.0.91", 20, 100 * S);
    v = last_for(&s, "10.0.0.91");
    assert_non_null(v);
    assert_int_equal(v->mac_status, MACST_TRUSTED);
    assert_memory_equal(v->mac, victim, 6);
    detect_destroy(d);
    free(c);
}

static void new_hosts_are_rate_limited_per_prefix(void **state)
{
    (void)state;
    char err[512], buf[48];
    struct sh_config *c = base_config();
    c->n_params = 2;
    snprintf(c->params[0].name, sizeof(c->params[0].name), "host_prefix_burst");
    c->params[0].value = 10;
    snprintf(c->params[1].name, sizeof(c->params[1].name), "host_prefix_rate");
    c->params[1].value = 1;
    struct detect *d = detect_create(c, NULL, NULL, err, sizeof(err));
    assert_non_null(d);
    /* 30 new addresses of one /24 in one second: 10 created, 20 refused */
    for (int i = 0; i < 30; i++) {
        snprintf(buf, sizeof(buf), "10.7.7.%d", i + 1);
        struct sh_event q = dns_query(buf, "192.0.2.53", "example.org", 1, S + (uint64_t)i * 1000);
        detect_event(d, &q);
    }
    /* another /24 has its own bucket; at 6.5 s the first has refilled
     * 0.029 + 5.471 = 5.5 tokens (1 per second since its last use) */
    struct sh_event q = dns_query("10.7.8.1", "192.0.2.53", "example.org", 1, 2 * S);
    detect_event(d, &q);
    for (int i = 30; i < 40; i++) {
        snprintf(buf, sizeof(buf), "10.7.7.%d", i + 1);
        struct sh_event r = dns_query(buf, "192.0.2.53", "example.org", 1, 6500000ULL);
        detect_event(d, &r);
    }
    char *out = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&out, &len);
    detect_print_stats(d, fp);
    fclose(fp);
    assert_true(contains(out, "detect.hosts_created                 16\n"));
    assert_true(contains(out, "detect.hosts_rate_limited            25\n"));
    free(out);
    detect_destroy(d);
    free(c);
}

static void a_hostname_given_for_another_mac_is_never_kept(void **state)
{
    (void)state;
    char err[512];
    struct seen s = { 0 };
    struct sh_config *c = base_config();
    struct detect *d = detect_create(c, on_verdict, &s, err, sizeof(err));
    static const uint8_t mine[6] = { 0x02, 7, 7, 7, 7, 7 }, other[6] = { 0x02, 8, 8, 8, 8, 8 };
    struct sh_event ack = dhcp_ack("10.0.0.92", mine, "WS-92", 1 * S);
    detect_event(d, &ack);
    /* a trusted ACK naming the address for another MAC and another name:
     * a conflict, and the name is not taken for either */
    struct sh_event other_ack = dhcp_ack("10.0.0.92", other, "CEO-LAPTOP", 2 * S);
    detect_event(d, &other_ack);
    /* the first MAC goes quiet; the address moves to the other MAC */
    struct sh_event again = dhcp_ack("10.0.0.92", other, "", 2000 * S);
    detect_event(d, &again);
    rng = 92;
    nx_burst(d, "10.0.0.92", 20, 2010 * S);
    const struct verdict *v = last_for(&s, "10.0.0.92");
    assert_non_null(v);
    assert_int_equal(v->mac_status, MACST_TRUSTED);
    assert_memory_equal(v->mac, other, 6);
    assert_string_equal(v->hostname, "");            /* never "CEO-LAPTOP" */
    detect_destroy(d);
    free(c);
}

static void a_claim_keeps_a_mac_trusted_that_carries_many_addresses(void **state)
{
    (void)state;
    char err[512];
    struct seen s = { 0 };
    struct sh_config *c = base_config();
    struct detect *d = detect_create(c, on_verdict, &s, err, sizeof(err));
    static const uint8_t nic[6] = { 0x02, 9, 9, 9, 9, 1 };
    /* one NIC sends from six internal addresses no claim ties to it ... */
    six_addresses_one_mac(d, "10.9.9", "192.0.2.53", nic);
    /* ... and claims one of them by ARP: that one stays its own */
    struct sh_event a = arp_claim("10.9.9.1", nic, nic, 7 * S);
    detect_event(d, &a);
    rng = 93;
    nx_burst(d, "10.9.9.1", 20, 10 * S);
    nx_burst(d, "10.9.9.2", 20, 100 * S);
    const struct verdict *v1 = last_for(&s, "10.9.9.1"), *v2 = last_for(&s, "10.9.9.2");
    assert_non_null(v1);
    assert_non_null(v2);
    assert_int_equal(v1->mac_status, MACST_TRUSTED);
    assert_int_equal(v2->mac_status, MACST_ROUTED);
    detect_destroy(d);
    free(c);
}

static void a_flagged_address_that_moves_to_another_mac_expires(void **state)
{
    (void)state;
    char err[512];
    struct seen s = { 0 };
    struct sh_config *c = base_config();
    struct detect *d = detect_create(c, on_verdict, &s, err, sizeof(err));
    static const uint8_t bot[6] = { 0x02, 0xb, 0xb, 0xb, 0xb, 0xb }, ceo[6] = { 0x02, 0xc, 0xc, 0xc, 0xc, 0xc };
    struct sh_event a = arp_claim("10.0.0.94", bot, bot, 1 * S);
    detect_event(d, &a);
    rng = 94;
    uint64_t t = nx_burst(d, "10.0.0.94", 20, 2 * S);
    assert_true(last_for(&s, "10.0.0.94")->flagged);
    /* silent for more than mac_active, then one frame claims the address
     * for another MAC: a candidate, nothing ends yet */
    int before = s.n;
    struct sh_event b = arp_claim("10.0.0.94", ceo, ceo, t + 1000 * S);
    detect_event(d, &b);
    assert_int_equal(s.n, before);
    /* the newcomer stays (seen again mac_stable later): the address moved */
    struct sh_event b2 = arp_claim("10.0.0.94", ceo, ceo, t + 1130 * S);
    b2.u.arp.op = 2;
    detect_event(d, &b2);
    const struct verdict *v = last_for(&s, "10.0.0.94");
    assert_int_equal(v->change, VERDICT_EXPIRED);
    assert_memory_equal(v->mac, bot, 6);              /* the MAC it was flagged with */
    struct verdict all[4];
    assert_int_equal(detect_hosts(d, all, 4), 0);      /* nothing left on the new MAC */
    detect_destroy(d);
    free(c);
}

static void failures_and_the_name_that_resolves_are_one_source(void **state)
{
    (void)state;
    char err[512], name[64];
    struct seen s = { 0 };
    struct sh_config *c = base_config();
    struct detect *d = detect_create(c, on_verdict, &s, err, sizeof(err));
    /* 7 algorithmic failures (under standalone confidence), then an
     * algorithmic name resolves: two kinds, one source: not flagged */
    rng = 95;
    uint64_t t = nx_burst(d, "10.0.0.95", 7, S);
    random_name(name, sizeof(name));
    struct sh_event ok = dns_answer("10.0.0.95", "10.0.0.53", name, 0, "203.0.113.95", t);
    detect_event(d, &ok);
    struct verdict v[2];
    assert_int_equal(detect_hosts(d, v, 2), 1);
    assert_non_null(ev_of(&v[0], EVK_DGA_NXDOMAIN));
    assert_non_null(ev_of(&v[0], EVK_DGA_RESOLVED));
    assert_true(v[0].score >= detect_get_params(d)->v[P_SCORE_THRESHOLD]);
    assert_false(v[0].flagged);
    detect_destroy(d);
    free(c);
}

static void bad_parameters_are_reported_with_their_line(void **state)
{
    (void)state;
    char err[512];
    struct sh_config *c = base_config();
    snprintf(c->source, sizeof(c->source), "x.conf");
    c->n_params = 1;
    snprintf(c->params[0].name, sizeof(c->params[0].name), "nx_windw");
    c->params[0].value = 60;
    c->params[0].line = 12;
    assert_null(detect_create(c, NULL, NULL, err, sizeof(err)));
    assert_true(contains(err, "x.conf:12: unknown detection parameter 'detect.nx_windw'"));
    snprintf(c->params[0].name, sizeof(c->params[0].name), "score_clear");
    c->params[0].value = 2;
    assert_null(detect_create(c, NULL, NULL, err, sizeof(err)));
    assert_true(contains(err, "must be below"));
    free(c);
}

/* ---- operator control (the NAC feed's allowlist and release) ---------- */

static int count_change(const struct seen *s, const char *addr, int change)
{
    struct sh_addr a;
    int n = 0;
    addr_parse(addr, &a);
    for (int i = 0; i < s->n; i++)
        n += s->v[i].change == change && !memcmp(&s->v[i].ip, &a, sizeof(a));
    return n;
}

/* The attack: an infected host claims its own IP at a MAC the operator
 * allowlisted (a printer's), twice, to be exempt.  It must be flagged. */
static void a_forged_claim_of_an_allowlisted_mac_exempts_nobody(void **state)
{
    (void)state;
    char err[512];
    struct seen s = { 0 };
    struct sh_config *c = base_config();
    struct detect *d = detect_create(c, on_verdict, &s, err, sizeof(err));
    static const uint8_t infected[6] = { 0x02, 1, 1, 1, 1, 1 }, printer[6] = { 0x02, 9, 9, 9, 9, 9 };
    const char *allow[] = { "02:09:09:09:09:09" };
    assert_int_equal(detect_operator_allow(d, allow, 1), 1);
    struct sh_event ev = dhcp_ack("10.0.0.7", infected, "LAPTOP-7", 1 * S);
    detect_event(d, &ev);
    struct sh_event a = arp_claim("10.0.0.7", printer, printer, 2 * S);
    detect_event(d, &a);
    a = arp_claim("10.0.0.7", printer, printer, 4 * S);
    detect_event(d, &a);
    rng = 777;
    nx_burst(d, "10.0.0.7", 30, 10 * S);
    const struct verdict *v = last_for(&s, "10.0.0.7");
    assert_non_null(v);
    assert_true(v->flagged);
    /* and releasing the printer's MAC does not release the forger */
    assert_int_equal(detect_release(d, "02:09:09:09:09:09", "alice"), 0);
    assert_int_equal(count_change(&s, "10.0.0.7", VERDICT_RELEASED), 0);
    detect_destroy(d);
    free(c);
}

/* The operator allowlists a host by its trusted MAC, or by IP: never flagged. */
static void an_allowlisted_host_is_never_flagged(void **state)
{
    (void)state;
    char err[512];
    static const uint8_t mac7[6] = { 0x02, 1, 1, 1, 1, 7 }, mac8[6] = { 0x02, 1, 1, 1, 1, 8 };
    const char *allow[] = { "02:01:01:01:01:07", "10.0.0.8", "not-a-target" };
    struct seen s = { 0 };
    struct sh_config *c = base_config();
    struct detect *d = detect_create(c, on_verdict, &s, err, sizeof(err));
    assert_int_equal(detect_operator_allow(d, allow, 3), 2);
    struct sh_event ev = dhcp_ack("10.0.0.7", mac7, "PC-7", 1 * S);
    detect_event(d, &ev);
    ev = dhcp_ack("10.0.0.8", mac8, "PC-8", 1 * S);
    detect_event(d, &ev);
    rng = 778;
    uint64_t t = nx_burst(d, "10.0.0.7", 30, 10 * S);
    nx_burst(d, "10.0.0.8", 30, t);
    assert_int_equal(count_change(&s, "10.0.0.7", VERDICT_INFECTED), 0);
    assert_int_equal(count_change(&s, "10.0.0.8", VERDICT_INFECTED), 0);
    detect_destroy(d);
    free(c);
}

/* Allowing or releasing a flagged host reports 'released' once, with who. */
static void release_and_allow_report_released(void **state)
{
    (void)state;
    char err[512];
    static const uint8_t mac7[6] = { 0x02, 1, 1, 1, 1, 7 }, mac8[6] = { 0x02, 1, 1, 1, 1, 8 };
    struct seen s = { 0 };
    struct sh_config *c = base_config();
    struct detect *d = detect_create(c, on_verdict, &s, err, sizeof(err));
    struct sh_event ev = dhcp_ack("10.0.0.7", mac7, "PC-7", 1 * S);
    detect_event(d, &ev);
    ev = dhcp_ack("10.0.0.8", mac8, "PC-8", 1 * S);
    detect_event(d, &ev);
    rng = 779;
    uint64_t t = nx_burst(d, "10.0.0.7", 30, 10 * S);
    t = nx_burst(d, "10.0.0.8", 30, t);
    assert_int_equal(count_change(&s, "10.0.0.7", VERDICT_INFECTED), 1);
    assert_int_equal(count_change(&s, "10.0.0.8", VERDICT_INFECTED), 1);
    assert_int_equal(detect_release(d, "02:01:01:01:01:07", "alice"), 1);
    const struct verdict *v = last_for(&s, "10.0.0.7");
    assert_int_equal(v->change, VERDICT_RELEASED);
    assert_string_equal(v->by, "alice");
    assert_false(v->flagged);
    assert_int_equal(detect_release(d, "10.0.0.7", "bob"), 1);   /* found, not flagged: */
    assert_int_equal(count_change(&s, "10.0.0.7", VERDICT_RELEASED), 1);  /* no second report */
    assert_int_equal(detect_release(d, "bogus", "x"), -1);
    const char *allow[] = { "10.0.0.8" };
    detect_operator_allow(d, allow, 1);
    v = last_for(&s, "10.0.0.8");
    assert_int_equal(v->change, VERDICT_RELEASED);
    assert_string_equal(v->by, "allowlist");
    /* fresh evidence flags the released host again, not the allowlisted one */
    nx_burst(d, "10.0.0.7", 30, t + 3600 * S);
    nx_burst(d, "10.0.0.8", 30, t + 3600 * S);
    assert_int_equal(count_change(&s, "10.0.0.7", VERDICT_INFECTED), 2);
    assert_int_equal(count_change(&s, "10.0.0.8", VERDICT_INFECTED), 1);
    detect_destroy(d);
    free(c);
}

/* ---- exfiltration through the engine ------------------------------------ */

static const uint8_t GW_MAC[6] = { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x01 };

/* a TCP flow record between internal client 10.0.0.7 (from mac) and
 * external server 198.51.100.80:port, with totals so far */
static struct sh_event flow_rec(const char *src, const char *dst, uint16_t sport, uint16_t dport,
                                const uint8_t smac[6], const uint8_t dmac[6], uint64_t id,
                                int update, uint64_t up, uint64_t down, uint64_t t0, uint64_t t)
{
    struct sh_event ev;
    ev_reset(&ev, EV_FLOW);
    ev.proto = 6;
    ev.ts_us = t;
    ev.flow_id = id;
    ev.src = ip(src);
    ev.dst = ip(dst);
    ev.sport = sport;
    ev.dport = dport;
    ev.has_mac = 1;
    memcpy(ev.src_mac, smac, 6);
    memcpy(ev.dst_mac, dmac, 6);
    struct ev_flow *f = &ev.u.flow;
    f->update = (uint8_t)update;
    f->outcome = FLOWO_ANSWERED;
    f->start_us = t0;
    f->end_us = t;
    f->pkts_toserver = up / 1400 + 3;
    f->pkts_toclient = down / 1400 + 3;
    f->payload_toserver = up;
    f->payload_toclient = down;
    return ev;
}

static void a_live_upload_counts_its_bytes_once(void **state)
{
    (void)state;
    char err[512];
    struct seen s = { 0 };
    struct sh_config *c = base_config();
    struct detect *d = detect_create(c, on_verdict, &s, err, sizeof(err));
    assert_non_null(d);
    static const uint8_t mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
    struct sh_event ev = dhcp_ack("10.0.0.7", mac, "LAPTOP-7", 1 * S);
    detect_event(d, &ev);
    /* two update records (totals 400 kB, 800 kB) and the end record
     * (1.2 MB): 1.2 MB in all, not 2.4 MB */
    uint64_t up[3] = { 400000, 800000, 1200000 };
    for (int i = 0; i < 3; i++) {
        ev = flow_rec("10.0.0.7", "198.51.100.80", 50000, 443, mac, GW_MAC, 42, i < 2, up[i],
                      3000, 10 * S, (70 + 60 * (uint64_t)i) * S);
        detect_event(d, &ev);
    }
    struct verdict v[4];
    int n = detect_hosts(d, v, 4);
    assert_int_equal(n, 1);
    const struct evidence *e = ev_of(&v[0], EVK_EXFIL);
    assert_non_null(e);
    assert_true(contains(e->explanation, "1.2 MB sent to 198.51.100.80"));
    assert_false(v[0].flagged);                 /* alone: never a verdict */
    detect_destroy(d);
    free(c);
}

static void an_active_ftp_upload_is_held_to_the_host_only_from_its_mac(void **state)
{
    (void)state;
    char err[512];
    struct seen s = { 0 };
    struct sh_config *c = base_config();
    struct detect *d = detect_create(c, on_verdict, &s, err, sizeof(err));
    assert_non_null(d);
    static const uint8_t mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
    static const uint8_t other[6] = { 0x02, 0x66, 0x66, 0x66, 0x66, 0x66 };
    struct sh_event ev = dhcp_ack("10.0.0.7", mac, "LAPTOP-7", 1 * S);
    detect_event(d, &ev);
    /* the server connects from port 20; the host sends 200 kB back
     * (server-to-client in the record); its frames came from another MAC
     * than the one the flow was addressed to: nobody's */
    ev = flow_rec("198.51.100.21", "10.0.0.7", 20, 50123, GW_MAC, mac, 7, 0, 0, 200000,
                  10 * S, 20 * S);
    ev.u.flow.l2_foreign[1] = 140;
    detect_event(d, &ev);
    struct verdict v[4];
    assert_int_equal(detect_hosts(d, v, 4), 0);
    /* addressed to another MAC than the host's established one: nobody's */
    ev = flow_rec("198.51.100.21", "10.0.0.7", 20, 50124, GW_MAC, other, 8, 0, 0, 200000,
                  30 * S, 40 * S);
    detect_event(d, &ev);
    assert_int_equal(detect_hosts(d, v, 4), 0);
    /* from its own MAC: the host's upload */
    ev = flow_rec("198.51.100.21", "10.0.0.7", 20, 50125, GW_MAC, mac, 9, 0, 0, 200000,
                  50 * S, 60 * S);
    detect_event(d, &ev);
    assert_int_equal(detect_hosts(d, v, 4), 1);
    const struct evidence *e = ev_of(&v[0], EVK_EXFIL);
    assert_non_null(e);
    assert_true(contains(e->explanation, "FTP upload"));
    assert_true(contains(e->explanation, "200.0 kB"));
    detect_destroy(d);
    free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(an_nxdomain_burst_flags_the_host_with_its_mac_and_name),
        cmocka_unit_test(a_forged_claim_of_an_allowlisted_mac_exempts_nobody),
        cmocka_unit_test(an_allowlisted_host_is_never_flagged),
        cmocka_unit_test(release_and_allow_report_released),
        cmocka_unit_test(a_few_failures_do_not_flag),
        cmocka_unit_test(the_name_resolving_after_failures_is_reported_as_c2),
        cmocka_unit_test(hosts_failing_on_the_same_names_share_evidence),
        cmocka_unit_test(a_resolver_is_never_blamed_for_what_it_relays),
        cmocka_unit_test(a_resolver_is_flagged_for_its_own_lookups),
        cmocka_unit_test(unsolicited_answers_count_for_nothing),
        cmocka_unit_test(queries_from_another_mac_speak_for_nobody),
        cmocka_unit_test(a_declared_resolver_with_unseen_clients_gives_a_notice),
        cmocka_unit_test(external_hosts_are_never_suspects),
        cmocka_unit_test(a_host_behind_a_router_is_reported_without_its_mac),
        cmocka_unit_test(the_verdict_clears_when_the_score_decays),
        cmocka_unit_test(a_dns_tunnel_is_flagged_with_its_zone),
        cmocka_unit_test(ordinary_lookups_of_many_names_are_not_a_tunnel),
        cmocka_unit_test(the_same_events_give_the_same_verdicts),
        cmocka_unit_test(one_source_never_corroborates_itself),
        cmocka_unit_test(a_slow_dga_adds_up_over_the_long_horizon),
        cmocka_unit_test(a_slow_tunnel_adds_up_over_the_long_horizon),
        cmocka_unit_test(an_advertised_prefix_makes_its_hosts_internal),
        cmocka_unit_test(learn_prefixes_off_by_reload_forgets_learnt_prefixes),
        cmocka_unit_test(unanswered_queries_make_the_sensor_say_it_is_blind),
        cmocka_unit_test(a_flagged_host_that_leaves_the_table_expires_loudly),
        cmocka_unit_test(a_forged_request_gives_no_one_a_name),
        cmocka_unit_test(a_name_many_hosts_resolve_for_days_is_not_a_c2),
        cmocka_unit_test(an_arp_claim_counts_only_from_the_claimants_frame),
        cmocka_unit_test(new_hosts_are_rate_limited_per_prefix),
        cmocka_unit_test(a_hostname_given_for_another_mac_is_never_kept),
        cmocka_unit_test(a_claim_keeps_a_mac_trusted_that_carries_many_addresses),
        cmocka_unit_test(a_flagged_address_that_moves_to_another_mac_expires),
        cmocka_unit_test(failures_and_the_name_that_resolves_are_one_source),
        cmocka_unit_test(bad_parameters_are_reported_with_their_line),
        cmocka_unit_test(a_live_upload_counts_its_bytes_once),
        cmocka_unit_test(an_active_ftp_upload_is_held_to_the_host_only_from_its_mac),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
