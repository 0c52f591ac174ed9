/* snapshot.h: hv's snapshot file, its pure parser, and save/restore.
 *
 * A snapshot is one file, self-describing and versioned (hv/hv.md,
 * "Snapshots"):
 *
 *   0        header (struct snap_header): magic, version, sizes, offsets
 *   4096     sections: each a struct snap_sect (name, version, length)
 *            followed by its payload, padded to 8 bytes
 *   data_off guest memory, page-aligned: the pages "mem.extents" names,
 *            zero pages left out; restore maps this part of the file
 *
 * Every section's payload has one fixed layout (below or a KVM ABI
 * struct) and an exact size; snap_parse() checks the whole file (sizes
 * add up, offsets in the file, extents inside RAM, every device payload
 * decoded and range-checked) before hv touches KVM, so a bad file is
 * refused with its reason and nothing half-restored.  The parser is a
 * pure function over a buffer: unit-tested and fuzzed (tests/fuzz/). */
#ifndef HV_SNAPSHOT_H
#define HV_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>
#include <linux/kvm.h>

#define SNAP_MAGIC        "HVSNAP\r\n"
#define SNAP_VERSION      1
#define SNAP_PAGE         4096ull
#define SNAP_SECT_OFF     SNAP_PAGE       /* sections start at page 1 */
#define SNAP_MAX_SECTS    64
#define SNAP_MAX_SECT_LEN (1u << 20)      /* no section is near 1 MiB */
#define SNAP_NAME_LEN     24
#define SNAP_MAX_MSRS     32
#define SNAP_MAX_ROM      0x20000u        /* GMEM_ROM_MAX */
#define SNAP_MAX_DEVS     16
#define SNAP_VMW_PERIOD_MIN 1000000ull   /* VMW_PERIOD_MIN_NS (vmw_abi.h) */

struct snap_header {
	char magic[8];          /* SNAP_MAGIC */
	uint32_t version;       /* SNAP_VERSION */
	uint32_t header_size;   /* sizeof(struct snap_header) */
	uint64_t file_size;     /* the whole file, bytes */
	uint64_t mem_size;      /* guest RAM, bytes (hv -m) */
	uint64_t sect_off;      /* SNAP_SECT_OFF */
	uint64_t sect_len;      /* bytes of all sections with their headers */
	uint64_t data_off;      /* page-aligned start of guest memory */
	uint64_t data_len;      /* bytes of guest memory saved: pages * 4096 */
	uint32_t nsect;         /* sections in [sect_off, sect_off+sect_len) */
	uint32_t page_size;     /* 4096 */
	uint64_t created_ns;    /* CLOCK_REALTIME at save, for humans */
};

struct snap_sect {
	char name[SNAP_NAME_LEN];   /* NUL-padded: "cpu.regs", "dev.com1" */
	uint32_t version;           /* the payload's layout, 1 */
	uint32_t reserved;          /* 0 */
	uint64_t len;               /* payload bytes (padding not counted) */
};

/* "hv.config": how the guest was run. */
struct snap_config {
	char backend[16];       /* "none", "xenlike", "vmwarelike" */
	uint64_t mem_size;      /* equals the header's */
	uint32_t rom_len;       /* bytes of "hv.rom" (0: no ROM) */
	uint32_t ndev;          /* "dev.*" sections */
	uint32_t sync_regs;     /* informational */
	uint32_t reserved[3];   /* 0 */
};

/* "mem.extents": an array of these, ascending, disjoint. */
struct snap_extent {
	uint64_t gpa;           /* page-aligned guest-physical start */
	uint64_t pages;         /* >= 1 */
	uint64_t off;           /* from data_off, page-aligned */
};

/* "cpu.msrs": n entries of struct kvm_msr_entry follow. */
struct snap_msrs {
	uint32_t n;             /* <= SNAP_MAX_MSRS */
	uint32_t reserved;
	struct kvm_msr_entry e[SNAP_MAX_MSRS];
};

/* "dev.com1" (uart.c). */
struct snap_uart {
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr, rx_eof;
	int32_t rx;             /* -1 or 0..255 */
	uint32_t reserved;      /* 0 */
};

