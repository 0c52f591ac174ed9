/*
 * clobber_regs.h: the sites of clobber_regs.c, each a function to call
 * through clobber_probe (registers in hardware order, as listed).
 */
#ifndef CLOBBER_REGS_H
#define CLOBBER_REGS_H

void clobber_regs_set_pte(void);	/* *r12 = rbx */
void clobber_regs_set_pmd_rbp(void);	/* *rbp = rsi */
void clobber_regs_save_fl(void);	/* r13 = rflags */
void clobber_regs_restore_fl(void);	/* rflags = r14 */
void clobber_regs_read_cr3(void);	/* r9 = cr3 */
void clobber_regs_write_cr3(void);	/* cr3 = rdx */
void clobber_regs_invlpg(void);		/* invlpg (r10) */
void clobber_regs_flush_tlb(void);	/* scratch r11 */
void clobber_regs_irq_disable(void);
void clobber_regs_wrmsr(void);		/* ecx, edx:eax */
void clobber_regs_lazy_mmu_enter(void);
void clobber_regs_lazy_mmu_leave(void);
void clobber_regs_notify(void);		/* *(u16 *)rbx = r15w, pa r8 */

#endif
