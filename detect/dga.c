/*
 * dga.c - per-name lexical DGA scorer (see dga.h for the contract).
 *
 * Pipeline for one name, all on the stack, no allocation:
 *   domain_split()             -> label of the registrable domain + TLD
 *   label_features()           -> DGA_NFEAT numbers (below)
 *   z = base + sum over trees of the leaf x falls in
 *   score = 1 / (1 + e^-z)     (gradient-boosted trees, dga_model.txt)
 *   popularity list            -> popular names are forced benign
 *
 * The model files are produced by detect/train/train.py, which computes its
 * training features by running THIS code (detect/train/dga_tool.c
 * "features"), so run-time and training features cannot drift apart.
 *
 * Character model.  Symbols: a-z = 0..25, 0-9 = 26..35, '-' = 36, '_' = 37,
 * boundary = 38 ('^' as context before the label, '$' as the symbol after
 * it).  A label "abc" is read as ^ ^ a b c $: four predictions.  The benign
 * trigram model is smoothed by Dirichlet-prior interpolation (MacKay & Peto
 * 1995; Chen & Goodman 1998 section 2.4):
 *     p1(c)      = (c1(c) + 1) / (N1 + V)
 *     p2(c|b)    = (c2(bc) + beta * p1(c))   / (c2(b.) + beta)
 *     p3(c|a b)  = (c3(abc) + beta * p2(c|b)) / (c3(ab.) + beta)
 * with c2 and c1 marginalised from the trigram counts.  ln p3 is
 * precomputed into a dense 39^3 float table at load time.
 *
 * Dictionary.  words.txt is loaded into a trie kept as an open-addressing
 * hash of (node, letter) -> child, then packed depth-first into a bitmap
 * trie (per node: a 26-bit child mask and the index of its first child;
 * children contiguous), which is what scoring walks.  The best segmentation
 * of the label minimises, in this order: letters not covered by a word,
 * number of words, number of rare words (dynamic programming over the <= 63
 * positions; each position walks the trie at most DGA_WORD_MAX steps).
 *
 * Trees.  dga_model.txt holds boosted regression trees (format below, at
 * load_trees).  Scoring walks each tree a fixed number of branch-free steps.
 *
 * Cost per name: one libpsl lookup (two for one-label suffixes), one pass
 * over the label, the segmentation DP, ntrees * depth node visits; no
 * allocation, no I/O, no lock.
 */
#include "detect/dga.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../capture/hash.h"

#define NSYM      39          /* a-z 0-9 - _ boundary                        */
#define SYM_BOUND 38
#define DGA_WORD_MIN 3        /* shorter dictionary entries are refused      */
#define DGA_WORD_MAX 24
#define DGA_NCLASS   4        /* word rarity classes 1..4, see words.txt     */
#define DGA_LINE_MAX 4096     /* longest accepted line in any data file      */
#define DGA_MAX_TREES 2000
#define DGA_MAX_TREE_NODES 255  /* child index must fit a uint8_t            */

static const char *const feature_names[DGA_NFEAT] = {
    [DGA_F_LEN] = "len",
    [DGA_F_ENTROPY] = "entropy",
    [DGA_F_NGRAM] = "ngram",
    [DGA_F_NGRAM_MIN] = "ngram_min",
    [DGA_F_NGRAM_SUM] = "ngram_sum",
    [DGA_F_VOWEL_RATIO] = "vowel_ratio",
    [DGA_F_DIGIT_RATIO] = "digit_ratio",
    [DGA_F_MAX_CONS_RUN] = "max_cons_run",
    [DGA_F_MAX_DIGIT_RUN] = "max_digit_run",
    [DGA_F_ALNUM_SWITCH] = "alnum_switch",
    [DGA_F_UNIQ_RATIO] = "uniq_ratio",
    [DGA_F_HYPHENS] = "hyphens",
    [DGA_F_DICT_COVERAGE] = "dict_coverage",
    [DGA_F_WORDS] = "words",
    [DGA_F_UNCOVERED] = "uncovered",
    [DGA_F_WORD_LEN] = "word_len",
    [DGA_F_RARE_WORDS] = "rare_words",
    [DGA_F_WORD_NGRAM] = "word_ngram",
    [DGA_F_TLD_LOGFREQ] = "tld_logfreq",
    [DGA_F_UNKNOWN_TLD] = "unknown_tld",
    [DGA_F_HEX] = "hex",
};

/* One node of a regression tree: a split (x[feat] < value -> left, else
 * right) or a leaf adding value to the log-odds.  Child indices are relative
 * to the tree's first node and, as read from the file, greater than the
 * node's own; after loading, a leaf has feat = 0 and both children equal to
 * itself (feat == -1 marks a leaf only while loading). */
struct dga_node {
    double value;
    int16_t feat;
    uint8_t left, right;
};

struct tld_entry {
    char name[DOMAIN_LABEL_MAX + 1];
    double logfreq;
};

struct dga_model {
    const struct domain_ctx *dom;      /* borrowed                           */
    double clog2c[DOMAIN_LABEL_MAX + 1];   /* c * log2(c), c = 0..63         */
    int have_trees;                  /* a dga_model.txt was loaded         */
    double base, threshold;            /* initial log-odds; decision cut     */
    struct dga_node *nodes;            /* all trees' nodes, tree after tree  */
    unsigned depth;                    /* longest root-to-leaf path          */
    uint32_t *tree_start;              /* ntrees + 1 offsets into nodes      */
    size_t ntrees, nnode;

    float lp[NSYM * NSYM * NSYM];      /* ln p3(c | a b), index (a*NSYM+b)*NSYM+c */

    struct tld_entry *tlds;            /* sorted by name, ntld entries       */
    size_t ntld;
    uint32_t *tld_slot;                /* hash of tlds: index+1, 0 = empty   */
    size_t tld_mask;
    struct hkey key;                   /* for every set probed with names */
    double tld_unseen;                 /* ln P for a TLD not in the table    */

    /* dictionary trie while loading: hash of (node*32 + letter+1) -> child,
     * node 0 = root; freed once the bitmap trie below is built */
    uint32_t *edge_key, *edge_val;     /* key 0 = empty slot                 */
    size_t edge_mask;                  /* table size - 1 (power of two)      */
    uint8_t *node_class;               /* 0 = not a word end, else 1..4      */
    uint32_t *node_kids;               /* letters with a child (load only)   */
    size_t nnodes;

    /* bitmap trie used when scoring: node i has a child for letter c iff
     * bit c of tmask[i]; the children of a node are contiguous, in letter
     * order, from tfirst[i]; tclass[i] as node_class.  Root = node 0. */
    uint32_t *tmask, *tfirst;
    uint8_t *tclass;

    /* popularity set: offsets+1 into pop_blob, 0 = empty slot */
    char *pop_blob;
    uint32_t *pop_slot;
    size_t pop_mask, npop;
};

