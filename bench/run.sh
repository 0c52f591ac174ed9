#!/usr/bin/env bash
# run.sh: runs the benchmark matrix (`make bench`) and writes the report.
#
#   bench/run.sh [--envs LIST] [--out DIR] [--boot-runs N] [--no-boot] [--no-blk]
#                 [--no-inline] [--no-snap]
#
#   --envs LIST     environments to run, from "tcg kvm hv" (comma or
#                   space separated; default all); the others become
#                   gaps with that reason
#   --out DIR       output folder (default build/bench)
#   --boot-runs N   boots per VMM for the boot-time comparison (default 5)
#   --no-boot       skip the boot-time and memory comparison (a gap)
#   --no-blk        skip the virtio-blk rows (bench/blk.sh)
#   --no-inline     skip the ROM inline-answer rows (bench/inline.sh)
#   --no-snap       skip the snapshot and migration rows (bench/snap.sh)
#
# Every cell of environment x path (bench/matrix.sh) boots the kernel
# with `bench` through tests/boot/boot-qemu.sh, or is recorded as a gap
# with its reason.  Then hv and QEMU KVM each boot the kernel's
# self-tests (`test`) and a plain boot (the hello demo) N times under
# build/bench/runstat, for wall time and peak RSS.  Progress goes to
# standard output as it happens.
#
# Where the KVM is comes from the one KVM probe, nested/kvm-run --probe:
# kvm (/dev/kvm works): as it always was.  nested (no /dev/kvm): the hv
# cells run in one nested-KVM VM under QEMU TCG, booted at the start and
# stopped at the end (hv goes there by itself); their exit counts are
# exact, their times are not comparable with a KVM host.  QEMU KVM and
# the boot comparison are gaps there (a QEMU KVM boot takes about 20 s
# in the nested VM).  off (HV_ACCEL=kvm without /dev/kvm): hv, QEMU KVM
# and the boot comparison are gaps with the probe's reason.
#
# Writes, under DIR:
#   probe.txt      the probe's answer ("nested: /dev/kvm does not exist")
#   cells.tsv      env, path, status (ok|gap|fail), reason, log, seconds,
#                  accel (where a KVM cell ran: kvm or nested; - for tcg
#                  and gaps)
#   raw/ENV-PATH.log  each cell's console (filler lines dropped)
#   boot.tsv       vmm, workload, run, wall_ms, maxrss_kb, status, reason
#   results.json, report.md, chart.svg  (bench/report.sh)
# Exit status: 0 when every cell ran or is an explained gap, 1 when a
# cell failed (the outputs are still written), 2 on bad usage.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
BENCH_TOP=$TOP
. "$TOP/nested/shared-vm.sh"
. "$TOP/bench/matrix.sh"
BOOT=$TOP/tests/boot/boot-qemu.sh
HV=${BENCH_HV:-$TOP/build/hv/hv}
QEMU=${QEMU:-qemu-system-x86_64}
RUNSTAT=$TOP/build/bench/runstat
KVM_RUN=$TOP/nested/kvm-run

OUT=$TOP/build/bench
SELECTED=$BENCH_ENVS
BOOT_RUNS=5
DO_BOOT=1
DO_BLK=1
DO_INLINE=1
DO_SNAP=1
FAILED=0
ACCEL= ACCEL_WHY=

