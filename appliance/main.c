/*
 * main.c -- the spanhound daemon and command line, top to bottom.
 *
 *   1. options and configuration (defaults < config file < command line)
 *   2. the packet source (files replayed in order, or a live interface)
 *   3. the capture thread: source -> pipeline -> events into an SPSC ring
 *      (offline the producer waits when the ring is full, so a replay is
 *      lossless and deterministic; live it drops and counts)
 *   4. this thread consumes events: EVE JSON, the summary, (detectors)
 *   5. end of input: flows flushed, counters (--stats), summary
 *
 * Exit status: 0 ok, 1 runtime failure (unreadable input, write error),
 * 2 bad usage or configuration, 3 verdicts kept in the Redis journal
 * because Redis was unreachable (delivered by the next run or by
 * --flush-journal).
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "../capture/event.h"
#include "../capture/pipeline.h"
#include "../capture/ring.h"
#include "../capture/source.h"
#include "../config/config.h"
#include "../detect/detect.h"
#include "../detect/dga.h"
#include "../detect/params.h"
#include "../feeds/eve.h"
#include "../feeds/export.h"
#include "../feeds/ioc.h"
#include "../feeds/rconn.h"
#include "../feeds/redisfeed.h"
#include "daemon.h"
#include "progress.h"
#include "reload.h"
#include "state.h"
#include "health.h"
#include "summary.h"

#ifndef SPANHOUND_VERSION
#define SPANHOUND_VERSION "0.1.0"
#endif

static volatile sig_atomic_t g_stop;
static volatile sig_atomic_t g_dump_stats;
static volatile sig_atomic_t g_reload;       /* SIGHUP: config, feeds, GeoIP */
static volatile sig_atomic_t g_export;       /* SIGUSR2: --export-iocs now  */

struct app {
    struct sh_config cfg;
    struct source *src;
    struct pipeline *pl;
    struct ring *ring;
    struct eve *eve;
    struct detect *detect;
    struct summary *summary;
    struct redisfeed *feed;
    struct ioc_manager *intel;    /* threat-intelligence feeds (NULL: none) */
    struct app_state *state;      /* host-state snapshots (NULL: none) */
    struct health *health;        /* health.interval reports (NULL: off) */
    uint64_t intel_check_us;      /* next look at the feed files (monotonic) */
    const char *export_path;      /* --export-iocs */
    double pace;                  /* --pace: replay at this many times real time */
    uint64_t pace_ts0, pace_wall0;
    int pace_file;                /* the file pace_ts0 belongs to */
    int live;
    int verbose;
    int want_stats;
    int want_summary;
    /* written by the capture thread, read by detection's health checks */
    _Atomic uint64_t ring_dropped, kernel_dropped, captured;
    int source_status;
    FILE *log;
    struct progress progress;     /* replay progress line (fp NULL: none) */
    unsigned progress_n;
    struct reloader reload;       /* SIGHUP: the -c file again (reload.h) */
};

static void usage(FILE *fp)
{
    fprintf(fp,
"usage: spanhound -r FILE [-r FILE ...] | -i IFACE  [options]\n"
"\n"
"Finds infected endpoints from a mirrored (SPAN) port.\n"
"\n"
"input\n"
"  -r FILE              read a pcap/pcapng file; several replay in order as one capture\n"
"  -i IFACE             capture live (promiscuous, immediate mode); repeat -i for several\n"
"                       interfaces into one host table (capture.interface = \"eth1,eth2\")\n"
"  --user NAME          as root, drop to this user after opening the interfaces\n"
"                       (daemon.user; \"\" stays root)\n"
"  -f 'BPF'             only packets matching this filter\n"
"configuration\n"
"  -c FILE              configuration file (libconfig; see config/spanhound.conf);\n"
"                       SIGHUP re-reads it (what changes live: docs/appliance.md)\n"
"  --home-net CIDRS     internal networks, comma separated (replaces the configured ones)\n"
"  --print-config       print the effective configuration and exit\n"
"analysis\n"
"  --score-names FILE|- score DNS names, one per line: prints score<TAB>verdict<TAB>name\n"
"                       (verdict 1 = DGA-like; score -1 = not a scorable DNS name)\n"
"output\n"
"  --eve FILE|-         write EVE JSON lines (Suricata's format) to FILE or stdout\n"
"  --redis HOST:PORT|unix:PATH\n"
"                       publish verdicts to the Redis NAC feed (docs/nac-feed.md)\n"
"  --no-redis           no Redis feed, whatever the configuration says\n"
"  --journal FILE       the feed's on-disk journal (redis.journal)\n"
"  --sensor NAME        this sensor's name in the feed (redis.sensor)\n"
"  --flush-journal      deliver the journal an earlier run left (Redis was down) and exit\n"
"  --pace N             replay files at N times real time (1 = as recorded)\n"
"  --progress, --no-progress\n"
"                       a replay's progress line on stderr (default: when a terminal)\n"
"  --state-dir DIR      keep host state (verdicts, evidence) in DIR/hosts.snapshot across\n"
"                       restarts (state.dir; docs/appliance.md)\n"
"  --export-iocs FILE   write the indicators learnt from convicted hosts as a STIX 2.1\n"
"                       bundle FILE and plain lists FILE.<type>.txt at the end (and on\n"
"                       SIGUSR2 when live); SIGHUP re-reads the feeds (docs/feeds.md)\n"
"  --summary            print a human summary at the end\n"
"  --stats              print counters at the end (and on SIGUSR1 when live)\n"
"                       (SIGHUP re-opens the GeoIP databases: docs/geoip.md)\n"
"  -v                   more messages\n"
"  -h, --help           this help\n"
"  --version            print the version\n"
"\n"
"exit status: 0 ok, 1 runtime failure, 2 bad usage or configuration,\n"
"             3 verdicts kept in the journal (Redis unreachable; see --flush-journal)\n");
}

