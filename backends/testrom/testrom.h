/*
 * testrom.h: the test ROM's data-area layout, so a guest test can read the
 * counters at data_va and tell that the ROM path ran.
 */
#ifndef TESTROM_H
#define TESTROM_H

#define TESTROM_CPUID_CALLS 32   /* offsetof(struct testrom_state, cpuid_calls) */
#define TESTROM_NOTIFY_CALLS 40  /* offsetof(struct testrom_state, notify_calls) */
#define TESTROM_IRQ_CALLS 48     /* offsetof(struct testrom_state, irq_calls) */
#define TESTROM_PENDING 56       /* offsetof(struct testrom_state, pending) */
#define TESTROM_PORT 57          /* offsetof(struct testrom_state, port) */

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

#define TESTROM_MAGIC 0x4d4f525453455476ull   /* "vTESTROM" */

/* At offset 0 of the data area (the only .bss object of the ROM). */
struct testrom_state {
	uint64_t magic;          /* TESTROM_MAGIC once init succeeded */
	uint64_t rom_pa;         /* what init was told */
	uint64_t console_calls;  /* CONSOLE_WRITE calls */
	uint64_t console_bytes;  /* bytes written by them */
	uint64_t cpuid_calls;    /* CPUID calls (testrom_cpuid.S) */
	uint64_t notify_calls;   /* DEVICE_NOTIFY calls (testrom_notify.S; ABI 1.1) */
	/* ABI 1.2 (testrom_inline.S): the irq ops' CALL entries count here;
	 * their inline answers do not, so a site that got the bytes is seen
	 * not to call.  pending/port model a host's "event pending" byte
	 * and the port an enable then writes (never set under QEMU). */
	uint64_t irq_calls;
	uint8_t pending;
	uint8_t port;            /* 0x80 (IO_DELAY's), set by init */
};
_Static_assert(offsetof(struct testrom_state, cpuid_calls) == TESTROM_CPUID_CALLS,
               "testrom_cpuid.S uses this offset");
_Static_assert(offsetof(struct testrom_state, notify_calls) == TESTROM_NOTIFY_CALLS,
               "testrom_notify.S uses this offset");
_Static_assert(offsetof(struct testrom_state, irq_calls) == TESTROM_IRQ_CALLS &&
               offsetof(struct testrom_state, pending) == TESTROM_PENDING &&
               offsetof(struct testrom_state, port) == TESTROM_PORT,
               "testrom_inline.S uses these offsets");
#endif /* __ASSEMBLER__ */

#endif /* TESTROM_H */
