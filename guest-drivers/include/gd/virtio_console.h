/*
 * virtio_console.h: the virtio console driver (virtio_console.c): port 0
 * of the first virtio-console device carries the kernel console and
 * collects what the host sends.
 */
#ifndef GD_VIRTIO_CONSOLE_H
#define GD_VIRTIO_CONSOLE_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

/* Registers the driver with the virtio core (before virtio_probe_all). */
int virtio_console_init(void);

/* What arrived on port 0 since the last call, up to n bytes; never
 * waits.  Returns the number of bytes copied. */
size_t virtio_console_read(char *buf, size_t n);

struct virtio_console_info {
	bool bound;			/* a device is driven */
	bool sink;			/* the kernel console goes over it */
	const char *name;		/* "virtio-console@00:02.0", or NULL */
	uint64_t tx_bytes, tx_bufs;	/* sent to the host */
	uint64_t rx_bytes;		/* received from the host */
	uint64_t rx_dropped;		/* received while the input buffer was full */
};
void virtio_console_info(struct virtio_console_info *out);

/* The kernel provides: its console's switch (NULL: back to its own). */
void gd_console_set_sink(void (*write)(const char *s, size_t n));

#endif
