#!/usr/bin/env bash
# virtio-qemu.sh: boots the kernel under QEMU with QEMU's own virtio
# console and balloon, plays the host's part (tests/boot/virtio-peer.py:
# console input, QMP `balloon`), and prints the run as KTAP.
#
#   tests/boot/virtio-qemu.sh [options] {tcg|kvm} IMAGE [CMDLINE...]
#
# Options:
#   --name NAME      test name (default virtio-MODE); names build/boot/NAME.*
#   --timeout S      seconds before QEMU is killed (default 120)
#   --memory MB      guest memory (default 64)
#   --console        virtio-serial-pci with a virtconsole on port 0
#   --balloon        virtio-balloon-pci, its target set over QMP
#   --modern-only    the devices with disable-legacy=on (default:
#                    transitional, as QEMU makes them)
#
# Output: "KTAP version 1", "1..2"; result 1 is the guest (its KTAP, taken
# from the UART and then the virtio port, indented), result 2 the host's
# checks: with --console, the three "virtio-console: line N of 3" lines
# the guest printed after the switch are in the port's chardev
# (build/boot/NAME.virtio) and not on the UART (build/boot/NAME.serial);
# with --balloon, QEMU took every QMP balloon command and saw the
# guest's balloon (query-balloon's actual) at the inflated size.  The
# figures (console bytes, balloon times) follow as "# " lines.
# kvm skips ("ok 1 NAME # SKIP reason") where nested/kvm-run --probe
# finds no /dev/kvm here.  Exit status: 0 passed or skipped, 1 failed,
# 2 bad usage.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
QEMU=${QEMU:-qemu-system-x86_64}
KTAP_COUNT=${KTAP_COUNT:-$TOP/build/tests/ktap-count}
BOOTDIR=$TOP/build/boot

NAME= TIMEOUT=120 MEMORY=64 CONSOLE=0 BALLOON=0 LEGACY=
MODE= IMAGE= CMDLINE=
REASONS=() HOST_FAIL=()

usage() {
    sed -n '6,15p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

die_usage() {
    echo "virtio-qemu.sh: $*" >&2
    exit 2
}

parse_args() {
    while [ $# -gt 0 ]; do
        case $1 in
        --name) NAME=${2:?}; shift 2 ;;
        --timeout) TIMEOUT=${2:?}; shift 2 ;;
        --memory) MEMORY=${2:?}; shift 2 ;;
        --console) CONSOLE=1; shift ;;
        --balloon) BALLOON=1; shift ;;
        --modern-only) LEGACY=,disable-legacy=on; shift ;;
        -h|--help) usage ;;
        -*) die_usage "unknown option $1" ;;
        *) break ;;
        esac
    done
    [ $# -ge 2 ] || usage
    MODE=$1 IMAGE=$2
    shift 2
    CMDLINE="$*"
    case $MODE in tcg|kvm) ;; *) die_usage "unknown mode $MODE (tcg or kvm)" ;; esac
    [ -n "$NAME" ] || NAME=virtio-$MODE
    [[ $NAME =~ ^[A-Za-z0-9._+-]+$ ]] || die_usage "bad name '$NAME'"
    [[ $TIMEOUT =~ ^[0-9]+$ ]] || die_usage "bad timeout '$TIMEOUT'"
    [[ $MEMORY =~ ^[0-9]+$ ]] || die_usage "bad memory size '$MEMORY'"
    [ $((CONSOLE + BALLOON)) -gt 0 ] || die_usage "give --console, --balloon or both"
}

verdict_only() {    # ok|not ok, then reason lines
    local v=$1
    shift
    echo "KTAP version 1"
    echo "1..1"
    echo "$v 1 $NAME$( [ "$v" = ok ] && [ $# -gt 0 ] && echo " # SKIP $1")"
    [ "$v" = ok ] || printf '# %s\n' "$@"
    [ "$v" = ok ]
    exit $?
}

# kvm: only where this machine has a KVM (QEMU in the nested VM would
# need the devices' sockets across the VM boundary).
kvm_check() {
    local probe
    probe=$("$TOP/nested/kvm-run" --probe 2>/dev/null) ||
        verdict_only ok "${probe#off: }"
    case $probe in
    kvm:*) ;;
    *) verdict_only ok "no /dev/kvm here (${probe#*: }); QEMU's virtio peers run under TCG" ;;
    esac
}

