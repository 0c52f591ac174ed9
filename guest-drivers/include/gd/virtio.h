/*
 * virtio.h: the virtio core's interface to drivers (virtio 1.1, split
 * virtqueues, the PCI modern transport).  Linux-like, so each driver is
 * short.  Names and meanings are a contract with other drivers' authors
 * (issue 12, section 3): add, never rename.
 */
#ifndef GD_VIRTIO_H
#define GD_VIRTIO_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#define VIRTIO_ID_BLOCK		2
#define VIRTIO_ID_CONSOLE	3
#define VIRTIO_ID_BALLOON	5

/* Transport and ring feature bits. */
#define VIRTIO_RING_F_INDIRECT_DESC	28
#define VIRTIO_RING_F_EVENT_IDX		29
#define VIRTIO_F_VERSION_1		32

struct virtio_dev;
struct virtq;

struct virtio_driver {
	const char *name;
	uint16_t device_id;			/* VIRTIO_ID_* */
	uint64_t features;			/* device-specific bits the driver supports */
	int  (*probe)(struct virtio_dev *vd);	/* 0 or negative error */
	void (*config_changed)(struct virtio_dev *vd);	/* may be NULL; called from the interrupt */
};

int  virtio_register_driver(const struct virtio_driver *drv);	/* before virtio_probe_all() */
void virtio_probe_all(void);		/* the kernel calls it once after PCI enumeration */

struct virtio_stats {
	uint64_t kicks;				/* virtq_kick calls that published something */
	uint64_t notifies;			/* notifies actually sent to the device */
	uint64_t interrupts;			/* interrupts this device claimed */
	uint64_t config_changes;
};

#define VIRTIO_MAX_VQS 4

/* Opaque to drivers except the fields marked readable. */
struct virtio_dev {
	uint64_t features;			/* readable: negotiated bits */
	void *priv;				/* readable: the driver's */
	const char *name;			/* readable: "virtio-blk@00:03.0" */
	/* the core's own */
	char name_buf[32];
	const struct virtio_driver *drv;
	struct virtio_pci *tp;			/* transport */
	struct virtq *vqs[VIRTIO_MAX_VQS];
	unsigned nvqs;
	bool ready;
	struct virtio_stats stats;
};

bool virtio_has_feature(const struct virtio_dev *vd, unsigned bit);
const struct virtio_stats *virtio_stats(const struct virtio_dev *vd);

typedef void (*virtq_callback)(struct virtq *vq);
/* Sets up queues 0..n-1 (size min(device max, max_size)), callbacks run
 * in the interrupt handler.  Then the driver fills what it needs and
 * calls virtio_device_ready() (DRIVER_OK). */
int  virtio_find_vqs(struct virtio_dev *vd, unsigned n, struct virtq *vqs[],
		     const virtq_callback cbs[], unsigned max_size);
void virtio_device_ready(struct virtio_dev *vd);
void virtio_reset(struct virtio_dev *vd);

uint8_t  virtio_cfg_read8(struct virtio_dev *vd, unsigned off);	/* device-specific config */
uint16_t virtio_cfg_read16(struct virtio_dev *vd, unsigned off);
uint32_t virtio_cfg_read32(struct virtio_dev *vd, unsigned off);
uint64_t virtio_cfg_read64(struct virtio_dev *vd, unsigned off);	/* generation-checked */
void     virtio_cfg_write8(struct virtio_dev *vd, unsigned off, uint8_t v);
void     virtio_cfg_write16(struct virtio_dev *vd, unsigned off, uint16_t v);
void     virtio_cfg_write32(struct virtio_dev *vd, unsigned off, uint32_t v);

struct vq_buf { uint64_t pa; uint32_t len; };
/* out[] buffers the device reads, then in[] buffers it writes.  token
 * (not NULL) is returned by virtq_get_buf.  Returns 0, or -1 when the
 * ring is full.  Uses an indirect table when negotiated and
 * n_out + n_in > 1. */
int   virtq_add(struct virtq *vq, const struct vq_buf *out, unsigned n_out,
		const struct vq_buf *in, unsigned n_in, void *token);
void  virtq_kick(struct virtq *vq);	/* publishes avail idx; notifies only if the device wants it */
void *virtq_get_buf(struct virtq *vq, uint32_t *len);	/* next used token, NULL if none */
bool  virtq_enable_cb(struct virtq *vq);	/* false if used buffers arrived meanwhile */
void  virtq_disable_cb(struct virtq *vq);
unsigned virtq_free(const struct virtq *vq);	/* free descriptors */
unsigned virtq_size(const struct virtq *vq);
struct virtio_dev *virtq_dev(const struct virtq *vq);
unsigned virtq_index(const struct virtq *vq);

#endif
