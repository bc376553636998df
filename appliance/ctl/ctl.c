/*
 * ctl.c -- spanhoundctl, the operator's tool for the Redis NAC feed
 * (docs/nac-feed.md, section "spanhoundctl").
 *
 *   spanhoundctl [options] list | show IP|MAC | release IP|MAC [--wait S]
 *                | allow IP|MAC | disallow IP|MAC | allowed | tail
 *
 * Everything read from Redis is untrusted: a reply of an unexpected type,
 * a field that is not JSON, a huge or binary value is shown for what it
 * is (sanitised for the terminal) and never dereferenced blindly.
 *
 * Exit status: 0 ok, 1 runtime failure (Redis unreachable or answering an
 * error, host not found, no answer to --wait), 2 bad usage.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "../../config/config.h"
#include "../../feeds/rconn.h"
#include "util.h"

#define EXIT_USAGE 2
#define CONTROL_MAXLEN "10000"
#define SHOW_SCAN 200            /* stream entries `show` looks through */
#define SHOW_EVENTS 10           /* ... and the most it prints          */
#define TAIL_BLOCK_MS 5000
#define MAX_SENSORS 64

struct ctl {
    struct sh_config *cfg;
    struct sh_redis_cfg *rc;
    redisContext *ctx;
    char where[300];
    int json;
    char by[128];
    char k_events[160], k_control[160], k_allow[160], k_infected[160];
    int width;                   /* terminal columns for tables */
};

/* One flagged host: a member of P:infected and its hash (NULL when the
 * hash expired or is not a hash). */
struct host {
    const char *ip;              /* points into the zset reply or a copy */
    size_t iplen;
    double zscore;
    int zscore_ok;
    redisReply *hash;            /* HGETALL reply, an array of strings   */
    const char *hash_err;        /* why hash is NULL despite the member  */
};

static const char *prog = "spanhoundctl";

static void usage(FILE *fp)
{
    fprintf(fp,
"usage: spanhoundctl [options] COMMAND [ARG]\n"
"\n"
"commands:\n"
"  list              flagged hosts: IP, MAC, score, age, sensors, top reason\n"
"  show IP|MAC       a flagged host's every field, evidence and recent events\n"
"  release IP|MAC    ask every sensor to release the host (P:control)\n"
"  allow IP|MAC      add to the allowlist (P:allow) and tell the sensors\n"
"  disallow IP|MAC   remove from the allowlist and tell the sensors\n"
"  allowed           list the allowlist\n"
"  tail              follow the event stream (P:events)\n"
"  health            every sensor's health report (P:health:<sensor>)\n"
"\n"
"options:\n"
"  -c FILE           spanhound's configuration file (its redis group)\n"
"  --redis ADDR      host:port, [v6]:port or unix:/path (overrides redis.server,\n"
"                    disables redis.sentinels)\n"
"  --prefix P        key prefix (redis.prefix, default spanhound)\n"
"  --json            JSON instead of tables (tail: one object per line)\n"
"  --by NAME         operator named in control requests (default $SUDO_USER, $USER)\n"
"  --wait SECONDS    release: wait for the sensors' released events\n"
"  --count N         tail: print the last N events first (default 10 with --once)\n"
"  --from ID         tail: start after stream id ID\n"
"  --once            tail: print and exit instead of following\n"
"  -h, --help        this help\n"
"\n"
"exit status: 0 ok, 1 runtime failure (Redis unreachable, not found, no answer),\n"
"2 bad usage\n");
}

static int die_usage(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (%s -h for help)\n", prog);
    return EXIT_USAGE;
}

static int fail(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return 1;
}

/* ---- Redis helpers ------------------------------------------------- */

static int is_str(const redisReply *r)
{
    return r && (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS) && r->str;
}

/* "{P}:host:<ip>" for an IP of iplen bytes (malloc'd; *len its length) */
static char *host_key(const struct ctl *c, const char *ip, size_t iplen, size_t *len)
{
    size_t pl = strlen(c->rc->prefix);
    char *k = ctl_xmalloc(pl + 8 + iplen + 1);
    memcpy(k, "{", 1);
    memcpy(k + 1, c->rc->prefix, pl);
    memcpy(k + 1 + pl, "}:host:", 7);
    memcpy(k + 8 + pl, ip, iplen);
    k[8 + pl + iplen] = 0;
    *len = 8 + pl + iplen;
    return k;
}

/* An HGETALL reply we can use: an array of an even number of strings. */
static int hash_ok(const redisReply *r)
{
    if (!r || r->type != REDIS_REPLY_ARRAY || r->elements % 2)
        return 0;
    for (size_t i = 0; i < r->elements; i++)
        if (!r->element[i] || r->element[i]->type != REDIS_REPLY_STRING)
            return 0;
    return 1;
}

/* A field of a hash or stream entry, with its length. */
static const char *fieldn(const redisReply *h, const char *name, size_t *len)
{
    if (!h || h->type != REDIS_REPLY_ARRAY)
        return NULL;
    size_t nl = strlen(name);
    for (size_t i = 0; i + 1 < h->elements; i += 2) {
        const redisReply *k = h->element[i], *v = h->element[i + 1];
        if (k && v && k->type == REDIS_REPLY_STRING && v->type == REDIS_REPLY_STRING &&
            k->len == nl && !memcmp(k->str, name, nl)) {
            if (len)
                *len = v->len;
            return v->str;
        }
    }
    return NULL;
}

static const char *field(const redisReply *h, const char *name)
{
    return rconn_field(h, name);
}

static int parse_double(const char *s, double *v)
{
    char *end;
    if (!s || !*s)
        return -1;
    errno = 0;
    double d = strtod(s, &end);
    if (errno || *end || !isfinite(d))
        return -1;
    *v = d;
    return 0;
}

static void hosts_free(struct host *h, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (h[i].hash)
            freeReplyObject(h[i].hash);
    free(h);
}

/* HGETALL the hashes of hosts[0..n), pipelined. */
static int fetch_hashes(struct ctl *c, struct host *hosts, size_t n, char *err, size_t errlen)
{
    for (size_t i = 0; i < n; i++) {
        size_t kl;
        char *k = host_key(c, hosts[i].ip, hosts[i].iplen, &kl);
        const char *argv[] = { "HGETALL", k };
        size_t lens[] = { 7, kl };
        int rc = redisAppendCommandArgv(c->ctx, 2, argv, lens);
        free(k);
        if (rc != REDIS_OK) {
            snprintf(err, errlen, "HGETALL: %s", c->ctx->errstr);
            return -1;
        }
    }
    for (size_t i = 0; i < n; i++) {
        void *v = NULL;
        if (redisGetReply(c->ctx, &v) != REDIS_OK || !v) {
            snprintf(err, errlen, "HGETALL: %s",
                     c->ctx->errstr[0] ? c->ctx->errstr : "connection lost");
            return -1;
        }
        redisReply *r = v;
        if (r->type == REDIS_REPLY_ERROR) {
            hosts[i].hash_err = "its host key is not a hash";
            freeReplyObject(r);
        } else if (!hash_ok(r)) {
            hosts[i].hash_err = "unexpected HGETALL reply";
            freeReplyObject(r);
        } else if (r->elements == 0) {
            hosts[i].hash_err = "host state expired";
            freeReplyObject(r);
        } else {
            hosts[i].hash = r;
        }
    }
    return 0;
}

/* Every member of P:infected, highest score first, with its hash.
 * *zs keeps the zset reply alive (the hosts point into it). */
