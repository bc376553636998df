#!/usr/bin/python3
"""Captures for the NAC feed's regression tests (tests/redis/test_feed.py).

allow-forged-claim.pcap: the demo office (tests/gen/gen_demo.py) in which
the infected workstation, once flagged (its binding long established),
claims its own address at the MAC of the office printer (switched off
today) every 5 s until the end (ARP replies sent from that MAC, and
traffic from it with the bot's address).  The
operator has allowlisted the printer's MAC
in the feed; the claim must not exempt the bot (nor release it): a MAC
covers only hosts trustworthily bound to it.

usage: gen_feed.py OUTDIR
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_demo  # noqa: E402
from netgen import mac_of  # noqa: E402
from netgen import ROUTER_MAC  # noqa: E402
from scapy.layers.inet import IP, UDP  # noqa: E402
from scapy.layers.l2 import ARP, Ether  # noqa: E402

ALLOWED = "10.20.0.99"         # a printer, off today, whose MAC the operator allowlisted
BCAST = "ff:ff:ff:ff:ff:ff"


def forged_claims(net):
    m = mac_of(ALLOWED)
    for t in range(150, 330, 5):
        net.add(t, Ether(src=m, dst=BCAST) /
                ARP(op=2, hwsrc=m, psrc=gen_demo.INFECTED, hwdst=BCAST, pdst=gen_demo.INFECTED))
        # and traffic from that MAC with the bot's address, so the claim is in use
        net.add(t + 0.5, Ether(src=m, dst=ROUTER_MAC) /
                IP(src=gen_demo.INFECTED, dst=gen_demo.ROUTER) / UDP(sport=40000, dport=9) /
                b"x")


def main(outdir):
    os.makedirs(outdir, exist_ok=True)
    gen_demo.main(os.path.join(outdir, "allow-forged-claim.pcap"), forged_claims)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "pcaps/feed")
