/*
 * host.h -- the bounded table of internal hosts, their MAC bindings, the
 * MACs of the segment (which of them are routers), and host evidence.
 *
 * A host is an internal IP address.  What a verdict may say about it is
 * decided here, because a NAC will cut a port on it:
 *
 *  - MAC bindings hold.  A host has an established binding (bind[0]) and
 *    at most one conflicting newcomer (bind[1]).  Observations rank
 *    hint < Ethernet header < ARP/NDP claim < lease from a trusted DHCP
 *    server.  A different MAC for an IP whose binding is active (confirmed
 *    within mac_active) is recorded as a conflict, never as a replacement;
 *    the conflict lasts while both MACs keep being seen and resolves to
 *    the one that stays.  A hint (a client's DHCP REQUEST/INFORM, a lease
 *    from a server nobody trusts) only fills an empty or stale binding.
 *  - Routers are recognised by what routers do, over a sliding window:
 *    being the L2 next hop of traffic to and from many external addresses
 *    for several internal senders; or carrying many internal source IPs
 *    that no ARP/NDP claim or lease ties to it (an L3 hop between internal
 *    subnets).  A host bound to a router's MAC is "routed", even by a lease
 *    (a forged lease must not make a NAC cut a router): a NAC must act on
 *    its IP.  An ARP/NDP claim or a lease keeps a binding trusted however
 *    many other IPs its MAC claims (a laptop's old leases, an infected
 *    host's gratuitous ARPs for other addresses).
 *  - An address something was said about (evidence, a verdict) moves to a
 *    new MAC only after the newcomer has stayed mac_stable; until then it
 *    is a conflict candidate and the established MAC keeps speaking.
 *  - Events are attributed to a host only when their Ethernet source is
 *    its established MAC (host_mac_consistent): a forger using its own MAC
 *    with a victim's IP speaks for nobody.
 *
 * Memory is fixed at creation: `capacity` hosts, twice as many evidence
 * slots (when they run out, the weakest unflagged host of a bounded scan
 * gives its back), and a MAC table of `capacity` entries whose routers and
 * owned MACs are evicted last.  Hosts that hold evidence, are
 * flagged, or carry detector state (host_watch) are protected: they sit
 * on their own LRU list and are evicted only when no other host is left,
 * the weakest first (counted).  Idle hosts expire after idle_us.  Every
 * removal goes through the removal callback, so a flagged host never
 * disappears silently.  Buckets use the keyed hash of capture/hash.h;
 * iteration follows the LRU lists, so output never depends on the key.
 */
#ifndef SH_HOST_H
#define SH_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "../capture/event.h"
#include "binding.h"
#include "evidence.h"

#define HOST_NONE UINT32_MAX

/* host->infra bits: operator declarations and announcements */
#define INFRA_RESOLVER  0x01u   /* infrastructure.dns_resolvers          */
#define INFRA_SENSOR    0x02u   /* infrastructure.sensor                 */
#define INFRA_DHCP      0x04u   /* infrastructure.dhcp_servers           */

struct mac_binding {
    uint8_t  mac[6];
    uint8_t  source;              /* best enum mac_source seen for it     */
    uint8_t  claimed;             /* an ARP/NDP claim or a trusted lease  */
    uint16_t seen;                /* seconds it was observed in (saturating) */
    uint64_t first_us, last_us;   /* first and latest confirmation        */
};

/* Evidence one host holds: one per kind, or per (kind, indicator) for the
 * kinds about a destination (two C2 servers are two beacons). */
#define HOST_EV_MAX 8

struct host {
    struct sh_addr ip;
    uint64_t first_us, last_us;
    uint32_t gen;                 /* changes when the record is reused    */

    struct mac_binding bind[2];   /* [0] established, [1] conflicting     */
    uint64_t conflict_us;         /* when bind[1] appeared                */
    char     hostname[64];        /* DHCP option 12 ...                   */
    uint8_t  hostname_mac[6];     /* ... given for this MAC               */
    uint64_t hostname_us;

