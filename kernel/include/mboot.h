/*
 * mboot.h: what the kernel keeps from the Multiboot information block.
 */
#ifndef MBOOT_H
#define MBOOT_H

#include <stdint.h>
#include "memmap.h"

#define MB_CMDLINE_MAX 512
#define MB_MODS_MAX 8

struct boot_info {
	char cmdline[MB_CMDLINE_MAX];
	char loader[32];
	struct memmap mem;
	struct { uint64_t start, end; } mods[MB_MODS_MAX];
	int nmods;
	uint64_t info_lo, info_hi;		/* span of loader data to keep */
};

extern struct boot_info boot_info;

/* Copies what the kernel needs out of the loader's block (bounded), and
 * reserves the kernel image, modules and low memory in the map. */
void mboot_read(uint32_t magic, uint64_t info_pa);

#endif
