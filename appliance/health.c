/*
 * health.c -- collect the sensor's health every health.interval seconds,
 * write it out (feeds/health.c), log when drops start and stop (health.h).
 */
#define _GNU_SOURCE
#include "health.h"

#include "daemon.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define REMIND_US   (600ULL * 1000000)  /* "still dropping" every 10 min  */
#define QUIET_US    (60ULL * 1000000)   /* an up interface without packets */
#define PROM_BUF    32768

/* the capture side's counters at a report (exact in a replay) */
struct cap_snap {
    uint64_t packets, bytes, ipv4, ipv6, tcp, udp, arp, events;
    uint64_t flows_active, flows_total, flows_evicted;
    uint64_t due_us, uptime_s;
};

_Static_assert((int)SOURCE_IF_UP == (int)HEALTH_IF_UP &&
               (int)SOURCE_IF_DOWN == (int)HEALTH_IF_DOWN &&
               (int)SOURCE_IF_NO_CARRIER == (int)HEALTH_IF_NO_CARRIER &&
               (int)SOURCE_IF_GONE == (int)HEALTH_IF_GONE,
               "capture/source.h and feeds/health.h interface states");

static const char mark_magic[8] = "SHHEALTH";

struct iface_ctr {
    char name[64];
    _Atomic uint64_t captured, received, dropped, ifdropped;
    _Atomic int state;                /* HEALTH_IF_* */
};

/* an interface's state between reports: the lines when it changes */
struct if_track {
    int state;
    uint64_t since_us, said_us;
};

struct health {
    struct health_inputs in;
    FILE *log;
    char sensor[64], version[32];
    char prom_path[CFG_STR_MAX];
    uint32_t interval_s;
    uint64_t flow_capacity, host_capacity;
    int niface;
    struct iface_ctr iface[HEALTH_IFACES_MAX];

    /* time: the monotonic clock (live) */
    int started;
    uint64_t start_us, next_due;
    /* replay: packet time, on the capture thread */
    int cap_started;
    uint64_t cap_iv, cap_start, cap_next_due, cap_last;
    struct sh_event *mark;
    uint64_t last_report_us, last_packets, last_bytes;

    struct drop_track kt[HEALTH_IFACES_MAX], rt;
    struct if_track it[HEALTH_IFACES_MAX];
    struct silent_track st[HEALTH_IFACES_MAX];
    uint64_t if_down_episodes;
    int degraded, nreasons, logged_other;
    char reasons[HEALTH_REASONS_MAX][32];

    char prom_err[512];
    uint64_t reports, prom_written, prom_errors, redis_posted;
    struct sh_health cur;
    char *prombuf;
};

static uint64_t mono_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000 + (uint64_t)t.tv_nsec / 1000;
}

static uint64_t wall_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (uint64_t)t.tv_sec * 1000000 + (uint64_t)t.tv_nsec / 1000;
}

/* ---- the drop state machine ------------------------------------------ */

int drop_track_update(struct drop_track *t, uint64_t now_us, uint64_t drops, uint64_t seen,
                      uint64_t remind_us, uint64_t *dd, uint64_t *ds, uint64_t *span_us)
{
    /* a total that went down (a handle re-opened): count from it afresh */
    *dd = drops >= t->drops ? drops - t->drops : drops;
    *ds = seen >= t->seen ? seen - t->seen : seen;
    *span_us = t->last_us && now_us > t->last_us ? now_us - t->last_us : 0;
    uint64_t prev = t->last_us;
    t->drops = drops;
    t->seen = seen;
    t->last_us = now_us;
    if (*dd) {
        t->ep_drops += *dd;
        t->ep_seen += *ds;
        if (!t->dropping) {
            t->dropping = 1;
            t->start_us = prev ? prev : now_us;   /* the interval's start */
            t->said_us = now_us;
            t->ep_drops = *dd;
            t->ep_seen = *ds;
            t->episodes++;
            return DROP_START;
        }
        if (now_us >= t->said_us + remind_us) {
            t->said_us = now_us;
            return DROP_REMIND;
        }
        return DROP_SAME;
    }
    if (t->dropping) {
        t->dropping = 0;
        return DROP_STOP;
    }
    return DROP_SAME;
}

