/*
 * test_pvops.c: every op does what its instruction does, in every build
 * and mode (patched, nopatch, never-paravirtualized), and without a ROM
 * every patched site holds exactly the native bytes plus NOPs.
 */
#include <string.h>
#include "kernel.h"
#include "mm.h"
#include "trap.h"
#include "pic.h"
#include "ktest.h"
#include <pvops/pvops.h>

#define KTEST_SUITE "pvops"

#define MSR_KERNEL_GS_BASE 0xc0000102

KTEST(irq_flag_round_trip)
{
	uint64_t f = pv_save_fl();
	pv_irq_disable();
	KT_EXPECT((pv_save_fl() & PV_FL_IF) == 0);
	pv_irq_enable();
	KT_EXPECT((pv_save_fl() & PV_FL_IF) != 0);
	uint64_t s = pv_irq_save();
	KT_EXPECT(s & PV_FL_IF);
	KT_EXPECT((pv_save_fl() & PV_FL_IF) == 0);
	pv_irq_restore(s);
	KT_EXPECT(pv_save_fl() & PV_FL_IF);
	pv_restore_fl(f);
}

KTEST(safe_halt_wakes_on_timer)
{
	uint64_t t = timer_ticks;
	pv_irq_disable();
	pv_safe_halt();				/* sti; hlt: the tick wakes us */
	KT_EXPECT(pv_save_fl() & PV_FL_IF);
	while (timer_ticks == t)
		pv_halt();
	KT_EXPECT(timer_ticks > t);
}

void nat_cpuid_raw(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b,
		   uint32_t *c, uint32_t *d);

KTEST(cpuid_equals_instruction)
{
	static const uint32_t leaves[][2] = { { 0, 0 }, { 1, 0 }, { 7, 0 }, { 0x80000001, 0 } };
	for (unsigned i = 0; i < ARRAY_SIZE(leaves); i++) {
		uint32_t a, b, c, d, ra, rb, rc, rd;
		pv_cpuid(leaves[i][0], leaves[i][1], &a, &b, &c, &d);
#ifdef CONFIG_PV_NONE
		nat_cpuid(leaves[i][0], leaves[i][1], &ra, &rb, &rc, &rd);
#else
		nat_cpuid_raw(leaves[i][0], leaves[i][1], &ra, &rb, &rc, &rd);
#endif
		/* Leaf 1 ebx holds the APIC id and CLFLUSH size: stable on one CPU. */
		KT_EXPECT_EQ(a, ra);
		KT_EXPECT_EQ(b, rb);
		KT_EXPECT_EQ(c, rc);
		KT_EXPECT_EQ(d, rd);
	}
}

KTEST(msr_read_and_write)
{
	KT_EXPECT(pv_rdmsr(MSR_EFER) & EFER_LME);
	KT_EXPECT(pv_rdmsr(MSR_EFER) & EFER_SCE);
	uint64_t old = pv_rdmsr(MSR_KERNEL_GS_BASE);
	pv_wrmsr(MSR_KERNEL_GS_BASE, 0xffff800012345000ULL);
	KT_EXPECT_EQ(pv_rdmsr(MSR_KERNEL_GS_BASE), 0xffff800012345000ULL);
	pv_wrmsr(MSR_KERNEL_GS_BASE, old);
	KT_EXPECT_EQ(pv_rdmsr(MSR_KERNEL_GS_BASE), old);
}

KTEST(control_registers)
{
	uint64_t cr0 = pv_read_cr0(), cr4 = pv_read_cr4();
	KT_EXPECT((cr0 & (CR0_PG | CR0_PE | CR0_WP)) == (CR0_PG | CR0_PE | CR0_WP));
	KT_EXPECT(cr4 & CR4_PAE);
	pv_write_cr0(cr0);
	pv_write_cr4(cr4);
	KT_EXPECT_EQ(pv_read_cr0(), cr0);
	KT_EXPECT_EQ(pv_read_cr4(), cr4);
	KT_EXPECT_EQ(pv_read_cr3(), kernel_as.pml4);
}

