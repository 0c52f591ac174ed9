/* virtio_pci.c: the virtio 1.x PCI transport; see virtio_pci.h. */
#include "virtio_pci.h"
#include "../hv.h"
#include "../snapshot.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VIRTIO_PCI_CAP_COMMON  1
#define VIRTIO_PCI_CAP_NOTIFY  2
#define VIRTIO_PCI_CAP_ISR     3
#define VIRTIO_PCI_CAP_DEVICE  4
#define VIRTIO_NO_VECTOR       0xffff

static struct virtq_chain vdev_chain;   /* one request at a time: one vCPU */
static struct vdev *vdev_all[PCI_MAX_SLOTS];    /* issue 14: in bus order */
static unsigned vdev_n;

static void put16(uint8_t *b, uint16_t v) { memcpy(b, &v, 2); }
static void put32(uint8_t *b, uint32_t v) { memcpy(b, &v, 4); }
static void put64(uint8_t *b, uint64_t v) { memcpy(b, &v, 8); }
static uint16_t get16(const uint8_t *b) { uint16_t v; memcpy(&v, b, 2); return v; }
static uint32_t get32(const uint8_t *b) { uint32_t v; memcpy(&v, b, 4); return v; }
static uint64_t get64(const uint8_t *b) { uint64_t v; memcpy(&v, b, 8); return v; }

bool vdev__has(const struct vdev *v, unsigned bit)
{
	return (v->driver_features >> bit) & 1;
}

/* One vendor capability (virtio 1.1, 4.1.4) at config offset at. */
static void vdev_cap(struct vdev *v, unsigned at, unsigned next, uint8_t type,
		     uint32_t off, uint32_t len, unsigned caplen)
{
	uint8_t *c = &v->pci.cfg[at];

	c[0] = 0x09;                            /* vendor-specific */
	c[1] = (uint8_t)next;
	c[2] = (uint8_t)caplen;
	c[3] = type;
	c[4] = 0;                               /* BAR0 */
	put32(c + 8, off);
	put32(c + 12, len);
	if (type == VIRTIO_PCI_CAP_NOTIFY)
		put32(c + 16, VDEV_NOTIFY_MULT);
}

static void vdev_caps(struct vdev *v)
{
	uint16_t status;

	vdev_cap(v, 0x40, 0x50, VIRTIO_PCI_CAP_COMMON, VDEV_COMMON, VDEV_COMMON_LEN, 16);
	vdev_cap(v, 0x50, 0x64, VIRTIO_PCI_CAP_NOTIFY, VDEV_NOTIFY,
		 VDEV_NOTIFY_MULT * v->ops->nqueues, 20);
	vdev_cap(v, 0x64, 0x74, VIRTIO_PCI_CAP_ISR, VDEV_ISR, 4, 16);
	vdev_cap(v, 0x74, 0, VIRTIO_PCI_CAP_DEVICE, VDEV_DEVCFG,
		 (v->cfg_len + 3) & ~3u, 16);
	v->pci.cfg[PCI_CAP_PTR] = 0x40;
	status = get16(&v->pci.cfg[PCI_STATUS]);
	put16(&v->pci.cfg[PCI_STATUS], status | PCI_STATUS_CAP_LIST);
}

static void vdev_set_isr(struct hv *hv, struct vdev *v, uint8_t bits)
{
	if (bits && !(v->isr & bits))
		v->interrupts++;
	v->isr |= bits;
	pci__set_irq(hv, &v->pci, v->isr != 0);
}

/* Status 0: the device forgets the driver (virtio 1.1, 2.1.2). */
static void vdev_reset(struct hv *hv, struct vdev *v)
{
	v->driver_features = 0;
	v->dfsel = v->gfsel = 0;
	v->status = 0;
	v->isr = 0;
	v->qsel = 0;
	for (unsigned i = 0; i < VDEV_MAX_QUEUES; i++)
		v->q[i] = (struct vdev_queue){ .size = VIRTQ_MAX_SIZE };
	pci__set_irq(hv, &v->pci, false);
	if (v->ops->reset)
		v->ops->reset(hv, v);
}

static void vdev_reset_hook(struct hv *hv, void *opaque) { vdev_reset(hv, opaque); }

static struct vdev_queue *vdev_selq(struct vdev *v)
{
	return v->qsel < v->ops->nqueues ? &v->q[v->qsel] : NULL;
}

