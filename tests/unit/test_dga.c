/*
 * test_dga.c - cmocka tests of detect/dga.c.
 *
 *  - the strict loaders: each broken file is written to a temp dir and must
 *    fail with "file:line: reason";
 *  - exact feature values and tree evaluation on a tiny hand-written model;
 *  - sanity of the shipped model (SH_DATADIR, default "detect/data", run from
 *    the repo root) on strings generated here: uniform random labels score
 *    DGA, ordinary words do not, a name from the shipped popularity list
 *    scores benign.  No dev-set name is written in this file.
 *
 * Build: gcc <flags> -I. tests/unit/test_dga.c detect/dga.c detect/domain.c \
 *            -lcmocka -lpsl -lm
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "detect/dga.h"
#include "detect/domain.h"

static struct domain_ctx *g_dom;
static char g_tmp[64];

/* ------------------------------------------------------------ helpers */

static void write_file(const char *name, const char *text)
{
    char path[256];
    FILE *fp;

    snprintf(path, sizeof(path), "%s/%s", g_tmp, name);
    fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

/* A complete tiny model: a one-split tree on the label length. */
static const char tiny_model[] =
    "# tiny test model\n"
    "format spanhound-dga 2\n"
    "threshold 0.5\n"
    "base 0\n"
    "trees 1\n"
    "tree 3\n"
    "s len 10 1 2\n"
    "l -2\n"
    "l 2\n";
static const char tiny_ngram[] =
    "format spanhound-ngram 1\n"
    "beta 1\n"
    "tri ^^a 3\n"
    "tri ^ab 2\n"
    "tri ab$ 2\n"
    "tld com 10\n"
    "tld org 5\n";
static const char tiny_words[] =
    "# word<TAB>class\n"
    "garden\t1\n"
    "tool\t1\n"
    "zymurgy\t3\n";
static const char tiny_popular[] =
    "# popular\n"
    "longlabelname.com\n";

static void write_tiny(void)
{
    write_file("dga_model.txt", tiny_model);
    write_file("dga_ngram.txt", tiny_ngram);
    write_file("words.txt", tiny_words);
    write_file("popular.txt", tiny_popular);
}

/* Load from g_tmp; on failure return NULL and leave the message in err. */
static struct dga_model *load_tmp(char *err, size_t errlen)
{
    return dga_model_load(g_tmp, g_dom, err, errlen);
}

/* Replace one file of the tiny model, load, expect failure whose message
 * contains `want`, restore the tiny model. */
static void expect_load_error(const char *file, const char *text, const char *want)
{
    char err[512] = "";
    struct dga_model *m;

    write_tiny();
    write_file(file, text);
    m = load_tmp(err, sizeof(err));
    if (m || !strstr(err, want))
        fprintf(stderr, "file %s: got '%s', want '%s'\n", file, err, want);
    assert_null(m);
    assert_non_null(strstr(err, want));
    write_tiny();
}

static int score_str(const struct dga_model *m, const char *s, struct dga_verdict *v)
{
    return dga_score(m, s, strlen(s), v);
}

/* Deterministic LCG (Numerical Recipes constants) for synthetic labels. */
static uint32_t lcg(uint32_t *st)
{
    *st = *st * 1664525u + 1013904223u;
    return *st >> 8;
}

static const char *datadir(void)
{
    const char *d = getenv("SH_DATADIR");

    return d && *d ? d : "detect/data";
}

/* -------------------------------------------------------------- setup */

static int setup(void **state)
{
    char err[256];

    (void)state;
    g_dom = domain_create(NULL, err, sizeof(err));
    if (!g_dom) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    snprintf(g_tmp, sizeof(g_tmp), "/tmp/test_dga.XXXXXX");
    if (!mkdtemp(g_tmp))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    static const char *const files[] = {"dga_model.txt", "dga_ngram.txt", "words.txt", "popular.txt",
                                        "top-1m.csv", "big.csv"};
    char path[256];

    (void)state;
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", g_tmp, files[i]);
        unlink(path);
    }
    rmdir(g_tmp);
    domain_destroy(g_dom);
    return 0;
}

/* ------------------------------------------------------ loader errors */

