/*
 * services.c -- the benign-services zone set.  See services.h.
 */
#include "services.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../capture/hash.h"

#define ZONE_MAX 253

struct services {
    struct hkey key;
    uint64_t *slot;              /* keyed hash | 1, 0 = empty */
    size_t mask, n;
};

static size_t lower(const char *in, size_t len, char *out)
{
    if (len && in[len - 1] == '.')
        len--;
    if (len > ZONE_MAX)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = in[i];
        out[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    return len;
}

static uint64_t hash_of(const struct services *s, const char *z, size_t n)
{
    return hk_name(&s->key, z, n) | 1;
}

static int has(const struct services *s, uint64_t h)
{
    for (size_t i = h & s->mask; s->slot[i]; i = (i + 1) & s->mask)
        if (s->slot[i] == h)
            return 1;
    return 0;
}

static void put(struct services *s, uint64_t h)
{
    if (has(s, h))
        return;
    size_t i = h & s->mask;
    while (s->slot[i])
        i = (i + 1) & s->mask;
    s->slot[i] = h;
    s->n++;
}

/* A zone: two or more labels of letters, digits, '-' and '_'. */
static int zone_ok(const char *z, size_t n)
{
    int dots = 0;
    if (n == 0 || z[0] == '.' || z[n - 1] == '.')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = z[i];
        if (c == '.') {
            if (z[i + 1] == '.')
                return 0;
            dots++;
        } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
            return 0;
        }
    }
    return dots >= 1;
}

struct services *services_load(const char *path, int *bad, char *err, size_t errlen)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    struct services *s = calloc(1, sizeof(*s));
    size_t cap = 1024;
    if (s)
        s->slot = calloc(cap, sizeof(*s->slot));
    if (!s || !s->slot) {
        fclose(fp);
        services_free(s);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->mask = cap - 1;
    hk_init(&s->key);
    char line[512], z[ZONE_MAX + 1];
    int lineno = 0, nbad = 0;
    while (fgets(line, sizeof(line), fp)) {
        lineno++;
        char *p = line, *e;
        if ((e = strchr(p, '#')) != NULL)
            *e = '\0';
        while (*p == ' ' || *p == '\t')
            p++;
        e = p + strlen(p);
        while (e > p && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
            e--;
        if (e == p)
            continue;
        size_t n = lower(p, (size_t)(e - p), z);
        if (!zone_ok(z, n) || s->n * 2 >= cap) {
            fprintf(stderr, "%s:%d: %s, line skipped\n", path, lineno,
                    s->n * 2 >= cap ? "too many zones" : "not a DNS zone");
            nbad++;
            continue;
        }
        put(s, hash_of(s, z, n));
    }
    fclose(fp);
    if (bad)
        *bad = nbad;
    return s;
}

void services_free(struct services *s)
{
    if (!s)
        return;
    free(s->slot);
    free(s);
}

int services_match(const struct services *s, const char *name, size_t len)
{
    char z[ZONE_MAX + 1];
    size_t n;
    if (!s || !name || (n = lower(name, len, z)) == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || z[i - 1] == '.') {
            if (has(s, hash_of(s, z + i, n - i)))
                return 1;
        }
    }
    return 0;
}

size_t services_count(const struct services *s)
{
    return s ? s->n : 0;
}
