#!/usr/bin/env bash
# Installs into a temporary prefix, then builds the examples against it both ways a user would (pkg-config and
# CMake's find_package) and runs the result.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix="$tmp/prefix"
pass=0; failn=0
ok() { echo "ok - $1"; pass=$((pass+1)); }
bad() { echo "not ok - $1"; failn=$((failn+1)); }

make --no-print-directory install PREFIX="$prefix" > "$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; exit 1; }
for f in lib/libazaudio.so.0.1.0 lib/libazaudio.so.0 lib/libazaudio.so include/azaudio.h include/azaudio.hpp \
         lib/pkgconfig/azaudio.pc \
         lib/cmake/azaudio/azaudioConfig.cmake lib/cmake/azaudio/azaudioConfigVersion.cmake; do
  [ -e "$prefix/$f" ] || { bad "install puts $f in place"; }
done
[ "$failn" -eq 0 ] && ok "install puts the library, links, header, pkg-config file and CMake package in place"
echo "   installed stripped size: $(stat -c %s "$prefix/lib/libazaudio.so.0.1.0") bytes"

# pkg-config
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
if cc -std=c99 -Wall -Wextra -Werror examples/hello.c $(pkg-config --cflags --libs azaudio) -o "$tmp/hello-pc" \
   && out=$(LD_LIBRARY_PATH="$prefix/lib" "$tmp/hello-pc" http://127.0.0.1:9/openai) \
   && grep -q "endpoint: http://127.0.0.1:9" <<< "$out"; then
  ok "an example builds with pkg-config against the installed tree and runs"
else
  bad "an example builds with pkg-config against the installed tree and runs"
fi

# The README's lines for a PREFIX nobody searches: PKG_CONFIG_PATH, and an rpath instead of LD_LIBRARY_PATH.
if cc -std=c99 -Wall -Wextra -Werror examples/hello.c $(pkg-config --cflags --libs azaudio) \
     -Wl,-rpath,"$(pkg-config --variable=libdir azaudio)" -o "$tmp/hello-rpath" \
   && out=$(env -u LD_LIBRARY_PATH "$tmp/hello-rpath" http://127.0.0.1:9/openai) \
   && grep -q "endpoint: http://127.0.0.1:9" <<< "$out"; then
  ok "an example built with the README's PKG_CONFIG_PATH and rpath lines runs without LD_LIBRARY_PATH"
else
  bad "an example built with the README's PKG_CONFIG_PATH and rpath lines runs without LD_LIBRARY_PATH"
fi

# CMake
if cmake -S examples -B "$tmp/cmake-build" -DCMAKE_PREFIX_PATH="$prefix" > "$tmp/cmake.log" 2>&1 \
   && cmake --build "$tmp/cmake-build" --target hello >> "$tmp/cmake.log" 2>&1 \
   && out=$("$tmp/cmake-build/hello" https://example.openai.azure.com/) \
   && grep -q "endpoint: https://example.openai.azure.com" <<< "$out"; then
  ok "the examples build with CMake find_package(azaudio) against the installed tree and run"
else
  cat "$tmp/cmake.log"
  bad "the examples build with CMake find_package(azaudio) against the installed tree and run"
fi
# The C++ examples (header-only wrapper) with the same CMake configuration, and with pkg-config.
if [ -d "$tmp/cmake-build" ] && cmake --build "$tmp/cmake-build" --target speak_cpp realtime_cpp >> "$tmp/cmake.log" 2>&1 \
   && out=$("$tmp/cmake-build/speak_cpp" 2>&1 || true) && grep -q "usage:" <<< "$out"; then
  ok "the C++ examples build with CMake find_package(azaudio) against the installed tree and run"
else
  cat "$tmp/cmake.log"
  bad "the C++ examples build with CMake find_package(azaudio) against the installed tree and run"
fi
if c++ -std=c++17 -Wall -Wextra -Werror -pedantic examples/speak.cpp $(pkg-config --cflags --libs azaudio) \
     -o "$tmp/speak-pc"; then
  ok "a C++ example builds with pkg-config against the installed tree"
else
  bad "a C++ example builds with pkg-config against the installed tree"
fi
echo "install: $pass passed, $failn failed"
[ "$failn" -eq 0 ]