int silent_track_update(struct silent_track *t, uint64_t now_us, uint64_t captured,
                        uint64_t quiet_us, uint64_t *quiet_s)
{
    if (!t->started || captured != t->captured) {
        t->started = 1;
        t->captured = captured;
        t->last_pkt_us = now_us;
        *quiet_s = 0;
        if (t->silent) {
            t->silent = 0;
            return SILENT_STOP;
        }
        return SILENT_SAME;
    }
    uint64_t q = now_us > t->last_pkt_us ? now_us - t->last_pkt_us : 0;
    *quiet_s = q / 1000000;
    if (!t->silent && q >= quiet_us) {
        t->silent = 1;
        return SILENT_START;
    }
    return SILENT_SAME;
}

static double pct(uint64_t drops, uint64_t seen)
{
    return drops + seen ? 100.0 * (double)drops / (double)(drops + seen) : 0;
}

static unsigned secs(uint64_t us)
{
    return (unsigned)((us + 500000) / 1000000);
}

static void drop_line(struct health *h, int change, const char *iface, uint64_t dd,
                      uint64_t ds, uint64_t span, const struct drop_track *t)
{
    unsigned s = secs(span ? span : (uint64_t)h->interval_s * 1000000);
    unsigned long long eps = t->ep_drops;
    if (iface) {
        if (change == DROP_START)
            daemon_log(DLOG_WARNING, "health:drops",
                       "dropping packets on %s: %llu kernel drops in the last %u s (%.1f %%); "
                       "the sensor is partly blind", iface, (unsigned long long)dd, s,
                       pct(dd, ds));
        else if (change == DROP_REMIND)
            daemon_log(DLOG_WARNING, "health:drops",
                       "still dropping packets on %s: %llu kernel drops in the last %u s "
                       "(%.1f %%), %llu since %u s ago; the sensor is partly blind", iface,
                       (unsigned long long)dd, s, pct(dd, ds), eps,
                       secs(t->last_us - t->start_us));
        else
            daemon_log(DLOG_NOTICE, "health:drops",
                       "%s: no drops for %u s: seeing everything again (%llu kernel drops "
                       "in %u s)", iface, s, eps, secs(t->last_us - span - t->start_us));
    } else {
        if (change == DROP_START)
            daemon_log(DLOG_WARNING, "health:drops",
                       "dropping events between capture and detection: %llu in the last %u s "
                       "(%.1f %%); detection is too slow, the sensor is partly blind",
                       (unsigned long long)dd, s, pct(dd, ds));
        else if (change == DROP_REMIND)
            daemon_log(DLOG_WARNING, "health:drops",
                       "still dropping events between capture and detection: %llu in the "
                       "last %u s (%.1f %%), %llu since %u s ago; the sensor is partly blind",
                       (unsigned long long)dd, s, pct(dd, ds), eps,
                       secs(t->last_us - t->start_us));
        else
            daemon_log(DLOG_NOTICE, "health:drops",
                       "no events dropped between capture and detection for %u s: seeing "
                       "everything again (%llu dropped in %u s)", s, eps,
                       secs(t->last_us - span - t->start_us));
    }
}

static const char *if_state_text(int state)
{
    return state == HEALTH_IF_DOWN ? "down" :
           state == HEALTH_IF_NO_CARRIER ? "without a carrier (cable, switch port or SPAN session)" :
           "gone (removed, or its capture stopped)";
}

/* an interface that stopped delivering packets: said when it happens,
 * every 10 minutes while it lasts, and when it is back */
static void iface_judge(struct health *h, int i, const struct sh_health_iface *o, uint64_t now_us)
{
    struct if_track *t = &h->it[i];
    if (o->state == t->state) {
        if (o->state != HEALTH_IF_UP && now_us >= t->said_us + REMIND_US) {
            t->said_us = now_us;
            daemon_log(DLOG_WARNING, "health:iface",
                       "%s is still %s, for %u s: the sensor is blind on it", o->name,
                       if_state_text(o->state), secs(now_us - t->since_us));
        }
        return;
    }
    if (o->state != HEALTH_IF_UP && t->state != HEALTH_IF_UP) {   /* down -> gone, ... */
        daemon_log(DLOG_WARNING, "health:iface", "%s is now %s: the sensor is blind on it",
                   o->name, if_state_text(o->state));
    } else if (o->state != HEALTH_IF_UP) {
        h->if_down_episodes++;
        t->since_us = now_us;
        daemon_log(DLOG_WARNING, "health:iface", "%s is %s: the sensor is blind on it",
                   o->name, if_state_text(o->state));
    } else {
        daemon_log(DLOG_NOTICE, "health:iface", "%s is up again after %u s: seeing it again",
                   o->name, secs(now_us - t->since_us));
    }
    t->said_us = now_us;
    t->state = o->state;
}

