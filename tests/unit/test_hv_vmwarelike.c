/* test_hv_vmwarelike.c: cmocka tests of the VMware-like host side's pure
 * checks (hv/vmwarelike_check.c): backdoor access shape, bulk limits,
 * deferred-mode entry verdicts, the CPUID table, periodic alarms. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../hv/vmwarelike_check.h"
#include "../../hv/gmem.h"

#include <stdlib.h>

#define RAM (64ull << 20)

static void test_access_good(void **state)
{
	(void)state;
	assert_null(vmw_check_access(VMW_PORT_CMD, 0, 4, 1, VMW_MAGIC));
	assert_null(vmw_check_access(VMW_PORT_BULK, 0, 4, 1, VMW_MAGIC));
}

static void test_access_bad(void **state)
{
	(void)state;
	assert_string_equal(vmw_check_access(VMW_PORT_CMD, 0, 4, 1, 0x564D5869),
			    "wrong magic in eax");
	assert_string_equal(vmw_check_access(VMW_PORT_CMD, 0, 4, 1, 0xffffffff),
			    "wrong magic in eax");
	assert_non_null(vmw_check_access(VMW_PORT_CMD, 1, 4, 1, VMW_MAGIC));
	assert_non_null(vmw_check_access(VMW_PORT_CMD, 0, 1, 1, VMW_MAGIC));
	assert_non_null(vmw_check_access(VMW_PORT_CMD, 0, 2, 1, VMW_MAGIC));
	assert_non_null(vmw_check_access(VMW_PORT_BULK, 0, 4, 2, VMW_MAGIC));
	assert_non_null(vmw_check_access(0x5657, 0, 4, 1, VMW_MAGIC));
}

static void test_bulk_limits(void **state)
{
	(void)state;
	assert_null(vmw_check_bulk(VMW_BULK_CONSOLE, 0));
	assert_null(vmw_check_bulk(VMW_BULK_CONSOLE, VMW_BULK_MAX));
	assert_non_null(vmw_check_bulk(VMW_BULK_CONSOLE, VMW_BULK_MAX + 1));
	assert_non_null(vmw_check_bulk(VMW_BULK_CONSOLE, UINT64_MAX));
	assert_non_null(vmw_check_bulk(0, 1));
	assert_non_null(vmw_check_bulk(VMW_BULK_CONSOLE + 1, 1));
}

/* Verdict of one entry, with the outputs checked for consistency. */
static enum vmw_verdict verdict(uint64_t op, uint64_t val, unsigned *why)
{
	struct vmw_mmu_op o = { op, val };
	const char *reason = NULL;
	uint64_t gpa = 1;
	enum vmw_verdict v = vmw_check_op(&o, RAM, &gpa, why, &reason);

	if (v == VMW_BAD)
		assert_non_null(reason);
	if (v != VMW_BAD && (op & 7) != VMW_OP_CR3)
		assert_int_equal(gpa, op & ~7ull);
	return v;
}

static void test_op_apply(void **state)
{
	unsigned why;
	(void)state;
	assert_int_equal(verdict(0x1000 | VMW_OP_PTE, 0x200003, &why), VMW_APPLY);
	assert_int_equal(why, VMW_REFUSE_NONE);
	assert_int_equal(verdict(0x1008 | VMW_OP_PMD, 0x300003, &why), VMW_APPLY);
	assert_int_equal(verdict(0x1010 | VMW_OP_PUD, 0x400003, &why), VMW_APPLY);
	assert_int_equal(verdict(0x1018 | VMW_OP_P4D, 0x500003, &why), VMW_APPLY);
	/* the last page of RAM, NX and flag bits aside */
	assert_int_equal(verdict(0x1000 | VMW_OP_PTE,
				 (RAM - 4096) | 0x8000000000000063ull, &why), VMW_APPLY);
	/* not present: nothing mapped, whatever the other bits say */
	assert_int_equal(verdict(0x1000 | VMW_OP_PTE, 0xfff0000000000000ull, &why),
			 VMW_APPLY);
	/* a 2 MiB page wholly inside RAM */
	assert_int_equal(verdict(0x1000 | VMW_OP_PMD, (RAM - (2 << 20)) | 0x83, &why),
			 VMW_APPLY);
}

