#!/usr/bin/env bash
# rom-fallback.sh: a backend's ROM under a host that is not its own must
# fail its init cleanly, the kernel must stay native and say why.
#
#   tests/boot/rom-fallback.sh [--reason LINE] NAME BOOT-QEMU-ARGUMENTS...
#
# LINE is an extended regular expression for the reason line (default:
# the failed init's); write a space as "." (a suite line has no quoting).
# Runs tests/boot/boot-qemu.sh --name NAME with the arguments (the guest's
# self-tests, expect=native), then looks in its serial log for the
# binding's reason line.  Prints KTAP: the boot as test 1, the reason as
# test 2.  Exit status 0 when both passed or were skipped.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 2
REASON="vmi: ROM init failed: host side absent"
if [ "${1:-}" = --reason ] && [ $# -ge 2 ]; then
	REASON=$2
	shift 2
fi
[ $# -ge 2 ] || { echo "usage: $0 [--reason LINE] NAME BOOT-QEMU-ARGUMENTS..." >&2; exit 2; }
NAME=$1
shift

out=$(tests/boot/boot-qemu.sh --name "$NAME" "$@")
st=$?
# The boot's KTAP with the plan widened to two tests.
sed '2s/^1\.\.1$/1..2/' <<< "$out"
if grep -q "^ok 1 $NAME # SKIP" <<< "$out"; then
	echo "ok 2 $NAME-says-why # SKIP the boot was skipped"
elif grep -aqE "$REASON" "build/boot/$NAME.serial" 2>/dev/null; then
	echo "ok 2 $NAME-says-why"
else
	echo "not ok 2 $NAME-says-why"
	echo "# no \"$REASON\" line in build/boot/$NAME.serial"
	st=1
fi
exit $st
