/*
 * bench_sched.c: the ops that need the rest of the kernel: a halt/wake
 * round trip on the timer, console output, thread and process switches,
 * and process creation.
 */
#include <string.h>
#include "kernel.h"
#include "pic.h"
#include "trap.h"
#include "sched.h"
#include "bench_int.h"
#include <pvops/pvops.h>

/* ---- halt/wake: arm the one-shot alarm for "now", sti; hlt ---- */

static volatile uint64_t wakeups;

/* Stands in for the tick handler while the op runs. */
static void wake_irq(struct trapframe *tf)
{
	(void)tf;
	wakeups++;
	pic_eoi(0);
}

/*
 * Each round: interrupts off, alarm at the current clock, safe halt
 * until the alarm's interrupt has run.  The tick handler is swapped for
 * wake_irq and put back by timer_init(), which re-arms the tick.
 */
void bench_halt_wake(uint64_t n, struct bench_sample *s)
{
	struct bench_mark m;
	irq_register(VEC_TIMER, wake_irq);
	bench_begin(&m);
	for (uint64_t i = 0; i < n; i++) {
		pv_irq_disable();
		uint64_t seen = wakeups;
		pv_set_alarm(pv_clock_read());
		while (wakeups == seen) {
			pv_safe_halt();
			pv_irq_disable();
		}
		pv_irq_enable();
	}
	bench_end(&m, s);
	s->units = n;
	bool quiet = kopts.quiet;
	kopts.quiet = true;			/* no second "timer:" line */
	timer_init();
	kopts.quiet = quiet;
}

/* ---- console: KiB buffers of KTAP diagnostic lines ---- */

#define CON_LINE 64

/* 1 KiB: sixteen 64-byte "# ..." lines, which KTAP parsers skip. */
static const char *console_kib(void)
{
	static char buf[1024];
	if (buf[0])
		return buf;
	for (int l = 0; l < 16; l++) {
		char *p = buf + l * CON_LINE;
		memset(p, '.', CON_LINE);
		memcpy(p, "# bench console filler ", 23);
		p[CON_LINE - 1] = '\n';
	}
	return buf;
}

void bench_console(uint64_t n, struct bench_sample *s)
{
	const char *buf = console_kib();
	struct bench_mark m;
	bench_begin(&m);
	for (uint64_t i = 0; i < n; i++)
		pv_console_write(buf, 1024);
	bench_end(&m, s);
	s->units = n;
}

/* ---- thread switch: the boot thread and a partner yield in turn ---- */

static volatile bool partner_stop;

static void partner(void *arg)
{
	(void)arg;
	while (!partner_stop)
		thread_yield();
}

void bench_thread_switch(uint64_t n, struct bench_sample *s)
{
	partner_stop = false;
	struct thread *t = thread_create("bench-partner", partner, NULL);
	if (!t) {
		s->units = 0;
		return;
	}
	thread_yield();				/* let it start */
	struct bench_mark m;
	uint64_t sw = sched_switches();
	bench_begin(&m);
	for (uint64_t i = 0; i < n; i++)
		thread_yield();
	bench_end(&m, s);
	s->units = sched_switches() - sw;
	partner_stop = true;
	thread_join(t);
}

/* ---- processes ---- */

/* Runs k `pingpong` processes (100 yields each) side by side to the end.
 * Returns false when one could not start or did not exit 0. */
static bool run_pingpongs(int k, struct bench_sample *s)
{
	struct proc *p[2] = { NULL, NULL };
	struct bench_mark m;
	uint64_t sw = sched_switches();
	bool ok = true;
	bench_begin(&m);
	for (int i = 0; i < k; i++)
		p[i] = proc_spawn("pingpong");
	for (int i = 0; i < k; i++)
		ok &= p[i] && proc_wait(p[i]) == 0;
	bench_end(&m, s);
	s->units = sched_switches() - sw;
	return ok;
}

/*
 * One process yielding alone never switches (nothing else is runnable);
 * two yielding side by side switch at each yield.  The difference of
 * the two runs, over the difference of their switch counts, is what a
 * switch between address spaces costs: spawning, exiting and the system
 * calls themselves cancel out.  On a noisy machine the difference can
 * come out negative: it is kept as a two's-complement uint64_t, which
 * the runner reads back as signed.
 */
void bench_proc_switch(uint64_t n, struct bench_sample *s)
{
	uint64_t tsc = 0, exits = 0, units = 0;
	for (uint64_t i = 0; i < n; i++) {
		struct bench_sample one, two;
		if (!run_pingpongs(1, &one) || !run_pingpongs(2, &two) ||
		    two.units <= 2 * one.units) {
			s->units = 0;
			return;
		}
		tsc += two.tsc - 2 * one.tsc;
		exits += two.exits - 2 * one.exits;
		units += two.units - 2 * one.units;
	}
	s->tsc = tsc;
	s->exits = exits;
	s->units = units;
}

/* Process creation: spawn, run (100 yields) and reap n processes. */
void bench_proc_spawn(uint64_t n, struct bench_sample *s)
{
	struct bench_mark m;
	uint64_t done = 0;
	bench_begin(&m);
	for (uint64_t i = 0; i < n; i++) {
		struct proc *p = proc_spawn("pingpong");
		if (!p || proc_wait(p) != 0)
			break;
		done++;
	}
	bench_end(&m, s);
	s->units = done;
}
