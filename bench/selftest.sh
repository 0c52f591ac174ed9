#!/usr/bin/env bash
# selftest.sh: the bench-report suite (TAP): the report generator and
# its completeness check on canned results, complete and broken, and on
# one real run of the three QEMU TCG cells.
#
#   bench/selftest.sh
#
# The canned runs are `make bench` outputs (cells.tsv, boot.tsv,
# probe.txt, raw/*.log): bench/testdata/complete/ from a machine with
# /dev/kvm (hv and QEMU KVM ran there: accel kvm), bench/testdata/nested/
# from one without (hv ran in the nested-KVM VM: accel nested, QEMU KVM
# and the boot comparison gaps).  Each case copies one to
# build/bench-selftest/, maybe breaks it, runs bench/report.sh and
# bench/check.sh there, and expects check.sh to pass or to fail naming
# what is wrong.  Needs build/kernel, build/kernel-nopv, gnuplot, QEMU.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
WORK=$TOP/build/bench-selftest
CANNED=$TOP/bench/testdata/complete
NESTED=$TOP/bench/testdata/nested
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

# A fresh copy of a canned run ($2, default the complete one) in $WORK/$1.
canned_copy() {
    rm -rf "${WORK:?}/$1"
    mkdir -p "$WORK/$1"
    cp -r "${2:-$CANNED}"/. "$WORK/$1"/
}

# Generates and checks $WORK/$1, running command $2 (if any) on the
# outputs in between; CHECK_OUT holds check.sh's output.
report_and_check() {
    "$TOP/bench/report.sh" "$WORK/$1" > "$WORK/$1.report.log" 2>&1 ||
        { CHECK_OUT="report.sh failed: $(tail -n 2 "$WORK/$1.report.log")"; return 1; }
    [ -z "${2:-}" ] || $2 "$WORK/$1"
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

# The nested run passes, with "hv (nested)" and the note next to the
# hv figures in report.md, in results.json and in the chart.
case_nested() {
    local d=$WORK/nested
    canned_copy nested "$NESTED"
    report_and_check nested
    result $? "canned nested run passes the check" "$CHECK_OUT"
    all_match "$d/results.json" '"name": "hv", .*"accel": "nested", "label": "hv \(nested\)", "note": "[^"]*not comparable with a KVM host' \
              '"kvm_probe": "nested: ' '"env": "hv", "path": "patched", "status": "ok", .*"accel": "nested"' &&
        all_match "$d/report.md" '^\| path \| tcg \| kvm \| hv \(nested\) \|$' '^### hv \(nested\): ' \
              '^## hv \(nested\): exits per unit' '^\*\*hv \(nested\)\*\* .*times are not comparable with a KVM host' \
              '^\| console \| 2080\.00 \| 2080\.00 \| 2080\.00 \| ' &&
        all_match "$d/chart.svg" '>hv \(nested\)/patched<'
    result $? "canned nested run: hv labelled 'hv (nested)' with its note in results.json, report.md, chart" "$WHY"
}

# hv ran nested but cells.tsv does not say where (a run.sh that did not
# record it): results.json has no accel for hv, the check fails.
case_nested_unrecorded() {
    canned_copy nested-unrecorded "$NESTED"
    cut -f 1-6 "$WORK/nested-unrecorded/cells.tsv" > "$WORK/nested-unrecorded/cells.new" &&
        mv "$WORK/nested-unrecorded/cells.new" "$WORK/nested-unrecorded/cells.tsv"
    expect_broken nested-unrecorded "hv ran but does not say where" \
        "a nested run without its accel fails the check"
}

# report.md and the chart of a nested run without the label and note.
unlabel() {
    sed -i 's/hv (nested)/hv/g' "$1/report.md" "$1/chart.svg"
    grep -vF "$(cd "$TOP" && BENCH_TOP=$TOP && . bench/matrix.sh && bench_accel_note nested)" \
        "$1/report.md" > "$1/report.new" && mv "$1/report.new" "$1/report.md"
}

case_nested_unlabelled() {
    canned_copy nested-unlabelled "$NESTED"
    expect_broken nested-unlabelled "the matrix does not label hv 'hv (nested)'" \
        "a nested run whose report.md and chart lack 'hv (nested)' fails the check" unlabel
    grep -q "chart.svg: the hv columns are not labelled" <<< "$CHECK_OUT" &&
        grep -q "the hv (nested) table does not say what its figures mean" <<< "$CHECK_OUT"
    result $? "the check names the missing note and chart label too" "$CHECK_OUT"
}

# A broken copy must fail the check, naming $2 in its diagnostics; $4
# (optional) breaks the outputs after report.sh.
expect_broken() {
    local name=$1 needle=$2 desc=$3 hook=${4:-}
    if report_and_check "$name" "$hook"; then
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

# The test ROM column (issue 13 item 4): its cell and each of its ops
# are required like any other.
case_missing_testrom() {
    canned_copy missing-testrom-op
    sed -i '/^# bench: op=lat_mmap /d; /^ok [0-9]* lat_mmap$/d' "$WORK/missing-testrom-op/raw/tcg-testrom.log"
    expect_broken missing-testrom-op "tcg/testrom: op lat_mmap" "an op missing from the test ROM's log fails the check"
    canned_copy no-testrom-cell
    grep -v "^tcg	testrom	" "$WORK/no-testrom-cell/cells.tsv" > "$WORK/no-testrom-cell/cells.new" &&
        mv "$WORK/no-testrom-cell/cells.new" "$WORK/no-testrom-cell/cells.tsv"
    expect_broken no-testrom-cell "cell tcg/testrom" "a missing test ROM cell fails the check"
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
    if ! "$TOP/bench/run.sh" --envs tcg --no-boot --no-blk --no-inline --no-snap --out "$out" > "$WORK/real.run.log" 2>&1; then
        result 1 "real TCG run is complete" "bench/run.sh failed:" "$(tail -n 8 "$WORK/real.run.log")"
        return
    fi
    CHECK_OUT=$("$TOP/bench/check.sh" "$out" 2>&1)
    result $? "real TCG run is complete" "$CHECK_OUT"
    grep -q '^| irq_pair | pair | inline | ' "$out/report.md"
    result $? "real TCG run reports how the patched sites were left" \
        "no '| irq_pair | pair | inline |' row in $out/report.md"
    grep -Eq '^\| irq_pair \| pair \| inline \|( [-+0-9.]+ \|){5} [0-9.]+ \| rom-inline \|' "$out/report.md"
    result $? "real TCG run has the test ROM's figure and inline sites in the targets table" \
        "no irq_pair row with a testrom figure and rom-inline sites in $out/report.md"
}

main() {
    mkdir -p "$WORK"
    echo "TAP version 13"
    echo "1..15"
    case_complete
    case_nested
    case_nested_unrecorded
    case_nested_unlabelled
    case_missing_op
    case_missing_testrom
    case_gap_without_reason
    case_missing_cell
    case_real_tcg
    [ "$FAILS" -eq 0 ]
}

main "$@"
