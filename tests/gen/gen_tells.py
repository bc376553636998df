#!/usr/bin/python3
"""Generate the protocol-tell regression captures (deterministic: fixed
seeds, fixed t0, Ed25519 keys from fixed bytes -- Ed25519 signatures are
deterministic --; rerun to regenerate every file):

    /usr/bin/python3 tests/gen/gen_tells.py pcaps/tells tests/regress/tells

Writes PCAP_DIR/<case>.pcap and CASES_DIR/<case>/case.json (and case.conf
when the case needs one) plus CASES_DIR/README.md.  tests/regress/tells/run.sh
pairs them and asserts each case.json with tests/regress/attacks/check.py.

Protocol tells (detect/tells.c, docs/detections.md): each tell is weak
alone; three on one rare destination convict; a tell needs an external,
rare, non-benign destination and an event from the host's own MAC.  Every
case has a POSITIVE side (the tell is raised, with what it says) and most a
NEGATIVE twin (the look-alike that must raise nothing); one ATTACK case
forges a victim's source address to plant tells on it.

The segment is the behaviour suite's (tests/gen/gen_behaviour.py): 10.50.0.1
gateway (router, DHCP), 10.50.0.53 resolver (forwards to 192.0.2.53),
10.50.0.17 "WS-17" the subject (I), 10.50.0.21-24 other hosts.  External
peers use RFC 5737 addresses.  Rare names are invented (.example where the
detector does not need a registrable domain; the name tells split names
with the Public Suffix List, which refuses .example/.test, so they use
invented names under .net); benign names are real popular ones, answered
with documentation addresses.  TLS servers send a real ServerHello and a
real X.509 certificate (Ed25519, built with python3-cryptography).
"""
import datetime
import os
import random
import struct
import sys

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.x509.oid import NameOID
from scapy.layers.tls.extensions import (ProtocolName, ServerName, TLS_Ext_ALPN,
                                         TLS_Ext_ServerName)
from scapy.layers.tls.handshake import TLSClientHello
from scapy.layers.tls.record import TLS

import netgen
import gen_behaviour as gb
from gen_behaviour import INFECTED, WS, Scene, conn, http_post, http_resp, internal

T0 = gb.T0
CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/120.0.0.0 Safari/537.36")
MSIE = "Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 10.0; WOW64; Trident/7.0)"
VICTIM = "10.50.0.30"
ATTACKER = "10.50.0.66"


# ---- TLS pieces -----------------------------------------------------------------

def key_of(tag):
    """an Ed25519 key from fixed bytes (deterministic certificates)"""
    seed = (tag.encode() * 32)[:32]
    return ed25519.Ed25519PrivateKey.from_private_bytes(seed)


def name_of(attrs):
    oid = {"C": NameOID.COUNTRY_NAME, "ST": NameOID.STATE_OR_PROVINCE_NAME,
           "L": NameOID.LOCALITY_NAME, "O": NameOID.ORGANIZATION_NAME,
           "OU": NameOID.ORGANIZATIONAL_UNIT_NAME, "CN": NameOID.COMMON_NAME}
    return x509.Name([x509.NameAttribute(oid[k], v) for k, v in attrs])


def certificate(subject, issuer=None, not_before=None, not_after=None, sans=(), tag="leaf",
                issuer_tag=None):
    """DER of a certificate: self-signed when issuer is None"""
    key = key_of(tag)
    ikey = key_of(issuer_tag or tag) if issuer else key
    b = (x509.CertificateBuilder()
         .subject_name(name_of(subject))
         .issuer_name(name_of(issuer or subject))
         .public_key(key.public_key())
         .serial_number(0x1000 + sum(map(ord, tag)))
         .not_valid_before(not_before)
         .not_valid_after(not_after))
    if sans:
        b = b.add_extension(x509.SubjectAlternativeName([x509.DNSName(s) for s in sans]),
                            critical=False)
    return b.sign(ikey, None).public_bytes(serialization.Encoding.DER)


def u24(n):
    return struct.pack(">I", n)[1:]


