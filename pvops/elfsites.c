/*
 * elfsites.c: ELF section lookup for the host report tool.
 *
 * Fields are read byte by byte as little-endian at offsets taken from
 * <elf.h>'s structs, so the image needs no alignment and the host's
 * struct layout does not matter.  Every range goes through pv_in_file().
 */
#include <elf.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "elfsites.h"

static uint64_t pv_le(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

/* Is [off, off + len) inside a file of size bytes?  Overflow-safe. */
static int pv_in_file(uint64_t off, uint64_t len, size_t size)
{
	return off <= size && len <= size - off;
}

#define FIELD(img, type, base, field)					\
	pv_le((img) + (base) + offsetof(type, field),			\
	      sizeof(((type *)0)->field))

struct pv_elf {
	const uint8_t *img;
	size_t size;
	int is64;
	uint64_t shoff;
	uint64_t shnum;
	uint64_t shentsize;
	uint64_t shstrndx;
};

/* Check the ELF identification and the section header table bounds. */
static int pv_elf_open(struct pv_elf *e, const uint8_t *img, size_t size,
		       const char **err)
{
	e->img = img;
	e->size = size;
	if (!img || size < EI_NIDENT || memcmp(img, ELFMAG, SELFMAG))
		return *err = "not an ELF file", -1;
	if (img[EI_DATA] != ELFDATA2LSB)
		return *err = "not a little-endian ELF file", -1;
	e->is64 = img[EI_CLASS] == ELFCLASS64;
	if (!e->is64 && img[EI_CLASS] != ELFCLASS32)
		return *err = "unknown ELF class", -1;
	if (size < (e->is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr)))
		return *err = "ELF header truncated", -1;
	if (e->is64) {
		e->shoff = FIELD(img, Elf64_Ehdr, 0, e_shoff);
		e->shnum = FIELD(img, Elf64_Ehdr, 0, e_shnum);
		e->shentsize = FIELD(img, Elf64_Ehdr, 0, e_shentsize);
		e->shstrndx = FIELD(img, Elf64_Ehdr, 0, e_shstrndx);
	} else {
		e->shoff = FIELD(img, Elf32_Ehdr, 0, e_shoff);
		e->shnum = FIELD(img, Elf32_Ehdr, 0, e_shnum);
		e->shentsize = FIELD(img, Elf32_Ehdr, 0, e_shentsize);
		e->shstrndx = FIELD(img, Elf32_Ehdr, 0, e_shstrndx);
	}
	if (e->shentsize != (e->is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr)))
		return *err = "unexpected section header size", -1;
	if (e->shnum == 0 || e->shstrndx >= e->shnum)
		return *err = "no section headers (or extended numbering)", -1;
	if (!pv_in_file(e->shoff, e->shnum * e->shentsize, size))
		return *err = "section header table outside the file", -1;
	return 0;
}

/* Section header i (i < shnum, checked by the caller's loop bound). */
static void pv_elf_shdr(const struct pv_elf *e, uint64_t i,
			struct pv_elf_shdr *s)
{
	uint64_t b = e->shoff + i * e->shentsize;

	if (e->is64) {
		s->name = FIELD(e->img, Elf64_Shdr, b, sh_name);
		s->type = FIELD(e->img, Elf64_Shdr, b, sh_type);
		s->flags = FIELD(e->img, Elf64_Shdr, b, sh_flags);
		s->addr = FIELD(e->img, Elf64_Shdr, b, sh_addr);
		s->offset = FIELD(e->img, Elf64_Shdr, b, sh_offset);
		s->size = FIELD(e->img, Elf64_Shdr, b, sh_size);
	} else {
		s->name = FIELD(e->img, Elf32_Shdr, b, sh_name);
		s->type = FIELD(e->img, Elf32_Shdr, b, sh_type);
		s->flags = FIELD(e->img, Elf32_Shdr, b, sh_flags);
		s->addr = FIELD(e->img, Elf32_Shdr, b, sh_addr);
		s->offset = FIELD(e->img, Elf32_Shdr, b, sh_offset);
		s->size = FIELD(e->img, Elf32_Shdr, b, sh_size);
	}
}

