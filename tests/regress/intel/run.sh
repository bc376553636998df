#!/bin/bash
# tests/regress/intel/run.sh BIN -- threat-intelligence feeds end to end, and
# the --export-iocs round trip (docs/feeds.md, docs/detections.md).
#
# Oracles: the dev MANIFEST (suricata-tls-clienthello-to-c2.pcap: a lone TLS
# ClientHello from 192.168.46.2 to 91.254.215.167:443 whose JA3
# 49ed2ef3f1321e5f044f1e71b0e6fdd5 abuse.ch SSLBL lists as TrickBot), and
# the scenario tests/gen/gen_behaviour.py wrote for spread_shared_c2 (WS-17
# 10.50.0.17 beacons to sync.velmora-cdn.example = 203.0.113.90 and
# 198.51.100.77:7011/udp; 10.50.0.21 and 10.50.0.22 visit the C2 once;
# 10.50.0.23 browses popular names only).  Never spanhound's own output.
set -u
BIN=${1:?usage: run.sh BIN}
T=$(mktemp -d /tmp/spanhound-intel.XXXXXX)
trap 'rm -rf "$T"' EXIT
pass=0; fail=0
ok()  { echo "  ok    $1"; pass=$((pass + 1)); }
bad() { echo "  FAIL  $1${2:+: $2}"; fail=$((fail + 1)); }

TLS=pcaps/tls/suricata-tls-clienthello-to-c2.pcap
SP=tests/regress/behaviour/spread_shared_c2/capture.pcap
JA3=49ed2ef3f1321e5f044f1e71b0e6fdd5

# run NAME CONF PCAP [ARGS...]: replay, EVE into $T/NAME.json; exit status checked
run() {
    local name=$1 conf=$2 pcap=$3; shift 3
    if ! "$BIN" -c "$conf" -r "$pcap" --eve "$T/$name.json" "$@" >"$T/$name.out" 2>"$T/$name.err"; then
        bad "$name: spanhound exited non-zero" "$(tail -2 "$T/$name.err" | tr '\n' '|')"
        return 1
    fi
    if grep -q "Sanitizer\|runtime error" "$T/$name.err"; then
        bad "$name: sanitizer report" "$(grep -m1 'Sanitizer\|runtime error' "$T/$name.err")"
        return 1
    fi
}

# hosts NAME: "ip:verdict:kind=ioc@indicator,..." per host, from the last verdict record of each
hosts() {
    /usr/bin/python3 - "$T/$1.json" <<'PY'
import json, sys
last = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("event_type") != "spanhound_verdict":
        continue
    v = r["spanhound_verdict"]
    last[v["ip"]] = v
for ip in sorted(last):
    v = last[ip]
    print("%s:%s:%s" % (ip, v["verdict"], ",".join("%s=%s@%s" % (e["kind"], e.get("ioc", ""),
                                                                  e.get("indicator", ""))
                                                   for e in v.get("evidence", []))))
PY
}
flagged() { hosts "$1" | awk -F: '$2 == "infected" {print $1}' | sort | tr '\n' ' '; }

feedconf() {   # feedconf FILE NAME PATH FORMAT TYPE CONFIDENCE
    local t=""; [ -n "$5" ] && t=" type = \"$5\";"
    printf 'feeds = ( { name = "%s"; path = "%s"; format = "%s";%s weight = 2.0; confidence = %s; } );\n' \
        "$2" "$3" "$4" "$t" "$6" > "$1"
}

# ---- 1. a JA3 listed by SSLBL: evidence, never a verdict alone ---------------
feedconf "$T/ja3.conf" sslbl-ja3 "$PWD/tests/regress/intel/sslbl_ja3_trickbot.csv" abusech_ja3 "" 0.9
if run ja3 "$T/ja3.conf" "$TLS"; then
    h=$(hosts ja3 | grep '^192.168.46.2:')
    case "$h" in
        *":clean:"*"ioc_fingerprint=$JA3"*) ok "SSLBL JA3 hit is ioc_fingerprint evidence on 192.168.46.2, not a verdict (confidence 0.9 in the feed)";;
        *) bad "SSLBL JA3 hit is ioc_fingerprint evidence, not a verdict" "${h:-no record}";;
    esac
fi

# ---- 2. the C2 address by longest prefix: a confident feed convicts ---------
printf '# C2 networks\n91.254.215.0/24\n' > "$T/nets.txt"
feedconf "$T/ip9.conf" c2-nets "$T/nets.txt" plain ip 0.9
if run ip9 "$T/ip9.conf" "$TLS"; then
    h=$(hosts ip9 | grep '^192.168.46.2:')
    case "$h" in
        *":infected:"*"ioc_match=91.254.215.167"*) ok "a /24 in a confident IP feed flags the client (ioc_match 91.254.215.167)";;
        *) bad "a /24 in a confident IP feed flags the client" "${h:-no record}";;
    esac
fi
feedconf "$T/ip6.conf" c2-nets "$T/nets.txt" plain ip 0.6
if run ip6 "$T/ip6.conf" "$TLS"; then
    h=$(hosts ip6 | grep '^192.168.46.2:')
    case "$h" in
        *":clean:"*"ioc_match=91.254.215.167"*) ok "the same hit from a feed below standalone confidence is evidence only";;
        *) bad "the same hit from a feed below standalone confidence is evidence only" "${h:-no record}";;
    esac
fi