def cert_records(der):
    """a TLS 1.2 Certificate handshake record and ServerHelloDone"""
    body = u24(len(der) + 3) + u24(len(der)) + der
    msg = b"\x0b" + u24(len(body)) + body
    done = b"\x0e\x00\x00\x00"
    return (b"\x16\x03\x03" + struct.pack(">H", len(msg)) + msg +
            b"\x16\x03\x03" + struct.pack(">H", len(done)) + done)


DEFAULT_CIPHERS = [0x1301, 0x1302, 0xc02b, 0xc02f, 0xc02c, 0xc030]


def client_hello(net, t, sni=None, alpn=(), ciphers=None):
    """a ClientHello: SNI when given, ALPN protocols when given"""
    rnd = bytes((net.seq * 131 + i * 7) & 0xff for i in range(28))
    ext = []
    if sni:
        ext.append(TLS_Ext_ServerName(servernames=[ServerName(servername=sni.encode())]))
    if alpn:
        ext.append(TLS_Ext_ALPN(protocols=[ProtocolName(protocol=p.encode()) for p in alpn]))
    return bytes(TLS(msg=[TLSClientHello(
        gmt_unix_time=int(T0 + t) & 0xffffffff, random_bytes=rnd,
        ciphers=ciphers or DEFAULT_CIPHERS, ext=ext or None)]))


BROWSER_ALPN = ("h2", "http/1.1")


def tls_session(sc, t, client, addr, port, sni=None, alpn=(), der=None, name=None, n_data=2,
                ciphers=None):
    """(lookup of name,) connection, ClientHello, ServerHello + certificate,
    a few application-data records, close.  Returns the time after."""
    r = sc.r
    if name:
        t = sc.resolve(t, client, name, [addr]) + 0.002
    c = conn(sc, t, client, addr, port)
    t = c.t + 0.001
    c.c2s(t, client_hello(sc.net, t, sni, alpn, ciphers))
    sh = sc.net.server_hello(t + c.rtt)
    c.s2c(t + c.rtt, sh + (cert_records(der) if der else b""))
    t += c.rtt + 0.01
    for _ in range(n_data):
        t = c.request(t + 0.05, gb.app_data(r, 80, 200), gb.app_data(r, 100, 400))
    return c.close(t + 0.1)


def http_tx(sc, t, client, addr, port, request, response, name=None):
    """(lookup,) one HTTP request and its answer on a new connection"""
    if name:
        t = sc.resolve(t, client, name, [addr]) + 0.002
    c = conn(sc, t, client, addr, port)
    t = c.request(c.t + 0.001, request, response)
    return c.close(t + 0.01)


def get_req(host, uri, ua, referer=None):
    h = "GET %s HTTP/1.1\r\n" % uri
    if host is not None:
        h += "Host: %s\r\n" % host
    h += "User-Agent: %s\r\nAccept: */*\r\n" % ua if ua is not None else "Accept: */*\r\n"
    if referer:
        h += "Referer: %s\r\n" % referer
    return (h + "Connection: close\r\n\r\n").encode()


def resp(body, ctype):
    return ("HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n"
            "Connection: close\r\n\r\n" % (ctype, len(body))).encode() + body


def browse_http(sc, t, client):
    """a browser visit over plain HTTP: the host is seen browsing"""
    name = "www.wikipedia.org"
    return http_tx(sc, t, client, "198.51.100.30", 80,
                   get_req(name, "/", CHROME), resp(b"<html>hi</html>", "text/html"), name=name)


def browse_tls(sc, t, client, name="www.wikipedia.org", addr="198.51.100.30"):
    """a browser visit over TLS: ALPN h2 + http/1.1, the name resolved"""
    return tls_session(sc, t, client, addr, 443, sni=name, alpn=BROWSER_ALPN, name=name)


def scene(seed, hosts=None):
    sc = Scene(random.Random(seed))
    hs = hosts or {INFECTED: "WS-17", WS[0]: "WS-21", WS[1]: "WS-22"}
    gb.office(sc, hs)
    return sc


def dt(y, m, d, hh=0, mm=0, ss=0):
    return datetime.datetime(y, m, d, hh, mm, ss)


