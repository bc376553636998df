/*
 * host.c -- internal hosts, MAC bindings, router recognition, evidence
 * slots.  See host.h for the rules; this file keeps their invariants:
 *
 *  - host records: one array, keyed hash chains, two LRU lists (plain and
 *    protected, each in last-seen order).  A record is on exactly one list
 *    (h->list says which) and one chain.  Eviction takes the plain list's
 *    head; only when that list is empty does it look at protected hosts
 *    (a bounded scan of both ends of their list for the weakest).
 *  - bind[1].source != MAC_NONE only while bind[0] is set and differs.
 *  - MAC entries: one array, keyed chains, one LRU list; per MAC two
 *    epochs of router_window/2 each hold small sets of 32-bit keyed hashes
 *    (external peers, senders, unclaimed internal IPs).  A count is the
 *    size of the union of both epochs, so it slides: nothing counted ever
 *    stays forever.
 *  - evidence slots: a free stack; a host owns at most HOST_EV_MAX, one per
 *    kind or, for keyed kinds, one per (kind, indicator).
 */
#include "host.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../capture/hash.h"

#define SENDERS_KEPT 4
#define PROTECT_SCAN 32        /* protected hosts looked at per end        */

struct mac_set {
    uint32_t v[HOST_MAC_SET];
    uint8_t  n;
};

struct mac_entry {
    uint8_t  mac[6];
    uint8_t  in_use;
    uint64_t epoch_us;            /* start of epoch 0                      */
    uint64_t last_us;
    struct mac_set ext[2];        /* external addresses it was next hop for */
    struct mac_set ips[2];        /* unclaimed internal source IPs          */
    uint32_t snd[2][SENDERS_KEPT];/* internal MACs sending through it       */
    uint8_t  nsnd[2];
    uint32_t owner_idx, owner_gen;/* the host whose established MAC it is  */
    uint8_t  has_owner, shared;   /* shared: several hosts' (router, NAT)  */
    uint64_t owned_since;         /* first became some host's established MAC */
    uint64_t router_until;        /* restored (snapshot): a router until then */
    uint32_t hnext, lprev, lnext;
};

struct lru {
    uint32_t head, tail;
};

struct host_table {
    struct host *h;
    uint32_t *bkt;
    uint32_t cap, mask, hwm, free_head;
    struct lru lists[2];          /* [0] plain, [1] protected              */
    struct host_params p;

    struct evidence *ev;
    uint32_t *ev_free;
    uint32_t ev_nfree, ev_hwm;

    struct mac_entry *m;
    uint32_t *mbkt;
    uint32_t mhwm, mfree;
    struct lru mlru;

    int iterating;                /* host_foreach running: no re-filing    */
    host_moved_fn moved;
    void *moved_ctx;
    host_removed_fn removed;
    void *removed_ctx;
    struct host_table_stats st;
    struct hkey key;
};

static uint32_t addr_hash(const struct host_table *t, const struct sh_addr *a)
{
    uint8_t k[17];
    memcpy(k, a->a, 16);
    k[16] = a->family;
    return (uint32_t)hk_bytes(&t->key, k, sizeof(k));
}

static uint32_t mac_hash(const struct host_table *t, const uint8_t m[6])
{
    return (uint32_t)hk_bytes(&t->key, m, 6);
}

int host_mac_valid(const uint8_t m[6])
{
    if (m[0] & 1)                          /* group (multicast, broadcast) */
        return 0;
    return (m[0] | m[1] | m[2] | m[3] | m[4] | m[5]) != 0;
}

/* ---- generic index-linked LRU helpers ------------------------------- */

#define LRU_UNLINK(arr, l, i) do {                                   \
        if ((arr)[i].lprev != HOST_NONE) (arr)[(arr)[i].lprev].lnext = (arr)[i].lnext; \
        else (l)->head = (arr)[i].lnext;                             \
        if ((arr)[i].lnext != HOST_NONE) (arr)[(arr)[i].lnext].lprev = (arr)[i].lprev; \
        else (l)->tail = (arr)[i].lprev;                             \
        (arr)[i].lprev = (arr)[i].lnext = HOST_NONE;                 \
    } while (0)

#define LRU_APPEND(arr, l, i) do {                                   \
        (arr)[i].lnext = HOST_NONE;                                  \
        (arr)[i].lprev = (l)->tail;                                  \
        if ((l)->tail != HOST_NONE) (arr)[(l)->tail].lnext = (i);    \
        else (l)->head = (i);                                        \
        (l)->tail = (i);                                             \
    } while (0)

/* Every evidence slot of h goes back to the pool. */
static void release_all(struct host_table *t, struct host *h)
{
    for (int i = 0; i < HOST_EV_MAX; i++)
        host_evidence_release_at(t, h, i);
}