/* ---- collection ------------------------------------------------------- */

static void cap_snapshot(const struct pipeline *pl, struct cap_snap *c)
{
    struct pipeline_stats ps;
    struct flow_table_stats fs;
    pipeline_get_stats(pl, &ps);
    c->packets = ps.packets;
    c->bytes = ps.bytes;
    c->ipv4 = ps.ipv4;
    c->ipv6 = ps.ipv6;
    c->tcp = ps.tcp;
    c->udp = ps.udp;
    c->arp = ps.arp;
    c->events = 0;
    for (int i = 0; i < EV_TYPE_MAX; i++)
        c->events += ps.events[i];
    pipeline_flow_stats(pl, &fs);
    c->flows_active = fs.active;
    c->flows_total = fs.created;
    c->flows_evicted = fs.evicted;
}

static void collect(struct health *h, struct sh_health *r, const struct cap_snap *c,
                    uint64_t ts_us, uint64_t uptime_s)
{
    struct detect_host_pressure hp;
    struct eve_stats es;

    memset(r, 0, sizeof(*r));
    snprintf(r->sensor, sizeof(r->sensor), "%s", h->sensor);
    snprintf(r->version, sizeof(r->version), "%s", h->version);
    r->ts_us = ts_us;
    r->uptime_s = uptime_s;
    r->interval_s = h->interval_s;
    r->live = h->in.live;
    if (h->in.live) {
        r->niface = h->niface;
        for (int i = 0; i < h->niface; i++) {
            struct sh_health_iface *o = &r->iface[i];
            snprintf(o->name, sizeof(o->name), "%s", h->iface[i].name);
            o->captured = atomic_load_explicit(&h->iface[i].captured, memory_order_relaxed);
            o->received = atomic_load_explicit(&h->iface[i].received, memory_order_relaxed);
            o->dropped = atomic_load_explicit(&h->iface[i].dropped, memory_order_relaxed);
            o->ifdropped = atomic_load_explicit(&h->iface[i].ifdropped, memory_order_relaxed);
            o->state = atomic_load_explicit(&h->iface[i].state, memory_order_relaxed);
            r->ifaces_down += o->state != HEALTH_IF_UP;
        }
    }
    r->packets = c->packets;
    r->bytes = c->bytes;
    r->ipv4 = c->ipv4;
    r->ipv6 = c->ipv6;
    r->tcp = c->tcp;
    r->udp = c->udp;
    r->arp = c->arp;
    r->flows_active = c->flows_active;
    r->flows_capacity = h->flow_capacity;
    r->flows_total = c->flows_total;
    r->flows_evicted = c->flows_evicted;
    r->ring_dropped = h->in.ring_dropped ? atomic_load(h->in.ring_dropped) : 0;
    if (h->in.detect) {
        detect_host_pressure(h->in.detect, &hp);
        r->hosts_active = hp.active;
        r->hosts_evicted = hp.evicted;
        r->hosts_evicted_protected = hp.evicted_protected;
        r->hosts_rate_limited = hp.rate_limited;
    }
    r->hosts_capacity = h->host_capacity;
    r->redis_enabled = h->in.feed != NULL;
    redisfeed_get_health(h->in.feed, &r->redis);
    if (h->in.eve) {
        eve_get_stats(h->in.eve, &es);
        r->eve_enabled = 1;
        r->eve_written = es.written;
        r->eve_errors = es.write_errors + es.dropped_overflow;
    }
    r->degraded = h->degraded;
    r->nreasons = h->nreasons;
    memcpy(r->reasons, h->reasons, sizeof(r->reasons));
}

/* c: the capture side's counters (NULL: read them now -- live, as
 * print_stats reads them on SIGUSR1; or after the capture thread ended) */
