#!/bin/sh
# Runs cmocka test binaries; prints each one's result and a total line.
# Usage: NOT_BUILT="bin..." tests/run_unit.sh SUITE BIN...
# Appends "SUITE <passed> <failed> <skipped> [note]" to build/test-results.txt
# for the final summary (tests/summarize.sh).
# A binary counts as one failure more when
#   - it is listed in NOT_BUILT: make could not bring it up to date (a
#     compile or link error), so an older copy must not run in its place;
#   - it exits non-zero without a cmocka failure count (crash, sanitizer
#     abort, leak report);
#   - it prints no cmocka summary, or a sanitizer report, even with exit 0.
set -u
suite=$1; shift
pass=0; fail=0; skip=0; failed_bins=""; not_built=""
for t in "$@"; do
    case " ${NOT_BUILT:-} " in
    *" $t "*)
        fail=$((fail + 1)); failed_bins="$failed_bins $(basename "$t")"
        not_built="$not_built $(basename "$t")"
        printf '  %-44s did not build\n' "$(basename "$t")"
        continue;;
    esac
    if [ ! -x "$t" ]; then
        fail=$((fail + 1)); failed_bins="$failed_bins $(basename "$t")"
        not_built="$not_built $(basename "$t")"
        printf '  %-44s missing\n' "$(basename "$t")"
        continue
    fi
    out=$("$t" 2>&1); rc=$?
    p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
    f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
    s=$(printf '%s\n' "$out" | sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' | tail -1)
    why=""
    if [ -z "$p" ]; then why="no cmocka summary (exit $rc)"; fi
    p=${p:-0}; f=${f:-0}; s=${s:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then why="exit $rc without a cmocka failure"; fi
    if printf '%s\n' "$out" | grep -q -e 'Sanitizer' -e 'runtime error:'; then
        why="sanitizer report"
    fi
    if [ -n "$why" ] && [ "$f" -eq 0 ]; then f=1; fi   # crashed, aborted or silent
    pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
    if [ "$f" -ne 0 ]; then
        failed_bins="$failed_bins $(basename "$t")"
        printf '%s\n' "$out" | grep -v '^\[ *\(RUN\|OK\) *\]' | tail -40
    fi
    printf '  %-44s %3s passed, %s failed, %s skipped%s\n' "$(basename "$t")" "$p" "$f" "$s" \
        "${why:+ ($why)}"
done
if [ $# -eq 0 ]; then fail=1; echo "  no test binaries given"; fi
mkdir -p build
echo "$suite $pass $fail $skip${not_built:+ did not build:$not_built}" >> build/test-results.txt
echo "unit tests ($suite): $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] || { echo "FAILED:$failed_bins"; exit 1; }
