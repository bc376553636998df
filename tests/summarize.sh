#!/bin/sh
# Sums the result lines in build/test-results.txt
#   <suite> <passed> <failed> <skipped> [note...]
# that the test runners append (and that `make test` appends for a suite that
# did not build or stopped before reporting), prints one line per suite and
# the closing line CI reads:
#   total: N passed, M failed, K skipped
# Exit status 1 when anything failed, when a line is malformed (counted as a
# failure) or when there are no results at all; skips alone do not fail.
# Usage: tests/summarize.sh [build/test-results.txt]
f=${1:-build/test-results.txt}
if [ ! -s "$f" ]; then
    echo "  $f: no test results"
    echo "total: 0 passed, 1 failed, 0 skipped"
    exit 1
fi
awk '
function num(x) { return x ~ /^[0-9]+$/ }
NF == 0 { next }
{
    if (NF < 4 || !num($2) || !num($3) || !num($4)) {
        printf "  %-24s malformed result line: %s\n", ($1 == "" ? "?" : $1), $0
        q += 1; next
    }
    note = ""
    for (i = 5; i <= NF; i++) note = note " " $i
    p += $2; q += $3; s += $4
    printf "  %-24s %5d passed, %d failed, %d skipped%s%s\n", $1, $2, $3, $4,
           (note != "" ? "  --" : ""), note
}
END {
    printf "total: %d passed, %d failed, %d skipped\n", p, q, s
    exit (q > 0)
}' "$f"