static void report(struct health *h, const struct cap_snap *c, uint64_t ts_us, uint64_t now_us,
                   uint64_t uptime_s, int judge_drops)
{
    struct sh_health *r = &h->cur;
    struct cap_snap now;
    uint64_t dd, ds, span;

    if (!c) {
        cap_snapshot(h->in.pl, &now);
        c = &now;
    }
    uint64_t events = c->events;
    collect(h, r, c, ts_us, uptime_s);
    if (judge_drops) {
        for (int i = 0; i < r->niface; i++) {
            const struct sh_health_iface *o = &r->iface[i];
            iface_judge(h, i, o, now_us);
            /* up and quiet: at least a minute and two intervals */
            uint64_t q2 = 2ULL * h->interval_s * 1000000, quiet;
            int sc = silent_track_update(&h->st[i], now_us, o->captured,
                                         q2 > QUIET_US ? q2 : QUIET_US, &quiet);
            r->iface[i].quiet_s = quiet;
            if (sc == SILENT_START && o->state == HEALTH_IF_UP) {
                h->st[i].said = 1;
                daemon_log(DLOG_WARNING, "health:quiet",
                           "%s: no packet for %llu s though it is up: is the switch's SPAN "
                           "session still on? the sensor may be blind on it", o->name,
                           (unsigned long long)quiet);
            } else if (sc == SILENT_STOP && h->st[i].said) {
                h->st[i].said = 0;
                daemon_log(DLOG_NOTICE, "health:quiet", "%s: packets again", o->name);
            }
            int ch = drop_track_update(&h->kt[i], now_us, o->dropped + o->ifdropped,
                                       o->captured, REMIND_US, &dd, &ds, &span);
            if (ch != DROP_SAME)
                drop_line(h, ch, o->name, dd, ds, span, &h->kt[i]);
        }
        uint64_t seen = events > r->ring_dropped ? events - r->ring_dropped : 0;
        int ch = drop_track_update(&h->rt, now_us, r->ring_dropped, seen, REMIND_US, &dd, &ds,
                                   &span);
        if (ch != DROP_SAME)
            drop_line(h, ch, NULL, dd, ds, span, &h->rt);
    } else {                        /* the last report: the quiet time so far */
        for (int i = 0; i < r->niface; i++) {
            const struct silent_track *t = &h->st[i];
            if (t->started && r->iface[i].captured == t->captured && now_us > t->last_pkt_us)
                r->iface[i].quiet_s = (now_us - t->last_pkt_us) / 1000000;
        }
    }
    r->dropping = h->rt.dropping;
    for (int i = 0; i < r->niface; i++)
        r->dropping |= h->kt[i].dropping;

    /* rates over the interval since the last report */
    double dt = now_us > h->last_report_us && h->last_report_us
                    ? (double)(now_us - h->last_report_us) / 1e6 : 0;
    if (dt > 0) {
        r->packets_per_s = (double)(r->packets - h->last_packets) / dt;
        r->bytes_per_s = (double)(r->bytes - h->last_bytes) / dt;
    }
    h->last_report_us = now_us;
    h->last_packets = r->packets;
    h->last_bytes = r->bytes;

    health_eve_write(h->in.eve, r);
    if (h->in.feed) {
        struct redisfeed_kv kv[HEALTH_KV_MAX];
        char store[HEALTH_KV_STORE];
        int n = health_kv(r, kv, HEALTH_KV_MAX, store, sizeof(store));
        /* gone a few intervals after the sensor stopped reporting */
        unsigned ttl = 3 * h->interval_s < 30 ? 30 : 3 * h->interval_s;
        if (redisfeed_health(h->in.feed, kv, n, ttl) == 0)
            h->redis_posted++;
    }
    if (h->prom_path[0]) {
        char err[600];
        long len = health_prom_format(r, h->prombuf, PROM_BUF);
        if (len < 0)
            snprintf(err, sizeof(err), "%s: the metrics do not fit in %d bytes", h->prom_path,
                     PROM_BUF);
        if (len >= 0 && health_prom_write(h->prom_path, h->prombuf, (size_t)len, err,
                                          sizeof(err)) == 0) {
            h->prom_written++;
            if (h->prom_err[0])
                daemon_log(DLOG_NOTICE, "health:prometheus", "health: %s written again",
                           h->prom_path);
            h->prom_err[0] = 0;
        } else {
            h->prom_errors++;
            if (strcmp(err, h->prom_err))      /* once per distinct error */
                daemon_log(DLOG_WARNING, "health:prometheus",
                           "health: cannot write the Prometheus file: %s",
                        err);
            snprintf(h->prom_err, sizeof(h->prom_err), "%s", err);
        }
    }
    h->reports++;
}

/* ---- API ---------------------------------------------------------------- */

