/* xenlike_check.h: the pure parts of the Xen-like host side (no KVM, no
 * guest memory of its own): the verdict on one mmu_update request, the
 * pv-clock scale, the hypercall-page stubs and the event-channel state
 * machine, unit-tested on the host (tests/unit/test_hv_xenlike.c).  The
 * layouts are backends/xenlike/xl_abi.h; hv/backend_xenlike.c is the
 * glue to KVM. */
#ifndef HV_XENLIKE_CHECK_H
#define HV_XENLIKE_CHECK_H

#include <stdint.h>

#include "../backends/xenlike/xl_abi.h"

enum xl_verdict {
	XL_APPLY = 0,       /* write the entry */
	XL_REFUSE_LEVEL,    /* level not 1-4 */
	XL_REFUSE_ENTRY,    /* the entry's own address is not guest RAM */
	XL_REFUSE_FRAME,    /* it maps (part of) a frame outside guest memory */
	XL_REFUSE_RSVD,     /* a bit reserved at its level (hv_pte_check) */
};

/* Verdict on request r for a guest of mem bytes (hole included, as
 * gmem.size); ram_ok(ctx, gpa, len) says whether the host may write
 * there (gmem_range != NULL). */
enum xl_verdict xl_mmu_check(const struct xl_mmu_req *r, uint64_t mem,
			     int (*ram_ok)(void *ctx, uint64_t gpa, uint64_t len),
			     void *ctx);
const char *xl_verdict_str(enum xl_verdict v);

struct gmem;
/* Called for each refused request (hv's --trace line). */
typedef void (*xl_refused_fn)(void *ctx, const struct xl_mmu_req *q,
			      enum xl_verdict v);

/* One mmu_update batch: n requests at reqs, a host pointer into guest
 * memory gm that the caller has checked holds them all.  Each request is
 * read once (the guest may race), checked against gm and written to its
 * entry, or refused: its ptr zeroed in guest memory and refused() called
 * (if not NULL).  Returns the number refused. */
uint64_t xl_mmu_batch(const struct gmem *gm, void *reqs, uint64_t n,
		      xl_refused_fn refused, void *ctx);

/* ns = ((tsc << shift) * mul) >> 32 (shift < 0: right) for a TSC of hz;
 * -1 if hz is 0 or above 2^63. */
int xl_time_scale(uint64_t hz, uint32_t *mul, int8_t *shift);
uint64_t xl_time_apply(uint64_t delta, uint32_t mul, int8_t shift);

/* Writes the stubs for port into a 4 KiB page (one XL_HC_STUB_SIZE slot
 * per number: mov $n,%eax; out %eax,$port; ret; int3 filler) and fixes
 * the last byte so the page's byte sum mod 256 is what it was (the ROM
 * image keeps its zero checksum). */
void xl_write_stubs(uint8_t *page, uint8_t port);

/* Event channels on a shared-info page.  raise: port p turns pending;
 * returns 1 when that set upcall_pending.  ack: clear port p, and
 * upcall_pending when no unmasked port is left pending. */
int xl_evtchn_raise(struct xl_shared_info *s, unsigned p);
void xl_evtchn_ack(struct xl_shared_info *s, unsigned p);
/* Whether an upcall may be injected now: pending, and the virtual flag
 * clear (or the guest in user mode, where it is always on). */
int xl_upcall_deliverable(const struct xl_shared_info *s, int user_mode);

#endif
