/*
 * main.c: the boot sequence, one step a line, and the ways out.
 */
#include <stdarg.h>
#include <string.h>
#include "kernel.h"
#include "mboot.h"
#include "mm.h"
#include "pic.h"
#include "sched.h"
#include "trap.h"
#include "ktest.h"
#include "bench.h"
#include <pvops/pvops.h>
#include <gd/virtio.h>
#include "pci.h"
#include "blk.h"
#include "rebind.h"

void nat_time_init(void);
int nat_time_calibrated(void);
void pv_early_init(void);
void pv_boot(void);
static void time_init(void);
void demo_run(void);
void gd_drivers_init(void);

struct kopts kopts;

static void option_warn(const char *w, size_t n, const char *why)
{
	printf("cmdline: ignoring '%.*s': %s\n", (int)n, w, why);
}

void boot_main(uint32_t magic, uint64_t info_pa)
{
	uint64_t t0 = nat_rdtsc();		/* rdtsc is not privileged */
	pv_early_init();		/* op table: native until bound */
	console_init();			/* 16550 console, newlib stdout */
	mboot_read(magic, info_pa);	/* copy cmdline, memory map */
	cmdline_parse(boot_info.cmdline, &kopts, option_warn);
	klog("pvkernel: booted by %s, cmdline '%s'\n",
	     boot_info.loader[0] ? boot_info.loader : "an unnamed loader", boot_info.cmdline);
	cpu_init();			/* GDT, TSS, IDT, syscall MSRs */
	pmm_init(&boot_info.mem);	/* page frames from the memory map */
	vm_init();			/* own 4-level tables, 4 KiB pages */
	pv_boot();			/* find a hypervisor ROM, patch sites */
	vm_seal_text();			/* kernel text read-only from here */
	time_init();			/* TSC against the PIT, if native */
	pic_init();			/* 8259s at vectors 32-47 */
	sched_init();			/* boot thread, idle thread */
	timer_init();			/* first one-shot alarm */
	pv_irq_enable();		/* first time interrupts are on */
	pci_init();			/* bus 0, one line per function */
	gd_drivers_init();		/* guest-drivers/: register drivers */
	virtio_probe_all();		/* bind them to virtio functions */
	blk_init();			/* disks for the block layer */
	rebind_init();			/* ABI 1.3: watch the ROM window */
	klog("boot: up after %llu TSC cycles\n",
	     (unsigned long long)(nat_rdtsc() - t0));

	rebind_wait(kopts.rebind_wait);	/* rebind.wait=N: hops first */
	if (kopts.test)
		kexit(ktest_run(kopts.test_filter) ? EXIT_PASS : EXIT_FAIL);
	if (kopts.bench)
		kexit(bench_run(kopts.bench_filter) ? EXIT_PASS : EXIT_FAIL);
	demo_run();
	kexit(EXIT_PASS);
}

/* The native clock and alarm need the TSC calibrated against the PIT
 * (10 ms); a backend that answers for all three needs nothing. */
static void time_init(void)
{
	if (!pv_op_native(PV_OP_CLOCK_FREQ) && !pv_op_native(PV_OP_CLOCK_READ) &&
	    !pv_op_native(PV_OP_SET_ALARM)) {
		klog("time: clock and alarm from backend %s\n", pv_backend_name());
		return;
	}
	nat_time_init();
	if (!nat_time_calibrated())
		klog("time: PIT calibration failed; assuming a 1 GHz TSC\n");
}

void panic(const char *fmt, ...)
{
	va_list ap;
	pv_irq_disable();
	console_set_sink(NULL);		/* the dump goes the oldest, surest way */
	printf("PANIC: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	uint64_t rbp;
	__asm__ volatile("mov %%rbp, %0" : "=r"(rbp));
	printf("  rip 0x%016llx (caller of panic)\n", (unsigned long long)__builtin_return_address(0));
	printf("backtrace:\n");
	for (int d = 0; d < 16 && rbp >= KERNEL_VMA && !(rbp & 7); d++) {
		printf("  #%d 0x%016llx\n", d, (unsigned long long)((uint64_t *)rbp)[1]);
		rbp = ((uint64_t *)rbp)[0];
	}
	kexit(EXIT_PANIC);
}

void kexit(uint32_t code)
{
	fflush(stdout);
	pv_shutdown(code);
}
