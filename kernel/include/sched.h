/*
 * sched.h: kernel threads, the round-robin preemptive scheduler, and
 * user processes.
 */
#ifndef SCHED_H
#define SCHED_H

#include <stdint.h>
#include <stdbool.h>
#include "mm.h"

struct trapframe;
struct proc;

enum thread_state { T_RUNNABLE, T_BLOCKED, T_DEAD };

#define KSTACK_SIZE (16 * 1024)

struct thread {
	uint64_t rsp;				/* saved by ctx_switch */
	uint8_t fpu[512] __attribute__((aligned(16)));	/* fxsave area */
	enum thread_state state;
	int id;
	const char *name;
	void *stack;				/* KSTACK_SIZE bytes */
	struct proc *proc;			/* NULL for kernel threads */
	struct thread *next;			/* run ring */
	struct thread *joiner;			/* blocked in thread_join */
	void (*fn)(void *);
	void *arg;
	/* Issue 14: where an interrupt stopped it, while switched away
	 * from there (kernel/rebind.c checks it is not inside a site). */
	struct trapframe *preempt_tf;
};

void sched_init(void);
struct thread *thread_current(void);
struct thread *thread_create(const char *name, void (*fn)(void *), void *arg);
void thread_yield(void);
void thread_exit(void) __attribute__((noreturn));
void thread_join(struct thread *t);		/* waits, then frees t */
void thread_block(void);			/* irqs must be off */
void thread_wake(struct thread *t);
void sched_tick(void);
void sched_preempt_point(struct trapframe *tf);
uint64_t sched_switches(void);

/* proc.c */
struct proc {
	struct aspace as;
	struct thread *thread;
	int pid;
	int exit_code;
	bool killed;
	const char *name;
	const uint8_t *image;
	uint64_t image_len;
};

struct user_prog {
	const char *name;
	const uint8_t *start, *end;
};
const struct user_prog *user_prog_find(const char *name);
struct proc *proc_spawn(const char *name);
int proc_wait(struct proc *p);			/* exit code, frees p */
void proc_fault(struct trapframe *tf, const char *what);
void syscall_from_fault(struct trapframe *tf);
int64_t syscall_dispatch(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3);

#define PROC_KILLED (-1000)			/* exit code of a killed process */

#endif
