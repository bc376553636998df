#!/usr/bin/python3
"""Generate the behaviour regression captures of tests/regress/behaviour/
and the behaviour evaluation scenarios (deterministic: fixed seeds, fixed
t0; rerun to regenerate every file):

    /usr/bin/python3 tests/gen/gen_behaviour.py tests/regress/behaviour
    /usr/bin/python3 tests/gen/gen_behaviour.py --eval OUTDIR --set tune --seeds N
    /usr/bin/python3 tests/gen/gen_behaviour.py --eval OUTDIR --set holdout --seeds N

Behaviour detectors judge flow timing and shape, not names: a host that
contacts one destination at a regular rhythm (beacon), holds a long quiet
session to a rare destination (long_session), talks plain TCP/UDP with no
recognised protocol on an unusual port (unusual_port), or contacts many
external (fanout_external) or internal hosts (fanout_internal).  Benign
rhythm (push heartbeats, NTP, update polling, IoT fleets) must not convict.

Regression cases (first form): one directory per case under REGRESS_DIR,
each holding capture.pcap and case.json (the expectations
tests/regress/attacks/check.py asserts on the EVE output), plus a generated
README.md.  The segment:
  10.50.0.1    gateway: router and DHCP server, MAC ROUTER_MAC (the MAC
               every external peer sits behind)
  10.50.0.53   resolver: answers from its cache, otherwise forwards to
               192.0.2.53 (both legs mirrored); caches for the answers' TTL
               (300 s), and so does every client
  10.50.0.17   the infected host ("WS-17"); 10.50.0.21.. benign workstations
  10.50.1.x    servers and workstations the lateral-movement case sweeps
  10.50.2.x    phones, 10.50.3.x IoT devices
Every internal host leases its address by DHCP and ARPs for the gateway
before it talks.  External peers: RFC 5737 addresses, and 198.18.0.0/15
(RFC 2544, external under the default home_net) for the /22 spray.
Malicious and rare names are invented under .example/.test; the benign
services use their real public names (mtalk.google.com,
17-courier.push.apple.com, pool.ntp.org, time.windows.com,
fe2.update.microsoft.com, officecdn.microsoft.com,
connectivitycheck.gstatic.com) and browsing uses real popular names, all
answered with documentation addresses.  TLS sessions carry a real
ClientHello (SNI) and ServerHello, then TLS application-data records of
random bytes; HTTP is real HTTP/1.1 text.

Evaluation scenarios (--eval): OUTDIR/<set>/<family>-s<seed>.pcap and
OUTDIR/<set>/manifest.csv with the columns
  file,family,infected_hosts,expect,notes
infected_hosts is space-separated (empty in benign scenes); expect is
"flag" (ground truth: the infected host is malicious; whether few events
can be convicted is what the evaluation measures, so notes give
events=N) or "none" (nobody in the scene is infected).  Every scene puts
the subject traffic among 2-4 background workstations doing DNS and
irregular, browsing-like TLS (and the infected host browses too).
Families in both sets:
  malicious: uniform_jitter (constant period, uniform jitter 0-50%),
    gauss_jitter (gaussian jitter), sleep_drop (sleep minus up to j% as
    Cobalt Strike computes it, 10-20% of beacons dropped) -- these three
    over new TLS or HTTP connections --, http_keepalive (GETs on one
    keep-alive connection), http_newconn (a new connection and POST each
    time), tls_session (one long TLS session with client bursts),
    udp_highport (UDP datagrams of random bytes to a random high port);
    periods 5-300 s, event counts 8-150 (durations capped at 8 h, which
    trims the count for the longest periods)
  benign: poisson_rare (exponential gaps to one rare name), ntp,
    update_polling, push_heartbeat (listed push services), iot_fleet
    (4-12 devices, one name), browsing
Holdout-only families (never in tune):
  bimodal (malicious): alternating short and long sleeps (k short, 1 long)
  drift (malicious): a period that drifts slowly (30-80% over the run)
  cron_internal (benign): a cron job every 5 minutes, on the wall-clock
    boundary, from 5-10 hosts to one internal server
Tune seeds are 1..N, holdout seeds 1001..1000+N; each scene's random stream
is a hash of (set, family, seed).
"""
import argparse
import csv
import hashlib
import math
import os
import random
import struct
import sys

import netgen
from netgen import ROUTER_MAC, Net, TcpConn, mac_of
from scapy.all import IP, UDP, Ether, Raw

T0 = 1768208400.0            # 2026-01-12 09:00:00 UTC, a Monday
MIN = 60.0

GW = "10.50.0.1"             # router + DHCP server (MAC ROUTER_MAC)
RESOLVER = "10.50.0.53"
UPSTREAM = "192.0.2.53"
INFECTED = "10.50.0.17"
WS = ["10.50.0.21", "10.50.0.22", "10.50.0.23", "10.50.0.24"]
TTL = 300.0                  # netgen's DNS answers carry TTL 300

UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36"

# benign services (real public names, documentation addresses)
MTALK = ("mtalk.google.com", ["192.0.2.188"], 5228)
APNS = ("17-courier.push.apple.com", ["192.0.2.189"], 5223)
POOL_NTP = ("pool.ntp.org", ["192.0.2.123", "198.51.100.123", "203.0.113.123", "192.0.2.124"])
WIN_NTP = ("time.windows.com", ["198.51.100.124"])
WU = ("fe2.update.microsoft.com", ["192.0.2.150", "192.0.2.151"])
OFFICECDN = ("officecdn.microsoft.com", ["192.0.2.160"])
CONNCHECK = ("connectivitycheck.gstatic.com", ["192.0.2.170"])

# browsing: real popular names (registrable domains on detect/data/popular.txt)
POPULAR = ["www.google.com", "mail.google.com", "docs.google.com", "drive.google.com",
           "www.youtube.com", "i.ytimg.com", "www.amazon.com", "stackoverflow.com",
           "www.reddit.com", "www.linkedin.com", "www.nytimes.com", "www.cloudflare.com",
           "developer.mozilla.org", "www.mozilla.org", "www.apple.com", "zoom.us",
           "www.dropbox.com", "www.bing.com", "outlook.live.com", "www.yahoo.com",
           "news.yahoo.com", "twitter.com", "www.instagram.com", "www.netflix.com",
           "open.spotify.com", "www.adobe.com", "lh3.googleusercontent.com", "github.com",
           "api.github.com", "outlook.office365.com", "www.office.com", "www.msn.com",
           "www.npmjs.com", "cdn.jsdelivr.net", "static.xx.fbcdn.net", "fonts.googleapis.com",
           "www.microsoft.com", "learn.microsoft.com", "teams.microsoft.com", "login.live.com"]
POPULAR_ADDR = {n: "198.51.100.%d" % (10 + i) for i, n in enumerate(POPULAR)}


def internal(ip):
    return ip.startswith("10.")


def rng_for(*parts):
    """a random.Random seeded from a stable hash (never Python's hash())"""
    h = hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()
    return random.Random(int.from_bytes(h[:8], "big"))


# ---- payloads -------------------------------------------------------------------

def app_data(r, lo, hi):
    """a TLS application-data record of lo..hi bytes in all (random body)"""
    n = r.randint(lo, hi) - 5
    return b"\x17\x03\x03" + struct.pack(">H", n) + bytes(r.getrandbits(8) for _ in range(n))


# first bytes no common protocol opens with: not ASCII text, not a TLS/DTLS
# record type (0x14-0x17), not WireGuard (1-4), not RTP/RTCP version 2
# (0x80-0xbf), not a QUIC long (0xc0-0xff) or short (0x40-0x7f) header
OPAQUE_FIRST = [b for b in range(0x05, 0x20) if not 0x14 <= b <= 0x17]


def opaque(r, lo, hi):
    """lo..hi random bytes that open like no known protocol (OPAQUE_FIRST)"""
    n = r.randint(lo, hi)
    first = r.choice(OPAQUE_FIRST)
    return bytes([first]) + bytes(r.getrandbits(8) for _ in range(n - 1))


def b64ish(r, n):
    return "".join(r.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
                   for _ in range(n))


def http_get(host, uri, ua=UA):
    return ("GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\nAccept: */*\r\n"
            "Connection: keep-alive\r\n\r\n" % (uri, host, ua)).encode()


def connection_header(keepalive):
    """True: keep-alive, False: close, None: no header (HTTP/1.1 persists)"""
    return "" if keepalive is None else \
        "Connection: %s\r\n" % ("keep-alive" if keepalive else "close")


def http_post(host, uri, body, ctype="application/x-www-form-urlencoded", ua=UA,
              keepalive=True):
    return ("POST %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\nContent-Type: %s\r\n"
            "Content-Length: %d\r\n%s\r\n"
            % (uri, host, ua, ctype, len(body), connection_header(keepalive))).encode() + body


def http_resp(body, status=200, ctype="application/json", keepalive=True):
    reason = {200: "OK", 204: "No Content"}[status]
    head = "HTTP/1.1 %d %s\r\n" % (status, reason)
    if status != 204:
        head += "Content-Type: %s\r\nContent-Length: %d\r\n" % (ctype, len(body))
    return (head + connection_header(keepalive) + "\r\n").encode() + body


def ntp_packet(t_abs, mode, orig=0.0, rx=0.0):
    """48-byte NTPv4 packet: mode 3 (client) or 4 (server)"""
    def ts(x):
        if not x:
            return 0
        x += 2208988800.0
        return (int(x) << 32) | int((x % 1) * (1 << 32))
    if mode == 3:
        return struct.pack(">BBbbII4sQQQQ", 0x23, 0, 6, -20, 0, 0, b"\0\0\0\0", 0, 0, 0,
                           ts(t_abs))
    return struct.pack(">BBbbII4sQQQQ", 0x24, 2, 6, -23, 0x00000180, 0x00000300,
                       bytes([192, 0, 2, 1]), ts(t_abs - 30.0), ts(orig), ts(rx), ts(t_abs))


