/* virtq.h: the device side of a virtio 1.x split virtqueue, written for
 * a hostile driver.  Pure: it touches guest memory only through
 * gmem_range() (DESIGN decision 10) and knows nothing of KVM, PCI or hv,
 * so it is unit-tested and fuzzed on fake guest memory
 * (tests/unit/test_hv_virtq.c, tests/fuzz/fuzz_virtq.c).
 *
 * Every value is read from guest memory once, with memcpy, into a local
 * (the guest may change it at any time); every address and length a
 * descriptor names goes through gmem_range() before it becomes a
 * pointer.  Whatever the driver writes, a call ends in bounded time:
 * a chain has at most `size` direct descriptors, an indirect table at
 * most VIRTQ_MAX_SIZE entries, each visited at most once per pass.
 *
 * A call that finds the ring itself broken (an index beyond the queue,
 * a chain too long or looping, a range outside RAM, a bad indirect
 * table, a readable buffer after a writable one) returns -1 with the
 * reason in vq->err; the caller ends the guest with it (hv/hv.md,
 * "virtio devices"). */
#ifndef HV_VIRTQ_H
#define HV_VIRTQ_H

#include <stdbool.h>
#include <stdint.h>

#include "gmem.h"

#define VIRTQ_MAX_SIZE        256       /* largest queue hv offers */
#define VIRTQ_DESC_F_NEXT     1
#define VIRTQ_DESC_F_WRITE    2
#define VIRTQ_DESC_F_INDIRECT 4
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1
/* A chain: up to size direct descriptors, plus one indirect table. */
#define VIRTQ_MAX_SEGS        (2 * VIRTQ_MAX_SIZE)

struct virtq {
	/* Set by the transport when the driver enables the queue. */
	const struct gmem *gm;
	uint16_t size;          /* a power of two, 1 .. VIRTQ_MAX_SIZE */
	uint64_t desc;          /* descriptor table, 16 * size bytes */
	uint64_t avail;         /* driver area: flags, idx, ring[size], used_event */
	uint64_t used;          /* device area: flags, idx, ring[size], avail_event */
	bool event_idx;         /* VIRTIO_RING_F_EVENT_IDX negotiated */
	bool indirect;          /* VIRTIO_RING_F_INDIRECT_DESC negotiated */
	/* The device's own state. */
	uint16_t last_avail;    /* next avail ring entry to take */
	uint16_t used_idx;      /* next used index to publish */
	uint16_t signalled;     /* used_idx at the last interrupt */
	uint16_t pushed;        /* used entries since the last interrupt check */
	char err[160];          /* why the last call returned -1 */
};

/* One buffer of a chain: a checked host pointer to len guest bytes. */
struct virtq_seg {
	uint8_t *p;
	uint32_t len;
	uint64_t gpa;
};

/* The chain virtq_pop() took: seg[0 .. nout-1] the device reads,
 * seg[nout .. nout+nin-1] the device writes (virtio's order). */
struct virtq_chain {
	uint16_t head;
	unsigned nout, nin;
	uint64_t out_bytes, in_bytes;
	struct virtq_seg seg[VIRTQ_MAX_SEGS];
};

/* Check the three areas of an enabled queue (size, alignment, inside
 * RAM) and reset the device-side indices: 0, or -1 with vq->err. */
int virtq_start(struct virtq *vq);
/* Take the next available chain: 1 taken, 0 none, -1 broken ring. */
int virtq_pop(struct virtq *vq, struct virtq_chain *c);
/* Return chain head with len bytes written into its buffers: 0 or -1. */
int virtq_push(struct virtq *vq, uint16_t head, uint32_t len);
/* After a batch of pushes: must the driver be interrupted (its
 * NO_INTERRUPT flag, or with EVENT_IDX its used_event)?  -1: ring gone. */
int virtq_need_interrupt(struct virtq *vq);
/* With EVENT_IDX, publish avail_event = last_avail (notify me at the
 * next buffer); then 1 if buffers arrived meanwhile, 0 if none, -1. */
int virtq_arm_notify(struct virtq *vq);
/* Buffers the driver made available and the device has not taken:
 * 0 .. size, or -1 (the index moved more than size ahead). */
int virtq_pending(struct virtq *vq);

/* Copy len bytes at offset off of the chain's readable (out) or
 * writable (in) bytes; returns the bytes copied (short at the end). */
uint64_t virtq_copy_out(const struct virtq_chain *c, uint64_t off, void *dst, uint64_t len);
uint64_t virtq_copy_in(struct virtq_chain *c, uint64_t off, const void *src, uint64_t len);

/* virtio's vring_need_event: does moving from old to new pass event? */
static inline bool virtq_need_event(uint16_t event, uint16_t new_idx, uint16_t old)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old);
}

#endif