struct host_table *host_table_create(size_t capacity, const struct host_params *p,
                                     char *err, size_t errlen)
{
    struct host_table *t;
    uint32_t nb = 1;

    if (capacity < 1 || capacity > (1u << 26)) {
        snprintf(err, errlen, "host table capacity %zu out of range", capacity);
        return NULL;
    }
    while (nb < capacity)
        nb <<= 1;
    t = calloc(1, sizeof(*t));
    if (!t)
        goto nomem;
    t->cap = (uint32_t)capacity;
    t->mask = nb - 1;
    t->p = *p;
    hk_init(&t->key);
    t->free_head = HOST_NONE;
    for (int i = 0; i < 2; i++)
        t->lists[i].head = t->lists[i].tail = HOST_NONE;
    t->mlru.head = t->mlru.tail = HOST_NONE;
    t->mfree = HOST_NONE;
    t->h = calloc(capacity, sizeof(*t->h));
    t->bkt = malloc(nb * sizeof(uint32_t));
    t->ev = calloc(2 * capacity, sizeof(*t->ev));
    t->ev_free = malloc(2 * capacity * sizeof(uint32_t));
    t->m = calloc(capacity, sizeof(*t->m));
    t->mbkt = malloc(nb * sizeof(uint32_t));
    if (!t->h || !t->bkt || !t->ev || !t->ev_free || !t->m || !t->mbkt)
        goto nomem;
    memset(t->bkt, 0xff, nb * sizeof(uint32_t));
    memset(t->mbkt, 0xff, nb * sizeof(uint32_t));
    return t;
nomem:
    snprintf(err, errlen, "cannot allocate a host table of %zu hosts", capacity);
    host_table_destroy(t);
    return NULL;
}

void host_table_destroy(struct host_table *t)
{
    if (!t)
        return;
    free(t->h);
    free(t->bkt);
    free(t->ev);
    free(t->ev_free);
    free(t->m);
    free(t->mbkt);
    free(t);
}

void host_table_on_removed(struct host_table *t, host_removed_fn fn, void *ctx)
{
    t->removed = fn;
    t->removed_ctx = ctx;
}

void host_table_set_params(struct host_table *t, const struct host_params *p)
{
    t->p = *p;
}

void host_table_on_moved(struct host_table *t, host_moved_fn fn, void *ctx)
{
    t->moved = fn;
    t->moved_ctx = ctx;
}

/* Everything a host's evidence said was said about its former MAC: it
 * goes, and so does detector state (keyed by generation). */
void host_reset_identity(struct host_table *t, struct host *h)
{
    release_all(t, h);
    h->gen++;
    h->flagged = h->ever_flagged = 0;
    h->score = 0;
    h->flagged_us = h->reported_us = 0;
    h->reported_kinds = 0;
    h->watch_until = 0;
    h->hostname[0] = '\0';
    t->st.identities_reset++;
}

uint32_t host_index(const struct host_table *t, const struct host *h)
{
    return (uint32_t)(h - t->h);
}

struct host *host_at(struct host_table *t, uint32_t i, uint32_t gen)
{
    if (i >= t->hwm || !t->h[i].in_use || t->h[i].gen != gen)
        return NULL;
    return &t->h[i];
}

int host_has_evidence(const struct host_table *t, const struct host *h)
{
    for (int k = 0; k < HOST_EV_MAX; k++)
        if (h->ev[k] != HOST_NONE && t->ev[h->ev[k]].active)
            return 1;
    return 0;
}

static int is_protected(const struct host_table *t, const struct host *h, uint64_t now)
{
    return h->flagged || h->watch_until > now || host_has_evidence(t, h);
}

/* Put h at the tail of the list its protection says. */
static void file_host(struct host_table *t, struct host *h, uint64_t now)
{
    uint32_t i = host_index(t, h);
    if (t->iterating)
        return;                       /* filed at its next touch */
    uint8_t want = (uint8_t)is_protected(t, h, now);
    if (want == h->list && t->lists[want].tail == i)
        return;
    LRU_UNLINK(t->h, &t->lists[h->list], i);
    if (h->list)
        t->st.protected_now--;
    h->list = want;
    if (want)
        t->st.protected_now++;
    LRU_APPEND(t->h, &t->lists[want], i);
}

void host_refile(struct host_table *t, struct host *h, uint64_t now_us)
{
    file_host(t, h, now_us);
}

void host_shift_time(struct host_table *t, int64_t delta)
{
    if (!delta)
        return;
    for (uint32_t i = 0; i < t->hwm; i++) {
        struct host *h = &t->h[i];
        if (!h->in_use)
            continue;
        uint64_t *f[] = { &h->first_us, &h->last_us, &h->bind[0].first_us, &h->bind[0].last_us,
                          &h->bind[1].first_us, &h->bind[1].last_us, &h->conflict_us,
                          &h->hostname_us, &h->lease_us, &h->lease_seen_us, &h->relay_us,
                          &h->blind_reported_us, &h->score_us, &h->flagged_us,
                          &h->reported_us, &h->watch_until };
        for (size_t k = 0; k < sizeof(f) / sizeof(f[0]); k++)
            *f[k] = host_time_shift(*f[k], delta);
        for (int k = 0; k < HOST_EV_MAX; k++) {
            struct evidence *e = host_evidence_slot(t, h, k);
            if (e) {
                e->first_us = host_time_shift(e->first_us, delta);
                e->last_us = host_time_shift(e->last_us, delta);
            }
        }
    }
    for (uint32_t i = 0; i < t->mhwm; i++) {
        struct mac_entry *m = &t->m[i];
        if (!m->in_use)
            continue;
        m->epoch_us = host_time_shift(m->epoch_us, delta);
        m->last_us = host_time_shift(m->last_us, delta);
        m->owned_since = host_time_shift(m->owned_since, delta);
        m->router_until = host_time_shift(m->router_until, delta);
    }
}

