/* test_ktap.c: cmocka tests for the harness's KTAP/TAP parser. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktap.h"

/* Parses a NUL-terminated text and checks the three counts. */
static void parse_expect(const char *text, struct ktap_summary *s,
			 unsigned passed, unsigned failed, unsigned skipped)
{
	memset(s, 0, sizeof(*s));
	assert_int_equal(ktap_parse(text, strlen(text), s), 0);
	assert_int_equal(s->passed, passed);
	assert_int_equal(s->failed, failed);
	assert_int_equal(s->skipped, skipped);
}

/* Checks failure i's name and reason (NULL: a plain "not ok"). */
static void expect_failure(const struct ktap_summary *s, unsigned i,
			   const char *name, const char *reason)
{
	assert_true(i < s->nfailures);
	assert_string_equal(s->failures[i].name, name);
	if (reason)
		assert_non_null(s->failures[i].reason);
	if (reason)
		assert_string_equal(s->failures[i].reason, reason);
	else
		assert_null(s->failures[i].reason);
}

static void test_plain_tap(void **state)
{
	struct ktap_summary s;

	(void)state;
	parse_expect("TAP version 13\n1..3\nok 1 - a\nok 2 b\nok 3\n",
		     &s, 3, 0, 0);
	assert_int_equal(s.nfailures, 0);
	ktap_summary_free(&s);
}

/* The exact shape cmocka 1.1.5 prints with CMOCKA_MESSAGE_OUTPUT=TAP. */
static void test_cmocka_tap(void **state)
{
	struct ktap_summary s;

	(void)state;
	parse_expect("1..3\n"
		     "ok 1 - a\n"
		     "not ok 2 # SKIP b\n"
		     "not ok 3 - c\n"
		     "# 0x1 != 0x2\n"
		     "# test_x.c:12: error: Failure!\n"
		     "# not ok - tests\n",
		     &s, 1, 1, 1);
	assert_int_equal(s.nfailures, 1);
	expect_failure(&s, 0, "c", NULL);
	assert_non_null(strstr(s.failures[0].diag, "# 0x1 != 0x2\n"));
	assert_non_null(strstr(s.failures[0].diag, "test_x.c:12"));
	ktap_summary_free(&s);
}

/* Two cmocka groups in one program: the second plan starts anew. */
static void test_two_groups(void **state)
{
	struct ktap_summary s;

	(void)state;
	parse_expect("1..2\nok 1 - a\nok 2 - b\n1..1\nnot ok 1 - c\n",
		     &s, 2, 1, 0);
	expect_failure(&s, 0, "c", NULL);
	ktap_summary_free(&s);
	parse_expect("1..2\nok 1 - a\n1..1\nok 1 - c\n", &s, 2, 1, 0);
	expect_failure(&s, 0, "(top level)", "plan says 2, saw 1");
	ktap_summary_free(&s);
}

static const char kunit_out[] =
	"[    0.000] booting\n"
	"KTAP version 1\n"
	"1..2\n"
	"    KTAP version 1\n"
	"    # Subtest: mm\n"
	"    1..3\n"
	"    ok 1 alloc\n"
	"    # map: EXPECTATION FAILED at mm.c:40\n"
	"    not ok 2 map\n"
	"    ok 3 huge # SKIP no 1 GiB pages\n"
	"not ok 1 mm\n"
	"    KTAP version 1\n"
	"    # Subtest: timer\n"
	"    1..1\n"
	"        KTAP version 1\n"
	"        # Subtest: ticks\n"
	"        1..2\n"
	"        ok 1 hz100\n"
	"        ok 2 hz1000\n"
	"    ok 1 ticks\n"
	"ok 2 timer\n";

static void test_kunit_nesting(void **state)
{
	struct ktap_summary s;

	(void)state;
	parse_expect(kunit_out, &s, 3, 1, 1);
	assert_int_equal(s.nfailures, 1);
	expect_failure(&s, 0, "mm.map", NULL);
	assert_string_equal(s.failures[0].diag,
			    "# map: EXPECTATION FAILED at mm.c:40\n");
	ktap_summary_free(&s);
}

