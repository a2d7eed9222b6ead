#!/usr/bin/env bash
# Checks a built libazaudio.so: SONAME, no Swift runtime dependency, and only azaudio_* symbols exported.
set -euo pipefail
lib=${1:?usage: check-library.sh LIB}
fail() { echo "check-library: $*" >&2; exit 1; }

soname=$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = "libazaudio.so.0" ] || fail "SONAME is '$soname', expected libazaudio.so.0"
if readelf -d "$lib" | grep NEEDED | grep -q libswift; then
  fail "the Swift runtime is linked dynamically: $(readelf -d "$lib" | grep NEEDED | grep libswift | tr -s ' ')"
fi
# Every NEEDED library must be one we chose: the C/C++ runtime (the statically linked Swift runtime needs
# libstdc++ and libgcc_s), libcurl (the transport) and libsndfile (decoding and FLAC encoding of long audio: a
# maintained, fuzzed library packaged everywhere, instead of hand-written codecs) and libcrypto (OpenSSL's
# HMAC-SHA256 and constant-time compare for webhook signatures) and libssl (whether OpenSSL holds read-ahead bytes
# of a realtime wss:// connection, so the I/O loop need not read until EAGAIN); libcurl loads the same two already.
allowed='^(libc\.so\.6|libm\.so\.6|ld-linux-x86-64\.so\.2|ld-linux-aarch64\.so\.1|libstdc\+\+\.so\.6|libgcc_s\.so\.1|libcurl\.so\.4|libsndfile\.so\.1|libcrypto\.so\.3|libssl\.so\.3)$'
unexpected=$(readelf -d "$lib" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | grep -Ev "$allowed" || true)
[ -z "$unexpected" ] || fail "unexpected NEEDED libraries: $(echo $unexpected)"
# Global (upper-case type) dynamic symbols defined by the library must all be azaudio_*.
others=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[A-Z]$/ && $3 !~ /^azaudio_/ && $3 !~ /^(_edata|_end|__bss_start)$/ {print $3}')
[ -z "$others" ] || fail "symbols other than azaudio_* are exported: $(echo $others | head -c 300)"
# The glibc floor: no symbol version newer than GLIBC_2.34, so the wheel built from it is manylinux_2_34 (RHEL 9 and
# its rebuilds, Ubuntu 22.04, Debian 12). Sources/CLinux/glibc_floor.c says where the one 2.35 reference came from.
newer=$(objdump -T "$lib" | awk '{for (i = 1; i <= NF; i++) if ($i ~ /GLIBC_2\.(3[5-9]|[4-9][0-9])\)?$/) print $i, $NF}' | sort -u)
[ -z "$newer" ] || fail "symbols that need a glibc newer than 2.34: $(echo $newer)"
exit 0
