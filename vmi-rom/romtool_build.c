/*
 * romtool_build.c: "romtool build" -- lays out a VMI ROM image from a
 * backend's relocatable ELF64 object: option-ROM header, PCIR, ABI header,
 * call table, strings, read-only data, code, checksum; the data area
 * (.bss) after the image.  Entry offsets and the call table come from the
 * object's symbols (SPEC.md, "Building a ROM"), never from hand-written
 * numbers.  Only PC-relative relocations are resolved; anything absolute is
 * refused, because the guest maps the ROM at an address nobody knows at
 * build time.
 */
#include <elf.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "romtool.h"
#include "validate.h"
#include "inline.h"

#define IMG_MAX   (VMI_OPTROM_MAX_UNITS * VMI_OPTROM_UNIT)
#define CODE_ALIGN 16u

enum sec_kind { SK_SKIP = 0, SK_RODATA, SK_CODE, SK_BSS,
		SK_INLINE	/* .vmi.inline.<call>: an inline answer's bytes (1.2) */
};

#define INLINE_PFX ".vmi.inline."

struct sec {
	enum sec_kind kind;
	uint64_t off;          /* offset from the image start once placed */
};

struct obj {
	const char *path;
	const uint8_t *buf;
	size_t len;
	const Elf64_Ehdr *eh;
	const Elf64_Shdr *sh;
	size_t nsec;
	const char *shstr;
	size_t shstr_len;
	const Elf64_Sym *sym;
	size_t nsym;
	const char *str;
	size_t str_len;
	struct sec *secs;
};

struct layout {
	uint8_t img[IMG_MAX];
	uint32_t image_len, code_start, code_end, data_offset, data_size;
	uint32_t calls_offset, lic_off, lic_len, name_off, name_len;
	uint32_t minor, ncalls;  /* the ABI minor built and its call count */
	uint32_t ninline, inline_offset, fix_offset;  /* 1.2 inline table */
	const uint8_t *lic, *name;
};

static const char *g_path;

static int fail(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "romtool: %s: ", g_path);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

static bool in_file(const struct obj *o, uint64_t off, uint64_t size)
{
	return off <= o->len && size <= o->len - off;
}

/* A table read through a struct pointer must be aligned for it (the ELF
 * specification requires it; anything else is a crafted file). */
static bool aligned8(const struct obj *o, uint64_t off)
{
	return ((uintptr_t)o->buf + off) % 8 == 0;
}

/* A string table: bytes in the file (in_file checked it), not NOBITS. */
static int strtab(const struct obj *o, uint32_t i, const char *what,
		  const char **p, size_t *len)
{
	if (o->sh[i].sh_type != SHT_STRTAB)
		return fail("%s (section %u) is not a string table", what, i);
	*p = (const char *)o->buf + o->sh[i].sh_offset;
	*len = o->sh[i].sh_size;
	return 0;
}

static const char *sec_name(const struct obj *o, size_t i)
{
	uint32_t n = o->sh[i].sh_name;
	if (n >= o->shstr_len || !memchr(o->shstr + n, 0, o->shstr_len - n))
		return "?";
	return o->shstr + n;
}

static const char *sym_name(const struct obj *o, const Elf64_Sym *s)
{
	if (s->st_name >= o->str_len ||
	    !memchr(o->str + s->st_name, 0, o->str_len - s->st_name))
		return "?";
	return o->str + s->st_name;
}

/* ELF header and section table sanity, string and symbol tables.  Every
 * offset and size comes from the file: each is checked against the file
 * and for alignment before anything is read through it. */
