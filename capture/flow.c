/*
 * flow.c -- fixed-capacity flow table with per-class LRU idle lists.
 *
 * Layout: `recs` is one array of `cap` records; `bkt` a power-of-two array
 * of chain heads (indices, FLOW_NONE = empty).  Records are handed out from
 * a high-water mark first and from a free list after, so a table sized for
 * a million flows only touches the memory of the flows it really holds.
 *
 * Each in-use record is on exactly one idle list (class = timeout class),
 * kept in last-seen order by moving a record to the tail on every packet.
 * Packets arrive in time order, so the head of a list is its oldest flow:
 * expiry pops heads while they are idle too long, and the LRU victim of an
 * eviction is the oldest of the FC_MAX heads.
 *
 * The bucket hash is SipHash-2-4 with a per-table random key (hash.h):
 * flooding one bucket needs the key.  Flow ids use a fixed key so that a
 * replay gives the same ids on every run and machine.
 */
#include "flow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"

struct idle_list {
    uint32_t head, tail;
};

struct flow_table {
    struct flow *recs;
    uint32_t *bkt;
    uint32_t cap;
    uint32_t nbkt_mask;
    uint32_t hwm;         /* records [0, hwm) have been used at least once */
    uint32_t free_head;
    struct hkey key;      /* bucket hash key (hash.h)                */
    uint64_t timeout_us[FC_MAX];
    struct idle_list lists[FC_MAX];
    flow_end_fn on_end;
    void *ctx;
    struct flow_table_stats st;
};

static uint64_t key_hash(const struct flow_table *t, const struct flow_key *k)
{
    _Static_assert(sizeof(struct flow_key) == 40, "flow_key must be 40 bytes");
    return hk_bytes(&t->key, k, sizeof(*k));
}

void flow_key_from_pkt(const struct pkt *pk, struct flow_key *k, int *src_is_a)
{
    size_t alen = pk->ipver == 4 ? 4 : 16;
    int c;

    memset(k, 0, sizeof(*k));
    c = memcmp(pk->src.a, pk->dst.a, alen);
    if (c == 0)
        c = (pk->sport > pk->dport) - (pk->sport < pk->dport);
    *src_is_a = c <= 0;
    if (*src_is_a) {
        memcpy(k->a, pk->src.a, alen);
        memcpy(k->b, pk->dst.a, alen);
        k->pa = pk->sport;
        k->pb = pk->dport;
    } else {
        memcpy(k->a, pk->dst.a, alen);
        memcpy(k->b, pk->src.a, alen);
        k->pa = pk->dport;
        k->pb = pk->sport;
    }
    k->vlan = pk->vlan;
    k->proto = pk->l4proto;
    k->ver = pk->ipver;
}

struct flow_table *flow_table_create(size_t capacity,
                                     const struct flow_timeouts *to,
                                     flow_end_fn on_end, void *ctx,
                                     char *err, size_t errlen)
{
    struct flow_table *t;
    size_t nb = 1;

    if (capacity < 1 || capacity > (size_t)UINT32_MAX / 2) {
        snprintf(err, errlen, "flow table capacity %zu out of range", capacity);
        return NULL;
    }
    while (nb < capacity)
        nb <<= 1;

    t = calloc(1, sizeof(*t));
    if (!t)
        goto nomem;
    /* calloc of a large array maps zero pages lazily: only records that
     * are used cost resident memory */
    t->recs = calloc(capacity, sizeof(*t->recs));
    t->bkt = malloc(nb * sizeof(*t->bkt));
    if (!t->recs || !t->bkt)
        goto nomem;
    memset(t->bkt, 0xff, nb * sizeof(*t->bkt));   /* FLOW_NONE */
    t->cap = (uint32_t)capacity;
    t->nbkt_mask = (uint32_t)(nb - 1);
    t->free_head = FLOW_NONE;
    for (int i = 0; i < FC_MAX; i++) {
        t->lists[i].head = t->lists[i].tail = FLOW_NONE;
        t->timeout_us[i] = (uint64_t)to->sec[i] * 1000000ULL;
    }
    t->on_end = on_end;
    t->ctx = ctx;
    hk_init(&t->key);
    return t;

nomem:
    snprintf(err, errlen, "cannot allocate a flow table of %zu flows", capacity);
    flow_table_destroy(t);
    return NULL;
}

void flow_table_destroy(struct flow_table *t)
{
    if (!t)
        return;
    free(t->recs);
    free(t->bkt);
    free(t);
}

uint32_t flow_index(const struct flow_table *t, const struct flow *f)
{
    return (uint32_t)(f - t->recs);
}

static void list_unlink(struct flow_table *t, struct flow *f)
{
    struct idle_list *l = &t->lists[f->klass];
    if (f->lprev != FLOW_NONE)
        t->recs[f->lprev].lnext = f->lnext;
    else
        l->head = f->lnext;
    if (f->lnext != FLOW_NONE)
        t->recs[f->lnext].lprev = f->lprev;
    else
        l->tail = f->lprev;
    f->lprev = f->lnext = FLOW_NONE;
}

