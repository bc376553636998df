/*
 * fuzz_domain.c - libFuzzer harness for detect/domain.c + detect/dga.c.
 *
 * Feeds arbitrary bytes as a DNS name to domain_split() and dga_score()
 * (and dga_explain() on success).  The input buffer is exactly `size` bytes
 * (libFuzzer allocates it so), so ASan reports any read past len.
 * Invariants checked: a successful split has label/suffix inside regdomain,
 * regdomain == label "." suffix, norm ends with regdomain; the score is in
 * [0,1] and dga == (score >= threshold).
 *
 * The model is loaded once, on the first call, from $SH_DATADIR (default
 * "detect/data", i.e. run from the repo root); without it only
 * domain_split is exercised.
 *
 * Build (clang 14):
 *   clang -std=c11 -D_DEFAULT_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -I. \
 *         tests/fuzz/fuzz_domain.c detect/dga.c detect/domain.c -lpsl -lm -o fuzz_domain
 *   ./fuzz_domain tests/fuzz/corpus/domain
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/dga.h"
#include "detect/domain.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct domain_ctx *g_dom;
static struct dga_model *g_model;

static void init_once(void)
{
    static int done;
    char err[512];
    const char *dir = getenv("SH_DATADIR");

    if (done)
        return;
    done = 1;
    g_dom = domain_create(NULL, err, sizeof(err));
    if (!g_dom) {
        fprintf(stderr, "fuzz_domain: %s\n", err);
        abort();
    }
    g_model = dga_model_load(dir && *dir ? dir : "detect/data", g_dom, err, sizeof(err));
    if (!g_model)
        fprintf(stderr, "fuzz_domain: no model (%s): fuzzing domain_split only\n", err);
}

static void check_parts(const struct domain_parts *p)
{
    size_t rl = strlen(p->regdomain), nl = strlen(p->norm);

    if (p->label != p->regdomain || p->label_len == 0 ||
        p->suffix != p->regdomain + p->label_len + 1 || p->regdomain[p->label_len] != '.' ||
        rl > nl || strcmp(p->norm + (nl - rl), p->regdomain) != 0 || p->nlabels < 2)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct domain_parts p;
    struct dga_verdict v;
    char buf[512];

    init_once();
    if (domain_split(g_dom, (const char *)data, size, &p) == 0)
        check_parts(&p);
    if (g_model && dga_score(g_model, (const char *)data, size, &v) == 0) {
        check_parts(&v.parts);
        if (!(v.score >= 0.0 && v.score <= 1.0) ||
            v.dga != (v.score >= dga_default_threshold(g_model)))
            abort();
        dga_explain(&v, buf, sizeof(buf));
        if (strlen(buf) >= sizeof(buf))
            abort();
    }
    return 0;
}
