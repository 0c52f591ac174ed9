/* virtio_balloon.c: virtio-balloon (no optional features).
 *
 * The target (config num_pages, 4 KiB pages) starts at --balloon MIB
 * and follows --balloon-control FILE: a helper thread reads FILE every
 * VBAL_POLL_MS and, when its content changes to a number of MiB, hands
 * the new target to the vCPU thread (a signal kicks it out of KVM_RUN;
 * the thread kicks again until the target is taken), which updates the
 * config and raises a config-change interrupt.  Device state is only
 * ever touched by the vCPU thread.
 *
 * Inflate (queue 0): each le32 PFN names a page of guest RAM; hv drops
 * its backing with madvise(MADV_DONTNEED) (the page reads as zero when
 * the guest touches it again).  Deflate (queue 1) forgets it.  A PFN
 * outside RAM or in the 0xA0000-0xFFFFF window is skipped and counted:
 * the ring itself was fine.  The inflated pages are a bitmap, so a page
 * given twice counts once; their number is in --stats and stats-port
 * selector 0x00050000. */
#include "virtio_dev.h"
#include "virtio_pci.h"
#include "../snapshot.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define VBAL_CFG_LEN   8                /* num_pages, actual */
#define VBAL_INFLATEQ  0
#define VBAL_DEFLATEQ  1
#define VBAL_POLL_MS   100
#define VBAL_NONE      UINT32_MAX
#define PAGE           4096ull

struct vballoon {
	struct vdev v;
	uint64_t ram_pages;
	uint8_t *map;                   /* one bit per page of guest RAM */
	uint64_t inflates, deflates, bad_pfns;
	const char *control;
	char seen[64];                  /* the control file's content last read */
	pthread_t vcpu, thread;
	uint32_t target;                /* pages, as in the config */
	uint32_t pending;               /* from the thread, atomic; VBAL_NONE */
};

static struct vballoon vbal;

/* The control file's content, trimmed, into buf: 0, or -1 with errno. */
static int vbal_read(const char *file, char *buf, size_t size)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' ' || buf[n - 1] == '\r'))
		n--;
	buf[n] = '\0';
	return 0;
}

/* MiB as decimal digits, at most the guest's RAM: pages, or VBAL_NONE. */
static uint32_t vbal_parse(const char *s, uint64_t ram_pages)
{
	uint64_t mib = 0;

	if (*s == '\0')
		return VBAL_NONE;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || mib > ram_pages)
			return VBAL_NONE;
		mib = mib * 10 + (uint64_t)(*s - '0');
	}
	return mib * 256 <= ram_pages ? (uint32_t)(mib * 256) : VBAL_NONE;
}

static void vbal_kick_signal(int sig) { (void)sig; }

/* The control thread: never touches device state, only vbal.pending. */
static void *vbal_thread(void *arg)
{
	struct timespec ts = { 0, VBAL_POLL_MS * 1000000L };
	char buf[sizeof(vbal.seen)];
	(void)arg;

	for (;;) {
		nanosleep(&ts, NULL);
		if (vbal_read(vbal.control, buf, sizeof(buf)) == 0 && strcmp(buf, vbal.seen)) {
			uint32_t t = vbal_parse(buf, vbal.ram_pages);
			snprintf(vbal.seen, sizeof(vbal.seen), "%s", buf);
			if (t == VBAL_NONE)
				fprintf(stderr, "hv: balloon-control %s: '%s' is not a number "
					"of MiB up to the guest's RAM; target unchanged\n",
					vbal.control, buf);
			else
				__atomic_store_n(&vbal.pending, t, __ATOMIC_RELEASE);
		}
		if (__atomic_load_n(&vbal.pending, __ATOMIC_ACQUIRE) != VBAL_NONE)
			pthread_kill(vbal.vcpu, SIGRTMIN + 2);
	}
	return NULL;
}

