/*
 * intel.c -- threat intelligence inside the engine: canonical attributes,
 * feed matches, the contact history and the spread of learnt indicators.
 * See ti.h (and intel.h for the contract with the feeds).
 */
#include "ti.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../capture/hash.h"
#include "../config/cidr.h"
#include "lru.h"

#define TI_HIST 8                 /* hosts remembered per indicator        */
#define TI_HITS 8                 /* feed hits asked for per attribute     */
#define TI_DNS_SERVERS 1024       /* external DNS servers remembered       */

_Static_assert(TI_HIST == 8, "spread_prevalent_hosts' range ends at TI_HIST");

struct contact {                  /* (host, attribute): the last contact   */
    uint64_t last_us;
};

struct hist_ent {
    uint32_t idx, gen;            /* the host (index and generation)       */
    uint32_t first_s, last_s;     /* its first and latest contact, Unix s  */
    uint32_t uses;                /* contacts (intel_contact_gap spans)    */
};

struct hist {                     /* recent contacts with one indicator    */
    uint8_t  n;
    struct hist_ent e[TI_HIST];
};

struct dns_server {                /* an external address that answered DNS */
    uint32_t who;                 /* the first host it answered            */
    uint8_t  server;              /* a resolver or two hosts: a DNS server */
};

struct quota {                    /* new history entries a host made      */
    uint32_t hour;                /* this hour (packet time / 3600)        */
    uint32_t n;
};

struct lref {                     /* learnt-set index: key -> ring slot    */
    uint32_t slot, seq;
};

struct learnt {
    struct learned_ioc pub;
    uint64_t key;
    uint32_t seq;                 /* 0: empty slot                         */
    uint32_t idx, gen;            /* the first host                        */
    uint8_t  weak;                /* a fingerprint: never convicts         */
    uint8_t  listed;              /* a feed lists it: feeds match it       */
};

struct ti {
    struct detect_params p;
    ti_classify_fn classify;
    ti_touch_fn touch;
    void *ctx;
    intel_lookup_fn lookup;
    void *lctx;
    struct hkey key;
    struct lru_map *cache, *hist, *lmap, *dns, *quota;
    struct learnt *ring;
    uint32_t cap, head, count, seq;
    struct ti_stats st;
    struct intel_hit hits[TI_HITS];
};

static uint64_t us_of(double s)
{
    return (uint64_t)(s * 1e6);
}

struct ti *ti_create(const struct detect_params *p, ti_classify_fn classify,
                     ti_touch_fn touch, void *ctx, char *err, size_t errlen)
{
    struct ti *ti = calloc(1, sizeof(*ti));
    if (!ti) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    ti->p = *p;
    ti->classify = classify;
    ti->touch = touch;
    ti->ctx = ctx;
    hk_init(&ti->key);
    size_t hsize = (size_t)p->v[P_SPREAD_HISTORY_SIZE];
    ti->cap = (uint32_t)p->v[P_SPREAD_MAX_LEARNT];
    ti->cache = lru_create(hsize, sizeof(struct contact), err, errlen);
    ti->hist = ti->cache ? lru_create(hsize, sizeof(struct hist), err, errlen) : NULL;
    ti->lmap = ti->hist ? lru_create((size_t)ti->cap * 2, sizeof(struct lref), err, errlen) : NULL;
    ti->dns = ti->lmap ? lru_create(TI_DNS_SERVERS, sizeof(struct dns_server), err, errlen) : NULL;
    ti->quota = ti->dns ? lru_create(hsize / 8 + 64, sizeof(struct quota), err, errlen) : NULL;
    ti->ring = ti->quota ? calloc(ti->cap, sizeof(*ti->ring)) : NULL;
    if (!ti->ring) {
        if (ti->quota)
            snprintf(err, errlen, "out of memory (spread_max_learnt)");
        ti_destroy(ti);
        return NULL;
    }
    return ti;
}

void ti_set_params(struct ti *ti, const struct detect_params *p)
{
    ti->p = *p;
}

void ti_destroy(struct ti *ti)
{
    if (!ti)
        return;
    lru_destroy(ti->cache);
    lru_destroy(ti->hist);
    lru_destroy(ti->quota);
    lru_destroy(ti->lmap);
    lru_destroy(ti->dns);
    free(ti->ring);
    free(ti);
}

void ti_set_lookup(struct ti *ti, intel_lookup_fn fn, void *ctx)
{
    ti->lookup = fn;
    ti->lctx = ctx;
}

void ti_get_stats(const struct ti *ti, struct ti_stats *s)
{
    *s = ti->st;
}

/* ---- canonical forms ----------------------------------------------------- */

