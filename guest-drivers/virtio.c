/*
 * virtio.c: the virtio core: driver registry, device discovery over PCI,
 * the status handshake and feature negotiation (virtio 1.1, 3.1), queue
 * set-up, the shared INTx handler and the device-configuration accessors.
 *
 * Devices and queues come from static pools: the kernel gives nothing
 * but DMA pages and mappings (gd/env.h), and a guest has few devices.
 */
#include <string.h>
#include <gd/env.h>
#include <gd/virtio.h>
#include "virtq.h"
#include "virtio_pci.h"

#define MAX_DRIVERS	8
#define MAX_DEVICES	8
#define MAX_QUEUES	16

/* Transport and ring bits the core itself takes when offered. */
#define CORE_FEATURES	((1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_RING_F_EVENT_IDX) | \
			 (1ULL << VIRTIO_RING_F_INDIRECT_DESC))

static const struct virtio_driver *drivers[MAX_DRIVERS];
static unsigned ndrivers;
static struct virtio_dev devs[MAX_DEVICES];
static struct virtio_pci transports[MAX_DEVICES];
static unsigned ndevs;
static struct virtq queues[MAX_QUEUES];
static unsigned nqueues;

int virtio_register_driver(const struct virtio_driver *drv)
{
	if (ndrivers == MAX_DRIVERS)
		return -1;
	drivers[ndrivers++] = drv;
	return 0;
}

bool virtio_has_feature(const struct virtio_dev *vd, unsigned bit)
{
	return bit < 64 && (vd->features >> bit) & 1;
}

const struct virtio_stats *virtio_stats(const struct virtio_dev *vd)
{
	struct virtio_dev *d = (struct virtio_dev *)vd;
	d->stats.kicks = d->stats.notifies = 0;
	for (unsigned i = 0; i < d->nvqs; i++) {
		d->stats.kicks += d->vqs[i]->kicks;
		d->stats.notifies += d->vqs[i]->notifies;
	}
	return &d->stats;
}

/* The INTx handler: reading ISR acknowledges (and lowers the line). */
static bool virtio_irq(void *arg)
{
	struct virtio_dev *vd = arg;
	uint8_t isr = vpci_read_isr(vd->tp);

	if (!isr)
		return false;
	vd->stats.interrupts++;
	if (isr & VIRTIO_ISR_QUEUE)
		for (unsigned i = 0; i < vd->nvqs; i++)
			if (vd->vqs[i]->cb)
				vd->vqs[i]->cb(vd->vqs[i]);
	if ((isr & VIRTIO_ISR_CONFIG) && vd->drv && vd->drv->config_changed) {
		vd->stats.config_changes++;
		vd->drv->config_changed(vd);
	}
	return true;
}

static void pci_notify(struct virtq *vq)
{
	gd_notify(vq->notify_va, vq->notify_pa, (uint16_t)vq->index);
}

/* Largest power of two <= x (x > 0). */
static unsigned pow2_floor(unsigned x)
{
	unsigned p = 1;
	while (p * 2 <= x)
		p *= 2;
	return p;
}

