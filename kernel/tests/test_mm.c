/*
 * test_mm.c: in-guest tests of the page allocator, page tables and heap.
 */
#include <stdlib.h>
#include <string.h>
#include "kernel.h"
#include "mm.h"
#include "trap.h"
#include "ktest.h"
#include <pvops/pvops.h>

#define KTEST_SUITE "mm"

KTEST_FLAGS(pmm_alloc_free, KTEST_FRAMES)
{
	uint64_t before = pmm_free_count();
	uint64_t a = pmm_alloc(), b = pmm_alloc();
	KT_ASSERT(a && b);
	KT_EXPECT(a != b);
	KT_EXPECT((a & (PAGE_SIZE - 1)) == 0);
	KT_EXPECT_EQ(pmm_free_count(), before - 2);
	uint64_t *p = P2V(a);
	KT_EXPECT(p[0] == 0 && p[511] == 0);	/* zeroed */
	pmm_free(a);
	pmm_free(b);
	KT_EXPECT_EQ(pmm_free_count(), before);
}

KTEST_FLAGS(pmm_exhaust_and_return, KTEST_FRAMES)
{
	/* Take 256 frames, all distinct, then give them back. */
	static uint64_t got[256];
	uint64_t before = pmm_free_count();
	for (int i = 0; i < 256; i++) {
		got[i] = pmm_alloc();
		KT_ASSERT(got[i]);
		for (int j = 0; j < i; j++)
			KT_ASSERT(got[j] != got[i]);
	}
	for (int i = 0; i < 256; i++)
		pmm_free(got[i]);
	KT_EXPECT_EQ(pmm_free_count(), before);
}

/* The balloon's frames leave the pool (free count, allocation) and come
 * back; it takes from the top of memory and stops at the reserve instead
 * of taking the last frame. */
KTEST_FLAGS(pmm_balloon_take_give, KTEST_FRAMES)
{
	uint64_t before = pmm_free_count(), inb = pmm_balloon_count();
	uint64_t head = 0, n = 0, pa, next = pmm_alloc();
	KT_ASSERT(next);
	pmm_free(next);				/* the frame the kernel gets next */
	while ((pa = pmm_balloon_take()) != 0) {	/* chain them through themselves */
		KT_ASSERT(!pmm_is_free(pa));
		*(uint64_t *)P2V(pa) = head;
		head = pa;
		n++;
	}
	KT_EXPECT(n > 0);
	KT_EXPECT_EQ(pmm_balloon_count(), inb + n);
	KT_EXPECT_EQ(pmm_free_count(), before - n);
	KT_EXPECT(pmm_free_count() > 0);		/* the reserve stays */
	uint64_t a = pmm_alloc();			/* from the reserve, not the balloon */
	KT_EXPECT(a != 0);
	for (uint64_t p = head; p && a; p = *(uint64_t *)P2V(p))
		KT_ASSERT(p != a);
	if (a)
		pmm_free(a);
	while (head) {
		uint64_t next = *(uint64_t *)P2V(head);
		pmm_balloon_give(head);
		head = next;
	}
	KT_EXPECT_EQ(pmm_balloon_count(), inb);
	KT_EXPECT_EQ(pmm_free_count(), before);
	/* the balloon took from the top: the kernel's next frame is the same */
	uint64_t again = pmm_alloc();
	KT_EXPECT_EQ(again, next);
	if (again)
		pmm_free(again);
}

KTEST(map_visible_through_second_mapping)
{
	uint64_t pa = pmm_alloc();
	uint64_t va = VMAP_BASE + 0x1000;
	KT_ASSERT(pa);
	KT_ASSERT(vm_map(&kernel_as, va, pa, PTE_W) == 0);
	*(volatile uint64_t *)va = 0xfeedface12345678ULL;
	KT_EXPECT_EQ(*(volatile uint64_t *)P2V(pa), 0xfeedface12345678ULL);
	*(volatile uint32_t *)P2V(pa + 8) = 0xabcd;
	KT_EXPECT_EQ(*(volatile uint32_t *)(va + 8), 0xabcd);
	KT_EXPECT(vm_map(&kernel_as, va, pa, PTE_W) == -2);	/* no double map */

	uint64_t got;
	KT_ASSERT(vm_unmap(&kernel_as, va, &got) == 0);
	KT_EXPECT_EQ(got, pa);
	struct trap_catch c;
	if (TRAP_CATCH(&c, 14) == 0) {
		(void)*(volatile uint64_t *)va;
		trap_catch_end(&c);
		kt_fail(kt, __FILE__, __LINE__, "read after unmap did not fault");
	} else {
		trap_catch_end(&c);
		KT_EXPECT_EQ(c.cr2, va);
		KT_EXPECT((c.error & 1) == 0);		/* not-present fault */
	}
	pmm_free(pa);
}

KTEST(heap_malloc_free)
{
	char *small = malloc(24);
	char *big = malloc(300 * 1024);			/* grows the heap */
	KT_ASSERT(small && big);
	KT_EXPECT((uint64_t)big >= HEAP_BASE && (uint64_t)big < HEAP_BASE + HEAP_MAX);
	memset(big, 0x5a, 300 * 1024);
	KT_EXPECT(big[0] == 0x5a && big[300 * 1024 - 1] == 0x5a);
	strcpy(small, "paravirt");
	KT_EXPECT(strcmp(small, "paravirt") == 0);
	free(big);
	free(small);
	void *again = malloc(300 * 1024);
	KT_EXPECT(again != NULL);
	free(again);
}
