#!/usr/bin/env bash
# report.sh: turns a benchmark run into results.json, report.md and
# chart.svg.
#
#   bench/report.sh DIR
#
# DIR holds what bench/run.sh wrote: cells.tsv, raw/*.log (each cell's
# console), boot.tsv, probe.txt (the KVM probe's answer; optional).
# First every log is reduced to tab-separated records in
# DIR/results.tsv:
#   cell  env path status reason log seconds accel
#   hdr   env path guest_env build mode backend scale batches tsc_khz
#   op    env path op status reason unit n batches min median max
#         exits_min exits_median
#   site  env path pvop kind          (from the pvops=verbose table)
# then bench/report.awk writes the three outputs from those records,
# DIR/meta.tsv (the matrix and op list of bench/matrix.sh) and boot.tsv.
# Exit status 0, or 1 with a message when an input is missing or
# gnuplot fails (the JSON and Markdown are written first).
set -uo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
BENCH_TOP=$TOP
. "$TOP/bench/matrix.sh"
TAB=$'\t'

die() {
    echo "bench/report.sh: $*" >&2
    exit 1
}

# The matrix and the ops, as records for report.awk.
write_meta() {
    local e p name unit
    for e in $BENCH_ENVS; do
        printf 'env\t%s\t%s\t%s\n' "$e" "$(bench_env_desc "$e")" "$(bench_env_desc_nested "$e")"
    done
    for p in $BENCH_PATHS; do printf 'path\t%s\t%s\n' "$p" "$(bench_path_desc "$p")"; done
    printf 'accel\tnested\t%s\n' "$(bench_accel_note nested)"
    bench_op_units | while read -r name unit; do
        printf 'op\t%s\t%s\t%s\n' "$name" "$unit" "$(bench_op_sites "$name")"
    done
}

# The records of one cell's console log.  An op the log does not report
# becomes status "missing", so a silent op can never pass unnoticed.
parse_log() {
    local env=$1 path=$2 log=$3
    awk -v env="$env" -v path="$path" -v ops="$(bench_ops | tr '\n' ' ')" '
    function kv(line, key,    m) {
        if (match(line, "(^| )" key "=[^ ]*")) {
            m = substr(line, RSTART, RLENGTH); sub(/^ /, "", m)
            return substr(m, length(key) + 2)
        }
        return "-"
    }
    { sub(/\r$/, ""); sub(/^[ \t]+/, "") }
    /^# bench: env=/ {
        printf "hdr\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", env, path, kv($0, "env"),
            kv($0, "build"), kv($0, "mode"), kv($0, "backend"), kv($0, "scale"),
            kv($0, "batches"), kv($0, "tsc_khz")
        next
    }
    /^# bench: op=/ { line[kv($0, "op")] = $0; next }
    /^[a-z0-9_]+ +[a-z]+ +[0-9]+ +[-0-9,]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+( +[0-9]+)?$/ {
        split("inline call jump nop indirect rom-inline", kinds, " ")
        best = 0; kind = "-"
        for (i = 1; i <= 6; i++)
            if ($(i + 4) + 0 > best) { best = $(i + 4) + 0; kind = kinds[i] }
        printf "site\t%s\t%s\t%s\t%s\n", env, path, $1, kind
        next
    }
    /^(not )?ok [0-9]+ [a-z0-9_]+/ {
        name = ($1 == "not") ? $4 : $3
        if ($1 == "not") { st[name] = "fail"; why[name] = "the op reported not ok" }
        else if ($0 ~ /# SKIP /) { st[name] = "skip"; why[name] = $0; sub(/.*# SKIP /, "", why[name]) }
        else if (name in line) { st[name] = "ok"; why[name] = "" }
        else { st[name] = "fail"; why[name] = "ok without a # bench: line" }
    }
    END {
        n = split(ops, names, " ")
        for (i = 1; i <= n; i++) {
            o = names[i]; l = (o in line) ? line[o] : ""
            s = (o in st) ? st[o] : "missing"
            r = (o in st) ? why[o] : "no result in the log"
            printf "op\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", env, path, o, s, r,
                kv(l, "unit"), kv(l, "n"), kv(l, "batches"), kv(l, "min"), kv(l, "median"),
                kv(l, "max"), kv(l, "exits_min"), kv(l, "exits_median")
        }
    }' "$log"
}

