/*
 * testrom.c: the test ROM -- answers NATIVE for almost every call, and
 * implements two calls in ROM code so the CALL path runs on any firmware
 * that can load an option ROM (QEMU -option-rom through SeaBIOS):
 * CONSOLE_WRITE through the 16550 UART at 0x3F8, CPUID (testrom_cpuid.S)
 * and, in ABI 1.1, DEVICE_NOTIFY as the native store (testrom_notify.S).
 * It keeps counters in its data area so a guest test can see that the ROM
 * path ran.
 */
#define VMI_ROM_BUILD 1
#include "vmi_abi.h"
#include "vmi_rom_entries.h"
#include "testrom.h"

VMI_ROM_LICENSE("BSD-2-Clause");
#ifndef TESTROM_NO_NAME	/* testrom-noname.rom: a ROM without a name */
VMI_ROM_NAME("testrom");
#endif
VMI_ROM_VERSION(1);
#ifdef TESTROM_ABI_V10	/* testrom-v10.rom: an ABI 1.0 image, no call 39 */
VMI_ROM_ABI_MINOR(0);
#endif
#ifdef TESTROM_ABI_V11	/* testrom-v11.rom: an ABI 1.1 image, no inline answers */
VMI_ROM_ABI_MINOR(1);
#endif

#define UART_BASE 0x3F8
#define UART_LSR  (UART_BASE + 5)
#define LSR_THRE  0x20   /* transmit holding register empty */
#define POLL_MAX  100000 /* give up waiting on a UART that never drains */

/* The data area (romtool places .bss there; the guest zeroes it). */
struct testrom_state testrom_state;


static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

/* Check what the guest handed over; the data area must sit where the
 * image's RIP-relative references expect it. */
int64_t vmi_rom_init(const struct vmi_init_args *args)
{
	if (args->size < sizeof(*args))
		return VMI_E_ARGS;
	if (args->abi_major != VMI_ABI_MAJOR)
		return VMI_E_VERSION;
	if (args->data_va != (uint64_t)(uintptr_t)__vmi_rom_data ||
	    args->data_size < sizeof(testrom_state))
		return VMI_E_LAYOUT;
	testrom_state.magic = TESTROM_MAGIC;
	testrom_state.rom_pa = args->rom_pa;
	testrom_state.port = 0x80;	/* the irq_enable answers' port (1.2) */
	return VMI_OK;
}

/* Poll the line status register (bounded: a missing UART must not hang
 * the guest), then send; returns bytes written. */
int64_t vmi_rom_call_console_write(const char *buf, uint64_t len)
{
	for (uint64_t i = 0; i < len; i++) {
		for (int n = 0; n < POLL_MAX && !(inb(UART_LSR) & LSR_THRE); n++)
			;
		outb(UART_BASE, (uint8_t)buf[i]);
	}
	testrom_state.console_bytes += len;
	testrom_state.console_calls++;
	return (int64_t)len;
}
