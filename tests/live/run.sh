#!/bin/bash
# Live capture test in network namespaces made here (never a real network):
#   ns "shsend-$$" --veth--> ns "shcap-$$"
# tcpreplay sends a bundled capture into one end; spanhound captures the other
# end live (-i, promiscuous, immediate mode), is asked for counters with
# SIGUSR1, stopped with SIGTERM; its EVE output must hold exactly the DNS
# query names tshark reads from the capture (differences printed), and the
# hosts it flags infected must be exactly the capture's infected host (the
# dnscat2 client, 192.168.220.56: dev MANIFEST label).  Needs root
# (CAP_NET_ADMIN), iproute2 and tcpreplay; otherwise the test counts itself as
# one skip; the name comparison is a skip without tshark.
# Appends "live <passed> <failed> <skipped>" to build/test-results.txt.
# Usage: tests/live/run.sh build/spanhound
set -u
BIN=$(readlink -f "${1:-build/spanhound}")
PCAP=pcaps/dns/ndpi-dnscat-exfil.pcap
INFECTED=192.168.220.56      # pcaps/dns/ndpi-dnscat-exfil.pcap's dnscat2 client
NS_S=shsend-$$; NS_C=shcap-$$
T=$(mktemp -d)
pass=0; fail=0; skip=0

cleanup() {
    [ -n "${SHPID:-}" ] && kill "$SHPID" 2>/dev/null
    ip netns del "$NS_S" 2>/dev/null
    ip netns del "$NS_C" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT

ok()   { pass=$((pass + 1)); echo "  ok    $1"; }
bad()  { fail=$((fail + 1)); echo "  FAIL  $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/        /'; }
skip() { skip=$((skip + 1)); echo "  skip  $1"; }

finish() {
    echo "live tests: $pass passed, $fail failed, $skip skipped"
    mkdir -p build && echo "live $pass $fail $skip" >> build/test-results.txt
    [ "$fail" -eq 0 ]
    exit $?
}

if [ "$(id -u)" -ne 0 ] || ! command -v ip >/dev/null || ! command -v tcpreplay >/dev/null ||
   ! ip netns add "$NS_S" 2>/dev/null; then
    skip "live capture: needs root, iproute2 and tcpreplay (network namespaces)"
    finish
fi
ip netns add "$NS_C"
ip link add veth-s netns "$NS_S" type veth peer name veth-c netns "$NS_C"
ip -n "$NS_S" link set veth-s up
ip -n "$NS_C" link set veth-c up
ip -n "$NS_S" link set lo up
ip -n "$NS_C" link set lo up

ip netns exec "$NS_C" "$BIN" -i veth-c --eve "$T/eve.json" --stats >"$T/out" 2>"$T/err" &
SHPID=$!
# wait until the capture is up (it prints nothing until then; give it a moment)
for _ in $(seq 1 50); do
    sleep 0.1
    kill -0 "$SHPID" 2>/dev/null || break
    [ -e "$T/eve.json" ] && break
done
sleep 0.5
if ! kill -0 "$SHPID" 2>/dev/null; then
    bad "spanhound -i veth-c starts" "$(cat "$T/err")"
    finish
fi
ok "spanhound -i captures live inside a namespace"

ip netns exec "$NS_S" tcpreplay -q -i veth-s --mbps=50 "$PCAP" >"$T/replay" 2>&1 \
    || bad "tcpreplay into the veth pair" "$(tail -2 "$T/replay")"
sleep 1.5
kill -USR1 "$SHPID"
sleep 0.5
grep -Eq '^source.kernel_received +[1-9]' "$T/err" && ok "SIGUSR1 prints live counters" \
    || bad "SIGUSR1 prints live counters" "$(grep -m3 source "$T/err")"
kill -TERM "$SHPID"
wait "$SHPID"; rc=$?
SHPID=
[ "$rc" -eq 0 ] && ok "SIGTERM stops it cleanly (exit 0)" || bad "SIGTERM stops it cleanly" "exit $rc"

if [ ! -s "$T/eve.json" ]; then
    bad "EVE output written" "$T/eve.json is missing or empty"
    finish
fi
if grep -q -e 'Sanitizer' -e 'runtime error:' "$T/err"; then
    bad "no sanitizer report" "$(grep -m1 -e 'Sanitizer' -e 'runtime error:' "$T/err")"
fi

# DNS query names: exactly tshark's (names as tshark shows them, no final dot)
if ! command -v tshark >/dev/null 2>&1; then
    skip "DNS query names equal tshark's: tshark is not installed"
elif ! tshark -n -r "$PCAP" -Y 'dns.flags.response==0' -T fields -E aggregator=$'\x1f' \
        -e dns.qry.name >"$T/tshark" 2>"$T/tshark.err"; then
    bad "DNS query names equal tshark's" "tshark failed: $(grep -v 'Running as user' "$T/tshark.err" | tail -2)"
elif ! diff=$(/usr/bin/python3 -c '
import json, sys
want = set()
for line in open(sys.argv[2], encoding="utf-8", errors="replace"):
    want.update(n.rstrip(".") for n in line.rstrip("\n").split("\x1f") if n)
got = set()
for line in open(sys.argv[1], encoding="utf-8"):
    e = json.loads(line)
    if e.get("event_type") == "dns" and e["dns"]["type"] == "request":
        names = [q["rrname"] for q in e["dns"].get("queries", [])]
        got.update(n.rstrip(".") for n in names)
for n in sorted(want - got)[:10]:
    print("missing " + n)
for n in sorted(got - want)[:10]:
    print("extra   " + n)
print("%d %d %d %d" % (len(got & want), len(want), len(want - got), len(got - want)))
' "$T/eve.json" "$T/tshark" 2>&1); then
    bad "DNS query names equal tshark's" "reading the EVE output failed: $(printf '%s\n' "$diff" | tail -1)"
else
    read -r same nwant nmiss nextra < <(printf '%s\n' "$diff" | tail -1)
    if [ "$nmiss" -eq 0 ] && [ "$nextra" -eq 0 ] && [ "$nwant" -gt 0 ]; then
        ok "every DNS query replayed was captured and parsed: the same $same names as tshark"
    else
        bad "DNS query names equal tshark's" \
            "$same of tshark's $nwant names, $nmiss missing, $nextra extra (first 10 of each):
$(printf '%s\n' "$diff" | sed '$d')"
    fi
fi

# the flagged host: the last EVE spanhound_verdict record of each IP
flagged=$(/usr/bin/python3 -c '
import json, sys
state = {}
for line in open(sys.argv[1], encoding="utf-8"):
    e = json.loads(line)
    if e.get("event_type") == "spanhound_verdict":
        state[e["spanhound_verdict"]["ip"]] = e["spanhound_verdict"]["verdict"]
print(",".join(sorted(ip for ip, v in state.items() if v == "infected")) or "none")
' "$T/eve.json" 2>&1) || flagged="(reading the EVE output failed: $flagged)"
if [ "$flagged" = "$INFECTED" ]; then
    ok "the tunnel is flagged live too: exactly $INFECTED"
else
    bad "the tunnel is flagged live: exactly $INFECTED" "flagged: $flagged"
fi
finish