# results.tsv: the cells as they were run, each ok cell's log parsed.
# A cells.tsv from before the accel column reads as accel "-".
write_results() {
    local env path status reason log secs accel
    while IFS=$TAB read -r env path status reason log secs accel; do
        printf 'cell\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$env" "$path" "$status" "$reason" "$log" \
            "$secs" "${accel:--}"
        if [ "$status" = ok ]; then
            [ -r "$DIR/$log" ] || die "cell $env/$path: log $DIR/$log is missing"
            parse_log "$env" "$path" "$DIR/$log"
        fi
    done < "$DIR/cells.tsv"
}

# chart.svg from the chart data report.awk wrote.  A nested
# environment's columns are labelled "hv (nested)/PATH" there; the title
# says what that means.
write_chart() {
    local nested=
    head -n 1 "$DIR/chart-ratio.dat" | grep -q ' (nested)/' &&
        nested="\\n(nested: run in a nested-KVM VM under QEMU TCG; its times are not comparable with a KVM host, its exit counts are: see report.md)"
    command -v gnuplot > /dev/null || die "gnuplot not found (Debian package gnuplot-nox)"
    gnuplot > "$DIR/gnuplot.log" 2>&1 <<EOF || die "gnuplot failed: $(tail -n 3 "$DIR/gnuplot.log")"
set terminal svg size 1400,1000 dynamic enhanced font 'sans,10' background rgb 'white'
set output '$DIR/chart.svg'
set datafile separator tab
set datafile missing '?'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set key outside right top
set xtics rotate by 40 right nomirror noenhanced
set bmargin 7
set grid ytics
set logscale y
set multiplot layout 2,1
set title 'QEMU TCG -icount shift=0: guest instructions per unit (exact; log scale)'
set ylabel 'instructions per unit'
plot for [c=2:$(( $(head -n 1 "$DIR/chart-tcg.dat" | awk -F '\t' '{ print NF }') ))] '$DIR/chart-tcg.dat' using c:xtic(1) title columnheader(c)
set title "Ratio to the never-paravirtualized build (medians; log scale; 1 = same cost)$nested"
set ylabel 'ratio to nopv'
plot for [c=2:$(( $(head -n 1 "$DIR/chart-ratio.dat" | awk -F '\t' '{ print NF }') ))] '$DIR/chart-ratio.dat' using c:xtic(1) title columnheader(c)
unset multiplot
EOF
}

main() {
    [ $# -eq 1 ] || { echo "usage: bench/report.sh DIR" >&2; exit 2; }
    DIR=$1
    [ -r "$DIR/cells.tsv" ] || die "$DIR/cells.tsv not found (run bench/run.sh first)"
    [ -r "$DIR/boot.tsv" ] || : > "$DIR/boot.tsv"
    write_meta > "$DIR/meta.tsv"
    write_results > "$DIR/results.tsv" || exit 1
    local what probe=
    [ ! -r "$DIR/probe.txt" ] || probe=$(head -n 1 "$DIR/probe.txt")
    for what in json md tcg ratio; do
        awk -F '\t' -v what="$what" -v date="$(date -u +%Y-%m-%dT%H:%M:%SZ)" -v probe="$probe" \
            -f "$TOP/bench/report.awk" "$DIR/meta.tsv" "$DIR/results.tsv" "$DIR/boot.tsv" \
            > "$DIR/out.$what" || die "report.awk ($what) failed"
    done
    mv "$DIR/out.json" "$DIR/results.json"
    mv "$DIR/out.md" "$DIR/report.md"
    [ ! -r "$DIR/blk.md" ] || cat "$DIR/blk.md" >> "$DIR/report.md"   # bench/blk.sh
    [ ! -r "$DIR/sites.md" ] || cat "$DIR/sites.md" >> "$DIR/report.md"   # bench/sites.sh
    [ ! -r "$DIR/inline.md" ] || cat "$DIR/inline.md" >> "$DIR/report.md"   # bench/inline.sh
    if [ -r "$DIR/snap.md" ]; then   # bench/snap.sh
        printf '\n## Snapshot and migration (issue 14)\n\n' >> "$DIR/report.md"
        cat "$DIR/snap.md" >> "$DIR/report.md"
    fi
    mv "$DIR/out.tcg" "$DIR/chart-tcg.dat"
    mv "$DIR/out.ratio" "$DIR/chart-ratio.dat"
    write_chart
    echo "bench: wrote ${DIR#"$TOP"/}/results.json, report.md, chart.svg"
}

main "$@"
