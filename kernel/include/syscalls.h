/*
 * syscalls.h: system call numbers, shared by the kernel and the user
 * programs in kernel/user/.
 */
#ifndef SYSCALLS_H
#define SYSCALLS_H

#define SYS_WRITE	1	/* (buf, len) -> len or -1 */
#define SYS_EXIT	2	/* (code) */
#define SYS_YIELD	3	/* () -> 0 */
#define SYS_MAP		4	/* (va, npages) -> 0 or -1: zeroed RW pages */
#define SYS_UNMAP	5	/* (va, npages) -> 0 or -1 */
#define SYS_GETPID	6	/* () -> pid */
/* The first disk (kernel/blk.c); errors are negative. */
#define SYS_BLK_INFO	7	/* (struct blk_info *) -> 0, -1 if no disk */
#define SYS_BLK_READ	8	/* (sector, buf, count) -> 0 or -error */
#define SYS_BLK_WRITE	9	/* (sector, buf, count) -> 0 or -error */
#define SYS_BLK_FLUSH	10	/* () -> 0 or -error */

#define BLK_SYS_MAX_SECTORS 64	/* sectors of one read or write call */

struct blk_info {
	unsigned long long sectors;	/* 512-byte sectors */
	unsigned int ro;		/* 1: writes fail */
	unsigned int max_sectors;	/* BLK_SYS_MAX_SECTORS */
};

#define USER_MAP_MAX_PAGES 1024

#endif
