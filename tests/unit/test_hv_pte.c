/* test_hv_pte.c: both of hv's page-table checkers (hv/xenlike_check.c,
 * hv/vmwarelike_check.c) judge the same entry the same way, by the one
 * rule in hv/pte_check.c: reserved bits refused at every level, frames
 * inside guest memory only, or a 4 KiB uncached page of hv's PCI BAR
 * window. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../hv/xenlike_check.h"
#include "../../hv/vmwarelike_check.h"

#define MEM   (64ull << 20)
#define ENTRY 0x200000ull       /* an 8-aligned entry address in RAM */

static int ram_ok(void *ctx, uint64_t gpa, uint64_t len)
{
	(void)ctx;
	return gpa < MEM && len <= MEM - gpa;
}

/* 1 if the Xen-like checker refuses val at level, else 0. */
static int xl_refuses(uint64_t val, unsigned level)
{
	struct xl_mmu_req r = { ENTRY | level, val };
	return xl_mmu_check(&r, MEM, ram_ok, NULL) != XL_APPLY;
}

/* 1 if the VMware-like checker refuses val at level (its kind). */
static int vmw_refuses(uint64_t val, unsigned level)
{
	struct vmw_mmu_op op = { ENTRY | level, val };
	const char *reason = NULL;
	uint64_t gpa;
	unsigned why;
	enum vmw_verdict v = vmw_check_op(&op, MEM, &gpa, &why, &reason);
	assert_int_not_equal(v, VMW_BAD);
	return v == VMW_REFUSE;
}

struct pte_case {
	uint64_t val;
	unsigned level;
	int refused;
	const char *what;
};

static const struct pte_case cases[] = {
	{ 0x300003, 1, 0, "4 KiB page" },
	{ 0x300083, 1, 0, "PTE with PAT (bit 7)" },
	{ 0x301003, 2, 0, "table pointer at level 2" },
	{ 0x400083, 2, 0, "2 MiB page" },
	{ 0x401083, 2, 0, "2 MiB page with PAT (bit 12)" },
	{ 0x402083, 2, 1, "2 MiB page with bit 13 set (reserved)" },
	{ 0x500083, 2, 1, "2 MiB page with bit 20 set (reserved)" },
	{ 0x302003, 3, 0, "table pointer at level 3" },
	{ 0x2083, 3, 1, "1 GiB page with bit 13 set (reserved)" },
	{ 0x303003, 4, 0, "table pointer at level 4" },
	{ 0x303083, 4, 1, "PS at level 4 (reserved)" },
	{ 0x83, 4, 1, "PS at level 4, frame 0" },
	{ 0x303082, 4, 0, "PS at level 4, not present" },
	{ MEM | 3, 1, 1, "4 KiB page past RAM" },
	{ MEM | 0x83, 2, 1, "2 MiB page past RAM" },
	{ 0x83, 3, 1, "1 GiB page larger than RAM" },
	{ 0x8000000000300003ull, 1, 0, "XD set" },
	/* hv's BAR window [0xE0000000, 0xFEC00000): 4 KiB, PCD only */
	{ 0xE0000013ull, 1, 0, "BAR window page, PCD" },
	{ 0xE0000033ull, 1, 0, "BAR window page, PCD and accessed" },
	{ 0x80000000FEBFF01Bull, 1, 0, "last BAR window page, PCD|PWT, XD" },
	{ 0xE0000003ull, 1, 1, "BAR window page without PCD" },
	{ 0xE000000Bull, 1, 1, "BAR window page, PWT only" },
	{ 0xFEC00013ull, 1, 1, "page at the window's end (IOAPIC), PCD" },
	{ 0xDFFFF013ull, 1, 1, "page below the window, PCD" },
	{ 0xE0000093ull, 2, 1, "2 MiB page in the window, PCD" },
	{ 0xE0000013ull, 2, 1, "table pointer into the window" },
	{ 0xE0000013ull, 3, 1, "level-3 table pointer into the window" },
	{ 0xE0000013ull, 4, 1, "level-4 table pointer into the window" },
	{ 0x1E0000013ull, 1, 1, "window address plus 4 GiB, PCD" },
};

static void test_same_rule_both_backends(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct pte_case *c = &cases[i];
		int xl = xl_refuses(c->val, c->level);
		int vmw = vmw_refuses(c->val, c->level);
		if (xl != c->refused || vmw != c->refused)
			fail_msg("%s (%#llx at level %u): xenlike %s, vmwarelike %s, "
				 "expected %s", c->what, (unsigned long long)c->val,
				 c->level, xl ? "refuses" : "applies",
				 vmw ? "refuses" : "applies",
				 c->refused ? "refused" : "applied");
	}
}

/* Every PS bit pattern at every level, swept over the reserved field:
 * the two checkers may never disagree. */
static void test_sweep_agree(void **state)
{
	(void)state;
	for (unsigned level = 1; level <= 4; level++)
		for (unsigned bit = 0; bit < 64; bit++) {
			uint64_t val = 0x1000ull | 0x83 | (1ull << bit);
			int xl = xl_refuses(val, level), vmw = vmw_refuses(val, level);
			if (xl != vmw)
				fail_msg("%#llx at level %u: xenlike %d, vmwarelike %d",
					 (unsigned long long)val, level, xl, vmw);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_rule_both_backends),
		cmocka_unit_test(test_sweep_agree),
	};
	return cmocka_run_group_tests_name("hv_pte", tests, NULL, NULL);
}
