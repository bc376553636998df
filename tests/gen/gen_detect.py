#!/usr/bin/python3
"""Generate the detection regression captures (deterministic; rerun to
regenerate):

    /usr/bin/python3 tests/gen/gen_detect.py tests/regress/detect

dga/positive.pcap      two hosts infected by the same DGA family (a
                       pseudo-word generator of this project's own: names
                       built from syllables, harder than random letters),
                       failing on overlapping names; one of them reaches
                       its C2.  Benign hosts around them.
dga/negative.pcap      benign look-alikes: CDN and ad/analytics names,
                       an internal resolver relaying every client's
                       NXDOMAINs, typos, WPAD and search-suffix failures,
                       Chromium's random single-label intranet probes, a
                       host whose bookmarks point at many dead domains.
dns_tunnel/negative.pcap  heavy but ordinary DNS: many subdomains of CDN and
                       telemetry zones, DNSBL lookups by a mail server, DKIM
                       and SPF TXT lookups, service discovery.
"""
import os
import random
import sys

from netgen import Net, ipv4_in

LAN = ipv4_in("10.30.")
RESOLVER, UPSTREAM = "10.30.0.53", "9.9.9.9"
T0 = 1764590400.0


def resolve(net, t, client, name, answers, rcode=0, qtype="A"):
    net.dns(t, RESOLVER, UPSTREAM, name, LAN, rcode=rcode, answers=answers, rtt=0.02, qtype=qtype)
    net.dns(t - 0.001, client, RESOLVER, name, LAN, rcode=rcode, answers=answers, rtt=0.025,
            qtype=qtype)


SYLL = ["ka", "ro", "vi", "tal", "mon", "ser", "qui", "zor", "pel", "dra", "nix", "vor",
        "lum", "bre", "sha", "tok", "gri", "fen", "xa", "ulo", "ther", "wyn", "cor", "bal"]


def syllable_dga(seed, count):
    """pseudo-words of 4-6 syllables, this project's own family"""
    r = random.Random(seed)
    return ["".join(r.choice(SYLL) for _ in range(r.randint(4, 6))) + "." +
            r.choice(["com", "net", "org", "info"]) for _ in range(count)]


def benign_browsing(net, clients, t_end, seed):
    r = random.Random(seed)
    names = [("www.wikipedia.org", "198.51.100.10"), ("docs.python.org", "198.51.100.11"),
             ("r4---sn-ab5l6nzr.googlevideo.com", "198.51.100.12"),
             ("d2x7kq9w1b3c5e.cloudfront.net", "198.51.100.13"),
             ("e8810.dscg.akamaiedge.net", "198.51.100.14"),
             ("securepubads.g.doubleclick.net", "198.51.100.15"),
             ("px.ads.linkedin.com", "198.51.100.16"),
             ("static.xx.fbcdn.net", "198.51.100.17"),
             ("update.googleapis.com", "198.51.100.18"),
             ("login.microsoftonline.com", "198.51.100.19")]
    t = 2.0
    while t < t_end:
        c = r.choice(clients)
        name, ip = r.choice(names)
        resolve(net, t, c, name, [("A", ip)])
        net.tls(t + 0.05, c, ip, name, LAN)
        t += r.uniform(1.0, 4.0)


def dga_positive(path):
    net = Net(T0)
    infected = ["10.30.1.15", "10.30.1.16"]
    benign = ["10.30.1.20", "10.30.1.21", "10.30.1.22"]
    for i, ip in enumerate(infected + benign):
        net.dhcp(0.2 * i, "10.30.0.1", ip, "WS-%02d" % (15 + i), 0x2000 + i)
    benign_browsing(net, benign + infected, 400, 1)
    names = syllable_dga(20251201, 60)
    # host A walks names 0..34, host B (started later) names 20..49
    t = 30.0
    for n in names[:35]:
        resolve(net, t, infected[0], n, [], rcode=3)
        t += 5.0
    t = 120.0
    for n in names[20:50]:
        resolve(net, t, infected[1], n, [], rcode=3)
        t += 6.0
    c2 = names[55]
    resolve(net, 220.0, infected[0], c2, [("A", "203.0.113.77")])
    net.tls(220.2, infected[0], "203.0.113.77", c2, LAN)
    net.write(path)


