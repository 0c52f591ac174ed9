#!/usr/bin/env bash
# run.sh: boots hv's test guests, one case per boot, and prints TAP.
#
#   tests/hvguests/run.sh mini|hostile|cli HV
#
# Each case gives hv's exit status (stdin from $STDIN, else /dev/null) and the patterns its stdout and
# stderr must match (the guest's verdict, hv's one-line reason).  When
# HV is a sanitizer build (name ends in -san), stderr must also be free
# of sanitizer reports.  Where a KVM is comes from the one KVM probe
# (nested/kvm-run --probe): /dev/kvm, or the nested VM, through which hv
# runs itself; only where it says off (HV_ACCEL=kvm without /dev/kvm)
# does each case that needs a KVM skip, with the reason.  Run from the
# top of the tree.
set -u

SUITE=${1:?usage: run.sh mini|hostile|cli HV}
HV=${2:?usage: run.sh mini|hostile|cli HV}
G=build/hvguests
MINI=$G/mini/mini.elf
AOUT=$G/mini/mini-aout.bin
HOST=$G/hostile/hostile.elf
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
N=0

# The probe's verdict, once: "kvm: ...", "nested: ..." or "off: why".
PROBE=$(nested/kvm-run --probe)
NO_KVM=
[ "${PROBE%%:*}" != off ] || NO_KVM=${PROBE#off: }

# check NAME STATUS STDOUT_RE STDERR_RE -- HV-ARGS...
check() {
	local name=$1 want=$2 out_re=$3 err_re=$4 st why=""
	shift 5
	N=$((N + 1))
	if [ -n "$NO_KVM" ] && [ -n "${NEEDS_KVM:-}" ]; then
		echo "ok $N $name # SKIP $NO_KVM"
		return
	fi
	[ -z "${NEEDS_KVM:-}" ] || [ -z "${RUN_SUITES_WHERE:-}" ] || echo "${PROBE%%:*}" >> "$RUN_SUITES_WHERE"
	timeout 120 "$HV" "$@" >"$TMP/out" 2>"$TMP/err" <"${STDIN:-/dev/null}"
	st=$?
	if [ "$st" != "$want" ]; then
		why="status $st, want $want"
	elif [ -n "$out_re" ] && ! grep -Eq -- "$out_re" "$TMP/out"; then
		why="stdout lacks /$out_re/"
	elif [ -n "$err_re" ] && ! grep -Eq -- "$err_re" "$TMP/err"; then
		why="stderr lacks /$err_re/"
	elif grep -Eq 'AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:' "$TMP/err"; then
		why="sanitizer report"
	fi
	if [ -z "$why" ]; then
		echo "ok $N $name"
	else
		echo "not ok $N $name # $why"
		sed 's/^/#   out: /' "$TMP/out" | tail -5
		sed 's/^/#   err: /' "$TMP/err" | tail -8
	fi
}

suite_mini() {
	echo "1..7"
	check mini-elf 33 "^mini: cmdline 'hello from hv'$" "" -- \
		"$MINI" -- hello from hv
	check mini-aout 33 "^mini: PASS" "" -- "$AOUT" -- aout kludge
	check mini-memory 33 "mem_upper 0x00003c00 KiB" "" -- -m 16M "$MINI"
	check mini-modules 33 "module 'modarg x' 0x0000000c bytes" "" -- \
		--module "$TMP/m0,modarg x" --module "$TMP/m1" "$MINI"
	check mini-fail-seen 35 "^mini: FAIL asked to" "" -- "$MINI" -- fail
	check mini-stats 33 "" "hv: stats: .*reason io" -- --stats "$MINI"
	check mini-trace 33 "" "hv: exit [0-9]+ io out port 0xf4" -- --trace "$MINI"
}

suite_hostile() {
	local T="--timeout 10" V="--timeout 10 --backend vmwarelike"
	local X="--timeout 10 --backend xenlike"
	echo "1..60"
	check ok 33 "^hostile: ok PASS" "" -- $T "$HOST" -- ok
	check cpuid 33 "^hostile: cpuid PASS" "" -- $T "$HOST" -- cpuid
	check io 33 "^hostile: io PASS" "" -- $T "$HOST" -- io
	check mmio 33 "^hostile: mmio PASS" "" -- $T "$HOST" -- mmio
	check rom-write 33 "^hostile: rom PASS" "" -- $T --rom "$TMP/rom" "$HOST" -- rom
	check stats-port 33 "^hostile: stats PASS" "" -- $T "$HOST" -- stats
	check port-garbage 33 "^hostile: garbage PASS" "" -- $T "$HOST" -- garbage
	check exit-8bit 33 "" "" -- $T "$HOST" -- exit8
	STDIN=$TMP/input check uart-input 33 "^hostile: uart-in PASS" "" -- $T "$HOST" -- uart-in
	check uart-no-input 35 "COM1 input never came" "" -- $T "$HOST" -- uart-in
	check bench 33 "^hostile: bench PASS" "" -- $T "$HOST" -- bench 200
	check hc-unknown 10 "" "^hv: unknown hypercall 0x1ff" -- $T "$HOST" -- hc-unknown
	check hc-garbage 10 "" "^hv: unknown hypercall" -- $T "$HOST" -- hc-garbage
	check hc-byte 10 "" "^hv: hypercall port 0xf8: 1-byte out" -- $T "$HOST" -- hc-byte
	check hc-in 10 "" "^hv: hypercall port 0xf8: 4-byte in" -- $T "$HOST" -- hc-in
	check hc-badptr 10 "" "^hv: hypercall puts: guest range 0xf0000000\+0x10 is not guest RAM" -- \
		$T "$HOST" -- hc-badptr
	check hc-rom-hole 10 "" "^hv: hypercall puts: guest range 0xc0000\+0x10 is not" -- \
		$T "$HOST" -- hc-hole
	check hc-ram-edge 10 "" "^hv: hypercall puts: guest range 0x3fffff8\+0x10 is not" -- \
		$T "$HOST" -- hc-edge
	check hc-oversize 10 "" "^hv: hypercall puts: length 0x100000 over the limit" -- \
		$T "$HOST" -- hc-oversize
	check triple-fault 6 "" "^hv: guest crashed: .*" -- $T "$HOST" -- triple
	check crash-dump 6 "" "^hv:   rip [0-9a-f]{16}" -- $T "$HOST" -- triple
	check spin-timeout 8 "" "^hv: timeout: guest still running after 0.3 s" -- \
		--timeout 0.3 "$HOST" -- spin
	check halt-timeout 8 "" "^hv: timeout: guest still running after 0.3 s" -- \
		--timeout 0.3 "$HOST" -- halt
	check unknown-case 37 "unknown case" "" -- $T "$HOST" -- no-such-case
	check vmw-ok 33 "^hostile: vmw bulk$" "" -- $V "$HOST" -- vmw-ok
	check vmw-magic 10 "" "^hv: vmwarelike: backdoor port 0x5658: wrong magic" -- $V "$HOST" -- vmw-magic
	check vmw-cmd 10 "" "^hv: vmwarelike: unknown backdoor command 0x7777" -- $V "$HOST" -- vmw-cmd
	check vmw-out 10 "" "^hv: vmwarelike: backdoor port 0x5658: an out" -- $V "$HOST" -- vmw-out
	check vmw-byte 10 "" "^hv: vmwarelike: backdoor port 0x5658: not 32 bits" -- $V "$HOST" -- vmw-byte
	check vmw-bulk-oversize 10 "" "^hv: vmwarelike: bulk command 0x1, 4097 bytes: byte count over" -- \
		$V "$HOST" -- vmw-bulk-big
	check vmw-bulk-badptr 10 "" "^hv: vmwarelike console: guest range 0xf0000000\+0x10 is not" -- \
		$V "$HOST" -- vmw-bulk-ptr
	check vmw-queue-oversize 10 "" "^hv: vmwarelike: mmu_flush of 1025 entries over" -- \
		$V "$HOST" -- vmw-queue-big
	check vmw-alarm-period 10 "" "^hv: vmwarelike: alarm period 10 ns under" -- $V "$HOST" -- vmw-period
	check vmw-entry-kind 10 "" "^hv: vmwarelike: mmu_flush entry 0x[0-9a-f]*6: unknown entry kind" -- \
		$V "$HOST" -- vmw-kind
	check vmw-entry-outside 10 "" "^hv: vmwarelike page-table entry: guest range 0xf0000000\+0x8" -- \
		$V "$HOST" -- vmw-entry
	check xl-ok 33 "^hostile: xl-ok PASS" "" -- $X "$HOST" -- xl-ok
	check xl-early 10 "" "^hv: xenlike: hypercall 0x1 before setup" -- $X "$HOST" -- xl-early
	check xl-setup-ptr 10 "" "^hv: xenlike setup: hypercall page: guest range 0xf0000000" -- \
		$X "$HOST" -- xl-setup-ptr
	check xl-console-big 10 "" "^hv: xenlike console: length 0x1001 over" -- $X "$HOST" -- xl-console-big
	check xl-mmu-big 10 "" "^hv: xenlike mmu_update: 513 requests, at most 512" -- \
		$X "$HOST" -- xl-mmu-big
	check xl-mmu-ptr 10 "" "^hv: xenlike mmu_update: guest range" -- $X "$HOST" -- xl-mmu-ptr
	check xl-multi-big 10 "" "^hv: xenlike multicall: 9 entries, at most 8" -- \
		$X "$HOST" -- xl-multi-big
	suite_virtio
}

# The virtio devices (issue 12), driven by hand by the hostile guest.
# Disk images live under build/: the nested VM can write only there.
suite_virtio() {
	local T="--timeout 20" D="$DISKS/d.img" R="$DISKS/ro.img" B="no-check"
	local P="^hv: virtio-blk@00:01.0: queue 0:"
	truncate -s 1M "$D"
	truncate -s 8M "$DISKS/e.img"
	head -c 1M /dev/urandom >"$R"
	local ro_sum=$(cksum <"$R")
	check vblk-ok 33 "^hostile: vblk-ok PASS" "" -- $T --disk "$D" "$HOST" -- vblk-ok
	N=$((N + 1))
	if head -c 4096 "$D" | cmp -s - <(yes 'hvdisk!' | head -c 4096) &&
	   [ "$(tail -c +4097 "$D" | tr -d '\0' | wc -c)" = 0 ]; then
		echo "ok $N vblk-ok-image"
	else
		echo "not ok $N vblk-ok-image # the image does not hold exactly what the guest wrote"
	fi
	check vblk-ro 33 "^hostile: vblk-ro PASS" "" -- $T --disk "$R,ro" "$HOST" -- vblk-ro
	N=$((N + 1))
	if [ "$(cksum <"$R")" = "$ro_sum" ]; then echo "ok $N vblk-ro-unchanged"
	else echo "not ok $N vblk-ro-unchanged # the read-only image changed"; fi
	check vblk-end 33 "^hostile: vblk-end PASS" "" -- $T --disk "$D" "$HOST" -- vblk-end
	check vblk-qsize 33 "^hostile: vblk-qsize PASS" "" -- $T --disk "$D" "$HOST" -- vblk-qsize
	check vblk-bench-depth1 33 "^hostile: vblk-bench depth 1 " "hv: stats: " -- \
		$T --stats --disk "$DISKS/e.img" "$HOST" -- vblk-bench 1 4
	check vblk-bench-depth64 33 "^hostile: vblk-bench depth 64 " "hv: stats: " -- \
		$T --stats --disk "$DISKS/e.img" "$HOST" -- vblk-bench 64 4
	check vblk-loop 10 "" "$P descriptor chain from head 0 is longer than 8 descriptors \(a loop\?\)" -- \
		$T --disk "$D" "$HOST" -- vblk-loop
	check vblk-indirect-loop 10 "" "$P descriptor chain from head 0 is longer than 4 descriptors" -- \
		$T --disk "$D" "$HOST" -- vblk-ind-loop
	check vblk-outside-ram 10 "" "$P descriptor 1 \(head 0\): buffer 0xf0000000\+0x200 is not guest RAM" -- \
		$T --disk "$D" "$HOST" -- vblk-outside
	check vblk-huge-length 10 "" "$P descriptor 1 \(head 0\): buffer 0x200000\+0xfffff000 is not guest RAM" -- \
		$T --disk "$D" "$HOST" -- vblk-huge
	check vblk-ring-outside-ram 10 "" "$P descriptor table at 0xf0000000\+0x80 is not guest RAM" -- \
		$T --disk "$D" "$HOST" -- vblk-ring-outside
	check vblk-avail-idx 10 "" "$P avail idx 100 is 100 entries ahead" -- \
		$T --disk "$D" "$HOST" -- vblk-avail
	check vcon-ok 33 "^hostile: vcon hello over virtio$" "" -- $T --virtio-console "$HOST" -- vcon-ok
	check vballoon-ok 33 "^hostile: vballoon-ok PASS" "" -- $T --balloon 4 "$HOST" -- vballoon-ok
	echo 0 >"$DISKS/ctl"
	( sleep 2; echo 8 >"$DISKS/ctl" ) &
	check vballoon-control 33 "^hostile: vballoon-ctl PASS" "" -- \
		--timeout 60 --balloon-control "$DISKS/ctl" "$HOST" -- vballoon-ctl
	wait
	check pci 33 "^hostile: pci PASS" "" -- $T --disk "$D" --disk "$DISKS/e.img" "$HOST" -- pci
}

suite_cli() {
	echo "1..33"
	check help 0 "^usage: hv" "" -- --help
	check version 0 "^hv [0-9]" "" -- --version
	check no-kernel 2 "" "no KERNEL given" --
	check unknown-flag 2 "" "unrecognized option" -- --frobnicate "$MINI"
	check extra-arg 2 "" "unexpected argument 'x'" -- "$MINI" x
	check memory-huge 2 "" "^hv: --memory 1T" -- -m 1T "$MINI"
	check memory-tiny 2 "" "^hv: --memory 1M" -- --memory 1M "$MINI"
	check memory-junk 2 "" "^hv: --memory 64Q" -- -m 64Q "$MINI"
	check timeout-junk 2 "" "^hv: --timeout abc" -- --timeout abc "$MINI"
	NEEDS_KVM=1 check backend-vmwarelike 33 "^mini: PASS" "" -- --backend vmwarelike "$MINI"
	check accel-unknown 2 "" "^hv: --accel fast: want auto, kvm or nested" -- --accel fast "$MINI"
	HV_ACCEL=fast check accel-env-unknown 2 "" "^hv: HV_ACCEL=fast: want auto, kvm or nested" -- "$MINI"
	HV_KVM_DEV=$TMP/no-kvm check accel-kvm-missing 14 "" \
		"^hv: --accel kvm: $TMP/no-kvm: No such file or directory: this machine has no usable KVM; --accel auto" \
		-- --accel kvm "$MINI"
	HV_ACCEL=auto HV_KVM_DEV=$TMP/no-kvm NEEDS_KVM=1 check accel-auto-nested 33 "^mini: PASS" \
		"^hv: accel nested: $TMP/no-kvm: No such file or directory; running inside a nested-KVM VM" \
		-- "$MINI"
	check backend-unknown 2 "" "foo: unknown" -- --backend foo "$MINI"
	check kernel-missing 4 "" "No such file" -- "$TMP/none"
	check kernel-not-mb 4 "" "no Multiboot header" -- tests/hvguests/run.sh
	check kernel-elf64 4 "" "ELF64 image without Multiboot address fields" -- "$TMP/mini64.elf"
	check rom-size 4 "" "multiple of 512" -- --rom "$TMP/rom700" "$MINI"
	check rom-big 4 "" "over the 131072 bytes" -- --rom "$TMP/rombig" "$MINI"
	check rom-signature 4 "" "no 0x55AA" -- --rom "$TMP/romsig" "$MINI"
	check module-missing 4 "" "^hv: module $TMP/none:" -- --module "$TMP/none" "$MINI"
	# --disk, --balloon: refused on the host before any KVM (issue 12)
	check disk-missing 4 "" "^hv: disk $TMP/none: No such file or directory$" -- \
		--disk "$TMP/none" "$MINI"
	check disk-directory 4 "" "^hv: disk $TMP: Is a directory$" -- --disk "$TMP" "$MINI"
	check disk-directory-ro 4 "" "^hv: disk $TMP: not a regular file or a block device$" -- \
		--disk "$TMP,ro" "$MINI"
	check disk-readonly-file 4 "" "^hv: disk $TMP/ro.img: read-only file \(mode 0444\): give $TMP/ro.img,ro" -- \
		--disk "$TMP/ro.img" "$MINI"
	check disk-part-sector 4 "" "^hv: disk $TMP/rom700: size 700 bytes: want a non-zero multiple of 512$" -- \
		--disk "$TMP/rom700" "$MINI"
	check disk-empty 4 "" "^hv: disk $TMP/empty.img: size 0 bytes" -- --disk "$TMP/empty.img" "$MINI"
	check disk-option 2 "" "^hv: --disk $TMP/ro.img,foo: unknown option 'foo'" -- \
		--disk "$TMP/ro.img,foo" "$MINI"
	check disk-too-many 2 "" "^hv: --disk: at most 8 disks" -- $(for i in 0 1 2 3 4 5 6 7 8; do
		echo --disk "$TMP/ro.img,ro"; done) "$MINI"
	check balloon-too-big 2 "" "^hv: --balloon 100: more than the guest's 64 MiB of RAM$" -- \
		--balloon 100 "$MINI"
	check balloon-junk 2 "" "^hv: --balloon 4x: want a number of MiB" -- --balloon 4x "$MINI"
	check balloon-control-missing 4 "" "^hv: balloon-control $TMP/none: No such file or directory$" -- \
		--balloon-control "$TMP/none" "$MINI"
}

# Inputs the cases use.
printf 'module zero\n' >"$TMP/m0"
printf 'M' >"$TMP/m1"
printf 'hv!' >"$TMP/input"
{ printf '\x55\xaa\x01'; head -c 509 /dev/zero; } >"$TMP/rom"
head -c 700 "$TMP/rom" >"$TMP/rom700" 2>/dev/null; head -c 188 /dev/zero >>"$TMP/rom700"
{ cat "$TMP/rom"; head -c $((256 * 1024 - 512)) /dev/zero; } >"$TMP/rombig"
head -c 512 /dev/zero >"$TMP/romsig"
objcopy -O elf64-x86-64 "$MINI" "$TMP/mini64.elf" 2>/dev/null
head -c 4096 /dev/zero >"$TMP/ro.img"; chmod 444 "$TMP/ro.img"
: >"$TMP/empty.img"
mkdir -p build/hvguests
DISKS=$(mktemp -d "$PWD/build/hvguests/disks.XXXXXX")
trap 'rm -rf "$TMP" "$DISKS"' EXIT

if [ ! -x "$HV" ]; then
	echo "1..1"; echo "not ok 1 hv # $HV not built"; exit 1
fi
case $SUITE in
mini|hostile) NEEDS_KVM=1 "suite_$SUITE" ;;
cli) suite_cli ;;
*) echo "run.sh: unknown suite $SUITE" >&2; exit 2 ;;
esac
