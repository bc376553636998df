/*
 * redisfeed.c -- the NAC feed's publisher.  See redisfeed.h and
 * docs/nac-feed.md.
 *
 * Journal file: records appended in order, each
 *   "SHJ1" | u32 payload length | u64 FNV-1a of the payload | payload
 * where the payload is the stream entry's fields, "name\0value\0" pairs,
 * the id first.  A torn record at the end (a crash mid-write) fails its
 * checksum and is cut off.  Beside it, FILE.state holds the next sequence
 * number, the offset up to which Redis has everything, and the last
 * operator request read; it is replaced atomically (write, fsync, rename).
 * FILE.hosts (views.h) holds the hosts this sensor flags (their latest
 * entries) as of the journal's start: written before the journal is
 * emptied or rewritten and at stop, read at open before the journal's
 * records are replayed over it, so a restart keeps the quarantines.
 */
#define _GNU_SOURCE
#include "redisfeed.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "../capture/ring.h"
#include "../config/files.h"
#include "eve.h"
#include "json.h"
#include "rconn.h"
#include "views.h"

#define REC_MAX        16384          /* one entry's fields               */
#define REC_HDR        16
#define BATCH          32             /* entries per pipelined round trip */
#define CONTROL_MAX    64             /* release requests waiting         */
#define ALLOW_MAX      DETECT_OPERATOR_ALLOW_MAX
#define IDS_KEEP       200000         /* ids remembered for deduplication */
#define BACKOFF_MIN_MS 250
#define BACKOFF_MAX_MS 30000

/* ---- the scripts (docs/nac-feed.md, "Several sensors, one Redis") ---- */

/* The feed owns its keys: one of the wrong type (written by hand, or by
 * someone with the feed's credentials) is replaced, never allowed to stop
 * a verdict half-way (Redis does not roll a failed script back). */
#define LUA_PREP \
"local function own(key, t)\n" \
"  local have = redis.call('TYPE', key).ok\n" \
"  if have ~= 'none' and have ~= t then redis.call('DEL', key) end\n" \
"end\n" \
"local FIELDS = {'id', 'event', 'ip', 'mac', 'mac_status', 'mac_source', 'mac_seen',\n" \
"  'mac_conflict', 'hostname', 'score', 'flagged', 'first_seen', 'ts', 'reasons',\n" \
"  'top_reason', 'sensor', 'by', 'resync', 'version'}\n"

/* KEYS: host, infected, sensor hosts.  ARGV: ttl, sensor, ip, flagged, view. */
#define LUA_MERGE LUA_PREP \
"local function merge(hkey, zkey, skey, ttl, sensor, ip, flagged, view)\n" \
"  own(hkey, 'hash'); own(zkey, 'zset'); own(skey, 'set')\n" \
"  local vf = 'sensor:' .. sensor\n" \
"  if flagged == '1' then\n" \
"    redis.call('HSET', hkey, vf, view)\n" \
"    redis.call('SADD', skey, ip)\n" \
"  else\n" \
"    redis.call('HDEL', hkey, vf)\n" \
"    redis.call('SREM', skey, ip)\n" \
"  end\n" \
"  local all = redis.call('HGETALL', hkey)\n" \
"  if #all > 2000 then all = {} ; redis.call('DEL', hkey) end\n" \
"  local best, bests, sensors = nil, -1, {}\n" \
"  for i = 1, #all, 2 do\n" \
"    if string.sub(all[i], 1, 7) == 'sensor:' then\n" \
"      local ok, v = pcall(cjson.decode, all[i + 1])\n" \
"      if ok and type(v) == 'table' then\n" \
"        table.insert(sensors, string.sub(all[i], 8))\n" \
"        local s = tonumber(v.score) or 0\n" \
"        if s > bests then best, bests = v, s end\n" \
"      end\n" \
"    end\n" \
"  end\n" \
"  if not best then\n" \
"    redis.call('DEL', hkey)\n" \
"    redis.call('ZREM', zkey, ip)\n" \
"    return\n" \
"  end\n" \
"  table.sort(sensors)\n" \
"  local args = {'sensors', table.concat(sensors, ',')}\n" \
"  for _, k in ipairs(FIELDS) do\n" \
"    local v = best[k]\n" \
"    if type(v) ~= 'string' then v = '' end\n" \
"    table.insert(args, k); table.insert(args, v)\n" \
"  end\n" \
"  redis.call('HSET', hkey, unpack(args))\n" \
"  redis.call('EXPIRE', hkey, ttl)\n" \
"  redis.call('ZADD', zkey, bests, ip)\n" \
"end\n"

/* KEYS: host, infected, sensor hosts, events, ids.
 * ARGV: ttl, sensor, ip, flagged, view, id, maxlen, now_ms, channel,
 * alert, ids_keep, then the entry's field/value pairs. */
static const char lua_event[] = LUA_MERGE
"local st = redis.call('TYPE', KEYS[4]).ok\n"
"if st ~= 'none' and st ~= 'stream' then\n"
"  return redis.error_reply('WRONGTYPE ' .. KEYS[4] .. ' is a ' .. st .. ', not the feed stream')\n"
"end\n"
"own(KEYS[5], 'zset')\n"
"if redis.call('ZSCORE', KEYS[5], ARGV[6]) then return 0 end\n"
"local f = {}\n"
"for i = 12, #ARGV do f[#f + 1] = ARGV[i] end\n"
"redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[7], '*', unpack(f))\n"
"redis.call('ZADD', KEYS[5], ARGV[8], ARGV[6])\n"
"local n = redis.call('ZCARD', KEYS[5])\n"
"if n > tonumber(ARGV[11]) then\n"
"  redis.call('ZREMRANGEBYRANK', KEYS[5], 0, n - tonumber(ARGV[11]) - 1)\n"
"end\n"
"merge(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5])\n"
"redis.call('PUBLISH', ARGV[9], ARGV[10])\n"
"return 1\n";

/* Reconciliation and refresh: the merge alone. */
static const char lua_state[] = LUA_MERGE
"merge(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5])\n"
"return 1\n";

/* KEYS: infected, sensor hosts.  ARGV: host key prefix ("{p}:host:"),
 * sensor.  Drops set members whose hash is gone (expired: the sensor that
 * flagged them stopped refreshing) and this sensor's stale members. */
static const char lua_sweep[] = LUA_PREP
"own(KEYS[1], 'zset'); own(KEYS[2], 'set')\n"
"local n = 0\n"
"for _, ip in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do\n"
"  if redis.call('EXISTS', ARGV[1] .. ip) == 0 then\n"
"    redis.call('ZREM', KEYS[1], ip); n = n + 1\n"
"  end\n"
"end\n"
"for _, ip in ipairs(redis.call('SMEMBERS', KEYS[2])) do\n"
"  if redis.call('HEXISTS', ARGV[1] .. ip, 'sensor:' .. ARGV[2]) == 0 then\n"
"    redis.call('SREM', KEYS[2], ip)\n"
"  end\n"
"end\n"
"return n\n";

enum { S_EVENT, S_STATE, S_SWEEP, S_N };
static const char *const scripts[S_N] = { lua_event, lua_state, lua_sweep };

/* ---- state ------------------------------------------------------------- */

struct rec {                      /* a ring slot: one entry, fields only */
    uint32_t len;
    char data[REC_MAX];
};

struct fhost {                    /* a host this sensor flags now        */
    char ip[64];
    char *view;                   /* JSON object of its latest fields    */
    char *fields;                 /* the same as "name\0value\0" pairs   */
    uint32_t flen;
};

struct release_req {
    char target[64];
    char by[32];
};

struct redisfeed {
    struct sh_redis_cfg cfg;
    char version[32];
    FILE *log;
    char sensor[64];
    char k_events[160], k_ids[160], k_infected[160], k_alerts[160], k_allow[160],
         k_control[160], k_sensor[224], k_sensor_hosts[240], k_host_prefix[160],
         k_marker[240];

    /* journal (jmu guards it, the ring's consumer side and seq) */
    pthread_mutex_t jmu;
    char jpath[CFG_STR_MAX], spath[CFG_STR_MAX + 8], vpath[CFG_STR_MAX + 8];
    int verror;                   /* the last views write failed (logged) */
    int jfd;
    uint64_t jsize;               /* bytes in the journal                */
    uint64_t delivered;           /* Redis has everything before this    */
    uint64_t seq;                 /* next id                             */
    char epoch[24];               /* this journal's id space (hex)       */
    int lockfd;                   /* flock()ed: one spanhound per journal */
    char control_id[64];          /* last operator request processed     */
    int jerror;
    struct ring *ring;

    /* publisher thread */
    pthread_t th;
    int started;
    pthread_mutex_t wmu;
    pthread_cond_t wcv;
    atomic_int stop;
    int flush_only;               /* --flush-journal: no reconciliation  */
    redisContext *ctx;
    char where[300];
    char sha[S_N][48];
    int connected_once;
    uint64_t next_try_ms, backoff_ms;
    uint64_t next_control_ms, next_refresh_ms, next_sweep_ms;
    char last_err[512], last_soft_err[512];
    uint64_t allow_hash;
    int allow_known;
    struct fhost *hosts;          /* jmu: the state, as journaled        */
    int nhosts, caphosts;
    char (*adopted)[64];          /* redisfeed_adopt: the engine's flagged IPs */
    int nadopted, capadopted;
    uint64_t n_adopt_announced, n_adopt_expired;
    char *buf;                    /* a read buffer for journal records   */
    atomic_ullong posted;         /* verdicts put in the ring            */
    int other_sensor_warned;
    int connected_before;         /* a first connection happened         */
    uint64_t last_resync_ms;
    uint64_t next_compact_ms;     /* after a failed compaction           */

    /* operator requests for the detection thread */
    pthread_mutex_t cmu;
    atomic_int control_pending;
    struct release_req rel[CONTROL_MAX];
    int nrel;
    char (*allow)[64];
    int nallow, allow_changed, nallow_logged;
    char (*ctl_list)[64];         /* the detection thread's copy         */
    const char **ctl_ptrs;
    int ready;                    /* wmu: the first connection attempt ended */
    int ready_connected;

