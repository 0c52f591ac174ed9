/*
 * test_virtio_blk.c: the virtio-blk driver and the block layer, on the
 * disk the boot was given: a pattern written, flushed and read back;
 * 4 MiB sequential at depth 1 and 64 (MiB/s and notifies per MiB as
 * notes); many requests in flight at once; the user program `disk`
 * through the system calls; a read-only disk refusing writes.  What is
 * written follows disk_pattern.h, so the host can check the image after
 * the run (tests/virtio/disk-check.c).
 *
 * virtio=blk on the command line says a disk was given and the driver
 * must bind (virtio=blk,ro: and it is read-only; virtio=blk,resize: the
 * host grows it to 16 MiB while the guest waits); without it, a boot with
 * no disk skips the suite with that reason.
 */
#include <string.h>
#include "kernel.h"
#include "sched.h"
#include "pic.h"
#include "ktest.h"
#include "hv_stats.h"
#include "blk.h"
#include "disk_pattern.h"
#include <gd/env.h>
#include <gd/virtio.h>
#include <gd/virtio_blk.h>

#define KTEST_SUITE "virtio-blk"

#define SEQ_BYTES	(4u << 20)
#define SEQ_REQ		4096

/* Is word one of the comma-separated words of virtio=? */
static bool virtio_opt(const char *word)
{
	size_t n = strlen(word);
	for (const char *p = kopts.virtio; *p; p += strcspn(p, ","), p += *p == ',')
		if (strncmp(p, word, n) == 0 && (p[n] == ',' || p[n] == 0))
			return true;
	return false;
}

static bool must_bind(void) { return virtio_opt("blk"); }
static bool must_be_ro(void) { return virtio_opt("ro"); }

KTEST_SUITE_PRECONDITION
{
	if (blk_count() == 0 && !must_bind())
		KT_SKIP("no virtio-blk disk (and virtio=blk not on the command line)");
}

#define DISK_OR_FAIL(d)							\
	struct blkdev *d = blk_get(0);					\
	if (!d) {							\
		kt_fail(kt, __FILE__, __LINE__, "virtio=%s but no disk bound", kopts.virtio); \
		return;							\
	}

#define NEED_RW(d) do { if ((d)->ro) KT_SKIP("the disk is read-only"); } while (0)

static void fill(void *buf, uint64_t sector, uint64_t count, uint64_t seed)
{
	for (uint64_t s = 0; s < count; s++)
		dp_fill((uint64_t *)buf + s * (DP_SECTOR / 8), sector + s, seed);
}

/* Sector of the first mismatch, or -1. */
static int64_t first_bad(const void *buf, uint64_t sector, uint64_t count, uint64_t seed)
{
	for (uint64_t s = 0; s < count; s++)
		if (dp_check((const uint64_t *)buf + s * (DP_SECTOR / 8), sector + s, seed))
			return (int64_t)(sector + s);
	return -1;
}

KTEST(driver_bound)
{
	DISK_OR_FAIL(d);
	kt_note("%s: %llu sectors%s", d->name, (unsigned long long)d->sectors,
		d->ro ? ", read-only" : "");
	KT_EXPECT(d->sectors >= DP_IMAGE_SECTORS);
	if (kopts.virtio[0])
		KT_EXPECT_EQ(d->ro, must_be_ro());
	/* The drivers run under whatever bound; expect= says what must have. */
	if (kopts.expect[0] && strcmp(pv_backend_name(), kopts.expect) != 0)
		kt_fail(kt, __FILE__, __LINE__, "bound '%s', expected '%s'", pv_backend_name(),
			kopts.expect);
}

KTEST(pattern_write_flush_read)
{
	DISK_OR_FAIL(d);
	NEED_RW(d);
	size_t bytes = DP_PATTERN_COUNT * DP_SECTOR;
	uint64_t pa;
	void *buf = gd_dma_alloc(bytes, &pa);
	KT_ASSERT(buf);
	const struct virtio_stats *st = virtio_stats(vblk_vdev(d->vb));
	uint64_t irqs = st->interrupts, polled = vblk_stats(d->vb)->polled;
	fill(buf, DP_PATTERN_SECTOR, DP_PATTERN_COUNT, DP_PATTERN_SEED);
	KT_EXPECT_EQ(blk_write(d, DP_PATTERN_SECTOR, buf, DP_PATTERN_COUNT), 0);
	KT_EXPECT_EQ(blk_flush(d), 0);
	memset(buf, 0, bytes);
	KT_EXPECT_EQ(blk_read(d, DP_PATTERN_SECTOR, buf, DP_PATTERN_COUNT), 0);
	KT_EXPECT_EQ(first_bad(buf, DP_PATTERN_SECTOR, DP_PATTERN_COUNT, DP_PATTERN_SEED), -1);
	st = virtio_stats(vblk_vdev(d->vb));
	KT_EXPECT(st->interrupts > irqs);			/* completion by interrupt */
	KT_EXPECT_EQ(vblk_stats(d->vb)->polled, polled);	/* none found by polling */
	gd_dma_free(buf, bytes);
}