void host_watch(struct host_table *t, struct host *h, uint64_t until_us)
{
    if (until_us > h->watch_until)
        h->watch_until = until_us;
    if (!h->list)
        file_host(t, h, h->last_us);
}

static void host_remove(struct host_table *t, struct host *h, int reason)
{
    uint32_t i = host_index(t, h);
    if (t->removed)
        t->removed(t->removed_ctx, h, reason);
    uint32_t *pp = &t->bkt[addr_hash(t, &h->ip) & t->mask];
    while (*pp != HOST_NONE) {
        if (*pp == i) {
            *pp = h->hnext;
            break;
        }
        pp = &t->h[*pp].hnext;
    }
    LRU_UNLINK(t->h, &t->lists[h->list], i);
    if (h->list)
        t->st.protected_now--;
    release_all(t, h);
    h->in_use = 0;
    h->hnext = t->free_head;
    t->free_head = i;
    t->st.active--;
}

/* Is x weaker than best (NULL: anything is): a lower score, or on a tie
 * the younger (a flood's newcomers go before established hosts)? */
static int weaker(const struct host *x, const struct host *best)
{
    return !best || x->score < best->score ||
           (x->score == best->score && x->first_us > best->first_us);
}

/* The protected host to give up: among PROTECT_SCAN hosts from each end
 * of the protected list, one no longer protected, else the lowest score;
 * on a tie the youngest (a flood's newcomers go before established hosts). */
static uint32_t weakest_protected(struct host_table *t, uint64_t now)
{
    const struct lru *l = &t->lists[1];
    uint32_t best = HOST_NONE;
    for (int end = 0; end < 2; end++) {
        uint32_t i = end ? l->tail : l->head;
        for (int k = 0; k < PROTECT_SCAN && i != HOST_NONE; k++) {
            struct host *h = &t->h[i];
            if (!is_protected(t, h, now))
                return i;
            if (weaker(h, best == HOST_NONE ? NULL : &t->h[best]))
                best = i;
            i = end ? h->lprev : h->lnext;
        }
    }
    return best;
}

struct host *host_get(struct host_table *t, const struct sh_addr *ip,
                      uint64_t now_us, int create)
{
    uint32_t b = addr_hash(t, ip) & t->mask;
    uint32_t i;
    struct host *h;

    for (i = t->bkt[b]; i != HOST_NONE; i = t->h[i].hnext) {
        h = &t->h[i];
        if (h->ip.family == ip->family && memcmp(h->ip.a, ip->a, 16) == 0) {
            if (now_us > h->last_us)
                h->last_us = now_us;
            file_host(t, h, now_us);
            return h;
        }
    }
    if (!create)
        return NULL;

    if (t->free_head != HOST_NONE) {
        i = t->free_head;
        t->free_head = t->h[i].hnext;
    } else if (t->hwm < t->cap) {
        i = t->hwm++;
    } else {
        i = t->lists[0].head;
        if (i == HOST_NONE) {
            i = weakest_protected(t, now_us);
            t->st.evicted_protected++;
            if (t->h[i].flagged)
                t->st.evicted_flagged++;
        }
        t->st.evicted++;
        host_remove(t, &t->h[i], HOST_REMOVED_EVICTED);
        b = addr_hash(t, ip) & t->mask;
        i = t->free_head;
        t->free_head = t->h[i].hnext;
    }
    h = &t->h[i];
    uint32_t gen = h->gen + 1;
    memset(h, 0, sizeof(*h));
    h->gen = gen;
    h->ip = *ip;
    h->first_us = h->last_us = now_us;
    h->in_use = 1;
    for (int k = 0; k < HOST_EV_MAX; k++)
        h->ev[k] = HOST_NONE;
    h->hnext = t->bkt[b];
    t->bkt[b] = i;
    h->list = 0;
    LRU_APPEND(t->h, &t->lists[0], i);
    t->st.created++;
    if (++t->st.active > t->st.peak)
        t->st.peak = t->st.active;
    return h;
}

size_t host_expire(struct host_table *t, uint64_t now_us)
{
    size_t n = 0;
    for (int l = 0; l < 2; l++) {
        uint32_t i;
        while ((i = t->lists[l].head) != HOST_NONE &&
               t->h[i].last_us + t->p.idle_us <= now_us) {
            host_remove(t, &t->h[i], HOST_REMOVED_EXPIRED);
            t->st.expired++;
            n++;
        }
    }
    return n;
}

/* ---- bindings ---------------------------------------------------------- */

static void note_owner(struct host_table *t, struct host *h, const uint8_t mac[6], uint64_t now);

static int active(const struct host_table *t, const struct mac_binding *b, uint64_t now)
{
    return b->source != MAC_NONE && b->last_us + t->p.active_us >= now;
}

static void bind_set(struct mac_binding *b, const uint8_t mac[6], int source, uint64_t now)
{
    memcpy(b->mac, mac, 6);
    b->source = (uint8_t)source;
    b->claimed = source >= MAC_ARP;
    b->seen = 1;
    b->first_us = b->last_us = now;
}

