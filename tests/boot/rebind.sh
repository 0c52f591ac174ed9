#!/usr/bin/env bash
# rebind.sh: a guest moved between backends while it runs (ABI 1.3
# re-binding, SPEC.md section 20), under hv --switch-backend, as KTAP.
#
#   tests/boot/rebind.sh [options] NAME FROM TO [TO...]
#
# Boots build/kernel under hv's backend FROM (with its ROM, none for
# none) and has hv move it to each TO in turn (the first switch MS after
# the guest acknowledged its boot ROM, or 5000 ms after start from none;
# each next one MS after the guest let go of the previous).
#
# Options:
#   --mode selftest   (default) the guest waits for every hop, then runs
#                     its whole self-test suite; checked: the hops, and
#                     after each hop the patch report (summary and the
#                     per-op table) equals that of a fresh boot on that
#                     backend (build/rebind/fresh-NAME.txt, booted once
#                     per kernel build)
#   --mode lazy       the guest runs rebind.lazy_batch_across_hop: one
#                     hop inside a lazy page-table section
#   --mode console    the guest runs rebind.console_stream_across_hop:
#                     one hop while it writes numbered lines; checked
#                     here: every line once, in order, none missing
#   --mode hold       the guest runs rebind.hold_defers_hop: the hop
#                     waits for the test's rebind_release()
#   --ms MS           delay of each switch (default 1000)
#   --nopatch         pvops=nopatch on both boots: the re-bind refills the
#                     op table instead of patching sites
#
# Output: KTAP, one result per check; the guest runs' own KTAP nested.
# Exit status: 0 when everything passed, 1 otherwise, 2 on bad usage.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
BOOT=$TOP/tests/boot/boot-qemu.sh
KERNEL=$TOP/build/kernel
OUT=$TOP/build/rebind
MODE=selftest MS=1000 PVMODE=()

die_usage() { echo "rebind.sh: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
	case $1 in
	--mode) MODE=${2:?}; shift 2 ;;
	--ms) MS=${2:?}; shift 2 ;;
	--nopatch) PVMODE=(pvops=nopatch); shift ;;
	-*) die_usage "unknown option $1" ;;
	*) break ;;
	esac
done
[ $# -ge 3 ] || die_usage "want NAME FROM TO [TO...]"
NAME=$1 FROM=$2
shift 2
HOPS=("$@")
case $MODE in selftest|lazy|console|hold) ;; *) die_usage "--mode $MODE: want selftest, lazy, console or hold" ;; esac

rom_of() { [ "$1" = none ] || echo "$TOP/build/backends/$1.rom"; }
for b in "$FROM" "${HOPS[@]}"; do
	case $b in none|xenlike|vmwarelike) ;; *) die_usage "backend $b: want none, xenlike or vmwarelike" ;; esac
	r=$(rom_of "$b")
	[ -z "$r" ] || [ -f "$r" ] || die_usage "no ROM $r (make all)"
done
mkdir -p "$OUT"

N=0 FAILED=0
result() {	# result OK|FAIL NAME [reason lines...]
	N=$((N + 1))
	if [ "$1" = OK ]; then
		echo "ok $N $2"
	else
		FAILED=1
		echo "not ok $N $2"
		shift 2
		for l in "$@"; do echo "# $l"; done
	fi
}

# The patch report printed after the K-th "pvops: backend" line of a
# console log (1: the boot's, 2: after the first hop, ...): that line,
# the summary and the per-op table, up to the next log line of another
# subsystem.
report_block() {
	tr -d '\r' <"$1" | awk -v k="$2" '
		/^pvops: backend / { n++; if (n == k) { on = 1; print; next } }
		on && /^(vm|rebind|time|sched|vmi|timer|pci|boot|KTAP)[: ]/ { exit }
		on { print }'
}

# A fresh boot's report on backend B, once per kernel and hv build.
fresh_report() {
	local b=$1 f=$OUT/fresh-$1${PVMODE[*]:+-nopatch}.txt args=()
	if [ -s "$f" ] && [ "$f" -nt "$KERNEL" ] && [ "$f" -nt "$TOP/build/hv/hv" ]; then
		echo "$f"
		return
	fi
	[ "$b" = none ] || args=(--option-rom "$(rom_of "$b")" --hv-arg --backend --hv-arg "$b")
	local name=rebind-fresh-$b${PVMODE[*]:+-nopatch}
	"$BOOT" -q --name "$name" "${args[@]}" hv "$KERNEL" test=mm pvops=verbose "${PVMODE[@]}" \
		>"$OUT/$name.ktap" 2>/dev/null
	report_block "$TOP/build/boot/$name.serial" 1 >"$f.tmp"
	if [ -s "$f.tmp" ]; then mv "$f.tmp" "$f"; else rm -f "$f.tmp"; fi
	echo "$f"
}

# hv's arguments for the run: the boot backend and the switches.
HV_ARGS=()
[ "$FROM" = none ] || HV_ARGS+=(--option-rom "$(rom_of "$FROM")" --hv-arg --backend --hv-arg "$FROM")
# A hop between none and none changes nothing the guest can see (no ROM
# either side: no notice, nothing to re-bind); VISIBLE counts the others.
prev=$FROM VISIBLE=0 first=1
for b in "${HOPS[@]}"; do
	ms=$MS
	if [ "$prev" = none ] && [ $first = 1 ]; then
		ms=5000			# from start: no boot ROM to acknowledge
		[ "$b" = none ] && ms=1	# invisible: done before the tests
	fi
	[ "$prev" = none ] && [ "$b" = none ] || VISIBLE=$((VISIBLE + 1))
	first=0
	sw="$ms:$b"
	[ "$b" = none ] || sw="$sw:$(rom_of "$b")"
	HV_ARGS+=(--hv-arg --switch-backend --hv-arg "$sw")
	prev=$b
