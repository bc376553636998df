#!/bin/bash
# spanhoundctl against a private redis-server (tests/lib/redis.sh) seeded
# with contract-shaped data (docs/nac-feed.md) by redis-cli: list, show,
# tail, release/allow/disallow, usage errors, Redis down, wrong password,
# and hostile data (run with the ASan/UBSan build).
# Every expected value is written here from the seeded data, never taken
# from spanhoundctl.
# Appends "ctl <passed> <failed> <skipped>" to build/test-results.txt.
# Usage: tests/ctl/run.sh build/spanhoundctl build/asan/spanhoundctl
set -u
BIN=${1:-build/spanhoundctl}
ASAN=${2:-build/asan/spanhoundctl}
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
PY=/usr/bin/python3
T=$(mktemp -d)
pass=0; fail=0; skip=0
. tests/lib/redis.sh
cleanup() {
    [ -n "${BGPID:-}" ] && kill "$BGPID" 2>/dev/null
    redis_stop
    [ -n "${PW_PID:-}" ] && { kill "$PW_PID" 2>/dev/null; wait "$PW_PID" 2>/dev/null; }
    rm -rf "$T"
}
trap cleanup EXIT

ok()   { pass=$((pass + 1)); printf '  ok    %s\n' "$1"; }
bad()  { fail=$((fail + 1)); printf '  FAIL  %s\n' "$1"; [ -n "${2:-}" ] && printf '        %s\n' "$2"; }
report() {
    echo "ctl tests: $pass passed, $fail failed, $skip skipped"
    mkdir -p build && echo "ctl $pass $fail $skip${1:+ $1}" >> build/test-results.txt
    [ "$fail" -eq 0 ]
}

for tool in redis-server redis-cli; do
    if ! command -v $tool >/dev/null; then
        skip=1; echo "  skip  $tool is not installed (make deps)"; report "no $tool"; exit $?
    fi
done
for b in "$BIN" "$ASAN"; do
    [ -x "$b" ] || { bad "$b is built"; report; exit 1; }
done

