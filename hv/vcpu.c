/* vcpu.c: the one vCPU: its Multiboot start state, the run loop and
 * what hv does with every exit.  The guest is hostile from the first
 * instruction: every exit reason has an answer, none of them crashes hv. */
#include "hcall.h"
#include "mboot.h"
#include "rebind.h"
#include "control.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define SEL_CODE 0x08
#define SEL_DATA 0x10

/* Registers for a hypercall.  With KVM_CAP_SYNC_REGS, KVM copies them
 * into the kvm_run page at every exit and back when marked dirty, which
 * saves two ioctls per hypercall; otherwise KVM_GET/SET_REGS. */
int vcpu__get_regs(struct hv *hv, struct kvm_regs *r)
{
	if (hv->sync_regs) {
		*r = hv->run->s.regs.regs;
		return 0;
	}
	if (ioctl(hv->vcpu, KVM_GET_REGS, r) == 0)
		return 0;
	hv_end(hv, HV_EXIT_INTERNAL, "KVM_GET_REGS: %s", strerror(errno));
	return -1;
}

int vcpu__set_regs(struct hv *hv, const struct kvm_regs *r)
{
	if (hv->sync_regs) {
		hv->run->s.regs.regs = *r;
		hv->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
		return 0;
	}
	if (ioctl(hv->vcpu, KVM_SET_REGS, r) == 0)
		return 0;
	hv_end(hv, HV_EXIT_INTERNAL, "KVM_SET_REGS: %s", strerror(errno));
	return -1;
}

static struct kvm_segment vcpu_flat(uint16_t sel, uint8_t type)
{
	return (struct kvm_segment){
		.base = 0, .limit = 0xffffffff, .selector = sel, .type = type,
		.present = 1, .dpl = 0, .db = 1, .s = 1, .l = 0, .g = 1,
	};
}

/* Multiboot's machine state: protected mode, paging off, flat 4 GiB code
 * and data segments, EAX magic, EBX info, EFLAGS 0x2 (interrupts off).
 * The GDT those selectors come from is written to MB_GDT_GPA so a kernel
 * that reloads a segment before its own lgdt still finds them. */
static int vcpu_boot_state(struct hv *hv)
{
	static const uint64_t gdt[3] = { 0, 0x00cf9a000000ffffull,
					 0x00cf92000000ffffull };
	struct kvm_sregs s;
	struct kvm_regs r = { 0 };

	memcpy(gmem_range(&hv->gm, MB_GDT_GPA, sizeof(gdt)), gdt, sizeof(gdt));
	if (ioctl(hv->vcpu, KVM_GET_SREGS, &s) < 0)
		return -1;
	s.cs = vcpu_flat(SEL_CODE, 0xb);
	s.ds = s.es = s.fs = s.gs = s.ss = vcpu_flat(SEL_DATA, 0x3);
	s.gdt.base = MB_GDT_GPA;
	s.gdt.limit = sizeof(gdt) - 1;
	s.idt.base = 0;
	s.idt.limit = 0;
	s.cr0 = 0x11;                           /* PE | ET */
	s.cr3 = s.cr4 = s.efer = 0;
	if (ioctl(hv->vcpu, KVM_SET_SREGS, &s) < 0)
		return -1;
	r.rflags = 0x2;
	r.rip = hv->entry;
	r.rax = MB_BOOT_MAGIC;
	r.rbx = hv->info_gpa;
	return ioctl(hv->vcpu, KVM_SET_REGS, &r);
}

