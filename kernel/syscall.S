/*
 * syscall.S: the `syscall` entry from user mode.
 *
 * void syscall_entry(void);  -- MSR_LSTAR points here
 *
 * The CPU leaves the user rip in rcx and rflags in r11, masks IF (FMASK),
 * and does not switch stacks: we move to the thread's kernel stack
 * (cpu_kstack_top) before anything else.  Number in rax, arguments in
 * rdi, rsi, rdx; result in rax.  Returns with sysretq unless the return
 * address is not a canonical user address (the sysret #GP-in-ring-0
 * hazard): then the process is killed.  syscall_dispatch turns
 * interrupts off before it returns, so the stack switch back is atomic.
 */
	.text
	.globl syscall_entry
syscall_entry:
	movq	%rsp, syscall_user_rsp(%rip)
	movq	cpu_kstack_top(%rip), %rsp
	pushq	syscall_user_rsp(%rip)
	pushq	%r11
	pushq	%rcx
	pushq	%rbp
	movq	%rsp, %rbp
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
	popq	%rbp
	movq	(%rsp), %rcx			/* user rip */
	movq	%rcx, %rdx
	shrq	$47, %rdx
	jnz	1f
	popq	%rcx
	popq	%r11
	popq	%rsp
	xorl	%edx, %edx
	xorl	%esi, %esi
	xorl	%edi, %edi
	xorl	%r8d, %r8d
	xorl	%r9d, %r9d
	xorl	%r10d, %r10d
	sysretq
1:	/* sysret to a non-canonical rip would #GP in ring 0: kill instead. */
	call	syscall_bad_return

	.bss
	.align 8
syscall_user_rsp:
	.quad 0