static void on_signal(int sig)
{
    if (sig == SIGUSR1)
        g_dump_stats = 1;
    else if (sig == SIGHUP)
        g_reload = 1;
    else if (sig == SIGUSR2)
        g_export = 1;
    else
        g_stop = 1;
}

/* stderr-like FILE that writes each line to syslog */
static ssize_t syslog_write(void *c, const char *buf, size_t n)
{
    (void)c;
    syslog(LOG_NOTICE, "%.*s", (int)(n && buf[n - 1] == '\n' ? n - 1 : n), buf);
    return (ssize_t)n;
}

static FILE *open_log(int use_syslog)
{
    if (!use_syslog)
        return stderr;
    cookie_io_functions_t io = { NULL, syslog_write, NULL, NULL };
    openlog("spanhound", LOG_PID, LOG_DAEMON);
    FILE *fp = fopencookie(NULL, "w", io);
    if (!fp)
        return stderr;
    setvbuf(fp, NULL, _IOLBF, 0);
    return fp;
}

/* ---- capture thread ----------------------------------------------- */

static void push_event(void *ctx, const struct sh_event *ev)
{
    struct app *a = ctx;
    void *slot = a->live ? ring_reserve(a->ring) : ring_reserve_wait(a->ring);
    if (!slot) {
        atomic_fetch_add_explicit(&a->ring_dropped, 1, memory_order_relaxed);
        return;
    }
    memcpy(slot, ev, offsetof(struct sh_event, arena) + ev->arena_len);
    ring_commit(a->ring);
}

static uint64_t mono_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000 + (uint64_t)t.tv_nsec / 1000;
}

/* the replay's progress line, checked every 64 packets (and while pacing) */
static void show_progress(struct app *a)
{
    uint64_t el;
    if (!progress_due(&a->progress, &el))
        return;
    struct source_position pos;
    struct source_stats ss;
    source_get_position(a->src, &pos);
    source_get_stats(a->src, &ss);
    struct progress_sample ps = { pos.file, pos.nfiles, ss.packets, pos.bytes_done,
                                  pos.bytes_total, (double)el / 1e6 };
    progress_update(&a->progress, &ps, 0);
}

/* --pace: hold each packet until its time, scaled, has come */
static void pace_wait(struct app *a, uint64_t ts)
{
    /* each file is paced on its own clock, the files back to back (the
     * days between two recordings are not waited for) */
    struct source_position pos;
    source_get_position(a->src, &pos);
    if (pos.file != a->pace_file) {
        a->pace_file = pos.file;
        a->pace_wall0 = 0;
    }
    if (!a->pace_wall0) {
        a->pace_ts0 = ts;
        a->pace_wall0 = mono_us();
        return;
    }
    if (ts <= a->pace_ts0)
        return;
    uint64_t due = a->pace_wall0 + (uint64_t)((double)(ts - a->pace_ts0) / a->pace);
    for (uint64_t now = mono_us(); now < due && !g_stop; now = mono_us()) {
        uint64_t d = due - now > 100000 ? 100000 : due - now;
        struct timespec t = { 0, (long)d * 1000 };
        nanosleep(&t, NULL);
        daemon_heartbeat();        /* waiting for a packet's time is alive */
        pipeline_tick(a->pl, ts);
        if (a->progress.fp)
            show_progress(a);
    }
}

static void on_packet(void *ctx, int dlt, uint64_t ts, const uint8_t *data,
                      uint32_t caplen, uint32_t wirelen)
{
    struct app *a = ctx;
    if (a->pace > 0)
        pace_wait(a, ts);
    health_packet(a->health, ts);     /* a replay's report marker */
    if ((++a->progress_n & 63) == 0) {
        if (a->progress.fp)
            show_progress(a);
        if (!a->live)
            daemon_heartbeat();    /* live: from on_idle, packets or not */
    }
    pipeline_packet(a->pl, dlt, ts, data, caplen, wirelen);
}

static void on_idle(void *ctx, uint64_t now)
{
    struct app *a = ctx;
    struct source_stats ss;
    daemon_heartbeat();            /* the watchdog: the capture thread is alive */
    pipeline_tick(a->pl, now);
    /* live only (every 100 ms): the kernel's counters, for the health checks */
    source_get_stats(a->src, &ss);
    atomic_store_explicit(&a->kernel_dropped, ss.kernel_dropped + ss.iface_dropped,
                          memory_order_relaxed);
    atomic_store_explicit(&a->captured, ss.packets, memory_order_relaxed);
    for (int i = 0, n = source_iface_count(a->src); i < n; i++) {
        struct source_stats is;
        source_get_iface_stats(a->src, i, &is);      /* per interface, as named */
        health_capture_stats(a->health, i, &is);
        health_iface_state(a->health, i, source_iface_state(a->src, i));
    }
}

