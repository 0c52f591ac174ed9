/*
 * test_virtio_balloon.c: the balloon follows the host's target and the
 * kernel's free-page count follows the balloon.
 *
 * Each case prints "# balloon: waiting for a target (...)" and waits;
 * the host (tests/boot/virtio-qemu.sh through QMP `balloon`) then sets
 * the target: 16 MiB more, then back to none.
 */
#include "kernel.h"
#include "mm.h"
#include "pic.h"
#include "ktest.h"
#include "virtio_hooks.h"
#include <gd/virtio_balloon.h>
#include "hv_stats.h"

/* Makes the frames the balloon will take resident in the host: it takes
 * free frames from the top of memory, so write to the top `n` free ones
 * (a frame is zeroed when it is allocated, so writing to a free one
 * loses nothing).  Otherwise the balloon's frames might never have been
 * backed, and the drop would prove nothing. */
static void touch_top_free(uint64_t n)
{
	for (uint64_t pa = pmm_top; pa >= PAGE_SIZE && n; pa -= PAGE_SIZE)
		if (pmm_is_free(pa - PAGE_SIZE)) {
			*(volatile uint8_t *)P2V(pa - PAGE_SIZE) = 0;
			n--;
		}
}

#define KTEST_SUITE "virtio-balloon"

#define STEP_PAGES (16u * 1024 * 1024 / PAGE_SIZE)
#define WAIT_S 60

static uint64_t free_before_inflate;

KTEST_SUITE_PRECONDITION
{
	struct virtio_balloon_info bi;
	virtio_balloon_info(&bi);
	if (!bi.bound && !virtio_wanted("balloon"))
		KT_SKIP("no virtio-balloon device (with virtio=balloon this fails instead)");
}

KTEST(bound)
{
	struct virtio_balloon_info bi;
	virtio_balloon_info(&bi);
	if (!bi.bound)
		kt_fail(kt, __FILE__, __LINE__,
			"virtio=balloon on the command line, and no virtio-balloon driver bound");
}

/* Waits for the balloon to reach a target other than `from`; fills bi. */
static bool wait_target(uint32_t from, struct virtio_balloon_info *bi)
{
	uint64_t until = timer_ticks + WAIT_S * TIMER_HZ;
	while (timer_ticks < until) {
		virtio_balloon_info(bi);
		if (bi->target != from && bi->pages == bi->target)
			return true;
		if (bi->target != from && bi->stuck)
			return false;
		timer_wait_ticks(1);
	}
	return false;
}

KTEST_FLAGS(inflate_16mib, KTEST_FRAMES)
{
	struct virtio_balloon_info bi;
	virtio_balloon_info(&bi);
	KT_ASSERT(bi.bound);
	uint32_t from = bi.pages;
	free_before_inflate = pmm_free_count();
	touch_top_free(STEP_PAGES + STEP_PAGES / 4);
	uint32_t res0 = hv_stat(HV_STAT_GUEST_RESIDENT);
	kt_note("balloon: waiting for a target (inflate by 16 MiB)");
	if (!wait_target(from, &bi)) {
		kt_fail(kt, __FILE__, __LINE__, "balloon at %u of target %u pages after %d s%s",
			bi.pages, bi.target, WAIT_S, bi.stuck ? " (stuck, see the log)" : "");
		return;
	}
	KT_EXPECT_EQ(bi.pages - from, STEP_PAGES);
	KT_EXPECT_EQ(pmm_free_count(), free_before_inflate - STEP_PAGES);
	KT_EXPECT_EQ(pmm_balloon_count(), bi.pages);
	kt_note("balloon: inflate %u pages took %llu ms", bi.moved_pages,
		(unsigned long long)(bi.moved_ns / 1000000));
	uint32_t res1 = hv_stat(HV_STAT_GUEST_RESIDENT);
	if (res0 == HV_STAT_ABSENT) {
		kt_note("balloon: not under hv (no resident-pages counter): host memory not checked");
		return;
	}
	/* The bar: the host's resident memory drops by at least 90%
	 * of what was inflated. */
	kt_note("balloon: host resident guest RAM %u -> %u pages (dropped %d of %u inflated)",
		res0, res1, (int)(res0 - res1), (unsigned)STEP_PAGES);
	KT_EXPECT(res1 < res0 && res0 - res1 >= STEP_PAGES * 9 / 10);
}

KTEST_FLAGS(deflate, KTEST_FRAMES)
{
	struct virtio_balloon_info bi;
	virtio_balloon_info(&bi);
	KT_ASSERT(bi.bound && bi.pages >= STEP_PAGES);
	uint64_t free0 = pmm_free_count();
	kt_note("balloon: waiting for a target (deflate to 0)");
	if (!wait_target(bi.pages, &bi)) {
		kt_fail(kt, __FILE__, __LINE__, "balloon at %u of target %u pages after %d s%s",
			bi.pages, bi.target, WAIT_S, bi.stuck ? " (stuck, see the log)" : "");
		return;
	}
	KT_EXPECT_EQ(bi.pages, 0);
	KT_EXPECT_EQ(pmm_balloon_count(), 0);
	KT_EXPECT_EQ(pmm_free_count(), free0 + STEP_PAGES);
	KT_EXPECT_EQ(pmm_free_count(), free_before_inflate);
	kt_note("balloon: deflate %u pages took %llu ms", bi.moved_pages,
		(unsigned long long)(bi.moved_ns / 1000000));
}
