/*
 * community_id.c -- Community ID v1.  See community_id.h.
 */
#include "community_id.h"

#include <string.h>

#include <nettle/base64.h>
#include <nettle/sha1.h>

/* -1, 0, 1: (a, pa) compared with (b, pb), addresses as big-endian bytes */
static int endpoint_cmp(const struct sh_addr *a, uint16_t pa,
                        const struct sh_addr *b, uint16_t pb)
{
    size_t n = a->family == 4 ? 4 : 16;
    int c = memcmp(a->a, b->a, n);
    if (c)
        return c < 0 ? -1 : 1;
    return pa < pb ? -1 : pa > pb ? 1 : 0;
}

static int hash_tuple(const struct sh_addr *s, const struct sh_addr *d, uint8_t proto,
                      int has_ports, uint16_t sp, uint16_t dp, uint16_t seed,
                      char *out, size_t outlen)
{
    struct sha1_ctx c;
    uint8_t buf[2 + 16 + 16 + 2 + 4], dig[SHA1_DIGEST_SIZE];
    size_t n = 0, alen = s->family == 4 ? 4 : 16;

    buf[n++] = (uint8_t)(seed >> 8);
    buf[n++] = (uint8_t)seed;
    memcpy(buf + n, s->a, alen);
    n += alen;
    memcpy(buf + n, d->a, alen);
    n += alen;
    buf[n++] = proto;
    buf[n++] = 0;                       /* padding */
    if (has_ports) {
        buf[n++] = (uint8_t)(sp >> 8);
        buf[n++] = (uint8_t)sp;
        buf[n++] = (uint8_t)(dp >> 8);
        buf[n++] = (uint8_t)dp;
    }
    sha1_init(&c);
    sha1_update(&c, n, buf);
    sha1_digest(&c, sizeof dig, dig);
    out[0] = '1';
    out[1] = ':';
    base64_encode_raw(out + 2, sizeof dig, dig);
    out[2 + BASE64_ENCODE_RAW_LENGTH(SHA1_DIGEST_SIZE)] = '\0';
    (void)outlen;
    return 0;
}

static int usable(const struct sh_addr *s, const struct sh_addr *d, size_t outlen)
{
    return (s->family == 4 || s->family == 6) && s->family == d->family &&
           outlen >= COMMUNITY_ID_LEN;
}

int community_id_v1(const struct sh_addr *src, const struct sh_addr *dst,
                    uint8_t proto, int has_ports, uint16_t sport, uint16_t dport,
                    uint16_t seed, char *out, size_t outlen)
{
    if (!usable(src, dst, outlen))
        return -1;
    if (!has_ports)
        sport = dport = 0;
    if (endpoint_cmp(src, sport, dst, dport) <= 0)
        return hash_tuple(src, dst, proto, has_ports, sport, dport, seed, out, outlen);
    return hash_tuple(dst, src, proto, has_ports, dport, sport, seed, out, outlen);
}

/* The counterpart of a request/response ICMP type, or -1 (one-way). */
static int icmp_counterpart(uint8_t proto, uint8_t t)
{
    static const uint8_t v4[][2] = {
        {8, 0}, {0, 8},       /* echo, echo reply */
        {13, 14}, {14, 13},   /* timestamp */
        {15, 16}, {16, 15},   /* information */
        {10, 9}, {9, 10},     /* router solicitation, advertisement */
        {17, 18}, {18, 17},   /* address mask */
    };
    static const uint8_t v6[][2] = {
        {128, 129}, {129, 128}, /* echo */
        {133, 134}, {134, 133}, /* router solicitation, advertisement */
        {135, 136}, {136, 135}, /* neighbor solicitation, advertisement */
        {130, 131}, {131, 130}, /* MLD query, report */
        {139, 140}, {140, 139}, /* node information query, response */
        {144, 145}, {145, 144}, /* home agent address discovery */
    };
    const uint8_t (*m)[2] = proto == 1 ? v4 : v6;
    size_t n = proto == 1 ? sizeof v4 / sizeof v4[0] : sizeof v6 / sizeof v6[0];
    for (size_t i = 0; i < n; i++)
        if (m[i][0] == t)
            return m[i][1];
    return -1;
}

int community_id_icmp(const struct sh_addr *src, const struct sh_addr *dst,
                      uint8_t proto, uint8_t type, uint8_t code,
                      uint16_t seed, char *out, size_t outlen)
{
    if (!usable(src, dst, outlen))
        return -1;
    int cp = icmp_counterpart(proto, type);
    if (cp < 0)      /* one-way: (type, code), direction as given */
        return hash_tuple(src, dst, proto, 1, type, code, seed, out, outlen);
    return community_id_v1(src, dst, proto, 1, type, (uint16_t)cp, seed, out, outlen);
}
