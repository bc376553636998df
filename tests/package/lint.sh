#!/bin/bash
# Fast checks of what `make install` and `make deb` ship (seconds; the .deb
# in a clean root is tests/package/run.sh):
#  - the systemd units: `systemd-analyze security --offline` exposure <= 2.0
#    (the figure docs/appliance.md records), `systemd-analyze verify` silent,
#    the service settings the appliance relies on;
#  - the packaged configuration: differs from config/spanhound.conf in the
#    four service keys only, loads (--print-config, exit 0) with them, and
#    its generator refuses an input where a key moved;
#  - the man pages: no `man --warnings` output, every option of each
#    binary's --help documented;
#  - make install PREFIX=/usr DESTDIR=scratch: exactly the expected files,
#    the data directory baked in as /usr/share/spanhound, the installed data
#    loads and gives the verdicts of build/spanhound on the demo capture;
#    make uninstall leaves no file;
#  - appliance/debian: changelog at the Makefile's VERSION, Build-Depends
#    covering every pkg-config library the Makefile links, maintainer
#    scripts parse.
# Appends "package-lint <passed> <failed> <skipped>" to build/test-results.txt.
# Usage (make package-lint, after make install-build):
#   VERSION=x PKGS="pcnames" tests/package/lint.sh
set -u
VERSION=${VERSION:?VERSION}
PKGS=${PKGS:?PKGS (pkg-config names)}
MAX_EXPOSURE=2.0
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0; fail=0; skip=0
ok()   { pass=$((pass + 1)); printf '  ok    %s\n' "$1"; }
bad()  { fail=$((fail + 1)); printf '  FAIL  %s\n' "$1"; [ -n "${2:-}" ] && printf '        %s\n' "$2"; }
skipped() { skip=$((skip + 1)); printf '  skip  %s\n' "$1"; }
check() { local name=$1; shift; if "$@" >"$T/out" 2>&1; then ok "$name"; else bad "$name" "$(head -c 400 "$T/out")"; fi; }

INST=build/inst
for b in $INST/spanhound $INST/spanhoundctl $INST/spanhound-nac $INST/spanhound.conf; do
    [ -e "$b" ] || { bad "$b is built (make install-build)"; }
done

# ---- units -------------------------------------------------------------
# exposure UNITFILE: prints the overall figure systemd-analyze computes
exposure() {
    systemd-analyze security --offline=true "$1" 2>/dev/null |
        sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p'
}
if ! command -v systemd-analyze >/dev/null; then
    skipped "systemd-analyze is not installed: unit checks"
else
    for u in appliance/spanhound.service appliance/spanhound-nac@.service; do
        e=$(exposure "$u")
        if [ -z "$e" ]; then
            bad "$u: systemd-analyze security gives a figure" "$(systemd-analyze security --offline=true "$u" 2>&1 | tail -3)"
        elif awk -v e="$e" -v m="$MAX_EXPOSURE" 'BEGIN { exit !(e <= m) }'; then
            ok "$u: exposure $e <= $MAX_EXPOSURE"
        else
            bad "$u: exposure $e <= $MAX_EXPOSURE"
        fi
    done
    # the figure docs/appliance.md gives is the measured one
    e=$(exposure appliance/spanhound.service)
    if grep -q "exposure $e\b" docs/appliance.md && grep -q "exposure $e\b" appliance/spanhound.service; then
        ok "docs/appliance.md and the unit's comment record exposure $e"
    else
        bad "docs/appliance.md and the unit's comment record exposure $e" "$(grep -o 'exposure [0-9.]*' docs/appliance.md appliance/spanhound.service | sort -u | tr '\n' ' ')"
    fi
    # the test can fail: the same unit without its sandbox is far above
    grep -Ev '^(Protect|Private|Restrict|SystemCall|Capability|Ambient|NoNew|User|Group|Memory|Lock|RemoveIPC|DevicePolicy|ProcSubset)' \
        appliance/spanhound.service > "$T/open.service"
    e=$(exposure "$T/open.service")
    if [ -n "$e" ] && awk -v e="$e" -v m="$MAX_EXPOSURE" 'BEGIN { exit !(e > m) }'; then
        ok "the unit without its sandbox is measured above $MAX_EXPOSURE ($e)"
    else
        bad "the unit without its sandbox is measured above $MAX_EXPOSURE" "got '$e'"
    fi
