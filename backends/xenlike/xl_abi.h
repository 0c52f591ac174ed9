/*
 * xl_abi.h: the Xen-like backend's guest/host contract -- hypercall
 * numbers, the shared-info page, the mmu_update and multicall records,
 * and the data-area layout of the xenlike ROM.  Shared by the ROM
 * (backends/xenlike/) and its host side (hv/backend_xenlike.c), and read
 * by the guest's tests.  C99 plus <stdint.h>; every field says who
 * writes it: GUEST (the ROM, in the guest), HOST (hv), or ONCE (hv at
 * setup).  SPEC.md section 19.1 is the prose.
 */
#ifndef XL_ABI_H
#define XL_ABI_H

#ifndef __ASSEMBLER__
#include <stdint.h>
#include <stddef.h>
#endif

#define XL_ABI_VERSION   1u
#define XL_CPUID_BACKEND 1u          /* CPUID 0x40000001 edx under xenlike */

/*
 * Hypercall numbers (hv's backend range 0x00-0xff).  Arguments a0..a4,
 * result in rax.  XL_HC_SETUP is the only one made outside the hypercall
 * page: the ROM issues it on the port CPUID 0x40000001 ecx names.
 */
#define XL_HC_SETUP         0x00 /* a0 hypercall page gpa, a1 shared info gpa,
                                   * a2 the port (dx), a3 XL_ABI_VERSION,
                                   * a4 upcall vector */
#define XL_HC_CONSOLE       0x01 /* a0 gpa, a1 len <= XL_CONSOLE_MAX */
#define XL_HC_MMU_UPDATE    0x02 /* a0 gpa of struct xl_mmu_req[a1], a1 <=
                                   * XL_MMU_MAX; returns the number refused */
#define XL_HC_SET_TIMER     0x03 /* a0 deadline, system time ns; 0 cancels */
#define XL_HC_BLOCK         0x04 /* a0 XL_BLOCK_*: wait for an event */
#define XL_HC_YIELD         0x05 /* give the host CPU away; returns 0 */
#define XL_HC_SHUTDOWN      0x06 /* a0 exit code c: hv exits (c << 1) | 1 */
#define XL_HC_EVTCHN_UPCALL 0x07 /* deliver pending events now */
#define XL_HC_MULTICALL     0x08 /* a0 gpa of struct xl_multicall[a1],
                                   * a1 <= XL_MULTI_MAX */
#define XL_HC_EVTCHN_SEND   0x09 /* ROM ABI 1.1 DEVICE_NOTIFY: a0 the notify
                                   * register's gpa, a1 the 16-bit value;
                                   * 0, or XL_E_NODEV when no device is
                                   * there (the guest goes on) */
#define XL_HC_COUNT         0x0a

