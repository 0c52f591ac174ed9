/*
 * test_vmi_validate.c: cmocka tests of the VMI ROM validator and the
 * option-ROM window scan on images crafted in memory: one good image, then
 * one mutation per rule, each refused with its own status.
 *
 * Images are copied into heap buffers of exactly the length handed to the
 * validator, so the ASan build catches any read past the end.
 *
 * Then the guest's binding (vmi-rom/guest.c) up to the point where it
 * would run ROM code: the window is a buffer, map() hands out heap
 * memory, protect() refuses (so init is never called) and records that
 * the binding got that far; or protect() accepts and the env's run_init
 * and run_query stand in for the ROM's entries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../vmi-rom/validate.h"
#include "../../vmi-rom/guest.h"

#define IMG_LEN   1024u
#define PCIR_OFF  0x20u
#define CALLS_OFF 0xC0u
#define LIC_OFF   0x300u
#define NAME_OFF  0x310u
#define CODE_LO   0x210u
#define CODE_HI   0x300u
#define INIT_OFF  0x210u
#define QUERY_OFF 0x220u
#define CW_OFF    0x230u   /* console_write entry */
#define NOEB_OFF  0x240u   /* code without ENDBR64 */

static uint8_t img[IMG_LEN];

static void put16(uint32_t off, uint16_t v)
{
	img[off] = (uint8_t)v;
	img[off + 1] = (uint8_t)(v >> 8);
}

static void put32(uint32_t off, uint32_t v)
{
	put16(off, (uint16_t)v);
	put16(off + 2, (uint16_t)(v >> 16));
}

/* Write a field of the ABI header by its offsetof. */
#define HDR(field) (VMI_HDR_OFFSET + (uint32_t)offsetof(struct vmi_rom_header, field))

static void put_endbr(uint32_t off)
{
	img[off] = 0xF3; img[off + 1] = 0x0F; img[off + 2] = 0x1E;
	img[off + 3] = 0xFA; img[off + 4] = 0xC3;  /* ret */
}

static void put_reloc(uint32_t call, uint8_t type, uint16_t clob, uint32_t tgt)
{
	uint32_t o = CALLS_OFF + call * 8;
	img[o] = type;
	img[o + 1] = 0;
	put16(o + 2, clob);
	put32(o + 4, tgt);
}

/* Make the image's bytes sum to zero through its last byte. */
static void fix_sum(void)
{
	img[IMG_LEN - 1] = 0;
	img[IMG_LEN - 1] = (uint8_t)(0x100 - vmi_sum8(img, IMG_LEN));
}

/* A small but complete, valid image. */
static void build_good(void)
{
	memset(img, 0, sizeof(img));
	img[0] = 0x55; img[1] = 0xAA; img[2] = IMG_LEN / 512; img[3] = 0xCB;
	put16(0x18, PCIR_OFF);
	memcpy(img + PCIR_OFF, "PCIR", 4);
	put16(PCIR_OFF + 4, VMI_PCIR_VENDOR);
	put16(PCIR_OFF + 6, VMI_PCIR_DEVICE);
	put16(PCIR_OFF + 0x0A, sizeof(struct vmi_pcir));
	img[PCIR_OFF + 0x0C] = VMI_PCIR_REVISION;
	img[PCIR_OFF + 0x0F] = 0xFF;
	put16(PCIR_OFF + 0x10, IMG_LEN / 512);
	img[PCIR_OFF + 0x15] = VMI_PCIR_LAST_IMAGE;
	memcpy(img + VMI_HDR_OFFSET, VMI_HDR_SIG, 8);
	put16(HDR(abi_major), VMI_ABI_MAJOR);
	put16(HDR(abi_minor), VMI_ABI_MINOR);
	put32(HDR(header_size), VMI_HDR_SIZE_V1_0);
	put32(HDR(data_offset), 4096);
	put32(HDR(data_size), 64);
	put32(HDR(init_offset), INIT_OFF);
	put32(HDR(query_offset), QUERY_OFF);
	put32(HDR(calls_offset), CALLS_OFF);
	put32(HDR(calls_count), VMI_CALL_COUNT);
	put32(HDR(license_offset), LIC_OFF);
	put32(HDR(license_len), 3);
	memcpy(img + LIC_OFF, "MIT", 4);
	put32(HDR(name_offset), NAME_OFF);
	put32(HDR(name_len), 4);
	memcpy(img + NAME_OFF, "test", 5);
	put32(HDR(code_start), CODE_LO);
	put32(HDR(code_end), CODE_HI);
	put_endbr(INIT_OFF);
	put_endbr(QUERY_OFF);
	put_endbr(CW_OFF);
	img[NOEB_OFF] = 0xC3;
	put_reloc(VMI_CALL_CONSOLE_WRITE, VMI_RELOC_CALL, VMI_CLOB_SYSV, CW_OFF);
	put_reloc(VMI_CALL_IO_DELAY, VMI_RELOC_NOP, 0, 0);
	put_reloc(VMI_CALL_SHUTDOWN, VMI_RELOC_JUMP, VMI_CLOB_RAX, CW_OFF);
	/* ABI 1.1's call, announced by its feature bit. */
	put_reloc(VMI_CALL_DEVICE_NOTIFY, VMI_RELOC_CALL, VMI_CLOB_RAX, CW_OFF);
	put32(HDR(features), (uint32_t)VMI_FEAT_DEVICE_NOTIFY);
	fix_sum();
}

