/*
 * tunnel.h -- DNS tunnelling and DNS C2 (iodine, dnscat2, DNSExfiltrator,
 * Cobalt Strike DNS beacons).
 *
 * A tunnel carries data in the query names of one zone: many distinct,
 * long, high-entropy subdomains, often with TXT, NULL, CNAME or MX
 * queries whose answers carry the return channel.  Per (host, zone) this
 * module keeps, over a tumbling window of tunnel_window seconds:
 *   queries, distinct subdomains (a 64-register HyperLogLog sketch),
 *   bytes and mean length and entropy of the encoded part (what is left of
 *   the zone), the query-type mix, and an example name.
 * Evidence dns_tunnel is raised when distinct subdomains >=
 * tunnel_min_unique, the encoded part is long and random enough
 * (tunnel_min_label_len, tunnel_min_entropy) and carried >=
 * tunnel_min_bytes; confidence grows with the distinct count up to
 * tunnel_full_unique and with a TXT/NULL/CNAME/MX-heavy mix, and is
 * multiplied by tunnel_popular_factor when the zone is a popular domain
 * (anti-virus reputation lookups and CDNs look similar).
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

struct tunnel *tunnel_create(size_t capacity, const struct dga_model *m,
                             const struct domain_ctx *d, char *err, size_t errlen);
void tunnel_destroy(struct tunnel *t);

/* One query by host h for name (raw wire bytes, len) of type qtype, sent
 * to `server`.  Returns 1 when h's evidence changed. */
int tunnel_query(struct tunnel *t, struct host_table *ht, struct host *h,
                 const char *name, size_t len, uint16_t qtype,
                 const struct sh_addr *server, uint64_t now_us,
                 const struct detect_params *p);

/* Zone of a name as used here, for tests and explanations: 0 ok with the
 * zone in buf and the encoded prefix length in *prefix_len; -1 when the
 * name has no zone of its own (the caller uses the server). */
int tunnel_zone(const struct domain_ctx *d, const char *name, size_t len,
                char *buf, size_t buflen, size_t *prefix_len);

/* Shannon entropy of s[0..n), bits per character. */
double tunnel_entropy(const uint8_t *s, size_t n);

struct tunnel_stats {
    uint64_t queries, zones_evicted;
};
void tunnel_get_stats(const struct tunnel *t, struct tunnel_stats *s);

#endif /* SH_TUNNEL_H */
