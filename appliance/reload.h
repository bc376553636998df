/*
 * reload.h -- SIGHUP: the configuration file read again while running.
 *
 * The file given with -c is loaded into a fresh configuration over the
 * defaults, the command line's overrides are applied over it exactly as at
 * start (cli_overrides_apply, used by both), and every setting that differs
 * from the running configuration (config_diff) is either applied live or
 * reported as taking effect at the next start.  A file that does not load
 * (or whose detect parameters are invalid) is reported in one line with
 * file:line and changes nothing.  docs/appliance.md lists what is live.
 *
 * Runs on the detection (consumer) thread, between two events: the host
 * table, flows, evidence and verdicts stay.
 */
#ifndef SH_RELOAD_H
#define SH_RELOAD_H

#include <stdio.h>

#include "../config/config.h"
#include "../detect/detect.h"
#include "../feeds/eve.h"
#include "../feeds/ioc.h"

/* What the command line sets over the file (NULL / 0: not given). */
struct cli_overrides {
    const char *home_net;       /* --home-net CIDRS   */
    const char *bpf;            /* -f                 */
    const char *iface;          /* -i                 */
    const char *eve_path;       /* --eve              */
    const char *redis_addr;     /* --redis            */
    const char *journal;        /* --journal          */
    const char *sensor;         /* --sensor           */
    int no_redis;               /* --no-redis         */
    const char *user;           /* --user             */
    const char *state_dir;      /* --state-dir        */
};

/* The overrides over c.  0 ok; -1 with "--option: message" in err. */
int cli_overrides_apply(struct sh_config *c, const struct cli_overrides *o,
                        char *err, size_t errlen);

struct reloader {
    const char *path;               /* -c FILE; NULL: nothing to re-read */
    struct cli_overrides ov;
    struct sh_config *cfg;          /* the running configuration: live
                                       settings are copied into it */
    struct detect *detect;
    struct eve *eve;                /* NULL: no EVE output */
    struct ioc_manager **intel;     /* created or destroyed as feeds come and go */
    int live;                       /* live capture (else a replay) */
    FILE *log;
    struct sh_config *last;         /* the file as last read (owned) */
};

/* One SIGHUP: re-reads r->path and applies it; logs one line per setting
 * that needs a restart (once, until the file changes it again) and one
 * summary line.  Returns 1 when the feed definitions changed (the caller
 * then re-reads the feeds as on every SIGHUP), 0 when they did not, -1
 * when the file was rejected. */
int reload_run(struct reloader *r);

/* The feed definitions of c's feeds list into defs (at start and on
 * SIGHUP).  Returns how many (0..CFG_FEEDS_MAX), or -1 after logging
 * "spanhound: <what><file>:<line>: feed '<name>': unknown format or type"
 * (what: "" at start, "SIGHUP: " on a reload). */
int feed_defs_from_config(const struct sh_config *c, struct ioc_feed_def defs[CFG_FEEDS_MAX],
                          FILE *log, const char *what);
void reload_free(struct reloader *r);

#endif /* SH_RELOAD_H */
