/* test_hv_loader.c: the Multiboot v1 loader on images crafted in
 * memory: good ELF32 and address-field images, and each way a file can
 * be wrong, which must give its own error and never read or write out of
 * bounds (the -san build checks that, including on mutated images). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../hv/mboot.h"

int rom__check(const uint8_t *buf, size_t len, char *msg, size_t msglen);

#define RAM_SIZE  (4u << 20)
#define IMG_SIZE  0x3000u
#define HDR_OFF   0x800u

static uint8_t img[0x10000];
static uint8_t *ram;
static char msg[256];

struct seg { uint32_t type, offset, vaddr, paddr, filesz, memsz; };

static void w32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void w16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static uint32_t r32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }

static void mb_header(size_t off, uint32_t flags)
{
	w32(img + off, MB_HEADER_MAGIC);
	w32(img + off + 4, flags);
	w32(img + off + 8, -(MB_HEADER_MAGIC + flags));
}

/* An ELF32 i386 executable: header, n program headers, Multiboot header
 * at HDR_OFF (clear of up to 60 program headers), payload bytes 0xAB from 0x1000. */
static size_t mk_elf(const struct seg *s, int n, uint32_t entry)
{
	memset(img, 0, sizeof(img));
	memcpy(img, "\x7f" "ELF\x01\x01\x01", 7);
	w16(img + 16, 2);               /* ET_EXEC */
	w16(img + 18, 3);               /* EM_386 */
	w32(img + 20, 1);
	w32(img + 24, entry);
	w32(img + 28, 52);              /* e_phoff */
	w16(img + 40, 52);
	w16(img + 42, 32);
	w16(img + 44, (uint16_t)n);
	for (int i = 0; i < n; i++) {
		uint8_t *ph = img + 52 + 32 * i;
		w32(ph, s[i].type); w32(ph + 4, s[i].offset);
		w32(ph + 8, s[i].vaddr); w32(ph + 12, s[i].paddr);
		w32(ph + 16, s[i].filesz); w32(ph + 20, s[i].memsz);
	}
	mb_header(HDR_OFF, 3);
	memset(img + 0x1000, 0xAB, IMG_SIZE - 0x1000);
	return IMG_SIZE;
}

static size_t mk_elf1(uint32_t paddr, uint32_t filesz, uint32_t memsz,
		      uint32_t entry)
{
	const struct seg s = { 1, 0x1000, paddr, paddr, filesz, memsz };
	return mk_elf(&s, 1, entry);
}

/* The a.out kludge: header at HDR_OFF with the address fields. */
static size_t mk_aout(uint32_t header_addr, uint32_t load_addr,
		      uint32_t load_end, uint32_t bss_end, uint32_t entry)
{
	uint8_t *h = img + HDR_OFF;

	memset(img, 0x5A, sizeof(img));
	mb_header(HDR_OFF, 0x10003);
	w32(h + 12, header_addr); w32(h + 16, load_addr);
	w32(h + 20, load_end); w32(h + 24, bss_end); w32(h + 28, entry);
	return IMG_SIZE;
}

static int parse(size_t len, struct mb_image *im)
{
	int err = mb_parse(img, len, RAM_SIZE, im, msg, sizeof(msg));
	if (err)
		printf("# %s\n", msg);
	return err;
}

static void test_good_elf(void **state)
{
	struct mb_image im;
	(void)state;
	size_t len = mk_elf1(0x100000, 0x1000, 0x3000, 0x100010);

	assert_int_equal(parse(len, &im), MB_OK);
	assert_int_equal(im.elf, 1);
	assert_int_equal(im.nseg, 1);
	assert_int_equal(im.entry, 0x100010);
	assert_int_equal(im.end, 0x103000);
	memset(ram + 0x100000, 0xEE, 0x4000);
	mb_load(&im, img, ram);
	assert_int_equal(ram[0x100000], 0xAB);
	assert_int_equal(ram[0x100FFF], 0xAB);
	assert_int_equal(ram[0x101000], 0);         /* bss zeroed */
	assert_int_equal(ram[0x102FFF], 0);
	assert_int_equal(ram[0x103000], 0xEE);      /* nothing beyond */
}

