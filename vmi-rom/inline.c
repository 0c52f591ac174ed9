/*
 * inline.c: the static check of an inline answer (SPEC.md 9.1), shared
 * by the guest (before it patches anything) and romtool (check, build).
 *
 * The bytes are decoded instruction by instruction with the subset
 * decoder (inline_decode.c); each rule has its own status, so a refusal
 * says exactly what is wrong.  On success the check also returns the
 * "plan": where each fixup goes and which register fields hold a renamed
 * operand, so the patcher itself needs no decoder.
 */
#include "inline.h"

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) |
	       ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static bool range_ok(uint64_t off, uint64_t len, uint64_t limit)
{
	return off <= limit && len <= limit - off;
}

bool vmi_has_inline(const struct vmi_rom_info *info)
{
	return info->hdr.abi_minor >= 2 && (info->hdr.features & VMI_FEAT_INLINE);
}

void vmi_inline_entry(const uint8_t *img, const struct vmi_rom_info *info,
                      uint32_t i, struct vmi_inline *out)
{
	const uint8_t *p = img + info->hdr.inline_offset + (size_t)i * sizeof(*out);
	out->call = rd16(p);
	out->len = p[2];
	out->flags = p[3];
	out->clobbers = rd16(p + 4);
	out->nfix = p[6];
	out->rename = p[7];
	out->code = rd32(p + 8);
	out->fixups = rd32(p + 12);
}

/* The entry's own fields: call, flags, clobbers, where its bytes are. */
static enum vmi_status check_fields(const uint8_t *img, const struct vmi_rom_info *info,
                                    const struct vmi_inline *e)
{
	const struct vmi_call_desc *d = vmi_call_desc(e->call);
	struct vmi_reloc r;

	if (!d || e->call >= info->calls_known ||
	    vmi_table_reloc(img, info, e->call, &r) != VMI_ST_OK ||
	    r.type != VMI_RELOC_CALL)
		return VMI_ST_INLINE_CALL;
	if ((e->flags & ~VMI_INLINE_F_KNOWN) || e->len == 0 ||
	    e->len > VMI_INLINE_MAX || e->nfix > VMI_INLINE_FIX_MAX ||
	    !range_ok(e->code, e->len, info->image_len) ||
	    (e->nfix == 0 && e->fixups != 0) || (e->fixups & 3) ||
	    (e->nfix && (e->fixups == 0 ||
	                 !range_ok(e->fixups, (uint64_t)e->nfix * 8, info->image_len))))
		return VMI_ST_INLINE_ENTRY;
	if ((e->clobbers & ~d->allowed) || (e->clobbers & VMI_REG(VMI_RSP)))
		return VMI_ST_INLINE_CLOBBERS;
	return VMI_ST_OK;
}

/* Decode every instruction; mark their starts; flow, privilege, writes,
 * stack.  starts[o] is 1 where an instruction begins (and at len). */
static enum vmi_status check_insns(const uint8_t *code, const struct vmi_inline *e,
                                   struct vmi_insn *ins, int *count, uint8_t *starts)
{
	int n = 0, depth = 0;
	bool branches = false, stack = false;
	uint16_t writes = 0;

	for (unsigned o = 0; o < e->len; o += ins[n - 1].len) {
		struct vmi_insn *in = &ins[n++];
		if (vmi_insn_decode(code + o, e->len - o, in) != VMI_ST_OK)
			return VMI_ST_INLINE_INSN;
		starts[o] = 1;
		if (in->cls == VMI_INSN_LEAVE)
			return VMI_ST_INLINE_LEAVE;
		if (in->cls == VMI_INSN_PRIV && !(e->flags & VMI_INLINE_F_NATIVE_SAFE))
			return VMI_ST_INLINE_PRIV;
		branches |= in->cls == VMI_INSN_BRANCH;
		stack |= in->stack != 0;
		depth += in->stack;
		if (depth < 0 || depth > 64)
			return VMI_ST_INLINE_STACK;
		writes |= in->writes;
	}
	starts[e->len] = 1;
	if (depth != 0 || (stack && branches))
		return VMI_ST_INLINE_STACK;
	if (writes & ~e->clobbers)
		return VMI_ST_INLINE_WRITES;
	for (int i = 0, o = 0; i < n; o += ins[i++].len) {
		if (ins[i].cls != VMI_INSN_BRANCH)
			continue;
		int64_t t = (int64_t)o + ins[i].len + ins[i].rel;
		if (t < 0 || t > e->len || !starts[t])
			return VMI_ST_INLINE_BRANCH;
	}
	*count = n;
	return VMI_ST_OK;
}

/* The instruction holding byte `at`, its start in *start, or -1. */
static int insn_at(const struct vmi_insn *ins, int n, unsigned at, unsigned *start)
{
	unsigned o = 0;
	for (int i = 0; i < n; o += ins[i++].len)
		if (at >= o && at < o + ins[i].len) {
			*start = o;
			return i;
		}
	return -1;
}

/* Each fixup on its field, its value inside the data area; every
 * RIP-relative operand has one. */