die_usage() {
    echo "bench/run.sh: $*" >&2
    sed -n '4,15p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

parse_args() {
    local e
    while [ $# -gt 0 ]; do
        case $1 in
        --envs) SELECTED=${2//,/ }; shift 2 ;;
        --out) OUT=${2:?}; shift 2 ;;
        --boot-runs) BOOT_RUNS=${2:?}; shift 2 ;;
        --no-boot) DO_BOOT=0; shift ;;
        --no-blk) DO_BLK=0; shift ;;
        --no-inline) DO_INLINE=0; shift ;;
        --no-snap) DO_SNAP=0; shift ;;
        *) die_usage "unknown argument $1" ;;
        esac
    done
    for e in $SELECTED; do
        [[ " $BENCH_ENVS " == *" $e "* ]] || die_usage "unknown environment '$e'"
    done
    [[ $BOOT_RUNS =~ ^[1-9][0-9]?$ ]] || die_usage "bad --boot-runs '$BOOT_RUNS'"
    case $OUT in /*) ;; *) OUT=$PWD/$OUT ;; esac
}

# Asks the one KVM probe where a KVM is: ACCEL (kvm, nested or off)
# and ACCEL_WHY.  A probe that cannot answer counts as off.
probe_accel() {
    local probe
    probe=$("$KVM_RUN" --probe 2>&1)
    ACCEL=${probe%%:*}
    ACCEL_WHY=${probe#*: }
    case $ACCEL in
    kvm|nested|off) ;;
    *) ACCEL=off ACCEL_WHY="nested/kvm-run --probe gave no answer: $(head -n 1 <<< "$probe")" ;;
    esac
    echo "$ACCEL: $ACCEL_WHY" > "$OUT/probe.txt"
}

# Why QEMU KVM cannot run here (ACCEL nested or off).
qemu_kvm_gap() {
    if [ "$ACCEL" = nested ]; then
        echo "QEMU KVM needs /dev/kvm on this machine ($ACCEL_WHY); in the nested VM one QEMU KVM boot takes about 20 s, so bench runs only hv there"
    else
        echo "no KVM: $ACCEL_WHY"
    fi
}

# Prints why env/path cannot run here, or nothing when it can.
cell_gap() {
    local env=$1 path=$2 msg
    [[ " $SELECTED " == *" $env "* ]] ||
        { echo "environment not selected in this run (--envs $SELECTED)"; return; }
    case $path in
    testrom)
        [ "$env" = tcg ] || { echo "the test ROM is a QEMU TCG fixture for exact instruction counts (it answers the irq ops inline and CALLs its own entries for the rest); under KVM and hv the real backends' rows stand for ROM paths"; return; }
        [ -r "$TOP/build/backends/testrom.rom" ] ||
            { echo "build/backends/testrom.rom is not built"; return; } ;;
    xenlike|vmwarelike)
        [ "$env" = hv ] || { echo "a ROM backend needs its host side in hv (hypercall and backdoor ports); QEMU has none"; return; }
        [ -r "$TOP/build/backends/$path.rom" ] ||
            { echo "build/backends/$path.rom is not built (backend not in the tree yet)"; return; } ;;
    esac
    case $env in
    kvm) [ "$ACCEL" = kvm ] || { qemu_kvm_gap; return; } ;;
    hv) [ "$ACCEL" != off ] || { echo "no KVM for hv: $ACCEL_WHY"; return; } ;;
    esac
    if [ "$env" = hv ]; then
        [ -x "$HV" ] || { echo "${HV#"$TOP"/} is not built"; return; }
        case $path in
        xenlike|vmwarelike)
            msg=$("$HV" --backend "$path" --version 2>&1 > /dev/null) ||
                { echo "hv cannot run backend $path: $(head -n 1 <<< "$msg")"; return; } ;;
        esac
    fi
}

# Fills ARGS with boot-qemu.sh's arguments for env/path.
cell_args() {
    local env=$1 path=$2 image=$TOP/build/kernel
    ARGS=(-q --name "bench-$env-$path")
    case $env in
    tcg) ARGS+=(--timeout 60 --qemu-arg -icount --qemu-arg shift=0,sleep=off) ;;
    kvm) ARGS+=(--timeout 120) ;;
    hv) ARGS+=(--timeout 120) ;;
    esac
    case $path in
    testrom)
        ARGS+=(--option-rom "$TOP/build/backends/testrom.rom") ;;
    xenlike|vmwarelike)
        ARGS+=(--option-rom "$TOP/build/backends/$path.rom"
               --hv-arg --backend --hv-arg "$path") ;;
    esac
    [ "$path" = nopv ] && image=$TOP/build/kernel-nopv
    ARGS+=("$env" "$image" bench)
    case $path in
    nopatch) ARGS+=(pvops=nopatch) ;;
    nopv) ;;
    *) ARGS+=(pvops=verbose) ;;
    esac
}

# Sets VERDICT (ok|gap|fail) and WHY from boot-qemu.sh's KTAP in $1.
judge_cell() {
    local ktap=$1 path=$2 log=$3 name=$4 skip
    skip=$(sed -n "s/^ok 1 $name # SKIP //p" "$ktap")
    if [ -n "$skip" ]; then
        VERDICT=gap WHY=$skip
    elif grep -q "^ok 1 $name\$" "$ktap"; then
        VERDICT=ok WHY=
    else
        VERDICT=fail
        WHY=$(sed -n "/^not ok 1 $name/,\$p" "$ktap" | sed -n 's/^# //p' | head -n 1)
        [ -n "$WHY" ] || WHY="boot-qemu.sh gave no verdict"
        return
    fi
    case $path in
    testrom|xenlike|vmwarelike)
        # the ROM must really have bound, not a fallback to native
        grep -qi "^# bench: .*backend=[^ ]*${path%like}" "$log" ||
            { VERDICT=gap
              WHY="the guest did not bind the $path ROM: $(grep -m 1 '^pvops: backend' "$log")"; } ;;
    esac
}

# Where cell env/path ran: hv says it on stderr ("hv: accel nested:
# ..."), else the probe's answer; QEMU KVM on this machine's KVM.
cell_accel() {
    local env=$1 name=$2 accel
    case $env in
    tcg) echo - ;;
    kvm) echo kvm ;;
    hv) accel=$(sed -n 's/^hv: accel \(kvm\|nested\):.*/\1/p' "$TOP/build/boot/$name.vmm.log" 2> /dev/null | head -n 1)
        echo "${accel:-$ACCEL}" ;;
    esac
}

