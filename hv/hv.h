/* hv.h: the reference hypervisor's shared state and the entry points of
 * each of its parts (one file per object: vm, vcpu, cpuid, uart, hcall,
 * stats, timer, rom).  One VM with one vCPU per process. */
#ifndef HV_H
#define HV_H

#include <stdint.h>
#include <stddef.h>
#include <linux/kvm.h>

#include "gmem.h"

#define HV_VERSION "0.1"

/* hv's own exit statuses are even, so they never collide with a guest's
 * (c << 1) | 1 status from the exit port.  See hv/hv.md. */
enum hv_status {
	HV_EXIT_USAGE    = 2,   /* bad command line or configuration */
	HV_EXIT_IMAGE    = 4,   /* the kernel, a module or the ROM refused */
	HV_EXIT_CRASH    = 6,   /* triple fault, failed entry, KVM internal error */
	HV_EXIT_TIMEOUT  = 8,   /* --timeout wall-clock limit reached */
	HV_EXIT_GUEST    = 10,  /* guest misbehaviour: bad hypercall etc. */
	HV_EXIT_INTERNAL = 12,  /* hv itself failed: KVM ioctl, memory */
	HV_EXIT_NO_KVM   = 14,  /* --accel kvm and no usable /dev/kvm */
	HV_EXIT_NESTED   = 16,  /* the nested-KVM VM could not run the guest */
};

/* Fixed I/O ports of hv itself (hypercall ports of backends come later). */
#define HV_PORT_STATS    0x00f0  /* write: select a counter; read: its value */
#define HV_PORT_EXIT     0x00f4  /* isa-debug-exit: status (c << 1) | 1 */
#define HV_PORT_HCALL    0x00f8  /* 32-bit out: hypercall, number in eax */
#define HV_PORT_DELAY    0x0080  /* POST / io delay: ignored */
#define HV_PORT_COM1     0x03f8

#define HV_MAX_MODULES   16
#define HV_MAX_DISKS     8

struct hv_module_opt {
	const char *file;
	const char *string;
};

struct hv_disk_opt {
	const char *file;
	int ro;                     /* ",ro": VIRTIO_BLK_F_RO, opened read-only */
};

struct hv_opts {
	uint64_t mem;               /* -m: bytes of guest RAM */
	const char *kernel;
	const char *rom;            /* --rom FILE or NULL */
	const char *backend;        /* "none" */
	char *cmdline;              /* words after "--", joined by spaces */
	struct hv_module_opt mod[HV_MAX_MODULES];
	unsigned nmod;
	double timeout;             /* seconds, 0 = none */
	int stats, trace;
	int no_mmap;                 /* --no-mmap: mem_lower/upper only */
	const char *accel;          /* --accel: "auto", "kvm" or "nested" */
	/* Issue 12: virtio devices on PCI (hv/devices/). */
	struct hv_disk_opt disk[HV_MAX_DISKS];  /* --disk FILE[,ro] */
	unsigned ndisk;
	int virtio_console;         /* --virtio-console */
	int64_t balloon_mib;        /* --balloon MIB, -1 = no balloon device */
	const char *balloon_control;    /* --balloon-control FILE */
	/* Issue 14: snapshots, live migration, the control socket. */
	const char *restore;        /* --restore FILE */
	int restore_read;           /* --restore-read: read its memory, not map */
	const char *incoming;       /* --incoming PATH: receive a migration */
	const char *control;        /* --control PATH: the QMP-style socket */
	int backend_given;          /* --backend was on the command line */
};

#define HV_NREASON 64
#define HV_HCALL_MAX 0x200       /* hypercall numbers 0 .. 0x1ff */

struct hv_stats {
	uint64_t total;                     /* every exit from KVM_RUN */
	uint64_t reason[HV_NREASON];        /* by KVM_EXIT_* */
	uint64_t *port;                     /* 65536 counters, by I/O port */
	uint64_t hcall[HV_HCALL_MAX];       /* by hypercall number */
	uint64_t hcall_bad;                 /* unknown numbers */
	uint64_t mmio_read, mmio_write, rom_write;
	uint64_t notify, notify_refused;    /* DEVICE_NOTIFY via a ROM (notify.c) */
	uint32_t select;                    /* counter chosen through 0xf0 */
	uint64_t balloon_pages;             /* pages in the virtio balloon */
};

