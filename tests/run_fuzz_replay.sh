#!/bin/sh
# Replays every fuzz corpus through its harness built with gcc + ASan/UBSan.
# build/asan/fuzz/fuzz_<name> <-> tests/fuzz/corpus/<name>/
set -u
pass=0; fail=0
for h in "$@"; do
    name=$(basename "$h"); name=${name#fuzz_}
    dir=tests/fuzz/corpus/$name
    if [ ! -d "$dir" ] || [ -z "$(ls -A "$dir" 2>/dev/null)" ]; then
        echo "  $name: no corpus in $dir"; fail=$((fail + 1)); continue
    fi
    n=$(ls "$dir" | wc -l)
    if out=$("$h" "$dir"/* 2>&1); then
        pass=$((pass + 1)); printf '  %-20s %5d inputs ok\n' "$name" "$n"
    else
        fail=$((fail + 1)); printf '%s\n' "$out" | tail -30; echo "  $name: FAILED"
    fi
done
mkdir -p build
echo "fuzz-replay $pass $fail" >> build/test-results.txt
echo "fuzz corpus replay (ASan/UBSan): $pass passed, $fail failed"
[ "$fail" -eq 0 ]
