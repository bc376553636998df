#!/usr/bin/python3
"""Generate the attack regression captures of tests/regress/attacks/
(deterministic; rerun to regenerate every pcap, case.conf, case.json and
the README):

    /usr/bin/python3 tests/gen/gen_attacks.py tests/regress/attacks

Threat model: "the LAN lies".  An infected host shares the mirrored segment
with the sensor and can forge anything it sends: ARP, NDP, DHCP, DNS
answers, floods of new sources.  Each case is one such attack (or a benign
control beside one), one directory holding:

  capture.pcap   the capture, built here with scapy
  case.conf      a libconfig file passed with -c (only when the case needs one)
  case.json      what tests/regress/attacks/check.py must find in the EVE output

The office segment every IPv4 case starts from (10.40.0.0/24):
  10.40.0.1    the gateway: router and DHCP server, MAC ROUTER_MAC (the same
               MAC every external peer sits behind)
  10.40.0.53   the office resolver: answers the clients and forwards every
               lookup to 192.0.2.53 a few ms later (both legs mirrored)
  10.40.0.2x   benign workstations browsing (popular names, TLS)
  10.40.0.17   the usual infected host, "WS-17"
  10.40.0.30   the usual victim, "CEO-LAPTOP"
External peers: 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24 (RFC 5737),
2001:db8::/32 (RFC 3849).  On-segment hosts get stable locally
administered MACs (netgen.mac_of; 02:66:... for IPv6 ones).

The algorithmic names are this project's own (seeded random letters,
consonant-heavy, 10-16 characters, under .com/.net/.biz/.info): no name here
comes from a public DGA list.
"""
import hashlib
import ipaddress
import random
import sys

from scapy.all import (ARP, BOOTP, DHCP, DNS, DNSQR, DNSRR, IP, TCP, UDP, Ether, ICMPv6ND_NA,
                       ICMPv6ND_NS, ICMPv6ND_RA, ICMPv6NDOptDstLLAddr, ICMPv6NDOptMTU,
                       ICMPv6NDOptPrefixInfo, ICMPv6NDOptRDNSS, ICMPv6NDOptSrcLLAddr, IPv6, Raw)

import netgen
from netgen import (ROUTER_MAC, TLS, Net, ServerName, TLS_Ext_ServerName, TLSClientHello,
                    mac_of)

T0 = 1764662400.0            # 2025-12-02 08:00:00 UTC
DAY = 86400.0

GW = "10.40.0.1"             # router + DHCP server (MAC ROUTER_MAC)
RESOLVER = "10.40.0.53"
UPSTREAM = "192.0.2.53"
INFECTED = "10.40.0.17"
VICTIM = "10.40.0.30"
BENIGN_HOSTS = {"10.40.0.21": "WS-21", "10.40.0.22": "WS-22"}

BCAST = "ff:ff:ff:ff:ff:ff"

# popular names and the addresses they resolve to (answers and TLS peers)
POPULAR = [("www.wikipedia.org", 10), ("docs.python.org", 11), ("github.com", 12),
           ("outlook.office365.com", 13), ("fonts.gstatic.com", 14), ("slack.com", 15),
           ("update.googleapis.com", 16), ("login.microsoftonline.com", 17),
           ("www.bbc.co.uk", 18), ("cdn.jsdelivr.net", 19), ("teams.microsoft.com", 20),
           ("static.xx.fbcdn.net", 21)]


# ---- addresses ---------------------------------------------------------

def is_v6(ip):
    return ":" in ip


def stable_mac(ip):
    """a stable locally administered MAC for an on-segment address"""
    if not is_v6(ip):
        return mac_of(ip)
    b = ipaddress.IPv6Address(ip).packed
    return "02:66:%02x:%02x:%02x:%02x" % tuple(b[12:16])


def rand_mac(r):
    """a random unicast, locally administered MAC"""
    b = [r.randrange(256) for _ in range(6)]
    b[0] = (b[0] & 0xfc) | 0x02
    return ":".join("%02x" % x for x in b)


def mac_bytes(mac):
    return bytes.fromhex(mac.replace(":", ""))


def solicited_node(ip):
    """RFC 4291 2.7.1 solicited-node multicast address and its MAC"""
    b = ipaddress.IPv6Address(ip).packed
    sn = ipaddress.IPv6Address(bytes.fromhex("ff0200000000000000000001ff") + b[13:16])
    return str(sn), "33:33:ff:%02x:%02x:%02x" % tuple(b[13:16])


# ---- names -------------------------------------------------------------

CONS = "bcdfghjklmnpqrstvwxz"
VOWELS = "aeiouy"


def dga_names(seed, count, tlds=("com", "net", "biz", "info")):
    """this project's own DGA: consonant-heavy random labels of 10-16 letters"""
    r = random.Random(seed)
    out, seen = [], set()
    while len(out) < count:
        label = "".join(r.choice(VOWELS) if r.random() < 0.2 else r.choice(CONS)
                        for _ in range(r.randint(10, 16)))
        name = label + "." + r.choice(tlds)
        if name not in seen:
            seen.add(name)
            out.append(name)
    return out


def b32_label(r, n):
    return "".join(r.choice("abcdefghijklmnopqrstuvwxyz234567") for _ in range(n))


def hex_label(r, n):
    return "".join(r.choice("0123456789abcdef") for _ in range(n))


# ---- the segment ---------------------------------------------------------