int ti_canon_host(const char *s, size_t n, struct ti_attr *out)
{
    memset(out, 0, sizeof(*out));
    if (n && s[n - 1] == '.')
        n--;
    int bracketed = n >= 2 && s[0] == '[' && s[n - 1] == ']';
    if (bracketed) {                                      /* [v6] */
        s++;
        n -= 2;
    }
    if (!n || n > 253)
        return IOC_NONE;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c >= 0x7f || c == '/' || c == '\\' || c == '"' || c == '@' ||
            c == '[' || c == ']')
            return IOC_NONE;
        out->v[i] = (char)tolower(c);
    }
    out->v[n] = '\0';
    out->len = (uint16_t)n;
    if (addr_parse(out->v, &out->ip) == 0 && (!bracketed || out->ip.family == 6)) {
        addr_format(&out->ip, out->v, sizeof(out->v));    /* canonical text */
        out->len = (uint16_t)strlen(out->v);
        out->type = IOC_IP;
        return IOC_IP;
    }
    memset(&out->ip, 0, sizeof(out->ip));
    if (bracketed || memchr(out->v, ':', n))
        return IOC_NONE;                                    /* host:port, junk */
    if (out->v[0] == '.' || out->v[n - 1] == '.' || strstr(out->v, ".."))
        return IOC_NONE;                                    /* an empty label */
    out->type = IOC_DOMAIN;
    return IOC_DOMAIN;
}

int ti_canon_hex(const char *s, size_t n, size_t digits, char *out, size_t outlen)
{
    size_t k = 0;
    if (outlen <= digits)
        return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ':')
            continue;
        if (!isxdigit(c) || k >= digits)
            return -1;
        out[k++] = (char)tolower(c);
    }
    if (k != digits)
        return -1;
    out[k] = '\0';
    return 0;
}

int ti_canon_url(const char *host, size_t hn, uint16_t port, const char *uri, size_t un,
                 char *out, size_t outlen)
{
    struct ti_attr h;
    /* absolute-form (RFC 9112 3.2.2): the target names its own host */
    if (un >= 7 && strncasecmp(uri, "http://", 7) == 0) {
        const char *a = uri + 7, *end = uri + un;
        const char *slash = memchr(a, '/', (size_t)(end - a));
        const char *hend = slash ? slash : end;
        const char *colon = NULL;
        if (hend > a && *a == '[') {
            const char *rb = memchr(a, ']', (size_t)(hend - a));
            if (rb && rb + 1 < hend && rb[1] == ':')
                colon = rb + 1;
        } else {
            colon = memchr(a, ':', (size_t)(hend - a));
        }
        port = 80;
        if (colon) {
            unsigned long v = 0;
            for (const char *c = colon + 1; c < hend; c++) {
                if (!isdigit((unsigned char)*c) || (v = v * 10 + (unsigned long)(*c - '0')) > 65535)
                    return -1;
            }
            port = (uint16_t)v;
        }
        host = a;
        hn = (size_t)((colon ? colon : hend) - a);
        uri = slash ? slash : "/";
        un = slash ? (size_t)(end - slash) : 1;
    }
    if (ti_canon_host(host, hn, &h) == IOC_NONE)
        return -1;
    char portbuf[8] = "";
    if (port && port != 80)
        snprintf(portbuf, sizeof(portbuf), ":%u", port);
    const char *lb = h.type == IOC_IP && h.ip.family == 6 ? "[" : "";
    const char *rb = *lb ? "]" : "";
    const char *sep = un && uri[0] == '/' ? "" : "/";
    int k = snprintf(out, outlen, "http://%s%s%s%s%s%.*s", lb, h.v, rb, portbuf, sep, (int)un, uri);
    if (k < 0 || (size_t)k >= outlen)
        return -1;
    for (int i = 0; i < k; i++)
        if ((unsigned char)out[i] <= 0x20 || (unsigned char)out[i] >= 0x7f)
            return -1;                            /* not what a URL is made of */
    return 0;
}

/* ---- attributes of events ----------------------------------------------- */

static int ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && strncasecmp(s + n - k, suffix, k) == 0;
}

int ti_from_query_name(const char *name, size_t len, struct ti_attr *out)
{
    /* reverse lookups name no destination */
    if (ends_with(name, len, ".arpa") || ends_with(name, len, ".arpa."))
        return 0;
    if (ti_canon_host(name, len, out) != IOC_DOMAIN)
        return 0;
    out->verb = TIV_QUERY;
    return 1;
}

int ti_from_answer(const struct sh_event *ev, struct ti_attr *out)
{
    const struct ev_dns *x = &ev->u.dns;
    int n = 0;
    if (!x->qr || x->rcode != 0 || !x->nq)
        return 0;
    const char *qn = ev_s(ev, x->q[0].name);
    for (int i = 0; i < x->nan && i < EV_DNS_MAX_AN && n < TI_ATTR_MAX; i++) {
        const struct ev_dns_rr *rr = &x->an[i];
        const char *data = ev_s(ev, rr->data);
        if (rr->type == 1 || rr->type == 28) {
            if (ti_canon_host(data, rr->data.len, &out[n]) != IOC_IP)
                continue;
            out[n].verb = TIV_ANSWER;
        } else if (rr->type == 5) {
            if (ti_canon_host(data, rr->data.len, &out[n]) != IOC_DOMAIN)
                continue;
            out[n].verb = TIV_CNAME;
        } else {
            continue;
        }
        out[n].ctx = qn;
        n++;
    }
    return n;
}

