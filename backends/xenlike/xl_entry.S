/*
 * xl_entry.S: the Xen-like ROM's assembly: the hypercall page and the
 * callee-save entries (clobber rax at most).
 *
 *   void vmi_rom_call_irq_disable(void);          mask = 1
 *   void vmi_rom_call_irq_enable(void);           mask = 0, sti, upcall if pending
 *   uint64_t vmi_rom_call_save_fl(void);          rflags, IF = !mask
 *   void vmi_rom_call_restore_fl(uint64_t fl);    IF of fl: enable, else disable
 *   void vmi_rom_call_safe_halt(void);            enable, then block
 *   void vmi_rom_call_halt(void);                 block (poll if masked)
 *   void vmi_rom_call_set_pte(uint64_t *e, uint64_t v);  (and pmd, pud, p4d)
 *   void vmi_rom_call_invlpg(uint64_t va);        flush the lazy queue, invlpg
 *   void vmi_rom_call_write_cr3(uint64_t cr3);    flush the lazy queue, mov cr3
 *   void vmi_rom_call_device_notify(void *va, uint16_t v, uint64_t pa);
 *                                                 evtchn_send, queued in lazy mode
 *
 * The irq entries are plain memory operations on the shared-info page
 * (xl_data, the first page of the data area); only an enable that finds
 * an event pending makes a hypercall.  The others save the SysV
 * caller-saved registers and call C (xenlike.c).
 *
 * The hypercall page is the only place that knows how hv is reached:
 * it is int3 filler in the image until hv writes its stubs at setup.
 */
#include "xl_abi.h"
#include "vmi_rom_asm.h"

#define MASK	xl_data+XL_OFF_UPCALL_MASK(%rip)
#define PENDING	xl_data+XL_OFF_UPCALL_PENDING(%rip)
#define STUB(n)	xl_hypercall_page+(n)*XL_HC_STUB_SIZE

	.section .text.xl_hcpage, "ax", @progbits
	.balign	4096
	.globl	xl_hypercall_page
	.hidden	xl_hypercall_page
xl_hypercall_page:
	.fill	XL_HC_PAGE_SIZE, 1, XL_HC_FILL

/* ---- irq inline answers (ABI 1.2, SPEC.md 9.1 and 19.1) ----
 * The same operations as the entries below, as bytes the guest copies
 * into its irq sites (Linux copied Xen's xen_irq_*_direct the same way):
 * no call, no stack.  The enable clears the mask and reads pending in one
 * locked read-modify-write of the word they share (pending is byte 0,
 * mask byte 1: and with 0x00ff), so an event raised before it is seen
 * and one raised after finds the flag clear; with one pending it leaves
 * the vCPU with a one-byte out to the kick port (hv delivers a pending
 * upcall at every exit once the flag is clear).  Operand 0 of save_fl
 * and restore_fl is renamable (REX forms). */
#define SHWORD	xl_data+XL_OFF_UPCALL_PENDING(%rip)
#define KICK	$xl_data+XL_OFF_ST_KICK_PORT

VMI_INLINE irq_disable, 0, 0, 0
	movb	$1, MASK
VMI_INLINE_END

VMI_INLINE irq_enable, VMI_INLINE_NATIVE_SAFE, 0, 0
	lock andw $0x00ff, SHWORD
	sti
	jz	1f
	outb	%al, KICK
1:
VMI_INLINE_END

/* rflags as far as it matters: IF (0x200) = !mask, every other bit 0. */
VMI_INLINE save_fl, 0, 1
	movzbq	MASK, %rax
	xorq	$1, %rax
	shlq	$9, %rax
VMI_INLINE_END

/* IF of rdi: mask = !IF; if set, sti and kick a pending event. */
VMI_INLINE restore_fl, VMI_INLINE_NATIVE_SAFE, 1, 0
	rex	btl $9, %edi
	setnc	MASK
	jnc	1f
	sti
	testb	$1, PENDING
	jz	1f
	outb	%al, KICK
1:
VMI_INLINE_END

	.text
/* ---- irq: the virtual interrupt flag ---- */

VMI_ENTRY vmi_rom_call_irq_disable
	movb	$1, MASK
	ret

/* The hardware IF is set too: after a switch away from an interrupt
 * handler the next thread runs with the gate's IF=0 until it enables. */
VMI_ENTRY vmi_rom_call_irq_enable
	movb	$0, MASK
	sti
	cmpb	$0, PENDING
	jne	xl_upcall
	ret

/* An event arrived while masked: have hv inject it now. */
xl_upcall:
	incq	xl_data+XL_OFF_ST_UPCALLS(%rip)
	call	STUB(XL_HC_EVTCHN_UPCALL)
	ret

VMI_ENTRY vmi_rom_call_save_fl
	pushfq
	popq	%rax
	orq	$0x200, %rax
	testb	$1, MASK
	jz	1f
	andq	$~0x200, %rax
1:	ret

VMI_ENTRY vmi_rom_call_restore_fl
	testl	$0x200, %edi
	jz	vmi_rom_call_irq_disable
	jmp	vmi_rom_call_irq_enable

/* sti; hlt: block in hv, still masked; hv unmasks and waits until it
 * has injected an upcall (at once for one already pending), as Xen's
 * SCHEDOP_block does.  Unmasking here first would let an upcall be
 * delivered between the pending check and the block, which then waits
 * for the next event: a lost wake-up. */
VMI_ENTRY vmi_rom_call_safe_halt
	movb	$1, MASK
	sti
	pushq	%rbx
	movl	$XL_BLOCK_UNMASK, %ebx
	incq	xl_data+XL_OFF_ST_BLOCKS(%rip)
	call	STUB(XL_HC_BLOCK)
	popq	%rbx
	ret

/* hlt: the flag stays as it is; masked, hv only waits for an event. */
VMI_ENTRY vmi_rom_call_halt
	pushq	%rbx
	movzbl	MASK, %ebx
	incq	xl_data+XL_OFF_ST_BLOCKS(%rip)
	call	STUB(XL_HC_BLOCK)
	popq	%rbx
	ret

/* ---- mmu: entries go through hv (xl_set_entry) ---- */

	.macro	set_entry name, level
VMI_ENTRY vmi_rom_call_\name
	pushq	%rdx
	movl	$\level, %edx
	VMI_CALL_C_SAVED xl_set_entry
	popq	%rdx
	ret
	.endm
	set_entry set_pte, 1
	set_entry set_pmd, 2
	set_entry set_pud, 3
	set_entry set_p4d, 4

VMI_ENTRY vmi_rom_call_invlpg
	VMI_CALL_C_SAVED xl_lazy_apply
	invlpg	(%rdi)
	ret

VMI_ENTRY vmi_rom_call_write_cr3
	VMI_CALL_C_SAVED xl_lazy_apply
	movq	%rdi, %cr3
	ret

/* ---- device (ABI 1.1): rdi, rsi, rdx go to C as they are ---- */

VMI_ENTRY vmi_rom_call_device_notify
	VMI_CALL_C_SAVED xl_device_notify
	ret

	.section .note.GNU-stack,"",@progbits
