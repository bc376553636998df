#!/bin/bash
# Command-line and bad-input tests: exit codes, messages, hostile files.
# Appends "cli <passed> <failed> 0" to build/test-results.txt.
# Usage: tests/cli/run.sh build/spanhound build/asan/spanhound
set -u
BIN=${1:-build/spanhound}
ASAN=${2:-build/asan/spanhound}
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0; fail=0
PCAP=pcaps/dns/zeek-dns-edns-ecs.pcap

ok()   { pass=$((pass + 1)); printf '  ok    %s\n' "$1"; }
bad()  { fail=$((fail + 1)); printf '  FAIL  %s\n' "$1"; [ -n "${2:-}" ] && printf '        %s\n' "$2"; }

# expect NAME EXIT_CODE STDERR_REGEX -- command...
expect() {
    local name=$1 want=$2 re=$3; shift 4
    "$@" >"$T/out" 2>"$T/err"; local rc=$?
    if [ "$rc" -ne "$want" ]; then
        bad "$name" "exit $rc, wanted $want: $(head -c 300 "$T/err")"; return
    fi
    if [ -n "$re" ] && ! grep -Eq "$re" "$T/err"; then
        bad "$name" "stderr did not match /$re/: $(head -c 300 "$T/err")"; return
    fi
    if grep -q 'Sanitizer' "$T/err"; then
        bad "$name" "sanitizer report: $(grep -m1 Sanitizer "$T/err")"; return
    fi
    ok "$name"
}

# ---- usage and configuration -------------------------------------------
expect "--version prints and exits 0" 0 "" -- "$BIN" --version
grep -q '^spanhound ' "$T/out" || bad "--version output" "$(cat "$T/out")"
expect "-h exits 0" 0 "" -- "$BIN" -h
expect "unknown option exits 2" 2 "unknown option" -- "$BIN" --no-such-thing
expect "no input exits 2" 2 "no input" -- "$BIN"
expect "-r and -i together exit 2" 2 "either -r or -i" -- "$BIN" -r x -i lo
expect "missing option value exits 2" 2 "needs a value" -- "$BIN" -r
expect "missing config file exits 2" 2 "cannot read" -- "$BIN" -c "$T/nope.conf" -r "$PCAP"

printf 'flow: {\n  capacity = 1000;\n  no_such_key = 3;\n};\n' > "$T/unknown.conf"
expect "unknown key: file:line, exit 2" 2 "unknown.conf:3: unknown setting 'flow.no_such_key'" \
    -- "$BIN" -c "$T/unknown.conf" -r "$PCAP"
printf '\n\nflow: { capacity = 0; };\n' > "$T/range.conf"
expect "out-of-range value: file:line, exit 2" 2 "range.conf:3: 'flow.capacity' = 0 is out of range" \
    -- "$BIN" -c "$T/range.conf" -r "$PCAP"
printf 'dpi: { enabled = 3; };\n' > "$T/type.conf"
expect "wrong type: exit 2" 2 "type.conf:1: 'dpi.enabled' must be true or false" \
    -- "$BIN" -c "$T/type.conf" -r "$PCAP"
printf 'home_net = [ "10.0.0.1/8" ];\n' > "$T/cidr.conf"
expect "network with host bits: exit 2" 2 "cidr.conf:1: .*host bits" \
    -- "$BIN" -c "$T/cidr.conf" -r "$PCAP"
printf 'flow: { capacity = 10 \n' > "$T/syntax.conf"
expect "syntax error: file:line, exit 2" 2 "syntax.conf:[0-9]+: " \
    -- "$BIN" -c "$T/syntax.conf" -r "$PCAP"
expect "bad --home-net exits 2" 2 "home-net" -- "$BIN" --home-net 10.0.0.0/33 -r "$PCAP"
expect "bad BPF exits 2" 2 "BPF" -- "$BIN" -f 'tcp port' -r "$PCAP"

