/*
 * testrom_cpuid.S: the test ROM's CPUID entry.
 *
 *   VMI_CALL_CPUID, convention "insn": in eax (leaf), ecx (subleaf);
 *   out eax, ebx, ecx, edx; changes nothing else (flags aside).
 *
 * It runs cpuid itself and counts the call in the data area
 * (struct testrom_state.cpuid_calls).
 */
#include "testrom.h"

	.text
	.globl	vmi_rom_call_cpuid
	.hidden	vmi_rom_call_cpuid
	.type	vmi_rom_call_cpuid, @function
vmi_rom_call_cpuid:
	endbr64
	incq	testrom_state+TESTROM_CPUID_CALLS(%rip)
	cpuid
	ret
	.size	vmi_rom_call_cpuid, . - vmi_rom_call_cpuid

	.section .note.GNU-stack,"",@progbits
