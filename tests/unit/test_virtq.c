/*
 * test_virtq.c: the split-virtqueue logic of guest-drivers/virtq.c
 * against a fake device that walks the rings as a real one does:
 * adding and taking back chains, a full ring, 16-bit index wrap-around,
 * indirect tables, and the event-index arithmetic deciding notifies and
 * interrupts.  "Physical" addresses are host pointers here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "virtq.h"

struct fake {
	struct virtq vq;
	void *mem;
	uint16_t last_avail, used_idx;
	unsigned notified;
};

struct seen {			/* one buffer of a chain, as the device saw it */
	uint64_t addr;
	uint32_t len;
	bool write;
};

static struct fake *fake_new(unsigned size, bool event_idx, bool indirect)
{
	struct fake *f = calloc(1, sizeof(*f));
	size_t bytes = virtq_mem_bytes(size);
	f->mem = aligned_alloc(4096, bytes);
	memset(f->mem, 0, bytes);
	virtq_init(&f->vq, 0, size, f->mem, (uint64_t)(uintptr_t)f->mem, event_idx, indirect);
	return f;
}

static void fake_free(struct fake *f)
{
	free(f->mem);
	free(f);
}

static void count_notify(struct virtq *vq)
{
	struct fake *f = (struct fake *)((char *)vq - offsetof(struct fake, vq));
	f->notified++;
}

/* The device takes the next available chain: its head, or -1. */
static int dev_pop(struct fake *f, struct seen *out, unsigned *n)
{
	struct virtq *vq = &f->vq;
	if (f->last_avail == vq->avail->idx)
		return -1;
	uint16_t head = vq->avail->ring[f->last_avail++ % vq->size];
	struct vring_desc *table = (struct vring_desc *)(uintptr_t)vq->desc_pa;
	unsigned i = head, limit = vq->size;
	*n = 0;
	if (table[head].flags & VRING_DESC_F_INDIRECT) {
		assert_int_equal(table[head].len % sizeof(struct vring_desc), 0);
		limit = table[head].len / sizeof(struct vring_desc);
		table = (struct vring_desc *)(uintptr_t)table[head].addr;
		i = 0;
	}
	for (;;) {
		assert_true(*n < limit);
		out[*n].addr = table[i].addr;
		out[*n].len = table[i].len;
		out[(*n)++].write = table[i].flags & VRING_DESC_F_WRITE;
		if (!(table[i].flags & VRING_DESC_F_NEXT))
			break;
		i = table[i].next;
	}
	return head;
}

/* The device returns a chain; true when it would interrupt (event index
 * or the NO_INTERRUPT flag). */
static bool dev_push(struct fake *f, uint16_t head, uint32_t len)
{
	struct virtq *vq = &f->vq;
	uint16_t old = f->used_idx;
	vq->used->ring[f->used_idx % vq->size].id = head;
	vq->used->ring[f->used_idx % vq->size].len = len;
	vq->used->idx = ++f->used_idx;
	if (vq->event_idx)
		return vring_need_event(vq->avail->ring[vq->size], f->used_idx, old);
	return !(vq->avail->flags & VRING_AVAIL_F_NO_INTERRUPT);
}

static void set_avail_event(struct fake *f, uint16_t v)
{
	memcpy((uint8_t *)f->vq.used + 4 + 8 * f->vq.size, &v, sizeof(v));
}

static void layout_is_aligned(void **state)
{
	(void)state;
	for (unsigned size = 1; size <= VQ_MAX_SIZE; size *= 2) {
		struct fake *f = fake_new(size, true, true);
		assert_int_equal(virtq_mem_bytes(size) % 4096, 0);
		assert_int_equal(f->vq.desc_pa % 16, 0);
		assert_int_equal(f->vq.avail_pa % 2, 0);
		assert_int_equal(f->vq.used_pa % 4, 0);
		assert_true(f->vq.avail_pa >= f->vq.desc_pa + 16 * size);
		assert_true(f->vq.used_pa >= f->vq.avail_pa + 6 + 2 * size);
		assert_true(f->vq.ind_pa >= f->vq.used_pa + 6 + 8 * size);
		assert_true(f->vq.ind_pa + (uint64_t)size * VQ_IND_MAX * 16 <=
			    f->vq.desc_pa + virtq_mem_bytes(size));
		assert_int_equal(virtq_free(&f->vq), size);
		fake_free(f);
	}
}

