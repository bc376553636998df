#!/usr/bin/python3
"""GeoIP/ASN regression (tests/geo/run.sh runs it; docs/geoip.md).

Replays a behaviour capture whose beacon and unusual_port evidence is about
198.51.100.77 (tests/regress/behaviour/udp_beacon_odd_port) under several
configurations and compares the EVE verdicts:

  base      no geoip config: one "geoip: off" log line
  on        country and ASN databases built by tests/geo/make_mmdb.pl:
            every evidence about an address carries mmdblookup's country,
            AS number and organisation for that address (in EVE and once at
            the end of its explanation); weights, verdicts unchanged
  asn2      asn_weights = [ "AS<the address's AS>=2" ]: every weight about
            that address doubles, others stay
  cc_other  country_weights for a country the address is not in: nothing
            changes
  broken    empty, garbage and missing database files: one line saying
            which and why, exit 0, the same verdicts as base
  dga       a capture whose evidence is about names (pcaps/demo/office-dga):
            no geo fields even with the databases
  sighup    a paced replay: SIGHUP after a broken file replaced the ASN
            database keeps the one in use; after a good one, takes it

The expected geo values come from `mmdblookup` on the same files, the
expected weights from the base run.  Prints "geo: P passed, F failed".
Usage: check.py BIN WORKDIR
"""
import json
import os
import re
import subprocess
import sys

BIN, W = sys.argv[1], sys.argv[2]
CAP = "tests/regress/behaviour/udp_beacon_odd_port/capture.pcap"
DGA = "pcaps/demo/office-dga.pcap"
COUNTRY, ASN = os.path.join(W, "test-country.mmdb"), os.path.join(W, "test-asn.mmdb")
passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
        print("  ok    " + what)
    else:
        failed += 1
        print("  FAIL  " + what)
    return ok


def run(name, conf, cap=CAP):
    eve = os.path.join(W, name + ".json")
    args = [BIN, "-r", cap, "--eve", eve, "--stats"]
    if conf is not None:
        path = os.path.join(W, name + ".conf")
        with open(path, "w") as f:
            f.write(conf)
        args += ["-c", path]
    p = subprocess.run(args, capture_output=True, text=True)
    recs = []
    if os.path.exists(eve):
        with open(eve) as f:
            recs = [json.loads(line) for line in f if line.strip()]
    verdicts = [r for r in recs if r.get("event_type") == "spanhound_verdict"]
    return p, verdicts


def mmdb(db, ip, *path):
    out = subprocess.run(["mmdblookup", "--file", db, "--ip", ip, *path],
                         capture_output=True, text=True).stdout
    m = re.search(r'^\s*"(.*)" <utf8_string>', out, re.M)
    if m:
        return m.group(1)
    m = re.search(r"^\s*(\d+) <uint\d+>", out, re.M)
    return m.group(1) if m else ""


def evidence(verdicts):
    for v in verdicts:
        for e in v["spanhound_verdict"].get("evidence", []):
            yield v, e


def shape(verdicts):
    """What must not change: who, when, which change, which kinds."""
    return [(v["timestamp"], v["src_ip"] if "src_ip" in v else "",
             v["spanhound_verdict"].get("change"),
             tuple(sorted(e["kind"] for e in v["spanhound_verdict"].get("evidence", []))))
            for v in verdicts]


def geo_lines(stderr):
    return [l for l in stderr.splitlines() if "geoip:" in l]


def stat(stdout_err, name):
    m = re.search(r"^detect\.%s\s+(\d+)" % re.escape(name), stdout_err, re.M)
    return int(m.group(1)) if m else -1


DBS = 'geoip: {\n  country_db = "%s";\n  asn_db = "%s";\n%s};\n'

# ---- base ----------------------------------------------------------------
p, base = run("base", None)
check(p.returncode == 0, "base: exit 0")
gl = geo_lines(p.stderr)
check(len(gl) == 1 and "geoip: off: no database configured" in gl[0],
      "base: one log line: geoip off, no database (%r)" % gl)