const char *dga_feature_name(int i)
{
    return (i >= 0 && i < DGA_NFEAT) ? feature_names[i] : NULL;
}

/* ---------------------------------------------------------------- utils */

__attribute__((format(printf, 3, 4)))
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (!err || errlen == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static int sym_of(unsigned char c)
{
    if (c >= 'a' && c <= 'z')
        return c - 'a';
    if (c >= '0' && c <= '9')
        return 26 + (c - '0');
    if (c == '-')
        return 36;
    if (c == '_')
        return 37;
    if (c == '^' || c == '$')
        return SYM_BOUND;
    return -1;
}

/* Keyed (hash.h): the popularity and TLD sets are probed with names
 * from the wire. */
static uint64_t name_hash(const struct dga_model *m, const char *s, size_t n)
{
    return hk_bytes(&m->key, s, n);
}

/*
 * Line reader over a whole file loaded in memory.  Lines are split on
 * '\n'; a '\r' before it is refused (one format, no guessing).  Empty lines
 * and lines starting with '#' are skipped by next_line().
 */
struct lines {
    char *buf;
    size_t len, off;
    int lineno;
    int crlf_ok;          /* popularity list only: a CR before LF is dropped */
    const char *path;
};

static int lines_open(struct lines *l, const char *path, char *err, size_t errlen)
{
    FILE *fp = fopen(path, "rb");
    long sz;

    memset(l, 0, sizeof(*l));
    l->path = path;
    if (!fp) {
        set_err(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    if (fseek(fp, 0, SEEK_END) != 0 || (sz = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) != 0) {
        set_err(err, errlen, "%s: cannot size file", path);
        fclose(fp);
        return -1;
    }
    l->buf = malloc((size_t)sz + 1);
    if (!l->buf || fread(l->buf, 1, (size_t)sz, fp) != (size_t)sz) {
        set_err(err, errlen, "%s: cannot read file", path);
        fclose(fp);
        free(l->buf);
        l->buf = NULL;
        return -1;
    }
    fclose(fp);
    l->len = (size_t)sz;
    l->buf[l->len] = '\0';
    return 0;
}

/* Next non-empty, non-comment line, NUL-terminated in place; NULL at EOF.
 * *bad is set (and err filled) on a line with a NUL, a CR or too long. */
static char *next_line(struct lines *l, int *bad, char *err, size_t errlen)
{
    while (l->off < l->len) {
        char *s = l->buf + l->off;
        char *nl = memchr(s, '\n', l->len - l->off);
        size_t n = nl ? (size_t)(nl - s) : l->len - l->off;

        l->off += n + (nl ? 1 : 0);
        l->lineno++;
        s[n] = '\0';
        if (l->crlf_ok && n > 0 && s[n - 1] == '\r')
            s[--n] = '\0';
        if (memchr(s, '\r', n) || strlen(s) != n) {
            set_err(err, errlen, "%s:%d: carriage return or NUL byte in line", l->path, l->lineno);
            *bad = 1;
            return NULL;
        }
        if (n > DGA_LINE_MAX) {
            set_err(err, errlen, "%s:%d: line longer than %d bytes", l->path, l->lineno, DGA_LINE_MAX);
            *bad = 1;
            return NULL;
        }
        if (n == 0 || s[0] == '#')
            continue;
        return s;
    }
    return NULL;
}

/* Split s into at most max whitespace-separated tokens (in place). */
static int tokens(char *s, char **tok, int max)
{
    int n = 0;

    while (*s) {
        while (*s == ' ' || *s == '\t')
            *s++ = '\0';
        if (!*s)
            break;
        if (n == max)
            return max + 1;
        tok[n++] = s;
        while (*s && *s != ' ' && *s != '\t')
            s++;
    }
    return n;
}

static int parse_double(const char *s, double *out)
{
    char *end;

    errno = 0;
    *out = strtod(s, &end);
    return (end != s && *end == '\0' && errno == 0 && isfinite(*out)) ? 0 : -1;
}

static int parse_count(const char *s, double *out)
{
    char *end;
    unsigned long long v;

    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (*end != '\0' || errno != 0 || v > (1ULL << 40))
        return -1;
    *out = (double)v;
    return 0;
}

/* --------------------------------------------------------- model file */

/*
 * dga_model.txt, format 2: gradient-boosted regression trees.
 *   format spanhound-dga 2
 *   threshold T            decision threshold on the score, 0 < T < 1
 *   base B                 initial log-odds
 *   trees N                number of trees that follow, 1..DGA_MAX_TREES
 *   tree K                 K nodes follow, 1..DGA_MAX_TREE_NODES; node 0 is
 *                          the root; then per node, in order, either
 *   s FEATURE THR L R      split: x[FEATURE] < THR -> node L, else node R
 *   l VALUE                leaf: add VALUE to the log-odds
 * Children must come after their parent (L, R > own index, < K): a walk
 * always ends at a leaf in fewer than K steps, whatever the file says.
 */
static int feature_index(const char *name)
{
    for (int f = 0; f < DGA_NFEAT; f++)
        if (strcmp(name, feature_names[f]) == 0)
            return f;
    return -1;
}

static int parse_index(const char *s, long *out)
{
    char *end;

    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    *out = strtol(s, &end, 10);
    return (*end == '\0' && errno == 0) ? 0 : -1;
}

static int load_trees(struct dga_model *m, const char *path, char *err, size_t errlen)
{
    struct lines l;
    char *s, *tok[6];
    int bad = 0, state = 0;       /* 0 format, 1 header, 2 want tree, 3 in tree */
    int seen_thr = 0, seen_base = 0;
    long ntrees = -1, tree_nodes = 0, node_in_tree = 0;

    if (lines_open(&l, path, err, errlen) != 0)
        return -1;
    while ((s = next_line(&l, &bad, err, errlen)) != NULL) {
        int nt = tokens(s, tok, 5);

        if (state == 0) {
            if (nt != 3 || strcmp(tok[0], "format") != 0 || strcmp(tok[1], "spanhound-dga") != 0 ||
                strcmp(tok[2], "2") != 0) {
                set_err(err, errlen, "%s:%d: expected 'format spanhound-dga 2' first", path, l.lineno);
                goto fail;
            }
            state = 1;
        } else if (state == 1 && nt == 2 && strcmp(tok[0], "threshold") == 0) {
            if (seen_thr++ || parse_double(tok[1], &m->threshold) != 0 ||
                !(m->threshold > 0.0 && m->threshold < 1.0)) {
                set_err(err, errlen, "%s:%d: threshold must be one number in (0,1)", path, l.lineno);
                goto fail;
            }
        } else if (state == 1 && nt == 2 && strcmp(tok[0], "base") == 0) {
            if (seen_base++ || parse_double(tok[1], &m->base) != 0) {
                set_err(err, errlen, "%s:%d: bad or repeated base", path, l.lineno);
                goto fail;
            }
        } else if (state == 1 && nt == 2 && strcmp(tok[0], "trees") == 0) {
            if (!seen_thr || !seen_base) {
                set_err(err, errlen, "%s:%d: threshold and base must come before trees", path, l.lineno);
                goto fail;
            }
            if (parse_index(tok[1], &ntrees) != 0 || ntrees < 1 || ntrees > DGA_MAX_TREES) {
                set_err(err, errlen, "%s:%d: trees must be 1..%d", path, l.lineno, DGA_MAX_TREES);
                goto fail;
            }
            m->nodes = calloc((size_t)ntrees * DGA_MAX_TREE_NODES, sizeof(*m->nodes));
            m->tree_start = calloc((size_t)ntrees + 1, sizeof(*m->tree_start));
            if (!m->nodes || !m->tree_start) {
                set_err(err, errlen, "%s: out of memory", path);
                goto fail;
            }
            state = 2;
        } else if (state == 2 && nt == 2 && strcmp(tok[0], "tree") == 0) {
            if (m->ntrees == (size_t)ntrees) {
                set_err(err, errlen, "%s:%d: more trees than announced (%ld)", path, l.lineno, ntrees);
                goto fail;
            }
            if (parse_index(tok[1], &tree_nodes) != 0 || tree_nodes < 1 ||
                tree_nodes > DGA_MAX_TREE_NODES) {
                set_err(err, errlen, "%s:%d: tree must have 1..%d nodes", path, l.lineno,
                        DGA_MAX_TREE_NODES);
                goto fail;
            }
            m->tree_start[m->ntrees] = (uint32_t)m->nnode;
            node_in_tree = 0;
            state = 3;
        } else if (state == 3 && nt == 2 && strcmp(tok[0], "l") == 0) {
            struct dga_node *nd = &m->nodes[m->nnode];

            if (parse_double(tok[1], &nd->value) != 0) {
                set_err(err, errlen, "%s:%d: bad leaf value", path, l.lineno);
                goto fail;
            }
            nd->feat = -1;
            m->nnode++;
            if (++node_in_tree == tree_nodes) {
                m->ntrees++;
                state = 2;
            }
        } else if (state == 3 && nt == 5 && strcmp(tok[0], "s") == 0) {
            struct dga_node *nd = &m->nodes[m->nnode];
            long lc, rc;
            int f = feature_index(tok[1]);

            if (f < 0) {
                set_err(err, errlen, "%s:%d: unknown feature '%.64s'", path, l.lineno, tok[1]);
                goto fail;
            }
            if (parse_double(tok[2], &nd->value) != 0) {
                set_err(err, errlen, "%s:%d: bad split threshold", path, l.lineno);
                goto fail;
            }
            if (parse_index(tok[3], &lc) != 0 || parse_index(tok[4], &rc) != 0 ||
                lc <= node_in_tree || rc <= node_in_tree || lc >= tree_nodes || rc >= tree_nodes) {
                set_err(err, errlen, "%s:%d: children must be later nodes of the same tree", path,
                        l.lineno);
                goto fail;
            }
            nd->feat = (int16_t)f;
            nd->left = (uint8_t)lc;
            nd->right = (uint8_t)rc;
            m->nnode++;
            node_in_tree++;         /* < tree_nodes: its children come later */
        } else {
            set_err(err, errlen, "%s:%d: unrecognised line", path, l.lineno);
            goto fail;
        }
    }
    if (bad)
        goto fail;
    if (state != 2 || m->ntrees != (size_t)ntrees) {
        set_err(err, errlen, "%s:%d: truncated model (%s)", path, l.lineno,
                state < 2 ? "no trees" : "fewer trees or nodes than announced");
        goto fail;
    }
    m->tree_start[m->ntrees] = (uint32_t)m->nnode;
    /*
     * Scoring form: every leaf becomes a node whose two children are itself,
     * so a walk of exactly m->depth branch-free steps (the longest root-leaf
     * path; parents precede children, so one forward pass finds it) ends on
     * the right leaf whatever the shape of the tree.
     */
    m->depth = 0;
    for (size_t t = 0; t < m->ntrees; t++) {
        struct dga_node *root = m->nodes + m->tree_start[t];
        size_t k = m->tree_start[t + 1] - m->tree_start[t];
        uint8_t depth[DGA_MAX_TREE_NODES] = {0};

        for (size_t i = 0; i < k; i++) {
            if (root[i].feat >= 0) {
                uint8_t dc = (uint8_t)(depth[i] + 1);

                if (depth[root[i].left] < dc)
                    depth[root[i].left] = dc;
                if (depth[root[i].right] < dc)
                    depth[root[i].right] = dc;
            } else {
                if (depth[i] > m->depth)
                    m->depth = depth[i];
                root[i].feat = 0;
                root[i].left = root[i].right = (uint8_t)i;
            }
        }
    }
    free(l.buf);
    m->have_trees = 1;
    return 0;
fail:
    free(l.buf);
    return -1;
}

/* --------------------------------------------------------- n-gram file */

static int tld_cmp(const void *a, const void *b)
{
    return strcmp(((const struct tld_entry *)a)->name, ((const struct tld_entry *)b)->name);
}

static int load_ngram(struct dga_model *m, const char *path, char *err, size_t errlen)
{
    struct lines l;
    char *s, *tok[4];
    int bad = 0, seen_format = 0;
    double beta = -1.0, tld_total = 0.0;
    size_t tld_cap = 0;
    double *c3 = calloc((size_t)NSYM * NSYM * NSYM, sizeof(double));
    double *c2 = calloc((size_t)NSYM * NSYM, sizeof(double));
    double c1[NSYM] = {0}, n1 = 0.0;

    if (!c3 || !c2) {
        set_err(err, errlen, "%s: out of memory", path);
        free(c3);
        free(c2);
        return -1;
    }
    if (lines_open(&l, path, err, errlen) != 0)
        goto fail_nolines;
    while ((s = next_line(&l, &bad, err, errlen)) != NULL) {
        int nt = tokens(s, tok, 3);

        if (!seen_format) {
            if (nt != 3 || strcmp(tok[0], "format") != 0 || strcmp(tok[1], "spanhound-ngram") != 0 ||
                strcmp(tok[2], "1") != 0) {
                set_err(err, errlen, "%s:%d: expected 'format spanhound-ngram 1' first", path, l.lineno);
                goto fail;
            }
            seen_format = 1;
        } else if (nt == 2 && strcmp(tok[0], "beta") == 0) {
            if (beta >= 0.0 || parse_double(tok[1], &beta) != 0 || !(beta > 0.0)) {
                set_err(err, errlen, "%s:%d: beta must be one positive number", path, l.lineno);
                goto fail;
            }
        } else if (nt == 3 && strcmp(tok[0], "tri") == 0) {
            const unsigned char *g = (const unsigned char *)tok[1];
            double cnt;
            int a, b, c;

            if (strlen(tok[1]) != 3 || (a = sym_of(g[0])) < 0 || (b = sym_of(g[1])) < 0 ||
                (c = sym_of(g[2])) < 0 || g[0] == '$' || g[1] == '$' || g[2] == '^' ||
                (g[0] != '^' && g[1] == '^')) {
                set_err(err, errlen, "%s:%d: bad trigram '%.16s'", path, l.lineno, tok[1]);
                goto fail;
            }
            if (parse_count(tok[2], &cnt) != 0 || cnt == 0) {
                set_err(err, errlen, "%s:%d: bad count '%.32s'", path, l.lineno, tok[2]);
                goto fail;
            }
            if (c3[(a * NSYM + b) * NSYM + c] != 0.0) {
                set_err(err, errlen, "%s:%d: repeated trigram '%s'", path, l.lineno, tok[1]);
                goto fail;
            }
            c3[(a * NSYM + b) * NSYM + c] = cnt;
        } else if (nt == 3 && strcmp(tok[0], "tld") == 0) {
            size_t n = strlen(tok[1]);
            double cnt;

            for (size_t i = 0; i < n; i++) {
                if (sym_of((unsigned char)tok[1][i]) < 0 || tok[1][i] == '^' || tok[1][i] == '$')
                    n = 0;
            }
            if (n == 0 || n > DOMAIN_LABEL_MAX || parse_count(tok[2], &cnt) != 0 || cnt == 0) {
                set_err(err, errlen, "%s:%d: bad tld line", path, l.lineno);
                goto fail;
            }
            if (m->ntld == tld_cap) {
                size_t ncap = tld_cap ? tld_cap * 2 : 256;
                struct tld_entry *nt2 = realloc(m->tlds, ncap * sizeof(*nt2));

                if (!nt2) {
                    set_err(err, errlen, "%s: out of memory", path);
                    goto fail;
                }
                m->tlds = nt2;
                tld_cap = ncap;
            }
            memcpy(m->tlds[m->ntld].name, tok[1], n + 1);
            m->tlds[m->ntld].logfreq = cnt;      /* count for now */
            m->ntld++;
            tld_total += cnt;
        } else {
            set_err(err, errlen, "%s:%d: unrecognised line", path, l.lineno);
            goto fail;
        }
    }
    if (bad)
        goto fail;
    if (!seen_format || beta < 0.0 || m->ntld == 0) {
        set_err(err, errlen, "%s:%d: missing %s", path, l.lineno,
                !seen_format ? "format line" : beta < 0.0 ? "beta" : "tld lines");
        goto fail;
    }
    qsort(m->tlds, m->ntld, sizeof(*m->tlds), tld_cmp);
    for (size_t i = 1; i < m->ntld; i++) {
        if (strcmp(m->tlds[i - 1].name, m->tlds[i].name) == 0) {
            set_err(err, errlen, "%s: repeated tld '%s'", path, m->tlds[i].name);
            goto fail;
        }
    }
    /* add-one smoothing over the seen TLDs plus one "unseen" bucket */
    for (size_t i = 0; i < m->ntld; i++)
        m->tlds[i].logfreq = log((m->tlds[i].logfreq + 1.0) / (tld_total + (double)m->ntld + 1.0));
    m->tld_unseen = log(1.0 / (tld_total + (double)m->ntld + 1.0));
    for (m->tld_mask = 1; m->tld_mask < 2 * m->ntld; m->tld_mask <<= 1)
        ;
    m->tld_slot = calloc(m->tld_mask, sizeof(uint32_t));
    m->tld_mask -= 1;
    if (!m->tld_slot) {
        set_err(err, errlen, "%s: out of memory", path);
        goto fail;
    }
    for (size_t i = 0; i < m->ntld; i++) {
        const char *nm = m->tlds[i].name;
        size_t j = (size_t)name_hash(m, nm, strlen(nm)) & m->tld_mask;

        while (m->tld_slot[j] != 0)
            j = (j + 1) & m->tld_mask;
        m->tld_slot[j] = (uint32_t)i + 1;
    }

    /* marginals: c2(bc) = sum_a c3(abc), c1(c) = sum_b c2(bc) */
    for (int a = 0; a < NSYM; a++)
        for (int b = 0; b < NSYM; b++)
            for (int c = 0; c < NSYM; c++)
                c2[b * NSYM + c] += c3[(a * NSYM + b) * NSYM + c];
    for (int b = 0; b < NSYM; b++)
        for (int c = 0; c < NSYM; c++)
            c1[c] += c2[b * NSYM + c];
    for (int c = 0; c < NSYM; c++)
        n1 += c1[c];
    if (n1 == 0.0) {
        set_err(err, errlen, "%s:%d: no trigram lines", path, l.lineno);
        goto fail;
    }
    for (int b = 0; b < NSYM; b++) {
        double ctx2 = 0.0;

        for (int c = 0; c < NSYM; c++)
            ctx2 += c2[b * NSYM + c];
        for (int a = 0; a < NSYM; a++) {
            double ctx3 = 0.0;

            for (int c = 0; c < NSYM; c++)
                ctx3 += c3[(a * NSYM + b) * NSYM + c];
            for (int c = 0; c < NSYM; c++) {
                double p1 = (c1[c] + 1.0) / (n1 + NSYM);
                double p2 = (c2[b * NSYM + c] + beta * p1) / (ctx2 + beta);
                double p3 = (c3[(a * NSYM + b) * NSYM + c] + beta * p2) / (ctx3 + beta);

                m->lp[(a * NSYM + b) * NSYM + c] = (float)log(p3);
            }
        }
    }
    free(l.buf);
    free(c3);
    free(c2);
    return 0;
fail:
    free(l.buf);
fail_nolines:
    free(c3);
    free(c2);
    return -1;
}

/* ----------------------------------------------------------- dictionary */

/* lowbias32 integer hash (C. Wellons, "Prospecting for hash functions"). */
static uint32_t mix32(uint32_t h)
{
    h ^= h >> 16;
    h *= 0x7feb352dU;
    h ^= h >> 15;
    h *= 0x846ca68bU;
    h ^= h >> 16;
    return h;
}

static uint32_t edge_find(const struct dga_model *m, uint32_t node, int letter)
{
    uint32_t key = node * 32u + (uint32_t)letter + 1u;
    size_t i = mix32(key) & m->edge_mask;

    while (m->edge_key[i] != 0) {
        if (m->edge_key[i] == key)
            return m->edge_val[i];
        i = (i + 1) & m->edge_mask;
    }
    return 0;                               /* 0 = no child (root is never a child) */
}

static void edge_put(struct dga_model *m, uint32_t key, uint32_t val)
{
    size_t i = mix32(key) & m->edge_mask;

    while (m->edge_key[i] != 0)
        i = (i + 1) & m->edge_mask;
    m->edge_key[i] = key;
    m->edge_val[i] = val;
}

/* Double the edge table (kept at most half full) and the node array. */
static int trie_grow(struct dga_model *m, size_t *node_cap)
{
    size_t old = m->edge_mask + 1, nsz = old * 2;
    uint32_t *ok = m->edge_key, *ov = m->edge_val;
    uint8_t *nc = realloc(m->node_class, nsz);

    if (!nc)
        return -1;
    m->node_class = nc;
    memset(nc + *node_cap, 0, nsz - *node_cap);
    uint32_t *nk = realloc(m->node_kids, nsz * sizeof(uint32_t));
    if (!nk)
        return -1;
    m->node_kids = nk;
    memset(nk + *node_cap, 0, (nsz - *node_cap) * sizeof(uint32_t));
    *node_cap = nsz;
    m->edge_key = calloc(nsz, sizeof(uint32_t));
    m->edge_val = calloc(nsz, sizeof(uint32_t));
    if (!m->edge_key || !m->edge_val) {
        free(m->edge_key);
        free(m->edge_val);
        m->edge_key = ok;
        m->edge_val = ov;
        return -1;
    }
    m->edge_mask = nsz - 1;
    for (size_t i = 0; i < old; i++)
        if (ok[i])
            edge_put(m, ok[i], ov[i]);
    free(ok);
    free(ov);
    return 0;
}

/* Bit count without relying on -mpopcnt (Hacker's Delight, 5-2). */
static uint32_t popcount32(uint32_t v)
{
    v = v - ((v >> 1) & 0x55555555u);
    v = (v & 0x33333333u) + ((v >> 2) & 0x33333333u);
    return (((v + (v >> 4)) & 0x0f0f0f0fu) * 0x01010101u) >> 24;
}

/* Child of `node` for letter 0..25 in the bitmap trie, 0 if none. */
static uint32_t trie_child(const struct dga_model *m, uint32_t node, int letter)
{
    uint32_t mask = m->tmask[node];

    if (!((mask >> letter) & 1u))
        return 0;
    return m->tfirst[node] + popcount32(mask & ((1u << letter) - 1u));
}

/* Copy hash-trie node `old` (already given id `id`) and, depth first, its
 * subtree into the bitmap trie; *next is the next free id.  Depth is bounded
 * by DGA_WORD_MAX (the loader refused longer words). */
static void trie_pack(struct dga_model *m, uint32_t old, uint32_t id, uint32_t *next)
{
    uint32_t kids[26], mask = m->node_kids[old], first = *next;
    int nk = 0;

    /* only the letters known to have a child are looked up */
    for (int c = 0; c < 26; c++)
        if ((mask >> c) & 1u)
            kids[nk++] = edge_find(m, old, c);
    m->tmask[id] = mask;
    m->tfirst[id] = first;
    m->tclass[id] = m->node_class[old];
    *next += (uint32_t)nk;
    for (int k = 0; k < nk; k++)
        trie_pack(m, kids[k], first + (uint32_t)k, next);
}

static int load_words(struct dga_model *m, const char *path, char *err, size_t errlen)
{
    struct lines l;
    char *s, *tok[3];
    int bad = 0;
    size_t nlines = 0, node_cap = 1 << 16;
    char prev[DGA_WORD_MAX + 1];
    size_t prev_len = 0;
    uint32_t trail[DGA_WORD_MAX + 1];     /* node after each char of prev */
    trail[0] = 0;

    if (lines_open(&l, path, err, errlen) != 0)
        return -1;
    /* invariant: nnodes <= node_cap == edge table size, table <= half full */
    m->edge_key = calloc(node_cap, sizeof(uint32_t));
    m->edge_val = calloc(node_cap, sizeof(uint32_t));
    m->node_class = calloc(node_cap, 1);
    m->node_kids = calloc(node_cap, sizeof(uint32_t));
    m->edge_mask = node_cap - 1;
    m->nnodes = 1;
    if (!m->edge_key || !m->edge_val || !m->node_class || !m->node_kids) {
        set_err(err, errlen, "%s: out of memory", path);
        goto fail;
    }
    while ((s = next_line(&l, &bad, err, errlen)) != NULL) {
        int nt = tokens(s, tok, 2);
        size_t n;
        uint32_t node = 0;
        int cls;

        if (nt != 2 || strlen(tok[1]) != 1 || tok[1][0] < '1' || tok[1][0] > '0' + DGA_NCLASS) {
            set_err(err, errlen, "%s:%d: expected 'word<TAB>class(1-%d)'", path, l.lineno, DGA_NCLASS);
            goto fail;
        }
        cls = tok[1][0] - '0';
        n = strlen(tok[0]);
        if (n < DGA_WORD_MIN || n > DGA_WORD_MAX) {
            set_err(err, errlen, "%s:%d: word length must be %d..%d", path, l.lineno,
                    DGA_WORD_MIN, DGA_WORD_MAX);
            goto fail;
        }
        /* The nodes of the prefix shared with the previous word are known
         * (trail[]), and once one letter has no child none of the following
         * can have one: only the letters in between need a lookup. */
        size_t lcp = 0, start_i;
        int missed = 0;
        while (lcp < n && lcp < prev_len && prev[lcp] == tok[0][lcp])
            lcp++;
        node = trail[lcp];
        start_i = lcp;
        for (size_t i = start_i; i < n; i++) {
            int c = (unsigned char)tok[0][i];
            uint32_t child;

            if (c < 'a' || c > 'z') {
                set_err(err, errlen, "%s:%d: word must be lowercase a-z", path, l.lineno);
                goto fail;
            }
            child = missed ? 0 : edge_find(m, node, c - 'a');
            if (child == 0) {
                missed = 1;
                if (2 * (m->nnodes + 1) > node_cap && trie_grow(m, &node_cap) != 0) {
                    set_err(err, errlen, "%s: out of memory", path);
                    goto fail;
                }
                if (m->nnodes >= (1u << 26)) {  /* node*32+27 must fit 32 bits */
                    set_err(err, errlen, "%s:%d: too many words", path, l.lineno);
                    goto fail;
                }
                child = (uint32_t)m->nnodes++;
                edge_put(m, node * 32u + (uint32_t)(c - 'a') + 1u, child);
                m->node_kids[node] |= 1u << (c - 'a');
            }
            node = child;
            trail[i + 1] = node;
        }
        memcpy(prev, tok[0], n + 1);
        prev_len = n;
        if (m->node_class[node] != 0) {
            set_err(err, errlen, "%s:%d: repeated word '%s'", path, l.lineno, tok[0]);
            goto fail;
        }
        m->node_class[node] = (uint8_t)cls;
        nlines++;
    }
    if (bad)
        goto fail;
    if (nlines == 0) {
        set_err(err, errlen, "%s:%d: no words", path, l.lineno);
        goto fail;
    }
    free(l.buf);
    m->tmask = calloc(m->nnodes, sizeof(uint32_t));
    m->tfirst = calloc(m->nnodes, sizeof(uint32_t));
    m->tclass = calloc(m->nnodes, 1);
    if (!m->tmask || !m->tfirst || !m->tclass) {
        set_err(err, errlen, "%s: out of memory", path);
        return -1;
    }
    {
        uint32_t next = 1;

        trie_pack(m, 0, 0, &next);
    }
    free(m->edge_key);
    free(m->edge_val);
    free(m->node_class);
    free(m->node_kids);
    m->edge_key = m->edge_val = NULL;
    m->node_class = NULL;
    m->node_kids = NULL;
    return 0;
fail:
    free(l.buf);
    return -1;
}

/* ----------------------------------------------------------- popularity */

/* The slot of the popularity set holding s[0..n), or the empty slot where
 * it would go (linear probing). */
static size_t pop_probe(const struct dga_model *m, const char *s, size_t n)
{
    size_t i = (size_t)name_hash(m, s, n) & m->pop_mask;

    while (m->pop_slot[i] != 0) {
        const char *e = m->pop_blob + m->pop_slot[i] - 1;

        if (strncmp(e, s, n) == 0 && e[n] == '\0')
            break;
        i = (i + 1) & m->pop_mask;
    }
    return i;
}

static int pop_contains(const struct dga_model *m, const char *s, size_t n)
{
    return m->npop != 0 && m->pop_slot[pop_probe(m, s, n)] != 0;
}

int dga_popular(const struct dga_model *m, const char *regdomain)
{
    return pop_contains(m, regdomain, strlen(regdomain));
}

/* A popularity-list entry: a lowercase DNS name of two or more labels
 * (a-z 0-9 - _), no empty label, at most DOMAIN_NAME_MAX chars. */
static int popular_name_ok(const char *s, size_t n)
{
    size_t i, lab = 0;
    int dots = 0;

    if (n == 0 || n > DOMAIN_NAME_MAX)
        return 0;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '.') {
            if (lab == 0 || i == n - 1)
                return 0;
            dots++;
            lab = 0;
        } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
            if (++lab > DOMAIN_LABEL_MAX)
                return 0;
        } else {
            return 0;
        }
    }
    return dots > 0;
}

