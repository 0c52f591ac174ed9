/* backend_vmwarelike.c: hv's host side of the VMware-like ROM
 * (backends/vmwarelike/): the backdoor command port 0x5658 and bulk port
 * 0x5659, the deferred-mode queue checked in one exit, the CPUID table,
 * the TSC frequency, wall clock, halt and shutdown, and the alarm: a
 * thread that raises 8259 line 0 through KVM_IRQ_LINE at the deadline
 * (the in-kernel irqchip delivers it; no exit to hv).
 *
 * Every guest range goes through hv_guest_range(); every malformed
 * request ends the guest with status 10 and a one-line reason.  The pure
 * checks are in vmwarelike_check.c.  SPEC.md section 19.2 is the prose. */
#include "hcall.h"
#include "vmwarelike_check.h"
#include "notify.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#define VMW_CPUID_KVM_MAX 256

/* The alarm, shared by the vCPU thread (sets it) and the alarm thread
 * (fires it); every field under lock. */
static struct vmw_alarm {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int started, armed, error;
	uint64_t deadline, period;      /* CLOCK_MONOTONIC ns */
	int vm;
} vmw_alarm = { .lock = PTHREAD_MUTEX_INITIALIZER };

static uint64_t vmw_now(clockid_t clk)
{
	struct timespec t;
	clock_gettime(clk, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* An edge on 8259 line 0 (and its IOAPIC twin, masked): the timer. */
static int vmw_irq0(int vm)
{
	struct kvm_irq_level l = { .irq = 0, .level = 1 };

	if (ioctl(vm, KVM_IRQ_LINE, &l) < 0)
		return -1;
	l.level = 0;
	return ioctl(vm, KVM_IRQ_LINE, &l);
}

/* The alarm thread: sleeps until the deadline (or a new one), fires,
 * re-arms a periodic alarm. */
static void *vmw_alarm_thread(void *arg)
{
	struct vmw_alarm *a = arg;
	struct timespec ts;

	pthread_mutex_lock(&a->lock);
	for (;;) {
		uint64_t now = vmw_now(CLOCK_MONOTONIC);
		if (!a->armed) {
			pthread_cond_wait(&a->cond, &a->lock);
			continue;
		}
		if (now < a->deadline) {
			ts.tv_sec = (time_t)(a->deadline / 1000000000ull);
			ts.tv_nsec = (long)(a->deadline % 1000000000ull);
			pthread_cond_timedwait(&a->cond, &a->lock, &ts);
			continue;
		}
		if (a->period)
			a->deadline = vmw_alarm_next(a->deadline, a->period, now);
		else
			a->armed = 0;
		if (vmw_irq0(a->vm) < 0)
			__atomic_store_n(&a->error, errno, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* Started at the first alarm, with every signal blocked so that
 * --timeout's SIGALRM still lands in the vCPU thread's KVM_RUN. */
static int vmw_alarm_start(struct hv *hv)
{
	pthread_condattr_t ca;
	pthread_t t;
	sigset_t all, old;
	int rc;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&vmw_alarm.cond, &ca);
	vmw_alarm.vm = hv->vm;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&t, NULL, vmw_alarm_thread, &vmw_alarm);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		hv_end(hv, HV_EXIT_INTERNAL, "vmwarelike: alarm thread: %s", strerror(rc));
		return -1;
	}
	pthread_detach(t);
	vmw_alarm.started = 1;
	return 0;
}

/* Replace the alarm: delay ns from now, then every period ns (0: once);
 * delay 0 with armed 0 cancels. */
static int vmw_alarm_set(struct hv *hv, int armed, uint64_t delay, uint64_t period)
{
	const uint64_t max = 1000000ull * 1000000000ull;   /* 11.6 days */

	if (armed && period && period < VMW_PERIOD_MIN_NS) {
		hv_end(hv, HV_EXIT_GUEST, "vmwarelike: alarm period %" PRIu64
		       " ns under the minimum of %llu", period, VMW_PERIOD_MIN_NS);
		return -1;
	}
	if (armed && !vmw_alarm.started && vmw_alarm_start(hv))
		return -1;
	pthread_mutex_lock(&vmw_alarm.lock);
	vmw_alarm.armed = armed;
	vmw_alarm.deadline = vmw_now(CLOCK_MONOTONIC) + (delay < max ? delay : max);
	vmw_alarm.period = period < max ? period : max;
	if (vmw_alarm.started)
		pthread_cond_signal(&vmw_alarm.cond);
	pthread_mutex_unlock(&vmw_alarm.lock);
	return 0;
}

/* CPUID_FILL: the vCPU's CPUID as the ROM's table, at gpa rbx with room
 * for rsi entries.  The table is built and sorted in hv's own memory and
 * copied out whole: the guest picks its address (any alignment) and may
 * write to it meanwhile. */
static int vmw_cpuid_fill(struct hv *hv, struct kvm_regs *r)
{
	static struct {
		struct kvm_cpuid2 h;
		struct kvm_cpuid_entry2 e[VMW_CPUID_KVM_MAX];
	} c;
	static struct vmw_cpuid_entry tab[VMW_CPUID_MAX];
	void *t;
	unsigned n;

	if (r->rsi > VMW_CPUID_MAX) {
		hv_end(hv, HV_EXIT_GUEST, "vmwarelike: cpuid table of %llu entries"
		       " over the limit of %u", r->rsi, VMW_CPUID_MAX);
		return -1;
	}
	t = hv_guest_range(hv, r->rbx, r->rsi * sizeof(tab[0]), "vmwarelike cpuid table");
	if (t == NULL)
		return -1;
	c.h.nent = VMW_CPUID_KVM_MAX;
	if (ioctl(hv->vcpu, KVM_GET_CPUID2, &c) < 0) {
		hv_end(hv, HV_EXIT_INTERNAL, "KVM_GET_CPUID2: %s", strerror(errno));
		return -1;
	}
	n = vmw_cpuid_table(c.e, c.h.nent, tab, (unsigned)r->rsi);
	memcpy(t, tab, n * sizeof(tab[0]));
	r->rbx = n;
	return 0;
}

/*
 * MMU_FLUSH: rsi entries at gpa rbx, checked in order (vmw_flush_check);
 * a refused entry's kind is cleared in the queue (so the ROM skips it)
 * and reported: eax count, rbx first index, rcx its reason.  hv does not
 * store the accepted entries itself: on this KVM (shadow paging) a store
 * through hv's mapping of guest RAM bypasses KVM's write tracking of
 * page-table pages and leaves stale translations; the ROM's own stores,
 * in the same order right after this exit, keep KVM coherent (SPEC.md
 * 19.2).
 */
static int vmw_mmu_flush(struct hv *hv, struct kvm_regs *r, uint32_t *eax)
{
	struct vmw_flush f;
	void *q;

	if (r->rsi > VMW_QUEUE_MAX) {
		hv_end(hv, HV_EXIT_GUEST, "vmwarelike: mmu_flush of %llu entries"
		       " over the limit of %u", r->rsi, VMW_QUEUE_MAX);
		return -1;
	}
	q = hv_guest_range(hv, r->rbx, r->rsi * sizeof(struct vmw_mmu_op),
			   "vmwarelike mmu queue");
	if (q == NULL)
		return -1;
	if (vmw_flush_check(&hv->gm, q, r->rsi, &f) < 0) {
		if (f.reason)
			hv_end(hv, HV_EXIT_GUEST, "vmwarelike: mmu_flush entry %#"
			       PRIx64 ": %s", f.bad_op, f.reason);
		else
			hv_guest_range(hv, f.bad_op & ~7ull, 8, "vmwarelike page-table entry");
		return -1;
	}
	*eax = f.refused;
	r->rbx = f.first;
	r->rcx = f.first_why;
	return 0;
}

static uint64_t vmw_tsc_hz(struct hv *hv)
{
	int khz = ioctl(hv->vcpu, KVM_GET_TSC_KHZ, 0);
	return khz > 0 ? (uint64_t)khz * 1000 : 0;
}

/* DEVICE_NOTIFY (ROM ABI 1.1): rbx the notify register's gpa, rsi the
 * value, delivered as the native 16-bit MMIO write.  No device there is
 * the guest's to see (eax = VMW_NOTIFY_NODEV), not misbehaviour; a value
 * wider than 16 bits is. */
static int vmw_notify(struct hv *hv, struct kvm_regs *r, uint32_t *eax)
{
	if (r->rsi > 0xffff) {
		hv_end(hv, HV_EXIT_GUEST, "vmwarelike: notify value %#llx is wider "
		       "than 16 bits", (unsigned long long)r->rsi);
		return -1;
	}
	*eax = hv_device_notify(hv, r->rbx, (uint16_t)r->rsi) == 0 ? 0 : VMW_NOTIFY_NODEV;
	return 0;
}

/* One command: arguments and results in r, eax's value in *eax. */
static int vmw_command(struct hv *hv, struct kvm_regs *r, uint32_t *eax)
{
	uint32_t cmd = (uint32_t)r->rcx;

	*eax = 0;
	switch (cmd) {
	case VMW_CMD_GETVERSION:
		*eax = VMW_PROTO;
		r->rbx = VMW_MAGIC;
		r->rcx = VMW_PRODUCT;
		return 0;
	case VMW_CMD_GETHZ:
		r->rbx = vmw_tsc_hz(hv);
		return 0;
	case VMW_CMD_CPUID_FILL:
		return vmw_cpuid_fill(hv, r);
	case VMW_CMD_MMU_FLUSH:
		return vmw_mmu_flush(hv, r, eax);
	case VMW_CMD_ALARM_SET:
		return vmw_alarm_set(hv, 1, r->rbx, r->rsi);
	case VMW_CMD_ALARM_CANCEL:
		return vmw_alarm_set(hv, 0, 0, 0);
	case VMW_CMD_WALLCLOCK:
		r->rbx = vmw_now(CLOCK_REALTIME);
		return 0;
	case VMW_CMD_HALT:
		return 0;        /* the ROM halts next; the irqchip wakes it */
	case VMW_CMD_SHUTDOWN:
		hv_end(hv, (int)((((uint64_t)(uint32_t)r->rbx << 1) | 1) & 0xff), "%s", "");
		return -1;
	case VMW_CMD_NOTIFY:
		return vmw_notify(hv, r, eax);
	}
	hv_end(hv, HV_EXIT_GUEST, "vmwarelike: unknown backdoor command %#x", cmd);
	return -1;
}

/* The common checks of both ports; the registers on success.  The
 * shape is checked before the registers are read, the magic after. */
static int vmw_enter(struct hv *hv, struct hv_io *io, struct kvm_regs *r)
{
	const char *why = vmw_check_access(io->port, io->out, io->size,
					   hv->run->io.count, VMW_MAGIC);

	if (why == NULL && vcpu__get_regs(hv, r))
		return -1;
	if (why == NULL)
		why = vmw_check_access(io->port, io->out, io->size,
				       hv->run->io.count, (uint32_t)r->rax);
	if (why) {
		hv_end(hv, HV_EXIT_GUEST, "vmwarelike: backdoor port %#x: %s",
		       io->port, why);
		return -1;
	}
	if (__atomic_load_n(&vmw_alarm.error, __ATOMIC_RELAXED)) {
		hv_end(hv, HV_EXIT_INTERNAL, "vmwarelike: KVM_IRQ_LINE: %s",
		       strerror(vmw_alarm.error));
		return -1;
	}
	return 0;
}

static void vmw_cmd_port(struct hv *hv, struct hv_io *io, void *opaque)
{
	struct kvm_regs r;
	uint32_t eax;
	(void)opaque;

	if (vmw_enter(hv, io, &r) || vmw_command(hv, &r, &eax))
		return;
	/* Registers written during an in-exit win over the value read
	 * (measured on this KVM), so eax goes in both. */
	io->val = eax;
	r.rax = eax;
	vcpu__set_regs(hv, &r);
}

/* Bulk: rcx bytes at gpa rsi, for command ebx; eax = bytes taken. */
static void vmw_bulk_port(struct hv *hv, struct hv_io *io, void *opaque)
{
	struct kvm_regs r;
	const char *why;
	const void *p;
	(void)opaque;

	if (vmw_enter(hv, io, &r))
		return;
	why = vmw_check_bulk((uint32_t)r.rbx, r.rcx);
	if (why) {
		hv_end(hv, HV_EXIT_GUEST, "vmwarelike: bulk command %#x, %llu bytes: %s",
		       (uint32_t)r.rbx, r.rcx, why);
		return;
	}
	p = hv_guest_range(hv, r.rsi, r.rcx, "vmwarelike console");
	if (p == NULL)
		return;
	uart__flush();
	io->val = fwrite(p, 1, r.rcx, stdout) == r.rcx ? (uint32_t)r.rcx : 0;
	fflush(stdout);
}

/* Claim the two backdoor ports. */
int vmw__init(struct hv *hv)
{
	(void)hv;
	if (hv_port_register(VMW_PORT_CMD, 1, "vmw backdoor", vmw_cmd_port, NULL) ||
	    hv_port_register(VMW_PORT_BULK, 1, "vmw bulk", vmw_bulk_port, NULL)) {
		fprintf(stderr, "hv: vmwarelike: backdoor ports already claimed\n");
		return -1;
	}
	return 0;
}

/* ---- Issue 14, re-binding (hv/rebind.c): leaving this backend ---- */

/* The guest has let go of the vmwarelike ROM (SPEC.md section 20): no
 * alarm may fire for it any more.  The ports stay claimed: a new
 * vmwarelike ROM's GETVERSION must find them. */
void vmw__detach(struct hv *hv)
{
	if (vmw_alarm.started)
		vmw_alarm_set(hv, 0, 0, 0);
}

/* ---- Issue 14: the alarm in a snapshot ("backend.vmwarelike") -------
 *
 * As the time left until the deadline, so the restored alarm fires as
 * late after the restore as it would have after the save: the guest's
 * clock (its TSC, restored) did not move across the gap either. */
#include "snapshot.h"

int vmw__save(struct hv *hv, struct snap_buf *b)
{
	struct snap_vmw s = { 0 };
	uint64_t now = vmw_now(CLOCK_MONOTONIC);
	(void)hv;

	pthread_mutex_lock(&vmw_alarm.lock);
	s.armed = (uint32_t)vmw_alarm.armed;
	s.delay_ns = vmw_alarm.deadline > now ? vmw_alarm.deadline - now : 0;
	s.period_ns = vmw_alarm.period;
	pthread_mutex_unlock(&vmw_alarm.lock);
	if (!s.armed)
		s.delay_ns = s.period_ns = 0;
	snap_put(b, "backend.vmwarelike", &s, sizeof(s));
	return 0;
}

int vmw__load(struct hv *hv, const struct snap_view *v, char *err, size_t errlen)
{
	if (!v->vmw.armed)
		return 0;
	if (vmw_alarm_set(hv, 1, v->vmw.delay_ns, v->vmw.period_ns)) {
		snprintf(err, errlen, "alarm: %s", hv->reason);
		return -1;
	}
	return 0;
}
