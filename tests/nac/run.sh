#!/bin/bash
# The NAC bridges (build/spanhound-nac) against a real redis-server and a
# stub NAC (tests/nac/stub.py) on loopback: the exact requests each bridge
# makes, what it acknowledges and what it keeps pending.
# Appends "nac <passed> <failed> 0" to build/test-results.txt.
# Usage: tests/nac/run.sh build/spanhound-nac build/asan/spanhound-nac
set -u
BIN=${1:-build/spanhound-nac}
ASAN=${2:-build/asan/spanhound-nac}
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
STUB_PID=
cleanup() { stub_stop; redis_stop; rm -rf "$T"; }
trap cleanup EXIT
. "$HERE/../lib/redis.sh"
pass=0; fail=0

ok()  { pass=$((pass + 1)); printf '  ok    %s\n' "$1"; }
bad() { fail=$((fail + 1)); printf '  FAIL  %s\n' "$1"; [ -n "${2:-}" ] && printf '        %s\n' "$2"; }

# ---- the stub NAC ------------------------------------------------------------
stub_start() {
    stub_stop
    : > "$T/req.jsonl"; rm -f "$T/port" "$T/control.json"
    /usr/bin/python3 "$HERE/stub.py" "$T/port" "$T/req.jsonl" "$T/control.json" 2>"$T/stub.err" &
    STUB_PID=$!
    local i
    for i in $(seq 1 100); do [ -s "$T/port" ] && break; sleep 0.05; done
    STUB=http://127.0.0.1:$(cat "$T/port")
    PF=(packetfence --redis "$R" --prefix t --consumer c1 --once --from-start --url "$STUB"
        --user admin --password-file "$T/pf.pw" --security-event 1100099 --timeout 2)
    FS=(forescout --redis "$R" --prefix t --consumer c1 --once --from-start --url "$STUB"
        --user dex@acct --password-file "$T/dex.pw" --timeout 2 --close-on-clear)
    WH=(webhook --redis "$R" --prefix t --consumer c1 --once --from-start --url "$STUB/hook"
        --token-file "$T/hook.tok" --hmac-key-file "$T/hook.key" --timeout 1)
}
stub_stop() {
    [ -n "$STUB_PID" ] || return 0
    kill "$STUB_PID" 2>/dev/null; wait "$STUB_PID" 2>/dev/null; STUB_PID=
}
control() { printf '%s' "$1" > "$T/control.json"; }

# ---- the stream ------------------------------------------------------------------
KEY='{t}:events'
# add_entry id event ip mac mac_status [field value]...: a contract-shaped
# entry; the extra pairs replace the defaults
add_entry() {
    local -A f=([mac_source]=dhcp [mac_seen]=aa:bb:cc:00:00:99 [mac_conflict]= [hostname]=host-a
        [score]=0.870 [flagged]=1 [first_seen]=2024-02-28T09:58:22.728490+0000
        [ts]=2024-02-28T10:00:00.000000+0000
        [reasons]='[{"kind":"dga","source":"dns","confidence":0.9,"score":0.87,"indicator":"x.example","explanation":"DGA names"}]'
        [top_reason]="Resolves algorithmically generated names" [sensor]=s1 [by]= [version]=1)
    local args=(id "$1" event "$2" ip "$3" mac "$4" mac_status "$5") k; shift 5
    while [ $# -ge 2 ]; do f[$1]=$2; shift 2; done
    for k in mac_source mac_seen mac_conflict hostname score flagged first_seen ts reasons \
             top_reason sensor by version; do args+=("$k" "${f[$k]}"); done
    rcli XADD "$KEY" '*' "${args[@]}" >/dev/null
}
pending() { rcli XPENDING "$KEY" "$1" | head -1; }
reset_stream() { rcli DEL "$KEY" >/dev/null; }

# run NAME WANT_RC -- cmd...: runs, checks the exit code and sanitizer reports
run() {
    local name=$1 want=$2; shift 3
    "$@" >"$T/out" 2>"$T/err"; local rc=$?
    if [ "$rc" -ne "$want" ]; then bad "$name" "exit $rc, wanted $want: $(tail -c 600 "$T/err")"; return 1; fi
    if grep -q -e 'Sanitizer' -e 'runtime error:' "$T/err"; then
        bad "$name" "sanitizer report: $(grep -m1 -e Sanitizer -e 'runtime error:' "$T/err")"; return 1
    fi
    ok "$name"
}
# check NAME: python3 on stdin with `reqs` (the stub's requests) and T
check() {
    local name=$1 msg
    if msg=$( { cat <<'PY'; cat; } | /usr/bin/python3 - "$T" 2>&1
import json, sys, base64, hmac, hashlib
import xml.etree.ElementTree as ET
T = sys.argv[1]
reqs = [json.loads(l) for l in open(T + "/req.jsonl")]
err = open(T + "/err", errors="replace").read()
def paths(): return [(r["method"], r["path"]) for r in reqs]
PY
); then ok "$name"; else bad "$name" "$(printf '%s' "$msg" | tail -5)"; fi
}
expect_eq() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "got '$2', wanted '$3'"; fi; }

