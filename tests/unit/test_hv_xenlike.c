/* test_hv_xenlike.c: cmocka tests of the Xen-like host side's pure parts
 * (hv/xenlike_check.c): mmu_update verdicts, the pv-clock scale, the
 * hypercall-page stubs and the event-channel state machine. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../hv/xenlike_check.h"
#include "../../hv/gmem.h"

#include <stdlib.h>

#define MEM (64ull << 20)

/* RAM as hv sees it: 0 .. MEM, minus the 0xA0000-0xFFFFF window. */
static int ram_ok(void *ctx, uint64_t gpa, uint64_t len)
{
	(void)ctx;
	if (gpa >= MEM || len > MEM - gpa)
		return 0;
	return gpa + len <= 0xA0000 || gpa >= 0x100000;
}

static enum xl_verdict check(uint64_t entry, unsigned level, uint64_t val)
{
	struct xl_mmu_req r = { entry | level, val };
	return xl_mmu_check(&r, MEM, ram_ok, NULL);
}

static void test_mmu_apply(void **state)
{
	(void)state;
	assert_int_equal(check(0x200000, 1, 0x300000 | 3), XL_APPLY);
	assert_int_equal(check(0x200ff8, 1, (MEM - 4096) | 3), XL_APPLY);
	assert_int_equal(check(0x200000, 2, 0x400000 | 0x83), XL_APPLY);  /* 2 MiB */
	assert_int_equal(check(0x200000, 4, 0x201000 | 3), XL_APPLY);
	/* Not present: maps nothing, any value. */
	assert_int_equal(check(0x200000, 1, 0xfffffffffffff000ull), XL_APPLY);
	assert_int_equal(check(0x200000, 1, 0), XL_APPLY);
	/* The ROM window is guest memory to map (the kernel scans it). */
	assert_int_equal(check(0x200000, 1, 0xC0000 | 1), XL_APPLY);
}

static void test_mmu_refuse(void **state)
{
	(void)state;
	assert_int_equal(check(0x200000, 1, MEM | 1), XL_REFUSE_FRAME);
	assert_int_equal(check(0x200000, 1, 0x000ffffffffff000ull | 1), XL_REFUSE_FRAME);
	assert_int_equal(check(0x200000, 2, (MEM - 0x200000) | 0x81), XL_APPLY);
	assert_int_equal(check(0x200000, 2, MEM | 0x81), XL_REFUSE_FRAME);
	/* A 1 GiB page cannot fit in 64 MiB. */
	assert_int_equal(check(0x200000, 3, 0 | 0x81), XL_REFUSE_FRAME);
	assert_int_equal(check(0x200000, 4, 0x1000 | 0x81), XL_REFUSE_RSVD);
	assert_int_equal(check(0x200000, 2, 0x402000 | 0x81), XL_REFUSE_RSVD);
	assert_int_equal(check(0x200000, 3, 0x2000 | 0x81), XL_REFUSE_RSVD);
	assert_int_equal(check(0x200000, 0, 0x1000 | 1), XL_REFUSE_LEVEL);
	assert_int_equal(check(0x200000, 5, 0x1000 | 1), XL_REFUSE_LEVEL);
	assert_int_equal(check(MEM, 1, 0x1000 | 1), XL_REFUSE_ENTRY);
	assert_int_equal(check(0x9fff8, 1, 0x1000 | 1), XL_APPLY);
	assert_int_equal(check(0xffff8, 1, 0x1000 | 1), XL_REFUSE_ENTRY);
	assert_int_equal(check(0xC0000, 1, 0x1000 | 1), XL_REFUSE_ENTRY);
	assert_int_equal(check(0xfffffffffffffff8ull, 1, 0x1000 | 1), XL_REFUSE_ENTRY);
	assert_string_equal(xl_verdict_str(XL_REFUSE_FRAME),
			    "maps a frame outside guest memory");
}

/* One second of ticks must read as one second, within 1 ppm. */
static void scale_one(uint64_t hz)
{
	uint32_t mul;
	int8_t shift;
	uint64_t ns, want;

	assert_int_equal(xl_time_scale(hz, &mul, &shift), 0);
	ns = xl_time_apply(hz, mul, shift);
	assert_true(ns > 1000000000ull - 1000 && ns < 1000000000ull + 1000);
	ns = xl_time_apply(hz / 1000, mul, shift);
	want = (hz / 1000) * 1000000000ull / hz;
	assert_true(ns + 10 > want && ns < want + 10);
}

static void test_time_scale(void **state)
{
	uint32_t mul;
	int8_t shift;
	(void)state;
	scale_one(2445434000ull);
	scale_one(1000000000ull);
	scale_one(3000000ull);
	scale_one(4000000000ull);
	scale_one(1193182ull);
	assert_int_equal(xl_time_scale(0, &mul, &shift), -1);
	assert_int_equal(xl_time_scale(1000000000ull, &mul, &shift), 0);
	assert_int_equal(shift, 1);          /* 1 GHz doubles into (1e9, 2e9] */
	assert_int_equal(mul, 1u << 31);
}

