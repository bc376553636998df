#!/usr/bin/python3
"""Generate the IPv6 Router Advertisement / DHCPv6 test capture and the seed
corpora of the ra and dhcp6 fuzz harnesses (committed; rerun to regenerate:
    /usr/bin/python3 tests/gen/gen_ipv6.py pcaps/decode tests/fuzz/corpus
).

pcaps/decode/ipv6-ra-dhcp6.pcap, one link with
  - router R1 sending a Router Advertisement with two prefixes, RDNSS, SLLA
    and MTU; router R2 sending one whose options a host must partly ignore
    (a link-local prefix, a prefix with preferred > valid lifetime, a
    prefix with host bits set, an RDNSS with lifetime 0);
  - two RAs a host must discard entirely (hop limit 64: routed from off-link,
    RFC 4861 6.1.2; a global source address) -- no `ra` record expected;
  - a DHCPv6 SOLICIT / ADVERTISE / REQUEST / REPLY exchange with IA_NA and
    IA_PD, an INFORMATION-REQUEST, an ADVERTISE whose IA_NA says
    NoAddrsAvail;
  - a relayed exchange: RELAY-FORW(SOLICIT) and RELAY-REPL(REPLY), both with
    an RFC 6939 Client Link-Layer Address option (79), and a REPLY inside two
    RELAY-REPL envelopes (option 79 in the inner one);
  - one DNS query and answer (q.ipv6-ra-dhcp6.example.net) from the address
    the client got, to the server it learnt, so the decode test's usual name
    check applies (pcaps/decode/expected.txt).
tests/regress/ipv6_compare.py checks spanhound's EVE records for these
packets against tshark's fields.  Addresses are from the documentation
ranges (RFC 3849 2001:db8::/32, RFC 7042 00:00:5e:00:53:xx, RFC 5612
enterprise number 32473).  Deterministic: fixed timestamps, ids and DUIDs.
"""
import os
import sys

from scapy.all import (DNS, DNSQR, DNSRR, Ether, IPv6, UDP, wrpcap, conf, raw)
from scapy.layers.inet6 import (ICMPv6ND_RA, ICMPv6NDOptSrcLLAddr, ICMPv6NDOptMTU,
                                ICMPv6NDOptPrefixInfo, ICMPv6NDOptRDNSS)
from scapy.layers.dhcp6 import (DHCP6_Solicit, DHCP6_Advertise, DHCP6_Request,
                                DHCP6_Reply, DHCP6_InfoRequest, DHCP6_RelayForward,
                                DHCP6_RelayReply, DHCP6OptClientId, DHCP6OptServerId,
                                DHCP6OptIA_NA, DHCP6OptIAAddress, DHCP6OptIA_PD,
                                DHCP6OptIAPrefix, DHCP6OptDNSServers, DHCP6OptClientFQDN,
                                DHCP6OptElapsedTime, DHCP6OptOptReq, DHCP6OptRelayMsg,
                                DHCP6OptClientLinkLayerAddr, DHCP6OptStatusCode,
                                DUID_LLT, DUID_EN, DUID_LL)

conf.verb = 0

T0 = 1700000000.0
MAC_R1, MAC_R2 = "00:00:5e:00:53:01", "00:00:5e:00:53:02"
MAC_SRV, MAC_RELAY = "00:00:5e:00:53:03", "00:00:5e:00:53:04"
MAC_C1, MAC_C2, MAC_C3 = "00:00:5e:00:53:10", "00:00:5e:00:53:20", "00:00:5e:00:53:30"
LL_R1, LL_R2 = "fe80::200:5eff:fe00:5301", "fe80::200:5eff:fe00:5302"
LL_SRV = "fe80::200:5eff:fe00:5303"
LL_C1, LL_C2, LL_C3 = "fe80::200:5eff:fe00:5310", "fe80::200:5eff:fe00:5320", "fe80::200:5eff:fe00:5330"
ALL_NODES, ALL_DHCP = "ff02::1", "ff02::1:2"
RELAY_ADDR, SERVER_ADDR = "2001:db8:1::1", "2001:db8::547"

DUID_C1 = DUID_LLT(hwtype=1, timeval=700000000, lladdr=MAC_C1)
DUID_C2 = DUID_EN(enterprisenum=32473, id=b"client-two")        # no MAC in it
DUID_C3 = DUID_LL(hwtype=1, lladdr=MAC_C3)
DUID_SRV = DUID_EN(enterprisenum=32473, id=b"spanhound-srv")


def ra(src_mac, src, hlim=255, **kw):
    return Ether(src=src_mac, dst="33:33:00:00:00:01") / IPv6(src=src, dst=ALL_NODES, hlim=hlim) / \
        ICMPv6ND_RA(**kw)


