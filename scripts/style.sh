#!/bin/bash
# `make style`: formatting and the size budgets of STYLE.md, as TAP lines.
#  - clang-format (.clang-format) on every C source and header we own
#  - no file over 1,000 lines; no function over 100 lines
set -u
cd "$(dirname "$0")/.."
files=$(git ls-files '*.c' '*.h' 2>/dev/null | grep -vE '^(build/|pvguest/libc/newlib/)')
[ -z "$files" ] && { echo "ok - style (no sources yet)"; exit 0; }

bad=$(for f in $files; do
	[ -f "$f" ] || continue
	clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || echo "$f"
done)
if [ -z "$bad" ]; then echo "ok - clang-format"; else
	echo "not ok - clang-format: run 'clang-format -i' on:"; echo "$bad" | sed 's/^/#   /'; fi

long=$(for f in $files; do
	[ -f "$f" ] && n=$(wc -l <"$f") && [ "$n" -gt 1000 ] && echo "$f ($n lines)"
done)
if [ -z "$long" ]; then echo "ok - file length <= 1000 lines"; else
	echo "not ok - files over 1000 lines:"; echo "$long" | sed 's/^/#   /'; fi

# A function body runs from a "{" alone at column 0 to the next "}" at column 0.
longfn=$(for f in $(echo "$files" | grep '\.c$'); do
	[ -f "$f" ] && awk -v f="$f" '/^\{/ { s = NR } /^\}/ && s { if (NR - s > 100) print f ":" s " (" NR - s " lines)"; s = 0 }' "$f"
done)
if [ -z "$longfn" ]; then echo "ok - function length <= 100 lines"; else
	echo "not ok - functions over 100 lines:"; echo "$longfn" | sed 's/^/#   /'; fi
