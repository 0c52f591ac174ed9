/*
 * test_protect.c: the kernel's page protections hold: its text is
 * read-only once patching is done, the direct map does not execute, and
 * the ROM copy's code is writable through no alias and executable only
 * where it was mapped for that.  Each fault is caught as the trap tests
 * catch theirs.
 */
#include "kernel.h"
#include "mm.h"
#include "trap.h"
#include "ktest.h"
#include <pvops/pvops.h>

#define KTEST_SUITE "protect"

#define PF_P	0x01				/* #PF error: page present */
#define PF_W	0x02				/* a write */
#define PF_I	0x10				/* an instruction fetch */

/* Writes one byte at va back to itself; the #PF error code, or -1 if
 * the write went through. */
static int64_t write_fault(uint64_t va, struct trap_catch *c)
{
	volatile uint8_t *p = (volatile uint8_t *)va;
	if (TRAP_CATCH(c, 14) == 0) {
		*p = *p;
		trap_catch_end(c);
		return -1;
	}
	trap_catch_end(c);
	return (int64_t)c->error;
}

/* Calls the code at va (a ret, if it runs); the #PF error code, or -1
 * if it ran. */
static int64_t exec_fault(uint64_t va, struct trap_catch *c)
{
	if (TRAP_CATCH(c, 14) == 0) {
		((void (*)(void))va)();
		trap_catch_end(c);
		return -1;
	}
	trap_catch_end(c);
	return (int64_t)c->error;
}

void demo_run(void);

/* A write to kernel text after boot: #PF, present and write. */
KTEST(text_write_faults)
{
	struct trap_catch c;
	uint64_t va = (uint64_t)(uintptr_t)demo_run;
	int64_t err = write_fault(va, &c);
	KT_ASSERT(err >= 0);
	KT_EXPECT_EQ((uint64_t)err & (PF_P | PF_W), (uint64_t)(PF_P | PF_W));
	KT_EXPECT_EQ(c.cr2, va);
}

/* A ret written to a fresh frame and called through the direct map:
 * #PF, present and instruction fetch. */
KTEST(direct_map_exec_faults)
{
	if (!vm_nx)
		KT_SKIP("this CPU has no NX");
	struct trap_catch c;
	uint64_t pa = pmm_alloc();
	KT_ASSERT(pa);
	uint64_t va = (uint64_t)(uintptr_t)P2V(pa);
	*(volatile uint8_t *)va = 0xc3;
	int64_t err = exec_fault(va, &c);
	pmm_free(pa);
	KT_ASSERT(err >= 0);
	KT_EXPECT_EQ((uint64_t)err & (PF_P | PF_I), (uint64_t)(PF_P | PF_I));
	KT_EXPECT_EQ(c.cr2, va);
}

/* The kernel's own data stays writable (sealing the text took no more). */
KTEST(data_stays_writable)
{
	static volatile uint64_t word;
	struct trap_catch c;
	KT_EXPECT_EQ(write_fault((uint64_t)(uintptr_t)&word, &c), -1);
}

#ifndef CONFIG_PV_NONE
#include "guest.h"
const struct vmi_binding *pv_binding(void);

/* The ROM code: a write through its direct-map alias and through its
 * own mapping faults; executing through the alias faults. */
KTEST(rom_copy_writable_nowhere_executable_only_at_its_mapping)
{
	const struct vmi_binding *b = pv_binding();
	if (!b)
		KT_SKIP("no hypervisor ROM bound");
	struct trap_catch c;
	uint64_t alias = (uint64_t)(uintptr_t)P2V(b->rom_pa);
	int64_t err = write_fault(alias, &c);
	KT_EXPECT(err >= 0 && (err & PF_W));
	err = write_fault(b->rom_va, &c);
	KT_EXPECT(err >= 0 && (err & PF_W));
	if (vm_nx) {
		err = exec_fault(alias, &c);
		KT_EXPECT(err >= 0 && (err & PF_I));
	}
	KT_EXPECT_EQ(*(volatile uint8_t *)alias, *(volatile uint8_t *)b->rom_va);
}
#endif
