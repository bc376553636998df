#!/usr/bin/python3
"""lofo_hosts.py - host-level DGA detection measured leave-one-family-out,
and host-level false positives on benign names nothing was trained on.

    nice -n 10 /usr/bin/python3 detect/train/lofo_hosts.py build/spanhound \\
        [--dev DIR] [--models DIR] [--jobs N] [--names 10,20,30] [--hosts 30] \\
        [--runs FILE]

For every dev DGA family F (sorted):
  1. the per-name model is retrained without F by the shipped procedure
     (dgatrain.build_data_files: same features, trees, hyper-parameters and
     threshold rule; nothing is chosen on F) and without the benign holdout,
     into its own data directory;
  2. the host scenarios of eval_hosts.py are built for F (one infected host
     walking the first N distinct names of F's list, in list order, all
     NXDOMAIN through an internal resolver that relays them upstream 1 ms
     later, next to two benign hosts; and the same with the last name
     resolving) and the given spanhound binary is run on each with a config
     whose detect.data_dir is that directory.
A family is flagged at N when the infected host's last verdict is
'infected'.  Benign hosts and the resolver flagged in those captures are
counted separately.

False positives: the same scenarios with the walking host failing benign
names instead, under the model trained on all 18 families (the shipped
procedure, = what train.py writes), --hosts disjoint bursts per size from:
  * the Tranco long tail of the benign holdout (dgatrain.benign_holdout),
  * the OpenDNS long-tail sample of the holdout,
  * names built from Debian's word list (wordlist_names below).
None of these registrable domains is in any training list or popular.txt.

Everything is deterministic (fixed seeds, sorted lists, hash-chosen
holdout); the per-run details go to --runs (TSV).  Trained models are kept
in --models and reused on a rerun when their inputs are unchanged (a
stamp of the training code, the C feature code and the data), so
re-measuring a new spanhound binary costs only the scenarios.
Prints Markdown tables on stdout; progress on stderr.
"""
import argparse
import datetime
import hashlib
import multiprocessing as mp
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import dgatrain as T  # noqa: E402
import eval_hosts as E  # noqa: E402

WORDLIST = "/usr/share/dict/american-english"
WORDLIST_SEED = 20261207
STAMP_FILES = ["detect/train/dgatrain.py", "detect/train/dga_tool.c",
               "detect/dga.c", "detect/dga.h", "detect/domain.c", "detect/domain.h"]
SOURCES = [("tranco", "Tranco long tail (held out, ranks > 50k)"),
           ("opendns", "OpenDNS long-tail sample (held out)"),
           ("words", "word-list names (/usr/share/dict, generated)")]

G = {}


def setup(dev):
    benign, dga = T.load_dev(dev)
    parts = {lst: T.split_names(names) for lst, names in benign.items()}
    held_names, held = T.benign_holdout(benign, parts)
    G.update(benign=benign, dga=dga, parts=parts, held_names=held_names, held=held)


def stamp(dev):
    """Hash of everything a trained model depends on."""
    h = hashlib.sha256()
    paths = [os.path.join(T.REPO, p) for p in STAMP_FILES]
    paths += [os.path.join(dev, "benign_domains", f) for f in sorted(os.listdir(os.path.join(dev, "benign_domains")))]
    paths += [os.path.join(dev, "dga", f) for f in sorted(os.listdir(os.path.join(dev, "dga")))]
    paths += ["/usr/share/dict/" + f for f in ("american-english-small", "american-english",
                                                "british-english", "american-english-large")]
    paths.append("/usr/share/publicsuffix/public_suffix_list.dat")
    for p in paths:
        h.update(os.path.basename(p).encode() + b"\0")
        with open(p, "rb") as f:
            h.update(hashlib.sha256(f.read()).digest())
    return h.hexdigest()


def train_one(job):
    """Train one model (key = family left out, or 'all') into models/key."""
    key, models, words, st = job
    out = os.path.join(models, key)
    mark = os.path.join(out, "STAMP")
    if os.path.exists(mark) and open(mark).read().strip() == st:
        return key, "reused"
    if os.path.exists(out):
        shutil.rmtree(out)
    t0 = time.time()
    T.build_data_files(out, words, G["benign"], G["dga"], G["parts"], G["held"],
                       exclude=None if key == "all" else key)
    with open(mark, "w") as f:
        f.write(st + "\n")
    return key, "trained in %.0f s" % (time.time() - t0)


def name_recall(models, key, names):
    d = os.path.join(models, key)
    f = [os.path.join(d, n) for n in ("dga_ngram.txt", "words.txt", "dga_model.txt", "popular.txt")]
    _, _, _, dga, _, _ = T.features(names, *f)
    return int(dga.sum()), len(names)


