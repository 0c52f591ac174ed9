/*
 * test_clobbers.c: every op's target, native or in the bound ROM, leaves
 * alone every register outside the clobbers it declared (SPEC.md
 * conformance: register preservation), called with all registers set.
 */
#include <string.h>
#include "kernel.h"
#include "mm.h"
#include "pic.h"
#include "ktest.h"
#include <pvops/pvops.h>

#define KTEST_SUITE "pvops"

#ifndef CONFIG_PV_NONE
#include "guest.h"

void clobber_probe(void *fn, const uint64_t in[16], uint64_t out[16]);
const struct vmi_binding *pv_binding(void);
extern void *pv_op_table[PV_OP_COUNT];

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI };

static const char *const reg_name[16] = {
	"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};

static uint64_t scratch_entry;			/* a page-table entry to write */
static char msg[] = "";				/* console write of nothing */

/* Arguments that make op harmless to run; false for ops not to run here. */
static bool safe_args(unsigned op, uint64_t r[16])
{
	static struct dtr g, i;
	__asm__ volatile("sgdt %0; sidt %1" : "=m"(g), "=m"(i));
	switch (op) {
	case PV_OP_RESTORE_FL:	r[RDI] = pv_save_fl(); return true;
	case PV_OP_CPUID:	r[RAX] = 0; r[RCX] = 0; return true;
	case PV_OP_RDMSR:	r[RCX] = MSR_EFER; return true;
	case PV_OP_WRMSR: {
		uint64_t v = pv_rdmsr(0xc0000102);
		r[RCX] = 0xc0000102; r[RAX] = (uint32_t)v; r[RDX] = v >> 32;
		return true;
	}
	case PV_OP_WRITE_CR0:	r[RDI] = pv_read_cr0(); return true;
	case PV_OP_WRITE_CR4:	r[RDI] = pv_read_cr4(); return true;
	case PV_OP_WRITE_CR3:	r[RDI] = pv_read_cr3(); return true;
	case PV_OP_LOAD_GDT:	r[RDI] = (uint64_t)&g; return true;
	case PV_OP_LOAD_IDT:	r[RDI] = (uint64_t)&i; return true;
	case PV_OP_SET_PTE: case PV_OP_SET_PMD: case PV_OP_SET_PUD: case PV_OP_SET_P4D:
		r[RDI] = (uint64_t)&scratch_entry; r[RSI] = 0; return true;
	case PV_OP_INVLPG:	r[RDI] = (uint64_t)&scratch_entry; return true;
	case PV_OP_SET_ALARM:	r[RDI] = pv_clock_read() + 5000000; return true;
	case PV_OP_CONSOLE_WRITE: r[RDI] = (uint64_t)msg; r[RSI] = 0; return true;
	case PV_OP_PT_ALLOC: case PV_OP_PT_RELEASE:
		return false;		/* would announce a page as a table */
	case PV_OP_LOAD_TR:		/* the TSS is busy: ltr would fault */
	case PV_OP_SHUTDOWN: case PV_OP_REBOOT:
		return false;
	default:
		return true;
	}
}

/* The code a patched site of op now reaches, and what it may clobber. */
static void *target_of(unsigned op, uint16_t *clobbers)
{
	const struct vmi_binding *b = pv_binding();
	*clobbers = pv_op_info[op].clobbers;
	if (b) {
		const struct vmi_reloc *r = &b->answer[op];
		if (r->type == VMI_RELOC_NOP || r->type == VMI_RELOC_JUMP)
			return NULL;
		if (r->type == VMI_RELOC_CALL) {
			*clobbers = r->clobbers;	/* what the ROM declared */
			return (void *)(uintptr_t)(b->rom_va + r->target);
		}
	}
	return pv_op_table[op];			/* the native target */
}

KTEST(targets_preserve_undeclared_registers)
{
	int ran = 0;
	for (unsigned op = 0; op < PV_OP_COUNT; op++) {
		uint64_t in[16], out[16];
		uint16_t clob;
		void *fn = target_of(op, &clob);
		for (int r = 0; r < 16; r++)
			in[r] = 0x5a5a000000000000ULL | ((uint64_t)op << 16) | (uint64_t)r;
		if (!fn || !safe_args(op, in))
			continue;
		uint64_t fl = pv_save_fl();
		clobber_probe(fn, in, out);
		pv_restore_fl(fl);
		ran++;
		for (int r = 0; r < 16; r++)
			if (r != RSP && !(clob & (1u << r)) && in[r] != out[r])
				kt_fail(kt, __FILE__, __LINE__, "%s changed %s (declared clobbers %#x)",
					pv_op_name(op), reg_name[r], clob);
	}
	kt_note("%d op targets of backend %s checked", ran, pv_backend_name());
}
#endif
