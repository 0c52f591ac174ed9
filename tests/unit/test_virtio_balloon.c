/*
 * test_virtio_balloon.c: the balloon driver (guest-drivers/
 * virtio_balloon.c) against a fake core and device: batches, the actual
 * count, deflate telling the host before pages go back, running out of
 * pages, a device that never answers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "fake_virtio.h"
#include <gd/virtio_balloon.h>

enum { INFLATEQ, DEFLATEQ };
#define CFG_NUM_PAGES 0
#define CFG_ACTUAL 4

/* The kernel's side: a pool of fake frames, a flag for the thread. */
static uint64_t next_pa, pool_left, given, wakes, starts;
static struct fake_dev *dev;

uint64_t gd_balloon_take_page(void)
{
	if (!pool_left)
		return 0;
	pool_left--;
	return next_pa += 4096;
}

/* A page comes back only after the host acknowledged a deflate request
 * naming it (VIRTIO_BALLOON_F_MUST_TELL_HOST). */
void gd_balloon_give_page(uint64_t pa)
{
	struct fake_vq *q = &dev->vq[DEFLATEQ];
	bool told = false;
	for (unsigned i = q->nreq; i-- > 0 && !told; ) {	/* latest first */
		const uint32_t *pfn = (const uint32_t *)q->req[i].snap;
		for (unsigned k = 0; k < q->req[i].buf[0].len / 4; k++)
			told |= q->req[i].done && pfn[k] == pa >> 12;
	}
	assert_true(told);
	given++;
	pool_left++;
}

void gd_balloon_start(void) { starts++; }
void gd_balloon_wake(void) { wakes++; }

static void set_target(uint32_t pages) { virtio_cfg_write32(&dev->vd, CFG_NUM_PAGES, pages); }
static uint32_t actual(void) { return virtio_cfg_read32(&dev->vd, CFG_ACTUAL); }

static void run_work(void)
{
	for (int i = 0; i < 1000 && virtio_balloon_work(); i++)
		;
}

/* The driver keeps its state across probes of one process, so each test
 * starts from a balloon brought back to empty. */
static int setup(void **st)
{
	(void)st;
	static bool probed;
	static struct fake_dev *first;
	if (!probed) {
		fake_reset_all();
		virtio_balloon_init();
		first = fake_dev_new("virtio-balloon@00:03.0");
		first->vq[INFLATEQ].answer_on_kick = first->vq[DEFLATEQ].answer_on_kick = true;
		assert_int_equal(fake_probe(first), 0);
		probed = true;
	}
	dev = first;
	for (unsigned q = 0; q < 2; q++) {	/* fresh request logs */
		dev->vq[q].nreq = dev->vq[q].next_used = 0;
		dev->vq[q].answer_on_kick = true;
	}
	next_pa = 0x100000;
	pool_left = 1u << 20;
	given = 0;
	return 0;
}

static int teardown(void **st)
{
	(void)st;
	dev->vq[INFLATEQ].answer_on_kick = dev->vq[DEFLATEQ].answer_on_kick = true;
	set_target(0);
	run_work();
	struct virtio_balloon_info bi;
	virtio_balloon_info(&bi);
	assert_int_equal(bi.pages, 0);
	return 0;
}

static void probe_readies_and_starts_thread(void **st)
{
	(void)st;
	assert_true(dev->ready);
	assert_int_equal(starts, 1);
	assert_true(wakes >= 1);		/* a target set before boot is looked at */
	assert_int_equal(dev->nvqs, 2);
	assert_true(fake_driver->features & 1);	/* MUST_TELL_HOST: it always tells */
	unsigned before = wakes;
	fake_driver->config_changed(&dev->vd);	/* the interrupt only wakes */
	assert_int_equal(wakes, before + 1);
}

