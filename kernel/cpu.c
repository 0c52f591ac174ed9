/*
 * cpu.c: the GDT with its TSS, the IDT, and the syscall MSRs.
 *
 * Every descriptor-table load and MSR write goes through pvops.  Layout
 * of the GDT follows what sysret needs: user data right below user code.
 */
#include <string.h>
#include "kernel.h"
#include "trap.h"
#include <pvops/pvops.h>

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, reserved;
} __attribute__((packed));

static uint64_t gdt[7] __attribute__((aligned(16)));
static struct tss tss __attribute__((aligned(16)));
static struct idt_gate idt[256] __attribute__((aligned(16)));
extern const uint64_t trap_vectors[256];
extern void syscall_entry(void);
uint64_t cpu_kstack_top;			/* read by syscall_entry */

static void gdt_init(void)
{
	uint64_t base = (uint64_t)&tss, limit = sizeof(tss) - 1;

	gdt[1] = 0x00af9a000000ffffULL;		/* 0x08 kernel code, 64-bit */
	gdt[2] = 0x00cf92000000ffffULL;		/* 0x10 kernel data */
	gdt[3] = 0x00cff2000000ffffULL;		/* 0x18 user data, DPL 3 */
	gdt[4] = 0x00affa000000ffffULL;		/* 0x20 user code, DPL 3 */
	gdt[5] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
		 (0x89ULL << 40) | (((limit >> 16) & 0xf) << 48) |
		 (((base >> 24) & 0xff) << 56);	/* 0x28 TSS, available */
	gdt[6] = base >> 32;
	tss.iomap_base = sizeof(tss);

	struct dtr d = { sizeof(gdt) - 1, (uint64_t)gdt };
	pv_load_gdt(&d);
	pv_load_tr(SEL_TSS);
}

static void idt_init(void)
{
	for (int v = 0; v < 256; v++) {
		uint64_t off = trap_vectors[v];
		idt[v].off_lo = off & 0xffff;
		idt[v].sel = SEL_KCODE;
		idt[v].ist = 0;
		idt[v].type = 0x8e;		/* present, interrupt gate */
		idt[v].off_mid = (off >> 16) & 0xffff;
		idt[v].off_hi = off >> 32;
	}
	struct dtr d = { sizeof(idt) - 1, (uint64_t)idt };
	pv_load_idt(&d);
}

/* syscall: kernel CS/SS from STAR[47:32], user from STAR[63:48] + 8/16. */
static void syscall_init(void)
{
	pv_wrmsr(MSR_STAR, ((uint64_t)(SEL_UDATA - 8) << 48) | ((uint64_t)SEL_KCODE << 32));
	pv_wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	pv_wrmsr(MSR_FMASK, 0x200 | 0x400 | 0x100);	/* IF, DF, TF */
	pv_wrmsr(MSR_EFER, pv_rdmsr(MSR_EFER) | EFER_SCE);
}

void cpu_init(void)
{
	gdt_init();
	idt_init();
	syscall_init();
	klog("cpu: GDT, TSS, IDT (256 gates) and syscall MSRs loaded\n");
}

void cpu_set_kstack(uint64_t top)
{
	tss.rsp[0] = top;
	cpu_kstack_top = top;
}
