/*
 * test_vmi_inline.c: the check of ROM inline answers (ABI 1.2, SPEC.md
 * 9.1), one crafted image per rejection reason, and the decoder on the
 * sequences our ROMs use.
 *
 * The base image is the built test ROM (build/backends/testrom.rom, as
 * unit-abi_compat reads it): its inline table has irq_disable,
 * irq_enable (12 bytes, two fixups), save_fl and restore_fl.  Each case
 * rewrites one entry or its bytes in a copy, fixes the checksum and
 * expects vmi_validate() to fail with exactly the status of that rule.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "validate.h"
#include "inline.h"

static uint8_t *base;
static size_t base_len;
static struct vmi_rom_info base_info;

static int setup(void **st)
{
	(void)st;
	const char *build = getenv("BUILD") ? getenv("BUILD") : "build";
	char path[256];
	snprintf(path, sizeof(path), "%s/backends/testrom.rom", build);
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "%s: cannot open (run make all first)\n", path);
		return -1;
	}
	base = malloc(256 * 512);
	base_len = fread(base, 1, 256 * 512, f);
	fclose(f);
	return vmi_validate(base, base_len, &base_info) == VMI_ST_OK ? 0 : -1;
}

static int teardown(void **st)
{
	(void)st;
	free(base);
	return 0;
}

/* A fresh copy of the image to break. */
static uint8_t img[256 * 512];

static void fresh(void)
{
	memcpy(img, base, base_len);
}

static void fix_sum(void)
{
	img[base_info.image_len - 1] = 0;
	img[base_info.image_len - 1] = (uint8_t)(0x100 - vmi_sum8(img, base_info.image_len));
}

static enum vmi_status verdict(void)
{
	struct vmi_rom_info info;
	fix_sum();
	return vmi_validate(img, base_len, &info);
}

/* Entry i of the table, as bytes in img. */
static uint8_t *entry(unsigned i)
{
	return img + base_info.hdr.inline_offset + 16 * i;
}

static unsigned find(uint32_t call)
{
	for (unsigned i = 0; i < base_info.hdr.inline_count; i++) {
		struct vmi_inline e;
		vmi_inline_entry(base, &base_info, i, &e);
		if (e.call == call)
			return i;
	}
	fail_msg("the test ROM has no inline answer for call %u", call);
	return 0;
}

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }
static uint32_t get32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }

/*
 * Give irq_enable's entry (12 bytes of room) the bytes code[0..n), no
 * fixups, the given flags and rename mask, clobbers rax.
 */
static uint8_t *with_code(const uint8_t *code, unsigned n, uint8_t flags, uint8_t rename)
{
	fresh();
	uint8_t *e = entry(find(VMI_CALL_IRQ_ENABLE));
	assert_true(n <= 12);
	memcpy(img + get32(e + 8), code, n);
	e[2] = (uint8_t)n;
	e[3] = flags;
	put16(e + 4, VMI_REG(VMI_RAX));
	e[6] = 0;
	e[7] = rename;
	put32(e + 12, 0);
	return e;
}

#define EXPECT(st) assert_string_equal(vmi_status_name(verdict()), vmi_status_name(st))

static void base_is_valid_with_inline(void **st)
{
	(void)st;
	assert_true(vmi_has_inline(&base_info));
	assert_int_equal(base_info.hdr.header_size, VMI_HDR_SIZE_V1_2);
	assert_int_equal(base_info.hdr.inline_count, 4);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(vmi_check_inline(base, &base_info, i, NULL), VMI_ST_OK);
	fresh();
	EXPECT(VMI_ST_OK);
}

static void bounds(void **st)
{
	(void)st;
	fresh();
	put32(img + VMI_HDR_OFFSET + 128, base_info.hdr.inline_offset + 4);	/* misaligned */
	EXPECT(VMI_ST_INLINE_BOUNDS);
	fresh();
	put32(img + VMI_HDR_OFFSET + 132, 100000);				/* too many */
	EXPECT(VMI_ST_INLINE_BOUNDS);
	fresh();
	put32(img + VMI_HDR_OFFSET + 128, base_info.hdr.calls_offset);		/* on the call table */
	EXPECT(VMI_ST_INLINE_BOUNDS);
	fresh();
	put32(img + VMI_HDR_OFFSET + 12, 128);	/* a header without the 1.2 fields */
	EXPECT(VMI_ST_INLINE_BOUNDS);
}

