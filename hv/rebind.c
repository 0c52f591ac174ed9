/* rebind.c: moving a running guest onto another backend (see rebind.h,
 * SPEC.md section 20, hv/hv.md "Switching backends").
 *
 * Two ways in.  A restore onto another backend (hv/snapshot.c) calls
 * rebind__switch() with the guest's old backend.  --switch-backend does
 * the same in place, in this process: the vCPU is replaced by a new one
 * whose CPUID names the new backend (KVM refuses to change a vCPU's
 * CPUID once it has run), the window gets the new ROM or none, and then
 * rebind__switch().
 *
 * What the guest sees: the ROM header's generation in the window
 * changes (or the ROM appears or vanishes).  It polls that at its tick,
 * re-binds at a safe point, and writes the generation it saw to the
 * header's generation field: the window is read-only, so the write
 * exits here.  Until that write hv keeps serving the old backend's
 * transport (its ports and hypercalls stay claimed and its state live);
 * at the write it lets go of the old backend's host side (its timer,
 * its shared page) and drops a timer edge the old backend left pending
 * in the 8259, which the guest's re-armed alarm replaces. */
#include "rebind.h"
#include "backend.h"
#include "hcall.h"
#include "bus.h"
#include "xenlike_check.h"
#include "vmwarelike_check.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>

#define RB_MAX_SWITCH   8
#define RB_KICK_SIGNAL  (SIGRTMIN + 2)

struct rb_switch {
	unsigned ms;                    /* after the previous acknowledgement */
	const char *backend;
	const char *rom_file;           /* NULL: no ROM */
	uint8_t *rom;
	size_t rom_len;
};

static struct {
	struct rb_switch sw[RB_MAX_SWITCH];
	unsigned nsw, next;             /* configured; the next to run */
	uint32_t gen;                   /* generation the window announces */
	const char *from;               /* backend served until the ack, or NULL */
	uint64_t due_ns;                /* CLOCK_MONOTONIC of the next switch, 0: none */
	void (*inner_poll)(struct hv *hv);
	int polling;                    /* hv->backend_poll is rb_poll */
	unsigned next_vcpu_id;
	timer_t kick;
	int kick_made;
} rb = { .next_vcpu_id = 1 };

static volatile sig_atomic_t rb_kicked;
static struct kvm_run *volatile rb_run;

static uint64_t rb_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

int rebind__parse(struct hv *hv, const char *arg)
{
	struct rb_switch *s = &rb.sw[rb.nsw];
	char *copy = strdup(arg);
	const char *why;

	(void)hv;
	if (copy == NULL)
		return HV_EXIT_INTERNAL;
	if (rb.nsw == RB_MAX_SWITCH) {
		fprintf(stderr, "hv: --switch-backend: at most %d switches\n", RB_MAX_SWITCH);
		return HV_EXIT_USAGE;
	}
	if (rebind__split(copy, &s->ms, &s->backend, &s->rom_file, &why)) {
		fprintf(stderr, "hv: --switch-backend %s: %s\n", arg, why);
		return HV_EXIT_USAGE;
	}
	rb.nsw++;
	return 0;
}

/* ---- the backends' host sides ---- */

/* Has this backend's init claimed its ports or hypercalls already? */
static int rb_claimed(const char *name)
{
	if (strcmp(name, "xenlike") == 0)
		return strcmp(hv_hcall_name(XL_HC_SETUP), "?") != 0;
	if (strcmp(name, "vmwarelike") == 0)
		return strcmp(bus__pio_name(VMW_PORT_CMD), "unclaimed") != 0;
	return 1;                       /* none: nothing to claim */
}

static void rb_poll(struct hv *hv);

/* Claims name's ports and hypercalls if nobody has; keeps rb_poll the
 * run loop's hook (a backend's init sets its own). */
static int rb_serve(struct hv *hv, const char *name)
{
	const struct hv_backend *b = hv_backend_find(name);

	if (b && b->init && !rb_claimed(name) && b->init(hv))
		return -1;
	if (rb.polling && hv->backend_poll != rb_poll) {
		rb.inner_poll = hv->backend_poll;
		hv->backend_poll = rb_poll;
	}
	return 0;
}

static void rb_detach(struct hv *hv, const char *name)
{
	if (strcmp(name, "xenlike") == 0)
		xl__detach(hv);
	else if (strcmp(name, "vmwarelike") == 0)
		vmw__detach(hv);
}

/* An alarm edge the old backend raised while the guest was letting go
 * (interrupts off) waits in the master 8259's request register; the
 * guest re-arms that alarm on its new backend, so the old edge goes. */
