/*
 * test_apply.c: cmocka tests of the boot-time pass (pvops/apply.c) on a
 * fake text in host memory: the int3-guarded write sequence, the #BP
 * redirect to the trampoline, and the final check against bytes
 * computed afresh rather than against scratch.
 *
 * Expected bytes are written out here by hand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <native/templates.h>
#include <pvops/apply.h>
#include <pvops/operands.h>
#include <pvops/ops.h>

/* One block so every rel32 reaches: op table, sites, call target, tramp. */
static uint8_t text[4096] __attribute__((aligned(64)));
#define TABLE	((void **)(void *)text)
#define SITE(i)	(text + 1024 + 64 * (i))
#define TARGET	(text + 2048)
#define TRAMP	(text + 3072)
#define NSITES	3

static struct pv_site sites[NSITES];
static uint8_t scratch[NSITES * PV_SITE_MAX_LEN];
static const uint8_t cli[] = { 0xfa };

/* irq_disable inline (cli), clock_read a call to TARGET, lazy_mmu_enter NOPs. */
static const unsigned site_op[NSITES] = { PV_OP_IRQ_DISABLE, PV_OP_CLOCK_READ, PV_OP_LAZY_MMU_ENTER };

static int decide(void *ctx, unsigned op, struct pv_decision *d)
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

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/* Fresh text: each site an unpatched `call *slot(%rip)`, len 6 or 8. */
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
	}
	return 0;
}

static int apply(struct pv_poke *poke, struct pv_apply_fail *fail)
{
	struct pv_report rep;
	pv_report_init(&rep);
	return pv_apply(sites, sites + NSITES, (void *const *)TABLE, decide, NULL,
			scratch, &rep, poke, fail);
}

static void test_sites_get_their_bytes(void **state)
{
	(void)state;
	struct pv_poke poke = { .tramp = TRAMP };
	struct pv_apply_fail fail;
	static const uint8_t want0[6] = { 0xfa, 0x0f, 0x1f, 0x44, 0x00, 0x00 };
	static const uint8_t want2[6] = { 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00 };
	uint8_t want1[8] = { 0xe8, 0, 0, 0, 0, 0x0f, 0x1f, 0x00 };
	put32(want1 + 1, (uint32_t)(TARGET - (SITE(1) + 5)));
	assert_int_equal(apply(&poke, &fail), PV_OK);
	assert_memory_equal(SITE(0), want0, 6);
	assert_memory_equal(SITE(1), want1, 8);
	assert_memory_equal(SITE(2), want2, 6);
	assert_int_equal(poke.addr, 0);
}

/* What the hook saw of site 1 at each step. */
static uint8_t seen[3][8];
static uint64_t seen_addr[3], seen_bp[3], seen_bp_off[3];

static void watch(void *arg, const struct pv_site *s, int step)
{
	struct pv_poke *poke = arg;
	if (s != &sites[1])
		return;
	memcpy(seen[step], (const void *)(uintptr_t)s->addr, s->len);
	seen_addr[step] = poke->addr;
	seen_bp[step] = pv_poke_bp(poke, s->addr + 1);
	seen_bp_off[step] = pv_poke_bp(poke, s->addr + 2);
}

/* int3 first, then the tail, then the first byte; a #BP at the site
 * goes to the trampoline meanwhile, and only there. */
static void test_int3_first_then_tail_then_head(void **state)
{
	(void)state;
	struct pv_poke poke = { .tramp = TRAMP, .hook = watch };
	struct pv_apply_fail fail;
	uint8_t old[8];
	poke.arg = &poke;
	memcpy(old, SITE(1), 8);
	assert_int_equal(apply(&poke, &fail), PV_OK);
	assert_int_equal(seen[1][0], PV_INT3);
	assert_memory_equal(seen[1] + 1, old + 1, 7);
	assert_int_equal(seen[2][0], PV_INT3);
	assert_memory_equal(seen[2] + 1, SITE(1) + 1, 7);
	for (int step = 1; step <= 2; step++) {
		assert_int_equal(seen_addr[step], (uint64_t)(uintptr_t)SITE(1));
		assert_int_equal(seen_bp[step], (uint64_t)(uintptr_t)TRAMP);
		assert_int_equal(seen_bp_off[step], 0);
	}
	assert_int_equal(poke.hits, 2);			/* the two hits at the site */
	assert_int_equal(pv_poke_bp(&poke, (uint64_t)(uintptr_t)SITE(1) + 1), 0);
}

/* The trampoline of the last site written (site 2, NOPs) and of the
 * call site: the bytes relocated, then a jump back behind the site. */
