/*
 * timer.c: the kernel tick.
 *
 * There is no periodic source: each tick arms the next one with the
 * pvops one-shot alarm (pv_set_alarm), as a Xen PV guest does with its
 * single-shot timer.  Natively the alarm is the PIT in one-shot mode on
 * IRQ 0; a backend may deliver it any way it likes on the same vector.
 */
#include "kernel.h"
#include "pic.h"
#include "trap.h"
#include "sched.h"
#include <pvops/pvops.h>
#include "rebind.h"

#define TICK_NS (1000000000ULL / TIMER_HZ)

volatile uint64_t timer_ticks;
static uint64_t next_deadline;
/* Issue 14: every tick checks that the clock did not run backwards
 * since the last one (a guest saved and restored, or migrated, must
 * not see its time go back); kernel/tests/test_time.c reads these. */
volatile uint64_t clock_backwards, clock_checks;
static uint64_t clock_last;

static void timer_irq(struct trapframe *tf)
{
	(void)tf;
	timer_ticks++;
	pic_eoi(0);
	uint64_t now = pv_clock_read();
	if (now < clock_last)
		clock_backwards++;
	clock_last = now;
	clock_checks++;
	next_deadline += TICK_NS;
	if (next_deadline <= now)		/* fell behind: don't replay */
		next_deadline = now + TICK_NS;
	pv_set_alarm(next_deadline);
	sched_tick();
	rebind_tick();				/* ABI 1.3: did the ROM change? */
}

void timer_init(void)
{
	irq_register(VEC_TIMER, timer_irq);
	pic_unmask(0);
	next_deadline = pv_clock_read() + TICK_NS;
	pv_set_alarm(next_deadline);
	klog("timer: %d Hz from one-shot alarms, clock %llu kHz\n", TIMER_HZ,
	     (unsigned long long)(pv_clock_freq() / 1000));
}

/* Sleeps with hlt until n more ticks have passed. */
void timer_wait_ticks(uint64_t n)
{
	uint64_t until = timer_ticks + n;
	while (timer_ticks < until) {
		pv_irq_disable();
		if (timer_ticks < until && !rebind_pending())
			pv_safe_halt();		/* sti; hlt: no lost wakeup */
		else
			pv_irq_enable();
		if (rebind_pending())		/* let it run, outside the ROM */
			thread_yield();
	}
}

/* Issue 14: the clock changed under the tick (a re-bind: the new
 * backend's CLOCK_READ has its own epoch).  The next tick keeps the
 * time it had left, on the new clock, and is armed there. */
void timer_rebase(uint64_t old_now, uint64_t new_now)
{
	uint64_t left = next_deadline > old_now ? next_deadline - old_now : 0;
	next_deadline = new_now + left;
	/* Each backend's clock has its own origin (SPEC.md section 20): a
	 * hop starts a new time line, which the backwards check follows
	 * from here.  A restore on the same backend does not come here. */
	clock_last = new_now;
	pv_set_alarm(next_deadline);
}
