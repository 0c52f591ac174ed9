/*
 * vmi_rom_asm.h: assembler helpers for ROM code (SPEC.md, section 12),
 * shared by every backend and offered to vendors.  Include it from a
 * ROM's .S file.
 *
 *   VMI_ENTRY name        a ROM entry: global, hidden (no GOT), a
 *                         function symbol for romtool, starting with
 *                         ENDBR64 as the ABI requires.
 *   VMI_CALL_C_SAVED fn   call the SysV C function fn from an entry whose
 *                         convention lets it clobber rax only: saves the
 *                         caller-saved registers but rax, aligns the stack
 *                         (the guest's is only 8-aligned at a patched
 *                         call), calls, restores.  Its optional second
 *                         argument is one instruction run after the saves
 *                         and before the call (to load an argument).
 *   VMI_INLINE name, flags, rename, clobbers
 *   ... VMI_INLINE_END     an inline answer (ABI 1.2, SPEC.md 9.1) for
 *                         call `name`: the instructions between are the
 *                         bytes the guest copies into a site.  flags:
 *                         VMI_INLINE_NATIVE_SAFE or 0; rename: bit k lets
 *                         the guest rename operand k; clobbers: default
 *                         the CALL entry's.  A RIP-relative operand naming
 *                         a data-area symbol becomes a DATA_REL32 fixup,
 *                         an immediate naming one ($sym) a DATA_IMM fixup
 *                         (the value stored there at patch time).
 */
#ifndef VMI_ROM_ASM_H
#define VMI_ROM_ASM_H
#ifdef __ASSEMBLER__

.macro VMI_ENTRY name
	.globl	\name
	.hidden	\name
	.type	\name, @function
\name:
	endbr64
.endm

.macro VMI_CALL_C_SAVED fn, before
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%rbp
	movq	%rsp, %rbp
	andq	$-16, %rsp
	\before
	call	\fn
	movq	%rbp, %rsp
	popq	%rbp
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
.endm

#define VMI_INLINE_NATIVE_SAFE 1

.macro VMI_INLINE name, flags=0, rename=0, clobbers
	.globl	vmi_rom_inline_flags_\name
	.set	vmi_rom_inline_flags_\name, \flags
	.globl	vmi_rom_inline_rename_\name
	.set	vmi_rom_inline_rename_\name, \rename
	.ifnb	\clobbers
	.globl	vmi_rom_inline_clobbers_\name
	.set	vmi_rom_inline_clobbers_\name, \clobbers
	.endif
	.pushsection .vmi.inline.\name, "a", @progbits
.endm

.macro VMI_INLINE_END
	.popsection
.endm

#endif /* __ASSEMBLER__ */
#endif
