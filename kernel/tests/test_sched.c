/*
 * test_sched.c: the timer advances; threads switch, round trip, and are
 * preempted when they never yield.
 */
#include "kernel.h"
#include "pic.h"
#include "sched.h"
#include "ktest.h"
#include <pvops/pvops.h>

#define KTEST_SUITE "sched"

KTEST(timer_advances)
{
	uint64_t t0 = timer_ticks, c0 = pv_clock_read();
	timer_wait_ticks(3);
	KT_EXPECT(timer_ticks >= t0 + 3);
	uint64_t c1 = pv_clock_read();
	KT_EXPECT(c1 > c0);
	/* Three tick boundaries 10 ms apart span at least 20 ms; allow half
	 * that, since emulated clocks drift against emulated timers. */
	if (c1 - c0 < 10000000ULL)
		kt_fail(kt, __FILE__, __LINE__, "3 ticks took only %llu ns of clock",
			(unsigned long long)(c1 - c0));
}

struct pingpong {
	volatile int turn;
	volatile int rounds[2];
};

static void ping(void *arg)
{
	struct pingpong *pp = arg;
	int me = thread_current()->name[1] == 'o';	/* "pong" -> 1 */
	for (int i = 0; i < 20; i++) {
		while (pp->turn != me)
			thread_yield();
		pp->rounds[me]++;
		pp->turn = !me;
	}
}

KTEST(thread_round_trip)
{
	struct pingpong pp = { 0, { 0, 0 } };
	uint64_t sw = sched_switches();
	struct thread *a = thread_create("ping", ping, &pp);
	struct thread *b = thread_create("pong", ping, &pp);
	KT_ASSERT(a && b);
	thread_join(a);
	thread_join(b);
	KT_EXPECT_EQ(pp.rounds[0], 20);
	KT_EXPECT_EQ(pp.rounds[1], 20);
	KT_EXPECT(sched_switches() - sw >= 40);
}

static volatile int spinner_saw_flag;
static volatile int flag;

/* Spins without yielding until the other thread has run. */
static void spinner(void *arg)
{
	(void)arg;
	uint64_t deadline = timer_ticks + 200;		/* 2 s */
	while (!flag && timer_ticks < deadline)
		;
	spinner_saw_flag = flag;
}

static void setter(void *arg)
{
	(void)arg;
	flag = 1;
}

KTEST(preemption)
{
	flag = 0;
	spinner_saw_flag = 0;
	struct thread *s = thread_create("spinner", spinner, NULL);
	KT_ASSERT(s);
	thread_yield();				/* let the spinner start */
	struct thread *t = thread_create("setter", setter, NULL);
	KT_ASSERT(t);
	thread_join(s);
	thread_join(t);
	KT_EXPECT(spinner_saw_flag);
}