# ---- the segment ----------------------------------------------------------------

def cached(fetches, t):
    """did a fetch in the TTL before t fill the cache?  (Traffic is built
    host by host, not in time order, so a cache is the list of its fetch
    times, never just the latest.)"""
    return any(f < t < f + TTL for f in fetches)


class Scene:
    """A mirrored office segment: a netgen.Net plus the resolver's and the
    clients' DNS caches, and a random stream for everything random in it."""

    def __init__(self, r, t0=T0):
        self.net = Net(t0)
        self.r = r
        self.xid = 0x7100
        self.cache = {}            # (client, name) -> times the client looked it up
        self.rcache = {}           # name -> times the resolver fetched it upstream
        self.hosts = []
        self.net.arp_exchange(0.5, RESOLVER, GW, ip_mac=ROUTER_MAC)

    def join(self, t, ip, hostname):
        """DHCP DORA from the gateway, then an ARP for the gateway"""
        self.xid += 1
        self.net.dhcp(t, GW, ip, hostname, self.xid, server_mac=ROUTER_MAC, router=GW,
                      name_server=RESOLVER)
        self.net.arp_exchange(t + 0.05, ip, GW, ip_mac=ROUTER_MAC)
        self.hosts.append(ip)

    def resolve(self, t, client, name, addrs, authoritative=False):
        """client -> resolver unless the client's cache holds the name; the
        resolver answers from its cache or forwards to UPSTREAM (not for an
        internal zone it serves itself).  Returns when the client has it."""
        if cached(self.cache.get((client, name), ()), t):
            return t
        answers = [("A", a) for a in addrs]
        if authoritative or cached(self.rcache.get(name, ()), t):
            rtt = 0.001
        else:
            self.net.dns(t + 0.002, RESOLVER, UPSTREAM, name, internal, answers=answers,
                         rtt=0.018)
            self.rcache.setdefault(name, []).append(t + 0.002)
            rtt = 0.022
        self.net.dns(t, client, RESOLVER, name, internal, answers=answers, rtt=rtt)
        self.cache.setdefault((client, name), []).append(t)
        return t + rtt + 0.001

    def write(self, path):
        self.net.write(path)


def conn(sc, t, client, addr, port, rtt=None):
    return TcpConn(sc.net, t, client, addr, port, internal,
                   rtt=rtt if rtt is not None else round(sc.r.uniform(0.015, 0.06), 4))


def tls_handshake(sc, c, t, sni):
    """ClientHello and ServerHello on an open connection; returns the time after"""
    t += 0.001
    c.c2s(t, sc.net.client_hello(t, sni))
    c.s2c(t + c.rtt, sc.net.server_hello(t + c.rtt))
    return t + c.rtt + 0.002


def tls_visit(sc, t, client, name, addr, port=443, up=(80, 250), down=(120, 400)):
    """a short HTTPS fetch: lookup, handshake, one request and response, close"""
    r = sc.r
    t = sc.resolve(t, client, name, [addr]) + 0.002
    c = conn(sc, t, client, addr, port)
    t = tls_handshake(sc, c, c.t, name)
    t = c.request(t, app_data(r, *up), app_data(r, *down))
    return c.close(t + r.uniform(0.05, 1.5))


def browse(sc, hosts, t0, t1, mean_gap, names=POPULAR):
    """irregular browsing: each host visits popular names (favourites more
    often) with exponential gaps of mean `mean_gap`"""
    r = sc.r
    weights = [1.0 / (i + 1) ** 0.8 for i in range(len(names))]
    for h in hosts:
        order = names[:]
        r.shuffle(order)                  # every host its own favourites
        t = t0 + r.expovariate(1.0 / mean_gap)
        while t < t1:
            name = r.choices(order, weights)[0]
            tls_visit(sc, t, h, name, POPULAR_ADDR[name])
            t += r.expovariate(1.0 / mean_gap)


def conncheck(sc, t, client):
    """an Android connectivity check: HTTP GET /generate_204 answered 204"""
    name, addrs = CONNCHECK
    t = sc.resolve(t, client, name, addrs) + 0.002
    c = conn(sc, t, client, addrs[0], 80)
    t = c.request(c.t + 0.001, http_get(name, "/generate_204", "Dalvik/2.1.0 (Linux; U; "
                                        "Android 14)"), http_resp(b"", 204))
    return c.close(t + 0.01)


# ---- beacon transports ---------------------------------------------------------------
# Each takes the list of event times (absolute) and emits one event per time.

def tx_tls_newconn(sc, host, name, addrs, times, port=443, up=(120, 400), down=(80, 300)):
    """a new TLS connection per event (lookup when the cache expired)"""
    for t in times:
        tls_visit(sc, t, host, name, addrs[0], port, up, down)


def tx_http_newconn(sc, host, hostname, addr, times, uri="/gate.php", resolve_addrs=None):
    """a new TCP connection per event carrying one POST (Connection: close);
    looked up first unless resolve_addrs is None (an IP-only implant)"""
    r = sc.r
    for t in times:
        if resolve_addrs:
            t = sc.resolve(t, host, hostname, resolve_addrs) + 0.002
        body = ("id=%s&d=%s" % (b64ish(r, 12), b64ish(r, r.randint(40, 100)))).encode()
        c = conn(sc, t, host, addr, 80)
        t = c.request(c.t + 0.001, http_post(hostname, uri, body, keepalive=False),
                      http_resp(b64ish(r, r.randint(8, 40)).encode(), ctype="text/plain",
                                keepalive=False))
        c.close(t + 0.002)


def tx_http_keepalive(sc, host, hostname, addrs, times, uri="/api/v2/poll", close=True):
    """one keep-alive connection, one GET per event (small JSON answers)"""
    r = sc.r
    t = sc.resolve(times[0] - 0.5, host, hostname, addrs) + 0.002
    c = conn(sc, t, host, addrs[0], 80)
    node = b64ish(r, 10)
    for t in times:
        body = ('{"s":%d,"t":"%s"}' % (r.randint(0, 9), b64ish(r, r.randint(4, 30)))).encode()
        c.request(t, http_get(hostname, "%s?node=%s" % (uri, node)), http_resp(body))
    if close:
        c.close(times[-1] + r.uniform(1.0, 3.0))


def tx_tls_session(sc, host, sni, addrs, times, port=443, up=(60, 120), down=(40, 80),
                   t_open=None, t_close=None):
    """one long TLS session: handshake at t_open (default just before the
    first event), a client record and a server answer per event, closed at
    t_close (if given)"""
    r = sc.r
    t = t_open if t_open is not None else times[0] - r.uniform(1.0, 5.0)
    t = sc.resolve(t, host, sni, addrs) + 0.002
    c = conn(sc, t, host, addrs[0], port)
    tls_handshake(sc, c, c.t, sni)
    for t in times:
        c.request(t, app_data(r, *up), app_data(r, *down))
    if t_close is not None:
        c.close(t_close)


def tx_udp(sc, host, addr, port, times, up=(200, 300), down=(60, 150), sport=None):
    """one UDP socket: a datagram of random bytes per event, each answered"""
    r = sc.r
    sp = sport or sc.net.sport(host)
    for t in times:
        sc.net.udp(t, host, addr, sp, port, opaque(r, *up), internal)
        sc.net.udp(t + r.uniform(0.02, 0.08), addr, host, port, sp, opaque(r, *down), internal)


# ---- timing -------------------------------------------------------------------

def rhythm(r, t0, n, period, jitter):
    """n event times from t0: gaps of period * (1 + U(-jitter, +jitter))"""
    out, t = [], t0
    for _ in range(n):
        out.append(t)
        t += period * (1.0 + r.uniform(-jitter, jitter))
    return out


# ---- the regression cases -----------------------------------------------------------
# Each returns (scene, spec): spec holds the README texts ("forges" is what
# happens, "outcome" what must happen) and check.py's expectations.

def office(sc, hosts, t=1.0):
    """leases for the hosts {ip: hostname}, 0.3 s apart"""
    for i, (ip, name) in enumerate(hosts.items()):
        sc.join(t + 0.3 * i, ip, name)


def std_scene(seed, extra=None, n_ws=2):
    """the infected host (unless extra says otherwise) and n_ws benign workstations"""
    sc = Scene(random.Random(seed))
    hosts = dict(extra if extra is not None else {INFECTED: "WS-17"})
    hosts.update({ip: "WS-%s" % ip.split(".")[-1] for ip in WS[:n_ws]})
    office(sc, hosts)
    return sc, list(hosts)


def infected_expect(*kinds):
    return {"flagged": [INFECTED],
            "hosts": {INFECTED: {"verdict": "infected", "evidence_kinds": list(kinds)}}}


def all_hosts(sc):
    return sorted(set(sc.hosts + [RESOLVER]))


def case_http_poll_keepalive():
    """WS-17 polls one rare name over one keep-alive HTTP connection: a GET
    every 20 s, uniform jitter +-40%, for 25 minutes (75 requests)."""
    sc, hosts = std_scene(1001)
    browse(sc, hosts, 5.0, 25 * MIN + 60, 90.0)
    times = rhythm(sc.r, 40.0, 75, 20.0, 0.40)
    tx_http_keepalive(sc, INFECTED, "cdn.brisk-ledger.example", ["203.0.113.45"], times)
    return sc, dict(
        forges="I polls cdn.brisk-ledger.example over one keep-alive HTTP connection: a GET "
               "every 20 s +-40% (uniform) for 25 min, 75 requests, small JSON answers; "
               "two workstations browse",
        outcome="I flagged with beacon evidence",
        **infected_expect("beacon"))


