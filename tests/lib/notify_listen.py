#!/usr/bin/env python3
"""systemd's side of sd_notify for the tests: binds the datagram socket
SOCKET (mode 0777, so a daemon that dropped its privileges still reaches
it), prints every message it receives as "<seconds since start> <message>"
(newlines as "|") until STOPPING=1 or TIMEOUT seconds without a message.
Usage: notify_listen.py SOCKET TIMEOUT"""
import os
import socket
import sys
import time

s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o777)
s.settimeout(float(sys.argv[2]))
t0 = time.time()
while True:
    try:
        m = s.recv(4096).decode(errors="replace")
    except socket.timeout:
        break
    print("%.2f %s" % (time.time() - t0, m.replace("\n", "|")), flush=True)
    if m.startswith("STOPPING=1"):
        break