static void test_op_refuse_frame(void **state)
{
	unsigned why;
	(void)state;
	assert_int_equal(verdict(0x1000 | VMW_OP_PTE, RAM | 3, &why), VMW_REFUSE);
	assert_int_equal(why, VMW_REFUSE_FRAME);
	assert_int_equal(verdict(0x1000 | VMW_OP_PTE, (1ull << 40) | 3, &why), VMW_REFUSE);
	assert_int_equal(verdict(0x1000 | VMW_OP_PMD, 0x000ffffffffff003ull, &why),
			 VMW_REFUSE);
	/* a 1 GiB page cannot fit in 64 MiB */
	assert_int_equal(verdict(0x1000 | VMW_OP_PUD, 0x83, &why), VMW_REFUSE);
	assert_int_equal(why, VMW_REFUSE_FRAME);
	/* the 2 MiB page that runs off the end */
	assert_int_equal(verdict(0x1000 | VMW_OP_PMD, (RAM - (2 << 20) + (4 << 20)) | 0x83,
				 &why), VMW_REFUSE);
}

static void test_op_refuse_reserved(void **state)
{
	unsigned why;
	(void)state;
	/* PS is reserved in a level-4 entry */
	assert_int_equal(verdict(0x1000 | VMW_OP_P4D, 0x500083, &why), VMW_REFUSE);
	assert_int_equal(why, VMW_REFUSE_RSVD);
	/* bits 13-20 of a 2 MiB page are reserved */
	assert_int_equal(verdict(0x1000 | VMW_OP_PMD, 0x402083, &why), VMW_REFUSE);
	assert_int_equal(why, VMW_REFUSE_RSVD);
}

static void test_op_cr3(void **state)
{
	unsigned why;
	(void)state;
	assert_int_equal(verdict(VMW_OP_CR3, 0x200000, &why), VMW_APPLY);
	assert_int_equal(verdict(VMW_OP_CR3, 0x200018, &why), VMW_APPLY);
	assert_int_equal(verdict(VMW_OP_CR3, RAM, &why), VMW_REFUSE);
	assert_int_equal(why, VMW_REFUSE_CR3);
	assert_int_equal(verdict(VMW_OP_CR3, 0xc0000, &why), VMW_REFUSE);    /* ROM window */
	assert_int_equal(verdict(VMW_OP_CR3, 0x200001, &why), VMW_REFUSE);    /* PCID bits */
	assert_int_equal(verdict(VMW_OP_CR3, 0x8000000000200000ull, &why), VMW_REFUSE);
	assert_int_equal(verdict(0x1000 | VMW_OP_CR3, 0x200000, &why), VMW_BAD);
}

static void test_op_bad_kind(void **state)
{
	unsigned why;
	(void)state;
	assert_int_equal(verdict(0x1000, 0x3, &why), VMW_BAD);
	assert_int_equal(verdict(0x1006, 0x3, &why), VMW_BAD);
	assert_int_equal(verdict(0x1007, 0x3, &why), VMW_BAD);
}

/* A queue placed at gpa in fake guest memory: an accepted entry, one
 * mapping past RAM (refused), a cr3 switch; then a malformed kind and an
 * entry outside RAM, which end the guest. */
static void run_flush(uint64_t gpa)
{
	struct gmem gm = { calloc(1, GMEM_MIN_SIZE), GMEM_MIN_SIZE };
	struct vmw_mmu_op q[3] = {
		{ 0x180000 | VMW_OP_PTE, 0x100003 },
		{ 0x180008 | VMW_OP_PTE, GMEM_MIN_SIZE | 3 },
		{ VMW_OP_CR3, 0x100000 },
	}, back[3];
	struct vmw_flush f;

	assert_non_null(gm.ram);
	memcpy(gm.ram + gpa, q, sizeof(q));
	assert_int_equal(vmw_flush_check(&gm, gm.ram + gpa, 3, &f), 0);
	assert_int_equal(f.refused, 1);
	assert_int_equal(f.first, 1);
	assert_int_equal(f.first_why, VMW_REFUSE_FRAME);
	memcpy(back, gm.ram + gpa, sizeof(back));
	assert_int_equal(back[0].op, q[0].op);
	assert_int_equal(back[1].op, 0x180008);         /* kind cleared */
	assert_int_equal(back[2].op, VMW_OP_CR3);
	q[1].op = 0x180008 | 6;
	memcpy(gm.ram + gpa, q, sizeof(q));
	assert_int_equal(vmw_flush_check(&gm, gm.ram + gpa, 3, &f), -1);
	assert_int_equal(f.bad_op, 0x180008 | 6);
	assert_non_null(f.reason);
	q[1].op = 0xF0000000 | VMW_OP_PTE;
	q[1].val = 0x100003;
	memcpy(gm.ram + gpa, q, sizeof(q));
	assert_int_equal(vmw_flush_check(&gm, gm.ram + gpa, 3, &f), -1);
	assert_null(f.reason);
	free(gm.ram);
}

