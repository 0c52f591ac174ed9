/*
 * patch.h: the pure patch function, the NOP table and the patch decisions.
 *
 * The patcher never touches kernel text itself.  The caller copies a
 * site's current bytes into a buffer, asks pv_patch_site() to compute the
 * new bytes in that buffer (or refuse, leaving it untouched), writes the
 * buffer to the text in one go, and re-reads the text with
 * pv_site_check().  Nothing here depends on libc; the same code runs in
 * the kernel and in host unit tests.
 */
#ifndef PVOPS_PATCH_H
#define PVOPS_PATCH_H

#include <stddef.h>
#include <stdint.h>
#include <pvops/site.h>
#include <pvops/inline.h>

/* What to put at a site.  Zero is deliberately not a kind. */
enum pv_kind {
	PV_NATIVE = 1,	/* inline bytes (a native template) */
	PV_CALL = 2,	/* e8 rel32: direct call to target */
	PV_JUMP = 3,	/* e9 rel32: jump to target (ops that never return) */
	PV_NOP = 4,	/* remove the site: NOPs only */
	PV_INLINE = 5,	/* a ROM's inline answer (ABI 1.2) where it fits the
			 * site, else the CALL to target (inline.h) */
};
#define PV_KIND_COUNT 6		/* kinds are 1..PV_KIND_COUNT-1 */

struct pv_decision {
	int kind;		/* enum pv_kind */
	uint16_t clobbers;	/* PV_REG_* the bytes or the target clobber */
	uint8_t len;		/* PV_NATIVE: number of bytes */
	const uint8_t *bytes;	/* PV_NATIVE: the bytes to inline */
	uint64_t target;	/* PV_CALL, PV_JUMP, PV_INLINE's fallback */
	const struct pv_inline *inl;	/* PV_INLINE: the answer */
};

/* Why a patch was refused; pv_patch_strerror() gives the sentence. */
enum pv_patch_err {
	PV_OK = 0,
	PV_ERR_ARG,		/* a null pointer argument */
	PV_ERR_OP,		/* op id unknown */
	PV_ERR_RECORD,		/* record malformed (length, flags, rsp, wrap) */
	PV_ERR_STALE,		/* site bytes are not the recorded call */
	PV_ERR_KIND,		/* decision kind unknown */
	PV_ERR_DECISION,	/* NATIVE decision without bytes */
	PV_ERR_RESULT,		/* NOP for an op that produces a result */
	PV_ERR_RETURNS,		/* JUMP for an op that returns */
	PV_ERR_SHORT,		/* chosen bytes longer than the site */
	PV_ERR_CLOBBER,		/* target clobbers more than the site allows */
	PV_ERR_REACH,		/* target out of rel32 reach */
	PV_ERR_VERIFY,		/* re-read bytes differ from the intended ones */
	PV_ERR_OVERLAP,		/* two records cover the same bytes */
	PV_ERR_COUNT
};

/* Longest single NOP instruction in the table (Intel SDM, table 4-12). */
#define PV_NOP_MAX	9

/* pv_nops[n] holds the recommended n-byte NOP, n = 1..PV_NOP_MAX. */
extern const uint8_t pv_nops[PV_NOP_MAX + 1][PV_NOP_MAX];

/*
 * Fill p[0..n) with NOPs: the longest recommended form first, repeated,
 * then the one form for the remainder (as Linux's add_nops()), so 10..15
 * bytes are two instructions (9 + 1..6) and no form stacks 0x66 prefixes.
 */
void pv_nop_fill(uint8_t *p, size_t n);

/* The padding the patcher writes after a site's bytes: pv_nop_fill up to
 * PV_NOP_MAX bytes, beyond that a short jump over NOPs (one instruction
 * on the path; the irq sites are long, ROM ABI 1.2). */
void pv_pad_fill(uint8_t *p, size_t n);

/*
 * Compute the patched bytes of one site.  buf holds the site's current
 * site->len bytes (the unpatched call); slot is the address of the op
 * table slot that call must go through (checked, so a stale record is
 * caught).  On success buf holds the new bytes and PV_OK is returned; on
 * refusal buf is untouched, the error is returned and *reason (if reason
 * is not null) points to a static sentence.
 */
int pv_patch_site(uint8_t *buf, const struct pv_site *site,
		  const struct pv_decision *d, uint64_t slot,
		  const char **reason);

/*
 * After writing: does the text at `at` hold the intended len bytes?
 * PV_OK or PV_ERR_VERIFY (or PV_ERR_ARG), with *reason as above.
 */
int pv_site_check(const uint8_t *at, const uint8_t *intended, size_t len,
		  const char **reason);

/*
 * Do two records in [start, end) cover a common byte?  Then patching both
 * would let the second write corrupt the first site, so the whole pass is
 * refused.  Returns 1 with *first (the earlier record) and *second set to
 * the first such pair found, else 0.  Linear for records in ascending
 * address order (the linker's usual output), quadratic otherwise.
 */
int pv_sites_overlap(const struct pv_site *start, const struct pv_site *end,
		     const struct pv_site **first, const struct pv_site **second);

/* Is p[0..site->len) the unpatched call through slot?  1 or 0. */
int pv_site_unpatched(const uint8_t *p, const struct pv_site *site,
		      uint64_t slot);

/* The sentence for an error code ("unknown error" if out of range). */
const char *pv_patch_strerror(int err);

/* The kind's report word ("inline", "call", "jump", "nop", "rom-inline")
 * or "?". */
const char *pv_kind_name(int kind);

/* What decision d puts at site s: d's kind, except a PV_INLINE answer
 * that cannot go into s, which gets its CALL (PV_CALL).  *why (if not
 * null) says why not (an enum pv_inline_why). */
int pv_site_kind(const struct pv_site *s, const struct pv_decision *d, int *why);

#endif
