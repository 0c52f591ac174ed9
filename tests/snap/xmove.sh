# xmove.sh: sourced by tests/snap/run.sh.  A running guest moved from
# one backend to another (none, xenlike, vmwarelike) by snapshot and
# restore (suite_xrestore: all nine pairs) and by live migration
# (suite_xmigrate: all nine pairs, mid lazy batch, mid console stream,
# and a chain of snapshot, migration and snapshot), as SPEC.md section
# 20 re-binds it.  Checked as
# tests/boot/rebind.sh checks an in-process switch: hv switched and the
# guest let go, the guest logged the hop, its patch report after the
# hop equals a fresh boot's on the new backend, and its self-tests pass
# (hv status 33, every KTAP line ok across both halves).

rom_arg() { [ "$1" = none ] || echo "--rom build/backends/$1.rom"; }
expect_of() { if [ "$1" = none ]; then echo native; else echo "$1"; fi; }

# The patch report after the K-th "pvops: backend" line of a console
# log: as report_block in tests/boot/rebind.sh.
report_block() {
    tr -d '\r' < "$1" | awk -v k="$2" '
        /^pvops: backend / { n++; if (n == k) { on = 1; print; next } }
        on && /^(vm|rebind|time|sched|vmi|timer|pci|boot|KTAP)[: ]/ { exit }
        on { print }'
}

# fresh_reports: one fresh boot per backend (test=mm pvops=verbose),
# its report in $D/fresh-B.txt, as rebind.sh's fresh_report.
fresh_reports() {
    local b
    for b in none xenlike vmwarelike; do
        "$HV" $ACCEL --timeout 60 --backend "$b" $(rom_arg "$b") \
            build/kernel -- test=mm pvops=verbose > "$D/fresh-$b.out" 2> "$D/fresh-$b.err"
        report_block "$D/fresh-$b.out" 1 > "$D/fresh-$b.txt"
    done
}

# wait_for FILE REGEX: up to 20 s for a line.
wait_for() {
    for _ in $(seq 400); do
        grep -Eq "$2" "$1" 2> /dev/null && return 0
        sleep 0.05
    done
    return 1
}

# moved_checks NAME FROM TO OUT2 ERR2: the re-bind's checks on the
# destination's console OUT2 and stderr ERR2; prints the reason of the
# first failure, nothing when all hold.
moved_checks() {
    local name=$1 from=$2 to=$3 out2=$4 err2=$5
    if [ "$from" = "$to" ]; then
        # The same backend and ROM: the guest runs on, nothing re-binds;
        # its boot report must still be a fresh boot's.
        report_block "$D/$name.out1" 1 > "$D/$name.report"
        if grep -q "^hv: rebind: generation" "$err2"; then echo "hv re-bound a guest that stayed"
        elif grep -q "^rebind: hop" "$out2"; then echo "the guest re-bound though nothing changed"
        elif ! [ -s "$D/fresh-$to.txt" ]; then echo "no fresh boot report on $to"
        elif ! cmp -s "$D/fresh-$to.txt" "$D/$name.report"; then
            echo "the boot report differs from a fresh boot on $to: $(diff "$D/fresh-$to.txt" "$D/$name.report" | head -n 3 | tr '\n' ' ')"
        fi
        return
    fi
    report_block "$out2" 1 > "$D/$name.report"
    if ! grep -q "^hv: rebind: generation [0-9]*: backend $from -> $to" "$err2"; then
        echo "hv did not switch $from -> $to"
    elif [ "$to" = none ] && ! grep -q "^hv: rebind: generation .*, no ROM in the window" "$err2"; then
        echo "a ROM is in the window of a guest moved to none"
    elif [ "$to" != none ] && ! grep -q "^hv: rebind: generation .*, ROM in the window" "$err2"; then
        echo "no ROM in the window of a guest moved to $to"
    elif [ "$from" != none ] && ! grep -q "^hv: rebind: guest let go of $from" "$err2"; then
        echo "hv never saw the guest let go of $from"
    elif [ "$(tr -d '\r' < "$out2" | grep -c '^rebind: hop [0-9]*: backend ')" != 1 ]; then
        echo "the guest logged $(grep -c '^rebind: hop' "$out2") re-binds, want 1"
    elif ! [ -s "$D/fresh-$to.txt" ]; then echo "no fresh boot report on $to"
    elif ! cmp -s "$D/fresh-$to.txt" "$D/$name.report"; then
        echo "the patch report after the hop differs from a fresh boot on $to: $(diff "$D/fresh-$to.txt" "$D/$name.report" | head -n 3 | tr '\n' ' ')"
    fi
}