static void not_announced_is_ignored(void **st)
{
	(void)st;
	fresh();
	img[VMI_HDR_OFFSET + 16] &= (uint8_t)~VMI_FEAT_INLINE;	/* bit 1 clear */
	put32(img + VMI_HDR_OFFSET + 132, 100000);		/* then never read */
	EXPECT(VMI_ST_OK);
	fresh();
	img[VMI_HDR_OFFSET + 10] = 1;				/* a 1.1 image */
	put32(img + VMI_HDR_OFFSET + 132, 100000);
	EXPECT(VMI_ST_OK);
}

static void call_and_dup(void **st)
{
	(void)st;
	fresh();
	put16(entry(0), VMI_CALL_READ_CR0);	/* answered NATIVE */
	EXPECT(VMI_ST_INLINE_CALL);
	fresh();
	put16(entry(0), 200);			/* no such call */
	EXPECT(VMI_ST_INLINE_CALL);
	fresh();
	memcpy(entry(1), entry(0), 2);		/* two for one call */
	EXPECT(VMI_ST_INLINE_DUP);
}

static void entry_fields(void **st)
{
	(void)st;
	fresh();
	entry(0)[3] = 0x80;			/* unknown flag */
	EXPECT(VMI_ST_INLINE_ENTRY);
	fresh();
	entry(0)[2] = 0;			/* no bytes */
	EXPECT(VMI_ST_INLINE_ENTRY);
	fresh();
	entry(0)[2] = 33;			/* too long */
	EXPECT(VMI_ST_INLINE_ENTRY);
	fresh();
	put32(entry(0) + 8, base_info.image_len - 1 + 1);	/* bytes outside */
	EXPECT(VMI_ST_INLINE_ENTRY);
	fresh();
	entry(find(VMI_CALL_IRQ_ENABLE))[6] = 9;	/* more than 8 fixups */
	EXPECT(VMI_ST_INLINE_ENTRY);
	fresh();
	put32(entry(find(VMI_CALL_IRQ_ENABLE)) + 12, base_info.image_len - 4);	/* fixups outside */
	EXPECT(VMI_ST_INLINE_ENTRY);
}

static void clobbers(void **st)
{
	(void)st;
	fresh();
	put16(entry(0) + 4, VMI_REG(VMI_RBX));	/* not allowed for irq_disable */
	EXPECT(VMI_ST_INLINE_CLOBBERS);
	fresh();
	put16(entry(0) + 4, VMI_REG(VMI_RAX) | VMI_REG(VMI_RSP));
	EXPECT(VMI_ST_INLINE_CLOBBERS);
}

static void instructions(void **st)
{
	(void)st;
	static const uint8_t unknown[] = { 0xd6 };		/* salc: invalid in 64-bit */
	static const uint8_t string[] = { 0xf3, 0xa4 };		/* rep movsb */
	static const uint8_t cut[] = { 0x48, 0x8b };		/* mov without its ModRM */
	static const uint8_t gs[] = { 0x65, 0x8b, 0x00 };	/* a segment prefix */
	with_code(unknown, 1, 0, 0);
	EXPECT(VMI_ST_INLINE_INSN);
	with_code(string, 2, 0, 0);
	EXPECT(VMI_ST_INLINE_INSN);
	with_code(cut, 2, 0, 0);
	EXPECT(VMI_ST_INLINE_INSN);
	with_code(gs, 3, 0, 0);
	EXPECT(VMI_ST_INLINE_INSN);
}

