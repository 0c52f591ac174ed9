/* virtio_blk.c: virtio-blk backed by a raw image file (--disk FILE[,ro]).
 *
 * Requests (virtio 1.1, 5.2.6): a 16-byte header the device reads
 * (type, reserved, sector), the data, then one status byte the device
 * writes.  IN, OUT, FLUSH (fdatasync) and GET_ID are served; any other
 * type gets VIRTIO_BLK_S_UNSUPP.  A request past the disk's end, data
 * not a whole number of sectors, a write to a read-only disk or a
 * failing read/write/sync gets VIRTIO_BLK_S_IOERR, and hv runs on.  A
 * chain too short to hold a header and a status byte is returned unused
 * (length 0) and counted as bad: there is nowhere to put a status.
 * Every buffer was range-checked by the ring walker (virtq.c). */
#include "virtio_dev.h"
#include "virtio_pci.h"
#include "../snapshot.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/fs.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define VIRTIO_BLK_F_SEG_MAX   2
#define VIRTIO_BLK_F_RO        5
#define VIRTIO_BLK_F_BLK_SIZE  6
#define VIRTIO_BLK_F_FLUSH     9

#define VIRTIO_BLK_T_IN        0
#define VIRTIO_BLK_T_OUT       1
#define VIRTIO_BLK_T_FLUSH     4
#define VIRTIO_BLK_T_GET_ID    8
#define VIRTIO_BLK_S_OK        0
#define VIRTIO_BLK_S_IOERR     1
#define VIRTIO_BLK_S_UNSUPP    2
#define VIRTIO_BLK_ID_BYTES    20
#define VBLK_CFG_LEN           0x24     /* capacity .. num_queues */
#define SECTOR                 512ull

struct vblk {
	struct vdev v;
	int fd;
	bool ro;
	const char *file;
	uint64_t sectors;
	char id[VIRTIO_BLK_ID_BYTES];
	uint64_t reads, writes, flushes, ids, ioerr, unsupp, bad;
	uint64_t bytes_read, bytes_written;
};

static struct vblk vblk[HV_MAX_DISKS];

struct vblk_hdr {
	uint32_t type, reserved;
	uint64_t sector;
};

static int vblk_refuse(const char *file, const char *why)
{
	fprintf(stderr, "hv: disk %s: %s\n", file, why);
	return HV_EXIT_IMAGE;
}

/* The image's size in bytes: a regular file's, or a block device's. */
static int vblk_size(int fd, const struct stat *st, uint64_t *bytes)
{
	if (S_ISREG(st->st_mode)) {
		*bytes = (uint64_t)st->st_size;
		return 0;
	}
	return S_ISBLK(st->st_mode) ? ioctl(fd, BLKGETSIZE64, bytes) : -1;
}

/* Open and check --disk i: it must exist, open as asked, be a regular
 * file or block device of whole sectors, and (read-write) not be a
 * read-only file: root may open one for writing, but its mode says the
 * owner meant it kept, so hv asks for ",ro" rather than write to it. */
