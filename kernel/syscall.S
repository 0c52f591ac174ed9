/*
 * syscall.S: the `syscall` entry from user mode.
 *
 * void syscall_entry(void);  -- MSR_LSTAR points here
 *
 * The CPU leaves the user rip in rcx and rflags in r11, masks IF (FMASK),
 * and does not switch stacks: we move to the thread's kernel stack
 * (cpu_kstack_top) before anything else.  Number in rax, arguments in
 * rdi, rsi, rdx; result in rax.  Every other user register comes back
 * as it went in, except rcx and r11, which `syscall` itself destroys (the
 * Linux convention).  syscall_dispatch turns interrupts off before it
 * returns, so the switch back to the user stack is atomic.  A return
 * address that is not a canonical user address (sysret would #GP in ring
 * 0) kills the process instead.
 */
	.text
	.globl syscall_entry
syscall_entry:
	movq	%rsp, syscall_user_rsp(%rip)
	movq	cpu_kstack_top(%rip), %rsp
	pushq	syscall_user_rsp(%rip)
	pushq	%r11				/* user rflags */
	pushq	%rcx				/* user rip */
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%rdi
	pushq	%rsi
	pushq	%rdx
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	pushq	%r15				/* keep 16-byte alignment */
	movq	%rdx, %rcx
	movq	%rsi, %rdx
	movq	%rdi, %rsi
	movq	%rax, %rdi
	call	syscall_dispatch		/* returns with interrupts off */
	popq	%r15
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rdx
	popq	%rsi
	popq	%rdi
	popq	%rbp
	movq	(%rsp), %rcx			/* user rip */
	movq	%rcx, %r11
	shrq	$47, %r11
	jnz	1f
	popq	%rcx
	popq	%r11
	popq	%rsp
	sysretq
1:	call	syscall_bad_return

	.bss
	.align 8
syscall_user_rsp:
	.quad 0