static void tiny_model_loads(void **state)
{
    char err[256] = "";
    struct dga_model *m;

    (void)state;
    write_tiny();
    m = load_tmp(err, sizeof(err));
    assert_non_null(m);
    assert_true(dga_default_threshold(m) == 0.5);
    dga_model_free(m);
    dga_model_free(NULL);
}

static void model_file_errors_name_the_line(void **state)
{
    (void)state;
    expect_load_error("dga_model.txt", "# c\nformat spanhound-dga 9\n", "dga_model.txt:2: expected 'format");
    expect_load_error("dga_model.txt", "format spanhound-dga 2\nthreshold 1.5\n", "dga_model.txt:2: threshold");
    expect_load_error("dga_model.txt", "format spanhound-dga 2\nthreshold 0.5\nbase x\n",
                      "dga_model.txt:3: bad or repeated base");
    expect_load_error("dga_model.txt",
                      "format spanhound-dga 2\nthreshold 0.5\nbase 0\ntrees 1\ntree 3\n"
                      "s nosuchfeature 1 1 2\nl 0\nl 0\n",
                      "dga_model.txt:6: unknown feature 'nosuchfeature'");
    /* a child pointing back to its parent would loop: refused */
    expect_load_error("dga_model.txt",
                      "format spanhound-dga 2\nthreshold 0.5\nbase 0\ntrees 1\ntree 3\n"
                      "s len 1 1 2\ns len 1 0 2\nl 0\n",
                      "dga_model.txt:7: children must be later nodes");
    expect_load_error("dga_model.txt",
                      "format spanhound-dga 2\nthreshold 0.5\nbase 0\ntrees 2\ntree 1\nl 0\n",
                      "dga_model.txt:6: truncated model");
    expect_load_error("dga_model.txt",
                      "format spanhound-dga 2\nthreshold 0.5\nbase 0\ntrees 1\ntree 1\nl 0\nl 1\n",
                      "dga_model.txt:7: unrecognised line");
    expect_load_error("dga_model.txt", "format spanhound-dga 2\r\n", "dga_model.txt:1: carriage return");
    expect_load_error("dga_model.txt", "", "dga_model.txt:0: truncated model (no trees)");
}

static void ngram_file_errors_name_the_line(void **state)
{
    (void)state;
    expect_load_error("dga_ngram.txt", "format spanhound-ngram 1\nbeta 1\ntri a!b 3\n",
                      "dga_ngram.txt:3: bad trigram");
    expect_load_error("dga_ngram.txt", "format spanhound-ngram 1\nbeta 1\ntri abc -5\n",
                      "dga_ngram.txt:3: bad count");
    expect_load_error("dga_ngram.txt", "format spanhound-ngram 1\nbeta 1\ntri abc 1\ntri abc 2\n",
                      "dga_ngram.txt:4: repeated trigram");
    expect_load_error("dga_ngram.txt", "format spanhound-ngram 1\nbeta 0\n", "dga_ngram.txt:2: beta");
    expect_load_error("dga_ngram.txt", "format spanhound-ngram 1\nbeta 1\ntri abc 1\n",
                      "dga_ngram.txt:3: missing tld lines");
}

static void words_file_errors_name_the_line(void **state)
{
    (void)state;
    expect_load_error("words.txt", "# c\ngarden\t1\nGarden\t1\n", "words.txt:3: word must be lowercase");
    expect_load_error("words.txt", "garden\t7\n", "words.txt:1: expected 'word<TAB>class");
    expect_load_error("words.txt", "garden\t1\ngarden\t2\n", "words.txt:2: repeated word");
    expect_load_error("words.txt", "ab\t1\n", "words.txt:1: word length");
}

static void popular_file_errors_name_the_line(void **state)
{
    (void)state;
    expect_load_error("popular.txt", "good.com\nbad..com\n", "popular.txt:2: not a lowercase");
    expect_load_error("popular.txt", "good.com\nGood.com\n", "popular.txt:2: not a lowercase");
    expect_load_error("popular.txt", "nodot\n", "popular.txt:1: not a lowercase");
    expect_load_error("popular.txt", "a.com\nb.com\na.com\n", "popular.txt:3: repeated domain");
}