/* Some producers indent subtests by two spaces. */
static void test_two_space_nesting(void **state)
{
	struct ktap_summary s;

	(void)state;
	parse_expect("KTAP version 1\n1..2\n"
		     "  KTAP version 1\n  # Subtest: a\n  1..2\n"
		     "  ok 1 x\n  ok 2 y\n"
		     "ok 1 a\n"
		     "  KTAP version 1\n  # Subtest: b\n  1..1\n"
		     "  not ok 1 z\n"
		     "not ok 2 b\n",
		     &s, 2, 1, 0);
	expect_failure(&s, 0, "b.z", NULL);
	ktap_summary_free(&s);
}

/* Subtests with no header at the outer depth still count as subtests. */
static void test_headerless_outer(void **state)
{
	struct ktap_summary s;

	(void)state;
	parse_expect("    ok 1 x\n    ok 2 y\nok 1 suite\n", &s, 2, 0, 0);
	ktap_summary_free(&s);
}

static void test_skip_case_insensitive(void **state)
{
	struct ktap_summary s;

	(void)state;
	parse_expect("1..4\nok 1 a # skip why\nnot ok 2 b #SKIP\n"
		     "ok 3 c # Skipped\nnot ok 4 d # TODO later\n",
		     &s, 0, 0, 4);
	ktap_summary_free(&s);
}

static void test_plan_mismatch(void **state)
{
	struct ktap_summary s;

	(void)state;
	parse_expect("KTAP version 1\n1..5\nok 1 a\nok 2 b\nok 3 c\n",
		     &s, 3, 1, 0);
	expect_failure(&s, 0, "(top level)", "plan says 5, saw 3");
	ktap_summary_free(&s);
	parse_expect("1..1\nok 1 a\nok 2 b\n", &s, 2, 1, 0);
	expect_failure(&s, 0, "(top level)", "plan says 1, saw 2");
	ktap_summary_free(&s);
}

/* A nested block that stops short is named after its parent result. */
static void test_nested_plan_mismatch(void **state)
{
	struct ktap_summary s;

	(void)state;
	parse_expect("KTAP version 1\n1..1\n"
		     "    KTAP version 1\n    1..3\n    ok 1 x\n"
		     "not ok 1 boot-tcg\n# exit status 37: kernel panic\n"
		     "# PANIC: #PF at 0x10\n",
		     &s, 1, 1, 0);
	expect_failure(&s, 0, "boot-tcg", "plan says 3, saw 1");
	assert_non_null(strstr(s.failures[0].diag, "# PANIC: #PF"));
	ktap_summary_free(&s);
}

/* Output cut off inside a subtest: both open plans are short. */
static void test_truncated(void **state)
{
	struct ktap_summary s;
	size_t cut = strstr(kunit_out, "    ok 3 huge") - kunit_out;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(ktap_parse(kunit_out, cut, &s), 0);
	assert_int_equal(s.passed, 1);
	assert_int_equal(s.failed, 3);
	assert_int_equal(s.skipped, 0);
	expect_failure(&s, 0, "mm.map", NULL);
	expect_failure(&s, 1, "mm", "plan says 3, saw 2");
	expect_failure(&s, 2, "(top level)", "plan says 2, saw 0");
	ktap_summary_free(&s);
	/* cut in the middle of a line, without its newline */
	memset(&s, 0, sizeof(s));
	assert_int_equal(ktap_parse("1..2\nok 1 a\nok 2", 15, &s), 0);
	assert_int_equal(s.passed, 2);
	assert_int_equal(s.failed, 0);
	ktap_summary_free(&s);
}

/* A parent that says "not ok" although every subtest passed. */
static void test_parent_fails_alone(void **state)
{
	struct ktap_summary s;

	(void)state;
	parse_expect("KTAP version 1\n1..1\n"
		     "    KTAP version 1\n    1..2\n    ok 1 x\n    ok 2 y\n"
		     "not ok 1 boot-kvm\n# exit status 0: guest reset\n",
		     &s, 2, 1, 0);
	expect_failure(&s, 0, "boot-kvm", NULL);
	assert_string_equal(s.failures[0].diag,
			    "# exit status 0: guest reset\n");
	ktap_summary_free(&s);
}

