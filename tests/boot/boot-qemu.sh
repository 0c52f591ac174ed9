#!/usr/bin/env bash
# boot-qemu.sh: boots a Multiboot kernel image under QEMU (TCG, KVM or
# GRUB) or hv, and prints the run as KTAP for tests/run-suites.sh.
#
#   tests/boot/boot-qemu.sh [options] {tcg|kvm|grub|hv} IMAGE [CMDLINE...]
#
# Options:
#   --name NAME        test name (default boot-MODE)
#   --timeout S        seconds before the guest is killed (default 60;
#                      120 for kvm and grub)
#   --expect-panic     pass only if the guest panics: exit status 37, a
#                      "PANIC:" line and a register dump naming rip
#   --option-rom FILE  QEMU -option-rom FILE, hv --rom FILE (repeatable)
#   --memory MB        guest memory (default 64)
#   --qemu-arg ARG     one more QEMU argument (repeatable)
#   --hv-arg ARG       one hv option before IMAGE (repeatable; hv mode)
#   -q                 do not copy the raw guest output to stderr
#
# Modes: tcg is `qemu-system-x86_64 -accel tcg -kernel IMAGE -append
# CMDLINE`; kvm the same with `-accel kvm -cpu host,-arch-capabilities`;
# grub boots a grub-mkrescue ISO (cached under build/boot/) with QEMU
# TCG; hv runs `build/hv/hv --timeout S -m MB [--rom FILE] [--hv-arg...]
# IMAGE -- CMDLINE` (BOOT_HV overrides the path), whose standard output
# is the guest console.
#
# kvm and hv ask the one KVM probe (nested/kvm-run --probe) where a KVM
# is.  hv runs wherever it says kvm or nested (hv itself goes through the
# nested VM), and skips ("ok 1 NAME # SKIP reason", status 0) only when
# it says off (HV_ACCEL=kvm on a machine without /dev/kvm).  kvm runs
# where the probe says kvm; under nested it skips with the reason, as a
# QEMU KVM boot in the nested VM takes about 20 s, unless
# QEMU_KVM_NESTED=1, which runs QEMU there.
#
# Output: "KTAP version 1", "1..1", the guest's KTAP (from its first
# "KTAP version" line on) indented four spaces, then "ok 1 NAME" or
# "not ok 1 NAME" followed by "# reason" lines: the exit status's
# meaning, any PANIC line and register dump, the console's last lines.
# The guest's raw output goes to stderr (the runner's log) and to
# build/boot/NAME.serial.  Exit status: 0 when the test passed (or was
# skipped), 1 when it failed, 2 on bad usage.
#
# Guest exit protocol (docs/HACKING.md): the guest writes c to port 0xf4
# and the VMM exits with (c << 1) | 1: 33 all passed, 35 a test failed,
# 37 panic.  Anything else is a failure.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
QEMU=${QEMU:-qemu-system-x86_64}
HV=${BOOT_HV:-$TOP/build/hv/hv}
KVM_RUN=$TOP/nested/kvm-run
KTAP_COUNT=${KTAP_COUNT:-$TOP/build/tests/ktap-count}
BOOTDIR=$TOP/build/boot

NAME= TIMEOUT= EXPECT_PANIC=0 MEMORY=64 QUIET=0 ACCEL=
ROMS=() QEMU_EXTRA=() HV_ARGS=()
MODE= IMAGE= CMDLINE= CMDARGS=()
STATUS= REASONS=() SERIAL= ERRLOG= ISO= RUNNER=() WHERE=

