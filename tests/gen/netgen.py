#!/usr/bin/python3
"""netgen -- small building blocks for the generated test captures.

A Net collects frames with explicit timestamps and writes them in time
order.  Helpers produce complete, well-formed exchanges: DHCP
DORA with a hostname, DNS query/answer pairs (A, AAAA, CNAME chains,
NXDOMAIN, TXT/NULL), TCP connections with a TLS ClientHello or an HTTP
request, ARP; for long-lived traffic TcpConn (one TCP connection carried
across calls), udp() datagrams and syn() attempts that fail.  Everything
is deterministic: no randomness unless a seeded random.Random is passed
in.  Addresses come from RFC 5737 / RFC 3849 documentation ranges and
RFC 1918 space.
"""
import struct
import zlib

from scapy.all import (ARP, BOOTP, DHCP, DNS, DNSQR, DNSRR, IP, TCP, UDP, Ether, Raw,
                       conf, load_layer, wrpcap)

conf.verb = 0
load_layer("tls")
from scapy.layers.tls.extensions import ServerName, TLS_Ext_ServerName  # noqa: E402
from scapy.layers.tls.handshake import TLSClientHello, TLSServerHello  # noqa: E402
from scapy.layers.tls.record import TLS  # noqa: E402

ROUTER_MAC = "02:00:5e:00:00:01"


def mac_of(ip):
    """a stable locally administered MAC for an internal IP"""
    o = [int(x) for x in ip.split(".")]
    return "02:16:%02x:%02x:%02x:%02x" % tuple(o)


