#!/bin/sh
# make demo: speak a sentence to a WAV, transcribe and translate it back, and run an audio chat turn, printing what
# each step got and how long it took. Builds nothing: it runs the examples already built in $DEMO_BIN.
#
# Against Azure: set AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_API_KEY (and optionally OPENAI_API_VERSION). Deployment
# names default to the model names; override them with
#   AZAUDIO_DEMO_TTS_DEPLOYMENT        (default gpt-4o-mini-tts)
#   AZAUDIO_DEMO_STT_DEPLOYMENT        (default whisper)
#   AZAUDIO_DEMO_TRANSLATE_DEPLOYMENT  (default whisper)
#   AZAUDIO_DEMO_CHAT_DEPLOYMENT       (default gpt-4o-mini-audio-preview)
#   AZAUDIO_DEMO_REALTIME_DEPLOYMENT   (default gpt-realtime)
#   AZAUDIO_DEMO_LIVE_TRANSCRIBE_DEPLOYMENT  (default gpt-4o-transcribe; the live captions step)
# (the realtime turn transcribes your speech with AZAUDIO_TRANSCRIBE_DEPLOYMENT, default whisper)
# Otherwise the local emulator is started on a free port ($EMULATOR, default emulator/.venv/bin/azaudio-emulator)
# and stopped at the end. The audio files it makes are kept in $AZAUDIO_DEMO_OUT (default build/demo), and the
# demo prints where.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DEMO_BIN=${DEMO_BIN:-$ROOT/build/examples}
EMULATOR=${EMULATOR:-$ROOT/emulator/.venv/bin/azaudio-emulator}
TTS=${AZAUDIO_DEMO_TTS_DEPLOYMENT:-gpt-4o-mini-tts}
STT=${AZAUDIO_DEMO_STT_DEPLOYMENT:-whisper}
TRANSLATE=${AZAUDIO_DEMO_TRANSLATE_DEPLOYMENT:-whisper}
CHAT=${AZAUDIO_DEMO_CHAT_DEPLOYMENT:-gpt-4o-mini-audio-preview}
REALTIME=${AZAUDIO_DEMO_REALTIME_DEPLOYMENT:-gpt-realtime}
LIVE=${AZAUDIO_DEMO_LIVE_TRANSCRIBE_DEPLOYMENT:-gpt-4o-transcribe}
SENTENCE=${AZAUDIO_DEMO_SENTENCE:-"The quick brown fox jumps over the lazy dog."}
OUT=${AZAUDIO_DEMO_OUT:-$ROOT/build/demo}

for example in speak transcribe translate chat_audio realtime live_captions; do
    if [ ! -x "$DEMO_BIN/$example" ]; then
        echo "demo: $DEMO_BIN/$example is missing: build the examples first (make examples)" >&2
        exit 1
    fi
done

mkdir -p "$OUT"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/azaudio-demo.XXXXXX")
EMULATOR_PID=
cleanup() {
    if [ -n "$EMULATOR_PID" ]; then
        kill "$EMULATOR_PID" 2>/dev/null || true
        wait "$EMULATOR_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

if [ -n "${AZURE_OPENAI_ENDPOINT:-}" ] && [ -n "${AZURE_OPENAI_API_KEY:-}" ]; then
    echo "demo: using $AZURE_OPENAI_ENDPOINT (deployments: tts=$TTS stt=$STT translate=$TRANSLATE chat=$CHAT realtime=$REALTIME)"
else
    if [ ! -x "$EMULATOR" ]; then
        echo "demo: $EMULATOR is missing: run make -C emulator venv (or set AZURE_OPENAI_ENDPOINT/_API_KEY)" >&2
        exit 1
    fi
    "$EMULATOR" --port 0 > "$WORK/emulator.log" 2>&1 &
    EMULATOR_PID=$!
    i=0
    while ! grep -q "listening on" "$WORK/emulator.log" 2>/dev/null; do
        i=$((i + 1))
        if [ $i -gt 200 ] || ! kill -0 "$EMULATOR_PID" 2>/dev/null; then
            echo "demo: the emulator did not start:" >&2
            cat "$WORK/emulator.log" >&2
            exit 1
        fi
        sleep 0.05
    done
    AZURE_OPENAI_ENDPOINT=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$WORK/emulator.log" | head -n 1)
    AZURE_OPENAI_API_KEY=${AZAUDIO_EMULATOR_KEY:-emulator-key}
    export AZURE_OPENAI_ENDPOINT AZURE_OPENAI_API_KEY
    echo "demo: local emulator at $AZURE_OPENAI_ENDPOINT (its recognition is approximate: pocketsphinx hears the"
    echo "      emulator's flite speech nearly, not exactly, word for word; the Azure service is far more accurate)"
fi

now_ms() { date +%s%3N; }
STATUS=0
step() {
    title=$1
    shift
    start=$(now_ms)
    if "$@" > "$WORK/out" 2> "$WORK/err"; then
        result=ok
    else
        result=FAILED
        STATUS=1
    fi
    end=$(now_ms)
    printf '\n== %s (%s, %d ms)\n' "$title" "$result" $((end - start))
    sed 's/^/   /' "$WORK/out"
    if [ "$result" = FAILED ]; then sed 's/^/   /' "$WORK/err"; fi
}

step "speak: \"$SENTENCE\" -> speech.wav" "$DEMO_BIN/speak" "$SENTENCE" "$OUT/speech.wav" "$TTS"
step "transcribe speech.wav" "$DEMO_BIN/transcribe" "$OUT/speech.wav" "$STT"
cp "$WORK/out" "$OUT/transcript.txt"
step "translate speech.wav to English" "$DEMO_BIN/translate" "$OUT/speech.wav" "$TRANSLATE"
step "audio chat turn with speech.wav" "$DEMO_BIN/chat_audio" "$OUT/speech.wav" "$OUT/reply.wav" "$CHAT"
step "realtime voice turn: speech.wav streamed at real-time pace" \
    "$DEMO_BIN/realtime" "$OUT/speech.wav" "$OUT/realtime-reply.wav" "$REALTIME"
step "live captions: speech.wav in a transcription session" "$DEMO_BIN/live_captions" "$OUT/speech.wav" "$LIVE"
echo
# AZAUDIO_DEMO_CHECK=1 (make test-demo): the transcript must give back the sentence's words, all but one in order.
if [ "${AZAUDIO_DEMO_CHECK:-0}" = 1 ]; then
    words() { tr 'A-Z' 'a-z' | tr -c 'a-z\n' ' ' | tr -s ' ' '\n' | sed '/^$/d'; }
    printf '%s\n' "$SENTENCE" | words > "$WORK/said"
    words < "$OUT/transcript.txt" > "$WORK/heard"
    total=$(wc -l < "$WORK/said")
    same=$(paste -d ' ' "$WORK/said" "$WORK/heard" | awk '$1 == $2' | wc -l)
    if [ "$same" -lt $((total - 1)) ]; then
        echo "demo: the transcript matches $same of the sentence's $total words (need $((total - 1)))" >&2
        STATUS=1
    else
        echo "demo: the transcript matches $same of the sentence's $total words"
    fi
fi
echo "demo: the audio is kept in $OUT (speech.wav, reply.wav, realtime-reply.wav): play it with e.g. aplay or ffplay"
[ $STATUS -eq 0 ] && echo "demo: all steps succeeded" || echo "demo: some steps failed" >&2
exit $STATUS
