#!/usr/bin/python3
"""Generate the decode regression captures in pcaps/decode/ (committed; rerun
to regenerate: /usr/bin/python3 tests/gen/gen_decode.py pcaps/decode).

Every capture carries DNS queries and answers whose names say which
encapsulation they travelled in (e.g. "q.vlan.example.net"), so the test can
check that spanhound decoded each layer: the expected query names are listed
in pcaps/decode/expected.txt, one "file<TAB>name" per line.  Addresses are
from the documentation ranges (RFC 5737, RFC 3849).  Deterministic: fixed
timestamps, ids and ports.
"""
import os
import sys

from scapy.all import (DNS, DNSQR, DNSRR, GRE, IP, IPv6, TCP, UDP, Ether, Dot1Q,
                       Dot1AD, Raw, IPv6ExtHdrHopByHop, IPv6ExtHdrDestOpt,
                       IPv6ExtHdrFragment, IPOption_Router_Alert, wrpcap, PcapWriter,
                       Loopback, conf)
from scapy.layers.l2 import CookedLinux, CookedLinuxV2
from scapy.layers.vxlan import VXLAN
from scapy.contrib.mpls import MPLS
from scapy.contrib.erspan import ERSPAN_II, ERSPAN_III

CLIENT, SERVER = "192.0.2.10", "198.51.100.53"
CLIENT6, SERVER6 = "2001:db8::10", "2001:db8::53"
MAC_C, MAC_S = "02:00:00:00:00:10", "02:00:00:00:00:53"
T0 = 1700000000.0

expected = []


def dns_pair(name, qid, sport, v6=False):
    """query + NOERROR answer as (ip_layer_query, ip_layer_answer)"""
    if v6:
        q = IPv6(src=CLIENT6, dst=SERVER6) / UDP(sport=sport, dport=53) / \
            DNS(id=qid, rd=1, qd=DNSQR(qname=name, qtype="AAAA"))
        a = IPv6(src=SERVER6, dst=CLIENT6) / UDP(sport=53, dport=sport) / \
            DNS(id=qid, qr=1, rd=1, ra=1, qd=DNSQR(qname=name, qtype="AAAA"),
                an=DNSRR(rrname=name, type="AAAA", ttl=300, rdata="2001:db8::1"))
    else:
        q = IP(src=CLIENT, dst=SERVER) / UDP(sport=sport, dport=53) / \
            DNS(id=qid, rd=1, qd=DNSQR(qname=name))
        a = IP(src=SERVER, dst=CLIENT) / UDP(sport=53, dport=sport) / \
            DNS(id=qid, qr=1, rd=1, ra=1, qd=DNSQR(qname=name),
                an=DNSRR(rrname=name, ttl=300, rdata="192.0.2.99"))
    return q, a


def stamp(pkts, t=T0):
    for i, p in enumerate(pkts):
        p.time = t + i * 0.01
    return pkts


def write(outdir, fname, pkts, linktype=None, names=()):
    path = os.path.join(outdir, fname)
    stamp(pkts)
    if linktype is None:
        wrpcap(path, pkts)
    else:
        wrpcap(path, pkts, linktype=linktype)
    for n in names:
        expected.append((fname, n))


def eth(ipl, reverse=False):
    return Ether(src=MAC_S if reverse else MAC_C, dst=MAC_C if reverse else MAC_S) / ipl


