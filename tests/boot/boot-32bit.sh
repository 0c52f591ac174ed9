#!/usr/bin/env bash
# boot-32bit.sh: boots the kernel on a CPU without long mode (QEMU TCG,
# -cpu qemu32, through GRUB, which turns the 16550's FIFO on) and checks
# that the entry stub's whole message reached COM1 and that it stopped
# with status 37 (0x12 on port 0xf4).  QEMU's 16550 never drops a byte, so
# this proves the 32-bit loop runs; tests/unit/test_early_puts.c proves
# the THRE wait against a UART that does drop.
#
#   tests/boot/boot-32bit.sh IMAGE
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 2
NAME=boot-tcg-32bit
MSG="PANIC: this CPU has no long mode; the kernel needs x86_64"
out=$(tests/boot/boot-qemu.sh --name "$NAME" --qemu-arg -cpu --qemu-arg qemu32 grub "$1" test 2>/dev/null)
echo "KTAP version 1"
echo "1..1"
if grep -q "^ok 1 $NAME # SKIP" <<< "$out"; then
	echo "ok 1 $NAME # SKIP $(sed -n 's/^ok 1 [^#]*# SKIP //p' <<< "$out")"
	exit 0
fi
if ! grep -q "exit status 37" <<< "$out"; then
	echo "not ok 1 $NAME"
	echo "# not exit status 37"
	sed 's/^/# /' <<< "$out" | tail -5
	exit 1
fi
if [ "$(grep -ac "^$MSG\$" "build/boot/$NAME.serial")" != 1 ]; then
	echo "not ok 1 $NAME"
	echo "# no whole \"$MSG\" line in build/boot/$NAME.serial"
	exit 1
fi
echo "ok 1 $NAME"
