/* snap_format.c: the snapshot file's pure side: the section writer and
 * the parser that checks a whole file before hv trusts one byte of it
 * (snapshot.h).  No KVM, no globals: unit-tested and fuzzed.
 *
 * The file is as hostile as a guest: every length is compared against
 * what is left, never added to an offset first; every section has one
 * exact size; every field with a range is checked. */
#include "snapshot.h"
#include "gmem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- writer ---------------------------------------------------------- */

static void snap_grow(struct snap_buf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 65536;
	uint8_t *p;

	if (b->failed || b->len + more <= b->cap)
		return;
	while (cap < b->len + more)
		cap *= 2;
	p = realloc(b->p, cap);
	if (p == NULL) {
		b->failed = 1;
		return;
	}
	memset(p + b->cap, 0, cap - b->cap);
	b->p = p;
	b->cap = cap;
}

/* One section: header, payload, zero padding to 8 bytes. */
void snap_put(struct snap_buf *b, const char *name, const void *payload, size_t len)
{
	struct snap_sect s = { .version = 1, .len = len };
	size_t pad = (8 - len % 8) % 8;

	snprintf(s.name, sizeof(s.name), "%s", name);
	snap_grow(b, sizeof(s) + len + pad);
	if (b->failed)
		return;
	memcpy(b->p + b->len, &s, sizeof(s));
	if (len)
		memcpy(b->p + b->len + sizeof(s), payload, len);
	memset(b->p + b->len + sizeof(s) + len, 0, pad);
	b->len += sizeof(s) + len + pad;
	b->nsect++;
}

void snap_buf_free(struct snap_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/* ---- parser ---------------------------------------------------------- */

static int snap_check_backend(struct snap_view *v, char *err, size_t errlen);
static int snap_check_vdev(struct snap_view *v, unsigned i, char *err, size_t errlen);

static int snap_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

struct snap_extent snap_extent_at(const struct snap_view *v, uint64_t i)
{
	struct snap_extent e;
	memcpy(&e, (const uint8_t *)v->ext + i * sizeof(e), sizeof(e));
	return e;
}

static int snap_header(const uint8_t *buf, size_t len, uint64_t max_mem,
		       struct snap_view *v, char *err, size_t errlen)
{
	struct snap_header h;          /* aligned copy; buf may be anything */

	if (len < sizeof(h))
		return snap_err(err, errlen, "truncated: %zu bytes, a header needs %zu",
				len, sizeof(h));
	memcpy(&h, buf, sizeof(h));
	v->hdr = h;
	v->h = &v->hdr;
	if (memcmp(h.magic, SNAP_MAGIC, 8) != 0)
		return snap_err(err, errlen, "bad magic: not an hv snapshot");
	if (h.version != SNAP_VERSION)
		return snap_err(err, errlen, "version %u: this hv reads version %u",
				h.version, SNAP_VERSION);
	if (h.header_size != sizeof(h) || h.page_size != SNAP_PAGE)
		return snap_err(err, errlen, "header size %u / page size %u: want %zu / %llu",
				h.header_size, h.page_size, sizeof(h), SNAP_PAGE);
	if (h.file_size != len)
		return snap_err(err, errlen, "%s: the header says %llu bytes, the file has %zu",
				h.file_size > len ? "truncated" : "sizes do not add up",
				(unsigned long long)h.file_size, len);
	if (h.mem_size > max_mem)
		return snap_err(err, errlen, "memory size %llu MiB beyond this hv's limit of %llu MiB",
				(unsigned long long)(h.mem_size >> 20),
				(unsigned long long)(max_mem >> 20));
	if (h.mem_size < GMEM_MIN_SIZE || h.mem_size % SNAP_PAGE)
		return snap_err(err, errlen, "memory size %llu: want at least 2 MiB in 4 KiB pages",
				(unsigned long long)h.mem_size);
	if (h.sect_off != SNAP_SECT_OFF || h.sect_len > len - SNAP_SECT_OFF ||
	    len < SNAP_SECT_OFF)
		return snap_err(err, errlen, "sizes do not add up: sections at %llu, %llu bytes, file %zu",
				(unsigned long long)h.sect_off, (unsigned long long)h.sect_len, len);
	if (h.data_off % SNAP_PAGE || h.data_off < h.sect_off + h.sect_len ||
	    h.data_off > len || h.data_len != len - h.data_off || h.data_len % SNAP_PAGE)
		return snap_err(err, errlen, "sizes do not add up: memory at %llu, %llu bytes, file %zu",
				(unsigned long long)h.data_off, (unsigned long long)h.data_len, len);
	if (h.nsect > SNAP_MAX_SECTS)
		return snap_err(err, errlen, "%u sections: at most %u", h.nsect, SNAP_MAX_SECTS);
	return 0;
}

/* The fixed-size sections: name, where the payload goes, its size. */
struct snap_fixed {
	const char *name;
	size_t off, size;
	int required;
};

#define F(n, field, req) { n, offsetof(struct snap_view, field), \
			   sizeof(((struct snap_view *)0)->field), req }
