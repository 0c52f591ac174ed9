/*
 * encode.c: the native instruction of an op, in the registers a site
 * recorded (pvops/operands.h), in two encodings:
 *
 *  - short: what the GNU assembler emits for it, so what the
 *    never-paravirtualized build holds at the same place;
 *  - long: the same instruction with a 32-bit zero displacement in place
 *    of none or an 8-bit one (`{disp32}`), for instructions with a memory
 *    operand.  It fills a longer site with one instruction and no prefix.
 *    Register-only instructions have no longer form: long = short.
 *
 * tests/unit/native_regs.S assembles both for every register combination
 * and tests/unit/test_patch.c compares them with these.  Pure, no libc.
 */
#include <native/templates.h>
#include <pvops/operands.h>

enum { LONG_FORM = 1 };

struct enc {
	uint8_t *p;
	int n;
};

static void put(struct enc *e, uint8_t b)
{
	e->p[e->n++] = b;
}

/* REX for a ModRM reg field r and rm/base field b, with W; none if 0x40. */
static void rex(struct enc *e, int w, int r, int b)
{
	uint8_t x = (uint8_t)(0x40 | (w ? 8 : 0) | ((r >> 3) << 2) | (b >> 3));
	if (x != 0x40)
		put(e, x);
}

/* ModRM (+SIB, +displacement) for the memory operand (%base), reg field
 * reg.  rsp/r12 as base need a SIB byte; rbp/r13 need a displacement. */
static void mem(struct enc *e, int reg, int base, int form)
{
	int low = base & 7;
	int mod = form == LONG_FORM ? 2 : low == 5 ? 1 : 0;

	put(e, (uint8_t)(mod << 6 | (reg & 7) << 3 | low));
	if (low == 4)
		put(e, 0x24);		/* SIB: no index, base = rsp/r12 */
	for (int i = 0; i < (mod == 2 ? 4 : mod); i++)
		put(e, 0);
}

/* mov %crN,%reg (0f 20) or mov %reg,%crN (0f 22): 64-bit, no REX.W. */
static void movcr(struct enc *e, uint8_t opc, int crn, int reg)
{
	rex(e, 0, 0, reg);
	put(e, 0x0f);
	put(e, opc);
	put(e, (uint8_t)(0xc0 | crn << 3 | (reg & 7)));
}

/* Group 7 (0f 01 /digit) on (%base): lgdt /2, lidt /3, invlpg /7. */
static void grp7(struct enc *e, int digit, int base, int form)
{
	rex(e, 0, 0, base);
	put(e, 0x0f);
	put(e, 0x01);
	mem(e, digit, base, form);
}

static int cr_of(unsigned op)
{
	switch (op) {
	case PV_OP_READ_CR0: case PV_OP_WRITE_CR0: return 0;
	case PV_OP_READ_CR2: return 2;
	case PV_OP_READ_CR3: case PV_OP_WRITE_CR3: case PV_OP_FLUSH_TLB: return 3;
	default: return 4;
	}
}

static int encode(unsigned op, const int *r, int form, struct enc *e)
{
	switch (op) {
	case PV_OP_SAVE_FL:		/* pushfq; popq %r0 */
		put(e, 0x9c);
		rex(e, 0, 0, r[0]);
		put(e, (uint8_t)(0x58 | (r[0] & 7)));
		return 0;
	case PV_OP_RESTORE_FL:		/* pushq %r0; popfq */
		rex(e, 0, 0, r[0]);
		put(e, (uint8_t)(0x50 | (r[0] & 7)));
		put(e, 0x9d);
		return 0;
	case PV_OP_READ_CR0: case PV_OP_READ_CR2:
	case PV_OP_READ_CR3: case PV_OP_READ_CR4:
		movcr(e, 0x20, cr_of(op), r[0]);
		return 0;
	case PV_OP_WRITE_CR0: case PV_OP_WRITE_CR4: case PV_OP_WRITE_CR3:
		movcr(e, 0x22, cr_of(op), r[0]);
		return 0;
	case PV_OP_FLUSH_TLB:
		movcr(e, 0x20, 3, r[0]);
		movcr(e, 0x22, 3, r[0]);
		return 0;
	case PV_OP_LOAD_GDT:
		grp7(e, 2, r[0], form);
		return 0;
	case PV_OP_LOAD_IDT:
		grp7(e, 3, r[0], form);
		return 0;
	case PV_OP_INVLPG:
		grp7(e, 7, r[0], form);
		return 0;
	case PV_OP_LOAD_TR:		/* ltr %r0w: 0f 00 /3 */
		rex(e, 0, 0, r[0]);
		put(e, 0x0f);
		put(e, 0x00);
		put(e, (uint8_t)(0xd8 | (r[0] & 7)));
		return 0;
	case PV_OP_SET_PTE: case PV_OP_SET_PMD:
	case PV_OP_SET_PUD: case PV_OP_SET_P4D:	/* mov %r1,(%r0) */
		rex(e, 1, r[1], r[0]);
		put(e, 0x89);
		mem(e, r[1], r[0], form);
		return 0;
	case PV_OP_DEVICE_NOTIFY:	/* movw %r1w,(%r0) */
		put(e, 0x66);
		rex(e, 0, r[1], r[0]);
		put(e, 0x89);
		mem(e, r[1], r[0], form);
		return 0;
	case PV_OP_PT_ALLOC: case PV_OP_PT_RELEASE:
		return 0;		/* nothing on bare metal */
	}
	return -1;
}

int nat_encode(const struct pv_site *s, int form, uint8_t *out)
{
	const struct pv_operands *o;
	const struct nat_template *t;
	int r[PV_SITE_MAX_OPERANDS] = { 0 };
	struct enc e = { out, 0 };

	if (!s || !out || s->op >= PV_OP_COUNT)
		return -1;
	o = &pv_operands[s->op];
	t = &nat_templates[s->op];
	/* The site's registers, or the convention's (a site without
	 * PV_SITE_F_REGS); flush_tlb's scratch is rax there. */
	for (unsigned k = 0; k < o->n; k++) {
		r[k] = pv_site_reg(s, k);
		if (r[k] < 0)
			r[k] = 0;
	}
	if (encode(s->op, r, form == NAT_SHORT ? 0 : LONG_FORM, &e) != 0) {
		/* Not an operand-taking instruction: the template is it. */
		if (t->kind == PV_NOP)
			return 0;
		if (t->kind != PV_NATIVE)
			return -1;
		for (e.n = 0; e.n < t->len; e.n++)
			out[e.n] = t->bytes[e.n];
		return e.n;
	}
	if (form == NAT_FIT && e.n > s->len) {
		e.n = 0;
		encode(s->op, r, 0, &e);
	}
	return e.n;
}