usage() {
    sed -n '4,19p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

die_usage() {
    echo "boot-qemu.sh: $*" >&2
    exit 2
}

# Reads the options and the mode, image and command line.
parse_args() {
    while [ $# -gt 0 ]; do
        case $1 in
        --name) NAME=${2:?}; shift 2 ;;
        --timeout) TIMEOUT=${2:?}; shift 2 ;;
        --expect-panic) EXPECT_PANIC=1; shift ;;
        --option-rom) ROMS+=("${2:?}"); shift 2 ;;
        --memory) MEMORY=${2:?}; shift 2 ;;
        --qemu-arg) QEMU_EXTRA+=("${2:?}"); shift 2 ;;
        --hv-arg) HV_ARGS+=("${2:?}"); shift 2 ;;
        -q) QUIET=1; shift ;;
        -h|--help) usage ;;
        -*) die_usage "unknown option $1" ;;
        *) break ;;
        esac
    done
    [ $# -ge 2 ] || usage
    MODE=$1 IMAGE=$2
    shift 2
    CMDARGS=("$@")
    CMDLINE="$*"
    case $MODE in tcg|kvm|grub|hv) ;; *) die_usage "unknown mode $MODE" ;; esac
    [ -n "$NAME" ] || NAME=boot-$MODE
    [[ $NAME =~ ^[A-Za-z0-9._+-]+$ ]] || die_usage "bad name '$NAME'"
    [ -n "$TIMEOUT" ] || { TIMEOUT=60; case $MODE in kvm|grub) TIMEOUT=120 ;; esac; }
    [[ $TIMEOUT =~ ^[0-9]+$ ]] || die_usage "bad timeout '$TIMEOUT'"
    [[ $MEMORY =~ ^[0-9]+$ ]] || die_usage "bad memory size '$MEMORY'"
    [ "$MODE" != grub ] || [[ $CMDLINE != *[\'$'\n'\\]* ]] ||
        die_usage "a GRUB command line cannot hold quotes or newlines"
}

# Prints the skip verdict and ends the script successfully.
skip() {
    echo "KTAP version 1"
    echo "1..1"
    echo "ok 1 $NAME # SKIP $1"
    exit 0
}

# Prints the failure verdict for a run that never started.
fail_early() {
    echo "KTAP version 1"
    echo "1..1"
    echo "not ok 1 $NAME"
    echo "# $1"
    exit 1
}

# The key under which a good KVM probe is cached: this boot of the
# host and this QEMU binary.
kvm_probe_key() {
    local qemu_path
    qemu_path=$(command -v "$QEMU") || return 1
    echo "$(cat /proc/sys/kernel/random/boot_id 2>/dev/null)" \
         "$(stat -c '%n %Y %s' "$qemu_path")"
}

# Starts QEMU with KVM on a 64 KiB BIOS whose reset vector writes 0x10
# to port 0xf4: proof that QEMU can run guest code on KVM and exit
# cleanly (through the nested VM when ACCEL is nested).
kvm_probe_run() {
    local bios=$BOOTDIR/kvm-probe.bin st
    head -c 65536 /dev/zero > "$bios"
    # mov dx,0xf4; mov al,0x10; out dx,al; hlt; jmp $-1
    printf '\xba\xf4\x00\xb0\x10\xee\xf4\xeb\xfd' |
        dd of="$bios" bs=1 seek=$((0xfff0)) conv=notrunc status=none
    timeout -k 5 60 "${RUNNER[@]}" "$QEMU" -accel kvm -cpu host,-arch-capabilities \
        -bios "$bios" -nodefaults -display none -monitor none \
        -serial none -no-reboot -m 16 \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
        < /dev/null > "$BOOTDIR/kvm-probe.log" 2>&1
    st=$?
    [ "$st" -eq 33 ] && return 0
    echo "QEMU KVM probe exited $st: $(tail -n 1 "$BOOTDIR/kvm-probe.log")"
    return 1
}

# Sets ACCEL (kvm or nested) from the KVM probe; skips the test (exits)
# where the probe says off.
accel_check() {
    local probe
    probe=$("$KVM_RUN" --probe) || skip "${probe#off: }"
    ACCEL=${probe%%:*}
    WHERE=${probe#*: }
}

# Skips the test (exits) unless QEMU can use a KVM: this machine's, or
# the nested VM's when QEMU_KVM_NESTED=1.
kvm_check() {
    local key cache=$BOOTDIR/kvm-probe-$ACCEL.ok why
    RUNNER=()
    if [ "$ACCEL" = nested ]; then
        [ "${QEMU_KVM_NESTED:-0}" = 1 ] ||
            skip "$WHERE: QEMU KVM boots run where /dev/kvm is (QEMU_KVM_NESTED=1 runs them in the nested VM, about 20 s each)"
        RUNNER=("$KVM_RUN" --)
    fi
    key=$(kvm_probe_key) || skip "$QEMU not found"
    [ -f "$cache" ] && [ "$(cat "$cache")" = "$key" ] && return 0
    why=$(kvm_probe_run) || skip "KVM unusable: $why"
    echo "$key" > "$cache"
}

# The command line as grub.cfg words, each in single quotes.
grub_args() {
    local word
    for word in "${CMDARGS[@]}"; do
        printf " '%s'" "$word"
    done
}

# GRUB's script: load and boot the kernel at once, no menu; when that
# fails, say so on the serial console and reset (QEMU then exits with
# status 0, as -no-reboot asks) instead of waiting for a key.
grub_cfg() {
    cat <<EOF
serial --unit=0 --speed=115200
terminal_output serial console
multiboot /boot/kernel$(grub_args)
boot
echo "grub: could not boot /boot/kernel"
reboot
EOF
}

# Builds (or reuses) the GRUB rescue ISO for IMAGE and CMDLINE into ISO.
# The cache key covers the image's bytes and grub.cfg.
grub_iso() {
    local key iso dir cfg
    cfg=$(grub_cfg)
    key=$( { sha256sum < "$IMAGE"; printf '%s\n' "$cfg"; } |
           sha256sum | cut -c1-16)
    iso=$BOOTDIR/grub-$NAME-$key.iso
    ISO=$iso
    [ -f "$iso" ] && return 0
    dir=$(mktemp -d "$BOOTDIR/iso.XXXXXX")
    mkdir -p "$dir/boot/grub"
    cp "$IMAGE" "$dir/boot/kernel"
    printf '%s\n' "$cfg" > "$dir/boot/grub/grub.cfg"
    if ! grub-mkrescue -o "$iso.tmp" "$dir" > "$BOOTDIR/$NAME.grub.log" 2>&1; then
        rm -rf "$dir" "$iso.tmp"
        fail_early "grub-mkrescue failed: $(tail -n 1 "$BOOTDIR/$NAME.grub.log")"
    fi
    rm -rf "$dir"
    rm -f "$BOOTDIR/grub-$NAME-"*.iso
    mv "$iso.tmp" "$iso"
}

# Fills CMD with the command that runs the guest in MODE.
build_command() {
    local rom
    if [ "$MODE" = hv ]; then
        [ -x "$HV" ] || fail_early "${HV#"$TOP"/} is not built"
        CMD=("$HV" --timeout "$TIMEOUT" -m "$MEMORY")
        for rom in "${ROMS[@]}"; do CMD+=(--rom "$rom"); done
        CMD+=("${HV_ARGS[@]}" "$IMAGE" -- "${CMDARGS[@]}")
        return
    fi
    CMD=("$QEMU" -display none -monitor none
         -serial "file:$SERIAL" -no-reboot -m "$MEMORY"
         -device isa-debug-exit,iobase=0xf4,iosize=0x04)
    case $MODE in
    tcg) CMD+=(-accel tcg -kernel "$IMAGE" -append "$CMDLINE") ;;
    kvm) # A KVM with no vmx/svm under it (the software "PVM" one) runs
         # guest code through its instruction emulator, which cannot run
         # an int3 outside real mode: QEMU then stops the guest.  hv
         # injects the #BP itself (hv/hv.md); under QEMU the kernel is
         # told (noint3) and its int3 test skips, saying why.
         local kcmd=$CMDLINE
         if [ "$ACCEL" != nested ] && ! grep -qwE 'vmx|svm' /proc/cpuinfo; then
             kcmd="$kcmd noint3"
         fi
         CMD+=(-accel kvm -cpu host,-arch-capabilities
               -kernel "$IMAGE" -append "$kcmd")
         CMD=("${RUNNER[@]}" "${CMD[@]}") ;;
    grub) grub_iso
          CMD+=(-accel tcg -boot d -cdrom "$ISO") ;;
    esac
    for rom in "${ROMS[@]}"; do CMD+=(-option-rom "$rom"); done
    CMD+=("${QEMU_EXTRA[@]}")
}

