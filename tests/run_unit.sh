#!/bin/sh
# Runs cmocka test binaries; prints each one's result and a total line.
# Appends "unit <passed> <failed>" to build/test-results.txt for the final summary.
set -u
pass=0; fail=0; failed_bins=""
for t in "$@"; do
    out=$("$t" 2>&1); rc=$?
    p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
    f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
    p=${p:-0}; f=${f:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # crashed or aborted
    pass=$((pass + p)); fail=$((fail + f))
    if [ "$f" -ne 0 ]; then
        failed_bins="$failed_bins $t"
        printf '%s\n' "$out" | grep -v '^\[ *\(RUN\|OK\) *\]' | tail -40
    fi
    printf '  %-44s %3s passed, %s failed\n' "$(basename "$t")" "$p" "$f"
done
mkdir -p build
echo "unit:$(basename "$(dirname "$1")") $pass $fail" >> build/test-results.txt
echo "unit tests ($(dirname "$1")): $pass passed, $fail failed"
[ "$fail" -eq 0 ] || { echo "FAILED:$failed_bins"; exit 1; }