class Lan:
    """A mirrored segment: a netgen.Net plus who sits where at layer 2.
    Addresses registered with on_segment() use their own MAC; any other
    address is behind the router (ROUTER_MAC).  Every helper takes explicit
    MAC overrides so a case can forge what it likes."""

    def __init__(self, t0=T0):
        self.net = Net(t0)
        self.l2 = {}
        self._qid = 0x2400

    def on_segment(self, ip, mac=None):
        self.l2[ip] = mac or stable_mac(ip)
        return self.l2[ip]

    def mac(self, ip):
        return self.l2.get(ip, ROUTER_MAC)

    def add(self, t, frame):
        self.net.add(t, frame)

    def ip_udp(self, t, src, dst, sport, dport, payload, smac=None, dmac=None):
        l3 = IPv6(src=src, dst=dst) if is_v6(src) else IP(src=src, dst=dst)
        self.add(t, Ether(src=smac or self.mac(src), dst=dmac or self.mac(dst)) / l3 /
                 UDP(sport=sport, dport=dport) / payload)

    def ip_tcp(self, t, src, dst, sport, dport, flags, seq, ack=0, payload=b"", smac=None,
               dmac=None):
        l3 = IPv6(src=src, dst=dst) if is_v6(src) else IP(src=src, dst=dst)
        pkt = (Ether(src=smac or self.mac(src), dst=dmac or self.mac(dst)) / l3 /
               TCP(sport=sport, dport=dport, flags=flags, seq=seq, ack=ack))
        self.add(t, pkt / Raw(payload) if payload else pkt)

    # ---- DNS ------------------------------------------------------------
    def qid(self):
        self._qid = (self._qid * 75 + 74) % 65537 & 0xffff
        return self._qid

    def dns_query(self, t, client, server, name, qtype="A", sport=None, qid=None, smac=None,
                  dmac=None):
        """one query; returns (sport, qid) for the answer"""
        sport = sport or self.net.sport(client)
        qid = self.qid() if qid is None else qid
        self.ip_udp(t, client, server, sport, 53,
                    DNS(id=qid, rd=1, qd=DNSQR(qname=name, qtype=qtype)), smac, dmac)
        return sport, qid

    def dns_answer(self, t, server, client, name, qtype, sport, qid, rcode=3, answers=(),
                   smac=None, dmac=None):
        """answers: (type, rdata) tuples for `name`"""
        an = None
        for typ, data in answers:
            rr = DNSRR(rrname=name, type=typ, ttl=300, rdata=data)
            an = rr if an is None else an / rr
        self.ip_udp(t, server, client, 53, sport,
                    DNS(id=qid, qr=1, rd=1, ra=1, rcode=rcode,
                        qd=DNSQR(qname=name, qtype=qtype), an=an), smac, dmac)

    def lookup(self, t, client, server, name, qtype="A", rcode=3, answers=(), rtt=0.012,
               smac=None, answer_dmac=None):
        """a query and its answer, straight between client and server"""
        sp, q = self.dns_query(t, client, server, name, qtype, smac=smac)
        self.dns_answer(t + rtt, server, client, name, qtype, sp, q, rcode, answers,
                        dmac=answer_dmac)

    def resolve(self, t, client, name, rcode=3, answers=(), qtype="A", resolver=RESOLVER,
                upstream=UPSTREAM, fwd=0.003, up_rtt=0.020, smac=None, answer_dmac=None):
        """client -> resolver, resolver -> upstream `fwd` s later, upstream
        answer, resolver -> client: both legs of a relayed lookup"""
        sp, q = self.dns_query(t, client, resolver, name, qtype, smac=smac)
        if upstream:
            self.lookup(t + fwd, resolver, upstream, name, qtype, rcode, answers, up_rtt)
        self.dns_answer(t + fwd + up_rtt + 0.001, resolver, client, name, qtype, sp, q,
                        rcode, answers, dmac=answer_dmac)

    # ---- TCP / TLS ---------------------------------------------------------
    def tls(self, t, client, server, sni, dport=443):
        """a short TLS connection: handshake, ClientHello, close.  The
        ClientHello's time and random are fixed (scapy draws them at random)"""
        sp, c, s, rtt = self.net.sport(client), 1000, 50000, 0.02
        rnd = hashlib.sha256(("%s %s %d %f" % (client, server, sp, t)).encode()).digest()[:28]
        ch = bytes(TLS(msg=[TLSClientHello(
            gmt_unix_time=int(self.net.t0 + t), random_bytes=rnd, sid=b"",
            ciphers=[0x1301, 0x1302, 0xc02b, 0xc02f],
            ext=[TLS_Ext_ServerName(servernames=[ServerName(servername=sni.encode())])])]))
        self.ip_tcp(t, client, server, sp, dport, "S", c)
        self.ip_tcp(t + rtt, server, client, dport, sp, "SA", s, c + 1)
        self.ip_tcp(t + rtt + 0.001, client, server, sp, dport, "A", c + 1, s + 1)
        self.ip_tcp(t + rtt + 0.002, client, server, sp, dport, "PA", c + 1, s + 1, ch)
        cf = c + 1 + len(ch)
        self.ip_tcp(t + 2 * rtt, client, server, sp, dport, "FA", cf, s + 1)
        self.ip_tcp(t + 3 * rtt, server, client, dport, sp, "FA", s + 1, cf + 1)
        self.ip_tcp(t + 3 * rtt + 0.001, client, server, sp, dport, "A", cf + 1, s + 2)

    # ---- DHCP ---------------------------------------------------------------
    def dhcp(self, t, op, mtype, xid, chaddr, smac, dmac, src, dst, opts=(),
             yiaddr="0.0.0.0", ciaddr="0.0.0.0"):
        sport, dport = (68, 67) if op == 1 else (67, 68)
        self.add(t, Ether(src=smac, dst=dmac) / IP(src=src, dst=dst) /
                 UDP(sport=sport, dport=dport) /
                 BOOTP(op=op, xid=xid, chaddr=mac_bytes(chaddr) + b"\0" * 10, yiaddr=yiaddr,
                       ciaddr=ciaddr) /
                 DHCP(options=[("message-type", mtype)] + list(opts) + ["end"]))

    @staticmethod
    def lease_opts(server, lease):
        return [("server_id", server), ("lease_time", int(lease)),
                ("subnet_mask", "255.255.255.0"), ("router", GW), ("name_server", RESOLVER)]

    def dora(self, t, ip, hostname, xid, mac=None, lease=86400, server=GW):
        """a full DORA from `server` (whose MAC is self.mac(server))"""
        cmac, smac = mac or self.mac(ip), self.mac(server)
        hn = ("hostname", hostname.encode())
        self.dhcp(t, 1, "discover", xid, cmac, cmac, BCAST, "0.0.0.0", "255.255.255.255", [hn])
        self.dhcp(t + 0.01, 2, "offer", xid, cmac, smac, cmac, server, ip,
                  self.lease_opts(server, lease), yiaddr=ip)
        self.dhcp(t + 0.02, 1, "request", xid, cmac, cmac, BCAST, "0.0.0.0", "255.255.255.255",
                  [("requested_addr", ip), ("server_id", server), hn])
        self.dhcp(t + 0.03, 2, "ack", xid, cmac, smac, cmac, server, ip,
                  self.lease_opts(server, lease), yiaddr=ip)

    def renew(self, t, ip, hostname, xid, mac=None, lease=86400, server=GW):
        """RENEWING (RFC 2131 4.4.5): unicast REQUEST with ciaddr, unicast ACK"""
        cmac, smac = mac or self.mac(ip), self.mac(server)
        self.dhcp(t, 1, "request", xid, cmac, cmac, smac, ip, server,
                  [("hostname", hostname.encode())], ciaddr=ip)
        self.dhcp(t + 0.01, 2, "ack", xid, cmac, smac, cmac, server, ip,
                  self.lease_opts(server, lease), yiaddr=ip, ciaddr=ip)

    # ---- ARP ----------------------------------------------------------------
    def arp(self, t, op, smac, sip, tmac, tip, edst):
        self.add(t, Ether(src=smac, dst=edst) /
                 ARP(op=op, hwsrc=smac, psrc=sip, hwdst=tmac, pdst=tip))

    def garp(self, t, ip, mac):
        """gratuitous ARP (RFC 5227 announcement): sender = target = ip"""
        self.arp(t, 1, mac, ip, "00:00:00:00:00:00", ip, BCAST)

    def arp_exchange(self, t, asker, ip):
        """`asker` asks who-has `ip`; `ip` answers with its own MAC"""
        self.arp(t, 1, self.mac(asker), asker, "00:00:00:00:00:00", ip, BCAST)
        self.arp(t + 0.001, 2, self.mac(ip), ip, self.mac(asker), asker, self.mac(asker))

    # ---- IPv6 neighbour discovery -----------------------------------------------
    def ra(self, t, router_ll, router_mac, prefix, rdnss=None):
        """RFC 4861 4.2 Router Advertisement: hop limit 255, SLLA, MTU and a
        Prefix Information option with L and A set"""
        ra = (Ether(src=router_mac, dst="33:33:00:00:00:01") /
              IPv6(src=router_ll, dst="ff02::1", hlim=255) /
              ICMPv6ND_RA(chlim=64, routerlifetime=1800) /
              ICMPv6NDOptSrcLLAddr(lladdr=router_mac) / ICMPv6NDOptMTU(mtu=1500) /
              ICMPv6NDOptPrefixInfo(prefixlen=64, L=1, A=1, validlifetime=2592000,
                                    preferredlifetime=604800, prefix=prefix))
        if rdnss:
            ra = ra / ICMPv6NDOptRDNSS(dns=[rdnss], lifetime=1800)
        self.add(t, ra)

    def ndp_join(self, t, ip):
        """a SLAAC host: DAD probe, then an unsolicited NA announcing its MAC"""
        mac = self.mac(ip)
        sn, snmac = solicited_node(ip)
        self.add(t, Ether(src=mac, dst=snmac) / IPv6(src="::", dst=sn, hlim=255) /
                 ICMPv6ND_NS(tgt=ip))
        self.add(t + 1.0, Ether(src=mac, dst="33:33:00:00:00:01") /
                 IPv6(src=ip, dst="ff02::1", hlim=255) / ICMPv6ND_NA(tgt=ip, R=0, S=0, O=1) /
                 ICMPv6NDOptDstLLAddr(lladdr=mac))

    def ndp_exchange(self, t, asker, ip):
        """`asker` solicits `ip`; `ip` answers with a solicited NA"""
        amac, mac = self.mac(asker), self.mac(ip)
        sn, snmac = solicited_node(ip)
        self.add(t, Ether(src=amac, dst=snmac) / IPv6(src=asker, dst=sn, hlim=255) /
                 ICMPv6ND_NS(tgt=ip) / ICMPv6NDOptSrcLLAddr(lladdr=amac))
        self.add(t + 0.001, Ether(src=mac, dst=amac) / IPv6(src=ip, dst=asker, hlim=255) /
                 ICMPv6ND_NA(tgt=ip, R=0, S=1, O=1) / ICMPv6NDOptDstLLAddr(lladdr=mac))

    def write(self, path):
        self.net.write(path)