/* The common configuration as the driver reads it now. */
static void vdev_common_fill(const struct vdev *v, uint8_t *b)
{
	const struct vdev_queue *q = v->qsel < v->ops->nqueues ? &v->q[v->qsel] : NULL;

	memset(b, 0, VDEV_COMMON_LEN);
	put32(b + 0x00, v->dfsel);
	put32(b + 0x04, v->dfsel < 2 ? (uint32_t)(v->features >> (32 * v->dfsel)) : 0);
	put32(b + 0x08, v->gfsel);
	put32(b + 0x0c, v->gfsel < 2 ? (uint32_t)(v->driver_features >> (32 * v->gfsel)) : 0);
	put16(b + 0x10, VIRTIO_NO_VECTOR);
	put16(b + 0x12, (uint16_t)v->ops->nqueues);
	b[0x14] = v->status;
	b[0x15] = v->cfg_gen;
	put16(b + 0x16, v->qsel);
	if (q == NULL)
		return;                         /* queue_size 0: no such queue */
	put16(b + 0x18, q->size);
	put16(b + 0x1a, VIRTIO_NO_VECTOR);
	put16(b + 0x1c, q->enabled);
	put16(b + 0x1e, v->qsel);               /* queue_notify_off */
	put64(b + 0x20, q->desc);
	put64(b + 0x28, q->driver);
	put64(b + 0x30, q->device);
}

/* FEATURES_OK holds only for a subset of what was offered that includes
 * VERSION_1; otherwise the bit stays clear and the driver sees it. */
static uint8_t vdev_features_ok(struct vdev *v, uint8_t status)
{
	if (!(status & VIRTIO_STATUS_FEATURES_OK) || (v->status & VIRTIO_STATUS_FEATURES_OK))
		return status;
	if ((v->driver_features & ~v->features) || !vdev__has(v, VIRTIO_F_VERSION_1))
		return (uint8_t)(status & ~VIRTIO_STATUS_FEATURES_OK);
	return status;
}

static void vdev_kick(struct hv *hv, struct vdev *v, unsigned q);

static void vdev_write_status(struct hv *hv, struct vdev *v, uint8_t status)
{
	bool live;

	if (status == 0) {
		vdev_reset(hv, v);
		return;
	}
	live = !(v->status & VIRTIO_STATUS_DRIVER_OK) && (status & VIRTIO_STATUS_DRIVER_OK);
	v->status = vdev_features_ok(v, status);
	if (live)                               /* buffers added before DRIVER_OK */
		for (unsigned q = 0; q < v->ops->nqueues && !hv->ended; q++)
			vdev_kick(hv, v, q);
}

static void vdev_enable_queue(struct hv *hv, struct vdev *v, struct vdev_queue *q)
{
	q->vq = (struct virtq){
		.gm = &hv->gm, .size = q->size, .desc = q->desc,
		.avail = q->driver, .used = q->device,
		.event_idx = vdev__has(v, VIRTIO_RING_F_EVENT_IDX),
		.indirect = vdev__has(v, VIRTIO_RING_F_INDIRECT_DESC),
	};
	if (virtq_start(&q->vq)) {
		hv_end(hv, HV_EXIT_GUEST, "%s: queue %u: %s", v->pci.name, v->qsel,
		       q->vq.err);
		return;
	}
	q->enabled = 1;
}

/* Did a write of [off, off+len) touch the field [f, f+flen)? */
static bool touched(unsigned off, unsigned len, unsigned f, unsigned flen)
{
	return off < f + flen && f < off + len;
}

/* A write lands in a copy of the common config; then each field it
 * touched takes effect, in field order.  A queue's fields are frozen
 * while it is enabled (virtio 1.1, 4.1.4.3.2). */