def udp6(src_mac, dst_mac, src, dst, sport, dport, payload):
    return Ether(src=src_mac, dst=dst_mac) / IPv6(src=src, dst=dst) / \
        UDP(sport=sport, dport=dport) / payload


def c1_to_server(msg):
    return udp6(MAC_C1, "33:33:00:01:00:02", LL_C1, ALL_DHCP, 546, 547, msg)


def server_to_c1(msg):
    return udp6(MAC_SRV, MAC_C1, LL_SRV, LL_C1, 547, 546, msg)


def router_ads():
    r1_opts = (ICMPv6NDOptSrcLLAddr(lladdr=MAC_R1) /
               ICMPv6NDOptMTU(mtu=1500) /
               ICMPv6NDOptPrefixInfo(prefixlen=64, L=1, A=1, validlifetime=86400,
                                     preferredlifetime=14400, prefix="2001:db8:1::") /
               ICMPv6NDOptPrefixInfo(prefixlen=64, L=1, A=0, validlifetime=2592000,
                                     preferredlifetime=604800, prefix="2001:db8:2::") /
               ICMPv6NDOptRDNSS(lifetime=600, dns=["2001:db8::53", "2001:db8::54"]))
    r1 = ra(MAC_R1, LL_R1, chlim=64, M=1, O=1, routerlifetime=1800) / r1_opts
    r2 = ra(MAC_R2, LL_R2, chlim=0, M=0, O=0, routerlifetime=0) / \
        ICMPv6NDOptSrcLLAddr(lladdr=MAC_R2) / \
        ICMPv6NDOptPrefixInfo(prefixlen=64, L=1, A=1, validlifetime=3600,
                              preferredlifetime=1800, prefix="fe80::") / \
        ICMPv6NDOptPrefixInfo(prefixlen=64, L=1, A=1, validlifetime=3600,
                              preferredlifetime=7200, prefix="2001:db8:3::") / \
        ICMPv6NDOptPrefixInfo(prefixlen=62, L=1, A=0, validlifetime=0xffffffff,
                              preferredlifetime=0xffffffff, prefix="2001:db8:4:7::1") / \
        ICMPv6NDOptRDNSS(lifetime=0, dns=["2001:db8::99"])
    off_link = ra(MAC_R1, LL_R1, hlim=64, chlim=64, routerlifetime=1800) / \
        ICMPv6NDOptPrefixInfo(prefixlen=64, L=1, A=1, validlifetime=86400,
                              preferredlifetime=14400, prefix="2001:db8:66::")
    global_src = ra(MAC_R1, "2001:db8::1", chlim=64, routerlifetime=1800) / \
        ICMPv6NDOptPrefixInfo(prefixlen=64, L=1, A=1, validlifetime=86400,
                              preferredlifetime=14400, prefix="2001:db8:67::")
    return [r1, r2, off_link, global_src]


def ia_na_addr(addr, pref, valid):
    return DHCP6OptIA_NA(iaid=1, T1=pref // 2, T2=pref * 4 // 5,
                         ianaopts=[DHCP6OptIAAddress(addr=addr, preflft=pref, validlft=valid)])


def ia_pd_prefix(prefix, plen, pref, valid):
    return DHCP6OptIA_PD(iaid=2, T1=pref // 2, T2=pref * 4 // 5,
                         iapdopt=[DHCP6OptIAPrefix(prefix=prefix, plen=plen, preflft=pref,
                                                   validlft=valid)])


