/*
 * state.h -- the daemon's host-state snapshots (detect.h, "host state
 * across restarts"): DIR/hosts.snapshot, restored before the first packet,
 * written every state.interval seconds of wall time, a few seconds after
 * a verdict changed (coalesced), and at shutdown.
 *
 * All calls on the consumer (detection) thread, which only encodes: a
 * writer thread writes and fsyncs.  Off (every call a no-op) when no
 * state directory is set.  A save error is one log line (the next
 * success says so too); capture goes on.
 */
#ifndef SH_APP_STATE_H
#define SH_APP_STATE_H

#include <stdio.h>

#include "../config/config.h"
#include "../detect/detect.h"
#include "../feeds/redisfeed.h"

struct app_state;

/* NULL when cfg->state_dir is "" (or the directory is in use by another
 * spanhound: logged, snapshots off). */
struct app_state *app_state_open(const struct sh_config *cfg, FILE *log);
/* Restore into a fresh engine (before its first packet); logs one line. */
void app_state_load(struct app_state *s, struct detect *d);
/* A verdict changed: save soon (coalesced). */
void app_state_verdict(struct app_state *s, int change);
/* Called from the consumer loop: saves when due. */
void app_state_tick(struct app_state *s, struct detect *d);
/* Save now and wait for it (shutdown); logs one line.  -1 on error. */
int app_state_save(struct app_state *s, struct detect *d, int verbose);
void app_state_close(struct app_state *s);
/* SIGHUP (for the reload code): state.interval and state.max_mb apply at
 * once; a new state.dir gets the state written there now (the old one is
 * written a last time and unlocked); "" turns snapshots off.  Returns the
 * state to use from now on (NULL: off). */
struct app_state *app_state_reconfigure(struct app_state *s, const struct sh_config *cfg,
                                        struct detect *d, FILE *log);
/* state.restored_hosts, state.saves, state.save_errors,
 * state.last_save_hosts, state.last_save_us (the encoding's time on the
 * detection thread; --stats, SIGUSR1) */
void app_state_print_stats(struct app_state *s, FILE *fp);

/* After the engine is restored (or not) and the NAC feed opened: the
 * feed's views of this sensor's hosts follow the engine (redisfeed.h,
 * redisfeed_adopt).  f NULL is a no-op. */
void app_state_adopt(struct detect *d, struct redisfeed *f);

#endif /* SH_APP_STATE_H */