class Net:
    def __init__(self, t0):
        self.t0 = t0
        self.frames = []
        self.seq = 0
        self._sport = {}

    def add(self, t, frame):
        frame.time = self.t0 + t
        self.frames.append((self.t0 + t, self.seq, frame))
        self.seq += 1

    def sport(self, ip):
        p = self._sport.get(ip, 49152)
        self._sport[ip] = p + 1 if p < 65000 else 49152
        return p

    def write(self, path):
        self.frames.sort(key=lambda x: (x[0], x[1]))
        wrpcap(path, [f for _, _, f in self.frames])

    # ---- L2 helpers ------------------------------------------------------
    def eth(self, src_ip, dst_ip, internal):
        """Ethernet header for a frame between src and dst; `internal` tells
        which of them are on the LAN (others sit behind the router)"""
        s = mac_of(src_ip) if internal(src_ip) else ROUTER_MAC
        d = mac_of(dst_ip) if internal(dst_ip) else ROUTER_MAC
        return Ether(src=s, dst=d)

    # ---- DHCP --------------------------------------------------------------
    def dhcp(self, t, server, client_ip, hostname, xid, server_mac=None, router=None,
             name_server=None):
        """DORA; the server's MAC is mac_of(server) and it names itself router
        and name server unless server_mac / router / name_server say otherwise"""
        cmac = mac_of(client_ip)
        chaddr = bytes.fromhex(cmac.replace(":", "")) + b"\0" * 10
        smac = server_mac or mac_of(server)

        def pkt(src, dst, sport, dport, smac_, dmac_, op, opts, yiaddr="0.0.0.0"):
            return (Ether(src=smac_, dst=dmac_) / IP(src=src, dst=dst) /
                    UDP(sport=sport, dport=dport) /
                    BOOTP(op=op, xid=xid, chaddr=chaddr, yiaddr=yiaddr) / DHCP(options=opts))
        common = [("server_id", server), ("lease_time", 86400), ("subnet_mask", "255.255.255.0"),
                  ("router", router or server), ("name_server", name_server or server)]
        self.add(t, pkt("0.0.0.0", "255.255.255.255", 68, 67, cmac, "ff:ff:ff:ff:ff:ff", 1,
                        [("message-type", "discover"), ("hostname", hostname.encode()), "end"]))
        self.add(t + 0.01, pkt(server, client_ip, 67, 68, smac, cmac, 2,
                               [("message-type", "offer")] + common + ["end"], client_ip))
        self.add(t + 0.02, pkt("0.0.0.0", "255.255.255.255", 68, 67, cmac, "ff:ff:ff:ff:ff:ff", 1,
                               [("message-type", "request"), ("requested_addr", client_ip),
                                ("server_id", server), ("hostname", hostname.encode()), "end"]))
        self.add(t + 0.03, pkt(server, client_ip, 67, 68, smac, cmac, 2,
                               [("message-type", "ack")] + common + ["end"], client_ip))

    def arp_reply(self, t, ip, to_ip):
        self.add(t, Ether(src=mac_of(ip), dst=mac_of(to_ip)) /
                 ARP(op=2, hwsrc=mac_of(ip), psrc=ip, hwdst=mac_of(to_ip), pdst=to_ip))

    def arp_exchange(self, t, asker, ip, ip_mac=None, answered=True):
        """`asker` broadcasts who-has `ip`; `ip` answers 1 ms later with
        ip_mac (default mac_of(ip)) unless answered is False"""
        amac, mac = mac_of(asker), ip_mac or mac_of(ip)
        self.add(t, Ether(src=amac, dst="ff:ff:ff:ff:ff:ff") /
                 ARP(op=1, hwsrc=amac, psrc=asker, hwdst="00:00:00:00:00:00", pdst=ip))
        if answered:
            self.add(t + 0.001, Ether(src=mac, dst=amac) /
                     ARP(op=2, hwsrc=mac, psrc=ip, hwdst=amac, pdst=asker))

    # ---- UDP ----------------------------------------------------------------
    def udp(self, t, src, dst, sport, dport, payload, internal):
        """one UDP datagram"""
        self.add(t, self.eth(src, dst, internal) / IP(src=src, dst=dst) /
                 UDP(sport=sport, dport=dport) / Raw(payload))

    # ---- DNS ----------------------------------------------------------------
    def dns(self, t, client, server, name, internal, qtype="A", rcode=0, answers=(), rtt=0.012,
            qid=None, answer_name=None):
        """query and answer; answers: list of (type, rdata[, rrname]) tuples"""
        qid = qid if qid is not None else (self.seq * 7919) & 0xffff
        sp = self.sport(client)
        q = (self.eth(client, server, internal) / IP(src=client, dst=server) /
             UDP(sport=sp, dport=53) / DNS(id=qid, rd=1, qd=DNSQR(qname=name, qtype=qtype)))
        self.add(t, q)
        if rcode is None:                      # unanswered
            return
        an = None
        for a in answers:
            typ, data = a[0], a[1]
            rrname = a[2] if len(a) > 2 else (answer_name or name)
            rr = DNSRR(rrname=rrname, type=typ, ttl=300, rdata=data)
            an = rr if an is None else an / rr
        r = (self.eth(server, client, internal) / IP(src=server, dst=client) /
             UDP(sport=53, dport=sp) /
             DNS(id=qid, qr=1, rd=1, ra=1, rcode=rcode, qd=DNSQR(qname=name, qtype=qtype),
                 an=an, ancount=len(answers)))
        self.add(t + rtt, r)

    # ---- TCP ----------------------------------------------------------------
    def tcp(self, t, client, server, dport, internal, payload_c=b"", payload_s=b"",
            rtt=0.02, refuse=False):
        sp = self.sport(client)
        ec, es = self.eth(client, server, internal), self.eth(server, client, internal)
        c, s = 1000, 50000
        self.add(t, ec / IP(src=client, dst=server) / TCP(sport=sp, dport=dport, flags="S", seq=c))
        if refuse:
            self.add(t + rtt, es / IP(src=server, dst=client) /
                     TCP(sport=dport, dport=sp, flags="RA", seq=0, ack=c + 1))
            return
        self.add(t + rtt, es / IP(src=server, dst=client) /
                 TCP(sport=dport, dport=sp, flags="SA", seq=s, ack=c + 1))
        self.add(t + rtt + 0.001, ec / IP(src=client, dst=server) /
                 TCP(sport=sp, dport=dport, flags="A", seq=c + 1, ack=s + 1))
        tt = t + rtt + 0.002
        if payload_c:
            self.add(tt, ec / IP(src=client, dst=server) /
                     TCP(sport=sp, dport=dport, flags="PA", seq=c + 1, ack=s + 1) / Raw(payload_c))
        if payload_s:
            self.add(tt + rtt, es / IP(src=server, dst=client) /
                     TCP(sport=dport, dport=sp, flags="PA", seq=s + 1,
                         ack=c + 1 + len(payload_c)) / Raw(payload_s))
        cf, sf = c + 1 + len(payload_c), s + 1 + len(payload_s)
        self.add(tt + 2 * rtt, ec / IP(src=client, dst=server) /
                 TCP(sport=sp, dport=dport, flags="FA", seq=cf, ack=sf))
        self.add(tt + 3 * rtt, es / IP(src=server, dst=client) /
                 TCP(sport=dport, dport=sp, flags="FA", seq=sf, ack=cf + 1))
        self.add(tt + 3 * rtt + 0.001, ec / IP(src=client, dst=server) /
                 TCP(sport=sp, dport=dport, flags="A", seq=cf + 1, ack=sf + 1))

    def client_hello(self, t, sni):
        """a TLS ClientHello record with SNI `sni`, as bytes"""
        # time and random fixed from the frame counter: scapy would draw them
        # at random and the captures would change on every regeneration
        rnd = bytes((self.seq * 131 + i * 7) & 0xff for i in range(28))
        return bytes(TLS(msg=[TLSClientHello(
            gmt_unix_time=int(self.t0 + t) & 0xffffffff, random_bytes=rnd,
            ciphers=[0x1301, 0x1302, 0xc02b, 0xc02f, 0xc02c, 0xc030],
            ext=[TLS_Ext_ServerName(servernames=[ServerName(servername=sni.encode())])])]))

    def server_hello(self, t, cipher=0xc02f):
        """a TLS 1.2 ServerHello record (no extensions), as bytes; time and
        random fixed like client_hello's"""
        rnd = bytes((self.seq * 197 + i * 11) & 0xff for i in range(28))
        return bytes(TLS(msg=[TLSServerHello(
            gmt_unix_time=int(self.t0 + t) & 0xffffffff, random_bytes=rnd, sid=b"",
            cipher=cipher)]))

    def tls(self, t, client, server, sni, internal, dport=443):
        self.tcp(t, client, server, dport, internal, self.client_hello(t, sni))

    def syn(self, t, client, server, dport, internal, answer=None, retries=(), rtt=0.02,
            sport=None):
        """a connection attempt that fails: a SYN at t, retransmitted (same
        port and sequence number) at t + each of `retries`; answer None: no
        answer at all, "rst": a RST-ACK `rtt` after each SYN.  Returns the
        source port"""
        sp = sport or self.sport(client)
        ec, es = self.eth(client, server, internal), self.eth(server, client, internal)
        key = "%s %s %d %d %.6f" % (client, server, sp, dport, t)
        isn = zlib.crc32(key.encode()) & 0x7fffffff
        for dt in (0.0,) + tuple(retries):
            self.add(t + dt, ec / IP(src=client, dst=server) /
                     TCP(sport=sp, dport=dport, flags="S", seq=isn))
            if answer == "rst":
                self.add(t + dt + rtt, es / IP(src=server, dst=client) /
                         TCP(sport=dport, dport=sp, flags="RA", seq=0, ack=isn + 1))
        return sp

    def http(self, t, client, server, host, uri, internal, ua="Mozilla/5.0", status=200,
             body=b"ok"):
        req = ("GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\nAccept: */*\r\n\r\n"
               % (uri, host, ua)).encode()
        resp = (b"HTTP/1.1 %d OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n"
                % (status, len(body))) + body
        self.tcp(t, client, server, 80, internal, req, resp)