static const struct snap_fixed snap_fixed[] = {
	F("hv.config", cfg, 1),
	F("cpu.regs", regs, 1), F("cpu.sregs", sregs, 1),
	F("cpu.xsave", xsave, 0), F("cpu.fpu", fpu, 0), F("cpu.xcrs", xcrs, 0),
	F("cpu.msrs", msrs, 1), F("cpu.events", events, 1),
	F("cpu.lapic", lapic, 1), F("cpu.mpstate", mp, 1),
	F("cpu.debugregs", dregs, 1),
	F("vm.pic0", chip[0], 1), F("vm.pic1", chip[1], 1),
	F("vm.ioapic", chip[2], 1), F("vm.pit", pit, 1), F("vm.clock", clock, 1),
	F("dev.com1", uart, 1), F("dev.rtc", rtc, 1),
	F("backend.xenlike", xl, 0), F("backend.vmwarelike", vmw, 0),
};
#undef F
#define SNAP_NFIXED (sizeof(snap_fixed) / sizeof(snap_fixed[0]))

/* One section's payload: a fixed one copied into v, the variable ones
 * (ROM, extents, other devices) pointed at.  seen: one bit per fixed. */
static int snap_section(struct snap_view *v, const char *name, const uint8_t *p,
			uint64_t len, uint64_t *seen, char *err, size_t errlen)
{
	for (unsigned i = 0; i < SNAP_NFIXED; i++) {
		if (strcmp(name, snap_fixed[i].name) != 0)
			continue;
		if (*seen & (1ull << i))
			return snap_err(err, errlen, "section %s appears twice", name);
		if (len != snap_fixed[i].size)
			return snap_err(err, errlen, "section %s: %llu bytes, want %zu",
					name, (unsigned long long)len, snap_fixed[i].size);
		memcpy((uint8_t *)v + snap_fixed[i].off, p, len);
		*seen |= 1ull << i;
		return 0;
	}
	if (strcmp(name, "hv.rom") == 0 && v->rom == NULL) {
		v->rom = p;
		v->rom_len_seen = len;
		return 0;
	}
	if (strcmp(name, "mem.extents") == 0 && v->ext == NULL) {
		if (len % sizeof(struct snap_extent))
			return snap_err(err, errlen, "section mem.extents: %llu bytes, "
					"not a whole number of extents", (unsigned long long)len);
		v->ext = (const struct snap_extent *)p;
		v->n_ext = len / sizeof(struct snap_extent);
		v->has_ext = 1;
		return 0;
	}
	if (strncmp(name, "dev.", 4) == 0 && v->ndev < SNAP_MAX_DEVS) {
		for (unsigned i = 0; i < v->ndev; i++)
			if (strcmp(v->dev[i].name, name) == 0)
				return snap_err(err, errlen, "section %s appears twice", name);
		memcpy(v->dev[v->ndev].name, name, SNAP_NAME_LEN);
		v->dev[v->ndev].p = p;
		v->dev[v->ndev++].len = len;
		return 0;
	}
	return snap_err(err, errlen, "section '%s' unknown to this hv (or repeated)", name);
}

/* Walks the section area: every header inside it, names printable and
 * terminated, payloads inside it, and nsect of them filling it exactly. */
