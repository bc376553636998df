/*
 * reload.c -- SIGHUP: the configuration file read again while running
 * (reload.h; what is live: docs/appliance.md).
 */
#include "reload.h"

#include <stdlib.h>
#include <string.h>

#include "../feeds/rconn.h"

int cli_overrides_apply(struct sh_config *c, const struct cli_overrides *o,
                        char *err, size_t errlen)
{
    char msg[512];
    if (o->home_net && cidr_set_parse_list(&c->home_net, o->home_net, msg, sizeof(msg)) < 0) {
        snprintf(err, errlen, "--home-net: %s", msg);
        return -1;
    }
    if (o->bpf)
        snprintf(c->bpf, sizeof(c->bpf), "%s", o->bpf);
    if (o->iface)
        snprintf(c->interface, sizeof(c->interface), "%s", o->iface);
    if (o->eve_path)
        snprintf(c->eve_file, sizeof(c->eve_file), "%s", o->eve_path);
    if (o->redis_addr) {
        char h[256];
        int port, un;
        if (rconn_parse_addr(o->redis_addr, 6379, h, sizeof(h), &port, &un, msg,
                             sizeof(msg)) < 0) {
            snprintf(err, errlen, "--redis %s", msg);
            return -1;
        }
        snprintf(c->redis.server, sizeof(c->redis.server), "%s", o->redis_addr);
        c->redis.sentinels[0] = 0;
        c->redis.enabled = 1;
    }
    if (o->no_redis)
        c->redis.enabled = 0;
    if (o->journal)
        snprintf(c->redis.journal, sizeof(c->redis.journal), "%s", o->journal);
    if (o->sensor)
        snprintf(c->redis.sensor, sizeof(c->redis.sensor), "%s", o->sensor);
    if (o->user)
        snprintf(c->daemon_user, sizeof(c->daemon_user), "%s", o->user);
    if (o->state_dir)
        snprintf(c->state_dir, sizeof(c->state_dir), "%s", o->state_dir);
    return 0;
}

/* Applied while running?  The engine's own settings are its call
 * (detect_setting_live); the rest is read by the consumer loop as plain
 * values, or has a setter here. */
static int live_setting(const char *path)
{
    static const char *const live[] = {
        "feeds.", "feeds_check_interval", "eve.flow", "eve.arp", "eve.extended",
        "log.repeat_limit", "health.", "state.",
    };
    if (detect_setting_live(path))
        return 1;
    for (size_t i = 0; i < sizeof(live) / sizeof(live[0]); i++) {
        size_t n = strlen(live[i]);
        if (live[i][n - 1] == '.' ? strncmp(path, live[i], n) == 0 : strcmp(path, live[i]) == 0)
            return 1;
    }
    return 0;
}

#define PATHS_MAX 512
struct paths {
    int n;
    char v[PATHS_MAX][96];
};

static void add_path(void *ctx, const char *path)
{
    struct paths *p = ctx;
    if (p->n < PATHS_MAX)
        snprintf(p->v[p->n++], sizeof(p->v[0]), "%s", path);
}

static int has_path(const struct paths *p, const char *path)
{
    for (int i = 0; i < p->n; i++)
        if (strcmp(p->v[i], path) == 0)
            return 1;
    return 0;
}

static void install(void *ctx, struct ioc_db *db)
{
    detect_set_intel(ctx, ioc_lookup, db);
}

/* The feed definitions of c (its feeds list) into defs; see reload.h. */
int feed_defs_from_config(const struct sh_config *c, struct ioc_feed_def defs[CFG_FEEDS_MAX],
                          FILE *log, const char *what)
{
    int n = c->feeds.n;
    for (int i = 0; i < n; i++) {
        const struct cfg_feed *f = &c->feeds.v[i];
        memset(&defs[i], 0, sizeof(defs[i]));
        snprintf(defs[i].name, sizeof(defs[i].name), "%s", f->name);
        snprintf(defs[i].path, sizeof(defs[i].path), "%s", f->path);
        defs[i].format = ioc_format_from_name(f->format);
        defs[i].type = f->type[0] ? ioc_type_from_name(f->type) : IOC_NONE;
        defs[i].weight = f->weight;
        defs[i].confidence = f->confidence;
        if (defs[i].format < 0 || defs[i].type < 0) {
            fprintf(log, "spanhound: %s%s:%d: feed '%s': unknown format or type\n", what,
                    c->source, f->line, f->name);
            return -1;
        }
    }
    return n;
}

/* The feeds list changed: the manager follows it (feeds/ioc.h); the
 * caller's SIGHUP re-read then loads what is new in the background. */
static int feeds_apply(struct reloader *r)
{
    struct ioc_feed_def defs[CFG_FEEDS_MAX];
    int n = feed_defs_from_config(r->cfg, defs, r->log, "SIGHUP: ");
    if (n < 0)
        return -1;
    if (n == 0) {
        detect_set_intel(r->detect, NULL, NULL);
        ioc_manager_destroy(*r->intel);
        *r->intel = NULL;
        return 0;
    }
    if (*r->intel)
        return ioc_manager_set_defs(*r->intel, defs, n, install, r->detect);
    *r->intel = ioc_manager_create(defs, n, r->log);
    if (!*r->intel)
        return -1;
    /* a replay judges STIX validity at packet time, as at start */
    if (!r->live && detect_time_us(r->detect))
        ioc_manager_set_now(*r->intel, (int64_t)(detect_time_us(r->detect) / 1000000));
    return 0;
}