/* Tranco's top-1m.csv form: rank,domain, CRLF line ends, optional header. */
static void popular_csv_form_loads(void **state)
{
    char err[512] = "";
    struct dga_model *m;
    struct dga_verdict v;

    (void)state;
    write_tiny();
    write_file("popular.txt", "rank,domain\r\n1,longlabelname.com\r\n2,otherlonglabel.org\r\n"
                              "# a comment\r\nplainlonglabel.net\n");
    m = load_tmp(err, sizeof(err));
    if (!m)
        fprintf(stderr, "%s\n", err);
    assert_non_null(m);
    assert_int_equal(score_str(m, "www.longlabelname.com", &v), 0);
    assert_int_equal(v.popular, 1);
    assert_int_equal(score_str(m, "otherlonglabel.org", &v), 0);
    assert_int_equal(v.popular, 1);
    assert_int_equal(score_str(m, "plainlonglabel.net", &v), 0);
    assert_int_equal(v.popular, 1);
    /* the rank is not part of the name; near misses are not popular */
    assert_int_equal(score_str(m, "1longlabelname.com", &v), 0);
    assert_int_equal(v.popular, 0);
    assert_int_equal(score_str(m, "otherlonglabel.com", &v), 0);
    assert_int_equal(v.popular, 0);
    dga_model_free(m);
    write_tiny();
}

static void popular_csv_errors_name_the_line(void **state)
{
    (void)state;
    expect_load_error("popular.txt", "1,good.com\nx,bad.com\n",
                      "popular.txt:2: expected 'domain' or 'rank,domain'");
    expect_load_error("popular.txt", "1,good.com\n,bad.com\n",
                      "popular.txt:2: expected 'domain' or 'rank,domain'");
    expect_load_error("popular.txt", "1,good.com\n2,bad.com,3\n",
                      "popular.txt:2: expected 'domain' or 'rank,domain'");
    expect_load_error("popular.txt", "1,good.com\nrank,domain\n",
                      "popular.txt:2: expected 'domain' or 'rank,domain'");
    expect_load_error("popular.txt", "1,good.com\n2,\n", "popular.txt:2: not a lowercase");
    expect_load_error("popular.txt", "1,good.com\n2,Bad.com\n", "popular.txt:2: not a lowercase");
    expect_load_error("popular.txt", "1,good.com\n2,bad..com\n", "popular.txt:2: not a lowercase");
    expect_load_error("popular.txt", "1,good.com\n2,good.com\n", "popular.txt:2: repeated domain");
    expect_load_error("popular.txt", "1,good.com\n2,b\rad.com\n", "popular.txt:2: carriage return");
    expect_load_error("popular.txt", "1,good.com\n2,bad.com\r\r\n", "popular.txt:2: carriage return");
}

/* The list may live outside the data directory: explicitly, or through the
 * process-wide setting the appliance fills from detect.popularity_list. */
static void popular_list_from_its_own_path(void **state)
{
    char err[512] = "", path[256];
    struct dga_model *m;
    struct dga_verdict v;

    (void)state;
    write_tiny();
    write_file("top-1m.csv", "1,elsewherelabel.com\n");
    snprintf(path, sizeof(path), "%s/top-1m.csv", g_tmp);
    m = dga_model_load_paths(g_tmp, path, g_dom, err, sizeof(err));
    assert_non_null(m);
    assert_int_equal(score_str(m, "elsewherelabel.com", &v), 0);
    assert_int_equal(v.popular, 1);
    assert_int_equal(score_str(m, "longlabelname.com", &v), 0);   /* not the datadir one */
    assert_int_equal(v.popular, 0);
    dga_model_free(m);

    m = dga_model_load_paths(g_tmp, "", g_dom, err, sizeof(err));  /* "" = datadir's */
    assert_non_null(m);
    assert_int_equal(score_str(m, "longlabelname.com", &v), 0);
    assert_int_equal(v.popular, 1);
    dga_model_free(m);

    /* errors name the file given, with its line */
    write_file("top-1m.csv", "1,elsewherelabel.com\n2,no_dot\n");
    assert_null(dga_model_load_paths(g_tmp, path, g_dom, err, sizeof(err)));
    assert_non_null(strstr(err, "top-1m.csv:2: not a lowercase"));
    assert_null(dga_model_load_paths(g_tmp, "/nonexistent/top-1m.csv", g_dom, err, sizeof(err)));
    assert_non_null(strstr(err, "/nonexistent/top-1m.csv: cannot open"));
}

