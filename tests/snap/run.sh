#!/usr/bin/env bash
# run.sh: the tests of hv's snapshots, live migration and control
# socket (issue 14), printing KTAP.
#
#   tests/snap/run.sh restore HV     save mid-self-test, restore in a new hv
#   tests/snap/run.sh badfile HV     malformed snapshot files, each refused
#   tests/snap/run.sh control HV     bad input on the control socket
#   tests/snap/run.sh migrate HV     live migration under a memory writer
#   tests/snap/run.sh xrestore HV    restore onto another backend, nine pairs
#   tests/snap/run.sh xmigrate HV    live migration onto another backend
#   tests/snap/run.sh vstate HV      the virtio devices across a snapshot
#                                    and a migration (vstate.sh)
#
# Cases that need a KVM drive two hv processes and a control socket,
# so they must share one machine: where the one KVM probe
# (nested/kvm-run --probe) says nested, this script runs itself inside
# the nested VM (one job) and its hv's use --accel kvm there.  Only
# where it says off do those cases skip, with the reason.  badfile
# needs no KVM: hv refuses a bad file before it looks for one.
# With a sanitizer build (HV ending in -san) stderr must also be free
# of sanitizer reports.  Run from the top of the tree.
set -u

MODE=${1:?usage: run.sh restore|badfile|control|migrate|vstate HV}
HV=${2:?usage: run.sh MODE HV}
INSIDE=${3:-}
D=build/snap-test/$MODE
QMPC=build/tests/qmpc
KTAP_COUNT=build/tests/ktap-count
N=0

# ---- where the KVM is ----------------------------------------------------
if [ "$MODE" != badfile ] && [ "$INSIDE" != --inside ]; then
    PROBE=$(nested/kvm-run --probe)
    case "${PROBE%%:*}" in
    kvm) ;;
    nested)
        [ -z "${RUN_SUITES_WHERE:-}" ] || echo nested >> "$RUN_SUITES_WHERE"
        exec nested/kvm-run --timeout 280 -- "$0" "$MODE" "$HV" --inside ;;
    *)
        echo "KTAP version 1"
        echo "1..0 # SKIP ${PROBE#off: }"
        exit 0 ;;
    esac
fi
ACCEL="--accel kvm"
rm -rf "$D"
mkdir -p "$D"

# A sanitizer build's stderr must be clean.
san_clean() {
    ! grep -Eq 'AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:' "$@"
}

# verdict NAME WHY [FILES to show on failure...]
verdict() {
    local name=$1 why=$2
    shift 2
    N=$((N + 1))
    if [ -z "$why" ]; then
        echo "ok $N $name"
        return
    fi
    echo "not ok $N $name # $why"
    for f in "$@"; do
        [ -f "$f" ] && tail -n 6 "$f" | sed "s|^|#   ${f##*/}: |"
    done
}

# The guest's KTAP (from its first "KTAP version" line) indented.
guest_ktap() {
    awk 'f || /^KTAP version/ { f = 1; print "    " $0 }' "$@"
}

# ---- restore: the self-tests, saved mid-run, finished by a new hv ---------
restore_case() {
    local b=$1 rom="" sock="@hv-snap-restore-$$-$1" why="" snap=$D/$1.hvsnap pid st
    [ "$b" = none ] || rom="--rom build/backends/$b.rom"
    "$HV" $ACCEL --timeout 100 --control "$sock" --backend "$b" $rom \
        build/kernel -- test > "$D/$b.out1" 2> "$D/$b.err1" &
    pid=$!
    for _ in $(seq 400); do
        grep -q "^KTAP version" "$D/$b.out1" && break
        sleep 0.05
    done
    "$QMPC" "$sock" '{"execute":"stop"}' \
        "{\"execute\":\"snapshot\",\"arguments\":{\"file\":\"$snap\"}}" \
        '{"execute":"quit"}' > "$D/$b.qmp" 2>&1
    wait "$pid"; st=$?
    "$HV" $ACCEL --timeout 100 --restore "$snap" > "$D/$b.out2" 2> "$D/$b.err2"
    local st2=$?
    cat "$D/$b.out1" "$D/$b.out2" > "$D/$b.out"
    echo "KTAP version 1" > "$D/$b.ktap"
    echo "1..1" >> "$D/$b.ktap"
    guest_ktap "$D/$b.out" >> "$D/$b.ktap"
    if ! grep -q '"pages"' "$D/$b.qmp"; then why="snapshot refused: $(grep -o 'desc":"[^"]*' "$D/$b.qmp")"
    elif [ "$st" != 0 ]; then why="source hv status $st, want 0 after quit"
    elif [ "$st2" != 33 ]; then why="restored hv status $st2, want 33 (self-tests passed)"
    elif ! grep -Eq '^ *(not )?ok ' "$D/$b.out2"; then why="nothing ran after the restore"
    elif ! grep -q "pages mapped" "$D/$b.err2"; then why="the restore did not map the file"
    elif ! "$KTAP_COUNT" < "$D/$b.out" > "$D/$b.count"; then
        why="self-tests across the restore: $(head -n 1 "$D/$b.count")"
    elif ! san_clean "$D/$b.err1" "$D/$b.err2"; then why="sanitizer report"
    fi
    guest_ktap "$D/$b.out"
    verdict "restore-$b" "$why" "$D/$b.err1" "$D/$b.err2" "$D/$b.qmp"
    grep -h "^hv: \(snapshot\|restore\)" "$D/$b.err1" "$D/$b.err2" | sed 's/^/# /'
}

suite_restore() {
    echo "KTAP version 1"
    echo "1..3"
    for b in none xenlike vmwarelike; do
        restore_case "$b"
    done
}

case "$MODE" in
restore) suite_restore ;;
badfile) . tests/snap/badfile.sh; suite_badfile ;;
control) . tests/snap/control.sh; suite_control ;;
migrate) . tests/snap/migrate.sh; suite_migrate ;;
xrestore) . tests/snap/xmove.sh; suite_xrestore ;;
xmigrate) . tests/snap/xmove.sh; suite_xmigrate ;;
vstate) . tests/snap/vstate.sh; suite_vstate ;;
*) echo "run.sh: unknown mode $MODE" >&2; exit 2 ;;
esac
