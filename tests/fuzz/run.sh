#!/bin/sh
# run.sh: "make fuzz": each target fuzzed for SECONDS at the lowest CPU
# priority, starting from its checked-in corpus and crashers; new inputs
# go to build/fuzz/work/NAME (not the tree), crashes to
# build/fuzz/artifacts/.  Prints one line per target with its run count.
#
#   tests/fuzz/run.sh SECONDS FUZZ_BUILD_DIR NAME...
set -u
secs=$1 dir=$2
shift 2
crashed=0
mkdir -p "$dir/logs" "$dir/artifacts"
for t in "$@"; do
	mkdir -p "$dir/work/$t"
	log=$dir/logs/$t.log
	seeds=
	for s in "tests/fuzz/corpus/$t" "tests/fuzz/crashers/$t"; do
		[ -d "$s" ] && seeds="$seeds $s"
	done
	# shellcheck disable=SC2086  # one argument per seed folder
	nice -n 19 "$dir/$t" -max_total_time="$secs" -close_fd_mask=3 -timeout=20 \
		-artifact_prefix="$dir/artifacts/$t-" "$dir/work/$t" $seeds >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 runs in \2 s/p' "$log" | tail -n 1)
	cov=$(grep -E '^#[0-9]+' "$log" | tail -n 1 | sed -n 's/.*cov: \([0-9]*\).*corp: \([0-9]*\).*/cov \1, corpus \2/p')
	if [ "$rc" -eq 0 ]; then
		echo "fuzz $t: ${runs:-?}, ${cov:-?}, no crash"
	else
		crashed=$((crashed + 1))
		echo "fuzz $t: CRASH (exit $rc): $(grep -o "$dir/artifacts/$t-[^ ]*" "$log" | tail -n 1)"
		grep -E 'ERROR|runtime error|SUMMARY' "$log" | head -n 5 | sed 's/^/    /'
	fi
done
[ "$crashed" -eq 0 ]
