#!/bin/bash
# The Debian package in a clean root of the same release: a
# `debootstrap --variant=minbase bookworm` tree (cached as a tarball under
# build/pkgtest/, made again when older than 30 days or removed), into which
#   apt-get install ./spanhound_VERSION_ARCH.deb
# must pull every runtime dependency.  Then, inside the root:
#  - the binaries run; the packaged configuration loads; the installed
#    binary replaying the demo capture as the spanhound user, with the
#    packaged configuration, writes /var/log/spanhound/eve.json and flags the
#    demo's DGA bot (10.20.0.11, as the generator built it) with the EVE
#    build/spanhound writes for the same capture (the oracle: an offline run);
#  - the user and group spanhound exist (system uid, no login shell); the
#    state and log directories are its own, 0750;
#  - the unit is installed and not enabled (systemctl --root), the
#    configuration and the logrotate file are registered conffiles,
#    logrotate accepts its file;
#  - apt-get remove keeps the changed configuration; apt-get purge removes it,
#    the state and log directories, leaves dpkg with no record and no file of
#    the package on disk.
#  - under systemd (systemd-nspawn -b boots the root, systemd and dbus added):
#    systemctl start, active as spanhound with CAP_NET_RAW only, NoNewPrivs,
#    seccomp, the loaded unit's exposure <= 2.0, 5 DNS queries on lo captured
#    into eve.json, reload keeps it running, stop (SIGTERM) exits 0; where
#    systemd-nspawn cannot boot, these are a counted skip.
# Appends "package <passed> <failed> <skipped>" to build/test-results.txt and
# prints the time of each phase.
# Usage: tests/package/run.sh [DEB]   (make package-test builds the .deb first)
set -u
DEB=${1:-$(ls build/deb/spanhound_*.deb 2>/dev/null | grep -v dbgsym | head -1)}
W=build/pkgtest
CACHE=$W/bookworm-minbase-root.tar
R=$PWD/$W/root
pass=0; fail=0; skip=0
t0=$(date +%s.%N); tlast=$t0
ok()   { pass=$((pass + 1)); printf '  ok    %s\n' "$1"; }
bad()  { fail=$((fail + 1)); printf '  FAIL  %s\n' "$1"; [ -n "${2:-}" ] && printf '        %s\n' "$2"; }
skipped() { skip=$((skip + 1)); printf '  skip  %s\n' "$1"; }
phase() { local now; now=$(date +%s.%N); awk -v a="$now" -v b="$tlast" -v n="$1" 'BEGIN { printf "  time  %-36s %6.1f s\n", n, a - b }'; tlast=$now; }
report() {
    awk -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN { printf "  time  %-36s %6.1f s\n", "total", a - b }'
    echo "package tests: $pass passed, $fail failed, $skip skipped"
    mkdir -p build && echo "package $pass $fail $skip${1:+ $1}" >> build/test-results.txt
    [ "$fail" -eq 0 ]
}
mounted=""
cleanup() {
    cstop 2>/dev/null
    [ -d "$R" ] && rm -f "$R"/var/cache/apt/archives/spanhound_*.deb 2>/dev/null
    for m in $mounted; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null; done
    [ -d "$R" ] && rm -rf --one-file-system "$R"
}
trap cleanup EXIT
in_root() { chroot "$R" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 \
                 DEBIAN_FRONTEND=noninteractive "$@"; }

if [ "$(id -u)" -ne 0 ]; then skipped "not root: no chroot"; report "not root"; exit $?; fi
for t in debootstrap chroot; do
    command -v $t >/dev/null || { skipped "$t is not installed (make deps)"; report "no $t"; exit $?; }
done
[ -n "$DEB" ] && [ -f "$DEB" ] || { bad "the .deb exists (make deb)" "${DEB:-none in build/deb}"; report; exit 1; }
VERSION=$(dpkg-deb -f "$DEB" Version)

