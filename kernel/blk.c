/*
 * blk.c: the block layer over the virtio-blk driver.
 *
 * Every transfer is a batch: requests taken from a pool, submitted while
 * there is room in flight, the device kicked once per round of
 * submissions, then the caller sleeps (sti; hlt) until the interrupt
 * handler has completed some.  A synchronous read or write is a batch of
 * its own.  A device that stops answering for BLK_TIMEOUT_NS fails the
 * batch instead of hanging the kernel.
 */
#include <string.h>
#include "kernel.h"
#include "blk.h"
#include <gd/env.h>
#include <gd/virtio_blk.h>
#include <pvops/pvops.h>

#define MAX_DISKS	4
#define BLK_TIMEOUT_NS	(10ULL * 1000000000ULL)
#define SYNC_DEPTH	16

static struct blkdev disks[MAX_DISKS];
static unsigned ndisks;

void blk_init(void)
{
	for (unsigned i = 0; i < vblk_count() && ndisks < MAX_DISKS; i++) {
		struct vblk *v = vblk_get(i);
		struct blkdev *d = &disks[ndisks++];
		d->vb = v;
		d->name = vblk_name(v);
		d->sectors = vblk_sectors(v);
		d->ro = vblk_readonly(v);
		klog("blk: disk%u is %s, %llu sectors%s\n", ndisks - 1, d->name,
		     (unsigned long long)d->sectors, d->ro ? ", read-only" : "");
	}
}

unsigned blk_count(void) { return ndisks; }
struct blkdev *blk_get(unsigned i) { return i < ndisks ? &disks[i] : NULL; }

const char *blk_strerror(int err)
{
	switch (err) {
	case 0: return "ok";
	case BLK_EIO: return "I/O error";
	case BLK_EROFS: return "read-only device";
	case BLK_EINVAL: return "bad request (range, alignment or size)";
	case BLK_ENOMEM: return "out of memory";
	case BLK_ETIMEDOUT: return "device did not answer";
	default: return "unknown error";
	}
}

static int from_vblk(int e)
{
	switch (e) {
	case 0: return 0;
	case VBLK_EROFS: return BLK_EROFS;
	case VBLK_EINVAL: return BLK_EINVAL;
	default: return BLK_EIO;
	}
}

/* One batch in progress; its requests point back at it (req->ctx). */
struct batch {
	struct vblk_req *reqs;		/* depth of them */
	unsigned free[BLK_MAX_DEPTH], nfree;
	unsigned completed;
	int error;
};

static void req_done(struct vblk_req *r)
{
	struct batch *b = r->ctx;
	if (r->error && !b->error)
		b->error = from_vblk(r->error);
	b->completed++;
	b->free[b->nfree++] = (unsigned)(r - b->reqs);
}

/* Sleeps until the batch completed more than `seen`; polls the ring
 * after a second without progress (a masked line), fails after
 * BLK_TIMEOUT_NS.  Interrupts are masked on entry and exit. */
static int wait_progress(struct blkdev *d, struct batch *b, unsigned seen)
{
	uint64_t t0 = gd_now_ns();
	while (b->completed == seen) {
		gd_wait_irq();
		uint64_t waited = gd_now_ns() - t0;
		if (b->completed == seen && waited > 1000000000ULL)
			vblk_poll(d->vb);
		if (b->completed == seen && waited > BLK_TIMEOUT_NS)
			return BLK_ETIMEDOUT;
	}
	return 0;
}

/* Submits as many as fit; returns how many, or a negative error. */
static int submit_round(struct blkdev *d, struct batch *b, enum vblk_op op, uint64_t *sector,
			uint8_t **p, size_t *left, size_t req_bytes, unsigned *todo)
{
	int n = 0;
	while (*todo && b->nfree) {
		unsigned slot = b->free[b->nfree - 1];
		struct vblk_req *r = &b->reqs[slot];
		size_t len = *left < req_bytes ? *left : req_bytes;
		memset(r, 0, sizeof(*r));
		r->op = op;
		r->sector = *sector;
		r->buf = *p;
		r->len = len;
		r->done = req_done;
		r->ctx = b;
		int e = vblk_submit(d->vb, r);
		if (e == VBLK_EFULL)
			break;
		if (e)
			return from_vblk(e);
		b->nfree--;
		(*todo)--;
		n++;
		if (op != VBLK_FLUSH) {
			*sector += len / BLK_SECTOR;
			*p += len;
			*left -= len;
		}
	}
	return n;
}

