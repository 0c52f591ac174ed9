#!/usr/bin/env bash
# inline.sh: the ROM inline-answer rows of `make bench` (issue 13 item 3,
# ROM ABI 1.2): the irq ops through a ROM's inline bytes against the same
# ROM's CALLs (rominline=off) and against native, in one run.
#
#   bench/inline.sh OUTDIR
#
# TCG (-icount shift=0: instructions, exact): irq_pair and save_restore_fl
# for nopv, patched native, the test ROM inline and the test ROM's CALLs.
# hv (nested here: TSC ticks, emulation-bound, and exits): the same ops
# for hv without a ROM (native), the xenlike ROM inline and its CALLs,
# and the vmwarelike ROM as it binds (it has no inline answers; it
# answers NATIVE for the irq ops, so its irq sites are cli/sti/pushf/popf
# like native: the irq sites column says how they were left).
# Each cell is one boot with bench=OP; the figure is the guest's median.
# Writes OUTDIR/inline.tsv (env, path, op, median, exits_median, sites)
# and OUTDIR/inline.md; report.sh appends inline.md to report.md.  A cell
# whose boot fails is a row saying so; exit status 1 then.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:?usage: bench/inline.sh OUTDIR}
B=$TOP/build
BOOT=$TOP/tests/boot/boot-qemu.sh
mkdir -p "$OUT/raw"
cd "$TOP" || exit 1

ops=(irq_pair save_restore_fl)
cells=(tcg:nopv tcg:patched tcg:testrom-inline tcg:testrom-call
       hv:native hv:xenlike-inline hv:xenlike-call hv:vmwarelike)
args() {        # boot-qemu.sh arguments of one cell (before the cmdline)
    local env=${1%%:*} path=${1#*:}
    case $env in
    tcg) echo "--timeout 120 --qemu-arg -icount --qemu-arg shift=0,sleep=off" ;;
    hv) echo "--timeout 300" ;;
    esac
    case $path in
    testrom-*) echo "--option-rom $B/backends/testrom.rom" ;;
    xenlike-*) echo "--hv-arg --backend --hv-arg xenlike --option-rom $B/backends/xenlike.rom" ;;
    vmwarelike*) echo "--hv-arg --backend --hv-arg vmwarelike --option-rom $B/backends/vmwarelike.rom" ;;
    esac
    echo "$env"
    [ "$path" = nopv ] && echo "$B/kernel-nopv" || echo "$B/kernel"
    case $path in *-call) echo "rominline=off" ;; esac
    [ "$path" = nopv ] || echo "pvops=verbose"
}

failed=0
printf 'env\tpath\top\tmedian\texits_median\tirq_sites\n' > "$OUT/inline.tsv"
for c in "${cells[@]}"; do
    for op in "${ops[@]}"; do
        name=bench-inline-${c/:/-}-$op
        echo "bench: inline $c $op ..."
        # shellcheck disable=SC2046  # one word per argument
        set -- $(args "$c")
        "$BOOT" -q --name "$name" "$@" bench="$op" > "$OUT/raw/$name.ktap" 2>&1
        st=$?
        log=$B/boot/$name.serial
        cp "$log" "$OUT/raw/$name.log" 2>/dev/null
        line=$(grep -m 1 "^# bench: op=$op " "$log" 2>/dev/null)
        med=$(sed -n 's/.* median=\([^ ]*\).*/\1/p' <<< "$line")
        ex=$(sed -n 's/.* exits_median=\([^ ]*\).*/\1/p' <<< "$line")
        # How the irq sites were patched: "rom" column or "call"/"inline".
        sites=$(awk '$1 ~ /^(irq_disable|irq_enable|save_fl|restore_fl)$/ && NF >= 9 {
                    k = "inline"; if ($6 > $5) k = "call"; if (NF >= 10 && $10 > $6 && $10 > $5) k = "rom";
                    printf "%s%s=%s", (n++ ? "," : ""), $1, k }' "$log" 2>/dev/null)
        if [ "$st" -ne 0 ] || [ -z "$med" ]; then
            failed=1
            med="failed (status $st)"
        fi
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "${c%%:*}" "${c#*:}" "$op" "$med" "${ex:--}" "${sites:--}" >> "$OUT/inline.tsv"
    done
done

# The table: one row per cell, the two ops side by side.
{
    echo
    echo "## ROM inline answers (ABI 1.2): irq ops inline vs CALL vs native"
    echo
    echo "TCG: instructions per pair (-icount shift=0, exact).  hv: TSC ticks per"
    echo "pair (emulation-bound, and nested where the hv table above says so) and hv"
    echo "exits per pair."
    echo "\"testrom-call\"/\"xenlike-call\" are the same ROM with rominline=off; vmwarelike"
    echo "binds as it is: no inline answers, it answers NATIVE for the irq ops (sites column)."
    echo
    echo "| env | path | irq disable+enable | exits | save_fl+restore_fl | exits | irq sites |"
    echo "| --- | --- | ---: | ---: | ---: | ---: | --- |"
    awk -F'\t' 'NR > 1 { k = $1 "|" $2; if (!(k in seen)) { seen[k] = 1; order[n++] = k }
                         v[k, $3] = $4; x[k, $3] = $5; s[k] = $6 }
        END { for (i = 0; i < n; i++) { k = order[i]; split(k, p, "|")
              printf "| %s | %s | %s | %s | %s | %s | %s |\n", p[1], p[2],
                  v[k, "irq_pair"], x[k, "irq_pair"], v[k, "save_restore_fl"],
                  x[k, "save_restore_fl"], s[k] } }' "$OUT/inline.tsv"
} > "$OUT/inline.md"
cat "$OUT/inline.md"
exit $failed