static void test_good_aout(void **state)
{
	struct mb_image im;
	(void)state;
	size_t len = mk_aout(0x100000 + HDR_OFF, 0x100000, 0, 0x104000, 0x100200);

	assert_int_equal(parse(len, &im), MB_OK);
	assert_int_equal(im.elf, 0);
	assert_int_equal(im.seg[0].paddr, 0x100000);
	assert_int_equal(im.seg[0].offset, 0);
	assert_int_equal(im.seg[0].filesz, IMG_SIZE);
	assert_int_equal(im.seg[0].memsz, 0x4000);
	assert_int_equal(im.entry, 0x100200);
	/* loading from file offset HDR_OFF - 0x80 */
	len = mk_aout(0x200000 + 0x80, 0x200000, 0x200800, 0, 0x200000);
	assert_int_equal(parse(len, &im), MB_OK);
	assert_int_equal(im.seg[0].offset, HDR_OFF - 0x80);
	assert_int_equal(im.seg[0].filesz, 0x800);
	assert_int_equal(im.seg[0].memsz, 0x800);
}

static void test_entry_virtual(void **state)
{
	const struct seg s = { 1, 0x1000, 0xC0100000u, 0x100000, 0x1000, 0x1000 };
	struct mb_image im;
	(void)state;

	assert_int_equal(parse(mk_elf(&s, 1, 0xC0100020u), &im), MB_OK);
	assert_int_equal(im.entry, 0x100020);
}

static void test_bad_magic(void **state)
{
	struct mb_image im;
	(void)state;
	size_t len = mk_elf1(0x100000, 0x1000, 0x1000, 0x100000);

	w32(img + HDR_OFF, 0x1BADB003);
	assert_int_equal(parse(len, &im), MB_ENOHDR);
	assert_int_equal(parse(0, &im), MB_ENOHDR);
	assert_int_equal(parse(11, &im), MB_ENOHDR);
}

static void test_bad_checksum(void **state)
{
	struct mb_image im;
	(void)state;
	size_t len = mk_elf1(0x100000, 0x1000, 0x1000, 0x100000);

	w32(img + HDR_OFF + 8, r32(img + HDR_OFF + 8) + 1);
	assert_int_equal(parse(len, &im), MB_ECHECKSUM);
}

static void test_header_far(void **state)
{
	struct mb_image im;
	(void)state;
	size_t len = mk_elf1(0x100000, 0x1000, 0x1000, 0x100000);

	memset(img + HDR_OFF, 0, 12);
	mb_header(8192, 3);
	assert_int_equal(parse(len, &im), MB_EHDRFAR);
	memset(img + 8192, 0, 12);
	mb_header(8184, 3);                 /* straddles the 8 KiB limit */
	assert_int_equal(parse(len, &im), MB_EHDRFAR);
	memset(img + 8184, 0, 12);
	mb_header(8180, 0x10003);           /* address fields cross it */
	assert_int_equal(parse(len, &im), MB_EHDRFAR);
}

static void test_flags(void **state)
{
	struct mb_image im;
	(void)state;
	size_t len = mk_elf1(0x100000, 0x1000, 0x1000, 0x100000);

	mb_header(HDR_OFF, 7);
	assert_int_equal(parse(len, &im), MB_EVIDEO);
	mb_header(HDR_OFF, 0x23);
	assert_int_equal(parse(len, &im), MB_EFLAGS);
	mb_header(HDR_OFF, 0x80000003);     /* optional high bits: ignored */
	assert_int_equal(parse(len, &im), MB_OK);
}

static void test_segment_outside_ram(void **state)
{
	struct mb_image im;
	(void)state;

	assert_int_equal(parse(mk_elf1(0x100000, 0x1000, RAM_SIZE, 0x100000), &im),
			 MB_ERAM);
	assert_int_equal(parse(mk_elf1(RAM_SIZE, 0x1000, 0x1000, RAM_SIZE), &im),
			 MB_ERAM);
	assert_int_equal(parse(mk_aout(0x80000100u, 0x80000000u, 0, 0, 0x80000000u),
			       &im), MB_ERAM);
}

