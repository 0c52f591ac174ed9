/* test_hv_gmem.c: the one checked door from guest-physical ranges to
 * host pointers: in range, at the edges, across the hole, and every
 * overflow a hostile guest could try. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../hv/gmem.h"

#define RAM_SIZE (4u << 20)
static uint8_t ram[RAM_SIZE];
static const struct gmem gm = { ram, RAM_SIZE };

static void test_in_range(void **state)
{
	(void)state;
	assert_ptr_equal(gmem_range(&gm, 0, 16), ram);
	assert_ptr_equal(gmem_range(&gm, 0x1000, 0x1000), ram + 0x1000);
	assert_ptr_equal(gmem_range(&gm, 0x100000, RAM_SIZE - 0x100000),
			 ram + 0x100000);
	assert_ptr_equal(gmem_range(&gm, 0, GMEM_HOLE_START), ram);
}

static void test_past_end(void **state)
{
	(void)state;
	assert_null(gmem_range(&gm, RAM_SIZE - 8, 9));
	assert_null(gmem_range(&gm, RAM_SIZE, 1));
	assert_null(gmem_range(&gm, RAM_SIZE + 1, 0));
	assert_null(gmem_range(&gm, 0xF0000000u, 16));
	assert_null(gmem_range(&gm, 0x100000, RAM_SIZE));
}

static void test_zero_length(void **state)
{
	(void)state;
	assert_ptr_equal(gmem_range(&gm, RAM_SIZE, 0), ram + RAM_SIZE);
	assert_ptr_equal(gmem_range(&gm, 0xC0000, 0), ram + 0xC0000);
}

static void test_overflow(void **state)
{
	(void)state;
	assert_null(gmem_range(&gm, UINT64_MAX, 1));
	assert_null(gmem_range(&gm, UINT64_MAX - 3, 8));
	assert_null(gmem_range(&gm, 0x1000, UINT64_MAX));
	assert_null(gmem_range(&gm, 0x1000, UINT64_MAX - 0xfff));
	assert_null(gmem_range(&gm, 0xFFFFFFFFFFFFFF00ull, 0x200));
	assert_null(gmem_range(&gm, 0x100000, (uint64_t)-0x100000));
}

static void test_hole(void **state)
{
	(void)state;
	assert_null(gmem_range(&gm, 0xC0000, 16));
	assert_null(gmem_range(&gm, GMEM_HOLE_START, 1));
	assert_null(gmem_range(&gm, GMEM_HOLE_END - 1, 1));
	assert_null(gmem_range(&gm, GMEM_HOLE_START - 1, 2));   /* straddles */
	assert_null(gmem_range(&gm, 0x9F000, 0x70000));         /* spans it */
	assert_non_null(gmem_range(&gm, GMEM_HOLE_START - 1, 1));
	assert_non_null(gmem_range(&gm, GMEM_HOLE_END, 1));
}

static void test_no_memory(void **state)
{
	const struct gmem none = { NULL, 0 };
	(void)state;
	assert_null(gmem_range(&none, 0, 0));
	assert_null(gmem_range(NULL, 0, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_range),
		cmocka_unit_test(test_past_end),
		cmocka_unit_test(test_zero_length),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_hole),
		cmocka_unit_test(test_no_memory),
	};
	return cmocka_run_group_tests_name("hv_gmem", tests, NULL, NULL);
}