struct health *health_create(const struct sh_config *cfg, const struct health_inputs *in,
                             FILE *log, char *err, size_t errlen)
{
    err[0] = 0;
    if (!cfg->health_interval)
        return NULL;
    struct health *h = calloc(1, sizeof(*h));
    if (h)
        h->prombuf = malloc(PROM_BUF);
    if (!h || !h->prombuf) {
        free(h);
        snprintf(err, errlen, "health: out of memory");
        return NULL;
    }
    h->in = *in;
    h->log = log ? log : stderr;
    h->interval_s = cfg->health_interval;
    h->flow_capacity = cfg->pipe.flow_capacity;
    h->host_capacity = cfg->host_capacity;
    snprintf(h->prom_path, sizeof(h->prom_path), "%s", cfg->health_prometheus_file);
    snprintf(h->version, sizeof(h->version), "%s", in->version ? in->version : "");
    /* the sensor's name as the feed gives it (redis.sensor, else the host name) */
    if (in->feed)
        snprintf(h->sensor, sizeof(h->sensor), "%s", redisfeed_sensor(in->feed));
    else if (cfg->redis.sensor[0])
        snprintf(h->sensor, sizeof(h->sensor), "%s", cfg->redis.sensor);
    else if (gethostname(h->sensor, sizeof(h->sensor) - 1) < 0 || !h->sensor[0])
        snprintf(h->sensor, sizeof(h->sensor), "spanhound");
    if (in->live) {
        /* capture.interface: one name, or several comma separated */
        const char *p = cfg->interface;
        while (*p && h->niface < HEALTH_IFACES_MAX) {
            size_t n = strcspn(p, ",");
            if (n) {
                snprintf(h->iface[h->niface].name, sizeof(h->iface[0].name), "%.*s",
                         (int)(n < 63 ? n : 63), p);
                h->niface++;
            }
            p += n + (p[n] == ',');
        }
        h->started = 1;
        h->start_us = mono_us();
        h->next_due = h->start_us + (uint64_t)h->interval_s * 1000000;
    } else {
        /* the marker: built once, only its counters change */
        h->mark = calloc(1, sizeof(*h->mark));
        if (!h->mark || !in->push) {
            free(h->mark);
            free(h->prombuf);
            free(h);
            snprintf(err, errlen, "health: %s", in->push ? "out of memory" : "no ring");
            return NULL;
        }
        h->mark->type = EV_NONE;
        h->cap_iv = (uint64_t)h->interval_s * 1000000;   /* not changed by a reload */
    }
    return h;
}

void health_destroy(struct health *h)
{
    if (!h)
        return;
    free(h->prombuf);
    free(h->mark);
    free(h);
}

void health_capture_stats(struct health *h, int idx, const struct source_stats *ss)
{
    if (!h || idx < 0 || idx >= h->niface)
        return;
    struct iface_ctr *c = &h->iface[idx];
    atomic_store_explicit(&c->captured, ss->packets, memory_order_relaxed);
    atomic_store_explicit(&c->received, ss->kernel_received, memory_order_relaxed);
    atomic_store_explicit(&c->dropped, ss->kernel_dropped, memory_order_relaxed);
    atomic_store_explicit(&c->ifdropped, ss->iface_dropped, memory_order_relaxed);
}

void health_iface_state(struct health *h, int idx, int state)
{
    if (!h || idx < 0 || idx >= h->niface)
        return;
    atomic_store_explicit(&h->iface[idx].state, state, memory_order_relaxed);
}

void health_packet(struct health *h, uint64_t ts_us)
{
    if (!h || h->in.live)
        return;
    if (!h->cap_started) {
        h->cap_started = 1;
        h->cap_start = ts_us;
        h->cap_next_due = ts_us + h->cap_iv;
    }
    if (ts_us > h->cap_last)
        h->cap_last = ts_us;
    if (ts_us < h->cap_next_due)
        return;
    /* the packets' time, so the reports fall where they would have live,
     * whatever the replay's speed; a gap in the capture: one report */
    uint64_t iv = h->cap_iv, due = h->cap_next_due;
    h->cap_next_due = due + ((ts_us - due) / iv + 1) * iv;
    struct cap_snap c;
    cap_snapshot(h->in.pl, &c);
    c.due_us = due;
    c.uptime_s = (due - h->cap_start) / 1000000;
    struct sh_event *m = h->mark;
    m->ts_us = due;
    memcpy(m->arena, mark_magic, sizeof(mark_magic));
    memcpy(m->arena + sizeof(mark_magic), &c, sizeof(c));
    m->arena_len = (uint16_t)(sizeof(mark_magic) + sizeof(c));
    h->in.push(h->in.push_ctx, m);     /* before this packet's events */
}

