/*
 * test_romtool_build.c: "romtool build" (vmi-rom/romtool_build.c) on
 * crafted ELF objects: a minimal good one, then the same object with one
 * field made hostile (offsets near 2^63, a 4 GiB .bss, string tables
 * without bytes, misaligned tables).  Each must be refused with an error,
 * never undefined behaviour (the -san build aborts on any).
 */
#include <elf.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../vmi-rom/romtool.h"

enum { S_NULL, S_TEXT, S_LIC, S_BSS, S_SYMTAB, S_STRTAB, S_SHSTR, S_RELA, NSEC };

/* What a case changes in the good object. */
struct knobs {
	uint64_t query_value;   /* st_value of vmi_rom_query */
	int64_t addend;         /* the one relocation's addend */
	uint64_t bss_size;
	uint64_t bss2_size;     /* a second NOBITS section if non-zero */
	int strtab_nobits;      /* .strtab as SHT_NOBITS far outside the file */
	int shstr_nobits;       /* .shstrtab likewise */
	uint64_t symtab_skew;   /* added to the symbol table's offset */
	uint64_t shoff_skew;    /* added to the section header table's offset */
	uint64_t text_align;
};

static const struct knobs good = { .query_value = 8, .addend = -4,
				   .bss_size = 64, .text_align = 16 };

static const uint8_t text[32] = {
	0xf3, 0x0f, 0x1e, 0xfa, 0x31, 0xc0, 0xc3, 0x90,          /* init */
	0xf3, 0x0f, 0x1e, 0xfa, 0x48, 0xc7, 0xc0, 0xf9, 0xff, 0xff, 0xff, 0xc3, /* query */
	0x48, 0x8d, 0x05, 0, 0, 0, 0, 0xc3,                      /* lea data(%rip) */
};
static const char strtab[] = "\0vmi_rom_init\0vmi_rom_query\0data";
static const char shstr[] = "\0.text\0.vmi.license\0.bss\0.symtab\0.strtab\0.shstrtab\0.rela.text\0.bss2";

static uint8_t obj[8192];
static size_t len;

static size_t put(const void *p, size_t n, size_t align)
{
	len = (len + align - 1) & ~(align - 1);
	size_t at = len;
	memcpy(obj + at, p, n);
	len += n;
	return at;
}

static Elf64_Shdr sec(uint32_t name, uint32_t type, uint64_t flags,
		      uint64_t off, uint64_t size, uint64_t align)
{
	return (Elf64_Shdr){ .sh_name = name, .sh_type = type, .sh_flags = flags,
			     .sh_offset = off, .sh_size = size, .sh_addralign = align };
}