static int put_hex(struct ti_attr *a, int type, int verb, const char *s, size_t n, size_t digits)
{
    memset(a, 0, sizeof(*a));
    if (!n || ti_canon_hex(s, n, digits, a->v, sizeof(a->v)) < 0)
        return 0;
    a->type = (uint8_t)type;
    a->verb = (uint8_t)verb;
    a->len = (uint16_t)digits;
    return 1;
}

/* JA4/JA4S text (s[0..max), NUL-terminated inside): lower case, letters,
 * digits and '_' only */
static int put_ja4(struct ti_attr *a, int type, int verb, const char *s, size_t max)
{
    memset(a, 0, sizeof(*a));
    size_t n = strnlen(s, max);
    if (n == max)
        return 0;
    if (n < 7)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!isalnum(c) && c != '_')
            return 0;
        a->v[i] = (char)tolower(c);
    }
    a->v[n] = '\0';
    a->type = (uint8_t)type;
    a->verb = (uint8_t)verb;
    a->len = (uint16_t)n;
    return 1;
}

int ti_from_tls(const struct sh_event *ev, struct ti_attr *out)
{
    const struct ev_tls *t = &ev->u.tls;
    int n = 0;
    if (t->sni.len) {
        int ty = ti_canon_host(ev_s(ev, t->sni), t->sni.len, &out[n]);
        if (ty != IOC_NONE) {
            out[n].verb = t->quic ? TIV_QUIC_SNI : TIV_SNI;
            n++;
        }
    }
    n += put_hex(&out[n], IOC_JA3, TIV_CLIENT_FP, t->ja3_hash, strnlen(t->ja3_hash, 33), 32);
    n += put_ja4(&out[n], IOC_JA4, TIV_CLIENT_FP, t->ja4, sizeof(t->ja4));
    n += put_hex(&out[n], IOC_JA3S, TIV_SERVER_FP, t->ja3s_hash, strnlen(t->ja3s_hash, 33), 32);
    n += put_ja4(&out[n], IOC_JA4S, TIV_SERVER_FP, t->ja4s, sizeof(t->ja4s));
    n += put_hex(&out[n], IOC_CERT_SHA1, TIV_CERT, ev_s(ev, t->fingerprint), t->fingerprint.len,
                 40);
    n += put_hex(&out[n], IOC_CERT_SHA256, TIV_CERT, ev_s(ev, t->fingerprint_sha256),
                 t->fingerprint_sha256.len, 64);
    return n;
}

int ti_from_http(const struct sh_event *ev, struct ti_attr *out)
{
    const struct ev_http *x = &ev->u.http;
    int n = 0;
    const char *host = ev_s(ev, x->host);
    size_t hn = x->host.len;
    if (hn && ti_canon_host(host, hn, &out[n]) != IOC_NONE) {
        out[n].verb = TIV_HTTP_HOST;
        n++;
    }
    if (x->uri.len) {
        char hb[64];
        if (!hn) {                 /* no Host: the address it went to */
            addr_format(&ev->dst, hb, sizeof(hb));
            host = hb;
            hn = strlen(hb);
        }
        memset(&out[n], 0, sizeof(out[n]));
        uint16_t port = x->host_port ? x->host_port : ev->dport;
        if (ti_canon_url(host, hn, port, ev_s(ev, x->uri), x->uri.len, out[n].v,
                         sizeof(out[n].v)) == 0) {
            out[n].type = IOC_URL;
            out[n].verb = TIV_URL;
            out[n].len = (uint16_t)strlen(out[n].v);
            n++;
        }
    }
    return n;
}

int ti_from_dest(const struct sh_addr *dst, struct ti_attr *out)
{
    memset(out, 0, sizeof(*out));
    if (dst->family != 4 && dst->family != 6)
        return 0;
    out->type = IOC_IP;
    out->verb = TIV_DEST;
    out->ip = *dst;
    addr_format(dst, out->v, sizeof(out->v));
    out->len = (uint16_t)strlen(out->v);
    return 1;
}

/* ---- explanations ----------------------------------------------------------- */

static int fingerprint_type(int type)
{
    return type == IOC_JA3 || type == IOC_JA4 || type == IOC_JA3S || type == IOC_JA4S;
}

static const char *hash_name(int type)
{
    switch (type) {
    case IOC_JA3: return "JA3";
    case IOC_JA4: return "JA4";
    case IOC_JA3S: return "JA3S";
    case IOC_JA4S: return "JA4S";
    case IOC_CERT_SHA1: return "SHA-1";
    case IOC_CERT_SHA256: return "SHA-256";
    default: return "";
    }
}

