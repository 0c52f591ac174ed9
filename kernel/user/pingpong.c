/*
 * pingpong.c: yields many times; two of them measure process switches.
 */
#include "ulib.h"

int main(void)
{
	for (int i = 0; i < 100; i++)
		u_yield();
	return 0;
}
