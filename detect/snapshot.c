/*
 * snapshot.c -- host state across restarts (detect.h, "host state across
 * restarts").
 *
 * File format, version 1, every integer little-endian, every double as
 * its IEEE-754 bits in a u64, every string a length (u8 or u16) then its
 * bytes (no NUL inside, never longer than the field it fills):
 *
 *   "SHSNAP" u16 version
 *   u64 created (wall clock, s)   u64 last packet (us)
 *   u32 hosts  u32 learnt indicators  u32 prefixes
 *   str8 sensor  str8 spanhound version
 *   hosts      (flagged first, then most recently seen first)
 *   learnt     (learning order)
 *   prefixes
 *   u64 SipHash-2-4 (libsodium crypto_shorthash, fixed key) of all the above
 *
 * A host: u8 family, 16 address bytes, u64 first, u64 last; two bindings
 * (6 MAC bytes, u8 source, u8 claimed, u16 seconds seen, u64 first, u64
 * last); u64 conflict since; u8 the binding's trust when written (enum
 * mac_status); str8 hostname, 6 bytes its MAC, u64 when given; u8 flags
 * (1 flagged, 2 ever flagged); f64 score, u64 its time, u64 flagged since,
 * u32 reported kinds, u64 reported at; u8 evidence count, then each: u8
 * kind, u64 first, u64 last, f64 weight, f64 confidence, u32 count, str16
 * indicator, str16 explanation, u8 ioc type, str16 ioc, u32 ASN, str8
 * country, str8 AS organisation, f64 GeoIP factor, u16 GeoIP suffix length,
 * u8 peer family, 16 peer bytes.
 * A learnt indicator: u8 type, str16 value, u8 first host's family + 16
 * bytes, u8 evidence kind, str16 explanation, u64 learnt, u64 expires, u32
 * hosts.  A prefix: u8 family, u8 bits, 16 bytes, u64 expires, str8 source.
 *
 * Loading reads the file as hostile bytes: the checksum first, then every
 * record is decoded and checked (lengths, ranges, finite numbers) in a
 * first pass that changes nothing; only a file that passes completely is
 * applied in a second pass.
 */
#define _GNU_SOURCE
#include "detect.h"
#include "../config/files.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "host.h"
#include "restore.h"
#include "ti.h"

#ifndef SPANHOUND_VERSION
#define SPANHOUND_VERSION "0.1.0"
#endif

#define SNAP_MAGIC "SHSNAP"
#define SNAP_SUM 8
#define SNAP_MIN (6 + 2 + 8 + 8 + 4 + 4 + 4 + 1 + 1 + SNAP_SUM)

static const unsigned char snap_key[crypto_shorthash_KEYBYTES] = "spanhound-state1";

static void checksum(const uint8_t *p, size_t n, uint8_t out[SNAP_SUM])
{
    crypto_shorthash(out, p, (unsigned long long)n, snap_key);
}

/* The sensor name as the NAC feed uses it: redis.sensor, else the host name. */
static void sensor_name(const struct detect *d, char *out, size_t n)
{
    const struct sh_config *c = detect_restore_config(d);
    if (c->redis.sensor[0]) {
        snprintf(out, n, "%s", c->redis.sensor);
        return;
    }
    char h[256] = "";
    if (gethostname(h, sizeof(h) - 1) < 0 || !h[0])
        snprintf(h, sizeof(h), "spanhound");
    snprintf(out, n, "%.63s", h);
}

