/*
 * main.c -- spanhound-nac BRIDGE [options]: the shared core of the NAC
 * bridges (docs/nac-bridges.md).
 *
 *   - connects with rconn_open (the `redis` group of spanhound.conf, or
 *     --redis / --prefix), reconnecting with backoff;
 *   - creates its consumer group on `{P}:events` if missing (at `$`, or at
 *     0 with --from-start);
 *   - re-processes this consumer's pending entries first, then reads new
 *     ones (XREADGROUP ... BLOCK);
 *   - hands each entry to the bridge and XACKs it only when the bridge
 *     says the NAC accepted it, or that it deliberately does nothing with
 *     it (logged with the reason);
 *   - on a failure the entry stays pending, nothing after it is processed
 *     (order matters: an `infected` must not overtake its `released`), and
 *     the core retries from the pending list after an exponential backoff;
 *   - deduplicates on the entry's `id` field over the last NAC_SEEN ids.
 *
 * --once processes what is there and exits: 0 when everything read was
 * acknowledged, 1 when an entry stays pending or Redis failed.
 */
#include "nac.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "../../feeds/rconn.h"
#include "../../config/config.h"

#define NAC_SEEN 4096
#define NAC_BATCH "100"

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

/* ---- the ids already handled in this run ------------------------------ */

static char *seen[NAC_SEEN];
static size_t seen_next;

static int seen_has(const char *id)
{
    for (size_t i = 0; i < NAC_SEEN; i++)
        if (seen[i] && !strcmp(seen[i], id))
            return 1;
    return 0;
}

static void seen_add(const char *id)
{
    char *c = strdup(id);
    if (!c)
        return;
    free(seen[seen_next]);
    seen[seen_next] = c;
    seen_next = (seen_next + 1) % NAC_SEEN;
}

static void seen_free(void)
{
    for (size_t i = 0; i < NAC_SEEN; i++) {
        free(seen[i]);
        seen[i] = NULL;
    }
}

/* ---- options -------------------------------------------------------------- */

static void usage(FILE *fp)
{
    fprintf(fp,
        "usage: spanhound-nac BRIDGE [options]\n"
        "  BRIDGE: packetfence | forescout | webhook | cef   (docs/nac-bridges.md)\n"
        "stream (docs/nac-feed.md):\n"
        "  -c FILE              spanhound.conf: its `redis` group (server, Sentinel, AUTH, prefix)\n"
        "  --redis ADDR         host:port, [v6]:port or unix:/path (overrides the file)\n"
        "  --prefix P           keys are {P}:... (default spanhound)\n"
        "  --group NAME         consumer group (default nac-BRIDGE)\n"
        "  --consumer NAME      consumer name (default the host name)\n"
        "  --from-start         a new group starts at the stream's first entry, not at its end\n"
        "  --once               process what is there, then exit (tests, cron)\n"
        "  --close-on-clear     lift the quarantine on `cleared` too (default: only `released`)\n"
        "  --backoff-max SEC    longest wait between retries (default 60)\n"
        "  -v                   log every entry handled\n"
        "NAC (HTTP bridges):\n"
        "  --url URL            the NAC's base URL (webhook: the full URL)\n"
        "  --user NAME          API / web service user\n"
        "  --password-file F    its password (first line)\n"
        "  --token-file F       webhook: bearer token (first line)\n"
        "  --hmac-key-file F    webhook: sign the body, X-Spanhound-Signature: sha256=<hex>\n"
        "  --ca FILE            CA bundle for the NAC's certificate\n"
        "  --insecure           do not verify the NAC's certificate\n"
        "  --timeout SEC        per request (default 10)\n"
        "  --security-event ID  packetfence: the security event to apply / close\n"
        "  --property NAME      forescout: the boolean property (default spanhound_infected)\n"
        "  --api-version V      forescout: FSAPI API_VERSION (default 2.0)\n"
        "  --facility NAME      cef: syslog facility (default authpriv)\n"
        "  --file PATH          cef: append to PATH (\"-\" = stdout) instead of syslog\n");
}

static const struct nac_bridge *bridges[] = {
    &nac_packetfence, &nac_forescout, &nac_webhook, &nac_cef,
};

enum {
    O_REDIS = 256, O_PREFIX, O_GROUP, O_CONSUMER, O_FROM_START, O_ONCE, O_CLOSE_ON_CLEAR,
    O_BACKOFF, O_URL, O_USER, O_PWFILE, O_TOKFILE, O_HMACFILE, O_CA, O_INSECURE, O_TIMEOUT,
    O_SECEVENT, O_PROPERTY, O_APIVER, O_FACILITY, O_FILE, O_VERSION,
};

