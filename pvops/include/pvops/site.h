/*
 * site.h: the call-site record, one per paravirt call site, in .pv_sites.
 *
 * Every typed wrapper that reaches an op emits an unpatched site
 *
 *	ff 15 <disp32>		call *disp32(%rip)	(the op's table slot)
 *	[NOPs]			optional padding up to the site's length
 *
 * and a 16-byte record describing it into the ELF section ".pv_sites".
 * The linker gathers the records between __pv_sites_start and
 * __pv_sites_end (KEEP them; align the section to 8 or more).  The
 * boot-time patcher (patch.h) reads each record, checks the site still
 * holds that indirect call, and rewrites it.  Layout is fixed: the host
 * report tool reads records straight out of the ELF file.
 */
#ifndef PVOPS_SITE_H
#define PVOPS_SITE_H

#include <stdint.h>

#define PV_SITES_SECTION	".pv_sites"

/* The unpatched site: call *disp32(%rip). */
#define PV_SITE_CALL_OP0	0xff
#define PV_SITE_CALL_OP1	0x15	/* ModRM: /2, rip-relative */
#define PV_SITE_CALL_LEN	6

/* Site lengths the patcher accepts. */
#define PV_SITE_MIN_LEN		PV_SITE_CALL_LEN
#define PV_SITE_MAX_LEN		32

/* No site flags are defined yet; the patcher refuses records that set any. */
#define PV_SITE_FLAGS_KNOWN	0x00

struct pv_site {
	uint64_t addr;		/* address of the site's first byte */
	uint16_t op;		/* enum pv_op */
	uint16_t clobbers;	/* PV_REG_* the site lets a target clobber */
	uint8_t len;		/* site length in bytes, 6..PV_SITE_MAX_LEN */
	uint8_t flags;		/* must be 0 (PV_SITE_FLAGS_KNOWN) */
	uint16_t reserved;	/* must be 0 */
} __attribute__((packed, aligned(8)));

_Static_assert(sizeof(struct pv_site) == 16, "pv_site is 16 bytes");
_Static_assert(__builtin_offsetof(struct pv_site, op) == 8, "op at 8");
_Static_assert(__builtin_offsetof(struct pv_site, clobbers) == 10,
	       "clobbers at 10");
_Static_assert(__builtin_offsetof(struct pv_site, len) == 12, "len at 12");
_Static_assert(__builtin_offsetof(struct pv_site, flags) == 13, "flags at 13");

/*
 * The record in assembler form, for the wrapper macro's inline asm:
 * START and END are labels around the site (e.g. "661b", "662b"), OP and
 * CLOBBERS are assembler expressions (for instance "%c[op]" operands).
 */
#define PV_SITE_RECORD_ASM(start, end, op, clobbers)			\
	".pushsection " PV_SITES_SECTION ", \"a\"\n\t"			\
	".balign 8\n\t"							\
	".quad " start "\n\t"						\
	".short " op "\n\t"						\
	".short " clobbers "\n\t"					\
	".byte " end " - " start "\n\t"					\
	".byte 0\n\t"							\
	".short 0\n\t"							\
	".popsection\n\t"

/* ---- operand registers (contract with the inline-answer patcher) ----
 * Hardware number (0 rax .. 15 r15) of operand k of this site (k = 0 the
 * op's first operand in the native instruction's order: save_fl's result,
 * restore_fl's source, a pte write's pointer, ...), or -1 if the op has
 * no operand k. */
int pv_site_reg(const struct pv_site *s, unsigned k);

/* The records of the running image (provided by the linker script). */
extern const struct pv_site __pv_sites_start[], __pv_sites_end[];

#endif