static int fetch_hosts(struct ctl *c, struct host **out, size_t *nout, redisReply **zs)
{
    char err[512];
    const char *argv[] = { "ZREVRANGE", c->k_infected, "0", "-1", "WITHSCORES" };
    *out = NULL;
    *nout = 0;
    redisReply *r = rconn_cmd(c->ctx, 5, argv, err, sizeof(err));
    if (!r)
        return fail("%s: %s", c->where, err);
    *zs = r;
    if (r->type != REDIS_REPLY_ARRAY)
        return fail("%s: %s is not a sorted set (unexpected ZREVRANGE reply)", c->where,
                    c->k_infected);
    struct host *h = calloc(r->elements / 2 + 1, sizeof(*h));
    if (!h)
        return fail("out of memory");
    size_t n = 0;
    for (size_t i = 0; i + 1 < r->elements; i += 2) {
        const redisReply *m = r->element[i], *s = r->element[i + 1];
        if (!m || m->type != REDIS_REPLY_STRING)
            continue;
        h[n].ip = m->str;
        h[n].iplen = m->len;
        h[n].zscore_ok = is_str(s) && parse_double(s->str, &h[n].zscore) == 0;
        n++;
    }
    if (fetch_hashes(c, h, n, err, sizeof(err)) < 0) {
        hosts_free(h, n);
        return fail("%s: %s", c->where, err);
    }
    *out = h;
    *nout = n;
    return 0;
}

/* ---- presentation helpers ------------------------------------------ */

/* The MAC column: the MAC to act on, or why there is none. */
static char *mac_cell(const redisReply *h)
{
    if (!h)
        return ctl_xstrdup("-");
    const char *st = field(h, "mac_status"), *mac = field(h, "mac");
    char buf[600];
    if (!st || !*st || !strcmp(st, "unknown"))
        snprintf(buf, sizeof(buf), "(unknown)");
    else if (!strcmp(st, "trusted"))
        snprintf(buf, sizeof(buf), "%.500s", mac && *mac ? mac : "-");
    else if (!strcmp(st, "conflict")) {
        const char *cf = field(h, "mac_conflict");
        snprintf(buf, sizeof(buf), cf && *cf ? "(conflict %.500s)" : "(conflict)", cf);
    } else
        snprintf(buf, sizeof(buf), "(%.500s)", st);
    return ctl_clean(buf, strlen(buf), 64, NULL);
}

/* age of a host: now - first_seen; -1 when unknown */
static long long host_age(const redisReply *h, time_t now)
{
    time_t t;
    const char *fs = field(h, "first_seen");
    if (!fs || ctl_parse_time(fs, &t) < 0)
        return -1;
    return now >= t ? (long long)(now - t) : 0;
}

/* The strongest reason in words: top_reason, else the first evidence
 * item's explanation. */
static char *top_reason(const redisReply *h, const char *hash_err)
{
    if (!h)
        return ctl_xstrdup(hash_err ? hash_err : "-");
    size_t n;
    const char *tr = fieldn(h, "top_reason", &n);
    if (tr && n)
        return ctl_utf8(tr, n);
    const char *rs = fieldn(h, "reasons", &n);
    json_t *a = ctl_jparse(rs, rs ? n : 0, 1);
    json_t *e = a ? json_array_get(a, 0) : NULL;
    json_t *x = json_is_object(e) ? json_object_get(e, "explanation") : NULL;
    char *out = json_is_string(x) ? ctl_xstrdup(json_string_value(x)) : ctl_xstrdup("-");
    json_decref(a);
    return out;
}

static int term_width(void)
{
    struct winsize ws;
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
        return ws.ws_col;
    const char *e = getenv("COLUMNS");
    int w = e ? atoi(e) : 0;
    return w >= 40 && w <= 1000 ? w : 120;
}

static void pad(const char *s, size_t cols, size_t width)
{
    fputs(s, stdout);
    for (size_t i = cols; i < width; i++)
        fputc(' ', stdout);
}

static json_t *jnum_or_null(int ok, double v)
{
    return ok && isfinite(v) ? json_real(v) : json_null();
}

/* A view or evidence list read from a string field into JSON: "reasons"
 * becomes an array (an invalid one: [] plus "reasons_invalid" with the
 * text), "sensor:<name>" an object (when it is one). */
static void put_field(json_t *o, const char *k, const char *v, size_t vl)
{
    if (!strcmp(k, "reasons")) {
        json_t *a = ctl_jparse(v, vl, 1);
        if (a) {
            json_object_set_new(o, "reasons", a);
        } else {
            json_object_set_new(o, "reasons", json_array());
            json_object_set_new(o, "reasons_invalid", ctl_jstr(v, vl));
        }
        return;
    }
    if (!strncmp(k, "sensor:", 7)) {
        json_t *view = ctl_jparse(v, vl, 0);
        if (view) {
            json_t *r = json_object_get(view, "reasons");
            if (json_is_string(r)) {
                json_t *a = ctl_jparse(json_string_value(r), json_string_length(r), 1);
                if (a)
                    json_object_set_new(view, "reasons", a);
            }
            json_object_set_new(o, k, view);
            return;
        }
    }
    json_object_set_new(o, k, ctl_jstr(v, vl));
}

/* Every field of a hash (or stream entry) into o. */
static void put_fields(json_t *o, const redisReply *h)
{
    if (!h || h->type != REDIS_REPLY_ARRAY)
        return;
    for (size_t i = 0; i + 1 < h->elements; i += 2) {
        const redisReply *k = h->element[i], *v = h->element[i + 1];
        if (!k || !v || k->type != REDIS_REPLY_STRING || v->type != REDIS_REPLY_STRING)
            continue;
        char *key = ctl_utf8(k->str, k->len);
        put_field(o, key, v->str, v->len);
        free(key);
    }
}

static json_t *host_json(const struct host *h, time_t now)
{
    json_t *o = json_object();
    json_object_set_new(o, "ip", ctl_jstr(h->ip, h->iplen));
    put_fields(o, h->hash);
    json_object_set_new(o, "zscore", jnum_or_null(h->zscore_ok, h->zscore));
    long long age = h->hash ? host_age(h->hash, now) : -1;
    json_object_set_new(o, "age_s", age >= 0 ? json_integer(age) : json_null());
    json_object_set_new(o, "expired", json_boolean(h->hash == NULL));
    if (!h->hash && h->hash_err)
        json_object_set_new(o, "note", json_string(h->hash_err));
    return o;
}

static int print_json(json_t *j, int compact)
{
    size_t flags = (compact ? JSON_COMPACT : JSON_INDENT(2)) | JSON_REAL_PRECISION(15);
    int rc = json_dumpf(j, stdout, flags);
    fputc('\n', stdout);
    json_decref(j);
    return rc == 0 ? 0 : fail("cannot write the output");
}

/* ---- list ------------------------------------------------------------ */

enum { COL_IP, COL_MAC, COL_SCORE, COL_AGE, COL_SENSORS, COL_REASON, NCOLS };