static void bind_confirm(struct mac_binding *b, int source, uint64_t now)
{
    if (source > b->source)
        b->source = (uint8_t)source;
    if (source >= MAC_ARP)
        b->claimed = 1;
    if (now >= b->last_us + 1000000ULL && b->seen < UINT16_MAX)
        b->seen++;                       /* another second it was seen in */
    if (now > b->last_us)
        b->last_us = now;
}

/* The established MAC is about to change: whoever holds evidence about
 * the host hears it first (evidence is about the old MAC). */
static void announce_move(struct host_table *t, struct host *h, const uint8_t mac[6])
{
    if (t->moved && h->bind[0].source != MAC_NONE && memcmp(h->bind[0].mac, mac, 6) != 0)
        t->moved(t->moved_ctx, h, mac);
}

/* h's established binding becomes nb (which may be h->bind[1]); the
 * conflict, if any, is over. */
static void move_to(struct host_table *t, struct host *h, const struct mac_binding *nb,
                    uint64_t now)
{
    announce_move(t, h, nb->mac);
    h->bind[0] = *nb;
    memset(&h->bind[1], 0, sizeof(h->bind[1]));
    h->conflict_us = 0;
    t->st.bindings_moved++;
    note_owner(t, h, h->bind[0].mac, now);
}

/* Something was said about h (evidence, a verdict): its MAC moves only
 * after a newcomer has stayed mac_stable, so one forged frame while the
 * host is quiet cannot end its verdict or take its address. */
static int guarded(const struct host_table *t, const struct host *h)
{
    return h->flagged || host_has_evidence(t, h);
}

/* Settle a conflict that time has decided: the side that stopped being
 * seen loses.  Called only where a new observation arrives (so a verdict
 * being written never sees its host change under it); views read the
 * unsettled state (in_conflict()). */
static void settle(struct host_table *t, struct host *h, uint64_t now)
{
    struct mac_binding *b0 = &h->bind[0], *b1 = &h->bind[1];
    if (b1->source == MAC_NONE)
        return;
    int a0 = active(t, b0, now), a1 = active(t, b1, now);
    if (a0 && a1)
        return;
    if (a1 && !a0 && guarded(t, h) && b1->last_us < b1->first_us + t->p.stable_us)
        return;                              /* a candidate, not yet a move */
    if (a1 && !a0) {
        move_to(t, h, b1, now);              /* the newcomer stayed */
        return;
    }
    memset(b1, 0, sizeof(*b1));
    h->conflict_us = 0;
}

/* Without settling: is there a conflict -- a newcomer still active, seen
 * at two moments at least a second apart?  (One stray or forged frame is
 * recorded, not a conflict: it costs a host's verdict its MAC only once
 * the newcomer keeps talking.) */
static int in_conflict(const struct host_table *t, const struct host *h, uint64_t now)
{
    return h->bind[1].source != MAC_NONE && h->bind[1].seen >= 2 &&
           active(t, &h->bind[1], now);
}

static struct mac_entry *mac_find(const struct host_table *t, const uint8_t mac[6]);
static struct mac_entry *mac_get(struct host_table *t, const uint8_t mac[6], uint64_t now);
static int router_mac(const struct host_table *t, const struct mac_entry *e, uint64_t now);

/* h's established binding is mac: remember whose MAC it is. */
static void note_owner(struct host_table *t, struct host *h, const uint8_t mac[6], uint64_t now)
{
    struct mac_entry *e = mac_get(t, mac, now);
    uint32_t idx = host_index(t, h);
    if (e->has_owner && (e->owner_idx != idx || e->owner_gen != h->gen)) {
        const struct host *o = host_at(t, e->owner_idx, e->owner_gen);
        if (o && o->bind[0].source != MAC_NONE && memcmp(o->bind[0].mac, mac, 6) == 0)
            e->shared = 1;
    }
    if (!e->has_owner)
        e->owned_since = now;
    e->owner_idx = idx;
    e->owner_gen = h->gen;
    e->has_owner = 1;
}

int host_observe_mac(struct host_table *t, struct host *h, const uint8_t mac[6],
                     int source, uint64_t now)
{
    struct mac_binding *b0 = &h->bind[0], *b1 = &h->bind[1];
    if (!host_mac_valid(mac) || source <= MAC_NONE)
        return MACOBS_IGNORED;
    settle(t, h, now);
    if (b0->source == MAC_NONE) {
        bind_set(b0, mac, source, now);
        note_owner(t, h, mac, now);
        return MACOBS_NEW;
    }
    if (memcmp(b0->mac, mac, 6) == 0) {
        bind_confirm(b0, source, now);
        return MACOBS_CONFIRMED;
    }
    if (b1->source != MAC_NONE && memcmp(b1->mac, mac, 6) == 0) {
        bind_confirm(b1, source, now);
        settle(t, h, now);                   /* a candidate may have stayed enough */
        return memcmp(b0->mac, mac, 6) == 0 ? MACOBS_MOVED : MACOBS_CONFLICT;
    }
    /* a different MAC */
    if (!active(t, b0, now) && guarded(t, h)) {
        /* a candidate: settle() moves the address to it once it has stayed */
        if (b1->source == MAC_NONE || !active(t, b1, now)) {
            bind_set(b1, mac, source, now);
            h->conflict_us = now;
            t->st.conflicts++;
        }
        return MACOBS_CONFLICT;
    }
    if (!active(t, b0, now) || (b0->source == MAC_HINT && source > MAC_HINT)) {
        /* the old one left, or was only ever a hint nobody's traffic
         * confirmed: a hint must not shield an address from its user */
        struct mac_binding nb;
        bind_set(&nb, mac, source, now);
        move_to(t, h, &nb, now);
        return MACOBS_MOVED;
    }
    if (source == MAC_HINT) {
        t->st.hints_ignored++;
        return MACOBS_IGNORED;
    }
    if (source == MAC_ETHERNET && b0->claimed) {
        /* a router forwarding this IP's packets (two VLANs mirrored) is
         * not a second owner of a claimed address */
        const struct mac_entry *e = mac_find(t, mac);
        if (e && router_mac(t, e, now)) {
            t->st.router_frames_ignored++;
            return MACOBS_IGNORED;
        }
    }
    if (b1->source == MAC_NONE || !active(t, b1, now) || source >= b1->source) {
        bind_set(b1, mac, source, now);     /* (a third MAC replaces the second) */
        h->conflict_us = now;
        t->st.conflicts++;
    }
    return MACOBS_CONFLICT;
}

