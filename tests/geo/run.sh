#!/bin/bash
# GeoIP/ASN regression (part of make regress): builds the test MaxMind DB
# files (tests/geo/make_mmdb.pl) in a scratch directory and runs
# tests/geo/check.py against them.  Prints "geo: P passed, F failed".
# Usage: tests/geo/run.sh build/spanhound
set -u
BIN=${1:-build/spanhound}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
if ! perl tests/geo/make_mmdb.pl "$T" 2>"$T/gen.err"; then
    sed 's/^/  /' "$T/gen.err"
    echo "  FAIL  tests/geo/make_mmdb.pl failed (libmaxmind-db-writer-perl installed? make deps)"
    echo "geo: 0 passed, 1 failed"
    exit 1
fi
if ! command -v mmdblookup >/dev/null; then
    echo "  FAIL  mmdblookup (mmdb-bin) is missing: make deps"
    echo "geo: 0 passed, 1 failed"
    exit 1
fi
exec /usr/bin/python3 tests/geo/check.py "$BIN" "$T"
