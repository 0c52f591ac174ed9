/*
 * test_report.c: cmocka tests of the patch report (pvops/report.c) and of
 * the ELF reader behind build/pvops/pvreport (pvops/elfsites.c).
 *
 * ELF images are built in memory with <elf.h>'s structs, in both classes,
 * then damaged field by field: every malformed image must give an error
 * sentence, never a read outside the buffer (the -san build checks that).
 */
#include <elf.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <pvops/ops.h>
#include <pvops/patch.h>
#include <pvops/report.h>
#include <pvops/site.h>
#include "elfsites.h"

/* ---- report ------------------------------------------------------------ */

static struct pv_site site(unsigned op, uint8_t len)
{
	struct pv_site s = { .addr = 0xffffffff80100000ull, .op = op,
			     .len = len };
	return s;
}

static void test_summary(void **state)
{
	struct pv_report r;
	struct pv_site s;
	char line[PV_REPORT_LINE];

	(void)state;
	pv_report_init(&r);
	s = site(PV_OP_IRQ_DISABLE, 6);
	for (int i = 0; i < 4; i++)
		pv_report_add(&r, &s, PV_NATIVE);
	s = site(PV_OP_CLOCK_READ, 6);
	pv_report_add(&r, &s, PV_CALL);
	s = site(PV_OP_SHUTDOWN, 6);
	pv_report_add(&r, &s, PV_JUMP);
	s = site(PV_OP_PT_ALLOC, 6);
	pv_report_add(&r, &s, PV_NOP);
	pv_report_add(&r, &s, PV_NOP);
	pv_report_add(&r, &s, 0);
	pv_report_summary(&r, line, sizeof(line));
	assert_string_equal(line, "pvops: 9 sites: 4 inlined, 1 direct calls, "
			    "1 jumps, 2 removed, 1 indirect");
}

static void test_unknown_op_counted(void **state)
{
	struct pv_report r;
	struct pv_site s = site(PV_OP_COUNT, 6);
	char line[PV_REPORT_LINE];

	(void)state;
	pv_report_init(&r);
	pv_report_add(&r, &s, PV_NATIVE);
	s.op = PV_OP_HALT;
	pv_report_add(&r, &s, 77);		/* unknown kind: indirect */
	pv_report_summary(&r, line, sizeof(line));
	assert_string_equal(line, "pvops: 2 sites: 0 inlined, 0 direct calls, "
			    "0 jumps, 0 removed, 1 indirect, 1 with unknown op");
}

/* Column ends of a line: where each run of non-blanks stops. */
static int column_ends(const char *line, size_t *ends, int max)
{
	int n = 0;

	for (size_t i = 0; line[i] && n < max; i++)
		if (line[i] != ' ' && (line[i + 1] == ' ' || !line[i + 1]))
			ends[n++] = i;
	return n;
}

/* Numbers are right-aligned under their titles (sites and the kinds). */
static void test_table_aligned(void **state)
{
	struct pv_report r;
	struct pv_site s = site(PV_OP_SET_PTE, 6);
	char head[PV_REPORT_LINE], row[PV_REPORT_LINE];
	size_t he[16], re[16];

	(void)state;
	pv_report_init(&r);
	for (int i = 0; i < 123; i++)
		pv_report_add(&r, &s, PV_NATIVE);
	s.len = 11;
	pv_report_add(&r, &s, PV_CALL);
	pv_report_header(head, sizeof(head));
	pv_report_op_line(&r, PV_OP_SET_PTE, row, sizeof(row));
	assert_memory_equal(row, "set_pte ", 8);
	assert_int_equal(column_ends(head, he, 16), 9);
	assert_int_equal(column_ends(row, re, 16), 9);
	assert_int_equal(he[2], re[2]);			/* sites */
	for (int c = 4; c < 9; c++)
		assert_int_equal(he[c], re[c]);		/* kinds */
	assert_non_null(strstr(row, " 124  6,11 "));
	assert_non_null(strstr(row, " 123     1     0     0     0"));
}

static void test_truncation(void **state)
{
	struct pv_report r;
	char small[10];
	char full[PV_REPORT_LINE];
	size_t n;

	(void)state;
	pv_report_init(&r);
	memset(small, 'x', sizeof(small));
	n = pv_report_summary(&r, small, sizeof(small));
	assert_int_equal(n, pv_report_summary(&r, full, sizeof(full)));
	assert_int_equal(n, strlen(full));
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_memory_equal(small, full, sizeof(small) - 1);
	assert_int_equal(pv_report_summary(&r, NULL, 0), n);
	assert_int_equal(pv_report_op_line(&r, PV_OP_COUNT, full,
					   sizeof(full)), 0);
	assert_string_equal(full, "");
}

struct capture {
	int lines;
	char last[PV_REPORT_LINE];
};

static void capture(void *arg, const char *line)
{
	struct capture *c = arg;

	c->lines++;
	strncpy(c->last, line, sizeof(c->last) - 1);
}

