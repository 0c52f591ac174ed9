/*
 * inline.h: a ROM's inline answer (ROM ABI 1.2, SPEC.md 9.1) as the
 * patcher sees it, and laying it out at one site.
 *
 * The ROM side has already been checked (vmi-rom/inline.c: instruction
 * subset, no control flow leaving, privileged only where native-safe,
 * writes within the declared clobbers) and turned into this plan: the
 * bytes, where the fixups go with their values resolved, and which
 * register fields hold which operand.  What depends on the site is
 * decided here: does it fit, can its operands be renamed to the site's
 * registers, do the clobbers then fit the site.  A site where the answer
 * cannot go gets the answer's CALL instead: never a wrong patch.
 * Freestanding, no libc; the kernel and host tests share it.
 */
#ifndef PVOPS_INLINE_H
#define PVOPS_INLINE_H

#include <stddef.h>
#include <stdint.h>
#include <pvops/site.h>

#define PV_INLINE_MAX		32	/* bytes */
#define PV_INLINE_FIX_MAX	8
#define PV_INLINE_REF_MAX	16
#define PV_INLINE_OPERANDS	3

enum pv_fix_kind {
	PV_FIX_REL32 = 1,	/* 4 bytes: target - (site + end) */
	PV_FIX_BYTES = 2,	/* size bytes of value, little-endian */
};

struct pv_inline_fix {
	uint8_t kind, at, size, end;	/* end: PV_FIX_REL32's instruction end */
	uint64_t value;			/* absolute target, or the bytes */
};

/* A ModRM register field holding operand `operand`. */
struct pv_inline_ref {
	uint8_t operand, modrm, rex;
	uint8_t field;			/* 0 ModRM.reg / REX.R, 1 ModRM.rm / REX.B */
};

struct pv_inline {
	const uint8_t *code;
	uint8_t len, nfix, nrefs;
	uint16_t clobbers;		/* declared, in the ROM's registers */
	uint16_t uses;			/* registers used other than by refs */
	int8_t conv[PV_INLINE_OPERANDS];	/* operand k's ROM register, -1 */
	struct pv_inline_fix fix[PV_INLINE_FIX_MAX];
	struct pv_inline_ref ref[PV_INLINE_REF_MAX];
};

/* Why an answer does not go into a site (the site then gets the CALL). */
enum pv_inline_why {
	PV_INL_OK = 0,
	PV_INL_LONG,		/* longer than the site */
	PV_INL_REG,		/* an operand elsewhere and not renamable */
	PV_INL_COLLIDE,		/* renaming would meet a register in use */
	PV_INL_CLOBBER,		/* clobbers the site does not allow */
	PV_INL_REACH,		/* a data-area fixup beyond rel32 */
	PV_INL_WHY_COUNT
};

/*
 * Lay out answer a for site s at out[0..a->len) (registers renamed,
 * fixups written for s->addr).  Returns PV_INL_OK, or why not (out is
 * then unspecified).
 */
int pv_inline_emit(const struct pv_inline *a, const struct pv_site *s, uint8_t *out);

const char *pv_inline_why_str(int why);

#endif
