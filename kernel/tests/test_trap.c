/*
 * test_trap.c: exceptions are caught and reported, and the deliberate
 * panic (test=trap.panic) that the harness expects to see fail.
 */
#include "kernel.h"
#include "trap.h"
#include "ktest.h"
#include <pvops/pvops.h>

#define KTEST_SUITE "trap"

/* An address the compiler cannot see through (null-page accesses). */
static void *opaque(uintptr_t a)
{
	__asm__("" : "+r"(a));
	return (void *)a;
}

KTEST(page_fault_caught)
{
	struct trap_catch c;
	volatile uint64_t *bad = opaque(0x10);		/* null page */
	if (TRAP_CATCH(&c, 14) == 0) {
		(void)*bad;
		trap_catch_end(&c);
		kt_fail(kt, __FILE__, __LINE__, "no #PF on a null read");
		return;
	}
	trap_catch_end(&c);
	KT_EXPECT_EQ(c.cr2, 0x10);
	KT_EXPECT((c.error & 1) == 0);			/* not present */
	KT_EXPECT((c.error & 2) == 0);			/* a read */
}

KTEST(write_fault_sets_error_bits)
{
	struct trap_catch c;
	if (TRAP_CATCH(&c, 14) == 0) {
		*(volatile uint32_t *)opaque(0x20) = 1;
		trap_catch_end(&c);
		kt_fail(kt, __FILE__, __LINE__, "no #PF on a null write");
		return;
	}
	trap_catch_end(&c);
	KT_EXPECT((c.error & 2) != 0);			/* a write */
}

KTEST(invalid_opcode_caught)
{
	struct trap_catch c;
	extern char kt_ud2_at[];
	if (TRAP_CATCH(&c, 6) == 0) {
		__asm__ volatile(".globl kt_ud2_at\nkt_ud2_at: ud2");
		trap_catch_end(&c);
		kt_fail(kt, __FILE__, __LINE__, "ud2 did not raise #UD");
		return;
	}
	trap_catch_end(&c);
	KT_EXPECT_EQ(c.rip, (uint64_t)kt_ud2_at);
}

KTEST(interrupt_flag_restored_after_catch)
{
	struct trap_catch c;
	uint64_t before = pv_save_fl() & PV_FL_IF;
	if (TRAP_CATCH(&c, 6) == 0)
		__asm__ volatile("ud2");
	trap_catch_end(&c);
	KT_EXPECT_EQ(pv_save_fl() & PV_FL_IF, before);
}

/* Only with test=trap.panic: an exception nobody catches. */
KTEST_FLAGS(panic, KTEST_EXPLICIT)
{
	kt_note("raising #UD with no catch armed: expect PANIC and a dump");
	__asm__ volatile("ud2");
	kt_fail(kt, __FILE__, __LINE__, "survived an uncaught #UD");
}
