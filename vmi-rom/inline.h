/*
 * inline.h: inline answers (ABI 1.2, SPEC.md 9.1) -- a small decoder for
 * the x86-64 instructions an inline sequence may hold, and the static
 * check of one answer, which also yields its "plan": where its fixups and
 * renamable register fields are, for the guest's patcher.
 *
 * Pure and freestanding like validate.c: shared by the guest, romtool and
 * the tests; never reads outside the image it is given.
 */
#ifndef VMI_INLINE_H
#define VMI_INLINE_H

#include <stdbool.h>
#include <stdint.h>
#include "validate.h"

/* What an instruction is, for the rules of SPEC.md 9.1. */
enum vmi_insn_class {
	VMI_INSN_PLAIN = 0,	/* ordinary: data moves, arithmetic, flags */
	VMI_INSN_BRANCH,	/* jmp/jcc rel8/rel32: must stay inside */
	VMI_INSN_PRIV,		/* privileged: only in a native-safe answer */
	VMI_INSN_LEAVE,		/* call, ret, int, iret, syscall, ud2, jmp *: never */
};

/* One decoded instruction.  Offsets are from the instruction's start;
 * -1 where the part is absent. */
struct vmi_insn {
	uint8_t len;
	uint8_t cls;		/* enum vmi_insn_class */
	int8_t rex;		/* offset of the REX prefix */
	int8_t modrm;		/* offset of the ModRM byte */
	int8_t disp;		/* offset of the displacement */
	uint8_t disp_len;
	bool riprel;		/* the memory operand is RIP-relative */
	int8_t imm;		/* offset of the immediate */
	uint8_t imm_len;
	int32_t rel;		/* BRANCH: displacement from the end */
	int8_t reg_gpr;		/* ModRM.reg as a general register (REX.R
				 * applied), else -1 */
	int8_t rm_gpr;		/* ModRM.rm as a general register (mod 3,
				 * REX.B applied), else -1 */
	uint16_t fixed;		/* registers referenced any other way
				 * (memory base/index, implicit, opcode) */
	uint16_t writes;	/* registers written */
	int8_t stack;		/* bytes pushed (+) or popped (-) */
};

/*
 * Decode the instruction at p (n bytes readable).  VMI_ST_OK, or
 * VMI_ST_INLINE_INSN for anything outside the subset SPEC.md 9.1 lists
 * (and for a truncated instruction).
 */
enum vmi_status vmi_insn_decode(const uint8_t *p, size_t n, struct vmi_insn *in);

/* Where the guest's patcher writes: a fixup, resolved to its field. */
struct vmi_plan_fix {
	uint8_t kind;		/* enum vmi_fix_kind */
	uint8_t at;		/* the field's offset in the sequence */
	uint8_t size;		/* bytes of the field */
	uint8_t end;		/* DATA_REL32: end of its instruction */
	uint32_t value;		/* offset in the data area */
};

/* A register field holding operand `operand` (renamed at a site whose
 * operand lives elsewhere). */
struct vmi_plan_ref {
	uint8_t operand;
	uint8_t modrm;		/* offset of the ModRM byte */
	uint8_t rex;		/* offset of the REX prefix */
	uint8_t field;		/* 0: ModRM.reg (REX.R), 1: ModRM.rm (REX.B) */
};

#define VMI_PLAN_REFS_MAX 16

struct vmi_inline_plan {
	uint32_t call;
	uint32_t code;		/* image offset of the bytes */
	uint8_t len, flags, nfix, nrefs;
	uint8_t rename;		/* bit k: operand k renamable */
	uint16_t clobbers;	/* declared */
	uint16_t writes;	/* found by decoding (within clobbers) */
	uint16_t uses;		/* registers referenced other than by refs */
	int8_t conv[VMI_OPERANDS_MAX];	/* operand k's ABI register, or -1 */
	struct vmi_plan_fix fix[VMI_INLINE_FIX_MAX];
	struct vmi_plan_ref ref[VMI_PLAN_REFS_MAX];
};

/* Read inline table entry i (< inline_count) of a validated image. */
void vmi_inline_entry(const uint8_t *img, const struct vmi_rom_info *info,
                      uint32_t i, struct vmi_inline *out);

/*
 * Check inline table entry i against the image and the rules of SPEC.md
 * 9.1; on VMI_ST_OK fill *plan (may be NULL).  The table's bounds are the
 * validator's (vmi_validate); this checks the entry and its bytes.
 */
enum vmi_status vmi_check_inline(const uint8_t *img,
                                 const struct vmi_rom_info *info, uint32_t i,
                                 struct vmi_inline_plan *plan);

/* Does the image carry inline answers the guest should read (minor >= 2
 * and VMI_FEAT_INLINE)? */
bool vmi_has_inline(const struct vmi_rom_info *info);

#endif /* VMI_INLINE_H */
