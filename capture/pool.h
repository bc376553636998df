/*
 * pool.h -- a fixed pool of equal-sized slots, for per-flow parser and DPI
 * states.
 *
 * One allocation at creation; acquire/release are O(1) and never
 * allocate.  Slots are handed out from a high-water mark before the free
 * list is used, so an unused tail of the pool never becomes resident
 * memory.  An empty pool is a normal condition (a flood): acquire returns
 * POOL_NONE and counts it.
 */
#ifndef SH_POOL_H
#define SH_POOL_H

#include <stddef.h>
#include <stdint.h>

#define POOL_NONE UINT32_MAX

struct pool_stats {
    uint64_t acquired, exhausted;
    uint32_t in_use, peak;
};

struct pool;

/* slot_size is rounded up to 64 bytes (cache line, alignment). */
struct pool *pool_create(uint32_t nslots, size_t slot_size,
                         char *err, size_t errlen);
void pool_destroy(struct pool *p);           /* NULL is a no-op */
uint32_t pool_acquire(struct pool *p);       /* POOL_NONE when empty */
void pool_release(struct pool *p, uint32_t slot);
void *pool_at(struct pool *p, uint32_t slot);
size_t pool_slot_size(const struct pool *p);
void pool_get_stats(const struct pool *p, struct pool_stats *s);

#endif /* SH_POOL_H */
