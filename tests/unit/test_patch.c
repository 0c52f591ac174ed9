/*
 * test_patch.c: cmocka tests of the pure patcher, the NOP table, the op
 * table and the native byte templates.
 *
 * Expectations are written out here independently of the code under
 * test: the NOP forms are checked by a small structural decoder, the
 * templates against the assembler's own encoding (native_insns.S), the
 * op conventions against literal lists.
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
#include <pvops/patch.h>
#include <pvops/report.h>
#include <pvops/site.h>

#define SITE_ADDR	0xffffffff80101000ull
#define SLOT_ADDR	0xffffffff80200040ull
/* Test buffers: a site of the longest length plus guard bytes behind it. */
#define TBUF		(PV_SITE_MAX_LEN + 8)

/* ---- helpers ---------------------------------------------------------- */

/*
 * Length of the NOP instruction at p (at most avail bytes), or 0 if p
 * does not start with one: 90, 66 90, or [66] 0f 1f /0 with any ModRM
 * addressing form.  Written from the SDM's encoding rules, not from the
 * table under test.
 */
static size_t nop_len(const uint8_t *p, size_t avail)
{
	size_t n = 0, len;
	uint8_t modrm, mod, rm;

	if (avail > 0 && p[0] == 0x66)
		n = 1;
	if (avail > n && p[n] == 0x90)
		return n + 1;
	if (avail < n + 3 || p[n] != 0x0f || p[n + 1] != 0x1f)
		return 0;
	modrm = p[n + 2];
	mod = modrm >> 6;
	rm = modrm & 7;
	if (((modrm >> 3) & 7) != 0 || mod == 3)
		return 0;
	len = n + 3;
	if (rm == 4)
		len++;				/* SIB */
	if (mod == 1)
		len += 1;
	else if (mod == 2 || (mod == 0 && rm == 5))
		len += 4;
	return len <= avail ? len : 0;
}

/* Number of NOP instructions p[0..n) decodes to, or -1 if it does not. */
static int nop_count(const uint8_t *p, size_t n)
{
	int count = 0;

	/* A long pad is a short jump over NOPs (patch.c, pv_pad): one. */
	if (n > PV_NOP_MAX && p[0] == 0xeb && p[1] == n - 2)
		return nop_count(p + 2, n - 2) >= 0 ? 1 : -1;
	while (n > 0) {
		size_t k = nop_len(p, n);

		if (!k)
			return -1;
		p += k;
		n -= k;
		count++;
	}
	return count;
}

/* An unpatched site at addr through slot: ff 15 disp32, then 0x90s. */
static void make_site(uint8_t *buf, struct pv_site *s, uint64_t addr,
		      unsigned op, uint8_t len, uint64_t slot)
{
	uint32_t disp = (uint32_t)(slot - (addr + PV_SITE_CALL_LEN));

	memset(s, 0, sizeof(*s));
	s->addr = addr;
	s->op = op;
	s->len = len;
	s->clobbers = op < PV_OP_COUNT ? pv_op_info[op].clobbers : 0;
	memset(buf, 0x90, TBUF);
	buf[0] = 0xff;
	buf[1] = 0x15;
	memcpy(buf + 2, &disp, 4);
}

/* Patch and expect refusal err with buf untouched and the right reason. */
static void expect_refused(uint8_t *buf, const struct pv_site *s,
			   const struct pv_decision *d, uint64_t slot, int err)
{
	uint8_t before[TBUF];
	const char *reason = NULL;

	memcpy(before, buf, sizeof(before));
	assert_int_equal(pv_patch_site(buf, s, d, slot, &reason), err);
	assert_memory_equal(buf, before, sizeof(before));
	assert_non_null(reason);
	assert_string_equal(reason, pv_patch_strerror(err));
}

