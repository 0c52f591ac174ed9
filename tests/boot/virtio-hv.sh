#!/usr/bin/env bash
# virtio-hv.sh: the kernel's virtio console and balloon drivers against
# hv's own devices (--virtio-console, --balloon-control), with no ROM or a
# backend's ROM.  The in-guest suites virtio-console and virtio-balloon
# run; when the guest prints "balloon: waiting for a target (inflate" this
# script writes 16 (MiB) into the balloon's control file, and 0 at
# "(deflate".  Under hv the balloon suite also reads hv's resident-pages
# counter and requires the drop to be at least 90% of what was inflated.
#
#   tests/boot/virtio-hv.sh --name NAME [--backend xenlike|vmwarelike] IMAGE
#
# Prints boot-qemu.sh's KTAP (the guest's KTAP under it); exit status as
# boot-qemu.sh's.  The console-input case is not run: hv's console
# device has no input.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
NAME= BACKEND=
while [ $# -gt 0 ]; do
    case $1 in
    --name) NAME=${2:?}; shift 2 ;;
    --backend) BACKEND=${2:?}; shift 2 ;;
    -*) echo "virtio-hv.sh: unknown option $1" >&2; exit 2 ;;
    *) break ;;
    esac
done
[ -n "$NAME" ] && [ $# -eq 1 ] || { sed -n '10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
KIMAGE=$1
BOOTDIR=$TOP/build/boot
SERIAL=$BOOTDIR/$NAME.serial
# The control file must be under build/: hv may run in the nested VM,
# which sees only the tree and build/ of this machine.
CTL=$BOOTDIR/$NAME.balloon
mkdir -p "$BOOTDIR"
echo 0 > "$CTL"
: > "$SERIAL"

args=(--name "$NAME" --hv-arg --virtio-console --hv-arg --balloon-control --hv-arg "$CTL")
expect=native
if [ -n "$BACKEND" ]; then
    args+=(--hv-arg --backend --hv-arg "$BACKEND" --option-rom "$TOP/build/backends/$BACKEND.rom")
    expect=$BACKEND
fi

# Sets the target when the guest asks (10 min at most; the boot's own
# timeout ends things first).
feed() {
    local i step=0
    for ((i = 0; i < 6000; i++)); do
        if [ $step = 0 ] && grep -q 'balloon: waiting for a target (inflate' "$SERIAL" 2>/dev/null; then
            echo 16 > "$CTL"; step=1
        elif [ $step = 1 ] && grep -q 'balloon: waiting for a target (deflate' "$SERIAL" 2>/dev/null; then
            echo 0 > "$CTL"; return
        fi
        sleep 0.1
    done
}
feed &
FEEDER=$!
"$TOP/tests/boot/boot-qemu.sh" "${args[@]}" hv "$KIMAGE" \
    test=virtio-console.b,virtio-console.o,virtio-balloon virtio=console,balloon "expect=$expect"
status=$?
kill "$FEEDER" 2>/dev/null
wait "$FEEDER" 2>/dev/null
exit "$status"
