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

KTEST(inflate_16mib)
{
	struct virtio_balloon_info bi;
	virtio_balloon_info(&bi);
	KT_ASSERT(bi.bound);
	uint32_t from = bi.pages;
	free_before_inflate = pmm_free_count();
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
}

KTEST(deflate)
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