static void *capture_thread(void *arg)
{
    struct app *a = arg;
    pthread_setname_np(pthread_self(), "sh-capture");
    /* SIGHUP/SIGUSR1/SIGUSR2 go to the consumer: never interrupt a read here */
    sigset_t ss;
    sigemptyset(&ss);
    sigaddset(&ss, SIGHUP);
    sigaddset(&ss, SIGUSR1);
    sigaddset(&ss, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &ss, NULL);
    a->source_status = source_run(a->src, on_packet, on_idle, a, &g_stop, a->log);
    progress_end(&a->progress);
    pipeline_finish(a->pl);
    ring_close(a->ring);
    return NULL;
}

/* ---- consumer ----------------------------------------------------- */

static void print_stats(struct app *a, FILE *fp)
{
    struct source_stats ss;
    struct eve_stats es;

    source_get_stats(a->src, &ss);
    fprintf(fp, "%-36s %llu\n", "source.packets", (unsigned long long)ss.packets);
    fprintf(fp, "%-36s %llu\n", "source.files_ok", (unsigned long long)ss.files_ok);
    fprintf(fp, "%-36s %llu\n", "source.files_failed", (unsigned long long)ss.files_failed);
    fprintf(fp, "%-36s %llu\n", "source.files_truncated", (unsigned long long)ss.files_truncated);
    if (a->live) {
        fprintf(fp, "%-36s %llu\n", "source.kernel_received", (unsigned long long)ss.kernel_received);
        fprintf(fp, "%-36s %llu\n", "source.kernel_dropped", (unsigned long long)ss.kernel_dropped);
        fprintf(fp, "%-36s %llu\n", "source.iface_dropped", (unsigned long long)ss.iface_dropped);
        fprintf(fp, "%-36s %llu\n", "source.links_down", (unsigned long long)ss.links_down);
        for (int i = 0, n = source_iface_count(a->src); n > 1 && i < n; i++) {
            struct source_stats is;
            char k[3][96];
            const char *nm = source_iface_name(a->src, i);
            source_get_iface_stats(a->src, i, &is);
            snprintf(k[0], sizeof(k[0]), "source.%s.kernel_received", nm);
            snprintf(k[1], sizeof(k[1]), "source.%s.kernel_dropped", nm);
            snprintf(k[2], sizeof(k[2]), "source.%s.iface_dropped", nm);
            fprintf(fp, "%-36s %llu\n", k[0], (unsigned long long)is.kernel_received);
            fprintf(fp, "%-36s %llu\n", k[1], (unsigned long long)is.kernel_dropped);
            fprintf(fp, "%-36s %llu\n", k[2], (unsigned long long)is.iface_dropped);
        }
    }
    pipeline_print_stats(a->pl, fp);
    if (a->detect)
        detect_print_stats(a->detect, fp);
    if (a->feed)
        redisfeed_print_stats(a->feed, fp);
    app_state_print_stats(a->state, fp);
    ioc_manager_print_stats(a->intel, fp);
    fprintf(fp, "%-36s %llu\n", "events.dropped_ring_full",
            (unsigned long long)atomic_load(&a->ring_dropped));
    if (a->eve) {
        eve_get_stats(a->eve, &es);
        fprintf(fp, "%-36s %llu\n", "eve.written", (unsigned long long)es.written);
        fprintf(fp, "%-36s %llu\n", "eve.dropped_too_large", (unsigned long long)es.dropped_overflow);
        fprintf(fp, "%-36s %llu\n", "eve.write_errors", (unsigned long long)es.write_errors);
    }
    health_print_stats(a->health, fp);
}

/* Operator control from the NAC feed, on this (the detection) thread. */
static void op_release(void *ctx, const char *target, const char *by)
{
    struct app *a = ctx;
    int n = detect_release(a->detect, target, by);
    fprintf(a->log, "spanhound: operator %s released %s: %d host%s reset\n", by, target,
            n < 0 ? 0 : n, n == 1 ? "" : "s");
}

static void op_allow(void *ctx, const char *const *targets, int n)
{
    struct app *a = ctx;
    detect_operator_allow(a->detect, targets, n);
}

/* ---- threat intelligence: feeds in, learnt indicators out ---------- */

static void intel_install(void *ctx, struct ioc_db *db)
{
    struct app *a = ctx;
    detect_set_intel(a->detect, ioc_lookup, db);
}

/* The time of the first packet of a capture file (0 when it has none or
 * cannot be read: the source reports that itself). */
static int64_t first_packet_time(const char *path)
{
    char err[PCAP_ERRBUF_SIZE];
    struct stat st;
    if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
        return 0;                    /* a pipe or FIFO is read once, by the source */
    pcap_t *p = pcap_open_offline(path, err);
    if (!p)
        return 0;
    struct pcap_pkthdr *h;
    const u_char *d;
    int64_t t = pcap_next_ex(p, &h, &d) == 1 ? (int64_t)h->ts.tv_sec : 0;
    pcap_close(p);
    return t;
}

/* Loads the configured feeds and hands the lookup to the engine.  A
 * replay judges a STIX indicator's validity (valid_until) at the capture's
 * first packet, as a sensor that saw the traffic live would have; a live
 * sensor at the clock. */
