/*
 * ti.h -- threat intelligence inside the engine (detect/intel.c): the
 * attributes a host used, matched against the feeds (intel.h's lookup) and
 * against the indicators learnt from convicted hosts (the spread).
 *
 * detect.c decides WHO used an attribute (its trust rules: established
 * MAC, paired answers, relayed lookups credited to the client); this
 * module decides WHAT the attribute is (canonical form, evidence.h's
 * enum ioc_type) and what it means:
 *
 *  - a feed hit on a name, address, URL or certificate -> ioc_match on the
 *    host, keyed by the feed's entry, weight and confidence from the feed;
 *    on a JA3/JA4/JA3S/JA4S -> ioc_fingerprint, its confidence capped below
 *    standalone_confidence (a fingerprint alone never flags);
 *  - every contact with a non-benign attribute is remembered in a bounded
 *    per-indicator history (the last TI_HIST hosts, their first and last
 *    contact and how many contacts);
 *  - when a host is convicted without the help of spread evidence, the
 *    indicators behind its evidence become a learnt, expiring set; hosts
 *    in their history get shared_c2 at once, hosts using them later get it
 *    then.  Never learnt: benign or allowlisted names and addresses,
 *    infrastructure (internal, special-purpose, group addresses, resolvers,
 *    DNS servers that answered, DHCP servers, the sensor), public suffixes,
 *    indicators used by spread_prevalent_hosts hosts, and anything from a
 *    host whose verdict needs its spread evidence (no cascade).
 *
 * A host's repeated use of one attribute within intel_contact_gap is one
 * contact: looked up, recorded and counted once (a bounded cache).
 * All tables are fixed at creation, LRU-evicted; iteration is in learning
 * order; only packet time is used.
 */
#ifndef SH_TI_H
#define SH_TI_H

#include <stddef.h>
#include <stdint.h>

#include "../capture/event.h"
#include "evidence.h"
#include "host.h"
#include "intel.h"
#include "params.h"

/* How the host used an attribute (the verb of an explanation). */
enum ti_verb {
    TIV_QUERY = 0,     /* looked the name up                              */
    TIV_ANSWER,        /* was answered this address (for ctx)             */
    TIV_CNAME,         /* was answered this alias target (for ctx)        */
    TIV_SNI,           /* named it in a TLS ClientHello                   */
    TIV_QUIC_SNI,      /* ... in a QUIC Initial                           */
    TIV_HTTP_HOST,     /* sent it as HTTP Host                            */
    TIV_URL,           /* requested it                                    */
    TIV_DEST,          /* connected to it                                 */
    TIV_CERT,          /* was served this certificate                     */
    TIV_CLIENT_FP,     /* its TLS/QUIC ClientHello had this fingerprint   */
    TIV_SERVER_FP,     /* the server it reached answered with this one    */
    TIV_MAX
};

struct ti_attr {
    uint8_t type;                    /* enum ioc_type                   */
    uint8_t verb;                    /* enum ti_verb                    */
    uint16_t len;                    /* of v                            */
    char v[EVIDENCE_IOC_MAX];        /* canonical value                 */
    struct sh_addr ip;               /* IOC_IP                          */
    const char *ctx;                 /* TIV_ANSWER/TIV_CNAME: the name asked */
};

#define TI_ATTR_MAX 24               /* attributes of one event, at most */

/* What detect.c says of an attribute (it knows the allowlists, the
 * popularity list, local prevalence, the answers that bound addresses to
 * names, the resolvers and internal networks). */
enum ti_class {
    TI_PLAIN = 0,      /* looked up, remembered, may be learnt            */
    TI_BENIGN,         /* looked up in feeds; never remembered nor learnt  */
    TI_INFRA,          /* remembered, never learnt (resolver, gateway ...) */
    TI_SKIP,           /* allowlisted / not a destination: ignored        */
};
typedef int (*ti_classify_fn)(void *ctx, const struct ti_attr *a);

/* A host got spread evidence it must be rescored for. */
typedef void (*ti_touch_fn)(void *ctx, struct host *h);

struct ti;

struct ti *ti_create(const struct detect_params *p, ti_classify_fn classify,
                     ti_touch_fn touch, void *ctx, char *err, size_t errlen);
void ti_destroy(struct ti *ti);                    /* NULL is a no-op */
/* New parameters (SIGHUP).  The tables keep the sizes spread_history_size
 * and spread_max_learnt gave them at ti_create (those two need a restart). */
void ti_set_params(struct ti *ti, const struct detect_params *p);
void ti_set_lookup(struct ti *ti, intel_lookup_fn fn, void *ctx);

