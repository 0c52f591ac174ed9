/* virtio_console.c: virtio-console, one port (no MULTIPORT): port 0's
 * transmitq (queue 1) goes to hv's standard output, after whatever
 * COM1 has buffered, so the two stay in order.  The receiveq (queue 0)
 * is never filled: input is not offered.  VIRTIO_CONSOLE_F_EMERG_WRITE
 * is: a write to emerg_wr (config offset 8) prints its low byte. */
#include "virtio_dev.h"
#include "virtio_pci.h"
#include "../snapshot.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define VIRTIO_CONSOLE_F_EMERG_WRITE 2
#define VCON_CFG_LEN  12                /* cols, rows, max_nr_ports, emerg_wr */
#define VCON_TXQ      1

struct vcon {
	struct vdev v;
	uint64_t bytes;
};

static struct vcon vcon;

static void vcon_out(const uint8_t *p, uint64_t n)
{
	while (n) {
		ssize_t r = write(STDOUT_FILENO, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return;                 /* stdout gone: the guest runs on */
		p += r;
		n -= (uint64_t)r;
	}
}

static uint32_t vcon_tx(struct hv *hv, struct vdev *v, unsigned q, struct virtq_chain *c)
{
	(void)hv; (void)v; (void)q;
	uart__flush();
	for (unsigned i = 0; i < c->nout; i++)
		vcon_out(c->seg[i].p, c->seg[i].len);
	vcon.bytes += c->out_bytes;
	return 0;
}

static void vcon_notify(struct hv *hv, struct vdev *v, unsigned q)
{
	if (q == VCON_TXQ)
		vdev__process(hv, v, q, vcon_tx);
}

static void vcon_cfg_write(struct hv *hv, struct vdev *v, unsigned off, unsigned len)
{
	(void)hv;
	if (off <= 8 && off + len > 8) {
		uart__flush();
		vcon_out(&v->cfg[8], 1);
		vcon.bytes++;
	}
}

static void vcon_stats(struct hv *hv, struct vdev *v)
{
	(void)hv; (void)v;
	fprintf(stderr, "hv: stats:     console bytes out %" PRIu64 "\n", vcon.bytes);
}

/* Snapshots (issue 14): nothing waits in hv (no input is offered;
 * output is written while its chain is served), so the counter is all. */
static size_t vcon_state_len(struct hv *hv, struct vdev *v)
{
	(void)hv; (void)v;
	return sizeof(struct snap_vcon);
}

static void vcon_save(struct hv *hv, struct vdev *v, uint8_t *tail)
{
	struct snap_vcon s = { .bytes_out = vcon.bytes };
	(void)hv; (void)v;
	memcpy(tail, &s, sizeof(s));
}

static int vcon_load(struct hv *hv, struct vdev *v, const uint8_t *tail,
		     char *err, size_t errlen)
{
	struct snap_vcon s;
	(void)hv; (void)v; (void)err; (void)errlen;
	memcpy(&s, tail, sizeof(s));
	vcon.bytes = s.bytes_out;
	return 0;
}

static const struct vdev_ops vcon_ops = {
	.kind = "virtio-console", .id = VIRTIO_ID_CONSOLE, .pci_class = 0x078000,
	.nqueues = 2, .notify = vcon_notify, .cfg_write = vcon_cfg_write,
	.stats = vcon_stats,
	.state_len = vcon_state_len, .save = vcon_save, .load = vcon_load,
};

int vcon__add(struct hv *hv)
{
	vcon.v.priv = &vcon;
	vcon.v.cfg[4] = 1;                      /* max_nr_ports */
	vcon.v.cfg_wmask[8] = 0xff;             /* emerg_wr's character */
	return vdev__add(hv, &vcon.v, &vcon_ops,
			 1ull << VIRTIO_CONSOLE_F_EMERG_WRITE, VCON_CFG_LEN);
}
