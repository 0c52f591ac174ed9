/*
 * pvops.h: the typed wrappers through which a kernel reaches every
 * privileged operation.
 *
 * Two builds of the same sources, chosen here and nowhere else:
 *
 *  - default: each wrapper is a 6-byte call site, `call *pv_op_table[op]`,
 *    plus a record in section .pv_sites (site.h).  At boot the patcher
 *    (pv_patch_all) rewrites each site to the native instruction, a direct
 *    call into a hypervisor ROM, or NOPs; with pvops=nopatch the indirect
 *    calls stay.
 *  - CONFIG_PV_NONE: the never-paravirtualized baseline; each wrapper is
 *    the native instruction itself (native/include/native/insn.h).
 *
 * Register conventions per op are those of ops.h: instruction-like ops
 * keep the native instruction's registers, so NATIVE inline bytes and a
 * ROM CALL are interchangeable at one site; the rest follow SysV.  The
 * raw site macros are private to this header.
 */
#ifndef PVOPS_PVOPS_H
#define PVOPS_PVOPS_H

#include <stdint.h>
#include <stddef.h>
#include <native/insn.h>
#include <pvops/ops.h>

/* Functions of native/ reached as plain calls in both builds. */
uint64_t nat_clock_freq(void);
uint64_t nat_clock_read(void);
uint64_t nat_wallclock(void);
void nat_set_alarm(uint64_t deadline_ns);
void nat_console_write(const char *buf, size_t len);
void nat_shutdown(uint32_t code) __attribute__((noreturn));
void nat_reboot(void) __attribute__((noreturn));
void nat_serialize(void);		/* cpuid itself, after rewriting code */

#ifdef CONFIG_PV_NONE

static inline void pv_irq_disable(void) { nat_irq_disable(); }
static inline void pv_irq_enable(void) { nat_irq_enable(); }
static inline uint64_t pv_save_fl(void) { return nat_save_fl(); }
static inline void pv_restore_fl(uint64_t f) { nat_restore_fl(f); }
static inline void pv_safe_halt(void) { nat_safe_halt(); }
static inline void pv_halt(void) { nat_halt(); }
static inline void pv_cpuid(uint32_t leaf, uint32_t sub, uint32_t *a,
			    uint32_t *b, uint32_t *c, uint32_t *d)
{ nat_cpuid(leaf, sub, a, b, c, d); }
static inline uint64_t pv_rdmsr(uint32_t msr) { return nat_rdmsr(msr); }
static inline void pv_wrmsr(uint32_t msr, uint64_t v) { nat_wrmsr(msr, v); }
static inline uint64_t pv_read_cr0(void) { return nat_read_cr0(); }
static inline void pv_write_cr0(uint64_t v) { nat_write_cr0(v); }
static inline uint64_t pv_read_cr2(void) { return nat_read_cr2(); }
static inline uint64_t pv_read_cr3(void) { return nat_read_cr3(); }
static inline uint64_t pv_read_cr4(void) { return nat_read_cr4(); }
static inline void pv_write_cr4(uint64_t v) { nat_write_cr4(v); }
static inline void pv_load_gdt(const struct dtr *d) { nat_load_gdt(d); }
static inline void pv_load_idt(const struct dtr *d) { nat_load_idt(d); }
static inline void pv_load_tr(uint16_t sel) { nat_load_tr(sel); }
static inline void pv_wbinvd(void) { nat_wbinvd(); }
static inline void pv_io_delay(void) { nat_io_delay(); }
static inline void pv_set_pte(uint64_t *p, uint64_t v) { nat_set_entry(p, v); }
static inline void pv_set_pmd(uint64_t *p, uint64_t v) { nat_set_entry(p, v); }
static inline void pv_set_pud(uint64_t *p, uint64_t v) { nat_set_entry(p, v); }
static inline void pv_set_p4d(uint64_t *p, uint64_t v) { nat_set_entry(p, v); }
static inline void pv_lazy_mmu_enter(void) { }
static inline void pv_lazy_mmu_flush(void) { }
static inline void pv_lazy_mmu_leave(void) { }
static inline void pv_invlpg(uint64_t va) { nat_invlpg(va); }
static inline void pv_flush_tlb(void) { nat_flush_tlb(); }
static inline void pv_write_cr3(uint64_t v) { nat_write_cr3(v); }
static inline void pv_pt_alloc(uint64_t pa, int level) { (void)pa; (void)level; }
static inline void pv_pt_release(uint64_t pa, int level) { (void)pa; (void)level; }
static inline uint64_t pv_clock_freq(void) { return nat_clock_freq(); }
static inline uint64_t pv_clock_read(void) { return nat_clock_read(); }
static inline uint64_t pv_wallclock(void) { return nat_wallclock(); }
static inline void pv_set_alarm(uint64_t ns) { nat_set_alarm(ns); }
static inline void pv_console_write(const char *b, size_t n) { nat_console_write(b, n); }
static inline __attribute__((noreturn)) void pv_shutdown(uint32_t code) { nat_shutdown(code); }
static inline __attribute__((noreturn)) void pv_reboot(void) { nat_reboot(); }
static inline void pv_device_notify(volatile void *va, uint64_t value, uint64_t pa)
{ nat_device_notify(va, value, pa); }

