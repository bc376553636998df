#!/usr/bin/python3
"""check_selftest.py -- proves check.py can pass and can fail.

For a few cases it writes an EVE file shaped as a correct engine would
write it (per the contract in README.md), checks that check.py accepts it,
then breaks it one way at a time (a wrong MAC, a victim flagged, a contract
violation, malformed JSON, an empty file ...) and checks that check.py
rejects each break with the expected exit status and a message naming the
broken expectation.

Usage: /usr/bin/python3 tests/regress/attacks/check_selftest.py
"""
import copy
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CHECK = os.path.join(HERE, "check.py")

I, V, RES = "10.40.0.17", "10.40.0.30", "10.40.0.53"
I_MAC, V_MAC = "02:16:0a:28:00:11", "02:16:0a:28:00:1e"


def evidence(kind, indicator="qzxkvbtrwplm.info"):
    return {"kind": kind, "source": "dns", "confidence": 0.9, "weight": 1.3, "score": 1.17,
            "explanation": "24 NXDOMAIN answers ...", "indicator": indicator,
            "first_seen": "2025-12-02T08:01:00.000000+0000",
            "last_seen": "2025-12-02T08:02:55.000000+0000"}


def host(ip, change, verdict="infected", mac=I_MAC, status="trusted", hostname="WS-17",
         kinds=("dga_nxdomain",), **extra):
    h = {"ip": ip, "mac": mac, "mac_source": "dhcp", "mac_status": status, "hostname": hostname,
         "verdict": verdict, "change": change, "score": 1.17,
         "evidence": [evidence(k) for k in kinds]}
    h.update(extra)
    return {"timestamp": "2025-12-02T08:02:00.000000+0000", "event_type": "spanhound_verdict", "src_ip": ip,
            "spanhound_verdict": h}


DNS = {"timestamp": "2025-12-02T08:00:02.000000+0000", "event_type": "dns",
       "src_ip": I, "dest_ip": RES, "dns": {"version": 3, "type": "request", "queries": [{"rrname": "github.com", "rrtype": "A"}]}}


def run(case, eve_lines):
    """check.py's (exit status, output) on an EVE file of these lines"""
    with tempfile.TemporaryDirectory() as d:
        cj, ev = os.path.join(d, "case.json"), os.path.join(d, "eve.json")
        with open(cj, "w") as f:
            json.dump(case, f)
        with open(ev, "w") as f:
            for line in eve_lines:
                f.write((line if isinstance(line, str) else json.dumps(line)) + "\n")
        p = subprocess.run([sys.executable, CHECK, cj, ev], capture_output=True, text=True)
        return p.returncode, p.stdout + p.stderr


def load(name):
    with open(os.path.join(HERE, name, "case.json")) as f:
        return json.load(f)


