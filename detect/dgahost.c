/*
 * dgahost.c -- per-host DGA context.  See dgahost.h.
 */
#include "dgahost.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../capture/hash.h"
#include "lru.h"
#include "../config/cidr.h"

#define NX_KEEP 64        /* distinct failing names remembered per host */
#define NX_EXAMPLES 3

struct nx_name {
    uint64_t hash;
    uint64_t ts;                  /* latest failure                      */
    uint64_t first_ts;            /* first failure                       */
    float score;
    uint32_t tld;                 /* hash of the public suffix           */
    uint16_t hits;                /* failed answers for it (saturating)  */
    uint8_t label_len;
    uint8_t algo;                 /* scored >= dga_context_score         */
    uint8_t shared;               /* other hosts failed on it too        */
    uint8_t digits;               /* the label has a digit               */
};

/* The long horizon: LONG_BUCKETS buckets of nx_long_window / LONG_BUCKETS
 * seconds, each counting the algorithmic-looking names that failed for the
 * first time in it (a name still in the ring when it fails again is not
 * new).  The ring alone would forget a slow DGA's early names. */
#define LONG_BUCKETS 12

struct long_bucket {
    uint64_t epoch;               /* ts / bucket length                  */
    uint32_t n;                   /* new algorithmic names               */
    float    sum;                 /* their scores                        */
};

struct nx_window {
    uint32_t n, next;             /* ring of NX_KEEP entries             */
    struct nx_name e[NX_KEEP];
    struct long_bucket lb[LONG_BUCKETS];
    char ex[NX_EXAMPLES][72];     /* highest-scoring recent names        */
    float ex_score[NX_EXAMPLES];
    uint64_t ex_ts[NX_EXAMPLES];
    /* cross-host sharing (counted from the entries, within shared_window) */
    uint32_t peer_idx[DGAHOST_MAX_PEERS], peer_gen[DGAHOST_MAX_PEERS];
    uint8_t npeers;
    char shared_ex[72];
};

struct name_hosts {               /* one recently failed name            */
    uint8_t n;
    uint8_t algo;                 /* the name looks algorithmic          */
    uint8_t counted[DGAHOST_MAX_PEERS];
    uint32_t idx[DGAHOST_MAX_PEERS], gen[DGAHOST_MAX_PEERS];
    uint64_t ts[DGAHOST_MAX_PEERS];
};

struct dgahost {
    struct lru_map *win;          /* host key -> nx_window               */
    struct lru_map *names;        /* name hash -> name_hosts             */
    struct dgahost_stats st;
    struct hkey key;              /* name hashes (names are from the wire) */
};

static uint64_t name_key(const struct dgahost *g, const char *s)
{
    uint64_t h = hk_name(&g->key, s, strlen(s));
    return h ? h : 1;
}

/* The public suffix's hash, by which names of one family are compared. */
static uint32_t suffix_key(const struct dgahost *g, const struct dga_verdict *v)
{
    return (uint32_t)name_key(g, v->parts.suffix ? v->parts.suffix : "");
}

/* Does the name's label have a digit? */
static uint8_t label_has_digit(const struct dga_verdict *v)
{
    for (size_t k = 0; k < v->parts.label_len; k++)
        if (v->parts.label[k] >= '0' && v->parts.label[k] <= '9')
            return 1;
    return 0;
}

static uint64_t host_key(const struct host_table *ht, const struct host *h)
{
    return ((uint64_t)h->gen << 32) | host_index(ht, h);
}

/* What a window is worth when the map must drop one: its algorithmic
 * names (a flood of hosts each failing one word-like name is worth less
 * than one host halfway through a DGA burst). */
static double window_weight(const void *it)
{
    const struct nx_window *w = it;
    double n = 0;
    for (uint32_t i = 0; i < w->n; i++)
        n += w->e[i].algo ? 1.0 : 0.01;
    return n;
}

struct dgahost *dgahost_create(size_t hosts, size_t names, char *err, size_t errlen)
{
    struct dgahost *g = calloc(1, sizeof(*g));
    if (!g) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    hk_init(&g->key);
    g->win = lru_create(hosts, sizeof(struct nx_window), err, errlen);
    g->names = g->win ? lru_create(names, sizeof(struct name_hosts), err, errlen) : NULL;
    if (!g->names) {
        dgahost_destroy(g);
        return NULL;
    }
    lru_set_weight(g->win, window_weight);
    return g;
}

