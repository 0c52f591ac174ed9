/*
 * test_virtio_console.c: the kernel console over virtio-console.
 *
 * Output: lines printed after the switch leave through the device (the
 * transmit counter grows by exactly their bytes, and the host harness,
 * tests/boot/virtio-qemu.sh, finds them in the port's chardev and not
 * on the UART).  Input: after "# console: waiting for input" the harness
 * writes "ping from the host" and a newline to the port.
 */
#include <stdio.h>
#include <string.h>
#include "kernel.h"
#include "pic.h"
#include "ktest.h"
#include "virtio_hooks.h"
#include <gd/virtio_console.h>

#define KTEST_SUITE "virtio-console"

#define INPUT_LINE "ping from the host"
#define WAIT_S 30

KTEST_SUITE_PRECONDITION
{
	struct virtio_console_info ci;
	virtio_console_info(&ci);
	if (!ci.bound && !virtio_wanted("console"))
		KT_SKIP("no virtio-console device (with virtio=console this fails instead)");
}

KTEST(bound)
{
	struct virtio_console_info ci;
	virtio_console_info(&ci);
	if (!ci.bound)
		kt_fail(kt, __FILE__, __LINE__,
			"virtio=console on the command line, and no virtio-console driver bound");
	KT_EXPECT(ci.sink);
}

KTEST(output_over_virtio)
{
	struct virtio_console_info before, after;
	char line[96];
	size_t bytes = 0;
	virtio_console_info(&before);
	KT_ASSERT(before.sink);
	for (int i = 1; i <= 3; i++) {
		int n = snprintf(line, sizeof(line),
				 "    # virtio-console: line %d of 3 over port 0\n", i);
		bytes += (size_t)n;
		printf("%s", line);
	}
	virtio_console_info(&after);
	KT_EXPECT_EQ(after.tx_bytes - before.tx_bytes, bytes);
	kt_note("virtio-console: %llu bytes in %llu buffers sent since the switch",
		(unsigned long long)after.tx_bytes, (unsigned long long)after.tx_bufs);
}

/* Collects input until a newline or WAIT_S seconds. */
static size_t read_line(char *buf, size_t size)
{
	size_t n = 0;
	uint64_t until = timer_ticks + WAIT_S * TIMER_HZ;
	while (n < size - 1 && timer_ticks < until) {
		n += virtio_console_read(buf + n, size - 1 - n);
		if (n && buf[n - 1] == '\n')
			break;
		timer_wait_ticks(1);
	}
	buf[n] = 0;
	return n;
}

KTEST(input_from_host)
{
	char buf[64];
	kt_note("console: waiting for input");
	size_t n = read_line(buf, sizeof(buf));
	if (n == 0) {
		kt_fail(kt, __FILE__, __LINE__, "nothing arrived on port 0 in %d s", WAIT_S);
		return;
	}
	if (buf[n - 1] == '\n')
		buf[--n] = 0;
	if (strcmp(buf, INPUT_LINE) != 0)
		kt_fail(kt, __FILE__, __LINE__, "port 0 gave '%s', expected '%s'", buf, INPUT_LINE);
}
