/*
 * fuzz_stix.c -- libFuzzer harness for the STIX 2.1 reader
 * (feeds/iocparse.c: bundles through jansson, indicator patterns, STIX
 * string escapes, timestamps) and the store it fills (feeds/ioc.c).
 *
 * Input: a JSON document.  It is read as a STIX feed; then a pattern-only
 * pass wraps the raw input as one indicator's pattern so the pattern
 * parser sees arbitrary bytes without having to get through JSON first.
 * Invariants: counts add up (added <= what was handed over), lookups of
 * the values a pattern names return at most one hit.
 *
 *   make fuzz   (or build/fuzz/fuzz_stix tests/fuzz/corpus/stix)
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feeds/ioc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
    int n;
};

static int count(void *ctx, int type, const char *v, size_t n, const char *r, size_t rn)
{
    char out[600];
    int t = type;
    struct seen *s = ctx;
    (void)r;
    if (rn >= 4096)
        abort();
    s->n++;
    return ioc_canon(&t, v, n, out, sizeof(out)) < 0 ? -1 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ioc_feed_def def;
    struct ioc_feed_stats st;
    char err[256];
    memset(&def, 0, sizeof(def));
    snprintf(def.name, sizeof(def.name), "fuzz");
    def.format = IOC_FMT_STIX;

    struct ioc_db *db = ioc_db_from_buffer(&def, (const char *)data, size, 1767225600, NULL, &st);
    if (db) {
        struct intel_hit h[2];
        static const char *probe[] = { "example.com", "192.0.2.1", "http://a/", "2001:db8::1" };
        for (int t = 1; t < IOC_TYPE_MAX; t++)
            for (int i = 0; i < 4; i++)
                if (ioc_lookup(db, t, probe[i], strlen(probe[i]), NULL, h, 2) > 1)
                    abort();
        ioc_db_free(db);
    }

    /* the raw bytes as a pattern */
    json_t *ind = json_object();
    json_object_set_new(ind, "type", json_string("indicator"));
    json_object_set_new(ind, "pattern", json_stringn_nocheck((const char *)data, size));
    char *doc = json_dumps(ind, 0);
    json_decref(ind);
    if (doc) {
        struct ioc_stix_counts c;
        struct seen s = { 0 };
        memset(&c, 0, sizeof(c));
        if (ioc_parse_stix(doc, strlen(doc), 0, count, &s, &c, "fuzz", NULL, err,
                           sizeof(err)) == 0) {
            if (c.indicators != 1 || c.added > (uint64_t)s.n)
                abort();
        }
        free(doc);
    }
    return 0;
}