void dgahost_destroy(struct dgahost *g)
{
    if (!g)
        return;
    lru_destroy(g->win);
    lru_destroy(g->names);
    free(g);
}

/* Names failing within the window scoring >= min_score: count and mean
 * score. */
static int window_count(const struct nx_window *w, uint64_t now, uint64_t window_us,
                        double min_score, double *mean)
{
    int n = 0;
    double sum = 0;
    for (uint32_t i = 0; i < w->n; i++) {
        if (w->e[i].ts + window_us >= now && w->e[i].score >= min_score) {
            n++;
            sum += w->e[i].score;
        }
    }
    *mean = n ? sum / n : 0;
    return n;
}

/* Failed answers (repeats included) for names failing within the window. */
static uint64_t window_failures(const struct nx_window *w, uint64_t now, uint64_t window_us)
{
    uint64_t n = 0;
    for (uint32_t i = 0; i < w->n; i++)
        if (w->e[i].ts + window_us >= now)
            n += w->e[i].hits;
    return n;
}

/* Names of the host also failed by other hosts within the window. */
static uint32_t window_shared(const struct nx_window *w, uint64_t now, uint64_t window_us,
                              int algo_only)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < w->n; i++)
        if (w->e[i].shared && w->e[i].ts + window_us >= now && (!algo_only || w->e[i].algo))
            n++;
    return n;
}

/* distinct names failing for the first time in the last nx_burst_window:
 * a bot walks its list fast */
static int burst(const struct nx_window *w, uint64_t now, const struct detect_params *p)
{
    uint64_t win = (uint64_t)(p->v[P_NX_BURST_WINDOW] * 1e6);
    int n = 0;
    for (uint32_t i = 0; i < w->n; i++)
        if (w->e[i].first_ts + win >= now)
            n++;
    return n >= (int)p->v[P_NX_BURST_NAMES];
}

static uint64_t long_bucket_us(const struct detect_params *p)
{
    uint64_t b = (uint64_t)(p->v[P_NX_LONG_WINDOW] * 1e6) / LONG_BUCKETS;
    return b ? b : 1;
}

static void long_note(struct nx_window *w, uint64_t now, double score,
                      const struct detect_params *p)
{
    uint64_t ep = now / long_bucket_us(p);
    struct long_bucket *b = &w->lb[ep % LONG_BUCKETS];
    if (b->epoch != ep) {
        b->epoch = ep;
        b->n = 0;
        b->sum = 0;
    }
    b->n++;
    b->sum += (float)score;
}

/* Algorithmic names first failing over the long horizon, and their mean
 * score; *oldest = start of the oldest bucket counted. */
static uint32_t long_count(const struct nx_window *w, uint64_t now,
                           const struct detect_params *p, double *mean, uint64_t *oldest)
{
    uint64_t bl = long_bucket_us(p), ep = now / bl;
    uint32_t n = 0;
    double sum = 0;
    *oldest = now;
    for (int i = 0; i < LONG_BUCKETS; i++) {
        const struct long_bucket *b = &w->lb[i];
        if (!b->n || b->epoch > ep || ep - b->epoch >= LONG_BUCKETS)
            continue;
        n += b->n;
        sum += b->sum;
        if (b->epoch * bl < *oldest)
            *oldest = b->epoch * bl;
    }
    *mean = n ? sum / n : 0;
    return n;
}

/* Time from the earliest first failure in the window to now. */
static double window_span(const struct nx_window *w, uint64_t now, uint64_t window_us)
{
    uint64_t first = now;
    for (uint32_t i = 0; i < w->n; i++)
        if (w->e[i].ts + window_us >= now && w->e[i].first_ts < first)
            first = w->e[i].first_ts;
    double s = (double)(now - first) / 1e6;
    double cap = (double)window_us / 1e6;
    return s > cap ? cap : s;
}

static void note_example(struct nx_window *w, const char *name, float score, uint64_t now,
                         uint64_t window_us)
{
    const size_t cap = sizeof(w->ex[0]) - 1;
    int slot = -1;
    for (int i = 0; i < NX_EXAMPLES; i++)
        if (w->ex[i][0] && strncmp(w->ex[i], name, cap) == 0) {
            w->ex_ts[i] = now;                  /* already shown */
            return;
        }
    for (int i = 0; i < NX_EXAMPLES; i++) {
        /* an empty or outdated slot first, else the lowest score */
        if (!w->ex[i][0] || w->ex_ts[i] + window_us < now) {
            slot = i;
            break;
        }
        if (slot < 0 || w->ex_score[i] < w->ex_score[slot])
            slot = i;
    }
    if (w->ex[slot][0] && w->ex_ts[slot] + window_us >= now && w->ex_score[slot] >= score)
        return;
    snprintf(w->ex[slot], sizeof(w->ex[slot]), "%s", name);
    w->ex_score[slot] = score;
    w->ex_ts[slot] = now;
}