NOW = datetime.datetime.utcfromtimestamp(T0)


def rat_ca():
    """a RAT's own CA as its builder makes it: a CN with spaces, valid until 9999"""
    return certificate([("CN", "Nimbus Server CA")], not_before=NOW - datetime.timedelta(days=150),
                       not_after=dt(9999, 12, 31, 23, 59, 59), tag="rat")


def ca_signed(cn, sans=(), days=90):
    return certificate([("CN", cn)], issuer=[("C", "US"), ("O", "Example Trust"), ("CN", "ET R7")],
                       not_before=NOW - datetime.timedelta(days=10),
                       not_after=NOW + datetime.timedelta(days=days), sans=sans or (cn,),
                       tag="srv-" + cn, issuer_tag="ca")


# ---- cases ------------------------------------------------------------------------

def case_tls_no_sni_default_cert():
    """I opens TLS without SNI to 203.0.113.44:4782 (no lookup); the server
    answers with a self-signed 'Nimbus Server CA' valid until 9999"""
    sc = scene(3001)
    for i in range(3):
        tls_session(sc, 20.0 + 40 * i, INFECTED, "203.0.113.44", 4782, der=rat_ca())
    return sc, dict(
        forges="I opens 3 TLS sessions without SNI to 203.0.113.44:4782 (no lookup); the "
               "server's certificate is self-signed, CN 'Nimbus Server CA', valid until 9999",
        outcome="I flagged with tls_tell: no SNI on an odd port, self-signed, tool-default "
                "certificate (three tells on one rare destination)",
        flagged=[INFECTED],
        hosts={INFECTED: {"verdict": "infected", "evidence_kinds": ["tls_tell"],
                          "evidence": {"$any": {"kind": "tls_tell",
                                                "ioc": "203.0.113.44",
                                                "explanation": {"$contains": "valid 7"}}}}})


def case_tls_selfsigned_popular_name():
    """WS-21 resolves github.com and gets the same self-signed RAT
    certificate from the address the answer gave (a TLS-inspecting proxy
    does this): a popular name a trusted answer bound is no tell"""
    sc = scene(3002)
    tls_session(sc, 20.0, WS[0], "198.51.100.31", 443, sni="github.com",
                alpn=BROWSER_ALPN, der=rat_ca(), name="github.com")
    return sc, dict(
        forges="WS-21 resolves github.com (198.51.100.31) and gets a self-signed, "
               "9999-valid certificate there with SNI github.com",
        outcome="no evidence for anyone (a popular name a DNS answer bound to the address)",
        flagged=[], no_evidence=[WS[0], INFECTED])


def case_tls_no_sni_standard_port():
    """I opens TLS without SNI to 203.0.113.45:443; a CA-issued certificate"""
    sc = scene(3003)
    tls_session(sc, 20.0, INFECTED, "203.0.113.45", 443, der=ca_signed("edge.umbral-cdn.example"))
    return sc, dict(
        forges="I opens TLS without SNI to 203.0.113.45:443 (standard port); the server's "
               "certificate is CA-issued, 90 days",
        outcome="no evidence (no SNI on 443 is no tell; the certificate is ordinary)",
        flagged=[], no_evidence=[INFECTED])


def case_tls_expired_mismatch():
    """I resolves sync.pallid-ferry.example and connects; the certificate
    names another server and expired 40 days ago"""
    sc = scene(3004)
    der = certificate([("CN", "mail.other-host.example")],
                      issuer=[("C", "US"), ("O", "Example Trust"), ("CN", "ET R7")],
                      not_before=NOW - datetime.timedelta(days=130),
                      not_after=NOW - datetime.timedelta(days=40),
                      sans=("mail.other-host.example",), tag="exp", issuer_tag="ca")
    tls_session(sc, 20.0, INFECTED, "203.0.113.46", 443, sni="sync.pallid-ferry.example",
                der=der, name="sync.pallid-ferry.example")
    return sc, dict(
        forges="I resolves sync.pallid-ferry.example (203.0.113.46) and connects with that SNI; "
               "the certificate names mail.other-host.example and expired 40 days before",
        outcome="I holds tls_tell about sync.pallid-ferry.example (expired + mismatch: two "
                "tells, 0.64, not flagged alone)",
        flagged=[],
        hosts={INFECTED: {"verdict": "clean", "evidence_kinds": ["tls_tell"],
                          "evidence": {"$any": {"kind": "tls_tell",
                                                "indicator": "sync.pallid-ferry.example",
                                                "ioc_type": "domain",
                                                "explanation": {"$contains": "expired 40 days"}}}}})