/* A million entries (Tranco's full list is 1M lines): every one is found. */
static void popular_million_entries(void **state)
{
    char err[512] = "", path[256], name[64];
    struct dga_model *m;
    struct dga_verdict v;
    FILE *fp;
    uint32_t st = 7;
    enum { N = 1000000 };

    (void)state;
    write_tiny();
    snprintf(path, sizeof(path), "%s/big.csv", g_tmp);
    fp = fopen(path, "w");
    assert_non_null(fp);
    for (unsigned i = 1; i <= N; i++)   /* distinct: the rank is in the name */
        fprintf(fp, "%u,site%ux%c.com\r\n", i, i, 'a' + (char)(lcg(&st) % 26));
    fclose(fp);
    m = dga_model_load_paths(g_tmp, path, g_dom, err, sizeof(err));
    if (!m)
        fprintf(stderr, "%s\n", err);
    assert_non_null(m);
    st = 7;
    for (unsigned i = 1; i <= N; i++) {
        char c = (char)('a' + (char)(lcg(&st) % 26));

        if (i % 997 != 1 && i != N)
            continue;
        snprintf(name, sizeof(name), "www.site%ux%c.com", i, c);
        assert_int_equal(score_str(m, name, &v), 0);
        assert_int_equal(v.popular, 1);
        snprintf(name, sizeof(name), "site%ux%c.org", i, c);
        assert_int_equal(score_str(m, name, &v), 0);
        assert_int_equal(v.popular, 0);
    }
    dga_model_free(m);
}

static void missing_file_is_an_error(void **state)
{
    char err[512];

    (void)state;
    assert_null(dga_model_load("/nonexistent-dir", g_dom, err, sizeof(err)));
    assert_non_null(strstr(err, "/nonexistent-dir/dga_model.txt: cannot open"));
    assert_null(dga_model_load(NULL, g_dom, err, sizeof(err)));
}

/* ------------------------------------------------ exact tiny-model values */

static void tree_and_sigmoid_give_exact_scores(void **state)
{
    char err[256];
    struct dga_model *m;
    struct dga_verdict v;

    (void)state;
    write_tiny();
    m = load_tmp(err, sizeof(err));
    assert_non_null(m);
    /* len 12 >= 10 -> right leaf +2 */
    assert_int_equal(score_str(m, "abcdefghijkl.org", &v), 0);
    assert_true(fabs(v.score - 1.0 / (1.0 + exp(-2.0))) < 1e-12);
    assert_int_equal(v.dga, 1);
    assert_int_equal(v.popular, 0);
    /* len 5 < 10 -> left leaf -2 */
    assert_int_equal(score_str(m, "abcde.org", &v), 0);
    assert_true(fabs(v.score - 1.0 / (1.0 + exp(2.0))) < 1e-12);
    assert_int_equal(v.dga, 0);
    /* popular: capped at threshold / 2, never DGA */
    assert_int_equal(score_str(m, "www.LongLabelName.com.", &v), 0);
    assert_int_equal(v.popular, 1);
    assert_true(v.score == 0.25);
    assert_int_equal(v.dga, 0);
    /* IDN labels are not scored lexically */
    assert_int_equal(score_str(m, "xn--bcher-kva.org", &v), 0);
    assert_true(v.score == 0.0);
    assert_int_equal(v.dga, 0);
    /* not scorable */
    assert_int_equal(score_str(m, "10.0.0.1", &v), -1);
    assert_int_equal(score_str(m, "nas.local", &v), -1);
    assert_int_equal(score_str(m, "bad name.com", &v), -1);
    assert_int_equal(v.len, 0);
    dga_model_free(m);
}