static int32_t get_rel32(const uint8_t *p)
{
	int32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* Literal lists: ops with a result, ops that never return. */
static int has_result(unsigned op)
{
	static const unsigned ops[] = {
		PV_OP_SAVE_FL, PV_OP_CPUID, PV_OP_RDMSR, PV_OP_READ_CR0,
		PV_OP_READ_CR2, PV_OP_READ_CR3, PV_OP_READ_CR4,
		PV_OP_CLOCK_FREQ, PV_OP_CLOCK_READ, PV_OP_WALLCLOCK };

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (ops[i] == op)
			return 1;
	return 0;
}

static int never_returns(unsigned op)
{
	return op == PV_OP_SHUTDOWN || op == PV_OP_REBOOT;
}

/* ---- NOP table and fill ------------------------------------------------ */

static void test_nop_table_is_sdm(void **state)
{
	static const uint8_t sdm[10][9] = {
		[1] = { 0x90 },
		[2] = { 0x66, 0x90 },
		[3] = { 0x0f, 0x1f, 0x00 },
		[4] = { 0x0f, 0x1f, 0x40, 0x00 },
		[5] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 },
		[6] = { 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00 },
		[7] = { 0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00 },
		[8] = { 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
		[9] = { 0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
	};
	(void)state;
	assert_int_equal(PV_NOP_MAX, 9);
	for (int n = 1; n <= 9; n++) {
		assert_memory_equal(pv_nops[n], sdm[n], n);
		assert_int_equal(nop_len(pv_nops[n], n), n);
	}
}

/* Every length 1..40: valid NOPs summing to n, fewest instructions. */
static void test_nop_fill_lengths(void **state)
{
	uint8_t buf[48];

	(void)state;
	for (size_t n = 1; n <= 40; n++) {
		memset(buf, 0xcc, sizeof(buf));
		pv_nop_fill(buf + 2, n);
		assert_int_equal(buf[0], 0xcc);
		assert_int_equal(buf[1], 0xcc);
		assert_int_equal(buf[2 + n], 0xcc);
		assert_int_equal(nop_count(buf + 2, n), (int)((n + 8) / 9));
	}
}

static void test_nop_fill_zero(void **state)
{
	uint8_t buf[4] = { 1, 2, 3, 4 };

	(void)state;
	pv_nop_fill(buf, 0);
	assert_int_equal(buf[0], 1);
}

/* The decoder itself must reject what is not a NOP (else tests prove nothing). */
static void test_decoder_rejects(void **state)
{
	static const uint8_t bad[][3] = {
		{ 0xcc }, { 0x0f, 0x1f, 0xc0 }, { 0x0f, 0x1f, 0x08 },
		{ 0xe8 }, { 0x66, 0x66, 0x90 } };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(nop_len(bad[i], 3), 0);
}

/* ---- op table ---------------------------------------------------------- */

static void test_op_table(void **state)
{
	(void)state;
	for (unsigned op = 0; op < PV_OP_COUNT; op++) {
		const struct pv_op_info *o = pv_op_lookup(op);

		assert_non_null(o);
		assert_non_null(o->name);
		assert_non_null(o->conv);
		assert_true(o->group < PV_GROUP_COUNT);
		assert_int_equal(o->out & ~o->clobbers, 0);
		assert_int_equal(o->clobbers & PV_REG_RSP, 0);
		assert_int_equal(!!(o->flags & PV_OPF_RESULT), has_result(op));
		assert_int_equal(!!(o->flags & PV_OPF_NORETURN),
				 never_returns(op));
		for (unsigned j = 0; j < op; j++)
			assert_string_not_equal(o->name, pv_op_info[j].name);
	}
	assert_null(pv_op_lookup(PV_OP_COUNT));
	assert_string_equal(pv_op_name(PV_OP_COUNT), "?");
	assert_string_equal(pv_op_name(PV_OP_SET_P4D), "set_p4d");
	assert_string_equal(pv_op_name(PV_OP_REBOOT), "reboot");
}

/* Groups by id range and the clobber masks the conventions promise. */
static void test_op_conventions(void **state)
{
	const uint16_t sysv = 0x0fc7;	/* rax rcx rdx rsi rdi r8-r11 */

	(void)state;
	assert_int_equal(PV_CLOBBERS_SYSV, sysv);
	for (unsigned op = 0; op < PV_OP_COUNT; op++) {
		int g = op <= 5 ? PV_GROUP_IRQ : op <= 19 ? PV_GROUP_CPU :
			op <= 31 ? PV_GROUP_MMU : op <= 35 ? PV_GROUP_TIME :
			op == 36 ? PV_GROUP_CONSOLE : op <= 38 ? PV_GROUP_POWER :
			PV_GROUP_DEVICE;

		assert_int_equal(pv_op_info[op].group, g);
		if (op == PV_OP_SET_PTE || op == PV_OP_SET_PMD || op == PV_OP_SET_PUD ||
		    op == PV_OP_SET_P4D || op == PV_OP_INVLPG || op == PV_OP_WRITE_CR3 ||
		    op == PV_OP_DEVICE_NOTIFY)
			assert_int_equal(pv_op_info[op].clobbers, 0x1);	/* callee-save */
		else if (g >= PV_GROUP_MMU)
			assert_int_equal(pv_op_info[op].clobbers, sysv);
		else if (op != PV_OP_CPUID && op != PV_OP_RDMSR && op != PV_OP_WRMSR)
			assert_int_equal(pv_op_info[op].clobbers, 0x1);
	}
	assert_int_equal(pv_op_info[PV_OP_CPUID].clobbers, 0xf);
	assert_int_equal(pv_op_info[PV_OP_RDMSR].clobbers, 0x5);
	assert_int_equal(pv_op_info[PV_OP_WRMSR].clobbers, 0x5);	/* as the ROM ABI */
	assert_int_equal(pv_op_info[PV_OP_SAVE_FL].out, 0x1);
	assert_int_equal(pv_op_info[PV_OP_RESTORE_FL].in, 0x80);
}

/* ---- native templates -------------------------------------------------- */

struct nat_insn {
	uint64_t op;
	const uint8_t *start, *end;
};
extern const struct nat_insn nat_insns[];

/* Table bytes equal the assembler's, and every NATIVE op is covered. */
static void test_templates_match_assembler(void **state)
{
	int seen[PV_OP_COUNT] = { 0 };

	(void)state;
	for (const struct nat_insn *i = nat_insns; i->op != ~0ull; i++) {
		const struct nat_template *t = &nat_templates[i->op];
		size_t len = (size_t)(i->end - i->start);

		assert_true(i->op < PV_OP_COUNT);
		assert_int_equal(t->kind, PV_NATIVE);
		assert_int_equal(t->len, len);
		assert_memory_equal(t->bytes, i->start, len);
		seen[i->op]++;
	}
	for (unsigned op = 0; op < PV_OP_COUNT; op++)
		assert_int_equal(seen[op], nat_templates[op].kind == PV_NATIVE);
}

/* ---- native instructions in the site's registers ---------------------- */

struct nat_case {
	uint8_t op, r0, r1, nshort, nlong, pad[3];
	uint8_t bytes[24];
};
extern const struct nat_case nat_cases[], nat_cases_end[];

/* An F_REGS record of op with operands r0, r1 (device_notify: pa in rdx). */
static struct pv_site regs_site(unsigned op, unsigned r0, unsigned r1, unsigned len)
{
	struct pv_site s = { .addr = SITE_ADDR, .op = (uint16_t)op, .len = (uint8_t)len,
			     .flags = PV_SITE_F_REGS };
	unsigned n = pv_operands[op].n;

	s.regs = (uint16_t)(r0 | (n > 1 ? r1 << 4 : 0) | (n > 2 ? 2u << 8 : 0));
	s.clobbers = pv_site_native_clobbers(&s);
	return s;
}

/*
 * Every register combination of every register-taking op: the short form
 * is the assembler's usual encoding, the long one its {disp32} encoding
 * (native_regs.S), and NAT_FIT takes the long one exactly when it fits.
 */
static void test_encodings_match_assembler(void **state)
{
	int seen[PV_OP_COUNT] = { 0 };
	unsigned cases = 0;

	(void)state;
	for (const struct nat_case *c = nat_cases; c < nat_cases_end; c++, cases++) {
		struct pv_site s = regs_site(c->op, c->r0, c->r1, PV_SITE_CALL_LEN);
		uint8_t out[NAT_ENCODE_MAX];
		int n;

		assert_true(pv_site_regs_ok(&s));
		n = nat_encode(&s, NAT_SHORT, out);
		if (n != c->nshort || memcmp(out, c->bytes, c->nshort) != 0)
			fail_msg("op %s r0 %u r1 %u: short form differs from the assembler's",
				 pv_op_name(c->op), c->r0, c->r1);
		n = nat_encode(&s, NAT_LONG, out);
		if (n != c->nlong || memcmp(out, c->bytes + c->nshort, c->nlong) != 0)
			fail_msg("op %s r0 %u r1 %u: long form differs from the assembler's {disp32}",
				 pv_op_name(c->op), c->r0, c->r1);
		n = nat_encode(&s, NAT_FIT, out);
		assert_int_equal(n, c->nlong <= PV_SITE_CALL_LEN ? c->nlong : c->nshort);
		s.len = c->nlong;
		assert_int_equal(nat_encode(&s, NAT_FIT, out), c->nlong);
		seen[c->op]++;
	}
	/* Every op whose compiler-chosen operands the native form names. */
	for (unsigned op = 0; op < PV_OP_COUNT; op++) {
		int want = !pv_operands[op].chosen || nat_templates[op].kind != PV_NATIVE ? 0 :
			   pv_operands[op].n == 1 ? 15 : 15 * 15;
		if (seen[op] != want)
			fail_msg("op %s: %d register combinations checked, want %d",
				 pv_op_name(op), seen[op], want);
	}
	assert_true(cases > 1000);
}

/* The record's registers: read back by pv_site_reg, refused where bad. */
static void test_site_regs(void **state)
{
	struct pv_site s = regs_site(PV_OP_SET_PTE, 12, 9, 8);

	(void)state;
	assert_int_equal(pv_site_reg(&s, 0), 12);
	assert_int_equal(pv_site_reg(&s, 1), 9);
	assert_int_equal(pv_site_reg(&s, 2), -1);
	assert_int_equal(pv_site_native_clobbers(&s), 0);
	assert_true(pv_site_regs_ok(&s));
	s.regs |= 1u << 8;			/* a third register set_pte lacks */
	assert_false(pv_site_regs_ok(&s));
	s = regs_site(PV_OP_SET_PTE, 4, 9, 8);	/* rsp as the pointer */
	assert_false(pv_site_regs_ok(&s));
	s = regs_site(PV_OP_SAVE_FL, 13, 0, 6);
	assert_int_equal(pv_site_reg(&s, 0), 13);
	assert_int_equal(pv_site_native_clobbers(&s), 1u << 13);
	s.flags = 0;				/* the op's convention */
	s.regs = 0;
	assert_int_equal(pv_site_reg(&s, 0), 0);
	s.op = PV_OP_SET_PTE;
	assert_int_equal(pv_site_reg(&s, 0), 7);
	assert_int_equal(pv_site_reg(&s, 1), 6);
	s.op = PV_OP_CPUID;
	assert_int_equal(pv_site_reg(&s, 3), 2);
	s.op = PV_OP_IRQ_DISABLE;
	assert_int_equal(pv_site_reg(&s, 0), -1);
	s.op = PV_OP_COUNT;
	assert_int_equal(pv_site_reg(&s, 0), -1);
	assert_int_equal(pv_site_reg(NULL, 0), -1);
}

static void test_templates_other_kinds(void **state)
{
	static const unsigned removed[] = {
		PV_OP_LAZY_MMU_ENTER, PV_OP_LAZY_MMU_FLUSH,
		PV_OP_LAZY_MMU_LEAVE, PV_OP_PT_ALLOC, PV_OP_PT_RELEASE };

	(void)state;
	for (size_t i = 0; i < sizeof(removed) / sizeof(removed[0]); i++)
		assert_int_equal(nat_templates[removed[i]].kind, PV_NOP);
	for (unsigned op = PV_OP_CLOCK_FREQ; op <= PV_OP_REBOOT; op++)
		assert_int_equal(nat_templates[op].kind, PV_CALL);
	for (unsigned op = 0; op < PV_OP_COUNT; op++) {
		assert_non_null(nat_templates[op].text);
		assert_true(nat_templates[op].len <= PV_SITE_CALL_LEN);
	}
}

/* A boot without a ROM must patch every op's conventional site. */
static void test_native_boot_patches_all(void **state)
{
	uint8_t buf[TBUF];
	struct pv_site s;
	struct pv_decision d;
	uint64_t fn = SITE_ADDR + 0x5000;

	(void)state;
	for (unsigned op = 0; op < PV_OP_COUNT; op++) {
		const struct nat_template *t = &nat_templates[op];

		make_site(buf, &s, SITE_ADDR, op, 6, SLOT_ADDR);
		assert_int_equal(nat_decide(op, fn, &d), 0);
		assert_int_equal(pv_patch_site(buf, &s, &d, SLOT_ADDR, NULL),
				 PV_OK);
		if (t->kind == PV_NATIVE) {
			assert_memory_equal(buf, t->bytes, t->len);
			assert_int_equal(nop_count(buf + t->len, 6 - t->len),
					 t->len == 6 ? 0 : 1);
		} else if (t->kind == PV_CALL) {
			assert_int_equal(buf[0], 0xe8);
			assert_int_equal(get_rel32(buf + 1),
					 (int32_t)(fn - (SITE_ADDR + 5)));
		} else {
			assert_int_equal(nop_count(buf, 6), 1);
		}
	}
	assert_int_equal(nat_decide(PV_OP_COUNT, fn, &d), -1);
	assert_int_equal(nat_decide(0, fn, NULL), -1);
}

/* ---- every op x every decision kind ------------------------------------ */

static int pad_count(size_t n);

static void check_native(unsigned op, uint8_t len)
{
	const struct nat_template *t = &nat_templates[op];
	struct pv_decision d = { .kind = PV_NATIVE, .bytes = t->bytes,
				 .len = t->len, .clobbers = t->clobbers };
	uint8_t buf[TBUF];
	struct pv_site s;

	if (t->kind != PV_NATIVE)
		return;
	uint8_t want[NAT_ENCODE_MAX];
	int n;

	make_site(buf, &s, SITE_ADDR, op, len, SLOT_ADDR);
	assert_int_equal(pv_patch_site(buf, &s, &d, SLOT_ADDR, NULL), PV_OK);
	/* The instruction in its longest form that fits (the template
	 * itself where it has no longer one), then one pad: a NOP up to 9
	 * bytes, beyond that a jump over NOPs. */
	n = nat_encode(&s, NAT_FIT, want);
	assert_true(n >= t->len);
	assert_memory_equal(buf, want, n);
	if (n == t->len)
		assert_memory_equal(buf, t->bytes, t->len);
	assert_int_equal(nop_count(buf + n, len - n), pad_count(len - n));
	assert_int_equal(buf[len], 0x90);	/* nothing past the site */
}

/* Padding instructions for n bytes: none, one NOP, or one jump over
 * NOPs (patch.c, pv_pad). */
static int pad_count(size_t n)
{
	return n == 0 ? 0 : 1;
}

static void check_branch(unsigned op, uint8_t len, int kind)
{
	uint64_t target = SITE_ADDR - 0x12345;
	struct pv_decision d = { .kind = kind, .target = target,
				 .clobbers = pv_op_info[op].clobbers };
	uint8_t buf[TBUF];
	struct pv_site s;

	make_site(buf, &s, SITE_ADDR, op, len, SLOT_ADDR);
	if (kind == PV_JUMP && !never_returns(op)) {
		expect_refused(buf, &s, &d, SLOT_ADDR, PV_ERR_RETURNS);
		return;
	}
	assert_int_equal(pv_patch_site(buf, &s, &d, SLOT_ADDR, NULL), PV_OK);
	assert_int_equal(buf[0], kind == PV_CALL ? 0xe8 : 0xe9);
	assert_int_equal(get_rel32(buf + 1), -0x12345 - 5);
	assert_int_equal(nop_count(buf + 5, len - 5), pad_count(len - 5));
}

static void check_nop(unsigned op, uint8_t len)
{
	struct pv_decision d = { .kind = PV_NOP };
	uint8_t buf[TBUF];
	struct pv_site s;

	make_site(buf, &s, SITE_ADDR, op, len, SLOT_ADDR);
	if (has_result(op)) {
		expect_refused(buf, &s, &d, SLOT_ADDR, PV_ERR_RESULT);
		return;
	}
	assert_int_equal(pv_patch_site(buf, &s, &d, SLOT_ADDR, NULL), PV_OK);
	assert_int_equal(nop_count(buf, len), pad_count(len));
}

static void test_every_op_every_kind(void **state)
{
	static const uint8_t lens[] = { 6, 7, 11, 15, PV_SITE_MAX_LEN };

	(void)state;
	for (unsigned op = 0; op < PV_OP_COUNT; op++) {
		for (size_t i = 0; i < sizeof(lens); i++) {
			check_native(op, lens[i]);
			check_branch(op, lens[i], PV_CALL);
			check_branch(op, lens[i], PV_JUMP);
			check_nop(op, lens[i]);
		}
	}
}

/* ---- refusals ----------------------------------------------------------- */

static void test_refuse_null(void **state)
{
	struct pv_decision d = { .kind = PV_NOP };
	uint8_t buf[TBUF];
	struct pv_site s;
	const char *reason = NULL;

	(void)state;
	make_site(buf, &s, SITE_ADDR, PV_OP_HALT, 6, SLOT_ADDR);
	assert_int_equal(pv_patch_site(NULL, &s, &d, SLOT_ADDR, &reason),
			 PV_ERR_ARG);
	assert_string_equal(reason, "null argument");
	expect_refused(buf, NULL, &d, SLOT_ADDR, PV_ERR_ARG);
	expect_refused(buf, &s, NULL, SLOT_ADDR, PV_ERR_ARG);
	/* a null reason pointer is allowed */
	assert_int_equal(pv_patch_site(buf, &s, NULL, SLOT_ADDR, NULL),
			 PV_ERR_ARG);
}

static void test_refuse_unknown_op(void **state)
{
	struct pv_decision d = { .kind = PV_NOP };
	uint8_t buf[TBUF];
	struct pv_site s;

	(void)state;
	make_site(buf, &s, SITE_ADDR, PV_OP_COUNT, 6, SLOT_ADDR);
	expect_refused(buf, &s, &d, SLOT_ADDR, PV_ERR_OP);
	s.op = 0xffff;
	expect_refused(buf, &s, &d, SLOT_ADDR, PV_ERR_OP);
}

static void test_refuse_bad_record(void **state)
{
	struct pv_decision d = { .kind = PV_NOP };
	uint8_t buf[TBUF];
	struct pv_site s;
	static const uint8_t bad_lens[] = { 0, 1, 5, PV_SITE_MAX_LEN + 1, 255 };

	(void)state;
	for (size_t i = 0; i < sizeof(bad_lens); i++) {
		make_site(buf, &s, SITE_ADDR, PV_OP_HALT, 6, SLOT_ADDR);
		s.len = bad_lens[i];
		expect_refused(buf, &s, &d, SLOT_ADDR, PV_ERR_RECORD);
	}
	make_site(buf, &s, SITE_ADDR, PV_OP_HALT, 6, SLOT_ADDR);
	s.flags = 0x80;				/* not a known flag */
	expect_refused(buf, &s, &d, SLOT_ADDR, PV_ERR_RECORD);
	s.flags = 0;
	s.reserved = 0x100;			/* registers without the flag */
	expect_refused(buf, &s, &d, SLOT_ADDR, PV_ERR_RECORD);
	s.flags = PV_SITE_F_REGS;		/* halt has no operand */
	expect_refused(buf, &s, &d, SLOT_ADDR, PV_ERR_RECORD);
	s.reserved = 0;
	s.flags = 0;
	s.clobbers |= PV_REG_RSP;
	expect_refused(buf, &s, &d, SLOT_ADDR, PV_ERR_RECORD);
	/* a site whose bytes would run past the end of the address space */
	make_site(buf, &s, 0xfffffffffffffffcull, PV_OP_HALT, 6,
		  0xfffffffffffffffcull + 0x40);
	expect_refused(buf, &s, &d, 0xfffffffffffffffcull + 0x40,
		       PV_ERR_RECORD);
}

static void test_refuse_stale(void **state)
{
	struct pv_decision d = { .kind = PV_CALL, .target = SITE_ADDR + 64,
				 .clobbers = PV_CLOBBERS_RAX };
	uint8_t buf[TBUF];
	struct pv_site s;

	(void)state;
	make_site(buf, &s, SITE_ADDR, PV_OP_IRQ_DISABLE, 6, SLOT_ADDR);
	buf[0] = 0xfa;			/* already native */
	expect_refused(buf, &s, &d, SLOT_ADDR, PV_ERR_STALE);
	make_site(buf, &s, SITE_ADDR, PV_OP_IRQ_DISABLE, 6, SLOT_ADDR);
	buf[1] = 0x25;			/* jmp *disp32(%rip), not a call */
	expect_refused(buf, &s, &d, SLOT_ADDR, PV_ERR_STALE);
	/* a call through another op's slot: the record is stale */
	make_site(buf, &s, SITE_ADDR, PV_OP_IRQ_DISABLE, 6, SLOT_ADDR + 8);
	expect_refused(buf, &s, &d, SLOT_ADDR, PV_ERR_STALE);
	/* the record's address moved by one byte */
	make_site(buf, &s, SITE_ADDR, PV_OP_IRQ_DISABLE, 6, SLOT_ADDR);
	s.addr++;
	expect_refused(buf, &s, &d, SLOT_ADDR, PV_ERR_STALE);
	/* patching twice: the second pass finds the direct call */
	make_site(buf, &s, SITE_ADDR, PV_OP_IRQ_DISABLE, 6, SLOT_ADDR);
	assert_int_equal(pv_patch_site(buf, &s, &d, SLOT_ADDR, NULL), PV_OK);
	expect_refused(buf, &s, &d, SLOT_ADDR, PV_ERR_STALE);
}

/* The slot may lie below the site: a negative displacement. */
static void test_slot_below_site(void **state)
{
	struct pv_decision d = { .kind = PV_NOP };
	uint8_t buf[TBUF];
	struct pv_site s;

	(void)state;
	make_site(buf, &s, SITE_ADDR, PV_OP_HALT, 6, SITE_ADDR - 0x800000);
	assert_int_equal(pv_patch_site(buf, &s, &d, SITE_ADDR - 0x800000,
				       NULL), PV_OK);
}

static void test_refuse_kind(void **state)
{
	static const int kinds[] = { 0, -1, PV_KIND_COUNT, 99 };
	uint8_t buf[TBUF];
	struct pv_site s;

	(void)state;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		struct pv_decision d = { .kind = kinds[i] };

		make_site(buf, &s, SITE_ADDR, PV_OP_HALT, 6, SLOT_ADDR);
		expect_refused(buf, &s, &d, SLOT_ADDR, PV_ERR_KIND);
	}
}

static void test_refuse_native_without_bytes(void **state)
{
	static const uint8_t hlt[] = { 0xf4 };
	struct pv_decision d = { .kind = PV_NATIVE, .len = 1 };
	uint8_t buf[TBUF];
	struct pv_site s;

	(void)state;
	make_site(buf, &s, SITE_ADDR, PV_OP_HALT, 6, SLOT_ADDR);
	expect_refused(buf, &s, &d, SLOT_ADDR, PV_ERR_DECISION);
	d.bytes = hlt;
	d.len = 0;
	expect_refused(buf, &s, &d, SLOT_ADDR, PV_ERR_DECISION);
}

static void test_refuse_short(void **state)
{
	static const uint8_t seven[7] = { 0x0f, 0x1f, 0x80, 0, 0, 0, 0 };
	struct pv_decision d = { .kind = PV_NATIVE, .bytes = seven, .len = 7 };
	uint8_t buf[TBUF];
	struct pv_site s;

	(void)state;
	make_site(buf, &s, SITE_ADDR, PV_OP_HALT, 6, SLOT_ADDR);
	expect_refused(buf, &s, &d, SLOT_ADDR, PV_ERR_SHORT);
	/* a longer site (the wrapper's padding) takes it */
	make_site(buf, &s, SITE_ADDR, PV_OP_HALT, 7, SLOT_ADDR);
	assert_int_equal(pv_patch_site(buf, &s, &d, SLOT_ADDR, NULL), PV_OK);
	assert_memory_equal(buf, seven, 7);
	assert_int_equal(buf[7], 0x90);
}

static void test_refuse_clobbers(void **state)
{
	const struct nat_template *cpuid = &nat_templates[PV_OP_CPUID];
	struct pv_decision d = { .kind = PV_CALL, .target = SITE_ADDR + 64,
				 .clobbers = PV_CLOBBERS_SYSV };
	uint8_t buf[TBUF];
	struct pv_site s;

	(void)state;
	/* a C function (SysV) at a callee-save irq site */
	make_site(buf, &s, SITE_ADDR, PV_OP_IRQ_ENABLE, 6, SLOT_ADDR);
	expect_refused(buf, &s, &d, SLOT_ADDR, PV_ERR_CLOBBER);
	d.kind = PV_JUMP;
	s.op = PV_OP_REBOOT;		/* a jump is checked the same way */
	s.clobbers = PV_CLOBBERS_RAX;
	expect_refused(buf, &s, &d, SLOT_ADDR, PV_ERR_CLOBBER);
	/* one register too many: rbx */
	d = (struct pv_decision){ .kind = PV_CALL, .target = SITE_ADDR + 64,
				  .clobbers = PV_REG_RAX | PV_REG_RBX };
	make_site(buf, &s, SITE_ADDR, PV_OP_IRQ_ENABLE, 6, SLOT_ADDR);
	expect_refused(buf, &s, &d, SLOT_ADDR, PV_ERR_CLOBBER);
	/* a native template clobbering more than its site allows */
	d = (struct pv_decision){ .kind = PV_NATIVE, .bytes = cpuid->bytes,
				  .len = cpuid->len,
				  .clobbers = cpuid->clobbers };
	make_site(buf, &s, SITE_ADDR, PV_OP_CPUID, 6, SLOT_ADDR);
	s.clobbers = PV_CLOBBERS_RAX;
	expect_refused(buf, &s, &d, SLOT_ADDR, PV_ERR_CLOBBER);
	/* removing a site clobbers nothing, whatever the decision says */
	d = (struct pv_decision){ .kind = PV_NOP, .clobbers = 0xffff };
	make_site(buf, &s, SITE_ADDR, PV_OP_HALT, 6, SLOT_ADDR);
	assert_int_equal(pv_patch_site(buf, &s, &d, SLOT_ADDR, NULL), PV_OK);
}

/* rel32 reach: exactly INT32_MIN and INT32_MAX from the end of the insn. */
static void test_reach_boundaries(void **state)
{
	const uint64_t end = SITE_ADDR + 5;
	const struct { uint64_t target; int ok; int32_t rel; } cases[] = {
		{ end + 0x7fffffffull, 1, INT32_MAX },
		{ end + 0x80000000ull, 0, 0 },
		{ end - 0x80000000ull, 1, INT32_MIN },
		{ end - 0x80000001ull, 0, 0 },
		{ end, 1, 0 },
		{ 0x200000000ull, 0, 0 },	/* user space from the kernel */
		/* the top 2 GiB reach the bottom 2 GiB: rip wraps mod 2^64 */
		{ 0x1000, 1, (int32_t)(0x1000 - 0x80101005ull) },
	};
	uint8_t buf[TBUF];
	struct pv_site s;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (int kind = PV_CALL; kind <= PV_JUMP; kind++) {
			struct pv_decision d = { .kind = kind,
						 .target = cases[i].target };

			make_site(buf, &s, SITE_ADDR, PV_OP_SHUTDOWN, 6,
				  SLOT_ADDR);
			if (!cases[i].ok) {
				expect_refused(buf, &s, &d, SLOT_ADDR,
					       PV_ERR_REACH);
				continue;
			}
			assert_int_equal(pv_patch_site(buf, &s, &d, SLOT_ADDR,
						       NULL), PV_OK);
			assert_int_equal(get_rel32(buf + 1), cases[i].rel);
		}
	}
}

