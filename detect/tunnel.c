/*
 * tunnel.c -- DNS tunnel detection per (host, zone) and per zone.  See
 * tunnel.h.
 *
 * Each tracked entry keeps a ring of the TQ_KEEP most recently new
 * distinct encoded parts (a 32-bit keyed fingerprint each, so a sender
 * cannot choose names that collapse into one), with the second they were
 * last asked.  Window statistics are a scan of the ring: exact counts, no
 * sketch error, no reset -- an entry simply ages out of a window.
 */
#include "tunnel.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../capture/hash.h"
#include "../config/cidr.h"
#include "lru.h"

#define TQ_KEEP 256
#define ZONE_HOSTS 8
#define NONE32 UINT32_MAX

struct tq {
    uint32_t fp;                  /* keyed fingerprint, never 0          */
    uint32_t t_s;                 /* last asked, Unix seconds            */
    uint8_t  len;                 /* encoded characters (dots excluded)  */
    uint8_t  ent;                 /* entropy x 16                        */
    uint8_t  rare;                /* TXT, NULL, CNAME, MX or ANY         */
    uint8_t  hits;                /* times asked (saturating)            */
};

struct zstat {
    uint32_t host_idx, host_gen;  /* NONE32: a zone entry (all hosts)    */
    uint16_t n, next;             /* ring fill and next slot             */
    uint8_t  popular;
    uint8_t  nhosts;              /* zone entries: contributing hosts    */
    uint32_t hidx[ZONE_HOSTS], hgen[ZONE_HOSTS], hlast[ZONE_HOSTS];
    uint16_t hnew[ZONE_HOSTS];    /* distinct names each brought         */
    uint64_t queries;
    char     zone[96];
    char     example[112];
    struct tq q[TQ_KEEP];
};

struct tunnel {
    struct lru_map *map;          /* (host, zone)                        */
    struct lru_map *zones;        /* zone, all hosts                     */
    const struct dga_model *model;
    const struct domain_ctx *dom;
    tunnel_prevalent_fn prevalent;
    void *prev_ctx;
    struct tunnel_stats st;
    struct hkey key;
};

static double zweight(const void *it)
{
    return ((const struct zstat *)it)->n;
}

struct tunnel *tunnel_create(size_t capacity, const struct dga_model *m,
                             const struct domain_ctx *d, tunnel_prevalent_fn prevalent,
                             void *ctx, char *err, size_t errlen)
{
    struct tunnel *t = calloc(1, sizeof(*t));
    if (!t) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    t->map = lru_create(capacity, sizeof(struct zstat), err, errlen);
    t->zones = t->map ? lru_create(capacity / 8 ? capacity / 8 : 1, sizeof(struct zstat),
                                   err, errlen) : NULL;
    if (!t->zones) {
        tunnel_destroy(t);
        return NULL;
    }
    lru_set_weight(t->map, zweight);
    lru_set_weight(t->zones, zweight);
    t->model = m;
    t->dom = d;
    t->prevalent = prevalent;
    t->prev_ctx = ctx;
    hk_init(&t->key);
    return t;
}

void tunnel_destroy(struct tunnel *t)
{
    if (!t)
        return;
    lru_destroy(t->map);
    lru_destroy(t->zones);
    free(t);
}

double tunnel_entropy(const uint8_t *s, size_t n)
{
    unsigned cnt[256] = { 0 };
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.')
            continue;
        cnt[s[i]]++;
        used++;
    }
    if (!used)
        return 0;
    double h = 0;
    for (int c = 0; c < 256; c++) {
        if (!cnt[c])
            continue;
        double q = (double)cnt[c] / (double)used;
        h -= q * log2(q);
    }
    return h;
}

static int clean_char(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '_';
}

