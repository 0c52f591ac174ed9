/*
 * vmw_rom.S: the VMware-like ROM's assembly: the one backdoor instruction,
 * and the entries whose convention lets them change only rax (callee-save
 * class) or only the CPUID registers (insn class), so they cannot be C.
 *
 *   void vmw_backdoor(struct vmw_regs *r);          SysV; r in and out
 *   vmi_rom_call_cpuid                             insn: eax, ecx -> eax..edx
 *   vmi_rom_call_set_{pte,pmd,pud,p4d}             cs: rdi -> entry, rsi = value
 *   vmi_rom_call_invlpg, vmi_rom_call_write_cr3    cs: rdi
 *   vmi_rom_call_safe_halt, vmi_rom_call_halt      cs
 *
 * The cs entries keep their fast path here (outside lazy mode a SET_* is a
 * plain store, WRITE_CR3 a plain mov to cr3) and reach C (vmwarelike.c)
 * only through VMI_CALL_C_SAVED (vmi_rom_asm.h), which saves every register
 * C may change (here with edx = eax, the entry kind, as C's third argument).
 */
#include "vmw_abi.h"
#include "vmi_rom_asm.h"

	.text

/* void vmw_backdoor(struct vmw_regs *r): "in %dx, %eax" with eax = magic,
 * rbx, rcx, rdx, rsi, rdi from r; rax, rbx, rcx, rdx, rsi, rdi back to r. */
	.globl	vmw_backdoor
	.hidden	vmw_backdoor
	.type	vmw_backdoor, @function
vmw_backdoor:
	endbr64
	pushq	%rbx
	pushq	%rdi
	movq	VMW_R_BX(%rdi), %rbx
	movq	VMW_R_CX(%rdi), %rcx
	movq	VMW_R_DX(%rdi), %rdx
	movq	VMW_R_SI(%rdi), %rsi
	movq	VMW_R_DI(%rdi), %rdi
	movl	$VMW_MAGIC, %eax
	inl	%dx, %eax		/* the backdoor: one exit to the host */
	xchgq	(%rsp), %rdi		/* rdi = r, the stack keeps the result */
	movq	%rax, VMW_R_AX(%rdi)
	movq	%rbx, VMW_R_BX(%rdi)
	movq	%rcx, VMW_R_CX(%rdi)
	movq	%rdx, VMW_R_DX(%rdi)
	movq	%rsi, VMW_R_SI(%rdi)
	popq	%rax
	movq	%rax, VMW_R_DI(%rdi)
	popq	%rbx
	ret
	.size	vmw_backdoor, . - vmw_backdoor

/* SET_PTE .. SET_P4D: a plain store outside lazy mode (counted); inside,
 * vmw_set_lazy queues it (and flushes at once for upper levels). */
.macro SET_ENTRY name, kind
VMI_ENTRY vmi_rom_call_\name
	movl	$\kind, %eax
	jmp	vmw_set_entry
	.size	vmi_rom_call_\name, . - vmi_rom_call_\name
.endm
	SET_ENTRY set_pte, VMW_OP_PTE
	SET_ENTRY set_pmd, VMW_OP_PMD
	SET_ENTRY set_pud, VMW_OP_PUD
	SET_ENTRY set_p4d, VMW_OP_P4D

vmw_set_entry:
	cmpl	$0, vmw_data+VMW_D_LAZY(%rip)
	jne	1f
	movq	%rsi, (%rdi)
	incq	vmw_data+VMW_D_N_DIRECT(%rip)
	ret
1:	VMI_CALL_C_SAVED vmw_set_lazy, "movl %eax, %edx"
	ret

/* INVLPG: apply what is queued first (SPEC.md section 10). */
VMI_ENTRY vmi_rom_call_invlpg
	cmpl	$0, vmw_data+VMW_D_QUEUE_LEN(%rip)
	je	1f
	VMI_CALL_C_SAVED vmw_flush, "movl %eax, %edx"
