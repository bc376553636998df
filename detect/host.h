/*
 * host.h -- the bounded table of internal hosts, their MAC and hostname
 * bindings, and their evidence.
 *
 * A host is an internal IP address (home networks).  It carries:
 *  - the MAC it is bound to, with the time and source of that binding.
 *    Sources rank DHCP (the client hardware address of a lease) above
 *    ARP/NDP (what the host announced) above the Ethernet header of its
 *    packets; a lower-ranked source replaces a binding only once the
 *    binding is older than `stale_us`.
 *  - whether that MAC can be trusted: a MAC seen with more than
 *    mac_router_ips internal IPs is a router's (hosts behind an L3 hop all
 *    carry its MAC), and such hosts are reported by IP with the MAC unknown,
 *    because a NAC acting per MAC would otherwise quarantine the router.
 *  - the hostname from DHCP option 12.
 *  - up to one evidence per kind (pooled, see evidence.h), the score and
 *    the verdict.
 *
 * Memory is fixed at creation: `capacity` hosts, as many evidence slots,
 * and a MAC table of `capacity` entries.  Hosts idle for `idle_us` are
 * forgotten; when the table is full the least recently seen host is
 * evicted (counted).  Iteration is in last-seen order, so a replay prints
 * the same table every time.
 */
#ifndef SH_HOST_H
#define SH_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "../capture/event.h"
#include "evidence.h"

#define HOST_NONE UINT32_MAX

enum mac_source { MAC_NONE = 0, MAC_ETHERNET, MAC_ARP, MAC_NDP, MAC_DHCP };

struct host {
    struct sh_addr ip;
    uint64_t first_us, last_us;
    uint32_t gen;                 /* changes when the record is reused    */

    uint8_t  mac[6];
    uint8_t  mac_source;          /* enum mac_source                      */
    uint64_t mac_us;              /* when the binding was last confirmed  */
    char     hostname[64];
    uint64_t hostname_us;

    uint8_t  infra;               /* 0 no, 1 configured, 2 detected resolver */
    uint8_t  resolver_clients;    /* distinct internal clients answered   */
    uint32_t client_hash[8];

    uint8_t  flagged;             /* current verdict                      */
    uint8_t  ever_flagged;
    double   score;               /* at score_us                          */
    uint64_t score_us;
    uint64_t flagged_us;
    uint32_t reported_kinds;      /* evidence kinds in the last report    */
    uint64_t reported_us;         /* time of the last verdict report      */
    uint32_t ev[EVK_MAX];         /* evidence slots, HOST_NONE = none     */

    /* table links */
    uint32_t hnext, lprev, lnext;
    uint8_t  in_use;
};

struct host_table_stats {
    uint64_t created, expired, evicted, evicted_flagged;
    uint64_t evidence_exhausted;
    uint64_t active, peak;
};

struct host_table;

struct host_table *host_table_create(size_t capacity, uint64_t idle_us,
                                     uint64_t stale_us, char *err, size_t errlen);
void host_table_destroy(struct host_table *t);   /* NULL is a no-op */

/* The host of ip (touching it at now), creating it when `create`.  NULL
 * when absent and !create.  Creating may evict the least recently seen. */
struct host *host_get(struct host_table *t, const struct sh_addr *ip,
                      uint64_t now_us, int create);
uint32_t host_index(const struct host_table *t, const struct host *h);
/* The host at index i if it is still generation gen (not recycled). */
struct host *host_at(struct host_table *t, uint32_t i, uint32_t gen);

/* Forget hosts idle for longer than idle_us.  Returns how many. */
size_t host_expire(struct host_table *t, uint64_t now_us);

/* Learn that h uses mac (source ranks as above). */
void host_bind_mac(struct host_table *t, struct host *h, const uint8_t mac[6],
                   int source, uint64_t now_us);
/* Record that mac was seen carrying this internal ip (router detection). */
void host_note_mac_ip(struct host_table *t, const uint8_t mac[6],
                      const struct sh_addr *ip, uint64_t now_us);
/* Number of distinct internal IPs seen with h's MAC (0 when no MAC). */
int host_mac_ips(const struct host_table *t, const struct host *h);

/* Evidence of `kind` for h: existing, or a fresh inactive slot when
 * `create` (NULL when the pool is exhausted, counted). */
struct evidence *host_evidence(struct host_table *t, struct host *h, int kind,
                               int create);
const struct evidence *host_evidence_const(const struct host_table *t,
                                           const struct host *h, int kind);

/* Visit every host, least recently seen first. */
void host_foreach(struct host_table *t, void (*fn)(void *ctx, struct host *h),
                  void *ctx);

void host_table_get_stats(const struct host_table *t, struct host_table_stats *s);

#endif /* SH_HOST_H */
