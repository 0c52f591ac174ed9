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
 * How the pass writes one site while an NMI or exception might run it
 * (Linux's text_poke_bp, on one CPU): publish the site in addr, write
 * int3 over its first byte, then the rest of the new bytes, then the new
 * first byte, then clear addr.  At any instant the site is either whole
 * (old or new) or starts with int3; the kernel's #BP handler calls
 * pv_poke_bp(), which sends a hit on the site being written to tramp:
 * the site's new bytes laid out for that address, then a jump back
 * behind the site.  The kernel provides tramp (PV_POKE_TRAMP_LEN bytes
 * of executable, writable memory within rel32 reach of the text, the op
 * table and any call target).
 */
#define PV_POKE_TRAMP_LEN	(PV_SITE_MAX_LEN + 5)
#define PV_INT3			0xcc

struct pv_poke {
	volatile uint64_t addr;		/* the site being written, 0 if none */
	uint8_t *tramp;			/* where a #BP on it resumes */
	volatile unsigned hits;		/* #BPs sent to tramp so far */
	/* Tests only: called after each of steps 1 (int3 written) and 2
	 * (the rest written), with the site in flux. */
	void (*hook)(void *arg, const struct pv_site *s, int step);
	void *arg;
};

/*
 * Patches [start, end).  scratch must hold PV_SITE_MAX_LEN bytes per
 * record.  Each site is written as struct pv_poke describes, then every
 * site is re-read and compared with bytes computed afresh from its record
 * and decision (not with scratch, which the write copied from).  Returns
 * PV_OK, or the error with *fail filled.
 */
int pv_apply(const struct pv_site *start, const struct pv_site *end,
	     void *const *table, pv_decide_fn *decide, void *ctx,
	     uint8_t *scratch, struct pv_report *rep, struct pv_poke *poke,
	     struct pv_apply_fail *fail);

/*
 * Writes new bytes to one site through the int3 sequence above; tramp
 * must already hold the site's relocated bytes (pv_poke_tramp).
 */
void pv_poke_site(struct pv_poke *poke, const struct pv_site *s, const uint8_t *bytes);

/* Lays out the new bytes of site s (decision d) at poke->tramp, then a
 * jump back behind the site.  PV_OK or the patcher's refusal. */
int pv_poke_tramp(struct pv_poke *poke, const struct pv_site *s,
		  const struct pv_decision *d, uint64_t slot, const char **why);

/*
 * For the #BP handler: rip is the address after the int3 that trapped.
 * Returns where to resume (poke->tramp) when that int3 is the first byte
 * of the site being written, else 0 (not ours).
 */
uint64_t pv_poke_bp(struct pv_poke *poke, uint64_t rip);

#endif