# ---- building blocks of the office ---------------------------------------------

def office(lan, hosts, t=1.0):
    """the office segment: the gateway (router and DHCP server, ROUTER_MAC),
    the resolver, and a DHCP lease for every {ip: hostname} in `hosts`"""
    lan.on_segment(GW, ROUTER_MAC)
    lan.on_segment(RESOLVER)
    lan.arp_exchange(0.5, GW, RESOLVER)
    for i, (ip, name) in enumerate(hosts.items()):
        if ip not in lan.l2:
            lan.on_segment(ip)
        lan.dora(t + 0.2 * i, ip, name, 0x5000 + i)
        lan.arp_exchange(t + 0.2 * i + 0.1, ip, GW)


def browse(lan, clients, t0, t1, seed, gap=(4.0, 9.0), tls_every=4, **kw):
    """ordinary browsing by `clients` in turn: popular names through the
    resolver, every tls_every-th followed by a TLS connection (None: never)"""
    r = random.Random(seed)
    t, k = t0, 0
    while t < t1:
        c = clients[k % len(clients)]
        name, n = r.choice(POPULAR)
        if is_v6(c):
            addr = "2001:db8:100::%x" % n
            lan.resolve(t, c, name, rcode=0, answers=[("AAAA", addr)], qtype="AAAA", **kw)
        else:
            addr = "198.51.100.%d" % n
            lan.resolve(t, c, name, rcode=0, answers=[("A", addr)], **kw)
        if tls_every and k % tls_every == 0:
            lan.tls(t + 0.1, c, addr, name)
        t += r.uniform(*gap)
        k += 1


def burst(lan, t, client, names, gap=5.0, server=None, **kw):
    """a DGA walk: every name answered NXDOMAIN, through the office resolver
    (or looked up straight at `server`); returns the time after it"""
    for name in names:
        if server:
            lan.lookup(t, client, server, name, rcode=3, **kw)
        else:
            lan.resolve(t, client, name, rcode=3, **kw)
        t += gap
    return t


ROUTED = ["10.9.1.%d" % i for i in range(10, 16)]    # behind the router: ROUTER_MAC
ROUTED_BOT = "10.9.1.13"


def routed_office(lan, t_end, extra=None):
    """office() with three workstations (plus `extra` {ip: hostname}) that
    reach 14 external addresses through the router, and the hosts of
    10.9.1.0/24 behind an internal L3 router (all with its MAC), all
    browsing until t_end"""
    office_hosts = {"10.40.0.21": "WS-21", "10.40.0.22": "WS-22", "10.40.0.23": "WS-23"}
    office(lan, dict(office_hosts, **(extra or {})))
    # the office hosts reach 14 external addresses through the router
    r = random.Random(107)
    t = 2.0
    for k in range(28):
        c = list(office_hosts)[k % 3]
        addr = "198.51.100.%d" % (40 + k % 14)
        lan.tls(t, c, addr, "www.wikipedia.org")
        t += r.uniform(3.0, 8.0)
    browse(lan, list(office_hosts) + list(extra or {}), 3.0, t_end, 207)
    browse(lan, ROUTED, 4.0, t_end, 307, gap=(3.0, 7.0), tls_every=None)


def std_office(lan, extra):
    """office() with the benign workstations plus `extra` {ip: hostname}"""
    hosts = dict(BENIGN_HOSTS)
    hosts.update(extra)
    office(lan, hosts)
    return list(hosts)


# ---- expectations helpers ------------------------------------------------------

def host_infected(mac=None, status=None, kinds=("dga_nxdomain",), **more):
    """expectations on a flagged host's last record"""
    e = {"verdict": "infected", "evidence_kinds": list(kinds)}
    if mac is not None or status in ("routed", "conflict"):
        e["mac"] = mac
    if status:
        e["mac_status"] = status
    e.update(more)
    return e


# ---- the cases ------------------------------------------------------------------
# Each returns (lan, spec): spec holds the README texts ("forges",
# "outcome"), an optional "config" text and the checker's expectations.