/* rip + rel32 wraps modulo 2^64 on the CPU; so does the reach check. */
static void test_reach_wraps(void **state)
{
	const uint64_t addr = 0xfffffffffffffff0ull;
	struct pv_decision d = { .kind = PV_CALL, .target = 0x10,
				 .clobbers = PV_CLOBBERS_SYSV };
	uint8_t buf[TBUF];
	struct pv_site s;

	(void)state;
	make_site(buf, &s, addr, PV_OP_CLOCK_READ, 6, addr - 0x100);
	assert_int_equal(pv_patch_site(buf, &s, &d, addr - 0x100, NULL),
			 PV_OK);
	assert_int_equal(get_rel32(buf + 1), 0x10 + 0x10 - 5);
}

/* ---- verification after writing ---------------------------------------- */

static void test_site_check(void **state)
{
	uint8_t text[PV_SITE_MAX_LEN], want[PV_SITE_MAX_LEN];
	const char *reason = NULL;

	(void)state;
	pv_nop_fill(want, 11);
	memcpy(text, want, 11);
	assert_int_equal(pv_site_check(text, want, 11, &reason), PV_OK);
	assert_string_equal(reason, "ok");
	text[10] ^= 1;
	assert_int_equal(pv_site_check(text, want, 11, &reason),
			 PV_ERR_VERIFY);
	assert_string_equal(reason, pv_patch_strerror(PV_ERR_VERIFY));
	assert_int_equal(pv_site_check(text, want, 10, NULL), PV_OK);
	assert_int_equal(pv_site_check(NULL, want, 1, NULL), PV_ERR_ARG);
}

