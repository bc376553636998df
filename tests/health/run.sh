#!/bin/bash
# The health report (docs/appliance.md) end to end:
#   - an offline replay with health.interval = 5 s: EVE stats/spanhound_stats
#     records (Suricata's schema, packet-time grid, each report's packets and
#     bytes = tshark's before its time, last counters = --stats, packets =
#     capinfos), the Prometheus file (promtool check metrics,
#     values = --stats), the Redis hash on a private redis-server (fields,
#     values, TTL); the same replay twice gives the same reports;
#   - Redis down: the backlog (journal_pending = the verdicts the exit
#     message says are kept), connected 0, an error age;
#   - health.interval = 0: nothing; an unwritable Prometheus path: one line;
#   - live, in network namespaces made here: the sensor stopped (SIGSTOP)
#     while tcpreplay sends, so the kernel's buffer overflows: the
#     "dropping packets on veth-c" line, then "seeing everything again";
#   - live with two interfaces: one loses its carrier, comes back, is set
#     down: the lines, spanhound_interface_up, degraded (interface_down).
# Appends "health <passed> <failed> <skipped>" to build/test-results.txt.
#   - spanhoundctl health prints the hash (text and --json).
# Usage: tests/health/run.sh build/spanhound build/spanhoundctl
set -u
BIN=$(readlink -f "${1:-build/spanhound}")
CTL=$(readlink -f "${2:-build/spanhoundctl}")
PCAP=pcaps/demo/office-dga.pcap
IV=5
T=$(mktemp -d)
pass=0; fail=0; skip=0
NS_S=shhs-$$; NS_C=shhc-$$
. tests/lib/redis.sh

cleanup() {
    [ -n "${SHPID:-}" ] && kill "$SHPID" 2>/dev/null
    [ -n "${REDIS_PID:-}" ] && redis_stop
    ip netns del "$NS_S" 2>/dev/null
    ip netns del "$NS_C" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT

ok()   { pass=$((pass + 1)); echo "  ok    $1"; }
bad()  { fail=$((fail + 1)); echo "  FAIL  $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/        /'; }
skip() { skip=$((skip + 1)); echo "  skip  $1"; }
# check.py's "ok NAME" / "FAIL NAME: why" lines
tally() {
    local line
    while IFS= read -r line; do
        case "$line" in
            "ok "*) ok "${line#ok }" ;;
            "FAIL "*) bad "${line#FAIL }" ;;
            *) bad "check.py: $line" ;;
        esac
    done
}
finish() {
    echo "health tests: $pass passed, $fail failed, $skip skipped"
    mkdir -p build && echo "health $pass $fail $skip" >> build/test-results.txt
    [ "$fail" -eq 0 ]
    exit $?
}

conf() {   # conf FILE INTERVAL PROMFILE
    printf 'health = { interval = %s; prometheus_file = "%s"; };\n' "$2" "$3" > "$1"
}

# ---- offline replay, Redis up ---------------------------------------------
if ! redis_start "$T/redis"; then
    bad "redis-server starts"; finish
fi
conf "$T/a.conf" $IV "$T/a.prom"
"$BIN" -c "$T/a.conf" -r "$PCAP" --eve "$T/a.json" --stats --redis "127.0.0.1:$REDIS_PORT" \
    --sensor health-test --journal "$T/a.journal" >/dev/null 2>"$T/a.err"
rc=$?
[ $rc -eq 0 ] && ok "replay with health.interval = $IV exits 0" || bad "replay exits 0" "exit $rc: $(tail -3 "$T/a.err")"
if command -v promtool >/dev/null; then
    if promtool check metrics < "$T/a.prom" >"$T/promtool.out" 2>&1; then
        ok "promtool check metrics accepts the Prometheus file"
    else
        bad "promtool check metrics accepts the Prometheus file" "$(head -5 "$T/promtool.out")"
    fi
else
    skip "promtool (Debian package prometheus) not installed"
fi
[ ! -e "$T/a.prom.tmp" ] && ok "no temporary Prometheus file left" || bad "no temporary Prometheus file left"
npk=$(capinfos -M -c "$PCAP" 2>/dev/null | awk -F': *' '/Number of packets/ {print $2}')
tshark -r "$PCAP" -T fields -e frame.time_epoch -e frame.len > "$T/times" 2>/dev/null
tally < <(/usr/bin/python3 tests/health/check.py replay "$T/a.json" "$T/a.err" "$T/a.prom" $IV "${npk:-0}" "$T/times" 2>&1)
tally < <(/usr/bin/python3 tests/health/check.py redis "$REDIS_PORT" "$T/a.err" $IV 2>&1)