static int intel_start(struct app *a, const char *first_file)
{
    struct ioc_feed_def defs[CFG_FEEDS_MAX];
    int n = a->cfg.feeds.n;
    if (n == 0)
        return 0;
    if (feed_defs_from_config(&a->cfg, defs, a->log, "") < 0)
        return -1;
    a->intel = ioc_manager_create(defs, n, a->log);
    if (!a->intel) {
        fprintf(a->log, "spanhound: feeds: out of memory\n");
        return -1;
    }
    if (first_file) {
        int64_t t = first_packet_time(first_file);
        if (t > 0)
            ioc_manager_set_now(a->intel, t);
    }
    ioc_manager_load(a->intel);      /* an unreadable feed is logged and stays empty */
    intel_install(a, ioc_manager_db(a->intel));
    a->intel_check_us = mono_us() + (uint64_t)a->cfg.feeds_check_interval * 1000000;
    return 0;
}

/* Between two events: start a reload on SIGHUP or when a feed file
 * changed, and install a rebuilt set once it is ready (the lookup keeps
 * answering from the old one meanwhile; host state is untouched). */
static void intel_poll(struct app *a, int hup)
{
    if (!a->intel)
        return;
    if (hup) {
        fprintf(a->log, "spanhound: SIGHUP: re-reading %d feed%s\n", a->cfg.feeds.n,
                a->cfg.feeds.n == 1 ? "" : "s");
        ioc_manager_reload_start(a->intel, 1);
    } else if (a->cfg.feeds_check_interval) {
        uint64_t now = mono_us();
        if (now >= a->intel_check_us) {
            a->intel_check_us = now + (uint64_t)a->cfg.feeds_check_interval * 1000000;
            ioc_manager_reload_start(a->intel, 0);
        }
    }
    ioc_manager_swap(a->intel, intel_install, a);
}

struct learnt_buf {
    struct learned_ioc *v;
    int n, cap;
};

static void collect_learnt(void *ctx, const struct learned_ioc *l)
{
    struct learnt_buf *b = ctx;
    if (b->n == b->cap) {
        int cap = b->cap ? b->cap * 2 : 256;
        struct learned_ioc *v = realloc(b->v, (size_t)cap * sizeof(*v));
        if (!v)
            return;
        b->v = v;
        b->cap = cap;
    }
    b->v[b->n++] = *l;
}

/* --export-iocs: what the engine learnt, as STIX 2.1 and plain lists */
static int export_iocs(struct app *a)
{
    struct learnt_buf b = { NULL, 0, 0 };
    char err[512];
    if (!a->export_path || !a->detect)
        return 0;
    detect_learned_iocs(a->detect, collect_learnt, &b);
    int rc = ioc_export(a->export_path, b.v, b.n, err, sizeof(err));
    if (rc < 0)
        fprintf(a->log, "spanhound: --export-iocs: %s\n", err);
    else
        fprintf(a->log, "spanhound: exported %d learnt indicator%s to %s\n", b.n,
                b.n == 1 ? "" : "s", a->export_path);
    free(b.v);
    return rc;
}

/* systemd's STATUS= line */
static void status_line(void *ctx, char *buf, size_t len)
{
    struct app *a = ctx;
    snprintf(buf, len, "%s%s: %llu pkts, %ld host%s flagged", a->live ? "capturing on " : "replaying",
             a->live ? a->cfg.interface : "", (unsigned long long)atomic_load(&a->captured),
             daemon_flagged(), daemon_flagged() == 1 ? "" : "s");
}

static int consume(struct app *a)
{
    const struct sh_event *ev;
    int status = 0;

    for (;;) {
        int closed;
        daemon_tick(status_line, a);
        if (g_stop)
            daemon_notify_stopping();
        if (g_dump_stats) {
            g_dump_stats = 0;
            print_stats(a, a->log);
        }
        int hup = g_reload != 0;   /* SIGHUP: the configuration, GeoIP, the feeds */
        if (hup) {
            g_reload = 0;
            daemon_notify_reloading();
            if (reload_run(&a->reload) >= 0) {
                a->intel_check_us = mono_us() + (uint64_t)a->cfg.feeds_check_interval * 1000000;
                /* the live settings the consumer loop's own parts read */
                a->state = app_state_reconfigure(a->state, &a->cfg, a->detect, a->log);
                health_reconfigure(a->health, &a->cfg);
                daemon_log_set_limit(a->cfg.log_repeat_limit);
            }
            if (a->detect)
                fprintf(a->log, "spanhound: %s\n", detect_geo_reload(a->detect));
        }
        redisfeed_control(a->feed, op_release, op_allow, a);
        app_state_tick(a->state, a->detect);
        intel_poll(a, hup);
        if (hup)
            daemon_notify_ready();
        if (g_export) {
            g_export = 0;
            export_iocs(a);
        }
        ev = ring_peek_timeout(a->ring, 100000, &closed);
        if (!ev) {
            if (closed)
                break;
            eve_flush(a->eve);     /* idle: let tail -f readers see it */
            health_poll(a->health);
            continue;
        }
        if (health_event(a->health, ev)) {   /* a replay's report marker */
            ring_release(a->ring);
            continue;
        }
        if (a->eve && eve_write_event(a->eve, ev) < 0)
            status = 1;
        if (a->detect) {
            if (a->live)
                detect_capture_counters(a->detect, atomic_load(&a->captured),
                                        atomic_load(&a->kernel_dropped),
                                        atomic_load(&a->ring_dropped));
            detect_event(a->detect, ev);
        }
        if (a->summary)
            summary_event(a->summary, ev);
        health_poll(a->health);
        ring_release(a->ring);
    }
    return status;
}

