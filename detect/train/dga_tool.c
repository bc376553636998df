/*
 * dga_tool.c - command-line front end to detect/domain.c and detect/dga.c
 * for training, evaluation and experiments.  Not part of the appliance.
 *
 * The training script computes every feature through this tool so that the
 * numbers a model is fitted on are produced by the run-time code itself.
 * Names are read one per line from stdin (a trailing '\r' is dropped);
 * lines longer than 1023 bytes are reported as not scorable.
 *
 *   dga_tool split                       label TAB tld TAB regdomain, or "-"
 *   dga_tool features NGRAM WORDS [MODEL [POPULAR]]
 *                                        ok TAB x1..xN TAB score TAB dga TAB
 *                                        popular, or "-"; "#" header first
 *   dga_tool score [-v] DATADIR          score TAB verdict TAB name [TAB why]
 *   dga_tool bench DATADIR FILE [REPEAT] names/s of dga_score over FILE
 *
 * Options before the command: --psl FILE (default Debian's list).
 * Exit status: 0 ok, 1 load error, 2 usage.
 */
#include "detect/dga.h"
#include "detect/domain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LINE_MAX_TOOL 1024

static int read_name(char *buf, size_t cap, size_t *len, int *too_long)
{
    size_t n;

    *too_long = 0;
    if (!fgets(buf, (int)cap, stdin))
        return 0;
    n = strlen(buf);
    if (n > 0 && buf[n - 1] != '\n' && !feof(stdin)) {
        int c;

        *too_long = 1;
        while ((c = getchar()) != EOF && c != '\n')
            ;
    }
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        n--;
    *len = n;
    return 1;
}

static int cmd_split(const struct domain_ctx *d)
{
    char buf[LINE_MAX_TOOL];
    size_t n;
    int tl;

    while (read_name(buf, sizeof(buf), &n, &tl)) {
        struct domain_parts p;
        const char *tld;

        if (tl || domain_split(d, buf, n, &p) != 0) {
            puts("-");
            continue;
        }
        tld = strrchr(p.regdomain, '.') + 1;
        printf("%.*s\t%s\t%s\n", (int)p.label_len, p.label, tld, p.regdomain);
    }
    return 0;
}

static int cmd_features(const struct domain_ctx *d, const struct dga_files *f)
{
    char buf[LINE_MAX_TOOL], err[512];
    struct dga_model *m = dga_model_load_files(f, d, err, sizeof(err));
    size_t n;
    int tl;

    if (!m) {
        fprintf(stderr, "dga_tool: %s\n", err);
        return 1;
    }
    printf("#ok");
    for (int i = 0; i < DGA_NFEAT; i++)
        printf("\t%s", dga_feature_name(i));
    printf("\tscore\tdga\tpopular\n");
    while (read_name(buf, sizeof(buf), &n, &tl)) {
        struct dga_verdict v;
        double x[DGA_NFEAT];

        if (tl || dga_score_features(m, buf, n, &v, x) != 0) {
            puts("-");
            continue;
        }
        printf("1");
        for (int i = 0; i < DGA_NFEAT; i++)
            printf("\t%.17g", x[i]);
        printf("\t%.9g\t%d\t%d\n", v.score, v.dga, v.popular);
    }
    dga_model_free(m);
    return 0;
}

static int cmd_score(const struct domain_ctx *d, const char *datadir, int verbose)
{
    char buf[LINE_MAX_TOOL], err[512], why[512];
    struct dga_model *m = dga_model_load(datadir, d, err, sizeof(err));
    size_t n;
    int tl;

    if (!m) {
        fprintf(stderr, "dga_tool: %s\n", err);
        return 1;
    }
    while (read_name(buf, sizeof(buf), &n, &tl)) {
        struct dga_verdict v;

        if (tl || dga_score(m, buf, n, &v) != 0) {
            printf("-\t-\t%.*s%s\n", (int)n, buf, verbose ? "\tnot scorable" : "");
            continue;
        }
        if (verbose) {
            dga_explain(&v, why, sizeof(why));
            printf("%.4f\t%d\t%s\t%s\n", v.score, v.dga, v.parts.norm, why);
        } else {
            printf("%.4f\t%d\t%s\n", v.score, v.dga, v.parts.norm);
        }
    }
    dga_model_free(m);
    return 0;
}

