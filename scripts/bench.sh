#!/usr/bin/env bash
# make bench: builds the benchmark programs and the bench virtualenv, then runs every benchmark (bench/harness.py):
# realtime CPU, density, memory, the issue-5 200-session run and its bare-C-loop floor (bench/realtime/bare_loop.c)
# against bench/realtime_server, the same over wss:// (its TLS mode), renewal and reconnect switch delays and the
# conversation mirror's CPU share (issue 18; bench/rt_switch.py, bench/rt_tls.py); upload, TTS first byte, small calls and start-up against the emulator; libazaudio
# from C and from Python against the openai SDK and curl; resource growth under abuse (bench/abuse/abuse.c).
# Writes bench/results/latest.{json,md,png}.
#
#   scripts/bench.sh                full run (median of 5, about 15 minutes on the 2-core machine)
#   scripts/bench.sh --smoke        one short repetition of each; last line "bench smoke: N passed, N failed"
#                                   (the long-audio benchmark then uses 30 minutes of audio instead of 2 hours)
#   scripts/bench.sh --micro        also the audio-kit micro benchmark (resampler, G.711), the cost of
#                                   realtime caller-format conversion and of an empty pull-mode poll
#   extra arguments go to bench/harness.py (e.g. --reps 7, --only rt_cpu,rt_density)
# Expects build/lib (make lib; the Makefile's bench target builds it) and the emulator venv (make emulator-venv).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build/bench
cc=${CC:-cc}
ld=(-Lbuild/lib -lazaudio "-Wl,-rpath,$PWD/build/lib")
micro=0
args=()
for a in "$@"; do
    if [ "$a" = --micro ]; then micro=1; else args+=("$a"); fi
done
[ -e build/lib/libazaudio.so.0 ] || { echo "bench: build the library first (make lib)"; exit 1; }
[ -x emulator/.venv/bin/azaudio-emulator ] || make --no-print-directory -C emulator venv >/dev/null

