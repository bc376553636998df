/*
 * health.c -- the health report's outputs: EVE records, the Redis hash's
 * fields, the Prometheus textfile (health.h, docs/appliance.md).
 */
#define _GNU_SOURCE
#include "health.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../config/files.h"
#include "json.h"

const char *health_iface_state_name(int state)
{
    switch (state) {
    case HEALTH_IF_UP: return "up";
    case HEALTH_IF_DOWN: return "down";
    case HEALTH_IF_NO_CARRIER: return "no_carrier";
    default: return "gone";
    }
}

/* detect's judgement, or an interface that cannot deliver packets */
static int is_degraded(const struct sh_health *h)
{
    return h->degraded || h->ifaces_down > 0;
}

/* ---- EVE ----------------------------------------------------------------- */

static void sum_ifaces(const struct sh_health *h, uint64_t *recv, uint64_t *drop,
                       uint64_t *ifdrop)
{
    *recv = *drop = *ifdrop = 0;
    for (int i = 0; i < h->niface; i++) {
        *recv += h->iface[i].received;
        *drop += h->iface[i].dropped;
        *ifdrop += h->iface[i].ifdropped;
    }
}

int health_eve_write(struct eve *e, const struct sh_health *h)
{
    static char buf[16384];
    struct json j;
    struct sh_event hdr;
    int rc = 0;
    uint64_t recv, drop, ifdrop;

    if (!e)
        return 0;
    sum_ifaces(h, &recv, &drop, &ifdrop);
    memset(&hdr, 0, offsetof(struct sh_event, arena));
    hdr.ts_us = h->ts_us;

    /* Suricata's own record: only what means the same there */
    eve_begin_record(&j, buf, sizeof(buf), "stats", &hdr);
    json_obj_open(&j, "stats");
    json_u64(&j, "uptime", h->uptime_s);
    if (h->live) {
        json_obj_open(&j, "capture");
        json_u64(&j, "kernel_packets", recv);
        json_u64(&j, "kernel_drops", drop);
        json_u64(&j, "kernel_ifdrops", ifdrop);
        json_obj_close(&j);
    }
    json_obj_open(&j, "decoder");
    json_u64(&j, "pkts", h->packets);
    json_u64(&j, "bytes", h->bytes);
    json_u64(&j, "ipv4", h->ipv4);
    json_u64(&j, "ipv6", h->ipv6);
    json_u64(&j, "tcp", h->tcp);
    json_u64(&j, "udp", h->udp);
    json_u64(&j, "arp", h->arp);
    json_obj_close(&j);
    json_obj_open(&j, "flow");
    json_u64(&j, "total", h->flows_total);
    json_u64(&j, "active", h->flows_active);
    json_obj_close(&j);
    json_obj_close(&j);
    if (eve_end_record(e, &j) < 0)
        rc = -1;

    /* the rest, under spanhound's own type */
    eve_begin_record(&j, buf, sizeof(buf), "spanhound_stats", &hdr);
    json_obj_open(&j, "spanhound_stats");
    json_cstr(&j, "sensor", h->sensor);
    json_cstr(&j, "version", h->version);
    json_u64(&j, "interval", h->interval_s);
    json_u64(&j, "uptime", h->uptime_s);
    json_cstr(&j, "mode", h->live ? "live" : "replay");
    json_cstr(&j, "status", is_degraded(h) ? "degraded" : "ok");
    json_arr_open(&j, "reasons");
    for (int i = 0; i < h->nreasons; i++)
        json_cstr(&j, NULL, h->reasons[i]);
    if (h->ifaces_down)
        json_cstr(&j, NULL, "interface_down");
    json_arr_close(&j);
    json_bool(&j, "dropping", h->dropping);
    json_obj_open(&j, "capture");
    json_u64(&j, "packets", h->packets);
    json_u64(&j, "bytes", h->bytes);
    json_dbl(&j, "packets_per_s", h->packets_per_s, 1);
    json_dbl(&j, "bytes_per_s", h->bytes_per_s, 1);
    json_u64(&j, "ring_dropped", h->ring_dropped);
    if (h->live) {
        json_arr_open(&j, "interfaces");
        for (int i = 0; i < h->niface; i++) {
            json_obj_open(&j, NULL);
            json_cstr(&j, "name", h->iface[i].name);
            json_cstr(&j, "state", health_iface_state_name(h->iface[i].state));
            json_u64(&j, "quiet_s", h->iface[i].quiet_s);
            json_u64(&j, "captured", h->iface[i].captured);
            json_u64(&j, "kernel_received", h->iface[i].received);
            json_u64(&j, "kernel_dropped", h->iface[i].dropped);
            json_u64(&j, "kernel_ifdropped", h->iface[i].ifdropped);
            json_obj_close(&j);
        }
        json_arr_close(&j);
    }
    json_obj_close(&j);
    json_obj_open(&j, "flows");
    json_u64(&j, "active", h->flows_active);
    json_u64(&j, "capacity", h->flows_capacity);
    json_u64(&j, "total", h->flows_total);
    json_u64(&j, "evicted", h->flows_evicted);
    json_obj_close(&j);
    json_obj_open(&j, "hosts");
    json_u64(&j, "active", h->hosts_active);
    json_u64(&j, "capacity", h->hosts_capacity);
    json_u64(&j, "evicted", h->hosts_evicted);
    json_u64(&j, "evicted_protected", h->hosts_evicted_protected);
    json_u64(&j, "rate_limited", h->hosts_rate_limited);
    json_obj_close(&j);
    if (h->redis_enabled) {
        json_obj_open(&j, "redis");
        json_bool(&j, "connected", h->redis.connected);
        json_u64(&j, "journal_pending", h->redis.pending_entries);
        json_u64(&j, "journal_bytes", h->redis.journal_bytes);
        json_u64(&j, "journal_pending_bytes", h->redis.pending_bytes);
        if (h->redis.last_error_age_s >= 0)
            json_i64(&j, "last_error_age", h->redis.last_error_age_s);
        json_u64(&j, "delivered", h->redis.delivered);
        json_u64(&j, "errors", h->redis.errors);
        json_u64(&j, "journal_dropped", h->redis.journal_dropped);
        json_obj_close(&j);
    }
    json_obj_open(&j, "eve");
    json_u64(&j, "written", h->eve_written);
    json_u64(&j, "errors", h->eve_errors);
    json_obj_close(&j);
    json_obj_close(&j);
    if (eve_end_record(e, &j) < 0)
        rc = -1;
    return rc;
}

