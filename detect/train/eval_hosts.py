#!/usr/bin/python3
"""Host-level DGA evaluation: is an infected host flagged, per family?

For every family list (one name per line) this builds a capture in which one
internal host looks up N names of the family (NXDOMAIN each, as when the C2
is down; with --resolve, the last one resolves), next to two benign hosts
browsing, all through an internal resolver that also forwards upstream; then
runs spanhound on it and reads the verdicts.  A family counts as detected
when the infected host, and no other host, ends flagged.

    /usr/bin/python3 detect/train/eval_hosts.py --dga-dir ../shared/data/dev/dga \
        [--names 10,20,30] [--resolve] [--spanhound build/spanhound] [--config FILE]

Names are taken in list order (the order a bot walks them), skipping names
already used, so each run is deterministic.  The lists are read at
evaluation time only; nothing from them is stored in the repository.

This measures the model in --config's data directory (by default the
shipped one), which was trained on every dev family: optimistic.  The
leave-one-family-out figures come from lofo_hosts.py.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "gen"))
from netgen import Net, ipv4_in  # noqa: E402

LAN = ipv4_in("10.40.")
RESOLVER, UPSTREAM = "10.40.0.53", "9.9.9.9"
INFECTED, BENIGN = "10.40.0.10", ["10.40.0.11", "10.40.0.12"]
POPULAR = [("www.wikipedia.org", "198.51.100.10"), ("github.com", "198.51.100.11"),
           ("d2x7kq9w1b3c5e.cloudfront.net", "198.51.100.12"),
           ("r4---sn-ab5l6nzr.googlevideo.com", "198.51.100.13")]


def resolve(net, t, client, name, answers, rcode):
    net.dns(t, RESOLVER, UPSTREAM, name, LAN, rcode=rcode, answers=answers, rtt=0.02)
    net.dns(t - 0.001, client, RESOLVER, name, LAN, rcode=rcode, answers=answers, rtt=0.025)


def build(path, names, resolve_last, gap):
    net = Net(1764590400.0)
    for i, ip in enumerate([INFECTED] + BENIGN):
        net.dhcp(0.2 * i, "10.40.0.1", ip, "EVAL-%d" % i, 0x5000 + i)
    t, k = 1.0, 0
    end = 10 + gap * (len(names) + 2)
    while t < end:
        c = BENIGN[k % 2] if k % 3 else INFECTED
        n, ip = POPULAR[k % len(POPULAR)]
        resolve(net, t, c, n, [("A", ip)], 0)
        t += 2.0
        k += 1
    t = 10.0
    for i, n in enumerate(names):
        last = resolve_last and i == len(names) - 1
        resolve(net, t, INFECTED, n, [("A", "203.0.113.9")] if last else [], 0 if last else 3)
        t += gap
    net.write(path)


def host_states(spanhound, pcap, config=None):
    """Last EVE host record of every host: ip -> (verdict, sorted evidence
    kinds, score), and the set of hosts ever flagged."""
    cmd = [spanhound, "-r", pcap, "--eve", "-"]
    if config:
        cmd += ["-c", config]
    out = subprocess.run(cmd, capture_output=True, check=True).stdout
    state, ever = {}, set()
    for line in out.decode().splitlines():
        e = json.loads(line)
        if e.get("event_type") == "host":
            h = e["host"]
            kinds = sorted({ev["kind"] for ev in h.get("evidence", [])})
            state[h["ip"]] = (h["verdict"], kinds, h.get("score", 0.0))
            if h["verdict"] == "infected":
                ever.add(h["ip"])
    return state, ever


def verdicts(spanhound, pcap, config=None):
    """Hosts whose last verdict is 'infected'."""
    state, _ = host_states(spanhound, pcap, config)
    return {ip for ip, v in state.items() if v[0] == "infected"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dga-dir", required=True)
    ap.add_argument("--names", default="10,20,30")
    ap.add_argument("--gap", type=float, default=5.0, help="seconds between lookups")
    ap.add_argument("--resolve", action="store_true")
    ap.add_argument("--spanhound", default="build/spanhound")
    ap.add_argument("--config", help="spanhound configuration file (-c), e.g. another detect.data_dir")
    ap.add_argument("--benign", action="append", default=[],
                    help="benign list (one name per line, or rank,name): hosts failing its "
                         "names in the same way must NOT be flagged; repeatable")
    a = ap.parse_args()
    counts = [int(x) for x in a.names.split(",")]
    fams = sorted(f[:-4] for f in os.listdir(a.dga_dir) if f.endswith(".txt"))
    print("| family | " + " | ".join("%d names" % c for c in counts) + " |")
    print("|---|" + "---|" * len(counts))
    totals = [0] * len(counts)
    runs = [0] * len(counts)
    fp = 0
    with tempfile.TemporaryDirectory() as tmp:
        for fam in fams:
            names, seen = [], set()
            for line in open(os.path.join(a.dga_dir, fam + ".txt")):
                n = line.strip().lower()
                if n and n not in seen:
                    seen.add(n)
                    names.append(n)
            row = []
            for ci, c in enumerate(counts):
                sub = names[:c]
                if len(sub) < c:
                    row.append("(%d only)" % len(sub))
                    continue
                pcap = os.path.join(tmp, "%s-%d.pcap" % (fam, c))
                build(pcap, sub, a.resolve, a.gap)
                got = verdicts(a.spanhound, pcap, a.config)
                hit = INFECTED in got
                fp += len(got - {INFECTED})
                totals[ci] += hit
                runs[ci] += 1
                row.append("flagged" if hit else "**missed**")
            print("| %s | %s |" % (fam, " | ".join(row)))
    print("| **detected** | " + " | ".join("%d/%d" % (t, n) for t, n in zip(totals, runs)) + " |")
    print("\nbenign hosts flagged in these captures: %d" % fp)
    # the same bursts made of benign names: every flag is a false positive
    for path in a.benign:
        pool = []
        for line in open(path):
            n = line.strip().split(",")[-1].lower()
            if n and n != "domain":
                pool.append(n)
        flagged = 0
        runs = 0
        with tempfile.TemporaryDirectory() as tmp:
            for c in counts:
                for k in range(10):             # 10 disjoint bursts per size
                    sub = pool[k * c * 3:(k * c * 3) + c]
                    if len(sub) < c:
                        break
                    pcap = os.path.join(tmp, "benign-%d-%d.pcap" % (c, k))
                    build(pcap, sub, a.resolve, a.gap)
                    runs += 1
                    flagged += INFECTED in verdicts(a.spanhound, pcap, a.config)
        print("benign bursts from %s (sizes %s, 10 each): %d of %d hosts flagged" %
              (os.path.basename(path), a.names, flagged, runs))


if __name__ == "__main__":
    main()