static void test_trampoline_relocates_and_jumps_back(void **state)
{
	(void)state;
	struct pv_poke poke = { .tramp = TRAMP };
	struct pv_decision d;
	const char *why;
	uint8_t want[13] = { 0xe8, 0, 0, 0, 0, 0x0f, 0x1f, 0x00, 0xe9 };
	decide(NULL, PV_OP_CLOCK_READ, &d);
	assert_int_equal(pv_poke_tramp(&poke, &sites[1], &d,
				       (uint64_t)(uintptr_t)&TABLE[PV_OP_CLOCK_READ], &why), PV_OK);
	put32(want + 1, (uint32_t)(TARGET - (TRAMP + 5)));
	put32(want + 9, (uint32_t)((SITE(1) + 8) - (TRAMP + 13)));
	assert_memory_equal(TRAMP, want, 13);
}

/* Scratch corrupted while a site is written (an NMI handler scribbling
 * on the heap): the text then equals scratch, so only a check against
 * bytes computed afresh notices. */
static void corrupt(void *arg, const struct pv_site *s, int step)
{
	(void)arg;
	if (s == &sites[1] && step == 1)
		scratch[1 * PV_SITE_MAX_LEN + 3] ^= 0x40;
}

static void test_check_is_against_fresh_bytes(void **state)
{
	(void)state;
	struct pv_poke poke = { .tramp = TRAMP, .hook = corrupt };
	struct pv_apply_fail fail;
	assert_int_equal(apply(&poke, &fail), PV_ERR_VERIFY);
	assert_ptr_equal(fail.site, &sites[1]);
	assert_string_equal(fail.reason, pv_patch_strerror(PV_ERR_VERIFY));
}

/* A refused decision leaves every site as it was. */
static int refuse_clock(void *ctx, unsigned op, struct pv_decision *d)
{
	return op == PV_OP_CLOCK_READ ? -1 : decide(ctx, op, d);
}

static void test_refusal_writes_nothing(void **state)
{
	(void)state;
	struct pv_poke poke = { .tramp = TRAMP };
	struct pv_apply_fail fail;
	struct pv_report rep;
	uint8_t before[sizeof(text)];
	memcpy(before, text, sizeof(text));
	pv_report_init(&rep);
	assert_int_equal(pv_apply(sites, sites + NSITES, (void *const *)TABLE, refuse_clock, NULL,
				  scratch, &rep, &poke, &fail), PV_ERR_DECISION);
	assert_memory_equal(text, before, sizeof(text));
}

/* ---- sites in the compiler's registers (PV_SITE_F_REGS) ---------------- */

#define ADAPTER	(text + 2560)
static struct pv_site rsites[2];
static struct pv_slot slots[2];
static const struct pv_slot *slot_ptrs[2];

/* The ROM's answer: a call of its convention, clobbering rax. */
static int rom_decide(void *ctx, unsigned op, struct pv_decision *d)
{
	(void)ctx;
	(void)op;
	memset(d, 0, sizeof(*d));
	d->kind = PV_CALL, d->target = (uint64_t)(uintptr_t)TARGET;
	d->clobbers = PV_CLOBBERS_RAX;
	return 0;
}

static int native_decide(void *ctx, unsigned op, struct pv_decision *d)
{
	(void)ctx;
	return nat_decide(op, (uint64_t)(uintptr_t)TARGET, d);
}

/*
 * Site 0: set_pte with the pointer in r12 and the value in r9, 8 bytes
 * (its {disp32} form's length); site 1: save_fl with the result in rax,
 * 6 bytes.  Each unpatched call goes through its adapter's slot.
 */
static int setup_regs(void **state)
{
	static const unsigned op[2] = { PV_OP_SET_PTE, PV_OP_SAVE_FL };
	static const uint16_t regs[2] = { 12 | 9 << 4, 0 };
	static const uint8_t len[2] = { 8, 6 };

	(void)state;
	memset(text, 0xcc, sizeof(text));
	for (int i = 0; i < 2; i++) {
		uint8_t *p = SITE(i);
		slots[i] = (struct pv_slot){ .adapter = (uint64_t)(uintptr_t)(ADAPTER + 16 * i),
					     .op = (uint16_t)op[i], .regs = regs[i] };
		rsites[i] = (struct pv_site){ .addr = (uint64_t)(uintptr_t)p, .op = (uint16_t)op[i],
					      .len = len[i], .flags = PV_SITE_F_REGS,
					      .regs = regs[i] };
		rsites[i].clobbers = pv_site_native_clobbers(&rsites[i]);
		TABLE[op[i]] = TARGET;
		p[0] = 0xff, p[1] = 0x15;
		put32(p + 2, (uint32_t)((uint64_t)(uintptr_t)&slots[i].adapter -
					((uint64_t)(uintptr_t)p + 6)));
		if (len[i] == 8)
			p[6] = 0x66, p[7] = 0x90;
	}
	assert_int_equal(pv_slots_sort(&pv_slots, slots, slots + 2, slot_ptrs), 0);
	return 0;
}