# ---- the replay progress line (appliance/progress.c) -------------------
# dnscat's 60 s at --pace 100: about 0.6 s of replay, two or three updates
PROG=pcaps/dns/ndpi-dnscat-exfil.pcap
"$BIN" -r "$PROG" --pace 100 --progress >/dev/null 2>"$T/prog.err"; rc=$?
if [ $rc -eq 0 ] && /usr/bin/python3 - "$T/prog.err" <<'PYEOF'
import re, sys
err = open(sys.argv[1], "rb").read().decode()
lines = re.findall(r"\rreplay (\d+)/(\d+) file  (\d+) pkts  ([\d.]+)/([\d.]+) kB \((\d+)%\)"
                   r"  \S+ pkt/s  [\d.]+ Mbit/s  ETA (\S+)\x1b\[K", err)
# 300 packets, 78,369 bytes (capinfos, ls): never more than that, and erased at the end
assert lines, err
assert all(int(l[2]) <= 300 and float(l[3]) <= 78.4 and l[4] == "78.4" for l in lines), lines
assert err.rstrip("\n").endswith("\r\x1b[K") or "\r\x1b[K" in err.split("replay")[-1], repr(err[-80:])
PYEOF
then ok "--progress: an updating line (packets, kB, rate, ETA) on stderr, erased at the end"
else bad "--progress: an updating line on stderr, erased at the end" "exit $rc: $(cat -v "$T/prog.err" | tail -c 300)"; fi
"$BIN" -r "$PROG" --pace 100 >/dev/null 2>"$T/prog2.err"
if grep -q $'\r' "$T/prog2.err" || grep -q 'replay 1/1' "$T/prog2.err"; then
    bad "no progress line when stderr is not a terminal" "$(cat -v "$T/prog2.err" | head -c 200)"
else ok "no progress line when stderr is not a terminal"; fi
# under systemd stderr is the journal (JOURNAL_STREAM = its device:inode): the
# warning-level lines carry "<4>" for journald; elsewhere nothing is added
OWS=tests/regress/attacks/one_way_span/capture.pcap
: >"$T/journal.err"
JOURNAL_STREAM=$(stat -c '%d:%i' "$T/journal.err") "$BIN" -r "$OWS" >/dev/null 2>>"$T/journal.err"
JOURNAL_STREAM=1:2 "$BIN" -r "$OWS" >/dev/null 2>"$T/plain.err"
if grep -q '^<4>spanhound: sensor degraded (dns_answers_unseen)' "$T/journal.err" &&
   grep -q '^spanhound: sensor degraded (dns_answers_unseen)' "$T/plain.err" &&
   ! grep -q '^<' "$T/plain.err"; then
    ok "journal stream: warnings prefixed <4>; not the journal: no prefix"
else
    bad "journal stream: warnings prefixed <4>, else none" "$(grep -m2 degraded "$T/journal.err" "$T/plain.err")"
fi
if command -v script >/dev/null; then
    script -qec "$BIN -r $PROG --pace 100 >/dev/null" /dev/null >"$T/pty.out" 2>&1 </dev/null
    script -qec "$BIN -r $PROG --pace 100 --no-progress >/dev/null" /dev/null >"$T/pty2.out" 2>&1 </dev/null
    grep -q 'replay 1/1 file' "$T/pty.out" && ! grep -q 'replay 1/1 file' "$T/pty2.out" &&
        ok "on a terminal (script(1)'s pty) the line shows by itself; --no-progress hides it" ||
        bad "progress on a pty by itself, hidden by --no-progress" "$(cat -v "$T/pty.out" | head -c 200)"
fi

# the shipped configuration file states exactly the built-in defaults
expect "--print-config exits 0" 0 "" -- "$BIN" --print-config
grep -v '^#' "$T/out" > "$T/defaults"
expect "-c config/spanhound.conf --print-config exits 0" 0 "" -- "$BIN" -c config/spanhound.conf --print-config
grep -v '^#' "$T/out" > "$T/fromfile"
if [ ! -s "$T/defaults" ]; then bad "config/spanhound.conf = built-in defaults" "--print-config printed nothing"
elif cmp -s "$T/defaults" "$T/fromfile"; then ok "config/spanhound.conf = built-in defaults"
else bad "config/spanhound.conf = built-in defaults" "$(diff "$T/defaults" "$T/fromfile" | head -5)"; fi
missing=""
for key in $(awk '/^ *[a-z_]+ = /{print $1}' "$T/defaults" | sort -u); do
    grep -Eq "^ *#? *$key *=" config/spanhound.conf || missing="$missing $key"