static int snap_sections(const uint8_t *buf, struct snap_view *v, uint64_t *seen,
			 char *err, size_t errlen)
{
	const struct snap_header *h = v->h;
	const uint8_t *p = buf + h->sect_off;
	uint64_t left = h->sect_len;

	for (uint32_t i = 0; i < h->nsect; i++) {
		struct snap_sect s;
		uint64_t padded;

		if (left < sizeof(s))
			return snap_err(err, errlen, "truncated: section %u of %u has no room "
					"for its header", i + 1, h->nsect);
		memcpy(&s, p, sizeof(s));
		if (s.name[SNAP_NAME_LEN - 1] != '\0' || s.name[0] == '\0')
			return snap_err(err, errlen, "section %u: name not terminated", i + 1);
		for (const char *c = s.name; *c; c++)
			if (*c < 0x21 || *c > 0x7e)
				return snap_err(err, errlen, "section %u: name has a byte 0x%02x",
						i + 1, (unsigned char)*c);
		if (s.version != 1 || s.reserved != 0)
			return snap_err(err, errlen, "section %s: version %u (want 1), reserved %u",
					s.name, s.version, s.reserved);
		left -= sizeof(s);
		p += sizeof(s);
		if (s.len > left || s.len > SNAP_MAX_SECT_LEN)
			return snap_err(err, errlen, "sizes do not add up: section %s says %llu "
					"bytes, %llu left", s.name, (unsigned long long)s.len,
					(unsigned long long)left);
		padded = (s.len + 7) & ~7ull;
		if (padded > left)
			padded = left;
		if (snap_section(v, s.name, p, s.len, seen, err, errlen))
			return -1;
		p += padded;
		left -= padded;
	}
	if (left != 0)
		return snap_err(err, errlen, "sizes do not add up: %llu bytes after the "
				"last of %u sections", (unsigned long long)left, h->nsect);
	return 0;
}

/* Extents: ascending, disjoint, page-aligned, inside RAM, outside the
 * 0xA0000-0xFFFFF window, packed in order in the data area, and
 * filling it exactly. */
static int snap_extents(struct snap_view *v, char *err, size_t errlen)
{
	uint64_t next_gpa = 0, off = 0, mem = v->h->mem_size;

	for (uint64_t i = 0; i < v->n_ext; i++) {
		struct snap_extent e = snap_extent_at(v, i);
		if (e.gpa % SNAP_PAGE || e.pages == 0 || e.gpa < next_gpa)
			return snap_err(err, errlen, "extent %llu: gpa %#llx, %llu pages: "
					"not aligned, empty or out of order",
					(unsigned long long)i, (unsigned long long)e.gpa,
					(unsigned long long)e.pages);
		if (e.gpa >= mem || e.pages > (mem - e.gpa) / SNAP_PAGE)
			return snap_err(err, errlen, "extent %llu: gpa %#llx + %llu pages "
					"beyond the guest's %llu MiB", (unsigned long long)i,
					(unsigned long long)e.gpa, (unsigned long long)e.pages,
					(unsigned long long)(mem >> 20));
		if (e.gpa < GMEM_HOLE_END && e.gpa + e.pages * SNAP_PAGE > GMEM_HOLE_START)
			return snap_err(err, errlen, "extent %llu touches the 0xA0000-0xFFFFF window",
					(unsigned long long)i);
		if (e.off != off)
			return snap_err(err, errlen, "sizes do not add up: extent %llu at offset "
					"%llu, want %llu", (unsigned long long)i,
					(unsigned long long)e.off, (unsigned long long)off);
		off += e.pages * SNAP_PAGE;
		if (off > v->h->data_len)
			break;
		next_gpa = e.gpa + e.pages * SNAP_PAGE;
		v->pages += e.pages;
	}
	if (off != v->h->data_len)
		return snap_err(err, errlen, "sizes do not add up: extents hold %llu bytes, "
				"the memory part %llu", (unsigned long long)off,
				(unsigned long long)v->h->data_len);
	return 0;
}

