/* test_hv_snapshot.c: the snapshot parser (hv/snap_format.c) on a valid
 * sample (tests/snap/snap_sample.h) and on every kind of damage a file
 * can carry: each prefix of it, wrong magic or version, sizes that do
 * not add up, memory beyond the limit, extents outside RAM or out of
 * order, garbage in a device section, unknown or repeated sections,
 * and single-byte flips anywhere in the header and sections; and the
 * virtio sample's device sections, valid and damaged field by field. */
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

static int setup_virtio(void **state)
{
	(void)state;
	f = snap_sample_virtio(&flen);
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

/* The three virtio sections decode, in slot order, tails in place. */
static void test_virtio_valid(void **state)
{
	struct snap_vbal b;
	(void)state;
	assert_int_equal(parse(), 0);
	assert_int_equal(v.ndev, 3);
	assert_string_equal(v.vdev[0].kind, "virtio-blk");
	assert_string_equal(v.vdev[1].kind, "virtio-console");
	assert_string_equal(v.vdev[2].kind, "virtio-balloon");
	assert_int_equal(v.vdev[2].slot, 3);
	assert_int_equal(v.vdev[0].q[0].used_idx, 7);
	memcpy(&b, v.vtail[2], sizeof(b));
	assert_int_equal(b.pages, 2);
	assert_int_equal(v.vtail[2][sizeof(b) + SAMPLE_VBAL_PAGE0 / 8] >> (SAMPLE_VBAL_PAGE0 % 8) & 3, 3);
}

/* One field of one device section at a time (offsets of struct
 * snap_vdev), each refused with its section's reason. */
static void test_virtio_damaged(void **state)
{
	const size_t q0 = offsetof(struct snap_vdev, q), tail = sizeof(struct snap_vdev);
	static const struct { const char *sect; size_t at; uint64_t val; unsigned width;
			      const char *why; } c[] = {
		{ "dev.pci.01", 0, 0x6970672d6f697476ull, 8, "dev.pci.01: garbage (layout 1, not a virtio device" },
		{ "dev.pci.01", offsetof(struct snap_vdev, layout), 2, 4, "dev.pci.01: garbage (layout 2" },
		{ "dev.pci.01", offsetof(struct snap_vdev, slot), 5, 1, "dev.pci.01: unknown to this hv (slot 5)" },
		{ "dev.pci.01", offsetof(struct snap_vdev, tail_len), 8, 4, "sizes do not add up: section dev.pci.01" },
		{ "dev.pci.02", offsetof(struct snap_vdev, driver_features), 1ull << 40, 8, "dev.pci.02: garbage (queues" },
		{ "dev.pci.02", offsetof(struct snap_vdev, irq), 16, 1, "dev.pci.02: garbage (queues 2, irq 16" },
		{ "dev.pci.01", q0, 3, 2, "dev.pci.01: queue 0: size 3 is not a power of two" },
		{ "dev.pci.01", q0 + sizeof(struct snap_vqueue), 0, 2, "dev.pci.01: queue 1: size 0" },
		{ "dev.pci.02", q0 + offsetof(struct snap_vqueue, desc), 0x3fffff0, 8, "dev.pci.02: queue 0: an address outside guest RAM" },
		{ "dev.pci.02", q0 + offsetof(struct snap_vqueue, desc), 0xa0000, 8, "dev.pci.02: queue 0: an address outside guest RAM" },
		{ "dev.pci.03", q0 + 3 * sizeof(struct snap_vqueue) + 2, 1, 2, "dev.pci.03: queue 3: garbage (enabled 1)" },
		{ "dev.pci.03", q0 + offsetof(struct snap_vqueue, used_idx), 300, 2, "dev.pci.03: queue 0: used index 300" },
		{ "dev.pci.01", tail + offsetof(struct snap_vblk, sectors), 0, 8, "dev.pci.01: garbage (disk of 0 sectors" },
		{ "dev.pci.03", tail + offsetof(struct snap_vbal, target), 1u << 20, 4, "dev.pci.03: garbage (balloon target 1048576" },
		{ "dev.pci.03", tail + offsetof(struct snap_vbal, pages), 3, 8, "dev.pci.03 says 3 balloon pages, its bitmap has 2" },
		{ "dev.pci.03", tail + sizeof(struct snap_vbal) + (SAMPLE_MEM / SNAP_PAGE) / 8, 1, 1, "dev.pci.03: balloon page 16384 outside guest RAM" },
		{ "dev.pci.03", tail + sizeof(struct snap_vbal) + 0xa0000 / SNAP_PAGE / 8, 1, 1, "dev.pci.03: balloon page 160 outside guest RAM" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		size_t off = sect(c[i].sect) + c[i].at;
		uint8_t keep[8];
		memcpy(keep, f + off, c[i].width);
		memcpy(f + off, &c[i].val, c[i].width);
		if (parse() == 0)
			fail_msg("case %zu (%s) was accepted", i, c[i].why);
		refused(c[i].why);
		memcpy(f + off, keep, c[i].width);
		assert_int_equal(parse(), 0);
	}
	put32(sect("hv.config") + offsetof(struct snap_config, ndev), 2);
	refused("sizes do not add up: hv.config says 2 devices, the file has 3");
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
		cmocka_unit_test_setup_teardown(test_virtio_valid, setup_virtio, teardown),
		cmocka_unit_test_setup_teardown(test_virtio_damaged, setup_virtio, teardown),
	};
	return cmocka_run_group_tests_name("hv_snapshot", tests, NULL, NULL);
}