/*
 * The popularity list: one entry per line, either a domain or Tranco's
 * "rank,domain" CSV (top-1m.csv as downloaded; a "rank,domain" header on
 * line 1 is skipped; CRLF line ends are accepted).  The names are packed
 * at the front of the file buffer, which becomes pop_blob; the set is an
 * open-addressing table of at least twice the line count (load <= 1/2).
 */
static int load_popular(struct dga_model *m, const char *path, char *err, size_t errlen)
{
    struct lines l;
    char *s, *w;
    int bad = 0;
    size_t nlines = 0;

    if (lines_open(&l, path, err, errlen) != 0)
        return -1;
    l.crlf_ok = 1;
    /* count lines to size the table (upper bound) */
    for (const char *q = l.buf; (q = memchr(q, '\n', l.len - (size_t)(q - l.buf))) != NULL; q++)
        nlines++;
    nlines++;
    for (m->pop_mask = 1; m->pop_mask < 2 * nlines; m->pop_mask <<= 1)
        ;
    m->pop_slot = calloc(m->pop_mask, sizeof(uint32_t));
    m->pop_mask -= 1;
    if (!m->pop_slot || l.len >= UINT32_MAX) {
        set_err(err, errlen, "%s: out of memory", path);
        goto fail;
    }
    m->pop_blob = l.buf;
    w = l.buf;                              /* names are packed here */
    while ((s = next_line(&l, &bad, err, errlen)) != NULL) {
        char *comma = strchr(s, ',');
        size_t n, i;

        if (comma) {
            if (l.lineno == 1 && strcmp(s, "rank,domain") == 0)
                continue;
            for (i = 0; s + i < comma && s[i] >= '0' && s[i] <= '9'; i++)
                ;
            if (i == 0 || s + i != comma || strchr(comma + 1, ',')) {
                set_err(err, errlen, "%s:%d: expected 'domain' or 'rank,domain'", path, l.lineno);
                goto fail;
            }
            s = comma + 1;
        }
        n = strlen(s);
        if (!popular_name_ok(s, n)) {
            set_err(err, errlen, "%s:%d: not a lowercase registrable domain", path, l.lineno);
            goto fail;
        }
        /* one probe: a repeat is an error, else the empty slot is ours */
        i = pop_probe(m, s, n);
        if (m->pop_slot[i] != 0) {
            set_err(err, errlen, "%s:%d: repeated domain '%s'", path, l.lineno, s);
            goto fail;
        }
        memmove(w, s, n + 1);               /* w <= s: in place */
        m->pop_slot[i] = (uint32_t)(w - l.buf) + 1;
        m->npop++;
        w += n + 1;
    }
    if (bad)
        goto fail;
    if (w > l.buf) {                        /* give back the rest of the file */
        char *shrunk = realloc(l.buf, (size_t)(w - l.buf));

        if (shrunk)
            m->pop_blob = shrunk;
    }
    return 0;
fail:
    m->pop_blob = NULL;
    free(l.buf);
    return -1;
}