static int cmd_bench(const struct domain_ctx *d, const char *datadir, const char *file, int repeat)
{
    char err[512], line[LINE_MAX_TOOL];
    struct dga_model *m = dga_model_load(datadir, d, err, sizeof(err));
    FILE *fp;
    char **names = NULL;
    size_t *lens = NULL, count = 0, cap = 0, flagged = 0;
    struct timespec t0, t1;
    double secs;

    if (!m) {
        fprintf(stderr, "dga_tool: %s\n", err);
        return 1;
    }
    fp = fopen(file, "r");
    if (!fp) {
        fprintf(stderr, "dga_tool: cannot open %s\n", file);
        dga_model_free(m);
        return 1;
    }
    while (fgets(line, sizeof(line), fp)) {
        size_t n = strcspn(line, "\r\n");

        if (count == cap) {
            size_t ncap = cap ? cap * 2 : 1024;
            char **nn = realloc(names, ncap * sizeof(*nn));
            size_t *nl = realloc(lens, ncap * sizeof(*nl));

            if (nn)
                names = nn;
            if (nl)
                lens = nl;
            if (!nn || !nl)
                break;
            cap = ncap;
        }
        names[count] = malloc(n + 1);
        if (!names[count])
            break;
        memcpy(names[count], line, n);
        names[count][n] = '\0';
        lens[count++] = n;
    }
    fclose(fp);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int r = 0; r < repeat; r++) {
        for (size_t i = 0; i < count; i++) {
            struct dga_verdict v;

            if (dga_score(m, names[i], lens[i], &v) == 0)
                flagged += (size_t)v.dga;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("%zu names x %d in %.3f s: %.0f names/s (%zu flagged)\n", count, repeat, secs,
           secs > 0 ? (double)count * repeat / secs : 0.0, flagged);
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
    free(lens);
    dga_model_free(m);
    return 0;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: dga_tool [--psl FILE] split\n"
            "       dga_tool [--psl FILE] features NGRAM WORDS [MODEL [POPULAR]]\n"
            "       dga_tool [--psl FILE] score [-v] DATADIR\n"
            "       dga_tool [--psl FILE] bench DATADIR FILE [REPEAT]\n");
}

int main(int argc, char **argv)
{
    const char *psl = NULL;
    char err[512];
    struct domain_ctx *d;
    int rc = 2, a = 1;

    if (argc > 2 && strcmp(argv[1], "--psl") == 0) {
        psl = argv[2];
        a = 3;
    }
    if (a >= argc) {
        usage();
        return 2;
    }
    d = domain_create(psl, err, sizeof(err));
    if (!d) {
        fprintf(stderr, "dga_tool: %s\n", err);
        return 1;
    }
    if (strcmp(argv[a], "split") == 0 && argc == a + 1) {
        rc = cmd_split(d);
    } else if (strcmp(argv[a], "features") == 0 && argc >= a + 3 && argc <= a + 5) {
        struct dga_files f = {
            .ngram = argv[a + 1],
            .words = argv[a + 2],
            .model = argc > a + 3 ? argv[a + 3] : NULL,
            .popular = argc > a + 4 ? argv[a + 4] : NULL,
        };
        rc = cmd_features(d, &f);
    } else if (strcmp(argv[a], "score") == 0 && argc == a + 3 && strcmp(argv[a + 1], "-v") == 0) {
        rc = cmd_score(d, argv[a + 2], 1);
    } else if (strcmp(argv[a], "score") == 0 && argc == a + 2) {
        rc = cmd_score(d, argv[a + 1], 0);
    } else if (strcmp(argv[a], "bench") == 0 && (argc == a + 3 || argc == a + 4)) {
        rc = cmd_bench(d, argv[a + 1], argv[a + 2], argc == a + 4 ? atoi(argv[a + 3]) : 1);
    } else {
        usage();
    }
    domain_destroy(d);
    return rc;
}