def dhcp6_exchange():
    fqdn = DHCP6OptClientFQDN(flags="S", fqdn="client1.example.com.")
    dns = DHCP6OptDNSServers(dnsservers=["2001:db8::53", "2001:db8::54"])
    solicit = DHCP6_Solicit(trid=0x1a2b3c) / DHCP6OptElapsedTime(elapsedtime=0) / \
        DHCP6OptClientId(duid=DUID_C1) / DHCP6OptIA_NA(iaid=1) / DHCP6OptIA_PD(iaid=2) / \
        DHCP6OptOptReq(reqopts=[23, 24, 39]) / fqdn
    advertise = DHCP6_Advertise(trid=0x1a2b3c) / DHCP6OptClientId(duid=DUID_C1) / \
        DHCP6OptServerId(duid=DUID_SRV) / ia_na_addr("2001:db8:1::1000", 3600, 7200) / \
        ia_pd_prefix("2001:db8:100::", 56, 1800, 3600) / dns
    request = DHCP6_Request(trid=0x4d5e6f) / DHCP6OptElapsedTime(elapsedtime=100) / \
        DHCP6OptClientId(duid=DUID_C1) / DHCP6OptServerId(duid=DUID_SRV) / \
        ia_na_addr("2001:db8:1::1000", 0, 0) / ia_pd_prefix("2001:db8:100::", 56, 0, 0) / fqdn
    reply = DHCP6_Reply(trid=0x4d5e6f) / DHCP6OptClientId(duid=DUID_C1) / \
        DHCP6OptServerId(duid=DUID_SRV) / ia_na_addr("2001:db8:1::1000", 3600, 7200) / \
        ia_pd_prefix("2001:db8:100::", 56, 1800, 3600) / dns / \
        DHCP6OptClientFQDN(flags="S", fqdn="client1.example.com.")
    inforeq = DHCP6_InfoRequest(trid=0x000001) / DHCP6OptClientId(duid=DUID_C3) / \
        DHCP6OptOptReq(reqopts=[23])
    noaddrs = DHCP6_Advertise(trid=0x0abcde) / DHCP6OptClientId(duid=DUID_C3) / \
        DHCP6OptServerId(duid=DUID_SRV) / \
        DHCP6OptIA_NA(iaid=9, ianaopts=[DHCP6OptStatusCode(statuscode=2, statusmsg=b"no addresses")])
    return [c1_to_server(solicit), server_to_c1(advertise), c1_to_server(request),
            server_to_c1(reply),
            udp6(MAC_C3, "33:33:00:01:00:02", LL_C3, ALL_DHCP, 546, 547, inforeq),
            udp6(MAC_SRV, MAC_C3, LL_SRV, LL_C3, 547, 546, noaddrs)]


def relayed():
    solicit2 = DHCP6_Solicit(trid=0x222222) / DHCP6OptClientId(duid=DUID_C2) / \
        DHCP6OptIA_NA(iaid=1) / DHCP6OptClientFQDN(flags="S", fqdn="client2.")
    fwd = DHCP6_RelayForward(hopcount=0, linkaddr=RELAY_ADDR, peeraddr=LL_C2) / \
        DHCP6OptClientLinkLayerAddr(lltype=1, clladdr=MAC_C2) / DHCP6OptRelayMsg(message=solicit2)
    reply2 = DHCP6_Reply(trid=0x222222) / DHCP6OptClientId(duid=DUID_C2) / \
        DHCP6OptServerId(duid=DUID_SRV) / ia_na_addr("2001:db8:1::2000", 3600, 7200) / \
        DHCP6OptDNSServers(dnsservers=["2001:db8::53"])
    rep = DHCP6_RelayReply(hopcount=0, linkaddr=RELAY_ADDR, peeraddr=LL_C2) / \
        DHCP6OptClientLinkLayerAddr(lltype=1, clladdr=MAC_C2) / DHCP6OptRelayMsg(message=reply2)
    # two envelopes: the first-hop relay's (inner, with option 79) inside a
    # second relay's
    reply3 = DHCP6_Reply(trid=0x333333) / DHCP6OptClientId(duid=DUID_C2) / \
        DHCP6OptServerId(duid=DUID_SRV) / ia_na_addr("2001:db8:1::3000", 600, 900)
    inner = DHCP6_RelayReply(hopcount=0, linkaddr=RELAY_ADDR, peeraddr=LL_C2) / \
        DHCP6OptClientLinkLayerAddr(lltype=1, clladdr=MAC_C2) / DHCP6OptRelayMsg(message=reply3)
    outer = DHCP6_RelayReply(hopcount=1, linkaddr="2001:db8:9::1", peeraddr=RELAY_ADDR) / \
        DHCP6OptRelayMsg(message=inner)
    return [udp6(MAC_RELAY, MAC_SRV, RELAY_ADDR, SERVER_ADDR, 547, 547, fwd),
            udp6(MAC_SRV, MAC_RELAY, SERVER_ADDR, RELAY_ADDR, 547, 547, rep),
            udp6(MAC_SRV, MAC_RELAY, SERVER_ADDR, RELAY_ADDR, 547, 547, outer)]


def dns_check():
    name = "q.ipv6-ra-dhcp6.example.net"
    q = udp6(MAC_C1, MAC_R1, "2001:db8:1::1000", "2001:db8::53", 40100, 53,
             DNS(id=0x6666, rd=1, qd=DNSQR(qname=name, qtype="AAAA")))
    a = udp6(MAC_R1, MAC_C1, "2001:db8::53", "2001:db8:1::1000", 53, 40100,
             DNS(id=0x6666, qr=1, rd=1, ra=1, qd=DNSQR(qname=name, qtype="AAAA"),
                 an=DNSRR(rrname=name, type="AAAA", ttl=300, rdata="2001:db8::80")))
    return [q, a]


