/*
 * test_early_puts.c: the entry stub's "no long mode" message (EARLY_PUTS,
 * kernel/boot/early_puts.h) against a 16550 model whose transmit FIFO is
 * on, as GRUB leaves it: 16 bytes of FIFO plus the shift register, one
 * byte leaving every DRAIN_EVERY port accesses, a byte written to a full
 * FIFO lost.  The whole message must reach the wire; a UART that never
 * drains must not hang the loop.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../kernel/boot/early_puts.h"

#define FIFO_LEN    16
#define DRAIN_EVERY 100		/* port accesses per byte sent */

void early_puts_run(const char *s);

static struct {
	uint8_t fifo[FIFO_LEN];
	int fifo_n;
	int shifting;		/* a byte in the shift register */
	uint8_t shift;
	unsigned clock;
	char wire[4096];
	size_t wire_n;
	size_t dropped;
	int stuck;		/* never sends: LSR reads 0 */
	unsigned reads;
} u;

static void uart_reset(int stuck)
{
	memset(&u, 0, sizeof(u));
	u.stuck = stuck;
}

/* Time passes one tick per port access. */
static void uart_tick(void)
{
	if (u.stuck || ++u.clock % DRAIN_EVERY)
		return;
	if (u.shifting && u.wire_n < sizeof(u.wire))
		u.wire[u.wire_n++] = (char)u.shift;
	u.shifting = 0;
	if (u.fifo_n) {
		u.shift = u.fifo[0];
		u.shifting = 1;
		memmove(u.fifo, u.fifo + 1, (size_t)--u.fifo_n);
	}
}

uint8_t uart_model_in(uint16_t port);
uint8_t uart_model_in(uint16_t port)
{
	uart_tick();
	u.reads++;
	if (port != EARLY_LSR)
		return 0xff;
	return (!u.stuck && u.fifo_n == 0) ? EARLY_LSR_THRE : 0;
}

void uart_model_out(uint16_t port, uint8_t v);
void uart_model_out(uint16_t port, uint8_t v)
{
	uart_tick();
	if (port != EARLY_COM1)
		return;
	if (!u.shifting && u.fifo_n == 0 && !u.stuck) {
		u.shift = v;
		u.shifting = 1;
	} else if (u.fifo_n < FIFO_LEN) {
		u.fifo[u.fifo_n++] = v;
	} else {
		u.dropped++;
	}
}

/* What is still in the UART reaches the wire afterwards. */
static void uart_flush(void)
{
	while (u.shifting || u.fifo_n)
		uart_tick();
}

static void whole_message_with_fifo(void **state)
{
	(void)state;
	uart_reset(0);
	early_puts_run(EARLY_NO_LM_MSG);
	uart_flush();
	assert_int_equal(u.dropped, 0);
	assert_int_equal(u.wire_n, strlen(EARLY_NO_LM_MSG));
	assert_memory_equal(u.wire, EARLY_NO_LM_MSG, u.wire_n);
}

static void stuck_uart_does_not_hang(void **state)
{
	(void)state;
	uart_reset(1);
	early_puts_run("ab");
	assert_int_equal(u.reads, 2 * EARLY_POLL_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(whole_message_with_fifo),
		cmocka_unit_test(stuck_uart_does_not_hang),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
