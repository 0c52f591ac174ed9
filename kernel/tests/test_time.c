/*
 * test_time.c: the clock never runs backwards (issue 14: a guest that
 * was snapshotted and restored, or live-migrated, must find its time
 * where it left it or later).  timer.c compares the clock at every
 * tick with the tick before; this suite runs late in the self-tests,
 * so a save taken once they start lies between those ticks.
 */
#include "kernel.h"
#include "ktest.h"
#include <pvops/pvops.h>

#define KTEST_SUITE "time"

extern volatile uint64_t clock_backwards, clock_checks;

/* Every tick so far saw the clock at or after the last tick's. */
KTEST(never_backwards_at_ticks)
{
	KT_EXPECT(clock_checks > 0);
	KT_EXPECT(clock_backwards == 0);
}

/* A tight loop of reads never sees time go back. */
KTEST(never_backwards_in_a_loop)
{
	uint64_t last = pv_clock_read();
	int back = 0;

	for (int i = 0; i < 20000; i++) {
		uint64_t now = pv_clock_read();
		back += now < last;
		last = now;
	}
	KT_EXPECT(back == 0);
}