static void iso(uint64_t us, char *buf, size_t n)
{
    time_t t = (time_t)(us / 1000000);
    struct tm tm;
    if (!us || !gmtime_r(&t, &tm) || !strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(buf, n, "-");
}

/* ---- writing ---------------------------------------------------------------- */

struct wbuf {
    uint8_t *p;
    size_t len, cap, max;
    int over;                       /* a write did not fit in max        */
};

static void w_bytes(struct wbuf *w, const void *src, size_t n)
{
    if (w->over)
        return;
    if (w->len + n > w->max) {
        w->over = 1;
        return;
    }
    if (w->len + n > w->cap) {
        size_t cap = w->cap ? w->cap : 65536;
        while (cap < w->len + n)
            cap *= 2;
        if (cap > w->max)
            cap = w->max;
        uint8_t *q = realloc(w->p, cap);
        if (!q) {
            w->over = 2;            /* out of memory */
            return;
        }
        w->p = q;
        w->cap = cap;
    }
    memcpy(w->p + w->len, src, n);
    w->len += n;
}

static void w_u8(struct wbuf *w, uint8_t v) { w_bytes(w, &v, 1); }

static void w_uint(struct wbuf *w, uint64_t v, int n)
{
    uint8_t b[8];
    for (int i = 0; i < n; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    w_bytes(w, b, (size_t)n);
}

static void w_u16(struct wbuf *w, uint16_t v) { w_uint(w, v, 2); }
static void w_u32(struct wbuf *w, uint32_t v) { w_uint(w, v, 4); }
static void w_u64(struct wbuf *w, uint64_t v) { w_uint(w, v, 8); }

static void w_f64(struct wbuf *w, double v)
{
    uint64_t u;
    memcpy(&u, &v, 8);
    w_u64(w, u);
}

/* a NUL-terminated field of capacity cap: its length as u8 (cap <= 256) or u16 */
static void w_str(struct wbuf *w, const char *s, size_t cap, int wide)
{
    size_t n = strnlen(s, cap - 1);
    if (wide)
        w_u16(w, (uint16_t)n);
    else
        w_u8(w, (uint8_t)n);
    w_bytes(w, s, n);
}

static void w_addr(struct wbuf *w, const struct sh_addr *a)
{
    w_u8(w, a->family);
    w_bytes(w, a->a, 16);
}

static void w_binding(struct wbuf *w, const struct mac_binding *b)
{
    w_bytes(w, b->mac, 6);
    w_u8(w, b->source);
    w_u8(w, b->claimed);
    w_u16(w, b->seen);
    w_u64(w, b->first_us);
    w_u64(w, b->last_us);
}

static void w_host(struct wbuf *w, struct detect *d, struct host *h)
{
    struct host_table *t = detect_restore_table(d);
    struct mac_view mv;
    host_mac_view(t, h, detect_restore_now(d), &mv);
    w_addr(w, &h->ip);
    w_u64(w, h->first_us);
    w_u64(w, h->last_us);
    w_binding(w, &h->bind[0]);
    w_binding(w, &h->bind[1]);
    w_u64(w, h->conflict_us);
    w_u8(w, mv.status);
    w_str(w, h->hostname, sizeof(h->hostname), 0);
    w_bytes(w, h->hostname_mac, 6);
    w_u64(w, h->hostname_us);
    w_u8(w, (uint8_t)((h->flagged ? 1 : 0) | (h->ever_flagged ? 2 : 0)));
    w_f64(w, h->score);
    w_u64(w, h->score_us);
    w_u64(w, h->flagged_us);
    w_u32(w, h->reported_kinds);
    w_u64(w, h->reported_us);
    int nev = 0;
    for (int k = 0; k < HOST_EV_MAX; k++) {
        const struct evidence *e = host_evidence_at(t, h, k);
        nev += e && e->active;
    }
    w_u8(w, (uint8_t)nev);
    for (int k = 0; k < HOST_EV_MAX; k++) {
        const struct evidence *e = host_evidence_at(t, h, k);
        if (!e || !e->active)
            continue;
        w_u8(w, e->kind);
        w_u64(w, e->first_us);
        w_u64(w, e->last_us);
        w_f64(w, e->weight);
        w_f64(w, e->confidence);
        w_u32(w, e->count);
        w_str(w, e->indicator, sizeof(e->indicator), 1);
        w_str(w, e->explanation, sizeof(e->explanation), 1);
        w_u8(w, e->ioc_type);
        w_str(w, e->ioc, sizeof(e->ioc), 1);
        w_u32(w, e->geo_asn);
        w_str(w, e->geo_cc, sizeof(e->geo_cc), 0);
        w_str(w, e->geo_org, sizeof(e->geo_org), 0);
        w_f64(w, e->geo_factor);
        w_u16(w, e->geo_len);
        w_addr(w, &e->peer);
    }
}

struct learnt_w {
    struct wbuf *w;
    uint32_t n;
    size_t mark;                   /* length before the last one          */
    int full;
};

static void w_learnt(void *ctx, const struct learned_ioc *l)
{
    struct learnt_w *lw = ctx;
    if (lw->full)
        return;
    size_t mark = lw->w->len;
    w_u8(lw->w, l->type);
    w_str(lw->w, l->value, sizeof(l->value), 1);
    w_addr(lw->w, &l->first_host);
    w_u8(lw->w, l->evidence_kind);
    w_str(lw->w, l->explanation, sizeof(l->explanation), 1);
    w_u64(lw->w, l->learnt_us);
    w_u64(lw->w, l->expires_us);
    w_u32(lw->w, l->hosts);
    if (lw->w->over || lw->w->len + SNAP_SUM > lw->w->max) {
        lw->w->len = mark;             /* did not fit: left out */
        if (lw->w->over == 1)
            lw->w->over = 0;
        lw->full = 1;
        return;
    }
    lw->n++;
}

struct hcollect {
    struct detect *d;
    struct host **v;
    size_t n, cap;
};

static void collect(void *ctx, struct host *h)
{
    struct hcollect *c = ctx;
    if (c->n >= c->cap || detect_restore_is_shadow(h))
        return;
    if (!h->flagged && !host_has_evidence(detect_restore_table(c->d), h))
        return;
    c->v[c->n++] = h;
}

/* flagged first, then the most recently seen */
static int by_keep(const void *a, const void *b)
{
    const struct host *x = *(struct host *const *)a, *y = *(struct host *const *)b;
    if (x->flagged != y->flagged)
        return y->flagged - x->flagged;
    if (x->last_us != y->last_us)
        return x->last_us < y->last_us ? 1 : -1;
    if (x->ip.family != y->ip.family)
        return x->ip.family - y->ip.family;
    return memcmp(x->ip.a, y->ip.a, 16);
}

int detect_snapshot_write(const char *path, const uint8_t *p, size_t n, char *err,
                          size_t errlen)
{
    char tmp[4096 + 16], prev[4096 + 16];
    if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp)) {
        snprintf(err, errlen, "snapshot %s: path too long", path);
        return -1;
    }
    snprintf(prev, sizeof(prev), "%s.prev", path);
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "snapshot %s: cannot create a temporary file: %s", path,
                 strerror(errno));
        return -1;
    }
    fchmod(fd, 0600);
    if (file_write_all(fd, p, n) < 0) {
        snprintf(err, errlen, "snapshot %s: write failed: %s", path,
                 errno ? strerror(errno) : "no progress");
        close(fd);
        unlink(tmp);
        return -1;
    }
    if (fsync(fd) < 0) {
        snprintf(err, errlen, "snapshot %s: fsync failed: %s", path, strerror(errno));
        close(fd);
        unlink(tmp);
        return -1;
    }
    close(fd);
    /* the one before stays as .prev (a hard link: path never goes missing) */
    unlink(prev);
    if (link(path, prev) < 0 && errno != ENOENT) {
        /* not fatal: no fallback this time */
    }
    if (rename(tmp, path) < 0) {
        snprintf(err, errlen, "snapshot %s: rename failed: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    file_sync_dir(path);
    return 0;
}

int detect_snapshot_encode(struct detect *d, size_t max_bytes, uint8_t **out, size_t *outlen,
                           char *err, size_t errlen)
{
    struct host_table *t = detect_restore_table(d);
    char sensor[64];
    err[0] = 0;
    *out = NULL;
    *outlen = 0;
    if (sodium_init() < 0) {
        snprintf(err, errlen, "libsodium failed to initialise");
        return -1;
    }
    if (max_bytes < 4096)
        max_bytes = 4096;
    struct hcollect c = { d, NULL, 0, host_table_capacity(t) };
    c.v = malloc(sizeof(*c.v) * (c.cap ? c.cap : 1));
    if (!c.v) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    host_foreach(t, collect, &c);
    qsort(c.v, c.n, sizeof(*c.v), by_keep);

    struct wbuf w = { NULL, 0, 0, max_bytes, 0 };
    sensor_name(d, sensor, sizeof(sensor));
    w_bytes(&w, SNAP_MAGIC, 6);
    w_u16(&w, DETECT_SNAPSHOT_VERSION);
    w_u64(&w, (uint64_t)time(NULL));
    w_u64(&w, detect_restore_now(d));
    size_t counts = w.len;
    w_u32(&w, 0);
    w_u32(&w, 0);
    w_u32(&w, 0);
    w_str(&w, sensor, sizeof(sensor), 0);
    w_str(&w, SPANHOUND_VERSION, 64, 0);

    struct detect_prefix pf[DETECT_PREFIXES_MAX];
    int np = detect_restore_prefixes(d, pf, DETECT_PREFIXES_MAX), wp = 0;
    for (int i = 0; i < np && !w.over; i++) {
        size_t mark = w.len;
        w_u8(&w, pf[i].net.family);
        w_u8(&w, pf[i].net.bits);
        w_bytes(&w, pf[i].net.a, 16);
        w_u64(&w, pf[i].expires_us);
        w_str(&w, pf[i].source, sizeof(pf[i].source), 0);
        if (w.over || w.len + SNAP_SUM > w.max) {
            w.len = mark;
            if (w.over == 1)
                w.over = 0;
            break;
        }
        wp++;
    }
    uint32_t nh = 0, nflagged = 0;
    for (size_t i = 0; i < c.n && !w.over; i++) {
        size_t mark = w.len;
        w_host(&w, d, c.v[i]);
        if (w.over || w.len + SNAP_SUM > w.max) {
            w.len = mark;                /* does not fit: the rest is left out */
            if (w.over == 1)
                w.over = 0;
            break;
        }
        nh++;
        nflagged += c.v[i]->flagged;
    }
    uint32_t left_out = (uint32_t)c.n - nh;
    free(c.v);
    struct learnt_w lw = { &w, 0, 0, 0 };
    if (!w.over && !left_out)
        detect_learned_iocs(d, w_learnt, &lw);
    if (w.over) {
        snprintf(err, errlen, "out of memory");
        free(w.p);
        return -1;
    }
    for (int i = 0; i < 4; i++) {
        w.p[counts + i] = (uint8_t)(nh >> (8 * i));
        w.p[counts + 4 + i] = (uint8_t)(lw.n >> (8 * i));
        w.p[counts + 8 + i] = (uint8_t)((uint32_t)wp >> (8 * i));
    }
    uint8_t sum[SNAP_SUM];
    checksum(w.p, w.len, sum);
    w.max += SNAP_SUM;                   /* (room was kept for it) */
    w_bytes(&w, sum, SNAP_SUM);
    if (w.over) {
        snprintf(err, errlen, "out of memory");
        free(w.p);
        return -1;
    }
    if (left_out)
        snprintf(err, errlen, "%u hosts (%u flagged), %zu bytes; %u hosts left out "
                 "(state.max_mb)", nh, nflagged, w.len, left_out);
    else
        snprintf(err, errlen, "%u hosts (%u flagged), %u learnt indicators, %zu bytes", nh,
                 nflagged, lw.n, w.len);
    *out = w.p;
    *outlen = w.len;
    return (int)nh;
}

int detect_snapshot_save(struct detect *d, const char *path, size_t max_bytes, char *err,
                         size_t errlen)
{
    uint8_t *p;
    size_t n;
    char what[256];
    int hosts = detect_snapshot_encode(d, max_bytes, &p, &n, what, sizeof(what));
    if (hosts < 0) {
        snprintf(err, errlen, "snapshot %s: %s", path, what);
        return -1;
    }
    int rc = detect_snapshot_write(path, p, n, err, errlen);
    free(p);
    if (rc < 0)
        return -1;
    snprintf(err, errlen, "snapshot %s: %s", path, what);
    return hosts;
}

/* ---- reading ------------------------------------------------------------------ */

struct rbuf {
    const uint8_t *p;
    size_t len, off;
    int bad;
};

static int r_take(struct rbuf *r, void *dst, size_t n)
{
    if (r->bad || n > r->len - r->off) {
        r->bad = 1;
        if (dst)
            memset(dst, 0, n);
        return -1;
    }
    if (dst)
        memcpy(dst, r->p + r->off, n);
    r->off += n;
    return 0;
}

static uint64_t r_uint(struct rbuf *r, int n)
{
    uint8_t b[8];
    if (r_take(r, b, (size_t)n) < 0)
        return 0;
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | b[i];
    return v;
}

static uint8_t r_u8(struct rbuf *r) { return (uint8_t)r_uint(r, 1); }
static uint16_t r_u16(struct rbuf *r) { return (uint16_t)r_uint(r, 2); }
static uint32_t r_u32(struct rbuf *r) { return (uint32_t)r_uint(r, 4); }
static uint64_t r_u64(struct rbuf *r) { return r_uint(r, 8); }

static double r_f64(struct rbuf *r)
{
    uint64_t u = r_u64(r);
    double v;
    memcpy(&v, &u, 8);
    if (!isfinite(v))
        r->bad = 1;
    return v;
}

/* a string into dst[cap]: shorter than cap, no NUL inside */
static void r_str(struct rbuf *r, char *dst, size_t cap, int wide)
{
    size_t n = wide ? r_u16(r) : r_u8(r);
    dst[0] = 0;
    if (r->bad)
        return;
    if (n >= cap || r_take(r, dst, n) < 0) {
        r->bad = 1;
        dst[0] = 0;
        return;
    }
    dst[n] = 0;
    if (strlen(dst) != n)
        r->bad = 1;
}

static void r_addr(struct rbuf *r, struct sh_addr *a, int optional)
{
    memset(a, 0, sizeof(*a));
    a->family = r_u8(r);
    r_take(r, a->a, 16);
    if (a->family == 4) {
        for (int i = 4; i < 16; i++)
            if (a->a[i])
                r->bad = 1;
    } else if (a->family != 6 && !(optional && a->family == 0)) {
        r->bad = 1;
    }
}

static void r_binding(struct rbuf *r, struct mac_binding *b)
{
    r_take(r, b->mac, 6);
    b->source = r_u8(r);
    b->claimed = r_u8(r);
    b->seen = r_u16(r);
    b->first_us = r_u64(r);
    b->last_us = r_u64(r);
    if (b->source > MAC_DHCP || b->claimed > 1)
        r->bad = 1;
}

/* one host record, checked; ev[] gets its evidence */
static void r_host(struct rbuf *r, struct host *h, uint8_t *status, struct evidence *ev,
                   int *nev)
{
    memset(h, 0, sizeof(*h));
    r_addr(r, &h->ip, 0);
    h->first_us = r_u64(r);
    h->last_us = r_u64(r);
    r_binding(r, &h->bind[0]);
    r_binding(r, &h->bind[1]);
    h->conflict_us = r_u64(r);
    *status = r_u8(r);
    r_str(r, h->hostname, sizeof(h->hostname), 0);
    r_take(r, h->hostname_mac, 6);
    h->hostname_us = r_u64(r);
    uint8_t fl = r_u8(r);
    h->flagged = fl & 1;
    h->ever_flagged = (fl >> 1) & 1;
    h->score = r_f64(r);
    h->score_us = r_u64(r);
    h->flagged_us = r_u64(r);
    h->reported_kinds = r_u32(r);
    h->reported_us = r_u64(r);
    *nev = r_u8(r);
    if (*status > MACST_CONFLICT || fl > 3 || *nev > HOST_EV_MAX || h->score < 0)
        r->bad = 1;
    for (int i = 0; i < *nev && !r->bad; i++) {
        struct evidence *e = &ev[i];
        memset(e, 0, sizeof(*e));
        e->kind = r_u8(r);
        e->active = 1;
        e->first_us = r_u64(r);
        e->last_us = r_u64(r);
        e->weight = r_f64(r);
        e->confidence = r_f64(r);
        e->count = r_u32(r);
        r_str(r, e->indicator, sizeof(e->indicator), 1);
        r_str(r, e->explanation, sizeof(e->explanation), 1);
        e->ioc_type = r_u8(r);
        r_str(r, e->ioc, sizeof(e->ioc), 1);
        e->geo_asn = r_u32(r);
        r_str(r, e->geo_cc, sizeof(e->geo_cc), 0);
        r_str(r, e->geo_org, sizeof(e->geo_org), 0);
        e->geo_factor = r_f64(r);
        e->geo_len = r_u16(r);
        r_addr(r, &e->peer, 1);
        if (e->kind >= EVK_MAX || e->ioc_type >= IOC_TYPE_MAX || e->weight < 0 ||
            e->weight > 1e6 || e->confidence < 0 || e->confidence > 1 || e->geo_factor < 0 ||
            e->geo_factor > 1e6 || e->geo_len > strlen(e->explanation))
            r->bad = 1;
    }
}

static void r_learnt(struct rbuf *r, struct learned_ioc *l)
{
    memset(l, 0, sizeof(*l));
    l->type = r_u8(r);
    r_str(r, l->value, sizeof(l->value), 1);
    r_addr(r, &l->first_host, 0);
    l->evidence_kind = r_u8(r);
    r_str(r, l->explanation, sizeof(l->explanation), 1);
    l->learnt_us = r_u64(r);
    l->expires_us = r_u64(r);
    l->hosts = r_u32(r);
    if (l->type == IOC_NONE || l->type >= IOC_TYPE_MAX || l->evidence_kind >= EVK_MAX)
        r->bad = 1;
}

static void r_prefix(struct rbuf *r, struct detect_prefix *p)
{
    memset(p, 0, sizeof(*p));
    p->net.family = r_u8(r);
    p->net.bits = r_u8(r);
    r_take(r, p->net.a, 16);
    p->expires_us = r_u64(r);
    r_str(r, p->source, sizeof(p->source), 0);
    if (p->net.family != 6 || p->net.bits > 128)
        r->bad = 1;
}

struct loaded {
    int hosts, flagged, evidence, ev_dropped, outside, no_room, present, learnt, prefixes;
};

static int by_last_seen(const void *a, const void *b)
{
    const struct host *x = *(struct host *const *)a, *y = *(struct host *const *)b;
    return x->last_us < y->last_us ? -1 : x->last_us > y->last_us;
}

/* Decode everything (apply == 0: check only, nothing changes). */
static int decode(struct detect *d, struct rbuf *r, uint32_t nh, uint32_t nl, uint32_t np,
                  uint64_t last_us, int apply, struct loaded *out, uint32_t *bad_rec)
{
    struct host_table *t = detect_restore_table(d);
    struct host *h = malloc(sizeof(*h));
    struct evidence *ev = malloc(sizeof(*ev) * HOST_EV_MAX);
    struct host **restored = NULL;
    size_t nr = 0;
    if (apply)
        restored = malloc(sizeof(*restored) * (nh ? nh : 1));
    if (!h || !ev || (apply && !restored)) {
        free(h);
        free(ev);
        free(restored);
        return -2;
    }
    memset(out, 0, sizeof(*out));
    *bad_rec = 0;
    for (uint32_t i = 0; i < np && !r->bad; i++) {
        struct detect_prefix p;
        r_prefix(r, &p);
        if (!r->bad && apply)
            out->prefixes += detect_restore_prefix(d, &p);
    }
    for (uint32_t i = 0; i < nh && !r->bad; i++) {
        uint8_t status;
        int nev;
        r_host(r, h, &status, ev, &nev);
        if (r->bad) {
            *bad_rec = i + 1;
            break;
        }
        if (!apply)
            continue;
        uint8_t infra;
        if (!detect_restore_internal(d, &h->ip, &infra)) {
            out->outside++;
            continue;
        }
        if (host_get(t, &h->ip, 0, 0)) {
            out->present++;
            continue;
        }
        int dropped;
        struct host *x = host_restore(t, h, status, ev, nev, &dropped);
        if (!x) {
            out->no_room++;
            continue;
        }
        x->infra = infra;
        restored[nr++] = x;
        out->hosts++;
        out->flagged += x->flagged;
        out->evidence += nev - dropped;
        out->ev_dropped += dropped;
    }
    struct learned_ioc *l = malloc(sizeof(*l));
    for (uint32_t i = 0; l && i < nl && !r->bad; i++) {
        r_learnt(r, l);
        if (!r->bad && apply)
            out->learnt += ti_restore_learned(detect_restore_ti(d), t, l, last_us);
    }
    free(l);
    if (apply) {
        /* the table's LRU order is last-seen order (expiry walks it) */
        qsort(restored, nr, sizeof(*restored), by_last_seen);
        for (size_t i = 0; i < nr; i++)
            host_refile(t, restored[i], restored[i]->last_us);
    }
    free(h);
    free(ev);
    free(restored);
    if (!r->bad && r->off != r->len)
        r->bad = 1;                      /* trailing bytes */
    return r->bad ? -1 : 0;
}

int detect_snapshot_restore(struct detect *d, const uint8_t *p, size_t len, const char *name,
                            char *err, size_t errlen)
{
    err[0] = 0;
    if (sodium_init() < 0) {
        snprintf(err, errlen, "snapshot %s: libsodium failed to initialise (skipped)", name);
        return -1;
    }
    if (len < SNAP_MIN || memcmp(p, SNAP_MAGIC, 6) != 0) {
        snprintf(err, errlen, "snapshot %s: not a spanhound snapshot, skipped; starting empty",
                 name);
        return -1;
    }
    unsigned version = (unsigned)p[6] | (unsigned)p[7] << 8;
    if (version != DETECT_SNAPSHOT_VERSION) {
        snprintf(err, errlen, "snapshot %s: version %u not supported (skipped)", name, version);
        return -1;
    }
    uint8_t sum[SNAP_SUM];
    checksum(p, len - SNAP_SUM, sum);
    if (sodium_memcmp(sum, p + len - SNAP_SUM, SNAP_SUM) != 0) {
        snprintf(err, errlen, "snapshot %s: corrupt (checksum), skipped; starting empty", name);
        return -1;
    }
    struct rbuf r = { p, len - SNAP_SUM, 8, 0 };
    uint64_t created = r_u64(&r), last_us = r_u64(&r);
    uint32_t nh = r_u32(&r), nl = r_u32(&r), np = r_u32(&r);
    char sensor[64], version_s[64], mine[64];
    r_str(&r, sensor, sizeof(sensor), 0);
    r_str(&r, version_s, sizeof(version_s), 0);
    if (r.bad) {
        snprintf(err, errlen, "snapshot %s: corrupt (header), skipped; starting empty", name);
        return -1;
    }
    sensor_name(d, mine, sizeof(mine));
    if (strcmp(sensor, mine) != 0) {
        snprintf(err, errlen, "snapshot %s: written by sensor '%s', this is '%s' (skipped; "
                 "starting empty)", name, sensor, mine);
        return -1;
    }
    struct loaded lo;
    uint32_t bad_rec;
    size_t body = r.off;
    int rc = decode(d, &r, nh, nl, np, last_us, 0, &lo, &bad_rec);
    if (rc == -2) {
        snprintf(err, errlen, "snapshot %s: out of memory (skipped)", name);
        return -1;
    }
    if (rc < 0) {
        if (bad_rec)
            snprintf(err, errlen, "snapshot %s: corrupt (host record %u), skipped; starting "
                     "empty", name, bad_rec);
        else
            snprintf(err, errlen, "snapshot %s: corrupt (records), skipped; starting empty",
                     name);
        return -1;
    }
    r.off = body;
    r.bad = 0;
    detect_restore_set_now(d, last_us);
    if (decode(d, &r, nh, nl, np, last_us, 1, &lo, &bad_rec) == -2) {
        snprintf(err, errlen, "snapshot %s: out of memory while restoring", name);
        return -1;
    }
    detect_restore_pending(d, last_us, lo.hosts, lo.flagged);
    char c_txt[32], l_txt[32];
    iso(created * 1000000ULL, c_txt, sizeof(c_txt));
    iso(last_us, l_txt, sizeof(l_txt));
    int n = snprintf(err, errlen, "snapshot %s: restored %d hosts (%d flagged, %d evidence), "
                     "%d learnt indicators, written %s by spanhound %s, last packet %s", name,
                     lo.hosts, lo.flagged, lo.evidence, lo.learnt, c_txt, version_s, l_txt);
    if (n > 0 && (size_t)n < errlen && (lo.outside || lo.no_room || lo.present || lo.ev_dropped))
        snprintf(err + n, errlen - (size_t)n, "; not restored: %d outside home_net, %d beyond "
                 "the host table, %d present already, %d evidence beyond the pool",
                 lo.outside, lo.no_room, lo.present, lo.ev_dropped);
    return lo.hosts;
}

/* hosts restored (err: what), -2 no file, -1 skipped (err: why) */
static int load_one(struct detect *d, const char *path, size_t max_bytes, char *err,
                    size_t errlen)
{
    err[0] = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) {
        if (errno == ENOENT)
            return -2;
        snprintf(err, errlen, "snapshot %s: cannot read: %s; starting empty", path,
                 strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "snapshot %s: not a regular file, skipped; starting empty", path);
        close(fd);
        return -1;
    }
    if ((uint64_t)st.st_size > max_bytes + SNAP_SUM) {
        snprintf(err, errlen, "snapshot %s: %lld bytes, more than state.max_mb allows, skipped; "
                 "starting empty", path, (long long)st.st_size);
        close(fd);
        return -1;
    }
    size_t len = (size_t)st.st_size;
    uint8_t *buf = malloc(len ? len : 1);
    size_t off = 0;
    while (buf && off < len) {
        ssize_t k = read(fd, buf + off, len - off);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        off += (size_t)k;
    }
    close(fd);
    if (!buf || off != len) {
        snprintf(err, errlen, "snapshot %s: %s; starting empty", path,
                 buf ? "short read" : "out of memory");
        free(buf);
        return -1;
    }
    int rc = detect_snapshot_restore(d, buf, len, path, err, errlen);
    free(buf);
    return rc;
}

int detect_snapshot_load(struct detect *d, const char *path, size_t max_bytes, char *err,
                         size_t errlen)
{
    if (max_bytes < 4096)
        max_bytes = 4096;
    int rc = load_one(d, path, max_bytes, err, errlen);
    if (rc >= 0)
        return rc;
    if (rc == -2)
        return 0;                        /* no snapshot yet */
    /* the one before, if it is good */
    char prev[4096 + 16], msg[1024];
    snprintf(prev, sizeof(prev), "%s.prev", path);
    int rp = load_one(d, prev, max_bytes, msg, sizeof(msg));
    if (rp >= 0) {
        size_t n = strnlen(err, errlen);
        if (n + 3 < errlen)
            snprintf(err + n, errlen - n, "; %s", msg);
        return rp;
    }
    return -1;
}
