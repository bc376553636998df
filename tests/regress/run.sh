#!/bin/bash
# pcap regression tests.
#  1. decode: every encapsulation in pcaps/decode/ yields the DNS names and
#     HTTP transactions listed in pcaps/decode/expected.txt (written by
#     tests/gen/gen_decode.py together with the captures)
#  2. metadata: on every bundled capture, spanhound's DNS names/rcodes, HTTP
#     host+URI, TLS SNI/JA3/JA3S and QUIC SNI/JA3/JA3S agree with tshark's
#     (tests/regress/tshark_compare.py); skipped, and counted so, without tshark;
#     RA and DHCPv6 fields likewise (tests/regress/ipv6_compare.py)
#  2c. JA4: every ClientHello of FoxIO's captures (pcaps/tls/foxio-*) has
#     the tls.ja4 FoxIO's expected outputs give (pcaps/tls/foxio-ja4-expected.txt,
#     tests/regress/ja4_compare.py); needs no tshark
#  2d. JA4S/JA4X: every ServerHello and leaf certificate of those captures has
#     the tls.ja4s / tls.ja4x (eve.extended) FoxIO's expected outputs give
#     (pcaps/tls/foxio-ja4s-ja4x-expected.txt, tests/regress/ja4sx_compare.py)
#  2e. certificates: the leaf's tls.fingerprint_sha256 and tls.fingerprint
#     equal openssl's fingerprints of the DER tshark extracts
#     (tests/regress/cert_compare.py); skipped without tshark or openssl
#     tests/regress/ja4_compare.py, TLS over TCP and QUIC); needs no tshark
#  2f. QUIC versions: the QUIC records of pcaps/quic/gen-quic-versions.pcap
#     (draft-29, v2, Retry, split and coalesced Initials, negatives) are
#     what tests/gen/gen_quic.py built (tests/regress/quic_compare.py)
#  3. detections: tests/regress/detect/run.sh (see its README)
#  4. attacks: tests/regress/attacks/run.sh, when the directory has one
#  5. behaviour: tests/regress/behaviour/run.sh, likewise
#  6. geo: tests/geo/run.sh (GeoIP/ASN context on test MaxMind DB files)
#  7. exfil: tests/regress/exfil/run.sh, likewise (captures in pcaps/exfil/)
#  8. tells: tests/regress/tells/run.sh, likewise (captures in pcaps/tells/)
#  9. intel: tests/regress/intel/run.sh (feed matches end to end, and the
#     --export-iocs round trip: STIX bundle and plain lists re-imported)
# Every spanhound run must exit 0 without a sanitizer report; every helper's
# exit status is checked.  Each part appends
#   "regress:<part> <passed> <failed> <skipped> [note]"
# to build/test-results.txt (tests/summarize.sh); a part that prints no
# result counts as failed.
# Usage: tests/regress/run.sh build/spanhound
set -u
BIN=${1:-build/spanhound}
R=build/test-results.txt
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p build
tp=0; tf=0; ts=0

# record PART PASSED FAILED SKIPPED [NOTE]
record() {
    echo "regress:$1 $2 $3 $4${5:+ $5}" >> "$R"
    tp=$((tp + $2)); tf=$((tf + $3)); ts=$((ts + $4))
}

