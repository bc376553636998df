/*
 * pool.c -- fixed slot pool.  See pool.h.
 */
#include "pool.h"

#include <stdio.h>
#include <stdlib.h>

struct pool {
    uint8_t *mem;
    size_t slot_size;
    uint32_t nslots;
    uint32_t hwm;
    uint32_t nfree;
    uint32_t *free_stack;
    struct pool_stats st;
};

struct pool *pool_create(uint32_t nslots, size_t slot_size,
                         char *err, size_t errlen)
{
    struct pool *p = calloc(1, sizeof(*p));
    if (!p || nslots == 0)
        goto fail;
    p->slot_size = (slot_size + 63) & ~(size_t)63;
    p->nslots = nslots;
    /* aligned_alloc would touch nothing either, but calloc gives zeroed,
     * lazily mapped pages for large pools */
    p->mem = calloc(nslots, p->slot_size);
    p->free_stack = malloc((size_t)nslots * sizeof(uint32_t));
    if (!p->mem || !p->free_stack)
        goto fail;
    return p;
fail:
    snprintf(err, errlen, "cannot allocate a pool of %u x %zu bytes",
             nslots, slot_size);
    pool_destroy(p);
    return NULL;
}

void pool_destroy(struct pool *p)
{
    if (!p)
        return;
    free(p->mem);
    free(p->free_stack);
    free(p);
}

uint32_t pool_acquire(struct pool *p)
{
    uint32_t s;
    if (p->nfree)
        s = p->free_stack[--p->nfree];
    else if (p->hwm < p->nslots)
        s = p->hwm++;
    else {
        p->st.exhausted++;
        return POOL_NONE;
    }
    p->st.acquired++;
    if (++p->st.in_use > p->st.peak)
        p->st.peak = p->st.in_use;
    return s;
}

void pool_release(struct pool *p, uint32_t slot)
{
    if (slot >= p->hwm || p->nfree >= p->nslots)
        return;
    p->free_stack[p->nfree++] = slot;
    p->st.in_use--;
}

void *pool_at(struct pool *p, uint32_t slot)
{
    return p->mem + (size_t)slot * p->slot_size;
}

size_t pool_slot_size(const struct pool *p)
{
    return p->slot_size;
}

void pool_get_stats(const struct pool *p, struct pool_stats *s)
{
    *s = p->st;
}
