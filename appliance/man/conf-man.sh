#!/bin/sh
# spanhound.conf(5): the hand-written head (spanhound.conf.5.in) plus the
# KEYS section generated from the binary's own --print-config, so the page
# lists exactly the keys, defaults and descriptions of the build.
#
#   appliance/man/conf-man.sh BIN HEAD.in VERSION DATE > spanhound.conf.5
set -eu
BIN=$1 HEAD=$2 VERSION=$3 DATE=$4
OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT
"$BIN" --print-config > "$OUT"
sed -e "s/@VERSION@/$VERSION/g" -e "s/@DATE@/$DATE/g" "$HEAD"
awk '
# roff-safe text: backslashes, and a leading dot or quote
function esc(s) {
    gsub(/\\/, "\\e", s)
    if (s ~ /^[.\x27]/) s = "\\&" s
    return s
}
# names and literal values: also no line breaks at hyphens, real minus signs
function lit(s) { s = esc(s); gsub(/-/, "\\-", s); return s }
# a description as a sentence: capital first letter, final full stop
function sentence(s) {
    s = toupper(substr(s, 1, 1)) substr(s, 2)
    if (s !~ /[.)]$/) s = s "."
    return s
}
function path(k,   p, i) {
    p = ""
    for (i = 1; i <= depth; i++) p = p stack[i] "."
    return p k
}
NR == 1 { sect = "-"; next }           # "# spanhound effective configuration"
/^ *# / {
    c = $0; sub(/^ *# /, "", c)
    desc = desc == "" ? c : desc " " c
    next
}
/^ *[a-z_0-9]+: *\{ *$/ {              # a group opens
    g = $0; sub(/^ */, "", g); sub(/:.*/, "", g)
    stack[++depth] = g
    if (depth == 1) { printf ".SS %s\n", g; sect = g }
    if (desc != "") { printf ".PP\n%s\n", esc(sentence(desc)); desc = "" }
    next
}
/^ *\}; *$/ { depth--; next }
/^ *[a-z_0-9]+ = .*; *$/ {
    k = $0; sub(/^ */, "", k); sub(/ = .*/, "", k)
    v = $0; sub(/^ *[a-z_0-9]+ = /, "", v); sub(/; *$/, "", v)
    if (depth == 0 && sect != "") { print ".SS \"top level\""; sect = "" }
    printf ".TP\n.B %s\n", lit(path(k))
    printf "Default: \\fB%s\\fR.\n", lit(v)
    if (desc != "") printf "%s\n", esc(sentence(desc))
    desc = ""
    keys++
    next
}
/^ *$/ { next }
{ printf "conf-man.sh: unexpected line %d: %s\n", NR, $0 > "/dev/stderr"; bad = 1 }
END {
    if (keys < 50) { printf "conf-man.sh: only %d keys\n", keys > "/dev/stderr"; bad = 1 }
    if (bad) exit 1
}' "$OUT"
cat <<'TAIL'
.SH FILES
.TP
.I /etc/spanhound/spanhound.conf
The configuration the service reads (a dpkg conffile: an upgrade never
overwrites local changes without asking).
.SH SEE ALSO
.BR spanhound (8),
.BR spanhoundctl (1),
.BR spanhound\-nac (1)
.PP
.I /usr/share/doc/spanhound/
(detections.md explains how the detect weights combine; nac\-feed.md the
redis group; feeds.md the feeds list; geoip.md the geoip group;
appliance.md the service).
TAIL
