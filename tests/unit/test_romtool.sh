#!/bin/sh
# test_romtool.sh: the romtool suite (TAP).  "romtool check" must pass every
# ROM we build and fail each crafted bad image with its message; "romtool
# build" must refuse bad objects with theirs and accept a minimal ROM
# written in assembly.
#
#   tests/unit/test_romtool.sh ROMTOOL ROMTOOL_CRAFT ROM...
set -u
romtool=$1 craft=$2
shift 2
work=build/tests/romtool-work
rm -rf "$work" && mkdir -p "$work/bad" || exit 1
n=0 failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; sed 's/^/# /' "$work/out"; }

# expect_fail NAME TEXT CMD...: CMD must exit non-zero and print TEXT.
expect_fail() {
	name=$1 text=$2
	shift 2
	if "$@" >"$work/out" 2>&1; then
		not_ok "$name: accepted, expected \"$text\""
	elif grep -qF -- "$text" "$work/out"; then
		ok "$name: refused with \"$text\""
	else
		not_ok "$name: refused without \"$text\""
	fi
}

[ $# -gt 0 ] || { echo "1..1"; echo "not ok 1 - no ROMs given"; exit 1; }

for rom in "$@"; do
	if "$romtool" check "$rom" >"$work/out" 2>&1; then
		ok "check $rom"
	else
		not_ok "check $rom"
	fi
	"$romtool" dump "$rom" >"$work/out" 2>&1 && grep -q '^license ' "$work/out" \
		&& ok "dump $rom" || not_ok "dump $rom"
done

# Crafted bad images, from the first ROM.
"$craft" "$1" "$work/bad" >"$work/cases" || { echo "not ok - romtool_craft failed"; exit 1; }
while IFS='|' read -r name text; do
	expect_fail "check $name" "$text" "$romtool" check "$work/bad/$name.rom"
done <"$work/cases"

# Objects for "romtool build": assembled here from small sources.
asm() {   # asm NAME: assemble $work/NAME.S (from stdin) to $work/NAME.o
	cat >"$work/$1.S" && gcc -c -o "$work/$1.o" "$work/$1.S"
}
entries='.text
.globl vmi_rom_init, vmi_rom_query
vmi_rom_init: endbr64; xor %eax,%eax; ret
vmi_rom_query: endbr64; mov $-7,%rax; ret'
license='.section .vmi.license,"",@progbits
.ascii "MIT"'

printf '%s\n%s\n.section .vmi.name,"",@progbits\n.ascii "asm rom"\n' "$entries" "$license" | asm good
if "$romtool" build -o "$work/good.rom" "$work/good.o" >"$work/out" 2>&1 &&
   "$romtool" check "$work/good.rom" >"$work/out" 2>&1; then
	ok "build a minimal assembly ROM"
else
	not_ok "build a minimal assembly ROM"
fi

printf '%s\n%s\n.text\nmovabs $vmi_rom_init, %%rax\n' "$entries" "$license" | asm absreloc
expect_fail "build absolute relocation" "cannot be resolved PC-relatively" \
	"$romtool" build -o "$work/x.rom" "$work/absreloc.o"
printf '%s\n' "$entries" | asm nolicense
expect_fail "build missing license" "no license" \
	"$romtool" build -o "$work/x.rom" "$work/nolicense.o"
printf '%s\n%s\n.text\n.globl vmi_rom_call_cpuidd\nvmi_rom_call_cpuidd: endbr64; ret\n' \
	"$entries" "$license" | asm typo
expect_fail "build misspelt call entry" "vmi_rom_call_cpuidd names no call" \
	"$romtool" build -o "$work/x.rom" "$work/typo.o"
printf '%s\n%s\n.text\ncall memcpy\n' "$entries" "$license" | asm undef
expect_fail "build undefined symbol" "undefined symbol memcpy" \
	"$romtool" build -o "$work/x.rom" "$work/undef.o"
printf '%s\n%s\n.data\n.quad 1\n' "$entries" "$license" | asm data
expect_fail "build initialised data" "initialised writable data" \
	"$romtool" build -o "$work/x.rom" "$work/data.o"
printf '%s\n%s\n.text\n.globl vmi_rom_call_save_fl\nvmi_rom_call_save_fl: endbr64; ret\n.globl vmi_rom_clobbers_save_fl\n.set vmi_rom_clobbers_save_fl, 0x80\n' \
	"$entries" "$license" | asm clob
expect_fail "build clobbers beyond the allowed set" "exceed the allowed" \
	"$romtool" build -o "$work/x.rom" "$work/clob.o"
printf '%s\n%s\n.text\n.globl vmi_rom_call_halt\nvmi_rom_call_halt: ret\n' \
	"$entries" "$license" | asm noendbr
expect_fail "build entry without ENDBR64" "does not start with ENDBR64" \
	"$romtool" build -o "$work/x.rom" "$work/noendbr.o"
# ABI 1.2 inline answers (SPEC.md 9.1, 14): a good one builds and checks;
# the bytes may not call out, need their CALL entry and a 1.2 image.
inl_entry='.text
.globl vmi_rom_call_irq_disable
vmi_rom_call_irq_disable: endbr64; cli; ret
.bss
state: .byte 0'
inl() {   # inl FLAGS BODY: an inline answer for irq_disable
	printf '.globl vmi_rom_inline_flags_irq_disable\n.set vmi_rom_inline_flags_irq_disable, %s\n' "$1"
	printf '.section .vmi.inline.irq_disable,"a",@progbits\n%s\n' "$2"
}
{ printf '%s\n%s\n%s\n' "$entries" "$license" "$inl_entry"; inl 1 'cli; movb $1, state(%rip)'; } | asm inline_good
if "$romtool" build -o "$work/inline_good.rom" "$work/inline_good.o" >"$work/out" 2>&1 &&
   "$romtool" check "$work/inline_good.rom" >"$work/out" 2>&1 &&
   "$romtool" dump "$work/inline_good.rom" | grep -q 'inline     irq_disable      8 bytes.*1 fixups, flags 0x1'; then
	ok "build an assembly ROM with an inline answer (a data-area fixup)"
else
	not_ok "build an assembly ROM with an inline answer (a data-area fixup)"
fi
{ printf '%s\n%s\n%s\n' "$entries" "$license" "$inl_entry"; inl 1 'call vmi_rom_init'; } | asm inline_call
expect_fail "build inline answer that calls out" "not in the data area" \
	"$romtool" build -o "$work/x.rom" "$work/inline_call.o"
{ printf '%s\n%s\n' "$entries" "$license"; inl 1 'cli'; } | asm inline_nocall
expect_fail "build inline answer without its CALL entry" "needs a CALL entry" \
	"$romtool" build -o "$work/x.rom" "$work/inline_nocall.o"
{ printf '%s\n%s\n%s\n.globl vmi_rom_abi_minor\n.set vmi_rom_abi_minor, 1\n' "$entries" "$license" "$inl_entry"; inl 1 'cli'; } | asm inline_v11
expect_fail "build inline answer in a 1.1 ROM" "need ABI 1.2" \
	"$romtool" build -o "$work/x.rom" "$work/inline_v11.o"
{ printf '%s\n%s\n%s\n' "$entries" "$license" "$inl_entry"; inl 0 'cli'; } | asm inline_priv
expect_fail "build inline answer with cli, not native-safe" "privileged instruction" \
	"$romtool" build -o "$work/x.rom" "$work/inline_priv.o"
expect_fail "build from a non-ELF file" "not an ELF file" \
	"$romtool" build -o "$work/x.rom" "$work/good.S"
expect_fail "check a missing file" "No such file" \
	"$romtool" check "$work/does-not-exist.rom"

echo "1..$n"
[ "$failed" -eq 0 ]
