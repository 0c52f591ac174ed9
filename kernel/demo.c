/*
 * demo.c: what the kernel does when asked for neither tests nor
 * benchmarks: run a user program and report.
 */
#include "kernel.h"
#include "sched.h"

void demo_run(void)
{
	struct proc *p = proc_spawn("hello");
	if (!p)
		panic("demo: cannot start the hello program");
	int code = proc_wait(p);
	printf("demo: user program hello exited with %d\n", code);
	if (code != 0)
		kexit(EXIT_FAIL);
}
