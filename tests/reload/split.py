#!/usr/bin/env python3
"""Writes the reload test's capture in two parts, for a FIFO fed in two steps.

split.py A.pcap B.pcap OUT_DIR START_B
  OUT/part1: A as it is (header and records);
  OUT/part2: B's records only, shifted so that B's first packet is at Unix
             time START_B (B continues A in one capture);
  OUT/whole.pcap: part1 + part2, the same capture as a file (offline oracle).
Both inputs must be classic little-endian microsecond pcap files of the
same link type (what tests/reload/run.sh uses).
"""
import struct
import sys


def records(data):
    off = 24
    while off + 16 <= len(data):
        sec, usec, incl, orig = struct.unpack_from('<IIII', data, off)
        yield sec, usec, data[off + 16:off + 16 + incl], orig
        off += 16 + incl


def main():
    a = open(sys.argv[1], 'rb').read()
    b = open(sys.argv[2], 'rb').read()
    out, start = sys.argv[3], int(sys.argv[4])
    for d in (a, b):
        if d[:4] != b'\xd4\xc3\xb2\xa1':
            sys.exit('split.py: not a little-endian microsecond pcap')
    if a[20:24] != b[20:24]:
        sys.exit('split.py: link types differ')
    recs = list(records(b))
    shift = start - recs[0][0]
    part2 = b''.join(struct.pack('<IIII', s + shift, u, len(p), o) + p for s, u, p, o in recs)
    open(out + '/part1', 'wb').write(a)
    open(out + '/part2', 'wb').write(part2)
    open(out + '/whole.pcap', 'wb').write(a + part2)


main()
