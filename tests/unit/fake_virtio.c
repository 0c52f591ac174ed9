/*
 * fake_virtio.c: the virtio core's driver interface and gd/env.h, faked
 * on the host so the console and balloon drivers' logic runs in
 * milliseconds: queues record what drivers add, a test (or the fake
 * device, on kick) hands requests back.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fake_virtio.h"

const struct virtio_driver *fake_driver;
uint64_t fake_now_ns;
unsigned fake_logs;
char fake_last_log[256];

static struct fake_dev devs[3];
static unsigned ndevs;

static struct fake_vq *fq(struct virtq *vq) { return (struct fake_vq *)vq; }
static struct fake_dev *fd(struct virtio_dev *vd) { return (struct fake_dev *)vd; }

void fake_reset_all(void)
{
	memset(devs, 0, sizeof(devs));
	ndevs = 0;
	fake_driver = NULL;
	fake_now_ns = 0;
	fake_logs = 0;
	fake_last_log[0] = 0;
}

struct fake_dev *fake_dev_new(const char *name)
{
	if (ndevs == sizeof(devs) / sizeof(devs[0]))
		abort();
	struct fake_dev *d = &devs[ndevs++];
	d->vd.name = name;
	return d;
}

int fake_probe(struct fake_dev *d)
{
	return fake_driver->probe(&d->vd);
}

void fake_complete(struct fake_dev *d, unsigned q, unsigned i, uint32_t len)
{
	d->vq[q].req[i].done = true;
	d->vq[q].req[i].used_len = len;
}

/* ---- the core ---- */

int virtio_register_driver(const struct virtio_driver *drv)
{
	fake_driver = drv;
	return 0;
}

int virtio_find_vqs(struct virtio_dev *vd, unsigned n, struct virtq *vqs[],
		    const virtq_callback cbs[], unsigned max_size)
{
	(void)max_size;
	struct fake_dev *d = fd(vd);
	d->nvqs = n;
	for (unsigned i = 0; i < n; i++) {
		d->vq[i].index = i;
		d->vq[i].cb = cbs ? cbs[i] : NULL;
		vqs[i] = (struct virtq *)&d->vq[i];
	}
	return 0;
}

void virtio_device_ready(struct virtio_dev *vd) { fd(vd)->ready = true; }
void virtio_reset(struct virtio_dev *vd) { fd(vd)->reset = true; }

uint32_t virtio_cfg_read32(struct virtio_dev *vd, unsigned off)
{
	uint32_t v;
	memcpy(&v, fd(vd)->cfg + off, 4);
	return v;
}

void virtio_cfg_write32(struct virtio_dev *vd, unsigned off, uint32_t v)
{
	memcpy(fd(vd)->cfg + off, &v, 4);
}

int virtq_add(struct virtq *vq, const struct vq_buf *out, unsigned n_out,
	      const struct vq_buf *in, unsigned n_in, void *token)
{
	struct fake_vq *q = fq(vq);
	if (q->nreq == FAKE_MAX_REQS || n_out + n_in > 4)
		return -1;
	struct fake_req *r = &q->req[q->nreq++];
	memset(r, 0, sizeof(*r));
	for (unsigned i = 0; i < n_out; i++)
		r->buf[i] = out[i];
	for (unsigned i = 0; i < n_in; i++)
		r->buf[n_out + i] = in[i];
	r->n_out = n_out;
	r->n_in = n_in;
	r->token = token;
	if (n_out + n_in)
		memcpy(r->snap, (const void *)(uintptr_t)r->buf[0].pa,
		       r->buf[0].len < FAKE_SNAP ? r->buf[0].len : FAKE_SNAP);
	return 0;
}

void virtq_kick(struct virtq *vq)
{
	struct fake_vq *q = fq(vq);
	q->kicks++;
	if (q->answer_on_kick)
		for (unsigned i = 0; i < q->nreq; i++)
			if (!q->req[i].done)
				q->req[i].done = true;
}

void *virtq_get_buf(struct virtq *vq, uint32_t *len)
{
	struct fake_vq *q = fq(vq);
	if (q->next_used >= q->nreq || !q->req[q->next_used].done)
		return NULL;
	struct fake_req *r = &q->req[q->next_used++];
	if (len)
		*len = r->used_len;
	return r->token;
}

bool virtq_enable_cb(struct virtq *vq)
{
	struct fake_vq *q = fq(vq);
	q->cb_disabled = false;
	return q->next_used >= q->nreq || !q->req[q->next_used].done;
}

void virtq_disable_cb(struct virtq *vq) { fq(vq)->cb_disabled = true; }

/* ---- gd/env.h ---- */

void *gd_dma_alloc(size_t bytes, uint64_t *pa)
{
	void *p = aligned_alloc(4096, (bytes + 4095) & ~(size_t)4095);
	if (p) {
		memset(p, 0, bytes);
		*pa = (uint64_t)(uintptr_t)p;
	}
	return p;
}

void gd_dma_free(void *va, size_t bytes) { (void)bytes; free(va); }
uint64_t gd_irq_save(void) { return 0; }
void gd_irq_restore(uint64_t flags) { (void)flags; }
void gd_wait_irq(void) { fake_now_ns += 1000000; }
uint64_t gd_now_ns(void) { return fake_now_ns += 1000; }

void gd_log(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(fake_last_log, sizeof(fake_last_log), fmt, ap);
	va_end(ap);
	fake_logs++;
}
