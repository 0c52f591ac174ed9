/*
 * vmw_abi.h: the VMware-like backend's private ABI between its ROM
 * (backends/vmwarelike/) and its host side (hv/backend_vmwarelike.c):
 * the backdoor ports, magic and commands, and the layout of the ROM's data
 * area (the CPUID table hv fills, the deferred-mode queue hv applies, the
 * counters guest tests read).  SPEC.md section 19.2 is the prose.
 *
 * C99 plus <stdint.h>/<stddef.h>; the #defines are usable from assembly
 * (__ASSEMBLER__).  Fields say who writes them: ROM (the ROM's code in
 * the guest), HOST (hv, during a backdoor call), INIT (the ROM, once).
 */
#ifndef VMW_ABI_H
#define VMW_ABI_H

/* ---- Transport ----------------------------------------------------------
 *
 * Command port: "in %dx, %eax" (32-bit) with dx = VMW_PORT_CMD,
 * eax = VMW_MAGIC, ecx = command, arguments in rbx, rsi, rdi (64-bit).
 * Results: eax (the value read), rbx, rcx, rdx; rsi and rdi are kept.
 *
 * Bulk port: "in %dx, %eax" with dx = VMW_PORT_BULK, eax = VMW_MAGIC,
 * ebx = bulk command, rcx = byte count (<= VMW_BULK_MAX), rsi = source
 * guest-physical address.  Result: eax = bytes taken.  (VMware's
 * high-bandwidth port moves the bytes with rep outsb; KVM hands rep outs
 * to userspace one element per exit, so here the buffer is named by
 * address and the host copies it in the same single exit.)
 *
 * Anything else on either port (another width, an out, a wrong magic, an
 * unknown command, a count over its limit, a range outside guest RAM)
 * ends the guest with hv status 10 and a one-line reason.
 */
#define VMW_MAGIC        0x564D5868u  /* "VMXh" */
#define VMW_PORT_CMD     0x5658       /* "VX" */
#define VMW_PORT_BULK    0x5659
#define VMW_PROTO        1u           /* GETVERSION's eax */
#define VMW_PRODUCT      0x4d567668u  /* GETVERSION's ecx: "hvVM" */

/* Commands on VMW_PORT_CMD (ecx).  10 and 45 keep VMware's numbers. */
#define VMW_CMD_GETVERSION   0x0a  /* eax = VMW_PROTO, ebx = VMW_MAGIC, ecx = VMW_PRODUCT */
#define VMW_CMD_GETHZ        0x2d  /* rbx = guest TSC Hz (0: unknown) */
#define VMW_CMD_CPUID_FILL   0x80  /* rbx = table gpa, rsi = capacity: rbx = entries */
#define VMW_CMD_MMU_FLUSH    0x81  /* rbx = queue gpa, rsi = count: the host checks
                                    * each entry and clears the kind of refused
                                    * ones; the ROM then stores the rest.
                                    * eax = refused, rbx = first refused index,
                                    * rcx = its reason */
#define VMW_CMD_ALARM_SET    0x82  /* rbx = delay ns, rsi = period ns (0: one-shot) */
#define VMW_CMD_ALARM_CANCEL 0x83
#define VMW_CMD_WALLCLOCK    0x84  /* rbx = ns since 1970-01-01 UTC */
#define VMW_CMD_HALT         0x85  /* the guest is about to hlt */
#define VMW_CMD_SHUTDOWN     0x86  /* rbx = code: hv exits (code << 1) | 1 */
#define VMW_CMD_NOTIFY       0x87  /* ROM ABI 1.1 DEVICE_NOTIFY: rbx = the notify
                                    * register's gpa, rsi = the 16-bit value:
                                    * eax = 0, or VMW_NOTIFY_NODEV when no device
                                    * is there (the guest goes on) */
#define VMW_NOTIFY_NODEV     1u

/* Commands on VMW_PORT_BULK (ebx). */
#define VMW_BULK_CONSOLE     0x01  /* rcx bytes at gpa rsi to the console */
#define VMW_BULK_MAX         4096u

