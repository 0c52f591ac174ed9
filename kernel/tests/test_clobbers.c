/*
 * test_clobbers.c: every op's patched site, whatever it became (native
 * bytes, a call into the ROM, NOPs, a jump), leaves alone every register
 * outside the clobbers its decision declared (SPEC.md conformance:
 * register preservation), run with all registers set.
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
#include <pvops/patch.h>
#include <native/templates.h>

void clobber_probe(void *fn, const uint64_t in[16], uint64_t out[16]);
const struct vmi_binding *pv_binding(void);
extern void *pv_op_table[PV_OP_COUNT];
extern const void *const nat_op_table[PV_OP_COUNT];
extern void *const clobber_sites[PV_OP_COUNT];	/* clobber_sites.S */

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI };

static const char *const reg_name[16] = {
	"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};

static uint64_t scratch_entry;			/* a page-table entry to write */
static uint64_t scratch_table;			/* a page announced as a table */
static char msg[] = "";				/* console write of nothing */
static volatile uint16_t scratch_notify;		/* a notify register in RAM */

/* The TSS descriptor is busy since boot; ltr of a busy one faults, so
 * make it available again first (Linux does the same to reload TR). */
static void tss_make_available(void)
{
	struct dtr g;
	__asm__ volatile("sgdt %0" : "=m"(g));
	((volatile uint8_t *)(uintptr_t)g.base)[SEL_TSS + 5] &= (uint8_t)~0x02;
}

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
	case PV_OP_LOAD_TR:	tss_make_available(); r[RDI] = SEL_TSS; return true;
	case PV_OP_SET_PTE: case PV_OP_SET_PMD: case PV_OP_SET_PUD: case PV_OP_SET_P4D:
		r[RDI] = (uint64_t)&scratch_entry; r[RSI] = 0; return true;
	case PV_OP_INVLPG:	r[RDI] = (uint64_t)&scratch_entry; return true;
	/* pt_alloc runs before pt_release (op order): announce, withdraw. */
	case PV_OP_PT_ALLOC: case PV_OP_PT_RELEASE:
		r[RDI] = scratch_table; r[RSI] = PT_PTE; return scratch_table != 0;
	case PV_OP_SET_ALARM:	r[RDI] = pv_clock_read() + 5000000; return true;
	case PV_OP_CONSOLE_WRITE: r[RDI] = (uint64_t)msg; r[RSI] = 0; return true;
	/* A RAM word: natively stored to; a host no device claims it for
	 * refuses the notify and the guest goes on (SPEC.md 9). */
	case PV_OP_DEVICE_NOTIFY:
		r[RDI] = (uint64_t)(uintptr_t)&scratch_notify; r[RSI] = 0x5a5a;
		r[RDX] = V2P(&scratch_notify); return true;
	case PV_OP_SHUTDOWN: case PV_OP_REBOOT:
		return false;		/* never return: checked by address */
	default:
		return true;
	}
}

/* What op's sites were decided to be: the bound ROM's answer or the
 * native decision.  A NOP site may clobber nothing. */
static void decision_of(unsigned op, struct pv_decision *d)
{
	const struct vmi_binding *b = pv_binding();
	const struct vmi_reloc *r = b ? &b->answer[op] : NULL;
	memset(d, 0, sizeof(*d));
	if (r && r->type != VMI_RELOC_NATIVE) {
		d->kind = r->type == VMI_RELOC_CALL ? PV_CALL :
			  r->type == VMI_RELOC_JUMP ? PV_JUMP : PV_NOP;
		d->target = b->rom_va + r->target;
		d->clobbers = r->clobbers;
	} else {
		nat_decide(op, (uint64_t)(uintptr_t)nat_op_table[op], d);
	}
	if (d->kind == PV_NOP)
		d->clobbers = 0;
}

/* The record of the site at p (one of clobber_sites), or NULL. */
static const struct pv_site *site_at(const void *p)
{
	for (const struct pv_site *s = __pv_sites_start; s < __pv_sites_end; s++)
		if (s->addr == (uint64_t)(uintptr_t)p)
			return s;
	return NULL;
}

