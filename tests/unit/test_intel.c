/*
 * test_intel.c -- threat-intelligence matching and spread (detect/intel.c)
 * through the engine, with a stub feed lookup (a small table in this
 * file): canonical forms (hand-written expectations), every attribute
 * type, the trust rules (forged MAC, unpaired answers, relayed lookups),
 * fingerprints that never convict, the contact cache, the spread of a
 * convicted host's indicator back and forward, and what never spreads
 * (a spread-only conviction, infrastructure, benign names).
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
#include "../../detect/ti.h"

#define S 1000000ULL
#define MAXV 256

struct seen {
    int n;
    struct verdict v[MAXV];
};

static void on_verdict(void *ctx, const struct verdict *v)
{
    struct seen *s = ctx;
    if (s->n < MAXV)
        s->v[s->n] = *v;
    s->n++;
}

static struct sh_addr ip(const char *s)
{
    struct sh_addr a;
    assert_int_equal(addr_parse(s, &a), 0);
    return a;
}

/* ---- the stub feed ---------------------------------------------------- */

struct entry {
    int type;
    const char *value;      /* domains match their subdomains too */
    const char *feed, *reason;
    double weight, confidence;
};

struct feed {
    const struct entry *e;
    int n;
    int calls;              /* lookups asked */
    char last[256];
};

static int stub_lookup(void *ctx, int type, const char *value, size_t len,
                       const struct sh_addr *ipa, struct intel_hit *out, int max)
{
    struct feed *f = ctx;
    f->calls++;
    snprintf(f->last, sizeof(f->last), "%.*s", (int)len, value);
    assert_true(type > IOC_NONE && type < IOC_TYPE_MAX);
    assert_int_equal(strlen(f->last), len);
    if (type == IOC_IP)
        assert_non_null(ipa);
    int k = 0;
    for (int i = 0; i < f->n && k < max; i++) {
        const struct entry *x = &f->e[i];
        if (x->type != type)
            continue;
        size_t n = strlen(x->value);
        int hit = n == len && memcmp(x->value, value, len) == 0;
        if (!hit && type == IOC_DOMAIN && len > n && value[len - n - 1] == '.')
            hit = memcmp(value + len - n, x->value, n) == 0;
        if (!hit)
            continue;
        memset(&out[k], 0, sizeof(out[k]));
        out[k].type = (uint8_t)type;
        snprintf(out[k].entry, sizeof(out[k].entry), "%s", x->value);
        snprintf(out[k].feed, sizeof(out[k].feed), "%s", x->feed);
        snprintf(out[k].reason, sizeof(out[k].reason), "%s", x->reason);
        out[k].weight = x->weight;
        out[k].confidence = x->confidence;
        k++;
    }
    return k;
}

/* ---- events ---------------------------------------------------------------- */

static const uint8_t MAC_A[6] = { 0x02, 0, 0, 0, 0, 0x05 };
static const uint8_t MAC_B[6] = { 0x02, 0, 0, 0, 0, 0x06 };
static const uint8_t MAC_C[6] = { 0x02, 0, 0, 0, 0, 0x07 };
static const uint8_t MAC_D[6] = { 0x02, 0, 0, 0, 0, 0x08 };
static const uint8_t MAC_R[6] = { 0x02, 0, 0, 0, 0, 53 };
static const uint8_t MAC_X[6] = { 0x02, 0, 0, 0, 0, 0x66 };
static const uint8_t MAC_GW[6] = { 0x02, 0, 0x5e, 0, 0, 0x01 };

static void hdr(struct sh_event *ev, int type, const char *src, const char *dst, int proto,
                uint16_t sport, uint16_t dport, const uint8_t *smac, const uint8_t *dmac,
                uint64_t ts)
{
    ev_reset(ev, type);
    ev->ts_us = ts;
    ev->proto = (uint8_t)proto;
    ev->src = ip(src);
    ev->dst = ip(dst);
    ev->sport = sport;
    ev->dport = dport;
    ev->flow_id = ts ^ 0x5a5a;
    if (smac) {
        ev->has_mac = 1;
        memcpy(ev->src_mac, smac, 6);
        memcpy(ev->dst_mac, dmac ? dmac : MAC_GW, 6);
        /* an internal destination: its own MAC (02:00:00:00:00:<last octet>) */
        if (!strncmp(dst, "10.0.0.", 7)) {
            static const uint8_t base[6] = { 0x02, 0, 0, 0, 0, 0 };
            memcpy(ev->dst_mac, base, 6);
            ev->dst_mac[5] = (uint8_t)atoi(dst + 7);
        }
    }
}

static struct sh_event query(const char *client, const uint8_t *mac, const char *server,
                             const char *name, uint64_t ts)
{
    struct sh_event ev;
    hdr(&ev, EV_DNS, client, server, 17, 50000, 53, mac,
        strncmp(server, "10.", 3) == 0 ? MAC_R : MAC_GW, ts);
    ev.u.dns.nq = 1;
    ev.u.dns.q[0].type = 1;
    ev.u.dns.q[0].name = ev_puts(&ev, name, 0);
    return ev;
}

