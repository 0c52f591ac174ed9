/*
 * test_vmwarelike.c: the VMware-like ROM under hv --backend vmwarelike,
 * proving which path ran from hv's exit counters (stats port 0xF0) and
 * the ROM's own counters in its data area: cpuid is answered from the
 * ROM's table (its hits, and answers only the table gives), clock reads
 * cost no exit, a 4 KiB console write one, 512 page-table updates in lazy mode
 * one, an alarm one; refused updates are reported; the ROM refuses to
 * bind under any other host and the kernel stays native.
 *
 * Measured windows run with interrupts off, so no timer tick (whose
 * handler re-arms the alarm: one exit) lands inside them.
 */
#include <string.h>
#include "kernel.h"
#include "ktest.h"
#include "mm.h"
#include "pic.h"
#include <pvops/pvops.h>

#define KTEST_SUITE "vmwarelike"

#ifdef CONFIG_PV_NONE

KTEST(backend_present)
{
	KT_SKIP("never-paravirtualized build: no ROM binding");
}

#else

#include "guest.h"
#include "../../backends/vmwarelike/vmw_abi.h"

const struct vmi_binding *pv_binding(void);
void nat_cpuid_raw(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b,
		   uint32_t *c, uint32_t *d);

#define HV_STATS_PORT   0xf0
#define HV_SEL_TOTAL    0x00000000u
#define HV_SEL_PORT(p)  (0x00020000u | (p))
#define HV_BACKEND_VMW  2

/* hv's backend id from CPUID 0x40000001 edx, or -1 when not under hv. */
static int hv_backend(void)
{
	uint32_t a, b, c, d;
	nat_cpuid_raw(0x40000000, 0, &a, &b, &c, &d);
	if (a < 0x40000001 || memcmp(&b, "hvhv", 4) || memcmp(&c, "hvhv", 4) ||
	    memcmp(&d, "hvhv", 4))
		return -1;
	nat_cpuid_raw(0x40000001, 0, &a, &b, &c, &d);
	return (int)d;
}

/* Select a counter once (the out is an exit too), then read it: in
 * "select; a = read; N exits; b = read", b - a is N + 1. */
static void hv_select(uint32_t selector)
{
	outl(HV_STATS_PORT, selector);
}

static uint32_t hv_exits(void)
{
	return inl(HV_STATS_PORT);
}

/* The data area when the vmwarelike ROM is bound under its host; else
 * NULL and *why says what is missing. */
static volatile struct vmw_data *vmw(const char **why)
{
	const struct vmi_binding *b = pv_binding();

	if (hv_backend() != HV_BACKEND_VMW) {
		*why = "not under hv --backend vmwarelike";
		return NULL;
	}
	if (!b || strcmp(b->name, "vmwarelike") != 0) {
		*why = "the vmwarelike ROM is not bound";
		return NULL;
	}
	return (volatile struct vmw_data *)(uintptr_t)b->data_va;
}

/* The cases need hv's vmwarelike backend, or the vmwarelike ROM in the
 * option-ROM area (to see it refused elsewhere). */
static const char *rom_in_window(char *name, size_t len);

static bool vmw_rom_given(void)
{
	char name[VMI_NAME_MAX + 1];
	return rom_in_window(name, sizeof(name)) && strcmp(name, "vmwarelike") == 0;
}

/* Why this boot must have bound the vmwarelike ROM, or NULL when it
 * need not: told so (expect=vmwarelike), or given the ROM under its own
 * host and not told to ignore ROMs (rom=off). */
static const char *vmw_must_bind(void)
{
	if (strcmp(kopts.expect, "vmwarelike") == 0)
		return "expect=vmwarelike";
	if (hv_backend() == HV_BACKEND_VMW && vmw_rom_given() && !kopts.rom_off)
		return "under hv --backend vmwarelike with its ROM";
	return NULL;
}

KTEST_SUITE_PRECONDITION
{
	if (vmw_must_bind())
		return;
	if (hv_backend() != HV_BACKEND_VMW)
		KT_SKIP("not under hv --backend vmwarelike");
	if (!vmw_rom_given())
		KT_SKIP("hv --backend vmwarelike, but its ROM was not given");
	KT_SKIP("rom=off: the kernel was told to ignore the ROM");
}

