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
static inline void pv_lazy_mmu_enter(void) { nat_mmu_hint(); }
static inline void pv_lazy_mmu_flush(void) { nat_mmu_hint(); }
static inline void pv_lazy_mmu_leave(void) { nat_mmu_hint(); }
static inline void pv_invlpg(uint64_t va) { nat_invlpg(va); }
static inline void pv_flush_tlb(void) { nat_flush_tlb(); }
static inline void pv_write_cr3(uint64_t v) { nat_write_cr3(v); }
static inline void pv_pt_alloc(uint64_t pa, int level) { nat_pt_hint(pa, (uint64_t)level); }
static inline void pv_pt_release(uint64_t pa, int level) { nat_pt_hint(pa, (uint64_t)level); }
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
 * ROM ABI 1.2 inline answers (SPEC.md 9.1): the irq sites are at least as
 * long as the xenlike ROM's inline sequences (pv_site's minlen below), so
 * its virtual interrupt flag is handled in the site without a call; the
 * patcher pads whatever it writes with one NOP, or a jump over NOPs.
 */
#define PV_SITE_LEN_IRQ_DISABLE	"7"	/* movb $1, mask(%rip) */
#define PV_SITE_LEN_IRQ_ENABLE	"15"	/* lock andw; sti; jz; out */
#define PV_SITE_LEN_SAVE_FL	"16"	/* movzbq; xorq; shlq */
#define PV_SITE_LEN_RESTORE_FL	"26"	/* bt; setnc; jnc; sti; testb; jz; out */

/* Clobber masks, bit per register in hardware encoding order; each
 * equals pv_op_info[op].clobbers (ops.h), which the patcher checks. */
#define PV_CLB_RAX	"0x0001"
#define PV_CLB_CPUID	"0x000f"		/* rax rcx rdx rbx */
#define PV_CLB_MSR	"0x0005"		/* rax rdx */
#define PV_CLB_SYSV	"0x0fc7"		/* rax rcx rdx rsi rdi r8-r11 */

/*
 * Sites in the compiler's registers (PV_SITE_F_REGS, site.h).  The
 * wrapper hands the compiler the native instruction's own asm operands
 * ("r", "=r"), so it keeps values where it has them, exactly as in the
 * never-paravirtualized build (native/include/native/insn.h has the same
 * constraints).  The assembler then, through the macros below:
 *   - assembles the native instruction in the chosen registers, in its
 *     longest prefix-free form (`{disp32}`), into the non-loaded section
 *     .pv_native, only to measure it: the site is that long, or 6;
 *   - emits `call *slot(%rip)` plus NOPs to that length, where slot
 *     belongs to the adapter of this op and register combination;
 *   - emits the record, with the registers (4 bits per operand) and the
 *     written operands as the site's clobbers;
 *   - emits the adapter and its slot (struct pv_slot, apply.h) in a COMDAT
 *     group named after op and registers, so the linker keeps one each.
 * The adapter saves what the op's convention lets its target clobber and
 * the site does not, moves the operands into rdi, rsi, rdx (every op's
 * inputs travel there), calls through pv_op_table[op], moves the result
 * from rax to the site's output register, restores, returns.
 */
