/*
 * detect.h -- the detection engine: metadata events in, host verdicts out.
 *
 * detect_event() takes every struct sh_event from the capture side (on the
 * consumer thread; the engine is single-threaded), keeps the table of
 * internal hosts and their MAC bindings (host.h: bindings that hold,
 * routers recognised by what they do), feeds the detectors (DGA in
 * context, DNS tunnelling) with evidence only from exchanges the host
 * really made, and turns evidence into scores and verdicts (evidence.h).
 *
 * Every change of verdict -- infected, updated (new or stronger evidence
 * on a flagged host), cleared, expired (a flagged host left the table) --
 * is handed to the verdict callback with the evidence behind it and the
 * MAC a NAC may act on (or why it may not).  Other things an operator must
 * hear about arrive as notices: a resolver relaying DGA lookups for
 * clients the sensor cannot see, the sensor's health (blind to DNS
 * answers, dropping, tables under pressure), prefixes learned from Router
 * Advertisements and DHCPv6.
 *
 * Trust rules (what a forger on the LAN cannot do):
 *  - a DNS answer counts only when the capture paired it with the host's
 *    own query (5-tuple, transaction id, question), and only when that
 *    query's Ethernet source was the host's established MAC;
 *  - a resolver is exempt only for the lookups it relayed for a visible
 *    client (matched name, moments later), never for its own lookups and
 *    never for other kinds of evidence; a resolver the operator declared
 *    (or a trusted DHCP server announced) whose clients are invisible
 *    yields a resolver notice instead of a verdict;
 *  - two kinds of evidence corroborate each other only when they come
 *    from independent sources.
 *
 * Deterministic: only packet time is used; tables iterate in LRU order;
 * the same events give the same verdicts in the same order.
 */
#ifndef SH_DETECT_H
#define SH_DETECT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../capture/event.h"
#include "../config/config.h"
#include "binding.h"
#include "dga.h"
#include "evidence.h"
#include "intel.h"
#include "params.h"

enum verdict_change {
    VERDICT_INFECTED = 0,   /* the host was just flagged               */
    VERDICT_UPDATED,        /* still flagged, evidence grew            */
    VERDICT_CLEARED,        /* the score decayed below score_clear     */
    VERDICT_EXPIRED,        /* a flagged host left the host table      */
    VERDICT_RELEASED,       /* an operator released (or allowlisted) it */
    VERDICT_CURRENT,        /* a snapshot (end-of-run table)           */
    VERDICT_CHANGE_MAX
};

#define VERDICT_EV_MAX 8             /* = HOST_EV_MAX (host.h)         */

struct verdict {
    uint64_t ts_us;                  /* packet time of the change      */
    struct sh_addr ip;
    uint8_t  mac_status;             /* enum mac_status (host.h)       */
    uint8_t  mac_source;             /* enum mac_source (host.h)       */
    uint8_t  mac[6];                 /* TRUSTED: act on it; else the
                                        established binding, if any   */
    uint8_t  mac_other[6];           /* CONFLICT: the second MAC       */
    uint64_t mac_since_us;           /* CONFLICT: since; else binding age */
    char     hostname[64];           /* given for `mac` (else "")      */
    uint8_t  flagged;
    uint8_t  change;                 /* enum verdict_change            */
    double   score;
    uint64_t first_flagged_us;       /* 0 if never                     */
    int      nev;
    struct evidence ev[VERDICT_EV_MAX]; /* strongest first             */
    double   ev_value[VERDICT_EV_MAX]; /* decayed contribution now      */
    char     by[32];                 /* RELEASED: the operator, or "allowlist" */
};

typedef void (*detect_verdict_fn)(void *ctx, const struct verdict *v);

enum notice_kind {
    NOTICE_RESOLVER_BLIND = 0,       /* DGA/tunnel lookups relayed for unseen clients */
    NOTICE_HEALTH,                   /* sensor health changed          */
    NOTICE_PREFIX,                   /* an on-link prefix was learned  */
    NOTICE_SPOOFED_SOURCE,           /* lookups nobody can be held to  */
    NOTICE_KIND_MAX
};

#define NOTICE_REASONS_MAX 8

struct detect_notice {
    uint8_t  kind;                   /* enum notice_kind               */
    uint64_t ts_us;
    struct sh_addr ip;               /* RESOLVER: the resolver; SPOOFED: the address
                                        used; PREFIX: the router/server */
    /* RESOLVER_BLIND, SPOOFED_SOURCE */
    uint8_t  evidence_kind;          /* enum evidence_kind             */
    double   confidence;
    char     indicator[EVIDENCE_INDICATOR_MAX];
    char     explanation[EVIDENCE_EXPLANATION_MAX + 96];
    /* HEALTH */
    uint8_t  degraded;
    int      nreasons;
    struct { char check[32]; char detail[200]; } reasons[NOTICE_REASONS_MAX];
    /* PREFIX */
    struct sh_addr prefix;
    uint8_t  prefix_len;
    uint32_t valid_s;
    char     source[16];             /* "ra", "dhcpv6"                 */
};

