#!/usr/bin/env bash
# run-suites.sh: runs every test suite of a list and sums their results.
#
#   tests/run-suites.sh LIST [PATTERN...]
#
# LIST has one suite a line, "name|command" (blank and '#' lines are
# skipped); `make` writes build/suites.list.  With PATTERNs (shell globs),
# only the suites whose name matches one run.  Each command runs from the
# top of the tree under bash, with CMOCKA_MESSAGE_OUTPUT=TAP, no standard
# input, RUN_SUITES_TABLE naming a file where it may leave a table that
# is printed under its verdict line, and a timeout: RUN_SUITES_TIMEOUT seconds (default 300), or N
# when the command starts with the word "@timeout=N".  Its standard
# output and error go to build/test-logs/NAME.log (RUN_SUITES_LOGDIR
# overrides the folder); only standard output is parsed, by
# build/tests/ktap-count, as TAP or KTAP.
#
# Prints one line per suite, "PASS name: 12 passed, 0 failed, 1 skipped
# (3 s, nested; skipped: reason)" or "FAIL ..." followed by the failing
# tests, their diagnostics and the log's last lines; then exactly one
# line "N passed, N failed, N skipped" over all suites.  Exits 1 when
# anything failed, 2 on bad usage.  The line says where a suite that
# needed a KVM ran (kvm or nested: the KVM probe, nested/kvm-run
# --probe, records it in the file RUN_SUITES_WHERE names) and the
# reason of every skip, with a count when several share one.
#
# Without a usable /dev/kvm (and unless HV_ACCEL=kvm opts out), one
# nested-KVM VM is booted at the start, in the background, and every
# suite's KVM runs go to it (KVM_RUN_VM); it is stopped at the end.
# RUN_SUITES_NESTED=0 leaves it out (each KVM run then boots its own).
#
# A suite also counts one failure when it exits non-zero without a
# failing result, when it times out, or when it reports no test at all.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
KTAP_COUNT=${KTAP_COUNT:-$TOP/build/tests/ktap-count}
LOGDIR=${RUN_SUITES_LOGDIR:-$TOP/build/test-logs}
DEFAULT_TIMEOUT=${RUN_SUITES_TIMEOUT:-300}
TAIL_LINES=${RUN_SUITES_TAIL:-20}

. "$TOP/nested/shared-vm.sh"

TOTAL_PASSED=0
TOTAL_FAILED=0
TOTAL_SKIPPED=0

usage() {
    echo "usage: tests/run-suites.sh LIST [PATTERN...]" >&2
    exit 2
}