def write_corpus(corpus_dir, pkts):
    """Seeds: the ICMPv6 messages / UDP payloads of the capture, plus edge
    cases the capture cannot hold (bytes from the RFC layouts)."""
    ra_dir = os.path.join(corpus_dir, "ra")
    d6_dir = os.path.join(corpus_dir, "dhcp6")
    os.makedirs(ra_dir, exist_ok=True)
    os.makedirs(d6_dir, exist_ok=True)

    def put(d, name, data):
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)

    ras = [p for p in pkts if p.haslayer(ICMPv6ND_RA)]
    put(ra_dir, "r1-two-prefixes-rdnss-slla-mtu", raw(ras[0][ICMPv6ND_RA]))
    put(ra_dir, "r2-ignored-prefixes", raw(ras[1][ICMPv6ND_RA]))
    r1 = raw(ras[0][ICMPv6ND_RA])
    put(ra_dir, "fixed-part-only", r1[:16])
    put(ra_dir, "option-length-zero", r1[:16] + b"\x01\x00" + b"\0" * 6)
    put(ra_dir, "option-past-end", r1[:16] + b"\x03\x04" + b"\0" * 20)
    pio = bytearray(r1[32:64])
    pio[2] = 129
    put(ra_dir, "prefix-length-129", r1[:16] + bytes(pio))
    put(ra_dir, "six-prefixes", r1[:16] + r1[32:64] * 6)
    # the same messages with a 16-octet source in front (second harness mode)
    put(ra_dir, "src-global-then-r1", bytes.fromhex("20010db8000000000000000000000001") + r1)

    d6 = [p for p in pkts if p.haslayer(UDP) and 546 in (p[UDP].sport, p[UDP].dport)]
    names = ["solicit-ia-na-ia-pd-fqdn", "advertise-ia-na-ia-pd-dns", "request",
             "reply-fqdn", "information-request-duid-ll", "advertise-noaddrsavail",
             "relay-forw-opt79", "relay-repl-opt79", "relay-repl-two-envelopes"]
    d6 += [p for p in pkts if p.haslayer(UDP) and p[UDP].sport == 547 and p[UDP].dport == 547]
    seen = set()
    k = 0
    for p in d6:
        b = raw(p[UDP].payload)
        if b in seen:
            continue
        seen.add(b)
        put(d6_dir, names[k], b)
        k += 1
    # edge cases from RFC 8415 layouts
    put(d6_dir, "header-only", bytes.fromhex("0b000001"))
    put(d6_dir, "fqdn-label-64", bytes.fromhex("01000001" "00270043" "00" "40") + b"a" * 64 + b"\0")
    put(d6_dir, "fqdn-pointer", bytes.fromhex("01000001" "00270007" "00" "03777777c000"))
    put(d6_dir, "iaaddr-short", bytes.fromhex("07000001" "00030027" + "00" * 12 + "00050017") + b"\x20" * 23)
    # Status Code NoAddrsAvail (2) inside an IAADDR, NoPrefixAvail (6)
    # inside an IAPREFIX: the address / prefix is not bound (RFC 8415 21.13)
    iaaddr = bytes.fromhex("0005001e" "20010db8000100000000000000000042" "00000064" "000000c8"
                           "000d0002" "0002")
    put(d6_dir, "iaaddr-status-noaddrsavail",
        bytes.fromhex("07000001" "0003002e" + "00" * 12) + iaaddr)
    iapfx = bytes.fromhex("001a001f" "00000064" "000000c8" "38" "20010db8010000000000000000000000"
                          "000d0002" "0006")
    put(d6_dir, "iaprefix-status-noprefixavail",
        bytes.fromhex("07000001" "0019002f" + "00" * 12) + iapfx)
    env = bytes.fromhex("0c00") + bytes(32)
    msg = bytes.fromhex("01000001")
    for _ in range(9):                      # one envelope over the cap
        msg = env + bytes.fromhex("0009") + len(msg).to_bytes(2, "big") + msg
    put(d6_dir, "relay-nine-deep", msg)


def main(outdir, corpus_dir=None):
    pkts = router_ads() + dhcp6_exchange() + relayed() + dns_check()
    for i, p in enumerate(pkts):
        p.time = T0 + i * 0.01
    os.makedirs(outdir, exist_ok=True)
    wrpcap(os.path.join(outdir, "ipv6-ra-dhcp6.pcap"), pkts)
    # the decode test's name check: one line in the directory's expected.txt
    exp = os.path.join(outdir, "expected.txt")
    line = "ipv6-ra-dhcp6.pcap\tq.ipv6-ra-dhcp6.example.net\n"
    old = open(exp).read() if os.path.exists(exp) else ""
    if line not in old:
        with open(exp, "a") as f:
            f.write(line)
    if corpus_dir:
        write_corpus(corpus_dir, pkts)


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: gen_ipv6.py PCAP_DIR [CORPUS_DIR]")
    main(sys.argv[1], sys.argv[2] if len(sys.argv) == 3 else None)
