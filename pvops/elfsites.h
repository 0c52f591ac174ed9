/*
 * elfsites.h: reading call-site records and site bytes out of an ELF file
 * image in memory (host side: the pvreport tool and its tests).
 *
 * ELF32 and ELF64, little-endian.  Every offset and size the file gives
 * is bounds-checked before it is used, so a truncated or hostile file
 * yields an error sentence, never a read outside the image.
 */
#ifndef PVOPS_ELFSITES_H
#define PVOPS_ELFSITES_H

#include <stddef.h>
#include <stdint.h>
#include <pvops/site.h>

/* One section header, whatever the ELF class. */
struct pv_elf_shdr {
	uint32_t name;
	uint32_t type;
	uint64_t flags;
	uint64_t addr;
	uint64_t offset;
	uint64_t size;
};

/*
 * The records of section .pv_sites, decoded into a malloc'd array
 * (*sites, *count; free it).  0 on success (an image without the section
 * is an error), -1 with *err set to a sentence.
 */
int pv_elf_sites(const uint8_t *img, size_t size, struct pv_site **sites,
		 size_t *count, const char **err);

/*
 * The file bytes behind virtual addresses [addr, addr + len) of an
 * allocated PROGBITS section, or a null pointer if no section holds the
 * whole range.
 */
const uint8_t *pv_elf_bytes(const uint8_t *img, size_t size, uint64_t addr,
			    size_t len);

#endif