# True when name matches one of the patterns (or none were given).
selected() {
    local name=$1 pat
    shift
    [ $# -eq 0 ] && return 0
    for pat in "$@"; do
        # shellcheck disable=SC2053
        [[ $name == $pat ]] && return 0
    done
    return 1
}

# Builds the counter when it is missing (a run outside `make test`).
ensure_counter() {
    [ -x "$KTAP_COUNT" ] && return 0
    make -C "$TOP" --no-print-directory "${KTAP_COUNT#"$TOP"/}" >&2 ||
        { echo "run-suites: cannot build $KTAP_COUNT" >&2; exit 2; }
}

# Runs one command with its stdout in $out and stdout+stderr in $log;
# sets STATUS (124 on timeout).
run_command() {
    local cmd=$1 limit=$2 log=$3 out=$4
    : > "$log"
    rm -f "${log%.log}.table"
    # The outer subshell keeps bash's own "Segmentation fault" notices
    # out of our output; the suite's stderr is in the log already.
    STATUS=$( (
        ( cd "$TOP" && CMOCKA_MESSAGE_OUTPUT=TAP RUN_SUITES_TABLE=${log%.log}.table \
            RUN_SUITES_WHERE=${log%.log}.where \
            exec timeout -k 10 "$limit" \
            bash -c "$cmd" < /dev/null 2>> "$log" ) | tee -a "$log" > "$out"
        echo "${PIPESTATUS[0]}" ) 2> /dev/null )
}

# Prints lines of text indented under a suite's line.
indent() {
    sed 's/^/    /'
}

# Runs one suite, prints its line(s), adds to the totals.
run_suite() {
    local name=$1 cmd=$2 limit=$DEFAULT_TIMEOUT
    local log=$LOGDIR/$name.log out=$LOGDIR/$name.stdout
    local counts passed failed skipped reasons=() start=$SECONDS
    if [[ $cmd =~ ^@timeout=([0-9]+)[[:space:]]+(.*)$ ]]; then
        limit=${BASH_REMATCH[1]}
        cmd=${BASH_REMATCH[2]}
    fi
    rm -f "${log%.log}.where"
    run_command "$cmd" "$limit" "$log" "$out"
    counts=$("$KTAP_COUNT" -v < "$out")
    read -r _ passed _ failed _ skipped <<< "$(head -n 1 <<< "$counts")"
    if ! [[ $passed =~ ^[0-9]+$ && $failed =~ ^[0-9]+$ &&
            $skipped =~ ^[0-9]+$ ]]; then
        reasons+=("could not be counted: ktap-count failed")
        passed=0 failed=1 skipped=0 counts=
    fi
    if [ "$STATUS" -eq 124 ] || [ "$STATUS" -eq 137 ]; then
        reasons+=("timed out after $limit s")
        failed=$((failed + 1))
    elif [ "$STATUS" -gt 128 ]; then
        reasons+=("killed by signal $((STATUS - 128))")
        [ "$failed" -eq 0 ] && failed=1
    elif [ "$STATUS" -ne 0 ] && [ "$failed" -eq 0 ]; then
        reasons+=("exited with status $STATUS but reported no failure")
        failed=1
    fi
    if [ $((passed + failed + skipped)) -eq 0 ]; then
        reasons+=("reported no test (exit status $STATUS)")
        failed=1
    fi
    report_suite "$name" "$passed" "$failed" "$skipped" \
        $((SECONDS - start)) "$counts" "$log" "${reasons[@]}"
}

# Where the suite's KVM runs happened ("kvm", "nested", both), if any.
suite_where() {
    [ -s "$1" ] || return 0
    grep -E '^(kvm|nested)$' "$1" | sort -u | paste -sd/ -
}

# The reasons of the suite's skipped results, "2 x why; other why".
skip_reasons() {
    grep -aE '^[[:space:]]*(not )?ok [0-9]+.*# *[Ss][Kk][Ii][Pp]' "$1" |
        sed -E 's/.*# *[Ss][Kk][Ii][Pp] *//' | sed 's/^$/(no reason given)/' |
        sort | uniq -c | sort -rn |
        awk '{ n = $1; $1 = ""; sub(/^ /, ""); printf "%s%s%s", sep, (n > 1 ? n " x " : ""), $0; sep = "; " }'
}

# Prints a suite's PASS/FAIL line and, when it failed, the details.
report_suite() {
    local name=$1 passed=$2 failed=$3 skipped=$4 secs=$5 counts=$6 log=$7
    shift 7
    local verdict=PASS reason where extra=
    [ "$failed" -gt 0 ] && verdict=FAIL
    where=$(suite_where "${log%.log}.where")
    [ -z "$where" ] || extra=", $where"
    [ "$skipped" -eq 0 ] || extra="$extra; skipped: $(skip_reasons "${log%.log}.stdout")"
    echo "$verdict $name: $passed passed, $failed failed, $skipped skipped" \
         "(${secs} s$extra)"
    # A suite may leave a table for people (the environment matrix).
    [ -s "${log%.log}.table" ] && indent < "${log%.log}.table"
    TOTAL_PASSED=$((TOTAL_PASSED + passed))
    TOTAL_FAILED=$((TOTAL_FAILED + failed))
    TOTAL_SKIPPED=$((TOTAL_SKIPPED + skipped))
    [ "$verdict" = PASS ] && return 0
    for reason in "$@"; do
        echo "    suite $reason"
    done
    tail -n +2 <<< "$counts" | indent
    echo "    --- last $TAIL_LINES lines of ${log#"$TOP"/}:"
    tail -n "$TAIL_LINES" "$log" | indent | indent
}

main() {
    [ $# -ge 1 ] || usage
    local list=$1 line name cmd ran=0
    shift
    [ -r "$list" ] || { echo "run-suites: cannot read $list" >&2; exit 2; }
    ensure_counter
    mkdir -p "$LOGDIR"
    # without /dev/kvm, one nested VM for every suite's KVM runs
    [ "${RUN_SUITES_NESTED:-1}" = 0 ] || nested_vm_start vm "$LOGDIR/nested-vm.log"
    while IFS= read -r line || [ -n "$line" ]; do
        [[ -z ${line//[[:space:]]/} || $line == \#* ]] && continue
        name=${line%%|*}
        cmd=${line#*|}
        if [ "$name" = "$line" ] || [ -z "$cmd" ] ||
           [[ ! $name =~ ^[A-Za-z0-9._+-]+$ ]]; then
            echo "run-suites: bad line in $list: $line" >&2
            TOTAL_FAILED=$((TOTAL_FAILED + 1))
            continue
        fi
        selected "$name" "$@" || continue
        run_suite "$name" "$cmd" < /dev/null
        ran=$((ran + 1))
    done < "$list"
    if [ "$ran" -eq 0 ]; then
        echo "run-suites: no suite to run" >&2
        TOTAL_FAILED=$((TOTAL_FAILED + 1))
    fi
    echo "$TOTAL_PASSED passed, $TOTAL_FAILED failed, $TOTAL_SKIPPED skipped"
    [ "$TOTAL_FAILED" -eq 0 ]
}

main "$@"