/* ---------------------------------------------------------------- load */

void dga_model_free(struct dga_model *m)
{
    if (!m)
        return;
    free(m->nodes);
    free(m->tree_start);
    free(m->tlds);
    free(m->tld_slot);
    free(m->edge_key);
    free(m->edge_val);
    free(m->node_class);
    free(m->node_kids);
    free(m->tmask);
    free(m->tfirst);
    free(m->tclass);
    free(m->pop_blob);
    free(m->pop_slot);
    free(m);
}

struct dga_model *dga_model_load_files(const struct dga_files *f, const struct domain_ctx *d,
                                       char *err, size_t errlen)
{
    struct dga_model *m;

    if (!f || !d || !f->ngram || !f->words) {
        set_err(err, errlen, "dga_model_load: missing domain context or file name");
        return NULL;
    }
    m = calloc(1, sizeof(*m));
    if (!m) {
        set_err(err, errlen, "dga_model_load: out of memory");
        return NULL;
    }
    m->dom = d;
    hk_init(&m->key);
    for (int c = 1; c <= DOMAIN_LABEL_MAX; c++)
        m->clog2c[c] = c * log2((double)c);
    m->threshold = 1.0;                     /* features-only: never DGA */
    if ((f->model && load_trees(m, f->model, err, errlen) != 0) ||
        load_ngram(m, f->ngram, err, errlen) != 0 ||
        load_words(m, f->words, err, errlen) != 0 ||
        (f->popular && load_popular(m, f->popular, err, errlen) != 0)) {
        dga_model_free(m);
        return NULL;
    }
    return m;
}

