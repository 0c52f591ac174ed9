/*
 * newlib_stubs.c: the system calls newlib expects from its host.
 *
 * This newlib build (x86_64-elf, no supplied syscalls) calls them by
 * their plain names (write, sbrk...) from its reentrant wrappers.
 * _write goes to the console and _sbrk to the heap; the rest fail with
 * ENOSYS (or say "not a file").  malloc's lock disables interrupts, since
 * kernel threads preempt each other.
 */
#include <errno.h>
#include <sys/stat.h>
#include <sys/times.h>
#include <reent.h>
#include "kernel.h"
#include "mm.h"
#include <pvops/pvops.h>

#undef errno
extern int errno;

int write(int fd, const void *buf, size_t n)
{
	if (fd != 1 && fd != 2) {
		errno = EBADF;
		return -1;
	}
	console_write(buf, n);
	return (int)n;
}

void *sbrk(intptr_t incr)
{
	void *p = heap_sbrk(incr);
	if (p == (void *)-1)
		errno = ENOMEM;
	return p;
}

int read(int fd, void *buf, size_t n) { (void)fd; (void)buf; (void)n; errno = ENOSYS; return -1; }
int close(int fd) { (void)fd; errno = ENOSYS; return -1; }
int lseek(int fd, int off, int whence) { (void)fd; (void)off; (void)whence; errno = ENOSYS; return -1; }
int open(const char *p, int f, int m) { (void)p; (void)f; (void)m; errno = ENOSYS; return -1; }
int isatty(int fd) { return fd <= 2; }
int getpid(void) { return 1; }
int kill(int pid, int sig) { (void)pid; (void)sig; errno = ENOSYS; return -1; }
clock_t times(struct tms *t) { (void)t; errno = ENOSYS; return (clock_t)-1; }
int link(const char *a, const char *b) { (void)a; (void)b; errno = ENOSYS; return -1; }
int unlink(const char *p) { (void)p; errno = ENOSYS; return -1; }

int fstat(int fd, struct stat *st)
{
	if (fd > 2) {
		errno = EBADF;
		return -1;
	}
	st->st_mode = S_IFCHR;
	return 0;
}

void _exit(int code)
{
	kexit(code == 0 ? EXIT_PASS : EXIT_FAIL);
}

/* Recursive: malloc may call itself through sbrk's error paths. */
static uint64_t malloc_flags;
static int malloc_depth;

void __malloc_lock(struct _reent *r)
{
	(void)r;
	uint64_t f = pv_irq_save();
	if (malloc_depth++ == 0)
		malloc_flags = f;
}

void __malloc_unlock(struct _reent *r)
{
	(void)r;
	if (--malloc_depth == 0)
		pv_irq_restore(malloc_flags);
}