# Runs one cell (or records its gap) and appends it to cells.tsv.
run_cell() {
    local env=$1 path=$2 idx=$3 total=$4 gap t0 secs accel name=bench-$1-$2
    local log=raw/$env-$path.log
    printf '[%2d/%d] %-3s %-10s ' "$idx" "$total" "$env" "$path"
    gap=$(cell_gap "$env" "$path")
    if [ -n "$gap" ]; then
        echo "gap: $gap"
        printf '%s\t%s\tgap\t%s\t-\t-\t-\n' "$env" "$path" "$gap" >> "$OUT/cells.tsv"
        return
    fi
    cell_args "$env" "$path"
    t0=$(date +%s.%N)
    "$BOOT" "${ARGS[@]}" > "$OUT/raw/$env-$path.ktap" 2> "$OUT/raw/$env-$path.stderr"
    secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    grep -v '^# bench console filler' "$TOP/build/boot/$name.serial" > "$OUT/$log" 2> /dev/null
    judge_cell "$OUT/raw/$env-$path.ktap" "$path" "$OUT/$log" "$name"
    [ "$VERDICT" = fail ] && FAILED=1
    accel=$(cell_accel "$env" "$name")
    [ "$VERDICT" != gap ] || accel=-
    echo "$VERDICT${WHY:+: $WHY} (${secs} s$([ "$accel" != nested ] || echo ", nested"))"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$env" "$path" "$VERDICT" "${WHY:--}" "$log" "$secs" \
        "$accel" >> "$OUT/cells.tsv"
}

# The command that boots workload (test|demo) under vmm (hv|qemu-kvm).
# On a KVM with no vmx/svm under it (the software "PVM" one), QEMU
# stops a guest that runs an int3 (tests/boot/boot-qemu.sh): both vmms
# then boot with noint3, so that they run the same workload.
boot_command() {
    local vmm=$1 workload=$2 cmdline=quiet
    [ "$workload" = test ] && cmdline="test quiet"
    grep -qwE 'vmx|svm' /proc/cpuinfo || cmdline="$cmdline noint3"
    if [ "$vmm" = hv ]; then
        CMD=("$HV" --timeout 120 "$TOP/build/kernel" -- $cmdline)
    else
        CMD=(timeout -k 5 120 "$QEMU" -accel kvm -cpu host,-arch-capabilities
             -display none -monitor none -serial null -no-reboot -m 64
             -device isa-debug-exit,iobase=0xf4,iosize=0x04
             -kernel "$TOP/build/kernel" -append "$cmdline")
    fi
}

# Why the boot comparison cannot run, or nothing.
boot_gap() {
    [ "$DO_BOOT" -eq 1 ] || { echo "skipped (--no-boot)"; return; }
    [[ " $SELECTED " == *" hv "* && " $SELECTED " == *" kvm "* ]] ||
        { echo "needs both hv and kvm environments (--envs $SELECTED)"; return; }
    case $ACCEL in
    nested) echo "QEMU KVM cannot run here ($ACCEL_WHY; in the nested VM one QEMU KVM boot" \
                 "takes about 20 s), and hv's wall time and memory inside the nested VM" \
                 "would not compare with it"; return ;;
    off) echo "no KVM: $ACCEL_WHY"; return ;;
    esac
    [ -x "$HV" ] || { echo "${HV#"$TOP"/} is not built"; return; }
    [ -x "$RUNSTAT" ] || { echo "${RUNSTAT#"$TOP"/} is not built"; return; }
}

