/* virtio_pci.h: the virtio 1.x PCI transport (modern only, INTx, no
 * MSI-X), shared by hv's virtio devices (virtio_blk.c,
 * virtio_console.c, virtio_balloon.c).
 *
 * Each device is a PCI function 1AF4:(1040 + id), revision 1, with one
 * 16 KiB memory BAR0 laid out as its capabilities say:
 *
 *   0x0000  common configuration (virtio 1.1, 4.1.4.3), 0x38 bytes
 *   0x1000  ISR status: bit 0 used buffers, bit 1 config change; a read
 *           returns and clears it and lowers the INTx line
 *   0x2000  device-specific configuration
 *   0x3000  notify: queue q at 0x3000 + 4 * q (notify_off_multiplier 4,
 *           queue_notify_off = q); any write there kicks queue q
 *
 * Offered to every driver: VIRTIO_F_VERSION_1 (required: a driver that
 * does not accept it fails FEATURES_OK), VIRTIO_RING_F_INDIRECT_DESC,
 * VIRTIO_RING_F_EVENT_IDX, plus the device's own bits.  Queue sizes are
 * powers of two up to VIRTQ_MAX_SIZE; a write of any other size is
 * ignored (the driver reads back the size in force).  Every access of
 * any width at any offset is answered; bytes outside a field read 0. */
#ifndef HV_VIRTIO_PCI_H
#define HV_VIRTIO_PCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pci.h"
#include "../virtq.h"

#define VIRTIO_ID_BLOCK    2
#define VIRTIO_ID_CONSOLE  3
#define VIRTIO_ID_BALLOON  5

#define VIRTIO_F_VERSION_1          32
#define VIRTIO_RING_F_INDIRECT_DESC 28
#define VIRTIO_RING_F_EVENT_IDX     29

#define VIRTIO_STATUS_ACKNOWLEDGE   1
#define VIRTIO_STATUS_DRIVER        2
#define VIRTIO_STATUS_DRIVER_OK     4
#define VIRTIO_STATUS_FEATURES_OK   8
#define VIRTIO_STATUS_NEEDS_RESET   0x40
#define VIRTIO_STATUS_FAILED        0x80

#define VIRTIO_ISR_QUEUE   1
#define VIRTIO_ISR_CONFIG  2

#define VDEV_BAR_SIZE      0x4000
#define VDEV_COMMON        0x0000
#define VDEV_COMMON_LEN    0x38
#define VDEV_ISR           0x1000
#define VDEV_DEVCFG        0x2000
#define VDEV_NOTIFY        0x3000
#define VDEV_NOTIFY_MULT   4
#define VDEV_MAX_QUEUES    4
#define VDEV_CFG_MAX       64

struct vdev;

/* Issue 14, live migration: what a destination must match before it
 * takes a guest's pages, the fixed part of each dev.pci section: the
 * device's kind and place, the features it offers, and a disk's size.
 * The source sends one per device with its HELLO (hv/migrate.c). */
struct vdev_ident {
	char kind[16];          /* NUL-terminated */
	uint8_t slot, irq;
	uint16_t reserved;      /* 0 */
	uint32_t bar_addr;
	uint64_t features;      /* offered */
	uint64_t sectors;       /* virtio-blk: capacity, else 0 */
	uint32_t ro;            /* virtio-blk: read-only, else 0 */
	uint32_t reserved2;     /* 0 */
};

