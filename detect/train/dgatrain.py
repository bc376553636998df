"""dgatrain.py - shared code of the DGA training and evaluation scripts.

What it does: loads the dev name lists, builds the data files of the
scorer (words.txt, dga_ngram.txt, popular.txt, dga_model.txt), computes
features by running build/train/dga_tool (the run-time C code), fits the
boosted trees in numpy and picks the decision threshold.

Limits: Debian's /usr/bin/python3 with python3-numpy only (no pip).  Every
random choice uses a fixed seed or a hash of the name, so two runs on the
same inputs write byte-identical files.

Honesty rules implemented here (docs/dga-model.md explains them):
  * benign names are split into folds by a hash of their REGISTRABLE domain,
    so the same eTLD+1 (e.g. many Umbrella FQDNs of one CDN) never sits on
    both sides of a split;
  * the features of a benign name used to fit weights or pick a threshold
    are always computed with an n-gram/TLD table that did not see that name
    ("cross-fitting"), because in-sample n-gram likelihoods look more benign
    than they will on new names;
  * the popularity list is built from training folds only;
  * a fixed long-tail benign holdout (benign_holdout) is kept out of every
    shipped file and every training set, for false-positive measurement on
    names nothing was fitted on.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import unicodedata

import numpy as np

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TOOL = os.path.join(REPO, "build", "train", "dga_tool")
NDPI = os.path.join(REPO, "build", "train", "ndpi_dga_eval")
DEFAULT_DEV = os.environ.get("SPANHOUND_DEVDATA",
                             os.path.join(REPO, "..", "shared", "data", "dev"))

FAMILIES = None  # filled by load_dev()
RANKS = {}       # list -> ranks aligned with its names, filled by load_dev()

# Smoothing of the character model (Dirichlet prior mass, see dga.c).
NGRAM_BETA = 4.0
# The character model is trained on the benign registrable labels (each
# trigram counted NGRAM_DOMAIN_MULT times) plus the words of these Debian
# word lists (counted once).
NGRAM_DOMAIN_MULT = 1
NGRAM_WORD_LISTS = ()
# FP budgets used to pick the threshold on cross-fitted training scores:
# a margin under the targets (0.1 % Tranco, 0.5 % long tail).
FP_BUDGET = {"tranco": 0.0007, "opendns": 0.0035}
# A second, looser operating point reported by evaluate.py only (about
# nDPI's false-positive rate), to compare detectors at equal FP.
LOOSE_BUDGET = {"tranco": 0.01, "opendns": 0.01}
# Weight of all benign rows together vs all DGA rows together (each DGA
# family, and each synthetic class, weighs the same).  The low-FP operating
# point needs the benign tail to dominate the loss.
BENIGN_WEIGHT = 100.0
# Weight of each synthetic random-name class relative to one DGA family.
# Without it, the few long random-looking names of the benign lists teach
# the trees that a 26-char letters+digits label is benign.
SYNTH_SHARE = 1.0
KFOLD = 5


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def build_tools():
    subprocess.run(["make", "-s", "-f", "detect/train/Makefile"], cwd=REPO, check=True)


# ------------------------------------------------------------------ data

def read_csv(path):
    """[rank, domain] rows of a rank,domain file, in file order (a
    "rank,..." header line skipped)."""
    out = []
    with open(path, encoding="ascii", errors="replace") as f:
        for i, line in enumerate(f):
            line = line.strip()
            if i == 0 and line.startswith("rank,"):
                continue
            if line:
                out.append(line.split(",", 1))
    return out


def read_csv_domains(path):
    return [row[1] for row in read_csv(path)]


def read_csv_ranks(path):
    """Ranks of a rank,domain file, in file order (aligned with
    read_csv_domains)."""
    return [int(row[0]) for row in read_csv(path)]


def read_lines(path):
    with open(path, encoding="ascii", errors="replace") as f:
        return [l.strip() for l in f if l.strip()]


def load_dev(dev=DEFAULT_DEV):
    """Return (benign: dict list->names, dga: dict family->names)."""
    global FAMILIES
    b = os.path.join(dev, "benign_domains")
    benign = {
        "tranco": read_csv_domains(os.path.join(b, "tranco_top100k.csv")),
        "umbrella": read_csv_domains(os.path.join(b, "umbrella_top10k_fqdn.csv")),
        "opendns": read_lines(os.path.join(b, "opendns_random_domains.txt")),
    }
    d = os.path.join(dev, "dga")
    fams = sorted(f[:-4] for f in os.listdir(d) if f.endswith(".txt"))
    dga = {f: read_lines(os.path.join(d, f + ".txt")) for f in fams}
    FAMILIES = fams
    RANKS["tranco"] = read_csv_ranks(os.path.join(b, "tranco_top100k.csv"))
    assert len(RANKS["tranco"]) == len(benign["tranco"])
    return benign, dga


def split_names(names):
    """Run dga_tool split: list of (label, tld, regdomain) or None."""
    r = subprocess.run([TOOL, "split"], input="\n".join(names) + "\n",
                       capture_output=True, text=True, check=True)
    out = []
    for line in r.stdout.splitlines():
        out.append(None if line == "-" else tuple(line.split("\t")))
    assert len(out) == len(names)
    return out


def fold_of(regdomain, k=KFOLD, salt="outer"):
    h = hashlib.sha256((salt + ":" + regdomain).encode()).digest()
    return int.from_bytes(h[:4], "big") % k


# ------------------------------------------------------------ data files

def _ascii_fold(w):
    return unicodedata.normalize("NFKD", w).encode("ascii", "ignore").decode()


def build_words(path):
    """words.txt from Debian's SCOWL-based English lists.

    class 1: american-english-small (the most common words; >= 3 letters)
    class 2: american-english / british-english (>= 4 letters)
    class 3: american-english-large only (rare words, >= 4 letters)
    Proper nouns (capitalised) and words with apostrophes are skipped.
    """
    d = "/usr/share/dict/"

    def words(name, minlen):
        s = set()
        with open(d + name, encoding="utf-8") as f:
            for w in f:
                w = w.strip()
                if minlen <= len(w) <= 24 and w.isascii() and w.isalpha() and w.islower():
                    s.add(w)
        return s

    c1 = words("american-english-small", 3)
    c2 = (words("american-english", 4) | words("british-english", 4)) - c1
    c3 = words("american-english-large", 4) - c1 - c2
    with open(path, "w") as f:
        f.write("# spanhound dictionary: word<TAB>rarity class; built by detect/train/train.py\n")
        f.write("# sources: Debian wamerican-small, wamerican, wbritish, wamerican-large (SCOWL)\n")
        for cls, s in ((1, c1), (2, c2), (3, c3)):
            for w in sorted(s):
                f.write("%s\t%d\n" % (w, cls))
    return len(c1) + len(c2) + len(c3)


def ngram_counts(labels):
    """Trigram counts over ^^label$ for the given (unique) labels."""
    c = {}
    for lab in labels:
        s = "^^" + lab + "$"
        for i in range(len(s) - 2):
            g = s[i:i + 3]
            c[g] = c.get(g, 0) + 1
    return c


_WORD_NGRAMS = None


def _word_ngrams():
    """Trigram counts of the dictionary words in NGRAM_WORD_LISTS (benign
    text that is not a domain list: it teaches the character model real
    words and their spelling, including for names absent from our lists)."""
    global _WORD_NGRAMS
    if _WORD_NGRAMS is None:
        words = set()
        for name in NGRAM_WORD_LISTS:
            with open("/usr/share/dict/" + name, encoding="utf-8") as f:
                for w in f:
                    w = _ascii_fold(w.strip())
                    if 3 <= len(w) <= 24 and w.isalpha() and w.islower():
                        words.add(w)
        _WORD_NGRAMS = ngram_counts(sorted(words))
    return _WORD_NGRAMS


def write_ngram(path, parts):
    """dga_ngram.txt from split parts (label, tld, regdomain) of benign names,
    deduplicated by registrable domain; IDN (xn--) labels are skipped."""
    seen = {}
    for p in parts:
        if p is not None and p[2] not in seen:
            seen[p[2]] = p
    labels = [p[0] for p in seen.values() if not p[0].startswith("xn--")]
    tri = ngram_counts(labels)
    if NGRAM_DOMAIN_MULT != 1:
        tri = {g: c * NGRAM_DOMAIN_MULT for g, c in tri.items()}
    for g, c in _word_ngrams().items():
        tri[g] = tri.get(g, 0) + c
    tld = {}
    for p in seen.values():
        tld[p[1]] = tld.get(p[1], 0) + 1
    with open(path, "w") as f:
        f.write("# spanhound benign character trigram + TLD counts; built by detect/train/train.py\n")
        f.write("# from %d distinct benign registrable domains\n" % len(seen))
        f.write("format spanhound-ngram 1\n")
        f.write("beta %g\n" % NGRAM_BETA)
        for g in sorted(tri):
            f.write("tri %s %d\n" % (g, tri[g]))
        for t in sorted(tld):
            f.write("tld %s %d\n" % (t, tld[t]))


# Wildcard-IP DNS services: any name under them resolves to the address it
# spells (203-0-113-9.sslip.io -> 203.0.113.9).  Popular, but a lookup of
# one proves nothing about the address: a bot asks once and its C2 address
# is "bound to a popular name".  Never shipped as popular.
WILDCARD_IP_DNS = frozenset(("sslip.io", "nip.io", "xip.io", "traefik.me", "lvh.me",
                             "localtest.me", "nip.direct", "ip.addr.tools"))


def write_popular(path, regdomains):
    with open(path, "w") as f:
        f.write("# spanhound popularity list: registrable domains (eTLD+1), one per line\n")
        f.write("# built by detect/train/train.py from Tranco and Cisco Umbrella (see README.md)\n")
        for r in sorted(set(regdomains) - WILDCARD_IP_DNS):
            f.write(r + "\n")


def write_model(path, cols, model, thr, note=""):
    """dga_model.txt: boosted trees in the format dga.c loads (see README)."""
    base, trees = model
    with open(path, "w") as f:
        f.write("# spanhound DGA scorer: gradient-boosted trees; built by detect/train/train.py\n")
        f.write("# score = 1/(1+exp(-(base + sum of one leaf per tree))); split: x < thr -> left\n")
        for line in note.splitlines():
            f.write("# " + line + "\n")
        f.write("format spanhound-dga 2\n")
        f.write("threshold %.6f\n" % thr)
        f.write("base %.17g\n" % base)
        f.write("trees %d\n" % len(trees))
        for t in trees:
            f.write("tree %d\n" % len(t))
            for nd in t:
                if nd[0] == "leaf":
                    f.write("l %.17g\n" % nd[1])
                else:
                    f.write("s %s %.17g %d %d\n" % (cols[nd[1]], nd[2], nd[3], nd[4]))


# -------------------------------------------------------------- features

def features(names, ngram, words, model=None, popular=None):
    """Run dga_tool features.  Returns (names_of_columns, X, score, dga, pop,
    ok) with X a float array (rows of unscorable names are zero, ok False)."""
    cmd = [TOOL, "features", ngram, words]
    if model:
        cmd.append(model)
        if popular:
            cmd.append(popular)
    r = subprocess.run(cmd, input="\n".join(names) + "\n", capture_output=True,
                       text=True, check=True)
    lines = r.stdout.splitlines()
    cols = lines[0].split("\t")[1:]
    nf = len(cols) - 3
    X = np.zeros((len(names), nf))
    extra = np.zeros((len(names), 3))
    ok = np.zeros(len(names), dtype=bool)
    for i, line in enumerate(lines[1:]):
        if line == "-":
            continue
        v = line.split("\t")[1:]
        X[i] = [float(t) for t in v[:nf]]
        extra[i] = [float(t) for t in v[nf:]]
        ok[i] = True
    assert len(lines) - 1 == len(names)
    return cols[:nf], X, extra[:, 0], extra[:, 1].astype(int), extra[:, 2].astype(int), ok


class Workdir:
    def __init__(self):
        self.t = tempfile.TemporaryDirectory(prefix="sh-dga-")
        self.n = 0

    def path(self, name):
        self.n += 1
        return os.path.join(self.t.name, "%d-%s" % (self.n, name))


def crossfit_features(wd, names, parts, words, pos_names, k=KFOLD, salt="inner"):
    """Cross-fitted features.  Benign rows (names/parts) are split into k
    folds by a hash of their registrable domain; fold j's rows get features
    from n-gram/TLD tables built on the other folds.  The positive rows
    (pos_names) are spread over the same k tables by a hash of the name.

    Both classes MUST see the same family of tables: a table built on 80 %
    of the data gives slightly different values (e.g. the TLD log-frequency
    of .com) than one built on 100 %, and boosted trees would happily learn
    "which table computed this row" instead of "is this name random".
    Returns (cols, Xb, okb, Xp, okp)."""
    folds = np.array([fold_of(p[2], k, salt) if p else -1 for p in parts])
    pfold = np.array([fold_of(n, k, salt + "-pos") for n in pos_names])
    Xb = Xp = None
    okb = np.zeros(len(names), dtype=bool)
    okp = np.zeros(len(pos_names), dtype=bool)
    for j in range(k):
        train = [p for p, f in zip(parts, folds) if p is not None and f != j]
        ng = wd.path("ngram.txt")
        write_ngram(ng, train)
        ib = np.where(folds == j)[0]
        ip = np.where(pfold == j)[0]
        rows = [names[i] for i in ib] + [pos_names[i] for i in ip]
        cols, Xj, _, _, _, okj = features(rows, ng, words)
        if Xb is None:
            Xb = np.zeros((len(names), Xj.shape[1]))
            Xp = np.zeros((len(pos_names), Xj.shape[1]))
        Xb[ib], okb[ib] = Xj[:len(ib)], okj[:len(ib)]
        Xp[ip], okp[ip] = Xj[len(ib):], okj[len(ib):]
    return cols, Xb, okb, Xp, okp


# ------------------------------------------------------------------- GBM

# Gradient-boosted regression trees on the logistic loss (Friedman 2001,
# with the second-order leaf values of XGBoost, Chen & Guestrin 2016).
# Candidate split points are the quantiles of each feature (NBINS - 1 of
# them); a split sends x < edge to the left child, as dga.c does.
GBM_ROUNDS = 200
GBM_DEPTH = 2
GBM_LR = 0.1
GBM_LAMBDA = 1.0
NBINS = 32


def _edges(X):
    e = []
    for j in range(X.shape[1]):
        q = np.unique(np.quantile(X[:, j], np.linspace(0, 1, NBINS + 1)[1:-1]))
        e.append(q)
    return e


def _binize(X, edges):
    return np.stack([np.searchsorted(e, X[:, j], side="right") for j, e in enumerate(edges)],
                    1).astype(np.int64)


def _tree(B, edges, g, h, depth):
    nf = B.shape[1]
    off = np.arange(nf) * (NBINS + 1)
    nodes = []

    def leaf(G, H):
        nodes.append(("leaf", -G / (H + GBM_LAMBDA)))
        return len(nodes) - 1

    def rec(idx, d):
        G, H = g[idx].sum(), h[idx].sum()
        if d == depth or len(idx) < 8:
            return leaf(G, H)
        flat = (B[idx] + off).ravel()
        gb = np.bincount(flat, weights=np.repeat(g[idx], nf), minlength=nf * (NBINS + 1))
        hb = np.bincount(flat, weights=np.repeat(h[idx], nf), minlength=nf * (NBINS + 1))
        gb = gb.reshape(nf, NBINS + 1)
        hb = hb.reshape(nf, NBINS + 1)
        GL = np.cumsum(gb, 1)[:, :-1]
        HL = np.cumsum(hb, 1)[:, :-1]
        GR, HR = G - GL, H - HL
        gain = GL ** 2 / (HL + GBM_LAMBDA) + GR ** 2 / (HR + GBM_LAMBDA) - G ** 2 / (H + GBM_LAMBDA)
        valid = (HL > 1e-6) & (HR > 1e-6)
        for j, e in enumerate(edges):          # a split must have an edge value
            valid[j, len(e):] = False
        gain[~valid] = -1.0
        j, k = np.unravel_index(np.argmax(gain), gain.shape)
        if gain[j, k] <= 1e-12:
            return leaf(G, H)
        me = len(nodes)
        nodes.append(None)
        m = B[idx, j] <= k                      # <=> x < edges[j][k]
        left = rec(idx[m], d + 1)
        right = rec(idx[~m], d + 1)
        nodes[me] = ("split", int(j), float(edges[j][k]), left, right)
        return me

    rec(np.arange(len(g)), 0)
    return nodes


def tree_predict(nodes, X):
    out = np.zeros(len(X))

    def rec(n, idx):
        nd = nodes[n]
        if nd[0] == "leaf":
            out[idx] = nd[1]
            return
        m = X[idx, nd[1]] < nd[2]
        rec(nd[3], idx[m])
        rec(nd[4], idx[~m])

    rec(0, np.arange(len(X)))
    return out


def fit_gbm(X, y, sw):
    """Returns (base, trees) with the learning rate folded into the leaves."""
    edges = _edges(X)
    B = _binize(X, edges)
    sw = sw / sw.sum() * len(sw)
    p0 = np.clip((sw * y).sum() / sw.sum(), 1e-6, 1 - 1e-6)
    base = float(np.log(p0 / (1 - p0)))
    F = np.full(len(y), base)
    trees = []
    for _ in range(GBM_ROUNDS):
        p = 1.0 / (1.0 + np.exp(-F))
        t = _tree(B, edges, sw * (p - y), sw * p * (1 - p), GBM_DEPTH)
        t = [(nd[0], nd[1] * GBM_LR) if nd[0] == "leaf" else nd for nd in t]
        F += tree_predict(t, X)
        trees.append(t)
    return base, trees


def gbm_score(model, X):
    base, trees = model
    F = np.full(len(X), base)
    for t in trees:
        F += tree_predict(t, X)
    return 1.0 / (1.0 + np.exp(-F))


def pick_threshold(scores_by_list, budget=FP_BUDGET, floor=0.5):
    """Lowest threshold (>= floor) whose FP rate on each list is within its
    budget.  Scores of unscorable names must already be dropped."""
    thr = floor
    for lst, s in scores_by_list.items():
        if lst not in budget or len(s) == 0:
            continue
        s = np.sort(s)[::-1]
        allowed = int(np.floor(budget[lst] * len(s)))
        # threshold just above the (allowed+1)-th highest score
        t = s[allowed] if allowed < len(s) else 0.0
        thr = max(thr, float(np.nextafter(t, 2.0)))
    # dga_model.txt keeps 6 decimals: round up so the file's cut is not lower
    return min(np.ceil(thr * 1e6) / 1e6, 0.999999)


# ------------------------------------------------------------- synthetic

def synthetic_dga(benign_tlds, n_per_class=400, seed=20240301):
    """Generic machine-generated names, one class per DGA construction in
    the DGArchive taxonomy (Plohmann et al., USENIX Security 2016):
    arithmetic/hash-based strings of uniform letters, letters+digits and
    hex.  They teach the model "random string" independently of any dev
    family (so leave-one-family-out stays honest).  TLDs are drawn from the
    benign TLD distribution so the TLD carries no signal in these rows.
    Returns dict class -> names."""
    rng = np.random.RandomState(seed)
    tl, tc = zip(*sorted(benign_tlds.items()))
    tp = np.array(tc, dtype=float)
    tp /= tp.sum()
    letters = "abcdefghijklmnopqrstuvwxyz"
    alnum = letters + "0123456789"
    hexd = "0123456789abcdef"

    def gen(alphabet, lo, hi):
        out = []
        for _ in range(n_per_class):
            n = rng.randint(lo, hi + 1)
            lab = "".join(alphabet[i] for i in rng.randint(0, len(alphabet), n))
            out.append(lab + "." + tl[rng.choice(len(tl), p=tp)])
        return out

    return {
        "syn-letters": gen(letters, 8, 20),
        "syn-alnum": gen(alnum, 8, 20),
        "syn-hex": gen(hexd, 8, 32),
    }


# -------------------------------------------------------------- pipeline

def class_weights(classes, benign_n):
    """Sample weights: benign rows share BENIGN_WEIGHT, positive rows share
    1, split equally between classes (so every family counts the same
    whatever its size)."""
    classes = np.asarray(classes)
    share = {c: (SYNTH_SHARE if c.startswith("syn-") else 1.0) for c in set(classes)}
    total = sum(share.values())
    w = np.zeros(len(classes) + benign_n)
    w[:benign_n] = BENIGN_WEIGHT / max(benign_n, 1)
    for c in set(classes):
        m = classes == c
        w[benign_n:][m] = share[c] / (m.sum() * total)
    return w


def fit_pipeline(wd, words, bnames, bparts, blists, pos_names, pos_class, log_prefix=""):
    """Fit everything from one training set.

    bnames/bparts/blists: benign training rows (one per registrable domain).
    pos_names/pos_class:  DGA training rows and their family/class.
    Returns dict(ngram=path, model=(base, trees), thr=threshold, cols=...).

    Steps: (1) n-gram/TLD table from all benign rows (shipped with the
    model); (2) benign and positive features cross-fitted, see
    crossfit_features; (3) threshold from out-of-fold scores of GBMs fitted
    without the benign fold; (4) final GBM on all rows."""
    ng = wd.path("ngram.txt")
    write_ngram(ng, bparts)
    cols, Xb, okb, Xp, okp = crossfit_features(wd, bnames, bparts, words, pos_names)
    pos_class = np.asarray(pos_class)
    Xp, pc = Xp[okp], pos_class[okp]
    blists = np.asarray(blists)
    Xb, bl = Xb[okb], blists[okb]
    idn = np.array([p[0].startswith("xn--") for p, o in zip(bparts, okb) if o])
    folds = np.array([fold_of(p[2], KFOLD, "thr") for p, o in zip(bparts, okb) if o])
    oof = np.zeros(len(Xb))
    for j in range(KFOLD):
        tr = folds != j
        X = np.vstack([Xb[tr], Xp])
        y = np.r_[np.zeros(tr.sum()), np.ones(len(Xp))]
        m = fit_gbm(X, y, class_weights(pc, tr.sum()))
        oof[~tr] = gbm_score(m, Xb[~tr])
    oof[idn] = 0.0                     # IDN labels are not scored (dga.c)
    thr = pick_threshold({l: oof[bl == l] for l in set(bl)})
    thr_loose = pick_threshold({l: oof[bl == l] for l in set(bl)}, LOOSE_BUDGET, floor=0.0)
    X = np.vstack([Xb, Xp])
    y = np.r_[np.zeros(len(Xb)), np.ones(len(Xp))]
    model = fit_gbm(X, y, class_weights(pc, len(Xb)))
    log("%sthreshold %.4f from %d benign / %d positive rows" % (log_prefix, thr, len(Xb), len(Xp)))
    return {"ngram": ng, "model": model, "thr": thr, "thr_loose": thr_loose, "cols": cols}


def unique_benign(benign, parts_by_list, exclude_fold=None, holdout=frozenset()):
    """One training row per registrable domain (first list wins), skipping
    rows whose outer fold is exclude_fold and registrable domains in
    holdout (see benign_holdout).  Returns names, parts, lists."""
    seen = set(holdout)
    names, parts, lists = [], [], []
    for lst in ("tranco", "umbrella", "opendns"):
        for n, p in zip(benign[lst], parts_by_list[lst]):
            if p is None or p[2] in seen:
                continue
            if exclude_fold is not None and fold_of(p[2]) == exclude_fold:
                continue
            seen.add(p[2])
            names.append(n)
            parts.append(p)
            lists.append(lst)
    return names, parts, lists


def tld_counts(parts):
    c = {}
    for p in parts:
        c[p[1]] = c.get(p[1], 0) + 1
    return c


def popular_regdomains(parts_by_list, exclude_fold=None, holdout=frozenset()):
    """Registrable domains of the two popularity lists (Tranco, Umbrella),
    without the benign holdout."""
    out = set()
    for lst in ("tranco", "umbrella"):
        for p in parts_by_list[lst]:
            if p is not None and (exclude_fold is None or fold_of(p[2]) != exclude_fold) \
                    and p[2] not in holdout:
                out.add(p[2])
    return out


# -------------------------------------------------------- benign holdout

# Benign names kept out of everything that ships: the n-gram/TLD table, the
# training rows, the threshold choice and popular.txt.  They are the
# "benign names outside training and outside shipped lists" on which host-
# level false positives are measured (lofo_hosts.py, evaluate.py).  Drawn
# from the long tail only: Tranco ranks above HOLDOUT_TRANCO_MIN_RANK whose
# registrable domain is in no Umbrella name, and OpenDNS names whose
# registrable domain is in neither popularity list; HOLDOUT_N distinct
# registrable domains of each, chosen by a salted SHA-256 of the registrable
# domain (no name is looked at), so the split is fixed and reproducible.
HOLDOUT_SALT = "spanhound-benign-holdout-1"
HOLDOUT_TRANCO_MIN_RANK = 50000
HOLDOUT_N = 1000


def _holdout_key(regdomain):
    return hashlib.sha256((HOLDOUT_SALT + ":" + regdomain).encode()).hexdigest()


def benign_holdout(benign, parts_by_list):
    """Returns (names: dict list -> held-out names in selection order,
    regdomains: frozenset of their registrable domains)."""
    rd = {lst: {p[2] for p in parts_by_list[lst] if p is not None} for lst in parts_by_list}
    ranks = RANKS["tranco"]
    cand = {
        "tranco": [(n, p) for n, p, r in zip(benign["tranco"], parts_by_list["tranco"], ranks)
                   if p is not None and r > HOLDOUT_TRANCO_MIN_RANK and p[2] not in rd["umbrella"]],
        "opendns": [(n, p) for n, p in zip(benign["opendns"], parts_by_list["opendns"])
                    if p is not None and p[2] not in rd["tranco"] and p[2] not in rd["umbrella"]],
    }
    names, taken = {}, set()
    for lst in ("tranco", "opendns"):
        first = {}
        for n, p in cand[lst]:
            if p[2] not in first and p[2] not in taken:
                first[p[2]] = n
        pick = sorted(first, key=_holdout_key)[:HOLDOUT_N]
        assert len(pick) == HOLDOUT_N, "not enough long-tail names for the holdout"
        taken.update(pick)
        names[lst] = [first[r] for r in pick]
    return names, frozenset(taken)


def score_with(wd, words, pipe, names, popular=None):
    """Score names with a fitted pipeline through dga_tool (C code)."""
    mp = wd.path("model.txt")
    write_model(mp, pipe["cols"], pipe["model"], pipe["thr"])
    pp = None
    if popular is not None:
        pp = wd.path("popular.txt")
        write_popular(pp, popular)
    _, _, score, dga, pop, ok = features(names, pipe["ngram"], words, mp, pp)
    return score, dga, pop, ok


# ------------------------------------------------------------- training

def build_data_files(out, words, benign, dga, parts, held, exclude=None, wd=None):
    """Train on the dev lists and write the four data files into out.

    words: a words.txt already built (copied into out unless it is there);
    held: registrable domains of the benign holdout (kept out of training
    and popular.txt); exclude: a DGA family left out of training (None for
    the shipped model).  Same inputs, same bytes.  Returns the pipeline."""
    wd = wd or Workdir()
    os.makedirs(out, exist_ok=True)
    dst = os.path.join(out, "words.txt")
    if os.path.abspath(words) != os.path.abspath(dst):
        shutil.copyfile(words, dst)
    bnames, bparts, blists = unique_benign(benign, parts, holdout=held)
    syn = synthetic_dga(tld_counts(bparts))
    pos, pcls = [], []
    fams = [f for f in sorted(dga) if f != exclude]
    for fam in fams:
        pos += dga[fam]
        pcls += [fam] * len(dga[fam])
    for cls in sorted(syn):
        pos += syn[cls]
        pcls += [cls] * len(syn[cls])
    pipe = fit_pipeline(wd, dst, bnames, bparts, blists, pos, pcls,
                        "%s: " % ("without " + exclude if exclude else "all families"))
    shutil.copyfile(pipe["ngram"], os.path.join(out, "dga_ngram.txt"))
    note = ("trained on %d benign registrable domains (Tranco, Umbrella, OpenDNS dev lists,\n"
            "without the %d-domain long-tail holdout of dgatrain.benign_holdout),\n"
            "%d DGA names of %d families%s and %d synthetic random names; threshold chosen on\n"
            "out-of-fold benign scores for <= %.2f%% Tranco and <= %.2f%% OpenDNS false positives\n"
            "(a looser cut for host-level aggregation, ~%.0f%% out-of-fold FP: score >= %.4f)"
            % (len(bnames), len(held), sum(len(dga[f]) for f in fams), len(fams),
               " (left out: %s)" % exclude if exclude else "",
               sum(len(v) for v in syn.values()), 100 * FP_BUDGET["tranco"],
               100 * FP_BUDGET["opendns"], 100 * LOOSE_BUDGET["tranco"], pipe["thr_loose"]))
    write_model(os.path.join(out, "dga_model.txt"), pipe["cols"], pipe["model"], pipe["thr"], note)
    pipe["popular"] = popular_regdomains(parts, holdout=held)
    write_popular(os.path.join(out, "popular.txt"), pipe["popular"])
    return pipe