static void verb_text(const struct ti_attr *a, char *buf, size_t n)
{
    switch (a->verb) {
    case TIV_QUERY: snprintf(buf, n, "queried %.120s", a->v); break;
    case TIV_ANSWER: snprintf(buf, n, "was answered %.60s for %.80s", a->v, a->ctx ? a->ctx : "?"); break;
    case TIV_CNAME: snprintf(buf, n, "was answered alias %.80s for %.60s", a->v, a->ctx ? a->ctx : "?"); break;
    case TIV_SNI: snprintf(buf, n, "named %.120s in TLS SNI", a->v); break;
    case TIV_QUIC_SNI: snprintf(buf, n, "named %.120s in QUIC SNI", a->v); break;
    case TIV_HTTP_HOST: snprintf(buf, n, "sent HTTP Host %.120s", a->v); break;
    case TIV_URL: snprintf(buf, n, "requested %.140s", a->v); break;
    case TIV_DEST: snprintf(buf, n, "connected to %.60s", a->v); break;
    case TIV_CERT: snprintf(buf, n, "was served a certificate with %s %.64s", hash_name(a->type), a->v); break;
    case TIV_CLIENT_FP: snprintf(buf, n, "sent a ClientHello with %s %.40s", hash_name(a->type), a->v); break;
    case TIV_SERVER_FP: snprintf(buf, n, "reached a server answering with %s %.40s", hash_name(a->type), a->v); break;
    default: snprintf(buf, n, "used %.120s", a->v); break;
    }
}

/* ---- keys -------------------------------------------------------------------- */

static uint64_t attr_key(const struct ti *ti, int type, const char *v, size_t n)
{
    char b[EVIDENCE_IOC_MAX + 1];
    if (n > EVIDENCE_IOC_MAX - 1)
        n = EVIDENCE_IOC_MAX - 1;
    b[0] = (char)type;
    memcpy(b + 1, v, n);
    return hk_bytes(&ti->key, b, n + 1);
}

static uint64_t contact_key(const struct ti *ti, uint32_t idx, uint32_t gen, uint64_t akey)
{
    uint64_t k[2] = { ((uint64_t)idx << 32) | gen, akey };
    return hk_bytes(&ti->key, k, sizeof(k));
}

static uint64_t addr_key(const struct ti *ti, const struct sh_addr *a)
{
    uint8_t k[17];
    memcpy(k, a->a, 16);
    k[16] = a->family;
    return hk_bytes(&ti->key, k, sizeof(k));
}

static struct learnt *learnt_find(struct ti *ti, uint64_t key, uint64_t now);

static uint64_t ip_key(const struct ti *ti, const struct sh_addr *addr, char *text, size_t len)
{
    addr_format(addr, text, len);
    return attr_key(ti, IOC_IP, text, strlen(text));
}

int ti_note_dns_answer(struct ti *ti, const struct sh_addr *addr, uint32_t who, int resolver)
{
    struct dns_server *s = lru_get(ti->dns, addr_key(ti, addr), 1, NULL);
    if (s->server)
        return 0;
    if (!resolver && (!s->who || s->who == who)) {
        s->who = who;
        return 0;
    }
    s->server = 1;
    char text[64];
    return ti->count && learnt_find(ti, ip_key(ti, addr, text, sizeof(text)), 0) ? 1 : 0;
}

int ti_forget_ip(struct ti *ti, const struct sh_addr *addr, uint64_t now, char *value,
                 size_t len)
{
    char text[64];
    (void)now;
    struct learnt *L = learnt_find(ti, ip_key(ti, addr, text, sizeof(text)), 0);
    if (!L)
        return 0;
    snprintf(value, len, "%s", L->pub.value);
    L->pub.expires_us = 0;                 /* forgotten: never listed again */
    ti->st.learnt_forgotten++;
    return 1;
}

void ti_note_dns_server(struct ti *ti, const struct sh_addr *addr)
{
    struct dns_server *s = lru_get(ti->dns, addr_key(ti, addr), 1, NULL);
    s->server = 1;
}

static int dns_server(const struct ti *ti, const struct sh_addr *addr)
{
    const struct dns_server *s = lru_peek(ti->dns, addr_key(ti, addr));
    return s && s->server;
}

/* ---- evidence ----------------------------------------------------------------- */

static void set_ioc(struct evidence *e, const struct ti_attr *a)
{
    e->ioc_type = a->type;
    snprintf(e->ioc, sizeof(e->ioc), "%s", a->v);
}

