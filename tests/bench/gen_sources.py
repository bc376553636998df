#!/usr/bin/python3
"""gen_sources -- a flood of new internal IPv6 sources, for `make bench`.

    gen_sources.py random|crafted N OUT.pcap [SEED]

Each of N sources inside fd00::/8 (the default home_net's fc00::/7), each
in a /64 of its own, sends
one DNS query to an external resolver, with its own MAC: every packet makes
the detection engine create a host.

`crafted` chooses the sources the way an attacker on the LAN would against
a fixed, invertible table hash: every address lands in bucket 0 of the
host table spanhound used before its hashes were keyed (the MurmurHash3
64-bit finaliser of the address words, `mix(w0 ^ mix(w1 ^ 6))`, masked to
the 65,536 buckets of the default capacity).  The finaliser is a bijection,
so each address costs two inversions.  Against today's keyed SipHash these
addresses are as good as random, which is what the benchmark shows.

`random` draws the interface identifiers from a seeded generator: the same
packet count, sizes and timing, for comparison.
"""
import random
import struct
import sys

M64 = (1 << 64) - 1
C1, C2 = 0xff51afd7ed558ccd, 0xc4ceb9fe1a85ec53
C1_INV, C2_INV = pow(C1, -1, 1 << 64), pow(C2, -1, 1 << 64)


def mix(x):
    x ^= x >> 33
    x = (x * C1) & M64
    x ^= x >> 33
    x = (x * C2) & M64
    x ^= x >> 33
    return x


def unmix(y):
    y ^= y >> 33
    y = (y * C2_INV) & M64
    y ^= y >> 33
    y = (y * C1_INV) & M64
    y ^= y >> 33
    return y


def prefix64(r):
    """a random /64 inside fd00::/8 (a new /64 per source, so per-prefix
    rate limits do not hide what the hash does)"""
    return b"\xfd" + bytes(r.getrandbits(8) for _ in range(7))


def crafted_iid(r, prefix, mask=0xffff, bucket=0):
    """an interface id w1 with mix(w0 ^ mix(w1 ^ 6)) & mask == bucket"""
    w0 = struct.unpack("<Q", prefix)[0]
    y = (r.getrandbits(64) & ~mask) | bucket
    z = unmix(y) ^ w0
    w1 = unmix(z) ^ 6
    assert mix(w0 ^ mix(w1 ^ 6)) & mask == bucket
    return struct.pack("<Q", w1)


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def frame(src16, dst16, smac, sport, qid, name):
    q = b"".join(bytes([len(x)]) + x.encode() for x in name.split(".")) + b"\0"
    dns = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + q + struct.pack("!HH", 1, 1)
    udp_len = 8 + len(dns)
    pseudo = src16 + dst16 + struct.pack("!I3xB", udp_len, 17)
    udp = struct.pack("!HHHH", sport, 53, udp_len, 0) + dns
    ck = csum(pseudo + udp) or 0xffff
    udp = udp[:6] + struct.pack("!H", ck) + udp[8:]
    ip6 = struct.pack("!IHBB", 0x60000000, udp_len, 17, 64) + src16 + dst16
    eth = bytes.fromhex("0200005e0001") + smac + b"\x86\xdd"
    return eth + ip6 + udp


def main():
    kind, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    if kind not in ("random", "crafted"):
        sys.exit("usage: gen_sources.py random|crafted N OUT.pcap [SEED]")
    r = random.Random(seed)
    dst = bytes.fromhex("20010db8000000000000000000000053")   # 2001:db8::53, external
    t0 = 1764590400
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i in range(n):
            pfx = prefix64(r)
            iid = crafted_iid(r, pfx) if kind == "crafted" else struct.pack("<Q", r.getrandbits(64))
            src = pfx + iid
            smac = bytes([0x02, 0x5e]) + struct.pack("!I", i)
            pkt = frame(src, dst, smac, 40000 + i % 20000, i & 0xffff, "www.example.org")
            ts = t0 * 1000000 + i * 100                  # 10,000 new sources a second
            f.write(struct.pack("<IIII", ts // 1000000, ts % 1000000, len(pkt), len(pkt)))
            f.write(pkt)


if __name__ == "__main__":
    main()
