/*
 * vm.c: the kernel's own 4-level page tables, with 4 KiB pages.
 *
 * Every page-table write goes through the pvops MMU ops (pv_set_pte and
 * friends), page-table pages are announced with pv_pt_alloc/pv_pt_release,
 * and bulk work runs in lazy MMU mode, so a hypervisor ROM can validate
 * or batch them.  Tables are reached through the direct map (P2V).
 */
#include <string.h>
#include "kernel.h"
#include "mm.h"
#include <pvops/pvops.h>

struct aspace kernel_as;
uint64_t vm_nx;				/* PTE_NX where the CPU has it, else 0 */

static void set_entry(uint64_t *e, uint64_t v, int level)
{
	switch (level) {
	case PT_PTE: pv_set_pte(e, v); break;
	case PT_PMD: pv_set_pmd(e, v); break;
	case PT_PUD: pv_set_pud(e, v); break;
	default:     pv_set_p4d(e, v); break;
	}
}

static uint64_t *table_of(uint64_t entry)
{
	return P2V(pte_addr(entry));
}

/*
 * Returns the level-1 entry for va, creating missing tables when asked.
 * Tables below the user half get PTE_U so user pages can be reached.
 */
uint64_t *vm_walk(struct aspace *as, uint64_t va, bool create)
{
	uint64_t *t = P2V(as->pml4);
	uint64_t inter = PTE_P | PTE_W | (va < USER_TOP ? PTE_U : 0);

	for (int level = PT_P4D; level > PT_PTE; level--) {
		uint64_t *e = &t[pt_index(va, level)];
		if (!(*e & PTE_P)) {
			if (!create)
				return NULL;
			uint64_t pa = pmm_alloc();
			if (!pa)
				return NULL;
			pv_pt_alloc(pa, level - 1);
			set_entry(e, pa | inter, level);
		} else if (*e & PTE_PS) {
			return NULL;		/* large page: not ours */
		}
		t = table_of(*e);
	}
	return &t[pt_index(va, PT_PTE)];
}

int vm_map(struct aspace *as, uint64_t va, uint64_t pa, uint64_t flags)
{
	if (!va_canonical(va) || (va | pa) & (PAGE_SIZE - 1))
		return -1;
	uint64_t *pte = vm_walk(as, va, true);
	if (!pte)
		return -1;
	if (*pte & PTE_P)
		return -2;			/* already mapped */
	pv_set_pte(pte, pa | flags | PTE_P);
	return 0;
}

int vm_unmap(struct aspace *as, uint64_t va, uint64_t *pa_out)
{
	uint64_t *pte = vm_walk(as, va, false);
	if (!pte || !(*pte & PTE_P))
		return -1;
	if (pa_out)
		*pa_out = pte_addr(*pte);
	pv_set_pte(pte, 0);
	pv_invlpg(va);
	return 0;
}

/*
 * Unmaps up to n pages from va, freeing their frames: entries cleared in
 * one lazy section per 64 pages, then the TLB flushed, then the frames
 * freed (never before the flush: a stale TLB entry could still reach a
 * frame handed out again).  A backend that batches sees one update per
 * chunk instead of one per page, as with Linux's mmu_gather.  Returns the
 * pages that were mapped.
 */
uint64_t vm_unmap_range(struct aspace *as, uint64_t va, uint64_t n)
{
	uint64_t done = 0;
	for (uint64_t first = 0; first < n; first += 64) {
		uint64_t pa[64], vas[64];
		unsigned k = 0;
		pv_lazy_mmu_enter();
		for (uint64_t i = first; i < n && i < first + 64; i++) {
			uint64_t *pte = vm_walk(as, va + i * PAGE_SIZE, false);
			if (!pte || !(*pte & PTE_P))
				continue;
			pa[k] = pte_addr(*pte);
			vas[k++] = va + i * PAGE_SIZE;
			pv_set_pte(pte, 0);
		}
		pv_lazy_mmu_leave();
		for (unsigned j = 0; j < k; j++)
			pv_invlpg(vas[j]);
		for (unsigned j = 0; j < k; j++)
			pmm_free(pa[j]);
		done += k;
	}
	return done;
}

/* Every page of [va, va+len) is mapped, user-accessible (and writable). */
bool vm_user_range_ok(struct aspace *as, uint64_t va, uint64_t len, bool write)
{
	if (va >= USER_TOP || len > USER_TOP - va)
		return false;
	for (uint64_t p = ALIGN_DOWN(va, PAGE_SIZE); p < va + len; p += PAGE_SIZE) {
		uint64_t *pte = vm_walk(as, p, false);
		uint64_t need = PTE_P | PTE_U | (write ? PTE_W : 0);
		if (!pte || (*pte & need) != need)
			return false;
	}
	return true;
}

void vm_switch(struct aspace *as)
{
	pv_write_cr3(as->pml4);
}

/* Is pa a frame of the kernel text?  The text starts and ends on page
 * boundaries (kernel.ld aligns it and .rodata behind it). */
static bool is_text_frame(uint64_t pa)
{
	return pa >= V2P(__text_start) && pa < ALIGN_UP(V2P(__text_end), PAGE_SIZE);
}

/* Direct-map flags of frame pa: the kernel text executable, every other
 * frame no-execute; all writable until vm_seal_text. */
static uint64_t direct_flags(uint64_t pa)
{
	return PTE_W | PTE_P | (is_text_frame(pa) ? 0 : vm_nx);
}

