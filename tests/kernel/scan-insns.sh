#!/usr/bin/env bash
# scan-insns.sh: checks the disassembly of the paravirtualized kernel.
#
#   tests/kernel/scan-insns.sh [KERNEL.elf [OBJDIR [KERNEL.map]]]
#
# 1. No raw privileged or sensitive instruction outside the files that
#    own it: every one must go through a pvops site (the patch templates
#    live in native/templates.c as data, not code).  Port I/O (in, out,
#    ins, outs) is allowed only in the files that drive a device or one
#    of hv's ports explicitly.  Files are allowed by the address range of
#    their .text in the linker map, not by symbol name.
# 2. No SSE/MMX register use except the varargs prologues that spill
#    xmm argument registers (never taken: the kernel passes al = 0).  KVM
#    on these machines cannot emulate most SSE instructions.
# 3. The scan examined a plausible number of instruction lines (at least
#    one per 16 bytes of .text), so a pattern that stops matching fails.
# 4. The scanner finds violations planted into a copy of the real kernel
#    ELF (bytes of demo_run overwritten), so it can fail.
# Prints TAP.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
ELF=${1:-$TOP/build/kernel.elf}
OBJDIR=${2:-$TOP/build/obj/kernel}
MAP=${3:-${ELF%.elf}.map}

# Privileged instructions, and the sensitive ones a hypervisor cannot
# trap (they read state it virtualizes: VMI's "sensitive, unprivileged").
PRIV='^(cli|sti|pushf|pushfq|popf|popfq|hlt|cpuid|rdmsr|wrmsr|wbinvd|invd|invlpg|lgdt|lidt|lldt|ltr|clts|swapgs|lmsw|sgdt|sidt|sldt|str|smsw)$'
# An instruction line of `objdump -d`: kernel addresses have 16 digits
# and no leading spaces, low ones are padded.
INSN_RE='^ *[0-9a-f]+:\t'
PORTIO='^(in|inb|inw|inl|out|outb|outw|outl|ins|insb|insw|insl|insd|outs|outsb|outsw|outsl|outsd)$'

# Sources (paths from the top of the tree, as prefixes) that may hold
# each class.  The boot stub and syscall/trap entry need swapgs and
# friends before any C runs; the tests compare sgdt/sidt/str with what
# the ops loaded.
PRIV_OWNERS='native/ kernel/boot/ kernel/trap.S kernel/syscall.S kernel/tests/test_pvops.c kernel/tests/test_clobbers.c'
# Issue 14: the re-bind runs between two backends, with no op bound to
# either: it clears the hardware flag, toggles CR0.WP and stops PIT
# channel 0 itself (kernel/rebind.c).
PRIV_OWNERS="$PRIV_OWNERS kernel/rebind.c"
# The 8259s, PCI configuration space (kernel/pci.c), and the tests and benchmarks that read hv's statistics
# port or the VMware-like backdoor themselves.
PORTIO_OWNERS='native/ kernel/pic.c kernel/pci.c kernel/tests/test_xenlike.c kernel/tests/test_vmwarelike.c kernel/tests/test_virtio_balloon.c kernel/tests/test_virtio_blk.c kernel/bench/'
PORTIO_OWNERS="$PORTIO_OWNERS kernel/rebind.c"	# issue 14: PIT channel 0 stopped

# Prints "start end source" (16 hex digits, end exclusive) for every
# .text input section in the map, source relative to the top of the tree.
text_ranges() {
	local objrel
	objrel=$(realpath -m --relative-to="$TOP" "$OBJDIR")
	awk '
	function hex16(h) { h = substr(h, 3); while (length(h) < 16) h = "0" h; return h }
	/^ \.text/ && NF == 1 { pending = 1; next }
	(/^ \.text/ && NF == 4) || (pending && NF == 3) {
		pending = 0
		a = (NF == 4) ? $2 : $1; s = (NF == 4) ? $3 : $2; f = $NF
		print hex16(a), s, f
		next
	}
	{ pending = 0 }' "$MAP" | while read -r start size file; do
		[ "$size" = 0x0 ] && continue
		printf '%s %016x %s\n' "$start" $((0x$start + size)) "${file#"$objrel"/}"
	done | sed 's/\.o$//'
}

# Prints the ranges (from text_ranges on stdin) of sources under the
# prefixes in $1.
owned_ranges() {
	awk -v owners="$1" '
	BEGIN { n = split(owners, o, " ") }
	{ for (i = 1; i <= n; i++) if (index($3, o[i]) == 1) { print; break } }'
}

# Prints "address <function>: instruction" for each instruction of the
# disassembly on stdin whose mnemonic matches $2 (or, with $3 = cr, that
# moves to or from a control or debug register) at an address outside
# every range in file $1.  Objdump prints 16 address digits with no
# leading spaces for kernel addresses; addresses compare as strings.
found_outside() {
	awk -v rangefile="$1" -v pat="$2" -v cr="${3:-}" -v insn_re="$INSN_RE" '
	BEGIN { while ((getline l < rangefile) > 0) { split(l, r, " "); lo[++n] = r[1]; hi[n] = r[2] } }
	function allowed(a,   i) { for (i = 1; i <= n; i++) if (a >= lo[i] && a < hi[i]) return 1; return 0 }
	/^[0-9a-f]+ <.*>:$/ { fn = substr($2, 1, length($2) - 1); next }
	$0 ~ insn_re {
		split($0, f, "\t"); insn = f[2]; split(insn, w, " "); m = w[1]
		a = f[1]; sub(/^ */, "", a); sub(/:$/, "", a); while (length(a) < 16) a = "0" a
		hit = (m ~ pat) || (cr != "" && m == "mov" && insn ~ /%(cr|dr)[0-9]/)
		if (hit && !allowed(a))
			print a " " fn ": " insn
	}'
}

