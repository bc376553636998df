#!/bin/bash
# Detection regressions: every tests/regress/detect/*/expected.txt line is
#   capture<TAB>hosts flagged infected at the end (comma list, or "none")<TAB>evidence kinds each must carry
# Usage: tests/regress/detect/run.sh build/spanhound
set -u
BIN=${1:-build/spanhound}
pass=0; fail=0
for exp in tests/regress/detect/*/expected.txt; do
    case_dir=$(dirname "$exp")
    while IFS=$'\t' read -r pcap want kinds; do
        case "$pcap" in ''|\#*) continue;; esac
        got=$("$BIN" -r "$pcap" --eve - 2>/dev/null | /usr/bin/python3 -c '
import json, sys
state = {}
for line in sys.stdin:
    e = json.loads(line)
    if e.get("event_type") == "host":
        h = e["host"]
        state[h["ip"]] = (h["verdict"], sorted(x["kind"] for x in h["evidence"]))
flagged = sorted(ip for ip, (v, _) in state.items() if v == "infected")
print(",".join(flagged) or "none")
for ip in flagged:
    print(ip + "\t" + ",".join(state[ip][1]))
')
        first=$(printf '%s\n' "$got" | head -1)
        ok=1
        [ "$first" = "$want" ] || ok=0
        if [ $ok -eq 1 ] && [ -n "${kinds:-}" ] && [ "$want" != "none" ]; then
            while IFS=$'\t' read -r ip have; do
                for k in ${kinds//,/ }; do
                    case ",$have," in *",$k,"*) ;; *) ok=0; echo "    $ip lacks $k (has $have)";; esac
                done
            done < <(printf '%s\n' "$got" | tail -n +2)
        fi
        if [ $ok -eq 1 ]; then
            pass=$((pass + 1)); printf '  ok    %-14s %s -> %s\n' "$(basename "$case_dir")" "$(basename "$pcap")" "$want"
        else
            fail=$((fail + 1)); printf '  FAIL  %-14s %s -> got %s, want %s\n' "$(basename "$case_dir")" "$(basename "$pcap")" "$first" "$want"
        fi
    done < "$exp"
done
echo "detections: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
