/*
 * virtio_hooks.c: what the console and balloon drivers of guest-drivers/
 * ask of the kernel: the console switch, pages for the balloon, and the
 * thread the balloon works on (its interrupt only wakes it: taking and
 * freeing pages and waiting for the device are no work for a handler).
 */
#include <string.h>
#include "kernel.h"
#include "mm.h"
#include "sched.h"
#include "virtio_hooks.h"
#include <pvops/pvops.h>
#include <gd/virtio_console.h>
#include <gd/virtio_balloon.h>

void gd_console_set_sink(void (*write)(const char *s, size_t n))
{
	console_set_sink(write);
}

uint64_t gd_balloon_take_page(void)
{
	return pmm_balloon_take();
}

void gd_balloon_give_page(uint64_t pa)
{
	pmm_balloon_give(pa);
}

static struct thread *balloon_thread;
static volatile bool balloon_pending;

/* Sleeps until woken, then moves the balloon to its target. */
static void balloon_loop(void *arg)
{
	(void)arg;
	for (;;) {
		pv_irq_disable();
		while (!balloon_pending)
			thread_block();		/* irqs off: no lost wake-up */
		balloon_pending = false;
		pv_irq_enable();
		/* batch after batch: the tick preempts this thread as any
		 * other, and a yield would let a waiter halt the CPU a tick */
		while (virtio_balloon_work())
			;
	}
}

void gd_balloon_start(void)
{
	if (!balloon_thread)
		balloon_thread = thread_create("balloon", balloon_loop, NULL);
	if (!balloon_thread)
		printf("virtio-balloon: no memory for the balloon thread; the balloon stays empty\n");
}

void gd_balloon_wake(void)
{
	balloon_pending = true;
	if (balloon_thread)
		thread_wake(balloon_thread);
}

/*
 * Did the command line (virtio=blk,console,balloon) say the device is
 * there?  Then a suite fails, rather than skips, when no driver bound.
 */
bool virtio_wanted(const char *dev)
{
	size_t n = strlen(dev);
	for (const char *p = kopts.virtio; *p; ) {
		const char *e = strchr(p, ',');
		size_t k = e ? (size_t)(e - p) : strlen(p);
		if (k == n && memcmp(p, dev, n) == 0)
			return true;
		p += k + (e != NULL);
	}
	return false;
}
