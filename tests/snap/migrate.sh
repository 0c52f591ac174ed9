# migrate.sh: sourced by tests/snap/run.sh.  Live migration between two
# hv processes in one machine (the nested VM where there is no
# /dev/kvm), while the guest (tests/snap/writer) keeps writing memory:
# the destination must finish the writer's rounds with every page's
# checksum right, the source must end with status 0 only after that
# guest runs there, and the pre-copy must have taken rounds.

# writer_move NAME SRC-MEM DST-MEM WRITER-ARGS [SRC-OPTS [DST-OPTS [quit]]]:
# a destination of DST-MEM, a source of SRC-MEM running the writer (each
# with its further hv options); at its round 2 the source is told to
# migrate; sets ST and DST_ST once both ended.  With quit, the source
# is stopped by the control socket once the writer has written one more
# round after the migrate command (ROUNDS_AFTER: how many it had).
writer_move() {
    local name=$1 src="@hv-snap-src-$$-$1" dst="@hv-snap-dst-$$-$1" sp dp n
    "$HV" $ACCEL --timeout 150 -m "$3" ${6:-} --incoming "$dst" \
        > "$D/$name.dst.out" 2> "$D/$name.dst.err" &
    dp=$!
    "$HV" $ACCEL --timeout 150 -m "$2" ${5:-} --control "$src" \
        build/snap/writer/writer.elf -- $4 > "$D/$name.src.out" 2> "$D/$name.src.err" &
    sp=$!
    for _ in $(seq 400); do
        grep -q "^writer: round 2$" "$D/$name.src.out" && break
        sleep 0.05
    done
    "$QMPC" "$src" "{\"execute\":\"migrate\",\"arguments\":{\"uri\":\"unix:$dst\"}}" \
        > "$D/$name.qmp" 2>&1
    if [ "${7:-}" = quit ]; then
        n=$(grep -c "^writer: round" "$D/$name.src.out")
        ROUNDS_AFTER=0
        for _ in $(seq 400); do
            ROUNDS_AFTER=$(( $(grep -c "^writer: round" "$D/$name.src.out") - n ))
            [ "$ROUNDS_AFTER" -ge 1 ] && break
            sleep 0.05
        done
        "$QMPC" "$src" '{"execute":"quit"}' >> "$D/$name.qmp" 2>&1
        echo >> "$D/$name.qmp"
    fi
    wait "$sp"; ST=$?
    wait "$dp"; DST_ST=$?
}

# migrate_case NAME MEM WRITER-ARGS: one migration.
migrate_case() {
    local name=$1 why="" st dst_st
    writer_move "$name" "$2" "$2" "$3"
    st=$ST dst_st=$DST_ST
    if ! grep -q '"downtime-ms"' "$D/$name.qmp"; then
        why="migrate refused: $(tail -n 1 "$D/$name.qmp")"
    elif [ "$st" != 0 ]; then why="source status $st, want 0 after the move"
    elif [ "$dst_st" != 33 ]; then why="destination status $dst_st, want 33 (writer passed)"
    elif ! grep -q "^writer: PASS" "$D/$name.dst.out"; then why="no PASS from the writer"
    elif grep -q "^writer: PASS" "$D/$name.src.out"; then why="the writer finished on the source: nothing moved mid-run"
    elif ! grep -Eq '"rounds":\[[0-9]+,[0-9]+' "$D/$name.qmp"; then why="no pre-copy round after round 0"
    elif ! san_clean "$D/$name.src.err" "$D/$name.dst.err"; then why="sanitizer report"
    fi
    verdict "$name" "$why" "$D/$name.src.err" "$D/$name.dst.err" "$D/$name.dst.out" "$D/$name.qmp"
    grep -h "^hv: migrate: [0-9]* rounds" "$D/$name.src.err" | sed 's/^/# /'
    echo "# source: $(grep -c '^writer: round' "$D/$name.src.out") rounds written," \
        "destination: $(grep -c '^writer: round' "$D/$name.dst.out")"
}

