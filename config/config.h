/*
 * config.h -- spanhound's configuration: one struct, one declarative table.
 *
 * Every key lives in one table in config.c (path, type, default, min, max,
 * help), in the manner of redis' config.c: the built-in defaults, the
 * parser, the range checks and `spanhound --print-config` all come from it,
 * and config/spanhound.conf documents the same keys with the same
 * defaults (a test checks both agree).
 *
 * The file format is libconfig's.  Unknown keys, wrong types and
 * out-of-range values are errors reported as "file:line: message"; the
 * caller exits with status 2.
 *
 * The `detect` group is free-form: its numeric keys are detector
 * parameters whose names and ranges belong to the detect module, so they
 * are kept here as (name, value, line) and validated there.
 */
#ifndef SH_CONFIG_H
#define SH_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cidr.h"
#include "../capture/pipeline.h"

#define CFG_STR_MAX 256
#define CFG_FEED_WEIGHT 2.0          /* a feed's defaults (docs/feeds.md) */
#define CFG_FEED_CONFIDENCE 0.6
#define CFG_NAMES_MAX 512
#define CFG_PARAMS_MAX 128
#define CFG_PORTS_MAX PIPELINE_MAX_PORTS

struct cfg_names {               /* list of DNS names / patterns      */
    int n;
    char v[CFG_NAMES_MAX][CFG_STR_MAX];
};

/* GeoIP weights: "AS64500=1.5" or "NL=0.8" (docs/geoip.md) */
#define CFG_GEO_WEIGHTS_MAX 256
struct cfg_geo_weight {
    uint32_t asn;                /* asn_weights                       */
    char cc[3];                  /* country_weights: ISO 3166-1 alpha-2 */
    double w;                    /* multiplier, (0, 10]               */
};
struct cfg_geo_weights {
    int n;
    struct cfg_geo_weight v[CFG_GEO_WEIGHTS_MAX];
};

/* Optional MaxMind databases (detect/geo.h): "" = not used. */
struct cfg_geoip {
    char country_db[CFG_STR_MAX];
    char asn_db[CFG_STR_MAX];
    struct cfg_geo_weights asn_weights, country_weights;
};

/* One threat-intelligence feed (feeds/ioc.h, docs/feeds.md). */
#define CFG_FEEDS_MAX 32
struct cfg_feed {
    char name[32];
    char path[CFG_STR_MAX];
    char format[16];             /* plain, abusech_ja3, abusech_sslbl, feodo, urlhaus, stix */
    char type[16];               /* format plain: ip, domain, url, ja3, ... */
    double weight, confidence;
    int line;
};

struct cfg_feeds {
    int n;
    struct cfg_feed v[CFG_FEEDS_MAX];
};

struct cfg_param {               /* one "detect.<name> = value" line   */
    char name[64];
    double value;
    int line;
};

/* The Redis NAC feed (feeds/redisfeed.h) and the tools reading it. */
struct sh_redis_cfg {
    int enabled;
    char server[CFG_STR_MAX];        /* "host:port", "[v6]:port", "unix:/path" */
    char sentinels[CFG_STR_MAX];     /* "host:port,host:port" ("" = none) */
    char master[64];                 /* Sentinel's name for the master   */
    char user[64];                   /* ACL user ("" = default user)     */
    char password[CFG_STR_MAX];
    char password_file[CFG_STR_MAX]; /* first line is the password      */
    char prefix[64];                 /* keys are "{prefix}:..."          */
    char sensor[64];                 /* "" = the machine's host name     */
    uint32_t connect_timeout_ms, command_timeout_ms;
    uint32_t stream_maxlen;
    uint32_t host_ttl_s;
    uint32_t control_interval_ms;
    uint32_t ring_slots;
    char journal[CFG_STR_MAX];
    uint32_t journal_max_mb;
};

struct sh_config {
    char source[CFG_STR_MAX];    /* file it came from, "" = defaults   */