struct hv {
	struct hv_opts opt;
	char **args;                /* the command line as given, for --accel nested */
	int kvm, vm, vcpu;
	struct kvm_run *run;
	size_t run_size;
	int sync_regs;              /* registers mirrored in the run page */
	struct gmem gm;             /* guest RAM, 0 .. size-1 */
	uint8_t *hole;              /* backing of the read-only 0xA0000-0xFFFFF */
	uint32_t entry, info_gpa;
	int ended, status;
	unsigned long int3_emulated;	/* int3s KVM could not emulate (vcpu_int3) */
	int dump;                   /* register dump after the reason */
	char reason[256];
	struct hv_stats stats;
	/* The backend's hook, run with the vCPU stopped before every
	 * KVM_RUN (interrupt injection that depends on guest state). */
	void (*backend_poll)(struct hv *hv);
	/* The backend may hold a device's interrupt line back until the
	 * guest can take it (xenlike: its virtual interrupt flag); returns 1
	 * when it did and will raise the line itself later. */
	int (*irq_gate)(struct hv *hv, int line, int level);
	/* Issue 14: snapshots and migration (snapshot.c, migrate.c). */
	uint32_t rom_len;           /* bytes of the ROM at 0xC0000 (0: none) */
	const char *restore_from;   /* restored from another backend or ROM */
	int restore_read;           /* the restore read memory, not mapped */
	uint64_t snap_pages, snap_bytes;    /* the last snapshot written */
	double snap_ms;
	int paused;                 /* the control socket's "stop" */
};

/* Stop the guest: first call wins; status is one of enum hv_status or a
 * guest exit status, reason a one-line explanation ("" for none). */
void hv_end(struct hv *hv, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* accel.c: opens /dev/kvm into hv->kvm (returns 0), or runs this
 * command line inside the nested VM (returns only on failure: a status) */
int accel__choose(struct hv *hv, int argc, char **argv);
/* vm.c */
int vm__alloc(struct hv *hv);
int vm__init(struct hv *hv);
/* vcpu.c */
int vcpu__init(struct hv *hv);
int vcpu__run(struct hv *hv);
void vcpu__dump(struct hv *hv);
int vcpu__get_regs(struct hv *hv, struct kvm_regs *r);
int vcpu__set_regs(struct hv *hv, const struct kvm_regs *r);
/* cpuid.c */
int cpuid__init(struct hv *hv);
/* uart.c */
void uart__init(struct hv *hv);
void uart__flush(void);
/* devices.c */
void devices__init(struct hv *hv);
void rtc__init(struct hv *hv);			/* CMOS clock, ports 0x70-0x71 */
/* stats.c */
int stats__init(struct hv *hv);
void stats__exit(struct hv *hv, unsigned reason);
void stats__print(struct hv *hv);
uint64_t stats__read(struct hv *hv, uint32_t selector);
const char *stats__reason_name(unsigned reason);
uint64_t stats__guest_resident(struct hv *hv);	/* guest RAM pages resident (mincore) */
uint64_t stats__rss_pages(void);			/* hv's resident set, 4 KiB pages */
/* timer.c */
int timer__start(struct hv *hv);
int timer__expired(void);
void timer__set_run(struct kvm_run *run);	/* issue 14: vCPU replaced */
/* rom.c */
int rom__check(const uint8_t *buf, size_t len, char *msg, size_t msglen);
int rom__load(struct hv *hv, const char *file);
/* Issue 14: the device state a snapshot carries (uart.c, rtc.c). */
struct snap_uart;
struct snap_rtc;
void uart__save(struct snap_uart *s);
void uart__load(const struct snap_uart *s);
void rtc__save(struct snap_rtc *s);
void rtc__load(const struct snap_rtc *s);
/* loader.c */
int loader__boot_image(struct hv *hv);
void *hv_read_file(const char *file, size_t max, size_t *len, char *msg,
		   size_t msglen);

#endif