static long parse_num(const char *opt, const char *v, long lo, long hi)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || end == v || *end || n < lo || n > hi) {
        fprintf(stderr, "spanhound-nac: %s: '%s' is not a number from %ld to %ld\n", opt, v, lo, hi);
        exit(2);
    }
    return n;
}

/* ---- the core --------------------------------------------------------------- */

struct core {
    const struct nac_bridge *b;
    struct sh_redis_cfg *rc;
    redisContext *ctx;
    char key[160], group[128], consumer[256];
    int from_start, once;
    int group_lost;               /* connected before: a group recreated now
                                     starts at the first entry */
    long backoff_max;
    unsigned long acked, skipped, failed;
};

static void sleep_ms(long ms)
{
    while (ms > 0 && !stop_flag) {
        long step = ms > 100 ? 100 : ms;
        struct timespec ts = { 0, step * 1000000L };
        nanosleep(&ts, NULL);
        ms -= step;
    }
}

static void disconnect(struct core *c)
{
    if (c->ctx)
        redisFree(c->ctx);
    c->ctx = NULL;
}

/* Connect and make sure the group exists.  0 or -1 (logged). */
static int connect_redis(struct core *c)
{
    char err[512], where[300];
    c->ctx = rconn_open(c->rc, where, sizeof(where), err, sizeof(err));
    if (!c->ctx) {
        nac_log("error", "redis: %s", err);
        return -1;
    }
    /* a group that vanished (FLUSHALL, the stream deleted) comes back at the
     * first entry: what the sensors wrote meanwhile is not skipped */
    int start = c->from_start || c->group_lost;
    const char *argv[] = { "XGROUP", "CREATE", c->key, c->group, start ? "0" : "$",
                           "MKSTREAM" };
    redisReply *r = rconn_cmd(c->ctx, 6, argv, err, sizeof(err));
    if (r) {
        nac_log("info", "created consumer group '%s' on %s at %s", c->group, c->key,
                start ? "the first entry" : "the end of the stream");
        freeReplyObject(r);
    } else if (c->ctx->err || !strstr(err, "BUSYGROUP")) {
        nac_log("error", "redis %s: %s", where, err);
        disconnect(c);
        return -1;
    }
    /* from now on a missing group (FLUSHALL, a Redis restart without
     * persistence: seen as NOGROUP or as a lost connection) comes back at
     * the first entry, whatever sensors wrote while the bridge reconnected */
    c->group_lost = 1;
    if (nac_verbose)
        nac_log("info", "connected to redis %s, group '%s', consumer '%s'", where, c->group,
                c->consumer);
    return 0;
}

static int is_str(const redisReply *r)
{
    return r && (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS) && r->str;
}

static int ack(struct core *c, const char *entry)
{
    char err[512];
    const char *argv[] = { "XACK", c->key, c->group, entry };
    redisReply *r = rconn_cmd(c->ctx, 4, argv, err, sizeof(err));
    if (!r) {
        nac_log("error", "redis: %s (entry %s stays pending)", err, entry);
        return -1;
    }
    freeReplyObject(r);
    return 0;
}

/* Handle one entry.  1 done (acknowledged), 0 keep pending (stop the
 * batch), -1 Redis failed. */
