#!/usr/bin/python3
"""train.py - rebuild the DGA scorer's data files from scratch.

Usage (from anywhere; Debian's /usr/bin/python3 + python3-numpy):
    /usr/bin/python3 detect/train/train.py [--dev DIR] [--out DIR]

Inputs: the dev lists (default ../shared/data/dev next to the repo, or
$SPANHOUND_DEVDATA), Debian's word lists (wamerican-small, wamerican,
wbritish, wamerican-large) and public suffix list (publicsuffix).
Outputs in --out (default detect/data): words.txt, dga_ngram.txt,
popular.txt, dga_model.txt.  Deterministic: same inputs, same bytes.
Takes about half a minute.  The benign holdout (dgatrain.benign_holdout:
1,000 Tranco long-tail and 1,000 OpenDNS registrable domains) is kept out
of every output, for honest false-positive measurement.
"""
import argparse
import os
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
    os.makedirs(a.out, exist_ok=True)
    words = os.path.join(a.out, "words.txt")
    T.log("words.txt: %d words" % T.build_words(words))
    _, held = T.benign_holdout(benign, parts)
    T.log("benign holdout: %d registrable domains kept out of training and popular.txt" % len(held))
    pipe = T.build_data_files(a.out, words, benign, dga, parts, held)
    T.log("popular.txt: %d registrable domains" % len(pipe["popular"]))
    T.log("done in %.0f s; threshold %.4f (loose %.4f)" % (time.time() - t0, pipe["thr"], pipe["thr_loose"]))


if __name__ == "__main__":
    main()
