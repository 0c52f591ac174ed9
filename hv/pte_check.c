/* pte_check.c: the page-table entry rule shared by every backend; see
 * pte_check.h. */
#include "pte_check.h"

#define PTE_P      0x1ull
#define PTE_PCD    0x10ull
#define PTE_PS     0x80ull
#define PTE_ADDR   0x000ffffffffff000ull
#define SPAN_2M    (2ull << 20)
#define SPAN_1G    (1ull << 30)

/*
 * Bits reserved in a present entry at level (Intel SDM vol. 3A, 4.5,
 * "4-level paging"): PS in a PML4 entry; in a large page's address field,
 * the bits between the PAT bit (12) and the page's own alignment, 13-20
 * for 2 MiB and 13-29 for 1 GiB.  The address bits above MAXPHYADDR are
 * reserved too; guest memory ends far below any MAXPHYADDR, so the frame
 * rule refuses them.  XD (bit 63) is reserved only while EFER.NXE is
 * clear, which a pure check cannot see; the kernel sets NXE.
 */
static uint64_t pte_reserved(uint64_t val, unsigned level)
{
	if (level == HV_PTE_LEVEL_P4D)
		return PTE_PS;
	if (!(val & PTE_PS) || level == HV_PTE_LEVEL_PTE)
		return 0;                       /* PTE: bit 7 is PAT */
	return level == HV_PTE_LEVEL_PMD ? (SPAN_2M - 1) & ~0x1fffull
					 : (SPAN_1G - 1) & ~0x1fffull;
}

/* Bytes the entry maps: a large page, or 4 KiB (a page or a table). */
static uint64_t pte_span(uint64_t val, unsigned level)
{
	if (!(val & PTE_PS) || level == HV_PTE_LEVEL_PTE)
		return 4096;
	return level == HV_PTE_LEVEL_PMD ? SPAN_2M : SPAN_1G;
}

/* The one place outside RAM a guest may map: a 4 KiB page of hv's PCI
 * memory-BAR window, uncached (PCD), as device registers must be.  A
 * large page or a table there, or a cached mapping, is refused. */
static int pte_bar_page(uint64_t val, unsigned level, uint64_t frame)
{
	return level == HV_PTE_LEVEL_PTE && (val & PTE_PCD) &&
	       frame >= HV_PTE_BAR_START && frame < HV_PTE_BAR_END;
}

enum hv_pte_verdict hv_pte_check(uint64_t val, unsigned level, uint64_t mem)
{
	uint64_t frame, span;

	if (!(val & PTE_P))
		return HV_PTE_OK;
	if (val & pte_reserved(val, level))
		return HV_PTE_RESERVED;
	span = pte_span(val, level);
	frame = val & PTE_ADDR & ~(span - 1);
	if (pte_bar_page(val, level, frame))
		return HV_PTE_OK;
	if (frame >= mem || span > mem - frame)
		return HV_PTE_FRAME;
	return HV_PTE_OK;
}