typedef void (*detect_notice_fn)(void *ctx, const struct detect_notice *n);

struct detect;

/* cfg is copied (lists included); params are the defaults overridden by
 * cfg->params, whose errors are reported as "file:line: message". */
struct detect *detect_create(const struct sh_config *cfg, detect_verdict_fn fn,
                             void *ctx, char *err, size_t errlen);
void detect_destroy(struct detect *d);          /* NULL is a no-op */
void detect_on_notice(struct detect *d, detect_notice_fn fn, void *ctx);

void detect_event(struct detect *d, const struct sh_event *ev);

/* End of input: judge the sensor's health over the last, partial interval
 * (a short capture is judged too). */
void detect_finish(struct detect *d);

/* Capture-side counters (totals since start) for the health checks:
 * packets seen, packets the kernel dropped, events dropped because the
 * ring to detection was full.  Call from the detection thread. */
void detect_capture_counters(struct detect *d, uint64_t packets, uint64_t kernel_drops,
                             uint64_t ring_drops);

/* Hosts with evidence, flagged first then by score, as snapshots
 * (change = VERDICT_CURRENT).  Returns how many were written (<= max). */
int detect_hosts(struct detect *d, struct verdict *out, int max);

/* The flagged hosts as snapshots (change = VERDICT_CURRENT), one call
 * each, in table order; returns how many (after a snapshot was restored:
 * what the NAC feed must hold). */
typedef void (*detect_host_fn)(void *ctx, const struct verdict *v);
int detect_flagged_hosts(struct detect *d, detect_host_fn fn, void *ctx);

/* Operator control (the NAC feed's release requests and allowlist).
 *
 * detect_release: target is an IP or a MAC ("aa:bb:cc:dd:ee:ff": every
 * host trustworthily bound to it; never a host in conflict, so a forger
 * claiming a MAC is not released with it).  Each host found
 * loses its evidence and verdict state; a flagged one is reported as
 * VERDICT_RELEASED with `by`.  Fresh evidence may flag it again.  Returns
 * the hosts found, or -1 when target is neither an IP nor a MAC.
 *
 * detect_operator_allow: replaces the operator's allowlist (IPs and MACs,
 * at most DETECT_OPERATOR_ALLOW_MAX; invalid entries are skipped and
 * counted in the return value's complement: returns how many were
 * taken).  A listed host is never flagged; a flagged one is released at
 * once with by = "allowlist".  A MAC covers only hosts whose binding to
 * it is trusted: claiming an allowlisted MAC exempts nobody. */
#define DETECT_OPERATOR_ALLOW_MAX 4096
int detect_release(struct detect *d, const char *target, const char *by);
int detect_operator_allow(struct detect *d, const char *const *targets, int n);

/* Threat intelligence (intel.h): the feed lookup (fn NULL: none), and
 * the indicators learnt from convicted hosts, in learning order; returns
 * how many were listed. */
void detect_set_intel(struct detect *d, intel_lookup_fn fn, void *ctx);
int detect_learned_iocs(struct detect *d, intel_learned_fn fn, void *ctx);

const struct detect_params *detect_get_params(const struct detect *d);
const struct dga_model *detect_dga(const struct detect *d);
double detect_dga_threshold(const struct detect *d);

void detect_print_stats(const struct detect *d, FILE *fp);

/* The host table's occupancy and pressure, for the health report
 * (capacity: cfg.host_capacity); the same numbers detect_print_stats
 * prints as detect.hosts_*. */
struct detect_host_pressure {
    uint64_t active, peak, evicted, evicted_protected, rate_limited;
};
void detect_host_pressure(const struct detect *d, struct detect_host_pressure *p);

/* The GeoIP/ASN line for the log (geo.h): the databases in use, or why
 * GeoIP is off ("geoip: off: no database configured ..."). */
const char *detect_geo_note(const struct detect *d);

/* Opens the configured GeoIP databases again (SIGHUP: geoipupdate replaced
 * them); one that no longer opens leaves the one in use.  Evidence already
 * annotated keeps its context until a detector raises it again.  Returns
 * the line for the log. */
const char *detect_geo_reload(struct detect *d);