fi
# the settings the service relies on (docs/appliance.md "The sandbox")
U=appliance/spanhound.service
nmiss=0
for kv in 'Type=notify' 'NotifyAccess=main' 'WatchdogSec=30' 'Restart=on-failure' \
          'ExecStart=/usr/sbin/spanhound -c /etc/spanhound/spanhound.conf' \
          'ExecReload=/bin/kill -HUP $MAINPID' 'KillSignal=SIGTERM' 'User=spanhound' \
          'AmbientCapabilities=CAP_NET_RAW' 'CapabilityBoundingSet=CAP_NET_RAW' \
          'StateDirectory=spanhound' 'LogsDirectory=spanhound' 'ConfigurationDirectory=spanhound' \
          'ProtectSystem=strict' 'NoNewPrivileges=yes' 'SystemCallFilter=@system-service' \
          'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_PACKET AF_NETLINK' \
          'MemoryDenyWriteExecute=yes' 'UMask=0027' 'RestartPreventExitStatus=2'; do
    grep -qxF "$kv" "$U" || { bad "$U has $kv"; nmiss=$((nmiss + 1)); }
done
[ "$nmiss" -eq 0 ] && ok "$U has the service and sandbox settings"
grep -q '^TimeoutStopSec=[0-9]' "$U" && grep -q '^MemoryMax=[0-9]' "$U" &&
    ok "$U bounds stop time and memory" || bad "$U bounds stop time and memory"

# ---- the packaged configuration ------------------------------------------
C=$INST/spanhound.conf
check "packaged configuration loads: --print-config exits 0" $INST/spanhound -c "$C" --print-config
$INST/spanhound -c "$C" --print-config > "$T/eff" 2>/dev/null
for kv in 'state dir = "/var/lib/spanhound"' 'redis journal = "/var/lib/spanhound/redis.journal"' \
          'eve file = "/var/log/spanhound/eve.json"' \
          'health prometheus_file = "/var/lib/spanhound/spanhound.prom"' \
          'detect data_dir = "/usr/share/spanhound"'; do
    set -- $kv; g=$1; shift
    if awk -v g="$g" -v want="  $*;" '$0 ~ "^" g ": \\{" {in_g = 1; next} /^\};/ {in_g = 0}
                                      in_g && $0 == want {found = 1} END {exit !found}' "$T/eff"; then
        ok "effective configuration: $g.$*"
    else
        bad "effective configuration: $g.$*"
    fi
done
# outside the header, only the four service keys differ from the defaults
sed -n '/^capture: {/,$p' config/spanhound.conf > "$T/a"
sed -n '/^capture: {/,$p' "$C" > "$T/b"
n=$(diff "$T/a" "$T/b" | grep -c '^>')
[ "$n" -eq 3 ] && ok "packaged configuration: 3 lines changed from config/spanhound.conf (journal is the default already)" ||
    bad "packaged configuration: 3 lines changed from config/spanhound.conf" "$(diff "$T/a" "$T/b" | head -20)"
sed 's/^  prometheus_file = /  prometheus_path = /' config/spanhound.conf > "$T/moved.conf"
if appliance/packaged-conf.sh "$T/moved.conf" > /dev/null 2> "$T/err"; then
    bad "packaged-conf.sh refuses an input without health.prometheus_file"
else
    grep -q 'health.prometheus_file not found' "$T/err" && ok "packaged-conf.sh refuses an input without health.prometheus_file" ||
        bad "packaged-conf.sh names the missing key" "$(cat "$T/err")"
fi

