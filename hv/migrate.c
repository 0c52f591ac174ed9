/* migrate.c: live migration between two hv processes over a Unix
 * socket (migrate.h, hv/hv.md "Live migration").
 *
 * Source (the control socket's "migrate", run in the control thread
 * while the vCPU thread keeps running the guest):
 *   1. connect, HELLO (RAM size, backend, ROM, virtio devices);
 *   2. turn on KVM's dirty log for both RAM slots
 *      (KVM_MEM_LOG_DIRTY_PAGES), then round 0: every non-zero page;
 *   3. rounds 1..: the pages KVM_GET_DIRTY_LOG says the guest wrote
 *      since the last round, plus those hv itself touched on the
 *      guest's behalf (gmem_range marks them: hv's own stores bypass
 *      KVM's log), until few are left or rounds stop shrinking;
 *   4. stop-and-copy: the vCPU thread settles the vCPU, writes the
 *      state sections (snapshot.c) and parks; the last dirty pages, the
 *      pages hv keeps pointers into (the Xen-like shared info), the
 *      state, END;
 *   5. wait for RUNNING: only then does the source end (status 0).  A
 *      failure before it: the guest resumes on the source.
 * Downtime is from the park to RUNNING: the interval in which the
 * guest runs nowhere.
 *
 * Destination (--incoming PATH): listens, takes one source, checks
 * HELLO against its own -m, backend, ROM and, once it made its own,
 * virtio devices (refusing with the reason before any page is sent;
 * WELCOME otherwise), writes pages into RAM
 * (every range through gmem_range: the source is checked like a
 * snapshot file), parses the state with snap_parse, loads it, and
 * says RUNNING right before its first KVM_RUN. */
#include "migrate.h"
#include "snapshot.h"
#include "snap_kvm.h"
#include "control.h"
#include "hcall.h"
#include "backend.h"
#include "devices/virtio_pci.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MIG_MAGIC       0x4d4947564848ull     /* "HHVGIM" */
#define MIG_HELLO       1
#define MIG_PAGES       2       /* a: gpa, b: pages; b * 4096 bytes follow */
#define MIG_STATE       3       /* b: bytes of a snapshot without memory */
#define MIG_END         4
#define MIG_RUNNING     5       /* destination -> source */
#define MIG_WELCOME     6       /* destination -> source: HELLO accepted */
#define MIG_REFUSE      7       /* destination -> source: b bytes of why */
#define MIG_MAX_WHY     240
#define MIG_MAX_RUN     256     /* pages per PAGES record */
#define MIG_MAX_ROUNDS  30
#define MIG_DONE_PAGES  64      /* few enough to stop and copy */

struct mig_rec {
	uint32_t type, reserved;
	uint64_t a, b;
};

/* HELLO's record, then rom_len bytes of ROM, then ndev struct
 * vdev_ident: what the destination checks before any page. */
struct mig_hello {
	uint64_t magic, mem_size;
	char backend[16];
	uint32_t rom_len, ndev;
};

/* Slots of vm.c: 0 is RAM below 0xA0000, 2 is RAM from 1 MiB. */
static const struct { unsigned slot; uint64_t gpa; } mig_slot[2] = {
	{ 0, 0 }, { 2, GMEM_HOLE_END },
};

