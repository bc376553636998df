#!/usr/bin/python3
"""Compare spanhound's tls.ja4s / tls.ja4x with FoxIO's expected outputs.

EXPECTED is a tab-separated file (pcaps/tls/foxio-ja4s-ja4x-expected.txt):
  capture  src  sport  dst  dport  ja4s  ja4x  note
with captures named relative to the file's directory and '-' where FoxIO
gives no value.  Every capture it names is replayed with
`spanhound -c CONF -r FILE --eve -`, CONF setting eve.extended (JA4S and
JA4X are not in Suricata's tls object).  For each row, the one `tls` record
of that connection (client -> server) must carry exactly the expected
ja4s and ja4x (absent for '-'); every `tls` record of those captures that
carries a ja4s or ja4x must have a row.  One result per value compared
(a row counts two: ja4s and ja4x).

Usage: ja4sx_compare.py [--spanhound BIN] EXPECTED
Prints "ja4s/ja4x agreement: P passed, F failed" and, on separate lines,
how many JA4S and JA4X values FoxIO gives and spanhound matched;
exit status 0 when all agree.
"""
import argparse
import collections
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ja4_compare import read_expected  # noqa: E402
from tshark_compare import HarnessError, run_spanhound  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spanhound", default="build/spanhound")
    ap.add_argument("expected")
    args = ap.parse_args()

    base = os.path.dirname(os.path.abspath(args.expected))
    try:
        rows = read_expected(args.expected, 7)
    except ValueError as e:
        print(e)
        print("ja4s/ja4x agreement: 0 passed, 1 failed")
        return 1
    for want in rows.values():
        for k, (ja4s, ja4x) in want.items():
            want[k] = (None if ja4s == "-" else ja4s, None if ja4x == "-" else ja4x)

    passed = failed = 0
    matched = {"ja4s": [0, 0], "ja4x": [0, 0]}   # [FoxIO values, spanhound equal]
    with tempfile.NamedTemporaryFile("w", suffix=".conf") as conf:
        conf.write("eve: { extended = true; };\n")
        conf.flush()
        for cap, want in rows.items():
            try:
                events = run_spanhound(args.spanhound, os.path.join(base, cap), conf.name)
            except (HarnessError, OSError) as e:
                print("  FAIL  %s: %s" % (cap, e))
                failed += 2 * len(want)
                continue
            got = collections.defaultdict(list)
            for e in events:
                if e.get("event_type") != "tls":
                    continue
                t = e.get("tls", {})
                got[(e["src_ip"], e["src_port"], e["dest_ip"], e["dest_port"])].append(
                    (t.get("ja4s"), t.get("ja4x")))
            for key, exp in want.items():
                have = got.pop(key, [])
                for i, name in enumerate(("ja4s", "ja4x")):
                    if exp[i]:
                        matched[name][0] += 1
                    vals = [h[i] for h in have]
                    if len(have) == 1 and vals == [exp[i]]:
                        passed += 1
                        if exp[i]:
                            matched[name][1] += 1
                    else:
                        failed += 1
                        print("  FAIL  %s %s:%d -> %s:%d: %s expected %s, spanhound %s"
                              % ((cap,) + key + (name, exp[i] or "none",
                                                 vals or "no tls record")))
            for key, have in sorted(got.items()):
                for h in have:
                    if h[0] or h[1]:
                        failed += 1
                        print("  FAIL  %s %s:%d -> %s:%d: ja4s %s / ja4x %s not in the expected file"
                              % ((cap,) + key + h))
    for name in ("ja4s", "ja4x"):
        print("  %s: %d of FoxIO's %d values matched" % (name, matched[name][1], matched[name][0]))
    print("ja4s/ja4x agreement: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