static void control_flow(void **st)
{
	(void)st;
	static const uint8_t ret[] = { 0xc3 };
	static const uint8_t call[] = { 0xe8, 0, 0, 0, 0 };
	static const uint8_t jmp_ind[] = { 0xff, 0xe0 };	/* jmp *%rax */
	static const uint8_t int3[] = { 0xcc };
	static const uint8_t syscall[] = { 0x0f, 0x05 };
	static const uint8_t out[] = { 0xeb, 0x02, 0x90 };	/* jumps past the end */
	static const uint8_t into[] = { 0xeb, 0x01, 0x48, 0x89, 0xc0 };	/* into mov */
	static const uint8_t back[] = { 0x75, 0xfc };		/* jnz to -2 */
	static const uint8_t end[] = { 0x74, 0x01, 0x90 };	/* jz to the end: fine */
	with_code(ret, 1, 0, 0); EXPECT(VMI_ST_INLINE_LEAVE);
	with_code(call, 5, 0, 0); EXPECT(VMI_ST_INLINE_LEAVE);
	with_code(jmp_ind, 2, 0, 0); EXPECT(VMI_ST_INLINE_LEAVE);
	with_code(int3, 1, VMI_INLINE_F_NATIVE_SAFE, 0); EXPECT(VMI_ST_INLINE_LEAVE);
	with_code(syscall, 2, VMI_INLINE_F_NATIVE_SAFE, 0); EXPECT(VMI_ST_INLINE_LEAVE);
	with_code(out, 3, 0, 0); EXPECT(VMI_ST_INLINE_BRANCH);
	with_code(into, 5, 0, 0); EXPECT(VMI_ST_INLINE_BRANCH);
	with_code(back, 2, 0, 0); EXPECT(VMI_ST_INLINE_BRANCH);
	with_code(end, 3, 0, 0); EXPECT(VMI_ST_OK);
}

static void privileged(void **st)
{
	(void)st;
	static const uint8_t cli[] = { 0xfa };
	static const uint8_t popf[] = { 0x57, 0x9d };		/* push %rdi; popfq */
	static const uint8_t cr3[] = { 0x0f, 0x22, 0xdf };	/* mov %rdi,%cr3 */
	static const uint8_t wrmsr[] = { 0x0f, 0x30 };
	with_code(cli, 1, 0, 0); EXPECT(VMI_ST_INLINE_PRIV);
	with_code(cli, 1, VMI_INLINE_F_NATIVE_SAFE, 0); EXPECT(VMI_ST_OK);
	with_code(popf, 2, 0, 0); EXPECT(VMI_ST_INLINE_PRIV);
	with_code(cr3, 3, 0, 0); EXPECT(VMI_ST_INLINE_PRIV);
	with_code(wrmsr, 2, 0, 0); EXPECT(VMI_ST_INLINE_PRIV);
}

static void writes_and_stack(void **st)
{
	(void)st;
	static const uint8_t rbx[] = { 0x48, 0x89, 0xc3 };	/* mov %rax,%rbx */
	static const uint8_t cdq[] = { 0x99 };			/* writes rdx */
	static const uint8_t rax[] = { 0x31, 0xc0 };		/* xor %eax,%eax: allowed */
	static const uint8_t rsp[] = { 0x48, 0x89, 0xc4 };	/* mov %rax,%rsp */
	static const uint8_t push[] = { 0x50 };			/* unbalanced */
	static const uint8_t pop[] = { 0x58, 0x50 };		/* pops the caller's */
	static const uint8_t jumpy[] = { 0x50, 0x74, 0x00, 0x58 };	/* push around a jump */
	static const uint8_t pair[] = { 0x53, 0x5b };		/* push %rbx; pop %rbx */
	with_code(rbx, 3, 0, 0); EXPECT(VMI_ST_INLINE_WRITES);
	with_code(cdq, 1, 0, 0); EXPECT(VMI_ST_INLINE_WRITES);
	with_code(rax, 2, 0, 0); EXPECT(VMI_ST_OK);
	with_code(rsp, 3, 0, 0); EXPECT(VMI_ST_INLINE_WRITES);
	with_code(push, 1, 0, 0); EXPECT(VMI_ST_INLINE_STACK);
	with_code(pop, 2, 0, 0); EXPECT(VMI_ST_INLINE_STACK);
	with_code(jumpy, 4, 0, 0); EXPECT(VMI_ST_INLINE_STACK);
	with_code(pair, 2, 0, 0); EXPECT(VMI_ST_INLINE_WRITES);	/* pop writes rbx */
}

/* irq_enable's real entry: sti; cmpb $0,pending(%rip); jz; outb $port. */
static uint8_t *fix(unsigned k)
{
	uint8_t *e = entry(find(VMI_CALL_IRQ_ENABLE));
	return img + get32(e + 12) + 8 * k;
}