# helper_result NAME OUTPUT RC PREFIX: reads "PREFIX: P passed, F failed[, S skipped]"
# from OUTPUT (the last such line) and sets hp hf hs; no line, or a non-zero
# exit with no failure counted, is one failure more
helper_result() {
    local line
    line=$(printf '%s\n' "$2" | grep -E "^$4: [0-9]+ passed, [0-9]+ failed" | tail -1)
    hp=0; hf=0; hs=0; hnote=""
    if [ -z "$line" ]; then
        hf=1; hnote="$1 printed no result line (exit $3)"
        echo "  FAIL  $hnote"; return
    fi
    hp=$(printf '%s\n' "$line" | sed -E 's/^[^:]*: ([0-9]+) passed.*/\1/')
    hf=$(printf '%s\n' "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
    hs=$(printf '%s\n' "$line" | sed -nE 's/.* ([0-9]+) skipped.*/\1/p')
    hs=${hs:-0}
    if [ "$3" -ne 0 ] && [ "$hf" -eq 0 ]; then
        hf=1; hnote="$1 exited $3 but reported no failure"
        echo "  FAIL  $hnote"
    fi
}

# ---- 1. decode ------------------------------------------------------------
pass=0; fail=0
declare -A ran
if [ ! -s pcaps/decode/expected.txt ]; then
    fail=1; echo "  FAIL  decode: pcaps/decode/expected.txt is missing or empty"
else
    while IFS=$'\t' read -r file name; do
        case "$file" in ''|\#*) continue;; esac
        if [ -z "${ran[$file]:-}" ]; then
            if [ ! -f "pcaps/decode/$file" ]; then
                ran[$file]="capture is missing"
            elif "$BIN" -r "pcaps/decode/$file" --eve "$T/$file.json" >"$T/$file.out" 2>"$T/$file.err"; then
                if grep -q -e 'Sanitizer' -e 'runtime error:' "$T/$file.err"; then
                    ran[$file]="sanitizer report: $(grep -m1 -e 'Sanitizer' -e 'runtime error:' "$T/$file.err")"
                else
                    ran[$file]=ok
                fi
            else
                ran[$file]="spanhound exited $?: $(tail -2 "$T/$file.err" | tr '\n' ' ')"
            fi
        fi
        if [ "${ran[$file]}" != ok ]; then
            fail=$((fail + 1)); echo "  FAIL  decode: $file: ${ran[$file]} ($name not checked)"
            continue
        fi
        case "$name" in
        url:*)
            url=${name#url:}
            if grep -F '"event_type":"http"' "$T/$file.json" | grep -qF "\"url\":\"$url\""; then
                pass=$((pass + 1))
            else
                fail=$((fail + 1)); echo "  FAIL  decode: $file: no HTTP transaction for $url"
            fi;;
        http:*)
            url=${name#http:}
            if grep -F '"event_type":"http"' "$T/$file.json" | grep -F "\"url\":\"$url\"" | grep -qF '"status":'; then
                pass=$((pass + 1))
            else
                fail=$((fail + 1)); echo "  FAIL  decode: $file: no answered HTTP transaction for $url"
            fi;;
        *)
            if grep -F '"event_type":"dns"' "$T/$file.json" | grep -qF "\"rrname\":\"$name\""; then
                pass=$((pass + 1))
            else
                fail=$((fail + 1)); echo "  FAIL  decode: $file: no DNS event for $name"
            fi;;
        esac
    done < pcaps/decode/expected.txt
fi
echo "  decode: $pass passed, $fail failed"
record decode $pass $fail 0

# ---- 2. tshark agreement ----------------------------------------------------
# *-beyond-tshark.pcap: streams tshark itself cannot reassemble (a segment
# the capture lost); they are checked against expected.txt only, and counted
# here as skipped
caps=(pcaps/dns/* pcaps/http/* pcaps/tls/*.pcap pcaps/tls/*.pcapng pcaps/quic/*.pcap pcaps/quic/*.pcapng
      pcaps/benign/* pcaps/demo/*.pcap
      pcaps/tells/*.pcap tests/regress/detect/*/*.pcap)