int vcpu__init(struct hv *hv)
{
	int sz;

	hv->vcpu = ioctl(hv->vm, KVM_CREATE_VCPU, 0);
	sz = ioctl(hv->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (hv->vcpu < 0 || sz < (int)sizeof(struct kvm_run)) {
		fprintf(stderr, "hv: KVM_CREATE_VCPU: %s\n", strerror(errno));
		return -1;
	}
	hv->run_size = (size_t)sz;
	hv->run = mmap(NULL, hv->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       hv->vcpu, 0);
	if (hv->run == MAP_FAILED) {
		fprintf(stderr, "hv: mmap kvm_run: %s\n", strerror(errno));
		return -1;
	}
	if (cpuid__init(hv))
		return -1;
	if (ioctl(hv->kvm, KVM_CHECK_EXTENSION, KVM_CAP_SYNC_REGS) & KVM_SYNC_X86_REGS) {
		hv->sync_regs = 1;
		hv->run->kvm_valid_regs = KVM_SYNC_X86_REGS;
	}
	if (hv->opt.restore || hv->opt.incoming)    /* issue 14: state comes later */
		return 0;
	if (vcpu_boot_state(hv)) {
		fprintf(stderr, "hv: vCPU registers: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

static void vcpu_dump_seg(const char *n, const struct kvm_segment *s)
{
	fprintf(stderr, "hv:   %-3s sel %04x base %016llx limit %08x type %x "
		"p%u dpl%u db%u s%u l%u g%u\n", n, s->selector,
		(unsigned long long)s->base, s->limit, s->type, s->present,
		s->dpl, s->db, s->s, s->l, s->g);
}

/* The register dump for a crashed guest, on stderr. */
void vcpu__dump(struct hv *hv)
{
	struct kvm_regs r;
	struct kvm_sregs s;

	if (ioctl(hv->vcpu, KVM_GET_REGS, &r) < 0 ||
	    ioctl(hv->vcpu, KVM_GET_SREGS, &s) < 0) {
		fprintf(stderr, "hv: register dump failed: %s\n", strerror(errno));
		return;
	}
	fprintf(stderr,
		"hv: registers:\n"
		"hv:   rip %016llx rsp %016llx rflags %08llx\n"
		"hv:   rax %016llx rbx %016llx rcx %016llx\n"
		"hv:   rdx %016llx rsi %016llx rdi %016llx\n"
		"hv:   rbp %016llx r8  %016llx r9  %016llx\n"
		"hv:   r10 %016llx r11 %016llx r12 %016llx\n"
		"hv:   r13 %016llx r14 %016llx r15 %016llx\n"
		"hv:   cr0 %016llx cr2 %016llx cr3 %016llx\n"
		"hv:   cr4 %016llx efer %016llx\n",
		r.rip, r.rsp, r.rflags, r.rax, r.rbx, r.rcx, r.rdx, r.rsi,
		r.rdi, r.rbp, r.r8, r.r9, r.r10, r.r11, r.r12, r.r13, r.r14,
		r.r15, s.cr0, s.cr2, s.cr3, s.cr4, s.efer);
	vcpu_dump_seg("cs", &s.cs);
	vcpu_dump_seg("ss", &s.ss);
	vcpu_dump_seg("ds", &s.ds);
	vcpu_dump_seg("tr", &s.tr);
	fprintf(stderr, "hv:   gdt %016llx/%04x idt %016llx/%04x\n",
		(unsigned long long)s.gdt.base, s.gdt.limit,
		(unsigned long long)s.idt.base, s.idt.limit);
}

/* Port I/O: each element of a rep string access goes to the dispatcher
 * on its own; the data lives in the kvm_run page at data_offset. */
static void vcpu_io(struct hv *hv)
{
	struct kvm_run *run = hv->run;
	uint8_t *p = (uint8_t *)run + run->io.data_offset;
	uint64_t bytes = (uint64_t)run->io.size * run->io.count;

	hv->stats.port[run->io.port]++;
	if (run->io.data_offset > hv->run_size ||
	    bytes > hv->run_size - run->io.data_offset ||
	    (run->io.size != 1 && run->io.size != 2 && run->io.size != 4)) {
		hv_end(hv, HV_EXIT_INTERNAL, "KVM gave a malformed I/O exit");
		return;
	}
	for (uint32_t i = 0; i < run->io.count && !hv->ended; i++) {
		struct hv_io io = { .port = run->io.port, .size = run->io.size,
				    .out = run->io.direction == KVM_EXIT_IO_OUT };
		if (io.out)
			memcpy(&io.val, p, io.size);
		if (bus__pio(hv, &io) < 0 && !io.out)   /* an empty ISA bus */
			io.val = io.size == 4 ? 0xffffffffu : (1u << (8 * io.size)) - 1;
		if (!io.out)
			memcpy(p, &io.val, io.size);
		p += io.size;
	}
}

/* MMIO reaches hv for addresses with no RAM behind them (device BARs
 * on the bus, or nothing) and for writes to the read-only window.  What
 * no device claims reads as all ones and swallows writes. */
static void vcpu_mmio(struct hv *hv)
{
	struct kvm_run *run = hv->run;
	uint64_t a = run->mmio.phys_addr;
	unsigned len = run->mmio.len;

	if (len == 0 || len > sizeof(run->mmio.data)) {
		hv_end(hv, HV_EXIT_INTERNAL, "KVM gave a malformed MMIO exit (len %u)", len);
		return;
	}
	if (!run->mmio.is_write) {
		hv->stats.mmio_read++;
		memset(run->mmio.data, 0xff, sizeof(run->mmio.data));
		bus__mmio(hv, a, run->mmio.data, len, false);
		return;
	}
	hv->stats.mmio_write++;
	if (a >= GMEM_HOLE_START && a < GMEM_HOLE_END) {
		hv->stats.rom_write++;
		rebind__rom_write(hv, a, run->mmio.data, len);	/* issue 14 */
	} else
		bus__mmio(hv, a, run->mmio.data, len, true);
}

static void vcpu_trace(struct hv *hv)
{
	struct kvm_run *run = hv->run;
	uint32_t v = 0;

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		memcpy(&v, (uint8_t *)run + run->io.data_offset,
		       run->io.direction == KVM_EXIT_IO_OUT ? run->io.size : 0);
		fprintf(stderr, "hv: exit %" PRIu64 " io %s port %#x (%s) size %u count %u data %#x\n",
			hv->stats.total, run->io.direction ? "out" : "in",
			run->io.port, hv_port_name(run->io.port), run->io.size,
			run->io.count, v);
		break;
	case KVM_EXIT_MMIO:
		fprintf(stderr, "hv: exit %" PRIu64 " mmio %s %#llx (%s) len %u\n",
			hv->stats.total, run->mmio.is_write ? "write" : "read",
			(unsigned long long)run->mmio.phys_addr,
			bus__mmio_name(run->mmio.phys_addr), run->mmio.len);
		break;
	default:
		fprintf(stderr, "hv: exit %" PRIu64 " %s (%u)\n", hv->stats.total,
			stats__reason_name(run->exit_reason), run->exit_reason);
	}
}

/* KVM_INTERNAL_ERROR_*: where this KVM's instruction emulator gave up;
 * an undeliverable exception (a triple fault in the making) shows as
 * "emulation failed" on these machines. */
static const char *vcpu_suberror(unsigned e)
{
	switch (e) {
	case KVM_INTERNAL_ERROR_EMULATION: return "instruction emulation failed";
	case KVM_INTERNAL_ERROR_SIMUL_EX: return "exception while delivering an exception";
	case KVM_INTERNAL_ERROR_DELIVERY_EV: return "event delivery failed";
	default: return "other";
	}
}

/* Exits that end the guest as crashed, each with its reason; the
 * register dump follows the reason line (hv->dump). */
static void vcpu_crash(struct hv *hv)
{
	struct kvm_run *run = hv->run;

	switch (run->exit_reason) {
	case KVM_EXIT_SHUTDOWN:
		hv_end(hv, HV_EXIT_CRASH, "guest crashed: triple fault (KVM_EXIT_SHUTDOWN)");
		break;
	case KVM_EXIT_FAIL_ENTRY:
		hv_end(hv, HV_EXIT_CRASH, "guest crashed: VM entry failed, reason %#llx",
		       (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		hv_end(hv, HV_EXIT_CRASH, "guest crashed: KVM internal error %u (%s)",
		       run->internal.suberror, vcpu_suberror(run->internal.suberror));
		for (unsigned i = 0; i < run->internal.ndata && i < 16; i++)
			fprintf(stderr, "hv:   internal.data[%u] %016llx\n", i,
				(unsigned long long)run->internal.data[i]);
		break;
	case KVM_EXIT_SYSTEM_EVENT:
		hv_end(hv, HV_EXIT_CRASH, "guest crashed: system event %u (reset or power-off)",
		       run->system_event.type);
		break;
	default:
		hv_end(hv, HV_EXIT_CRASH, "guest crashed: unexpected exit reason %u (%s)",
		       run->exit_reason, stats__reason_name(run->exit_reason));
	}
	hv->dump = 1;
}

/*
 * An int3 that KVM's instruction emulator gave up on.  Where KVM runs
 * guest code through its emulator (the software "PVM" KVM), the emulator
 * handles int only in real mode, so a guest's int3 (the patcher's guard
 * on a site in flux, a debugger's breakpoint) ends the run with an
 * emulation failure whose instruction bytes start with 0xcc.  hv does
 * what the CPU would: #BP is a trap, so rip moves past the int3 and the
 * exception is injected with no error code.  Returns 1 when it did.
 */
static int vcpu_int3(struct hv *hv)
{
	struct kvm_run *run = hv->run;
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_vcpu_events ev;

	if (run->internal.suberror != KVM_INTERNAL_ERROR_EMULATION ||
	    run->emulation_failure.ndata < 3 ||
	    !(run->emulation_failure.flags & KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES) ||
	    run->emulation_failure.insn_size < 1 ||
	    run->emulation_failure.insn_bytes[0] != 0xcc)
		return 0;
	if (ioctl(hv->vcpu, KVM_GET_SREGS, &sregs) || !(sregs.cr0 & 1) ||
	    ioctl(hv->vcpu, KVM_GET_REGS, &regs) ||
	    ioctl(hv->vcpu, KVM_GET_VCPU_EVENTS, &ev) || ev.exception.injected ||
	    ev.exception.pending)
		return 0;
	regs.rip += 1;
	memset(&ev.exception, 0, sizeof(ev.exception));
	ev.exception.injected = 1;
	ev.exception.nr = 3;
	ev.flags = 0;			/* change nothing else */
	if (ioctl(hv->vcpu, KVM_SET_REGS, &regs) ||
	    ioctl(hv->vcpu, KVM_SET_VCPU_EVENTS, &ev))
		return 0;
	hv->int3_emulated++;
	return 1;
}

static void vcpu_exit(struct hv *hv)
{
	switch (hv->run->exit_reason) {
	case KVM_EXIT_INTERNAL_ERROR:
		if (!vcpu_int3(hv))
			vcpu_crash(hv);
		break;
	case KVM_EXIT_IO:
		vcpu_io(hv);
		break;
	case KVM_EXIT_MMIO:
		vcpu_mmio(hv);
		break;
	case KVM_EXIT_HLT:
		/* Only without the in-kernel LAPIC; wait for the timeout. */
		usleep(1000);
		break;
	case KVM_EXIT_INTR:
		break;
	default:
		vcpu_crash(hv);
	}
}

/* Run until the guest exits, crashes, misbehaves or times out. */
int vcpu__run(struct hv *hv)
{
	while (!hv->ended) {
		int rc;

		if (hv->backend_poll)
			hv->backend_poll(hv);
		dev__poll_all(hv);              /* work other threads queued */
		control__poll(hv);              /* issue 14: the control socket */
		if (hv->ended)
			break;
		rc = ioctl(hv->vcpu, KVM_RUN, 0);

		if (rc < 0 && errno != EINTR && errno != EAGAIN) {
			hv_end(hv, HV_EXIT_INTERNAL, "KVM_RUN: %s", strerror(errno));
			break;
		}
		if (rc < 0)
			hv->run->exit_reason = KVM_EXIT_INTR;
		stats__exit(hv, hv->run->exit_reason);
		if (hv->opt.trace)
			vcpu_trace(hv);
		if (timer__expired()) {
			hv_end(hv, HV_EXIT_TIMEOUT, "timeout: guest still running after %g s",
			       hv->opt.timeout);
			break;
		}
		vcpu_exit(hv);
	}
	return hv->status;
}