check(len(base) > 0, "base: the capture yields verdicts (%d)" % len(base))
ips = sorted({e["ioc"] for _, e in evidence(base) if e.get("ioc_type") == "ip"})
check(len(ips) > 0, "base: evidence about an address: %s" % ips)
check(not any(k in e for _, e in evidence(base) for k in ("country", "asn", "as_org")),
      "base: no geo fields")
check(stat(p.stdout + p.stderr, "geoip_lookups") == 0, "base: --stats geoip_lookups 0")
base_w = {(e["kind"], e["indicator"]): e["weight"] for _, e in evidence(base)}

# ---- on ------------------------------------------------------------------
p, on = run("on", DBS % (COUNTRY, ASN, ""))
check(p.returncode == 0, "on: exit 0")
gl = geo_lines(p.stderr)
check(len(gl) == 1 and "GeoLite2-Country" in gl[0] and "GeoLite2-ASN" in gl[0],
      "on: one log line naming both databases (%r)" % gl)
check(shape(on) == shape(base), "on: the same verdicts as base (%d)" % len(on))
want = {}
for ip in ips:
    cc = mmdb(COUNTRY, ip, "country", "iso_code") or mmdb(COUNTRY, ip, "registered_country", "iso_code")
    want[ip] = (cc, mmdb(ASN, ip, "autonomous_system_number"),
                mmdb(ASN, ip, "autonomous_system_organization"))
check(all(w[1] for w in want.values()), "oracle: mmdblookup finds each address: %s" % want)
n_ip = bad = twice = 0
for v, e in evidence(on):
    if e.get("ioc_type") != "ip":
        continue
    n_ip += 1
    cc, asn, org = want[e["ioc"]]
    if (e.get("country", ""), str(e.get("asn", "")), e.get("as_org", "")) != (cc, asn, org):
        bad += 1
        print("        %s: %s %s %s, mmdblookup %s %s %s" % (e["ioc"], e.get("country"),
              e.get("asn"), e.get("as_org"), cc, asn, org))
    sfx = " [AS%s %s, %s]" % (asn, org, cc)
    if not e["explanation"].endswith(sfx) or e["explanation"].count(" [AS") != 1:
        twice += 1
        print("        explanation: %r" % e["explanation"])
check(n_ip > 0 and bad == 0, "on: %d evidence about addresses carry mmdblookup's country, asn, as_org" % n_ip)
check(twice == 0, "on: each explanation ends with ' [AS.. org, CC]' exactly once, "
      "across %d verdict records (updates rescore the same evidence)" % len(on))
check(all(e["weight"] == base_w[(e["kind"], e["indicator"])] for _, e in evidence(on)),
      "on: weights as in base (no weights configured)")
check(stat(p.stdout + p.stderr, "geoip_lookups") > 0 and stat(p.stdout + p.stderr, "geoip_misses") == 0,
      "on: --stats counts lookups (%d), no misses" % stat(p.stdout + p.stderr, "geoip_lookups"))

# ---- asn2 / cc_other -------------------------------------------------------
asn = want[ips[0]][1]
p, a2 = run("asn2", DBS % (COUNTRY, ASN, '  asn_weights = [ "AS%s=2" ];\n' % asn))
check(p.returncode == 0, "asn2: exit 0")
ok = n = 0
for _, e in evidence(a2):
    bw = base_w.get((e["kind"], e["indicator"]))
    if bw is None:
        continue
    n += 1
    double = e.get("ioc_type") == "ip" and want.get(e["ioc"], ("", "", ""))[1] == asn
    if abs(e["weight"] - (2 * bw if double else bw)) < 1e-9 and \
            (not double or e.get("geo_weight_factor") == 2):
        ok += 1
    else:
        print("        %s %s: weight %s, base %s" % (e["kind"], e["indicator"], e["weight"], bw))
