/*
 * twin_body.h: one tiny function per op, compiled twice: once against
 * the paravirtualized wrappers (kernel/twin/twin_pv.c) and once against
 * the never-paravirtualized ones (native/twin_native.c).  After boot-time
 * patching without a ROM, each paravirtualized probe must be its native
 * twin plus NOPs (test pvops.patched_text_equals_native_build).
 * PROBE(name) names the function for the build that includes this.
 */
#include <stdint.h>
#include <pvops/pvops.h>

/*
 * PROBE_END(name) puts the label NAME_end right behind the probe just
 * defined, so the test compares each probe over its exact size and not
 * up to the first 0xc3 byte.  The kernel builds with
 * -fno-toplevel-reorder: top-level asm is emitted in source order,
 * between the functions around it.
 */
#define TWIN_STR2_(x) #x
#define TWIN_STR_(x) TWIN_STR2_(x)
#define PROBE_END(n) __asm__(".pushsection .text\n.globl " TWIN_STR_(PROBE(n)) "_end\n" \
				     TWIN_STR_(PROBE(n)) "_end:\n.popsection");

void PROBE(irq_disable)(void) { pv_irq_disable(); }
PROBE_END(irq_disable)
void PROBE(irq_enable)(void) { pv_irq_enable(); }
PROBE_END(irq_enable)
uint64_t PROBE(save_fl)(void) { return pv_save_fl(); }
PROBE_END(save_fl)
void PROBE(restore_fl)(uint64_t f) { pv_restore_fl(f); }
PROBE_END(restore_fl)
void PROBE(safe_halt)(void) { pv_safe_halt(); }
PROBE_END(safe_halt)
void PROBE(halt)(void) { pv_halt(); }
PROBE_END(halt)
void PROBE(cpuid)(uint32_t l, uint32_t *o) { pv_cpuid(l, 0, &o[0], &o[1], &o[2], &o[3]); }
PROBE_END(cpuid)
uint64_t PROBE(rdmsr)(uint32_t m) { return pv_rdmsr(m); }
PROBE_END(rdmsr)
void PROBE(wrmsr)(uint32_t m, uint64_t v) { pv_wrmsr(m, v); }
PROBE_END(wrmsr)
uint64_t PROBE(read_cr0)(void) { return pv_read_cr0(); }
PROBE_END(read_cr0)
void PROBE(write_cr0)(uint64_t v) { pv_write_cr0(v); }
PROBE_END(write_cr0)
uint64_t PROBE(read_cr2)(void) { return pv_read_cr2(); }
PROBE_END(read_cr2)
uint64_t PROBE(read_cr3)(void) { return pv_read_cr3(); }
PROBE_END(read_cr3)
uint64_t PROBE(read_cr4)(void) { return pv_read_cr4(); }
PROBE_END(read_cr4)
void PROBE(write_cr4)(uint64_t v) { pv_write_cr4(v); }
PROBE_END(write_cr4)
void PROBE(load_gdt)(const struct dtr *d) { pv_load_gdt(d); }
PROBE_END(load_gdt)
void PROBE(load_idt)(const struct dtr *d) { pv_load_idt(d); }
PROBE_END(load_idt)
void PROBE(load_tr)(uint16_t s) { pv_load_tr(s); }
PROBE_END(load_tr)
void PROBE(wbinvd)(void) { pv_wbinvd(); }
PROBE_END(wbinvd)
void PROBE(io_delay)(void) { pv_io_delay(); }
PROBE_END(io_delay)
void PROBE(set_pte)(uint64_t *p, uint64_t v) { pv_set_pte(p, v); }
PROBE_END(set_pte)
void PROBE(set_pmd)(uint64_t *p, uint64_t v) { pv_set_pmd(p, v); }
PROBE_END(set_pmd)
void PROBE(set_pud)(uint64_t *p, uint64_t v) { pv_set_pud(p, v); }
PROBE_END(set_pud)
void PROBE(set_p4d)(uint64_t *p, uint64_t v) { pv_set_p4d(p, v); }
PROBE_END(set_p4d)
void PROBE(lazy_mmu_enter)(void) { pv_lazy_mmu_enter(); }
PROBE_END(lazy_mmu_enter)
void PROBE(lazy_mmu_flush)(void) { pv_lazy_mmu_flush(); }
PROBE_END(lazy_mmu_flush)
void PROBE(lazy_mmu_leave)(void) { pv_lazy_mmu_leave(); }
PROBE_END(lazy_mmu_leave)
void PROBE(invlpg)(uint64_t va) { pv_invlpg(va); }
PROBE_END(invlpg)
void PROBE(flush_tlb)(void) { pv_flush_tlb(); }
PROBE_END(flush_tlb)
void PROBE(write_cr3)(uint64_t v) { pv_write_cr3(v); }
PROBE_END(write_cr3)
void PROBE(pt_alloc)(uint64_t pa, int l) { pv_pt_alloc(pa, l); }
PROBE_END(pt_alloc)
void PROBE(pt_release)(uint64_t pa, int l) { pv_pt_release(pa, l); }
PROBE_END(pt_release)