/* Does section s have the name `want` in the section name table? */
static int pv_elf_named(const struct pv_elf *e, const struct pv_elf_shdr *s,
			const struct pv_elf_shdr *strtab, const char *want)
{
	size_t n = strlen(want) + 1;	/* the NUL must match too */

	if (s->name >= strtab->size || n > strtab->size - s->name)
		return 0;
	return memcmp(e->img + strtab->offset + s->name, want, n) == 0;
}

/* Find section `name`; 0 and *out, or -1 with *err. */
static int pv_elf_find(const struct pv_elf *e, const char *name,
		       struct pv_elf_shdr *out, const char **err)
{
	struct pv_elf_shdr strtab;

	pv_elf_shdr(e, e->shstrndx, &strtab);
	if (strtab.type != SHT_STRTAB ||
	    !pv_in_file(strtab.offset, strtab.size, e->size))
		return *err = "section name table broken", -1;
	for (uint64_t i = 0; i < e->shnum; i++) {
		pv_elf_shdr(e, i, out);
		if (pv_elf_named(e, out, &strtab, name))
			return 0;
	}
	return *err = "no " PV_SITES_SECTION " section", -1;
}

/* Decode one 16-byte record (little-endian, as on x86). */
static void pv_elf_record(const uint8_t *p, struct pv_site *s)
{
	s->addr = pv_le(p + offsetof(struct pv_site, addr), 8);
	s->op = pv_le(p + offsetof(struct pv_site, op), 2);
	s->clobbers = pv_le(p + offsetof(struct pv_site, clobbers), 2);
	s->len = p[offsetof(struct pv_site, len)];
	s->flags = p[offsetof(struct pv_site, flags)];
	s->reserved = pv_le(p + offsetof(struct pv_site, reserved), 2);
}

int pv_elf_sites(const uint8_t *img, size_t size, struct pv_site **sites,
		 size_t *count, const char **err)
{
	struct pv_elf e;
	struct pv_elf_shdr s;
	size_t n;

	if (pv_elf_open(&e, img, size, err) ||
	    pv_elf_find(&e, PV_SITES_SECTION, &s, err))
		return -1;
	if (s.type != SHT_PROGBITS)
		return *err = PV_SITES_SECTION " has no file contents", -1;
	if (!pv_in_file(s.offset, s.size, size))
		return *err = PV_SITES_SECTION " outside the file", -1;
	if (s.size % sizeof(struct pv_site))
		return *err = PV_SITES_SECTION " size not a multiple of 16", -1;
	n = s.size / sizeof(struct pv_site);
	*sites = calloc(n ? n : 1, sizeof(**sites));
	if (!*sites)
		return *err = "out of memory", -1;
	for (size_t i = 0; i < n; i++)
		pv_elf_record(img + s.offset + i * sizeof(struct pv_site),
			      &(*sites)[i]);
	*count = n;
	return 0;
}

const uint8_t *pv_elf_bytes(const uint8_t *img, size_t size, uint64_t addr,
			    size_t len)
{
	struct pv_elf e;
	struct pv_elf_shdr s;
	const char *err;

	if (pv_elf_open(&e, img, size, &err))
		return NULL;
	for (uint64_t i = 0; i < e.shnum; i++) {
		pv_elf_shdr(&e, i, &s);
		if (s.type != SHT_PROGBITS || !(s.flags & SHF_ALLOC))
			continue;
		if (addr < s.addr || addr - s.addr > s.size ||
		    len > s.size - (addr - s.addr))
			continue;
		if (pv_in_file(s.offset, s.size, size))
			return img + s.offset + (addr - s.addr);
	}
	return NULL;
}
