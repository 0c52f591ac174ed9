/*
 * test_user.c: user processes: every system call, a fault that kills
 * only the process, and two processes switching address spaces.
 */
#include "kernel.h"
#include "sched.h"
#include "ktest.h"

#define KTEST_SUITE "user"

KTEST_FLAGS(syscalls_all_answer, KTEST_FRAMES)
{
	/* A first run grows the heap (thread stacks); count from the second. */
	struct proc *p = proc_spawn("pingpong");
	KT_ASSERT(p);
	KT_EXPECT_EQ(proc_wait(p), 0);
	uint64_t before = pmm_free_count();
	p = proc_spawn("hello");
	KT_ASSERT(p);
	int code = proc_wait(p);
	if (code != 0)
		kt_note("hello failed at step %d", code);
	KT_EXPECT_EQ(code, 0);
	KT_EXPECT_EQ(pmm_free_count(), before);		/* all frames back */
}

KTEST(fault_kills_process_only)
{
	struct proc *p = proc_spawn("fault");
	KT_ASSERT(p);
	KT_EXPECT_EQ(proc_wait(p), (uint64_t)(int64_t)PROC_KILLED);
}

KTEST(two_processes_switch)
{
	uint64_t sw = sched_switches();
	struct proc *a = proc_spawn("pingpong"), *b = proc_spawn("pingpong");
	KT_ASSERT(a && b);
	KT_EXPECT(a->as.pml4 != b->as.pml4);
	KT_EXPECT_EQ(proc_wait(a), 0);
	KT_EXPECT_EQ(proc_wait(b), 0);
	KT_EXPECT(sched_switches() - sw >= 100);
}

KTEST(unknown_program_refused)
{
	KT_EXPECT(proc_spawn("no-such-program") == NULL);
}