static int handle_entry(struct core *c, const char *entry, const redisReply *fields)
{
    char why[1024] = "", idc[128], evc[32];
    if (!fields || fields->type != REDIS_REPLY_ARRAY) {
        /* a pending entry that was trimmed out of the stream (MAXLEN) */
        nac_log("info", "entry %s: no longer in the stream (trimmed); acknowledged", entry);
        return ack(c, entry) < 0 ? -1 : 1;
    }
    struct nac_event ev = { .entry = entry };
#define GET(f) ev.f = rconn_field(fields, #f); if (!ev.f) ev.f = "";
    NAC_FIELDS(GET)
#undef GET
    nac_clean(ev.id, 80, idc, sizeof(idc));
    nac_clean(ev.event, 20, evc, sizeof(evc));
    if (ev.id[0] && seen_has(ev.id)) {
        nac_log("info", "entry %s id %s: duplicate of an entry already handled; acknowledged",
                entry, idc);
        c->skipped++;
        return ack(c, entry) < 0 ? -1 : 1;
    }
    enum nac_result res;
    if (!nac_valid_ip(ev.ip)) {
        char ipc[64];
        snprintf(why, sizeof(why), "malformed entry: ip '%s' is not an IP address",
                 nac_clean(ev.ip, 40, ipc, sizeof(ipc)));
        res = NAC_SKIPPED;
    } else if (strcmp(ev.event, "infected") && strcmp(ev.event, "updated") &&
               strcmp(ev.event, "cleared") && strcmp(ev.event, "expired") &&
               strcmp(ev.event, "released")) {
        snprintf(why, sizeof(why), "unknown event '%s' (contract version '%.8s')", evc, ev.version);
        res = NAC_SKIPPED;
    } else {
        res = c->b->handle(&ev, why, sizeof(why));
    }
    switch (res) {
    case NAC_ACCEPTED:
        if (nac_verbose)
            nac_log("info", "entry %s id %s %s %s: accepted%s%s", entry, idc, evc, ev.ip,
                    why[0] ? ": " : "", why);
        c->acked++;
        break;
    case NAC_SKIPPED:
        nac_log("info", "entry %s id %s %s %s: not acted on: %s; acknowledged", entry, idc, evc,
                nac_valid_ip(ev.ip) ? ev.ip : "-", why);
        c->skipped++;
        break;
    case NAC_RETRY:
        nac_log("error", "entry %s id %s %s %s: not accepted: %s; stays pending", entry, idc,
                evc, ev.ip, why);
        c->failed++;
        return 0;
    }
    if (ev.id[0])
        seen_add(ev.id);
    return ack(c, entry) < 0 ? -1 : 1;
}

/* One XREADGROUP from `from` ("0"... for the pending list, ">" for new
 * entries).  Returns the number of entries read, -1 Redis failed, -2 an
 * entry stayed pending.  *last receives the last entry id read. */
static int read_batch(struct core *c, const char *from, int block, char *last, size_t lastlen)
{
    char err[512], blk[32];
    long bms = c->rc->command_timeout_ms / 2;
    if (bms > 1000)
        bms = 1000;
    if (bms < 1)
        bms = 1;
    snprintf(blk, sizeof(blk), "%ld", bms);
    const char *argv[] = { "XREADGROUP", "GROUP", c->group, c->consumer, "COUNT", NAC_BATCH,
                           "BLOCK", blk, "STREAMS", c->key, from };
    const char *argv_nb[] = { "XREADGROUP", "GROUP", c->group, c->consumer, "COUNT", NAC_BATCH,
                              "STREAMS", c->key, from };
    redisReply *r = block ? rconn_cmd(c->ctx, 11, argv, err, sizeof(err))
                          : rconn_cmd(c->ctx, 9, argv_nb, err, sizeof(err));
    if (!r) {
        nac_log("error", "redis: %s", err);
        if (strstr(err, "NOGROUP"))      /* the group (or the stream) was deleted */
            disconnect(c);
        return -1;
    }
    int n = 0, rc = 0;
    if (r->type == REDIS_REPLY_NIL) {
        freeReplyObject(r);
        return 0;
    }
    if (r->type != REDIS_REPLY_ARRAY) {
        nac_log("error", "redis: XREADGROUP: unexpected reply type %d", r->type);
        freeReplyObject(r);
        return -1;
    }
    for (size_t s = 0; s < r->elements && rc == 0; s++) {
        const redisReply *st = r->element[s];
        if (st->type != REDIS_REPLY_ARRAY || st->elements != 2 ||
            st->element[1]->type != REDIS_REPLY_ARRAY) {
            nac_log("error", "redis: XREADGROUP: malformed reply");
            rc = -1;
            break;
        }
        const redisReply *entries = st->element[1];
        for (size_t i = 0; i < entries->elements && !stop_flag; i++) {
            const redisReply *e = entries->element[i];
            if (e->type != REDIS_REPLY_ARRAY || e->elements != 2 || !is_str(e->element[0]) ||
                e->element[0]->len >= lastlen) {
                nac_log("error", "redis: XREADGROUP: malformed entry");
                rc = -1;
                break;
            }
            snprintf(last, lastlen, "%s", e->element[0]->str);
            int h = handle_entry(c, e->element[0]->str, e->element[1]);
            if (h < 0) { rc = -1; break; }
            if (h == 0) { rc = -2; break; }
            n++;
        }
    }
    freeReplyObject(r);
    return rc ? rc : n;
}

/* Pending entries first, then new ones.  Returns 0 when the run ends
 * normally (--once: nothing left; else: stop signal), 1 for a --once run
 * that left entries pending or lost Redis. */
