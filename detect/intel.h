/*
 * intel.h -- threat intelligence as the detection engine sees it: a lookup
 * it asks about every external attribute a host used, and the indicators
 * it learnt itself from convicted hosts.
 *
 * The engine never reads feeds: whoever owns them (feeds/ioc.h) hands it a
 * lookup function with detect_set_intel().  The engine extracts the
 * attributes of each event -- DNS query names, answer addresses and CNAME
 * targets of paired answers, SNI (TCP and QUIC), HTTP Host and URL,
 * certificate SHA-1/SHA-256, JA3/JA4/JA3S/JA4S, destination addresses --
 * canonicalises them (evidence.h, enum ioc_type) and asks.  A hit becomes
 * evidence on the host that used the attribute (ioc_match, or
 * ioc_fingerprint for JA3/JA4, which never convicts alone).
 *
 * Spread: when a host is convicted, the external indicators behind its
 * verdict become a local, expiring indicator set applied to every host,
 * retroactively too (a bounded recent-contact history per indicator); the
 * other hosts that touched them get shared_c2 evidence naming the first
 * host.  detect_learned_iocs() lists that set for export (--export-iocs).
 */
#ifndef SH_INTEL_H
#define SH_INTEL_H

#include <stddef.h>
#include <stdint.h>

#include "../capture/event.h"
#include "evidence.h"

#define INTEL_FEED_NAME_MAX 32
#define INTEL_REASON_MAX 96

/* One feed entry that matched. */
struct intel_hit {
    uint8_t  type;                       /* enum ioc_type of the entry     */
    char     entry[EVIDENCE_IOC_MAX];    /* as listed: "evil.example",
                                            "203.0.113.0/24", a URL, ...  */
    char     feed[INTEL_FEED_NAME_MAX];  /* the feed's configured name     */
    char     reason[INTEL_REASON_MAX];   /* listing reason, family, label;
                                            "" when the feed gives none    */
    double   weight;                     /* the feed's weight ...          */
    double   confidence;                 /* ... and confidence (config)    */
};

/* Look `value` (canonical, `len` bytes, not necessarily NUL-terminated)
 * of `type` up; for IOC_IP, `ip` is the address (value is its text) and
 * the lookup is by longest prefix; for IOC_DOMAIN an entry matches the
 * name and its subdomains (the most specific entry first).  Writes at
 * most `max` hits into out (one per feed at most) and returns how many.
 * Called on the detection thread; must not block. */
typedef int (*intel_lookup_fn)(void *ctx, int type, const char *value, size_t len,
                               const struct sh_addr *ip, struct intel_hit *out, int max);

/* One indicator the engine learnt from a convicted host. */
struct learned_ioc {
    uint8_t  type;                       /* enum ioc_type                  */
    char     value[EVIDENCE_IOC_MAX];    /* canonical                      */
    struct sh_addr first_host;           /* the convicted host it came from */
    uint8_t  evidence_kind;              /* enum evidence_kind behind it   */
    char     explanation[EVIDENCE_EXPLANATION_MAX]; /* that evidence's     */
    uint64_t learnt_us;                  /* packet time it was learnt      */
    uint64_t expires_us;                 /* it is forgotten then           */
    uint32_t hosts;                      /* hosts seen using it so far     */
};

typedef void (*intel_learned_fn)(void *ctx, const struct learned_ioc *l);

#endif /* SH_INTEL_H */