# Prints xmm/mm uses that are not a prologue spill of an argument register.
sse_outside_prologues() {
	awk '
	/^[0-9a-f]+ <.*>:$/ { fn = substr($2, 1, length($2) - 1); next }
	/%xmm|%mm[0-7]|%ymm/ {
		split($0, f, "\t"); insn = f[2]; a = f[1]; sub(/:$/, "", a)
		if (insn ~ /^movaps +%xmm[0-7],-?0x[0-9a-f]+\(%r(sp|bp)\)/) next
		print a " " fn ": " insn
	}'
}

# All findings of checks 1 and 2 for the ELF $1, one a line.
scan_all() {
	local dis
	dis=$(objdump -d -j .text --no-show-raw-insn "$1")
	{
		found_outside "$tmp.priv" "$PRIV" cr <<< "$dis"
		found_outside "$tmp.portio" "$PORTIO" <<< "$dis"
		sse_outside_prologues <<< "$dis"
	} | sort
}

# Reports "ok"/"not ok" N DESCRIPTION with the lines of $3 as diagnostics.
verdict() {
	if [ -z "$3" ]; then
		echo "ok $1 $2"
	else
		failed=1
		echo "not ok $1 $2"
		sed 's/^/# /' <<< "$3" | head -40
	fi
}

# Prints the address, file offset and size of .text in ELF $1 (hex).
text_header() {
	readelf -SW "$1" | awk '{ for (i = 1; i < NF; i++) if ($i == ".text") print $(i + 2), $(i + 3), $(i + 4) }'
}

# Copies the ELF to $2 with bytes $3 (hex, no spaces) written over the
# start of function $4 at its file offset; prints the function's address.
plant() {
	local elf=$1 out=$2 bytes=$3 fn=$4 addr vma off
	addr=$(nm "$elf" | awk -v f="$fn" '$3 == f { print $1 }')
	read -r vma off size < <(text_header "$elf")
	[ -n "$addr" ] && [ -n "$vma" ] || return 1
	cp "$elf" "$out"
	printf '%s' "$bytes" | xxd -r -p |
		dd of="$out" bs=1 seek=$((0x$off + 0x$addr - 0x$vma)) conv=notrunc status=none &&
		echo "$addr"
}

if [ ! -f "$ELF" ] || [ ! -f "$MAP" ] || [ ! -d "$OBJDIR/native" ]; then
	echo "1..1"
	echo "not ok 1 scan # $ELF, $MAP or $OBJDIR/native missing: build the kernel first"
	exit 1
fi
echo "1..4"
failed=0
tmp=$(mktemp)
trap 'rm -f "$tmp" "$tmp".*' EXIT
text_ranges > "$tmp.ranges"
owned_ranges "$PRIV_OWNERS" < "$tmp.ranges" > "$tmp.priv"
owned_ranges "$PORTIO_OWNERS" < "$tmp.ranges" > "$tmp.portio"
dis=$(objdump -d -j .text --no-show-raw-insn "$ELF")

verdict 1 "no raw privileged, sensitive or port-I/O instruction outside the files that own them" \
	"$( { found_outside "$tmp.priv" "$PRIV" cr <<< "$dis"; found_outside "$tmp.portio" "$PORTIO" <<< "$dis"; } | sort)"
verdict 2 "no SSE/MMX instruction outside varargs prologues" "$(sse_outside_prologues <<< "$dis")"

# Check 3: a pattern that matches nothing would pass checks 1 and 2.
lines=$(awk -v insn_re="$INSN_RE" '$0 ~ insn_re { n++ } END { print n + 0 }' <<< "$dis")
read -r _ _ size < <(text_header "$ELF")
echo "# examined $lines instruction lines in $((0x$size)) bytes of .text, $(wc -l < "$tmp.ranges") object ranges"
low=""
[ "$lines" -ge $((0x$size / 16)) ] || low="only $lines lines for $((0x$size)) bytes of .text"
verdict 3 "the scan examined at least one instruction line per 16 bytes of .text" "$low"

# Check 4: cli; out %al,(%dx); in (%dx),%al; sgdt (%rax); mov %rax,%cr3;
# movaps %xmm1,%xmm0 over the start of demo_run (kernel/demo.c) in a copy
# of the ELF: exactly these, at the planted addresses, must be reported.
bytes=faeeec0f01000f22d80f28c1
want='cli out in sgdt mov movaps'
if at=$(plant "$ELF" "$tmp.elf" "$bytes" demo_run); then
	got=$(scan_all "$tmp.elf" | awk -v lo="$at" -v hi="$(printf %016x $((0x$at + ${#bytes} / 2)))" \
		'$1 >= lo && $1 < hi { print $3 }' | tr '\n' ' ')
	miss=$([ "${got% }" = "$want" ] || echo "found '${got% }' at demo_run, want '$want'")
else
	miss="cannot plant into a copy of $ELF (no demo_run or .text)"
fi
verdict 4 "the scan reports a cli, out, in, sgdt, mov-to-cr3 and movaps planted into demo_run" "$miss"
exit $failed
