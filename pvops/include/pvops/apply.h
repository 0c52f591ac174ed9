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

/*
 * The adapters of sites in the compiler's registers (PV_SITE_F_REGS):
 * one per op and register combination, emitted by the wrappers
 * (pvops.h) into COMDAT groups, so the linker keeps one of each.  The
 * adapter moves the site's operands into the op's convention, calls
 * through the op's table slot (pv_op_table[op]) and moves the result
 * back, preserving every register the site keeps.  The site's unpatched
 * call goes through `adapter` here (ff 15 to this slot); a CALL decision
 * the site cannot take directly (pv_site_fits_abi) becomes a direct call
 * to the adapter, which then reaches the target through the table: the
 * pass refuses it unless table[op] holds that target.
 */
struct pv_slot {
	uint64_t adapter;	/* the unpatched site's call goes here */
	uint16_t op;		/* enum pv_op */
	uint16_t regs;		/* as struct pv_site's */
	uint32_t zero;
} __attribute__((packed, aligned(8)));
_Static_assert(sizeof(struct pv_slot) == 16, "pv_slot is 16 bytes");

/* The image's slots, sorted by pv_slots_sort (the kernel: linker-script
 * symbols __pv_slots_start/__pv_slots_end, section .pv_slots). */
struct pv_slots {
	const struct pv_slot **sorted;	/* n pointers, by (op, regs) */
	size_t n;
};
extern struct pv_slots pv_slots;

/* Fills ix with the slots in [start, end), sorted into storage (room for
 * end - start pointers); the pass looks sites' slots up there.  Returns
 * 0, or -1 if two slots share an op and registers (the COMDAT groups
 * were not merged: the linker script must keep .pv_slots whole). */
int pv_slots_sort(struct pv_slots *ix, const struct pv_slot *start,
		  const struct pv_slot *end, const struct pv_slot **storage);

/* The slot of an F_REGS site in ix, or 0. */
const struct pv_slot *pv_slot_find(const struct pv_slots *ix, const struct pv_site *s);

/*
 * The slot site s's unpatched call goes through: its adapter's slot (an
 * F_REGS site) or table[s->op]; 0 if an F_REGS site has no slot.  For a
 * pass that puts sites back in their unpatched form.
 */
uint64_t pv_site_slot(const struct pv_site *s, void *const *table);

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
