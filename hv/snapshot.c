/* snapshot.c: hv's snapshots (issue 14): write a running guest to a
 * file (the control socket's "snapshot"), and resume one in a new hv
 * process (--restore FILE).  The format and its checks are
 * snap_format.c; the KVM state snap_kvm.c; this file puts them together
 * with guest memory, hv's own devices and the backend's host side.
 *
 * Memory: pages that are all zero are left out; the rest are written
 * as extents (runs of pages) in one page-aligned part of the file.
 * Restore maps each extent into guest RAM (MAP_PRIVATE|MAP_FIXED: the
 * guest's writes stay in hv, the file is never changed), so resuming
 * costs a few mmap calls however big the guest; --restore-read reads
 * them instead (for comparison; hv/hv.md has both figures). */
#include "snapshot.h"
#include "snap_kvm.h"
#include "hcall.h"
#include "backend.h"
#include "devices/virtio_pci.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* hv/rebind.h (helper `rebind`): a guest saved under backend `from`
 * resumes under this hv's.  Until that code is linked in, this weak
 * stand-in refuses, so a cross-backend restore never half-works. */
int rebind__switch(struct hv *hv, const char *from, char *err, size_t errlen);
__attribute__((weak)) int rebind__switch(struct hv *hv, const char *from,
					 char *err, size_t errlen)
{
	snprintf(err, errlen, "the snapshot ran under backend %s (or another ROM); "
		 "this hv cannot re-bind it to --backend %s: restore it with "
		 "--backend %s and its own ROM", from, hv->opt.backend, from);
	return -1;
}

static struct {
	const char *file;
	int fd;
	uint8_t *map;
	size_t len;
	struct snap_view v;
	int rom_from_file;      /* --rom given: the ROM comes from it */
	double t0;
} snap_in = { .fd = -1 };

static double snap_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

const struct snap_view *snapshot__view(void)
{
	return snap_in.map ? &snap_in.v : NULL;
}

/* ---- save ------------------------------------------------------------ */

static int snap_page_zero(const uint8_t *p)
{
	const uint64_t *w = (const uint64_t *)p;
	uint64_t acc = 0;

	for (unsigned i = 0; i < SNAP_PAGE / 8; i++)
		acc |= w[i];
	return acc == 0;
}

/* The runs of non-zero pages of RAM, outside the 0xA0000-0xFFFFF
 * window (whose host bytes are not what the guest sees). */
static struct snap_extent *snap_scan(struct hv *hv, uint64_t *n_out, uint64_t *pages_out)
{
	uint64_t npages = hv->gm.size / SNAP_PAGE, n = 0, cap = 256, off = 0;
	struct snap_extent *e = malloc(cap * sizeof(*e));

	for (uint64_t pg = 0; e && pg < npages; pg++) {
		uint64_t gpa = pg * SNAP_PAGE;
		if ((gpa >= GMEM_HOLE_START && gpa < GMEM_HOLE_END) ||
		    snap_page_zero(hv->gm.ram + gpa))
			continue;
		if (n && e[n - 1].gpa + e[n - 1].pages * SNAP_PAGE == gpa &&
		    gpa != GMEM_HOLE_END) {
			e[n - 1].pages++;
		} else {
			if (n == cap) {
				struct snap_extent *m = realloc(e, 2 * cap * sizeof(*e));
				if (m == NULL) {
					free(e);
					return NULL;
				}
				e = m;
				cap *= 2;
			}
			e[n++] = (struct snap_extent){ .gpa = gpa, .pages = 1, .off = off };
		}
		off += SNAP_PAGE;
	}
	*n_out = n;
	*pages_out = off / SNAP_PAGE;
	return e;
}