static void fixups(void **st)
{
	(void)st;
	fresh();
	fix(0)[0] = 7;					/* unknown kind */
	EXPECT(VMI_ST_INLINE_FIX_KIND);
	fresh();
	fix(0)[2] = 1;					/* reserved */
	EXPECT(VMI_ST_INLINE_FIX_KIND);
	fresh();
	fix(0)[1] = 0;					/* on sti, no field */
	EXPECT(VMI_ST_INLINE_FIX_FIELD);
	fresh();
	fix(0)[1]++;					/* one byte into the disp */
	EXPECT(VMI_ST_INLINE_FIX_FIELD);
	fresh();
	fix(1)[0] = VMI_FIX_DATA_REL32;			/* rel32 on an imm8 */
	EXPECT(VMI_ST_INLINE_FIX_FIELD);
	fresh();
	memcpy(fix(1), fix(0), 8);			/* two on one field */
	EXPECT(VMI_ST_INLINE_FIX_FIELD);
	fresh();
	put32(fix(0) + 4, base_info.hdr.data_size);	/* beyond the data area */
	EXPECT(VMI_ST_INLINE_FIX_RANGE);
	fresh();
	put32(fix(1) + 4, 0xffffffffu);
	EXPECT(VMI_ST_INLINE_FIX_RANGE);
	fresh();
	entry(find(VMI_CALL_IRQ_ENABLE))[6] = 0;	/* no fixups: rip-relative bare */
	put32(entry(find(VMI_CALL_IRQ_ENABLE)) + 12, 0);
	EXPECT(VMI_ST_INLINE_RIPREL);
}

static void renaming(void **st)
{
	(void)st;
	static const uint8_t popr[] = { 0x9c, 0x58 };		/* pop %rax: opcode form */
	static const uint8_t norex[] = { 0x9c, 0x8f, 0xc0 };	/* pop r/m without REX */
	static const uint8_t mem[] = { 0x48, 0x8b, 0x00 };	/* rax as an address */
	fresh();
	entry(find(VMI_CALL_SAVE_FL))[7] = 2;		/* save_fl has no operand 1 */
	EXPECT(VMI_ST_INLINE_RENAME);
	fresh();
	entry(find(VMI_CALL_IRQ_DISABLE))[7] = 1;	/* irq_disable has none */
	EXPECT(VMI_ST_INLINE_RENAME);
	/* irq_enable's entry has no operands: move the bytes to save_fl's */
	fresh();
	uint8_t *e = entry(find(VMI_CALL_SAVE_FL));
	memcpy(img + get32(e + 8), popr, 2);
	e[2] = 2;
	EXPECT(VMI_ST_INLINE_RENAME);
	fresh();
	e = entry(find(VMI_CALL_SAVE_FL));
	memcpy(img + get32(e + 8), norex, 3);
	e[2] = 3;
	EXPECT(VMI_ST_INLINE_RENAME);
	fresh();
	e = entry(find(VMI_CALL_SAVE_FL));
	memcpy(img + get32(e + 8), mem, 3);
	e[2] = 3;
	EXPECT(VMI_ST_INLINE_RENAME);
}

/* The plans of the test ROM's answers: where fixups and renamed fields
 * are, which registers the bytes use. */
static void plans(void **st)
{
	(void)st;
	struct vmi_inline_plan p;
	assert_int_equal(vmi_check_inline(base, &base_info, find(VMI_CALL_IRQ_ENABLE), &p), VMI_ST_OK);
	assert_int_equal(p.len, 12);
	assert_int_equal(p.nfix, 2);
	assert_int_equal(p.fix[0].kind, VMI_FIX_DATA_REL32);
	assert_int_equal(p.fix[0].at, 3);	/* fb 80 3d [disp32] 00 */
	assert_int_equal(p.fix[0].end, 8);
	assert_int_equal(p.fix[0].value, 56);	/* testrom_state.pending */
	assert_int_equal(p.fix[1].kind, VMI_FIX_DATA_IMM);
	assert_int_equal(p.fix[1].at, 11);
	assert_int_equal(p.fix[1].size, 1);
	assert_int_equal(p.fix[1].value, 57);	/* testrom_state.port */
	assert_int_equal(p.uses, VMI_REG(VMI_RAX));	/* out %al */
	assert_int_equal(vmi_check_inline(base, &base_info, find(VMI_CALL_SAVE_FL), &p), VMI_ST_OK);
	assert_int_equal(p.nrefs, 1);
	assert_int_equal(p.ref[0].operand, 0);
	assert_int_equal(p.ref[0].rex, 1);
	assert_int_equal(p.ref[0].modrm, 3);
	assert_int_equal(p.ref[0].field, 1);
	assert_int_equal(p.uses, VMI_REG(VMI_RSP));	/* pushfq, pop */
	assert_int_equal(p.writes, VMI_REG(VMI_RAX));
	assert_int_equal(p.conv[0], VMI_RAX);
	assert_int_equal(p.conv[1], -1);
}

