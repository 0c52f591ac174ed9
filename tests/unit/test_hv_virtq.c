/* test_hv_virtq.c: hv's split-ring walker (hv/virtq.c) on fake guest
 * memory, driven as a hostile driver would: loops, long chains,
 * addresses outside RAM or in the ROM hole, indirect tables good and
 * bad, zero lengths, indices that wrap, EVENT_IDX both ways. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../hv/virtq.h"

#define MEM     (4ull << 20)
#define DESC    0x200000ull
#define AVAIL   0x201000ull
#define USED    0x202000ull
#define TABLE   0x203000ull
#define DATA    0x210000ull

static uint8_t ram[MEM];
static struct gmem gm;
static struct virtq vq;
static struct virtq_chain ch;

struct d { uint64_t addr; uint32_t len; uint16_t flags, next; };

static void put_desc(uint64_t table, unsigned i, uint64_t addr, uint32_t len,
		     uint16_t flags, uint16_t next)
{
	struct d d = { addr, len, flags, next };
	memcpy(gm.ram + table + 16 * i, &d, 16);
}

static void put16(uint64_t gpa, uint16_t v) { memcpy(gm.ram + gpa, &v, 2); }
static uint16_t get16(uint64_t gpa) { uint16_t v; memcpy(&v, gm.ram + gpa, 2); return v; }
static uint32_t get32(uint64_t gpa) { uint32_t v; memcpy(&v, gm.ram + gpa, 4); return v; }

/* Offer head at the driver's next avail slot. */
static void offer(uint16_t head)
{
	uint16_t idx = get16(AVAIL + 2);
	put16(AVAIL + 4 + 2 * (idx % vq.size), head);
	put16(AVAIL + 2, (uint16_t)(idx + 1));
}

static int setup(void **state)
{
	(void)state;
	gm.size = MEM;
	gm.ram = ram;
	memset(ram, 0, sizeof(ram));
	vq = (struct virtq){ .gm = &gm, .size = 8, .desc = DESC, .avail = AVAIL,
			     .used = USED, .indirect = true };
	assert_int_equal(virtq_start(&vq), 0);
	return gm.ram ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return 0;
}

static void expect_broken(const char *why)
{
	assert_int_equal(virtq_pop(&vq, &ch), -1);
	if (strstr(vq.err, why) == NULL)
		fail_msg("error '%s' does not say '%s'", vq.err, why);
}

