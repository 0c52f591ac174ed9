#!/usr/bin/env bash
# figures.sh: hv's performance figures on this machine.
#
#   tests/hvguests/figures.sh [RUNS]     (default 10; run from the top)
#
# Prints: the median wall time from hv's start to the mini guest's exit;
# hv's peak RSS; the cost of a bare port-I/O exit and of a hypercall round
# trip (the hostile guest's "bench" case, timed in the guest with the TSC
# and from the host as the wall-time slope over N); and, when build/kernel
# exists, the self-test boot under hv against QEMU KVM (median of 3).
set -u
RUNS=${1:-10}
HV=build/hv/hv
MINI=build/hvguests/mini/mini.elf
HOST=build/hvguests/hostile/hostile.elf

ns() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# wall_us CMD...: microseconds of one run
wall_us() { local s e; s=$(ns); "$@" >/dev/null 2>&1 </dev/null; e=$(ns); echo $(((e - s) / 1000)); }

m=$(for i in $(seq "$RUNS"); do wall_us "$HV" "$MINI" -- x; done | median)
echo "mini guest, hv start to exit: median ${m} us over $RUNS runs"
rss=$(/usr/bin/time -f %M "$HV" "$MINI" 2>&1 >/dev/null | tail -1)
echo "mini guest, hv peak RSS: ${rss} KiB"

N=4000
khz=$(awk -F: '/cpu MHz/ {printf "%d", $2 * 1000; exit}' /proc/cpuinfo)
line=$("$HV" "$HOST" -- bench $N 2>/dev/null | grep 'bench n')
pc=$(echo "$line" | awk '{print $7}'); hc=$(echo "$line" | awk '{print $10}')
echo "in guest (TSC at ${khz} kHz): port-I/O exit ${pc} cycles = $((pc * 1000 / khz)) us," \
     "hypercall round trip ${hc} cycles = $((hc * 1000 / khz)) us"
t0=$(for i in 1 2 3; do wall_us "$HV" "$HOST" -- bench 0; done | median)
t1=$(for i in 1 2 3; do wall_us "$HV" "$HOST" -- bench $N; done | median)
echo "from the host: (wall(bench $N) - wall(bench 0)) / (2 * $N) = $(((t1 - t0) / (2 * N))) us per exit (port exits and hypercalls together)"

if [ -f build/kernel ]; then
	h=$(for i in 1 2 3; do wall_us "$HV" --timeout 120 build/kernel -- test; done | median)
	hr=$(/usr/bin/time -f %M "$HV" --timeout 120 build/kernel -- test 2>&1 >/dev/null | tail -1)
	Q="qemu-system-x86_64 -accel kvm -cpu host,-arch-capabilities -m 64 -display none -no-reboot -serial stdio -device isa-debug-exit,iobase=0xf4,iosize=4 -kernel build/kernel -append test"
	q=$(for i in 1 2 3; do wall_us timeout 120 $Q; done | median)
	qr=$(/usr/bin/time -f %M timeout 120 $Q 2>&1 >/dev/null | tail -1)
	echo "kernel self-tests: hv ${h} us, QEMU KVM ${q} us (median of 3), ratio QEMU/hv $(awk "BEGIN {printf \"%.2f\", $q / $h}")"
	echo "kernel self-tests: peak RSS hv ${hr} KiB, QEMU KVM ${qr} KiB"
fi
