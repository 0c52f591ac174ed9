/*
 * console.c: the kernel console: newlib's stdout ends here and leaves
 * through the pvops console op (the 16550 natively, a hypercall under a
 * backend), one call per buffer.
 */
#include <stdio.h>
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

void console_write(const char *s, size_t n)
{
	uint64_t fl = pv_irq_save();		/* lines from threads don't mix */
	pv_console_write(s, n);
	pv_irq_restore(fl);
}