/* Validate the first len bytes of img from an exact-size heap copy. */
static enum vmi_status run_len(size_t len, struct vmi_rom_info *info)
{
	uint8_t *copy = malloc(len ? len : 1);
	assert_non_null(copy);
	memcpy(copy, img, len);
	enum vmi_status st = vmi_validate(copy, len, info);
	free(copy);
	return st;
}

static enum vmi_status run(void)
{
	struct vmi_rom_info info;
	return run_len(IMG_LEN, &info);
}

/* Apply a header field change, fix the checksum, validate. */
static enum vmi_status with32(uint32_t off, uint32_t v)
{
	build_good();
	put32(off, v);
	fix_sum();
	return run();
}

static void test_good(void **state)
{
	struct vmi_rom_info info;
	struct vmi_reloc r;
	(void)state;
	build_good();
	assert_int_equal(run_len(IMG_LEN, &info), VMI_ST_OK);
	assert_int_equal(info.image_len, IMG_LEN);
	assert_int_equal(info.calls_known, VMI_CALL_COUNT);
	assert_int_equal(info.hdr.init_offset, INIT_OFF);
	assert_int_equal(info.hdr.data_size, 64);
	assert_int_equal(vmi_table_reloc(img, &info, VMI_CALL_CONSOLE_WRITE, &r),
	                 VMI_ST_OK);
	assert_int_equal(r.type, VMI_RELOC_CALL);
	assert_int_equal(r.target, CW_OFF);
	assert_int_equal(r.clobbers, VMI_CLOB_SYSV);
	assert_int_equal(vmi_table_reloc(img, &info, VMI_CALL_COUNT, &r),
	                 VMI_ST_CALL_UNKNOWN);
	/* A longer buffer (the rest of a scan window) is fine too. */
	assert_int_equal(vmi_validate(img, IMG_LEN, NULL), VMI_ST_OK);
}

static void test_optrom_layer(void **state)
{
	(void)state;
	build_good();
	img[100] ^= 0x01;
	assert_int_equal(run(), VMI_ST_CHECKSUM);
	build_good();
	assert_int_equal(run_len(IMG_LEN - 1, NULL), VMI_ST_TRUNCATED);
	assert_int_equal(run_len(512, NULL), VMI_ST_TRUNCATED);
	assert_int_equal(run_len(100, NULL), VMI_ST_SHORT);
	assert_int_equal(run_len(0, NULL), VMI_ST_SHORT);
	assert_int_equal(vmi_validate(NULL, 0, NULL), VMI_ST_SHORT);
	build_good();
	img[0] = 0xAA; img[1] = 0x55;
	fix_sum();
	assert_int_equal(run(), VMI_ST_SIGNATURE);
	build_good();
	img[2] = 0;
	fix_sum();
	assert_int_equal(run(), VMI_ST_ZERO_LENGTH);
}