int host_mac_consistent(struct host_table *t, struct host *h, const uint8_t mac[6],
                        uint64_t now)
{
    const struct mac_binding *b0 = &h->bind[0];
    if (!host_mac_valid(mac))
        return 0;                /* no host sends from a zero or group MAC */
    if (b0->source == MAC_NONE)
        return 1;
    if (memcmp(b0->mac, mac, 6) == 0)
        return 1;
    return !active(t, b0, now) && !in_conflict(t, h, now);
}

int host_mac_known(struct host_table *t, const uint8_t mac[6], uint64_t now)
{
    const struct mac_entry *e = host_mac_valid(mac) ? mac_find(t, mac) : NULL;
    return e && e->has_owner && e->owned_since + t->p.stable_us <= now &&
           e->last_us + t->p.active_us >= now;
}

struct host *host_mac_owner(struct host_table *t, const uint8_t mac[6], uint64_t now)
{
    struct mac_entry *e = host_mac_valid(mac) ? mac_find(t, mac) : NULL;
    if (!e || !e->has_owner || e->shared)
        return NULL;
    struct host *h = host_at(t, e->owner_idx, e->owner_gen);
    if (!h || memcmp(h->bind[0].mac, mac, 6) != 0 || !active(t, &h->bind[0], now))
        return NULL;
    return h;
}

int host_stable(struct host_table *t, struct host *h, const uint8_t *other_mac, uint64_t now)
{
    const struct mac_binding *b0 = &h->bind[0];
    if (b0->source <= MAC_HINT || in_conflict(t, h, now) || !active(t, b0, now))
        return 0;
    if (other_mac && memcmp(b0->mac, other_mac, 6) == 0)
        return 0;
    return b0->first_us + t->p.stable_us <= now;   /* time; a claim is one frame */
}

/* ---- MACs of the segment ------------------------------------------------ */

static struct mac_entry *mac_find(const struct host_table *t, const uint8_t mac[6])
{
    uint32_t i = t->mbkt[mac_hash(t, mac) & t->mask];
    while (i != HOST_NONE) {
        if (memcmp(t->m[i].mac, mac, 6) == 0)
            return &t->m[i];
        i = t->m[i].hnext;
    }
    return NULL;
}

static void mac_remove(struct host_table *t, uint32_t i)
{
    uint32_t *pp = &t->mbkt[mac_hash(t, t->m[i].mac) & t->mask];
    while (*pp != HOST_NONE) {
        if (*pp == i) {
            *pp = t->m[i].hnext;
            break;
        }
        pp = &t->m[*pp].hnext;
    }
    LRU_UNLINK(t->m, &t->mlru, i);
    t->m[i].in_use = 0;
    t->m[i].hnext = t->mfree;
    t->mfree = i;
}

/* Slide the entry's epochs to now. */
static void mac_roll(const struct host_table *t, struct mac_entry *e, uint64_t now)
{
    uint64_t half = t->p.router_window_us / 2;
    if (half == 0 || now < e->epoch_us + half)
        return;
    if (now >= e->epoch_us + 2 * half) {
        memset(e->ext, 0, sizeof(e->ext));
        memset(e->ips, 0, sizeof(e->ips));
        memset(e->snd, 0, sizeof(e->snd));
        memset(e->nsnd, 0, sizeof(e->nsnd));
        e->epoch_us = now;
        return;
    }
    e->ext[1] = e->ext[0];
    e->ips[1] = e->ips[0];
    memcpy(e->snd[1], e->snd[0], sizeof(e->snd[0]));
    e->nsnd[1] = e->nsnd[0];
    memset(&e->ext[0], 0, sizeof(e->ext[0]));
    memset(&e->ips[0], 0, sizeof(e->ips[0]));
    memset(e->snd[0], 0, sizeof(e->snd[0]));
    e->nsnd[0] = 0;
    e->epoch_us += half;
}