/* The whole cycle: patch into a copy, write it, re-read. */
static void test_patch_then_check(void **state)
{
	uint8_t text[TBUF], buf[TBUF];
	struct pv_decision d;
	struct pv_site s;

	(void)state;
	make_site(text, &s, SITE_ADDR, PV_OP_SAVE_FL, 9, SLOT_ADDR);
	memcpy(buf, text, sizeof(buf));
	nat_decide(PV_OP_SAVE_FL, 0, &d);
	assert_int_equal(pv_patch_site(buf, &s, &d, SLOT_ADDR, NULL), PV_OK);
	assert_int_equal(pv_site_check(text, buf, s.len, NULL), PV_ERR_VERIFY);
	memcpy(text, buf, s.len);
	assert_int_equal(pv_site_check(text, buf, s.len, NULL), PV_OK);
	assert_int_equal(text[0], 0x9c);
	assert_int_equal(text[1], 0x58);
	assert_int_equal(nop_count(text + 2, 7), 1);
}

/* ---- the boot pass over several records (apply.c) -------------------- */

/* A CALL decision to a target inside the test's own text buffer. */
static uint64_t call_target;
static int call_decide(void *ctx, unsigned op, struct pv_decision *d)
{
	(void)ctx;
	memset(d, 0, sizeof(*d));
	d->kind = PV_CALL;
	d->clobbers = pv_op_info[op].clobbers;
	d->target = call_target;
	return 0;
}

