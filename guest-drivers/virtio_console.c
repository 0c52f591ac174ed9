/*
 * virtio_console.c: the virtio console (device type 3), port 0 only.
 *
 * Without VIRTIO_CONSOLE_F_MULTIPORT (never negotiated, so a device that
 * offers it, as QEMU's virtio-serial does, works the same) port 0 is
 * queue 0 (receive, device writes) and queue 1 (transmit, device reads).
 *
 * Transmit: the kernel console calls vcon_write with interrupts masked,
 * so each buffer is copied into one DMA page, queued, and the used ring
 * polled until the device hands it back.  A device that does not answer
 * within TX_TIMEOUT_NS loses the console: the driver hands it back to
 * the kernel (gd_console_set_sink(NULL)), which writes the same buffer
 * the old way, so no output is lost to a dead device.
 *
 * Receive: RX_BUFS small buffers stay posted; the queue's interrupt
 * copies what arrived into a byte ring that virtio_console_read drains,
 * and posts each buffer again.
 */
#include <string.h>
#include <gd/env.h>
#include <gd/virtio.h>
#include <gd/virtio_console.h>

enum { RXQ, TXQ, NQUEUES };

#define RX_BUFS		8
#define RX_BUF_SIZE	256		/* all RX_BUFS in one page */
#define TX_SIZE		4096
#define IN_RING		4096		/* received bytes not yet read */
#define QUEUE_MAX	64
#define TX_TIMEOUT_NS	2000000000ULL

static struct vcon {
	struct virtio_dev *vd;
	struct virtq *vq[NQUEUES];
	uint8_t *rx;			/* RX_BUFS * RX_BUF_SIZE */
	uint64_t rx_pa;
	char *tx;			/* TX_SIZE */
	uint64_t tx_pa;
	char in[IN_RING];
	unsigned in_head, in_tail;	/* free-running; head - tail bytes held */
	struct virtio_console_info st;
} con;

/* Posts receive buffer i; its token is i + 1 (a token is never NULL). */
static void rx_post(unsigned i)
{
	struct vq_buf b = { con.rx_pa + i * RX_BUF_SIZE, RX_BUF_SIZE };
	if (virtq_add(con.vq[RXQ], NULL, 0, &b, 1, (void *)(uintptr_t)(i + 1)) != 0)
		gd_log("virtio-console: %s: receive queue full, buffer %u not posted\n",
		       con.vd->name, i);
}

static void in_push(const uint8_t *p, uint32_t len)
{
	for (uint32_t k = 0; k < len; k++) {
		if (con.in_head - con.in_tail == IN_RING) {
			con.st.rx_dropped += len - k;
			return;
		}
		con.in[con.in_head++ % IN_RING] = (char)p[k];
	}
}

/* Receive interrupt: keep what the host sent, give the buffers back. */
static void rx_done(struct virtq *vq)
{
	uint32_t len;
	void *tok;
	do {
		while ((tok = virtq_get_buf(vq, &len)) != NULL) {
			unsigned i = (unsigned)(uintptr_t)tok - 1;
			if (i >= RX_BUFS)
				continue;		/* not ours: never happens */
			if (len > RX_BUF_SIZE)
				len = RX_BUF_SIZE;	/* a device that overstates */
			in_push(con.rx + i * RX_BUF_SIZE, len);
			con.st.rx_bytes += len;
			rx_post(i);
		}
		virtq_kick(vq);
	} while (!virtq_enable_cb(vq));
}

/* Transmit completions are polled in vcon_write, not interrupt-driven. */
static void tx_done(struct virtq *vq)
{
	(void)vq;
}

/* One buffer to the host and back; false when the device did not take
 * it or did not return it in time. */
static bool tx_one(const char *s, size_t k)
{
	struct vq_buf b = { con.tx_pa, (uint32_t)k };
	uint32_t len;
	memcpy(con.tx, s, k);
	if (virtq_add(con.vq[TXQ], &b, 1, NULL, 0, con.tx) != 0)
		return false;
	virtq_kick(con.vq[TXQ]);
	uint64_t t0 = gd_now_ns();
	while (virtq_get_buf(con.vq[TXQ], &len) == NULL)
		if (gd_now_ns() - t0 > TX_TIMEOUT_NS)
			return false;
	con.st.tx_bytes += k;
	con.st.tx_bufs++;
	return true;
}

/* The kernel console's sink; interrupts are masked. */
static void vcon_write(const char *s, size_t n)
{
	while (n) {
		size_t k = n < TX_SIZE ? n : TX_SIZE;
		if (!tx_one(s, k)) {
			con.st.sink = false;
			gd_console_set_sink(NULL);
			gd_log("virtio-console: %s: the device did not take output within %llu ms; "
			       "console back on the kernel's own\n", con.vd->name,
			       (unsigned long long)(TX_TIMEOUT_NS / 1000000));
			return;
		}
		s += k;
		n -= k;
	}
}

size_t virtio_console_read(char *buf, size_t n)
{
	size_t k = 0;
	uint64_t fl = gd_irq_save();
	while (k < n && con.in_tail != con.in_head)
		buf[k++] = con.in[con.in_tail++ % IN_RING];
	gd_irq_restore(fl);
	return k;
}

void virtio_console_info(struct virtio_console_info *out)
{
	uint64_t fl = gd_irq_save();
	*out = con.st;
	gd_irq_restore(fl);
}

/* Queues and buffers; negative when the device cannot be driven. */
static int vcon_setup(struct virtio_dev *vd)
{
	static const virtq_callback cbs[NQUEUES] = { rx_done, tx_done };
	if (virtio_find_vqs(vd, NQUEUES, con.vq, cbs, QUEUE_MAX) != 0) {
		gd_log("virtio-console: %s: cannot set up the port 0 queues\n", vd->name);
		return -1;
	}
	con.rx = gd_dma_alloc(RX_BUFS * RX_BUF_SIZE, &con.rx_pa);
	con.tx = gd_dma_alloc(TX_SIZE, &con.tx_pa);
	if (!con.rx || !con.tx) {
		gd_log("virtio-console: %s: no memory for the port buffers\n", vd->name);
		return -1;
	}
	virtq_disable_cb(con.vq[TXQ]);
	for (unsigned i = 0; i < RX_BUFS; i++)
		rx_post(i);
	return 0;
}

static int vcon_probe(struct virtio_dev *vd)
{
	if (con.vd) {
		gd_log("virtio-console: %s: %s already has the console; not driving this one\n",
		       vd->name, con.vd->name);
		return -1;
	}
	con.vd = vd;
	if (vcon_setup(vd) != 0) {
		virtio_reset(vd);
		con.vd = NULL;
		return -1;
	}
	vd->priv = &con;
	virtio_device_ready(vd);
	virtq_kick(con.vq[RXQ]);		/* no notify before DRIVER_OK */
	con.st.bound = true;
	con.st.name = vd->name;
	gd_log("virtio-console: %s: port 0 ready, the kernel console moves there\n", vd->name);
	con.st.sink = true;
	gd_console_set_sink(vcon_write);
	gd_log("virtio-console: %s: kernel console on port 0\n", vd->name);
	return 0;
}

static const struct virtio_driver vcon_driver = {
	.name = "virtio-console",
	.device_id = VIRTIO_ID_CONSOLE,
	.features = 0,			/* port 0 only: no MULTIPORT, no SIZE */
	.probe = vcon_probe,
	.config_changed = NULL,
};

int virtio_console_init(void)
{
	return virtio_register_driver(&vcon_driver);
}