# Runs the guest; the console ends up in SERIAL, the VMM's own messages
# in ERRLOG, its exit status in STATUS.
run_guest() {
    : > "$SERIAL"
    if [ "$MODE" = hv ]; then
        # hv stops the guest itself at TIMEOUT (status 8); this is the
        # backstop should hv hang (the nested VM may first have to boot)
        local backstop=$((TIMEOUT + 10))
        [ "$ACCEL" != nested ] || backstop=$((TIMEOUT + 90))
        timeout -k 5 "$backstop" "${CMD[@]}" \
            < /dev/null > "$SERIAL" 2> "$ERRLOG"
    else
        timeout -k 5 "$TIMEOUT" "${CMD[@]}" < /dev/null > "$ERRLOG" 2>&1
    fi
    STATUS=$?
    # the console without carriage returns, NUL bytes or terminal
    # escapes (GRUB's), ending in a newline
    tr -d '\r\000' < "$SERIAL" |
        sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; $a\' > "$SERIAL.txt" &&
        mv "$SERIAL.txt" "$SERIAL"
}

# The line number of the guest's first "KTAP version" line, or nothing.
ktap_start() {
    grep -n -m 1 '^[[:space:]]*KTAP version ' "$SERIAL" | cut -d: -f1
}

# The PANIC line and up to 40 lines after it, stripped of indentation.
panic_lines() {
    awk '/^[[:space:]]*PANIC:/ { on = 1 } on && n < 41 { sub(/^[[:space:]]+/, ""); print; n++ }' "$SERIAL"
}

