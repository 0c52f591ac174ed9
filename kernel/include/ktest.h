/*
 * ktest.h: in-guest test cases, reported as KTAP version 1.
 *
 * A test file defines KTEST_SUITE (a string) and then cases:
 *
 *	#define KTEST_SUITE "pmm"
 *	KTEST(alloc_free) { KT_EXPECT(pmm_alloc() != 0); }
 *
 * Cases are records in the .ktests.<suite> section, so suites run in
 * name order and cases in file order.  `test` runs them all; `test=X`
 * runs the suites or cases whose "suite.case" name starts with X, and
 * `test=X,Y` those that start with either.
 * KTEST_EXPLICIT cases (deliberate panics) run only when named exactly.
 * KTEST_FRAMES cases count free frames: no re-bind runs during them
 * (rebind_hold), as a re-bind allocates and frees frames.
 * A suite may have a precondition (KTEST_SUITE_PRECONDITION).
 */
#ifndef KTEST_H
#define KTEST_H

#include <stdbool.h>

struct kt {
	int failures;
	const char *skip;			/* reason, when skipped */
};

struct ktest {
	const char *suite, *name;
	void (*fn)(struct kt *kt);
	unsigned flags;
};

#define KTEST_EXPLICIT 1
#define KTEST_PRECOND 2		/* not a case: may skip the whole suite */
#define KTEST_FRAMES 4		/* counts free frames: no re-bind runs meanwhile */

#define KTEST_FLAGS(nm, fl)						\
	static void kt_fn_##nm(struct kt *kt);				\
	static const struct ktest kt_rec_##nm				\
	__attribute__((used, section(".ktests." KTEST_SUITE), aligned(8))) = \
		{ KTEST_SUITE, #nm, kt_fn_##nm, fl };			\
	static void kt_fn_##nm(struct kt *kt __attribute__((unused)))
#define KTEST(nm) KTEST_FLAGS(nm, 0)
/*
 * KTEST_SUITE_PRECONDITION { if (...) KT_SKIP("why"); } placed before the
 * suite's first case: when it skips, the suite is reported as one
 * skipped result with that reason instead of a skip per case (a suite
 * for a backend that is not bound here).
 */
#define KT_CAT2_(a, b) a##b
#define KT_CAT_(a, b) KT_CAT2_(a, b)
#define KTEST_FLAGS_X_(nm, fl) KTEST_FLAGS(nm, fl)
#define KTEST_SUITE_PRECONDITION KTEST_FLAGS_X_(KT_CAT_(precondition_, __LINE__), KTEST_PRECOND)

void kt_fail(struct kt *kt, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void kt_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define KT_EXPECT(c) do { if (!(c)) kt_fail(kt, __FILE__, __LINE__, "expected %s", #c); } while (0)
#define KT_ASSERT(c) do { if (!(c)) { kt_fail(kt, __FILE__, __LINE__, "assertion %s", #c); return; } } while (0)
#define KT_EXPECT_EQ(a, b) do {						\
	unsigned long long a_ = (unsigned long long)(a), b_ = (unsigned long long)(b); \
	if (a_ != b_)							\
		kt_fail(kt, __FILE__, __LINE__, "%s == %s: %#llx != %#llx", #a, #b, a_, b_); \
} while (0)
#define KT_SKIP(reason) do { kt->skip = (reason); return; } while (0)

/* Runs the selected cases; returns true when none failed. */
bool ktest_run(const char *filter);

#endif