class TcpConn:
    """One TCP connection whose sequence numbers carry across calls, for
    long-lived sessions: the constructor emits the three-way handshake at t;
    then c2s()/s2c() send one data segment each way, ack_c()/ack_s() a bare
    ACK, request()/push() a data segment plus its answer or ACK, close() the
    FIN exchange and reset() a RST.  Times are absolute (seconds after the
    Net's t0); the caller keeps them increasing.  Initial sequence numbers
    are a CRC of the endpoints and start time (deterministic)."""

    def __init__(self, net, t, client, server, dport, internal, rtt=0.02, sport=None):
        self.net, self.client, self.server, self.dport, self.rtt = net, client, server, dport, rtt
        self.sp = sport or net.sport(client)
        self.ec, self.es = net.eth(client, server, internal), net.eth(server, client, internal)
        key = "%s %s %d %d %.6f" % (client, server, self.sp, dport, t)
        self.cseq = zlib.crc32(key.encode()) & 0x7fffffff
        self.sseq = zlib.crc32(key[::-1].encode()) & 0x7fffffff
        self._c(t, "S", ack=0)
        self.cseq += 1
        self._s(t + rtt, "SA")
        self.sseq += 1
        self._c(t + rtt + 0.0005, "A")

    def _c(self, t, flags, data=b"", ack=None):
        p = (self.ec / IP(src=self.client, dst=self.server) /
             TCP(sport=self.sp, dport=self.dport, flags=flags, seq=self.cseq,
                 ack=self.sseq if ack is None else ack))
        self.net.add(t, p / Raw(data) if data else p)
        self.t = t                       # time of the last segment

    def _s(self, t, flags, data=b""):
        p = (self.es / IP(src=self.server, dst=self.client) /
             TCP(sport=self.dport, dport=self.sp, flags=flags, seq=self.sseq, ack=self.cseq))
        self.net.add(t, p / Raw(data) if data else p)
        self.t = t

    def c2s(self, t, data):
        self._c(t, "PA", data)
        self.cseq += len(data)
        return t

    def s2c(self, t, data):
        self._s(t, "PA", data)
        self.sseq += len(data)
        return t

    def ack_c(self, t):
        self._c(t, "A")
        return t

    def ack_s(self, t):
        self._s(t, "A")
        return t

    def request(self, t, data, reply=b"", delack=0.04):
        """client data at t; the server's reply (or bare ACK) one rtt later;
        after a reply the client ACKs it `delack` later.  Returns the time
        of the last segment"""
        self.c2s(t, data)
        if not reply:
            return self.ack_s(t + self.rtt)
        self.s2c(t + self.rtt, reply)
        return self.ack_c(t + self.rtt + delack)

    def push(self, t, data, reply=b"", delack=0.04):
        """server data at t; the client's reply (or bare ACK) `delack` later"""
        self.s2c(t, data)
        if not reply:
            return self.ack_c(t + delack)
        self.c2s(t + delack, reply)
        return self.ack_s(t + delack + self.rtt)

    def close(self, t, by_client=True):
        """FIN, FIN-ACK, ACK; returns the time of the last segment"""
        if by_client:
            self._c(t, "FA")
            self.cseq += 1
            self._s(t + self.rtt, "FA")
            self.sseq += 1
            return self.ack_c(t + self.rtt + 0.0005)
        self._s(t, "FA")
        self.sseq += 1
        self._c(t + 0.0005, "FA")
        self.cseq += 1
        return self.ack_s(t + 0.0005 + self.rtt)

    def reset(self, t, by_client=True):
        """a RST-ACK from the client (or the server) at t"""
        if by_client:
            self._c(t, "RA")
        else:
            self._s(t, "RA")
        return t