static void test_pcir_layer(void **state)
{
	(void)state;
	build_good(); put16(0x18, 0x22); fix_sum();
	assert_int_equal(run(), VMI_ST_PCIR_OFFSET);
	build_good(); put16(0x18, 0); fix_sum();
	assert_int_equal(run(), VMI_ST_PCIR_OFFSET);
	build_good(); put16(0x18, 0xFFFC); fix_sum();
	assert_int_equal(run(), VMI_ST_PCIR_OFFSET);
	build_good(); img[PCIR_OFF] = 'X'; fix_sum();
	assert_int_equal(run(), VMI_ST_PCIR_SIGNATURE);
	build_good(); put16(PCIR_OFF + 0x0A, 4); fix_sum();
	assert_int_equal(run(), VMI_ST_PCIR_LENGTH);
	build_good(); img[PCIR_OFF + 0x14] = 3; fix_sum();
	assert_int_equal(run(), VMI_ST_PCIR_CODE_TYPE);
	build_good(); put16(PCIR_OFF + 0x10, 7); fix_sum();
	assert_int_equal(run(), VMI_ST_PCIR_UNITS);
}

static void test_abi_layer(void **state)
{
	struct vmi_rom_info info;
	(void)state;
	build_good(); img[VMI_HDR_OFFSET + 3] = 'X'; fix_sum();
	assert_int_equal(run(), VMI_ST_ABI_SIGNATURE);
	build_good(); put16(HDR(abi_major), 2); fix_sum();
	assert_int_equal(run(), VMI_ST_ABI_MAJOR);
	build_good(); put16(HDR(abi_major), 0); fix_sum();
	assert_int_equal(run(), VMI_ST_ABI_MAJOR);
	assert_int_equal(with32(HDR(header_size), 120), VMI_ST_HEADER_SIZE);
	assert_int_equal(with32(HDR(header_size), 132), VMI_ST_HEADER_SIZE);
	assert_int_equal(with32(HDR(header_size), 0xFFFFFFF8u), VMI_ST_HEADER_SIZE);
	/* A newer minor with a longer header and more calls is accepted;
	 * the guest uses only the calls it knows. */
	build_good();
	put16(HDR(abi_minor), VMI_ABI_MINOR + 3);
	put32(HDR(header_size), VMI_HDR_SIZE_V1_0 + 8);
	put32(HDR(calls_offset), CALLS_OFF + 8);
	put32(HDR(calls_count), VMI_CALL_COUNT + 1);
	memmove(img + CALLS_OFF + 8, img + CALLS_OFF, VMI_CALL_COUNT * 8);
	fix_sum();
	assert_int_equal(run_len(IMG_LEN, &info), VMI_ST_OK);
	assert_int_equal(info.hdr.abi_minor, VMI_ABI_MINOR + 3);
	assert_int_equal(info.calls_known, VMI_CALL_COUNT);
}

