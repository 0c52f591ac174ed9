/* pte_check.h: the one rule hv holds a guest's page-table entry to,
 * whichever backend hands it over (Xen-like mmu_update, VMware-like
 * mmu_flush): a present entry sets no bit reserved at its level and maps
 * guest memory only.  Pure (no KVM, no guest memory), unit-tested on the
 * host (tests/unit/test_hv_pte.c runs both backends' checkers over the
 * same entries). */
#ifndef HV_PTE_CHECK_H
#define HV_PTE_CHECK_H

#include <stdint.h>

/* Levels as x86-64 4-level paging numbers them. */
#define HV_PTE_LEVEL_PTE  1     /* maps a 4 KiB page */
#define HV_PTE_LEVEL_PMD  2     /* a table, or a 2 MiB page with PS */
#define HV_PTE_LEVEL_PUD  3     /* a table, or a 1 GiB page with PS */
#define HV_PTE_LEVEL_P4D  4     /* a table only: PS is reserved here */

enum hv_pte_verdict {
	HV_PTE_OK = 0,      /* may be written */
	HV_PTE_RESERVED,    /* sets a bit reserved at its level */
	HV_PTE_FRAME,       /* maps (part of) a frame outside guest memory */
};

/* hv's PCI memory-BAR window (hv/devices/pci.h places every BAR there):
 * a PTE (level 1) with PCD set may map a 4 KiB frame in it. */
#define HV_PTE_BAR_START 0xE0000000ull
#define HV_PTE_BAR_END   0xFEC00000ull

/* Verdict on value val at level (1-4; the caller refuses any other) in
 * a guest of mem bytes (hole included, as gmem.size).  An entry that is
 * not present maps nothing and is always HV_PTE_OK. */
enum hv_pte_verdict hv_pte_check(uint64_t val, unsigned level, uint64_t mem);

#endif