static int cmd_list(struct ctl *c)
{
    struct host *h;
    size_t n;
    redisReply *zs = NULL;
    int rc = fetch_hosts(c, &h, &n, &zs);
    if (rc) {
        if (zs)
            freeReplyObject(zs);
        return rc;
    }
    time_t now = time(NULL);
    if (c->json) {
        json_t *a = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(a, host_json(&h[i], now));
        rc = print_json(a, 0);
        hosts_free(h, n);
        freeReplyObject(zs);
        return rc;
    }
    static const char *head[NCOLS] = { "IP", "MAC", "SCORE", "AGE", "SENSORS", "TOP REASON" };
    static const size_t maxw[NCOLS] = { 39, 45, 9, 8, 24, 0 };
    char *cell[NCOLS];
    size_t width[NCOLS], cols;
    char **cells = ctl_xmalloc((n + 1) * NCOLS * sizeof(char *));
    size_t *cw = ctl_xmalloc((n + 1) * NCOLS * sizeof(size_t));
    for (int k = 0; k < NCOLS; k++) {
        cells[k] = ctl_xstrdup(head[k]);
        cw[k] = width[k] = strlen(head[k]);
    }
    for (size_t i = 0; i < n; i++) {
        const redisReply *hh = h[i].hash;
        char buf[64];
        cell[COL_IP] = ctl_clean(h[i].ip, h[i].iplen, maxw[COL_IP], NULL);
        cell[COL_MAC] = mac_cell(hh);
        if (h[i].zscore_ok)
            snprintf(buf, sizeof(buf), "%.3f", h[i].zscore);
        else
            snprintf(buf, sizeof(buf), "?");
        cell[COL_SCORE] = ctl_xstrdup(buf);
        long long age = hh ? host_age(hh, now) : -1;
        if (age >= 0)
            ctl_fmt_age(age, buf, sizeof(buf));
        else
            snprintf(buf, sizeof(buf), "-");
        cell[COL_AGE] = ctl_xstrdup(buf);
        size_t sl;
        const char *s = fieldn(hh, "sensors", &sl);
        if (!s || !sl)
            s = fieldn(hh, "sensor", &sl);
        cell[COL_SENSORS] = s && sl ? ctl_clean(s, sl, maxw[COL_SENSORS], NULL) : ctl_xstrdup("-");
        cell[COL_REASON] = top_reason(hh, h[i].hash_err);
        for (int k = 0; k < NCOLS; k++) {
            if (k == COL_REASON) {
                cw[(i + 1) * NCOLS + k] = 0;
            } else {
                char *t = ctl_clean(cell[k], strlen(cell[k]), 0, &cols);
                free(cell[k]);
                cell[k] = t;
                cw[(i + 1) * NCOLS + k] = cols;
                if (cols > width[k])
                    width[k] = cols;
            }
            cells[(i + 1) * NCOLS + k] = cell[k];
        }
    }
    size_t used = 0;
    for (int k = 0; k < COL_REASON; k++)
        used += width[k] + 2;
    size_t rw = (size_t)c->width > used + 20 ? (size_t)c->width - used : 20;
    for (size_t i = 0; i <= n; i++) {
        for (int k = 0; k < COL_REASON; k++) {
            int right = k == COL_SCORE || k == COL_AGE;
            size_t w = cw[i * NCOLS + k];
            if (right)
                for (size_t p = w; p < width[k]; p++)
                    fputc(' ', stdout);
            if (right)
                fputs(cells[i * NCOLS + k], stdout);
            else
                pad(cells[i * NCOLS + k], w, width[k]);
            fputs("  ", stdout);
        }
        char *r = ctl_clean(cells[i * NCOLS + COL_REASON], strlen(cells[i * NCOLS + COL_REASON]),
                            rw, NULL);
        fputs(r, stdout);
        fputc('\n', stdout);
        free(r);
    }
    if (!n)
        printf("(no flagged hosts in %s)\n", c->k_infected);
    for (size_t i = 0; i < (n + 1) * NCOLS; i++)
        free(cells[i]);
    free(cells);
    free(cw);
    hosts_free(h, n);
    freeReplyObject(zs);
    return 0;
}

/* ---- stream entries ---------------------------------------------------- */

/* A stream entry: [id, [field, value, ...]].  NULL id when malformed. */
static const char *entry_id(const redisReply *e, const redisReply **fields)
{
    *fields = NULL;
    if (!e || e->type != REDIS_REPLY_ARRAY || e->elements != 2 || !e->element[0] ||
        e->element[0]->type != REDIS_REPLY_STRING || !e->element[1])
        return NULL;
    if (e->element[1]->type == REDIS_REPLY_ARRAY)
        *fields = e->element[1];
    return e->element[0]->str;
}

static json_t *event_json(const char *id, const redisReply *f)
{
    json_t *o = json_object();
    json_object_set_new(o, "stream_id", ctl_jstr(id, strlen(id)));
    put_fields(o, f);
    return o;
}

/* One human line: time, sensor, event, ip, mac, score, top_reason. */
static void event_line(const struct ctl *c, const char *id, const redisReply *f, const char *indent)
{
    time_t t;
    char when[32];
    const char *ts = field(f, "ts");
    if (ts && ctl_parse_time(ts, &t) == 0) {
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
    } else {
        snprintf(when, sizeof(when), "(id %.24s)", id);
    }
    const char *ev = field(f, "event"), *by = field(f, "by");
    char *sensor = ctl_clean(field(f, "sensor") ? field(f, "sensor") : "-",
                             strlen(field(f, "sensor") ? field(f, "sensor") : "-"), 16, NULL);
    char *event = ctl_clean(ev ? ev : "-", strlen(ev ? ev : "-"), 10, NULL);
    const char *ipv = field(f, "ip");
    char *ip = ctl_clean(ipv ? ipv : "-", strlen(ipv ? ipv : "-"), 39, NULL);
    char *mac = mac_cell(f);
    const char *sc = field(f, "score");
    char *score = ctl_clean(sc ? sc : "-", strlen(sc ? sc : "-"), 8, NULL);
    char *why;
    if (ev && !strcmp(ev, "released") && by && *by) {
        char buf[200];
        snprintf(buf, sizeof(buf), "by %.150s", by);
        why = ctl_xstrdup(buf);
    } else {
        why = top_reason(f, NULL);
    }
    char *w = ctl_clean(why, strlen(why), (size_t)c->width > 100 ? (size_t)c->width - 90 : 30, NULL);
    printf("%s%s  %-12s %-8s %-15s %-17s %6s  %s\n", indent, when, sensor, event, ip, mac,
           score, w);
    free(sensor); free(event); free(ip); free(mac); free(score); free(why); free(w);
}

static int is_stream_id(const char *s)
{
    const char *p = s;
    if (!*p)
        return 0;
    while (*p >= '0' && *p <= '9') p++;
    if (p == s || p - s > 20)
        return 0;
    if (!*p)
        return 1;
    if (*p++ != '-')
        return 0;
    const char *q = p;
    while (*p >= '0' && *p <= '9') p++;
    return p > q && p - q <= 20 && !*p;
}

/* ---- show ------------------------------------------------------------ */

static const char *const known_fields[] = {
    "ip", "mac", "mac_status", "mac_source", "mac_seen", "mac_conflict", "hostname",
    "score", "flagged", "first_seen", "ts", "event", "sensor", "sensors", "by",
    "top_reason", "id", "version", NULL
};

static void show_value(const char *name, const char *v, size_t vl)
{
    char *s = ctl_clean(v, vl, 2000, NULL);
    printf("  %-14s %s\n", name, s);
    free(s);
}