static double mig_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int mig_write(int fd, const void *p, size_t len)
{
	const uint8_t *c = p;

	while (len) {
		ssize_t n = send(fd, c, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		c += n;
		len -= (size_t)n;
	}
	return 0;
}

static int mig_read(int fd, void *p, size_t len)
{
	uint8_t *c = p;

	while (len) {
		ssize_t n = recv(fd, c, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		c += n;
		len -= (size_t)n;
	}
	return 0;
}

static int mig_rec_send(int fd, uint32_t type, uint64_t a, uint64_t b)
{
	struct mig_rec r = { .type = type, .a = a, .b = b };
	return mig_write(fd, &r, sizeof(r));
}

/* A path, or "@name" in the abstract namespace, as an address. */
static socklen_t mig_addr(const char *path, struct sockaddr_un *a)
{
	size_t n = strlen(path);

	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (n == 0 || n >= sizeof(a->sun_path))
		return 0;
	memcpy(a->sun_path, path, n);
	if (path[0] == '@')
		a->sun_path[0] = '\0';
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (path[0] != '@'));
}

/* ---- source ---------------------------------------------------------- */

struct mig_src {
	struct hv *hv;
	int fd;
	uint64_t npages;                /* RAM pages */
	uint64_t *bits;                 /* dirty pages to send, one bit each */
	uint64_t *kvm;                  /* one slot's KVM bitmap */
	uint64_t sent, rounds[MIG_MAX_ROUNDS + 2];
	unsigned nrounds;
	struct snap_buf state;
	char *err;
	size_t errlen;
	int failed;
};

static int mig_log(struct hv *hv, int on)
{
	uint64_t size[2] = { GMEM_HOLE_START, hv->gm.size - GMEM_HOLE_END };

	for (unsigned i = 0; i < 2; i++) {
		struct kvm_userspace_memory_region r = {
			.slot = mig_slot[i].slot, .flags = on ? KVM_MEM_LOG_DIRTY_PAGES : 0,
			.guest_phys_addr = mig_slot[i].gpa, .memory_size = size[i],
			.userspace_addr = (uintptr_t)(hv->gm.ram + mig_slot[i].gpa),
		};
		if (ioctl(hv->vm, KVM_SET_USER_MEMORY_REGION, &r) < 0)
			return -1;
	}
	return 0;
}

/* KVM's log of both slots (and hv's own marks) into m->bits. */
static int mig_collect(struct mig_src *m)
{
	struct hv *hv = m->hv;
	uint64_t words = (m->npages + 63) / 64;

	for (unsigned i = 0; i < 2; i++) {
		struct kvm_dirty_log d = { .slot = mig_slot[i].slot };
		uint64_t first = mig_slot[i].gpa / SNAP_PAGE;
		uint64_t n = i ? m->npages - first : GMEM_HOLE_START / SNAP_PAGE;

		memset(m->kvm, 0, words * 8);
		d.dirty_bitmap = m->kvm;
		if (ioctl(hv->vm, KVM_GET_DIRTY_LOG, &d) < 0)
			return -1;
		for (uint64_t p = 0; p < n; p++)
			if (m->kvm[p / 64] >> (p % 64) & 1)
				m->bits[(first + p) / 64] |= 1ull << ((first + p) % 64);
	}
	for (uint64_t w = 0; w < words; w++)
		m->bits[w] |= __atomic_exchange_n(&gmem_dirty[w], 0, __ATOMIC_ACQ_REL);
	return 0;
}

/* Sends the marked pages in runs, clearing the marks: pages sent. */
static uint64_t mig_send_marked(struct mig_src *m)
{
	uint64_t sent = 0, p = 0;

	while (p < m->npages && !m->failed) {
		uint64_t n = 0;
		if (!(m->bits[p / 64] >> (p % 64) & 1)) {
			p++;
			continue;
		}
		while (p + n < m->npages && n < MIG_MAX_RUN &&
		       (m->bits[(p + n) / 64] >> ((p + n) % 64) & 1)) {
			m->bits[(p + n) / 64] &= ~(1ull << ((p + n) % 64));
			n++;
		}
		if (mig_rec_send(m->fd, MIG_PAGES, p * SNAP_PAGE, n) ||
		    mig_write(m->fd, m->hv->gm.ram + p * SNAP_PAGE, n * SNAP_PAGE))
			m->failed = 1;
		sent += n;
		p += n;
	}
	return sent;
}

/* Round 0: every non-zero page of RAM (the destination's is zero). */
static void mig_mark_nonzero(struct mig_src *m)
{
	for (uint64_t p = 0; p < m->npages; p++) {
		const uint64_t *w = (const uint64_t *)(m->hv->gm.ram + p * SNAP_PAGE);
		uint64_t acc = 0;
		if (p * SNAP_PAGE >= GMEM_HOLE_START && p * SNAP_PAGE < GMEM_HOLE_END)
			continue;
		for (unsigned i = 0; i < SNAP_PAGE / 8; i++)
			acc |= w[i];
		if (acc)
			m->bits[p / 64] |= 1ull << (p % 64);
	}
}

/* In the vCPU thread: settle, capture the state, park the guest. */
static void mig_stop(struct hv *hv, void *arg)
{
	struct mig_src *m = arg;

	hv->paused = 1;
	uart__flush();
	if (snap_vcpu_settle(hv, m->err, m->errlen) ||
	    snapshot__state(hv, &m->state, m->err, m->errlen))
		m->failed = 1;
}

static void mig_resume(struct hv *hv, void *arg)
{
	(void)arg;
	hv->paused = 0;
}

/* The state as a memory-less snapshot: header, sections, no extents. */
static uint8_t *mig_state_file(struct mig_src *m, size_t *len)
{
	struct snap_header h = { .magic = SNAP_MAGIC, .version = SNAP_VERSION,
		.header_size = sizeof(h), .mem_size = m->hv->gm.size,
		.sect_off = SNAP_SECT_OFF, .page_size = SNAP_PAGE };
	uint8_t *f;

	snap_put(&m->state, "mem.extents", NULL, 0);
	if (m->state.failed)
		return NULL;
	h.sect_len = m->state.len;
	h.nsect = m->state.nsect;
	h.data_off = (SNAP_SECT_OFF + m->state.len + SNAP_PAGE - 1) & ~(SNAP_PAGE - 1);
	h.file_size = h.data_off;
	f = calloc(1, h.file_size);
	if (f == NULL)
		return NULL;
	memcpy(f, &h, sizeof(h));
	memcpy(f + SNAP_SECT_OFF, m->state.p, m->state.len);
	*len = h.file_size;
	return f;
}

/* Pages hv holds pointers into and writes without gmem_range (the
 * Xen-like shared info): sent again with the vCPU stopped. */
static void mig_mark_host_pages(struct mig_src *m, const uint8_t *f, size_t len)
{
	static struct snap_view v;
	char err[256];

	if (snap_parse(f, len, GMEM_MAX_SIZE, &v, err, sizeof(err)) == 0 &&
	    v.has_xl && v.xl.ready)
		m->bits[v.xl.sh_gpa / SNAP_PAGE / 64] |= 1ull << (v.xl.sh_gpa / SNAP_PAGE % 64);
}

static int mig_fail(struct mig_src *m, const char *what)
{
	if (m->err[0] == '\0')
		snprintf(m->err, m->errlen, "%s: %s", what, errno ? strerror(errno) : "failed");
	m->failed = 1;
	return -1;
}

static int mig_connect(struct mig_src *m, const char *path)
{
	struct sockaddr_un a;
	socklen_t alen = mig_addr(path, &a);
	struct timeval tv = { .tv_sec = 30 };

	m->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (alen == 0 || m->fd < 0 || connect(m->fd, (struct sockaddr *)&a, alen))
		return mig_fail(m, path);
	setsockopt(m->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return 0;
}

/* The destination's answer: WANT, or REFUSE with its reason, which
 * becomes the migrate command's error (the guest stays here). */
static int mig_answer(struct mig_src *m, uint32_t want, const char *what)
{
	struct mig_rec r;
	char why[MIG_MAX_WHY + 1];

	errno = 0;
	if (mig_read(m->fd, &r, sizeof(r))) {
		if (errno == 0 && m->err[0] == '\0')
			snprintf(m->err, m->errlen, "%s: it closed the connection", what);
		return mig_fail(m, what);
	}
	if (r.type == want)
		return 0;
	if (r.type == MIG_REFUSE && r.b <= MIG_MAX_WHY && mig_read(m->fd, why, r.b) == 0) {
		why[r.b] = '\0';
		for (uint64_t i = 0; i < r.b; i++)
			if (why[i] < 0x20 || why[i] > 0x7e)
				why[i] = '?';
		snprintf(m->err, m->errlen, "the destination refused: %s", why);
		m->failed = 1;
		return -1;
	}
	errno = 0;
	return mig_fail(m, what);
}

static int mig_hello(struct mig_src *m)
{
	struct hv *hv = m->hv;
	struct vdev_ident id[PCI_MAX_SLOTS];
	struct mig_hello h = { .magic = MIG_MAGIC, .mem_size = hv->gm.size,
			       .rom_len = hv->rom_len, .ndev = vdev__ident(id, PCI_MAX_SLOTS) };

	snprintf(h.backend, sizeof(h.backend), "%s", hv->opt.backend);
	if (mig_rec_send(m->fd, MIG_HELLO, 0, sizeof(h)) || mig_write(m->fd, &h, sizeof(h)) ||
	    mig_write(m->fd, hv->hole + (GMEM_ROM_BASE - GMEM_HOLE_START), hv->rom_len) ||
	    mig_write(m->fd, id, h.ndev * sizeof(id[0])))
		return mig_fail(m, "sending HELLO");
	return mig_answer(m, MIG_WELCOME, "the destination did not answer HELLO");
}

/* Pre-copy: round 0, then dirty rounds until few pages are left. */
static int mig_precopy(struct mig_src *m)
{
	uint64_t last = UINT64_MAX;

	mig_mark_nonzero(m);
	for (;;) {
		uint64_t n = mig_send_marked(m);
		if (m->failed)
			return mig_fail(m, "sending pages");
		m->rounds[m->nrounds++] = n;
		m->sent += n;
		fprintf(stderr, "hv: migrate: round %u: %llu pages\n", m->nrounds - 1,
			(unsigned long long)n);
		if (mig_collect(m))
			return mig_fail(m, "KVM_GET_DIRTY_LOG");
		n = 0;
		for (uint64_t w = 0; w < (m->npages + 63) / 64; w++)
			n += (uint64_t)__builtin_popcountll(m->bits[w]);
		if (n <= MIG_DONE_PAGES || m->nrounds >= MIG_MAX_ROUNDS ||
		    (m->nrounds >= 5 && n >= last))
			return 0;
		last = n;
	}
}

/* Stop and copy: the last pages and the state, then RUNNING back. */
static int mig_finish(struct mig_src *m, double *down)
{
	uint8_t *f;
	size_t flen = 0;
	uint64_t n;
	double t0;

	if (control__call(mig_stop, m))
		return mig_fail(m, "stopping the vCPU");
	t0 = mig_ms();
	if (m->failed)
		return -1;
	f = mig_state_file(m, &flen);
	if (f == NULL || mig_collect(m))
		return mig_fail(m, "the last round");
	mig_mark_host_pages(m, f, flen);
	n = mig_send_marked(m);
	m->rounds[m->nrounds++] = n;
	m->sent += n;
	fprintf(stderr, "hv: migrate: round %u (guest stopped): %llu pages\n",
		m->nrounds - 1, (unsigned long long)n);
	if (m->failed || mig_rec_send(m->fd, MIG_STATE, 0, flen) || mig_write(m->fd, f, flen) ||
	    mig_rec_send(m->fd, MIG_END, 0, 0)) {
		free(f);
		return mig_fail(m, "sending the state");
	}
	free(f);
	if (mig_answer(m, MIG_RUNNING, "the destination did not say it runs the guest"))
		return -1;
	*down = mig_ms() - t0;
	return 0;
}

static json_object *mig_report(struct mig_src *m, double total, double down)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();

	for (unsigned i = 0; i < m->nrounds; i++)
		json_object_array_add(a, json_object_new_int64((int64_t)m->rounds[i]));
	json_object_object_add(o, "rounds", a);
	json_object_object_add(o, "pages", json_object_new_int64((int64_t)m->sent));
	json_object_object_add(o, "total-ms", json_object_new_double(total));
	json_object_object_add(o, "downtime-ms", json_object_new_double(down));
	fprintf(stderr, "hv: migrate: %u rounds, %llu pages, total %.1f ms, downtime %.1f ms\n",
		m->nrounds, (unsigned long long)m->sent, total, down);
	return o;
}

json_object *migrate__send(struct hv *hv, const char *uri, char *err, size_t errlen)
{
	struct mig_src m = { .hv = hv, .fd = -1, .err = err, .errlen = errlen };
	const char *path = strncmp(uri, "unix:", 5) == 0 ? uri + 5 : uri;
	uint64_t words;
	double t0 = mig_ms(), down = 0;
	json_object *rep = NULL;

	err[0] = '\0';
	m.npages = hv->gm.size / SNAP_PAGE;
	words = (m.npages + 63) / 64;
	m.bits = calloc(words, 8);
	m.kvm = calloc(words, 8);
	gmem_dirty = calloc(words, 8);
	if (!m.bits || !m.kvm || !gmem_dirty) {
		snprintf(err, errlen, "out of memory");
	} else if (mig_connect(&m, path) == 0 && mig_hello(&m) == 0) {
		if (mig_log(hv, 1))
			mig_fail(&m, "KVM_MEM_LOG_DIRTY_PAGES");
		else if (mig_precopy(&m) == 0 && mig_finish(&m, &down) == 0)
			rep = mig_report(&m, mig_ms() - t0, down);
	}
	if (rep == NULL) {                      /* the guest stays here */
		gmem_dirty = NULL;              /* (left allocated: the vCPU may read it) */
		mig_log(hv, 0);
		if (hv->paused)
			control__call(mig_resume, NULL);
	}
	if (m.fd >= 0)
		close(m.fd);
	free(m.bits);
	free(m.kvm);
	snap_buf_free(&m.state);
	return rep;
}

/* ---- destination ----------------------------------------------------- */

static int mig_in = -1;
static char mig_from[16];       /* the backend the guest ran under at the source */
static struct vdev_ident mig_dev[PCI_MAX_SLOTS];        /* the source's devices */
static unsigned mig_ndev;

static int mig_place_rom(struct hv *hv, const uint8_t *rom, uint32_t len);

static int mig_refuse(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int mig_refuse(const char *fmt, ...)
{
	va_list ap;

	char why[MIG_MAX_WHY + 1];
	int n;

	va_start(ap, fmt);
	n = vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if (n > MIG_MAX_WHY)
		n = MIG_MAX_WHY;
	fprintf(stderr, "hv: --incoming: %s\n", why);
	/* The source learns why (a best effort: it may be gone). */
	if (mig_in >= 0 && mig_rec_send(mig_in, MIG_REFUSE, 0, (uint64_t)n) == 0)
		mig_write(mig_in, why, (size_t)n);
	return HV_EXIT_IMAGE;
}

/* Listen, take one source, check its HELLO against this hv (its
 * devices: in migrate__receive, once this hv's exist). */
int migrate__accept(struct hv *hv, const char *path)
{
	struct sockaddr_un a;
	socklen_t alen = mig_addr(path, &a);
	struct mig_hello h;
	struct mig_rec r;
	int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	static uint8_t rom[SNAP_MAX_ROM];

	if (path[0] != '@')
		unlink(path);
	if (alen == 0 || lfd < 0 || bind(lfd, (struct sockaddr *)&a, alen) || listen(lfd, 1)) {
		fprintf(stderr, "hv: --incoming %s: %s\n", path, strerror(errno));
		return HV_EXIT_INTERNAL;
	}
	/* --timeout bounds the wait for a source too. */
	struct pollfd pfd = { .fd = lfd, .events = POLLIN };
	int ms = hv->opt.timeout > 0 ? (int)(hv->opt.timeout * 1000) : -1, n;
	while ((n = poll(&pfd, 1, ms)) < 0 && errno == EINTR)
		;
	if (n == 0) {
		fprintf(stderr, "hv: --incoming %s: no source connected within %g s (--timeout)\n",
			path, hv->opt.timeout);
		close(lfd);
		return HV_EXIT_TIMEOUT;
	}
	if (n < 0 || (mig_in = accept(lfd, NULL, NULL)) < 0) {
		fprintf(stderr, "hv: --incoming %s: %s\n", path, strerror(errno));
		return HV_EXIT_INTERNAL;
	}
	close(lfd);
	/* A source that stops sending for 30 s is gone. */
	struct timeval tv = { .tv_sec = 30 };
	setsockopt(mig_in, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (mig_read(mig_in, &r, sizeof(r)) || r.type != MIG_HELLO || r.b != sizeof(h) ||
	    mig_read(mig_in, &h, sizeof(h)) || h.magic != MIG_MAGIC ||
	    h.backend[sizeof(h.backend) - 1] || h.rom_len > SNAP_MAX_ROM ||
	    h.ndev > PCI_MAX_SLOTS)
		return mig_refuse("%s: no valid HELLO from the source", path);
	if (mig_read(mig_in, rom, h.rom_len))
		return mig_refuse("%s: the ROM did not arrive", path);
	mig_ndev = h.ndev;
	if (mig_read(mig_in, mig_dev, h.ndev * sizeof(mig_dev[0])))
		return mig_refuse("%s: the device list did not arrive", path);
	if (h.mem_size != hv->gm.size)
		return mig_refuse("the guest has %llu bytes of RAM (%llu MiB) and this hv %llu: start it with -m %lluM",
				  (unsigned long long)h.mem_size, (unsigned long long)(h.mem_size >> 20),
				  (unsigned long long)hv->gm.size, (unsigned long long)(h.mem_size >> 20));
	if (hv_backend_find(h.backend) == NULL)
		return mig_refuse("the guest runs under backend %s, unknown to this hv", h.backend);
	snprintf(mig_from, sizeof(mig_from), "%s", h.backend);
	return mig_place_rom(hv, rom, h.rom_len);
}

/* As a restore does (snapshot__configure, snapshot__load_rom): the
 * source's backend is the one initialised here; another --backend, or
 * a --rom other than the guest's, is a re-bind once the state is in
 * (snapshot__load_state).  The source's ROM goes into the window only
 * when the guest stays on its backend and no --rom was given. */
static int mig_place_rom(struct hv *hv, const uint8_t *rom, uint32_t len)
{
	uint8_t *win = hv->hole + (GMEM_ROM_BASE - GMEM_HOLE_START);

	if (!hv->opt.backend_given)
		hv->opt.backend = mig_from;
	else if (strcmp(mig_from, hv->opt.backend) != 0)
		hv->restore_from = mig_from;
	if (hv->opt.rom) {              /* loaded by main.c before the accept */
		if ((hv->rom_len != len || memcmp(win, rom, len) != 0) && !hv->restore_from)
			hv->restore_from = mig_from;
	} else if (hv->restore_from) {
		hv->rom_len = 0;        /* another backend, no --rom: no ROM */
	} else {
		memcpy(win, rom, len);
		hv->rom_len = len;
	}
	return 0;
}

/* Pages and state until END; everything checked as a snapshot is. */
int migrate__receive(struct hv *hv, const char *path)
{
	static struct snap_view v;
	struct mig_rec r;
	char err[256];
	int rc, loaded = 0;

	/* This hv's devices exist now (main.c): the source's must match
	 * them before it sends a page. */
	if (vdev__match(mig_dev, mig_ndev, err, sizeof(err)))
		return mig_refuse("%s", err);
	if (mig_rec_send(mig_in, MIG_WELCOME, 0, 0))
		return mig_refuse("%s: the source went away", path);
	for (;;) {
		if (mig_read(mig_in, &r, sizeof(r)))
			return mig_refuse("%s: the source went away", path);
		if (r.type == MIG_END && loaded)
			break;
		if (r.type == MIG_PAGES) {
			uint8_t *p = r.b <= MIG_MAX_RUN ?
				gmem_range(&hv->gm, r.a, r.b * SNAP_PAGE) : NULL;
			if (p == NULL || r.a % SNAP_PAGE || mig_read(mig_in, p, r.b * SNAP_PAGE))
				return mig_refuse("%s: bad pages at %llu", path, (unsigned long long)r.a);
		} else if (r.type == MIG_STATE && r.b <= 2 * SNAP_MAX_SECT_LEN) {
			uint8_t *f = malloc(r.b ? r.b : 1);
			if (f == NULL || mig_read(mig_in, f, r.b))
				return mig_refuse("%s: the state did not arrive", path);
			if (snap_parse(f, r.b, GMEM_MAX_SIZE, &v, err, sizeof(err)))
				return mig_refuse("the state: %s", err);
			if (v.h->mem_size != hv->gm.size || strcmp(v.cfg.backend, mig_from))
				return mig_refuse("the state disagrees with HELLO");
			if ((rc = snapshot__load_state_why(hv, &v, err, sizeof(err))) != 0) {
				mig_refuse("the state: %s", err);
				return rc;      /* the source resumes the guest */
			}
			loaded = 1;
		} else {
			return mig_refuse("%s: unknown record %llu", path, (unsigned long long)r.type);
		}
	}
	return 0;
}

void migrate__confirm(struct hv *hv)
{
	(void)hv;
	if (mig_in < 0)
		return;
	if (mig_rec_send(mig_in, MIG_RUNNING, 0, 0))
		fprintf(stderr, "hv: --incoming: could not tell the source: %s\n", strerror(errno));
	close(mig_in);
	mig_in = -1;
}