# ---- 3. names match their subdomains, on label boundaries only --------------
printf 'velmora-cdn.example\n' > "$T/dom.txt"
printf 'ora-cdn.example\n' > "$T/notdom.txt"
feedconf "$T/dom.conf" c2-doms "$T/dom.txt" plain domain 0.9
feedconf "$T/notdom.conf" c2-doms "$T/notdom.txt" plain domain 0.9
if run dom "$T/dom.conf" "$SP" && run notdom "$T/notdom.conf" "$SP"; then
    got=$(flagged dom)
    want="10.50.0.17 10.50.0.21 10.50.0.22 "
    [ "$got" = "$want" ] && ok "a listed domain matches its subdomain: the three hosts that used sync.velmora-cdn.example are flagged" \
        || bad "a listed domain matches its subdomain" "flagged [$got], want [$want]"
    if hosts notdom | grep -q "ioc_match"; then
        bad "ora-cdn.example does not match sync.velmora-cdn.example" "$(hosts notdom | grep ioc_match | head -2)"
    else
        ok "ora-cdn.example does not match sync.velmora-cdn.example (label boundary)"
    fi
fi

# ---- 4. --export-iocs round trip: what one sensor learnt flags the same hosts
# on another (STIX bundle, and the plain lists beside it) ---------------------
printf '\n' > "$T/none.conf"
if run learn "$T/none.conf" "$SP" --export-iocs "$T/learnt.json"; then
    [ "$(flagged learn)" = "10.50.0.17 " ] && ok "sensor 1 convicts only WS-17 and learns its C2" \
        || bad "sensor 1 convicts only WS-17" "flagged [$(flagged learn)]"
    if grep -qx 'sync.velmora-cdn.example' "$T/learnt.json.domain.txt" 2>/dev/null &&
       grep -qx '203.0.113.90' "$T/learnt.json.ip.txt" 2>/dev/null &&
       /usr/bin/python3 tests/stix/validate.py "$T/learnt.json" >/dev/null 2>&1; then
        ok "the export holds the C2 name and address, and is a valid STIX 2.1 bundle"
    else
        bad "the export holds the C2 name and address, and is a valid STIX 2.1 bundle" \
            "$(cat "$T/learnt.json.domain.txt" "$T/learnt.json.ip.txt" 2>&1 | head -4 | tr '\n' '|')"
    fi
    want="10.50.0.17 10.50.0.21 10.50.0.22 "
    feedconf "$T/stix.conf" learnt "$T/learnt.json" stix "" 0.9
    if run stix "$T/stix.conf" "$SP"; then
        got=$(flagged stix)
        [ "$got" = "$want" ] && ok "sensor 2 importing the STIX bundle flags every host that used the C2 ($want)" \
            || bad "sensor 2 importing the STIX bundle flags every host that used the C2" "flagged [$got], want [$want]"
        hosts stix | grep -q '^10.50.0.23:' && bad "10.50.0.23 (popular names only) has no record" "$(hosts stix | grep '^10.50.0.23:')" \
            || ok "10.50.0.23 (popular names only) has no record on sensor 2"
    fi
    printf 'feeds = ( { name = "learnt-doms"; path = "%s"; format = "plain"; type = "domain"; weight = 2.0; confidence = 0.9; },\n  { name = "learnt-ips"; path = "%s"; format = "plain"; type = "ip"; weight = 2.0; confidence = 0.9; } );\n' \
        "$T/learnt.json.domain.txt" "$T/learnt.json.ip.txt" > "$T/plain.conf"
    if run plain "$T/plain.conf" "$SP"; then
        got=$(flagged plain)
        [ "$got" = "$want" ] && ok "importing the plain lists instead flags the same hosts" \
            || bad "importing the plain lists instead flags the same hosts" "flagged [$got], want [$want]"
    fi
fi

# ---- 5. a host flooding unique names cannot erase the others' history --------
# (tests/gen/gen_intel.py: the bot looks up 400 unique names; history of 256)
FL=tests/regress/intel/history-flood.pcap
printf 'detect: {\n  spread_history_size = 256;\n  spread_history_host_rate = 100;\n};\n' > "$T/quota.conf"
printf 'detect: {\n  spread_history_size = 256;\n  spread_history_host_rate = 100000;\n};\n' > "$T/noquota.conf"
if run quota "$T/quota.conf" "$FL" && run noquota "$T/noquota.conf" "$FL"; then
    case "$(hosts quota | grep '^10.50.0.21:')" in
        *"shared_c2=sync.velmora-cdn.example"*) ok "with a per-host quota, 10.50.0.21's earlier contact with the C2 survives the bot's flood";;
        *) bad "with a per-host quota, 10.50.0.21's earlier contact survives the flood" "$(hosts quota | tr '\n' '|')";;
    esac
    # the control: without the quota the same flood erases it (the case tests what it claims)
    hosts noquota | grep -q '^10.50.0.21:.*shared_c2' \
        && bad "control: without the quota the flood erases 10.50.0.21's contact" "$(hosts noquota | grep '^10.50.0.21:')" \
        || ok "control: without the quota the flood erases 10.50.0.21's contact"
fi

# ---- 6. a wildcard-IP DNS lookup does not launder a C2 address ---------------
if run sslip "$T/none.conf" tests/regress/intel/sslip-launder.pcap; then
    case "$(hosts sslip | grep '^10.50.0.17:')" in
        *":infected:"*"beacon=203.0.113.90@203.0.113.90:443/tcp"*) ok "203-0-113-90.sslip.io does not make the beaconed address benign";;
        *) bad "203-0-113-90.sslip.io does not make the beaconed address benign" "$(hosts sslip | grep '^10.50.0.17:')";;
    esac
fi

echo "intel: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
