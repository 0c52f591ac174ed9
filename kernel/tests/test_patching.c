/*
 * test_patching.c: how boot rewrites sites and seals the ROM copy: the
 * code is serialized by the instruction and not the op, and sealing
 * refuses an unmapped range instead of faulting.
 */
#include <string.h>
#include "kernel.h"
#include "mm.h"
#include "ktest.h"
#include <pvops/pvops.h>

#define KTEST_SUITE "patching"

#ifndef CONFIG_PV_NONE

void pv_text_sync(void);
bool pv_rom_protect(void *ctx, uint64_t va, uint64_t len);

/* An op-table stub for cpuid that counts its calls, then goes on to the
 * target it replaced. */
__asm__(".pushsection .text\n.globl cpuid_count_stub\ncpuid_count_stub:\n"
	"\tincq cpuid_count_calls(%rip)\n\tjmp *cpuid_count_next(%rip)\n.popsection\n"
	".pushsection .bss\n.p2align 3\n.globl cpuid_count_calls, cpuid_count_next\n"
	"cpuid_count_calls: .quad 0\ncpuid_count_next: .quad 0\n.popsection\n");
extern char cpuid_count_stub[];
extern volatile uint64_t cpuid_count_calls;	/* pv_cpuid has no memory clobber */
extern void *cpuid_count_next;

/* Serializing after patching must execute cpuid, not ask the cpuid op,
 * which a backend may answer from a table.  Seen under pvops=nopatch,
 * where a use of the op goes through the table slot. */
KTEST(text_sync_is_the_instruction_not_the_op)
{
	if (kopts.pv_mode != PVMODE_NOPATCH)
		KT_SKIP("sites are patched: only pvops=nopatch shows a use of the op");
	uint32_t a, b, c, dx;
	uint64_t fl = pv_irq_save();
	cpuid_count_next = pv_op_table[PV_OP_CPUID];
	pv_op_table[PV_OP_CPUID] = cpuid_count_stub;
	cpuid_count_calls = 0;
	pv_cpuid(0, 0, &a, &b, &c, &dx);		/* the stub works */
	uint64_t by_op = cpuid_count_calls;
	pv_text_sync();
	uint64_t by_sync = cpuid_count_calls - by_op;
	pv_op_table[PV_OP_CPUID] = cpuid_count_next;
	pv_irq_restore(fl);
	KT_EXPECT_EQ(by_op, 1ULL);
	KT_EXPECT_EQ(by_sync, 0ULL);
}

/* Sealing a range with no page table under it is refused, not a #PF. */
KTEST(rom_protect_refuses_unmapped_range)
{
	uint64_t va = VMAP_BASE + 0x0be00000;		/* a 2 MiB nobody maps */
	if (vm_walk(&kernel_as, va, false))
		KT_SKIP("the test range has a page table here");
	KT_EXPECT(!pv_rom_protect(NULL, va, 2 * PAGE_SIZE));
}
#endif