def dga_negative(path):
    net = Net(T0)
    clients = ["10.30.2.%d" % i for i in range(10, 18)]
    for i, ip in enumerate(clients):
        net.dhcp(0.2 * i, "10.30.0.1", ip, "PC-%02d" % i, 0x3000 + i)
    benign_browsing(net, clients, 600, 2)
    r = random.Random(3)
    t = 5.0
    # Chromium's intranet redirect detector: 3 random single-label names
    for c in clients:
        for _ in range(3):
            lab = "".join(r.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(r.randint(7, 15)))
            resolve(net, t, c, lab, [], rcode=3)
            t += 0.3
    # WPAD, search-suffix appended, typos
    for i, c in enumerate(clients):
        for n in ["wpad.branch.acme-corp.lan", "fileserver.acme-corp.lan.acme-corp.lan",
                  "gogle.com", "faceboook.com", "outlok.com"][: 2 + i % 4]:
            resolve(net, t, c, n, [], rcode=3)
            t += 0.7
    # one host opening a folder of stale bookmarks: many dead, word-like domains
    dead = ["oldrecipesblog.com", "summercamp2009.org", "myphotoalbum-online.net",
            "grandmasgarden.info", "localbandfanclub.com", "bestpizzaintown.net",
            "thehikingtrailguide.org", "vintageradioparts.com", "petadoptioncenter.org",
            "citymarathonresults.net", "kidsmathgames.info", "homebrewingsupplies.com",
            "weddingplannerpro.net", "studentnotesarchive.org", "antiquemapscollection.com"]
    for n in dead:
        resolve(net, t, clients[0], n, [], rcode=3)
        t += 1.5
    # a host behind ad blocking: trackers answered NXDOMAIN by the resolver
    trackers = ["pixel.adsafeprotected.com", "cdn.krxd.net", "tags.bluekai.com",
                "sb.scorecardresearch.com", "b.6sc.co", "js-agent.newrelic.com",
                "cdn.taboola.com", "ads.pubmatic.com", "ib.adnxs.com", "c.amazon-adsystem.com",
                "securepubads.g.doubleclick.net", "s.yimg.com", "t.co", "bat.bing.com",
                "analytics.tiktok.com", "ct.pinterest.com"]
    for n in trackers * 2:
        resolve(net, t, clients[1], n, [], rcode=3)
        t += 0.9
    net.write(path)


def tunnel_negative(path):
    net = Net(T0)
    clients = ["10.30.3.%d" % i for i in range(10, 14)]
    mail = "10.30.3.25"
    for i, ip in enumerate(clients + [mail]):
        net.dhcp(0.2 * i, "10.30.0.1", ip, "HOST-%02d" % i, 0x4000 + i)
    r = random.Random(4)
    t = 3.0
    for i in range(900):
        c = clients[i % len(clients)]
        kind = i % 6
        if kind == 0:      # video CDN edge names
            n = "r%d---sn-%s.googlevideo.com" % (r.randint(1, 9),
                                                 "".join(r.choice("abcdefghjklmnpqrstuvwxyz0123456789")
                                                         for _ in range(8)))
        elif kind == 1:    # CloudFront distributions
            n = "d%s.cloudfront.net" % "".join(r.choice("abcdefghijklmnopqrstuvwxyz0123456789")
                                               for _ in range(13))
        elif kind == 2:    # telemetry and APIs
            n = r.choice(["v10.events.data.microsoft.com", "self.events.data.microsoft.com",
                          "browser.pipe.aria.microsoft.com", "mobile.events.data.microsoft.com",
                          "incoming.telemetry.mozilla.org", "firefox.settings.services.mozilla.com"])
        elif kind == 3:    # per-user S3 / blob endpoints
            n = "acme-%s-%d.s3.amazonaws.com" % (r.choice(["logs", "assets", "backup"]), r.randint(1, 400))
        elif kind == 4:    # Akamai edges
            n = "e%d.a.akamaiedge.net" % r.randint(1000, 99999)
        else:              # service discovery
            n = r.choice(["_ldap._tcp.dc._msdcs.acme-corp.com", "_kerberos._tcp.acme-corp.com",
                          "_sip._tls.acme-corp.com"])
        resolve(net, t, c, n, [("A", "198.51.100.%d" % (1 + i % 200))])
        t += 0.4
    # the mail server: DNSBL lookups of connecting IPs, DKIM and SPF TXT
    t = 5.0
    for i in range(300):
        ipr = "%d.%d.%d.%d" % (r.randint(1, 254), r.randint(0, 255), r.randint(0, 255), r.randint(1, 223))
        resolve(net, t, mail, "%s.zen.spamhaus.org" % ipr, [], rcode=3)
        if i % 3 == 0:
            dom = "sender%d-mail.example" % r.randint(1, 5000)
            resolve(net, t + 0.1, mail, "selector1._domainkey.%s" % dom,
                    [("TXT", "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQ")], qtype="TXT")
            resolve(net, t + 0.2, mail, dom, [("TXT", "v=spf1 include:_spf.example ~all")], qtype="TXT")
        t += 1.1
    net.write(path)


def main(outdir):
    os.makedirs(os.path.join(outdir, "dga"), exist_ok=True)
    os.makedirs(os.path.join(outdir, "dns_tunnel"), exist_ok=True)
    dga_positive(os.path.join(outdir, "dga", "positive.pcap"))
    dga_negative(os.path.join(outdir, "dga", "negative.pcap"))
    tunnel_negative(os.path.join(outdir, "dns_tunnel", "negative.pcap"))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/regress/detect")
