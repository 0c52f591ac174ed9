/*
 * env.h: everything guest-drivers/ needs from the kernel it runs in.
 *
 * guest-drivers/ is kernel-agnostic, like pvops/: its files include only
 * their own headers, <stdint.h>, <stddef.h>, <stdbool.h>, <string.h> and
 * this one.  A kernel that wants the drivers implements these functions
 * (this kernel: kernel/gd_env.c).  Names are shared with other helpers'
 * code (see the issue-12 contract): add, never rename.
 */
#ifndef GD_ENV_H
#define GD_ENV_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

/* Memory for rings and requests: zeroed, page-aligned, physically
 * contiguous; NULL if none.  Freed with the same size. */
void *gd_dma_alloc(size_t bytes, uint64_t *pa);
void gd_dma_free(void *va, size_t bytes);
uint64_t gd_virt_to_phys(const void *va);	/* any kernel address; 0 if unmapped */
void *gd_phys_to_virt(uint64_t pa);		/* RAM only */
void *gd_mmio_map(uint64_t pa, size_t len);	/* uncached (PCD|PWT), no-execute; NULL on failure */

/* A function on PCI bus 0, as the kernel's enumeration found it. */
struct gd_pci_dev {
	uint8_t bus, dev, fn;
	uint16_t vendor, device;
	uint8_t irq_line;			/* register 0x3C, 0xff if none */
};
uint8_t  gd_pci_read8(const struct gd_pci_dev *d, uint16_t off);
uint16_t gd_pci_read16(const struct gd_pci_dev *d, uint16_t off);
uint32_t gd_pci_read32(const struct gd_pci_dev *d, uint16_t off);
void     gd_pci_write8(const struct gd_pci_dev *d, uint16_t off, uint8_t v);
void     gd_pci_write16(const struct gd_pci_dev *d, uint16_t off, uint16_t v);
void     gd_pci_write32(const struct gd_pci_dev *d, uint16_t off, uint32_t v);
/* A memory BAR's address and length (64-bit BARs read whole); -1 when
 * the BAR is unassigned, an I/O BAR, or the upper half of a 64-bit one. */
int gd_pci_bar(const struct gd_pci_dev *d, int bar, uint64_t *pa, uint64_t *len);
/* Calls fn(d) for each function found by the kernel's enumeration. */
void gd_pci_foreach(void (*fn)(const struct gd_pci_dev *d));

/* Interrupts: INTx lines may be shared; the handler returns true if its
 * device had something (it read its ISR).  Runs with interrupts masked.
 * Returns 0, or -1 (bad line, too many handlers). */
int gd_irq_attach(uint8_t line, bool (*fn)(void *arg), void *arg);

/* Notify a device: the 16-bit MMIO write of the virtio-pci transport.
 * va: the uncached mapping of the queue's notify register; pa: its
 * guest-physical address. */
void gd_notify(volatile void *va, uint64_t pa, uint16_t value);

uint64_t gd_irq_save(void);			/* masks interrupts, returns the old state */
void gd_irq_restore(uint64_t flags);
/* Sleeps until the next interrupt (sti; hlt, no lost wake-up when called
 * with interrupts masked), then returns with the caller's interrupt
 * state as it was. */
void gd_wait_irq(void);
uint64_t gd_now_ns(void);			/* monotonic */
void gd_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A full memory barrier (stores before loads): the event-index check
 * after publishing avail->idx needs it. */
static inline void gd_mb(void)
{
	__asm__ volatile("lock; orq $0, (%%rsp)" ::: "memory", "cc");
}

#endif
