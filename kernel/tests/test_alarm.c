/*
 * test_alarm.c: SET_ALARM as SPEC.md section 11 defines it for a ROM that
 * answers CALL: 0 cancels, a far deadline is not delivered early, a past
 * deadline is delivered at once.  Natively the alarm is the PIT one-shot,
 * which has no cancel and reaches 54.9 ms: these cases skip there.
 */
#include "kernel.h"
#include "ktest.h"
#include "pic.h"
#include <pvops/pvops.h>

#define KTEST_SUITE "alarm"

#define MS 1000000ULL

KTEST_SUITE_PRECONDITION
{
	if (pv_op_native(PV_OP_SET_ALARM))
		KT_SKIP("SET_ALARM is native (the PIT one-shot)");
}

/* Spins ns with interrupts on; true if no tick arrived meanwhile. */
static bool quiet_for(uint64_t ns)
{
	uint64_t t = timer_ticks, end = pv_clock_read() + ns;
	while (pv_clock_read() < end)
		;
	return timer_ticks == t;
}

/* Sets deadline with no tick in flight: a tick that was already on its
 * way re-arms the chain from the handler, so retry until none came. */
static void alarm_alone(uint64_t deadline)
{
	for (int i = 0; i < 5; i++) {
		pv_irq_disable();
		pv_set_alarm(0);
		pv_irq_enable();
		if (quiet_for(2 * MS))
			break;
	}
	if (deadline) {
		pv_irq_disable();
		pv_set_alarm(deadline);
		pv_irq_enable();
	}
}

/* The tick chain again (timer.c catches up from "now"). */
static void rearm(void)
{
	pv_set_alarm(pv_clock_read() + MS);
}

KTEST(cancel_stops_delivery)
{
	alarm_alone(0);
	KT_EXPECT(quiet_for(30 * MS));
	rearm();
}

KTEST(far_deadline_not_early)
{
	alarm_alone(pv_clock_read() + 10000 * MS);	/* 10 s */
	KT_EXPECT(quiet_for(30 * MS));
	rearm();
}

KTEST(past_deadline_at_once)
{
	alarm_alone(0);
	uint64_t t = timer_ticks, end = pv_clock_read() + 20 * MS;
	alarm_alone(1);					/* long passed */
	while (timer_ticks == t && pv_clock_read() < end)
		;
	KT_EXPECT(timer_ticks > t);
}

KTEST(later_alarm_replaces_earlier)
{
	uint64_t now = pv_clock_read();
	alarm_alone(now + 5 * MS);
	pv_irq_disable();
	pv_set_alarm(now + 10000 * MS);			/* replaces the 5 ms one */
	pv_irq_enable();
	KT_EXPECT(quiet_for(30 * MS));
	rearm();
}