def case_http_random_post_bare_ip():
    """I POSTs to 203.0.113.80:8081 with Host = the address, a random path"""
    sc = scene(3005)
    r = sc.r
    body = bytes(r.getrandbits(8) for _ in range(300))
    for i in range(2):
        http_tx(sc, 30.0 + 60 * i, INFECTED, "203.0.113.80", 8081,
                http_post("203.0.113.80:8081", "/Xq7tLm2PzR9vKa", body, ua=MSIE,
                          ctype="multipart/form-data; boundary=x", keepalive=False),
                resp(b"\x00" * 900, "text/html; charset=UTF-8"))
    return sc, dict(
        forges="I POSTs twice to 203.0.113.80:8081 (no lookup) with Host 203.0.113.80:8081, "
               "path /Xq7tLm2PzR9vKa, an old MSIE user agent",
        outcome="I flagged with http_tell: IP-literal Host, bare address on an odd port, "
                "random POST path",
        flagged=[INFECTED],
        hosts={INFECTED: {"verdict": "infected", "evidence_kinds": ["http_tell"],
                          "evidence": {"$any": {"kind": "http_tell", "ioc": "203.0.113.80",
                                                "explanation": {"$contains":
                                                                "Xq7tLm2PzR9vKa"}}}}})


def case_http_browser_post_named():
    """WS-21 resolves forms.quill-harbor.example and POSTs a form from Chrome"""
    sc = scene(3006)
    body = b"name=Ann&email=ann%40example.org&message=hello"
    http_tx(sc, 30.0, WS[0], "203.0.113.81", 80,
            http_post("forms.quill-harbor.example", "/contact/submit", body, ua=CHROME,
                      keepalive=False),
            resp(b"<html>thanks</html>", "text/html"), name="forms.quill-harbor.example")
    return sc, dict(
        forges="WS-21 resolves forms.quill-harbor.example and POSTs /contact/submit from Chrome",
        outcome="no evidence (a named site, a word path)",
        flagged=[], no_evidence=[WS[0], INFECTED])


def case_http_exe_from_ip():
    """I (seen browsing) downloads /files/invoice_0412.exe from 198.51.100.91
    by address, with PowerShell's user agent"""
    sc = scene(3007)
    t = browse_http(sc, 10.0, INFECTED)
    ps = "Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.19041.3031"
    http_tx(sc, t + 30.0, INFECTED, "198.51.100.91", 80,
            get_req("198.51.100.91", "/files/invoice_0412.exe", ps),
            resp(b"MZ" + bytes(2000), "application/x-msdownload"))
    return sc, dict(
        forges="I browses (Chrome), then downloads http://198.51.100.91/files/invoice_0412.exe "
               "(application/x-msdownload) with PowerShell's user agent",
        outcome="I holds http_tell about 198.51.100.91: IP-literal Host, executable download, "
                "tool user agent (0.79: just short of standalone, needs another source)",
        flagged=[],
        hosts={INFECTED: {"evidence_kinds": ["http_tell"],
                          "evidence": {"$any": {"kind": "http_tell",
                                                "explanation": {"$contains":
                                                                "executable download"}}}}})


def case_http_exe_update_site():
    """WS-22 downloads an .exe from download.windowsupdate.com (resolved)"""
    sc = scene(3008)
    name = "download.windowsupdate.com"
    http_tx(sc, 30.0, WS[1], "198.51.100.92", 80,
            get_req(name, "/c/msdownload/update/software/kb5034441.exe", "Microsoft BITS/7.8"),
            resp(b"MZ" + bytes(2000), "application/octet-stream"), name=name)
    return sc, dict(
        forges="WS-22 resolves download.windowsupdate.com and downloads an .exe from it "
               "(Microsoft BITS)",
        outcome="no evidence (a listed update service a DNS answer bound to the address)",
        flagged=[], no_evidence=[WS[1], INFECTED])