/* The engine under every call: nreq requests (a flush is one request
 * with no data), depth in flight. */
static int run_batch(struct blkdev *d, enum vblk_op op, uint64_t sector, void *buf, size_t len,
		     unsigned depth, size_t req_bytes, unsigned *max_inflight)
{
	unsigned nreq = op == VBLK_FLUSH ? 1 : (unsigned)((len + req_bytes - 1) / req_bytes);
	unsigned todo = nreq, most = 0;
	struct batch b = { .error = 0 };
	uint64_t pa;
	size_t pool = ALIGN_UP(depth * sizeof(struct vblk_req), PAGE_SIZE);
	uint8_t *p = buf;
	int err = 0;

	b.reqs = gd_dma_alloc(pool, &pa);
	if (!b.reqs)
		return BLK_ENOMEM;
	for (unsigned i = 0; i < depth; i++)
		b.free[b.nfree++] = depth - 1 - i;
	uint64_t fl = pv_irq_save();
	while (b.completed < nreq && !err) {
		unsigned seen = b.completed;
		int n = submit_round(d, &b, op, &sector, &p, &len, req_bytes, &todo);
		if (n < 0) {
			err = n;
			break;
		}
		vblk_kick(d->vb);
		if (vblk_inflight(d->vb) > most)
			most = vblk_inflight(d->vb);
		err = wait_progress(d, &b, seen);
	}
	/* On an error, let what is still in flight finish before the pool goes. */
	while (err != BLK_ETIMEDOUT && b.completed < nreq - todo)
		if (wait_progress(d, &b, b.completed) != 0)
			break;
	pv_irq_restore(fl);
	if (err != BLK_ETIMEDOUT)
		gd_dma_free(b.reqs, pool);	/* after a timeout the device may still write */
	if (max_inflight)
		*max_inflight = most;
	return err ? err : b.error;
}

static int check_range(struct blkdev *d, uint64_t sector, uint64_t count)
{
	if (d)
		d->sectors = vblk_sectors(d->vb);	/* the host may have resized it */
	if (!d || sector > d->sectors || count > d->sectors - sector)
		return BLK_EINVAL;
	return 0;
}

int blk_read(struct blkdev *d, uint64_t sector, void *buf, uint64_t count)
{
	int e = check_range(d, sector, count);
	if (e || !count)
		return e;
	return run_batch(d, VBLK_READ, sector, buf, count * BLK_SECTOR, SYNC_DEPTH, BLK_MAX_REQ, NULL);
}

int blk_write(struct blkdev *d, uint64_t sector, const void *buf, uint64_t count)
{
	int e = check_range(d, sector, count);
	if (e || !count)
		return e;
	if (d->ro)
		return BLK_EROFS;
	return run_batch(d, VBLK_WRITE, sector, (void *)buf, count * BLK_SECTOR, SYNC_DEPTH,
			 BLK_MAX_REQ, NULL);
}

/* Without VIRTIO_BLK_F_FLUSH the device writes through: nothing to do. */
int blk_flush(struct blkdev *d)
{
	if (!d)
		return BLK_EINVAL;
	if (d->ro || !vblk_has_flush(d->vb))
		return 0;
	return run_batch(d, VBLK_FLUSH, 0, NULL, 0, 1, BLK_MAX_REQ, NULL);
}

int blk_seq(struct blkdev *d, bool write, uint64_t sector, void *buf, size_t len,
	    unsigned depth, size_t req_bytes, uint64_t *ns, unsigned *max_inflight)
{
	if (!depth || depth > BLK_MAX_DEPTH || !req_bytes || req_bytes > BLK_MAX_REQ ||
	    req_bytes % BLK_SECTOR || len % BLK_SECTOR)
		return BLK_EINVAL;
	int e = check_range(d, sector, len / BLK_SECTOR);
	if (e || !len)
		return e;
	if (write && d->ro)
		return BLK_EROFS;
	uint64_t t0 = gd_now_ns();
	e = run_batch(d, write ? VBLK_WRITE : VBLK_READ, sector, buf, len, depth, req_bytes,
		      max_inflight);
	if (ns)
		*ns = gd_now_ns() - t0;
	return e;
}