/* Lays out the object of k in obj[0..len). */
static void make(const struct knobs *k)
{
	Elf64_Ehdr eh = { .e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3,
				       ELFCLASS64, ELFDATA2LSB, EV_CURRENT },
			  .e_type = ET_REL, .e_machine = EM_X86_64,
			  .e_version = EV_CURRENT, .e_ehsize = sizeof(Elf64_Ehdr),
			  .e_shentsize = sizeof(Elf64_Shdr), .e_shnum = NSEC,
			  .e_shstrndx = S_SHSTR };
	Elf64_Sym sym[4] = {
		{ 0 },
		{ .st_name = 28, .st_info = ELF64_ST_INFO(STB_LOCAL, STT_OBJECT),
		  .st_shndx = S_BSS, .st_value = 0 },
		{ .st_name = 1, .st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC),
		  .st_shndx = S_TEXT, .st_value = 0 },
		{ .st_name = 14, .st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC),
		  .st_shndx = S_TEXT, .st_value = k->query_value },
	};
	Elf64_Rela rela = { .r_offset = 23, .r_info = ELF64_R_INFO(1, R_X86_64_PC32),
			    .r_addend = k->addend };
	Elf64_Shdr sh[NSEC + 1] = { { 0 } };

	memset(obj, 0, sizeof(obj));
	len = sizeof(eh);
	sh[S_TEXT] = sec(1, SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR,
			 put(text, sizeof(text), 16), sizeof(text), k->text_align);
	sh[S_LIC] = sec(7, SHT_PROGBITS, 0, put("MIT", 3, 1), 3, 1);
	sh[S_BSS] = sec(20, SHT_NOBITS, SHF_ALLOC | SHF_WRITE, len, k->bss_size, 8);
	sh[S_STRTAB] = sec(33, SHT_STRTAB, 0, put(strtab, sizeof(strtab), 1),
			   sizeof(strtab), 1);
	sh[S_SHSTR] = sec(41, SHT_STRTAB, 0, put(shstr, sizeof(shstr), 1),
			  sizeof(shstr), 1);
	sh[S_SYMTAB] = sec(25, SHT_SYMTAB, 0, put(sym, sizeof(sym), 8) + k->symtab_skew,
			   sizeof(sym), 8);
	sh[S_SYMTAB].sh_entsize = sizeof(Elf64_Sym);
	sh[S_SYMTAB].sh_link = S_STRTAB;
	sh[S_SYMTAB].sh_info = 2;
	len += 8;                                       /* room for a skew */
	sh[S_RELA] = sec(51, SHT_RELA, SHF_INFO_LINK, put(&rela, sizeof(rela), 8),
			 sizeof(rela), 8);
	sh[S_RELA].sh_entsize = sizeof(Elf64_Rela);
	sh[S_RELA].sh_link = S_SYMTAB;
	sh[S_RELA].sh_info = S_TEXT;
	if (k->strtab_nobits) {
		sh[S_STRTAB].sh_type = SHT_NOBITS;
		sh[S_STRTAB].sh_offset = 0x7fffffffffffff00ull;
		sh[S_STRTAB].sh_size = 0x100000;
	}
	if (k->shstr_nobits) {
		sh[S_SHSTR].sh_type = SHT_NOBITS;
		sh[S_SHSTR].sh_offset = 0x7fffffffffffff00ull;
		sh[S_SHSTR].sh_size = 0x100000;
	}
	if (k->bss2_size) {
		sh[NSEC] = sec(62, SHT_NOBITS, SHF_ALLOC | SHF_WRITE, 0, k->bss2_size, 8);
		eh.e_shnum = NSEC + 1;
	}
	eh.e_shoff = put(sh, sizeof(Elf64_Shdr) * eh.e_shnum, 8) + k->shoff_skew;
	if (k->shoff_skew)
		memmove(obj + eh.e_shoff, obj + eh.e_shoff - k->shoff_skew,
			sizeof(Elf64_Shdr) * eh.e_shnum);
	len += k->shoff_skew;
	if (k->symtab_skew)
		memmove(obj + sh[S_SYMTAB].sh_offset,
			obj + sh[S_SYMTAB].sh_offset - k->symtab_skew, sizeof(sym));
	memcpy(obj, &eh, sizeof(eh));
}

/* romtool build on the object of k: 0 built, -1 refused. */
static int build(const struct knobs *k)
{
	make(k);
	return rt_build_buf("crafted.o", obj, len, NULL);
}

static void test_good_object_builds(void **state)
{
	(void)state;
	assert_int_equal(build(&good), 0);
}

static void test_entry_offset_near_2_63(void **state)
{
	struct knobs k = good;
	(void)state;
	k.query_value = 0x7fffffffffffff00ull;
	assert_int_equal(build(&k), -1);
	k.query_value = UINT64_MAX - 2;
	assert_int_equal(build(&k), -1);
}

static void test_addend_near_2_63(void **state)
{
	struct knobs k = good;
	(void)state;
	k.addend = INT64_MAX;
	assert_int_equal(build(&k), -1);
	k.addend = INT64_MIN;
	assert_int_equal(build(&k), -1);
}

static void test_bss_of_4_gib(void **state)
{
	struct knobs k = good;
	(void)state;
	k.bss_size = 1ull << 32;
	assert_int_equal(build(&k), -1);
	k.bss_size = 0xfffffffffffff000ull;             /* wraps the layout */
	assert_int_equal(build(&k), -1);
	k.bss_size = 1ull << 63;
	k.bss2_size = 1ull << 63;
	assert_int_equal(build(&k), -1);
}

static void test_string_tables_without_bytes(void **state)
{
	struct knobs k = good;
	(void)state;
	k.strtab_nobits = 1;
	assert_int_equal(build(&k), -1);
	k = good;
	k.shstr_nobits = 1;
	assert_int_equal(build(&k), -1);
}

static void test_misaligned_tables(void **state)
{
	struct knobs k = good;
	(void)state;
	k.symtab_skew = 3;
	assert_int_equal(build(&k), -1);
	k = good;
	k.shoff_skew = 4;
	assert_int_equal(build(&k), -1);
}

static void test_alignment_not_a_power_of_two(void **state)
{
	struct knobs k = good;
	(void)state;
	k.text_align = 24;
	assert_int_equal(build(&k), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_object_builds),
		cmocka_unit_test(test_entry_offset_near_2_63),
		cmocka_unit_test(test_addend_near_2_63),
		cmocka_unit_test(test_bss_of_4_gib),
		cmocka_unit_test(test_string_tables_without_bytes),
		cmocka_unit_test(test_misaligned_tables),
		cmocka_unit_test(test_alignment_not_a_power_of_two),
	};
	return cmocka_run_group_tests_name("romtool_build", tests, NULL, NULL);
}
