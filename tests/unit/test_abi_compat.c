/*
 * test_abi_compat.c: the guest's pvops layer and the ROM ABI agree:
 * same numbers and names for every op and call, and every call site lets
 * a ROM entry clobber at least what the ABI allows it to, so a
 * conforming ROM is never refused by the patcher.  And the built test
 * ROMs of both minors (SPEC.md 15): testrom-v10.rom is a valid ABI 1.0
 * image without call 39, testrom.rom a 1.1 one that announces it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
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

/* A built ROM image, read whole (suites run from the top of the tree). */
static uint8_t *read_rom(const char *name, size_t *len)
{
	char path[256];
	const char *build = getenv("BUILD") ? getenv("BUILD") : "build";
	snprintf(path, sizeof(path), "%s/backends/%s", build, name);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("%s: cannot open (run make all first)", path);
	uint8_t *buf = malloc(256 * 512);
	assert_non_null(buf);
	*len = fread(buf, 1, 256 * 512, f);
	fclose(f);
	return buf;
}

/* The test ROM built as ABI 1.0: valid, 39 calls, no feature bits, so a
 * 1.1 guest keeps DEVICE_NOTIFY native; every 1.0 answer the same as the
 * 1.1 test ROM's. */
static void testrom_v10_is_abi_1_0(void **st)
{
	(void)st;
	size_t l10, l11;
	uint8_t *v10 = read_rom("testrom-v10.rom", &l10), *v11 = read_rom("testrom-v11.rom", &l11);
	struct vmi_rom_info i10, i11;
	assert_int_equal(vmi_validate(v10, l10, &i10), VMI_ST_OK);
	assert_int_equal(vmi_validate(v11, l11, &i11), VMI_ST_OK);
	assert_int_equal(i10.hdr.abi_minor, 0);
	assert_int_equal(i10.hdr.calls_count, VMI_CALL_COUNT_V1_0);
	assert_int_equal(i10.calls_known, VMI_CALL_COUNT_V1_0);
	assert_int_equal(i10.hdr.features, 0);
	assert_int_equal(i11.hdr.abi_minor, 1);
	assert_int_equal(i11.calls_known, VMI_CALL_COUNT_V1_1);
	assert_true(i11.hdr.features & VMI_FEAT_DEVICE_NOTIFY);
	struct vmi_reloc r10, r11;
	assert_int_equal(vmi_table_reloc(v11, &i11, VMI_CALL_DEVICE_NOTIFY, &r11), VMI_ST_OK);
	assert_int_equal(r11.type, VMI_RELOC_CALL);
	assert_int_equal(vmi_table_reloc(v10, &i10, VMI_CALL_DEVICE_NOTIFY, &r10),
			 VMI_ST_CALL_UNKNOWN);
	for (unsigned c = 0; c < VMI_CALL_COUNT_V1_0; c++) {
		assert_int_equal(vmi_table_reloc(v10, &i10, c, &r10), VMI_ST_OK);
		assert_int_equal(vmi_table_reloc(v11, &i11, c, &r11), VMI_ST_OK);
		assert_int_equal(r10.type, r11.type);
	}
	free(v10);
	free(v11);
}

/* The 1.1 call: number 39, callee-save, rax only, NOP allowed (a host
 * that polls its queues needs no notify), announced by feature bit 0. */
static void device_notify_is_call_39(void **st)
{
	(void)st;
	assert_int_equal(VMI_CALL_DEVICE_NOTIFY, 39);
	assert_int_equal(PV_OP_DEVICE_NOTIFY, 39);
	assert_int_equal(VMI_CALL_COUNT, 40);
	assert_int_equal(VMI_CALLS_FOR_MINOR(0), 39);
	assert_int_equal(VMI_CALLS_FOR_MINOR(1), 40);
	assert_int_equal(VMI_FEAT_DEVICE_NOTIFY, 1);
	assert_int_equal(VMI_CALL_FEATURE(VMI_CALL_DEVICE_NOTIFY), VMI_FEAT_DEVICE_NOTIFY);
	assert_int_equal(VMI_CALL_FEATURE(VMI_CALL_REBOOT), 0);
	const struct vmi_call_desc *d = vmi_call_desc(VMI_CALL_DEVICE_NOTIFY);
	assert_string_equal(d->name, "device_notify");
	assert_int_equal(d->conv, VMI_CONV_CALLEE_SAVE);
	assert_int_equal(d->allowed, VMI_CLOB_RAX);
	assert_int_equal(d->flags, 0);
	assert_int_equal(pv_op_info[PV_OP_DEVICE_NOTIFY].in,
			 PV_REG_RDI | PV_REG_RSI | PV_REG_RDX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(numbers_and_names_match),
		cmocka_unit_test(sites_allow_what_the_abi_allows),
		cmocka_unit_test(result_and_noreturn_flags_agree),
		cmocka_unit_test(device_notify_is_call_39),
		cmocka_unit_test(testrom_v10_is_abi_1_0),
	};
	return cmocka_run_group_tests_name("abi_compat", tests, NULL, NULL);
}
