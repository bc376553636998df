#!/bin/bash
# Protocol-tell regressions: every tests/regress/tells/<case>/case.json
# with its capture pcaps/tells/<case>.pcap, replayed and asserted by the
# attacks runner (tests/regress/attacks/run.sh, check.py) on a scratch
# directory that pairs them.  README.md in this directory describes the
# cases; tests/gen/gen_tells.py generates both halves.
# Usage: tests/regress/tells/run.sh build/spanhound
set -u
BIN=${1:-build/spanhound}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
for j in "$HERE"/*/case.json; do
    d=$(dirname "$j"); name=$(basename "$d")
    mkdir -p "$T/$name"
    cp "$j" "$T/$name/"
    [ -f "$d/case.conf" ] && cp "$d/case.conf" "$T/$name/"
    [ -f "$ROOT/pcaps/tells/$name.pcap" ] && ln -s "$ROOT/pcaps/tells/$name.pcap" "$T/$name/capture.pcap"
done
"$HERE/../attacks/run.sh" "$BIN" "$T" tells