/* Everything but memory, as sections; the vCPU stopped and settled. */
int snapshot__state(struct hv *hv, struct snap_buf *b, char *err, size_t errlen)
{
	const struct hv_backend *be = hv_backend_find(hv->opt.backend);
	struct snap_config c = { .mem_size = hv->gm.size, .sync_regs = (uint32_t)hv->sync_regs };
	struct snap_uart u;
	struct snap_rtc r;

	snprintf(c.backend, sizeof(c.backend), "%s", hv->opt.backend);
	c.rom_len = hv->rom_len;
	c.ndev = vdev__count();
	snap_put(b, "hv.config", &c, sizeof(c));
	if (hv->rom_len)
		snap_put(b, "hv.rom", hv->hole + (GMEM_ROM_BASE - GMEM_HOLE_START), hv->rom_len);
	if (snap_save_vcpu(hv, b, err, errlen) || snap_save_vm(hv, b, err, errlen))
		return -1;
	uart__save(&u);
	snap_put(b, "dev.com1", &u, sizeof(u));
	rtc__save(&r);
	snap_put(b, "dev.rtc", &r, sizeof(r));
	if (vdev__save_all(hv, b)) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (be && be->save && be->save(hv, b)) {
		snprintf(err, errlen, "backend %s: its state could not be saved", be->name);
		return -1;
	}
	if (b->failed) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

static int snap_write_all(int fd, const void *p, size_t len, off_t off)
{
	const uint8_t *c = p;

	while (len) {
		ssize_t n = pwrite(fd, c, len, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		c += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

/* Header, sections, then each extent straight from guest RAM. */
static int snap_write(struct hv *hv, int fd, struct snap_buf *b,
		      const struct snap_extent *e, uint64_t n, uint64_t pages)
{
	struct snap_header h = {
		.magic = SNAP_MAGIC, .version = SNAP_VERSION, .header_size = sizeof(h),
		.mem_size = hv->gm.size, .sect_off = SNAP_SECT_OFF, .sect_len = b->len,
		.nsect = b->nsect, .page_size = SNAP_PAGE,
	};
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	h.created_ns = (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
	h.data_off = (SNAP_SECT_OFF + b->len + SNAP_PAGE - 1) & ~(SNAP_PAGE - 1);
	h.data_len = pages * SNAP_PAGE;
	h.file_size = h.data_off + h.data_len;
	if (ftruncate(fd, (off_t)h.file_size) ||
	    snap_write_all(fd, &h, sizeof(h), 0) ||
	    snap_write_all(fd, b->p, b->len, SNAP_SECT_OFF))
		return -1;
	for (uint64_t i = 0; i < n; i++)
		if (snap_write_all(fd, hv->gm.ram + e[i].gpa, e[i].pages * SNAP_PAGE,
				   (off_t)(h.data_off + e[i].off)))
			return -1;
	hv->snap_bytes = h.file_size;
	return 0;
}

/* Snapshot to file, through file.tmp renamed at the end, so a reader
 * never sees half a snapshot under the name.  The vCPU is stopped. */
int snapshot__save(struct hv *hv, const char *file, char *err, size_t errlen)
{
	struct snap_buf b = { 0 };
	struct snap_extent *e = NULL;
	uint64_t n = 0, pages = 0;
	char tmp[4096];
	double t0 = snap_ms();
	int fd = -1, rc = -1;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", file) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "%s: name too long", file);
		return -1;
	}
	uart__flush();
	if (snap_vcpu_settle(hv, err, errlen) || snapshot__state(hv, &b, err, errlen))
		goto out;
	e = snap_scan(hv, &n, &pages);
	if (e == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	snap_put(&b, "mem.extents", e, n * sizeof(*e));
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || snap_write(hv, fd, &b, e, n, pages) || close(fd) ||
	    rename(tmp, file)) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		if (fd >= 0)
			unlink(tmp);
		fd = -1;
		goto out;
	}
	fd = -1;
	hv->snap_pages = pages;
	hv->snap_ms = snap_ms() - t0;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	free(e);
	snap_buf_free(&b);
	return rc;
}

/* ---- restore ----------------------------------------------------------- */

/* --restore FILE, before any KVM: map it, check all of it, take the
 * guest's RAM size, backend and ROM from it.  A refused file ends hv
 * with status 4 and "hv: restore FILE: <why>". */
int snapshot__open(struct hv *hv, const char *file)
{
	struct stat st;
	char err[256];

	snap_in.t0 = snap_ms();
	snap_in.file = file;
	snap_in.fd = open(file, O_RDONLY | O_CLOEXEC);
	if (snap_in.fd < 0 || fstat(snap_in.fd, &st) < 0) {
		fprintf(stderr, "hv: restore %s: %s\n", file, strerror(errno));
		return HV_EXIT_IMAGE;
	}
	if (!S_ISREG(st.st_mode)) {
		fprintf(stderr, "hv: restore %s: not a regular file\n", file);
		return HV_EXIT_IMAGE;
	}
	snap_in.len = (size_t)st.st_size;
	snap_in.map = snap_in.len ? mmap(NULL, snap_in.len, PROT_READ, MAP_PRIVATE,
					 snap_in.fd, 0) : calloc(1, 1);
	if (snap_in.map == MAP_FAILED || snap_in.map == NULL) {
		snap_in.map = NULL;
		fprintf(stderr, "hv: restore %s: mmap: %s\n", file, strerror(errno));
		return HV_EXIT_IMAGE;
	}
	if (snap_parse(snap_in.map, snap_in.len, GMEM_MAX_SIZE, &snap_in.v, err, sizeof(err))) {
		fprintf(stderr, "hv: restore %s: %s\n", file, err);
		return HV_EXIT_IMAGE;
	}
	return snapshot__configure(hv, &snap_in.v);
}

/* The parsed snapshot decides RAM size, backend and (unless --rom)
 * the ROM; a --backend other than the snapshot's means a re-bind. */
int snapshot__configure(struct hv *hv, const struct snap_view *v)
{
	hv->opt.mem = v->h->mem_size;
	snap_in.rom_from_file = hv->opt.rom != NULL;
	if (!hv->opt.backend_given)
		hv->opt.backend = v->cfg.backend;
	else if (strcmp(hv->opt.backend, v->cfg.backend) != 0)
		hv->restore_from = v->cfg.backend;
	if (!hv_backend_find(v->cfg.backend)) {
		fprintf(stderr, "hv: restore: backend %s unknown to this hv\n", v->cfg.backend);
		return HV_EXIT_IMAGE;
	}
	if (v->cfg.rom_len && !hv->opt.rom) {
		char msg[160];
		if (rom__check(v->rom, v->cfg.rom_len, msg, sizeof(msg))) {
			fprintf(stderr, "hv: restore: the snapshot's ROM: %s\n", msg);
			return HV_EXIT_IMAGE;
		}
	}
	return 0;
}

/* The ROM into its window: the snapshot's copy, or --rom's file (a
 * different image than the guest bound is a re-bind, like a backend).
 * Onto another --backend without --rom the window stays empty: the
 * snapshot's ROM belongs to the backend the guest is leaving. */
int snapshot__load_rom(struct hv *hv, const struct snap_view *v)
{
	uint8_t *win = hv->hole + (GMEM_ROM_BASE - GMEM_HOLE_START);

	if (snap_in.rom_from_file) {
		if (rom__load(hv, hv->opt.rom))
			return HV_EXIT_IMAGE;
		if ((hv->rom_len != v->cfg.rom_len ||
		     memcmp(win, v->rom, v->cfg.rom_len) != 0) && !hv->restore_from)
			hv->restore_from = v->cfg.backend;
		return 0;
	}
	if (hv->restore_from) {         /* another backend, no --rom: none */
		hv->rom_len = 0;
		return 0;
	}
	if (v->cfg.rom_len)             /* no ROM: v->rom is NULL */
		memcpy(win, v->rom, v->cfg.rom_len);
	hv->rom_len = v->cfg.rom_len;
	return 0;
}

static int snap_read_all(int fd, uint8_t *p, uint64_t len, uint64_t off)
{
	while (len) {
		ssize_t n = pread(fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (uint64_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

/* Guest RAM from the file: each extent mapped over the zero RAM (or
 * read, with --restore-read or where the file system cannot map it). */
int snapshot__load_memory(struct hv *hv)
{
	const struct snap_view *v = &snap_in.v;
	int rc = snapshot__load_rom(hv, v), read_mode = hv->opt.restore_read;

	if (rc)
		return rc;
	for (uint64_t i = 0; i < v->n_ext; i++) {
		struct snap_extent e = snap_extent_at(v, i);
		uint64_t off = v->h->data_off + e.off, len = e.pages * SNAP_PAGE;
		uint8_t *dst = hv->gm.ram + e.gpa;

		if (!read_mode && mmap(dst, len, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_FIXED, snap_in.fd, (off_t)off) == MAP_FAILED) {
			fprintf(stderr, "hv: restore %s: mmap: %s; reading instead\n",
				snap_in.file, strerror(errno));
			read_mode = 1;
		}
		if (read_mode && snap_read_all(snap_in.fd, dst, len, off)) {
			fprintf(stderr, "hv: restore %s: read: %s\n", snap_in.file, strerror(errno));
			return HV_EXIT_IMAGE;
		}
	}
	hv->restore_read = read_mode;
	return 0;
}

/* The state after KVM's VM, vCPU, devices and the snapshot's backend
 * exist: registers, interrupt controllers, devices, backend host side;
 * then the re-bind when the backend or ROM changed.  0, or an exit
 * status with the reason in err. */
int snapshot__load_state_why(struct hv *hv, const struct snap_view *v, char *err,
			     size_t errlen)
{
	const struct hv_backend *be = hv_backend_find(v->cfg.backend);
	char why[200];

	if (snap_load_vcpu(hv, v, err, errlen) || snap_load_vm(hv, v, err, errlen))
		return HV_EXIT_INTERNAL;
	uart__load(&v->uart);
	rtc__load(&v->rtc);
	if (vdev__load_all(hv, v, err, errlen))    /* after the irqchip: INTx */
		return HV_EXIT_USAGE;
	if (be && be->load && be->load(hv, v, why, sizeof(why))) {
		snprintf(err, errlen, "backend %s: %s", be->name, why);
		return HV_EXIT_INTERNAL;
	}
	if (hv->restore_from && rebind__switch(hv, hv->restore_from, err, errlen))
		return HV_EXIT_USAGE;
	return 0;
}

int snapshot__load_state(struct hv *hv, const struct snap_view *v)
{
	char err[256];
	int rc = snapshot__load_state_why(hv, v, err, sizeof(err));

	if (rc)
		fprintf(stderr, "hv: restore: %s\n", err);
	return rc;
}

/* main.c's --restore: the backend whose state the snapshot holds is
 * the one initialised (rebind__switch moves the guest on from it). */
int snapshot__backend_init(struct hv *hv)
{
	const char *want = hv->opt.backend;
	int rc;

	if (hv->restore_from)
		hv->opt.backend = hv->restore_from;
	rc = hv_backend_init(hv);
	hv->opt.backend = want;
	return rc;
}

/* The one line a restore prints, and what `make bench` reads. */
void snapshot__report(struct hv *hv)
{
	if (snap_in.map == NULL)
		return;
	fprintf(stderr, "hv: restore %s: %llu pages %s, %.2f ms from start to running\n",
		snap_in.file, (unsigned long long)snap_in.v.pages,
		hv->restore_read ? "read" : "mapped", snap_ms() - snap_in.t0);
}