KTEST(descriptor_tables_reload)
{
	struct dtr g, i;
	uint16_t tr;
	__asm__ volatile("sgdt %0; sidt %1; str %2" : "=m"(g), "=m"(i), "=r"(tr));
	pv_load_gdt(&g);
	pv_load_idt(&i);
	struct dtr g2, i2;
	__asm__ volatile("sgdt %0; sidt %1" : "=m"(g2), "=m"(i2));
	KT_EXPECT_EQ(g2.base, g.base);
	KT_EXPECT_EQ(g2.limit, g.limit);
	KT_EXPECT_EQ(i2.base, i.base);
	KT_EXPECT_EQ(tr, SEL_TSS);
	/* The IDT still works after the reload. */
	struct trap_catch c;
	int caught = TRAP_CATCH(&c, 6);
	if (!caught)
		__asm__ volatile("ud2");
	trap_catch_end(&c);
	KT_EXPECT(caught);
}

KTEST(cache_and_io_delay)
{
	pv_wbinvd();
	for (int i = 0; i < 4; i++)
		pv_io_delay();
	KT_EXPECT(1);				/* returning is the test */
}

/* A page mapped at va through page-table writes we make ourselves. */
KTEST(pte_write_visible_through_access)
{
	uint64_t a = pmm_alloc(), b = pmm_alloc();
	uint64_t va = VMAP_BASE + 0x200000;
	KT_ASSERT(a && b);
	*(uint64_t *)P2V(a) = 0xaaaa;
	*(uint64_t *)P2V(b) = 0xbbbb;
	KT_ASSERT(vm_map(&kernel_as, va, a, PTE_W) == 0);
	KT_EXPECT_EQ(*(volatile uint64_t *)va, 0xaaaa);
	uint64_t *pte = vm_walk(&kernel_as, va, false);
	KT_ASSERT(pte);
	/* Repoint the entry; invlpg makes the new frame visible. */
	pv_set_pte(pte, b | PTE_P | PTE_W);
	pv_invlpg(va);
	KT_EXPECT_EQ(*(volatile uint64_t *)va, 0xbbbb);
	/* Again, with a full flush instead. */
	pv_set_pte(pte, a | PTE_P | PTE_W);
	pv_flush_tlb();
	KT_EXPECT_EQ(*(volatile uint64_t *)va, 0xaaaa);
	KT_ASSERT(vm_unmap(&kernel_as, va, NULL) == 0);
	pmm_free(a);
	pmm_free(b);
}

KTEST(lazy_mode_batch_visible_after_leave)
{
	uint64_t pa[16], va = VMAP_BASE + 0x400000;
	pv_lazy_mmu_enter();
	for (int i = 0; i < 16; i++) {
		pa[i] = pmm_alloc();
		KT_ASSERT(pa[i]);
		*(uint64_t *)P2V(pa[i]) = 0x1000 + i;
		KT_ASSERT(vm_map(&kernel_as, va + i * PAGE_SIZE, pa[i], PTE_W) == 0);
	}
	pv_lazy_mmu_flush();
	KT_EXPECT_EQ(*(volatile uint64_t *)va, 0x1000);
	pv_lazy_mmu_leave();
	for (int i = 0; i < 16; i++)
		KT_EXPECT_EQ(*(volatile uint64_t *)(va + i * PAGE_SIZE), 0x1000 + i);
	pv_lazy_mmu_enter();
	for (int i = 0; i < 16; i++)
		KT_ASSERT(vm_unmap(&kernel_as, va + i * PAGE_SIZE, NULL) == 0);
	pv_lazy_mmu_leave();
	for (int i = 0; i < 16; i++)
		pmm_free(pa[i]);
}

