#!/usr/bin/python3
"""Adversarial review reproducers (not product tests).  Each case writes
capture.pcap (+ case.conf) and case.json in the format of
tests/regress/attacks/check.py.  The expectations state what the trust
rules in docs/detections.md PROMISE; a case that FAILS demonstrates a
finding.

    /usr/bin/python3 tests/review/gen_review.py tests/review/cases
    tests/review/run.sh build/spanhound
"""
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "gen"))
import gen_attacks as G  # noqa: E402
from gen_attacks import (BENIGN_HOSTS, GW, INFECTED, RESOLVER, ROUTER_MAC, UPSTREAM,  # noqa
                         VICTIM, Lan, browse, burst, dga_names, std_office, host_infected)

ZERO = "00:00:00:00:00:00"
ATTACKER = "10.40.0.66"
EXT_DNS = "198.51.100.53"      # an external resolver the bot uses directly


def case_zero_mac_frames_victim():
    """A sends queries with V's IP and an all-zero Ethernet source: the
    resolver relays them and answers V."""
    lan = Lan()
    std_office(lan, {VICTIM: "CEO-LAPTOP", ATTACKER: "WS-66"})
    browse(lan, list(BENIGN_HOSTS) + [VICTIM, ATTACKER], 2.0, 300.0, 501)
    t = 60.0
    for name in dga_names(5001, 24):
        lan.resolve(t, VICTIM, name, rcode=3, smac=ZERO)
        t += 4.0
    return lan, {
        "forges": "A sends 24 DGA queries with V's source IP and Ethernet source "
                  "00:00:00:00:00:00 through the real resolver, which answers V",
        "outcome": "V never flagged, no evidence for V (the events are not V's)",
        "never_flagged": [VICTIM],
        "no_evidence": [VICTIM],
    }


def case_multicast_src_mac_frames_victim():
    lan = Lan()
    std_office(lan, {VICTIM: "CEO-LAPTOP", ATTACKER: "WS-66"})
    browse(lan, list(BENIGN_HOSTS) + [VICTIM, ATTACKER], 2.0, 300.0, 502)
    t = 60.0
    for name in dga_names(5002, 24):
        lan.resolve(t, VICTIM, name, rcode=3, smac="01:00:5e:00:00:fb")
        t += 4.0
    return lan, {
        "forges": "as zero_mac_frames_victim, with a multicast Ethernet source",
        "outcome": "V never flagged, no evidence for V",
        "never_flagged": [VICTIM],
        "no_evidence": [VICTIM],
    }


def case_relay_null_client_escape():
    """Before each of its own lookups the bot sends one forged query to
    ITSELF for the same name, from an address it cannot be attributed to
    (a bound host's IP with a random MAC): relay_note(c = NULL) marks the
    bot's upstream lookup as relayed; credit_relayed credits nobody."""
    lan = Lan()
    std_office(lan, {INFECTED: "WS-17"})
    lan.on_segment(INFECTED)
    browse(lan, list(BENIGN_HOSTS) + [INFECTED], 2.0, 300.0, 503)
    t = 60.0
    for name in dga_names(5003, 24):
        # one forged packet: "10.40.0.21 asks I", Ethernet source a random MAC
        lan.dns_query(t, "10.40.0.21", INFECTED, name, smac="02:aa:bb:cc:dd:01",
                      dmac=lan.mac(INFECTED))
        # I's real lookup through the office resolver... straight to an external one
        lan.lookup(t + 0.2, INFECTED, EXT_DNS, name, rcode=3)
        t += 5.0
    return lan, {
        "forges": "I precedes each of its 24 DGA lookups (to an external resolver) with one "
                  "forged query for the same name, addressed to I, from 10.40.0.21's IP and a "
                  "random MAC (unattributable)",
        "outcome": "I flagged (nobody asked I for those names)",
        "flagged": [INFECTED],
        "hosts": {INFECTED: host_infected()},
    }


def case_relay_self_client_escape():
    """The bot sends a query from its own IP/MAC to its own IP, then looks
    the name up itself: credit_relayed(I) finds I as its own client and
    the recursion returns 1 without dns_outcome for anyone."""
    lan = Lan()
    std_office(lan, {INFECTED: "WS-17"})
    browse(lan, list(BENIGN_HOSTS) + [INFECTED], 2.0, 300.0, 504)
    t = 60.0
    for name in dga_names(5004, 24):
        lan.dns_query(t, INFECTED, INFECTED, name)
        lan.lookup(t + 0.2, INFECTED, EXT_DNS, name, rcode=3)
        t += 5.0
    return lan, {
        "forges": "I sends each DGA name first to its own IP (a query to itself), then looks it "
                  "up at an external resolver",
        "outcome": "I flagged",
        "flagged": [INFECTED],
        "hosts": {INFECTED: host_infected()},
    }


def case_control_bot_external_dns():
    lan = Lan()
    std_office(lan, {INFECTED: "WS-17"})
    browse(lan, list(BENIGN_HOSTS) + [INFECTED], 2.0, 300.0, 504)
    t = 60.0
    for name in dga_names(5004, 24):
        lan.lookup(t + 0.2, INFECTED, EXT_DNS, name, rcode=3)
        t += 5.0
    return lan, {
        "forges": "control: the same DGA lookups to an external resolver, no forgery",
        "outcome": "I flagged",
        "flagged": [INFECTED],
        "hosts": {INFECTED: host_infected()},
    }


CASES = [
    ("zero_mac_frames_victim", case_zero_mac_frames_victim),
    ("multicast_src_mac_frames_victim", case_multicast_src_mac_frames_victim),
    ("relay_null_client_escape", case_relay_null_client_escape),
    ("relay_self_client_escape", case_relay_self_client_escape),
    ("control_bot_external_dns", case_control_bot_external_dns),
]


def main(outdir):
    only = sys.argv[2:]
    for name, fn in CASES:
        if only and name not in only:
            continue
        case, size = G.write_case(outdir, name, fn)
        print("%-40s %6d KB" % (name, (size + 1023) // 1024))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/review/cases")
