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

#define USER_MAP_MAX_PAGES 1024

#endif
