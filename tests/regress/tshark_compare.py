#!/usr/bin/python3
"""Compare spanhound's EVE metadata with what tshark extracts from the same capture.

For each capture: run `spanhound -r FILE --eve -`, run tshark on the same file,
and compare the sets of
  - DNS query names (queries), and (name, rcode) of responses
  - HTTP (host, uri) of requests
  - TLS ClientHello (SNI, JA3 hash), ServerHello JA3S hash; only the first
    ClientHello of each TCP connection, as spanhound reports (capture/tls.h:
    the client's second hello after a HelloRetryRequest is not reported)
  - QUIC ClientHello (SNI, JA3 hash) and ServerHello JA3S hash, from the
    decrypted Initial packets (tshark's tls.handshake.* fields under the quic
    layer); QUIC names nDPI alone gave (gQUIC) are checked as SNIs only
The UDP server ports of spanhound's QUIC records other than 443 are given to
tshark as `-d udp.port==P,quic` (tshark recognises QUIC on 443 and by
heuristics only): tshark still decides from the packets whether they are QUIC
and decrypts them itself.
tshark decides by itself which connections carry DNS, HTTP and TLS: its port
tables and its heuristic dissectors (TLS and HTTP on any TCP port).  The only
decode-as options given are those a deployment configures in spanhound: the
DNS ports of `dns.ports` (read from `spanhound --print-config`), so that a
connection spanhound missed shows up as a difference instead of being
hidden.  tshark reassembles TCP streams, out-of-order segments included.

A capture fails when a set differs, when spanhound exits non-zero or reports
a sanitizer error, or when tshark fails.

Usage: tshark_compare.py [--spanhound BIN] [--config FILE] [--quiet] FILE...
Exit status 0 when every set agrees, 1 otherwise, 2 when tshark is missing.
"""
import argparse
import json
import re
import shutil
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


class HarnessError(Exception):
    """A tool failed: the capture cannot be compared."""


def run_spanhound(binary, pcap, config):
    cmd = [binary] + (["-c", config] if config else []) + ["-r", pcap, "--eve", "-"]
    p = subprocess.run(cmd, capture_output=True)
    err = p.stderr.decode(errors="replace")
    san = [ln for ln in err.splitlines() if "Sanitizer" in ln or "runtime error:" in ln]
    if p.returncode != 0:
        raise HarnessError("spanhound exited %d: %s" % (
            p.returncode, " | ".join((san or err.strip().splitlines() or [""])[-2:])[:300]))
    if san:
        raise HarnessError("spanhound sanitizer report: %s" % san[0][:300])
    events = []
    for n, line in enumerate(p.stdout.decode("utf-8", errors="strict").splitlines()):
        try:
            events.append(json.loads(line))  # must always be valid JSON
        except ValueError as e:
            raise HarnessError("EVE line %d is not JSON (%s): %r" % (n + 1, e, line[:120]))
    return events


def dns_ports(binary, config):
    """The DNS ports spanhound is configured with (dns.ports)."""
    cmd = [binary] + (["-c", config] if config else []) + ["--print-config"]
    p = subprocess.run(cmd, capture_output=True)
    if p.returncode != 0:
        raise HarnessError("%s exited %d" % (" ".join(cmd), p.returncode))
    m = re.search(r"^dns: \{.*?^\s*ports = \[([^\]]*)\];", p.stdout.decode(), re.S | re.M)
    if not m:
        raise HarnessError("no dns.ports in %s" % " ".join(cmd))
    return sorted(int(x) for x in m.group(1).replace(",", " ").split())


