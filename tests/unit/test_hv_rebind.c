/*
 * test_hv_rebind.c: cmocka tests of hv/rebind_check.c: the generation
 * stamped into a ROM image keeps its checksum zero and lands at the
 * header's generation field (SPEC.md section 20), and --switch-backend's
 * argument is split or refused with its reason.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../hv/rebind.h"
#include <vmi_abi.h>

static uint8_t win[0x20000];

/* A 2-block image whose bytes sum to zero. */
static void image(void)
{
	uint8_t sum = 0;
	memset(win, 0xff, sizeof(win));
	memset(win, 0x11, 1024);
	win[0] = 0x55, win[1] = 0xAA, win[2] = 2;
	for (int i = 0; i < 1023; i++)
		sum = (uint8_t)(sum + win[i]);
	win[1023] = (uint8_t)(0u - sum);
}

static uint8_t sum_of(const uint8_t *p, size_t n)
{
	uint8_t s = 0;
	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

static void test_stamp_keeps_checksum(void **state)
{
	(void)state;
	image();
	assert_int_equal(RB_GEN_OFFSET, VMI_IMAGE_GENERATION);
	assert_int_equal(rebind__stamp(win, sizeof(win), 0x01020304u), 0);
	assert_int_equal(win[VMI_IMAGE_GENERATION], 4);
	assert_int_equal(win[VMI_IMAGE_GENERATION + 3], 1);
	assert_int_equal(sum_of(win, 1024), 0);
	assert_int_equal(win[1024], 0xff);		/* nothing past the image */
	assert_int_equal(rebind__stamp(win, sizeof(win), 7), 0);
	assert_int_equal(sum_of(win, 1024), 0);
}

static void test_stamp_refuses_non_rom(void **state)
{
	(void)state;
	image();
	win[1] = 0xAB;
	assert_int_equal(rebind__stamp(win, sizeof(win), 2), -1);
	image();
	win[2] = 0;
	assert_int_equal(rebind__stamp(win, sizeof(win), 2), -1);
	image();
	assert_int_equal(rebind__stamp(win, 600, 2), -1);	/* image beyond len */
}

static void test_split(void **state)
{
	(void)state;
	char a[] = "300:xenlike:x.rom", b[] = "0:none";
	unsigned ms;
	const char *name, *rom, *why;
	assert_int_equal(rebind__split(a, &ms, &name, &rom, &why), 0);
	assert_int_equal(ms, 300);
	assert_string_equal(name, "xenlike");
	assert_string_equal(rom, "x.rom");
	assert_int_equal(rebind__split(b, &ms, &name, &rom, &why), 0);
	assert_string_equal(name, "none");
	assert_null(rom);
}

static void test_split_refuses(void **state)
{
	(void)state;
	static const char *const bad[][2] = {
		{ "xenlike", "want MS:NAME[:ROM]" },
		{ ":xenlike:x", "want MS:NAME[:ROM]" },
		{ "1x:none", "MS: want milliseconds, 0 to 3600000" },
		{ "3600001:none", "MS: want milliseconds, 0 to 3600000" },
		{ "5:kvm:x", "unknown backend (none, xenlike or vmwarelike)" },
		{ "5:none:x.rom", "backend none takes no ROM" },
		{ "5:vmwarelike", "a backend other than none needs its ROM (MS:NAME:ROM)" },
		{ "5:xenlike:", "empty ROM file name" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char buf[64];
		unsigned ms;
		const char *name, *rom, *why = NULL;
		strcpy(buf, bad[i][0]);
		assert_int_equal(rebind__split(buf, &ms, &name, &rom, &why), -1);
		assert_string_equal(why, bad[i][1]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stamp_keeps_checksum),
		cmocka_unit_test(test_stamp_refuses_non_rom),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_split_refuses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
