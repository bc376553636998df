#!/bin/bash
# make bench -- throughput and memory, measured (never a pass/fail test).
#
# 1. Builds build/bench/bench.pcap (>= BENCH_MB MiB, default 1100) from the
#    Ethernet dev captures: each is retimed to follow the previous one, the
#    set is concatenated, then replicated with `tcprewrite --seed=N` (a
#    different address mapping per copy, so every copy is new hosts and new
#    flows) and shifted in time, and all copies are concatenated into one
#    continuous capture.  Generated, never committed.
# 2. Times, in ROUNDS alternating rounds on that file: spanhound (EVE off),
#    spanhound (EVE to a file), ndpiReader -q -i, and a bare pcap_next_ex
#    loop; prints packets/s, Gbit/s, ratios and peak memory (GNU time).
# 3. Synthetic captures of 10k, 100k and 1M concurrent flows: time per flow
#    and peak memory per flow, spanhound vs ndpiReader.
# 4. Hash flooding: 60,000 new internal IPv6 sources, chosen to collide in
#    one bucket of the fixed host-table hash spanhound used before its
#    tables were keyed (tests/bench/gen_sources.py), against as many random
#    sources: the crafted capture must cost no more than 2x the random one.
#    OLD_BIN=path also times an older build on both.
#
# Usage: tests/bench/run.sh build/spanhound   (env: BENCH_MB, ROUNDS, DEV, OLD_BIN)
set -eu
BIN=${1:-build/spanhound}
DEV=${DEV:-../shared/data/dev/pcaps}
BENCH_MB=${BENCH_MB:-1100}
ROUNDS=${ROUNDS:-3}
B=build/bench
mkdir -p "$B"
TIME=/usr/bin/time

command -v tcprewrite >/dev/null && command -v mergecap >/dev/null && command -v ndpiReader >/dev/null \
    || { echo "bench: needs tcprewrite, mergecap and ndpiReader (make deps)"; exit 1; }
[ -d "$DEV" ] || { echo "bench: dev captures not found in $DEV (set DEV=...)"; exit 1; }

gcc -O2 -o "$B/genflows" tests/bench/genflows.c
gcc -O2 -o "$B/pcap_loop" tests/bench/pcap_loop.c $(pkg-config --cflags --libs libpcap)