def tshark_fields(pcap, display_filter, fields, decode_as=()):
    """One tshark pass; a row per matching frame, a list of strings per row
    (multi-valued fields joined by SEP)."""
    cmd = ["tshark", "-n", "-r", pcap, "-Y", display_filter, "-T", "fields",
           "-E", "separator=\t", "-E", "aggregator=" + SEP,
           "-o", "tcp.desegment_tcp_streams:TRUE", "-o", "tcp.reassemble_out_of_order:TRUE"]
    for d in decode_as:
        cmd += ["-d", d]
    for f in fields:
        cmd += ["-e", f]
    p = subprocess.run(cmd, capture_output=True)
    if p.returncode != 0:
        err = "\n".join(l for l in p.stderr.decode(errors="replace").splitlines()
                        if not l.startswith("Running as user"))
        raise HarnessError("tshark exited %d: %s" % (p.returncode, err.strip()[-300:]))
    rows = []
    for line in p.stdout.decode("utf-8", errors="replace").splitlines():
        rows.append((line.split("\t") + [""] * len(fields))[:len(fields)])
    return rows


def ours(events):
    dns_q, dns_r, http, sni, ja3, ja3s = set(), set(), set(), set(), set(), set()
    quic, quic_ja3, quic_ja3s = set(), set(), set()
    for e in events:
        t = e.get("event_type")
        if t == "dns":
            d = e["dns"]
            names = [q["rrname"] for q in d.get("queries", [])]
            if d["type"] == "request":
                for n in names:
                    dns_q.add(norm_name(n))
            elif d["type"] == "response":
                rc = d.get("rcode", "")
                for n in names:
                    dns_r.add((norm_name(n), rc))
        elif t == "http":
            h = e["http"]
            http.add((norm_name(h.get("hostname", "")), norm_name(h.get("url", ""))))
        elif t == "quic":
            q = e["quic"]
            if q.get("sni"):
                quic.add(norm_name(q["sni"]))
            if "ja3" in q:
                quic_ja3.add((norm_name(q.get("sni", "")), q["ja3"]["hash"]))
            if "ja3s" in q:
                quic_ja3s.add(q["ja3s"]["hash"])
        elif t == "tls":
            s = e["tls"]
            if "ja3" in s:
                sni.add(norm_name(s.get("sni", "")))
                ja3.add(s["ja3"]["hash"])
            if "ja3s" in s:
                ja3s.add(s["ja3s"]["hash"])
    return dict(dns_q=dns_q, dns_r=dns_r, http=http, sni=sni, ja3=ja3, ja3s=ja3s,
                quic=quic, quic_ja3=quic_ja3, quic_ja3s=quic_ja3s)


def quic_ports(events):
    """UDP server ports other than 443 of spanhound's QUIC records."""
    return sorted({e["dest_port"] for e in events
                   if e.get("event_type") == "quic" and e.get("dest_port") not in (None, 443)})


RCODES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP",
          5: "REFUSED", 6: "YXDOMAIN", 7: "YXRRSET", 8: "NXRRSET", 9: "NOTAUTH",
          10: "NOTZONE"}


# tshark's port table for DNS (tshark -G decodes); other configured ports
# are given to it with -d
TSHARK_DNS_PORTS = {("udp", 53), ("tcp", 53), ("tcp", 5353)}

FIELDS = ["frame.protocols",
          "dns.flags.response", "dns.qry.name", "dns.flags.rcode",
          "tls.handshake.type", "tls.handshake.extensions_server_name",
          "tls.handshake.ja3", "tls.handshake.ja3s",
          "http.request", "http.host", "http.request.uri", "tcp.stream"]


