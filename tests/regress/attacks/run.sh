#!/bin/bash
# Attack regressions: replay every tests/regress/attacks/*/capture.pcap
# (with -c case.conf when the case has one) and assert its case.json on the
# EVE output with check.py.  A case fails when spanhound exits non-zero or
# any expectation fails.  README.md in this directory describes the cases.
# A case without capture.pcap replays pcaps/NAME/CASE.pcap (run from the
# source tree).  Other suites in the same format reuse this runner: CASES_DIR (default:
# this directory) holds the case directories, NAME (default: attacks)
# labels the result line "NAME: P passed, F failed, 0 skipped"; the
# checker's self-test runs only for this directory (the checker's own).
# Usage: tests/regress/attacks/run.sh build/spanhound [CASES_DIR [NAME]]
set -u
BIN=${1:-build/spanhound}
HERE=$(cd "$(dirname "$0")" && pwd)
NAME=${3:-attacks}
if ! DIR=$(cd "${2:-$HERE}" 2>/dev/null && pwd); then
    echo "  FAIL  cases directory ${2:-} not found"
    echo "$NAME: 0 passed, 1 failed, 0 skipped"
    exit 1
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0; fail=0

# the checker itself first: it must reject what it is meant to reject
if [ "$DIR" = "$HERE" ]; then
    if out=$(/usr/bin/python3 "$HERE/check_selftest.py" 2>&1); then
        pass=$((pass + 1)); echo "  ok    check.py self-test"
    else
        fail=$((fail + 1)); echo "  FAIL  check.py self-test:"; printf '%s\n' "$out" | tail -5 | sed 's/^/        /'
    fi
fi

for case_json in "$DIR"/*/case.json; do
    d=$(dirname "$case_json")
    name=$(basename "$d")
    # the capture: the case's own, or pcaps/NAME/CASE.pcap (suites whose
    # captures live under pcaps/)
    pcap="$d/capture.pcap"
    [ -f "$pcap" ] || [ ! -f "pcaps/$NAME/$name.pcap" ] || pcap="pcaps/$NAME/$name.pcap"
    if [ ! -f "$pcap" ]; then
        fail=$((fail + 1)); printf '  FAIL  %s: %s/capture.pcap is missing\n' "$name" "$d"
        continue
    fi
    args=(-r "$pcap" --eve "$T/$name.eve")
    [ -f "$d/case.conf" ] && args+=(-c "$d/case.conf")
    timeout 300 "$BIN" "${args[@]}" >"$T/$name.out" 2>"$T/$name.err"
    rc=$?
    if [ $rc -ne 0 ]; then
        fail=$((fail + 1))
        if [ $rc -eq 124 ]; then
            printf '  FAIL  %s: spanhound timed out after 300 s; stderr ends:\n' "$name"
        else
            printf '  FAIL  %s: spanhound exited with status %d; stderr ends:\n' "$name" "$rc"
        fi
        tail -n 5 "$T/$name.err" | sed 's/^/        /'
        continue
    fi
    if reasons=$(/usr/bin/python3 "$HERE/check.py" "$case_json" "$T/$name.eve" 2>&1); then
        pass=$((pass + 1)); printf '  ok    %s\n' "$name"
    else
        fail=$((fail + 1))
        printf '  FAIL  %s: %s\n' "$name" "$(printf '%s\n' "$reasons" | paste -sd ';' - | sed 's/;/; /g')"
    fi
done

echo "$NAME: $pass passed, $fail failed, 0 skipped"
[ "$fail" -eq 0 ]