/* SIGHUP: applies what can change while running -- the detect
 * parameters (through the same path as detect_create), home_net,
 * learn_prefixes, allowlist.*, infrastructure.*, geoip.* (a changed path
 * or weight opens the databases anew) and hosts.idle_timeout -- and
 * nothing else of cfg: the host table, flows, evidence and verdicts stay.
 * Then every host is judged again at once: infrastructure marks follow the
 * new lists, a host now in allowlist.networks loses its evidence (a
 * flagged one is reported VERDICT_RELEASED, by "allowlist.networks"),
 * the others are re-scored against the new thresholds (INFECTED or CLEARED
 * when they cross them; evidence is not re-weighted).  -1 with
 * "file:line: message" in err when the parameters are invalid: then
 * nothing changed. */
int detect_reconfigure(struct detect *d, const struct sh_config *cfg, char *err, size_t errlen);

/* 1 when detect_reconfigure applies the setting (a config_diff path)
 * live; 0 when it needs a restart (hosts.capacity, detect.data_dir,
 * detect.popularity_list, detect.spread_history_size,
 * detect.spread_max_learnt) or is not the engine's. */
int detect_setting_live(const char *path);

/* The packet time of the latest event (0 before the first). */
uint64_t detect_time_us(const struct detect *d);

/* ---- host state across restarts (detect/snapshot.c) ----------------------
 *
 * detect_snapshot_save writes the hosts that hold evidence or a verdict
 * (address, MAC bindings and their trust, hostname, verdict state,
 * evidence), the learnt spread indicators and IPv6 prefixes, the last
 * packet time and the sensor name to `path`: a versioned, little-endian,
 * SipHash-checked file of at most max_bytes (flagged hosts first, then the
 * most recently seen; what does not fit is left out, counted), written to
 * a temporary file in the same directory, fsynced and renamed over path;
 * the previous snapshot stays as path.prev.  Detector windows (beacon
 * histories, NXDOMAIN windows, flows) are not saved.  Returns the number of
 * hosts written, or -1 with a message.
 *
 * detect_snapshot_load restores such a file into an engine before its
 * first packet: hosts come back flagged or not, with their evidence, and
 * WITHOUT any verdict callback (they were announced before); decay and
 * clearing continue in packet time, so a restored host that decays emits
 * VERDICT_CLEARED and one that gets more evidence VERDICT_UPDATED.  The
 * time the sensor did not watch does not count: at the first event after
 * the restore, every restored time (and the engine's clock) moves by
 * (that event's time - the snapshot's last packet time) -- always live
 * (detect_restore_mode), offline only when the capture starts before the
 * snapshot's last packet (a capture replayed in parts continues in its own
 * time, as one run would).  The file is hostile bytes: anything wrong (a
 * bad checksum, an unknown version, another sensor's file, a bad record)
 * skips the whole file with one message in err, and path.prev is tried.
 * Hosts outside home_net now are skipped (counted); nothing is evicted to
 * make room.  Returns the hosts restored (>= 0; err says what was done, ""
 * when there was no file) or -1 (err: why it was skipped; the engine is
 * untouched). */
#define DETECT_SNAPSHOT_VERSION 1
int detect_snapshot_save(struct detect *d, const char *path, size_t max_bytes, char *err,
                         size_t errlen);
int detect_snapshot_load(struct detect *d, const char *path, size_t max_bytes, char *err,
                         size_t errlen);
/* How a restored snapshot continues (call before the first event; the
 * default is offline, silent): live != 0 shifts restored state to the first
 * packet whatever its time, live == 0 only when the first packet is older
 * than the snapshot.  log (NULL: none) gets one line when state moves. */
void detect_restore_mode(struct detect *d, int live, FILE *log);
/* detect_snapshot_save in two halves, for a caller that writes on another
 * thread: the encoding (detection thread; *out is malloc'd, the caller
 * frees it; err says what it holds) and the atomic write (any thread;
 * 0 or -1 with err). */
int detect_snapshot_encode(struct detect *d, size_t max_bytes, uint8_t **out, size_t *outlen,
                           char *err, size_t errlen);
int detect_snapshot_write(const char *path, const uint8_t *p, size_t len, char *err,
                          size_t errlen);
/* The same from memory (name is for messages); the fuzz harness's entry. */
int detect_snapshot_restore(struct detect *d, const uint8_t *p, size_t len, const char *name,
                            char *err, size_t errlen);

/* Validate the config's detect parameters without building an engine (for
 * --print-config); prints them into fp when fp is not NULL. */
int detect_params_from_config(const struct sh_config *cfg, struct detect_params *p,
                              char *err, size_t errlen);

#endif /* SH_DETECT_H */
