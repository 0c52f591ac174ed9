# vstate.sh: sourced by tests/snap/run.sh.  The virtio devices' state
# across a snapshot and a live migration (issue 14 item 1).
#
# One guest with all three devices (--disk on a fresh image,
# --virtio-console, --balloon-control) runs the suites virtio-balloon,
# virtio-blk and virtio-console (in that order).  The balloon suite
# inflates by 16 MiB and then waits for a deflate target: there, with
# 4096 pages given back and every queue in use, the first hv is stopped
# and snapshotted.  A new hv restores it (the same device options), the
# deflate target is set, and the guest finishes: the balloon comes back
# whole, the whole virtio-blk suite runs on the restored device, the
# console's queue carries on from where it was, and the host checks the
# image (build/tests/disk-check).  The migration case does the same move
# over --incoming.  Between the two snapshot cases, the balloon-point
# snapshot (a real file with three dev.pci sections) is copied and one
# field of one section damaged per case: hv-san refuses each with the
# section's reason (vs_badsections).

DISKCHECK=build/tests/disk-check
VS_TESTS="test=virtio-balloon,virtio-blk,virtio-console.b,virtio-console.o virtio=blk,console,balloon"

# wait_for FILE REGEX: up to 60 s.
wait_for() {
    for _ in $(seq 1200); do
        grep -q "$2" "$1" 2>/dev/null && return 0
        sleep 0.05
    done
    return 1
}

# vs_check NAME WHERE ST2 OUT1 OUT2 ERR2: the checks common to every
# case; prints the reason of the first that fails.
vs_check() {
    local name=$1 where=$2 st2=$3 out1=$4 out2=$5 err2=$6 w
    cat "$out1" "$out2" > "$D/$name.out"
    w=$(vs_where "$name" "$where" "$out1" "$out2" | head -n 1)
    if [ "$st2" != 33 ]; then echo "resumed hv status $st2, want 33 (self-tests passed)"
    elif [ -n "$w" ]; then echo "$w"
    elif ! "$KTAP_COUNT" < "$D/$name.out" > "$D/$name.count"; then
        echo "self-tests across the move: $(head -n 1 "$D/$name.count")"
    elif ! "$DISKCHECK" verify "$D/$name.img" rw 8 > "$D/$name.disk"; then
        echo "the image does not hold what the guest wrote: $(grep '^not ok' "$D/$name.disk" | head -n 1)"
    elif ! grep -Eq "balloon 0 pages .* inflated 4096 deflated 4096 " "$err2"; then
        echo "balloon stats after the move: $(grep -o 'balloon [0-9]* pages.*' "$err2")"
    elif ! san_clean "$D/$name".*err*; then echo "sanitizer report"
    fi
}

# vs_start NAME SOCK WHERE: the first hv, run to the moment of the
# move: WHERE balloon: the balloon inflated, waiting for its deflate
# target; blk: deflated, and the blk suite under way (its first test
# done, the 4 MiB runs going: the queue has a history to carry on).
vs_start() {
    local name=$1 sock=$2 where=$3
    echo 0 > "$D/$name.ctl"
    "$HV" $ACCEL --timeout 200 --control "$sock" --disk "$D/$name.img" --virtio-console \
        --balloon-control "$D/$name.ctl" build/kernel -- $VS_TESTS \
        > "$D/$name.out1" 2> "$D/$name.err1" &
    VS_PID=$!
    wait_for "$D/$name.out1" "balloon: waiting for a target (inflate" && echo 16 > "$D/$name.ctl"
    wait_for "$D/$name.out1" "balloon: waiting for a target (deflate"
    [ "$where" = balloon ] && return
    echo 0 > "$D/$name.ctl"
    wait_for "$D/$name.out1" "ok 2 pattern_write_flush_read"
}

# vs_where NAME WHERE OUT1 OUT2: did the move land where it should?
vs_where() {
    if [ "$2" = balloon ]; then
        grep -q "Subtest: virtio-blk" "$3" && echo "the blk suite ran before the move"
        grep -q "Subtest: virtio-blk" "$4" || echo "the blk suite did not run after the move"
    else
        grep -q "ok 2 pattern_write_flush_read" "$3" || echo "the blk suite had not begun before the move"
        grep -q "ok 6 user_program_syscalls" "$4" || echo "the blk suite was over before the move (it must land mid-suite)"
    fi
}

