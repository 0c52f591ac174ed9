/*
 * operands.h: each op's operands, for sites in the compiler's registers
 * (PV_SITE_F_REGS, site.h).
 *
 * The native instruction of an op names its operands in some order
 * (`mov %rsi,(%rdi)`: the entry pointer, then the value).  A site of the
 * op in the native convention records, for each operand the compiler
 * chose, the register it chose; under the op's call convention (ops.h,
 * the ROM ABI) the same operand travels in a fixed register.  This table
 * says which is which, so the patcher can write the native instruction in
 * the site's registers and an adapter can move them into the convention.
 * Pure data and small functions; no libc.
 */
#ifndef PVOPS_OPERANDS_H
#define PVOPS_OPERANDS_H

#include <stdint.h>
#include <pvops/ops.h>
#include <pvops/site.h>

enum pv_opnd_role {
	PV_OPND_IN = 0,		/* read by the op */
	PV_OPND_OUT = 1,	/* written: the op's result (rax in the ABI) */
	PV_OPND_SCRATCH = 2,	/* written: scratch of the native form only */
};

struct pv_operands {
	uint8_t n;			/* operands, 0..PV_SITE_MAX_OPERANDS */
	uint8_t chosen;			/* 1: the compiler chooses them (F_REGS
					 * sites record them); 0: fixed */
	uint8_t role[PV_SITE_MAX_OPERANDS];	/* enum pv_opnd_role */
	int8_t abi[PV_SITE_MAX_OPERANDS];	/* register under the op's
						 * convention, -1 none */
};

extern const struct pv_operands pv_operands[PV_OP_COUNT];

/* The registers an F_REGS site of s->op in registers s->regs lets a
 * target clobber: its written operands.  Also the adapter's clobbers. */
uint16_t pv_site_native_clobbers(const struct pv_site *s);

/* Is the F_REGS part of the record sane (no flag: regs 0; flag: every
 * recorded register a real one other than rsp, unused nibbles 0)? */
int pv_site_regs_ok(const struct pv_site *s);

/* May a call to a target of the op's convention that clobbers
 * `clobbers` sit at s directly, without an adapter?  Only if every
 * operand already is where the convention wants it and the target
 * clobbers nothing the site keeps. */
int pv_site_fits_abi(const struct pv_site *s, uint16_t clobbers);

#endif