/* Upper-level entries: a new PML4 slot, PDPT and PD built by hand. */
KTEST(upper_level_entries_and_cr3_switch)
{
	struct aspace as;
	KT_ASSERT(vm_aspace_create(&as) == 0);
	uint64_t frame = pmm_alloc();
	KT_ASSERT(frame);
	*(uint64_t *)P2V(frame) = 0x5151;
	uint64_t va = 0x0000100000000000ULL;	/* a fresh PML4 slot */
	KT_ASSERT(vm_map(&as, va, frame, PTE_W) == 0);	/* set_p4d, pud, pmd, pte */
	KT_EXPECT(vm_walk(&kernel_as, va, false) == NULL);
	uint64_t fl = pv_irq_save();
	vm_switch(&as);
	KT_EXPECT_EQ(pv_read_cr3(), as.pml4);
	uint64_t seen = *(volatile uint64_t *)va;
	vm_switch(&kernel_as);
	pv_irq_restore(fl);
	KT_EXPECT_EQ(seen, 0x5151);
	vm_aspace_destroy(&as);			/* pt_release on every table */
}

KTEST(clocks)
{
	KT_EXPECT(pv_clock_freq() >= 1000000ULL);
	uint64_t a = pv_clock_read(), b = pv_clock_read();
	KT_EXPECT(b >= a);
	/* Every environment we run in has a wall clock (QEMU's and hv's
	 * CMOS RTC, or the ROM's): 0 means it is broken, not absent. */
	uint64_t wall = pv_wallclock();
	KT_EXPECT(wall != 0);
	/* After 2020-01-01, before 2100-01-01. */
	KT_EXPECT(wall / 1000000000ULL > 1577836800ULL);
	KT_EXPECT(wall / 1000000000ULL < 4102444800ULL);
}

#ifndef CONFIG_PV_NONE
#include <pvops/patch.h>
#include <pvops/site.h>
#include <native/templates.h>
#include "twin.h"

extern const void *const nat_op_table[PV_OP_COUNT];

static const char *native_patch_skip(void)
{
	if (kopts.pv_mode == PVMODE_NOPATCH)
		return "pvops=nopatch: sites stay indirect";
	if (strcmp(pv_backend_name(), "native") != 0)
		return "a ROM is bound: sites follow its answers";
	return NULL;
}

/* Every site: template bytes (or a call to the native C function, or
 * nothing) followed by exactly the NOP padding pv_nop_fill writes. */
#ifndef CONFIG_PV_NONE
#include "guest.h"
const struct vmi_binding *pv_binding(void);
#endif

/* Why the notify op here does not store into RAM, or NULL when it does:
 * a ROM other than the test ROM hands it to its host (SPEC.md 9). */
static const char *notify_goes_to_host(void)
{
#ifndef CONFIG_PV_NONE
	const struct vmi_binding *b = pv_binding();
	if (b && b->answer[PV_OP_DEVICE_NOTIFY].type != VMI_RELOC_NATIVE &&
	    strcmp(b->name, "testrom") != 0)
		return "a ROM other than the test ROM answers DEVICE_NOTIFY: what it does is its own (its suite tests it)";
#endif
	return NULL;
}

/* DEVICE_NOTIFY (ABI 1.1) is natively one 16-bit store, `movw %si,(%rdi)`:
 * on a scratch RAM word the low 16 bits of the value land there and the
 * words around stay. */
KTEST(device_notify_stores_16_bits)
{
	const char *skip = notify_goes_to_host();
	if (skip)
		KT_SKIP(skip);
	static volatile uint16_t w[3] = { 0xaaaa, 0xbbbb, 0xcccc };
	pv_device_notify(&w[1], 0xfedc1234, V2P(&w[1]));
	KT_EXPECT_EQ(w[0], 0xaaaa);
	KT_EXPECT_EQ(w[1], 0x1234);
	KT_EXPECT_EQ(w[2], 0xcccc);
	pv_device_notify(&w[1], 7, V2P(&w[1]));
	KT_EXPECT_EQ(w[1], 7);
}