struct vdev_ops {
	const char *kind;               /* "virtio-blk": names the device */
	uint16_t id;                    /* VIRTIO_ID_* */
	uint32_t pci_class;             /* class code, 24 bits */
	unsigned nqueues;               /* 1 .. VDEV_MAX_QUEUES */
	/* Queue q was kicked (and the device is live): take its buffers. */
	void (*notify)(struct hv *hv, struct vdev *v, unsigned q);
	/* The guest wrote [off, off+len) of the device config (already in
	 * v->cfg, masked by v->cfg_wmask); may be NULL. */
	void (*cfg_write)(struct hv *hv, struct vdev *v, unsigned off, unsigned len);
	void (*reset)(struct hv *hv, struct vdev *v);     /* may be NULL */
	void (*poll)(struct hv *hv, struct vdev *v);      /* may be NULL */
	void (*stats)(struct hv *hv, struct vdev *v);     /* may be NULL */
	/* Snapshots (issue 14), vCPU stopped: the device's own state
	 * after the transport's (struct snap_vblk, ...): its bytes, the
	 * bytes themselves, and back (checked by snap_parse already;
	 * load refuses what does not fit this hv: 0, or -1 with err). */
	size_t (*state_len)(struct hv *hv, struct vdev *v);
	void (*save)(struct hv *hv, struct vdev *v, uint8_t *tail);
	int (*load)(struct hv *hv, struct vdev *v, const uint8_t *tail,
		    char *err, size_t errlen);
	/* Live migration: the device's part of its identity (a disk's
	 * size and ro-ness); may be NULL. */
	void (*ident)(const struct vdev *v, struct vdev_ident *id);
};

struct vdev_queue {
	struct virtq vq;
	uint16_t size;                  /* as the driver set it (max at reset) */
	uint16_t enabled;
	uint64_t desc, driver, device;
};

struct vdev {
	struct pci_dev pci;
	const struct vdev_ops *ops;
	void *priv;                     /* the device model's state */
	uint64_t features;              /* offered (device bits + transport's) */
	uint64_t driver_features;
	uint32_t dfsel, gfsel;
	uint8_t status, isr, cfg_gen;
	uint16_t qsel;
	struct vdev_queue q[VDEV_MAX_QUEUES];
	uint8_t cfg[VDEV_CFG_MAX];      /* device-specific config, as read */
	uint8_t cfg_wmask[VDEV_CFG_MAX];/* the bits the driver may write */
	unsigned cfg_len;
	/* --stats */
	uint64_t notifies, notifies_idle, interrupts, isr_reads, chains;
};

/* Make v a PCI function on hv's bus (slot, BAR, line) with ops, the
 * device's feature bits and cfg_len bytes of config (the caller fills
 * v->cfg and v->cfg_wmask first); registers its MMIO and its hooks.
 * 0, or -1 with the reason on stderr. */
int vdev__add(struct hv *hv, struct vdev *v, const struct vdev_ops *ops,
	      uint64_t features, unsigned cfg_len);

/* Signature of a request handler for vdev__process: serve chain c from
 * queue q and return the bytes it wrote into the chain's buffers. */
typedef uint32_t (*vdev_req_fn)(struct hv *hv, struct vdev *v, unsigned q,
				struct virtq_chain *c);
/* Serve every available chain of queue q, then interrupt if the driver
 * wants it.  A broken ring ends the guest (status 10) with the reason. */
void vdev__process(struct hv *hv, struct vdev *v, unsigned q, vdev_req_fn fn);
/* The device config changed: config_generation moves on, and a live
 * driver gets ISR bit 1 and an interrupt. */
void vdev__config_changed(struct hv *hv, struct vdev *v);
bool vdev__has(const struct vdev *v, unsigned bit);   /* negotiated */

/* Issue 14: every virtio device's state as "dev.pci.NN" sections, in
 * slot order; and back, onto this hv's devices (which the restoring
 * command line made: the same kinds in the same order, or refused
 * with the reason).  vdev__count: devices on the bus. */
struct snap_buf;
struct snap_view;
unsigned vdev__count(void);
int vdev__save_all(struct hv *hv, struct snap_buf *b);
int vdev__load_all(struct hv *hv, const struct snap_view *sv, char *err, size_t errlen);
/* This hv's devices as idents (at most max; returns how many), and
 * whether n idents from a source match them: 0, or -1 with the reason
 * vdev__load_all would give once the guest's pages had been sent. */
unsigned vdev__ident(struct vdev_ident *out, unsigned max);
int vdev__match(const struct vdev_ident *id, unsigned n, char *err, size_t errlen);

/* For unit tests and the fuzzer: the MMIO handler of BAR0. */
void vdev__mmio(struct hv *hv, uint64_t gpa, void *data, unsigned len,
		bool write, void *opaque);

#endif
