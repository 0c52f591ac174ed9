/*
 * virtio_balloon.h: the virtio balloon driver (virtio_balloon.c): moves
 * guest pages to the host and back until the balloon holds the number
 * the device's config asks for.
 */
#ifndef GD_VIRTIO_BALLOON_H
#define GD_VIRTIO_BALLOON_H

#include <stdint.h>
#include <stdbool.h>

/* Registers the driver with the virtio core (before virtio_probe_all). */
int virtio_balloon_init(void);

/* One step toward the target (at most one batch of pages); call from a
 * thread, never from an interrupt.  True when there is more to do. */
bool virtio_balloon_work(void);

struct virtio_balloon_info {
	bool bound;			/* a device is driven */
	const char *name;
	uint32_t target;		/* pages the device asks for (config num_pages) */
	uint32_t pages;			/* pages in the balloon (config actual) */
	bool stuck;			/* gave up short of the target (see the log) */
	uint64_t inflated, deflated;	/* pages moved since boot */
	uint64_t moved_ns;		/* the last move: target seen to reached */
	uint32_t moved_pages;		/* and its size */
};
void virtio_balloon_info(struct virtio_balloon_info *out);

/*
 * The kernel provides: a free page out of its allocator (its physical
 * address, 0 when it has none to spare) and one back; a thread that
 * calls virtio_balloon_work() until it returns false each time it is
 * woken (gd_balloon_start creates it, at probe; gd_balloon_wake may be
 * called from an interrupt).
 */
uint64_t gd_balloon_take_page(void);
void gd_balloon_give_page(uint64_t pa);
void gd_balloon_start(void);
void gd_balloon_wake(void);

#endif