/* The decoded device and backend states: every field in its range. */
static int snap_check_devices(struct snap_view *v, uint64_t seen, char *err, size_t errlen)
{
	const struct snap_uart *u = &v->uart;
	const struct snap_config *c = &v->cfg;

	if (u->rx < -1 || u->rx > 255 || u->rx_eof > 1 || u->reserved || u->ier > 0x0f ||
	    u->mcr > 0x1f)
		return snap_err(err, errlen, "section dev.com1: garbage (rx %d, eof %u, ier %#x, "
				"mcr %#x, reserved %u)", u->rx, u->rx_eof, u->ier, u->mcr, u->reserved);
	if (v->rtc.index > 0x7f || memcmp(v->rtc.reserved, "\0\0\0\0\0\0\0", 7))
		return snap_err(err, errlen, "section dev.rtc: garbage (index %#x)", v->rtc.index);
	if (c->backend[sizeof(c->backend) - 1] || c->mem_size != v->h->mem_size ||
	    c->rom_len > SNAP_MAX_ROM || c->reserved[0] | c->reserved[1] | c->reserved[2])
		return snap_err(err, errlen, "section hv.config: garbage (memory %llu, ROM %u bytes)",
				(unsigned long long)c->mem_size, c->rom_len);
	if (c->rom_len != (v->rom ? v->rom_len_seen : 0))
		return snap_err(err, errlen, "sizes do not add up: hv.config says a ROM of %u "
				"bytes, hv.rom has %llu", c->rom_len,
				(unsigned long long)(v->rom ? v->rom_len_seen : 0));
	if (c->ndev != v->ndev)
		return snap_err(err, errlen, "sizes do not add up: hv.config says %u devices, "
				"the file has %u", c->ndev, v->ndev);
	for (unsigned i = 0; i < v->ndev; i++)
		if (snap_check_vdev(v, i, err, errlen))
			return -1;
	v->has_xsave = !!(seen & (1ull << 3));
	v->has_fpu = !!(seen & (1ull << 4));
	v->has_xcrs = !!(seen & (1ull << 5));
	v->has_xl = !!(seen & (1ull << 18));
	v->has_vmw = !!(seen & (1ull << 19));
	if (!v->has_xsave && !v->has_fpu)
		return snap_err(err, errlen, "no FPU state (cpu.xsave or cpu.fpu)");
	if (v->msrs.n > SNAP_MAX_MSRS || v->msrs.reserved)
		return snap_err(err, errlen, "section cpu.msrs: %u MSRs (at most %u)",
				v->msrs.n, SNAP_MAX_MSRS);
	if (v->mp.mp_state > KVM_MP_STATE_SIPI_RECEIVED)
		return snap_err(err, errlen, "section cpu.mpstate: state %u unknown", v->mp.mp_state);
	for (unsigned i = 0; i < 3; i++)
		if (v->chip[i].chip_id != i)
			return snap_err(err, errlen, "section vm.%s: chip id %u", i == 2 ? "ioapic"
					: i ? "pic1" : "pic0", v->chip[i].chip_id);
	return snap_check_backend(v, err, errlen);
}

/* One queue: a power-of-two size; if enabled, its three areas aligned
 * and inside RAM, outside the 0xA0000-0xFFFFF window (as virtq_start
 * checks them when the driver enables a queue). */
static int snap_vq_area(uint64_t gpa, uint64_t len, uint64_t align, uint64_t mem)
{
	return gpa % align == 0 && gpa <= mem && len <= mem - gpa &&
	       !(gpa < GMEM_HOLE_END && gpa + len > GMEM_HOLE_START);
}

static int snap_check_vq(const struct snap_vdev *d, unsigned i, uint64_t mem,
			 char *err, size_t errlen)
{
	const struct snap_vqueue *q = &d->q[i];
	uint64_t n = q->size;

	if (n == 0 || n > SNAP_VQ_MAX || (n & (n - 1)))
		return snap_err(err, errlen, "section dev.pci.%02x: queue %u: size %llu "
				"is not a power of two up to %u", d->slot, i,
				(unsigned long long)n, SNAP_VQ_MAX);
	if (q->enabled > 1 || q->reserved[0] | q->reserved[1] | q->reserved[2] ||
	    (i >= d->nqueues && q->enabled))
		return snap_err(err, errlen, "section dev.pci.%02x: queue %u: garbage "
				"(enabled %u)", d->slot, i, q->enabled);
	if (q->enabled && (!snap_vq_area(q->desc, 16 * n, 16, mem) ||
			   !snap_vq_area(q->driver, 6 + 2 * n, 2, mem) ||
			   !snap_vq_area(q->device, 6 + 8 * n, 4, mem)))
		return snap_err(err, errlen, "section dev.pci.%02x: queue %u: an address "
				"outside guest RAM (desc %#llx, driver %#llx, device %#llx)",
				d->slot, i, (unsigned long long)q->desc,
				(unsigned long long)q->driver, (unsigned long long)q->device);
	if (q->enabled && ((uint16_t)(q->used_idx - q->signalled) > n))
		return snap_err(err, errlen, "section dev.pci.%02x: queue %u: used index %u "
				"more than the queue size past %u", d->slot, i, q->used_idx,
				q->signalled);
	return 0;
}

