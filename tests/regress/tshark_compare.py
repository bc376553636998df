#!/usr/bin/python3
"""Compare spanhound's EVE metadata with what tshark extracts from the same capture.

For each capture: run `spanhound -r FILE --eve -`, run tshark on the same file,
and compare the sets of
  - DNS query names (queries), and (name, rcode) of responses   [port 53]
  - HTTP (host, uri) of requests
  - TLS ClientHello (SNI, JA3 hash), ServerHello JA3S hash
  - QUIC Initial SNI (ours comes from nDPI)
TLS and HTTP are compared on every TCP port where either tool saw them: tshark
is told to decode those ports (`-d tcp.port==P,tls`) so that both look at the
same connections.

Usage: tshark_compare.py [--spanhound BIN] [--quiet] FILE...
Exit status 0 when every set agrees, 1 otherwise.
"""
import argparse
import json
import re
import subprocess
import sys

SEP = "\x1f"  # tshark aggregator for multi-valued fields


def norm_name(s):
    """Both sides as tshark shows them: raw bytes decoded as UTF-8 with U+FFFD,
    runs of replacement characters collapsed."""
    if s is None:
        return ""
    raw = bytearray()
    for ch in s:
        o = ord(ch)
        if o < 0x100:
            raw.append(o)
        else:
            raw += ch.encode("utf-8")
    t = bytes(raw).decode("utf-8", errors="replace")
    return re.sub("\ufffd+", "\ufffd", t).rstrip(".")


def run_spanhound(binary, pcap):
    p = subprocess.run([binary, "-r", pcap, "--eve", "-"], capture_output=True)
    events = []
    for line in p.stdout.decode("utf-8", errors="strict").splitlines():
        events.append(json.loads(line))  # must always be valid JSON
    return p.returncode, events, p.stderr.decode(errors="replace")


def tshark(pcap, display_filter, fields, decode_as=()):
    cmd = ["tshark", "-n", "-r", pcap, "-Y", display_filter, "-T", "fields",
           "-E", "separator=\t", "-E", "aggregator=" + SEP,
           "-o", "tcp.desegment_tcp_streams:TRUE", "-o", "tcp.reassemble_out_of_order:TRUE"]
    for d in decode_as:
        cmd += ["-d", d]
    for f in fields:
        cmd += ["-e", f]
    p = subprocess.run(cmd, capture_output=True)
    rows = []
    for line in p.stdout.decode("utf-8", errors="replace").splitlines():
        rows.append(line.split("\t"))
    return rows


def ours(events):
    dns_q, dns_r, http, sni, ja3, ja3s = set(), set(), set(), set(), set(), set()
    quic = set()
    tls_ports, http_ports = set(), set()
    for e in events:
        t = e.get("event_type")
        if t == "dns":
            d = e["dns"]
            names = [q["rrname"] for q in d.get("queries", [])] or (
                [d["rrname"]] if "rrname" in d else [])
            if d["type"] == "query":
                for n in names:
                    dns_q.add(norm_name(n))
            elif d["type"] == "answer":
                rc = d.get("rcode", "")
                for n in names:
                    dns_r.add((norm_name(n), rc))
        elif t == "http":
            h = e["http"]
            http.add((norm_name(h.get("hostname", "")), norm_name(h.get("url", ""))))
            http_ports.add(e["dest_port"])
        elif t == "quic":
            if e["quic"].get("sni"):
                quic.add(norm_name(e["quic"]["sni"]))
        elif t == "tls":
            s = e["tls"]
            tls_ports.add(e["dest_port"])
            if "ja3" in s:
                sni.add(norm_name(s.get("sni", "")))
                ja3.add(s["ja3"]["hash"])
            if "ja3s" in s:
                ja3s.add(s["ja3s"]["hash"])
    return dict(dns_q=dns_q, dns_r=dns_r, http=http, sni=sni, ja3=ja3, ja3s=ja3s,
                quic=quic), tls_ports, http_ports


RCODES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP",
          5: "REFUSED", 6: "YXDOMAIN", 7: "YXRRSET", 8: "NXRRSET", 9: "NOTAUTH",
          10: "NOTZONE"}


