#!/bin/bash
# Detection regressions: every tests/regress/detect/*/expected.txt line is
#   capture<TAB>expected<TAB>evidence kinds each flagged host must carry
# where expected is
#   a comma list of IPs  exactly these hosts are flagged infected at the end
#                        (the last EVE "spanhound_verdict" record of each IP)
#   none                 no host is flagged infected at the end (hosts may
#                        hold evidence below the threshold)
#   no-evidence          no host raised any evidence: the verdict table that
#                        ends an offline replay says "0 infected, 0 more with
#                        evidence" and "no host raised evidence", and EVE
#                        carries no "spanhound_verdict" record at all (neither a verdict
#                        change nor a "current" end-of-replay record)
# A case fails when spanhound exits non-zero, reports a sanitizer error, or
# the expectation does not hold; a missing capture fails too.
# Prints "detections: P passed, F failed, 0 skipped"; exits 1 on any failure.
# Usage: tests/regress/detect/run.sh build/spanhound
set -u
BIN=${1:-build/spanhound}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0; fail=0

# verdicts EVE_FILE STDOUT_FILE: prints
#   line 1: flagged hosts, comma list or "none"
#   line 2: "evidence <table infected> <table more> <EVE spanhound_verdict records> <EVE current records>"
#           (table numbers are "-" when the verdict table is missing)
#   then "ip<TAB>kinds" for every flagged host
verdicts() {
    /usr/bin/python3 - "$1" "$2" <<'EOF'
import json, re, sys
state, records, current = {}, 0, 0
with open(sys.argv[1], encoding="utf-8") as f:
    for n, line in enumerate(f, 1):
        try:
            e = json.loads(line)
        except ValueError as err:
            sys.exit("EVE line %d is not JSON: %s" % (n, err))
        if e.get("event_type") == "spanhound_verdict":
            h = e["spanhound_verdict"]
            records += 1
            current += h.get("change") == "current"
            state[h["ip"]] = (h["verdict"], sorted(x["kind"] for x in h.get("evidence", [])))
table = re.search(r"^== host verdicts: (\d+) infected, (\d+) more with evidence ==$",
                  open(sys.argv[2], encoding="utf-8", errors="replace").read(), re.M)
flagged = sorted(ip for ip, (v, _) in state.items() if v == "infected")
print(",".join(flagged) or "none")
print("evidence %s %s %d %d" % (table.group(1) if table else "-", table.group(2) if table else "-",
                                records, current))
for ip in flagged:
    print(ip + "\t" + ",".join(state[ip][1]))
EOF
}

for exp in tests/regress/detect/*/expected.txt; do
    case_dir=$(dirname "$exp")
    cname=$(basename "$case_dir")
    while IFS=$'\t' read -r pcap want kinds; do
        case "$pcap" in ''|\#*) continue;; esac
        why=""
        if [ ! -f "$pcap" ]; then
            why="capture $pcap is missing"
        else
            rm -f "$T/eve.json"
            "$BIN" -r "$pcap" --eve "$T/eve.json" >"$T/out" 2>"$T/err"; rc=$?
            if [ $rc -ne 0 ]; then
                why="spanhound exited $rc: $(tail -3 "$T/err" | tr '\n' ' ')"
            elif grep -q -e 'Sanitizer' -e 'runtime error:' "$T/err"; then
                why="sanitizer report: $(grep -m1 -e 'Sanitizer' -e 'runtime error:' "$T/err")"
            elif [ ! -f "$T/eve.json" ]; then
                why="no EVE output written"
            elif ! got=$(verdicts "$T/eve.json" "$T/out" 2>"$T/perr"); then
                why="reading the output failed: $(tail -1 "$T/perr")"
            fi
        fi
        if [ -z "$why" ]; then
            first=$(printf '%s\n' "$got" | sed -n 1p)
            read -r _ t_inf t_more n_rec n_cur < <(printf '%s\n' "$got" | sed -n 2p)
            case "$want" in
            no-evidence)
                if [ "$t_inf" = "-" ]; then
                    why="no '== host verdicts' table on stdout"
                elif [ "$t_inf" != 0 ] || [ "$t_more" != 0 ]; then
                    why="verdict table: $t_inf infected, $t_more more with evidence"
                elif ! grep -qx 'no host raised evidence' "$T/out"; then
                    why="verdict table lacks 'no host raised evidence'"
                elif [ "$n_rec" != 0 ]; then
                    why="$n_rec EVE spanhound_verdict records ($n_cur current), flagged at the end: $first"
                fi;;
            *)
                if [ "$first" != "$want" ]; then
                    why="flagged $first, want $want"
                elif [ -n "${kinds:-}" ] && [ "$want" != "none" ]; then
                    while IFS=$'\t' read -r ip have; do
                        for k in ${kinds//,/ }; do
                            case ",$have," in *",$k,"*) ;; *) why="${why}$ip lacks $k (has $have); ";; esac
                        done
                    done < <(printf '%s\n' "$got" | tail -n +3)
                fi;;
            esac
        fi
        if [ -z "$why" ]; then
            pass=$((pass + 1)); printf '  ok    %-14s %s -> %s\n' "$cname" "$(basename "$pcap")" "$want"
        else
            fail=$((fail + 1)); printf '  FAIL  %-14s %s: %s\n' "$cname" "$(basename "$pcap")" "$why"
        fi
    done < "$exp"
done
if [ $((pass + fail)) -eq 0 ]; then
    fail=1; echo "  FAIL  no detection case found in tests/regress/detect/*/expected.txt"
fi
echo "detections: $pass passed, $fail failed, 0 skipped"
[ "$fail" -eq 0 ]
