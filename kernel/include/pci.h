/*
 * pci.h: PCI configuration mechanism #1 (ports 0xCF8/0xCFC) and the
 * functions found on bus 0 (pci.c).
 */
#ifndef PCI_H
#define PCI_H

#include <stdint.h>
#include <gd/env.h>

#define PCI_MAX_DEVS 32

void pci_init(void);				/* enumerates bus 0, one line per function */
unsigned pci_count(void);
const struct gd_pci_dev *pci_get(unsigned i);	/* NULL past the end */

uint32_t pci_read32(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off);
uint16_t pci_read16(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off);
uint8_t  pci_read8(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off);
void pci_write32(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off, uint32_t v);
void pci_write16(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off, uint16_t v);
void pci_write8(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off, uint8_t v);

/* irq.c: shared, level-triggered INTx lines on the 8259. */
int irq_attach_shared(int line, bool (*fn)(void *arg), void *arg);
uint64_t irq_line_count(int line);		/* interrupts taken on the line */
bool irq_line_masked(int line);			/* masked for no claimant */
bool irq_line_dispatch(int line);		/* one interrupt's handlers (tests) */
#define IRQ_UNCLAIMED_MAX 1000			/* unclaimed in a row, then masked */

/* vm.c: uncached MMIO mappings in their own window. */
void *vm_map_mmio(uint64_t pa, uint64_t len);

#endif