def main():
    fails = 0

    def expect(what, case, lines, status, needle=""):
        nonlocal fails
        rc, out = run(case, lines)
        ok = rc == status and needle in out
        fails += not ok
        print("  %s  %-58s exit %d%s" % ("ok  " if ok else "FAIL", what, rc,
                                          "" if ok else " (wanted %d with %r): %s"
                                          % (status, needle, out.strip()[:300])))

    # forged_dhcp_request: I flagged with its own MAC, V untouched
    case = load("forged_dhcp_request")
    good = [DNS, host(I, "infected"), host(I, "updated"), host(I, "current")]
    expect("forged_dhcp_request: a correct engine's output passes", case, good, 0)
    bad = copy.deepcopy(good)
    bad[-1]["spanhound_verdict"]["mac"] = V_MAC
    expect("I's last record carries V's MAC", case, bad, 1, "mac: expected")
    bad = copy.deepcopy(good)
    bad[-1]["spanhound_verdict"]["hostname"] = "CEO-LAPTOP"
    expect("I named CEO-LAPTOP", case, bad, 1, "hostname")
    bad = copy.deepcopy(good)
    bad[-1]["spanhound_verdict"].update(mac=None, mac_status="conflict",
                           mac_conflict={"macs": [I_MAC, V_MAC], "since": "x"})
    expect("I in conflict instead of trusted", case, bad, 1, "mac_status")
    expect("V has evidence (clean)", case,
           good + [host(V, "current", "clean", V_MAC, hostname="CEO-LAPTOP")], 1, "no_evidence")
    expect("V flagged, then cleared", case,
           good + [host(V, "infected", mac=V_MAC), host(V, "cleared", "clean", V_MAC)], 1,
           "never_flagged")
    expect("I never flagged", case, [DNS], 1, "flagged: expected")
    expect("I flagged, then cleared at the end", case,
           good + [host(I, "current", "clean")], 1, "flagged: expected")
    bad = copy.deepcopy(good)
    bad[1]["spanhound_verdict"]["mac_status"] = "conflict"
    expect("contract: conflict without mac_conflict, mac set", case, bad, 1, "contract:")
    bad = copy.deepcopy(good)
    del bad[2]["spanhound_verdict"]["mac_status"]
    expect("contract: a record lacks mac_status", case, bad, 1, "lacks mac_status")
    bad = copy.deepcopy(good)
    del bad[2]["spanhound_verdict"]["evidence"][0]["source"]
    expect("contract: evidence lacks source", case, bad, 1, "lacks source")
    bad = copy.deepcopy(good)
    bad[3]["spanhound_verdict"]["verdict"] = "cleared"
    expect("contract: verdict outside infected/clean", case, bad, 1, "verdict")
    expect("malformed JSON line", case, good[:2] + ['{"event_type":"spanhound_verdict","spanhound_verdict":{'], 2,
           "malformed JSON")
    expect("empty EVE file", case, [], 2, "empty")
    expect("a line that is not an EVE record", case, good + ["[1, 2]"], 2, "not an EVE")
    expect("case.json with a misspelt key", dict(case, flaged=[]), good, 2, "unknown keys")
    expect("case.json with an unknown operator", dict(case, hosts={I: {"mac": {"$neq": 1}}}),
           good, 2, "unknown operator")

    # forged_dhcp_ack_trusted_server: conflict listing both MACs
    case = load("forged_dhcp_ack_trusted_server")
    conflict = dict(mac=None, status="conflict",
                    mac_conflict={"macs": [I_MAC, V_MAC], "since": "2025-12-02T08:02:00+0000"})
    expect("forged_dhcp_ack_trusted_server: correct output passes", case,
           [DNS, host(I, "infected"), host(I, "current", **conflict)], 0)
    one = dict(conflict, mac_conflict={"macs": [I_MAC, "02:16:0a:28:00:99"], "since": "x"})
    expect("conflict that does not list V's MAC", case,
           [DNS, host(I, "current", **one)], 1, "mac_conflict.macs")

    # cdn_not_c2: no dga_resolved naming cloudfront
    case = load("cdn_not_c2")
    flagged = host(I, "current", kinds=())
    flagged["spanhound_verdict"]["evidence"] = [evidence("dga_nxdomain"),
                                   evidence("dga_resolved", "qzxkvbtrwplm.info")]
    expect("cdn_not_c2: dga_resolved for another name passes", case, [DNS, flagged], 0)
    cdn = copy.deepcopy(flagged)
    cdn["spanhound_verdict"]["evidence"][1]["indicator"] = "d2x7kq9w1b3c5e.cloudfront.net"
    expect("dga_resolved naming cloudfront", case, [DNS, cdn], 1, "records_forbidden")

    # resolver_blind and one_way_span: required records
    case = load("resolver_blind")
    rec = {"timestamp": "t", "event_type": "spanhound_resolver",
           "spanhound_resolver": {"ip": RES, "status": "relaying_for_unseen_clients", "kind": "dga_nxdomain",
                        "explanation": "...", "indicator": "qzxkvbtrwplm.info"}}
    expect("resolver_blind: a resolver record passes", case, [DNS, rec], 0)
    other = copy.deepcopy(rec)
    other["spanhound_resolver"]["ip"] = "10.40.0.54"
    expect("resolver record for another address", case, [DNS, other], 1, "records_required")
    expect("resolver flagged instead", case,
           [DNS, rec, host(RES, "current", mac="02:16:0a:28:00:35")], 1, "never_flagged")
    case = load("one_way_span")
    sh = {"timestamp": "t", "event_type": "spanhound_health",
          "spanhound_health": {"status": "degraded",
                            "reasons": [{"check": "dns_answers_unseen", "detail": "..."}]}}
    expect("one_way_span: a degraded sensor_health passes", case, [DNS, sh], 0)
    ok_only = copy.deepcopy(sh)
    ok_only["spanhound_health"]["status"] = "ok"
    expect("sensor_health ok instead of degraded", case, [DNS, ok_only], 1, "records_required")

    # flagged_then_expired: the expired change
    case = load("flagged_then_expired")
    expect("flagged_then_expired: infected then expired passes", case,
           [DNS, host(I, "infected"), host(I, "expired")], 0)
    expect("never expired", case, [DNS, host(I, "infected"), host(I, "current")], 1,
           "changes[")

    print("check.py self-test: %s" % ("all ok" if not fails else "%d FAILED" % fails))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
