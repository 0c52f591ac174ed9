/*
 * xenlike.c: the Xen-like ROM: init (handshake with hv, hypercall page,
 * shared-info page), page-table updates through hv with lazy-mode
 * batching, the pv clock, the one-shot timer, console and shutdown.
 * The irq entries and the callee-save wrappers are in xl_entry.S; the
 * guest/host contract in xl_abi.h; SPEC.md section 19.1 says what each
 * call does.
 *
 * ROM code: freestanding, position-independent, no libc; all state in
 * the data area (xl_data, the ROM's only .bss object).
 */
#define VMI_ROM_BUILD 1
#include "vmi_abi.h"
#include "vmi_rom_entries.h"
#include "vmi_rom_native.h"
#include "xl_abi.h"

VMI_ROM_LICENSE("BSD-2-Clause");
#ifdef XL_TEST_INIT_FAILS_LATE
VMI_ROM_NAME("xenlike-latefail");	/* test only: see vmi_rom_init */
#else
VMI_ROM_NAME("xenlike");
#endif
VMI_ROM_VERSION(1);
VMI_ROM_NOP(io_delay);		/* no device needs the delay */
VMI_ROM_NOP(pt_alloc);		/* hv validates entries, not pages */
VMI_ROM_NOP(pt_release);

struct xl_data xl_data __attribute__((aligned(4096))) VMI_ROM_LOCAL;
extern const uint8_t xl_hypercall_page[] VMI_ROM_LOCAL;

#define ST (xl_data.st)
#define SH (xl_data.shared)
#define barrier() __asm__ volatile("" ::: "memory")

/* Hypercall nr through its stub: a0..a4 in rbx, rcx, rdx, rsi, rdi (the
 * stub's business); nr must be a constant. */
#define XL_HCALL(nr, a0, a1, a2, a3, a4) ({				\
	int64_t r_;							\
	register uint64_t b_ __asm__("rbx") = (uint64_t)(a0);		\
	register uint64_t c_ __asm__("rcx") = (uint64_t)(a1);		\
	register uint64_t d_ __asm__("rdx") = (uint64_t)(a2);		\
	register uint64_t s_ __asm__("rsi") = (uint64_t)(a3);		\
	register uint64_t D_ __asm__("rdi") = (uint64_t)(a4);		\
	__asm__ volatile("call xl_hypercall_page+%c[off]"		\
			 : "=a"(r_), "+r"(b_), "+r"(c_), "+r"(d_),	\
			   "+r"(s_), "+r"(D_)				\
			 : [off] "i"((nr) * XL_HC_STUB_SIZE)		\
			 : "memory", "cc");				\
	r_; })
#define XL_HCALL2(nr, a0, a1) XL_HCALL(nr, a0, a1, 0, 0, 0)

void xl_set_entry(uint64_t *entry, uint64_t val, int level);
void xl_lazy_apply(void);
void xl_device_notify(volatile void *va, uint64_t value, uint64_t pa);

/* ---- init ---- */

static void xl_cpuid(uint32_t leaf, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(0));
}

/* The host must be hv ("hvhvhvhvhvhv") with the xenlike backend; its
 * hypercall port comes from leaf 0x40000001 ecx.  0 when it is not. */
static uint16_t xl_find_host(void)
{
	uint32_t r[4];
	const uint32_t hvhv = 0x76687668u;	/* "hvhv" */

	xl_cpuid(1, r);
	if (!(r[2] & (1u << 31)))		/* no hypervisor at all */
		return 0;
	xl_cpuid(0x40000000u, r);
	if (r[0] < 0x40000001u || r[1] != hvhv || r[2] != hvhv || r[3] != hvhv)
		return 0;
	xl_cpuid(0x40000001u, r);
	if (r[3] != XL_CPUID_BACKEND || r[2] == 0 || r[2] > 0xffff)
		return 0;
	return (uint16_t)r[2];
}

/* The one hypercall made outside the page: ask hv to fill the page and
 * adopt the shared-info page (Xen writes an MSR for the same purpose). */
