/* pci.h: hv's PCI bus 0, as a PC's firmware leaves it.
 *
 * Configuration mechanism #1: a 32-bit write to 0xCF8 selects
 * (enable bit 31, bus, device, function, register), and 0xCFC-0xCFF read
 * or write that dword's bytes at any width.  Bus 0, function 0 only;
 * everything else reads all ones.  A host bridge sits at 00:00.0
 * (8086:1237); devices from 00:01.0 on.
 *
 * hv is the firmware: pci__add() gives a device its slot, its one 32-bit
 * memory BAR (BAR0, in the window [PCI_BAR_WINDOW, PCI_BAR_WINDOW_END),
 * aligned to its size), memory decoding on, and an INTx line (10, 11,
 * 9, 5, then round again) written in the Interrupt Line register.
 *
 * Config space is 256 bytes with a byte mask of what the guest may
 * write: everything else (IDs, class, read-only status, capability
 * lists) ignores writes, and BAR sizing (write all ones, read back)
 * answers ~(size - 1) with the flag bits, as hardware does. */
#ifndef HV_PCI_H
#define HV_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "../bus.h"

#define PCI_CONFIG_ADDR     0xcf8
#define PCI_CONFIG_DATA     0xcfc
#define PCI_BAR_WINDOW      0xE0000000ull
#define PCI_BAR_WINDOW_END  0xFEC00000ull
#define PCI_MAX_SLOTS       32

/* Config-space offsets. */
#define PCI_VENDOR_ID       0x00
#define PCI_DEVICE_ID       0x02
#define PCI_COMMAND         0x04
#define PCI_STATUS          0x06
#define PCI_REVISION        0x08
#define PCI_CLASS_PROG      0x09
#define PCI_HEADER_TYPE     0x0e
#define PCI_BAR0            0x10
#define PCI_SUBSYS_VENDOR   0x2c
#define PCI_SUBSYS_ID       0x2e
#define PCI_CAP_PTR         0x34
#define PCI_INTERRUPT_LINE  0x3c
#define PCI_INTERRUPT_PIN   0x3d

#define PCI_COMMAND_IO      0x0001
#define PCI_COMMAND_MEMORY  0x0002
#define PCI_COMMAND_MASTER  0x0004
#define PCI_COMMAND_INTX_DISABLE 0x0400
#define PCI_STATUS_CAP_LIST 0x0010
#define PCI_STATUS_INTX     0x0008

struct pci_dev {
	uint8_t cfg[256];           /* what the guest reads */
	uint8_t wmask[256];         /* bits the guest may change */
	uint8_t slot;               /* device number on bus 0 */
	uint8_t irq;                /* INTx line, as in cfg[0x3c] */
	bool irq_level;             /* this device's INTx input */
	uint32_t bar_size;          /* BAR0: a power of two, 4 KiB or more */
	uint32_t bar_addr;          /* where hv placed it */
	char name[32];              /* "virtio-blk@00:01.0" */
};

/* The host bridge and the two config ports; forgets earlier devices. */
int pci__init(struct hv *hv);
/* Fill IDs and class, place BAR0 of bar_size bytes and the line: 0, or
 * -1 when the bus or the window is full. */
int pci__add(struct pci_dev *d, const char *kind, uint16_t vendor,
	     uint16_t device, uint32_t class_rev, uint32_t bar_size);
/* Is gpa inside BAR0 as the guest has it now (memory decoding on, the
 * BAR holding hv's address)?  A BAR moved or being sized decodes nothing. */
bool pci__bar_decodes(const struct pci_dev *d);
/* This device's INTx input; the line is the OR of its devices' inputs. */
void pci__set_irq(struct hv *hv, struct pci_dev *d, bool level);

#endif