static void vdev_common_write(struct hv *hv, struct vdev *v, unsigned off,
			      const uint8_t *data, unsigned len)
{
	uint8_t b[VDEV_COMMON_LEN];
	struct vdev_queue *q;
	uint16_t size;

	vdev_common_fill(v, b);
	memcpy(b + off, data, len);
	if (touched(off, len, 0x00, 4))
		v->dfsel = get32(b + 0x00);
	if (touched(off, len, 0x08, 4))
		v->gfsel = get32(b + 0x08);
	if (touched(off, len, 0x0c, 4) && v->gfsel < 2 &&
	    !(v->status & VIRTIO_STATUS_FEATURES_OK)) {
		uint64_t mask = 0xffffffffull << (32 * v->gfsel);
		v->driver_features = (v->driver_features & ~mask) |
				     ((uint64_t)get32(b + 0x0c) << (32 * v->gfsel));
	}
	if (touched(off, len, 0x14, 1))
		vdev_write_status(hv, v, b[0x14]);
	if (touched(off, len, 0x16, 2))
		v->qsel = get16(b + 0x16);
	q = vdev_selq(v);
	if (q == NULL || q->enabled)
		return;
	size = get16(b + 0x18);
	if (touched(off, len, 0x18, 2) && size && size <= VIRTQ_MAX_SIZE &&
	    !(size & (size - 1)))
		q->size = size;
	if (touched(off, len, 0x20, 8))
		q->desc = get64(b + 0x20);
	if (touched(off, len, 0x28, 8))
		q->driver = get64(b + 0x28);
	if (touched(off, len, 0x30, 8))
		q->device = get64(b + 0x30);
	if (touched(off, len, 0x1c, 2) && get16(b + 0x1c) == 1)
		vdev_enable_queue(hv, v, q);
}

static void vdev_kick(struct hv *hv, struct vdev *v, unsigned q)
{
	v->notifies++;
	if (q >= v->ops->nqueues || !v->q[q].enabled ||
	    !(v->status & VIRTIO_STATUS_DRIVER_OK) || hv->ended) {
		v->notifies_idle++;
		return;
	}
	v->ops->notify(hv, v, q);
}

/* The ISR byte: read and clear, and the line goes low (the driver's
 * acknowledgement of a level-triggered INTx). */
static uint8_t vdev_isr_read(struct hv *hv, struct vdev *v)
{
	uint8_t isr = v->isr;

	v->isr_reads++;
	v->isr = 0;
	pci__set_irq(hv, &v->pci, false);
	return isr;
}

static void vdev_cfg_access(struct hv *hv, struct vdev *v, unsigned off,
			    uint8_t *data, unsigned len, bool write)
{
	for (unsigned i = 0; i < len; i++) {
		unsigned k = off + i;
		if (k >= v->cfg_len) {
			if (!write)
				data[i] = 0;
		} else if (write) {
			v->cfg[k] = (uint8_t)((v->cfg[k] & ~v->cfg_wmask[k]) |
					      (data[i] & v->cfg_wmask[k]));
		} else {
			data[i] = v->cfg[k];
		}
	}
	if (write && off < v->cfg_len && v->ops->cfg_write)
		v->ops->cfg_write(hv, v, off, len);
}

/* BAR0.  An access is served by the region it starts in, clipped to it;
 * bytes outside every field read 0 and swallow writes. */
void vdev__mmio(struct hv *hv, uint64_t gpa, void *data, unsigned len,
		bool write, void *opaque)
{
	struct vdev *v = opaque;
	uint64_t off = gpa - v->pci.bar_addr;
	uint8_t *d = data;

	if (!pci__bar_decodes(&v->pci) || off >= VDEV_BAR_SIZE) {
		if (!write)
			memset(d, 0xff, len);
		return;
	}
	if (!write)
		memset(d, 0, len);
	if (off < VDEV_COMMON + VDEV_COMMON_LEN) {
		unsigned n = (unsigned)(off + len <= VDEV_COMMON_LEN ? len : VDEV_COMMON_LEN - off);
		uint8_t b[VDEV_COMMON_LEN];
		if (write) {
			vdev_common_write(hv, v, (unsigned)off, d, n);
		} else {
			vdev_common_fill(v, b);
			memcpy(d, b + off, n);
		}
	} else if (off == VDEV_ISR) {
		if (!write)
			d[0] = vdev_isr_read(hv, v);
	} else if (off >= VDEV_DEVCFG && off < VDEV_DEVCFG + VDEV_CFG_MAX) {
		vdev_cfg_access(hv, v, (unsigned)(off - VDEV_DEVCFG), d, len, write);
	} else if (off >= VDEV_NOTIFY && write) {
		vdev_kick(hv, v, (unsigned)((off - VDEV_NOTIFY) / VDEV_NOTIFY_MULT));
	}
}