static int setup_vq(struct virtio_dev *vd, unsigned i, virtq_callback cb, unsigned max_size)
{
	unsigned size = vpci_queue_max(vd->tp, i);
	uint64_t pa;

	if (size == 0) {
		gd_log("virtio: %s: queue %u does not exist\n", vd->name, i);
		return -1;
	}
	if (nqueues == MAX_QUEUES) {
		gd_log("virtio: %s: out of queue slots\n", vd->name);
		return -1;
	}
	size = pow2_floor(size < max_size ? size : max_size);
	size = size < VQ_MAX_SIZE ? size : VQ_MAX_SIZE;
	void *mem = gd_dma_alloc(virtq_mem_bytes(size), &pa);
	if (!mem) {
		gd_log("virtio: %s: no memory for queue %u (%u entries)\n", vd->name, i, size);
		return -1;
	}
	struct virtq *vq = &queues[nqueues++];
	virtq_init(vq, i, size, mem, pa, virtio_has_feature(vd, VIRTIO_RING_F_EVENT_IDX),
		   virtio_has_feature(vd, VIRTIO_RING_F_INDIRECT_DESC));
	vq->vd = vd;
	vq->cb = cb;
	vq->notify = pci_notify;
	vq->notify_va = vpci_queue_enable(vd->tp, i, size, vq->desc_pa, vq->avail_pa,
					  vq->used_pa, &vq->notify_pa);
	if (!vq->notify_va) {
		gd_log("virtio: %s: queue %u notify register outside the notify region\n", vd->name, i);
		return -1;
	}
	vd->vqs[vd->nvqs++] = vq;
	return 0;
}

int virtio_find_vqs(struct virtio_dev *vd, unsigned n, struct virtq *vqs[],
		    const virtq_callback cbs[], unsigned max_size)
{
	if (n > VIRTIO_MAX_VQS || n > vpci_num_queues(vd->tp)) {
		gd_log("virtio: %s: wants %u queues, device has %u\n", vd->name, n,
		       vpci_num_queues(vd->tp));
		return -1;
	}
	for (unsigned i = 0; i < n; i++) {
		if (setup_vq(vd, i, cbs ? cbs[i] : NULL, max_size ? max_size : VQ_MAX_SIZE) != 0)
			return -1;
		vqs[i] = vd->vqs[i];
	}
	return 0;
}

void virtio_device_ready(struct virtio_dev *vd)
{
	vpci_set_status(vd->tp, vpci_status(vd->tp) | VIRTIO_STATUS_DRIVER_OK);
	vd->ready = true;
}

/* Resets the device; its queues stay allocated but are dead (the
 * interrupt handler no longer calls them). */
void virtio_reset(struct virtio_dev *vd)
{
	uint64_t fl = gd_irq_save();
	vpci_reset(vd->tp);
	vd->nvqs = 0;
	vd->ready = false;
	gd_irq_restore(fl);
}

/* Handshake up to FEATURES_OK (3.1.1 steps 1-6); 0 or why not. */
static const char *negotiate(struct virtio_dev *vd)
{
	struct virtio_pci *tp = vd->tp;
	vpci_reset(tp);
	vpci_set_status(tp, VIRTIO_STATUS_ACK);
	vpci_set_status(tp, VIRTIO_STATUS_ACK | VIRTIO_STATUS_DRIVER);
	uint64_t offered = vpci_device_features(tp);
	if (!(offered & (1ULL << VIRTIO_F_VERSION_1)))
		return "device does not offer VIRTIO_F_VERSION_1";
	vd->features = offered & (vd->drv->features | CORE_FEATURES);
	vpci_set_driver_features(tp, vd->features);
	vpci_set_status(tp, VIRTIO_STATUS_ACK | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
	if (!(vpci_status(tp) & VIRTIO_STATUS_FEATURES_OK))
		return "device refused our features (FEATURES_OK not kept)";
	return NULL;
}

static const struct virtio_driver *driver_for(unsigned type)
{
	for (unsigned i = 0; i < ndrivers; i++)
		if (drivers[i]->device_id == type)
			return drivers[i];
	return NULL;
}

/* "virtio-blk@00:03.0": the driver's name and the PCI address. */
static void make_name(char *buf, const char *drv, const struct gd_pci_dev *d)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = strlen(drv) < 16 ? strlen(drv) : 16;
	memcpy(buf, drv, n);
	buf += n;
	*buf++ = '@';
	*buf++ = hex[d->bus >> 4];
	*buf++ = hex[d->bus & 15];
	*buf++ = ':';
	*buf++ = hex[(d->dev >> 4) & 1];
	*buf++ = hex[d->dev & 15];
	*buf++ = '.';
	*buf++ = hex[d->fn & 7];
	*buf = 0;
}

