#!/usr/bin/env bash
# make test's suite runner: runs the given make targets (the test suites) in $TEST_LANES lanes at a time (default
# 2), after `make test` has built everything they share (the library, examples, gateway, test programs, venvs).
#   scripts/run-suites.sh SUITE[+SUITE...] ...
# SUITE+SUITE runs those suites one after the other in one lane (they share a build directory). Each suite runs as
# `make SUITE` with the library taken as built (-o lib), so no suite rebuilds or re-links it under another one; its
# output is printed whole when it ends. The end is a table of every suite's result and wall time, slowest first.
set -uo pipefail
cd "$(dirname "$0")/.."
lanes=${TEST_LANES:-2}
case $lanes in '' | *[!0-9]* | 0) echo "run-suites: TEST_LANES must be a positive number" >&2; exit 2 ;; esac
[ $# -gt 0 ] || { echo "usage: scripts/run-suites.sh SUITE[+SUITE...] ..." >&2; exit 2; }
outdir=$(mktemp -d)
trap 'rm -rf "$outdir"' EXIT
units=("$@")

# Runs one unit (suites joined by +) and records "suite rc seconds" lines in $outdir/N.rc.
run_unit() {
  local n=$1 suite start rc
  : >"$outdir/$n.res"
  for suite in ${units[$n]//+/ }; do
    start=$(date +%s)
    make --no-print-directory -o lib -o .build/header-stamp "$suite" >>"$outdir/$n.out" 2>&1 </dev/null
    rc=$?
    echo "$suite $rc $(($(date +%s) - start))" >>"$outdir/$n.res"
  done
  mv "$outdir/$n.res" "$outdir/$n.rc"
}

failed=()
report() {
  local n=$1 suite rc secs
  while read -r suite rc secs; do
    echo "== $suite: $([ "$rc" -eq 0 ] && echo passed || echo "FAILED (exit $rc)") in ${secs} s"
    [ "$rc" -eq 0 ] || failed+=("$suite")
    echo "$secs $suite $([ "$rc" -eq 0 ] && echo ok || echo FAILED)" >>"$outdir/summary"
  done <"$outdir/$n.rc"
  cat "$outdir/$n.out" 2>/dev/null
}

declare -A running=()
next=0; total=${#units[@]}; began=$(date +%s)
while [ $next -lt $total ] || [ ${#running[@]} -gt 0 ]; do
  while [ $next -lt $total ] && [ ${#running[@]} -lt "$lanes" ]; do
    run_unit "$next" &
    running[$next]=$!
    next=$((next + 1))
  done
  sleep 0.5
  for n in "${!running[@]}"; do
    if [ -e "$outdir/$n.rc" ]; then
      wait "${running[$n]}" 2>/dev/null
      unset "running[$n]"
      report "$n"
    fi
  done
done
echo "== suites (wall seconds, $lanes at a time; $(($(date +%s) - began)) s in all):"
sort -rn "$outdir/summary" | awk '{ printf "   %5d s  %-16s %s\n", $1, $2, $3 }'
if [ ${#failed[@]} -gt 0 ]; then echo "failing suites: ${failed[*]}" >&2; exit 1; fi
