#!/usr/bin/env bash
# matrix.sh: the one kernel image through every environment.
#
#   tests/matrix.sh [ENV...]
#
# Boots build/kernel with its self-tests in each environment (all of them
# when none is named) and checks that the expected backend was bound:
#
#   hv-xenlike      hv --backend xenlike with the Xen-like ROM
#   hv-vmwarelike   hv --backend vmwarelike with the VMware-like ROM
#   hv-none         hv without a ROM (native patching)
#   qemu-tcg        QEMU TCG -kernel (native)
#   qemu-kvm        QEMU KVM -kernel (native; skipped without /dev/kvm)
#   qemu-tcg-rom    QEMU TCG with the test ROM through SeaBIOS
#   qemu-kvm-rom    QEMU KVM with the test ROM
#   grub-tcg        a GRUB 2 ISO under QEMU TCG (native)
#   hv-xenlike-virtio, hv-vmwarelike-virtio, hv-none-virtio
#                   the same with hv's virtio-blk disk (virtio=blk: the
#                   driver must bind; the console and balloon under hv
#                   are the virtio-hv-* suites, which feed their input)
#   qemu-tcg-virtio, qemu-kvm-virtio
#                   QEMU's own virtio-blk-pci (virtio=blk)
#
# A virtio environment's disk is a fresh image (build/boot/ENV.img);
# after the boot the host checks it holds exactly what the guest's
# virtio-blk suite wrote (build/tests/disk-check), one more result in
# that environment's verdict.
#
# Prints KTAP (each environment one top-level test holding the guest's
# own KTAP) on stdout, and a table of environment against result on
# stderr and into $RUN_SUITES_TABLE (the runner shows it) or
# build/matrix.txt.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 2
B=build
BOOT=tests/boot/boot-qemu.sh
KTAP_COUNT=$B/tests/ktap-count
TABLE=${RUN_SUITES_TABLE:-$B/matrix.txt}
ALL_ENVS=(hv-xenlike hv-vmwarelike hv-none qemu-tcg qemu-kvm qemu-tcg-rom qemu-kvm-rom grub-tcg
	hv-xenlike-virtio hv-vmwarelike-virtio hv-none-virtio qemu-tcg-virtio qemu-kvm-virtio)
DISK_CHECK=$B/tests/disk-check

# The boot-qemu.sh arguments of one environment, and the backend it must bind.
env_args() {
	case $1 in
	hv-xenlike)    echo "--hv-arg --backend --hv-arg xenlike --option-rom $B/backends/xenlike.rom hv|xenlike" ;;
	hv-vmwarelike) echo "--hv-arg --backend --hv-arg vmwarelike --option-rom $B/backends/vmwarelike.rom hv|vmwarelike" ;;
	hv-none)       echo "hv|native" ;;
	qemu-tcg)      echo "tcg|native" ;;
	qemu-kvm)      echo "kvm|native" ;;
	qemu-tcg-rom)  echo "--option-rom $B/backends/testrom.rom tcg|testrom" ;;
	qemu-kvm-rom)  echo "--option-rom $B/backends/testrom.rom kvm|testrom" ;;
	grub-tcg)      echo "grub|native" ;;
	hv-xenlike-virtio)    echo "--hv-arg --backend --hv-arg xenlike --option-rom $B/backends/xenlike.rom $(hv_virtio "$1") hv|xenlike" ;;
	hv-vmwarelike-virtio) echo "--hv-arg --backend --hv-arg vmwarelike --option-rom $B/backends/vmwarelike.rom $(hv_virtio "$1") hv|vmwarelike" ;;
	hv-none-virtio)       echo "$(hv_virtio "$1") hv|native" ;;
	qemu-tcg-virtio)      echo "$(qemu_virtio "$1") tcg|native" ;;
	qemu-kvm-virtio)      echo "$(qemu_virtio "$1") kvm|native" ;;
	*)             return 1 ;;
	esac
}

# hv's disk and console, and QEMU's disk, for a virtio environment.
hv_virtio() {
	echo "--hv-arg --disk --hv-arg $B/boot/$1.img"
}
qemu_virtio() {
	echo "--qemu-arg -drive --qemu-arg file=$B/boot/$1.img,if=none,id=vd0,format=raw" \
	     "--qemu-arg -device --qemu-arg virtio-blk-pci,drive=vd0,disable-legacy=on"
}
# The kernel command line's virtio= word of an environment, if any.
env_virtio() {
	case $1 in
	*-virtio) echo "virtio=blk" ;;
	esac
}

envs=("$@")
[ ${#envs[@]} -gt 0 ] || envs=("${ALL_ENVS[@]}")
for e in "${envs[@]}"; do
	env_args "$e" > /dev/null || { echo "matrix: unknown environment '$e'" >&2; exit 2; }
done

echo "KTAP version 1"
echo "1..${#envs[@]}"
rows=()
i=0
for e in "${envs[@]}"; do
	i=$((i + 1))
	spec=$(env_args "$e")
	args=${spec%|*}
	expect=${spec#*|}
	start=$SECONDS
	vw=$(env_virtio "$e")
	if [ -n "$vw" ]; then
		mkdir -p "$B/boot"
		"$DISK_CHECK" make "$B/boot/$e.img" > /dev/null
	fi
	# shellcheck disable=SC2086
	out=$($BOOT -q --name "$e" $args $B/kernel test "expect=$expect" $vw 2>/dev/null)
	# A virtio environment that booted: the image must hold what was written.
	if [ -n "$vw" ] && grep -q "^ok 1 $e\$" <<< "$out"; then
		if ! chk=$("$DISK_CHECK" verify "$B/boot/$e.img" rw 8 2>&1); then
			out=$(sed -E "s/^ok 1 $e\$/not ok 1 $e/" <<< "$out")
			out+=$'\n'"# $e: the disk image does not hold what the guest wrote:"
			out+=$'\n'"$(sed 's/^/# /' <<< "$chk")"
		fi
	fi
	secs=$((SECONDS - start))
	# Renumber its single top-level result as ours.
	sed -n '3,$p' <<< "$out" | sed -E "s/^(not ok|ok) 1 $e/\\1 $i $e/"
	read -r _ p _ f _ s < <($KTAP_COUNT <<< "$out" | head -1)
	bound=$(grep -ao 'pvops: backend [^ ]*' "$B/boot/$e.serial" 2>/dev/null | head -1 | cut -d' ' -f3)
	if grep -q "^ok $i $e # SKIP" <<< "$(sed -E "s/^(not ok|ok) 1 $e/\\1 $i $e/" <<< "$out")"; then
		verdict=skip
	elif [ "${f:-1}" -eq 0 ] && grep -q "^ok 1 $e" <<< "$out"; then
		verdict=pass
	else
		verdict=FAIL
	fi
	rows+=("$(printf '%-14s %-11s %-11s %-5s %4s %4s %4s %4ss' "$e" "$expect" "${bound:--}" \
		"$verdict" "${p:-0}" "${f:-0}" "${s:-0}" "$secs")")
done

{
	printf '%-14s %-11s %-11s %-5s %4s %4s %4s %5s\n' environment expected bound result pass fail skip time
	printf '%s\n' "${rows[@]}"
} | tee "$TABLE" >&2
