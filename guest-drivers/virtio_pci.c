/*
 * virtio_pci.c: the virtio-pci modern transport (virtio 1.1, 4.1.4).
 *
 * A virtio PCI function lists vendor capabilities (ID 0x09) naming a BAR,
 * an offset and a length for each structure: common configuration,
 * notify, ISR, device configuration.  QEMU's modern-only
 * (disable-legacy=on) and transitional devices both carry them; a
 * legacy-only device (no capabilities) is refused with a message.  All
 * access is through uncached kernel mappings of the memory BARs.
 */
#include <string.h>
#include "virtio_pci.h"

#define PCI_STATUS	0x06
#define PCI_COMMAND	0x04
#define PCI_SUBSYS_ID	0x2e
#define PCI_CAP_PTR	0x34
#define PCI_CAP_VENDOR	0x09

enum { CAP_COMMON = 1, CAP_NOTIFY = 2, CAP_ISR = 3, CAP_DEVICE = 4 };

/* struct virtio_pci_common_cfg offsets (4.1.4.3). */
#define CC_DFSELECT	0x00
#define CC_DF		0x04
#define CC_GFSELECT	0x08
#define CC_GF		0x0c
#define CC_NUMQ		0x12
#define CC_STATUS	0x14
#define CC_GENERATION	0x15
#define CC_Q_SELECT	0x16
#define CC_Q_SIZE	0x18
#define CC_Q_ENABLE	0x1c
#define CC_Q_NOFF	0x1e
#define CC_Q_DESC	0x20
#define CC_Q_DRIVER	0x28
#define CC_Q_DEVICE	0x30

static void w8(struct virtio_pci *tp, unsigned o, uint8_t v)   { *(volatile uint8_t *)(tp->common + o) = v; }
static void w16(struct virtio_pci *tp, unsigned o, uint16_t v) { *(volatile uint16_t *)(tp->common + o) = v; }
static void w32(struct virtio_pci *tp, unsigned o, uint32_t v) { *(volatile uint32_t *)(tp->common + o) = v; }
static uint8_t r8(struct virtio_pci *tp, unsigned o)   { return *(volatile uint8_t *)(tp->common + o); }
static uint16_t r16(struct virtio_pci *tp, unsigned o) { return *(volatile uint16_t *)(tp->common + o); }
static uint32_t r32(struct virtio_pci *tp, unsigned o) { return *(volatile uint32_t *)(tp->common + o); }

/* 64-bit fields are written as two 32-bit halves, low first (4.1.3.1). */
static void w64(struct virtio_pci *tp, unsigned o, uint64_t v)
{
	w32(tp, o, (uint32_t)v);
	w32(tp, o + 4, (uint32_t)(v >> 32));
}

unsigned vpci_device_type(const struct gd_pci_dev *d)
{
	if (d->vendor != VIRTIO_PCI_VENDOR || d->device < 0x1000 || d->device > 0x107f)
		return 0;
	if (d->device >= 0x1040)
		return d->device - 0x1040;		/* modern ID */
	return gd_pci_read16(d, PCI_SUBSYS_ID);		/* transitional: type in subsystem ID */
}

/* Maps the structure one capability at config offset cap describes. */
static volatile uint8_t *map_cap(const struct gd_pci_dev *d, uint8_t cap, size_t *len_out,
				 uint64_t *pa_out)
{
	uint8_t bar = gd_pci_read8(d, cap + 4);
	uint32_t off = gd_pci_read32(d, cap + 8), len = gd_pci_read32(d, cap + 12);
	uint64_t bar_pa, bar_len;

	if (bar > 5 || gd_pci_bar(d, bar, &bar_pa, &bar_len) != 0)
		return NULL;
	if (len == 0 || off > bar_len || len > bar_len - off)
		return NULL;
	if (len_out)
		*len_out = len;
	if (pa_out)
		*pa_out = bar_pa + off;
	return gd_mmio_map(bar_pa + off, len);
}

/* Walks the capability list (bounded: a looping list ends the walk) and
 * maps the first usable structure of each type. */
