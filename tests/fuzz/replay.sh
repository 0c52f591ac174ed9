#!/bin/sh
# replay.sh: the fuzz suite (TAP): every checked-in input of each target
# (tests/fuzz/corpus/NAME and tests/fuzz/crashers/NAME) run once through
# build/fuzz/NAME.  One line per target; fails if any input crashes.
#
#   tests/fuzz/replay.sh FUZZ_BUILD_DIR NAME...
set -u
dir=$1
shift
n=0 failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

echo "1..$#"
for t in "$@"; do
	n=$((n + 1))
	files=$(find "tests/fuzz/corpus/$t" "tests/fuzz/crashers/$t" -type f 2>/dev/null | sort)
	count=$(printf '%s\n' "$files" | grep -c .)
	if [ "$count" -eq 0 ]; then
		echo "not ok $n - fuzz $t: no inputs checked in"
		failed=$((failed + 1))
		continue
	fi
	# shellcheck disable=SC2086  # one argument per file; names have no spaces
	if "$dir/$t" -close_fd_mask=3 -timeout=20 $files >"$log" 2>&1; then
		echo "ok $n - fuzz $t: $count inputs replayed"
	else
		echo "not ok $n - fuzz $t: an input crashed"
		grep -E 'Running:|ERROR|runtime error|SUMMARY|#[0-9]+ 0x.* in .*\.c:' "$log" | grep -v 'libc-start\|libc_start' | tail -n 12 | sed 's/^/# /'
		failed=$((failed + 1))
	fi
done
[ "$failed" -eq 0 ]