/* One direction of the 4 MiB transfer: MiB/s and notifies per MiB. */
static void seq_one(struct kt *kt, struct blkdev *d, bool write, void *buf, unsigned depth)
{
	uint32_t x0 = hv_stat(HV_STAT_EXITS);
	struct virtio_dev *vd = vblk_vdev(d->vb);
	uint64_t ns = 0, n0 = virtio_stats(vd)->notifies;
	unsigned most = 0;
	int e = blk_seq(d, write, DP_SEQ_SECTOR, buf, SEQ_BYTES, depth, SEQ_REQ, &ns, &most);
	if (e)
		kt_fail(kt, __FILE__, __LINE__, "blk_seq: %s", blk_strerror(e));
	uint32_t x1 = hv_stat(HV_STAT_EXITS);
	uint64_t notifies = virtio_stats(vd)->notifies - n0;
	char exits[40] = "exits/MiB n/a (not under hv)";
	if (x0 != HV_STAT_ABSENT && x1 != HV_STAT_ABSENT) {	/* under hv: make bench's exits per MiB */
		uint32_t x = x1 - x0 - 2;	/* less the two reads of x1 */
		snprintf(exits, sizeof(exits), "%u.%02u exits/MiB", x / 4, x % 4 * 25);
	}
	uint64_t kibps = ns ? (uint64_t)SEQ_BYTES * 1000000000ULL / 1024 / ns : 0;
	kt_note("4 MiB sequential %s, depth %u, %u-byte requests: %llu.%02llu MiB/s, "
		"%llu.%02llu notifies/MiB, %u in flight at most, %s", write ? "write" : "read ", depth,
		SEQ_REQ, (unsigned long long)(kibps / 1024),
		(unsigned long long)(kibps % 1024 * 100 / 1024),
		(unsigned long long)(notifies / 4), (unsigned long long)(notifies % 4 * 25), most, exits);
}

static void seq_at(struct kt *kt, unsigned depth)
{
	DISK_OR_FAIL(d);
	NEED_RW(d);
	uint64_t pa;
	uint8_t *buf = gd_dma_alloc(SEQ_BYTES, &pa);
	KT_ASSERT(buf);
	fill(buf, DP_SEQ_SECTOR, DP_SEQ_COUNT, DP_SEQ_SEED);
	seq_one(kt, d, true, buf, depth);
	KT_EXPECT_EQ(blk_flush(d), 0);
	memset(buf, 0, SEQ_BYTES);
	seq_one(kt, d, false, buf, depth);
	KT_EXPECT_EQ(first_bad(buf, DP_SEQ_SECTOR, DP_SEQ_COUNT, DP_SEQ_SEED), -1);
	gd_dma_free(buf, SEQ_BYTES);
}

KTEST(seq_4mib_depth1) { seq_at(kt, 1); }
KTEST(seq_4mib_depth64) { seq_at(kt, 64); }

KTEST(many_in_flight)
{
	DISK_OR_FAIL(d);
	NEED_RW(d);
	size_t bytes = DP_INFLIGHT_COUNT * DP_SECTOR;
	uint64_t pa;
	unsigned most = 0;
	void *buf = gd_dma_alloc(bytes, &pa);
	KT_ASSERT(buf);
	fill(buf, DP_INFLIGHT_SECTOR, DP_INFLIGHT_COUNT, DP_INFLIGHT_SEED);
	KT_EXPECT_EQ(blk_seq(d, true, DP_INFLIGHT_SECTOR, buf, bytes, BLK_MAX_DEPTH, 4096, NULL, &most), 0);
	kt_note("%u of %u requests in flight at once", most, (unsigned)(bytes / 4096));
	KT_EXPECT(most > 1);
	memset(buf, 0, bytes);
	KT_EXPECT_EQ(blk_seq(d, false, DP_INFLIGHT_SECTOR, buf, bytes, BLK_MAX_DEPTH, 4096, NULL, &most), 0);
	KT_EXPECT(most > 1);
	KT_EXPECT_EQ(first_bad(buf, DP_INFLIGHT_SECTOR, DP_INFLIGHT_COUNT, DP_INFLIGHT_SEED), -1);
	KT_EXPECT_EQ(blk_flush(d), 0);
	gd_dma_free(buf, bytes);
}

