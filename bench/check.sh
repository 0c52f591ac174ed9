#!/usr/bin/env bash
# check.sh: checks that a benchmark report is complete, as TAP.
#
#   bench/check.sh DIR
#
# Complete means: results.json, report.md and chart.svg are there; every
# environment x path of bench/matrix.sh has a cell that ran or a gap with
# a reason; every op of kernel/bench/bench.c has, in every cell that
# ran, a measured result (min, median, max) or a skip with a reason;
# the boot comparison has figures for hv and QEMU KVM or a reason; and
# report.md has every section and every op row in each environment's
# table.  Exit status 0 when all hold, 1 when one does not, 2 on usage.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
BENCH_TOP=$TOP
. "$TOP/bench/matrix.sh"
N=0
FAILS=0

# Prints one TAP result; the remaining arguments are diagnostics.
result() {
    local ok=$1 name=$2
    shift 2
    N=$((N + 1))
    if [ "$ok" -eq 0 ]; then
        echo "ok $N $name"
    else
        echo "not ok $N $name"
        FAILS=$((FAILS + 1))
        printf '# %s\n' "$@"
    fi
}

check_files() {
    local why=()
    for f in results.json report.md chart.svg; do
        [ -s "$DIR/$f" ] || why+=("$f is missing or empty")
    done
    [ ! -s "$DIR/chart.svg" ] || grep -q '<svg' "$DIR/chart.svg" || why+=("chart.svg is not an SVG")
    if [ -s "$DIR/results.json" ]; then
        # balanced brackets outside strings, one object at the top
        awk '{ gsub(/\\./, ""); gsub(/"[^"]*"/, ""); o += gsub(/[{[]/, ""); c += gsub(/[]}]/, "");
               if (c > o) bad = 1 }
             END { exit !(o == c && !bad && o > 0) }' "$DIR/results.json" ||
            why+=("results.json: unbalanced brackets")
        head -c 1 "$DIR/results.json" | grep -q '{' || why+=("results.json does not start with {")
    fi
    result ${#why[@]} "outputs exist" "${why[@]}"
}

# The cell object of env/path in results.json, or nothing.
cell_line() {
    grep "^    {\"env\": \"$1\", \"path\": \"$2\", \"status\"" "$DIR/results.json" | head -n 1
}

check_cells() {
    local e p line why=()
    for e in $BENCH_ENVS; do
        for p in $BENCH_PATHS; do
            line=$(cell_line "$e" "$p")
            case $line in
            '') why+=("cell $e/$p: not in results.json") ;;
            *'"status": "ok"'*) ;;
            *'"status": "gap", "reason": null'*|*'"status": "fail", "reason": null'*)
                why+=("cell $e/$p: a gap without a reason") ;;
            *'"status": "gap", "reason": "'*|*'"status": "fail", "reason": "'*) ;;
            *) why+=("cell $e/$p: status neither ok, gap nor fail") ;;
            esac
        done
    done
    result ${#why[@]} "every environment x path ran or names its gap" "${why[@]}"
}

check_ops() {
    local e p o line why=() ops
    ops=$(bench_ops)
    [ -n "$ops" ] || why+=("no ops found in kernel/bench/bench.c")
    for e in $BENCH_ENVS; do
        for p in $BENCH_PATHS; do
            case $(cell_line "$e" "$p") in *'"status": "ok"'*) ;; *) continue ;; esac
            for o in $ops; do
                line=$(grep "^    {\"env\": \"$e\", \"path\": \"$p\", \"op\": \"$o\"," "$DIR/results.json")
                case $line in
                '') why+=("$e/$p: op $o has no result") ;;
                *'"status": "ok"'*)
                    [[ $line =~ \"min\":\ -?[0-9] && $line =~ \"median\":\ -?[0-9] &&
                       $line =~ \"max\":\ -?[0-9] ]] ||
                        why+=("$e/$p: op $o is ok without min, median and max") ;;
                *'"status": "skip", "reason": "'*) ;;
                *) why+=("$e/$p: op $o: $(sed 's/.*"status": \("[a-z]*"\), "reason": \([^,]*\),.*/\1 \2/' <<< "$line")") ;;
                esac
            done
        done
    done
    result ${#why[@]} "every op measured or skipped with a reason in every cell that ran" "${why[@]}"
}

check_boot() {
    local why=() vm wl
    if grep -q '"boot": {"status": "gap", "reason": "' "$DIR/results.json"; then
        :
    elif grep -q '"boot": {"status": "ok"' "$DIR/results.json"; then
        for wl in test demo; do
            for vm in hv qemu-kvm; do
                grep -q "{\"vmm\": \"$vm\", \"workload\": \"$wl\", \"runs\": [1-9]" "$DIR/results.json" ||
                    why+=("boot: no successful $wl run under $vm")
            done
        done
    else
        why+=("boot: neither figures nor a reason")
    fi
    result ${#why[@]} "boot time and memory compared or the gap named" "${why[@]}"
}

check_markdown() {
    local why=() s e o
    for s in '## Matrix' '## Targets' '## Per op' '## Ratio to never' '## Macro workloads' \
             '## hv: exits' '## hv against QEMU KVM' '## Gaps and skips'; do
        grep -q "^$s" "$DIR/report.md" || why+=("report.md: no section '$s'")
    done
    for e in $BENCH_ENVS; do
        for o in $(bench_ops); do
            sed -n "/^### $e:/,/^#/p" "$DIR/report.md" | grep -q "^| $o |" ||
                why+=("report.md: no row for $o in the $e table")
        done
    done
    result ${#why[@]} "report.md has every section and every op row" "${why[@]}"
}

main() {
    [ $# -eq 1 ] || { echo "usage: bench/check.sh DIR" >&2; exit 2; }
    DIR=$1
    echo "TAP version 13"
    echo "1..5"
    check_files
    check_cells
    check_ops
    check_boot
    check_markdown
    [ "$FAILS" -eq 0 ]
}

main "$@"