static void test_print(void **state)
{
	struct pv_report r;
	struct capture c = { 0 };

	(void)state;
	pv_report_init(&r);
	pv_report_print(&r, 0, capture, &c);
	assert_int_equal(c.lines, 1);
	c.lines = 0;
	pv_report_print(&r, 1, capture, &c);
	assert_int_equal(c.lines, 2 + PV_OP_COUNT);
	assert_non_null(strstr(c.last, "device_notify"));
	assert_non_null(strstr(c.last, "device"));
}

/* ---- synthetic ELF images ---------------------------------------------- */

/*
 * Layout: header | .text (16 bytes: one site) | .pv_sites (2 records) |
 * .shstrtab | section headers [null, .text, .pv_sites, .shstrtab].
 */
#define TEXT_ADDR	0xffffffff80100000ull
#define TEXT_OFF	0x100
#define SITES_OFF	0x110
#define STR_OFF		0x140
#define SH_OFF		0x180
#define IMG_SIZE	0x300

static const char shstrtab[] = "\0.text\0.pv_sites\0.shstrtab";

struct img {
	uint8_t b[IMG_SIZE];
	size_t size;
};

static void put_records(uint8_t *p)
{
	struct pv_site s[2] = {
		{ .addr = TEXT_ADDR, .op = PV_OP_HALT, .clobbers = 1, .len = 6 },
		{ .addr = TEXT_ADDR + 6, .op = PV_OP_REBOOT,
		  .clobbers = PV_CLOBBERS_SYSV, .len = 10 },
	};
	memcpy(p, s, sizeof(s));
}

static void put_common(struct img *m)
{
	memset(m, 0, sizeof(*m));
	m->size = IMG_SIZE;
	for (int i = 0; i < 16; i++)
		m->b[TEXT_OFF + i] = (uint8_t)(0xa0 + i);
	put_records(m->b + SITES_OFF);
	memcpy(m->b + STR_OFF, shstrtab, sizeof(shstrtab));
}

static void make_elf64(struct img *m)
{
	Elf64_Ehdr *e = (Elf64_Ehdr *)m->b;
	Elf64_Shdr *sh = (Elf64_Shdr *)(m->b + SH_OFF);

	put_common(m);
	memcpy(e->e_ident, ELFMAG, SELFMAG);
	e->e_ident[EI_CLASS] = ELFCLASS64;
	e->e_ident[EI_DATA] = ELFDATA2LSB;
	e->e_shoff = SH_OFF;
	e->e_shentsize = sizeof(Elf64_Shdr);
	e->e_shnum = 4;
	e->e_shstrndx = 3;
	sh[1] = (Elf64_Shdr){ .sh_name = 1, .sh_type = SHT_PROGBITS,
			      .sh_flags = SHF_ALLOC | SHF_EXECINSTR,
			      .sh_addr = TEXT_ADDR, .sh_offset = TEXT_OFF,
			      .sh_size = 16 };
	sh[2] = (Elf64_Shdr){ .sh_name = 7, .sh_type = SHT_PROGBITS,
			      .sh_flags = SHF_ALLOC, .sh_addr = TEXT_ADDR + 16,
			      .sh_offset = SITES_OFF, .sh_size = 32 };
	sh[3] = (Elf64_Shdr){ .sh_name = 17, .sh_type = SHT_STRTAB,
			      .sh_offset = STR_OFF,
			      .sh_size = sizeof(shstrtab) };
}

static void make_elf32(struct img *m)
{
	Elf32_Ehdr *e = (Elf32_Ehdr *)m->b;
	Elf32_Shdr *sh = (Elf32_Shdr *)(m->b + SH_OFF);

	put_common(m);
	memcpy(e->e_ident, ELFMAG, SELFMAG);
	e->e_ident[EI_CLASS] = ELFCLASS32;
	e->e_ident[EI_DATA] = ELFDATA2LSB;
	e->e_shoff = SH_OFF;
	e->e_shentsize = sizeof(Elf32_Shdr);
	e->e_shnum = 4;
	e->e_shstrndx = 3;
	sh[1] = (Elf32_Shdr){ .sh_name = 1, .sh_type = SHT_PROGBITS,
			      .sh_flags = SHF_ALLOC | SHF_EXECINSTR,
			      .sh_addr = 0x100000, .sh_offset = TEXT_OFF,
			      .sh_size = 16 };
	sh[2] = (Elf32_Shdr){ .sh_name = 7, .sh_type = SHT_PROGBITS,
			      .sh_flags = SHF_ALLOC, .sh_addr = 0x100010,
			      .sh_offset = SITES_OFF, .sh_size = 32 };
	sh[3] = (Elf32_Shdr){ .sh_name = 17, .sh_type = SHT_STRTAB,
			      .sh_offset = STR_OFF,
			      .sh_size = sizeof(shstrtab) };
}

