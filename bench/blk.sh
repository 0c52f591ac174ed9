#!/usr/bin/env bash
# blk.sh: the virtio-blk rows of `make bench` (issue 12): 4 MiB
# sequential write and read at queue depths 1 and 64 (4 KiB requests),
# MiB/s, notifies per MiB and hv exits per MiB, side by side for hv with
# no ROM, the Xen-like and the VMware-like ROM (hv's own virtio-blk,
# --disk) and QEMU TCG with its own virtio-blk-pci, in one run.
#
#   bench/blk.sh OUTDIR
#
# Each environment is one boot of the kernel's virtio-blk suite
# (tests/boot/virtio-blk.sh: a fresh image, the guest's KTAP, then the
# host's check of the image); the figures are the guest's notes
# ("4 MiB sequential write, depth 64, ...").  Writes OUTDIR/blk.tsv
# (env, op, depth, mib_s, notifies_per_mib, exits_per_mib) and
# OUTDIR/blk.md; report.sh appends blk.md to report.md.  An environment
# whose boot fails or skips is a row saying so.  Exit status 1 when one
# failed.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:?usage: bench/blk.sh OUTDIR}
B=$TOP/build
VBLK=$TOP/tests/boot/virtio-blk.sh
mkdir -p "$OUT/raw"

envs=(hv-none hv-xenlike hv-vmwarelike qemu-tcg)
env_args() {
    case $1 in
    hv-none) echo "hv" ;;
    hv-xenlike) echo "--hv-arg --backend --hv-arg xenlike --option-rom $B/backends/xenlike.rom hv" ;;
    hv-vmwarelike) echo "--hv-arg --backend --hv-arg vmwarelike --option-rom $B/backends/vmwarelike.rom hv" ;;
    qemu-tcg) echo "tcg" ;;
    esac
}

failed=0
printf 'env\top\tdepth\tmib_s\tnotifies_per_mib\texits_per_mib\n' > "$OUT/blk.tsv"
notes=()
for e in "${envs[@]}"; do
    name=bench-blk-$e
    echo "bench: virtio-blk $e ..."
    # shellcheck disable=SC2046  # one word per argument
    out=$("$VBLK" --name "$name" $(env_args "$e") "$B/kernel" test=virtio-blk virtio=blk 2>&1)
    status=$?
    cp "$B/boot/$name.serial" "$OUT/raw/blk-$e.log" 2>/dev/null
    if grep -q "^ok 1 $name # SKIP" <<< "$out"; then
        notes+=("$e: skipped: $(sed -n "s/^ok 1 $name # SKIP //p" <<< "$out")")
        continue
    fi
    if [ "$status" -ne 0 ]; then
        failed=1
        notes+=("$e: FAILED (see raw/blk-$e.log)")
        continue
    fi
    # "# 4 MiB sequential write, depth 64, 4096-byte requests: 7.25 MiB/s,
    #  4.00 notifies/MiB, 64 in flight at most, 12.00 exits/MiB"
    sed -n 's/.*# 4 MiB sequential \(write\|read\) *, depth \([0-9]*\), [0-9]*-byte requests: \([0-9.]*\) MiB\/s, \([0-9.]*\) notifies\/MiB, [0-9]* in flight at most, \(.*\)$/\1 \2 \3 \4 \5/p' \
        "$B/boot/$name.serial" |
    while read -r op depth mibs notif rest; do
        ex=-
        case $rest in *" exits/MiB") ex=${rest% exits/MiB} ;; esac
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$e" "$op" "$depth" "$mibs" "$notif" "$ex"
    done >> "$OUT/blk.tsv"
done

{
    echo
    echo "## virtio-blk: 4 MiB sequential, 4 KiB requests"
    echo
    echo "One boot per environment of the kernel's \`virtio-blk\` suite; the host checks the image after each."
    echo "hv exits per MiB are exact (hv's stats port, read by the guest around each run);"
    echo "MiB/s are wall-clock and, where hv runs nested, not comparable with a KVM host."
    echo "Goal (issue 12): at depth 64 at most 2 exits per MiB under hv, and hv's MiB/s at least QEMU's."
    echo
    echo "| environment | op | depth | MiB/s | notifies/MiB | hv exits/MiB |"
    echo "| --- | --- | --- | --- | --- | --- |"
    tail -n +2 "$OUT/blk.tsv" | while IFS=$'\t' read -r e op depth mibs notif ex; do
        echo "| $e | $op | $depth | $mibs | $notif | $ex |"
    done
    for n in "${notes[@]}"; do
        echo
        echo "- $n"
    done
} > "$OUT/blk.md"
cat "$OUT/blk.md"
exit "$failed"