def case_forged_dhcp_request():
    lan = Lan()
    std_office(lan, {INFECTED: "WS-17", VICTIM: "CEO-LAPTOP"})
    clients = list(BENIGN_HOSTS) + [INFECTED, VICTIM]
    browse(lan, clients, 2.0, 320.0, 101)
    names = dga_names(1001, 24)
    t = burst(lan, 60.0, INFECTED, names[:12])
    # the forgery: a REQUEST as V would send it (Ethernet source and chaddr
    # V's MAC), asking for I's address under V's hostname; the server NAKs
    vmac = lan.mac(VICTIM)
    lan.dhcp(t, 1, "request", 0x6666, vmac, vmac, BCAST, "0.0.0.0", "255.255.255.255",
             [("requested_addr", INFECTED), ("server_id", GW), ("hostname", b"CEO-LAPTOP")])
    lan.dhcp(t + 0.01, 2, "nak", 0x6666, vmac, ROUTER_MAC, BCAST, GW, "255.255.255.255",
             [("server_id", GW)])
    burst(lan, t + 2.0, INFECTED, names[12:])
    return lan, {
        "forges": "I sends a DHCP REQUEST as V would (Ethernet source and chaddr = V's MAC, "
                  "hostname CEO-LAPTOP) asking for I's own address, mid-burst; the server NAKs",
        "outcome": "I flagged with its own MAC (trusted) and not CEO-LAPTOP's name; V untouched",
        "flagged": [INFECTED],
        "never_flagged": [VICTIM],
        "no_evidence": [VICTIM, RESOLVER] + list(BENIGN_HOSTS),
        "hosts": {INFECTED: host_infected(lan.mac(INFECTED), "trusted",
                                          hostname={"$ne": "CEO-LAPTOP"})},
    }


def forged_ack_case(rogue, victim_mac_frames=False):
    lan = Lan()
    std_office(lan, {INFECTED: "WS-17", VICTIM: "CEO-LAPTOP"})
    clients = list(BENIGN_HOSTS) + [INFECTED, VICTIM]
    browse(lan, clients, 2.0, 440.0, 102)
    names = dga_names(1002, 24)
    # steady state: every binding (the server's too) established for > mac_stable
    t = burst(lan, 180.0, INFECTED, names[:12])
    vmac, imac = lan.mac(VICTIM), lan.mac(INFECTED)
    if rogue:
        # a server address never seen before, sent from I's own NIC
        server, smac = "10.40.0.250", imac
    else:
        # the configured server's address and MAC, spoofed
        server, smac = GW, ROUTER_MAC
    lan.dhcp(t, 2, "ack", 0x7777, vmac, smac, BCAST, server, "255.255.255.255",
             Lan.lease_opts(server, 86400) + [("hostname", b"CEO-LAPTOP")], yiaddr=INFECTED)
    if victim_mac_frames:
        # and, as if the lease were used, frames from I's address with V's MAC
        for k in range(3):
            lan.ip_tcp(t + 0.5 + 2.0 * k, INFECTED, "198.51.100.80", 40000 + k, 443, "S",
                       1000 + k, smac=vmac, dmac=ROUTER_MAC)
    burst(lan, t + 7.0, INFECTED, names[12:])
    return lan


def case_forged_dhcp_ack_rogue():
    lan = forged_ack_case(rogue=True)
    return lan, {
        "forges": "I sends a DHCP ACK from a never-seen server address 10.40.0.250: yiaddr = I, "
                  "chaddr = V's MAC, hostname CEO-LAPTOP, mid-burst",
        "outcome": "I flagged with its own MAC (trusted) and not CEO-LAPTOP's name; V untouched",
        "flagged": [INFECTED],
        "never_flagged": [VICTIM],
        "no_evidence": [VICTIM, RESOLVER, "10.40.0.250"] + list(BENIGN_HOSTS),
        "hosts": {INFECTED: host_infected(lan.mac(INFECTED), "trusted",
                                          hostname={"$ne": "CEO-LAPTOP"})},
    }


def case_forged_dhcp_ack_trusted_server_unused():
    lan = forged_ack_case(rogue=False)
    return lan, {
        "forges": "I sends a DHCP ACK spoofing the configured DHCP server (its IP and MAC): "
                  "yiaddr = I, chaddr = V's MAC, mid-burst; nothing ever uses that lease",
        "outcome": "I flagged with its own MAC (trusted): a lease nobody uses is recorded, "
                   "not a conflict; V untouched",
        "config": 'infrastructure: { dhcp_servers = [ "%s" ]; };\n' % GW,
        "flagged": [INFECTED],
        "never_flagged": [VICTIM],
        "no_evidence": [VICTIM],
        "hosts": {INFECTED: host_infected(lan.mac(INFECTED), "trusted")},
    }


def case_forged_dhcp_ack_trusted_server():
    lan = forged_ack_case(rogue=False, victim_mac_frames=True)
    return lan, {
        "forges": "I sends a DHCP ACK spoofing the configured DHCP server (its IP and MAC): "
                  "yiaddr = I, chaddr = V's MAC, mid-burst, then three frames from its own "
                  "address with V's MAC, as if the lease were used",
        "outcome": "I flagged with mac_status conflict, mac null, both MACs listed; V untouched",
        "config": 'infrastructure: { dhcp_servers = [ "%s" ]; };\n' % GW,
        "flagged": [INFECTED],
        "never_flagged": [VICTIM],
        "no_evidence": [VICTIM],
        "hosts": {INFECTED: host_infected(
            None, "conflict",
            **{"mac_conflict.macs": {"$contains": [lan.mac(INFECTED), lan.mac(VICTIM)]}})},
    }


def case_arp_spoof_victim_ip():
    lan = Lan()
    attacker = "10.40.0.66"
    victim = "10.40.0.40"             # statically addressed: no DHCP lease
    std_office(lan, {attacker: "WS-66"})
    lan.on_segment(victim)
    for k in range(11):                # the gateway keeps asking for V; V answers
        lan.arp_exchange(2.0 + 30 * k, GW, victim)
    browse(lan, list(BENIGN_HOSTS) + [attacker, victim], 3.0, 320.0, 104)
    amac = lan.mac(attacker)
    t = 40.0
    while t < 320.0:                   # A claims V's address every 5 s
        lan.garp(t, victim, amac)
        t += 5.0
    burst(lan, 60.0, victim, dga_names(1004, 24))
    return lan, {
        "forges": "A (10.40.0.66) sends gratuitous ARPs every 5 s claiming V's address "
                  "(statically addressed, answering ARP itself) with A's MAC; V really "
                  "runs a DGA burst",
        "outcome": "V flagged with mac_status conflict listing V's and A's MACs, mac null; "
                   "A not flagged",
        "flagged": [victim],
        "never_flagged": [attacker],
        "no_evidence": [attacker],
        "hosts": {victim: host_infected(
            None, "conflict",
            **{"mac_conflict.macs": {"$contains": [lan.mac(victim), amac]}})},
    }


def case_gratuitous_arp_router():
    lan = Lan()
    std_office(lan, {INFECTED: "WS-17"})
    browse(lan, list(BENIGN_HOSTS) + [INFECTED], 2.0, 300.0, 105)
    claimed = ["10.40.0.%d" % i for i in range(201, 206)]
    for i, ip in enumerate(claimed):
        lan.garp(30.0 + i, ip, lan.mac(INFECTED))
    burst(lan, 60.0, INFECTED, dga_names(1005, 24))
    return lan, {
        "forges": "I sends gratuitous ARPs for 5 unused addresses with its own MAC (6 IPs on "
                  "one MAC, as a router would have), then runs a DGA burst",
        "outcome": "I flagged with its own MAC, mac_status trusted (not routed)",
        "flagged": [INFECTED],
        "no_evidence": claimed,
        "hosts": {INFECTED: host_infected(lan.mac(INFECTED), "trusted")},
    }