redis_start "$T/redis" || { echo "nac 0 1 0 redis-server did not start" >> build/test-results.txt; exit 1; }
R=127.0.0.1:$REDIS_PORT
printf 'pf-secret\n' > "$T/pf.pw"; printf 'dex-secret\n' > "$T/dex.pw"
printf 'hook-token-123\n' > "$T/hook.tok"; printf 'hmac-key-xyz\n' > "$T/hook.key"

echo "== usage"
run "no bridge: exit 2" 2 -- "$BIN"
grep -q 'no bridge named' "$T/err" || bad "no bridge: message" "$(cat "$T/err")"
run "unknown bridge: exit 2" 2 -- "$BIN" nosuch
run "--help: exit 0" 0 -- "$BIN" --help
run "packetfence without --security-event: exit 2" 2 -- "$BIN" packetfence --url http://x --user a --password-file "$T/pf.pw"
grep -q 'needs --url, --user, --password-file and --security-event' "$T/err" \
    && ok "packetfence: says what is missing" || bad "packetfence: says what is missing" "$(cat "$T/err")"
run "unreadable --password-file: exit 2" 2 -- "$ASAN" forescout --url http://x --user a --password-file "$T/nope"
grep -q "password-file $T/nope: No such file" "$T/err" && ok "unreadable password file: named" || bad "unreadable password file: named" "$(cat "$T/err")"
run "unknown option: exit 2" 2 -- "$BIN" cef --no-such
run "bad --redis: exit 2" 2 -- "$BIN" cef --redis '[::1' --once
run "bad --facility: exit 2" 2 -- "$BIN" cef --facility kern
run "Redis down, --once: exit 1" 1 -- "$ASAN" cef --redis 127.0.0.1:1 --once --file "$T/x.cef"
grep -q 'redis: 127.0.0.1:1: ' "$T/err" && ok "Redis down: message names the server" || bad "Redis down: message names the server" "$(cat "$T/err")"

echo "== packetfence"
stub_start
reset_stream
add_entry s1:1 infected 10.0.0.5 aa:bb:cc:00:00:01 trusted
add_entry s1:2 infected 10.0.0.6 "" conflict mac_conflict "aa:bb:cc:00:00:02,aa:bb:cc:00:00:03"
add_entry s1:3 updated 10.0.0.5 aa:bb:cc:00:00:01 trusted
add_entry s1:4 expired 10.0.0.5 aa:bb:cc:00:00:01 trusted
add_entry s1:1 infected 10.0.0.5 aa:bb:cc:00:00:01 trusted          # the same verdict again
add_entry s1:5 cleared 10.0.0.5 aa:bb:cc:00:00:01 trusted
add_entry s1:6 released 10.0.0.5 aa:bb:cc:00:00:01 trusted
add_entry s1:7 infected 10.0.0.7 "" unknown
add_entry s1:8 infected "10.0.0.5/../../x" aa:bb:cc:00:00:01 trusted  # hostile ip
add_entry s1:9 infected 10.0.0.10 aa:bb:cc:00:00:0a conflict         # off-contract: a MAC not trusted
run "packetfence --once: exit 0" 0 -- "$ASAN" "${PF[@]}"
check "packetfence: exactly login, apply, apply, list, close" <<'PY'
want = [("POST", "/api/v1/login"),
        ("POST", "/api/v1/node/aa:bb:cc:00:00:01/apply_security_event"),
        ("POST", "/api/v1/node/aa:bb:cc:00:00:01/apply_security_event"),
        ("GET", "/api/v1/node/aa:bb:cc:00:00:01/security_events"),
        ("POST", "/api/v1/node/aa:bb:cc:00:00:01/close_security_event")]
