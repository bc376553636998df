#!/usr/bin/python3
"""Generate the QUIC version and corner-case capture (committed; rerun to
regenerate:  /usr/bin/python3 tests/gen/gen_quic.py pcaps/quic ).

pcaps/quic/gen-quic-versions.pcap holds, between documentation addresses
(RFC 5737), connections whose client Initial packets this generator
protects itself (RFC 9001 5: HKDF from the client's DCID, AES-128-GCM,
AES-128-ECB header protection; RFC 9369 3 for version 2; the draft-29
salt), with python3-cryptography, independently of spanhound's nettle code:

  sport 50001  draft-29 (0xff00001d): the ClientHello split over two Initial
               packets in two datagrams, the second part sent first; the
               server's Initial (ACK + ServerHello)
  sport 50002  version 2 (0x6b3343cf): the ClientHello split over two
               Initials coalesced in one datagram, PING and ACK frames
               between; the server's v2 Initial
  sport 50003  version 1 with a Retry (RFC 9000 17.2.5, integrity tag of
               RFC 9001 5.8): the first Initial under the original DCID,
               the Retry, the second Initial (token, the server's CID as
               DCID), the server's Initial under keys from that CID
  sport 50004  version 1 on UDP port 8443, the ClientHello over three
               Initials with an overlapping (retransmitted) CRYPTO range
               and no SNI
  sport 50005  negative: a 1200-byte long header of an unknown (reserved,
               RFC 9000 15) version -- no QUIC record
  sport 50006  negative: a version 1 Initial whose authentication tag is
               broken -- no QUIC record (nothing can be decrypted)

Expected values come from the ClientHellos this script builds, written to
pcaps/quic/gen-quic-expected.txt (sport, version, SNI, JA3 string, computed
here from the hello's fields: GREASE-free, as tshark's tls.handshake.ja3_full)
and are also checked against tshark by tests/regress/tshark_compare.py.
Deterministic: fixed keys, random values and timestamps.
"""
import hashlib
import hmac
import os
import struct
import sys

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from scapy.all import Ether, IP, UDP, Raw, wrpcap, conf

conf.verb = 0

T0 = 1700000000.0
CLI, SRV = "192.0.2.10", "198.51.100.20"
MAC_C, MAC_S = "00:00:5e:00:53:10", "00:00:5e:00:53:01"

V1, V2, D29 = 0x00000001, 0x6B3343CF, 0xFF00001D
SALT = {
    V1: bytes.fromhex("38762cf7f55934b34d179ae6a4c80cadccbb7f0a"),   # RFC 9001 5.2
    V2: bytes.fromhex("0dede3def700a6db819381be6e269dcbf9bd2ed9"),   # RFC 9369 3.3.1
    D29: bytes.fromhex("afbfec289993d24c9e9786f19c6111e04390a899"),  # draft-29 5.2
}


# ---- keys (RFC 9001 5.1, 5.2; RFC 8446 7.1) ----------------------------

def hkdf_extract(salt, ikm):
    return hmac.new(salt, ikm, hashlib.sha256).digest()


def hkdf_expand_label(secret, label, length):
    full = b"tls13 " + label.encode()
    info = struct.pack(">HB", length, len(full)) + full + b"\x00"
    out, t, i = b"", b"", 1
    while len(out) < length:
        t = hmac.new(secret, t + info + bytes([i]), hashlib.sha256).digest()
        out += t
        i += 1
    return out[:length]


def initial_keys(version, dcid, server):
    init = hkdf_extract(SALT[version], dcid)
    sec = hkdf_expand_label(init, "server in" if server else "client in", 32)
    pre = "quicv2 " if version == V2 else "quic "
    return (hkdf_expand_label(sec, pre + "key", 16), hkdf_expand_label(sec, pre + "iv", 12),
            hkdf_expand_label(sec, pre + "hp", 16))


def varint(v):
    if v < 0x40:
        return bytes([v])
    if v < 0x4000:
        return struct.pack(">H", 0x4000 | v)
    if v < 0x40000000:
        return struct.pack(">I", 0x80000000 | v)
    return struct.pack(">Q", 0xC000000000000000 | v)


def initial(version, dcid, scid, pn, frames, server=False, token=b"", pad_to=0):
    """One protected Initial packet (4-byte packet number)."""
    key, iv, hp = initial_keys(version, dcid if not server else ORIG_DCID[0], server)
    type_bits = 1 if version == V2 else 0
    first = 0xC0 | (type_bits << 4) | 3
    head = bytes([first]) + struct.pack(">I", version) + bytes([len(dcid)]) + dcid + \
        bytes([len(scid)]) + scid
    if True:                                      # Initial: token
        head += varint(len(token)) + token
    if pad_to:
        # the whole packet pad_to bytes: header + 2 (length) + 4 (pn) + payload + 16
        need = pad_to - (len(head) + 2 + 4 + len(frames) + 16)
        if need > 0:
            frames = frames + b"\x00" * need
    length = 4 + len(frames) + 16
    head += struct.pack(">H", 0x4000 | length)
    pn_off = len(head)
    head += struct.pack(">I", pn)
    nonce = bytes(a ^ b for a, b in zip(iv, pn.to_bytes(12, "big")))
    ct = AESGCM(key).encrypt(nonce, frames, head)
    sample = ct[0:16]                             # pn_off + 4 is the payload start
    enc = Cipher(algorithms.AES(hp), modes.ECB()).encryptor()
    mask = enc.update(sample) + enc.finalize()
    pkt = bytearray(head + ct)
    pkt[0] ^= mask[0] & 0x0F
    for i in range(4):
        pkt[pn_off + i] ^= mask[1 + i]
    return bytes(pkt)


