/*
 * layout.h: the kernel's address-space layout and the CPU constants that
 * the boot stub and C share.  Included from assembly too, so only
 * #defines live here.
 */
#ifndef LAYOUT_H
#define LAYOUT_H

#ifdef __ASSEMBLER__
#define UL(x) x
#else
#define UL(x) x##UL
#endif

/* Physical 0..DIRECT_MAP_SIZE is mapped at KERNEL_VMA; the image lives
 * there too (linked at KERNEL_VMA + 1 MiB). */
#define KERNEL_VMA		UL(0xffffffff80000000)
#define DIRECT_MAP_SIZE		UL(0x40000000)		/* 1 GiB */
/* The heap behind malloc, mapped page by page as it grows. */
#define HEAP_BASE		UL(0xffffffffc0000000)
#define HEAP_MAX		UL(0x10000000)		/* 256 MiB */
/* A window for temporary mappings (tests, ROM). */
#define VMAP_BASE		UL(0xffffffffd0000000)
#define VMAP_SIZE		UL(0x10000000)
/* Uncached device registers (vm_map_mmio), never reused. */
#define MMIO_BASE		UL(0xffffffffe0000000)
#define MMIO_SIZE		UL(0x10000000)
/* User space: programs at USER_BASE, stacks below USER_TOP. */
#define USER_BASE		UL(0x400000)
#define USER_TOP		UL(0x800000000000)
#define USER_STACK_TOP		UL(0x7ffffff00000)

#define PAGE_SIZE		UL(4096)

#define CR0_PE			0x00000001
#define CR0_MP			0x00000002
#define CR0_EM			0x00000004
#define CR0_NE			0x00000020
#define CR0_WP			0x00010000
#define CR0_PG			0x80000000
#define CR4_PAE			0x00000020
#define CR4_PGE			0x00000080
#define CR4_OSFXSR		0x00000200
#define CR4_OSXMMEXCPT		0x00000400
#define MSR_EFER		0xc0000080
#define EFER_SCE		0x00000001
#define EFER_LME		0x00000100
#define EFER_NXE		0x00000800
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_FMASK		0xc0000084

/* GDT selectors (gdt.c).  sysret wants user data right below user code. */
#define SEL_KCODE		0x08
#define SEL_KDATA		0x10
#define SEL_UDATA		(0x18 | 3)
#define SEL_UCODE		(0x20 | 3)
#define SEL_TSS			0x28

/* Exit codes written to port 0xf4 (docs/HACKING.md). */
#define EXIT_PASS		0x10
#define EXIT_FAIL		0x11
#define EXIT_PANIC		0x12
#define EXIT_PORT		0xf4

#endif