# selftest_checks NAME ST2 OUT2: the guest's self-tests across the move.
selftest_checks() {
    local name=$1 st2=$2 out2=$3
    cat "$D/$name.out1" "$out2" > "$D/$name.out"
    if [ "$st2" != 33 ]; then echo "destination status $st2, want 33 (self-tests passed)"
    elif ! grep -Eq '^ *(not )?ok ' "$D/$name.out"; then echo "no self-test ran"
    elif ! "$KTAP_COUNT" < "$D/$name.out" > "$D/$name.count"; then
        echo "self-tests across the move: $(head -n 1 "$D/$name.count")"
    fi
}

# The guest's command line: it waits for the one re-bind before its
# tests (none when it stays on its backend); TESTS is test or test=mm.
guest_cmd() {
    local from=$1 to=$2 tests=$3 wait=1
    [ "$from" = "$to" ] && wait=0
    echo "$tests pvops=verbose rebind.wait=$wait expect=$(expect_of "$to")"
}

# xrestore_case FROM TO TESTS: boot on FROM, snapshot while the guest
# waits for its re-bind, restore onto TO.
xrestore_case() {
    local from=$1 to=$2 tests=$3 name=xr-$1-$2 sock="@hv-xr-$$-$1-$2" snap st st2 why=""
    snap=$D/$name.hvsnap
    "$HV" $ACCEL --timeout 100 --control "$sock" --backend "$from" $(rom_arg "$from") \
        build/kernel -- $(guest_cmd "$from" "$to" "$tests") > "$D/$name.out1" 2> "$D/$name.err1" &
    local pid=$!
    wait_for "$D/$name.out1" "^rebind: watching"
    "$QMPC" "$sock" '{"execute":"stop"}' \
        "{\"execute\":\"snapshot\",\"arguments\":{\"file\":\"$snap\"}}" \
        '{"execute":"quit"}' > "$D/$name.qmp" 2>&1
    wait "$pid"; st=$?
    "$HV" $ACCEL --timeout 100 --restore "$snap" --backend "$to" $(rom_arg "$to") \
        > "$D/$name.out2" 2> "$D/$name.err2"
    st2=$?
    if ! grep -q '"pages"' "$D/$name.qmp"; then why="snapshot refused: $(tail -n 1 "$D/$name.qmp")"
    elif [ "$st" != 0 ]; then why="source hv status $st, want 0 after quit"
    else why=$(moved_checks "$name" "$from" "$to" "$D/$name.out2" "$D/$name.err2")
    fi
    [ -n "$why" ] || why=$(selftest_checks "$name" "$st2" "$D/$name.out2")
    san_clean "$D/$name.err1" "$D/$name.err2" || why=${why:-sanitizer report}
    verdict "$name" "$why" "$D/$name.err2" "$D/$name.out2" "$D/$name.report"
    grep -h "^hv: rebind" "$D/$name.err2" | sed 's/^/# /'
}

# The self-tests every move runs: the suites that touch the backends
# (the kernel's test= filter holds 63 characters, so not every suite).
# Not patching: its site_in_flux_runs_through_int3_guard ends a FRESH
# boot in the nested VM too (KVM internal error, emulation failed at
# the poke page), so it would say nothing about a move.
SELFTESTS=test=mm,pvops,time,alarm,irq,trap,console,sched,xenlike,vmwarelike
selftests_note() {
    echo "# self-tests after each move: ${SELFTESTS#test=} (not the whole suite: patching" \
        "crashes a fresh boot in the nested VM, and test= holds 63 characters)"
}

suite_xrestore() {
    local from to
    echo "KTAP version 1"
    echo "1..9"
    selftests_note
    fresh_reports
    for from in none xenlike vmwarelike; do
        for to in none xenlike vmwarelike; do
            xrestore_case "$from" "$to" "$SELFTESTS"
        done
    done
}

# ---- live migration --------------------------------------------------------

