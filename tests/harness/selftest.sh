#!/usr/bin/env bash
# selftest.sh: checks tests/run-suites.sh itself on canned suite lists
# (passing, failing, skipped, silent, crashing, timed-out suites) and
# prints TAP.  The runner must be able to fail, so this makes it fail on
# purpose and checks that it says so with the right totals.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
RUNNER=$TOP/tests/run-suites.sh
WORK=$(mktemp -d "${TMPDIR:-/tmp}/selftest.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
N=0

# check NAME CONDITION-COMMAND...: prints "ok N NAME" or "not ok N NAME".
check() {
    local name=$1
    shift
    N=$((N + 1))
    if "$@"; then
        echo "ok $N - $name"
    else
        echo "not ok $N - $name"
        echo "# failed: $*"
    fi
}

# Runs the runner on list file $1 (extra args follow); sets OUT and RC.
run_list() {
    OUT=$(RUN_SUITES_LOGDIR=$WORK/logs RUN_SUITES_TAIL=3 RUN_SUITES_NESTED=0 \
          "$RUNNER" "$@" 2>&1)
    RC=$?
}

has_line() {
    grep -qxF -- "$1" <<< "$OUT"
}

# The line whole, but for the seconds the suite took ("(N s"): a loaded
# machine may take a second over a canned suite.
has_line_any_time() {
    local want
    want=$(sed -E 's/\([0-9]+ s/(@@ s/' <<< "$1")
    sed -E 's/\([0-9]+ s/(@@ s/' <<< "$OUT" | grep -qxF -- "$want"
}

has_prefix() {
    grep -q "^$1" <<< "$OUT"
}

lacks_prefix() {
    ! has_prefix "$1"
}

last_line_is() {
    [ "$(tail -n 1 <<< "$OUT")" = "$1" ]
}

mixed_list() {
    cat > "$WORK/mixed.list" <<'EOF'
# a comment, then a blank line

pass|printf '1..2\nok 1 a\nok 2 b\n'
fail|printf 'KTAP version 1\n1..2\nok 1 a\nnot ok 2 broken\n# why: 1 != 2\n'; exit 1
skip|printf '1..2\nok 1 a # SKIP no kvm\nnot ok 2 b # skip no kvm\n'
skip2|printf '1..3\nok 1 a # SKIP why one\nok 2 b\nok 3 c # SKIP\n'
where|echo nested >> "$RUN_SUITES_WHERE"; echo kvm >> "$RUN_SUITES_WHERE"; printf '1..1\nok 1 a\n'
silent|echo just a boot log
status|printf '1..1\nok 1 a\n'; exit 3
short|printf '1..3\nok 1 a\n'
slow|@timeout=1 printf '1..1\n'; sleep 20; echo 'ok 1 late'
EOF
}

test_mixed() {
    mixed_list
    run_list "$WORK/mixed.list"
    check "mixed list exits non-zero" [ "$RC" -ne 0 ]
    check "passing suite passes" has_prefix "PASS pass: 2 passed, 0 failed, 0 skipped"
    check "failing suite fails" has_prefix "FAIL fail: 1 passed, 1 failed, 0 skipped"
    check "failing test named" has_line "    not ok broken"
    check "failing test's diagnostic shown" has_line "        # why: 1 != 2"
    check "skipped suite passes" has_prefix "PASS skip: 0 passed, 0 failed, 2 skipped"
    check "skip reasons on the suite's line, counted" \
        has_line_any_time "PASS skip: 0 passed, 0 failed, 2 skipped (0 s; skipped: 2 x no kvm)"
    check "each distinct skip reason on the line" \
        has_line_any_time "PASS skip2: 1 passed, 0 failed, 2 skipped (0 s; skipped: why one; (no reason given))"
    check "where the KVM runs were, on the line" \
        has_line_any_time "PASS where: 1 passed, 0 failed, 0 skipped (0 s, kvm/nested)"
    check "silent suite fails" has_prefix "FAIL silent: 0 passed, 1 failed, 0 skipped"
    check "silent suite's reason" has_line "    suite reported no test (exit status 0)"
    check "non-zero exit counts" has_prefix "FAIL status: 1 passed, 1 failed, 0 skipped"
    check "short plan counts" has_line "    not ok (top level): plan says 3, saw 1"
    check "timeout counts" has_line "    suite timed out after 1 s"
    check "totals line last" last_line_is "7 passed, 6 failed, 4 skipped"
    check "one totals line" [ "$(grep -c ' passed, .* failed, .* skipped$' \
        <<< "$OUT")" -eq 1 ]
    check "log written" grep -q "just a boot log" "$WORK/logs/silent.log"
}

test_filter_and_pass() {
    run_list "$WORK/mixed.list" 'pass' 'ski?'
    check "filtered run passes" [ "$RC" -eq 0 ]
    check "filtered totals" last_line_is "2 passed, 0 failed, 2 skipped"
    check "filter leaves others out" lacks_prefix "FAIL"
}

test_bad_input() {
    printf '# nothing\n' > "$WORK/empty.list"
    run_list "$WORK/empty.list"
    check "empty list fails" [ "$RC" -ne 0 ]
    check "empty list totals" last_line_is "0 passed, 1 failed, 0 skipped"
    printf 'no separator here\nok|printf "1..1\\nok 1 a\\n"\n' \
        > "$WORK/bad.list"
    run_list "$WORK/bad.list"
    check "bad line fails the run" [ "$RC" -ne 0 ]
    check "bad line reported" has_prefix "run-suites: bad line"
    run_list "$WORK/missing.list"
    check "missing list is a usage error" [ "$RC" -eq 2 ]
}

echo "TAP version 13"
echo "1..25"
test_mixed
test_filter_and_pass
test_bad_input