static void features_have_exact_values(void **state)
{
    char err[256];
    struct dga_model *m;
    struct dga_verdict v;
    double x[DGA_NFEAT];

    (void)state;
    write_tiny();
    m = load_tmp(err, sizeof(err));
    assert_non_null(m);

    /* "aaaa1234": p(a) = 1/2, four digits 1/8 each: H = 0.5 + 4 * 3/8 = 2 */
    assert_int_equal(dga_score_features(m, "aaaa1234.com", 12, &v, x), 0);
    assert_int_equal(v.len, 8);
    assert_true(fabs(v.entropy - 2.0) < 1e-12);
    assert_true(v.digit_ratio == 0.5);
    assert_int_equal(v.max_digit_run, 4);
    assert_int_equal(v.max_consonant_run, 0);
    assert_true(v.vowel_ratio == 1.0);
    assert_true(x[DGA_F_ALNUM_SWITCH] == 1.0 / 8.0);
    assert_true(x[DGA_F_UNIQ_RATIO] == 5.0 / 8.0);
    assert_true(x[DGA_F_HEX] == 1.0);       /* a,1,2,3,4 are all hex digits */
    assert_int_equal(v.words, 0);

    /* hex needs >= 8 chars of [0-9a-f] and a digit */
    assert_int_equal(dga_score_features(m, "deadbeefcafe.net", 16, &v, x), 0);
    assert_true(x[DGA_F_HEX] == 0.0);
    assert_int_equal(dga_score_features(m, "dead42.net", 10, &v, x), 0);
    assert_true(x[DGA_F_HEX] == 0.0);

    /* two dictionary words, full coverage */
    assert_int_equal(dga_score_features(m, "gardentool.org", 14, &v, x), 0);
    assert_int_equal(v.words, 2);
    assert_true(v.dict_coverage == 1.0);
    assert_true(x[DGA_F_UNCOVERED] == 0.0);
    assert_true(x[DGA_F_WORD_LEN] == 5.0);

    /* one word inside noise; the rare word counts as rare */
    assert_int_equal(dga_score_features(m, "qgardenq.org", 12, &v, x), 0);
    assert_int_equal(v.words, 1);
    assert_true(v.dict_coverage == 0.75);
    assert_true(x[DGA_F_UNCOVERED] == 2.0);
    assert_int_equal(dga_score_features(m, "zymurgytool.org", 15, &v, x), 0);
    assert_int_equal(v.words, 2);
    assert_true(x[DGA_F_RARE_WORDS] == 0.5);

    /* consonant run, hyphens, TLD frequency (add-one over 15 + 2 + 1) */
    assert_int_equal(dga_score_features(m, "strengths-x_y.com", 17, &v, x), 0);
    assert_int_equal(v.max_consonant_run, 5);
    assert_true(x[DGA_F_HYPHENS] == 2.0);
    assert_true(fabs(x[DGA_F_TLD_LOGFREQ] - log(11.0 / 18.0)) < 1e-12);
    assert_true(x[DGA_F_UNKNOWN_TLD] == 0.0);
    assert_int_equal(dga_score_features(m, "abc.bazar", 9, &v, x), 0);
    assert_true(fabs(x[DGA_F_TLD_LOGFREQ] - log(1.0 / 18.0)) < 1e-12);
    assert_true(x[DGA_F_UNKNOWN_TLD] == 1.0);
    assert_int_equal(v.parts.known_suffix, 0);

    /* the n-gram model prefers what it was trained on ("ab") */
    {
        double seen, unseen;

        assert_int_equal(dga_score_features(m, "ab.com", 6, &v, x), 0);
        seen = x[DGA_F_NGRAM];
        assert_int_equal(dga_score_features(m, "qz.com", 6, &v, x), 0);
        unseen = x[DGA_F_NGRAM];
        assert_true(seen > unseen);
        assert_true(fabs(x[DGA_F_NGRAM_SUM] - 3.0 * x[DGA_F_NGRAM]) < 1e-9);
    }
    dga_model_free(m);
}

static void explain_is_one_bounded_line(void **state)
{
    char err[256], buf[512], small[16];
    struct dga_model *m;
    struct dga_verdict v;

    (void)state;
    write_tiny();
    m = load_tmp(err, sizeof(err));
    assert_non_null(m);
    assert_int_equal(score_str(m, "abcdefghijkl.org", &v), 0);
    dga_explain(&v, buf, sizeof(buf));
    assert_non_null(strstr(buf, "label 'abcdefghijkl' (12 chars, suffix org)"));
    assert_non_null(strstr(buf, "no digits"));
    assert_non_null(strstr(buf, "score 0.88 (DGA-like)"));
    assert_null(strchr(buf, '\n'));
    dga_explain(&v, small, sizeof(small));
    assert_int_equal(strlen(small), sizeof(small) - 1);
    dga_explain(&v, small, 0);              /* no write at all */
    dga_model_free(m);
}

