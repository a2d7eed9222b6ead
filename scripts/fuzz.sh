#!/usr/bin/env bash
# Builds and runs the libFuzzer targets under fuzz/NAME/ (main.swift + a `sources` file naming the engine sources
# it needs, or main.c: a C target over the exported ABI), each for SECONDS seconds (default 60). Seeds come from fuzz/NAME/corpus; new inputs go to .build/.
#   scripts/fuzz.sh [SECONDS] [NAME...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}; shift || true
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for d in fuzz/*/main.swift fuzz/*/main.c; do names+=("$(basename "$(dirname "$d")")"); done
fi
mkdir -p .build/fuzz
pass=0; failn=0

# The package's own C targets (Sources/CName/*.c with a header in include/) that a Swift target's sources import:
# each compiled instrumented, with a module map for swiftc. Prints the swiftc arguments (include path, objects).
cmodule_flags() {
  local m c h out
  # shellcheck disable=SC2046
  for m in $(sed -n 's/^import \(C[A-Za-z0-9]*\)$/\1/p' "$1/main.swift" $(cat "$1/sources") | sort -u); do
    ls Sources/"$m"/*.c > /dev/null 2>&1 || continue # (system library modules are not built here)
    out=.build/fuzz/cmodules/$m
    mkdir -p "$out"
    h=$(ls "$PWD/Sources/$m/include/"*.h)
    printf 'module %s {\n    header "%s"\n    export *\n}\n' "$m" "$h" > "$out/module.modulemap"
    printf -- '-I %s ' "$out"
    for c in Sources/"$m"/*.c; do
      clang -c -g -O1 -fsanitize=fuzzer-no-link,address -I "Sources/$m/include" "$c" -o "$out/$(basename "$c" .c).o"
      printf '%s ' "$out/$(basename "$c" .c).o"
    done
  done
}
for name in "${names[@]}"; do
  dir=fuzz/$name
  bin=.build/fuzz/$name
  if [ -f "$dir/main.c" ]; then
    # A C target over the exported ABI: instrumented harness, release library (build it first: make lib). Swift
    # traps in the library are deadly signals to libFuzzer; ASan intercepts the library's malloc too.
    # A target over other C code (the gateway's) names its extra sources and flags in fuzz/NAME/cflags, one line,
    # expanded by the shell (so $(pkg-config ...) works); those sources are instrumented too.
    extra=()
    # shellcheck disable=SC2207
    [ -f "$dir/cflags" ] && extra=($(eval "echo $(cat "$dir/cflags")"))
    if ! clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Iinclude "$dir/main.c" \
         "${extra[@]}" -Lbuild/lib -lazaudio -Wl,-rpath,"$PWD/build/lib" -o "$bin" 2> .build/fuzz/$name.build.log; then
      grep -v 'Cannot export local symbol' .build/fuzz/$name.build.log | tail -20
      echo "not ok - fuzz target $name builds"; failn=$((failn+1)); continue
    fi
  # shellcheck disable=SC2046
  elif ! cmodule_flags "$dir" > ".build/fuzz/$name.cmodules" 2> .build/fuzz/$name.build.log ||
       ! swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name "Fuzz_${name//-/_}" \
       "$dir/main.swift" $(cat "$dir/sources") $(cat ".build/fuzz/$name.cmodules") -lcurl -o "$bin" \
       2> .build/fuzz/$name.build.log; then
    grep -v 'Cannot export local symbol' .build/fuzz/$name.build.log | tail -20
    echo "not ok - fuzz target $name builds"; failn=$((failn+1)); continue
  fi
  mkdir -p ".build/fuzz/$name-corpus"
  seeds=(); [ -d "$dir/corpus" ] && seeds=("$dir/corpus")
  # Huge allocations the ABI harness provokes on purpose must come back NULL (the library then answers
  # AZAUDIO_ERR_OUT_OF_MEMORY) instead of tripping libFuzzer's malloc limit.
  # A target may suppress leaks inside system libraries it goes through (fuzz/NAME/lsan.supp says which and why).
  lsan=""; [ -f "$dir/lsan.supp" ] && lsan="suppressions=$PWD/$dir/lsan.supp"
  if ASAN_OPTIONS=allocator_may_return_null=1 LSAN_OPTIONS="$lsan" "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
       -malloc_limit_mb=1000000 -artifact_prefix=".build/fuzz/$name-" \
       ".build/fuzz/$name-corpus" "${seeds[@]}" \
       > ".build/fuzz/$name.log" 2>&1; then
    runs=$(grep -oE 'Done [0-9]+ runs' ".build/fuzz/$name.log" | tail -1)
    echo "ok - fuzz target $name: no crash in ${seconds}s (${runs:-?})"; pass=$((pass+1))
  else
    tail -30 ".build/fuzz/$name.log"
    echo "not ok - fuzz target $name found a crash (see .build/fuzz/$name.log)"; failn=$((failn+1))
  fi
done
echo "fuzz: $pass passed, $failn failed"
[ "$failn" -eq 0 ]
