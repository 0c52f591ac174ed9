/*
 * clobber_sites.S: one patchable site per op, each alone in a function
 * that returns right after it, for test pvops.targets_preserve_undeclared_registers.
 *
 * void clobber_site_N(void);	(N = op id; registers as the op's convention)
 * extern void *const clobber_sites[40];
 *
 * Each site is the 6-byte `call *pv_op_table+8*N(%rip)` with its record
 * in .pv_sites, exactly as the C wrappers emit it (pvops.h), so boot
 * patches it like every other site: the test then runs what the op's
 * sites became (inline bytes, a call into the ROM, NOPs), not the
 * target on its own.  The clobber masks are pv_op_info[N].clobbers; the
 * patcher refuses a site whose mask differs, so a wrong one stops the boot.
 */
#ifndef CONFIG_PV_NONE
	.macro CLOBBER_SITE op, clobbers
	.text
	.p2align 4
	.globl clobber_site_\op
clobber_site_\op:
771:	call	*pv_op_table+8*\op(%rip)
772:	ret
	.pushsection .pv_sites, "a"
	.balign 16
	.quad	771b
	.short	\op, \clobbers
	.byte	772b - 771b, 0
	.short	0
	.popsection
	.section .rodata
	.quad	clobber_site_\op
	.endm

	.section .rodata
	.p2align 3
	.globl clobber_sites
clobber_sites:
	CLOBBER_SITE  0, 0x0001	/* irq_disable */
	CLOBBER_SITE  1, 0x0001	/* irq_enable */
	CLOBBER_SITE  2, 0x0001	/* save_fl */
	CLOBBER_SITE  3, 0x0001	/* restore_fl */
	CLOBBER_SITE  4, 0x0001	/* safe_halt */
	CLOBBER_SITE  5, 0x0001	/* halt */
	CLOBBER_SITE  6, 0x000f	/* cpuid */
	CLOBBER_SITE  7, 0x0005	/* rdmsr */
	CLOBBER_SITE  8, 0x0005	/* wrmsr */
	CLOBBER_SITE  9, 0x0001	/* read_cr0 */
	CLOBBER_SITE 10, 0x0001	/* write_cr0 */
	CLOBBER_SITE 11, 0x0001	/* read_cr2 */
	CLOBBER_SITE 12, 0x0001	/* read_cr3 */
	CLOBBER_SITE 13, 0x0001	/* read_cr4 */
	CLOBBER_SITE 14, 0x0001	/* write_cr4 */
	CLOBBER_SITE 15, 0x0001	/* load_gdt */
	CLOBBER_SITE 16, 0x0001	/* load_idt */
	CLOBBER_SITE 17, 0x0001	/* load_tr */
	CLOBBER_SITE 18, 0x0001	/* wbinvd */
	CLOBBER_SITE 19, 0x0001	/* io_delay */
	CLOBBER_SITE 20, 0x0001	/* set_pte */
	CLOBBER_SITE 21, 0x0001	/* set_pmd */
	CLOBBER_SITE 22, 0x0001	/* set_pud */
	CLOBBER_SITE 23, 0x0001	/* set_p4d */
	CLOBBER_SITE 24, 0x0fc7	/* lazy_mmu_enter */
	CLOBBER_SITE 25, 0x0fc7	/* lazy_mmu_flush */
	CLOBBER_SITE 26, 0x0fc7	/* lazy_mmu_leave */
	CLOBBER_SITE 27, 0x0001	/* invlpg */
	CLOBBER_SITE 28, 0x0fc7	/* flush_tlb */
	CLOBBER_SITE 29, 0x0001	/* write_cr3 */
	CLOBBER_SITE 30, 0x0fc7	/* pt_alloc */
	CLOBBER_SITE 31, 0x0fc7	/* pt_release */
	CLOBBER_SITE 32, 0x0fc7	/* clock_freq */
	CLOBBER_SITE 33, 0x0fc7	/* clock_read */
	CLOBBER_SITE 34, 0x0fc7	/* wallclock */
	CLOBBER_SITE 35, 0x0fc7	/* set_alarm */
	CLOBBER_SITE 36, 0x0fc7	/* console_write */
	CLOBBER_SITE 37, 0x0fc7	/* shutdown */
	CLOBBER_SITE 38, 0x0fc7	/* reboot */
	CLOBBER_SITE 39, 0x0001	/* device_notify */
#endif
