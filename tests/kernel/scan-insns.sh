#!/usr/bin/env bash
# scan-insns.sh: checks the disassembly of the paravirtualized kernel.
#
#   tests/kernel/scan-insns.sh [KERNEL.elf [OBJDIR]]
#
# 1. No raw privileged instruction outside native/ and the boot stub:
#    every one must go through a pvops site (the patch templates live in
#    native/templates.c as data, not code).
# 2. No SSE/MMX register use except the varargs prologues that spill
#    xmm argument registers (never taken: the kernel passes al = 0).  KVM
#    on these machines cannot emulate most SSE instructions.
# 3. The scanner itself finds a planted violation (it can fail).
# Prints TAP.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
ELF=${1:-$TOP/build/kernel.elf}
OBJDIR=${2:-$TOP/build/obj/kernel}
PRIV='^(cli|sti|pushf|pushfq|popf|popfq|hlt|cpuid|rdmsr|wrmsr|wbinvd|invd|invlpg|lgdt|lidt|lldt|ltr|clts|swapgs|lmsw)$'

# Functions allowed raw instructions: those defined in native/ and boot/.
allowed_functions() {
	nm --defined-only "$OBJDIR"/native/*.o "$OBJDIR"/kernel/boot/*.o 2>/dev/null |
		awk '$2 ~ /^[tTW]$/ { print $3 }' | sort -u
}

# Prints "function: instruction" for each privileged instruction found in
# the disassembly on stdin outside the functions listed in file $1.
privileged_outside() {
	awk -v allowfile="$1" -v priv="$PRIV" '
	BEGIN { while ((getline l < allowfile) > 0) ok[l] = 1 }
	/^[0-9a-f]+ <.*>:$/ { fn = substr($2, 2, length($2) - 3); next }
	/^ +[0-9a-f]+:\t/ {
		split($0, f, "\t"); insn = f[2]; split(insn, w, " "); m = w[1]
		iscr = (m == "mov" && insn ~ /%(cr|dr)[0-9]/)
		if ((m ~ priv || iscr) && !(fn in ok))
			print fn ": " insn
	}'
}

# Prints xmm/mm uses that are not a prologue spill of an argument register.
sse_outside_prologues() {
	awk '
	/^[0-9a-f]+ <.*>:$/ { fn = substr($2, 2, length($2) - 3); next }
	/%xmm|%mm[0-7]|%ymm/ {
		split($0, f, "\t"); insn = f[2]
		if (insn ~ /^movaps +%xmm[0-7],-?0x[0-9a-f]+\(%r(sp|bp)\)/) next
		print fn ": " insn
	}'
}

if [ ! -f "$ELF" ] || [ ! -d "$OBJDIR/native" ]; then
	echo "1..1"
	echo "not ok 1 scan # $ELF or $OBJDIR/native missing: build the kernel first"
	exit 1
fi
echo "1..3"
allow=$(mktemp)
trap 'rm -f "$allow" "$allow".*' EXIT
allowed_functions > "$allow"
# .boot holds the Multiboot header and the 32-bit stub: the boot stub.
dis=$(objdump -d -j .text --no-show-raw-insn "$ELF")

bad=$(privileged_outside "$allow" <<< "$dis")
if [ -z "$bad" ]; then
	echo "ok 1 no raw privileged instruction outside native/ and the boot stub"
else
	echo "not ok 1 no raw privileged instruction outside native/ and the boot stub"
	sed 's/^/# /' <<< "$bad" | head -40
fi

bad=$(sse_outside_prologues <<< "$dis")
if [ -z "$bad" ]; then
	echo "ok 2 no SSE/MMX instruction outside varargs prologues"
else
	echo "not ok 2 no SSE/MMX instruction outside varargs prologues"
	sed 's/^/# /' <<< "$bad" | head -40
fi

# A planted cli in a function not in the allow list must be reported.
printf '\t.text\n\t.globl planted\nplanted:\n\tnop\n\tcli\n\tmovq %%cr3, %%rax\n\tret\n' |
	as --64 -o "$allow.o" - && : > "$allow.empty"
found=$(objdump -d --no-show-raw-insn "$allow.o" | privileged_outside "$allow.empty" | wc -l)
if [ "$found" -eq 2 ]; then
	echo "ok 3 the scan reports a planted cli and mov-to-cr3"
else
	echo "not ok 3 the scan reports a planted cli and mov-to-cr3"
	echo "# found $found of 2"
fi
