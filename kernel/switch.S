/*
 * switch.S: the kernel context switch.
 *
 * void ctx_switch(uint64_t *save_rsp, uint64_t new_rsp);
 *
 * Saves the callee-saved registers on the current stack, stores rsp in
 * *save_rsp, loads new_rsp and pops the next thread's registers.  A new
 * thread's stack is built (thread.c) to "return" into thread_start.
 *
 * void user_enter(uint64_t rip, uint64_t rsp);
 *
 * Drops to ring 3 at rip with stack rsp, interrupts on, through iretq.
 */
	.text
	.globl ctx_switch
ctx_switch:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret

	.globl user_enter
user_enter:
	pushq	$0x1b				/* SEL_UDATA */
	pushq	%rsi
	pushq	$0x202				/* IF */
	pushq	$0x23				/* SEL_UCODE */
	pushq	%rdi
	xorl	%eax, %eax
	xorl	%ebx, %ebx
	xorl	%ecx, %ecx
	xorl	%edx, %edx
	xorl	%esi, %esi
	xorl	%edi, %edi
	xorl	%ebp, %ebp
	xorl	%r8d, %r8d
	xorl	%r9d, %r9d
	xorl	%r10d, %r10d
	xorl	%r11d, %r11d
	xorl	%r12d, %r12d
	xorl	%r13d, %r13d
	xorl	%r14d, %r14d
	xorl	%r15d, %r15d
	iretq