static int64_t xl_setup_call(uint16_t port, uint64_t page_pa, uint64_t shared_pa,
			     uint64_t vector)
{
	uint64_t rax = XL_HC_SETUP;
	register uint64_t b __asm__("rbx") = page_pa;
	register uint64_t c __asm__("rcx") = shared_pa;
	register uint64_t d __asm__("rdx") = port;
	register uint64_t s __asm__("rsi") = XL_ABI_VERSION;
	register uint64_t D __asm__("rdi") = vector;

	__asm__ volatile("out %%eax, %%dx"
			 : "+a"(rax), "+r"(b), "+r"(c), "+r"(d), "+r"(s), "+r"(D)
			 : : "memory", "cc");
	return (int64_t)rax;
}

static int64_t xl_check_args(const struct vmi_init_args *a)
{
	if (a->size < sizeof(*a) || a->nr_maps > VMI_INIT_MAPS)
		return VMI_E_ARGS;
	if (a->abi_major != VMI_ABI_MAJOR)
		return VMI_E_VERSION;
	if (a->data_va != (uint64_t)(uintptr_t)__vmi_rom_data ||
	    (uintptr_t)&xl_data != (uintptr_t)__vmi_rom_data ||
	    a->data_size < sizeof(struct xl_data) || (a->data_pa & 4095) ||
	    (a->rom_pa & 4095))
		return VMI_E_LAYOUT;
	return VMI_OK;
}

/* Check the args, find hv, have it fill the hypercall page and adopt
 * the shared-info page.  Touches nothing of the guest's on failure. */
int64_t vmi_rom_init(const struct vmi_init_args *args)
{
	int64_t rc = xl_check_args(args);
	uint16_t port;
	uint64_t page_pa;

	if (rc)
		return rc;
	port = xl_find_host();
	if (port == 0)
		return VMI_E_NOHOST;
	page_pa = args->rom_pa + (uint64_t)(xl_hypercall_page - __vmi_rom_image);
	SH.vcpu0.upcall_mask = 1;		/* the guest calls with irqs off */
	SH.evtchn_mask = ~(1ull << XL_PORT_TIMER);
	if (xl_setup_call(port, page_pa, args->data_pa + XL_OFF_SHARED,
			  args->timer_vector) != 0)
		return VMI_E_HOST;
	if (SH.host_magic != XL_HOST_MAGIC ||
	    *(const volatile uint8_t *)xl_hypercall_page == XL_HC_FILL)
		return VMI_E_HOST;
#ifdef XL_TEST_INIT_FAILS_LATE
	return VMI_E_HOST;	/* test only: hv holds both pages already */
#endif
	ST.rom_pa = args->rom_pa;
	ST.data_pa = args->data_pa;
	ST.hc_page_pa = page_pa;
	ST.nr_maps = args->nr_maps;
	for (uint32_t i = 0; i < args->nr_maps; i++) {
		ST.map_virt[i] = args->maps[i].virt;
		ST.map_phys[i] = args->maps[i].phys;
		ST.map_size[i] = args->maps[i].size;
	}
	ST.kick_port = XL_KICK_PORT;	/* the inline enable's exit (1.2) */
	ST.magic = XL_ROM_MAGIC;
	return VMI_OK;
}

/* ---- mmu: SET_* through hv, batched in lazy mode ---- */

/* A kernel virtual address inside one of the guest's linear maps, as
 * physical; 0 (never a page-table address) when outside them all. */
static uint64_t xl_v2p(uint64_t va)
{
	for (uint32_t i = 0; i < ST.nr_maps; i++)
		if (va >= ST.map_virt[i] && va - ST.map_virt[i] < ST.map_size[i])
			return va - ST.map_virt[i] + ST.map_phys[i];
	return 0;
}

/* The inverse of xl_v2p for an address it produced. */
static volatile uint64_t *xl_p2v(uint64_t pa)
{
	for (uint32_t i = 0; i < ST.nr_maps; i++)
		if (pa >= ST.map_phys[i] && pa - ST.map_phys[i] < ST.map_size[i])
			return (volatile uint64_t *)(uintptr_t)(pa - ST.map_phys[i] +
								ST.map_virt[i]);
	return 0;
}

/* The mmu_update entries of a multicall for queue[0..n): one per
 * XL_MMU_MAX requests; returns the next free entry. */
