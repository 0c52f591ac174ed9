/*
 * virtio_blk.h: the virtio-blk driver's interface to a kernel's block
 * layer (this kernel: kernel/blk.c).  Requests are asynchronous: submit
 * several, kick once, and each request's done() runs from the interrupt
 * handler when the device has answered.
 */
#ifndef GD_VIRTIO_BLK_H
#define GD_VIRTIO_BLK_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#define VBLK_SECTOR	512

enum vblk_op { VBLK_READ = 0, VBLK_WRITE = 1, VBLK_FLUSH = 4 };

/* Driver errors (negative returns of vblk_submit and req->error). */
#define VBLK_EFULL	(-1)		/* ring full: wait for a completion, retry */
#define VBLK_EROFS	(-2)		/* write to a read-only device */
#define VBLK_EINVAL	(-3)		/* beyond the end, unaligned, too many pieces */
#define VBLK_EIO	(-5)		/* the device answered IOERR */
#define VBLK_EUNSUPP	(-6)		/* the device answered UNSUPP */

struct vblk;

/* One request.  The first 32 bytes are read and written by the device:
 * keep the struct 16-aligned so they never straddle a page. */
struct vblk_req {
	struct {			/* device reads (virtio 1.1, 5.2.6) */
		uint32_t type;
		uint32_t reserved;
		uint64_t sector;
	} hdr;
	uint8_t status;			/* device writes */
	uint8_t pad[15];
	/* the caller's */
	enum vblk_op op;
	uint64_t sector;
	void *buf;			/* any kernel address; len a multiple of 512 */
	size_t len;
	void (*done)(struct vblk_req *r);	/* from the interrupt; may be NULL */
	void *ctx;
	/* the driver's answer */
	int error;			/* 0 or VBLK_E* */
	volatile bool completed;
} __attribute__((aligned(16)));

struct vblk_stats {
	uint64_t requests, completed, max_inflight;
	uint64_t polled;		/* completions found by polling, not the interrupt */
};

void virtio_blk_init(void);			/* registers the driver */
unsigned vblk_count(void);
struct vblk *vblk_get(unsigned i);		/* NULL past the end */
const char *vblk_name(const struct vblk *b);
uint64_t vblk_sectors(const struct vblk *b);	/* capacity in 512-byte sectors */
bool vblk_readonly(const struct vblk *b);
bool vblk_has_flush(const struct vblk *b);
unsigned vblk_inflight(const struct vblk *b);
const struct vblk_stats *vblk_stats(const struct vblk *b);
struct virtio_dev *vblk_vdev(const struct vblk *b);

/* Queues r (not yet visible to the device until vblk_kick); 0 or a
 * VBLK_E* error.  Call with interrupts masked. */
int vblk_submit(struct vblk *b, struct vblk_req *r);
void vblk_kick(struct vblk *b);
/* Takes completed requests off the used ring without an interrupt
 * (interrupts masked): the fallback where the line was masked. */
void vblk_poll(struct vblk *b);

#endif