static void examples_text(const struct nx_window *w, char *buf, size_t len)
{
    size_t off = 0;
    buf[0] = '\0';
    for (int i = 0; i < NX_EXAMPLES && off < len; i++) {
        if (!w->ex[i][0])
            continue;
        int k = snprintf(buf + off, len - off, "%s'%s'", off ? ", " : "", w->ex[i]);
        if (k < 0)
            break;
        off += (size_t)k;
    }
}

static void update_nx_evidence(struct host_table *ht, struct host *h, struct nx_window *w,
                               uint64_t now, const struct detect_params *p,
                               struct host_touched *out)
{
    uint64_t win_us = (uint64_t)(p->v[P_NX_WINDOW] * 1e6);
    double mean, mean_all, mean_long;
    uint64_t long_from;
    int n = window_count(w, now, win_us, p->v[P_DGA_CONTEXT_SCORE], &mean);
    int n_all = window_count(w, now, win_us, 0, &mean_all);
    uint32_t n_long = long_count(w, now, p, &mean_long, &long_from);
    int lexical = n >= (int)p->v[P_NX_MIN_NAMES] && mean >= p->v[P_NX_MIN_MEAN_SCORE];
    int volume = n_all >= (int)p->v[P_NX_VOLUME_NAMES];
    int slow = n_long >= (uint32_t)p->v[P_NX_LONG_MIN_NAMES] &&
               mean_long >= p->v[P_NX_LONG_MIN_MEAN];
    int rapid = burst(w, now, p);
    double conf = 0, conf_long = 0;
    if (lexical) {
        double lo = p->v[P_NX_MIN_NAMES], hi = p->v[P_NX_FULL_NAMES];
        double frac = hi > lo ? clamp01((n - lo) / (hi - lo)) : 1;
        conf = (0.55 + 0.45 * frac) * (0.75 + 0.25 * mean);
    } else if (volume) {
        /* many failures of word-like names (wordlist and pseudo-word DGAs
         * look like this, but so do a mail gateway or a link checker):
         * never enough alone, it needs a second source of evidence */
        double vol = p->v[P_NX_VOLUME_NAMES];
        conf = 0.45 + 0.25 * clamp01((n_all - vol) / vol) + (rapid ? 0.15 : 0);
        if (conf > p->v[P_STANDALONE_CONFIDENCE] - 0.05)
            conf = p->v[P_STANDALONE_CONFIDENCE] - 0.05;
    }
    if (slow) {
        double lo = p->v[P_NX_LONG_MIN_NAMES], hi = p->v[P_NX_LONG_FULL_NAMES];
        double frac = hi > lo ? clamp01((n_long - lo) / (hi - lo)) : 1;
        conf_long = (0.5 + 0.45 * frac) * (0.75 + 0.25 * mean_long);
    }
    if (!lexical && !volume && !slow)
        return;
    struct evidence *e = host_evidence(ht, h, EVK_DGA_NXDOMAIN, 1);
    if (!e)
        return;
    int use_long = conf_long > conf;
    double c = use_long ? conf_long : conf;
    if (e->active && c < e->confidence && now < e->last_us + win_us)
        c = e->confidence;             /* keep the peak of this burst */
    char ex[256], dur[32];
    examples_text(w, ex, sizeof(ex));
    if (!e->active)
        e->first_us = now;
    e->active = 1;
    e->last_us = now;
    e->count++;
    e->weight = p->v[P_NX_WEIGHT];
    e->confidence = c;
    snprintf(e->indicator, sizeof(e->indicator), "%s", w->ex[0][0] ? w->ex[0] : "");
    if (use_long)
        snprintf(e->explanation, sizeof(e->explanation),
                 "%u distinct algorithmic-looking domains failed (NXDOMAIN) over %s, a few "
                 "at a time (mean DGA score %.2f): a slow DGA, e.g. %s",
                 n_long, evidence_duration_text((double)(now - long_from) / 1e6, dur, sizeof(dur)),
                 mean_long, ex);
    else if (lexical)
        snprintf(e->explanation, sizeof(e->explanation),
                 "%llu NXDOMAIN answers for %d distinct algorithmic-looking domains in %s "
                 "(mean DGA score %.2f), e.g. %s",
                 (unsigned long long)window_failures(w, now, win_us), n,
                 evidence_duration_text(window_span(w, now, win_us), dur, sizeof(dur)), mean, ex);
    else
        snprintf(e->explanation, sizeof(e->explanation),
                 "%llu NXDOMAIN answers for %d distinct unpopular domains in %s%s; the names "
                 "look like words (mean DGA score %.2f), as wordlist DGAs make them, e.g. %s",
                 (unsigned long long)window_failures(w, now, win_us), n_all,
                 evidence_duration_text(window_span(w, now, win_us), dur, sizeof(dur)),
                 rapid ? ", in rapid succession" : "", mean_all, ex);
    host_touched_add(out, ht, h);
}

