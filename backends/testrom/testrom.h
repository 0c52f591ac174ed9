/*
 * testrom.h: the test ROM's data-area layout, so a guest test can read the
 * counters at data_va and tell that the ROM path ran.
 */
#ifndef TESTROM_H
#define TESTROM_H

#define TESTROM_CPUID_CALLS 32   /* offsetof(struct testrom_state, cpuid_calls) */
#define TESTROM_NOTIFY_CALLS 40  /* offsetof(struct testrom_state, notify_calls) */

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
};
_Static_assert(offsetof(struct testrom_state, cpuid_calls) == TESTROM_CPUID_CALLS,
               "testrom_cpuid.S uses this offset");
_Static_assert(offsetof(struct testrom_state, notify_calls) == TESTROM_NOTIFY_CALLS,
               "testrom_notify.S uses this offset");
#endif /* __ASSEMBLER__ */

#endif /* TESTROM_H */
