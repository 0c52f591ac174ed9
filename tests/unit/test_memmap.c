/*
 * test_memmap.c: sanitizing a loader's memory map (kernel/memmap.c):
 * normal maps, overlaps, reserved holes, absurd and malformed entries.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "memmap.h"

#define MB 0x100000ULL
#define GB (1024 * MB)

struct buf {
	uint8_t b[1024];
	size_t len;
};

static void put(struct buf *m, uint64_t addr, uint64_t len, uint32_t type)
{
	uint32_t size = 20;
	memcpy(m->b + m->len, &size, 4);
	memcpy(m->b + m->len + 4, &addr, 8);
	memcpy(m->b + m->len + 12, &len, 8);
	memcpy(m->b + m->len + 20, &type, 4);
	m->len += 24;
}

static int nwarn;
static void warn(const char *msg, uint64_t a, uint64_t l) { (void)msg; (void)a; (void)l; nwarn++; }

static void qemu_like_map(void **st)
{
	(void)st;
	struct buf b = { .len = 0 };
	struct memmap m;
	put(&b, 0, 0x9fc00, 1);
	put(&b, 0x9fc00, 0x400, 2);
	put(&b, 0xf0000, 0x10000, 2);
	put(&b, MB, 63 * MB, 1);
	put(&b, 0xfffc0000, 0x40000, 2);
	nwarn = 0;
	memmap_from_mb(&m, b.b, b.len, GB, warn);
	assert_int_equal(nwarn, 0);
	assert_int_equal(m.n, 2);
	assert_int_equal(m.r[0].start, 0);
	assert_int_equal(m.r[0].end, 0x9f000);		/* rounded in */
	assert_int_equal(m.r[1].start, MB);
	assert_int_equal(m.r[1].end, 64 * MB);
}

static void overlaps_merge_and_reserved_wins(void **st)
{
	(void)st;
	struct buf b = { .len = 0 };
	struct memmap m;
	put(&b, 8 * MB, 8 * MB, 1);
	put(&b, MB, 8 * MB, 1);			/* overlaps, out of order */
	put(&b, 4 * MB, MB, 2);			/* reserved inside */
	memmap_from_mb(&m, b.b, b.len, GB, NULL);
	assert_int_equal(m.n, 2);
	assert_int_equal(m.r[0].start, MB);
	assert_int_equal(m.r[0].end, 4 * MB);
	assert_int_equal(m.r[1].start, 5 * MB);
	assert_int_equal(m.r[1].end, 16 * MB);
	assert_int_equal(memmap_total(&m), 14 * MB);
}

static void absurd_entries_dropped(void **st)
{
	(void)st;
	struct buf b = { .len = 0 };
	struct memmap m;
	put(&b, MB, 0, 1);				/* zero length */
	put(&b, 0xfffffffffffff000ULL, 0x2000, 1);	/* wraps */
	put(&b, 2 * MB, 2 * MB, 1);
	put(&b, 3 * GB, 4 * GB, 1);			/* beyond the limit */
	nwarn = 0;
	memmap_from_mb(&m, b.b, b.len, GB, warn);
	assert_int_equal(nwarn, 2);
	assert_int_equal(m.dropped, 2);
	assert_int_equal(m.n, 1);
	assert_int_equal(m.r[0].start, 2 * MB);
	assert_int_equal(m.r[0].end, 4 * MB);
}

/* Entries in the last pages below 2^64: rounding must clamp, never wrap. */
static void top_of_address_space(void **st)
{
	(void)st;
	struct buf b = { .len = 0 };
	struct memmap m;
	put(&b, 2 * MB, 2 * MB, 1);
	put(&b, 0xffffffffffffff00ULL, 24, 1);		/* inside the last page */
	put(&b, 0xfffffffffffff001ULL, 0xffe, 1);	/* ends at 2^64 - 1 */
	nwarn = 0;
	memmap_from_mb(&m, b.b, b.len, UINT64_MAX, warn);
	assert_int_equal(nwarn, 0);
	assert_int_equal(m.n, 1);
	assert_int_equal(m.r[0].start, 2 * MB);
	assert_int_equal(m.r[0].end, 4 * MB);
	assert_int_equal(memmap_total(&m), 2 * MB);
	/* The same under a limit: still only the real range. */
	memmap_from_mb(&m, b.b, b.len, GB, warn);
	assert_int_equal(m.n, 1);
	assert_int_equal(memmap_total(&m), 2 * MB);
	/* A usable range up to the last whole page, a reserved tail in it. */
	b.len = 0;
	put(&b, 0xffffffff00000000ULL, 0xfffff000ULL, 1);
	put(&b, 0xfffffffffffffff0ULL, 8, 2);
	put(&b, 0xffffffffffffe010ULL, 8, 2);
	memmap_from_mb(&m, b.b, b.len, UINT64_MAX, warn);
	assert_int_equal(nwarn, 0);
	assert_int_equal(m.n, 1);
	assert_int_equal(m.r[0].start, 0xffffffff00000000ULL);
	assert_int_equal(m.r[0].end, 0xffffffffffffe000ULL);
}

