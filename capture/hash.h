/*
 * hash.h -- the one keyed hash of every table whose keys come from the
 * wire (flows, DNS pairing, ARP bindings, hosts, MACs, names, detector
 * maps).
 *
 * SipHash-2-4 (Aumasson & Bernstein, 2012) from libsodium
 * (crypto_shorthash), keyed with 128 random bits per table.  A peer that
 * chooses addresses, ports or names cannot predict which bucket they land
 * in, so it cannot build long chains (hash flooding); a fixed or invertible
 * mixer (MurmurHash's finaliser, FNV) lets it do exactly that.
 *
 * Determinism: the key changes every run, so nothing may depend on bucket
 * order.  Tables iterate by their LRU or arrival lists, never by bucket,
 * and a 64-bit keyed hash used as an identity (names in a detector's
 * window) collides with probability ~n^2 / 2^65: replays give the same
 * verdicts.  Values that must be stable across runs (EVE flow ids) use
 * hk_fixed(), a SipHash with a constant key -- never for bucket choice.
 *
 * The layering allows detect/ to include this header: it is capture's
 * keyed-hash contract, with no struct of capture's in it.
 */
#ifndef SH_HASH_H
#define SH_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>

#include <sodium/crypto_shorthash_siphash24.h>

struct hkey {
    unsigned char k[crypto_shorthash_siphash24_KEYBYTES];
};

/* A fresh random key (getrandom; if the kernel cannot give entropy yet,
 * the addresses of the key and of a stack variable, which ASLR makes
 * unknown to a peer on the wire). */
static inline void hk_init(struct hkey *key)
{
    if (getrandom(key->k, sizeof(key->k), GRND_NONBLOCK) != (ssize_t)sizeof(key->k)) {
        uint64_t a = (uint64_t)(uintptr_t)key, b = (uint64_t)(uintptr_t)&a;
        memcpy(key->k, &a, 8);
        memcpy(key->k + 8, &b, 8);
    }
}

/* SipHash-2-4 of p[0..n) under key. */
static inline uint64_t hk_bytes(const struct hkey *key, const void *p, size_t n)
{
    uint64_t out;
    crypto_shorthash_siphash24((unsigned char *)&out, (const unsigned char *)p,
                               (unsigned long long)n, key->k);
    return out;
}

static inline uint64_t hk_u64(const struct hkey *key, uint64_t x)
{
    return hk_bytes(key, &x, sizeof(x));
}

/* A DNS name, ASCII letters folded to lower case (names are
 * case-insensitive and 0x20-randomised); names longer than 255 bytes are
 * hashed on their first 255. */
static inline uint64_t hk_name(const struct hkey *key, const char *s, size_t n)
{
    char low[255];
    if (n > sizeof(low))
        n = sizeof(low);
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        low[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    return hk_bytes(key, low, n);
}

/* A constant-key SipHash for values that must be the same on every run
 * (identifiers), never for bucket choice. */
static inline uint64_t hk_fixed(const void *p, size_t n)
{
    static const struct hkey fixed = { { 's', 'p', 'a', 'n', 'h', 'o', 'u', 'n',
                                         'd', '-', 'f', 'l', 'o', 'w', 'i', 'd' } };
    return hk_bytes(&fixed, p, n);
}

#endif /* SH_HASH_H */