def case_laptop_five_leases():
    lan = Lan()
    office(lan, BENIGN_HOSTS)
    laptop_mac = "02:16:aa:00:10:05"
    ips = ["10.40.0.%d" % (101 + d) for d in range(5)]
    lease = 8 * 3600
    xid = 0x8100
    for d in range(5):
        day = d * DAY
        for i, (ip, name) in enumerate(BENIGN_HOSTS.items()):   # office hosts renew daily
            lan.renew(day + 30.0 + i, ip, name, xid)
            xid += 1
        lan.on_segment(ips[d], laptop_mac)
        lan.dora(day + 60.0, ips[d], "LAPTOP-EVA", xid, lease=lease)
        xid += 1
        lan.arp_exchange(day + 60.1, ips[d], GW)
        browse(lan, list(BENIGN_HOSTS) + [ips[d]], day + 65.0, day + 300.0, 106 + d,
               gap=(6.0, 12.0), tls_every=5)
        if d == 4:
            break                       # the last day ends with the burst below
        lan.renew(day + 60.0 + lease / 2, ips[d], "LAPTOP-EVA", xid, lease=lease)
        xid += 1
        browse(lan, list(BENIGN_HOSTS) + [ips[d]], day + 60.0 + lease / 2 + 5,
               day + 60.0 + lease / 2 + 60, 206 + d, gap=(6.0, 12.0), tls_every=5)
    burst(lan, 4 * DAY + 120.0, ips[4], dga_names(1006, 24))
    return lan, {
        "forges": "nothing: one laptop MAC leases 5 addresses on 5 consecutive days "
                  "(8 h leases, renewals), then runs a DGA burst from the fifth",
        "outcome": "the fifth address flagged with the laptop's MAC, mac_status trusted",
        "flagged": [ips[4]],
        "no_evidence": ips[:4],
        "hosts": {ips[4]: host_infected(laptop_mac, "trusted")},
    }


def case_router_mac_host():
    lan = Lan()
    routed_office(lan, 320.0)
    routed, infected = ROUTED, ROUTED_BOT
    burst(lan, 60.0, infected, dga_names(1007, 24))
    return lan, {
        "forges": "nothing: hosts of 10.9.1.0/24 reach the resolver through an internal L3 "
                  "router, all with its MAC, which is also the next hop for 14 external "
                  "addresses; 10.9.1.13 runs a DGA burst",
        "outcome": "10.9.1.13 flagged with mac_status routed and mac null",
        "flagged": [infected],
        "no_evidence": [ip for ip in routed if ip != infected],
        "hosts": {infected: host_infected(None, "routed")},
    }


def case_unsolicited_nxdomain():
    lan = Lan()
    std_office(lan, {VICTIM: "CEO-LAPTOP"})
    browse(lan, list(BENIGN_HOSTS) + [VICTIM], 2.0, 300.0, 108)
    r = random.Random(1108)
    t = 60.0
    for name in dga_names(1008, 30):
        # forged answers: the resolver's address and MAC, no query behind them
        lan.dns_answer(t, RESOLVER, VICTIM, name, "A", r.randint(49152, 65000),
                       r.randrange(65536), rcode=3)
        t += 4.0
    return lan, {
        "forges": "30 NXDOMAIN answers for algorithmic names sent to V from the resolver's "
                  "address and MAC, with no query behind them",
        "outcome": "V not flagged, no evidence for V",
        "flagged": [],
        "never_flagged": [VICTIM],
        "no_evidence": [VICTIM],
    }


def case_forged_queries_wrong_mac():
    lan = Lan()
    attacker = "10.40.0.66"
    std_office(lan, {VICTIM: "CEO-LAPTOP", attacker: "WS-66"})
    browse(lan, list(BENIGN_HOSTS) + [VICTIM, attacker], 2.0, 420.0, 109)
    amac = lan.mac(attacker)
    # steady state (t = 180): the resolver's clients are established.
    # V's address, A's MAC; the real resolver relays it and answers V
    burst(lan, 180.0, VICTIM, dga_names(1009, 30), gap=4.0, smac=amac)
    return lan, {
        "forges": "A sends 30 queries for algorithmic names with V's source address but A's "
                  "own MAC; the resolver relays them and answers NXDOMAIN to V",
        "outcome": "V not flagged, no evidence for V",
        "never_flagged": [VICTIM, RESOLVER],
        "no_evidence": [VICTIM],
    }


def case_self_declared_resolver():
    lan = Lan()
    std_office(lan, {INFECTED: "WS-17"})
    browse(lan, list(BENIGN_HOSTS) + [INFECTED], 2.0, 300.0, 110)
    imac = lan.mac(INFECTED)
    for i, (h, name) in enumerate([("10.40.0.21", "intranet.acme-office.lan"),
                                   ("10.40.0.22", "printer.acme-office.lan")]):
        # both directions forged by I: a query "from" h to I, I's answer from port 53
        sp, q = lan.dns_query(30.0 + i, h, INFECTED, name, smac=imac)
        lan.dns_answer(30.01 + i, INFECTED, h, name, "A", sp, q, rcode=0,
                       answers=[("A", "10.40.0.80")])
    burst(lan, 60.0, INFECTED, dga_names(1010, 24))
    return lan, {
        "forges": "I forges two queries \"from\" two office hosts to itself (its own MAC) and "
                  "answers them from port 53, to pass as a resolver; then runs a DGA burst",
        "outcome": "I flagged with dga_nxdomain",
        "flagged": [INFECTED],
        "no_evidence": list(BENIGN_HOSTS),
        "hosts": {INFECTED: host_infected()},
    }


def case_resolver_one_client():
    lan = Lan()
    r_ip, client = "10.40.0.60", "10.40.0.17"
    lan.on_segment(GW, ROUTER_MAC)
    lan.on_segment(r_ip)
    lan.on_segment(client)
    lan.arp_exchange(0.5, GW, r_ip)
    lan.dora(1.0, client, "WS-17", 0x5100)
    lan.arp_exchange(1.5, client, r_ip)
    r = random.Random(111)
    t = 2.0
    while t < 300.0:                   # C's ordinary lookups, relayed by R
        name, n = r.choice(POPULAR)
        lan.resolve(t, client, name, rcode=0, answers=[("A", "198.51.100.%d" % n)],
                    resolver=r_ip)
        t += r.uniform(5.0, 12.0)
    burst(lan, 60.0, client, dga_names(1011, 24), resolver=r_ip)
    return lan, {
        "forges": "nothing: an unconfigured internal resolver R with one client C; C's DGA "
                  "burst goes through R, which forwards each name upstream 3 ms later and "
                  "relays the NXDOMAIN",
        "outcome": "C flagged (dga_nxdomain); R not flagged, no evidence for R",
        "flagged": [client],
        "never_flagged": [r_ip],
        "no_evidence": [r_ip],
        "hosts": {client: host_infected()},
    }


