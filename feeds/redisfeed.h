/*
 * redisfeed.h -- the NAC feed: verdict changes into Redis, durably.
 *
 * The contract (keys, fields, merge of several sensors, operator control)
 * is docs/nac-feed.md.  This is how spanhound keeps it:
 *
 *   detection thread --verdict--> bounded ring --> publisher thread
 *                                                   | append + fsync
 *                                                   v
 *                                          on-disk journal (in order)
 *                                                   | EVALSHA, pipelined
 *                                                   v
 *                                                 Redis
 *
 * Every verdict change is written to the journal before Redis sees it and
 * is removed only after Redis acknowledged it, so neither a Redis outage
 * nor a restart of spanhound loses one; the entry's id ("<sensor>:<n>") is
 * given once, when it is journaled, and the script that adds it to the
 * stream skips an id it already added, so a replay after a crash never
 * delivers one twice.  The publisher owns the only hiredis context;
 * detection never waits on Redis (a full ring is drained into the journal
 * by the detection thread itself, on disk, never on the network).
 *
 * On every (re)connect the publisher delivers the journal, then rewrites
 * this sensor's per-host hashes and the infected set from its current
 * state; while connected it notices a lost state (FLUSHALL, a Redis
 * restart without persistence) by its heartbeat key and rewrites it again.
 * It reads the operator's allowlist and release requests back and hands
 * them to the detection thread (redisfeed_control).
 */
#ifndef SH_REDISFEED_H
#define SH_REDISFEED_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../config/config.h"
#include "../detect/detect.h"

struct redisfeed;

/* Open the journal (creating it), start the publisher thread.  live: a
 * daemon (log state changes as they happen).  NULL with a message when
 * the journal cannot be opened or the sensor name is unusable. */
struct redisfeed *redisfeed_open(const struct sh_redis_cfg *c, const char *version, FILE *log,
                                 char *err, size_t errlen);

/* Wait until the publisher's first connection attempt has ended (so the
 * operator's allowlist is known before the first packet).  1 when it
 * connected. */
int redisfeed_wait_ready(struct redisfeed *f);

/* A verdict change (detection thread).  Never blocks on Redis. */
void redisfeed_verdict(struct redisfeed *f, const struct verdict *v);

/* After a start, before the first packet (detection thread): the
 * engine's flagged hosts, one call each (restored from a snapshot, or
 * none), then redisfeed_adopt_end once.  A flagged host the publisher has
 * no view of is announced ('updated'); a view no flagged host matches (an
 * earlier run's verdict this run has no state for: no state.dir, an
 * unreadable snapshot) ends with an 'expired' entry, logged.  So a restart
 * neither silently clears nor silently keeps a quarantine. */
void redisfeed_adopt(struct redisfeed *f, const struct verdict *v);
void redisfeed_adopt_end(struct redisfeed *f);

/* Operator requests read back from Redis, handed over on the detection
 * thread: release(target, by) per request, allow(list, n) when the
 * allowlist changed.  Cheap when there is nothing (one atomic load). */
typedef void (*redisfeed_release_fn)(void *ctx, const char *target, const char *by);
typedef void (*redisfeed_allow_fn)(void *ctx, const char *const *targets, int n);
void redisfeed_control(struct redisfeed *f, redisfeed_release_fn release,
                       redisfeed_allow_fn allow, void *ctx);

/* Stop: hand everything to the journal, deliver what Redis takes (one more
 * connection attempt if it is down), stop the thread.  Returns the number
 * of verdict events left undelivered in the journal (0 = all delivered),
 * or -1 on a journal write error.  NULL is a no-op (0).  Stats stay
 * readable until redisfeed_close, which stops first if needed. */
long redisfeed_stop(struct redisfeed *f);
long redisfeed_close(struct redisfeed *f);

/* --flush-journal: deliver a journal left by an earlier run and exit.
 * Returns what redisfeed_close returns; -2 when Redis is unreachable. */
long redisfeed_flush_journal(const struct sh_redis_cfg *c, const char *version, FILE *log,
                             char *err, size_t errlen);

void redisfeed_print_stats(struct redisfeed *f, FILE *fp);

/* The publisher's health (any thread; a consistent-enough snapshot of
 * atomics): connected now, verdict entries in the journal not yet
 * delivered, the journal's size and its undelivered bytes, seconds since
 * the last connection error (-1: none since start). */
struct redisfeed_health {
    int connected;
    uint64_t pending_entries, journal_bytes, pending_bytes;
    int64_t last_error_age_s;
    uint64_t delivered, errors, journal_dropped;
};
void redisfeed_get_health(struct redisfeed *f, struct redisfeed_health *h);

/* The sensor's health hash {prefix}:health:<sensor> (docs/nac-feed.md):
 * the fields are copied (at most REDISFEED_HEALTH_BYTES of names and
 * values) and the publisher thread writes them (HSET, then EXPIRE ttl_s)
 * when it is connected; a newer call replaces a copy not yet written.
 * Never blocks on Redis.  0, or -1 when the fields do not fit. */
#define REDISFEED_HEALTH_BYTES 8192
struct redisfeed_kv {
    const char *key, *value;
};
int redisfeed_health(struct redisfeed *f, const struct redisfeed_kv *fields, int n,
                     unsigned ttl_s);

/* This sensor's name in the feed (redis.sensor, or the host name). */
const char *redisfeed_sensor(const struct redisfeed *f);

/* The path of the journal in use (for messages). */
const char *redisfeed_journal_path(const struct redisfeed *f);

#endif /* SH_REDISFEED_H */
