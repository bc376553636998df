/*
 * health.h -- the sensor's health report, written out: an EVE "stats"
 * record (Suricata's own, schema-valid) plus a "spanhound_stats" record
 * with what Suricata's closed schema has no place for, the fields of the
 * Redis hash {prefix}:health:<sensor>, and the Prometheus textfile for
 * node_exporter (docs/appliance.md).
 *
 * The report itself (struct sh_health) is plain data; appliance/health.c
 * collects it every health.interval seconds.  Nothing here reads the
 * wire: every string comes from the configuration or the code.
 */
#ifndef SH_FEEDS_HEALTH_H
#define SH_FEEDS_HEALTH_H

#include <stddef.h>
#include <stdint.h>

#include "eve.h"
#include "redisfeed.h"

#define HEALTH_IFACES_MAX  16
#define HEALTH_REASONS_MAX 8

struct sh_health_iface {
    char name[64];
    uint64_t captured;                /* packets the source delivered      */
    uint64_t received, dropped, ifdropped; /* pcap_stats: ps_recv, ps_drop, ps_ifdrop */
    int state;                        /* HEALTH_IF_*: can it deliver packets */
    uint64_t quiet_s;                 /* seconds without a packet (0: some in
                                         the last interval) */
};

/* an interface's state (the values of capture/source.h's SOURCE_IF_*) */
enum { HEALTH_IF_UP = 0, HEALTH_IF_DOWN, HEALTH_IF_NO_CARRIER, HEALTH_IF_GONE };
const char *health_iface_state_name(int state);   /* "up", "down", "no_carrier", "gone" */

struct sh_health {
    char sensor[64];
    char version[32];
    uint64_t ts_us;                   /* the report's time (Unix us)       */
    uint64_t uptime_s;                /* live: wall time; replay: packet time */
    uint32_t interval_s;
    int live;
    int niface;                       /* live only                         */
    struct sh_health_iface iface[HEALTH_IFACES_MAX];
    /* the pipeline (totals) and the rates over the last interval */
    uint64_t packets, bytes, ipv4, ipv6, tcp, udp, arp;
    double packets_per_s, bytes_per_s;
    uint64_t ring_dropped;            /* events lost between capture and detection */
    uint64_t flows_active, flows_capacity, flows_total, flows_evicted;
    uint64_t hosts_active, hosts_capacity, hosts_evicted, hosts_evicted_protected,
             hosts_rate_limited;
    int redis_enabled;
    struct redisfeed_health redis;
    int eve_enabled;
    uint64_t eve_written, eve_errors;  /* errors: write errors + records too large */
    int degraded;                     /* detect's last health judgement    */
    int nreasons;
    char reasons[HEALTH_REASONS_MAX][32];
    int dropping;                     /* kernel or ring drops in the last interval */
    int ifaces_down;                  /* interfaces not up (blind on them): the
                                         status is "degraded", reason "interface_down" */
};

/* The two EVE records ("stats", then "spanhound_stats").  0, or -1 when
 * one could not be written (counted by eve). */
int health_eve_write(struct eve *e, const struct sh_health *h);

/* The Prometheus text exposition format (version 0.0.4): # HELP and
 * # TYPE for every metric, names spanhound_*, counters ending _total,
 * labels sensor (every sample) and interface (per-interface ones).
 * Returns the length written into buf (NUL-terminated), or -1 when cap
 * is too small. */
long health_prom_format(const struct sh_health *h, char *buf, size_t cap);

/* Writes text to path.tmp, then rename()s it over path (a reader sees the
 * old file or the new one, never half).  0, or -1 with err. */
int health_prom_write(const char *path, const char *text, size_t len, char *err,
                      size_t errlen);

/* The Redis hash's fields (docs/nac-feed.md).  store holds the values'
 * text; returns the number of fields (<= max). */
#define HEALTH_KV_MAX   48
#define HEALTH_KV_STORE 4096
int health_kv(const struct sh_health *h, struct redisfeed_kv *out, int max,
              char *store, size_t storecap);

#endif /* SH_FEEDS_HEALTH_H */
