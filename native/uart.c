/*
 * uart.c: the native console, a 16550 UART at COM1 (0x3F8), polled.
 */
#include <stddef.h>
#include <native/insn.h>

#define COM1 0x3f8
#define LSR_THRE 0x20

void nat_uart_init(void)
{
	outb(COM1 + 1, 0x00);			/* no interrupts */
	outb(COM1 + 3, 0x80);			/* DLAB on */
	outb(COM1 + 0, 0x01);			/* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03);			/* 8N1, DLAB off */
	outb(COM1 + 2, 0xc7);			/* FIFO on, cleared */
	outb(COM1 + 4, 0x03);			/* DTR, RTS */
}

static void uart_putc(char c)
{
	/* Bounded wait: a missing UART reads 0xff and never blocks us. */
	for (int spin = 0; spin < 100000; spin++)
		if (inb(COM1 + 5) & LSR_THRE)
			break;
	outb(COM1, (uint8_t)c);
}

void nat_console_write(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n')
			uart_putc('\r');
		uart_putc(buf[i]);
	}
}
