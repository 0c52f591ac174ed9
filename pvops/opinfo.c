/*
 * opinfo.c: the per-op table of ops.h: names, groups, registers, clobbers.
 *
 * One designated initialiser per op, grouped like enum pv_op, so the whole
 * calling convention of the layer reads top to bottom in one place.  Pure
 * data; linked into the kernel and into host tools alike.
 */
#include <pvops/ops.h>
#include <pvops/site.h>

#define RAX PV_REG_RAX
#define RBX PV_REG_RBX
#define RCX PV_REG_RCX
#define RDX PV_REG_RDX
#define RSI PV_REG_RSI
#define RDI PV_REG_RDI

/* irq and cpu ops: callee-save, the target may clobber rax and outputs. */
#define CALLEE(nm, grp, fl, i, o, text)					\
	{ .name = nm, .group = grp, .flags = fl, .in = i, .out = o,	\
	  .clobbers = RAX | (o), .conv = text }
/* mmu, time, console, power ops: the System V caller-saved set. */
#define SYSV(nm, grp, fl, i, o, text)					\
	{ .name = nm, .group = grp, .flags = fl, .in = i, .out = o,	\
	  .clobbers = PV_CLOBBERS_SYSV, .conv = text }

const struct pv_op_info pv_op_info[PV_OP_COUNT] = {
	/* irq: the hot ops; one instruction each natively. */
	[PV_OP_IRQ_DISABLE] = CALLEE("irq_disable", PV_GROUP_IRQ, 0, 0, 0,
				     "callee-save"),
	[PV_OP_IRQ_ENABLE] = CALLEE("irq_enable", PV_GROUP_IRQ, 0, 0, 0,
				    "callee-save"),
	[PV_OP_SAVE_FL] = CALLEE("save_fl", PV_GROUP_IRQ, PV_OPF_RESULT, 0,
				 RAX, "callee-save; rflags -> rax"),
	[PV_OP_RESTORE_FL] = CALLEE("restore_fl", PV_GROUP_IRQ, 0, RDI, 0,
				    "callee-save; rdi = rflags"),
	[PV_OP_SAFE_HALT] = CALLEE("safe_halt", PV_GROUP_IRQ, 0, 0, 0,
				   "callee-save"),
	[PV_OP_HALT] = CALLEE("halt", PV_GROUP_IRQ, 0, 0, 0, "callee-save"),

	/* cpu: instruction-like; inputs and outputs where the insn has them. */
	[PV_OP_CPUID] = CALLEE("cpuid", PV_GROUP_CPU, PV_OPF_RESULT,
			       RAX | RCX, RAX | RBX | RCX | RDX,
			       "eax, ecx -> eax, ebx, ecx, edx"),
	[PV_OP_RDMSR] = CALLEE("rdmsr", PV_GROUP_CPU, PV_OPF_RESULT, RCX,
			       RAX | RDX, "ecx -> edx:eax"),
	/* The ROM ABI lets a WRMSR entry clobber rdx as well as rax. */
	[PV_OP_WRMSR] = { .name = "wrmsr", .group = PV_GROUP_CPU, .flags = 0,
			  .in = RCX | RAX | RDX, .out = 0, .clobbers = RAX | RDX,
			  .conv = "ecx, edx:eax; rax, rdx clobbered" },
	[PV_OP_READ_CR0] = CALLEE("read_cr0", PV_GROUP_CPU, PV_OPF_RESULT, 0,
				  RAX, "-> rax"),
	[PV_OP_WRITE_CR0] = CALLEE("write_cr0", PV_GROUP_CPU, 0, RDI, 0,
				   "rdi"),
	[PV_OP_READ_CR2] = CALLEE("read_cr2", PV_GROUP_CPU, PV_OPF_RESULT, 0,
				  RAX, "-> rax"),
	[PV_OP_READ_CR3] = CALLEE("read_cr3", PV_GROUP_CPU, PV_OPF_RESULT, 0,
				  RAX, "-> rax"),
	[PV_OP_READ_CR4] = CALLEE("read_cr4", PV_GROUP_CPU, PV_OPF_RESULT, 0,
				  RAX, "-> rax"),
	[PV_OP_WRITE_CR4] = CALLEE("write_cr4", PV_GROUP_CPU, 0, RDI, 0,
				   "rdi"),
	[PV_OP_LOAD_GDT] = CALLEE("load_gdt", PV_GROUP_CPU, 0, RDI, 0,
				  "rdi = &dtr"),
	[PV_OP_LOAD_IDT] = CALLEE("load_idt", PV_GROUP_CPU, 0, RDI, 0,
				  "rdi = &dtr"),
	[PV_OP_LOAD_TR] = CALLEE("load_tr", PV_GROUP_CPU, 0, RDI, 0,
				 "di = selector"),
	[PV_OP_WBINVD] = CALLEE("wbinvd", PV_GROUP_CPU, 0, 0, 0, "-"),
	[PV_OP_IO_DELAY] = CALLEE("io_delay", PV_GROUP_CPU, 0, 0, 0,
				  "- (al is scratch)"),

	/*
	 * mmu: the hot single-instruction ops (entry writes, invlpg, cr3)
	 * are callee-save, as the ROM ABI has them, so a site costs the
	 * compiler no spilled registers; the rest are SysV (backends do
	 * their batching in C there).
	 */
	[PV_OP_SET_PTE] = CALLEE("set_pte", PV_GROUP_MMU, 0, RDI | RSI, 0,
				 "rdi = &entry, rsi = value"),
	[PV_OP_SET_PMD] = CALLEE("set_pmd", PV_GROUP_MMU, 0, RDI | RSI, 0,
				 "rdi = &entry, rsi = value"),
	[PV_OP_SET_PUD] = CALLEE("set_pud", PV_GROUP_MMU, 0, RDI | RSI, 0,
				 "rdi = &entry, rsi = value"),
	[PV_OP_SET_P4D] = CALLEE("set_p4d", PV_GROUP_MMU, 0, RDI | RSI, 0,
				 "rdi = &entry, rsi = value"),
	[PV_OP_LAZY_MMU_ENTER] = SYSV("lazy_mmu_enter", PV_GROUP_MMU, 0, 0, 0,
				      "-"),
	[PV_OP_LAZY_MMU_FLUSH] = SYSV("lazy_mmu_flush", PV_GROUP_MMU, 0, 0, 0,
				      "-"),
	[PV_OP_LAZY_MMU_LEAVE] = SYSV("lazy_mmu_leave", PV_GROUP_MMU, 0, 0, 0,
				      "-"),
	[PV_OP_INVLPG] = CALLEE("invlpg", PV_GROUP_MMU, 0, RDI, 0, "rdi = va"),
	[PV_OP_FLUSH_TLB] = SYSV("flush_tlb", PV_GROUP_MMU, 0, 0, 0, "-"),
	[PV_OP_WRITE_CR3] = CALLEE("write_cr3", PV_GROUP_MMU, 0, RDI, 0,
				   "rdi = root pa"),
	[PV_OP_PT_ALLOC] = SYSV("pt_alloc", PV_GROUP_MMU, 0, RDI | RSI, 0,
				"rdi = pa, esi = level"),
	[PV_OP_PT_RELEASE] = SYSV("pt_release", PV_GROUP_MMU, 0, RDI | RSI, 0,
				  "rdi = pa, esi = level"),

	/* time */
	[PV_OP_CLOCK_FREQ] = SYSV("clock_freq", PV_GROUP_TIME, PV_OPF_RESULT,
				  0, RAX, "-> rax"),
	[PV_OP_CLOCK_READ] = SYSV("clock_read", PV_GROUP_TIME, PV_OPF_RESULT,
				  0, RAX, "-> rax"),
	[PV_OP_WALLCLOCK] = SYSV("wallclock", PV_GROUP_TIME, PV_OPF_RESULT,
				 0, RAX, "-> rax"),
	[PV_OP_SET_ALARM] = SYSV("set_alarm", PV_GROUP_TIME, 0, RDI, 0,
				 "rdi = ns"),

	/* console */
	[PV_OP_CONSOLE_WRITE] = SYSV("console_write", PV_GROUP_CONSOLE, 0,
				     RDI | RSI, 0, "rdi = buf, rsi = len"),

	/* power: never return, so a JUMP is a safe decision for them. */
	[PV_OP_SHUTDOWN] = SYSV("shutdown", PV_GROUP_POWER, PV_OPF_NORETURN,
				RDI, 0, "edi = code"),
	[PV_OP_REBOOT] = SYSV("reboot", PV_GROUP_POWER, PV_OPF_NORETURN, 0, 0,
			      "-"),

	/* device: a virtio queue's notify, natively one 16-bit MMIO store;
	 * callee-save so the native site costs no spilled registers. */
	[PV_OP_DEVICE_NOTIFY] = CALLEE("device_notify", PV_GROUP_DEVICE, 0,
				       RDI | RSI | RDX, 0,
				       "rdi = &register, si = value, rdx = pa"),
};

const char *const pv_group_name[PV_GROUP_COUNT] = {
	[PV_GROUP_IRQ] = "irq",
	[PV_GROUP_CPU] = "cpu",
	[PV_GROUP_MMU] = "mmu",
	[PV_GROUP_TIME] = "time",
	[PV_GROUP_CONSOLE] = "console",
	[PV_GROUP_POWER] = "power",
	[PV_GROUP_DEVICE] = "device",
};

const struct pv_op_info *pv_op_lookup(unsigned op)
{
	return op < PV_OP_COUNT ? &pv_op_info[op] : 0;
}

const char *pv_op_name(unsigned op)
{
	return op < PV_OP_COUNT ? pv_op_info[op].name : "?";
}