static void test_bounds_layer(void **state)
{
	(void)state;
	/* Tables out of bounds. */
	assert_int_equal(with32(HDR(calls_offset), IMG_LEN - 8), VMI_ST_CALLS_BOUNDS);
	assert_int_equal(with32(HDR(calls_offset), CALLS_OFF + 4), VMI_ST_CALLS_BOUNDS);
	assert_int_equal(with32(HDR(calls_count), 20), VMI_ST_CALLS_COUNT);
	assert_int_equal(with32(HDR(license_offset), IMG_LEN - 2), VMI_ST_LICENSE_BOUNDS);
	assert_int_equal(with32(HDR(name_offset), IMG_LEN), VMI_ST_NAME_BOUNDS);
	assert_int_equal(with32(HDR(code_end), IMG_LEN + 1), VMI_ST_CODE_BOUNDS);
	assert_int_equal(with32(HDR(code_start), CODE_HI), VMI_ST_CODE_BOUNDS);
	assert_int_equal(with32(HDR(data_offset), 1024), VMI_ST_DATA_OFFSET);
	assert_int_equal(with32(HDR(data_size), VMI_DATA_MAX + 1), VMI_ST_DATA_SIZE);
	/* Overflowing lengths: offset + length wraps in 32 bits. */
	assert_int_equal(with32(HDR(calls_offset), 0xFFFFFFF8u), VMI_ST_CALLS_BOUNDS);
	assert_int_equal(with32(HDR(calls_count), 0x20000001u), VMI_ST_CALLS_BOUNDS);
	assert_int_equal(with32(HDR(license_offset), 0xFFFFFFFFu), VMI_ST_LICENSE_BOUNDS);
	assert_int_equal(with32(HDR(license_len), 0xFFFFFFFFu), VMI_ST_LICENSE_BOUNDS);
	assert_int_equal(with32(HDR(name_len), 0xFFFFFFFFu), VMI_ST_NAME_BOUNDS);
	assert_int_equal(with32(HDR(code_end), 0xFFFFFFFFu), VMI_ST_CODE_BOUNDS);
	/* Overlapping tables. */
	assert_int_equal(with32(HDR(license_offset), NAME_OFF + 1), VMI_ST_OVERLAP);
	assert_int_equal(with32(HDR(calls_offset), 0x38), VMI_ST_OVERLAP);
	assert_int_equal(with32(HDR(code_start), CALLS_OFF + 8), VMI_ST_OVERLAP);
	/* Strings. */
	assert_int_equal(with32(HDR(license_len), 0), VMI_ST_LICENSE_MISSING);
	build_good(); img[LIC_OFF + 1] = '\n'; fix_sum();
	assert_int_equal(run(), VMI_ST_LICENSE_TEXT);
	assert_int_equal(with32(HDR(license_len), 2), VMI_ST_LICENSE_TEXT); /* no NUL */
	build_good(); img[NAME_OFF] = 0x80; fix_sum();
	assert_int_equal(run(), VMI_ST_NAME_TEXT);
	assert_int_equal(with32(HDR(name_len), 0), VMI_ST_NAME_BOUNDS);
	build_good();
	put32(HDR(name_len), 0); put32(HDR(name_offset), 0); fix_sum();
	assert_int_equal(run(), VMI_ST_OK);  /* the name is optional */
}

static void test_entries_layer(void **state)
{
	(void)state;
	assert_int_equal(with32(HDR(init_offset), 0x1000), VMI_ST_INIT_OUTSIDE);
	assert_int_equal(with32(HDR(init_offset), CALLS_OFF), VMI_ST_INIT_OUTSIDE);
	assert_int_equal(with32(HDR(query_offset), CODE_HI - 2), VMI_ST_QUERY_OUTSIDE);
	assert_int_equal(with32(HDR(query_offset), 0xFFFFFFFEu), VMI_ST_QUERY_OUTSIDE);
	assert_int_equal(with32(HDR(init_offset), NOEB_OFF), VMI_ST_NO_ENDBR);
}

/* Put one answer into the static table and validate. */
static enum vmi_status with_reloc(uint32_t call, uint8_t type, uint8_t flags,
                                  uint16_t clob, uint32_t tgt)
{
	build_good();
	put_reloc(call, type, clob, tgt);
	img[CALLS_OFF + call * 8 + 1] = flags;
	fix_sum();
	return run();
}

