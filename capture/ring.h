/*
 * ring.h -- bounded single-producer / single-consumer ring of fixed-size
 * slots (C11 atomics), the only place capture and detect threads meet.
 *
 * The producer reserves a slot, writes into it in place and commits; the
 * consumer peeks the oldest committed slot, reads it in place and
 * releases it.  No locks, no allocation after creation.  Head and tail
 * sit on separate cache lines and each side caches the other's index, so
 * an uncontended push or pop touches one shared line.
 *
 * Full ring policy is the caller's: live capture drops and counts
 * (ring_reserve returns NULL), offline replay waits (ring_reserve_wait) so
 * that a replay is lossless and deterministic.
 */
#ifndef SH_RING_H
#define SH_RING_H

#include <stddef.h>
#include <stdint.h>

struct ring;

/* nslots is rounded up to a power of two (>= 2). */
struct ring *ring_create(uint32_t nslots, size_t slot_size,
                         char *err, size_t errlen);
void ring_destroy(struct ring *r);   /* NULL is a no-op */

/* Producer side. */
void *ring_reserve(struct ring *r);          /* NULL when full          */
void *ring_reserve_wait(struct ring *r);     /* waits for room; NULL only
                                                if the consumer stopped  */
void ring_commit(struct ring *r);
void ring_close(struct ring *r);             /* no more items will come */

/* Consumer side. */
void *ring_peek(struct ring *r);             /* NULL when empty         */
/* Waits for an item; NULL when the ring is empty and closed. */
void *ring_peek_wait(struct ring *r);
void ring_release(struct ring *r);
/* Like ring_peek_wait but gives up after about timeout_us; *closed is set
 * when NULL means "closed and empty" rather than "nothing yet". */
void *ring_peek_timeout(struct ring *r, unsigned timeout_us, int *closed);
void ring_stop_consumer(struct ring *r);     /* producer waits give up  */

uint32_t ring_capacity(const struct ring *r);

#endif /* SH_RING_H */