__asm__(
	/* \sym = hardware number of 64-bit register \reg; 0 for %none. */
	".macro pv_regnum sym:req, reg:req\n"
	".set \\sym, 16\n"
	".ifc \\reg, %none\n.set \\sym, 0\n.endif\n"
	".set .Lpv_i, 0\n"
	".irp r, rax,rcx,rdx,rbx,rsp,rbp,rsi,rdi,r8,r9,r10,r11,r12,r13,r14,r15\n"
	".ifc \\reg, %\\r\n.set \\sym, .Lpv_i\n.endif\n"
	".set .Lpv_i, .Lpv_i + 1\n"
	".endr\n"
	".if \\sym > 15 || \\sym == 4\n"
	".error \"pvops: site operand \\reg is not a 64-bit register other than rsp\"\n"
	".endif\n"
	".endm\n"

	/* The adapter of op (slot offset off, convention clobbers abi) for
	 * operand names a, b, c: nin inputs, or outk 1 (a = result from
	 * rax) or 2 (a = scratch). */
	".macro pv_adapter op, off, abi, nin, outk, a, b, c\n"
	/* gas comparisons give -1 or 0: "& 1" makes them 1 or 0.  An input
	 * already in its convention register is neither moved nor saved. */
	".set .Lpv_m0, ((\\nin > 0) & (.Lpv_n0 != 7)) & 1\n"
	".set .Lpv_m1, ((\\nin > 1) & (.Lpv_n1 != 6)) & 1\n"
	".set .Lpv_m2, ((\\nin > 2) & (.Lpv_n2 != 2)) & 1\n"
	".set .Lpv_save, \\abi | (0x80 * .Lpv_m0) | (0x40 * .Lpv_m1) | (0x4 * .Lpv_m2)\n"
	".if \\outk\n.set .Lpv_save, .Lpv_save & ~(1 << .Lpv_n0)\n.endif\n"
	".set .Lpv_i, 0\n"
	".irp r, rax,rcx,rdx,rbx,rsp,rbp,rsi,rdi,r8,r9,r10,r11,r12,r13,r14,r15\n"
	".if (.Lpv_save >> .Lpv_i) & 1\npush %\\r\n.endif\n"
	".set .Lpv_i, .Lpv_i + 1\n"
	".endr\n"
	".if .Lpv_m0 | .Lpv_m1 | .Lpv_m2\n"	/* a parallel move, by the stack */
	".if \\nin > 0\npush %\\a\n.endif\n"
	".if \\nin > 1\npush %\\b\n.endif\n"
	".if \\nin > 2\npush %\\c\npop %rdx\n.endif\n"
	".if \\nin > 1\npop %rsi\n.endif\n"
	".if \\nin > 0\npop %rdi\n.endif\n"
	".endif\n"
	"call *pv_op_table+\\off(%rip)\n"
	".if \\outk == 1\n.ifnc \\a, rax\nmov %rax, %\\a\n.endif\n.endif\n"
	".set .Lpv_i, 15\n"
	".irp r, r15,r14,r13,r12,r11,r10,r9,r8,rdi,rsi,rbp,rsp,rbx,rdx,rcx,rax\n"
	".if (.Lpv_save >> .Lpv_i) & 1\npop %\\r\n.endif\n"
	".set .Lpv_i, .Lpv_i - 1\n"
	".endr\n"
	"ret\n"
	".endm\n"

	/* The call through the adapter's slot, the slot, the adapter. */
	".macro pv_site_emit op, off, abi, nin, outk, a, b, c\n"
	"call *pv_slot_\\op\\()_\\a\\()_\\b\\()_\\c(%rip)\n"
	".ifndef pv_slot_\\op\\()_\\a\\()_\\b\\()_\\c\n"	/* once a file */
	".pushsection .pv_slots, \"aG\", @progbits, pv_adapt_\\op\\()_\\a\\()_\\b\\()_\\c, comdat\n"
	".balign 16\n"
	".weak pv_slot_\\op\\()_\\a\\()_\\b\\()_\\c\n"
	".hidden pv_slot_\\op\\()_\\a\\()_\\b\\()_\\c\n"
	"pv_slot_\\op\\()_\\a\\()_\\b\\()_\\c:\n"
	".quad pv_adapt_\\op\\()_\\a\\()_\\b\\()_\\c\n"
	".short \\op, .Lpv_regs\n"
	".long 0\n"
	".popsection\n"
	".pushsection .text.pv_adapt, \"axG\", @progbits, pv_adapt_\\op\\()_\\a\\()_\\b\\()_\\c, comdat\n"
	".weak pv_adapt_\\op\\()_\\a\\()_\\b\\()_\\c\n"
	".hidden pv_adapt_\\op\\()_\\a\\()_\\b\\()_\\c\n"
	"pv_adapt_\\op\\()_\\a\\()_\\b\\()_\\c:\n"
	"pv_adapter \\op, \\off, \\abi, \\nin, \\outk, \\a, \\b, \\c\n"
	".popsection\n"
	".endif\n"
	".endm\n"

	/* One site: nlen is the native instruction's long length. */
	".macro pv_site op, off, abi, nlen, nin, outk, r0=%none, r1=%none, r2=%none, minlen=6\n"
	"pv_regnum .Lpv_n0, \\r0\n"
	"pv_regnum .Lpv_n1, \\r1\n"
	"pv_regnum .Lpv_n2, \\r2\n"
	".set .Lpv_regs, .Lpv_n0 | (.Lpv_n1 << 4) | (.Lpv_n2 << 8)\n"
	".set .Lpv_clob, 0\n"
	".if \\outk\n.set .Lpv_clob, 1 << .Lpv_n0\n.endif\n"
	"771:\n"
	".irp a, rax,rcx,rdx,rbx,rsp,rbp,rsi,rdi,r8,r9,r10,r11,r12,r13,r14,r15,none\n"
	".ifc \\r0, %\\a\n"
	".irp b, rax,rcx,rdx,rbx,rsp,rbp,rsi,rdi,r8,r9,r10,r11,r12,r13,r14,r15,none\n"
	".ifc \\r1, %\\b\n"
	".irp c, rax,rcx,rdx,rbx,rsp,rbp,rsi,rdi,r8,r9,r10,r11,r12,r13,r14,r15,none\n"
	".ifc \\r2, %\\c\n"
	"pv_site_emit \\op, \\off, \\abi, \\nin, \\outk, \\a, \\b, \\c\n"
	".endif\n.endr\n.endif\n.endr\n.endif\n.endr\n"
	/* At least minlen bytes: room for a ROM's inline answer (1.2). */
	".set .Lpv_len, (\\nlen)\n"
	".if .Lpv_len < \\minlen\n.set .Lpv_len, \\minlen\n.endif\n"
	".if .Lpv_len > 6\n.nops .Lpv_len - 6\n.endif\n"
	"772:\n"
	".pushsection .pv_sites, \"a\"\n"
	".balign 16\n"
	".quad 771b\n"
	".short \\op, .Lpv_clob\n"
	".byte 772b - 771b, 1\n"
	".short .Lpv_regs\n"
	".popsection\n"
	".endm\n");

