/*
 * hash.h -- the hash functions of the detect module's tables, with fixed
 * keys so that a replay hashes (and therefore evicts and iterates) the same
 * way on every run.
 */
#ifndef SH_DETECT_HASH_H
#define SH_DETECT_HASH_H

#include <stddef.h>
#include <stdint.h>

/* 64-bit finaliser of MurmurHash3 (Appleby): good avalanche for integer keys. */
static inline uint64_t hash_mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

/* FNV-1a over n bytes, ASCII letters folded to lower case (DNS names are
 * case-insensitive and 0x20-randomised), continuing from h. */
static inline uint64_t hash_fnv_fold(const void *p, size_t n, uint64_t h)
{
    const uint8_t *s = p;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (uint8_t)(c + 32);
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    return h;
}

#define HASH_FNV_BASIS 0xcbf29ce484222325ULL

#endif /* SH_DETECT_HASH_H */