assert paths() == want, paths()
PY
check "packetfence: login body, token header, apply and close bodies" <<'PY'
assert json.loads(reqs[0]["body"]) == {"username": "admin", "password": "pf-secret"}, reqs[0]["body"]
for r in reqs[1:]:
    assert r["headers"].get("authorization") == "tok-1", r["headers"]
    assert r["status"] == 200, r
assert json.loads(reqs[1]["body"]) == {"security_event_id": "1100099"}, reqs[1]["body"]
# the close names the open *instance* of our security event (41), not 40 (another event)
assert json.loads(reqs[4]["body"]) == {"security_event_id": "41"}, reqs[4]["body"]
PY
check "packetfence: no request for the conflict/unknown hosts, alerts instead" <<'PY'
body = json.dumps(reqs)
for x in ("aa:bb:cc:00:00:02", "aa:bb:cc:00:00:03", "aa:bb:cc:00:00:99", "aa:bb:cc:00:00:0a",
          "10.0.0.6", "10.0.0.7", "10.0.0.10"):
    assert x not in body, x
a6 = [l for l in err.splitlines() if "ALERT" in l and "10.0.0.6" in l]
a7 = [l for l in err.splitlines() if "ALERT" in l and "10.0.0.7" in l]
assert len(a6) == 1 and "conflict" in a6[0] and "aa:bb:cc:00:00:02,aa:bb:cc:00:00:03" in a6[0], a6
assert len(a7) == 1 and "'unknown'" in a7[0] and "warning" in a7[0], a7
PY
check "packetfence: duplicate id, expired, cleared and the bad ip acknowledged with a reason" <<'PY'
assert "id s1:1 infected: duplicate" in err or "id s1:1: duplicate" in err, err
assert "expired: the host went silent" in err, err
assert "--close-on-clear not given" in err, err
assert "ip '10.0.0.5/../../x' is not an IP address" in err, err
PY
expect_eq "packetfence: nothing pending after acceptance" "$(pending nac-packetfence)" 0

# the NAC fails: the entry stays pending and nothing after it is acted on
stub_start
reset_stream
add_entry s2:1 infected 10.0.0.8 aa:bb:cc:00:00:08 trusted
add_entry s2:2 infected 10.0.0.9 aa:bb:cc:00:00:09 trusted
control '{"fail": {"match": "apply_security_event", "count": 1, "status": 500}}'
run "packetfence, NAC answers 500: exit 1" 1 -- "$ASAN" "${PF[@]}" --group g500
grep -q 'entry .* id s2:1 infected 10.0.0.8: not accepted: apply_security_event aa:bb:cc:00:00:08: HTTP 500' "$T/err" \
    && ok "packetfence 500: one line says what failed" || bad "packetfence 500: one line says what failed" "$(cat "$T/err")"
expect_eq "packetfence 500: both entries stay pending" "$(pending g500)" 2
check "packetfence 500: the second host was not acted on before the first" <<'PY'
assert not any("00:00:09" in p for m, p in paths()), paths()
PY
run "packetfence, NAC recovered: second run exit 0" 0 -- "$ASAN" "${PF[@]}" --group g500
expect_eq "packetfence recovered: nothing pending" "$(pending g500)" 0
check "packetfence recovered: both applied, in order, once each after the failure" <<'PY'
ap = [p for m, p in paths() if p.endswith("apply_security_event")]
assert ap == ["/api/v1/node/aa:bb:cc:00:00:08/apply_security_event"] * 2 + \
             ["/api/v1/node/aa:bb:cc:00:00:09/apply_security_event"], ap
