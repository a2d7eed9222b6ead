#!/usr/bin/env bash
# Runs the benchmarks (scripts and programs that measure and print; never part of make test).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build/bench
cc=${CC:-cc}
ld=(-Lbuild/lib -lazaudio "-Wl,-rpath,$PWD/build/lib" -lm)
echo "== audio kit: resampler and G.711 CPU cost"
$cc -std=c99 -O2 -Wall -Wextra -Werror -Iinclude bench/resampler.c -o build/bench/resampler "${ld[@]}"
build/bench/resampler