/* ---- Prometheus ---------------------------------------------------------- */

struct pw {
    char *buf;
    size_t cap, len;
    int overflow;
    const char *sensor;         /* escaped */
};

static void pw_add(struct pw *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void pw_add(struct pw *w, const char *fmt, ...)
{
    va_list ap;
    if (w->overflow)
        return;
    va_start(ap, fmt);
    int n = vsnprintf(w->buf + w->len, w->cap - w->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= w->cap - w->len) {
        w->overflow = 1;
        return;
    }
    w->len += (size_t)n;
}

/* A label value: backslash, double quote and newline escaped (the
 * exposition format's only escapes); anything else is kept. */
static void label_escape(const char *s, char *out, size_t cap)
{
    size_t o = 0;
    for (; *s && o + 3 < cap; s++) {
        if (*s == '\\' || *s == '"') {
            out[o++] = '\\';
            out[o++] = *s;
        } else if (*s == '\n') {
            out[o++] = '\\';
            out[o++] = 'n';
        } else {
            out[o++] = *s;
        }
    }
    out[o] = 0;
}

static void family(struct pw *w, const char *name, const char *type, const char *help)
{
    pw_add(w, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* one sample with the sensor label and an optional second label */
static void sample_u(struct pw *w, const char *name, const char *lk, const char *lv, uint64_t v)
{
    if (lk)
        pw_add(w, "%s{sensor=\"%s\",%s=\"%s\"} %llu\n", name, w->sensor, lk, lv,
               (unsigned long long)v);
    else
        pw_add(w, "%s{sensor=\"%s\"} %llu\n", name, w->sensor, (unsigned long long)v);
}

static void metric_u(struct pw *w, const char *name, const char *type, const char *help,
                     uint64_t v)
{
    family(w, name, type, help);
    sample_u(w, name, NULL, NULL, v);
}

long health_prom_format(const struct sh_health *h, char *buf, size_t cap)
{
    char sensor[160], ver[96], lv[160];
    struct pw w = { buf, cap, 0, 0, sensor };
    if (!cap)
        return -1;
    label_escape(h->sensor, sensor, sizeof(sensor));
    label_escape(h->version, ver, sizeof(ver));

    family(&w, "spanhound_info", "gauge", "Always 1; the version in a label.");
    pw_add(&w, "spanhound_info{sensor=\"%s\",version=\"%s\",mode=\"%s\"} 1\n", sensor, ver,
           h->live ? "live" : "replay");
    metric_u(&w, "spanhound_uptime_seconds", "gauge",
             "Seconds since start (a replay: of packet time).", h->uptime_s);
    metric_u(&w, "spanhound_health_interval_seconds", "gauge",
             "Seconds between two health reports (health.interval).", h->interval_s);
    metric_u(&w, "spanhound_degraded", "gauge",
             "1 when the sensor is degraded: the detection engine's judgement or an interface not up (see spanhound_degraded_reason).",
             (uint64_t)is_degraded(h));
    family(&w, "spanhound_degraded_reason", "gauge",
           "1 for each reason the sensor is degraded now (the check's name in a label).");
    for (int i = 0; i < h->nreasons; i++) {
        label_escape(h->reasons[i], lv, sizeof(lv));
        sample_u(&w, "spanhound_degraded_reason", "check", lv, 1);
    }
    if (h->ifaces_down)
        sample_u(&w, "spanhound_degraded_reason", "check", "interface_down", 1);
    metric_u(&w, "spanhound_dropping", "gauge",
             "1 when packets or events were dropped in the last interval (the sensor is partly blind).",
             (uint64_t)(h->dropping != 0));
    if (h->live) {
        static const struct {
            const char *name, *help;
            size_t off;
        } pif[] = {
            { "spanhound_captured_packets_total", "Packets the capture handed to spanhound.",
              offsetof(struct sh_health_iface, captured) },
            { "spanhound_kernel_received_packets_total", "Packets the kernel received (pcap_stats ps_recv).",
              offsetof(struct sh_health_iface, received) },
            { "spanhound_kernel_dropped_packets_total",
              "Packets the kernel dropped: its buffer was full (pcap_stats ps_drop).",
              offsetof(struct sh_health_iface, dropped) },
            { "spanhound_interface_dropped_packets_total",
              "Packets the interface or driver dropped (pcap_stats ps_ifdrop).",
              offsetof(struct sh_health_iface, ifdropped) },
        };
        family(&w, "spanhound_interface_up", "gauge",
               "1 when the interface can deliver packets; 0 when it is down, has no carrier or is gone (the sensor is blind on it).");
        for (int i = 0; i < h->niface; i++) {
            label_escape(h->iface[i].name, lv, sizeof(lv));
            sample_u(&w, "spanhound_interface_up", "interface", lv,
                     (uint64_t)(h->iface[i].state == HEALTH_IF_UP));
        }
        family(&w, "spanhound_interface_quiet_seconds", "gauge",
               "Seconds since the interface last delivered a packet (0: some in the last interval); long on an up interface: the SPAN session is gone.");
        for (int i = 0; i < h->niface; i++) {
            label_escape(h->iface[i].name, lv, sizeof(lv));
            sample_u(&w, "spanhound_interface_quiet_seconds", "interface", lv, h->iface[i].quiet_s);
        }
        for (size_t k = 0; k < sizeof(pif) / sizeof(pif[0]); k++) {
            family(&w, pif[k].name, "counter", pif[k].help);
            for (int i = 0; i < h->niface; i++) {
                uint64_t v;
                memcpy(&v, (const char *)&h->iface[i] + pif[k].off, sizeof(v));
                label_escape(h->iface[i].name, lv, sizeof(lv));
                sample_u(&w, pif[k].name, "interface", lv, v);
            }
        }
    }
    metric_u(&w, "spanhound_packets_total", "counter", "Packets decoded.", h->packets);
    metric_u(&w, "spanhound_bytes_total", "counter", "Bytes of the packets decoded.", h->bytes);
    family(&w, "spanhound_packets_per_second", "gauge", "Packets per second over the last interval.");
    pw_add(&w, "spanhound_packets_per_second{sensor=\"%s\"} %.3f\n", sensor, h->packets_per_s);
    family(&w, "spanhound_bytes_per_second", "gauge", "Bytes per second over the last interval.");
    pw_add(&w, "spanhound_bytes_per_second{sensor=\"%s\"} %.3f\n", sensor, h->bytes_per_s);
    metric_u(&w, "spanhound_ring_dropped_events_total", "counter",
             "Events dropped between capture and detection (detection too slow).", h->ring_dropped);
    metric_u(&w, "spanhound_flows_active", "gauge", "Flows in the flow table.", h->flows_active);
    metric_u(&w, "spanhound_flows_capacity", "gauge", "The flow table's capacity.", h->flows_capacity);
    metric_u(&w, "spanhound_flows_total", "counter", "Flows created.", h->flows_total);
    metric_u(&w, "spanhound_flows_evicted_total", "counter",
             "Flows evicted because the flow table was full.", h->flows_evicted);
    metric_u(&w, "spanhound_hosts_active", "gauge", "Hosts in the host table.", h->hosts_active);
    metric_u(&w, "spanhound_hosts_capacity", "gauge", "The host table's capacity.", h->hosts_capacity);
    metric_u(&w, "spanhound_hosts_evicted_total", "counter",
             "Hosts evicted because the host table was full.", h->hosts_evicted);
    metric_u(&w, "spanhound_hosts_evicted_protected_total", "counter",
             "Hosts holding evidence or detector state evicted.", h->hosts_evicted_protected);
    metric_u(&w, "spanhound_hosts_rate_limited_total", "counter",
             "New hosts refused by the per-prefix rate limit.", h->hosts_rate_limited);
    if (h->redis_enabled) {
        metric_u(&w, "spanhound_redis_connected", "gauge", "1 when the Redis publisher is connected.",
                 (uint64_t)(h->redis.connected != 0));
        metric_u(&w, "spanhound_redis_journal_pending_entries", "gauge",
                 "Verdict events in the journal not yet delivered to Redis.", h->redis.pending_entries);
        metric_u(&w, "spanhound_redis_journal_bytes", "gauge", "The journal's size.",
                 h->redis.journal_bytes);
        metric_u(&w, "spanhound_redis_journal_pending_bytes", "gauge",
                 "Bytes of the journal not yet delivered to Redis.", h->redis.pending_bytes);
        if (h->redis.last_error_age_s >= 0)
            metric_u(&w, "spanhound_redis_last_error_age_seconds", "gauge",
                     "Seconds since the publisher's last connection error.",
                     (uint64_t)h->redis.last_error_age_s);
        metric_u(&w, "spanhound_redis_delivered_total", "counter",
                 "Verdict events delivered to Redis.", h->redis.delivered);
        metric_u(&w, "spanhound_redis_errors_total", "counter",
                 "Redis connection errors.", h->redis.errors);
        metric_u(&w, "spanhound_redis_journal_dropped_total", "counter",
                 "Verdict events dropped because the journal was full.", h->redis.journal_dropped);
    }
    if (h->eve_enabled) {
        metric_u(&w, "spanhound_eve_written_total", "counter", "EVE records written.",
                 h->eve_written);
        metric_u(&w, "spanhound_eve_errors_total", "counter",
                 "EVE records lost (write errors, records too large).", h->eve_errors);
    }
    if (w.overflow)
        return -1;
    return (long)w.len;
}

int health_prom_write(const char *path, const char *text, size_t len, char *err, size_t errlen)
{
    char tmp[4200];
    if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
        snprintf(err, errlen, "%s: path too long", path);
        return -1;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        return -1;
    }
    /* node_exporter reads it as another user: 0644 whatever the umask
     * (the unit's UMask=0027 would make it 0640, unreadable there) */
    if (fchmod(fd, 0644) < 0) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        return -1;
    }
    if (file_write_all(fd, text, len) < 0) {
        snprintf(err, errlen, "%s: %s", tmp, errno ? strerror(errno) : "short write");
        close(fd);
        unlink(tmp);
        return -1;
    }
    if (close(fd) < 0) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        unlink(tmp);
        return -1;
    }
    if (rename(tmp, path) < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* ---- the Redis hash -------------------------------------------------------- */

struct kvw {
    struct redisfeed_kv *out;
    int n, max;
    char *store;
    size_t cap, len;
};

static void kv_add(struct kvw *w, const char *k, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void kv_add(struct kvw *w, const char *k, const char *fmt, ...)
{
    va_list ap;
    if (w->n >= w->max || w->len >= w->cap)
        return;
    va_start(ap, fmt);
    int n = vsnprintf(w->store + w->len, w->cap - w->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= w->cap - w->len)
        return;
    w->out[w->n].key = k;
    w->out[w->n].value = w->store + w->len;
    w->n++;
    w->len += (size_t)n + 1;
}

int health_kv(const struct sh_health *h, struct redisfeed_kv *out, int max, char *store,
              size_t storecap)
{
    struct kvw w = { out, 0, max, store, storecap, 0 };
    char ts[64], list[HEALTH_IFACES_MAX * 65 + 1], down[HEALTH_IFACES_MAX * 65 + 1],
         reasons[(HEALTH_REASONS_MAX + 1) * 33 + 1];
    uint64_t recv, drop, ifdrop;
    sum_ifaces(h, &recv, &drop, &ifdrop);
    eve_format_time(h->ts_us, ts, sizeof(ts));
    list[0] = down[0] = reasons[0] = 0;
    for (int i = 0; i < h->niface; i++) {
        snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? "," : "",
                 h->iface[i].name);
        if (h->iface[i].state != HEALTH_IF_UP)
            snprintf(down + strlen(down), sizeof(down) - strlen(down), "%s%s",
                     down[0] ? "," : "", h->iface[i].name);
    }
    for (int i = 0; i < h->nreasons; i++)
        snprintf(reasons + strlen(reasons), sizeof(reasons) - strlen(reasons), "%s%s",
                 i ? "," : "", h->reasons[i]);
    if (h->ifaces_down)
        snprintf(reasons + strlen(reasons), sizeof(reasons) - strlen(reasons), "%s%s",
                 reasons[0] ? "," : "", "interface_down");
    /* always the same fields (empty when they do not apply): an HSET
     * leaves no stale field behind */
    kv_add(&w, "ts", "%s", ts);
    kv_add(&w, "sensor", "%s", h->sensor);
    kv_add(&w, "version", "%s", h->version);
    kv_add(&w, "mode", "%s", h->live ? "live" : "replay");
    kv_add(&w, "uptime", "%llu", (unsigned long long)h->uptime_s);
    kv_add(&w, "interval", "%u", h->interval_s);
    kv_add(&w, "status", "%s", is_degraded(h) ? "degraded" : "ok");
    kv_add(&w, "reasons", "%s", reasons);
    kv_add(&w, "dropping", "%d", h->dropping != 0);
    kv_add(&w, "interfaces", "%s", list);
    kv_add(&w, "interfaces_down", "%s", down);
    if (h->live) {
        kv_add(&w, "kernel_received", "%llu", (unsigned long long)recv);
        kv_add(&w, "kernel_dropped", "%llu", (unsigned long long)drop);
        kv_add(&w, "kernel_ifdropped", "%llu", (unsigned long long)ifdrop);
    } else {
        kv_add(&w, "kernel_received", "%s", "");
        kv_add(&w, "kernel_dropped", "%s", "");
        kv_add(&w, "kernel_ifdropped", "%s", "");
    }
    kv_add(&w, "ring_dropped", "%llu", (unsigned long long)h->ring_dropped);
    kv_add(&w, "packets", "%llu", (unsigned long long)h->packets);
    kv_add(&w, "bytes", "%llu", (unsigned long long)h->bytes);
    kv_add(&w, "packets_per_s", "%.1f", h->packets_per_s);
    kv_add(&w, "bytes_per_s", "%.1f", h->bytes_per_s);
    kv_add(&w, "flows_active", "%llu", (unsigned long long)h->flows_active);
    kv_add(&w, "flows_capacity", "%llu", (unsigned long long)h->flows_capacity);
    kv_add(&w, "flows_evicted", "%llu", (unsigned long long)h->flows_evicted);
    kv_add(&w, "hosts_active", "%llu", (unsigned long long)h->hosts_active);
    kv_add(&w, "hosts_capacity", "%llu", (unsigned long long)h->hosts_capacity);
    kv_add(&w, "hosts_evicted", "%llu", (unsigned long long)h->hosts_evicted);
    kv_add(&w, "hosts_evicted_protected", "%llu", (unsigned long long)h->hosts_evicted_protected);
    kv_add(&w, "journal_pending", "%llu", (unsigned long long)h->redis.pending_entries);
    kv_add(&w, "journal_bytes", "%llu", (unsigned long long)h->redis.journal_bytes);
    if (h->redis.last_error_age_s >= 0)
        kv_add(&w, "redis_last_error_age", "%lld", (long long)h->redis.last_error_age_s);
    else
        kv_add(&w, "redis_last_error_age", "%s", "");
    kv_add(&w, "eve_written", "%llu", (unsigned long long)h->eve_written);
    kv_add(&w, "eve_errors", "%llu", (unsigned long long)h->eve_errors);
    return w.n;
}
