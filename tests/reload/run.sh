#!/bin/bash
# SIGHUP reloads the configuration while running (docs/appliance.md).
# Appends "reload <passed> <failed> 0" to build/test-results.txt.
# Usage: tests/reload/run.sh build/spanhound build/asan/spanhound
# (the offline oracle and run 3 use the plain build, runs 1 and 2 the sanitized one)
#
# The capture is two parts fed through a FIFO: part 1 is pcaps/demo/office-dga.pcap
# (10.20.0.11, ACCT-PC-07: flagged for DGA lookups at 10:01:46), part 2 is
# pcaps/dns/ndpi-iodine-dns-tunnel.pcap moved to 10:06:00 the same day
# (10.0.2.30: flagged for a DNS tunnel to pirate.sea).  spanhound reads part 1,
# gets SIGHUP with an edited configuration, then reads part 2: what it says
# about 10.0.2.30 shows the new configuration applied from then on, what it
# says about 10.20.0.11 shows the host state kept.
#
# Expected values: offline runs of the whole capture (no reload) with the
# configurations before and after (the oracle for "from then on"), and hand
# reasoning from what each part holds (docs/detections.md: a flagged host
# clears only below score_clear, 0.4).
set -u
BIN=${1:-build/spanhound}
ASAN=${2:-build/asan/spanhound}
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
T=$(mktemp -d)
PID=
cleanup() { [ -n "$PID" ] && kill -TERM "$PID" 2>/dev/null; exec 3>&- 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
pass=0; fail=0
ok()  { pass=$((pass + 1)); printf '  ok    %s\n' "$1"; }
bad() { fail=$((fail + 1)); printf '  FAIL  %s\n' "$1"; [ -n "${2:-}" ] && printf '        %s\n' "$2"; }
A=10.20.0.11
B=10.0.2.30

python3 tests/reload/split.py pcaps/demo/office-dga.pcap pcaps/dns/ndpi-iodine-dns-tunnel.pcap \
    "$T" "$(date -u -d '2025-12-01 10:06:00' +%s)" || { bad "split the capture"; exit 1; }

# What EVE says about the hosts, read once per file into FILE.sum:
#   "change CHANGE HOST N"  verdict records of that change about that host
#   "final HOST VERDICT"    the end-of-run "current" record's verdict
#   "kinds HOST K1,K2"      the evidence kinds in that record
summarize() {
    python3 - "$1" > "$1.sum" <<'EOF'
import json, sys
from collections import Counter
changes, final, kinds = Counter(), {}, {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    v = r.get('spanhound_verdict')
    if r.get('event_type') != 'spanhound_verdict' or not v:
        continue
    changes[(v.get('change'), v.get('ip'))] += 1
    if v.get('change') == 'current':
        final[v.get('ip')] = v.get('verdict')
        kinds[v.get('ip')] = ','.join(sorted({e.get('kind') for e in v.get('evidence', [])}))
for (c, ip), n in changes.items():
    print('change', c, ip, n)
for ip in final:
    print('final', ip, final[ip])
    print('kinds', ip, kinds[ip] or 'none')
EOF
}
# count CHANGE HOST EVE: records of that verdict change about that host
count() {
    [ -f "$3.sum" ] || summarize "$3"
    awk -v c="$1" -v h="$2" '$1 == "change" && $2 == c && $3 == h { n = $4 } END { print n + 0 }' "$3.sum"
}
# final HOST EVE: the host's verdict in the end-of-run records ("none": not there)
final() {
    [ -f "$2.sum" ] || summarize "$2"
    awk -v h="$1" '$1 == "final" && $2 == h { v = $3 } END { print v ? v : "none" }' "$2.sum"
}
# kinds HOST EVE: the evidence kinds in its end-of-run record
kinds() {
    [ -f "$2.sum" ] || summarize "$2"
    awk -v h="$1" '$1 == "kinds" && $2 == h { v = $3 } END { print v ? v : "none" }' "$2.sum"
}

# ---- the oracle: offline runs of the whole capture ------------------------
: > "$T/empty.conf"
printf 'allowlist: { networks = [ "%s" ]; };\n' $B > "$T/allow.conf"
printf 'detect: { score_threshold = 5.0; };\n' > "$T/thr.conf"
for c in empty allow thr; do
    rm -f "$T/off-$c.json" "$T/off-$c.json.sum"
    "$BIN" -c "$T/$c.conf" -r "$T/whole.pcap" --eve "$T/off-$c.json" >/dev/null 2>"$T/off-$c.err" ||
        bad "offline run ($c.conf)" "exit $?: $(tail -2 "$T/off-$c.err")"
done
o="$(final $A "$T/off-empty.json") $(final $B "$T/off-empty.json") $(final $B "$T/off-allow.json")"
o="$o $(final $A "$T/off-thr.json") $(final $B "$T/off-thr.json")"
if [ "$o" = "infected infected none clean clean" ]; then
    ok "offline oracle: both hosts flagged; the allowlist exempts $B; threshold 5 flags nobody"
else
    bad "offline oracle: both hosts flagged; the allowlist exempts $B; threshold 5 flags nobody" "got: $o"
fi

# ---- a run over the FIFO with SIGHUPs between the parts --------------------
# start CONF NAME [BINARY]: spanhound (sanitized unless BINARY) reads $T/fifo
# with -c CONF, EVE into $T/NAME.json
start() {
    rm -f "$T/fifo" "$T/$2.json" "$T/$2.json.sum"; mkfifo "$T/fifo"
    "${3:-$ASAN}" -c "$1" -r "$T/fifo" --eve "$T/$2.json" >"$T/$2.out" 2>"$T/$2.err" &
    PID=$!
    exec 3>"$T/fifo"
}
# feed PART NAME: write a part, then wait until EVE has been quiet for 0.5 s
feed() {
    cat "$T/$1" >&3
    local last=-1 same=0 size
    for _ in $(seq 100); do
        sleep 0.1
        size=$(stat -c %s "$T/$2.json" 2>/dev/null || echo 0)
        if [ "$size" = "$last" ] && [ "$size" != 0 ]; then same=$((same + 1)); else same=0; fi
        last=$size
        [ $same -ge 5 ] && return
        kill -0 "$PID" 2>/dev/null || return
    done
}
# hup NAME REGEX: SIGHUP, then wait for one more log line matching REGEX
hup() {
    local before
    before=$(grep -Ec "$2" "$T/$1.err")
    kill -HUP "$PID"
    for _ in $(seq 100); do
        [ "$(grep -Ec "$2" "$T/$1.err")" -gt "$before" ] && return 0
        kill -0 "$PID" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}
# finish NAME: end of input; the exit status
finish() {
    exec 3>&-
    wait "$PID"; local rc=$?
    PID=
    return $rc
}
no_sanitizer() { ! grep -q -e Sanitizer -e 'runtime error:' "$T/$1.err"; }

# 1. the allowlist and capture.snaplen change; host state kept
cp "$T/empty.conf" "$T/r1.conf"
start "$T/r1.conf" r1
feed part1 r1
pre=$(count infected $A "$T/r1.json"); rm -f "$T/r1.json.sum"
printf 'allowlist: { networks = [ "%s" ]; };\ncapture: { snaplen = 1500; };\n' $B > "$T/r1.conf"
hup r1 "configuration reloaded" || bad "SIGHUP 1 answered" "$(tail -3 "$T/r1.err")"
hup r1 "configuration reloaded" || bad "SIGHUP 2 (same file) answered" "$(tail -3 "$T/r1.err")"
cat "$T/part2" >&3
finish r1; rc=$?
[ $rc -eq 0 ] && no_sanitizer r1 && ok "run with reloads exits 0, sanitizers quiet" \
    || bad "run with reloads exits 0, sanitizers quiet" "exit $rc: $(grep -m2 -e Sanitizer -e error "$T/r1.err")"
# the second SIGHUP re-read the same file: the allowlist is in use already
line="spanhound: SIGHUP: configuration reloaded from $T/r1.conf: 1 setting applied (allowlist.networks), 1 needs a restart (capture.snaplen)"
line2="spanhound: SIGHUP: configuration reloaded from $T/r1.conf: 0 settings applied, 1 needs a restart (capture.snaplen)"
[ "$(grep -cxF "$line" "$T/r1.err") $(grep -cxF "$line2" "$T/r1.err")" = "1 1" ] \
    && ok "summary line names what was applied and what needs a restart" \
    || bad "summary line names what was applied and what needs a restart" "$(grep SIGHUP "$T/r1.err" | head -4 | tr '\n' '|')"
# (d) reported as needing a restart, once although two SIGHUPs saw it
n=$(grep -cxF "spanhound: SIGHUP: capture.snaplen changed: takes effect at the next start" "$T/r1.err")
[ "$n" -eq 1 ] && ok "capture.snaplen: reported once as taking effect at the next start" \
    || bad "capture.snaplen: reported once as taking effect at the next start" "$n lines"
# (a) the allowlist exempts B from then on: flagged offline without it, not here
r="$(count infected $B "$T/r1.json") $(final $B "$T/r1.json")"
[ "$r" = "0 none" ] && ok "allowlist.networks by SIGHUP exempts $B from then on (offline without it: infected)" \
    || bad "allowlist.networks by SIGHUP exempts $B from then on (offline without it: infected)" "infected records, final: $r"
# (e) A, flagged before the reload, stays flagged, announced once
r="$pre $(count infected $A "$T/r1.json") $(count released $A "$T/r1.json") $(count cleared $A "$T/r1.json") $(final $A "$T/r1.json")"
[ "$r" = "1 1 0 0 infected" ] && ok "host state kept: $A flagged before the reload, still flagged, one INFECTED record" \
    || bad "host state kept: $A flagged before the reload, still flagged, one INFECTED record" \
           "infected before, infected, released, cleared, final: $r"

# 2. a rejected file changes nothing; then a feed added by SIGHUP loads and matches
printf 'pirate.sea\n' > "$T/tunnel.txt"
cp "$T/empty.conf" "$T/r2.conf"
start "$T/r2.conf" r2
feed part1 r2
# (its allowlist would release $A at once, its threshold would leave $B a suspect)
printf 'allowlist: { networks = [ "%s" ]; };\ndetect: { score_threshold = 5.0; };\n\ncapture: { snaplen = 10; };\n' \
    $A > "$T/r2.conf"
hup r2 "running configuration is kept" || bad "SIGHUP with a bad file answered" "$(tail -3 "$T/r2.err")"
printf 'feeds = ( { name = "tunnels"; path = "%s"; format = "plain"; type = "domain"; } );\n' \
    "$T/tunnel.txt" > "$T/r2.conf"
hup r2 "feed tunnels: loaded" || bad "SIGHUP adding a feed answered" "$(tail -3 "$T/r2.err")"
cat "$T/part2" >&3
finish r2; rc=$?
# (c) one line with file:line; the run goes on with the old configuration, exits 0
want="spanhound: SIGHUP: $T/r2.conf:4: 'capture.snaplen' = 10 is out of range [64, 262144]: the running configuration is kept"
[ "$(grep -cxF "$want" "$T/r2.err")" -eq 1 ] && ok "bad file: one line with file:line" \
    || bad "bad file: one line with file:line" "$(grep SIGHUP "$T/r2.err" | head -3 | tr '\n' '|')"
r="$rc $(final $B "$T/r2.json") $(count released $A "$T/r2.json") $(final $A "$T/r2.json")"
[ "$r" = "0 infected 0 infected" ] && no_sanitizer r2 \
    && ok "bad file: nothing of it applied (neither its allowlist nor its threshold), exit 0" \
    || bad "bad file: nothing of it applied (neither its allowlist nor its threshold), exit 0" "exit, B final, A released records, A final: $r"
# (f) the feed added by SIGHUP matches B's tunnel zone (offline without it: dns_tunnel only)
r="$(kinds $B "$T/off-empty.json") / $(kinds $B "$T/r2.json")"
[ "$r" = "dns_tunnel / dns_tunnel,ioc_match" ] && grep -q "SIGHUP: re-reading 1 feed" "$T/r2.err" \
    && ok "a feed added by SIGHUP loads and matches (evidence of $B: $r)" \
    || bad "a feed added by SIGHUP loads and matches" "evidence offline / reloaded: $r"

# 3. a higher threshold applies from then on; the flagged host stays (hysteresis)
# (the plain build: runs 1 and 2 had the sanitizers; this keeps the suite short)
cp "$T/empty.conf" "$T/r3.conf"
start "$T/r3.conf" r3 "$BIN"
feed part1 r3
cp "$T/thr.conf" "$T/r3.conf"
hup r3 "configuration reloaded" || bad "SIGHUP 3 answered" "$(tail -3 "$T/r3.err")"
cat "$T/part2" >&3
finish r3; rc=$?
grep -qF "1 setting applied (detect.score_threshold), 0 need a restart" "$T/r3.err" \
    && ok "detect.score_threshold is applied live" \
    || bad "detect.score_threshold is applied live" "$(grep SIGHUP "$T/r3.err" | head -3 | tr '\n' '|')"
# B stays a suspect (score 1.14 < 5: offline with thr.conf too); A, flagged at
# 1.06 before, stays flagged: above score_clear 0.4, as it would under any threshold
r="$rc $(count infected $B "$T/r3.json") $(final $B "$T/r3.json") $(final $A "$T/r3.json") $(count infected $A "$T/r3.json")"
[ "$r" = "0 0 clean infected 1" ] && no_sanitizer r3 \
    && ok "score_threshold 5 by SIGHUP: $B only a suspect (offline default: infected); $A kept" \
    || bad "score_threshold 5 by SIGHUP: $B only a suspect (offline default: infected); $A kept" \
           "exit, B infected records, B final, A final, A infected records: $r"

echo "reload tests: $pass passed, $fail failed, 0 skipped"
mkdir -p build && echo "reload $pass $fail 0" >> build/test-results.txt
[ "$fail" -eq 0 ]