/* Limits the host enforces. */
#define VMW_CPUID_MAX        96u     /* table entries */
#define VMW_QUEUE_MAX        1024u   /* deferred updates per flush */
#define VMW_PERIOD_MIN_NS    1000000ull  /* periodic alarm: at least 1 ms */

/* Queue entry kinds (the low 3 bits of vmw_mmu_op.op). */
#define VMW_OP_REFUSED 0 /* the host cleared the kind: do not apply */
#define VMW_OP_PTE   1   /* level 1 .. 4: op & ~7 is the entry's gpa */
#define VMW_OP_PMD   2
#define VMW_OP_PUD   3
#define VMW_OP_P4D   4
#define VMW_OP_CR3   5   /* op & ~7 is 0; val is the new cr3 */

/* Why the host refused an entry (MMU_FLUSH's rcx). */
#define VMW_REFUSE_NONE   0
#define VMW_REFUSE_FRAME  1  /* a present entry maps a frame outside guest RAM */
#define VMW_REFUSE_CR3    2  /* cr3 names a table outside guest RAM or sets reserved bits */
#define VMW_REFUSE_RSVD   3  /* a present entry sets a bit reserved at its level */

/* CPUID table entry flags. */
#define VMW_CPUID_INDEXED 0x1  /* subleaf is significant */
#define VMW_CPUID_OSXSAVE 0x2  /* ecx bit 27 follows CR4.OSXSAVE (leaf 1) */
#define VMW_CPUID_OSPKE   0x4  /* ecx bit 4 follows CR4.PKE (leaf 7.0) */

/* The ROM's registers for one backdoor call (vmw_backdoor, vmw_rom.S). */
#define VMW_R_AX 0
#define VMW_R_BX 8
#define VMW_R_CX 16
#define VMW_R_DX 24
#define VMW_R_SI 32
#define VMW_R_DI 40

/* Offsets into struct vmw_data for vmw_rom.S. */
#define VMW_D_LAZY        8
#define VMW_D_CPUID_N     12
#define VMW_D_CPUID_HITS  16
#define VMW_D_CPUID_MISS  24
#define VMW_D_QUEUE_LEN   4
#define VMW_D_N_DIRECT    144
#define VMW_D_N_HALTS     184
#define VMW_D_CPUID       512
#define VMW_CPUID_ENT     32

#define VMW_DATA_MAGIC_LO 0x5652574d  /* "MWRV": magic's low word, set by init */

#ifndef __ASSEMBLER__
#include <stdint.h>
#include <stddef.h>

struct vmw_regs {
	uint64_t ax, bx, cx, dx, si, di;
};

/* One CPUID answer (HOST writes it at init through CPUID_FILL). */
struct vmw_cpuid_entry {
	uint32_t leaf, subleaf, flags;
	uint32_t eax, ebx, ecx, edx;
	uint32_t pad;
};

/* One deferred update (ROM writes it; HOST reads it at MMU_FLUSH and
 * clears the kind of a refused one). */
struct vmw_mmu_op {
	uint64_t op;    /* entry gpa | VMW_OP_* kind */
	uint64_t val;   /* the new entry, or the new cr3 */
};

/* Counters a guest test reads to see which path ran (ROM writes). */
struct vmw_counters {
	uint64_t backdoor;      /* command-port calls */
	uint64_t bulk;          /* bulk-port calls */
	uint64_t queued;        /* updates appended to the queue */
	uint64_t direct;        /* updates stored directly (outside lazy mode) */
	uint64_t flushes;       /* MMU_FLUSH calls */
	uint64_t refused;       /* updates the host refused */
	uint64_t console_bytes;
	uint64_t alarms;
	uint64_t halts;
};

/*
 * The data area (the ROM's .bss, zeroed by the guest): at offset 0.
 * Grouped by writer: words the assembly reaches first, then what init
 * sets once, the counters, what the host fills, the queue, the bounce
 * buffer for console bytes outside the linear maps.
 */