static void direct_chain_round_trip(void **state)
{
	(void)state;
	struct fake *f = fake_new(8, false, false);
	struct vq_buf out[2] = { { 0x1000, 16 }, { 0x2000, 512 } }, in[1] = { { 0x3000, 1 } };
	struct seen s[8];
	unsigned n;
	int token;
	uint32_t len;

	f->vq.notify = count_notify;
	assert_int_equal(virtq_add(&f->vq, out, 2, in, 1, &token), 0);
	assert_int_equal(virtq_free(&f->vq), 5);
	assert_int_equal(dev_pop(f, s, &n), -1);		/* not published before the kick */
	virtq_kick(&f->vq);
	assert_int_equal(f->notified, 1);
	int head = dev_pop(f, s, &n);
	assert_true(head >= 0);
	assert_int_equal(n, 3);
	assert_int_equal(s[0].addr, 0x1000);
	assert_false(s[0].write);
	assert_int_equal(s[1].len, 512);
	assert_false(s[1].write);
	assert_int_equal(s[2].addr, 0x3000);
	assert_true(s[2].write);
	assert_null(virtq_get_buf(&f->vq, &len));
	dev_push(f, (uint16_t)head, 1);
	assert_ptr_equal(virtq_get_buf(&f->vq, &len), &token);
	assert_int_equal(len, 1);
	assert_null(virtq_get_buf(&f->vq, &len));
	assert_int_equal(virtq_free(&f->vq), 8);
	fake_free(f);
}

static void full_ring_refuses_then_recovers(void **state)
{
	(void)state;
	struct fake *f = fake_new(4, false, false);
	struct vq_buf b[2] = { { 0x1000, 16 }, { 0x2000, 1 } };
	struct seen s[8];
	unsigned n;
	int tokens[3];

	f->vq.notify = count_notify;
	assert_int_equal(virtq_add(&f->vq, b, 1, b + 1, 1, &tokens[0]), 0);
	assert_int_equal(virtq_add(&f->vq, b, 1, b + 1, 1, &tokens[1]), 0);
	assert_int_equal(virtq_add(&f->vq, b, 1, b + 1, 1, &tokens[2]), -1);
	assert_int_equal(virtq_add(&f->vq, b, 0, b, 0, &tokens[2]), -1);	/* empty */
	assert_int_equal(virtq_add(&f->vq, b, 1, b, 0, NULL), -1);		/* no token */
	virtq_kick(&f->vq);
	int head = dev_pop(f, s, &n);
	dev_push(f, (uint16_t)head, 0);
	assert_ptr_equal(virtq_get_buf(&f->vq, NULL), &tokens[0]);
	assert_int_equal(virtq_add(&f->vq, b, 1, b + 1, 1, &tokens[2]), 0);
	fake_free(f);
}

/* 70,000 requests through an 8-entry ring: the 16-bit indices wrap and
 * chains of varying length reuse the free list in every order. */
static void indices_wrap(void **state)
{
	(void)state;
	struct fake *f = fake_new(8, true, false);
	struct vq_buf b[3] = { { 1, 1 }, { 2, 2 }, { 3, 3 } };
	static int tokens[8];
	struct seen s[8];
	unsigned n, next_get = 0;

	f->vq.notify = count_notify;
	for (unsigned i = 0; i < 70000; i++) {
		unsigned len = 1 + i % 3;
		assert_int_equal(virtq_add(&f->vq, b, len - 1, b + len - 1, 1, &tokens[i % 8]), 0);
		virtq_kick(&f->vq);
		int head = dev_pop(f, s, &n);
		assert_true(head >= 0);
		assert_int_equal(n, len);
		assert_int_equal(s[n - 1].addr, len);
		dev_push(f, (uint16_t)head, len);
		assert_ptr_equal(virtq_get_buf(&f->vq, NULL), &tokens[next_get++ % 8]);
		assert_int_equal(virtq_free(&f->vq), 8);
	}
	assert_int_equal(f->vq.avail->idx, (uint16_t)70000);
	assert_int_equal(f->vq.last_used, (uint16_t)70000);
	fake_free(f);
}