struct dga_model *dga_model_load_paths(const char *datadir, const char *popular,
                                       const struct domain_ctx *d, char *err, size_t errlen)
{
    char p[4][4096];
    static const char *const names[4] = {"dga_model.txt", "dga_ngram.txt", "words.txt", "popular.txt"};
    struct dga_files f;

    if (!datadir) {
        set_err(err, errlen, "dga_model_load: no data directory");
        return NULL;
    }
    for (int i = 0; i < 4; i++) {
        int r = snprintf(p[i], sizeof(p[i]), "%s/%s", datadir, names[i]);

        if (r < 0 || (size_t)r >= sizeof(p[i])) {
            set_err(err, errlen, "dga_model_load: data directory path too long");
            return NULL;
        }
    }
    f.model = p[0];
    f.ngram = p[1];
    f.words = p[2];
    f.popular = popular && *popular ? popular : p[3];
    return dga_model_load_files(&f, d, err, errlen);
}

struct dga_model *dga_model_load(const char *datadir, const struct domain_ctx *d,
                                 char *err, size_t errlen)
{
    return dga_model_load_paths(datadir, NULL, d, err, errlen);
}

double dga_default_threshold(const struct dga_model *m)
{
    return m ? m->threshold : 1.0;
}

/* ------------------------------------------------------------- features */

