/*
 * ulib.h: the user programs' whole library: system call stubs.
 */
#ifndef ULIB_H
#define ULIB_H

#include <stdint.h>
#include "../include/syscalls.h"

static inline long usys(long nr, long a1, long a2)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a1), "S"(a2)
			 : "rcx", "r11", "rdx", "r8", "r9", "r10", "memory");
	return r;
}

static inline long usys3(long nr, long a1, long a2, long a3)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a1), "S"(a2), "d"(a3)
			 : "rcx", "r11", "r8", "r9", "r10", "memory");
	return r;
}

static inline long u_write(const char *s, long n) { return usys(SYS_WRITE, (long)s, n); }
static inline void u_exit(long code) { usys(SYS_EXIT, code, 0); for (;;) ; }
static inline long u_yield(void) { return usys(SYS_YIELD, 0, 0); }
static inline long u_map(uint64_t va, long n) { return usys(SYS_MAP, (long)va, n); }
static inline long u_unmap(uint64_t va, long n) { return usys(SYS_UNMAP, (long)va, n); }
static inline long u_getpid(void) { return usys(SYS_GETPID, 0, 0); }

static inline long u_strlen(const char *s)
{
	long n = 0;
	while (s[n])
		n++;
	return n;
}

static inline void u_puts(const char *s) { u_write(s, u_strlen(s)); }

static inline long u_blk_info(struct blk_info *i) { return usys(SYS_BLK_INFO, (long)i, 0); }
static inline long u_blk_read(uint64_t s, void *b, long n) { return usys3(SYS_BLK_READ, (long)s, (long)b, n); }
static inline long u_blk_write(uint64_t s, const void *b, long n) { return usys3(SYS_BLK_WRITE, (long)s, (long)b, n); }
static inline long u_blk_flush(void) { return usys(SYS_BLK_FLUSH, 0, 0); }

int main(void);

#endif