def ipv4_in(prefix):
    """predicate: is the IPv4 address inside 'a.b.c.' style prefixes"""
    prefixes = prefix if isinstance(prefix, (list, tuple)) else [prefix]
    return lambda ip: any(ip.startswith(p) for p in prefixes)


def u32(x):
    return struct.unpack("<I", struct.pack("<I", x & 0xffffffff))[0]


# ---- regression cases -------------------------------------------------------

# the expectation keys tests/regress/attacks/check.py asserts, in file order
EXPECT_KEYS = ("flagged", "never_flagged", "no_evidence", "hosts", "changes",
               "records_required", "records_forbidden")


def write_case(outdir, name, fn, generator):
    """outdir/name/{capture.pcap, case.json[, case.conf]} from fn() ->
    (scene with .write(path), spec); spec holds forges, outcome, config
    (optional) and the EXPECT_KEYS it asserts.  Returns (case, pcap size)."""
    import json
    import os
    d = os.path.join(outdir, name)
    os.makedirs(d, exist_ok=True)
    scene, spec = fn()
    pcap = os.path.join(d, "capture.pcap")
    scene.write(pcap)
    conf = os.path.join(d, "case.conf")
    case = {"case": name, "forges": spec["forges"], "outcome": spec["outcome"]}
    if spec.get("config"):
        with open(conf, "w") as f:
            f.write("# %s (%s)\n%s" % (name, generator, spec["config"]))
    elif os.path.exists(conf):
        os.remove(conf)
    for k in EXPECT_KEYS:
        if k in spec:
            case[k] = spec[k]
    with open(os.path.join(d, "case.json"), "w") as f:
        json.dump(case, f, indent=1, sort_keys=False)
        f.write("\n")
    return case, os.path.getsize(pcap)


def write_cases(outdir, cases, generator, readme_head):
    """every (name, fn) case into outdir (write_case), then outdir/README.md:
    readme_head and one table row per case"""
    import os
    os.makedirs(outdir, exist_ok=True)
    rows, total = [], 0
    for name, fn in cases:
        case, size = write_case(outdir, name, fn, generator)
        total += size
        rows.append("| `%s` | %s | %s | %d KB |" % (name, case["forges"], case["outcome"],
                                                    (size + 1023) // 1024))
    with open(os.path.join(outdir, "README.md"), "w") as f:
        f.write(readme_head + "\n".join(rows) + "\n\nTotal: %d KB of captures.\n"
                % ((total + 1023) // 1024))