#define VMW_OR_SKIP(d)							\
	const char *why_ = "";						\
	volatile struct vmw_data *d = vmw(&why_);			\
	if (!d)								\
		KT_SKIP(why_)

/* Wherever the ROM must bind (vmw_must_bind; the suite runs only
 * there), it is bound: a silent fallback to native would otherwise only
 * make every other case skip. */
KTEST(bound_under_its_host)
{
	if (strcmp(pv_backend_name(), "vmwarelike") != 0) {
		kt_fail(kt, __FILE__, __LINE__, "bound '%s' (%s): the vmwarelike ROM must bind",
			pv_backend_name(), vmw_must_bind());
		return;
	}
	const char *why;
	volatile struct vmw_data *d = vmw(&why);
	KT_ASSERT(d);
	KT_EXPECT_EQ(d->magic, VMW_DATA_MAGIC_LO);
	KT_EXPECT(d->cpuid_count > 0 && d->cpuid_count <= VMW_CPUID_MAX);
	KT_EXPECT(d->tsc_hz > 0);
}

/* The backdoor itself: GETVERSION answers magic, protocol and product
 * in one exit on the command port. */
KTEST(backdoor_getversion)
{
	VMW_OR_SKIP(d);
	uint32_t a = VMW_MAGIC, b = 0, c = VMW_CMD_GETVERSION, dx = VMW_PORT_CMD;
	uint64_t f = pv_irq_save();
	hv_select(HV_SEL_PORT(VMW_PORT_CMD));
	uint32_t e0 = hv_exits();
	__asm__ volatile("inl %%dx, %%eax" : "+a"(a), "+b"(b), "+c"(c), "+d"(dx)
		         : : "memory");
	uint32_t e1 = hv_exits();
	pv_irq_restore(f);
	KT_EXPECT_EQ(a, VMW_PROTO);
	KT_EXPECT_EQ(b, VMW_MAGIC);
	KT_EXPECT_EQ(c, VMW_PRODUCT);
	KT_EXPECT_EQ(e1 - e0, 1);
}

/* The table entry for leaf (subleaf 0), or NULL. */
static volatile struct vmw_cpuid_entry *cpuid_entry(volatile struct vmw_data *d,
						    uint32_t leaf)
{
	for (uint32_t i = 0; i < d->cpuid_count && i < VMW_CPUID_MAX; i++)
		if (d->cpuid[i].leaf == leaf && d->cpuid[i].subleaf == 0)
			return &d->cpuid[i];
	return NULL;
}

/*
 * 100 cpuids answered from the ROM's table.  hv's exit count alone
 * cannot show it: KVM answers a cpuid instruction inside the kernel, so
 * a raw cpuid never reaches hv's userspace either.  What does: the
 * table's hit counter (+100, misses +0), and answers no cpuid
 * instruction gives: each leaf's table eax is flipped (interrupts off,
 * restored after) and all 100 answers must carry the flip.  Restored,
 * fixed leaves answer as the instruction does.
 */
