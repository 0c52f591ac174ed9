/*
 * virtio_balloon.c: the virtio balloon (device type 5).
 *
 * The device's config says how many 4 KiB pages the host wants
 * (num_pages); the driver takes that many free pages out of the kernel's
 * allocator, tells the host their frame numbers on the inflate queue,
 * and writes how many it holds (actual).  When the target drops, it
 * tells the host on the deflate queue which pages it takes back, then
 * returns them to the allocator (so VIRTIO_BALLOON_F_MUST_TELL_HOST is
 * honoured whether negotiated or not).
 *
 * The config-change interrupt only wakes the kernel's balloon thread
 * (gd_balloon_wake): taking and freeing pages, and waiting for the
 * device, happen in virtio_balloon_work on that thread, one batch of at
 * most BATCH pages per call.
 *
 * The pages held are kept in a fixed array (MAX_PAGES, 256 MiB), not in
 * memory taken from the allocator, so the kernel's free-page count
 * moves by exactly the pages in the balloon.
 */
#include <string.h>
#include <gd/env.h>
#include <gd/virtio.h>
#include <gd/virtio_balloon.h>

#define VIRTIO_BALLOON_F_MUST_TELL_HOST 0

enum { INFLATEQ, DEFLATEQ, NQUEUES };

#define CFG_NUM_PAGES	0		/* le32, device writes */
#define CFG_ACTUAL	4		/* le32, driver writes */
#define PFN_SHIFT	12		/* the balloon's page is always 4 KiB */
#define BATCH		256		/* frame numbers per request */
#define MAX_PAGES	65536
#define QUEUE_MAX	16
#define REPLY_TIMEOUT_NS 10000000000ULL

static struct balloon {
	struct virtio_dev *vd;
	struct virtq *vq[NQUEUES];
	uint32_t *batch;		/* BATCH frame numbers, DMA */
	uint64_t batch_pa;
	uint32_t pfns[MAX_PAGES];	/* the pages held, a stack */
	uint64_t move_t0;		/* when the current target was seen */
	uint32_t move_from;		/* pages held then */
	struct virtio_balloon_info st;
} bal;

/* Queue interrupts: replies are polled in send(), nothing to do here. */
static void vq_done(struct virtq *vq)
{
	(void)vq;
}

/* Sends the first n frame numbers of the batch on queue q and waits for
 * the device to hand the request back. */
static bool send(unsigned q, unsigned n)
{
	struct vq_buf b = { bal.batch_pa, n * (uint32_t)sizeof(uint32_t) };
	uint32_t len;
	if (virtq_add(bal.vq[q], &b, 1, NULL, 0, &bal) != 0) {
		gd_log("virtio-balloon: %s: %s queue full\n", bal.vd->name,
		       q == INFLATEQ ? "inflate" : "deflate");
		return false;
	}
	virtq_kick(bal.vq[q]);
	uint64_t t0 = gd_now_ns();
	while (virtq_get_buf(bal.vq[q], &len) == NULL) {
		if (gd_now_ns() - t0 > REPLY_TIMEOUT_NS) {
			gd_log("virtio-balloon: %s: no reply on the %s queue in %llu s\n",
			       bal.vd->name, q == INFLATEQ ? "inflate" : "deflate",
			       (unsigned long long)(REPLY_TIMEOUT_NS / 1000000000ULL));
			return false;
		}
		gd_wait_irq();
	}
	return true;
}

static void set_actual(void)
{
	virtio_cfg_write32(bal.vd, CFG_ACTUAL, bal.st.pages);
}

/* Gives up short of the target until the target changes again. */
static bool stuck(const char *why)
{
	if (!bal.st.stuck)
		gd_log("virtio-balloon: %s: stopped at %u of %u pages: %s\n",
		       bal.vd->name, bal.st.pages, bal.st.target, why);
	bal.st.stuck = true;
	return false;
}

/* One batch into the balloon; false when none went. */
static bool inflate(uint32_t want)
{
	unsigned n = 0;
	if (want > BATCH)
		want = BATCH;
	while (n < want) {
		uint64_t pa = gd_balloon_take_page();
		if (!pa)
			break;
		bal.batch[n++] = (uint32_t)(pa >> PFN_SHIFT);
	}
	if (n == 0)
		return stuck("the kernel has no free page to spare");
	if (!send(INFLATEQ, n)) {
		/* The host may already have dropped their contents: the pages
		 * are leaked rather than handed back to the kernel. */
		return stuck("the host did not take the inflate request");
	}
	memcpy(&bal.pfns[bal.st.pages], bal.batch, n * sizeof(uint32_t));
	bal.st.pages += n;
	bal.st.inflated += n;
	set_actual();
	return true;
}

