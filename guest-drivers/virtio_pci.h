/*
 * virtio_pci.h: the virtio-pci modern transport (virtio 1.1, 4.1): the
 * device's capabilities, its common configuration, ISR and notify
 * registers, all in memory BARs.  Internal to guest-drivers/.
 */
#ifndef GD_VIRTIO_PCI_H
#define GD_VIRTIO_PCI_H

#include <stdint.h>
#include <stddef.h>
#include <gd/env.h>

#define VIRTIO_PCI_VENDOR	0x1af4

/* Device status bits (2.1). */
#define VIRTIO_STATUS_ACK		1
#define VIRTIO_STATUS_DRIVER		2
#define VIRTIO_STATUS_DRIVER_OK		4
#define VIRTIO_STATUS_FEATURES_OK	8
#define VIRTIO_STATUS_NEEDS_RESET	64
#define VIRTIO_STATUS_FAILED		128

/* ISR bits (4.1.4.5). */
#define VIRTIO_ISR_QUEUE	1
#define VIRTIO_ISR_CONFIG	2

struct virtio_pci {
	struct gd_pci_dev pci;
	volatile uint8_t *common;	/* struct virtio_pci_common_cfg */
	volatile uint8_t *isr;
	volatile uint8_t *device;	/* device-specific configuration */
	size_t device_len;
	volatile uint8_t *notify;
	uint64_t notify_pa;
	size_t notify_len;
	uint32_t notify_mult;		/* notify_off_multiplier */
};

/* Device type of a virtio PCI function, or 0 if it is not one. */
unsigned vpci_device_type(const struct gd_pci_dev *d);
/* Enables the function (memory, bus master) and maps its capabilities;
 * 0, or -1 with why set. */
int vpci_setup(struct virtio_pci *tp, const struct gd_pci_dev *d, const char **why);

uint8_t vpci_status(struct virtio_pci *tp);
void vpci_set_status(struct virtio_pci *tp, uint8_t s);
void vpci_reset(struct virtio_pci *tp);
uint64_t vpci_device_features(struct virtio_pci *tp);
void vpci_set_driver_features(struct virtio_pci *tp, uint64_t f);
uint8_t vpci_config_generation(struct virtio_pci *tp);
uint16_t vpci_num_queues(struct virtio_pci *tp);
/* Selects queue q and returns its maximum size (0: no such queue). */
uint16_t vpci_queue_max(struct virtio_pci *tp, unsigned q);
/* Tells the device where queue q lives and enables it; returns the
 * notify register's mapping (NULL if outside the notify region). */
volatile void *vpci_queue_enable(struct virtio_pci *tp, unsigned q, unsigned size,
				 uint64_t desc, uint64_t avail, uint64_t used, uint64_t *notify_pa);
uint8_t vpci_read_isr(struct virtio_pci *tp);	/* reading acknowledges */

#endif
