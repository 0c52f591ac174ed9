/* uart.c: a 16550 at COM1 (0x3F8) for polling drivers: guest output to
 * stdout, input from stdin.  The transmitter is always ready (LSR THRE
 * and TEMT set), no interrupt is ever raised (IIR says none pending), and
 * the divisor latch and scratch registers just hold what was written. */
#include "hcall.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <unistd.h>

#define UART_LSR_DR    0x01
#define UART_LSR_THRE  0x20
#define UART_LSR_TEMT  0x40
#define UART_LCR_DLAB  0x80

struct uart {
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	int rx;             /* next input byte, -1 none */
	int rx_eof;
	char out[4096];
	size_t nout;
};

static struct uart com1 = { .rx = -1, .dll = 1 };

/* Output is buffered a line at a time: one write(2) per line, not per
 * byte, keeps a chatty guest from costing a syscall per character. */
void uart__flush(void)
{
	size_t off = 0;

	while (off < com1.nout) {
		ssize_t n = write(STDOUT_FILENO, com1.out + off, com1.nout - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;          /* stdout gone: the guest runs on, unheard */
		off += (size_t)n;
	}
	com1.nout = 0;
}

static void uart_tx(uint8_t c)
{
	com1.out[com1.nout++] = (char)c;
	if (c == '\n' || com1.nout == sizeof(com1.out))
		uart__flush();
}

/* Input is pulled only when the guest looks: a zero-timeout poll on
 * stdin, so hv never blocks on it. */
static void uart_rx_poll(void)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
	unsigned char c;

	if (com1.rx >= 0 || com1.rx_eof)
		return;
	if (poll(&p, 1, 0) != 1)
		return;
	if (read(STDIN_FILENO, &c, 1) == 1)
		com1.rx = c;
	else
		com1.rx_eof = 1;
}

static uint8_t uart_read(unsigned reg)
{
	int dlab = com1.lcr & UART_LCR_DLAB;
	uint8_t v;

	switch (reg) {
	case 0:
		if (dlab)
			return com1.dll;
		uart_rx_poll();
		v = com1.rx < 0 ? 0 : (uint8_t)com1.rx;
		com1.rx = -1;
		return v;
	case 1: return dlab ? com1.dlm : com1.ier;
	case 2: return (com1.fcr & 1) ? 0xc1 : 0x01;   /* no interrupt pending */
	case 3: return com1.lcr;
	case 4: return com1.mcr;
	case 5:
		uart_rx_poll();
		return UART_LSR_THRE | UART_LSR_TEMT | (com1.rx >= 0 ? UART_LSR_DR : 0);
	case 6: return 0xb0;                           /* DCD, DSR, CTS */
	default: return com1.scr;
	}
}

static void uart_write(unsigned reg, uint8_t v)
{
	int dlab = com1.lcr & UART_LCR_DLAB;

	switch (reg) {
	case 0: if (dlab) com1.dll = v; else uart_tx(v); break;
	case 1: if (dlab) com1.dlm = v; else com1.ier = v & 0x0f; break;
	case 2: com1.fcr = v; break;
	case 3: com1.lcr = v; break;
	case 4: com1.mcr = v & 0x1f; break;
	case 7: com1.scr = v; break;
	default: break;                                /* LSR, MSR read-only */
	}
}

/* Wider accesses touch consecutive registers, one byte each; bytes past
 * the last register fall on an empty bus. */
static void uart_io(struct hv *hv, struct hv_io *io, void *opaque)
{
	(void)hv; (void)opaque;
	if (!io->out)
		io->val = 0;
	for (unsigned i = 0; i < io->size; i++) {
		unsigned reg = io->port - HV_PORT_COM1 + i;
		if (reg > 7)
			io->val |= io->out ? 0 : 0xffu << (8 * i);
		else if (io->out)
			uart_write(reg, (uint8_t)(io->val >> (8 * i)));
		else
			io->val |= (uint32_t)uart_read(reg) << (8 * i);
	}
}

void uart__init(struct hv *hv)
{
	(void)hv;
	hv_port_register(HV_PORT_COM1, 8, "com1", uart_io, NULL);
}

/* Issue 14: COM1's registers in a snapshot ("dev.com1").  The line
 * being buffered is flushed before a save, so the source prints it and
 * the restored guest goes on from the next byte. */
#include "snapshot.h"

void uart__save(struct snap_uart *s)
{
	*s = (struct snap_uart){ .ier = com1.ier, .lcr = com1.lcr, .mcr = com1.mcr,
		.scr = com1.scr, .dll = com1.dll, .dlm = com1.dlm, .fcr = com1.fcr,
		.rx_eof = (uint8_t)com1.rx_eof, .rx = com1.rx };
}

void uart__load(const struct snap_uart *s)
{
	com1.ier = s->ier; com1.lcr = s->lcr; com1.mcr = s->mcr; com1.scr = s->scr;
	com1.dll = s->dll; com1.dlm = s->dlm; com1.fcr = s->fcr;
	com1.rx_eof = s->rx_eof; com1.rx = s->rx;
}