static void test_huge_sizes(void **state)
{
	struct mb_image im;
	(void)state;

	assert_int_equal(parse(mk_elf1(0xFFFFF000u, 0x1000, 0xFFFFFFFFu, 0xFFFFF000u),
			       &im), MB_ERAM);
	assert_int_equal(parse(mk_elf1(0x100000, 0x1000, 0xFFFFFFFFu, 0x100000),
			       &im), MB_ERAM);
	assert_int_equal(parse(mk_elf1(0x100000, 0xFFFFFFFFu, 0xFFFFFFFFu, 0x100000),
			       &im), MB_ETRUNC);
	assert_int_equal(parse(mk_aout(0x100100, 0x100000, 0xFFFFFF00u,
				       0, 0x100000), &im), MB_ETRUNC);
	assert_int_equal(parse(mk_aout(0x100100, 0x100000, 0x101000, 0xFFFFFFFFu,
				       0x100000), &im), MB_ERAM);
}

static void test_reserved_areas(void **state)
{
	struct mb_image im;
	(void)state;

	assert_int_equal(parse(mk_elf1(0xC0000, 0x1000, 0x1000, 0xC0000), &im),
			 MB_EHOLE);
	assert_int_equal(parse(mk_elf1(0x9F000, 0x1000, 0x1000, 0x9F000), &im),
			 MB_EHOLE);
	assert_int_equal(parse(mk_elf1(0xFF000, 0x1000, 0x2000, 0xFF000), &im),
			 MB_EHOLE);
	assert_int_equal(parse(mk_elf1(MB_INFO_GPA, 0x100, 0x100, MB_INFO_GPA), &im),
			 MB_EHOLE);
	assert_int_equal(parse(mk_elf1(0x20000, 0x1000, 0x1000, 0x20000), &im),
			 MB_OK);                /* low RAM is fine */
}

static void test_overlap(void **state)
{
	const struct seg s[2] = {
		{ 1, 0x1000, 0x100000, 0x100000, 0x1000, 0x2000 },
		{ 1, 0x2000, 0x101000, 0x101000, 0x1000, 0x1000 },
	};
	struct mb_image im;
	(void)state;

	assert_int_equal(parse(mk_elf(s, 2, 0x100000), &im), MB_EOVERLAP);
}

static void test_entry_outside(void **state)
{
	struct mb_image im;
	(void)state;

	assert_int_equal(parse(mk_elf1(0x100000, 0x1000, 0x1000, 0x101000), &im),
			 MB_EENTRY);
	assert_int_equal(parse(mk_elf1(0x100000, 0x1000, 0x1000, 0), &im),
			 MB_EENTRY);
	assert_int_equal(parse(mk_aout(0x100100, 0x100000, 0x101000, 0x102000,
				       0x102000), &im), MB_EENTRY);
}

static void test_truncated(void **state)
{
	struct mb_image im;
	(void)state;
	size_t len = mk_elf1(0x100000, 0x2000, 0x2000, 0x100000);

	assert_int_equal(parse(0x2FFF, &im), MB_ETRUNC);      /* segment data */
	w32(img + 28, IMG_SIZE - 16);                          /* phdrs */
	assert_int_equal(parse(len, &im), MB_ETRUNC);
	w32(img + 28, 0xFFFFFFF0u);
	assert_int_equal(parse(len, &im), MB_ETRUNC);
	mk_elf1(0x100000, 0x1000, 0x1000, 0x100000);
	memset(img + HDR_OFF, 0, 12);
	mb_header(8, 3);                                       /* header in ELF hdr */
	assert_int_equal(parse(30, &im), MB_ETRUNC);           /* ELF header cut */
	mk_aout(0x100100, 0x100000, 0, 0, 0x100000);
	assert_int_equal(parse(HDR_OFF + 20, &im), MB_ETRUNC); /* address fields */
	mk_aout(0x100100, 0x100000, 0x104000, 0, 0x100000);
	assert_int_equal(parse(IMG_SIZE, &im), MB_ETRUNC);     /* load_end */
}

