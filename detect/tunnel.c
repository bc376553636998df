/*
 * tunnel.c -- DNS tunnel detection per (host, zone).  See tunnel.h.
 *
 * Distinct subdomains are counted with a HyperLogLog sketch of 64
 * registers (Flajolet et al. 2007; standard error ~13%, with the small-range
 * linear-counting correction, exact enough to compare with thresholds of
 * tens to hundreds), so a zone costs a fixed ~300 bytes whatever the
 * volume.
 */
#include "tunnel.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../config/cidr.h"
#include "../capture/hash.h"
#include "lru.h"

#define HLL_M 64

struct zstat {
    uint64_t window_start, last_us;
    uint32_t host_idx, host_gen;
    uint32_t queries;
    uint64_t bytes;               /* encoded bytes (dots excluded)       */
    double   sum_len, sum_entropy;
    uint32_t with_prefix;         /* queries with an encoded part        */
    uint32_t rare_qtype;          /* TXT, NULL, CNAME, MX, ANY           */
    uint32_t qtype_txt, qtype_null, qtype_cname, qtype_mx;
    uint8_t  hll[HLL_M];
    uint8_t  popular;
    char     zone[96];
    char     example[112];
};

struct tunnel {
    struct lru_map *map;
    const struct dga_model *model;
    const struct domain_ctx *dom;
    struct tunnel_stats st;
    struct hkey key;
};

struct tunnel *tunnel_create(size_t capacity, const struct dga_model *m,
                             const struct domain_ctx *d, char *err, size_t errlen)
{
    struct tunnel *t = calloc(1, sizeof(*t));
    if (!t) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    t->map = lru_create(capacity, sizeof(struct zstat), err, errlen);
    if (!t->map) {
        free(t);
        return NULL;
    }
    t->model = m;
    t->dom = d;
    hk_init(&t->key);
    return t;
}

