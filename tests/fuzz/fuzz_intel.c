/*
 * fuzz_intel.c - libFuzzer harness for the canonical forms of
 * detect/intel.c (ti.h): hostile names, hosts, hashes and URLs from the
 * wire (SNI, HTTP Host and request target, certificate fingerprints).
 *
 * Input: bytes up to the first '\n' are a host, the rest a request target
 * (or, for the hash checks, the whole input).  The buffer is exactly
 * `size` bytes, so ASan reports any read past len.
 * Invariants: a canonical host is lower case, printable, at most 253
 * bytes, and canonical again unchanged; a canonical hash has exactly the
 * digits asked for, lower hex; a canonical URL starts with "http://", is
 * printable and canonical again unchanged.
 *
 * Build (clang 14): make build/fuzz/fuzz_intel; replayed by make fuzz-replay.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/ti.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_printable(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    const char *nl = memchr(p, '\n', size);
    size_t hn = nl ? (size_t)(nl - p) : size;
    const char *uri = nl ? nl + 1 : p + size;
    size_t un = nl ? size - hn - 1 : 0;

    struct ti_attr a, b;
    int t = ti_canon_host(p, hn, &a);
    if (t != IOC_NONE) {
        check_printable(a.v);
        if (strlen(a.v) != a.len || a.len > 253)
            abort();
        for (const char *c = a.v; *c; c++)
            if (isupper((unsigned char)*c))
                abort();
        if (ti_canon_host(a.v, a.len, &b) != t || strcmp(a.v, b.v) != 0)
            abort();
    }
    static const size_t digits[] = { 32, 40, 64 };
    for (size_t i = 0; i < 3; i++) {
        char h[80];
        if (ti_canon_hex(p, size, digits[i], h, sizeof(h)) == 0) {
            if (strlen(h) != digits[i] || strspn(h, "0123456789abcdef") != digits[i])
                abort();
        }
    }
    char u[EVIDENCE_IOC_MAX], v[EVIDENCE_IOC_MAX];
    uint16_t port = size >= 2 ? (uint16_t)(data[0] << 8 | data[1]) : 80;
    if (ti_canon_url(p, hn, port, uri, un, u, sizeof(u)) == 0) {
        check_printable(u);
        if (strncmp(u, "http://", 7) != 0)
            abort();
        /* the canonical URL as an absolute-form target is itself */
        if (ti_canon_url("x", 1, 80, u, strlen(u), v, sizeof(v)) != 0 || strcmp(u, v) != 0)
            abort();
    }
    struct ti_attr q;
    if (ti_from_query_name(p, hn, &q))
        check_printable(q.v);
    return 0;
}
