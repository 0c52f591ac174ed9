/*
 * apply.h: the boot-time pass over a kernel's call-site records.
 *
 * Kernel-agnostic: the kernel hands over its records, a decide callback
 * (the bound backend's answer per op) and a report to fill.  The pass is
 * all-or-nothing: the records are first checked for overlap (two sites
 * sharing a byte), then every site's new bytes are computed; if anything
 * is refused, nothing is written and the refusal is returned for the
 * kernel to stop the boot with.  Then every site is written and re-read.
 */
#ifndef PVOPS_APPLY_H
#define PVOPS_APPLY_H

#include <stdint.h>
#include <pvops/patch.h>
#include <pvops/report.h>

/* Fills *d for op; returns 0, or non-zero when the backend has no answer. */
typedef int pv_decide_fn(void *ctx, unsigned op, struct pv_decision *d);

struct pv_apply_fail {
	const struct pv_site *site;	/* the refused site */
	const struct pv_site *other;	/* PV_ERR_OVERLAP: the earlier site it
					 * overlaps; else 0 */
	int err;			/* enum pv_patch_err */
	const char *reason;
};

/*
 * Patches [start, end).  scratch must hold PV_SITE_MAX_LEN bytes per
 * record.  Returns PV_OK, or the error with *fail filled.
 */
int pv_apply(const struct pv_site *start, const struct pv_site *end,
	     void *const *table, pv_decide_fn *decide, void *ctx,
	     uint8_t *scratch, struct pv_report *rep, struct pv_apply_fail *fail);

#endif
