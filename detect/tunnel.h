/*
 * tunnel.h -- DNS tunnelling and DNS C2 (iodine, dnscat2, DNSExfiltrator,
 * Cobalt Strike DNS beacons).
 *
 * A tunnel carries data in the query names of one zone: many distinct,
 * long, high-entropy subdomains, often with TXT, NULL, CNAME or MX
 * queries whose answers carry the return channel.  Per (host, zone) this
 * module keeps the last TQ_KEEP distinct encoded parts (what is left of
 * the zone) with the time each was last asked, its length, entropy and
 * query type, and counts them EXACTLY over two sliding windows: the short
 * tunnel_window and the long horizon tunnel_long_window (a slow tunnel
 * under the short threshold adds up over hours).  Nothing resets: a name
 * leaves a window when it gets older than the window.
 * Evidence dns_tunnel is raised when distinct subdomains >=
 * tunnel_min_unique (short) or tunnel_long_min_unique (long), the encoded
 * part is long and random enough (tunnel_min_label_len,
 * tunnel_min_entropy) and carried >= tunnel_min_bytes; confidence grows
 * with the distinct count up to the window's full count and with a
 * TXT/NULL/CNAME/MX-heavy mix, and is multiplied by tunnel_popular_factor
 * when the zone is popular or locally prevalent (anti-virus reputation
 * lookups and CDNs look similar).
 *
 * The same counts are kept per zone across hosts: when 2..8 hosts together
 * (tunnel_zone_min_hosts) push one zone over a threshold that none reaches
 * alone, each of them gets a weaker evidence (never standalone) naming the
 * others' share.  More hosts than that asking encoded names of one zone is
 * a service everyone uses, not a covert channel.
 *
 * Only queries whose encoded part is at least tunnel_track_len characters
 * long get tracked state (www, mail, api never do), from a fixed pool of
 * `capacity` (host, zone) entries and capacity/8 zone entries, the weakest
 * (fewest distinct names) of a bounded scan going first when full.
 *
 * The zone is the registrable domain of the clean (letters, digits,
 * hyphens) right-hand part of the name.  When the name has no plausible
 * suffix (dnscat2 talking straight to its server: "dnscat.<hex>.<hex>"),
 * the zone is the DNS server it was sent to ("@198.51.100.7").
 */
#ifndef SH_TUNNEL_H
#define SH_TUNNEL_H

#include <stddef.h>
#include <stdint.h>

#include "../capture/event.h"
#include "dga.h"
#include "host.h"
#include "params.h"

struct tunnel;

/* prevalent(ctx, zone): the zone is locally prevalent (a benign prior);
 * may be NULL. */
typedef int (*tunnel_prevalent_fn)(void *ctx, const char *zone);

struct tunnel *tunnel_create(size_t capacity, const struct dga_model *m,
                             const struct domain_ctx *d, tunnel_prevalent_fn prevalent,
                             void *ctx, char *err, size_t errlen);
void tunnel_destroy(struct tunnel *t);

/* One query by host h for name (raw wire bytes, len) of type qtype, sent
 * to `server`.  Hosts whose evidence changed are added to *out. */
void tunnel_query(struct tunnel *t, struct host_table *ht, struct host *h,
                  const char *name, size_t len, uint16_t qtype,
                  const struct sh_addr *server, uint64_t now_us,
                  const struct detect_params *p, struct host_touched *out);

/* Zone of a name as used here, for tests and explanations: 0 ok with the
 * zone in buf and the encoded prefix length in *prefix_len; -1 when the
 * name has no zone of its own (the caller uses the server). */
int tunnel_zone(const struct domain_ctx *d, const char *name, size_t len,
                char *buf, size_t buflen, size_t *prefix_len);

/* Shannon entropy of s[0..n), bits per character. */
double tunnel_entropy(const uint8_t *s, size_t n);

struct tunnel_stats {
    uint64_t queries, tracked, zones_evicted;
};
void tunnel_get_stats(const struct tunnel *t, struct tunnel_stats *s);

#endif /* SH_TUNNEL_H */
