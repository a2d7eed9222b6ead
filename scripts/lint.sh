#!/usr/bin/env bash
# make lint: the formatter and linter of each language, report only (nothing is rewritten).
#   Swift:   swift format lint (from the toolchain), configuration .swift-format
#   C/C++:   clang-format --dry-run (Debian's), configuration .clang-format
#   Python:  ruff check and ruff format --check (pinned, in build/lint-venv), configuration ruff.toml
# Prints, per tool, how many files it would change; exits 1 if any would. Apply with LINT_FIX=1 (then the formatters
# rewrite the files in place).
set -uo pipefail
cd "$(dirname "$0")/.."
RUFF_VERSION=0.17.6
fix=${LINT_FIX:-0}
status=0

mapfile -t swift_files < <(git ls-files '*.swift')
mapfile -t c_files < <(git ls-files '*.c' '*.h' '*.cpp' '*.hpp')
mapfile -t py_files < <(git ls-files '*.py')

report() {  # name, files that would change
    local name=$1 count=$2
    echo "$name: $count file(s) would change"
    if [ "$count" -gt 0 ]; then status=1; fi
}

# Swift
if [ "$fix" = 1 ]; then swift format format --in-place --configuration .swift-format "${swift_files[@]}"; fi
n=$(swift format lint --configuration .swift-format "${swift_files[@]}" 2>&1 | grep -oE '^[^:]+\.swift' | sort -u | wc -l)
report "swift format (${#swift_files[@]} files)" "$n"

# C and C++
if [ "$fix" = 1 ]; then clang-format -i "${c_files[@]}"; fi
n=0
for f in "${c_files[@]}"; do
    if ! clang-format --dry-run --Werror "$f" > /dev/null 2>&1; then n=$((n + 1)); fi
done
report "clang-format (${#c_files[@]} files)" "$n"

# Python
venv=build/lint-venv
if [ ! -x "$venv/bin/ruff" ] || [ "$("$venv/bin/ruff" --version)" != "ruff $RUFF_VERSION" ]; then
    python3 -m venv "$venv" && "$venv/bin/pip" install -q --disable-pip-version-check "ruff==$RUFF_VERSION" || exit 2
fi
if [ "$fix" = 1 ]; then "$venv/bin/ruff" format -q "${py_files[@]}"; "$venv/bin/ruff" check -q --fix "${py_files[@]}"; fi
n=$("$venv/bin/ruff" format --check "${py_files[@]}" 2>&1 | sed -nE 's/^([0-9]+) files? would be reformatted.*/\1/p')
report "ruff format (${#py_files[@]} files)" "${n:-0}"
n=$("$venv/bin/ruff" check --output-format concise "${py_files[@]}" 2>/dev/null | grep -oE '^[^:]+\.py' | sort -u | wc -l)
report "ruff check (${#py_files[@]} files)" "$n"
exit $status
