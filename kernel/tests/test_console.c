/*
 * test_console.c: the console switch-over (console_set_sink): a sink
 * gets what the kernel prints, a sink that gives up hands the console
 * back, and the old path takes the rest.
 */
#include <string.h>
#include "kernel.h"
#include "ktest.h"

#define KTEST_SUITE "console"

static char got[128];
static size_t ngot;
static int calls;

static void record_sink(const char *s, size_t n)
{
	size_t k = n < sizeof(got) - ngot ? n : sizeof(got) - ngot;
	memcpy(got + ngot, s, k);
	ngot += k;
	calls++;
}

/* Fails on its first write, as a driver whose device stopped answering. */
static void failing_sink(const char *s, size_t n)
{
	calls++;
	console_set_sink(NULL);
	printf("console test: the failing sink's own message goes the old way\n");
}

/* The sink in use before a case (a virtio console, or none): each case
 * puts it back, so the suites after this one still print through it. */
static void (*saved)(const char *s, size_t n);

KTEST(sink_receives_output)
{
	ngot = 0;
	calls = 0;
	saved = console_get_sink();
	console_set_sink(record_sink);
	printf("to the sink %d\n", 42);
	console_set_sink(NULL);
	KT_EXPECT(calls >= 1);
	KT_EXPECT(ngot == strlen("to the sink 42\n") && memcmp(got, "to the sink 42\n", ngot) == 0);
	int before = calls;
	printf("    # back on the old console\n");
	KT_EXPECT_EQ(calls, before);		/* NULL: the sink is out */
	console_set_sink(saved);
}

KTEST(failing_sink_hands_back)
{
	calls = 0;
	saved = console_get_sink();
	console_set_sink(failing_sink);
	printf("    # this line reaches the old console after the sink gave up\n");
	printf("    # and so does this one\n");
	KT_EXPECT_EQ(calls, 1);			/* called once, then out */
	console_set_sink(saved);
}
