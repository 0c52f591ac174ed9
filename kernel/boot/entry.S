/*
 * entry.S: the Multiboot header and the 32-bit entry stub.
 *
 * void _start32(void);   -- entered by any Multiboot v1 loader
 *
 * A Multiboot loader enters here in 32-bit protected mode, paging off,
 * EAX = 0x2BADB002, EBX = physical address of the information block.  The
 * stub checks for long mode, builds boot page tables that map the first
 * 1 GiB both at 0 (identity, only for the switch) and at KERNEL_VMA, turns
 * on PAE, long mode, paging and SSE, and jumps to the higher half, where
 * boot_main() continues in C.  The kernel replaces these tables with its
 * own 4 KiB-page tables (vm.c) soon after.
 *
 * This file is one of the three places allowed raw privileged
 * instructions (with native/ and the patch templates): nothing else is
 * running yet to paravirtualize them for.
 */
#define ASM_FILE
#include <multiboot/multiboot.h>
#include "layout.h"
#define EARLY_INB  inb %dx, %al
#define EARLY_OUTB outb %al, %dx
#include "early_puts.h"

#define MB_FLAGS (MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO | MULTIBOOT_AOUT_KLUDGE)

	.section .multiboot, "a"
	.align 4
mb_header:
	.long MULTIBOOT_HEADER_MAGIC
	.long MB_FLAGS
	.long -(MULTIBOOT_HEADER_MAGIC + MB_FLAGS)
	/* Address fields (bit 16): the image is loaded as one flat block,
	 * so loaders need not understand the ELF64 it was linked as. */
	.long mb_header			/* header_addr */
	.long __load_start		/* load_addr */
	.long __load_end_phys		/* load_end_addr */
	.long __bss_end_phys		/* bss_end_addr */
	.long _start32			/* entry_addr */

	.section .boot.text, "ax"
	.code32
	.globl _start32
_start32:
	cli
	cld
	movl	$boot_stack_top_phys, %esp
	movl	%eax, %edi			/* keep magic and info for C */
	movl	%ebx, %esi

	/* Long mode present?  CPUID 0x80000001 EDX bit 29. */
	movl	$0x80000000, %eax
	cpuid
	cmpl	$0x80000001, %eax
	jb	no_long_mode
	movl	$0x80000001, %eax
	cpuid
	btl	$29, %edx
	jnc	no_long_mode
	movl	%edx, %ebp			/* bit 20: NX available */

	/* One page directory of 2 MiB pages covers physical 0..1 GiB. */
	movl	$(boot_pd - KERNEL_VMA), %ebx
	xorl	%ecx, %ecx
1:	movl	%ecx, %eax
	shll	$21, %eax
	orl	$0x83, %eax			/* present, writable, 2 MiB */
	movl	%eax, (%ebx,%ecx,8)
	movl	$0, 4(%ebx,%ecx,8)
	incl	%ecx
	cmpl	$512, %ecx
	jne	1b

	movl	$(boot_pd - KERNEL_VMA + 3), %eax
	movl	%eax, (boot_pdpt_low - KERNEL_VMA)
	movl	%eax, (boot_pdpt_high - KERNEL_VMA + 510 * 8)
	movl	$(boot_pdpt_low - KERNEL_VMA + 3), %eax
	movl	%eax, (boot_pml4 - KERNEL_VMA)
	movl	$(boot_pdpt_high - KERNEL_VMA + 3), %eax
	movl	%eax, (boot_pml4 - KERNEL_VMA + 511 * 8)

	/* PAE, and SSE so that newlib's code may use it. */
	movl	%cr4, %eax
	orl	$(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
	movl	%eax, %cr4
	movl	$(boot_pml4 - KERNEL_VMA), %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$(EFER_LME | EFER_SCE), %eax
	btl	$20, %ebp
	jnc	1f
	orl	$EFER_NXE, %eax			/* no-execute pages, where there are */
1:	wrmsr
	movl	%cr0, %eax
	andl	$~CR0_EM, %eax
	orl	$(CR0_PG | CR0_WP | CR0_MP | CR0_NE), %eax
	movl	%eax, %cr0

	lgdt	boot_gdt_ptr
	ljmp	$0x08, $start64_low

no_long_mode:
	/* Say why on COM1 (polled, waiting for THRE before each byte; no
	 * init needed on QEMU or hv), then stop. */
	movl	$no_lm_msg, %esi
	EARLY_PUTS
	movw	$0xf4, %dx
	movl	$0x12, %eax
	outl	%eax, %dx
4:	hlt
	jmp	4b

	.code64
start64_low:
	movabsq	$start64_high, %rax
	jmp	*%rax

	.section .boot.data, "a"
	.align 16
boot_gdt:
	.quad	0
	.quad	0x00af9a000000ffff		/* 0x08: 64-bit code */
	.quad	0x00cf92000000ffff		/* 0x10: data */
boot_gdt_end:
boot_gdt_ptr:
	.word	boot_gdt_end - boot_gdt - 1
	.long	boot_gdt
no_lm_msg:
	.asciz	EARLY_NO_LM_MSG

	.text
start64_high:
	movw	$0x10, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	xorw	%ax, %ax
	movw	%ax, %fs
	movw	%ax, %gs
	movabsq	$boot_stack_top, %rsp
	xorl	%ebp, %ebp			/* ends every backtrace */
	/* edi = magic, esi = info (physical): boot_main(magic, info_pa) */
	movl	%edi, %edi
	movl	%esi, %esi
	call	boot_main
5:	hlt
	jmp	5b

	.bss
	.align 4096
	.globl boot_pml4, boot_stack_top
boot_pml4:	.skip 4096
boot_pdpt_low:	.skip 4096
boot_pdpt_high:	.skip 4096
boot_pd:	.skip 4096
boot_stack:	.skip 16384
boot_stack_top:
	.set boot_stack_top_phys, boot_stack_top - KERNEL_VMA