static void test_elf64_refused(void **state)
{
	struct mb_image im;
	(void)state;
	size_t len = mk_elf1(0x100000, 0x1000, 0x1000, 0x100000);

	img[4] = 2;
	assert_int_equal(parse(len, &im), MB_EELF64);
	assert_non_null(strstr(msg, "ELF32"));
}

static void test_elf_type(void **state)
{
	struct mb_image im;
	(void)state;
	size_t len = mk_elf1(0x100000, 0x1000, 0x1000, 0x100000);

	w16(img + 18, 62);                  /* EM_X86_64 */
	assert_int_equal(parse(len, &im), MB_EELFTYPE);
	mk_elf1(0x100000, 0x1000, 0x1000, 0x100000);
	w16(img + 16, 3);                   /* ET_DYN */
	assert_int_equal(parse(len, &im), MB_EELFTYPE);
	mk_elf1(0x100000, 0x1000, 0x1000, 0x100000);
	img[5] = 2;                         /* big-endian */
	assert_int_equal(parse(len, &im), MB_EELFTYPE);
	mk_elf1(0x100000, 0x1000, 0x1000, 0x100000);
	w16(img + 42, 8);                   /* phentsize too small */
	assert_int_equal(parse(len, &im), MB_EELFTYPE);
}

static void test_not_elf(void **state)
{
	struct mb_image im;
	(void)state;
	size_t len = mk_elf1(0x100000, 0x1000, 0x1000, 0x100000);

	img[1] = 'X';
	assert_int_equal(parse(len, &im), MB_ENOTELF);
}

static void test_no_load(void **state)
{
	const struct seg s[2] = {
		{ 4, 0x1000, 0x100000, 0x100000, 0x10, 0x10 },   /* PT_NOTE */
		{ 1, 0x1000, 0x100000, 0x100000, 0, 0 },         /* empty */
	};
	struct mb_image im;
	(void)state;

	assert_int_equal(parse(mk_elf(s, 2, 0x100000), &im), MB_ENOLOAD);
	assert_int_equal(parse(mk_elf(s, 0, 0x100000), &im), MB_ENOLOAD);
	assert_int_equal(parse(mk_aout(0x100100, 0x100100, 0x100100, 0, 0x100100),
			       &im), MB_ENOLOAD);
}

static void test_seg_size(void **state)
{
	struct mb_image im;
	(void)state;

	assert_int_equal(parse(mk_elf1(0x100000, 0x2000, 0x1000, 0x100000), &im),
			 MB_ESEGSIZE);
}

static void test_too_many(void **state)
{
	struct seg s[MB_MAX_SEGS + 1];
	struct mb_image im;
	(void)state;

	for (int i = 0; i <= MB_MAX_SEGS; i++)
		s[i] = (struct seg){ 1, 0x1000, 0x100000 + 0x1000u * i,
				     0x100000 + 0x1000u * i, 0x10, 0x10 };
	assert_int_equal(parse(mk_elf(s, MB_MAX_SEGS, 0x100000), &im), MB_OK);
	assert_int_equal(parse(mk_elf(s, MB_MAX_SEGS + 1, 0x100000), &im),
			 MB_ETOOMANY);
}

static void test_address_fields(void **state)
{
	struct mb_image im;
	(void)state;

	assert_int_equal(parse(mk_aout(0x100100, 0x100200, 0, 0, 0x100200), &im),
			 MB_EADDR);             /* load_addr above header_addr */
	assert_int_equal(parse(mk_aout(0x100100, 0x0FF000, 0, 0, 0x100000), &im),
			 MB_EADDR);             /* would start before the file */
	assert_int_equal(parse(mk_aout(0x100100, 0x100000, 0x0FF000, 0, 0x100000),
			       &im), MB_EADDR); /* load_end below load_addr */
	assert_int_equal(parse(mk_aout(0x100100, 0x100000, 0x101000, 0x100800,
				       0x100000), &im), MB_EADDR);  /* bss_end */
}