static void vbal_set_target(struct hv *hv, uint32_t pages)
{
	vbal.target = pages;
	memcpy(&vbal.v.cfg[0], &pages, 4);
	vdev__config_changed(hv, &vbal.v);
}

/* Run loop, vCPU stopped: take a target the thread left. */
static void vbal_poll(struct hv *hv, struct vdev *v)
{
	uint32_t t = __atomic_exchange_n(&vbal.pending, VBAL_NONE, __ATOMIC_ACQ_REL);
	(void)v;

	if (t != VBAL_NONE && t != vbal.target)
		vbal_set_target(hv, t);
}

static void vbal_page(struct hv *hv, uint32_t pfn, bool inflate)
{
	uint64_t gpa = (uint64_t)pfn * PAGE;
	uint8_t *p = gmem_range(&hv->gm, gpa, PAGE), bit = (uint8_t)(1u << (pfn & 7));
	bool in;

	if (p == NULL) {
		vbal.bad_pfns++;
		return;
	}
	in = vbal.map[pfn >> 3] & bit;
	if (inflate && !in) {
		madvise(p, PAGE, MADV_DONTNEED);
		vbal.map[pfn >> 3] |= bit;
		hv->stats.balloon_pages++;
	} else if (!inflate && in) {
		vbal.map[pfn >> 3] &= (uint8_t)~bit;
		hv->stats.balloon_pages--;
	}
}

static uint32_t vbal_req(struct hv *hv, struct vdev *v, unsigned q, struct virtq_chain *c)
{
	uint32_t pfn[256];
	uint64_t off = 0, n;
	(void)v;

	while ((n = virtq_copy_out(c, off, pfn, sizeof(pfn)) / 4) > 0) {
		for (uint64_t i = 0; i < n; i++)
			vbal_page(hv, pfn[i], q == VBAL_INFLATEQ);
		off += n * 4;
		if (q == VBAL_INFLATEQ)
			vbal.inflates += n;
		else
			vbal.deflates += n;
	}
	return 0;
}

static void vbal_notify(struct hv *hv, struct vdev *v, unsigned q)
{
	vdev__process(hv, v, q, vbal_req);
}

static void vbal_stats(struct hv *hv, struct vdev *v)
{
	uint32_t actual;
	(void)v;

	memcpy(&actual, &vbal.v.cfg[4], 4);
	fprintf(stderr, "hv: stats:     balloon %" PRIu64 " pages (%" PRIu64 " KiB), target %u"
		" pages, guest says %u; inflated %" PRIu64 " deflated %" PRIu64
		" bad pfns %" PRIu64 "\n", hv->stats.balloon_pages,
		hv->stats.balloon_pages * 4, vbal.target, actual, vbal.inflates,
		vbal.deflates, vbal.bad_pfns);
	fprintf(stderr, "hv: stats:     resident: guest RAM %" PRIu64 " KiB of %" PRIu64
		" KiB, hv %" PRIu64 " KiB\n", stats__guest_resident(hv) * 4,
		hv->gm.size / 1024, stats__rss_pages() * 4);
}

/* Snapshots (issue 14): target, counters and the bitmap of inflated
 * pages.  Those pages are zero (dropped) when saved, so the snapshot
 * leaves them out and the restored guest's stay unbacked too.  A target
 * the control thread left and the vCPU has not taken yet is taken
 * first, so it is not lost between the two hv's. */
static size_t vbal_state_len(struct hv *hv, struct vdev *v)
{
	(void)hv; (void)v;
	return sizeof(struct snap_vbal) + (vbal.ram_pages + 8) / 8;
}

static void vbal_save(struct hv *hv, struct vdev *v, uint8_t *tail)
{
	struct snap_vbal s;

	vbal_poll(hv, v);
	s = (struct snap_vbal){ .target = vbal.target, .ram_pages = vbal.ram_pages,
		.pages = hv->stats.balloon_pages, .inflates = vbal.inflates,
		.deflates = vbal.deflates, .bad_pfns = vbal.bad_pfns };
	memcpy(tail, &s, sizeof(s));
	memcpy(tail + sizeof(s), vbal.map, (vbal.ram_pages + 8) / 8);
}