static enum vmi_status check_fixups(const uint8_t *img, const struct vmi_rom_info *info,
                                    const struct vmi_inline *e, const struct vmi_insn *ins,
                                    int n, struct vmi_inline_plan *plan)
{
	uint8_t covered[VMI_INLINE_MAX] = { 0 };

	for (unsigned i = 0; i < e->nfix; i++) {
		const uint8_t *f = img + e->fixups + 8 * i;
		struct vmi_plan_fix *pf = &plan->fix[i];
		unsigned start;
		pf->kind = f[0];
		pf->at = f[1];
		pf->value = rd32(f + 4);
		if (pf->kind == 0 || pf->kind >= VMI_FIX_KINDS || rd16(f + 2))
			return VMI_ST_INLINE_FIX_KIND;
		int k = insn_at(ins, n, pf->at, &start);
		if (k < 0 || covered[pf->at])
			return VMI_ST_INLINE_FIX_FIELD;
		const struct vmi_insn *in = &ins[k];
		if (pf->kind == VMI_FIX_DATA_REL32) {
			if (!in->riprel || (unsigned)in->disp + start != pf->at)
				return VMI_ST_INLINE_FIX_FIELD;
			pf->size = 4;
			pf->end = (uint8_t)(start + in->len);
		} else {
			if (in->imm < 0 || (unsigned)in->imm + start != pf->at ||
			    in->imm_len > 4)
				return VMI_ST_INLINE_FIX_FIELD;
			pf->size = in->imm_len;
		}
		/* REL32: the address it makes; IMM: every byte it reads. */
		if (!range_ok(pf->value, pf->kind == VMI_FIX_DATA_IMM ? pf->size : 1,
		              info->hdr.data_size))
			return VMI_ST_INLINE_FIX_RANGE;
		covered[pf->at] = 1;
	}
	unsigned o = 0;
	for (int i = 0; i < n; o += ins[i++].len)
		if (ins[i].riprel && !covered[o + (unsigned)ins[i].disp])
			return VMI_ST_INLINE_RIPREL;
	plan->nfix = e->nfix;
	return VMI_ST_OK;
}

/* Record a renamable field of operand k (it must carry a REX prefix, so
 * a register of r8-r15 needs no byte more). */
static bool add_ref(struct vmi_inline_plan *plan, const struct vmi_insn *in,
                    unsigned start, unsigned k, uint8_t field)
{
	if (in->rex < 0 || plan->nrefs >= VMI_PLAN_REFS_MAX)
		return false;
	struct vmi_plan_ref *r = &plan->ref[plan->nrefs++];
	r->operand = (uint8_t)k;
	r->modrm = (uint8_t)(start + (unsigned)in->modrm);
	r->rex = (uint8_t)(start + (unsigned)in->rex);
	r->field = field;
	return true;
}

/* Register uses: renamed operands must appear only in ModRM register
 * fields with REX; everything else goes into plan->uses. */
static enum vmi_status check_regs(const struct vmi_inline *e, const struct vmi_insn *ins,
                                  int n, struct vmi_inline_plan *plan)
{
	uint16_t renamed = 0;

	for (unsigned k = 0; k < 8; k++) {
		if (!(e->rename & (1u << k)))
			continue;
		int r = k < VMI_OPERANDS_MAX ? vmi_call_operand(e->call, k) : -1;
		if (r < 0)
			return VMI_ST_INLINE_RENAME;
		renamed |= VMI_REG(r);
	}
	unsigned o = 0;
	for (int i = 0; i < n; o += ins[i++].len) {
		const struct vmi_insn *in = &ins[i];
		if (in->fixed & renamed)
			return VMI_ST_INLINE_RENAME;
		for (unsigned k = 0; k < VMI_OPERANDS_MAX; k++) {
			int r = vmi_call_operand(e->call, k);
			if (r < 0 || !(renamed & VMI_REG(r)))
				continue;
			if (in->reg_gpr == r && !add_ref(plan, in, o, k, 0))
				return VMI_ST_INLINE_RENAME;
			if (in->rm_gpr == r && !add_ref(plan, in, o, k, 1))
				return VMI_ST_INLINE_RENAME;
		}
		plan->uses |= in->fixed;
		if (in->reg_gpr >= 0 && !(renamed & VMI_REG(in->reg_gpr)))
			plan->uses |= VMI_REG(in->reg_gpr);
		if (in->rm_gpr >= 0 && !(renamed & VMI_REG(in->rm_gpr)))
			plan->uses |= VMI_REG(in->rm_gpr);
		plan->writes |= in->writes;
	}
	return VMI_ST_OK;
}

enum vmi_status vmi_check_inline(const uint8_t *img,
                                 const struct vmi_rom_info *info, uint32_t i,
                                 struct vmi_inline_plan *plan)
{
	struct vmi_inline_plan local;
	struct vmi_insn ins[VMI_INLINE_MAX];
	uint8_t starts[VMI_INLINE_MAX + 1] = { 0 };
	struct vmi_inline e;
	int n = 0;
	enum vmi_status st;

	if (!plan)
		plan = &local;
	*plan = (struct vmi_inline_plan){ 0 };
	if (i >= info->hdr.inline_count)
		return VMI_ST_INLINE_BOUNDS;
	vmi_inline_entry(img, info, i, &e);
	st = check_fields(img, info, &e);
	if (st == VMI_ST_OK)
		st = check_insns(img + e.code, &e, ins, &n, starts);
	if (st == VMI_ST_OK)
		st = check_fixups(img, info, &e, ins, n, plan);
	if (st == VMI_ST_OK)
		st = check_regs(&e, ins, n, plan);
	if (st != VMI_ST_OK)
		return st;
	plan->call = e.call;
	plan->code = e.code;
	plan->len = e.len;
	plan->flags = e.flags;
	plan->clobbers = e.clobbers;
	plan->rename = e.rename;
	for (unsigned k = 0; k < VMI_OPERANDS_MAX; k++)
		plan->conv[k] = (int8_t)vmi_call_operand(e.call, k);
	return VMI_ST_OK;
}
