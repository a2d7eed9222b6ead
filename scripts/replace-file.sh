#!/usr/bin/env bash
# Puts SRC at DEST without ever rewriting DEST in place: a process that has the old library mapped keeps its
# (now unlinked) copy, whereas `cp` over it truncates the mapped file and the process dies with SIGBUS or
# executes the new bytes. SRC is copied to a temporary name in DEST's directory (same file system), given MODE,
# optionally stripped, and renamed over DEST with rename(2), which is atomic. Nothing happens when DEST already
# has SRC's bytes (unless stripping, where the bytes differ by design).
#   scripts/replace-file.sh [--strip] [--mode MODE] SRC DEST
set -euo pipefail
strip=0; mode=0755
while [ $# -gt 2 ]; do
  case $1 in
    --strip) strip=1; shift ;;
    --mode) mode=$2; shift 2 ;;
    *) echo "replace-file.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
src=$1; dest=$2
if [ $strip -eq 0 ] && cmp -s "$src" "$dest"; then exit 0; fi
tmp=$(mktemp "$(dirname "$dest")/.$(basename "$dest").XXXXXX")
trap 'rm -f "$tmp"' EXIT
cp "$src" "$tmp"
chmod "$mode" "$tmp"
# strip writes its output in place (binutils 2.36 and later): only ever on the private temporary copy.
if [ $strip -eq 1 ]; then strip --strip-unneeded "$tmp"; fi
mv -f "$tmp" "$dest"
trap - EXIT
