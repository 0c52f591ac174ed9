/*
 * pci.c: PCI enumeration over configuration mechanism #1: an address
 * written to port 0xCF8, the data at 0xCFC..0xCFF.  Bus 0 is enough for
 * QEMU's i440FX machine and for hv.  Firmware (SeaBIOS, hv) has assigned
 * the BARs and written the interrupt line; the kernel never re-assigns.
 * Port I/O is not paravirtualized: every hypervisor traps these ports.
 */
#include "kernel.h"
#include "pci.h"
#include <native/insn.h>
#include <pvops/pvops.h>

#define PCI_ADDR 0xcf8
#define PCI_DATA 0xcfc

static struct gd_pci_dev devs[PCI_MAX_DEVS];
static unsigned ndevs;

static uint32_t addr(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off)
{
	return 0x80000000u | (uint32_t)bus << 16 | (uint32_t)(dev & 31) << 11 |
	       (uint32_t)(fn & 7) << 8 | (off & 0xfc);
}

/* The address port and the data port are one access: no interrupt in
 * between may select another register. */
uint32_t pci_read32(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off)
{
	uint64_t fl = pv_irq_save();
	outl(PCI_ADDR, addr(bus, dev, fn, off));
	uint32_t v = inl(PCI_DATA);
	pv_irq_restore(fl);
	return v;
}

uint16_t pci_read16(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off)
{
	uint64_t fl = pv_irq_save();
	outl(PCI_ADDR, addr(bus, dev, fn, off));
	uint16_t v = inw(PCI_DATA + (off & 2));
	pv_irq_restore(fl);
	return v;
}

uint8_t pci_read8(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off)
{
	uint64_t fl = pv_irq_save();
	outl(PCI_ADDR, addr(bus, dev, fn, off));
	uint8_t v = inb(PCI_DATA + (off & 3));
	pv_irq_restore(fl);
	return v;
}

void pci_write32(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off, uint32_t v)
{
	uint64_t fl = pv_irq_save();
	outl(PCI_ADDR, addr(bus, dev, fn, off));
	outl(PCI_DATA, v);
	pv_irq_restore(fl);
}

void pci_write16(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off, uint16_t v)
{
	uint64_t fl = pv_irq_save();
	outl(PCI_ADDR, addr(bus, dev, fn, off));
	outw(PCI_DATA + (off & 2), v);
	pv_irq_restore(fl);
}

void pci_write8(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off, uint8_t v)
{
	uint64_t fl = pv_irq_save();
	outl(PCI_ADDR, addr(bus, dev, fn, off));
	outb(PCI_DATA + (off & 3), v);
	pv_irq_restore(fl);
}

static void add(uint8_t dev, uint8_t fn, uint32_t id)
{
	struct gd_pci_dev *d = &devs[ndevs];
	if (ndevs == PCI_MAX_DEVS) {
		klog("pci: 00:%02x.%x: table full, ignored\n", dev, fn);
		return;
	}
	d->bus = 0;
	d->dev = dev;
	d->fn = fn;
	d->vendor = (uint16_t)id;
	d->device = (uint16_t)(id >> 16);
	/* Firmware wrote the 8259 line it routed the pin to; 0 and 0xff
	 * (and anything past 15) mean none.  The pin register is not
	 * consulted: a line is what firmware promised. */
	uint8_t line = pci_read8(0, dev, fn, 0x3c);
	d->irq_line = line >= 1 && line <= 15 ? line : 0xff;
	uint32_t cls = pci_read32(0, dev, fn, 0x08);
	klog("pci: 00:%02x.%x %04x:%04x class %06x irq %d\n", dev, fn, d->vendor, d->device,
	     cls >> 8, d->irq_line == 0xff ? -1 : d->irq_line);
	ndevs++;
}

/* Bus 0, every device; functions 1-7 only where function 0 says it is
 * multi-function (header type bit 7). */
void pci_init(void)
{
	for (uint8_t dev = 0; dev < 32; dev++) {
		uint32_t id = pci_read32(0, dev, 0, 0);
		if ((id & 0xffff) == 0xffff)
			continue;
		add(dev, 0, id);
		if (!(pci_read8(0, dev, 0, 0x0e) & 0x80))
			continue;
		for (uint8_t fn = 1; fn < 8; fn++) {
			id = pci_read32(0, dev, fn, 0);
			if ((id & 0xffff) != 0xffff)
				add(dev, fn, id);
		}
	}
	klog("pci: %u function%s on bus 0\n", ndevs, ndevs == 1 ? "" : "s");
}

unsigned pci_count(void) { return ndevs; }
const struct gd_pci_dev *pci_get(unsigned i) { return i < ndevs ? &devs[i] : NULL; }