1:	invlpg	(%rdi)
	ret
	.size	vmi_rom_call_invlpg, . - vmi_rom_call_invlpg

/* WRITE_CR3: native outside lazy mode; inside, queued behind the
 * deferred updates and flushed with them in one exit. */
VMI_ENTRY vmi_rom_call_write_cr3
	cmpl	$0, vmw_data+VMW_D_LAZY(%rip)
	jne	1f
	movq	%rdi, %cr3
	ret
1:	VMI_CALL_C_SAVED vmw_queue_cr3, "movl %eax, %edx"
	ret
	.size	vmi_rom_call_write_cr3, . - vmi_rom_call_write_cr3

/* SAFE_HALT and HALT: tell the host (a backdoor call), then halt here;
 * the in-kernel interrupt controller wakes the vCPU without another exit.
 * sti's one-instruction shadow closes the window before hlt. */
VMI_ENTRY vmi_rom_call_safe_halt
	VMI_CALL_C_SAVED vmw_halt_note, "movl %eax, %edx"
	sti
	hlt
	ret
	.size	vmi_rom_call_safe_halt, . - vmi_rom_call_safe_halt

VMI_ENTRY vmi_rom_call_halt
	VMI_CALL_C_SAVED vmw_halt_note, "movl %eax, %edx"
	hlt
	ret
	.size	vmi_rom_call_halt, . - vmi_rom_call_halt

/* DEVICE_NOTIFY (ABI 1.1): rdi = va, rsi = value, rdx = pa reach C as
 * they are; one NOTIFY command. */
VMI_ENTRY vmi_rom_call_device_notify
	VMI_CALL_C_SAVED vmw_device_notify
	ret
	.size	vmi_rom_call_device_notify, . - vmi_rom_call_device_notify

/* CPUID from the table hv filled at init (sorted by leaf, subleaf):
 * changes only eax, ebx, ecx, edx.  A leaf not in the table runs cpuid. */
VMI_ENTRY vmi_rom_call_cpuid
	leaq	vmw_data+VMW_D_CPUID(%rip), %rbx
	movl	vmw_data+VMW_D_CPUID_N(%rip), %edx
1:	testl	%edx, %edx
	jz	.Lmiss
	cmpl	(%rbx), %eax
	jb	.Lmiss			/* sorted: the leaf is not there */
	jne	2f
	testl	$VMW_CPUID_INDEXED, 8(%rbx)
	jz	.Lhit
	cmpl	4(%rbx), %ecx
	je	.Lhit
2:	addq	$VMW_CPUID_ENT, %rbx
	decl	%edx
	jmp	1b
.Lhit:
	incq	vmw_data+VMW_D_CPUID_HITS(%rip)
	movl	12(%rbx), %eax
	movl	20(%rbx), %ecx
	movl	24(%rbx), %edx
	testl	$(VMW_CPUID_OSXSAVE | VMW_CPUID_OSPKE), 8(%rbx)
	jnz	.Ldynamic
	movl	16(%rbx), %ebx
	ret
.Ldynamic:				/* bits that follow CR4 live */
	pushq	%rsi
	movq	%cr4, %rsi
	testl	$VMW_CPUID_OSXSAVE, 8(%rbx)
	jz	3f
	btq	$18, %rsi		/* CR4.OSXSAVE -> ecx bit 27 */
	jnc	3f
	orl	$(1 << 27), %ecx
3:	testl	$VMW_CPUID_OSPKE, 8(%rbx)
	jz	4f
	btq	$22, %rsi		/* CR4.PKE -> ecx bit 4 */
	jnc	4f
	orl	$(1 << 4), %ecx
4:	popq	%rsi
	movl	16(%rbx), %ebx
	ret
.Lmiss:
	incq	vmw_data+VMW_D_CPUID_MISS(%rip)
	cpuid
	ret
	.size	vmi_rom_call_cpuid, . - vmi_rom_call_cpuid

	.section .note.GNU-stack,"",@progbits
