#!/usr/bin/env bash
# The long-audio benchmark: bench/longaudio/run.sh [MINUTES] (default 120; `scripts/bench.sh --smoke` uses 10).
set -euo pipefail
cd "$(dirname "$0")/../.."
minutes=${1:-120}
mkdir -p build/bench
${CC:-cc} -std=c99 -O2 -Wall -Wextra -Werror -Iinclude bench/longaudio/bench_longaudio.c -o build/bench/bench_longaudio \
    -Lbuild/lib -lazaudio "-Wl,-rpath,$PWD/build/lib" -lm
coproc SERVICE { exec python3 bench/longaudio/fake_service.py; }
trap 'kill "$SERVICE_PID" 2>/dev/null || true' EXIT
read -r port <&"${SERVICE[0]}"
build/bench/bench_longaudio "http://127.0.0.1:$port" "$minutes"
