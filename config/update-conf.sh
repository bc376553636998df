#!/bin/sh
# Regenerates config/spanhound.conf from the built-in table (make update-config):
# every key with its default and description, data_dir left commented out
# because its default depends on where spanhound is installed.
set -e
BIN=${1:-build/spanhound}
{
cat <<'HDR'
# spanhound.conf -- the configuration file, with every key at its built-in
# default.  spanhound runs the same with no file at all; copy this one and
# change what you need.  Format: libconfig (https://hyperrealm.github.io/libconfig/).
#
#   spanhound -c /etc/spanhound/spanhound.conf -i eth1
#   spanhound -c spanhound.conf --print-config     # the effective values
#
# Unknown keys, wrong types and out-of-range values stop spanhound with
# "file:line: message" and exit status 2, so a typo never passes silently.
# Command-line options (-i, -f, --eve, --home-net) override the file.
#
# The detect group holds every weight, threshold and window of the
# detectors (docs/detections.md explains how they combine).

HDR
"$BIN" --print-config | tail -n +2 | sed 's|^  data_dir = ".*";|  # the build'"'"'s own detect/data when run from the source tree,\n  # /usr/share/spanhound when installed\n  # data_dir = "/usr/share/spanhound";|'
} > config/spanhound.conf