/* One batch out of the balloon; false when none went. */
static bool deflate(uint32_t want)
{
	unsigned n = want > BATCH ? BATCH : want;
	memcpy(bal.batch, &bal.pfns[bal.st.pages - n], n * sizeof(uint32_t));
	if (!send(DEFLATEQ, n))
		return stuck("the host did not take the deflate request");
	for (unsigned i = 0; i < n; i++)
		gd_balloon_give_page((uint64_t)bal.batch[i] << PFN_SHIFT);
	bal.st.pages -= n;
	bal.st.deflated += n;
	set_actual();
	return true;
}

bool virtio_balloon_work(void)
{
	if (!bal.vd)
		return false;
	uint32_t target = virtio_cfg_read32(bal.vd, CFG_NUM_PAGES);
	if (target > MAX_PAGES) {
		if (bal.st.target != MAX_PAGES)
			gd_log("virtio-balloon: %s: target %u pages capped at %u\n",
			       bal.vd->name, target, MAX_PAGES);
		target = MAX_PAGES;
	}
	if (target != bal.st.target) {
		bal.st.stuck = false;		/* a new target: try again */
		bal.move_t0 = gd_now_ns();
		bal.move_from = bal.st.pages;
	}
	bal.st.target = target;
	if (bal.st.stuck)
		return false;
	bool moved = false;		/* a batch went through */
	if (bal.st.pages < target)
		moved = inflate(target - bal.st.pages);
	else if (bal.st.pages > target)
		moved = deflate(bal.st.pages - target);
	if (bal.st.pages == target && bal.move_t0) {
		bal.st.moved_ns = gd_now_ns() - bal.move_t0;
		bal.st.moved_pages = target > bal.move_from ? target - bal.move_from
							    : bal.move_from - target;
		bal.move_t0 = 0;
	}
	/* a short batch is no reason to stop: the next call finds out
	 * whether the kernel has pages left (and marks the balloon stuck) */
	return moved && bal.st.pages != target;
}

void virtio_balloon_info(struct virtio_balloon_info *out)
{
	uint64_t fl = gd_irq_save();
	*out = bal.st;
	gd_irq_restore(fl);
}

/* Config change (interrupt): a new target; the thread does the work. */
static void balloon_config_changed(struct virtio_dev *vd)
{
	(void)vd;
	gd_balloon_wake();
}

static int balloon_probe(struct virtio_dev *vd)
{
	static const virtq_callback cbs[NQUEUES] = { vq_done, vq_done };
	if (bal.vd) {
		gd_log("virtio-balloon: %s: %s is the balloon; not driving this one\n",
		       vd->name, bal.vd->name);
		return -1;
	}
	if (virtio_find_vqs(vd, NQUEUES, bal.vq, cbs, QUEUE_MAX) != 0) {
		gd_log("virtio-balloon: %s: cannot set up the inflate and deflate queues\n", vd->name);
		return -1;
	}
	if (!bal.batch && !(bal.batch = gd_dma_alloc(BATCH * sizeof(uint32_t), &bal.batch_pa))) {
		gd_log("virtio-balloon: %s: no memory for the request buffer\n", vd->name);
		virtio_reset(vd);
		return -1;
	}
	bal.vd = vd;
	vd->priv = &bal;
	virtio_device_ready(vd);
	bal.st.bound = true;
	bal.st.name = vd->name;
	set_actual();
	gd_balloon_start();
	gd_log("virtio-balloon: %s: ready, target %u pages\n", vd->name,
	       virtio_cfg_read32(vd, CFG_NUM_PAGES));
	gd_balloon_wake();			/* a target set before boot */
	return 0;
}

static const struct virtio_driver balloon_driver = {
	.name = "virtio-balloon",
	.device_id = VIRTIO_ID_BALLOON,
	.features = 1ULL << VIRTIO_BALLOON_F_MUST_TELL_HOST,
	.probe = balloon_probe,
	.config_changed = balloon_config_changed,
};

int virtio_balloon_init(void)
{
	return virtio_register_driver(&balloon_driver);
}