/* Parse m; return the error sentence, or NULL and check the records. */
static const char *parse(const struct img *m)
{
	struct pv_site *s = NULL;
	const char *err = NULL;
	size_t n = 0;

	if (pv_elf_sites(m->b, m->size, &s, &n, &err))
		return err;
	assert_int_equal(n, 2);
	assert_int_equal(s[0].addr, TEXT_ADDR);
	assert_int_equal(s[0].op, PV_OP_HALT);
	assert_int_equal(s[1].op, PV_OP_REBOOT);
	assert_int_equal(s[1].len, 10);
	assert_int_equal(s[1].clobbers, PV_CLOBBERS_SYSV);
	free(s);
	return NULL;
}

static void test_elf64_sites(void **state)
{
	struct img m;
	const uint8_t *p;

	(void)state;
	make_elf64(&m);
	assert_null(parse(&m));
	p = pv_elf_bytes(m.b, m.size, TEXT_ADDR + 6, 10);
	assert_ptr_equal(p, m.b + TEXT_OFF + 6);
	assert_null(pv_elf_bytes(m.b, m.size, TEXT_ADDR + 6, 11));
	assert_null(pv_elf_bytes(m.b, m.size, TEXT_ADDR - 1, 2));
	assert_null(pv_elf_bytes(m.b, m.size, ~0ull, 2));
	/* the record section is PROGBITS+ALLOC too, reachable by address */
	assert_ptr_equal(pv_elf_bytes(m.b, m.size, TEXT_ADDR + 16, 16),
			 m.b + SITES_OFF);
}

static void test_elf32_sites(void **state)
{
	struct img m;

	(void)state;
	make_elf32(&m);
	assert_null(parse(&m));
	assert_ptr_equal(pv_elf_bytes(m.b, m.size, 0x100004, 4),
			 m.b + TEXT_OFF + 4);
}

/* Each damage, applied to a fresh ELF64 image, and the sentence it gives. */
static void test_elf_malformed(void **state)
{
	struct img m;
	Elf64_Ehdr *e = (Elf64_Ehdr *)m.b;
	Elf64_Shdr *sh = (Elf64_Shdr *)(m.b + SH_OFF);

	(void)state;
#define DAMAGE(stmt, want)						\
	do {								\
		make_elf64(&m);						\
		stmt;							\
		assert_string_equal(parse(&m), want);			\
	} while (0)
	DAMAGE(m.b[0] = 0, "not an ELF file");
	DAMAGE(m.size = 3, "not an ELF file");
	DAMAGE(m.size = 40, "ELF header truncated");
	DAMAGE(m.b[EI_DATA] = ELFDATA2MSB, "not a little-endian ELF file");
	DAMAGE(m.b[EI_CLASS] = 9, "unknown ELF class");
	DAMAGE(e->e_shentsize = 10, "unexpected section header size");
	DAMAGE(e->e_shnum = 0, "no section headers (or extended numbering)");
	DAMAGE(e->e_shstrndx = 4, "no section headers (or extended numbering)");
	DAMAGE(e->e_shoff = IMG_SIZE - 64,
	       "section header table outside the file");
	DAMAGE(e->e_shoff = ~0ull, "section header table outside the file");
	DAMAGE(m.size = SH_OFF + 100, "section header table outside the file");
	DAMAGE(sh[3].sh_type = SHT_PROGBITS, "section name table broken");
	DAMAGE(sh[3].sh_offset = ~0ull - 4, "section name table broken");
	DAMAGE(sh[3].sh_size = 5, "no .pv_sites section");
	DAMAGE(sh[2].sh_name = 1000, "no .pv_sites section");
	DAMAGE(m.b[STR_OFF + 16] = 'x', "no .pv_sites section");
	DAMAGE(sh[2].sh_type = SHT_NOBITS, ".pv_sites has no file contents");
	DAMAGE(sh[2].sh_size = 31, ".pv_sites size not a multiple of 16");
	DAMAGE(sh[2].sh_offset = IMG_SIZE - 16, ".pv_sites outside the file");
	DAMAGE(sh[2].sh_size = ~0ull - 15, ".pv_sites outside the file");
#undef DAMAGE
	assert_null(pv_elf_bytes(NULL, 0, 0, 0));
}

static void test_elf_empty_section(void **state)
{
	struct img m;
	Elf64_Shdr *sh = (Elf64_Shdr *)(m.b + SH_OFF);
	struct pv_site *s = NULL;
	const char *err = NULL;
	size_t n = 99;

	(void)state;
	make_elf64(&m);
	sh[2].sh_size = 0;
	assert_int_equal(pv_elf_sites(m.b, m.size, &s, &n, &err), 0);
	assert_int_equal(n, 0);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_unknown_op_counted),
		cmocka_unit_test(test_table_aligned),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_elf64_sites),
		cmocka_unit_test(test_elf32_sites),
		cmocka_unit_test(test_elf_malformed),
		cmocka_unit_test(test_elf_empty_section),
	};

	return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