static void indirect_takes_one_slot(void **state)
{
	(void)state;
	struct fake *f = fake_new(4, false, true);
	struct vq_buf out[2] = { { 0x1000, 16 }, { 0x2000, 4096 } }, in[1] = { { 0x3000, 1 } };
	struct seen s[VQ_IND_MAX];
	unsigned n;
	int tokens[5];

	f->vq.notify = count_notify;
	for (int i = 0; i < 4; i++)
		assert_int_equal(virtq_add(&f->vq, out, 2, in, 1, &tokens[i]), 0);
	assert_int_equal(virtq_free(&f->vq), 0);
	assert_int_equal(virtq_add(&f->vq, out, 2, in, 1, &tokens[4]), -1);
	virtq_kick(&f->vq);
	for (int i = 0; i < 4; i++) {
		int head = dev_pop(f, s, &n);
		assert_int_equal(f->vq.desc[head].flags, VRING_DESC_F_INDIRECT);
		assert_int_equal(n, 3);
		assert_int_equal(s[1].len, 4096);
		assert_true(s[2].write);
		dev_push(f, (uint16_t)head, 1);
	}
	for (int i = 0; i < 4; i++)
		assert_ptr_equal(virtq_get_buf(&f->vq, NULL), &tokens[i]);
	assert_int_equal(virtq_free(&f->vq), 4);
	/* A single buffer goes direct; more than VQ_IND_MAX too. */
	assert_int_equal(virtq_add(&f->vq, in, 0, in, 1, &tokens[0]), 0);
	virtq_kick(&f->vq);
	int head = dev_pop(f, s, &n);
	assert_int_equal(f->vq.desc[head].flags, VRING_DESC_F_WRITE);
	fake_free(f);
}

static void need_event_arithmetic(void **state)
{
	(void)state;
	/* Published old..new; the device asked to hear once it passes event. */
	assert_true(vring_need_event(5, 6, 5));		/* event just crossed */
	assert_false(vring_need_event(7, 6, 5));	/* not reached yet */
	assert_false(vring_need_event(4, 6, 5));	/* already told before */
	assert_true(vring_need_event(4, 6, 4));
	assert_true(vring_need_event(0xffff, 0x0001, 0xfffe));	/* across the wrap */
	assert_false(vring_need_event(0x0001, 0x0001, 0xfffe));
	assert_true(vring_need_event(0xffff, 0, 0xffff));	/* entry 0xffff published */
	assert_false(vring_need_event(0, 0, 0xffff));		/* entry 0 not yet */
}

/* With the event index, one kick per batch at most, and none while the
 * device says it is still working through earlier entries. */
