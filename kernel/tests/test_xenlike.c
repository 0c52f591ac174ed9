/*
 * test_xenlike.c: the Xen-like ROM's paths, proved by hv's exit
 * counters (stats port 0xf0): irq disable/enable pairs cause no exit,
 * 512 (and 1024) lazy-mode page-table updates one exit, a 4 KiB console
 * write one exit, clock reads none, an alarm one; a refused update is
 * reported.  Skipped unless the xenlike ROM is bound under hv's xenlike
 * backend.  The alarm is cancelled around each measurement so no tick
 * adds exits, then re-armed (the tick handler catches up).
 */
#include <string.h>
#include "kernel.h"
#include "mm.h"
#include "ktest.h"
#include <pvops/pvops.h>
#include "guest.h"
#include "../../backends/xenlike/xl_abi.h"

#define KTEST_SUITE "xenlike"

/* A ROM binds only in the paravirtualized build. */
#ifndef CONFIG_PV_NONE

#define STATS_PORT 0xf0
#define STATS_ALL  0x00000000u
#define STATS_INTR 0x0001000au	/* KVM_EXIT_INTR: a host signal stopped KVM_RUN */

const struct vmi_binding *pv_binding(void);
void nat_cpuid_raw(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b,
		   uint32_t *c, uint32_t *d);

/* The ROM's data area when the xenlike ROM runs under hv's xenlike
 * backend, else NULL with *why set. */
static volatile struct xl_data *xl_bound(const char **why)
{
	uint32_t a, b, c, d;
	const struct vmi_binding *bd;

	nat_cpuid_raw(0x40000000u, 0, &a, &b, &c, &d);
	if (a < 0x40000001u || b != 0x76687668u) {
		*why = "not running under hv";
		return NULL;
	}
	nat_cpuid_raw(0x40000001u, 0, &a, &b, &c, &d);
	if (d != XL_CPUID_BACKEND) {
		*why = "hv's backend is not xenlike";
		return NULL;
	}
	bd = pv_binding();
	if (strcmp(pv_backend_name(), "xenlike") != 0 || !bd) {
		*why = "the xenlike ROM is not bound";
		return NULL;
	}
	return (volatile struct xl_data *)(uintptr_t)bd->data_va;
}

#define XL_REQUIRE(x)							\
	const char *why_ = "";						\
	volatile struct xl_data *x = xl_bound(&why_);			\
	if (!x)								\
		KT_SKIP(why_)

/* Exits so far; select once, then each read is itself one exit. */
static uint32_t exits_now(void)
{
	return inl(STATS_PORT);
}

/* No alarm pending: the measurements see only their own exits. */
static void quiet_begin(void)
{
	pv_irq_disable();
	pv_set_alarm(0);
	pv_irq_enable();
	outl(STATS_PORT, STATS_ALL);
}

static void quiet_end(void)
{
	pv_set_alarm(pv_clock_read() + 1000000);
}

/* The name of the first VMI ROM in the option-ROM area, or NULL. */
static const char *rom_in_window(char *name, size_t len)
{
	const uint8_t *win = P2V(VMI_OPTROM_WINDOW_LO);
	struct vmi_scan_hit hit;
	if (!vmi_scan_find(win, VMI_OPTROM_WINDOW_HI - VMI_OPTROM_WINDOW_LO,
			   VMI_OPTROM_WINDOW_LO, &hit))
		return NULL;
	uint32_t n = hit.info.hdr.name_len;
	if (n == 0 || n >= len)
		return NULL;
	memcpy(name, win + hit.offset + hit.info.hdr.name_offset, n);
	name[n] = '\0';
	return name;
}

static bool under_xenlike_host(void)
{
	uint32_t a, b, c, d;
	nat_cpuid_raw(0x40000000u, 0, &a, &b, &c, &d);
	if (a < 0x40000001u || b != 0x76687668u)
		return false;
	nat_cpuid_raw(0x40000001u, 0, &a, &b, &c, &d);
	return d == XL_CPUID_BACKEND;
}

/* Why this boot must have bound the xenlike ROM, or NULL when it need
 * not: told so (expect=xenlike; any other expect= says it need not, as
 * for the late-failing ROM), or given the xenlike ROM under hv's xenlike
 * backend and not told to ignore ROMs (rom=off).  There, a
 * fallback to native is a failure, not a reason to skip every case. */
