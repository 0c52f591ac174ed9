#!/usr/bin/env bash
# virtio-blk.sh: boots the kernel under QEMU with QEMU's own virtio-blk-pci
# on a fresh image, runs the in-guest suite virtio-blk, then checks the
# image on the host (tests/virtio/disk-check.c): what the guest wrote is
# in the file, and nothing outside the written range changed.
#
#   tests/boot/virtio-blk.sh [options] {tcg|kvm} IMAGE [CMDLINE...]
#
# Options:
#   --name NAME        test name (default vblk-MODE); the disk image is
#                      build/boot/NAME.img
#   --transitional     a transitional device (disable-legacy=off; it
#                      still carries the modern capabilities); default
#                      modern-only (disable-legacy=on)
#   --ro               the drive read-only (readonly=on); the image must
#                      come out unchanged
#   --resize           once the guest says it waits for it, grow the disk
#                      to 16 MiB through the QEMU monitor (block_resize,
#                      over a FIFO pair build/boot/NAME.mon.{in,out})
#   --option-rom FILE  passed to boot-qemu.sh
#   --hv-arg ARG       passed to boot-qemu.sh (hv mode: --backend NAME)
#
# Mode hv runs hv's own virtio-blk device (--disk IMAGE[,ro]) instead of
# QEMU's; --transitional and --resize are QEMU-only there.
#   --timeout S        passed to boot-qemu.sh
#
# Prints KTAP: 1..2, the boot (boot-qemu.sh's result, with the guest's
# KTAP under it), then NAME-image with disk-check's TAP under it.  A boot
# that boot-qemu.sh skips (kvm without /dev/kvm) skips both, with its
# reason.  Exit status 0 when both passed or were skipped.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
CHECK=${DISK_CHECK:-$TOP/build/tests/disk-check}
NAME= RO=0 LEGACY=on RESIZE=0 BOOT_OPTS=() MON_OPTS=()

while [ $# -gt 0 ]; do
    case $1 in
    --name) NAME=${2:?}; shift 2 ;;
    --transitional) LEGACY=off; shift ;;
    --ro) RO=1; shift ;;
    --resize) RESIZE=1; shift ;;
    --option-rom|--timeout|--hv-arg) BOOT_OPTS+=("$1" "${2:?}"); shift 2 ;;
    -*) echo "virtio-blk.sh: unknown option $1" >&2; exit 2 ;;
    *) break ;;
    esac
done
[ $# -ge 2 ] || { sed -n '8,29p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
MODE=$1 KIMAGE=$2
shift 2
NAME=${NAME:-vblk-$MODE}
DISK=$TOP/build/boot/$NAME.img
mkdir -p "$TOP/build/boot"

if ! "$CHECK" make "$DISK"; then
    printf 'KTAP version 1\n1..1\nnot ok 1 %s # cannot make the disk image %s\n' "$NAME" "$DISK"
    exit 1
fi
DRIVE="file=$DISK,if=none,id=vblk0,format=raw"
[ "$RO" = 1 ] && DRIVE+=",readonly=on"
MON=$TOP/build/boot/$NAME.mon
SERIAL=$TOP/build/boot/$NAME.serial
if [ "$RESIZE" = 1 ]; then
    rm -f "$MON.in" "$MON.out" "$SERIAL"
    mkfifo "$MON.in" "$MON.out" || exit 1
    MON_OPTS=(--qemu-arg -chardev --qemu-arg "pipe,id=vblkmon,path=$MON"
              --qemu-arg -mon --qemu-arg "chardev=vblkmon,mode=readline")
fi
boot() {
    if [ "$MODE" = hv ]; then
        "$TOP/tests/boot/boot-qemu.sh" --name "$NAME" "${BOOT_OPTS[@]}" \
            --hv-arg --disk --hv-arg "$DISK$([ "$RO" = 1 ] && echo ,ro)" \
            "$MODE" "$KIMAGE" "$@"
        return
    fi
    "$TOP/tests/boot/boot-qemu.sh" --name "$NAME" "${BOOT_OPTS[@]}" "${MON_OPTS[@]}" \
        --qemu-arg -drive --qemu-arg "$DRIVE" \
        --qemu-arg -device --qemu-arg "virtio-blk-pci,drive=vblk0,disable-legacy=$LEGACY" \
        "$MODE" "$KIMAGE" "$@"
}

# Sends block_resize once the guest's note is on the console (60 s at
# most); the monitor's answers are drained so QEMU never blocks on them.
resize_when_asked() {
    local i
    cat "$MON.out" > "$TOP/build/boot/$NAME.mon.log" &
    for ((i = 0; i < 600; i++)); do
        grep -q "waiting for the host to resize the disk" "$SERIAL" 2>/dev/null && break
        sleep 0.1
    done
    printf 'block_resize vblk0 16M\n' > "$MON.in"
}

if [ "$RESIZE" = 1 ]; then
    OUTFILE=$TOP/build/boot/$NAME.boot-out
    boot "$@" > "$OUTFILE" &
    BOOT_PID=$!
    resize_when_asked &
    RESIZER=$!
    wait "$BOOT_PID"
    BOOT_STATUS=$?
    kill "$RESIZER" 2>/dev/null
    OUT=$(cat "$OUTFILE")
else
    OUT=$(boot "$@")
    BOOT_STATUS=$?
fi

printf 'KTAP version 1\n1..2\n'
# boot-qemu.sh's own header is "KTAP version 1" and "1..1": drop it.
printf '%s\n' "$OUT" | sed '1{/^KTAP version 1$/d};2{/^1\.\.1$/d}'
if printf '%s\n' "$OUT" | grep -Eq "^ok 1 $NAME # SKIP"; then
    printf 'ok 2 %s-image # SKIP the boot was skipped\n' "$NAME"
    exit 0
fi
CHECK_OUT=$("$CHECK" verify "$DISK" "$([ "$RO" = 1 ] && echo ro || echo rw)" \
    "$([ "$RESIZE" = 1 ] && echo 16 || echo 8)")
CHECK_STATUS=$?
printf '%s\n' "$CHECK_OUT" | sed 's/^/    /'
if [ "$CHECK_STATUS" = 0 ]; then
    printf 'ok 2 %s-image\n' "$NAME"
else
    printf 'not ok 2 %s-image\n# the image does not hold what the guest wrote (%s)\n' "$NAME" "$DISK"
fi
[ "$BOOT_STATUS" = 0 ] && [ "$CHECK_STATUS" = 0 ]
