/*
 * allow.c -- allowlist matching.  See allow.h.
 */
#include "allow.h"

#include <string.h>

static int ieq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z') x = (unsigned char)(x + 32);
        if (y >= 'A' && y <= 'Z') y = (unsigned char)(y + 32);
        if (x != y)
            return 0;
    }
    return 1;
}

static int match(const char *pat, const char *name, size_t len)
{
    size_t pl = strlen(pat);
    if (pl >= 2 && pat[0] == '*' && pat[1] == '.') {
        const char *zone = pat + 2;
        size_t zl = pl - 2;
        if (len == zl)
            return ieq(zone, name, len);
        /* name ends with ".zone" */
        return len > zl && name[len - zl - 1] == '.' && ieq(zone, name + len - zl, zl);
    }
    return len == pl && ieq(pat, name, len);
}

int allow_name(const struct allow *a, const char *name, size_t len)
{
    if (!a->names || !name)
        return 0;
    if (len && name[len - 1] == '.')
        len--;
    for (int i = 0; i < a->names->n; i++)
        if (match(a->names->v[i], name, len))
            return 1;
    return 0;
}

int allow_addr(const struct allow *a, const struct sh_addr *ip)
{
    return a->nets && cidr_set_match(a->nets, ip);
}
