/*
 * native.c: the native op table, the default every paravirtualized
 * kernel boots with (designated initialisers, one line per op, grouped as
 * ops.h groups them).  Instruction-like ops point at the register-
 * convention thunks of thunks.S; the rest at C.
 */
#include <stdint.h>
#include <stddef.h>
#include <native/insn.h>
#include <pvops/ops.h>

#define THUNK(name) extern char nat_thunk_##name[];
THUNK(irq_disable) THUNK(irq_enable) THUNK(save_fl) THUNK(restore_fl)
THUNK(safe_halt) THUNK(halt) THUNK(cpuid) THUNK(rdmsr) THUNK(wrmsr)
THUNK(read_cr0) THUNK(write_cr0) THUNK(read_cr2) THUNK(read_cr3)
THUNK(read_cr4) THUNK(write_cr4) THUNK(load_gdt) THUNK(load_idt)
THUNK(load_tr) THUNK(wbinvd) THUNK(io_delay) THUNK(set_entry) THUNK(invlpg)
THUNK(write_cr3) THUNK(device_notify)
#undef THUNK

uint64_t nat_clock_freq(void);
uint64_t nat_clock_read(void);
uint64_t nat_wallclock(void);
void nat_set_alarm(uint64_t deadline_ns);
void nat_console_write(const char *buf, size_t len);
void nat_shutdown(uint32_t code);
void nat_reboot(void);

/* Serializes the instruction stream after code was rewritten: cpuid
 * itself, never the op, which a backend may answer from a table. */
void nat_serialize(void)
{
	uint32_t a, b, c, d;
	nat_cpuid(0, 0, &a, &b, &c, &d);
}

/* The cpuid instruction itself, for tests that compare an op with it. */
void nat_cpuid_raw(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b,
		   uint32_t *c, uint32_t *d)
{
	nat_cpuid(leaf, sub, a, b, c, d);
}

/* SysV-convention MMU ops: nothing to do on bare metal but the flush. */
static void nat_nothing(void) { }
static void nat_flush_tlb_op(void) { nat_flush_tlb(); }

const void *const nat_op_table[PV_OP_COUNT] = {
	/* irq */
	[PV_OP_IRQ_DISABLE]	= nat_thunk_irq_disable,
	[PV_OP_IRQ_ENABLE]	= nat_thunk_irq_enable,
	[PV_OP_SAVE_FL]		= nat_thunk_save_fl,
	[PV_OP_RESTORE_FL]	= nat_thunk_restore_fl,
	[PV_OP_SAFE_HALT]	= nat_thunk_safe_halt,
	[PV_OP_HALT]		= nat_thunk_halt,
	/* cpu */
	[PV_OP_CPUID]		= nat_thunk_cpuid,
	[PV_OP_RDMSR]		= nat_thunk_rdmsr,
	[PV_OP_WRMSR]		= nat_thunk_wrmsr,
	[PV_OP_READ_CR0]	= nat_thunk_read_cr0,
	[PV_OP_WRITE_CR0]	= nat_thunk_write_cr0,
	[PV_OP_READ_CR2]	= nat_thunk_read_cr2,
	[PV_OP_READ_CR3]	= nat_thunk_read_cr3,
	[PV_OP_READ_CR4]	= nat_thunk_read_cr4,
	[PV_OP_WRITE_CR4]	= nat_thunk_write_cr4,
	[PV_OP_LOAD_GDT]	= nat_thunk_load_gdt,
	[PV_OP_LOAD_IDT]	= nat_thunk_load_idt,
	[PV_OP_LOAD_TR]		= nat_thunk_load_tr,
	[PV_OP_WBINVD]		= nat_thunk_wbinvd,
	[PV_OP_IO_DELAY]	= nat_thunk_io_delay,
	/* mmu */
	[PV_OP_SET_PTE]		= nat_thunk_set_entry,
	[PV_OP_SET_PMD]		= nat_thunk_set_entry,
	[PV_OP_SET_PUD]		= nat_thunk_set_entry,
	[PV_OP_SET_P4D]		= nat_thunk_set_entry,
	[PV_OP_LAZY_MMU_ENTER]	= nat_nothing,
	[PV_OP_LAZY_MMU_FLUSH]	= nat_nothing,
	[PV_OP_LAZY_MMU_LEAVE]	= nat_nothing,
	[PV_OP_INVLPG]		= nat_thunk_invlpg,
	[PV_OP_FLUSH_TLB]	= nat_flush_tlb_op,
	[PV_OP_WRITE_CR3]	= nat_thunk_write_cr3,
	[PV_OP_PT_ALLOC]	= nat_nothing,
	[PV_OP_PT_RELEASE]	= nat_nothing,
	/* time */
	[PV_OP_CLOCK_FREQ]	= nat_clock_freq,
	[PV_OP_CLOCK_READ]	= nat_clock_read,
	[PV_OP_WALLCLOCK]	= nat_wallclock,
	[PV_OP_SET_ALARM]	= nat_set_alarm,
	/* console */
	[PV_OP_CONSOLE_WRITE]	= nat_console_write,
	/* power */
	[PV_OP_SHUTDOWN]	= nat_shutdown,
	[PV_OP_REBOOT]		= nat_reboot,
	/* device */
	[PV_OP_DEVICE_NOTIFY]	= nat_thunk_device_notify,
};

/* The live table the call sites go through; pv_table_reset() fills it
 * from nat_op_table as the first step of boot, and a backend's binding
 * repoints entries. */
void *pv_op_table[PV_OP_COUNT];

void pv_table_reset(void)
{
	for (int i = 0; i < PV_OP_COUNT; i++)
		pv_op_table[i] = (void *)nat_op_table[i];
}