assert [r["status"] for r in reqs if r["path"].endswith("apply_security_event")] == [500, 200, 200]
PY

# 401: log in again, once
stub_start
reset_stream
add_entry s3:1 infected 10.0.0.8 aa:bb:cc:00:00:08 trusted
control '{"reject_tokens": ["tok-1"]}'
run "packetfence, token refused: exit 0" 0 -- "$ASAN" "${PF[@]}" --group g401
check "packetfence 401: login, apply (401), login, apply with the new token" <<'PY'
assert [(r["method"], r["path"], r["status"], r["headers"].get("authorization")) for r in reqs] == [
    ("POST", "/api/v1/login", 200, None),
    ("POST", "/api/v1/node/aa:bb:cc:00:00:08/apply_security_event", 401, "tok-1"),
    ("POST", "/api/v1/login", 200, None),
    ("POST", "/api/v1/node/aa:bb:cc:00:00:08/apply_security_event", 200, "tok-2")], reqs
PY
expect_eq "packetfence 401: acknowledged" "$(pending g401)" 0

# wrong password: never acknowledged
printf 'wrong\n' > "$T/pf.bad"
run "packetfence, wrong password: exit 1" 1 -- "$ASAN" "${PF[@]}" --group gpw --password-file "$T/pf.bad"
grep -q 'login refused (check --user / --password-file): HTTP 401' "$T/err" \
    && ok "packetfence wrong password: says so" || bad "packetfence wrong password: says so" "$(tail -3 "$T/err")"
expect_eq "packetfence wrong password: pending" "$(pending gpw)" 1

# hostile replies
for mode in garbage huge; do
    control "{\"mode\": \"$mode\"}"
    run "packetfence, $mode reply: exit 1, no crash" 1 -- "$ASAN" "${PF[@]}" --group "h$mode"
    expect_eq "packetfence, $mode reply: pending" "$(pending "h$mode")" 1
done
grep -q 'larger than 1048576 bytes' "$T/err" && ok "huge reply: dropped with a message" || bad "huge reply: dropped with a message" "$(tail -3 "$T/err")"

echo "== forescout"
stub_start
reset_stream
add_entry s4:1 infected 10.0.0.5 aa:bb:cc:00:00:01 trusted top_reason $'C2 beacon to <evil&co> "x" \'y\'\nnext'
add_entry s4:2 infected 10.0.0.6 "" conflict mac_conflict "aa:bb:cc:00:00:02,aa:bb:cc:00:00:03"
add_entry s4:3 expired 10.0.0.6 "" conflict
add_entry s4:4 released 10.0.0.5 aa:bb:cc:00:00:01 trusted
add_entry s4:5 cleared 2001:db8::5 "" unknown
run "forescout --once: exit 0" 0 -- "$ASAN" "${FS[@]}"
check "forescout: update, update (per IP, conflict too), delete, delete" <<'PY'
assert paths() == [("POST", "/fsapi/niCore/Hosts")] * 4, paths()
auth = "Basic " + base64.b64encode(b"dex@acct:dex-secret").decode()
for r in reqs:
    assert r["headers"]["authorization"] == auth and r["status"] == 200, r["headers"]
    assert r["headers"]["content-type"] == "application/xml", r["headers"]
docs = [ET.fromstring(r["body"].encode()) for r in reqs]
def props(d): return {p.get("NAME"): (p.find("VALUE").text if p.find("VALUE") is not None else None)
                      for p in d.find("TRANSACTION/PROPERTIES")}
for d in docs:
    assert d.tag == "FSAPI" and d.get("TYPE") == "request" and d.get("API_VERSION") == "2.0", d.attrib
got = [(d.find("TRANSACTION").get("TYPE"), d.find("TRANSACTION/HOST_KEY").get("NAME"),
        d.find("TRANSACTION/HOST_KEY").get("VALUE")) for d in docs]
assert got == [("update", "ip", "10.0.0.5"), ("update", "ip", "10.0.0.6"),
               ("delete", "ip", "10.0.0.5"), ("delete", "ip", "2001:db8::5")], got
