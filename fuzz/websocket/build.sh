#!/bin/sh
# Builds the WebSocket frame-decoder fuzzer with libFuzzer + AddressSanitizer.
# Usage: fuzz/websocket/build.sh   -> .build/fuzz-websocket/fuzz-websocket
# Run:   .build/fuzz-websocket/fuzz-websocket -max_total_time=30 -max_len=4096 .build/fuzz-websocket/corpus
set -e
root=$(cd "$(dirname "$0")/../.." && pwd)
out="$root/.build/fuzz-websocket"
mkdir -p "$out/corpus"
src="$root/Sources/AzAudioCore"
swiftc -sanitize=fuzzer,address -parse-as-library -O -module-name fuzzws \
    "$src/WebSocket/WebSocketFrameDecoder.swift" "$src/WebSocket/WebSocketLimits.swift" \
    "$src/WebSocket/WebSocketOpcode.swift" "$src/WebSocket/WebSocketProtocolError.swift" \
    "$src/WebSocket/WebSocketCloseCode.swift" "$src/WebSocket/WebSocketInbound.swift" \
    "$src/WebSocket/UTF8Validator.swift" "$src/IO/ByteBuffer.swift" "$src/Support/Base64.swift" \
    "$root/fuzz/websocket/main.swift" -o "$out/fuzz-websocket"
# Seeds: RFC 6455 section 5.7 frames (first byte = chunking control).
printf '\001\201\005Hello' > "$out/corpus/hello"
printf '\002\001\003Hel\200\002lo' > "$out/corpus/fragmented"
printf '\003\211\005Hello\212\000\210\002\003\350' > "$out/corpus/control"
printf '\000Zm9vYmFy' > "$out/corpus/base64"
echo "$out/fuzz-websocket"