/*
 * An op that never returns cannot be run: its site must lead to the
 * decided target instead, by a direct call or jump, or (pvops=nopatch)
 * by the untouched indirect call through a slot that holds the target.
 */
static bool leads_to_target(unsigned op, const struct pv_decision *d)
{
	const uint8_t *p = clobber_sites[op];
	const struct pv_site *s = site_at(p);
	int32_t rel;
	if (!s)
		return false;
	if (kopts.pv_mode == PVMODE_NOPATCH)
		return pv_site_unpatched(p, s, (uint64_t)(uintptr_t)&pv_op_table[op]) &&
		       (uint64_t)(uintptr_t)pv_op_table[op] == d->target;
	memcpy(&rel, p + 1, 4);
	return p[0] == (d->kind == PV_CALL ? 0xe8 : 0xe9) &&
	       s->addr + 5 + (uint64_t)(int64_t)rel == d->target;
}

/* Runs op's site with every register set; counts a failure per register
 * changed outside the decision's clobbers. */
static void run_site(struct kt *kt, unsigned op, const struct pv_decision *d, uint64_t in[16])
{
	uint64_t out[16];
	uint64_t fl = pv_save_fl();
	clobber_probe(clobber_sites[op], in, out);
	pv_restore_fl(fl);
	for (int r = 0; r < 16; r++)
		if (r != RSP && !(d->clobbers & (1u << r)) && in[r] != out[r])
			kt_fail(kt, __FILE__, __LINE__, "%s (%s) changed %s (declared clobbers %#x)",
				pv_op_name(op), pv_kind_name(d->kind), reg_name[r], d->clobbers);
}

KTEST(targets_preserve_undeclared_registers)
{
	int ran = 0, led = 0;
	scratch_table = pmm_alloc();
	for (unsigned op = 0; op < PV_OP_COUNT; op++) {
		uint64_t in[16];
		struct pv_decision d;
		decision_of(op, &d);
		for (int r = 0; r < 16; r++)
			in[r] = 0x5a5a000000000000ULL | ((uint64_t)op << 16) | (uint64_t)r;
		if (safe_args(op, in)) {
			run_site(kt, op, &d, in);
			ran++;
		} else if ((d.kind == PV_CALL || d.kind == PV_JUMP) && leads_to_target(op, &d)) {
			led++;
		} else {
			kt_fail(kt, __FILE__, __LINE__, "%s: site not checked", pv_op_name(op));
		}
	}
	if (scratch_table)
		pmm_free(scratch_table);
	kt_note("%d op sites of backend %s run, %d that never return checked by target",
		ran, pv_backend_name(), led);
	KT_EXPECT_EQ(ran + led, PV_OP_COUNT);
}

/*
 * Sites in the compiler's registers (clobber_regs.c), in registers no
 * convention picks: whatever boot made of them (the instruction in those
 * registers, a direct ROM call, a call through the site's adapter), each
 * changes no register but its written operands, and its operands reach
 * the op: the entry write lands, the flags and cr3 read arrive in the
 * site's register, the notify stores its 16 bits.
 */
#include "clobber_regs.h"

enum { R8 = 8, R9, R10, R11, R12, R13, R14, R15 };

struct regs_case {
	const char *name;
	void (*fn)(void);
};

static const struct regs_case regs_cases[] = {
	{ "set_pte r12<-rbx", clobber_regs_set_pte },
	{ "set_pmd rbp<-rsi", clobber_regs_set_pmd_rbp },
	{ "save_fl ->r13", clobber_regs_save_fl },
	{ "restore_fl r14", clobber_regs_restore_fl },
	{ "read_cr3 ->r9", clobber_regs_read_cr3 },
	{ "write_cr3 rdx", clobber_regs_write_cr3 },
	{ "invlpg r10", clobber_regs_invlpg },
	{ "flush_tlb scratch r11", clobber_regs_flush_tlb },
	{ "irq_disable", clobber_regs_irq_disable },
	{ "wrmsr", clobber_regs_wrmsr },
	{ "lazy_mmu_enter", clobber_regs_lazy_mmu_enter },
	{ "lazy_mmu_leave", clobber_regs_lazy_mmu_leave },
	{ "device_notify rbx<-r15w pa r8", clobber_regs_notify },
};

