/*
 * testrom_inline.S: the test ROM's irq ops (ABI 1.2): inline answers,
 * with CALL entries doing the same for the sites they do not fit and for
 * guests older than 1.2.  Left out of testrom-v10.rom and testrom-v11.rom.
 *
 *   void vmi_rom_call_irq_disable(void);         cli
 *   void vmi_rom_call_irq_enable(void);          sti, then as a paravirt
 *                                                enable: if an event is
 *                                                pending, tell the host
 *   uint64_t vmi_rom_call_save_fl(void);         pushfq; pop
 *   void vmi_rom_call_restore_fl(uint64_t fl);   push; popfq
 *
 * Under QEMU nothing is ever pending, so these behave as the native
 * instructions; the enable's shape (a data-area test, a local jump, an
 * out to a port init chose) is the xenlike ROM's, so the inline path and
 * its fixups run and can be counted under TCG.  Each CALL entry counts
 * itself in testrom_state.irq_calls; the inline bytes count nothing.
 */
#include "testrom.h"
#include "vmi_rom_asm.h"

#define STATE(off) testrom_state+(off)(%rip)

/* ---- inline answers ---- */

VMI_INLINE irq_disable, VMI_INLINE_NATIVE_SAFE, 0, 0
	cli
VMI_INLINE_END

VMI_INLINE irq_enable, VMI_INLINE_NATIVE_SAFE, 0, 0
	sti
	cmpb	$0, STATE(TESTROM_PENDING)	/* DATA_REL32 fixup */
	jz	1f
	outb	%al, $testrom_state+TESTROM_PORT	/* DATA_IMM fixup */
1:
VMI_INLINE_END

/* pushfq; pop %rax -- the pop in its ModRM form with REX (48 8f c0), so
 * the guest can rename the result to the register its site uses. */
VMI_INLINE save_fl, 0, 1
	pushfq
	.byte	0x48, 0x8f, 0xc0
VMI_INLINE_END

/* push %rdi (48 ff f7, renamable); popfq. */
VMI_INLINE restore_fl, VMI_INLINE_NATIVE_SAFE, 1, 0
	.byte	0x48, 0xff, 0xf7
	popfq
VMI_INLINE_END

/* ---- the CALL entries ---- */

	.text
VMI_ENTRY vmi_rom_call_irq_disable
	cli
	incq	STATE(TESTROM_IRQ_CALLS)
	ret

VMI_ENTRY vmi_rom_call_irq_enable
	sti
	incq	STATE(TESTROM_IRQ_CALLS)
	cmpb	$0, STATE(TESTROM_PENDING)
	jz	1f
	pushq	%rdx
	movzbl	STATE(TESTROM_PORT), %edx
	outb	%al, %dx
	popq	%rdx
1:	ret

VMI_ENTRY vmi_rom_call_save_fl
	incq	STATE(TESTROM_IRQ_CALLS)
	pushfq
	popq	%rax
	ret

VMI_ENTRY vmi_rom_call_restore_fl
	incq	STATE(TESTROM_IRQ_CALLS)
	pushq	%rdi
	popfq
	ret

	.section .note.GNU-stack,"",@progbits
