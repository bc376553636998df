/*
 * framebuf.h -- a byte buffer for hand-built frames in unit tests
 * (big-endian puts, as on the wire).
 */
#ifndef SH_TEST_FRAMEBUF_H
#define SH_TEST_FRAMEBUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct fb {
    uint8_t b[2048];
    size_t n;
};

static inline void put(struct fb *f, const void *p, size_t n)
{
    memcpy(f->b + f->n, p, n);
    f->n += n;
}

static inline void put8(struct fb *f, uint8_t v) { put(f, &v, 1); }
static inline void put16(struct fb *f, uint16_t v)
{
    uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };
    put(f, b, 2);
}
static inline void put32(struct fb *f, uint32_t v)
{
    put16(f, (uint16_t)(v >> 16));
    put16(f, (uint16_t)v);
}

#endif /* SH_TEST_FRAMEBUF_H */
