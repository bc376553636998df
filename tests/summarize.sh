#!/bin/sh
# Sums the "suite passed failed" lines the test runners append and prints
# the closing line CI reads.
f=${1:-build/test-results.txt}
[ -f "$f" ] || { echo "0 passed, 1 failed"; exit 1; }
awk '{p += $2; q += $3; printf "  %-24s %5d passed, %d failed\n", $1, $2, $3}
     END {printf "total: %d passed, %d failed\n", p, q}' "$f"