static void update_shared_evidence(struct dgahost *g, struct host_table *ht, struct host *h,
                                   uint64_t now, const struct detect_params *p,
                                   struct host_touched *out)
{
    struct nx_window *w = lru_peek(g->win, host_key(ht, h));
    if (!w)
        return;
    uint64_t swin = (uint64_t)(p->v[P_SHARED_WINDOW] * 1e6);
    uint32_t shared = window_shared(w, now, swin, 0);
    uint32_t shared_algo = window_shared(w, now, swin, 1);
    /* word-like names are shared by accident (typos, dead links): twice as
     * many of them are needed */
    if (shared_algo < (uint32_t)p->v[P_SHARED_MIN_NAMES] &&
        shared < 2 * (uint32_t)p->v[P_SHARED_MIN_NAMES])
        return;
    struct evidence *e = host_evidence(ht, h, EVK_DGA_SHARED, 1);
    if (!e)
        return;
    char peers[160];
    size_t off = 0;
    peers[0] = '\0';
    for (int i = 0; i < w->npeers; i++) {
        struct host *ph = host_at(ht, w->peer_idx[i], w->peer_gen[i]);
        if (!ph)
            continue;
        char ip[64];
        addr_format(&ph->ip, ip, sizeof(ip));
        int k = snprintf(peers + off, sizeof(peers) - off, "%s%s", off ? ", " : "", ip);
        if (k < 0 || (size_t)k >= sizeof(peers) - off)
            break;
        off += (size_t)k;
    }
    double conf = 0.6 + 0.4 * clamp01((shared - p->v[P_SHARED_MIN_NAMES]) /
                                      (p->v[P_SHARED_MIN_NAMES] * 3));
    if (shared_algo < (uint32_t)p->v[P_SHARED_MIN_NAMES])
        conf *= 0.8;   /* word-like names only: less sure it is one family */
    if (!e->active)
        e->first_us = now;
    e->active = 1;
    e->last_us = now;
    e->count++;
    e->weight = p->v[P_SHARED_WEIGHT];
    e->confidence = conf;
    snprintf(e->indicator, sizeof(e->indicator), "%s", w->shared_ex);
    snprintf(e->explanation, sizeof(e->explanation),
             "%u of its failed names (%u algorithmic-looking) were also failed by %s "
             "(e.g. '%s'): the same DGA family on several hosts",
             shared, shared_algo, peers[0] ? peers : "other hosts", w->shared_ex);
    host_touched_add(out, ht, h);
}

