#!/usr/bin/env bash
# The public header must compile cleanly as C99 and C++17 with every warning an error, and every function it
# declares must be exported by the library (and nothing else exported).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '#include "azaudio.h"\nint main(void) { return azaudio_version_number() == AZAUDIO_VERSION_NUMBER ? 0 : 1; }\n' > "$tmp/c.c"
cp "$tmp/c.c" "$tmp/cpp.cpp"
pass=0; failn=0
run() {
  local name=$1; shift
  if "$@" 2> "$tmp/err"; then echo "ok - $name"; pass=$((pass+1)); else echo "not ok - $name"; cat "$tmp/err"; failn=$((failn+1)); fi
}
run "header compiles as C99 with -Wall -Wextra -Werror -pedantic" gcc -std=c99 -Wall -Wextra -Werror -pedantic -Iinclude -c "$tmp/c.c" -o "$tmp/c.o"
run "header compiles as C++17 with -Wall -Wextra -Werror -pedantic" g++ -std=c++17 -Wall -Wextra -Werror -pedantic -Iinclude -c "$tmp/cpp.cpp" -o "$tmp/cpp.o"
run "header compiles as C11 with clang -Wstrict-prototypes" clang -std=c11 -Wall -Wextra -Werror -pedantic -Wstrict-prototypes -Iinclude -c "$tmp/c.c" -o "$tmp/c2.o"

# Declared functions (from the compiler's own view of the header) vs exported symbols.
gcc -std=c99 -Iinclude -aux-info "$tmp/protos" -fsyntax-only "$tmp/c.c"
grep -o 'azaudio_[a-z0-9_]* (' "$tmp/protos" | sed 's/ (//' | sort -u > "$tmp/declared"
nm -D --defined-only build/lib/libazaudio.so | awk '$2 == "T" {print $3}' | sort -u > "$tmp/exported"
if diff -u "$tmp/declared" "$tmp/exported" > "$tmp/diff"; then
  echo "ok - every declared function is exported and every export is declared ($(wc -l < "$tmp/declared") functions)"
  pass=$((pass+1))
else
  echo "not ok - declared and exported functions differ (- declared only, + exported only):"; cat "$tmp/diff"
  failn=$((failn+1))
fi
echo "header: $pass passed, $failn failed"
[ "$failn" -eq 0 ]
