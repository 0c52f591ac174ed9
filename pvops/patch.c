/*
 * patch.c: the pure patch function: a site record and a decision in,
 * the site's new bytes (or a refusal with a reason) out.
 *
 * Every check runs before the first byte is written, and the bytes are
 * computed in a scratch copy that goes to the caller's buffer whole, so a
 * refused site is never half-written.  No libc: byte loops only, so the
 * same file builds freestanding for the kernel and with sanitizers on
 * the host.
 */
#include <pvops/ops.h>
#include <pvops/operands.h>
#include <pvops/patch.h>
#include <native/templates.h>

/* Intel SDM vol. 2B, NOP: "recommended multi-byte sequence" table. */
const uint8_t pv_nops[PV_NOP_MAX + 1][PV_NOP_MAX] = {
	[1] = { 0x90 },
	[2] = { 0x66, 0x90 },
	[3] = { 0x0f, 0x1f, 0x00 },
	[4] = { 0x0f, 0x1f, 0x40, 0x00 },
	[5] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 },
	[6] = { 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00 },
	[7] = { 0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00 },
	[8] = { 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
	[9] = { 0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
};

static const char *const pv_err_text[PV_ERR_COUNT] = {
	[PV_OK] = "ok",
	[PV_ERR_ARG] = "null argument",
	[PV_ERR_OP] = "unknown op",
	[PV_ERR_RECORD] = "malformed site record",
	[PV_ERR_STALE] = "site bytes are not the recorded indirect call",
	[PV_ERR_KIND] = "unknown decision kind",
	[PV_ERR_DECISION] = "native decision without bytes (or in fixed registers for a site in its own)",
	[PV_ERR_RESULT] = "nop decision for an op that produces a result",
	[PV_ERR_RETURNS] = "jump decision for an op that returns",
	[PV_ERR_SHORT] = "site too short",
	[PV_ERR_CLOBBER] = "clobbers incompatible",
	[PV_ERR_REACH] = "target out of rel32 reach",
	[PV_ERR_VERIFY] = "site does not hold the intended bytes",
	[PV_ERR_OVERLAP] = "site overlaps another site",
};

const char *pv_patch_strerror(int err)
{
	if (err < 0 || err >= PV_ERR_COUNT)
		return "unknown error";
	return pv_err_text[err];
}

const char *pv_kind_name(int kind)
{
	switch (kind) {
	case PV_NATIVE: return "inline";
	case PV_CALL: return "call";
	case PV_JUMP: return "jump";
	case PV_NOP: return "nop";
	case PV_INLINE: return "rom-inline";
	}
	return "?";
}

static void pv_copy(uint8_t *dst, const uint8_t *src, size_t n)
{
	while (n--)
		*dst++ = *src++;
}

void pv_nop_fill(uint8_t *p, size_t n)
{
	while (n > 0) {
		size_t k = n > PV_NOP_MAX ? PV_NOP_MAX : n;

		pv_copy(p, pv_nops[k], k);
		p += k;
		n -= k;
	}
}

static uint32_t pv_get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void pv_put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/*
 * The site must still be `call *disp32(%rip)` into the op's slot: the
 * slot is addr + 6 + disp32, computed modulo 2^64 as the CPU does.
 */
int pv_site_unpatched(const uint8_t *p, const struct pv_site *site,
		      uint64_t slot)
{
	int32_t disp;

	if (!p || !site || site->len < PV_SITE_CALL_LEN)
		return 0;
	if (p[0] != PV_SITE_CALL_OP0 || p[1] != PV_SITE_CALL_OP1)
		return 0;
	disp = (int32_t)pv_get32(p + 2);
	return site->addr + PV_SITE_CALL_LEN + (uint64_t)(int64_t)disp == slot;
}

/* Do x and y share a byte?  Wrap-safe: the distance from the lower
 * start is compared with the lower record's length, never summed. */
static int pv_sites_meet(const struct pv_site *x, const struct pv_site *y)
{
	if (x->addr > y->addr) {
		const struct pv_site *t = x;
		x = y;
		y = t;
	}
	return y->addr - x->addr < x->len;
}

/* One past a record's last byte, saturating at 2^64 - 1. */
static uint64_t pv_site_end(const struct pv_site *s)
{
	return s->addr + s->len < s->addr ? UINT64_MAX : s->addr + s->len;
}

/* The first record in [start, s) that shares a byte with s, or 0. */
static const struct pv_site *pv_first_meeting(const struct pv_site *start,
					      const struct pv_site *s)
{
	for (const struct pv_site *t = start; t < s; t++)
		if (pv_sites_meet(t, s))
			return t;
	return 0;
}

/*
 * While the records ascend, a record can only meet the earlier one that
 * reaches furthest; after the first step back, each record is compared
 * with every earlier one.
 */
int pv_sites_overlap(const struct pv_site *start, const struct pv_site *end,
		     const struct pv_site **first, const struct pv_site **second)
{
	const struct pv_site *reach = start, *hit;
	int sorted = 1;

	if (!start || start >= end)
		return 0;
	for (const struct pv_site *s = start + 1; s < end; s++) {
		sorted = sorted && s->addr >= s[-1].addr;
		if (sorted)
			hit = pv_sites_meet(reach, s) ? reach : 0;
		else
			hit = pv_first_meeting(start, s);
		if (hit) {
			*first = hit;
			*second = s;
			return 1;
		}
		if (pv_site_end(s) > pv_site_end(reach))
			reach = s;
	}
	return 0;
}

/* A record is usable if its length, flags, registers, clobbers and
 * range are sane. */
static int pv_record_ok(const struct pv_site *site)
{
	if (site->len < PV_SITE_MIN_LEN || site->len > PV_SITE_MAX_LEN)
		return 0;
	if ((site->flags & ~PV_SITE_FLAGS_KNOWN) || !pv_site_regs_ok(site))
		return 0;
	if (site->clobbers & PV_REG_RSP)
		return 0;
	return site->addr + site->len > site->addr;	/* no wrap past 2^64 */
}

/*
 * rel32 from the end of a 5-byte e8/e9 at addr to target, if it fits.
 * Modular arithmetic, like the CPU's rip + rel32.
 */
static int pv_rel32(uint64_t addr, uint64_t target, uint32_t *rel)
{
	int64_t d = (int64_t)(target - (addr + 5));

	if (d < INT32_MIN || d > INT32_MAX)
		return 0;
	*rel = (uint32_t)d;
	return 1;
}

/*
 * Is d the op's native decision (nat_decide: the template)?  Then the
 * patcher writes the op's instruction in the site's own registers
 * (nat_encode), in its longest encoding that fits, and not the
 * template's bytes, which name the op's conventional registers.
 */
static int pv_is_native_template(const struct pv_site *site,
				 const struct pv_decision *d)
{
	return d->kind == PV_NATIVE && d->bytes == nat_templates[site->op].bytes;
}

/* What a decision clobbers at this site: the native instruction in the
 * site's registers clobbers the site's written operands, not the
 * template's. */
static uint16_t pv_decision_clobbers(const struct pv_site *site,
				     const struct pv_decision *d)
{
	if (pv_is_native_template(site, d) && (site->flags & PV_SITE_F_REGS) &&
	    pv_operands[site->op].chosen)
		return pv_site_native_clobbers(site);
	return d->clobbers;
}

/* The decision's inline bytes for the site into out; their length. */
static size_t pv_native_bytes(const struct pv_site *site,
			      const struct pv_decision *d, uint8_t *out)
{
	int n;

	if (pv_is_native_template(site, d)) {
		n = nat_encode(site, NAT_FIT, out);
		if (n > 0)
			return (size_t)n;
	}
	pv_copy(out, d->bytes, d->len);
	return d->len;
}

/*
 * Checks that depend on the decision; PV_OK if the bytes may be written.
 * A NATIVE decision's bytes for this site are left in native[0..*nlen).
 */
static int pv_decision_ok(const struct pv_site *site,
			  const struct pv_decision *d, uint8_t *native, size_t *nlen)
{
	const struct pv_op_info *op = pv_op_lookup(site->op);
	uint32_t rel;

	if (d->kind <= 0 || d->kind >= PV_KIND_COUNT)
		return PV_ERR_KIND;
	if (d->kind == PV_NATIVE && (!d->bytes || d->len == 0))
		return PV_ERR_DECISION;
	if (d->kind == PV_INLINE && (!d->inl || !d->inl->code))
		return PV_ERR_DECISION;
	if (d->kind == PV_NOP && (op->flags & PV_OPF_RESULT))
		return PV_ERR_RESULT;
	if (d->kind == PV_JUMP && !(op->flags & PV_OPF_NORETURN))
		return PV_ERR_RETURNS;
	if (d->kind == PV_NATIVE && d->len > site->len)
		return PV_ERR_SHORT;
	/* A native instruction in the site's registers can only be
	 * written where the record names them (the wrappers' sites). */
	if (d->kind == PV_NATIVE && (site->flags & PV_SITE_F_REGS) &&
	    pv_operands[site->op].chosen && !pv_is_native_template(site, d))
		return PV_ERR_DECISION;
	if (d->kind == PV_NATIVE && (*nlen = pv_native_bytes(site, d, native)) > site->len)
		return PV_ERR_SHORT;
	/* At a site in its own registers an inline answer's CALL is not
	 * held to the site's clobbers: it goes through the adapter if the
	 * answer does not fit (apply.c), and pv_inline_emit checks the
	 * answer's own clobbers, renamed.  Elsewhere its CALL must be valid
	 * even if unused. */
	if (d->kind != PV_NOP &&
	    !(d->kind == PV_INLINE && (site->flags & PV_SITE_F_REGS)) &&
	    (pv_decision_clobbers(site, d) & ~site->clobbers))
		return PV_ERR_CLOBBER;
	/* An inline answer must have a valid CALL behind it: the checks of
	 * a CALL apply whether or not this site takes the bytes. */
	if ((d->kind == PV_CALL || d->kind == PV_JUMP || d->kind == PV_INLINE) &&
	    !pv_rel32(site->addr, d->target, &rel))
		return PV_ERR_REACH;
	return PV_OK;
}

int pv_site_kind(const struct pv_site *s, const struct pv_decision *d, int *why)
{
	uint8_t tmp[PV_SITE_MAX_LEN];
	int w = PV_INL_OK;

	if (d->kind == PV_INLINE)
		w = pv_inline_emit(d->inl, s, tmp);
	if (why)
		*why = w;
	return d->kind == PV_INLINE && w != PV_INL_OK ? PV_CALL : d->kind;
}

/*
 * Padding after the decided bytes: up to PV_NOP_MAX bytes of NOPs (one
 * instruction), more as a short jump over NOPs, so a long site (the irq
 * sites are long enough for a ROM's inline answer, ABI 1.2) costs one
 * instruction of padding, not several.
 */
void pv_pad_fill(uint8_t *p, size_t n)
{
	if (n > PV_NOP_MAX && n - 2 <= 127) {
		p[0] = 0xeb;
		p[1] = (uint8_t)(n - 2);
		pv_nop_fill(p + 2, n - 2);
		return;
	}
	pv_nop_fill(p, n);
}

/* Lay out the decided bytes (NATIVE: already in out[0..nlen), INLINE:
 * the answer where it fits) plus padding in out[0..site->len). */
static void pv_emit(uint8_t *out, const struct pv_site *site,
		    const struct pv_decision *d, size_t nlen)
{
	size_t used = 0;
	uint32_t rel = 0;	/* set by pv_rel32; checked in pv_check_decision */
	int kind = d->kind;

	if (kind == PV_INLINE) {	/* the bytes where they fit, else the CALL */
		if (pv_inline_emit(d->inl, site, out) == PV_INL_OK)
			used = d->inl->len;
		else
			kind = PV_CALL;
	}
	if (kind == PV_NATIVE) {
		used = nlen;
	} else if (kind == PV_CALL || kind == PV_JUMP) {
		pv_rel32(site->addr, d->target, &rel);
		out[0] = kind == PV_CALL ? 0xe8 : 0xe9;
		pv_put32(out + 1, rel);
		used = 5;
	}
	pv_pad_fill(out + used, site->len - used);
}

static int pv_refuse(int err, const char **reason)
{
	if (reason)
		*reason = pv_patch_strerror(err);
	return err;
}

/*
 * Validate the record, the site's current bytes and the decision, in
 * that order, then write the new bytes.  The order makes the reported
 * reason the most basic thing wrong.
 */
int pv_patch_site(uint8_t *buf, const struct pv_site *site,
		  const struct pv_decision *d, uint64_t slot,
		  const char **reason)
{
	uint8_t out[PV_SITE_MAX_LEN + NAT_ENCODE_MAX];	/* room for a long encoding */
	size_t nlen = 0;
	int err;

	if (!buf || !site || !d)
		return pv_refuse(PV_ERR_ARG, reason);
	if (site->op >= PV_OP_COUNT)
		return pv_refuse(PV_ERR_OP, reason);
	if (!pv_record_ok(site))
		return pv_refuse(PV_ERR_RECORD, reason);
	if (!pv_site_unpatched(buf, site, slot))
		return pv_refuse(PV_ERR_STALE, reason);
	err = pv_decision_ok(site, d, out, &nlen);
	if (err != PV_OK)
		return pv_refuse(err, reason);
	pv_emit(out, site, d, nlen);
	pv_copy(buf, out, site->len);
	if (reason)
		*reason = pv_patch_strerror(PV_OK);
	return PV_OK;
}

int pv_site_check(const uint8_t *at, const uint8_t *intended, size_t len,
		  const char **reason)
{
	if (!at || !intended)
		return pv_refuse(PV_ERR_ARG, reason);
	for (size_t i = 0; i < len; i++)
		if (at[i] != intended[i])
			return pv_refuse(PV_ERR_VERIFY, reason);
	if (reason)
		*reason = pv_patch_strerror(PV_OK);
	return PV_OK;
}
