/*
 * hello.c: a user program that makes every system call once and checks
 * each answer.  Exit code 0 when all held, else the number of the first
 * step that did not.
 */
#include "ulib.h"

#define MAP_VA 0x10000000ULL

int main(void)
{
	static const char msg[] = "    # hello from user mode\n";
	if (u_write(msg, sizeof(msg) - 1) != sizeof(msg) - 1)
		return 1;
	if (u_write((const char *)0xffffffff80100000ULL, 8) != -1)
		return 2;			/* kernel memory must be refused */
	if (u_getpid() <= 0)
		return 3;
	if (u_yield() != 0)
		return 4;
	if (u_map(MAP_VA, 2) != 0)
		return 5;
	volatile uint64_t *p = (volatile uint64_t *)MAP_VA;
	if (p[0] != 0 || p[1023] != 0)
		return 6;			/* fresh pages are zeroed */
	p[0] = 0x1234;
	p[1023] = 0x5678;
	if (p[0] != 0x1234 || p[1023] != 0x5678)
		return 7;
	if (u_map(MAP_VA, 1) != -1)
		return 8;			/* no double mapping */
	if (u_unmap(MAP_VA, 2) != 0)
		return 9;
	if (u_map(0xffff800000000000ULL, 1) != -1)
		return 10;			/* kernel half refused */
	if (usys(999, 0, 0) != -1)
		return 11;			/* unknown call */
	return 0;
}
