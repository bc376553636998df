/*
 * rd.h -- the one checked cursor every wire parser reads through.
 *
 * A struct rd is a window [p, p+len) and an offset.  Every fetch checks
 * that the bytes are inside the window; a fetch that would read past the
 * end returns 0 (or NULL) and sets the sticky `err` flag, after which all
 * fetches fail.  Parsers test rd.err once at a natural boundary instead
 * of after every read, in the spirit of tcpdump's GET_* macros.
 *
 * Bounds are always written as `len - off >= n` (never `off + n <= len`,
 * which overflows for a peer-supplied n).  The cursor never writes and
 * never allocates; it borrows the bytes for its lifetime.
 */
#ifndef SH_RD_H
#define SH_RD_H

#include <stddef.h>
#include <stdint.h>

struct rd {
    const uint8_t *p;
    size_t len;
    size_t off;
    int err;
};

static inline struct rd rd_init(const uint8_t *p, size_t len)
{
    struct rd r = { p, p ? len : 0, 0, 0 };
    return r;
}

static inline size_t rd_left(const struct rd *r)
{
    return r->err ? 0 : r->len - r->off;
}

static inline int rd_has(const struct rd *r, size_t n)
{
    return !r->err && r->len - r->off >= n;
}

static inline uint8_t rd_u8(struct rd *r)
{
    if (!rd_has(r, 1)) { r->err = 1; return 0; }
    return r->p[r->off++];
}

static inline uint16_t rd_be16(struct rd *r)
{
    if (!rd_has(r, 2)) { r->err = 1; return 0; }
    uint16_t v = (uint16_t)((r->p[r->off] << 8) | r->p[r->off + 1]);
    r->off += 2;
    return v;
}

static inline uint32_t rd_be24(struct rd *r)
{
    if (!rd_has(r, 3)) { r->err = 1; return 0; }
    uint32_t v = ((uint32_t)r->p[r->off] << 16) |
                 ((uint32_t)r->p[r->off + 1] << 8) | r->p[r->off + 2];
    r->off += 3;
    return v;
}

static inline uint32_t rd_be32(struct rd *r)
{
    if (!rd_has(r, 4)) { r->err = 1; return 0; }
    uint32_t v = ((uint32_t)r->p[r->off] << 24) |
                 ((uint32_t)r->p[r->off + 1] << 16) |
                 ((uint32_t)r->p[r->off + 2] << 8) | r->p[r->off + 3];
    r->off += 4;
    return v;
}

/* Borrow n bytes; NULL (and err) when fewer remain. */
static inline const uint8_t *rd_bytes(struct rd *r, size_t n)
{
    if (!rd_has(r, n)) { r->err = 1; return NULL; }
    const uint8_t *q = r->p + r->off;
    r->off += n;
    return q;
}

static inline int rd_skip(struct rd *r, size_t n)
{
    return rd_bytes(r, n) != NULL || n == 0 ? 0 : -1;
}

/* A sub-cursor over the next n bytes (the parent skips them).  On short
 * input both get err. */
static inline struct rd rd_sub(struct rd *r, size_t n)
{
    const uint8_t *q = rd_bytes(r, n);
    struct rd s = rd_init(q, q ? n : 0);
    if (!q)
        s.err = 1;
    return s;
}

/* Unchecked-free helpers on raw buffers, for code that has already
 * proven the length (e.g. after rd_bytes). */
static inline uint16_t be16_at(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t be32_at(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
           ((uint32_t)p[2] << 8) | p[3];
}

#endif /* SH_RD_H */
