/*
 * test_pgtable.c: page-table index arithmetic (kernel/include/pgtable.h)
 * and the layout constants it serves.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "pgtable.h"
#include "layout.h"

static void indices_of_kernel_base(void **st)
{
	(void)st;
	uint64_t va = KERNEL_VMA + 0x100000;
	assert_int_equal(pt_index(va, PT_P4D), 511);
	assert_int_equal(pt_index(va, PT_PUD), 510);
	assert_int_equal(pt_index(va, PT_PMD), 0);
	assert_int_equal(pt_index(va, PT_PTE), 256);
	assert_int_equal(pt_index(HEAP_BASE, PT_PUD), 511);
}

static void indices_round_trip(void **st)
{
	(void)st;
	const uint64_t vas[] = { 0, 0x400000, 0x7ffffffff000ULL, USER_STACK_TOP - 4096,
				 0xffff800000000000ULL, KERNEL_VMA, 0xfffffffffffff000ULL };
	for (size_t i = 0; i < sizeof(vas) / sizeof(vas[0]); i++) {
		uint64_t va = vas[i];
		uint64_t back = pt_va(pt_index(va, 4), pt_index(va, 3), pt_index(va, 2), pt_index(va, 1));
		assert_int_equal(back, va & ~0xfffULL);
	}
}

static void canonical_addresses(void **st)
{
	(void)st;
	assert_true(va_canonical(0));
	assert_true(va_canonical(0x00007fffffffffffULL));
	assert_false(va_canonical(0x0000800000000000ULL));
	assert_false(va_canonical(0xffff7fffffffffffULL));
	assert_true(va_canonical(0xffff800000000000ULL));
	assert_true(va_canonical(KERNEL_VMA));
	assert_false(va_canonical(USER_TOP));
}

static void entry_address_mask(void **st)
{
	(void)st;
	assert_int_equal(pte_addr(0x8000000012345067ULL), 0x12345000ULL);
	assert_int_equal(pte_addr(PTE_P | PTE_W | PTE_U), 0);
	assert_int_equal(pte_addr(0x000ffffffffff000ULL | PTE_NX), 0x000ffffffffff000ULL);
}

static void layout_is_consistent(void **st)
{
	(void)st;
	/* The regions sit inside the top 2 GiB (mcmodel=kernel) and apart. */
	assert_true(KERNEL_VMA + DIRECT_MAP_SIZE <= HEAP_BASE);
	assert_true(HEAP_BASE + HEAP_MAX <= VMAP_BASE);
	assert_true(VMAP_BASE + VMAP_SIZE - 1 >= VMAP_BASE);
	assert_true(USER_STACK_TOP < USER_TOP);
	assert_true(USER_BASE >= 0x100000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(indices_of_kernel_base),
		cmocka_unit_test(indices_round_trip),
		cmocka_unit_test(canonical_addresses),
		cmocka_unit_test(entry_address_mask),
		cmocka_unit_test(layout_is_consistent),
	};
	return cmocka_run_group_tests_name("pgtable", tests, NULL, NULL);
}