static void rb_drop_timer_edge(struct hv *hv)
{
	struct kvm_irqchip c = { .chip_id = KVM_IRQCHIP_PIC_MASTER };

	if (ioctl(hv->vm, KVM_GET_IRQCHIP, &c) < 0)
		return;
	c.chip.pic.irr &= (uint8_t)~1u;
	ioctl(hv->vm, KVM_SET_IRQCHIP, &c);
}

/* ---- the kick timer and the run-loop hook ---- */

static void rb_kick(int sig)
{
	(void)sig;
	rb_kicked = 1;
	if (rb_run)
		rb_run->immediate_exit = 1;
}

static int rb_kick_init(void)
{
	struct sigaction sa;
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL,
			       .sigev_signo = RB_KICK_SIGNAL };

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = rb_kick;
	sigemptyset(&sa.sa_mask);
	if (sigaction(RB_KICK_SIGNAL, &sa, NULL) ||
	    timer_create(CLOCK_MONOTONIC, &ev, &rb.kick))
		return -1;
	rb.kick_made = 1;
	return 0;
}

/* The next switch, ms from now (the guest's acknowledgement). */
static void rb_schedule(void)
{
	struct itimerspec its = { 0 };
	uint64_t ms;

	rb.due_ns = 0;
	if (rb.next >= rb.nsw || !rb.kick_made)
		return;
	ms = rb.sw[rb.next].ms ? rb.sw[rb.next].ms : 1;
	rb.due_ns = rb_now() + ms * 1000000ull;
	its.it_value.tv_sec = (time_t)(ms / 1000);
	its.it_value.tv_nsec = (long)(ms % 1000) * 1000000;
	timer_settime(rb.kick, 0, &its, NULL);
}

static void rb_switch_now(struct hv *hv);

static void rb_poll(struct hv *hv)
{
	if (rb_kicked) {
		rb_kicked = 0;
		if (!timer__expired())
			hv->run->immediate_exit = 0;
	}
	if (rb.due_ns && rb_now() >= rb.due_ns && !hv->ended)
		rb_switch_now(hv);
	if (rb.inner_poll)
		rb.inner_poll(hv);
}

static void rb_hook(struct hv *hv)
{
	if (rb.polling)
		return;
	rb.inner_poll = hv->backend_poll;
	hv->backend_poll = rb_poll;
	rb.polling = 1;
	rb_run = hv->run;
}

/* ---- the window ---- */

static uint8_t *rb_window(struct hv *hv)
{
	return hv->hole + (GMEM_ROM_BASE - GMEM_HOLE_START);
}

/* The window as the new backend has it: its ROM, or all ones. */
static void rb_place(struct hv *hv, const struct rb_switch *s)
{
	memset(rb_window(hv), 0xff, GMEM_ROM_MAX);
	if (s->rom)
		memcpy(rb_window(hv), s->rom, s->rom_len);
}

/* ---- a new vCPU for the new backend's CPUID ---- */

static const uint32_t rb_msrs[] = {
	0x174, 0x175, 0x176,            /* SYSENTER_CS, _ESP, _EIP */
	0x1a0, 0x277,                   /* MISC_ENABLE, PAT */
	0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084,  /* STAR .. SFMASK */
	0xc0000102, 0xc0000103,         /* KERNEL_GS_BASE, TSC_AUX */
};
#define RB_NMSRS (sizeof(rb_msrs) / sizeof(rb_msrs[0]))

struct rb_cpu {
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_fpu fpu;
	struct kvm_xsave xsave;
	struct kvm_xcrs xcrs;
	struct kvm_lapic_state lapic;
	struct kvm_vcpu_events events;
	struct kvm_mp_state mp;
	struct kvm_debugregs dbg;
	struct { struct kvm_msrs h; struct kvm_msr_entry e[RB_NMSRS]; } msrs;
	int has_xsave, has_xcrs;
};

static int rb_fail(struct hv *hv, const char *what)
{
	hv_end(hv, HV_EXIT_INTERNAL, "rebind: %s: %s", what, strerror(errno));
	return -1;
}

/* Everything of the vCPU the guest can tell, after KVM finished the
 * exit in flight (an `in` gets its value, rip moves past the insn). */