static void probe_one(const struct gd_pci_dev *d)
{
	unsigned type = vpci_device_type(d);
	const char *why = NULL;
	if (!type)
		return;
	const struct virtio_driver *drv = driver_for(type);
	if (!drv) {
		gd_log("virtio: %02x:%02x.%x type %u: no driver\n", d->bus, d->dev, d->fn, type);
		return;
	}
	if (ndevs == MAX_DEVICES) {
		gd_log("virtio: %02x:%02x.%x: too many devices\n", d->bus, d->dev, d->fn);
		return;
	}
	struct virtio_dev *vd = &devs[ndevs];
	struct virtio_pci *tp = &transports[ndevs];
	memset(vd, 0, sizeof(*vd));
	vd->drv = drv;
	vd->tp = tp;
	vd->name = vd->name_buf;
	make_name(vd->name_buf, drv->name, d);

	if (vpci_setup(tp, d, &why) != 0) {
		gd_log("virtio: %s: skipped: %s\n", vd->name, why);
		return;
	}
	if ((why = negotiate(vd)) != NULL) {
		vpci_set_status(tp, vpci_status(tp) | VIRTIO_STATUS_FAILED);
		gd_log("virtio: %s: %s\n", vd->name, why);
		return;
	}
	if (d->irq_line == 0xff || gd_irq_attach(d->irq_line, virtio_irq, vd) != 0) {
		vpci_set_status(tp, VIRTIO_STATUS_FAILED);
		gd_log("virtio: %s: no usable interrupt line (%u)\n", vd->name, d->irq_line);
		return;
	}
	ndevs++;
	int r = drv->probe(vd);
	if (r != 0) {
		vpci_set_status(tp, vpci_status(tp) | VIRTIO_STATUS_FAILED);
		vd->nvqs = 0;
		gd_log("virtio: %s: driver probe failed (%d)\n", vd->name, r);
		return;
	}
	gd_log("virtio: %s: irq %u, features %#llx%s%s\n", vd->name, d->irq_line,
	       (unsigned long long)vd->features,
	       virtio_has_feature(vd, VIRTIO_RING_F_EVENT_IDX) ? ", event idx" : "",
	       virtio_has_feature(vd, VIRTIO_RING_F_INDIRECT_DESC) ? ", indirect" : "");
}

void virtio_probe_all(void)
{
	gd_pci_foreach(probe_one);
}

static bool cfg_ok(struct virtio_dev *vd, unsigned off, unsigned len)
{
	return vd->tp->device && off + len <= vd->tp->device_len;
}

#define CFG_RW(bits)								\
uint##bits##_t virtio_cfg_read##bits(struct virtio_dev *vd, unsigned off)	\
{										\
	if (!cfg_ok(vd, off, bits / 8))						\
		return 0;							\
	return *(volatile uint##bits##_t *)(vd->tp->device + off);		\
}										\
void virtio_cfg_write##bits(struct virtio_dev *vd, unsigned off, uint##bits##_t v) \
{										\
	if (cfg_ok(vd, off, bits / 8))						\
		*(volatile uint##bits##_t *)(vd->tp->device + off) = v;		\
}
CFG_RW(8)
CFG_RW(16)
CFG_RW(32)

/* Two 32-bit reads can straddle a change: retry until the generation
 * counter is the same before and after (4.1.4.3.1). */
uint64_t virtio_cfg_read64(struct virtio_dev *vd, unsigned off)
{
	uint8_t gen;
	uint64_t v;
	if (!cfg_ok(vd, off, 8))
		return 0;
	do {
		gen = vpci_config_generation(vd->tp);
		v = virtio_cfg_read32(vd, off) | (uint64_t)virtio_cfg_read32(vd, off + 4) << 32;
	} while (gen != vpci_config_generation(vd->tp));
	return v;
}