/* The strongest of n hits (weight x confidence); the others are named by count. */
static void raise_feed(struct ti *ti, struct host_table *ht, struct host *h,
                       const struct ti_attr *a, int n, uint64_t now, struct host_touched *t)
{
    const struct intel_hit *best = &ti->hits[0];
    for (int i = 1; i < n; i++)
        if (ti->hits[i].weight * ti->hits[i].confidence > best->weight * best->confidence)
            best = &ti->hits[i];
    int fp = fingerprint_type(a->type);
    int kind = fp ? EVK_IOC_FINGERPRINT : EVK_IOC_MATCH;
    double conf = clamp01(best->confidence), w = best->weight > 0 ? best->weight : 0;
    if (fp) {
        double cap = fmin(ti->p.v[P_IOC_FINGERPRINT_MAX_CONFIDENCE],
                          ti->p.v[P_STANDALONE_CONFIDENCE] - 0.01);
        conf = fmin(conf, fmax(cap, 0));
    }
    char ind[EVIDENCE_INDICATOR_MAX];
    snprintf(ind, sizeof(ind), "%.*s", (int)strnlen(best->entry, sizeof(best->entry)), best->entry);
    struct evidence *e = host_evidence_keyed(ht, h, kind, ind, w * conf > 0 ? w * conf : 1e-9);
    if (!e)
        return;
    if (!e->active) {
        e->first_us = now;
        e->count = 0;
    }
    e->active = 1;
    e->weight = w;
    e->confidence = conf;
    if (now > e->last_us)
        e->last_us = now;
    e->count++;
    set_ioc(e, a);
    char verb[200], others[40] = "";
    verb_text(a, verb, sizeof(verb));
    if (n > 1)
        snprintf(others, sizeof(others), "; and by %d other feed%s", n - 1, n > 2 ? "s" : "");
    const char *reason = best->reason[0] ? best->reason : "";
    snprintf(e->explanation, sizeof(e->explanation), "%s (listed by feed '%.32s' as '%.100s'%s%.80s%s)%s",
             verb, best->feed, best->entry, reason[0] ? ": " : "", reason, others,
             fp ? "; browsers and other clients built alike share fingerprints: this never "
                  "flags a host alone" : "");
    if (fp)
        ti->st.fingerprints++;
    else
        ti->st.ioc_matches++;
    host_touched_add(t, ht, h);
}

static double shared_confidence(const struct ti *ti, uint32_t contacts, int weak)
{
    /* Never standalone: the indicator is whatever the convicted host
     * chose to be convicted with (the LAN lies), so however many contacts
     * a host had with it, shared_c2 flags only beside evidence of the
     * host's own from another source. */
    double cap = fmax(ti->p.v[P_STANDALONE_CONFIDENCE] - 0.01, 0);
    double lo = fmin(ti->p.v[P_SPREAD_MIN_CONFIDENCE], cap);
    double full = ti->p.v[P_SPREAD_FULL_CONTACTS], top = fmin(0.9, cap);
    if (weak || lo >= top)
        return lo;
    double f = contacts <= 1 ? 0 : clamp01((contacts - 1) / (full - 1));
    return lo + (top - lo) * f;
}

static const char *indicator_noun(const struct learnt *L)
{
    if (L->weak)
        return "TLS fingerprint";
    switch (L->pub.type) {
    case IOC_IP: return "C2 address";
    case IOC_DOMAIN: return "C2 name";
    case IOC_URL: return "C2 URL";
    default: return "C2 certificate";
    }
}

/* h contacted L's indicator (contacts more times, the latest at
 * contact_us; `what` says how); shared_c2 dated `dated_us`. */
static int raise_shared(struct ti *ti, struct host_table *ht, struct host *h,
                        struct learnt *L, const char *what, int used_type, const char *used,
                        uint32_t contacts, uint64_t contact_us, uint64_t dated_us)
{
    double w = L->weak ? ti->p.v[P_SPREAD_FINGERPRINT_WEIGHT] : ti->p.v[P_SPREAD_WEIGHT];
    char ind[EVIDENCE_INDICATOR_MAX];
    snprintf(ind, sizeof(ind), "%s", L->pub.value);
    double lo = ti->p.v[P_SPREAD_MIN_CONFIDENCE];
    struct evidence *e = host_evidence_keyed(ht, h, EVK_SHARED_C2, ind,
                                             w * lo > 0 ? w * lo : 1e-9);
    if (!e)
        return 0;
    if (!e->active) {
        e->first_us = contact_us;
        e->count = 0;
        L->pub.hosts++;
    }
    e->active = 1;
    e->count += contacts;
    e->weight = w;
    e->confidence = shared_confidence(ti, e->count, L->weak);
    if (dated_us > e->last_us)
        e->last_us = dated_us;
    e->ioc_type = (uint8_t)used_type;
    snprintf(e->ioc, sizeof(e->ioc), "%s", used);
    e->peer = L->pub.first_host;
    char first[64], span[32];
    addr_format(&L->pub.first_host, first, sizeof(first));
    uint64_t a = contact_us, b = L->pub.learnt_us;
    evidence_duration_text((double)(a > b ? a - b : b - a) / 1e6, span, sizeof(span));
    snprintf(e->explanation, sizeof(e->explanation),
             "%s (%u contact%s), the %s behind %s's conviction (%s: %.110s), %s %s it%s",
             what, e->count, e->count == 1 ? "" : "s", indicator_noun(L), first,
             evidence_kind_name(L->pub.evidence_kind), L->pub.explanation, span,
             a >= b ? "after" : "before",
             L->weak ? "; a fingerprint never flags a host" : "");
    return 1;
}

