/*
 * test_patching.c: how boot rewrites sites and seals the ROM copy:
 * sealing refuses an unmapped range instead of faulting.
 */
#include <string.h>
#include "kernel.h"
#include "mm.h"
#include "ktest.h"
#include <pvops/pvops.h>

#define KTEST_SUITE "patching"

#ifndef CONFIG_PV_NONE

bool pv_rom_protect(void *ctx, uint64_t va, uint64_t len);

/* Sealing a range with no page table under it is refused, not a #PF. */
KTEST(rom_protect_refuses_unmapped_range)
{
	uint64_t va = VMAP_BASE + 0x0be00000;		/* a 2 MiB nobody maps */
	if (vm_walk(&kernel_as, va, false))
		KT_SKIP("the test range has a page table here");
	KT_EXPECT(!pv_rom_protect(NULL, va, 2 * PAGE_SIZE));
}
#endif
