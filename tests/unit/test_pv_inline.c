/*
 * test_pv_inline.c: a ROM inline answer laid out at one site
 * (pvops/inline.c) and through the patcher (PV_INLINE in patch.c): it
 * goes in where it fits, with fixups and renamed registers, and every
 * other site gets the CALL.
 *
 * pv_site_reg is wrapped (-Wl,--wrap): today's sites keep the fixed
 * conventions, so the test chooses the registers a future site might.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <pvops/ops.h>
#include <pvops/patch.h>
#include <pvops/inline.h>

static int site_reg[PV_INLINE_OPERANDS] = { -1, -1, -1 };
int __real_pv_site_reg(const struct pv_site *s, unsigned k);
int __wrap_pv_site_reg(const struct pv_site *s, unsigned k)
{
	if (k < PV_INLINE_OPERANDS && site_reg[k] >= 0)
		return site_reg[k];
	return __real_pv_site_reg(s, k);
}

#define ADDR 0xffffffff80100000ull
#define DATA 0xffffffff88003000ull

static struct pv_site site(unsigned op, uint8_t len)
{
	return (struct pv_site){ .addr = ADDR, .op = (uint16_t)op,
				 .clobbers = PV_REG_RAX, .len = len };
}

static int32_t rel32(const uint8_t *p) { int32_t v; memcpy(&v, p, 4); return v; }

/* xenlike save_fl: movzbq mask(%rip),%rax; xorq $1,%rax; shlq $9,%rax */
static const uint8_t save_fl[] = { 0x48, 0x0f, 0xb6, 0x05, 0, 0, 0, 0,
				   0x48, 0x83, 0xf0, 0x01, 0x48, 0xc1, 0xe0, 0x09 };

static struct pv_inline save_fl_answer(void)
{
	struct pv_inline a = { .code = save_fl, .len = sizeof(save_fl),
			       .clobbers = PV_REG_RAX, .conv = { 0, -1, -1 },
			       .nfix = 1, .nrefs = 3 };
	a.fix[0] = (struct pv_inline_fix){ PV_FIX_REL32, 4, 4, 8, DATA + 1 };
	a.ref[0] = (struct pv_inline_ref){ 0, 3, 0, 0 };	/* movzbq: reg */
	a.ref[1] = (struct pv_inline_ref){ 0, 10, 8, 1 };	/* xorq: rm */
	a.ref[2] = (struct pv_inline_ref){ 0, 14, 12, 1 };	/* shlq: rm */
	return a;
}

static void reset(void **st)
{
	(void)st;
	for (unsigned k = 0; k < PV_INLINE_OPERANDS; k++)
		site_reg[k] = -1;
}

static void fits_with_fixups(void **st)
{
	reset(st);
	struct pv_inline a = save_fl_answer();
	struct pv_site s = site(PV_OP_SAVE_FL, 16);
	uint8_t out[32];
	assert_int_equal(pv_inline_emit(&a, &s, out), PV_INL_OK);
	assert_memory_equal(out, save_fl, 4);
	assert_int_equal(rel32(out + 4), (int32_t)(DATA + 1 - (ADDR + 8)));
	assert_memory_equal(out + 8, save_fl + 8, 8);
}

static void too_long(void **st)
{
	reset(st);
	struct pv_inline a = save_fl_answer();
	struct pv_site s = site(PV_OP_SAVE_FL, 15);
	uint8_t out[32];
	assert_int_equal(pv_inline_emit(&a, &s, out), PV_INL_LONG);
}

static void renamed(void **st)
{
	reset(st);
	struct pv_inline a = save_fl_answer();
	struct pv_site s = site(PV_OP_SAVE_FL, 16);
	s.clobbers = PV_REG_RBX;
	uint8_t out[32];
	site_reg[0] = 3;				/* rbx */
	assert_int_equal(pv_inline_emit(&a, &s, out), PV_INL_OK);
	assert_int_equal(out[3], 0x1d);			/* reg 3, rip-relative */
	assert_int_equal(out[10], 0xf3);		/* xor $1,%rbx */
	assert_int_equal(out[14], 0xe3);		/* shl $9,%rbx */
	assert_int_equal(out[0], 0x48);
	site_reg[0] = 9;				/* r9: the REX bits */
	s.clobbers = PV_REG_R9;
	assert_int_equal(pv_inline_emit(&a, &s, out), PV_INL_OK);
	assert_int_equal(out[0], 0x4c);			/* REX.W|R */
	assert_int_equal(out[3], 0x0d);
	assert_int_equal(out[8], 0x49);			/* REX.W|B */
	assert_int_equal(out[10], 0xf1);
	assert_int_equal(out[12], 0x49);
	assert_int_equal(out[14], 0xe1);
	/* the site keeps rax: renamed clobbers must fit the site's */
	s.clobbers = PV_REG_RAX;
	assert_int_equal(pv_inline_emit(&a, &s, out), PV_INL_CLOBBER);
}