#else /* paravirtualized: patchable call sites */

/* The op table: one slot per op, native by default (native/native.c),
 * repointed by a backend binding before patching. */
extern void *pv_op_table[PV_OP_COUNT];

/*
 * PV_SITE emits one 6-byte indirect call through the op's table slot and
 * its record: address, op, the registers the site lets the target
 * clobber, the site length.  Layout of the record: struct pv_site.
 */
#define PV_SITE(clobmask)						\
	"771:\n\t"							\
	"call *pv_op_table+%c[pv_off](%%rip)\n\t"			\
	"772:\n\t"							\
	".pushsection .pv_sites,\"a\"\n\t"				\
	".balign 16\n\t"						\
	".quad 771b\n\t"						\
	".short %c[pv_op]\n\t"						\
	".short " clobmask "\n\t"					\
	".byte 772b-771b\n\t"						\
	".byte 0\n\t"							\
	".short 0\n\t"							\
	".popsection\n\t"

#define PV_OPARGS(op) [pv_off] "i"((op) * 8), [pv_op] "i"(op)

/*
 * ROM ABI 1.2 inline answers (SPEC.md 9.1): the irq sites are as long as
 * the xenlike ROM's inline sequences, so its virtual interrupt flag is
 * handled in the site without a call.  PV_SITE_LONG(clobmask, len) is
 * PV_SITE with NOPs after the call up to len bytes; the patcher pads
 * whatever it writes with one NOP, or a jump over NOPs.
 */
#define PV_SITE_LEN_IRQ_DISABLE	"7"	/* movb $1, mask(%rip) */
#define PV_SITE_LEN_IRQ_ENABLE	"15"	/* lock andw; sti; jz; out */
#define PV_SITE_LEN_SAVE_FL	"16"	/* movzbq; xorq; shlq */
#define PV_SITE_LEN_RESTORE_FL	"26"	/* bt; setnc; jnc; sti; testb; jz; out */
#define PV_SITE_LONG(clobmask, len)					\
	"771:\n\t"							\
	"call *pv_op_table+%c[pv_off](%%rip)\n\t"			\
	".nops " len " - 6\n\t"						\
	"772:\n\t"							\
	".pushsection .pv_sites,\"a\"\n\t"				\
	".balign 16\n\t"						\
	".quad 771b\n\t"						\
	".short %c[pv_op]\n\t"						\
	".short " clobmask "\n\t"					\
	".byte 772b-771b\n\t"						\
	".byte 0\n\t"							\
	".short 0\n\t"							\
	".popsection\n\t"
