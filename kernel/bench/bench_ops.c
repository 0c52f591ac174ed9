/*
 * bench_ops.c: the cheap CPU ops, each an unrolled loop of one pvops
 * wrapper, and hv's null hypercall.
 *
 * Every body goes through the same pv_* wrapper the kernel uses, so the
 * never-paravirtualized build measures the bare instruction, the
 * patched build whatever the patcher left at the site, and nopatch the
 * indirect call through the op table.
 */
#include "kernel.h"
#include "bench_int.h"
#include <pvops/pvops.h>

/* The empty loop: the overhead the runner subtracts from simple ops. */
void bench_loop(uint64_t n)
{
	BENCH_LOOP(n, __asm__ volatile("" ::: "memory"));
}

void bench_irq_pair(uint64_t n)
{
	BENCH_LOOP(n, { pv_irq_disable(); pv_irq_enable(); });
}

void bench_save_restore_fl(uint64_t n)
{
	BENCH_LOOP(n, pv_restore_fl(pv_save_fl()));
}

void bench_cpuid(uint64_t n)
{
	uint32_t a, b, c, d;
	BENCH_LOOP(n, pv_cpuid(0, 0, &a, &b, &c, &d));
}

void bench_rdmsr(uint64_t n)
{
	BENCH_LOOP(n, (void)pv_rdmsr(MSR_EFER));
}

void bench_read_cr3(uint64_t n)
{
	BENCH_LOOP(n, (void)pv_read_cr3());
}

/* One round trip to hv and back: the floor under every hypercall. */
static inline void hv_nop(void)
{
	uint32_t nr = BENCH_HV_NOP;
	__asm__ volatile("outl %%eax, %1" : "+a"(nr) : "i"(BENCH_HV_HCALL_PORT) : "memory");
}

const char *bench_hcall_prepare(void)
{
	return bench_env.hv ? NULL : "not under hv (no hv signature in CPUID 0x40000000)";
}

void bench_hcall_nop(uint64_t n)
{
	BENCH_LOOP(n, hv_nop());
}
