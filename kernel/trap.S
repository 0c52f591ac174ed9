/*
 * trap.S: interrupt and exception entry.
 *
 * void trap_entry_N(void);  -- IDT gates, one per vector (vectors[] table)
 *
 * Each stub pushes a zero where the CPU pushes no error code, then the
 * vector, and joins trap_common, which saves the general registers into a
 * struct trapframe (trap.h) and calls trap_dispatch(tf).  iretq here is
 * not a pvop: both backends return from interrupts natively.
 */

	.altmacro
	.macro stub v
	.align 16
trap_entry_\v:
	.if !((\v == 8) || ((\v >= 10) && (\v <= 14)) || (\v == 17) || (\v == 21) || (\v == 29) || (\v == 30))
	pushq	$0
	.endif
	pushq	$\v
	jmp	trap_common
	.endm

	.text
	.set i, 0
	.rept 256
	stub %i
	.set i, i + 1
	.endr

trap_common:
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	cld
	movq	%rsp, %rdi
	/* Keep the frame chain walkable through the trap. */
	movq	%rbp, %rbx
	call	trap_dispatch
	.globl trap_return
trap_return:
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
	addq	$16, %rsp			/* vector, error */
	iretq

	.macro vecaddr v
	.quad trap_entry_\v
	.endm
	.section .rodata
	.globl trap_vectors
	.align 8
trap_vectors:
	.set i, 0
	.rept 256
	vecaddr %i
	.set i, i + 1
	.endr
