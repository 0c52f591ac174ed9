/*
 * power.c: native shutdown and reboot.
 *
 * Shutdown writes the exit code to port 0xf4, QEMU's isa-debug-exit (hv
 * implements the same port); on a machine without it, the CPU stops.
 */
#include <stdint.h>
#include <native/insn.h>

void nat_shutdown(uint32_t code)
{
	outl(0xf4, code);
	for (;;) {
		nat_irq_disable();
		nat_halt();
	}
}

void nat_reboot(void)
{
	outb(0x64, 0xfe);				/* 8042 pulse reset */
	struct dtr none = { 0, 0 };
	nat_load_idt(&none);				/* else triple fault */
	__asm__ volatile("int3");
	for (;;)
		nat_halt();
}