static struct mac_entry *mac_get(struct host_table *t, const uint8_t mac[6], uint64_t now)
{
    struct mac_entry *e = mac_find(t, mac);
    uint32_t i;
    if (!e) {
        if (t->mfree != HOST_NONE) {
            i = t->mfree;
            t->mfree = t->m[i].hnext;
        } else if (t->mhwm < t->cap) {
            i = t->mhwm++;
        } else {
            /* routers and MACs that are some host's established one go
             * last: a flood of new MACs must not erase what makes a
             * verdict's MAC trustworthy or not */
            uint32_t victim = t->mlru.head, k = victim;
            for (int n = 0; n < 16 && k != HOST_NONE; n++, k = t->m[k].lnext) {
                const struct mac_entry *c = &t->m[k];
                if (!c->has_owner && !router_mac(t, c, now)) {
                    victim = k;
                    break;
                }
            }
            if (t->m[victim].has_owner || router_mac(t, &t->m[victim], now))
                t->st.macs_evicted_valued++;
            mac_remove(t, victim);
            t->st.macs_evicted++;
            i = t->mfree;
            t->mfree = t->m[i].hnext;
        }
        e = &t->m[i];
        memset(e, 0, sizeof(*e));
        memcpy(e->mac, mac, 6);
        e->in_use = 1;
        e->epoch_us = now;
        uint32_t b = mac_hash(t, mac) & t->mask;
        e->hnext = t->mbkt[b];
        t->mbkt[b] = i;
        LRU_APPEND(t->m, &t->mlru, i);
    } else {
        i = (uint32_t)(e - t->m);
        LRU_UNLINK(t->m, &t->mlru, i);
        LRU_APPEND(t->m, &t->mlru, i);
    }
    if (now > e->last_us)
        e->last_us = now;
    mac_roll(t, e, now);
    return e;
}

/* Add x (a keyed 32-bit hash, never 0) to the set v[0..*n) of at most
 * cap values (the current epoch's). */
static void set_add(uint32_t *v, uint8_t *n, int cap, uint32_t x)
{
    for (int k = 0; k < *n; k++)
        if (v[k] == x)
            return;
    if (*n < cap)
        v[(*n)++] = x;
}

/* |a ∪ b| (current and previous epoch), counted up to cap. */
static int set_union(const uint32_t *a, int na, const uint32_t *b, int nb, int cap)
{
    int n = na;
    for (int k = 0; k < nb && n < cap; k++) {
        int dup = 0;
        for (int j = 0; j < na; j++)
            if (a[j] == b[k]) {
                dup = 1;
                break;
            }
        n += !dup;
    }
    return n;
}

/* |current ∪ previous| of an address set, at most HOST_MAC_SET (the
 * thresholds' range). */
static int set_count(const struct mac_set s[2])
{
    return set_union(s[0].v, s[0].n, s[1].v, s[1].n, HOST_MAC_SET);
}

static uint32_t nonzero(uint32_t v)
{
    return v ? v : 1;
}

void host_note_next_hop(struct host_table *t, const uint8_t next_hop[6],
                        const uint8_t *sender, const struct sh_addr *ext, uint64_t now)
{
    if (!host_mac_valid(next_hop))
        return;
    struct mac_entry *e = mac_get(t, next_hop, now);
    set_add(e->ext[0].v, &e->ext[0].n, HOST_MAC_SET, nonzero(addr_hash(t, ext)));
    if (sender && host_mac_valid(sender) && memcmp(sender, next_hop, 6) != 0)
        set_add(e->snd[0], &e->nsnd[0], SENDERS_KEPT, nonzero(mac_hash(t, sender)));
}

void host_note_mac_ip(struct host_table *t, const uint8_t mac[6],
                      const struct sh_addr *ip, uint64_t now)
{
    if (!host_mac_valid(mac))
        return;
    struct mac_entry *e = mac_get(t, mac, now);
    set_add(e->ips[0].v, &e->ips[0].n, HOST_MAC_SET, nonzero(addr_hash(t, ip)));
}

static int router_mac(const struct host_table *t, const struct mac_entry *e, uint64_t now)
{
    if (e->last_us + t->p.router_window_us < now)
        return 0;
    if (e->router_until >= now)
        return 1;                      /* a router when the snapshot was taken */
    return set_count(e->ext) >= t->p.router_min_external &&
           set_union(e->snd[0], e->nsnd[0], e->snd[1], e->nsnd[1], 2 * SENDERS_KEPT) >=
               t->p.router_min_senders;
}

int host_mac_is_router(struct host_table *t, const uint8_t mac[6], uint64_t now)
{
    struct mac_entry *e = mac_find(t, mac);
    if (!e)
        return 0;
    mac_roll(t, e, now);
    return router_mac(t, e, now);
}

void host_mac_view(struct host_table *t, struct host *h, uint64_t now, struct mac_view *o)
{
    const struct mac_binding *b0 = &h->bind[0], *b1 = &h->bind[1];
    memset(o, 0, sizeof(*o));
    if (b0->source == MAC_NONE || b0->last_us + t->p.stale_us < now) {
        o->status = MACST_UNKNOWN;
        return;
    }
    memcpy(o->mac, b0->mac, 6);
    o->source = b0->source;
    o->since_us = b0->first_us;
    if (in_conflict(t, h, now)) {
        /* (also while the established one has gone quiet: until an
         * observation settles it, nobody's MAC is certain) */
        o->status = MACST_CONFLICT;
        memcpy(o->other, b1->mac, 6);
        o->since_us = h->conflict_us;
        return;
    }
    if (b0->source == MAC_HINT) {           /* nobody's traffic confirmed it */
        o->status = MACST_UNKNOWN;
        return;
    }
    struct mac_entry *e = mac_find(t, b0->mac);
    if (!e && !b0->claimed) {
        /* the MAC's history is gone (its entry was evicted): whether it is
         * a router's cannot be told, so nobody may act on it */
        o->status = MACST_UNKNOWN;
        return;
    }
    if (e) {
        mac_roll(t, e, now);
        if (router_mac(t, e, now) ||
            (!b0->claimed && set_count(e->ips) > t->p.router_ips)) {
            o->status = MACST_ROUTED;
            return;
        }
    }
    o->status = MACST_TRUSTED;
}