    /* a lease seen for this IP, awaiting the client's own traffic (that
     * confirmation is how DHCP servers seen on the wire earn trust) */
    uint32_t lease_server;        /* detect's server slot + 1, 0 = none   */
    uint8_t  lease_mac[6];
    uint64_t lease_us;
    uint64_t lease_seen_us;       /* the client's first frame after it    */

    uint8_t  infra;               /* INFRA_* bits                         */
    uint64_t relay_us;            /* last lookup it relayed for a visible client */
    uint64_t relayed;             /* lookups relayed for visible clients  */
    uint64_t blind_reported_us;   /* last "relaying for unseen clients"   */

    uint8_t  flagged;             /* current verdict                      */
    uint8_t  ever_flagged;
    double   score;               /* at score_us                          */
    uint64_t score_us;
    uint64_t flagged_us;
    uint32_t reported_kinds;      /* evidence kinds in the last report    */
    uint64_t reported_us;         /* time of the last verdict report      */
    uint64_t watch_until;         /* a detector keeps state until then    */
    uint32_t ev[HOST_EV_MAX];     /* evidence slots, HOST_NONE = none     */

    /* table links */
    uint32_t hnext, lprev, lnext;
    uint8_t  in_use;
    uint8_t  list;                /* 0 plain, 1 protected                 */
};

struct host_params {
    uint64_t idle_us;             /* forget a host silent this long       */
    uint64_t active_us;           /* mac_active                           */
    uint64_t stale_us;            /* mac_stale                            */
    uint64_t stable_us;           /* mac_stable                           */
    uint64_t router_window_us;
    int      router_min_external, router_min_senders, router_ips;
};

struct host_table_stats {
    uint64_t created, expired, evicted, evicted_protected, evicted_flagged;
    uint64_t evidence_exhausted, evidence_reclaimed;
    uint64_t evidence_displaced;  /* a host's weakest evidence gave way     */
    uint64_t evidence_host_full;  /* new evidence weaker than all a full host holds */
    uint64_t active, peak, protected_now;
    uint64_t bindings_moved, conflicts, hints_ignored, router_frames_ignored;
    uint64_t identities_reset;
    uint64_t macs_evicted, macs_evicted_valued;
};

enum host_removal { HOST_REMOVED_EXPIRED = 0, HOST_REMOVED_EVICTED };

/* Called just before a host record is forgotten (its evidence still
 * readable); the callback must not touch the table. */
typedef void (*host_removed_fn)(void *ctx, struct host *h, int reason);

/* Called just before h's established MAC changes to new_mac (the old
 * binding still readable).  The callback may report and call
 * host_reset_identity(); it must not create or remove hosts. */
typedef void (*host_moved_fn)(void *ctx, struct host *h, const uint8_t new_mac[6]);

struct host_table;

#define HOST_MAC_SET 16   /* addresses remembered per MAC and epoch: the
                             router thresholds count up to this */

struct host_table *host_table_create(size_t capacity, const struct host_params *p,
                                     char *err, size_t errlen);
void host_table_destroy(struct host_table *t);   /* NULL is a no-op */
void host_table_on_removed(struct host_table *t, host_removed_fn fn, void *ctx);
void host_table_on_moved(struct host_table *t, host_moved_fn fn, void *ctx);
/* New parameters (SIGHUP): idle timeout, MAC binding and router windows;
 * the hosts and bindings kept so far stay. */
void host_table_set_params(struct host_table *t, const struct host_params *p);

/* A unicast, non-zero MAC (what a host can send from). */
int host_mac_valid(const uint8_t m[6]);

/* h becomes a new identity: its evidence goes back to the pool, its
 * verdict state is cleared, its generation changes (detector state and
 * references by index and generation no longer find it). */
void host_reset_identity(struct host_table *t, struct host *h);