    /* capture */
    char interface[CFG_STR_MAX];   /* one or several, comma separated */
    uint32_t snaplen;
    uint32_t buffer_mb;
    int promiscuous;
    char bpf[CFG_STR_MAX * 4];
    uint32_t ring_slots;

    /* networks */
    struct cidr_set home_net;
    int learn_prefixes;

    /* flows, nDPI, parsers: the capture pipeline's own settings, filled
     * by the table like every other key and handed to pipeline_create()
     * as they are */
    struct pipeline_cfg pipe;

    /* output */
    char eve_file[CFG_STR_MAX];
    int eve_flow;
    int eve_arp;
    int eve_extended;
    int log_syslog;
    uint32_t log_repeat_limit;       /* same line per minute; 0 = no limit */

    /* the daemon (appliance/) */
    char daemon_user[64];            /* "" = stay root                   */
    int daemon_keep_net_raw;
    char state_dir[CFG_STR_MAX];     /* "" = no host-state snapshots     */
    uint32_t state_interval;         /* seconds; 0 = only at shutdown    */
    uint32_t state_max_mb;
    uint32_t health_interval;        /* seconds; 0 = off                 */
    char health_prometheus_file[CFG_STR_MAX];
    struct sh_redis_cfg redis;

    /* threat intelligence */
    struct cfg_feeds feeds;
    uint32_t feeds_check_interval;   /* seconds; 0 = only on SIGHUP */

    /* hosts and detection */
    uint32_t host_capacity;
    uint32_t host_idle_s;
    struct cidr_set dns_resolvers;
    struct cidr_set dhcp_servers;
    struct cidr_set sensor_addrs;
    struct cidr_set mail_servers;
    struct cidr_set mail_clients;
    struct cidr_set allow_nets;
    struct cfg_names allow_names;
    struct cfg_geoip geoip;
    char data_dir[CFG_STR_MAX];
    char popularity_list[CFG_STR_MAX];   /* "" = data_dir/popular.txt */
    int n_params;
    struct cfg_param params[CFG_PARAMS_MAX];
};

/* One geoip weight entry ("AS64500=1.5" when asn, else "NL=0.5"); 0 ok,
 * -1 with the reason in msg. */
int config_geo_weight_parse(const char *v, int asn, struct cfg_geo_weight *out,
                            char *msg, size_t msglen);

/* Fill every field with its built-in default. */
void config_defaults(struct sh_config *c);

/* Read `path` over the defaults already in c.  0 ok; -1 with
 * "file:line: message" in err. */
int config_load(struct sh_config *c, const char *path, char *err, size_t errlen);

/* The settings whose value differs between old and new: fn(ctx, path) once
 * per changed setting, in table order.  Table rows go by their dotted path
 * ("capture.snaplen", "allowlist.networks"; lists compare entry by entry, in
 * order), the detect group's parameters as "detect.<name>" (compared by name
 * and value; one given in only one of the two counts as changed, even when
 * it equals its default, which is the detect module's business), feeds as
 * "feeds.<name>" for each feed added, removed or changed (path, format,
 * type, weight, confidence; not the line it was on).  `source` is not a
 * setting.  Returns how many were reported. */
typedef void (*config_diff_fn)(void *ctx, const char *path);
int config_diff(const struct sh_config *old, const struct sh_config *new,
                config_diff_fn fn, void *ctx);

/* Copies one setting, named as config_diff names it, from src into dst
 * (a "detect.<name>" parameter is set, added or removed; any "feeds.<name>"
 * copies the whole feeds list).  0 ok, -1 unknown path. */
int config_copy_setting(struct sh_config *dst, const struct sh_config *src, const char *path);

/* Print the effective configuration in the file's own syntax.  The detect
 * group's parameters belong to the detect module: `detect_params` (may be
 * NULL) prints them at the given indent. */
typedef void (*config_print_fn)(void *ctx, FILE *fp, int indent);
void config_print(const struct sh_config *c, FILE *fp,
                  config_print_fn detect_params, void *ctx);

#endif /* SH_CONFIG_H */