/* ---- the learnt set ------------------------------------------------------------ */

static struct learnt *learnt_find(struct ti *ti, uint64_t key, uint64_t now)
{
    struct lref *r = lru_peek(ti->lmap, key);
    if (!r)
        return NULL;
    struct learnt *L = &ti->ring[r->slot];
    if (L->seq != r->seq || L->key != key || L->pub.expires_us <= now)
        return NULL;
    return L;
}

/* The learnt indicator a attribute matches: exact, or for a name, the
 * name or one of its parents (a learnt name covers its subdomains). */
static struct learnt *learnt_match(struct ti *ti, const struct ti_attr *a, uint64_t now)
{
    if (a->type != IOC_DOMAIN)
        return learnt_find(ti, attr_key(ti, a->type, a->v, a->len), now);
    for (size_t off = 0; off < a->len;) {
        struct learnt *L = learnt_find(ti, attr_key(ti, IOC_DOMAIN, a->v + off, a->len - off), now);
        if (L)
            return L;
        const char *dot = memchr(a->v + off, '.', a->len - off);
        if (!dot)
            break;
        off = (size_t)(dot - a->v) + 1;
    }
    return NULL;
}

static struct learnt *learnt_add(struct ti *ti, uint64_t key, uint64_t now)
{
    struct learnt *L = &ti->ring[ti->head];
    if (L->seq) {
        struct lref *r = lru_peek(ti->lmap, L->key);
        if (r && r->slot == ti->head && r->seq == L->seq)
            lru_remove(ti->lmap, r);
        if (L->pub.expires_us > now)
            ti->st.learnt_evicted++;
    }
    memset(L, 0, sizeof(*L));
    L->seq = ++ti->seq;
    L->key = key;
    struct lref *r = lru_get(ti->lmap, key, 1, NULL);
    r->slot = ti->head;
    r->seq = L->seq;
    ti->head = (ti->head + 1) % ti->cap;
    if (ti->count < ti->cap)
        ti->count++;
    return L;
}

void ti_shift_learned(struct ti *ti, int64_t delta)
{
    for (uint32_t i = 0; delta && i < ti->cap; i++) {
        struct learnt *L = &ti->ring[i];
        if (!L->seq)
            continue;
        L->pub.learnt_us = host_time_shift(L->pub.learnt_us, delta);
        L->pub.expires_us = host_time_shift(L->pub.expires_us, delta);
    }
}

int ti_learned(struct ti *ti, uint64_t now, intel_learned_fn fn, void *ctx)
{
    int n = 0;
    uint32_t start = (ti->head + ti->cap - ti->count) % ti->cap;
    for (uint32_t i = 0; i < ti->count; i++) {
        const struct learnt *L = &ti->ring[(start + i) % ti->cap];
        if (!L->seq || L->pub.expires_us <= now)
            continue;
        if (fn)
            fn(ctx, &L->pub);
        n++;
    }
    return n;
}

/* ---- matching ------------------------------------------------------------------- */

/* May host (idx, gen) start the history of one more attribute this hour?
 * A host flooding unique names would otherwise push every other host's
 * contacts out of the bounded history (no shared_c2 for them) and empty
 * the counts that keep a shared service from being learnt. */
static int quota_take(struct ti *ti, uint32_t idx, uint32_t gen, uint64_t now)
{
    struct { uint32_t idx, gen; } k = { idx, gen };
    struct quota *q = lru_get(ti->quota, hk_bytes(&ti->key, &k, sizeof(k)), 1, NULL);
    uint32_t hour = (uint32_t)(now / 3600000000ULL);
    if (q->hour != hour) {
        q->hour = hour;
        q->n = 0;
    }
    if (q->n >= (uint32_t)ti->p.v[P_SPREAD_HISTORY_HOST_RATE]) {
        ti->st.history_quota_refused++;
        return 0;
    }
    q->n++;
    return 1;
}

static void record(struct ti *ti, uint64_t akey, uint32_t idx, uint32_t gen, uint64_t now)
{
    struct hist *hs = lru_peek(ti->hist, akey);
    if (!hs) {
        if (!quota_take(ti, idx, gen, now))
            return;
        hs = lru_get(ti->hist, akey, 1, NULL);
    }
    uint32_t s = (uint32_t)(now / 1000000);
    int oldest = 0;
    ti->st.recorded++;
    for (int i = 0; i < hs->n; i++) {
        if (hs->e[i].idx == idx && hs->e[i].gen == gen) {
            hs->e[i].last_s = s;
            if (hs->e[i].uses < UINT32_MAX)
                hs->e[i].uses++;
            return;
        }
        if (hs->e[i].last_s < hs->e[oldest].last_s)
            oldest = i;
    }
    int i = hs->n < TI_HIST ? hs->n++ : oldest;
    if (i == oldest && hs->n == TI_HIST && hs->e[i].uses)
        ti->st.history_evicted++;
    hs->e[i] = (struct hist_ent){ idx, gen, s, s, 1 };
}

