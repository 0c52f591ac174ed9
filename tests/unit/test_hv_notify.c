/*
 * test_hv_notify.c: hv_device_notify (hv/notify.c), the host end of ROM
 * ABI 1.1's DEVICE_NOTIFY, against a stand-in bus: the notify reaches the
 * bus as a 2-byte MMIO write of the value at gpa, a claimed one returns
 * 0, an unclaimed one -1, and both are counted in hv's stats.  The real
 * bus (hv/bus.c) replaces the stand-in when the branches merge.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "../../hv/notify.h"

/* The stand-in bus: one claimed 4-byte register at CLAIMED. */
#define CLAIMED 0xe0001000ull
static struct { int calls; uint64_t gpa; unsigned len; bool write; uint16_t val; } g;

int bus__mmio(struct hv *hv, uint64_t gpa, void *data, unsigned len, bool write)
{
	(void)hv;
	g.calls++;
	g.gpa = gpa;
	g.len = len;
	g.write = write;
	if (len == 2)
		memcpy(&g.val, data, 2);
	return gpa >= CLAIMED && gpa - CLAIMED <= 4 - len ? 0 : -1;
}

static void claimed_notify_is_a_2_byte_write(void **st)
{
	(void)st;
	static struct hv hv;
	memset(&g, 0, sizeof(g));
	assert_int_equal(hv_device_notify(&hv, CLAIMED + 2, 0x1234), 0);
	assert_int_equal(g.calls, 1);
	assert_int_equal(g.gpa, CLAIMED + 2);
	assert_int_equal(g.len, 2);
	assert_true(g.write);
	assert_int_equal(g.val, 0x1234);
	assert_int_equal(hv.stats.notify, 1);
	assert_int_equal(hv.stats.notify_refused, 0);
}

static void unclaimed_notify_is_refused_and_counted(void **st)
{
	(void)st;
	static struct hv hv;
	memset(&g, 0, sizeof(g));
	assert_int_equal(hv_device_notify(&hv, 0x100000, 7), -1);
	assert_int_equal(hv_device_notify(&hv, UINT64_MAX - 1, 0xffff), -1);
	assert_int_equal(g.calls, 2);
	assert_int_equal(g.val, 0xffff);
	assert_int_equal(hv.stats.notify, 2);
	assert_int_equal(hv.stats.notify_refused, 2);
	assert_int_equal(hv_device_notify(&hv, CLAIMED, 0), 0);
	assert_int_equal(hv.stats.notify, 3);
	assert_int_equal(hv.stats.notify_refused, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(claimed_notify_is_a_2_byte_write),
		cmocka_unit_test(unclaimed_notify_is_refused_and_counted),
	};
	return cmocka_run_group_tests_name("hv_notify", tests, NULL, NULL);
}
