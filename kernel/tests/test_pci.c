/*
 * test_pci.c: PCI enumeration (kernel/pci.c) and uncached MMIO mappings
 * (vm_map_mmio): what the enumeration found agrees with configuration
 * space read afresh, and a BAR maps uncached (PCD|PWT), writable,
 * no-execute, in the MMIO window and not the direct map.  Skips where
 * there is no PCI bus (hv before it has devices).
 */
#include "kernel.h"
#include "ktest.h"
#include "mm.h"
#include "pci.h"

#define KTEST_SUITE "pci"

KTEST_SUITE_PRECONDITION
{
	if (pci_count() == 0)
		KT_SKIP("no PCI function on bus 0");
}

KTEST(enumeration_matches_config_space)
{
	for (unsigned i = 0; i < pci_count(); i++) {
		const struct gd_pci_dev *d = pci_get(i);
		uint32_t id = pci_read32(d->bus, d->dev, d->fn, 0);
		KT_EXPECT_EQ(id & 0xffff, d->vendor);
		KT_EXPECT_EQ(id >> 16, d->device);
		KT_EXPECT_EQ(pci_read16(d->bus, d->dev, d->fn, 2), d->device);	/* word access */
		KT_EXPECT_EQ(pci_read8(d->bus, d->dev, d->fn, 1), d->vendor >> 8);	/* byte access */
	}
	KT_EXPECT(pci_get(pci_count()) == NULL);
}

/* The first assigned memory BAR of any function, or -1. */
static int find_bar(uint64_t *pa, uint64_t *len)
{
	for (unsigned i = 0; i < pci_count(); i++)
		for (int b = 0; b < 6; b++)
			if (gd_pci_bar(pci_get(i), b, pa, len) == 0 && *len >= PAGE_SIZE)
				return 0;
	return -1;
}

KTEST(bar_maps_uncached_outside_direct_map)
{
	uint64_t pa, len;
	if (find_bar(&pa, &len) != 0)
		KT_SKIP("no assigned memory BAR");
	kt_note("BAR at %#llx, %llu KiB", (unsigned long long)pa, (unsigned long long)(len >> 10));
	uint8_t *va = vm_map_mmio(pa + 0x10, 0x20);
	KT_ASSERT(va);
	uint64_t v = (uint64_t)(uintptr_t)va;
	KT_EXPECT(v >= MMIO_BASE && v < MMIO_BASE + MMIO_SIZE);
	KT_EXPECT_EQ(v & (PAGE_SIZE - 1), 0x10);
	uint64_t *pte = vm_walk(&kernel_as, ALIGN_DOWN(v, PAGE_SIZE), false);
	KT_ASSERT(pte);
	KT_EXPECT_EQ(pte_addr(*pte), ALIGN_DOWN(pa, PAGE_SIZE));
	uint64_t want = PTE_P | PTE_W | PTE_PCD | PTE_PWT | vm_nx;
	KT_EXPECT_EQ(*pte & want, want);
	KT_EXPECT(!(*pte & PTE_U));
	/* A second mapping of the same registers is a new address. */
	uint8_t *again = vm_map_mmio(pa, 1);
	KT_EXPECT(again && again != va - 0x10);
	KT_EXPECT(vm_map_mmio(pa, 0) == NULL);
	KT_EXPECT(vm_map_mmio(~0ULL - 10, 100) == NULL);	/* wraps */
}
