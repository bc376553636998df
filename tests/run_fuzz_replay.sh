#!/bin/sh
# Replays every fuzz corpus through its harness built with gcc + ASan/UBSan.
# build/asan/fuzz/fuzz_<name> <-> tests/fuzz/corpus/<name>/
# Usage: NOT_BUILT="harness..." tests/run_fuzz_replay.sh HARNESS...
# A harness fails when it did not build (listed in NOT_BUILT: make could not
# bring it up to date, so an older copy must not run), when its corpus is
# missing or empty, or when the replay exits non-zero or prints a sanitizer
# report; a corpus directory without a harness fails too.
# Appends "fuzz-replay <passed> <failed> 0 [note]" to build/test-results.txt.
set -u
pass=0; fail=0; not_built=""
for h in "$@"; do
    name=$(basename "$h"); name=${name#fuzz_}
    dir=tests/fuzz/corpus/$name
    case " ${NOT_BUILT:-} " in
    *" $h "*)
        fail=$((fail + 1)); not_built="$not_built $name"; echo "  $name: did not build"; continue;;
    esac
    if [ ! -x "$h" ]; then
        fail=$((fail + 1)); not_built="$not_built $name"; echo "  $name: $h is missing"; continue
    fi
    if [ ! -d "$dir" ] || [ -z "$(ls -A "$dir" 2>/dev/null)" ]; then
        echo "  $name: no corpus in $dir"; fail=$((fail + 1)); continue
    fi
    n=$(ls "$dir" | wc -l)
    if out=$("$h" "$dir"/* 2>&1) && ! printf '%s\n' "$out" | grep -q -e 'Sanitizer' -e 'runtime error:'; then
        pass=$((pass + 1)); printf '  %-20s %5d inputs ok\n' "$name" "$n"
    else
        fail=$((fail + 1)); printf '%s\n' "$out" | tail -30; echo "  $name: FAILED"
    fi
done
for dir in tests/fuzz/corpus/*/; do
    [ -d "$dir" ] || continue
    name=$(basename "$dir")
    case " $* " in
    *"/fuzz_$name "*) ;;
    *) fail=$((fail + 1)); echo "  $name: corpus $dir has no harness (tests/fuzz/fuzz_$name.c)";;
    esac
done
if [ $# -eq 0 ]; then fail=1; echo "  no harnesses given"; fi
mkdir -p build
echo "fuzz-replay $pass $fail 0${not_built:+ did not build:$not_built}" >> build/test-results.txt
echo "fuzz corpus replay (ASan/UBSan): $pass passed, $fail failed, 0 skipped"
[ "$fail" -eq 0 ]
