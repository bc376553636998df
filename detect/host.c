/*
 * host.c -- internal hosts, bindings and evidence slots.  See host.h.
 *
 * Three fixed arrays: host records (hash chains + one LRU list in
 * last-seen order), evidence slots (free stack), and a MAC table (hash
 * chains + LRU) remembering, per MAC, the distinct internal IPs seen with
 * it (up to MAC_IPS_KEPT exactly, then counted approximately, which only
 * ever errs towards "router").  Hashes use fixed keys: the table's content
 * and iteration order are the same on every replay.
 */
#include "host.h"

#include "../capture/hash.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAC_IPS_KEPT 16

struct mac_entry {
    uint8_t  mac[6];
    uint8_t  in_use;
    uint16_t nips;
    uint32_t ip_hash[MAC_IPS_KEPT];
    uint64_t last_us;
    uint32_t hnext, lprev, lnext;
};

struct lru {
    uint32_t head, tail;
};

struct host_table {
    struct host *h;
    uint32_t *bkt;
    uint32_t cap, mask, hwm, free_head;
    struct lru lru;
    uint64_t idle_us, stale_us;

    struct evidence *ev;
    uint32_t *ev_free;
    uint32_t ev_nfree, ev_hwm;

    struct mac_entry *m;
    uint32_t *mbkt;
    uint32_t mhwm, mfree;
    struct lru mlru;

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

struct host_table *host_table_create(size_t capacity, uint64_t idle_us,
                                     uint64_t stale_us, char *err, size_t errlen)
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
    hk_init(&t->key);
    t->mask = nb - 1;
    t->idle_us = idle_us;
    t->stale_us = stale_us;
    t->free_head = HOST_NONE;
    t->lru.head = t->lru.tail = HOST_NONE;
    t->mlru.head = t->mlru.tail = HOST_NONE;
    t->mfree = HOST_NONE;
    t->h = calloc(capacity, sizeof(*t->h));
    t->bkt = malloc(nb * sizeof(uint32_t));
    t->ev = calloc(capacity, sizeof(*t->ev));
    t->ev_free = malloc(capacity * sizeof(uint32_t));
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

static void ev_release(struct host_table *t, uint32_t slot)
{
    t->ev[slot].active = 0;
    t->ev_free[t->ev_nfree++] = slot;
}

static void host_remove(struct host_table *t, struct host *h)
{
    uint32_t i = host_index(t, h);
    uint32_t *pp = &t->bkt[addr_hash(t, &h->ip) & t->mask];
    while (*pp != HOST_NONE) {
        if (*pp == i) {
            *pp = h->hnext;
            break;
        }
        pp = &t->h[*pp].hnext;
    }
    LRU_UNLINK(t->h, &t->lru, i);
    for (int k = 0; k < EVK_MAX; k++)
        if (h->ev[k] != HOST_NONE)
            ev_release(t, h->ev[k]);
    h->in_use = 0;
    h->hnext = t->free_head;
    t->free_head = i;
    t->st.active--;
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
            if (t->lru.tail != i) {
                LRU_UNLINK(t->h, &t->lru, i);
                LRU_APPEND(t->h, &t->lru, i);
            }
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
        /* the least recently seen host goes, but a flagged one only when
         * the 16 oldest are all flagged: a flood of spoofed sources must
         * not wash a flagged host out of the table */
        i = t->lru.head;
        for (uint32_t k = i, tries = 0; k != HOST_NONE && tries < 16;
             k = t->h[k].lnext, tries++) {
            if (!t->h[k].flagged) {
                i = k;
                break;
            }
        }
        if (t->h[i].flagged)
            t->st.evicted_flagged++;
        t->st.evicted++;
        host_remove(t, &t->h[i]);
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
    for (int k = 0; k < EVK_MAX; k++)
        h->ev[k] = HOST_NONE;
    h->hnext = t->bkt[b];
    t->bkt[b] = i;
    LRU_APPEND(t->h, &t->lru, i);
    t->st.created++;
    if (++t->st.active > t->st.peak)
        t->st.peak = t->st.active;
    return h;
}

size_t host_expire(struct host_table *t, uint64_t now_us)
{
    size_t n = 0;
    uint32_t i;
    while ((i = t->lru.head) != HOST_NONE && t->h[i].last_us + t->idle_us <= now_us) {
        host_remove(t, &t->h[i]);
        t->st.expired++;
        n++;
    }
    return n;
}

/* ---- MACs ------------------------------------------------------------ */

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

void host_note_mac_ip(struct host_table *t, const uint8_t mac[6],
                      const struct sh_addr *ip, uint64_t now_us)
{
    static const uint8_t zero[6];
    struct mac_entry *e;
    uint32_t i;

    if (memcmp(mac, zero, 6) == 0 || (mac[0] & 1))   /* none / multicast */
        return;
    e = mac_find(t, mac);
    if (!e) {
        if (t->mfree != HOST_NONE) {
            i = t->mfree;
            t->mfree = t->m[i].hnext;
        } else if (t->mhwm < t->cap) {
            i = t->mhwm++;
        } else {
            mac_remove(t, t->mlru.head);
            i = t->mfree;
            t->mfree = t->m[i].hnext;
        }
        e = &t->m[i];
        memset(e, 0, sizeof(*e));
        memcpy(e->mac, mac, 6);
        e->in_use = 1;
        uint32_t b = mac_hash(t, mac) & t->mask;
        e->hnext = t->mbkt[b];
        t->mbkt[b] = i;
        LRU_APPEND(t->m, &t->mlru, i);
    } else {
        i = (uint32_t)(e - t->m);
        LRU_UNLINK(t->m, &t->mlru, i);
        LRU_APPEND(t->m, &t->mlru, i);
    }
    e->last_us = now_us;
    uint32_t ih = addr_hash(t, ip) | 1;   /* never 0: 0 marks a free slot */
    int kept = e->nips < MAC_IPS_KEPT ? e->nips : MAC_IPS_KEPT;
    for (int k = 0; k < kept; k++)
        if (e->ip_hash[k] == ih)
            return;
    if (e->nips < MAC_IPS_KEPT)
        e->ip_hash[e->nips] = ih;
    if (e->nips < UINT16_MAX)
        e->nips++;
}

int host_mac_ips(const struct host_table *t, const struct host *h)
{
    if (h->mac_source == MAC_NONE)
        return 0;
    const struct mac_entry *e = mac_find(t, h->mac);
    return e ? e->nips : 1;
}

void host_bind_mac(struct host_table *t, struct host *h, const uint8_t mac[6],
                   int source, uint64_t now_us)
{
    static const uint8_t zero[6];
    if (memcmp(mac, zero, 6) == 0 || (mac[0] & 1))
        return;
    int stale = h->mac_source == MAC_NONE || now_us > h->mac_us + t->stale_us;
    if (source >= h->mac_source || stale) {
        if (memcmp(h->mac, mac, 6) != 0 || source > h->mac_source || stale) {
            memcpy(h->mac, mac, 6);
            h->mac_source = (uint8_t)source;
        }
        h->mac_us = now_us;
    }
}

/* ---- evidence --------------------------------------------------------- */

struct evidence *host_evidence(struct host_table *t, struct host *h, int kind,
                               int create)
{
    if (kind < 0 || kind >= EVK_MAX)
        return NULL;
    if (h->ev[kind] != HOST_NONE)
        return &t->ev[h->ev[kind]];
    if (!create)
        return NULL;
    uint32_t s;
    if (t->ev_nfree)
        s = t->ev_free[--t->ev_nfree];
    else if (t->ev_hwm < t->cap)
        s = t->ev_hwm++;
    else {
        t->st.evidence_exhausted++;
        return NULL;
    }
    memset(&t->ev[s], 0, sizeof(t->ev[s]));
    t->ev[s].kind = (uint8_t)kind;
    h->ev[kind] = s;
    return &t->ev[s];
}

const struct evidence *host_evidence_const(const struct host_table *t,
                                           const struct host *h, int kind)
{
    if (kind < 0 || kind >= EVK_MAX || h->ev[kind] == HOST_NONE)
        return NULL;
    return &t->ev[h->ev[kind]];
}

void host_foreach(struct host_table *t, void (*fn)(void *ctx, struct host *h),
                  void *ctx)
{
    uint32_t i = t->lru.head;
    while (i != HOST_NONE) {
        uint32_t next = t->h[i].lnext;
        fn(ctx, &t->h[i]);
        i = next;
    }
}

void host_table_get_stats(const struct host_table *t, struct host_table_stats *s)
{
    *s = t->st;
}