def case_resolver_own_lookups():
    lan = Lan()
    r_ip = "10.40.0.60"
    clients = {"10.40.0.21": "WS-21", "10.40.0.22": "WS-22", "10.40.0.23": "WS-23"}
    lan.on_segment(GW, ROUTER_MAC)
    lan.on_segment(r_ip)
    lan.arp_exchange(0.5, GW, r_ip)
    for i, (ip, name) in enumerate(clients.items()):
        lan.on_segment(ip)
        lan.dora(1.0 + 0.2 * i, ip, name, 0x5200 + i)
    # the clients ask every 4 s (t = 2, 6, 10, ...); R's own lookups fall
    # midway between two of them (t = 60, 64, ...), 2 s from any client query
    browse(lan, list(clients), 2.0, 320.0, 112, gap=(4.0, 4.0), resolver=r_ip)
    burst(lan, 60.0, r_ip, dga_names(1012, 24), gap=4.0, server=UPSTREAM, rtt=0.02)
    return lan, {
        "forges": "nothing: resolver R relays ordinary lookups for 3 clients and also runs "
                  "its own DGA burst (upstream lookups no client asked for)",
        "outcome": "R flagged",
        "flagged": [r_ip],
        "no_evidence": list(clients),
        "hosts": {r_ip: host_infected()},
    }


def case_resolver_blind():
    lan = Lan()
    lan.on_segment(RESOLVER)
    r = random.Random(113)
    t = 2.0
    while t < 320.0:                   # the resolver's upstream leg only
        name, n = r.choice(POPULAR)
        lan.lookup(t, RESOLVER, UPSTREAM, name, rcode=0,
                   answers=[("A", "198.51.100.%d" % n)], rtt=0.02)
        t += r.uniform(2.0, 6.0)
    burst(lan, 60.0, RESOLVER, dga_names(1013, 24), server=UPSTREAM, rtt=0.02)
    return lan, {
        "forges": "nothing: only the configured resolver's upstream leg is mirrored (clients "
                  "invisible); its upstream lookups contain a DGA burst",
        "outcome": "no host flagged (the resolver neither); at least one resolver record for it",
        "config": 'infrastructure: { dns_resolvers = [ "%s" ]; };\n' % RESOLVER,
        "flagged": [],
        "never_flagged": [RESOLVER],
        "records_required": [{"event_type": "spanhound_resolver", "spanhound_resolver.ip": RESOLVER,
                              "spanhound_resolver.status": "relaying_for_unseen_clients"}],
    }


DEAD_BOOKMARKS = ["grandpaswoodshop.com", "lakesidechoirnews.org", "oldtownbakery.net",
                  "summerleaguescores.info", "mybirdwatchinglog.com", "retrogamemanuals.net",
                  "quiltingcirclemeet.org", "cheapflightsfinder.info", "villagefairphotos.com",
                  "scoutstroop42.org", "homeremedyhints.net", "classicbikeparts.com",
                  "garagebandreunion.info", "schoolreunion1998.com", "tinyhouseplans.net"]


def case_dead_bookmarks():
    lan = Lan()
    host = "10.40.0.25"
    std_office(lan, {host: "WS-25"})
    browse(lan, list(BENIGN_HOSTS) + [host], 2.0, 300.0, 114)
    t = 60.0
    for name in DEAD_BOOKMARKS:
        lan.resolve(t, host, name, rcode=3)
        t += 1.5
    live = "riversidepotteryclub.com"
    lan.resolve(t + 1.0, host, live, rcode=0, answers=[("A", "198.51.100.77")])
    lan.tls(t + 1.1, host, "198.51.100.77", live)
    return lan, {
        "forges": "nothing: a benign host opens 15 dead bookmarks (word-like names across "
                  ".com/.org/.net/.info, NXDOMAIN), then an unpopular word-like .com resolves",
        "outcome": "no host flagged, no dga_resolved evidence anywhere",
        "flagged": [],
        "records_forbidden": [{"event_type": "spanhound_verdict",
                               "spanhound_verdict.evidence": {"$any": {"kind": "dga_resolved"}}}],
    }


def case_cdn_not_c2():
    lan = Lan()
    std_office(lan, {INFECTED: "WS-17"})
    browse(lan, list(BENIGN_HOSTS) + [INFECTED], 2.0, 300.0, 115)
    t = burst(lan, 60.0, INFECTED, dga_names(1015, 24))
    cdn = "d2x7kq9w1b3c5e.cloudfront.net"
    lan.resolve(t, INFECTED, cdn, rcode=0, answers=[("A", "198.51.100.13")])
    lan.tls(t + 0.1, INFECTED, "198.51.100.13", cdn)
    return lan, {
        "forges": "nothing: an infected host's DGA burst (24 names), then it resolves a "
                  "CloudFront name (random-looking, but a CDN's)",
        "outcome": "I flagged; no dga_resolved evidence naming cloudfront",
        "flagged": [INFECTED],
        "hosts": {INFECTED: host_infected()},
        "records_forbidden": [{"event_type": "spanhound_verdict", "spanhound_verdict.evidence": {
            "$any": {"kind": "dga_resolved", "indicator": {"$contains": "cloudfront"}}}}],
    }


def case_slow_dga():
    lan = Lan()
    std_office(lan, {INFECTED: "WS-17"})
    end = 3 * 3600.0 + 120.0
    browse(lan, list(BENIGN_HOSTS), 2.0, end, 116, gap=(60.0, 120.0), tls_every=6)
    names = dga_names(1016, 85)
    t, k = 60.0, 0
    while t + 4 * 5.0 < 60.0 + 3 * 3600.0 and k + 5 <= len(names):
        burst(lan, t, INFECTED, names[k:k + 5], gap=5.0)
        k += 5
        t += 11 * 60.0
    return lan, {
        "forges": "nothing: 5 algorithmic names every 11 minutes for 3 hours (NXDOMAIN), "
                  "never more than 5 in any 10-minute window",
        "outcome": "I flagged with dga_nxdomain",
        "flagged": [INFECTED],
        "hosts": {INFECTED: host_infected()},
    }


def case_slow_tunnel():
    lan = Lan()
    std_office(lan, {INFECTED: "WS-17"})
    end = 3 * 3600.0 + 120.0
    browse(lan, list(BENIGN_HOSTS), 2.0, end, 117, gap=(60.0, 120.0), tls_every=6,
           upstream=None)
    r = random.Random(1117)
    zone = "tlmx-sync.biz"
    per, window = 35, 900.0
    for w in range(12):
        for i in range(per):
            t = 60.0 + w * window + (i + 0.5) * window / per
            n = r.randint(30, 50)
            label = hex_label(r, n) if i % 2 else b32_label(r, n)
            name = "%s.%s" % (label, zone)
            sp, q = lan.dns_query(t, INFECTED, RESOLVER, name, "TXT")
            lan.dns_answer(t + 0.03, RESOLVER, INFECTED, name, "TXT", sp, q, rcode=0,
                           answers=[("TXT", b32_label(r, 24))])
    return lan, {
        "forges": "nothing: a DNS tunnel sending 35 distinct hex/base32 labels of 30-50 "
                  "characters (TXT) per 15 minutes to one zone, evenly, for 3 hours",
        "outcome": "I flagged with dns_tunnel",
        "flagged": [INFECTED],
        "hosts": {INFECTED: host_infected(kinds=("dns_tunnel",))},
    }