/*
 * The asm of one such site: NATIVE is the native instruction's text in
 * the long form (operand names as in the wrapper), NIN the number of
 * input operands, OUTK 1 if operand 0 is a result or 2 if it is scratch,
 * REGS the operands ", %q[x]" in the op's operand order (operands.h).
 */
#define PV_RSITE_MIN(native, nin, outk, regs, minlen)			\
	".pushsection .pv_native, \"\", @progbits\n"			\
	"774:\n\t" native "\n775:\n"					\
	".popsection\n\t"						\
	"pv_site %c[pv_op], %c[pv_off], %c[pv_abi], (775b - 774b), "	\
	#nin ", " #outk regs ", minlen=" minlen "\n\t"
#define PV_RSITE(native, nin, outk, regs) PV_RSITE_MIN(native, nin, outk, regs, "6")
#define PV_RARGS(op, abi)						\
	[pv_off] "i"((op) * 8), [pv_op] "i"(op), [pv_abi] "i"(abi)

/* Ops without operands: the instruction, nothing clobbered. */
#define PV_NAT0(op, abi, native)	PV_NAT0_MIN(op, abi, native, "6")
#define PV_NAT0_MIN(op, abi, native, minlen)				\
	__asm__ volatile(PV_RSITE_MIN(native, 0, 0, "", minlen)		\
			 : : PV_RARGS(op, abi) : "memory")

#define PV_ABI_RAX	PV_CLOBBERS_RAX
#define PV_ABI_SYSV	PV_CLOBBERS_SYSV

static inline void pv_irq_disable(void)
{ PV_NAT0_MIN(PV_OP_IRQ_DISABLE, PV_ABI_RAX, "cli", PV_SITE_LEN_IRQ_DISABLE); }
static inline void pv_irq_enable(void)
{ PV_NAT0_MIN(PV_OP_IRQ_ENABLE, PV_ABI_RAX, "sti", PV_SITE_LEN_IRQ_ENABLE); }
static inline void pv_safe_halt(void) { PV_NAT0(PV_OP_SAFE_HALT, PV_ABI_RAX, "sti; hlt"); }
static inline void pv_halt(void) { PV_NAT0(PV_OP_HALT, PV_ABI_RAX, "hlt"); }
static inline void pv_wbinvd(void) { PV_NAT0(PV_OP_WBINVD, PV_ABI_RAX, "wbinvd"); }
/* io_delay keeps its convention: `out %al,$0x80` clobbers rax in both
 * builds (insn.h). */