# vs_snapshot WHERE: snapshot there, restore in a new hv.
vs_snapshot() {
    local where=$1 name=vstate-snapshot-$1 sock="@hv-vs-$$-1$1" sock2="@hv-vs-$$-2$1"
    local snap=$D/vstate-$1.hvsnap why="" st st2 pid2 held=4096
    [ "$where" = balloon ] || held=0
    "$DISKCHECK" make "$D/$name.img" || return 1
    vs_start "$name" "$sock" "$where"
    "$QMPC" "$sock" '{"execute":"stop"}' '{"execute":"stats"}' \
        "{\"execute\":\"snapshot\",\"arguments\":{\"file\":\"$snap\"}}" \
        '{"execute":"quit"}' > "$D/$name.qmp" 2>&1
    wait "$VS_PID"; st=$?
    cp "$D/$name.ctl" "$D/$name.ctl2"
    "$HV" $ACCEL --timeout 200 --stats --control "$sock2" --restore "$snap" \
        --disk "$D/$name.img" --virtio-console --balloon-control "$D/$name.ctl2" \
        > "$D/$name.out2" 2> "$D/$name.err2" &
    pid2=$!
    if [ "$where" = balloon ]; then     # the guest waits for its target
        sleep 1
        "$QMPC" "$sock2" '{"execute":"stats"}' > "$D/$name.qmp2" 2>&1
        echo 0 > "$D/$name.ctl2"
    else
        echo '"balloon-pages":0 (not asked: the guest runs to its end)' > "$D/$name.qmp2"
    fi
    wait "$pid2"; st2=$?
    if ! grep -q '"pages"' "$D/$name.qmp"; then why="snapshot refused: $(grep -o 'desc":"[^"]*' "$D/$name.qmp")"
    elif [ "$st" != 0 ]; then why="source hv status $st, want 0 after quit"
    elif ! grep -q "\"balloon-pages\":$held" "$D/$name.qmp"; then why="the source's balloon did not hold $held pages"
    elif ! grep -q "\"balloon-pages\":$held" "$D/$name.qmp2"; then
        why="the restored balloon does not hold the $held pages: $(grep -o '"balloon-pages":[0-9]*' "$D/$name.qmp2")"
    else why=$(vs_check "$name" "$where" "$st2" "$D/$name.out1" "$D/$name.out2" "$D/$name.err2")
    fi
    guest_ktap "$D/$name.out1" "$D/$name.out2"
    verdict "$name" "$why" "$D/$name.err1" "$D/$name.err2" "$D/$name.qmp" "$D/$name.disk"
    grep -h "^hv: \(snapshot\|restore\)" "$D/$name.err1" "$D/$name.err2" | sed 's/^/# /'
}

# The move over --incoming, mid-blk: the guest runs on during pre-copy.
vs_migrate() {
    local name=vstate-migrate sock="@hv-vs-$$-3" dst="@hv-vs-$$-4" why="" st st2 dp
    "$DISKCHECK" make "$D/$name.img" || return 1
    echo 0 > "$D/$name.ctl2"
    "$HV" $ACCEL --timeout 200 --stats --incoming "$dst" --disk "$D/$name.img" \
        --virtio-console --balloon-control "$D/$name.ctl2" \
        > "$D/$name.out2" 2> "$D/$name.err2" &
    dp=$!
    vs_start "$name" "$sock" blk
    "$QMPC" "$sock" "{\"execute\":\"migrate\",\"arguments\":{\"uri\":\"unix:$dst\"}}" \
        > "$D/$name.qmp" 2>&1
    wait "$VS_PID"; st=$?
    wait "$dp"; st2=$?
    if ! grep -q '"downtime-ms"' "$D/$name.qmp"; then why="migrate refused: $(tail -n 1 "$D/$name.qmp")"
    elif [ "$st" != 0 ]; then why="source status $st, want 0 after the move"
    else why=$(vs_check "$name" blk "$st2" "$D/$name.out1" "$D/$name.out2" "$D/$name.err2")
    fi
    guest_ktap "$D/$name.out1" "$D/$name.out2"
    verdict "$name" "$why" "$D/$name.err1" "$D/$name.err2" "$D/$name.qmp" "$D/$name.disk"
    grep -h "^hv: migrate: [0-9]* rounds" "$D/$name.err1" | sed 's/^/# /'
}

# ---- damaged device sections -------------------------------------------------

