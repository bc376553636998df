#!/bin/bash
# Live capture test in network namespaces made here (never a real network):
#   ns "shsend-$$" --veth--> ns "shcap-$$"
# tcpreplay sends a bundled capture into one end; spanhound captures the other
# end live (-i, promiscuous, immediate mode), is asked for counters with
# SIGUSR1, stopped with SIGTERM, and its EVE output must hold the capture's
# DNS names.  Needs root (CAP_NET_ADMIN); otherwise the test reports itself
# skipped.
# Usage: tests/live/run.sh build/spanhound
set -u
BIN=$(readlink -f "${1:-build/spanhound}")
PCAP=pcaps/dns/ndpi-dnscat-exfil.pcap
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

ok()  { pass=$((pass + 1)); echo "  ok    $1"; }
bad() { fail=$((fail + 1)); echo "  FAIL  $1"; [ -n "${2:-}" ] && echo "        $2"; }

finish() {
    echo "live tests: $pass passed, $fail failed, $skip skipped"
    mkdir -p build && echo "live $pass $fail" >> build/test-results.txt
    [ "$fail" -eq 0 ]
    exit $?
}

if [ "$(id -u)" -ne 0 ] || ! command -v ip >/dev/null || ! command -v tcpreplay >/dev/null ||
   ! ip netns add "$NS_S" 2>/dev/null; then
    skip=1; echo "  skip  live capture: needs root, iproute2 and tcpreplay (network namespaces)"
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

want=$(tshark -r "$PCAP" -Y 'dns.flags.response==0' -T fields -e dns.qry.name 2>/dev/null | sort -u | wc -l)
got=$(/usr/bin/python3 -c '
import json, sys
names = set()
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e.get("event_type") == "dns" and e["dns"]["type"] == "query":
        names.add(e["dns"]["rrname"])
print(len(names))' "$T/eve.json")
[ "$got" -eq "$want" ] && ok "every DNS query replayed was captured and parsed ($got names)" \
    || bad "every DNS query replayed was captured and parsed" "got $got of $want"
grep -q '"event_type":"host"' "$T/eve.json" && ok "the tunnel is flagged live too" \
    || bad "the tunnel is flagged live too"
finish