static void show_evidence(const json_t *a, const char *indent)
{
    static const char *const ev_keys[] = { "kind", "source", "confidence", "score", "indicator",
                                           "explanation", "first_seen", "last_seen", NULL };
    size_t i;
    json_t *e;
    json_array_foreach(a, i, e) {
        if (!json_is_object(e)) {
            char *t = ctl_jtext(e), *s = ctl_clean(t, strlen(t), 200, NULL);
            printf("%s%zu. (not an evidence object) %s\n", indent, i + 1, s);
            free(t); free(s);
            continue;
        }
        char *kind = ctl_jtext(json_object_get(e, "kind"));
        char *src = ctl_jtext(json_object_get(e, "source"));
        char *conf = ctl_jtext(json_object_get(e, "confidence"));
        char *sc = ctl_jtext(json_object_get(e, "score"));
        char line[1024];
        snprintf(line, sizeof(line), "%.200s from %.200s, confidence %.40s, score %.40s", kind, src,
                 conf, sc);
        char *l = ctl_clean(line, strlen(line), 0, NULL);
        printf("%s%zu. %s\n", indent, i + 1, l);
        free(kind); free(src); free(conf); free(sc); free(l);
        static const char *const more[] = { "indicator", "explanation", NULL };
        for (int k = 0; more[k]; k++) {
            json_t *v = json_object_get(e, more[k]);
            if (!v)
                continue;
            char *t = ctl_jtext(v), *s = ctl_clean(t, strlen(t), 2000, NULL);
            printf("%s   %-12s %s\n", indent, more[k], s);
            free(t); free(s);
        }
        json_t *fs = json_object_get(e, "first_seen"), *ls = json_object_get(e, "last_seen");
        if (fs || ls) {
            char *a1 = ctl_jtext(fs), *a2 = ctl_jtext(ls);
            char *s1 = ctl_clean(a1, strlen(a1), 40, NULL), *s2 = ctl_clean(a2, strlen(a2), 40, NULL);
            printf("%s   %-12s %s .. %s\n", indent, "seen", s1, s2);
            free(a1); free(a2); free(s1); free(s2);
        }
        const char *k;
        json_t *v;
        json_object_foreach(e, k, v) {
            int known = 0;
            for (int q = 0; ev_keys[q]; q++)
                known |= !strcmp(k, ev_keys[q]);
            if (known)
                continue;
            char *t = ctl_jtext(v), *s = ctl_clean(t, strlen(t), 500, NULL);
            char *kk = ctl_clean(k, strlen(k), 40, NULL);
            printf("%s   %-12s %s\n", indent, kk, s);
            free(t); free(s); free(kk);
        }
    }
}

/* Last SHOW_SCAN stream entries, newest first (NULL on error, message
 * printed). */
static redisReply *recent_events(struct ctl *c)
{
    char err[512];
    const char *argv[] = { "XREVRANGE", c->k_events, "+", "-", "COUNT", "200" };
    redisReply *r = rconn_cmd(c->ctx, 6, argv, err, sizeof(err));
    if (!r)
        fail("%s: %s", c->where, err);
    return r;
}

static int event_matches(const redisReply *f, const char *ip, size_t iplen)
{
    size_t l;
    const char *v = fieldn(f, "ip", &l);
    return v && l == iplen && !memcmp(v, ip, iplen);
}

static void show_host_text(struct ctl *c, const struct host *h, const redisReply *evs, time_t now)
{
    char *ip = ctl_clean(h->ip, h->iplen, 60, NULL);
    char score[32] = "?", age[32] = "-";
    if (h->zscore_ok)
        snprintf(score, sizeof(score), "%.3f", h->zscore);
    long long a = h->hash ? host_age(h->hash, now) : -1;
    if (a >= 0)
        ctl_fmt_age(a, age, sizeof(age));
    printf("host %s  score %s  flagged for %s\n", ip, score, age);
    free(ip);
    const redisReply *hh = h->hash;
    if (!hh) {
        printf("  (%s: only its score in %s is left)\n", h->hash_err ? h->hash_err : "no state",
               c->k_infected);
    } else {
        for (int k = 0; known_fields[k]; k++) {
            size_t l;
            const char *v = fieldn(hh, known_fields[k], &l);
            if (v)
                show_value(known_fields[k], v, l);
        }
        for (size_t i = 0; i + 1 < hh->elements; i += 2) {
            const redisReply *kr = hh->element[i], *vr = hh->element[i + 1];
            int known = !strcmp(kr->str, "reasons") || !strncmp(kr->str, "sensor:", 7);
            for (int k = 0; !known && known_fields[k]; k++)
                known = kr->len == strlen(known_fields[k]) && !strcmp(kr->str, known_fields[k]);
            if (known)
                continue;
            char *name = ctl_clean(kr->str, kr->len, 40, NULL);
            show_value(name, vr->str, vr->len);
            free(name);
        }
        size_t rl;
        const char *rs = fieldn(hh, "reasons", &rl);
        json_t *ra = ctl_jparse(rs, rs ? rl : 0, 1);
        if (ra) {
            printf("evidence (%zu, strongest first):\n", json_array_size(ra));
            show_evidence(ra, "  ");
        } else if (rs) {
            char *s = ctl_clean(rs, rl, 300, NULL);
            printf("evidence: the reasons field is not a JSON array: %s\n", s);
            free(s);
        } else {
            printf("evidence: none recorded\n");
        }
        json_decref(ra);
        /* per-sensor views */
        int views = 0;
        for (size_t i = 0; i + 1 < hh->elements; i += 2) {
            const redisReply *kr = hh->element[i], *vr = hh->element[i + 1];
            if (strncmp(kr->str, "sensor:", 7))
                continue;
            if (!views++)
                printf("per sensor:\n");
            char *name = ctl_clean(kr->str + 7, kr->len >= 7 ? kr->len - 7 : 0, 40, NULL);
            json_t *v = ctl_jparse(vr->str, vr->len, 0);
            if (!v) {
                char *s = ctl_clean(vr->str, vr->len, 200, NULL);
                printf("  %s: (not a JSON object) %s\n", name, s);
                free(s);
                free(name);
                continue;
            }
            char *vs = ctl_jtext(json_object_get(v, "score"));
            char *ve = ctl_jtext(json_object_get(v, "event"));
            char *vt = ctl_jtext(json_object_get(v, "ts"));
            char *vm = ctl_jtext(json_object_get(v, "mac_status"));
            char *vr2 = ctl_jtext(json_object_get(v, "top_reason"));
            char line[1200];
            snprintf(line, sizeof(line), "score %.40s, %.40s at %.40s, mac %.40s: %.900s", vs, ve,
                     vt, vm, vr2);
            char *l = ctl_clean(line, strlen(line), 0, NULL);
            printf("  %s: %s\n", name, l);
            free(vs); free(ve); free(vt); free(vm); free(vr2); free(l);
            json_t *r = json_object_get(v, "reasons");
            json_t *parsed = json_is_string(r)
                ? ctl_jparse(json_string_value(r), json_string_length(r), 1) : NULL;
            if (parsed)
                r = parsed;
            if (json_is_array(r))
                show_evidence(r, "    ");
            json_decref(parsed);
            json_decref(v);
            free(name);
        }
    }
    if (!evs)
        return;
    /* the newest SHOW_EVENTS matching entries, printed oldest first */
    size_t idx[SHOW_EVENTS], m = 0;
    for (size_t i = 0; i < evs->elements && m < SHOW_EVENTS; i++) {
        const redisReply *f;
        if (entry_id(evs->element[i], &f) && event_matches(f, h->ip, h->iplen))
            idx[m++] = i;
    }
    printf("recent events (%zu in the last %zu of %s):\n", m, evs->elements, c->k_events);
    while (m--) {
        const redisReply *f;
        const char *id = entry_id(evs->element[idx[m]], &f);
        event_line(c, id, f, "  ");
    }
}

static json_t *show_host_json(const struct host *h, const redisReply *evs, time_t now)
{
    json_t *o = host_json(h, now), *a = json_array();
    for (size_t i = 0; evs && i < evs->elements && json_array_size(a) < SHOW_EVENTS; i++) {
        const redisReply *f;
        const char *id = entry_id(evs->element[i], &f);
        if (id && event_matches(f, h->ip, h->iplen))
            json_array_insert_new(a, 0, event_json(id, f));
    }
    json_object_set_new(o, "recent_events", a);
    return o;
}

/* Does a flagged host carry this MAC (trusted, seen or in a conflict)? */
static int host_has_mac(const redisReply *h, const char *mac)
{
    if (ctl_ieq(field(h, "mac"), mac) || ctl_ieq(field(h, "mac_seen"), mac))
        return 1;
    const char *cf = field(h, "mac_conflict");
    if (!cf)
        return 0;
    size_t ml = strlen(mac);
    for (const char *p = cf; *p;) {
        size_t l = strcspn(p, ", ");
        if (l == ml && !strncasecmp(p, mac, ml))
            return 1;
        p += l;
        p += strspn(p, ", ");
    }
    return 0;
}

