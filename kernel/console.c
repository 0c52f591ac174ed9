/*
 * console.c: the kernel console: newlib's stdout ends here and leaves
 * through the pvops console op (the 16550 natively, a hypercall under a
 * backend), one call per buffer.
 *
 * A driver may take the console over (console_set_sink: the virtio
 * console once its port is ready).  The old path stays the early and
 * fallback console: panic output, anything before the switch, anything
 * the sink itself prints, and everything after a sink gives up (it
 * calls console_set_sink(NULL) from inside its write, and the buffer it
 * failed on is written again the old way, so nothing is lost).
 */
#include <stdio.h>
#include <string.h>
#include "kernel.h"
#include <pvops/pvops.h>

void nat_uart_init(void);

void console_init(void)
{
	nat_uart_init();
	/* Unbuffered: each printf is one write, and nothing is lost at a panic. */
	setvbuf(stdout, NULL, _IONBF, 0);
	setvbuf(stderr, NULL, _IONBF, 0);
}

/*
 * Writes go through a buffer in the kernel image: a hypervisor backend
 * is told where kernel memory lies linearly (the direct map), and heap,
 * stack or user buffers are not there.  One op call per 4 KiB.
 */
static char bounce[4096];
static void (*sink)(const char *s, size_t n);
static bool in_sink;			/* the sink's own messages go the old way */

void console_set_sink(void (*write)(const char *s, size_t n))
{
	uint64_t fl = pv_irq_save();
	sink = write;
	pv_irq_restore(fl);
}

void (*console_get_sink(void))(const char *s, size_t n)
{
	return sink;
}

/* The sink's write; false when it gave up on this buffer. */
static bool sink_write(const char *s, size_t n)
{
	void (*w)(const char *, size_t) = sink;
	if (!w || in_sink)
		return false;
	in_sink = true;
	w(s, n);
	in_sink = false;
	return sink == w;
}

void console_write(const char *s, size_t n)
{
	uint64_t fl = pv_irq_save();		/* lines from threads don't mix */
	if (sink_write(s, n)) {
		pv_irq_restore(fl);
		return;
	}
	while (n) {
		size_t k = n < sizeof(bounce) ? n : sizeof(bounce);
		memcpy(bounce, s, k);
		pv_console_write(bounce, k);
		s += k;
		n -= k;
	}
	pv_irq_restore(fl);
}
