/*
 * evidence.h -- what a detector says about a host, and how evidence adds up
 * to a score.
 *
 * An evidence is one kind of suspicion about one host (an NXDOMAIN burst,
 * a DNS tunnel, ...) with a weight (how much this kind counts), a
 * confidence in [0, 1] (how sure this instance is), the time it was last
 * confirmed (packet time), the indicator it is about (a domain, a zone, an
 * address) and an explanation a person understands, numbers included.
 * A host holds at most one evidence per kind, or, for the kinds about a
 * destination (beacon, long_session, unusual_port, fan-out), one per (kind,
 * indicator): two C2 servers are two beacons.  A detector that confirms its
 * suspicion again updates it in place.
 *
 * Score (Damballa's lesson: many weak signals about one asset):
 *
 *     score(t) = sum over kinds of  weight * confidence * 2^(-(t - last) / half_life)
 *
 * A host is flagged when score >= score_threshold AND (one evidence has
 * confidence >= standalone_confidence, OR evidence from two independent
 * sources is present -- see enum evidence_source); it is cleared when the score decays below score_clear
 * (hysteresis, so a host near the threshold does not flap).
 */
#ifndef SH_EVIDENCE_H
#define SH_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>

enum evidence_kind {
    EVK_DGA_NXDOMAIN = 0,  /* burst of failed lookups of algorithmic names */
    EVK_DGA_RESOLVED,      /* an algorithmic name resolving after failures  */
    EVK_DGA_SHARED,        /* failing on the same names as other hosts      */
    EVK_DNS_TUNNEL,        /* encoded data in DNS names to one zone         */
    EVK_BEACON,            /* regular contact with one destination (keyed)  */
    EVK_LONG_SESSION,      /* a long session with small periodic bursts (keyed) */
    EVK_UNUSUAL_PORT,      /* small messages on an unusual port (keyed)     */
    EVK_FANOUT_EXTERNAL,   /* many external addresses on one port (keyed)   */
    EVK_FANOUT_INTERNAL,   /* many internal hosts on one port (keyed)       */
    EVK_MAX
};

/* Where an evidence's data comes from.  Two kinds from one source (the
 * NXDOMAIN stream behind both dga_nxdomain and dga_resolved) are one
 * observation seen twice, never corroboration. */
enum evidence_source {
    SRC_DNS_FAILURES = 0,  /* the host's failed lookups                   */
    SRC_DNS_QUERIES,       /* the names the host asks (volume, encoding)   */
    SRC_PEER_HOSTS,        /* other hosts behaving the same way            */
    SRC_FLOW_TIMING,       /* when the host talks to a destination, how long */
    SRC_DESTINATION,       /* where it talks: port and protocol            */
    SRC_CONTACTS,          /* how many others it reaches                   */
    SRC_MAX
};

#define EVIDENCE_INDICATOR_MAX 128
#define EVIDENCE_EXPLANATION_MAX 320

struct evidence {
    uint8_t  kind;
    uint8_t  active;
    uint64_t first_us;       /* first raised                         */
    uint64_t last_us;        /* last confirmed (decay runs from here) */
    double   weight;
    double   confidence;     /* 0..1                                  */
    uint32_t count;          /* times confirmed                       */
    char     indicator[EVIDENCE_INDICATOR_MAX];
    char     explanation[EVIDENCE_EXPLANATION_MAX];
};

/* x limited to [0, 1]: confidences and the ramps that make them. */
static inline double clamp01(double x)
{
    return x < 0 ? 0 : x > 1 ? 1 : x;
}

const char *evidence_kind_name(int kind);

/* The data source of a kind, and its name ("dns_failures", ...). */
int evidence_kind_source(int kind);
const char *evidence_source_name(int source);

/* A span of s seconds for an explanation ("45 s", "15 min", "6.0 h") into
 * buf; returns buf. */
const char *evidence_duration_text(double s, char *buf, size_t len);

/* 2^(-dt/half_life); dt in microseconds (0 when now < then). */
double evidence_decay(uint64_t now_us, uint64_t then_us, double half_life_s);

/* Decayed contribution of one evidence at now. */
double evidence_value(const struct evidence *e, uint64_t now_us, double half_life_s);

/* The verdict arithmetic, pure: given the current state (flagged or not),
 * the score, the highest confidence and the number of independent sources,
 * returns the new state (1 flagged, 0 clean). */
int evidence_verdict(int flagged, double score, double max_confidence, int sources,
                     double threshold, double clear, double standalone);

#endif /* SH_EVIDENCE_H */