static int is_vowel(int c)
{
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

static double tld_logfreq(const struct dga_model *m, const char *tld, size_t n)
{
    size_t i = (size_t)name_hash(m, tld, n) & m->tld_mask;

    while (m->tld_slot[i] != 0) {
        const struct tld_entry *e = &m->tlds[m->tld_slot[i] - 1];

        if (memcmp(e->name, tld, n) == 0 && e->name[n] == '\0')
            return e->logfreq;
        i = (i + 1) & m->tld_mask;
    }
    return m->tld_unseen;
}

/* Best dictionary segmentation of s[0..n) (n <= 63); see the file comment.
 * Outputs letters covered, words used, rare words used, and a per-char
 * covered[] mask. */
static void segment(const struct dga_model *m, const char *s, size_t n,
                    int *covered_out, int *words_out, int *rare_out, unsigned char *covered)
{
    /* cost[i] for prefix s[0..i): uncovered, words, rare; back pointers */
    int unc[DOMAIN_LABEL_MAX + 1], wc[DOMAIN_LABEL_MAX + 1], rc[DOMAIN_LABEL_MAX + 1];
    unsigned char from[DOMAIN_LABEL_MAX + 1], isword[DOMAIN_LABEL_MAX + 1];

    for (size_t i = 0; i <= n; i++) {
        unc[i] = i == 0 ? 0 : 1 << 20;
        wc[i] = rc[i] = 0;
        from[i] = isword[i] = 0;
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t node = 0;

        /* skip one char, uncovered */
        if (unc[i] + 1 < unc[i + 1] ||
            (unc[i] + 1 == unc[i + 1] && (wc[i] < wc[i + 1] || (wc[i] == wc[i + 1] && rc[i] < rc[i + 1])))) {
            unc[i + 1] = unc[i] + 1;
            wc[i + 1] = wc[i];
            rc[i + 1] = rc[i];
            from[i + 1] = (unsigned char)i;
            isword[i + 1] = 0;
        }
        for (size_t j = i; j < n && j - i < DGA_WORD_MAX; j++) {
            int c = (unsigned char)s[j];

            if (c < 'a' || c > 'z')
                break;
            node = trie_child(m, node, c - 'a');
            if (node == 0)
                break;
            if (m->tclass[node] != 0) {
                int u = unc[i], w = wc[i] + 1, r = rc[i] + (m->tclass[node] >= 3);

                if (u < unc[j + 1] || (u == unc[j + 1] && (w < wc[j + 1] || (w == wc[j + 1] && r < rc[j + 1])))) {
                    unc[j + 1] = u;
                    wc[j + 1] = w;
                    rc[j + 1] = r;
                    from[j + 1] = (unsigned char)i;
                    isword[j + 1] = 1;
                }
            }
        }
    }
    memset(covered, 0, n);
    for (size_t j = n; j > 0; j = from[j]) {
        if (isword[j])
            memset(covered + from[j], 1, j - from[j]);
    }
    *covered_out = (int)n - unc[n];
    *words_out = wc[n];
    *rare_out = rc[n];
}

/* Fill x[] and the explanation fields of v from v->parts. */
static void label_features(const struct dga_model *m, struct dga_verdict *v, double x[DGA_NFEAT])
{
    const char *s = v->parts.label;
    size_t n = v->parts.label_len;
    int cnt[NSYM] = {0};
    int letters = 0, vowels = 0, digits = 0, hyph = 0, switches = 0, distinct = 0, hexchars = 0;
    int cons_run = 0, dig_run = 0, max_cons = 0, max_dig = 0;
    int covered = 0, words = 0, rare = 0, unc_letters = 0;
    double lpc[DOMAIN_LABEL_MAX + 1], total = 0.0, lo1, lo2, ent = 0.0, unc_lp = 0.0;
    unsigned char cov[DOMAIN_LABEL_MAX];
    int a = SYM_BOUND, b = SYM_BOUND, prev_kind = 0;
    const char *tld;

    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)s[i], y = sym_of((unsigned char)c), kind;

        if (y < 0 || y == SYM_BOUND)        /* unreachable: domain_split */
            y = 37;                         /* validated the label       */
        cnt[y]++;
        if (c >= 'a' && c <= 'z') {
            letters++;
            kind = 1;
            dig_run = 0;
            if (is_vowel(c)) {
                vowels++;
                cons_run = 0;
            } else if (++cons_run > max_cons) {
                max_cons = cons_run;
            }
        } else if (c >= '0' && c <= '9') {
            digits++;
            kind = 2;
            cons_run = 0;
            if (++dig_run > max_dig)
                max_dig = dig_run;
        } else {
            hyph++;
            kind = 0;
            cons_run = dig_run = 0;
        }
        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))
            hexchars++;
        if (kind && prev_kind && kind != prev_kind)
            switches++;
        prev_kind = kind;
        lpc[i] = m->lp[(a * NSYM + b) * NSYM + y];
        a = b;
        b = y;
    }
    lpc[n] = m->lp[(a * NSYM + b) * NSYM + SYM_BOUND];
    lo1 = lo2 = HUGE_VAL;                   /* the two lowest of n+1 >= 2 terms */
    for (size_t i = 0; i <= n; i++) {
        total += lpc[i];
        if (lpc[i] < lo1) {
            lo2 = lo1;
            lo1 = lpc[i];
        } else if (lpc[i] < lo2) {
            lo2 = lpc[i];
        }
    }
    /* H = log2(n) - (1/n) sum c*log2(c), with c*log2(c) from a table */
    for (int y = 0; y < NSYM; y++) {
        if (cnt[y]) {
            distinct++;
            ent += m->clog2c[cnt[y]];
        }
    }
    ent = m->clog2c[n] / (double)n - ent / (double)n;
    segment(m, s, n, &covered, &words, &rare, cov);
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)s[i];

        if (!cov[i] && c >= 'a' && c <= 'z') {
            unc_letters++;
            unc_lp += lpc[i];
        }
    }
    tld = strrchr(v->parts.regdomain, '.') + 1;   /* regdomain has >= 1 dot */

    x[DGA_F_LEN] = (double)n;
    x[DGA_F_ENTROPY] = ent;
    x[DGA_F_NGRAM] = total / (double)(n + 1);
    x[DGA_F_NGRAM_MIN] = (lo1 + lo2) / 2.0;
    x[DGA_F_NGRAM_SUM] = total;
    x[DGA_F_VOWEL_RATIO] = letters ? (double)vowels / letters : 0.0;
    x[DGA_F_DIGIT_RATIO] = (double)digits / (double)n;
    x[DGA_F_MAX_CONS_RUN] = max_cons;
    x[DGA_F_MAX_DIGIT_RUN] = max_dig;
    x[DGA_F_ALNUM_SWITCH] = (double)switches / (double)n;
    x[DGA_F_UNIQ_RATIO] = (double)distinct / (double)n;
    x[DGA_F_HYPHENS] = hyph;
    x[DGA_F_DICT_COVERAGE] = (double)covered / (double)n;
    x[DGA_F_WORDS] = words;
    x[DGA_F_UNCOVERED] = unc_letters;
    x[DGA_F_WORD_LEN] = words ? (double)covered / words : 0.0;
    x[DGA_F_RARE_WORDS] = words ? (double)rare / words : 0.0;
    x[DGA_F_WORD_NGRAM] = unc_letters ? unc_lp / unc_letters : 0.0;
    x[DGA_F_TLD_LOGFREQ] = tld_logfreq(m, tld, strlen(tld));
    x[DGA_F_UNKNOWN_TLD] = v->parts.known_suffix ? 0.0 : 1.0;
    x[DGA_F_HEX] = ((size_t)hexchars == n && n >= 8 && digits > 0) ? 1.0 : 0.0;

    v->len = (int)n;
    v->entropy = ent;
    v->ngram = x[DGA_F_NGRAM];
    v->vowel_ratio = x[DGA_F_VOWEL_RATIO];
    v->digit_ratio = x[DGA_F_DIGIT_RATIO];
    v->dict_coverage = x[DGA_F_DICT_COVERAGE];
    v->max_consonant_run = max_cons;
    v->max_digit_run = max_dig;
    v->words = words;
}

