/*
 * thread.c: kernel threads and a round-robin preemptive scheduler.
 *
 * Threads sit in one ring.  The timer tick ends a thread's slice; the
 * switch happens on the way out of the interrupt (sched_preempt_point)
 * or when a thread yields or blocks.  The ring is touched only with
 * interrupts off, which on one CPU is the whole of the locking.  Each
 * switch saves the FPU/SSE state (newlib may use SSE) and moves the
 * kernel stack for traps and syscalls to the next thread's.
 */
#include <stdlib.h>
#include <string.h>
#include <malloc.h>
#include "kernel.h"
#include "sched.h"
#include "trap.h"
#include <pvops/pvops.h>
#include "rebind.h"

#define SLICE_TICKS 2

void ctx_switch(uint64_t *save_rsp, uint64_t new_rsp);

static struct thread boot_thread;
static struct thread *current = &boot_thread;
static struct thread *idle;
static int next_id = 1;
static int slice = SLICE_TICKS;
static volatile bool need_resched;
static uint64_t nswitches;

struct thread *thread_current(void) { return current; }
uint64_t sched_switches(void) { return nswitches; }

static void idle_loop(void *arg)
{
	(void)arg;
	for (;;) {
		pv_irq_disable();
		/* Not into the ROM's halt while a re-bind waits for every
		 * thread to be outside the ROM (kernel/rebind.c). */
		if (!need_resched && !rebind_pending())
			pv_safe_halt();
		else
			pv_irq_enable();
		thread_yield();
	}
}

void sched_init(void)
{
	extern char boot_stack_top[];
	boot_thread.name = "boot";
	boot_thread.state = T_RUNNABLE;
	boot_thread.next = &boot_thread;
	cpu_set_kstack((uint64_t)boot_stack_top);
	idle = thread_create("idle", idle_loop, NULL);
	klog("sched: round robin, %d-tick slices, idle thread %d\n", SLICE_TICKS, idle->id);
}

/* First code of every new thread; ctx_switch "returns" here. */
static void thread_start(void)
{
	pv_irq_enable();
	current->fn(current->arg);
	thread_exit();
}

struct thread *thread_create(const char *name, void (*fn)(void *), void *arg)
{
	struct thread *t = memalign(16, sizeof(*t));
	void *stack = malloc(KSTACK_SIZE);
	if (!t || !stack) {
		free(t);
		free(stack);
		return NULL;
	}
	memset(t, 0, sizeof(*t));
	t->name = name;
	t->fn = fn;
	t->arg = arg;
	t->stack = stack;
	t->id = next_id++;
	/* A clean FPU image: default control words, as after fninit. */
	*(uint16_t *)&t->fpu[0] = 0x037f;
	*(uint32_t *)&t->fpu[24] = 0x1f80;
	uint64_t *top = (uint64_t *)((uintptr_t)stack + KSTACK_SIZE);
	top[-1] = 0;				/* fake return of thread_start */
	top[-2] = (uint64_t)thread_start;
	t->rsp = (uint64_t)&top[-2 - 6];	/* six callee-saved zeros */
	memset(&top[-8], 0, 6 * sizeof(uint64_t));

	uint64_t fl = pv_irq_save();
	t->state = T_RUNNABLE;
	t->next = current->next;
	current->next = t;
	pv_irq_restore(fl);
	return t;
}

static struct thread *pick_next(void)
{
	for (struct thread *t = current->next; t != current; t = t->next)
		if (t->state == T_RUNNABLE && t != idle)
			return t;
	if (current->state == T_RUNNABLE && current != idle)
		return current;
	return idle;
}

/* Switches to the next runnable thread; interrupts must be off. */
static void schedule(void)
{
	struct thread *prev = current, *next = pick_next();
	need_resched = false;
	slice = SLICE_TICKS;
	if (next == prev)
		return;
	nswitches++;
	__asm__ volatile("fxsave64 %0" : "=m"(prev->fpu));
	if (next->proc)
		vm_switch(&next->proc->as);
	cpu_set_kstack((uint64_t)next->stack + KSTACK_SIZE);
	current = next;
	ctx_switch(&prev->rsp, next->rsp);
	__asm__ volatile("fxrstor64 %0" :: "m"(current->fpu));
}

void thread_yield(void)
{
	uint64_t fl = pv_irq_save();
	schedule();
	pv_irq_restore(fl);
}

void thread_block(void)
{
	current->state = T_BLOCKED;
	schedule();
}

void thread_wake(struct thread *t)
{
	uint64_t fl = pv_irq_save();
	if (t->state == T_BLOCKED)
		t->state = T_RUNNABLE;
	pv_irq_restore(fl);
}

void thread_exit(void)
{
	pv_irq_disable();
	current->state = T_DEAD;
	if (current->joiner)
		thread_wake(current->joiner);
	schedule();
	panic("thread_exit: dead thread %d scheduled again", current->id);
}

/* Unlinks t from the ring and frees it once it has died. */
void thread_join(struct thread *t)
{
	uint64_t fl = pv_irq_save();
	while (t->state != T_DEAD) {
		t->joiner = current;
		thread_block();
	}
	struct thread *p = t;
	while (p->next != t)
		p = p->next;
	p->next = t->next;
	pv_irq_restore(fl);
	free(t->stack);
	free(t);
}

void sched_tick(void)
{
	if (--slice <= 0)
		need_resched = true;
}

/* The save/restore around the switch is a no-op natively (IF is already
 * off in the handler), but with a virtual interrupt flag (the Xen-like
 * ROM) it gives the interrupted context its own flag back: the thread
 * we switched to may have left the virtual flag off, and iretq restores
 * only the hardware one. */
void sched_preempt_point(struct trapframe *tf)
{
	if (need_resched) {
		struct trapframe *outer = current->preempt_tf;
		unsigned hops = rebind_hops();
		uint64_t fl = pv_irq_save();
		current->preempt_tf = tf;
		schedule();
		current->preempt_tf = outer;
		/* Re-bound while away: fl was saved by the old backend, in
		 * an interrupt gate (natively IF off, xenlike's virtual flag
		 * on).  The interrupted context's own flag is what the
		 * switch must give back under any backend. */
		if (rebind_hops() != hops && tf->vector >= 32)
			fl = (fl & ~0x200ull) | (tf->rflags & 0x200ull);
		pv_irq_restore(fl);
	}
}
