/*
 * crt0.S: user program entry.
 *
 * void _start(void);  -- the kernel enters at USER_BASE with a stack
 *
 * Calls main() and passes its result to the exit system call.
 */
	.section .text.start, "ax"
	.globl _start
_start:
	andq	$-16, %rsp
	call	main
	movq	%rax, %rdi
	movl	$2, %eax			/* SYS_EXIT */
	syscall
1:	jmp	1b
