#!/usr/bin/env bash
# The long-audio acceptance run against the emulator: bench/longaudio/acceptance.sh [MINUTES] (default 60;
# `scripts/bench.sh --smoke` uses 3). See acceptance.c.
set -euo pipefail
cd "$(dirname "$0")/../.."
minutes=${1:-60}
mkdir -p build/bench
${CC:-cc} -std=c99 -O2 -Wall -Wextra -Werror -Iinclude -ITests/c bench/longaudio/acceptance.c \
    -o build/bench/longaudio_acceptance -Lbuild/lib -lazaudio "-Wl,-rpath,$PWD/build/lib" -lcurl -lm
exec emulator/.venv/bin/azaudio-emulator-run -- build/bench/longaudio_acceptance "$minutes"
