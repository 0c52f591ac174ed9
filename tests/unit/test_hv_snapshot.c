/* test_hv_snapshot.c: the snapshot parser (hv/snap_format.c) on a valid
 * sample (tests/snap/snap_sample.h) and on every kind of damage a file
 * can carry: each prefix of it, wrong magic or version, sizes that do
 * not add up, memory beyond the limit, extents outside RAM or out of
 * order, garbage in a device section, unknown or repeated sections,
 * and single-byte flips anywhere in the header and sections. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "../snap/snap_sample.h"

#define MAX_MEM (3ull << 30)

static uint8_t *f;
static size_t flen;
static struct snap_view v;
static char err[256];

static int setup(void **state)
{
	(void)state;
	f = snap_sample(&flen);
	return f ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(f);
	return 0;
}

static int parse(void)
{
	err[0] = '\0';
	return snap_parse(f, flen, MAX_MEM, &v, err, sizeof(err));
}

/* Refused, and the reason says why. */
static void refused(const char *want)
{
	assert_int_equal(parse(), -1);
	if (strstr(err, want) == NULL)
		fail_msg("reason '%s' lacks '%s'", err, want);
}

static void put64(size_t off, uint64_t x) { memcpy(f + off, &x, 8); }
static void put32(size_t off, uint32_t x) { memcpy(f + off, &x, 4); }

static size_t sect(const char *name)
{
	uint64_t len;
	size_t off = snap_sample_find(f, name, &len);
	assert_true(off != 0);
	return off;
}

static void test_valid(void **state)
{
	(void)state;
	assert_int_equal(parse(), 0);
	assert_int_equal(v.h->mem_size, SAMPLE_MEM);
	assert_int_equal(v.n_ext, 2);
	assert_int_equal(v.pages, 2);
	assert_string_equal(v.cfg.backend, "none");
	assert_int_equal(v.msrs.n, 1);
	assert_int_equal(v.uart.rx, -1);
	assert_int_equal(snap_extent_at(&v, 1).gpa, 0x200000);
}

/* Every shorter file is refused (the data area's pages included). */
static void test_every_prefix(void **state)
{
	size_t full = flen;
	(void)state;
	for (flen = 0; flen < full; flen++)
		assert_int_equal(snap_parse(f, flen, MAX_MEM, &v, err, sizeof(err)), -1);
	flen = full;
	flen = full - 1;
	refused("truncated");
	flen = full;
	assert_int_equal(parse(), 0);
}

static void test_magic_version(void **state)
{
	(void)state;
	f[0] = 'X';
	refused("bad magic");
	f[0] = 'H';
	put32(8, 2);
	refused("version 2");
	put32(8, SNAP_VERSION);
	assert_int_equal(parse(), 0);
}

static void test_memory_limit(void **state)
{
	(void)state;
	put64(24, 1ull << 40);
	refused("beyond this hv's limit");
	put64(24, (1ull << 20) + 4096);
	refused("memory size");
	put64(24, SAMPLE_MEM);
	assert_int_equal(parse(), 0);
}

static void test_sizes(void **state)
{
	struct snap_header h;
	(void)state;
	memcpy(&h, f, sizeof(h));
	put64(40, h.sect_len + 8);              /* sect_len */
	refused("sizes do not add up");
	put64(40, h.sect_len);
	put32(64, h.nsect - 1);                 /* nsect */
	refused("sizes do not add up");
	put32(64, h.nsect);
	put64(56, h.data_len - 4096);           /* data_len */
	refused("sizes do not add up");
	put64(56, h.data_len);
	assert_int_equal(parse(), 0);
}

static void test_extents(void **state)
{
	size_t e = sect("mem.extents");
	(void)state;
	put64(e + 24, SAMPLE_MEM);              /* second extent's gpa: past RAM */
	refused("beyond the guest");
	put64(e + 24, 0xA0000);                 /* in the ROM window */
	refused("0xA0000");
	put64(e + 24, 0x1000);                  /* overlaps the first */
	refused("out of order");
	put64(e + 24, 0x200000);
	put64(e + 40, 0);                       /* offset not packed */
	refused("sizes do not add up");
	put64(e + 40, 4096);
	assert_int_equal(parse(), 0);
}

static void test_garbage_device(void **state)
{
	size_t u = sect("dev.com1"), c = sect("hv.config");
	(void)state;
	memset(f + u, 0x5a, sizeof(struct snap_uart));
	refused("dev.com1: garbage");
	memset(f + u, 0, sizeof(struct snap_uart));
	put32(u + 8, (uint32_t)-1);
	f[u + 4] = 1;                           /* dll */
	assert_int_equal(parse(), 0);
	f[sect("dev.rtc")] = 0x80;
	refused("dev.rtc: garbage");
	f[sect("dev.rtc")] = 0;
	memcpy(f + c, "xenlike\0", 8);
	refused("backend xenlike");
	memcpy(f + c, "bogus\0\0\0", 8);
	refused("backend 'bogus' unknown");
	memcpy(f + c, "none\0\0\0\0", 8);
	put32(sect("cpu.msrs"), 1000);
	refused("cpu.msrs");
	put32(sect("cpu.msrs"), 1);
	put32(sect("vm.pic0") - 0, 2);          /* chip id */
	refused("vm.pic0");
	put32(sect("vm.pic0"), 0);
	assert_int_equal(parse(), 0);
}

static void test_section_names(void **state)
{
	size_t r = sect("dev.rtc") - sizeof(struct snap_sect);
	(void)state;
	memcpy(f + r, "cpu.regs", 9);           /* a second cpu.regs, wrong size */
	refused("cpu.regs");
	memcpy(f + r, "bogus.x\0", 9);
	refused("unknown");
	memcpy(f + r, "dev.rtc\0", 9);
	f[r + 3] = 0x01;
	refused("name has a byte");
	f[r + 3] = '.';
	assert_int_equal(parse(), 0);
}

/* Any single byte changed in the header and sections: parsed or refused,
 * never a crash (the -san build checks every access). */
static void test_byte_flips(void **state)
{
	struct snap_header h;
	(void)state;
	memcpy(&h, f, sizeof(h));
	for (size_t i = 0; i < SNAP_SECT_OFF + h.sect_len; i += (i < 128 ? 1 : 7)) {
		uint8_t old = f[i];
		f[i] ^= 0xff;
		(void)parse();
		f[i] = old;
	}
	assert_int_equal(parse(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_valid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_prefix, setup, teardown),
		cmocka_unit_test_setup_teardown(test_magic_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_memory_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sizes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_extents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage_device, setup, teardown),
		cmocka_unit_test_setup_teardown(test_section_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_byte_flips, setup, teardown),
	};
	return cmocka_run_group_tests_name("hv_snapshot", tests, NULL, NULL);
}
