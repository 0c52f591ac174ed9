/*
 * proc.c: user processes and their system calls.
 *
 * A process is a kernel thread with its own address space: the program
 * image (a flat binary linked at USER_BASE and built into the kernel) is
 * copied in, a stack mapped below USER_STACK_TOP, and the thread drops to
 * ring 3 with iretq.  System calls arrive through syscall_entry.  Every
 * user pointer is checked against the process's page tables first.
 */
#include <stdlib.h>
#include <string.h>
#include "kernel.h"
#include "sched.h"
#include "trap.h"
#include "syscalls.h"
#include "blk.h"
#include <gd/env.h>
#include <pvops/pvops.h>

#define USER_STACK_PAGES 4
#define USER_MAP_BASE	0x10000000ULL
#define USER_MAP_END	0x7f0000000000ULL

void user_enter(uint64_t rip, uint64_t rsp) __attribute__((noreturn));
extern const struct user_prog user_progs[];
extern const int user_nprogs;
static int next_pid = 1;

const struct user_prog *user_prog_find(const char *name)
{
	for (int i = 0; i < user_nprogs; i++)
		if (strcmp(user_progs[i].name, name) == 0)
			return &user_progs[i];
	return NULL;
}

static int map_user_pages(struct aspace *as, uint64_t va, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		uint64_t pa = pmm_alloc();
		if (!pa)
			return -1;
		if (vm_map(as, va + i * PAGE_SIZE, pa, PTE_W | PTE_U) != 0) {
			pmm_free(pa);
			return -1;
		}
	}
	return 0;
}

static int load_image(struct proc *p)
{
	uint64_t n = ALIGN_UP(p->image_len, PAGE_SIZE) / PAGE_SIZE;
	if (map_user_pages(&p->as, USER_BASE, n) != 0 ||
	    map_user_pages(&p->as, USER_STACK_TOP - USER_STACK_PAGES * PAGE_SIZE,
			   USER_STACK_PAGES) != 0)
		return -1;
	/* Copy through the direct map, page by page. */
	for (uint64_t off = 0; off < p->image_len; off += PAGE_SIZE) {
		uint64_t *pte = vm_walk(&p->as, USER_BASE + off, false);
		uint64_t chunk = p->image_len - off < PAGE_SIZE ? p->image_len - off : PAGE_SIZE;
		memcpy(P2V(pte_addr(*pte)), p->image + off, chunk);
	}
	return 0;
}

static void proc_thread(void *arg)
{
	struct proc *p = arg;
	pv_irq_disable();
	vm_switch(&p->as);
	user_enter(USER_BASE, USER_STACK_TOP);
}

struct proc *proc_spawn(const char *name)
{
	const struct user_prog *prog = user_prog_find(name);
	if (!prog)
		return NULL;
	struct proc *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->name = prog->name;
	p->image = prog->start;
	p->image_len = (uint64_t)(prog->end - prog->start);
	p->pid = next_pid++;
	if (vm_aspace_create(&p->as) != 0 || load_image(p) != 0)
		goto fail;
	/* Link the thread to p before it can run: create with irqs off. */
	uint64_t fl = pv_irq_save();
	p->thread = thread_create(p->name, proc_thread, p);
	if (p->thread)
		p->thread->proc = p;
	pv_irq_restore(fl);
	if (!p->thread)
		goto fail;
	return p;
fail:
	if (p->as.pml4)
		vm_aspace_destroy(&p->as);
	free(p);
	return NULL;
}

int proc_wait(struct proc *p)
{
	thread_join(p->thread);
	if (pv_read_cr3() == p->as.pml4)
		vm_switch(&kernel_as);
	vm_aspace_destroy(&p->as);
	int code = p->exit_code;
	free(p);
	return code;
}

static void proc_exit(struct proc *p, int code)
{
	p->exit_code = code;
	thread_exit();
}

void proc_fault(struct trapframe *tf, const char *what)
{
	struct proc *p = thread_current()->proc;
	printf("    # user process %s (pid %d) killed: %s at rip %#llx, cr2 %#llx\n",
	       p->name, p->pid, what, (unsigned long long)tf->rip,
	       (unsigned long long)pv_read_cr2());
	p->killed = true;
	proc_exit(p, PROC_KILLED);
}

void syscall_bad_return(void)
{
	struct proc *p = thread_current()->proc;
	printf("    # user process %s (pid %d) killed: non-canonical return address\n",
	       p->name, p->pid);
	p->killed = true;
	pv_irq_enable();
	proc_exit(p, PROC_KILLED);
}

/*
 * Where `syscall` jumps to LSTAR without entering ring 0 (this machine's
 * KVM emulates the instruction so), the fetch of syscall_entry faults in
 * user mode with the whole syscall state in the frame: rcx = return
 * address, r11 = flags.  Serve the call from there and return by iretq.
 * rcx and r11 are user-chosen on this path, so both are checked.
 */
