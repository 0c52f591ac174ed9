/*
 * inline_decode.c: the x86-64 decoder of inline answers (SPEC.md 9.1).
 *
 * Not a general decoder: it knows the subset a ROM may inline (moves,
 * arithmetic, tests, bit ops, setcc/cmovcc, push/pop, local jumps, and
 * the privileged instructions a native-safe answer may hold) and calls
 * everything else unknown, which the check refuses.  For each
 * instruction it reports its length, its class, where its displacement
 * and immediate are, which register fields can be renamed, and which
 * registers it touches and writes -- what the check and the patcher
 * need, nothing more.
 */
#include "inline.h"

#define R(r) ((uint16_t)(1u << (r)))
#define RAX 0
#define RCX 1
#define RDX 2
#define RBX 3
#define RSP 4

/* Decoding state of one instruction. */
struct dec {
	const uint8_t *p;
	size_t n, pos;
	uint8_t rex;		/* 0 if none */
	bool opsize, lock;
	struct vmi_insn *in;
};

static bool more(struct dec *d, size_t k)
{
	return d->pos + k <= d->n && d->pos + k <= 15;
}

/* Opcode flags, what one table row says about an instruction. */
enum {
	F_M = 1 << 0,		/* has ModRM */
	F_I8 = 1 << 1,		/* imm8 */
	F_IZ = 1 << 2,		/* imm16 (0x66) or imm32 */
	F_B = 1 << 3,		/* byte operands (reg and rm) */
	F_WREG = 1 << 4,	/* writes ModRM.reg */
	F_WRM = 1 << 5,		/* writes ModRM.rm */
	F_LOCK = 1 << 6,	/* may take lock (with a memory destination) */
	F_NOREG = 1 << 7,	/* ModRM.reg is an opcode extension */
	F_REGCTL = 1 << 8,	/* ModRM.reg is a control/debug register */
	F_MEM = 1 << 9,		/* ModRM must be memory */
	F_RMB = 1 << 10,	/* rm alone is a byte operand (movzx) */
};

/* A general register in a byte-sized field: without REX, 4..7 are
 * ah, ch, dh, bh: bits of rax..rbx that cannot be renamed. */
static int byte_reg(struct dec *d, int r, bool *fixed)
{
	*fixed = false;
	if (!d->rex && r >= 4 && r < 8) {
		*fixed = true;
		return r - 4;
	}
	return r;
}

/* ModRM, SIB and displacement; records register references. */
static bool modrm(struct dec *d, unsigned f)
{
	struct vmi_insn *in = d->in;
	if (!more(d, 1))
		return false;
	uint8_t m = d->p[d->pos];
	in->modrm = (int8_t)d->pos++;
	unsigned mod = m >> 6, reg = (m >> 3) & 7, rm = m & 7;
	if (!(f & (F_NOREG | F_REGCTL))) {
		bool fx;
		int r = (int)(reg | ((d->rex & 4) ? 8 : 0));
		if (f & F_B)
			r = byte_reg(d, r, &fx);
		else
			fx = false;
		if (fx)
			in->fixed |= R(r);
		else
			in->reg_gpr = (int8_t)r;
		if (f & F_WREG)
			in->writes |= R(r);
	}
	if (mod == 3) {
		if ((f & F_MEM) || d->lock)	/* lock needs a memory destination */
			return false;
		bool fx = false;
		int r = (int)(rm | ((d->rex & 1) ? 8 : 0));
		if (f & (F_B | F_RMB))
			r = byte_reg(d, r, &fx);
		if (fx)
			in->fixed |= R(r);
		else
			in->rm_gpr = (int8_t)r;
		if (f & F_WRM)
			in->writes |= R(r);
		return true;
	}
	if (d->lock && !(f & F_LOCK))
		return false;
	unsigned dlen = mod == 1 ? 1 : mod == 2 ? 4 : 0;
	if (rm == 4) {				/* SIB */
		if (!more(d, 1))
			return false;
		uint8_t s = d->p[d->pos++];
		unsigned idx = ((s >> 3) & 7) | ((d->rex & 2) ? 8 : 0);
		unsigned base = (s & 7) | ((d->rex & 1) ? 8 : 0);
		if (idx != RSP)
			in->fixed |= R(idx);
		if ((s & 7) == 5 && mod == 0)
			dlen = 4;		/* no base, disp32 */
		else
			in->fixed |= R(base);
	} else if (rm == 5 && mod == 0) {
		in->riprel = true;
		dlen = 4;
	} else {
		in->fixed |= R(rm | ((d->rex & 1) ? 8 : 0));
	}
	if (dlen) {
		if (!more(d, dlen))
			return false;
		in->disp = (int8_t)d->pos;
		in->disp_len = (uint8_t)dlen;
		d->pos += dlen;
	}
	return true;
}