static void find_caps(struct virtio_pci *tp)
{
	const struct gd_pci_dev *d = &tp->pci;
	uint8_t cap = gd_pci_read8(d, PCI_CAP_PTR) & 0xfc;

	for (int n = 0; cap >= 0x40 && n < 48; n++, cap = gd_pci_read8(d, cap + 1) & 0xfc) {
		if (gd_pci_read8(d, cap) != PCI_CAP_VENDOR)
			continue;
		uint8_t type = gd_pci_read8(d, cap + 3);
		if (type == CAP_COMMON && !tp->common)
			tp->common = map_cap(d, cap, NULL, NULL);
		else if (type == CAP_ISR && !tp->isr)
			tp->isr = map_cap(d, cap, NULL, NULL);
		else if (type == CAP_DEVICE && !tp->device)
			tp->device = map_cap(d, cap, &tp->device_len, NULL);
		else if (type == CAP_NOTIFY && !tp->notify) {
			tp->notify = map_cap(d, cap, &tp->notify_len, &tp->notify_pa);
			tp->notify_mult = gd_pci_read32(d, cap + 16);
		}
	}
}

int vpci_setup(struct virtio_pci *tp, const struct gd_pci_dev *d, const char **why)
{
	memset(tp, 0, sizeof(*tp));
	tp->pci = *d;
	if (!(gd_pci_read16(d, PCI_STATUS) & 0x10)) {
		*why = "no PCI capability list (a legacy-only device)";
		return -1;
	}
	/* Memory space and bus mastering on, INTx not disabled. */
	uint16_t cmd = gd_pci_read16(d, PCI_COMMAND);
	gd_pci_write16(d, PCI_COMMAND, (uint16_t)((cmd | 0x6) & ~0x400));
	find_caps(tp);
	if (!tp->common || !tp->isr || !tp->notify) {
		*why = "no usable common, ISR or notify capability (unassigned BAR or legacy-only device)";
		return -1;
	}
	return 0;
}

uint8_t vpci_status(struct virtio_pci *tp) { return r8(tp, CC_STATUS); }
void vpci_set_status(struct virtio_pci *tp, uint8_t s) { w8(tp, CC_STATUS, s); }
uint8_t vpci_config_generation(struct virtio_pci *tp) { return r8(tp, CC_GENERATION); }
uint16_t vpci_num_queues(struct virtio_pci *tp) { return r16(tp, CC_NUMQ); }

/* Writing 0 resets; the device says it is done by reading back 0. */
void vpci_reset(struct virtio_pci *tp)
{
	w8(tp, CC_STATUS, 0);
	for (int i = 0; i < 1000000 && r8(tp, CC_STATUS) != 0; i++)
		;
}

uint64_t vpci_device_features(struct virtio_pci *tp)
{
	w32(tp, CC_DFSELECT, 0);
	uint64_t lo = r32(tp, CC_DF);
	w32(tp, CC_DFSELECT, 1);
	return lo | (uint64_t)r32(tp, CC_DF) << 32;
}

void vpci_set_driver_features(struct virtio_pci *tp, uint64_t f)
{
	w32(tp, CC_GFSELECT, 0);
	w32(tp, CC_GF, (uint32_t)f);
	w32(tp, CC_GFSELECT, 1);
	w32(tp, CC_GF, (uint32_t)(f >> 32));
}

uint16_t vpci_queue_max(struct virtio_pci *tp, unsigned q)
{
	w16(tp, CC_Q_SELECT, (uint16_t)q);
	return r16(tp, CC_Q_SIZE);
}

volatile void *vpci_queue_enable(struct virtio_pci *tp, unsigned q, unsigned size,
				 uint64_t desc, uint64_t avail, uint64_t used, uint64_t *notify_pa)
{
	w16(tp, CC_Q_SELECT, (uint16_t)q);
	w16(tp, CC_Q_SIZE, (uint16_t)size);
	w64(tp, CC_Q_DESC, desc);
	w64(tp, CC_Q_DRIVER, avail);
	w64(tp, CC_Q_DEVICE, used);
	uint64_t off = (uint64_t)r16(tp, CC_Q_NOFF) * tp->notify_mult;
	if (off + 2 > tp->notify_len)
		return NULL;
	w16(tp, CC_Q_ENABLE, 1);
	*notify_pa = tp->notify_pa + off;
	return tp->notify + off;
}

uint8_t vpci_read_isr(struct virtio_pci *tp)
{
	return *tp->isr;
}