check(n > 0 and ok == n, "asn2: AS%s=2 doubles each weight about its addresses (%d/%d evidence)" % (asn, ok, n))
ccs = {w[0] for w in want.values()}
other = "JP" if "JP" not in ccs else "BR"
p, co = run("cc_other", DBS % (COUNTRY, ASN, '  country_weights = [ "%s=3" ];\n' % other))
check(shape(co) == shape(base) and
      all(e["weight"] == base_w[(e["kind"], e["indicator"])] and "geo_weight_factor" not in e
          for _, e in evidence(co)),
      "cc_other: a weight for %s (not the addresses' country) changes nothing" % other)

# ---- broken files ----------------------------------------------------------
empty, garbage = os.path.join(W, "empty.mmdb"), os.path.join(W, "garbage.mmdb")
open(empty, "wb").close()
with open(garbage, "wb") as f:
    f.write(bytes((i * 131 + 7) & 0xff for i in range(4096)))
for name, c, a in (("broken_empty", empty, garbage),
                   ("broken_missing", os.path.join(W, "nope.mmdb"), empty)):
    p, br = run(name, DBS % (c, a, ""))
    gl = geo_lines(p.stderr)
    check(p.returncode == 0 and len(gl) == 1 and "geoip: off" in gl[0] and c in gl[0] and a in gl[0]
          and gl[0].count("cannot be opened") == 2,
          "%s: exit 0, one line naming both files and why (%r)" % (name, gl))
    check(shape(br) == shape(base) and not any("country" in e or "asn" in e for _, e in evidence(br)),
          "%s: the same verdicts as base, no geo" % name)
# one good, one bad: geo from the good one
p, half = run("half", DBS % (COUNTRY, empty, ""))
gl = geo_lines(p.stderr)
check(len(gl) == 1 and "country from" in gl[0] and "cannot be opened" in gl[0] and empty in gl[0],
      "half: one line: the country file used, the ASN file not, and why (%r)" % gl)
check(shape(half) == shape(base) and
      all(e.get("country") == want[e["ioc"]][0] and "asn" not in e
          for _, e in evidence(half) if e.get("ioc_type") == "ip"),
      "half: countries only, same verdicts")

# ---- evidence about names: no geo -----------------------------------------
p, dga = run("dga", DBS % (COUNTRY, ASN, ""), DGA)
check(p.returncode == 0 and len(dga) > 0 and
      not any("country" in e or "asn" in e or " [AS" in e["explanation"] for _, e in evidence(dga)),
      "dga: evidence about names carries no geo (%d verdicts)" % len(dga))

# ---- SIGHUP: the databases opened again ---------------------------------------
import shutil
import signal
import time


def wait_lines(path, n, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        with open(path) as f:
            gl = geo_lines(f.read())
        if len(gl) >= n:
            return gl
        time.sleep(0.05)
    with open(path) as f:
        return geo_lines(f.read())


live_asn = os.path.join(W, "live-asn.mmdb")
shutil.copy(ASN, live_asn)
conf = os.path.join(W, "hup.conf")
with open(conf, "w") as f:
    f.write(DBS % (COUNTRY, live_asn, ""))
err = os.path.join(W, "hup.err")
with open(err, "w") as ef:
    proc = subprocess.Popen([BIN, "-r", CAP, "--pace", "1", "-c", conf], stdout=subprocess.DEVNULL,
                            stderr=ef)
    gl = wait_lines(err, 1)
    time.sleep(0.3)                                    # past the signal handlers
    open(live_asn + ".new", "wb").close()              # a broken download renamed over
    os.replace(live_asn + ".new", live_asn)
    proc.send_signal(signal.SIGHUP)
    gl = wait_lines(err, 2)
    shutil.copy(ASN, live_asn + ".new")
    os.replace(live_asn + ".new", live_asn)
    proc.send_signal(signal.SIGHUP)
    gl = wait_lines(err, 3)
    proc.send_signal(signal.SIGINT)
    try:
        rc = proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        rc = -1
check(rc == 0 and len(gl) == 3 and "ASN from" in gl[0] and
      "cannot be opened" in gl[1] and "the one read before is kept" in gl[1] and
      "geoip: reloaded:" in gl[2] and "ASN from" in gl[2],
      "sighup: a broken file keeps the database in use, a good one is taken (%r, exit %s)" % (gl, rc))

print("geo: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
