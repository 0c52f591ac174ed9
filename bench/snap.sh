#!/usr/bin/env bash
# snap.sh: `make bench` figures for hv's snapshots and live migration
# (issue 14): snapshot size, save time and restore-to-running time
# (mapped and read) for 64 and 256 MiB guests, and migration total time
# and downtime for a 256 MiB guest nearly idle and under the memory
# writer.  Writes OUT/snap.tsv and OUT/snap.md.
#
#   bench/snap.sh OUTDIR
#
# The guest for the snapshot rows is the memory writer
# (tests/snap/writer) stopped after its first pass over half its RAM,
# so the snapshot holds that much.  Where the KVM probe says nested,
# everything runs in one nested VM job and the figures are labelled
# "nested" (times there are TCG's, not a KVM host's).
set -u
OUT=${1:?usage: snap.sh OUTDIR}
HV=build/hv/hv
QMPC=build/tests/qmpc
W=build/snap/writer/writer.elf
D=build/snap-bench
mkdir -p "$OUT" "$D"
OUT=$(cd "$OUT" && pwd)

if [ "${2:-}" != --inside ]; then
    PROBE=$(nested/kvm-run --probe)
    case "${PROBE%%:*}" in
    kvm) WHERE=kvm ;;
    nested) exec nested/kvm-run --timeout 600 -- "$0" "$OUT" --inside nested ;;
    *) echo "snap.sh: skipped: ${PROBE#off: }"; echo "skipped: ${PROBE#off: }" > "$OUT/snap.md"; exit 0 ;;
    esac
else
    WHERE=${3:-nested}
fi

row() { printf '%s\t%s\t%s\t%s\n' "$WHERE" "$1" "$2" "$3" >> "$OUT/snap.tsv"; }
: > "$OUT/snap.tsv"

# snapshot MIB: writer over MIB/2 MiB, one round, then stopped and saved.
snapshot_rows() {
    local mib=$1 half=$(( $1 / 2 )) s=@hv-bench-snap-$$ f=$D/g$1.hvsnap pid line
    "$HV" --accel kvm --timeout 200 -m "${mib}M" --control "$s" "$W" -- "$half" 100000 \
        > "$D/s$mib.out" 2> "$D/s$mib.err" &
    pid=$!
    for _ in $(seq 1200); do grep -q "^writer: round 1$" "$D/s$mib.out" && break; sleep 0.05; done
    "$QMPC" "$s" '{"execute":"stop"}' "{\"execute\":\"snapshot\",\"arguments\":{\"file\":\"$f\"}}" \
        '{"execute":"quit"}' > "$D/s$mib.qmp"
    wait "$pid"
    line=$(grep "^hv: snapshot" "$D/s$mib.err")
    row "${mib} MiB" "snapshot size (MiB)" "$(awk -v b="$(sed 's/.* pages, \([0-9]*\) bytes.*/\1/' <<< "$line")" 'BEGIN { printf "%.1f", b / 1048576 }')"
    row "${mib} MiB" "save time (ms)" "$(sed 's/.* bytes, \([0-9.]*\) ms/\1/' <<< "$line")"
    for mode in mapped read; do
        local arg=""; [ $mode = read ] && arg=--restore-read
        "$HV" --accel kvm --timeout 1 $arg --restore "$f" > "$D/r$mib$mode.out" 2> "$D/r$mib$mode.err"
        row "${mib} MiB" "restore to running, $mode (ms)" \
            "$(sed -n 's/^hv: restore .*, \([0-9.]*\) ms from start to running/\1/p' "$D/r$mib$mode.err")"
    done
    rm -f "$f"
}

# migrate NAME WRITER-MIB: a 256 MiB guest moved while the writer runs.
migrate_rows() {
    local name=$1 wm=$2 src=@hv-bench-src-$$ dst=@hv-bench-dst-$$ sp dp line
    "$HV" --accel kvm --timeout 200 -m 256M --incoming "$dst" > "$D/m$name.dst" 2>&1 &
    dp=$!
    "$HV" --accel kvm --timeout 200 -m 256M --control "$src" "$W" -- "$wm" 30 \
        > "$D/m$name.out" 2> "$D/m$name.err" &
    sp=$!
    for _ in $(seq 1200); do grep -q "^writer: round 2$" "$D/m$name.out" && break; sleep 0.05; done
    "$QMPC" -w 60 "$src" "{\"execute\":\"migrate\",\"arguments\":{\"uri\":\"unix:$dst\"}}" > "$D/m$name.qmp"
    wait "$sp"
    # The figures are the source's.  The destination need only show the
    # guest running there (one more round); then it is stopped, as the
    # writer's remaining rounds take minutes under the software PVM KVM.
    for _ in $(seq 1200); do
        grep -q "^writer: round" "$D/m$name.dst" && break
        kill -0 "$dp" 2> /dev/null || break
        sleep 0.05
    done
    grep -q "^writer: round" "$D/m$name.dst" ||
        echo "snap.sh: $name: the guest did not run on the destination" >&2
    kill "$dp" 2> /dev/null; wait "$dp"
    line=$(grep "^hv: migrate: [0-9]* rounds" "$D/m$name.err")
    row "256 MiB, $name" "migration rounds / pages" "$(sed 's/hv: migrate: \([0-9]*\) rounds, \([0-9]*\) pages.*/\1 \/ \2/' <<< "$line")"
    row "256 MiB, $name" "migration total (ms)" "$(sed 's/.*total \([0-9.]*\) ms.*/\1/' <<< "$line")"
    row "256 MiB, $name" "migration downtime (ms)" "$(sed 's/.*downtime \([0-9.]*\) ms/\1/' <<< "$line")"
}

snapshot_rows 64
snapshot_rows 256
migrate_rows "idle (writer over 1 MiB)" 1
migrate_rows "writer over 64 MiB" 64
{
    echo "| where | guest | figure | value |"
    echo "| --- | --- | --- | --- |"
    awk -F'\t' '{ printf "| %s | %s | %s | %s |\n", $1, $2, $3, $4 }' "$OUT/snap.tsv"
} > "$OUT/snap.md"
cat "$OUT/snap.md"