/* Ops the native build reaches with a plain call (time, console,
 * power).  Each probe calls twin_mark first, so both builds keep a frame
 * and neither turns the op's call into a tail jump. */
void twin_mark(void);
void twin_sink(uint64_t v);
extern const char twin_text[];
uint64_t PROBE(clock_freq)(void) { twin_mark(); uint64_t v = pv_clock_freq(); twin_sink(v); return v; }
PROBE_END(clock_freq)
uint64_t PROBE(clock_read)(void) { twin_mark(); uint64_t v = pv_clock_read(); twin_sink(v); return v; }
PROBE_END(clock_read)
uint64_t PROBE(wallclock)(void) { twin_mark(); uint64_t v = pv_wallclock(); twin_sink(v); return v; }
PROBE_END(wallclock)
void PROBE(set_alarm)(uint64_t ns) { twin_mark(); pv_set_alarm(ns); twin_mark(); }
PROBE_END(set_alarm)
void PROBE(console_write)(void) { twin_mark(); pv_console_write(twin_text, 4); twin_mark(); }
PROBE_END(console_write)
void PROBE(shutdown)(uint32_t code) { twin_mark(); pv_shutdown(code); }
PROBE_END(shutdown)
void PROBE(reboot)(void) { twin_mark(); pv_reboot(); }
PROBE_END(reboot)

/* Device notify (ABI 1.1): its arguments arrive in the site's registers. */
void PROBE(device_notify)(volatile void *va, uint64_t v, uint64_t pa) { pv_device_notify(va, v, pa); }
PROBE_END(device_notify)

/*
 * Several ops in one probe, among computations, so the compiler picks
 * the registers (not the argument registers the op probes above get
 * their operands in).  Straight-line code: a relative jump inside a
 * probe would cross sites whose lengths differ between the builds.
 */
void PROBE(mix_mmu)(uint64_t *t, uint64_t a, uint64_t b)
{
	uint64_t f = pv_save_fl();
	pv_irq_disable();
	pv_set_pte(t + 3, a | b);
	pv_set_pmd(t + 5, a ^ f);
	pv_set_pud((uint64_t *)(a & ~7ull), b + 1);
	pv_invlpg(a + b);
	uint64_t c = pv_read_cr3();
	pv_write_cr3(c | 0x18);
	pv_flush_tlb();
	pv_restore_fl(f);
	twin_sink(c);
}
PROBE_END(mix_mmu)
uint64_t PROBE(mix_cpu)(const struct dtr *g, uint64_t x)
{
	uint64_t c0 = pv_read_cr0(), c4 = pv_read_cr4(), c2 = pv_read_cr2();
	pv_load_gdt(g + 1);
	pv_load_idt(g + 2);
	pv_write_cr4(c4 ^ x);
	pv_write_cr0(c0 | x);
	pv_load_tr((uint16_t)(x >> 3));
	pv_wrmsr((uint32_t)x, c2);
	pv_device_notify((volatile void *)(c0 + 2), x + 1, c4 - 2);
	pv_lazy_mmu_enter();
	pv_pt_alloc(c2 * 3, (int)x);
	pv_lazy_mmu_leave();
	return c0 + c4 + c2;
}
PROBE_END(mix_cpu)
