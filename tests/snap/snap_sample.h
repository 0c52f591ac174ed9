/* snap_sample.h: a small, valid hv snapshot built in memory (64 MiB
 * guest, backend none, two extents of one page each, every KVM section
 * zero but consistent), for the parser's unit test, its fuzzer's seed
 * and the bad-file suite's base file (tests/snap/snapmk.c).
 * snap_sample_virtio adds three virtio devices' "dev.pci.NN" sections
 * (a disk, a console and a balloon holding two pages, one queue of each
 * enabled), as hv writes them with --disk, --virtio-console and
 * --balloon.  Header-only: each user is one program. */
#ifndef SNAP_SAMPLE_H
#define SNAP_SAMPLE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../hv/snapshot.h"

#define SAMPLE_MEM (64ull << 20)

/* The virtio sample's devices: dev.pci.01 blk, .02 console, .03 balloon. */
#define SAMPLE_VBAL_PAGE0 0x400         /* the balloon's two pages */

/* One dev.pci.NN section of the virtio sample into b. */
static inline void snap_sample_vdev(struct snap_buf *b, unsigned slot)
{
	static const struct { const char *kind; unsigned nq, cfg; } k[4] = {
		{ 0 }, { "virtio-blk", 1, 0x24 }, { "virtio-console", 2, 12 },
		{ "virtio-balloon", 2, 8 },
	};
	size_t tail = slot == 1 ? sizeof(struct snap_vblk) : slot == 2 ?
		sizeof(struct snap_vcon) : sizeof(struct snap_vbal) + (SAMPLE_MEM / SNAP_PAGE + 8) / 8;
	uint8_t *p = calloc(1, sizeof(struct snap_vdev) + tail);
	struct snap_vdev *d = (struct snap_vdev *)p;
	char name[SNAP_NAME_LEN];

	if (p == NULL)
		return;
	snprintf(d->kind, sizeof(d->kind), "%s", k[slot].kind);
	d->layout = SNAP_VDEV_LAYOUT;
	d->tail_len = (uint32_t)tail;
	d->slot = (uint8_t)slot;
	d->irq = d->intx_line = (uint8_t)(9 + slot);
	d->command = 6;
	d->bar0 = d->bar_addr = 0xe0000000u + slot * 0x4000;
	d->features = 1ull << 32 | 1ull << 29 | 1ull << 28;
	d->driver_features = 1ull << 32;
	d->status = 0xf;
	d->nqueues = (uint8_t)k[slot].nq;
	d->cfg_len = (uint16_t)k[slot].cfg;
	for (unsigned q = 0; q < SNAP_VDEV_QUEUES; q++)
		d->q[q].size = 256;
	d->q[0].enabled = 1;                /* areas in RAM, one device apart */
	d->q[0].desc = 0x300000 + slot * 0x10000;
	d->q[0].driver = d->q[0].desc + 0x1000;
	d->q[0].device = d->q[0].desc + 0x2000;
	d->q[0].last_avail = d->q[0].used_idx = d->q[0].signalled = 7;
	if (slot == 1) {
		struct snap_vblk bk = { .sectors = 16384 };
		snprintf(bk.path, sizeof(bk.path), "disk.img");
		memcpy(p + sizeof(*d), &bk, sizeof(bk));
	} else if (slot == 3) {
		struct snap_vbal bl = { .target = 2, .ram_pages = SAMPLE_MEM / SNAP_PAGE,
					.pages = 2, .inflates = 2 };
		uint8_t *map = p + sizeof(*d) + sizeof(bl);
		memcpy(p + sizeof(*d), &bl, sizeof(bl));
		map[SAMPLE_VBAL_PAGE0 / 8] |= 3 << (SAMPLE_VBAL_PAGE0 % 8);
	}
	snprintf(name, sizeof(name), "dev.pci.%02x", slot);
	snap_put(b, name, p, sizeof(*d) + tail);
	free(p);
}

/* The whole file in a malloc'd buffer; *len its size; with virtio,
 * the three devices' sections too. */