/* a paired answer from server to client's query (sent from qmac) */
static struct sh_event answer(const char *client, const uint8_t *qmac, const char *server,
                              const char *name, const char *cname, const char *addr,
                              int paired, uint64_t ts)
{
    struct sh_event ev;
    hdr(&ev, EV_DNS, server, client, 17, 53, 50000, MAC_R, qmac, ts);
    ev.u.dns.qr = 1;
    ev.u.dns.paired = (uint8_t)paired;
    if (qmac) {
        ev.u.dns.query_has_mac = 1;
        memcpy(ev.u.dns.query_mac, qmac, 6);
    }
    ev.u.dns.nq = 1;
    ev.u.dns.q[0].type = 1;
    ev.u.dns.q[0].name = ev_puts(&ev, name, 0);
    int n = 0;
    if (cname) {
        ev.u.dns.an[n].type = 5;
        ev.u.dns.an[n].name = ev.u.dns.q[0].name;
        ev.u.dns.an[n].data = ev_puts(&ev, cname, 0);
        n++;
    }
    ev.u.dns.an[n].type = 1;
    ev.u.dns.an[n].name = cname ? ev.u.dns.an[0].data : ev.u.dns.q[0].name;
    ev.u.dns.an[n].data = ev_puts(&ev, addr, 0);
    ev.u.dns.nan = (uint8_t)(n + 1);
    return ev;
}

struct tlsargs {
    const char *sni, *ja3, *ja4, *ja3s, *ja4s, *sha1, *sha256;
    int quic;
};

static struct sh_event tls(const char *client, const uint8_t *mac, const char *server,
                           const struct tlsargs *a, uint64_t ts)
{
    struct sh_event ev;
    hdr(&ev, EV_TLS, client, server, a->quic ? 17 : 6, 50100, 443, mac, MAC_GW, ts);
    struct ev_tls *t = &ev.u.tls;
    t->quic = (uint8_t)a->quic;
    t->has_client_hello = 1;
    if (a->sni)
        t->sni = ev_puts(&ev, a->sni, 0);
    if (a->ja3)
        snprintf(t->ja3_hash, sizeof(t->ja3_hash), "%s", a->ja3);
    if (a->ja4)
        snprintf(t->ja4, sizeof(t->ja4), "%s", a->ja4);
    if (a->ja3s)
        snprintf(t->ja3s_hash, sizeof(t->ja3s_hash), "%s", a->ja3s);
    if (a->ja4s)
        snprintf(t->ja4s, sizeof(t->ja4s), "%s", a->ja4s);
    if (a->sha1)
        t->fingerprint = ev_puts(&ev, a->sha1, 0);
    if (a->sha256)
        t->fingerprint_sha256 = ev_puts(&ev, a->sha256, 0);
    return ev;
}

static struct sh_event http(const char *client, const uint8_t *mac, const char *server,
                            uint16_t dport, const char *host, uint16_t host_port,
                            const char *uri, uint64_t ts)
{
    struct sh_event ev;
    hdr(&ev, EV_HTTP, client, server, 6, 50200, dport, mac, MAC_GW, ts);
    ev.u.http.method = ev_puts(&ev, "GET", 0);
    if (host)
        ev.u.http.host = ev_puts(&ev, host, 0);
    ev.u.http.host_port = host_port;
    ev.u.http.uri = ev_puts(&ev, uri, 0);
    return ev;
}

static struct sh_event flow(const char *client, const uint8_t *mac, const char *server,
                            uint16_t dport, uint64_t ts)
{
    struct sh_event ev;
    hdr(&ev, EV_FLOW, client, server, 6, 50300, dport, mac, MAC_GW, ts);
    struct ev_flow *f = &ev.u.flow;
    f->start_us = ts - S;
    f->end_us = ts;
    f->pkts_toserver = f->pkts_toclient = 3;
    f->payload_toserver = 200;
    f->payload_toclient = 300;
    f->outcome = FLOWO_ANSWERED;
    return ev;
}

/* ---- harness ---------------------------------------------------------------- */

struct rig {
    struct sh_config *c;
    struct detect *d;
    struct seen s;
    struct feed f;
};

static struct rig *rig_new(const struct entry *e, int n, const char *params)
{
    char err[512];
    struct rig *r = calloc(1, sizeof(*r));
    r->c = malloc(sizeof(*r->c));
    config_defaults(r->c);
    const char *dd = getenv("SH_DATADIR");
    snprintf(r->c->data_dir, sizeof(r->c->data_dir), "%s", dd ? dd : "detect/data");
    assert_int_equal(cidr_set_parse_list(&r->c->dns_resolvers, "10.0.0.53", err, sizeof(err)), 0);
    (void)params;
    r->d = detect_create(r->c, on_verdict, &r->s, err, sizeof(err));
    assert_non_null(r->d);
    r->f.e = e;
    r->f.n = n;
    if (e)
        detect_set_intel(r->d, stub_lookup, &r->f);
    return r;
}

static void rig_free(struct rig *r)
{
    detect_destroy(r->d);
    free(r->c);
    free(r);
}

static void feed(struct rig *r, struct sh_event ev)
{
    detect_event(r->d, &ev);
}

/* the host's current state (NULL when it holds no evidence) */
static const struct verdict *host_of(struct rig *r, const char *addr)
{
    static struct verdict v[64];
    int n = detect_hosts(r->d, v, 64);
    struct sh_addr a = ip(addr);
    for (int i = 0; i < n; i++)
        if (!memcmp(&v[i].ip, &a, sizeof(a)))
            return &v[i];
    return NULL;
}

