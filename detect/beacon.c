/*
 * beacon.c -- rhythm, duration and fan-out as evidence.  See beacon.h.
 */
#include "beacon.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../capture/hash.h"
#include "destprev.h"
#include "lru.h"

#define FAN_BITS 1024            /* linear-counting map of addresses       */
#define FAN_BLOCK_BITS 256       /* ... and of their /24 (IPv4) or /48 blocks */

struct series {
    uint32_t host_idx, host_gen;
    uint32_t total;              /* events since the entry was made        */
    uint16_t streak;             /* consecutive judgements it passed       */
    uint8_t  raised;             /* it raised the destination's beacon     */
    float    conf;               /* the confidence its last window gave    */
    uint8_t  n;                  /* events held in t[]/sz[], by time       */
    uint64_t first_us;
    uint64_t t_us[BEACON_RING];
    uint32_t sz[BEACON_RING];
};


struct fan {
    uint64_t start_us;           /* the window began                       */
    uint64_t addr[FAN_BITS / 64];
    uint64_t block[FAN_BLOCK_BITS / 64];
    uint32_t attempts, failures;
};

struct beacon {
    struct detect_params p;
    struct lru_map *series, *prev, *fan;
    struct hkey key;
    struct beacon_stats_counters c;
};

/* ---- statistics ----------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of sorted v[0..n). */
static double median_sorted(const double *v, int n)
{
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Median absolute deviation of v[0..n) around m (tmp: n doubles). */
static double mad_of(const double *v, int n, double m, double *tmp)
{
    for (int i = 0; i < n; i++)
        tmp[i] = fabs(v[i] - m);
    qsort(tmp, (size_t)n, sizeof(double), cmp_double);
    return median_sorted(tmp, n);
}

int beacon_stats(const double *t, const double *size, int n, struct beacon_stats *out)
{
    double gap[BEACON_RING], sz[BEACON_RING], tmp[BEACON_RING];
    int ng = 0, ns = 0;

    memset(out, 0, sizeof(*out));
    if (n > BEACON_RING)
        n = BEACON_RING;
    if (n < 4)
        return -1;
    /* events closer than 0.1 s are one event (a retransmission, two
     * connections opened together) */
    double last = t[0];
    sz[ns++] = size[0];
    for (int i = 1; i < n; i++) {
        if (t[i] - last < 0.1)
            continue;
        gap[ng++] = t[i] - last;
        sz[ns++] = size[i];
        last = t[i];
    }
    if (ng < 3)
        return -1;
    out->n = ng + 1;
    qsort(gap, (size_t)ng, sizeof(double), cmp_double);
    out->period = median_sorted(gap, ng);
    /* Tukey's hinges: medians of the lower and upper halves, the middle
     * value left out when the count is odd */
    int h = ng / 2;
    out->q1 = median_sorted(gap, h);
    out->q3 = median_sorted(gap + ng - h, h);
    out->mad = mad_of(gap, ng, out->period, tmp);
    out->jitter = out->period > 0 ? out->mad / out->period : 1;
    /* Bowley skew, meaningful only when the quartiles are apart (RITA's
     * guard, relative here because periods go below a second) */
    double iqr = out->q3 - out->q1;
    out->skew = iqr >= 0.1 * out->period && iqr > 0 ?
                (out->q1 + out->q3 - 2 * out->period) / iqr : 0;
    /* jitter up to ~15 % of the period is perfect; uniform +-50 % sleep
     * jitter (MAD/median 0.25) keeps 0.8; exponential gaps (MAD/median
     * ~0.69, a Poisson process) get 0 */
    double mad_score = clamp01(1 - (out->jitter - 0.15) / 0.5);
    if (out->jitter <= 0.15)
        mad_score = 1;
    out->ts_score = 0.75 * mad_score + 0.25 * (1 - fabs(out->skew));

    qsort(sz, (size_t)ns, sizeof(double), cmp_double);
    out->size = median_sorted(sz, ns);
    if (out->size >= 1) {
        out->size_jitter = mad_of(sz, ns, out->size, tmp) / out->size;
        out->size_score = clamp01(1 - out->size_jitter / 0.5);
    } else {
        out->size_jitter = 0;
        out->size_score = 0.5;        /* nothing to compare: neutral */
    }
    out->score = 0.7 * out->ts_score + 0.3 * out->size_score;
    return 0;
}

/* ---- tables --------------------------------------------------------------- */

static double series_weight(const void *item)
{
    const struct series *s = item;
    return s->total >= 6 ? 1.0 : 0.0;     /* a rhythm in the making survives */
}

struct beacon *beacon_create(size_t capacity, const struct detect_params *p,
                             char *err, size_t errlen)
{
    struct beacon *b = calloc(1, sizeof(*b));
    if (!b) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    b->p = *p;
    hk_init(&b->key);
    b->series = lru_create(capacity, sizeof(struct series), err, errlen);
    b->prev = b->series ? lru_create(capacity, sizeof(struct destprev), err, errlen) : NULL;
    b->fan = b->prev ? lru_create(capacity / 4 + 16, sizeof(struct fan), err, errlen) : NULL;
    if (!b->fan) {
        beacon_destroy(b);
        return NULL;
    }
    lru_set_weight(b->series, series_weight);
    return b;
}

void beacon_set_params(struct beacon *b, const struct detect_params *p)
{
    b->p = *p;
}

void beacon_destroy(struct beacon *b)
{
    if (!b)
        return;
    lru_destroy(b->series);
    lru_destroy(b->prev);
    lru_destroy(b->fan);
    free(b);
}

void beacon_get_counters(const struct beacon *b, struct beacon_stats_counters *c)
{
    *c = b->c;
    c->dest_evicted = lru_evictions(b->series);
    c->fan_evicted = lru_evictions(b->fan);
}

static uint32_t host_tag(const struct beacon *b, const struct host *h)
{
    return (uint32_t)hk_bytes(&b->key, &h->ip, sizeof(h->ip)) | 1;
}

static uint64_t dest_key(const struct beacon *b, const struct beacon_dest *d)
{
    return hk_name(&b->key, d->text, strnlen(d->text, sizeof(d->text)));
}

static uint64_t series_key(const struct beacon *b, const struct host *h,
                           const struct beacon_dest *d, int series)
{
    struct { uint64_t dest; uint32_t host, gen; uint32_t series; } k;
    memset(&k, 0, sizeof(k));
    k.dest = dest_key(b, d);
    k.host = host_tag(b, h);
    k.gen = h->gen;
    k.series = (uint32_t)series;
    return hk_bytes(&b->key, &k, sizeof(k));
}

/* Internal hosts that talk to d now (within a day), h included.  Another
 * host counts only once its MAC binding has held (a phantom forged a
 * moment ago makes no destination prevalent). */
static int prevalence(struct beacon *b, struct host_table *ht, struct host *h,
                      const struct beacon_dest *d, uint64_t now)
{
    struct destprev *p = lru_get(b->prev, dest_key(b, d), 1, NULL);
    return destprev_note(p, host_tag(b, h), (uint32_t)(now / 1000000),
                         host_stable(ht, h, NULL, now));
}

int beacon_dest_hosts(const struct beacon *b, const struct host *h,
                      const struct beacon_dest *dst, uint64_t now)
{
    const struct destprev *p = lru_peek(b->prev, dest_key(b, dst));
    return destprev_others(p, host_tag(b, h), (uint32_t)(now / 1000000)) + 1;
}

/* A destination shared by enough hosts is a fleet or a shared service:
 * rhythm, sessions and ports toward it are no evidence.  What h was told
 * about it before stays (a prevalence vote withdraws nothing: phantoms
 * could cast it). */
static int prevalent(struct beacon *b, int hosts)
{
    if (hosts < b->p.v[P_BEACON_PREVALENCE_HOSTS])
        return 0;
    b->c.prevalent_skips++;
    return 1;
}

/* Confidence factor for a destination n internal hosts talk to. */
static double rarity(int hosts)
{
    return hosts <= 1 ? 1.0 : 0.6;
}

static void series_add(struct series *s, uint64_t t_us, uint32_t bytes)
{
    int i = s->n;
    s->total++;
    if (s->n == BEACON_RING) {
        if (t_us <= s->t_us[0])
            return;                     /* older than all kept: gone */
        memmove(s->t_us, s->t_us + 1, sizeof(s->t_us) - sizeof(s->t_us[0]));
        memmove(s->sz, s->sz + 1, sizeof(s->sz) - sizeof(s->sz[0]));
        i = BEACON_RING - 1;
    } else {
        s->n++;
    }
    /* records arrive nearly in order: insert from the end */
    while (i > 0 && s->t_us[i - 1] > t_us) {
        s->t_us[i] = s->t_us[i - 1];
        s->sz[i] = s->sz[i - 1];
        i--;
    }
    s->t_us[i] = t_us;
    s->sz[i] = bytes;
}

static int series_stats(const struct series *s, struct beacon_stats *st)
{
    double t[BEACON_RING], z[BEACON_RING];
    for (int i = 0; i < s->n; i++) {
        t[i] = (double)(s->t_us[i] - s->t_us[0]) / 1e6;
        z[i] = s->sz[i];
    }
    return beacon_stats(t, z, s->n, st);
}

static const char *series_words(int series)
{
    switch (series) {
    case BS_CONN: return "connections";
    case BS_HTTP: return "HTTP requests";
    default: return "client bursts";
    }
}

static void prevalence_text(int hosts, char *buf, size_t len)
{
    if (hosts <= 1)
        snprintf(buf, len, "no other internal host talks to it");
    else
        snprintf(buf, len, "%d internal hosts talk to it", hosts);
}

/* Raise or refresh evidence (kind, dst) on h when conf beats what it holds
 * (or refreshes it); returns 1 when h's evidence changed. */
static int raise(struct beacon *b, struct host_table *ht, struct host *h, int kind,
                 const struct beacon_dest *dst, const char *indicator, double weight,
                 double conf, uint64_t t_us, const char *expl, struct host_touched *touched)
{
    struct evidence *e = host_evidence_keyed(ht, h, kind, indicator, weight * conf);
    if (!e)
        return 0;
    if (e->active && conf < e->confidence - 0.05)
        return 0;                       /* a weaker view of what it holds */
    if (!e->active) {
        e->first_us = t_us;
        b->c.raised[kind]++;
    }
    e->active = 1;
    e->weight = weight;
    e->confidence = conf;
    if (t_us > e->last_us)
        e->last_us = t_us;
    e->count++;
    snprintf(e->explanation, sizeof(e->explanation), "%s", expl);
    if (dst && dst->ioc[0]) {
        e->ioc_type = dst->ioc_ip ? IOC_IP : IOC_DOMAIN;
        snprintf(e->ioc, sizeof(e->ioc), "%s", dst->ioc);
    }
    host_touched_add(touched, ht, h);
    return 1;
}

static uint64_t series_key(const struct beacon *b, const struct host *h,
                           const struct beacon_dest *d, int series);

/* The best confidence the other series toward d give now. */
static double others(struct beacon *b, struct host_table *ht, struct host *h,
                     const struct beacon_dest *d, int series)
{
    double best = 0;
    for (int k = 0; k < BS_MAX; k++) {
        if (k == series)
            continue;
        const struct series *o = lru_peek(b->series, series_key(b, h, d, k));
        if (o && o->host_gen == h->gen && o->host_idx == host_index(ht, h) && o->conf > best)
            best = o->conf;
    }
    return best;
}

/* Lower the beacon this series raised to what the windows say now: its
 * own, or the best of the other series toward the same destination. */
static void follow(struct beacon *b, struct host_table *ht, struct host *h,
                   const struct beacon_dest *d, struct series *s, int series, double conf,
                   struct host_touched *touched)
{
    s->conf = (float)conf;
    if (!s->raised)
        return;
    conf = fmax(conf, others(b, ht, h, d, series));
    struct evidence *e = host_evidence_keyed(ht, h, EVK_BEACON, d->text, 0);
    if (e && e->active && e->confidence > conf + 1e-9) {
        e->confidence = conf;
        b->c.lowered++;
        host_touched_add(touched, ht, h);
    }
    if (conf <= 0)
        s->raised = 0;
}

/* Judge a series after an event: its last BEACON_RING events must pass
 * twice in a row to raise a beacon, and the evidence follows the window
 * (a random process that looks regular for a moment does not keep its
 * best moment); an overwhelming rhythm must have held for half of
 * beacon_standalone_events judgements in a row to stand alone. */
static void judge_series(struct beacon *b, struct host_table *ht, struct host *h,
                         const struct beacon_dest *d, int series, struct series *s,
                         int hosts, struct host_touched *touched)
{
    const double *v = b->p.v;
    struct beacon_stats st;
    char span[32], prev[64], expl[EVIDENCE_EXPLANATION_MAX];

    if (series_stats(s, &st) < 0 || st.n < v[P_BEACON_MIN_EVENTS] ||
        st.period < v[P_BEACON_MIN_PERIOD] || st.score < v[P_BEACON_MIN_SCORE]) {
        s->streak = 0;
        follow(b, ht, h, d, s, series, 0, touched);
        return;
    }
    if (s->streak < UINT16_MAX)
        s->streak++;
    double span_s = (double)(s->t_us[s->n - 1] - s->first_us) / 1e6;
    /* 6 events give 60 % of the statistics' word, 8 and more all of it */
    double conf = st.score * clamp01((st.n - 3) / 5.0);
    if (s->total < v[P_BEACON_STANDALONE_EVENTS] || span_s < v[P_BEACON_STANDALONE_SPAN] ||
        s->streak < v[P_BEACON_STANDALONE_EVENTS] / 2 || d->claimed_benign)
        conf = fmin(conf, v[P_BEACON_MAX_CONFIDENCE]);
    conf *= rarity(hosts);
    if (s->streak < 2 || conf < 0.2) {
        follow(b, ht, h, d, s, series, conf, touched);
        return;
    }
    evidence_duration_text(span_s, span, sizeof(span));
    prevalence_text(hosts, prev, sizeof(prev));
    snprintf(expl, sizeof(expl),
             "%u %s to %s%s%s every %.1f s (jitter +-%.0f %%, skew %.2f), %.0f B per exchange, "
             "over %s; %s; rhythm score %.2f%s",
             s->total, series_words(series), d->text, d->app && d->app[0] ? " " : "",
             d->app && d->app[0] ? d->app : "", st.period, 100 * st.jitter, st.skew, st.size,
             span, prev, st.score,
             d->claimed_benign ? "; the name is a listed or popular service, but no DNS "
                                 "answer seen tied it to this address" : "");
    follow(b, ht, h, d, s, series, conf, touched);
    if (raise(b, ht, h, EVK_BEACON, d, d->text, v[P_BEACON_WEIGHT], conf, s->t_us[s->n - 1], expl,
              touched))
        s->raised = 1;
}

void beacon_event(struct beacon *b, struct host_table *ht, struct host *h,
                  const struct beacon_dest *dst, int series, uint64_t t_us, uint32_t bytes,
                  uint64_t now, struct host_touched *touched)
{
    if (series < 0 || series >= BS_MAX)
        return;
    b->c.events++;
    if (dst->benign) {
        b->c.benign_skips++;
        return;
    }
    int created;
    struct series *s = lru_get(b->series, series_key(b, h, dst, series), 1, &created);
    if (created || s->host_idx != host_index(ht, h) || s->host_gen != h->gen) {
        memset(s, 0, sizeof(*s));
        s->host_idx = host_index(ht, h);
        s->host_gen = h->gen;
        s->first_us = t_us;
    }
    if (t_us < s->first_us)
        s->first_us = t_us;
    series_add(s, t_us, bytes);
    int hosts = prevalence(b, ht, h, dst, now);     /* every contact counts */
    if (s->total < b->p.v[P_BEACON_MIN_EVENTS] || prevalent(b, hosts))
        return;
    judge_series(b, ht, h, dst, series, s, hosts, touched);
}

void beacon_flow(struct beacon *b, struct host_table *ht, struct host *h,
                 const struct beacon_dest *dst, const struct beacon_flow *f, uint64_t now,
                 struct host_touched *touched)
{
    const double *v = b->p.v;
    char expl[EVIDENCE_EXPLANATION_MAX], span[32], prev[64];

    if (f->outcome != FLOWO_ANSWERED) {
        if (f->first)
            b->c.failures++;
        return;
    }
    if (dst->benign)
        return;
    int hosts = prevalence(b, ht, h, dst, now);
    if (prevalent(b, hosts))
        return;
    struct series *s = lru_peek(b->series, series_key(b, h, dst, BS_BURST));
    struct beacon_stats st;
    double dur = (double)(f->end_us - f->start_us) / 1e6;
    prevalence_text(hosts, prev, sizeof(prev));
    if (!s || s->host_gen != h->gen || s->host_idx != host_index(ht, h) ||
        series_stats(s, &st) < 0) {
        /* a long session to a rare external destination with no rhythm to
         * judge (one burst held open, a few irregular ones): weak alone */
        if (dst->external && dur >= v[P_LONG_SESSION_MIN]) {
            double conf = (0.35 + 0.15 * clamp01(dur / 3600)) * rarity(hosts);
            evidence_duration_text(dur, span, sizeof(span));
            snprintf(expl, sizeof(expl),
                     "session to %s%s%s open %s, %llu B sent in %u client bursts, no regular "
                     "rhythm; %s", dst->text, dst->app && dst->app[0] ? " " : "",
                     dst->app && dst->app[0] ? dst->app : "", span,
                     (unsigned long long)f->payload_toserver, f->bursts_toserver, prev);
            raise(b, ht, h, EVK_LONG_SESSION, dst, dst->text, v[P_LONG_SESSION_WEIGHT], conf,
                  f->end_us, expl, touched);
        }
        return;
    }

    /* a long session to a rare external destination, small periodic
     * client bursts (a RAT's keep-alives) */
    if (dst->external && dur >= v[P_LONG_SESSION_MIN] && st.n >= v[P_BEACON_MIN_EVENTS] &&
        st.score >= v[P_BEACON_MIN_SCORE] && st.size <= v[P_LONG_SESSION_MAX_BURST]) {
        double conf = st.score * (0.6 + 0.4 * clamp01(dur / 3600)) * rarity(hosts);
        evidence_duration_text(dur, span, sizeof(span));
        snprintf(expl, sizeof(expl),
                 "session to %s%s%s open %s with small client bursts every %.1f s "
                 "(jitter +-%.0f %%), %.0f B each, %u so far; %s",
                 dst->text, dst->app && dst->app[0] ? " " : "",
                 dst->app && dst->app[0] ? dst->app : "", span, st.period, 100 * st.jitter,
                 st.size, s->total, prev);
        raise(b, ht, h, EVK_LONG_SESSION, dst, dst->text, v[P_LONG_SESSION_WEIGHT], conf, f->end_us,
              expl, touched);
    }

    /* plain TCP/UDP (or a protocol away from its port) on an unusual port
     * to a rare destination, carrying small messages again and again */
    if (dst->odd_port && s->total >= v[P_ODD_PORT_MIN_MESSAGES] &&
        st.size <= v[P_ODD_PORT_MAX_MESSAGE]) {
        double conf = (dst->plain ? 0.8 : 0.6) * rarity(hosts);
        snprintf(expl, sizeof(expl),
                 "%s on unusual port %u/%s to %s: %u messages, median %.0f B; %s",
                 dst->plain ? "no known application protocol" : dst->app,
                 dst->port, dst->proto == 17 ? "udp" : "tcp", dst->text, s->total, st.size, prev);
        raise(b, ht, h, EVK_UNUSUAL_PORT, dst, dst->text, v[P_ODD_PORT_WEIGHT], conf, f->end_us,
              expl, touched);
    }
}

/* ---- fan-out -------------------------------------------------------------- */

static int popcount_map(const uint64_t *m, int words)
{
    int n = 0;
    for (int i = 0; i < words; i++)
        n += __builtin_popcountll(m[i]);
    return n;
}

/* Linear counting (Whang et al. 1990): distinct items set `bits` of m. */
static double linear_count(int set, int m)
{
    if (set >= m)
        set = m - 1;
    return -(double)m * log((double)(m - set) / m);
}

static void contact_one(struct beacon *b, struct host_table *ht, struct host *h,
                        const struct sh_addr *a, int internal, uint16_t port, uint8_t proto,
                        int failed, uint64_t now, struct host_touched *touched);

/* Per port, and across ports (port 0: a scan of several ports, which
 * counts only when most attempts fail). */
void beacon_contact(struct beacon *b, struct host_table *ht, struct host *h,
                    const struct sh_addr *a, int internal, uint16_t port, uint8_t proto,
                    int failed, uint64_t now, struct host_touched *touched)
{
    if (!port)
        return;
    contact_one(b, ht, h, a, internal, port, proto, failed, now, touched);
    contact_one(b, ht, h, a, internal, 0, proto, failed, now, touched);
}

static void contact_one(struct beacon *b, struct host_table *ht, struct host *h,
                        const struct sh_addr *a, int internal, uint16_t port, uint8_t proto,
                        int failed, uint64_t now, struct host_touched *touched)
{
    const double *v = b->p.v;
    struct { uint32_t host, gen; uint16_t port; uint8_t proto, internal; } k;
    memset(&k, 0, sizeof(k));
    k.host = host_tag(b, h);
    k.gen = h->gen;
    k.port = port;
    k.proto = proto;
    k.internal = (uint8_t)internal;
    int created;
    struct fan *f = lru_get(b->fan, hk_bytes(&b->key, &k, sizeof(k)), 1, &created);
    uint64_t win = (uint64_t)(v[P_FANOUT_WINDOW] * 1e6);
    if (created || now > f->start_us + win) {
        memset(f, 0, sizeof(*f));
        f->start_us = now;
    }
    uint64_t ha = hk_bytes(&b->key, a, sizeof(*a));
    struct sh_addr blk = *a;
    sh_addr_mask(blk.a, a->family == 4 ? 24 : 48);
    uint64_t hb = hk_bytes(&b->key, &blk, sizeof(blk));
    f->addr[(ha % FAN_BITS) / 64] |= 1ULL << (ha % 64);
    f->block[(hb % FAN_BLOCK_BITS) / 64] |= 1ULL << (hb % 64);
    f->attempts++;
    f->failures += failed != 0;

    double n = linear_count(popcount_map(f->addr, FAN_BITS / 64), FAN_BITS);
    double lo = internal ? v[P_FANOUT_MIN_INTERNAL] : v[P_FANOUT_MIN_EXTERNAL];
    double hi = internal ? v[P_FANOUT_FULL_INTERNAL] : v[P_FANOUT_FULL_EXTERNAL];
    if (n < lo)
        return;
    double blocks = linear_count(popcount_map(f->block, FAN_BLOCK_BITS / 64), FAN_BLOCK_BITS);
    double fail = (double)f->failures / f->attempts;
    double conc = clamp01(1 - blocks / n);            /* 1: all in few blocks */
    /* web ports see many addresses in normal browsing: there a spray must
     * fail mostly or stay inside few blocks */
    if (!internal && (port == 80 || port == 443) && fail < 0.5 && conc < 0.8)
        return;                                      /* TCP, and QUIC on 443/udp */
    /* across ports: only a scan (most attempts fail; a datagram without a
     * reply is common in UDP, so there nearly all must) */
    if (port == 0 && fail < (proto == 17 ? 0.8 : 0.5))
        return;
    double conf = (0.7 + 0.3 * clamp01((n - lo) / (hi - lo))) *
                  (0.8 + 0.2 * fmax(fail, conc));
    char ind[EVIDENCE_INDICATOR_MAX], expl[EVIDENCE_EXPLANATION_MAX], span[32];
    const char *tr = proto == 17 ? "udp" : proto == 6 ? "tcp" : "ip";
    if (port)
        snprintf(ind, sizeof(ind), "%u/%s", port, tr);
    else
        snprintf(ind, sizeof(ind), "*/%s", tr);
    evidence_duration_text((double)(now - f->start_us) / 1e6, span, sizeof(span));
    snprintf(expl, sizeof(expl),
             "contacted ~%.0f %s addresses on port %s within %s (%u attempts, %.0f %% unanswered "
             "or reset; ~%.0f %s blocks)",
             n, internal ? "internal" : "external", ind, span, f->attempts, 100 * fail, blocks,
             a->family == 4 ? "/24" : "/48");
    raise(b, ht, h, internal ? EVK_FANOUT_INTERNAL : EVK_FANOUT_EXTERNAL, NULL, ind,
          v[P_FANOUT_WEIGHT], conf, now, expl, touched);
}