static int apply_regs(pv_decide_fn *decide, struct pv_apply_fail *fail)
{
	struct pv_report rep;
	struct pv_poke poke = { .tramp = TRAMP };
	pv_report_init(&rep);
	return pv_apply(rsites, rsites + 2, (void *const *)TABLE, decide, NULL,
			scratch, &rep, &poke, fail);
}

static int32_t rel_from(const uint8_t *site, const uint8_t *to)
{
	return (int32_t)((uint64_t)(uintptr_t)to - ((uint64_t)(uintptr_t)site + 5));
}

/* Natively each site holds its instruction in its own registers; the
 * entry write fills its 8 bytes with no NOP. */
static void test_regs_native_in_site_registers(void **state)
{
	static const uint8_t pte[] = { 0x4d, 0x89, 0x8c, 0x24, 0, 0, 0, 0 };	/* mov %r9,0x0(%r12) */
	static const uint8_t fl[] = { 0x9c, 0x58, 0x0f, 0x1f, 0x40, 0x00 };	/* pushfq; pop %rax; nopl */
	struct pv_apply_fail fail;

	(void)state;
	assert_int_equal(apply_regs(native_decide, &fail), PV_OK);
	assert_memory_equal(SITE(0), pte, sizeof(pte));
	assert_memory_equal(SITE(1), fl, sizeof(fl));
}

/* A ROM call: set_pte's registers are not the convention's (and the ROM
 * clobbers rax, which the site keeps), so it calls its adapter; save_fl's
 * result already is in rax, which it lets the target clobber: direct. */
static void test_regs_rom_call_through_adapter(void **state)
{
	struct pv_apply_fail fail;
	int32_t rel;

	(void)state;
	assert_int_equal(apply_regs(rom_decide, &fail), PV_OK);
	assert_int_equal(SITE(0)[0], 0xe8);
	memcpy(&rel, SITE(0) + 1, 4);
	assert_int_equal(rel, rel_from(SITE(0), ADAPTER));
	assert_int_equal(SITE(0)[5], 0x0f);		/* one 3-byte NOP */
	assert_int_equal(SITE(1)[0], 0xe8);
	memcpy(&rel, SITE(1) + 1, 4);
	assert_int_equal(rel, rel_from(SITE(1), TARGET));
	assert_int_equal(SITE(1)[5], 0x90);
}

/* The adapter reaches the target through the table: another entry there
 * would send the site elsewhere, so the pass refuses, writing nothing. */
static void test_regs_refuse_table_mismatch(void **state)
{
	uint8_t before[sizeof(text)];
	struct pv_apply_fail fail;

	(void)state;
	TABLE[PV_OP_SET_PTE] = TRAMP;
	memcpy(before, text, sizeof(text));
	assert_int_equal(apply_regs(rom_decide, &fail), PV_ERR_DECISION);
	assert_ptr_equal(fail.site, &rsites[0]);
	assert_memory_equal(text, before, sizeof(text));
}

/* No adapter slot, malformed registers, clobbers other than the site's
 * written operands: each refused before anything is written. */
static void test_regs_refuse_bad_records(void **state)
{
	struct pv_apply_fail fail;

	(void)state;
	pv_slots.n = 0;
	assert_int_equal(apply_regs(native_decide, &fail), PV_ERR_RECORD);
	assert_non_null(strstr(fail.reason, "adapter slot"));
	setup_regs(state);
	rsites[0].clobbers = PV_REG_RAX;
	assert_int_equal(apply_regs(native_decide, &fail), PV_ERR_RECORD);
	assert_non_null(strstr(fail.reason, "clobbers"));
	setup_regs(state);
	rsites[0].regs = 4 | 9 << 4;			/* rsp as the pointer */
	assert_int_equal(apply_regs(native_decide, &fail), PV_ERR_RECORD);
	setup_regs(state);
	slots[1] = slots[0];				/* two slots, one key */
	assert_int_equal(pv_slots_sort(&pv_slots, slots, slots + 2, slot_ptrs), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_sites_get_their_bytes, setup),
		cmocka_unit_test_setup(test_int3_first_then_tail_then_head, setup),
		cmocka_unit_test_setup(test_trampoline_relocates_and_jumps_back, setup),
		cmocka_unit_test_setup(test_check_is_against_fresh_bytes, setup),
		cmocka_unit_test_setup(test_refusal_writes_nothing, setup),
		cmocka_unit_test_setup(test_regs_native_in_site_registers, setup_regs),
		cmocka_unit_test_setup(test_regs_rom_call_through_adapter, setup_regs),
		cmocka_unit_test_setup(test_regs_refuse_table_mismatch, setup_regs),
		cmocka_unit_test_setup(test_regs_refuse_bad_records, setup_regs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