/* An unpatched site of op at text + off, len bytes, through table. */
static void put_site(uint8_t *text, size_t off, struct pv_site *s, unsigned op,
		     uint8_t len, void *const *table)
{
	uint8_t buf[TBUF];
	make_site(buf, s, (uint64_t)(uintptr_t)(text + off), op, len,
		  (uint64_t)(uintptr_t)&table[op]);
	memcpy(text + off, buf, PV_SITE_CALL_LEN);
}

/* Runs pv_apply over recs; returns its error, text checked untouched on
 * refusal. */
static int apply(uint8_t *text, size_t n, const struct pv_site *recs, size_t nrec,
		 void *const *table, struct pv_apply_fail *fail)
{
	uint8_t before[256], scratch[8 * PV_SITE_MAX_LEN];
	static uint8_t tramp[PV_POKE_TRAMP_LEN];   /* static: near text */
	struct pv_poke poke = { .tramp = tramp };
	struct pv_report rep;

	assert_true(n <= sizeof(before) && nrec <= 8);
	memcpy(before, text, n);
	pv_report_init(&rep);
	call_target = (uint64_t)(uintptr_t)(text + 200);
	int err = pv_apply(recs, recs + nrec, table, call_decide, NULL, scratch,
			   &rep, &poke, fail);
	if (err != PV_OK)
		assert_memory_equal(text, before, n);
	return err;
}