done
[ -z "$missing" ] && ok "every key is documented in config/spanhound.conf" \
                  || bad "every key is documented in config/spanhound.conf" "missing:$missing"

# ---- hostile and broken inputs (sanitized build) --------------------------
: > "$T/empty.pcap"
expect "empty file: message, exit 1" 1 "empty.pcap: cannot read" -- "$ASAN" -r "$T/empty.pcap"
head -c 5000 /bin/ls > "$T/notpcap.pcap"
expect "non-pcap file: message, exit 1" 1 "notpcap.pcap: cannot read" -- "$ASAN" -r "$T/notpcap.pcap"
size=$(stat -c %s pcaps/http/caldera-ragdoll-http-beacon.pcap)
head -c $((size / 2 + 7)) pcaps/http/caldera-ragdoll-http-beacon.pcap > "$T/truncated.pcap"
expect "truncated pcap: readable packets processed, message, exit 1" 1 "input ends early after [1-9][0-9]* packets" \
    -- "$ASAN" -r "$T/truncated.pcap" --eve "$T/trunc.json" --stats
grep -q '"event_type":"http"' "$T/trunc.json" && ok "truncated pcap: events from the readable part" \
    || bad "truncated pcap: events from the readable part"
editcap -s 64 pcaps/tls/anyrun-sxn-asyncrat-9596cf60.pcap "$T/snap64.pcap" >/dev/null 2>&1 \
    || bad "editcap -s 64 makes the snaplen-64 capture" "editcap exited $?"
expect "snaplen 64: runs clean, exit 0" 0 "" -- "$ASAN" -r "$T/snap64.pcap" --eve "$T/snap.json" --stats
grep -Eq 'tcp.snap_truncated +[1-9]' "$T/err" && ok "snaplen 64: cut segments counted" \
    || bad "snaplen 64: cut segments counted" "$(grep snap_truncated "$T/err")"
expect "good file then bad file: exit 1, good file processed" 1 "notpcap.pcap" \
    -- "$ASAN" -r "$PCAP" -r "$T/notpcap.pcap" --eve "$T/two.json"
grep -q '"event_type":"dns"' "$T/two.json" && ok "good file before a bad one still produces events" \
    || bad "good file before a bad one still produces events"

# ---- every dev and bundled capture: valid JSON, no sanitizer report ------
all_ok=1
for f in pcaps/*/*.pcap pcaps/*/*.pcapng; do
    [ -e "$f" ] || continue
    if ! "$ASAN" -r "$f" --eve "$T/all.json" >/dev/null 2>"$T/err"; then
        all_ok=0; bad "sanitized replay of $f" "$(tail -3 "$T/err")"; continue
    fi
    if grep -q -e 'Sanitizer' -e 'runtime error:' "$T/err"; then
        all_ok=0; bad "sanitized replay of $f" "$(grep -m1 -e 'Sanitizer' -e 'runtime error:' "$T/err")"; continue
    fi
    if ! /usr/bin/python3 -c 'import json,sys
for n,l in enumerate(open(sys.argv[1],"rb")):
    json.loads(l.decode("utf-8"))' "$T/all.json" 2>"$T/jerr"; then
        all_ok=0; bad "EVE of $f is valid UTF-8 JSON" "$(tail -1 "$T/jerr")"
    fi
    rm -f "$T/all.json"
done
[ $all_ok -eq 1 ] && ok "every bundled capture: sanitized replay, valid JSON lines"

