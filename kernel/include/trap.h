/*
 * trap.h: the trap frame, interrupt registration and fault catching.
 */
#ifndef TRAP_H
#define TRAP_H

#include <stdint.h>
#include <stdbool.h>
#include <setjmp.h>

/* What trap.S pushes, lowest address first. */
struct trapframe {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;	/* pushed by the CPU */
};

#define IRQ_BASE	32			/* 8259 remapped here */
#define VEC_TIMER	(IRQ_BASE + 0)
#define VEC_UPCALL	0xf0			/* hypervisor event upcall */

typedef void (*irq_handler_fn)(struct trapframe *tf);

void cpu_init(void);				/* GDT, TSS, IDT */
void cpu_set_kstack(uint64_t top);		/* TSS rsp0 and syscall stack */
void irq_register(int vector, irq_handler_fn fn);
void trap_dump(const struct trapframe *tf);

/*
 * Fault catching for tests: TRAP_CATCH(c) arms a catch for c->vector and
 * returns 0; when that exception hits, the handler records it and
 * longjmps back so TRAP_CATCH returns 1.  Interrupt state is restored by
 * trap_catch_end().
 */
struct trap_catch {
	int vector;
	uint64_t error, cr2, rip;
	uint64_t flags;
	jmp_buf jb;
};
/* pvboot.c: where a kernel #BP at rip - 1 resumes if it hit a pvops
 * site being rewritten (pvops/apply.h), else 0. */
uint64_t pv_poke_resume(uint64_t rip);

void trap_catch_begin(struct trap_catch *c, int vector);
void trap_catch_end(struct trap_catch *c);
#define TRAP_CATCH(c, vec) (trap_catch_begin((c), (vec)), setjmp((c)->jb))

#endif