static uint64_t xl_multi_mmu(uint64_t n)
{
	uint64_t qpa = ST.data_pa + XL_OFF_QUEUE, k = 0;

	for (uint64_t i = 0; i < n; i += XL_MMU_MAX, k++) {
		struct xl_multicall *m = &xl_data.multi[k];
		m->op = XL_HC_MMU_UPDATE;
		m->args[0] = qpa + i * sizeof(struct xl_mmu_req);
		m->args[1] = n - i < XL_MMU_MAX ? n - i : XL_MMU_MAX;
		m->args[2] = m->args[3] = m->args[4] = 0;
		m->result = 0;
	}
	return k;
}

/* The queued kicks as evtchn_send entries from multi[k] on. */
static uint64_t xl_multi_kicks(uint64_t k)
{
	for (uint64_t i = 0; i < ST.notify_queued; i++, k++) {
		struct xl_multicall *m = &xl_data.multi[k];
		m->op = XL_HC_EVTCHN_SEND;
		m->args[0] = ST.notify_q[i].pa;
		m->args[1] = ST.notify_q[i].value;
		m->args[2] = m->args[3] = m->args[4] = 0;
		m->result = 0;
	}
	return k;
}

/* Send queue[0..n) and the queued kicks in one exit: one mmu_update
 * when only updates fit in it, else one multicall holding an mmu_update
 * per XL_MMU_MAX requests, then an evtchn_send per kick (in that order:
 * a device sees the guest's tables as they were when it kicked).  hv
 * writes each entry it accepts and zeroes the ptr of each it refuses.
 * The ROM then stores the accepted values again through its own
 * mapping: under shadow paging (KVM without EPT, as here) only a guest
 * write reaches KVM's write-protection of table pages; hv's write alone
 * would leave a stale shadow entry.  Refusals are counted for the guest
 * to read. */
static void xl_queue_send(uint64_t n)
{
	uint64_t kicks = ST.notify_queued, k;

	if (n == 0 && kicks == 0)
		return;
	if (kicks == 0 && n <= XL_MMU_MAX) {
		if (XL_HCALL2(XL_HC_MMU_UPDATE, ST.data_pa + XL_OFF_QUEUE, n) < 0)
			return;
	} else {
		k = xl_multi_kicks(xl_multi_mmu(n));
		ST.notify_queued = 0;
		if (XL_HCALL2(XL_HC_MULTICALL, ST.data_pa + XL_OFF_MULTI, k) < 0)
			return;
		for (uint64_t i = k - kicks; i < k; i++)
			ST.notify_refused += xl_data.multi[i].result < 0;
		ST.notify_sent += kicks;
		ST.notify_batches += kicks != 0;
		if (n == 0)
			return;
	}
	ST.mmu_hypercalls++;
	ST.mmu_updates += n;
	for (uint64_t i = 0; i < n; i++) {
		const struct xl_mmu_req *q = &xl_data.queue[i];
		volatile uint64_t *e = q->ptr ? xl_p2v(q->ptr & ~7ull) : 0;
		if (e)
			*e = q->val;
		else
			ST.mmu_refused++;
	}
}

/* Apply what lazy mode deferred (before a TLB flush or cr3 switch). */
void xl_lazy_apply(void)
{
	uint64_t n = ST.queued;

	ST.queued = 0;
	xl_queue_send(n);
}

/* SET_PTE/PMD/PUD/P4D: queue the update, or send it alone outside lazy
 * mode.  hv writes the entry after checking it maps guest memory.  Only
 * level-1 entries wait in lazy mode: a walk that links a new table page
 * reads the upper entry back at once, so those go out (after the queue,
 * to keep the order) immediately. */
void xl_set_entry(uint64_t *entry, uint64_t val, int level)
{
	uint64_t pa = xl_v2p((uint64_t)(uintptr_t)entry);

	if (pa == 0 || (pa & 7)) {
		ST.mmu_unmapped++;
		ST.mmu_refused++;
		return;
	}
	if (ST.queued == XL_QUEUE_MAX)
		xl_lazy_apply();
	xl_data.queue[ST.queued].ptr = pa | (uint64_t)level;
	xl_data.queue[ST.queued].val = val;
	ST.queued++;
	if (!ST.lazy || level > 1)
		xl_lazy_apply();
}