struct vmw_data {
	uint32_t magic;          /* INIT VMW_DATA_MAGIC_LO once init succeeded */
	uint32_t queue_len;      /* ROM entries in queue[] not yet flushed */
	uint32_t lazy;           /* ROM 1 between LAZY_MMU_ENTER and LEAVE */
	uint32_t cpuid_count;    /* INIT entries in cpuid[] */
	uint64_t cpuid_hits;     /* ROM CPUID answered from the table */
	uint64_t cpuid_misses;   /* ROM CPUID executed (leaf not in the table) */
	uint64_t tsc_hz;         /* INIT from GETHZ */
	uint64_t tsc0;           /* INIT TSC at init: CLOCK_READ's epoch */
	uint64_t ns_mult;        /* INIT ns = (tsc - tsc0) * ns_mult >> 32 */
	uint64_t data_pa;        /* INIT physical address of this area */
	uint32_t timer_vector;   /* INIT */
	uint32_t nr_maps;        /* INIT */
	uint64_t map_virt[2], map_phys[2], map_size[2];  /* INIT linear maps */
	struct vmw_counters n;   /* ROM */
	uint64_t refused_op;     /* ROM the first refused update's op ... */
	uint64_t refused_val;    /* ROM ... and value */
	uint64_t refused_why;    /* ROM ... and VMW_REFUSE_* */
	uint64_t notify_calls;   /* ROM DEVICE_NOTIFY calls (ABI 1.1), one NOTIFY each */
	uint64_t notify_refused; /* ROM ... that the host refused: no device there */
	uint8_t  pad[512 - 232];
	struct vmw_cpuid_entry cpuid[VMW_CPUID_MAX];   /* HOST at init */
	struct vmw_mmu_op queue[VMW_QUEUE_MAX];        /* ROM */
	uint8_t  bounce[VMW_BULK_MAX];                 /* ROM */
};

#define VMW_STATIC_ASSERT(c, m) _Static_assert(c, m)
VMW_STATIC_ASSERT(offsetof(struct vmw_regs, bx) == VMW_R_BX, "regs bx");
VMW_STATIC_ASSERT(offsetof(struct vmw_regs, cx) == VMW_R_CX, "regs cx");
VMW_STATIC_ASSERT(offsetof(struct vmw_regs, dx) == VMW_R_DX, "regs dx");
VMW_STATIC_ASSERT(offsetof(struct vmw_regs, si) == VMW_R_SI, "regs si");
VMW_STATIC_ASSERT(offsetof(struct vmw_regs, di) == VMW_R_DI, "regs di");
VMW_STATIC_ASSERT(offsetof(struct vmw_data, lazy) == VMW_D_LAZY, "lazy");
VMW_STATIC_ASSERT(offsetof(struct vmw_data, cpuid_count) == VMW_D_CPUID_N, "cpuid n");
VMW_STATIC_ASSERT(offsetof(struct vmw_data, cpuid_hits) == VMW_D_CPUID_HITS, "hits");
VMW_STATIC_ASSERT(offsetof(struct vmw_data, cpuid_misses) == VMW_D_CPUID_MISS, "miss");
VMW_STATIC_ASSERT(offsetof(struct vmw_data, queue_len) == VMW_D_QUEUE_LEN, "qlen");
VMW_STATIC_ASSERT(offsetof(struct vmw_data, n.direct) == VMW_D_N_DIRECT, "direct");
VMW_STATIC_ASSERT(offsetof(struct vmw_data, n.halts) == VMW_D_N_HALTS, "halts");
VMW_STATIC_ASSERT(offsetof(struct vmw_data, pad) == 232, "fixed part");
VMW_STATIC_ASSERT(offsetof(struct vmw_data, cpuid) == VMW_D_CPUID, "cpuid");
VMW_STATIC_ASSERT(sizeof(struct vmw_cpuid_entry) == VMW_CPUID_ENT, "cpuid entry");
VMW_STATIC_ASSERT(sizeof(struct vmw_mmu_op) == 16, "mmu op");
#endif /* __ASSEMBLER__ */

#endif /* VMW_ABI_H */
