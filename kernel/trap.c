/*
 * trap.c: dispatches interrupts and exceptions.
 *
 * An exception in kernel mode is fatal (a register dump, a backtrace,
 * exit code EXIT_PANIC) unless a test armed a catch for it; one in user
 * mode kills the process.  Interrupts go to the registered handler, then
 * to the scheduler for preemption.
 */
#include <string.h>
#include "kernel.h"
#include "trap.h"
#include "sched.h"
#include "pic.h"
#include <pvops/pvops.h>

extern char syscall_entry[];
static irq_handler_fn handlers[256];
static struct trap_catch *armed;

static const char *const exc_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
	"#BR bound range", "#UD invalid opcode", "#NM device not available",
	"#DF double fault", "coprocessor overrun", "#TS invalid TSS",
	"#NP segment not present", "#SS stack fault", "#GP general protection",
	"#PF page fault", "reserved", "#MF x87 error", "#AC alignment check",
	"#MC machine check", "#XM SIMD error", "#VE virtualization",
	"#CP control protection",
};

void irq_register(int vector, irq_handler_fn fn)
{
	handlers[vector] = fn;
}

static void backtrace(uint64_t rbp)
{
	printf("backtrace:\n");
	for (int depth = 0; depth < 16 && rbp; depth++) {
		/* Stop at anything that is not a kernel stack address. */
		if (rbp < KERNEL_VMA || (rbp & 7))
			break;
		uint64_t *frame = (uint64_t *)rbp;
		printf("  #%d 0x%016llx\n", depth, (unsigned long long)frame[1]);
		rbp = frame[0];
	}
}

void trap_dump(const struct trapframe *tf)
{
	const char *name = tf->vector < 32 && exc_names[tf->vector] ?
			   exc_names[tf->vector] : "interrupt";
	printf("PANIC: unexpected exception %llu (%s) error %#llx\n",
	       (unsigned long long)tf->vector, name, (unsigned long long)tf->error);
	printf("  rip 0x%016llx  cs %#llx  rflags %#llx\n", (unsigned long long)tf->rip,
	       (unsigned long long)tf->cs, (unsigned long long)tf->rflags);
	printf("  rsp 0x%016llx  ss %#llx  cr2 0x%016llx  cr3 %#llx\n",
	       (unsigned long long)tf->rsp, (unsigned long long)tf->ss,
	       (unsigned long long)pv_read_cr2(), (unsigned long long)pv_read_cr3());
	printf("  rax 0x%016llx  rbx 0x%016llx  rcx 0x%016llx\n", (unsigned long long)tf->rax,
	       (unsigned long long)tf->rbx, (unsigned long long)tf->rcx);
	printf("  rdx 0x%016llx  rsi 0x%016llx  rdi 0x%016llx\n", (unsigned long long)tf->rdx,
	       (unsigned long long)tf->rsi, (unsigned long long)tf->rdi);
	printf("  rbp 0x%016llx  r8  0x%016llx  r9  0x%016llx\n", (unsigned long long)tf->rbp,
	       (unsigned long long)tf->r8, (unsigned long long)tf->r9);
	printf("  r10 0x%016llx  r11 0x%016llx  r12 0x%016llx\n", (unsigned long long)tf->r10,
	       (unsigned long long)tf->r11, (unsigned long long)tf->r12);
	printf("  r13 0x%016llx  r14 0x%016llx  r15 0x%016llx\n", (unsigned long long)tf->r13,
	       (unsigned long long)tf->r14, (unsigned long long)tf->r15);
	backtrace(tf->rbp);
}

void trap_catch_begin(struct trap_catch *c, int vector)
{
	c->vector = vector;
	c->error = c->cr2 = c->rip = 0;
	c->flags = pv_save_fl();
	armed = c;
}

void trap_catch_end(struct trap_catch *c)
{
	armed = NULL;
	pv_restore_fl(c->flags);
}

static void exception(struct trapframe *tf)
{
	uint64_t resume;
	/* First, before anything that reaches a pvops site: an int3 the
	 * patcher put on a site it is rewriting (an NMI or exception ran it). */
	if (tf->vector == 3 && (tf->cs & 3) == 0 && (resume = pv_poke_resume(tf->rip))) {
		tf->rip = resume;
		return;
	}
	if (armed && armed->vector == (int)tf->vector && (tf->cs & 3) == 0) {
		struct trap_catch *c = armed;
		armed = NULL;
		c->error = tf->error;
		c->cr2 = pv_read_cr2();
		c->rip = tf->rip;
		longjmp(c->jb, 1);
	}
	if ((tf->cs & 3) == 3 && tf->vector == 14 && tf->rip == (uint64_t)syscall_entry) {
		syscall_from_fault(tf);
		return;
	}
	if ((tf->cs & 3) == 3) {
		proc_fault(tf, tf->vector < 32 ? exc_names[tf->vector] : "exception");
		return;
	}
	trap_dump(tf);
	kexit(EXIT_PANIC);
}

void trap_dispatch(struct trapframe *tf)
{
	if (tf->vector < 32) {
		exception(tf);
	} else if (handlers[tf->vector]) {
		handlers[tf->vector](tf);
	} else if (tf->vector >= IRQ_BASE && tf->vector < IRQ_BASE + 16) {
		pic_eoi((int)tf->vector - IRQ_BASE);	/* spurious or unclaimed */
	}
	sched_preempt_point(tf);
}
