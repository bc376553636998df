#!/bin/bash
# make mutants: every trust rule removed in turn (tests/mutants/mutate.py),
# in a scratch worktree of HEAD; each mutant must make a unit test of the
# engine or an attack or behaviour regression fail.  Prints one line per mutant and a
# total; exits 1 when a mutant survives.  Takes ~15 min (a build each).
set -u
ROOT=$(git rev-parse --show-toplevel)
W=$(mktemp -d)
trap 'git -C "$ROOT" worktree remove --force "$W/tree" >/dev/null 2>&1; rm -rf "$W"' EXIT
git -C "$ROOT" worktree add -q --detach "$W/tree" HEAD || exit 1
cd "$W/tree" || exit 1
killed=0; survived=0
# MUTANTS="M1_bypass M2_protect" runs only those
for m in ${MUTANTS:-$(/usr/bin/python3 "$ROOT/tests/mutants/mutate.py" --list)}; do
    git checkout -q -- detect/ capture/
    /usr/bin/python3 "$ROOT/tests/mutants/mutate.py" "$m" || { echo "  FAIL  $m: does not apply"; survived=$((survived + 1)); continue; }
    if ! make -s -j2 build/spanhound build/tests/test_detect build/tests/test_host \
            build/tests/test_beacon build/tests/test_flowrec build/tests/test_intel >"$W/build" 2>&1; then
        echo "  FAIL  $m: does not build: $(grep -m1 error "$W/build")"; survived=$((survived + 1)); continue
    fi
    u=$( (./build/tests/test_detect; ./build/tests/test_host; ./build/tests/test_beacon;
          ./build/tests/test_flowrec; ./build/tests/test_intel) 2>&1 | sed -n 's/^\[  FAILED  \] \([a-z_]*\)$/\1/p' | sort -u | tr '\n' ' ')
    a=$( (tests/regress/attacks/run.sh build/spanhound; tests/regress/behaviour/run.sh build/spanhound) 2>&1 |
         sed -n 's/^  FAIL  \([a-z_0-9]*\).*/\1/p' | tr '\n' ' ')
    if [ -n "$u$a" ]; then
        killed=$((killed + 1)); echo "  ok    $m killed by: $u$a"
    else
        survived=$((survived + 1)); echo "  FAIL  $m survived: no test noticed"
    fi
done
echo "mutants: $killed killed, $survived survived"
[ "$survived" -eq 0 ]