/* ---- options ------------------------------------------------------ */

enum {
    OPT_EVE = 1000, OPT_HOME_NET, OPT_STATS, OPT_VERSION, OPT_PRINT_CONFIG,
    OPT_SUMMARY, OPT_SCORE_NAMES, OPT_REDIS, OPT_NO_REDIS, OPT_JOURNAL, OPT_SENSOR,
    OPT_FLUSH_JOURNAL, OPT_PACE, OPT_EXPORT_IOCS, OPT_USER, OPT_PROGRESS, OPT_NO_PROGRESS,
    OPT_STATE_DIR,
};

/* The MAC column: the one to act on, or why there is none. */
static void mac_text(const struct verdict *v, char *buf, size_t len)
{
    eve_verdict_mac(v, buf, len);
    if (buf[0])
        return;
    snprintf(buf, len, "%s", v->mac_status == MACST_CONFLICT ? "(conflict)" :
                             v->mac_status == MACST_ROUTED ? "(routed)" : "unknown");
}

static void on_verdict(void *ctx, const struct verdict *v)
{
    struct app *a = ctx;
    char ip[64], mac[32];
    if (a->eve)
        eve_write_verdict(a->eve, v);
    redisfeed_verdict(a->feed, v);
    daemon_note_flagged(v->change == VERDICT_INFECTED ? 1 :
                        v->change == VERDICT_CLEARED || v->change == VERDICT_EXPIRED ||
                        v->change == VERDICT_RELEASED ? -1 : 0);
    app_state_verdict(a->state, v->change);
    if (v->change == VERDICT_INFECTED || v->change == VERDICT_CLEARED ||
        v->change == VERDICT_EXPIRED || v->change == VERDICT_RELEASED) {
        if (!a->verbose && v->change != VERDICT_EXPIRED && !a->live)
            return;
        addr_format(&v->ip, ip, sizeof(ip));
        mac_text(v, mac, sizeof(mac));
        /* never rate-limited (kind NULL); the explanation carries names
         * from the wire: daemon_log keeps it one line */
        daemon_log(v->change == VERDICT_INFECTED ? DLOG_WARNING : DLOG_NOTICE, NULL,
                   "host %s (mac %s) %s, score %.2f%s%s", ip, mac,
                v->change == VERDICT_INFECTED ? "INFECTED" :
                v->change == VERDICT_CLEARED ? "cleared" :
                v->change == VERDICT_RELEASED ? "released by the operator" :
                "no longer tracked (expired)",
                v->score, v->nev ? ": " : "", v->nev ? v->ev[0].explanation : "");
    }
}

static void on_notice(void *ctx, const struct detect_notice *n)
{
    struct app *a = ctx;
    char ip[64];
    if (a->eve)
        eve_write_notice(a->eve, n);
    switch (n->kind) {
    case NOTICE_RESOLVER_BLIND:
    case NOTICE_SPOOFED_SOURCE:
        daemon_log(DLOG_WARNING, n->kind == NOTICE_RESOLVER_BLIND ? "resolver-blind" :
                   "spoofed-source", "%s", n->explanation);
        break;
    case NOTICE_HEALTH:
        if (health_notice(a->health, n))   /* drops: the health module's lines */
            break;
        if (!n->degraded) {
            daemon_log(DLOG_NOTICE, "health-ok", "sensor health ok again");
            break;
        }
        for (int i = 0; i < n->nreasons; i++) {
            char kind[RL_KIND_LEN];
            snprintf(kind, sizeof(kind), "health:%s", n->reasons[i].check);
            daemon_log(DLOG_WARNING, kind, "sensor degraded (%s): %s", n->reasons[i].check,
                       n->reasons[i].detail);
        }
        break;
    case NOTICE_PREFIX:
        addr_format(&n->prefix, ip, sizeof(ip));
        /* rate-limited: a forged Router Advertisement per packet, each
         * with a new prefix, was a log line per packet */
        if (a->verbose || a->live)
            daemon_log(DLOG_NOTICE, "prefix", "learned on-link prefix %s/%u from %s", ip,
                       n->prefix_len, n->source);
        break;
    }
}

static void print_detect_params(void *ctx, FILE *fp, int indent)
{
    params_print(ctx, fp, indent);
}

/* --score-names: one name per line in, score<TAB>verdict<TAB>name out */
static int score_names(const struct sh_config *cfg, const char *path)
{
    char err[512], line[1024];
    struct detect *d = detect_create(cfg, NULL, NULL, err, sizeof(err));
    if (!d) {
        fprintf(stderr, "spanhound: %s\n", err);
        return 1;
    }
    FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (!in) {
        fprintf(stderr, "spanhound: %s: cannot read\n", path);
        detect_destroy(d);
        return 1;
    }
    double thr = detect_dga_threshold(d);
    while (fgets(line, sizeof(line), in)) {
        size_t n = strcspn(line, "\r\n");
        line[n] = '\0';
        if (n == 0 || line[0] == '#')
            continue;
        struct dga_verdict v;
        if (dga_score(detect_dga(d), line, n, &v) < 0)
            printf("-1\t0\t%s\n", line);
        else
            printf("%.4f\t%d\t%s\n", v.score, v.score >= thr, line);
    }
    if (in != stdin)
        fclose(in);
    detect_destroy(d);
    return 0;
}

/* End of an offline replay: one "current" record per host holding
 * evidence, so a reader of EVE alone sees every suspect, flagged or not. */
