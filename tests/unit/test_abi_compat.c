/*
 * test_abi_compat.c: the guest's pvops layer and the ROM ABI agree:
 * same numbers and names for every op and call, and every call site lets
 * a ROM entry clobber at least what the ABI allows it to, so a
 * conforming ROM is never refused by the patcher.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <pvops/ops.h>
#include "vmi_abi.h"
#include "validate.h"

static void numbers_and_names_match(void **st)
{
	(void)st;
	assert_int_equal(PV_OP_COUNT, VMI_CALL_COUNT);
	for (unsigned c = 0; c < VMI_CALL_COUNT; c++)
		assert_string_equal(pv_op_name(c), vmi_call_desc(c)->name);
}

static void sites_allow_what_the_abi_allows(void **st)
{
	(void)st;
	for (unsigned c = 0; c < VMI_CALL_COUNT; c++) {
		uint16_t abi = vmi_call_desc(c)->allowed, site = pv_op_info[c].clobbers;
		if ((abi & ~site) != 0)
			fail_msg("%s: ABI lets a ROM clobber %#x, sites allow %#x",
				 pv_op_name(c), abi, site);
	}
}

static void result_and_noreturn_flags_agree(void **st)
{
	(void)st;
	for (unsigned c = 0; c < VMI_CALL_COUNT; c++) {
		int pv_noret = !!(pv_op_info[c].flags & PV_OPF_NORETURN);
		int abi_noret = !!(vmi_call_desc(c)->flags & VMI_CF_NORETURN);
		assert_int_equal(pv_noret, abi_noret);
		/* An op with a result must be one the ABI forbids NOP for. */
		if (pv_op_info[c].flags & PV_OPF_RESULT)
			assert_true(vmi_call_desc(c)->flags & VMI_CF_RESULT);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(numbers_and_names_match),
		cmocka_unit_test(sites_allow_what_the_abi_allows),
		cmocka_unit_test(result_and_noreturn_flags_agree),
	};
	return cmocka_run_group_tests_name("abi_compat", tests, NULL, NULL);
}