void ti_used(struct ti *ti, struct host_table *ht, struct host *h, int shadow,
             const struct ti_attr *a, int n, uint64_t now, struct host_touched *t)
{
    uint32_t idx = host_index(ht, h), gen = h->gen;
    uint64_t gap = us_of(ti->p.v[P_INTEL_CONTACT_GAP]);
    for (int i = 0; i < n; i++) {
        ti->st.attrs++;
        int cls = ti->classify(ti->ctx, &a[i]);
        if (cls == TI_SKIP)
            continue;
        uint64_t akey = attr_key(ti, a[i].type, a[i].v, a[i].len);
        int created;
        struct contact *c = lru_get(ti->cache, contact_key(ti, idx, gen, akey), 1, &created);
        if (!created && now < c->last_us + gap) {
            ti->st.cached++;
            continue;
        }
        c->last_us = now;
        if (ti->lookup) {
            ti->st.lookups++;
            const struct sh_addr *ip = a[i].type == IOC_IP ? &a[i].ip : NULL;
            int k = ti->lookup(ti->lctx, a[i].type, a[i].v, a[i].len, ip, ti->hits, TI_HITS);
            if (k > TI_HITS)
                k = TI_HITS;
            if (k > 0) {
                ti->st.hits++;
                raise_feed(ti, ht, h, &a[i], k, now, t);
            }
        }
        if (shadow || cls == TI_BENIGN)
            continue;
        struct learnt *L = learnt_match(ti, &a[i], now);
        if (L && !L->listed && !(L->idx == idx && L->gen == gen)) {
            char what[200];
            verb_text(&a[i], what, sizeof(what));
            if (raise_shared(ti, ht, h, L, what, a[i].type, a[i].v, 1, now, now)) {
                ti->st.shared_forward++;
                host_touched_add(t, ht, h);
            }
        }
        record(ti, akey, idx, gen, now);
    }
}

/* ---- learning --------------------------------------------------------------------- */

int ti_convicted_alone(const struct ti *ti, const struct host_table *ht,
                       const struct host *h, uint64_t now)
{
    const double *v = ti->p.v;
    double cut = v[P_SOURCE_MIN_FRACTION] * v[P_SCORE_THRESHOLD];
    double score = 0, maxconf = 0;
    unsigned src = 0;
    for (int k = 0; k < HOST_EV_MAX; k++) {
        const struct evidence *e = host_evidence_at(ht, h, k);
        if (!e || !e->active || evidence_kind_source(e->kind) == SRC_SPREAD)
            continue;
        double val = evidence_value(e, now, v[P_HALF_LIFE]);
        score += val;
        if (val >= cut) {
            src |= 1u << evidence_kind_source(e->kind);
            if (e->confidence > maxconf)
                maxconf = e->confidence;
        }
    }
    return evidence_verdict(0, score, maxconf, __builtin_popcount(src), v[P_SCORE_THRESHOLD],
                            v[P_SCORE_CLEAR], v[P_STANDALONE_CONFIDENCE]);
}

/* Hosts in the history of akey (within the window, h excepted) get
 * shared_c2 for L at once. */
static void spread_back(struct ti *ti, struct host_table *ht, struct learnt *L, uint64_t akey,
                        uint64_t now)
{
    struct hist *hs = lru_peek(ti->hist, akey);
    uint32_t since = (uint32_t)((now - (now > us_of(ti->p.v[P_SPREAD_HISTORY_WINDOW]) ?
                                        us_of(ti->p.v[P_SPREAD_HISTORY_WINDOW]) : now)) / 1000000);
    for (int i = 0; hs && i < hs->n; i++) {
        const struct hist_ent *x = &hs->e[i];
        if (x->last_s < since || (x->idx == L->idx && x->gen == L->gen))
            continue;
        struct host *o = host_at(ht, x->idx, x->gen);
        if (!o)
            continue;
        char what[200];
        snprintf(what, sizeof(what), "%s %.140s",
                 L->pub.type == IOC_DOMAIN ? "used" : L->pub.type == IOC_IP ? "contacted" :
                 L->pub.type == IOC_URL ? "requested" : "used", L->pub.value);
        if (raise_shared(ti, ht, o, L, what, L->pub.type, L->pub.value, x->uses,
                         (uint64_t)x->last_s * 1000000, now)) {
            ti->st.shared_retro++;
            ti->touch(ti->ctx, o);
        }
    }
}

/* Hosts (other than h) that used akey within the history window. */
static int users(struct ti *ti, uint64_t akey, uint64_t now)
{
    struct hist *hs = lru_peek(ti->hist, akey);
    uint64_t win = us_of(ti->p.v[P_SPREAD_HISTORY_WINDOW]);
    uint32_t since = (uint32_t)((now > win ? now - win : 0) / 1000000);
    int n = 0;
    for (int i = 0; hs && i < hs->n; i++)
        n += hs->e[i].last_s >= since;
    return n;
}