void vdev__process(struct hv *hv, struct vdev *v, unsigned qi, vdev_req_fn fn)
{
	struct virtq *vq = &v->q[qi].vq;
	int r;

	do {
		while ((r = virtq_pop(vq, &vdev_chain)) == 1 && !hv->ended) {
			uint32_t len = fn(hv, v, qi, &vdev_chain);
			v->chains++;
			if (virtq_push(vq, vdev_chain.head, len) < 0) {
				r = -1;
				break;
			}
		}
		if (r == 0)
			r = virtq_arm_notify(vq);
	} while (r == 1 && !hv->ended);
	if (r >= 0 && !hv->ended)
		r = virtq_need_interrupt(vq);
	if (r < 0) {
		hv_end(hv, HV_EXIT_GUEST, "%s: queue %u: %s", v->pci.name, qi, vq->err);
		return;
	}
	if (r > 0)
		vdev_set_isr(hv, v, VIRTIO_ISR_QUEUE);
}

void vdev__config_changed(struct hv *hv, struct vdev *v)
{
	v->cfg_gen++;
	if (v->status & VIRTIO_STATUS_DRIVER_OK)
		vdev_set_isr(hv, v, VIRTIO_ISR_CONFIG);
}

static void vdev_stats(struct hv *hv, void *opaque)
{
	struct vdev *v = opaque;

	fprintf(stderr, "hv: stats:   %-20s notifies %" PRIu64 " (idle %" PRIu64
		") chains %" PRIu64 " interrupts %" PRIu64 " isr reads %" PRIu64 "\n",
		v->pci.name, v->notifies, v->notifies_idle, v->chains,
		v->interrupts, v->isr_reads);
	if (v->ops->stats)
		v->ops->stats(hv, v);
}

static void vdev_poll(struct hv *hv, void *opaque)
{
	struct vdev *v = opaque;
	v->ops->poll(hv, v);
}

int vdev__add(struct hv *hv, struct vdev *v, const struct vdev_ops *ops,
	      uint64_t features, unsigned cfg_len)
{
	struct hv_device d;

	v->ops = ops;
	v->cfg_len = cfg_len;
	v->features = features | 1ull << VIRTIO_F_VERSION_1 |
		      1ull << VIRTIO_RING_F_INDIRECT_DESC | 1ull << VIRTIO_RING_F_EVENT_IDX;
	if (cfg_len > VDEV_CFG_MAX || ops->nqueues == 0 || ops->nqueues > VDEV_MAX_QUEUES ||
	    pci__add(&v->pci, ops->kind, 0x1af4, (uint16_t)(0x1040 + ops->id),
		     ops->pci_class << 8 | 1, VDEV_BAR_SIZE)) {
		fprintf(stderr, "hv: %s: no room on PCI bus 0 or in the BAR window\n", ops->kind);
		return -1;
	}
	put16(&v->pci.cfg[PCI_SUBSYS_VENDOR], 0x1af4);
	put16(&v->pci.cfg[PCI_SUBSYS_ID], 0x1100);
	vdev_caps(v);
	vdev_reset(hv, v);
	d = (struct hv_device){ .name = v->pci.name, .opaque = v,
				.reset = vdev_reset_hook, .stats = vdev_stats,
				.poll = ops->poll ? vdev_poll : NULL };
	if (bus__register_mmio(v->pci.bar_addr, VDEV_BAR_SIZE, v->pci.name, vdev__mmio, v) ||
	    dev__register(&d) || vdev_n == PCI_MAX_SLOTS) {
		fprintf(stderr, "hv: %s: cannot register on the bus\n", v->pci.name);
		return -1;
	}
	vdev_all[vdev_n++] = v;
	return 0;
}

/* ---- snapshots (issue 14) ---------------------------------------------
 * A device is saved with the vCPU stopped, between two KVM_RUNs.  hv
 * serves every chain synchronously in the vCPU thread, inside the
 * notify exit that announced it, so no request is ever half done: the
 * state is the transport's registers, each queue's addresses and
 * device-side indices, and the device's own (ops->save). */

unsigned vdev__count(void)
{
	return vdev_n;
}