# spanhoundctl health: the same hash, for people and programs
"$CTL" --redis "127.0.0.1:$REDIS_PORT" health >"$T/ctl.txt" 2>&1; rc=$?
if [ $rc -eq 0 ] && grep -q '^sensor health-test (report expires in [0-9]* s)$' "$T/ctl.txt" &&
   grep -Eq '^  status +ok$' "$T/ctl.txt" && grep -Eq '^  mode +replay$' "$T/ctl.txt"; then
    ok "spanhoundctl health shows the sensor's report"
else
    bad "spanhoundctl health shows the sensor's report" "exit $rc: $(head -5 "$T/ctl.txt")"
fi
"$CTL" --redis "127.0.0.1:$REDIS_PORT" --json health >"$T/ctl.json" 2>&1
if /usr/bin/python3 - "$T/ctl.json" "$REDIS_PORT" <<'PY'
import json, sys, redis
got = json.load(open(sys.argv[1]))["health-test"]
want = redis.Redis(port=int(sys.argv[2]), decode_responses=True).hgetall("{spanhound}:health:health-test")
got.pop("expires_in")
sys.exit(0 if got == want else 1)
PY
then ok "spanhoundctl --json health: every field of the hash"
else bad "spanhoundctl --json health: every field of the hash" "$(head -c 300 "$T/ctl.json")"; fi

# an ACL without the health key (docs/nac-feed.md before it): the verdicts
# still go through, the refusal is said once
redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ACL SETUSER old on '>pw' resetkeys '~{spanhound}:events' \
    '~{spanhound}:ids' '~{spanhound}:infected' '~{spanhound}:host:*' '~{spanhound}:sensor:*' \
    '%R~{spanhound}:allow' '%R~{spanhound}:control' resetchannels '&{spanhound}:alerts' -@all +ping \
    +role +evalsha '+script|load' +type +exists +expire +get +set +hget +hset +hdel +hgetall +hexists \
    +del +sadd +srem +smembers +zadd +zrem +zscore +zcard +zrange +zremrangebyrank +xadd +xread \
    +xrevrange +publish >/dev/null
printf 'health = { interval = %s; };\nredis = { user = "old"; password = "pw"; };\n' $IV > "$T/f.conf"
"$BIN" -c "$T/f.conf" -r "$PCAP" --stats --redis "127.0.0.1:$REDIS_PORT" --sensor health-acl \
    --journal "$T/f.journal" >/dev/null 2>"$T/f.err"
rc=$?
n=$(grep -c 'cannot write the health hash' "$T/f.err")
del=$(awk '/^redis.delivered / {print $2}' "$T/f.err")
want=$(awk '/^redis.delivered / {print $2}' "$T/a.err")
if [ $rc -eq 0 ] && [ "$n" -eq 1 ] && [ -n "$del" ] && [ "$del" = "$want" ] &&
   ! grep -q 'journal' <(grep 'unreachable' "$T/f.err"); then
    ok "an ACL without P:health:*: said once, the $del verdicts delivered all the same"
else
    bad "an ACL without P:health:*: verdicts delivered" "exit $rc, $n lines, delivered '$del' of '$want': $(grep redis "$T/f.err" | head -3)"
fi

# the same replay again (no Redis): the same reports at the same times
"$BIN" -c "$T/a.conf" -r "$PCAP" --eve "$T/b.json" >/dev/null 2>&1
sel() { grep '"event_type":"stats"' "$1"; }
if [ -s "$T/b.json" ] && [ "$(sel "$T/a.json")" = "$(sel "$T/b.json")" ]; then
    ok "a replay's reports are deterministic (same times, same counters)"
else
    bad "a replay's reports are deterministic" "$(diff <(sel "$T/a.json") <(sel "$T/b.json") | head -5)"
fi

# ---- Redis down: the backlog is reported -----------------------------------
dead=$(redis_free_port)
conf "$T/c.conf" $IV "$T/c.prom"
"$BIN" -c "$T/c.conf" -r "$PCAP" --redis "127.0.0.1:$dead" --sensor health-test \
    --journal "$T/c.journal" >/dev/null 2>"$T/c.err"