static inline void pv_io_delay(void)
{
	uint64_t rax;
	__asm__ volatile(PV_SITE(PV_CLB_RAX) : "=a"(rax)
			 : PV_OPARGS(PV_OP_IO_DELAY) : "memory", "cc");
	(void)rax;
}

static inline uint64_t pv_save_fl(void)
{
	uint64_t f;
	__asm__ volatile(PV_RSITE_MIN("pushfq; popq %q[f]", 0, 1, ", %q[f]",
				      PV_SITE_LEN_SAVE_FL)
			 : [f] "=r"(f) : PV_RARGS(PV_OP_SAVE_FL, PV_ABI_RAX) : "memory");
	return f;
}

static inline void pv_restore_fl(uint64_t f)
{
	__asm__ volatile(PV_RSITE_MIN("pushq %q[f]; popfq", 1, 0, ", %q[f]",
				      PV_SITE_LEN_RESTORE_FL)
			 : : [f] "r"(f), PV_RARGS(PV_OP_RESTORE_FL, PV_ABI_RAX)
			 : "memory", "cc");
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

/* wrmsr's operands are the instruction's own (ecx, edx:eax); the
 * convention lets a target clobber rax and rdx, the site does not. */
static inline void pv_wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile(PV_RSITE("wrmsr", 0, 0, "")
			 : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)),
			   PV_RARGS(PV_OP_WRMSR, PV_REG_RAX | PV_REG_RDX) : "memory");
}