#define PV_CALL_CS0_LONG(op, len)					\
	do {								\
		uint64_t pv_rax_;					\
		__asm__ volatile(PV_SITE_LONG(PV_CLB_RAX, len)		\
				 : "=a"(pv_rax_)			\
				 : PV_OPARGS(op) : "memory", "cc");	\
		(void)pv_rax_;						\
	} while (0)

/* Clobber masks, bit per register in hardware encoding order; each
 * equals pv_op_info[op].clobbers (ops.h), which the patcher checks. */
#define PV_CLB_RAX	"0x0001"
#define PV_CLB_CPUID	"0x000f"		/* rax rcx rdx rbx */
#define PV_CLB_MSR	"0x0005"		/* rax rdx */
#define PV_CLB_SYSV	"0x0fc7"		/* rax rcx rdx rsi rdi r8-r11 */

/* Callee-save class: no argument, nothing returned, rax clobbered. */
#define PV_CALL_CS0(op)							\
	do {								\
		uint64_t pv_rax_;					\
		__asm__ volatile(PV_SITE(PV_CLB_RAX) : "=a"(pv_rax_)	\
				 : PV_OPARGS(op) : "memory", "cc");	\
		(void)pv_rax_;						\
	} while (0)

/*
 * SysV class: 0, 1 or 2 arguments in rdi, rsi; result in rax.  Argument
 * registers a call does not use are declared clobbered, not zeroed, so a
 * site costs no instruction beyond the native one once patched.
 */
#define PV_SYSV_CLOBBERS "rcx", "rdx", "r8", "r9", "r10", "r11", "memory", "cc"
#define PV_CALL_SYSV0(op)						\
	({								\
		uint64_t pv_rax_;					\
		__asm__ volatile(PV_SITE(PV_CLB_SYSV) : "=a"(pv_rax_)	\
				 : PV_OPARGS(op)			\
				 : "rdi", "rsi", PV_SYSV_CLOBBERS);	\
		pv_rax_;						\
	})
#define PV_CALL_SYSV1(op, a1)						\
	({								\
		uint64_t pv_rax_;					\
		__typeof__(a1) pv_rdi_ = (a1);				\
		__asm__ volatile(PV_SITE(PV_CLB_SYSV)			\
				 : "=a"(pv_rax_), "+D"(pv_rdi_)		\
				 : PV_OPARGS(op)			\
				 : "rsi", PV_SYSV_CLOBBERS);		\
		pv_rax_;						\
	})
#define PV_CALL_SYSV2(op, a1, a2)					\
	({								\
		uint64_t pv_rax_;					\
		__typeof__(a1) pv_rdi_ = (a1);				\
		__typeof__(a2) pv_rsi_ = (a2);				\
		/* rsi listed first: GCC then loads it first, as it	\
		 * loads a call's arguments last to first, so a site	\
		 * patched to a call matches the never-paravirtualized	\
		 * build byte for byte. */				\
		__asm__ volatile(PV_SITE(PV_CLB_SYSV)			\
				 : "=a"(pv_rax_), "+S"(pv_rsi_), "+D"(pv_rdi_) \
				 : PV_OPARGS(op) : PV_SYSV_CLOBBERS);	\
		pv_rax_;						\
	})

static inline void pv_irq_disable(void) { PV_CALL_CS0_LONG(PV_OP_IRQ_DISABLE, PV_SITE_LEN_IRQ_DISABLE); }
static inline void pv_irq_enable(void) { PV_CALL_CS0_LONG(PV_OP_IRQ_ENABLE, PV_SITE_LEN_IRQ_ENABLE); }
static inline void pv_safe_halt(void) { PV_CALL_CS0(PV_OP_SAFE_HALT); }
static inline void pv_halt(void) { PV_CALL_CS0(PV_OP_HALT); }
static inline void pv_wbinvd(void) { PV_CALL_CS0(PV_OP_WBINVD); }
static inline void pv_io_delay(void) { PV_CALL_CS0(PV_OP_IO_DELAY); }

