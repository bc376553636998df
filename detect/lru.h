/*
 * lru.h -- a fixed-capacity map from 64-bit keys to fixed-size items, in
 * least-recently-used order, for detector state (per-host NXDOMAIN
 * windows, per-zone DNS statistics, cross-host name sharing).
 *
 * One allocation at creation.  lru_get() with `create` never fails: when
 * the map is full the least recently used item (or the lightest of the
 * oldest few, see lru_set_weight) is dropped (counted), so a
 * flood of new keys costs old state, never memory.  Items are zeroed when
 * created.  Pointers stay valid until the item is removed or recycled.
 * Buckets use the keyed hash of capture/hash.h; eviction never depends on
 * it, so behaviour is the same on every replay.
 */
#ifndef SH_LRU_H
#define SH_LRU_H

#include <stddef.h>
#include <stdint.h>

struct lru_map;

struct lru_map *lru_create(size_t capacity, size_t item_size, char *err, size_t errlen);
void lru_destroy(struct lru_map *m);     /* NULL is a no-op */

/* The item of key (now most recently used), or NULL when absent and
 * !create.  *created (if not NULL) tells whether it was made now. */
void *lru_get(struct lru_map *m, uint64_t key, int create, int *created);

/* With a weight function, a full map evicts the lightest of its 16 least
 * recently used items instead of the oldest (state worth more survives a
 * flood of new keys; still O(1)). */
typedef double (*lru_weight_fn)(const void *item);
void lru_set_weight(struct lru_map *m, lru_weight_fn fn);
/* Look without touching the order. */
void *lru_peek(const struct lru_map *m, uint64_t key);
void lru_remove(struct lru_map *m, void *item);

/* Oldest item (least recently used), or NULL. */
void *lru_oldest(const struct lru_map *m);
uint64_t lru_key_of(const struct lru_map *m, const void *item);

size_t lru_count(const struct lru_map *m);
uint64_t lru_evictions(const struct lru_map *m);
/* Evictions of items weighing 1 or more (state worth keeping was lost). */
uint64_t lru_evictions_weighty(const struct lru_map *m);

#endif /* SH_LRU_H */
