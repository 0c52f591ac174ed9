/*
 * test_rebind.c: ABI 1.3 re-binding (kernel/rebind.c, SPEC.md 20) from
 * inside: nothing re-binds while the window stays as it was, and, when
 * the host moves the guest during the test (command line `rebind.hop`,
 * the hv-rebind-lazy-* and hv-rebind-console-* suites), a lazy page-table
 * batch open across the hop and a console stream written across it
 * lose nothing and apply nothing twice; a test's rebind_hold() defers
 * the hop until its release.
 */
#include <stdio.h>
#include "kernel.h"
#include "mm.h"
#include "pic.h"
#include "ktest.h"
#include "rebind.h"
#include <pvops/pvops.h>

#define KTEST_SUITE "rebind"

#define HOP_WAIT_TICKS	(10 * TIMER_HZ)

/* Spins with interrupts on, never yielding, until a re-bind is done. */
static bool wait_for_hop(unsigned h0)
{
	uint64_t t0 = timer_ticks;
	while (rebind_hops() == h0 && timer_ticks - t0 < HOP_WAIT_TICKS)
		__asm__ volatile("" ::: "memory");
	return rebind_hops() != h0;
}

KTEST(quiet_window_means_no_rebind)
{
	unsigned h0 = rebind_hops();
	if (kopts.rebind_hop)
		KT_SKIP("a re-bind is due during these tests (rebind.hop)");
	timer_wait_ticks(5);
	KT_EXPECT(!rebind_pending());
	KT_EXPECT_EQ(rebind_hops(), h0);
}

/*
 * Before the hop, inside one lazy section: entry 1 is written twice
 * (frame c, then d) and entry 2 once (frame c) -- deferred by a
 * batching ROM.  After the hop, still in the section: entry 1 again
 * (frame a), then the section ends on the new backend.  Lost would
 * leave entry 2 as it was; applied twice (the old batch replayed after
 * the hop) would leave entry 1 at d.
 */
KTEST(lazy_batch_across_hop)
{
	uint64_t va1 = VMAP_BASE + 0x300000, va2 = va1 + PAGE_SIZE;
	uint64_t a = pmm_alloc(), b = pmm_alloc(), c = pmm_alloc(), d = pmm_alloc();
	unsigned h0 = rebind_hops();

	if (!kopts.rebind_hop)
		KT_SKIP("needs the host to re-bind the guest during the test (rebind.hop)");
	KT_ASSERT(a && b && c && d);
	*(uint64_t *)P2V(a) = 0xaaaa;
	*(uint64_t *)P2V(b) = 0xbbbb;
	*(uint64_t *)P2V(c) = 0xcccc;
	*(uint64_t *)P2V(d) = 0xdddd;
	KT_ASSERT(vm_map(&kernel_as, va1, b, PTE_W) == 0);
	KT_ASSERT(vm_map(&kernel_as, va2, b, PTE_W) == 0);
	uint64_t *p1 = vm_walk(&kernel_as, va1, false), *p2 = vm_walk(&kernel_as, va2, false);
	KT_ASSERT(p1 && p2);

	pv_lazy_mmu_enter();
	pv_set_pte(p1, c | PTE_P | PTE_W);
	pv_set_pte(p1, d | PTE_P | PTE_W);
	pv_set_pte(p2, c | PTE_P | PTE_W);
	rebind_request();			/* the host's countdown starts */
	bool hopped = wait_for_hop(h0);
	pv_set_pte(p1, a | PTE_P | PTE_W);
	pv_lazy_mmu_leave();
	pv_flush_tlb();

	kt_note("backend now %s after %u re-binds", pv_backend_name(), rebind_hops());
	KT_EXPECT(hopped);
	KT_EXPECT_EQ(*p1, a | PTE_P | PTE_W);
	KT_EXPECT_EQ(*p2, c | PTE_P | PTE_W);
	KT_EXPECT_EQ(*(volatile uint64_t *)va1, 0xaaaa);
	KT_EXPECT_EQ(*(volatile uint64_t *)va2, 0xcccc);
	pv_set_pte(p1, b | PTE_P | PTE_W);	/* b is the frame vm_unmap frees */
	pv_set_pte(p2, 0);
	pv_flush_tlb();
	KT_EXPECT(vm_unmap(&kernel_as, va1, NULL) == 0);
	pmm_free(a);
	pmm_free(c);
	pmm_free(d);
}

/*
 * rebind_hold() (tests that count free frames, KTEST_FRAMES): the host
 * moves the window while the hold is on; the kernel sees it (pending)
 * but does not re-bind, even given half a second of ticks; after the
 * release it re-binds.  Run by hv-rebind-hold-* (rebind.hop).
 */
KTEST(hold_defers_hop)
{
	unsigned h0 = rebind_hops(), during;
	uint64_t t0;
	bool seen, hopped;

	if (!kopts.rebind_hop)
		KT_SKIP("needs the host to re-bind the guest during the test (rebind.hop)");
	rebind_hold();
	rebind_request();			/* the host's countdown starts */
	t0 = timer_ticks;
	while (!rebind_pending() && timer_ticks - t0 < HOP_WAIT_TICKS)
		__asm__ volatile("" ::: "memory");
	seen = rebind_pending();
	timer_wait_ticks(TIMER_HZ / 2);		/* the re-bind thread gets its ticks */
	during = rebind_hops();
	rebind_release();
	hopped = wait_for_hop(h0);
	kt_note("window changed: %s; re-binds while held: %u; after the release: %u; backend now %s",
		seen ? "yes" : "no", during - h0, rebind_hops() - h0, pv_backend_name());
	KT_EXPECT(seen);
	KT_EXPECT_EQ(during, h0);
	KT_EXPECT(hopped);
}

/* One line of the console stream: its number and a check word; the
 * harness (tests/boot/rebind.sh) finds every line once, in order. */
static uint32_t rbc_check(unsigned i)
{
	return (i + 1) * 2654435761u;
}

KTEST(console_stream_across_hop)
{
	unsigned h0 = rebind_hops(), i, hop_at = 0;
	const unsigned max = 100000, after = 40;
	uint64_t t0 = timer_ticks;

	if (!kopts.rebind_hop)
		KT_SKIP("needs the host to re-bind the guest during the test (rebind.hop)");
	rebind_request();
	for (i = 0; i < max && (hop_at || timer_ticks - t0 < HOP_WAIT_TICKS); i++) {
		printf("rbc %04u %08x\n", i, (unsigned)rbc_check(i));
		if (!hop_at && rebind_hops() != h0)
			hop_at = i + 1;
		if (hop_at && i >= hop_at + after)
			break;
	}
	kt_note("rbc: %u lines, the hop after line %u, backend now %s",
		hop_at && i < max ? i + 1 : i, hop_at, pv_backend_name());
	KT_EXPECT(hop_at != 0);
}
