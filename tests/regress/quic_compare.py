#!/usr/bin/python3
"""Compare spanhound's QUIC records with what tests/gen/gen_quic.py built.

EXPECTED (pcaps/quic/gen-quic-expected.txt) lists, per client port of
gen-quic-versions.pcap next to it, the QUIC version (Suricata's hex text),
the SNI and the JA3 string of the ClientHello the generator wrote.  Each
row must match the `quic` record of that connection (version, sni,
ja3.string, and ja3.hash = md5 of the string), every `quic` record must
have a row (the generator's negative connections -- unknown version,
broken tag -- must yield none), and each record's ja4 must start with "q".

Usage: quic_compare.py [--spanhound BIN] EXPECTED
Prints "quic agreement: P passed, F failed"; exit status 0 when all agree.
"""
import argparse
import hashlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tshark_compare import HarnessError, run_spanhound  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spanhound", default="build/spanhound")
    ap.add_argument("expected")
    args = ap.parse_args()
    want = {}
    with open(args.expected, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                sport, ver, sni, ja3 = line.split("\t")
                want[int(sport)] = (ver, sni, ja3)
    pcap = os.path.join(os.path.dirname(os.path.abspath(args.expected)), "gen-quic-versions.pcap")
    try:
        events = run_spanhound(args.spanhound, pcap, None)
    except (HarnessError, OSError) as e:
        print("  FAIL  %s: %s" % (pcap, e))
        print("quic agreement: 0 passed, %d failed" % max(1, len(want)))
        return 1
    got = {}
    passed = failed = 0
    for e in events:
        if e.get("event_type") != "quic":
            continue
        if e["src_port"] in got:
            failed += 1
            print("  FAIL  port %d: more than one quic record" % e["src_port"])
        got[e["src_port"]] = e["quic"]
    for sport in sorted(set(want) | set(got)):
        q, w = got.get(sport), want.get(sport)
        if w is None:
            failed += 1
            print("  FAIL  port %d: a quic record the generator did not expect: %s" % (sport, q))
            continue
        if q is None:
            failed += 1
            print("  FAIL  port %d: no quic record" % sport)
            continue
        ver, sni, ja3 = w
        have = (q.get("version"), q.get("sni", ""), q.get("ja3", {}).get("string"),
                q.get("ja3", {}).get("hash"))
        exp = (ver, sni, ja3, hashlib.md5(ja3.encode()).hexdigest())
        if have != exp or not q.get("ja4", "").startswith("q"):
            failed += 1
            print("  FAIL  port %d: got %s ja4 %s, want %s" % (sport, have, q.get("ja4"), exp))
        else:
            passed += 1
    print("quic agreement: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