void vmi_rom_call_lazy_mmu_enter(void) { ST.lazy = 1; }

void vmi_rom_call_lazy_mmu_flush(void) { xl_lazy_apply(); }

void vmi_rom_call_lazy_mmu_leave(void)
{
	xl_lazy_apply();
	ST.lazy = 0;
}

/* DEVICE_NOTIFY (ABI 1.1), from xl_entry.S: an event-channel send of
 * (pa, value) to hv, which writes value to the device's notify register.
 * Inside a lazy section the kick is queued and leaves with the batch
 * that ends the section (one exit for the page tables and every kick);
 * a full kick queue sends the batch first.  va is the guest's own
 * mapping of the register, which only a native store would use. */
void xl_device_notify(volatile void *va, uint64_t value, uint64_t pa)
{
	(void)va;
	ST.notify_calls++;
	if (ST.lazy) {
		if (ST.notify_queued == XL_NOTIFY_MAX)
			xl_lazy_apply();
		ST.notify_q[ST.notify_queued].pa = pa;
		ST.notify_q[ST.notify_queued].value = value & 0xffff;
		ST.notify_queued++;
		return;
	}
	ST.notify_sent++;
	if (XL_HCALL2(XL_HC_EVTCHN_SEND, pa, value & 0xffff) < 0)
		ST.notify_refused++;
}

/* Send the queue, then flush every TLB entry. */
void vmi_rom_call_flush_tlb(void)
{
	xl_lazy_apply();
	vmi_rom_flush_tlb_all();
}

/* ---- time: the pv clock in shared info, no exit ---- */

static inline uint64_t xl_rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

uint64_t vmi_rom_call_clock_freq(void) { return SH.tsc_hz; }

/* ns since setup from the TSC and hv's scale, under the seqlock. */
uint64_t vmi_rom_call_clock_read(void)
{
	const volatile struct xl_time_info *t = &SH.vcpu0.time;
	uint32_t v, mul;
	uint64_t stamp, sys, tsc, d;
	int8_t shift;

	do {
		v = t->version;
		barrier();
		stamp = t->tsc_timestamp;
		sys = t->system_time;
		mul = t->tsc_to_system_mul;
		shift = t->tsc_shift;
		tsc = xl_rdtsc();
		barrier();
	} while ((v & 1) || v != t->version);
	d = tsc > stamp ? tsc - stamp : 0;
	d = shift >= 0 ? d << shift : d >> -shift;
	return sys + (uint64_t)(((unsigned __int128)d * mul) >> 32);
}

uint64_t vmi_rom_call_wallclock(void)
{
	const volatile struct xl_shared_info *s = &SH;
	uint32_t v, nsec;
	uint64_t sec;

	do {
		v = s->wc_version;
		barrier();
		sec = s->wc_sec;
		nsec = s->wc_nsec;
		barrier();
	} while ((v & 1) || v != s->wc_version);
	return sec * 1000000000ull + nsec + vmi_rom_call_clock_read();
}

/* One-shot: hv raises the timer port at the deadline (and acknowledges
 * the previous expiry: the guest re-arms from its tick handler). */
int64_t vmi_rom_call_set_alarm(uint64_t deadline)
{
	return XL_HCALL2(XL_HC_SET_TIMER, deadline, 0);
}

/* ---- console and power ---- */

/* Through the bounce page: one hypercall per XL_CONSOLE_MAX bytes. */
int64_t vmi_rom_call_console_write(const char *buf, uint64_t len)
{
	uint64_t done = 0;

	while (done < len) {
		uint64_t n = len - done < XL_CONSOLE_MAX ? len - done : XL_CONSOLE_MAX;
		for (uint64_t i = 0; i < n; i++)
			xl_data.console[i] = (uint8_t)buf[done + i];
		int64_t r = XL_HCALL2(XL_HC_CONSOLE, ST.data_pa + XL_OFF_CONSOLE, n);
		ST.console_calls++;
		if (r < 0)
			return done ? (int64_t)done : r;
		done += n;
	}
	return (int64_t)done;
}

void vmi_rom_call_shutdown(uint32_t code)
{
	XL_HCALL2(XL_HC_SHUTDOWN, code, 0);
	for (;;)
		__asm__ volatile("cli; hlt");
}
