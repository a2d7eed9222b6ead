#!/usr/bin/env bash
# ABI guard. libabigail ignores Swift's debug info, so the ABI is read from a stub library compiled from the public
# header with full C debug info: one empty definition per declared function. abidiff then compares it with the
# baseline in abi/azaudio.abi. Appending struct fields and adding functions pass; anything else fails.
#
#   scripts/check-abi.sh                   check include/azaudio.h against the baseline (and self-test the check)
#   scripts/check-abi.sh --write-baseline  record the current header as the baseline
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
baseline=abi/azaudio.abi

# abi_of HEADER_DIR OUT: writes the ABI description of the header in HEADER_DIR/azaudio.h to OUT.
abi_of() {
  local dir=$1 out=$2 work
  work=$(mktemp -d -p "$tmp")
  printf '#include "azaudio.h"\n' > "$work/probe.c"
  gcc -std=c99 -I"$dir" -aux-info "$work/protos" -fsyntax-only "$work/probe.c"
  {
    echo '#include "azaudio.h"'
    grep -E '^/\* .*azaudio\.h:[0-9]+:NC \*/ extern .*azaudio_[a-z0-9_]+ \(' "$work/protos" | sed -E 's|^/\*[^*]*\*/ extern ||; s|;$||' |
    while IFS= read -r proto; do
      ret=${proto%%azaudio_*}
      if [[ "$ret" =~ ^void[[:space:]]*$ ]]; then echo "$proto {}"; else echo "$proto { return 0; }"; fi
    done
  } > "$work/stub.c"
  gcc -std=c2x -g -O0 -shared -fPIC -w -I"$dir" "$work/stub.c" -o "$work/libazaudio.so.0" -Wl,-soname,libazaudio.so.0
  abidw --no-corpus-path --headers-dir "$dir" --out-file "$out" "$work/libazaudio.so.0"
}

compare() { abidiff --no-added-syms --suppressions abi/suppressions.abignore "$1" "$2" && python3 abi/check_layout.py "$1" "$2"; }

if [ "${1:-}" = "--write-baseline" ]; then
  abi_of include "$baseline"
  echo "wrote $baseline"
  exit 0
fi

[ -f "$baseline" ] || { echo "check-abi: no baseline at $baseline (run: make abi-baseline)" >&2; exit 1; }
pass=0; failn=0
ok() { echo "ok - $1"; pass=$((pass+1)); }
bad() { echo "not ok - $1"; failn=$((failn+1)); }

abi_of include "$tmp/current.abi"
if compare "$baseline" "$tmp/current.abi" > "$tmp/report"; then
  ok "include/azaudio.h is ABI-compatible with the baseline"
else
  cat "$tmp/report"; bad "include/azaudio.h is ABI-compatible with the baseline"
fi

# Self-test on the baseline's own header shape: the check must pass additions and catch breaks.
mkdir -p "$tmp/grow" "$tmp/reorder" "$tmp/remove"
# (before the struct's closing line: fields were appended after log_level since the baseline)
sed 's|^} azaudio_client_options;|    int32_t appended_field;\n} azaudio_client_options;|' include/azaudio.h > "$tmp/grow/azaudio.h"
grep -q '^    int32_t appended_field;' "$tmp/grow/azaudio.h" || bad "the self-test found the end of azaudio_client_options"
sed -i 's|^const char \*azaudio_version_string(void);|const char *azaudio_version_string(void);\nint azaudio_added_function(int x);|' "$tmp/grow/azaudio.h"
abi_of "$tmp/grow" "$tmp/grow.abi"
if compare "$tmp/current.abi" "$tmp/grow.abi" > "$tmp/r1"; then ok "the check passes an appended struct field and a new function"; else cat "$tmp/r1"; bad "the check passes an appended struct field and a new function"; fi
# Move a field of the client options (log_level before log_callback): every later offset changes.
awk '/^    azaudio_log_fn log_callback;$/ {hold=$0; next} /^    int32_t log_level;$/ && hold != "" {print; print hold; hold=""; next} {print}' include/azaudio.h |
  awk '/^    void \*log_user_data;$/ {ud=$0; next} /^    azaudio_log_fn log_callback;$/ {print; print ud; next} {print}' > "$tmp/reorder/azaudio.h"
abi_of "$tmp/reorder" "$tmp/reorder.abi"
if compare "$tmp/current.abi" "$tmp/reorder.abi" > "$tmp/r2"; then bad "the check catches reordered struct fields"; else ok "the check catches reordered struct fields"; fi
grep -v '^void azaudio_client_destroy' include/azaudio.h > "$tmp/remove/azaudio.h"
abi_of "$tmp/remove" "$tmp/remove.abi"
if compare "$tmp/current.abi" "$tmp/remove.abi" > "$tmp/r3"; then bad "the check catches a removed function"; else ok "the check catches a removed function"; fi
echo "abi: $pass passed, $failn failed"
[ "$failn" -eq 0 ]
