#!/bin/bash
# Exfiltration regressions: the attacks runner (tests/regress/attacks/run.sh)
# pointed at this directory: replay every pcaps/exfil/<case>.pcap and assert
# its case.json with tests/regress/attacks/check.py.  README.md in this
# directory describes the cases.
# Usage: tests/regress/exfil/run.sh build/spanhound   (from the source tree)
HERE=$(cd "$(dirname "$0")" && pwd)
exec "$HERE/../attacks/run.sh" "${1:-build/spanhound}" "$HERE" exfil
