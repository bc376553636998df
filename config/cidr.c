/*
 * cidr.c -- network prefixes.  See cidr.h.
 */
#include "cidr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int addr_parse(const char *s, struct sh_addr *out)
{
    memset(out, 0, sizeof(*out));
    if (inet_pton(AF_INET, s, out->a) == 1) {
        out->family = 4;
        return 0;
    }
    if (inet_pton(AF_INET6, s, out->a) == 1) {
        out->family = 6;
        return 0;
    }
    return -1;
}

void addr_format(const struct sh_addr *a, char *buf, size_t buflen)
{
    if (buflen == 0)
        return;
    buf[0] = '\0';
    if (a->family == 4)
        inet_ntop(AF_INET, a->a, buf, (socklen_t)buflen);
    else if (a->family == 6)
        inet_ntop(AF_INET6, a->a, buf, (socklen_t)buflen);
}

int cidr_parse(const char *s, struct cidr *out, char *err, size_t errlen)
{
    char tmp[64];
    const char *slash = strchr(s, '/');
    size_t alen = slash ? (size_t)(slash - s) : strlen(s);
    struct sh_addr a;
    long bits;

    if (alen == 0 || alen >= sizeof(tmp)) {
        snprintf(err, errlen, "'%s' is not an address or network", s);
        return -1;
    }
    memcpy(tmp, s, alen);
    tmp[alen] = '\0';
    if (addr_parse(tmp, &a) < 0) {
        snprintf(err, errlen, "'%s' is not an IPv4 or IPv6 address", tmp);
        return -1;
    }
    int maxbits = a.family == 4 ? 32 : 128;
    if (slash) {
        char *end;
        bits = strtol(slash + 1, &end, 10);
        if (!slash[1] || *end || bits < 0 || bits > maxbits) {
            snprintf(err, errlen, "'%s': prefix length must be 0..%d", s, maxbits);
            return -1;
        }
    } else {
        bits = maxbits;
    }
    memset(out, 0, sizeof(*out));
    out->family = a.family;
    out->bits = (uint8_t)bits;
    memcpy(out->a, a.a, 16);
    /* host bits must be zero */
    for (int i = 0; i < 16; i++) {
        int keep = (int)bits - i * 8;
        uint8_t mask = keep >= 8 ? 0xff : keep <= 0 ? 0 : (uint8_t)(0xff << (8 - keep));
        if (out->a[i] & (uint8_t)~mask) {
            snprintf(err, errlen, "'%s' has host bits set (did you mean a /%d of another address?)",
                     s, (int)bits);
            return -1;
        }
    }
    return 0;
}

int cidr_set_add(struct cidr_set *set, const struct cidr *c)
{
    if (set->n >= CIDR_SET_MAX)
        return -1;
    set->c[set->n++] = *c;
    return 0;
}

int cidr_set_parse_list(struct cidr_set *set, const char *list,
                        char *err, size_t errlen)
{
    char item[128];
    const char *p = list;
    set->n = 0;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        while (n && (*p == ' ' || *p == '\t')) { p++; n--; }
        while (n && (p[n - 1] == ' ' || p[n - 1] == '\t')) n--;
        if (n == 0 || n >= sizeof(item)) {
            snprintf(err, errlen, "empty or oversized entry in network list '%s'", list);
            return -1;
        }
        memcpy(item, p, n);
        item[n] = '\0';
        struct cidr c;
        if (cidr_parse(item, &c, err, errlen) < 0)
            return -1;
        if (cidr_set_add(set, &c) < 0) {
            snprintf(err, errlen, "more than %d networks", CIDR_SET_MAX);
            return -1;
        }
        if (!comma)
            break;
        p = comma + 1;
    }
    return 0;
}

int cidr_match(const struct cidr *c, const struct sh_addr *a)
{
    if (c->family != a->family)
        return 0;
    int bits = c->bits;
    int i = 0;
    for (; bits >= 8; bits -= 8, i++)
        if (c->a[i] != a->a[i])
            return 0;
    if (bits) {
        uint8_t mask = (uint8_t)(0xff << (8 - bits));
        if ((c->a[i] & mask) != (a->a[i] & mask))
            return 0;
    }
    return 1;
}

int cidr_set_match(const struct cidr_set *set, const struct sh_addr *a)
{
    for (int i = 0; i < set->n; i++)
        if (cidr_match(&set->c[i], a))
            return 1;
    return 0;
}

void cidr_format(const struct cidr *c, char *buf, size_t buflen)
{
    struct sh_addr a;
    char tmp[64];
    a.family = c->family;
    memcpy(a.a, c->a, 16);
    addr_format(&a, tmp, sizeof(tmp));
    snprintf(buf, buflen, "%s/%u", tmp, c->bits);
}

int mac_parse(const char *s, uint8_t mac[6])
{
    unsigned b[6];
    char tail;
    if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
               &tail) != 6 || strlen(s) != 17)
        return -1;
    for (int i = 0; i < 6; i++)
        mac[i] = (uint8_t)b[i];
    return 0;
}

void mac_format(const uint8_t m[6], char *buf, size_t buflen)
{
    snprintf(buf, buflen, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}
