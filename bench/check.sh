#!/usr/bin/env bash
# check.sh: checks that a benchmark report is complete, as TAP.
#
#   bench/check.sh DIR
#
# Complete means: results.json, report.md and chart.svg are there; every
# environment x path of bench/matrix.sh has a cell that ran or a gap with
# a reason; every op of kernel/bench/bench.c has, in every cell that
# ran, a measured result (min, median, max) or a skip with a reason;
# the boot comparison has figures for hv and QEMU KVM or a reason;
# report.md has every section and every op row in each environment's
# table; and where hv ran says so: results.json gives its accel (kvm or
# nested; every hv cell that ran the same), and a nested hv is labelled
# "hv (nested)" in report.md and the chart with the sentence that its
# times are not comparable with a KVM host (bench_accel_note), while a
# kvm one is labelled plainly.  Exit status 0 when all hold, 1 when one
# does not, 2 on usage.
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
    local why=() s e o table
    # extended regular expressions; an environment may carry "(nested)"
    for s in '## Matrix' '## Targets' '## Per op' '## Ratio to never' '## Macro workloads' \
             '## hv( \(nested\))?: exits' '## hv against QEMU KVM' '## Gaps and skips'; do
        grep -Eq "^$s" "$DIR/report.md" || why+=("report.md: no section '$s'")
    done
    for e in $BENCH_ENVS; do
        # the table once, in a variable: `sed | grep -q` under pipefail
        # failed when grep quit early and sed took SIGPIPE (wide tables)
        table=$(sed -En "/^### $e( \(nested\))?:/,/^#/p" "$DIR/report.md")
        for o in $(bench_ops); do
            grep -q "^| $o |" <<< "$table" ||
                why+=("report.md: no row for $o in the $e table")
        done
    done
    result ${#why[@]} "report.md has every section and every op row" "${why[@]}"
}

# The "accel" of environment $1 in results.json ("kvm", "nested",
# "mixed"), "null" when it has none, nothing when the key is missing.
env_accel() {
    grep "^    {\"name\": \"$1\", \"description\": " "$DIR/results.json" | head -n 1 |
        sed -n 's/.*"accel": "\([^"]*\)".*/\1/p; s/.*"accel": null.*/null/p'
}

# Where hv ran is in results.json and labelled in report.md and the
# chart: "hv (nested)" and the note when nested, the plain name on KVM.
check_accel() {
    local why=() p line ran=0 accel note
    accel=$(env_accel hv)
    for p in $BENCH_PATHS; do
        line=$(cell_line hv "$p")
        case $line in *'"status": "ok"'*) ;; *) continue ;; esac
        ran=1
        [[ $accel != kvm && $accel != nested || $line == *"\"accel\": \"$accel\""* ]] ||
            why+=("cell hv/$p: its accel is not the hv environment's ($accel)")
    done
    if [ "$ran" -eq 1 ]; then
        case $accel in
        kvm|nested) ;;
        *) why+=("results.json: hv ran but does not say where (environment hv: \"accel\": \"kvm\" or \"nested\", found ${accel:-no accel})") ;;
        esac
    fi
    note=$(bench_accel_note nested)
    if [ "$accel" = nested ]; then
        grep -q '^| path |.* hv (nested) |' "$DIR/report.md" ||
            why+=("report.md: the matrix does not label hv 'hv (nested)'")
        grep -q '^### hv (nested): ' "$DIR/report.md" ||
            why+=("report.md: the hv table is not headed 'hv (nested)'")
        sed -n '/^### hv (nested): /,/^|/p' "$DIR/report.md" | grep -qF "$note" ||
            why+=("report.md: the hv (nested) table does not say what its figures mean ($note)")
        sed -n '/^## hv (nested): exits/,/^|/p' "$DIR/report.md" | grep -qF "$note" ||
            why+=("report.md: the hv (nested) exits do not say what they mean")
        grep -q '"name": "hv", .*"note": "' "$DIR/results.json" ||
            why+=("results.json: the nested hv environment has no note")
        grep -q 'hv (nested)/' "$DIR/chart.svg" ||
            why+=("chart.svg: the hv columns are not labelled 'hv (nested)'")
    elif grep -q '(nested)' "$DIR/report.md"; then
        why+=("report.md: labels something nested, but hv did not run nested (accel ${accel:-none})")
    fi
    result ${#why[@]} "where hv ran is recorded and labelled (kvm, or nested with its note)" "${why[@]}"
}

main() {
    [ $# -eq 1 ] || { echo "usage: bench/check.sh DIR" >&2; exit 2; }
    DIR=$1
    echo "TAP version 13"
    echo "1..6"
    check_files
    check_cells
    check_ops
    check_boot
    check_markdown
    check_accel
    [ "$FAILS" -eq 0 ]
}

main "$@"
