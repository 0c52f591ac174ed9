/*
 * rebind.c: ABI 1.3 re-binding (SPEC.md section 20): the kernel notices
 * that the ROM in the option-ROM window changed (a new generation, a
 * ROM where there was none, none where there was one), and at a safe
 * point lets go of the old backend, binds the new one and patches every
 * call site again, as a fresh boot on the new backend would.
 *
 * Who does what:
 *   - the tick (timer.c) polls the window: a few memory reads, no exit;
 *   - a kernel thread of its own does the re-bind, with interrupts off,
 *     once no other thread is inside a ROM call or a call site (a
 *     thread preempted there would return into code that changed under
 *     it); otherwise it retries at the next tick;
 *   - the old ROM is still served by its host until the guest writes
 *     the generation it saw back into the window (the acknowledgement).
 *
 * The sequence (section 20.3): old ROM: flush the lazy batch, cancel the
 * alarm, read the clock; every site back to its unpatched form and the
 * op table native; acknowledge; bind what the window holds, the copy
 * beside the old one; patch; re-base and re-arm the tick; free the old
 * copy.
 */
#include <stdlib.h>
#include <string.h>
#include "kernel.h"
#include "sched.h"
#include "trap.h"
#include "rebind.h"
#include <pvops/pvops.h>

#ifdef CONFIG_PV_NONE

void rebind_note_boot(void) { }
void rebind_init(void) { }
void rebind_tick(void) { }
bool rebind_pending(void) { return false; }
unsigned rebind_hops(void) { return 0; }
void rebind_wait(unsigned n) { (void)n; }
void rebind_request(void) { }
void rebind_hold(void) { }
void rebind_release(void) { }

#else

#include <native/insn.h>
#include <pvops/site.h>
#include <vmi_abi.h>
#include "mm.h"
#include "pic.h"
#include "guest.h"

const struct vmi_binding *pv_binding(void);

#define RB_MAX_TRIES	500	/* ticks: 5 s of a busy thread */
#define PIT_CMD		0x43

void timer_rebase(uint64_t old_now, uint64_t new_now);	/* timer.c */
void nat_time_init(void);
uint64_t nat_clock_freq(void);

static struct {
	bool on;
	bool have;			/* the window held a VMI ROM at (pa, gen) */
	uint64_t pa;
	uint32_t gen;
	volatile bool pending, waiting;
	volatile unsigned hops;
	volatile unsigned held;		/* rebind_hold() depth */
	struct thread *thr;
	struct rb_site { uint64_t addr; uint64_t end; } *sites;	/* sorted */
	size_t nsites;
} rb;

