/*
 * repatch.c: puts every call site back to its unpatched form (see
 * repatch.h), the first half of a re-patch after the ROM changed.
 *
 * No libc, like patch.c and apply.c: it builds freestanding for the
 * kernel and with sanitizers on the host.
 */
#include <pvops/repatch.h>
#include <pvops/ops.h>
#include <pvops/apply.h>

static int refused(struct pv_apply_fail *fail, const struct pv_site *s,
		   int err)
{
	fail->site = s;
	fail->other = 0;
	fail->err = err;
	fail->reason = pv_patch_strerror(err);
	return err;
}

int pv_unpatched_bytes(uint8_t *out, const struct pv_site *s, uint64_t slot)
{
	int64_t d = (int64_t)(slot - (s->addr + PV_SITE_CALL_LEN));

	if (s->op >= PV_OP_COUNT || s->len < PV_SITE_CALL_LEN ||
	    s->len > PV_SITE_MAX_LEN)
		return PV_ERR_RECORD;
	if (d < INT32_MIN || d > INT32_MAX)
		return PV_ERR_REACH;
	out[0] = PV_SITE_CALL_OP0;
	out[1] = PV_SITE_CALL_OP1;
	for (int i = 0; i < 4; i++)
		out[2 + i] = (uint8_t)((uint64_t)d >> (8 * i));
	pv_nop_fill(out + PV_SITE_CALL_LEN, s->len - PV_SITE_CALL_LEN);
	return PV_OK;
}

/* Every record usable and no two sharing a byte: checked before any
 * write, so a bad record leaves the text as it was. */
static int check_all(const struct pv_site *start, const struct pv_site *end,
		     void *const *table, struct pv_apply_fail *fail)
{
	const struct pv_site *a, *b;
	uint8_t tmp[PV_SITE_MAX_LEN];

	if (pv_sites_overlap(start, end, &a, &b)) {
		refused(fail, b, PV_ERR_OVERLAP);
		fail->other = a;
		return PV_ERR_OVERLAP;
	}
	for (const struct pv_site *s = start; s < end; s++) {
		int err = PV_ERR_OP;
		if (s->op < PV_OP_COUNT) {
			uint64_t slot = pv_site_slot(s, table);
			err = slot ? pv_unpatched_bytes(tmp, s, slot) : PV_ERR_RECORD;
		}
		if (err != PV_OK)
			return refused(fail, s, err);
	}
	return PV_OK;
}

int pv_unpatch_all(const struct pv_site *start, const struct pv_site *end,
		   void *const *table, struct pv_apply_fail *fail)
{
	int err = check_all(start, end, table, fail);

	if (err != PV_OK)
		return err;
	for (const struct pv_site *s = start; s < end; s++) {
		uint8_t want[PV_SITE_MAX_LEN];
		volatile uint8_t *at = (volatile uint8_t *)(uintptr_t)s->addr;
		/* A site in its own registers calls through its adapter's
		 * slot, as it did before the first patch (apply.h). */
		uint64_t slot = pv_site_slot(s, table);

		pv_unpatched_bytes(want, s, slot);
		for (unsigned i = 0; i < s->len; i++)
			at[i] = want[i];
		if (!pv_site_unpatched((const uint8_t *)(uintptr_t)s->addr, s, slot))
			return refused(fail, s, PV_ERR_VERIFY);
	}
	return PV_OK;
}