# ---- determinism and multi-file replay -----------------------------------
# docs/detections.md: the same capture yields the same verdicts, in the same
# order.  Five replays of captures that exercise the parsers (AsyncRAT) and
# every detector that raises evidence (DNS tunnels, DGA) must write
# byte-identical EVE output.
for f in pcaps/tls/anyrun-sxn-asyncrat-9596cf60.pcap pcaps/dns/ndpi-dnscat-exfil.pcap \
         pcaps/dns/ndpi-iodine-dns-tunnel.pcap pcaps/demo/office-dga.pcap \
         tests/regress/detect/dga/positive.pcap; do
    why=""; rm -f "$T"/det*.json      # EVE files are appended to
    for i in 1 2 3 4 5; do
        if ! "$BIN" -r "$f" --eve "$T/det$i.json" >/dev/null 2>"$T/err"; then
            why="replay $i exited $?: $(tail -2 "$T/err" | tr '\n' ' ')"; break
        fi
        [ -s "$T/det1.json" ] || { why="no EVE output"; break; }
        if [ $i -gt 1 ] && ! cmp -s "$T/det1.json" "$T/det$i.json"; then
            why="replay $i differs from replay 1: $(diff "$T/det1.json" "$T/det$i.json" |
                grep -m2 '^[<>]' | cut -c1-240)"
            break
        fi
    done
    if [ -z "$why" ]; then ok "same capture, same EVE output (5 replays): $f"
    else bad "same capture, same EVE output (5 replays): $f" "$why"; fi
done
expect "two -r files exit 0" 0 "" -- "$BIN" -r "$PCAP" -r pcaps/http/caldera-ragdoll-http-beacon.pcap --eve "$T/multi.json"
if grep -q '"event_type":"dns"' "$T/multi.json" && grep -q '"event_type":"http"' "$T/multi.json"; then
    ok "several -r files replay as one capture"
else
    bad "several -r files replay as one capture"
fi
expect "-f 'tcp port 8888' keeps the beacon" 0 "" -- "$BIN" -r pcaps/http/caldera-ragdoll-http-beacon.pcap \
    -f 'tcp port 8888' --eve "$T/bpf1.json"
grep -q '"event_type":"http"' "$T/bpf1.json" && ok "-f matching filter keeps the events" \
    || bad "-f matching filter keeps the events"
expect "-f 'udp' runs" 0 "" -- "$BIN" -r pcaps/http/caldera-ragdoll-http-beacon.pcap -f 'udp' --eve "$T/bpf2.json"
if [ -f "$T/bpf2.json" ] && ! grep -q '"event_type":"http"' "$T/bpf2.json"; then ok "-f non-matching filter drops the packets"
else bad "-f non-matching filter drops the packets"; fi

# ---- threat-intelligence feeds (docs/feeds.md) -------------------------
printf '\nfeeds = ( { name = "x"; path = "/f"; format = "plain"; } );\n' > "$T/feedbad.conf"
expect "feed without a type: file:line, exit 2" 2 "feedbad.conf:2: feeds: feed 'x': format plain needs a type" \
    -- "$BIN" -c "$T/feedbad.conf" -r "$PCAP"
printf 'c2.example\nnot a domain!\n198.51.100.7\n' > "$T/doms.txt"
printf 'feeds = ( { name = "doms"; path = "%s"; format = "plain"; type = "domain"; },\n  { name = "gone"; path = "%s/none.txt"; format = "feodo"; } );\n' \
    "$T/doms.txt" "$T" > "$T/feeds.conf"
expect "feeds load; a bad line and a missing file do not stop the run" 0 \
    "feed doms: loaded .*: 2 entries \(ip 1, domain 1\), 1 skipped" \
    -- "$ASAN" -c "$T/feeds.conf" -r "$PCAP" --stats
grep -q "doms.txt:2: warning: " "$T/err" && ok "a malformed feed line is reported as file:line" \
    || bad "a malformed feed line is reported as file:line" "$(grep doms "$T/err" | head -3)"
grep -q "feed gone: cannot read .*empty until it can be read" "$T/err" && ok "an unreadable feed is logged" \
    || bad "an unreadable feed is logged" "$(grep gone "$T/err" | head -2)"
grep -Eq "^intel.feed.doms.entries +2$" "$T/err" && ok "--stats prints the feed counters" \
    || bad "--stats prints the feed counters" "$(grep intel "$T/err" | head -3)"
expect "--export-iocs writes a bundle and lists" 0 "exported 0 learnt indicators" \
    -- "$ASAN" -r "$PCAP" --export-iocs "$T/learnt.json"