def ipv6_segment(prefix):
    """an IPv6-only segment: router RA for prefix::/64, resolver prefix::53,
    infected prefix::15, benign prefix::21 and ::22; a DGA burst of paired
    AAAA/A lookups"""
    lan = Lan()
    pfx = prefix.rstrip(":")
    router_ll = "fe80::1"
    lan.on_segment(router_ll, ROUTER_MAC)
    resolver, upstream = pfx + "::53", "2001:db8:53::53"
    infected = pfx + "::15"
    benign = [pfx + "::21", pfx + "::22"]
    for ip in [resolver, infected] + benign:
        lan.on_segment(ip)
    for k in range(4):
        lan.ra(0.5 + 100 * k, router_ll, ROUTER_MAC, prefix, rdnss=resolver)
    for i, ip in enumerate([resolver, infected] + benign):
        lan.ndp_join(1.0 + 0.5 * i, ip)
    for i, ip in enumerate([infected] + benign):
        lan.ndp_exchange(4.0 + 0.2 * i, ip, resolver)
    browse(lan, benign + [infected], 6.0, 300.0, 118, resolver=resolver, upstream=upstream)
    t = 60.0
    for name in dga_names(1018, 24):
        lan.resolve(t, infected, name, rcode=3, qtype="AAAA", resolver=resolver,
                    upstream=upstream)
        lan.resolve(t + 0.002, infected, name, rcode=3, qtype="A", resolver=resolver,
                    upstream=upstream)
        t += 5.0
    return lan, infected, resolver, benign


def case_ipv6_gua_ra():
    lan, infected, resolver, benign = ipv6_segment("2001:db8:1::")
    return lan, {
        "forges": "nothing: an IPv6-only segment on a global prefix (2001:db8:1::/64 from "
                  "the router's RA, outside the default home_net); 2001:db8:1::15 runs a DGA "
                  "burst of paired AAAA/A lookups through 2001:db8:1::53",
        "outcome": "2001:db8:1::15 flagged (default home_net, no config)",
        "flagged": [infected],
        "no_evidence": [resolver] + benign,
        "hosts": {infected: host_infected()},
    }


def case_ipv6_ula_control():
    lan, infected, resolver, benign = ipv6_segment("fd00:db8:1::")
    return lan, {
        "forges": "control for ipv6_gua_ra: the same segment on a ULA prefix "
                  "(fd00:db8:1::/64, inside the default home_net)",
        "outcome": "fd00:db8:1::15 flagged",
        "flagged": [infected],
        "no_evidence": [resolver] + benign,
        "hosts": {infected: host_infected()},
    }


def case_one_way_span():
    lan = Lan()
    clients = ["10.40.0.%d" % i for i in range(21, 26)]
    lan.on_segment(GW, ROUTER_MAC)
    lan.on_segment(RESOLVER)
    for c in clients:
        lan.on_segment(c)
    r = random.Random(119)
    t, k = 2.0, 0
    while k < 130:                      # only the client -> server direction
        c = clients[k % len(clients)]
        name, n = r.choice(POPULAR)
        lan.dns_query(t, c, RESOLVER, name)
        lan.dns_query(t + 0.003, RESOLVER, UPSTREAM, name)
        if k % 4 == 0:
            lan.ip_tcp(t + 0.05, c, "198.51.100.%d" % n, lan.net.sport(c), 443, "S", 1000)
        t += r.uniform(1.0, 3.0)
        k += 1
    return lan, {
        "forges": "nothing: a one-way SPAN that mirrors only client->server packets (130 DNS "
                  "queries from 5 hosts and their upstream copies, TCP SYNs; no answers)",
        "outcome": "no host flagged; a spanhound_health record, status degraded, check "
                   "dns_answers_unseen",
        "flagged": [],
        "records_required": [{"event_type": "spanhound_health",
                              "spanhound_health.status": "degraded",
                              "spanhound_health.reasons": {"$any": {"check": "dns_answers_unseen"}}}],
    }


def ten_name_burst(lan, flood=None):
    """I's 12-name burst in two parts (5 names at t 60-80 s, 7 at 160-190 s,
    within nx_window): neither part raises enough evidence alone (5 is under
    nx_min_names, 7 stays well under standalone confidence), together they
    reach nx_full_names, so the verdict needs the first part's state to
    survive whatever `flood(lan)` sends in between, and does not hang on
    the per-name model's calibration"""
    std_office(lan, {INFECTED: "WS-17"})
    browse(lan, list(BENIGN_HOSTS) + [INFECTED], 2.0, 240.0, 120, gap=(8.0, 16.0),
           tls_every=None)
    names = dga_names(1020, 12)
    burst(lan, 60.0, INFECTED, names[:5])
    if flood:
        flood(lan)
    burst(lan, 160.0, INFECTED, names[5:])


def case_arp_flood_between_bursts():
    def flood(lan):
        r = random.Random(2020)
        seen = set()
        k = 0
        while k < 5000:                 # 10.64.0.0-10.254.255.255: away from the office
            ip = "10.%d.%d.%d" % (r.randint(64, 254), r.randrange(256), r.randint(1, 254))
            if ip in seen:
                continue
            seen.add(ip)
            mac = rand_mac(r)
            lan.arp(90.0 + k * 0.012, 2, mac, ip, BCAST, ip, BCAST)
            k += 1
    lan = Lan()
    ten_name_burst(lan, flood)
    return lan, {
        "forges": "5,000 spoofed ARP bindings (distinct random 10/8 addresses, random MACs) "
                  "in 60 s between the two parts of I's 12-name burst; hosts.capacity = 1024",
        "outcome": "I flagged",
        "config": "hosts: { capacity = 1024; };\n",
        "flagged": [INFECTED],
        "hosts": {INFECTED: host_infected()},
    }


def case_ipv6_source_flood():
    def flood(lan):
        r = random.Random(2121)
        for k in range(2560):           # 10 x hosts.capacity
            src = str(ipaddress.IPv6Address((0xfd << 120) | r.getrandbits(120)))
            lan.ip_tcp(90.0 + k * 0.025, src, "2001:db8:443::10", r.randint(1024, 65000), 443,
                       "S", r.getrandbits(32), smac=rand_mac(r))
    lan = Lan()
    ten_name_burst(lan, flood)
    return lan, {
        "forges": "2,560 TCP SYNs from distinct random fd00::/8 sources (random MACs) to an "
                  "external address, 10 x hosts.capacity = 256, between the two parts of "
                  "I's 12-name burst",
        "outcome": "I flagged",
        "config": "hosts: { capacity = 256; };\n",
        "flagged": [INFECTED],
        "hosts": {INFECTED: host_infected()},
    }


def case_burst_ten_names_control():
    lan = Lan()
    ten_name_burst(lan)
    return lan, {
        "forges": "control for arp_flood_between_bursts and ipv6_source_flood: the same "
                  "12-name burst in two parts, no flood",
        "outcome": "I flagged",
        "config": "hosts: { capacity = 256; };\n",
        "flagged": [INFECTED],
        "hosts": {INFECTED: host_infected()},
    }


