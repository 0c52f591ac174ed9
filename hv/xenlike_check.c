/* xenlike_check.c: pure parts of the Xen-like host side; see
 * xenlike_check.h. */
#include "xenlike_check.h"
#include "pte_check.h"
#include "gmem.h"

#include <stddef.h>
#include <string.h>

/* The request's own shape (level, entry address) is the Xen-like ABI's;
 * what the new entry may say is hv's one rule (hv_pte_check). */
enum xl_verdict xl_mmu_check(const struct xl_mmu_req *r, uint64_t mem,
			     int (*ram_ok)(void *ctx, uint64_t gpa, uint64_t len),
			     void *ctx)
{
	unsigned level = (unsigned)(r->ptr & 7);
	uint64_t entry = r->ptr & ~7ull;

	if (level < 1 || level > 4)
		return XL_REFUSE_LEVEL;
	if (!ram_ok(ctx, entry, 8))
		return XL_REFUSE_ENTRY;
	switch (hv_pte_check(r->val, level, mem)) {
	case HV_PTE_OK:
		return XL_APPLY;
	case HV_PTE_RESERVED:
		return XL_REFUSE_RSVD;
	case HV_PTE_FRAME:
		break;
	}
	return XL_REFUSE_FRAME;
}

/* The entry's host pointer, kept from the one lookup the check makes:
 * xl_mmu_batch writes through exactly the pointer that was checked. */
struct xl_entry_lookup {
	const struct gmem *gm;
	void *entry;
};

static int xl_entry_ok(void *ctx, uint64_t gpa, uint64_t len)
{
	struct xl_entry_lookup *l = ctx;
	l->entry = gmem_range(l->gm, gpa, len);
	return l->entry != NULL;
}

/* The array's address is the guest's choice and may have any alignment,
 * so each request is copied out (once: the guest may race) and a refused
 * one's ptr zeroed with memcpy, never through a struct pointer (SPEC.md
 * 19.1).  An entry address is 8-aligned by construction. */
uint64_t xl_mmu_batch(const struct gmem *gm, void *reqs, uint64_t n,
		      xl_refused_fn refused, void *ctx)
{
	static const uint64_t zero;
	uint8_t *r = reqs;
	uint64_t nrefused = 0;

	for (uint64_t i = 0; i < n; i++) {
		struct xl_mmu_req q;
		struct xl_entry_lookup l = { gm, NULL };
		memcpy(&q, r + i * sizeof(q), sizeof(q));
		enum xl_verdict v = xl_mmu_check(&q, gm->size, xl_entry_ok, &l);
		if (v == XL_APPLY && l.entry == NULL)
			v = XL_REFUSE_ENTRY;		/* never write unchecked */
		if (v != XL_APPLY) {
			nrefused++;
			memcpy(r + i * sizeof(q) + offsetof(struct xl_mmu_req, ptr),
			       &zero, sizeof(zero));
			if (refused)
				refused(ctx, &q, v);
			continue;
		}
		__atomic_store_n((uint64_t *)l.entry, q.val, __ATOMIC_RELAXED);
	}
	return nrefused;
}

const char *xl_verdict_str(enum xl_verdict v)
{
	switch (v) {
	case XL_APPLY: return "applied";
	case XL_REFUSE_LEVEL: return "level not 1-4";
	case XL_REFUSE_ENTRY: return "entry address not guest RAM";
	case XL_REFUSE_FRAME: return "maps a frame outside guest memory";
	case XL_REFUSE_RSVD: return "sets a bit reserved at its level";
	}
	return "?";
}

/* Xen's set_time_scale: bring hz into (1e9, 2e9] by halving or doubling,
 * counting the shift; then mul = 1e9 * 2^32 / that. */
int xl_time_scale(uint64_t hz, uint32_t *mul, int8_t *shift)
{
	const uint64_t ns = 1000000000ull;
	int s = 0;

	if (hz == 0 || hz > (1ull << 63))
		return -1;
	while (hz > 2 * ns) {
		hz >>= 1;
		s--;
	}
	while (hz <= ns) {
		hz <<= 1;
		s++;
	}
	*mul = (uint32_t)((ns << 32) / hz);
	*shift = (int8_t)s;
	return 0;
}

/* The reader's arithmetic, as the ROM does it. */
uint64_t xl_time_apply(uint64_t delta, uint32_t mul, int8_t shift)
{
	delta = shift >= 0 ? delta << shift : delta >> -shift;
	return (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}

void xl_write_stubs(uint8_t *page, uint8_t port)
{
	unsigned before = 0, after = 0;

	for (unsigned i = 0; i < XL_HC_PAGE_SIZE; i++)
		before += page[i];
	memset(page, XL_HC_FILL, XL_HC_PAGE_SIZE);
	for (unsigned n = 0; n < XL_HC_PAGE_SIZE / XL_HC_STUB_SIZE; n++) {
		uint8_t *p = page + n * XL_HC_STUB_SIZE;
		p[0] = 0xb8;                    /* mov $n, %eax */
		p[1] = (uint8_t)n;
		p[2] = p[3] = p[4] = 0;
		p[5] = 0xe7;                    /* out %eax, $port */
		p[6] = port;
		p[7] = 0xc3;                    /* ret */
	}
	for (unsigned i = 0; i < XL_HC_PAGE_SIZE - 1; i++)
		after += page[i];
	/* The last slot's filler byte absorbs the difference. */
	page[XL_HC_PAGE_SIZE - 1] = (uint8_t)(before - after);
}

static uint64_t xl_unmasked_pending(const struct xl_shared_info *s)
{
	return s->evtchn_pending & ~s->evtchn_mask;
}

int xl_evtchn_raise(struct xl_shared_info *s, unsigned p)
{
	uint64_t bit = 1ull << (p % XL_NR_PORTS);
	int was = (s->evtchn_pending & bit) != 0;

	s->evtchn_pending |= bit;
	s->events_raised++;
	if (was || (s->evtchn_mask & bit) || s->vcpu0.upcall_pending)
		return 0;
	s->vcpu0.upcall_pending = 1;
	return 1;
}

void xl_evtchn_ack(struct xl_shared_info *s, unsigned p)
{
	s->evtchn_pending &= ~(1ull << (p % XL_NR_PORTS));
	if (xl_unmasked_pending(s) == 0)
		s->vcpu0.upcall_pending = 0;
}

int xl_upcall_deliverable(const struct xl_shared_info *s, int user_mode)
{
	return s->vcpu0.upcall_pending && (!s->vcpu0.upcall_mask || user_mode);
}
