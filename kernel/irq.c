/*
 * irq.c: shared, level-triggered INTx lines on the 8259s.
 *
 * PCI functions share interrupt lines, so one line carries a list of
 * handlers; each returns true when its device had something (it read its
 * status, which lowers its part of the line).  All are called on every
 * interrupt, then the line gets its EOI.  A level-triggered line whose
 * handlers all say "not mine" would fire again at once, forever: after
 * IRQ_UNCLAIMED_MAX such interrupts in a row the line is masked, with a
 * message, and the kernel goes on.
 */
#include "kernel.h"
#include "pci.h"
#include "pic.h"
#include "trap.h"
#include <pvops/pvops.h>

#define IRQ_LINES		16
#define IRQ_MAX_HANDLERS	4

struct irq_line {
	unsigned n;
	bool (*fn[IRQ_MAX_HANDLERS])(void *arg);
	void *arg[IRQ_MAX_HANDLERS];
	uint64_t count, unclaimed_run;
	bool masked;
};

static struct irq_line lines[IRQ_LINES];

/* Calls every handler of the line once; masks the line after too many
 * interrupts in a row that none claimed.  Returns whether one did. */
bool irq_line_dispatch(int line)
{
	struct irq_line *l = &lines[line];
	bool claimed = false;

	l->count++;
	for (unsigned i = 0; i < l->n; i++)
		claimed |= l->fn[i](l->arg[i]);
	if (claimed) {
		l->unclaimed_run = 0;
	} else if (++l->unclaimed_run == IRQ_UNCLAIMED_MAX) {
		pic_mask(line);
		l->masked = true;
		printf("irq: line %d: %d interrupts in a row no handler claimed; masked\n",
		       line, IRQ_UNCLAIMED_MAX);
	}
	return claimed;
}

static void shared_irq(struct trapframe *tf)
{
	int line = (int)tf->vector - IRQ_BASE;
	irq_line_dispatch(line);
	pic_eoi(line);
}

/* Lines 0 (timer), 2 (cascade) and above 15 cannot be shared here. */
int irq_attach_shared(int line, bool (*fn)(void *arg), void *arg)
{
	if (line <= 0 || line == 2 || line >= IRQ_LINES || !fn)
		return -1;
	struct irq_line *l = &lines[line];
	if (l->n == IRQ_MAX_HANDLERS)
		return -1;
	uint64_t fl = pv_irq_save();
	l->fn[l->n] = fn;
	l->arg[l->n] = arg;
	if (l->n++ == 0) {
		irq_register(IRQ_BASE + line, shared_irq);
		pic_set_level(line);
		if (!l->masked)
			pic_unmask(line);
	}
	pv_irq_restore(fl);
	return 0;
}

uint64_t irq_line_count(int line) { return line >= 0 && line < IRQ_LINES ? lines[line].count : 0; }
bool irq_line_masked(int line) { return line >= 0 && line < IRQ_LINES && lines[line].masked; }
