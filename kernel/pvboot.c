/*
 * pvboot.c: the kernel's side of the pvops layer: choose the backend,
 * patch every call site, report what was done.
 *
 * Runs once, after the kernel's own page tables exist (the heap holds
 * the patch scratch) and before interrupts are first enabled.  Without a
 * hypervisor ROM the backend is native: each site becomes its native
 * instruction, a direct call to the native C function, or NOPs.
 */
#include <stdlib.h>
#include <string.h>
#include "kernel.h"
#include <pvops/pvops.h>

#ifdef CONFIG_PV_NONE

void pv_early_init(void) { }

void pv_boot(void)
{
	klog("pvops: never-paravirtualized build: privileged instructions inline\n");
}

#else

#include <pvops/apply.h>
#include <pvops/report.h>
#include <native/templates.h>

extern const void *const nat_op_table[PV_OP_COUNT];
void pv_table_reset(void);

struct pv_report pv_boot_report;		/* read by tests and bench */

void pv_early_init(void)
{
	pv_table_reset();
}

static int native_decide(void *ctx, unsigned op, struct pv_decision *d)
{
	(void)ctx;
	return nat_decide(op, (uint64_t)(uintptr_t)nat_op_table[op], d);
}

static void print_line(void *arg, const char *line)
{
	(void)arg;
	printf("%s\n", line);
}

static void report_indirect(void)
{
	for (const struct pv_site *s = __pv_sites_start; s < __pv_sites_end; s++)
		pv_report_add(&pv_boot_report, s, PV_REPORT_INDIRECT);
}

/* Patches with the given backend; a refused site stops the boot. */
static void patch_with(const char *backend, pv_decide_fn *decide, void *ctx)
{
	size_t n = (size_t)(__pv_sites_end - __pv_sites_start);
	uint8_t *scratch = malloc(n * PV_SITE_MAX_LEN + 1);
	struct pv_apply_fail fail;
	if (!scratch)
		panic("pvops: no memory for %zu sites", n);
	int err = pv_apply(__pv_sites_start, __pv_sites_end, (void *const *)pv_op_table,
			   decide, ctx, scratch, &pv_boot_report, &fail);
	free(scratch);
	if (err != PV_OK)
		panic("pvops: cannot patch site %#llx (op %s) for %s: %s",
		      (unsigned long long)fail.site->addr, pv_op_name(fail.site->op),
		      backend, fail.reason);
	uint32_t a, b, c, d;
	pv_cpuid(0, 0, &a, &b, &c, &d);		/* serialize after rewriting code */
}

void pv_boot(void)
{
	pv_report_init(&pv_boot_report);
	if (kopts.pv_mode == PVMODE_NOPATCH) {
		report_indirect();
		klog("pvops: nopatch: %u sites stay indirect calls through the op table\n",
		     pv_boot_report.total);
	} else {
		patch_with("native", native_decide, NULL);
		klog("pvops: backend native\n");
	}
	if (!kopts.quiet)
		pv_report_print(&pv_boot_report, kopts.pv_verbose, print_line, NULL);
}

#endif
