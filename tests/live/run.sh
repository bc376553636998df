#!/bin/bash
# Live capture test in network namespaces made here (never a real network):
#   ns "shsend-$$"  veth-a-s --veth--> veth-a-c  ns "shcap-$$"
#                   veth-b-s --veth--> veth-b-c
# spanhound runs as root inside shcap-$$ with -i veth-a-c -i veth-b-c (two
# SPAN ports into one host table), drops to the unprivileged user
# `spanhound` (created here if missing, as the package's postinst does), and
# tells a notification socket made here (as systemd's) READY/STATUS/WATCHDOG/
# STOPPING.  tcpreplay sends bundled dev captures at 10x their recorded speed
# (--multiplier=10), two into each port at once:
#   a: ndpi-dnscat-exfil (dnscat2 tunnel), ndpi-443-curl (benign)
#   b: ndpi-iodine-dns-tunnel (iodine tunnel), ndpi-emotet-epoch-c2-post-7080
#      (HTTP C2)
# The oracle is an offline run (spanhound -r) of the same four captures: the
# flagged hosts and each one's evidence kinds must be the same live.  These
# captures' verdicts do not depend on timing finer than 10x (tunnels are
# counted over 15 min, the HTTP tells are per request), so compressing the
# time tenfold must not change them; scores may differ slightly (a live host
# table sees the packets in wall-clock order across both ports) and are not
# compared.  Also: the DNS names of the dnscat capture equal tshark's; the
# process's Uid/Gid are the user's and CapEff is 0 (CAP_NET_RAW only with
# daemon.keep_net_raw); a missing user is exit 2 naming daemon.user; started
# unprivileged with an ambient CAP_NET_RAW it captures with nothing to drop;
# a SIGHUP during startup does not kill it; SIGTERM drains and exits 0 with
# every EVE line complete and the Redis publisher flushed (a redis-server in
# the capture namespace, when installed: the infected set holds the offline
# run's hosts); nothing of this exists outside the namespaces.
# Needs root (CAP_NET_ADMIN), iproute2 and tcpreplay; otherwise the test
# counts itself as one skip; the name comparison is a skip without tshark.
# Appends "live <passed> <failed> <skipped>" to build/test-results.txt.
# Usage: tests/live/run.sh build/spanhound
set -u
BIN=$(readlink -f "${1:-build/spanhound}")
A1=pcaps/dns/ndpi-dnscat-exfil.pcap
A2=pcaps/benign/ndpi-443-curl.pcap
B1=pcaps/dns/ndpi-iodine-dns-tunnel.pcap
B2=pcaps/http/ndpi-emotet-epoch-c2-post-7080.pcap
USER_=spanhound
NS_S=shsend-$$; NS_C=shcap-$$
T=$(mktemp -d)
chmod 755 "$T"          # the notification socket must be reachable after the drop
pass=0; fail=0; skip=0
SHPID=; NPID=; RPID=