/* "dev.rtc" (rtc.c). */
struct snap_rtc {
	uint8_t index;          /* 0..0x7f */
	uint8_t reserved[7];
};

/* "backend.xenlike" (backend_xenlike.c): the host side, in guest time. */
struct snap_xl {
	uint32_t ready;         /* setup done: 0 or 1 */
	uint32_t held_lines;    /* device lines held back (bit n: line n) */
	uint64_t sh_gpa;        /* shared info page, page-aligned in RAM */
	uint64_t now_sys;       /* guest system time (ns) at save */
	uint64_t timer_sys;     /* armed deadline in system time, 0 none */
	uint64_t lines_raised;
	uint64_t reserved;      /* 0 */
};

/* "backend.vmwarelike": the alarm, relative to the moment of save. */
struct snap_vmw {
	uint32_t armed;         /* 0 or 1 */
	uint32_t reserved;      /* 0 */
	uint64_t delay_ns;      /* from save to the deadline (0: overdue) */
	uint64_t period_ns;     /* 0 one-shot, else >= VMW_PERIOD_MIN_NS */
};

/* "dev.pci.NN" (NN: the PCI slot, hex): one virtio-pci device
 * (devices/virtio_pci.c), self-describing: this fixed part, then
 * tail_len bytes of the device's own state (snap_vblk, snap_vcon or
 * snap_vbal, the balloon's followed by its page bitmap). */
#define SNAP_VDEV_LAYOUT 1
#define SNAP_VDEV_QUEUES 4              /* VDEV_MAX_QUEUES */
#define SNAP_VDEV_CFG    64             /* VDEV_CFG_MAX */
#define SNAP_VQ_MAX      256            /* VIRTQ_MAX_SIZE */
struct snap_vqueue {
	uint16_t size;          /* a power of two, 1 .. SNAP_VQ_MAX */
	uint16_t enabled;       /* 0 or 1 */
	uint16_t last_avail;    /* next avail entry hv takes */
	uint16_t used_idx;      /* next used index hv publishes */
	uint16_t signalled;     /* used_idx at the last interrupt */
	uint16_t reserved[3];   /* 0 */
	uint64_t desc, driver, device;  /* guest-physical, as programmed */
};
struct snap_vdev {
	char kind[16];          /* "virtio-blk", "virtio-console", "virtio-balloon" */
	uint32_t layout;        /* SNAP_VDEV_LAYOUT */
	uint32_t tail_len;      /* bytes after this struct */
	/* PCI: hv's placement, and what the guest programmed. */
	uint8_t slot, irq, irq_level, intx_line;  /* line: config 0x3c */
	uint16_t command;       /* config 0x04 */
	uint16_t reserved0;     /* 0 */
	uint32_t bar0;          /* config 0x10, as the guest left it */
	uint32_t bar_addr;      /* where hv placed BAR0 */
	/* virtio-pci common configuration. */
	uint64_t features, driver_features;
	uint32_t dfsel, gfsel;
	uint8_t status, isr, cfg_gen, nqueues;
	uint16_t qsel;
	uint16_t cfg_len;       /* bytes of cfg in use */
	uint8_t cfg[SNAP_VDEV_CFG];     /* device-specific config, as read */
	struct snap_vqueue q[SNAP_VDEV_QUEUES];
};
/* virtio-blk's tail: the restoring hv's --disk must match. */
struct snap_vblk {
	uint64_t sectors;       /* capacity in 512-byte sectors */
	uint32_t ro;            /* 0 or 1 */
	uint32_t reserved;      /* 0 */
	char path[256];         /* the --disk it ran with, for the message */
};
/* virtio-console's tail: nothing is buffered in hv (no input; output
 * is written as the chain is served). */
struct snap_vcon {
	uint64_t bytes_out;
};
/* virtio-balloon's tail, then (ram_pages + 8) / 8 bytes of bitmap:
 * bit n set = page n is in the balloon (discarded by hv). */
struct snap_vbal {
	uint32_t target;        /* pages, <= ram_pages */
	uint32_t reserved;      /* 0 */
	uint64_t ram_pages;     /* the header's memory size / 4096 */
	uint64_t pages;         /* bits set in the bitmap */
	uint64_t inflates, deflates, bad_pfns;
};

