/*
 * bench_mm.c: the memory-management ops: address-space switch, invlpg,
 * full TLB flush, one page-table write, 512 writes in lazy mode, and the
 * lat_mmap-style macro workload.
 *
 * prepare() sets up a second address space, a scratch page and the two
 * page-table pages the ops write into (through vm_walk, so the tables
 * are announced to the backend like any other); finish() undoes it.
 */
#include "kernel.h"
#include "mm.h"
#include "bench_int.h"
#include <pvops/pvops.h>

static struct aspace other_as;		/* a second PML4 for write_cr3 */
static uint64_t frame;			/* the page the scratch PTEs map */
static uint64_t *pte_one;		/* PTE of BENCH_VA */
static uint64_t *pte_lazy;		/* PTE page of BENCH_VA_LAZY */

const char *bench_mm_prepare(void)
{
	if (other_as.pml4)
		return NULL;
	if (vm_aspace_create(&other_as) != 0)
		return "no memory for a second address space";
	frame = pmm_alloc();
	pte_one = vm_walk(&kernel_as, BENCH_VA, true);
	pte_lazy = vm_walk(&kernel_as, BENCH_VA_LAZY, true);
	if (!frame || !pte_one || !pte_lazy)
		return "no memory for the scratch page tables";
	return NULL;
}

/* Leaves the scratch entries empty and the TLB clean; the tables stay. */
void bench_mm_finish(void)
{
	pv_lazy_mmu_enter();
	for (int i = 0; i < 512; i++)
		if (pte_lazy[i])
			pv_set_pte(&pte_lazy[i], 0);
	if (*pte_one)
		pv_set_pte(pte_one, 0);
	pv_lazy_mmu_leave();
	pv_flush_tlb();
}

/* Two switches per turn, back to the kernel's own tables. */
void bench_write_cr3(uint64_t n)
{
	uint64_t a = other_as.pml4, k = kernel_as.pml4;
	for (uint64_t i = 0; i < n; i += 8) {
		pv_write_cr3(a); pv_write_cr3(k); pv_write_cr3(a); pv_write_cr3(k);
		pv_write_cr3(a); pv_write_cr3(k); pv_write_cr3(a); pv_write_cr3(k);
	}
}

void bench_invlpg(uint64_t n)
{
	uint64_t va = (uint64_t)(uintptr_t)pte_one;	/* a mapped page */
	BENCH_LOOP(n, pv_invlpg(va));
}

void bench_flush_tlb(uint64_t n)
{
	BENCH_LOOP(n, pv_flush_tlb());
}

/* Map, unmap: one write each; nothing touches the page in between. */
void bench_pte_write(uint64_t n)
{
	uint64_t v = frame | PTE_P | PTE_W;
	for (uint64_t i = 0; i < n; i += 8) {
		pv_set_pte(pte_one, v); pv_set_pte(pte_one, 0);
		pv_set_pte(pte_one, v); pv_set_pte(pte_one, 0);
		pv_set_pte(pte_one, v); pv_set_pte(pte_one, 0);
		pv_set_pte(pte_one, v); pv_set_pte(pte_one, 0);
	}
	pv_invlpg(BENCH_VA);
}

/* n groups of 512 writes, each group in one lazy MMU section: all map,
 * then all clear, so every write changes its entry. */
void bench_pte_lazy512(uint64_t n, struct bench_sample *s)
{
	struct bench_mark m;
	bench_begin(&m);
	for (uint64_t g = 0; g < n; g++) {
		uint64_t v = (g & 1) ? 0 : (frame | PTE_P | PTE_W);
		pv_lazy_mmu_enter();
		for (int i = 0; i < 512; i++)
			pv_set_pte(&pte_lazy[i], v);
		pv_lazy_mmu_leave();
	}
	bench_end(&m, s);
	s->units = n;
	if (!(n & 1))
		return;
	bench_mm_finish();		/* odd count: entries left mapped */
}

/* Maps n fresh zeroed pages in one lazy section, touches each, unmaps
 * them in another and frees them: the shape of mmap/munmap.  Returns
 * the pages done (fewer than n when memory ran out). */
static uint64_t mmap_round(uint64_t n)
{
	uint64_t got = 0;
	pv_lazy_mmu_enter();
	for (; got < n; got++) {
		uint64_t pa = pmm_alloc();
		if (!pa)
			break;
		if (vm_map(&kernel_as, BENCH_VA + (got + 1) * PAGE_SIZE, pa, PTE_W) != 0) {
			pmm_free(pa);
			break;
		}
	}
	pv_lazy_mmu_leave();
	for (uint64_t i = 0; i < got; i++)
		*(volatile uint8_t *)(BENCH_VA + (i + 1) * PAGE_SIZE + (i & 0xfff)) = 1;
	vm_unmap_range(&kernel_as, BENCH_VA + PAGE_SIZE, got);
	return got;
}

/* lat_mmap: n pages per batch, in rounds of at most 64 pages. */
void bench_lat_mmap(uint64_t n, struct bench_sample *s)
{
	struct bench_mark m;
	uint64_t done = 0;
	bench_begin(&m);
	while (done < n) {
		uint64_t k = n - done < 64 ? n - done : 64;
		uint64_t got = mmap_round(k);
		done += got;
		if (got < k)
			break;
	}
	bench_end(&m, s);
	s->units = done;
}