KTEST(cpuid_answered_from_table)
{
	VMW_OR_SKIP(d);
	static const uint32_t leaves[4] = { 0, 1, 0x40000001, 0x80000000 };
	const uint32_t flip = 0xa5a5a5a5u;
	volatile struct vmw_cpuid_entry *e[4];
	uint32_t a, b, c, dx, eax[4], wrong = 0;
	for (int i = 0; i < 4; i++) {
		e[i] = cpuid_entry(d, leaves[i]);
		KT_ASSERT(e[i]);
		eax[i] = e[i]->eax;
	}
	uint64_t hits = d->cpuid_hits, misses = d->cpuid_misses;
	uint64_t f = pv_irq_save();
	for (int i = 0; i < 4; i++)
		e[i]->eax = eax[i] ^ flip;
	hv_select(HV_SEL_TOTAL);
	uint32_t e0 = hv_exits();
	for (int i = 0; i < 100; i++) {
		pv_cpuid(leaves[i % 4], 0, &a, &b, &c, &dx);
		wrong += a != (eax[i % 4] ^ flip);
	}
	uint32_t e1 = hv_exits();
	for (int i = 0; i < 4; i++)
		e[i]->eax = eax[i];
	pv_irq_restore(f);
	KT_EXPECT_EQ(wrong, 0);				/* every answer from the table */
	KT_EXPECT_EQ(d->cpuid_hits - hits, 100);
	KT_EXPECT_EQ(d->cpuid_misses - misses, 0);
	KT_EXPECT_EQ(e1 - e0, 1);			/* the read itself */
	for (int i = 0; i < 4; i++) {
		uint32_t ra, rb, rc, rd;
		if (leaves[i] == 1)
			continue;			/* APIC id, dynamic bits */
		pv_cpuid(leaves[i], 0, &a, &b, &c, &dx);
		nat_cpuid_raw(leaves[i], 0, &ra, &rb, &rc, &rd);
		KT_EXPECT_EQ(a, ra);
		KT_EXPECT_EQ(b, rb);
		KT_EXPECT_EQ(c, rc);
		KT_EXPECT_EQ(dx, rd);
	}
}

/* CLOCK_READ is the TSC scaled in the ROM: no exit, never backwards. */
KTEST(clock_read_costs_no_exit)
{
	VMW_OR_SKIP(d);
	uint64_t prev = pv_clock_read(), backwards = 0;
	uint64_t f = pv_irq_save();
	hv_select(HV_SEL_TOTAL);
	uint32_t e0 = hv_exits();
	for (int i = 0; i < 100; i++) {
		uint64_t t = pv_clock_read();
		backwards += t < prev;
		prev = t;
	}
	uint64_t hz = pv_clock_freq();
	uint32_t e1 = hv_exits();
	pv_irq_restore(f);
	KT_EXPECT_EQ(e1 - e0, 1);
	KT_EXPECT_EQ(backwards, 0);
	KT_EXPECT_EQ(hz, d->tsc_hz);
}

/* 64 comment lines of 64 bytes: one bulk-port exit for all 4096. */
KTEST(console_4k_is_one_exit)
{
	VMW_OR_SKIP(d);
	static char buf[4096];
	for (int l = 0; l < 64; l++) {
		char *p = buf + l * 64;
		memset(p, '.', 64);
		memcpy(p, "    # vmwarelike 4 KiB console write, one exit ", 48);
		p[62] = (char)('0' + l % 10);
		p[63] = '\n';
	}
	uint64_t bytes = d->n.console_bytes, bulk = d->n.bulk;
	uint64_t f = pv_irq_save();
	hv_select(HV_SEL_PORT(VMW_PORT_BULK));
	uint32_t e0 = hv_exits();
	pv_console_write(buf, sizeof(buf));
	uint32_t e1 = hv_exits();
	pv_irq_restore(f);
	bytes = d->n.console_bytes - bytes;
	bulk = d->n.bulk - bulk;
	KT_EXPECT_EQ(e1 - e0, 1);			/* on the bulk port */
	KT_EXPECT_EQ(bulk, 1);
	KT_EXPECT_EQ(bytes, 4096);
}

/* A scratch level-1 table, linked nowhere: entries map low RAM. */
static uint64_t *scratch_table(void)
{
	uint64_t pa = pmm_alloc();
	return pa ? P2V(pa) : NULL;
}

/* 512 SET_PTEs in lazy mode: deferred (memory unchanged until the leave),
 * then one exit checks them all and the ROM stores them. */
