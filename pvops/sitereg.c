/*
 * sitereg.c: the operand table of operands.h and pv_site_reg() (site.h).
 */
#include <pvops/operands.h>

#define RAX 0
#define RCX 1
#define RDX 2
#define RBX 3
#define RSI 6
#define RDI 7
#define IN PV_OPND_IN
#define OUT PV_OPND_OUT
#define SCR PV_OPND_SCRATCH

/* Operands the compiler chooses, with their convention registers. */
#define CHOSEN1(r0, a0)		{ 1, 1, { r0 }, { a0, -1, -1, -1 } }
#define CHOSEN2(a0, a1)		{ 2, 1, { IN, IN }, { a0, a1, -1, -1 } }
#define CHOSEN3(a0, a1, a2)	{ 3, 1, { IN, IN, IN }, { a0, a1, a2, -1 } }
/* Operands in fixed registers (the instruction's or the C ABI's). */
#define FIXED0			{ 0, 0, { 0 }, { -1, -1, -1, -1 } }
#define FIXED1(a0)		{ 1, 0, { 0 }, { a0, -1, -1, -1 } }
#define FIXED2(a0, a1)		{ 2, 0, { 0 }, { a0, a1, -1, -1 } }
#define FIXED3(a0, a1, a2)	{ 3, 0, { 0 }, { a0, a1, a2, -1 } }

const struct pv_operands pv_operands[PV_OP_COUNT] = {
	[PV_OP_IRQ_DISABLE]	= FIXED0,
	[PV_OP_IRQ_ENABLE]	= FIXED0,
	[PV_OP_SAVE_FL]		= CHOSEN1(OUT, RAX),	/* pushfq; popq %r0 */
	[PV_OP_RESTORE_FL]	= CHOSEN1(IN, RDI),	/* pushq %r0; popfq */
	[PV_OP_SAFE_HALT]	= FIXED0,
	[PV_OP_HALT]		= FIXED0,
	/* cpuid: eax (leaf in, result out), ebx, ecx (subleaf in), edx */
	[PV_OP_CPUID]		= { 4, 0, { 0 }, { RAX, RBX, RCX, RDX } },
	[PV_OP_RDMSR]		= FIXED3(RCX, RAX, RDX),	/* ecx -> edx:eax */
	[PV_OP_WRMSR]		= FIXED3(RCX, RAX, RDX),
	[PV_OP_READ_CR0]	= CHOSEN1(OUT, RAX),	/* mov %crN,%r0 */
	[PV_OP_WRITE_CR0]	= CHOSEN1(IN, RDI),	/* mov %r0,%crN */
	[PV_OP_READ_CR2]	= CHOSEN1(OUT, RAX),
	[PV_OP_READ_CR3]	= CHOSEN1(OUT, RAX),
	[PV_OP_READ_CR4]	= CHOSEN1(OUT, RAX),
	[PV_OP_WRITE_CR4]	= CHOSEN1(IN, RDI),
	[PV_OP_LOAD_GDT]	= CHOSEN1(IN, RDI),	/* lgdt (%r0) */
	[PV_OP_LOAD_IDT]	= CHOSEN1(IN, RDI),	/* lidt (%r0) */
	[PV_OP_LOAD_TR]		= CHOSEN1(IN, RDI),	/* ltr %r0w */
	[PV_OP_WBINVD]		= FIXED0,
	[PV_OP_IO_DELAY]	= FIXED1(RAX),		/* out %al,$0x80 */
	[PV_OP_SET_PTE]		= CHOSEN2(RDI, RSI),	/* mov %r1,(%r0) */
	[PV_OP_SET_PMD]		= CHOSEN2(RDI, RSI),
	[PV_OP_SET_PUD]		= CHOSEN2(RDI, RSI),
	[PV_OP_SET_P4D]		= CHOSEN2(RDI, RSI),
	[PV_OP_LAZY_MMU_ENTER]	= FIXED0,
	[PV_OP_LAZY_MMU_FLUSH]	= FIXED0,
	[PV_OP_LAZY_MMU_LEAVE]	= FIXED0,
	[PV_OP_INVLPG]		= CHOSEN1(IN, RDI),	/* invlpg (%r0) */
	/* mov %cr3,%r0; mov %r0,%cr3: the ROM's entry takes nothing */
	[PV_OP_FLUSH_TLB]	= CHOSEN1(SCR, -1),
	[PV_OP_WRITE_CR3]	= CHOSEN1(IN, RDI),
	[PV_OP_PT_ALLOC]	= CHOSEN2(RDI, RSI),	/* page, level: nothing */
	[PV_OP_PT_RELEASE]	= CHOSEN2(RDI, RSI),
	[PV_OP_CLOCK_FREQ]	= FIXED1(RAX),		/* C calls: SysV */
	[PV_OP_CLOCK_READ]	= FIXED1(RAX),
	[PV_OP_WALLCLOCK]	= FIXED1(RAX),
	[PV_OP_SET_ALARM]	= FIXED1(RDI),
	[PV_OP_CONSOLE_WRITE]	= FIXED2(RDI, RSI),
	[PV_OP_SHUTDOWN]	= FIXED1(RDI),
	[PV_OP_REBOOT]		= FIXED0,
	/* movw %r1w,(%r0); r2 (the guest-physical address) for ROMs */
	[PV_OP_DEVICE_NOTIFY]	= CHOSEN3(RDI, RSI, RDX),
};

int pv_site_reg(const struct pv_site *s, unsigned k)
{
	const struct pv_operands *o;

	if (!s || s->op >= PV_OP_COUNT)
		return -1;
	o = &pv_operands[s->op];
	if (k >= o->n)
		return -1;
	if ((s->flags & PV_SITE_F_REGS) && o->chosen)
		return (s->regs >> (4 * k)) & 0xf;
	return o->abi[k];
}

uint16_t pv_site_native_clobbers(const struct pv_site *s)
{
	const struct pv_operands *o = &pv_operands[s->op];
	uint16_t m = 0;

	for (unsigned k = 0; o->chosen && k < o->n; k++)
		if (o->role[k] != PV_OPND_IN)
			m |= (uint16_t)(1u << pv_site_reg(s, k));
	return m;
}

int pv_site_regs_ok(const struct pv_site *s)
{
	const struct pv_operands *o;
	unsigned used;

	if (s->op >= PV_OP_COUNT)
		return 0;
	if (!(s->flags & PV_SITE_F_REGS))
		return s->regs == 0;
	o = &pv_operands[s->op];
	used = o->chosen ? o->n : 0;
	if (used < 4 && (s->regs >> (4 * used)) != 0)
		return 0;		/* a register for an operand the op lacks */
	for (unsigned k = 0; k < used; k++)
		if (((s->regs >> (4 * k)) & 0xf) == 4)
			return 0;	/* rsp is never an operand */
	return 1;
}

int pv_site_fits_abi(const struct pv_site *s, uint16_t clobbers)
{
	const struct pv_operands *o = &pv_operands[s->op];

	if ((clobbers & ~s->clobbers) != 0)
		return 0;
	if (!(s->flags & PV_SITE_F_REGS) || !o->chosen)
		return 1;
	for (unsigned k = 0; k < o->n; k++)
		if (o->role[k] == PV_OPND_SCRATCH || pv_site_reg(s, k) != o->abi[k])
			return 0;
	return 1;
}