static int is_idn(const struct domain_parts *p)
{
    return p->label_len >= 4 && memcmp(p->label, "xn--", 4) == 0;
}

int dga_score_features(const struct dga_model *m, const char *name, size_t len,
                       struct dga_verdict *out, double x[DGA_NFEAT])
{
    double z;

    memset(out, 0, sizeof(*out));
    if (!m || domain_split(m->dom, name, len, &out->parts) != 0) {
        memset(out, 0, sizeof(*out));
        return -1;
    }
    label_features(m, out, x);
    out->popular = pop_contains(m, out->parts.regdomain, strlen(out->parts.regdomain));
    if (!m->have_trees || is_idn(&out->parts)) {
        out->score = 0.0;
        out->dga = 0;
        return 0;
    }
    z = m->base;
    for (size_t t = 0; t < m->ntrees; t++) {
        const struct dga_node *root = m->nodes + m->tree_start[t];
        const struct dga_node *nd = root;

        for (unsigned d = 0; d < m->depth; d++) {
            /* branch-free step (split outcomes are unpredictable); a leaf's
             * children are itself, see load_trees() */
            unsigned go_right = !(x[nd->feat] < nd->value);

            nd = root + nd->left + go_right * (unsigned)(nd->right - nd->left);
        }
        z += nd->value;
    }
    out->score = 1.0 / (1.0 + exp(-z));
    if (out->popular && out->score > m->threshold / 2.0)
        out->score = m->threshold / 2.0;
    out->dga = out->score >= m->threshold;
    return 0;
}