static void test_plan_skip_and_empty(void **state)
{
	struct ktap_summary s;

	(void)state;
	parse_expect("1..0 # SKIP no /dev/kvm\n", &s, 0, 0, 1);
	ktap_summary_free(&s);
	parse_expect("1..0\n", &s, 0, 0, 0);
	ktap_summary_free(&s);
	parse_expect("", &s, 0, 0, 0);
	ktap_summary_free(&s);
	/* a skipped subtest block inside a parent counts once */
	parse_expect("KTAP version 1\n1..1\n    KTAP version 1\n"
		     "    1..0 # SKIP none\nok 1 s # SKIP none\n", &s, 0, 0, 1);
	ktap_summary_free(&s);
}

static void test_bail_out(void **state)
{
	struct ktap_summary s;

	(void)state;
	parse_expect("1..3\nok 1 a\nBail out! disk gone\nok 2 b\n",
		     &s, 1, 1, 0);
	expect_failure(&s, 0, "(top level)", "Bail out! disk gone");
	ktap_summary_free(&s);
}

/* Lines that merely look like results are not counted. */
static void test_near_misses(void **state)
{
	struct ktap_summary s;

	(void)state;
	parse_expect("okay then\nnot okay\nok\nnotok 1\n 1..x\n#nothing\n",
		     &s, 1, 0, 0);
	ktap_summary_free(&s);
}

/* Random bytes, NULs, CRs and a very long line: no crash, no count. */
static void test_garbage(void **state)
{
	struct ktap_summary s;
	size_t n = 200000, i;
	char *buf = malloc(n);
	unsigned seed = 12345;

	(void)state;
	assert_non_null(buf);
	for (i = 0; i < n; i++) {
		seed = seed * 1103515245 + 12345;
		buf[i] = (char)(seed >> 16);
	}
	memset(buf + 1000, 'x', 50000);
	memset(&s, 0, sizeof(s));
	assert_int_equal(ktap_parse(buf, n, &s), 0);
	assert_true(s.passed + s.failed + s.skipped < 50);
	ktap_summary_free(&s);
	memcpy(buf, "ok 1 a\r\n\0\0\nnot ok 2 b\r\n", 24);
	memset(&s, 0, sizeof(s));
	assert_int_equal(ktap_parse(buf, 24, &s), 0);
	assert_int_equal(s.passed, 1);
	assert_int_equal(s.failed, 1);
	expect_failure(&s, 0, "b", NULL);
	ktap_summary_free(&s);
	free(buf);
}

/* More failures than the list keeps: the count stays exact. */
static void test_many_failures(void **state)
{
	struct ktap_summary s;
	unsigned n = KTAP_MAX_FAILURES + 50, i;
	size_t cap = (size_t)n * 24, len = 0;
	char *buf = malloc(cap);

	(void)state;
	assert_non_null(buf);
	for (i = 1; i <= n; i++)
		len += snprintf(buf + len, cap - len, "not ok %u t%u\n", i, i);
	memset(&s, 0, sizeof(s));
	assert_int_equal(ktap_parse(buf, len, &s), 0);
	assert_int_equal(s.failed, n);
	assert_int_equal(s.nfailures, KTAP_MAX_FAILURES);
	expect_failure(&s, 0, "t1", NULL);
	ktap_summary_free(&s);
	free(buf);
}

/* Deeper nesting than the parser tracks is ignored, not a crash. */
static void test_very_deep(void **state)
{
	struct ktap_summary s;
	char buf[64 * 80];
	size_t len = 0;
	int i;

	(void)state;
	for (i = 0; i < 64; i++)
		len += snprintf(buf + len, sizeof(buf) - len, "%*s1..1\n",
				i * 2, "");
	memset(&s, 0, sizeof(s));
	assert_int_equal(ktap_parse(buf, len, &s), 0);
	assert_int_equal(s.passed, 0);
	assert_true(s.failed > 0);
	ktap_summary_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_tap),
		cmocka_unit_test(test_cmocka_tap),
		cmocka_unit_test(test_two_groups),
		cmocka_unit_test(test_kunit_nesting),
		cmocka_unit_test(test_two_space_nesting),
		cmocka_unit_test(test_headerless_outer),
		cmocka_unit_test(test_skip_case_insensitive),
		cmocka_unit_test(test_plan_mismatch),
		cmocka_unit_test(test_nested_plan_mismatch),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_parent_fails_alone),
		cmocka_unit_test(test_plan_skip_and_empty),
		cmocka_unit_test(test_bail_out),
		cmocka_unit_test(test_near_misses),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_many_failures),
		cmocka_unit_test(test_very_deep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