static int parse_elf(struct obj *o)
{
	o->eh = (const Elf64_Ehdr *)o->buf;
	if (o->len < sizeof(Elf64_Ehdr) || memcmp(o->buf, ELFMAG, SELFMAG))
		return fail("not an ELF file");
	if (o->buf[EI_CLASS] != ELFCLASS64 || o->buf[EI_DATA] != ELFDATA2LSB ||
	    o->eh->e_machine != EM_X86_64)
		return fail("not an x86-64 ELF64 object");
	if (o->eh->e_type != ET_REL)
		return fail("not a relocatable object (ET_REL); give the .o "
		            "(use ld -r to combine several)");
	if (o->eh->e_shentsize != sizeof(Elf64_Shdr) ||
	    !in_file(o, o->eh->e_shoff, (uint64_t)o->eh->e_shnum * sizeof(Elf64_Shdr)) ||
	    o->eh->e_shstrndx >= o->eh->e_shnum || !aligned8(o, o->eh->e_shoff))
		return fail("bad section header table");
	o->sh = (const Elf64_Shdr *)(o->buf + o->eh->e_shoff);
	o->nsec = o->eh->e_shnum;
	for (size_t i = 0; i < o->nsec; i++)
		if (o->sh[i].sh_type != SHT_NOBITS &&
		    !in_file(o, o->sh[i].sh_offset, o->sh[i].sh_size))
			return fail("section %zu lies outside the file", i);
	if (strtab(o, o->eh->e_shstrndx, "section-name table", &o->shstr, &o->shstr_len))
		return -1;
	for (size_t i = 0; i < o->nsec; i++) {
		if (o->sh[i].sh_type != SHT_SYMTAB)
			continue;
		if (o->sh[i].sh_entsize != sizeof(Elf64_Sym) ||
		    o->sh[i].sh_link >= o->nsec || !aligned8(o, o->sh[i].sh_offset))
			return fail("bad symbol table");
		o->sym = (const Elf64_Sym *)(o->buf + o->sh[i].sh_offset);
		o->nsym = o->sh[i].sh_size / sizeof(Elf64_Sym);
		if (strtab(o, o->sh[i].sh_link, "symbol-name table", &o->str, &o->str_len))
			return -1;
	}
	if (!o->sym)
		return fail("no symbol table");
	return 0;
}

