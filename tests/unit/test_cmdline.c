/*
 * test_cmdline.c: the kernel command-line parser (kernel/cmdline.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "cmdline.h"

static int warns;
static char last_warn[64];

static void warn(const char *w, size_t n, const char *msg)
{
	(void)msg;
	warns++;
	snprintf(last_warn, sizeof(last_warn), "%.*s", (int)n, w);
}

static int parse(const char *s, struct kopts *o)
{
	warns = 0;
	last_warn[0] = 0;
	return cmdline_parse(s, o, warn);
}

static void empty_gives_defaults(void **st)
{
	(void)st;
	struct kopts o;
	assert_int_equal(parse("", &o), 0);
	assert_false(o.test);
	assert_false(o.bench);
	assert_false(o.quiet);
	assert_int_equal(o.pv_mode, PVMODE_PATCH);
	assert_int_equal(parse(NULL, &o), 0);
}

static void flags_and_values(void **st)
{
	(void)st;
	struct kopts o;
	assert_int_equal(parse("test quiet pvops=nopatch bench=irq", &o), 0);
	assert_true(o.test);
	assert_true(o.quiet);
	assert_true(o.bench);
	assert_string_equal(o.bench_filter, "irq");
	assert_string_equal(o.test_filter, "");
	assert_int_equal(o.pv_mode, PVMODE_NOPATCH);
	assert_int_equal(parse("  test=mm.pmm   pvops=verbose\trom=off ", &o), 0);
	assert_string_equal(o.test_filter, "mm.pmm");
	assert_true(o.pv_verbose);
	assert_true(o.rom_off);
	assert_int_equal(parse("expect=xenlike", &o), 0);
	assert_string_equal(o.expect, "xenlike");
	assert_int_equal(parse("expect", &o), 1);
	assert_int_equal(parse("virtio=blk,ro", &o), 0);
	assert_string_equal(o.virtio, "blk,ro");
	assert_int_equal(parse("virtio", &o), 1);		/* needs a value */
}

static void unknown_reported_and_ignored(void **st)
{
	(void)st;
	struct kopts o;
	assert_int_equal(parse("test frobnicate=3 quiet", &o), 1);
	assert_int_equal(warns, 1);
	assert_string_equal(last_warn, "frobnicate=3");
	assert_true(o.test);
	assert_true(o.quiet);
	assert_int_equal(parse("pvops=sideways", &o), 1);
	assert_int_equal(o.pv_mode, PVMODE_PATCH);
	assert_int_equal(parse("pvops", &o), 1);
	assert_int_equal(parse("quiet=1", &o), 1);
	assert_false(o.quiet);
}

static void image_path_first_word_skipped(void **st)
{
	(void)st;
	struct kopts o;
	assert_int_equal(parse("/boot/kernel test", &o), 0);
	assert_true(o.test);
	assert_int_equal(parse("build/kernel quiet", &o), 0);
	assert_true(o.quiet);
	/* Only the first word: a later path is an unknown option. */
	assert_int_equal(parse("test /boot/kernel", &o), 1);
}

static void overlong_value_refused(void **st)
{
	(void)st;
	struct kopts o;
	char line[200] = "test=";
	memset(line + 5, 'x', 150);
	line[155] = 0;
	assert_int_equal(parse(line, &o), 1);
	assert_false(o.test);
	assert_string_equal(o.test_filter, "");
}

/* Issue 14: rebind=off, rebind.hop, rebind.wait=N (0 to 100). */
static void rebind_options(void **st)
{
	(void)st;
	struct kopts o;
	assert_int_equal(parse("rebind=off rebind.hop rebind.wait=3", &o), 0);
	assert_true(o.rebind_off);
	assert_true(o.rebind_hop);
	assert_int_equal(o.rebind_wait, 3);
	assert_int_equal(parse("rebind.wait=100", &o), 0);
	assert_int_equal(o.rebind_wait, 100);
	assert_int_equal(parse("rebind.wait=101", &o), 1);
	assert_int_equal(parse("rebind.wait=x", &o), 1);
	assert_int_equal(parse("rebind.wait=", &o), 1);
	assert_int_equal(parse("rebind.wait=99999999999", &o), 1);
	assert_int_equal(o.rebind_wait, 0);
	assert_int_equal(parse("rebind=on", &o), 1);
}

/* noint3 (QEMU on a KVM that emulates) and rominline=off: bare words. */
static void platform_words(void **st)
{
	(void)st;
	struct kopts o;
	assert_int_equal(parse("test", &o), 0);
	assert_false(o.no_int3);
	assert_false(o.rom_inline_off);
	assert_int_equal(parse("noint3 rominline=off", &o), 0);
	assert_true(o.no_int3);
	assert_true(o.rom_inline_off);
	assert_int_equal(parse("noint3=1", &o), 1);
	assert_false(o.no_int3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_gives_defaults),
		cmocka_unit_test(flags_and_values),
		cmocka_unit_test(unknown_reported_and_ignored),
		cmocka_unit_test(image_path_first_word_skipped),
		cmocka_unit_test(overlong_value_refused),
		cmocka_unit_test(rebind_options),
		cmocka_unit_test(platform_words),
	};
	return cmocka_run_group_tests_name("cmdline", tests, NULL, NULL);
}