def distinct(names):
    out, seen = [], set()
    for n in names:
        n = n.strip().lower()
        if n and n not in seen:
            seen.add(n)
            out.append(n)
    return out


def wordlist_names(n, benign_regdomains, parts_of, seed=WORDLIST_SEED):
    """Benign-looking names that exist in no list: built from the lowercase
    alphabetic 3-9 letter words of Debian's wamerican list: 20 % one word
    (5-9 letters), 65 % two words glued, 15 % two words joined by '-';
    TLD drawn from fixed shares (com 60 %, net 10 %, org 10 %, de, uk, info,
    io, fr 4 % each).  Names whose registrable domain is in any dev benign
    list are dropped, as are repeats.  Seeded: the same names every run."""
    with open(WORDLIST, encoding="utf-8") as f:
        words = sorted({w.strip() for w in f if w.strip().isascii() and w.strip().isalpha()
                        and w.strip().islower() and 3 <= len(w.strip()) <= 9})
    long_words = [w for w in words if len(w) >= 5]
    tlds = ["com", "net", "org", "de", "uk", "info", "io", "fr"]
    tw = [60, 10, 10, 4, 4, 4, 4, 4]
    rng = random.Random(seed)
    cand = []
    while len(cand) < 2 * n:
        r = rng.random()
        if r < 0.20:
            lab = rng.choice(long_words)
        elif r < 0.85:
            lab = rng.choice(words) + rng.choice(words)
        else:
            lab = rng.choice(words) + "-" + rng.choice(words)
        cand.append(lab + "." + rng.choices(tlds, tw)[0])
    out, seen = [], set()
    for name, p in zip(cand, parts_of(cand)):
        if p is None or p[2] in benign_regdomains or p[2] in seen:
            continue
        seen.add(p[2])
        out.append(name)
        if len(out) == n:
            break
    assert len(out) == n
    return out


def run_one(spec):
    """Build one capture and run spanhound on it.  spec: (kind, key, size,
    resolve, index, names, model key, spanhound, models dir, temp dir).
    Returns (kind, key, size, resolve, index, flagged at the end, flagged
    ever, evidence kinds of the walking host, its score, other hosts
    flagged)."""
    kind, key, size, resolve, idx, names, model, spanhound, models, tmp = spec
    pcap = os.path.join(tmp, "%s-%s-%d-%d-%d.pcap" % (kind, key, size, resolve, idx))
    E.build(pcap, names, resolve, 5.0)
    conf = os.path.join(models, model, "spanhound.conf")
    state, ever = E.host_states(spanhound, pcap, conf)
    os.unlink(pcap)
    inf = state.get(E.INFECTED, ("none", [], 0.0))
    others = sorted(ip for ip, v in state.items() if v[0] == "infected" and ip != E.INFECTED)
    return (kind, key, size, int(resolve), idx, inf[0] == "infected", E.INFECTED in ever,
            ",".join(inf[1]), inf[2], ",".join(others))


def write_conf(models, key):
    d = os.path.abspath(os.path.join(models, key))
    with open(os.path.join(d, "spanhound.conf"), "w") as f:
        f.write("# written by detect/train/lofo_hosts.py\ndetect: {\n  data_dir = \"%s\";\n};\n" % d)


