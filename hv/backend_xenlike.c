/* backend_xenlike.c: the host side of the Xen-like ROM (--backend
 * xenlike): setup (hypercall page, shared-info page, pv clock), event
 * channels delivered as one upcall on 8259 line 0, the one-shot timer,
 * block, validated mmu_update batches, multicalls, console and
 * shutdown.  Layouts: backends/xenlike/xl_abi.h; prose: SPEC.md 19.1.
 *
 * Delivery rule: hv injects the upcall only while the vCPU is stopped
 * (at an exit, before the next KVM_RUN) and only when the guest's
 * virtual flag allows it (xl_upcall_deliverable), so an interrupt never
 * lands inside a section the guest masked with a plain memory write.
 * The timer is a POSIX timer whose signal kicks the vCPU out of KVM_RUN
 * (immediate_exit, as timer.c does); the run loop then calls xl_poll. */
#include "hcall.h"
#include "backend.h"
#include "xenlike_check.h"
#include "notify.h"
#include "control.h"            /* issue 14: a command ends a block */
#include "bus.h"              /* dev__poll_all inside a block */

#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define XL_KICK_SIGNAL  (SIGRTMIN + 1)
#define MSR_IA32_TSC    0x10

static struct {
	int ready;                      /* setup done */
	struct xl_shared_info *sh;      /* host view of the guest's page */
	uint64_t epoch_ns;              /* CLOCK_MONOTONIC at system time 0 */
	timer_t timer;
	int timer_made;
} xl;

static volatile sig_atomic_t xl_fired;
/* The armed deadline (CLOCK_MONOTONIC ns) until its event is raised, 0
 * when none is due: what a snapshot keeps.  timer_gettime() alone loses
 * a timer that expired while its signal was still on its way (it reads
 * disarmed, xl_fired still 0): the guest's one-shot tick then never
 * came back after a migration. */
static uint64_t xl_armed_at;
static struct kvm_run *volatile xl_run;