KTEST(user_program_syscalls)
{
	DISK_OR_FAIL(d);
	NEED_RW(d);
	struct proc *p = proc_spawn("disk");
	KT_ASSERT(p);
	int code = proc_wait(p);
	if (code)
		kt_note("disk failed at step %d (kernel/user/disk.c)", code);
	KT_EXPECT_EQ(code, 0);
}

/* Requests the driver must refuse, on any disk. */
KTEST(bad_requests_refused)
{
	DISK_OR_FAIL(d);
	uint64_t pa;
	void *buf = gd_dma_alloc(4096, &pa);
	KT_ASSERT(buf);
	KT_EXPECT_EQ(blk_read(d, d->sectors, buf, 1), BLK_EINVAL);
	KT_EXPECT_EQ(blk_read(d, d->sectors - 1, buf, 2), BLK_EINVAL);
	KT_EXPECT_EQ(blk_seq(d, false, 0, buf, 4096, 1, 1000, NULL, NULL), BLK_EINVAL);
	gd_dma_free(buf, 4096);
}

KTEST(read_only_refuses_writes)
{
	DISK_OR_FAIL(d);
	if (!d->ro)
		KT_SKIP("the disk is writable (virtio=blk,ro boots a read-only one)");
	size_t bytes = DP_PATTERN_COUNT * DP_SECTOR;
	uint64_t pa;
	void *buf = gd_dma_alloc(bytes, &pa);
	KT_ASSERT(buf);
	/* Reads work and see the host's untouched background. */
	KT_EXPECT_EQ(blk_read(d, DP_PATTERN_SECTOR, buf, DP_PATTERN_COUNT), 0);
	KT_EXPECT_EQ(first_bad(buf, DP_PATTERN_SECTOR, DP_PATTERN_COUNT, DP_BACKGROUND_SEED), -1);
	fill(buf, DP_PATTERN_SECTOR, DP_PATTERN_COUNT, DP_PATTERN_SEED);
	KT_EXPECT_EQ(blk_write(d, DP_PATTERN_SECTOR, buf, DP_PATTERN_COUNT), BLK_EROFS);
	/* The driver itself refuses, under the block layer. */
	static struct vblk_req r;
	r.op = VBLK_WRITE;
	r.sector = 0;
	r.buf = buf;
	r.len = DP_SECTOR;
	uint64_t fl = gd_irq_save();
	KT_EXPECT_EQ(vblk_submit(d->vb, &r), VBLK_EROFS);
	gd_irq_restore(fl);
	/* And through the system call (the user program stops at step 3). */
	struct proc *p = proc_spawn("disk");
	KT_ASSERT(p);
	KT_EXPECT_EQ(proc_wait(p), 3);
	gd_dma_free(buf, bytes);
}

/* The host grows the disk (QEMU's block_resize, tests/boot/virtio-blk.sh
 * --resize): the device raises a configuration-change interrupt and the
 * driver takes the new capacity. */
KTEST(config_change_resize)
{
	DISK_OR_FAIL(d);
	if (!virtio_opt("resize"))
		KT_SKIP("the host resizes the disk only with virtio=blk,resize");
	struct virtio_dev *vd = vblk_vdev(d->vb);
	uint64_t before = vblk_sectors(d->vb), changes = virtio_stats(vd)->config_changes;
	kt_note("waiting for the host to resize the disk");
	fflush(stdout);
	for (int i = 0; i < 30 * TIMER_HZ && vblk_sectors(d->vb) == before; i++)
		timer_wait_ticks(1);
	KT_EXPECT_EQ(vblk_sectors(d->vb), 2 * DP_IMAGE_SECTORS);
	KT_EXPECT(virtio_stats(vd)->config_changes > changes);
	uint64_t pa;
	void *buf = gd_dma_alloc(DP_SECTOR, &pa);
	KT_ASSERT(buf);
	KT_EXPECT_EQ(blk_read(d, 2 * DP_IMAGE_SECTORS - 1, buf, 1), 0);	/* the new end */
	gd_dma_free(buf, DP_SECTOR);
}