/* Two records covering the same bytes: the second write would corrupt
 * the first site.  Refused before anything is written, naming both. */
static void test_apply_refuses_overlap(void **state)
{
	static uint8_t text[256];
	static void *table[PV_OP_COUNT];
	struct pv_site recs[3];
	struct pv_apply_fail fail = { 0 };

	(void)state;
	memset(text, 0x90, sizeof(text));
	put_site(text, 0, &recs[0], PV_OP_IRQ_DISABLE, 12, table);
	put_site(text, 6, &recs[1], PV_OP_IRQ_ENABLE, 6, table);  /* inside the first */
	assert_int_not_equal(apply(text, sizeof(text), recs, 2, table, &fail), PV_OK);
	assert_int_equal(fail.err, PV_ERR_OVERLAP);
	assert_ptr_equal(fail.site, &recs[1]);
	assert_ptr_equal(fail.other, &recs[0]);
	/* Out of order, and the overlap far from the neighbour. */
	memset(text, 0x90, sizeof(text));
	put_site(text, 100, &recs[0], PV_OP_IRQ_DISABLE, 8, table);
	put_site(text, 0, &recs[1], PV_OP_IRQ_ENABLE, 6, table);
	put_site(text, 104, &recs[2], PV_OP_SAVE_FL, 6, table);
	assert_int_not_equal(apply(text, sizeof(text), recs, 3, table, &fail), PV_OK);
	assert_int_equal(fail.err, PV_ERR_OVERLAP);
	assert_ptr_equal(fail.site, &recs[2]);
	assert_ptr_equal(fail.other, &recs[0]);
}