static void test_calls_layer(void **state)
{
	(void)state;
	assert_int_equal(with_reloc(0, 9, 0, 0, 0), VMI_ST_RELOC_TYPE);
	assert_int_equal(with_reloc(0, VMI_RELOC_NATIVE, 1, 0, 0), VMI_ST_RELOC_FLAGS);
	assert_int_equal(with_reloc(0, VMI_RELOC_CALL, 0, VMI_CLOB_RAX, 0x100),
	                 VMI_ST_RELOC_TARGET);
	assert_int_equal(with_reloc(0, VMI_RELOC_CALL, 0, VMI_CLOB_RAX, CODE_HI - 3),
	                 VMI_ST_RELOC_TARGET);
	assert_int_equal(with_reloc(0, VMI_RELOC_CALL, 0, VMI_CLOB_RAX, NOEB_OFF),
	                 VMI_ST_RELOC_ENDBR);
	assert_int_equal(with_reloc(VMI_CALL_IRQ_DISABLE, VMI_RELOC_CALL, 0,
	                            VMI_CLOB_RAX | VMI_REG(VMI_RBX), CW_OFF),
	                 VMI_ST_RELOC_CLOBBERS);
	assert_int_equal(with_reloc(VMI_CALL_CPUID, VMI_RELOC_CALL, 0,
	                            VMI_REG(VMI_RSP), CW_OFF), VMI_ST_RELOC_CLOBBERS);
	assert_int_equal(with_reloc(VMI_CALL_CPUID, VMI_RELOC_CALL, 0,
	                            VMI_CLOB_CPUID, CW_OFF), VMI_ST_OK);
	assert_int_equal(with_reloc(VMI_CALL_SAVE_FL, VMI_RELOC_NOP, 0, 0, 0),
	                 VMI_ST_RELOC_NOP);
	assert_int_equal(with_reloc(VMI_CALL_SHUTDOWN, VMI_RELOC_NOP, 0, 0, 0),
	                 VMI_ST_RELOC_NOP);
	assert_int_equal(with_reloc(VMI_CALL_IRQ_ENABLE, VMI_RELOC_JUMP, 0,
	                            VMI_CLOB_RAX, CW_OFF), VMI_ST_RELOC_JUMP);
	assert_int_equal(with_reloc(3, VMI_RELOC_NATIVE, 0, 0, CW_OFF),
	                 VMI_ST_RELOC_STRAY);
	assert_int_equal(with_reloc(3, VMI_RELOC_NOP, 0, 1, 0), VMI_ST_RELOC_STRAY);
}

/* The guest checks dynamic query answers with the same function. */
static void test_check_reloc(void **state)
{
	struct vmi_rom_info info;
	struct vmi_reloc r = { VMI_RELOC_CALL, 0, VMI_CLOB_SYSV, CW_OFF };
	(void)state;
	build_good();
	assert_int_equal(vmi_validate(img, IMG_LEN, &info), VMI_ST_OK);
	assert_int_equal(vmi_check_reloc(img, &info, VMI_CALL_CLOCK_READ, &r),
	                 VMI_ST_OK);
	assert_int_equal(vmi_check_reloc(img, &info, VMI_CALL_IRQ_DISABLE, &r),
	                 VMI_ST_RELOC_CLOBBERS);
	assert_int_equal(vmi_check_reloc(img, &info, VMI_CALL_COUNT, &r),
	                 VMI_ST_CALL_UNKNOWN);
	assert_int_equal(vmi_check_reloc(img, &info, 0xFFFFFFFFu, &r),
	                 VMI_ST_CALL_UNKNOWN);
}

/* Every status has its own reason and name; layers are ordered. */
static void test_reasons_distinct(void **state)
{
	(void)state;
	for (int a = 0; a < VMI_ST_COUNT; a++) {
		assert_string_not_equal(vmi_status_str(a), "unknown status");
		assert_string_not_equal(vmi_status_name(a), "UNKNOWN");
		for (int b = a + 1; b < VMI_ST_COUNT; b++) {
			assert_string_not_equal(vmi_status_str(a), vmi_status_str(b));
			assert_string_not_equal(vmi_status_name(a), vmi_status_name(b));
		}
		if (a > 1)  /* statuses are grouped by layer, in order */
			assert_true(vmi_status_layer(a - 1) <= vmi_status_layer(a));
	}
	assert_string_equal(vmi_status_str(VMI_ST_COUNT), "unknown status");
	assert_int_equal(vmi_status_layer(VMI_ST_OK), VMI_LAYER_COUNT);
	assert_int_equal(vmi_status_layer(VMI_ST_CHECKSUM), VMI_LAYER_OPTROM);
	assert_int_equal(vmi_status_layer(VMI_ST_OVERLAP), VMI_LAYER_BOUNDS);
	assert_string_equal(vmi_layer_name(VMI_LAYER_PCIR), "pci-data");
	assert_string_equal(vmi_err_str(VMI_E_NOHOST), "host side absent");
	assert_string_equal(vmi_err_str(5), "unknown error");
	assert_string_equal(vmi_err_str(-100), "unknown error");
	assert_string_equal(vmi_call_desc(VMI_CALL_CONSOLE_WRITE)->name,
	                    "console_write");
	assert_null(vmi_call_desc(VMI_CALL_COUNT));
}

/* A window like 0xC0000-0xDFFFF: a non-VMI ROM (VGA BIOS), a VMI ROM with
 * a bad checksum, then the good one at 0xCB000. */
