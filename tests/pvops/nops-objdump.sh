#!/bin/sh
# nops-objdump.sh: decodes the NOP padding for lengths 1..15 with objdump.
#
# For each length the bytes from build/pvops/nopdump must disassemble to
# instructions that are all nop/nopw/nopl/xchg %ax,%ax and whose lengths
# sum to exactly n.  Prints TAP.
#   usage: tests/pvops/nops-objdump.sh build/pvops/nopdump
set -u
dump=${1:?usage: nops-objdump.sh NOPDUMP}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
echo "1..15"
fail=0
for n in $(seq 1 15); do
	"$dump" "$n" > "$tmp/nop.bin" || { echo "not ok $n - nopdump $n failed"; fail=1; continue; }
	objdump -D --insn-width=16 -b binary -m i386:x86-64 "$tmp/nop.bin" > "$tmp/dis" 2>&1
	# instruction lines look like "   0:	66 90	xchg %ax,%ax"
	result=$(awk -F'\t' '
		/^ *[0-9a-f]+:\t/ {
			nb = split($2, b, " "); total += nb; count++
			m = $3; sub(/ .*/, "", m)
			if (m !~ /^(nop|nopw|nopl|xchg|data16)$/) bad = bad " " $3
			if (m == "xchg" && $3 !~ /%ax,%ax/) bad = bad " " $3
		}
		END { printf "%d %d%s", total, count, (bad == "" ? "" : " BAD:" bad) }
	' "$tmp/dis")
	total=${result%% *}
	case "$result" in
	*BAD:*) echo "not ok $n - length $n: non-NOP instruction:${result#*BAD:}"; fail=1 ;;
	*)
		count=${result#* }
		if [ "$total" -eq "$n" ]; then
			echo "ok $n - length $n decodes to $count NOP instruction(s)"
		else
			echo "not ok $n - length $n: objdump decoded $total bytes"; fail=1
		fi ;;
	esac
done
exit $fail
