#!/usr/bin/env bash
# Runs the C test programs, each against a fresh local emulator (the runner sets AZURE_OPENAI_ENDPOINT and
# AZURE_OPENAI_API_KEY for it), and prints the totals, labelled $TEST_LABEL (default "C tests").
set -uo pipefail
cd "$(dirname "$0")/.."
runner=emulator/.venv/bin/azaudio-emulator-run
passed=0; failed=0; broken=()
for t in "$@"; do
  echo "== $t"
  # A test may ask for emulator options with a line "emulator-options: ..." in its source.
  opts=$(sed -n 's/.*emulator-options: *\([^*]*\).*$/\1/p' "Tests/c/$(basename "$t").c" 2>/dev/null | head -n 1)
  # shellcheck disable=SC2086
  # TEST_WRAPPER (e.g. "valgrind --error-exitcode=99 ...") runs each program under a tool.
  if [ -x "$runner" ]; then out=$("$runner" $opts -- ${TEST_WRAPPER:-} "$t" 2>&1); rc=$?; else out=$(${TEST_WRAPPER:-} "$t" 2>&1); rc=$?; fi
  echo "$out"
  line=$(echo "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -n 1)
  if [ -n "$line" ]; then
    passed=$((passed + $(echo "$line" | cut -d' ' -f1)))
    failed=$((failed + $(echo "$line" | cut -d' ' -f3)))
  fi
  if [ $rc -ne 0 ] || [ -z "$line" ]; then broken+=("$t (exit $rc)"); fi
done
echo "${TEST_LABEL:-C tests}: $passed passed, $failed failed"
if [ ${#broken[@]} -gt 0 ]; then echo "failing programs: ${broken[*]}" >&2; exit 1; fi