/* Adjacent sites (one ends where the next starts) are fine. */
static void test_apply_adjacent_sites(void **state)
{
	static uint8_t text[256];
	static void *table[PV_OP_COUNT];
	struct pv_site recs[3];
	struct pv_apply_fail fail = { 0 };

	(void)state;
	memset(text, 0x90, sizeof(text));
	put_site(text, 6, &recs[0], PV_OP_IRQ_ENABLE, 6, table);
	put_site(text, 0, &recs[1], PV_OP_IRQ_DISABLE, 6, table);
	put_site(text, 12, &recs[2], PV_OP_SAVE_FL, 8, table);
	assert_int_equal(apply(text, sizeof(text), recs, 3, table, &fail), PV_OK);
	assert_int_equal(text[0], 0xe8);
	assert_int_equal(text[6], 0xe8);
	assert_int_equal(text[12], 0xe8);
}

static void test_strings(void **state)
{
	(void)state;
	for (int e = 0; e < PV_ERR_COUNT; e++) {
		assert_non_null(pv_patch_strerror(e));
		assert_string_not_equal(pv_patch_strerror(e), "unknown error");
	}
	assert_string_equal(pv_patch_strerror(PV_ERR_COUNT), "unknown error");
	assert_string_equal(pv_patch_strerror(-1), "unknown error");
	assert_string_equal(pv_patch_strerror(PV_ERR_SHORT), "site too short");
	assert_string_equal(pv_kind_name(PV_NATIVE), "inline");
	assert_string_equal(pv_kind_name(PV_NOP), "nop");
	assert_string_equal(pv_kind_name(0), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nop_table_is_sdm),
		cmocka_unit_test(test_nop_fill_lengths),
		cmocka_unit_test(test_nop_fill_zero),
		cmocka_unit_test(test_decoder_rejects),
		cmocka_unit_test(test_op_table),
		cmocka_unit_test(test_op_conventions),
		cmocka_unit_test(test_templates_match_assembler),
		cmocka_unit_test(test_templates_other_kinds),
		cmocka_unit_test(test_encodings_match_assembler),
		cmocka_unit_test(test_site_regs),
		cmocka_unit_test(test_native_boot_patches_all),
		cmocka_unit_test(test_every_op_every_kind),
		cmocka_unit_test(test_refuse_null),
		cmocka_unit_test(test_refuse_unknown_op),
		cmocka_unit_test(test_refuse_bad_record),
		cmocka_unit_test(test_refuse_stale),
		cmocka_unit_test(test_slot_below_site),
		cmocka_unit_test(test_refuse_kind),
		cmocka_unit_test(test_refuse_native_without_bytes),
		cmocka_unit_test(test_refuse_short),
		cmocka_unit_test(test_refuse_clobbers),
		cmocka_unit_test(test_reach_boundaries),
		cmocka_unit_test(test_reach_wraps),
		cmocka_unit_test(test_site_check),
		cmocka_unit_test(test_patch_then_check),
		cmocka_unit_test(test_apply_refuses_overlap),
		cmocka_unit_test(test_apply_adjacent_sites),
		cmocka_unit_test(test_strings),
	};

	return cmocka_run_group_tests_name("patch", tests, NULL, NULL);
}
