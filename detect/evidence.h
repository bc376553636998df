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

#include "../capture/event.h"

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
    EVK_IOC_MATCH,         /* a threat-intel feed names a name, address, URL
                              or certificate the host used (keyed)         */
    EVK_IOC_FINGERPRINT,   /* a feed lists the host's TLS/QUIC client
                              fingerprint (JA3/JA4; keyed); never convicts
                              alone: browsers share them                   */
    EVK_TLS_TELL,          /* a TLS handshake as tools and malware make them:
                              self-signed/expired/mismatched certificate of a
                              rare server, no SNI to a bare IP, default
                              subjects, rare fingerprint (keyed)           */
    EVK_HTTP_TELL,         /* HTTP as tools and malware make it: IP-literal
                              Host, random POSTs, executable downloads, tool
                              user agents, missing Host (keyed)            */
    EVK_NAME_TELL,         /* names malware uses: dynamic DNS, IP-check
                              services, new rare domains (keyed)           */
    EVK_EXFIL,             /* a workstation sending mail, FTP uploads or large
                              uploads to an external destination (keyed)   */
    EVK_SHARED_C2,         /* contact with an indicator behind another host's
                              conviction (keyed)                           */
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
    SRC_REPUTATION,        /* what threat intelligence says of a destination */
    SRC_FINGERPRINT,       /* the host's own TLS client fingerprint        */
    SRC_TLS,               /* what the TLS handshake and certificate show   */
    SRC_HTTP,              /* what the HTTP requests show                   */
    SRC_NAMES,             /* what kind of names the host looks up          */
    SRC_EXFIL,             /* what the host uploads, and how                */
    SRC_SPREAD,            /* another convicted host's indicators           */
    SRC_MAX
};

/* The external indicator an evidence is about, in canonical form, so it
 * can be matched, spread to other hosts and exported (enum ioc_type):
 * addresses as inet_ntop text, names lower case without the trailing dot,
 * URLs as "http://host/path?query" (no port when 80), JA3/JA3S as lower
 * hex MD5, JA4 as FoxIO text, certificate hashes as lower hex without ':'. */
enum ioc_type {
    IOC_NONE = 0,
    IOC_IP,                /* an address (feeds may give CIDRs)            */
    IOC_DOMAIN,            /* a name; a feed's entry matches subdomains    */
    IOC_URL,
    IOC_JA3,               /* client fingerprints ...                      */
    IOC_JA4,
    IOC_JA3S,              /* ... and server ones                          */
    IOC_JA4S,
    IOC_CERT_SHA1,
    IOC_CERT_SHA256,
    IOC_TYPE_MAX
};

#define EVIDENCE_INDICATOR_MAX 128
#define EVIDENCE_IOC_MAX 256
#define EVIDENCE_EXPLANATION_MAX 320
#define EVIDENCE_GEO_ORG_MAX 64

struct evidence {
    uint8_t  kind;
    uint8_t  active;
    uint64_t first_us;       /* first raised                         */
    uint64_t last_us;        /* last confirmed (decay runs from here) */
    double   weight;         /* as the detector set it; evidence_weight() counts */
    double   confidence;     /* 0..1                                  */
    uint32_t count;          /* times confirmed                       */
    char     indicator[EVIDENCE_INDICATOR_MAX];
    char     explanation[EVIDENCE_EXPLANATION_MAX];
    uint8_t  ioc_type;       /* enum ioc_type; IOC_NONE: not about one   */
    char     ioc[EVIDENCE_IOC_MAX]; /* canonical value (see enum ioc_type) */
    /* GeoIP/ASN context of an IOC_IP indicator (detect/geo.h), filled by
     * the engine when it scores the evidence, never by a detector:      */
    uint32_t geo_asn;        /* 0: not known                          */
    char     geo_cc[3];      /* ISO 3166-1 alpha-2; "" not known      */
    char     geo_org[EVIDENCE_GEO_ORG_MAX]; /* AS organisation        */
    double   geo_factor;     /* configured weight multiplier; 0 = not
                                looked up (counts as 1)                */
    uint16_t geo_len;        /* length of the " [AS.., CC]" the engine
                                appended to the explanation (0: none)  */
    struct sh_addr peer;     /* shared_c2: the convicted host whose
                                indicator this is (family 0: none)       */
};

/* The weight the evidence counts with: the detector's weight times the
 * configured GeoIP/ASN multiplier (geoip.asn_weights / country_weights). */
static inline double evidence_weight(const struct evidence *e)
{
    return e->geo_factor > 0 ? e->weight * e->geo_factor : e->weight;
}

/* x limited to [0, 1]: confidences and the ramps that make them. */
static inline double clamp01(double x)
{
    return x < 0 ? 0 : x > 1 ? 1 : x;
}

const char *evidence_kind_name(int kind);

/* "ip", "domain", "url", "ja3", "ja4", "ja3s", "ja4s", "cert_sha1",
 * "cert_sha256" ("" for IOC_NONE), and back (-1 when unknown). */
const char *ioc_type_name(int type);
int ioc_type_from_name(const char *name);

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