    /* health (redisfeed_health): the latest fields, for the publisher */
    pthread_mutex_t hmu;
    char hbuf[REDISFEED_HEALTH_BYTES];
    size_t hlen;
    int hn;
    unsigned httl;
    atomic_int hpending;
    char k_health[240];
    atomic_int connected_now;
    atomic_ullong last_err_ms;    /* monotonic; 0 = none                 */
    uint64_t pending0;            /* undelivered entries found at open   */

    /* counters */
    atomic_ullong n_health,
                  n_verdicts, n_journaled, n_delivered, n_duplicates, n_ring_full,
                  n_journal_dropped, n_reconnects, n_errors, n_reconciles, n_releases,
                  n_control_bad;
};

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t wall_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (uint64_t)tv.tv_sec * 1000 + (uint64_t)tv.tv_usec / 1000;
}

static uint64_t fnv1a(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static void flog(struct redisfeed *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void flog(struct redisfeed *f, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    fprintf(f->log, "spanhound: redis: %s\n", line);
    fflush(f->log);
}

/* "" for 0 (never), else EVE's time format */
static void iso_time(uint64_t ts_us, char *buf, size_t n)
{
    if (ts_us)
        eve_format_time(ts_us, buf, n);
    else if (n)
        buf[0] = 0;
}

/* ---- records: "name\0value\0" pairs ------------------------------------ */

struct recw {
    char *p;
    size_t cap, len;
    int overflow;
};

static void put(struct recw *w, const char *k, const char *v)
{
    size_t kl = strlen(k) + 1, vl = strlen(v) + 1;
    if (w->len + kl + vl > w->cap) {
        w->overflow = 1;
        return;
    }
    memcpy(w->p + w->len, k, kl);
    memcpy(w->p + w->len + kl, v, vl);
    w->len += kl + vl;
}

/* Walk a record's pairs: returns the next offset, 0 at the end / on a
 * malformed record. */
static size_t next_pair(const char *p, size_t len, size_t off, const char **k, const char **v)
{
    if (off >= len)
        return 0;
    const char *ke = memchr(p + off, 0, len - off);
    if (!ke)
        return 0;
    size_t voff = (size_t)(ke - p) + 1;
    if (voff >= len)
        return 0;
    const char *ve = memchr(p + voff, 0, len - voff);
    if (!ve)
        return 0;
    *k = p + off;
    *v = p + voff;
    return (size_t)(ve - p) + 1;
}

static const char *rec_get(const char *p, size_t len, const char *name)
{
    const char *k, *v;
    for (size_t off = 0; (off = next_pair(p, len, off, &k, &v));)
        if (!strcmp(k, name))
            return v;
    return NULL;
}


static void mac_txt(const uint8_t m[6], char *buf, size_t n)
{
    static const uint8_t zero[6];
    if (!memcmp(m, zero, 6)) {
        buf[0] = 0;
        return;
    }
    mac_format(m, buf, n);
}

/* The stream entry of a verdict change (without its id). */
static int format_verdict(struct redisfeed *f, const struct verdict *v, struct rec *r)
{
    struct recw w = { r->data, sizeof(r->data), 0, 0 };
    char b[256], reasons[REC_MAX / 2];
    struct json j;

    put(&w, "event", eve_change_name(v->change));
    addr_format(&v->ip, b, sizeof(b));
    put(&w, "ip", b);
    eve_verdict_mac(v, b, sizeof(b));
    put(&w, "mac", b);
    put(&w, "mac_status", eve_mac_status_name(v->mac_status));
    put(&w, "mac_source", v->mac_status == MACST_UNKNOWN || !v->mac_source
                          ? "unknown" : eve_mac_source_name(v->mac_source));
    mac_txt(v->mac, b, sizeof(b));
    put(&w, "mac_seen", b);
    if (v->mac_status == MACST_CONFLICT) {
        char m1[24], m2[24];
        mac_txt(v->mac, m1, sizeof(m1));
        mac_txt(v->mac_other, m2, sizeof(m2));
        snprintf(b, sizeof(b), "%s,%s", m1, m2);
        put(&w, "mac_conflict", b);
    } else {
        put(&w, "mac_conflict", "");
    }
    put(&w, "hostname", v->hostname);
    snprintf(b, sizeof(b), "%.3f", v->score);
    put(&w, "score", b);
    put(&w, "flagged", v->flagged ? "1" : "0");
    iso_time(v->first_flagged_us, b, sizeof(b));
    put(&w, "first_seen", b);
    iso_time(v->ts_us, b, sizeof(b));
    put(&w, "ts", b);

    json_init(&j, reasons, sizeof(reasons));
    eve_json_evidence(&j, NULL, v);
    put(&w, "reasons", json_finish(&j) ? reasons : "[]");
    put(&w, "top_reason", v->nev ? v->ev[0].explanation : "");
    put(&w, "sensor", f->sensor);
    put(&w, "by", v->change == VERDICT_RELEASED ? v->by : "");
    put(&w, "version", "1");
    if (w.overflow)
        return -1;
    r->len = (uint32_t)w.len;
    return 0;
}

/* ---- journal ------------------------------------------------------------ */

static int save_state(struct redisfeed *f)
{
    char tmp[CFG_STR_MAX + 16], text[256];
    snprintf(tmp, sizeof(tmp), "%s.tmp", f->spath);
    int n = snprintf(text, sizeof(text), "epoch %s\nseq %llu\ndelivered %llu\ncontrol %s\n",
                     f->epoch, (unsigned long long)f->seq, (unsigned long long)f->delivered,
                     f->control_id[0] ? f->control_id : "-");
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    if (file_write_all(fd, text, (size_t)n) < 0 || fsync(fd) < 0) {
        close(fd);
        return -1;
    }
    close(fd);
    if (rename(tmp, f->spath) < 0)
        return -1;
    file_sync_dir(f->spath);
    return 0;
}

static void load_state(struct redisfeed *f)
{
    FILE *fp = fopen(f->spath, "r");
    if (!fp)
        return;
    char line[256];
    while (fgets(line, sizeof(line), fp)) {
        unsigned long long v;
        char id[64];
        if (sscanf(line, "epoch %23s", id) == 1)
            snprintf(f->epoch, sizeof(f->epoch), "%s", id);
        else if (sscanf(line, "seq %llu", &v) == 1)
            f->seq = v;
        else if (sscanf(line, "delivered %llu", &v) == 1)
            f->delivered = v;
        else if (sscanf(line, "control %63s", id) == 1 && strcmp(id, "-"))
            snprintf(f->control_id, sizeof(f->control_id), "%s", id);
    }
    fclose(fp);
}

/* Read the record at off into f->buf.  Returns its payload length and
 * sets *next; 0 at the end; -1 for a torn or corrupt record. */
static long read_rec(struct redisfeed *f, uint64_t off, uint64_t end, uint64_t *next)
{
    uint8_t hdr[REC_HDR];
    if (off + REC_HDR > end)
        return off == end ? 0 : -1;
    if (pread(f->jfd, hdr, REC_HDR, (off_t)off) != REC_HDR || memcmp(hdr, "SHJ1", 4))
        return -1;
    uint32_t len;
    uint64_t h;
    memcpy(&len, hdr + 4, 4);
    memcpy(&h, hdr + 8, 8);
    if (len == 0 || len > REC_MAX + 128 || off + REC_HDR + len > end)
        return -1;
    if (pread(f->jfd, f->buf, len, (off_t)(off + REC_HDR)) != (ssize_t)len ||
        fnv1a(f->buf, len) != h || f->buf[len - 1] != 0)
        return -1;
    *next = off + REC_HDR + len;
    return len;
}

/* An id is "<sensor>:<epoch>-<n>": the epoch names this journal's id space,
 * so ids never repeat even when the state file is lost with an empty
 * journal (a new epoch then begins).  Parses the part after the sensor. */
static int parse_id(const char *id, char *epoch, size_t elen, unsigned long long *n)
{
    const char *colon = id ? strrchr(id, ':') : NULL;
    const char *dash = colon ? strchr(colon, '-') : NULL;
    if (!dash || (size_t)(dash - colon - 1) >= elen || dash == colon + 1)
        return -1;
    memcpy(epoch, colon + 1, (size_t)(dash - colon - 1));
    epoch[dash - colon - 1] = 0;
    char *end;
    *n = strtoull(dash + 1, &end, 10);
    return *end ? -1 : 0;
}

static void fhost_note(struct redisfeed *f, const char *fields, size_t len);

/* FILE.hosts (jmu held or not yet shared): this sensor's flagged hosts.
 * 0 ok, -1 not written (logged once; the caller keeps the journal). */
static int views_save_locked(struct redisfeed *f)
{
    const char **rec = malloc(sizeof(*rec) * (size_t)(f->nhosts ? f->nhosts : 1));
    uint32_t *len = malloc(sizeof(*len) * (size_t)(f->nhosts ? f->nhosts : 1));
    uint8_t *buf = NULL;
    size_t n = 0;
    int rc = -1;
    if (rec && len) {
        for (int i = 0; i < f->nhosts; i++) {
            rec[i] = f->hosts[i].fields;
            len[i] = f->hosts[i].flen;
        }
        if (views_encode(rec, len, f->nhosts, &buf, &n) == 0)
            rc = views_write_file(f->vpath, buf, n);
        else
            errno = ENOMEM;
    } else {
        errno = ENOMEM;
    }
    if (rc < 0 && !f->verror)
        flog(f, "journal %s: cannot write %s: %s (the journal is kept until it can)", f->jpath,
             f->vpath, strerror(errno));
    else if (rc == 0 && f->verror)
        flog(f, "journal %s: %s written again", f->jpath, f->vpath);
    f->verror = rc < 0;
    free(buf);
    free(rec);
    free(len);
    return rc;
}

static void views_note(void *ctx, const char *rec, size_t len)
{
    fhost_note(ctx, rec, len);
}

/* Read FILE.hosts (hostile bytes): a bad file is logged and ignored. */
static void views_load(struct redisfeed *f)
{
    int fd = open(f->vpath, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);  /* (a FIFO: no wait) */
    if (fd < 0) {
        if (errno != ENOENT)
            flog(f, "journal %s: cannot read %s: %s", f->jpath, f->vpath, strerror(errno));
        return;
    }
    struct stat st;
    char err[128];
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > (512 << 20)) {
        flog(f, "journal %s: %s is not a views file (ignored)", f->jpath, f->vpath);
        close(fd);
        return;
    }
    size_t len = (size_t)st.st_size, off = 0;
    uint8_t *buf = malloc(len ? len : 1);
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
        flog(f, "journal %s: cannot read %s (ignored)", f->jpath, f->vpath);
    } else if (views_parse(buf, len, views_note, f, err, sizeof(err)) < 0) {
        flog(f, "journal %s: %s: %s, ignored: this sensor's hosts in Redis follow the journal "
             "alone", f->jpath, f->vpath, err);
    }
    free(buf);
}