/* The flagged hosts a target names: the IP's own hash (found while the
 * hash or the zset member exists), or every host with that MAC.
 * Returns 0 (with *n possibly 0) or an exit code (then nothing is left
 * for the caller to free). */
static int find_hosts(struct ctl *c, int kind, const char *target, struct host **out,
                      size_t *n, redisReply **zs)
{
    *zs = NULL;
    if (kind == CTL_TARGET_MAC) {
        struct host *all;
        size_t na, m = 0;
        int rc = fetch_hosts(c, &all, &na, zs);
        if (rc) {
            if (*zs)
                freeReplyObject(*zs);
            *zs = NULL;
            return rc;
        }
        for (size_t i = 0; i < na; i++) {
            if (all[i].hash && host_has_mac(all[i].hash, target))
                all[m++] = all[i];
            else if (all[i].hash)
                freeReplyObject(all[i].hash);
        }
        *out = all;
        *n = m;
        return 0;
    }
    char err[512];
    struct host *h = calloc(1, sizeof(*h));
    if (!h)
        return fail("out of memory");
    h->ip = target;
    h->iplen = strlen(target);
    const char *zargv[] = { "ZSCORE", c->k_infected, target };
    redisReply *z = rconn_cmd(c->ctx, 3, zargv, err, sizeof(err));
    if (!z || fetch_hashes(c, h, 1, err, sizeof(err)) < 0) {
        if (z)
            freeReplyObject(z);
        free(h);
        return fail("%s: %s", c->where, err);
    }
    h->zscore_ok = is_str(z) && parse_double(z->str, &h->zscore) == 0;
    int member = z->type == REDIS_REPLY_STRING;
    freeReplyObject(z);
    if (!h->hash && !member) {
        hosts_free(h, 1);
        *out = NULL;
        *n = 0;
        return 0;
    }
    *out = h;
    *n = 1;
    return 0;
}

static int cmd_show(struct ctl *c, int kind, const char *target)
{
    struct host *h;
    size_t n;
    redisReply *zs;
    int rc = find_hosts(c, kind, target, &h, &n, &zs);
    if (rc)
        return rc;
    if (!n) {
        hosts_free(h, 0);
        if (zs)
            freeReplyObject(zs);
        return fail(kind == CTL_TARGET_MAC ? "%s: not found: no flagged host (%s) has that MAC"
                                           : "%s: not found: not flagged (not in %s, no host hash)",
                    target, c->k_infected);
    }
    redisReply *evs = recent_events(c);
    if (!evs) {
        hosts_free(h, n);
        if (zs)
            freeReplyObject(zs);
        return 1;
    }
    if (evs->type != REDIS_REPLY_ARRAY) {
        freeReplyObject(evs);
        evs = NULL;
    }
    time_t now = time(NULL);
    if (c->json) {
        json_t *a = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(a, show_host_json(&h[i], evs, now));
        rc = print_json(a, 0);
    } else {
        for (size_t i = 0; i < n; i++) {
            if (i)
                fputc('\n', stdout);
            show_host_text(c, &h[i], evs, now);
        }
    }
    if (evs)
        freeReplyObject(evs);
    hosts_free(h, n);
    if (zs)
        freeReplyObject(zs);
    return rc;
}

/* ---- control: release, allow, disallow ---------------------------------- */

/* XADD P:control; the entry's id into id. */
static int control_add(struct ctl *c, const char *cmd, const char *target, char *id, size_t idlen,
                       char *ts, size_t tslen)
{
    char err[512];
    ctl_now_iso(ts, tslen);
    const char *argv[] = { "XADD", c->k_control, "MAXLEN", "~", CONTROL_MAXLEN, "*",
                           "cmd", cmd, "target", target, "by", c->by, "ts", ts };
    redisReply *r = rconn_cmd(c->ctx, 14, argv, err, sizeof(err));
    if (!r)
        return fail("%s: %s", c->where, err);
    snprintf(id, idlen, "%s", is_str(r) ? r->str : "?");
    freeReplyObject(r);
    return 0;
}

/* The last id in P:events ("0-0" when empty). */
static int last_event_id(struct ctl *c, char *id, size_t idlen)
{
    char err[512];
    const char *argv[] = { "XREVRANGE", c->k_events, "+", "-", "COUNT", "1" };
    redisReply *r = rconn_cmd(c->ctx, 6, argv, err, sizeof(err));
    if (!r)
        return fail("%s: %s", c->where, err);
    const redisReply *f;
    const char *last = r->type == REDIS_REPLY_ARRAY && r->elements ? entry_id(r->element[0], &f)
                                                                      : NULL;
    snprintf(id, idlen, "%s", last && is_stream_id(last) ? last : "0-0");
    freeReplyObject(r);
    return 0;
}

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void set_timeout_ms(struct ctl *c, long ms)
{
    struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
    redisSetTimeout(c->ctx, tv);
}

/* XREAD [BLOCK ms] COUNT n STREAMS key id.  Returns the entries array of
 * our stream (NULL when none; *r keeps the reply), or -1 on error. */
static int xread(struct ctl *c, const char *id, long block_ms, const redisReply **entries,
                 redisReply **r, char *err, size_t errlen)
{
    char bms[32];
    snprintf(bms, sizeof(bms), "%ld", block_ms);
    const char *argv[] = { "XREAD", "COUNT", "500", "BLOCK", bms, "STREAMS", c->k_events, id };
    const char *argv_nb[] = { "XREAD", "COUNT", "500", "STREAMS", c->k_events, id };
    *entries = NULL;
    if (block_ms > 0)
        set_timeout_ms(c, block_ms + (long)c->rc->command_timeout_ms + 1000);
    *r = block_ms > 0 ? rconn_cmd(c->ctx, 8, argv, err, errlen)
                      : rconn_cmd(c->ctx, 6, argv_nb, err, errlen);
    if (block_ms > 0)
        set_timeout_ms(c, (long)c->rc->command_timeout_ms);
    if (!*r)
        return -1;
    const redisReply *x = *r;
    if (x->type == REDIS_REPLY_ARRAY && x->elements >= 1 && x->element[0] &&
        x->element[0]->type == REDIS_REPLY_ARRAY && x->element[0]->elements == 2 &&
        x->element[0]->element[1] && x->element[0]->element[1]->type == REDIS_REPLY_ARRAY)
        *entries = x->element[0]->element[1];
    return 0;
}

/* With --json, the answers go into req (the request's object), printed
 * here. */