#define PV_READ_CR(name, op, n)						\
static inline uint64_t pv_##name(void)					\
{									\
	uint64_t v;							\
	__asm__ volatile(PV_RSITE("mov %%cr" #n ", %q[v]", 0, 1, ", %q[v]") \
			 : [v] "=r"(v) : PV_RARGS(op, PV_ABI_RAX) : "memory"); \
	return v;							\
}
#define PV_WRITE_R(name, type, op, native)				\
static inline void pv_##name(type v)					\
{									\
	__asm__ volatile(PV_RSITE(native, 1, 0, ", %q[v]")		\
			 : : [v] "r"(v), PV_RARGS(op, PV_ABI_RAX) : "memory"); \
}
PV_READ_CR(read_cr0, PV_OP_READ_CR0, 0)
PV_READ_CR(read_cr2, PV_OP_READ_CR2, 2)
PV_READ_CR(read_cr3, PV_OP_READ_CR3, 3)
PV_READ_CR(read_cr4, PV_OP_READ_CR4, 4)
PV_WRITE_R(write_cr0, uint64_t, PV_OP_WRITE_CR0, "mov %q[v], %%cr0")
PV_WRITE_R(write_cr4, uint64_t, PV_OP_WRITE_CR4, "mov %q[v], %%cr4")
PV_WRITE_R(write_cr3, uint64_t, PV_OP_WRITE_CR3, "mov %q[v], %%cr3")
PV_WRITE_R(load_gdt, const struct dtr *, PV_OP_LOAD_GDT, "%{disp32%} lgdt (%q[v])")
PV_WRITE_R(load_idt, const struct dtr *, PV_OP_LOAD_IDT, "%{disp32%} lidt (%q[v])")
PV_WRITE_R(load_tr, uint16_t, PV_OP_LOAD_TR, "ltr %w[v]")
PV_WRITE_R(invlpg, uint64_t, PV_OP_INVLPG, "%{disp32%} invlpg (%q[v])")
#undef PV_READ_CR
#undef PV_WRITE_R

/* Entry writes: `mov %value,(%pointer)`, 7 or 8 bytes in its {disp32}
 * form, so it fills its site with no NOP at all.  Like the native
 * store (insn.h) it declares the entry it writes, not all memory. */
#define PV_SET_ENTRY(op, p, v)						\
	__asm__ volatile(PV_RSITE("%{disp32%} movq %q[v], (%q[p])", 2, 0, \
				  ", %q[p], %q[v]")			\
			 : "=m"(*(p)) : [p] "r"(p), [v] "r"(v), PV_RARGS(op, PV_ABI_RAX))
static inline void pv_set_pte(uint64_t *p, uint64_t v) { PV_SET_ENTRY(PV_OP_SET_PTE, p, v); }
static inline void pv_set_pmd(uint64_t *p, uint64_t v) { PV_SET_ENTRY(PV_OP_SET_PMD, p, v); }
static inline void pv_set_pud(uint64_t *p, uint64_t v) { PV_SET_ENTRY(PV_OP_SET_PUD, p, v); }
static inline void pv_set_p4d(uint64_t *p, uint64_t v) { PV_SET_ENTRY(PV_OP_SET_P4D, p, v); }

/* flush_tlb: `mov %cr3,%s; mov %s,%cr3` in a scratch register of the
 * compiler's choice; the ROM's entry (SysV) gets it through the adapter. */
static inline void pv_flush_tlb(void)
{
	uint64_t s;
	__asm__ volatile(PV_RSITE("mov %%cr3, %q[s]; mov %q[s], %%cr3", 0, 2, ", %q[s]")
			 : [s] "=r"(s) : PV_RARGS(PV_OP_FLUSH_TLB, PV_ABI_SYSV) : "memory");
}

/* Lazy MMU mode and page-table announcements: nothing on bare metal,
 * a compiler barrier in both builds; SysV C in a ROM, through the
 * adapter, so the site costs the compiler no register. */
static inline void pv_lazy_mmu_enter(void) { PV_NAT0(PV_OP_LAZY_MMU_ENTER, PV_ABI_SYSV, ""); }
static inline void pv_lazy_mmu_flush(void) { PV_NAT0(PV_OP_LAZY_MMU_FLUSH, PV_ABI_SYSV, ""); }
static inline void pv_lazy_mmu_leave(void) { PV_NAT0(PV_OP_LAZY_MMU_LEAVE, PV_ABI_SYSV, ""); }
#define PV_PT(op, pa, level)						\
	__asm__ volatile(PV_RSITE("", 2, 0, ", %q[a], %q[l]")		\
			 : : [a] "r"((uint64_t)(pa)), [l] "r"((uint64_t)(level)), \
			   PV_RARGS(op, PV_ABI_SYSV) : "memory")
static inline void pv_pt_alloc(uint64_t pa, int level) { PV_PT(PV_OP_PT_ALLOC, pa, level); }
static inline void pv_pt_release(uint64_t pa, int level) { PV_PT(PV_OP_PT_RELEASE, pa, level); }
#undef PV_PT

/*
 * Time, console, power: SysV calls to C natively as in a ROM, so the
 * never-paravirtualized build calls the same way (no adapter): 0, 1 or 2
 * arguments in rdi, rsi; result in rax.  Argument registers a call does
 * not use are declared clobbered, not zeroed, so a site costs no
 * instruction beyond the call once patched.
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
static inline uint64_t pv_clock_freq(void) { return PV_CALL_SYSV0(PV_OP_CLOCK_FREQ); }
static inline uint64_t pv_clock_read(void) { return PV_CALL_SYSV0(PV_OP_CLOCK_READ); }
static inline uint64_t pv_wallclock(void) { return PV_CALL_SYSV0(PV_OP_WALLCLOCK); }
static inline void pv_set_alarm(uint64_t ns) { PV_CALL_SYSV1(PV_OP_SET_ALARM, ns); }
static inline void pv_console_write(const char *b, size_t n) { PV_CALL_SYSV2(PV_OP_CONSOLE_WRITE, b, n); }
static inline __attribute__((noreturn)) void pv_shutdown(uint32_t code) { PV_CALL_SYSV1(PV_OP_SHUTDOWN, code); __builtin_unreachable(); }
static inline __attribute__((noreturn)) void pv_reboot(void) { PV_CALL_SYSV0(PV_OP_REBOOT); __builtin_unreachable(); }

/*
 * Device notify (ABI 1.1): natively `movw %value,(%pointer)`; the
 * register's guest-physical address is the third operand, for a ROM that
 * tells its host (the never-paravirtualized build takes it too, unused).
 * A ROM without the call leaves it native.
 */
static inline void pv_device_notify(volatile void *va, uint64_t value, uint64_t pa)
{
	__asm__ volatile(PV_RSITE("%{disp32%} movw %w[v], (%q[p])", 3, 0,
				  ", %q[p], %q[v], %q[a]")
			 : : [p] "r"(va), [v] "r"(value), [a] "r"(pa),
			   PV_RARGS(PV_OP_DEVICE_NOTIFY, PV_ABI_RAX) : "memory");
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
