/*
 * health.h -- the sensor says loudly when it cannot see.
 *
 * Every health.interval seconds (wall time when live; packet time when
 * replaying, so a replay reports too, and the same every time) the daemon
 * collects kernel drops (per interface), ring drops, flow and host table
 * pressure, the Redis publisher's backlog, EVE's counters, rates and
 * detect's degraded state, and writes them out (feeds/health.h): EVE
 * "stats" + "spanhound_stats" records, the Redis hash
 * {prefix}:health:<sensor>, the Prometheus textfile.  When kernel or ring
 * drops start it logs one line, when they stop another, and a reminder
 * every 10 minutes while they go on (docs/appliance.md).
 *
 * Replays: the capture thread notices that packet time crossed an
 * interval (health_packet) and sends a marker event (type EV_NONE, which
 * the pipeline never emits) through the ring with the pipeline's counters
 * at that packet; the detection thread reports when the marker comes out
 * (health_event), after exactly the events before it.  Live: the
 * detection thread reports on the wall clock (health_poll).
 *
 * Threads: health_capture_stats and health_packet on the capture thread;
 * everything else on the detection (consumer) thread.
 */
#ifndef SH_APPLIANCE_HEALTH_H
#define SH_APPLIANCE_HEALTH_H

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#include "../capture/pipeline.h"
#include "../capture/source.h"
#include "../config/config.h"
#include "../detect/detect.h"
#include "../feeds/eve.h"
#include "../feeds/health.h"
#include "../feeds/redisfeed.h"

struct health_inputs {
    struct source *src;
    struct pipeline *pl;
    struct detect *detect;
    struct redisfeed *feed;            /* NULL: no Redis                   */
    struct eve *eve;                   /* NULL: no EVE                     */
    _Atomic uint64_t *ring_dropped;    /* events lost before detection     */
    int live;
    const char *version;
    /* replay: how the capture thread puts a marker into the ring */
    void (*push)(void *ctx, const struct sh_event *ev);
    void *push_ctx;
};

struct health;

/* NULL when health.interval is 0 (off), or on error (err set; NULL with
 * err[0] == 0 means off). */
struct health *health_create(const struct sh_config *cfg, const struct health_inputs *in,
                             FILE *log, char *err, size_t errlen);
void health_destroy(struct health *h);           /* NULL is a no-op */

/* Capture thread, live (about every 100 ms): interface idx's counters. */
void health_capture_stats(struct health *h, int idx, const struct source_stats *ss);

/* Capture thread, live: interface idx's state (capture/source.h's
 * SOURCE_IF_*, the same values as HEALTH_IF_*).  Not up: the reports say
 * "degraded" (reason interface_down) and a line says it (and when it is
 * up again). */
void health_iface_state(struct health *h, int idx, int state);

/* Capture thread, replay: before each packet (its time).  NULL: no-op. */
void health_packet(struct health *h, uint64_t ts_us);

/* Detection thread, for every event out of the ring: 1 when it was the
 * health marker (reported; do not pass it on), else 0.  NULL: 0. */
int health_event(struct health *h, const struct sh_event *ev);

/* Detection thread, live, after each event and when idle: reports when
 * an interval of wall time has passed.  NULL, or a replay: no-op. */
void health_poll(struct health *h);

/* End of input or shutdown: one last report (the totals --stats prints). */
void health_final(struct health *h);

/* detect's NOTICE_HEALTH: keeps the degraded state for the reports and
 * logs the reasons, except kernel and ring drops, which the drop lines
 * (per interface, with start and stop) report instead.  Returns 1 when it
 * logged (h non-NULL), 0 to let the caller log as before. */
int health_notice(struct health *h, const struct detect_notice *n);

/* SIGHUP (detection thread): a new health.interval (> 0; the next report
 * falls one new interval after the last) and health.prometheus_file.
 * Turning health on from 0 is health_create's; off (0) is health_destroy's
 * (the caller's choice). */
void health_reconfigure(struct health *h, const struct sh_config *cfg);

/* health.* counters for --stats and SIGUSR1. */
void health_print_stats(struct health *h, FILE *fp);

/* ---- the drop state machine (exposed for the unit tests) ------------- */

enum drop_change { DROP_SAME = 0, DROP_START, DROP_REMIND, DROP_STOP };

struct drop_track {
    int dropping;
    uint64_t drops, seen;             /* totals at the last update         */
    uint64_t last_us;                 /* the last update                   */
    uint64_t start_us, said_us;       /* episode start, last line logged   */
    uint64_t ep_drops, ep_seen;       /* since the episode started         */
    uint64_t episodes;
};

/* One interval: drops and seen are totals since start (a total that went
 * down restarts from it).  DROP_START on the first interval with drops,
 * DROP_REMIND when drops go on remind_us after the last line, DROP_STOP on
 * the first interval without; *dd and *ds the interval's drops and packets
 * seen (not dropped), *span_us its length. */
int drop_track_update(struct drop_track *t, uint64_t now_us, uint64_t drops, uint64_t seen,
                      uint64_t remind_us, uint64_t *dd, uint64_t *ds, uint64_t *span_us);

/* ---- a silent interface (exposed for the unit tests) ------------------
 * Up, with a carrier, and no packet: the switch's SPAN session was removed
 * or changed.  SILENT_START when no packet came for quiet_us (judged at
 * each report), SILENT_STOP at the first report with packets again. */
enum silent_change { SILENT_SAME = 0, SILENT_START, SILENT_STOP };

struct silent_track {
    int started, silent, said;        /* said: the caller logged the start */
    uint64_t captured;                /* at the last report                */
    uint64_t last_pkt_us;             /* the last report that saw packets  */
};

/* *quiet_s: seconds since the last report that saw packets (0: packets in
 * this interval). */
int silent_track_update(struct silent_track *t, uint64_t now_us, uint64_t captured,
                        uint64_t quiet_us, uint64_t *quiet_s);

#endif /* SH_APPLIANCE_HEALTH_H */
