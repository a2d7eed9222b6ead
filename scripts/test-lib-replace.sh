#!/usr/bin/env bash
# A program that has libazaudio mapped survives while the library file is replaced: by the replacement step itself
# (with bytes that would crash it if they reached its mapping), by `make lib` re-linking into the build directory,
# and by `make install` over an installed copy. Before the replacement was a rename, `cp` rewrote the file in place
# and the running program died with SIGBUS/SIGSEGV (Tests/replace/lib_user.c says what it does).
set -uo pipefail
cd "$(dirname "$0")/.."
lib=build/lib/libazaudio.so.0.1.0
[ -f "$lib" ] || { echo "not ok - $lib is missing (make lib)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
trap "" PIPE # a user that died must be reported, not take the script with it

# Starts Tests/replace/lib_user built against $1 (a lib directory), runs "$2..." once it is ready, lets it go on,
# and checks that it finished its work.
survives() {
  local libdir=$1 name=$2; shift 2
  cc -std=c99 -O1 -Iinclude Tests/replace/lib_user.c -o "$tmp/user-$name" -L"$libdir" -lazaudio \
    -Wl,-rpath,"$libdir" || { echo "not ok - build the user ($name)"; return 1; }
  mkfifo "$tmp/in-$name"
  "$tmp/user-$name" < "$tmp/in-$name" > "$tmp/out-$name" 2>&1 &
  local pid=$!
  exec 7> "$tmp/in-$name"
  local i
  for i in $(seq 600); do grep -q ready "$tmp/out-$name" && break; kill -0 $pid 2>/dev/null || break; sleep 0.1; done
  if ! grep -q ready "$tmp/out-$name"; then exec 7>&-; wait $pid; echo "not ok - the user of the library starts ($name)"; return 1; fi
  "$@" > "$tmp/replace-$name.log" 2>&1 || { cat "$tmp/replace-$name.log"; echo "not ok - the replacement ran ($name)"; }
  echo go >&7 2>/dev/null
  exec 7>&-
  wait $pid
  local rc=$?
  if [ $rc -eq 0 ] && grep -q survived "$tmp/out-$name"; then
    echo "ok - a running program survives $name"
  else
    echo "not ok - a running program survives $name (exit $rc$([ $rc -gt 128 ] && echo ", signal $((rc - 128))"))"
    return 1
  fi
}

links() { ln -sf libazaudio.so.0.1.0 "$1/libazaudio.so.0"; ln -sf libazaudio.so.0 "$1/libazaudio.so"; }

# 1. The replacement step, with bytes that are not a library at all: the program must never see them.
mkdir -p "$tmp/a"; cp "$lib" "$tmp/a/libazaudio.so.0.1.0"; links "$tmp/a"
head -c "$(stat -c %s "$lib")" /dev/urandom > "$tmp/garbage"
survives "$tmp/a" "the library file being replaced" scripts/replace-file.sh "$tmp/garbage" "$tmp/a/libazaudio.so.0.1.0" || fail=1

# 2. make lib into a build directory whose library differs (a stripped copy), so that it really replaces it.
mkdir -p "$tmp/b"; cp "$lib" "$tmp/b/libazaudio.so.0.1.0"; strip --strip-unneeded "$tmp/b/libazaudio.so.0.1.0"; links "$tmp/b"
survives "$tmp/b" "make lib re-linking its library" make --no-print-directory lib LIB_DIR="$tmp/b" || fail=1
cmp -s "$tmp/b/libazaudio.so.0.1.0" .build/release/libazaudio.so || { echo "not ok - make lib put the new library in place"; fail=1; }

# 3. make install's step over an installed library (the install strips, so it always replaces).
scripts/install.sh "$tmp/prefix" lib 0.1.0 0 "$lib" > /dev/null || fail=1
survives "$tmp/prefix/lib" "make install over the installed library" scripts/install.sh "$tmp/prefix" lib 0.1.0 0 "$lib" || fail=1

[ $fail -eq 0 ] && echo "library replacement: all passed"
exit $fail