static void write_current(struct app *a)
{
    enum { MAXV = 4096 };
    static struct verdict v[MAXV];
    if (!a->eve)
        return;
    int n = detect_hosts(a->detect, v, MAXV);
    for (int i = 0; i < n; i++)
        eve_write_verdict(a->eve, &v[i]);
}

static void print_verdict_table(struct app *a, FILE *fp)
{
    enum { MAXV = 64 };
    static struct verdict v[MAXV];
    int n = detect_hosts(a->detect, v, MAXV);
    int flagged = 0;
    for (int i = 0; i < n; i++)
        flagged += v[i].flagged;
    fprintf(fp, "\n== host verdicts: %d infected, %d more with evidence ==\n", flagged, n - flagged);
    if (!n) {
        fprintf(fp, "no host raised evidence\n");
        return;
    }
    fprintf(fp, "%-16s %-17s %-16s %-9s %6s  %s\n", "HOST", "MAC", "HOSTNAME", "VERDICT",
            "SCORE", "EVIDENCE (kind, confidence: explanation)");
    for (int i = 0; i < n; i++) {
        char ip[64], mac[32];
        addr_format(&v[i].ip, ip, sizeof(ip));
        mac_text(&v[i], mac, sizeof(mac));
        for (int k = 0; k < v[i].nev || k == 0; k++) {
            if (k == 0)
                fprintf(fp, "%-16s %-17s %-16.16s %-9s %6.2f  ", ip, mac,
                        v[i].hostname[0] ? v[i].hostname : "-",
                        v[i].flagged ? "INFECTED" : "suspect", v[i].score);
            else
                fprintf(fp, "%-16s %-17s %-16s %-9s %6s  ", "", "", "", "", "");
            if (k < v[i].nev)
                fprintf(fp, "%s %.2f: %s\n", evidence_kind_name(v[i].ev[k].kind),
                        v[i].ev[k].confidence, v[i].ev[k].explanation);
            else
                fprintf(fp, "\n");
        }
    }
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "eve", required_argument, NULL, OPT_EVE },
        { "home-net", required_argument, NULL, OPT_HOME_NET },
        { "stats", no_argument, NULL, OPT_STATS },
        { "summary", no_argument, NULL, OPT_SUMMARY },
        { "version", no_argument, NULL, OPT_VERSION },
        { "print-config", no_argument, NULL, OPT_PRINT_CONFIG },
        { "score-names", required_argument, NULL, OPT_SCORE_NAMES },
        { "redis", required_argument, NULL, OPT_REDIS },
        { "no-redis", no_argument, NULL, OPT_NO_REDIS },
        { "journal", required_argument, NULL, OPT_JOURNAL },
        { "sensor", required_argument, NULL, OPT_SENSOR },
        { "flush-journal", no_argument, NULL, OPT_FLUSH_JOURNAL },
        { "pace", required_argument, NULL, OPT_PACE },
        { "export-iocs", required_argument, NULL, OPT_EXPORT_IOCS },
        { "user", required_argument, NULL, OPT_USER },
        { "progress", no_argument, NULL, OPT_PROGRESS },
        { "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
        { "state-dir", required_argument, NULL, OPT_STATE_DIR },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    static struct app app;            /* large (config tables): not on stack */
    struct app *a = &app;
    struct source_cfg sc;
    const char *cfg_path = NULL, *iface = NULL, *bpf = NULL, *eve_path = NULL;
    const char *home_net = NULL, *score_path = NULL;
    const char *redis_addr = NULL, *journal = NULL, *sensor = NULL, *state_dir = NULL;
    int print_cfg = 0, no_redis = 0, flush_journal = 0;
    int progress = -1;                /* -1: when stderr is a terminal */
    const char *user = NULL;
    static char ifaces[CFG_STR_MAX];  /* -i, repeated: joined with commas */
    struct cli_overrides ov;
    char err[1024];
    int c, status = 0, redis_left = 0;

    memset(&sc, 0, sizeof(sc));
    a->log = stderr;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":r:i:f:c:vh", longopts, NULL)) != -1) {
        switch (c) {
        case 'r':
            if (sc.nfiles >= SOURCE_MAX_FILES) {
                fprintf(stderr, "spanhound: at most %d files\n", SOURCE_MAX_FILES);
                return 2;
            }
            sc.files[sc.nfiles++] = optarg;
            break;
        case 'i':
            if (strlen(ifaces) + strlen(optarg) + 2 > sizeof(ifaces)) {
                fprintf(stderr, "spanhound: -i: too many interfaces\n");
                return 2;
            }
            if (ifaces[0])
                strcat(ifaces, ",");
            strcat(ifaces, optarg);
            iface = ifaces;
            break;
        case OPT_USER: user = optarg; break;
        case OPT_PROGRESS: progress = 1; break;
        case OPT_NO_PROGRESS: progress = 0; break;
        case 'f': bpf = optarg; break;
        case 'c': cfg_path = optarg; break;
        case 'v': a->verbose++; break;
        case 'h': usage(stdout); return 0;
        case OPT_EVE: eve_path = optarg; break;
        case OPT_HOME_NET: home_net = optarg; break;
        case OPT_STATS: a->want_stats = 1; break;
        case OPT_SUMMARY: a->want_summary = 1; break;
        case OPT_PRINT_CONFIG: print_cfg = 1; break;
        case OPT_SCORE_NAMES: score_path = optarg; break;
        case OPT_REDIS: redis_addr = optarg; break;
        case OPT_NO_REDIS: no_redis = 1; break;
        case OPT_JOURNAL: journal = optarg; break;
        case OPT_SENSOR: sensor = optarg; break;
        case OPT_FLUSH_JOURNAL: flush_journal = 1; break;
        case OPT_EXPORT_IOCS: a->export_path = optarg; break;
        case OPT_STATE_DIR: state_dir = optarg; break;
        case OPT_PACE: {
            char *end;
            a->pace = strtod(optarg, &end);
            if (*end || !(a->pace > 0) || a->pace > 1e6) {
                fprintf(stderr, "spanhound: --pace '%s': a speed factor above 0 (1 = real time)\n",
                        optarg);
                return 2;
            }
            break;
        }
        case OPT_VERSION:
            printf("spanhound %s\n", SPANHOUND_VERSION);
            return 0;
        case ':':
            fprintf(stderr, "spanhound: option '%s' needs a value\n", argv[optind - 1]);
            usage(stderr);
            return 2;
        default:
            fprintf(stderr, "spanhound: unknown option '%s'\n", argv[optind - 1]);
            usage(stderr);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "spanhound: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        return 2;
    }
    /* 1. configuration: defaults, file, command line */
    config_defaults(&a->cfg);
    if (cfg_path && config_load(&a->cfg, cfg_path, err, sizeof(err)) < 0) {
        fprintf(stderr, "spanhound: %s\n", err);
        return 2;
    }
    /* the same function applies them again at every SIGHUP (reload.c) */
    ov = (struct cli_overrides){ home_net, bpf, iface, eve_path, redis_addr, journal, sensor,
                                 no_redis, user, state_dir };
    if (cli_overrides_apply(&a->cfg, &ov, err, sizeof(err)) < 0) {
        fprintf(stderr, "spanhound: %s\n", err);
        return 2;
    }
    if (flush_journal) {
        long left = redisfeed_flush_journal(&a->cfg.redis, SPANHOUND_VERSION, stderr, err,
                                            sizeof(err));
        if (left == -2) {
            fprintf(stderr, "spanhound: --flush-journal: Redis unreachable: %s; the journal "
                    "%s is kept\n", err, a->cfg.redis.journal);
            return 3;
        }
        if (left < 0) {
            fprintf(stderr, "spanhound: --flush-journal: %s\n", err[0] ? err : "journal error");
            return 1;
        }
        if (left > 0) {
            fprintf(stderr, "spanhound: --flush-journal: %ld verdict events still in %s\n", left,
                    a->cfg.redis.journal);
            return 3;
        }
        fprintf(stderr, "spanhound: --flush-journal: the journal %s is delivered\n",
                a->cfg.redis.journal);
        return 0;
    }
    {
        struct detect_params dp;
        if (detect_params_from_config(&a->cfg, &dp, err, sizeof(err)) < 0) {
            fprintf(stderr, "spanhound: %s\n", err);
            return 2;
        }
        if (print_cfg) {
            config_print(&a->cfg, stdout, print_detect_params, &dp);
            return 0;
        }
    }
    if (score_path)
        return score_names(&a->cfg, score_path);
    if (sc.nfiles && iface) {
        fprintf(stderr, "spanhound: give either -r or -i, not both\n");
        return 2;
    }
    if (!sc.nfiles && !a->cfg.interface[0]) {
        fprintf(stderr, "spanhound: no input: give -r FILE or -i INTERFACE\n");
        usage(stderr);
        return 2;
    }
    /* the handlers before any startup work: a SIGHUP or SIGTERM while the
     * interfaces open, the feeds load or Redis is tried must not kill the
     * process (a stop requested then ends the run as soon as it starts);
     * after the one-shot modes above, which Ctrl-C still simply ends */
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGUSR2, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    a->log = open_log(a->cfg.log_syslog);
    daemon_log_setup(a->log, a->cfg.log_repeat_limit, a->cfg.log_syslog);
    daemon_notify_init();

    /* 2. source */
    sc.iface = sc.nfiles ? NULL : a->cfg.interface;
    sc.snaplen = a->cfg.snaplen;
    sc.buffer_mb = a->cfg.buffer_mb;
    sc.promisc = a->cfg.promiscuous;
    sc.bpf = a->cfg.bpf;
    a->src = source_open(&sc, err, sizeof(err));
    if (!a->src) {
        fprintf(a->log, "spanhound: %s\n", err);
        return strstr(err, "BPF") ? 2 : 1;
    }
    a->live = source_is_live(a->src);

    /* 3. pipeline and ring */
    a->pl = pipeline_create(&a->cfg.pipe, push_event, a, err, sizeof(err));
    if (!a->pl) {
        fprintf(a->log, "spanhound: %s\n", err);
        source_close(a->src);
        return 1;
    }
    a->ring = ring_create(a->cfg.ring_slots, sizeof(struct sh_event), err, sizeof(err));
    if (!a->ring) {
        fprintf(a->log, "spanhound: %s\n", err);
        status = 1;
        goto out;
    }

    /* 4. outputs */
    if (a->cfg.eve_file[0]) {
        a->eve = eve_open(a->cfg.eve_file, a->cfg.eve_flow, a->cfg.eve_arp,
                          err, sizeof(err));
        if (!a->eve) {
            fprintf(a->log, "spanhound: %s\n", err);
            status = 1;
            goto out;
        }
        eve_set_extended(a->eve, a->cfg.eve_extended);
    }
    /* least privilege: the interfaces (and EVE) are open, no packet parsed
     * yet, no other thread started; what opens later (feeds, GeoIP, the
     * Redis journal) opens as the user, as it will on a reload */
    if (a->live) {
        char msg[512];
        int rc = daemon_drop_privileges(a->cfg.daemon_user, a->cfg.daemon_keep_net_raw, msg,
                                        sizeof(msg), err, sizeof(err));
        if (rc < 0) {
            fprintf(a->log, "spanhound: %s\n", err);
            status = rc == -2 ? 2 : 1;
            goto out;
        }
        fprintf(a->log, "spanhound: %s\n", msg);
    }
    if (a->want_summary)
        a->summary = summary_create(&a->cfg.home_net);
    a->detect = detect_create(&a->cfg, on_verdict, a, err, sizeof(err));
    if (!a->detect) {
        fprintf(a->log, "spanhound: %s\n", err);
        status = 1;
        goto out;
    }
    detect_on_notice(a->detect, on_notice, a);
    a->state = app_state_open(&a->cfg, a->log);
    detect_restore_mode(a->detect, a->live, a->log);   /* live: downtime does not count */
    app_state_load(a->state, a->detect);     /* before the first packet, announcing nothing */
    fprintf(a->log, "spanhound: %s\n", detect_geo_note(a->detect));
    if (intel_start(a, sc.nfiles ? sc.files[0] : NULL) < 0) {
        status = 1;
        goto out;
    }
    if (a->cfg.redis.enabled) {
        a->feed = redisfeed_open(&a->cfg.redis, SPANHOUND_VERSION, a->log, err, sizeof(err));
        if (!a->feed) {
            fprintf(a->log, "spanhound: redis: %s\n", err);
            status = 1;
            goto out;
        }
        app_state_adopt(a->detect, a->feed);   /* the feed's views follow the engine */
        /* the operator's allowlist before the first packet */
        redisfeed_wait_ready(a->feed);
        redisfeed_control(a->feed, op_release, op_allow, a);
    }

    {
        err[0] = 0;
        struct health_inputs hi = { a->src, a->pl, a->detect, a->feed, a->eve,
                                    &a->ring_dropped, a->live, SPANHOUND_VERSION,
                                    push_event, a };
        a->health = health_create(&a->cfg, &hi, a->log, err, sizeof(err));
        if (!a->health && err[0]) {
            fprintf(a->log, "spanhound: %s\n", err);
            status = 1;
            goto out;
        }
    }

    a->reload = (struct reloader){ cfg_path, ov, &a->cfg, a->detect, a->eve, &a->intel,
                                   a->live, a->log, NULL };

    if (a->verbose)
        fprintf(a->log, "spanhound %s: %s %s\n", SPANHOUND_VERSION,
                a->live ? "capturing on" : "replaying",
                a->live ? sc.iface : (sc.nfiles == 1 ? sc.files[0] : "several files"));

    /* 5. run: capture thread produces, this thread consumes */
    if (!a->live && (progress == 1 || (progress < 0 && isatty(STDERR_FILENO))))
        progress_start(&a->progress, stderr);
    pthread_t th;
    if (pthread_create(&th, NULL, capture_thread, a) != 0) {
        fprintf(a->log, "spanhound: cannot start the capture thread\n");
        status = 1;
        goto out;
    }
    daemon_notify_ready();
    if (a->live)
        fprintf(a->log, "spanhound: capturing on %s\n", a->cfg.interface);
    status |= consume(a);
    daemon_notify_stopping();
    pthread_join(th, NULL);
    status |= a->source_status;
    detect_finish(a->detect);
    app_state_save(a->state, a->detect, 1);
    if (export_iocs(a) < 0)
        status = 1;
    if (!a->live)
        write_current(a);
    health_final(a->health);
    if (a->feed) {
        long left = redisfeed_stop(a->feed);
        if (left < 0) {
            fprintf(a->log, "spanhound: redis: the journal could not be written: verdicts may "
                    "be lost\n");
            status = 1;
        } else if (left > 0) {
            fprintf(a->log, "spanhound: redis: unreachable: %ld verdict event%s kept in the "
                    "journal %s; the next run or 'spanhound --flush-journal' delivers %s\n",
                    left, left == 1 ? "" : "s", a->cfg.redis.journal, left == 1 ? "it" : "them");
            redis_left = 1;
        }
    }

    if (a->summary)
        summary_print(a->summary, stdout);
    if (!a->live)
        print_verdict_table(a, a->eve && strcmp(a->cfg.eve_file, "-") == 0 ? stderr : stdout);
    if (a->want_stats)
        print_stats(a, stderr);

out:
    daemon_log_finish();
    reload_free(&a->reload);
    health_destroy(a->health);
    redisfeed_close(a->feed);
    app_state_close(a->state);
    ioc_manager_destroy(a->intel);
    eve_close(a->eve);
    detect_destroy(a->detect);
    summary_destroy(a->summary);
    ring_destroy(a->ring);
    pipeline_destroy(a->pl);
    source_close(a->src);
    if (a->log != stderr)
        fclose(a->log);
    return status == 2 ? 2 : status ? 1 : redis_left ? 3 : 0;
}