static const char *xl_must_bind(void)
{
	char name[VMI_NAME_MAX + 1];

	if (kopts.expect[0])		/* told what binds: that decides */
		return strcmp(kopts.expect, "xenlike") == 0 ? "expect=xenlike" : NULL;
	if (under_xenlike_host() && !kopts.rom_off &&
	    rom_in_window(name, sizeof(name)) && strcmp(name, "xenlike") == 0)
		return "under hv --backend xenlike with its ROM";
	return NULL;
}

/* Every case needs the xenlike ROM bound under hv's xenlike backend;
 * the suite skips only where it need not bind (xl_must_bind). */
KTEST_SUITE_PRECONDITION
{
	const char *why = NULL;
	if (xl_must_bind() || xl_bound(&why))
		return;
	KT_SKIP(why);
}

/* Wherever the ROM must bind, it is bound and its data area is live. */
KTEST(bound_under_its_host)
{
	const char *why = "";
	volatile struct xl_data *x = xl_bound(&why);
	if (!x) {
		kt_fail(kt, __FILE__, __LINE__, "bound '%s' (%s): %s",
			pv_backend_name(), xl_must_bind(), why);
		return;
	}
	KT_EXPECT(x->shared.vcpu0.time.tsc_to_system_mul != 0);
}

KTEST(irq_pairs_cause_no_exit)
{
	XL_REQUIRE(x);
	pv_irq_disable();
	KT_EXPECT_EQ(x->shared.vcpu0.upcall_mask, 1);	/* the ROM ran */
	pv_irq_enable();
	KT_EXPECT_EQ(x->shared.vcpu0.upcall_mask, 0);
	quiet_begin();
	uint64_t up = x->st.upcall_calls;
	/* A KVM_RUN a host signal interrupted (another thread's kick, a
	 * timer of hv's) is an exit the ops did not cause: counted apart,
	 * in the same window.  Between a and b: the loop, and five exits
	 * of the reads (select INTR, i0, i1, select ALL, b). */
	uint32_t a = exits_now();
	outl(STATS_PORT, STATS_INTR);
	uint32_t i0 = inl(STATS_PORT);
	for (int i = 0; i < 10000; i++) {
		pv_irq_disable();
		pv_irq_enable();
	}
	uint32_t i1 = inl(STATS_PORT);
	outl(STATS_PORT, STATS_ALL);
	uint32_t b = exits_now();
	up = x->st.upcall_calls - up;
	quiet_end();
	uint32_t intr = i1 - i0, ops = b - a - 5 - intr;
	kt_note("10000 irq disable/enable pairs: %u exits (%u host-signal interruptions apart)",
		ops, intr);
	KT_EXPECT_EQ(ops, 0);
	KT_EXPECT_EQ(up, 0);
}

/* A fresh, unlinked table page: its entries may map anything. */
static void lazy_fill(uint64_t *pt, unsigned n, uint64_t frame)
{
	for (unsigned i = 0; i < n; i++)
		pv_set_pte(&pt[i], (frame + (uint64_t)i * PAGE_SIZE) | PTE_P);
}

KTEST(lazy_512_updates_one_exit)
{
	XL_REQUIRE(x);
	uint64_t pa = pmm_alloc(), frame = pmm_alloc();
	KT_ASSERT(pa && frame);
	uint64_t *pt = P2V(pa);
	uint64_t sent = x->st.mmu_updates, calls = x->st.mmu_hypercalls;
	quiet_begin();
	uint32_t a = exits_now();
	pv_lazy_mmu_enter();
	lazy_fill(pt, 512, frame);
	pv_lazy_mmu_leave();
	uint32_t b = exits_now();
	quiet_end();
	kt_note("512 pte updates in lazy mode: %u exits", b - a - 1);
	KT_EXPECT_EQ(b - a - 1, 1);
	KT_EXPECT_EQ(x->st.mmu_updates - sent, 512);
	KT_EXPECT_EQ(x->st.mmu_hypercalls - calls, 1);
	for (unsigned i = 0; i < 512; i++)
		if (pt[i] != ((frame + i * PAGE_SIZE) | PTE_P)) {
			kt_fail(kt, __FILE__, __LINE__, "entry %u not applied", i);
			break;
		}
	pmm_free(pa);
	pmm_free(frame);
}

