#!/bin/bash
# Run the second review's reproducers: tests/gen/run_review2.sh build/spanhound [DIR]
# (generates them into DIR first when DIR has none).  A FAIL is a finding.
BIN=${1:-build/spanhound}; D=${2:-/tmp/review2}
HERE=$(cd "$(dirname "$0")" && pwd)
[ -d "$D" ] || /usr/bin/python3 "$HERE/gen_attacks_review2.py" "$D"
for d in "$D"/*/; do
    n=$(basename "$d"); rm -f "$d/eve.json"
    args=(-r "$d/capture.pcap" --eve "$d/eve.json" --stats)
    [ -f "$d/case.conf" ] && args+=(-c "$d/case.conf")
    "$BIN" "${args[@]}" >"$d/out.txt" 2>"$d/err.txt" || { echo "FAIL $n: exit $?"; continue; }
    if r=$(/usr/bin/python3 "$HERE/../regress/attacks/check.py" "$d/case.json" "$d/eve.json" 2>&1)
    then echo "ok   $n"; else echo "FAIL $n: $(echo "$r" | paste -sd ';')"; fi
done
