#!/usr/bin/python3
"""Rows of FoxIO's expected JA4 / JA4S / JA4X outputs, for pcaps/tls/foxio-*.

Reads FoxIO's own expected outputs in a checkout of FoxIO-LLC/ja4 (never
spanhound's): python/test/testdata/<capture>.json (fields "JA4.1", "JA4S",
"JA4X.1" = the first, i.e. leaf, certificate of the stream) and, as a
cross-check and where the Python output has no value, the Rust
implementation's snapshot rust/ja4/src/snapshots/ja4__insta@<capture>.snap
("ja4", "ja4s", tls_certs[0].x509[0].ja4x).  QUIC connections (a JA4 or
JA4S starting with 'q') are left out: these files are for TLS over TCP.

Usage: foxio_extract.py FOXIO_CHECKOUT CAPTURE... > rows
Prints two blocks of tab-separated rows:
  ja4  capture src sport dst dport ja4 source
  ja4sx capture src sport dst dport ja4s ja4x source     ('-' = FoxIO gives none)
where capture is "foxio-<CAPTURE>".  Used once to write
pcaps/tls/foxio-ja4-expected.txt and pcaps/tls/foxio-ja4s-ja4x-expected.txt;
kept to show where every value comes from.  Needs PyYAML.
"""
import json
import os
import sys

import yaml


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    repo = sys.argv[1]
    for cap in sys.argv[2:]:
        with open(os.path.join(repo, "python/test/testdata", cap + ".json")) as f:
            py = json.load(f)
        with open(os.path.join(repo, "rust/ja4/src/snapshots", "ja4__insta@%s.snap" % cap)) as f:
            rs = yaml.safe_load(f.read().split("---", 2)[2]) or []
        rk = {}
        for e in rs:
            k = (str(e.get("src")), str(e.get("src_port")), str(e.get("dst")), str(e.get("dst_port")))
            x = None
            certs = e.get("tls_certs") or []
            if certs and certs[0].get("x509"):
                x = certs[0]["x509"][0].get("ja4x")
            rk[k] = (e.get("ja4"), e.get("ja4s"), x)
        pyfile = "python/test/testdata/%s.json" % cap
        for e in py:
            k = (e["src"], e["srcport"], e["dst"], e["dstport"])
            p = (e.get("JA4.1"), e.get("JA4S"), e.get("JA4X.1"))
            r = rk.get(k, (None, None, None))
            if any(v and v.startswith("q") for v in p + r):
                continue
            vals, src = [], []
            for name, a, b in zip(("JA4", "JA4S", "JA4X"), p, r):
                s = []
                if a and b and a != b:
                    s.append("%s: python %s, rust %s" % (name, a, b))
                if a:
                    vals.append(a)
                elif b:
                    vals.append(b)
                    s.append("%s from the rust snapshot (python output has none)" % name)
                else:
                    vals.append(None)
                src.append(s)

            def note(parts):
                s = [x for part in parts for x in part]
                return pyfile + ("; " + "; ".join(s) if s else "; rust snapshot agrees")
            row = ["foxio-" + cap] + list(k)
            if vals[0]:
                print("\t".join(["ja4"] + row + [vals[0], note(src[:1])]))
            if vals[1] or vals[2]:
                print("\t".join(["ja4sx"] + row + [vals[1] or "-", vals[2] or "-", note(src[1:])]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