static int release_wait(struct ctl *c, int kind, const char *target, const char *from,
                        int seconds, const char *expected_csv, json_t *req)
{
    char expected[MAX_SENSORS][64], answered[MAX_SENSORS][64], last[64], err[512];
    int ne = 0, na = 0;
    char list[1024];
    snprintf(list, sizeof(list), "%s", expected_csv ? expected_csv : "");
    for (char *save = NULL, *t = strtok_r(list, ", ", &save); t && ne < MAX_SENSORS;
         t = strtok_r(NULL, ", ", &save))
        snprintf(expected[ne++], sizeof(expected[0]), "%s", t);
    snprintf(last, sizeof(last), "%s", from);
    if (!c->json) {
        if (ne) {
            char *s = ctl_clean(expected_csv, strlen(expected_csv), 200, NULL);
            printf("waiting up to %ds for the sensors flagging it (%s)\n", seconds, s);
            free(s);
        } else {
            printf("waiting up to %ds for a sensor to release it (no sensor flags it now)\n",
                   seconds);
        }
        fflush(stdout);
    }
    json_t *ja = json_array();
    double deadline = mono() + seconds;
    for (;;) {
        long left = (long)((deadline - mono()) * 1000);
        if (left <= 0)
            break;
        const redisReply *ents;
        redisReply *r;
        if (xread(c, last, left, &ents, &r, err, sizeof(err)) < 0) {
            json_decref(ja);
            json_decref(req);
            return fail("%s: %s", c->where, err);
        }
        for (size_t i = 0; ents && i < ents->elements; i++) {
            const redisReply *f;
            const char *id = entry_id(ents->element[i], &f);
            if (!id || !is_stream_id(id))
                continue;
            snprintf(last, sizeof(last), "%s", id);
            const char *ev = field(f, "event"), *ip = field(f, "ip");
            if (!ev || strcmp(ev, "released"))
                continue;
            int match = kind == CTL_TARGET_IP
                ? ip && !strcmp(ip, target)
                : ctl_ieq(field(f, "mac"), target) || ctl_ieq(field(f, "mac_seen"), target);
            if (!match)
                continue;
            const char *s = field(f, "sensor");
            char sname[64];
            snprintf(sname, sizeof(sname), "%s", s && *s ? s : "?");
            int dup = 0;
            for (int k = 0; k < na; k++)
                dup |= !strcmp(answered[k], sname);
            if (!dup && na < MAX_SENSORS)
                snprintf(answered[na++], sizeof(answered[0]), "%s", sname);
            if (c->json) {
                json_array_append_new(ja, event_json(id, f));
            } else {
                char *sn = ctl_clean(sname, strlen(sname), 64, NULL);
                char *ipc = ctl_clean(ip ? ip : "?", strlen(ip ? ip : "?"), 60, NULL);
                printf("released %s by sensor %s (event %s)\n", ipc, sn, id);
                free(sn);
                free(ipc);
                fflush(stdout);
            }
        }
        freeReplyObject(r);
        int done = na > 0;
        for (int k = 0; k < ne; k++) {
            int got = 0;
            for (int q = 0; q < na; q++)
                got |= !strcmp(expected[k], answered[q]);
            done &= got;
        }
        if (done)
            break;
    }
    char missing[1024] = "";
    for (int k = 0; k < ne; k++) {
        int got = 0;
        for (int q = 0; q < na; q++)
            got |= !strcmp(expected[k], answered[q]);
        if (!got && strlen(missing) + strlen(expected[k]) + 2 < sizeof(missing)) {
            if (missing[0])
                strcat(missing, ",");
            strcat(missing, expected[k]);
        }
    }
    if (c->json) {
        json_t *o = req;
        json_object_set_new(o, "released_events", ja);
        json_t *ms = json_array();
        for (int k = 0; k < ne; k++) {
            int got = 0;
            for (int q = 0; q < na; q++)
                got |= !strcmp(expected[k], answered[q]);
            if (!got)
                json_array_append_new(ms, ctl_jstr(expected[k], strlen(expected[k])));
        }
        json_object_set_new(o, "not_answered", ms);
        print_json(o, 0);
    } else {
        json_decref(ja);
    }
    if (!na)
        return fail("%s: no sensor released it within %ds (is a sensor running and reading %s?)",
                    target, seconds, c->k_control);
    if (missing[0]) {
        char *m = ctl_clean(missing, strlen(missing), 300, NULL);
        fprintf(stderr, "%s: warning: no answer within %ds from: %s\n", prog, seconds, m);
        free(m);
    }
    return 0;
}

static int cmd_control(struct ctl *c, const char *cmd, int kind, const char *target, int wait_s)
{
    char err[512], id[64], ts[64], from[64] = "0-0";
    char *expected = NULL;
    int member_changed = -1;
    if (wait_s > 0) {
        if (last_event_id(c, from, sizeof(from)))
            return 1;
        /* which sensors should answer */
        struct host *h;
        size_t n;
        redisReply *zs;
        int rc = find_hosts(c, kind, target, &h, &n, &zs);
        if (rc)
            return rc;
        size_t cap = 1;
        for (size_t i = 0; i < n; i++) {
            const char *s = field(h[i].hash, "sensors");
            cap += s ? strlen(s) + 1 : 0;
        }
        expected = ctl_xmalloc(cap);
        expected[0] = 0;
        for (size_t i = 0; i < n; i++) {
            const char *s = field(h[i].hash, "sensors");
            if (s && *s) {
                if (expected[0])
                    strcat(expected, ",");
                strcat(expected, s);
            }
        }
        hosts_free(h, n);
        if (zs)
            freeReplyObject(zs);
    }
    if (!strcmp(cmd, "allow") || !strcmp(cmd, "disallow")) {
        const char *argv[] = { !strcmp(cmd, "allow") ? "SADD" : "SREM", c->k_allow, target };
        redisReply *r = rconn_cmd(c->ctx, 3, argv, err, sizeof(err));
        if (!r)
            return fail("%s: %s", c->where, err);
        member_changed = r->type == REDIS_REPLY_INTEGER ? (int)(r->integer > 0) : -1;
        freeReplyObject(r);
    }
    if (control_add(c, cmd, target, id, sizeof(id), ts, sizeof(ts))) {
        free(expected);
        return 1;
    }
    json_t *o = NULL;
    if (c->json) {
        o = json_object();
        json_object_set_new(o, "cmd", json_string(cmd));
        json_object_set_new(o, "target", json_string(target));
        json_object_set_new(o, "by", ctl_jstr(c->by, strlen(c->by)));
        json_object_set_new(o, "ts", json_string(ts));
        json_object_set_new(o, "control_id", ctl_jstr(id, strlen(id)));
        if (member_changed >= 0)
            json_object_set_new(o, "changed", json_boolean(member_changed));
        if (wait_s <= 0) {
            free(expected);
            return print_json(o, 0);
        }
    }
    if (!c->json) {
        if (!strcmp(cmd, "allow"))
            printf("%s %s the allowlist %s\n", target,
                   member_changed == 0 ? "was already on" : "added to", c->k_allow);
        else if (!strcmp(cmd, "disallow"))
            printf("%s %s the allowlist %s\n", target,
                   member_changed == 0 ? "was not on" : "removed from", c->k_allow);
        printf("%s %s requested by %s (%s %s)\n", cmd, target, c->by, c->k_control, id);
        fflush(stdout);
    }
    int rc = 0;
    if (wait_s > 0)
        rc = release_wait(c, kind, target, from, wait_s, expected, o);
    free(expected);
    return rc;
}