ORIG_DCID = [b""]   # the client DCID the server's keys come from (per connection)


def retry(version, dcid, scid, token, odcid):
    """A v1 Retry with its integrity tag (RFC 9001 5.8)."""
    assert version == V1
    pkt = bytes([0xF0]) + struct.pack(">I", version) + bytes([len(dcid)]) + dcid + \
        bytes([len(scid)]) + scid + token
    pseudo = bytes([len(odcid)]) + odcid + pkt
    key = bytes.fromhex("be0c690b9f66575a1d766b54e368c84e")
    nonce = bytes.fromhex("461599d35d632bf2239825bb")
    tag = AESGCM(key).encrypt(nonce, b"", pseudo)
    return pkt + tag


# ---- TLS hellos --------------------------------------------------------

def ext(t, body):
    return struct.pack(">HH", t, len(body)) + body


def client_hello(sni, alpns, tp_ext, rnd):
    ciphers = [0x1301, 0x1302, 0x1303]
    groups = [0x001D, 0x0017, 0x0018]
    sigs = [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601]
    exts = []
    if sni:
        name = sni.encode()
        exts.append(ext(0, struct.pack(">HBH", len(name) + 3, 0, len(name)) + name))
    exts.append(ext(10, struct.pack(">H", 2 * len(groups)) + b"".join(struct.pack(">H", g) for g in groups)))
    al = b"".join(bytes([len(a)]) + a.encode() for a in alpns)
    exts.append(ext(16, struct.pack(">H", len(al)) + al))
    exts.append(ext(13, struct.pack(">H", 2 * len(sigs)) + b"".join(struct.pack(">H", s) for s in sigs)))
    exts.append(ext(51, struct.pack(">HHH", 36, 0x001D, 32) + bytes(range(32))))
    exts.append(ext(45, b"\x01\x01"))
    exts.append(ext(43, b"\x02\x03\x04"))
    exts.append(ext(tp_ext, bytes.fromhex("0104800075300504800800000604800800000704800800000801100901100f00")))
    eb = b"".join(exts)
    body = struct.pack(">H", 0x0303) + rnd + b"\x00" + \
        struct.pack(">H", 2 * len(ciphers)) + b"".join(struct.pack(">H", c) for c in ciphers) + \
        b"\x01\x00" + struct.pack(">H", len(eb)) + eb
    msg = b"\x01" + struct.pack(">I", len(body))[1:] + body
    ext_ids = [struct.unpack(">H", e[:2])[0] for e in exts]
    ja3 = "771,%s,%s,%s," % ("-".join(map(str, ciphers)), "-".join(map(str, ext_ids)),
                            "-".join(map(str, groups)))
    return msg, ja3


def server_hello(rnd):
    exts = ext(43, b"\x03\x04") + ext(51, struct.pack(">HH", 0x001D, 32) + bytes(range(32, 64)))
    body = struct.pack(">H", 0x0303) + rnd + b"\x00" + struct.pack(">H", 0x1301) + b"\x00" + \
        struct.pack(">H", len(exts)) + exts
    return b"\x02" + struct.pack(">I", len(body))[1:] + body


def crypto(off, data):
    return b"\x06" + varint(off) + varint(len(data)) + data


ACK0 = b"\x02\x00\x00\x00\x00"        # ACK of packet 0


# ---- the capture -------------------------------------------------------

class Cap:
    def __init__(self):
        self.pkts = []
        self.t = T0

    def udp(self, sport, dport, payload, to_server=True):
        self.t += 0.001
        if to_server:
            p = Ether(src=MAC_C, dst=MAC_S) / IP(src=CLI, dst=SRV, id=len(self.pkts)) / \
                UDP(sport=sport, dport=dport) / Raw(payload)
        else:
            p = Ether(src=MAC_S, dst=MAC_C) / IP(src=SRV, dst=CLI, id=len(self.pkts)) / \
                UDP(sport=dport, dport=sport) / Raw(payload)
        p.time = self.t
        self.pkts.append(p)