/* A kind's fixed shape: queues, config bytes, tail bytes (the
 * balloon's grows with RAM: its bitmap). */
static int snap_vdev_shape(const struct snap_vdev *d, uint64_t mem, unsigned *nq,
			   unsigned *cfg_len, uint64_t *tail)
{
	if (memcmp(d->kind, "virtio-blk\0", 11) == 0) {
		*nq = 1, *cfg_len = 0x24, *tail = sizeof(struct snap_vblk);
	} else if (memcmp(d->kind, "virtio-console\0", 15) == 0) {
		*nq = 2, *cfg_len = 12, *tail = sizeof(struct snap_vcon);
	} else if (memcmp(d->kind, "virtio-balloon\0", 15) == 0) {
		*nq = 2, *cfg_len = 8;
		*tail = sizeof(struct snap_vbal) + (mem / SNAP_PAGE + 8) / 8;
	} else {
		return -1;
	}
	return 0;
}

/* The balloon's bitmap: pages inside RAM, outside the window, and as
 * many as it says. */
static int snap_check_vbal(const struct snap_vdev *d, const uint8_t *tail, uint64_t mem,
			   char *err, size_t errlen)
{
	struct snap_vbal b;
	const uint8_t *map = tail + sizeof(b);
	uint64_t pages = mem / SNAP_PAGE, n = 0;

	memcpy(&b, tail, sizeof(b));
	if (b.ram_pages != pages || b.target > pages || b.reserved)
		return snap_err(err, errlen, "section dev.pci.%02x: garbage (balloon target %u, "
				"%llu pages of RAM)", d->slot, b.target,
				(unsigned long long)b.ram_pages);
	for (uint64_t p = 0; p < (pages + 8) / 8 * 8; p++) {
		if (!(map[p / 8] >> (p % 8) & 1))
			continue;
		if (p >= pages || (p * SNAP_PAGE >= GMEM_HOLE_START && p * SNAP_PAGE < GMEM_HOLE_END))
			return snap_err(err, errlen, "section dev.pci.%02x: balloon page %llu "
					"outside guest RAM", d->slot, (unsigned long long)p);
		n++;
	}
	if (n != b.pages)
		return snap_err(err, errlen, "sizes do not add up: dev.pci.%02x says %llu balloon "
				"pages, its bitmap has %llu", d->slot,
				(unsigned long long)b.pages, (unsigned long long)n);
	return 0;
}

/* One "dev.pci.NN" section: decoded into v->vdev[i], every field in
 * its range, its name its slot, its size its kind's. */
