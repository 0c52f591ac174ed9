/*
 * virtio_blk.c: the virtio-blk driver (virtio 1.1, 5.2): read, write and
 * flush of 512-byte sectors, many requests in flight on one queue,
 * completion from the interrupt.  A read-only device (VIRTIO_BLK_F_RO)
 * gets no write: the driver refuses it with VBLK_EROFS.
 *
 * A request is one chain: the 16-byte header (device reads), the data
 * split where its pages are not physically adjacent, the status byte
 * (device writes); with indirect descriptors it takes one ring slot.
 */
#include <string.h>
#include <gd/env.h>
#include <gd/virtio.h>
#include <gd/virtio_blk.h>

#define VIRTIO_BLK_F_SIZE_MAX	1
#define VIRTIO_BLK_F_SEG_MAX	2
#define VIRTIO_BLK_F_RO		5
#define VIRTIO_BLK_F_BLK_SIZE	6
#define VIRTIO_BLK_F_FLUSH	9

#define CFG_CAPACITY	0
#define MAX_VBLK	4
#define MAX_SEGS	20		/* data pieces of one request */
#define PAGE		4096u

struct vblk {
	struct virtio_dev *vd;
	struct virtq *vq;
	uint64_t sectors;
	bool ro, flush;
	unsigned inflight;
	struct vblk_stats stats;
};

static struct vblk blks[MAX_VBLK];
static unsigned nblks;

/* Completed requests: record the device's answer, tell the caller. */
static void complete(struct vblk *b, struct vblk_req *r)
{
	r->error = r->status == 0 ? 0 : r->status == 2 ? VBLK_EUNSUPP : VBLK_EIO;
	b->inflight--;
	b->stats.completed++;
	r->completed = true;
	if (r->done)
		r->done(r);
}

static void vq_done(struct virtq *vq)
{
	struct vblk *b = virtq_dev(vq)->priv;
	struct vblk_req *r;
	while ((r = virtq_get_buf(vq, NULL)) != NULL)
		complete(b, r);
}

void vblk_poll(struct vblk *b)
{
	struct vblk_req *r;
	while ((r = virtq_get_buf(b->vq, NULL)) != NULL) {
		b->stats.polled++;
		complete(b, r);
	}
}

/* Splits [buf, buf+len) into physically contiguous pieces; the count,
 * or -1 when it needs more than max. */
static int data_segments(void *buf, size_t len, struct vq_buf *seg, unsigned max)
{
	uintptr_t va = (uintptr_t)buf;
	int n = 0;
	while (len) {
		size_t chunk = PAGE - (va & (PAGE - 1));
		uint64_t pa = gd_virt_to_phys((void *)va);
		if (chunk > len)
			chunk = len;
		if (!pa)
			return -1;
		if (n && seg[n - 1].pa + seg[n - 1].len == pa) {
			seg[n - 1].len += (uint32_t)chunk;
		} else {
			if ((unsigned)n == max)
				return -1;
			seg[n].pa = pa;
			seg[n++].len = (uint32_t)chunk;
		}
		va += chunk;
		len -= chunk;
	}
	return n;
}

static int check_request(const struct vblk *b, const struct vblk_req *r)
{
	if (r->op == VBLK_FLUSH)
		return 0;
	if (r->op != VBLK_READ && r->op != VBLK_WRITE)
		return VBLK_EINVAL;
	if (r->op == VBLK_WRITE && b->ro)
		return VBLK_EROFS;
	if (!r->len || r->len % VBLK_SECTOR || r->sector > b->sectors ||
	    r->len / VBLK_SECTOR > b->sectors - r->sector)
		return VBLK_EINVAL;
	return 0;
}

