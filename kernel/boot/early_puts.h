/*
 * early_puts.h: the polled COM1 write of the 32-bit entry stub (entry.S,
 * no_long_mode), before anything is set up.  An assembler macro, so that
 * tests/unit/test_early_puts.c runs the very same instructions against a
 * 16550 model.
 *
 * EARLY_PUTS writes the NUL-terminated string at (%esi) to COM1 and waits
 * before each byte for THRE (LSR bit 5: transmit FIFO empty).  Without the
 * wait a 16550 whose FIFO is on (GRUB turns it on) keeps 16 bytes plus the
 * one in its shift register and drops the rest.  The wait is bounded
 * (EARLY_POLL_MAX reads per byte) so a missing or stuck UART cannot hang
 * it; an absent UART reads 0xFF, THRE set.  Uses eax, ebx, ecx, edx, esi
 * and the labels 1-3.  The includer defines EARLY_INB (`inb %dx, %al`) and
 * EARLY_OUTB (`outb %al, %dx`); in 64-bit code the same bytes use rsi, rcx.
 */
#ifndef EARLY_PUTS_H
#define EARLY_PUTS_H

#define EARLY_COM1      0x3f8
#define EARLY_LSR       (EARLY_COM1 + 5)
#define EARLY_LSR_THRE  0x20
#define EARLY_POLL_MAX  100000

#define EARLY_NO_LM_MSG "PANIC: this CPU has no long mode; the kernel needs x86_64\n"

#ifdef __ASSEMBLER__
.macro EARLY_PUTS
1:	lodsb
	testb	%al, %al
	jz	3f
	movb	%al, %bl
	movl	$EARLY_POLL_MAX, %ecx
	movw	$EARLY_LSR, %dx
2:	EARLY_INB
	testb	$EARLY_LSR_THRE, %al
	loopz	2b				/* until THRE, at most POLL_MAX */
	movb	%bl, %al
	movw	$EARLY_COM1, %dx
	EARLY_OUTB
	jmp	1b
3:
.endm
#endif

#endif
