#!/bin/sh
# Builds bench/websocket/wsbench from the engine sources (one module, -O, whole-module), without SwiftPM.
# Usage: bench/websocket/build.sh   (from anywhere; writes .build/wsbench/wsbench)
set -e
root=$(cd "$(dirname "$0")/../.." && pwd)
out="$root/.build/wsbench"
mkdir -p "$out"
cat > "$out/module.modulemap" <<MAP
module CCurl {
    header "$root/Sources/CCurl/include/ccurl.h"
    link "curl"
    export *
}
MAP
clang -O2 -fPIC -c "$root/Sources/CCurl/shim.c" -I "$root/Sources/CCurl/include" -o "$out/shim.o"
swiftc -O -wmo -parse-as-library -module-name wsbench -Xcc -fmodule-map-file="$out/module.modulemap" \
    $(find "$root/Sources/AzAudioCore" -name '*.swift' | sort) "$root/bench/websocket/main.swift" \
    "$out/shim.o" -lcurl -o "$out/wsbench"
echo "$out/wsbench"
