#!/usr/bin/env bash
# make test-gateway: azaudio-gateway end to end against a fresh emulator (SIPp, a Python caller, baresip), then
# one call under valgrind memcheck. Needs the Debian packages sip-tester and libre-dev (scripts/install-deps.sh).
set -uo pipefail
cd "$(dirname "$0")/.."
runner=emulator/.venv/bin/azaudio-emulator-run
python=$(pwd)/emulator/.venv/bin/python
for tool in sipp; do
  command -v "$tool" >/dev/null ||
    { echo "test-gateway: $tool is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
done
# valgrind 3.19 cannot read the Swift runtime's DWARF 5: the valgrind run loads a copy stripped of debug info.
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
strip --strip-debug -o "$dir/libazaudio.so.0" build/lib/libazaudio.so.0.1.0
export GW_VALGRIND_LIBDIR="$dir"
# --speed 4: the emulator streams replies faster than real time; the gateway still plays them at the line's pace.
"$runner" --speed 4 -- "$python" Tests/gateway/test_gateway.py
rc=$?
# One short run of the gateway benchmark, so that its harness cannot rot (numbers not checked).
"$python" bench/gateway/bench_gateway.py --smoke || rc=1
exit $rc