# ---- 1. the benchmark capture -------------------------------------------
if [ ! -s "$B/bench.pcap" ] || [ "$(stat -c %s "$B/bench.pcap")" -lt $((BENCH_MB * 1048576)) ]; then
    echo "== building $B/bench.pcap (>= $BENCH_MB MiB)"
    rm -rf "$B/parts"; mkdir -p "$B/parts"
    cur=1700000000; i=0
    for f in "$DEV"/*/*.pcap "$DEV"/*/*.pcapng; do
        lt=$(capinfos -T -r -E "$f" 2>/dev/null | cut -f2)
        [ "$lt" = "ether" ] || [ "$lt" = "Ethernet" ] || continue
        start=$(capinfos -T -r -S -a "$f" | cut -f2 | cut -d. -f1)
        dur=$(capinfos -T -r -u "$f" | cut -f2 | cut -d. -f1)
        [ "${dur:-0}" -lt 3600 ] || continue          # skip multi-year lab traces
        i=$((i + 1))
        editcap -F pcap -t $((cur - start)) "$f" "$B/parts/$(printf %03d $i).pcap" >/dev/null
        cur=$((cur + dur + 1))
    done
    mergecap -F pcap -a -w "$B/base.pcap" "$B/parts"/*.pcap
    span=$((cur - 1700000000 + 1))
    base_size=$(stat -c %s "$B/base.pcap")
    copies=$(( (BENCH_MB * 1048576 + base_size - 1) / base_size ))
    echo "   base: $i captures, $base_size bytes, ${span}s; $copies copies"
    rm -f "$B/parts"/*.pcap
    for s in $(seq 1 "$copies"); do
        tcprewrite --seed="$s" --infile="$B/base.pcap" --outfile="$B/parts/r.pcap" >/dev/null 2>&1
        editcap -F pcap -t $((s * span)) "$B/parts/r.pcap" "$B/parts/$(printf %04d "$s").pcap" >/dev/null
        rm -f "$B/parts/r.pcap"
    done
    mergecap -F pcap -a -w "$B/bench.pcap" "$B/parts"/[0-9]*.pcap
    rm -rf "$B/parts"
fi
read -r PKTS _ BYTES _ _ < <("$B/pcap_loop" "$B/bench.pcap")
SIZE=$(stat -c %s "$B/bench.pcap")
echo "== bench.pcap: $SIZE bytes on disk, $PKTS packets, $BYTES bytes on the wire"

# ---- 2. throughput --------------------------------------------------------
run() {  # run NAME CMD... -> appends "NAME seconds maxrss_kb" to $B/times
    local name=$1; shift
    $TIME -f "%e %M" -o "$B/t.out" "$@" >/dev/null 2>"$B/$name.err" || { echo "$name failed:"; tail -5 "$B/$name.err"; exit 1; }
    echo "$name $(cat "$B/t.out")" >> "$B/times"
}
: > "$B/times"
for r in $(seq 1 "$ROUNDS"); do
    echo "   round $r/$ROUNDS"
    run spanhound "$BIN" -r "$B/bench.pcap"
    run spanhound_eve "$BIN" -r "$B/bench.pcap" --eve "$B/eve.json"
    rm -f "$B/eve.json"
    run ndpiReader ndpiReader -q -i "$B/bench.pcap"
    run pcap_loop "$B/pcap_loop" "$B/bench.pcap"
done

/usr/bin/python3 - "$B/times" "$PKTS" "$BYTES" <<'EOF' | tee "$B/throughput.txt"
import sys, statistics as st
times, pkts, byts = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rows = {}
for line in open(times):
    n, t, m = line.split()
    rows.setdefault(n, []).append((float(t), int(m)))
med = {n: st.median(t for t, _ in v) for n, v in rows.items()}
mem = {n: max(m for _, m in v) for n, v in rows.items()}
print("%-16s %9s %12s %9s %10s %12s" % ("run", "median s", "packets/s", "Gbit/s", "peak MiB", "runs (s)"))
for n in ("pcap_loop", "spanhound", "spanhound_eve", "ndpiReader"):
    if n not in med:
        continue
    t = med[n]
    print("%-16s %9.2f %12.0f %9.2f %10.1f  %s" % (n, t, pkts / t, byts * 8 / t / 1e9, mem[n] / 1024,
          " ".join("%.2f" % x for x, _ in rows[n])))
print()
print("spanhound / ndpiReader throughput: %.2fx (EVE off), %.2fx (EVE on)" % (
    med["ndpiReader"] / med["spanhound"], med["ndpiReader"] / med["spanhound_eve"]))
print("spanhound / pcap_next_ex loop:     %.2fx of the bare read rate" % (med["pcap_loop"] / med["spanhound"]))
print("peak memory: spanhound %.0f MiB, ndpiReader %.0f MiB" % (mem["spanhound"] / 1024, mem["ndpiReader"] / 1024))
EOF

# ---- 3. flow scaling ------------------------------------------------------
cat > "$B/flows.conf" <<'EOF'
flow: { capacity = 2000000; };
EOF
: > "$B/flows"
for n in 10000 100000 1000000; do
    [ -s "$B/flows-$n.pcap" ] || "$B/genflows" "$n" "$B/flows-$n.pcap"
    $TIME -f "%e %M" -o "$B/t.out" "$BIN" -c "$B/flows.conf" -r "$B/flows-$n.pcap" --stats >/dev/null 2>"$B/fs.err"
    peak=$(awk '/^flow.peak_active/{print $2}' "$B/fs.err")
    echo "spanhound $n $peak $(cat "$B/t.out")" >> "$B/flows"
    $TIME -f "%e %M" -o "$B/t.out" ndpiReader -q -i "$B/flows-$n.pcap" >/dev/null 2>&1
    echo "ndpiReader $n $n $(cat "$B/t.out")" >> "$B/flows"
done
/usr/bin/python3 - "$B/flows" <<'EOF' | tee "$B/flows.txt"
import sys
print("%-11s %8s %10s %8s %10s %12s %12s" % ("tool", "flows", "in table", "s", "peak MiB", "us/flow", "bytes/flow"))
for line in open(sys.argv[1]):
    tool, n, active, t, kb = line.split()
    n, active, t, kb = int(n), int(active), float(t), int(kb)
    print("%-11s %8d %10d %8.2f %10.1f %12.2f %12.0f" % (tool, n, active, t, kb / 1024, t / n * 1e6, kb * 1024 / n))
EOF
# ---- 4. hash flooding -------------------------------------------------------
for k in random crafted; do
    [ -s "$B/flood-$k.pcap" ] || /usr/bin/python3 tests/bench/gen_sources.py "$k" 60000 "$B/flood-$k.pcap"
done
: > "$B/flood"
for r in $(seq 1 "$ROUNDS"); do
    for k in random crafted; do
        $TIME -f "%e %M" -o "$B/t.out" "$BIN" -r "$B/flood-$k.pcap" >/dev/null 2>&1
        echo "spanhound $k $(cat "$B/t.out")" >> "$B/flood"
        if [ -n "${OLD_BIN:-}" ] && [ "$r" -eq 1 ]; then
            $TIME -f "%e %M" -o "$B/t.out" "$OLD_BIN" -r "$B/flood-$k.pcap" >/dev/null 2>&1
            echo "old $k $(cat "$B/t.out")" >> "$B/flood"
        fi
    done
done
/usr/bin/python3 - "$B/flood" <<'EOF' | tee "$B/flood.txt"
import sys, statistics as st
rows = {}
for line in open(sys.argv[1]):
    tool, kind, t, kb = line.split()
    rows.setdefault((tool, kind), []).append((float(t), int(kb)))
print("%-10s %-8s %9s %10s" % ("build", "sources", "median s", "peak MiB"))
for (tool, kind), v in sorted(rows.items()):
    print("%-10s %-8s %9.2f %10.1f" % (tool, kind, st.median(t for t, _ in v), max(m for _, m in v) / 1024))
for tool in ("spanhound", "old"):
    if (tool, "random") in rows and (tool, "crafted") in rows:
        a = st.median(t for t, _ in rows[(tool, "crafted")])
        b = st.median(t for t, _ in rows[(tool, "random")])
        print("%s: crafted / random = %.2fx%s" % (tool, a / b, "  (limit 2x)" if tool == "spanhound" else ""))
EOF
echo "results: $B/throughput.txt $B/flows.txt $B/flood.txt"
