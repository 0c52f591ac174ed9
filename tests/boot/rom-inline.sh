#!/bin/bash
# tests/boot/rom-inline.sh: ROM ABI 1.2 inline answers at boot.
#
#   rom-inline.sh NAME [boot-qemu.sh options...] MODE IMAGE [CMDLINE...]
#                 --expect OP=KIND ... (before NAME)
#
# KIND: rom (every site of OP took the bytes), rom+N (all but N took
# them and those N got the CALL: sites too short, such as the 6-byte
# fixtures of kernel/tests/clobber_sites.S), call (every site the CALL),
# rom+N+opreg:R (as rom+N, and also every register-chosen site whose
# first operand the compiler put in register R, counted from
# build/kernel.elf's records: the answer uses R itself, so renaming its
# operand there would collide, and those sites get the CALL).
#
# Boots twice with pvops=verbose through tests/boot/boot-qemu.sh: as
# given, then with rominline=off.  TAP: each boot passes its self-tests;
# the first names the inline answers it bound and, for each --expect
# OP=rom, shows every site of OP as "rom" (took the bytes) -- OP=call:
# every site took the CALL (the bytes did not fit); the second shows no
# ROM-inline site at all and those ops as calls.
set -u
expects=()
while [ "${1:-}" = --expect ]; do expects+=("$2"); shift 2; done
name=$1; shift
boot=("$@")
logdir=build/boot
n=0; fail=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }
# The per-op row of the verbose table: "sites inline call jump nop indir rom".
row() { awk -v op="$1" '$1 == op && $2 ~ /^[a-z]+$/ && NF >= 9 { print $3, $5, $6, $7, $8, $9, (NF >= 10 ? $10 : 0); exit }' "$2"; }

# Register-chosen (flags bit 0) sites of OP whose operand 0 is hardware
# register REG, from the kernel's .pv_sites records (pvops/include/pvops/site.h).
opreg_sites() {
	python3 - "$1" "$2" build/kernel.elf <<'PY'
import struct, subprocess, sys, tempfile
op_name, reg, elf = sys.argv[1], int(sys.argv[2]), sys.argv[3]
ops = {"irq_disable": 0, "irq_enable": 1, "save_fl": 2, "restore_fl": 3}
with tempfile.NamedTemporaryFile() as t:
    subprocess.check_call(["objcopy", "-O", "binary", "--only-section=.pv_sites", elf, t.name])
    b = open(t.name, "rb").read()
n = 0
for i in range(0, len(b), 16):
    _, op, _, ln, fl, regs = struct.unpack("<QHHBBH", b[i:i + 16])
    n += op == ops[op_name] and fl & 1 and (regs & 15) == reg and ln > 6
print(n)
PY
}

echo "TAP version 13"
echo "1..$((4 + ${#expects[@]}))"
tests/boot/boot-qemu.sh --name "$name" "${boot[@]}" pvops=verbose > "$logdir/$name.tap" 2>&1
ok $? "boot with inline answers passes its self-tests"
log=$logdir/$name.serial
grep -q 'vmi: [1-9][0-9]* inline answers (ABI 1.2)' "$log"
ok $? "the ROM's inline answers are bound ($(grep -o 'vmi: [0-9]* inline answers.*' "$log" | head -1))"
for e in "${expects[@]}"; do
	op=${e%%=*}; kind=${e#*=}
	read -r sites _ call _ _ _ rom <<< "$(row "$op" "$log")"
	sites=${sites:-0}; call=${call:-0}; rom=${rom:-0}
	short=0
	case $kind in
	rom+*+opreg:*)
		reg=${kind##*opreg:}; short=${kind#rom+}; short=${short%%+*}
		short=$((short + $(opreg_sites "$op" "$reg"))); kind=rom ;;
	rom+*) short=${kind#rom+}; kind=rom ;;
	esac
	if [ "$kind" = rom ]; then
		[ "$sites" -gt 0 ] && [ "$rom" -eq $((sites - short)) ] && [ "$call" -eq "$short" ]
	else
		[ "$sites" -gt 0 ] && [ "$call" -eq "$sites" ] && [ "$rom" -eq 0 ]
	fi
	ok $? "$op: $e ($sites sites: $call call, $rom rom)"
done
tests/boot/boot-qemu.sh --name "$name-off" "${boot[@]}" pvops=verbose rominline=off > "$logdir/$name-off.tap" 2>&1
ok $? "boot with rominline=off passes its self-tests"
off=$logdir/$name-off.serial
grep -q 'rominline=off' "$off" && ! grep -q 'ROM inline' "$off"
ok $? "rominline=off: no site takes the bytes ($(grep -o 'pvops: [0-9]* sites.*' "$off" | head -1))"
exit $fail