static bool imm(struct dec *d, unsigned len)
{
	if (!more(d, len))
		return false;
	d->in->imm = (int8_t)d->pos;
	d->in->imm_len = (uint8_t)len;
	d->pos += len;
	return true;
}

static bool rel(struct dec *d, unsigned len)
{
	if (!more(d, len))
		return false;
	const uint8_t *q = d->p + d->pos;
	d->in->rel = len == 1 ? (int8_t)q[0]
	                      : (int32_t)((uint32_t)q[0] | (uint32_t)q[1] << 8 |
	                                  (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24);
	d->in->cls = VMI_INSN_BRANCH;
	d->pos += len;
	return true;
}

/* ModRM then the immediate the flags ask for. */
static bool operands(struct dec *d, unsigned f)
{
	if ((f & F_M) && !modrm(d, f))
		return false;
	if (!(f & F_M) && d->lock)
		return false;
	if (f & F_I8)
		return imm(d, 1);
	if (f & F_IZ)
		return imm(d, d->opsize ? 2 : 4);
	return true;
}

/* The ALU block 0x00-0x3f: add or adc sbb and sub xor cmp. */
static bool alu(struct dec *d, uint8_t op)
{
	bool cmp = (op >> 3) == 7;
	switch (op & 7) {
	case 0: return operands(d, F_M | F_B | (cmp ? 0 : F_WRM | F_LOCK));
	case 1: return operands(d, F_M | (cmp ? 0 : F_WRM | F_LOCK));
	case 2: return operands(d, F_M | F_B | (cmp ? 0 : F_WREG));
	case 3: return operands(d, F_M | (cmp ? 0 : F_WREG));
	case 4: d->in->fixed |= R(RAX); d->in->writes |= cmp ? 0 : R(RAX);
		return operands(d, F_I8);
	case 5: d->in->fixed |= R(RAX); d->in->writes |= cmp ? 0 : R(RAX);
		return operands(d, F_IZ);
	}
	return false;
}

/* The register of a "+r" opcode (push, pop, mov imm): never renamed. */
static int opreg(struct dec *d, uint8_t op)
{
	return (op & 7) | ((d->rex & 1) ? 8 : 0);
}

/* Group opcodes: the ModRM.reg field picks the operation. */
static bool group(struct dec *d, uint8_t op, unsigned sub)
{
	switch (op) {
	case 0x80: return operands(d, F_M | F_B | F_NOREG | F_I8 | (sub == 7 ? 0 : F_WRM | F_LOCK));
	case 0x81: return operands(d, F_M | F_NOREG | F_IZ | (sub == 7 ? 0 : F_WRM | F_LOCK));
	case 0x83: return operands(d, F_M | F_NOREG | F_I8 | (sub == 7 ? 0 : F_WRM | F_LOCK));
	case 0xc0: return sub != 6 && operands(d, F_M | F_B | F_NOREG | F_WRM | F_I8);
	case 0xc1: return sub != 6 && operands(d, F_M | F_NOREG | F_WRM | F_I8);
	case 0xd0: return sub != 6 && operands(d, F_M | F_B | F_NOREG | F_WRM);
	case 0xd1: return sub != 6 && operands(d, F_M | F_NOREG | F_WRM);
	case 0xd2: d->in->fixed |= R(RCX);
		return sub != 6 && operands(d, F_M | F_B | F_NOREG | F_WRM);
	case 0xd3: d->in->fixed |= R(RCX);
		return sub != 6 && operands(d, F_M | F_NOREG | F_WRM);
	case 0xc6: return sub == 0 && operands(d, F_M | F_B | F_NOREG | F_WRM | F_I8);
	case 0xc7: return sub == 0 && operands(d, F_M | F_NOREG | F_WRM | F_IZ);
	case 0xf6:
		if (sub <= 1)
			return operands(d, F_M | F_B | F_NOREG | F_I8);
		return sub <= 3 && operands(d, F_M | F_B | F_NOREG | F_WRM | F_LOCK);
	case 0xf7:
		if (sub <= 1)
			return operands(d, F_M | F_NOREG | F_IZ);
		return sub <= 3 && operands(d, F_M | F_NOREG | F_WRM | F_LOCK);
	case 0xfe: return sub <= 1 && operands(d, F_M | F_B | F_NOREG | F_WRM | F_LOCK);
	case 0xff:
		if (sub <= 1)
			return operands(d, F_M | F_NOREG | F_WRM | F_LOCK);
		if (sub == 6) {			/* push r/m: registers only */
			d->in->stack = 8;
			return operands(d, F_M | F_NOREG);
		}
		if (sub == 7)
			return false;
		d->in->cls = VMI_INSN_LEAVE;	/* call/jmp indirect or far */
		return operands(d, F_M | F_NOREG);
	case 0x8f:				/* pop r/m: registers only */
		d->in->stack = -8;
		return sub == 0 && operands(d, F_M | F_NOREG | F_WRM) && d->in->rm_gpr >= 0;
	}
	return false;
}

/* The one-byte map (after prefixes and REX). */
static bool one_byte(struct dec *d, uint8_t op)
{
	struct vmi_insn *in = d->in;
	unsigned sub = more(d, 1) ? (d->p[d->pos] >> 3) & 7 : 0;

	if (op < 0x40 && (op & 7) < 6)
		return alu(d, op);
	if (op >= 0x50 && op <= 0x5f) {
		int r = opreg(d, op);
		in->fixed |= R(r);
		in->stack = op < 0x58 ? 8 : -8;
		if (op >= 0x58)
			in->writes |= R(r);
		return !d->lock && r != RSP;
	}
	if (op >= 0x70 && op <= 0x7f)
		return !d->lock && rel(d, 1);
	if (op >= 0xb0 && op <= 0xb7) {
		bool fx;
		int r = byte_reg(d, opreg(d, op), &fx);
		in->fixed |= R(r);
		in->writes |= R(r);
		return operands(d, F_I8);
	}
	if (op >= 0xb8 && op <= 0xbf) {
		int r = opreg(d, op);
		in->fixed |= R(r);
		in->writes |= R(r);
		return (d->rex & 8) ? imm(d, 8) : operands(d, F_IZ);
	}
	switch (op) {
	case 0x63: return operands(d, F_M | F_WREG);
	case 0x69: return operands(d, F_M | F_WREG | F_IZ);
	case 0x6b: return operands(d, F_M | F_WREG | F_I8);
	case 0x80: case 0x81: case 0x83: case 0xc0: case 0xc1: case 0xc6:
	case 0xc7: case 0xd0: case 0xd1: case 0xd2: case 0xd3: case 0xf6:
	case 0xf7: case 0xfe: case 0xff: case 0x8f:
		return group(d, op, sub);
	case 0x84: return operands(d, F_M | F_B);
	case 0x85: return operands(d, F_M);
	case 0x86: return operands(d, F_M | F_B | F_WREG | F_WRM | F_LOCK);
	case 0x87: return operands(d, F_M | F_WREG | F_WRM | F_LOCK);
	case 0x88: return operands(d, F_M | F_B | F_WRM);
	case 0x89: return operands(d, F_M | F_WRM);
	case 0x8a: return operands(d, F_M | F_B | F_WREG);
	case 0x8b: return operands(d, F_M | F_WREG);
	case 0x8d: return operands(d, F_M | F_MEM | F_WREG);
	case 0x90: return !(d->rex & 1) && operands(d, 0);
	case 0x98: in->fixed |= R(RAX); in->writes |= R(RAX); return operands(d, 0);
	case 0x99: in->fixed |= R(RAX) | R(RDX); in->writes |= R(RDX); return operands(d, 0);
	case 0x9c: in->stack = 8; return operands(d, 0);
	case 0x9d: in->stack = -8; in->cls = VMI_INSN_PRIV; return operands(d, 0);
	case 0xa8: in->fixed |= R(RAX); return operands(d, F_I8);
	case 0xa9: in->fixed |= R(RAX); return operands(d, F_IZ);
	case 0xeb: return !d->lock && rel(d, 1);
	case 0xe9: return !d->lock && rel(d, 4);
	case 0xe4: case 0xe5:
		in->fixed |= R(RAX); in->writes |= R(RAX); in->cls = VMI_INSN_PRIV;
		return operands(d, F_I8);
	case 0xe6: case 0xe7:
		in->fixed |= R(RAX); in->cls = VMI_INSN_PRIV;
		return operands(d, F_I8);
	case 0xec: case 0xed:
		in->fixed |= R(RAX) | R(RDX); in->writes |= R(RAX); in->cls = VMI_INSN_PRIV;
		return operands(d, 0);
	case 0xee: case 0xef:
		in->fixed |= R(RAX) | R(RDX); in->cls = VMI_INSN_PRIV;
		return operands(d, 0);
	case 0xf4: case 0xfa: case 0xfb:
		in->cls = VMI_INSN_PRIV;
		return operands(d, 0);
	case 0xf5: case 0xf8: case 0xf9: case 0xfc:
		return operands(d, 0);
	case 0xe8: case 0xc3: case 0xcb: case 0xcc: case 0xce: case 0xcf:
		in->cls = VMI_INSN_LEAVE;
		return operands(d, op == 0xe8 ? F_IZ : 0);
	case 0xc2: case 0xca:
		in->cls = VMI_INSN_LEAVE;
		return imm(d, 2);
	case 0xcd:
		in->cls = VMI_INSN_LEAVE;
		return operands(d, F_I8);
	}
	return false;
}

/* The 0x0f map. */
static bool two_byte(struct dec *d, uint8_t op)
{
	struct vmi_insn *in = d->in;
	unsigned sub = more(d, 1) ? (d->p[d->pos] >> 3) & 7 : 0;
	unsigned mod = more(d, 1) ? d->p[d->pos] >> 6 : 0;

	if (op >= 0x40 && op <= 0x4f)
		return operands(d, F_M | F_WREG);
	if (op >= 0x80 && op <= 0x8f)
		return !d->lock && rel(d, 4);
	if (op >= 0x90 && op <= 0x9f)
		return operands(d, F_M | F_B | F_NOREG | F_WRM);
	switch (op) {
	case 0x00:				/* lldt, ltr */
		in->cls = VMI_INSN_PRIV;
		return (sub == 2 || sub == 3) && operands(d, F_M | F_NOREG);
	case 0x01:				/* lgdt, lidt, invlpg */
		in->cls = VMI_INSN_PRIV;
		return (sub == 2 || sub == 3 || sub == 7) && mod != 3 &&
		       operands(d, F_M | F_NOREG);
	case 0x05: case 0x07: case 0x0b: case 0x34: case 0x35:
		in->cls = VMI_INSN_LEAVE;	/* syscall, sysret, ud2, sysenter/exit */
		return operands(d, 0);
	case 0x08: case 0x09:
		in->cls = VMI_INSN_PRIV;
		return operands(d, 0);
	case 0x1f: return sub == 0 && operands(d, F_M | F_NOREG);
	case 0x20: case 0x21:			/* mov from cr/dr */
		in->cls = VMI_INSN_PRIV;
		return mod == 3 && operands(d, F_M | F_REGCTL | F_WRM);
	case 0x22: case 0x23:			/* mov to cr/dr */
		in->cls = VMI_INSN_PRIV;
		return mod == 3 && operands(d, F_M | F_REGCTL);
	case 0x30:
		in->fixed |= R(RAX) | R(RCX) | R(RDX); in->cls = VMI_INSN_PRIV;
		return operands(d, 0);
	case 0x32:
		in->fixed |= R(RAX) | R(RCX) | R(RDX); in->writes |= R(RAX) | R(RDX);
		in->cls = VMI_INSN_PRIV;
		return operands(d, 0);
	case 0xa2:
		in->fixed |= R(RAX) | R(RBX) | R(RCX) | R(RDX);
		in->writes |= R(RAX) | R(RBX) | R(RCX) | R(RDX);
		in->cls = VMI_INSN_PRIV;
		return operands(d, 0);
	case 0xa3: return operands(d, F_M);
	case 0xab: case 0xb3: case 0xbb: return operands(d, F_M | F_WRM | F_LOCK);
	case 0xaf: return operands(d, F_M | F_WREG);
	case 0xb0: case 0xb1:
		in->fixed |= R(RAX); in->writes |= R(RAX);
		return operands(d, F_M | F_WRM | F_LOCK | (op == 0xb0 ? F_B : 0));
	case 0xb6: case 0xbe: return operands(d, F_M | F_RMB | F_WREG);
	case 0xb7: case 0xbf: return operands(d, F_M | F_WREG);
	case 0xba:
		if (sub == 4)
			return operands(d, F_M | F_NOREG | F_I8);
		return sub > 4 && operands(d, F_M | F_NOREG | F_WRM | F_I8 | F_LOCK);
	case 0xc0: case 0xc1:
		return operands(d, F_M | F_WREG | F_WRM | F_LOCK | (op == 0xc0 ? F_B : 0));
	}
	return false;
}

enum vmi_status vmi_insn_decode(const uint8_t *p, size_t n, struct vmi_insn *in)
{
	struct dec d = { .p = p, .n = n, .in = in };
	*in = (struct vmi_insn){ .rex = -1, .modrm = -1, .disp = -1, .imm = -1,
	                         .reg_gpr = -1, .rm_gpr = -1 };
	for (;;) {				/* legacy prefixes: 0x66, lock */
		if (!more(&d, 1))
			return VMI_ST_INLINE_INSN;
		uint8_t b = p[d.pos];
		if (b == 0x66 && !d.opsize)
			d.opsize = true;
		else if (b == 0xf0 && !d.lock)
			d.lock = true;
		else
			break;
		d.pos++;
	}
	if ((p[d.pos] & 0xf0) == 0x40) {
		d.rex = p[d.pos];
		in->rex = (int8_t)d.pos++;
	}
	if (!more(&d, 1))
		return VMI_ST_INLINE_INSN;
	uint8_t op = p[d.pos++];
	bool ok;
	if (op == 0x0f) {
		if (!more(&d, 1))
			return VMI_ST_INLINE_INSN;
		op = p[d.pos++];
		ok = two_byte(&d, op);
	} else {
		ok = one_byte(&d, op);
	}
	if (!ok)
		return VMI_ST_INLINE_INSN;
	in->len = (uint8_t)d.pos;
	if (in->stack)
		in->fixed |= R(RSP);
	return VMI_ST_OK;
}
