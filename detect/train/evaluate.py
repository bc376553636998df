#!/usr/bin/python3
"""evaluate.py - honest accuracy of the DGA scorer, and nDPI 4.2's, as markdown.

Usage: /usr/bin/python3 detect/train/evaluate.py [--dev DIR] [--data DIR] [--jobs N]

Prints one markdown table (per-family recall, per-list false-positive rate)
with four columns:
  * ours, cross-validated: benign FP from 5-fold CV over registrable
    domains (the test fold is out of the n-gram/TLD tables, the popularity
    list, the tree fitting and the threshold choice); DGA recall from
    leave-one-family-out (the family is out of all discriminative training;
    the threshold is re-chosen without it).  These predict unseen data.
  * ours, shipped: the files in --data on the full dev lists.  Optimistic:
    the benign names are in its training set and popularity list, the
    families in its training set.
  * nDPI 4.2 ndpi_check_dga_name() on the same names.
A second table scores the benign holdout (dgatrain.benign_holdout: 1,000
Tranco long-tail and 1,000 OpenDNS registrable domains that no model here,
the shipped one included, is trained on and popular.txt leaves out) with the
shipped files: honest per-name false positives of what ships.  Every model
fitted here is trained without the holdout, like train.py's.
Runs the 23 model fits on --jobs processes (default 2); ~10 min on 2 cores.
"""
import argparse
import multiprocessing as mp
import os
import re
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dgatrain as T  # noqa: E402

G = {}


def setup(dev):
    benign, dga = T.load_dev(dev)
    parts = {lst: T.split_names(names) for lst, names in benign.items()}
    held_names, held = T.benign_holdout(benign, parts)
    wd = T.Workdir()
    words = wd.path("words.txt")
    T.build_words(words)
    G.update(benign=benign, dga=dga, parts=parts, words=words, wd=wd, held=held,
             held_names=held_names)


def positives(exclude=None):
    _, bparts, _ = T.unique_benign(G["benign"], G["parts"], holdout=G["held"])
    syn = T.synthetic_dga(T.tld_counts(bparts))
    pos, pcls = [], []
    for fam, names in list(G["dga"].items()) + list(syn.items()):
        if fam != exclude:
            pos += names
            pcls += [fam] * len(names)
    return pos, pcls


def cv_fold(k):
    """FP counts per list on outer fold k."""
    wd = T.Workdir()
    bn, bp, bl = T.unique_benign(G["benign"], G["parts"], exclude_fold=k, holdout=G["held"])
    pos, pcls = positives()
    pipe = T.fit_pipeline(wd, G["words"], bn, bp, bl, pos, pcls, "cv fold %d: " % k)
    pop = T.popular_regdomains(G["parts"], exclude_fold=k, holdout=G["held"])
    out = {}
    for lst, names in G["benign"].items():
        # test rows: every listed name whose registrable domain is in fold k;
        # unscorable names belong to the fold of their own text; the benign
        # holdout is measured on its own (holdout())
        idx = [i for i, p in enumerate(G["parts"][lst])
               if T.fold_of(p[2] if p else names[i]) == k and not (p and p[2] in G["held"])]
        test = [names[i] for i in idx]
        score, dga, popular, ok = T.score_with(wd, G["words"], pipe, test, pop)
        assert popular.sum() == 0, "test fold leaked into the popularity list"
        loose = int(((score >= pipe["thr_loose"]) & ok).sum())
        out[lst] = (int(dga.sum()), len(test), [t for t, d in zip(test, dga) if d], loose)
    return out


def lofo(fam):
    wd = T.Workdir()
    bn, bp, bl = T.unique_benign(G["benign"], G["parts"], holdout=G["held"])
    pos, pcls = positives(exclude=fam)
    pipe = T.fit_pipeline(wd, G["words"], bn, bp, bl, pos, pcls, "lofo %s: " % fam)
    score, dga, _, ok = T.score_with(wd, G["words"], pipe, G["dga"][fam])
    loose = int(((score >= pipe["thr_loose"]) & ok).sum())
    return fam, int(dga.sum()), len(G["dga"][fam]), loose


def shipped(datadir):
    f = [os.path.join(datadir, n) for n in ("dga_ngram.txt", "words.txt", "dga_model.txt", "popular.txt")]
    res = {}
    for key, names in list(G["benign"].items()) + list(G["dga"].items()):
        _, _, _, dga, _, _ = T.features(names, *f)
        res[key] = (int(dga.sum()), len(names))
    return res