def git_describe():
    try:
        h = subprocess.run(["git", "-C", T.REPO, "rev-parse", "--short=12", "HEAD"],
                           capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", T.REPO, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True).stdout.strip()
        return h + (" + uncommitted changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("spanhound", help="the spanhound binary to measure")
    ap.add_argument("--dev", default=T.DEFAULT_DEV)
    ap.add_argument("--models", help="keep trained models here and reuse them (default: temporary)")
    ap.add_argument("--jobs", type=int, default=1, help="processes (default 1)")
    ap.add_argument("--names", default="10,20,30")
    ap.add_argument("--hosts", type=int, default=30, help="benign bursts per size and source")
    ap.add_argument("--families", help="comma-separated subset (default: all dev families)")
    ap.add_argument("--runs", help="write one TSV line per capture here")
    a = ap.parse_args()
    t0 = time.time()
    spanhound = os.path.abspath(a.spanhound)
    version = subprocess.run([spanhound, "--version"], capture_output=True, text=True,
                             check=True).stdout.strip()
    counts = [int(x) for x in a.names.split(",")]
    T.build_tools()
    setup(a.dev)
    fams = sorted(G["dga"])
    if a.families:
        fams = [f for f in fams if f in a.families.split(",")]
    tmp = tempfile.TemporaryDirectory(prefix="sh-lofo-")
    models = os.path.abspath(a.models) if a.models else os.path.join(tmp.name, "models")
    os.makedirs(models, exist_ok=True)
    words = os.path.join(models, "words.txt")
    T.build_words(words)
    st = stamp(a.dev)

    # 1. models: one per left-out family, and the all-family one
    keys = fams + ["all"]
    jobs = [(k, models, words, st) for k in keys]
    with mp.Pool(a.jobs, initializer=setup, initargs=(a.dev,)) as pool:
        for key, how in pool.imap(train_one, jobs):
            T.log("model %s: %s" % (key, how))
    for k in keys:
        write_conf(models, k)
    t_train = time.time() - t0

    # 2. captures
    specs = []
    for fam in fams:
        names = distinct(G["dga"][fam])
        for c in counts:
            for res in (False, True):
                if len(names) >= c:
                    specs.append(("dga", fam, c, res, 0, names[:c], fam))
    all_rd = {p[2] for lst in G["parts"].values() for p in lst if p is not None}
    pools = dict(G["held_names"])
    pools["words"] = wordlist_names(T.HOLDOUT_N, all_rd, T.split_names)
    for src, _ in SOURCES:
        pool_names = pools[src]
        for c in counts:
            for res in (False, True):
                for k in range(a.hosts):
                    sub = pool_names[k * c:(k + 1) * c]
                    if len(sub) == c:
                        specs.append(("benign", src, c, res, k, sub, "all"))
    full = [s + (spanhound, models, tmp.name) for s in specs]
    T.log("%d captures to run" % len(full))
    with mp.Pool(a.jobs) as pool:
        res = pool.map(run_one, full, chunksize=4)
    t_all = time.time() - t0

    if a.runs:
        with open(a.runs, "w") as f:
            f.write("kind\tkey\tnames\tlast_resolves\tindex\tflagged_at_end\tflagged_ever\t"
                    "evidence_kinds\tscore\tother_hosts_flagged\n")
            for r in res:
                f.write("\t".join(str(x) for x in r) + "\n")

    # 3. tables
    by = {(r[0], r[1], r[2], r[3], r[4]): r for r in res}
    recall = {f: name_recall(models, f, distinct(G["dga"][f])) for f in fams}
    cols = [(c, 0) for c in counts] + [(c, 1) for c in counts]
    hdr = ["%d names" % c for c in counts] + ["%d, last resolves" % c for c in counts]
    print("Measured with `%s` (%s), repository at %s, %s; %d captures, %.0f s in all "
          "(models %.0f s)." % (a.spanhound, version, git_describe(),
                                datetime.date.today().isoformat(), len(res), t_all, t_train))
    print()
    print("| family (distinct names) | per-name recall, LOFO model | " + " | ".join(hdr) + " |")
    print("|---|---:|" + "---|" * len(hdr))
    tot = {c: [0, 0] for c in cols}
    other = [0, 0]
    for fam in fams:
        n = len(distinct(G["dga"][fam]))
        cells = []
        for c in cols:
            r = by.get(("dga", fam, c[0], c[1], 0))
            if r is None:
                cells.append("(%d only)" % n)
                continue
            tot[c][1] += 1
            tot[c][0] += r[5]
            other[0] += bool(r[9])
            other[1] += 1
            cells.append("flagged" if r[5] else "**missed**")
        hit, nn = recall[fam]
        print("| %s (%d) | %.1f%% | %s |" % (fam, n, 100.0 * hit / nn, " | ".join(cells)))
    mean_recall = sum(h / n for h, n in recall.values()) / len(recall)
    print("| **families flagged** | **%.1f%%** (mean) | %s |" % (
        100 * mean_recall, " | ".join("**%d/%d**" % tuple(tot[c]) for c in cols)))
    print()
    print("Other hosts (the two benign hosts, the resolver) flagged in these %d captures: %d."
          % (other[1], other[0]))
    print()
    print("| benign burst source (held out of training and popular.txt) | "
          + " | ".join(hdr) + " |")
    print("|---|" + "---:|" * len(hdr))
    fp_kinds = {}
    for src, title in SOURCES:
        cells = []
        for c in cols:
            rs = [r for r in res if r[0] == "benign" and r[1] == src and r[2] == c[0] and r[3] == c[1]]
            k = sum(r[5] for r in rs)
            for r in rs:
                if r[5]:
                    fp_kinds[r[7]] = fp_kinds.get(r[7], 0) + 1
            cells.append("%d/%d" % (k, len(rs)))
        print("| %s | %s |" % (title, " | ".join(cells)))
    print()
    if fp_kinds:
        print("Evidence carried by the flagged benign hosts: " +
              ", ".join("%s %d" % (k or "(none)", v) for k, v in sorted(fp_kinds.items())) + ".")
    else:
        print("No benign burst host was flagged.")
    tmp.cleanup()


if __name__ == "__main__":
    main()