/* The decoder on the xenlike ROM's instructions (SPEC.md 19.1). */
static void decoder(void **st)
{
	(void)st;
	struct vmi_insn in;
	static const uint8_t andw[] = { 0x66, 0xf0, 0x81, 0x25, 1, 2, 3, 4, 0xff, 0x00 };
	assert_int_equal(vmi_insn_decode(andw, sizeof(andw), &in), VMI_ST_OK);
	assert_int_equal(in.len, 10);
	assert_true(in.riprel);
	assert_int_equal(in.disp, 4);
	assert_int_equal(in.imm, 8);
	assert_int_equal(in.imm_len, 2);
	static const uint8_t bt[] = { 0x40, 0x0f, 0xba, 0xe7, 0x09 };
	assert_int_equal(vmi_insn_decode(bt, sizeof(bt), &in), VMI_ST_OK);
	assert_int_equal(in.len, 5);
	assert_int_equal(in.rm_gpr, VMI_RDI);
	assert_int_equal(in.rex, 0);
	assert_int_equal(in.writes, 0);
	static const uint8_t movzbq[] = { 0x48, 0x0f, 0xb6, 0x05, 0, 0, 0, 0 };
	assert_int_equal(vmi_insn_decode(movzbq, sizeof(movzbq), &in), VMI_ST_OK);
	assert_int_equal(in.reg_gpr, VMI_RAX);
	assert_int_equal(in.writes, VMI_REG(VMI_RAX));
	static const uint8_t lockreg[] = { 0xf0, 0x48, 0x21, 0xc0 };	/* lock and reg,reg */
	assert_int_equal(vmi_insn_decode(lockreg, sizeof(lockreg), &in), VMI_ST_INLINE_INSN);
	static const uint8_t setah[] = { 0x0f, 0x94, 0xc4 };	/* setz %ah: rax, fixed */
	assert_int_equal(vmi_insn_decode(setah, sizeof(setah), &in), VMI_ST_OK);
	assert_int_equal(in.rm_gpr, -1);
	assert_int_equal(in.fixed, VMI_REG(VMI_RAX));
	assert_int_equal(in.writes, VMI_REG(VMI_RAX));
	static const uint8_t movabs[] = { 0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8 };
	assert_int_equal(vmi_insn_decode(movabs, sizeof(movabs), &in), VMI_ST_OK);
	assert_int_equal(in.len, 10);
	assert_int_equal(in.imm_len, 8);
	static const uint8_t long16[16] = { 0x66, 0x66 };	/* prefixes twice */
	assert_int_equal(vmi_insn_decode(long16, sizeof(long16), &in), VMI_ST_INLINE_INSN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(base_is_valid_with_inline),
		cmocka_unit_test(bounds),
		cmocka_unit_test(not_announced_is_ignored),
		cmocka_unit_test(call_and_dup),
		cmocka_unit_test(entry_fields),
		cmocka_unit_test(clobbers),
		cmocka_unit_test(instructions),
		cmocka_unit_test(control_flow),
		cmocka_unit_test(privileged),
		cmocka_unit_test(writes_and_stack),
		cmocka_unit_test(fixups),
		cmocka_unit_test(renaming),
		cmocka_unit_test(plans),
		cmocka_unit_test(decoder),
	};
	return cmocka_run_group_tests_name("vmi_inline", tests, setup, teardown);
}
