/*
 * fuzz_feedline.c -- libFuzzer harness for the line-oriented feed formats
 * (feeds/iocparse.c: plain lists of every type, abuse.ch SSLBL JA3 and
 * certificate CSVs, Feodo Tracker, URLhaus) and the store they fill
 * (feeds/ioc.c: hash sets, LPM trie, reason interning).
 *
 * Input: byte 0 picks the format (and for plain lists the type), the rest
 * is the feed file.  It is parsed line by line into a store
 * (ioc_db_from_buffer), then every line is also looked up as each type,
 * and each line goes once more through ioc_parse_line() in a buffer of
 * exactly its length, so ASan catches a read past `len`.
 * Invariants: every hit names the feed, has a non-empty entry shorter
 * than EVIDENCE_IOC_MAX and at most one hit per feed comes back.
 *
 *   make fuzz   (or build/fuzz/fuzz_feedline tests/fuzz/corpus/feedline)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feeds/ioc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int drop(void *ctx, int type, const char *v, size_t n, const char *r, size_t rn)
{
    char out[600];
    int t = type;
    (void)ctx, (void)r, (void)rn;
    return ioc_canon(&t, v, n, out, sizeof(out)) < 0 ? -1 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const int fmts[] = { IOC_FMT_PLAIN, IOC_FMT_ABUSECH_JA3, IOC_FMT_ABUSECH_SSLBL,
                                IOC_FMT_FEODO, IOC_FMT_URLHAUS };
    struct ioc_feed_def def;
    memset(&def, 0, sizeof(def));
    snprintf(def.name, sizeof(def.name), "fuzz");
    def.format = fmts[data[0] % 5];
    def.type = 1 + (data[0] / 5) % (IOC_TYPE_MAX - 1);
    def.weight = 1;
    def.confidence = 0.5;
    const char *buf = (const char *)data + 1;
    size_t len = size - 1;

    struct ioc_db *db = ioc_db_from_buffer(&def, buf, len, 1767225600, NULL, NULL);
    if (!db)
        abort();                        /* line formats never fail as a whole */

    struct ioc_lineparser p;
    ioc_lineparser_init(&p, def.format, def.type);
    size_t i = 0;
    while (i < len) {
        const char *nl = memchr(buf + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - buf) : len;
        size_t n = e - i;
        char *line = malloc(n ? n : 1);  /* exactly n bytes: reads past n trap */
        if (!line)
            break;
        memcpy(line, buf + i, n);
        ioc_parse_line(&p, line, n, drop, NULL);
        for (int t = 1; t < IOC_TYPE_MAX; t++) {
            struct intel_hit h[4];
            int k = ioc_lookup(db, t, line, n, NULL, h, 4);
            if (k < 0 || k > 1)
                abort();                /* one feed: at most one hit */
            for (int j = 0; j < k; j++)
                if (!h[j].entry[0] || strlen(h[j].entry) >= EVIDENCE_IOC_MAX ||
                    strcmp(h[j].feed, "fuzz") != 0)
                    abort();
        }
        free(line);
        i = e + 1;
    }
    ioc_db_free(db);
    return 0;
}