/*
 * Builds the kernel tables: physical 0 up to the end of usable memory
 * (at most the direct-map size) at KERNEL_VMA, no-execute but for the
 * kernel text, then switches to them and drops the boot stub's 2 MiB
 * identity mapping for good.  The boot stub set EFER.NXE where the CPU
 * has NX; without it the NX bit would be reserved.
 */
void vm_init(void)
{
	vm_nx = (pv_rdmsr(MSR_EFER) & EFER_NXE) ? PTE_NX : 0;
	kernel_as.pml4 = pmm_alloc();
	kassert(kernel_as.pml4);
	pv_pt_alloc(kernel_as.pml4, PT_P4D);
	pv_lazy_mmu_enter();
	for (uint64_t pa = 0; pa < pmm_top; pa += PAGE_SIZE) {
		/* One walk per page table, then its entries in a row: under
		 * this machine's emulating KVM every instruction counts. */
		uint64_t *pte = vm_walk(&kernel_as, KERNEL_VMA + pa, true);
		if (!pte)
			panic("vm_init: no page table for %#llx", (unsigned long long)pa);
		for (unsigned i = pt_index(KERNEL_VMA + pa, PT_PTE); i < 512 && pa < pmm_top;
		     i++, pa += PAGE_SIZE)
			pv_set_pte(pte++, pa | direct_flags(pa));
		pa -= PAGE_SIZE;
	}
	pv_lazy_mmu_leave();
	vm_switch(&kernel_as);
	klog("vm: kernel tables at %#llx map %llu MiB with 4 KiB pages, %s\n",
	     (unsigned long long)kernel_as.pml4, (unsigned long long)(pmm_top >> 20),
	     vm_nx ? "no-execute but for the text" : "all executable (no NX)");
}

/*
 * Sets or clears the write bit of the direct-map alias of frames
 * [pa, pa + n pages), in one lazy section, then flushes the TLB.
 */
void vm_direct_writable(uint64_t pa, uint64_t n, bool writable)
{
	pv_lazy_mmu_enter();
	for (uint64_t i = 0; i < n; i++) {
		uint64_t *pte = vm_walk(&kernel_as, (uint64_t)(uintptr_t)P2V(pa + i * PAGE_SIZE), false);
		if (pte && (*pte & PTE_P))
			pv_set_pte(pte, writable ? *pte | PTE_W : *pte & ~PTE_W);
	}
	pv_lazy_mmu_leave();
	pv_flush_tlb();
}

/* Makes the kernel text read-only: called once patching is done, the
 * last write to it. */
void vm_seal_text(void)
{
	uint64_t lo = V2P(__text_start), hi = ALIGN_UP(V2P(__text_end), PAGE_SIZE);
	vm_direct_writable(lo, (hi - lo) / PAGE_SIZE, false);
	klog("vm: kernel text read-only (%llu pages)\n", (unsigned long long)((hi - lo) / PAGE_SIZE));
}

int vm_aspace_create(struct aspace *as)
{
	as->pml4 = pmm_alloc();
	if (!as->pml4)
		return -1;
	pv_pt_alloc(as->pml4, PT_P4D);
	uint64_t *dst = P2V(as->pml4), *src = P2V(kernel_as.pml4);
	for (int i = 256; i < 512; i++)
		if (src[i])
			pv_set_p4d(&dst[i], src[i]);
	return 0;
}

/* Frees the user half: pages, then tables bottom-up. */
static void free_table(uint64_t pa, int level)
{
	uint64_t *t = P2V(pa);
	for (int i = 0; i < 512; i++) {
		if (!(t[i] & PTE_P))
			continue;
		if (level > PT_PTE)
			free_table(pte_addr(t[i]), level - 1);
		else
			pmm_free(pte_addr(t[i]));
	}
	pv_pt_release(pa, level);
	pmm_free(pa);
}

void vm_aspace_destroy(struct aspace *as)
{
	uint64_t *t = P2V(as->pml4);
	for (int i = 0; i < 256; i++)
		if (t[i] & PTE_P)
			free_table(pte_addr(t[i]), PT_PUD);
	pv_pt_release(as->pml4, PT_P4D);
	pmm_free(as->pml4);
	as->pml4 = 0;
}

/*
 * Maps device registers [pa, pa + len) uncached (PCD|PWT), writable and
 * no-execute, in the MMIO window: never the direct map, whose cached
 * alias of the same frames would be wrong for registers.  The window is
 * handed out upward and never reused (a guest maps a few BARs once).
 * Returns the address of pa, or NULL.
 */
void *vm_map_mmio(uint64_t pa, uint64_t len)
{
	static uint64_t next = MMIO_BASE;
	uint64_t first = ALIGN_DOWN(pa, PAGE_SIZE), end = ALIGN_UP(pa + len, PAGE_SIZE);
	uint64_t fl, va;

	if (!len || pa + len < pa || end - first > MMIO_BASE + MMIO_SIZE - next)
		return NULL;
	fl = pv_irq_save();
	va = next;
	next += end - first;
	pv_irq_restore(fl);
	for (uint64_t off = 0; off < end - first; off += PAGE_SIZE)
		if (vm_map(&kernel_as, va + off, first + off, PTE_W | PTE_PCD | PTE_PWT | vm_nx) != 0)
			return NULL;
	return (void *)(uintptr_t)(va + (pa - first));
}