static void test_flush_queue(void **state)
{
	(void)state;
	run_flush(0x140000);
}

/* The queue's address is the guest's choice: no misaligned access. */
static void test_flush_queue_misaligned(void **state)
{
	(void)state;
	run_flush(0x140005);
	run_flush(0x140004);
}

static struct kvm_cpuid_entry2 ent(uint32_t fn, uint32_t idx, int indexed,
				   uint32_t ecx)
{
	return (struct kvm_cpuid_entry2){
		.function = fn, .index = idx, .ecx = ecx, .eax = fn ^ idx,
		.flags = indexed ? KVM_CPUID_FLAG_SIGNIFCANT_INDEX : 0,
	};
}

static void test_cpuid_table(void **state)
{
	struct kvm_cpuid_entry2 in[] = {
		ent(0x80000001, 0, 0, 0), ent(7, 0, 1, 0x10), ent(0xd, 0, 1, 0),
		ent(1, 0, 0, 0x88000000), ent(4, 1, 1, 0), ent(0, 0, 0, 0),
		ent(4, 0, 1, 0), ent(0x40000001, 5, 0, 0),
	};
	struct vmw_cpuid_entry out[16];
	unsigned n;
	(void)state;

	memset(out, 0xee, sizeof(out));
	n = vmw_cpuid_table(in, 8, out, 16);
	assert_int_equal(n, 7);                         /* leaf 0xd dropped */
	uint32_t want[][2] = { {0, 0}, {1, 0}, {4, 0}, {4, 1}, {7, 0},
			       {0x40000001, 0}, {0x80000001, 0} };
	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(out[i].leaf, want[i][0]);
		assert_int_equal(out[i].subleaf, want[i][1]);
	}
	assert_int_equal(out[1].flags, VMW_CPUID_OSXSAVE);
	assert_int_equal(out[1].ecx, 0x80000000);       /* OSXSAVE cleared */
	assert_int_equal(out[2].flags, VMW_CPUID_INDEXED);
	assert_int_equal(out[4].flags, VMW_CPUID_INDEXED | VMW_CPUID_OSPKE);
	assert_int_equal(out[4].ecx, 0);                /* OSPKE cleared */
	assert_int_equal(out[5].flags, 0);              /* index ignored */
	assert_int_equal(out[5].eax, 0x40000001 ^ 5);
}

static void test_cpuid_capacity(void **state)
{
	struct kvm_cpuid_entry2 in[4] = { ent(3, 0, 0, 0), ent(2, 0, 0, 0),
					  ent(1, 0, 0, 0), ent(0, 0, 0, 0) };
	struct vmw_cpuid_entry out[3];
	(void)state;
	memset(out, 0, sizeof(out));
	assert_int_equal(vmw_cpuid_table(in, 4, out, 2), 2);
	assert_int_equal(out[0].leaf, 2);
	assert_int_equal(out[1].leaf, 3);
	assert_int_equal(out[2].leaf, 0);              /* untouched */
	assert_int_equal(vmw_cpuid_table(in, 4, out, 0), 0);
}

static void test_alarm_next(void **state)
{
	(void)state;
	assert_int_equal(vmw_alarm_next(1000, 100, 1000), 1100);
	assert_int_equal(vmw_alarm_next(1000, 100, 1050), 1100);
	assert_int_equal(vmw_alarm_next(1000, 100, 5000), 5100);   /* no replay */
	assert_int_equal(vmw_alarm_next(UINT64_MAX - 10, 100, 7), 107);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_access_good),
		cmocka_unit_test(test_access_bad),
		cmocka_unit_test(test_bulk_limits),
		cmocka_unit_test(test_op_apply),
		cmocka_unit_test(test_op_refuse_frame),
		cmocka_unit_test(test_op_refuse_reserved),
		cmocka_unit_test(test_op_cr3),
		cmocka_unit_test(test_op_bad_kind),
		cmocka_unit_test(test_flush_queue),
		cmocka_unit_test(test_flush_queue_misaligned),
		cmocka_unit_test(test_cpuid_table),
		cmocka_unit_test(test_cpuid_capacity),
		cmocka_unit_test(test_alarm_next),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