/* XL_HC_BLOCK flags. */
#define XL_BLOCK_UNMASK   0    /* SAFE_HALT: hv unmasks, then waits until it
                                * has injected an upcall (Xen's SCHEDOP_block) */
#define XL_BLOCK_POLL     1    /* HALT with the mask set: wake when one is pending */

/* Errors (negative results). */
#define XL_E_INVAL  (-22)
#define XL_E_AGAIN  (-11)
#define XL_E_PERM   (-1)
#define XL_E_NODEV  (-19)

/* The hypercall page: XL_HC_STUB_SIZE bytes per number, hv fills it at
 * setup; calling stub n performs hypercall n (registers as above, the
 * number is the stub's own business). */
#define XL_HC_PAGE_SIZE  4096
#define XL_HC_STUB_SIZE  32
#define XL_HC_FILL       0xCC   /* the page before hv fills it: int3 */

#ifndef __ASSEMBLER__
/* Event channel ports. */
enum xl_port {
	XL_PORT_TIMER   = 0,   /* the one-shot alarm expired */
	XL_PORT_CONSOLE = 1,   /* reserved: console input */
	XL_PORT_DEVICE  = 2,   /* reserved: device notifications, 2..63 */
	XL_NR_PORTS     = 64
};

/* ---- The shared-info page (4 KiB, first page of the data area) ---- */

/* pv clock: ns = system_time + ((tsc - tsc_timestamp) << shift) * mul >> 32
 * (a negative shift shifts right).  Readers retry while version is odd
 * or changed across the read (a seqlock). */
struct xl_time_info {
	uint32_t version;          /* HOST: odd while hv updates */
	uint32_t pad0;
	uint64_t tsc_timestamp;    /* HOST: guest TSC at system_time */
	uint64_t system_time;      /* HOST: ns since setup */
	uint32_t tsc_to_system_mul; /* HOST: 32.32 fixed point */
	int8_t   tsc_shift;        /* HOST */
	uint8_t  pad1[3];
};

struct xl_vcpu_info {
	uint8_t  upcall_pending;   /* HOST sets when an unmasked port turns
	                            * pending; HOST clears when it injects */
	uint8_t  upcall_mask;      /* GUEST: 1 = virtual interrupts off */
	uint8_t  pad0[6];
	struct xl_time_info time;  /* HOST */
};

struct xl_shared_info {
	struct xl_vcpu_info vcpu0;     /* one vCPU */
	uint64_t evtchn_pending;       /* HOST sets bit p; GUEST/HOST clear */
	uint64_t evtchn_mask;          /* GUEST: bit p set = port p masked */
	uint32_t wc_version;           /* HOST: seqlock of the three below */
	uint32_t wc_nsec;              /* HOST: wall clock at system time 0 */
	uint64_t wc_sec;               /* HOST */
	uint64_t tsc_hz;               /* ONCE: guest TSC frequency */
	uint64_t host_magic;           /* ONCE: XL_HOST_MAGIC after setup */
	uint64_t events_raised;        /* HOST: statistics */
	uint64_t upcalls_injected;     /* HOST */
};
#define XL_HOST_MAGIC 0x6b696c6e6578ull   /* "xenlik" */

/* ---- mmu_update and multicall records (in the data area) ---- */

/* ptr: guest-physical address of the entry (8-aligned); its low 3 bits
 * carry the level 1-4 of the entry (1 = PTE) since an entry address is
 * 8-aligned.  val: the new entry. */
struct xl_mmu_req {
	uint64_t ptr;
	uint64_t val;
};
#define XL_MMU_MAX     512u     /* requests per XL_HC_MMU_UPDATE */

struct xl_multicall {
	uint64_t op;               /* GUEST: hypercall number */
	uint64_t args[5];          /* GUEST */
	int64_t  result;           /* HOST */
};
#define XL_MULTI_MAX   8u

/* Bits of an x86-64 entry the host checks. */
#define XL_PTE_P       0x1ull
#define XL_PTE_PS      0x80ull
#define XL_PTE_ADDR    0x000ffffffffff000ull

#endif /* __ASSEMBLER__ */

/* ---- The ROM's data area ---- */

#define XL_CONSOLE_MAX 4096
#define XL_QUEUE_MAX   1024        /* lazy-mode requests queued */
#define XL_NOTIFY_MAX  6           /* kicks queued in a lazy section: with
                                    * the two mmu_updates of a full queue,
                                    * one multicall (XL_MULTI_MAX) */

#ifndef __ASSEMBLER__
/* What the ROM keeps besides the shared page; readable by guest tests. */
struct xl_rom_state {
	uint64_t magic;            /* XL_ROM_MAGIC once init succeeded */
	uint64_t rom_pa, data_pa;  /* from init */
	uint64_t hc_page_pa;       /* the hypercall page */
	uint32_t nr_maps, lazy;    /* lazy: inside LAZY_MMU_ENTER */
	uint64_t map_virt[2], map_phys[2], map_size[2];
	uint64_t queued;           /* requests in the lazy queue */
	/* counters: how many times each path ran */
	uint64_t mmu_hypercalls;   /* XL_HC_MMU_UPDATE and MULTICALL sent */
	uint64_t mmu_updates;      /* entries sent */
	uint64_t mmu_refused;      /* entries the host refused */
	uint64_t mmu_unmapped;     /* entry pointers outside every map */
	uint64_t console_calls;
	uint64_t upcall_calls;     /* EVTCHN_UPCALL hypercalls from enable */
	uint64_t block_calls;
	/* DEVICE_NOTIFY (ABI 1.1): kicks inside a lazy section wait in
	 * notify_q and leave with the batch that ends it (xl_lazy_apply). */
	uint64_t notify_queued;    /* kicks waiting in notify_q */
	uint64_t notify_calls;     /* DEVICE_NOTIFY calls */
	uint64_t notify_sent;      /* kicks that reached hv (alone or batched) */
	uint64_t notify_batches;   /* batches (multicalls) that carried kicks */
	uint64_t notify_refused;   /* kicks hv answered with an error */
	struct { uint64_t pa, value; } notify_q[XL_NOTIFY_MAX];
	/* ABI 1.2 inline answers (xl_entry.S): the port an inlined enable
	 * writes one byte to when it finds an event pending.  Any exit does:
	 * hv injects a pending upcall before every KVM_RUN once the flag is
	 * clear (xl_poll); hv ignores the io-delay port.  Set by init. */
	uint8_t kick_port;
};
#define XL_ROM_MAGIC 0x4b4c4e4558ull   /* "XENLK" */

struct xl_data {
	struct xl_shared_info shared;        /* page 0: registered with hv */
	uint8_t pad0[4096 - sizeof(struct xl_shared_info)];
	struct xl_rom_state st;              /* page 1 */
	uint8_t pad1[4096 - sizeof(struct xl_rom_state)];
	uint8_t console[XL_CONSOLE_MAX];     /* page 2: bounce buffer */
	struct xl_mmu_req queue[XL_QUEUE_MAX]; /* pages 3-6: lazy queue */
	struct xl_multicall multi[XL_MULTI_MAX]; /* page 7 */
};

#endif /* __ASSEMBLER__ */

#define XL_OFF_SHARED  0x0000
#define XL_OFF_STATE   0x1000
#define XL_OFF_CONSOLE 0x2000
#define XL_OFF_QUEUE   0x3000
#define XL_OFF_MULTI   0x7000

/* Offsets the assembly entries use (xl_entry.S). */
#define XL_OFF_UPCALL_PENDING 0
#define XL_OFF_UPCALL_MASK    1
#define XL_OFF_ST_UPCALLS     (XL_OFF_STATE + 136)
#define XL_OFF_ST_BLOCKS      (XL_OFF_STATE + 144)
#define XL_OFF_ST_KICK_PORT   (XL_OFF_STATE + 288)
#define XL_KICK_PORT          0x80   /* hv's io-delay port: ignored */

#if !defined(__ASSEMBLER__) && defined(__STDC_VERSION__) && \
    __STDC_VERSION__ >= 201112L
_Static_assert(sizeof(struct xl_time_info) == 32, "time info");
_Static_assert(offsetof(struct xl_shared_info, vcpu0.upcall_pending) ==
	       XL_OFF_UPCALL_PENDING, "pending offset");
_Static_assert(offsetof(struct xl_shared_info, vcpu0.upcall_mask) ==
	       XL_OFF_UPCALL_MASK, "mask offset");
_Static_assert(sizeof(struct xl_shared_info) <= 4096, "shared info page");
_Static_assert(sizeof(struct xl_rom_state) <= 4096, "rom state page");
_Static_assert(offsetof(struct xl_data, st) == XL_OFF_STATE, "state");
_Static_assert(XL_OFF_STATE + offsetof(struct xl_rom_state, upcall_calls) ==
	       XL_OFF_ST_UPCALLS, "upcall counter offset");
_Static_assert(XL_OFF_STATE + offsetof(struct xl_rom_state, block_calls) ==
	       XL_OFF_ST_BLOCKS, "block counter offset");
_Static_assert(XL_OFF_STATE + offsetof(struct xl_rom_state, kick_port) ==
	       XL_OFF_ST_KICK_PORT, "kick port offset");
_Static_assert(offsetof(struct xl_data, console) == XL_OFF_CONSOLE, "console");
_Static_assert(offsetof(struct xl_data, queue) == XL_OFF_QUEUE, "queue");
_Static_assert(offsetof(struct xl_data, multi) == XL_OFF_MULTI, "multi");
_Static_assert(sizeof(struct xl_mmu_req) == 16 && sizeof(struct xl_multicall) == 56,
	       "records");
#endif

#endif /* XL_ABI_H */
