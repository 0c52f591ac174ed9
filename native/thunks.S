/*
 * thunks.S: the native targets of the instruction-like ops, for the op
 * table (pvops=nopatch, or a site the patcher turns into a direct call).
 *
 * void nat_thunk_<op>(void);   -- register convention of ops.h, not SysV
 *
 * Each is the native instruction and a ret, so it clobbers only what the
 * op's convention allows (rax and the op's outputs).  This file and the
 * templates are where the kernel's privileged instructions live.
 */
	.text
	.macro thunk name, insns:vararg
	.globl nat_thunk_\name
	.type nat_thunk_\name, @function
nat_thunk_\name:
	\insns
	ret
	.size nat_thunk_\name, . - nat_thunk_\name
	.endm

	thunk irq_disable, cli
	thunk irq_enable, sti
	thunk halt, hlt
	thunk cpuid, cpuid
	thunk rdmsr, rdmsr
	thunk wrmsr, wrmsr
	thunk wbinvd, wbinvd

	/* What a ROM's NOP answer becomes in the table (pvops=nopatch). */
	.globl nat_thunk_nop
nat_thunk_nop:
	ret

	.globl nat_thunk_safe_halt
nat_thunk_safe_halt:
	sti
	hlt
	ret

	.globl nat_thunk_save_fl
nat_thunk_save_fl:
	pushfq
	popq	%rax
	ret

	.globl nat_thunk_restore_fl
nat_thunk_restore_fl:
	pushq	%rdi
	popfq
	ret

	.globl nat_thunk_read_cr0, nat_thunk_read_cr2, nat_thunk_read_cr3, nat_thunk_read_cr4
nat_thunk_read_cr0:
	movq	%cr0, %rax
	ret
nat_thunk_read_cr2:
	movq	%cr2, %rax
	ret
nat_thunk_read_cr3:
	movq	%cr3, %rax
	ret
nat_thunk_read_cr4:
	movq	%cr4, %rax
	ret

	.globl nat_thunk_write_cr0, nat_thunk_write_cr4
nat_thunk_write_cr0:
	movq	%rdi, %cr0
	ret
nat_thunk_write_cr4:
	movq	%rdi, %cr4
	ret

	.globl nat_thunk_load_gdt, nat_thunk_load_idt, nat_thunk_load_tr
nat_thunk_load_gdt:
	lgdt	(%rdi)
	ret
nat_thunk_load_idt:
	lidt	(%rdi)
	ret
nat_thunk_load_tr:
	ltr	%di
	ret

	/* The callee-save MMU ops (set_p*d, invlpg, write_cr3). */
	.globl nat_thunk_set_entry, nat_thunk_invlpg, nat_thunk_write_cr3
nat_thunk_set_entry:
	movq	%rsi, (%rdi)
	ret
nat_thunk_invlpg:
	invlpg	(%rdi)
	ret
nat_thunk_write_cr3:
	movq	%rdi, %cr3
	ret

	/* Device notify (ABI 1.1): the 16-bit store; rdx (pa) unused. */
	.globl nat_thunk_device_notify
nat_thunk_device_notify:
	movw	%si, (%rdi)
	ret

	.globl nat_thunk_io_delay
nat_thunk_io_delay:
	outb	%al, $0x80
	ret
