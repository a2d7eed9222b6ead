#!/usr/bin/env bash
# Installs libazaudio into PREFIX: the library and its links, the headers (azaudio.h and the C++ wrapper
# azaudio.hpp), a pkg-config file and a CMake package.
set -euo pipefail
prefix=$1; libdir_name=$2; version=$3; soversion=$4; lib=$5
cd "$(dirname "$0")/.."
libdir="$prefix/$libdir_name"
install -d "$libdir" "$prefix/include" "$libdir/pkgconfig" "$libdir/cmake/azaudio"
# Copied, stripped and renamed into place: a running program that uses the installed library keeps working.
scripts/replace-file.sh --strip --mode 0755 "$lib" "$libdir/libazaudio.so.$version"
ln -sf "libazaudio.so.$version" "$libdir/libazaudio.so.$soversion"
ln -sf "libazaudio.so.$soversion" "$libdir/libazaudio.so"
install -m 0644 include/azaudio.h "$prefix/include/azaudio.h"
install -m 0644 include/azaudio.hpp "$prefix/include/azaudio.hpp"
sed -e "s|@PREFIX@|$prefix|g" -e "s|@LIBDIR@|$libdir|g" -e "s|@VERSION@|$version|g" \
  cmake/azaudio.pc.in > "$libdir/pkgconfig/azaudio.pc"
sed -e "s|@VERSION@|$version|g" cmake/azaudioConfigVersion.cmake.in > "$libdir/cmake/azaudio/azaudioConfigVersion.cmake"
install -m 0644 cmake/azaudioConfig.cmake "$libdir/cmake/azaudio/azaudioConfig.cmake"
echo "installed libazaudio $version into $prefix"