/* The information hv hands the kernel: flags, memory, map, strings and
 * page-aligned modules above the kernel. */
static void test_info(void **state)
{
	static const uint8_t mod0[] = "first module", mod1[] = "x";
	const struct mb_module mods[2] = { { mod0, sizeof(mod0), "m0 arg" },
					   { mod1, 1, NULL } };
	struct mb_boot bt = { "console=com1 quiet", mods, 2, RAM_SIZE, 0 };
	struct mb_image im;
	uint32_t info = 0, m;
	(void)state;

	assert_int_equal(parse(mk_elf1(0x100000, 0x1000, 0x1800, 0x100000), &im),
			 MB_OK);
	assert_int_equal(mb_build_info(&im, &bt, ram, &info, msg, sizeof(msg)), MB_OK);
	assert_int_equal(info, MB_INFO_GPA);
	assert_int_equal(r32(ram + info), 0x24D);
	assert_int_equal(r32(ram + info + 4), 639);
	assert_int_equal(r32(ram + info + 8), (RAM_SIZE - 0x100000) / 1024);
	assert_string_equal((char *)ram + r32(ram + info + 16), "console=com1 quiet");
	assert_string_equal((char *)ram + r32(ram + info + 64), "hv");
	assert_int_equal(r32(ram + info + 44), 72);
	m = r32(ram + info + 48);
	assert_int_equal(r32(ram + m), 20);
	assert_int_equal(r32(ram + m + 12), 0x9FC00);
	assert_int_equal(r32(ram + m + 24 + 20), 2);
	assert_int_equal(r32(ram + m + 48 + 4), 0x100000);
	assert_int_equal(r32(ram + m + 48 + 12), RAM_SIZE - 0x100000);
	assert_int_equal(r32(ram + info + 20), 2);
	m = r32(ram + info + 24);
	assert_int_equal(r32(ram + m), 0x102000);
	assert_int_equal(r32(ram + m + 4), 0x102000 + sizeof(mod0));
	assert_string_equal((char *)ram + r32(ram + m + 8), "m0 arg");
	assert_memory_equal(ram + 0x102000, mod0, sizeof(mod0));
	assert_int_equal(r32(ram + m + 16), 0x103000);
	assert_string_equal((char *)ram + r32(ram + m + 16 + 8), "");
	assert_true(r32(ram + m + 24) <= MB_AREA_END);
}

/* --no-mmap: flag 6 clear, no map address, mem_lower/upper still there. */
static void test_info_no_mmap(void **state)
{
	struct mb_boot bt = { "", NULL, 0, RAM_SIZE, 1 };
	struct mb_image im;
	uint32_t info = 0;
	(void)state;

	assert_int_equal(parse(mk_elf1(0x100000, 0x1000, 0x1800, 0x100000), &im),
			 MB_OK);
	memset(ram + MB_INFO_GPA, 0, 0x100);
	assert_int_equal(mb_build_info(&im, &bt, ram, &info, msg, sizeof(msg)), MB_OK);
	assert_int_equal(r32(ram + info) & 0x40, 0);
	assert_int_equal(r32(ram + info) & 0x1, 1);
	assert_int_equal(r32(ram + info + 44), 0);
	assert_int_equal(r32(ram + info + 48), 0);
	assert_int_equal(r32(ram + info + 8), (RAM_SIZE - 0x100000) / 1024);
}

static void test_info_limits(void **state)
{
	const struct mb_module big = { ram, RAM_SIZE, "big" };
	struct mb_boot bt = { "", &big, 1, RAM_SIZE, 0 };
	char *longcmd = malloc(0x10000);
	struct mb_image im;
	uint32_t info;
	(void)state;

	assert_int_equal(parse(mk_elf1(0x100000, 0x1000, 0x1000, 0x100000), &im),
			 MB_OK);
	assert_int_equal(mb_build_info(&im, &bt, ram, &info, msg, sizeof(msg)),
			 MB_EMODULE);
	memset(longcmd, 'a', 0xFFFF);
	longcmd[0xFFFF] = 0;
	bt.cmdline = longcmd;
	bt.nmods = 0;
	assert_int_equal(mb_build_info(&im, &bt, ram, &info, msg, sizeof(msg)),
			 MB_EINFO);
	free(longcmd);
}