static uint64_t xl_now(clockid_t clk)
{
	struct timespec t;
	clock_gettime(clk, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* The timer's signal: note it and leave KVM_RUN (or skip the next). */
static void xl_kick(int sig)
{
	(void)sig;
	xl_fired = 1;
	if (xl_run)
		xl_run->immediate_exit = 1;
}

static int xl_irq0(struct hv *hv)
{
	struct kvm_irq_level l = { .irq = 0, .level = 1 };

	if (ioctl(hv->vm, KVM_IRQ_LINE, &l) < 0)
		return -1;
	l.level = 0;
	return ioctl(hv->vm, KVM_IRQ_LINE, &l);
}

/* User mode always runs with the virtual flag on: an iretq or sysretq
 * to ring 3 does not pass through the ROM, so a mask left set by the
 * kernel's way out is stale there. */
static int xl_user_mode(struct hv *hv)
{
	struct kvm_sregs s;

	if (ioctl(hv->vcpu, KVM_GET_SREGS, &s) < 0)
		return 0;
	return (s.cs.selector & 3) == 3;
}

/* Device interrupt lines (hv/irq.c) under this backend.  The guest
 * masks interrupts with a memory write (the virtual flag) and keeps the
 * hardware IF set, so a device line raised straight into KVM's 8259
 * would interrupt a section the guest masked.  A line raised while the
 * flag is set is held here, upcall_pending asks the guest's next enable
 * to call back (XL_HC_EVTCHN_UPCALL), and xl_poll raises it once the
 * flag is clear, as it does the upcall.  Lowering a line is never held. */
static uint32_t xl_held_lines;		/* bit n: line n held back */
static uint64_t xl_lines_raised;	/* lines raised, held or not (ends a block) */

static int xl_guest_unmasked(struct hv *hv)
{
	return !xl.sh->vcpu0.upcall_mask || xl_user_mode(hv);
}

static int xl_irq_gate(struct hv *hv, int line, int level)
{
	uint32_t bit = 1u << (line & 31);

	if (!level) {
		xl_held_lines &= ~bit;
		return 0;
	}
	if (!xl.ready || xl_guest_unmasked(hv)) {
		xl_lines_raised++;	/* raised now: it ends a block too */
		return 0;
	}
	xl_held_lines |= bit;
	xl.sh->vcpu0.upcall_pending = 1;
	return 1;
}

/* Raises the held lines if the guest's flag allows it now. */
static void xl_release_lines(struct hv *hv)
{
	struct xl_shared_info *sh = xl.sh;
	uint32_t lines = xl_held_lines;

	if (!lines || !xl_guest_unmasked(hv))
		return;
	xl_held_lines = 0;
	xl_lines_raised++;
	for (int n = 0; n < 32; n++) {
		struct kvm_irq_level l = { .irq = (uint32_t)n, .level = 1 };
		if ((lines & (1u << n)) && ioctl(hv->vm, KVM_IRQ_LINE, &l) < 0)
			hv_end(hv, HV_EXIT_INTERNAL, "xenlike: KVM_IRQ_LINE %d: %s",
			       n, strerror(errno));
	}
	if (!sh->evtchn_pending)	/* pending was only the lines' */
		sh->vcpu0.upcall_pending = 0;
}

/* Called with the vCPU stopped: turn a fired timer into its event, raise
 * held device lines, and inject the upcall if the guest's virtual flag
 * allows it now. */
static void xl_poll(struct hv *hv)
{
	struct xl_shared_info *sh = xl.sh;

	if (xl_fired) {
		xl_fired = 0;
		xl_armed_at = 0;
		if (!timer__expired())
			hv->run->immediate_exit = 0;
		if (xl.ready)
			xl_evtchn_raise(sh, XL_PORT_TIMER);
	}
	if (xl.ready)
		xl_release_lines(hv);
	if (!xl.ready || !sh->vcpu0.upcall_pending)
		return;
	if (!xl_upcall_deliverable(sh, 0)) {
		if (!xl_upcall_deliverable(sh, xl_user_mode(hv)))
			return;
		sh->vcpu0.upcall_mask = 0;
	}
	sh->vcpu0.upcall_pending = 0;
	sh->upcalls_injected++;
	if (xl_irq0(hv) < 0)
		hv_end(hv, HV_EXIT_INTERNAL, "xenlike: KVM_IRQ_LINE: %s", strerror(errno));
}

static int xl_get_tsc(struct hv *hv, uint64_t *tsc)
{
	struct { struct kvm_msrs h; struct kvm_msr_entry e; } m = {
		.h = { .nmsrs = 1 }, .e = { .index = MSR_IA32_TSC },
	};

	if (ioctl(hv->vcpu, KVM_GET_MSRS, &m) != 1)
		return -1;
	*tsc = m.e.data;
	return 0;
}

/* The guest's TSC rate: KVM's own figure, else measured over 20 ms. */
static uint64_t xl_tsc_hz(struct hv *hv)
{
	int khz = ioctl(hv->vcpu, KVM_GET_TSC_KHZ, 0);
	uint64_t t0, t1, n0, n1;

	if (khz > 0)
		return (uint64_t)khz * 1000;
	if (xl_get_tsc(hv, &t0))
		return 0;
	n0 = xl_now(CLOCK_MONOTONIC);
	usleep(20000);
	if (xl_get_tsc(hv, &t1))
		return 0;
	n1 = xl_now(CLOCK_MONOTONIC);
	return n1 > n0 && t1 > t0 ? (t1 - t0) * 1000000000ull / (n1 - n0) : 0;
}

/* Time info and wall clock, each under its seqlock. */
static int xl_clock_init(struct hv *hv, struct xl_shared_info *sh)
{
	uint64_t hz = xl_tsc_hz(hv), tsc, wall;
	struct xl_time_info *t = &sh->vcpu0.time;

	if (hz == 0 || xl_get_tsc(hv, &tsc))
		return -1;
	xl.epoch_ns = xl_now(CLOCK_MONOTONIC);
	wall = xl_now(CLOCK_REALTIME);
	t->version++;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	t->tsc_timestamp = tsc;
	t->system_time = 0;
	if (xl_time_scale(hz, &t->tsc_to_system_mul, &t->tsc_shift))
		return -1;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	t->version++;
	sh->wc_version++;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	sh->wc_sec = wall / 1000000000ull;
	sh->wc_nsec = (uint32_t)(wall % 1000000000ull);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	sh->wc_version++;
	sh->tsc_hz = hz;
	return 0;
}

/* The timer and the signal that kicks the vCPU; run-loop hook last. */
static int xl_timer_init(struct hv *hv)
{
	struct sigaction sa;
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL,
			       .sigev_signo = XL_KICK_SIGNAL };

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = xl_kick;
	sa.sa_flags = SA_RESTART;               /* KVM_RUN still ends with EINTR */
	sigemptyset(&sa.sa_mask);
	if (sigaction(XL_KICK_SIGNAL, &sa, NULL) ||
	    timer_create(CLOCK_MONOTONIC, &ev, &xl.timer))
		return -1;
	xl.timer_made = 1;
	xl_run = hv->run;
	return 0;
}

/* a0 page gpa, a1 shared-info gpa, a3 version, a4 vector.  Refused
 * (result < 0, the ROM's init fails) rather than fatal: a ROM of another
 * version must be able to fall back to native. */
static int xl_hc_setup(struct hv *hv, struct hv_hcall *hc)
{
	uint8_t *page;
	struct xl_shared_info *sh;

	hc->ret = (uint64_t)XL_E_INVAL;
	if (xl.ready) {
		hc->ret = (uint64_t)XL_E_PERM;
		return HV_HC_OK;
	}
	if (hc->arg[3] != XL_ABI_VERSION || (hc->arg[0] | hc->arg[1]) & 4095 ||
	    hc->arg[4] < 32 || hc->arg[4] > 255)
		return HV_HC_OK;
	page = hv_guest_range(hv, hc->arg[0], XL_HC_PAGE_SIZE, "xenlike setup: hypercall page");
	sh = hv_guest_range(hv, hc->arg[1], sizeof(*sh), "xenlike setup: shared info");
	if (page == NULL || sh == NULL)
		return HV_HC_FAULT;
	if (xl_clock_init(hv, sh) || (!xl.timer_made && xl_timer_init(hv))) {
		hv_end(hv, HV_EXIT_INTERNAL, "xenlike: clock or timer: %s", strerror(errno));
		return HV_HC_FAULT;
	}
	xl_run = hv->run;		/* a re-setup may follow a new vCPU */
	xl_write_stubs(page, HV_PORT_HCALL);
	sh->host_magic = XL_HOST_MAGIC;
	xl.sh = sh;
	xl.ready = 1;
	hc->ret = 0;
	return HV_HC_OK;
}

static int xl_not_ready(struct hv *hv, struct hv_hcall *hc)
{
	if (xl.ready)
		return 0;
	hv_end(hv, HV_EXIT_GUEST, "xenlike: hypercall %#" PRIx64 " before setup", hc->nr);
	return 1;
}

/* Console: a0 gpa, a1 length <= XL_CONSOLE_MAX, to stdout in order
 * with the UART's buffered line. */
static int xl_hc_console(struct hv *hv, struct hv_hcall *hc)
{
	const void *p;

	if (xl_not_ready(hv, hc))
		return HV_HC_FAULT;
	if (hc->arg[1] > XL_CONSOLE_MAX) {
		hv_end(hv, HV_EXIT_GUEST, "xenlike console: length %#" PRIx64
		       " over %#x", hc->arg[1], XL_CONSOLE_MAX);
		return HV_HC_FAULT;
	}
	p = hv_guest_range(hv, hc->arg[0], hc->arg[1], "xenlike console");
	if (p == NULL)
		return HV_HC_FAULT;
	uart__flush();
	hc->ret = fwrite(p, 1, hc->arg[1], stdout) == hc->arg[1] ? hc->arg[1]
								: (uint64_t)XL_E_AGAIN;
	fflush(stdout);
	return HV_HC_OK;
}

static void xl_trace_refused(void *ctx, const struct xl_mmu_req *q,
			     enum xl_verdict v)
{
	if (((struct hv *)ctx)->opt.trace)
		fprintf(stderr, "hv: xenlike mmu_update: %#" PRIx64 " <- %#"
			PRIx64 " refused: %s\n", q->ptr, q->val, xl_verdict_str(v));
}

/* a0 gpa of a1 requests: each checked (xl_mmu_check) and written, or
 * refused: left alone and its ptr zeroed so the guest sees which; the
 * result counts the refused ones (xl_mmu_batch). */
static int xl_hc_mmu_update(struct hv *hv, struct hv_hcall *hc)
{
	void *r;

	if (xl_not_ready(hv, hc))
		return HV_HC_FAULT;
	if (hc->arg[1] > XL_MMU_MAX) {
		hv_end(hv, HV_EXIT_GUEST, "xenlike mmu_update: %" PRIu64
		       " requests, at most %u", hc->arg[1], XL_MMU_MAX);
		return HV_HC_FAULT;
	}
	r = hv_guest_range(hv, hc->arg[0], hc->arg[1] * sizeof(struct xl_mmu_req),
			   "xenlike mmu_update");
	if (r == NULL)
		return HV_HC_FAULT;
	hc->ret = xl_mmu_batch(&hv->gm, r, hc->arg[1], xl_trace_refused, hv);
	return HV_HC_OK;
}

/* a0 deadline in system time (0 cancels).  Arming acknowledges the
 * previous expiry; a deadline already past raises the event at once. */
static int xl_hc_set_timer(struct hv *hv, struct hv_hcall *hc)
{
	struct itimerspec its = { 0 };
	uint64_t at;

	if (xl_not_ready(hv, hc))
		return HV_HC_FAULT;
	xl_evtchn_ack(xl.sh, XL_PORT_TIMER);
	hc->ret = 0;
	if (hc->arg[0] != 0) {
		at = xl.epoch_ns + hc->arg[0];
		if (at < xl.epoch_ns)
			at = UINT64_MAX / 2;    /* overflow: effectively never */
		if (at <= xl_now(CLOCK_MONOTONIC)) {
			xl_evtchn_raise(xl.sh, XL_PORT_TIMER);
			at = 0;
		}
		its.it_value.tv_sec = (time_t)(at / 1000000000ull);
		its.it_value.tv_nsec = (long)(at % 1000000000ull);
	}
	xl_armed_at = (uint64_t)its.it_value.tv_sec * 1000000000ull + (uint64_t)its.it_value.tv_nsec;
	if (timer_settime(xl.timer, TIMER_ABSTIME, &its, NULL)) {
		hv_end(hv, HV_EXIT_INTERNAL, "xenlike: timer_settime: %s", strerror(errno));
		return HV_HC_FAULT;
	}
	return HV_HC_OK;
}

/* XL_BLOCK_UNMASK: unmask the vCPU, then wait until an upcall has been
 * injected (one already pending goes at once).  Unmasking here, not in
 * the ROM, closes the window in which an upcall delivered between the
 * ROM's pending check and this call left the block waiting for the next
 * event.  XL_BLOCK_POLL: wait until an event is pending, injecting
 * nothing.  Either ends when hv is stopping.  The kick signal stays
 * blocked except inside sigsuspend, so none is lost between test and
 * sleep. */
/*
 * Whether the 8259s hold a request the vCPU has not taken: a line raised
 * (level, unmasked) and not yet in service.  Hardware KVM delivers such
 * a request on the next entry, before the guest can block again; the
 * software PVM KVM runs on and the guest may block first, its interrupt
 * waiting in the PIC while hv waits for an event that already came (the
 * guest's virtio-blk then fell back to polling after a second).
 */
static int xl_pic_pending(struct hv *hv)
{
	struct kvm_irqchip m = { .chip_id = KVM_IRQCHIP_PIC_MASTER };
	struct kvm_irqchip sl = { .chip_id = KVM_IRQCHIP_PIC_SLAVE };
	unsigned mreq, sreq;

	if (ioctl(hv->vm, KVM_GET_IRQCHIP, &m) < 0 ||
	    ioctl(hv->vm, KVM_GET_IRQCHIP, &sl) < 0)
		return 0;
	sreq = sl.chip.pic.irr & ~sl.chip.pic.imr & ~sl.chip.pic.isr;
	mreq = m.chip.pic.irr & ~m.chip.pic.imr & ~m.chip.pic.isr;
	if (sreq && !(m.chip.pic.imr & 4))
		mreq |= 4;
	return mreq != 0;
}

static int xl_hc_block(struct hv *hv, struct hv_hcall *hc)
{
	sigset_t block, old;
	struct xl_shared_info *sh = xl.sh;
	uint64_t injected, raised;

	if (xl_not_ready(hv, hc))
		return HV_HC_FAULT;
	sigemptyset(&block);
	sigaddset(&block, XL_KICK_SIGNAL);
	sigaddset(&block, SIGALRM);
	sigaddset(&block, SIGRTMIN + 3);        /* control.c's kick */
	sigaddset(&block, SIGRTMIN + 2);        /* a device thread's kick */
	sigprocmask(SIG_BLOCK, &block, &old);
	injected = sh->upcalls_injected;
	raised = xl_lines_raised;
	if (hc->arg[0] == XL_BLOCK_UNMASK)
		sh->vcpu0.upcall_mask = 0;
	for (;;) {
		dev__poll_all(hv);      /* device work other threads queued */
		xl_poll(hv);
		if (hv->ended || timer__expired() || control__pending() ||
		    sh->upcalls_injected != injected ||
		    xl_lines_raised != raised ||
		    (hc->arg[0] == XL_BLOCK_POLL && sh->vcpu0.upcall_pending) ||
		    (hc->arg[0] == XL_BLOCK_UNMASK && xl_pic_pending(hv)))
			break;
		sigsuspend(&old);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	hc->ret = 0;
	return HV_HC_OK;
}

static int xl_hc_yield(struct hv *hv, struct hv_hcall *hc)
{
	(void)hv;
	sched_yield();
	hc->ret = 0;
	return HV_HC_OK;
}

static int xl_hc_shutdown(struct hv *hv, struct hv_hcall *hc)
{
	hv_end(hv, (int)(((hc->arg[0] << 1) | 1) & 0xff), "%s", "");
	hc->ret = 0;
	return HV_HC_OK;
}

/* The guest unmasked with upcall_pending set: deliver now. */
static int xl_hc_upcall(struct hv *hv, struct hv_hcall *hc)
{
	if (xl_not_ready(hv, hc))
		return HV_HC_FAULT;
	xl_poll(hv);
	hc->ret = 0;
	return HV_HC_OK;
}

/* DEVICE_NOTIFY (ROM ABI 1.1): a0 the notify register's gpa, a1 the
 * value, delivered as the native 16-bit MMIO write (hv_device_notify).
 * No device at a0 is an error for the guest to see, not misbehaviour:
 * XL_E_NODEV, and the guest runs on. */
static int xl_hc_evtchn_send(struct hv *hv, struct hv_hcall *hc)
{
	if (xl_not_ready(hv, hc))
		return HV_HC_FAULT;
	if (hc->arg[1] > 0xffff) {
		hv_end(hv, HV_EXIT_GUEST, "xenlike evtchn_send: value %#" PRIx64
		       " is wider than 16 bits", hc->arg[1]);
		return HV_HC_FAULT;
	}
	hc->ret = hv_device_notify(hv, hc->arg[0], (uint16_t)hc->arg[1]) == 0
		  ? 0 : (uint64_t)XL_E_NODEV;
	return HV_HC_OK;
}

static int xl_hc_multicall(struct hv *hv, struct hv_hcall *hc);

/* Calls a multicall may batch: the ones that neither block nor end. */
static hv_hcall_fn xl_batchable(uint64_t op)
{
	switch (op) {
	case XL_HC_CONSOLE: return xl_hc_console;
	case XL_HC_MMU_UPDATE: return xl_hc_mmu_update;
	case XL_HC_SET_TIMER: return xl_hc_set_timer;
	case XL_HC_YIELD: return xl_hc_yield;
	case XL_HC_EVTCHN_UPCALL: return xl_hc_upcall;
	case XL_HC_EVTCHN_SEND: return xl_hc_evtchn_send;
	default: return NULL;
	}
}

/* a0 gpa of a1 entries: each runs as its own hypercall would, its
 * result written back; an unbatchable op gets XL_E_INVAL.  The array may
 * sit at any alignment the guest likes, so entries are copied out and
 * results copied back with memcpy. */
static int xl_hc_multicall(struct hv *hv, struct hv_hcall *hc)
{
	uint8_t *m;

	if (xl_not_ready(hv, hc))
		return HV_HC_FAULT;
	if (hc->arg[1] > XL_MULTI_MAX) {
		hv_end(hv, HV_EXIT_GUEST, "xenlike multicall: %" PRIu64
		       " entries, at most %u", hc->arg[1], XL_MULTI_MAX);
		return HV_HC_FAULT;
	}
	m = hv_guest_range(hv, hc->arg[0], hc->arg[1] * sizeof(struct xl_multicall),
			   "xenlike multicall");
	if (m == NULL)
		return HV_HC_FAULT;
	for (uint64_t i = 0; i < hc->arg[1]; i++) {
		uint8_t *e = m + i * sizeof(struct xl_multicall);
		struct xl_multicall mc;
		memcpy(&mc, e, sizeof(mc));
		struct hv_hcall sub = { .nr = mc.op };
		hv_hcall_fn fn = xl_batchable(sub.nr);
		memcpy(sub.arg, mc.args, sizeof(sub.arg));
		mc.result = XL_E_INVAL;
		if (fn != NULL) {
			if (fn(hv, &sub) != HV_HC_OK)
				return HV_HC_FAULT;
			mc.result = (int64_t)sub.ret;
		}
		memcpy(e + offsetof(struct xl_multicall, result), &mc.result,
		       sizeof(mc.result));
	}
	hc->ret = 0;
	return HV_HC_OK;
}

/* --backend xenlike: the hypercall numbers and the run-loop hook.  The
 * page, the shared info and the timer come at the guest's setup call. */
int xl__init(struct hv *hv)
{
	static const struct { uint32_t nr; const char *name; hv_hcall_fn fn; } t[] = {
		{ XL_HC_SETUP, "xl.setup", xl_hc_setup },
		{ XL_HC_CONSOLE, "xl.console", xl_hc_console },
		{ XL_HC_MMU_UPDATE, "xl.mmu_update", xl_hc_mmu_update },
		{ XL_HC_SET_TIMER, "xl.set_timer", xl_hc_set_timer },
		{ XL_HC_BLOCK, "xl.block", xl_hc_block },
		{ XL_HC_YIELD, "xl.yield", xl_hc_yield },
		{ XL_HC_SHUTDOWN, "xl.shutdown", xl_hc_shutdown },
		{ XL_HC_EVTCHN_UPCALL, "xl.evtchn_upcall", xl_hc_upcall },
		{ XL_HC_MULTICALL, "xl.multicall", xl_hc_multicall },
		{ XL_HC_EVTCHN_SEND, "xl.evtchn_send", xl_hc_evtchn_send },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (hv_hcall_register(t[i].nr, t[i].name, t[i].fn)) {
			fprintf(stderr, "hv: xenlike: hypercall %#x taken\n", t[i].nr);
			return -1;
		}
	hv->backend_poll = xl_poll;
	hv->irq_gate = xl_irq_gate;
	return 0;
}

/* ---- Issue 14, re-binding (hv/rebind.c): leaving this backend ---- */

/* The guest has let go of the xenlike ROM (SPEC.md section 20): stop
 * the timer, forget held lines and the shared-info page (the guest may
 * free it now), so a later setup (a new xenlike ROM) starts afresh and
 * any hypercall before it is the "before setup" misbehaviour.  The
 * hypercall numbers stay registered. */
void xl__detach(struct hv *hv)
{
	struct itimerspec off = { 0 };

	if (xl.timer_made)
		timer_settime(xl.timer, 0, &off, NULL);
	xl_fired = 0;
	xl_armed_at = 0;
	for (int n = 0; n < 32; n++) {	/* held device lines: raised, not lost */
		struct kvm_irq_level l = { .irq = (uint32_t)n, .level = 1 };
		if ((xl_held_lines & (1u << n)) && ioctl(hv->vm, KVM_IRQ_LINE, &l) < 0)
			hv_end(hv, HV_EXIT_INTERNAL, "xenlike: KVM_IRQ_LINE %d: %s",
			       n, strerror(errno));
	}
	xl_held_lines = 0;
	xl.ready = 0;
	xl.sh = NULL;
}

/* The vCPU's kvm_run page moved (rebind replaced the vCPU). */
void xl__set_run(struct kvm_run *run)
{
	if (xl.timer_made)
		xl_run = run;
}

/* ---- Issue 14: the host side in a snapshot ("backend.xenlike") ------
 *
 * Kept in guest terms, not host ones: the guest's system time at the
 * save and the timer's deadline in system time.  The guest's TSC is
 * restored too (snap_kvm.c), so the pv clock's (tsc_timestamp,
 * system_time) pair stays right and system time goes on from where it
 * stopped; the restoring hv moves its epoch so that host time maps to
 * the same system time, and moves the wall clock at system time 0 by
 * the gap, so the guest's wall clock is the real time again. */
#include "snapshot.h"

int xl__save(struct hv *hv, struct snap_buf *b)
{
	struct snap_xl s = { .ready = (uint32_t)xl.ready, .held_lines = xl_held_lines,
			     .lines_raised = xl_lines_raised };
	struct itimerspec its;

	if (xl.ready) {
		s.sh_gpa = (uint64_t)((uint8_t *)xl.sh - hv->gm.ram);
		s.now_sys = xl_now(CLOCK_MONOTONIC) - xl.epoch_ns;
		if (timer_gettime(xl.timer, &its) == 0 &&
		    (its.it_value.tv_sec || its.it_value.tv_nsec))
			s.timer_sys = s.now_sys + (uint64_t)its.it_value.tv_sec * 1000000000ull +
				      (uint64_t)its.it_value.tv_nsec;
		/* Armed and its event not raised yet, though the timer may
		 * read disarmed (expired, signal in flight): due now at the
		 * latest. */
		if (xl_fired || (xl_armed_at && s.timer_sys == 0))
			s.timer_sys = s.now_sys ? s.now_sys : 1;
	}
	snap_put(b, "backend.xenlike", &s, sizeof(s));
	return 0;
}

int xl__load(struct hv *hv, const struct snap_view *v, char *err, size_t errlen)
{
	const struct snap_xl *s = &v->xl;
	struct xl_shared_info *sh;
	uint64_t wall;

	xl_held_lines = s->held_lines;
	xl_lines_raised = s->lines_raised;
	if (!s->ready)
		return 0;
	sh = gmem_range(&hv->gm, s->sh_gpa, sizeof(*sh));
	if (sh == NULL || xl_timer_init(hv)) {
		snprintf(err, errlen, "shared info at %#llx, or its timer: %s",
			 (unsigned long long)s->sh_gpa, strerror(errno));
		return -1;
	}
	xl.sh = sh;
	xl.epoch_ns = xl_now(CLOCK_MONOTONIC) - s->now_sys;
	wall = xl_now(CLOCK_REALTIME) - s->now_sys;
	sh->wc_version++;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	sh->wc_sec = wall / 1000000000ull;
	sh->wc_nsec = (uint32_t)(wall % 1000000000ull);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	sh->wc_version++;
	xl.ready = 1;
	if (s->timer_sys) {
		struct itimerspec its = { 0 };
		uint64_t at = xl.epoch_ns + s->timer_sys;
		if (at <= xl_now(CLOCK_MONOTONIC))
			at = xl_now(CLOCK_MONOTONIC) + 1000;
		its.it_value.tv_sec = (time_t)(at / 1000000000ull);
		its.it_value.tv_nsec = (long)(at % 1000000000ull);
		xl_armed_at = at;
		if (timer_settime(xl.timer, TIMER_ABSTIME, &its, NULL)) {
			snprintf(err, errlen, "timer_settime: %s", strerror(errno));
			return -1;
		}
	}
	return 0;
}
