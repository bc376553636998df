#!/usr/bin/python3
"""Compare spanhound's tls.ja4 and quic.ja4 with FoxIO's expected JA4 outputs.

EXPECTED is a tab-separated file (pcaps/tls/foxio-ja4-expected.txt):
  capture  src  sport  dst  dport  ja4  note
with captures named relative to the file's directory.  Every capture it
names is replayed with `spanhound -r FILE --eve -`; each expected row must
match the ja4 of the one `tls` or `quic` record of that connection
(client -> server; QUIC fingerprints start with "q"), and every such record
of those captures that carries a ja4 must have a row (a ClientHello FoxIO did not list, or listed differently, is a
failure), and so must every foxio-*.pcap/.pcapng next to EXPECTED.  One
result per ClientHello.

Usage: ja4_compare.py [--spanhound BIN] EXPECTED
Prints "ja4 agreement: P passed, F failed"; exit status 0 when all agree.
"""
import argparse
import collections
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tshark_compare import HarnessError, run_spanhound  # noqa: E402


def read_expected(path, ncols):
    """{capture: {(src, sport, dst, dport): [value columns]}} from a FoxIO
    expected-output file (tab-separated, '#' comments); ValueError naming
    the line when a row has fewer than ncols columns."""
    rows = collections.OrderedDict()
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) < ncols:
                raise ValueError("%s:%d: malformed row" % (path, n))
            cap, src, sport, dst, dport = fields[:5]
            rows.setdefault(cap, {})[(src, int(sport), dst, int(dport))] = fields[5:ncols]
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spanhound", default="build/spanhound")
    ap.add_argument("expected")
    args = ap.parse_args()

    base = os.path.dirname(os.path.abspath(args.expected))
    try:
        rows = read_expected(args.expected, 6)
    except ValueError as e:
        print(e)
        print("ja4 agreement: 0 passed, 1 failed")
        return 1
    for want in rows.values():
        for k in want:
            want[k] = want[k][0]

    passed = failed = 0
    # every foxio-* capture next to the file is listed
    for cap in sorted(os.listdir(base)):
        if cap.startswith("foxio-") and cap.endswith((".pcap", ".pcapng")) and cap not in rows:
            failed += 1
            print("  FAIL  %s has no row in %s" % (cap, args.expected))
    for cap, want in rows.items():
        try:
            events = run_spanhound(args.spanhound, os.path.join(base, cap), None)
        except (HarnessError, OSError) as e:
            print("  FAIL  %s: %s" % (cap, e))
            failed += len(want)
            continue
        got = collections.defaultdict(list)
        for e in events:
            t = e.get("event_type")
            if t in ("tls", "quic") and "ja4" in e.get(t, {}):
                got[(e["src_ip"], e["src_port"], e["dest_ip"], e["dest_port"])].append(
                    e[t]["ja4"])
        for key, ja4 in want.items():
            have = got.pop(key, [])
            if have == [ja4]:
                passed += 1
            else:
                failed += 1
                print("  FAIL  %s %s:%d -> %s:%d: expected %s, spanhound %s"
                      % ((cap,) + key + (ja4, have or "no ja4")))
        for key, have in sorted(got.items()):
            failed += len(have)
            print("  FAIL  %s %s:%d -> %s:%d: ja4 %s not in the expected file"
                  % ((cap,) + key + (have,)))
    print("ja4 agreement: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
