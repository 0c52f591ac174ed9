/*
 * native_regs.S: every register-taking native instruction of the pvops
 * ops, in every register combination a compiler can choose (rsp never),
 * encoded by the assembler twice: its usual form (what the never-
 * paravirtualized build holds) and the `{disp32}` form (the long form
 * the patcher pads with; the same bytes for register-only instructions).
 * test_patch.c compares native/encode.c with both.
 *
 * C view: struct nat_case { uint8_t op, r0, r1, nshort, nlong, pad[3];
 *                           uint8_t bytes[24]; };  short then long
 *         extern const struct nat_case nat_cases[], nat_cases_end[];
 */
	.set .Lrax, 0
	.set .Lrcx, 1
	.set .Lrdx, 2
	.set .Lrbx, 3
	.set .Lrbp, 5
	.set .Lrsi, 6
	.set .Lrdi, 7
	.set .Lr8, 8
	.set .Lr9, 9
	.set .Lr10, 10
	.set .Lr11, 11
	.set .Lr12, 12
	.set .Lr13, 13
	.set .Lr14, 14
	.set .Lr15, 15

	/* One case: op, registers, then the two encodings of insn, where
	 * insn is a macro taking the register names and a form prefix. */
	.macro CASE op, insn, a, b=rax
	.byte \op, .L\a, .L\b, 2f - 1f, 3f - 2f, 0, 0, 0
1:	\insn %\a, %\b,
2:	\insn %\a, %\b, {disp32}
3:	.skip 24 - (3b - 1b)
	.endm

	.macro EACH1 op, insn
	.irp a, rax, rcx, rdx, rbx, rbp, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15
	CASE \op, \insn, \a
	.endr
	.endm

	.macro EACH2 op, insn
	.irp a, rax, rcx, rdx, rbx, rbp, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15
	.irp b, rax, rcx, rdx, rbx, rbp, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15
	CASE \op, \insn, \a, \b
	.endr
	.endr
	.endm

	/* The instructions; operand a is operand 0 of operands.h. */
	.macro save_fl a, b, f
	pushfq
	popq \a
	.endm
	.macro restore_fl a, b, f
	pushq \a
	popfq
	.endm
	.macro rd_cr0 a, b, f
	mov %cr0, \a
	.endm
	.macro rd_cr2 a, b, f
	mov %cr2, \a
	.endm
	.macro rd_cr3 a, b, f
	mov %cr3, \a
	.endm
	.macro rd_cr4 a, b, f
	mov %cr4, \a
	.endm
	.macro wr_cr0 a, b, f
	mov \a, %cr0
	.endm
	.macro wr_cr3 a, b, f
	mov \a, %cr3
	.endm
	.macro wr_cr4 a, b, f
	mov \a, %cr4
	.endm
	.macro flush a, b, f
	mov %cr3, \a
	mov \a, %cr3
	.endm
	.macro lgdt_ a, b, f
	\f lgdt (\a)
	.endm
	.macro lidt_ a, b, f
	\f lidt (\a)
	.endm
	.macro invlpg_ a, b, f
	\f invlpg (\a)
	.endm
	/* m with the 16-bit name of register r, then the rest. */
	.macro pick16 m, r, rest:vararg
	.irp p, ax, cx, dx, bx, sp, bp, si, di
	.ifc \r, %r\p
	\m %\p, \rest
	.endif
	.endr
	.irp p, 8, 9, 10, 11, 12, 13, 14, 15
	.ifc \r, %r\p
	pickw \m, r\p, \rest
	.endif
	.endr
	.endm
	.macro pickw m, n, rest:vararg
	\m %\n\()w, \rest
	.endm
	.macro ltr16 aw, rest:vararg
	ltr \aw
	.endm
	.macro ltr_ a, b, f
	pick16 ltr16, \a
	.endm
	.macro setp a, b, f
	\f movq \b, (\a)
	.endm
	.macro notify16 bw, a, f
	\f movw \bw, (\a)
	.endm
	.macro notify a, b, f
	pick16 notify16, \b, \a, \f
	.endm

	.section .rodata, "a"
	.balign 8
	.globl nat_cases, nat_cases_end
nat_cases:
	EACH1 2, save_fl
	EACH1 3, restore_fl
	EACH1 9, rd_cr0
	EACH1 10, wr_cr0
	EACH1 11, rd_cr2
	EACH1 12, rd_cr3
	EACH1 13, rd_cr4
	EACH1 14, wr_cr4
	EACH1 15, lgdt_
	EACH1 16, lidt_
	EACH1 27, invlpg_
	EACH1 28, flush
	EACH1 29, wr_cr3
	EACH1 17, ltr_
	EACH2 20, setp
	EACH2 21, setp
	EACH2 22, setp
	EACH2 23, setp
	EACH2 39, notify
nat_cases_end:

	.section .note.GNU-stack, "", @progbits