static void vdev_save_one(const struct vdev *v, struct snap_vdev *d)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->kind, sizeof(d->kind), "%s", v->ops->kind);
	d->layout = SNAP_VDEV_LAYOUT;
	d->slot = v->pci.slot;
	d->irq = v->pci.irq;
	d->irq_level = v->pci.irq_level;
	d->intx_line = v->pci.cfg[PCI_INTERRUPT_LINE];
	d->command = get16(&v->pci.cfg[PCI_COMMAND]);
	d->bar0 = get32(&v->pci.cfg[PCI_BAR0]);
	d->bar_addr = v->pci.bar_addr;
	d->features = v->features;
	d->driver_features = v->driver_features;
	d->dfsel = v->dfsel;
	d->gfsel = v->gfsel;
	d->status = v->status;
	d->isr = v->isr;
	d->cfg_gen = v->cfg_gen;
	d->nqueues = (uint8_t)v->ops->nqueues;
	d->qsel = v->qsel;
	d->cfg_len = (uint16_t)v->cfg_len;
	memcpy(d->cfg, v->cfg, sizeof(d->cfg));
	for (unsigned i = 0; i < VDEV_MAX_QUEUES; i++) {
		const struct vdev_queue *q = &v->q[i];
		d->q[i] = (struct snap_vqueue){
			.size = q->size, .enabled = q->enabled,
			.last_avail = q->vq.last_avail, .used_idx = q->vq.used_idx,
			.signalled = q->vq.signalled,
			.desc = q->desc, .driver = q->driver, .device = q->device,
		};
	}
}

int vdev__save_all(struct hv *hv, struct snap_buf *b)
{
	for (unsigned i = 0; i < vdev_n; i++) {
		struct vdev *v = vdev_all[i];
		size_t tail = v->ops->state_len(hv, v);
		struct snap_vdev *d = calloc(1, sizeof(*d) + tail);
		char name[SNAP_NAME_LEN];

		if (d == NULL)
			return -1;
		vdev_save_one(v, d);
		d->tail_len = (uint32_t)tail;
		v->ops->save(hv, v, (uint8_t *)(d + 1));
		snprintf(name, sizeof(name), "dev.pci.%02x", v->pci.slot);
		snap_put(b, name, d, sizeof(*d) + tail);
		free(d);
	}
	return 0;
}

/* The guest-writable PCI registers back through their write masks
 * (IDs and hv's placement stay this hv's own). */
static void vdev_load_pci(struct vdev *v, const struct snap_vdev *d)
{
	uint8_t raw[256];

	memcpy(raw, v->pci.cfg, sizeof(raw));
	put16(&raw[PCI_COMMAND], d->command);
	put32(&raw[PCI_BAR0], d->bar0);
	raw[PCI_INTERRUPT_LINE] = d->intx_line;
	for (unsigned k = 0; k < sizeof(raw); k++)
		v->pci.cfg[k] = (uint8_t)((v->pci.cfg[k] & ~v->pci.wmask[k]) |
					  (raw[k] & v->pci.wmask[k]));
}

/* Queue i as the driver had it: areas checked again against this RAM
 * (virtq_start), then the device-side indices where they were. */
static int vdev_load_queue(struct hv *hv, struct vdev *v, unsigned i,
			   const struct snap_vqueue *s, char *err, size_t errlen)
{
	struct vdev_queue *q = &v->q[i];

	*q = (struct vdev_queue){ .size = s->size, .desc = s->desc,
				  .driver = s->driver, .device = s->device };
	if (!s->enabled)
		return 0;
	q->vq = (struct virtq){
		.gm = &hv->gm, .size = q->size, .desc = q->desc,
		.avail = q->driver, .used = q->device,
		.event_idx = vdev__has(v, VIRTIO_RING_F_EVENT_IDX),
		.indirect = vdev__has(v, VIRTIO_RING_F_INDIRECT_DESC),
	};
	if (virtq_start(&q->vq)) {
		snprintf(err, errlen, "%s: queue %u: %s", v->pci.name, i, q->vq.err);
		return -1;
	}
	q->vq.last_avail = s->last_avail;
	q->vq.used_idx = s->used_idx;
	q->vq.signalled = s->signalled;
	q->enabled = 1;
	return 0;
}

/* The checks a device's saved kind, place and features must pass on
 * this hv, whether from a snapshot's section or a migration's HELLO. */
static int vdev_same(const struct vdev *v, const char *kind, unsigned slot, unsigned irq,
		     uint32_t bar_addr, uint64_t features, uint64_t driver_features,
		     char *err, size_t errlen)
{
	if (strcmp(kind, v->ops->kind) || slot != v->pci.slot || irq != v->pci.irq ||
	    bar_addr != v->pci.bar_addr) {
		snprintf(err, errlen, "the guest has a %s at 00:%02x.0, this hv a %s: give "
			 "hv the guest's device options (--disk, --virtio-console, --balloon) "
			 "in the same order", kind, slot, v->pci.name);
		return -1;
	}
	if ((features & ~v->features) || (driver_features & ~v->features)) {
		snprintf(err, errlen, "%s: the guest negotiated features %#llx, this hv "
			 "offers %#llx", v->pci.name, (unsigned long long)driver_features,
			 (unsigned long long)v->features);
		return -1;
	}
	return 0;
}

