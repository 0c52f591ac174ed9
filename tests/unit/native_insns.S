/*
 * native_insns.S: the native instructions of native/templates.c, encoded by
 * the assembler, so the unit test can compare the table against them.
 *
 * C view:  struct nat_insn { uint64_t op; const uint8_t *start, *end; };
 *          extern const struct nat_insn nat_insns[];  (op ~0 ends it)
 * The instructions sit in .rodata: they are data here, never executed.
 */
	.macro INSN op, i1, i2
	.pushsection .rodata.nat_insns, "a"
.Ls\op:	\i1
	\i2
.Le\op:
	.popsection
	.quad \op, .Ls\op, .Le\op
	.endm

	.section .data.rel.ro, "aw"
	.balign 8
	.globl nat_insns
nat_insns:
	INSN 0, "cli"
	INSN 1, "sti"
	INSN 2, "pushfq", "popq %rax"
	INSN 3, "pushq %rdi", "popfq"
	INSN 4, "sti", "hlt"
	INSN 5, "hlt"
	INSN 6, "cpuid"
	INSN 7, "rdmsr"
	INSN 8, "wrmsr"
	INSN 9, "mov %cr0, %rax"
	INSN 10, "mov %rdi, %cr0"
	INSN 11, "mov %cr2, %rax"
	INSN 12, "mov %cr3, %rax"
	INSN 13, "mov %cr4, %rax"
	INSN 14, "mov %rdi, %cr4"
	INSN 15, "lgdt (%rdi)"
	INSN 16, "lidt (%rdi)"
	INSN 17, "ltr %di"
	INSN 18, "wbinvd"
	INSN 19, "outb %al, $0x80"
	INSN 20, "movq %rsi, (%rdi)"
	INSN 21, "movq %rsi, (%rdi)"
	INSN 22, "movq %rsi, (%rdi)"
	INSN 23, "movq %rsi, (%rdi)"
	INSN 27, "invlpg (%rdi)"
	INSN 28, "mov %cr3, %rax", "mov %rax, %cr3"
	INSN 29, "mov %rdi, %cr3"
	INSN 39, "movw %si, (%rdi)"
	.quad -1, 0, 0

	.section .note.GNU-stack, "", @progbits
