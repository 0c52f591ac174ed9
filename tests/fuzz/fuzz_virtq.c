/*
 * fuzz_virtq.c: libFuzzer target for hv's split-ring walker
 * (hv/virtq.c), the virtio rings of issue 11 item 27, on fake guest
 * memory the input fills, walked as hv's devices walk it.
 *
 * Input: byte 0 the queue size's log2 (mod 9) and, in bits 4 and 5,
 * EVENT_IDX and INDIRECT_DESC; byte 1 the device's starting index;
 * the rest is guest RAM from address 0 (a 640 KiB buffer below the ROM
 * hole: the descriptor table at 0, the avail ring at 0x1000, the used
 * ring at 0x1400).  At most 1024 chains a round: buffers the device
 * writes may land on the avail ring and keep it going.  Every segment a pop returns must lie inside
 * RAM, every chain hold at most VIRTQ_MAX_SEGS buffers and every walk
 * end; a broken ring must say why.  ASan catches any access outside.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../hv/virtq.h"

#define FZ_RAM 0xA0000ull

static uint8_t fz_ram[FZ_RAM];
static struct virtq_chain fz_chain;

static void fz_check_chain(const struct virtq_chain *c)
{
	uint64_t out = 0, in = 0;

	if (c->nout + c->nin > VIRTQ_MAX_SEGS)
		__builtin_trap();
	for (unsigned i = 0; i < c->nout + c->nin; i++) {
		const struct virtq_seg *s = &c->seg[i];
		if (s->p < fz_ram || (uint64_t)(s->p - fz_ram) > FZ_RAM ||
		    s->len > FZ_RAM - (uint64_t)(s->p - fz_ram))
			__builtin_trap();
		if (i < c->nout)
			out += s->len;
		else
			in += s->len;
	}
	if (out != c->out_bytes || in != c->in_bytes)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gmem gm = { fz_ram, FZ_RAM };
	struct virtq vq = { .gm = &gm, .desc = 0, .avail = 0x1000, .used = 0x1400 };
	uint8_t scratch[64];

	if (size < 2)
		return 0;
	vq.size = (uint16_t)(1u << (data[0] % 9));
	vq.event_idx = data[0] & 0x10;
	vq.indirect = data[0] & 0x20;
	memset(fz_ram, 0, sizeof(fz_ram));
	memcpy(fz_ram, data + 2, size - 2 < FZ_RAM ? size - 2 : FZ_RAM);
	if (virtq_start(&vq))
		__builtin_trap();               /* these areas are always good */
	vq.last_avail = vq.used_idx = vq.signalled = data[1];
	for (int round = 0; round < 2; round++) {
		int r, n = 0;
		while (n++ < 1024 && (r = virtq_pop(&vq, &fz_chain)) == 1) {
			fz_check_chain(&fz_chain);
			virtq_copy_out(&fz_chain, 3, scratch, sizeof(scratch));
			virtq_copy_in(&fz_chain, fz_chain.in_bytes ? fz_chain.in_bytes - 1 : 0,
				      scratch, 1);
			if (virtq_push(&vq, fz_chain.head, (uint32_t)fz_chain.in_bytes))
				__builtin_trap();
		}
		if (n > 1024)
			break;
		if (r < 0 && vq.err[0] == '\0')
			__builtin_trap();
		if (r < 0)
			break;
		if (virtq_need_interrupt(&vq) < 0 || virtq_arm_notify(&vq) < 0)
			__builtin_trap();
	}
	return 0;
}
