/*
 * beacon.h -- command and control by behaviour: rhythm, duration, fan-out.
 *
 * The engine (detect.c) hands this module what internal hosts did, already
 * attributed (the event came from the host's established MAC) and already
 * described (the destination's name or address, whether it is benign by
 * list, popularity or allowlist):
 *
 *  - observations of a destination: a connection's start (series "conn"),
 *    an HTTP request (series "http": polling over one keep-alive
 *    connection counts), a client burst inside a session (series "burst":
 *    keep-alives inside one long TLS/TCP/UDP session);
 *  - flows: duration, port, protocol and outcome (a connection that got no
 *    answer or a reset is a failure, never a beacon event);
 *  - contacts for fan-out: one host reaching many addresses on one port.
 *
 * State lives in bounded, keyed LRU maps: per (host, destination, series)
 * the last BEACON_RING events (time, size) and the total count; per
 * destination the internal hosts that talk to it (prevalence); per (host,
 * port, transport, internal or external) the distinct addresses contacted
 * in a window (linear counting over a 1024-bit map).  A flood of new
 * destinations costs old state, counted, never memory.
 *
 * Evidence (evidence.h): beacon, long_session, unusual_port (keyed by the
 * destination: a host can hold several), fanout_external, fanout_internal.
 * Rhythm to a prevalent (>= beacon_prevalence_hosts hosts), popular or
 * listed destination is never evidence; rhythm alone convicts only when it
 * is overwhelming (beacon_standalone_events over beacon_standalone_span),
 * otherwise it needs a second, independent source.
 *
 * The statistics (beacon_stats) follow RITA's ideas -- Bowley skew and
 * MAD/median of the gaps between events, regularity of sizes -- with
 * sub-second times, a jitter tolerance of about 50 % and confidence from
 * as few as 6 events; docs/detections.md gives the formulas.
 */
#ifndef SH_BEACON_H
#define SH_BEACON_H

#include <stddef.h>
#include <stdint.h>

#include "../capture/event.h"
#include "host.h"
#include "params.h"

#define BEACON_RING 32           /* events kept per (host, destination, series) */
#define BEACON_DEST_MAX 96       /* destination text ("name" or "ip:port/proto") */

enum beacon_series {
    BS_CONN = 0,                 /* connection starts                     */
    BS_HTTP,                     /* HTTP requests                         */
    BS_BURST,                    /* client bursts inside sessions          */
    BS_MAX
};

/* What the statistics of one series say (beacon_stats). */
struct beacon_stats {
    int    n;                    /* events used (after merging those < 0.1 s apart) */
    double period;               /* median gap, s                         */
    double mad;                  /* median absolute deviation of the gaps */
    double jitter;               /* mad / period                          */
    double q1, q3;               /* quartiles of the gaps (Tukey hinges)  */
    double skew;                 /* Bowley skew of the gaps, 0 when the
                                    quartiles are too close to tell       */
    double size;                 /* median size, bytes                    */
    double size_jitter;          /* MAD / median of the sizes             */
    double ts_score, size_score; /* 0..1                                  */
    double score;                /* 0..1: 0.7 ts_score + 0.3 size_score   */
};

/* Statistics of n events at times t[] (seconds, ascending) with sizes
 * size[] (bytes).  Returns 0, or -1 when there are fewer than 4 events
 * (3 gaps) to judge (*out zeroed).  Pure. */
int beacon_stats(const double *t, const double *size, int n, struct beacon_stats *out);

/* The destination of an observation, described by the engine. */
struct beacon_dest {
    char     text[BEACON_DEST_MAX];  /* the indicator: name, or ip:port/proto */
    char     ioc[BEACON_DEST_MAX];   /* external only: the name lower case, or
                                        the address (evidence.h ioc), else "" */
    uint8_t  ioc_ip;             /* ioc is an address (also a name that is an
                                    IP literal: an SNI or Host of an address) */
    uint8_t  named;              /* text is a DNS name (SNI, HTTP Host)    */
    uint8_t  external;           /* the server is outside home_net         */
    uint8_t  benign;             /* listed service, popular, allowlisted:
                                    rhythm to it is no evidence            */
    uint8_t  claimed_benign;     /* the client named a listed or popular
                                    service, but no DNS answer seen here
                                    bound that name to this address: its
                                    rhythm never convicts alone           */
    uint8_t  odd_port;           /* not a well-known service port          */
    uint8_t  plain;              /* no application protocol recognised     */
    uint8_t  proto;              /* IPPROTO_TCP / UDP                      */
    uint16_t port;
    const char *app;             /* nDPI's name ("" when none)             */
};

struct beacon;

struct beacon *beacon_create(size_t capacity, const struct detect_params *p,
                             char *err, size_t errlen);
void beacon_destroy(struct beacon *b);   /* NULL is a no-op */
/* New parameters (SIGHUP): the state kept so far stays. */
void beacon_set_params(struct beacon *b, const struct detect_params *p);

/* h made one event of `series` toward dst at t_us of `bytes`.  Evidence
 * goes into ht; hosts whose evidence changed are added to touched. */
void beacon_event(struct beacon *b, struct host_table *ht, struct host *h,
                  const struct beacon_dest *dst, int series, uint64_t t_us, uint32_t bytes,
                  uint64_t now, struct host_touched *touched);

/* A flow of h toward dst (its first record: `first`), for prevalence,
 * failures, long sessions and unusual ports. */
struct beacon_flow {
    uint64_t start_us, end_us;
    uint8_t  outcome;            /* enum ev_flow_outcome                   */
    uint8_t  first;              /* first record of this flow seen here    */
    uint64_t payload_toserver;   /* client payload bytes so far            */
    uint32_t bursts_toserver;    /* client bursts so far                   */
};
void beacon_flow(struct beacon *b, struct host_table *ht, struct host *h,
                 const struct beacon_dest *dst, const struct beacon_flow *f, uint64_t now,
                 struct host_touched *touched);

/* h contacted address a (external or internal) on port/proto; failed: the
 * attempt got no answer or a reset. */
void beacon_contact(struct beacon *b, struct host_table *ht, struct host *h,
                    const struct sh_addr *a, int internal, uint16_t port, uint8_t proto,
                    int failed, uint64_t now, struct host_touched *touched);

/* Internal hosts that talked to dst within a day, h counted once whether
 * or not its contact was recorded; records nothing (for other detectors'
 * rarity: exfil.h). */
int beacon_dest_hosts(const struct beacon *b, const struct host *h,
                      const struct beacon_dest *dst, uint64_t now);

struct beacon_stats_counters {
    uint64_t events, failures, dest_evicted, fan_evicted, prevalent_skips, benign_skips;
    uint64_t lowered;            /* beacons lowered: their window stopped passing */
    uint64_t raised[EVK_MAX];
};
void beacon_get_counters(const struct beacon *b, struct beacon_stats_counters *c);

#endif /* SH_BEACON_H */
