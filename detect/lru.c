/*
 * lru.c -- fixed-capacity LRU map.  See lru.h.
 *
 * Slots are [header | item] records in one array; chains and the LRU list
 * are 32-bit indices.
 */
#include "lru.h"

#include "../capture/hash.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX

struct slot_hdr {
    uint64_t key;
    uint32_t hnext, lprev, lnext;
    uint32_t in_use;
};

struct lru_map {
    uint8_t *mem;
    size_t stride, item_size;
    uint32_t cap, mask, hwm, free_head, head, tail;
    uint32_t *bkt;
    size_t count;
    uint64_t evictions, evictions_weighty;
    struct hkey key;
    lru_weight_fn weigh;
};

#define WEIGH_SCAN 16   /* oldest items compared when a weight is set */

#define HDR_SIZE ((sizeof(struct slot_hdr) + 15) & ~(size_t)15)

static struct slot_hdr *hdr(const struct lru_map *m, uint32_t i)
{
    return (struct slot_hdr *)(void *)(m->mem + (size_t)i * m->stride);
}

static void *item(const struct lru_map *m, uint32_t i)
{
    return m->mem + (size_t)i * m->stride + HDR_SIZE;
}

static uint32_t index_of(const struct lru_map *m, const void *it)
{
    return (uint32_t)(((const uint8_t *)it - HDR_SIZE - m->mem) / m->stride);
}

static uint32_t khash(const struct lru_map *m, uint64_t k)
{
    return (uint32_t)hk_u64(&m->key, k);
}

struct lru_map *lru_create(size_t capacity, size_t item_size, char *err, size_t errlen)
{
    struct lru_map *m = calloc(1, sizeof(*m));
    uint32_t nb = 1;
    if (!m || capacity < 1 || capacity > (1u << 28))
        goto fail;
    while (nb < capacity)
        nb <<= 1;
    m->item_size = item_size;
    m->stride = HDR_SIZE + ((item_size + 15) & ~(size_t)15);
    m->cap = (uint32_t)capacity;
    hk_init(&m->key);
    m->mask = nb - 1;
    m->free_head = m->head = m->tail = NONE;
    m->mem = calloc(capacity, m->stride);
    m->bkt = malloc((size_t)nb * sizeof(uint32_t));
    if (!m->mem || !m->bkt)
        goto fail;
    memset(m->bkt, 0xff, (size_t)nb * sizeof(uint32_t));
    return m;
fail:
    snprintf(err, errlen, "cannot allocate a map of %zu x %zu bytes", capacity, item_size);
    lru_destroy(m);
    return NULL;
}

void lru_destroy(struct lru_map *m)
{
    if (!m)
        return;
    free(m->mem);
    free(m->bkt);
    free(m);
}

static void unlink_lru(struct lru_map *m, uint32_t i)
{
    struct slot_hdr *h = hdr(m, i);
    if (h->lprev != NONE) hdr(m, h->lprev)->lnext = h->lnext; else m->head = h->lnext;
    if (h->lnext != NONE) hdr(m, h->lnext)->lprev = h->lprev; else m->tail = h->lprev;
    h->lprev = h->lnext = NONE;
}

static void append_lru(struct lru_map *m, uint32_t i)
{
    struct slot_hdr *h = hdr(m, i);
    h->lnext = NONE;
    h->lprev = m->tail;
    if (m->tail != NONE) hdr(m, m->tail)->lnext = i; else m->head = i;
    m->tail = i;
}

static void remove_idx(struct lru_map *m, uint32_t i)
{
    struct slot_hdr *h = hdr(m, i);
    uint32_t *pp = &m->bkt[khash(m, h->key) & m->mask];
    while (*pp != NONE) {
        if (*pp == i) {
            *pp = h->hnext;
            break;
        }
        pp = &hdr(m, *pp)->hnext;
    }
    unlink_lru(m, i);
    h->in_use = 0;
    h->hnext = m->free_head;
    m->free_head = i;
    m->count--;
}

static uint32_t find(const struct lru_map *m, uint64_t key)
{
    uint32_t i = m->bkt[khash(m, key) & m->mask];
    while (i != NONE) {
        struct slot_hdr *h = hdr(m, i);
        if (h->key == key)
            return i;
        i = h->hnext;
    }
    return NONE;
}

void *lru_get(struct lru_map *m, uint64_t key, int create, int *created)
{
    uint32_t i = find(m, key);
    if (created)
        *created = 0;
    if (i != NONE) {
        if (m->tail != i) {
            unlink_lru(m, i);
            append_lru(m, i);
        }
        return item(m, i);
    }
    if (!create)
        return NULL;
    if (m->free_head != NONE) {
        i = m->free_head;
        m->free_head = hdr(m, i)->hnext;
    } else if (m->hwm < m->cap) {
        i = m->hwm++;
    } else {
        uint32_t victim = m->head;
        if (m->weigh) {
            /* the lightest of the oldest few; ties go to the oldest */
            double best = m->weigh(item(m, victim));
            uint32_t k = hdr(m, victim)->lnext;
            for (int n = 1; n < WEIGH_SCAN && k != NONE; n++, k = hdr(m, k)->lnext) {
                double w = m->weigh(item(m, k));
                if (w < best) {
                    best = w;
                    victim = k;
                }
            }
            if (best >= 1.0)
                m->evictions_weighty++;
        }
        remove_idx(m, victim);
        m->evictions++;
        i = m->free_head;
        m->free_head = hdr(m, i)->hnext;
    }
    struct slot_hdr *h = hdr(m, i);
    memset(h, 0, m->stride);
    h->key = key;
    h->in_use = 1;
    uint32_t b = khash(m, key) & m->mask;
    h->hnext = m->bkt[b];
    m->bkt[b] = i;
    append_lru(m, i);
    m->count++;
    if (created)
        *created = 1;
    return item(m, i);
}

void lru_set_weight(struct lru_map *m, lru_weight_fn fn)
{
    m->weigh = fn;
}

void *lru_peek(const struct lru_map *m, uint64_t key)
{
    uint32_t i = find(m, key);
    return i == NONE ? NULL : item(m, i);
}

void lru_remove(struct lru_map *m, void *it)
{
    uint32_t i = index_of(m, it);
    if (i < m->hwm && hdr(m, i)->in_use)
        remove_idx(m, i);
}

void *lru_oldest(const struct lru_map *m)
{
    return m->head == NONE ? NULL : item(m, m->head);
}

uint64_t lru_key_of(const struct lru_map *m, const void *it)
{
    return hdr(m, index_of(m, it))->key;
}

size_t lru_count(const struct lru_map *m) { return m->count; }
uint64_t lru_evictions(const struct lru_map *m) { return m->evictions; }
uint64_t lru_evictions_weighty(const struct lru_map *m) { return m->evictions_weighty; }