static inline uint8_t *snap_sample_build(size_t *len, int virtio)
{
	static struct kvm_irqchip chip;
	static union { struct kvm_regs r; struct kvm_sregs s; struct kvm_xsave x;
		       struct kvm_vcpu_events e; struct kvm_lapic_state l;
		       struct kvm_mp_state m; struct kvm_debugregs d;
		       struct kvm_pit_state2 p; struct kvm_clock_data c; } z;
	struct snap_config cfg = { .backend = "none", .mem_size = SAMPLE_MEM,
				   .ndev = virtio ? 3 : 0 };
	struct snap_msrs msrs = { .n = 1, .e = { { .index = 0x10, .data = 12345 } } };
	struct snap_uart uart = { .rx = -1, .dll = 1 };
	struct snap_rtc rtc = { .index = 0 };
	struct snap_extent ext[2] = { { 0x1000, 1, 0 }, { 0x200000, 1, 4096 } };
	struct snap_buf b = { 0 };
	struct snap_header h = { .magic = SNAP_MAGIC, .version = SNAP_VERSION,
		.header_size = sizeof(h), .mem_size = SAMPLE_MEM,
		.sect_off = SNAP_SECT_OFF, .page_size = SNAP_PAGE };
	uint8_t *f;

	snap_put(&b, "hv.config", &cfg, sizeof(cfg));
	snap_put(&b, "cpu.regs", &z, sizeof(z.r));
	snap_put(&b, "cpu.sregs", &z, sizeof(z.s));
	snap_put(&b, "cpu.xsave", &z, sizeof(z.x));
	snap_put(&b, "cpu.msrs", &msrs, sizeof(msrs));
	snap_put(&b, "cpu.events", &z, sizeof(z.e));
	snap_put(&b, "cpu.lapic", &z, sizeof(z.l));
	snap_put(&b, "cpu.mpstate", &z, sizeof(z.m));
	snap_put(&b, "cpu.debugregs", &z, sizeof(z.d));
	for (uint32_t i = 0; i < 3; i++) {
		chip.chip_id = i;
		snap_put(&b, i == 0 ? "vm.pic0" : i == 1 ? "vm.pic1" : "vm.ioapic",
			 &chip, sizeof(chip));
	}
	snap_put(&b, "vm.pit", &z, sizeof(z.p));
	snap_put(&b, "vm.clock", &z, sizeof(z.c));
	snap_put(&b, "dev.com1", &uart, sizeof(uart));
	snap_put(&b, "dev.rtc", &rtc, sizeof(rtc));
	snap_put(&b, "mem.extents", ext, sizeof(ext));
	for (unsigned slot = 1; virtio && slot <= 3; slot++)
		snap_sample_vdev(&b, slot);
	h.sect_len = b.len;
	h.nsect = b.nsect;
	h.data_off = (SNAP_SECT_OFF + b.len + SNAP_PAGE - 1) & ~(SNAP_PAGE - 1);
	h.data_len = 2 * SNAP_PAGE;
	h.file_size = h.data_off + h.data_len;
	f = calloc(1, h.file_size);
	if (f == NULL)
		return NULL;
	memcpy(f, &h, sizeof(h));
	memcpy(f + SNAP_SECT_OFF, b.p, b.len);
	memset(f + h.data_off, 0xa5, h.data_len);
	snap_buf_free(&b);
	*len = h.file_size;
	return f;
}

static inline uint8_t *snap_sample(size_t *len)
{
	return snap_sample_build(len, 0);
}

static inline uint8_t *snap_sample_virtio(size_t *len)
{
	return snap_sample_build(len, 1);
}

/* Offset of section name's payload in a sample (0: none). */
static inline size_t snap_sample_find(const uint8_t *f, const char *name, uint64_t *plen)
{
	const struct snap_header *h = (const struct snap_header *)f;
	size_t off = h->sect_off;

	for (uint32_t i = 0; i < h->nsect; i++) {
		struct snap_sect s;
		memcpy(&s, f + off, sizeof(s));
		if (strcmp(s.name, name) == 0) {
			*plen = s.len;
			return off + sizeof(s);
		}
		off += sizeof(s) + ((s.len + 7) & ~7ull);
	}
	return 0;
}

#endif