static int vbal_load(struct hv *hv, struct vdev *v, const uint8_t *tail,
		     char *err, size_t errlen)
{
	struct snap_vbal s;
	(void)v; (void)err; (void)errlen;

	memcpy(&s, tail, sizeof(s));
	vbal.target = s.target;         /* cfg[0..3] came back with the transport's */
	memcpy(&vbal.v.cfg[0], &s.target, 4);
	vbal.inflates = s.inflates;
	vbal.deflates = s.deflates;
	vbal.bad_pfns = s.bad_pfns;
	memcpy(vbal.map, tail + sizeof(s), (vbal.ram_pages + 8) / 8);
	hv->stats.balloon_pages = s.pages;
	return 0;
}

static const struct vdev_ops vbal_ops = {
	.kind = "virtio-balloon", .id = VIRTIO_ID_BALLOON, .pci_class = 0x00ff00,
	.nqueues = 2, .notify = vbal_notify, .poll = vbal_poll, .stats = vbal_stats,
	.state_len = vbal_state_len, .save = vbal_save, .load = vbal_load,
};

/* Before KVM: the target in range, the control file readable. */
int vballoon__open(struct hv *hv)
{
	vbal.ram_pages = hv->gm.size / PAGE;
	vbal.control = hv->opt.balloon_control;
	vbal.pending = VBAL_NONE;
	if ((uint64_t)hv->opt.balloon_mib * 256 > vbal.ram_pages) {
		fprintf(stderr, "hv: --balloon %" PRId64 ": more than the guest's %" PRIu64
			" MiB of RAM\n", hv->opt.balloon_mib, hv->gm.size >> 20);
		return HV_EXIT_USAGE;
	}
	vbal.target = (uint32_t)(hv->opt.balloon_mib * 256);
	if (vbal.control && vbal_read(vbal.control, vbal.seen, sizeof(vbal.seen))) {
		fprintf(stderr, "hv: balloon-control %s: %s\n", vbal.control, strerror(errno));
		return HV_EXIT_IMAGE;
	}
	return 0;
}

int vballoon__add(struct hv *hv)
{
	struct sigaction sa = { .sa_handler = vbal_kick_signal, .sa_flags = SA_RESTART };

	vbal.map = calloc((vbal.ram_pages + 8) / 8, 1);
	if (vbal.map == NULL)
		return -1;
	vbal.v.priv = &vbal;
	memcpy(&vbal.v.cfg[0], &vbal.target, 4);
	memset(&vbal.v.cfg_wmask[4], 0xff, 4);  /* actual: the driver's */
	if (vdev__add(hv, &vbal.v, &vbal_ops, 0, VBAL_CFG_LEN))
		return -1;
	if (vbal.control == NULL)
		return 0;
	vbal.vcpu = pthread_self();
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGRTMIN + 2, &sa, NULL) ||
	    pthread_create(&vbal.thread, NULL, vbal_thread, NULL)) {
		fprintf(stderr, "hv: balloon-control thread: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/* Issue 14: QMP's balloon command asks for the guest's memory to
 * become `bytes`: the target is what the balloon must hold. */
int vballoon__target(struct hv *hv, uint64_t bytes, char *err, size_t errlen)
{
	uint64_t ram = hv->gm.size;

	if (vbal.map == NULL) {
		snprintf(err, errlen, "no balloon: start hv with --balloon or --balloon-control");
		return -1;
	}
	if (bytes > ram || bytes < (1ull << 20)) {
		snprintf(err, errlen, "value %llu: want 1 MiB up to the guest's %llu bytes",
			 (unsigned long long)bytes, (unsigned long long)ram);
		return -1;
	}
	vbal_set_target(hv, (uint32_t)((ram - bytes) / PAGE));
	return 0;
}