static int snap_check_vdev(struct snap_view *v, unsigned i, char *err, size_t errlen)
{
	struct snap_vdev *d = &v->vdev[i];
	uint64_t mem = v->h->mem_size, tail;
	unsigned nq, cfg_len;
	char name[SNAP_NAME_LEN];

	if (v->dev[i].len < sizeof(*d))
		return snap_err(err, errlen, "section %s: %llu bytes, a device needs at least %zu",
				v->dev[i].name, (unsigned long long)v->dev[i].len, sizeof(*d));
	memcpy(d, v->dev[i].p, sizeof(*d));
	v->vtail[i] = v->dev[i].p + sizeof(*d);
	snprintf(name, sizeof(name), "dev.pci.%02x", d->slot);
	if (strcmp(name, v->dev[i].name) != 0 || d->slot == 0 || d->slot >= 32)
		return snap_err(err, errlen, "section %s: unknown to this hv (slot %u)",
				v->dev[i].name, d->slot);
	if (d->layout != SNAP_VDEV_LAYOUT || d->kind[sizeof(d->kind) - 1] ||
	    snap_vdev_shape(d, mem, &nq, &cfg_len, &tail))
		return snap_err(err, errlen, "section %s: garbage (layout %u, not a virtio "
				"device this hv has)", name, d->layout);
	if (d->tail_len != tail || v->dev[i].len - sizeof(*d) != tail)
		return snap_err(err, errlen, "sizes do not add up: section %s: %llu bytes, "
				"a %s needs %llu", name, (unsigned long long)v->dev[i].len,
				d->kind, (unsigned long long)(sizeof(*d) + tail));
	if (d->nqueues != nq || d->cfg_len != cfg_len || d->irq > 15 || d->irq_level > 1 ||
	    d->isr > 3 || d->reserved0 || (d->driver_features & ~d->features) ||
	    (d->status & ~0xcfu) || d->bar_addr % 0x4000 || d->qsel > 0xff)
		return snap_err(err, errlen, "section %s: garbage (queues %u, irq %u level %u, "
				"isr %#x, status %#x, features %#llx of %#llx)", name,
				d->nqueues, d->irq, d->irq_level, d->isr, d->status,
				(unsigned long long)d->driver_features,
				(unsigned long long)d->features);
	for (unsigned q = 0; q < SNAP_VDEV_QUEUES; q++)
		if (snap_check_vq(d, q, mem, err, errlen))
			return -1;
	if (memcmp(d->kind, "virtio-blk", 11) == 0) {
		struct snap_vblk b;
		memcpy(&b, v->vtail[i], sizeof(b));
		if (b.ro > 1 || b.reserved || b.sectors == 0 || memchr(b.path, 0, sizeof(b.path)) == NULL)
			return snap_err(err, errlen, "section %s: garbage (disk of %llu sectors, "
					"ro %u)", name, (unsigned long long)b.sectors, b.ro);
	}
	if (memcmp(d->kind, "virtio-balloon", 15) == 0)
		return snap_check_vbal(d, v->vtail[i], mem, err, errlen);
	return 0;
}

/* The backend named in hv.config has its section, and only it; its
 * fields in range.  The hypercall page is the guest's business; the
 * shared-info page must be a page of RAM hv may write. */
static int snap_check_backend(struct snap_view *v, char *err, size_t errlen)
{
	const char *b = v->cfg.backend;
	const struct snap_xl *x = &v->xl;
	const struct snap_vmw *m = &v->vmw;
	uint64_t mem = v->h->mem_size;

	if (strcmp(b, "none") && strcmp(b, "xenlike") && strcmp(b, "vmwarelike"))
		return snap_err(err, errlen, "backend '%s' unknown", b);
	if (v->has_xl != (strcmp(b, "xenlike") == 0) ||
	    v->has_vmw != (strcmp(b, "vmwarelike") == 0))
		return snap_err(err, errlen, "backend %s: its host-side section is missing "
				"or another backend's is present", b);
	if (v->has_xl && (x->ready > 1 || x->reserved || x->held_lines >> 24 ||
			  (x->ready && (x->sh_gpa % SNAP_PAGE || x->sh_gpa >= mem ||
					(x->sh_gpa >= GMEM_HOLE_START && x->sh_gpa < GMEM_HOLE_END)))))
		return snap_err(err, errlen, "section backend.xenlike: garbage (ready %u, "
				"shared info %#llx, lines %#x)", x->ready,
				(unsigned long long)x->sh_gpa, x->held_lines);
	if (v->has_vmw && (m->armed > 1 || m->reserved ||
			   (m->period_ns && m->period_ns < SNAP_VMW_PERIOD_MIN)))
		return snap_err(err, errlen, "section backend.vmwarelike: garbage (armed %u, "
				"period %llu ns)", m->armed, (unsigned long long)m->period_ns);
	return 0;
}

int snap_parse(const uint8_t *buf, size_t len, uint64_t max_mem,
	       struct snap_view *v, char *err, size_t errlen)
{
	uint64_t seen = 0;

	memset(v, 0, sizeof(*v));
	if (snap_header(buf, len, max_mem, v, err, errlen) ||
	    snap_sections(buf, v, &seen, err, errlen))
		return -1;
	for (unsigned i = 0; i < SNAP_NFIXED; i++)
		if (snap_fixed[i].required && !(seen & (1ull << i)))
			return snap_err(err, errlen, "section %s missing", snap_fixed[i].name);
	if (!v->has_ext)
		return snap_err(err, errlen, "section mem.extents missing");
	if (snap_extents(v, err, errlen))
		return -1;
	return snap_check_devices(v, seen, err, errlen);
}
