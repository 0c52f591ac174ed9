/*
 * disk.c: a user program that writes the first disk through the block
 * system calls, flushes, reads back and checks (the pattern of
 * disk_pattern.h, region DP_USER_*), and that bad calls are refused.
 * Exit code 0 when all held, else the number of the first step that did
 * not (kernel/tests/test_virtio_blk.c names them).
 */
#include "ulib.h"
#include "../include/disk_pattern.h"

#define MAP_VA	0x10000000ULL
#define PAGES	(DP_USER_COUNT * DP_SECTOR / 4096)

int main(void)
{
	struct blk_info info;
	uint64_t *buf = (uint64_t *)MAP_VA;

	if (u_map(MAP_VA, PAGES + 1) != 0)
		return 1;
	if (u_blk_info((struct blk_info *)(MAP_VA + PAGES * 4096)) != 0)
		return 2;
	info = *(struct blk_info *)(MAP_VA + PAGES * 4096);
	if (info.ro || info.sectors < DP_USER_SECTOR + DP_USER_COUNT ||
	    info.max_sectors < DP_USER_COUNT)
		return 3;
	for (unsigned s = 0; s < DP_USER_COUNT; s++)
		dp_fill(buf + s * (DP_SECTOR / 8), DP_USER_SECTOR + s, DP_USER_SEED);
	if (u_blk_write(DP_USER_SECTOR, buf, DP_USER_COUNT) != 0)
		return 4;
	if (u_blk_flush() != 0)
		return 5;
	for (unsigned i = 0; i < DP_USER_COUNT * DP_SECTOR / 8; i++)
		buf[i] = 0;
	if (u_blk_read(DP_USER_SECTOR, buf, DP_USER_COUNT) != 0)
		return 6;
	for (unsigned s = 0; s < DP_USER_COUNT; s++)
		if (dp_check(buf + s * (DP_SECTOR / 8), DP_USER_SECTOR + s, DP_USER_SEED))
			return 7;
	/* Kernel memory, a range past the disk and too many sectors are refused. */
	if (u_blk_read(0, (void *)0xffffffff80100000ULL, 1) >= 0)
		return 8;
	if (u_blk_read(info.sectors, buf, 1) >= 0)
		return 9;
	if (u_blk_read(0, buf, info.max_sectors + 1) >= 0)
		return 10;
	u_puts("    # disk: user program wrote, flushed and read back 64 sectors\n");
	return 0;
}
