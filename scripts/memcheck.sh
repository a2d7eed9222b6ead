#!/usr/bin/env bash
# Runs C test programs under valgrind memcheck, each against a fresh emulator as scripts/run-c-tests.sh does: no
# invalid access and no definite or indirect leak (valgrind's exit code 99 fails the program). valgrind 3.19 cannot
# read the DWARF 5 of the Swift runtime, so the programs load a copy of the library stripped of debug info.
#   scripts/memcheck.sh build/tests/test_X ...
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
strip --strip-debug -o "$dir/libazaudio.so.0" build/lib/libazaudio.so.0.1.0
export LD_LIBRARY_PATH="$dir"
# Only the leak kinds that fail are shown: a passing run prints no "possibly lost" records.
export TEST_WRAPPER="valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect \
  --errors-for-leak-kinds=definite,indirect --error-exitcode=99"
export TEST_LABEL="memcheck (C tests under valgrind)"
scripts/run-c-tests.sh "$@"