static void truncated_and_bad_sizes(void **st)
{
	(void)st;
	struct buf b = { .len = 0 };
	struct memmap m;
	put(&b, MB, 4 * MB, 1);
	put(&b, 8 * MB, 4 * MB, 1);
	/* Cut the second entry in half: the first must survive alone. */
	nwarn = 0;
	memmap_from_mb(&m, b.b, 24 + 10, GB, warn);
	assert_int_equal(m.n, 1);
	assert_int_equal(nwarn, 1);
	/* A size field below 20 stops the walk. */
	uint32_t tiny = 4;
	memcpy(b.b + 24, &tiny, 4);
	memmap_from_mb(&m, b.b, b.len, GB, warn);
	assert_int_equal(m.n, 1);
	/* A size field pointing past the buffer stops it too. */
	uint32_t huge = 0xfffffff0;
	memcpy(b.b, &huge, 4);
	memmap_from_mb(&m, b.b, b.len, GB, warn);
	assert_int_equal(m.n, 0);
	memmap_from_mb(&m, b.b, 0, GB, warn);
	assert_int_equal(m.n, 0);
}

static void too_many_entries(void **st)
{
	(void)st;
	struct buf b = { .len = 0 };
	struct memmap m;
	for (int i = 0; i < 40; i++)
		put(&b, (uint64_t)(2 * i + 2) * MB, MB, 1);	/* 40 disjoint */
	memmap_from_mb(&m, b.b, b.len, GB, NULL);
	assert_int_equal(m.n, MEMMAP_MAX);
	assert_int_equal(m.dropped, 40 - MEMMAP_MAX);
}

/* More reserved entries than the usable table holds: every one counts. */
static void many_reserved_entries(void **st)
{
	(void)st;
	struct buf b = { .len = 0 };
	struct memmap m;
	put(&b, MB, 63 * MB, 1);
	for (int i = 0; i < 36; i++)			/* above the limit */
		put(&b, 2 * GB + (uint64_t)i * MB, 4096, 2);
	put(&b, MB, 4096, 2);				/* the 37th reserved */
	put(&b, 63 * MB, MB, 2);			/* the 38th */
	memmap_from_mb(&m, b.b, b.len, GB, NULL);
	assert_int_equal(m.n, 1);
	assert_int_equal(m.r[0].start, MB + 4096);
	assert_int_equal(m.r[0].end, 63 * MB);
}

/* A reserved entry that wraps past 2^64 reserves up to the top. */
static void reserved_entry_wrapping(void **st)
{
	(void)st;
	struct buf b = { .len = 0 };
	struct memmap m;
	put(&b, MB, 63 * MB, 1);
	put(&b, 32 * MB, UINT64_MAX, 2);
	nwarn = 0;
	memmap_from_mb(&m, b.b, b.len, UINT64_MAX, warn);
	assert_int_equal(nwarn, 1);
	assert_int_equal(m.n, 1);
	assert_int_equal(m.r[0].start, MB);
	assert_int_equal(m.r[0].end, 32 * MB);
}

static void basic_info_and_reserve(void **st)
{
	(void)st;
	struct memmap m;
	memmap_from_basic(&m, 639, 31 * 1024, GB);
	assert_int_equal(m.n, 2);
	assert_int_equal(memmap_total(&m), 0x9f000 + 31 * MB);
	memmap_reserve(&m, 0, 2 * MB);
	assert_int_equal(m.n, 1);
	assert_int_equal(m.r[0].start, 2 * MB);
	memmap_reserve(&m, 10 * MB, 11 * MB);		/* split */
	assert_int_equal(m.n, 2);
	assert_int_equal(m.r[0].end, 10 * MB);
	assert_int_equal(m.r[1].start, 11 * MB);
	memmap_reserve(&m, 0, UINT64_MAX);
	assert_int_equal(m.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(qemu_like_map),
		cmocka_unit_test(overlaps_merge_and_reserved_wins),
		cmocka_unit_test(absurd_entries_dropped),
		cmocka_unit_test(top_of_address_space),
		cmocka_unit_test(truncated_and_bad_sizes),
		cmocka_unit_test(too_many_entries),
		cmocka_unit_test(many_reserved_entries),
		cmocka_unit_test(reserved_entry_wrapping),
		cmocka_unit_test(basic_info_and_reserve),
	};
	return cmocka_run_group_tests_name("memmap", tests, NULL, NULL);
}
