/*
 * clobber_regs.c: sites in the compiler's registers (PV_SITE_F_REGS),
 * with registers no call convention would pick, for test
 * pvops.regs_sites_preserve_registers (test_clobbers.c).
 *
 * Each is a naked function holding one site, emitted by the same
 * assembler macro the wrappers use (pvops.h), then `ret`, so boot
 * patches it like every wrapper's site: natively the instruction in
 * these registers, under a ROM a call (through the site's adapter where
 * the registers or clobbers differ from the ROM's convention).  Naked:
 * no prologue may save and restore a register behind the site's back.
 */
#ifndef CONFIG_PV_NONE
#include <stdint.h>
#include <pvops/pvops.h>
#include "clobber_regs.h"

_Static_assert(PV_OP_SET_PTE == 20 && PV_OP_SET_PMD == 21 && PV_OP_SAVE_FL == 2 &&
	       PV_OP_RESTORE_FL == 3 && PV_OP_READ_CR3 == 12 && PV_OP_WRITE_CR3 == 29 &&
	       PV_OP_INVLPG == 27 && PV_OP_FLUSH_TLB == 28 && PV_OP_IRQ_DISABLE == 0 &&
	       PV_OP_WRMSR == 8 && PV_OP_LAZY_MMU_ENTER == 24 && PV_OP_LAZY_MMU_LEAVE == 26 &&
	       PV_OP_DEVICE_NOTIFY == 39 && PV_CLOBBERS_SYSV == 0xfc7,
	       "clobber_regs.c: op numbers and masks written out below");

/* One site of op number op (convention clobbers abi, a literal: the
 * assembler reads them) in the given registers. */
#define REGS_SITE(name, op, abi, native, nin, outk, regs)		\
	__attribute__((naked)) void clobber_regs_##name(void)		\
	{								\
		__asm__(".pushsection .pv_native, \"\", @progbits\n"	\
			"774:\n" native "\n775:\n.popsection\n"		\
			"pv_site " #op ", (" #op "*8), " #abi		\
			", (775b - 774b), " #nin ", " #outk regs "\n"	\
			"ret\n");					\
	}

REGS_SITE(set_pte, 20, 0x1,
	  "{disp32} movq %rbx, (%r12)", 2, 0, ", %r12, %rbx")
REGS_SITE(set_pmd_rbp, 21, 0x1,
	  "{disp32} movq %rsi, (%rbp)", 2, 0, ", %rbp, %rsi")
REGS_SITE(save_fl, 2, 0x1,
	  "pushfq; popq %r13", 0, 1, ", %r13")
REGS_SITE(restore_fl, 3, 0x1,
	  "pushq %r14; popfq", 1, 0, ", %r14")
REGS_SITE(read_cr3, 12, 0x1,
	  "mov %cr3, %r9", 0, 1, ", %r9")
REGS_SITE(write_cr3, 29, 0x1,
	  "mov %rdx, %cr3", 1, 0, ", %rdx")
REGS_SITE(invlpg, 27, 0x1,
	  "{disp32} invlpg (%r10)", 1, 0, ", %r10")
REGS_SITE(flush_tlb, 28, 0xfc7,
	  "mov %cr3, %r11; mov %r11, %cr3", 0, 2, ", %r11")
REGS_SITE(irq_disable, 0, 0x1, "cli", 0, 0, "")
REGS_SITE(wrmsr, 8, 0x5, "wrmsr", 0, 0, "")
REGS_SITE(lazy_mmu_enter, 24, 0xfc7, "", 0, 0, "")
REGS_SITE(lazy_mmu_leave, 26, 0xfc7, "", 0, 0, "")
REGS_SITE(notify, 39, 0x1,
	  "{disp32} movw %r15w, (%rbx)", 3, 0, ", %rbx, %r15, %r8")
#endif