rc=$?
kept=$(sed -n 's/.*unreachable: \([0-9]*\) verdict event.*kept in the journal.*/\1/p' "$T/c.err" | tail -1)
got=$(awk '/^spanhound_redis_journal_pending_entries\{/ {print $2}' "$T/c.prom")
conn=$(awk '/^spanhound_redis_connected\{/ {print $2}' "$T/c.prom")
age=$(awk '/^spanhound_redis_last_error_age_seconds\{/ {print $2}' "$T/c.prom")
if [ $rc -eq 3 ] && [ -n "$kept" ] && [ "$kept" -gt 0 ] && [ "$got" = "$kept" ] && [ "$conn" = 0 ] &&
   [ -n "$age" ]; then
    ok "Redis down: journal_pending_entries $got = the $kept verdicts kept, connected 0, error age $age s"
else
    bad "Redis down: the backlog in the Prometheus file" "exit $rc kept '$kept' pending '$got' connected '$conn' age '$age'"
fi

# ---- off; an unwritable file ------------------------------------------------
conf "$T/d.conf" 0 "$T/d.prom"
"$BIN" -c "$T/d.conf" -r "$PCAP" --eve "$T/d.json" >/dev/null 2>&1
if [ -s "$T/d.json" ] && ! grep -q '"event_type":"\(spanhound_\)\?stats"' "$T/d.json" && [ ! -e "$T/d.prom" ]; then
    ok "health.interval = 0: no health records, no Prometheus file"
else
    bad "health.interval = 0: no health records, no Prometheus file"
fi
conf "$T/e.conf" $IV "$T/no/such/dir/e.prom"
"$BIN" -c "$T/e.conf" -r "$PCAP" >/dev/null 2>"$T/e.err"
rc=$?
n=$(grep -c 'health: cannot write the Prometheus file' "$T/e.err")
[ $rc -eq 0 ] && [ "$n" -eq 1 ] && ok "an unwritable Prometheus file: said once, the run goes on" \
    || bad "an unwritable Prometheus file: said once" "exit $rc, $n lines"

# ---- live: drops start and stop ---------------------------------------------
if [ "$(id -u)" -ne 0 ] || ! command -v tcpreplay >/dev/null || ! ip netns add "$NS_S" 2>/dev/null; then
    skip "live drop lines: needs root, iproute2 and tcpreplay (network namespaces)"
    finish
fi
ip netns add "$NS_C"
ip link add veth-s netns "$NS_S" type veth peer name veth-c netns "$NS_C"
ip -n "$NS_S" link set veth-s up
ip -n "$NS_C" link set veth-c up
# the daemon drops to the user spanhound: a directory it can write
chmod o+x "$T" && mkdir -m 0777 "$T/m"
printf 'health = { interval = 1; prometheus_file = "%s"; };\ncapture = { buffer_mb = 1; };\n' \
    "$T/m/l.prom" > "$T/l.conf"
ip netns exec "$NS_C" "$BIN" -c "$T/l.conf" -i veth-c --no-redis --stats >/dev/null 2>"$T/l.err" &
SHPID=$!
for _ in $(seq 1 50); do
    sleep 0.1
    [ -s "$T/m/l.prom" ] && break
done
# stopped, it reads nothing: the 1 MB kernel buffer overflows
kill -STOP "$SHPID"
ip netns exec "$NS_S" tcpreplay -q -i veth-s --topspeed -l 3 pcaps/demo/office-dga.pcap >/dev/null 2>&1
kill -CONT "$SHPID"
for _ in $(seq 1 60); do
    sleep 0.1
    grep -q 'seeing everything again' "$T/l.err" && break
done
kill -TERM "$SHPID"; wait "$SHPID"; rc=$?; SHPID=
[ -n "${HEALTH_TEST_SHOW:-}" ] && grep '^spanhound:' "$T/l.err"
kd=$(awk '/^source.kernel_dropped / {print $2}' "$T/l.err")
if grep -Eq '^spanhound: dropping packets on veth-c: [0-9]+ kernel drops in the last [0-9]+ s \([0-9.]+ %\); the sensor is partly blind$' "$T/l.err"; then
    ok "live: 'dropping packets on veth-c' when the kernel drops (source.kernel_dropped $kd)"
else
    bad "live: the dropping line" "kernel_dropped '$kd': $(grep -v '^[a-z_.0-9]* *[0-9]*$' "$T/l.err" | head -5)"
fi
if grep -Eq '^spanhound: veth-c: no drops for [0-9]+ s: seeing everything again' "$T/l.err"; then
    ok "live: 'seeing everything again' when they stop"
else
    bad "live: the 'seeing everything again' line" "$(grep -v '^[a-z_.0-9]* *[0-9]*$' "$T/l.err" | head -5)"
