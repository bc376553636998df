#!/bin/sh
# make fuzz: runs each libFuzzer harness for $1 seconds on a scratch copy of
# its corpus; new crashers are left in build/fuzz/crash-<name>-* .
set -u
secs=$1; shift
status=0
for h in "$@"; do
    name=$(basename "$h"); name=${name#fuzz_}
    work=build/fuzz/corpus-$name
    mkdir -p "$work"
    [ -d tests/fuzz/corpus/$name ] && cp -n tests/fuzz/corpus/$name/* "$work"/ 2>/dev/null
    echo "== fuzz $name for ${secs}s"
    if ! "$h" -max_total_time="$secs" -print_final_stats=1 \
          -artifact_prefix=build/fuzz/crash-$name- "$work" 2>build/fuzz/$name.log; then
        status=1; tail -40 build/fuzz/$name.log
    fi
    grep -E 'stat::number_of_executed_units|cov:' build/fuzz/$name.log | tail -2
done
exit $status
