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

#endif