void tunnel_destroy(struct tunnel *t)
{
    if (!t)
        return;
    lru_destroy(t->map);
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

/* h must be a keyed hash: with a fixed one a sender could pick names
 * that all land in one register and look like a handful of names. */
static void hll_add(uint8_t *reg, uint64_t h)
{
    unsigned idx = (unsigned)(h >> 58);          /* top 6 bits */
    uint64_t rest = h << 6;
    uint8_t rank = 1;
    while (rank <= 58 && !(rest & (1ULL << 63))) {
        rank++;
        rest <<= 1;
    }
    if (rank > reg[idx])
        reg[idx] = rank;
}

static double hll_count(const uint8_t *reg)
{
    double sum = 0;
    int zeros = 0;
    for (int i = 0; i < HLL_M; i++) {
        sum += ldexp(1.0, -reg[i]);
        if (!reg[i])
            zeros++;
    }
    double alpha = 0.709;                        /* m = 64 */
    double e = alpha * HLL_M * HLL_M / sum;
    if (e <= 2.5 * HLL_M && zeros)
        e = HLL_M * log((double)HLL_M / zeros); /* linear counting */
    return e;
}

static double clamp01(double x)
{
    return x < 0 ? 0 : x > 1 ? 1 : x;
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

static int evaluate(struct tunnel *t, struct zstat *z, struct host_table *ht,
                    struct host *h, uint64_t now, const struct detect_params *p)
{
    (void)t;
    double uniq = hll_count(z->hll);
    if (uniq > z->with_prefix)
        uniq = z->with_prefix;        /* the sketch never beats the truth */
    if (uniq < p->v[P_TUNNEL_MIN_UNIQUE] || z->with_prefix == 0)
        return 0;
    double mlen = z->sum_len / z->with_prefix;
    double ment = z->sum_entropy / z->with_prefix;
    double rare = z->queries ? (double)z->rare_qtype / z->queries : 0;
    if ((double)z->bytes < p->v[P_TUNNEL_MIN_BYTES])
        return 0;
    /* the encoded part must be long and random; a TXT/NULL-heavy channel
     * may use shorter names */
    double min_len = p->v[P_TUNNEL_MIN_LABEL_LEN] * (rare >= 0.5 ? 0.6 : 1.0);
    if (mlen < min_len || ment < p->v[P_TUNNEL_MIN_ENTROPY])
        return 0;

    double lo = p->v[P_TUNNEL_MIN_UNIQUE], hi = p->v[P_TUNNEL_FULL_UNIQUE];
    double frac = hi > lo ? clamp01((uniq - lo) / (hi - lo)) : 1;
    double conf = 0.55 + 0.3 * frac + (rare >= 0.5 ? 0.1 : 0) +
                  (mlen >= 2 * p->v[P_TUNNEL_MIN_LABEL_LEN] ? 0.05 : 0);
    if (z->popular)
        conf *= p->v[P_TUNNEL_POPULAR_FACTOR];
    conf = clamp01(conf);

    struct evidence *e = host_evidence(ht, h, EVK_DNS_TUNNEL, 1);
    if (!e)
        return 0;
    /* one tunnel evidence per host: a stronger zone replaces a weaker one */
    if (e->active && strcmp(e->indicator, z->zone) != 0 && e->confidence > conf &&
        now < e->last_us + (uint64_t)(p->v[P_TUNNEL_WINDOW] * 1e6))
        return 0;
    if (!e->active)
        e->first_us = now;
    e->active = 1;
    e->last_us = now;
    e->count++;
    e->weight = p->v[P_TUNNEL_WEIGHT];
    e->confidence = conf;
    snprintf(e->indicator, sizeof(e->indicator), "%s", z->zone);
    double span = (double)(now - z->window_start) / 1e6;
    char mix[96] = "";
    if (z->rare_qtype)
        snprintf(mix, sizeof(mix), ", %.0f%% TXT/NULL/CNAME/MX", rare * 100);
    snprintf(e->explanation, sizeof(e->explanation),
             "%u queries for ~%.0f distinct subdomains of '%s' in %.0f s: encoded part "
             "%.0f chars long on average, %.1f bits/char entropy, %.1f kB carried%s%s; "
             "e.g. '%s'",
             z->queries, uniq, z->zone, span, mlen, ment, (double)z->bytes / 1000, mix,
             z->popular ? " (popular zone: weak)" : "", z->example);
    return 1;
}

int tunnel_query(struct tunnel *t, struct host_table *ht, struct host *h,
                 const char *name, size_t len, uint16_t qtype,
                 const struct sh_addr *server, uint64_t now_us,
                 const struct detect_params *p)
{
    char zone[96];
    size_t prefix = 0;

    if (len == 0)
        return 0;
    t->st.queries++;
    if (tunnel_zone(t->dom, name, len, zone, sizeof(zone), &prefix) < 0) {
        /* no zone of its own: group by the server it was sent to */
        char ip[64];
        addr_format(server, ip, sizeof(ip));
        snprintf(zone, sizeof(zone), "@%s", ip);
        prefix = len;
    }
    /* key: host x zone */
    struct { uint64_t zone, host; } kin = {
        hk_name(&t->key, zone, strlen(zone)), ((uint64_t)h->gen << 32) | host_index(ht, h) };
    uint64_t key = hk_bytes(&t->key, &kin, sizeof(kin));
    size_t ev_before = lru_evictions(t->map);
    int created;
    struct zstat *z = lru_get(t->map, key, 1, &created);
    if (lru_evictions(t->map) != ev_before)
        t->st.zones_evicted++;
    uint64_t win = (uint64_t)(p->v[P_TUNNEL_WINDOW] * 1e6);
    if (created || strcmp(z->zone, zone) != 0 || now_us > z->window_start + win) {
        memset(z, 0, sizeof(*z));
        z->window_start = now_us;
        z->host_idx = host_index(ht, h);
        z->host_gen = h->gen;
        snprintf(z->zone, sizeof(z->zone), "%s", zone);
        if (zone[0] != '@') {
            struct dga_verdict v;
            if (dga_score(t->model, zone, strlen(zone), &v) == 0)
                z->popular = (uint8_t)v.popular;
        }
    }
    z->last_us = now_us;
    z->queries++;
    switch (qtype) {
    case 16: z->qtype_txt++; z->rare_qtype++; break;
    case 10: z->qtype_null++; z->rare_qtype++; break;
    case 5: z->qtype_cname++; z->rare_qtype++; break;
    case 15: z->qtype_mx++; z->rare_qtype++; break;
    case 255: z->rare_qtype++; break;
    default: break;
    }
    if (prefix) {
        size_t chars = 0;
        for (size_t i = 0; i < prefix; i++)
            if (name[i] != '.')
                chars++;
        z->with_prefix++;
        z->bytes += chars;
        z->sum_len += (double)chars;
        z->sum_entropy += tunnel_entropy((const uint8_t *)name, prefix);
        hll_add(z->hll, hk_name(&t->key, name, prefix));
        if (!z->example[0])
            printable(name, len, z->example, 72);
    }
    /* evaluating on every query costs little; only changes are reported */
    return evaluate(t, z, ht, h, now_us, p);
}

void tunnel_get_stats(const struct tunnel *t, struct tunnel_stats *s)
{
    *s = t->st;
}