KTEST(lazy_512_updates_one_exit)
{
	VMW_OR_SKIP(d);
	uint64_t *t = scratch_table();
	KT_ASSERT(t);
	uint64_t flushes = d->n.flushes, queued = d->n.queued;
	uint64_t f = pv_irq_save();
	hv_select(HV_SEL_TOTAL);
	uint32_t e0 = hv_exits();
	pv_lazy_mmu_enter();
	for (uint64_t i = 0; i < 512; i++)
		pv_set_pte(&t[i], (i << 12) | PTE_P | PTE_W);
	uint64_t mid = t[0] | t[511];			/* still deferred */
	pv_lazy_mmu_leave();
	uint32_t e1 = hv_exits();
	pv_irq_restore(f);
	KT_EXPECT_EQ(mid, 0);
	KT_EXPECT_EQ(e1 - e0, 1 + 1);			/* the flush, the read */
	KT_EXPECT_EQ(d->n.flushes - flushes, 1);
	KT_EXPECT_EQ(d->n.queued - queued, 512);
	uint64_t wrong = 0;
	for (uint64_t i = 0; i < 512; i++)
		wrong += t[i] != ((i << 12) | PTE_P | PTE_W);
	KT_EXPECT_EQ(wrong, 0);
	pmm_free((uint64_t)(uintptr_t)t - KERNEL_VMA);
}

/* Outside lazy mode a SET_PTE is a plain store in the ROM: no exit. */
KTEST(direct_update_costs_no_exit)
{
	VMW_OR_SKIP(d);
	uint64_t *t = scratch_table();
	KT_ASSERT(t);
	uint64_t direct = d->n.direct;
	uint64_t f = pv_irq_save();
	hv_select(HV_SEL_TOTAL);
	uint32_t e0 = hv_exits();
	pv_set_pte(&t[7], 0x5000 | PTE_P);
	uint32_t e1 = hv_exits();
	pv_irq_restore(f);
	KT_EXPECT_EQ(e1 - e0, 1);
	KT_EXPECT_EQ(t[7], 0x5000 | PTE_P);
	KT_EXPECT_EQ(d->n.direct - direct, 1);
	pmm_free((uint64_t)(uintptr_t)t - KERNEL_VMA);
}

/* An entry mapping a frame beyond guest RAM is refused by hv: not
 * stored, counted, and its neighbours in the batch still land. */
KTEST(refused_update_reported)
{
	VMW_OR_SKIP(d);
	uint64_t *t = scratch_table();
	KT_ASSERT(t);
	uint64_t refused = d->n.refused, first = d->n.refused == 0;
	uint64_t bad = (1ull << 40) | PTE_P | PTE_W;
	pv_lazy_mmu_enter();
	pv_set_pte(&t[0], 0x3000 | PTE_P);
	pv_set_pte(&t[1], bad);
	pv_set_pte(&t[2], 0x4000 | PTE_P);
	pv_lazy_mmu_leave();
	KT_EXPECT_EQ(d->n.refused - refused, 1);
	KT_EXPECT_EQ(t[0], 0x3000 | PTE_P);
	KT_EXPECT_EQ(t[1], 0);
	KT_EXPECT_EQ(t[2], 0x4000 | PTE_P);
	if (first) {
		KT_EXPECT_EQ(d->refused_val, bad);
		KT_EXPECT_EQ(d->refused_why, VMW_REFUSE_FRAME);
	}
	pmm_free((uint64_t)(uintptr_t)t - KERNEL_VMA);
}

/* WRITE_CR3 in lazy mode rides the queue: one exit, same address space. */
KTEST(cr3_in_lazy_mode_one_exit)
{
	VMW_OR_SKIP(d);
	uint64_t cr3 = pv_read_cr3();
	uint64_t f = pv_irq_save();
	hv_select(HV_SEL_TOTAL);
	uint32_t e0 = hv_exits();
	pv_lazy_mmu_enter();
	pv_write_cr3(cr3);
	pv_lazy_mmu_leave();
	uint32_t e1 = hv_exits();
	pv_irq_restore(f);
	KT_EXPECT_EQ(e1 - e0, 1 + 1);
	KT_EXPECT_EQ(pv_read_cr3(), cr3);
}

/* SET_ALARM is one exit; hv then raises 8259 line 0 and the kernel's
 * timer handler runs (it re-arms the tick chain itself). */