def case_http_tool_ua():
    """I (seen browsing) fetches a file from a rare name with curl; WS-21
    fetches it with Chrome; 10.50.0.24 (never browses: a server) with curl"""
    sc = scene(3009, {INFECTED: "WS-17", WS[0]: "WS-21", WS[3]: "BUILD-24"})
    t = browse_http(sc, 10.0, INFECTED)
    browse_http(sc, 10.0, WS[0])
    for host, addr, name, ua in ((INFECTED, "203.0.113.90", "files.brackish-owl.example",
                                  "curl/8.4.0"),
                                 (WS[0], "203.0.113.93", "files.tawny-heron.example", CHROME),
                                 (WS[3], "203.0.113.94", "files.umber-lark.example",
                                  "curl/8.4.0")):
        http_tx(sc, t + 20.0, host, addr, 80, get_req(name, "/data/report.bin", ua),
                resp(bytes(500), "application/octet-stream"), name=name)
    return sc, dict(
        forges="I browses (Chrome), then fetches files.brackish-owl.example/data/report.bin with "
               "curl; WS-21 (browses) fetches from another rare server with Chrome; BUILD-24 "
               "(never browses) from a third with curl",
        outcome="I holds http_tell (tool user agent from a workstation, weak); WS-21 and "
                "BUILD-24 have no evidence",
        flagged=[], no_evidence=[WS[0], WS[3]],
        hosts={INFECTED: {"evidence_kinds": ["http_tell"],
                          "evidence": {"$any": {"kind": "http_tell",
                                                "explanation": {"$contains": "curl"}}}}})


def case_dyndns_lookup():
    """I resolves nightowl.duckdns.org; WS-21 resolves www.wikipedia.org"""
    sc = scene(3010)
    sc.resolve(30.0, INFECTED, "nightowl.duckdns.org", ["203.0.113.60"])
    sc.resolve(31.0, WS[0], "www.wikipedia.org", ["198.51.100.30"])
    return sc, dict(
        forges="I resolves nightowl.duckdns.org (203.0.113.60); WS-21 resolves "
               "www.wikipedia.org",
        outcome="I holds name_tell about nightowl.duckdns.org (dynamic DNS, weak alone); WS-21 "
                "no evidence",
        flagged=[], no_evidence=[WS[0]],
        hosts={INFECTED: {"evidence_kinds": ["name_tell"],
                          "evidence": {"$any": {"kind": "name_tell",
                                                "ioc": "nightowl.duckdns.org",
                                                "ioc_type": "domain"}}}})


def case_ipcheck_curl():
    """I (browsing with a browser-like ClientHello) asks api.ipify.org with
    curl over HTTP and with a TLS client that offers no ALPN"""
    sc = scene(3011)
    t = browse_tls(sc, 10.0, INFECTED)
    t = http_tx(sc, t + 5.0, INFECTED, "198.51.100.40", 80,
                get_req("api.ipify.org", "/", "curl/8.4.0"), resp(b"198.51.100.250", "text/plain"),
                name="api.ipify.org")
    tls_session(sc, t + 5.0, INFECTED, "198.51.100.40", 443, sni="api.ipify.org",
                der=ca_signed("api.ipify.org"), name="api.ipify.org")
    return sc, dict(
        forges="I browses with a browser-like ClientHello (ALPN h2, http/1.1), then asks "
               "api.ipify.org for its address with curl (HTTP) and over TLS without ALPN",
        outcome="I holds name_tell about api.ipify.org ('what is my IP' outside a browser)",
        flagged=[],
        hosts={INFECTED: {"evidence_kinds": ["name_tell"],
                          "evidence": {"$any": {"kind": "name_tell", "ioc": "api.ipify.org",
                                                "explanation": {"$contains": "what is my IP"}}}}})