/* ---- evidence --------------------------------------------------------- */

/* The pool is full: the unflagged host with the lowest score among a
 * bounded scan of both ends of the protected list gives its evidence back
 * (counted), unless that is the asking host. */
static void reclaim_evidence(struct host_table *t, const struct host *asking)
{
    const struct lru *l = &t->lists[1];
    struct host *best = NULL;
    for (int end = 0; end < 2; end++) {
        uint32_t i = end ? l->tail : l->head;
        for (int k = 0; k < PROTECT_SCAN && i != HOST_NONE; k++) {
            struct host *x = &t->h[i];
            if (x != asking && !x->flagged && host_has_evidence(t, x) && weaker(x, best))
                best = x;
            i = end ? x->lprev : x->lnext;
        }
    }
    if (!best)
        return;
    release_all(t, best);
    t->st.evidence_reclaimed++;
}

void host_evidence_release_at(struct host_table *t, struct host *h, int i)
{
    if (i < 0 || i >= HOST_EV_MAX || h->ev[i] == HOST_NONE)
        return;
    t->ev[h->ev[i]].active = 0;
    t->ev_free[t->ev_nfree++] = h->ev[i];
    h->ev[i] = HOST_NONE;
}

void host_evidence_release(struct host_table *t, struct host *h, int kind)
{
    for (int i = 0; i < HOST_EV_MAX; i++)
        if (h->ev[i] != HOST_NONE && t->ev[h->ev[i]].kind == kind)
            host_evidence_release_at(t, h, i);
}

static double strength(const struct evidence *e)
{
    return e->active ? evidence_weight(e) * e->confidence : 0;
}

/* h's slot i gets a fresh evidence from the pool (NULL when the pool is
 * exhausted even after reclaiming, counted). */
static struct evidence *take_slot(struct host_table *t, struct host *h, int i, int kind,
                                  const char *indicator)
{
    uint32_t s;
    if (!t->ev_nfree && t->ev_hwm >= 2 * t->cap)
        reclaim_evidence(t, h);
    if (t->ev_nfree)
        s = t->ev_free[--t->ev_nfree];
    else if (t->ev_hwm < 2 * t->cap)
        s = t->ev_hwm++;
    else {
        t->st.evidence_exhausted++;
        return NULL;
    }
    memset(&t->ev[s], 0, sizeof(t->ev[s]));
    t->ev[s].kind = (uint8_t)kind;
    if (indicator)
        snprintf(t->ev[s].indicator, sizeof(t->ev[s].indicator), "%s", indicator);
    h->ev[i] = s;
    return &t->ev[s];
}

/* A slot for a new evidence of h: a free one, else the weakest one when it
 * is weaker than `than` (its evidence is dropped, counted). -1 when none. */
static int free_slot(struct host_table *t, struct host *h, double than)
{
    int weakest = -1;
    for (int i = 0; i < HOST_EV_MAX; i++) {
        if (h->ev[i] == HOST_NONE)
            return i;
        const struct evidence *e = &t->ev[h->ev[i]];
        if (weakest < 0 || strength(e) < strength(&t->ev[h->ev[weakest]]) ||
            (strength(e) == strength(&t->ev[h->ev[weakest]]) &&
             e->last_us < t->ev[h->ev[weakest]].last_us))
            weakest = i;
    }
    if (strength(&t->ev[h->ev[weakest]]) >= than) {
        t->st.evidence_host_full++;
        return -1;
    }
    host_evidence_release_at(t, h, weakest);
    t->st.evidence_displaced++;
    return weakest;
}

struct evidence *host_evidence(struct host_table *t, struct host *h, int kind,
                               int create)
{
    if (kind < 0 || kind >= EVK_MAX)
        return NULL;
    for (int i = 0; i < HOST_EV_MAX; i++)
        if (h->ev[i] != HOST_NONE && t->ev[h->ev[i]].kind == kind)
            return &t->ev[h->ev[i]];
    if (!create)
        return NULL;
    /* a kind with one evidence per host displaces the weakest of a full host */
    int i = free_slot(t, h, HUGE_VAL);
    return i < 0 ? NULL : take_slot(t, h, i, kind, NULL);
}

struct evidence *host_evidence_keyed(struct host_table *t, struct host *h, int kind,
                                     const char *indicator, double create_strength)
{
    if (kind < 0 || kind >= EVK_MAX)
        return NULL;
    for (int i = 0; i < HOST_EV_MAX; i++)
        if (h->ev[i] != HOST_NONE && t->ev[h->ev[i]].kind == kind &&
            strncmp(t->ev[h->ev[i]].indicator, indicator, EVIDENCE_INDICATOR_MAX - 1) == 0)
            return &t->ev[h->ev[i]];
    if (create_strength <= 0)
        return NULL;
    int i = free_slot(t, h, create_strength);
    return i < 0 ? NULL : take_slot(t, h, i, kind, indicator);
}