# ---- the clean root ---------------------------------------------------
# the mirror this machine's apt uses for bookworm (deb822 or one-line)
mirror=$(awk '/^URIs:/ {u = $2} /^Suites:/ && / bookworm( |$)/ && u {print u; exit}' \
             /etc/apt/sources.list.d/*.sources 2>/dev/null)
[ -z "$mirror" ] && mirror=$(awk '$1 == "deb" && $3 == "bookworm" {print $2; exit}' \
             /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null)
mirror=${mirror:-http://deb.debian.org/debian}
rm -rf --one-file-system "$R"
mkdir -p "$W"
if [ -f "$CACHE" ] && [ -z "$(find "$CACHE" -mtime +30)" ]; then
    mkdir -p "$R" && tar -xf "$CACHE" -C "$R" || { bad "unpack the cached root $CACHE"; report; exit 1; }
    phase "root from cache"
else
    if ! debootstrap --variant=minbase bookworm "$R" "$mirror" > "$W/debootstrap.log" 2>&1; then
        bad "debootstrap --variant=minbase bookworm ($mirror)" "$(tail -3 "$W/debootstrap.log")"
        report; exit 1
    fi
    tar -cf "$CACHE.new" -C "$R" . && mv "$CACHE.new" "$CACHE"
    phase "debootstrap minbase bookworm"
fi
mount -t proc proc "$R/proc" && mounted="$R/proc" || { bad "mount /proc in the root"; report; exit 1; }
# the downloaded .debs are kept between runs (the dependencies: ~60 packages)
mkdir -p "$W/archives/partial"
mount --bind "$PWD/$W/archives" "$R/var/cache/apt/archives" && mounted="$R/var/cache/apt/archives $mounted"
cp /etc/resolv.conf "$R/etc/resolv.conf" 2>/dev/null
# a throw-away root: dpkg need not fsync every file
echo force-unsafe-io > "$R/etc/dpkg/dpkg.cfg.d/unsafe-io"
# nothing may start a service inside the root
printf '#!/bin/sh\nexit 101\n' > "$R/usr/sbin/policy-rc.d"; chmod 0755 "$R/usr/sbin/policy-rc.d"
in_root apt-get update -qq > "$W/apt.log" 2>&1 || { bad "apt-get update in the root" "$(tail -3 "$W/apt.log")"; report; exit 1; }
phase "apt-get update"

cp "$DEB" "$R/tmp/"
cp pcaps/demo/office-dga.pcap "$R/tmp/"
chmod 0644 "$R/tmp/office-dga.pcap"
deb=/tmp/$(basename "$DEB")
# Depends only, plus logrotate (Recommends) to check our file: logrotate's
# own Recommends would bring a mail server (exim4) into the root
if in_root apt-get install -y -q --no-install-recommends "$deb" logrotate > "$W/install.log" 2>&1; then
    ok "apt-get install ./$(basename "$DEB") in a clean bookworm root"
else
    bad "apt-get install ./$(basename "$DEB") in a clean bookworm root" "$(tail -5 "$W/install.log")"
    report; exit 1
fi
phase "apt-get install (with dependencies)"
ndeps=$(grep -c '^Setting up ' "$W/install.log")
missing=""
for p in libndpi4.2 libpcap0.8 libhiredis0.14 publicsuffix adduser procps; do
    in_root dpkg-query -W -f='${Status}' $p 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && ok "runtime dependencies pulled in ($ndeps packages set up)" ||
    bad "runtime dependencies pulled in" "not installed:$missing"

# ---- the installed package ----------------------------------------------
v=$(in_root spanhound --version 2>&1)
[ "$v" = "spanhound $VERSION" ] && ok "spanhound --version: $v" || bad "spanhound --version" "$v"
in_root spanhoundctl --help > /dev/null 2>&1 && ok "spanhoundctl --help runs" || bad "spanhoundctl --help runs"
v=$(in_root spanhound-nac --version 2>&1)
[ "$v" = "spanhound-nac $VERSION" ] && ok "spanhound-nac --version: $v" || bad "spanhound-nac --version" "$v"
if in_root spanhound -c /etc/spanhound/spanhound.conf --print-config > "$W/eff.conf" 2>&1; then
    ok "the packaged configuration loads (--print-config, exit 0)"
else
    bad "the packaged configuration loads" "$(tail -3 "$W/eff.conf")"
fi
grep -qx '  data_dir = "/usr/share/spanhound";' "$W/eff.conf" && ok "detect.data_dir is /usr/share/spanhound" ||
    bad "detect.data_dir is /usr/share/spanhound" "$(grep data_dir "$W/eff.conf")"

id=$(in_root getent passwd spanhound)
uid=$(echo "$id" | cut -d: -f3)
if [ -n "$id" ] && [ "$uid" -lt 1000 ] && echo "$id" | grep -q ':/var/lib/spanhound:/usr/sbin/nologin$'; then
    ok "system user spanhound (uid $uid, home /var/lib/spanhound, nologin)"
else
    bad "system user spanhound" "$id"
fi
in_root getent group spanhound > /dev/null && ok "group spanhound" || bad "group spanhound"
for d in /var/lib/spanhound /var/log/spanhound; do
    s=$(in_root stat -c '%U:%G %a' "$d" 2>&1)
    [ "$s" = "spanhound:spanhound 750" ] && ok "$d is spanhound:spanhound 0750" || bad "$d is spanhound:spanhound 0750" "$s"
done
s=$(in_root stat -c '%U:%G %a' /etc/spanhound/spanhound.conf 2>&1)
[ "$s" = "root:spanhound 640" ] && ok "the configuration (it may hold the Redis password) is root:spanhound 0640" \
    || bad "the configuration is root:spanhound 0640" "$s"

# an upgrade runs postinst configure again: same user, same directories,
# a changed conffile kept (dpkg --force-confold: no prompt)
echo '# a local change before the upgrade' >> "$R/etc/spanhound/spanhound.conf"
echo 'x' > "$R/var/lib/spanhound/keep"
if in_root apt-get install -y -q --reinstall -o Dpkg::Options::=--force-confold "$deb" > "$W/reinstall.log" 2>&1 &&
   [ "$(in_root id -u spanhound)" = "$uid" ] && [ -e "$R/var/lib/spanhound/keep" ] &&
   [ "$(in_root stat -c '%U:%G %a' /var/lib/spanhound)" = "spanhound:spanhound 750" ] &&
   tail -1 "$R/etc/spanhound/spanhound.conf" | grep -q 'before the upgrade'; then
    ok "reinstall (postinst configure again): same uid $uid, state kept, changed conffile kept"
else
    bad "reinstall (postinst configure again)" "$(tail -3 "$W/reinstall.log")"
fi
rm -f "$R/var/lib/spanhound/keep"
sed -i '/a local change before the upgrade/d' "$R/etc/spanhound/spanhound.conf"

# the service user replays the demo capture with the packaged configuration:
# EVE goes to /var/log/spanhound/eve.json as the service would write it
# (umask 0027 as the unit's UMask=)
if in_root sh -c 'umask 0027; exec runuser -u spanhound -- spanhound -c /etc/spanhound/spanhound.conf \
        -r /tmp/office-dga.pcap --no-redis' > "$W/replay.out" 2>&1; then
    ok "the spanhound user replays the demo capture with the packaged configuration"
else
    bad "the spanhound user replays the demo capture with the packaged configuration" "$(tail -3 "$W/replay.out")"
fi
grep -q '^10\.20\.0\.11 .* INFECTED' "$W/replay.out" && ok "the installed binary flags the demo's DGA bot 10.20.0.11" ||
    bad "the installed binary flags the demo's DGA bot 10.20.0.11" "$(tail -4 "$W/replay.out")"
s=$(in_root stat -c '%U:%G %a' /var/log/spanhound/eve.json 2>&1)
[ "$s" = "spanhound:spanhound 640" ] && ok "/var/log/spanhound/eve.json written by the service user, 0640" ||
    bad "/var/log/spanhound/eve.json written by the service user, 0640" "$s"
if [ -x build/spanhound ]; then
    T=$(mktemp)
    build/spanhound -r pcaps/demo/office-dga.pcap --no-redis --eve "$T" > /dev/null 2>&1
    cmp -s "$T" "$R/var/log/spanhound/eve.json" && ok "its EVE is build/spanhound's for the same capture ($(wc -l < "$T") records)" ||
        bad "its EVE is build/spanhound's for the same capture" "$(wc -l < "$T") vs $(wc -l < "$R/var/log/spanhound/eve.json") lines"
    rm -f "$T"
else
    skipped "build/spanhound not built: EVE comparison"
fi

[ -f "$R/lib/systemd/system/spanhound.service" ] && [ -f "$R/lib/systemd/system/spanhound-nac@.service" ] &&
    ok "units installed in /lib/systemd/system" || bad "units installed in /lib/systemd/system"
e=$(systemctl --root="$R" is-enabled spanhound.service 2>&1)
[ "$e" = disabled ] && ok "spanhound.service is not enabled (systemctl --root: $e)" || bad "spanhound.service is not enabled" "$e"
[ -z "$(find "$R/etc/systemd/system" -name 'spanhound*' 2>/dev/null)" ] && ok "no enablement symlink under /etc/systemd/system" ||
    bad "no enablement symlink" "$(find "$R/etc/systemd/system" -name 'spanhound*')"
cf=$(in_root dpkg-query -W -f='${Conffiles}' spanhound)
echo "$cf" | grep -q '^ /etc/spanhound/spanhound.conf [0-9a-f]\{32\}$' && echo "$cf" | grep -q '^ /etc/logrotate.d/spanhound ' &&
    ok "conffiles: /etc/spanhound/spanhound.conf, /etc/logrotate.d/spanhound" || bad "conffiles registered" "$cf"
if in_root sh -c 'command -v logrotate' > /dev/null; then
    in_root logrotate -d /etc/logrotate.d/spanhound > "$W/logrotate.out" 2>&1 &&
        ! grep -qi 'error' "$W/logrotate.out" && ok "logrotate -d accepts /etc/logrotate.d/spanhound" ||
        bad "logrotate -d accepts /etc/logrotate.d/spanhound" "$(grep -i error "$W/logrotate.out" | head -3)"
else
    bad "logrotate (Recommends) installed"
fi

phase "checks of the installed package"

# ---- the unit under systemd: systemd-nspawn -b boots the root ------------------
# systemd and dbus go into the root; the container has its own network
# namespace (only lo, which spanhound captures on); commands run in it
# through nsenter (no machined here).  Without sd_notify in this build
# (before the daemon code), a drop-in makes the unit Type=simple.
NSPID=""
cstop() {
    [ -n "$NSPID" ] || return 0
    [ -n "${CPID:-}" ] && c systemctl poweroff > /dev/null 2>&1
    for i in $(seq 1 40); do kill -0 "$NSPID" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$NSPID" 2>/dev/null && { kill -TERM "$NSPID"; sleep 2; kill -KILL "$NSPID" 2>/dev/null; }
    wait "$NSPID" 2>/dev/null; NSPID=""
}
c() { nsenter -t "$CPID" -m -u -i -n -p -- /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 "$@"; }
unit_start() {
    if ! command -v systemd-nspawn > /dev/null || ! command -v nsenter > /dev/null; then
        skipped "unit start: systemd-nspawn is not installed (systemd-container)"; return
    fi
    if ! in_root apt-get install -y -q --no-install-recommends systemd dbus > "$W/systemd.log" 2>&1; then
        bad "systemd installs in the root" "$(tail -3 "$W/systemd.log")"; return
    fi
    sed -i 's/^  interface = "";/  interface = "lo";/' "$R/etc/spanhound/spanhound.conf"
    mkdir -p "$R/etc/systemd/system/spanhound.service.d"
    printf '[Service]\nTimeoutStopSec=20\n' > "$R/etc/systemd/system/spanhound.service.d/test.conf"
    notify=1
    if ! grep -q 'READY=1' "$R/usr/sbin/spanhound"; then
        notify=0
        printf 'Type=simple\nWatchdogSec=0\n' >> "$R/etc/systemd/system/spanhound.service.d/test.conf"
    fi
    for m in $mounted; do umount "$m" 2>/dev/null || umount -l "$m"; done; mounted=""
    systemd-nspawn --register=no --keep-unit -q --private-network -D "$R" -b > "$W/nspawn.log" 2>&1 &
    NSPID=$!
    CPID=""
    for i in $(seq 1 40); do
        # the container's init: nspawn's child running systemd (the
        # short-lived outer child comes first)
        CPID=$(ps -o pid=,comm= --ppid "$NSPID" 2>/dev/null | awk '$2 == "systemd" {print $1; exit}')
        [ -n "$CPID" ] && break; sleep 0.25
    done
    if [ -z "$CPID" ]; then
        skipped "unit start: systemd-nspawn -b did not boot here ($(tail -1 "$W/nspawn.log"))"; cstop; return
    fi
    # until PID 1 answers on its bus, then until start-up is done
    for i in $(seq 1 120); do
        st=$(timeout 60 nsenter -t "$CPID" -m -u -i -n -p -- /usr/bin/env -i PATH=/usr/bin:/bin \
                 systemctl is-system-running --wait 2>&1)
        case "$st" in *"Failed to connect"*|*"No such file"*) sleep 0.5 ;; *) break ;; esac
    done
    case "$st" in
    running|degraded) ok "systemd-nspawn -b: systemd boots in the root ($st)" ;;
    *) skipped "unit start: systemd in the container is '$st' (cannot boot here)"; cstop; return ;;
    esac
    if c systemctl start spanhound > "$W/start.out" 2>&1; then
        ok "systemctl start spanhound$([ $notify = 0 ] && echo ' (Type=simple drop-in: this build has no sd_notify)' || echo ' (Type=notify: READY=1 received)')"
    else
        bad "systemctl start spanhound" "$(cat "$W/start.out"; c journalctl -u spanhound --no-pager | tail -5)"
        cstop; return
    fi
    sleep 2
    [ "$(c systemctl is-active spanhound)" = active ] && ok "spanhound.service is active" ||
        bad "spanhound.service is active" "$(c journalctl -u spanhound --no-pager | tail -5)"
    pid=$(c systemctl show -p MainPID --value spanhound)
    suid=$(c id -u spanhound)
    c cat "/proc/$pid/status" > "$W/status" 2>&1
    grep -q "^Uid:[[:space:]]*$suid[[:space:]]" "$W/status" && ok "the service runs as spanhound (uid $suid)" ||
        bad "the service runs as spanhound" "$(grep ^Uid "$W/status")"
    grep -q '^CapBnd:[[:space:]]*0000000000002000$' "$W/status" && ok "bounding set: CAP_NET_RAW only" ||
        bad "bounding set: CAP_NET_RAW only" "$(grep ^CapBnd "$W/status")"
    grep -q '^NoNewPrivs:[[:space:]]*1$' "$W/status" && grep -q '^Seccomp:[[:space:]]*2$' "$W/status" &&
        ok "NoNewPrivs and a seccomp filter are set" || bad "NoNewPrivs and a seccomp filter are set" "$(grep -E '^(NoNewPrivs|Seccomp)' "$W/status")"
    e=$(c systemd-analyze security spanhound.service 2>/dev/null | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
    awk -v e="$e" 'BEGIN { exit !(e != "" && e <= 2.0) }' && ok "systemd-analyze security spanhound (the loaded unit): exposure $e" ||
        bad "systemd-analyze security spanhound (the loaded unit) <= 2.0" "'$e'"
    # five DNS queries on lo, written to EVE by the sandboxed service
    for i in 1 2 3 4 5; do
        c bash -c 'printf "\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x07example\x03org\x00\x00\x01\x00\x01" > /dev/udp/127.0.0.1/53'
    done
    n=0
    for i in $(seq 1 20); do
        n=$(c grep -c '"rrname":"example.org"' /var/log/spanhound/eve.json 2>/dev/null); [ "${n:-0}" -ge 5 ] && break; sleep 0.5
    done
    [ "${n:-0}" -ge 5 ] && ok "the sandboxed service captures: 5 DNS queries on lo in /var/log/spanhound/eve.json" ||
        bad "the sandboxed service captures 5 DNS queries on lo" "$n in eve.json"
    # ExecReload=/bin/kill -HUP: the command must exist and succeed
    if c systemctl reload spanhound > "$W/reload.out" 2>&1; then
        sleep 1
        [ "$(c systemctl is-active spanhound)" = active ] && ok "systemctl reload (SIGHUP) succeeds; still active" ||
            bad "systemctl reload (SIGHUP): still active" "$(c journalctl -u spanhound --no-pager | tail -3)"
    else
        bad "systemctl reload (SIGHUP) succeeds" "$(c journalctl -u spanhound --no-pager | grep -v ' [a-z_.]* *[0-9]*$' | tail -3)"
    fi
    t1=$(date +%s)
    c systemctl stop spanhound > /dev/null 2>&1
    res=$(c systemctl show -p Result --value spanhound); code=$(c systemctl show -p ExecMainStatus --value spanhound)
    [ "$res" = success ] && [ "$code" = 0 ] && ok "systemctl stop (SIGTERM): exit 0 in $(( $(date +%s) - t1 )) s" ||
        bad "systemctl stop (SIGTERM) on an idle interface: exit 0 within TimeoutStopSec" "Result=$res ExecMainStatus=$code after $(( $(date +%s) - t1 )) s"
    # the last health report at stop: node_exporter's user must be able to
    # read the file the sandboxed service (UMask=0027) wrote
    s=$(c stat -c '%U:%G %a' /var/lib/spanhound/spanhound.prom 2>&1)
    [ "$s" = "spanhound:spanhound 644" ] && ok "the service wrote /var/lib/spanhound/spanhound.prom, 0644" ||
        bad "the service wrote /var/lib/spanhound/spanhound.prom, 0644" "$s"
    c journalctl -u spanhound --no-pager > "$W/journal.txt" 2>&1
    grep -q 'spanhound\[[0-9]*\]: spanhound: ' "$W/journal.txt" && ok "log lines reach the journal" || bad "log lines reach the journal"
    cstop
    rm -rf "$R/etc/systemd/system/spanhound.service.d"
    mount -t proc proc "$R/proc" && mounted="$R/proc"
    mount --bind "$PWD/$W/archives" "$R/var/cache/apt/archives" && mounted="$R/var/cache/apt/archives $mounted"
}
unit_start
phase "unit under systemd-nspawn"

# ---- remove, purge ------------------------------------------------------------
echo '# a local change' >> "$R/etc/spanhound/spanhound.conf"
dpkg-deb -c "$DEB" | awk '$1 !~ /^d/ {sub(/^\./, "", $6); print $6}' > "$W/files"
in_root apt-get remove -y -q spanhound > "$W/remove.log" 2>&1 && ok "apt-get remove" || bad "apt-get remove" "$(tail -3 "$W/remove.log")"
[ ! -e "$R/usr/sbin/spanhound" ] && ok "remove: binaries gone" || bad "remove: binaries gone"
tail -1 "$R/etc/spanhound/spanhound.conf" 2>/dev/null | grep -q 'a local change' &&
    ok "remove: the changed configuration stays" || bad "remove: the changed configuration stays"
st=$(in_root dpkg-query -W -f='${db:Status-Abbrev}' spanhound 2>&1)
[ "${st% }" = rc ] && ok "remove: dpkg status rc (config-files)" || bad "remove: dpkg status rc" "$st"
[ -d "$R/var/lib/spanhound" ] && [ -e "$R/var/log/spanhound/eve.json" ] && ok "remove: state and logs stay" ||
    bad "remove: state and logs stay"
in_root apt-get purge -y -q spanhound > "$W/purge.log" 2>&1 && ok "apt-get purge" || bad "apt-get purge" "$(tail -3 "$W/purge.log")"
[ ! -e "$R/etc/spanhound" ] && ok "purge: /etc/spanhound gone" || bad "purge: /etc/spanhound gone" "$(ls -la "$R/etc/spanhound" 2>&1)"
[ ! -e "$R/var/lib/spanhound" ] && [ ! -e "$R/var/log/spanhound" ] && ok "purge: /var/lib/spanhound and /var/log/spanhound gone" ||
    bad "purge: state and log directories gone"
if in_root dpkg-query -W spanhound > /dev/null 2>&1; then
    bad "purge: dpkg has no record of spanhound" "$(in_root dpkg -l spanhound | tail -1)"
else
    ok "purge: dpkg has no record of spanhound"
fi
left=""
while read -r f; do [ -e "$R$f" ] || [ -L "$R$f" ] && left="$left $f"; done < "$W/files"
for d in /usr/share/spanhound /usr/share/doc/spanhound; do [ -e "$R$d" ] && left="$left $d"; done
[ -z "$left" ] && ok "purge: none of the package's $(wc -l < "$W/files") files left" || bad "purge: no file of the package left" "$left"
in_root getent passwd spanhound > /dev/null && ok "purge: the system user stays (Debian practice; docs/appliance.md)" ||
    bad "purge: the system user stays"
phase "remove and purge"

report