/* ---- canonical forms (evidence.h, enum ioc_type) ------------------------ */

/* A DNS name or HTTP/SNI host: lower case, one trailing dot dropped; an
 * address literal (IPv4, IPv6, bracketed IPv6) becomes IOC_IP.  Returns
 * the ioc type (IOC_DOMAIN or IOC_IP, with *ip filled), or IOC_NONE when
 * it is no name (empty, too long, control bytes, spaces, '/'). */
int ti_canon_host(const char *s, size_t n, struct ti_attr *out);
/* Hex with or without ':' separators, any case -> lower hex, no ':';
 * `digits` (32, 40, 64) must match.  0 ok, -1 not that hash. */
int ti_canon_hex(const char *s, size_t n, size_t digits, char *out, size_t outlen);
/* "http://host[:port]/path?query": host canonical, port only when not
 * 80; an absolute-form request target keeps its own host.  0 ok, -1 when
 * it does not fit or the host is no name. */
int ti_canon_url(const char *host, size_t hn, uint16_t port, const char *uri, size_t un,
                 char *out, size_t outlen);

/* ---- attributes of events ------------------------------------------------ */

/* Each fills out[] (at most TI_ATTR_MAX) and returns how many.  Only what
 * the event itself says; detect.c has already decided whose it is. */
int ti_from_query_name(const char *name, size_t len, struct ti_attr *out);
int ti_from_answer(const struct sh_event *ev, struct ti_attr *out);
int ti_from_tls(const struct sh_event *ev, struct ti_attr *out);
int ti_from_http(const struct sh_event *ev, struct ti_attr *out);
int ti_from_dest(const struct sh_addr *dst, struct ti_attr *out);

/* ---- matching and spread ---------------------------------------------------- */

/* Host h (a shadow when `shadow`: feeds only, no history, no spread) used
 * attributes a[0..n) at now: feed lookups, the learnt set, the history.
 * Hosts whose evidence changed go to t. */
void ti_used(struct ti *ti, struct host_table *ht, struct host *h, int shadow,
             const struct ti_attr *a, int n, uint64_t now, struct host_touched *t);

/* External addr answered a paired query of host `who` (a keyed hash of
 * its address, nonzero), a recognised resolver when `resolver`: once it
 * answered a resolver, or two hosts, it is a DNS server (never learnt). */
int ti_note_dns_answer(struct ti *ti, const struct sh_addr *addr, uint32_t who, int resolver);
/* ... returns 1 when addr just became one and was in the learnt set:
 * ti_forget_ip() then drops it (writing its value), and the caller
 * withdraws the shared_c2 evidence keyed by that value.  1 when dropped. */
int ti_forget_ip(struct ti *ti, const struct sh_addr *addr, uint64_t now, char *value,
                 size_t len);
/* addr is a DNS server (the same, unconditionally). */
void ti_note_dns_server(struct ti *ti, const struct sh_addr *addr);

/* Would h be flagged without its spread evidence (shared_c2)?  Only such
 * a host's indicators are learnt. */
int ti_convicted_alone(const struct ti *ti, const struct host_table *ht,
                       const struct host *h, uint64_t now);

/* h is flagged and has new evidence: learn the indicators behind it (when
 * ti_convicted_alone), and give the hosts in their history shared_c2
 * (through the touch callback).  Returns the indicators learnt now. */
int ti_learn_from(struct ti *ti, struct host_table *ht, struct host *h, uint64_t now);

/* Restore one learnt indicator from a snapshot (detect/snapshot.c): not
 * when expired at now, invalid, or learnt already.  No spread happens
 * (the hosts it reached carry their shared_c2 evidence in the snapshot).
 * Returns 1 when restored. */
int ti_restore_learned(struct ti *ti, struct host_table *ht, const struct learned_ioc *l,
                       uint64_t now);
/* The learnt set's times (learnt, expires) move by delta (a restored
 * state continuing at another packet time; host_time_shift). */
void ti_shift_learned(struct ti *ti, int64_t delta);

/* The learnt set, in learning order (expired ones skipped). */
int ti_learned(struct ti *ti, uint64_t now, intel_learned_fn fn, void *ctx);

struct ti_stats {
    uint64_t attrs, cached, lookups, hits, ioc_matches, fingerprints;
    uint64_t recorded, history_evicted, history_quota_refused;
    uint64_t learnt, learn_refused_benign, learn_refused_infra, learn_refused_prevalent;
    uint64_t learn_refused_spread_only, learnt_evicted, learnt_forgotten;
    uint64_t shared_retro, shared_forward;
};
void ti_get_stats(const struct ti *ti, struct ti_stats *s);

#endif /* SH_TI_H */