KTEST(alarm_one_exit_and_delivered)
{
	VMW_OR_SKIP(d);
	uint64_t ticks = timer_ticks, halts = d->n.halts;
	uint64_t f = pv_irq_save();
	hv_select(HV_SEL_TOTAL);
	uint32_t e0 = hv_exits();
	pv_set_alarm(pv_clock_read() + 5000000);
	uint32_t e1 = hv_exits();
	pv_irq_restore(f);
	KT_EXPECT_EQ(e1 - e0, 1 + 1);
	uint64_t halted = 0;
	for (int i = 0; i < 100 && timer_ticks == ticks; i++) {
		pv_irq_disable();
		if (timer_ticks == ticks) {
			pv_safe_halt();			/* a backdoor call, then hlt */
			halted++;
		} else {
			pv_irq_enable();
		}
	}
	KT_EXPECT(timer_ticks > ticks);
	KT_EXPECT(d->n.halts - halts >= halted);
}

KTEST(wallclock_one_exit)
{
	VMW_OR_SKIP(d);
	uint64_t f = pv_irq_save();
	hv_select(HV_SEL_TOTAL);
	uint32_t e0 = hv_exits();
	uint64_t ns = pv_wallclock();
	uint32_t e1 = hv_exits();
	pv_irq_restore(f);
	KT_EXPECT_EQ(e1 - e0, 1 + 1);
	KT_EXPECT(ns > 1672531200ull * 1000000000ull);	/* after 2023-01-01 */
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

/* The vmwarelike ROM under any other host (hv none or xenlike, QEMU)
 * must fail its init and leave the kernel native: a suite of its own. */
/* DEVICE_NOTIFY (ROM ABI 1.1): one NOTIFY backdoor command carrying
 * (pa, value) reaches hv's notify path; no device claims this RAM word
 * (no device model exists on this branch yet), so hv refuses it, the ROM
 * counts the refusal and the guest runs on; nothing is stored natively. */
static volatile uint16_t vmw_reg = 0xaaaa;

KTEST(notify_one_backdoor_exit_reaches_hv)
{
	VMW_OR_SKIP(d);
	KT_EXPECT_EQ(pv_binding()->answer[PV_OP_DEVICE_NOTIFY].type, VMI_RELOC_CALL);
	uint64_t calls = d->notify_calls, refused = d->notify_refused;
	uint64_t f = pv_irq_save();		/* no tick re-arms its alarm in between */
	hv_select(0x00040004u);				/* hv: notifies */
	uint32_t n0 = hv_exits();
	hv_select(0x00040005u);				/* hv: refused */
	uint32_t r0 = hv_exits();
	hv_select(HV_SEL_PORT(VMW_PORT_CMD));
	uint32_t p0 = hv_exits();
	pv_device_notify(&vmw_reg, 0x4321, V2P(&vmw_reg));
	uint32_t p1 = hv_exits();
	hv_select(0x00040004u);
	uint32_t n1 = hv_exits();
	hv_select(0x00040005u);
	uint32_t r1 = hv_exits();
	pv_irq_restore(f);
	kt_note("one notify: %u backdoor exits, hv notifies +%u (refused +%u)",
		p1 - p0, n1 - n0, r1 - r0);
	KT_EXPECT_EQ(p1 - p0, 1);
	KT_EXPECT_EQ(n1 - n0, 1);
	KT_EXPECT_EQ(r1 - r0, 1);
	KT_EXPECT_EQ(d->notify_calls - calls, 1);
	KT_EXPECT_EQ(d->notify_refused - refused, 1);
	KT_EXPECT_EQ(vmw_reg, 0xaaaa);
}

#undef KTEST_SUITE
#define KTEST_SUITE "vmwarelike_fallback"

KTEST_SUITE_PRECONDITION
{
	if (hv_backend() == HV_BACKEND_VMW)
		KT_SKIP("under its own host");
	if (!vmw_rom_given())
		KT_SKIP("no vmwarelike ROM in the option-ROM area");
}

KTEST(refused_under_other_host)
{
	KT_EXPECT(strcmp(pv_backend_name(), "native") == 0);
	KT_EXPECT(pv_binding() == NULL);
}

#endif /* CONFIG_PV_NONE */
