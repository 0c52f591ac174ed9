/* virtq.c: the hostile-driver-proof split virtqueue; see virtq.h. */
#include "virtq.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct vq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

static int vq_fail(struct virtq *vq, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int vq_fail(struct virtq *vq, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(vq->err, sizeof(vq->err), fmt, ap);
	va_end(ap);
	return -1;
}

/* Copy len bytes of guest memory at gpa out once, or fail naming what. */
static int vq_read(struct virtq *vq, uint64_t gpa, void *dst, uint64_t len,
		   const char *what)
{
	const void *p = gmem_range(vq->gm, gpa, len);

	if (p == NULL)
		return vq_fail(vq, "%s at %#" PRIx64 "+%#" PRIx64 " is not guest RAM",
			       what, gpa, len);
	memcpy(dst, p, len);
	return 0;
}

static int vq_write(struct virtq *vq, uint64_t gpa, const void *src,
		    uint64_t len, const char *what)
{
	void *p = gmem_range(vq->gm, gpa, len);

	if (p == NULL)
		return vq_fail(vq, "%s at %#" PRIx64 "+%#" PRIx64 " is not guest RAM",
			       what, gpa, len);
	memcpy(p, src, len);
	return 0;
}

/* One area of the queue: aligned and wholly inside RAM. */
static int vq_area(struct virtq *vq, uint64_t gpa, uint64_t len,
		   uint64_t align, const char *what)
{
	if (gpa % align)
		return vq_fail(vq, "%s at %#" PRIx64 " is not %" PRIu64 "-byte aligned",
			       what, gpa, align);
	if (gmem_range(vq->gm, gpa, len) == NULL)
		return vq_fail(vq, "%s at %#" PRIx64 "+%#" PRIx64 " is not guest RAM",
			       what, gpa, len);
	return 0;
}

int virtq_start(struct virtq *vq)
{
	uint64_t n = vq->size;

	vq->last_avail = vq->used_idx = vq->signalled = vq->pushed = 0;
	vq->err[0] = '\0';
	if (n == 0 || n > VIRTQ_MAX_SIZE || (n & (n - 1)))
		return vq_fail(vq, "queue size %" PRIu64 " is not a power of two up to %d",
			       n, VIRTQ_MAX_SIZE);
	if (vq_area(vq, vq->desc, 16 * n, 16, "descriptor table") ||
	    vq_area(vq, vq->avail, 6 + 2 * n, 2, "driver area (avail ring)") ||
	    vq_area(vq, vq->used, 6 + 8 * n, 4, "device area (used ring)"))
		return -1;
	return 0;
}

int virtq_pending(struct virtq *vq)
{
	uint16_t idx = 0, n;

	if (vq_read(vq, vq->avail + 2, &idx, 2, "avail idx"))
		return -1;
	n = (uint16_t)(idx - vq->last_avail);
	if (n > vq->size)
		return vq_fail(vq, "avail idx %u is %u entries ahead of the device, "
			       "more than the queue size %u", idx, n, vq->size);
	return n;
}

/* Add descriptor d's buffer to the chain: its range checked, readable
 * buffers before writable ones (virtio 1.1, 2.6.4.2). */
static int vq_add_seg(struct virtq *vq, struct virtq_chain *c,
		      const struct vq_desc *d, unsigned idx, bool in_table)
{
	struct virtq_seg *s = &c->seg[c->nout + c->nin];
	const char *where = in_table ? "indirect descriptor" : "descriptor";

	if (c->nout + c->nin == VIRTQ_MAX_SEGS)
		return vq_fail(vq, "chain from head %u has more than %d buffers",
			       c->head, VIRTQ_MAX_SEGS);
	s->p = gmem_range(vq->gm, d->addr, d->len);
	if (s->p == NULL)
		return vq_fail(vq, "%s %u (head %u): buffer %#" PRIx64 "+%#x is not guest RAM",
			       where, idx, c->head, d->addr, d->len);
	s->len = d->len;
	s->gpa = d->addr;
	if (d->flags & VIRTQ_DESC_F_WRITE) {
		c->nin++;
		c->in_bytes += d->len;
	} else if (c->nin) {
		return vq_fail(vq, "%s %u (head %u): device-readable buffer after a "
			       "device-writable one", where, idx, c->head);
	} else {
		c->nout++;
		c->out_bytes += d->len;
	}
	return 0;
}

/* An indirect descriptor: the table it names replaces the rest of the
 * chain.  Allowed once, not inside a table, never with NEXT. */
static int vq_indirect(struct virtq *vq, const struct virtq_chain *c,
		       const struct vq_desc *d, bool in_table)
{
	if (!vq->indirect)
		return vq_fail(vq, "head %u: indirect descriptor, but "
			       "VIRTIO_RING_F_INDIRECT_DESC was not negotiated", c->head);
	if (in_table)
		return vq_fail(vq, "head %u: indirect descriptor inside an indirect table",
			       c->head);
	if (d->flags & VIRTQ_DESC_F_NEXT)
		return vq_fail(vq, "head %u: indirect descriptor with NEXT set", c->head);
	if (d->len == 0 || d->len % 16 || d->len / 16 > VIRTQ_MAX_SIZE)
		return vq_fail(vq, "head %u: indirect table of %#x bytes (want a "
			       "multiple of 16, 16 to %d)", c->head, d->len,
			       16 * VIRTQ_MAX_SIZE);
	if (vq_area(vq, d->addr, d->len, 1, "indirect table"))
		return -1;
	return 0;
}

/* Walk the chain from head.  Each table (the ring's, then at most one
 * indirect one) is walked at most as many steps as it has entries, so a
 * loop ends as "longer than N". */
static int vq_walk(struct virtq *vq, struct virtq_chain *c, uint16_t head)
{
	uint64_t table = vq->desc;
	unsigned tsize = vq->size, steps = 0, i = head;
	bool in_table = false;
	struct vq_desc d;

	for (;;) {
		if (steps++ == tsize)
			return vq_fail(vq, "descriptor chain from head %u is longer than "
				       "%u descriptors (a loop?)", head, tsize);
		if (vq_read(vq, table + 16ull * i, &d, sizeof(d),
			    in_table ? "indirect descriptor" : "descriptor"))
			return -1;
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			if (vq_indirect(vq, c, &d, in_table))
				return -1;
			table = d.addr;
			tsize = d.len / 16;
			in_table = true;
			steps = 0;
			i = 0;
			continue;
		}
		if (vq_add_seg(vq, c, &d, i, in_table))
			return -1;
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return 0;
		if (d.next >= tsize)
			return vq_fail(vq, "descriptor %u (head %u): next %u beyond the %s of %u",
				       i, head, d.next, in_table ? "indirect table" : "queue",
				       tsize);
		i = d.next;
	}
}

