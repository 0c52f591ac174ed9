/* bus.h: hv's one device bus, after kvmtool's ioport.c and mmio.c.
 *
 * Port and MMIO regions are registered here and every guest access that
 * exits to hv is dispatched from here (vcpu.c): KVM_EXIT_IO to
 * bus__pio(), one element of a rep string access at a time, and
 * KVM_EXIT_MMIO to bus__mmio().  An access nobody claims returns -1 and
 * the caller answers it as an empty bus (reads all ones, writes vanish).
 * hv_port_register() (hcall.h) is a wrapper over bus__register_pio().
 *
 * Devices (hv/devices/) each register one struct hv_device: the hooks
 * hv calls on all of them (reset, the run loop's poll, --stats, and the
 * save/restore a snapshot will need; any may be NULL). */
#ifndef HV_BUS_H
#define HV_BUS_H

#include <stdbool.h>
#include <stdint.h>

struct hv;

/* One element of a port access. */
struct hv_io {
	uint16_t port;
	uint8_t size;       /* 1, 2 or 4 */
	uint8_t out;        /* 1: guest writes val; 0: handler sets val */
	uint32_t val;
};

typedef void (*bus_pio_fn)(struct hv *hv, struct hv_io *io, void *opaque);
/* gpa: the guest-physical address of the access (absolute, not an
 * offset); data: len bytes (1, 2, 4 or 8), read from on a write and
 * filled on a read. */
typedef void (*bus_mmio_fn)(struct hv *hv, uint64_t gpa, void *data,
			    unsigned len, bool write, void *opaque);

/* Claim ports base..base+count-1, or gpa..gpa+len-1.  An overlap with
 * an earlier claim, an empty or wrapping range or a full table is a bug
 * in hv, refused with -1 so it shows at start-up. */
int bus__register_pio(uint16_t base, uint16_t count, const char *name,
		      bus_pio_fn fn, void *opaque);
int bus__register_mmio(uint64_t gpa, uint64_t len, const char *name,
		       bus_mmio_fn fn, void *opaque);

/* Dispatch: 0 handled, -1 unclaimed (nothing was done). */
int bus__pio(struct hv *hv, struct hv_io *io);
int bus__mmio(struct hv *hv, uint64_t gpa, void *data, unsigned len, bool write);

/* Names for --trace and --stats: the claiming region's, or "unclaimed". */
const char *bus__pio_name(uint16_t port);
const char *bus__mmio_name(uint64_t gpa);

/* Forget every region and device (unit tests). */
void bus__reset_registry(void);

struct hv_device {
	const char *name;                       /* "virtio-blk@00:01.0" */
	void *opaque;                           /* the device's own state */
	void (*reset)(struct hv *hv, void *opaque);
	/* Called by the run loop before every KVM_RUN, vCPU stopped: work
	 * another thread asked for (a new balloon target). */
	void (*poll)(struct hv *hv, void *opaque);
	void (*stats)(struct hv *hv, void *opaque);     /* --stats lines */
	int (*save)(struct hv *hv, void *opaque, int fd);
	int (*restore)(struct hv *hv, void *opaque, int fd);
};

int dev__register(const struct hv_device *d);   /* -1 when the table is full */
void dev__reset_all(struct hv *hv);
void dev__poll_all(struct hv *hv);
void dev__stats_all(struct hv *hv);
unsigned dev__count(void);      /* devices registered (snapshots, issue 14) */

/* Raise (level 1) or lower (0) an interrupt line of the in-kernel 8259
 * pair / IOAPIC with KVM_IRQ_LINE (irq.c); a failure ends the guest. */
void hv_irq_line(struct hv *hv, int line, int level);

#endif