static void test_scan(void **state)
{
	const uint64_t base = 0xC0000;
	const size_t wlen = 0x20000;
	uint8_t *win = calloc(1, wlen);
	struct vmi_scan_hit hit;
	size_t pos = 0;
	(void)state;
	assert_non_null(win);
	build_good();
	memcpy(win + 0xB000, img, IMG_LEN);
	img[VMI_HDR_OFFSET] = 'X';     /* "VGA BIOS": valid option ROM only */
	fix_sum();
	memcpy(win, img, IMG_LEN);
	build_good();
	img[300] ^= 0xFF;              /* bad checksum */
	memcpy(win + 0x8000, img, IMG_LEN);
	win[0x1FFFE] = 0x55; win[0x1FFFF] = 0xAA;  /* cut off at the end */

	assert_true(vmi_scan_next(win, wlen, base, &pos, &hit));
	assert_int_equal(hit.addr, 0xC0000);
	assert_int_equal(hit.status, VMI_ST_ABI_SIGNATURE);
	assert_true(vmi_scan_next(win, wlen, base, &pos, &hit));
	assert_int_equal(hit.addr, 0xC8000);
	assert_int_equal(hit.status, VMI_ST_CHECKSUM);
	assert_true(vmi_scan_next(win, wlen, base, &pos, &hit));
	assert_int_equal(hit.addr, 0xCB000);
	assert_int_equal(hit.status, VMI_ST_OK);
	assert_false(vmi_scan_next(win, wlen, base, &pos, &hit));

	assert_true(vmi_scan_find(win, wlen, base, &hit));
	assert_int_equal(hit.addr, 0xCB000);
	assert_int_equal(hit.offset, 0xB000);
	assert_int_equal(hit.info.hdr.query_offset, QUERY_OFF);

	/* A window base that is not 2 KiB aligned: scan aligned addresses. */
	assert_true(vmi_scan_find(win + 0x400, wlen - 0x400, base + 0x400, &hit));
	assert_int_equal(hit.addr, 0xCB000);
	/* A window that cuts the good ROM short finds nothing usable. */
	assert_false(vmi_scan_find(win, 0xB000 + 600, base, &hit));
	/* Nothing at all. */
	memset(win, 0, wlen);
	assert_false(vmi_scan_find(win, wlen, base, &hit));
	assert_false(vmi_scan_find(NULL, 0, base, &hit));
	free(win);
}

/* Random corruption of a good image, exact-size buffers: the validator must
 * return some status without reading out of bounds (ASan build). */
static void test_fuzz(void **state)
{
	uint32_t seed = 12345;
	(void)state;
	for (int i = 0; i < 20000; i++) {
		build_good();
		int n = 1 + (int)((seed >> 8) % 4);
		for (int k = 0; k < n; k++) {
			seed = seed * 1103515245u + 12345u;
			uint32_t off = (seed >> 4) % 0x200;
			seed = seed * 1103515245u + 12345u;
			img[off] = (uint8_t)(seed >> 16);
		}
		if (i & 1)
			fix_sum();
		size_t len = (i % 7 == 0) ? (seed >> 3) % IMG_LEN : IMG_LEN;
		enum vmi_status st = run_len(len, NULL);
		assert_true(st < VMI_ST_COUNT);
	}
}

/* ---- vmi_guest_bind, up to the ROM's init ---- */

static uint8_t *g_win;			/* the option-ROM window */
static void *g_mem;			/* what map() handed out */
static bool g_protected;		/* protect() was reached */
static char g_last[200];		/* the last line logged */
static void (*g_race)(void);		/* changes the window during map() */
static bool g_stand_in;			/* protect() accepts; run_* answer */
static unsigned g_inits, g_queries;	/* run_init, run_query calls */
static struct vmi_binding g_b;		/* the last binding */

static uint64_t g_map(void *ctx, uint64_t rom_len, uint64_t data_len, uint64_t *pa)
{
	(void)ctx;
	g_mem = aligned_alloc(4096, rom_len + data_len);
	assert_non_null(g_mem);
	memset(g_mem, 0, rom_len + data_len);
	*pa = 0x100000;
	if (g_race)
		g_race();
	return (uint64_t)(uintptr_t)g_mem;
}

