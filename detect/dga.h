/*
 * dga.h - per-name lexical DGA scorer.
 *
 * What it does: scores one DNS name for "looks machine-generated" from the
 * characters of the label of its registrable domain (eTLD+1, see domain.h):
 * kinggru.duckdns.org is scored on "kinggru", www.bbc.co.uk on "bbc".  The
 * score comes from a small ensemble of boosted regression trees (depth <= 2)
 * over 21 lexical features (benign character n-gram likelihood, entropy,
 * digit and consonant runs, length, vowel ratio, dictionary-word
 * segmentation, TLD rarity); a popularity list of registrable domains
 * overrides the score to benign.  docs/dga-model.md has the features,
 * the training data and the measured accuracy.
 *
 * Limits: one name carries little evidence.  Short labels (<= 6 chars),
 * labels glued from common dictionary words (suppobox-like) and DGAs that
 * append a counter to a word (fosniw-like) are mostly missed; spanhound
 * convicts hosts by aggregating many names (NXDOMAIN bursts etc.), and this
 * score is one input to that.  IDN labels (xn--...) are not scored
 * lexically (score 0).
 *
 * Files, in the data directory (strict loaders: any bad line is an error
 * reported as "file:line: reason"):
 *   dga_model.txt  boosted trees, decision threshold
 *   dga_ngram.txt  benign character trigram counts and TLD counts
 *   words.txt      dictionary words with a rarity class
 *   popular.txt    popular registrable domains, one per line, or Tranco's
 *                  "rank,domain" CSV (a top-1m.csv as downloaded); it may
 *                  live elsewhere (dga_model_load_paths, the appliance's
 *                  detect.popularity_list)
 * detect/data/README.md documents formats and sources.
 *
 * Thread safety: a loaded model is immutable; dga_score() is pure (no
 * allocation, no I/O) and may run concurrently on one const model.
 */
#ifndef SPANHOUND_DETECT_DGA_H
#define SPANHOUND_DETECT_DGA_H

#include <stddef.h>

#include "detect/domain.h"

struct dga_model;

/* Feature vector layout.  dga_model.txt names features by the strings of
 * dga_feature_name(), so the enum order may change without retraining. */
enum dga_feature {
    DGA_F_LEN,            /* label length, chars                            */
    DGA_F_ENTROPY,        /* Shannon entropy of label chars, bits/char      */
    DGA_F_NGRAM,          /* mean ln P(char | 2 previous), benign trigram   */
    DGA_F_NGRAM_MIN,      /* mean of the 2 lowest per-char ln P             */
    DGA_F_NGRAM_SUM,      /* total ln P over the label (incl. end marker)   */
    DGA_F_VOWEL_RATIO,    /* vowels (aeiou) / letters                       */
    DGA_F_DIGIT_RATIO,    /* digits / length                                */
    DGA_F_MAX_CONS_RUN,   /* longest run of consonants                      */
    DGA_F_MAX_DIGIT_RUN,  /* longest run of digits                          */
    DGA_F_ALNUM_SWITCH,   /* letter<->digit transitions / length            */
    DGA_F_UNIQ_RATIO,     /* distinct chars / length                        */
    DGA_F_HYPHENS,        /* count of '-' and '_'                           */
    DGA_F_DICT_COVERAGE,  /* letters covered by dictionary words / length   */
    DGA_F_WORDS,          /* words in the best segmentation                 */
    DGA_F_UNCOVERED,      /* chars not covered by a word (count)            */
    DGA_F_WORD_LEN,       /* mean length of the words found (0 if none)     */
    DGA_F_RARE_WORDS,     /* fraction of found words that are rare/foreign  */
    DGA_F_WORD_NGRAM,     /* mean ln P of the uncovered chars only          */
    DGA_F_TLD_LOGFREQ,    /* ln P(tld) among benign names (smoothed)        */
    DGA_F_UNKNOWN_TLD,    /* 1 if the TLD is not a PSL rule                 */
    DGA_F_HEX,            /* 1 if label is >= 8 hex chars with a digit      */
    DGA_NFEAT
};

/* Name of feature i as it appears in dga_model.txt, NULL if out of range. */
const char *dga_feature_name(int i);

/* Load the model from datadir (dga_model.txt, dga_ngram.txt, words.txt)
 * and the popularity list from the file `popular` (NULL or "" =
 * datadir/popular.txt).  Borrows d: it must outlive the model.  Returns a
 * model owned by the caller, or NULL with "file:line: reason" in err. */
struct dga_model *dga_model_load_paths(const char *datadir, const char *popular,
                                       const struct domain_ctx *d, char *err, size_t errlen);

/* Same, with datadir/popular.txt. */
struct dga_model *dga_model_load(const char *datadir, const struct domain_ctx *d,
                                 char *err, size_t errlen);

/* Training support: explicit paths.  model may be NULL: the result then
 * computes features only (dga_score gives score 0, dga 0); popular may be
 * NULL for an empty popularity list. */
struct dga_files {
    const char *model, *ngram, *words, *popular;
};
struct dga_model *dga_model_load_files(const struct dga_files *f, const struct domain_ctx *d,
                                       char *err, size_t errlen);

/* Free a model.  NULL is a no-op. */
void dga_model_free(struct dga_model *m);

struct dga_verdict {
    double score;          /* 0..1, higher = more DGA-like: the trees'        */
                           /* probability, see docs/dga-model.md section 3    */
    int    dga;            /* score >= the model's threshold                  */
    int    popular;        /* registrable domain is in the popularity list    */
    struct domain_parts parts;  /* label/suffix point into parts.regdomain:   */
                                /* copying the verdict invalidates them, see  */
                                /* domain_parts_fixup()                        */
    /* the numbers behind the score, for the analyst's explanation */
    double entropy, ngram, vowel_ratio, digit_ratio, dict_coverage;
    int    len, max_consonant_run, max_digit_run, words;
};

/*
 * Score one name (name[0..len), not necessarily NUL-terminated; hostile).
 * Returns 0 with *out filled, or -1 if the name is not scorable (see
 * domain_split; *out is zeroed).  A popular registrable domain gets dga = 0
 * and a score capped at half the threshold.  Pure: no allocation, no I/O,
 * thread-safe on a const model.
 */
int dga_score(const struct dga_model *m, const char *name, size_t len, struct dga_verdict *out);

/* Same, and also writes the DGA_NFEAT raw features into x (training tool). */
int dga_score_features(const struct dga_model *m, const char *name, size_t len,
                       struct dga_verdict *out, double x[DGA_NFEAT]);

/* The model's decision threshold on score (from dga_model.txt). */
double dga_default_threshold(const struct dga_model *m);

/* Is regdomain (a registrable domain, lowercase) on the popularity list? */
int dga_popular(const struct dga_model *m, const char *regdomain);

/* One line of explanation into buf (always NUL-terminated if buflen > 0,
 * truncated to fit), e.g. "label 'xjq3k9v0a1' (10 chars): entropy 3.32,
 * benign n-gram likelihood -4.1/char, 3 digits, no dictionary words;
 * score 0.98".  v must come from dga_score (its pointers intact). */
void dga_explain(const struct dga_verdict *v, char *buf, size_t buflen);

#endif /* SPANHOUND_DETECT_DGA_H */
