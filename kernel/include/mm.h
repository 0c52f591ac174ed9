/*
 * mm.h: physical page allocator (pmm.c), page tables (vm.c) and the heap
 * (heap.c).
 */
#ifndef MM_H
#define MM_H

#include <stdint.h>
#include <stdbool.h>
#include "memmap.h"
#include "pgtable.h"

/* pmm.c: one bit per 4 KiB frame below DIRECT_MAP_SIZE. */
void pmm_init(const struct memmap *m);
uint64_t pmm_alloc(void);			/* zeroed frame, 0 if none */
void pmm_free(uint64_t pa);
uint64_t pmm_alloc_contig(uint64_t n);		/* n zeroed frames in a row */
uint64_t pmm_free_count(void);
bool pmm_is_free(uint64_t pa);		/* in the free pool? */
extern uint64_t pmm_top;			/* end of usable memory */
/* The balloon's frames: out of the pool (pmm_free_count excludes them)
 * while the host holds them. */
uint64_t pmm_balloon_take(void);		/* a free frame's pa, 0 if none */
void pmm_balloon_give(uint64_t pa);		/* back to the pool */
uint64_t pmm_balloon_count(void);		/* frames in the balloon */

/* vm.c: an address space is the physical address of its PML4. */
struct aspace {
	uint64_t pml4;
};

extern struct aspace kernel_as;

void vm_init(void);
int vm_map(struct aspace *as, uint64_t va, uint64_t pa, uint64_t flags);
int vm_unmap(struct aspace *as, uint64_t va, uint64_t *pa_out);
uint64_t vm_unmap_range(struct aspace *as, uint64_t va, uint64_t n);
uint64_t *vm_walk(struct aspace *as, uint64_t va, bool create);
bool vm_user_range_ok(struct aspace *as, uint64_t va, uint64_t len, bool write);
int vm_aspace_create(struct aspace *as);
void vm_aspace_destroy(struct aspace *as);
void vm_switch(struct aspace *as);
void vm_direct_writable(uint64_t pa, uint64_t n, bool writable);
void vm_seal_text(void);
extern uint64_t vm_nx;				/* PTE_NX, or 0 without NX */

/* heap.c */
void *heap_sbrk(intptr_t incr);

#endif