static bool all_zero(const uint8_t *p, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* Decide what each allocated section becomes; refuse what a ROM may not
 * have (initialised writable data, constructors, TLS). */
static int classify(struct obj *o)
{
	for (size_t i = 0; i < o->nsec; i++) {
		const Elf64_Shdr *s = &o->sh[i];
		const char *n = sec_name(o, i);
		struct sec *k = &o->secs[i];
		if (!(s->sh_flags & SHF_ALLOC) || s->sh_type == SHT_NOTE ||
		    !strcmp(n, ".eh_frame"))
			continue;
		if (s->sh_flags & SHF_TLS)
			return fail("section %s: thread-local data is not allowed", n);
		if (s->sh_type == SHT_INIT_ARRAY || s->sh_type == SHT_FINI_ARRAY ||
		    s->sh_type == SHT_PREINIT_ARRAY)
			return fail("section %s: constructors are not allowed", n);
		if (s->sh_addralign > 4096)
			return fail("section %s: alignment above 4096", n);
		if (s->sh_addralign & (s->sh_addralign - 1))
			return fail("section %s: alignment %llu is not a power of two", n,
				    (unsigned long long)s->sh_addralign);
		if (!strncmp(n, INLINE_PFX, strlen(INLINE_PFX)) &&
		    s->sh_type == SHT_PROGBITS)
			k->kind = SK_INLINE;
		else if (s->sh_type == SHT_NOBITS)
			k->kind = SK_BSS;
		else if (s->sh_type != SHT_PROGBITS)
			return fail("section %s: unsupported type %u", n, s->sh_type);
		else if (s->sh_flags & SHF_EXECINSTR)
			k->kind = SK_CODE;
		else if (!(s->sh_flags & SHF_WRITE))
			k->kind = SK_RODATA;
		else if (all_zero(o->buf + s->sh_offset, s->sh_size))
			k->kind = SK_BSS;
		else
			return fail("section %s: initialised writable data; ROM "
			            "state lives in the data area (.bss), zeroed "
			            "by the guest", n);
	}
	return 0;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return a > 1 ? (v + a - 1) & ~(a - 1) : v;
}

/* Place every section of one kind from *pos, copying its bytes.  Each
 * must end at or before limit; sizes are compared against what is left,
 * never added first, since a NOBITS size is any 64-bit number the file
 * says. */
static int place(struct obj *o, struct layout *l, enum sec_kind kind,
                 uint64_t *pos, uint64_t min_align, uint64_t limit)
{
	for (size_t i = 0; i < o->nsec; i++) {
		const Elf64_Shdr *s = &o->sh[i];
		if (o->secs[i].kind != kind)
			continue;
		uint64_t a = s->sh_addralign > min_align ? s->sh_addralign : min_align;
		*pos = align_up(*pos, a);
		if (*pos > limit || s->sh_size > limit - *pos)
			return kind == SK_BSS
			       ? fail("data area exceeds 16 MiB")
			       : fail("image larger than %u bytes", IMG_MAX);
		o->secs[i].off = *pos;
		if (kind != SK_BSS)
			memcpy(l->img + *pos, o->buf + s->sh_offset, s->sh_size);
		*pos += s->sh_size;
	}
	return 0;
}

/* The contents of a metadata section (VMI_ROM_LICENSE, VMI_ROM_NAME). */
static const uint8_t *meta(const struct obj *o, const char *name, uint32_t *len)
{
	for (size_t i = 0; i < o->nsec; i++) {
		if (strcmp(sec_name(o, i), name) || o->sh[i].sh_type != SHT_PROGBITS)
			continue;
		const uint8_t *p = o->buf + o->sh[i].sh_offset;
		uint64_t n = o->sh[i].sh_size;
		while (n && p[n - 1] == 0)
			n--;
		*len = (uint32_t)n;
		return p;
	}
	*len = 0;
	return NULL;
}

static int check_text(const char *what, const uint8_t *p, uint32_t len,
                      uint32_t max)
{
	if (len > max)
		return fail("%s longer than %u bytes", what, max);
	for (uint32_t i = 0; i < len; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			return fail("%s has a byte that is not printable ASCII", what);
	return 0;
}

/* Image layout: headers, call table, strings, rodata, code, checksum
 * byte; then the data area. */
static int lay_out(struct obj *o, struct layout *l)
{
	uint64_t pos = VMI_HDR_OFFSET +
	               (l->minor >= 2 ? VMI_HDR_SIZE_V1_2 : VMI_HDR_SIZE_V1_0);

	l->lic = meta(o, ".vmi.license", &l->lic_len);
	l->name = meta(o, ".vmi.name", &l->name_len);
	if (!l->lic_len)
		return fail("no license: add VMI_ROM_LICENSE(\"...\") to the ROM source");
	if (check_text("license", l->lic, l->lic_len, VMI_LICENSE_MAX) ||
	    check_text("name", l->name, l->name_len, VMI_NAME_MAX))
		return -1;
	l->calls_offset = (uint32_t)pos;
	pos += l->ncalls * sizeof(struct vmi_reloc);
	for (size_t i = 0; i < o->nsec; i++)
		l->ninline += o->secs[i].kind == SK_INLINE;
	if (l->ninline && l->minor < 2)
		return fail("inline answers (%s sections) need ABI 1.2; the ROM "
		            "is built as 1.%u", INLINE_PFX "*", l->minor);
	if (l->ninline) {	/* table, then room for every entry's fixups */
		l->inline_offset = (uint32_t)pos;
		pos += l->ninline * sizeof(struct vmi_inline);
		l->fix_offset = (uint32_t)pos;
		pos += l->ninline * VMI_INLINE_FIX_MAX * sizeof(struct vmi_inline_fix);
	}
	l->lic_off = (uint32_t)pos;
	memcpy(l->img + pos, l->lic, l->lic_len);
	pos += l->lic_len + 1;
	if (l->name_len) {
		l->name_off = (uint32_t)pos;
		memcpy(l->img + pos, l->name, l->name_len);
		pos += l->name_len + 1;
	}
	if (place(o, l, SK_RODATA, &pos, 1, IMG_MAX - 1) ||
	    place(o, l, SK_INLINE, &pos, 1, IMG_MAX - 1))
		return -1;
	pos = align_up(pos, CODE_ALIGN);
	l->code_start = (uint32_t)pos;
	if (place(o, l, SK_CODE, &pos, CODE_ALIGN, IMG_MAX - 1))
		return -1;
	l->code_end = (uint32_t)pos;
	if (l->code_end == l->code_start)
		return fail("no code (.text) in the object");
	l->image_len = (uint32_t)align_up(pos + 1, VMI_OPTROM_UNIT);
	if (l->image_len > IMG_MAX)
		return fail("image of %u bytes exceeds %u", l->image_len, IMG_MAX);
	l->data_offset = (uint32_t)align_up(l->image_len, VMI_DATA_ALIGN);
	pos = l->data_offset;
	if (place(o, l, SK_BSS, &pos, 1, l->data_offset + (uint64_t)VMI_DATA_MAX))
		return -1;
	l->data_size = (uint32_t)(pos - l->data_offset);
	if (l->data_size > VMI_DATA_MAX)
		return fail("data area of %u bytes exceeds 16 MiB", l->data_size);
	return 0;
}

/* The image offset of a symbol, or -1 with a message. */
static int sym_value(const struct obj *o, const struct layout *l,
                     const Elf64_Sym *s, int64_t *v)
{
	const char *n = sym_name(o, s);

	if (s->st_shndx == SHN_UNDEF) {
		if (!strcmp(n, "__vmi_rom_image"))
			*v = 0;
		else if (!strcmp(n, "__vmi_rom_header"))
			*v = VMI_HDR_OFFSET;
		else if (!strcmp(n, "__vmi_rom_data"))
			*v = l->data_offset;
		else
			return fail("undefined symbol %s (ROM code links nothing "
			            "else: no libc, no guest symbols)", n);
		return 0;
	}
	if (s->st_shndx == SHN_COMMON)
		return fail("common symbol %s: build with -fno-common", n);
	if (s->st_shndx == SHN_ABS)
		return fail("relocation against absolute symbol %s", n);
	if (s->st_shndx >= o->nsec || o->secs[s->st_shndx].kind == SK_SKIP)
		return fail("symbol %s in a section the ROM does not carry", n);
	if (s->st_value > o->sh[s->st_shndx].sh_size)
		return fail("symbol %s lies outside its section", n);
	*v = (int64_t)(o->secs[s->st_shndx].off + s->st_value);
	return 0;
}

static const char *reloc_hint(uint32_t type)
{
	switch (type) {
	case R_X86_64_GOTPCREL: case R_X86_64_GOTPCRELX:
	case R_X86_64_REX_GOTPCRELX:
		return " (GOT access: build with -fvisibility=hidden)";
	case R_X86_64_64: case R_X86_64_32: case R_X86_64_32S:
		return " (absolute address: ROM code must be position-"
		       "independent, -fPIE, no pointers in static data)";
	}
	return "";
}

/* Resolve one RELA entry in place: only PC-relative forms. */
static int apply_one(const struct obj *o, struct layout *l, size_t tsec,
                     const Elf64_Rela *r)
{
	uint32_t type = (uint32_t)ELF64_R_TYPE(r->r_info);
	size_t si = ELF64_R_SYM(r->r_info);
	const Elf64_Shdr *t = &o->sh[tsec];
	int64_t s = 0;

	if (type == R_X86_64_NONE)
		return 0;
	if (si >= o->nsym)
		return fail("relocation with a bad symbol index");
	if (type != R_X86_64_PC32 && type != R_X86_64_PLT32 &&
	    type != R_X86_64_PC64)
		return fail("section %s+%#llx: relocation type %u against %s "
		            "cannot be resolved PC-relatively%s",
		            sec_name(o, tsec), (unsigned long long)r->r_offset,
		            type, sym_name(o, &o->sym[si]), reloc_hint(type));
	unsigned width = type == R_X86_64_PC64 ? 8 : 4;
	if (r->r_offset > t->sh_size || width > t->sh_size - r->r_offset)
		return fail("relocation outside section %s", sec_name(o, tsec));
	if (sym_value(o, l, &o->sym[si], &s))
		return -1;
	int64_t p = (int64_t)(o->secs[tsec].off + r->r_offset);
	int64_t v;
	if (__builtin_add_overflow(s, r->r_addend, &v) ||
	    __builtin_sub_overflow(v, p, &v) ||
	    (width == 4 && (v < INT32_MIN || v > INT32_MAX)))
		return fail("relocation overflow in %s", sec_name(o, tsec));
	for (unsigned b = 0; b < width; b++)
		l->img[p + b] = (uint8_t)((uint64_t)v >> (8 * b));
	return 0;
}

static int relocate(const struct obj *o, struct layout *l)
{
	for (size_t i = 0; i < o->nsec; i++) {
		const Elf64_Shdr *s = &o->sh[i];
		if (s->sh_type == SHT_REL)
			return fail("SHT_REL section %s: x86-64 objects use RELA",
			            sec_name(o, i));
		if (s->sh_type != SHT_RELA || s->sh_info >= o->nsec ||
		    o->secs[s->sh_info].kind == SK_SKIP ||
		    o->secs[s->sh_info].kind == SK_INLINE)	/* fixups: rt_inline_build */
			continue;
		if (o->secs[s->sh_info].kind == SK_BSS)
			return fail("relocations in writable data %s",
			            sec_name(o, s->sh_info));
		if (s->sh_entsize != sizeof(Elf64_Rela) || !aligned8(o, s->sh_offset))
			return fail("bad RELA entry size or alignment in %s", sec_name(o, i));
		const Elf64_Rela *r = (const Elf64_Rela *)(o->buf + s->sh_offset);
		for (size_t k = 0; k < s->sh_size / sizeof(Elf64_Rela); k++)
			if (apply_one(o, l, s->sh_info, &r[k]))
				return -1;
	}
	return 0;
}

/* A defined global symbol by name: 1 found, 0 absent, -1 error. */
static int find_sym(const struct obj *o, const char *name,
                    const Elf64_Sym **out)
{
	for (size_t i = 1; i < o->nsym; i++) {
		const Elf64_Sym *s = &o->sym[i];
		if (ELF64_ST_BIND(s->st_info) == STB_LOCAL ||
		    s->st_shndx == SHN_UNDEF || strcmp(sym_name(o, s), name))
			continue;
		*out = s;
		return 1;
	}
	return 0;
}

/* An entry symbol's image offset; it must be code. */
static int entry(const struct obj *o, const char *name, bool required,
                 uint32_t *off)
{
	const Elf64_Sym *s;

	if (!find_sym(o, name, &s)) {
		*off = 0;
		return required ? fail("missing entry %s", name) : 0;
	}
	if (s->st_shndx >= o->nsec || o->secs[s->st_shndx].kind != SK_CODE)
		return fail("%s is not in an executable section", name);
	const Elf64_Shdr *sec = &o->sh[s->st_shndx];
	if (s->st_value > sec->sh_size)
		return fail("entry %s lies outside its section", name);
	const uint8_t *p = o->buf + sec->sh_offset + s->st_value;
	if (sec->sh_size - s->st_value < 4 ||
	    p[0] != VMI_ENDBR64_0 || p[1] != VMI_ENDBR64_1 ||
	    p[2] != VMI_ENDBR64_2 || p[3] != VMI_ENDBR64_3)
		return fail("entry %s does not start with ENDBR64 (compile with "
		            "-fcf-protection=branch, or write endbr64)", name);
	*off = (uint32_t)(o->secs[s->st_shndx].off + s->st_value);
	return 1;
}

/* Value of an absolute marker symbol (VMI_ROM_NOP, VMI_ROM_CLOBBERS...). */
static int abs_sym(const struct obj *o, const char *name, uint64_t *v)
{
	const Elf64_Sym *s;

	if (!find_sym(o, name, &s))
		return 0;
	if (s->st_shndx != SHN_ABS)
		return fail("%s must be an absolute symbol (use the VMI_ROM_* "
		            "macros)", name);
	*v = s->st_value;
	return 1;
}

/* Catch typos: every vmi_rom_{call,jump,nop,clobbers}_X must name a call
 * of the minor being built (a 1.0 image has no DEVICE_NOTIFY). */
static int check_marker_names(const struct obj *o, const struct layout *l)
{
	static const char *const pfx[] = {
		"vmi_rom_call_", "vmi_rom_jump_", "vmi_rom_nop_", "vmi_rom_clobbers_",
		"vmi_rom_inline_flags_", "vmi_rom_inline_rename_",
		"vmi_rom_inline_clobbers_"
	};
	for (size_t i = 1; i < o->nsym; i++) {
		const char *n = sym_name(o, &o->sym[i]);
		if (ELF64_ST_BIND(o->sym[i].st_info) == STB_LOCAL)
			continue;
		for (size_t p = 0; p < sizeof(pfx) / sizeof(pfx[0]); p++) {
			size_t pl = strlen(pfx[p]);
			if (strncmp(n, pfx[p], pl))
				continue;
			bool known = false;
			for (uint32_t c = 0; c < l->ncalls; c++)
				known |= !strcmp(n + pl, vmi_call_desc(c)->name);
			if (!known)
				return fail("%s names no call of ABI %d.%u", n,
				            VMI_ABI_MAJOR, l->minor);
		}
	}
	return 0;
}

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }

/* The answer for one call from its symbols. */
static int answer(const struct obj *o, uint32_t c, struct vmi_reloc *r)
{
	const struct vmi_call_desc *d = vmi_call_desc(c);
	char name[96];
	uint32_t call_off, jump_off;
	uint64_t nop = 0, clob = d->allowed;

	snprintf(name, sizeof(name), "vmi_rom_call_%s", d->name);
	int hc = entry(o, name, false, &call_off);
	snprintf(name, sizeof(name), "vmi_rom_jump_%s", d->name);
	int hj = entry(o, name, false, &jump_off);
	snprintf(name, sizeof(name), "vmi_rom_nop_%s", d->name);
	int hn = abs_sym(o, name, &nop);
	snprintf(name, sizeof(name), "vmi_rom_clobbers_%s", d->name);
	int hk = abs_sym(o, name, &clob);
	if (hc < 0 || hj < 0 || hn < 0 || hk < 0)
		return -1;
	if (hc + hj + hn > 1)
		return fail("call %s has more than one answer", d->name);
	memset(r, 0, sizeof(*r));
	if (hk && !(hc || hj))
		return fail("clobbers given for %s, which has no entry", d->name);
	if (clob & ~(uint64_t)d->allowed)
		return fail("clobbers %#llx for %s exceed the allowed %#x",
		            (unsigned long long)clob, d->name, d->allowed);
	if (hc || hj) {
		r->type = hc ? VMI_RELOC_CALL : VMI_RELOC_JUMP;
		r->target = hc ? call_off : jump_off;
		r->clobbers = (uint16_t)clob;
	} else if (hn) {
		r->type = VMI_RELOC_NOP;
	}
	return 0;
}

/* ---- 1.2: inline answers (SPEC.md 9.1 and 14) -------------------------- */

/* The end of the instruction holding byte at of code[0..len), or 0. */
static unsigned insn_end(const uint8_t *code, unsigned len, unsigned at)
{
	struct vmi_insn in;
	for (unsigned o = 0; o < len; o += in.len) {
		if (vmi_insn_decode(code + o, len - o, &in) != VMI_ST_OK)
			return 0;
		if (at < o + in.len)
			return o + in.len;
	}
	return 0;
}

/* One relocation in an inline section as a fixup record at f: PC-relative
 * against a data-area symbol is a DATA_REL32, an absolute 8/16/32-bit one
 * a DATA_IMM (the immediate takes the value stored there). */
static int inline_fix(const struct obj *o, const struct layout *l, const char *call,
                      const Elf64_Rela *r, const uint8_t *code, unsigned len, uint8_t *f)
{
	uint32_t type = (uint32_t)ELF64_R_TYPE(r->r_info);
	size_t si = ELF64_R_SYM(r->r_info);
	int64_t v;

	if (si >= o->nsym || sym_value(o, l, &o->sym[si], &v))
		return fail("inline answer %s: bad relocation symbol", call);
	if (v < (int64_t)l->data_offset)
		return fail("inline answer %s: refers to %s, which is not in the data "
		            "area (inline bytes may call nothing and address only "
		            "the data area)", call, sym_name(o, &o->sym[si]));
	if (r->r_offset >= len)
		return fail("inline answer %s: relocation outside its bytes", call);
	unsigned at = (unsigned)r->r_offset;
	int64_t value = v - l->data_offset + r->r_addend;
	if (type == R_X86_64_PC32) {
		unsigned end = insn_end(code, len, at);
		if (!end)
			return fail("inline answer %s: cannot decode its bytes", call);
		value += end - at;
		f[0] = VMI_FIX_DATA_REL32;
	} else if (type == R_X86_64_8 || type == R_X86_64_16 || type == R_X86_64_32) {
		f[0] = VMI_FIX_DATA_IMM;
	} else {
		return fail("inline answer %s: relocation type %u against %s is "
		            "neither RIP-relative nor an immediate", call, type,
		            sym_name(o, &o->sym[si]));
	}
	if (value < 0 || value > UINT32_MAX)
		return fail("inline answer %s: fixup outside the data area", call);
	f[1] = (uint8_t)at;
	put32(f + 4, (uint32_t)value);
	return 0;
}

/* Every relocation against inline section sec, as fixups at fix. */
static int inline_fixups(const struct obj *o, const struct layout *l, size_t sec,
                         const char *call, uint8_t *fix, unsigned *nfix)
{
	const uint8_t *code = l->img + o->secs[sec].off;
	unsigned len = (unsigned)o->sh[sec].sh_size;

	*nfix = 0;
	for (size_t i = 0; i < o->nsec; i++) {
		const Elf64_Shdr *s = &o->sh[i];
		if (s->sh_type != SHT_RELA || s->sh_info != sec)
			continue;
		if (s->sh_entsize != sizeof(Elf64_Rela) || !aligned8(o, s->sh_offset))
			return fail("bad RELA entry size or alignment in %s", sec_name(o, i));
		const Elf64_Rela *r = (const Elf64_Rela *)(o->buf + s->sh_offset);
		for (size_t k = 0; k < s->sh_size / sizeof(Elf64_Rela); k++) {
			if (*nfix == VMI_INLINE_FIX_MAX)
				return fail("inline answer %s: more than %u fixups", call,
				            VMI_INLINE_FIX_MAX);
			if (inline_fix(o, l, call, &r[k], code, len, fix + 8 * *nfix))
				return -1;
			++*nfix;
		}
	}
	return 0;
}

/* Marker values of one inline answer: VMI_INLINE's flags, rename mask
 * and clobbers (default: its CALL entry's). */
static int inline_markers(const struct obj *o, const char *call, uint64_t *flags,
                          uint64_t *rename, uint64_t *clob)
{
	char name[96];
	snprintf(name, sizeof(name), "vmi_rom_inline_flags_%s", call);
	if (abs_sym(o, name, flags) < 0)
		return -1;
	snprintf(name, sizeof(name), "vmi_rom_inline_rename_%s", call);
	if (abs_sym(o, name, rename) < 0)
		return -1;
	snprintf(name, sizeof(name), "vmi_rom_inline_clobbers_%s", call);
	return abs_sym(o, name, clob) < 0 ? -1 : 0;
}

/* The inline table: one entry per .vmi.inline.<call> section; the call
 * table must answer that call CALL (the fallback every other site gets). */
static int rt_inline_build(const struct obj *o, struct layout *l)
{
	uint32_t n = 0;
	for (size_t i = 0; i < o->nsec; i++) {
		if (o->secs[i].kind != SK_INLINE)
			continue;
		const char *call = sec_name(o, i) + strlen(INLINE_PFX);
		uint32_t c = 0;
		while (c < l->ncalls && strcmp(vmi_call_desc(c)->name, call))
			c++;
		if (c == l->ncalls)
			return fail("section %s names no call of ABI 1.%u", sec_name(o, i), l->minor);
		const uint8_t *re = l->img + l->calls_offset + c * sizeof(struct vmi_reloc);
		if (re[0] != VMI_RELOC_CALL)
			return fail("inline answer %s needs a CALL entry (vmi_rom_call_%s) "
			            "for the sites it does not fit", call, call);
		if (o->sh[i].sh_size == 0 || o->sh[i].sh_size > VMI_INLINE_MAX)
			return fail("inline answer %s is %llu bytes (1 to %u)", call,
			            (unsigned long long)o->sh[i].sh_size, VMI_INLINE_MAX);
		uint64_t flags = 0, rename = 0, clob = get16(re + 2);
		unsigned nfix;
		uint32_t fix = l->fix_offset + n * VMI_INLINE_FIX_MAX * 8;
		if (inline_markers(o, call, &flags, &rename, &clob) ||
		    inline_fixups(o, l, i, call, l->img + fix, &nfix))
			return -1;
		uint8_t *e = l->img + l->inline_offset + n++ * sizeof(struct vmi_inline);
		put16(e, (uint16_t)c);
		e[2] = (uint8_t)o->sh[i].sh_size;
		e[3] = (uint8_t)flags;
		put16(e + 4, (uint16_t)clob);
		e[6] = (uint8_t)nfix;
		e[7] = (uint8_t)rename;
		put32(e + 8, (uint32_t)o->secs[i].off);
		put32(e + 12, nfix ? fix : 0);
	}
	return 0;
}

/* Option-ROM header, PCIR, ABI header and call table. */
static int write_headers(const struct obj *o, struct layout *l)
{
	uint8_t *b = l->img, *p = l->img + 0x20, *h = l->img + VMI_HDR_OFFSET;
	uint32_t init, query;
	uint64_t features = 0, version = 0;

	if (entry(o, "vmi_rom_init", true, &init) < 0 ||
	    entry(o, "vmi_rom_query", true, &query) < 0 ||
	    abs_sym(o, "vmi_rom_features", &features) < 0 ||
	    abs_sym(o, "vmi_rom_version", &version) < 0 ||
	    check_marker_names(o, l))
		return -1;
	b[0] = VMI_OPTROM_SIG0; b[1] = VMI_OPTROM_SIG1;
	b[2] = (uint8_t)(l->image_len / VMI_OPTROM_UNIT);
	b[3] = VMI_OPTROM_RETF;
	put16(b + 0x18, 0x20);
	memcpy(p, VMI_PCIR_SIG, 4);
	put16(p + 4, VMI_PCIR_VENDOR);
	put16(p + 6, VMI_PCIR_DEVICE);
	put16(p + 0x0A, sizeof(struct vmi_pcir));
	p[0x0C] = VMI_PCIR_REVISION;
	p[0x0D] = (uint8_t)VMI_PCIR_CLASS; p[0x0E] = (uint8_t)(VMI_PCIR_CLASS >> 8);
	p[0x0F] = (uint8_t)(VMI_PCIR_CLASS >> 16);
	put16(p + 0x10, b[2]);
	put16(p + 0x12, (uint16_t)version);
	p[0x15] = VMI_PCIR_LAST_IMAGE;
	put16(p + 0x16, b[2]);
	memcpy(h, VMI_HDR_SIG, VMI_HDR_SIG_LEN);
#define H(f) (h + offsetof(struct vmi_rom_header, f))
	put16(H(abi_major), VMI_ABI_MAJOR);
	put16(H(abi_minor), (uint16_t)l->minor);
	put32(H(header_size), l->minor >= 2 ? VMI_HDR_SIZE_V1_2 : VMI_HDR_SIZE_V1_0);
	put32(H(data_offset), l->data_offset);
	put32(H(data_size), l->data_size);
	put32(H(init_offset), init);
	put32(H(query_offset), query);
	put32(H(calls_offset), l->calls_offset);
	put32(H(calls_count), l->ncalls);
	put32(H(license_offset), l->lic_off);
	put32(H(license_len), l->lic_len);
	put32(H(name_offset), l->name_off);
	put32(H(name_len), l->name_len);
	put32(H(code_start), l->code_start);
	put32(H(code_end), l->code_end);
	put32(H(rom_version), (uint32_t)version);
	for (uint32_t c = 0; c < l->ncalls; c++) {
		struct vmi_reloc r;
		uint8_t *e = l->img + l->calls_offset + c * sizeof(r);
		if (answer(o, c, &r))
			return -1;
		e[0] = r.type; e[1] = r.flags;
		put16(e + 2, r.clobbers);
		put32(e + 4, r.target);
		/* A call a minor appended is announced by its feature bit
		 * whenever the ROM answers it other than NATIVE (SPEC.md 15). */
		if (r.type != VMI_RELOC_NATIVE)
			features |= VMI_CALL_FEATURE(c);
	}
	if (l->ninline) {
		if (rt_inline_build(o, l))
			return -1;
		features |= VMI_FEAT_INLINE;
		put32(H(inline_offset), l->inline_offset);
		put32(H(inline_count), l->ninline);
	}
	put32(H(features), (uint32_t)features);
	put32(H(features) + 4, (uint32_t)(features >> 32));
#undef H
	return 0;
}

/* The ABI minor to build: VMI_ROM_ABI_MINOR(n) in the ROM, else ours. */
static int abi_version(const struct obj *o, struct layout *l)
{
	uint64_t minor = VMI_ABI_MINOR;

	if (abs_sym(o, "vmi_rom_abi_minor", &minor) < 0)
		return -1;
	if (minor > VMI_ABI_MINOR)
		return fail("vmi_rom_abi_minor %llu: this romtool builds ABI %d.0 "
		            "to %d.%d", (unsigned long long)minor, VMI_ABI_MAJOR,
		            VMI_ABI_MAJOR, VMI_ABI_MINOR);
	l->minor = (uint32_t)minor;
	l->ncalls = VMI_CALLS_FOR_MINOR(l->minor);
	return 0;
}

static int write_out(const char *out, const struct layout *l)
{
	FILE *fp = fopen(out, "wb");
	if (!fp || fwrite(l->img, 1, l->image_len, fp) != l->image_len) {
		if (fp)
			fclose(fp);
		remove(out);
		return fail("cannot write %s", out);
	}
	if (fclose(fp) != 0) {
		remove(out);
		return fail("cannot write %s", out);
	}
	return 0;
}

/* Build, then hold the result to the same rules as "romtool check". */
static int build(struct obj *o, struct layout *l, const char *out)
{
	if (parse_elf(o) || classify(o) || abi_version(o, l) || lay_out(o, l) ||
	    relocate(o, l) || write_headers(o, l))
		return -1;
	l->img[l->image_len - 1] = (uint8_t)(0x100 - vmi_sum8(l->img, l->image_len - 1));
	if (rt_check(out ? out : o->path, l->img, l->image_len) != 0)
		return fail("the built image breaks the rules above");
	return out ? write_out(out, l) : 0;
}

int rt_build_buf(const char *path, const uint8_t *buf, size_t len,
		 const char *out)
{
	struct obj o = { 0 };
	struct layout *l;

	g_path = path;
	o.path = path;
	o.buf = buf;
	o.len = len;
	o.secs = calloc(len / sizeof(Elf64_Shdr) + 1, sizeof(*o.secs));
	l = calloc(1, sizeof(*l));
	int rc = (!o.secs || !l) ? fail("out of memory") : build(&o, l, out);
	free(o.secs);
	free(l);
	return rc;
}

int rt_build(const char *in, const char *out)
{
	struct rt_file f;

	g_path = in;
	if (rt_read_file(in, &f) != 0)
		return 1;
	int rc = rt_build_buf(in, f.buf, f.len, out);
	free(f.buf);
	return rc ? 1 : 0;
}
