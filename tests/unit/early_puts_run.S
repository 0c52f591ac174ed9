/*
 * early_puts_run.S: kernel/boot/early_puts.h's EARLY_PUTS, assembled for a
 * user-mode test with its port accesses turned into calls of the 16550
 * model in test_early_puts.c.
 *
 * void early_puts_run(const char *s);
 */
#define EARLY_INB  call uart_inb_thunk
#define EARLY_OUTB call uart_outb_thunk
#include "../../kernel/boot/early_puts.h"

	.text
	.globl	early_puts_run
early_puts_run:
	pushq	%rbx
	movq	%rdi, %rsi
	EARLY_PUTS
	popq	%rbx
	ret

/* Saves every caller-saved register but rax, aligns the stack, calls C. */
.macro MODEL_CALL fn
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
	movzwl	%dx, %edi
	movzbl	%al, %esi
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

/* al = uart_model_in(dx) */
uart_inb_thunk:
	MODEL_CALL uart_model_in
	ret

/* uart_model_out(dx, al); al kept */
uart_outb_thunk:
	pushq	%rax
	MODEL_CALL uart_model_out
	popq	%rax
	ret

	.section .note.GNU-stack, "", @progbits