static int rb_cpu_save(struct hv *hv, struct rb_cpu *c)
{
	int fd = hv->vcpu;

	hv->run->immediate_exit = 1;
	if (ioctl(fd, KVM_RUN, 0) == 0 || errno != EINTR)
		return rb_fail(hv, "completing the exit in flight");
	hv->run->immediate_exit = 0;
	c->has_xsave = ioctl(hv->kvm, KVM_CHECK_EXTENSION, KVM_CAP_XSAVE) > 0;
	c->has_xcrs = ioctl(hv->kvm, KVM_CHECK_EXTENSION, KVM_CAP_XCRS) > 0;
	c->msrs.h.nmsrs = RB_NMSRS;
	for (unsigned i = 0; i < RB_NMSRS; i++)
		c->msrs.e[i] = (struct kvm_msr_entry){ .index = rb_msrs[i] };
	if (ioctl(fd, KVM_GET_REGS, &c->regs) || ioctl(fd, KVM_GET_SREGS, &c->sregs) ||
	    ioctl(fd, KVM_GET_FPU, &c->fpu) || ioctl(fd, KVM_GET_LAPIC, &c->lapic) ||
	    ioctl(fd, KVM_GET_VCPU_EVENTS, &c->events) ||
	    ioctl(fd, KVM_GET_MP_STATE, &c->mp) || ioctl(fd, KVM_GET_DEBUGREGS, &c->dbg) ||
	    (c->has_xsave && ioctl(fd, KVM_GET_XSAVE, &c->xsave)) ||
	    (c->has_xcrs && ioctl(fd, KVM_GET_XCRS, &c->xcrs)))
		return rb_fail(hv, "reading the vCPU");
	int n = ioctl(fd, KVM_GET_MSRS, &c->msrs);
	if (n < 0)
		return rb_fail(hv, "KVM_GET_MSRS");
	c->msrs.h.nmsrs = (uint32_t)n;  /* the ones this KVM has, in order */
	return 0;
}

static int rb_cpu_load(struct hv *hv, struct rb_cpu *c)
{
	int fd = hv->vcpu;

	if (ioctl(fd, KVM_SET_SREGS, &c->sregs) ||
	    ioctl(fd, KVM_SET_MSRS, &c->msrs) != (int)c->msrs.h.nmsrs ||
	    ioctl(fd, KVM_SET_REGS, &c->regs) || ioctl(fd, KVM_SET_FPU, &c->fpu) ||
	    (c->has_xsave && ioctl(fd, KVM_SET_XSAVE, &c->xsave)) ||
	    (c->has_xcrs && ioctl(fd, KVM_SET_XCRS, &c->xcrs)) ||
	    ioctl(fd, KVM_SET_LAPIC, &c->lapic) ||
	    ioctl(fd, KVM_SET_VCPU_EVENTS, &c->events) ||
	    ioctl(fd, KVM_SET_MP_STATE, &c->mp) || ioctl(fd, KVM_SET_DEBUGREGS, &c->dbg))
		return rb_fail(hv, "loading the new vCPU");
	return 0;
}

/* The old vCPU never runs again; the 8259 delivers to the first vCPU
 * whose LAPIC accepts ExtINT on LINT0, so the old one must stop. */
static void rb_retire(struct hv *hv, int fd, struct kvm_lapic_state *l)
{
	uint32_t *lvt0 = (uint32_t *)(void *)&l->regs[0x350];

	*lvt0 |= 1u << 16;              /* masked */
	if (ioctl(fd, KVM_SET_LAPIC, l) < 0)
		fprintf(stderr, "hv: rebind: masking the old vCPU's LINT0: %s\n",
			strerror(errno));
	(void)hv;
}

/* Replaces the vCPU by one with the CPUID of hv->opt.backend and the
 * old one's state; its kvm_run page replaces the old everywhere. */
static int rb_new_vcpu(struct hv *hv)
{
	static struct rb_cpu c;
	int old = hv->vcpu;
	struct kvm_run *old_run = hv->run;

	if (rb_cpu_save(hv, &c))
		return -1;
	hv->vcpu = ioctl(hv->vm, KVM_CREATE_VCPU, rb.next_vcpu_id++);
	if (hv->vcpu < 0)
		return rb_fail(hv, "KVM_CREATE_VCPU");
	hv->run = mmap(NULL, hv->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       hv->vcpu, 0);
	if (hv->run == MAP_FAILED)
		return rb_fail(hv, "mmap kvm_run");
	if (cpuid__init(hv))
		return rb_fail(hv, "the new vCPU's CPUID");
	if (hv->sync_regs)
		hv->run->kvm_valid_regs = KVM_SYNC_X86_REGS;
	if (rb_cpu_load(hv, &c))
		return -1;
	rb_retire(hv, old, &c.lapic);
	rb_run = hv->run;
	timer__set_run(hv->run);
	xl__set_run(hv->run);
	munmap(old_run, hv->run_size);
	return 0;
}

