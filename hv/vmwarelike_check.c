/* vmwarelike_check.c: pure checks and tables of the VMware-like host side
 * (see vmwarelike_check.h); hv/backend_vmwarelike.c does the I/O. */
#include "vmwarelike_check.h"
#include "gmem.h"
#include "pte_check.h"

#include <stdlib.h>
#include <string.h>

#define ADDR_MASK  0x000ffffffffff000ull
#define CR3_FLAGS  0x18ull            /* PWT, PCD */
#define PAGE       4096ull

_Static_assert(VMW_OP_PTE == HV_PTE_LEVEL_PTE && VMW_OP_PMD == HV_PTE_LEVEL_PMD &&
	       VMW_OP_PUD == HV_PTE_LEVEL_PUD && VMW_OP_P4D == HV_PTE_LEVEL_P4D,
	       "queue kinds are the page-table levels");

/* The backdoor is a single 32-bit in with the magic in eax: anything
 * else (an out, another width, a rep prefix) is a confused guest. */
const char *vmw_check_access(uint16_t port, int out, unsigned size,
			     uint32_t count, uint32_t eax)
{
	if (port != VMW_PORT_CMD && port != VMW_PORT_BULK)
		return "not a backdoor port";
	if (out)
		return "an out; the backdoor is a 32-bit in";
	if (size != 4)
		return "not 32 bits wide; the backdoor is a 32-bit in";
	if (count != 1)
		return "a rep in; the backdoor takes one element";
	if (eax != VMW_MAGIC)
		return "wrong magic in eax";
	return NULL;
}

const char *vmw_check_bulk(uint64_t cmd, uint64_t len)
{
	if (cmd != VMW_BULK_CONSOLE)
		return "unknown bulk command";
	if (len > VMW_BULK_MAX)
		return "byte count over the limit of 4096";
	return NULL;
}

static int vmw_inside(uint64_t frame, uint64_t span, uint64_t ram)
{
	return frame < ram && span <= ram - frame;
}

/* A page-table kind: the entry is 8-aligned (its range is checked by the
 * caller with hv_guest_range); the value must pass hv's one page-table
 * rule (hv_pte_check: no reserved bit, guest RAM only).  The kinds
 * VMW_OP_PTE..VMW_OP_P4D are the levels 1-4. */
enum vmw_verdict vmw_check_op(const struct vmw_mmu_op *op, uint64_t ram,
			      uint64_t *gpa, unsigned *why, const char **reason)
{
	unsigned kind = (unsigned)(op->op & 7);
	uint64_t frame;

	*why = VMW_REFUSE_NONE;
	*gpa = op->op & ~7ull;
	if (kind == VMW_OP_CR3) {
		if (*gpa != 0) {
			*reason = "cr3 entry with an address";
			return VMW_BAD;
		}
		frame = op->val & ADDR_MASK;
		if ((op->val & ~(ADDR_MASK | CR3_FLAGS)) ||
		    !vmw_inside(frame, PAGE, ram) ||
		    (frame >= GMEM_HOLE_START && frame < GMEM_HOLE_END)) {
			*why = VMW_REFUSE_CR3;
			return VMW_REFUSE;
		}
		return VMW_APPLY;
	}
	if (kind < VMW_OP_PTE || kind > VMW_OP_P4D) {
		*reason = "unknown entry kind";
		return VMW_BAD;
	}
	switch (hv_pte_check(op->val, kind, ram)) {
	case HV_PTE_OK:
		return VMW_APPLY;
	case HV_PTE_RESERVED:
		*why = VMW_REFUSE_RSVD;
		break;
	case HV_PTE_FRAME:
		*why = VMW_REFUSE_FRAME;
		break;
	}
	return VMW_REFUSE;
}

/* One entry: 1 refused, 0 accepted, -1 malformed (f->reason set, or
 * left NULL when the entry address is not guest RAM). */
static int vmw_flush_one(const struct gmem *gm, const struct vmw_mmu_op *op,
			 unsigned *why, struct vmw_flush *f)
{
	uint64_t gpa;

	switch (vmw_check_op(op, gm->size, &gpa, why, &f->reason)) {
	case VMW_REFUSE:
		return 1;
	case VMW_BAD:
		return -1;
	case VMW_APPLY:
		break;
	}
	if ((op->op & 7) != VMW_OP_CR3 && gmem_range(gm, gpa, 8) == NULL) {
		f->reason = NULL;
		return -1;
	}
	return 0;
}

/* The queue's address is the guest's choice and may have any alignment:
 * each entry is copied out once (the guest may race) and a refused one's
 * kind cleared with memcpy, never through a struct pointer. */
int vmw_flush_check(const struct gmem *gm, void *queue, uint64_t n,
		    struct vmw_flush *f)
{
	uint8_t *q = queue;
	unsigned why;

	*f = (struct vmw_flush){ 0 };
	for (uint64_t i = 0; i < n; i++) {
		struct vmw_mmu_op op;
		memcpy(&op, q + i * sizeof(op), sizeof(op));
		int rc = vmw_flush_one(gm, &op, &why, f);
		if (rc < 0) {
			f->bad_op = op.op;
			return -1;
		}
		if (rc == 0)
			continue;
		uint64_t cleared = op.op & ~7ull;  /* kind 0: refused, skip */
		memcpy(q + i * sizeof(op) + offsetof(struct vmw_mmu_op, op),
		       &cleared, sizeof(cleared));
		if (f->refused++ == 0) {
			f->first = i;
			f->first_why = why;
		}
	}
	return 0;
}

static int vmw_cpuid_cmp(const void *a, const void *b)
{
	const struct vmw_cpuid_entry *x = a, *y = b;
	if (x->leaf != y->leaf)
		return x->leaf < y->leaf ? -1 : 1;
	if (x->subleaf != y->subleaf)
		return x->subleaf < y->subleaf ? -1 : 1;
	return 0;
}

/* Leaf 1's OSXSAVE and leaf 7's OSPKE follow CR4 at run time; the ROM
 * sets them from CR4 itself, so the table carries them clear. */
static void vmw_cpuid_dynamic(struct vmw_cpuid_entry *e)
{
	if (e->leaf == 1) {
		e->flags |= VMW_CPUID_OSXSAVE;
		e->ecx &= ~(1u << 27);
	}
	if (e->leaf == 7 && e->subleaf == 0) {
		e->flags |= VMW_CPUID_OSPKE;
		e->ecx &= ~(1u << 4);
	}
}

unsigned vmw_cpuid_table(const struct kvm_cpuid_entry2 *in, unsigned n,
			 struct vmw_cpuid_entry *out, unsigned cap)
{
	unsigned k = 0;

	for (unsigned i = 0; i < n && k < cap; i++) {
		const struct kvm_cpuid_entry2 *c = &in[i];
		int indexed = (c->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) != 0;
		if (c->function == 0xd)
			continue;
		out[k] = (struct vmw_cpuid_entry){
			.leaf = c->function, .subleaf = indexed ? c->index : 0,
			.flags = indexed ? VMW_CPUID_INDEXED : 0,
			.eax = c->eax, .ebx = c->ebx, .ecx = c->ecx, .edx = c->edx,
		};
		vmw_cpuid_dynamic(&out[k++]);
	}
	qsort(out, k, sizeof(*out), vmw_cpuid_cmp);
	return k;
}

uint64_t vmw_alarm_next(uint64_t deadline, uint64_t period, uint64_t now)
{
	uint64_t next = deadline + period;
	if (next < deadline || next <= now)
		next = now + period;
	return next;
}