def main(outdir):
    os.makedirs(outdir, exist_ok=True)

    # 802.1Q, QinQ (802.1ad + 802.1Q)
    q, a = dns_pair("q.vlan.example.net", 1, 40001)
    pk = [Ether(src=MAC_C, dst=MAC_S) / Dot1Q(vlan=100) / q,
          Ether(src=MAC_S, dst=MAC_C) / Dot1Q(vlan=100) / a]
    q, a = dns_pair("q.qinq.example.net", 2, 40002)
    pk += [Ether(src=MAC_C, dst=MAC_S) / Dot1AD(vlan=10) / Dot1Q(vlan=200) / q,
           Ether(src=MAC_S, dst=MAC_C) / Dot1AD(vlan=10) / Dot1Q(vlan=200) / a]
    write(outdir, "vlan-qinq.pcap", pk, names=["q.vlan.example.net", "q.qinq.example.net"])

    # MPLS label stack of two
    q, a = dns_pair("q.mpls.example.net", 3, 40003)
    pk = [Ether(src=MAC_C, dst=MAC_S, type=0x8847) / MPLS(label=16, s=0) / MPLS(label=17, s=1) / q,
          Ether(src=MAC_S, dst=MAC_C, type=0x8847) / MPLS(label=18, s=1) / a]
    write(outdir, "mpls.pcap", pk, names=["q.mpls.example.net"])

    # GRE carrying IP, GRE transparent Ethernet bridging, ERSPAN II and III, VXLAN
    outer = lambda: IP(src="203.0.113.1", dst="203.0.113.2")
    q, a = dns_pair("q.gre-ip.example.net", 4, 40004)
    pk = [eth(outer() / GRE(proto=0x0800) / q), eth(outer() / GRE(proto=0x0800, key_present=1, key=7) / a)]
    q, a = dns_pair("q.gre-teb.example.net", 5, 40005)
    pk += [eth(outer() / GRE(proto=0x6558) / eth(q)), eth(outer() / GRE(proto=0x6558) / eth(a, True))]
    q, a = dns_pair("q.erspan2.example.net", 6, 40006)
    pk += [eth(outer() / GRE(proto=0x88BE, seqnum_present=1, seqence_number=1) / ERSPAN_II(ver=1, session_id=1) / eth(q)),
           eth(outer() / GRE(proto=0x88BE, seqnum_present=1, seqence_number=2) / ERSPAN_II(ver=1, session_id=1) / eth(a, True))]
    q, a = dns_pair("q.erspan3.example.net", 7, 40007)
    pk += [eth(outer() / GRE(proto=0x22EB, seqnum_present=1, seqence_number=3) / ERSPAN_III(session_id=2) / eth(q)),
           eth(outer() / GRE(proto=0x22EB, seqnum_present=1, seqence_number=4) / ERSPAN_III(session_id=2) / eth(a, True))]
    q, a = dns_pair("q.vxlan.example.net", 8, 40008)
    pk += [eth(outer() / UDP(sport=50000, dport=4789) / VXLAN(vni=42) / eth(q)),
           eth(outer() / UDP(sport=50001, dport=4789) / VXLAN(vni=42) / eth(a, True))]
    write(outdir, "tunnels.pcap", pk, names=["q.gre-ip.example.net", "q.gre-teb.example.net",
                                             "q.erspan2.example.net", "q.erspan3.example.net",
                                             "q.vxlan.example.net"])

    # IPv4 options, IPv6 extension headers, IPv6 first fragment + non-first fragment
    q, a = dns_pair("q.ipv4-options.example.net", 9, 40009)
    q[IP].options = [IPOption_Router_Alert()]
    pk = [eth(q), eth(a, True)]
    q, a = dns_pair("q.ipv6-ext.example.net", 10, 40010, v6=True)
    q = IPv6(src=CLIENT6, dst=SERVER6) / IPv6ExtHdrHopByHop() / IPv6ExtHdrDestOpt() / q[UDP]
    pk += [eth(q), eth(a, True)]
    # a fragmented datagram: only the first fragment carries UDP; the second is
    # counted and skipped
    big = IP(src=CLIENT, dst=SERVER, id=77, flags="MF", frag=0) / UDP(sport=40011, dport=9999) / Raw(b"A" * 32)
    tail = IP(src=CLIENT, dst=SERVER, id=77, frag=5, proto=17) / Raw(b"B" * 16)
    pk += [eth(big), eth(tail)]
    write(outdir, "ip-options-ext-frag.pcap", pk,
          names=["q.ipv4-options.example.net", "q.ipv6-ext.example.net"])

    # Linux cooked v1 and v2, raw IP, BSD loopback (DLT_NULL)
    q, a = dns_pair("q.sll.example.net", 12, 40012)
    pk = [CookedLinux(pkttype=4, lladdrtype=1, lladdrlen=6, src=bytes.fromhex("020000000010") + b"\0\0", proto=0x0800) / q,
          CookedLinux(pkttype=0, lladdrtype=1, lladdrlen=6, src=bytes.fromhex("020000000053") + b"\0\0", proto=0x0800) / a]
    write(outdir, "sll.pcap", pk, linktype=113, names=["q.sll.example.net"])
    q, a = dns_pair("q.sll2.example.net", 13, 40013)
    pk = [CookedLinuxV2(proto=0x0800, ifindex=2, lladdrtype=1, pkttype=4, lladdrlen=6,
                        src=bytes.fromhex("020000000010") + b"\0\0") / q,
          CookedLinuxV2(proto=0x0800, ifindex=2, lladdrtype=1, pkttype=0, lladdrlen=6,
                        src=bytes.fromhex("020000000053") + b"\0\0") / a]
    write(outdir, "sll2.pcap", pk, linktype=276, names=["q.sll2.example.net"])
    q, a = dns_pair("q.raw.example.net", 14, 40014)
    write(outdir, "raw-ip.pcap", [q, a], linktype=101, names=["q.raw.example.net"])
    q, a = dns_pair("q.null.example.net", 15, 40015)
    write(outdir, "loopback-null.pcap", [Loopback(type=2) / q, Loopback(type=2) / a], linktype=0,
          names=["q.null.example.net"])

    # DNS over TCP: two messages, one split across segments, one segment
    # holding the end of one message and the start of the next
    def tcp_dns(qid, name):
        m = bytes(DNS(id=qid, rd=1, qd=DNSQR(qname=name)))
        return len(m).to_bytes(2, "big") + m

    def tcp_dns_ans(qid, name):
        m = bytes(DNS(id=qid, qr=1, rd=1, ra=1, rcode=3, qd=DNSQR(qname=name)))
        return len(m).to_bytes(2, "big") + m
    c, s = (CLIENT, 40100), (SERVER, 53)
    stream_c = tcp_dns(21, "q.tcp-one.example.net") + tcp_dns(22, "q.tcp-two.example.net")
    stream_s = tcp_dns_ans(21, "q.tcp-one.example.net") + tcp_dns_ans(22, "q.tcp-two.example.net")
    cseq, sseq = 1000, 5000
    pk = [eth(IP(src=c[0], dst=s[0]) / TCP(sport=c[1], dport=53, flags="S", seq=cseq)),
          eth(IP(src=s[0], dst=c[0]) / TCP(sport=53, dport=c[1], flags="SA", seq=sseq, ack=cseq + 1), True),
          eth(IP(src=c[0], dst=s[0]) / TCP(sport=c[1], dport=53, flags="A", seq=cseq + 1, ack=sseq + 1))]
    cuts = [0, 1, 10, len(stream_c) - 5, len(stream_c)]   # inside the prefix, inside a message
    for i in range(len(cuts) - 1):
        seg = stream_c[cuts[i]:cuts[i + 1]]
        pk.append(eth(IP(src=c[0], dst=s[0]) / TCP(sport=c[1], dport=53, flags="PA",
                                                   seq=cseq + 1 + cuts[i], ack=sseq + 1) / Raw(seg)))
    pk.append(eth(IP(src=s[0], dst=c[0]) / TCP(sport=53, dport=c[1], flags="PA", seq=sseq + 1,
                                               ack=cseq + 1 + len(stream_c)) / Raw(stream_s), True))
    pk.append(eth(IP(src=c[0], dst=s[0]) / TCP(sport=c[1], dport=53, flags="FA",
                                               seq=cseq + 1 + len(stream_c), ack=sseq + 1 + len(stream_s))))
    pk.append(eth(IP(src=s[0], dst=c[0]) / TCP(sport=53, dport=c[1], flags="FA", seq=sseq + 1 + len(stream_s),
                                               ack=cseq + 2 + len(stream_c)), True))
    write(outdir, "dns-tcp-split.pcap", pk, names=["q.tcp-one.example.net", "q.tcp-two.example.net"])

    # The same DNS-over-TCP stream with its client segments out of order
    # (held until the hole fills), and an HTTP request whose three segments
    # arrive 1, 3, 2 after a retransmission of the first
    c, s = (CLIENT, 40101), (SERVER, 53)
    stream_c = tcp_dns(23, "q.reordered-one.example.net") + tcp_dns(24, "q.reordered-two.example.net")
    stream_s = tcp_dns_ans(23, "q.reordered-one.example.net") + tcp_dns_ans(24, "q.reordered-two.example.net")
    pk = [eth(IP(src=c[0], dst=s[0]) / TCP(sport=c[1], dport=53, flags="S", seq=cseq)),
          eth(IP(src=s[0], dst=c[0]) / TCP(sport=53, dport=c[1], flags="SA", seq=sseq, ack=cseq + 1), True),
          eth(IP(src=c[0], dst=s[0]) / TCP(sport=c[1], dport=53, flags="A", seq=cseq + 1, ack=sseq + 1))]
    cuts = [0, 7, 30, len(stream_c)]
    segs = [eth(IP(src=c[0], dst=s[0]) / TCP(sport=c[1], dport=53, flags="PA", seq=cseq + 1 + cuts[i],
                                              ack=sseq + 1) / Raw(stream_c[cuts[i]:cuts[i + 1]]))
            for i in range(3)]
    pk += [segs[2], segs[1], segs[0]]
    pk.append(eth(IP(src=s[0], dst=c[0]) / TCP(sport=53, dport=c[1], flags="PA", seq=sseq + 1,
                                               ack=cseq + 1 + len(stream_c)) / Raw(stream_s), True))
    hc = (CLIENT, 40102)
    req = b"GET /reordered/path?x=1 HTTP/1.1\r\nHost: www.reorder.example.net\r\nUser-Agent: gen\r\n\r\n"
    resp = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
    pk += [eth(IP(src=hc[0], dst=s[0]) / TCP(sport=hc[1], dport=80, flags="S", seq=cseq)),
           eth(IP(src=s[0], dst=hc[0]) / TCP(sport=80, dport=hc[1], flags="SA", seq=sseq, ack=cseq + 1), True),
           eth(IP(src=hc[0], dst=s[0]) / TCP(sport=hc[1], dport=80, flags="A", seq=cseq + 1, ack=sseq + 1))]
    hcuts = [0, 20, 50, len(req)]
    hsegs = [eth(IP(src=hc[0], dst=s[0]) / TCP(sport=hc[1], dport=80, flags="PA", seq=cseq + 1 + hcuts[i],
                                                ack=sseq + 1) / Raw(req[hcuts[i]:hcuts[i + 1]]))
             for i in range(3)]
    pk += [hsegs[0], hsegs[0], hsegs[2], hsegs[1]]
    pk.append(eth(IP(src=s[0], dst=hc[0]) / TCP(sport=80, dport=hc[1], flags="PA", seq=sseq + 1,
                                                ack=cseq + 1 + len(req)) / Raw(resp), True))
    write(outdir, "tcp-reordered.pcap", pk,
          names=["q.reordered-one.example.net", "q.reordered-two.example.net"])

    # Harder reordering: a hole that fills last while a segment too large to
    # hold arrives before it, a large early segment covering a held one, and
    # a keep-alive HTTP connection whose first segment the capture lost for
    # good (never retransmitted: the server got it) -- the hole is given up
    # when the server acknowledges past it, and the later requests still
    # pair with their responses.
    def http_req(path, pad=0):
        h = b"GET " + path + b" HTTP/1.1\r\nHost: www.reorder.example.net\r\n"
        if pad:
            h += b"X-Pad: " + b"a" * pad + b"\r\n"
        return h + b"\r\n"

    def client_conn(sport, segs_fn):
        cs, ss = 7000, 9000
        out = [eth(IP(src=CLIENT, dst=SERVER) / TCP(sport=sport, dport=80, flags="S", seq=cs)),
               eth(IP(src=SERVER, dst=CLIENT) / TCP(sport=80, dport=sport, flags="SA", seq=ss, ack=cs + 1), True),
               eth(IP(src=CLIENT, dst=SERVER) / TCP(sport=sport, dport=80, flags="A", seq=cs + 1, ack=ss + 1))]

        def mk(seq, data):
            return eth(IP(src=CLIENT, dst=SERVER) / TCP(sport=sport, dport=80, flags="PA", seq=seq,
                                                        ack=ss + 1) / Raw(data))
        segs, end = segs_fn(cs + 1, mk)
        return out + segs + [eth(IP(src=CLIENT, dst=SERVER) / TCP(sport=sport, dport=80, flags="FA",
                                                                   seq=end, ack=ss + 1)),
                             eth(IP(src=SERVER, dst=CLIENT) / TCP(sport=80, dport=sport, flags="FA",
                                                                   seq=ss + 1, ack=end + 1), True)]
    r1, r2, r3 = http_req(b"/hole-fills-last"), http_req(b"/too-large-to-hold", 2500), http_req(b"/held")

    def late_hole(b, mk):
        return [mk(b, r1[:-10]), mk(b + len(r1) + len(r2), r3), mk(b + len(r1), r2),
                mk(b + len(r1) - 10, r1[-10:])], b + len(r1) + len(r2) + len(r3)
    r4, r5 = http_req(b"/large-covering", 2500), http_req(b"/covered")

    def covering(b, mk):
        return [mk(b, r1[:-10]), mk(b + len(r1) + len(r4), r5), mk(b + len(r1), r4 + r5),
                mk(b + len(r1) - 10, r1[-10:])], b + len(r1) + len(r4) + len(r5)
    pk = client_conn(40103, late_hole) + client_conn(40104, covering)
    write(outdir, "tcp-reorder-hard.pcap", pk,
          names=["url:/hole-fills-last", "url:/too-large-to-hold", "url:/held",
                 "url:/large-covering", "url:/covered"])

    # keep-alive with a segment lost for good (tshark gives up on this
    # stream, so it is checked against the expected URLs only)
    sport, cs, ss = 40105, 7000, 9000
    reqs = [b"GET /lost-%d HTTP/1.1\r\nHost: www.loss.example.net\r\n\r\n" % i for i in range(1, 6)]
    resp = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
    pk = []
    pk += [eth(IP(src=CLIENT, dst=SERVER) / TCP(sport=sport, dport=80, flags="S", seq=cs)),
           eth(IP(src=SERVER, dst=CLIENT) / TCP(sport=80, dport=sport, flags="SA", seq=ss, ack=cs + 1), True),
           eth(IP(src=CLIENT, dst=SERVER) / TCP(sport=sport, dport=80, flags="A", seq=cs + 1, ack=ss + 1))]
    cseq, sseq = cs + 1, ss + 1
    for i, rq in enumerate(reqs):
        if i > 0:      # the first request's segment is missing from the capture
            pk.append(eth(IP(src=CLIENT, dst=SERVER) /
                          TCP(sport=sport, dport=80, flags="PA", seq=cseq, ack=sseq) / Raw(rq)))
        cseq += len(rq)
        pk.append(eth(IP(src=SERVER, dst=CLIENT) /
                      TCP(sport=80, dport=sport, flags="PA", seq=sseq, ack=cseq) / Raw(resp), True))
        sseq += len(resp)
    write(outdir, "lost-segment-beyond-tshark.pcap", pk,
          names=["http:/lost-2", "http:/lost-3", "http:/lost-4", "http:/lost-5"])

    # Malformed frames between good ones: bad IHL, truncated TCP header, UDP
    # length < 8, GRE version 1, ERSPAN with a bad version, VLAN too deep
    q, a = dns_pair("q.after-garbage.example.net", 31, 40031)
    badihl = bytearray(bytes(eth(IP(src=CLIENT, dst=SERVER) / UDP(sport=1, dport=2))))
    badihl[14] = 0x43
    trunc_tcp = bytes(eth(IP(src=CLIENT, dst=SERVER) / TCP(sport=1, dport=80)))[:14 + 20 + 10]
    badudp = bytearray(bytes(eth(IP(src=CLIENT, dst=SERVER) / UDP(sport=3, dport=53) / Raw(b"xxxx"))))
    badudp[14 + 20 + 4:14 + 20 + 6] = b"\x00\x04"
    gre1 = eth(outer() / GRE(proto=0x0800, version=1) / q)
    deep = Ether(src=MAC_C, dst=MAC_S) / Dot1Q(vlan=1) / Dot1Q(vlan=2) / Dot1Q(vlan=3) / Dot1Q(vlan=4) / Dot1Q(vlan=5) / q
    pk = [Ether(bytes(badihl)), Ether(trunc_tcp), Ether(bytes(badudp)), gre1, deep, eth(q), eth(a, True)]
    write(outdir, "malformed-then-good.pcap", pk, names=["q.after-garbage.example.net"])

    with open(os.path.join(outdir, "expected.txt"), "w") as f:
        f.write("# file<TAB>DNS query name that must appear in spanhound's EVE output\n"
                "# (url:URL: an HTTP transaction with that URL; http:URL: ... and a response status)\n")
        for fn, n in expected:
            f.write("%s\t%s\n" % (fn, n))


if __name__ == "__main__":
    conf.verb = 0
    main(sys.argv[1] if len(sys.argv) > 1 else "pcaps/decode")
