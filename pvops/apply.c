/*
 * apply.c: the boot-time patch pass (see apply.h).
 *
 * Four phases over the records: refuse overlapping records, compute
 * every site's bytes into scratch (any refusal stops here, with the text
 * untouched), write them all through the int3-guarded sequence, then
 * check each against bytes computed afresh.  The text must be writable and no other CPU running;
 * the caller serializes the instruction stream afterwards.
 */
#include <pvops/apply.h>
#include <pvops/operands.h>
#include <pvops/ops.h>

struct pv_slots pv_slots;

static uint32_t slot_key(unsigned op, unsigned regs)
{
	return (uint32_t)op << 16 | regs;
}

/* Insertion sort: a kernel has a few dozen adapters. */
int pv_slots_sort(struct pv_slots *ix, const struct pv_slot *start,
		  const struct pv_slot *end, const struct pv_slot **storage)
{
	size_t n = 0;

	for (const struct pv_slot *p = start; p < end; p++) {
		uint32_t k = slot_key(p->op, p->regs);
		size_t i = n++;
		while (i > 0 && slot_key(storage[i - 1]->op, storage[i - 1]->regs) > k) {
			storage[i] = storage[i - 1];
			i--;
		}
		if (i > 0 && slot_key(storage[i - 1]->op, storage[i - 1]->regs) == k)
			return -1;
		storage[i] = p;
	}
	ix->sorted = storage;
	ix->n = n;
	return 0;
}

