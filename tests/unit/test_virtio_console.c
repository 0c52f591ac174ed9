/*
 * test_virtio_console.c: the console driver (guest-drivers/
 * virtio_console.c) against a fake core and device: the console switch,
 * output split into page-sized buffers, a device that stops answering
 * hands the console back, input through the receive ring.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "fake_virtio.h"
#include <gd/virtio_console.h>

enum { RXQ, TXQ };

/* The kernel's side: its console switch. */
static void (*sink)(const char *s, size_t n);
static unsigned sink_sets;

void gd_console_set_sink(void (*write)(const char *s, size_t n))
{
	sink = write;
	sink_sets++;
}

static struct fake_dev *dev;

/* One device for the whole run (the driver drives one console). */
static int group_setup(void **st)
{
	(void)st;
	fake_reset_all();
	virtio_console_init();
	dev = fake_dev_new("virtio-console@00:02.0");
	dev->vq[TXQ].answer_on_kick = true;
	return fake_probe(dev);
}

static void probe_switches_console(void **st)
{
	(void)st;
	assert_true(dev->ready);
	assert_int_equal(dev->nvqs, 2);
	assert_int_equal(fake_driver->features, 0);	/* port 0 only: no MULTIPORT */
	assert_non_null(sink);
	assert_true(dev->vq[TXQ].cb_disabled);		/* transmit is polled */
	assert_int_equal(dev->vq[RXQ].nreq, 8);		/* receive buffers posted */
	assert_int_equal(dev->vq[RXQ].req[0].n_in, 1);	/* ... for the device to write */
	assert_true(dev->vq[RXQ].kicks >= 1);
	struct virtio_console_info ci;
	virtio_console_info(&ci);
	assert_true(ci.bound && ci.sink);
	assert_string_equal(ci.name, "virtio-console@00:02.0");
}

static void output_in_page_sized_buffers(void **st)
{
	(void)st;
	static char big[10000];
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	struct fake_vq *q = &dev->vq[TXQ];
	unsigned first = q->nreq;
	struct virtio_console_info before, after;
	virtio_console_info(&before);
	sink(big, sizeof(big));
	assert_int_equal(q->nreq - first, 3);
	assert_int_equal(q->req[first].buf[0].len, 4096);
	assert_int_equal(q->req[first + 2].buf[0].len, 10000 - 8192);
	assert_int_equal(q->req[first].n_out, 1);	/* the device reads it */
	assert_memory_equal(q->req[first].snap, big, FAKE_SNAP);
	assert_memory_equal(q->req[first + 2].snap, big + 8192, FAKE_SNAP);
	virtio_console_info(&after);
	assert_int_equal(after.tx_bytes - before.tx_bytes, sizeof(big));
	assert_int_equal(after.tx_bufs - before.tx_bufs, 3);
}

static void input_reaches_read(void **st)
{
	(void)st;
	struct fake_vq *q = &dev->vq[RXQ];
	unsigned posted = q->nreq;
	char *buf = (char *)(uintptr_t)q->req[0].buf[0].pa;
	memcpy(buf, "hello\n", 6);
	fake_complete(dev, RXQ, 0, 6);
	q->cb((struct virtq *)q);			/* the interrupt */
	char got[16] = { 0 };
	assert_int_equal(virtio_console_read(got, sizeof(got)), 6);
	assert_string_equal(got, "hello\n");
	assert_int_equal(virtio_console_read(got, sizeof(got)), 0);
	assert_int_equal(q->nreq, posted + 1);		/* the buffer went back */
	assert_int_equal(q->req[posted].buf[0].pa, q->req[0].buf[0].pa);
}

static void overstated_length_clamped(void **st)
{
	(void)st;
	struct fake_vq *q = &dev->vq[RXQ];
	fake_complete(dev, RXQ, 1, 100000);		/* a device that lies */
	q->cb((struct virtq *)q);
	char got[512];
	assert_int_equal(virtio_console_read(got, sizeof(got)), 256);
}

/* Last: the device stops answering and the kernel gets its console back. */
static void silent_device_hands_console_back(void **st)
{
	(void)st;
	dev->vq[TXQ].answer_on_kick = false;
	unsigned sets = sink_sets;
	sink("lost?\n", 6);
	assert_null(sink);
	assert_int_equal(sink_sets, sets + 1);
	assert_non_null(strstr(fake_last_log, "did not take output"));
	struct virtio_console_info ci;
	virtio_console_info(&ci);
	assert_false(ci.sink);
}

static void second_device_refused(void **st)
{
	(void)st;
	struct fake_dev *other = fake_dev_new("virtio-console@00:05.0");
	assert_true(fake_probe(other) < 0);
	assert_false(other->ready);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(probe_switches_console),
		cmocka_unit_test(output_in_page_sized_buffers),
		cmocka_unit_test(input_reaches_read),
		cmocka_unit_test(overstated_length_clamped),
		cmocka_unit_test(silent_device_hands_console_back),
		cmocka_unit_test(second_device_refused),
	};
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
