/*
 * progs.S: the user programs built into the kernel image.
 *
 * const struct user_prog user_progs[];  const int user_nprogs;
 */
	.macro prog name
	.section .rodata.user, "a"
	.balign 4096
\name\()_start:
	.incbin "\name\().bin"		/* found through as -I */
\name\()_end:
	.section .rodata.user_names, "a"
\name\()_str:
	.asciz "\name"
	.endm

	prog hello
	prog fault
	prog pingpong
	prog disk

	.section .rodata
	.balign 8
	.globl user_progs, user_nprogs
user_progs:
	.quad hello_str, hello_start, hello_end
	.quad fault_str, fault_start, fault_end
	.quad pingpong_str, pingpong_start, pingpong_end
	.quad disk_str, disk_start, disk_end
user_nprogs:
	.long 4