def main(outdir):
    os.makedirs(outdir, exist_ok=True)
    c = Cap()
    expected = []

    # 50001: draft-29, split over two datagrams, second part first
    dcid, scid = bytes.fromhex("d29d29d29d29d29d"), bytes.fromhex("c1c1c1c1")
    ORIG_DCID[0] = dcid
    ch, ja3 = client_hello("d29.quic.example", ["h3-29"], 0xFFA5, bytes([0x29]) * 32)
    half = len(ch) // 2
    p1 = initial(D29, dcid, scid, 0, crypto(0, ch[:half]), pad_to=1200)
    p2 = initial(D29, dcid, scid, 1, crypto(half, ch[half:]), pad_to=1200)
    c.udp(50001, 443, p2)
    c.udp(50001, 443, p1)
    sh = server_hello(bytes([0x92]) * 32)
    c.udp(50001, 443, initial(D29, scid, b"\x5e\x5e\x5e\x5e", 0, ACK0 + crypto(0, sh), server=True),
          to_server=False)
    expected.append((50001, "ff00001d", "d29.quic.example", ja3))

    # 50002: v2, two Initials coalesced in one datagram
    dcid, scid = bytes.fromhex("2222222222222222"), b""
    ORIG_DCID[0] = dcid
    ch, ja3 = client_hello("v2.quic.example", ["h3"], 0x0039, bytes([0x02]) * 32)
    cut = 150
    a = initial(V2, dcid, scid, 0, b"\x01" + crypto(0, ch[:cut]))
    b = initial(V2, dcid, scid, 1, ACK0 + crypto(cut, ch[cut:]) + b"\x01")
    c.udp(50002, 443, a + b + b"\x00" * max(0, 1200 - len(a) - len(b)))
    sh = server_hello(bytes([0x22]) * 32)
    c.udp(50002, 443, initial(V2, scid, b"\x5e\x5e", 0, ACK0 + crypto(0, sh), server=True),
          to_server=False)
    expected.append((50002, "6b3343cf", "v2.quic.example", ja3))

    # 50003: v1 with a Retry
    odcid, scid = bytes.fromhex("0123456789abcdef"), bytes.fromhex("c3c3c3c3")
    ORIG_DCID[0] = odcid
    ch, ja3 = client_hello("retry.quic.example", ["h3"], 0x0039, bytes([0x03]) * 32)
    c.udp(50003, 443, initial(V1, odcid, scid, 0, crypto(0, ch), pad_to=1200))
    new_cid, token = bytes.fromhex("fedcba9876543210aa"), b"retry-token-0001"
    c.udp(50003, 443, retry(V1, scid, new_cid, token, odcid), to_server=False)
    ORIG_DCID[0] = new_cid
    c.udp(50003, 443, initial(V1, new_cid, scid, 1, crypto(0, ch), token=token, pad_to=1200))
    sh = server_hello(bytes([0x33]) * 32)
    c.udp(50003, 443, initial(V1, scid, new_cid, 0, ACK0 + crypto(0, sh), server=True),
          to_server=False)
    expected.append((50003, "1", "retry.quic.example", ja3))

    # 50004: v1 on 8443, no SNI, three Initials with an overlapping range
    dcid, scid = bytes.fromhex("4444444444444444"), bytes.fromhex("c4")
    ORIG_DCID[0] = dcid
    ch, ja3 = client_hello(None, ["h3"], 0x0039, bytes([0x04]) * 32)
    c.udp(50004, 8443, initial(V1, dcid, scid, 0, crypto(0, ch[:80]), pad_to=1200))
    c.udp(50004, 8443, initial(V1, dcid, scid, 1, crypto(40, ch[40:160]) + b"\x01", pad_to=1200))
    c.udp(50004, 8443, initial(V1, dcid, scid, 2, crypto(160, ch[160:]), pad_to=1200))
    sh = server_hello(bytes([0x44]) * 32)
    c.udp(50004, 8443, initial(V1, scid, b"\x5e", 0, ACK0 + crypto(0, sh), server=True),
          to_server=False)
    expected.append((50004, "1", "", ja3))

    # 50005: an unknown version (reserved 0x?a?a?a?a pattern)
    c.udp(50005, 443, bytes([0xC0]) + struct.pack(">I", 0x1A2A3A4A) + b"\x08" + b"\x55" * 8 +
          b"\x00" + b"\x00" * 1200)

    # 50006: a v1 Initial with a broken tag
    dcid = bytes.fromhex("6666666666666666")
    ORIG_DCID[0] = dcid
    ch, _ = client_hello("broken.quic.example", ["h3"], 0x0039, bytes([0x06]) * 32)
    bad = bytearray(initial(V1, dcid, b"", 0, crypto(0, ch), pad_to=1200))
    bad[-1] ^= 0xFF
    c.udp(50006, 443, bytes(bad))

    wrpcap(os.path.join(outdir, "gen-quic-versions.pcap"), c.pkts)
    with open(os.path.join(outdir, "gen-quic-expected.txt"), "w") as f:
        f.write("# written by tests/gen/gen_quic.py: the QUIC ClientHellos of\n"
                "# gen-quic-versions.pcap as built (sport, version, SNI, JA3 string)\n")
        for sport, ver, sni, ja3 in expected:
            f.write("%d\t%s\t%s\t%s\n" % (sport, ver, sni, ja3))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: gen_quic.py OUTDIR")
    main(sys.argv[1])