static inline uint64_t pv_save_fl(void)
{
	uint64_t f;
	__asm__ volatile(PV_SITE_LONG(PV_CLB_RAX, PV_SITE_LEN_SAVE_FL) : "=a"(f)
			 : PV_OPARGS(PV_OP_SAVE_FL) : "memory", "cc");
	return f;
}

static inline void pv_restore_fl(uint64_t f)
{
	uint64_t rax;
	__asm__ volatile(PV_SITE_LONG(PV_CLB_RAX, PV_SITE_LEN_RESTORE_FL) : "=a"(rax)
			 : "D"(f), PV_OPARGS(PV_OP_RESTORE_FL)
			 : "memory", "cc");
	(void)rax;
}

static inline void pv_cpuid(uint32_t leaf, uint32_t sub, uint32_t *a,
			    uint32_t *b, uint32_t *c, uint32_t *d)
{
	__asm__ volatile(PV_SITE(PV_CLB_CPUID)
			 : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
			 : "a"(leaf), "c"(sub), PV_OPARGS(PV_OP_CPUID) : "cc");
}

static inline uint64_t pv_rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile(PV_SITE(PV_CLB_MSR) : "=a"(lo), "=d"(hi)
			 : "c"(msr), PV_OPARGS(PV_OP_RDMSR) : "cc");
	return ((uint64_t)hi << 32) | lo;
}

static inline void pv_wrmsr(uint32_t msr, uint64_t v)
{
	uint32_t lo = (uint32_t)v, hi = (uint32_t)(v >> 32);
	__asm__ volatile(PV_SITE(PV_CLB_MSR) : "+a"(lo), "+d"(hi)
			 : "c"(msr), PV_OPARGS(PV_OP_WRMSR) : "memory", "cc");
}

#define PV_READ_CR(name, op)						\
static inline uint64_t pv_##name(void)					\
{									\
	uint64_t v;							\
	__asm__ volatile(PV_SITE(PV_CLB_RAX) : "=a"(v)			\
			 : PV_OPARGS(op) : "memory", "cc");		\
	return v;							\
}
#define PV_WRITE_RDI(name, type, op)					\
static inline void pv_##name(type v)					\
{									\
	uint64_t rax;							\
	__asm__ volatile(PV_SITE(PV_CLB_RAX) : "=a"(rax)		\
			 : "D"(v), PV_OPARGS(op) : "memory", "cc");	\
	(void)rax;							\
}
PV_READ_CR(read_cr0, PV_OP_READ_CR0)
PV_READ_CR(read_cr2, PV_OP_READ_CR2)
PV_READ_CR(read_cr3, PV_OP_READ_CR3)
PV_READ_CR(read_cr4, PV_OP_READ_CR4)
PV_WRITE_RDI(write_cr0, uint64_t, PV_OP_WRITE_CR0)
PV_WRITE_RDI(write_cr4, uint64_t, PV_OP_WRITE_CR4)
PV_WRITE_RDI(load_gdt, const struct dtr *, PV_OP_LOAD_GDT)
PV_WRITE_RDI(load_idt, const struct dtr *, PV_OP_LOAD_IDT)
PV_WRITE_RDI(load_tr, uint16_t, PV_OP_LOAD_TR)
#undef PV_READ_CR

/* Entry writes, invlpg, cr3: callee-save, arguments in rdi, rsi. */
#define PV_CALL_CS2(op, a1, a2)						\
	do {								\
		uint64_t pv_rax_;					\
		__asm__ volatile(PV_SITE(PV_CLB_RAX) : "=a"(pv_rax_)	\
				 : "D"(a1), "S"(a2), PV_OPARGS(op)	\
				 : "memory", "cc");			\
		(void)pv_rax_;						\
	} while (0)
