/*
 * ring.c -- SPSC ring.  See ring.h.
 *
 * Indices are free-running 32-bit counters; slot = index & mask.  The
 * producer publishes with a release store of `head` after writing the
 * slot; the consumer acquires `head` before reading it (and symmetrically
 * for `tail`), which is all the ordering SPSC needs.
 *
 * Waiting (offline replay only) spins briefly, then yields, then sleeps
 * 50 us at a time: the wait is rare on the hot path and must never burn a
 * core for long on a 2-core box.
 */
#include "ring.h"

#include <sched.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct ring {
    alignas(64) _Atomic uint32_t head;   /* next slot to fill (producer) */
    uint32_t tail_cache;                 /* producer's view of tail      */
    alignas(64) _Atomic uint32_t tail;   /* next slot to read (consumer) */
    uint32_t head_cache;                 /* consumer's view of head      */
    alignas(64) _Atomic int closed;
    _Atomic int consumer_gone;
    uint32_t mask;
    size_t slot_size;
    uint8_t *mem;
};

struct ring *ring_create(uint32_t nslots, size_t slot_size,
                         char *err, size_t errlen)
{
    uint32_t n = 2;
    struct ring *r;

    while (n < nslots && n < (1u << 30))
        n <<= 1;
    r = aligned_alloc(64, sizeof(*r));
    if (!r)
        goto fail;
    atomic_init(&r->head, 0);
    atomic_init(&r->tail, 0);
    atomic_init(&r->closed, 0);
    atomic_init(&r->consumer_gone, 0);
    r->tail_cache = r->head_cache = 0;
    r->mask = n - 1;
    r->slot_size = (slot_size + 63) & ~(size_t)63;
    r->mem = aligned_alloc(64, (size_t)n * r->slot_size);
    if (!r->mem) {
        free(r);
        goto fail;
    }
    return r;
fail:
    snprintf(err, errlen, "cannot allocate a ring of %u x %zu bytes",
             nslots, slot_size);
    return NULL;
}

void ring_destroy(struct ring *r)
{
    if (!r)
        return;
    free(r->mem);
    free(r);
}

uint32_t ring_capacity(const struct ring *r)
{
    return r->mask + 1;
}

static void backoff(unsigned *n)
{
    if (*n < 64) {
        (*n)++;
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
    } else if (*n < 128) {
        (*n)++;
        sched_yield();
    } else {
        struct timespec ts = {0, 50000};
        nanosleep(&ts, NULL);
    }
}

void *ring_reserve(struct ring *r)
{
    uint32_t h = atomic_load_explicit(&r->head, memory_order_relaxed);
    if (h - r->tail_cache > r->mask) {
        r->tail_cache = atomic_load_explicit(&r->tail, memory_order_acquire);
        if (h - r->tail_cache > r->mask)
            return NULL;
    }
    return r->mem + (size_t)(h & r->mask) * r->slot_size;
}

void *ring_reserve_wait(struct ring *r)
{
    unsigned n = 0;
    void *s;
    while (!(s = ring_reserve(r))) {
        if (atomic_load_explicit(&r->consumer_gone, memory_order_acquire))
            return NULL;
        backoff(&n);
    }
    return s;
}

void ring_commit(struct ring *r)
{
    uint32_t h = atomic_load_explicit(&r->head, memory_order_relaxed);
    atomic_store_explicit(&r->head, h + 1, memory_order_release);
}

void ring_close(struct ring *r)
{
    atomic_store_explicit(&r->closed, 1, memory_order_release);
}

void *ring_peek(struct ring *r)
{
    uint32_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);
    if (t == r->head_cache) {
        r->head_cache = atomic_load_explicit(&r->head, memory_order_acquire);
        if (t == r->head_cache)
            return NULL;
    }
    return r->mem + (size_t)(t & r->mask) * r->slot_size;
}

void *ring_peek_wait(struct ring *r)
{
    int closed = 0;
    void *s;
    while (!(s = ring_peek_timeout(r, 1000000, &closed)) && !closed)
        ;
    return s;
}

void *ring_peek_timeout(struct ring *r, unsigned timeout_us, int *closed)
{
    struct timespec start, now;
    unsigned n = 0;
    void *s;
    *closed = 0;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        if ((s = ring_peek(r)) != NULL)
            return s;
        if (atomic_load_explicit(&r->closed, memory_order_acquire)) {
            s = ring_peek(r);
            if (!s)
                *closed = 1;
            return s;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        int64_t us = (int64_t)(now.tv_sec - start.tv_sec) * 1000000 +
                     (int64_t)(now.tv_nsec - start.tv_nsec) / 1000;
        if (us >= (int64_t)timeout_us)
            return NULL;
        backoff(&n);
    }
}

void ring_release(struct ring *r)
{
    uint32_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);
    atomic_store_explicit(&r->tail, t + 1, memory_order_release);
}

void ring_stop_consumer(struct ring *r)
{
    atomic_store_explicit(&r->consumer_gone, 1, memory_order_release);
}