/* The name was failed by h: join it to the hosts that failed it too. */
static void share(struct dgahost *g, struct host_table *ht, struct host *h,
                  uint64_t name_hash, const char *name, int algo, uint64_t now,
                  const struct detect_params *p, struct host_touched *out)
{
    uint64_t win_us = (uint64_t)(p->v[P_SHARED_WINDOW] * 1e6);
    uint32_t hi = host_index(ht, h);
    struct name_hosts *nh = lru_get(g->names, name_hash, 1, NULL);
    nh->algo = (uint8_t)algo;
    int me = -1;
    for (int i = 0; i < nh->n; i++)
        if (nh->idx[i] == hi && nh->gen[i] == h->gen)
            me = i;
    if (me < 0) {
        if (nh->n < DGAHOST_MAX_PEERS) {
            me = nh->n++;
        } else {        /* replace the oldest host of this name */
            me = 0;
            for (int i = 1; i < nh->n; i++)
                if (nh->ts[i] < nh->ts[me])
                    me = i;
        }
        nh->idx[me] = hi;
        nh->gen[me] = h->gen;
        nh->counted[me] = 0;
    }
    nh->ts[me] = now;

    /* live others within the window */
    int others = 0;
    for (int i = 0; i < nh->n; i++)
        if (i != me && nh->ts[i] + win_us >= now && host_at(ht, nh->idx[i], nh->gen[i]))
            others++;
    if (!others)
        return;
    for (int i = 0; i < nh->n; i++) {
        if (nh->ts[i] + win_us < now)
            continue;
        struct host *x = host_at(ht, nh->idx[i], nh->gen[i]);
        if (!x)
            continue;
        struct nx_window *w = lru_peek(g->win, ((uint64_t)x->gen << 32) | nh->idx[i]);
        if (!w)
            continue;
        if (!nh->counted[i]) {
            nh->counted[i] = 1;
            for (uint32_t k = 0; k < w->n; k++)
                if (w->e[k].hash == name_hash)
                    w->e[k].shared = 1;
            if (nh->algo || !w->shared_ex[0])
                snprintf(w->shared_ex, sizeof(w->shared_ex), "%s", name);
        }
        /* remember peers for the explanation */
        for (int j = 0; j < nh->n; j++) {
            if (j == i || nh->ts[j] + win_us < now)
                continue;
            int known = 0;
            for (int k = 0; k < w->npeers; k++)
                if (w->peer_idx[k] == nh->idx[j] && w->peer_gen[k] == nh->gen[j])
                    known = 1;
            if (!known && w->npeers < DGAHOST_MAX_PEERS) {
                w->peer_idx[w->npeers] = nh->idx[j];
                w->peer_gen[w->npeers] = nh->gen[j];
                w->npeers++;
            }
        }
        update_shared_evidence(g, ht, x, now, p, out);
    }
}

void dgahost_failed(struct dgahost *g, struct host_table *ht, struct host *h,
                    const struct dga_verdict *v, uint64_t now_us,
                    const struct detect_params *p, struct host_touched *out)
{
    /* popular names fail for mundane reasons (ad blocking, outages) */
    if (v->popular)
        return;
    int algo = v->score >= p->v[P_DGA_CONTEXT_SCORE];
    g->st.failures_counted++;
    uint64_t win_us = (uint64_t)(p->v[P_NX_WINDOW] * 1e6);
    int created;
    size_t before = lru_evictions(g->win);
    struct nx_window *w = lru_get(g->win, host_key(ht, h), 1, &created);
    if (lru_evictions(g->win) != before)
        g->st.windows_evicted++;

    uint64_t hash = name_key(g, v->parts.regdomain);
    int found = 0;
    for (uint32_t i = 0; i < w->n; i++) {
        if (w->e[i].hash == hash) {
            w->e[i].ts = now_us;
            if (w->e[i].hits < UINT16_MAX)
                w->e[i].hits++;
            found = 1;
            break;
        }
    }
    if (!found) {
        uint32_t slot;
        if (w->n < NX_KEEP) {
            slot = w->n++;
        } else {
            slot = w->next;
            w->next = (w->next + 1) % NX_KEEP;
        }
        w->e[slot].hash = hash;
        w->e[slot].ts = now_us;
        w->e[slot].first_ts = now_us;
        w->e[slot].score = (float)v->score;
        w->e[slot].tld = suffix_key(g, v);
        w->e[slot].hits = 1;
        w->e[slot].algo = (uint8_t)algo;
        w->e[slot].shared = 0;
        w->e[slot].label_len = (uint8_t)(v->parts.label_len > 255 ? 255 : v->parts.label_len);
        w->e[slot].digits = label_has_digit(v);
        if (algo) {
            long_note(w, now_us, v->score, p);
            /* the host holds DGA state: keep it through floods */
            host_watch(ht, h, now_us + (uint64_t)(p->v[P_NX_LONG_WINDOW] * 1e6));
        }
    }
    note_example(w, v->parts.regdomain, (float)v->score, now_us, win_us);
    update_nx_evidence(ht, h, w, now_us, p, out);
    if (!found) {
        size_t nb = lru_evictions(g->names);
        share(g, ht, h, hash, v->parts.regdomain, algo, now_us, p, out);
        if (lru_evictions(g->names) != nb)
            g->st.names_evicted++;
    }
}

/* Does the resolving name belong to the failing family by shape?  The
 * failing names must share one shape (most of them under the resolving
 * name's public suffix, label lengths within a narrow spread, digits or
 * none alike) and the resolving name must fit it.  Dead bookmarks and
 * typos vary in all of these; a DGA family rarely does.  Word-like DGAs
 * give no lexical hint, so the family resemblance is what is left. */
