/*
 * templates.h: what a boot without a hypervisor ROM puts at each op's sites.
 *
 * For every op whose native form fits a site, the bytes of its native
 * instruction(s) and the registers they clobber (a PV_NATIVE decision).
 * Ops that do nothing on bare metal (lazy MMU mode, page-table page
 * alloc/release) are removed (PV_NOP); ops that need C on bare metal
 * (time, console, power) become direct calls (PV_CALL) to the native C
 * function, whose address only the kernel knows.  tests/unit/test_patch.c
 * compares every byte against the assembler's encoding of the same
 * instructions (tests/unit/native_insns.S), so this table cannot drift.
 */
#ifndef NATIVE_TEMPLATES_H
#define NATIVE_TEMPLATES_H

#include <stdint.h>
#include <pvops/ops.h>
#include <pvops/patch.h>

/* Longest template; fits the 6-byte unpatched site. */
#define NAT_TEMPLATE_MAX	6

struct nat_template {
	int kind;		/* PV_NATIVE, PV_NOP or PV_CALL */
	uint8_t len;		/* PV_NATIVE: bytes used in bytes[] */
	uint16_t clobbers;	/* PV_NATIVE: PV_REG_* the bytes clobber */
	uint8_t bytes[NAT_TEMPLATE_MAX];
	const char *text;	/* the instruction(s), for reports */
};

extern const struct nat_template nat_templates[PV_OP_COUNT];

/*
 * The no-ROM decision for op into *d: NATIVE with the template bytes, NOP,
 * or CALL to call_target (the native C function; the caller supplies it,
 * ignored for other kinds).  Returns 0, or -1 for an unknown op.
 */
int nat_decide(unsigned op, uint64_t call_target, struct pv_decision *d);

/*
 * The op's native instruction for site s in the site's registers
 * (pv_site_reg: the compiler's for a PV_SITE_F_REGS site, else the
 * op's convention), into out (room for NAT_ENCODE_MAX bytes):
 *   NAT_SHORT  the assembler's usual encoding, as the never-
 *              paravirtualized build holds it;
 *   NAT_LONG   the longest without prefixes: a memory operand with a
 *              32-bit zero displacement (`{disp32}`); register-only
 *              instructions have no longer form and give the short one;
 *   NAT_FIT    the long form if it fits s->len, else the short one.
 * Returns the length (0 for ops that are nothing natively: lazy MMU
 * mode, page-table announcements), or -1 for ops with no native
 * instruction (time, console, power) or bad arguments.
 */
enum { NAT_SHORT, NAT_LONG, NAT_FIT };
#define NAT_ENCODE_MAX	16
struct pv_site;
int nat_encode(const struct pv_site *s, int form, uint8_t *out);

#endif