/* Two pages' worth: more than one mmu_update holds, one multicall. */
KTEST(lazy_1024_updates_one_multicall)
{
	XL_REQUIRE(x);
	uint64_t pa = pmm_alloc_contig(2), frame = pmm_alloc();
	KT_ASSERT(pa && frame);
	uint64_t *pt = P2V(pa);
	quiet_begin();
	uint32_t a = exits_now();
	pv_lazy_mmu_enter();
	lazy_fill(pt, 1024, frame);
	pv_lazy_mmu_leave();
	uint32_t b = exits_now();
	quiet_end();
	kt_note("1024 pte updates in lazy mode: %u exits", b - a - 1);
	KT_EXPECT_EQ(b - a - 1, 1);
	KT_EXPECT_EQ(pt[1023], (frame + 1023ull * PAGE_SIZE) | PTE_P);
	pmm_free(pa);
	pmm_free(pa + PAGE_SIZE);
	pmm_free(frame);
}

KTEST(entry_outside_memory_refused)
{
	XL_REQUIRE(x);
	uint64_t pa = pmm_alloc();
	KT_ASSERT(pa);
	uint64_t *pt = P2V(pa);
	uint64_t refused = x->st.mmu_refused;
	pv_set_pte(&pt[7], (1ull << 40) | PTE_P);	/* 1 TiB: no such RAM */
	KT_EXPECT_EQ(x->st.mmu_refused - refused, 1);
	KT_EXPECT_EQ(pt[7], 0);
	pv_set_pte(&pt[7], pa | PTE_P);			/* a good one still goes */
	KT_EXPECT_EQ(x->st.mmu_refused - refused, 1);
	KT_EXPECT_EQ(pt[7], pa | PTE_P);
	pmm_free(pa);
}

KTEST(console_4k_one_exit)
{
	XL_REQUIRE(x);
	static char buf[4096];
	memset(buf, ' ', sizeof(buf));
	memcpy(buf, "    # 4 KiB console write:", 26);
	buf[sizeof(buf) - 1] = '\n';
	uint64_t calls = x->st.console_calls;
	quiet_begin();
	uint32_t a = exits_now();
	pv_console_write(buf, sizeof(buf));
	uint32_t b = exits_now();
	calls = x->st.console_calls - calls;
	quiet_end();
	kt_note("4096-byte console write: %u exits", b - a - 1);
	KT_EXPECT_EQ(b - a - 1, 1);
	KT_EXPECT_EQ(calls, 1);
}

KTEST(clock_reads_no_exit_alarm_one)
{
	XL_REQUIRE(x);
	quiet_begin();
	uint32_t a = exits_now();
	uint64_t t0 = pv_clock_read(), t = t0, bad = 0;
	for (int i = 0; i < 100; i++) {
		uint64_t u = pv_clock_read();
		bad += u < t;
		t = u;
	}
	uint64_t w = pv_wallclock();
	uint32_t b = exits_now();
	pv_set_alarm(pv_clock_read() + 1000000000ull);
	uint32_t c = exits_now();
	quiet_end();
	kt_note("100 clock reads and a wallclock: %u exits; set_alarm: %u exits",
		b - a - 1, c - b - 1);
	KT_EXPECT_EQ(b - a - 1, 0);
	KT_EXPECT_EQ(c - b - 1, 1);
	KT_EXPECT_EQ(bad, 0);
	KT_EXPECT(t > t0);
	KT_EXPECT(w > 1600000000ull * 1000000000ull);	/* after 2020 */
	KT_EXPECT_EQ(pv_clock_freq(), x->shared.tsc_hz);
}
/* ---- DEVICE_NOTIFY (ROM ABI 1.1): the event-channel send ---- */

#define STATS_HCALL(n)       (0x00030000u | (n))
#define STATS_NOTIFY         0x00040004u
#define STATS_NOTIFY_REFUSED 0x00040005u

/* One counter of hv's (the select and the read are two exits). */
static uint32_t stat_read(uint32_t sel)
{
	outl(STATS_PORT, sel);
	return inl(STATS_PORT);
}

/* hv's notify counters and the hypercalls that may carry a kick; leaves
 * the selector on all exits. */
struct xl_kicks { uint32_t sends, multis, notifies, refused; };

static void kicks_now(struct xl_kicks *k)
{
	k->sends = stat_read(STATS_HCALL(XL_HC_EVTCHN_SEND));
	k->multis = stat_read(STATS_HCALL(XL_HC_MULTICALL));
	k->notifies = stat_read(STATS_NOTIFY);
	k->refused = stat_read(STATS_NOTIFY_REFUSED);
	outl(STATS_PORT, STATS_ALL);		/* exits_now() reads this one */
}

/* A notify register in RAM: no device claims it, so hv refuses the
 * kick (no device model exists on this branch yet) and the guest runs on. */
static volatile uint16_t xl_reg[4];

