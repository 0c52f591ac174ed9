/* pci.c: PCI bus 0 behind configuration mechanism #1; see pci.h. */
#include "pci.h"
#include "../hcall.h"

#include <stdio.h>
#include <string.h>

#define PCI_ADDR_ENABLE 0x80000000u
#define PCI_ADDR_MASK   0x80fffffcu     /* enable, bus, dev, fn, dword */

static struct pci_dev *pci_slot[PCI_MAX_SLOTS];
static struct pci_dev pci_host;
static uint32_t pci_addr;               /* the 0xCF8 latch */
static uint64_t pci_next_bar;           /* the window's first free byte */
static unsigned pci_ndev;               /* devices added, for the lines */
static bool pci_line_level[16];
static const uint8_t pci_lines[] = { 10, 11, 9, 5 };

static void pci_put16(struct pci_dev *d, unsigned off, uint16_t v)
{
	memcpy(&d->cfg[off], &v, 2);
}

static void pci_put32(struct pci_dev *d, unsigned off, uint32_t v)
{
	memcpy(&d->cfg[off], &v, 4);
}

static uint16_t pci_get16(const struct pci_dev *d, unsigned off)
{
	uint16_t v;
	memcpy(&v, &d->cfg[off], 2);
	return v;
}

/* The header every function shares: IDs, class, revision; the guest may
 * write the command register's decode, master and INTx-disable bits and
 * the Interrupt Line, nothing else of the header. */
static void pci_header(struct pci_dev *d, uint16_t vendor, uint16_t device,
		       uint32_t class_rev)
{
	memset(d->cfg, 0, sizeof(d->cfg));
	memset(d->wmask, 0, sizeof(d->wmask));
	pci_put16(d, PCI_VENDOR_ID, vendor);
	pci_put16(d, PCI_DEVICE_ID, device);
	pci_put32(d, PCI_REVISION, class_rev);
	d->wmask[PCI_COMMAND] = PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	d->wmask[PCI_COMMAND + 1] = PCI_COMMAND_INTX_DISABLE >> 8;
	d->wmask[PCI_INTERRUPT_LINE] = 0xff;
}

/* One byte of config space for device dev (bus 0, function 0). */
static uint8_t pci_cfg_read(unsigned dev, unsigned fn, unsigned reg)
{
	const struct pci_dev *d = pci_slot[dev];
	return d && fn == 0 ? d->cfg[reg] : 0xff;
}

static void pci_cfg_write(struct hv *hv, unsigned dev, unsigned fn,
			  unsigned reg, uint8_t v)
{
	struct pci_dev *d = pci_slot[dev];

	if (d == NULL || fn != 0)
		return;
	d->cfg[reg] = (uint8_t)((d->cfg[reg] & ~d->wmask[reg]) | (v & d->wmask[reg]));
	if (reg == PCI_COMMAND + 1)             /* INTx disable may change the line */
		pci__set_irq(hv, d, d->irq_level);
}

/* 0xCF8: only a 32-bit access is the address latch (a narrower one is
 * another register on a PC, 0xCF9 the reset control: ignored here). */
static void pci_addr_io(struct hv *hv, struct hv_io *io, void *opaque)
{
	(void)hv; (void)opaque;
	if (io->port != PCI_CONFIG_ADDR || io->size != 4) {
		if (!io->out)
			io->val = io->size == 4 ? 0xffffffffu : (1u << (8 * io->size)) - 1;
		return;
	}
	if (io->out)
		pci_addr = io->val & PCI_ADDR_MASK;
	else
		io->val = pci_addr;
}

/* 0xCFC-0xCFF: the latched dword's bytes, one at a time, so every width
 * and offset works; bytes past 0xCFF, a disabled latch, another bus or a
 * missing function read as ones and swallow writes. */
static void pci_data_io(struct hv *hv, struct hv_io *io, void *opaque)
{
	unsigned bus = (pci_addr >> 16) & 0xff, dev = (pci_addr >> 11) & 0x1f;
	unsigned fn = (pci_addr >> 8) & 7;
	bool on = (pci_addr & PCI_ADDR_ENABLE) && bus == 0;
	(void)opaque;

	if (!io->out)
		io->val = 0;
	for (unsigned i = 0; i < io->size; i++) {
		unsigned k = io->port - PCI_CONFIG_DATA + i;
		unsigned reg = (pci_addr & 0xfc) + k;
		if (io->out) {
			if (on && k < 4)
				pci_cfg_write(hv, dev, fn, reg, (uint8_t)(io->val >> (8 * i)));
		} else {
			uint8_t b = on && k < 4 ? pci_cfg_read(dev, fn, reg) : 0xff;
			io->val |= (uint32_t)b << (8 * i);
		}
	}
}