int health_event(struct health *h, const struct sh_event *ev)
{
    struct cap_snap c;
    if (!h || ev->type != EV_NONE || ev->arena_len != sizeof(mark_magic) + sizeof(c) ||
        memcmp(ev->arena, mark_magic, sizeof(mark_magic)))
        return 0;
    memcpy(&c, ev->arena + sizeof(mark_magic), sizeof(c));
    report(h, &c, c.due_us, c.due_us, c.uptime_s, 1);
    return 1;
}

void health_poll(struct health *h)
{
    if (!h || !h->in.live)
        return;
    uint64_t now = mono_us();
    if (now < h->next_due)
        return;
    h->next_due = now + (uint64_t)h->interval_s * 1000000;
    report(h, NULL, wall_us(), now, (now - h->start_us) / 1000000, 1);
}

void health_final(struct health *h)
{
    if (!h)
        return;
    if (h->in.live) {
        uint64_t now = mono_us();
        report(h, NULL, wall_us(), now, (now - h->start_us) / 1000000, 0);
    } else {
        /* the capture thread has ended: its counters are final */
        uint64_t t = h->cap_started ? h->cap_last : 0;
        report(h, NULL, t, t, h->cap_started ? (t - h->cap_start) / 1000000 : 0, 0);
    }
}

void health_reconfigure(struct health *h, const struct sh_config *cfg)
{
    if (!h || !cfg->health_interval)
        return;
    if (cfg->health_interval != h->interval_s && h->started) {   /* live only */
        uint64_t last = h->next_due - (uint64_t)h->interval_s * 1000000;
        h->next_due = last + (uint64_t)cfg->health_interval * 1000000;
    }
    h->interval_s = cfg->health_interval;
    if (strcmp(h->prom_path, cfg->health_prometheus_file)) {
        snprintf(h->prom_path, sizeof(h->prom_path), "%s", cfg->health_prometheus_file);
        h->prom_err[0] = 0;
    }
    h->flow_capacity = cfg->pipe.flow_capacity;
    h->host_capacity = cfg->host_capacity;
}

static int is_drop_check(const char *c)
{
    return !strcmp(c, "capture_drops") || !strcmp(c, "ring_drops");
}

int health_notice(struct health *h, const struct detect_notice *n)
{
    if (!h || n->kind != NOTICE_HEALTH)
        return 0;
    h->degraded = n->degraded;
    h->nreasons = 0;
    int others = 0;
    for (int i = 0; i < n->nreasons && i < HEALTH_REASONS_MAX; i++) {
        snprintf(h->reasons[h->nreasons++], sizeof(h->reasons[0]), "%s", n->reasons[i].check);
        if (is_drop_check(n->reasons[i].check))
            continue;       /* the drop lines say it, per interface, with start and stop */
        /* through the limiter (log.repeat_limit per check) and with the
         * warning level under the journal, as before the health module */
        char kind[RL_KIND_LEN];
        snprintf(kind, sizeof(kind), "health:%s", n->reasons[i].check);
        daemon_log(DLOG_WARNING, kind, "sensor degraded (%s): %s", n->reasons[i].check,
                   n->reasons[i].detail);
        others++;
    }
    if (!others && h->logged_other)
        daemon_log(DLOG_NOTICE, "health-ok", "sensor health ok again");
    h->logged_other = others;
    return 1;
}

void health_print_stats(struct health *h, FILE *fp)
{
    if (!h)
        return;
    uint64_t kep = 0;
    int kd = 0;
    for (int i = 0; i < h->niface; i++) {
        kep += h->kt[i].episodes;
        kd |= h->kt[i].dropping;
    }
#define P(n, v) fprintf(fp, "%-36s %llu\n", n, (unsigned long long)(v))
    P("health.reports", h->reports);
    P("health.prometheus_written", h->prom_written);
    P("health.prometheus_errors", h->prom_errors);
    P("health.redis_posted", h->redis_posted);
    P("health.kernel_drop_episodes", kep);
    P("health.ring_drop_episodes", h->rt.episodes);
    P("health.interface_down_episodes", h->if_down_episodes);
    P("health.dropping_now", kd || h->rt.dropping);
    P("health.degraded_now", h->degraded);
    int down = 0;
    for (int i = 0; i < h->niface; i++)
        down += atomic_load(&h->iface[i].state) != HEALTH_IF_UP;
    P("health.interfaces_down_now", down);
    for (int i = 0; i < h->niface; i++) {
        char nm[96];
        snprintf(nm, sizeof(nm), "health.kernel_dropped.%s", h->iface[i].name);
        P(nm, atomic_load(&h->iface[i].dropped) + atomic_load(&h->iface[i].ifdropped));
    }
#undef P
}
