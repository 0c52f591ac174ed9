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

void PROBE(irq_disable)(void) { pv_irq_disable(); }
void PROBE(irq_enable)(void) { pv_irq_enable(); }
uint64_t PROBE(save_fl)(void) { return pv_save_fl(); }
void PROBE(restore_fl)(uint64_t f) { pv_restore_fl(f); }
void PROBE(safe_halt)(void) { pv_safe_halt(); }
void PROBE(halt)(void) { pv_halt(); }
void PROBE(cpuid)(uint32_t l, uint32_t *o) { pv_cpuid(l, 0, &o[0], &o[1], &o[2], &o[3]); }
uint64_t PROBE(rdmsr)(uint32_t m) { return pv_rdmsr(m); }
void PROBE(wrmsr)(uint32_t m, uint64_t v) { pv_wrmsr(m, v); }
uint64_t PROBE(read_cr0)(void) { return pv_read_cr0(); }
void PROBE(write_cr0)(uint64_t v) { pv_write_cr0(v); }
uint64_t PROBE(read_cr2)(void) { return pv_read_cr2(); }
uint64_t PROBE(read_cr3)(void) { return pv_read_cr3(); }
uint64_t PROBE(read_cr4)(void) { return pv_read_cr4(); }
void PROBE(write_cr4)(uint64_t v) { pv_write_cr4(v); }
void PROBE(load_gdt)(const struct dtr *d) { pv_load_gdt(d); }
void PROBE(load_idt)(const struct dtr *d) { pv_load_idt(d); }
void PROBE(load_tr)(uint16_t s) { pv_load_tr(s); }
void PROBE(wbinvd)(void) { pv_wbinvd(); }
void PROBE(io_delay)(void) { pv_io_delay(); }
void PROBE(set_pte)(uint64_t *p, uint64_t v) { pv_set_pte(p, v); }
void PROBE(set_pmd)(uint64_t *p, uint64_t v) { pv_set_pmd(p, v); }
void PROBE(set_pud)(uint64_t *p, uint64_t v) { pv_set_pud(p, v); }
void PROBE(set_p4d)(uint64_t *p, uint64_t v) { pv_set_p4d(p, v); }
void PROBE(lazy_mmu_enter)(void) { pv_lazy_mmu_enter(); }
void PROBE(lazy_mmu_flush)(void) { pv_lazy_mmu_flush(); }
void PROBE(lazy_mmu_leave)(void) { pv_lazy_mmu_leave(); }
void PROBE(invlpg)(uint64_t va) { pv_invlpg(va); }
void PROBE(flush_tlb)(void) { pv_flush_tlb(); }
void PROBE(write_cr3)(uint64_t v) { pv_write_cr3(v); }
void PROBE(pt_alloc)(uint64_t pa, int l) { pv_pt_alloc(pa, l); }
void PROBE(pt_release)(uint64_t pa, int l) { pv_pt_release(pa, l); }
