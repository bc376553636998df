#!/bin/bash
# Review reproducers: same harness as tests/regress/attacks/run.sh, on
# tests/review/cases.  A FAIL here is a finding (expectations = the docs' promises).
set -u
BIN=${1:-build/spanhound}
DIR=$(cd "$(dirname "$0")" && pwd)
CHECK="$DIR/../regress/attacks/check.py"
T=${KEEP:-$(mktemp -d)}
for case_json in "$DIR"/cases/*/case.json; do
    d=$(dirname "$case_json"); name=$(basename "$d")
    rm -f "$T/$name.eve"   # --eve appends
    args=(-r "$d/capture.pcap" --eve "$T/$name.eve")
    [ -f "$d/case.conf" ] && args+=(-c "$d/case.conf")
    timeout 300 "$BIN" "${args[@]}" >"$T/$name.out" 2>"$T/$name.err" || { echo "  FAIL $name: exit $?"; continue; }
    if r=$(/usr/bin/python3 "$CHECK" "$case_json" "$T/$name.eve" 2>&1); then
        echo "  ok    $name"
    else
        echo "  FAIL  $name: $(echo "$r" | paste -sd ';' -)"
    fi
done
echo "outputs in $T"
