/*
 * test_repatch.c: cmocka tests of pv_unpatch_all (pvops/repatch.c) on a
 * fake text in host memory: a patched text goes back to exactly its
 * unpatched bytes, patches again with another backend's decisions to
 * the bytes a fresh pass gives, and a bad record leaves it untouched.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <pvops/repatch.h>
#include <pvops/ops.h>

static uint8_t text[4096] __attribute__((aligned(64)));
#define TABLE	((void **)(void *)text)
#define SITE(i)	(text + 1024 + 64 * (i))
#define TARGET	(text + 2048)
#define TRAMP	(text + 3072)
#define NSITES	3

static struct pv_site sites[NSITES];
static uint8_t scratch[NSITES * PV_SITE_MAX_LEN];
static uint8_t fresh[NSITES][64];		/* the text as the linker left it */
static const uint8_t cli[] = { 0xfa };
static const unsigned site_op[NSITES] = { PV_OP_IRQ_DISABLE, PV_OP_CLOCK_READ, PV_OP_LAZY_MMU_ENTER };

/* Backend A: cli inline, a call, NOPs.  Backend B: calls everywhere. */
static int decide_a(void *ctx, unsigned op, struct pv_decision *d)
{
	(void)ctx;
	memset(d, 0, sizeof(*d));
	if (op == PV_OP_IRQ_DISABLE) {
		d->kind = PV_NATIVE, d->bytes = cli, d->len = 1;
	} else if (op == PV_OP_CLOCK_READ) {
		d->kind = PV_CALL, d->target = (uint64_t)(uintptr_t)TARGET;
		d->clobbers = PV_CLOBBERS_SYSV;
	} else {
		d->kind = PV_NOP;
	}
	return 0;
}

static int decide_b(void *ctx, unsigned op, struct pv_decision *d)
{
	(void)ctx;
	memset(d, 0, sizeof(*d));
	d->kind = PV_CALL;
	d->target = (uint64_t)(uintptr_t)TARGET + 16 * op;
	return 0;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static int setup(void **state)
{
	(void)state;
	memset(text, 0xcc, sizeof(text));
	for (int i = 0; i < NSITES; i++) {
		uint8_t *p = SITE(i);
		uint64_t slot = (uint64_t)(uintptr_t)&TABLE[site_op[i]];
		memset(&sites[i], 0, sizeof(sites[i]));
		sites[i].addr = (uint64_t)(uintptr_t)p;
		sites[i].op = (uint16_t)site_op[i];
		sites[i].clobbers = (uint16_t)pv_op_info[site_op[i]].clobbers;
		sites[i].len = i == 1 ? 8 : 6;
		p[0] = 0xff, p[1] = 0x15;
		put32(p + 2, (uint32_t)(slot - ((uint64_t)(uintptr_t)p + 6)));
		if (sites[i].len == 8)
			p[6] = 0x66, p[7] = 0x90;
		memcpy(fresh[i], p, 64);
	}
	return 0;
}

static int apply(pv_decide_fn *decide)
{
	struct pv_poke poke = { .tramp = TRAMP };
	struct pv_apply_fail fail;
	struct pv_report rep;
	pv_report_init(&rep);
	return pv_apply(sites, sites + NSITES, (void *const *)TABLE, decide, NULL,
			scratch, &rep, &poke, &fail);
}

static void test_unpatch_restores_the_linked_bytes(void **state)
{
	(void)state;
	struct pv_apply_fail fail;
	assert_int_equal(apply(decide_a), PV_OK);
	assert_memory_not_equal(SITE(0), fresh[0], 6);
	assert_int_equal(pv_unpatch_all(sites, sites + NSITES, (void *const *)TABLE, &fail), PV_OK);
	for (int i = 0; i < NSITES; i++)
		assert_memory_equal(SITE(i), fresh[i], 64);
}

/* A -> B through the unpatched form gives what B alone gives. */
static void test_repatch_equals_a_fresh_patch(void **state)
{
	(void)state;
	struct pv_apply_fail fail;
	uint8_t only_b[NSITES][8];
	assert_int_equal(apply(decide_b), PV_OK);
	for (int i = 0; i < NSITES; i++)
		memcpy(only_b[i], SITE(i), 8);
	setup(NULL);
	assert_int_equal(apply(decide_a), PV_OK);
	assert_int_equal(apply(decide_b), PV_ERR_STALE);	/* patched text is refused */
	assert_int_equal(pv_unpatch_all(sites, sites + NSITES, (void *const *)TABLE, &fail), PV_OK);
	assert_int_equal(apply(decide_b), PV_OK);
	for (int i = 0; i < NSITES; i++)
		assert_memory_equal(SITE(i), only_b[i], sites[i].len);
}

/* A record that overlaps, or names an unknown op: nothing written. */
static void test_bad_record_writes_nothing(void **state)
{
	(void)state;
	struct pv_apply_fail fail;
	uint8_t before[4096];
	assert_int_equal(apply(decide_a), PV_OK);
	memcpy(before, text, sizeof(text));
	sites[2].op = PV_OP_COUNT;
	assert_int_equal(pv_unpatch_all(sites, sites + NSITES, (void *const *)TABLE, &fail), PV_ERR_OP);
	assert_ptr_equal(fail.site, &sites[2]);
	assert_memory_equal(text, before, sizeof(text));
	sites[2].op = (uint16_t)site_op[2];
	sites[1].addr = sites[0].addr + 2;
	assert_int_equal(pv_unpatch_all(sites, sites + NSITES, (void *const *)TABLE, &fail), PV_ERR_OVERLAP);
	assert_memory_equal(text, before, sizeof(text));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_unpatch_restores_the_linked_bytes, setup),
		cmocka_unit_test_setup(test_repatch_equals_a_fresh_patch, setup),
		cmocka_unit_test_setup(test_bad_record_writes_nothing, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
