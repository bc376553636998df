#!/usr/bin/python3
"""train.py - rebuild the DGA scorer's data files from scratch.

Usage (from anywhere; Debian's /usr/bin/python3 + python3-numpy):
    /usr/bin/python3 detect/train/train.py [--dev DIR] [--out DIR]

Inputs: the dev lists (default ../shared/data/dev next to the repo, or
$SPANHOUND_DEVDATA), Debian's word lists (wamerican-small, wamerican,
wbritish, wamerican-large) and public suffix list (publicsuffix).
Outputs in --out (default detect/data): words.txt, dga_ngram.txt,
popular.txt, dga_model.txt.  Deterministic: same inputs, same bytes.
Takes about half a minute.
"""
import argparse
import os
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dgatrain as T  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dev", default=T.DEFAULT_DEV)
    ap.add_argument("--out", default=os.path.join(T.REPO, "detect", "data"))
    a = ap.parse_args()
    t0 = time.time()
    T.build_tools()
    benign, dga = T.load_dev(a.dev)
    parts = {lst: T.split_names(names) for lst, names in benign.items()}
    wd = T.Workdir()
    os.makedirs(a.out, exist_ok=True)
    words = os.path.join(a.out, "words.txt")
    T.log("words.txt: %d words" % T.build_words(words))

    bnames, bparts, blists = T.unique_benign(benign, parts)
    syn = T.synthetic_dga(T.tld_counts(bparts))
    pos, pcls = [], []
    for fam, names in list(dga.items()) + list(syn.items()):
        pos += names
        pcls += [fam] * len(names)
    pipe = T.fit_pipeline(wd, words, bnames, bparts, blists, pos, pcls)

    shutil.copyfile(pipe["ngram"], os.path.join(a.out, "dga_ngram.txt"))
    note = ("trained on %d benign registrable domains (Tranco, Umbrella, OpenDNS dev lists),\n"
            "%d DGA names of %d families and %d synthetic random names; threshold chosen on\n"
            "out-of-fold benign scores for <= %.2f%% Tranco and <= %.2f%% OpenDNS false positives\n"
            "(a looser cut for host-level aggregation, ~%.0f%% out-of-fold FP: score >= %.4f)"
            % (len(bnames), sum(len(v) for v in dga.values()), len(dga),
               sum(len(v) for v in syn.values()), 100 * T.FP_BUDGET["tranco"],
               100 * T.FP_BUDGET["opendns"], 100 * T.LOOSE_BUDGET["tranco"], pipe["thr_loose"]))
    T.write_model(os.path.join(a.out, "dga_model.txt"), pipe["cols"], pipe["model"], pipe["thr"], note)
    pop = T.popular_regdomains(parts)
    T.write_popular(os.path.join(a.out, "popular.txt"), pop)
    T.log("popular.txt: %d registrable domains" % len(pop))
    T.log("done in %.0f s; threshold %.4f (loose %.4f)" % (time.time() - t0, pipe["thr"], pipe["thr_loose"]))


if __name__ == "__main__":
    main()