done
LAST=${HOPS[${#HOPS[@]}-1]}
EXPECT=$LAST
[ "$LAST" = none ] && EXPECT=native

case $MODE in
selftest) CMD=(test pvops=verbose "${PVMODE[@]}" "rebind.wait=$VISIBLE" "expect=$EXPECT") ;;
lazy) CMD=(test=rebind.lazy_batch_across_hop rebind.hop) ;;
console) CMD=(test=rebind.console_stream_across_hop rebind.hop) ;;
hold) CMD=(test=rebind.hold_defers_hop rebind.hop) ;;
esac

echo "KTAP version 1"
# Plan: the guest run, the hop count, then per mode.
case $MODE in
selftest) echo "1..$((4 + ${#HOPS[@]}))" ;;
lazy|hold) echo "1..4" ;;
console) echo "1..5" ;;
esac

RUN_OUT=$("$BOOT" -q --timeout 200 --name "$NAME" "${HV_ARGS[@]}" hv "$KERNEL" "${CMD[@]}" 2>/dev/null)
RUN_RC=$?
printf '%s\n' "$RUN_OUT" | sed 's/^/    /'
SERIAL=$TOP/build/boot/$NAME.serial
if [ $RUN_RC -eq 0 ]; then result OK guest_run; else result FAIL guest_run "the guest run failed (build/boot/$NAME.serial)"; fi

# hv's side: one switch line per --switch-backend, in order.
VMMLOG=$TOP/build/boot/$NAME.vmm.log
hv_seen=$(grep -c '^hv: rebind: generation [0-9]*: backend ' "$VMMLOG" 2>/dev/null)
if [ "$hv_seen" = "${#HOPS[@]}" ]; then
	result OK "hv_switched_${#HOPS[@]}"
else
	result FAIL "hv_switched_${#HOPS[@]}" "hv logged $hv_seen switches, want ${#HOPS[@]} (${VMMLOG#"$TOP"/})"
fi

hv_let=$(grep -c '^hv: rebind: guest let go of ' "$VMMLOG" 2>/dev/null)
if [ "$hv_let" = "$VISIBLE" ]; then
	result OK "hv_saw_guest_let_go_$VISIBLE"
else
	result FAIL "hv_saw_guest_let_go_$VISIBLE" "hv saw $hv_let acknowledgements, want $VISIBLE (${VMMLOG#"$TOP"/})"
fi

want=$VISIBLE
seen=$(tr -d '\r' <"$SERIAL" 2>/dev/null | grep -c '^rebind: hop [0-9]*: backend ')
if [ "$seen" = "$want" ]; then
	result OK "hops_seen_$want"
else
	result FAIL "hops_seen_$want" "the guest logged $seen re-binds, want $want"
fi

if [ "$MODE" = selftest ]; then
	# Block k of the log: 1 the boot's, then one per visible hop.
	k=1 h=0 prev=$FROM
	for b in "${HOPS[@]}"; do
		h=$((h + 1))
		[ "$prev" = none ] && [ "$b" = none ] || k=$((k + 1))
		prev=$b
		f=$(fresh_report "$b")
		got=$OUT/$NAME-hop$h.txt
		report_block "$SERIAL" "$k" >"$got"
		if [ -s "$f" ] && [ -s "$got" ] && cmp -s "$f" "$got"; then
			result OK "hop${h}_${b}_report_equals_fresh_boot"
		else
			mapfile -t d < <(diff "$f" "$got" 2>&1 | head -8)
			result FAIL "hop${h}_${b}_report_equals_fresh_boot" \
				"the patch report after hop $h differs from a fresh boot on $b:" "${d[@]}"
		fi
	done
fi

if [ "$MODE" = console ]; then
	# Every "rbc NNNN CHECK" line once, numbered 0.. in order, each
	# check word right; the count the guest says it wrote.
	verdict=$(tr -d '\r' <"$SERIAL" | awk '
		/^rbc [0-9]+ [0-9a-f]+$/ {
			i = $2 + 0
			if (i != n) { print "line " n " expected, line " i " found"; bad = 1; exit }
			c = (i + 1) * 2654435761 % 4294967296
			if ($3 != sprintf("%08x", c)) { print "line " i ": check word " $3 ", want " sprintf("%08x", c); bad = 1; exit }
			n++
		}
		/# rbc: [0-9]+ lines/ { for (f = 1; f <= NF; f++) if ($f == "rbc:") said = $(f + 1) + 0 }
		END {
			if (bad) exit
			if (said == 0) { print "the guest did not say how many lines it wrote"; exit }
			if (n != said) { print "saw " n " lines, the guest wrote " said; exit }
			print "ok " n
		}')
	case $verdict in
	ok*) result OK "console_lines_once_in_order" ;;
	*) result FAIL "console_lines_once_in_order" "$verdict" ;;
	esac
fi
exit $FAILED