int tunnel_zone(const struct domain_ctx *d, const char *name, size_t len,
                char *buf, size_t buflen, size_t *prefix_len)
{
    const uint8_t *s = (const uint8_t *)name;
    size_t start = len;     /* start of the clean right-hand part */
    int labels = 0;
    size_t i = len;

    /* walk labels from the right while they are clean */
    while (i > 0) {
        size_t end = i, j = i;
        while (j > 0 && s[j - 1] != '.')
            j--;
        if (j == end)
            break;                      /* empty label */
        int ok = 1;
        for (size_t k = j; k < end; k++)
            if (!clean_char(s[k])) { ok = 0; break; }
        if (!ok)
            break;
        start = j;
        labels++;
        if (j == 0)
            break;
        i = j - 1;                      /* skip the dot */
    }
    if (labels < 2)
        return -1;

    /* the last label must look like a TLD (2..12 letters) unless the PSL
     * knows it: dnscat2's "dnscat.<hex>.<hex>" has no zone of its own */
    size_t tl_start = len;
    while (tl_start > 0 && s[tl_start - 1] != '.')
        tl_start--;
    size_t tl = len - tl_start;
    int tld_word = tl >= 2 && tl <= 12;
    for (size_t k = tl_start; k < len && tld_word; k++)
        if (!((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z')))
            tld_word = 0;

    /* the zone is the registrable domain of the clean part; labels the
     * PSL code refuses (underscores of _domainkey, _tcp ...) are dropped
     * from the left until it accepts the rest */
    struct domain_parts parts;
    int ok = 0;
    for (size_t st = start;;) {
        if (domain_split(d, name + st, len - st, &parts) == 0) {
            ok = 1;
            break;
        }
        const char *dot = memchr(name + st, '.', len - st);
        if (!dot || --labels < 2)
            break;
        st = (size_t)(dot - name) + 1;
    }
    if (!ok) {
        /* names the PSL code will not split (reserved TLDs such as
         * .example or .internal): the last two labels, if the TLD is a word */
        if (!tld_word)
            return -1;
        size_t k = tl_start - 1;            /* the dot before the TLD */
        while (k > 0 && s[k - 1] != '.')
            k--;
        size_t zl2 = len - k;
        if (zl2 >= buflen || zl2 >= sizeof(parts.regdomain))
            return -1;
        for (size_t q = 0; q < zl2; q++) {
            uint8_t c = s[k + q];
            buf[q] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        }
        buf[zl2] = '\0';
        *prefix_len = k ? k - 1 : 0;
        return 0;
    }
    if (!parts.known_suffix && !tld_word)
        return -1;
    size_t zl = strlen(parts.regdomain);
    if (zl >= buflen || zl > len)
        return -1;
    memcpy(buf, parts.regdomain, zl + 1);
    *prefix_len = len > zl ? len - zl - 1 : 0;
    return 0;
}

static void printable(const char *s, size_t n, char *out, size_t outlen)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 5 < outlen; i++) {
        uint8_t c = (uint8_t)s[i];
        if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\')
            out[o++] = (char)c;
        else
            o += (size_t)snprintf(out + o, outlen - o, "\\x%02x", c);
    }
    out[o] = '\0';
}

struct wstat {
    uint32_t uniq, queries, rare;
    uint64_t bytes;
    double   mlen, ment;
};

/* Exact statistics of the names asked within the last window_s seconds. */
static void window_stats(const struct zstat *z, uint32_t now_s, uint32_t window_s,
                         struct wstat *w)
{
    double sl = 0, se = 0;
    memset(w, 0, sizeof(*w));
    for (uint32_t i = 0; i < z->n; i++) {
        const struct tq *q = &z->q[i];
        if (q->t_s + window_s < now_s)
            continue;
        w->uniq++;
        w->queries += q->hits;
        w->rare += q->rare;
        w->bytes += q->len;
        sl += q->len;
        se += q->ent / 16.0;
    }
    if (w->uniq) {
        w->mlen = sl / w->uniq;
        w->ment = se / w->uniq;
    }
}

/* Confidence that z is a tunnel over one window (0: not one). */
static double window_conf(const struct wstat *w, double min_unique, double full_unique,
                          int popular, const struct detect_params *p)
{
    double rare = w->uniq ? (double)w->rare / w->uniq : 0;
    if (w->uniq < min_unique || (double)w->bytes < p->v[P_TUNNEL_MIN_BYTES])
        return 0;
    /* the encoded part must be long and random; a TXT/NULL-heavy channel
     * may use shorter names */
    double min_len = p->v[P_TUNNEL_MIN_LABEL_LEN] * (rare >= 0.5 ? 0.6 : 1.0);
    if (w->mlen < min_len || w->ment < p->v[P_TUNNEL_MIN_ENTROPY])
        return 0;
    double frac = full_unique > min_unique ? clamp01((w->uniq - min_unique) /
                                                     (full_unique - min_unique)) : 1;
    double conf = 0.55 + 0.3 * frac + (rare >= 0.5 ? 0.1 : 0) +
                  (w->mlen >= 2 * p->v[P_TUNNEL_MIN_LABEL_LEN] ? 0.05 : 0);
    if (popular)
        conf *= p->v[P_TUNNEL_POPULAR_FACTOR];
    return clamp01(conf);
}

struct verdict_z {
    double conf;
    int    longw;                 /* the long horizon decided            */
    struct wstat w;
    uint32_t window_s;
};

static void evaluate(const struct zstat *z, uint32_t now_s, const struct detect_params *p,
                     struct verdict_z *v)
{
    struct wstat ws, wl;
    uint32_t sw = (uint32_t)p->v[P_TUNNEL_WINDOW], lw = (uint32_t)p->v[P_TUNNEL_LONG_WINDOW];
    window_stats(z, now_s, sw, &ws);
    window_stats(z, now_s, lw, &wl);
    double cs = window_conf(&ws, p->v[P_TUNNEL_MIN_UNIQUE], p->v[P_TUNNEL_FULL_UNIQUE],
                            z->popular, p);
    double cl = window_conf(&wl, p->v[P_TUNNEL_LONG_MIN_UNIQUE],
                            p->v[P_TUNNEL_LONG_FULL_UNIQUE], z->popular, p);
    memset(v, 0, sizeof(*v));
    if (cl > cs) {
        v->conf = cl;
        v->longw = 1;
        v->w = wl;
        v->window_s = lw;
    } else {
        v->conf = cs;
        v->w = ws;
        v->window_s = sw;
    }
}

/* Write or strengthen h's tunnel evidence. */
static int raise_evidence(struct host_table *ht, struct host *h, const struct zstat *z,
                          const struct verdict_z *v, uint64_t now,
                          const struct detect_params *p, const char *spread)
{
    struct evidence *e = host_evidence(ht, h, EVK_DNS_TUNNEL, 1);
    if (!e)
        return 0;
    /* one tunnel evidence per host: a stronger zone replaces a weaker one */
    if (e->active && strcmp(e->indicator, z->zone) != 0 && e->confidence > v->conf &&
        now < e->last_us + (uint64_t)(p->v[P_TUNNEL_WINDOW] * 1e6))
        return 0;
    if (!e->active)
        e->first_us = now;
    e->active = 1;
    e->last_us = now;
    e->count++;
    e->weight = p->v[P_TUNNEL_WEIGHT];
    e->confidence = v->conf;
    snprintf(e->indicator, sizeof(e->indicator), "%s", z->zone);
    e->ioc_type = IOC_DOMAIN;
    snprintf(e->ioc, sizeof(e->ioc), "%s", z->zone);
    char mix[64] = "", span[32];
    double rare = v->w.uniq ? (double)v->w.rare / v->w.uniq : 0;
    if (v->w.rare)
        snprintf(mix, sizeof(mix), ", %.0f%% TXT/NULL/CNAME/MX", rare * 100);
    snprintf(e->explanation, sizeof(e->explanation),
             "%u queries for %u distinct subdomains of '%s' within %s%s: encoded part "
             "%.0f chars long on average, %.1f bits/char entropy, %.1f kB carried%s%s%s; "
             "e.g. '%s'",
             v->w.queries, v->w.uniq, z->zone, evidence_duration_text((double)v->window_s, span, sizeof(span)),
             v->longw ? " (slow and steady)" : "", v->w.mlen, v->w.ment,
             (double)v->w.bytes / 1000, mix, z->popular ? " (popular zone: weak)" : "",
             spread ? spread : "", z->example);
    return 1;
}

/* Add one encoded part to z's ring; returns 1 when it is new. */
static int ring_add(struct zstat *z, uint32_t fp, uint32_t now_s, size_t chars, double ent,
                    int rare)
{
    for (uint32_t i = 0; i < z->n; i++) {
        struct tq *q = &z->q[i];
        if (q->fp == fp) {
            q->t_s = now_s;
            if (q->hits < UINT8_MAX)
                q->hits++;
            q->rare |= (uint8_t)rare;
            return 0;
        }
    }
    uint32_t slot;
    if (z->n < TQ_KEEP) {
        slot = z->n++;
    } else {
        slot = z->next;
        z->next = (uint16_t)((z->next + 1) % TQ_KEEP);
    }
    struct tq *q = &z->q[slot];
    q->fp = fp;
    q->t_s = now_s;
    q->len = (uint8_t)(chars > 255 ? 255 : chars);
    q->ent = (uint8_t)(ent * 16 > 255 ? 255 : ent * 16);
    q->rare = (uint8_t)rare;
    q->hits = 1;
    return 1;
}

static void zinit(struct tunnel *t, struct zstat *z, const char *zone, uint32_t idx,
                  uint32_t gen)
{
    memset(z, 0, sizeof(*z));
    z->host_idx = idx;
    z->host_gen = gen;
    snprintf(z->zone, sizeof(z->zone), "%s", zone);
    if (zone[0] != '@') {
        struct dga_verdict v;
        if (dga_score(t->model, zone, strlen(zone), &v) == 0)
            z->popular = (uint8_t)v.popular;
        if (!z->popular && t->prevalent && t->prevalent(t->prev_ctx, zone))
            z->popular = 1;
    }
}

/* The zone entry: record h's contribution; the zone's verdict, when hosts
 * together (and none alone) push it over a threshold. */
static void zone_update(struct tunnel *t, struct host_table *ht, struct host *h,
                        const char *zone, uint64_t zone_hash, uint32_t fp, uint32_t now_s,
                        size_t chars, double ent, int rare, uint64_t now,
                        const struct detect_params *p, struct host_touched *out)
{
    uint64_t key = zone_hash ^ 0x7a6f6e65ULL;
    int created;
    struct zstat *z = lru_get(t->zones, key, 1, &created);
    if (created || strcmp(z->zone, zone) != 0)
        zinit(t, z, zone, NONE32, 0);
    z->queries++;
    int fresh = ring_add(z, fp, now_s, chars, ent, rare);
    if (!z->example[0])
        snprintf(z->example, sizeof(z->example), "%s", zone);
    uint32_t idx = host_index(ht, h);
    int me = -1;
    for (int i = 0; i < z->nhosts; i++)
        if (z->hidx[i] == idx && z->hgen[i] == h->gen)
            me = i;
    if (me < 0) {
        if (z->nhosts < ZONE_HOSTS) {
            me = z->nhosts++;
        } else {
            me = 0;                              /* the quietest goes */
            for (int i = 1; i < ZONE_HOSTS; i++)
                if (z->hlast[i] < z->hlast[me])
                    me = i;
        }
        z->hidx[me] = idx;
        z->hgen[me] = h->gen;
        z->hnew[me] = 0;
    }
    z->hlast[me] = now_s;
    if (fresh && z->hnew[me] < UINT16_MAX)
        z->hnew[me]++;

    struct verdict_z v;
    evaluate(z, now_s, p, &v);
    if (v.conf <= 0)
        return;
    int active = 0;
    for (int i = 0; i < z->nhosts; i++)
        if (z->hlast[i] + v.window_s >= now_s && host_at(ht, z->hidx[i], z->hgen[i]))
            active++;
    if (active < (int)p->v[P_TUNNEL_ZONE_MIN_HOSTS] || active >= ZONE_HOSTS)
        return;
    /* spread over hosts: suspicious, never conclusive alone */
    v.conf = v.conf * 0.85 < p->v[P_STANDALONE_CONFIDENCE] - 0.05 ?
             v.conf * 0.85 : p->v[P_STANDALONE_CONFIDENCE] - 0.05;
    for (int i = 0; i < z->nhosts; i++) {
        struct host *x = host_at(ht, z->hidx[i], z->hgen[i]);
        if (!x || z->hlast[i] + v.window_s < now_s)
            continue;
        const struct evidence *own = host_evidence_const(ht, x, EVK_DNS_TUNNEL);
        if (own && own->active && own->confidence >= v.conf &&
            strcmp(own->indicator, zone) == 0)
            continue;
        char spread[96];
        snprintf(spread, sizeof(spread), "; spread over %d hosts, this one sent %u of them",
                 active, z->hnew[i]);
        if (raise_evidence(ht, x, z, &v, now, p, spread))
            host_touched_add(out, ht, x);
    }
}

void tunnel_query(struct tunnel *t, struct host_table *ht, struct host *h,
                  const char *name, size_t len, uint16_t qtype,
                  const struct sh_addr *server, uint64_t now_us,
                  const struct detect_params *p, struct host_touched *out)
{
    char zone[96];
    size_t prefix = 0;

    if (len == 0)
        return;
    t->st.queries++;
    if (tunnel_zone(t->dom, name, len, zone, sizeof(zone), &prefix) < 0) {
        /* no zone of its own: group by the server it was sent to */
        char ip[64];
        addr_format(server, ip, sizeof(ip));
        snprintf(zone, sizeof(zone), "@%s", ip);
        prefix = len;
    }
    size_t chars = 0;
    for (size_t i = 0; i < prefix; i++)
        if (name[i] != '.')
            chars++;
    /* short prefixes (www, mail, api) are ordinary names: nothing to track */
    if ((double)chars < p->v[P_TUNNEL_TRACK_LEN])
        return;
    t->st.tracked++;
    uint32_t now_s = (uint32_t)(now_us / 1000000ULL);
    uint32_t fp = (uint32_t)hk_name(&t->key, name, prefix);
    fp = fp ? fp : 1;
    double ent = tunnel_entropy((const uint8_t *)name, prefix);
    int rare = qtype == 16 || qtype == 10 || qtype == 5 || qtype == 15 || qtype == 255;

    uint64_t zone_hash = hk_name(&t->key, zone, strlen(zone));
    struct { uint64_t zone, host; } kin = {
        zone_hash, ((uint64_t)h->gen << 32) | host_index(ht, h) };
    uint64_t key = hk_bytes(&t->key, &kin, sizeof(kin));
    size_t ev_before = lru_evictions(t->map);
    int created;
    struct zstat *z = lru_get(t->map, key, 1, &created);
    if (lru_evictions(t->map) != ev_before)
        t->st.zones_evicted++;
    if (created || strcmp(z->zone, zone) != 0)
        zinit(t, z, zone, host_index(ht, h), h->gen);
    z->queries++;
    ring_add(z, fp, now_s, chars, ent, rare);
    if (!z->example[0])
        printable(name, len, z->example, 72);
    /* a host with tunnel-like state is kept through floods */
    if (z->n >= 8)
        host_watch(ht, h, now_us + (uint64_t)(p->v[P_TUNNEL_LONG_WINDOW] * 1e6));

    struct verdict_z v;
    evaluate(z, now_s, p, &v);
    if (v.conf > 0 && raise_evidence(ht, h, z, &v, now_us, p, NULL))
        host_touched_add(out, ht, h);
    zone_update(t, ht, h, zone, zone_hash, fp, now_s, chars, ent, rare, now_us, p, out);
}

void tunnel_get_stats(const struct tunnel *t, struct tunnel_stats *s)
{
    *s = t->st;
}
