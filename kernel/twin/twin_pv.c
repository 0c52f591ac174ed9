/*
 * twin_pv.c: the paravirtualized op probes (see twin_body.h) and the
 * table pairing each with its native twin.
 */
#include "twin.h"
#define PROBE(n) twin_pv_##n
#include "twin_body.h"
#undef PROBE

#define PAIR(n) { #n, (const uint8_t *)twin_pv_##n, (const uint8_t *)twin_nat_##n }
#define DECL(n) extern char twin_nat_##n[];
DECL(irq_disable) DECL(irq_enable) DECL(save_fl) DECL(restore_fl) DECL(safe_halt)
DECL(halt) DECL(cpuid) DECL(rdmsr) DECL(wrmsr) DECL(read_cr0) DECL(write_cr0)
DECL(read_cr2) DECL(read_cr3) DECL(read_cr4) DECL(write_cr4) DECL(load_gdt)
DECL(load_idt) DECL(load_tr) DECL(wbinvd) DECL(io_delay) DECL(set_pte)
DECL(set_pmd) DECL(set_pud) DECL(set_p4d) DECL(lazy_mmu_enter)
DECL(lazy_mmu_flush) DECL(lazy_mmu_leave) DECL(invlpg) DECL(flush_tlb)
DECL(write_cr3) DECL(pt_alloc) DECL(pt_release)

const struct twin twins[] = {
	PAIR(irq_disable), PAIR(irq_enable), PAIR(save_fl), PAIR(restore_fl),
	PAIR(safe_halt), PAIR(halt), PAIR(cpuid), PAIR(rdmsr), PAIR(wrmsr),
	PAIR(read_cr0), PAIR(write_cr0), PAIR(read_cr2), PAIR(read_cr3),
	PAIR(read_cr4), PAIR(write_cr4), PAIR(load_gdt), PAIR(load_idt),
	PAIR(load_tr), PAIR(wbinvd), PAIR(io_delay), PAIR(set_pte), PAIR(set_pmd),
	PAIR(set_pud), PAIR(set_p4d), PAIR(lazy_mmu_enter), PAIR(lazy_mmu_flush),
	PAIR(lazy_mmu_leave), PAIR(invlpg), PAIR(flush_tlb), PAIR(write_cr3),
	PAIR(pt_alloc), PAIR(pt_release),
};
const int ntwins = sizeof(twins) / sizeof(twins[0]);