assert docs[0].find("TRANSACTION/OPTIONS").get("CREATE_NEW_HOST") == "true"
assert props(docs[0]) == {"spanhound_infected": "true", "spanhound_score": "0.870",
    "spanhound_reason": "C2 beacon to <evil&co> \"x\" 'y'\nnext"}, props(docs[0])
assert props(docs[2]) == {"spanhound_infected": None, "spanhound_reason": None,
                          "spanhound_score": None}, props(docs[2])
assert docs[2].find("TRANSACTION/OPTIONS") is None
PY
expect_eq "forescout: nothing pending" "$(pending nac-forescout)" 0
for mode in fs_error garbage huge; do
    control "{\"mode\": \"$mode\"}"
    run "forescout, $mode reply: exit 1, no crash" 1 -- "$ASAN" "${FS[@]}" --group "f$mode"
    expect_eq "forescout, $mode reply: all pending" "$(pending "f$mode")" 5
    if [ "$mode" = fs_error ]; then
        grep -q 'not accepted: DEX update refused: FSAPI_ERROR: Successfully' "$T/err" \
            && ok "forescout: FSAPI error code named" || bad "forescout: FSAPI error code named" "$(tail -2 "$T/err")"
    fi
done
control '{}'
printf 'nope\n' > "$T/dex.bad"
run "forescout, wrong password: exit 1" 1 -- "$ASAN" "${FS[@]}" --group fpw --password-file "$T/dex.bad"
grep -q 'DEX update: HTTP 401' "$T/err" && ok "forescout 401: logged" || bad "forescout 401: logged" "$(tail -2 "$T/err")"

echo "== webhook"
stub_start
reset_stream
add_entry s5:1 infected 10.0.0.5 aa:bb:cc:00:00:01 trusted
add_entry s5:2 expired 10.0.0.6 "" routed reasons 'not json ["' hostname $'h\xffx'
add_entry s5:2 expired 10.0.0.6 "" routed
control '{"fail": {"match": "/hook", "count": 1, "status": 503}}'
run "webhook, 503: exit 1" 1 -- "$ASAN" "${WH[@]}"
expect_eq "webhook 503: pending" "$(pending nac-webhook)" 3
run "webhook recovered: exit 0" 0 -- "$ASAN" "${WH[@]}"
expect_eq "webhook recovered: nothing pending" "$(pending nac-webhook)" 0
check "webhook: bodies, bearer token, HMAC signature" <<'PY'
assert [(r["method"], r["path"], r["status"]) for r in reqs] == \
    [("POST", "/hook", 503), ("POST", "/hook", 200), ("POST", "/hook", 200)], reqs
for r in reqs:
    assert r["headers"]["authorization"] == "Bearer hook-token-123", r["headers"]
    assert r["headers"]["content-type"] == "application/json"
    raw = r["body"].encode()
    want = "sha256=" + hmac.new(b"hmac-key-xyz", raw, hashlib.sha256).hexdigest()
    assert r["headers"]["x-spanhound-signature"] == want, (r["headers"], want)
b1, b2 = json.loads(reqs[1]["body"]), json.loads(reqs[2]["body"])
assert b1["id"] == "s5:1" and b1["event"] == "infected" and b1["ip"] == "10.0.0.5", b1
assert b1["mac"] == "aa:bb:cc:00:00:01" and b1["sensor"] == "s1" and b1["score"] == "0.870", b1
assert isinstance(b1["reasons"], list) and b1["reasons"][0]["kind"] == "dga", b1["reasons"]
assert b1["entry"] and "-" in b1["entry"]
assert b2["reasons"] == 'not json ["' and b2["hostname"] == "h\u00ffx", b2   # kept as a string
assert b2["event"] == "expired" and b2["mac_status"] == "routed"
PY
grep -q 'id s5:2: duplicate' "$T/err" && ok "webhook: the repeated id is not sent twice" || bad "webhook: the repeated id is not sent twice" "$(cat "$T/err")"
reset_stream; add_entry s5:3 infected 10.0.0.5 aa:bb:cc:00:00:01 trusted
control '{"mode": "hang"}'
start=$(date +%s)
run "webhook, NAC hangs: times out, exit 1" 1 -- "$ASAN" "${WH[@]}" --group whang
[ $(( $(date +%s) - start )) -le 3 ] && ok "webhook hang: --timeout 1 holds" || bad "webhook hang: --timeout 1 holds"
expect_eq "webhook hang: pending" "$(pending whang)" 1

