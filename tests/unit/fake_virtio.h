/*
 * fake_virtio.h: a fake virtio core and gd/env.h for host unit tests of
 * the console and balloon drivers (fake_virtio.c).  Buffers' "physical"
 * addresses are their host addresses, so the fake device reads and
 * writes them directly.
 */
#ifndef FAKE_VIRTIO_H
#define FAKE_VIRTIO_H

#include <stdbool.h>
#include <stdint.h>
#include <gd/env.h>
#include <gd/virtio.h>

#define FAKE_MAX_REQS 512
#define FAKE_SNAP 1024

/* One request a driver added to a fake queue. */
struct fake_req {
	struct vq_buf buf[4];
	unsigned n_out, n_in;
	void *token;
	uint8_t snap[FAKE_SNAP];	/* the first buffer's bytes when added */
	bool done;			/* the device handed it back */
	uint32_t used_len;
};

struct fake_vq {
	unsigned index;
	virtq_callback cb;
	struct fake_req req[FAKE_MAX_REQS];
	unsigned nreq;			/* added so far */
	unsigned next_used;		/* next request get_buf returns */
	unsigned kicks;
	bool cb_disabled;
	/* device behaviour: answer each request when kicked? */
	bool answer_on_kick;
};

struct fake_dev {
	struct virtio_dev vd;
	struct fake_vq vq[4];
	unsigned nvqs;
	bool ready, reset;
	uint8_t cfg[64];		/* the device-specific config */
};

extern const struct virtio_driver *fake_driver;	/* what the driver registered */
extern uint64_t fake_now_ns;			/* advances on each gd_now_ns */
extern unsigned fake_logs;
extern char fake_last_log[256];

void fake_reset_all(void);
struct fake_dev *fake_dev_new(const char *name);
int fake_probe(struct fake_dev *d);		/* fake_driver->probe */
/* The device completes request i of queue q (writing len bytes). */
void fake_complete(struct fake_dev *d, unsigned q, unsigned i, uint32_t len);

#endif