def case_ipcheck_browser():
    """WS-21 opens api.ipify.org in its browser (HTTP with Chrome, and TLS
    with the same browser-like ClientHello it browses with)"""
    sc = scene(3012)
    t = browse_tls(sc, 10.0, WS[0])
    t = http_tx(sc, t + 5.0, WS[0], "198.51.100.40", 80, get_req("api.ipify.org", "/", CHROME),
                resp(b"198.51.100.250", "text/plain"), name="api.ipify.org")
    tls_session(sc, t + 5.0, WS[0], "198.51.100.40", 443, sni="api.ipify.org",
                alpn=BROWSER_ALPN, der=ca_signed("api.ipify.org"), name="api.ipify.org")
    return sc, dict(
        forges="WS-21 browses, then opens api.ipify.org in the browser (Chrome over HTTP, the "
               "browser's ClientHello over TLS)",
        outcome="no evidence (a person checking their address)",
        flagged=[], no_evidence=[WS[0], INFECTED])


def case_new_domain():
    """after the warm-up (60 s here), I resolves a domain nobody resolved;
    WS-22 resolves it afterwards; both keep resolving an older one"""
    sc = scene(3013)
    for h in (INFECTED, WS[1]):
        sc.resolve(5.0, h, "www.stable-orchard.net", ["203.0.113.70"])
    sc.resolve(120.0, INFECTED, "cdn.velvet-quarry.net", ["203.0.113.71"])
    sc.resolve(130.0, WS[1], "cdn.velvet-quarry.net", ["203.0.113.71"])
    sc.resolve(400.0, WS[1], "www.stable-orchard.net", ["203.0.113.70"])
    return sc, dict(
        forges="every host resolves www.stable-orchard.net at 5 s; at 120 s (after a 60 s "
               "warm-up, case.conf) I resolves cdn.velvet-quarry.net, WS-22 at 130 s",
        outcome="I holds name_tell about velvet-quarry.net (new domain, this host first); WS-22 "
                "none",
        config="detect: { tell_new_domain_warmup = 60; };\n",
        flagged=[], no_evidence=[WS[1]],
        hosts={INFECTED: {"evidence_kinds": ["name_tell"],
                          "evidence": {"$any": {"kind": "name_tell",
                                                "indicator": "velvet-quarry.net"}}}})


def case_forged_source_plants_tells():
    """A (10.50.0.66) sends Emotet-style POSTs to a bare address on an odd
    port with V's source address and A's own MAC; V is established"""
    sc = scene(3014, {INFECTED: "WS-17", VICTIM: "CEO-LAPTOP", ATTACKER: "A-66"})
    t = browse_http(sc, 5.0, VICTIM)
    net = sc.net
    amac = netgen.mac_of(ATTACKER)
    body = bytes(sc.r.getrandbits(8) for _ in range(300))
    req = http_post("203.0.113.82:7080", "/Zk3pQ8wLx2RmTn", body, ua=MSIE,
                    ctype="multipart/form-data; boundary=x", keepalive=False)
    # every frame "from V" leaves from A's MAC (and answers go back to it)
    orig = netgen.mac_of
    netgen.mac_of = lambda ip: amac if ip == VICTIM else orig(ip)
    try:
        for i in range(3):
            c = gb.TcpConn(net, t + 150.0 + 20 * i, VICTIM, "203.0.113.82", 7080, internal)
            tt = c.request(c.t + 0.001, req, resp(b"\x00" * 500, "text/html"))
            c.close(tt + 0.01)
    finally:
        netgen.mac_of = orig
    return sc, dict(
        forges="A sends 3 Emotet-style POSTs (IP-literal Host, odd port 7080, random path) with "
               "V's source address but A's own MAC, after V's own traffic established its MAC",
        outcome="V never flagged and holds no evidence; a spanhound_spoofed_source record names "
                "V's address",
        flagged=[], never_flagged=[VICTIM, ATTACKER], no_evidence=[VICTIM],
        records_required=[{"event_type": "spanhound_spoofed_source"}])