static void test_messages_distinct(void **state)
{
	(void)state;
	for (int i = 0; i < MB_NERR; i++)
		for (int j = 0; j < i; j++)
			assert_string_not_equal(mb_strerror(i), mb_strerror(j));
	assert_string_equal(mb_strerror(MB_NERR), "unknown loader error");
	assert_string_equal(mb_strerror(-1), "unknown loader error");
}

static void test_rom_shape(void **state)
{
	static uint8_t rom[0x20200];
	(void)state;

	rom[0] = 0x55; rom[1] = 0xAA;
	assert_int_equal(rom__check(rom, 512, msg, sizeof(msg)), 0);
	assert_int_equal(rom__check(rom, 0x20000, msg, sizeof(msg)), 0);
	assert_int_equal(rom__check(rom, 0x20200, msg, sizeof(msg)), -1);
	assert_non_null(strstr(msg, "ROM space"));
	assert_int_equal(rom__check(rom, 700, msg, sizeof(msg)), -1);
	assert_non_null(strstr(msg, "512"));
	assert_int_equal(rom__check(rom, 0, msg, sizeof(msg)), -1);
	rom[1] = 0xAB;
	assert_int_equal(rom__check(rom, 512, msg, sizeof(msg)), -1);
	assert_non_null(strstr(msg, "0x55AA"));
}

/* Random corruption of good images: any verdict is fine, an access out
 * of bounds (caught by ASan in the -san build) or a crash is not; an
 * image accepted must load inside RAM. */
static void test_mutations(void **state)
{
	uint32_t x = 12345;
	struct mb_image im;
	(void)state;

	for (int i = 0; i < 4000; i++) {
		size_t len = (i & 1) ? mk_elf1(0x100000, 0x1000, 0x3000, 0x100010)
				     : mk_aout(0x100100, 0x100000, 0, 0x104000, 0x100200);
		for (int k = 0; k < 1 + i % 4; k++) {
			x = x * 1103515245u + 12345u;
			size_t at = (x >> 8) % (i & 1 ? 128 : HDR_OFF + 32);
			if (!(i & 1) && at < HDR_OFF)
				at += HDR_OFF;
			img[at] ^= (uint8_t)(x >> 24 | 1);
		}
		x = x * 1103515245u + 12345u;
		if (x & 0x10000)
			len = (x >> 17) % (len + 1);
		if (mb_parse(img, len, RAM_SIZE, &im, msg, sizeof(msg)) == MB_OK) {
			for (unsigned s = 0; s < im.nseg; s++)
				assert_true(im.seg[s].paddr + im.seg[s].memsz <= RAM_SIZE);
			mb_load(&im, img, ram);
		}
	}
}

static int setup(void **state)
{
	(void)state;
	ram = calloc(1, RAM_SIZE);
	return ram ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(ram);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_elf),
		cmocka_unit_test(test_good_aout),
		cmocka_unit_test(test_entry_virtual),
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_bad_checksum),
		cmocka_unit_test(test_header_far),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_segment_outside_ram),
		cmocka_unit_test(test_huge_sizes),
		cmocka_unit_test(test_reserved_areas),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_entry_outside),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_elf64_refused),
		cmocka_unit_test(test_elf_type),
		cmocka_unit_test(test_not_elf),
		cmocka_unit_test(test_no_load),
		cmocka_unit_test(test_seg_size),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_address_fields),
		cmocka_unit_test(test_info),
		cmocka_unit_test(test_info_no_mmap),
		cmocka_unit_test(test_info_limits),
		cmocka_unit_test(test_messages_distinct),
		cmocka_unit_test(test_rom_shape),
		cmocka_unit_test(test_mutations),
	};
	return cmocka_run_group_tests_name("hv_loader", tests, setup, teardown);
}