static void kick_follows_avail_event(void **state)
{
	(void)state;
	struct fake *f = fake_new(16, true, false);
	struct vq_buf b = { 0x1000, 1 };
	int t[16];

	f->vq.notify = count_notify;
	set_avail_event(f, 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(virtq_add(&f->vq, &b, 1, NULL, 0, &t[i]), 0);
	virtq_kick(&f->vq);
	assert_int_equal(f->notified, 1);		/* crossed 0 */
	virtq_kick(&f->vq);
	assert_int_equal(f->notified, 1);		/* nothing new: no kick at all */
	/* The device has not caught up (still wants to hear at 0): quiet. */
	assert_int_equal(virtq_add(&f->vq, &b, 1, NULL, 0, &t[4]), 0);
	virtq_kick(&f->vq);
	assert_int_equal(f->notified, 1);
	/* The device caught up to 5 and asks for the next one. */
	set_avail_event(f, 5);
	assert_int_equal(virtq_add(&f->vq, &b, 1, NULL, 0, &t[5]), 0);
	virtq_kick(&f->vq);
	assert_int_equal(f->notified, 2);
	assert_int_equal(f->vq.kicks, 3);
	assert_int_equal(f->vq.notifies, 2);
	fake_free(f);
}

static void no_notify_flag_without_event_idx(void **state)
{
	(void)state;
	struct fake *f = fake_new(8, false, false);
	struct vq_buf b = { 0x1000, 1 };
	int t[2];

	f->vq.notify = count_notify;
	f->vq.used->flags = VRING_USED_F_NO_NOTIFY;
	assert_int_equal(virtq_add(&f->vq, &b, 1, NULL, 0, &t[0]), 0);
	virtq_kick(&f->vq);
	assert_int_equal(f->notified, 0);
	f->vq.used->flags = 0;
	assert_int_equal(virtq_add(&f->vq, &b, 1, NULL, 0, &t[1]), 0);
	virtq_kick(&f->vq);
	assert_int_equal(f->notified, 1);
	fake_free(f);
}

/* Taking a buffer asks for an interrupt at the next one (used_event);
 * with callbacks disabled, the device is told not to interrupt. */
static void interrupts_follow_used_event(void **state)
{
	(void)state;
	struct fake *f = fake_new(8, true, false);
	struct vq_buf b = { 0x1000, 1 };
	struct seen s[8];
	unsigned n;
	int t[4];

	f->vq.notify = count_notify;
	for (int i = 0; i < 3; i++)
		assert_int_equal(virtq_add(&f->vq, &b, 1, NULL, 0, &t[i]), 0);
	virtq_kick(&f->vq);
	assert_true(dev_push(f, (uint16_t)dev_pop(f, s, &n), 0));	/* used_event 0 */
	assert_false(dev_push(f, (uint16_t)dev_pop(f, s, &n), 0));	/* not taken yet */
	assert_ptr_equal(virtq_get_buf(&f->vq, NULL), &t[0]);
	assert_ptr_equal(virtq_get_buf(&f->vq, NULL), &t[1]);
	assert_int_equal(f->vq.avail->ring[8], 2);
	assert_true(dev_push(f, (uint16_t)dev_pop(f, s, &n), 0));
	virtq_disable_cb(&f->vq);
	assert_ptr_equal(virtq_get_buf(&f->vq, NULL), &t[2]);
	assert_int_equal(f->vq.avail->ring[8], 2);			/* left behind */
	assert_int_equal(virtq_add(&f->vq, &b, 1, NULL, 0, &t[3]), 0);
	virtq_kick(&f->vq);
	dev_push(f, (uint16_t)dev_pop(f, s, &n), 0);
	assert_false(virtq_enable_cb(&f->vq));		/* one arrived meanwhile */
	assert_ptr_equal(virtq_get_buf(&f->vq, NULL), &t[3]);
	assert_true(virtq_enable_cb(&f->vq));
	fake_free(f);
}

static void bogus_used_id_is_ignored(void **state)
{
	(void)state;
	struct fake *f = fake_new(4, false, false);
	f->vq.used->ring[0].id = 9;				/* beyond the ring */
	f->vq.used->idx = 1;
	assert_null(virtq_get_buf(&f->vq, NULL));
	f->vq.used->ring[0].id = 1;				/* never handed out */
	assert_null(virtq_get_buf(&f->vq, NULL));
	assert_int_equal(virtq_free(&f->vq), 4);
	fake_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(layout_is_aligned),
		cmocka_unit_test(direct_chain_round_trip),
		cmocka_unit_test(full_ring_refuses_then_recovers),
		cmocka_unit_test(indices_wrap),
		cmocka_unit_test(indirect_takes_one_slot),
		cmocka_unit_test(need_event_arithmetic),
		cmocka_unit_test(kick_follows_avail_event),
		cmocka_unit_test(no_notify_flag_without_event_idx),
		cmocka_unit_test(interrupts_follow_used_event),
		cmocka_unit_test(bogus_used_id_is_ignored),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