# xmigrate_start NAME FROM TO ARGS...: destination on TO, source on FROM
# running the kernel with ARGS; sets SRC DP SP.
xmigrate_start() {
    local name=$1 from=$2 to=$3
    shift 3
    SRC="@hv-xm-src-$$-$name"
    "$HV" $ACCEL --timeout 150 --backend "$to" $(rom_arg "$to") --incoming "@hv-xm-dst-$$-$name" \
        > "$D/$name.out2" 2> "$D/$name.err2" &
    DP=$!
    "$HV" $ACCEL --timeout 150 --backend "$from" $(rom_arg "$from") --control "$SRC" \
        build/kernel -- "$@" > "$D/$name.out1" 2> "$D/$name.err1" &
    SP=$!
}

# xmigrate_go NAME: migrate now, wait for both; sets ST DST_ST; prints
# why the move itself failed.
xmigrate_go() {
    local name=$1
    "$QMPC" "$SRC" "{\"execute\":\"migrate\",\"arguments\":{\"uri\":\"unix:@hv-xm-dst-$$-$name\"}}" \
        > "$D/$name.qmp" 2>&1
    wait "$SP"; ST=$?
    wait "$DP"; DST_ST=$?
}

xmigrate_moved() {
    local name=$1
    if ! grep -q '"downtime-ms"' "$D/$name.qmp"; then
        echo "migrate refused: $(tail -n 1 "$D/$name.qmp") $(tail -n 1 "$D/$name.err2")"
    elif [ "$ST" != 0 ]; then echo "source status $ST, want 0 after the move"
    fi
}

# xmigrate_case FROM TO: the self-tests, after the migrated guest's re-bind.
xmigrate_case() {
    local from=$1 to=$2 name=xm-$1-$2 why
    xmigrate_start "$name" "$from" "$to" $(guest_cmd "$from" "$to" "$SELFTESTS")
    wait_for "$D/$name.out1" "^rebind: watching"
    xmigrate_go "$name"
    why=$(xmigrate_moved "$name")
    [ -n "$why" ] || why=$(moved_checks "$name" "$from" "$to" "$D/$name.out2" "$D/$name.err2")
    [ -n "$why" ] || why=$(selftest_checks "$name" "$DST_ST" "$D/$name.out2")
    san_clean "$D/$name.err1" "$D/$name.err2" || why=${why:-sanitizer report}
    verdict "$name" "$why" "$D/$name.err2" "$D/$name.out2" "$D/$name.qmp"
    grep -h "^hv: \(rebind\|migrate: [0-9]* rounds\)" "$D/$name.err1" "$D/$name.err2" | sed 's/^/# /'
}

# xmigrate_lazy FROM TO: migrated while rebind.lazy_batch_across_hop
# waits inside its lazy page-table section; the test itself checks
# nothing lost and nothing applied twice.
xmigrate_lazy() {
    local from=$1 to=$2 name=xm-lazy-$1-$2 why
    xmigrate_start "$name" "$from" "$to" test=rebind.lazy_batch_across_hop rebind.hop
    wait_for "$D/$name.out1" "Subtest: rebind"
    sleep 0.2                   # inside the section: it waits 10 s for a hop
    xmigrate_go "$name"
    cat "$D/$name.out1" "$D/$name.out2" > "$D/$name.out"
    why=$(xmigrate_moved "$name")
    [ -n "$why" ] || why=$(selftest_checks "$name" "$DST_ST" "$D/$name.out2")
    if [ -z "$why" ] && ! grep -Eq "^ +ok [0-9]+ lazy_batch_across_hop" "$D/$name.out"; then
        why="lazy_batch_across_hop did not pass"
    elif [ -z "$why" ] && ! grep -q "backend now $(expect_of "$to") after 1 re-binds" "$D/$name.out"; then
        why="the guest did not end on $to after one re-bind"
    fi
    san_clean "$D/$name.err1" "$D/$name.err2" || why=${why:-sanitizer report}
    guest_ktap "$D/$name.out"
    verdict "$name" "$why" "$D/$name.err2" "$D/$name.out2" "$D/$name.qmp"
    grep -h "^hv: rebind" "$D/$name.err2" | sed 's/^/# /'
}