static int same_shape(const struct dgahost *g, const struct nx_window *w,
                      const struct dga_verdict *v, uint64_t now, uint64_t win_us,
                      const struct detect_params *p)
{
    uint32_t tld = suffix_key(g, v);
    int digits = label_has_digit(v);
    int n = 0, same_tld = 0, same_digits = 0, lo = 255, hi = 0;
    for (uint32_t i = 0; i < w->n; i++) {
        if (w->e[i].ts + win_us < now)
            continue;
        n++;
        same_tld += w->e[i].tld == tld;
        same_digits += w->e[i].digits == digits;
        if (w->e[i].label_len < lo) lo = w->e[i].label_len;
        if (w->e[i].label_len > hi) hi = w->e[i].label_len;
    }
    double share = p->v[P_RESOLVED_SHAPE_SUFFIX];
    return n && same_tld >= share * n && same_digits >= share * n &&
           hi - lo <= (int)p->v[P_RESOLVED_SHAPE_SPREAD] &&
           (int)v->parts.label_len >= lo && (int)v->parts.label_len <= hi;
}

void dgahost_resolved(struct dgahost *g, struct host_table *ht, struct host *h,
                      const struct dga_verdict *v, const char *addrs,
                      uint64_t now_us, const struct detect_params *p,
                      struct host_touched *out)
{
    if (v->popular)
        return;
    struct nx_window *w = lru_peek(g->win, host_key(ht, h));
    if (!w)
        return;
    uint64_t win_us = (uint64_t)(p->v[P_NX_WINDOW] * 1e6);
    double mean, mean_all;
    int n = window_count(w, now_us, win_us, p->v[P_DGA_CONTEXT_SCORE], &mean);
    int n_all = window_count(w, now_us, win_us, 0, &mean_all);
    int shape = same_shape(g, w, v, now_us, win_us, p);
    /* algorithmic itself, after algorithmic failures -- except under a
     * provider's private suffix (d2x7kq9w1b3c5e.cloudfront.net is random by
     * design), where only the family's own shape counts */
    int lexical = n >= (int)p->v[P_RESOLVED_MIN_FAILURES] &&
                  v->score >= p->v[P_DGA_CONTEXT_SCORE] &&
                  (!v->parts.private_suffix || shape);
    int family = !lexical && n_all >= 2 * (int)p->v[P_RESOLVED_MIN_FAILURES] && shape;
    if (!lexical && !family)
        return;
    /* the same name failing earlier is not "finally resolving" */
    uint64_t hash = name_key(g, v->parts.regdomain);
    for (uint32_t i = 0; i < w->n; i++)
        if (w->e[i].hash == hash)
            return;
    struct evidence *e = host_evidence(ht, h, EVK_DGA_RESOLVED, 1);
    if (!e)
        return;
    double conf = lexical ? clamp01((0.55 + 0.4 * v->score) *
                                    (0.7 + 0.3 * clamp01(n / p->v[P_NX_FULL_NAMES])))
                          : 0.5 + 0.2 * clamp01(n_all / (2 * p->v[P_NX_VOLUME_NAMES]));
    if (!e->active)
        e->first_us = now_us;
    e->active = 1;
    e->last_us = now_us;
    e->count++;
    e->weight = p->v[P_RESOLVED_WEIGHT];
    e->confidence = conf;
    snprintf(e->indicator, sizeof(e->indicator), "%s", v->parts.regdomain);
    e->ioc_type = IOC_DOMAIN;
    snprintf(e->ioc, sizeof(e->ioc), "%s", v->parts.regdomain);
    if (lexical)
        snprintf(e->explanation, sizeof(e->explanation),
                 "'%s' (DGA score %.2f) resolved%s%s after %d failed algorithmic lookups: "
                 "likely the live C2",
                 v->parts.regdomain, v->score, addrs && *addrs ? " to " : "",
                 addrs ? addrs : "", n);
    else
        snprintf(e->explanation, sizeof(e->explanation),
                 "'%s' resolved%s%s after %d failed lookups of unpopular names shaped like it "
                 "(same suffix, same narrow length range): likely the live C2",
                 v->parts.regdomain, addrs && *addrs ? " to " : "", addrs ? addrs : "",
                 n_all);
    host_touched_add(out, ht, h);
}

void dgahost_get_stats(const struct dgahost *g, struct dgahost_stats *s)
{
    *s = g->st;
    s->windows_evicted_algo = lru_evictions_weighty(g->win);
}