void syscall_from_fault(struct trapframe *tf)
{
	static bool said;
	struct proc *p = thread_current()->proc;
	if (!said) {
		klog("    # syscall: the instruction does not reach ring 0 here; "
		     "serving system calls from the fault it raises\n");
		said = true;
	}
	if (tf->rcx >= USER_TOP) {
		printf("    # user process %s (pid %d) killed: bad syscall return %#llx\n",
		       p->name, p->pid, (unsigned long long)tf->rcx);
		p->killed = true;
		pv_irq_enable();
		proc_exit(p, PROC_KILLED);
	}
	tf->rax = (uint64_t)syscall_dispatch(tf->rax, tf->rdi, tf->rsi, tf->rdx);
	tf->rip = tf->rcx;
	/* Arithmetic flags, DF, TF from the user; IF always on, IOPL 0. */
	tf->rflags = (tf->r11 & 0xcd5) | 0x202;
}

static bool map_args_ok(uint64_t va, uint64_t n)
{
	return (va & (PAGE_SIZE - 1)) == 0 && n > 0 && n <= USER_MAP_MAX_PAGES &&
	       va >= USER_MAP_BASE && va < USER_MAP_END &&
	       n <= (USER_MAP_END - va) / PAGE_SIZE;
}

static int64_t sys_map(struct proc *p, uint64_t va, uint64_t n)
{
	if (!map_args_ok(va, n))
		return -1;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t *pte = vm_walk(&p->as, va + i * PAGE_SIZE, false);
		if (pte && (*pte & PTE_P))
			return -1;			/* never replace a mapping */
	}
	pv_lazy_mmu_enter();
	int r = map_user_pages(&p->as, va, n);
	pv_lazy_mmu_leave();
	return r;
}

static int64_t sys_unmap(struct proc *p, uint64_t va, uint64_t n)
{
	if (!map_args_ok(va, n))
		return -1;
	return vm_unmap_range(&p->as, va, n) == n ? 0 : -1;
}

static int64_t sys_write(struct proc *p, uint64_t buf, uint64_t len)
{
	if (len > 4096 || !vm_user_range_ok(&p->as, buf, len, false))
		return -1;
	console_write((const char *)buf, len);
	return (int64_t)len;
}

/* Block calls on the first disk, through a bounce buffer: the user's
 * pages are checked, then copied, never handed to the device. */
static int64_t sys_blk(struct proc *p, uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3)
{
	struct blkdev *d = blk_get(0);
	if (!d)
		return -1;
	if (nr == SYS_BLK_INFO) {
		struct blk_info info = { d->sectors, d->ro, BLK_SYS_MAX_SECTORS };
		if (!vm_user_range_ok(&p->as, a1, sizeof(info), true))
			return -1;
		memcpy((void *)a1, &info, sizeof(info));
		return 0;
	}
	if (nr == SYS_BLK_FLUSH)
		return blk_flush(d);
	bool write = nr == SYS_BLK_WRITE;
	uint64_t bytes = a3 * BLK_SECTOR;
	if (a3 == 0 || a3 > BLK_SYS_MAX_SECTORS || !vm_user_range_ok(&p->as, a2, bytes, !write))
		return BLK_EINVAL;
	void *bounce = gd_dma_alloc(bytes, NULL);
	if (!bounce)
		return BLK_ENOMEM;
	int r;
	if (write) {
		memcpy(bounce, (void *)a2, bytes);
		r = blk_write(d, a1, bounce, a3);
	} else {
		r = blk_read(d, a1, bounce, a3);
		if (r == 0)
			memcpy((void *)a2, bounce, bytes);
	}
	gd_dma_free(bounce, bytes);
	return r;
}

int64_t syscall_dispatch(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3)
{
	struct proc *p = thread_current()->proc;
	int64_t r = -1;
	pv_irq_enable();
	switch (nr) {
	case SYS_WRITE:  r = sys_write(p, a1, a2); break;
	case SYS_EXIT:   proc_exit(p, (int)a1); break;
	case SYS_YIELD:  thread_yield(); r = 0; break;
	case SYS_MAP:    r = sys_map(p, a1, a2); break;
	case SYS_UNMAP:  r = sys_unmap(p, a1, a2); break;
	case SYS_GETPID: r = p->pid; break;
	case SYS_BLK_INFO:
	case SYS_BLK_READ:
	case SYS_BLK_WRITE:
	case SYS_BLK_FLUSH: r = sys_blk(p, nr, a1, a2, a3); break;
	default:         r = -1; break;
	}
	pv_irq_disable();
	return r;
}