/* --switch-backend's next switch, in place. */
static void rb_switch_now(struct hv *hv)
{
	struct rb_switch *s = &rb.sw[rb.next++];
	const char *from = hv->opt.backend;
	char err[200];

	rb.due_ns = 0;
	if (rb_serve(hv, s->backend)) {
		hv_end(hv, HV_EXIT_INTERNAL, "rebind: backend %s cannot start", s->backend);
		return;
	}
	hv->opt.backend = s->backend;
	if (rb_new_vcpu(hv))
		return;
	rb_place(hv, s);
	if (rebind__switch(hv, from, err, sizeof(err)))
		hv_end(hv, HV_EXIT_INTERNAL, "rebind: %s", err);
}

/* ---- the switch itself, and the guest's acknowledgement ---- */

int rebind__switch(struct hv *hv, const char *from, char *err, size_t errlen)
{
	uint8_t *win = rb_window(hv);
	int rom = win[0] == 0x55 && win[1] == 0xAA;

	if (hv_backend_find(from) == NULL) {
		snprintf(err, errlen, "the guest's backend '%s' is unknown to this hv", from);
		return -1;
	}
	rb_hook(hv);
	if (rb_serve(hv, from) || rb_serve(hv, hv->opt.backend)) {
		snprintf(err, errlen, "cannot serve backends %s and %s together",
			 from, hv->opt.backend);
		return -1;
	}
	if (rb.from == NULL)            /* still bound where it was, if not acked */
		rb.from = hv_backend_find(from)->name;
	if (rb.gen == 0) {
		/* A restore: the guest saw a generation another process
		 * wrote.  One it cannot have seen: from the wall clock. */
		struct timespec t;
		clock_gettime(CLOCK_REALTIME, &t);
		rb.gen = (uint32_t)(t.tv_sec * 1000 + t.tv_nsec / 1000000) | 0x80000000u;
	}
	rb.gen++;
	if (rom && rebind__stamp(win, GMEM_ROM_MAX, rb.gen)) {
		snprintf(err, errlen, "the ROM in the window has no whole image to stamp");
		return -1;
	}
	fprintf(stderr, "hv: rebind: generation %u: backend %s -> %s, %s in the window; "
		"serving %s until the guest lets go\n", rb.gen, from, hv->opt.backend,
		rom ? "ROM" : "no ROM", rb.from);
	if (!rom && strcmp(rb.from, "none") == 0) {
		rb.from = NULL;         /* nothing bound, nothing to tell */
		rb_schedule();
	}
	return 0;
}

void rebind__rom_write(struct hv *hv, uint64_t gpa, const void *data, unsigned len)
{
	uint32_t v;

	if (gpa != GMEM_ROM_BASE + RB_GEN_OFFSET || len != 4)
		return;                 /* a write to ROM: dropped, as before */
	memcpy(&v, data, 4);
	/* The generation the guest saw: the current one, or 0 when it
	 * found no ROM in the window (it stores to where its old one was). */
	if (rb.gen == 0 || !(v == rb.gen || (v == 0 && rb_window(hv)[0] != 0x55)))
		return;
	if (rb.from) {
		if (strcmp(rb.from, "none") != 0)
			rb_detach(hv, rb.from);
		rb_drop_timer_edge(hv);
		fprintf(stderr, "hv: rebind: guest let go of %s, runs on %s (generation %u)\n",
			rb.from, hv->opt.backend, rb.gen);
		rb.from = NULL;
		rb_schedule();
	} else if (rb.due_ns == 0 && rb.next == 0) {
		rb_schedule();          /* the boot ROM's acknowledgement */
	}
}

int rebind__init(struct hv *hv)
{
	char msg[200] = "";
	uint8_t *win = rb_window(hv);

	if (rb.nsw == 0)
		return 0;
	for (unsigned i = 0; i < rb.nsw; i++) {
		struct rb_switch *s = &rb.sw[i];
		if (!s->rom_file)
			continue;
		s->rom = hv_read_file(s->rom_file, GMEM_ROM_MAX, &s->rom_len, msg, sizeof(msg));
		if (s->rom == NULL || rom__check(s->rom, s->rom_len, msg, sizeof(msg))) {
			fprintf(stderr, "hv: --switch-backend ROM %s: %s\n", s->rom_file, msg);
			return HV_EXIT_IMAGE;
		}
	}
	if (rb_kick_init())
		return HV_EXIT_INTERNAL;
	rb_hook(hv);
	for (unsigned i = 0; i < rb.nsw; i++)
		if (rb_serve(hv, rb.sw[i].backend))
			return HV_EXIT_INTERNAL;
	if (win[0] == 0x55 && win[1] == 0xAA) {
		rb.gen = 1;             /* the boot ROM; its ack starts the clock */
		rebind__stamp(win, GMEM_ROM_MAX, rb.gen);
	} else {
		rb_schedule();          /* no ROM to acknowledge: from the start */
	}
	return 0;
}