static const struct evidence *ev_kind(const struct verdict *v, int kind, const char *ioc)
{
    for (int i = 0; v && i < v->nev; i++)
        if (v->ev[i].kind == kind && (!ioc || !strcmp(v->ev[i].ioc, ioc)))
            return &v->ev[i];
    return NULL;
}

__attribute__((noinline)) static int contains(const char *hay, const char *needle)
{
    return strstr(hay, needle) != NULL;
}

/* bindings: each host's first frame (its own MAC) a while before the test */
static void office(struct rig *r, uint64_t t)
{
    feed(r, flow("10.0.0.5", MAC_A, "10.0.0.53", 9, t));
    feed(r, flow("10.0.0.6", MAC_B, "10.0.0.53", 9, t));
    feed(r, flow("10.0.0.7", MAC_C, "10.0.0.53", 9, t));
    feed(r, flow("10.0.0.8", MAC_D, "10.0.0.53", 9, t));
    feed(r, flow("10.0.0.53", MAC_R, "10.0.0.1", 9, t));
}

/* ---- canonical forms (expected strings written by hand) ------------------------ */

static void canonical_names_addresses_hashes_and_urls(void **state)
{
    (void)state;
    struct ti_attr a;
    assert_int_equal(ti_canon_host("C2.Evil.EXAMPLE.", 16, &a), IOC_DOMAIN);
    assert_string_equal(a.v, "c2.evil.example");
    assert_int_equal(a.len, 15);
    assert_int_equal(ti_canon_host("203.0.113.7", 11, &a), IOC_IP);
    assert_string_equal(a.v, "203.0.113.7");
    assert_int_equal(ti_canon_host("[2001:DB8:0:0::1]", 17, &a), IOC_IP);
    assert_string_equal(a.v, "2001:db8::1");
    assert_int_equal(ti_canon_host("evil example", 12, &a), IOC_NONE);
    assert_int_equal(ti_canon_host("", 0, &a), IOC_NONE);
    assert_int_equal(ti_canon_host("a/b", 3, &a), IOC_NONE);
    assert_int_equal(ti_canon_host("host:8080", 9, &a), IOC_NONE);

    char h[80];
    assert_int_equal(ti_canon_hex("AA:bb:0C:d1:e2:F3:04:15:26:37:48:59:6a:7B:8c:9D:ae:BF:c0:D1",
                                  59, 40, h, sizeof(h)), 0);
    assert_string_equal(h, "aabb0cd1e2f30415263748596a7b8c9daebfc0d1");
    assert_int_equal(ti_canon_hex("aabb", 4, 40, h, sizeof(h)), -1);        /* too short */
    assert_int_equal(ti_canon_hex("zz", 2, 2, h, sizeof(h)), -1);           /* not hex */

    char u[256];
    assert_int_equal(ti_canon_url("Evil.Example", 12, 80, "/gate.php?id=7", 14, u, sizeof(u)), 0);
    assert_string_equal(u, "http://evil.example/gate.php?id=7");
    assert_int_equal(ti_canon_url("evil.example.", 13, 8080, "/a", 2, u, sizeof(u)), 0);
    assert_string_equal(u, "http://evil.example:8080/a");
    assert_int_equal(ti_canon_url("proxy.example", 13, 3128, "http://X.Example:80/p?q", 23, u,
                                  sizeof(u)), 0);
    assert_string_equal(u, "http://x.example/p?q");
    assert_int_equal(ti_canon_url("[2001:db8::1]", 13, 8080, "/", 1, u, sizeof(u)), 0);
    assert_string_equal(u, "http://[2001:db8::1]:8080/");
    assert_int_equal(ti_canon_url("h.example", 9, 80, "/a b", 4, u, sizeof(u)), -1);
}

/* ---- every attribute type ---------------------------------------------------------- */

static const char SHA1_COLON[] = "AA:BB:0C:D1:E2:F3:04:15:26:37:48:59:6A:7B:8C:9D:AE:BF:C0:D1";
static const char SHA1[] = "aabb0cd1e2f30415263748596a7b8c9daebfc0d1";
static const char SHA256[] = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
static const char JA3[] = "e7d705a3286e19ea42f587b344ee6865";
static const char JA3S[] = "15af977ce25de452b96affa2addb1036";
static const char JA4[] = "t13d1516h2_8daaf6152771_e5627efa2ab1";
static const char JA4S[] = "t130200_1301_234ea6891581";

struct attr_case {
    struct entry listed;
    int kind;                /* evidence expected                          */
    const char *ioc;         /* its ioc (what the host used)               */
    const char *says;        /* in its explanation                         */
};