int vblk_submit(struct vblk *b, struct vblk_req *r)
{
	struct vq_buf out[1 + MAX_SEGS], in[1 + MAX_SEGS];
	unsigned n_out = 1, n_in = 0;
	int err = check_request(b, r), n = 0;

	if (err)
		return err;
	r->hdr.type = r->op;
	r->hdr.reserved = 0;
	r->hdr.sector = r->op == VBLK_FLUSH ? 0 : r->sector;
	r->status = 0xff;
	r->error = 0;
	r->completed = false;
	out[0].pa = gd_virt_to_phys(&r->hdr);
	out[0].len = sizeof(r->hdr);
	if (r->op != VBLK_FLUSH) {
		n = data_segments(r->buf, r->len, r->op == VBLK_WRITE ? &out[1] : in, MAX_SEGS);
		if (n < 0)
			return VBLK_EINVAL;
		if (r->op == VBLK_WRITE)
			n_out += (unsigned)n;
		else
			n_in += (unsigned)n;
	}
	in[n_in].pa = gd_virt_to_phys(&r->status);
	in[n_in++].len = 1;
	if (virtq_add(b->vq, out, n_out, in, n_in, r) != 0)
		return VBLK_EFULL;
	b->inflight++;
	b->stats.requests++;
	if (b->inflight > b->stats.max_inflight)
		b->stats.max_inflight = b->inflight;
	return 0;
}

void vblk_kick(struct vblk *b)
{
	virtq_kick(b->vq);
}

static int vblk_probe(struct virtio_dev *vd)
{
	struct vblk *b;
	virtq_callback cb = vq_done;

	if (nblks == MAX_VBLK)
		return -1;
	b = &blks[nblks];
	memset(b, 0, sizeof(*b));
	b->vd = vd;
	vd->priv = b;
	b->ro = virtio_has_feature(vd, VIRTIO_BLK_F_RO);
	b->flush = virtio_has_feature(vd, VIRTIO_BLK_F_FLUSH);
	b->sectors = virtio_cfg_read64(vd, CFG_CAPACITY);
	if (virtio_find_vqs(vd, 1, &b->vq, &cb, 256) != 0)
		return -1;
	virtio_device_ready(vd);
	nblks++;
	gd_log("virtio-blk: %s: %llu sectors (%llu MiB)%s%s, queue of %u\n", vd->name,
	       (unsigned long long)b->sectors, (unsigned long long)(b->sectors >> 11),
	       b->ro ? ", read-only" : "", b->flush ? ", flush" : "", virtq_size(b->vq));
	return 0;
}

/* The host resized the disk (QEMU's block_resize): take the new
 * capacity; requests check against it from now on. */
static void vblk_config_changed(struct virtio_dev *vd)
{
	struct vblk *b = vd->priv;
	if (!b)
		return;
	b->sectors = virtio_cfg_read64(vd, CFG_CAPACITY);
	gd_log("virtio-blk: %s: capacity now %llu sectors\n", vd->name,
	       (unsigned long long)b->sectors);
}

static const struct virtio_driver vblk_driver = {
	.name = "virtio-blk",
	.device_id = VIRTIO_ID_BLOCK,
	.features = (1ULL << VIRTIO_BLK_F_RO) | (1ULL << VIRTIO_BLK_F_FLUSH) |
		    (1ULL << VIRTIO_BLK_F_BLK_SIZE) | (1ULL << VIRTIO_BLK_F_SEG_MAX) |
		    (1ULL << VIRTIO_BLK_F_SIZE_MAX),
	.probe = vblk_probe,
	.config_changed = vblk_config_changed,
};

void virtio_blk_init(void)
{
	virtio_register_driver(&vblk_driver);
}

unsigned vblk_count(void) { return nblks; }
struct vblk *vblk_get(unsigned i) { return i < nblks ? &blks[i] : NULL; }
const char *vblk_name(const struct vblk *b) { return b->vd->name; }
uint64_t vblk_sectors(const struct vblk *b) { return b->sectors; }
bool vblk_readonly(const struct vblk *b) { return b->ro; }
bool vblk_has_flush(const struct vblk *b) { return b->flush; }
unsigned vblk_inflight(const struct vblk *b) { return b->inflight; }
const struct vblk_stats *vblk_stats(const struct vblk *b) { return &b->stats; }
struct virtio_dev *vblk_vdev(const struct vblk *b) { return b->vd; }