beyond=()
for f in pcaps/decode/*.pcap; do
    case "$f" in *-beyond-tshark.pcap) beyond+=("$f");; *) caps+=("$f");; esac
done
if ! command -v tshark >/dev/null 2>&1; then
    n=$(( ${#caps[@]} + ${#beyond[@]} ))
    echo "  skip  tshark agreement: tshark is not installed ($n captures not compared)"
    record tshark 0 0 "$n" "tshark not installed"
else
    out=$(/usr/bin/python3 tests/regress/tshark_compare.py --quiet --spanhound "$BIN" "${caps[@]}" 2>&1)
    rc=$?
    printf '%s\n' "$out" | grep -v '^tshark agreement' | sed 's/^/  /'
    helper_result tshark_compare.py "$out" $rc "tshark agreement"
    for f in "${beyond[@]}"; do echo "  skip  tshark agreement: $f (tshark cannot reassemble it)"; done
    hs=$((hs + ${#beyond[@]}))
    echo "  tshark agreement: $hp captures agree, $hf disagree or failed, $hs skipped"
    record tshark "$hp" "$hf" "$hs" "$hnote"
fi

# ---- 2b. RA and DHCPv6 fields against tshark (and scapy for option 79) ------
if ! command -v tshark >/dev/null 2>&1; then
    echo "  skip  RA/DHCPv6 agreement: tshark is not installed"
    record ipv6 0 0 2 "tshark not installed"
else
    out=$(/usr/bin/python3 tests/regress/ipv6_compare.py --spanhound "$BIN" \
          pcaps/decode/ipv6-ra-dhcp6.pcap pcaps/tls/anyrun-sxn-asyncrat-9596cf60.pcap 2>&1)
    rc=$?
    printf '%s\n' "$out" | sed 's/^/  /'
    if [ $rc -eq 0 ]; then record ipv6 1 0 0
    else echo "  FAIL  RA/DHCPv6 agreement (exit $rc)"; record ipv6 0 1 0 "ipv6_compare.py exit $rc"; fi
fi

# ---- 2c. JA4 against FoxIO's expected outputs -------------------------------
out=$(/usr/bin/python3 tests/regress/ja4_compare.py --spanhound "$BIN" \
      pcaps/tls/foxio-ja4-expected.txt 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/  /'
helper_result ja4_compare.py "$out" $rc "ja4 agreement"
record ja4 "$hp" "$hf" "$hs" "$hnote"

# ---- 2d. JA4S and JA4X against FoxIO's expected outputs ---------------------
out=$(/usr/bin/python3 tests/regress/ja4sx_compare.py --spanhound "$BIN" \
      pcaps/tls/foxio-ja4s-ja4x-expected.txt 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/  /'
helper_result ja4sx_compare.py "$out" $rc "ja4s/ja4x agreement"
record ja4sx "$hp" "$hf" "$hs" "$hnote"

# ---- 2e. leaf certificate SHA-256 / SHA-1 against openssl --------------------
if ! command -v tshark >/dev/null 2>&1 || ! command -v openssl >/dev/null 2>&1; then
    echo "  skip  certificate agreement: tshark or openssl is not installed"
    record certs 0 0 1 "tshark or openssl not installed"
else
    out=$(/usr/bin/python3 tests/regress/cert_compare.py --quiet --spanhound "$BIN" \
          pcaps/tls/*.pcap pcaps/tls/*.pcapng pcaps/benign/* pcaps/demo/*.pcap 2>&1)
    rc=$?
    printf '%s\n' "$out" | sed 's/^/  /'
    helper_result cert_compare.py "$out" $rc "certificate agreement"
    record certs "$hp" "$hf" "$hs" "$hnote"
fi
# ---- 2f. QUIC versions and corner cases against the generator ---------------
out=$(/usr/bin/python3 tests/regress/quic_compare.py --spanhound "$BIN" \
      pcaps/quic/gen-quic-expected.txt 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/  /'
helper_result quic_compare.py "$out" $rc "quic agreement"
record quic "$hp" "$hf" "$hs" "$hnote"

# ---- 3. detections ----------------------------------------------------------
if [ -x tests/regress/detect/run.sh ]; then
    out=$(tests/regress/detect/run.sh "$BIN" 2>&1); rc=$?
    printf '%s\n' "$out" | sed 's/^/  /'
    helper_result detect/run.sh "$out" $rc detections
    record detect "$hp" "$hf" "$hs" "$hnote"
else
    echo "  FAIL  tests/regress/detect/run.sh is missing or not executable"
    record detect 0 1 0 "tests/regress/detect/run.sh missing or not executable"
fi

# ---- 4, 5, 7, 8. attack, behaviour, exfiltration and tell regressions (the attacks
# runner, each on its own cases, when present) ---------------------------------
for part in attacks behaviour exfil tells; do
    A=tests/regress/$part/run.sh
    if [ -e "$A" ]; then
        if [ ! -x "$A" ]; then
            echo "  FAIL  $A exists but is not executable"
            record "$part" 0 1 0 "$A not executable"
        else
            out=$("$A" "$BIN" 2>&1); rc=$?
            printf '%s\n' "$out" | sed 's/^/  /'
            helper_result "$part/run.sh" "$out" $rc "$part"
            record "$part" "$hp" "$hf" "$hs" "$hnote"
        fi
    elif [ -d "tests/regress/$part" ]; then
        echo "  note  tests/regress/$part/ has no run.sh: not run"
    fi
done

# ---- 6. GeoIP/ASN context (tests/geo/run.sh: test MaxMind DB files built
# on the spot, mmdblookup as the oracle) ---------------------------------------
if [ -x tests/geo/run.sh ]; then
    out=$(tests/geo/run.sh "$BIN" 2>&1); rc=$?
    printf '%s\n' "$out" | sed 's/^/  /'
    helper_result geo/run.sh "$out" $rc geo
    record geo "$hp" "$hf" "$hs" "$hnote"
else
    echo "  FAIL  tests/geo/run.sh is missing or not executable"
    record geo 0 1 0 "tests/geo/run.sh missing or not executable"
fi

# ---- 9. threat-intelligence feeds and the export round trip -------------------
out=$(tests/regress/intel/run.sh "$BIN" 2>&1); rc=$?
printf '%s\n' "$out" | sed 's/^/  /'
helper_result intel/run.sh "$out" $rc intel
record intel "$hp" "$hf" "$hs" "$hnote"

echo "regression tests: $tp passed, $tf failed, $ts skipped"
[ "$tf" -eq 0 ]