static void test_stubs(void **state)
{
	static uint8_t page[XL_HC_PAGE_SIZE];
	unsigned before = 0, after = 0;
	(void)state;
	memset(page, XL_HC_FILL, sizeof(page));
	for (unsigned i = 0; i < sizeof(page); i++)
		before += page[i];
	xl_write_stubs(page, 0xf8);
	for (unsigned i = 0; i < sizeof(page); i++)
		after += page[i];
	assert_int_equal(before & 0xff, after & 0xff);      /* checksum kept */
	static const uint8_t stub7[] = { 0xb8, 7, 0, 0, 0, 0xe7, 0xf8, 0xc3, 0xcc };
	assert_memory_equal(page + 7 * XL_HC_STUB_SIZE, stub7, sizeof(stub7));
	assert_int_equal(page[0], 0xb8);
	assert_int_equal(page[1], 0);
	assert_int_equal(page[XL_HC_STUB_SIZE - 1], XL_HC_FILL);
}

static void test_evtchn(void **state)
{
	static struct xl_shared_info s;
	(void)state;
	memset(&s, 0, sizeof(s));
	s.evtchn_mask = ~1ull;                   /* only the timer port open */
	s.vcpu0.upcall_mask = 1;
	assert_int_equal(xl_evtchn_raise(&s, XL_PORT_TIMER), 1);
	assert_int_equal(s.vcpu0.upcall_pending, 1);
	assert_false(xl_upcall_deliverable(&s, 0));   /* masked */
	assert_true(xl_upcall_deliverable(&s, 1));    /* user mode: always on */
	s.vcpu0.upcall_mask = 0;
	assert_true(xl_upcall_deliverable(&s, 0));
	/* Raising it again while pending sets nothing new. */
	assert_int_equal(xl_evtchn_raise(&s, XL_PORT_TIMER), 0);
	/* A masked port turns pending without an upcall. */
	s.vcpu0.upcall_pending = 0;
	assert_int_equal(xl_evtchn_raise(&s, XL_PORT_CONSOLE), 0);
	assert_int_equal(s.vcpu0.upcall_pending, 0);
	assert_true(s.evtchn_pending & (1ull << XL_PORT_CONSOLE));
	/* Ack clears the port; upcall_pending goes when no open port is left. */
	s.vcpu0.upcall_pending = 1;
	xl_evtchn_ack(&s, XL_PORT_TIMER);
	assert_int_equal(s.vcpu0.upcall_pending, 0);
	assert_false(s.evtchn_pending & 1);
	assert_false(xl_upcall_deliverable(&s, 1));
	assert_int_equal(s.events_raised, 3);
}

/* A batch of three requests placed at gpa in fake guest memory: one
 * applied, one mapping past RAM, one whose entry is in the ROM hole. */
static void run_batch(uint64_t gpa)
{
	struct gmem gm = { calloc(1, GMEM_MIN_SIZE), GMEM_MIN_SIZE };
	struct xl_mmu_req req[3] = {
		{ 0x180000 | 1, 0x100000 | 3 },
		{ 0x180008 | 1, GMEM_MIN_SIZE | 3 },
		{ 0xA0000 | 1, 0x100000 | 3 },
	}, back[3];
	uint64_t e0, e1;

	assert_non_null(gm.ram);
	memcpy(gm.ram + gpa, req, sizeof(req));
	assert_int_equal(xl_mmu_batch(&gm, gm.ram + gpa, 3, NULL, NULL), 2);
	memcpy(&e0, gm.ram + 0x180000, 8);
	memcpy(&e1, gm.ram + 0x180008, 8);
	assert_int_equal(e0, 0x100003);
	assert_int_equal(e1, 0);
	memcpy(back, gm.ram + gpa, sizeof(back));
	assert_int_equal(back[0].ptr, req[0].ptr);
	assert_int_equal(back[1].ptr, 0);
	assert_int_equal(back[2].ptr, 0);
	free(gm.ram);
}

static void test_mmu_batch(void **state)
{
	(void)state;
	run_batch(0x140000);
}

/* The guest picks the array's address: any byte alignment is read and
 * written without a misaligned access (UBSan would abort the -san run). */
static void test_mmu_batch_misaligned(void **state)
{
	(void)state;
	run_batch(0x140003);
	run_batch(0x14000c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mmu_apply),
		cmocka_unit_test(test_mmu_refuse),
		cmocka_unit_test(test_mmu_batch),
		cmocka_unit_test(test_mmu_batch_misaligned),
		cmocka_unit_test(test_time_scale),
		cmocka_unit_test(test_stubs),
		cmocka_unit_test(test_evtchn),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