# expect NAME EXIT_CODE STDERR_REGEX -- command...   (output in $T/out, $T/err)
expect() {
    local name=$1 want=$2 re=$3; shift 4
    "$@" >"$T/out" 2>"$T/err"; local rc=$?
    if [ "$rc" -ne "$want" ]; then
        bad "$name" "exit $rc, wanted $want: $(head -c 300 "$T/err")"; return 1
    fi
    if [ -n "$re" ] && ! grep -Eq -- "$re" "$T/err"; then
        bad "$name" "stderr did not match /$re/: $(head -c 300 "$T/err")"; return 1
    fi
    if grep -Eq 'Sanitizer|runtime error:' "$T/err"; then
        bad "$name" "sanitizer report: $(grep -Em1 'Sanitizer|runtime error:' "$T/err")"; return 1
    fi
    ok "$name"
}
# has NAME ERE: some line of $T/out matches
has() {
    if grep -Eq -- "$2" "$T/out"; then ok "$1"; else bad "$1" "no line matches /$2/ in: $(head -c 600 "$T/out")"; fi
}
hasnt() {
    if grep -Eq -- "$2" "$T/out"; then bad "$1" "unexpected /$2/: $(grep -Em1 -- "$2" "$T/out" | head -c 300)"; else ok "$1"; fi
}
# pycheck NAME <<'EOF' ... EOF: python3 with d = json of $T/out (or
# lines = [json per line] when JSONL=1); exit 0 = ok
pycheck() {
    local name=$1 msg
    if msg=$(JSONL=${JSONL:-0} $PY -c '
import json, os, sys
raw = open(sys.argv[1], "rb").read().decode("utf-8")
if os.environ["JSONL"] == "1":
    lines = [json.loads(l) for l in raw.splitlines()]
else:
    d = json.loads(raw)
exec(sys.stdin.read())
' "$T/out" 2>&1); then ok "$name"; else bad "$name" "$(printf '%s' "$msg" | tail -3)"; fi
}
# control entries as "cmd=.. target=.. by=.. ts=..", one per line (exactly
# four fields each: anything else shows as a malformed line)
control() {
    rcli XRANGE "{${1:-spanhound}}:control" - + | awk '
        /^[0-9]+-[0-9]+$/ && (n % 9 == 0) { if (l != "") print l; l = ""; n = 1; next }
        { if (n % 2 == 1) k = $0; else l = l (l == "" ? "" : " ") k "=" $0; n++ }
        END { if (l != "") print l }'
}
iso_re='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}\+0000'

if ! redis_start "$T/redis"; then
    bad "redis-server starts"; report; exit 1
fi
R="--redis 127.0.0.1:$REDIS_PORT"
ago() { date -u -d "@$(( $(date +%s) - $1 ))" +%Y-%m-%dT%H:%M:%S.000000+0000; }

# ---- seed: four flagged hosts, five stream entries ---------------------
R5='[{"kind":"dga","source":"dns","confidence":0.9,"score":0.8,"indicator":"xkqjzw.example","explanation":"looked up 40 algorithmically generated names, 35 of them NXDOMAIN","first_seen":"2024-02-28T09:50:00.000000+0000","last_seen":"2024-02-28T09:58:22.728490+0000"},{"kind":"beacon","source":"flow","confidence":0.7,"score":0.5,"indicator":"203.0.113.7:443","explanation":"contacts 203.0.113.7:443 every 60 s","first_seen":"2024-02-28T09:40:00.000000+0000","last_seen":"2024-02-28T09:58:00.000000+0000"}]'
V1='{"ip":"10.0.0.5","score":"0.912","event":"updated","ts":"2024-02-28T09:58:22.728490+0000","mac_status":"trusted","top_reason":"looked up 40 algorithmically generated names, 35 of them NXDOMAIN","reasons":[{"kind":"dga","source":"dns","confidence":0.9,"score":0.8,"explanation":"looked up 40 algorithmically generated names, 35 of them NXDOMAIN"}]}'
V2='{"ip":"10.0.0.5","score":"0.640","event":"infected","ts":"2024-02-28T09:57:00.000000+0000","mac_status":"trusted","top_reason":"contacts 203.0.113.7:443 every 60 s","reasons":"[{\"kind\":\"beacon\",\"source\":\"flow\",\"confidence\":0.7,\"score\":0.5,\"explanation\":\"contacts 203.0.113.7:443 every 60 s\"}]"}'
rcli HSET '{spanhound}:host:10.0.0.5' ip 10.0.0.5 mac aa:bb:cc:dd:ee:01 mac_status trusted \
    mac_source dhcp mac_seen aa:bb:cc:dd:ee:01 mac_conflict '' hostname ws-finance-5 score 0.912 \
    flagged 1 first_seen "$(ago 7510)" ts 2024-02-28T09:58:22.728490+0000 event updated \
    reasons "$R5" top_reason 'looked up 40 algorithmically generated names, 35 of them NXDOMAIN' \
    sensor s1 sensors s1,s2 sensor:s1 "$V1" sensor:s2 "$V2" >/dev/null
R7='[{"kind":"tunnel","source":"dns","confidence":0.8,"score":0.7,"indicator":"t.example.net","explanation":"DNS tunnel to t.example.net: 900 queries with 60-byte labels"}]'
rcli HSET '{spanhound}:host:2001:db8::7' ip 2001:db8::7 mac '' mac_status conflict mac_source arp \
    mac_seen aa:bb:cc:00:00:02 mac_conflict aa:bb:cc:00:00:01,aa:bb:cc:00:00:02 hostname '' \
    score 0.700 flagged 1 first_seen "$(ago 210)" ts 2024-02-28T09:59:00.000000+0000 event infected \
    reasons "$R7" top_reason 'DNS tunnel to t.example.net: 900 queries with 60-byte labels' \
    sensor s1 sensors s1 >/dev/null
LONG=$(printf 'beaconing to 198.51.100.%d, ' $(seq 1 40))
rcli HSET '{spanhound}:host:10.0.0.8' ip 10.0.0.8 mac '' mac_status routed mac_source ethernet \
    mac_seen 00:11:22:33:44:55 score 0.600 flagged 1 first_seen "$(ago 40)" \
    ts 2024-02-28T09:59:30.000000+0000 event infected reasons '[]' top_reason "$LONG" \
    sensor s2 sensors s2 >/dev/null
rcli ZADD '{spanhound}:infected' 0.912 10.0.0.5 0.7 2001:db8::7 0.6 10.0.0.8 0.55 10.0.0.9 >/dev/null
ev() { rcli XADD '{spanhound}:events' "$@" >/dev/null; }
ev 1709114000000-0 id s1:1 event infected ip 10.0.0.5 mac aa:bb:cc:dd:ee:01 mac_status trusted \
    score 0.812 flagged 1 ts 2024-02-28T09:53:20.000000+0000 sensor s1 by '' \
    top_reason 'looked up 12 algorithmically generated names' reasons "$R5" version 1
ev 1709114001000-0 id s2:1 event infected ip 10.0.0.5 mac aa:bb:cc:dd:ee:01 mac_status trusted \
    score 0.640 flagged 1 ts 2024-02-28T09:57:00.000000+0000 sensor s2 by '' \
    top_reason 'contacts 203.0.113.7:443 every 60 s' reasons '[]' version 1
ev 1709114002000-0 id s1:2 event infected ip 2001:db8::7 mac '' mac_status conflict \
    mac_conflict aa:bb:cc:00:00:01,aa:bb:cc:00:00:02 score 0.700 flagged 1 \
    ts 2024-02-28T09:59:00.000000+0000 sensor s1 by '' top_reason 'DNS tunnel to t.example.net' \
    reasons "$R7" version 1
ev 1709114003000-0 id s1:3 event updated ip 10.0.0.5 mac aa:bb:cc:dd:ee:01 mac_status trusted \
    score 0.912 flagged 1 ts 2024-02-28T09:58:22.728490+0000 sensor s1 by '' \
    top_reason 'looked up 40 algorithmically generated names, 35 of them NXDOMAIN' reasons "$R5" version 1
ev 1709114004000-0 id s2:2 event infected ip 10.0.0.8 mac '' mac_status routed score 0.600 \
    flagged 1 ts 2024-02-28T09:59:30.000000+0000 sensor s2 by '' top_reason 'beaconing' \
    reasons '[]' version 1

echo "== list"
expect "list exits 0" 0 "" -- env COLUMNS=120 "$BIN" $R list
has "list: header" '^IP +MAC +SCORE +AGE +SENSORS +TOP REASON$'
has "list: 10.0.0.5 with its trusted MAC, score, age 2h05m, sensors" \
    '^10\.0\.0\.5 +aa:bb:cc:dd:ee:01 +0\.912 +2h05m +s1,s2 +looked up 40 algorithmically'
has "list: 2001:db8::7 shows the conflict, age 3m" \
    '^2001:db8::7 +\(conflict aa:bb:cc:00:00:01,aa:bb:cc:00:00:02\) +0\.700 +3m +s1 +DNS tunnel'
has "list: 10.0.0.8 routed, age in seconds" '^10\.0\.0\.8 +\(routed\) +0\.600 +4[0-9]s +s2 +beaconing'
has "list: 10.0.0.9 (hash expired) with its zset score" '^10\.0\.0\.9 +- +0\.550 +- +- +host state expired'
order=$(awk 'NR > 1 {print $1}' "$T/out" | tr '\n' ' ')
[ "$order" = "10.0.0.5 2001:db8::7 10.0.0.8 10.0.0.9 " ] && ok "list: highest score first" \
    || bad "list: highest score first" "order: $order"
long=$(awk 'length($0) > 120' "$T/out" | wc -l)
[ "$long" -eq 0 ] && ok "list: lines fit COLUMNS=120 (long reasons cut)" || bad "list: lines fit COLUMNS=120" "$long longer lines"
has "list: a cut reason ends in ..." '^10\.0\.0\.8 .*\.\.\.$'

expect "list --json exits 0" 0 "" -- "$BIN" $R list --json
pycheck "list --json: the seeded fields, reasons as an array" <<'EOF'
assert [h["ip"] for h in d] == ["10.0.0.5", "2001:db8::7", "10.0.0.8", "10.0.0.9"], d
a = d[0]
assert a["mac"] == "aa:bb:cc:dd:ee:01" and a["mac_status"] == "trusted" and a["mac_source"] == "dhcp"
assert a["hostname"] == "ws-finance-5" and a["score"] == "0.912" and a["sensors"] == "s1,s2"
assert isinstance(a["reasons"], list) and len(a["reasons"]) == 2
assert a["reasons"][0]["kind"] == "dga" and a["reasons"][0]["confidence"] == 0.9
assert a["reasons"][1]["indicator"] == "203.0.113.7:443"
assert abs(a["zscore"] - 0.912) < 1e-9 and 7510 <= a["age_s"] < 7600 and a["expired"] is False
assert a["sensor:s1"]["score"] == "0.912" and a["sensor:s1"]["reasons"][0]["kind"] == "dga"
assert a["sensor:s2"]["reasons"][0]["kind"] == "beacon", "a view's reasons string is parsed too"
b = d[1]
assert b["mac"] == "" and b["mac_conflict"] == "aa:bb:cc:00:00:01,aa:bb:cc:00:00:02"
assert b["reasons"][0]["kind"] == "tunnel" and 210 <= b["age_s"] < 300
assert d[2]["reasons"] == [] and d[2]["mac_status"] == "routed"
z = d[3]
assert z["expired"] is True and abs(z["zscore"] - 0.55) < 1e-9 and z["age_s"] is None
EOF

echo "== show"
expect "show 10.0.0.5 exits 0" 0 "" -- "$BIN" $R show 10.0.0.5
has "show: hostname field" '^  hostname +ws-finance-5$'
has "show: mac_source field" '^  mac_source +dhcp$'
has "show: evidence count" '^evidence \(2, strongest first\):$'
has "show: first evidence: kind, source, confidence, score" '^  1\. dga from dns, confidence 0\.900, score 0\.800$'
has "show: indicator" '^     indicator +xkqjzw\.example$'
has "show: explanation" '^     explanation +contacts 203\.0\.113\.7:443 every 60 s$'
has "show: first/last seen" '^     seen +2024-02-28T09:40:00\.000000\+0000 \.\. 2024-02-28T09:58:00\.000000\+0000$'
has "show: per-sensor view s1" '^  s1: score 0\.912, updated at 2024-02-28T09:58:22'
has "show: per-sensor view s2 (its reasons)" '^  s2: score 0\.640, infected at '
has "show: s2's evidence" '^    1\. beacon from flow, confidence 0\.700'
has "show: recent events, this host only" '^recent events \(3 in the last 5 of \{spanhound\}:events\):$'
ev_order=$(awk '/^recent events/ {on = 1; next} on {print $3 "/" $4}' "$T/out" | tr '\n' ' ')
[ "$ev_order" = "s1/infected s2/infected s1/updated " ] && ok "show: recent events oldest first" \
    || bad "show: recent events oldest first" "got: $ev_order"
hasnt "show: no other host's event" '2001:db8::7 +\(conflict'

expect "show by MAC (upper case, dashes) exits 0" 0 "" -- "$BIN" $R show AA-BB-CC-DD-EE-01
has "show by MAC finds 10.0.0.5" '^host 10\.0\.0\.5 +score 0\.912'
expect "show by a seen MAC of a conflict exits 0" 0 "" -- "$BIN" $R show aa:bb:cc:00:00:02
has "show by seen MAC finds 2001:db8::7" '^host 2001:db8::7 '
hasnt "show by seen MAC: only that host" '^host 10\.0\.0\.5'
expect "show 2001:DB8:0::7 (normalised) exits 0" 0 "" -- "$BIN" $R show 2001:DB8:0::7
has "show normalises the IPv6 address" '^host 2001:db8::7 '
expect "show of a zset-only host exits 0" 0 "" -- "$BIN" $R show 10.0.0.9
has "show: expired state said" 'host state expired'
expect "show --json 10.0.0.5 exits 0" 0 "" -- "$BIN" $R show --json 10.0.0.5
pycheck "show --json: fields, evidence, recent events" <<'EOF'
assert len(d) == 1 and d[0]["ip"] == "10.0.0.5"
h = d[0]
assert [r["kind"] for r in h["reasons"]] == ["dga", "beacon"]
assert h["reasons"][0]["explanation"].startswith("looked up 40")
assert [(e["sensor"], e["event"]) for e in h["recent_events"]] == [("s1", "infected"), ("s2", "infected"), ("s1", "updated")]
assert h["recent_events"][0]["stream_id"] == "1709114000000-0"
assert h["recent_events"][2]["reasons"][1]["kind"] == "beacon"
EOF
expect "show of an unknown IP: exit 1" 1 "10\.0\.0\.99: not found" -- "$BIN" $R show 10.0.0.99
expect "show of an unknown MAC: exit 1" 1 "not found" -- "$BIN" $R show 02:00:00:00:00:01

echo "== tail"
expect "tail --once exits 0" 0 "" -- "$BIN" $R tail --once
n=$(wc -l < "$T/out")
[ "$n" -eq 5 ] && ok "tail --once: the 5 events" || bad "tail --once: the 5 events" "$n lines"
has "tail: a human line" '^2024-02-28 09:53:20 +s1 +infected +10\.0\.0\.5 +aa:bb:cc:dd:ee:01 +0\.812 +looked up 12'
has "tail: routed host line" '^2024-02-28 09:59:30 +s2 +infected +10\.0\.0\.8 +\(routed\) +0\.600 +beaconing$'
first=$(head -1 "$T/out" | awk '{print $2}'); last=$(tail -1 "$T/out" | awk '{print $2}')
[ "$first $last" = "09:53:20 09:59:30" ] && ok "tail: oldest first" || bad "tail: oldest first" "$first $last"
expect "tail --once --count 2 exits 0" 0 "" -- "$BIN" $R tail --once --count 2
[ "$(awk '{print $2}' "$T/out" | tr '\n' ' ')" = "09:58:22 09:59:30 " ] && ok "tail --count 2: the last two" \
    || bad "tail --count 2: the last two" "$(cat "$T/out")"
expect "tail --once --json exits 0" 0 "" -- "$BIN" $R tail --once --json
JSONL=1 pycheck "tail --json: one object per line, all fields" <<'EOF'
assert [l["id"] for l in lines] == ["s1:1", "s2:1", "s1:2", "s1:3", "s2:2"], lines
assert lines[0]["stream_id"] == "1709114000000-0" and lines[0]["mac"] == "aa:bb:cc:dd:ee:01"
assert lines[0]["reasons"][0]["indicator"] == "xkqjzw.example" and lines[0]["version"] == "1"
assert lines[2]["mac_conflict"] == "aa:bb:cc:00:00:01,aa:bb:cc:00:00:02"
EOF
expect "tail --once --from ID exits 0" 0 "" -- "$BIN" $R tail --once --json --from 1709114002000-0
JSONL=1 pycheck "tail --from: only the entries after ID" <<'EOF'
assert [l["id"] for l in lines] == ["s1:3", "s2:2"], lines
EOF
# following: only what arrives after the start
"$BIN" $R tail --json > "$T/follow" 2>"$T/follow.err" &
BGPID=$!
sleep 0.7
ev '*' id s1:4 event cleared ip 10.0.0.8 mac '' mac_status routed score 0.100 flagged 0 \
    ts 2024-02-28T10:30:00.000000+0000 sensor s1 by '' top_reason '' reasons '[]' version 1
for i in $(seq 1 40); do [ -s "$T/follow" ] && break; sleep 0.1; done
sleep 0.2
kill "$BGPID" 2>/dev/null; wait "$BGPID" 2>/dev/null; BGPID=
cp "$T/follow" "$T/out"
JSONL=1 pycheck "tail follows: prints the new event, not the old ones" <<'EOF'
assert [l["id"] for l in lines] == ["s1:4"], lines
assert lines[0]["event"] == "cleared"
EOF

echo "== release, allow, disallow"
expect "release 10.0.0.5 --by alice exits 0" 0 "" -- "$BIN" $R release 10.0.0.5 --by alice
control > "$T/out"
has "release: the control entry" "^cmd=release target=10\.0\.0\.5 by=alice ts=$iso_re$"
expect "release of a MAC (dashes, upper case) exits 0" 0 "" -- "$BIN" $R --by alice release AA-BB-CC-DD-EE-01
expect "release 2001:DB8:0:0::7 exits 0" 0 "" -- "$BIN" $R --by alice release 2001:DB8:0:0::7
expect "allow 10.0.0.20 exits 0" 0 "" -- "$BIN" $R --by alice allow 10.0.0.20
[ "$(rcli SISMEMBER '{spanhound}:allow' 10.0.0.20)" = 1 ] && ok "allow: member of {spanhound}:allow" \
    || bad "allow: member of {spanhound}:allow"
expect "allow of a Cisco-style MAC exits 0" 0 "" -- "$BIN" $R --by alice allow 0011.2233.44AA
expect "allowed --json exits 0" 0 "" -- "$BIN" $R allowed --json
pycheck "allowed --json: both members, canonical" <<'EOF'
assert d == ["00:11:22:33:44:aa", "10.0.0.20"], d
EOF
expect "allowed exits 0" 0 "" -- "$BIN" $R allowed
has "allowed lists the MAC" '^00:11:22:33:44:aa$'
expect "disallow 10.0.0.20 --json exits 0" 0 "" -- "$BIN" $R --by alice disallow 10.0.0.20 --json
pycheck "disallow --json: what was written" <<'EOF'
assert d["cmd"] == "disallow" and d["target"] == "10.0.0.20" and d["by"] == "alice" and d["changed"] is True
EOF
[ "$(rcli SISMEMBER '{spanhound}:allow' 10.0.0.20)" = 0 ] && ok "disallow: removed from the set" \
    || bad "disallow: removed from the set"
control > "$T/out"
want="release 10.0.0.5|release aa:bb:cc:dd:ee:01|release 2001:db8::7|allow 10.0.0.20|allow 00:11:22:33:44:aa|disallow 10.0.0.20"
got=$(awk '{sub(/^cmd=/, "", $1); sub(/^target=/, "", $2); print $1 " " $2}' "$T/out" | paste -sd'|')
[ "$got" = "$want" ] && ok "control stream: exactly the six requests, in order" \
    || bad "control stream: exactly the six requests, in order" "got: $got"
n=$(grep -Ec "^cmd=[a-z]+ target=[^ ]+ by=alice ts=$iso_re$" "$T/out")
[ "$n" -eq 6 ] && ok "control entries: cmd, target, by, ts and nothing else" \
    || bad "control entries: cmd, target, by, ts and nothing else" "$(cat "$T/out")"
expect "release without --by: SUDO_USER" 0 "" -- env SUDO_USER=dave USER=carol "$BIN" $R release 10.0.0.8
expect "release without --by: USER" 0 "" -- env -u SUDO_USER USER=carol "$BIN" $R release 10.0.0.8
control | tail -2 | cut -d' ' -f3 > "$T/out"
[ "$(paste -sd' ' "$T/out")" = "by=dave by=carol" ] && ok "by: \$SUDO_USER, then \$USER" \
    || bad "by: \$SUDO_USER, then \$USER" "$(cat "$T/out")"
xlen=$(rcli XLEN '{spanhound}:control')
[ "$xlen" -eq 8 ] && ok "control stream length 8" || bad "control stream length 8" "XLEN $xlen"

# --wait: a fake sensor answers once the request is in the stream
fake_sensor() {   # fake_sensor N IP SENSOR...: wait for XLEN control > N, then answer
    local n=$1 ip=$2; shift 2
    for i in $(seq 1 100); do
        [ "$(rcli XLEN '{spanhound}:control')" -gt "$n" ] && break; sleep 0.05
    done
    for s in "$@"; do
        rcli XADD '{spanhound}:events' '*' id "$s:9" event released ip "$ip" mac '' mac_status routed \
            score 0.000 flagged 0 ts 2024-02-28T11:00:00.000000+0000 sensor "$s" by alice \
            top_reason '' reasons '[]' version 1 >/dev/null
    done
}
fake_sensor 8 10.0.0.5 s1 s2 & BGPID=$!
expect "release --wait: both sensors answer, exit 0" 0 "" -- "$BIN" $R --by alice release 10.0.0.5 --wait 10
wait "$BGPID"; BGPID=
has "release --wait: s1 reported" '^released 10\.0\.0\.5 by sensor s1 '
has "release --wait: s2 reported" '^released 10\.0\.0\.5 by sensor s2 '
fake_sensor 9 10.0.0.8 s1 & BGPID=$!   # another host's release does not count
expect "release --wait: no answer for this host: exit 1" 1 "no sensor released it within 2s" \
    -- "$BIN" $R --by alice release 2001:db8::7 --wait 2
wait "$BGPID"; BGPID=

echo "== usage"
xlen=$(rcli XLEN '{spanhound}:control')
expect "bad IP target: exit 2" 2 "'10\.0\.0\.256' is neither an IP address nor a MAC address" \
    -- "$BIN" $R release 10.0.0.256
expect "bad MAC target: exit 2" 2 "neither an IP address nor a MAC" -- "$BIN" $R allow aa:bb:cc:dd:ee:gg
expect "target with junk: exit 2" 2 "neither" -- "$BIN" $R show '10.0.0.5; DROP'
[ "$(rcli XLEN '{spanhound}:control')" = "$xlen" ] && ok "bad targets write nothing" \
    || bad "bad targets write nothing"
expect "show without a target: exit 2" 2 "needs one IP or MAC" -- "$BIN" $R show
expect "list with an argument: exit 2" 2 "takes no argument" -- "$BIN" $R list 10.0.0.5
expect "no command: exit 2" 2 "no command" -- "$BIN" $R
expect "unknown command: exit 2" 2 "unknown command 'frobnicate'" -- "$BIN" $R frobnicate
expect "unknown option: exit 2" 2 "unknown option '--nope'" -- "$BIN" --nope list
expect "missing option value: exit 2" 2 "needs a value" -- "$BIN" list --redis
expect "--wait with list: exit 2" 2 "--wait applies to release only" -- "$BIN" $R list --wait 3
expect "bad --wait: exit 2" 2 "--wait 'x'" -- "$BIN" $R release 10.0.0.5 --wait x
expect "bad --from: exit 2" 2 "--from 'abc'" -- "$BIN" $R tail --from abc
expect "bad --redis: exit 2" 2 "--redis: .*bad port" -- "$BIN" --redis 127.0.0.1:99999 list
expect "bad --prefix: exit 2" 2 "--prefix" -- "$BIN" $R --prefix 'a}b' list
expect "missing config file: exit 2" 2 "nope\.conf" -- "$BIN" -c "$T/nope.conf" list
printf 'redis: { no_such = 1; };\n' > "$T/bad.conf"
expect "unknown config key: exit 2" 2 "bad\.conf:1: " -- "$BIN" -c "$T/bad.conf" list
expect "-h exits 0" 0 "" -- "$BIN" -h
has "-h lists the commands" '^  release IP\|MAC'

echo "== configuration and Redis failures"
printf 'redis: { server = "127.0.0.1:%s"; prefix = "lab"; };\n' "$REDIS_PORT" > "$T/lab.conf"
expect "-c: server and prefix from the redis group" 0 "" -- "$BIN" -c "$T/lab.conf" --by bob allow 10.9.9.9
[ "$(rcli SISMEMBER '{lab}:allow' 10.9.9.9)" = 1 ] && [ "$(control lab | wc -l)" = 1 ] \
    && ok "-c: wrote {lab}:allow and {lab}:control" || bad "-c: wrote {lab}:allow and {lab}:control"
expect "--prefix overrides the file" 0 "" -- "$BIN" -c "$T/lab.conf" --prefix lab2 --by bob allow 10.9.9.8
[ "$(rcli SISMEMBER '{lab2}:allow' 10.9.9.8)" = 1 ] && ok "--prefix: wrote {lab2}:allow" || bad "--prefix: wrote {lab2}:allow"
printf 'redis: { server = "127.0.0.1:1"; sentinels = "127.0.0.1:2"; };\n' > "$T/sent.conf"
expect "--redis overrides server and sentinels" 0 "" -- "$BIN" -c "$T/sent.conf" $R allowed
DOWN=$(redis_free_port)
expect "Redis down: exit 1, says so" 1 "cannot use Redis: 127\.0\.0\.1:$DOWN: .*refused" \
    -- "$ASAN" --redis "127.0.0.1:$DOWN" list
expect "no such unix socket: exit 1" 1 "cannot use Redis: unix:$T/none\.sock" \
    -- "$ASAN" --redis "unix:$T/none.sock" tail --once
# a second server with a password
PW_DIR="$T/pw"; mkdir -p "$PW_DIR"; PW_PORT=$(redis_free_port)
redis-server --bind 127.0.0.1 --port "$PW_PORT" --dir "$PW_DIR" --save '' --appendonly no \
    --requirepass 's3cret pw' --logfile "$PW_DIR/log" >/dev/null 2>&1 & PW_PID=$!
for i in $(seq 1 100); do redis-cli -p "$PW_PORT" PING 2>/dev/null | grep -q NOAUTH && break; sleep 0.05; done
printf 'redis: { server = "127.0.0.1:%s"; password = "wrong"; };\n' "$PW_PORT" > "$T/wrongpw.conf"
expect "wrong password: exit 1, says authentication failed" 1 "authentication failed" \
    -- "$ASAN" -c "$T/wrongpw.conf" list
expect "no password on a server that wants one: exit 1" 1 "NOAUTH|uthentication required" \
    -- "$ASAN" --redis "127.0.0.1:$PW_PORT" list
printf 's3cret pw\n' > "$T/pwfile"
printf 'redis: { server = "127.0.0.1:%s"; password_file = "%s"; };\n' "$PW_PORT" "$T/pwfile" > "$T/pw.conf"
expect "right password (password_file): exit 0" 0 "" -- "$ASAN" -c "$T/pw.conf" list
has "empty feed says so" 'no flagged hosts'
printf 'redis: { server = "127.0.0.1:%s"; password_file = "%s"; };\n' "$PW_PORT" "$T/none" > "$T/pwnone.conf"
expect "unreadable password_file: exit 1" 1 "password_file" -- "$ASAN" -c "$T/pwnone.conf" list
kill "$PW_PID" 2>/dev/null; wait "$PW_PID" 2>/dev/null; PW_PID=

echo "== the seeded feed under ASan/UBSan"
for args in "list" "list --json" "show 10.0.0.5" "show --json aa:bb:cc:00:00:02" "show 10.0.0.9" \
            "tail --once --count 100" "tail --once --json" "allowed --json" "--by alice allow 10.0.0.30" \
            "--by alice disallow 10.0.0.30 --json"; do
    expect "asan: $args" 0 "" -- $ASAN $R $args
done
expect "asan: show of an unknown host: exit 1" 1 "not found" -- $ASAN $R show 10.0.0.99
n=$(rcli XLEN '{spanhound}:control')
fake_sensor "$n" 10.0.0.5 s1 & BGPID=$!
expect "asan: release --wait --json, one of two sensors answers" 0 "no answer within 3s from: s2" \
    -- $ASAN $R --by alice release 10.0.0.5 --wait 3 --json
wait "$BGPID"; BGPID=
pycheck "asan: release --wait --json: the answer and the silent sensor" <<'PYEOF'
assert [e["sensor"] for e in d["released_events"]] == ["s1"] and d["not_answered"] == ["s2"], d
assert d["cmd"] == "release" and d["target"] == "10.0.0.5" and d["by"] == "alice"
PYEOF

echo "== hostile data (ASan/UBSan build)"
E="$ASAN $R --prefix evil"
h() { rcli HSET "{evil}:host:$1" "${@:2}" >/dev/null; }
h 10.6.6.1 ip 10.6.6.1 mac_status trusted mac aa:bb:cc:dd:ee:ff score abc first_seen 'yesterday' \
    reasons 'not json {' top_reason '' sensors s1 sensor:s1 'not json either'
h 10.6.6.2 ip 10.6.6.2 mac_status conflict reasons '{"kind":"an object, not an array"}' \
    sensor:s1 '{"score":[1,2],"reasons":"[1,2,\"x\",{\"kind\":7,\"explanation\":{\"a\":null}}]"}' \
    first_seen '2024-13-45T99:99:99.000000+0000'
h 10.6.6.4 ip 10.6.6.4 mac_status "$(printf 'trusted\033[2J')" mac "$(printf '\033]0;owned\007')" \
    hostname "$(printf 'caf\xe9\xff\xfe')" reasons "$(printf '[{"kind":"k","explanation":"\\u001b[31mred\\u0000nul"}]')" \
    top_reason "$(printf 'bell\007 esc\033[31m c1\xc2\x9b')" first_seen "$(ago 100)"
$PY -c 'import sys; sys.stdout.write("[" + ",".join(["{\"kind\":\"k\",\"explanation\":\"" + "x" * 1000 + "\"}"] * 2000) + "]")' > "$T/huge"
rcli -x HSET '{evil}:host:10.6.6.5' reasons < "$T/huge" >/dev/null
head -c 3000000 /dev/zero | tr '\0' 'A' > "$T/huge2"
rcli -x HSET '{evil}:host:10.6.6.5' top_reason < "$T/huge2" >/dev/null
$PY -c 'import sys; sys.stdout.write("[" * 100000 + "]" * 100000)' > "$T/deep"
rcli -x HSET '{evil}:host:10.6.6.6' reasons < "$T/deep" >/dev/null
rcli SET '{evil}:host:10.6.6.3' 'a string, not a hash' >/dev/null
rcli ZADD '{evil}:infected' 0.9 10.6.6.1 0.8 10.6.6.2 0.7 10.6.6.3 0.6 10.6.6.4 0.5 10.6.6.5 \
    0.4 10.6.6.6 inf 10.6.6.7 0.3 "$(printf '\033[31m../../x\xff')" >/dev/null
rcli XADD '{evil}:events' '*' odd >/dev/null 2>&1   # rejected by Redis (odd arity); harmless
rcli XADD '{evil}:events' '*' junk "$(printf '\xff\xfe')" >/dev/null
rcli XADD '{evil}:events' '*' event infected ip 10.6.6.1 ts garbage reasons '[[[' score '' sensor "$(printf 'x\033y')" >/dev/null
rcli -x XADD '{evil}:events' '*' top_reason < "$T/huge2" >/dev/null

expect "hostile: list exits 0" 0 "" -- env COLUMNS=120 $E list
if grep -q "$(printf '\033')" "$T/out" || grep -q "$(printf '\007')" "$T/out"; then
    bad "hostile: no control characters reach the terminal"
else ok "hostile: no control characters reach the terminal"; fi
has "hostile: non-numeric first_seen -> age -" '^10\.6\.6\.1 +aa:bb:cc:dd:ee:ff +0\.900 +- '
has "hostile: inf zset score -> ?" '^10\.6\.6\.7 +- +\? '
has "hostile: key of the wrong type" '^10\.6\.6\.3 .*not a hash'
long=$(awk 'length($0) > 300' "$T/out" | wc -l)
[ "$long" -eq 0 ] && ok "hostile: a 3 MB top_reason is cut" || bad "hostile: a 3 MB top_reason is cut"
expect "hostile: list --json exits 0" 0 "" -- $E list --json
pycheck "hostile: list --json is valid JSON with the invalid fields kept as text" <<'EOF'
by = {h["ip"]: h for h in d}
a = by["10.6.6.1"]
assert a["reasons"] == [] and a["reasons_invalid"] == "not json {" and a["score"] == "abc"
assert a["sensor:s1"] == "not json either" and a["age_s"] is None
b = by["10.6.6.2"]
assert b["reasons"] == [] and "reasons_invalid" in b
assert b["sensor:s1"]["reasons"][3]["kind"] == 7
assert by["10.6.6.4"]["hostname"] == "caf\u00e9\u00ff\u00fe", repr(by["10.6.6.4"]["hostname"])
assert len(by["10.6.6.5"]["reasons"]) == 2000 and len(by["10.6.6.5"]["top_reason"]) == 3000000
assert by["10.6.6.6"]["reasons"] == [] and by["10.6.6.3"]["expired"] is True
assert by["10.6.6.7"]["zscore"] is None
assert len(d) == 8
EOF
for ip in 10.6.6.1 10.6.6.2 10.6.6.3 10.6.6.4 10.6.6.5 10.6.6.6 10.6.6.7; do
    expect "hostile: show $ip exits 0" 0 "" -- $E show "$ip"
done
expect "hostile: show by MAC exits 0" 0 "" -- $E show AA:BB:CC:DD:EE:FF
expect "hostile: show --json 10.6.6.4 exits 0" 0 "" -- $E show --json 10.6.6.4
pycheck "hostile: show --json valid" <<'EOF'
assert d[0]["reasons"][0]["explanation"] == "\x1b[31mred\x00nul"
EOF
expect "hostile: tail --once exits 0" 0 "" -- $E tail --once
expect "hostile: tail --once --json exits 0" 0 "" -- $E tail --once --json
JSONL=1 pycheck "hostile: tail --json lines valid" <<'EOF'
assert len(lines) == 3 and lines[0]["junk"] == "\u00ff\u00fe" and lines[1]["reasons"] == []
assert lines[1]["reasons_invalid"] == "[[[" and len(lines[2]["top_reason"]) == 3000000
EOF
rcli HSET '{evil2}:infected' a b >/dev/null; rcli SET '{evil2}:events' x >/dev/null
rcli SET '{evil2}:allow' x >/dev/null
expect "hostile: infected of the wrong type: exit 1" 1 "WRONGTYPE" -- $ASAN $R --prefix evil2 list
expect "hostile: events of the wrong type: exit 1" 1 "WRONGTYPE" -- $ASAN $R --prefix evil2 tail --once
expect "hostile: allow of the wrong type: exit 1" 1 "WRONGTYPE" -- $ASAN $R --prefix evil2 allowed
expect "hostile: release into a control key of the wrong type: exit 1" 1 "WRONGTYPE" \
    -- sh -c "redis-cli -p $REDIS_PORT SET '{evil2}:control' x >/dev/null; exec $ASAN $R --prefix evil2 release 10.0.0.1"
expect "hostile: release --wait with a broken feed: exit 1" 1 "WRONGTYPE" \
    -- $ASAN $R --prefix evil2 release 10.0.0.1 --wait 1

report