# xmigrate_console FROM TO: migrated while rebind.console_stream_across_hop
# writes numbered lines: every line once, in order, across both hv's.
xmigrate_console() {
    local from=$1 to=$2 name=xm-console-$1-$2 why v
    xmigrate_start "$name" "$from" "$to" test=rebind.console_stream_across_hop rebind.hop
    wait_for "$D/$name.out1" "^rbc 0000 "
    xmigrate_go "$name"
    cat "$D/$name.out1" "$D/$name.out2" > "$D/$name.out"
    why=$(xmigrate_moved "$name")
    [ -n "$why" ] || why=$(selftest_checks "$name" "$DST_ST" "$D/$name.out2")
    v=$(tr -d '\r' < "$D/$name.out" | awk '
        /^rbc [0-9]+ [0-9a-f]+$/ {
            i = $2 + 0
            if (i != n) { print "line " n " expected, line " i " found"; bad = 1; exit }
            c = (i + 1) * 2654435761 % 4294967296
            if ($3 != sprintf("%08x", c)) { print "line " i ": check word " $3; bad = 1; exit }
            n++
        }
        /# rbc: [0-9]+ lines/ { for (f = 1; f <= NF; f++) if ($f == "rbc:") said = $(f + 1) + 0 }
        END {
            if (bad) exit
            if (said == 0) { print "the guest did not say how many lines it wrote"; exit }
            if (n != said) { print "saw " n " lines, the guest wrote " said; exit }
            print "ok " n
        }')
    if [ -z "$why" ]; then
        case $v in ok*) ;; *) why="console lines: $v" ;; esac
    fi
    if [ -z "$why" ] && ! grep -q "^rbc " "$D/$name.out2"; then
        why="no console line written on the destination: the move was not mid-stream"
    elif [ -z "$why" ] && ! grep -q "backend now $(expect_of "$to")" "$D/$name.out"; then
        why="the guest did not end on $to"
    fi
    san_clean "$D/$name.err1" "$D/$name.err2" || why=${why:-sanitizer report}
    verdict "$name" "$why" "$D/$name.err2" "$D/$name.qmp"
    echo "# $v; $(grep -c '^rbc ' "$D/$name.out1") lines on the source," \
        "$(grep -c '^rbc ' "$D/$name.out2") on the destination"
    grep -h "^hv: rebind" "$D/$name.err2" | sed 's/^/# /'
}

# ---- a chain: snapshot, live migration, snapshot -----------------------------