# The writer's size and rounds, from its measured speed here: the move
# must land mid-run and the rest must end well inside the 150 s limit.
# One MiB-round (check and rewrite 256 pages) took 0.46 s under the
# software "PVM" KVM and about 0.5 s in the nested VM on such a machine
# (16 MiB rounds there: 7.3 and 8.5 s, so 40 of them outran the limit),
# and milliseconds on a hardware KVM.  A 1 MiB, 3-round run times it
# (hv's start included, which only makes the estimate safer); the size
# is then chosen for rounds of about half a second, 1 to 16 MiB, and 40
# rounds: 20 s or less after the move.  (In the nested VM the script
# and qmpc get the one vCPU late even with the writer's exit a page:
# the move came after round 15 to 21 of 24 there.)
writer_args() {
    local t0 t1 ms mib
    t0=$(date +%s%N)
    "$HV" $ACCEL --timeout 60 -m 64M build/snap/writer/writer.elf -- 1 3 > /dev/null 2>&1
    t1=$(date +%s%N)
    ms=$(( (t1 - t0) / 3000000 ))       # per MiB-round
    mib=$(( 500 / (ms > 0 ? ms : 1) ))
    [ "$mib" -ge 1 ] || mib=1
    [ "$mib" -le 16 ] || mib=16
    echo "$mib 40"
}

suite_migrate() {
    echo "KTAP version 1"
    echo "1..9"
    local wa
    wa=$(writer_args)
    WRITER_ARGS=$wa
    echo "# migrate-writer: writer MIB ROUNDS = $wa (from a timed 1 MiB, 3-round run)"
    migrate_case migrate-writer 64M "$wa"
    migrate_kernel xenlike
    migrate_kernel vmwarelike
    migrate_refused mem 32M "" "" \
        "the guest has 67108864 bytes of RAM (64 MiB) and this hv 33554432: start it with -m 64M"
    truncate -s 8M "$D/disk-8m.img" "$D/disk-8m-b.img"
    truncate -s 4M "$D/disk-4m.img"
    migrate_refused dev-count 64M "--disk $D/disk-8m.img --virtio-console" "--disk $D/disk-8m-b.img" \
        "the guest has 2 virtio devices, this hv 1: give hv the guest's device options (--disk, --virtio-console, --balloon) in the same order"
    migrate_refused dev-kind 64M "--virtio-console" "--balloon 0" \
        "the guest has a virtio-console at 00:01.0, this hv a virtio-balloon@00:01.0"
    migrate_refused dev-disk 64M "--disk $D/disk-8m.img" "--disk $D/disk-4m.img" \
        "virtio-blk@00:01.0: the guest's disk has 16384 sectors, this hv's 8192: give hv the guest's disk"
    migrate_refused dev-ro 64M "--disk $D/disk-8m.img" "--disk $D/disk-8m-b.img,ro" \
        "virtio-blk@00:01.0: the guest's disk has 16384 sectors, this hv's 16384, read-only"
    migrate_no_source
}