if [ -s "$T/learnt.json" ] && [ -f "$T/learnt.json.domain.txt" ] && [ -f "$T/learnt.json.cert_sha256.txt" ] &&
   python3 tests/stix/validate.py "$T/learnt.json" >/dev/null 2>&1; then
    ok "--export-iocs output is a valid STIX 2.1 bundle"
else
    bad "--export-iocs output is a valid STIX 2.1 bundle" "$(python3 tests/stix/validate.py "$T/learnt.json" 2>&1 | head -3)"
fi
expect "--export-iocs into a missing directory fails" 1 "export-iocs: .*No such file" \
    -- "$BIN" -r "$PCAP" --export-iocs "$T/no/dir/x.json"
# reload while running: SIGHUP re-reads every feed; a changed file is
# picked up by itself (feeds_check_interval); an unreadable one is kept
printf 'feeds = ( { name = "doms"; path = "%s"; format = "plain"; type = "domain"; } );\nfeeds_check_interval = 1;\n' \
    "$T/doms.txt" > "$T/reload.conf"
"$ASAN" -c "$T/reload.conf" -r pcaps/http/caldera-ragdoll-http-beacon.pcap --pace 60 \
    >/dev/null 2>"$T/reload.err" &
pid=$!
for i in $(seq 100); do grep -q "feed doms: loaded" "$T/reload.err" && break; sleep 0.1; done
sleep 0.5
printf 'a.example\nb.example\nc.example\n' > "$T/doms.txt"
sleep 2.5
kill -HUP $pid 2>/dev/null
sleep 1.5
rm -f "$T/doms.txt"
kill -HUP $pid 2>/dev/null
sleep 1.5
kill -TERM $pid 2>/dev/null
wait $pid; rc=$?
if [ $rc -eq 0 ] && grep -q "feed doms: loaded .*: 2 entries" "$T/reload.err" &&
   grep -q "feed doms: loaded .*: 3 entries" "$T/reload.err" &&
   grep -q "SIGHUP: re-reading 1 feed" "$T/reload.err" &&
   [ "$(grep -c "feed doms: cannot read .*keeping the previous version (3 entries)" "$T/reload.err")" -eq 1 ] &&
   ! grep -q Sanitizer "$T/reload.err"; then
    ok "feeds reload on change and SIGHUP; an unreadable feed keeps its previous version"
else
    bad "feeds reload on change and SIGHUP; an unreadable feed keeps its previous version" \
        "exit $rc: $(grep -E 'feed|SIGHUP|Sanitizer' "$T/reload.err" | head -6 | tr '\n' '|')"
fi
# spread: --export-iocs writes what was learnt (tests/regress/behaviour/spread_shared_c2:
# the C2 name and address behind WS-17's beacons); eve.extended names the first host
SP=tests/regress/behaviour/spread_shared_c2/capture.pcap
printf 'eve: { extended = true; };\n' > "$T/ext.conf"
expect "--export-iocs FILE runs" 0 "" -- "$BIN" -r "$SP" -c "$T/ext.conf" --export-iocs "$T/iocs.json" \
    --eve "$T/sp.json"
if grep -qx 'sync.velmora-cdn.example' "$T/iocs.json.domain.txt" 2>/dev/null &&
   grep -qx '203.0.113.90' "$T/iocs.json.ip.txt" 2>/dev/null
then ok "--export-iocs lists the learnt C2 name and address"
else bad "--export-iocs lists the learnt C2 name and address" \
    "$(head -c 300 "$T/iocs.json.domain.txt" "$T/iocs.json.ip.txt" 2>&1)"; fi
grep -q '"kind":"shared_c2"[^}]*"first_host":"10.50.0.17"' "$T/sp.json" 2>/dev/null \
    && ok "eve.extended: shared_c2 evidence names its first host" \
    || bad "eve.extended: shared_c2 evidence names its first host"
expect "--export-iocs to an unwritable path fails" 1 "export-iocs" -- "$BIN" -r "$SP" \
    --export-iocs /nonexistent-dir/iocs.txt