KTEST(sites_hold_native_bytes)
{
	const char *skip = native_patch_skip();
	if (skip)
		KT_SKIP(skip);
	int bad = 0;
	for (const struct pv_site *s = __pv_sites_start; s < __pv_sites_end; s++) {
		uint8_t want[PV_SITE_MAX_LEN];
		const struct nat_template *t = &nat_templates[s->op];
		size_t used = 0;
		if (t->kind == PV_NATIVE) {
			/* The instruction in the site's registers, in its
			 * longest form that fits (native/encode.c). */
			int n = nat_encode(s, NAT_FIT, want);
			used = n > 0 ? (size_t)n : 0;
		} else if (t->kind == PV_CALL) {
			int32_t rel = (int32_t)((uint64_t)nat_op_table[s->op] - (s->addr + 5));
			want[0] = 0xe8;
			memcpy(want + 1, &rel, 4);
			used = 5;
		}
		pv_pad_fill(want + used, s->len - used);
		if (memcmp((const void *)s->addr, want, s->len) != 0 && bad++ < 5)
			kt_fail(kt, __FILE__, __LINE__, "site %#llx (%s) does not hold its native bytes",
				(unsigned long long)s->addr, pv_op_name(s->op));
	}
	KT_EXPECT_EQ(bad, 0);
}

/* Length of a NOP form of pv_nops at p, 0 if none. */
static int nop_at(const uint8_t *p)
{
	if (p[0] == 0xeb && p[1] <= PV_SITE_MAX_LEN)	/* a jump over padding */
		return 2 + p[1];
	for (int n = PV_NOP_MAX; n >= 1; n--)
		if (memcmp(p, pv_nops[n], n) == 0)
			return n;
	return 0;
}

/*
 * A direct call (e8 rel32) or jump (e9 rel32, eb rel8) at p, before end:
 * its length, with its kind (the opcode, eb counted as e9) and absolute
 * target; 0 if p holds none.  The assembler picks eb or e9 by distance,
 * and the two probes sit at different places.
 */
static int branch_at(const uint8_t *p, const uint8_t *end, int *kind, uint64_t *target)
{
	int32_t rel32;
	if ((*p == 0xe8 || *p == 0xe9) && p + 5 <= end) {
		memcpy(&rel32, p + 1, 4);
		*kind = *p;
		*target = (uint64_t)(uintptr_t)p + 5 + (uint64_t)(int64_t)rel32;
		return 5;
	}
	if (*p == 0xeb && p + 2 <= end) {
		*kind = 0xe9;
		*target = (uint64_t)(uintptr_t)p + 2 + (uint64_t)(int64_t)(int8_t)p[1];
		return 2;
	}
	return 0;
}

/* Do pv and nat hold the same direct branch?  Advances both if so. */
static bool same_branch(const uint8_t **pv, const uint8_t *pv_end,
			const uint8_t **nat, const uint8_t *nat_end)
{
	int k1 = 0, k2 = 0;
	uint64_t t1 = 0, t2 = 0;
	int n1 = branch_at(*pv, pv_end, &k1, &t1), n2 = branch_at(*nat, nat_end, &k2, &t2);
	if (!n1 || !n2 || k1 != k2 || t1 != t2)
		return false;
	*pv += n1, *nat += n2;
	return true;
}

/* The records of the sites inside [from, to), at most max of them. */
static int sites_in(const uint8_t *from, const uint8_t *to, const struct pv_site **out, int max)
{
	int n = 0;
	for (const struct pv_site *s = __pv_sites_start; s < __pv_sites_end && n < max; s++)
		if (s->addr >= (uint64_t)(uintptr_t)from && s->addr < (uint64_t)(uintptr_t)to)
			out[n++] = s;
	return n;
}

/*
 * At a patched site whose native instruction the patcher wrote: the
 * site holds it in its long form (a memory operand with a 32-bit
 * displacement fills the site), the native twin holds the assembler's
 * short form at the same place, in the same registers.  Advances both
 * past the instruction if so.
 */
