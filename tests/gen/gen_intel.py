#!/usr/bin/python3
"""tests/gen/gen_intel.py DIR -- captures of tests/regress/intel/run.sh:

history-flood.pcap (part 5): the spread-history flood.

The spread_shared_c2 scene of gen_behaviour.py (WS-17 beacons to
sync.velmora-cdn.example = 203.0.113.90 and to 198.51.100.77:7011/udp and
is convicted; 10.50.0.21 visits the C2 once at minute 5), and at minute 20
the bot looks up 400 unique names: with a small history (256 indicators),
without a per-host quota the flood pushes 10.50.0.21's contact out and it
never hears of the C2; with spread_history_host_rate = 100 it keeps it.

sslip-launder.pcap (part 6): a bot beacons over TLS to the bare address
203.0.113.90 (and over UDP to 198.51.100.77:7011), having once looked up
203-0-113-90.sslip.io, a wildcard-IP DNS name that resolves to the address
it spells: the lookup must not make the C2 address "bound to a popular
name" (detect/data/popular.txt ships no wildcard-IP DNS service)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_behaviour import (INFECTED, MIN, SPREAD_C2, WS, app_data, browse, conn,  # noqa: E402
                           rhythm, std_scene, tls_handshake, tls_visit, tx_tls_newconn, tx_udp)


def scene():
    sc, _ = std_scene(1101, n_ws=3)
    b, dd = WS[0], WS[2]
    browse(sc, [INFECTED, dd], 5.0, 55 * MIN, 90.0)
    tx_tls_newconn(sc, INFECTED, SPREAD_C2[0], SPREAD_C2[1], rhythm(sc.r, 60.0, 40, 60.0, 0.10))
    tx_udp(sc, INFECTED, "198.51.100.77", 7011, rhythm(sc.r, 45.0, 15, 60.0, 0.10))
    tls_visit(sc, 5 * MIN + 7.0, b, SPREAD_C2[0], SPREAD_C2[1][0])
    for i in range(400):
        sc.resolve(20 * MIN + i * 0.05, INFECTED, "n%d.quarry-flush.example" % i, ["192.0.2.200"])
    return sc


def sslip():
    sc, _ = std_scene(1105, n_ws=2)
    browse(sc, [INFECTED, WS[1]], 5.0, 55 * MIN, 90.0)
    c2 = "203.0.113.90"
    sc.resolve(30.0, INFECTED, "203-0-113-90.sslip.io", [c2])
    for t in rhythm(sc.r, 60.0, 40, 60.0, 0.10):
        cn = conn(sc, t, INFECTED, c2, 443)
        tt = tls_handshake(sc, cn, cn.t, c2)
        tt = cn.request(tt, app_data(sc.r, 120, 400), app_data(sc.r, 80, 300))
        cn.close(tt + 0.2)
    tx_udp(sc, INFECTED, "198.51.100.77", 7011, rhythm(sc.r, 45.0, 15, 60.0, 0.10))
    return sc


if __name__ == "__main__":
    scene().write(os.path.join(sys.argv[1], "history-flood.pcap"))
    sslip().write(os.path.join(sys.argv[1], "sslip-launder.pcap"))
