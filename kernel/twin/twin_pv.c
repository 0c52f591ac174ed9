/*
 * twin_pv.c: the paravirtualized op probes (see twin_body.h) and the
 * table pairing each with its native twin, one entry per op.
 */
#include "twin.h"
#define PROBE(n) twin_pv_##n
#include "twin_body.h"
#undef PROBE

const char twin_text[] = "twin";

/* What the call-type probes call around their op: nothing, out of line. */
__attribute__((noinline)) void twin_mark(void)
{
	__asm__ volatile("");
}

__attribute__((noinline)) void twin_sink(uint64_t v)
{
	__asm__ volatile("" : : "r"(v));
}

#define DECL(n) extern const uint8_t twin_pv_##n##_end[], twin_nat_##n[], twin_nat_##n##_end[];
#define PAIR(OP, n) [PV_OP_##OP] = { #n, (const uint8_t *)twin_pv_##n, twin_pv_##n##_end, \
				     twin_nat_##n, twin_nat_##n##_end }
#define TWINS(X) \
	X(IRQ_DISABLE, irq_disable) X(IRQ_ENABLE, irq_enable) X(SAVE_FL, save_fl) \
	X(RESTORE_FL, restore_fl) X(SAFE_HALT, safe_halt) X(HALT, halt) X(CPUID, cpuid) \
	X(RDMSR, rdmsr) X(WRMSR, wrmsr) X(READ_CR0, read_cr0) X(WRITE_CR0, write_cr0) \
	X(READ_CR2, read_cr2) X(READ_CR3, read_cr3) X(READ_CR4, read_cr4) \
	X(WRITE_CR4, write_cr4) X(LOAD_GDT, load_gdt) X(LOAD_IDT, load_idt) \
	X(LOAD_TR, load_tr) X(WBINVD, wbinvd) X(IO_DELAY, io_delay) X(SET_PTE, set_pte) \
	X(SET_PMD, set_pmd) X(SET_PUD, set_pud) X(SET_P4D, set_p4d) \
	X(LAZY_MMU_ENTER, lazy_mmu_enter) X(LAZY_MMU_FLUSH, lazy_mmu_flush) \
	X(LAZY_MMU_LEAVE, lazy_mmu_leave) X(INVLPG, invlpg) X(FLUSH_TLB, flush_tlb) \
	X(WRITE_CR3, write_cr3) X(PT_ALLOC, pt_alloc) X(PT_RELEASE, pt_release) \
	X(CLOCK_FREQ, clock_freq) X(CLOCK_READ, clock_read) X(WALLCLOCK, wallclock) \
	X(SET_ALARM, set_alarm) X(CONSOLE_WRITE, console_write) X(SHUTDOWN, shutdown) \
	X(REBOOT, reboot) X(DEVICE_NOTIFY, device_notify)
#define DECL_X(OP, n) DECL(n)
#define PAIR_X(OP, n) PAIR(OP, n),
TWINS(DECL_X)

/* Indexed by op; an op without a probe has a zero entry (the test
 * fails on it). */
const struct twin twins[PV_OP_COUNT] = { TWINS(PAIR_X) };

extern const uint8_t twin_pv_mix_mmu_end[], twin_nat_mix_mmu[], twin_nat_mix_mmu_end[];
extern const uint8_t twin_pv_mix_cpu_end[], twin_nat_mix_cpu[], twin_nat_mix_cpu_end[];
const struct twin twins_mixed[] = {
	{ "mix_mmu", (const uint8_t *)twin_pv_mix_mmu, twin_pv_mix_mmu_end,
	  twin_nat_mix_mmu, twin_nat_mix_mmu_end },
	{ "mix_cpu", (const uint8_t *)twin_pv_mix_cpu, twin_pv_mix_cpu_end,
	  twin_nat_mix_cpu, twin_nat_mix_cpu_end },
	{ 0 },
};
