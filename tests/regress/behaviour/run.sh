#!/bin/bash
# Behaviour regressions: the attacks runner (tests/regress/attacks/run.sh)
# pointed at this directory: replay every */capture.pcap and assert its
# case.json with tests/regress/attacks/check.py.  README.md in this
# directory describes the cases.
# Usage: tests/regress/behaviour/run.sh build/spanhound
HERE=$(cd "$(dirname "$0")" && pwd)
exec "$HERE/../attacks/run.sh" "${1:-build/spanhound}" "$HERE" behaviour