/* Open the journal (one spanhound at a time), check it, cut a torn tail,
 * recover the id space. */
static int journal_open(struct redisfeed *f, char *err, size_t errlen)
{
    char lpath[CFG_STR_MAX + 8];
    snprintf(f->jpath, sizeof(f->jpath), "%s", f->cfg.journal);
    snprintf(f->spath, sizeof(f->spath), "%s.state", f->cfg.journal);
    snprintf(f->vpath, sizeof(f->vpath), "%s.hosts", f->cfg.journal);
    snprintf(lpath, sizeof(lpath), "%s.lock", f->cfg.journal);
    f->lockfd = open(lpath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (f->lockfd < 0) {
        snprintf(err, errlen, "journal %s: %s (set redis.journal or --journal)", lpath,
                 strerror(errno));
        return -1;
    }
    if (flock(f->lockfd, LOCK_EX | LOCK_NB) < 0) {
        snprintf(err, errlen, "journal %s is in use by another spanhound (%s is locked); "
                 "give each one its own redis.journal", f->jpath, lpath);
        return -1;
    }
    f->jfd = open(f->jpath, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (f->jfd < 0) {
        snprintf(err, errlen, "journal %s: %s (set redis.journal or --journal)", f->jpath,
                 strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(f->jfd, &st) < 0) {
        snprintf(err, errlen, "journal %s: %s", f->jpath, strerror(errno));
        return -1;
    }
    f->jsize = (uint64_t)st.st_size;
    load_state(f);
    if (f->delivered > f->jsize)
        f->delivered = 0;
    /* the views as of the journal's start, then its records over them */
    views_load(f);
    /* walk it: the last good record, its id space and number */
    uint64_t off = 0, next;
    long n;
    while ((n = read_rec(f, off, f->jsize, &next)) > 0) {
        char ep[24];
        f->pending0 += off >= f->delivered;
        unsigned long long s;
        if (!rec_get(f->buf, (size_t)n, "resync"))
            fhost_note(f, f->buf, (size_t)n);
        if (parse_id(rec_get(f->buf, (size_t)n, "id"), ep, sizeof(ep), &s) == 0) {
            if (strcmp(ep, f->epoch)) {
                snprintf(f->epoch, sizeof(f->epoch), "%s", ep);
                f->seq = 0;
            }
            if (s + 1 > f->seq)
                f->seq = s + 1;
        }
        off = next;
    }
    if (n < 0) {
        flog(f, "journal %s: cut a torn record at byte %llu (%llu bytes dropped)", f->jpath,
             (unsigned long long)off, (unsigned long long)(f->jsize - off));
        if (ftruncate(f->jfd, (off_t)off) < 0 || fsync(f->jfd) < 0) {
            snprintf(err, errlen, "journal %s: %s", f->jpath, strerror(errno));
            return -1;
        }
        f->jsize = off;
        if (f->delivered > off)
            f->delivered = off;
    }
    if (!f->epoch[0]) {
        /* a new id space: the time it began, in microseconds (hex) */
        struct timeval tv;
        gettimeofday(&tv, NULL);
        snprintf(f->epoch, sizeof(f->epoch), "%llx",
                 (unsigned long long)tv.tv_sec * 1000000ULL + (unsigned long long)tv.tv_usec);
        f->seq = 1;
        if (save_state(f) < 0) {
            snprintf(err, errlen, "journal %s: %s", f->spath, strerror(errno));
            return -1;
        }
    }
    if (f->seq == 0)
        f->seq = 1;
    return 0;
}

/* ---- the publisher's view of the hosts this sensor flags (jmu) -------- */

static struct fhost *fhost_find(struct redisfeed *f, const char *ip)
{
    for (int i = 0; i < f->nhosts; i++)
        if (!strcmp(f->hosts[i].ip, ip))
            return &f->hosts[i];
    return NULL;
}

static void fhost_free(struct fhost *h)
{
    free(h->view);
    free(h->fields);
}

/* The entry as one JSON object: the view kept in the host hash (reasons as
 * a string, every value a string) or the alert (reasons as an array). */
static const char *entry_json(const char *p, size_t len, int alert, char *out, size_t cap)
{
    struct json j;
    const char *k, *v;
    json_init(&j, out, cap);
    json_obj_open(&j, NULL);
    for (size_t off = 0; (off = next_pair(p, len, off, &k, &v));) {
        if (alert && !strcmp(k, "reasons"))
            json_raw(&j, k, v);
        else
            json_cstr(&j, k, v);
    }
    json_obj_close(&j);
    return json_finish(&j);
}

/* The state after entry fields[0..len) (with its id), kept as journaled:
 * even an entry dropped from a full journal updates it, so reconciliation
 * writes the truth. */
static void fhost_note(struct redisfeed *f, const char *fields, size_t len)
{
    static _Thread_local char view[REC_MAX * 2];
    const char *ip = rec_get(fields, len, "ip");
    const char *flagged = rec_get(fields, len, "flagged");
    if (!ip || !flagged || strlen(ip) >= sizeof(f->hosts[0].ip))
        return;
    struct fhost *h = fhost_find(f, ip);
    if (flagged[0] != '1') {
        if (h) {
            fhost_free(h);
            *h = f->hosts[--f->nhosts];
        }
        return;
    }
    if (!entry_json(fields, len, 0, view, sizeof(view)))
        return;
    if (!h) {
        if (f->nhosts == f->caphosts) {
            int cap = f->caphosts ? f->caphosts * 2 : 64;
            struct fhost *nh = realloc(f->hosts, sizeof(*nh) * (size_t)cap);
            if (!nh)
                return;
            f->hosts = nh;
            f->caphosts = cap;
        }
        h = &f->hosts[f->nhosts++];
        memset(h, 0, sizeof(*h));
        snprintf(h->ip, sizeof(h->ip), "%s", ip);
    }
    char *v = strdup(view), *fl = malloc(len);
    if (!v || !fl) {
        free(v);
        free(fl);
        return;
    }
    memcpy(fl, fields, len);
    fhost_free(h);
    h->view = v;
    h->fields = fl;
    h->flen = (uint32_t)len;
}

/* Append one entry (jmu held): give it its id, write, no fsync yet.
 * Returns 1 written, 0 dropped (journal full), -1 write error. */
static int journal_append(struct redisfeed *f, const struct rec *r)
{
    uint64_t soft = (uint64_t)f->cfg.journal_max_mb << 20;
    uint64_t pending = f->jsize - f->delivered;
    const char *ev = rec_get(r->data, r->len, "event");
    int minor = ev && !strcmp(ev, "updated");
    char hdr[REC_HDR], idrec[160];
    int il = snprintf(idrec, sizeof(idrec), "id%c%s:%s-%llu", 0, f->sensor, f->epoch,
                      (unsigned long long)f->seq) + 1;
    uint32_t len = (uint32_t)il + r->len;
    /* payload = id pair + the fields */
    char payload[REC_MAX + 160];
    memcpy(payload, idrec, (size_t)il);
    memcpy(payload + il, r->data, r->len);
    /* a re-announcement (resync) changes no state */
    if (!rec_get(r->data, r->len, "resync"))
        fhost_note(f, payload, len);
    if (pending + len + REC_HDR > (minor ? soft : 2 * soft)) {
        f->seq++;                 /* its id is never given to another entry */
        unsigned long long d = atomic_fetch_add(&f->n_journal_dropped, 1);
        if (d == 0 || !minor)
            flog(f, "journal %s full (%llu bytes undelivered): %s event dropped (the host's "
                 "state is still rewritten when Redis returns)", f->jpath,
                 (unsigned long long)pending, ev ? ev : "?");
        return 0;
    }
    uint64_t h = fnv1a(payload, len);
    memcpy(hdr, "SHJ1", 4);
    memcpy(hdr + 4, &len, 4);
    memcpy(hdr + 8, &h, 8);
    if (pwrite(f->jfd, hdr, REC_HDR, (off_t)f->jsize) != REC_HDR ||
        pwrite(f->jfd, payload, len, (off_t)(f->jsize + REC_HDR)) != (ssize_t)len) {
        if (!f->jerror)
            flog(f, "journal %s: write failed: %s", f->jpath, strerror(errno));
        f->jerror = 1;
        /* leave no partial record behind */
        if (ftruncate(f->jfd, (off_t)f->jsize) < 0)
            f->jerror = 2;
        return -1;
    }
    f->jsize += REC_HDR + len;
    f->seq++;
    atomic_fetch_add(&f->n_journaled, 1);
    return 1;
}

/* Move everything in the ring into the journal and fsync (jmu held). */
static void drain_ring_locked(struct redisfeed *f)
{
    int wrote = 0;
    struct rec *r;
    while ((r = ring_peek(f->ring))) {
        if (r->len && journal_append(f, r) > 0)
            wrote = 1;
        ring_release(f->ring);
    }
    if (wrote && fdatasync(f->jfd) < 0 && !f->jerror) {
        flog(f, "journal %s: fsync failed: %s", f->jpath, strerror(errno));
        f->jerror = 1;
    }
}

static void drain_ring(struct redisfeed *f)
{
    pthread_mutex_lock(&f->jmu);
    drain_ring_locked(f);
    pthread_mutex_unlock(&f->jmu);
}

/* All delivered (jmu held): empty the journal, state first (a crash
 * between the two replays from 0, and the stream's id check drops the
 * duplicates). */
static void journal_compact_locked(struct redisfeed *f)
{
    if (f->delivered == 0 || f->jsize == 0)
        return;
    if (f->delivered >= f->jsize) {
        /* the journal's records are the views' only copy on disk: the
         * views file first */
        if (views_save_locked(f) < 0)
            return;
        f->delivered = 0;
        if (save_state(f) < 0) {
            f->delivered = f->jsize;
            return;
        }
        if (ftruncate(f->jfd, 0) == 0) {
            f->jsize = 0;
            fsync(f->jfd);
        } else {
            f->delivered = f->jsize;
        }
        return;
    }
}

static int copy_range(int from_fd, int to_fd, uint64_t off, uint64_t end)
{
    char buf[65536];
    while (off < end) {
        size_t want = end - off < sizeof(buf) ? (size_t)(end - off) : sizeof(buf);
        ssize_t k = pread(from_fd, buf, want, (off_t)off);
        if (k <= 0 || file_write_all(to_fd, buf, (size_t)k) < 0)
            return -1;
        off += (uint64_t)k;
    }
    return 0;
}

/* A long delivered prefix under a standing backlog: copy the rest to a new
 * file and rename it over the journal (publisher thread only: it alone
 * moves the delivered mark and swaps the file).  The bulk is copied and
 * synced without jmu, so detection's overflow path never waits on it; only
 * the entries appended meanwhile are copied under jmu. */
static void journal_rewrite(struct redisfeed *f)
{
    pthread_mutex_lock(&f->jmu);
    uint64_t from = f->delivered, upto = f->jsize;
    pthread_mutex_unlock(&f->jmu);
    if (from < (1u << 20) || from < upto / 2 || from >= upto || now_ms() < f->next_compact_ms)
        return;
    char tmp[CFG_STR_MAX + 16];
    snprintf(tmp, sizeof(tmp), "%s.new", f->jpath);
    int fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || copy_range(f->jfd, fd, from, upto) < 0 || fdatasync(fd) < 0)
        goto fail;
    pthread_mutex_lock(&f->jmu);
    /* the state says "from 0" before the new file replaces the old one: a
     * crash in between replays the old file's delivered part (skipped as
     * duplicates), never starts in the middle of the new one */
    f->delivered = 0;
    if (views_save_locked(f) < 0 ||
        copy_range(f->jfd, fd, upto, f->jsize) < 0 || fdatasync(fd) < 0 || save_state(f) < 0 ||
        rename(tmp, f->jpath) < 0) {
        f->delivered = from;
        save_state(f);
        pthread_mutex_unlock(&f->jmu);
        goto fail;
    }
    file_sync_dir(f->jpath);
    close(f->jfd);
    f->jfd = fd;
    f->jsize -= from;
    pthread_mutex_unlock(&f->jmu);
    return;
fail:
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    f->next_compact_ms = now_ms() + 60000;   /* a full disk is not hammered */
}

/* ---- the detection thread's side --------------------------------------- */

void redisfeed_verdict(struct redisfeed *f, const struct verdict *v)
{
    if (!f || v->change == VERDICT_CURRENT)
        return;
    atomic_fetch_add(&f->n_verdicts, 1);
    struct rec *slot = ring_reserve(f->ring);
    if (slot) {
        if (format_verdict(f, v, slot) < 0) {
            /* cannot happen with REC_MAX >= 8 evidence; keep it safe */
            slot->len = 0;
        }
        ring_commit(f->ring);
    } else {
        /* the publisher is behind (a slow disk): write it ourselves, in order */
        static _Thread_local struct rec r;
        atomic_fetch_add(&f->n_ring_full, 1);
        if (format_verdict(f, v, &r) == 0) {
            pthread_mutex_lock(&f->jmu);
            drain_ring_locked(f);
            journal_append(f, &r);
            if (fdatasync(f->jfd) < 0)
                f->jerror = 1;
            pthread_mutex_unlock(&f->jmu);
        }
    }
    pthread_mutex_lock(&f->wmu);
    atomic_fetch_add(&f->posted, 1);
    pthread_cond_signal(&f->wcv);
    pthread_mutex_unlock(&f->wmu);
}

/* ---- after a restart: the engine's flagged hosts against the views ------ */

void redisfeed_adopt(struct redisfeed *f, const struct verdict *v)
{
    char ip[64];
    if (!f || !v->flagged)
        return;
    addr_format(&v->ip, ip, sizeof(ip));
    if (f->nadopted == f->capadopted) {
        int cap = f->capadopted ? f->capadopted * 2 : 64;
        char (*a)[64] = realloc(f->adopted, sizeof(*a) * (size_t)cap);
        if (!a)
            return;              /* (its view, if any, is expired: logged) */
        f->adopted = a;
        f->capadopted = cap;
    }
    snprintf(f->adopted[f->nadopted++], 64, "%s", ip);
    pthread_mutex_lock(&f->jmu);
    int known = fhost_find(f, ip) != NULL;
    pthread_mutex_unlock(&f->jmu);
    if (!known) {
        /* flagged here, unknown to Redis's view of this sensor (its views
         * file was lost): announce it, as an update of what it was */
        struct verdict u = *v;
        u.change = VERDICT_UPDATED;
        redisfeed_verdict(f, &u);
        f->n_adopt_announced++;
    }
}

/* A host's journaled view into w again, as a new record: without its id
 * and resync fields, with event set to event and, when not NULL, flagged
 * and ts replaced. */
static void put_view(struct recw *w, const struct fhost *h, const char *event,
                     const char *flagged, const char *ts)
{
    const char *k, *v;
    for (size_t o = 0; (o = next_pair(h->fields, h->flen, o, &k, &v));) {
        if (!strcmp(k, "id") || !strcmp(k, "resync"))
            continue;
        put(w, k, !strcmp(k, "event") ? event : flagged && !strcmp(k, "flagged") ? flagged :
                  ts && !strcmp(k, "ts") ? ts : v);
    }
}

static int cmp_ip(const void *a, const void *b)
{
    return strcmp(a, b);
}

void redisfeed_adopt_end(struct redisfeed *f)
{
    static _Thread_local struct rec r;
    char ts[64];
    if (!f)
        return;
    if (f->nadopted)
        qsort(f->adopted, (size_t)f->nadopted, sizeof(*f->adopted), cmp_ip);
    struct timeval tv;
    gettimeofday(&tv, NULL);
    iso_time((uint64_t)tv.tv_sec * 1000000ULL + (uint64_t)tv.tv_usec, ts, sizeof(ts));
    int n = 0;
    pthread_mutex_lock(&f->jmu);
    /* views the engine has no host for: the verdict cannot be carried on
     * (no state.dir, an unreadable snapshot), so it ends here, loudly */
    for (int i = 0; i < f->nhosts;) {
        if (f->nadopted && bsearch(f->hosts[i].ip, f->adopted, (size_t)f->nadopted,
                                   sizeof(*f->adopted), cmp_ip)) {
            i++;
            continue;
        }
        struct recw w = { r.data, sizeof(r.data), 0, 0 };
        put_view(&w, &f->hosts[i], "expired", "0", ts);
        int before = f->nhosts;
        if (!w.overflow) {
            r.len = (uint32_t)w.len;
            n += journal_append(f, &r) > 0;
        }
        if (f->nhosts == before) {      /* not removed by the entry: drop it */
            fhost_free(&f->hosts[i]);
            f->hosts[i] = f->hosts[--f->nhosts];
        }
    }
    if (n && fdatasync(f->jfd) < 0)
        f->jerror = 1;
    pthread_mutex_unlock(&f->jmu);
    f->n_adopt_expired += (uint64_t)n;
    if (n)
        flog(f, "%d host%s flagged by an earlier run expired: this run has no host state for "
             "%s (state.dir; docs/appliance.md)", n, n == 1 ? "" : "s", n == 1 ? "it" : "them");
    if (f->n_adopt_announced)
        flog(f, "%llu flagged host%s restored without a view in Redis announced again",
             (unsigned long long)f->n_adopt_announced, f->n_adopt_announced == 1 ? "" : "s");
    free(f->adopted);
    f->adopted = NULL;
    f->nadopted = f->capadopted = 0;
}

void redisfeed_control(struct redisfeed *f, redisfeed_release_fn release,
                       redisfeed_allow_fn allow, void *ctx)
{
    if (!f || !atomic_load_explicit(&f->control_pending, memory_order_acquire))
        return;
    struct release_req rel[CONTROL_MAX];
    char (*list)[64] = f->ctl_list;
    const char **ptrs = f->ctl_ptrs;
    int nrel, nallow = -1;
    pthread_mutex_lock(&f->cmu);
    nrel = f->nrel;
    memcpy(rel, f->rel, sizeof(rel[0]) * (size_t)nrel);
    f->nrel = 0;
    if (f->allow_changed) {
        nallow = f->nallow;
        memcpy(list, f->allow, sizeof(list[0]) * (size_t)nallow);
        f->allow_changed = 0;
    }
    atomic_store(&f->control_pending, 0);
    pthread_mutex_unlock(&f->cmu);
    if (nallow >= 0) {
        for (int i = 0; i < nallow; i++)
            ptrs[i] = list[i];
        allow(ctx, ptrs, nallow);
    }
    for (int i = 0; i < nrel; i++)
        release(ctx, rel[i].target, rel[i].by);
}

/* ---- Redis -------------------------------------------------------------- */

static void disconnect(struct redisfeed *f, const char *why)
{
    if (f->ctx) {
        redisFree(f->ctx);
        f->ctx = NULL;
    }
    atomic_store(&f->connected_now, 0);
    atomic_store(&f->last_err_ms, now_ms() | 1);
    atomic_fetch_add(&f->n_errors, 1);
    if (strcmp(why, f->last_err)) {
        flog(f, "%s; verdicts are kept in the journal %s and delivered when it returns",
             why, f->jpath);
        snprintf(f->last_err, sizeof(f->last_err), "%s", why);
    }
    f->backoff_ms = f->backoff_ms ? f->backoff_ms * 2 : BACKOFF_MIN_MS;
    if (f->backoff_ms > BACKOFF_MAX_MS)
        f->backoff_ms = BACKOFF_MAX_MS;
    f->next_try_ms = now_ms() + f->backoff_ms;
}

/* Run one command; on failure disconnect.  Returns the reply or NULL. */
static redisReply *cmd(struct redisfeed *f, int argc, const char **argv)
{
    char err[512], e[820];
    redisReply *r = rconn_cmd(f->ctx, argc, argv, err, sizeof(err));
    if (!r) {
        snprintf(e, sizeof(e), "%s: %s", f->where, err);
        disconnect(f, e);
    }
    return r;
}

/* A command whose error reply must not stop the feed (operator keys
 * anyone with the feed's credentials may have mangled): an error is logged
 * once and *fail set to 0; a broken connection disconnects, *fail = -1. */
static redisReply *soft_cmd(struct redisfeed *f, int argc, const char **argv, int *fail)
{
    char err[512];
    redisReply *r = rconn_cmd(f->ctx, argc, argv, err, sizeof(err));
    *fail = 0;
    if (r)
        return r;
    if (f->ctx->err) {
        char e[820];
        snprintf(e, sizeof(e), "%s: %s", f->where, err);
        disconnect(f, e);
        *fail = -1;
    } else if (strcmp(err, f->last_soft_err)) {
        flog(f, "%s: %s (%s skipped)", f->where, err, argc > 1 ? argv[argc > 4 ? 4 : 1] : "");
        snprintf(f->last_soft_err, sizeof(f->last_soft_err), "%s", err);
    }
    return NULL;
}

/* The next pipelined reply; NULL after disconnecting when the connection
 * failed or Redis answered an error (what: for the message). */
static redisReply *get_reply(struct redisfeed *f, const char *what, const char *about)
{
    redisReply *r;
    char e[640];
    if (redisGetReply(f->ctx, (void **)&r) != REDIS_OK || !r) {
        snprintf(e, sizeof(e), "%s: %s", f->where,
                 f->ctx->errstr[0] ? f->ctx->errstr : "connection lost");
        disconnect(f, e);
        return NULL;
    }
    if (r->type == REDIS_REPLY_ERROR) {
        snprintf(e, sizeof(e), "%s: %s%s: %s", f->where, what, about, r->str);
        freeReplyObject(r);
        disconnect(f, e);
        return NULL;
    }
    return r;
}

static int state_args(struct redisfeed *f, const char *ip, int flagged, const char *view,
                      const char **argv, char *hostkey, size_t hklen, char *ttl, size_t ttllen)
{
    snprintf(hostkey, hklen, "%s%s", f->k_host_prefix, ip);
    snprintf(ttl, ttllen, "%u", f->cfg.host_ttl_s);
    argv[0] = "EVALSHA";
    argv[1] = f->sha[S_STATE];
    argv[2] = "3";
    argv[3] = hostkey;
    argv[4] = f->k_infected;
    argv[5] = f->k_sensor_hosts;
    argv[6] = ttl;
    argv[7] = f->sensor;
    argv[8] = ip;
    argv[9] = flagged ? "1" : "0";
    argv[10] = view ? view : "{}";
    return 11;
}

/* A copy of the hosts' views taken under jmu, for network work without it. */
struct snap {
    int n;
    char (*ip)[64];
    char **view;
};

static void snap_free(struct snap *s)
{
    for (int i = 0; i < s->n; i++)
        free(s->view[i]);
    free(s->ip);
    free(s->view);
    memset(s, 0, sizeof(*s));
}

static int snap_take(struct redisfeed *f, struct snap *s)
{
    memset(s, 0, sizeof(*s));
    pthread_mutex_lock(&f->jmu);
    int n = f->nhosts;
    s->ip = calloc((size_t)n + 1, sizeof(*s->ip));
    s->view = calloc((size_t)n + 1, sizeof(*s->view));
    if (s->ip && s->view)
        for (int i = 0; i < n; i++) {
            memcpy(s->ip[i], f->hosts[i].ip, sizeof(s->ip[i]));
            s->view[i] = strdup(f->hosts[i].view);
            if (!s->view[i])
                break;
            s->n++;
        }
    pthread_mutex_unlock(&f->jmu);
    return s->n == n ? 0 : -1;
}

/* Rewrite this sensor's hosts from its own state (as journaled), drop what
 * it no longer flags.  A host Redis refuses (a key of the wrong type that
 * cannot be replaced) is reported and skipped: it never holds operator
 * control hostage.  0 ok, -1 disconnected. */
static int reconcile(struct redisfeed *f, const char *why)
{
    char hk[256], ttl[16];
    const char *argv[11];
    struct snap s;
    if (snap_take(f, &s) < 0) {
        snap_free(&s);
        return 0;            /* out of memory: the next refresh tries again */
    }
    for (int i = 0; i < s.n; i++) {
        int n = state_args(f, s.ip[i], 1, s.view[i], argv, hk, sizeof(hk), ttl, sizeof(ttl));
        redisAppendCommandArgv(f->ctx, n, argv, NULL);
    }
    int refused = 0;
    for (int i = 0; i < s.n; i++) {
        redisReply *r;
        if (redisGetReply(f->ctx, (void **)&r) != REDIS_OK || !r) {
            char e[400];
            snprintf(e, sizeof(e), "%s: %s", f->where,
                     f->ctx->errstr[0] ? f->ctx->errstr : "connection lost");
            snap_free(&s);
            disconnect(f, e);
            return -1;
        }
        if (r->type == REDIS_REPLY_ERROR && !refused++)
            flog(f, "%s: host %s: %s (skipped)", f->where, s.ip[i], r->str);
        freeReplyObject(r);
    }
    /* members of our set we no longer flag */
    const char *sm[] = { "SMEMBERS", f->k_sensor_hosts };
    redisReply *r = cmd(f, 2, sm);
    if (!r) {
        snap_free(&s);
        return -1;
    }
    int removed = 0;
    for (size_t i = 0; r->type == REDIS_REPLY_ARRAY && i < r->elements; i++) {
        const redisReply *e = r->element[i];
        if (e->type != REDIS_REPLY_STRING || e->len >= 64)
            continue;
        int mine = 0;
        for (int k = 0; k < s.n && !mine; k++)
            mine = !strcmp(s.ip[k], e->str);
        if (mine)
            continue;
        int n = state_args(f, e->str, 0, NULL, argv, hk, sizeof(hk), ttl, sizeof(ttl));
        redisReply *x = rconn_cmd(f->ctx, n, argv, hk, sizeof(hk));
        if (!x && f->ctx->err) {
            freeReplyObject(r);
            snap_free(&s);
            disconnect(f, hk);
            return -1;
        }
        if (x)
            freeReplyObject(x);
        removed++;
    }
    freeReplyObject(r);
    atomic_fetch_add(&f->n_reconciles, 1);
    if (why)
        flog(f, "%s: state rewritten (%d flagged hosts, %d no longer flagged)", why, s.n,
             removed);
    snap_free(&s);
    return 0;
}

/* Redis lost the feed's keys (FLUSHALL, a restart without persistence, a
 * failover that lost writes): entries it had acknowledged may be gone from
 * the stream the NAC reads.  Every host this sensor flags is announced
 * again, as an 'updated' entry with resync=1 and a fresh id, through the
 * journal like any other. */
static void resync(struct redisfeed *f)
{
    static _Thread_local struct rec r;
    int n = 0;
    /* at most once a minute: a key someone deletes in a loop must not
     * flood the stream */
    uint64_t t = now_ms();
    if (f->last_resync_ms && t < f->last_resync_ms + 60000)
        return;
    f->last_resync_ms = t;
    pthread_mutex_lock(&f->jmu);
    int count = f->nhosts;
    for (int i = 0; i < count && i < f->nhosts; i++) {
        struct recw w = { r.data, sizeof(r.data), 0, 0 };
        put_view(&w, &f->hosts[i], "updated", NULL, NULL);
        put(&w, "resync", "1");
        if (w.overflow)
            continue;
        r.len = (uint32_t)w.len;
        n += journal_append(f, &r) > 0;
    }
    if (n && fdatasync(f->jfd) < 0)
        f->jerror = 1;
    pthread_mutex_unlock(&f->jmu);
    if (n)
        flog(f, "announced %d flagged host%s again (resync)", n, n == 1 ? "" : "s");
}

static int heartbeat(struct redisfeed *f, int *lost)
{
    char flagged[16], pending[32], ts[64];
    pthread_mutex_lock(&f->jmu);
    snprintf(flagged, sizeof(flagged), "%d", f->nhosts);
    snprintf(pending, sizeof(pending), "%llu", (unsigned long long)(f->jsize - f->delivered));
    pthread_mutex_unlock(&f->jmu);
    iso_time(wall_ms() * 1000, ts, sizeof(ts));
    int fail;
    const char *ex[] = { "HGET", f->k_sensor, "instance" };
    redisReply *r = soft_cmd(f, 3, ex, &fail);
    if (!r && fail)
        return -1;
    if (r && r->type == REDIS_REPLY_STRING && strcmp(r->str, f->epoch) &&
        !f->other_sensor_warned) {
        /* two sensors, one name: their views of a host would overwrite each other */
        flog(f, "another sensor named '%s' (journal id space %.24s) writes to this Redis: give "
             "each sensor its own redis.sensor", f->sensor, r->str);
        f->other_sensor_warned = 1;
    }
    if (r)
        freeReplyObject(r);
    /* Redis lost the feed's keys when the marker (no TTL: only a flush, a
     * restart without persistence or a failover that lost writes remove
     * it) is gone; SET NX answers nil while it is still there */
    const char *mk[] = { "SET", f->k_marker, f->epoch, "NX" };
    r = soft_cmd(f, 4, mk, &fail);
    if (!r && fail)
        return -1;
    *lost = r && r->type == REDIS_REPLY_STATUS;
    if (r)
        freeReplyObject(r);
    const char *hs[] = { "HSET", f->k_sensor, "name", f->sensor, "version", f->version,
                         "heartbeat", ts, "flagged", flagged, "journal_pending_bytes", pending,
                         "instance", f->epoch };
    r = cmd(f, 14, hs);
    if (!r)
        return -1;
    freeReplyObject(r);
    char ttl[16];
    snprintf(ttl, sizeof(ttl), "%u", 60 + 3 * (f->cfg.control_interval_ms / 1000));
    const char *exp[] = { "EXPIRE", f->k_sensor, ttl };
    r = cmd(f, 3, exp);
    if (!r)
        return -1;
    freeReplyObject(r);
    return 0;
}

static int load_scripts(struct redisfeed *f)
{
    for (int i = 0; i < S_N; i++) {
        const char *argv[] = { "SCRIPT", "LOAD", scripts[i] };
        redisReply *r = cmd(f, 3, argv);
        if (!r)
            return -1;
        if (r->type != REDIS_REPLY_STRING || r->len >= sizeof(f->sha[i])) {
            freeReplyObject(r);
            disconnect(f, "SCRIPT LOAD: unexpected reply");
            return -1;
        }
        snprintf(f->sha[i], sizeof(f->sha[i]), "%s", r->str);
        freeReplyObject(r);
    }
    return 0;
}

/* Deliver up to BATCH journaled entries.  Returns entries delivered, 0
 * when none are left, -1 when disconnected. */
static int sensor_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (!n || n >= 64)
        return 0;
    for (; *s; s++)
        if (*s == ':' || *s == '{' || *s == '}' || (unsigned char)*s <= ' ' ||
            (unsigned char)*s >= 0x7f)
            return 0;
    return 1;
}

static int deliver_batch(struct redisfeed *f)
{
    static const char *argv[64];
    static size_t argl[64];
    char hk[256], shk[256], ttl[16], maxlen[16], nowms[24], keep[16];
    static char view[REC_MAX * 2], alert[REC_MAX * 2];
    uint64_t offs[BATCH + 1];
    int n = 0;

    pthread_mutex_lock(&f->jmu);
    uint64_t off = f->delivered, end = f->jsize;
    pthread_mutex_unlock(&f->jmu);
    if (off >= end)
        return 0;
    snprintf(ttl, sizeof(ttl), "%u", f->cfg.host_ttl_s);
    snprintf(maxlen, sizeof(maxlen), "%u", f->cfg.stream_maxlen);
    snprintf(keep, sizeof(keep), "%d", IDS_KEEP);
    snprintf(nowms, sizeof(nowms), "%llu", (unsigned long long)wall_ms());
    offs[0] = off;
    while (n < BATCH && off < end) {
        uint64_t next;
        long len = read_rec(f, off, end, &next);
        if (len <= 0) {
            /* cannot happen: journal_open cut torn tails and appends are
             * whole; skip to the end rather than loop */
            flog(f, "journal %s: unreadable record at %llu; skipped to the end", f->jpath,
                 (unsigned long long)off);
            off = end;
            break;
        }
        const char *id = rec_get(f->buf, (size_t)len, "id");
        const char *ip = rec_get(f->buf, (size_t)len, "ip");
        const char *flagged = rec_get(f->buf, (size_t)len, "flagged");
        if (!id || !ip || !flagged || !entry_json(f->buf, (size_t)len, 0, view, sizeof(view)) ||
            !entry_json(f->buf, (size_t)len, 1, alert, sizeof(alert))) {
            off = next;
            offs[n] = off;
            continue;
        }
        /* the view is the sensor's that wrote the entry (a journal flushed
         * by another name stays that sensor's) */
        const char *sensor = rec_get(f->buf, (size_t)len, "sensor");
        if (!sensor || !sensor_name_ok(sensor))
            sensor = f->sensor;
        char sfx[160];
        snprintf(sfx, sizeof(sfx), "sensor:%s:hosts", sensor);
        rconn_key(&f->cfg, sfx, shk, sizeof(shk));
        int a = 0;
        snprintf(hk, sizeof(hk), "%s%s", f->k_host_prefix, ip);
        argv[a++] = "EVALSHA";
        argv[a++] = f->sha[S_EVENT];
        argv[a++] = "5";
        argv[a++] = hk;
        argv[a++] = f->k_infected;
        argv[a++] = shk;
        argv[a++] = f->k_events;
        argv[a++] = f->k_ids;
        argv[a++] = ttl;
        argv[a++] = sensor;
        argv[a++] = ip;
        argv[a++] = flagged;
        argv[a++] = view;
        argv[a++] = id;
        argv[a++] = maxlen;
        argv[a++] = nowms;
        argv[a++] = f->k_alerts;
        argv[a++] = alert;
        argv[a++] = keep;
        const char *k, *v;
        for (size_t o = 0; a + 2 <= 64 && (o = next_pair(f->buf, (size_t)len, o, &k, &v));) {
            argv[a++] = k;
            argv[a++] = v;
        }
        for (int i = 0; i < a; i++)
            argl[i] = strlen(argv[i]);
        redisAppendCommandArgv(f->ctx, a, argv, argl);
        off = next;
        offs[++n] = off;
    }
    uint64_t done = offs[0];
    for (int i = 0; i < n; i++) {
        redisReply *r = get_reply(f, "delivering a verdict", "");
        if (!r)
            goto out;
        if (r->type == REDIS_REPLY_INTEGER && r->integer == 0)
            atomic_fetch_add(&f->n_duplicates, 1);
        else
            atomic_fetch_add(&f->n_delivered, 1);
        freeReplyObject(r);
        done = offs[i + 1];
    }
    if (n == 0)
        done = off;
out:
    pthread_mutex_lock(&f->jmu);
    if (done > f->delivered) {
        f->delivered = done;
        save_state(f);
    }
    journal_compact_locked(f);
    pthread_mutex_unlock(&f->jmu);
    journal_rewrite(f);
    return f->ctx ? (n ? n : 1) : -1;
}

static int is_target(const char *s)
{
    struct sh_addr a;
    uint8_t m[6];
    return addr_parse(s, &a) == 0 || mac_parse(s, m) == 0;
}

/* A valid target (is_target) as the feed writes it. */
static void canon_target(const char *s, char *out, size_t n)
{
    struct sh_addr a;
    uint8_t m[6];
    if (addr_parse(s, &a) == 0)
        addr_format(&a, out, n);
    else if (mac_parse(s, m) == 0)
        mac_format(m, out, n);
    else
        snprintf(out, n, "%s", s);
}

static int read_allowlist(struct redisfeed *f)
{
    const char *argv[] = { "SMEMBERS", f->k_allow };
    int fail;
    redisReply *r = soft_cmd(f, 2, argv, &fail);
    if (!r)
        return fail;
    uint64_t h = 1469598103934665603ULL;
    char (*tmp)[64] = calloc(ALLOW_MAX, sizeof(*tmp));
    int n = 0, bad = 0;
    for (size_t i = 0; tmp && r->type == REDIS_REPLY_ARRAY && i < r->elements; i++) {
        const redisReply *e = r->element[i];
        if (e->type != REDIS_REPLY_STRING || e->len >= 64 || !is_target(e->str)) {
            bad++;
            continue;
        }
        if (n < ALLOW_MAX)
            canon_target(e->str, tmp[n++], 64);
    }
    freeReplyObject(r);
    if (!tmp)
        return 0;
    /* order-independent fingerprint of the set */
    uint64_t sum = 0;
    for (int i = 0; i < n; i++)
        sum += fnv1a(tmp[i], strlen(tmp[i]));
    h ^= sum + (uint64_t)n;
    if (!f->allow_known || h != f->allow_hash) {
        f->allow_known = 1;
        f->allow_hash = h;
        pthread_mutex_lock(&f->cmu);
        memcpy(f->allow, tmp, sizeof(tmp[0]) * (size_t)n);
        f->nallow = n;
        f->allow_changed = 1;
        atomic_store_explicit(&f->control_pending, 1, memory_order_release);
        pthread_mutex_unlock(&f->cmu);
        if (n || bad || f->nallow_logged)
            flog(f, "operator allowlist: %d entr%s%s", n, n == 1 ? "y" : "ies",
                 bad ? " (some invalid, skipped)" : "");
        f->nallow_logged = n;
        if (bad)
            atomic_fetch_add(&f->n_control_bad, (unsigned long long)bad);
    }
    free(tmp);
    return 0;
}

/* An operator's name as given ("by"), reduced to what is safe in a log
 * line and a record: letters, digits, . _ @ - (others become '?'). */
static void clean_name(const char *by, char *out, size_t n)
{
    size_t k = 0;
    for (const char *p = by ? by : ""; *p && k + 1 < n; p++) {
        unsigned char c = (unsigned char)*p;
        out[k++] = (char)((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '@' || c == '-'
                          ? c : '?');
    }
    out[k] = 0;
    if (!k)
        snprintf(out, n, "operator");
}

static int read_control(struct redisfeed *f)
{
    if (!f->control_id[0]) {
        /* first run: start after the newest request, never replay history */
        const char *argv[] = { "XREVRANGE", f->k_control, "+", "-", "COUNT", "1" };
        int fail;
        redisReply *r = soft_cmd(f, 6, argv, &fail);
        if (!r)
            return fail;
        snprintf(f->control_id, sizeof(f->control_id), "0-0");
        if (r->type == REDIS_REPLY_ARRAY && r->elements == 1 &&
            r->element[0]->type == REDIS_REPLY_ARRAY && r->element[0]->elements == 2 &&
            r->element[0]->element[0]->type == REDIS_REPLY_STRING &&
            r->element[0]->element[0]->len < sizeof(f->control_id))
            snprintf(f->control_id, sizeof(f->control_id), "%s", r->element[0]->element[0]->str);
        freeReplyObject(r);
        pthread_mutex_lock(&f->jmu);
        save_state(f);
        pthread_mutex_unlock(&f->jmu);
        return 0;
    }
    /* no more than the queue to detection can take: the rest stays unread */
    pthread_mutex_lock(&f->cmu);
    int room = CONTROL_MAX - f->nrel;
    pthread_mutex_unlock(&f->cmu);
    if (room <= 0)
        return 0;
    char count[16];
    snprintf(count, sizeof(count), "%d", room);
    const char *argv[] = { "XREAD", "COUNT", count, "STREAMS", f->k_control, f->control_id };
    int fail;
    redisReply *r = soft_cmd(f, 6, argv, &fail);
    if (!r)
        return fail;
    int reread_allow = 0, got = 0;
    /* [[stream, [[id, [k, v, ...]], ...]]] */
    if (r->type == REDIS_REPLY_ARRAY && r->elements == 1 &&
        r->element[0]->type == REDIS_REPLY_ARRAY && r->element[0]->elements == 2 &&
        r->element[0]->element[1]->type == REDIS_REPLY_ARRAY) {
        const redisReply *entries = r->element[0]->element[1];
        for (size_t i = 0; i < entries->elements; i++) {
            const redisReply *e = entries->element[i];
            if (e->type != REDIS_REPLY_ARRAY || e->elements != 2 ||
                e->element[0]->type != REDIS_REPLY_STRING ||
                e->element[0]->len >= sizeof(f->control_id))
                continue;
            snprintf(f->control_id, sizeof(f->control_id), "%s", e->element[0]->str);
            got = 1;
            const char *c = rconn_field(e->element[1], "cmd");
            const char *t = rconn_field(e->element[1], "target");
            const char *by = rconn_field(e->element[1], "by");
            if (!c || !t || strlen(t) >= 64 || !is_target(t)) {
                atomic_fetch_add(&f->n_control_bad, 1);
                flog(f, "operator request %s ignored: needs cmd and a target IP or MAC",
                     f->control_id);
                continue;
            }
            if (!strcmp(c, "release")) {
                char who[32];
                clean_name(by, who, sizeof(who));
                pthread_mutex_lock(&f->cmu);
                canon_target(t, f->rel[f->nrel].target, sizeof(f->rel[0].target));
                snprintf(f->rel[f->nrel].by, sizeof(f->rel[0].by), "%s", who);
                f->nrel++;
                atomic_store_explicit(&f->control_pending, 1, memory_order_release);
                pthread_mutex_unlock(&f->cmu);
                atomic_fetch_add(&f->n_releases, 1);
                flog(f, "operator %s asks to release %s", who, f->rel[f->nrel - 1].target);
            } else if (!strcmp(c, "allow") || !strcmp(c, "disallow")) {
                reread_allow = 1;
            } else {
                atomic_fetch_add(&f->n_control_bad, 1);
            }
        }
    }
    freeReplyObject(r);
    if (got) {
        pthread_mutex_lock(&f->jmu);
        save_state(f);
        pthread_mutex_unlock(&f->jmu);
    }
    if (reread_allow)
        return read_allowlist(f);
    return 0;
}

static int sweep(struct redisfeed *f)
{
    const char *argv[] = { "EVALSHA", f->sha[S_SWEEP], "2", f->k_infected, f->k_sensor_hosts,
                           f->k_host_prefix, f->sensor };
    redisReply *r = cmd(f, 7, argv);
    if (!r)
        return -1;
    freeReplyObject(r);
    return 0;
}

/* The latest health fields: HSET then EXPIRE (publisher thread). */
static void publish_health(struct redisfeed *f)
{
    static char buf[REDISFEED_HEALTH_BYTES];
    static const char *argv[2 + REDISFEED_HEALTH_BYTES / 2];
    char ttl[16];
    pthread_mutex_lock(&f->hmu);
    memcpy(buf, f->hbuf, f->hlen);
    size_t len = f->hlen;
    int n = f->hn;
    snprintf(ttl, sizeof(ttl), "%u", f->httl);
    atomic_store(&f->hpending, 0);
    pthread_mutex_unlock(&f->hmu);
    if (!n)
        return;
    int a = 0;
    argv[a++] = "HSET";
    argv[a++] = f->k_health;
    for (size_t o = 0; o < len && a < 2 + 2 * n;) {
        argv[a++] = buf + o;
        o += strlen(buf + o) + 1;
    }
    /* an error reply (an ACL without the health key) is logged once and
     * never stops the verdicts' delivery; a broken connection is one */
    const char *exp[] = { "EXPIRE", f->k_health, ttl };
    for (int i = 0; i < 2; i++) {
        char err[512];
        redisReply *r = i ? rconn_cmd(f->ctx, 3, exp, err, sizeof(err))
                          : rconn_cmd(f->ctx, a, argv, err, sizeof(err));
        if (r) {
            freeReplyObject(r);
            continue;
        }
        if (f->ctx->err) {
            char e[820];
            snprintf(e, sizeof(e), "%s: %s", f->where, err);
            disconnect(f, e);
        } else if (strcmp(err, f->last_soft_err)) {
            flog(f, "%s: cannot write the health hash %s: %s (the sensor's ACL needs the "
                 "key; verdicts are not affected)", f->where, f->k_health, err);
            snprintf(f->last_soft_err, sizeof(f->last_soft_err), "%s", err);
        }
        return;
    }
    atomic_fetch_add(&f->n_health, 1);
}

int redisfeed_health(struct redisfeed *f, const struct redisfeed_kv *fields, int n,
                     unsigned ttl_s)
{
    size_t len = 0;
    if (!f)
        return 0;
    for (int i = 0; i < n; i++)
        len += strlen(fields[i].key) + strlen(fields[i].value) + 2;
    if (len > sizeof(f->hbuf) || n <= 0)
        return -1;
    pthread_mutex_lock(&f->hmu);
    f->hlen = 0;
    for (int i = 0; i < n; i++) {
        size_t kl = strlen(fields[i].key) + 1, vl = strlen(fields[i].value) + 1;
        memcpy(f->hbuf + f->hlen, fields[i].key, kl);
        f->hlen += kl;
        memcpy(f->hbuf + f->hlen, fields[i].value, vl);
        f->hlen += vl;
    }
    f->hn = n;
    f->httl = ttl_s ? ttl_s : 1;
    atomic_store(&f->hpending, 1);
    pthread_mutex_unlock(&f->hmu);
    return 0;
}

void redisfeed_get_health(struct redisfeed *f, struct redisfeed_health *h)
{
    memset(h, 0, sizeof(*h));
    h->last_error_age_s = -1;
    if (!f)
        return;
    h->connected = atomic_load(&f->connected_now);
    pthread_mutex_lock(&f->jmu);
    h->journal_bytes = f->jsize;
    h->pending_bytes = f->jsize - f->delivered;
    pthread_mutex_unlock(&f->jmu);
    unsigned long long done = atomic_load(&f->n_delivered) + atomic_load(&f->n_duplicates),
                       in = f->pending0 + atomic_load(&f->n_journaled);
    h->pending_entries = h->pending_bytes == 0 ? 0 : in > done ? in - done : 0;
    uint64_t e = atomic_load(&f->last_err_ms);
    if (e)
        h->last_error_age_s = (int64_t)((now_ms() - e) / 1000);
    h->delivered = atomic_load(&f->n_delivered);
    h->errors = atomic_load(&f->n_errors);
    h->journal_dropped = atomic_load(&f->n_journal_dropped);
}

const char *redisfeed_sensor(const struct redisfeed *f)
{
    return f->sensor;
}

static void set_ready(struct redisfeed *f, int connected)
{
    pthread_mutex_lock(&f->wmu);
    if (!f->ready) {
        f->ready = 1;
        f->ready_connected = connected;
        pthread_cond_broadcast(&f->wcv);
    }
    pthread_mutex_unlock(&f->wmu);
}

static int try_connect(struct redisfeed *f)
{
    char err[512];
    f->ctx = rconn_open(&f->cfg, f->where, sizeof(f->where), err, sizeof(err));
    if (!f->ctx) {
        disconnect(f, err);
        return -1;
    }
    if (load_scripts(f) < 0)
        return -1;
    /* the operator's allowlist first: detection may start now */
    if (!f->flush_only && (read_allowlist(f) < 0 || read_control(f) < 0))
        return -1;
    set_ready(f, 1);
    int reconnect = f->connected_once;
    f->connected_once = 1;
    unsigned long long before = atomic_load(&f->n_delivered);
    int r;
    while ((r = deliver_batch(f)) > 0)
        drain_ring(f);
    if (r < 0)
        return -1;
    if (!f->flush_only && reconcile(f, NULL) < 0)
        return -1;
    int lost;
    if (!f->flush_only && heartbeat(f, &lost) < 0)
        return -1;
    /* a reconnect to a Redis that lost the keys (restart, failover) */
    if (!f->flush_only && lost && f->connected_before)
        resync(f);
    f->connected_before = 1;
    atomic_store(&f->connected_now, 1);
    f->last_err[0] = 0;
    f->backoff_ms = 0;
    atomic_fetch_add(&f->n_reconnects, (unsigned long long)reconnect);
    unsigned long long sent = atomic_load(&f->n_delivered) - before;
    flog(f, "%s %s as sensor '%s'%s%llu journaled event%s delivered",
         reconnect ? "reconnected to" : "connected to", f->where, f->sensor,
         f->flush_only ? ": " : ", state rewritten; ", sent, sent == 1 ? "" : "s");
    return 0;
}

static void *publisher(void *arg)
{
    struct redisfeed *f = arg;
    pthread_setname_np(pthread_self(), "sh-redis");
    for (;;) {
        int stopping = atomic_load(&f->stop);
        unsigned long long seen = atomic_load(&f->posted);
        drain_ring(f);
        uint64_t t = now_ms();
        if (!f->ctx && (t >= f->next_try_ms || stopping == 1)) {
            if (try_connect(f) == 0) {
                f->next_control_ms = t + f->cfg.control_interval_ms;
                f->next_refresh_ms = t + f->cfg.host_ttl_s * 1000ULL / 3;
                f->next_sweep_ms = t + 60000;
            }
            set_ready(f, 0);
        }
        if (f->ctx) {
            int r;
            while ((r = deliver_batch(f)) > 0 && !atomic_load(&f->stop))
                drain_ring(f);
            t = now_ms();
            if (f->ctx && !f->flush_only && t >= f->next_control_ms) {
                int lost = 0;
                f->next_control_ms = t + f->cfg.control_interval_ms;
                if (heartbeat(f, &lost) == 0 && lost &&
                    reconcile(f, "the feed's keys were lost (FLUSHALL, a restart without "
                                 "persistence, a failover)") == 0)
                    resync(f);
                if (f->ctx)
                    read_control(f);
                if (f->ctx)
                    read_allowlist(f);
            }
            if (f->ctx && !f->flush_only && t >= f->next_refresh_ms) {
                f->next_refresh_ms = t + f->cfg.host_ttl_s * 1000ULL / 3;
                reconcile(f, NULL);
            }
            if (f->ctx && !f->flush_only && t >= f->next_sweep_ms) {
                f->next_sweep_ms = t + 60000;
                sweep(f);
            }
            if (f->ctx && !f->flush_only && atomic_load(&f->hpending))
                publish_health(f);
        }
        if (stopping) {
            pthread_mutex_lock(&f->jmu);
            drain_ring_locked(f);
            int done = f->delivered >= f->jsize;
            pthread_mutex_unlock(&f->jmu);
            /* stop when all is delivered, or Redis is down after the last try */
            if (done || !f->ctx)
                break;
            continue;
        }
        /* sleep up to 100 ms unless a verdict came since the drain above
         * (the wait clock is monotonic: wall clock steps do not stall it) */
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        ts.tv_nsec += 100 * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_mutex_lock(&f->wmu);
        if (atomic_load(&f->posted) == seen && !atomic_load(&f->stop))
            pthread_cond_timedwait(&f->wcv, &f->wmu, &ts);
        pthread_mutex_unlock(&f->wmu);
    }
    return NULL;
}

/* ---- open / close -------------------------------------------------------- */

static void make_keys(struct redisfeed *f)
{
    const struct sh_redis_cfg *c = &f->cfg;
    char sfx[200];
    rconn_key(c, "events", f->k_events, sizeof(f->k_events));
    rconn_key(c, "ids", f->k_ids, sizeof(f->k_ids));
    rconn_key(c, "infected", f->k_infected, sizeof(f->k_infected));
    rconn_key(c, "alerts", f->k_alerts, sizeof(f->k_alerts));
    rconn_key(c, "allow", f->k_allow, sizeof(f->k_allow));
    rconn_key(c, "control", f->k_control, sizeof(f->k_control));
    rconn_key(c, "host:", f->k_host_prefix, sizeof(f->k_host_prefix));
    snprintf(sfx, sizeof(sfx), "sensor:%s", f->sensor);
    rconn_key(c, sfx, f->k_sensor, sizeof(f->k_sensor));
    snprintf(sfx, sizeof(sfx), "sensor:%s:hosts", f->sensor);
    rconn_key(c, sfx, f->k_sensor_hosts, sizeof(f->k_sensor_hosts));
    snprintf(sfx, sizeof(sfx), "sensor:%s:alive", f->sensor);
    rconn_key(c, sfx, f->k_marker, sizeof(f->k_marker));
    snprintf(sfx, sizeof(sfx), "health:%s", f->sensor);
    rconn_key(c, sfx, f->k_health, sizeof(f->k_health));
}

static struct redisfeed *feed_new(const struct sh_redis_cfg *c, const char *version, FILE *log,
                                  char *err, size_t errlen)
{
    struct redisfeed *f = calloc(1, sizeof(*f));
    if (!f) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    f->cfg = *c;
    f->log = log ? log : stderr;
    f->jfd = -1;
    f->lockfd = -1;
    snprintf(f->version, sizeof(f->version), "%s", version);
    if (c->sensor[0])
        snprintf(f->sensor, sizeof(f->sensor), "%s", c->sensor);
    else if (gethostname(f->sensor, sizeof(f->sensor) - 1) < 0 || !f->sensor[0])
        snprintf(f->sensor, sizeof(f->sensor), "spanhound");
    if (!sensor_name_ok(f->sensor)) {
        snprintf(err, errlen, "redis.sensor '%s': printable ASCII without ':', braces or "
                 "spaces, at most 63 characters", f->sensor);
        free(f);
        return NULL;
    }
    char pw[CFG_STR_MAX];
    if (rconn_password(c, pw, sizeof(pw), err, errlen) < 0) {
        free(f);
        return NULL;
    }
    char host[256];
    int port, un;
    if (!c->sentinels[0] &&
        rconn_parse_addr(c->server, 6379, host, sizeof(host), &port, &un, err, errlen) < 0) {
        free(f);
        return NULL;
    }
    make_keys(f);
    pthread_mutex_init(&f->jmu, NULL);
    pthread_mutex_init(&f->wmu, NULL);
    pthread_mutex_init(&f->cmu, NULL);
    pthread_mutex_init(&f->hmu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&f->wcv, &ca);
    pthread_condattr_destroy(&ca);
    f->buf = malloc(REC_MAX + 256);
    f->allow = calloc(ALLOW_MAX, sizeof(*f->allow));
    f->ctl_list = calloc(ALLOW_MAX, sizeof(*f->ctl_list));
    f->ctl_ptrs = calloc(ALLOW_MAX, sizeof(*f->ctl_ptrs));
    f->ring = ring_create(c->ring_slots, sizeof(struct rec), err, errlen);
    if (!f->buf || !f->allow || !f->ctl_list || !f->ctl_ptrs || !f->ring ||
        journal_open(f, err, errlen) < 0) {
        if (!f->buf || !f->allow || !f->ctl_list || !f->ctl_ptrs)
            snprintf(err, errlen, "out of memory");
        redisfeed_close(f);
        return NULL;
    }
    return f;
}

struct redisfeed *redisfeed_open(const struct sh_redis_cfg *c, const char *version, FILE *log,
                                 char *err, size_t errlen)
{
    struct redisfeed *f = feed_new(c, version, log, err, errlen);
    if (!f)
        return NULL;
    if (pthread_create(&f->th, NULL, publisher, f) != 0) {
        snprintf(err, errlen, "cannot start the publisher thread");
        redisfeed_close(f);
        return NULL;
    }
    f->started = 1;
    return f;
}

long redisfeed_stop(struct redisfeed *f)
{
    if (!f)
        return 0;
    if (f->started) {
        atomic_store(&f->stop, 1);
        pthread_cond_signal(&f->wcv);
        pthread_join(f->th, NULL);
        f->started = 0;
    }
    long left = 0;
    if (f->jfd >= 0) {
        pthread_mutex_lock(&f->jmu);
        if (f->ring)
            drain_ring_locked(f);
        left = 0;
        uint64_t off = f->delivered, next;
        for (; off < f->jsize; off = next) {
            if (read_rec(f, off, f->jsize, &next) <= 0)
                break;
            left++;
        }
        if (off < f->jsize) {
            flog(f, "journal %s: unreadable at byte %llu", f->jpath, (unsigned long long)off);
            f->jerror = 1;
        }
        views_save_locked(f);
        save_state(f);
        pthread_mutex_unlock(&f->jmu);
        if (f->jerror)
            left = -1;
    }
    return left;
}

long redisfeed_close(struct redisfeed *f)
{
    if (!f)
        return 0;
    long left = redisfeed_stop(f);
    if (f->jfd >= 0)
        close(f->jfd);
    if (f->lockfd >= 0)
        close(f->lockfd);
    if (f->ctx)
        redisFree(f->ctx);
    for (int i = 0; i < f->nhosts; i++)
        fhost_free(&f->hosts[i]);
    free(f->hosts);
    free(f->adopted);
    ring_destroy(f->ring);
    free(f->buf);
    free(f->allow);
    free(f->ctl_list);
    free(f->ctl_ptrs);
    pthread_mutex_destroy(&f->jmu);
    pthread_mutex_destroy(&f->wmu);
    pthread_mutex_destroy(&f->cmu);
    pthread_mutex_destroy(&f->hmu);
    pthread_cond_destroy(&f->wcv);
    free(f);
    return left;
}

long redisfeed_flush_journal(const struct sh_redis_cfg *c, const char *version, FILE *log,
                             char *err, size_t errlen)
{
    struct redisfeed *f = feed_new(c, version, log, err, errlen);
    if (!f)
        return -1;
    f->flush_only = 1;
    if (try_connect(f) < 0) {
        snprintf(err, errlen, "%s", f->last_err);
        redisfeed_close(f);
        return -2;
    }
    int r;
    while ((r = deliver_batch(f)) > 0)
        ;
    return redisfeed_close(f);
}

int redisfeed_wait_ready(struct redisfeed *f)
{
    pthread_mutex_lock(&f->wmu);
    while (!f->ready)
        pthread_cond_wait(&f->wcv, &f->wmu);
    int c = f->ready_connected;
    pthread_mutex_unlock(&f->wmu);
    return c;
}

const char *redisfeed_journal_path(const struct redisfeed *f)
{
    return f->jpath;
}

void redisfeed_print_stats(struct redisfeed *f, FILE *fp)
{
#define P(n, v) fprintf(fp, "%-36s %llu\n", n, (unsigned long long)(v))
    P("redis.verdicts", atomic_load(&f->n_verdicts));
    P("redis.journaled", atomic_load(&f->n_journaled));
    P("redis.delivered", atomic_load(&f->n_delivered));
    P("redis.duplicates_skipped", atomic_load(&f->n_duplicates));
    P("redis.ring_full", atomic_load(&f->n_ring_full));
    P("redis.journal_dropped", atomic_load(&f->n_journal_dropped));
    P("redis.errors", atomic_load(&f->n_errors));
    P("redis.reconnects", atomic_load(&f->n_reconnects));
    P("redis.reconciles", atomic_load(&f->n_reconciles));
    P("redis.release_requests", atomic_load(&f->n_releases));
    P("redis.control_invalid", atomic_load(&f->n_control_bad));
    P("redis.restart_expired", f->n_adopt_expired);
    P("redis.restart_announced", f->n_adopt_announced);
    P("redis.health_published", atomic_load(&f->n_health));
#undef P
}
