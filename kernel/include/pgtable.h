/*
 * pgtable.h: x86_64 4-level page-table arithmetic.  Pure inline
 * functions, unit-tested on the host (tests/unit/test_pgtable.c).
 */
#ifndef PGTABLE_H
#define PGTABLE_H

#include <stdint.h>
#include <stdbool.h>

#define PTE_P		0x001ULL
#define PTE_W		0x002ULL
#define PTE_U		0x004ULL
#define PTE_PWT		0x008ULL
#define PTE_PCD		0x010ULL
#define PTE_A		0x020ULL
#define PTE_D		0x040ULL
#define PTE_PS		0x080ULL
#define PTE_G		0x100ULL
#define PTE_NX		(1ULL << 63)
#define PTE_ADDR_MASK	0x000ffffffffff000ULL

/* Levels as the pvops set ops number them: 1 = PTE ... 4 = PML4 (P4D). */
enum pt_level { PT_PTE = 1, PT_PMD = 2, PT_PUD = 3, PT_P4D = 4 };

static inline unsigned pt_index(uint64_t va, int level)
{
	return (unsigned)((va >> (12 + 9 * (level - 1))) & 511);
}

static inline bool va_canonical(uint64_t va)
{
	uint64_t top = va >> 47;
	return top == 0 || top == 0x1ffff;
}

/* The address covered by entries idx4/idx3/idx2/idx1, sign-extended. */
static inline uint64_t pt_va(unsigned i4, unsigned i3, unsigned i2, unsigned i1)
{
	uint64_t va = ((uint64_t)i4 << 39) | ((uint64_t)i3 << 30) |
		      ((uint64_t)i2 << 21) | ((uint64_t)i1 << 12);
	if (va & (1ULL << 47))
		va |= 0xffff000000000000ULL;
	return va;
}

static inline uint64_t pte_addr(uint64_t e) { return e & PTE_ADDR_MASK; }

#endif
