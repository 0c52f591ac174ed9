#!/usr/bin/env bash
# sites.sh: the call-site figures of issue 13 for report.md: kernel text
# size, call sites and adapters of each build, and the instructions a
# boot takes before the benchmarks start (TCG icount, the guest header's
# boot_tsc).  Reads OUT/raw/tcg-*.log from bench/run.sh and the kernels'
# ELF files; writes OUT/sites.md, which report.sh appends to report.md.
#
#   bench/sites.sh OUT
set -u
OUT=${1:?usage: bench/sites.sh OUT}
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1

# Size in bytes of section $2 of ELF $1, or "-".
sec_size() {
    local hex
    hex=$(readelf -SW "$1" 2>/dev/null | sed 's/^ *\[ */[/' |
          awk -v s="$2" '$2 == s { print $6; exit }')
    if [ -n "$hex" ]; then printf '%d\n' "0x$hex"; else echo -; fi
}

# boot_tsc of the TCG cell of path $1, or "-" (the cell did not run).
boot_insns() {
    local log=$OUT/raw/tcg-$1.log v
    [ -r "$log" ] && v=$(grep -m1 -o 'boot_tsc=[0-9]*' "$log" | cut -d= -f2)
    echo "${v:--}"
}

row() {	# path elf
    local text sites slots
    text=$(sec_size "$2" .text)
    sites=$(sec_size "$2" .pv_sites)
    slots=$(sec_size "$2" .pv_slots)
    [ "$sites" = - ] || sites=$((sites / 16))
    [ "$slots" = - ] || slots=$((slots / 16))
    printf '| %s | %s | %s | %s | %s |\n' "$1" "$text" "$sites" "$slots" "$(boot_insns "$1")"
}

{
    echo
    echo "## Call sites: kernel text and boot (issue 13)"
    echo
    echo "Text is the ELF .text section (the adapters of sites in the compiler's registers"
    echo "included); sites are .pv_sites records, adapters .pv_slots entries.  Boot instructions:"
    echo "the guest's TSC when the benchmarks start under TCG icount (instructions since reset,"
    echo "firmware included, the same for every build)."
    echo
    echo "| path | .text bytes | sites | adapters | boot instructions (tcg) |"
    echo "| --- | ---: | ---: | ---: | ---: |"
    row nopv build/kernel-nopv.elf
    row patched build/kernel.elf
    row nopatch build/kernel.elf
} > "$OUT/sites.md"
