/*
 * ops.h: the paravirt op ids, their groups and their register conventions.
 *
 * An op id names one privileged operation the kernel reaches through the
 * pvops layer.  Ids are numbered once and never renumbered: call-site
 * records (site.h) and reports carry them.  For each op, pv_op_info[]
 * says which group it belongs to, which registers carry its inputs and
 * outputs, and which registers a call site of the op lets the target
 * clobber.  Plain C99 with <stdint.h> only; usable from a kernel, a ROM
 * builder or a host tool alike.
 *
 * Register conventions, by group (the full table is in pvops/README.md):
 *   irq, cpu   callee-save: a target may clobber rax and the op's own
 *              output registers, nothing else (Linux's callee-save thunks).
 *              These are the hot or instruction-like ops; their native
 *              forms are single instructions.
 *   set_p*d, invlpg, write_cr3, device_notify
 *              callee-save as well (rax only), as the ROM ABI has them:
 *              they are hot and their native forms single instructions.
 *   other mmu, time, console, power
 *              the System V caller-saved set (rax rcx rdx rsi rdi r8-r11):
 *              backends implement these in C (batching, clocks, rings).
 * In every group the arithmetic flags may be clobbered (sites declare
 * "cc"), rsp is never clobbered, and the direction flag stays clear.
 */
#ifndef PVOPS_OPS_H
#define PVOPS_OPS_H

#include <stdint.h>

enum pv_op {
	/* irq */
	PV_OP_IRQ_DISABLE	= 0,
	PV_OP_IRQ_ENABLE	= 1,
	PV_OP_SAVE_FL		= 2,
	PV_OP_RESTORE_FL	= 3,
	PV_OP_SAFE_HALT		= 4,
	PV_OP_HALT		= 5,
	/* cpu */
	PV_OP_CPUID		= 6,
	PV_OP_RDMSR		= 7,
	PV_OP_WRMSR		= 8,
	PV_OP_READ_CR0		= 9,
	PV_OP_WRITE_CR0		= 10,
	PV_OP_READ_CR2		= 11,
	PV_OP_READ_CR3		= 12,
	PV_OP_READ_CR4		= 13,
	PV_OP_WRITE_CR4		= 14,
	PV_OP_LOAD_GDT		= 15,
	PV_OP_LOAD_IDT		= 16,
	PV_OP_LOAD_TR		= 17,
	PV_OP_WBINVD		= 18,
	PV_OP_IO_DELAY		= 19,
	/* mmu */
	PV_OP_SET_PTE		= 20,
	PV_OP_SET_PMD		= 21,
	PV_OP_SET_PUD		= 22,
	PV_OP_SET_P4D		= 23,
	PV_OP_LAZY_MMU_ENTER	= 24,
	PV_OP_LAZY_MMU_FLUSH	= 25,
	PV_OP_LAZY_MMU_LEAVE	= 26,
	PV_OP_INVLPG		= 27,
	PV_OP_FLUSH_TLB		= 28,
	PV_OP_WRITE_CR3		= 29,
	PV_OP_PT_ALLOC		= 30,
	PV_OP_PT_RELEASE	= 31,
	/* time */
	PV_OP_CLOCK_FREQ	= 32,
	PV_OP_CLOCK_READ	= 33,
	PV_OP_WALLCLOCK		= 34,
	PV_OP_SET_ALARM		= 35,
	/* console */
	PV_OP_CONSOLE_WRITE	= 36,
	/* power */
	PV_OP_SHUTDOWN		= 37,
	PV_OP_REBOOT		= 38,
	/* device (ROM ABI 1.1) */
	PV_OP_DEVICE_NOTIFY	= 39,

	PV_OP_COUNT		= 40
};

enum pv_group {
	PV_GROUP_IRQ,
	PV_GROUP_CPU,
	PV_GROUP_MMU,
	PV_GROUP_TIME,
	PV_GROUP_CONSOLE,
	PV_GROUP_POWER,
	PV_GROUP_DEVICE,
	PV_GROUP_COUNT
};

/* Register mask bits, in the hardware encoding order of ModRM/REX. */
#define PV_REG_RAX	(1u << 0)
#define PV_REG_RCX	(1u << 1)
#define PV_REG_RDX	(1u << 2)
#define PV_REG_RBX	(1u << 3)
#define PV_REG_RSP	(1u << 4)
#define PV_REG_RBP	(1u << 5)
#define PV_REG_RSI	(1u << 6)
#define PV_REG_RDI	(1u << 7)
#define PV_REG_R8	(1u << 8)
#define PV_REG_R9	(1u << 9)
#define PV_REG_R10	(1u << 10)
#define PV_REG_R11	(1u << 11)
#define PV_REG_R12	(1u << 12)
#define PV_REG_R13	(1u << 13)
#define PV_REG_R14	(1u << 14)
#define PV_REG_R15	(1u << 15)

/* The clobber sets the conventions use. */
#define PV_CLOBBERS_NONE	0u
#define PV_CLOBBERS_RAX		PV_REG_RAX
#define PV_CLOBBERS_SYSV	(PV_REG_RAX | PV_REG_RCX | PV_REG_RDX |	\
				 PV_REG_RSI | PV_REG_RDI | PV_REG_R8 |	\
				 PV_REG_R9 | PV_REG_R10 | PV_REG_R11)

/* Op flags: what the patcher must know to refuse unsafe decisions. */
#define PV_OPF_RESULT	0x1	/* produces a result: a NOP would lose it */
#define PV_OPF_NORETURN	0x2	/* never returns: a JUMP to it is safe */

struct pv_op_info {
	const char *name;	/* lower case, e.g. "irq_disable" */
	uint8_t group;		/* enum pv_group */
	uint8_t flags;		/* PV_OPF_* */
	uint16_t in;		/* registers carrying inputs */
	uint16_t out;		/* registers carrying outputs */
	uint16_t clobbers;	/* registers a target may clobber (incl. out) */
	const char *conv;	/* the convention in words, for docs/reports */
};

extern const struct pv_op_info pv_op_info[PV_OP_COUNT];
extern const char *const pv_group_name[PV_GROUP_COUNT];

/* The op's name, or "?" for an id outside 0..PV_OP_COUNT-1. */
const char *pv_op_name(unsigned op);

/* The op's table entry, or a null pointer for an unknown id. */
const struct pv_op_info *pv_op_lookup(unsigned op);

#endif
