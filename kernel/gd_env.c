/*
 * gd_env.c: this kernel's side of guest-drivers/include/gd/env.h: DMA
 * pages from the frame allocator, address translation, uncached
 * mappings, PCI configuration access, shared interrupts, the device
 * notify, time and the log.  Also the list of drivers to register.
 */
#include <stdarg.h>
#include <string.h>
#include "kernel.h"
#include "mm.h"
#include "pci.h"
#include <gd/env.h>
#include <gd/virtio_blk.h>
#include <gd/virtio_console.h>
#include <gd/virtio_balloon.h>
#include <pvops/pvops.h>

#define RFLAGS_IF 0x200

/* Every driver guest-drivers/ offers; the kernel calls this before
 * virtio_probe_all(). */
void gd_drivers_init(void)
{
	virtio_blk_init();
	virtio_console_init();
	virtio_balloon_init();
}

/* Direct-map frames: physically contiguous, reachable through P2V. */
void *gd_dma_alloc(size_t bytes, uint64_t *pa)
{
	uint64_t n = ALIGN_UP(bytes, PAGE_SIZE) / PAGE_SIZE;
	uint64_t p = n ? pmm_alloc_contig(n) : 0;
	if (!p)
		return NULL;
	if (pa)
		*pa = p;
	return P2V(p);
}

void gd_dma_free(void *va, size_t bytes)
{
	uint64_t pa = V2P(va);
	for (uint64_t off = 0; off < ALIGN_UP(bytes, PAGE_SIZE); off += PAGE_SIZE)
		pmm_free(pa + off);
}

/* The direct map (which holds the image) by arithmetic; anything else
 * (heap, stacks) through the page tables. */
uint64_t gd_virt_to_phys(const void *va)
{
	uint64_t v = (uint64_t)(uintptr_t)va;
	if (v >= KERNEL_VMA && v < KERNEL_VMA + DIRECT_MAP_SIZE)
		return V2P(va);
	uint64_t *pte = vm_walk(&kernel_as, ALIGN_DOWN(v, PAGE_SIZE), false);
	if (!pte || !(*pte & PTE_P))
		return 0;
	return pte_addr(*pte) | (v & (PAGE_SIZE - 1));
}

void *gd_phys_to_virt(uint64_t pa)
{
	return pa < DIRECT_MAP_SIZE ? P2V(pa) : NULL;
}

void *gd_mmio_map(uint64_t pa, size_t len)
{
	return vm_map_mmio(pa, len);
}

uint8_t gd_pci_read8(const struct gd_pci_dev *d, uint16_t off) { return pci_read8(d->bus, d->dev, d->fn, off); }
uint16_t gd_pci_read16(const struct gd_pci_dev *d, uint16_t off) { return pci_read16(d->bus, d->dev, d->fn, off); }
uint32_t gd_pci_read32(const struct gd_pci_dev *d, uint16_t off) { return pci_read32(d->bus, d->dev, d->fn, off); }
void gd_pci_write8(const struct gd_pci_dev *d, uint16_t off, uint8_t v) { pci_write8(d->bus, d->dev, d->fn, off, v); }
void gd_pci_write16(const struct gd_pci_dev *d, uint16_t off, uint16_t v) { pci_write16(d->bus, d->dev, d->fn, off, v); }
void gd_pci_write32(const struct gd_pci_dev *d, uint16_t off, uint32_t v) { pci_write32(d->bus, d->dev, d->fn, off, v); }

/*
 * A memory BAR's address and size.  The size comes from the usual probe
 * (write all ones, read the mask back, restore) with memory decoding
 * off meanwhile, so the device never answers at the probe address.
 */
int gd_pci_bar(const struct gd_pci_dev *d, int bar, uint64_t *pa, uint64_t *len)
{
	uint16_t reg = (uint16_t)(0x10 + 4 * bar);
	if (bar < 0 || bar > 5)
		return -1;
	uint32_t lo = gd_pci_read32(d, reg);
	bool is64 = (lo & 0x6) == 0x4;
	if ((lo & 1) || (is64 && bar == 5))
		return -1;			/* I/O BAR, or a 64-bit one cut off */
	uint64_t hi = is64 ? gd_pci_read32(d, reg + 4) : 0;
	uint64_t base = (hi << 32) | (lo & ~0xfULL);
	if (!base)
		return -1;			/* firmware left it unassigned */
	uint64_t fl = pv_irq_save();
	uint16_t cmd = gd_pci_read16(d, 0x04);
	gd_pci_write16(d, 0x04, cmd & ~2);
	gd_pci_write32(d, reg, 0xffffffff);
	uint64_t mask = gd_pci_read32(d, reg) & ~0xfULL;
	gd_pci_write32(d, reg, lo);
	if (is64) {
		gd_pci_write32(d, reg + 4, 0xffffffff);
		mask |= (uint64_t)gd_pci_read32(d, reg + 4) << 32;
		gd_pci_write32(d, reg + 4, (uint32_t)hi);
	} else {
		mask |= 0xffffffff00000000ULL;
	}
	gd_pci_write16(d, 0x04, cmd);
	pv_irq_restore(fl);
	if (pa)
		*pa = base;
	if (len)
		*len = ~mask + 1;
	return 0;
}

void gd_pci_foreach(void (*fn)(const struct gd_pci_dev *d))
{
	for (unsigned i = 0; i < pci_count(); i++)
		fn(pci_get(i));
}

int gd_irq_attach(uint8_t line, bool (*fn)(void *arg), void *arg)
{
	return irq_attach_shared(line, fn, arg);
}

/*
 * The virtio-pci notify: a 16-bit store to the queue's notify register,
 * made through the pvops DEVICE_NOTIFY op (ROM ABI 1.1): natively the
 * store itself (movw %si,(%rdi)); under a ROM a hypercall or backdoor
 * command carrying pa, batched by xenlike inside a lazy section.
 */
void gd_notify(volatile void *va, uint64_t pa, uint16_t value)
{
	pv_device_notify(va, value, pa);
}

uint64_t gd_irq_save(void) { return pv_irq_save(); }
void gd_irq_restore(uint64_t flags) { pv_irq_restore(flags); }

void gd_wait_irq(void)
{
	uint64_t fl = pv_save_fl();
	pv_safe_halt();				/* sti; hlt */
	if (!(fl & RFLAGS_IF))
		pv_irq_disable();
}

uint64_t gd_now_ns(void) { return pv_clock_read(); }

void gd_log(const char *fmt, ...)
{
	va_list ap;
	if (kopts.quiet)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}
