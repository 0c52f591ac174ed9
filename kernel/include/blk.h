/*
 * blk.h: the kernel's block layer (blk.c): a registry of disks, sync
 * read/write/flush, and a batched sequential transfer that keeps several
 * requests in flight (the benchmark and the in-flight test use it).
 */
#ifndef BLK_H
#define BLK_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#define BLK_SECTOR	512
#define BLK_MAX_REQ	(64 * 1024)	/* bytes of one request */
#define BLK_MAX_DEPTH	64		/* requests in flight */

/* Errors (negative returns). */
#define BLK_EIO		(-5)
#define BLK_EROFS	(-30)
#define BLK_EINVAL	(-22)
#define BLK_ENOMEM	(-12)
#define BLK_ETIMEDOUT	(-110)

struct vblk;
struct blkdev {
	const char *name;
	uint64_t sectors;
	bool ro;
	struct vblk *vb;
};

void blk_init(void);			/* after virtio_probe_all: one line per disk */
unsigned blk_count(void);
struct blkdev *blk_get(unsigned i);	/* NULL past the end */

/* count sectors at sector; buf any kernel address.  0 or BLK_E*. */
int blk_read(struct blkdev *d, uint64_t sector, void *buf, uint64_t count);
int blk_write(struct blkdev *d, uint64_t sector, const void *buf, uint64_t count);
int blk_flush(struct blkdev *d);

/*
 * len bytes from sector on, as requests of req_bytes (a multiple of 512,
 * at most BLK_MAX_REQ) with up to depth (at most BLK_MAX_DEPTH) in flight,
 * one kick per batch of submissions.  *ns: the time it took; *max_inflight:
 * the most requests the device held at once.  Either may be NULL.
 */
int blk_seq(struct blkdev *d, bool write, uint64_t sector, void *buf, size_t len,
	    unsigned depth, size_t req_bytes, uint64_t *ns, unsigned *max_inflight);

const char *blk_strerror(int err);

#endif