int ti_learn_from(struct ti *ti, struct host_table *ht, struct host *h, uint64_t now)
{
    const double *v = ti->p.v;
    double cut = v[P_SOURCE_MIN_FRACTION] * v[P_SCORE_THRESHOLD];
    int learnt = 0, checked = 0;
    for (int k = 0; k < HOST_EV_MAX; k++) {
        const struct evidence *e = host_evidence_at(ht, h, k);
        if (!e || !e->active || e->ioc_type == IOC_NONE || e->ioc_type >= IOC_TYPE_MAX ||
            !e->ioc[0] || evidence_kind_source(e->kind) == SRC_SPREAD ||
            e->confidence < v[P_SPREAD_LEARN_MIN_CONFIDENCE] ||
            evidence_value(e, now, v[P_HALF_LIFE]) < cut)
            continue;
        size_t len = strnlen(e->ioc, sizeof(e->ioc));
        uint64_t akey = attr_key(ti, e->ioc_type, e->ioc, len);
        if (learnt_find(ti, akey, now))
            continue;                        /* already learnt: the first host keeps it */
        /* refused a moment ago: judged again after intel_contact_gap */
        struct contact *rc = lru_peek(ti->cache, contact_key(ti, UINT32_MAX, 0, akey));
        if (rc && now < rc->last_us + us_of(v[P_INTEL_CONTACT_GAP]))
            continue;
        if (!checked++ && !ti_convicted_alone(ti, ht, h, now)) {
            ti->st.learn_refused_spread_only++;
            return 0;
        }
        struct ti_attr a;
        memset(&a, 0, sizeof(a));
        a.type = e->ioc_type;
        memcpy(a.v, e->ioc, len);
        a.len = (uint16_t)len;
        if (a.type == IOC_IP && addr_parse(a.v, &a.ip) != 0)
            continue;
        int cls = ti->classify(ti->ctx, &a);
        if (cls == TI_PLAIN && a.type == IOC_IP && dns_server(ti, &a.ip))
            cls = TI_INFRA;                  /* a DNS server that answered hosts */
        int refused = 1;
        if (cls == TI_BENIGN || cls == TI_SKIP)
            ti->st.learn_refused_benign++;
        else if (cls == TI_INFRA)
            ti->st.learn_refused_infra++;
        else if (users(ti, akey, now) >= (int)v[P_SPREAD_PREVALENT_HOSTS])
            ti->st.learn_refused_prevalent++;
        else
            refused = 0;
        if (refused) {
            struct contact *c = lru_get(ti->cache, contact_key(ti, UINT32_MAX, 0, akey), 1, NULL);
            c->last_us = now;
            continue;
        }
        struct learnt *L = learnt_add(ti, akey, now);
        L->pub.type = a.type;
        snprintf(L->pub.value, sizeof(L->pub.value), "%s", a.v);
        L->pub.first_host = h->ip;
        L->pub.evidence_kind = e->kind;
        snprintf(L->pub.explanation, sizeof(L->pub.explanation), "%s", e->explanation);
        L->pub.learnt_us = now;
        L->pub.expires_us = now + us_of(v[P_SPREAD_TTL]);
        L->pub.hosts = 1;
        L->idx = host_index(ht, h);
        L->gen = h->gen;
        L->weak = (uint8_t)fingerprint_type(a.type);
        L->listed = e->kind == EVK_IOC_MATCH || e->kind == EVK_IOC_FINGERPRINT;
        ti->st.learnt++;
        learnt++;
        if (!L->listed)
            spread_back(ti, ht, L, akey, now);
    }
    return learnt;
}

/* ---- restoring a snapshot ------------------------------------------------ */

int ti_restore_learned(struct ti *ti, struct host_table *ht, const struct learned_ioc *l,
                       uint64_t now)
{
    if (l->type == IOC_NONE || l->type >= IOC_TYPE_MAX || !l->value[0] ||
        l->expires_us <= now || l->evidence_kind >= EVK_MAX)
        return 0;
    size_t len = strnlen(l->value, sizeof(l->value));
    if (len >= sizeof(l->value))
        return 0;
    uint64_t akey = attr_key(ti, l->type, l->value, len);
    if (learnt_find(ti, akey, now))
        return 0;
    struct learnt *L = learnt_add(ti, akey, now);
    L->pub = *l;
    L->pub.value[sizeof(L->pub.value) - 1] = '\0';
    L->pub.explanation[sizeof(L->pub.explanation) - 1] = '\0';
    L->idx = HOST_NONE;
    L->gen = 0;
    struct host *h = host_get(ht, &l->first_host, 0, 0);
    if (h) {
        L->idx = host_index(ht, h);
        L->gen = h->gen;
    }
    L->weak = (uint8_t)fingerprint_type(l->type);
    L->listed = l->evidence_kind == EVK_IOC_MATCH || l->evidence_kind == EVK_IOC_FINGERPRINT;
    return 1;
}