const struct pv_slot *pv_slot_find(const struct pv_slots *ix, const struct pv_site *s)
{
	uint32_t k = slot_key(s->op, s->regs);
	size_t lo = 0, hi = ix->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint32_t m = slot_key(ix->sorted[mid]->op, ix->sorted[mid]->regs);
		if (m == k)
			return ix->sorted[mid];
		if (m < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

uint64_t pv_site_slot(const struct pv_site *s, void *const *table)
{
	const struct pv_slot *slot;

	if (!(s->flags & PV_SITE_F_REGS))
		return (uint64_t)(uintptr_t)&table[s->op];
	slot = pv_slot_find(&pv_slots, s);
	return slot ? (uint64_t)(uintptr_t)&slot->adapter : 0;
}

static void copy(uint8_t *dst, const uint8_t *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = src[i];
}

/* Keeps the compiler from reordering or merging the text writes. */
static inline void barrier(void)
{
	__asm__ volatile("" : : : "memory");
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static int refuse(struct pv_apply_fail *fail, const struct pv_site *s,
		  int err, const char *reason)
{
	fail->site = s;
	fail->err = err;
	fail->reason = reason;
	return err;
}

/*
 * The bytes site s must hold after patching with decision d if it began
 * at address at: the unpatched call through slot is rebuilt from the
 * record, not read from the text, then patched.
 */
static int bytes_for(uint8_t *out, uint64_t at, const struct pv_site *s,
		     const struct pv_decision *d, uint64_t slot, const char **why)
{
	struct pv_site t = *s;
	t.addr = at;
	out[0] = PV_SITE_CALL_OP0;
	out[1] = PV_SITE_CALL_OP1;
	put32(out + 2, (uint32_t)(slot - (at + PV_SITE_CALL_LEN)));
	pv_nop_fill(out + PV_SITE_CALL_LEN, s->len - PV_SITE_CALL_LEN);
	return pv_patch_site(out, &t, d, slot, why);
}

static int fail_with(const char **why, int err, const char *reason)
{
	*why = reason;
	return err;
}

/*
 * A call at an F_REGS site whose operands are not where the target wants
 * them, or whose target clobbers more than the site allows, goes to the
 * site's adapter, which reaches the target through table[op].
 */
static int adapt_call(const struct pv_site *s, void *const *table,
		      struct pv_decision *d, const char **why)
{
	const struct pv_slot *slot;

	/* An inline answer that cannot be laid out here (length, operands,
	 * clobbers) is its CALL, routed like any other (ABI 1.2). */
	if (d->kind == PV_INLINE && pv_site_kind(s, d, NULL) == PV_CALL)
		d->kind = PV_CALL;
	if (!(s->flags & PV_SITE_F_REGS) || (d->kind != PV_CALL && d->kind != PV_JUMP) ||
	    pv_site_fits_abi(s, d->clobbers))
		return PV_OK;
	slot = pv_slot_find(&pv_slots, s);
	if (!slot)
		return fail_with(why, PV_ERR_RECORD, "site in its own registers has no adapter slot");
	if ((uint64_t)(uintptr_t)table[s->op] != d->target)
		return fail_with(why, PV_ERR_DECISION,
				 "the adapter would not reach the target: the op's table slot holds another");
	d->kind = PV_CALL;
	d->target = slot->adapter;
	d->clobbers = s->clobbers;
	return PV_OK;
}

/* Record checks and the backend's decision for s. */
static int decide_site(const struct pv_site *s, void *const *table, pv_decide_fn *decide,
		       void *ctx, struct pv_decision *d, const char **why)
{
	uint16_t want;

	if (s->op >= PV_OP_COUNT)
		return fail_with(why, PV_ERR_OP, pv_patch_strerror(PV_ERR_OP));
	if (!pv_site_regs_ok(s))
		return fail_with(why, PV_ERR_RECORD, "site's registers are malformed");
	want = (s->flags & PV_SITE_F_REGS) ? pv_site_native_clobbers(s) : pv_op_info[s->op].clobbers;
	if (s->clobbers != want)
		return fail_with(why, PV_ERR_RECORD, (s->flags & PV_SITE_F_REGS) ?
				 "site's clobbers differ from its written operands" :
				 "site's clobbers differ from the op's convention");
	if (s->len > PV_SITE_MAX_LEN || s->len < PV_SITE_MIN_LEN)
		return fail_with(why, PV_ERR_RECORD, pv_patch_strerror(PV_ERR_RECORD));
	if (decide(ctx, s->op, d) != 0)
		return fail_with(why, PV_ERR_DECISION, "backend has no answer for this op");
	return adapt_call(s, table, d, why);
}

/* The slot s's unpatched call goes through, or a refusal. */
static int slot_of(const struct pv_site *s, void *const *table, uint64_t *slot,
		   const char **why)
{
	*slot = pv_site_slot(s, table);
	if (!*slot)
		return fail_with(why, PV_ERR_RECORD, "site in its own registers has no adapter slot");
	return PV_OK;
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
		uint64_t slot = 0;
		int err = decide_site(s, table, decide, ctx, &d, &why);
		if (err == PV_OK)
			err = slot_of(s, table, &slot, &why);
		if (err != PV_OK)
			return refuse(fail, s, err, why);
		copy(buf, (const uint8_t *)(uintptr_t)s->addr, s->len);
		err = pv_patch_site(buf, s, &d, slot, &why);
		if (err != PV_OK)
			return refuse(fail, s, err, why);
		pv_report_add(rep, s, pv_site_kind(s, &d, 0));
	}
	return PV_OK;
}

int pv_poke_tramp(struct pv_poke *poke, const struct pv_site *s,
		  const struct pv_decision *d, uint64_t slot, const char **why)
{
	uint8_t t[PV_POKE_TRAMP_LEN];
	uint64_t at = (uint64_t)(uintptr_t)poke->tramp;
	int64_t back = (int64_t)((s->addr + s->len) - (at + s->len + 5));
	int err = bytes_for(t, at, s, d, slot, why);
	if (err != PV_OK)
		return err;
	if (back < INT32_MIN || back > INT32_MAX)
		return fail_with(why, PV_ERR_REACH, pv_patch_strerror(PV_ERR_REACH));
	t[s->len] = 0xe9;			/* jmp back behind the site */
	put32(t + s->len + 1, (uint32_t)back);
	copy(poke->tramp, t, s->len + 5u);
	return PV_OK;
}

static void step(struct pv_poke *poke, const struct pv_site *s, int n)
{
	barrier();
	if (poke->hook)
		poke->hook(poke->arg, s, n);
}

/*
 * One CPU, so no cross-CPU synchronisation between the steps: a CPU
 * sees its own stores to code in program order (Intel SDM 3A, 8.1.3).
 */
void pv_poke_site(struct pv_poke *poke, const struct pv_site *s, const uint8_t *bytes)
{
	volatile uint8_t *at = (volatile uint8_t *)(uintptr_t)s->addr;
	poke->addr = s->addr;
	barrier();
	at[0] = PV_INT3;
	step(poke, s, 1);
	for (unsigned i = 1; i < s->len; i++)
		at[i] = bytes[i];
	step(poke, s, 2);
	at[0] = bytes[0];
	barrier();
	poke->addr = 0;
}

uint64_t pv_poke_bp(struct pv_poke *poke, uint64_t rip)
{
	if (!poke->addr || rip != poke->addr + 1)
		return 0;
	poke->hits++;
	return (uint64_t)(uintptr_t)poke->tramp;
}

/* Phase 2: each site through the int3 sequence, its trampoline first. */
static int write_all(const struct pv_site *start, const struct pv_site *end,
		     void *const *table, pv_decide_fn *decide, void *ctx,
		     const uint8_t *scratch, struct pv_poke *poke, struct pv_apply_fail *fail)
{
	for (const struct pv_site *s = start; s < end; s++) {
		struct pv_decision d;
		const char *why = 0;
		uint64_t slot = 0;
		int err = decide_site(s, table, decide, ctx, &d, &why);
		if (err == PV_OK)
			err = slot_of(s, table, &slot, &why);
		if (err == PV_OK)
			err = pv_poke_tramp(poke, s, &d, slot, &why);
		if (err != PV_OK)
			return refuse(fail, s, err, why);
		pv_poke_site(poke, s, scratch + (size_t)(s - start) * PV_SITE_MAX_LEN);
	}
	return PV_OK;
}

/* Phase 3: each site against bytes computed afresh from its record and
 * decision, so a fault in scratch or in the write is caught. */
static int verify_all(const struct pv_site *start, const struct pv_site *end,
		      void *const *table, pv_decide_fn *decide, void *ctx,
		      struct pv_apply_fail *fail)
{
	for (const struct pv_site *s = start; s < end; s++) {
		uint8_t want[PV_SITE_MAX_LEN];
		struct pv_decision d;
		const char *why = 0;
		uint64_t slot = 0;
		int err = decide_site(s, table, decide, ctx, &d, &why);
		if (err == PV_OK)
			err = slot_of(s, table, &slot, &why);
		if (err == PV_OK)
			err = bytes_for(want, s->addr, s, &d, slot, &why);
		if (err == PV_OK)
			err = pv_site_check((const uint8_t *)(uintptr_t)s->addr, want, s->len, &why);
		if (err != PV_OK)
			return refuse(fail, s, err, why);
	}
	return PV_OK;
}

int pv_apply(const struct pv_site *start, const struct pv_site *end,
	     void *const *table, pv_decide_fn *decide, void *ctx,
	     uint8_t *scratch, struct pv_report *rep, struct pv_poke *poke,
	     struct pv_apply_fail *fail)
{
	const struct pv_site *a, *b;
	if (pv_sites_overlap(start, end, &a, &b)) {
		refuse(fail, b, PV_ERR_OVERLAP, pv_patch_strerror(PV_ERR_OVERLAP));
		fail->other = a;
		return PV_ERR_OVERLAP;
	}
	int err = compute(start, end, table, decide, ctx, scratch, rep, fail);
	if (err == PV_OK)
		err = write_all(start, end, table, decide, ctx, scratch, poke, fail);
	if (err == PV_OK)
		err = verify_all(start, end, table, decide, ctx, fail);
	return err;
}