def case_flagged_then_expired():
    lan = Lan()
    std_office(lan, {INFECTED: "WS-17"})
    browse(lan, list(BENIGN_HOSTS) + [INFECTED], 2.0, 60.0, 122)
    t = burst(lan, 60.0, INFECTED, dga_names(1022, 24))     # ends ~180 s, then silence
    browse(lan, list(BENIGN_HOSTS), t, t + 300.0, 222, gap=(3.0, 8.0))
    return lan, {
        "forges": "nothing: I is flagged, then goes silent while the others talk for 5 "
                  "minutes; hosts.idle_timeout = 60",
        "outcome": "a host record for I with change expired",
        "config": "hosts: { idle_timeout = 60; };\n",
        "changes": {INFECTED: ["infected", "expired"]},
    }


def case_legit_reassignment():
    lan = Lan()
    office(lan, BENIGN_HOSTS)
    x = "10.40.0.120"
    a_mac, b_mac = "02:16:aa:00:12:0a", "02:16:aa:00:12:0b"
    lan.on_segment(x, a_mac)
    lan.dora(10.0, x, "LAPTOP-A", 0x9100, lease=3600)
    lan.arp_exchange(10.1, x, GW)
    browse(lan, list(BENIGN_HOSTS) + [x], 11.0, 600.0, 123)
    # A leaves at 600 s; its lease ends at 3610 s; B gets X two hours in
    t0 = 2 * 3600.0
    lan.on_segment(x, b_mac)
    browse(lan, list(BENIGN_HOSTS), 600.0, t0 + 300.0, 223, gap=(60.0, 120.0), tls_every=6)
    lan.dora(t0, x, "LAPTOP-B", 0x9101, lease=3600)
    lan.arp_exchange(t0 + 0.1, x, GW)
    browse(lan, [x], t0 + 2.0, t0 + 50.0, 323)
    burst(lan, t0 + 60.0, x, dga_names(1023, 24))
    return lan, {
        "forges": "nothing (control): X leased to laptop A, A leaves, X's lease ends, the "
                  "server leases X to laptop B two hours later; B runs a DGA burst",
        "outcome": "X flagged with B's MAC, mac_status trusted, no conflict",
        "flagged": [x],
        "hosts": {x: host_infected(b_mac, "trusted", hostname="LAPTOP-B",
                                   mac_conflict={"$absent": True})},
    }


CASES = [
    ("forged_dhcp_request", case_forged_dhcp_request),
    ("forged_dhcp_ack_rogue", case_forged_dhcp_ack_rogue),
    ("forged_dhcp_ack_trusted_server", case_forged_dhcp_ack_trusted_server),
    ("forged_dhcp_ack_trusted_server_unused", case_forged_dhcp_ack_trusted_server_unused),
    ("arp_spoof_victim_ip", case_arp_spoof_victim_ip),
    ("gratuitous_arp_router", case_gratuitous_arp_router),
    ("laptop_five_leases", case_laptop_five_leases),
    ("router_mac_host", case_router_mac_host),
    ("unsolicited_nxdomain", case_unsolicited_nxdomain),
    ("forged_queries_wrong_mac", case_forged_queries_wrong_mac),
    ("self_declared_resolver", case_self_declared_resolver),
    ("resolver_one_client", case_resolver_one_client),
    ("resolver_own_lookups", case_resolver_own_lookups),
    ("resolver_blind", case_resolver_blind),
    ("dead_bookmarks", case_dead_bookmarks),
    ("cdn_not_c2", case_cdn_not_c2),
    ("slow_dga", case_slow_dga),
    ("slow_tunnel", case_slow_tunnel),
    ("ipv6_gua_ra", case_ipv6_gua_ra),
    ("one_way_span", case_one_way_span),
    ("arp_flood_between_bursts", case_arp_flood_between_bursts),
    ("ipv6_source_flood", case_ipv6_source_flood),
    ("flagged_then_expired", case_flagged_then_expired),
    ("legit_reassignment", case_legit_reassignment),
    ("burst_ten_names", case_burst_ten_names_control),
    ("ipv6_ula", case_ipv6_ula_control),
]

# keys of case.json the checker reads (check.py validates the same list)


README_HEAD = """\
# Attack regressions

"The LAN lies": an infected host shares the mirrored segment with the sensor
and can forge ARP, NDP, DHCP, DNS answers and floods of new sources.  No
single forged packet may choose who is flagged, which MAC a NAC quarantines,
or who is exempt.  One directory per attack (and a few benign controls that
show a case can pass or fail for the reason it names):

- `capture.pcap`: the capture, generated by `tests/gen/gen_attacks.py`
  (deterministic scapy; documentation and private address space; DGA names
  from this project's own generator, none from a public list);
- `case.conf`: the configuration passed with `-c`, only when the case needs one;
- `case.json`: the expectations `check.py` asserts on spanhound's EVE output.

Run: `tests/regress/attacks/run.sh build/spanhound` (exit 1 on any failure;
spanhound exiting non-zero fails the case).  `check.py CASE_JSON EVE` checks
one case (`--no-contract` skips the field checks, for diagnosis);
`check_selftest.py` proves the checker passes a correct output and fails
each way it can be broken.
Regenerate (this README included; edit the generator, not this file):
`/usr/bin/python3 tests/gen/gen_attacks.py tests/regress/attacks`.

The office segment: 10.40.0.1 gateway (router and DHCP server, the MAC every
external peer sits behind), 10.40.0.53 resolver (forwards to 192.0.2.53, both
legs mirrored), 10.40.0.21/.22 benign workstations, 10.40.0.17 "WS-17" the
usual infected host (I), 10.40.0.30 "CEO-LAPTOP" the usual victim (V).

## case.json

| key | asserts |
|---|---|
| `flagged` | the exact set of hosts whose last `host` record says `infected` |
| `never_flagged` | no `host` record ever says `infected` for these |
| `no_evidence` | no `host` record at all for these |
| `hosts` | per IP, on its last `host` record: each key a dotted path under `host` and a pattern; `evidence_kinds` (all present) |
| `changes` | per IP, `change` values that must appear among its `host` records |
| `records_required` | patterns over whole EVE records; each must match at least one |
| `records_forbidden` | patterns over whole EVE records; none may match |

A pattern is a literal (equality) or an operator: `{"$ne": x}`,
`{"$contains": s}` (substring, list element, or every element of a list),
`{"$any": pattern}` (some element of a list matches), `{"$absent": true}`.
Every `host` record is also checked against the output contract (`mac_status`,
`mac_source`, `verdict`, `change` values, `mac_conflict` only and always with
`conflict`, a conflict's `mac` null, evidence fields).

## Cases

| case | what is forged | what must happen | pcap |
|---|---|---|---:|
"""


def main(outdir):
    import gen_attacks_review            # the reviews' cases (they import this module)
    import gen_attacks_review2
    netgen.write_cases(outdir, CASES + gen_attacks_review.CASES + gen_attacks_review2.CASES,
                       "tests/gen/gen_attacks.py", README_HEAD)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/regress/attacks")
