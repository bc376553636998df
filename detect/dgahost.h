/*
 * dgahost.h -- DGA in context: where DGAs really show (Pleiades, Antonakakis
 * et al., USENIX Security 2012).
 *
 * A per-name lexical score (dga.c) is a weak signal; a host that fails to
 * resolve many distinct algorithmic-looking registrable domains in a short
 * window is a strong one.  Three evidences come out of this module:
 *
 *  - dga_nxdomain:  in the last nx_window seconds the host got NXDOMAIN
 *    for >= nx_min_names distinct registrable domains scoring at least
 *    dga_context_score, whose mean score is >= nx_min_mean_score;
 *    confidence grows with the count up to nx_full_names.
 *  - dga_resolved:  after >= resolved_min_failures such failures, an
 *    algorithmic-looking, unpopular name resolves: often the live C2,
 *    reported with its addresses.
 *  - dga_shared_names: the host failed on >= shared_min_names registrable
 *    domains that other internal hosts also failed on (same family, same
 *    seed), within shared_window; raised for every host involved.
 *
 * State is bounded: a fixed map of per-host windows (the NX_KEEP most
 * recent distinct names each) and a fixed map of recently failed names
 * with up to four hosts each; both drop their least recently used entries
 * when full.  Pure with respect to time: everything runs on packet time.
 */
#ifndef SH_DGAHOST_H
#define SH_DGAHOST_H

#include <stddef.h>
#include <stdint.h>

#include "dga.h"
#include "host.h"
#include "params.h"

struct dgahost;

struct dgahost *dgahost_create(size_t hosts, size_t names, char *err, size_t errlen);
void dgahost_destroy(struct dgahost *g);

#define DGAHOST_MAX_PEERS 4

/* Host h got a failed answer (NXDOMAIN) for `name`, scored v.  Updates
 * h's window and, when thresholds are met, its (and its peers') evidence. */
void dgahost_failed(struct dgahost *g, struct host_table *ht, struct host *h,
                    const struct dga_verdict *v, uint64_t now_us,
                    const struct detect_params *p, struct host_touched *out);

/* Host h got a successful answer for `name` (scored v) with addresses
 * `addrs` (text, comma separated, may be ""). */
void dgahost_resolved(struct dgahost *g, struct host_table *ht, struct host *h,
                      const struct dga_verdict *v, const char *addrs,
                      uint64_t now_us, const struct detect_params *p,
                      struct host_touched *out);

struct dgahost_stats {
    uint64_t failures_counted, windows_evicted, windows_evicted_algo, names_evicted;
};
void dgahost_get_stats(const struct dgahost *g, struct dgahost_stats *s);

#endif /* SH_DGAHOST_H */
