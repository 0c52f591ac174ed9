/* vmwarelike_check.h: the pure parts of the VMware-like host side (no
 * KVM, no guest memory): checks of backdoor accesses, of deferred-mode
 * queue entries and CPUID-table building, so they are unit-tested on the
 * host (tests/unit/test_hv_vmwarelike.c).  The ports, commands and data
 * layout are backends/vmwarelike/vmw_abi.h. */
#ifndef HV_VMWARELIKE_CHECK_H
#define HV_VMWARELIKE_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <linux/kvm.h>

#include "../backends/vmwarelike/vmw_abi.h"

/* What to do with one queue entry. */
enum vmw_verdict {
	VMW_APPLY,      /* write val at *gpa (or load cr3) */
	VMW_REFUSE,     /* do not apply; tell the guest (*why) */
	VMW_BAD,        /* malformed: end the guest with the reason */
};

/* NULL when a backdoor access (port, 1 = out, size, element count, eax)
 * is well formed, else the reason the guest is ended. */
const char *vmw_check_access(uint16_t port, int out, unsigned size,
			     uint32_t count, uint32_t eax);

/* NULL when a bulk request (command, byte count) is acceptable. */
const char *vmw_check_bulk(uint64_t cmd, uint64_t len);

/* Verdict for one deferred update in a guest of ram bytes of RAM; fills
 * *gpa (the entry's address, for page-table kinds), *why and, for
 * VMW_BAD, *reason. */
enum vmw_verdict vmw_check_op(const struct vmw_mmu_op *op, uint64_t ram,
			      uint64_t *gpa, unsigned *why, const char **reason);

struct gmem;

/* What one MMU_FLUSH found (vmw_flush_check). */
struct vmw_flush {
	uint32_t refused;       /* entries refused, their kind cleared */
	uint64_t first;         /* index of the first refused entry */
	unsigned first_why;     /* its VMW_REFUSE_* */
	uint64_t bad_op;        /* on -1: the op of the entry that ends the guest */
	const char *reason;     /* on -1: why; NULL when its entry address is
				 * not guest RAM (the caller words that) */
};

/* Checks n queue entries at queue, a host pointer into guest memory gm
 * that the caller has checked holds them all, each read once and in
 * order.  A refused entry gets its kind cleared in guest memory.  Returns
 * 0 with *f filled, or -1 at the first malformed entry (f->bad_op,
 * f->reason): the guest is to be ended. */
int vmw_flush_check(const struct gmem *gm, void *queue, uint64_t n,
		    struct vmw_flush *f);

/* The CPUID table for the ROM from the vCPU's entries: sorted by leaf and
 * subleaf, leaves with run-time bits flagged (their bits cleared), leaf
 * 0xD (it follows XCR0) left out.  Returns the entries written (<= cap). */
unsigned vmw_cpuid_table(const struct kvm_cpuid_entry2 *in, unsigned n,
			 struct vmw_cpuid_entry *out, unsigned cap);

/* The next deadline of a periodic alarm that fired at now: one period on,
 * or one period from now if the guest fell behind (no burst of replays). */
uint64_t vmw_alarm_next(uint64_t deadline, uint64_t period, uint64_t now);

#endif
