#!/usr/bin/python3
"""Compare spanhound's leaf-certificate fingerprints with openssl's.

For every capture given, tshark (tls.handshake.certificate; TCP streams
reassembled, out-of-order segments included) gives the DER of
the first certificate of the first Certificate message the server sends on
each TCP connection (the leaf); openssl computes its SHA-256 and SHA-1
fingerprints (`openssl x509 -inform DER -noout -fingerprint -sha256`).
spanhound, replayed with eve.extended, must report the same certificate on
that connection's `tls` record: tls.fingerprint_sha256 (lower hex, no ':')
and tls.fingerprint (SHA-1, "aa:bb:..").  A spanhound record with a
certificate tshark does not see is a failure too.  A leaf longer than
spanhound's TLS_CERT_MAX (8192 bytes, a documented limit: no certificate
fields) is skipped and counted so.

Usage: cert_compare.py [--spanhound BIN] [--quiet] CAPTURE...
Prints "certificate agreement: P passed, F failed, S skipped", one result
per certificate; exit status 0 when all agree.
"""
import argparse
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tshark_compare import HarnessError, run_spanhound  # noqa: E402

TLS_CERT_MAX = 8192


def tshark_leaves(pcap):
    """{(client ip, client port, server ip, server port): leaf DER}"""
    cmd = ["tshark", "-n", "-r", pcap, "-o", "tcp.desegment_tcp_streams:TRUE",
           "-o", "tcp.reassemble_out_of_order:TRUE",
           # certificates sent in clear over TCP: tshark also decrypts TLS 1.3
           # and QUIC handshakes with secrets embedded in a pcapng (DSB), which
           # a sensor never has
           "-Y", "tcp && tls.handshake.certificate && !tls.record.opaque_type",
           "-T", "fields",
           "-E", "separator=\t", "-e", "ip.src", "-e", "ipv6.src", "-e", "tcp.srcport",
           "-e", "ip.dst", "-e", "ipv6.dst", "-e", "tcp.dstport",
           "-e", "tls.handshake.certificate"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise HarnessError("tshark exited %d: %s" % (p.returncode, p.stderr.strip()[-200:]))
    out = {}
    for line in p.stdout.splitlines():
        f = line.split("\t")
        if len(f) < 7 or not f[6] or not f[2]:
            continue
        src, dst = f[0] or f[1], f[3] or f[4]
        key = (dst, int(f[5].split(",")[0]), src, int(f[2].split(",")[0]))
        if key not in out:
            # several Certificate messages in one frame: the first list's first
            out[key] = bytes.fromhex(f[6].split(",")[0].replace(":", ""))
    return out


def openssl_fp(der, alg):
    with tempfile.NamedTemporaryFile(suffix=".der") as t:
        t.write(der)
        t.flush()
        p = subprocess.run(["openssl", "x509", "-inform", "DER", "-noout", "-fingerprint",
                            "-" + alg, "-in", t.name], capture_output=True, text=True)
    if p.returncode != 0:
        return None
    # "sha256 Fingerprint=AB:CD:..." (the prefix's case differs by version)
    return p.stdout.strip().split("=", 1)[1].lower()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spanhound", default="build/spanhound")
    ap.add_argument("--quiet", action="store_true", help="no line per agreeing capture")
    ap.add_argument("captures", nargs="+")
    args = ap.parse_args()

    passed = failed = skipped = 0
    with tempfile.NamedTemporaryFile("w", suffix=".conf") as conf:
        conf.write("eve: { extended = true; };\n")
        conf.flush()
        for cap in args.captures:
            try:
                want = tshark_leaves(cap)
                events = run_spanhound(args.spanhound, cap, conf.name)
            except (HarnessError, OSError) as e:
                print("  FAIL  %s: %s" % (cap, e))
                failed += 1
                continue
            got = {}
            for e in events:
                if e.get("event_type") == "tls" and "fingerprint" in e.get("tls", {}):
                    t = e["tls"]
                    got[(e["src_ip"], e["src_port"], e["dest_ip"], e["dest_port"])] = (
                        t.get("fingerprint_sha256"), t.get("fingerprint"))
            p0, f0, s0 = passed, failed, skipped
            for key, der in sorted(want.items()):
                have = got.pop(key, None)
                if len(der) > TLS_CERT_MAX:
                    skipped += 1
                    if have:
                        failed += 1
                        print("  FAIL  %s %s:%d -> %s:%d: a %d-byte leaf spanhound should skip"
                              % ((cap,) + key + (len(der),)))
                    continue
                exp = (openssl_fp(der, "sha256"), openssl_fp(der, "sha1"))
                if exp[0] is None:
                    # openssl cannot read it: spanhound still hashes the bytes
                    print("  note  %s %s:%d -> %s:%d: openssl cannot parse the leaf"
                          % ((cap,) + key))
                    skipped += 1
                    continue
                exp = (exp[0].replace(":", ""), exp[1])
                if have == exp:
                    passed += 1
                else:
                    failed += 1
                    print("  FAIL  %s %s:%d -> %s:%d: openssl %s, spanhound %s"
                          % ((cap,) + key + (exp, have or "no certificate")))
            for key, have in sorted(got.items()):
                failed += 1
                print("  FAIL  %s %s:%d -> %s:%d: spanhound certificate %s, tshark sees none"
                      % ((cap,) + key + (have,)))
            if not args.quiet and failed == f0:
                print("  ok    %s: %d certificates, %d skipped" % (cap, passed - p0, skipped - s0))
    print("certificate agreement: %d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