# Sets GP GF GS (guest passed/failed/skipped) from the guest's KTAP;
# all empty when there is none or no counter.
count_guest() {
    local start=$1 line
    GP= GF= GS=
    [ -n "$start" ] || return 0
    [ -x "$KTAP_COUNT" ] ||
        make -C "$TOP" --no-print-directory "${KTAP_COUNT#"$TOP"/}" >&2 ||
        return 0
    line=$(tail -n +"$start" "$SERIAL" | "$KTAP_COUNT" | head -n 1)
    read -r _ GP _ GF _ GS <<< "$line"
}

# hv's own exit statuses (hv --help), as one reason.
hv_status() {
    local what
    case $STATUS in
    2) what="hv usage error" ;;
    14) what="--accel kvm and no usable KVM (hv)" ;;
    16) what="the nested-KVM VM could not run the guest (hv)" ;;
    4) what="hv refused the image" ;;
    6) what="the guest crashed (hv)" ;;
    8) what="hv's timeout ($TIMEOUT s) stopped the guest" ;;
    10) what="the guest misbehaved (hv)" ;;
    12) what="hv internal error" ;;
    esac
    echo "exit status $STATUS: $what"
}

# Explains STATUS in REASONS; returns 0 when it means "all passed".
judge_status() {
    local start=$1
    case $STATUS in
    33) ;;
    35) REASONS+=("exit status 35: the guest reported a failing test") ;;
    37) REASONS+=("exit status 37: the guest panicked") ;;
    124|137) REASONS+=("timed out after $TIMEOUT s") ;;
    0) REASONS+=("exit status 0: reset or power-off, not port 0xf4 (triple fault?)") ;;
    2|4|6|8|10|12|14|16) [ "$MODE" = hv ] && REASONS+=("$(hv_status)") ||
                   REASONS+=("exit status $STATUS: the VMM failed") ;;
    *) if [ $((STATUS % 2)) -eq 1 ] && [ "$STATUS" -gt 1 ] && [ "$STATUS" -lt 128 ]; then
           REASONS+=("exit status $STATUS: unknown guest exit code $(printf \
                      '0x%x' $(((STATUS - 1) / 2)))")
       else
           REASONS+=("exit status $STATUS: the VMM failed")
       fi ;;
    esac
    [ -n "$start" ] || REASONS+=("the guest printed no KTAP")
    [ "$STATUS" -eq 33 ] || return 1
    if [ -n "$GF" ] && [ "$GF" -gt 0 ]; then
        REASONS+=("the guest exited 'all passed' but its KTAP shows $GF failures")
    elif [ -n "$GP" ] && [ $((GP + GS)) -eq 0 ]; then
        REASONS+=("the guest's KTAP holds no test result")
    fi
    [ ${#REASONS[@]} -eq 0 ]
}

# Prints "# line" for each line of standard input.
as_diag() {
    sed 's/^/# /'
}

# The VMM's messages: all when short, else the first 5 and last 15.
vmm_lines() {
    local n
    n=$(wc -l < "$ERRLOG")
    if [ "$n" -le 20 ]; then
        cat "$ERRLOG"
    else
        head -n 5 "$ERRLOG"
        echo "[... $((n - 20)) lines ...]"
        tail -n 15 "$ERRLOG"
    fi
}

# The diagnostics after a failed run: reasons, panic dump, console tail,
# the VMM's own messages.
print_reasons() {
    local r
    for r in "${REASONS[@]}"; do echo "# $r"; done
    panic_lines | as_diag
    # the console's end explains a run that left no panic dump and no
    # failing result of its own
    if [ -z "$(panic_lines)" ] && { [ -z "${GF:-}" ] || [ "$GF" -eq 0 ]; }; then
        echo "# last lines of the console (${SERIAL#"$TOP"/}):"
        tail -n 15 "$SERIAL" | as_diag
    fi
    if [ -s "$ERRLOG" ]; then
        echo "# VMM messages (${ERRLOG#"$TOP"/}):"
        vmm_lines | as_diag
    fi
}

# --expect-panic: one leaf that passes only on a real panic report.
report_expect_panic() {
    local dump
    dump=$(panic_lines)
    echo "KTAP version 1"
    echo "1..1"
    if [ "$STATUS" -eq 37 ] && [ -n "$dump" ] && grep -qi 'rip' <<< "$dump"; then
        echo "ok 1 $NAME"
        as_diag <<< "$dump"
        return 0
    fi
    echo "not ok 1 $NAME"
    [ "$STATUS" -eq 37 ] || echo "# expected exit status 37 (panic), got $STATUS"
    [ -n "$dump" ] || echo "# expected a line starting with PANIC:"
    [ -z "$dump" ] || grep -qi 'rip' <<< "$dump" ||
        echo "# expected a register dump naming rip after PANIC:"
    REASONS=()
    [ "$STATUS" -ne 124 ] || REASONS+=("timed out after $TIMEOUT s")
    print_reasons
    return 1
}

# Normal run: the guest's KTAP as a subtest block, then the verdict.
report_run() {
    local start verdict=0
    start=$(ktap_start)
    count_guest "$start"
    judge_status "$start" || verdict=1
    echo "KTAP version 1"
    echo "1..1"
    [ -z "$start" ] || tail -n +"$start" "$SERIAL" | sed 's/^/    /'
    if [ "$verdict" -eq 0 ]; then
        echo "ok 1 $NAME"
        return 0
    fi
    echo "not ok 1 $NAME"
    print_reasons
    return 1
}

main() {
    local rom
    parse_args "$@"
    [ -r "$IMAGE" ] || fail_early "image $IMAGE not found"
    for rom in "${ROMS[@]}"; do
        [ -r "$rom" ] || fail_early "option ROM $rom not found"
    done
    mkdir -p "$BOOTDIR"
    SERIAL=$BOOTDIR/$NAME.serial
    ERRLOG=$BOOTDIR/$NAME.vmm.log
    case $MODE in kvm|hv) accel_check ;; esac
    [ "$MODE" != kvm ] || kvm_check
    build_command
    # the runner's suite line says where the KVM runs were
    [ -z "$ACCEL" ] || [ -z "${RUN_SUITES_WHERE:-}" ] || echo "$ACCEL" >> "$RUN_SUITES_WHERE"
    run_guest
    if [ "$QUIET" -eq 0 ]; then
        echo "--- $NAME: ${CMD[*]}" >&2
        cat "$SERIAL" >&2
        echo "--- $NAME: exit status $STATUS ---" >&2
    fi
    if [ "$EXPECT_PANIC" -eq 1 ]; then
        report_expect_panic
    else
        report_run
    fi
}

main "$@"