static void inflate_in_batches_of_256(void **st)
{
	(void)st;
	set_target(600);
	run_work();
	struct fake_vq *q = &dev->vq[INFLATEQ];
	assert_int_equal(q->nreq, 3);
	assert_int_equal(q->req[0].buf[0].len, 256 * 4);
	assert_int_equal(q->req[2].buf[0].len, 88 * 4);
	assert_int_equal(q->req[0].n_out, 1);	/* the device reads the list */
	assert_int_equal(actual(), 600);
	assert_int_equal(pool_left, (1u << 20) - 600);
	/* the frame numbers sent are the pages taken, in order */
	const uint32_t *pfn = (const uint32_t *)q->req[0].snap;
	assert_int_equal(pfn[0], (0x100000 + 4096) >> 12);
	assert_int_equal(pfn[255], pfn[0] + 255);
	struct virtio_balloon_info bi;
	virtio_balloon_info(&bi);
	assert_int_equal(bi.pages, 600);
	assert_int_equal(bi.target, 600);
	assert_false(bi.stuck);
	assert_int_equal(bi.moved_pages, 600);
}

static void deflate_tells_host_first(void **st)
{
	(void)st;
	set_target(600);
	run_work();
	set_target(100);
	run_work();				/* give_page asserts the order */
	assert_int_equal(dev->vq[DEFLATEQ].nreq, 2);
	assert_int_equal(given, 500);
	assert_int_equal(actual(), 100);
	assert_int_equal(pool_left, (1u << 20) - 100);
}

static void stops_when_the_kernel_has_no_pages(void **st)
{
	(void)st;
	pool_left = 100;
	set_target(300);
	run_work();
	struct virtio_balloon_info bi;
	virtio_balloon_info(&bi);
	assert_int_equal(bi.pages, 100);
	assert_true(bi.stuck);
	assert_int_equal(actual(), 100);
	assert_false(virtio_balloon_work());	/* no busy retry on the same target */
	pool_left = 1000;
	set_target(200);			/* a new target: tries again */
	run_work();
	virtio_balloon_info(&bi);
	assert_int_equal(bi.pages, 200);
	assert_false(bi.stuck);
}

static void silent_device_is_not_counted(void **st)
{
	(void)st;
	dev->vq[INFLATEQ].answer_on_kick = false;
	set_target(10);
	run_work();
	struct virtio_balloon_info bi;
	virtio_balloon_info(&bi);
	assert_int_equal(bi.pages, 0);		/* not acknowledged: not in the balloon */
	assert_true(bi.stuck);
	assert_int_equal(actual(), 0);
	assert_non_null(strstr(fake_last_log, "stopped at 0 of 10 pages: the host did not take"));
	/* its pages stay out of the kernel: the host may have dropped them */
	assert_int_equal(pool_left, (1u << 20) - 10);
	dev->vq[INFLATEQ].nreq = dev->vq[INFLATEQ].next_used = 0;
}

static void target_capped(void **st)
{
	(void)st;
	set_target(70000);
	run_work();
	struct virtio_balloon_info bi;
	virtio_balloon_info(&bi);
	assert_int_equal(bi.pages, 65536);
	assert_int_equal(actual(), 65536);
	assert_non_null(strstr(fake_last_log, "capped"));
	dev->vq[INFLATEQ].nreq = dev->vq[INFLATEQ].next_used = 0;
}

static void second_device_refused(void **st)
{
	(void)st;
	struct fake_dev *other = fake_dev_new("virtio-balloon@00:04.0");
	assert_true(fake_probe(other) < 0);
	assert_false(other->ready);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(probe_readies_and_starts_thread, setup, teardown),
		cmocka_unit_test_setup_teardown(inflate_in_batches_of_256, setup, teardown),
		cmocka_unit_test_setup_teardown(deflate_tells_host_first, setup, teardown),
		cmocka_unit_test_setup_teardown(stops_when_the_kernel_has_no_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(silent_device_is_not_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(target_capped, setup, teardown),
		cmocka_unit_test_setup_teardown(second_device_refused, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
