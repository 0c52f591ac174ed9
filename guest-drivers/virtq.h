/*
 * virtq.h: the split virtqueue as the core keeps it (virtio 1.1, 2.6).
 * Internal to guest-drivers/ (drivers see struct virtq as opaque) and to
 * the ring's unit test, which plays the device against it.
 *
 * Memory of one queue, one physically contiguous allocation:
 *	descriptor table	16 * size		(device reads)
 *	avail ring		6 + 2 * size		(driver writes)
 *	used ring		6 + 8 * size, 64-aligned (device writes)
 *	indirect tables		size * VQ_IND_MAX * 16	(device reads)
 * Indirect table i belongs to head descriptor i, so it is free exactly
 * when its head is.
 */
#ifndef GD_VIRTQ_H
#define GD_VIRTQ_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <gd/virtio.h>

#define VQ_MAX_SIZE	256		/* queues larger than this are cut down */
#define VQ_IND_MAX	24		/* entries of one indirect table */

#define VRING_DESC_F_NEXT	1
#define VRING_DESC_F_WRITE	2
#define VRING_DESC_F_INDIRECT	4
#define VRING_USED_F_NO_NOTIFY	1
#define VRING_AVAIL_F_NO_INTERRUPT 1

struct vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct vring_avail {			/* driver writes */
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];		/* [size], then used_event */
};

struct vring_used_elem {
	uint32_t id;
	uint32_t len;
};

struct vring_used {			/* device writes */
	uint16_t flags;
	uint16_t idx;
	struct vring_used_elem ring[];	/* [size], then avail_event (u16) */
};

struct virtq {
	/* set once by virtq_init */
	unsigned size, index;
	struct vring_desc *desc;
	volatile struct vring_avail *avail;
	volatile struct vring_used *used;
	struct vring_desc *ind;		/* size * VQ_IND_MAX entries */
	uint64_t desc_pa, avail_pa, used_pa, ind_pa;
	bool event_idx, indirect;
	/* the transport's */
	void (*notify)(struct virtq *vq);
	volatile void *notify_va;
	uint64_t notify_pa;
	struct virtio_dev *vd;
	virtq_callback cb;
	void *mem;
	size_t mem_bytes;
	/* driver-side state */
	uint16_t free_head, num_free;
	uint16_t avail_shadow;		/* next avail->idx */
	uint16_t kicked;		/* avail->idx at the last kick */
	uint16_t last_used;
	bool cb_disabled;
	uint64_t kicks, notifies;
	void *tokens[VQ_MAX_SIZE];
};

/* Bytes of memory a queue of size entries needs (a multiple of 4096). */
size_t virtq_mem_bytes(unsigned size);
/* Lays the queue out in mem (zeroed, at guest-physical pa).  size is a
 * power of two, at most VQ_MAX_SIZE. */
void virtq_init(struct virtq *vq, unsigned index, unsigned size, void *mem, uint64_t pa,
		bool event_idx, bool indirect);
/* Does the device want a notify for the entries published since the
 * last kick?  (virtio 1.1, 2.6.7.2; pure arithmetic, for the test) */
bool vring_need_event(uint16_t event, uint16_t new_idx, uint16_t old_idx);

#endif
