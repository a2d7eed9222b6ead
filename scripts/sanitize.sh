#!/usr/bin/env bash
# Sanitizers as routine (issue 16).
#   scripts/sanitize.sh [--smoke]
# 1. The C tests against an ASan-instrumented build of the library (swift build -sanitize=address, in
#    .build/asan), the tests themselves built with clang -fsanitize=address,undefined. This style catches more than
#    the C tests with ASan over the release library: there, the library's own loads and stores (its unsafe-pointer
#    code: WAV parsing, base64, frame cursors, the resampler's history) are not instrumented, so an overrun inside
#    the library goes unseen; only the malloc/free interceptors and LeakSanitizer see it. Instrumenting the library
#    checks every access it makes. UBSan covers the C side (Swift checks its own arithmetic and traps).
# 2. The Swift realtime and WebSocket tests under TSan (swift test --sanitize=thread, in .build/tsan).
# --smoke (make test): a few C programs and the WebSocket frame/connection tests; default (make sanitize): all.
set -uo pipefail
cd "$(dirname "$0")/.."
smoke=0; [ "${1:-}" = "--smoke" ] && smoke=1
fail=0

echo "== ASan build of the library"
if ! nice swift build -c release --product azaudio -Xswiftc -sanitize=address --scratch-path .build/asan \
     > .build/asan-build.log 2>&1; then
  tail -20 .build/asan-build.log; echo "not ok - ASan build of the library"; exit 1
fi
mkdir -p build/asan/lib build/asan/tests
scripts/replace-file.sh .build/asan/release/libazaudio.so build/asan/lib/libazaudio.so.0
ln -sf libazaudio.so.0 build/asan/lib/libazaudio.so

if [ $smoke -eq 1 ]; then
  tests=(test_audio_g711_resampler test_audio_wav test_audio_frames test_client test_caller_input)
else
  tests=(); for f in Tests/c/test_*.c; do tests+=("$(basename "$f" .c)"); done
fi
bins=()
for t in "${tests[@]}"; do
  if clang -std=c99 -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined \
       -DAZAUDIO_TEST_SANITIZED -Iinclude "Tests/c/$t.c" -o "build/asan/tests/$t" -Lbuild/asan/lib -lazaudio \
       -Wl,-rpath,"$PWD/build/asan/lib" -lcurl -lssl -lcrypto -lpthread -lm 2> "build/asan/tests/$t.log"; then
    bins+=("build/asan/tests/$t")
  else
    cat "build/asan/tests/$t.log"; echo "not ok - $t builds with ASan+UBSan"; fail=1
  fi
done
scripts/make-test-ca.sh build/tls > /dev/null
# Huge allocations some tests make on purpose must return NULL (the library answers AZAUDIO_ERR_OUT_OF_MEMORY).
# Leaks are checked (LeakSanitizer); the suppressions name the Swift runtime's one-time caches only.
export ASAN_OPTIONS="allocator_may_return_null=1:detect_leaks=1:abort_on_error=0:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
if ! scripts/run-c-tests.sh "${bins[@]}"; then fail=1; fi

echo "== Swift realtime and WebSocket tests under TSan"
filter='WebSocketIntegrationTests|InputCoalescingTests'
[ $smoke -eq 0 ] && filter='Realtime|WebSocket|Telephony|InputCoalescing|ServiceClient'
if ! AZAUDIO_WSTEST_PYTHON=$PWD/emulator/.venv/bin/python nice swift test --sanitize=thread --scratch-path .build/tsan \
     --filter "$filter" > .build/tsan-test.log 2>&1; then
  grep -E "WARNING: ThreadSanitizer|error:|failed" .build/tsan-test.log | head -30
  echo "not ok - Swift tests under TSan ($filter)"; fail=1
elif ! grep -qE 'Executed [1-9][0-9]* tests?, with 0 failures' .build/tsan-test.log; then
  echo "not ok - Swift tests under TSan ($filter): no test ran"; fail=1
else
  echo "ok - Swift tests under TSan ($filter): $(grep -E 'Executed [0-9]+ tests' .build/tsan-test.log | tail -1)"
fi
[ $fail -eq 0 ] && echo "sanitize: all passed" || echo "sanitize: FAILED"
exit $fail
