#!/bin/sh
# REST benchmarks: libazaudio against the curl CLI doing the same requests, on the local emulator (or the endpoint
# in AZURE_OPENAI_ENDPOINT / AZURE_OPENAI_API_KEY). Builds the bench program itself with the compile line the
# tests use; expects the library at $LIB_DIR (default .build/release). Prints results; not a test.
#
#   bench/rest/run.sh [RUNS]          (RUNS for the upload and TTFB medians, default 5; 200 small calls fixed)
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LIB_DIR=${LIB_DIR:-$ROOT/.build/release}
RUNS=${1:-5}
MANY=${BENCH_MANY:-200}
EMULATOR=${EMULATOR:-$ROOT/emulator/.venv/bin/azaudio-emulator}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/azaudio-bench.XXXXXX")
EMULATOR_PID=
cleanup() {
    [ -n "$EMULATOR_PID" ] && kill "$EMULATOR_PID" 2>/dev/null && wait "$EMULATOR_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

gcc -O2 -std=c99 -Wall -Wextra -Werror -I"$ROOT/include" "$ROOT/bench/rest/bench_rest.c" -o "$WORK/bench_rest" \
    -L"$LIB_DIR" -lazaudio -Wl,-rpath,"$LIB_DIR"

if [ -z "${AZURE_OPENAI_ENDPOINT:-}" ] || [ -z "${AZURE_OPENAI_API_KEY:-}" ]; then
    "$EMULATOR" --port 0 > "$WORK/emulator.log" 2>&1 &
    EMULATOR_PID=$!
    while ! grep -q "listening on" "$WORK/emulator.log"; do sleep 0.05; done
    AZURE_OPENAI_ENDPOINT=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$WORK/emulator.log" | head -n 1)
    AZURE_OPENAI_API_KEY=emulator-key
    export AZURE_OPENAI_ENDPOINT AZURE_OPENAI_API_KEY
fi
E=$AZURE_OPENAI_ENDPOINT
V=${OPENAI_API_VERSION:-2025-04-01-preview}
STT=${BENCH_STT_DEPLOYMENT:-whisper}
TTS=${BENCH_TTS_DEPLOYMENT:-tts}
echo "endpoint $E, $RUNS runs per median"

# Inputs: a short spoken WAV, and a 24 MiB WAV whose header declares 2 s of audio (the rest is trailing data the
# service still receives in full), so the emulator's recognition time does not drown the upload time.
curl -s -o "$WORK/small.wav" -H "api-key: $AZURE_OPENAI_API_KEY" -H "Content-Type: application/json" \
    -d '{"input":"The quick brown fox jumps over the lazy dog.","voice":"alloy","response_format":"wav"}' \
    "$E/openai/deployments/$TTS/audio/speech?api-version=$V"
python3 - "$WORK/big.wav" <<'PY'
import struct, sys
total, data = 24 * 1024 * 1024, 64000
with open(sys.argv[1], "wb") as f:
    f.write(b"RIFF" + struct.pack("<I", 36 + data) + b"WAVEfmt " + struct.pack("<IHHIIHH", 16, 1, 1, 16000, 32000, 2, 16)
            + b"data" + struct.pack("<I", data))
    block = bytes(i * 7 & 0x03 for i in range(65536))
    left = total - 44
    while left > 0:
        f.write(block[:min(left, len(block))]); left -= len(block)
PY

median() { sort -n | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
URL="$E/openai/deployments/$STT/audio/transcriptions?api-version=$V"

echo
echo "== upload: transcribe a 24 MiB WAV"
BENCH_SMALL_FILE="$WORK/small.wav" "$WORK/bench_rest" upload "$WORK/big.wav" "$STT" "$RUNS" > "$WORK/lib_upload"
i=0; : > "$WORK/curl_upload"
while [ $i -lt "$RUNS" ]; do
    curl -s -o /dev/null -w '%{time_total}\n' -H "api-key: $AZURE_OPENAI_API_KEY" -F "file=@$WORK/big.wav" \
        -F response_format=text "$URL" | awk '{printf "%.1f\n", $1 * 1000}' >> "$WORK/curl_upload"
    i=$((i + 1))
done
LIB=$(awk '/lib_upload_ms/ {print $2}' "$WORK/lib_upload")
CURL=$(median < "$WORK/curl_upload")
RSS=$(awk '/lib_peak_rss/ {print $2}' "$WORK/lib_upload")
echo "libazaudio ${LIB} ms   curl -F ${CURL} ms   ratio $(awk "BEGIN {printf \"%.2f\", $LIB / $CURL}")  (target <= 1.15)"
echo "libazaudio peak RSS above baseline: ${RSS} KiB  (target <= 4096)"

echo
echo "== TTS: time to first audio byte (pcm)"
TEXT="Hello, this is a benchmark of the time to the first audio byte of a spoken reply."
"$WORK/bench_rest" ttfb "$TEXT" "$TTS" "$RUNS" > "$WORK/lib_ttfb"
i=0; : > "$WORK/curl_ttfb"; : > "$WORK/curl_total"
while [ $i -lt "$RUNS" ]; do
    curl -s -o /dev/null -w '%{time_starttransfer} %{time_total}\n' -H "api-key: $AZURE_OPENAI_API_KEY" \
        -H "Content-Type: application/json" \
        -d "{\"input\":\"$TEXT\",\"voice\":\"alloy\",\"response_format\":\"pcm\"}" \
        "$E/openai/deployments/$TTS/audio/speech?api-version=$V" > "$WORK/curl_one"
    awk '{printf "%.2f\n", $1 * 1000}' "$WORK/curl_one" >> "$WORK/curl_ttfb"
    awk '{printf "%.2f\n", $2 * 1000}' "$WORK/curl_one" >> "$WORK/curl_total"
    i=$((i + 1))
done
LIB=$(awk '/lib_ttfb_ms/ {print $2}' "$WORK/lib_ttfb"); LIBT=$(awk '/lib_total_ms/ {print $2}' "$WORK/lib_ttfb")
CURL=$(median < "$WORK/curl_ttfb"); CURLT=$(median < "$WORK/curl_total")
echo "first byte: libazaudio ${LIB} ms   curl time_starttransfer ${CURL} ms   (target <= 1.1 x curl + 1 ms = $(awk "BEGIN {printf \"%.2f\", $CURL * 1.1 + 1}") ms)"
echo "total:      libazaudio ${LIBT} ms   curl ${CURLT} ms"

echo
echo "== $MANY sequential small transcriptions"
"$WORK/bench_rest" many "$WORK/small.wav" "$STT" "$MANY" > "$WORK/lib_many"
START=$(date +%s%N)
i=0
while [ $i -lt "$MANY" ]; do
    curl -s -o /dev/null -H "api-key: $AZURE_OPENAI_API_KEY" -F "file=@$WORK/small.wav" -F response_format=text "$URL"
    i=$((i + 1))
done
END=$(date +%s%N)
LIB=$(awk '/lib_many_total_ms/ {print $2}' "$WORK/lib_many")
CURL=$(awk "BEGIN {printf \"%.1f\", ($END - $START) / 1e6}")
echo "libazaudio (one client) ${LIB} ms ($(awk "BEGIN {printf \"%.2f\", $LIB / $MANY}") ms/call)   $MANY curl runs ${CURL} ms ($(awk "BEGIN {printf \"%.2f\", $CURL / $MANY}") ms/call)"
