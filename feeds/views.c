/*
 * views.c -- the publisher's per-host views on disk.  See views.h.
 */
#define _GNU_SOURCE
#include "views.h"
#include "../config/files.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SUM 8
static const unsigned char views_key[crypto_shorthash_KEYBYTES] = "spanhound-views1";

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int views_encode(const char *const *rec, const uint32_t *len, int n, uint8_t **out,
                 size_t *outlen)
{
    *out = NULL;
    *outlen = 0;
    if (n < 0 || sodium_init() < 0)
        return -1;
    size_t total = 8 + SUM;
    for (int i = 0; i < n; i++) {
        if (len[i] == 0 || len[i] > VIEWS_REC_MAX)
            return -1;
        total += 4 + len[i];
    }
    uint8_t *p = malloc(total);
    if (!p)
        return -1;
    memcpy(p, "SHV1", 4);
    put32(p + 4, (uint32_t)n);
    size_t off = 8;
    for (int i = 0; i < n; i++) {
        put32(p + off, len[i]);
        memcpy(p + off + 4, rec[i], len[i]);
        off += 4 + len[i];
    }
    crypto_shorthash(p + off, p, off, views_key);
    *out = p;
    *outlen = off + SUM;
    return 0;
}

/* a record: NUL-terminated "name\0value\0" pairs, no empty name */
static int record_ok(const uint8_t *r, size_t n)
{
    if (n < 4 || r[n - 1] != 0)
        return 0;
    int pairs = 0;
    size_t off = 0;
    while (off < n) {
        const uint8_t *ke = memchr(r + off, 0, n - off);
        if (!ke || ke == r + off)
            return 0;
        size_t voff = (size_t)(ke - r) + 1;
        if (voff >= n)
            return 0;
        const uint8_t *ve = memchr(r + voff, 0, n - voff);
        if (!ve)
            return 0;
        off = (size_t)(ve - r) + 1;
        pairs++;
    }
    return pairs > 0;
}

int views_parse(const uint8_t *p, size_t len, views_fn fn, void *ctx, char *err, size_t errlen)
{
    if (sodium_init() < 0) {
        snprintf(err, errlen, "libsodium failed to initialise");
        return -1;
    }
    if (len < 8 + SUM || memcmp(p, "SHV1", 4) != 0) {
        snprintf(err, errlen, "not a views file");
        return -1;
    }
    uint8_t sum[SUM];
    crypto_shorthash(sum, p, len - SUM, views_key);
    if (sodium_memcmp(sum, p + len - SUM, SUM) != 0) {
        snprintf(err, errlen, "corrupt (checksum)");
        return -1;
    }
    size_t end = len - SUM;
    uint32_t n = get32(p + 4);
    for (int pass = 0; pass < 2; pass++) {
        size_t off = 8;
        for (uint32_t i = 0; i < n; i++) {
            if (end - off < 4) {
                snprintf(err, errlen, "corrupt (record %u of %u)", i + 1, n);
                return -1;
            }
            uint32_t rl = get32(p + off);
            off += 4;
            if (rl == 0 || rl > VIEWS_REC_MAX || rl > end - off ||
                (pass == 0 && !record_ok(p + off, rl))) {
                snprintf(err, errlen, "corrupt (record %u of %u)", i + 1, n);
                return -1;
            }
            if (pass == 1 && fn)
                fn(ctx, (const char *)(p + off), rl);
            off += rl;
        }
        if (off != end) {
            snprintf(err, errlen, "corrupt (trailing bytes)");
            return -1;
        }
    }
    return (int)n;
}

int views_write_file(const char *path, const uint8_t *p, size_t n)
{
    char tmp[4096 + 16];
    if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0)
        return -1;
    fchmod(fd, 0600);
    if (file_write_all(fd, p, n) < 0) {
        int e = errno ? errno : EIO;
        close(fd);
        unlink(tmp);
        errno = e;
        return -1;
    }
    if (fsync(fd) < 0 || rename(tmp, path) < 0) {
        int e = errno;
        close(fd);
        unlink(tmp);
        errno = e;
        return -1;
    }
    close(fd);
    file_sync_dir(path);
    return 0;
}