$cc -std=c11 -O2 -Wall -Wextra -Werror bench/realtime_server/*.c -o build/bench/rt_echo_server -lssl -lcrypto
$cc -std=c11 -O2 -Wall -Wextra -Werror -Iinclude bench/realtime/bench_realtime.c -o build/bench/bench_realtime \
    "${ld[@]}" -lpthread
$cc -std=c11 -O2 -Wall -Wextra -Werror -ISources/CBase64/include bench/realtime/bare_loop.c Sources/CBase64/base64_simd.c \
    -o build/bench/bare_loop -lcurl -lpthread
$cc -std=c99 -O2 -Wall -Wextra -Werror -Iinclude bench/rest/bench_rest.c -o build/bench/bench_rest "${ld[@]}"
$cc -std=c99 -O2 -Wall -Wextra -Werror -Iinclude bench/startup/startup.c -o build/bench/startup "${ld[@]}"
$cc -std=c11 -O2 -Wall -Wextra -Werror -Iinclude bench/abuse/abuse.c -o build/bench/abuse "${ld[@]}" -lpthread

# The bench virtualenv: the openai SDK (same version as the emulator's tests use), websockets for its realtime
# client, matplotlib for the chart. The azaudio binding is used from a copy of bindings/python (below) with this
# tree's library.
venv=bench/.venv
stamp=$venv/.installed-1
if [ ! -e "$stamp" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check "openai==3.57.0" "websockets==17.4" matplotlib
    touch "$stamp"
fi

# The Python rows import the binding from a copy in build/bench/pybinding with its optional compiled bridge
# (bindings/python/azaudio/_cbridge*.c) built beside it, as a wheel user gets it (a copy: the wheel suite may build
# from bindings/python at the same time in make test). Without a compiler or Python headers the copy runs on ctypes.
rm -rf build/bench/pybinding && mkdir -p build/bench/pybinding
tar -C bindings/python --exclude=__pycache__ --exclude='*.so' -cf - azaudio | tar -C build/bench/pybinding -xf -
py_include=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["include"])')
if ! $cc -shared -fPIC -O2 -Wall -Wextra -Werror -I"$py_include" bindings/python/azaudio/_cbridge*.c \
    -o build/bench/pybinding/azaudio/_cbridge.abi3.so 2> build/bench/cbridge.log; then
    echo "bench: the binding's compiled bridge did not build (build/bench/cbridge.log); the Python rows use ctypes"
fi

if [ "$micro" = 1 ]; then
    echo "== audio kit: resampler and G.711 CPU cost"
    $cc -std=c99 -O2 -Wall -Wextra -Werror -Iinclude bench/resampler.c -o build/bench/resampler "${ld[@]}" -lm
    build/bench/resampler
    echo "== realtime sessions: CPU cost of caller-format conversion (against the emulator)"
    $cc -std=c99 -O2 -Wall -Wextra -Iinclude bench/telephony/session_conversion.c -o build/bench/session_conversion \
        "${ld[@]}" -lm
    emulator/.venv/bin/azaudio-emulator-run --speed 50 -- build/bench/session_conversion
    echo "== realtime pull mode: cost of an empty poll (poll_event) against the TIMEOUT route (next_event)"
    $cc -std=c99 -O2 -Wall -Wextra -Werror -Iinclude bench/realtime/poll_cost.c -o build/bench/poll_cost "${ld[@]}"
    emulator/.venv/bin/azaudio-emulator-run -- build/bench/poll_cost
fi
# --only ROWS runs just those harness rows: the long-audio and abuse runs below are no harness rows and are left out
# (they take minutes; before, `--only rt_floor` ran them all the same).
only=0
for a in "${args[@]}"; do case "$a" in --only | --only=*) only=1 ;; esac; done
if [ "$only" = 0 ]; then
    # Issue 14: a long recording cut into pieces against a stand-in service (wall time against sequential pieces,
    # peak RSS, CPU per audio hour). The full run uses a 2-hour recording.
    echo "== long audio: pieces at once against one at a time"
    if [[ " ${args[*]-} " == *" --smoke "* ]]; then bench/longaudio/run.sh 30; else bench/longaudio/run.sh 120; fi
    # The acceptance run: a generated two-voice recording with known phrases (60 minutes; cached in build/bench) through
    # the emulator in pieces: merged SRT within 0.5 s of every phrase, one label per voice across diarized pieces.
    # make test runs it itself (make test-longaudio), so the smoke run leaves it out.
    if [[ " ${args[*]-} " != *" --smoke "* ]]; then
        echo "== long audio: the 60-minute two-voice acceptance recording"
        bench/longaudio/acceptance.sh 60
    fi

    # Resource limits under abuse (issue 16): 10,000 sessions, 1,000 clients, cancel tokens across threads, against the
    # C echo server; RSS and fd growth after the warm-up tenth (the smoke run does a tenth of it).
    echo "== abuse: sessions, clients and cancel tokens in loops (RSS and fd growth)"
    counts=(10000 1000 100000)
    for a in "${args[@]}"; do [ "$a" = --smoke ] && counts=(1000 100 10000); done
    # The server's stdin is a pipe from a sleep (a lifeline: the server ends at EOF if this script dies). The sleep's
    # stderr goes nowhere and it is killed after the run: it held the caller's stderr for an hour, so
    # `scripts/bench.sh 2>&1 | tail` waited 3600 s after the run had ended.
    exec 3< <(exec sleep 3600 2>/dev/null)
    lifeline=$!
    build/bench/rt_echo_server --port 0 <&3 > build/bench/abuse-server.log &
    server=$!
    for _ in $(seq 100); do grep -q listening build/bench/abuse-server.log && break; sleep 0.1; done
    endpoint=$(sed -n 's/^listening on //p' build/bench/abuse-server.log)
    build/bench/abuse "$endpoint" "${counts[@]}" | tee build/bench/abuse.log
    kill "$server" "$lifeline" 2>/dev/null || true
    exec 3<&-
fi
exec "$venv/bin/python" bench/harness.py "${args[@]}"