static int vdev_load_one(struct hv *hv, struct vdev *v, const struct snap_vdev *d,
			 const uint8_t *tail, char *err, size_t errlen)
{
	if (vdev_same(v, d->kind, d->slot, d->irq, d->bar_addr, d->features,
		      d->driver_features, err, errlen))
		return -1;
	vdev_load_pci(v, d);
	v->driver_features = d->driver_features;
	v->dfsel = d->dfsel;
	v->gfsel = d->gfsel;
	v->status = d->status;
	v->isr = d->isr;
	v->cfg_gen = d->cfg_gen;
	v->qsel = d->qsel;
	for (unsigned i = 0; i < v->cfg_len; i++)   /* what the driver wrote */
		v->cfg[i] = (uint8_t)((v->cfg[i] & ~v->cfg_wmask[i]) |
				      (d->cfg[i] & v->cfg_wmask[i]));
	for (unsigned i = 0; i < VDEV_MAX_QUEUES; i++)
		if (vdev_load_queue(hv, v, i, &d->q[i], err, errlen))
			return -1;
	if (v->ops->load(hv, v, tail, err, errlen))
		return -1;
	pci__set_irq(hv, &v->pci, d->irq_level);    /* the INTx level it had */
	return 0;
}

/* The guest's device count against this hv's: 0, or -1 with why. */
static int vdev_count_differs(unsigned n, char *err, size_t errlen)
{
	if (n == vdev_n)
		return 0;
	snprintf(err, errlen, "the guest has %u virtio devices, this hv %u: give hv "
		 "the guest's device options (--disk, --virtio-console, --balloon) in "
		 "the same order", n, vdev_n);
	return -1;
}

int vdev__load_all(struct hv *hv, const struct snap_view *sv, char *err, size_t errlen)
{
	if (vdev_count_differs(sv->ndev, err, errlen))
		return -1;
	for (unsigned i = 0; i < vdev_n; i++)
		if (vdev_load_one(hv, vdev_all[i], &sv->vdev[i], sv->vtail[i], err, errlen))
			return -1;
	return 0;
}

static void vdev_ident_one(const struct vdev *v, struct vdev_ident *id)
{
	memset(id, 0, sizeof(*id));
	snprintf(id->kind, sizeof(id->kind), "%s", v->ops->kind);
	id->slot = v->pci.slot;
	id->irq = v->pci.irq;
	id->bar_addr = v->pci.bar_addr;
	id->features = v->features;
	if (v->ops->ident)
		v->ops->ident(v, id);
}

unsigned vdev__ident(struct vdev_ident *out, unsigned max)
{
	unsigned n = vdev_n < max ? vdev_n : max;

	for (unsigned i = 0; i < n; i++)
		vdev_ident_one(vdev_all[i], &out[i]);
	return n;
}

int vdev__match(const struct vdev_ident *id, unsigned n, char *err, size_t errlen)
{
	if (vdev_count_differs(n, err, errlen))
		return -1;
	for (unsigned i = 0; i < n; i++) {
		const struct vdev_ident *s = &id[i];
		struct vdev_ident mine;

		if (memchr(s->kind, 0, sizeof(s->kind)) == NULL || s->reserved || s->reserved2 ||
		    s->ro > 1) {
			snprintf(err, errlen, "device %u of the source: garbage", i);
			return -1;
		}
		vdev_ident_one(vdev_all[i], &mine);
		if (vdev_same(vdev_all[i], s->kind, s->slot, s->irq, s->bar_addr, s->features, 0,
			      err, errlen))
			return -1;
		if (s->sectors != mine.sectors || s->ro != mine.ro) {
			snprintf(err, errlen, "%s: the guest's disk has %llu sectors%s, this hv's "
				 "%llu%s: give hv the guest's disk", vdev_all[i]->pci.name,
				 (unsigned long long)s->sectors, s->ro ? ", read-only" : "",
				 (unsigned long long)mine.sectors, mine.ro ? ", read-only" : "");
			return -1;
		}
	}
	return 0;
}
