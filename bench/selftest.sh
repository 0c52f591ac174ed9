#!/usr/bin/env bash
# selftest.sh: the bench-report suite (TAP): the report generator and
# its completeness check on canned results, complete and broken, and on
# one real run of the three QEMU TCG cells.
#
#   bench/selftest.sh
#
# The canned run, bench/testdata/complete/, is a full `make bench`
# output (cells.tsv, boot.tsv, probe.txt, raw/*.log) from a machine with
# /dev/kvm (hv and QEMU KVM ran there: accel kvm).  Each case copies it to
# build/bench-selftest/, maybe breaks it, runs bench/report.sh and
# bench/check.sh there, and expects check.sh to pass or to fail naming
# what is wrong.  Needs build/kernel, build/kernel-nopv, gnuplot, QEMU.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
WORK=$TOP/build/bench-selftest
CANNED=$TOP/bench/testdata/complete
N=0
FAILS=0

result() {
    local ok=$1 name=$2
    shift 2
    N=$((N + 1))
    if [ "$ok" -eq 0 ]; then echo "ok $N $name"; else
        echo "not ok $N $name"; FAILS=$((FAILS + 1)); printf '# %s\n' "$@"
    fi
}

# A fresh copy of the canned run in $WORK/$1.
canned_copy() {
    rm -rf "${WORK:?}/$1"
    mkdir -p "$WORK/$1"
    cp -r "$CANNED"/. "$WORK/$1"/
}

# Generates and checks $WORK/$1; CHECK_OUT holds check.sh's output.
report_and_check() {
    "$TOP/bench/report.sh" "$WORK/$1" > "$WORK/$1.report.log" 2>&1 ||
        { CHECK_OUT="report.sh failed: $(tail -n 2 "$WORK/$1.report.log")"; return 1; }
    CHECK_OUT=$("$TOP/bench/check.sh" "$WORK/$1" 2>&1)
}

# Each grep -E pattern after $1 (a file) matches it; else WHY names one.
all_match() {
    local file=$1 pat
    shift
    WHY=
    for pat in "$@"; do
        grep -Eq -- "$pat" "$file" || { WHY="${file#"$WORK"/}: no match for '$pat'"; return 1; }
    done
}

case_complete() {
    canned_copy complete
    report_and_check complete
    result $? "canned complete run passes the check" "$CHECK_OUT"
    # on a KVM host: accel kvm, labels as they always were
    all_match "$WORK/complete/results.json" '"name": "hv", .*"accel": "kvm", "label": "hv",' &&
        ! grep -q '(nested)' "$WORK/complete/report.md" "$WORK/complete/chart.svg" ||
        { WHY=${WHY:-"a KVM host's report mentions (nested)"}; false; }
    result $? "canned KVM-host run: hv is accel kvm and labelled plainly" "$WHY"
}

# A broken copy must fail the check, naming $2 in its diagnostics.
expect_broken() {
    local name=$1 needle=$2 desc=$3
    if report_and_check "$name"; then
        result 1 "$desc" "check.sh passed a broken report"
    else
        grep -q -- "$needle" <<< "$CHECK_OUT"
        result $? "$desc" "check.sh failed without naming '$needle':" "$CHECK_OUT"
    fi
}

case_missing_op() {
    canned_copy missing-op
    sed -i '/^# bench: op=cpuid /d; /^ok [0-9]* cpuid$/d' "$WORK/missing-op/raw/tcg-patched.log"
    expect_broken missing-op "tcg/patched: op cpuid" "an op missing from one log fails the check"
}

case_gap_without_reason() {
    canned_copy no-reason
    awk -F '\t' 'BEGIN { OFS = "\t" } $1 == "kvm" && $2 == "xenlike" { $4 = "-" } { print }' \
        "$WORK/no-reason/cells.tsv" > "$WORK/no-reason/cells.new" &&
        mv "$WORK/no-reason/cells.new" "$WORK/no-reason/cells.tsv"
    expect_broken no-reason "cell kvm/xenlike: a gap without a reason" "a gap without a reason fails the check"
}

case_missing_cell() {
    canned_copy no-cell
    grep -v "^hv	nopatch	" "$WORK/no-cell/cells.tsv" > "$WORK/no-cell/cells.new" &&
        mv "$WORK/no-cell/cells.new" "$WORK/no-cell/cells.tsv"
    expect_broken no-cell "cell hv/nopatch" "a cell with no record fails the check"
}

# One real run of the TCG cells: the guest's output really parses.
case_real_tcg() {
    local out=$WORK/real
    if ! "$TOP/bench/run.sh" --envs tcg --no-boot --out "$out" > "$WORK/real.run.log" 2>&1; then
        result 1 "real TCG run is complete" "bench/run.sh failed:" "$(tail -n 8 "$WORK/real.run.log")"
        return
    fi
    CHECK_OUT=$("$TOP/bench/check.sh" "$out" 2>&1)
    result $? "real TCG run is complete" "$CHECK_OUT"
    grep -q '^| irq_pair | pair | inline | ' "$out/report.md"
    result $? "real TCG run reports how the patched sites were left" \
        "no '| irq_pair | pair | inline |' row in $out/report.md"
}

main() {
    mkdir -p "$WORK"
    echo "TAP version 13"
    echo "1..7"
    case_complete
    case_missing_op
    case_gap_without_reason
    case_missing_cell
    case_real_tcg
    [ "$FAILS" -eq 0 ]
}

main "$@"
