/*
 * testrom_notify.S: the test ROM's DEVICE_NOTIFY entry (ABI 1.1), left
 * out of testrom-v10.rom.
 *
 *   VMI_CALL_DEVICE_NOTIFY, callee-save: rdi = the notify register's
 *   virtual address, si = the 16-bit value, rdx = its guest-physical
 *   address (unused here); changes nothing but rax (flags aside).
 *
 * It does what the native form does, `movw %si,(%rdi)`, and counts the
 * call (struct testrom_state.notify_calls), so a guest test can tell the
 * CALL ran on firmware that knows nothing of notifies.
 */
#include "testrom.h"

	.text
	.globl	vmi_rom_call_device_notify
	.hidden	vmi_rom_call_device_notify
	.type	vmi_rom_call_device_notify, @function
vmi_rom_call_device_notify:
	endbr64
	movw	%si, (%rdi)
	incq	testrom_state+TESTROM_NOTIFY_CALLS(%rip)
	ret
	.size	vmi_rom_call_device_notify, . - vmi_rom_call_device_notify

	.section .note.GNU-stack,"",@progbits