static int strcmp_p(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmd_allowed(struct ctl *c)
{
    char err[512];
    const char *argv[] = { "SMEMBERS", c->k_allow };
    redisReply *r = rconn_cmd(c->ctx, 2, argv, err, sizeof(err));
    if (!r)
        return fail("%s: %s", c->where, err);
    if (r->type != REDIS_REPLY_ARRAY) {
        freeReplyObject(r);
        return fail("%s: unexpected SMEMBERS reply for %s", c->where, c->k_allow);
    }
    char **m = ctl_xmalloc((r->elements + 1) * sizeof(char *));
    size_t n = 0;
    for (size_t i = 0; i < r->elements; i++)
        if (r->element[i] && r->element[i]->type == REDIS_REPLY_STRING)
            m[n++] = ctl_utf8(r->element[i]->str, r->element[i]->len);
    qsort(m, n, sizeof(char *), strcmp_p);
    int rc = 0;
    if (c->json) {
        json_t *a = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(a, json_string(m[i]));
        rc = print_json(a, 0);
    } else {
        for (size_t i = 0; i < n; i++) {
            char *s = ctl_clean(m[i], strlen(m[i]), 200, NULL);
            puts(s);
            free(s);
        }
        if (!n)
            printf("(%s is empty)\n", c->k_allow);
    }
    for (size_t i = 0; i < n; i++)
        free(m[i]);
    free(m);
    freeReplyObject(r);
    return rc;
}

/* ---- health ---------------------------------------------------------- */

static int keycmp_p(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sensors' health hashes (docs/nac-feed.md): found with SCAN (the
 * prefix's glob characters escaped), printed sorted by key.  Their
 * content is whatever is in Redis: cleaned for the terminal. */
static int cmd_health(struct ctl *c)
{
    char err[512], pat[400], cur[32] = "0";
    char pre[200];
    size_t o = 0;
    rconn_key(c->rc, "health:", pre, sizeof(pre));
    for (const char *p = pre; *p && o + 3 < sizeof(pat); p++) {
        if (strchr("*?[]\\", *p))
            pat[o++] = '\\';
        pat[o++] = *p;
    }
    pat[o++] = '*';
    pat[o] = 0;
    char **keys = NULL;
    size_t n = 0, cap = 0;
    do {
        const char *argv[] = { "SCAN", cur, "MATCH", pat, "COUNT", "1000" };
        redisReply *r = rconn_cmd(c->ctx, 6, argv, err, sizeof(err));
        if (!r)
            return fail("%s: %s", c->where, err);
        if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
            r->element[0]->type != REDIS_REPLY_STRING || r->element[1]->type != REDIS_REPLY_ARRAY) {
            freeReplyObject(r);
            return fail("%s: unexpected SCAN reply", c->where);
        }
        snprintf(cur, sizeof(cur), "%.*s", (int)r->element[0]->len, r->element[0]->str);
        for (size_t i = 0; i < r->element[1]->elements && n < 10000; i++) {
            const redisReply *k = r->element[1]->element[i];
            if (k->type != REDIS_REPLY_STRING)
                continue;
            if (n == cap) {
                cap = cap ? 2 * cap : 16;
                char **nk = realloc(keys, cap * sizeof(*keys));
                if (!nk)
                    abort();
                keys = nk;
            }
            keys[n] = ctl_xmalloc(k->len + 1);
            memcpy(keys[n], k->str, k->len);
            keys[n++][k->len] = 0;
        }
        freeReplyObject(r);
    } while (strcmp(cur, "0"));
    qsort(keys, n, sizeof(*keys), keycmp_p);
    static const char *const show[] = {
        "status", "reasons", "mode", "ts", "uptime", "dropping", "interfaces", "interfaces_down",
        "kernel_received",
        "kernel_dropped", "kernel_ifdropped", "ring_dropped", "packets_per_s", "bytes_per_s",
        "flows_active", "flows_capacity", "flows_evicted", "hosts_active", "hosts_capacity",
        "hosts_evicted", "hosts_evicted_protected", "journal_pending", "journal_bytes",
        "redis_last_error_age", "eve_written", "eve_errors", "version", NULL };
    json_t *all = c->json ? json_object() : NULL;
    int rc = 0, shown = 0;
    for (size_t i = 0; i < n; i++) {
        const char *argv[] = { "HGETALL", keys[i] };
        redisReply *h = rconn_cmd(c->ctx, 2, argv, err, sizeof(err));
        if (!h) {
            rc = fail("%s: %s", c->where, err);
            break;
        }
        const char *tv[] = { "TTL", keys[i] };
        redisReply *t = rconn_cmd(c->ctx, 2, tv, err, sizeof(err));
        long long ttl = t && t->type == REDIS_REPLY_INTEGER ? t->integer : -2;
        if (t)
            freeReplyObject(t);
        if (h->type != REDIS_REPLY_ARRAY || !h->elements) {
            freeReplyObject(h);            /* expired meanwhile, or not a hash */
            continue;
        }
        const char *name = keys[i] + strlen(pre);
        shown++;
        if (c->json) {
            json_t *o2 = json_object();
            for (size_t k = 0; k + 1 < h->elements; k += 2) {
                const redisReply *kk = h->element[k], *vv = h->element[k + 1];
                if (kk->type != REDIS_REPLY_STRING || vv->type != REDIS_REPLY_STRING)
                    continue;
                char *ks = ctl_utf8(kk->str, kk->len), *vs = ctl_utf8(vv->str, vv->len);
                json_object_set_new(o2, ks, json_string(vs));
                free(ks);
                free(vs);
            }
            json_object_set_new(o2, "expires_in", json_integer(ttl));
            char *ns = ctl_utf8(name, strlen(name));
            json_object_set_new(all, ns, o2);
            free(ns);
        } else {
            char *ns = ctl_clean(name, strlen(name), 64, NULL);
            printf("%ssensor %s (report expires in %lld s)\n", shown > 1 ? "\n" : "", ns, ttl);
            free(ns);
            for (int k = 0; show[k]; k++) {
                size_t vl;
                const char *v = fieldn(h, show[k], &vl);
                if (!v || !vl)
                    continue;
                char *vs = ctl_clean(v, vl, 200, NULL);
                printf("  %-24s %s\n", show[k], vs);
                free(vs);
            }
        }
        freeReplyObject(h);
    }
    if (c->json && rc == 0)
        rc = print_json(all, 0);
    else if (all)
        json_decref(all);
    if (!c->json && rc == 0 && !shown)
        printf("(no sensor reported its health: no %s* key; is health.interval 0, or are "
               "the sensors down?)\n", pre);
    for (size_t i = 0; i < n; i++)
        free(keys[i]);
    free(keys);
    return rc;
}

/* ---- tail ------------------------------------------------------------ */

static void tail_print(struct ctl *c, const char *id, const redisReply *f)
{
    if (c->json) {
        json_t *o = event_json(id, f);
        json_dumpf(o, stdout, JSON_COMPACT | JSON_REAL_PRECISION(15));
        fputc('\n', stdout);
        json_decref(o);
    } else {
        event_line(c, id, f, "");
    }
}

static int cmd_tail(struct ctl *c, const char *from, long count, int once)
{
    char err[512], last[64];
    if (from) {
        snprintf(last, sizeof(last), "%s", from);
    } else if (count > 0) {
        char cnt[32];
        snprintf(cnt, sizeof(cnt), "%ld", count);
        const char *argv[] = { "XREVRANGE", c->k_events, "+", "-", "COUNT", cnt };
        redisReply *r = rconn_cmd(c->ctx, 6, argv, err, sizeof(err));
        if (!r)
            return fail("%s: %s", c->where, err);
        snprintf(last, sizeof(last), "0-0");
        if (r->type == REDIS_REPLY_ARRAY) {
            for (size_t i = r->elements; i-- > 0;) {
                const redisReply *f;
                const char *id = entry_id(r->element[i], &f);
                if (!id || !is_stream_id(id))
                    continue;
                tail_print(c, id, f);
                snprintf(last, sizeof(last), "%s", id);
            }
            if (!r->elements || !strcmp(last, "0-0")) {
                /* nothing printed: follow from the end */
                freeReplyObject(r);
                if (!once && last_event_id(c, last, sizeof(last)))
                    return 1;
                r = NULL;
            }
        }
        if (r)
            freeReplyObject(r);
        if (fflush(stdout) != 0)
            return fail("cannot write the output");
        if (once)
            return 0;
    } else if (last_event_id(c, last, sizeof(last))) {
        return 1;
    }
    for (;;) {
        const redisReply *ents;
        redisReply *r;
        if (xread(c, last, once ? 0 : TAIL_BLOCK_MS, &ents, &r, err, sizeof(err)) < 0)
            return fail("%s: %s", c->where, err);
        size_t got = 0;
        for (size_t i = 0; ents && i < ents->elements; i++) {
            const redisReply *f;
            const char *id = entry_id(ents->element[i], &f);
            if (!id || !is_stream_id(id))
                continue;
            tail_print(c, id, f);
            snprintf(last, sizeof(last), "%s", id);
            got++;
        }
        freeReplyObject(r);
        if (fflush(stdout) != 0 || ferror(stdout))
            return fail("cannot write the output");
        if (once && !got)
            return 0;
    }
}

/* ---- main ------------------------------------------------------------ */

static int parse_long(const char *s, long lo, long hi, long *v)
{
    char *end;
    errno = 0;
    long x = strtol(s, &end, 10);
    if (errno || end == s || *end || x < lo || x > hi)
        return -1;
    *v = x;
    return 0;
}

static int valid_name(const char *s)
{
    if (!*s || strlen(s) > 100)
        return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return 0;
    return 1;
}

int main(int argc, char **argv)
{
    enum { O_REDIS = 256, O_PREFIX, O_JSON, O_BY, O_WAIT, O_COUNT, O_FROM, O_ONCE };
    static const struct option opts[] = {
        { "redis", required_argument, NULL, O_REDIS },
        { "prefix", required_argument, NULL, O_PREFIX },
        { "json", no_argument, NULL, O_JSON },
        { "by", required_argument, NULL, O_BY },
        { "wait", required_argument, NULL, O_WAIT },
        { "count", required_argument, NULL, O_COUNT },
        { "from", required_argument, NULL, O_FROM },
        { "once", no_argument, NULL, O_ONCE },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *conf = NULL, *redis = NULL, *prefix = NULL, *by = NULL, *from = NULL;
    long wait_s = 0, count = -1;
    int once = 0, json = 0, o;
    int seen_wait = 0, seen_count = 0;

    opterr = 0;
    while ((o = getopt_long(argc, argv, ":c:h", opts, NULL)) != -1) {
        switch (o) {
        case 'c': conf = optarg; break;
        case 'h': usage(stdout); return 0;
        case O_REDIS: redis = optarg; break;
        case O_PREFIX: prefix = optarg; break;
        case O_JSON: json = 1; break;
        case O_BY: by = optarg; break;
        case O_WAIT:
            if (parse_long(optarg, 1, 86400, &wait_s))
                return die_usage("--wait '%s': want seconds, 1 to 86400", optarg);
            seen_wait = 1;
            break;
        case O_COUNT:
            if (parse_long(optarg, 0, 100000, &count))
                return die_usage("--count '%s': want 0 to 100000", optarg);
            seen_count = 1;
            break;
        case O_FROM:
            if (!is_stream_id(optarg) && strcmp(optarg, "$"))
                return die_usage("--from '%s': want a stream id (1733500000000-0) or $", optarg);
            from = optarg;
            break;
        case O_ONCE: once = 1; break;
        case ':': return die_usage("%s needs a value", argv[optind - 1]);
        default:
            return die_usage("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return die_usage("no command (list, show, release, allow, disallow, allowed, tail, health)");
    const char *cmd = argv[optind++];
    int nargs = argc - optind;
    const char *arg = nargs ? argv[optind] : NULL;

    static const char *const with_target[] = { "show", "release", "allow", "disallow", NULL };
    static const char *const without[] = { "list", "allowed", "tail", "health", NULL };
    int needs = -1;
    for (int i = 0; with_target[i]; i++)
        if (!strcmp(cmd, with_target[i])) needs = 1;
    for (int i = 0; without[i]; i++)
        if (!strcmp(cmd, without[i])) needs = 0;
    if (needs < 0)
        return die_usage("unknown command '%s'", cmd);
    if (needs && nargs != 1)
        return die_usage("%s needs one IP or MAC address", cmd);
    if (!needs && nargs)
        return die_usage("%s takes no argument ('%s')", cmd, arg);
    if (seen_wait && strcmp(cmd, "release"))
        return die_usage("--wait applies to release only");
    if ((seen_count || from || once) && strcmp(cmd, "tail"))
        return die_usage("--count, --from and --once apply to tail only");
    if (from && seen_count)
        return die_usage("--from and --count: choose one");
    if (from && !strcmp(from, "$"))
        from = NULL;
    if (!strcmp(cmd, "tail") && once && !from && !seen_count)
        count = 10;

    char target[64] = "";
    int kind = 0;
    if (needs) {
        kind = ctl_parse_target(arg, target, sizeof(target));
        if (!kind) {
            char *s = ctl_clean(arg, strlen(arg), 80, NULL);
            fprintf(stderr, "%s: '%s' is neither an IP address nor a MAC address "
                    "(10.0.0.5, 2001:db8::5, aa:bb:cc:dd:ee:ff)\n", prog, s);
            free(s);
            return EXIT_USAGE;
        }
    }

    struct ctl c;
    memset(&c, 0, sizeof(c));
    c.json = json;
    c.width = term_width();
    c.cfg = calloc(1, sizeof(*c.cfg));
    if (!c.cfg)
        return fail("out of memory");
    config_defaults(c.cfg);
    c.rc = &c.cfg->redis;
    if (conf) {
        char err[512];
        if (config_load(c.cfg, conf, err, sizeof(err)) < 0) {
            free(c.cfg);
            fprintf(stderr, "%s: %s\n", prog, err);
            return EXIT_USAGE;
        }
    }
    if (redis) {
        char host[256], err[300];
        int port, is_unix;
        if (strlen(redis) >= sizeof(c.rc->server) ||
            rconn_parse_addr(redis, 6379, host, sizeof(host), &port, &is_unix, err, sizeof(err)) < 0) {
            free(c.cfg);
            return die_usage("--redis: %s", strlen(redis) >= sizeof(c.rc->server) ? "too long" : err);
        }
        snprintf(c.rc->server, sizeof(c.rc->server), "%s", redis);
        c.rc->sentinels[0] = 0;
    }
    if (prefix) {
        if (!*prefix || strlen(prefix) >= sizeof(c.rc->prefix) || strpbrk(prefix, "{}") ||
            !valid_name(prefix)) {
            free(c.cfg);
            return die_usage("--prefix '%s': want 1 to 63 printable characters, no braces", prefix);
        }
        snprintf(c.rc->prefix, sizeof(c.rc->prefix), "%s", prefix);
    }
    if (!by || !*by) {
        by = getenv("SUDO_USER");
        if (!by || !*by)
            by = getenv("USER");
        if (!by || !*by) {
            struct passwd *pw = getpwuid(getuid());
            by = pw && pw->pw_name ? pw->pw_name : "unknown";
        }
    }
    if (!valid_name(by)) {
        free(c.cfg);
        return die_usage("--by: want 1 to 100 printable characters");
    }
    snprintf(c.by, sizeof(c.by), "%s", by);
    rconn_key(c.rc, "events", c.k_events, sizeof(c.k_events));
    rconn_key(c.rc, "control", c.k_control, sizeof(c.k_control));
    rconn_key(c.rc, "allow", c.k_allow, sizeof(c.k_allow));
    rconn_key(c.rc, "infected", c.k_infected, sizeof(c.k_infected));

    char err[768];
    c.ctx = rconn_open(c.rc, c.where, sizeof(c.where), err, sizeof(err));
    if (!c.ctx) {
        free(c.cfg);
        return fail("cannot use Redis: %s", err);
    }

    int rc;
    if (!strcmp(cmd, "list"))
        rc = cmd_list(&c);
    else if (!strcmp(cmd, "show"))
        rc = cmd_show(&c, kind, target);
    else if (!strcmp(cmd, "allowed"))
        rc = cmd_allowed(&c);
    else if (!strcmp(cmd, "tail"))
        rc = cmd_tail(&c, from, count, once);
    else if (!strcmp(cmd, "health"))
        rc = cmd_health(&c);
    else
        rc = cmd_control(&c, cmd, kind, target, (int)wait_s);

    redisFree(c.ctx);
    free(c.cfg);
    if (fflush(stdout) != 0 && rc == 0)
        rc = fail("cannot write the output");
    return rc;
}
