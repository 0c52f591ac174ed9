/*
 * virtq.c: split virtqueues, the driver's side (virtio 1.1, 2.6):
 * adding buffer chains (direct or through an indirect table), publishing
 * them with as few notifies as the device allows (event index or the
 * NO_NOTIFY flag), taking used buffers back and steering interrupts.
 *
 * Pure ring logic on memory the caller provides, so tests/unit/
 * test_virtq.c runs it on the host against a fake device.  x86 keeps
 * stores in order and loads in order, so the ring needs compiler
 * barriers between its steps, and one full barrier (gd_mb) where a
 * store must be visible before a load: the event-index checks.
 */
#include <string.h>
#include "virtq.h"
#include <gd/env.h>

#define barrier() __asm__ volatile("" ::: "memory")

static size_t align(size_t x, size_t a)
{
	return (x + a - 1) & ~(a - 1);
}

static size_t avail_off(unsigned size) { return 16u * size; }
static size_t used_off(unsigned size)  { return align(avail_off(size) + 6 + 2u * size, 64); }
static size_t ind_off(unsigned size)   { return align(used_off(size) + 6 + 8u * size, 64); }

size_t virtq_mem_bytes(unsigned size)
{
	return align(ind_off(size) + (size_t)size * VQ_IND_MAX * sizeof(struct vring_desc), 4096);
}

/* used_event lives behind the avail ring, avail_event behind the used
 * ring (virtio 1.1, 2.6.7 and 2.6.8). */
static volatile uint16_t *used_event(struct virtq *vq)
{
	return &vq->avail->ring[vq->size];
}

static volatile uint16_t *avail_event(struct virtq *vq)
{
	return (volatile uint16_t *)&vq->used->ring[vq->size];
}

void virtq_init(struct virtq *vq, unsigned index, unsigned size, void *mem, uint64_t pa,
		bool event_idx, bool indirect)
{
	uint8_t *m = mem;
	memset(vq, 0, sizeof(*vq));
	vq->size = size;
	vq->index = index;
	vq->mem = mem;
	vq->mem_bytes = virtq_mem_bytes(size);
	vq->desc = mem;
	vq->desc_pa = pa;
	vq->avail = (volatile struct vring_avail *)(m + avail_off(size));
	vq->avail_pa = pa + avail_off(size);
	vq->used = (volatile struct vring_used *)(m + used_off(size));
	vq->used_pa = pa + used_off(size);
	vq->ind = (struct vring_desc *)(m + ind_off(size));
	vq->ind_pa = pa + ind_off(size);
	vq->event_idx = event_idx;
	vq->indirect = indirect;
	for (unsigned i = 0; i < size; i++)
		vq->desc[i].next = (uint16_t)(i + 1);	/* the free list */
	vq->free_head = 0;
	vq->num_free = (uint16_t)size;
}

/* Fills table[0..n) from out[] then in[], chained by index from 0. */
static void fill_chain(struct vring_desc *table, const struct vq_buf *out, unsigned n_out,
		       const struct vq_buf *in, unsigned n_in)
{
	unsigned n = n_out + n_in;
	for (unsigned i = 0; i < n; i++) {
		const struct vq_buf *b = i < n_out ? &out[i] : &in[i - n_out];
		table[i].addr = b->pa;
		table[i].len = b->len;
		table[i].flags = (uint16_t)((i + 1 < n ? VRING_DESC_F_NEXT : 0) |
					    (i >= n_out ? VRING_DESC_F_WRITE : 0));
		table[i].next = (uint16_t)(i + 1 < n ? i + 1 : 0);
	}
}

/* One ring descriptor pointing at head's own indirect table. */
static uint16_t add_indirect(struct virtq *vq, const struct vq_buf *out, unsigned n_out,
			     const struct vq_buf *in, unsigned n_in)
{
	uint16_t head = vq->free_head;
	struct vring_desc *table = &vq->ind[(size_t)head * VQ_IND_MAX];
	unsigned n = n_out + n_in;

	fill_chain(table, out, n_out, in, n_in);
	vq->free_head = vq->desc[head].next;
	vq->desc[head].addr = vq->ind_pa + (uint64_t)head * VQ_IND_MAX * sizeof(*table);
	vq->desc[head].len = (uint32_t)(n * sizeof(*table));
	vq->desc[head].flags = VRING_DESC_F_INDIRECT;
	vq->num_free--;
	return head;
}

/* A chain of ring descriptors taken off the free list, which is already
 * linked through .next, so only the last one's NEXT flag ends it. */