# ---- man pages -------------------------------------------------------------
for m in $INST/man/*.[158]; do
    out=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$m" 2>&1 >/dev/null)
    [ -z "$out" ] && ok "man --warnings: $(basename "$m")" || bad "man --warnings: $(basename "$m")" "$out"
done
# every long option of --help (and -X short ones) appears in the page
helpcov() {
    local bin=$1 page=$2 miss=""
    "$bin" --help 2>&1 | grep -oE '(^|[ ,])--?[a-z][a-z0-9-]*' | sed 's/^[ ,]//' | sort -u > "$T/opts"
    [ -s "$T/opts" ] || { bad "$(basename "$bin") --help lists options"; return; }
    while read -r o; do
        grep -qF -- "$(printf '%s' "$o" | sed 's/-/\\-/g')" "$page" || miss="$miss $o"
    done < "$T/opts"
    [ -z "$miss" ] && ok "$(basename "$page"): documents all $(wc -l < "$T/opts") options of --help" ||
        bad "$(basename "$page"): documents every option of --help" "missing:$miss"
}
helpcov $INST/spanhound $INST/man/spanhound.8
helpcov $INST/spanhoundctl $INST/man/spanhoundctl.1
helpcov $INST/spanhound-nac $INST/man/spanhound-nac.1
keys=$($INST/spanhound --print-config | grep -cE '^ *[a-z_0-9]+ = ')
tp=$(sed -n '/^\.SH KEYS/,/^\.SH FILES/p' $INST/man/spanhound.conf.5 | grep -c '^\.TP')
[ "$keys" -gt 100 ] && [ "$tp" -eq "$keys" ] && ok "spanhound.conf(5) has an entry for each of the $keys keys" ||
    bad "spanhound.conf(5) has an entry for each key" "$tp entries, $keys keys"

# ---- make install / uninstall into a scratch DESTDIR -----------------------
D=$T/dest
make -s --no-print-directory install PREFIX=/usr DESTDIR="$D" > "$T/inst.log" 2>&1 ||
    bad "make install PREFIX=/usr DESTDIR=..." "$(tail -5 "$T/inst.log")"
cat > "$T/want" <<EOF
/etc/logrotate.d/spanhound
/etc/spanhound/spanhound.conf
/lib/systemd/system/spanhound-nac@.service
/lib/systemd/system/spanhound.service
/usr/bin/spanhound-nac
/usr/bin/spanhoundctl
/usr/sbin/spanhound
/usr/share/doc/spanhound/README.data.md
/usr/share/doc/spanhound/README.md
$(ls docs/*.md | sed 's|^docs/|/usr/share/doc/spanhound/|')
/usr/share/man/man1/spanhound-nac.1
/usr/share/man/man1/spanhoundctl.1
/usr/share/man/man5/spanhound.conf.5
/usr/share/man/man8/spanhound.8
$(ls detect/data/*.txt | sed 's|^detect/data/|/usr/share/spanhound/|')
EOF
sort -o "$T/want" "$T/want"
(cd "$D" && find . -type f | sed 's|^\.||' | sort) > "$T/got"
diff "$T/want" "$T/got" > "$T/d" && ok "make install: the $(wc -l < "$T/want") expected files, no other" ||
    bad "make install: the expected files" "$(head -20 "$T/d")"
[ -x "$D/usr/sbin/spanhound" ] && [ "$(stat -c %a "$D/etc/spanhound/spanhound.conf")" = 644 ] &&
    ok "installed modes (binaries executable, configuration 0644)" || bad "installed modes"
cmp -s "$D/etc/spanhound/spanhound.conf" "$C" && ok "installed configuration is the packaged one" ||
    bad "installed configuration is the packaged one"
grep -qxF 'ExecStart=/usr/sbin/spanhound -c /etc/spanhound/spanhound.conf' "$D/lib/systemd/system/spanhound.service" &&
    ok "installed unit starts /usr/sbin/spanhound" || bad "installed unit starts /usr/sbin/spanhound"
if command -v systemd-analyze >/dev/null; then
    # verify needs the executables where ExecStart says: point it at DESTDIR
    sed "s|^ExecStart=/usr/sbin/|ExecStart=$D/usr/sbin/|" "$D/lib/systemd/system/spanhound.service" > "$T/spanhound.service"
    sed -e "s|^ExecStart=/usr/bin/|ExecStart=$D/usr/bin/|" -e 's|^EnvironmentFile=|EnvironmentFile=-|' \
        "$D/lib/systemd/system/spanhound-nac@.service" > "$T/spanhound-nac@cef.service"
    for u in "$T/spanhound.service" "$T/spanhound-nac@cef.service"; do
        out=$(systemd-analyze verify --man=no "$u" 2>&1); rc=$?
        [ $rc -eq 0 ] && [ -z "$out" ] && ok "systemd-analyze verify $(basename "$u"): clean" ||
            bad "systemd-analyze verify $(basename "$u"): clean" "rc $rc: $out"
    done
fi
# the installed data: the model and lists load from the installed copy and
# give the source tree's verdicts on the demo capture (an offline run of
# the same capture is the oracle; the generator puts one DGA bot in it,
# ACCT-PC-07 = 10.20.0.11)
printf 'detect: {\n  data_dir = "%s/usr/share/spanhound";\n};\n' "$D" > "$T/data.conf"
if (cd / && "$D/usr/sbin/spanhound" -c "$T/data.conf" -r "$OLDPWD/pcaps/demo/office-dga.pcap" \
        --no-redis --eve "$T/inst.json") > "$T/inst.out" 2>&1 &&
   build/spanhound -r pcaps/demo/office-dga.pcap --no-redis --eve "$T/src.json" > /dev/null 2>&1; then
    cmp -s "$T/inst.json" "$T/src.json" && ok "installed data: EVE identical to build/spanhound's ($(wc -l < "$T/src.json") records)" ||
        bad "installed data: EVE identical to build/spanhound's"
    grep -q '^10\.20\.0\.11 .* INFECTED' "$T/inst.out" && ok "installed data: the demo's DGA bot 10.20.0.11 is flagged" ||
        bad "installed data: the demo's DGA bot 10.20.0.11 is flagged" "$(tail -5 "$T/inst.out")"
else
    bad "installed binary replays the demo capture" "$(tail -5 "$T/inst.out")"
fi
mv "$D/usr/share/spanhound/dga_model.txt" "$T/"
if "$D/usr/sbin/spanhound" -c "$T/data.conf" -r pcaps/demo/office-dga.pcap --no-redis > /dev/null 2>&1; then
    bad "the installed binary without its model refuses to start"
else
    ok "the installed binary without its model refuses to start"
fi
mv "$T/dga_model.txt" "$D/usr/share/spanhound/"
# a changed configuration survives install and uninstall
echo '# local change' >> "$D/etc/spanhound/spanhound.conf"
make -s --no-print-directory install PREFIX=/usr DESTDIR="$D" > "$T/inst2.log" 2>&1
tail -1 "$D/etc/spanhound/spanhound.conf" | grep -q 'local change' && [ -e "$D/etc/spanhound/spanhound.conf.dist" ] &&
    ok "make install over a changed configuration keeps it (new one as .dist)" ||
    bad "make install over a changed configuration keeps it"
make -s --no-print-directory uninstall PREFIX=/usr DESTDIR="$D" > "$T/un.log" 2>&1 ||
    bad "make uninstall" "$(tail -5 "$T/un.log")"
left=$(cd "$D" && find . -type f | sed 's|^\.||')
[ "$left" = /etc/spanhound/spanhound.conf ] && ok "make uninstall: only the changed configuration is left" ||
    bad "make uninstall: only the changed configuration is left" "$left"
rm -f "$D/etc/spanhound/spanhound.conf"
make -s --no-print-directory install PREFIX=/usr DESTDIR="$D" > /dev/null 2>&1
make -s --no-print-directory uninstall PREFIX=/usr DESTDIR="$D" > /dev/null 2>&1
left=$(cd "$D" && find . -type f)
[ -z "$left" ] && [ ! -d "$D/usr/share/spanhound" ] && [ ! -d "$D/etc/spanhound" ] &&
    ok "make install then uninstall: no file, no spanhound directory left" ||
    bad "make install then uninstall: no file left" "$left"

# ---- appliance/debian ------------------------------------------------------
if command -v dpkg-parsechangelog >/dev/null; then
    v=$(dpkg-parsechangelog -l appliance/debian/changelog -S Version)
    [ "$v" = "$VERSION" ] && ok "debian/changelog is at $VERSION" || bad "debian/changelog is at the Makefile's $VERSION" "it is at $v"
fi
bd=$(sed -n '/^Build-Depends:/,/^[A-Z]/p' appliance/debian/control | grep -v '^Standards' |
     sed 's/^Build-Depends://' | tr ',' '\n' | sed 's/^ *//; s/[ (].*//' | grep -v '^$')
# a Build-Depends entry counts for what it is and what it depends on
# (libpcap-dev -> libpcap0.8-dev)
bdx=$(for b in $bd; do echo "$b"; dpkg-query -W -f='${Depends}\n' "$b" 2>/dev/null | tr ',' '\n' | sed 's/^ *//; s/[ (].*//'; done | sort -u)
miss=""
for p in $PKGS; do
    pc=$(pkg-config --variable=pcfiledir "$p" 2>/dev/null)/$p.pc
    deb=$(dpkg -S "$(readlink -f "$pc")" 2>/dev/null | head -1 | cut -d: -f1)
    [ -z "$deb" ] && deb=$(dpkg -S "$pc" 2>/dev/null | head -1 | cut -d: -f1)
    if [ -z "$deb" ]; then miss="$miss $p(no package owns $pc)"
    elif ! printf '%s\n' $bdx | grep -qx "$deb"; then miss="$miss $deb(for $p)"; fi
done
[ -z "$miss" ] && ok "Build-Depends has the -dev package of each of the $(echo $PKGS | wc -w) pkg-config libraries" ||
    bad "Build-Depends has the -dev package of each pkg-config library" "missing:$miss"
for s in appliance/debian/*.postinst appliance/debian/*.postrm; do
    sh -n "$s" && ok "$(basename "$s") parses" || bad "$(basename "$s") parses"
done

echo "package-lint: $pass passed, $fail failed, $skip skipped"
mkdir -p build && echo "package-lint $pass $fail $skip" >> build/test-results.txt
[ "$fail" -eq 0 ]