/* What snap_parse() found: pointers into the caller's buffer (which
 * must stay mapped) and the decoded small sections. */
struct snap_view {
	const struct snap_header *h;            /* &hdr */
	struct snap_header hdr;
	uint64_t rom_len_seen;
	int has_ext;
	struct snap_config cfg;
	const uint8_t *rom;                     /* cfg.rom_len bytes or NULL */
	const struct snap_extent *ext;          /* n_ext (unaligned-safe: copied) */
	uint64_t n_ext, pages;
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	uint32_t xsave[1024];                   /* struct kvm_xsave, 4 KiB */
	int has_xsave, has_fpu, has_xcrs;
	struct kvm_fpu fpu;
	struct kvm_xcrs xcrs;
	struct snap_msrs msrs;
	struct kvm_vcpu_events events;
	struct kvm_lapic_state lapic;
	struct kvm_mp_state mp;
	struct kvm_debugregs dregs;
	struct kvm_irqchip chip[3];             /* PIC master, slave, IOAPIC */
	struct kvm_pit_state2 pit;
	struct kvm_clock_data clock;
	struct snap_uart uart;
	struct snap_rtc rtc;
	int has_xl, has_vmw;
	struct snap_xl xl;
	struct snap_vmw vmw;
	/* "dev.<name>" sections of other devices (virtio), in file order. */
	unsigned ndev;
	struct { char name[SNAP_NAME_LEN]; const uint8_t *p; uint64_t len; } dev[SNAP_MAX_DEVS];
	/* Each dev[i] decoded and checked: fixed part copied, tail at p. */
	struct snap_vdev vdev[SNAP_MAX_DEVS];
	const uint8_t *vtail[SNAP_MAX_DEVS];
};

/* Check and decode a whole snapshot of len bytes (the file's size):
 * 0, or -1 with the reason in err ("truncated: ...", "bad magic", ...).
 * max_mem is the largest guest RAM this hv accepts. */
int snap_parse(const uint8_t *buf, size_t len, uint64_t max_mem,
	       struct snap_view *v, char *err, size_t errlen);
/* The extent i, copied out (the array may be unaligned in a fuzz buffer). */
struct snap_extent snap_extent_at(const struct snap_view *v, uint64_t i);

/* Writer: sections into a growing buffer. */
struct snap_buf {
	uint8_t *p;
	size_t len, cap;
	uint32_t nsect;
	int failed;             /* out of memory: the save fails */
};
void snap_put(struct snap_buf *b, const char *name, const void *payload, size_t len);
void snap_buf_free(struct snap_buf *b);

struct hv;
/* snapshot.c: the vCPU stopped (called from the run loop).  Writes the
 * guest to file (through file.tmp, renamed): 0, or -1 with err. */
int snapshot__save(struct hv *hv, const char *file, char *err, size_t errlen);
/* Everything that goes before the memory: sections into b (also used
 * by live migration's last round). */
int snapshot__state(struct hv *hv, struct snap_buf *b, char *err, size_t errlen);
/* Restore, in two steps around KVM's creation (main.c):
 * open: map and check the file, set -m, backend and ROM from it
 * (before any KVM; a status for a refused file, 0 ok); load: after
 * the VM, vCPU and devices exist: memory, registers, devices. */
int snapshot__open(struct hv *hv, const char *file);
int snapshot__load_memory(struct hv *hv);
int snapshot__load_state(struct hv *hv, const struct snap_view *v);
/* The same, quiet: the reason in err (a migration sends it back). */
int snapshot__load_state_why(struct hv *hv, const struct snap_view *v, char *err,
			     size_t errlen);
/* The parsed file of --restore (NULL otherwise). */
const struct snap_view *snapshot__view(void);
/* Take -m, backend and ROM check from a parsed snapshot (also used by
 * an incoming migration): 0 or an exit status. */
int snapshot__configure(struct hv *hv, const struct snap_view *v);
int snapshot__load_rom(struct hv *hv, const struct snap_view *v);
/* Init the backend whose host state the snapshot holds. */
int snapshot__backend_init(struct hv *hv);
/* "hv: restore FILE: N pages mapped, T ms from start to running". */
void snapshot__report(struct hv *hv);

#endif
