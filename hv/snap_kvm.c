/* snap_kvm.c: the state KVM holds for hv's guest, out and back in: the
 * vCPU (general, segment and control registers, FPU/XSAVE and XCR0,
 * the MSRs the guest uses, pending events, local APIC, run state, debug
 * registers) and the VM (8259 pair, IOAPIC, PIT, kvmclock), as the
 * sections snapshot.h names.  The guest's TSC travels as MSR 0x10, so
 * its clocks (native TSC, the Xen-like pv clock) read on from where
 * they stopped: time in the guest never runs backwards across a save. */
#include "snapshot.h"
#include "hv.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

/* MSRs a guest of hv uses (this kernel: STAR, LSTAR, FMASK; EFER goes
 * with sregs) and the ones any x86-64 kernel may: SYSENTER, PAT,
 * KERNEL_GS_BASE, TSC_AUX, MISC_ENABLE, and the TSC itself (first:
 * KVM turns a host write of it into the guest's TSC offset).  Only
 * those KVM lists (KVM_GET_MSR_INDEX_LIST) are saved. */
static const uint32_t snap_msr_want[] = {
	0x00000010, /* TSC */
	0x00000174, 0x00000175, 0x00000176, /* SYSENTER_CS/ESP/EIP */
	0x00000277, /* PAT */
	0x000001a0, /* MISC_ENABLE */
	0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084, /* STAR LSTAR CSTAR FMASK */
	0xc0000102, /* KERNEL_GS_BASE */
	0xc0000103, /* TSC_AUX */
};
#define SNAP_NWANT (sizeof(snap_msr_want) / sizeof(snap_msr_want[0]))

static int snap_kvm_err(char *err, size_t errlen, const char *what)
{
	snprintf(err, errlen, "%s: %s", what, strerror(errno));
	return -1;
}

/* The wanted MSRs KVM supports, into m (indices only). */
static int snap_msr_list(struct hv *hv, struct snap_msrs *m)
{
	struct { struct kvm_msr_list h; uint32_t idx[1024]; } l = { .h.nmsrs = 1024 };

	memset(m, 0, sizeof(*m));
	if (ioctl(hv->kvm, KVM_GET_MSR_INDEX_LIST, &l) < 0)
		return -1;
	for (unsigned w = 0; w < SNAP_NWANT; w++)
		for (uint32_t i = 0; i < l.h.nmsrs && i < 1024; i++)
			if (l.idx[i] == snap_msr_want[w]) {
				m->e[m->n++].index = snap_msr_want[w];
				break;
			}
	return 0;
}

static int snap_get_msrs(struct hv *hv, struct snap_msrs *m)
{
	struct { struct kvm_msrs h; struct kvm_msr_entry e[SNAP_MAX_MSRS]; } k;
	int n;

	if (snap_msr_list(hv, m))
		return -1;
	memset(&k, 0, sizeof(k));
	k.h.nmsrs = m->n;
	memcpy(k.e, m->e, m->n * sizeof(k.e[0]));
	n = ioctl(hv->vcpu, KVM_GET_MSRS, &k);
	if (n < 0)
		return -1;
	m->n = (uint32_t)n;             /* KVM stops at the first it cannot read */
	memcpy(m->e, k.e, sizeof(m->e));
	return 0;
}

/* A vCPU that exited for port I/O or MMIO has not finished that
 * instruction until KVM_RUN is entered again; with immediate_exit set,
 * KVM_RUN completes it (and applies registers hv changed through the
 * run page) and returns EINTR without running the guest.  Saving
 * before that would lose an "in" result or a hypercall's rax. */
int snap_vcpu_settle(struct hv *hv, char *err, size_t errlen)
{
	hv->run->immediate_exit = 1;
	if (ioctl(hv->vcpu, KVM_RUN, 0) == 0 || errno != EINTR) {
		hv->run->immediate_exit = 0;
		return snap_kvm_err(err, errlen, "KVM_RUN to complete the last exit");
	}
	hv->run->immediate_exit = 0;
	return 0;
}

#define GET(ioc, sect, obj) do { \
	memset(&(obj), 0, sizeof(obj)); \
	if (ioctl(fd, ioc, &(obj)) < 0) \
		return snap_kvm_err(err, errlen, #ioc); \
	snap_put(b, sect, &(obj), sizeof(obj)); } while (0)

/* Every vCPU section, in the order restore sets them. */
int snap_save_vcpu(struct hv *hv, struct snap_buf *b, char *err, size_t errlen)
{
	static struct kvm_regs regs;
	static struct kvm_sregs sregs;
	static struct kvm_xsave xsave;
	static struct kvm_fpu fpu;
	static struct kvm_xcrs xcrs;
	static struct snap_msrs msrs;
	static struct kvm_vcpu_events ev;
	static struct kvm_lapic_state lapic;
	static struct kvm_mp_state mp;
	static struct kvm_debugregs dr;
	int fd = hv->vcpu;

	GET(KVM_GET_REGS, "cpu.regs", regs);
	GET(KVM_GET_SREGS, "cpu.sregs", sregs);
	if (ioctl(hv->kvm, KVM_CHECK_EXTENSION, KVM_CAP_XSAVE) > 0)
		GET(KVM_GET_XSAVE, "cpu.xsave", xsave);
	else
		GET(KVM_GET_FPU, "cpu.fpu", fpu);
	if (ioctl(hv->kvm, KVM_CHECK_EXTENSION, KVM_CAP_XCRS) > 0)
		GET(KVM_GET_XCRS, "cpu.xcrs", xcrs);
	if (snap_get_msrs(hv, &msrs))
		return snap_kvm_err(err, errlen, "KVM_GET_MSRS");
	snap_put(b, "cpu.msrs", &msrs, sizeof(msrs));
	GET(KVM_GET_VCPU_EVENTS, "cpu.events", ev);
	GET(KVM_GET_LAPIC, "cpu.lapic", lapic);
	GET(KVM_GET_MP_STATE, "cpu.mpstate", mp);
	GET(KVM_GET_DEBUGREGS, "cpu.debugregs", dr);
	return 0;
}