/* The host of ip (touching it at now), creating it when `create`.  NULL
 * when absent and !create.  Creating may evict (see the file comment). */
struct host *host_get(struct host_table *t, const struct sh_addr *ip,
                      uint64_t now_us, int create);
uint32_t host_index(const struct host_table *t, const struct host *h);
/* The host at index i if it is still generation gen (not recycled). */
struct host *host_at(struct host_table *t, uint32_t i, uint32_t gen);

/* Forget hosts idle for longer than idle_us.  Returns how many. */
size_t host_expire(struct host_table *t, uint64_t now_us);

/* A detector holds state about h until `until_us`: protect it. */
void host_watch(struct host_table *t, struct host *h, uint64_t until_us);
/* t + delta for a stored time (0, "never", stays 0; the result stays >= 1
 * and does not wrap).  For moving restored state in time. */
static inline uint64_t host_time_shift(uint64_t t, int64_t delta)
{
    if (!t)
        return 0;
    if (delta < 0)
        return t > (uint64_t)-(delta + 1) + 1 ? t - ((uint64_t)-(delta + 1) + 1) : 1;
    return t <= UINT64_MAX - (uint64_t)delta ? t + (uint64_t)delta : t;
}
/* Every time the table holds (hosts, their bindings and evidence, the MAC
 * entries) moves by delta: a restored state continues at a later (or
 * earlier) packet time.  The LRU orders stay valid (one delta for all). */
void host_shift_time(struct host_table *t, int64_t delta);
/* Re-file h after its verdict or evidence changed. */
void host_refile(struct host_table *t, struct host *h, uint64_t now_us);

/* ---- bindings --------------------------------------------------------- */

enum mac_obs {
    MACOBS_IGNORED = 0,   /* hint or router frame against an active binding */
    MACOBS_NEW,           /* first binding                                  */
    MACOBS_CONFIRMED,     /* same MAC again                                 */
    MACOBS_MOVED,         /* the old binding was stale: replaced            */
    MACOBS_CONFLICT,      /* a second MAC for an active binding             */
};

/* h was seen with mac, from `source` (enum mac_source: ARP, NDP and DHCP
 * are claims).  Returns enum mac_obs. */
int host_observe_mac(struct host_table *t, struct host *h, const uint8_t mac[6],
                     int source, uint64_t now_us);

struct mac_view {
    uint8_t status;               /* enum mac_status                       */
    uint8_t source;               /* of the established binding            */
    uint8_t mac[6];               /* the MAC to act on (TRUSTED), else the
                                     established one for information       */
    uint8_t other[6];             /* CONFLICT: the newcomer                */
    uint64_t since_us;            /* CONFLICT: when it began; else binding age */
};
void host_mac_view(struct host_table *t, struct host *h, uint64_t now_us,
                   struct mac_view *out);

/* May an event from h carrying Ethernet source `mac` be attributed to h?
 * Yes without a binding, when mac is the established MAC, or when the
 * established binding is stale.  A conflicting newcomer's frames are not. */
int host_mac_consistent(struct host_table *t, struct host *h, const uint8_t mac[6],
                        uint64_t now_us);

/* Has mac been some host's established MAC for at least mac_stable, and
 * is it still in use (possibly by several addresses: one machine's IPv6
 * addresses)? */
int host_mac_known(struct host_table *t, const uint8_t mac[6], uint64_t now);

/* The one host whose active established binding is mac (NULL when none,
 * or when several hosts share it: a router, a NAT). */
struct host *host_mac_owner(struct host_table *t, const uint8_t mac[6], uint64_t now);

/* Is h's binding stable: established (not a hint) for mac_stable, active,
 * not in conflict, and not `other` (say, the resolver's own MAC)?  A claim
 * is one frame: it never stands in for time. */
int host_stable(struct host_table *t, struct host *h, const uint8_t *other_mac,
                uint64_t now_us);

/* ---- the segment's MACs (router recognition) ---------------------------- */