int dga_score(const struct dga_model *m, const char *name, size_t len, struct dga_verdict *out)
{
    double x[DGA_NFEAT];

    return dga_score_features(m, name, len, out, x);
}

void dga_explain(const struct dga_verdict *v, char *buf, size_t buflen)
{
    int digits, n, lab;
    size_t off;

    if (!buf || buflen == 0)
        return;
    buf[0] = '\0';
    if (!v || !v->parts.label)
        return;
    lab = v->parts.label_len > DOMAIN_LABEL_MAX ? DOMAIN_LABEL_MAX : (int)v->parts.label_len;
    digits = (int)lround(v->digit_ratio * v->len);
    n = snprintf(buf, buflen, "label '%.*s' (%d chars, suffix %s%s): entropy %.2f, "
                 "benign n-gram likelihood %.1f/char, ",
                 lab, v->parts.label, v->len, v->parts.suffix,
                 v->parts.known_suffix ? "" : " not in PSL", v->entropy, v->ngram);
    if (n < 0 || (size_t)n >= buflen)
        return;
    off = (size_t)n;
    if (digits)
        n = snprintf(buf + off, buflen - off, "%d digit%s (run %d), ", digits, digits > 1 ? "s" : "",
                     v->max_digit_run);
    else
        n = snprintf(buf + off, buflen - off, "no digits, ");
    if (n < 0 || (size_t)n >= buflen - off)
        return;
    off += (size_t)n;
    n = snprintf(buf + off, buflen - off, "consonant run %d, vowels %.0f%%, ", v->max_consonant_run,
                 100.0 * v->vowel_ratio);
    if (n < 0 || (size_t)n >= buflen - off)
        return;
    off += (size_t)n;
    if (v->words)
        n = snprintf(buf + off, buflen - off, "%d dictionary word%s covering %.0f%%; ", v->words,
                     v->words > 1 ? "s" : "", 100.0 * v->dict_coverage);
    else
        n = snprintf(buf + off, buflen - off, "no dictionary words; ");
    if (n < 0 || (size_t)n >= buflen - off)
        return;
    off += (size_t)n;
    if (is_idn(&v->parts))
        snprintf(buf + off, buflen - off, "IDN label, not scored lexically; score %.2f", v->score);
    else if (v->popular)
        snprintf(buf + off, buflen - off, "popular domain, benign; score %.2f", v->score);
    else
        snprintf(buf + off, buflen - off, "score %.2f%s", v->score, v->dga ? " (DGA-like)" : "");
}
