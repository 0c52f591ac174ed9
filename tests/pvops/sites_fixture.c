/*
 * sites_fixture.c: a tiny freestanding program with known pvops call sites,
 * linked at a higher-half address by tests/pvops/pvreport-elf.sh so that
 * build/pvops/pvreport can be checked on a real ELF file.
 *
 * Sites are emitted the way a wrapper does: `call *slot(%rip)` plus
 * optional NOP padding, and a record through PV_SITE_RECORD_ASM.  Built
 * with -DSTALE one site is a `jmp *` instead of the call; with
 * -DBAD_CLOBBER a save_fl site allows no clobbers, which its native
 * template (pushfq; popq %rax) violates.  Never run, only read.
 */
#include <pvops/ops.h>
#include <pvops/site.h>

void *pv_slots[PV_OP_COUNT];

#define SITE(insn, op, clob, pad)					\
	__asm__ volatile("661:\n\t" insn " *%c[slot](%%rip)\n\t"	\
			 pad "\n662:\n\t"					\
			 PV_SITE_RECORD_ASM("661b", "662b", "%c[o]", "%c[c]")	\
			 :: [slot] "i"(&pv_slots[op]), [o] "i"(op),	\
			    [c] "i"(clob) : "memory")

#ifdef BAD_CLOBBER
#define SAVE_FL_CLOBBERS 0
#else
#define SAVE_FL_CLOBBERS PV_CLOBBERS_RAX
#endif
#ifdef STALE
#define LAST_INSN "jmp"
#else
#define LAST_INSN "call"
#endif

void fixture_start(void)
{
	SITE("call", PV_OP_IRQ_DISABLE, PV_CLOBBERS_RAX, "");
	SITE("call", PV_OP_IRQ_DISABLE, PV_CLOBBERS_RAX, "");
	SITE("call", PV_OP_IRQ_DISABLE, PV_CLOBBERS_RAX, "");
	SITE("call", PV_OP_SAVE_FL, SAVE_FL_CLOBBERS, ".nops 3");
	SITE("call", PV_OP_SET_PTE, PV_CLOBBERS_SYSV, "");
	SITE("call", PV_OP_SET_PTE, PV_CLOBBERS_SYSV, ".nops 2");
	SITE("call", PV_OP_LAZY_MMU_ENTER, PV_CLOBBERS_SYSV, "");
	SITE("call", PV_OP_CLOCK_READ, PV_CLOBBERS_SYSV, "");
	SITE(LAST_INSN, PV_OP_FLUSH_TLB, PV_CLOBBERS_SYSV, "");
	for (;;)
		;
}
