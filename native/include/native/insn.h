/*
 * insn.h: the privileged x86_64 instructions as tiny inline functions.
 *
 * This is the only header with privileged inline assembly (xv6's x86.h).
 * Kernel code never includes it directly: it calls the pv_* wrappers of
 * <pvops/pvops.h>, which either patch a call site (the paravirt build) or
 * expand to these functions (the never-paravirtualized build).  native/
 * uses it to implement the native op table.
 */
#ifndef NATIVE_INSN_H
#define NATIVE_INSN_H

#include <stdint.h>

struct dtr {				/* lgdt/lidt operand */
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static inline void nat_irq_disable(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void nat_irq_enable(void)  { __asm__ volatile("sti" ::: "memory"); }
static inline void nat_safe_halt(void)   { __asm__ volatile("sti; hlt" ::: "memory"); }
static inline void nat_halt(void)        { __asm__ volatile("hlt" ::: "memory"); }

static inline uint64_t nat_save_fl(void)
{
	uint64_t f;
	__asm__ volatile("pushfq; popq %0" : "=r"(f) :: "memory");
	return f;
}

static inline void nat_restore_fl(uint64_t f)
{
	__asm__ volatile("pushq %q0; popfq" :: "r"(f) : "memory", "cc");
}

static inline void nat_cpuid(uint32_t leaf, uint32_t sub, uint32_t *a,
			     uint32_t *b, uint32_t *c, uint32_t *d)
{
	__asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
			 : "a"(leaf), "c"(sub));
}

static inline uint64_t nat_rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void nat_wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" :: "c"(msr), "a"((uint32_t)v),
			 "d"((uint32_t)(v >> 32)) : "memory");
}

#define NAT_READ_CR(n)							\
static inline uint64_t nat_read_cr##n(void)				\
{									\
	uint64_t v;							\
	__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v) :: "memory");	\
	return v;							\
}
#define NAT_WRITE_CR(n)							\
static inline void nat_write_cr##n(uint64_t v)				\
{									\
	__asm__ volatile("mov %0, %%cr" #n :: "r"(v) : "memory");	\
}
NAT_READ_CR(0)
NAT_READ_CR(2)
NAT_READ_CR(3)
NAT_READ_CR(4)
NAT_WRITE_CR(0)
NAT_WRITE_CR(3)
NAT_WRITE_CR(4)
#undef NAT_READ_CR
#undef NAT_WRITE_CR

/* The descriptor's address in a register, as the pvops site has it. */
static inline void nat_load_gdt(const struct dtr *d)
{
	__asm__ volatile("lgdt (%q0)" :: "r"(d) : "memory");
}

static inline void nat_load_idt(const struct dtr *d)
{
	__asm__ volatile("lidt (%q0)" :: "r"(d) : "memory");
}

static inline void nat_load_tr(uint16_t sel)
{
	__asm__ volatile("ltr %0" :: "r"(sel) : "memory");
}

static inline void nat_wbinvd(void) { __asm__ volatile("wbinvd" ::: "memory"); }

static inline void nat_io_delay(void)
{
	__asm__ volatile("outb %%al, $0x80" ::: "memory", "rax");
}

/* A page-table entry write: one store, pointer and value in registers
 * (as the pvops site has them, so both builds allocate alike).  It
 * declares the entry it writes, not all memory, as a volatile store
 * would: a "memory" clobber would make the compiler reload every
 * pointer it holds in memory around each write. */
static inline void nat_set_entry(uint64_t *p, uint64_t v)
{
	__asm__ volatile("movq %q2, (%q1)" : "=m"(*p) : "r"(p), "r"(v));
}

/* A device's notify register: one 16-bit store (virtio-pci's queue
 * notify).  pa is for ROMs only: taken, as the pvops site takes it, and
 * unused. */
static inline void nat_device_notify(volatile void *va, uint64_t value, uint64_t pa)
{
	__asm__ volatile("movw %w1, (%q0)" :: "r"(va), "r"(value), "r"(pa) : "memory");
}

static inline void nat_invlpg(uint64_t va)
{
	__asm__ volatile("invlpg (%0)" :: "r"(va) : "memory");
}

static inline void nat_flush_tlb(void)
{
	uint64_t s;
	__asm__ volatile("mov %%cr3, %q0; mov %q0, %%cr3" : "=r"(s) :: "memory");
}

/* Lazy MMU mode and page-table page announcements: nothing on bare
 * metal; a compiler barrier taking the operands, as the pvops site. */
static inline void nat_mmu_hint(void) { __asm__ volatile("" ::: "memory"); }
static inline void nat_pt_hint(uint64_t pa, uint64_t level)
{
	__asm__ volatile("" :: "r"(pa), "r"(level) : "memory");
}

static inline uint64_t nat_rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* Port I/O is not paravirtualized: both backends let it exit. */
static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" :: "a"(v), "Nd"(port));
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* 16-bit port access: PCI configuration words (kernel/pci.c). */
static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" :: "a"(v), "Nd"(port));
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;
	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

#endif