static bool g_protect(void *ctx, uint64_t va, uint64_t len)
{
	(void)ctx; (void)va; (void)len;
	g_protected = true;
	return g_stand_in;			/* else stop before any ROM code runs */
}

/* Stands in for the ROM's init: checks where it would have been called. */
static int64_t g_run_init(void *ctx, uint64_t entry, const struct vmi_init_args *a)
{
	(void)ctx;
	g_inits++;
	assert_int_equal(entry, (uint64_t)(uintptr_t)g_mem + INIT_OFF);
	assert_int_equal(a->rom_va, (uint64_t)(uintptr_t)g_mem);
	assert_int_equal(a->data_va, (uint64_t)(uintptr_t)g_mem + 4096);
	return VMI_OK;
}

/* ... and for its query: the answers of the copy's call table. */
static int64_t g_run_query(void *ctx, uint64_t entry, uint32_t call, struct vmi_reloc *out)
{
	struct vmi_rom_info info;
	(void)ctx;
	g_queries++;
	assert_int_equal(entry, (uint64_t)(uintptr_t)g_mem + QUERY_OFF);
	assert_int_equal(vmi_validate(g_mem, IMG_LEN, &info), VMI_ST_OK);
	assert_int_equal(vmi_table_reloc(g_mem, &info, call, out), VMI_ST_OK);
	return 0;
}

static void g_log(void *ctx, const char *line)
{
	(void)ctx;
	snprintf(g_last, sizeof(g_last), "%s", line);
}

/* Binds with the current img in the window; false (as always here:
 * protect refuses) with the last log line in g_last. */
static bool guest_bind(void (*race)(void))
{
	struct vmi_guest_env env = {
		.window_pa = 0xC0000, .window_len = IMG_LEN,
		.map = g_map, .protect = g_protect, .log = g_log,
		.run_init = g_run_init, .run_query = g_run_query,
		.timer_vector = 32,
	};
	g_win = malloc(IMG_LEN);
	assert_non_null(g_win);
	memcpy(g_win, img, IMG_LEN);
	env.window = g_win;
	g_mem = NULL;
	g_protected = false;
	g_last[0] = 0;
	g_race = race;
	g_inits = g_queries = 0;
	bool ok = vmi_guest_bind(&env, &g_b);
	free(g_mem);
	free(g_win);
	return ok;
}

/* The window's ROM, changed after the scan: a larger data area
 * declared, the image still valid (checksum fixed). */
static void race_data_size(void)
{
	put32(HDR(data_size), 3 * 4096);
	fix_sum();
	memcpy(g_win, img, IMG_LEN);
}

/* ... or its init entry moved to another (valid) entry point. */
static void race_init_offset(void)
{
	put32(HDR(init_offset), QUERY_OFF);
	fix_sum();
	memcpy(g_win, img, IMG_LEN);
}

/* An unchanged window gets past the copy check (to protect()); a window
 * that changed after the scan is refused there, with the reason. */
static void test_guest_copy_matches_window(void **state)
{
	(void)state;
	build_good();
	assert_false(guest_bind(NULL));
	assert_true(g_protected);
	build_good();
	assert_false(guest_bind(race_data_size));
	assert_false(g_protected);
	assert_non_null(strstr(g_last, "differs from the ROM in the window (its ABI header"));
	build_good();
	assert_false(guest_bind(race_init_offset));
	assert_false(g_protected);
	assert_non_null(strstr(g_last, "its ABI header"));
}

/* With protect() accepting, init and query reached through the env's
 * stand-ins (never the ROM's code): the image binds, every call asked. */
static void test_guest_binds_through_stand_ins(void **state)
{
	(void)state;
	build_good();
	g_stand_in = true;
	bool ok = guest_bind(NULL);
	g_stand_in = false;
	assert_true(ok);
	assert_true(g_b.bound && g_b.init_ok && g_b.keep);
	assert_int_equal(g_inits, 1);
	assert_int_equal(g_queries, VMI_CALL_COUNT);
	assert_string_equal(g_b.name, "test");
	assert_int_equal(g_b.answer[VMI_CALL_CONSOLE_WRITE].type, VMI_RELOC_CALL);
	assert_int_equal(g_b.answer[VMI_CALL_SHUTDOWN].type, VMI_RELOC_JUMP);
	assert_int_equal(g_b.answer[VMI_CALL_IO_DELAY].type, VMI_RELOC_NOP);
}