/* "a, b, c" into buf, bounded */
static void list_into(char *buf, size_t len, const struct paths *p, const int *pick, int want)
{
    size_t o = 0;
    buf[0] = 0;
    for (int i = 0; i < p->n; i++) {
        if (pick[i] != want)
            continue;
        size_t need = strlen(p->v[i]) + 2;
        if (o + need + 5 >= len) {
            snprintf(buf + o, len - o, ", ...");
            return;
        }
        o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? ", " : "", p->v[i]);
    }
}

int reload_run(struct reloader *r)
{
    char err[1024];
    int rc = -1;
    if (!r->path) {
        fprintf(r->log, "spanhound: SIGHUP: no configuration file (-c): the feeds and GeoIP "
                "databases only\n");
        return 0;
    }
    struct sh_config *fresh = malloc(sizeof(*fresh));
    struct sh_config *cand = malloc(sizeof(*cand));
    struct paths *ch = malloc(sizeof(*ch)), *since = malloc(sizeof(*since));
    int *pick = malloc(PATHS_MAX * sizeof(*pick));
    if (!fresh || !cand || !ch || !since || !pick) {
        fprintf(r->log, "spanhound: SIGHUP: out of memory: the running configuration is kept\n");
        goto out;
    }
    config_defaults(fresh);
    struct detect_params dp;
    if (config_load(fresh, r->path, err, sizeof(err)) < 0 ||
        cli_overrides_apply(fresh, &r->ov, err, sizeof(err)) < 0 ||
        detect_params_from_config(fresh, &dp, err, sizeof(err)) < 0) {
        fprintf(r->log, "spanhound: SIGHUP: %s: the running configuration is kept\n", err);
        goto out;
    }
    ch->n = 0;
    config_diff(r->cfg, fresh, add_path, ch);
    since->n = 0;
    if (r->last)
        config_diff(r->last, fresh, add_path, since);

    /* the engine first, on a candidate: if it refuses, nothing changed */
    memcpy(cand, r->cfg, sizeof(*cand));
    int napplied = 0, nrestart = 0, feeds = 0, eve = 0;
    for (int i = 0; i < ch->n; i++) {
        pick[i] = live_setting(ch->v[i]);
        /* health reports turned on or off: the report's markers travel
         * with the capture thread's packets, set up at start */
        if (!strcmp(ch->v[i], "health.interval") &&
            !r->cfg->health_interval != !fresh->health_interval)
            pick[i] = 0;
        if (pick[i]) {
            config_copy_setting(cand, fresh, ch->v[i]);
            napplied++;
            feeds |= strncmp(ch->v[i], "feeds.", 6) == 0;
            eve |= strncmp(ch->v[i], "eve.", 4) == 0;
        } else {
            nrestart++;
        }
    }
    memcpy(cand->source, fresh->source, sizeof(cand->source));
    if (r->detect && detect_reconfigure(r->detect, cand, err, sizeof(err)) < 0) {
        fprintf(r->log, "spanhound: SIGHUP: %s: the running configuration is kept\n", err);
        goto out;
    }
    /* then the running configuration, setting by setting (what needs a
     * restart keeps the value in use: it is reported again if still
     * different at the next SIGHUP, but its line only when it changed) */
    for (int i = 0; i < ch->n; i++) {
        if (pick[i]) {
            config_copy_setting(r->cfg, fresh, ch->v[i]);
        } else if (!r->last || has_path(since, ch->v[i])) {
            fprintf(r->log, "spanhound: SIGHUP: %s changed: takes effect at the next start\n",
                    ch->v[i]);
        }
    }
    if (eve) {
        eve_set_records(r->eve, r->cfg->eve_flow, r->cfg->eve_arp);
        eve_set_extended(r->eve, r->cfg->eve_extended);
    }
    rc = 0;
    if (feeds) {
        if (feeds_apply(r) < 0)
            fprintf(r->log, "spanhound: SIGHUP: feeds: out of memory: the feeds in use are kept\n");
        else
            rc = 1;
    }
    char a[600], b[600];
    list_into(a, sizeof(a), ch, pick, 1);
    list_into(b, sizeof(b), ch, pick, 0);
    fprintf(r->log, "spanhound: SIGHUP: configuration reloaded from %s: %d setting%s applied%s%s%s, "
            "%d need%s a restart%s%s%s\n", r->path, napplied, napplied == 1 ? "" : "s",
            napplied ? " (" : "", a, napplied ? ")" : "", nrestart, nrestart == 1 ? "s" : "",
            nrestart ? " (" : "", b, nrestart ? ")" : "");
    if (!r->last)
        r->last = fresh;
    else
        memcpy(r->last, fresh, sizeof(*fresh));
    if (r->last == fresh)
        fresh = NULL;
out:
    free(fresh);
    free(cand);
    free(ch);
    free(since);
    free(pick);
    return rc;
}

void reload_free(struct reloader *r)
{
    free(r->last);
    r->last = NULL;
}