# hv against QEMU KVM: wall time and peak RSS of whole boots.
boot_compare() {
    local gap vmm workload i line
    gap=$(boot_gap)
    if [ -n "$gap" ]; then
        echo "boot comparison: gap: $gap"
        printf 'all\tall\t0\t-\t-\tgap\t%s\n' "$gap" >> "$OUT/boot.tsv"
        return
    fi
    for workload in test demo; do
        for vmm in hv qemu-kvm; do
            printf 'boot %-8s %-4s' "$vmm" "$workload"
            boot_command "$vmm" "$workload"
            for i in $(seq 1 "$BOOT_RUNS"); do
                "$RUNSTAT" "$OUT/boot/$vmm-$workload-$i.stat" "${CMD[@]}" \
                    < /dev/null > "$OUT/boot/$vmm-$workload-$i.out" 2>&1
                line=$(cat "$OUT/boot/$vmm-$workload-$i.stat" 2> /dev/null)
                line=${line:-wall_ms=- maxrss_kb=- status=-}
                eval "local $line"
                printf ' %s ms' "$wall_ms"
                printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$vmm" "$workload" "$i" \
                    "$wall_ms" "$maxrss_kb" "$status" \
                    "$([ "$status" = 33 ] && echo - || echo "exit status $status, expected 33")" >> "$OUT/boot.tsv"
            done
            echo
        done
    done
}

main() {
    local env path idx=0 total
    parse_args "$@"
    mkdir -p "$OUT/raw" "$OUT/boot" "$TOP/build/boot"
    rm -f "$OUT/cells.tsv" "$OUT/boot.tsv" "$OUT/probe.txt" "$OUT"/raw/* "$OUT"/boot/*
    total=$(( $(wc -w <<< "$BENCH_ENVS") * $(wc -w <<< "$BENCH_PATHS") ))
    probe_accel
    # the hv cells under nested go to one VM for the whole run
    [ "$ACCEL" != nested ] || [[ " $SELECTED " != *" hv "* ]] ||
        nested_vm_start bench "$OUT/nested-vm.log"
    echo "bench: $total cells (environment x path), output in ${OUT#"$TOP"/}"
    case $ACCEL in
    kvm) echo "bench: KVM: $ACCEL_WHY" ;;
    nested) echo "bench: no /dev/kvm ($ACCEL_WHY): hv runs in a nested-KVM VM under QEMU TCG;" \
                 "its exit counts are exact, its times not comparable with a KVM host" ;;
    off) echo "bench: no KVM ($ACCEL_WHY): hv and QEMU KVM are gaps" ;;
    esac
    for env in $BENCH_ENVS; do
        for path in $BENCH_PATHS; do
            idx=$((idx + 1))
            run_cell "$env" "$path" "$idx" "$total"
        done
    done
    : > "$OUT/boot.tsv"
    boot_compare
    # The virtio-blk rows (issue 12): hv per backend and QEMU TCG's own
    # virtio-blk, one boot each; report.sh appends OUT/blk.md.
    rm -f "$OUT/blk.tsv" "$OUT/blk.md"
    if [ "$DO_BLK" = 1 ]; then
        "$TOP/bench/blk.sh" "$OUT" || FAILED=1
    fi
    # Issue 13: text size, sites and boot instructions; report.sh
    # appends OUT/sites.md.
    "$TOP/bench/sites.sh" "$OUT" || FAILED=1
    # ROM ABI 1.2 inline answers: irq ops inline vs CALL vs native under
    # TCG (instructions) and hv (ticks, exits); report.sh appends inline.md.
    rm -f "$OUT/inline.tsv" "$OUT/inline.md"
    if [ "$DO_INLINE" = 1 ]; then
        "$TOP/bench/inline.sh" "$OUT" || FAILED=1
    fi
    # Issue 14: snapshot size, save and restore times, migration rounds,
    # total and downtime; report.sh appends snap.md.
    rm -f "$OUT/snap.tsv" "$OUT/snap.md"
    if [ "$DO_SNAP" = 1 ]; then
        (cd "$TOP" && bench/snap.sh "$OUT") || FAILED=1
    fi
    "$TOP/bench/report.sh" "$OUT" || exit 1
    [ "$FAILED" -eq 0 ] || { echo "bench: some cells failed; see report.md"; exit 1; }
}

main "$@"