/* SPEC.md 15: a 1.0 ROM (39 calls, no feature bit) binds and DEVICE_NOTIFY
 * stays NATIVE without being asked; so does a 1.1 ROM whose table answers
 * call 39 but which does not announce VMI_FEAT_DEVICE_NOTIFY; a 1.1 ROM
 * that announces it gets its CALL; a 1.1 ROM with only 39 calls is
 * refused (CALLS_COUNT). */
static void test_guest_abi_1_0_rom_keeps_notify_native(void **state)
{
	(void)state;
	build_good();
	put16(HDR(abi_minor), 0);
	put32(HDR(calls_count), VMI_CALL_COUNT_V1_0);
	put32(HDR(features), 0);
	put_reloc(VMI_CALL_DEVICE_NOTIFY, VMI_RELOC_NATIVE, 0, 0);
	fix_sum();
	g_stand_in = true;
	bool ok = guest_bind(NULL);
	assert_true(ok);
	assert_int_equal(g_b.info.calls_known, VMI_CALL_COUNT_V1_0);
	assert_int_equal(g_queries, VMI_CALL_COUNT_V1_0);
	assert_int_equal(g_b.answer[VMI_CALL_DEVICE_NOTIFY].type, VMI_RELOC_NATIVE);
	assert_int_equal(g_b.answer[VMI_CALL_CONSOLE_WRITE].type, VMI_RELOC_CALL);

	build_good();			/* 1.1, call 39 CALL, bit clear */
	put32(HDR(features), 0);
	fix_sum();
	assert_true(guest_bind(NULL));
	assert_int_equal(g_queries, VMI_CALL_COUNT - 1);
	assert_int_equal(g_b.answer[VMI_CALL_DEVICE_NOTIFY].type, VMI_RELOC_NATIVE);

	build_good();			/* 1.1, announced */
	assert_true(guest_bind(NULL));
	assert_int_equal(g_queries, VMI_CALL_COUNT);
	assert_int_equal(g_b.answer[VMI_CALL_DEVICE_NOTIFY].type, VMI_RELOC_CALL);
	g_stand_in = false;

	build_good();			/* 1.1 with a 1.0-sized table */
	put32(HDR(calls_count), VMI_CALL_COUNT_V1_0);
	fix_sum();
	assert_int_equal(run(), VMI_ST_CALLS_COUNT);
}

/* The memory stays once init may have reached the host: on success and
 * on every failure but the four reported before it. */
static void test_guest_init_may_hold(void **state)
{
	(void)state;
	assert_true(vmi_init_may_hold(VMI_OK));
	assert_false(vmi_init_may_hold(VMI_E_VERSION));
	assert_false(vmi_init_may_hold(VMI_E_ARGS));
	assert_false(vmi_init_may_hold(VMI_E_LAYOUT));
	assert_false(vmi_init_may_hold(VMI_E_NOHOST));
	assert_true(vmi_init_may_hold(VMI_E_HOST));
	assert_true(vmi_init_may_hold(VMI_E_FEATURES));
	assert_true(vmi_init_may_hold(-100));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_optrom_layer),
		cmocka_unit_test(test_pcir_layer),
		cmocka_unit_test(test_abi_layer),
		cmocka_unit_test(test_bounds_layer),
		cmocka_unit_test(test_entries_layer),
		cmocka_unit_test(test_calls_layer),
		cmocka_unit_test(test_check_reloc),
		cmocka_unit_test(test_reasons_distinct),
		cmocka_unit_test(test_scan),
		cmocka_unit_test(test_fuzz),
		cmocka_unit_test(test_guest_copy_matches_window),
		cmocka_unit_test(test_guest_binds_through_stand_ins),
		cmocka_unit_test(test_guest_abi_1_0_rom_keeps_notify_native),
		cmocka_unit_test(test_guest_init_may_hold),
	};
	return cmocka_run_group_tests_name("vmi_validate", tests, NULL, NULL);
}
