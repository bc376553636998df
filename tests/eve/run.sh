#!/bin/bash
# EVE schema suite (make eve-schema, part of make test): every record of
# every bundled and dev capture validated against Suricata's EVE schema
# (tests/eve/validate.py, README.md).  Appends to build/test-results.txt:
#   eve-schema <passed> <failed> <skipped>           default output: must be valid
#   eve-schema-extended <passed> <failed> <skipped>  eve.extended: replayed, figures
#                                                    printed, invalid records allowed
# A run that prints no result line, or exits non-zero without counting a
# failure, is one failure.
# Usage: tests/eve/run.sh build/spanhound
set -u
BIN=${1:-build/spanhound}
R=build/test-results.txt
mkdir -p build
rc_all=0
for mode in default extended; do
    name=eve-schema; args=()
    [ $mode = extended ] && { name=eve-schema-extended; args=(--extended --report-only --errors 0); }
    out=$(/usr/bin/python3 tests/eve/validate.py --bin "$BIN" "${args[@]}" 2>&1); rc=$?
    printf '%s\n' "$out" | sed 's/^/  /'
    line=$(printf '%s\n' "$out" | grep -E "^$name: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped" | tail -1)
    if [ -z "$line" ]; then
        echo "$name 0 1 0 validate.py printed no result line (exit $rc)" >> "$R"; rc_all=1; continue
    fi
    p=$(printf '%s\n' "$line" | sed -E 's/^[^:]*: ([0-9]+) passed.*/\1/')
    f=$(printf '%s\n' "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
    s=$(printf '%s\n' "$line" | sed -E 's/.* ([0-9]+) skipped.*/\1/')
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1; echo "$name $p $f $s validate.py exited $rc but reported no failure" >> "$R"
    else
        echo "$name $p $f $s" >> "$R"
    fi
    [ "$f" -ne 0 ] && rc_all=1
done
exit $rc_all