build_command() {
    CMD=("$QEMU" -display none -monitor none -nodefaults -vga none
         -serial "file:$SERIAL" -no-reboot -m "$MEMORY"
         -device isa-debug-exit,iobase=0xf4,iosize=0x04)
    case $MODE in
    tcg) CMD+=(-accel tcg) ;;
    kvm) CMD+=(-accel kvm -cpu host,-arch-capabilities) ;;
    esac
    CMD+=(-kernel "$IMAGE" -append "$CMDLINE")
    PEER=(--serial "$SERIAL" --timeout "$TIMEOUT" --memory "$MEMORY"
          --events "$EVENTS" --errlog "$ERRLOG")
    if [ "$CONSOLE" -eq 1 ]; then
        CMD+=(-chardev "socket,id=vcon,path=$CONSOCK,server=on,wait=on"
              -device "virtio-serial-pci$LEGACY"
              -device virtconsole,chardev=vcon,nr=0)
        PEER+=(--console-sock "$CONSOCK" --console-log "$VIRTIO")
    fi
    if [ "$BALLOON" -eq 1 ]; then
        CMD+=(-qmp "unix:$QMPSOCK,server=on,wait=off"
              -device "virtio-balloon-pci$LEGACY")
        PEER+=(--qmp-sock "$QMPSOCK")
    fi
}

# Without carriage returns and NUL bytes, ending in a newline.
clean() {
    [ -f "$1" ] || : > "$1"
    tr -d '\r\000' < "$1" | sed '$a\' > "$1.txt" && mv "$1.txt" "$1"
}

run_guest() {
    : > "$SERIAL"
    : > "$VIRTIO"
    python3 "$TOP/tests/boot/virtio-peer.py" "${PEER[@]}" -- "${CMD[@]}"
    STATUS=$?
    clean "$SERIAL"
    clean "$VIRTIO"
    # the console as the guest wrote it: the UART up to the switch, the
    # port, then the UART again (a panic or a failing port hand the
    # console back)
    local n
    n=$(grep -n -m 1 'the kernel console moves there' "$SERIAL" | cut -d: -f1)
    if [ -n "$n" ]; then
        { head -n "$n" "$SERIAL"; cat "$VIRTIO"; tail -n +$((n + 1)) "$SERIAL"; } > "$TRANSCRIPT"
    else
        cat "$SERIAL" "$VIRTIO" > "$TRANSCRIPT"
    fi
}

judge_guest() {
    local start line
    start=$(grep -n -m 1 '^[[:space:]]*KTAP version ' "$TRANSCRIPT" | cut -d: -f1)
    GUEST_KTAP=
    case $STATUS in
    33) ;;
    35) REASONS+=("exit status 35: the guest reported a failing test") ;;
    37) REASONS+=("exit status 37: the guest panicked") ;;
    124) REASONS+=("timed out after $TIMEOUT s") ;;
    125) REASONS+=("the host side failed: $(tail -n 1 "$EVENTS")") ;;
    *) REASONS+=("exit status $STATUS: QEMU failed or the guest left oddly") ;;
    esac
    if [ -z "$start" ]; then
        REASONS+=("the guest printed no KTAP")
        return
    fi
    GUEST_KTAP=$(tail -n +"$start" "$TRANSCRIPT")
    line=$("$KTAP_COUNT" <<< "$GUEST_KTAP" | head -n 1)
    read -r _ GP _ GF _ GS <<< "$line"
    [ "$STATUS" -ne 33 ] || [ "${GF:-0}" -eq 0 ] ||
        REASONS+=("exit 'all passed' but the KTAP shows $GF failures")
    [ "$STATUS" -ne 33 ] || [ $((${GP:-0} + ${GS:-0})) -gt 0 ] ||
        REASONS+=("the guest's KTAP holds no result")
}