cleanup() {
    [ -n "${SHPID:-}" ] && kill "$SHPID" 2>/dev/null
    [ -n "${NPID:-}" ] && kill "$NPID" 2>/dev/null
    [ -n "${RPID:-}" ] && kill "$RPID" 2>/dev/null
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
if ! id -u "$USER_" >/dev/null 2>&1 &&
   ! useradd --system --no-create-home --shell /usr/sbin/nologin "$USER_" 2>"$T/useradd"; then
    bad "the '$USER_' system user exists or can be created" "$(cat "$T/useradd")"
    finish
fi
UID_=$(id -u "$USER_"); GID_=$(id -g "$USER_")

ip netns add "$NS_C"
for p in a b; do
    ip link add "veth-$p-s" netns "$NS_S" type veth peer name "veth-$p-c" netns "$NS_C"
    ip -n "$NS_S" link set "veth-$p-s" up
    ip -n "$NS_C" link set "veth-$p-c" up
done
ip -n "$NS_S" link set lo up
ip -n "$NS_C" link set lo up

# procfield PID FIELD -> the first value of a /proc/PID/status line
procfield() { awk -v k="$2:" '$1 == k { print $2; exit }' "/proc/$1/status" 2>/dev/null; }
# wait_line FILE PATTERN PID: until PATTERN is in FILE (5 s) or PID is gone
wait_line() {
    for _ in $(seq 1 100); do
        grep -q "$2" "$1" 2>/dev/null && return 0
        kill -0 "$3" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}

# --- the notification socket (systemd's side, as a datagram listener) ---
/usr/bin/python3 tests/lib/notify_listen.py "$T/notify.sock" 30 >"$T/notify" 2>&1 &
NPID=$!
for _ in $(seq 1 40); do [ -S "$T/notify.sock" ] && break; sleep 0.05; done

# --- a Redis inside the capture namespace (its own loopback), when installed:
# SIGTERM must flush the publisher; the journal is written after the drop, so
# its directory belongs to the user (as /var/lib/spanhound in the package) ---
REDIS_ARGS=()
if command -v redis-server >/dev/null && command -v redis-cli >/dev/null; then
    mkdir "$T/state" && chown "$USER_:" "$T/state"
    ip netns exec "$NS_C" redis-server --port 6390 --bind 127.0.0.1 --save '' \
        --appendonly no >"$T/redis.log" 2>&1 &
    RPID=$!
    for _ in $(seq 1 100); do
        ip netns exec "$NS_C" redis-cli -p 6390 ping 2>/dev/null | grep -q PONG && break
        sleep 0.05
    done
    REDIS_ARGS=(--redis 127.0.0.1:6390 --journal "$T/state/journal")
fi

# --- the daemon: two ports, as root, drops to the user ---
NOTIFY_SOCKET=$T/notify.sock WATCHDOG_USEC=1000000 \
    ip netns exec "$NS_C" "$BIN" -i veth-a-c -i veth-b-c --user "$USER_" \
    --eve "$T/eve.json" --stats "${REDIS_ARGS[@]}" >"$T/out" 2>"$T/err" &
SHPID=$!
# a SIGHUP mid-startup (startup takes a few 100 ms: detection tables, the
# first Redis attempt...): as soon as the capture sockets are open (the
# first startup step), before "capturing on"
early=no
for _ in $(seq 1 400); do
    if [ "$(readlink "/proc/$SHPID/exe")" = "$BIN" ] &&
       ls -l "/proc/$SHPID/fd" 2>/dev/null | grep -q 'socket:'; then
        grep -q 'capturing on' "$T/err" || early=yes
        kill -HUP "$SHPID"
        break
    fi
    kill -0 "$SHPID" 2>/dev/null || break
    sleep 0.005
done
if ! wait_line "$T/err" 'capturing on' "$SHPID"; then
    bad "spanhound -i veth-a-c -i veth-b-c starts (and survives a SIGHUP during startup)" \
        "$(tail -5 "$T/err")"
    finish
fi
if [ "$early" = yes ]; then
    ok "spanhound captures on two ports inside a namespace; a SIGHUP during its startup did not kill it"
else
    ok "spanhound captures on two ports inside a namespace"
    skip "a SIGHUP during startup: startup was over before the handlers could be seen"
fi

# who it runs as, from the kernel's view
uid=$(procfield "$SHPID" Uid); gid=$(procfield "$SHPID" Gid)
capeff=$(procfield "$SHPID" CapEff); capprm=$(procfield "$SHPID" CapPrm)
nnp=$(procfield "$SHPID" NoNewPrivs)
if [ "$uid" = "$UID_" ] && [ "$gid" = "$GID_" ] && [ "$capeff" = 0000000000000000 ] &&
   [ "$capprm" = 0000000000000000 ] && [ "$nnp" = 1 ]; then
    ok "dropped to $USER_ (uid $uid, gid $gid), no capabilities, no new privileges"
else
    bad "dropped to $USER_ ($UID_/$GID_) with no capabilities" \
        "Uid $uid Gid $gid CapEff $capeff CapPrm $capprm NoNewPrivs $nnp"
fi
# the bounding set, the supplementary groups (root's must be gone: the
# user's own, from the group database) and every thread (capabilities are
# per thread: one started before the drop would keep root's)
capbnd=$(procfield "$SHPID" CapBnd)
groups=$(awk '$1 == "Groups:" { $1 = ""; print }' "/proc/$SHPID/status" | tr ' ' '\n' | sed '/^$/d' | sort -n | tr '\n' ' ')
wantg=$(id -G "$USER_" | tr ' ' '\n' | sort -n | tr '\n' ' ')
threads=$(for t in /proc/"$SHPID"/task/*; do
              awk '$1 == "Uid:" { u = $2 "/" $3 "/" $4 "/" $5 } $1 == "CapEff:" { e = $2 }
                   $1 == "CapPrm:" { p = $2 } END { print u, e, p }' "$t/status"; done | sort -u)
if [ "$capbnd" = 0000000000000000 ] && [ "$groups" = "$wantg" ] &&
   [ "$threads" = "$UID_/$UID_/$UID_/$UID_ 0000000000000000 0000000000000000" ]; then
    ok "bounding set empty, groups the user's ($groups), every thread ($(ls /proc/"$SHPID"/task | wc -l)) unprivileged"
else
    bad "bounding set empty, the user's groups, every thread unprivileged" \
        "CapBnd $capbnd Groups '$groups' (want '$wantg') threads: $threads"
fi
grep -q "running as user $USER_ (uid $UID_, gid $GID_.*capabilities: none" "$T/err" &&
    ok "the drop is logged in one line" || bad "the drop is logged in one line" "$(head -3 "$T/err")"
[ "$(readlink "/proc/$SHPID/ns/net")" != "$(readlink /proc/self/ns/net)" ] &&
    ! ip link show veth-a-c >/dev/null 2>&1 && ! ip link show veth-b-s >/dev/null 2>&1 &&
    ok "the capture and its veth pairs exist only inside the namespaces" ||
    bad "nothing leaves the namespaces" "$(ip -o link | grep veth)"

# the replay: 10x, both ports at once
start=$(date +%s.%N)
( ip netns exec "$NS_S" tcpreplay -q -i veth-a-s --multiplier=10 "$A1" "$A2" >"$T/ra" 2>&1 ) & RA=$!
( ip netns exec "$NS_S" tcpreplay -q -i veth-b-s --multiplier=10 "$B1" "$B2" >"$T/rb" 2>&1 ) & RB=$!
wait "$RA" || bad "tcpreplay into port a" "$(tail -2 "$T/ra")"
wait "$RB" || bad "tcpreplay into port b" "$(tail -2 "$T/rb")"
echo "        (replayed in $(echo "$(date +%s.%N) - $start" | bc 2>/dev/null || echo '?') s)"
sleep 1
kill -USR1 "$SHPID"
sleep 0.3
ra=$(awk '$1 == "source.veth-a-c.kernel_received" { print $2 }' "$T/err")
rb=$(awk '$1 == "source.veth-b-c.kernel_received" { print $2 }' "$T/err")
if [ "${ra:-0}" -gt 0 ] && [ "${rb:-0}" -gt 0 ]; then
    ok "SIGUSR1: per-port kernel counters, both ports captured (a $ra, b $rb packets)"
else
    bad "SIGUSR1 prints per-port counters, both captured" "$(grep -m6 '^source\.' "$T/err")"
fi
kill -TERM "$SHPID"
wait "$SHPID"; rc=$?
SHPID=
[ "$rc" -eq 0 ] && ok "SIGTERM drains and exits 0" || bad "SIGTERM drains and exits 0" "exit $rc: $(tail -3 "$T/err")"
if grep -q -e 'Sanitizer' -e 'runtime error:' "$T/err"; then
    bad "no sanitizer report" "$(grep -m1 -e 'Sanitizer' -e 'runtime error:' "$T/err")"
fi
wait "$NPID" 2>/dev/null; NPID=

# systemd's view: READY once up, watchdog pings, a STATUS line, STOPPING
if /usr/bin/python3 - "$T/notify" <<'EOF'
import sys
msgs = [l.split(" ", 1)[1].strip() for l in open(sys.argv[1]) if " " in l]
kinds = [m.split("=", 1)[0] for m in msgs]
ok = (kinds and kinds[0] == "READY" and kinds.count("WATCHDOG") >= 4 and "STATUS" in kinds
      and kinds[-1] == "STOPPING"
      and any(m.startswith("STATUS=capturing on veth-a-c,veth-b-c:") for m in msgs))
# WATCHDOG_USEC=1000000: a ping every half second (sd_watchdog_enabled(3));
# never a gap the watchdog would fire on, never much faster than needed
t = [float(l.split(" ", 1)[0]) for l in open(sys.argv[1]) if " WATCHDOG=1" in l]
gaps = sorted(b - a for a, b in zip(t, t[1:]))
if not gaps or gaps[-1] >= 0.9 or gaps[0] < 0.35 or not 0.4 <= gaps[len(gaps) // 2] <= 0.7:
    print("watchdog gaps: min %.2f median %.2f max %.2f" % (gaps[0], gaps[len(gaps) // 2], gaps[-1])
          if gaps else "no watchdog gaps")
    ok = False
sys.exit(0 if ok else 1)
EOF
then
    ok "sd_notify: READY=1 first, STATUS=capturing on both ports, WATCHDOG=1 every half interval, STOPPING=1 last"
else
    bad "sd_notify READY/STATUS/WATCHDOG/STOPPING" "$(cut -c1-100 "$T/notify" | head -8)"
fi

if [ ! -s "$T/eve.json" ]; then
    bad "EVE output written" "$T/eve.json is missing or empty"
    finish
fi
if /usr/bin/python3 -c '
import json, sys
data = open(sys.argv[1], encoding="utf-8").read()
assert data.endswith("\n")
for line in data.splitlines():
    json.loads(line)
' "$T/eve.json" 2>"$T/evecheck"; then
    ok "every EVE line is complete JSON after SIGTERM ($(wc -l <"$T/eve.json") lines)"
else
    bad "every EVE line is complete JSON after SIGTERM" "$(tail -1 "$T/evecheck")"
fi

# DNS query names of the four captures: exactly tshark's
tshark_names() {
    for f in "$A1" "$A2" "$B1" "$B2"; do
        tshark -n -r "$f" -Y 'dns.flags.response==0' -T fields -E aggregator=$'\x1f' \
            -e dns.qry.name || return 1
    done
}
if ! command -v tshark >/dev/null 2>&1; then
    skip "DNS query names equal tshark's: tshark is not installed"
elif ! tshark_names >"$T/tshark" 2>"$T/tshark.err"; then
    bad "DNS query names equal tshark's" "tshark failed: $(grep -v 'Running as user' "$T/tshark.err" | tail -2)"
elif ! diff=$(/usr/bin/python3 -c '
import json, sys
# names with bytes outside ASCII (iodine sends such) are left out on both
# sides: tshark prints each invalid byte as U+FFFD, which cannot be compared
ascii = lambda n: all(ord(c) < 128 for c in n)
want = set()
for line in open(sys.argv[2], encoding="utf-8", errors="replace"):
    want.update(n.rstrip(".") for n in line.rstrip("\n").split("\x1f") if n and ascii(n))
got = set()
for line in open(sys.argv[1], encoding="utf-8"):
    e = json.loads(line)
    if e.get("event_type") == "dns" and e["dns"]["type"] == "request":
        names = [q["rrname"] for q in e["dns"].get("queries", [])]
        got.update(n.rstrip(".") for n in names if ascii(n))
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
        ok "every DNS query replayed at 10x on both ports was captured and parsed: the same $same (ASCII) names as tshark"
    else
        bad "DNS query names equal tshark's" \
            "$same of tshark's $nwant names, $nmiss missing, $nextra extra (first 10 of each):
$(printf '%s\n' "$diff" | sed '$d')"
    fi
fi

# the verdicts: flagged hosts and their evidence kinds, live vs offline
# (one offline run per capture: replayed back to back as one capture, the
# years between their recordings would expire the earlier ones' hosts)
: >"$T/offline.json"
for f in "$A1" "$A2" "$B1" "$B2"; do
    "$BIN" -r "$f" --eve "$T/off1.json" >/dev/null 2>"$T/offline.err" ||
        bad "the offline oracle run of $f" "$(tail -2 "$T/offline.err")"
    cat "$T/off1.json" >>"$T/offline.json"
done
verdicts() {
    /usr/bin/python3 -c '
import json, sys
state = {}
for line in open(sys.argv[1], encoding="utf-8"):
    e = json.loads(line)
    if e.get("event_type") == "spanhound_verdict":
        v = e["spanhound_verdict"]
        state[v["ip"]] = (v["verdict"], sorted({x["kind"] for x in v.get("evidence", [])}))
print(" ".join("%s:%s" % (ip, "+".join(k)) for ip, (v, k) in sorted(state.items())
               if v == "infected") or "none")
' "$1" 2>&1
}
live=$(verdicts "$T/eve.json"); offline=$(verdicts "$T/offline.json")
nflag=$(printf '%s\n' "$offline" | wc -w)
if [ "$live" = "$offline" ] && [ "$nflag" -ge 3 ]; then
    ok "the flagged hosts and evidence kinds live at 10x equal the offline run: $offline"
else
    bad "the flagged hosts live equal the offline run" "live:    $live
offline: $offline"
fi

# the Redis NAC feed after SIGTERM: the infected set holds the same hosts
if [ -n "$RPID" ]; then
    inred=$(ip netns exec "$NS_C" redis-cli -p 6390 --raw ZRANGE '{spanhound}:infected' 0 -1 |
            sort | tr '\n' ' ' | sed 's/ $//')
    want=$(printf '%s\n' $offline | cut -d: -f1 | sort | tr '\n' ' ' | sed 's/ $//')
    if [ -n "$want" ] && [ "$inred" = "$want" ]; then
        ok "SIGTERM flushed the Redis publisher: {spanhound}:infected holds the same hosts ($inred)"
    else
        bad "SIGTERM flushed the Redis publisher" "in Redis: '$inred', offline: '$want'
$(grep -i redis "$T/err" | head -3)"
    fi
    kill "$RPID" 2>/dev/null; wait "$RPID" 2>/dev/null; RPID=
else
    skip "the Redis feed after SIGTERM: redis-server is not installed"
fi

# --- keep_net_raw: only CAP_NET_RAW left ---
printf 'daemon:\n{\n  keep_net_raw = true;\n};\n' >"$T/raw.conf"
ip netns exec "$NS_C" "$BIN" -c "$T/raw.conf" -i veth-a-c --user "$USER_" >/dev/null 2>"$T/err2" &
SHPID=$!
if wait_line "$T/err2" 'capturing on' "$SHPID"; then
    capeff=$(procfield "$SHPID" CapEff); uid=$(procfield "$SHPID" Uid)
    capbnd=$(procfield "$SHPID" CapBnd)
    [ "$capeff" = 0000000000002000 ] && [ "$capbnd" = 0000000000002000 ] && [ "$uid" = "$UID_" ] &&
        ok "daemon.keep_net_raw: uid $uid with CAP_NET_RAW only (CapEff and CapBnd $capeff)" ||
        bad "daemon.keep_net_raw keeps only CAP_NET_RAW" "Uid $uid CapEff $capeff CapBnd $capbnd"
else
    bad "daemon.keep_net_raw run starts" "$(tail -3 "$T/err2")"
fi
kill -TERM "$SHPID" 2>/dev/null; wait "$SHPID" 2>/dev/null; SHPID=

# --- started unprivileged (User=spanhound + AmbientCapabilities=CAP_NET_RAW) ---
if command -v setpriv >/dev/null; then
    ip netns exec "$NS_C" setpriv --reuid "$USER_" --regid "$USER_" --init-groups \
        --inh-caps +net_raw --ambient-caps +net_raw "$BIN" -i veth-a-c >/dev/null 2>"$T/err3" &
    SHPID=$!
    if wait_line "$T/err3" 'capturing on' "$SHPID"; then
        capeff=$(procfield "$SHPID" CapEff); capamb=$(procfield "$SHPID" CapAmb)
        [ "$capeff" = 0000000000000000 ] && [ "$capamb" = 0000000000000000 ] &&
            grep -q 'started unprivileged, nothing to drop' "$T/err3" &&
            ok "started unprivileged with ambient CAP_NET_RAW: captures, then keeps no capability" ||
            bad "started unprivileged: no capability left" "CapEff $capeff CapAmb $capamb: $(head -1 "$T/err3")"
    else
        bad "started unprivileged with ambient CAP_NET_RAW, it captures" "$(tail -3 "$T/err3")"
    fi
    kill -TERM "$SHPID" 2>/dev/null; wait "$SHPID" 2>/dev/null; SHPID=
else
    skip "started unprivileged: setpriv is not installed"
fi

# --- one port taken down: said so in one line, the other port goes on ---
# (an interface that is down or has no carrier gives libpcap no error: the
# port was blind in silence; the oracle is the kernel's view of the link)
# (the health report says it: every second here, instead of every 30 s)
printf 'health = { interval = 1; };\n' > "$T/health1.conf"
ip netns exec "$NS_C" "$BIN" -c "$T/health1.conf" -i veth-a-c -i veth-b-c --user "$USER_" --stats \
    >/dev/null 2>"$T/err6" &
SHPID=$!
if wait_line "$T/err6" 'capturing on' "$SHPID"; then
    sleep 1.2                   # the first look at the links (veth carrier may lag)
    ip -n "$NS_C" link set veth-b-c down
    wait_line "$T/err6" 'veth-b-c is down: the sensor is blind on it' "$SHPID"; down=$?
    ip netns exec "$NS_S" tcpreplay -q -i veth-a-s --multiplier=10 "$A2" >/dev/null 2>&1
    sleep 0.5
    kill -USR1 "$SHPID"; sleep 0.3
    ra=$(awk '$1 == "source.veth-a-c.kernel_received" { print $2 }' "$T/err6")
    ip -n "$NS_C" link set veth-b-c up
    wait_line "$T/err6" 'veth-b-c is up again after' "$SHPID"; up=$?
    if [ "$down" -eq 0 ] && [ "$up" -eq 0 ] && [ "${ra:-0}" -gt 0 ] && kill -0 "$SHPID" 2>/dev/null; then
        ok "a port taken down is logged (and when it is back); the other port goes on capturing ($ra packets)"
    else
        bad "a port taken down is logged, the other goes on" "down $down up $up a $ra: $(grep -v '^[a-z]' "$T/err6" | tail -4)"
    fi
else
    bad "two-port run for the link check starts" "$(tail -3 "$T/err6")"
fi
kill -TERM "$SHPID" 2>/dev/null; wait "$SHPID" 2>/dev/null; SHPID=

# --- a missing user is a configuration error ---
ip netns exec "$NS_C" "$BIN" -i veth-a-c --user no-such-user-$$ >/dev/null 2>"$T/err4"; rc=$?
[ "$rc" -eq 2 ] && grep -q "daemon.user: no user 'no-such-user-$$'.*useradd" "$T/err4" &&
    ok "a missing daemon.user: exit 2, naming the key and how to create the user" ||
    bad "a missing daemon.user: exit 2 naming the key" "exit $rc: $(cat "$T/err4")"

# --- an interface that cannot be opened is named ---
ip netns exec "$NS_C" "$BIN" -i veth-a-c -i no-such-if0 >/dev/null 2>"$T/err5"; rc=$?
[ "$rc" -eq 1 ] && grep -q "no-such-if0: cannot capture: no such interface" "$T/err5" &&
    ok "an interface that does not exist is named (exit 1)" ||
    bad "an interface that does not exist is named" "exit $rc: $(cat "$T/err5")"
finish