static void drive_all(struct rig *r, uint64_t t)
{
    struct tlsargs ta = { .sni = "Login.Phish.Example.", .ja3 = JA3, .ja4 = JA4, .ja3s = JA3S,
                          .ja4s = JA4S, .sha1 = SHA1_COLON, .sha256 = SHA256 };
    feed(r, query("10.0.0.5", MAC_A, "10.0.0.53", "WWW.Bad-Zone.Example.", t));
    feed(r, answer("10.0.0.5", MAC_A, "10.0.0.53", "WWW.Bad-Zone.Example", "edge.cdn-c2.example",
                   "198.51.100.99", 1, t + 20000));
    feed(r, tls("10.0.0.5", MAC_A, "203.0.113.44", &ta, t + S));
    struct tlsargs qa = { .sni = "q.quic-c2.example", .quic = 1 };
    feed(r, tls("10.0.0.5", MAC_A, "203.0.113.45", &qa, t + 2 * S));
    feed(r, http("10.0.0.5", MAC_A, "203.0.113.46", 8080, "Dl.Payload.Example", 8080,
                 "/x/stage2.bin?k=1", t + 3 * S));
    feed(r, flow("10.0.0.5", MAC_A, "192.0.2.200", 4444, t + 4 * S));
}

static void each_attribute_type_matches_in_canonical_form(void **state)
{
    (void)state;
    static const struct attr_case cases[] = {
        { { IOC_DOMAIN, "bad-zone.example", "c2-domains", "Emotet C2", 1.0, 0.6 }, EVK_IOC_MATCH,
          "www.bad-zone.example", "queried www.bad-zone.example (listed by feed 'c2-domains' "
          "as 'bad-zone.example': Emotet C2)" },
        { { IOC_IP, "198.51.100.99", "ips", "", 1.0, 0.6 }, EVK_IOC_MATCH, "198.51.100.99",
          "was answered 198.51.100.99 for WWW.Bad-Zone.Example" },
        { { IOC_DOMAIN, "cdn-c2.example", "c2-domains", "", 1.0, 0.6 }, EVK_IOC_MATCH,
          "edge.cdn-c2.example", "was answered alias edge.cdn-c2.example" },
        { { IOC_DOMAIN, "login.phish.example", "phish", "", 1.0, 0.6 }, EVK_IOC_MATCH,
          "login.phish.example", "named login.phish.example in TLS SNI" },
        { { IOC_DOMAIN, "quic-c2.example", "c2", "", 1.0, 0.6 }, EVK_IOC_MATCH,
          "q.quic-c2.example", "in QUIC SNI" },
        { { IOC_CERT_SHA1, SHA1, "sslbl", "AsyncRAT C&C", 1.0, 0.6 }, EVK_IOC_MATCH, SHA1,
          "certificate with SHA-1" },
        { { IOC_CERT_SHA256, SHA256, "certs", "", 1.0, 0.6 }, EVK_IOC_MATCH, SHA256,
          "SHA-256" },
        { { IOC_IP, "203.0.113.44", "ips", "", 1.0, 0.6 }, EVK_IOC_MATCH, "203.0.113.44",
          "connected to 203.0.113.44" },
        { { IOC_DOMAIN, "payload.example", "urlhaus", "", 1.0, 0.6 }, EVK_IOC_MATCH,
          "dl.payload.example", "sent HTTP Host dl.payload.example" },
        { { IOC_URL, "http://dl.payload.example:8080/x/stage2.bin?k=1", "urlhaus", "malware_download",
            1.0, 0.6 }, EVK_IOC_MATCH, "http://dl.payload.example:8080/x/stage2.bin?k=1",
          "requested http://dl.payload.example:8080/x/stage2.bin?k=1" },
        { { IOC_IP, "192.0.2.200", "feodo", "", 1.0, 0.6 }, EVK_IOC_MATCH, "192.0.2.200",
          "connected to 192.0.2.200" },
        { { IOC_JA3, JA3, "sslbl-ja3", "", 1.0, 0.6 }, EVK_IOC_FINGERPRINT, JA3,
          "never flags a host alone" },
        { { IOC_JA4, JA4, "ja4", "", 1.0, 0.6 }, EVK_IOC_FINGERPRINT, JA4, "JA4" },
        { { IOC_JA3S, JA3S, "ja3s", "", 1.0, 0.6 }, EVK_IOC_FINGERPRINT, JA3S, "JA3S" },
        { { IOC_JA4S, JA4S, "ja4s", "", 1.0, 0.6 }, EVK_IOC_FINGERPRINT, JA4S, "JA4S" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct rig *r = rig_new(&cases[i].listed, 1, NULL);
        office(r, 10 * S);
        drive_all(r, 100 * S);
        const struct verdict *v = host_of(r, "10.0.0.5");
        const struct evidence *e = ev_kind(v, cases[i].kind, cases[i].ioc);
        if (!e)
            fail_msg("case %zu (%s): no %s evidence with ioc %s", i, cases[i].listed.value,
                     evidence_kind_name(cases[i].kind), cases[i].ioc);
        assert_string_equal(ioc_type_name(e->ioc_type),
                            ioc_type_name(cases[i].listed.type == IOC_URL ? IOC_URL :
                                          cases[i].listed.type));
        assert_string_equal(e->indicator, cases[i].listed.value);
        if (!contains(e->explanation, cases[i].says))
            fail_msg("case %zu: '%s' not in '%s'", i, cases[i].says, e->explanation);
        assert_int_equal(v->nev, 1);              /* nothing else matched */
        rig_free(r);
    }
}

/* ---- trust ------------------------------------------------------------------------- */

static const struct entry LISTED[] = {
    { IOC_DOMAIN, "evil.example", "c2-domains", "Emotet C2", 1.2, 0.9 },
    { IOC_IP, "203.0.113.7", "feodo", "Dridex", 1.2, 0.9 },
    { IOC_JA3, "e7d705a3286e19ea42f587b344ee6865", "sslbl-ja3", "", 5.0, 1.0 },
};

static void a_feed_match_flags_the_host_that_used_it_and_explains(void **state)
{
    (void)state;
    struct rig *r = rig_new(LISTED, 3, NULL);
    office(r, 10 * S);
    feed(r, query("10.0.0.5", MAC_A, "10.0.0.53", "c2.evil.example", 100 * S));
    const struct verdict *v = host_of(r, "10.0.0.5");
    assert_non_null(v);
    assert_true(v->flagged);                       /* confidence 0.9 >= standalone */
    const struct evidence *e = ev_kind(v, EVK_IOC_MATCH, "c2.evil.example");
    assert_non_null(e);
    assert_string_equal(e->explanation, "queried c2.evil.example (listed by feed 'c2-domains' "
                                        "as 'evil.example': Emotet C2)");
    assert_true(e->weight == 1.2 && e->confidence == 0.9);
    rig_free(r);
}

static void a_forged_mac_or_an_unpaired_answer_matches_nobody(void **state)
{
    (void)state;
    struct rig *r = rig_new(LISTED, 3, NULL);
    office(r, 10 * S);
    /* X uses B's address with its own MAC: TLS, HTTP, flow and a query */
    struct tlsargs ta = { .sni = "c2.evil.example" };
    feed(r, tls("10.0.0.6", MAC_X, "203.0.113.7", &ta, 100 * S));
    feed(r, http("10.0.0.6", MAC_X, "203.0.113.7", 80, "c2.evil.example", 0, "/", 101 * S));
    feed(r, flow("10.0.0.6", MAC_X, "203.0.113.7", 443, 102 * S));
    feed(r, query("10.0.0.6", MAC_X, "10.0.0.53", "c2.evil.example", 103 * S));
    /* an answer to C no query of C's asked (unpaired), and one paired to a
     * query sent with another MAC than C's */
    feed(r, answer("10.0.0.7", MAC_C, "10.0.0.53", "c2.evil.example", NULL, "203.0.113.7", 0,
                   104 * S));
    feed(r, answer("10.0.0.7", MAC_X, "10.0.0.53", "www.example.org", NULL, "203.0.113.7", 1,
                   105 * S));
    assert_null(host_of(r, "10.0.0.6"));
    assert_null(host_of(r, "10.0.0.7"));
    for (int i = 0; i < r->s.n && i < MAXV; i++)
        assert_false(r->s.v[i].flagged);
    rig_free(r);
}

static void a_resolvers_relayed_lookup_is_its_clients(void **state)
{
    (void)state;
    struct rig *r = rig_new(LISTED, 3, NULL);
    office(r, 10 * S);
    /* a client's query, then the resolver's upstream copy of it 3 ms later,
     * and the upstream answer, relayed back */
    uint64_t t = 300 * S;
    feed(r, query("10.0.0.6", MAC_B, "10.0.0.53", "c2.evil.example", t));
    feed(r, query("10.0.0.53", MAC_R, "192.0.2.53", "c2.evil.example", t + 3000));
    assert_null(host_of(r, "10.0.0.53"));
    const struct verdict *v = host_of(r, "10.0.0.6");
    assert_non_null(ev_kind(v, EVK_IOC_MATCH, "c2.evil.example"));
    /* the resolver's own lookup of a listed name is its own */
    feed(r, query("10.0.0.53", MAC_R, "192.0.2.53", "x.evil.example", t + 10 * S));
    assert_non_null(ev_kind(host_of(r, "10.0.0.53"), EVK_IOC_MATCH, "x.evil.example"));
    rig_free(r);
}

static void a_listed_fingerprint_never_flags_alone(void **state)
{
    (void)state;
    struct rig *r = rig_new(LISTED, 3, NULL);
    office(r, 10 * S);
    struct tlsargs ta = { .sni = "www.example.org", .ja3 = "E7D705A3286E19EA42F587B344EE6865" };
    for (int i = 0; i < 20; i++)
        feed(r, tls("10.0.0.5", MAC_A, "198.51.100.20", &ta, (100 + 70 * (uint64_t)i) * S));
    const struct verdict *v = host_of(r, "10.0.0.5");
    const struct evidence *e = ev_kind(v, EVK_IOC_FINGERPRINT, "e7d705a3286e19ea42f587b344ee6865");
    assert_non_null(e);
    assert_true(e->confidence <= 0.5);             /* ioc_fingerprint_max_confidence */
    assert_true(v->score >= 1.0);                  /* weight 5: enough score ... */
    assert_false(v->flagged);                      /* ... never enough alone */
    assert_true(contains(e->explanation, "never flags a host alone"));
    rig_free(r);
}

static void repeated_use_is_one_lookup_per_contact_gap(void **state)
{
    (void)state;
    struct rig *r = rig_new(LISTED, 3, NULL);
    office(r, 10 * S);
    struct tlsargs ta = { .sni = "docs.example.org" };
    int before = r->f.calls;
    for (int i = 0; i < 10; i++)                   /* 10 handshakes in 30 s */
        feed(r, tls("10.0.0.5", MAC_A, "198.51.100.20", &ta, 100 * S + (uint64_t)i * 3 * S));
    assert_int_equal(r->f.calls - before, 2);       /* the SNI and the address, once */
    feed(r, tls("10.0.0.5", MAC_A, "198.51.100.20", &ta, 100 * S + 61 * S));
    assert_int_equal(r->f.calls - before, 4);       /* a new contact a minute later */
    feed(r, tls("10.0.0.6", MAC_B, "198.51.100.20", &ta, 100 * S + 62 * S));
    assert_int_equal(r->f.calls - before, 6);       /* another host's own contact */
    rig_free(r);
}

/* ---- spread -------------------------------------------------------------------------- */

static uint32_t rng = 7;
static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static void random_name(char *buf, size_t len)
{
    int n = 12 + (int)(next() % 4);
    size_t k = 0;
    for (int i = 0; i < n && k + 1 < len; i++)
        buf[k++] = (char)('a' + next() % 26);
    snprintf(buf + k, len - k, ".biz");
}

/* host fails n algorithmic lookups (NXDOMAIN), one every 3 s */
static uint64_t nx_burst(struct rig *r, const char *client, const uint8_t *mac, int n,
                         uint64_t t)
{
    char name[64];
    for (int i = 0; i < n; i++) {
        random_name(name, sizeof(name));
        feed(r, query(client, mac, "10.0.0.53", name, t));
        struct sh_event a = answer(client, mac, "10.0.0.53", name, NULL, "0.0.0.0", 1, t + 5000);
        a.u.dns.rcode = 3;
        a.u.dns.nan = 0;
        feed(r, a);
        t += 3 * S;
    }
    return t;
}

static void learned(void *ctx, const struct learned_ioc *l)
{
    struct learned_ioc *out = ctx;
    int i = 0;
    while (out[i].type)
        i++;
    if (i < 7)
        out[i] = *l;
}

static void a_convicted_hosts_c2_spreads_back_and_forward(void **state)
{
    (void)state;
    char c2[64];
    struct rig *r = rig_new(NULL, 0, NULL);
    office(r, 10 * S);
    rng = 99;
    /* the name A will resolve after its burst (generated first, as the
     * burst's names, from the same generator) */
    random_name(c2, sizeof(c2));
    uint64_t t = 200 * S;
    /* B looks it up once, 10 minutes before A's conviction; D browses a
     * popular name A also uses */
    feed(r, query("10.0.0.6", MAC_B, "10.0.0.53", c2, t));
    feed(r, answer("10.0.0.6", MAC_B, "10.0.0.53", c2, NULL, "203.0.113.5", 1, t + 20000));
    feed(r, query("10.0.0.8", MAC_D, "10.0.0.53", "www.google.com", t + S));
    feed(r, query("10.0.0.5", MAC_A, "10.0.0.53", "www.google.com", t + 2 * S));
    t = nx_burst(r, "10.0.0.5", MAC_A, 14, t + 600 * S);
    assert_true(host_of(r, "10.0.0.5")->flagged);
    feed(r, query("10.0.0.5", MAC_A, "10.0.0.53", c2, t));
    feed(r, answer("10.0.0.5", MAC_A, "10.0.0.53", c2, NULL, "203.0.113.5", 1, t + 20000));
    const struct verdict *a = host_of(r, "10.0.0.5");
    const struct evidence *res = ev_kind(a, EVK_DGA_RESOLVED, NULL);
    assert_non_null(res);
    assert_string_equal(res->ioc, c2);             /* the indicator behind the verdict */

    /* learnt, in order, with the first host */
    struct learned_ioc l[8];
    memset(l, 0, sizeof(l));
    assert_int_equal(detect_learned_iocs(r->d, learned, l), 1);
    assert_int_equal(l[0].type, IOC_DOMAIN);
    assert_string_equal(l[0].value, c2);
    char first[64];
    addr_format(&l[0].first_host, first, sizeof(first));
    assert_string_equal(first, "10.0.0.5");
    assert_int_equal(l[0].evidence_kind, EVK_DGA_RESOLVED);

    /* back: B, from its one lookup; not flagged (one contact, one source) */
    const struct verdict *b = host_of(r, "10.0.0.6");
    const struct evidence *e = ev_kind(b, EVK_SHARED_C2, c2);
    assert_non_null(e);
    assert_false(b->flagged);
    assert_true(contains(e->explanation, "10.0.0.5's conviction"));
    assert_true(contains(e->explanation, "before it"));
    addr_format(&e->peer, first, sizeof(first));
    assert_string_equal(first, "10.0.0.5");
    assert_true(e->confidence < 0.8 && e->weight * e->confidence < 1.0);
    /* D, who only shared a popular name with A: nothing */
    assert_null(host_of(r, "10.0.0.8"));

    /* forward: C looks up a subdomain of it later */
    char sub[80];
    snprintf(sub, sizeof(sub), "api.%s", c2);
    feed(r, query("10.0.0.7", MAC_C, "10.0.0.53", sub, t + 300 * S));
    const struct verdict *c = host_of(r, "10.0.0.7");
    e = ev_kind(c, EVK_SHARED_C2, sub);
    assert_non_null(e);
    assert_false(c->flagged);
    assert_true(contains(e->explanation, "after it"));
    assert_string_equal(e->indicator, c2);
    /* substantial contact: C keeps coming back, once a minute: the
     * confidence rises to just below standalone_confidence (0.8) and no
     * further -- the convicted host chose the indicator, so shared_c2
     * never flags alone (a bot could frame any rare destination's user) */
    for (int i = 1; i <= 10; i++)
        feed(r, query("10.0.0.7", MAC_C, "10.0.0.53", sub, t + 300 * S + (uint64_t)i * 61 * S));
    c = host_of(r, "10.0.0.7");
    e = ev_kind(c, EVK_SHARED_C2, sub);
    assert_int_equal(e->count, 11);
    assert_true(e->confidence > 0.75 && e->confidence < 0.8);
    assert_false(c->flagged);
    rig_free(r);
}

static void a_spread_only_conviction_teaches_nothing(void **state)
{
    (void)state;
    char c2[64], other[64];
    struct rig *r = rig_new(NULL, 0, NULL);
    office(r, 10 * S);
    rng = 99;
    random_name(c2, sizeof(c2));
    uint64_t t = 200 * S;
    /* B will be flagged by spread plus a weak resolved-after-failures
     * evidence of its own, about `other`, which D looked up first */
    rng = 555;
    random_name(other, sizeof(other));
    feed(r, query("10.0.0.8", MAC_D, "10.0.0.53", other, t));
    rng = 99;
    random_name(c2, sizeof(c2));
    t = nx_burst(r, "10.0.0.5", MAC_A, 14, t + 60 * S);
    feed(r, query("10.0.0.5", MAC_A, "10.0.0.53", c2, t));
    feed(r, answer("10.0.0.5", MAC_A, "10.0.0.53", c2, NULL, "203.0.113.5", 1, t + 20000));
    assert_int_equal(detect_learned_iocs(r->d, NULL, NULL), 1);
    /* B: 4 failures (too few for a burst), then `other` resolves */
    uint64_t tb = nx_burst(r, "10.0.0.6", MAC_B, 4, t + 10 * S);
    feed(r, query("10.0.0.6", MAC_B, "10.0.0.53", other, tb));
    feed(r, answer("10.0.0.6", MAC_B, "10.0.0.53", other, NULL, "198.51.100.66", 1, tb + 20000));
    const struct verdict *b = host_of(r, "10.0.0.6");
    const struct evidence *res = ev_kind(b, EVK_DGA_RESOLVED, NULL);
    assert_non_null(res);
    assert_null(ev_kind(b, EVK_DGA_NXDOMAIN, NULL));
    assert_false(b->flagged);                      /* alone, not enough */
    /* now B touches A's C2 once: spread + its own evidence flag it */
    feed(r, query("10.0.0.6", MAC_B, "10.0.0.53", c2, tb + 30 * S));
    b = host_of(r, "10.0.0.6");
    assert_non_null(ev_kind(b, EVK_SHARED_C2, c2));
    assert_true(b->flagged);
    /* ... but its verdict needs the spread: `other` is not learnt, D gets nothing */
    assert_int_equal(detect_learned_iocs(r->d, NULL, NULL), 1);
    assert_null(host_of(r, "10.0.0.8"));
    rig_free(r);
}

/* ---- the learning rules, on the module alone (detect.c's classification
 * of names and addresses is exercised by the regression captures) ------- */

static int classify_plain(void *ctx, const struct ti_attr *a)
{
    (void)ctx;
    return a->type == IOC_IP && !strcmp(a->v, "198.51.100.1") ? TI_INFRA : TI_PLAIN;
}

static void count_touch(void *ctx, struct host *h)
{
    (void)h;
    ++*(int *)ctx;
}

static struct host *mk_host(struct host_table *ht, const char *addr, uint64_t now)
{
    struct sh_addr a = ip(addr);
    return host_get(ht, &a, now, 1);
}

static void beacon_ev(struct host_table *ht, struct host *h, const char *dest, uint64_t now)
{
    struct evidence *e = host_evidence_keyed(ht, h, EVK_BEACON, dest, 1.0);
    assert_non_null(e);
    e->active = 1;
    e->first_us = e->last_us = now;
    e->weight = 1.3;
    e->confidence = 0.9;
    e->ioc_type = IOC_IP;
    snprintf(e->ioc, sizeof(e->ioc), "%s", dest);
    snprintf(e->explanation, sizeof(e->explanation), "beacon to %s", dest);
}

static void used(struct ti *ti, struct host_table *ht, struct host *h, const char *dest,
                 uint64_t now)
{
    struct ti_attr a;
    struct host_touched t = { 0 };
    struct sh_addr d = ip(dest);
    assert_int_equal(ti_from_dest(&d, &a), 1);
    ti_used(ti, ht, h, 0, &a, 1, now, &t);
}

static void order(void *ctx, const struct learned_ioc *l)
{
    char *buf = ctx;
    strcat(buf, l->value);
    strcat(buf, " ");
}

static void what_is_never_learnt_and_what_is_forgotten_first(void **state)
{
    (void)state;
    char err[256];
    struct detect_params p;
    params_defaults(&p);
    p.v[P_SPREAD_MAX_LEARNT] = 2;
    struct host_params hp = { .idle_us = 86400 * S, .active_us = 900 * S, .stale_us = 86400 * S,
                              .stable_us = 120 * S, .router_window_us = 3600 * S,
                              .router_min_external = 8, .router_min_senders = 2,
                              .router_ips = 4 };
    struct host_table *ht = host_table_create(64, &hp, err, sizeof(err));
    int touched = 0;
    struct ti *ti = ti_create(&p, classify_plain, count_touch, &touched, err, sizeof(err));
    assert_non_null(ht);
    assert_non_null(ti);
    uint64_t now = 10000 * S;
    struct host *a = mk_host(ht, "10.0.0.5", now);
    const char *others[] = { "10.0.0.20", "10.0.0.21", "10.0.0.22", "10.0.0.23", "10.0.0.24" };
    /* 198.51.100.9: five hosts use it (prevalent); 192.0.2.53 answered DNS;
     * 198.51.100.1 is infrastructure; 203.0.113.9: one other host */
    for (int i = 0; i < 5; i++)
        used(ti, ht, mk_host(ht, others[i], now), "198.51.100.9", now - 300 * S);
    used(ti, ht, mk_host(ht, others[0], now), "192.0.2.53", now - 200 * S);
    used(ti, ht, mk_host(ht, others[0], now), "198.51.100.1", now - 200 * S);
    used(ti, ht, mk_host(ht, others[0], now), "203.0.113.9", now - 200 * S);
    /* 192.0.2.53 answered two hosts' DNS: a server; 198.51.100.50 answered
     * one host only (twice): a bot's C2 may answer its DNS, it stays plain */
    struct sh_addr dns = ip("192.0.2.53"), one = ip("198.51.100.50");
    ti_note_dns_answer(ti, &dns, 11, 0);
    ti_note_dns_answer(ti, &dns, 22, 0);
    ti_note_dns_answer(ti, &one, 11, 0);
    ti_note_dns_answer(ti, &one, 11, 0);
    beacon_ev(ht, a, "198.51.100.9", now);
    beacon_ev(ht, a, "192.0.2.53", now);
    beacon_ev(ht, a, "198.51.100.1", now);
    beacon_ev(ht, a, "203.0.113.9", now);
    beacon_ev(ht, a, "198.51.100.50", now);
    assert_true(ti_convicted_alone(ti, ht, a, now));
    assert_int_equal(ti_learn_from(ti, ht, a, now), 2);
    assert_int_equal(touched, 1);                  /* 10.0.0.20, for 203.0.113.9 */
    struct ti_stats st;
    ti_get_stats(ti, &st);
    assert_int_equal(st.learn_refused_prevalent, 1);
    assert_int_equal(st.learn_refused_infra, 2);
    assert_int_equal(st.shared_retro, 1);
    char buf[256] = "";
    assert_int_equal(ti_learned(ti, now, order, buf), 2);
    assert_string_equal(buf, "203.0.113.9 198.51.100.50 ");     /* learning order */
    /* the oldest gives way (spread_max_learnt = 2) */
    beacon_ev(ht, a, "203.0.113.10", now + S);
    assert_int_equal(ti_learn_from(ti, ht, a, now + S), 1);
    buf[0] = '\0';
    assert_int_equal(ti_learned(ti, now + S, order, buf), 2);
    assert_string_equal(buf, "198.51.100.50 203.0.113.10 ");
    ti_get_stats(ti, &st);
    assert_int_equal(st.learnt_evicted, 1);
    /* a learnt address that turns out to answer a resolver's DNS is forgotten */
    struct sh_addr late = ip("203.0.113.10");
    assert_int_equal(ti_note_dns_answer(ti, &late, 33, 1), 1);
    char val[64] = "";
    assert_int_equal(ti_forget_ip(ti, &late, now + S, val, sizeof(val)), 1);
    assert_string_equal(val, "203.0.113.10");
    assert_int_equal(ti_learned(ti, now + S, NULL, NULL), 1);
    assert_int_equal(ti_note_dns_answer(ti, &late, 44, 1), 0);   /* once */
    /* they expire after spread_ttl */
    assert_int_equal(ti_learned(ti, now + S + (uint64_t)(p.v[P_SPREAD_TTL] * 1e6), NULL, NULL), 0);
    ti_destroy(ti);
    host_table_destroy(ht);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(canonical_names_addresses_hashes_and_urls),
        cmocka_unit_test(each_attribute_type_matches_in_canonical_form),
        cmocka_unit_test(a_feed_match_flags_the_host_that_used_it_and_explains),
        cmocka_unit_test(a_forged_mac_or_an_unpaired_answer_matches_nobody),
        cmocka_unit_test(a_resolvers_relayed_lookup_is_its_clients),
        cmocka_unit_test(a_listed_fingerprint_never_flags_alone),
        cmocka_unit_test(repeated_use_is_one_lookup_per_contact_gap),
        cmocka_unit_test(a_convicted_hosts_c2_spreads_back_and_forward),
        cmocka_unit_test(a_spread_only_conviction_teaches_nothing),
        cmocka_unit_test(what_is_never_learnt_and_what_is_forgotten_first),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
