/*
 * daemon.h -- what makes spanhound a service: systemd notification and
 * watchdog, the privilege drop, rate-limited log lines.
 *
 * systemd (libsystemd's sd_notify): READY=1 once capture is up, STATUS=
 * lines, RELOADING=1 / READY=1 around a SIGHUP reload, STOPPING=1 on
 * SIGTERM, WATCHDOG=1 at half the unit's WatchdogSec -- only while the
 * capture thread shows it is alive (daemon_heartbeat()), so a hung capture
 * thread gets the daemon restarted.  All of it is a no-op outside systemd
 * (no NOTIFY_SOCKET).
 *
 * Threads: daemon_heartbeat() is for the capture thread; everything else
 * for the main (consumer) thread, except daemon_log(), which any thread
 * may call.
 */
#ifndef SH_DAEMON_H
#define SH_DAEMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- systemd ------------------------------------------------------ */

/* Reads NOTIFY_SOCKET and WATCHDOG_USEC once (call early, before threads). */
void daemon_notify_init(void);
/* 1 when started by systemd with a notification socket */
int daemon_under_systemd(void);
/* the watchdog interval in microseconds, 0 = none */
uint64_t daemon_watchdog_usec(void);

void daemon_notify_ready(void);      /* READY=1 (first time and after a reload) */
void daemon_notify_reloading(void);  /* RELOADING=1 (+ MONOTONIC_USEC)          */
void daemon_notify_stopping(void);   /* STOPPING=1, once                        */
void daemon_notify_status(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* The capture thread: "I am alive" (cheap; call from the idle hook, which
 * the source calls about every 100 ms whether packets come or not). */
void daemon_heartbeat(void);

/* The consumer loop, between events: pings the watchdog when due and the
 * capture thread's heartbeat is recent (within half the interval), and
 * every `status_every_s` seconds calls status(ctx, buf, len) to fill a
 * STATUS= line.  Cheap when there is no watchdog and no systemd. */
typedef void (*daemon_status_fn)(void *ctx, char *buf, size_t len);
void daemon_tick(daemon_status_fn status, void *ctx);

/* The watchdog's decision (pure, unit-tested): ping when the ping is due
 * (now >= next_due) and the capture thread's heartbeat is within usec/2
 * of now.  Times in microseconds, usec the watchdog interval (0 = none). */
int daemon_watchdog_due(uint64_t now, uint64_t next_due, uint64_t heartbeat, uint64_t usec);

/* For the status line: flagged hosts (+1 infected, -1 cleared/expired/
 * released), counted from the verdict stream. */
void daemon_note_flagged(int delta);
long daemon_flagged(void);

/* ---- privilege drop ----------------------------------------------- */

/* After the live capture handles are open and before any packet is
 * parsed, single-threaded:
 *   - as root with a non-empty `user`: supplementary groups, gid, uid of
 *     `user` (checked: setuid(0) must then fail), no new privileges, every
 *     capability dropped (bounding set too, where allowed) except CAP_NET_RAW
 *     when keep_net_raw;
 *   - as root with user "": stays root (said so in `msg`);
 *   - started unprivileged (e.g. systemd User= + AmbientCapabilities=):
 *     nothing to switch; the ambient and inheritable sets are cleared and
 *     only CAP_NET_RAW kept when keep_net_raw.
 * Returns 0 with a one-line description of the result in msg ("running as
 * user spanhound (uid 998, gid 998), capabilities: none"), -2 when the user
 * does not exist (a configuration error: exit 2), -1 on any other failure
 * (err says which step). */
int daemon_drop_privileges(const char *user, int keep_net_raw, char *msg, size_t msglen,
                           char *err, size_t errlen);

/* ---- log lines ---------------------------------------------------- */

/* syslog-style levels, as sd-daemon.h's SD_* prefixes */
enum { DLOG_ERR = 3, DLOG_WARNING = 4, DLOG_NOTICE = 5, DLOG_INFO = 6 };

/* Where daemon_log() writes: `log` (stderr or the syslog stream), at most
 * `repeat_limit` lines per minute of one kind (0 = no limit); use_syslog:
 * `log` is the syslog stream (the level goes to syslog).  When stderr is
 * the journal (JOURNAL_STREAM names stderr's device:inode) lines written
 * to stderr start with the level as "<N>", which journald reads as the
 * priority; on a terminal or a file nothing is added. */
void daemon_log_setup(FILE *log, unsigned repeat_limit, int use_syslog);
void daemon_log_set_limit(unsigned repeat_limit);   /* SIGHUP: log.repeat_limit */
/* 1 when stderr is the systemd journal's stream */
int daemon_log_to_journal(void);

/* One line "spanhound: <text>\n" of `kind` (a short constant string, e.g.
 * "health:ring", "redis"), unless that kind already had repeat_limit lines
 * this minute; the first line of a kind after a suppressed stretch is
 * preceded by "spanhound: N similar messages suppressed (<kind>)".  kind
 * NULL: never suppressed (verdict lines).  Control characters in the text
 * (bytes below 0x20, 0x7f: a newline in a DNS name or an SNI) are written
 * as \xNN, so a line stays one line. */
void daemon_log(int level, const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* That cleaning on its own: src into dst (len bytes, NUL-terminated, cut
 * short rather than overflow); returns the length written. */
size_t daemon_log_clean(char *dst, size_t len, const char *src);
/* Writes the summaries of suppressed stretches whose minute is over
 * (called from daemon_tick; callable directly, e.g. at exit). */
void daemon_log_flush(void);
/* At exit: the summaries of every stretch still being suppressed. */
void daemon_log_finish(void);

/* The rate limiter on its own (unit-tested): per kind, a window of 60 s
 * from the kind's first line; within it `limit` lines pass, the rest are
 * counted.  Bounded: RL_KINDS kinds, the least recently used is reused. */
#define RL_KINDS 32
#define RL_KIND_LEN 40
struct ratelimit {
    unsigned limit;
    struct rl_slot {
        char kind[RL_KIND_LEN];
        uint64_t window_start;     /* seconds */
        uint64_t last_used;
        unsigned count;
        unsigned long suppressed;
    } slot[RL_KINDS];
};
void ratelimit_init(struct ratelimit *rl, unsigned limit);
/* 1 = write the line, 0 = suppress it.  *suppressed_before is set to the
 * number of lines of this kind suppressed in the window that just ended
 * (to report before this line), else 0. */
int ratelimit_check(struct ratelimit *rl, const char *kind, uint64_t now_s,
                    unsigned long *suppressed_before);
/* Ended windows that suppressed lines: calls fn(ctx, kind, n) for each and
 * resets them. */
void ratelimit_expire(struct ratelimit *rl, uint64_t now_s,
                      void (*fn)(void *ctx, const char *kind, unsigned long n), void *ctx);

#endif /* SH_DAEMON_H */