# migrate_refused NAME DST-MEM SRC-OPTS DST-OPTS WANT: a destination
# that cannot take the guest (another -m, other virtio devices) refuses
# it at HELLO, before any page, with WANT; the source reports that
# reason as the command's error, its guest runs on (the writer checks
# every page it wrote in its next round), and a quit ends it, status 0.
migrate_refused() {
    local name=migrate-refused-$1 why="" st dst_st
    writer_move "$name" 64M "$2" "$WRITER_ARGS" "$3" "$4" quit
    st=$ST dst_st=$DST_ST
    if grep -q '"downtime-ms"' "$D/$name.qmp"; then why="the migration went through"
    elif ! grep -qF "the destination refused: $5" "$D/$name.qmp"; then
        why="the error is not the destination's reason: $(grep -o '"desc":"[^"]*' "$D/$name.qmp")"
    elif grep -q "^hv: migrate: round" "$D/$name.src.err"; then why="pages were sent before the refusal"
    elif [ "$dst_st" != 4 ]; then why="destination status $dst_st, want 4 (refused)"
    elif ! grep -qF "hv: --incoming: $5" "$D/$name.dst.err"; then
        why="the destination did not say why on stderr"
    elif [ "$ROUNDS_AFTER" -lt 1 ]; then why="the guest did not run on at the source"
    elif grep -q "^writer: FAIL" "$D/$name.src.out"; then why="the writer found a bad page on the source"
    elif [ "$st" != 0 ]; then why="source status $st, want 0 after quit"
    elif ! san_clean "$D/$name.src.err" "$D/$name.dst.err"; then why="sanitizer report"
    fi
    verdict "$name" "$why" "$D/$name.src.err" "$D/$name.dst.err" "$D/$name.qmp"
}

# migrate_no_source: --timeout bounds the wait for a source too (status
# 8 and why), so a source that never comes cannot hang the destination.
migrate_no_source() {
    local name=migrate-no-source st why=""
    "$HV" $ACCEL --timeout 1 --incoming "@hv-snap-nosrc-$$" > "$D/$name.out" 2> "$D/$name.err"
    st=$?
    if [ "$st" != 8 ]; then why="status $st, want 8 (timeout)"
    elif ! grep -q "^hv: --incoming @hv-snap-nosrc-$$: no source connected within 1 s (--timeout)" "$D/$name.err"; then
        why="no reason on stderr"
    elif ! san_clean "$D/$name.err"; then why="sanitizer report"
    fi
    verdict "$name" "$why" "$D/$name.err"
}

# migrate_kernel BACKEND: the kernel's self-tests moved mid-run; the
# KTAP of both halves must pass (the backend's host side moves too).
migrate_kernel() {
    local b=$1 name=migrate-kernel-$1 src="@hv-snap-ksrc-$$-$1" dst="@hv-snap-kdst-$$-$1"
    local rom="--rom build/backends/$1.rom" why="" sp dp st dst_st
    "$HV" $ACCEL --timeout 150 --backend "$b" $rom --incoming "$dst" \
        > "$D/$name.dst.out" 2> "$D/$name.dst.err" &
    dp=$!
    "$HV" $ACCEL --timeout 150 --backend "$b" $rom --control "$src" \
        build/kernel -- test > "$D/$name.src.out" 2> "$D/$name.src.err" &
    sp=$!
    for _ in $(seq 400); do
        grep -q "^KTAP version" "$D/$name.src.out" && break
        sleep 0.05
    done
    "$QMPC" "$src" "{\"execute\":\"migrate\",\"arguments\":{\"uri\":\"unix:$dst\"}}" \
        > "$D/$name.qmp" 2>&1
    wait "$sp"; st=$?
    wait "$dp"; dst_st=$?
    cat "$D/$name.src.out" "$D/$name.dst.out" > "$D/$name.out"
    if ! grep -q '"downtime-ms"' "$D/$name.qmp"; then
        why="migrate refused: $(tail -n 1 "$D/$name.qmp")"
    elif [ "$st" != 0 ]; then why="source status $st, want 0 after the move"
    elif [ "$dst_st" != 33 ]; then why="destination status $dst_st, want 33 (self-tests passed)"
    elif ! grep -Eq '^ *(not )?ok ' "$D/$name.dst.out"; then why="nothing ran on the destination"
    elif ! "$KTAP_COUNT" < "$D/$name.out" > "$D/$name.count"; then
        why="self-tests across the move: $(head -n 1 "$D/$name.count")"
    elif ! san_clean "$D/$name.src.err" "$D/$name.dst.err"; then why="sanitizer report"
    fi
    guest_ktap "$D/$name.out"
    verdict "$name" "$why" "$D/$name.src.err" "$D/$name.dst.err" "$D/$name.qmp"
    grep -h "^hv: migrate: [0-9]* rounds" "$D/$name.src.err" | sed 's/^/# /'
}