def case_tls_rare_fingerprint():
    """ten workstations browse with one ClientHello; I alone uses another
    toward one rare server; later host .40 uses the same one toward it"""
    fleet = ["10.50.0.%d" % i for i in range(40, 50)]
    sc = scene(3015, dict([(INFECTED, "WS-17")] + [(h, "PC-%s" % h.split(".")[-1])
                                                    for h in fleet]))
    for i, h in enumerate(fleet):
        tls_session(sc, 150.0 + i, h, "198.51.100.32", 443, sni="github.com", name="github.com",
                    der=ca_signed("github.com"))
    odd = [0x009c, 0x002f, 0x0035, 0x000a]
    name = "api.sable-kite.example"
    tls_session(sc, 200.0, INFECTED, "203.0.113.50", 443, sni=name, name=name, ciphers=odd,
                der=ca_signed(name))
    tls_session(sc, 260.0, fleet[0], "203.0.113.50", 443, sni=name, name=name, ciphers=odd,
                der=ca_signed(name))
    return sc, dict(
        forges="10 PCs browse github.com with one ClientHello; I alone sends another (other "
               "ciphers) to api.sable-kite.example; a minute later PC-40 sends that one there too",
        outcome="I holds tls_tell (a fingerprint only it used, toward one rare server; weak); "
                "PC-40 shares it: no evidence",
        flagged=[], no_evidence=[fleet[0]],
        hosts={INFECTED: {"evidence_kinds": ["tls_tell"],
                          "evidence": {"$any": {"kind": "tls_tell",
                                                "explanation": {"$contains":
                                                                "client fingerprint"}}}}})


CASES = [
    ("tls_no_sni_default_cert", case_tls_no_sni_default_cert),
    ("tls_selfsigned_popular_name", case_tls_selfsigned_popular_name),
    ("tls_no_sni_standard_port", case_tls_no_sni_standard_port),
    ("tls_expired_mismatch", case_tls_expired_mismatch),
    ("tls_rare_fingerprint", case_tls_rare_fingerprint),
    ("http_random_post_bare_ip", case_http_random_post_bare_ip),
    ("http_browser_post_named", case_http_browser_post_named),
    ("http_exe_from_ip", case_http_exe_from_ip),
    ("http_exe_update_site", case_http_exe_update_site),
    ("http_tool_ua", case_http_tool_ua),
    ("dyndns_lookup", case_dyndns_lookup),
    ("ipcheck_curl", case_ipcheck_curl),
    ("ipcheck_browser", case_ipcheck_browser),
    ("new_domain", case_new_domain),
    ("forged_source_plants_tells", case_forged_source_plants_tells),
]

README_HEAD = """# Protocol-tell regressions

TLS, HTTP and name tells (`detect/tells.c`, docs/detections.md "Protocol
tells"): each case a positive (the tell is raised and says what it saw) or
its negative twin (the look-alike that raises nothing), and one attack
(forged source address).  Captures: `pcaps/tells/<case>.pcap`; expectations:
`tests/regress/tells/<case>/case.json` (keys and patterns:
tests/regress/attacks/README.md), `case.conf` when the case needs one.
Both come from `tests/gen/gen_tells.py` (deterministic scapy and
python3-cryptography; `make update-golden`); edit the generator, not these
files.  Run: `tests/regress/tells/run.sh build/spanhound`.

The segment is the behaviour suite's: 10.50.0.1 gateway, 10.50.0.53
resolver, 10.50.0.17 "WS-17" (I), 10.50.0.21.. other hosts, 10.50.0.30 the
victim and 10.50.0.66 the attacker of the forged-source case.

## Cases

| case | what happens | what must happen | pcap |
|---|---|---|---:|
"""


def main(argv):
    if len(argv) != 3:
        sys.exit("usage: gen_tells.py PCAP_DIR CASES_DIR")
    pdir, cdir = argv[1], argv[2]
    os.makedirs(pdir, exist_ok=True)
    netgen.write_cases(cdir, CASES, "tests/gen/gen_tells.py", README_HEAD)
    for name, _ in CASES:
        os.replace(os.path.join(cdir, name, "capture.pcap"), os.path.join(pdir, name + ".pcap"))


if __name__ == "__main__":
    main(sys.argv)