def case_http_poll_new_conn():
    """WS-17 opens a new TCP connection to an IP (no lookup) every 45 s
    +-25% for 45 minutes and POSTs with a Host header naming a rare name."""
    sc, hosts = std_scene(1002)
    browse(sc, hosts, 5.0, 46 * MIN, 120.0)
    times = [t for t in rhythm(sc.r, 30.0, 80, 45.0, 0.25) if t < 45 * MIN + 30.0][:60]
    tx_http_newconn(sc, INFECTED, "gate.orvik-telemetry.test", "203.0.113.80", times)
    return sc, dict(
        forges="I opens a new TCP connection to 203.0.113.80:80 (hard-coded address, no "
               "lookup) every 45 s +-25%% for 45 min, %d POSTs with Host: "
               "gate.orvik-telemetry.test, each closed after the answer" % len(times),
        outcome="I flagged with beacon evidence",
        **infected_expect("beacon"))


def case_tls_keepalive_session():
    """WS-17 holds one TLS session (rare SNI, port 443) for 40 minutes: a
    60-120 byte record every 8 s +-30%, answered with 40-80 bytes."""
    sc, hosts = std_scene(1003)
    browse(sc, hosts, 5.0, 42 * MIN, 150.0)
    t_open = 30.0
    times = [t for t in rhythm(sc.r, t_open + 6.0, 400, 8.0, 0.30) if t < t_open + 40 * MIN]
    tx_tls_session(sc, INFECTED, "sync.marrow-relay.example", ["203.0.113.52"], times,
                   t_open=t_open, t_close=t_open + 40 * MIN + 1.0)
    return sc, dict(
        forges="I holds one TLS session to sync.marrow-relay.example:443 (203.0.113.52) for "
               "40 min: %d client records of 60-120 bytes, every 8 s +-30%%, each answered "
               "with 40-80 bytes" % len(times),
        outcome="I flagged with beacon and long_session evidence",
        **infected_expect("beacon", "long_session"))


def case_udp_beacon_odd_port():
    """WS-17 sends 200-300 random bytes over UDP to 198.51.100.77:7011 every
    60 s +-10% for 15 minutes (15 datagrams), each answered."""
    sc, hosts = std_scene(1004)
    browse(sc, hosts, 5.0, 17 * MIN, 120.0)
    times = rhythm(sc.r, 45.0, 15, 60.0, 0.10)
    tx_udp(sc, INFECTED, "198.51.100.77", 7011, times)
    return sc, dict(
        forges="I sends 15 UDP datagrams of 200-300 random bytes (no known protocol) from one "
               "socket to 198.51.100.77:7011 (hard-coded, no lookup), every 60 s +-10%, each "
               "answered with 60-150 random bytes",
        outcome="I flagged with beacon and unusual_port evidence (15 events are too few for "
                "rhythm alone; the odd port is the second signal)",
        **infected_expect("beacon", "unusual_port"))