/* ------------------------------------------------------ shipped model */

static struct dga_model *load_shipped(void)
{
    char err[512];
    struct dga_model *m = dga_model_load(datadir(), g_dom, err, sizeof(err));

    if (!m)
        fprintf(stderr, "shipped model: %s\n", err);
    return m;
}

static void shipped_model_flags_uniform_random_labels(void **state)
{
    static const char *const tlds[] = {"com", "net", "info", "biz"};
    struct dga_model *m = load_shipped();
    uint32_t st = 12345;
    int flagged = 0, total = 200;

    (void)state;
    assert_non_null(m);
    for (int i = 0; i < total; i++) {
        char name[64];
        int n = 20 + (int)(lcg(&st) % 5), o = 0;
        struct dga_verdict v;

        for (int j = 0; j < n; j++)
            name[o++] = (char)('a' + lcg(&st) % 26);
        o += snprintf(name + o, sizeof(name) - (size_t)o, ".%s", tlds[lcg(&st) % 4]);
        assert_int_equal(dga_score(m, name, (size_t)o, &v), 0);
        assert_true(v.score >= 0.0 && v.score <= 1.0);
        flagged += v.dga;
    }
    /* 20-24 uniform letters: the model must flag most of them (shorter
     * random labels overlap with the random-looking names of the benign
     * lists, see docs/dga-model.md section 6) */
    if (flagged < total * 3 / 4)
        fprintf(stderr, "flagged %d of %d\n", flagged, total);
    assert_true(flagged >= total * 3 / 4);
    dga_model_free(m);
}

static void shipped_model_passes_plain_words(void **state)
{
    static const char *const words[] = {"mountain", "library", "kitchen", "weather", "garden",
                                        "travel", "music", "school", "doctor", "river"};
    struct dga_model *m = load_shipped();

    (void)state;
    assert_non_null(m);
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        char name[64];
        int n = snprintf(name, sizeof(name), "www.%s.org", words[i]);
        struct dga_verdict v;

        assert_int_equal(dga_score(m, name, (size_t)n, &v), 0);
        assert_int_equal(v.dga, 0);
        assert_true(v.dict_coverage == 1.0);
    }
    dga_model_free(m);
}

static void shipped_popular_domain_scores_benign(void **state)
{
    struct dga_model *m = load_shipped();
    char path[512], line[300];
    FILE *fp;
    int checked = 0;

    (void)state;
    assert_non_null(m);
    snprintf(path, sizeof(path), "%s/popular.txt", datadir());
    fp = fopen(path, "r");
    assert_non_null(fp);
    /* every 1000th entry of the shipped list, whatever it is */
    for (int i = 0; fgets(line, sizeof(line), fp); ) {
        struct dga_verdict v;
        size_t n = strcspn(line, "\n");

        if (line[0] == '#' || n == 0 || (i++ % 1000) != 0)
            continue;
        assert_int_equal(dga_score(m, line, n, &v), 0);
        assert_int_equal(v.popular, 1);
        assert_int_equal(v.dga, 0);
        assert_true(v.score < dga_default_threshold(m));
        checked++;
    }
    fclose(fp);
    assert_true(checked >= 10);
    dga_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tiny_model_loads),
        cmocka_unit_test(model_file_errors_name_the_line),
        cmocka_unit_test(ngram_file_errors_name_the_line),
        cmocka_unit_test(words_file_errors_name_the_line),
        cmocka_unit_test(popular_file_errors_name_the_line),
        cmocka_unit_test(popular_csv_form_loads),
        cmocka_unit_test(popular_csv_errors_name_the_line),
        cmocka_unit_test(popular_list_from_its_own_path),
        cmocka_unit_test(popular_million_entries),
        cmocka_unit_test(missing_file_is_an_error),
        cmocka_unit_test(tree_and_sigmoid_give_exact_scores),
        cmocka_unit_test(features_have_exact_values),
        cmocka_unit_test(explain_is_one_bounded_line),
        cmocka_unit_test(shipped_model_flags_uniform_random_labels),
        cmocka_unit_test(shipped_model_passes_plain_words),
        cmocka_unit_test(shipped_popular_domain_scores_benign),
    };

    return cmocka_run_group_tests_name("dga", tests, setup, teardown);
}