const struct evidence *host_evidence_const(const struct host_table *t,
                                           const struct host *h, int kind)
{
    for (int i = 0; i < HOST_EV_MAX; i++)
        if (h->ev[i] != HOST_NONE && t->ev[h->ev[i]].kind == kind)
            return &t->ev[h->ev[i]];
    return NULL;
}

const struct evidence *host_evidence_at(const struct host_table *t, const struct host *h,
                                        int i)
{
    if (i < 0 || i >= HOST_EV_MAX || h->ev[i] == HOST_NONE)
        return NULL;
    return &t->ev[h->ev[i]];
}

struct evidence *host_evidence_slot(struct host_table *t, struct host *h, int i)
{
    if (i < 0 || i >= HOST_EV_MAX || h->ev[i] == HOST_NONE)
        return NULL;
    return &t->ev[h->ev[i]];
}

void host_touched_add(struct host_touched *t, const struct host_table *ht,
                      const struct host *h)
{
    uint32_t idx = host_index(ht, h);
    for (int i = 0; i < t->n; i++)
        if (t->idx[i] == idx && t->gen[i] == h->gen)
            return;
    if (t->n < HOST_TOUCHED_MAX) {
        t->idx[t->n] = idx;
        t->gen[t->n] = h->gen;
        t->n++;
    }
}

void host_foreach(struct host_table *t, void (*fn)(void *ctx, struct host *h),
                  void *ctx)
{
    t->iterating = 1;
    for (int l = 0; l < 2; l++) {
        uint32_t i = t->lists[l].head;
        while (i != HOST_NONE) {
            uint32_t next = t->h[i].lnext;
            fn(ctx, &t->h[i]);
            i = next;
        }
    }
    t->iterating = 0;
}

void host_table_get_stats(const struct host_table *t, struct host_table_stats *s)
{
    *s = t->st;
}

/* ---- restoring a snapshot ------------------------------------------------ */

struct host *host_restore(struct host_table *t, const struct host *saved, int mac_status,
                          const struct evidence *ev, int nev, int *ev_dropped)
{
    *ev_dropped = 0;
    if (saved->ip.family != 4 && saved->ip.family != 6)
        return NULL;
    if (host_get(t, &saved->ip, 0, 0) || t->st.active >= t->cap)
        return NULL;                      /* present already, or no room */
    struct host *h = host_get(t, &saved->ip, saved->last_us, 1);
    h->first_us = saved->first_us;
    h->last_us = saved->last_us;
    h->bind[0] = saved->bind[0];
    h->bind[1] = h->bind[0].source != MAC_NONE ? saved->bind[1] : (struct mac_binding){ 0 };
    if (h->bind[1].source != MAC_NONE && memcmp(h->bind[1].mac, h->bind[0].mac, 6) == 0)
        memset(&h->bind[1], 0, sizeof(h->bind[1]));
    h->conflict_us = h->bind[1].source != MAC_NONE ? saved->conflict_us : 0;
    memcpy(h->hostname, saved->hostname, sizeof(h->hostname));
    h->hostname[sizeof(h->hostname) - 1] = '\0';
    memcpy(h->hostname_mac, saved->hostname_mac, 6);
    h->hostname_us = saved->hostname_us;
    h->flagged = saved->flagged ? 1 : 0;
    h->ever_flagged = saved->ever_flagged || saved->flagged ? 1 : 0;
    h->score = saved->score;
    h->score_us = saved->score_us;
    h->flagged_us = saved->flagged_us;
    h->reported_kinds = saved->reported_kinds;
    h->reported_us = saved->reported_us;
    for (int i = 0; i < nev && i < HOST_EV_MAX; i++) {
        uint32_t s;
        if (t->ev_nfree)
            s = t->ev_free[--t->ev_nfree];
        else if (t->ev_hwm < 2 * t->cap)
            s = t->ev_hwm++;
        else {                            /* the pool is full: never reclaim */
            *ev_dropped = nev - i;
            break;
        }
        t->ev[s] = ev[i];
        t->ev[s].active = 1;
        h->ev[i] = s;
    }
    /* the binding's trust as it was when the snapshot was written: the
     * MAC entries (router recognition) are not saved, so what made the
     * MAC trusted or a router's is carried by the status */
    const struct mac_binding *b0 = &h->bind[0];
    if (b0->source > MAC_HINT && host_mac_valid(b0->mac)) {
        if (mac_status == MACST_TRUSTED) {
            note_owner(t, h, b0->mac, b0->last_us);
            struct mac_entry *e = mac_find(t, b0->mac);
            if (e && b0->first_us < e->owned_since)
                e->owned_since = b0->first_us;
        } else if (mac_status == MACST_ROUTED) {
            struct mac_entry *e = mac_get(t, b0->mac, b0->last_us);
            e->router_until = b0->last_us + t->p.router_window_us;
        }
    }
    file_host(t, h, h->last_us);
    return h;
}

size_t host_table_capacity(const struct host_table *t)
{
    return t->cap;
}