# as a daemon: pending entries of this consumer first, then new ones; SIGTERM stops it
stub_start
reset_stream
rcli XGROUP CREATE "$KEY" gd '$' MKSTREAM >/dev/null
add_entry s6:1 infected 10.0.0.5 aa:bb:cc:00:00:01 trusted
rcli XREADGROUP GROUP gd c1 COUNT 10 STREAMS "$KEY" '>' >/dev/null    # delivered, never acknowledged
expect_eq "daemon: one entry pending before the bridge runs" "$(pending gd)" 1
"$ASAN" webhook --redis "$R" --prefix t --consumer c1 --group gd --url "$STUB/hook" 2>"$T/err" &
D=$!
for i in $(seq 1 60); do [ "$(wc -l < "$T/req.jsonl")" -ge 1 ] && break; sleep 0.1; done
add_entry s6:2 released 10.0.0.5 aa:bb:cc:00:00:01 trusted
for i in $(seq 1 60); do [ "$(wc -l < "$T/req.jsonl")" -ge 2 ] && break; sleep 0.1; done
kill -TERM "$D"; s=0
for i in $(seq 1 50); do kill -0 "$D" 2>/dev/null || { s=1; break; }; sleep 0.1; done
wait "$D"; drc=$?
[ "$s" = 1 ] && [ "$drc" = 0 ] && ok "daemon: SIGTERM stops it cleanly (exit 0)" || bad "daemon: SIGTERM stops it cleanly" "stopped=$s rc=$drc"
grep -q -e Sanitizer -e 'runtime error:' "$T/err" && bad "daemon: sanitizer" "$(grep -m1 Sanitizer "$T/err")"
check "daemon: the pending entry, then the new one" <<'PY'
ids = [json.loads(r["body"])["id"] for r in reqs]
assert ids == ["s6:1", "s6:2"], ids
PY
expect_eq "daemon: nothing pending" "$(pending gd)" 0

echo "== cef"
reset_stream
add_entry s7:1 infected 10.0.0.5 aa:bb:cc:00:00:01 trusted top_reason $'a|b\\c=d\ne' hostname 'pc=1'
add_entry s7:2 infected 10.0.0.6 "" conflict mac_conflict "aa:bb:cc:00:00:02,aa:bb:cc:00:00:03"
add_entry s7:3 released 10.0.0.5 aa:bb:cc:00:00:01 trusted by alice
run "cef --file: exit 0" 0 -- "$ASAN" cef --redis "$R" --prefix t --once --from-start --file "$T/out.cef"
check "cef: one escaped line per entry" <<'PY'
lines = open(T + "/out.cef").read().split("\n")
assert lines[-1] == "" and len(lines) == 4, lines
l1 = lines[0]
assert l1.startswith("CEF:0|spanhound|spanhound|"), l1
hdr = l1.split("|")
assert hdr[4:7] == ["infected", "Host infected", "8"], hdr
ext = l1.split("|", 7)[7]
assert "src=10.0.0.5 smac=aa:bb:cc:00:00:01 shost=pc\\=1 externalId=s7:1 dvchost=s1" in ext, ext
assert ext.endswith("msg=a|b\\\\c\\=d\\ne"), ext
assert "cs2=aa:bb:cc:00:00:02,aa:bb:cc:00:00:03" in lines[1] and "cs1=conflict" in lines[1], lines[1]
assert lines[2].split("|")[4] == "released" and "suser=alice" in lines[2], lines[2]
PY
expect_eq "cef: nothing pending" "$(pending nac-cef)" 0
run "cef to syslog (plain build): exit 0" 0 -- "$BIN" cef --redis "$R" --prefix t --once --group gsys --from-start
expect_eq "cef syslog: nothing pending" "$(pending gsys)" 0

echo "nac tests: $pass passed, $fail failed, 0 skipped"
mkdir -p build && echo "nac $pass $fail 0" >> build/test-results.txt
[ "$fail" -eq 0 ]
