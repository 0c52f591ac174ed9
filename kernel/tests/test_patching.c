/*
 * test_patching.c: how boot rewrites sites: a site in the middle of
 * being written still runs correctly (the int3 guard), the code is
 * serialized by the instruction and not the op, and sealing the ROM copy
 * refuses an unmapped range instead of faulting.
 */
#include <string.h>
#include "kernel.h"
#include "mm.h"
#include "ktest.h"
#include <pvops/pvops.h>

#define KTEST_SUITE "patching"

#ifndef CONFIG_PV_NONE
#include <pvops/apply.h>

extern struct pv_poke pv_text_poke;
int pv_boot_decide(unsigned op, struct pv_decision *d);
void pv_text_sync(void);
bool pv_rom_protect(void *ctx, uint64_t va, uint64_t len);

#define POKE_VA (VMAP_BASE + 0x800000)		/* a test page, W and X */

/* The state a site may be in at each step, as the hook saw it. */
struct poke_watch {
	uint64_t (*site)(void);			/* the site, then ret */
	uint64_t want;				/* what read_cr0 returns */
	int steps, right, int3_first;
};

/* Runs the site in flux, as an NMI handler reaching it would. */
static void poke_hook(void *arg, const struct pv_site *s, int step)
{
	struct poke_watch *w = arg;
	(void)step;
	w->steps++;
	w->int3_first += *(const uint8_t *)(uintptr_t)s->addr == PV_INT3;
	w->right += w->site() == w->want;
}

/* Lays out an unpatched read_cr0 site and a ret at page p. */
static void poke_site_init(uint8_t *p, struct pv_site *rec)
{
	uint64_t slot = (uint64_t)(uintptr_t)&pv_op_table[PV_OP_READ_CR0];
	int32_t disp = (int32_t)(slot - ((uint64_t)(uintptr_t)p + PV_SITE_CALL_LEN));
	memset(rec, 0, sizeof(*rec));
	rec->addr = (uint64_t)(uintptr_t)p;
	rec->op = PV_OP_READ_CR0;
	rec->clobbers = pv_op_info[PV_OP_READ_CR0].clobbers;
	rec->len = 8;
	p[0] = PV_SITE_CALL_OP0;
	p[1] = PV_SITE_CALL_OP1;
	memcpy(p + 2, &disp, 4);
	pv_nop_fill(p + 6, 2);
	p[8] = 0xc3;
}

/*
 * Rewrites a site through the boot path's int3 sequence, and runs it
 * after each step, with the site's first byte int3 and the rest old,
 * then new: each run must take the #BP and still return cr0.
 */
KTEST(site_in_flux_runs_through_int3_guard)
{
	if (kopts.no_int3)
		KT_SKIP("noint3: this platform cannot run an int3 (QEMU on a KVM that emulates)");
	uint64_t pa = pmm_alloc();
	KT_ASSERT(pa);
	KT_ASSERT(vm_map(&kernel_as, POKE_VA, pa, PTE_W) == 0);
	uint8_t *p = (uint8_t *)POKE_VA, now[PV_SITE_MAX_LEN];
	struct pv_site rec;
	struct pv_decision d;
	struct poke_watch w = { (uint64_t (*)(void))(uintptr_t)p, pv_read_cr0(), 0, 0, 0 };
	const char *why = 0;
	poke_site_init(p, &rec);
	KT_EXPECT_EQ(w.site(), w.want);			/* unpatched: through the table */
	KT_ASSERT(pv_boot_decide(PV_OP_READ_CR0, &d) == 0);
	memcpy(now, p, rec.len);
	KT_ASSERT(pv_patch_site(now, &rec, &d, (uint64_t)(uintptr_t)&pv_op_table[PV_OP_READ_CR0], &why) == PV_OK);

	struct pv_poke saved = pv_text_poke;
	pv_text_poke.tramp = p + 64;
	pv_text_poke.hook = poke_hook;
	pv_text_poke.arg = &w;
	pv_text_poke.hits = 0;
	int err = pv_poke_tramp(&pv_text_poke, &rec, &d,
				(uint64_t)(uintptr_t)&pv_op_table[PV_OP_READ_CR0], &why);
	if (err == PV_OK)
		pv_poke_site(&pv_text_poke, &rec, now);
	unsigned hits = pv_text_poke.hits;
	pv_text_poke = saved;
	pv_text_sync();

	KT_EXPECT_EQ(err, PV_OK);
	KT_EXPECT_EQ(w.steps, 2);
	KT_EXPECT_EQ(w.int3_first, 2);			/* in flux: int3 first */
	KT_EXPECT_EQ(w.right, 2);			/* and still cr0 */
	KT_EXPECT_EQ(hits, 2u);				/* through the #BP */
	KT_EXPECT(memcmp(p, now, rec.len) == 0);
	KT_EXPECT_EQ(w.site(), w.want);			/* patched */
	vm_unmap_range(&kernel_as, POKE_VA, 1);		/* frees the page */
}

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