static inline void pv_set_pte(uint64_t *p, uint64_t v) { PV_CALL_CS2(PV_OP_SET_PTE, p, v); }
static inline void pv_set_pmd(uint64_t *p, uint64_t v) { PV_CALL_CS2(PV_OP_SET_PMD, p, v); }
static inline void pv_set_pud(uint64_t *p, uint64_t v) { PV_CALL_CS2(PV_OP_SET_PUD, p, v); }
static inline void pv_set_p4d(uint64_t *p, uint64_t v) { PV_CALL_CS2(PV_OP_SET_P4D, p, v); }
PV_WRITE_RDI(invlpg, uint64_t, PV_OP_INVLPG)
PV_WRITE_RDI(write_cr3, uint64_t, PV_OP_WRITE_CR3)
#undef PV_WRITE_RDI

/* The rest of the MMU ops and time, console, power: SysV, so backends
 * can batch and compute in C. */
static inline void pv_lazy_mmu_enter(void) { PV_CALL_SYSV0(PV_OP_LAZY_MMU_ENTER); }
static inline void pv_lazy_mmu_flush(void) { PV_CALL_SYSV0(PV_OP_LAZY_MMU_FLUSH); }
static inline void pv_lazy_mmu_leave(void) { PV_CALL_SYSV0(PV_OP_LAZY_MMU_LEAVE); }
static inline void pv_flush_tlb(void) { PV_CALL_SYSV0(PV_OP_FLUSH_TLB); }
static inline void pv_pt_alloc(uint64_t pa, int level) { PV_CALL_SYSV2(PV_OP_PT_ALLOC, pa, level); }
static inline void pv_pt_release(uint64_t pa, int level) { PV_CALL_SYSV2(PV_OP_PT_RELEASE, pa, level); }
static inline uint64_t pv_clock_freq(void) { return PV_CALL_SYSV0(PV_OP_CLOCK_FREQ); }
static inline uint64_t pv_clock_read(void) { return PV_CALL_SYSV0(PV_OP_CLOCK_READ); }
static inline uint64_t pv_wallclock(void) { return PV_CALL_SYSV0(PV_OP_WALLCLOCK); }
static inline void pv_set_alarm(uint64_t ns) { PV_CALL_SYSV1(PV_OP_SET_ALARM, ns); }
static inline void pv_console_write(const char *b, size_t n) { PV_CALL_SYSV2(PV_OP_CONSOLE_WRITE, b, n); }
static inline __attribute__((noreturn)) void pv_shutdown(uint32_t code) { PV_CALL_SYSV1(PV_OP_SHUTDOWN, code); __builtin_unreachable(); }
static inline __attribute__((noreturn)) void pv_reboot(void) { PV_CALL_SYSV0(PV_OP_REBOOT); __builtin_unreachable(); }

/*
 * Device notify (ROM ABI 1.1): callee-save with three arguments, rdi =
 * the notify register's virtual address, rsi = the 16-bit value, rdx =
 * the register's guest-physical address (for a ROM that tells its host).
 * Natively `movw %si,(%rdi)`.  A ROM without the call leaves it native.
 */
#define PV_CALL_CS3(op, a1, a2, a3)					\
	do {								\
		uint64_t pv_rax_;					\
		__asm__ volatile(PV_SITE(PV_CLB_RAX) : "=a"(pv_rax_)	\
				 : "D"(a1), "S"(a2), "d"(a3), PV_OPARGS(op) \
				 : "memory", "cc");			\
		(void)pv_rax_;						\
	} while (0)
static inline void pv_device_notify(volatile void *va, uint64_t value, uint64_t pa)
{
	PV_CALL_CS3(PV_OP_DEVICE_NOTIFY, va, value, pa);
}

#endif /* CONFIG_PV_NONE */

/* Interrupt-flag helpers built on the ops, for both builds. */
#define PV_FL_IF 0x200UL
static inline uint64_t pv_irq_save(void)
{
	uint64_t f = pv_save_fl();
	pv_irq_disable();
	return f;
}

static inline void pv_irq_restore(uint64_t f) { pv_restore_fl(f); }

#endif