fi
n=$(grep -c 'dropping packets on' "$T/l.err")
[ "$n" -eq 1 ] && ok "live: said once per episode" || bad "live: said once per episode" "$n lines"
[ $rc -eq 0 ] && ok "live: SIGTERM exits 0" || bad "live: SIGTERM exits 0" "exit $rc"

# ---- live: one of two interfaces loses its carrier, comes back, goes down ----
# (the kernel says nothing to a capture socket whose interface went down: no
# error, no packets; the oracle is the link state this test sets)
ip -n "$NS_C" link add veth-d type veth peer name veth-e
ip -n "$NS_C" link set veth-d up
ip -n "$NS_C" link set veth-e up
printf 'health = { interval = 1; prometheus_file = "%s"; };\n' "$T/m/m.prom" > "$T/m.conf"
ip netns exec "$NS_C" "$BIN" -c "$T/m.conf" -i veth-c -i veth-d --no-redis --stats >/dev/null 2>"$T/m.err" &
SHPID=$!
prom() { awk -v k="$1" 'index($0, k) == 1 {print $2}' "$T/m/m.prom" 2>/dev/null; }
waitfor() {   # waitfor WHAT: a log line or a Prometheus value, up to 6 s
    for _ in $(seq 1 60); do
        sleep 0.1
        eval "$1" && return 0
    done
    return 1
}
waitfor '[ -s "$T/m/m.prom" ]'
sensor=$(sed -n 's/^spanhound_info{sensor="\([^"]*\)".*/\1/p' "$T/m/m.prom")
up_c="spanhound_interface_up{sensor=\"$sensor\",interface=\"veth-c\"}"
up_d="spanhound_interface_up{sensor=\"$sensor\",interface=\"veth-d\"}"
deg="spanhound_degraded{sensor=\"$sensor\"}"
first="$(prom "$up_c") $(prom "$up_d") $(prom "$deg")"
ip -n "$NS_C" link set veth-e down          # veth-d: up, but no carrier
waitfor 'grep -q "^spanhound: veth-d is without a carrier" "$T/m.err" && [ "$(prom "$up_d")" = 0 ]'
nocarrier="$(prom "$up_c") $(prom "$up_d") $(prom "$deg") $(grep -c 'check="interface_down"' "$T/m/m.prom")"
ip -n "$NS_C" link set veth-e up
waitfor 'grep -q "^spanhound: veth-d is up again after [0-9]* s: seeing it again$" "$T/m.err" && [ "$(prom "$up_d")" = 1 ]'
back="$(prom "$up_c") $(prom "$up_d") $(prom "$deg")"
ip -n "$NS_C" link set veth-d down
waitfor 'grep -q "^spanhound: veth-d is down: the sensor is blind on it$" "$T/m.err"'
kill -TERM "$SHPID"; wait "$SHPID"; SHPID=
[ -n "${HEALTH_TEST_SHOW:-}" ] && grep '^spanhound:' "$T/m.err"
[ "$first" = "1 1 0" ] && ok "live, two interfaces up: interface_up 1 1, degraded 0" \
    || bad "live, two interfaces up: interface_up 1 1, degraded 0" "got '$first'"
if [ "$nocarrier" = "1 0 1 1" ] &&
   grep -q '^spanhound: veth-d is without a carrier (cable, switch port or SPAN session): the sensor is blind on it$' "$T/m.err"; then
    ok "live: the peer down: 'veth-d is without a carrier', interface_up 0, degraded (interface_down), veth-c still 1"
else
    bad "live: veth-d without a carrier is reported" "prometheus '$nocarrier': $(grep '^spanhound:' "$T/m.err" | tail -4)"
fi
[ "$back" = "1 1 0" ] && grep -q '^spanhound: veth-d is up again' "$T/m.err" \
    && ok "live: the carrier back: 'veth-d is up again', interface_up 1, degraded 0" \
    || bad "live: the carrier back" "prometheus '$back': $(grep '^spanhound:' "$T/m.err" | tail -3)"
grep -q '^spanhound: veth-d is down: the sensor is blind on it$' "$T/m.err" \
    && ok "live: the interface set down: 'veth-d is down'" \
    || bad "live: the interface set down: 'veth-d is down'" "$(grep '^spanhound:' "$T/m.err" | tail -3)"
n=$(awk '/^health.interface_down_episodes / {print $2}' "$T/m.err")
[ "$n" = 2 ] && ok "live: health.interface_down_episodes 2" || bad "live: health.interface_down_episodes 2" "got '$n'"
finish
