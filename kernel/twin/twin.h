/*
 * twin.h: pairs of op probes, paravirtualized and native (twin_body.h),
 * each with its end, one pair per op.
 */
#ifndef TWIN_H
#define TWIN_H

#include <stdint.h>
#include <pvops/ops.h>

struct twin {
	const char *name;		/* NULL: the op has no probe */
	const uint8_t *pv, *pv_end;	/* [pv, pv_end): the patched probe */
	const uint8_t *nat, *nat_end;	/* the never-paravirtualized one */
};

extern const struct twin twins[PV_OP_COUNT];

/* Probes of several ops in registers the compiler picks; a zero entry
 * ends the table. */
extern const struct twin twins_mixed[];

#endif
