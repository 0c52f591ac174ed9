/*
 * ktest.c: runs the KTEST cases and prints KTAP version 1.
 *
 * Output: a top-level plan over suites, each suite a subtest block
 * indented four spaces with its own plan and one result per case;
 * failure diagnostics are "# " lines under the case.
 */
#include <stdarg.h>
#include <string.h>
#include "kernel.h"
#include "ktest.h"
#include "rebind.h"

extern const struct ktest __ktests_start[], __ktests_end[];

void kt_fail(struct kt *kt, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	kt->failures++;
	printf("    # %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

void kt_note(const char *fmt, ...)
{
	va_list ap;
	printf("    # ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* Does one word of the filter (len bytes at w) select the case? */
static bool word_selects(const struct ktest *t, const char *full, const char *w, size_t len)
{
	if (t->flags & KTEST_EXPLICIT)
		return (strlen(full) == len && strncmp(full, w, len) == 0) ||
		       (strlen(t->name) == len && strncmp(t->name, w, len) == 0);
	return strncmp(full, w, len) == 0;
}

/* The filter is a comma-separated list of prefixes ("test=a,b.c"). */
static bool selected(const struct ktest *t, const char *filter)
{
	char full[96];
	if (t->flags & KTEST_PRECOND)
		return false;				/* not a case */
	snprintf(full, sizeof(full), "%s.%s", t->suite, t->name);
	if (!filter || !*filter)
		return !(t->flags & KTEST_EXPLICIT);
	for (const char *w = filter; *w; ) {
		size_t len = strcspn(w, ",");
		if (len && word_selects(t, full, w, len))
			return true;
		w += len;
		if (*w == ',')
			w++;
	}
	return false;
}

static int count_suites(const char *filter)
{
	int n = 0;
	const char *last = NULL;
	for (const struct ktest *t = __ktests_start; t < __ktests_end; t++) {
		if (!selected(t, filter))
			continue;
		if (!last || strcmp(last, t->suite) != 0)
			n++;
		last = t->suite;
	}
	return n;
}

/* Runs the selected cases of the suite starting at *tp; advances *tp. */
static bool run_suite(const struct ktest **tp, const char *filter, int idx)
{
	const struct ktest *first = *tp, *t;
	int n = 0, i = 0, failed = 0;
	for (t = first; t < __ktests_end && strcmp(t->suite, first->suite) == 0; t++)
		n += selected(t, filter);
	*tp = t;
	if (n == 0)
		return true;
	for (t = first; t < *tp; t++) {
		if (!(t->flags & KTEST_PRECOND))
			continue;
		struct kt kt = { 0, NULL };
		t->fn(&kt);
		if (kt.skip) {
			printf("ok %d %s # SKIP %s\n", idx, first->suite, kt.skip);
			return true;
		}
	}
	printf("    KTAP version 1\n    # Subtest: %s\n    1..%d\n", first->suite, n);
	for (t = first; t < *tp; t++) {
		if (!selected(t, filter))
			continue;
		struct kt kt = { 0, NULL };
		if (t->flags & KTEST_FRAMES)
			rebind_hold();		/* a re-bind allocates and frees frames */
		t->fn(&kt);
		if (t->flags & KTEST_FRAMES)
			rebind_release();
		i++;
		if (kt.skip && !kt.failures)
			printf("    ok %d %s # SKIP %s\n", i, t->name, kt.skip);
		else
			printf("    %s %d %s\n", kt.failures ? "not ok" : "ok", i, t->name);
		failed += kt.failures != 0;
	}
	printf("%s %d %s\n", failed ? "not ok" : "ok", idx, first->suite);
	return failed == 0;
}

bool ktest_run(const char *filter)
{
	bool ok = true;
	int idx = 0, n = count_suites(filter);
	printf("KTAP version 1\n1..%d\n", n);
	if (n == 0) {
		printf("# no test matches '%s'\n", filter ? filter : "");
		return false;
	}
	const struct ktest *t = __ktests_start;
	while (t < __ktests_end) {
		const struct ktest *before = t;
		bool any = false;
		for (const struct ktest *u = t; u < __ktests_end && strcmp(u->suite, t->suite) == 0; u++)
			any |= selected(u, filter);
		ok &= run_suite(&t, filter, any ? ++idx : idx);
		if (t == before)
			t++;
	}
	return ok;
}