static int run(struct core *c)
{
    long backoff = 1000;
    while (!stop_flag) {
        if (!c->ctx && connect_redis(c) < 0) {
            if (c->once)
                return 1;
            nac_log("info", "retrying redis in %ld s", backoff / 1000);
            sleep_ms(backoff);
            backoff = backoff * 2 > c->backoff_max * 1000 ? c->backoff_max * 1000 : backoff * 2;
            continue;
        }
        /* the pending list: what was delivered to us and never acknowledged */
        char cursor[128] = "0";
        int rc = 0;
        for (;;) {
            char last[128] = "";
            int n = read_batch(c, cursor, 0, last, sizeof(last));
            if (n < 0) { rc = n; break; }
            if (n == 0 || stop_flag)
                break;
            backoff = 1000;
            snprintf(cursor, sizeof(cursor), "%s", last);
        }
        /* then new entries, until a failure or the stop signal */
        while (rc == 0 && !stop_flag) {
            char last[128];
            int n = read_batch(c, ">", !c->once, last, sizeof(last));
            if (n < 0) { rc = n; break; }
            if (n == 0 && c->once)
                return 0;
            if (n > 0)
                backoff = 1000;
        }
        if (stop_flag)
            break;
        if (rc == -1 && c->ctx && c->ctx->err)
            disconnect(c);
        if (c->once)
            return 1;
        nac_log("info", "retrying in %ld s", backoff / 1000);
        sleep_ms(backoff);
        backoff = backoff * 2 > c->backoff_max * 1000 ? c->backoff_max * 1000 : backoff * 2;
    }
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option longs[] = {
        { "redis", 1, 0, O_REDIS }, { "prefix", 1, 0, O_PREFIX }, { "group", 1, 0, O_GROUP },
        { "consumer", 1, 0, O_CONSUMER }, { "from-start", 0, 0, O_FROM_START },
        { "once", 0, 0, O_ONCE }, { "close-on-clear", 0, 0, O_CLOSE_ON_CLEAR },
        { "backoff-max", 1, 0, O_BACKOFF }, { "url", 1, 0, O_URL }, { "user", 1, 0, O_USER },
        { "password-file", 1, 0, O_PWFILE }, { "token-file", 1, 0, O_TOKFILE },
        { "hmac-key-file", 1, 0, O_HMACFILE }, { "ca", 1, 0, O_CA },
        { "insecure", 0, 0, O_INSECURE }, { "timeout", 1, 0, O_TIMEOUT },
        { "security-event", 1, 0, O_SECEVENT }, { "property", 1, 0, O_PROPERTY },
        { "api-version", 1, 0, O_APIVER }, { "facility", 1, 0, O_FACILITY },
        { "file", 1, 0, O_FILE }, { "help", 0, 0, 'h' }, { "version", 0, 0, O_VERSION },
        { 0, 0, 0, 0 },
    };
    struct nac_opts o = { .timeout_s = 10, .property = "spanhound_infected",
                          .api_version = "2.0", .facility = "authpriv" };
    const char *conf = NULL, *redis = NULL, *prefix = NULL, *group = NULL, *consumer = NULL;
    int from_start = 0, once = 0;
    long backoff_max = 60;

    if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
        usage(stdout);
        return 0;
    }
    if (argc >= 2 && !strcmp(argv[1], "--version")) {
        printf("spanhound-nac %s\n", SPANHOUND_VERSION);
        return 0;
    }
    if (argc < 2 || argv[1][0] == '-') {
        fprintf(stderr, "spanhound-nac: no bridge named (packetfence, forescout, webhook, cef); "
                        "-h for help\n");
        return 2;
    }
    const struct nac_bridge *b = NULL;
    for (size_t i = 0; i < sizeof(bridges) / sizeof(bridges[0]); i++)
        if (!strcmp(argv[1], bridges[i]->name))
            b = bridges[i];
    if (!b) {
        fprintf(stderr, "spanhound-nac: unknown bridge '%s' (packetfence, forescout, webhook, cef)\n",
                argv[1]);
        return 2;
    }
    o.bridge = b->name;
    optind = 2;
    opterr = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, ":c:vh", longs, NULL)) != -1) {
        switch (opt) {
        case 'c': conf = optarg; break;
        case 'v': o.verbose = 1; break;
        case 'h': usage(stdout); return 0;
        case O_VERSION: printf("spanhound-nac %s\n", SPANHOUND_VERSION); return 0;
        case O_REDIS: redis = optarg; break;
        case O_PREFIX: prefix = optarg; break;
        case O_GROUP: group = optarg; break;
        case O_CONSUMER: consumer = optarg; break;
        case O_FROM_START: from_start = 1; break;
        case O_ONCE: once = 1; break;
        case O_CLOSE_ON_CLEAR: o.close_on_clear = 1; break;
        case O_BACKOFF: backoff_max = parse_num("--backoff-max", optarg, 1, 3600); break;
        case O_URL: o.url = optarg; break;
        case O_USER: o.user = optarg; break;
        case O_PWFILE: o.password_file = optarg; break;
        case O_TOKFILE: o.token_file = optarg; break;
        case O_HMACFILE: o.hmac_key_file = optarg; break;
        case O_CA: o.ca_file = optarg; break;
        case O_INSECURE: o.insecure = 1; break;
        case O_TIMEOUT: o.timeout_s = parse_num("--timeout", optarg, 1, 600); break;
        case O_SECEVENT: o.security_event = optarg; break;
        case O_PROPERTY: o.property = optarg; break;
        case O_APIVER: o.api_version = optarg; break;
        case O_FACILITY: o.facility = optarg; break;
        case O_FILE: o.file = optarg; break;
        case ':':
            fprintf(stderr, "spanhound-nac: %s needs a value\n", argv[optind - 1]);
            return 2;
        default:
            fprintf(stderr, "spanhound-nac: unknown option '%s'; -h for help\n", argv[optind - 1]);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "spanhound-nac: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }
    nac_verbose = o.verbose;

    struct sh_config *cfg = calloc(1, sizeof(*cfg));
    if (!cfg) {
        fprintf(stderr, "spanhound-nac: out of memory\n");
        return 1;
    }
    char err[1024];
    config_defaults(cfg);
    if (conf && config_load(cfg, conf, err, sizeof(err)) < 0) {
        fprintf(stderr, "spanhound-nac: %s\n", err);
        free(cfg);
        return 2;
    }
    if (redis) {
        char h[256];
        int p, u;
        if (rconn_parse_addr(redis, 6379, h, sizeof(h), &p, &u, err, sizeof(err)) < 0) {
            fprintf(stderr, "spanhound-nac: --redis %s\n", err);
            free(cfg);
            return 2;
        }
        snprintf(cfg->redis.server, sizeof(cfg->redis.server), "%s", redis);
        cfg->redis.sentinels[0] = 0;
    }
    if (prefix) {
        if (!*prefix || strlen(prefix) >= sizeof(cfg->redis.prefix) || strpbrk(prefix, "{}")) {
            fprintf(stderr, "spanhound-nac: --prefix: 1 to %zu characters, no braces\n",
                    sizeof(cfg->redis.prefix) - 1);
            free(cfg);
            return 2;
        }
        snprintf(cfg->redis.prefix, sizeof(cfg->redis.prefix), "%s", prefix);
    }

    struct core c = { .b = b, .rc = &cfg->redis, .from_start = from_start, .once = once,
                      .backoff_max = backoff_max };
    rconn_key(&cfg->redis, "events", c.key, sizeof(c.key));
    snprintf(c.group, sizeof(c.group), "%s", group ? group : "");
    if (!group)
        snprintf(c.group, sizeof(c.group), "nac-%s", b->name);
    if (consumer)
        snprintf(c.consumer, sizeof(c.consumer), "%s", consumer);
    else if (gethostname(c.consumer, sizeof(c.consumer) - 1) < 0 || !c.consumer[0])
        snprintf(c.consumer, sizeof(c.consumer), "spanhound-nac");
    if (!c.group[0] || !c.consumer[0]) {
        fprintf(stderr, "spanhound-nac: --group and --consumer must not be empty\n");
        free(cfg);
        return 2;
    }

    openlog("spanhound-nac", LOG_PID, LOG_DAEMON);
    if (b->init(&o, err, sizeof(err)) < 0) {
        fprintf(stderr, "spanhound-nac: %s: %s\n", b->name, err);
        free(cfg);
        return 2;
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    nac_log("info", "%s bridge reading %s as group '%s', consumer '%s'%s", b->name, c.key,
            c.group, c.consumer, once ? " (--once)" : "");
    int rc = run(&c);
    nac_log("info", "%s: %lu accepted, %lu acknowledged without action, %lu failures%s", b->name,
            c.acked, c.skipped, c.failed,
            rc ? "; entries stay pending" : stop_flag ? "; stopped by signal" : "");
    disconnect(&c);
    b->fini();
    seen_free();
    free(cfg);
    closelog();
    return rc;
}