static void cannot_rename(void **st)
{
	reset(st);
	/* restore_fl-like: bt $9,%edi (renamable), then out %al (rax used) */
	static const uint8_t code[] = { 0x40, 0x0f, 0xba, 0xe7, 0x09, 0xe6, 0x80 };
	struct pv_inline a = { .code = code, .len = sizeof(code), .clobbers = PV_REG_RAX,
			       .uses = PV_REG_RAX, .conv = { 7, -1, -1 }, .nrefs = 1 };
	a.ref[0] = (struct pv_inline_ref){ 0, 3, 0, 1 };
	struct pv_site s = site(PV_OP_RESTORE_FL, 8);
	uint8_t out[32];
	site_reg[0] = 0;			/* the operand in rax, which out uses */
	assert_int_equal(pv_inline_emit(&a, &s, out), PV_INL_COLLIDE);
	site_reg[0] = 6;			/* rsi: fine */
	assert_int_equal(pv_inline_emit(&a, &s, out), PV_INL_OK);
	assert_int_equal(out[3], 0xe6);
	a.nrefs = 0;				/* not renamable, but uses rdi */
	a.uses |= PV_REG_RDI;
	assert_int_equal(pv_inline_emit(&a, &s, out), PV_INL_REG);
	site_reg[0] = 7;			/* where it expects it: fine */
	assert_int_equal(pv_inline_emit(&a, &s, out), PV_INL_OK);
}

static void imm_and_reach(void **st)
{
	reset(st);
	static const uint8_t code[] = { 0xfb, 0x80, 0x3d, 0, 0, 0, 0, 0, 0x74, 0x02, 0xe6, 0 };
	struct pv_inline a = { .code = code, .len = sizeof(code), .clobbers = PV_REG_RAX,
			       .uses = PV_REG_RAX, .conv = { -1, -1, -1 }, .nfix = 2 };
	a.fix[0] = (struct pv_inline_fix){ PV_FIX_REL32, 3, 4, 8, DATA + 56 };
	a.fix[1] = (struct pv_inline_fix){ PV_FIX_BYTES, 11, 1, 0, 0x80 };
	struct pv_site s = site(PV_OP_IRQ_ENABLE, 15);
	uint8_t out[32];
	assert_int_equal(pv_inline_emit(&a, &s, out), PV_INL_OK);
	assert_int_equal(out[11], 0x80);
	assert_int_equal(rel32(out + 3), (int32_t)(DATA + 56 - (ADDR + 8)));
	a.fix[0].value = ADDR + 0x90000000ull;	/* beyond rel32 */
	assert_int_equal(pv_inline_emit(&a, &s, out), PV_INL_REACH);
}

/* Through pv_patch_site: the bytes plus one pad where they fit, else
 * the CALL; pv_site_kind says which. */
static void patch_or_call(void **st)
{
	reset(st);
	static const uint8_t cli[] = { 0xfa };
	struct pv_inline a = { .code = cli, .len = 1, .clobbers = 0, .conv = { -1, -1, -1 } };
	struct pv_decision d = { .kind = PV_INLINE, .clobbers = PV_REG_RAX,
				 .target = ADDR + 0x1000, .inl = &a };
	uint64_t slot = ADDR + 0x2000;
	uint8_t buf[32];
	struct pv_site s = site(PV_OP_IRQ_DISABLE, 7);
	int32_t disp = (int32_t)(slot - (ADDR + 6));
	buf[0] = 0xff; buf[1] = 0x15; memcpy(buf + 2, &disp, 4); buf[6] = 0x90;
	assert_int_equal(pv_patch_site(buf, &s, &d, slot, NULL), PV_OK);
	assert_int_equal(buf[0], 0xfa);
	assert_int_equal(pv_site_kind(&s, &d, NULL), PV_INLINE);
	a.len = 8;				/* longer than the site: the CALL */
	static const uint8_t eight[8] = { 0xfa, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90 };
	a.code = eight;
	buf[0] = 0xff; buf[1] = 0x15; memcpy(buf + 2, &disp, 4); buf[6] = 0x90;
	int why = -1;
	assert_int_equal(pv_site_kind(&s, &d, &why), PV_CALL);
	assert_int_equal(why, PV_INL_LONG);
	assert_int_equal(pv_patch_site(buf, &s, &d, slot, NULL), PV_OK);
	assert_int_equal(buf[0], 0xe8);
	assert_int_equal(rel32(buf + 1), 0x1000 - 5);
	d.inl = NULL;				/* an inline decision without its answer */
	buf[0] = 0xff; buf[1] = 0x15; memcpy(buf + 2, &disp, 4);
	assert_int_equal(pv_patch_site(buf, &s, &d, slot, NULL), PV_ERR_DECISION);
	d.inl = &a;				/* its CALL must be valid even if unused */
	d.clobbers = PV_REG_RBX;
	assert_int_equal(pv_patch_site(buf, &s, &d, slot, NULL), PV_ERR_CLOBBER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fits_with_fixups),
		cmocka_unit_test(too_long),
		cmocka_unit_test(renamed),
		cmocka_unit_test(cannot_rename),
		cmocka_unit_test(imm_and_reach),
		cmocka_unit_test(patch_or_call),
	};
	return cmocka_run_group_tests_name("pv_inline", tests, NULL, NULL);
}