int virtq_pop(struct virtq *vq, struct virtq_chain *c)
{
	int n = virtq_pending(vq);
	uint16_t head = 0, slot = vq->last_avail & (uint16_t)(vq->size - 1);

	if (n <= 0)
		return n;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);        /* idx before the entry */
	if (vq_read(vq, vq->avail + 4 + 2ull * slot, &head, 2, "avail ring entry"))
		return -1;
	c->head = head;
	c->nout = c->nin = 0;
	c->out_bytes = c->in_bytes = 0;
	if (head >= vq->size)
		return vq_fail(vq, "avail ring entry %u: head %u beyond the queue size %u",
			       slot, head, vq->size);
	if (vq_walk(vq, c, head))
		return -1;
	vq->last_avail++;
	return 1;
}

int virtq_push(struct virtq *vq, uint16_t head, uint32_t len)
{
	uint32_t elem[2] = { head, len };
	uint16_t slot = vq->used_idx & (uint16_t)(vq->size - 1), idx;

	if (vq_write(vq, vq->used + 4 + 8ull * slot, elem, sizeof(elem), "used ring entry"))
		return -1;
	__atomic_thread_fence(__ATOMIC_RELEASE);        /* the entry before idx */
	idx = ++vq->used_idx;
	vq->pushed++;
	return vq_write(vq, vq->used + 2, &idx, 2, "used idx");
}

int virtq_need_interrupt(struct virtq *vq)
{
	uint16_t v = 0, old = vq->signalled;

	if (vq->pushed == 0)
		return 0;
	vq->pushed = 0;
	vq->signalled = vq->used_idx;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);        /* used idx before the flags */
	if (!vq->event_idx) {
		if (vq_read(vq, vq->avail, &v, 2, "avail flags"))
			return -1;
		return !(v & VIRTQ_AVAIL_F_NO_INTERRUPT);
	}
	if (vq_read(vq, vq->avail + 4 + 2ull * vq->size, &v, 2, "used_event"))
		return -1;
	return virtq_need_event(v, vq->used_idx, old);
}

int virtq_arm_notify(struct virtq *vq)
{
	int n;

	if (vq->event_idx &&
	    vq_write(vq, vq->used + 4 + 8ull * vq->size, &vq->last_avail, 2, "avail_event"))
		return -1;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);        /* avail_event before idx */
	n = virtq_pending(vq);
	return n < 0 ? -1 : n > 0;
}

uint64_t virtq_copy_out(const struct virtq_chain *c, uint64_t off, void *dst, uint64_t len)
{
	uint8_t *d = dst;
	uint64_t done = 0;

	for (unsigned i = 0; i < c->nout && done < len; i++) {
		const struct virtq_seg *s = &c->seg[i];
		uint64_t n;
		if (off >= s->len) {
			off -= s->len;
			continue;
		}
		n = s->len - off < len - done ? s->len - off : len - done;
		memcpy(d + done, s->p + off, n);
		done += n;
		off = 0;
	}
	return done;
}

uint64_t virtq_copy_in(struct virtq_chain *c, uint64_t off, const void *src, uint64_t len)
{
	const uint8_t *from = src;
	uint64_t done = 0;

	for (unsigned i = c->nout; i < c->nout + c->nin && done < len; i++) {
		struct virtq_seg *s = &c->seg[i];
		uint64_t n;
		if (off >= s->len) {
			off -= s->len;
			continue;
		}
		n = s->len - off < len - done ? s->len - off : len - done;
		memcpy(s->p + off, from + done, n);
		done += n;
		off = 0;
	}
	return done;
}
