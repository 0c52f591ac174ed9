/*
 * test_vmi.c: the hypervisor ROM binding: the backend the boot was told
 * to expect is the one bound, and ROM CALL entries really run.
 */
#include <string.h>
#include "kernel.h"
#include "ktest.h"
#include "mm.h"
#include <pvops/pvops.h>
#include "guest.h"
#include <pvops/site.h>
#include <native/templates.h>
#include "../../backends/testrom/testrom.h"

#define KTEST_SUITE "vmi"

const struct vmi_binding *pv_binding(void);
const struct vmi_binding *pv_rom_attempt(void);
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

/* The test ROM answers DEVICE_NOTIFY (ABI 1.1) with CALL to an entry that
 * stores like the native form and counts: the count rises by one per
 * notify and the 16-bit store lands. */
KTEST(testrom_notify_call_runs)
{
	const struct vmi_binding *b = pv_binding();
	if (!b || strcmp(b->name, "testrom") != 0)
		KT_SKIP("the test ROM is not bound");
	if (b->answer[VMI_CALL_DEVICE_NOTIFY].type == VMI_RELOC_NATIVE)
		KT_SKIP("the bound test ROM leaves DEVICE_NOTIFY native (ABI 1.0)");
	volatile struct testrom_state *st = (void *)(uintptr_t)b->data_va;
	static volatile uint16_t reg[2] = { 0xaaaa, 0xbbbb };
	uint64_t n = st->notify_calls;
	pv_device_notify(&reg[0], 0x10003, V2P(&reg[0]));
	KT_EXPECT_EQ(st->notify_calls, n + 1);
	KT_EXPECT_EQ(reg[0], 3);
	KT_EXPECT_EQ(reg[1], 0xbbbb);
}

/* A ROM of ABI 1.0 (no call 39), or one that does not announce
 * VMI_FEAT_DEVICE_NOTIFY, still binds and the notify falls back to
 * native (SPEC.md 15): the answer is NATIVE and every notify site holds
 * the native store, `movw` in the site's registers (pvops=nopatch: the
 * native thunk). */
KTEST(device_notify_native_without_the_call)
{
	const struct vmi_binding *b = pv_binding();
	if (!b)
		KT_SKIP("no ROM is bound");
	if (b->info.calls_known > VMI_CALL_DEVICE_NOTIFY &&
	    (b->info.hdr.features & VMI_FEAT_DEVICE_NOTIFY))
		KT_SKIP("the bound ROM has call 39 and announces it");
	KT_EXPECT_EQ(b->answer[VMI_CALL_DEVICE_NOTIFY].type, VMI_RELOC_NATIVE);
	int sites = 0, native = 0;
	for (const struct pv_site *s = __pv_sites_start; s < __pv_sites_end; s++) {
		if (s->op != PV_OP_DEVICE_NOTIFY)
			continue;
		const uint8_t *p = (const uint8_t *)(uintptr_t)s->addr;
		uint8_t want[NAT_ENCODE_MAX];	/* the store in the site's registers */
		int n = nat_encode(s, NAT_FIT, want);
		sites++;
		native += kopts.pv_mode == PVMODE_NOPATCH ||
			  (n > 0 && memcmp(p, want, (size_t)n) == 0);
	}
	KT_EXPECT(sites > 0);
	KT_EXPECT_EQ(native, sites);
	static volatile uint16_t reg = 1;
	pv_device_notify(&reg, 0x4242, V2P(&reg));
	KT_EXPECT_EQ(reg, 0x4242);
	kt_note("ROM ABI 1.%u, %d notify sites native", b->info.hdr.abi_minor, sites);
}

/* Once init may have reached its host (vmi_init_may_hold), the copy and
 * data area stay, whatever init returned: mapped where init was told and
 * never back in the free pool, where the host (hv's xenlike backend
 * writes shared info on every exit) would write into pages the kernel
 * reused.  boot-hv-xenlike-latefail runs a ROM whose init fails late. */
KTEST(rom_pages_kept_once_init_reached_host)
{
	const struct vmi_binding *b = pv_rom_attempt();
	if (!b->init_called)
		KT_SKIP("no ROM init was called");
	if (!vmi_init_may_hold(b->init_rc))
		KT_SKIP("ROM init failed before reaching its host");
	uint64_t data = (b->info.hdr.data_size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	uint64_t pages = (b->info.hdr.data_offset + data) / PAGE_SIZE;
	uint64_t unmapped = 0, freed = 0;
	for (uint64_t i = 0; i < pages; i++) {
		uint64_t pa = b->rom_pa + i * PAGE_SIZE;
		uint64_t *pte = vm_walk(&kernel_as, b->rom_va + i * PAGE_SIZE, false);
		unmapped += !pte || !(*pte & PTE_P) || pte_addr(*pte) != pa;
		freed += pmm_is_free(pa);
	}
	KT_EXPECT(pages > 0);
	KT_EXPECT_EQ(unmapped, 0);
	KT_EXPECT_EQ(freed, 0);
}
#endif