int vblk__open(struct hv *hv, unsigned i)
{
	struct vblk *b = &vblk[i];
	const char *f = hv->opt.disk[i].file;
	struct stat st;
	uint64_t bytes = 0;
	char why[160];

	b->file = f;
	b->ro = hv->opt.disk[i].ro;
	b->fd = open(f, (b->ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (b->fd < 0)
		return vblk_refuse(f, strerror(errno));
	if (fstat(b->fd, &st) || vblk_size(b->fd, &st, &bytes))
		return vblk_refuse(f, "not a regular file or a block device");
	if (!b->ro && !(st.st_mode & 0222)) {
		snprintf(why, sizeof(why), "read-only file (mode %04o): give %s,ro "
			 "to use it read-only", (unsigned)(st.st_mode & 07777), f);
		return vblk_refuse(f, why);
	}
	if (bytes == 0 || bytes % SECTOR) {
		snprintf(why, sizeof(why), "size %" PRIu64 " bytes: want a non-zero "
			 "multiple of 512", bytes);
		return vblk_refuse(f, why);
	}
	b->sectors = bytes / SECTOR;
	snprintf(b->id, sizeof(b->id), "hv-disk%u", i);
	return 0;
}

/* Move len bytes between the chain's data buffers (skip bytes into the
 * readable or writable side) and the image at byte pos. */
static int vblk_io(struct vblk *b, struct virtq_chain *c, bool write,
		   uint64_t skip, uint64_t len, uint64_t pos)
{
	unsigned first = write ? 0 : c->nout, end = write ? c->nout : c->nout + c->nin;

	for (unsigned i = first; i < end && len; i++) {
		struct virtq_seg *s = &c->seg[i];
		uint64_t n;
		if (skip >= s->len) {
			skip -= s->len;
			continue;
		}
		n = s->len - skip < len ? s->len - skip : len;
		for (uint64_t done = 0; done < n;) {
			ssize_t r = write ? pwrite(b->fd, s->p + skip + done, n - done, (off_t)(pos + done))
					  : pread(b->fd, s->p + skip + done, n - done, (off_t)(pos + done));
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				return -1;
			done += (uint64_t)r;
		}
		pos += n;
		len -= n;
		skip = 0;
	}
	return len ? -1 : 0;
}

/* IN or OUT of data bytes at sector: bounds first, written so nothing
 * can overflow. */
static uint8_t vblk_rw(struct vblk *b, struct virtq_chain *c, bool write,
		       uint64_t sector, uint64_t data)
{
	if (data % SECTOR || sector > b->sectors || data / SECTOR > b->sectors - sector ||
	    (write && b->ro))
		return VIRTIO_BLK_S_IOERR;
	if (vblk_io(b, c, write, write ? sizeof(struct vblk_hdr) : 0, data, sector * SECTOR))
		return VIRTIO_BLK_S_IOERR;
	if (write) {
		b->writes++;
		b->bytes_written += data;
	} else {
		b->reads++;
		b->bytes_read += data;
	}
	return VIRTIO_BLK_S_OK;
}

static uint32_t vblk_req(struct hv *hv, struct vdev *v, unsigned q, struct virtq_chain *c)
{
	struct vblk *b = v->priv;
	struct vblk_hdr h;
	uint64_t in_data;
	uint32_t written = 1;
	uint8_t st;
	(void)hv; (void)q;

	if (c->out_bytes < sizeof(h) || c->in_bytes < 1) {
		b->bad++;
		return 0;
	}
	virtq_copy_out(c, 0, &h, sizeof(h));
	in_data = c->in_bytes - 1;
	switch (h.type) {
	case VIRTIO_BLK_T_IN:
		st = vblk_rw(b, c, false, h.sector, in_data);
		if (st == VIRTIO_BLK_S_OK)
			written += (uint32_t)(in_data > UINT32_MAX - 1 ? UINT32_MAX - 1 : in_data);
		break;
	case VIRTIO_BLK_T_OUT:
		st = vblk_rw(b, c, true, h.sector, c->out_bytes - sizeof(h));
		break;
	case VIRTIO_BLK_T_FLUSH:
		b->flushes++;
		st = b->ro || fdatasync(b->fd) == 0 ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
		break;
	case VIRTIO_BLK_T_GET_ID:
		b->ids++;
		written += (uint32_t)virtq_copy_in(c, 0, b->id,
				in_data < sizeof(b->id) ? in_data : sizeof(b->id));
		st = VIRTIO_BLK_S_OK;
		break;
	default:
		st = VIRTIO_BLK_S_UNSUPP;
	}
	if (st == VIRTIO_BLK_S_IOERR)
		b->ioerr++;
	if (st == VIRTIO_BLK_S_UNSUPP)
		b->unsupp++;
	virtq_copy_in(c, in_data, &st, 1);
	return written;
}

static void vblk_notify(struct hv *hv, struct vdev *v, unsigned q)
{
	vdev__process(hv, v, q, vblk_req);
}

static void vblk_stats(struct hv *hv, struct vdev *v)
{
	const struct vblk *b = v->priv;
	(void)hv;

	fprintf(stderr, "hv: stats:     disk %s (%s, %" PRIu64 " sectors): reads %" PRIu64
		" (%" PRIu64 " bytes) writes %" PRIu64 " (%" PRIu64 " bytes) flushes %"
		PRIu64 " get-id %" PRIu64 " ioerr %" PRIu64 " unsupp %" PRIu64 " bad %" PRIu64 "\n",
		b->file, b->ro ? "ro" : "rw", b->sectors, b->reads, b->bytes_read,
		b->writes, b->bytes_written, b->flushes, b->ids, b->ioerr, b->unsupp, b->bad);
}

/* Snapshots (issue 14): the disk is the restoring hv's --disk, in the
 * same place on the command line; its contents are the file's, not the
 * snapshot's.  It must have the capacity and the ro-ness the guest saw. */
static size_t vblk_state_len(struct hv *hv, struct vdev *v)
{
	(void)hv; (void)v;
	return sizeof(struct snap_vblk);
}

static void vblk_save(struct hv *hv, struct vdev *v, uint8_t *tail)
{
	const struct vblk *b = v->priv;
	struct snap_vblk s = { .sectors = b->sectors, .ro = b->ro };
	(void)hv;

	snprintf(s.path, sizeof(s.path), "%s", b->file);
	memcpy(tail, &s, sizeof(s));
}

static int vblk_load(struct hv *hv, struct vdev *v, const uint8_t *tail,
		     char *err, size_t errlen)
{
	const struct vblk *b = v->priv;
	struct snap_vblk s;
	(void)hv;

	memcpy(&s, tail, sizeof(s));
	if (s.sectors != b->sectors || s.ro != b->ro) {
		snprintf(err, errlen, "%s: the guest's disk (%s) had %" PRIu64 " sectors%s; "
			 "--disk %s has %" PRIu64 "%s", v->pci.name, s.path, s.sectors,
			 s.ro ? ", read-only" : "", b->file, b->sectors, b->ro ? ", read-only" : "");
		return -1;
	}
	return 0;
}

static void vblk_ident(const struct vdev *v, struct vdev_ident *id)
{
	const struct vblk *b = v->priv;

	id->sectors = b->sectors;
	id->ro = b->ro;
}

static const struct vdev_ops vblk_ops = {
	.kind = "virtio-blk", .id = VIRTIO_ID_BLOCK, .pci_class = 0x010000,
	.nqueues = 1, .notify = vblk_notify, .stats = vblk_stats,
	.state_len = vblk_state_len, .save = vblk_save, .load = vblk_load,
	.ident = vblk_ident,
};

int vblk__add(struct hv *hv, unsigned i)
{
	struct vblk *b = &vblk[i];
	uint64_t f = 1ull << VIRTIO_BLK_F_SEG_MAX | 1ull << VIRTIO_BLK_F_BLK_SIZE |
		     1ull << VIRTIO_BLK_F_FLUSH | (b->ro ? 1ull << VIRTIO_BLK_F_RO : 0);
	uint32_t seg_max = VIRTQ_MAX_SIZE - 2, blk_size = SECTOR;

	b->v.priv = b;
	memcpy(&b->v.cfg[0x00], &b->sectors, 8);
	memcpy(&b->v.cfg[0x0c], &seg_max, 4);
	memcpy(&b->v.cfg[0x14], &blk_size, 4);
	b->v.cfg[0x22] = 1;                     /* num_queues */
	return vdev__add(hv, &b->v, &vblk_ops, f, VBLK_CFG_LEN);
}
