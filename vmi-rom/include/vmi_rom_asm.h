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

#endif /* __ASSEMBLER__ */
#endif
