/*
 * test_vmi.c: the hypervisor ROM binding: the backend the boot was told
 * to expect is the one bound, and ROM CALL entries really run.
 */
#include <string.h>
#include "kernel.h"
#include "ktest.h"
#include <pvops/pvops.h>
#include "guest.h"
#include "../../backends/testrom/testrom.h"

#define KTEST_SUITE "vmi"

const struct vmi_binding *pv_binding(void);
void nat_cpuid_raw(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b,
		   uint32_t *c, uint32_t *d);

/* expect=NAME on the command line names the backend this boot must bind
 * ("native" for none); the matrix sets it for every environment. */
KTEST(expected_backend_bound)
{
	if (!kopts.expect[0])
		KT_SKIP("no expect= option given");
	/* A ROM without a name string is "unnamed" (one word, as expect=
	 * takes one); pv_backend_name says "unnamed ROM" in the log. */
#ifndef CONFIG_PV_NONE
	const struct vmi_binding *b = pv_binding();
	if (b && !b->name[0] && strcmp(kopts.expect, "unnamed") == 0)
		return;
#endif
	if (strcmp(pv_backend_name(), kopts.expect) != 0)
		kt_fail(kt, __FILE__, __LINE__, "bound '%s', expected '%s'",
			pv_backend_name(), kopts.expect);
}

#ifndef CONFIG_PV_NONE
KTEST(testrom_call_entries_run)
{
	const struct vmi_binding *b = pv_binding();
	if (!b || strcmp(b->name, "testrom") != 0)
		KT_SKIP("the test ROM is not bound");
	volatile struct testrom_state *st = (void *)(uintptr_t)b->data_va;
	KT_EXPECT_EQ(st->magic, TESTROM_MAGIC);
	KT_EXPECT_EQ(st->rom_pa, b->rom_pa);
	uint64_t cpuids = st->cpuid_calls, calls = st->console_calls;
	uint32_t a, bx, c, d, ra, rb, rc, rd;
	pv_cpuid(0, 0, &a, &bx, &c, &d);
	KT_EXPECT_EQ(st->cpuid_calls, cpuids + 1);
	nat_cpuid_raw(0, 0, &ra, &rb, &rc, &rd);		/* the instruction itself */
	KT_EXPECT_EQ(a, ra);
	KT_EXPECT_EQ(bx, rb);
	console_write("    # console write through the test ROM\n", 41);
	KT_EXPECT(st->console_calls > calls);
}
#endif