KTEST(regs_sites_preserve_registers)
{
	static uint64_t entry;
	static volatile uint16_t notify_reg[2];
	uint64_t cr3 = pv_read_cr3(), fl = pv_save_fl(), msr = pv_rdmsr(0xc0000102);
	int ran = 0;
	for (size_t i = 0; i < ARRAY_SIZE(regs_cases); i++) {
		const struct regs_case *c = &regs_cases[i];
		const struct pv_site *s = site_at((const void *)c->fn);
		uint64_t in[16], out[16];
		if (!s || !(s->flags & PV_SITE_F_REGS)) {
			kt_fail(kt, __FILE__, __LINE__, "%s: no site in its own registers", c->name);
			continue;
		}
		for (int r = 0; r < 16; r++)
			in[r] = 0x6b6b000000000000ULL | ((uint64_t)i << 16) | (uint64_t)r;
		entry = 0;
		notify_reg[0] = notify_reg[1] = 0xaaaa;
		in[R12] = (uint64_t)(uintptr_t)&entry;		/* set_pte */
		in[RBP] = (uint64_t)(uintptr_t)&entry;		/* set_pmd */
		in[R14] = fl & ~PV_FL_IF;			/* restore_fl */
		in[RDX] = cr3;					/* write_cr3 */
		in[R10] = (uint64_t)(uintptr_t)&entry;		/* invlpg */
		if (c->fn == clobber_regs_wrmsr) {
			in[RCX] = 0xc0000102, in[RAX] = (uint32_t)msr, in[RDX] = msr >> 32;
		}
		if (c->fn == clobber_regs_notify) {
			in[RBX] = (uint64_t)(uintptr_t)&notify_reg[0];
			in[R8] = V2P(&notify_reg[0]);
		}
		uint64_t saved = pv_save_fl();
		clobber_probe((void *)c->fn, in, out);
		pv_restore_fl(saved);
		ran++;
		for (int r = 0; r < 16; r++)
			if (r != RSP && !(s->clobbers & (1u << r)) && in[r] != out[r])
				kt_fail(kt, __FILE__, __LINE__, "%s (%s) changed %s (the site keeps it)",
					c->name, pv_backend_name(), reg_name[r]);
		/* A ROM other than the test ROM hands the notify to its host
		 * (SPEC.md 9): only the registers are checked then. */
		const struct vmi_binding *b = pv_binding();
		bool notify_stores = !b || b->answer[PV_OP_DEVICE_NOTIFY].type == VMI_RELOC_NATIVE ||
				     strcmp(b->name, "testrom") == 0;
		/* xenlike and vmwarelike hand entry writes to their host, which
		 * validates them against its page tables: this entry is none. */
		bool local = !b || b->answer[s->op].type == VMI_RELOC_NATIVE ||
			     strcmp(b->name, "testrom") == 0;
		if (c->fn == clobber_regs_set_pte && local)
			KT_EXPECT_EQ(entry, in[RBX]);
		if (c->fn == clobber_regs_set_pmd_rbp && local)
			KT_EXPECT_EQ(entry, in[RSI]);
		if (c->fn == clobber_regs_save_fl)
			KT_EXPECT_EQ(out[R13] & 0x200, fl & 0x200);
		if (c->fn == clobber_regs_read_cr3)
			KT_EXPECT_EQ(out[R9], cr3);
		if (c->fn == clobber_regs_notify && notify_stores) {
			KT_EXPECT_EQ(notify_reg[0], (uint16_t)in[R15]);
			KT_EXPECT_EQ(notify_reg[1], 0xaaaa);
		}
	}
	KT_EXPECT_EQ(pv_rdmsr(0xc0000102), msr);
	kt_note("%d sites in their own registers run under backend %s", ran, pv_backend_name());
	KT_EXPECT_EQ(ran, (int)ARRAY_SIZE(regs_cases));
}
#endif