static void test_chain_and_used(void **state)
{
	(void)state;
	put_desc(DESC, 0, DATA, 16, VIRTQ_DESC_F_NEXT, 1);
	put_desc(DESC, 1, DATA + 16, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
	put_desc(DESC, 2, DATA + 600, 1, VIRTQ_DESC_F_WRITE, 0);
	assert_int_equal(virtq_pop(&vq, &ch), 0);          /* nothing yet */
	offer(0);
	assert_int_equal(virtq_pop(&vq, &ch), 1);
	assert_int_equal(ch.head, 0);
	assert_int_equal(ch.nout, 1);
	assert_int_equal(ch.nin, 2);
	assert_int_equal(ch.out_bytes, 16);
	assert_int_equal(ch.in_bytes, 513);
	assert_ptr_equal(ch.seg[1].p, gm.ram + DATA + 16);
	assert_int_equal(virtq_pop(&vq, &ch), 0);
	assert_int_equal(virtq_push(&vq, 0, 513), 0);
	assert_int_equal(get16(USED + 2), 1);
	assert_int_equal(get32(USED + 4), 0);
	assert_int_equal(get32(USED + 8), 513);
}

static void test_loop(void **state)
{
	(void)state;
	put_desc(DESC, 0, DATA, 16, VIRTQ_DESC_F_NEXT, 1);
	put_desc(DESC, 1, DATA, 16, VIRTQ_DESC_F_NEXT, 0);
	offer(0);
	expect_broken("longer than 8 descriptors");
}

static void test_self_loop(void **state)
{
	(void)state;
	put_desc(DESC, 3, DATA, 0, VIRTQ_DESC_F_NEXT, 3);
	offer(3);
	expect_broken("from head 3 is longer than 8");
}

/* A chain of exactly size descriptors is fine; the walk is bounded. */
static void test_longest_chain(void **state)
{
	(void)state;
	for (unsigned i = 0; i < 8; i++)
		put_desc(DESC, i, DATA + i, 1, i < 7 ? VIRTQ_DESC_F_NEXT : 0, (uint16_t)(i + 1));
	offer(0);
	assert_int_equal(virtq_pop(&vq, &ch), 1);
	assert_int_equal(ch.nout, 8);
}

static void test_outside_ram(void **state)
{
	static const struct { uint64_t addr; uint32_t len; } bad[] = {
		{ MEM, 1 }, { MEM - 8, 16 }, { 0xF0000000ull, 16 },
		{ 0xC0000, 16 }, { 0x9FFF0, 0x20 }, { 0xFFFFFFFFFFFFFFF0ull, 0x20 },
		{ DATA, 0xFFFFFFFFu },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setup(NULL);
		put_desc(DESC, 0, bad[i].addr, bad[i].len, 0, 0);
		offer(0);
		expect_broken("is not guest RAM");
		teardown(NULL);
	}
	setup(NULL);
}

static void test_zero_length(void **state)
{
	(void)state;
	put_desc(DESC, 0, DATA, 0, VIRTQ_DESC_F_NEXT, 1);
	put_desc(DESC, 1, MEM, 0, VIRTQ_DESC_F_WRITE, 0);  /* RAM's end, no byte */
	offer(0);
	assert_int_equal(virtq_pop(&vq, &ch), 1);
	assert_int_equal(ch.out_bytes + ch.in_bytes, 0);
	assert_int_equal(ch.nin, 1);
}

static void test_write_then_read(void **state)
{
	(void)state;
	put_desc(DESC, 0, DATA, 16, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	put_desc(DESC, 1, DATA, 16, 0, 0);
	offer(0);
	expect_broken("device-readable buffer after a device-writable one");
}

static void test_bad_indices(void **state)
{
	(void)state;
	offer(8);
	expect_broken("head 8 beyond the queue size 8");
	setup(NULL);
	put_desc(DESC, 0, DATA, 16, VIRTQ_DESC_F_NEXT, 9);
	offer(0);
	expect_broken("next 9 beyond the queue of 8");
	setup(NULL);
	put16(AVAIL + 2, 9);
	expect_broken("9 entries ahead");
}

static void test_indirect(void **state)
{
	(void)state;
	put_desc(TABLE, 0, DATA, 16, VIRTQ_DESC_F_NEXT, 1);
	put_desc(TABLE, 1, DATA + 16, 100, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
	put_desc(TABLE, 2, DATA + 200, 1, VIRTQ_DESC_F_WRITE, 0);
	put_desc(DESC, 4, TABLE, 48, VIRTQ_DESC_F_INDIRECT, 0);
	offer(4);
	assert_int_equal(virtq_pop(&vq, &ch), 1);
	assert_int_equal(ch.head, 4);
	assert_int_equal(ch.nout, 1);
	assert_int_equal(ch.nin, 2);
	assert_int_equal(ch.in_bytes, 101);
}

/* Each bad indirect descriptor or table, one per fresh queue. */
static void test_indirect_bad(void **state)
{
	static const struct { uint64_t addr; uint32_t len; uint16_t flags; const char *why; } bad[] = {
		{ TABLE, 48, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, "with NEXT" },
		{ TABLE, 40, VIRTQ_DESC_F_INDIRECT, "indirect table of 0x28 bytes" },
		{ TABLE, 0, VIRTQ_DESC_F_INDIRECT, "indirect table of 0 bytes" },
		{ TABLE, 16 * 257, VIRTQ_DESC_F_INDIRECT, "indirect table of 0x1010" },
		{ MEM - 32, 48, VIRTQ_DESC_F_INDIRECT, "indirect table at" },
		{ 0xC0000, 48, VIRTQ_DESC_F_INDIRECT, "is not guest RAM" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setup(NULL);
		put_desc(TABLE, 0, DATA, 16, 0, 0);
		put_desc(DESC, 0, bad[i].addr, bad[i].len, bad[i].flags, 1);
		offer(0);
		expect_broken(bad[i].why);
		teardown(NULL);
	}
	setup(NULL);
	vq.indirect = false;
	put_desc(DESC, 0, TABLE, 16, VIRTQ_DESC_F_INDIRECT, 0);
	offer(0);
	expect_broken("was not negotiated");
}

static void test_indirect_nested_and_loop(void **state)
{
	(void)state;
	put_desc(TABLE, 0, TABLE, 16, VIRTQ_DESC_F_INDIRECT, 0);
	put_desc(DESC, 0, TABLE, 16, VIRTQ_DESC_F_INDIRECT, 0);
	offer(0);
	expect_broken("inside an indirect table");
	setup(NULL);
	put_desc(TABLE, 0, DATA, 16, VIRTQ_DESC_F_NEXT, 1);
	put_desc(TABLE, 1, DATA, 16, VIRTQ_DESC_F_NEXT, 0);
	put_desc(DESC, 0, TABLE, 32, VIRTQ_DESC_F_INDIRECT, 0);
	offer(0);
	expect_broken("longer than 2 descriptors");
	setup(NULL);
	put_desc(TABLE, 0, DATA, 16, VIRTQ_DESC_F_NEXT, 2);
	put_desc(DESC, 0, TABLE, 32, VIRTQ_DESC_F_INDIRECT, 0);
	offer(0);
	expect_broken("next 2 beyond the indirect table of 2");
}

/* The largest indirect table, every entry chained: 256 buffers. */
static void test_indirect_full(void **state)
{
	(void)state;
	for (unsigned i = 0; i < 256; i++)
		put_desc(TABLE, i, DATA + i, 1, i < 255 ? VIRTQ_DESC_F_NEXT : 0, (uint16_t)(i + 1));
	put_desc(DESC, 0, TABLE, 4096, VIRTQ_DESC_F_INDIRECT, 0);
	offer(0);
	assert_int_equal(virtq_pop(&vq, &ch), 1);
	assert_int_equal(ch.nout, 256);
}

/* Indices near 65535 wrap on both sides. */
static void test_wrap(void **state)
{
	(void)state;
	vq.last_avail = vq.used_idx = vq.signalled = 65534;
	put16(AVAIL + 2, 65534);
	put_desc(DESC, 0, DATA, 4, 0, 0);
	for (int i = 0; i < 4; i++)
		offer(0);
	assert_int_equal(get16(AVAIL + 2), 2);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(virtq_pop(&vq, &ch), 1);
		assert_int_equal(virtq_push(&vq, ch.head, 4), 0);
	}
	assert_int_equal(virtq_pop(&vq, &ch), 0);
	assert_int_equal(get16(USED + 2), 2);
	assert_int_equal(vq.last_avail, 2);
}

static void test_event_idx(void **state)
{
	(void)state;
	vq.event_idx = true;
	put_desc(DESC, 0, DATA, 4, 0, 0);
	offer(0);
	offer(0);
	assert_int_equal(virtq_pop(&vq, &ch), 1);
	assert_int_equal(virtq_push(&vq, 0, 0), 0);
	assert_int_equal(virtq_pop(&vq, &ch), 1);
	assert_int_equal(virtq_push(&vq, 0, 0), 0);
	put16(AVAIL + 4 + 2 * 8, 5);                   /* used_event: after the 6th */
	assert_int_equal(virtq_need_interrupt(&vq), 0);
	assert_int_equal(virtq_arm_notify(&vq), 0);
	assert_int_equal(get16(USED + 4 + 8 * 8), 2);  /* avail_event */
	offer(0);
	assert_int_equal(virtq_arm_notify(&vq), 1);    /* one came meanwhile */
	put16(AVAIL + 4 + 2 * 8, 2);
	assert_int_equal(virtq_pop(&vq, &ch), 1);
	assert_int_equal(virtq_push(&vq, 0, 0), 0);
	assert_int_equal(virtq_need_interrupt(&vq), 1);   /* 2 -> 3 passes 2 */
	assert_int_equal(virtq_need_interrupt(&vq), 0);   /* nothing new */
}

static void test_no_interrupt_flag(void **state)
{
	(void)state;
	put_desc(DESC, 0, DATA, 4, 0, 0);
	offer(0);
	put16(AVAIL, VIRTQ_AVAIL_F_NO_INTERRUPT);
	assert_int_equal(virtq_pop(&vq, &ch), 1);
	assert_int_equal(virtq_push(&vq, 0, 0), 0);
	assert_int_equal(virtq_need_interrupt(&vq), 0);
	offer(0);
	put16(AVAIL, 0);
	assert_int_equal(virtq_pop(&vq, &ch), 1);
	assert_int_equal(virtq_push(&vq, 0, 0), 0);
	assert_int_equal(virtq_need_interrupt(&vq), 1);
}

static void test_start_checks(void **state)
{
	static const struct { uint16_t size; uint64_t desc, avail, used; const char *why; } bad[] = {
		{ 0, DESC, AVAIL, USED, "not a power of two" },
		{ 3, DESC, AVAIL, USED, "not a power of two" },
		{ 512, DESC, AVAIL, USED, "not a power of two" },
		{ 8, DESC + 8, AVAIL, USED, "not 16-byte aligned" },
		{ 8, DESC, AVAIL + 1, USED, "not 2-byte aligned" },
		{ 8, DESC, AVAIL, USED + 2, "not 4-byte aligned" },
		{ 8, 0xF0000000ull, AVAIL, USED, "descriptor table at 0xf0000000" },
		{ 256, MEM - 2048, AVAIL, USED, "descriptor table" },
		{ 8, DESC, MEM - 16, USED, "driver area" },
		{ 8, DESC, AVAIL, 0xC0000, "device area" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		vq.size = bad[i].size;
		vq.desc = bad[i].desc;
		vq.avail = bad[i].avail;
		vq.used = bad[i].used;
		assert_int_equal(virtq_start(&vq), -1);
		if (strstr(vq.err, bad[i].why) == NULL)
			fail_msg("case %zu: '%s' does not say '%s'", i, vq.err, bad[i].why);
	}
}

static void test_copy(void **state)
{
	uint8_t out[8], in[5] = { 1, 2, 3, 4, 5 };
	(void)state;
	memcpy(gm.ram + DATA, "abc", 3);
	memcpy(gm.ram + DATA + 100, "defgh", 5);
	put_desc(DESC, 0, DATA, 3, VIRTQ_DESC_F_NEXT, 1);
	put_desc(DESC, 1, DATA + 100, 5, VIRTQ_DESC_F_NEXT, 2);
	put_desc(DESC, 2, DATA + 200, 2, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 3);
	put_desc(DESC, 3, DATA + 300, 2, VIRTQ_DESC_F_WRITE, 0);
	offer(0);
	assert_int_equal(virtq_pop(&vq, &ch), 1);
	assert_int_equal(virtq_copy_out(&ch, 1, out, 8), 7);
	assert_memory_equal(out, "bcdefgh", 7);
	assert_int_equal(virtq_copy_in(&ch, 1, in, 5), 3);
	assert_int_equal(gm.ram[DATA + 201], 1);
	assert_int_equal(gm.ram[DATA + 300], 2);
	assert_int_equal(gm.ram[DATA + 301], 3);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_chain_and_used), T(test_loop), T(test_self_loop),
		T(test_longest_chain), T(test_outside_ram), T(test_zero_length),
		T(test_write_then_read), T(test_bad_indices), T(test_indirect),
		T(test_indirect_bad), T(test_indirect_nested_and_loop),
		T(test_indirect_full), T(test_wrap), T(test_event_idx),
		T(test_no_interrupt_flag), T(test_start_checks), T(test_copy),
	};
	return cmocka_run_group_tests_name("hv_virtq", tests, NULL, NULL);
}