static void list_append(struct flow_table *t, struct flow *f, int klass)
{
    struct idle_list *l = &t->lists[klass];
    uint32_t i = flow_index(t, f);
    f->klass = (uint8_t)klass;
    f->lnext = FLOW_NONE;
    f->lprev = l->tail;
    if (l->tail != FLOW_NONE)
        t->recs[l->tail].lnext = i;
    else
        l->head = i;
    l->tail = i;
}

static void bucket_unlink(struct flow_table *t, struct flow *f)
{
    uint32_t i = flow_index(t, f);
    uint32_t *pp = &t->bkt[f->hash & t->nbkt_mask];
    while (*pp != FLOW_NONE) {
        if (*pp == i) {
            *pp = f->hnext;
            return;
        }
        pp = &t->recs[*pp].hnext;
    }
}

void flow_end(struct flow_table *t, struct flow *f, int reason)
{
    if (!f->in_use)
        return;
    if (t->on_end)
        t->on_end(t->ctx, f, reason);
    bucket_unlink(t, f);
    list_unlink(t, f);
    f->in_use = 0;
    f->hnext = t->free_head;
    t->free_head = flow_index(t, f);
    t->st.ended++;
    t->st.active--;
    switch (reason) {
    case FLOW_END_EVICTED: t->st.evicted++; break;
    case FLOW_END_TIMEOUT: t->st.timed_out++; break;
    case FLOW_END_CLOSED: t->st.closed++; break;
    default: t->st.flushed++; break;
    }
}

/* The least recently seen flow: the oldest head among the idle lists. */
static struct flow *lru_victim(struct flow_table *t)
{
    struct flow *v = NULL;
    for (int c = 0; c < FC_MAX; c++) {
        uint32_t h = t->lists[c].head;
        if (h != FLOW_NONE && (!v || t->recs[h].last_us < v->last_us))
            v = &t->recs[h];
    }
    return v;
}

static uint64_t make_flow_id(const struct flow_key *k, uint64_t first_us)
{
    /* fixed key: the same capture yields the same ids everywhere;
     * 51 bits like Suricata so JSON consumers keep every digit */
    struct { struct flow_key k; uint64_t t; } in;
    memset(&in, 0, sizeof(in));
    in.k = *k;
    in.t = first_us;
    uint64_t id = hk_fixed(&in, sizeof(in));
    id &= (1ULL << 51) - 1;
    return id ? id : 1;
}

struct flow *flow_lookup(struct flow_table *t, const struct flow_key *k,
                         uint64_t now_us, int *created)
{
    uint32_t h = (uint32_t)key_hash(t, k);
    uint32_t b = h & t->nbkt_mask;
    uint32_t i;
    struct flow *f;

    for (i = t->bkt[b]; i != FLOW_NONE; i = t->recs[i].hnext) {
        f = &t->recs[i];
        if (f->hash == h && memcmp(&f->key, k, sizeof(*k)) == 0) {
            *created = 0;
            return f;
        }
    }

    if (t->free_head != FLOW_NONE) {
        i = t->free_head;
        t->free_head = t->recs[i].hnext;
    } else if (t->hwm < t->cap) {
        i = t->hwm++;
    } else {
        f = lru_victim(t);
        flow_end(t, f, FLOW_END_EVICTED);
        i = t->free_head;
        t->free_head = t->recs[i].hnext;
    }

    f = &t->recs[i];
    memset(f, 0, sizeof(*f));
    f->key = *k;
    f->hash = h;
    f->in_use = 1;
    f->dpi_slot = FLOW_NONE;
    f->app_slot = FLOW_NONE;
    f->ooo_slot = FLOW_NONE;
    f->first_us = f->last_us = now_us;
    f->flow_id = make_flow_id(k, now_us);
    f->hnext = t->bkt[b];
    t->bkt[b] = i;
    f->lprev = f->lnext = FLOW_NONE;
    list_append(t, f, k->proto == 6 ? FC_TCP_NEW :
                      k->proto == 17 ? FC_UDP :
                      (k->proto == 1 || k->proto == 58) ? FC_ICMP : FC_OTHER);
    t->st.created++;
    if (++t->st.active > t->st.peak_active)
        t->st.peak_active = t->st.active;
    *created = 1;
    return f;
}

void flow_touch(struct flow_table *t, struct flow *f, int klass, uint64_t now_us)
{
    if (now_us > f->last_us)
        f->last_us = now_us;
    if (t->lists[f->klass].tail == flow_index(t, f) && f->klass == klass)
        return;
    list_unlink(t, f);
    list_append(t, f, klass);
}

size_t flow_expire(struct flow_table *t, uint64_t now_us)
{
    size_t n = 0;
    for (int c = 0; c < FC_MAX; c++) {
        uint64_t to = t->timeout_us[c];
        uint32_t h;
        while ((h = t->lists[c].head) != FLOW_NONE &&
               t->recs[h].last_us + to <= now_us) {
            flow_end(t, &t->recs[h],
                     c == FC_TCP_CLOSED ? FLOW_END_CLOSED : FLOW_END_TIMEOUT);
            n++;
        }
    }
    return n;
}

void flow_flush(struct flow_table *t, int reason)
{
    struct flow *f;
    while ((f = lru_victim(t)) != NULL)
        flow_end(t, f, reason);
}

void flow_table_stats(const struct flow_table *t, struct flow_table_stats *s)
{
    *s = t->st;
}
