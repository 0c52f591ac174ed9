/* boot.S: entry of the hostile test guest (a Multiboot v1 ELF32 kernel).
 *
 *   void _start(void);   entered with EAX = 0x2BADB002, EBX = info
 *
 * hostile_main() reads its command line and misbehaves accordingly. */

#define MB_MAGIC        0x1BADB002
#define MB_FLAGS        3       /* page-aligned modules, memory info */

	.section .multiboot, "a"
	.align 4
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)

	.text
	.globl _start
_start:
	cli
	mov $stack_top, %esp
	push %ebx
	push %eax
	call hostile_main
1:	hlt
	jmp 1b

	.bss
	.align 16
	.space 16384
stack_top:

	.section .note.GNU-stack, "", @progbits