int pci__init(struct hv *hv)
{
	(void)hv;
	memset(pci_slot, 0, sizeof(pci_slot));
	memset(pci_line_level, 0, sizeof(pci_line_level));
	pci_addr = 0;
	pci_ndev = 0;
	pci_next_bar = PCI_BAR_WINDOW;
	pci_header(&pci_host, 0x8086, 0x1237, 0x06000002);  /* i440FX host bridge */
	pci_put16(&pci_host, PCI_COMMAND, PCI_COMMAND_MEMORY);
	pci_host.wmask[PCI_INTERRUPT_LINE] = 0;
	snprintf(pci_host.name, sizeof(pci_host.name), "host-bridge@00:00.0");
	pci_slot[0] = &pci_host;
	if (bus__register_pio(PCI_CONFIG_ADDR, 4, "pci-addr", pci_addr_io, NULL) ||
	    bus__register_pio(PCI_CONFIG_DATA, 4, "pci-data", pci_data_io, NULL))
		return -1;
	return 0;
}

int pci__add(struct pci_dev *d, const char *kind, uint16_t vendor,
	     uint16_t device, uint32_t class_rev, uint32_t bar_size)
{
	unsigned slot = 1;
	uint64_t bar = (pci_next_bar + bar_size - 1) & ~((uint64_t)bar_size - 1);

	while (slot < PCI_MAX_SLOTS && pci_slot[slot])
		slot++;
	if (slot == PCI_MAX_SLOTS || bar_size < 4096 || (bar_size & (bar_size - 1)) ||
	    bar + bar_size > PCI_BAR_WINDOW_END)
		return -1;
	pci_header(d, vendor, device, class_rev);
	d->slot = (uint8_t)slot;
	d->bar_size = bar_size;
	d->bar_addr = (uint32_t)bar;
	d->irq = pci_lines[pci_ndev++ % sizeof(pci_lines)];
	d->irq_level = false;
	pci_put16(d, PCI_COMMAND, PCI_COMMAND_MEMORY);
	pci_put32(d, PCI_BAR0, d->bar_addr);        /* 32-bit, non-prefetchable */
	for (unsigned i = 0; i < 4; i++)
		d->wmask[PCI_BAR0 + i] = (uint8_t)((~(bar_size - 1) & ~0xfu) >> (8 * i));
	d->cfg[PCI_INTERRUPT_LINE] = d->irq;
	d->cfg[PCI_INTERRUPT_PIN] = 1;              /* INTA# */
	snprintf(d->name, sizeof(d->name), "%s@00:%02x.0", kind, slot);
	pci_next_bar = bar + bar_size;
	pci_slot[slot] = d;
	return 0;
}

bool pci__bar_decodes(const struct pci_dev *d)
{
	uint32_t bar;

	memcpy(&bar, &d->cfg[PCI_BAR0], 4);
	return (pci_get16(d, PCI_COMMAND) & PCI_COMMAND_MEMORY) &&
	       (bar & ~0xfu) == d->bar_addr;
}

/* Level-triggered and shareable: the line is high while any device on
 * it has its input high and INTx enabled; KVM hears only changes. */
void pci__set_irq(struct hv *hv, struct pci_dev *d, bool level)
{
	bool line = false;
	uint16_t status;

	d->irq_level = level;
	status = (uint16_t)(pci_get16(d, PCI_STATUS) & ~PCI_STATUS_INTX);
	pci_put16(d, PCI_STATUS, (uint16_t)(status | (level ? PCI_STATUS_INTX : 0)));
	for (unsigned s = 1; s < PCI_MAX_SLOTS; s++) {
		const struct pci_dev *o = pci_slot[s];
		if (o && o->irq == d->irq && o->irq_level &&
		    !(pci_get16(o, PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE))
			line = true;
	}
	if (line != pci_line_level[d->irq & 15]) {
		pci_line_level[d->irq & 15] = line;
		hv_irq_line(hv, d->irq, line);
	}
}
