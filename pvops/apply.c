/*
 * apply.c: the boot-time patch pass (see apply.h).
 *
 * Four phases over the records: refuse overlapping records, compute
 * every site's bytes into scratch (any refusal stops here, with the text
 * untouched), write them all, re-read them all.  The text must be
 * writable and no other CPU running; the caller serializes the
 * instruction stream afterwards.
 */
#include <pvops/apply.h>
#include <pvops/ops.h>

static void copy(uint8_t *dst, const uint8_t *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = src[i];
}

static int refuse(struct pv_apply_fail *fail, const struct pv_site *s,
		  int err, const char *reason)
{
	fail->site = s;
	fail->other = 0;
	fail->err = err;
	fail->reason = reason;
	return err;
}

/* Phase 1: decide and compute, site by site, into scratch. */
static int compute(const struct pv_site *start, const struct pv_site *end,
		   void *const *table, pv_decide_fn *decide, void *ctx,
		   uint8_t *scratch, struct pv_report *rep, struct pv_apply_fail *fail)
{
	for (const struct pv_site *s = start; s < end; s++) {
		uint8_t *buf = scratch + (size_t)(s - start) * PV_SITE_MAX_LEN;
		struct pv_decision d;
		const char *why = 0;
		if (s->op >= PV_OP_COUNT)
			return refuse(fail, s, PV_ERR_OP, pv_patch_strerror(PV_ERR_OP));
		if (s->clobbers != pv_op_info[s->op].clobbers)
			return refuse(fail, s, PV_ERR_RECORD,
				      "site's clobbers differ from the op's convention");
		if (s->len > PV_SITE_MAX_LEN || s->len < PV_SITE_MIN_LEN)
			return refuse(fail, s, PV_ERR_RECORD, pv_patch_strerror(PV_ERR_RECORD));
		if (decide(ctx, s->op, &d) != 0)
			return refuse(fail, s, PV_ERR_DECISION, "backend has no answer for this op");
		copy(buf, (const uint8_t *)(uintptr_t)s->addr, s->len);
		int err = pv_patch_site(buf, s, &d, (uint64_t)(uintptr_t)&table[s->op], &why);
		if (err != PV_OK)
			return refuse(fail, s, err, why);
		pv_report_add(rep, s, d.kind);
	}
	return PV_OK;
}

int pv_apply(const struct pv_site *start, const struct pv_site *end,
	     void *const *table, pv_decide_fn *decide, void *ctx,
	     uint8_t *scratch, struct pv_report *rep, struct pv_apply_fail *fail)
{
	const struct pv_site *a, *b;
	if (pv_sites_overlap(start, end, &a, &b)) {
		refuse(fail, b, PV_ERR_OVERLAP, pv_patch_strerror(PV_ERR_OVERLAP));
		fail->other = a;
		return PV_ERR_OVERLAP;
	}
	int err = compute(start, end, table, decide, ctx, scratch, rep, fail);
	if (err != PV_OK)
		return err;
	for (const struct pv_site *s = start; s < end; s++)
		copy((uint8_t *)(uintptr_t)s->addr,
		     scratch + (size_t)(s - start) * PV_SITE_MAX_LEN, s->len);
	for (const struct pv_site *s = start; s < end; s++) {
		const char *why = 0;
		err = pv_site_check((const uint8_t *)(uintptr_t)s->addr,
				    scratch + (size_t)(s - start) * PV_SITE_MAX_LEN, s->len, &why);
		if (err != PV_OK)
			return refuse(fail, s, err, why);
	}
	return PV_OK;
}
