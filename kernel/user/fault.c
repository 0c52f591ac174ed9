/*
 * fault.c: a user program that touches a page after unmapping it; the
 * kernel must kill it with a page fault, not panic.
 */
#include "ulib.h"

int main(void)
{
	volatile uint64_t *p = (volatile uint64_t *)0x20000000ULL;
	if (u_map((uint64_t)p, 1) != 0)
		return 1;
	p[0] = 42;
	if (u_unmap((uint64_t)p, 1) != 0)
		return 2;
	return (int)p[0];			/* must fault */
}
