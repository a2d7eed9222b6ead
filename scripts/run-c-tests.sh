#!/usr/bin/env bash
# Runs the C test programs, each against a fresh local emulator (the runner sets AZURE_OPENAI_ENDPOINT and
# AZURE_OPENAI_API_KEY for it), and prints the totals, labelled $TEST_LABEL (default "C tests").
#
# Programs run $TEST_JOBS at a time (default: the number of cores plus one; most programs spend their time waiting
# on the emulator's paced replies, not on a core). Each program's output is printed whole when it ends, with its
# wall time, so parallel runs stay readable. A program whose source has a line "test-cost: long" starts first, so a
# long program does not end up running alone at the end. Every program gets its own emulator on its own port.
set -uo pipefail
cd "$(dirname "$0")/.."
runner=emulator/.venv/bin/azaudio-emulator-run
jobs=${TEST_JOBS:-$(($(nproc 2>/dev/null || echo 1) + 1))}
case $jobs in '' | *[!0-9]* | 0) echo "run-c-tests: TEST_JOBS must be a positive number" >&2; exit 2 ;; esac
outdir=$(mktemp -d)
trap 'rm -rf "$outdir"' EXIT

source_of() { echo "Tests/c/$(basename "$1").c"; }

# The long programs first, then the rest in the order given.
ordered=()
for t in "$@"; do grep -qs 'test-cost: long' "$(source_of "$t")" && ordered+=("$t"); done
for t in "$@"; do grep -qs 'test-cost: long' "$(source_of "$t")" || ordered+=("$t"); done

# Runs one program; writes its output to $outdir/N.out and "rc seconds" to $outdir/N.rc.
run_one() {
  local n=$1 t=$2 opts start rc
  # A test may ask for emulator options with a line "emulator-options: ..." in its source.
  opts=$(sed -n 's/.*emulator-options: *\([^*]*\).*$/\1/p' "$(source_of "$t")" 2>/dev/null | head -n 1)
  start=$(date +%s)
  # shellcheck disable=SC2086
  # TEST_WRAPPER (e.g. "valgrind --error-exitcode=99 ...") runs each program under a tool.
  if [ -x "$runner" ]; then
    "$runner" $opts -- ${TEST_WRAPPER:-} "$t" >"$outdir/$n.out" 2>&1 </dev/null
  else
    ${TEST_WRAPPER:-} "$t" >"$outdir/$n.out" 2>&1 </dev/null
  fi
  rc=$?
  echo "$rc $(($(date +%s) - start))" >"$outdir/$n.rc.tmp" && mv "$outdir/$n.rc.tmp" "$outdir/$n.rc"
}

passed=0; failed=0; broken=()
report() {
  local n=$1 t=${ordered[$1]} rc secs line
  read -r rc secs <"$outdir/$n.rc"
  echo "== $t (${secs} s)"
  cat "$outdir/$n.out"
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$outdir/$n.out" | tail -n 1)
  if [ -n "$line" ]; then
    passed=$((passed + $(echo "$line" | cut -d' ' -f1)))
    failed=$((failed + $(echo "$line" | cut -d' ' -f3)))
  fi
  if [ "$rc" -ne 0 ] || [ -z "$line" ]; then broken+=("$t (exit $rc)"); fi
}

declare -A running=()
next=0; total=${#ordered[@]}
while [ $next -lt $total ] || [ ${#running[@]} -gt 0 ]; do
  while [ $next -lt $total ] && [ ${#running[@]} -lt "$jobs" ]; do
    run_one "$next" "${ordered[$next]}" &
    running[$next]=$!
    next=$((next + 1))
  done
  sleep 0.2
  for n in "${!running[@]}"; do
    if [ -e "$outdir/$n.rc" ]; then
      wait "${running[$n]}" 2>/dev/null
      unset "running[$n]"
      report "$n"
    fi
  done
done
echo "${TEST_LABEL:-C tests}: $passed passed, $failed failed"
if [ ${#broken[@]} -gt 0 ]; then echo "failing programs: ${broken[*]}" >&2; exit 1; fi