def case_spray_22():
    """WS-17 sends TCP SYNs to 600 addresses of 198.18.4.0/22 on port 8443
    within 90 s: most unanswered (retransmitted once), some RST, a few
    accept and are closed at once."""
    sc, hosts = std_scene(1005)
    r = sc.r
    browse(sc, hosts, 5.0, 300.0, 60.0)
    pool = ["198.18.%d.%d" % (4 + i // 256, i % 256) for i in range(1, 1023)]
    targets = r.sample(pool, 600)
    starts = sorted(r.uniform(60.0, 148.0) for _ in targets)
    n_rst = n_ok = 0
    for addr, t in zip(targets, starts):
        u = r.random()
        if u < 0.02:
            c = conn(sc, t, INFECTED, addr, 8443)
            c.close(c.t + 0.01)
            n_ok += 1
        elif u < 0.15:
            sc.net.syn(t, INFECTED, addr, 8443, internal, answer="rst", rtt=r.uniform(0.02, 0.2))
            n_rst += 1
        else:
            sc.net.syn(t, INFECTED, addr, 8443, internal, retries=(1.0,))
    return sc, dict(
        forges="I sends TCP SYNs to 600 distinct addresses of 198.18.4.0/22 on port 8443 in "
               "90 s: %d unanswered (one retransmission each), %d answered with RST, %d accept "
               "and are closed at once" % (600 - n_rst - n_ok, n_rst, n_ok),
        outcome="I flagged with fanout_external evidence",
        **infected_expect("fanout_external"))


def case_lateral_smb():
    """WS-17 ARPs for and connects to 45 internal hosts on 445 and 135
    within 3 minutes; most handshakes complete."""
    sc, hosts = std_scene(1006)
    r = sc.r
    browse(sc, hosts, 5.0, 420.0, 60.0)
    targets = ["10.50.1.%d" % i for i in range(10, 55)]
    n445 = n135 = 0
    for i, tgt in enumerate(targets):
        t = 120.0 + i * 3.8 + r.uniform(0.0, 1.0)
        sc.net.arp_exchange(t, INFECTED, tgt)
        t += 0.01
        for port, hello, answer, p_open in (
                (445, b"\x00\x00\x00\x6c\xfeSMB@\x00", b"\x00\x00\x00\xc4\xfeSMB@\x00", 0.85),
                (135, b"\x05\x00\x0b\x03\x10\x00\x00\x00", b"\x05\x00\x0c\x03\x10\x00\x00\x00",
                 0.70)):
            if r.random() < p_open:
                c = conn(sc, t, INFECTED, tgt, port, rtt=0.0005)
                t2 = c.request(c.t + 0.001, hello + bytes(r.getrandbits(8) for _ in range(60)),
                               answer + bytes(r.getrandbits(8) for _ in range(120)), 0.001)
                c.close(t2 + 0.01)
                n445 += port == 445
                n135 += port == 135
            else:
                sc.net.syn(t, INFECTED, tgt, port, internal, answer="rst", rtt=0.0005)
            t += 0.2
    return sc, dict(
        forges="I ARPs for and connects to 45 internal hosts (10.50.1.10-54) on 445 and then "
               "135, one host every ~4 s (under 3 min): %d of 45 complete on 445 (SMB2 "
               "negotiate-like bytes), %d on 135 (DCE/RPC bind-like), the rest RST"
               % (n445, n135),
        outcome="I flagged with fanout_internal evidence",
        **infected_expect("fanout_internal"))


def case_retry_storm_dead_server():
    """Two benign hosts retry a dead service every 5 s +-10% for 20
    minutes: one gets no answer at all (new source port per try, some
    retransmissions), the other an RST to every try."""
    a, b = WS[1], WS[2]
    sc, hosts = std_scene(1007, extra={}, n_ws=3)
    r = sc.r
    browse(sc, hosts, 5.0, 22 * MIN, 120.0)
    n_re = 0
    for t in rhythm(r, 40.0, 240, 5.0, 0.10):       # each try asks the resolver's cache
        t = sc.resolve(t, a, "sync.fernhollow-backup.example", ["203.0.113.9"]) + 0.002
        re = (1.0,) if r.random() < 0.3 else ()
        n_re += len(re)
        sc.net.syn(t, a, "203.0.113.9", 443, internal, retries=re)
    for t in rhythm(r, 43.0, 240, 5.0, 0.10):
        t = sc.resolve(t, b, "licensing.quarrytone.example", ["203.0.113.10"]) + 0.002
        sc.net.syn(t, b, "203.0.113.10", 443, internal, answer="rst", rtt=r.uniform(0.02, 0.05))
    return sc, dict(
        forges="nothing malicious: %s retries sync.fernhollow-backup.example (203.0.113.9:443) "
               "with a SYN from a new source port every 5 s +-10%% for 20 min, 240 tries, "
               "never answered (%d retransmissions); %s retries "
               "licensing.quarrytone.example (203.0.113.10:443) the same way and gets an RST "
               "each time; both look the name up again whenever its TTL (300 s) has run out"
               % (a, n_re, b),
        outcome="no host flagged; no host record for either (failed attempts are never "
                "beacon events)",
        flagged=[], never_flagged=all_hosts(sc), no_evidence=[a, b])


PHONES = [("10.50.2.11", "Pixel-8", "android"), ("10.50.2.12", "Galaxy-S23", "android"),
          ("10.50.2.13", "Pixel-7a", "android"), ("10.50.2.14", "moto-g84", "android"),
          ("10.50.2.15", "iPhone", "apple"), ("10.50.2.16", "iPad", "apple")]


def heartbeat_session(sc, t_open, host, name, addrs, port, period, jitter, t_end):
    """a push client: one TLS session, a 40-60 byte heartbeat answered with
    40-50 bytes every period +-jitter, closed at t_end"""
    times = [t for t in rhythm(sc.r, t_open + period, 1000, period, jitter) if t < t_end - 1]
    tx_tls_session(sc, host, name, addrs, times, port, up=(40, 60), down=(40, 50),
                   t_open=t_open, t_close=t_end)
    return len(times)


def case_phone_push():
    """Six phones hold push sessions for 60 minutes: four Android phones
    (after a connectivity check) to mtalk.google.com:5228 with a heartbeat
    every 28 s +-5%, two Apple devices to 17-courier.push.apple.com:5223
    every 15 minutes."""
    sc, hosts = std_scene(1008, extra={})
    browse(sc, hosts, 5.0, 61 * MIN, 180.0)
    counts = {}
    for i, (ip, name, kind) in enumerate(PHONES):
        t = 20.0 + 7.0 * i
        sc.join(t, ip, name)
        if kind == "android":
            conncheck(sc, t + 1.0, ip)
            counts[ip] = heartbeat_session(sc, t + 2.0, ip, MTALK[0], MTALK[1], MTALK[2], 28.0,
                                           0.05, t + 60 * MIN)
        else:
            counts[ip] = heartbeat_session(sc, t + 2.0, ip, APNS[0], APNS[1], APNS[2],
                                           15 * MIN, 0.01, t + 60 * MIN)
    andr = sorted(set(counts[p[0]] for p in PHONES if p[2] == "android"))
    appl = sorted(set(counts[p[0]] for p in PHONES if p[2] == "apple"))
    return sc, dict(
        forges="nothing malicious: 4 Android phones each run a connectivity check "
               "(connectivitycheck.gstatic.com, HTTP 204) and hold one TLS session to "
               "mtalk.google.com:5228 for 60 min with a heartbeat every 28 s +-5%% (%s "
               "each), 2 Apple devices one to 17-courier.push.apple.com:5223 with one every "
               "15 min (%s each); two workstations browse"
               % ("/".join(map(str, andr)), "/".join(map(str, appl))),
        outcome="no host flagged (listed services; mtalk is also used by 4 hosts)",
        flagged=[], never_flagged=all_hosts(sc))


def case_ntp_polling():
    """Four workstations poll NTP (UDP 123, 48-byte packets) every 64 s for
    60 minutes: two the pool.ntp.org server their lookup returned first, two
    time.windows.com."""
    sc, hosts = std_scene(1009, extra={}, n_ws=4)
    r = sc.r
    browse(sc, hosts, 5.0, 61 * MIN, 300.0)
    notes = []
    for i, h in enumerate(hosts):
        name, addrs = (POOL_NTP if i < 2 else WIN_NTP)
        addrs = addrs[i % len(addrs):] + addrs[:i % len(addrs)]      # round robin
        t = sc.resolve(10.0 + 3.0 * i, h, name, addrs) + 0.002
        server = addrs[0]
        n = 0
        while t < 60 * MIN:
            sc.net.udp(t, h, server, 123, 123, ntp_packet(T0 + t, 3), internal)
            rtt = r.uniform(0.01, 0.04)
            sc.net.udp(t + rtt, server, h, 123, 123,
                       ntp_packet(T0 + t + rtt, 4, T0 + t, T0 + t + rtt / 2), internal)
            t += 64.0 + r.uniform(-0.2, 0.2)
            n += 1
        notes.append("%s -> %s (%s) x%d" % (h, name, server, n))
    return sc, dict(
        forges="nothing malicious: 4 workstations poll NTP every 64 s for 60 min (48-byte "
               "mode 3/4 packets, UDP 123 both ends): " + "; ".join(notes),
        outcome="no host flagged; no host record for any of them",
        flagged=[], never_flagged=all_hosts(sc), no_evidence=hosts)


def case_update_polling():
    """Three workstations poll fe2.update.microsoft.com over a new HTTPS
    connection every 10 minutes +-2% for 3 hours."""
    sc, hosts = std_scene(1010, extra={}, n_ws=3)
    r = sc.r
    browse(sc, hosts, 5.0, 3 * 60 * MIN, 600.0)
    name, addrs = WU
    for i, h in enumerate(hosts):
        times = rhythm(r, 30.0 + 70.0 * i, 18, 10 * MIN, 0.02)
        tx_tls_newconn(sc, h, name, addrs[i % 2:] + addrs[:i % 2], times, up=(300, 600),
                       down=(200, 800))
    return sc, dict(
        forges="nothing malicious: 3 workstations each open a new HTTPS connection to "
               "fe2.update.microsoft.com every 10 min +-2% for 3 h (18 each, a fresh lookup "
               "each time)",
        outcome="no host flagged (listed service, 3 hosts)",
        flagged=[], never_flagged=all_hosts(sc))


def case_iot_telemetry_fleet():
    """Eight IoT devices POST telemetry over keep-alive HTTP to one cloud
    name every 60 s +-3% for 60 minutes."""
    sc, hosts = std_scene(1011, extra={})
    r = sc.r
    browse(sc, hosts, 5.0, 61 * MIN, 300.0)
    name, addrs = "telemetry.brightnest.example", ["203.0.113.60"]
    devs = ["10.50.3.%d" % i for i in range(11, 19)]
    for i, d in enumerate(devs):
        t = 15.0 + 2.5 * i
        sc.join(t, d, "BN-THERMO-%02d" % (i + 1))
        times = rhythm(r, t + 5.0, 60, 60.0, 0.03)
        c = conn(sc, sc.resolve(t + 1.0, d, name, addrs) + 0.002, d, addrs[0], 80)
        for t in times:
            body = ('{"dev":"bn-%02d","temp":%.1f,"hum":%d}'
                    % (i + 1, r.uniform(18.0, 24.0), r.randint(30, 60))).encode()
            c.request(t, http_post(name, "/v1/ingest", body, "application/json",
                                   ua="brightnest-fw/3.2", keepalive=None),
                      http_resp(b"", 204, keepalive=None))
        c.close(60 * MIN + 20.0 + i)
    return sc, dict(
        forges="nothing malicious: 8 IoT devices (10.50.3.11-18) each POST a small JSON "
               "reading to telemetry.brightnest.example (HTTP port 80, one keep-alive "
               "connection per device) every 60 s +-3% for 60 min",
        outcome="no host flagged (8 hosts share the destination)",
        flagged=[], never_flagged=all_hosts(sc))


def case_browsing_background():
    """Two workstations browse: TLS connections to 40 popular names with
    exponential gaps (mean 20 s) for 30 minutes."""
    sc, hosts = std_scene(1012, extra={})
    browse(sc, hosts, 5.0, 30 * MIN, 20.0)
    return sc, dict(
        forges="nothing malicious: 2 workstations browse for 30 min: short HTTPS fetches "
               "of 40 popular names, exponential gaps of mean 20 s, favourites more often",
        outcome="no host flagged",
        flagged=[], never_flagged=all_hosts(sc))


def case_control_rare_heartbeat():
    """Control for phone_push: one host runs the Android heartbeat pattern
    (28 s +-5%, 60 minutes, one TLS session) to a rare invented name on 443."""
    sc, hosts = std_scene(1013)
    browse(sc, hosts, 5.0, 61 * MIN, 180.0)
    n = heartbeat_session(sc, 20.0, INFECTED, "hb.tarnwick-relay.example", ["203.0.113.66"],
                          443, 28.0, 0.05, 20.0 + 60 * MIN)
    return sc, dict(
        forges="control for phone_push: I holds one TLS session to hb.tarnwick-relay.example:"
               "443 for 60 min with the Android heartbeat (40-60 bytes answered with 40-50, "
               "every 28 s +-5%%, %d heartbeats)" % n,
        outcome="I flagged with beacon evidence (phone_push passes because of the list and "
                "prevalence, not because heartbeats are invisible)",
        **infected_expect("beacon"))


def case_fake_sni_listed_service():
    """WS-17 holds a TLS session to a rare address, naming a listed service
    in its SNI (mtalk.google.com) without ever resolving it: a heartbeat
    every 28 s +-5% for 40 minutes.  A phone resolves mtalk.google.com and
    holds the same heartbeat to the address the answer gave: it alone."""
    sc, hosts = std_scene(1014)
    phone = PHONES[0][0]
    sc.join(20.0, phone, PHONES[0][1])
    browse(sc, hosts, 5.0, 41 * MIN, 150.0)
    n = heartbeat_session(sc, 30.0, phone, MTALK[0], MTALK[1], MTALK[2], 28.0, 0.05,
                          30.0 + 40 * MIN)
    r = sc.r
    c = conn(sc, 35.0, INFECTED, "203.0.113.66", 443)
    tls_handshake(sc, c, c.t, MTALK[0])
    times = [t for t in rhythm(r, 40.0, 200, 28.0, 0.05) if t < 35.0 + 40 * MIN]
    for t in times:
        c.request(t, app_data(r, 40, 60), app_data(r, 40, 50))
    c.close(times[-1] + 2.0)
    return sc, dict(
        forges="I holds a TLS session to 203.0.113.66:443 with SNI mtalk.google.com, a name it "
               "never resolved, and %d heartbeats every 28 s +-5%%; phone %s resolves "
               "mtalk.google.com and holds %d heartbeats to the answer's 192.0.2.188:5228"
               % (len(times), phone, n),
        outcome="I flagged (its address's rhythm); its evidence under the listed name says no "
                "DNS answer tied it to the address; the phone, alone with a listed service, "
                "has no host record",
        flagged=[INFECTED], no_evidence=[phone],
        hosts={INFECTED: {"verdict": "infected", "evidence_kinds": ["beacon"]}},
        records_required=[{"event_type": "spanhound_verdict", "spanhound_verdict": {"ip": INFECTED, "evidence": {"$any": {
            "indicator": "mtalk.google.com",
            "explanation": {"$contains": "no DNS answer seen tied it"}}}}}])


def case_lab_udp_c2_internal():
    """An internal C2 server (10.50.0.60) answers its agent WS-17 from a new
    socket to the agent's listening port 6000 (a lab C2 such as Caldera's
    Manx): the agent beacons every 60 s +-5% to 7011/udp for 15 minutes."""
    sc, hosts = std_scene(1015, extra={INFECTED: "WS-17", "10.50.0.60": "C2-LAB"})
    browse(sc, [h for h in hosts if h != "10.50.0.60"], 5.0, 17 * MIN, 120.0)
    r = sc.r
    for t in rhythm(r, 45.0, 15, 60.0, 0.05):
        sc.net.udp(t, INFECTED, "10.50.0.60", sc.net.sport(INFECTED), 7011, opaque(r, 230, 260),
                   internal)
        sc.net.udp(t + r.uniform(0.002, 0.006), "10.50.0.60", INFECTED,
                   sc.net.sport("10.50.0.60"), 6000, opaque(r, 10, 16), internal)
    return sc, dict(
        forges="I sends 15 datagrams to internal 10.50.0.60:7011, every 60 s +-5%, each from "
               "a new source port; the server answers each from a new socket to I's port 6000",
        outcome="I flagged with beacon and unusual_port evidence; the server, which only "
                "answers, never flagged and has no host record",
        flagged=[INFECTED], no_evidence=["10.50.0.60"],
        hosts={INFECTED: {"verdict": "infected", "evidence_kinds": ["beacon", "unusual_port"]}})


def case_busy_workstation():
    """A busy workstation reaches 150 external servers in 10 minutes on
    five ports (443, 80, 993, 5223, 8443; 30 each), every attempt answered."""
    sc, hosts = std_scene(1016, extra={})
    ws = hosts[0]
    r = sc.r
    ports = [443, 80, 993, 5223, 8443]
    for i in range(150):
        t = 10.0 + i * 4.0 + r.uniform(0, 1.5)
        c = conn(sc, t, ws, "198.51.%d.%d" % (100 + i % 3, 20 + i), ports[i % 5])
        t2 = c.request(c.t + 0.001, app_data(r, 80, 300), app_data(r, 200, 900))
        c.close(t2 + 0.01)
    return sc, dict(
        forges="nothing malicious: %s connects to 150 distinct external addresses in 10 min, "
               "30 each on 443, 80, 993, 5223 and 8443, every connection answered" % ws,
        outcome="no evidence for anyone (many answered addresses are not a scan)",
        flagged=[], never_flagged=all_hosts(sc), no_evidence=[ws])


def case_discovery_answers():
    """Forty PCs lease their addresses from the gateway and search for
    devices (SSDP M-SEARCH to 239.255.255.250:1900); a printer answers each
    from port 1900 to the PC's port, and the gateway's DHCP server answers
    each lease: servers answering many clients are not fanning out."""
    sc = Scene(random.Random(1017))
    printer = "10.50.0.90"
    sc.join(1.0, printer, "PRINTER")
    r = sc.r
    pcs = ["10.50.4.%d" % (10 + i) for i in range(40)]
    for i, pc in enumerate(pcs):
        t = 5.0 + 3.0 * i
        sc.join(t, pc, "PC-%d" % i)
        sp = sc.net.sport(pc)
        search = (b"M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n"
                  b"MAN: \"ssdp:discover\"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n")
        sc.net.add(t + 0.5, Ether(src=mac_of(pc), dst="01:00:5e:7f:ff:fa") /
                   IP(src=pc, dst="239.255.255.250", ttl=4) / UDP(sport=sp, dport=1900) /
                   Raw(search))
        reply = (b"HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nST: upnp:rootdevice\r\n"
                 b"USN: uuid:printer-1::upnp:rootdevice\r\nLOCATION: http://10.50.0.90:80/\r\n\r\n")
        sc.net.udp(t + 0.5 + r.uniform(0.01, 0.2), printer, pc, 1900, sp, reply, internal)
    return sc, dict(
        forges="nothing malicious: 40 PCs lease from the gateway and send an SSDP M-SEARCH; "
               "the printer %s answers each from port 1900" % printer,
        outcome="no host flagged; neither the printer nor the gateway has a host record",
        flagged=[], never_flagged=all_hosts(sc), no_evidence=[printer, GW])


def case_forged_udp_answers():
    """A workstation's datagrams to a dead collector go unanswered every 30 s
    +-5% for 20 minutes; WS-17 forges six "answers" from the collector's
    address with its own MAC, to make the victim's rhythm count."""
    sc, hosts = std_scene(1018)
    victim = WS[0]
    r = sc.r
    sp = sc.net.sport(victim)
    times = rhythm(r, 40.0, 40, 30.0, 0.05)
    for t in times:
        sc.net.udp(t, victim, "203.0.113.70", sp, 9999, opaque(r, 60, 80), internal)
    for t in times[5:11]:
        sc.net.add(t + 0.05, Ether(src=mac_of(INFECTED), dst=mac_of(victim)) /
                   IP(src="203.0.113.70", dst=victim) / UDP(sport=9999, dport=sp) /
                   Raw(opaque(r, 20, 30)))
    return sc, dict(
        forges="%s sends 40 datagrams to a dead collector 203.0.113.70:9999, every 30 s +-5%%; "
               "I forges 6 answers from 203.0.113.70 with its own MAC" % victim,
        outcome="the victim is never flagged and has no host record (an answer counts only "
                "from the MAC the client sent to)",
        flagged=[], never_flagged=all_hosts(sc), no_evidence=[victim])


def case_spoofed_mac_beacon():
    """WS-17 sends its UDP beacon (7011, every 60 s +-5%, 15 minutes) with a
    source MAC that is not its own: nobody can be held to it."""
    sc, hosts = std_scene(1019)
    browse(sc, hosts, 5.0, 17 * MIN, 120.0)
    r = sc.r
    sp = sc.net.sport(INFECTED)
    for t in rhythm(r, 45.0, 15, 60.0, 0.05):
        sc.net.add(t, Ether(src="02:66:66:66:66:66", dst=ROUTER_MAC) /
                   IP(src=INFECTED, dst="198.51.100.77") / UDP(sport=sp, dport=7011) /
                   Raw(opaque(r, 200, 300)))
        sc.net.udp(t + 0.04, "198.51.100.77", INFECTED, 7011, sp, opaque(r, 60, 150), internal)
    return sc, dict(
        forges="I beacons over UDP to 198.51.100.77:7011 every 60 s +-5% for 15 min, from "
               "its address but a MAC that is not its established one",
        outcome="nobody flagged; a spanhound_spoofed_source record names the address and the beacon",
        flagged=[], never_flagged=all_hosts(sc),
        records_required=[{"event_type": "spanhound_spoofed_source"}])


def case_router_pair_answers():
    """A busy workstation behind a router pair (HSRP/VRRP): it sends to the
    virtual gateway MAC, the answers come from the active router's own MAC.
    150 external servers in 10 minutes on five ports, every one answered."""
    sc, hosts = std_scene(1020, extra={})
    ws = hosts[0]
    r = sc.r
    other = "02:00:5e:00:00:99"
    ports = [443, 80, 993, 5223, 8443]
    for i in range(150):
        t = 10.0 + i * 4.0 + r.uniform(0, 1.5)
        c = conn(sc, t, ws, "198.51.%d.%d" % (100 + i % 3, 20 + i), ports[i % 5])
        c.es = Ether(src=other, dst=mac_of(ws))     # answers from the other router MAC
        t2 = c.request(c.t + 0.001, app_data(r, 80, 300), app_data(r, 200, 900))
        c.close(t2 + 0.01)
    return sc, dict(
        forges="nothing malicious: %s reaches 150 external servers in 10 min on 5 ports; it "
               "sends to the gateway's MAC, every answer comes from another router MAC "
               "(%s, a router pair)" % (ws, other),
        outcome="no evidence for anyone (answered is answered, whichever router MAC brings it)",
        flagged=[], never_flagged=all_hosts(sc), no_evidence=[ws])


def case_beacon_from_service_ports():
    """WS-17 beacons over UDP from source port 5353 (mDNS's) to
    198.51.100.77:7011, and over UDP with random bytes to port 123 of
    198.51.100.78 (not NTP): a service port is no shield."""
    sc, hosts = std_scene(1021)
    browse(sc, hosts, 5.0, 22 * MIN, 120.0)
    tx_udp(sc, INFECTED, "198.51.100.77", 7011, rhythm(sc.r, 45.0, 15, 60.0, 0.05), sport=5353)
    tx_udp(sc, INFECTED, "198.51.100.78", 123, rhythm(sc.r, 50.0, 40, 30.0, 0.05))
    return sc, dict(
        forges="I sends 15 datagrams from its port 5353 to 198.51.100.77:7011 every 60 s "
               "+-5%, and 40 datagrams of random bytes (no NTP) to 198.51.100.78:123 every "
               "30 s +-5%, each answered",
        outcome="I flagged, with beacon evidence for both destinations and unusual_port for "
                "7011",
        flagged=[INFECTED],
        hosts={INFECTED: {"verdict": "infected", "evidence_kinds": ["beacon", "unusual_port"]}},
        records_required=[{"event_type": "spanhound_verdict", "spanhound_verdict": {"ip": INFECTED, "evidence": {"$any": {
            "kind": "beacon", "indicator": "198.51.100.78:123/udp"}}}}])


def case_lab_udp_forged_replies():
    """WS-17 sends datagrams to an internal server that never answers; WS-21
    forges the server's "answers" with its own MAC: a beacon that nobody
    answers is no beacon, whatever a third host forges."""
    sc, hosts = std_scene(1022, extra={INFECTED: "WS-17", "10.50.0.60": "SRV-60"})
    forger = WS[0]
    r = sc.r
    sp = sc.net.sport(INFECTED)
    for t in rhythm(r, 45.0, 15, 60.0, 0.05):
        sc.net.udp(t, INFECTED, "10.50.0.60", sp, 7011, opaque(r, 230, 260), internal)
        sc.net.add(t + 0.004, Ether(src=mac_of(forger), dst=mac_of(INFECTED)) /
                   IP(src="10.50.0.60", dst=INFECTED) / UDP(sport=40000, dport=6000) /
                   Raw(opaque(r, 10, 16)))
    return sc, dict(
        forges="I sends 15 datagrams to internal 10.50.0.60:7011, which never answers; %s "
               "forges an answer from 10.50.0.60 to I's port 6000 after each, with its own MAC"
               % forger,
        outcome="nobody flagged: I's datagrams stay unanswered (a forged answer counts for "
                "nothing) and the forged ones speak for nobody",
        flagged=[], never_flagged=all_hosts(sc))


# ---- spread: the indicators behind a conviction reach other hosts --------------------

SPREAD_C2 = ("sync.velmora-cdn.example", ["203.0.113.90"])


def case_spread_shared_c2():
    """WS-17 beacons over new TLS connections to a rare C2 every 60 s +-10%
    for 40 minutes and is convicted.  WS-21 visited the same C2 once, 5
    minutes in (before the conviction); WS-22 visits it once at minute 50
    (after); WS-23 only browses popular names, as WS-17 also does."""
    sc, hosts = std_scene(1101, n_ws=3)
    b, c, dd = WS[0], WS[1], WS[2]
    browse(sc, [INFECTED, dd], 5.0, 55 * MIN, 90.0)
    times = rhythm(sc.r, 60.0, 40, 60.0, 0.10)
    tx_tls_newconn(sc, INFECTED, SPREAD_C2[0], SPREAD_C2[1], times)
    tx_udp(sc, INFECTED, "198.51.100.77", 7011, rhythm(sc.r, 45.0, 15, 60.0, 0.10))
    tls_visit(sc, 5 * MIN + 7.0, b, SPREAD_C2[0], SPREAD_C2[1][0])
    tls_visit(sc, 50 * MIN + 3.0, c, SPREAD_C2[0], SPREAD_C2[1][0])
    shared = {"verdict": "clean", "evidence_kinds": ["shared_c2"]}
    def names_first(ip):
        return {"event_type": "spanhound_verdict", "spanhound_verdict": {"ip": ip, "evidence": {
            "$any": {"kind": "shared_c2", "ioc": SPREAD_C2[0],
                     "explanation": {"$contains": "the C2 name behind %s's conviction" % INFECTED}}}}}
    return sc, dict(
        forges="I opens a new TLS connection to %s (%s) every 60 s +-10%% for 40 min and "
               "sends a UDP datagram to 198.51.100.77:7011 every 60 s for 15 min; "
               "%s visits it once at minute 5 (before I's conviction), %s once at minute 50 "
               "(after it); %s and I browse popular names" % (SPREAD_C2[0], SPREAD_C2[1][0],
                                                             b, c, dd),
        outcome="I flagged with beacon and unusual_port evidence; %s and %s each get "
                "shared_c2 evidence naming "
                "I and the C2 (name and address) but are not flagged (one contact, one "
                "source); %s, who shares only popular destinations with I, has no host record"
                % (b, c, dd),
        flagged=[INFECTED], no_evidence=[dd],
        hosts={INFECTED: {"verdict": "infected", "evidence_kinds": ["beacon", "unusual_port"]},
               b: shared, c: shared},
        records_required=[names_first(b), names_first(c)])


def case_spread_attack_infrastructure():
    """WS-17 is convicted while its 'C2' evidence names infrastructure and
    a popular service: a heartbeat TLS session to 203.0.113.66 with SNI
    www.google.com (never resolved) and a UDP beacon to the upstream
    resolver's address 192.0.2.53 on port 7011.  WS-21 resolves and
    browses www.google.com and uses DNS over HTTPS at 192.0.2.53; WS-22
    browses too."""
    sc, hosts = std_scene(1102, n_ws=2)
    w1, w2 = WS[0], WS[1]
    browse(sc, [w1, w2], 5.0, 42 * MIN, 60.0, names=["www.google.com", "mail.google.com",
                                                     "docs.google.com", "www.youtube.com"])
    r = sc.r
    for t in sorted(r.uniform(3 * MIN, 40 * MIN) for _ in range(8)):  # DNS over HTTPS
        tls_visit(sc, t, w1, "doh.upstream-resolver.test", UPSTREAM)
    c = conn(sc, 35.0, INFECTED, "203.0.113.66", 443)
    tls_handshake(sc, c, c.t, "www.google.com")
    times = [t for t in rhythm(r, 40.0, 200, 28.0, 0.05) if t < 35.0 + 40 * MIN]
    for t in times:
        c.request(t, app_data(r, 40, 60), app_data(r, 40, 50))
    c.close(times[-1] + 2.0)
    tx_udp(sc, INFECTED, UPSTREAM, 7011, rhythm(r, 45.0, 15, 60.0, 0.10))
    return sc, dict(
        forges="I holds a TLS session to 203.0.113.66:443 with SNI www.google.com (never "
               "resolved), %d heartbeats every 28 s +-5%%, and sends 15 UDP datagrams to the "
               "upstream resolver 192.0.2.53:7011 every 60 s; %s browses www.google.com and "
               "uses DNS over HTTPS at 192.0.2.53, %s browses" % (len(times), w1, w2),
        outcome="I flagged; nothing spreads: the popular name and the resolver's address are "
                "never learnt, so %s and %s have no host record and no shared_c2 evidence "
                "exists" % (w1, w2),
        flagged=[INFECTED], no_evidence=[w1, w2],
        hosts={INFECTED: {"verdict": "infected", "evidence_kinds": ["beacon"]}},
        records_forbidden=[{"event_type": "spanhound_verdict", "spanhound_verdict": {
            "evidence": {"$any": {"kind": "shared_c2"}}}}])


SPREAD_FRAMED = ("portal.ledgerline-partner.example", ["203.0.113.91"])


def case_spread_frames_regular_user():
    """The LAN lies: WS-17 wants WS-21 quarantined.  WS-21 uses a rare
    partner portal all morning (irregular HTTPS visits, mean gap 3 min, for
    55 minutes).  WS-17 convicts itself on purpose with that very portal as
    its 'C2': a new TLS connection every 60 s +-10% for 40 minutes, plus a
    UDP beacon to 198.51.100.77:7011 for a second source.  The portal is
    learnt and WS-21's many contacts give it shared_c2 -- evidence about
    someone else's conviction, which the convict chose: it must never
    quarantine WS-21 alone."""
    sc, hosts = std_scene(1103, n_ws=2)
    victim, other = WS[0], WS[1]
    browse(sc, [INFECTED, other], 5.0, 55 * MIN, 90.0)
    r = sc.r
    t = 20.0
    while t < 55 * MIN:
        tls_visit(sc, t, victim, SPREAD_FRAMED[0], SPREAD_FRAMED[1][0])
        t += r.expovariate(1.0 / 180.0) + 5.0
    tx_tls_newconn(sc, INFECTED, SPREAD_FRAMED[0], SPREAD_FRAMED[1], rhythm(r, 60.0, 40, 60.0, 0.10))
    tx_udp(sc, INFECTED, "198.51.100.77", 7011, rhythm(r, 45.0, 15, 60.0, 0.10))
    return sc, dict(
        forges="%s visits %s (%s) at irregular times (mean gap 3 min) for 55 min; I opens a new "
               "TLS connection to the same portal every 60 s +-10%% for 40 min and sends a UDP "
               "datagram to 198.51.100.77:7011 every 60 s for 15 min, getting itself convicted "
               "with the portal as its C2" % (victim, SPREAD_FRAMED[0], SPREAD_FRAMED[1][0]),
        outcome="I flagged; %s gets shared_c2 evidence naming I and the portal but is not "
                "flagged: shared_c2 (the convict's choice) never flags a host alone, however "
                "many contacts it counts" % victim,
        flagged=[INFECTED], never_flagged=[victim, other],
        hosts={INFECTED: {"verdict": "infected", "evidence_kinds": ["beacon"]},
               victim: {"verdict": "clean", "evidence_kinds": ["shared_c2"]}})


def case_spread_popular_address_by_own_name():
    """WS-17 points a name of its own (sync.quillmark-relay.example) at the
    address a trusted answer gives www.dropbox.com, and beacons to it over
    TLS every 60 s +-10% for 40 minutes (plus a UDP beacon for a second
    source): convicted.  WS-21 uses Dropbox all along.  The address is a
    popular service's, whatever other name also points at it: it must not
    be learnt, or every Dropbox user would get shared_c2."""
    sc, hosts = std_scene(1104, n_ws=2)
    user, other = WS[0], WS[1]
    pop = "www.dropbox.com"
    browse(sc, [user], 5.0, 55 * MIN, 150.0, names=[pop])
    browse(sc, [INFECTED, other], 5.0, 55 * MIN, 90.0)
    r = sc.r
    own = "sync.quillmark-relay.example"
    tx_tls_newconn(sc, INFECTED, own, [POPULAR_ADDR[pop]], rhythm(r, 60.0, 40, 60.0, 0.10))
    tx_udp(sc, INFECTED, "198.51.100.77", 7011, rhythm(r, 45.0, 15, 60.0, 0.10))
    return sc, dict(
        forges="I resolves its own name %s, whose answer is %s (the address trusted answers give "
               "%s), and opens a TLS connection to it every 60 s +-10%% for 40 min plus a UDP "
               "datagram to 198.51.100.77:7011 every 60 s for 15 min; %s uses %s throughout"
               % (own, POPULAR_ADDR[pop], pop, user, pop),
        outcome="I flagged; the popular service's address is never learnt, so %s (a Dropbox "
                "user) gets no shared_c2 evidence" % user,
        flagged=[INFECTED], never_flagged=[user, other],
        hosts={INFECTED: {"verdict": "infected", "evidence_kinds": ["beacon"]}},
        records_forbidden=[{"event_type": "spanhound_verdict", "spanhound_verdict": {
            "evidence": {"$any": {"kind": "shared_c2", "ioc": POPULAR_ADDR[pop]}}}}])


CASES = [
    ("http_poll_keepalive", case_http_poll_keepalive),
    ("http_poll_new_conn", case_http_poll_new_conn),
    ("tls_keepalive_session", case_tls_keepalive_session),
    ("udp_beacon_odd_port", case_udp_beacon_odd_port),
    ("spray_22", case_spray_22),
    ("lateral_smb", case_lateral_smb),
    ("retry_storm_dead_server", case_retry_storm_dead_server),
    ("phone_push", case_phone_push),
    ("ntp_polling", case_ntp_polling),
    ("update_polling", case_update_polling),
    ("iot_telemetry_fleet", case_iot_telemetry_fleet),
    ("browsing_background", case_browsing_background),
    ("control_rare_heartbeat", case_control_rare_heartbeat),
    ("fake_sni_listed_service", case_fake_sni_listed_service),
    ("lab_udp_c2_internal", case_lab_udp_c2_internal),
    ("busy_workstation", case_busy_workstation),
    ("discovery_answers", case_discovery_answers),
    ("forged_udp_answers", case_forged_udp_answers),
    ("spoofed_mac_beacon", case_spoofed_mac_beacon),
    ("router_pair_answers", case_router_pair_answers),
    ("beacon_from_service_ports", case_beacon_from_service_ports),
    ("lab_udp_forged_replies", case_lab_udp_forged_replies),
    ("spread_shared_c2", case_spread_shared_c2),
    ("spread_attack_infrastructure", case_spread_attack_infrastructure),
    ("spread_frames_regular_user", case_spread_frames_regular_user),
    ("spread_popular_address_by_own_name", case_spread_popular_address_by_own_name),
]

# keys of case.json the checker reads (tests/regress/attacks/check.py)

README_HEAD = """\
# Behaviour regressions

Flow-timing and fan-out detectors: beacons (a regular rhythm to one
destination), long quiet sessions to rare destinations, plain TCP/UDP on
unusual ports, and contact with many external or internal hosts; and the
benign rhythm that must not convict (push heartbeats, NTP, update polling,
IoT fleets, browsing, retry storms); and the spread of a convicted host's
C2 to the hosts that contacted it (`spread_*`: shared_c2 evidence back and
forward, nothing spread from infrastructure or popular names).  One
directory per case:

- `capture.pcap`: the capture, generated by `tests/gen/gen_behaviour.py`
  (deterministic scapy; documentation and private address space; invented
  names under .example/.test, real public names for the benign services);
- `case.json`: the expectations `tests/regress/attacks/check.py` asserts
  on spanhound's EVE output (keys and patterns: tests/regress/attacks/README.md).

Run: `tests/regress/behaviour/run.sh build/spanhound` (the attacks runner
pointed at this directory).  Regenerate (this README included; edit the
generator, not this file):
`/usr/bin/python3 tests/gen/gen_behaviour.py tests/regress/behaviour`.
The same generator writes the evaluation scenarios
(`--eval OUTDIR --set tune|holdout --seeds N`; its docstring lists the
families).

The segment: 10.50.0.1 gateway (router and DHCP server, the MAC every
external peer sits behind), 10.50.0.53 resolver (answers from its cache or
forwards to 192.0.2.53, both legs mirrored), 10.50.0.17 "WS-17" the
infected host (I), 10.50.0.21-24 benign workstations, 10.50.1.x the
lateral-movement targets, 10.50.2.x phones, 10.50.3.x IoT devices.  Every
host leases its address by DHCP and ARPs for the gateway first.

## Cases

| case | what happens | what must happen | pcap |
|---|---|---|---:|
"""


def main_regress(outdir):
    netgen.write_cases(outdir, CASES, "tests/gen/gen_behaviour.py", README_HEAD)


# ---- evaluation scenarios --------------------------------------------------------------

SYL = ["ka", "lo", "mi", "ra", "ven", "tor", "sa", "lin", "qua", "zo", "fer", "nu", "dal",
       "ri", "mox", "tel", "bra", "vi", "cor", "an", "el", "pon", "sky", "lar"]
WORDS = ["sync", "relay", "cloud", "metrics", "update", "cdn", "edge", "api", "status",
         "gate", "node", "track", "stat", "feed", "push", "data", "portal", "hub"]
KNOWN_PORTS = {1194, 1701, 1812, 1813, 3478, 3479, 4500, 5060, 5061, 5353, 5355, 8080, 8443,
               11211, 25565, 27015, 27017, 30303, 32400, 33434, 51820}


def popular_domains():
    """the registrable domains of the shipped popularity list (empty if absent)"""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "detect",
                        "data", "popular.txt")
    try:
        with open(path) as f:
            return {ln.strip() for ln in f if ln.strip() and not ln.startswith("#")}
    except OSError:
        return set()


POPULAR_DOMAINS = popular_domains()


def rare_name(r, style=None):
    """an invented rare name: word-like under .example/.test, or a
    pronounceable random-looking .com/.net of 4-5 syllables (this
    generator's own; never one whose domain is on the popularity list)"""
    style = style or r.choice(["words", "pseudo"])
    if style == "words":
        return "%s.%s-%s.%s" % (r.choice(WORDS), "".join(r.choice(SYL) for _ in range(2)),
                                r.choice(WORDS), r.choice(["example", "test"]))
    while True:
        name = "%s.%s" % ("".join(r.choice(SYL) for _ in range(r.randint(4, 5))),
                          r.choice(["com", "net"]))
        if name not in POPULAR_DOMAINS:
            return name


def loguniform(r, lo, hi):
    return math.exp(r.uniform(math.log(lo), math.log(hi)))


class EvalScene(Scene):
    """a Scene with its own address allocator for rare external peers"""

    def __init__(self, r):
        Scene.__init__(self, r)
        self.used = set()

    def ext_addr(self):
        while True:
            a = "203.0.113.%d" % self.r.randint(10, 250)
            if a not in self.used and a not in (POOL_NTP[1] + WIN_NTP[1]):
                self.used.add(a)
                return a


def background(sc, t_end, n_hosts, extra_browsers=(), budget=160):
    """2-4 background workstations joining and browsing until t_end, about
    `budget` fetches in all; extra_browsers browse at the same rate"""
    r = sc.r
    bg = ["10.50.0.%d" % i for i in r.sample(range(20, 60), n_hosts)]
    for i, h in enumerate(bg):
        sc.join(1.0 + 0.4 * i, h, "WS-%s" % h.split(".")[-1])
    browsers = bg + list(extra_browsers)
    mean = max(20.0, t_end * len(browsers) / budget)
    browse(sc, browsers, 10.0, t_end, mean)
    return bg


def events_and_period(r, lo_p=5.0, hi_p=300.0, max_dur=8 * 3600.0):
    p = loguniform(r, lo_p, hi_p)
    n = r.randint(8, 150)
    n = max(8, min(n, int(max_dur / p)))
    return p, n


def mal_times(family, r, t0, p, n):
    """event times and a note for a malicious timing family"""
    if family == "gauss_jitter":
        s = r.uniform(0.05, 0.30)
        out, t = [], t0
        for _ in range(n):
            out.append(t)
            t += p * min(2.0, max(0.2, r.gauss(1.0, s)))
        return out, "jitter=gauss:%.2f" % s
    if family == "sleep_drop":
        j, d = r.uniform(0.1, 0.5), r.uniform(0.10, 0.20)
        out, t, dropped = [], t0, 0
        while len(out) < n:
            if r.random() >= d:
                out.append(t)
            else:
                dropped += 1
            t += p * (1.0 - r.uniform(0.0, j))
        return out, "jitter=sleep-minus:%.2f;dropped=%d" % (j, dropped)
    if family == "bimodal":
        k, long_f, j = r.randint(1, 3), r.uniform(3.0, 8.0), r.uniform(0.05, 0.15)
        ps = p * (k + 1) / (k + long_f)          # mean period stays p
        out, t = [], t0
        for i in range(n):
            out.append(t)
            base = ps * long_f if i % (k + 1) == k else ps
            t += base * (1.0 + r.uniform(-j, j))
        return out, "modes=%.1fs x%d then %.1fs;jitter=uniform:%.2f" % (ps, k, ps * long_f, j)
    if family == "drift":
        d = r.choice([-1, 1]) * r.uniform(0.3, 0.8)
        j = r.uniform(0.03, 0.12)
        out, t = [], t0
        for i in range(n):
            out.append(t)
            t += p * (1.0 + d * i / n) * (1.0 + r.uniform(-j, j))
        return out, "drift=%+.2f;jitter=uniform:%.2f" % (d, j)
    j = r.uniform(0.0, 0.5)                      # uniform_jitter and the transports
    return rhythm(r, t0, n, p, j), "jitter=uniform:%.2f" % j


def eval_malicious(sc, family):
    r = sc.r
    inf = "10.50.0.%d" % r.randint(100, 199)
    sc.join(2.5, inf, "WS-%s" % inf.split(".")[-1])
    p, n = events_and_period(r)
    t0 = r.uniform(60.0, 300.0)
    times, timing = mal_times(family, r, t0, p, n)
    t_end = times[-1] + max(60.0, 2 * p)
    bg = background(sc, t_end, r.randint(2, 4), extra_browsers=[inf])
    name, addr = rare_name(r), sc.ext_addr()
    if family in ("uniform_jitter", "gauss_jitter", "sleep_drop", "bimodal", "drift"):
        transport = r.choice(["tls_newconn", "tls_newconn", "http_newconn"])
    else:
        transport = family
    dest = "%s:%d" % (name, 443)
    if transport == "tls_newconn":
        tx_tls_newconn(sc, inf, name, [addr], times)
    elif transport in ("http_newconn",):
        ip_only = r.random() < 0.5
        tx_http_newconn(sc, inf, name, addr, times, uri=r.choice(["/gate.php", "/submit",
                                                                  "/api/report"]),
                        resolve_addrs=None if ip_only else [addr])
        dest = "%s:80%s" % (name, " (ip-only)" if ip_only else "")
    elif transport == "http_keepalive":
        tx_http_keepalive(sc, inf, name, [addr], times)
        dest = "%s:80" % name
    elif transport == "tls_session":
        tx_tls_session(sc, inf, name, [addr], times, t_close=times[-1] + r.uniform(1.0, 5.0))
    elif transport == "udp_highport":
        port = r.randint(10000, 60000)
        while port in KNOWN_PORTS:
            port = r.randint(10000, 60000)
        tx_udp(sc, inf, addr, port, times)
        dest = "%s:%d/udp" % (addr, port)
    notes = ("events=%d;period=%.1fs;%s;transport=%s;dest=%s;duration=%ds;bg=%d"
             % (len(times), p, timing, transport, dest, times[-1] - times[0], len(bg)))
    return [inf], notes


def eval_benign(sc, family):
    r = sc.r
    subj, notes = [], ""
    if family == "poisson_rare":
        h = "10.50.0.%d" % r.randint(100, 199)
        sc.join(2.5, h, "WS-%s" % h.split(".")[-1])
        mean, n = events_and_period(r)
        out, t = [], r.uniform(60.0, 300.0)
        for _ in range(n):
            out.append(t)
            t += r.expovariate(1.0 / mean)
        name = rare_name(r, "words")
        tx_tls_newconn(sc, h, name, [sc.ext_addr()], out)
        subj, t_end = [h], out[-1] + 60.0
        notes = "events=%d;mean_gap=%.1fs;dest=%s:443" % (n, mean, name)
    elif family == "ntp":
        k, poll = r.randint(2, 6), r.choice([64.0, 128.0, 256.0])
        n = max(8, min(r.randint(8, 150), int(6 * 3600 / poll)))
        t_end = 60.0 + n * poll
        for i in range(k):
            h = "10.50.0.%d" % (100 + i)
            sc.join(2.5 + 0.3 * i, h, "WS-%d" % (100 + i))
            name, addrs = POOL_NTP if r.random() < 0.6 else WIN_NTP
            addrs = addrs[i % len(addrs):] + addrs[:i % len(addrs)]
            t = sc.resolve(10.0 + r.uniform(0, 30), h, name, addrs) + 0.002
            while t < t_end:
                sc.net.udp(t, h, addrs[0], 123, 123, ntp_packet(T0 + t, 3), internal)
                rtt = r.uniform(0.01, 0.04)
                sc.net.udp(t + rtt, addrs[0], h, 123, 123,
                           ntp_packet(T0 + t + rtt, 4, T0 + t, T0 + t + rtt / 2), internal)
                t += poll + r.uniform(-0.3, 0.3)
            subj.append(h)
        notes = "hosts=%d;poll=%ds;events=%d" % (k, poll, n)
    elif family == "update_polling":
        k = r.randint(1, 3)
        name, addrs = WU if r.random() < 0.5 else OFFICECDN
        p = loguniform(r, 300.0, 1800.0)
        n = max(8, min(r.randint(8, 40), int(8 * 3600 / p)))
        for i in range(k):
            h = "10.50.0.%d" % (100 + i)
            sc.join(2.5 + 0.3 * i, h, "WS-%d" % (100 + i))
            tx_tls_newconn(sc, h, name, addrs, rhythm(r, r.uniform(30, 300), n, p, 0.02),
                           up=(300, 600), down=(200, 800))
            subj.append(h)
        t_end = 300.0 + n * p * 1.02 + 60.0
        notes = "hosts=%d;period=%.0fs;jitter=0.02;events=%d;dest=%s:443" % (k, p, n, name)
    elif family == "push_heartbeat":
        k = r.randint(1, 6)
        p = r.choice([28.0, 55.0, 120.0, 270.0])
        n = max(8, min(r.randint(8, 150), int(6 * 3600 / p)))
        t_end = 60.0 + (n + 1) * p
        kinds = []
        for i in range(k):
            h = "10.50.2.%d" % (11 + i)
            android = r.random() < 0.6
            sc.join(2.5 + 3.0 * i, h, ("Pixel-%d" if android else "iPhone-%d") % i)
            if android:
                conncheck(sc, 3.5 + 3.0 * i, h)
                heartbeat_session(sc, 5.0 + 3.0 * i, h, MTALK[0], MTALK[1], MTALK[2], p, 0.05,
                                  t_end)
            else:
                heartbeat_session(sc, 5.0 + 3.0 * i, h, APNS[0], APNS[1], APNS[2], 15 * MIN,
                                  0.01, t_end)
            kinds.append("android" if android else "apple")
            subj.append(h)
        notes = "phones=%s;android_period=%.0fs;apple_period=900s;duration=%ds" % (
            " ".join(kinds), p, t_end)
    elif family == "iot_fleet":
        k = r.randint(4, 12)
        p = loguniform(r, 10.0, 300.0)
        n = max(8, min(r.randint(8, 150), int(600 / k), int(8 * 3600 / p)))
        j = r.uniform(0.01, 0.05)
        vendor = "".join(r.choice(SYL) for _ in range(3))
        name, addr = "telemetry.%s.example" % vendor, sc.ext_addr()
        transport = r.choice(["http_keepalive", "tls_session"])
        for i in range(k):
            h = "10.50.3.%d" % (11 + i)
            sc.join(2.5 + 0.5 * i, h, "%s-%02d" % (vendor.upper(), i + 1))
            times = rhythm(r, 20.0 + r.uniform(0, p), n, p, j)
            if transport == "http_keepalive":
                tx_http_keepalive(sc, h, name, [addr], times, uri="/v1/state")
            else:
                tx_tls_session(sc, h, name, [addr], times, up=(60, 200), down=(40, 80),
                               t_close=times[-1] + 2.0)
            subj.append(h)
        t_end = 20.0 + p + n * p * (1 + j) + 30.0
        notes = "devices=%d;period=%.1fs;jitter=%.2f;events=%d;transport=%s;dest=%s" % (
            k, p, j, n, transport, name)
    elif family == "browsing":
        k = r.randint(2, 4)
        t_end = r.uniform(30 * MIN, 90 * MIN)
        mean = max(r.uniform(10.0, 40.0), k * t_end / 250.0)     # about 250 fetches at most
        for i in range(k):
            h = "10.50.0.%d" % (100 + i)
            sc.join(2.5 + 0.3 * i, h, "WS-%d" % (100 + i))
            subj.append(h)
        browse(sc, subj, 10.0, t_end, mean)
        notes = "browsers=%d;mean_gap=%.1fs;duration=%ds" % (k, mean, t_end)
    elif family == "cron_internal":
        k = r.randint(5, 10)
        n = max(8, min(r.randint(8, 150), int(250 / k)))
        server, name = "10.50.0.10", "inventory.office.test"
        proto, port = r.choice([("http", 80), ("tls", 443), ("tls", 8140)])
        sc.net.arp_exchange(0.7, server, GW, ip_mac=ROUTER_MAC)
        first = 300.0 - (T0 % 300.0) + 300.0         # the first 5-minute boundary after 5 min
        for i in range(k):
            h = "10.50.4.%d" % (20 + i)
            sc.join(2.5 + 0.3 * i, h, "SRV-%02d" % (i + 1))
            sc.net.arp_exchange(3.0 + 0.3 * i, h, server)
            offset = r.uniform(0.0, 3.0)             # this host's cron start latency
            times = [first + 300.0 * m + offset + r.uniform(0.0, 1.5) for m in range(n)]
            for t in times:
                t = sc.resolve(t, h, name, [server], authoritative=True) + 0.001
                c = conn(sc, t, h, server, port, rtt=0.0004)
                if proto == "tls":
                    t = tls_handshake(sc, c, c.t, name)
                    t = c.request(t, app_data(r, 200, 600), app_data(r, 60, 200))
                else:
                    body = ('{"host":"srv-%02d","pkgs":%d}' % (i + 1, r.randint(800, 900))
                            ).encode()
                    t = c.request(c.t + 0.001, http_post(name, "/report", body,
                                                         "application/json",
                                                         ua="curl/7.88.1", keepalive=False),
                                  http_resp(b'{"ok":true}', keepalive=False), 0.001)
                c.close(t + 0.002)
            subj.append(h)
        t_end = first + 300.0 * n + 30.0
        notes = "hosts=%d;period=300s (wall clock);events=%d;dest=%s %s:%d" % (
            k, n, name, proto, port)
    else:
        raise ValueError(family)
    bg = background(sc, t_end, r.randint(2, 4))
    return [], notes + ";subjects=%s;bg=%d" % (" ".join(subj), len(bg))


MAL_FAMILIES = ["uniform_jitter", "gauss_jitter", "sleep_drop", "http_keepalive",
                "http_newconn", "tls_session", "udp_highport"]
BENIGN_FAMILIES = ["poisson_rare", "ntp", "update_polling", "push_heartbeat", "iot_fleet",
                   "browsing"]
HOLDOUT_MAL = ["bimodal", "drift"]
HOLDOUT_BENIGN = ["cron_internal"]
MAX_EVAL_BYTES = 1000 * 1000


def families(which):
    mal = MAL_FAMILIES + (HOLDOUT_MAL if which == "holdout" else [])
    ben = BENIGN_FAMILIES + (HOLDOUT_BENIGN if which == "holdout" else [])
    return [(f, True) for f in mal] + [(f, False) for f in ben]


def main_eval(outdir, which, nseeds):
    d = os.path.join(outdir, which)
    os.makedirs(d, exist_ok=True)
    seeds = range(1, nseeds + 1) if which == "tune" else range(1001, 1001 + nseeds)
    rows = []
    for fam, malicious in families(which):
        for seed in seeds:
            sc = EvalScene(rng_for(which, fam, seed))
            infected, notes = (eval_malicious if malicious else eval_benign)(sc, fam)
            fname = "%s-s%d.pcap" % (fam, seed)
            path = os.path.join(d, fname)
            sc.write(path)
            size = os.path.getsize(path)
            if size > MAX_EVAL_BYTES:
                raise SystemExit("%s: %d bytes, over the 1 MB budget" % (path, size))
            rows.append([fname, fam, " ".join(infected), "flag" if malicious else "none",
                         notes])
            print("  %-28s %7d bytes  %s" % (fname, size, notes))
    with open(os.path.join(d, "manifest.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["file", "family", "infected_hosts", "expect", "notes"])
        w.writerows(rows)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("regress_dir", nargs="?", default="tests/regress/behaviour")
    ap.add_argument("--eval", metavar="OUTDIR", help="write evaluation scenarios here")
    ap.add_argument("--set", choices=["tune", "holdout"], default="tune")
    ap.add_argument("--seeds", type=int, default=5)
    a = ap.parse_args(argv[1:])
    if a.eval:
        main_eval(a.eval, a.set, a.seeds)
    else:
        main_regress(a.regress_dir)


if __name__ == "__main__":
    main(sys.argv)
