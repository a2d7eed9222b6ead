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
# The adaptive playout buffer alone, on a simulated clock (with the sanitizers: it is plain C with no libre).
echo "== the playout buffer (Tests/gateway/test_jitter.c)"
cc -std=gnu11 -Wall -Wextra -Werror -O1 -g -fsanitize=address,undefined Tests/gateway/test_jitter.c gateway/jitter.c \
  -o "$dir/test_jitter" && "$dir/test_jitter"
rc=$?
# --speed 4: the emulator streams replies faster than real time; the gateway still plays them at the line's pace.
"$runner" --speed 4 -- "$python" Tests/gateway/test_gateway.py || rc=1
"$runner" --speed 4 -- "$python" Tests/gateway/test_gateway_ops.py || rc=1
"$runner" --speed 4 -- "$python" Tests/gateway/test_gateway_media.py || rc=1
# baresip as the caller and as the called party, in a private network namespace (needs root: CI runs make test as
# root).
netns_setup='ip link set lo up && ip link add v0 type veth peer name v1 && ip addr add 127.0.0.2/32 dev v0 &&
  ip link set v0 up && ip link set v1 up && sysctl -qw net.ipv4.conf.all.route_localnet=1 &&
  sysctl -qw net.ipv4.conf.v0.route_localnet=1'
if command -v baresip >/dev/null && unshare -n true 2>/dev/null; then
  echo "== baresip calls the gateway and is called by it (in a network namespace)"
  unshare -n sh -c "$netns_setup && \"$runner\" --speed 4 -- \"$python\" Tests/gateway/baresip_call.py" || rc=1
else
  echo "== baresip test skipped (needs baresip and root for a network namespace)"
fi
# One short run of the gateway benchmark, so that its harness cannot rot (numbers not checked).
"$python" bench/gateway/bench_gateway.py --smoke || rc=1
exit $rc
