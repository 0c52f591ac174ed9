/*
 * templates.c: the native byte templates, one designated initialiser per op.
 *
 * The bytes are what the assembler emits for the instruction in the
 * comment; tests/unit/native_insns.S holds the same instructions and the
 * unit test compares them byte for byte.  Pure data plus one lookup.
 */
#include <native/templates.h>

#define RAX PV_REG_RAX

#define INSN(clob, txt, ...)						\
	{ .kind = PV_NATIVE, .clobbers = clob, .text = txt,		\
	  .bytes = { __VA_ARGS__ },					\
	  .len = sizeof((uint8_t[]){ __VA_ARGS__ }) }
#define REMOVED(txt)	{ .kind = PV_NOP, .text = txt }
#define CFUNC(txt)	{ .kind = PV_CALL, .text = txt }

const struct nat_template nat_templates[PV_OP_COUNT] = {
	/* irq */
	[PV_OP_IRQ_DISABLE]	= INSN(0, "cli", 0xfa),
	[PV_OP_IRQ_ENABLE]	= INSN(0, "sti", 0xfb),
	[PV_OP_SAVE_FL]		= INSN(RAX, "pushfq; popq %rax", 0x9c, 0x58),
	[PV_OP_RESTORE_FL]	= INSN(0, "pushq %rdi; popfq", 0x57, 0x9d),
	[PV_OP_SAFE_HALT]	= INSN(0, "sti; hlt", 0xfb, 0xf4),
	[PV_OP_HALT]		= INSN(0, "hlt", 0xf4),

	/* cpu */
	[PV_OP_CPUID]		= INSN(RAX | PV_REG_RBX | PV_REG_RCX |
				       PV_REG_RDX, "cpuid", 0x0f, 0xa2),
	[PV_OP_RDMSR]		= INSN(RAX | PV_REG_RDX, "rdmsr", 0x0f, 0x32),
	[PV_OP_WRMSR]		= INSN(0, "wrmsr", 0x0f, 0x30),
	[PV_OP_READ_CR0]	= INSN(RAX, "mov %cr0,%rax", 0x0f, 0x20, 0xc0),
	[PV_OP_WRITE_CR0]	= INSN(0, "mov %rdi,%cr0", 0x0f, 0x22, 0xc7),
	[PV_OP_READ_CR2]	= INSN(RAX, "mov %cr2,%rax", 0x0f, 0x20, 0xd0),
	[PV_OP_READ_CR3]	= INSN(RAX, "mov %cr3,%rax", 0x0f, 0x20, 0xd8),
	[PV_OP_READ_CR4]	= INSN(RAX, "mov %cr4,%rax", 0x0f, 0x20, 0xe0),
	[PV_OP_WRITE_CR4]	= INSN(0, "mov %rdi,%cr4", 0x0f, 0x22, 0xe7),
	[PV_OP_LOAD_GDT]	= INSN(0, "lgdt (%rdi)", 0x0f, 0x01, 0x17),
	[PV_OP_LOAD_IDT]	= INSN(0, "lidt (%rdi)", 0x0f, 0x01, 0x1f),
	[PV_OP_LOAD_TR]		= INSN(0, "ltr %di", 0x0f, 0x00, 0xdf),
	[PV_OP_WBINVD]		= INSN(0, "wbinvd", 0x0f, 0x09),
	[PV_OP_IO_DELAY]	= INSN(0, "out %al,$0x80", 0xe6, 0x80),

	/* mmu */
	[PV_OP_SET_PTE]		= INSN(0, "mov %rsi,(%rdi)", 0x48, 0x89, 0x37),
	[PV_OP_SET_PMD]		= INSN(0, "mov %rsi,(%rdi)", 0x48, 0x89, 0x37),
	[PV_OP_SET_PUD]		= INSN(0, "mov %rsi,(%rdi)", 0x48, 0x89, 0x37),
	[PV_OP_SET_P4D]		= INSN(0, "mov %rsi,(%rdi)", 0x48, 0x89, 0x37),
	[PV_OP_LAZY_MMU_ENTER]	= REMOVED("(nothing)"),
	[PV_OP_LAZY_MMU_FLUSH]	= REMOVED("(nothing)"),
	[PV_OP_LAZY_MMU_LEAVE]	= REMOVED("(nothing)"),
	[PV_OP_INVLPG]		= INSN(0, "invlpg (%rdi)", 0x0f, 0x01, 0x3f),
	[PV_OP_FLUSH_TLB]	= INSN(RAX, "mov %cr3,%rax; mov %rax,%cr3",
				       0x0f, 0x20, 0xd8, 0x0f, 0x22, 0xd8),
	[PV_OP_WRITE_CR3]	= INSN(0, "mov %rdi,%cr3", 0x0f, 0x22, 0xdf),
	[PV_OP_PT_ALLOC]	= REMOVED("(nothing)"),
	[PV_OP_PT_RELEASE]	= REMOVED("(nothing)"),

	/* time, console, power: C on bare metal */
	[PV_OP_CLOCK_FREQ]	= CFUNC("call native C"),
	[PV_OP_CLOCK_READ]	= CFUNC("call native C"),
	[PV_OP_WALLCLOCK]	= CFUNC("call native C"),
	[PV_OP_SET_ALARM]	= CFUNC("call native C"),
	[PV_OP_CONSOLE_WRITE]	= CFUNC("call native C"),
	[PV_OP_SHUTDOWN]	= CFUNC("call native C"),
	[PV_OP_REBOOT]		= CFUNC("call native C"),

	/* device */
	[PV_OP_DEVICE_NOTIFY]	= INSN(0, "movw %si,(%rdi)", 0x66, 0x89, 0x37),
};

int nat_decide(unsigned op, uint64_t call_target, struct pv_decision *d)
{
	const struct nat_template *t;

	if (op >= PV_OP_COUNT || !d)
		return -1;
	t = &nat_templates[op];
	*d = (struct pv_decision){ .kind = t->kind };
	if (t->kind == PV_NATIVE) {
		d->bytes = t->bytes;
		d->len = t->len;
		d->clobbers = t->clobbers;
	} else if (t->kind == PV_CALL) {
		d->target = call_target;
		d->clobbers = PV_CLOBBERS_SYSV;
	}
	return 0;
}