def holdout(datadir):
    """The shipped files on the benign holdout (names kept out of training
    and popular.txt): FP at the model's threshold and at its loose cut."""
    f = [os.path.join(datadir, n) for n in ("dga_ngram.txt", "words.txt", "dga_model.txt", "popular.txt")]
    loose = None
    with open(f[2]) as fp:
        for line in fp:
            m = re.search(r"score >= ([0-9.]+)", line)
            if line.startswith("#") and m:
                loose = float(m.group(1))
    res = {}
    for lst, names in sorted(G["held_names"].items()):
        _, _, score, dga, pop, ok = T.features(names, *f)
        assert pop.sum() == 0, "holdout name in popular.txt"
        nl = int(((score >= loose) & ok).sum()) if loose is not None else -1
        res[lst] = (int(dga.sum()), nl, len(names))
    return res


def ndpi(extra=()):
    res = {}
    for key, names in list(G["benign"].items()) + list(G["dga"].items()) + list(extra):
        r = subprocess.run([T.NDPI], input="\n".join(names) + "\n", capture_output=True,
                           text=True, check=True)
        v = [int(x) for x in r.stdout.split()]
        assert len(v) == len(names)
        res[key] = (sum(v), len(names))
    return res


def pct(a, n):
    return "%.1f%%" % (100.0 * a / n) if n else "-"


def pct2(a, n):
    return "%.2f%% (%d/%d)" % (100.0 * a / n, a, n) if n else "-"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dev", default=T.DEFAULT_DEV)
    ap.add_argument("--data", default=os.path.join(T.REPO, "detect", "data"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--fp-list", help="write the CV false positives to this file")
    a = ap.parse_args()
    t0 = time.time()
    T.build_tools()
    setup(a.dev)
    fams = sorted(G["dga"])
    with mp.Pool(a.jobs, initializer=setup, initargs=(a.dev,)) as pool:
        lo = pool.map_async(lofo, fams, chunksize=1)
        cv = pool.map_async(cv_fold, range(T.KFOLD), chunksize=1)
        lo, cv = lo.get(), cv.get()
    sh = shipped(a.data)
    ho = holdout(a.data)
    nd = ndpi([("held-" + k, v) for k, v in sorted(G["held_names"].items())])

    lists = [("tranco", "Tranco top-100k slice (registrable)"),
             ("umbrella", "Umbrella top-10k slice (FQDN)"),
             ("opendns", "OpenDNS random sample (long tail)")]
    print("| DGA family (names) | ours, leave-one-family-out | ours LOFO, loose threshold | ours, shipped (optimistic) | nDPI 4.2 |")
    print("|---|---:|---:|---:|---:|")
    rl, rL, rs, rn = [], [], [], []
    for fam, hit, n, loose in lo:
        rl.append(hit / n)
        rL.append(loose / n)
        rs.append(sh[fam][0] / n)
        rn.append(nd[fam][0] / n)
        print("| %s (%d) | %s | %s | %s | %s |" % (fam, n, pct(hit, n), pct(loose, n), pct(*sh[fam]),
                                                 pct(*nd[fam])))
    print("| **mean recall over %d families** | **%.1f%%** | **%.1f%%** | **%.1f%%** | **%.1f%%** |"
          % (len(fams), 100 * np.mean(rl), 100 * np.mean(rL), 100 * np.mean(rs), 100 * np.mean(rn)))
    print()
    print("| benign list | ours, 5-fold CV FP | ours CV, loose threshold | ours, shipped FP (optimistic) | nDPI 4.2 FP |")
    print("|---|---:|---:|---:|---:|")
    fps = []
    for lst, title in lists:
        fp = sum(cv[k][lst][0] for k in range(T.KFOLD))
        n = sum(cv[k][lst][1] for k in range(T.KFOLD))
        fl = sum(cv[k][lst][3] for k in range(T.KFOLD))
        fps += [x for k in range(T.KFOLD) for x in cv[k][lst][2]]
        print("| %s | %s | %s | %s | %s |" % (title, pct2(fp, n), pct2(fl, n), pct2(*sh[lst]), pct2(*nd[lst])))
    print()
    print("| benign holdout (never trained on, not in popular.txt) | ours, shipped files | ours, shipped, loose cut | nDPI 4.2 FP |")
    print("|---|---:|---:|---:|")
    for lst, title in (("tranco", "Tranco long tail, ranks > 50k"), ("opendns", "OpenDNS long-tail sample")):
        fp, fl, n = ho[lst]
        print("| %s | %s | %s | %s |" % (title, pct2(fp, n), pct2(fl, n), pct2(*nd["held-" + lst])))
    print()
    print("Shipped threshold: chosen on out-of-fold training scores for <= %.2f%% Tranco and <= %.2f%% "
          "OpenDNS FP. Loose threshold (evaluation only): <= %.1f%% on both, near nDPI's FP rate."
          % (100 * T.FP_BUDGET["tranco"], 100 * T.FP_BUDGET["opendns"], 100 * T.LOOSE_BUDGET["tranco"]))
    print("CV folds: %d; evaluation took %.0f s" % (T.KFOLD, time.time() - t0))
    if a.fp_list:
        with open(a.fp_list, "w") as f:
            f.write("\n".join(fps) + "\n")


if __name__ == "__main__":
    main()
