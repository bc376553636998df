#!/usr/bin/python3
"""Generate pcaps/demo/office-dga.pcap: a small office LAN, one host infected
with a DGA bot.  Rerun to regenerate (deterministic):

    /usr/bin/python3 tests/gen/gen_demo.py pcaps/demo/office-dga.pcap

The network (10.20.0.0/24, behind a router at 10.20.0.1 that is also the
DHCP server):
  10.20.0.53  the office DNS resolver: answers every client and forwards
              upstream to 9.9.9.9, so it sees every client's NXDOMAIN too
              (the benign look-alike the detectors must not flag)
  10.20.0.11  ACCT-PC-07: infected.  After boot it browses like the others,
              then its bot walks today's algorithmically generated domains:
              40 lookups answered NXDOMAIN in four minutes, until one
              resolves (the live C2) and it connects there over TLS and
              beacons.
  10.20.0.12  LAPTOP-ANNA, 10.20.0.13 DEV-WS-3, 10.20.0.14 MEETING-ROOM:
              ordinary browsing with CDN and ad/analytics names, a few
              typos and WPAD lookups that fail.

The DGA below is this project's own (a xorshift generator seeded with the
date), not any real family's, so its names appear in no public list.
"""
import sys

from netgen import Net, ipv4_in

LAN = ipv4_in("10.20.0.")
ROUTER, RESOLVER, UPSTREAM = "10.20.0.1", "10.20.0.53", "9.9.9.9"
INFECTED = "10.20.0.11"
HOSTS = {INFECTED: "ACCT-PC-07", "10.20.0.12": "LAPTOP-ANNA",
         "10.20.0.13": "DEV-WS-3", "10.20.0.14": "MEETING-ROOM"}
T0 = 1764583200.0          # 2025-12-01 10:00:00 UTC

# (name, [(type, rdata[, rrname]), ...], server address for a TLS connection)
BENIGN = [
    ("www.wikipedia.org", [("A", "198.51.100.10")], "198.51.100.10"),
    ("outlook.office365.com", [("CNAME", "outlook.ha.office365.com"),
                               ("A", "198.51.100.20", "outlook.ha.office365.com")], "198.51.100.20"),
    ("github.com", [("A", "198.51.100.30")], "198.51.100.30"),
    ("r3---sn-4g5e6nzz.googlevideo.com", [("A", "198.51.100.40")], "198.51.100.40"),
    ("d3c4b5a6e7f8g9.cloudfront.net", [("A", "198.51.100.50")], "198.51.100.50"),
    ("e12345.dscx.akamaiedge.net", [("A", "198.51.100.60")], "198.51.100.60"),
    ("fonts.gstatic.com", [("A", "198.51.100.70")], "198.51.100.70"),
    ("pagead2.googlesyndication.com", [("A", "198.51.100.80")], "198.51.100.80"),
    ("stats.g.doubleclick.net", [("A", "198.51.100.90")], "198.51.100.90"),
    ("www.google-analytics.com", [("A", "198.51.100.100")], "198.51.100.100"),
    ("connect.facebook.net", [("A", "198.51.100.110")], "198.51.100.110"),
    ("cdn.jsdelivr.net", [("A", "198.51.100.120")], "198.51.100.120"),
    ("teams.microsoft.com", [("CNAME", "teams-ms.trafficmanager.net"),
                             ("A", "198.51.100.130", "teams-ms.trafficmanager.net")], "198.51.100.130"),
    ("www.bbc.co.uk", [("A", "198.51.100.140")], "198.51.100.140"),
    ("slack.com", [("A", "198.51.100.150")], "198.51.100.150"),
]
BENIGN_NX = ["wpad.acme-office.lan", "gooogle.com", "intranet.acme-office.lan",
             "printer.acme-office.lan", "githbu.com"]
C2_IP = "203.0.113.66"


def demo_dga(seed, count):
    """A date-seeded xorshift32 DGA: 10-15 letters, rare digits, 5 TLDs."""
    x = seed & 0xffffffff or 1
    tlds = ["com", "net", "info", "top", "biz"]
    letters = "abcdefghijklmnopqrstuvwxyz"
    out = []
    for _ in range(count):
        def nxt():
            nonlocal x
            x ^= (x << 13) & 0xffffffff
            x ^= x >> 17
            x ^= (x << 5) & 0xffffffff
            return x
        n = 10 + nxt() % 6
        label = "".join(letters[nxt() % 26] if nxt() % 9 else str(nxt() % 10) for _ in range(n))
        out.append(label + "." + tlds[nxt() % len(tlds)])
    return out


def resolve(net, t, client, name, answers, rcode=0):
    """client -> resolver -> upstream -> resolver -> client"""
    net.dns(t, RESOLVER, UPSTREAM, name, LAN, rcode=rcode, answers=answers, rtt=0.02)
    net.dns(t - 0.001, client, RESOLVER, name, LAN, rcode=rcode, answers=answers, rtt=0.025)


def main(path, extra=None):
    """the demo capture; extra(net), when given, adds frames (gen_feed.py)"""
    net = Net(T0)
    # DHCP leases (names and MACs for the verdicts), the resolver's ARP
    for i, (ip, host) in enumerate(sorted(HOSTS.items())):
        net.dhcp(1 + i * 0.5, ROUTER, ip, host, 0x1000 + i)
    net.arp_reply(0.5, RESOLVER, ROUTER)

    # ordinary browsing by everyone, all along
    t, k = 5.0, 0
    ips = sorted(HOSTS)
    while t < 330:
        client = ips[k % len(ips)]
        name, answers, server = BENIGN[(k * 7) % len(BENIGN)]
        resolve(net, t, client, name, answers)
        net.tls(t + 0.05, client, server, name, LAN)
        if k % 5 == 0:
            net.http(t + 0.5, client, server, name, "/index.html", LAN)
        if k % 11 == 3:
            resolve(net, t + 1.0, client, BENIGN_NX[(k // 11) % len(BENIGN_NX)], [], rcode=3)
        t += 2.5 + (k * 37 % 17) / 10.0
        k += 1

    # the bot: today's names, NXDOMAIN until one answers
    names = demo_dga(20251201, 41)
    t = 60.0
    for i, name in enumerate(names[:-1]):
        resolve(net, t, INFECTED, name, [], rcode=3)
        t += 4.0 + (i % 3) * 0.7
    c2 = names[-1]
    resolve(net, t, INFECTED, c2, [("A", C2_IP)])
    net.tls(t + 0.1, INFECTED, C2_IP, c2, LAN)
    for j in range(1, 4):
        net.tls(t + 30.0 * j, INFECTED, C2_IP, c2, LAN)
    if extra:
        extra(net)
    net.write(path)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "pcaps/demo/office-dga.pcap")