check_console() {
    local i line bytes
    for i in 1 2 3; do
        line="virtio-console: line $i of 3 over port 0"
        grep -qF "$line" "$VIRTIO" ||
            HOST_FAIL+=("'$line' is not in the port's chardev (${VIRTIO#"$TOP"/})")
        ! grep -qF "$line" "$SERIAL" ||
            HOST_FAIL+=("'$line' went to the UART, not only to virtio")
    done
    grep -q "kernel console on port 0" "$VIRTIO" ||
        HOST_FAIL+=("the switch-over line is not in the port's chardev")
    bytes=$(wc -c < "$VIRTIO")
    FIGURES+=("console: $bytes bytes over virtio, $(wc -c < "$SERIAL") on the UART")
}

check_balloon() {
    local want=$(( (MEMORY - 16) * 1024 * 1024 )) n line
    n=$(grep -c '^balloon value=' "$EVENTS")
    [ "$n" -ge 2 ] || HOST_FAIL+=("QMP balloon sent $n times, expected 2 (inflate, deflate)")
    ! grep '^balloon value=' "$EVENTS" | grep -q '"error"' ||
        HOST_FAIL+=("QEMU refused a balloon command: $(grep -m1 '"error"' "$EVENTS")")
    # query-balloon before the deflate command: QEMU saw the guest's actual
    grep '^query-balloon' "$EVENTS" | sed -n 2p | grep -q "\"actual\": $want[,}]" ||
        HOST_FAIL+=("query-balloon did not show $want bytes (16 MiB inflated): $(grep '^query-balloon' "$EVENTS" | sed -n 2p)")
    while IFS= read -r line; do FIGURES+=("$line"); done < <(
        grep -h 'balloon: \(inflate\|deflate\) .* took' "$TRANSCRIPT" | sed 's/^[[:space:]]*# //')
}

report() {
    local v=0
    echo "KTAP version 1"
    echo "1..2"
    [ -z "$GUEST_KTAP" ] || sed 's/^/    /' <<< "$GUEST_KTAP"
    if [ ${#REASONS[@]} -eq 0 ]; then
        echo "ok 1 $NAME"
    else
        v=1
        echo "not ok 1 $NAME"
        printf '# %s\n' "${REASONS[@]}"
        grep -A 20 '^PANIC:' "$TRANSCRIPT" | sed 's/^/# /'
        echo "# last lines of the console:"
        tail -n 15 "$TRANSCRIPT" | sed 's/^/# /'
        [ ! -s "$ERRLOG" ] || { echo "# QEMU:"; tail -n 10 "$ERRLOG" | sed 's/^/# /'; }
    fi
    if [ ${#HOST_FAIL[@]} -eq 0 ]; then
        echo "ok 2 $NAME-host"
    else
        v=1
        echo "not ok 2 $NAME-host"
        printf '# %s\n' "${HOST_FAIL[@]}"
    fi
    [ ${#FIGURES[@]} -eq 0 ] || printf '# %s\n' "${FIGURES[@]}"
    return $v
}

main() {
    parse_args "$@"
    [ -r "$IMAGE" ] || verdict_only "not ok" "image $IMAGE not found"
    command -v python3 > /dev/null || verdict_only "not ok" "python3 not found (scripts/setup.sh installs it)"
    [ -x "$KTAP_COUNT" ] || make -C "$TOP" --no-print-directory "${KTAP_COUNT#"$TOP"/}" >&2
    mkdir -p "$BOOTDIR"
    SERIAL=$BOOTDIR/$NAME.serial VIRTIO=$BOOTDIR/$NAME.virtio
    EVENTS=$BOOTDIR/$NAME.events ERRLOG=$BOOTDIR/$NAME.vmm.log
    TRANSCRIPT=$BOOTDIR/$NAME.console
    # Unix socket paths are short (108 bytes): keep them out of the tree
    SOCKDIR=$(mktemp -d /tmp/virtio-qemu.XXXXXX)
    trap 'rm -rf "$SOCKDIR"' EXIT
    CONSOCK=$SOCKDIR/con QMPSOCK=$SOCKDIR/qmp
    FIGURES=()
    [ "$MODE" != kvm ] || kvm_check
    build_command
    run_guest
    echo "--- $NAME: ${CMD[*]}" >&2
    cat "$TRANSCRIPT" >&2
    echo "--- $NAME: exit status $STATUS; host side: $(tr '\n' ';' < "$EVENTS")" >&2
    judge_guest
    [ "$CONSOLE" -eq 0 ] || check_console
    [ "$BALLOON" -eq 0 ] || check_balloon
    report
}

main "$@"