static uint32_t get32(const volatile uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static bool is_vmi_rom(const volatile uint8_t *p)
{
	static const char sig[8] = "VMIROM64";
	if (p[0] != 0x55 || p[1] != 0xAA)
		return false;
	for (int i = 0; i < 8; i++)
		if (p[VMI_HDR_OFFSET + i] != (uint8_t)sig[i])
			return false;
	return true;
}

/* The first VMI ROM in the window (2 KiB steps, as the boot scan): its
 * address and generation.  Memory reads only: cheap enough per tick. */
static bool window_rom(uint64_t *pa, uint32_t *gen)
{
	const volatile uint8_t *w = P2V(VMI_OPTROM_WINDOW_LO);
	uint64_t n = VMI_OPTROM_WINDOW_HI - VMI_OPTROM_WINDOW_LO;

	for (uint64_t off = 0; off + 512 <= n; off += 2048) {
		if (!is_vmi_rom(w + off))
			continue;
		*pa = VMI_OPTROM_WINDOW_LO + off;
		*gen = get32(w + off + VMI_IMAGE_GENERATION);
		return true;
	}
	return false;
}

/* What the kernel is bound to, or, unbound, what the window held when
 * it looked (have, pa, gen): the next change is measured from there,
 * not from a later look that might already see the host's next move. */
static void note_window(bool have, uint64_t pa, uint32_t gen)
{
	const struct vmi_binding *b = pv_binding();

	if (b) {
		rb.have = true;
		rb.pa = b->found_pa;
		rb.gen = get32((const uint8_t *)(uintptr_t)b->rom_va + VMI_IMAGE_GENERATION);
	} else {
		rb.have = have;
		rb.pa = pa;
		rb.gen = gen;
	}
}

/* The acknowledgement: the generation the kernel re-bound to, stored to
 * the generation field of the ROM it bound, or of the one it let go of
 * when it bound none.  A store to ROM: the host sees it, nothing else. */
static void acknowledge(uint64_t pa, uint32_t gen)
{
	volatile uint32_t *f = P2V(pa + VMI_IMAGE_GENERATION);
	*f = gen;
}

void rebind_tick(void)
{
	uint64_t pa = 0;
	uint32_t gen = 0;
	bool have;

	if (!rb.on)
		return;
	if (rb.pending) {
		if (rb.waiting)
			thread_wake(rb.thr);
		return;
	}
	have = window_rom(&pa, &gen);
	if (have == rb.have && (!have || (pa == rb.pa && gen == rb.gen)))
		return;
	rb.pending = true;
	thread_wake(rb.thr);
}

bool rebind_pending(void)
{
	return rb.pending;
}

unsigned rebind_hops(void)
{
	return rb.hops;
}

/* ---- is every other thread at a safe point? ---- */

/* Site records sorted by address, for the quiescence check. */
static int site_cmp(const void *a, const void *b)
{
	const struct rb_site *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void sites_sort(void)
{
	size_t n = (size_t)(__pv_sites_end - __pv_sites_start);
	rb.sites = malloc(n * sizeof(*rb.sites));
	if (!rb.sites)
		panic("rebind: no memory for %zu site records", n);
	for (size_t i = 0; i < n; i++) {
		rb.sites[i].addr = __pv_sites_start[i].addr;
		rb.sites[i].end = __pv_sites_start[i].addr + __pv_sites_start[i].len;
	}
	qsort(rb.sites, n, sizeof(*rb.sites), site_cmp);
	rb.nsites = n;
}

/* Is a (a saved rip, or a return address) strictly inside a site: a
 * thread that resumes there would run bytes the re-patch changed? */
static bool inside_site(uint64_t a)
{
	size_t lo = 0, hi = rb.nsites;
	while (lo < hi) {			/* first record with addr >= a */
		size_t mid = (lo + hi) / 2;
		if (rb.sites[mid].addr < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && a < rb.sites[lo - 1].end;
}

static bool unsafe_addr(uint64_t a, uint64_t rom_lo, uint64_t rom_hi)
{
	return (a >= rom_lo && a < rom_hi) || inside_site(a);
}

/*
 * A thread preempted by an interrupt (its trapframe recorded by
 * sched_preempt_point) is unsafe if it stopped inside the old ROM's
 * code or inside a site, or if a frame on its way there returns into a
 * site (a native function a site called): the rip, the word at rsp (a
 * function interrupted before its frame exists) and the frame-pointer
 * chain.  A thread that switched by itself did so in scheduler code,
 * which no site calls.
 */
static const char *thread_unsafe(const struct thread *t, uint64_t rom_lo, uint64_t rom_hi)
{
	const struct trapframe *tf = t->preempt_tf;
	uint64_t lo = (uint64_t)(uintptr_t)t->stack, hi = lo + KSTACK_SIZE;
	extern char boot_stack_top[];

	if (!tf || (tf->cs & 3) == 3)
		return NULL;
	if (!t->stack) {
		hi = (uint64_t)(uintptr_t)boot_stack_top;
		lo = hi - KSTACK_SIZE;
	}
	if (unsafe_addr(tf->rip, rom_lo, rom_hi))
		return "stopped inside a ROM call or a call site";
	if (tf->rsp >= lo && tf->rsp + 8 <= hi && inside_site(*(uint64_t *)(uintptr_t)tf->rsp))
		return "stopped in a function a call site called";
	uint64_t fp = tf->rbp;
	for (int d = 0; d < 64 && fp >= lo && fp + 16 <= hi && !(fp & 7); d++) {
		if (unsafe_addr(((uint64_t *)(uintptr_t)fp)[1], rom_lo, rom_hi))
			return "stopped below a call site's callee";
		fp = ((uint64_t *)(uintptr_t)fp)[0];
	}
	return NULL;
}

/* NULL when every other thread is at a safe point; else why not. */
static const char *busy_thread(uint64_t rom_lo, uint64_t rom_hi, const char **who)
{
	struct thread *me = thread_current();
	for (struct thread *t = me->next; t != me; t = t->next) {
		const char *why = t->state == T_DEAD ? NULL : thread_unsafe(t, rom_lo, rom_hi);
		if (why) {
			*who = t->name;
			return why;
		}
	}
	return NULL;
}

/* ---- the re-bind itself ---- */

/* Lets go of the old backend through its own ROM (its host serves it
 * until the acknowledgement): the batch applied, the alarm cancelled.
 * Returns the old clock's time, read last. */
static uint64_t let_go_of_old(void)
{
	pv_lazy_mmu_flush();		/* deferred updates applied, once */
	if (pv_op_native(PV_OP_SET_ALARM))
		outb(PIT_CMD, 0x30);	/* ch0 mode 0, no count: stops, no edge */
	else
		pv_set_alarm(0);	/* cancel */
	return pv_clock_read();
}

/* The new backend's clock, calibrated first if it is the native one and
 * never was (the kernel booted with the ROM's clock). */
static uint64_t take_up_new_clock(void)
{
	if (pv_op_native(PV_OP_CLOCK_READ) && nat_clock_freq() == 0) {
		nat_time_init();
		klog("rebind: native clock calibrated, %llu kHz\n",
		     (unsigned long long)(nat_clock_freq() / 1000));
	}
	return pv_clock_read();
}

/* Everything between the old backend and the new, interrupts off and
 * every other thread at a safe point. */
static void hop(void)
{
	char old[VMI_NAME_MAX + 1];
	bool old_have = rb.have;
	uint64_t old_pa = rb.pa, pa = 0;
	uint32_t gen = 0;
	bool have = window_rom(&pa, &gen);

	strncpy(old, pv_backend_name(), sizeof(old) - 1);	/* the binding is reused */
	old[sizeof(old) - 1] = '\0';
	uint64_t t_old = let_go_of_old();
	uint64_t cr0 = nat_read_cr0();
	nat_write_cr0(cr0 & ~CR0_WP);		/* the sealed text, written once more */
	pv_rebind_unpatch();			/* from here: native through the table */
	if (have)
		acknowledge(pa, gen);
	else if (old_have)
		acknowledge(old_pa, gen);
	pv_rebind_bind();			/* what the window holds, beside the old */
	const struct vmi_binding *nb = pv_binding();
	uint32_t bound_gen = nb ? get32((const uint8_t *)(uintptr_t)nb->rom_va +
					VMI_IMAGE_GENERATION) : gen;
	if (nb && bound_gen != gen)		/* the host moved again meanwhile */
		acknowledge(nb->found_pa, bound_gen);
	pv_rebind_patch();			/* as a fresh boot would */
	nat_write_cr0(cr0);
	timer_rebase(t_old, take_up_new_clock());
	pv_rebind_release_old();
	note_window(have, pa, gen);
	rb.hops++;
	klog("rebind: hop %u: backend %s -> %s (generation %u)\n", rb.hops, old,
	     pv_backend_name(), gen);
}

/* Tries each tick until the other threads are quiet (or gives up: the
 * old ROM's host keeps serving it, the kernel stays on it). */
static void rebind_run(void)
{
	const char *why = NULL, *who = "?";
	uint64_t lo, hi;

	for (unsigned tries = 0; tries < RB_MAX_TRIES; ) {
		uint64_t fl = pv_irq_save();
		pv_irq_disable();
		uint64_t hw = nat_save_fl();
		nat_irq_disable();		/* the hardware flag too (xenlike keeps it on) */
		bool held = rb.held != 0;	/* a test's hold costs no try */
		pv_rom_code(&lo, &hi);
		why = held ? "holds re-binds" : busy_thread(lo, hi, &who);
		if (!held)
			tries++;
		if (!why) {
			hop();
			rb.pending = false;
			pv_irq_restore(fl);	/* through the new backend */
			return;
		}
		nat_restore_fl(hw);
		rb.waiting = true;		/* the next tick wakes us */
		thread_block();
		rb.waiting = false;
		pv_irq_restore(fl);
	}
	klog("rebind: gave up after %u ticks: thread %s %s; staying on %s\n",
	     RB_MAX_TRIES, who, why, pv_backend_name());
	uint64_t pa = 0;
	uint32_t gen = 0;
	bool have = window_rom(&pa, &gen);
	note_window(have, pa, gen);
	rb.pending = false;
}

static void rebind_thread(void *arg)
{
	(void)arg;
	for (;;) {
		pv_irq_disable();
		while (!rb.pending) {
			rb.waiting = true;
			thread_block();
		}
		rb.waiting = false;
		pv_irq_enable();
		rebind_run();
	}
}

/* Right after the boot's scan and bind: a ROM the host places later
 * (a switch from none) must look like a change. */
void rebind_note_boot(void)
{
	uint64_t pa = 0;
	uint32_t gen = 0;
	bool have = window_rom(&pa, &gen);
	note_window(have, pa, gen);
}

void rebind_init(void)
{
	if (kopts.rebind_off) {
		klog("rebind: rebind=off: the ROM window is not watched\n");
		return;
	}
	sites_sort();
	rb.thr = thread_create("rebind", rebind_thread, NULL);
	if (!rb.thr)
		panic("rebind: cannot create its thread");
	if (rb.have && rb.gen != 0 && pv_binding())
		acknowledge(rb.pa, rb.gen);	/* the boot ROM's generation */
	rb.on = true;
	klog("rebind: watching the ROM window (%s, generation %u)\n",
	     rb.have ? "a VMI ROM" : "no VMI ROM", rb.gen);
}

void rebind_hold(void)
{
	rb.held++;
}

void rebind_release(void)
{
	if (rb.held)
		rb.held--;
}

/* Tests: the countdown of the host's next switch starts again now (the
 * current generation acknowledged once more). */
void rebind_request(void)
{
	if (rb.have && rb.gen != 0)
		acknowledge(rb.pa, rb.gen);
}

/* rebind.wait=N: the self-tests start after N re-binds (20 s at most). */
void rebind_wait(unsigned n)
{
	uint64_t t0 = timer_ticks;
	while (rb.hops < n && timer_ticks - t0 < 20 * TIMER_HZ)
		timer_wait_ticks(1);
	if (rb.hops < n)
		klog("rebind: waited 20 s for %u re-binds, saw %u\n", n, rb.hops);
}

#endif