def theirs(pcap, tls_ports, http_ports):
    dns_q, dns_r, http, sni, ja3, ja3s = set(), set(), set(), set(), set(), set()
    rows = tshark(pcap, "dns && (udp.port==53 || tcp.port==53)",
                  ["dns.flags.response", "dns.qry.name", "dns.flags.rcode"])
    for r in rows:
        resp, names, rcode = (r + ["", "", ""])[:3]
        # several DNS messages in one frame (TCP): fields aggregate in order
        resps, rcodes = resp.split(SEP), rcode.split(SEP)
        qnames = names.split(SEP) if names else []
        if len(resps) > 1 and len(qnames) == len(resps):
            groups = [(resps[i], [qnames[i]], rcodes[i] if i < len(rcodes) else "")
                      for i in range(len(resps))]
        else:
            groups = [(resps[0], qnames, rcodes[0])]
        for rsp, qn, rc in groups:
            qn = [norm_name(n) for n in qn]
            if rsp in ("0", "False"):
                dns_q.update(qn)
            elif rsp in ("1", "True"):
                rc = RCODES.get(int(rc), rc) if rc.isdigit() else rc
                for n in qn:
                    dns_r.add((n, rc))
    dec = ["tcp.port==%d,tls" % p for p in sorted(tls_ports) if p != 443]
    for r in tshark(pcap, "tls.handshake.type==1 && tcp", [
            "tls.handshake.extensions_server_name", "tls.handshake.ja3"], dec):
        r = (r + ["", ""])[:2]
        for s, j in zip(r[0].split(SEP) if r[0] else [""] * len(r[1].split(SEP)),
                        r[1].split(SEP)):
            if j:
                ja3.add(j)
                sni.add(norm_name(s))
    for r in tshark(pcap, "tls.handshake.type==2 && tcp", ["tls.handshake.ja3s"], dec):
        for j in r[0].split(SEP):
            if j:
                ja3s.add(j)
    dec = ["tcp.port==%d,http" % p for p in sorted(http_ports) if p != 80]
    for r in tshark(pcap, "http.request && tcp", ["http.host", "http.request.uri"], dec):
        r = (r + ["", ""])[:2]
        hosts = r[0].split(SEP)
        uris = r[1].split(SEP)
        for i, u in enumerate(uris):
            h = hosts[i] if i < len(hosts) else ""
            h = re.sub(r":\d+$", "", h) if not h.startswith("[") else re.sub(r"\]:\d+$", "]", h)
            http.add((norm_name(h), norm_name(u)))
    quic = set()
    for r in tshark(pcap, "quic && tls.handshake.type==1",
                    ["tls.handshake.extensions_server_name"]):
        for s in r[0].split(SEP):
            if s:
                quic.add(norm_name(s))
    return dict(dns_q=dns_q, dns_r=dns_r, http=http, sni=sni, ja3=ja3, ja3s=ja3s, quic=quic)


def compare(binary, pcap, quiet):
    rc, events, err = run_spanhound(binary, pcap)
    a, tls_ports, http_ports = ours(events)
    b = theirs(pcap, tls_ports, http_ports)
    ok = True
    lines = []
    for k in ("dns_q", "dns_r", "http", "sni", "ja3", "ja3s", "quic"):
        missing = b[k] - a[k]
        extra = a[k] - b[k]
        status = "ok" if not missing and not extra else "DIFF"
        if k == "quic" and not missing and extra:
            # nDPI also reads Google QUIC (gQUIC) Initials, which tshark 4.0
            # does not decrypt: more names than tshark is not a disagreement
            status = "ok+"
        if status == "DIFF":
            ok = False
        lines.append("  %-6s %-4s ours %4d tshark %4d%s%s" % (
            k, status, len(a[k]), len(b[k]),
            ("  missing %s" % sorted(missing)[:5]) if missing else "",
            ("  extra %s" % sorted(extra)[:5]) if extra else ""))
    if not quiet or not ok:
        print("%s: %s (exit %d, %d events)" % (pcap, "agree" if ok else "DISAGREE", rc, len(events)))
        for ln in lines:
            print(ln)
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spanhound", default="build/spanhound")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("pcaps", nargs="+")
    args = ap.parse_args()
    bad = 0
    for p in args.pcaps:
        if not compare(args.spanhound, p, args.quiet):
            bad += 1
    print("tshark agreement: %d passed, %d failed" % (len(args.pcaps) - bad, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