def theirs(pcap, ports, qports=()):
    dns_q, dns_r, http, sni, ja3, ja3s = set(), set(), set(), set(), set(), set()
    quic, quic_ja3, quic_ja3s = set(), set(), set()
    quic_hellos = []
    dec = ["%s.port==%d,dns" % (t, p) for p in ports for t in ("udp", "tcp")
           if (t, p) not in TSHARK_DNS_PORTS]
    dec += ["udp.port==%d,quic" % p for p in qports if p not in ports]
    # one pass; each row is classified as the separate filters
    #   dns | tls.handshake.type==1 && tcp | tls.handshake.type==2 && tcp |
    #   http.request && tcp | quic && tls.handshake.type==1
    rows = tshark_fields(pcap, "dns || tls.handshake.type==1 || tls.handshake.type==2 || "
                         "http.request", FIELDS, dec)
    hello_streams = set()   # TCP connections whose first ClientHello was taken
    for (protos, resp, names, rcode, hstype, snis, ja3s_c, ja3s_s,
         httpreq, hosts, uris, stream) in rows:
        layers = protos.split(":")
        types = hstype.split(SEP) if hstype else []
        if "dns" in layers:
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
        if "tcp" in layers and "1" in types and stream not in hello_streams:
            hello_streams.add(stream)
            for s, j in list(zip(snis.split(SEP) if snis else [""] * len(ja3s_c.split(SEP)),
                                 ja3s_c.split(SEP)))[:1]:
                if j:
                    ja3.add(j)
                    sni.add(norm_name(s))
        if "tcp" in layers and "2" in types:
            for j in ja3s_s.split(SEP):
                if j:
                    ja3s.add(j)
        if "tcp" in layers and httpreq:
            hl = hosts.split(SEP)
            for i, u in enumerate(uris.split(SEP)):
                h = hl[i] if i < len(hl) else ""
                h = re.sub(r":\d+$", "", h) if not h.startswith("[") else re.sub(r"\]:\d+$", "]", h)
                http.add((norm_name(h), norm_name(u)))
        if "quic" in layers and "1" in types:
            for s in snis.split(SEP):
                if s:
                    quic.add(norm_name(s))
            for s, j in zip(snis.split(SEP) if snis else [""] * len(ja3s_c.split(SEP)),
                            ja3s_c.split(SEP)):
                if j:
                    quic_ja3.add((norm_name(s), j))
                    quic_hellos.append((norm_name(s), j))
        if "quic" in layers and "2" in types:
            for j in ja3s_s.split(SEP):
                if j:
                    quic_ja3s.add(j)
    return dict(dns_q=dns_q, dns_r=dns_r, http=http, sni=sni, ja3=ja3, ja3s=ja3s, quic=quic,
                quic_ja3=quic_ja3, quic_ja3s=quic_ja3s, quic_hellos=quic_hellos)


def compare(binary, config, ports, pcap, quiet):
    try:
        events = run_spanhound(binary, pcap, config)
        a = ours(events)
        b = theirs(pcap, ports, quic_ports(events))
    except HarnessError as e:
        print("%s: FAILED: %s" % (pcap, e))
        return False, 0, 0
    ok = True
    lines = []
    for k in ("dns_q", "dns_r", "http", "sni", "ja3", "ja3s", "quic", "quic_ja3", "quic_ja3s"):
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
    # QUIC ClientHellos tshark decoded (one per frame completing one) that
    # spanhound reported with the same SNI and JA3
    qh = b["quic_hellos"]
    qm = sum(1 for h in qh if h in a["quic_ja3"])
    if not quiet or not ok:
        print("%s: %s (%d events)" % (pcap, "agree" if ok else "DISAGREE", len(events)))
        for ln in lines:
            print(ln)
    return ok, len(qh), qm


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spanhound", default="build/spanhound")
    ap.add_argument("--config", help="spanhound configuration file (-c)")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("pcaps", nargs="+")
    args = ap.parse_args()
    if shutil.which("tshark") is None:
        print("tshark agreement: 0 passed, 0 failed, %d skipped (tshark not installed)"
              % len(args.pcaps))
        return 2
    try:
        ports = dns_ports(args.spanhound, args.config)
    except HarnessError as e:
        print("tshark_compare: %s" % e)
        print("tshark agreement: 0 passed, %d failed" % len(args.pcaps))
        return 1
    bad = qh = qm = 0
    for p in args.pcaps:
        ok, h, m = compare(args.spanhound, args.config, ports, p, args.quiet)
        qh += h
        qm += m
        if not ok:
            bad += 1
    print("quic clienthellos: %d decoded by tshark, %d matched (SNI and JA3)" % (qh, qm))
    print("tshark agreement: %d passed, %d failed" % (len(args.pcaps) - bad, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
