/* devices.c: hv's small fixed ports: the isa-debug-exit port 0xf4, the
 * io-delay port 0x80 and the stats port 0xf0; and the CMOS clock (rtc.c). */
#include "hcall.h"

/* QEMU's isa-debug-exit: any access size, status (c << 1) | 1, so a
 * guest status is always odd and hv's own always even. */
static void exit_io(struct hv *hv, struct hv_io *io, void *opaque)
{
	(void)opaque;
	if (!io->out) {
		io->val = 0xffffffffu;
		return;
	}
	hv_end(hv, (int)((((uint64_t)io->val << 1) | 1) & 0xff), "%s", "");
}

static void delay_io(struct hv *hv, struct hv_io *io, void *opaque)
{
	(void)hv; (void)opaque;
	if (!io->out)
		io->val = 0xffffffffu;
}

/* Stats port: an out of any size selects a counter (see stats.c for the
 * selectors), a read returns the low 32 bits of its value now. */
static void stats_io(struct hv *hv, struct hv_io *io, void *opaque)
{
	uint32_t v;
	(void)opaque;

	if (io->out) {
		hv->stats.select = io->val;
		return;
	}
	v = (uint32_t)stats__read(hv, hv->stats.select);
	io->val = io->size == 4 ? v : v & ((1u << (8 * io->size)) - 1);
}

void devices__init(struct hv *hv)
{
	(void)hv;
	hv_port_register(HV_PORT_EXIT, 1, "exit", exit_io, NULL);
	hv_port_register(HV_PORT_DELAY, 1, "iodelay", delay_io, NULL);
	hv_port_register(HV_PORT_STATS, 4, "stats", stats_io, NULL);
	rtc__init(hv);
}