# xchain: xenlike -(snapshot, restore)-> vmwarelike -(live migration)->
# none -(snapshot, restore)-> xenlike, one guest waiting for its three
# re-binds before its self-tests.  Each hop is checked on hv's side
# (switched, ROM or no ROM in the window, the guest let go), the guest
# logs three hops, its patch report after the last equals a fresh boot's
# on xenlike, and its self-tests pass on the last host.
xchain() {
    local name=xchain s1="@hv-xc1-$$" s2="@hv-xc2-$$" s3="@hv-xc3-$$" s4="@hv-xc4-$$"
    local why="" p1 p2 p3 st1 st2 st3 st4 f
    # on xenlike until the first snapshot
    "$HV" $ACCEL --timeout 100 --control "$s1" --backend xenlike $(rom_arg xenlike) \
        build/kernel -- "$SELFTESTS" pvops=verbose rebind.wait=3 expect=xenlike \
        > "$D/$name.out1" 2> "$D/$name.err1" &
    p1=$!
    wait_for "$D/$name.out1" "^rebind: watching"
    "$QMPC" "$s1" '{"execute":"stop"}' \
        "{\"execute\":\"snapshot\",\"arguments\":{\"file\":\"$D/$name.1.hvsnap\"}}" \
        '{"execute":"quit"}' > "$D/$name.qmp1" 2>&1
    wait "$p1"; st1=$?
    # hop 1: restored onto vmwarelike; hop 2: migrated live onto none
    "$HV" $ACCEL --timeout 100 --control "$s4" --incoming "$s3" --backend none \
        > "$D/$name.out3" 2> "$D/$name.err3" &
    p3=$!
    "$HV" $ACCEL --timeout 100 --control "$s2" --restore "$D/$name.1.hvsnap" \
        --backend vmwarelike $(rom_arg vmwarelike) > "$D/$name.out2" 2> "$D/$name.err2" &
    p2=$!
    wait_for "$D/$name.out2" "^rebind: hop 1: backend"
    "$QMPC" "$s2" "{\"execute\":\"migrate\",\"arguments\":{\"uri\":\"unix:$s3\"}}" \
        > "$D/$name.qmp2" 2>&1
    wait "$p2"; st2=$?
    # hop 3: a snapshot on none, restored onto xenlike, where the tests run
    wait_for "$D/$name.out3" "^rebind: hop 2: backend"
    "$QMPC" "$s4" '{"execute":"stop"}' \
        "{\"execute\":\"snapshot\",\"arguments\":{\"file\":\"$D/$name.3.hvsnap\"}}" \
        '{"execute":"quit"}' > "$D/$name.qmp3" 2>&1
    wait "$p3"; st3=$?
    "$HV" $ACCEL --timeout 100 --restore "$D/$name.3.hvsnap" --backend xenlike $(rom_arg xenlike) \
        > "$D/$name.out4" 2> "$D/$name.err4"
    st4=$?
    tr -d '\r' < "$D/$name.out4" > "$D/$name.out4.txt"
    report_block "$D/$name.out4" 1 > "$D/$name.report"
    if ! grep -q '"pages"' "$D/$name.qmp1"; then why="snapshot on xenlike refused: $(tail -n 1 "$D/$name.qmp1")"
    elif ! grep -q '"downtime-ms"' "$D/$name.qmp2"; then why="migration vmwarelike -> none refused: $(tail -n 1 "$D/$name.qmp2")"
    elif ! grep -q '"pages"' "$D/$name.qmp3"; then why="snapshot on none refused: $(tail -n 1 "$D/$name.qmp3")"
    elif [ "$st1 $st2 $st3" != "0 0 0" ]; then why="hv statuses $st1 $st2 $st3 before the last host, want 0 0 0"
    elif ! grep -q "^hv: rebind: generation [0-9]*: backend xenlike -> vmwarelike" "$D/$name.err2"; then
        why="hop 1: hv did not switch xenlike -> vmwarelike"
    elif ! grep -q "^hv: rebind: guest let go of xenlike" "$D/$name.err2"; then why="hop 1: the guest did not let go of xenlike"
    elif ! grep -q "^hv: rebind: generation [0-9]*: backend vmwarelike -> none.*, no ROM in the window" "$D/$name.err3"; then
        why="hop 2: hv did not switch vmwarelike -> none with an empty window"
    elif ! grep -q "^hv: rebind: guest let go of vmwarelike" "$D/$name.err3"; then why="hop 2: the guest did not let go of vmwarelike"
    elif ! grep -q "^hv: rebind: generation [0-9]*: backend none -> xenlike.*, ROM in the window" "$D/$name.err4"; then
        why="hop 3: hv did not switch none -> xenlike with its ROM"
    elif [ "$(cat "$D/$name.out1" "$D/$name.out2" "$D/$name.out3" "$D/$name.out4" | tr -d '\r' | grep -c '^rebind: hop [0-9]*: backend ')" != 3 ]; then
        why="the guest logged $(cat "$D"/$name.out[1-4] | grep -c '^rebind: hop') re-binds, want 3"
    elif ! grep -q "^rebind: hop 3: backend" "$D/$name.out4.txt"; then why="hop 3 was not logged on the last host"
    elif ! cmp -s "$D/fresh-xenlike.txt" "$D/$name.report"; then
        why="the patch report after hop 3 differs from a fresh boot on xenlike: $(diff "$D/fresh-xenlike.txt" "$D/$name.report" | head -n 3 | tr '\n' ' ')"
    else
        cat "$D/$name.out1" "$D/$name.out2" "$D/$name.out3" > "$D/$name.out1+"
        mv "$D/$name.out1+" "$D/$name.out1"
        why=$(selftest_checks "$name" "$st4" "$D/$name.out4")
    fi
    for f in "$D/$name".err[1-4]; do san_clean "$f" || why=${why:-sanitizer report in ${f##*/}}; done
    verdict "$name" "$why" "$D/$name.err2" "$D/$name.err3" "$D/$name.err4" "$D/$name.out4" "$D/$name.qmp2"
    grep -h "^hv: \(rebind: generation\|migrate: [0-9]* rounds\)" "$D/$name".err[2-4] | sed 's/^/# /'
}

suite_xmigrate() {
    local from to
    echo "KTAP version 1"
    echo "1..12"
    selftests_note
    fresh_reports
    for from in none xenlike vmwarelike; do
        for to in none xenlike vmwarelike; do
            xmigrate_case "$from" "$to"
        done
    done
    xmigrate_lazy xenlike vmwarelike
    xmigrate_console vmwarelike xenlike
    xchain
}
