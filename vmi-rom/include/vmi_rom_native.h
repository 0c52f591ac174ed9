/*
 * vmi_rom_native.h: native operations ROM code performs itself, for
 * every backend (and vendors).  ROM code runs in ring 0 of the guest and
 * may use privileged instructions; these are the ones more than one of
 * our ROMs needs.
 */
#ifndef VMI_ROM_NATIVE_H
#define VMI_ROM_NATIVE_H

#include <stdint.h>

#define VMI_CR4_PGE 0x80ull

/* Every TLB entry, global ones too: toggling CR4.PGE flushes all;
 * without PGE a cr3 reload does. */
static inline void vmi_rom_flush_tlb_all(void)
{
	uint64_t cr4, cr3;

	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	if (cr4 & VMI_CR4_PGE) {
		__asm__ volatile("mov %0, %%cr4" : : "r"(cr4 & ~VMI_CR4_PGE) : "memory");
		__asm__ volatile("mov %0, %%cr4" : : "r"(cr4) : "memory");
	} else {
		__asm__ volatile("mov %%cr3, %0; mov %0, %%cr3" : "=r"(cr3) : : "memory");
	}
}

static inline uint64_t vmi_rom_rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

#endif
