/* boot.S: entry of the mini Multiboot v1 kernel, written from the
 * Multiboot specification (0.6.96) alone.
 *
 *   void _start(void);   entered with EAX = 0x2BADB002, EBX = info
 *
 * Built twice: as an ELF32 (header flags 0x00000003) and, with
 * -DMINI_AOUT, as a flat binary whose header carries the address fields
 * (flag 16, the "a.out kludge"). */

#define MB_MAGIC        0x1BADB002
#define MB_PAGE_ALIGN   (1 << 0)
#define MB_MEMORY_INFO  (1 << 1)
#define MB_ADDRESS      (1 << 16)
#ifdef MINI_AOUT
#define MB_FLAGS        (MB_PAGE_ALIGN | MB_MEMORY_INFO | MB_ADDRESS)
#else
#define MB_FLAGS        (MB_PAGE_ALIGN | MB_MEMORY_INFO)
#endif

	.section .multiboot, "a"
	.align 4
mb_header:
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)
#ifdef MINI_AOUT
	.long mb_header         /* header_addr */
	.long __load_start      /* load_addr */
	.long __load_end        /* load_end_addr */
	.long __bss_end         /* bss_end_addr */
	.long _start            /* entry_addr */
#endif

	.text
	.globl _start
_start:
	cli
	mov $stack_top, %esp
	push %ebx               /* struct multiboot_info * */
	push %eax               /* magic */
	call mini_main
1:	hlt
	jmp 1b

	.bss
	.align 16
	.space 16384
stack_top:

	.section .note.GNU-stack, "", @progbits
