/*
 * heap.c: the region behind newlib's malloc.  sbrk grows it a page at a
 * time at HEAP_BASE, mapping fresh frames through vm_map.
 */
#include <errno.h>
#include "kernel.h"
#include "mm.h"

static uint64_t brk = HEAP_BASE;		/* first unused byte */
static uint64_t mapped = HEAP_BASE;		/* first unmapped page */

void *heap_sbrk(intptr_t incr)
{
	uint64_t old = brk;

	if (incr < 0 || (uint64_t)incr > HEAP_BASE + HEAP_MAX - brk)
		return (void *)-1;
	while (mapped < brk + (uint64_t)incr) {
		uint64_t pa = pmm_alloc();
		if (!pa || vm_map(&kernel_as, mapped, pa, PTE_W) != 0) {
			if (pa)
				pmm_free(pa);
			return (void *)-1;
		}
		mapped += PAGE_SIZE;
	}
	brk += (uint64_t)incr;
	return (void *)old;
}