# a LAN flooding forged Router Advertisements, each with a new /64: the
# "learned on-link prefix" line is rate-limited (log.repeat_limit, 5 a
# minute by default) and the rest summarised, not one line per packet.
# Oracle: 40 distinct global prefixes written here (RFC 4861 4.2/4.6.2 by
# hand, checksum per RFC 4443 2.3), so 5 lines and "35 similar messages".
python3 - "$T/ra-flood.pcap" <<'PYEOF'
import struct, sys
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
src = bytes.fromhex("fe800000000000000000000000000001"); dst = bytes.fromhex("ff020000000000000000000000000001")
out = [struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)]
for i in range(40):
    pfx = bytes.fromhex("20010db8") + struct.pack("!H", i + 1) + bytes(10)
    opt = struct.pack("!BBBBIII", 3, 4, 64, 0xc0, 86400, 14400, 0) + pfx
    icmp = struct.pack("!BBHBBHII", 134, 0, 0, 64, 0, 1800, 0, 0) + opt
    c = csum(src + dst + struct.pack("!I3xB", len(icmp), 58) + icmp)
    icmp = icmp[:2] + struct.pack("!H", c) + icmp[4:]
    ip6 = struct.pack("!IHBB", 0x60000000, len(icmp), 58, 255) + src + dst + icmp
    eth = bytes.fromhex("333300000001") + bytes.fromhex("020000000001") + b"\x86\xdd" + ip6
    out.append(struct.pack("<IIII", 1700000000 + i, 0, len(eth), len(eth)) + eth)
open(sys.argv[1], "wb").write(b"".join(out))
PYEOF
expect "forged RA flood replays" 0 "" -- "$ASAN" -v -r "$T/ra-flood.pcap"
n=$(grep -c 'learned on-link prefix 2001:db8:' "$T/err")
if [ "$n" -eq 5 ] && grep -q '^spanhound: 35 similar messages suppressed (prefix)$' "$T/err"; then
    ok "forged RA flood: 5 'learned on-link prefix' lines, then one line for the 35 suppressed"
else
    bad "forged RA flood: prefix lines rate-limited" "$n lines: $(grep -E 'prefix|suppressed' "$T/err" | tail -3 | tr '\n' '|')"
fi

# --pace under systemd's watchdog: a replay waiting 3 s for its next packet
# is alive, not hung: WATCHDOG=1 keeps coming every half interval (it
# stopped: the heartbeat came only every 64 packets).  Oracle: the pcap
# written here (two frames 3 s apart), the interval set here.
python3 - "$T/gap.pcap" <<'PYEOF'
import struct, sys
eth = bytes.fromhex("020000000002020000000001") + b"\x08\x06" + bytes(28)
out = [struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)]
for t in (1700000000, 1700000003):
    out.append(struct.pack("<IIII", t, 0, len(eth), len(eth)) + eth)
open(sys.argv[1], "wb").write(b"".join(out))
PYEOF
python3 tests/lib/notify_listen.py "$T/notify.sock" 8 >"$T/notify" 2>&1 &
NL=$!
for _ in $(seq 1 40); do [ -S "$T/notify.sock" ] && break; sleep 0.05; done
NOTIFY_SOCKET=$T/notify.sock WATCHDOG_USEC=1000000 "$BIN" --pace 1 -r "$T/gap.pcap" >/dev/null 2>"$T/err"
rc=$?
wait "$NL"
maxgap=$(awk '/ WATCHDOG=1/ { if (n++) { g = $1 - p; if (g > m) m = g } p = $1 } END { printf "%.2f %d", m, n }' "$T/notify")
if [ "$rc" -eq 0 ] && awk -v g="${maxgap% *}" -v n="${maxgap#* }" 'BEGIN { exit !(n >= 5 && g < 0.9) }'; then
    ok "--pace waiting 3 s for a packet keeps the watchdog fed (largest gap ${maxgap% *} s, ${maxgap#* } pings)"
else
    bad "--pace waiting for a packet keeps the watchdog fed" "exit $rc, largest gap and pings: $maxgap"
fi

echo "cli tests: $pass passed, $fail failed, 0 skipped"
mkdir -p build && echo "cli $pass $fail 0" >> build/test-results.txt
[ "$fail" -eq 0 ]