/* The 8259 pair, the IOAPIC, the PIT and kvmclock. */
int snap_save_vm(struct hv *hv, struct snap_buf *b, char *err, size_t errlen)
{
	static const char *const chip_name[3] = { "vm.pic0", "vm.pic1", "vm.ioapic" };
	static struct kvm_irqchip chip;
	static struct kvm_pit_state2 pit;
	static struct kvm_clock_data clock;

	for (unsigned i = 0; i < 3; i++) {
		memset(&chip, 0, sizeof(chip));
		chip.chip_id = i;
		if (ioctl(hv->vm, KVM_GET_IRQCHIP, &chip) < 0)
			return snap_kvm_err(err, errlen, "KVM_GET_IRQCHIP");
		snap_put(b, chip_name[i], &chip, sizeof(chip));
	}
	memset(&pit, 0, sizeof(pit));
	if (ioctl(hv->vm, KVM_GET_PIT2, &pit) < 0)
		return snap_kvm_err(err, errlen, "KVM_GET_PIT2");
	snap_put(b, "vm.pit", &pit, sizeof(pit));
	memset(&clock, 0, sizeof(clock));
	if (ioctl(hv->vm, KVM_GET_CLOCK, &clock) < 0)
		return snap_kvm_err(err, errlen, "KVM_GET_CLOCK");
	snap_put(b, "vm.clock", &clock, sizeof(clock));
	return 0;
}

#define SET(ioc, obj) do { \
	if (ioctl(fd, ioc, &(obj)) < 0) \
		return snap_kvm_err(err, errlen, #ioc); } while (0)

/* Back into a fresh vCPU: segment and control registers first (the
 * APIC base and EFER come with them), then the rest; the local APIC
 * before the MSRs and the events. */
int snap_load_vcpu(struct hv *hv, const struct snap_view *v, char *err, size_t errlen)
{
	static struct { struct kvm_msrs h; struct kvm_msr_entry e[SNAP_MAX_MSRS]; } k;
	struct kvm_mp_state mp = v->mp;
	struct kvm_vcpu_events ev = v->events;
	int fd = hv->vcpu, n;

	SET(KVM_SET_SREGS, v->sregs);
	SET(KVM_SET_REGS, v->regs);
	if (v->has_xsave)
		SET(KVM_SET_XSAVE, v->xsave);
	else
		SET(KVM_SET_FPU, v->fpu);
	if (v->has_xcrs)
		SET(KVM_SET_XCRS, v->xcrs);
	SET(KVM_SET_LAPIC, v->lapic);
	/* KVM takes a host write of the TSC within one second's worth of
	 * cycles of what it expects (the new vCPU's ~0) as an attempt to
	 * keep vCPUs in sync, and keeps the old offset: a guest saved less
	 * than a second of TSC into its life would restart near 0 and see
	 * its clock run backwards.  A first write far away (2^40 cycles)
	 * makes the real one below a plain write. */
	for (unsigned i = 0; i < v->msrs.n; i++)
		if (v->msrs.e[i].index == 0x10) {
			memset(&k, 0, sizeof(k));
			k.h.nmsrs = 1;
			k.e[0] = v->msrs.e[i];
			k.e[0].data += 1ull << 40;
			if (ioctl(fd, KVM_SET_MSRS, &k) != 1)
				return snap_kvm_err(err, errlen, "KVM_SET_MSRS (TSC)");
		}
	memset(&k, 0, sizeof(k));
	k.h.nmsrs = v->msrs.n;
	memcpy(k.e, v->msrs.e, v->msrs.n * sizeof(k.e[0]));
	n = ioctl(fd, KVM_SET_MSRS, &k);
	if (n != (int)v->msrs.n) {
		snprintf(err, errlen, "KVM_SET_MSRS: %d of %u set (MSR %#x refused)", n,
			 v->msrs.n, n >= 0 && n < (int)v->msrs.n ? v->msrs.e[n].index : 0);
		return -1;
	}
	ev.flags &= KVM_VCPUEVENT_VALID_NMI_PENDING | KVM_VCPUEVENT_VALID_SIPI_VECTOR |
		    KVM_VCPUEVENT_VALID_SHADOW;
	SET(KVM_SET_VCPU_EVENTS, ev);
	SET(KVM_SET_MP_STATE, mp);
	SET(KVM_SET_DEBUGREGS, v->dregs);
	if (hv->sync_regs)              /* the run page must not overwrite them */
		hv->run->kvm_dirty_regs = 0;
	return 0;
}

int snap_load_vm(struct hv *hv, const struct snap_view *v, char *err, size_t errlen)
{
	struct kvm_clock_data clock = { .clock = v->clock.clock };
	int fd = hv->vm;

	for (unsigned i = 0; i < 3; i++)
		SET(KVM_SET_IRQCHIP, v->chip[i]);
	SET(KVM_SET_PIT2, v->pit);
	SET(KVM_SET_CLOCK, clock);
	return 0;
}