/* Outside a lazy section: one evtchn_send hypercall carrying (pa,
 * value) reaches hv's notify path, which answers XL_E_NODEV; the ROM
 * counts the refusal, and nothing was stored natively. */
KTEST(notify_one_evtchn_send_reaches_hv)
{
	XL_REQUIRE(x);
	KT_EXPECT_EQ(pv_binding()->answer[PV_OP_DEVICE_NOTIFY].type, VMI_RELOC_CALL);
	struct xl_kicks a, b;
	uint64_t calls = x->st.notify_calls, refused = x->st.notify_refused;
	xl_reg[0] = 0xaaaa;
	quiet_begin();
	kicks_now(&a);
	uint32_t e0 = exits_now();
	pv_device_notify(&xl_reg[0], 0x1234, V2P(&xl_reg[0]));
	uint32_t e1 = exits_now();
	kicks_now(&b);
	quiet_end();
	kt_note("one notify: %u exits, hv notifies +%u (refused +%u)", e1 - e0 - 1,
		b.notifies - a.notifies, b.refused - a.refused);
	KT_EXPECT_EQ(e1 - e0 - 1, 1);
	KT_EXPECT_EQ(b.sends - a.sends, 1);
	KT_EXPECT_EQ(b.notifies - a.notifies, 1);
	KT_EXPECT_EQ(b.refused - a.refused, 1);
	KT_EXPECT_EQ(x->st.notify_calls - calls, 1);
	KT_EXPECT_EQ(x->st.notify_refused - refused, 1);
	KT_EXPECT_EQ(xl_reg[0], 0xaaaa);
}

/* Kicks inside a lazy section are queued and leave with the batch that
 * ends it: 4 kicks and 8 page-table updates, one multicall at the
 * leave, no evtchn_send of their own, nothing at hv before the leave. */
KTEST(lazy_kicks_leave_as_one_batch)
{
	XL_REQUIRE(x);
	uint64_t pa = pmm_alloc(), frame = pmm_alloc();
	KT_ASSERT(pa && frame);
	struct xl_kicks a, b;
	uint64_t batches = x->st.notify_batches;
	quiet_begin();
	kicks_now(&a);
	uint32_t e0 = exits_now();
	pv_lazy_mmu_enter();
	lazy_fill(P2V(pa), 8, frame);
	for (unsigned i = 0; i < 4; i++)
		pv_device_notify(&xl_reg[i], i, V2P(&xl_reg[i]));
	uint32_t e1 = exits_now();
	pv_lazy_mmu_leave();
	uint32_t e2 = exits_now();
	kicks_now(&b);
	quiet_end();
	kt_note("4 kicks and 8 updates in a lazy section: %u exits inside, %u at the leave",
		e1 - e0 - 1, e2 - e1 - 1);
	KT_EXPECT_EQ(e1 - e0 - 1, 0);
	KT_EXPECT_EQ(e2 - e1 - 1, 1);
	KT_EXPECT_EQ(b.multis - a.multis, 1);
	KT_EXPECT_EQ(b.sends - a.sends, 0);
	KT_EXPECT_EQ(b.notifies - a.notifies, 4);
	KT_EXPECT_EQ(b.refused - a.refused, 4);
	KT_EXPECT_EQ(x->st.notify_batches - batches, 1);
	KT_EXPECT_EQ(x->st.notify_queued, 0);
	KT_EXPECT_EQ(((uint64_t *)P2V(pa))[7], (frame + 7 * PAGE_SIZE) | PTE_P);
	pmm_free(pa);
	pmm_free(frame);
}

/* The kick queue is bounded (XL_NOTIFY_MAX): one kick more sends the
 * batch so far, and the rest leave at the end: two batches, every kick
 * delivered once. */
KTEST(lazy_kick_queue_overflow_flushes)
{
	XL_REQUIRE(x);
	struct xl_kicks a, b;
	unsigned n = XL_NOTIFY_MAX + 2;
	quiet_begin();
	kicks_now(&a);
	pv_lazy_mmu_enter();
	for (unsigned i = 0; i < n; i++)
		pv_device_notify(&xl_reg[i % 4], i, V2P(&xl_reg[i % 4]));
	pv_lazy_mmu_leave();
	kicks_now(&b);
	quiet_end();
	kt_note("%u kicks in one lazy section: %u multicalls", n, b.multis - a.multis);
	KT_EXPECT_EQ(b.multis - a.multis, 2);
	KT_EXPECT_EQ(b.sends - a.sends, 0);
	KT_EXPECT_EQ(b.notifies - a.notifies, n);
}

#endif /* CONFIG_PV_NONE */