static bool same_insn(const struct pv_site *const *in, int nin, const uint8_t **pv,
		      const uint8_t *pv_end, const uint8_t **nat, const uint8_t *nat_end)
{
	uint8_t lng[NAT_ENCODE_MAX], sht[NAT_ENCODE_MAX];
	for (int i = 0; i < nin; i++) {
		const struct pv_site *s = in[i];
		int nl, ns;
		if (s->addr != (uint64_t)(uintptr_t)*pv || nat_templates[s->op].kind != PV_NATIVE)
			continue;
		nl = nat_encode(s, NAT_FIT, lng);
		ns = nat_encode(s, NAT_SHORT, sht);
		if (nl <= 0 || ns <= 0 || *pv + nl > pv_end || *nat + ns > nat_end ||
		    memcmp(*pv, lng, nl) != 0 || memcmp(*nat, sht, ns) != 0)
			return false;
		/* The padding behind it is the patcher's NOP, nothing else. */
		uint8_t pad[PV_SITE_MAX_LEN];
		pv_nop_fill(pad, s->len - nl);
		if (memcmp(*pv + nl, pad, s->len - nl) != 0)
			return false;
		*pv += s->len, *nat += ns;
		return true;
	}
	return false;
}

/*
 * Walks a patched probe and its native twin together over their exact
 * sizes (end labels, twin_body.h), skipping NOPs in the patched one; a
 * direct call or jump matches when both reach the same address, and a
 * site's native instruction in its long form matches the same
 * instruction in its short form.  Both must end together.
 */
static bool same_modulo_nops(const struct twin *t, int *at)
{
	const uint8_t *pv = t->pv, *nat = t->nat;
	const struct pv_site *in[16];
	int nin = sites_in(t->pv, t->pv_end, in, 16);
	while (pv < t->pv_end && nat < t->nat_end) {
		int n;
		if (same_insn(in, nin, &pv, t->pv_end, &nat, t->nat_end))
			continue;
		if (same_branch(&pv, t->pv_end, &nat, t->nat_end))
			continue;
		if (*pv == *nat) {
			pv++, nat++;
		} else if ((n = nop_at(pv)) && pv + n <= t->pv_end) {
			pv += n;
		} else {
			break;
		}
	}
	for (int n; pv < t->pv_end && (n = nop_at(pv)) && pv + n <= t->pv_end; )
		pv += n;
	*at = (int)(nat - t->nat);
	return pv == t->pv_end && nat == t->nat_end;
}

KTEST(patched_text_equals_native_build)
{
	const char *skip = native_patch_skip();
	if (skip)
		KT_SKIP(skip);
	int compared = 0;
	for (unsigned op = 0; op < PV_OP_COUNT; op++) {
		const struct twin *t = &twins[op];
		int at = 0;
		if (!t->name || t->pv_end <= t->pv || t->nat_end <= t->nat) {
			kt_fail(kt, __FILE__, __LINE__, "op %s has no probe pair", pv_op_name(op));
			continue;
		}
		if (!same_modulo_nops(t, &at))
			kt_fail(kt, __FILE__, __LINE__, "op %s: patched probe (%d bytes) differs from "
				"the never-paravirtualized build (%d bytes) at native byte %d",
				t->name, (int)(t->pv_end - t->pv), (int)(t->nat_end - t->nat), at);
		compared++;
	}
	kt_note("%d of %d ops compared with the never-paravirtualized build", compared, PV_OP_COUNT);
	KT_EXPECT_EQ(compared, PV_OP_COUNT);
	/* Probes where the compiler picks other registers than the op's
	 * convention: several ops among computations. */
	int mixed = 0;
	for (const struct twin *t = twins_mixed; t->name; t++, mixed++) {
		int at = 0;
		if (!same_modulo_nops(t, &at))
			kt_fail(kt, __FILE__, __LINE__, "probe %s: patched (%d bytes) differs from the "
				"never-paravirtualized build (%d bytes) at native byte %d",
				t->name, (int)(t->pv_end - t->pv), (int)(t->nat_end - t->nat), at);
	}
	kt_note("%d probes in the compiler's own registers compared", mixed);
	KT_EXPECT(mixed > 0);
}
#endif
