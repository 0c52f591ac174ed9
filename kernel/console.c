/*
 * console.c: the kernel console: newlib's stdout ends here and leaves
 * through the pvops console op (the 16550 natively, a hypercall under a
 * backend), one call per buffer.
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

void console_write(const char *s, size_t n)
{
	uint64_t fl = pv_irq_save();		/* lines from threads don't mix */
	while (n) {
		size_t k = n < sizeof(bounce) ? n : sizeof(bounce);
		memcpy(bounce, s, k);
		pv_console_write(bounce, k);
		s += k;
		n -= k;
	}
	pv_irq_restore(fl);
}