static uint16_t add_direct(struct virtq *vq, const struct vq_buf *out, unsigned n_out,
			   const struct vq_buf *in, unsigned n_in)
{
	uint16_t head = vq->free_head, i = head, last = head;
	unsigned n = n_out + n_in;

	for (unsigned k = 0; k < n; k++) {
		const struct vq_buf *b = k < n_out ? &out[k] : &in[k - n_out];
		vq->desc[i].addr = b->pa;
		vq->desc[i].len = b->len;
		vq->desc[i].flags = (uint16_t)((k + 1 < n ? VRING_DESC_F_NEXT : 0) |
					       (k >= n_out ? VRING_DESC_F_WRITE : 0));
		last = i;
		i = vq->desc[i].next;
	}
	vq->free_head = vq->desc[last].next;
	vq->num_free = (uint16_t)(vq->num_free - n);
	return head;
}

int virtq_add(struct virtq *vq, const struct vq_buf *out, unsigned n_out,
	      const struct vq_buf *in, unsigned n_in, void *token)
{
	unsigned n = n_out + n_in;
	uint16_t head;

	if (n == 0 || !token)
		return -1;
	if (vq->indirect && n > 1 && n <= VQ_IND_MAX && vq->num_free >= 1)
		head = add_indirect(vq, out, n_out, in, n_in);
	else if (n <= vq->num_free)
		head = add_direct(vq, out, n_out, in, n_in);
	else
		return -1;
	vq->tokens[head] = token;
	vq->avail->ring[vq->avail_shadow & (vq->size - 1)] = head;
	vq->avail_shadow++;
	return 0;
}

bool vring_need_event(uint16_t event, uint16_t new_idx, uint16_t old_idx)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old_idx);
}

void virtq_kick(struct virtq *vq)
{
	uint16_t old = vq->kicked, new_idx = vq->avail_shadow;
	bool notify;

	if (old == new_idx)
		return;
	barrier();			/* ring entries before the index */
	vq->avail->idx = new_idx;
	vq->kicked = new_idx;
	vq->kicks++;
	gd_mb();			/* the index out before we read what the device wants */
	if (vq->event_idx)
		notify = vring_need_event(*avail_event(vq), new_idx, old);
	else
		notify = !(vq->used->flags & VRING_USED_F_NO_NOTIFY);
	if (notify) {
		vq->notifies++;
		vq->notify(vq);
	}
}

/* Puts the chain at head back on the free list. */
static void free_chain(struct virtq *vq, uint16_t head)
{
	uint16_t i = head;
	unsigned n = 1;

	if (!(vq->desc[head].flags & VRING_DESC_F_INDIRECT)) {
		while ((vq->desc[i].flags & VRING_DESC_F_NEXT) && n < vq->size) {
			i = vq->desc[i].next;
			n++;
		}
	}
	vq->desc[i].next = vq->free_head;
	vq->free_head = head;
	vq->num_free = (uint16_t)(vq->num_free + n);
}

void *virtq_get_buf(struct virtq *vq, uint32_t *len)
{
	if (vq->last_used == vq->used->idx)
		return NULL;
	barrier();			/* the index before the entry it covers */
	volatile struct vring_used_elem *e = &vq->used->ring[vq->last_used & (vq->size - 1)];
	uint32_t id = e->id;
	if (id >= vq->size || !vq->tokens[id])
		return NULL;		/* a device bug: leave the ring as it is */
	if (len)
		*len = e->len;
	void *token = vq->tokens[id];
	vq->tokens[id] = NULL;
	free_chain(vq, (uint16_t)id);
	vq->last_used++;
	if (vq->event_idx && !vq->cb_disabled) {
		*used_event(vq) = vq->last_used;	/* interrupt me for the next one */
		gd_mb();
	}
	return token;
}

void virtq_disable_cb(struct virtq *vq)
{
	vq->cb_disabled = true;
	vq->avail->flags = VRING_AVAIL_F_NO_INTERRUPT;	/* ignored with event index */
}

bool virtq_enable_cb(struct virtq *vq)
{
	vq->cb_disabled = false;
	vq->avail->flags = 0;
	if (vq->event_idx)
		*used_event(vq) = vq->last_used;
	gd_mb();
	return vq->last_used == vq->used->idx;
}

unsigned virtq_free(const struct virtq *vq) { return vq->num_free; }
unsigned virtq_size(const struct virtq *vq) { return vq->size; }
struct virtio_dev *virtq_dev(const struct virtq *vq) { return vq->vd; }
unsigned virtq_index(const struct virtq *vq) { return vq->index; }