/* next_hop carried traffic between internal `sender` (its MAC, may be
 * NULL) and external address ext. */
void host_note_next_hop(struct host_table *t, const uint8_t next_hop[6],
                        const uint8_t *sender, const struct sh_addr *ext, uint64_t now_us);
/* mac was the Ethernet source of a packet from internal ip (unclaimed). */
void host_note_mac_ip(struct host_table *t, const uint8_t mac[6],
                      const struct sh_addr *ip, uint64_t now_us);
int host_mac_is_router(struct host_table *t, const uint8_t mac[6], uint64_t now_us);

/* ---- evidence ------------------------------------------------------------ */

/* Evidence of `kind` for h (kinds held once per host): existing, or a
 * fresh inactive slot when `create` -- displacing the weakest evidence of a
 * host that holds HOST_EV_MAX (counted) -- or NULL when the pool is
 * exhausted even after reclaiming (counted).  Creating protects h. */
struct evidence *host_evidence(struct host_table *t, struct host *h, int kind,
                               int create);
/* Evidence of `kind` about `indicator` (a destination): existing, or, when
 * create_strength > 0, a fresh inactive slot with the indicator set.  A
 * host holding HOST_EV_MAX gives up its weakest (weight x confidence) only
 * for a newcomer stronger than it (create_strength); else NULL, counted:
 * a flood of weak indicators never pushes strong evidence out. */
struct evidence *host_evidence_keyed(struct host_table *t, struct host *h, int kind,
                                     const char *indicator, double create_strength);
/* The first evidence of kind (NULL when none). */
const struct evidence *host_evidence_const(const struct host_table *t,
                                           const struct host *h, int kind);
/* h's evidence slot i (0 <= i < HOST_EV_MAX), NULL when empty. */
/* The same, writable (the engine's own annotations: GeoIP context). */
struct evidence *host_evidence_slot(struct host_table *t, struct host *h, int i);
const struct evidence *host_evidence_at(const struct host_table *t, const struct host *h,
                                        int i);
/* Give h's evidence of kind (all of them), or of slot i, back to the pool. */
void host_evidence_release(struct host_table *t, struct host *h, int kind);
void host_evidence_release_at(struct host_table *t, struct host *h, int i);
int host_has_evidence(const struct host_table *t, const struct host *h);

/* Hosts whose evidence a detector changed, to be rescored (deduplicated;
 * extra hosts beyond the capacity are dropped: they are rescored at the
 * next maintenance pass). */
#define HOST_TOUCHED_MAX 9
struct host_touched {
    int n;
    uint32_t idx[HOST_TOUCHED_MAX];
    uint32_t gen[HOST_TOUCHED_MAX];
};
void host_touched_add(struct host_touched *t, const struct host_table *ht,
                      const struct host *h);

/* Visit every host: unprotected ones, then protected ones, each list least
 * recently seen first.  fn may rescore hosts (they are re-filed at their
 * next touch), not create or remove them. */
void host_foreach(struct host_table *t, void (*fn)(void *ctx, struct host *h),
                  void *ctx);

void host_table_get_stats(const struct host_table *t, struct host_table_stats *s);
size_t host_table_capacity(const struct host_table *t);

/* Restore a host from a snapshot (detect/snapshot.c): `saved` carries its
 * address, times, bindings, hostname and verdict state; ev[0..nev) its
 * evidence.  mac_status (enum mac_status) is the binding's trust when the
 * snapshot was written: TRUSTED makes the MAC this host's own again,
 * ROUTED marks it a router's for a router window (the segment's MAC
 * history is not saved).  Never evicts: NULL when the address is present
 * already or the table is full; evidence beyond the free pool is dropped
 * (*ev_dropped).  Verdict callbacks are not involved. */
struct host *host_restore(struct host_table *t, const struct host *saved, int mac_status,
                          const struct evidence *ev, int nev, int *ev_dropped);

#endif /* SH_HOST_H */