# vs_sections FILE: "NAME PAYLOAD-OFFSET LEN" per section of a snapshot.
vs_sections() {
    local f=$1 n off=4096 name len i
    n=$(od -An -t u4 -j 64 -N 4 "$f" | tr -d ' ')
    for i in $(seq "${n:-0}"); do
        name=$(dd if="$f" bs=1 skip="$off" count=24 status=none | tr -d '\0')
        len=$(od -An -t u8 -j $((off + 32)) -N 8 "$f" | tr -d ' ')
        echo "$name $((off + 40)) $len"
        off=$((off + 40 + (len + 7) / 8 * 8))
    done
}

# vs_dev KIND: payload offset and slot of that virtio device's section
# in $VS_LAYOUT, or nothing.
vs_dev() {
    local name off len kind
    while read -r name off len; do
        case $name in dev.pci.*) ;; *) continue ;; esac
        kind=$(dd if="$VS_BASE" bs=1 skip="$off" count=16 status=none | tr -d '\0')
        [ "$kind" = "$1" ] && { echo "$off ${name#dev.pci.}"; return; }
    done < "$VS_LAYOUT"
}

# vs_bad NAME KIND FIELD-OFFSET BYTES REASON: a copy of the real
# balloon-point snapshot with BYTES at FIELD-OFFSET of KIND's section,
# restored by hv-san with the devices it ran with: refused (status 4)
# with REASON (SLOT: the section's), no sanitizer report (badfile.sh's
# bad).
vs_bad() {
    local name=vs-bad-$1 kind=$2 at=$3 bytes=$4 re=$5 dev f
    dev=$(vs_dev "$kind")
    f=$D/$name.hvsnap
    if [ -z "$dev" ]; then
        verdict "$name" "no $kind section in ${VS_BASE##*/}"
        return
    fi
    cp "$VS_BASE" "$f"
    poke "$f" $(( ${dev%% *} + at )) "$bytes"
    bad "$name" "$f" "${re//SLOT/${dev##* }}" $VS_DEVARGS
}

# The sections of a snapshot hv wrote with three virtio devices, each
# damaged in one field; the parser names what is wrong.  Offsets are
# struct snap_vdev's (hv/snapshot.h): q[0] at 136 (size +0, desc +16),
# the tail at 296 (the balloon's pages at +16).
vs_badsections() {
    VS_BASE=$D/vstate-balloon.hvsnap VS_LAYOUT=$D/vstate-balloon.layout
    VS_DEVARGS="--disk $D/vstate-snapshot-balloon.img --virtio-console --balloon-control $D/vstate-snapshot-balloon.ctl"
    . tests/snap/badfile.sh
    BAD_HV=${HV}-san
    [ -x "$BAD_HV" ] || BAD_HV=$HV
    vs_sections "$VS_BASE" > "$VS_LAYOUT" 2> /dev/null
    # Undamaged, with the same options: accepted, then no KVM (status
    # 14), so each refusal below is its one field's.
    local st why=""
    HV_KVM_DEV=/nonexistent "$BAD_HV" --accel kvm --restore "$VS_BASE" $VS_DEVARGS \
        > "$D/vs-base.out" 2> "$D/vs-base.err"
    st=$?
    [ "$st" = 14 ] || why="status $st, want 14 (accepted, then no KVM)"
    san_clean "$D/vs-base.err" || why=${why:-sanitizer report}
    verdict vs-undamaged-accepted "$why" "$D/vs-base.err"
    vs_bad kind virtio-console 0 'virtio-gpu\0\0\0\0' \
        "section dev.pci.SLOT: garbage \\(layout 1, not a virtio device this hv has\\)"
    vs_bad queue-size virtio-blk 136 "$(le64 3 2)" \
        "section dev.pci.SLOT: queue 0: size 3 is not a power of two"
    vs_bad queue-address virtio-balloon 152 "$(le64 $((1 << 40)))" \
        "section dev.pci.SLOT: queue 0: an address outside guest RAM"
    vs_bad features virtio-blk 48 "$(le64 $((1 << 62)))" \
        "section dev.pci.SLOT: garbage \\(queues"
    vs_bad balloon-count virtio-balloon 312 "$(le64 4097)" \
        "sizes do not add up: dev.pci.SLOT says 4097 balloon pages, its bitmap has 4096"
}

suite_vstate() {
    echo "KTAP version 1"
    echo "1..9"
    vs_snapshot balloon
    vs_badsections
    vs_snapshot blk
    vs_migrate
}
