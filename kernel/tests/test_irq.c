/*
 * test_irq.c: shared INTx lines (kernel/irq.c): every handler of a line
 * runs on each interrupt, and a line that keeps firing with no handler
 * claiming it is masked after IRQ_UNCLAIMED_MAX in a row instead of
 * hanging the kernel.  Runs on line 13 (the x87 error line of a PC,
 * never raised in long mode), through the dispatch the vector handler
 * uses, with interrupts off.
 */
#include "kernel.h"
#include "ktest.h"
#include "pci.h"
#include <pvops/pvops.h>

#define KTEST_SUITE "irq"
#define LINE 13

static unsigned calls_a, calls_b;
static bool a_claims;

static bool handler_a(void *arg) { (void)arg; calls_a++; return a_claims; }
static bool handler_b(void *arg) { (void)arg; calls_b++; return false; }

KTEST(shared_line_calls_every_handler)
{
	static bool attached;
	if (!attached) {
		KT_ASSERT(irq_attach_shared(LINE, handler_a, NULL) == 0);
		KT_ASSERT(irq_attach_shared(LINE, handler_b, NULL) == 0);
		attached = true;
	}
	KT_EXPECT(irq_attach_shared(0, handler_a, NULL) != 0);	/* the timer's */
	KT_EXPECT(irq_attach_shared(16, handler_a, NULL) != 0);
	uint64_t fl = pv_irq_save();
	calls_a = calls_b = 0;
	a_claims = true;
	KT_EXPECT(irq_line_dispatch(LINE));
	KT_EXPECT_EQ(calls_a, 1);
	KT_EXPECT_EQ(calls_b, 1);
	pv_irq_restore(fl);
}

KTEST(unclaimed_storm_masks_the_line)
{
	uint64_t fl = pv_irq_save();
	a_claims = false;
	for (int i = 0; i < IRQ_UNCLAIMED_MAX - 1; i++)
		irq_line_dispatch(LINE);
	a_claims = true;
	irq_line_dispatch(LINE);			/* a claim resets the run */
	a_claims = false;
	KT_EXPECT(!irq_line_masked(LINE));
	for (int i = 0; i < IRQ_UNCLAIMED_MAX - 1; i++)
		irq_line_dispatch(LINE);
	KT_EXPECT(!irq_line_masked(LINE));
	irq_line_dispatch(LINE);
	KT_EXPECT(irq_line_masked(LINE));
	pv_irq_restore(fl);
}
