/*
 * clobber_probe.S: calls an op's site (clobber_sites.S) with every general
 * register set.
 *
 * void clobber_probe(void *fn, const uint64_t in[16], uint64_t out[16]);
 *
 * Registers are indexed in hardware order (rax, rcx, rdx, rbx, rsp, rbp,
 * rsi, rdi, r8..r15); in[4] and out[4] (rsp) are ignored.  Loads every
 * other register from in[], calls fn, stores every register into out[],
 * so a test can see which registers the target changed.  Interrupt
 * handlers preserve all registers, so they cannot blur the result.
 */
	.text
	.globl clobber_probe
clobber_probe:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$8, %rsp			/* 16-byte aligned at the call */
	movq	%rdi, probe_fn(%rip)
	movq	%rdx, probe_out(%rip)
	movq	%rsi, %rax
	movq	8(%rax), %rcx
	movq	16(%rax), %rdx
	movq	24(%rax), %rbx
	movq	40(%rax), %rbp
	movq	48(%rax), %rsi
	movq	56(%rax), %rdi
	movq	64(%rax), %r8
	movq	72(%rax), %r9
	movq	80(%rax), %r10
	movq	88(%rax), %r11
	movq	96(%rax), %r12
	movq	104(%rax), %r13
	movq	112(%rax), %r14
	movq	120(%rax), %r15
	movq	0(%rax), %rax
	call	*probe_fn(%rip)
	movq	%rax, probe_rax(%rip)
	movq	probe_out(%rip), %rax
	movq	%rcx, 8(%rax)
	movq	%rdx, 16(%rax)
	movq	%rbx, 24(%rax)
	movq	%rbp, 40(%rax)
	movq	%rsi, 48(%rax)
	movq	%rdi, 56(%rax)
	movq	%r8, 64(%rax)
	movq	%r9, 72(%rax)
	movq	%r10, 80(%rax)
	movq	%r11, 88(%rax)
	movq	%r12, 96(%rax)
	movq	%r13, 104(%rax)
	movq	%r14, 112(%rax)
	movq	%r15, 120(%rax)
	movq	probe_rax(%rip), %rcx
	movq	%rcx, 0(%rax)
	addq	$8, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret

	.bss
	.align 8
probe_fn:	.quad 0
probe_out:	.quad 0
probe_rax:	.quad 0
