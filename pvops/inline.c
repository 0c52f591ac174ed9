/*
 * inline.c: one ROM inline answer laid out at one site (see inline.h).
 *
 * Order: length, then each operand's register (renamed where the answer
 * allows it and the site needs it), then the clobbers as renamed against
 * the site's, then the bytes: copy, rename fields, write fixups.  Every
 * check runs before the first byte, and any "no" leaves the site to the
 * CALL the caller falls back to.
 */
#include <pvops/inline.h>

static const char *const why_text[PV_INL_WHY_COUNT] = {
	[PV_INL_OK] = "ok",
	[PV_INL_LONG] = "inline answer longer than the site",
	[PV_INL_REG] = "operand in another register, not renamable",
	[PV_INL_COLLIDE] = "renamed operand would meet a register the answer uses",
	[PV_INL_CLOBBER] = "inline answer clobbers registers the site keeps",
	[PV_INL_REACH] = "data area out of rel32 reach of the site",
};

const char *pv_inline_why_str(int why)
{
	return why >= 0 && why < PV_INL_WHY_COUNT ? why_text[why] : "?";
}

/* Does the answer name operand k in any renamable field? */
static int has_refs(const struct pv_inline *a, unsigned k)
{
	for (unsigned i = 0; i < a->nrefs; i++)
		if (a->ref[i].operand == k)
			return 1;
	return 0;
}

/*
 * The register each operand ends up in at this site (fin[k]), and the
 * clobbers renamed accordingly.  Fails when an operand sits elsewhere
 * and the answer touches its ROM register without a renamable field, or
 * when a renamed register meets one the answer already uses.
 */
static int place_operands(const struct pv_inline *a, const struct pv_site *s,
			  int *fin, uint16_t *clob)
{
	uint16_t taken = a->uses;

	*clob = a->clobbers;
	for (unsigned k = 0; k < PV_INLINE_OPERANDS; k++) {
		int conv = a->conv[k], r = pv_site_reg(s, k);
		fin[k] = conv;
		if (conv < 0 || r < 0 || r == conv)
			continue;
		if (!has_refs(a, k)) {
			if (a->uses & (1u << conv))
				return PV_INL_REG;
			continue;
		}
		if (taken & (1u << r))
			return PV_INL_COLLIDE;
		taken |= (uint16_t)(1u << r);
		fin[k] = r;
		if (*clob & (1u << conv))
			*clob = (uint16_t)((*clob & ~(1u << conv)) | (1u << r));
	}
	for (unsigned k = 0; k < PV_INLINE_OPERANDS; k++)
		for (unsigned j = k + 1; j < PV_INLINE_OPERANDS; j++)
			if (fin[k] >= 0 && fin[k] == fin[j])
				return PV_INL_COLLIDE;
	return PV_INL_OK;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* rel32 from the end of the instruction at site + end to target. */
static int fix_rel(uint64_t site, const struct pv_inline_fix *f, uint8_t *out)
{
	int64_t d = (int64_t)(f->value - (site + f->end));
	if (d < INT32_MIN || d > INT32_MAX)
		return PV_INL_REACH;
	put32(out + f->at, (uint32_t)d);
	return PV_INL_OK;
}

/* Put register r into a ModRM field and its REX bit. */
static void rename(uint8_t *out, const struct pv_inline_ref *f, int r)
{
	if (f->field == 0) {
		out[f->modrm] = (uint8_t)((out[f->modrm] & ~0x38) | ((r & 7) << 3));
		out[f->rex] = (uint8_t)((out[f->rex] & ~0x04) | ((r >> 3) << 2));
	} else {
		out[f->modrm] = (uint8_t)((out[f->modrm] & ~0x07) | (r & 7));
		out[f->rex] = (uint8_t)((out[f->rex] & ~0x01) | (r >> 3));
	}
}

int pv_inline_emit(const struct pv_inline *a, const struct pv_site *s, uint8_t *out)
{
	int fin[PV_INLINE_OPERANDS];
	uint16_t clob;
	int err;

	if (a->len > s->len)
		return PV_INL_LONG;
	err = place_operands(a, s, fin, &clob);
	if (err != PV_INL_OK)
		return err;
	if (clob & ~s->clobbers)
		return PV_INL_CLOBBER;
	for (unsigned i = 0; i < a->len; i++)
		out[i] = a->code[i];
	for (unsigned i = 0; i < a->nrefs; i++)
		rename(out, &a->ref[i], fin[a->ref[i].operand]);
	for (unsigned i = 0; i < a->nfix; i++) {
		const struct pv_inline_fix *f = &a->fix[i];
		if (f->kind == PV_FIX_REL32) {
			err = fix_rel(s->addr, f, out);
			if (err != PV_INL_OK)
				return err;
		} else {
			for (unsigned b = 0; b < f->size; b++)
				out[f->at + b] = (uint8_t)(f->value >> (8 * b));
		}
	}
	return PV_INL_OK;
}
