/* cpuid.c: the guest's CPUID: what KVM supports, minus KVM's own
 * paravirtual leaves, plus hv's.
 *
 *   0x40000000  eax = 0x40000001 (highest hv leaf)
 *               ebx, ecx, edx = "hvhv" "hvhv" "hvhv" (signature "hvhvhvhvhvhv")
 *   0x40000001  eax = 1 (hv interface version)
 *               ebx = stats port (0xf0) | exit port (0xf4) << 16
 *               ecx = hypercall port (0xf8)
 *               edx = backend: 0 none, 1 xenlike, 2 vmwarelike
 *
 * KVM's "KVMKVMKVM" leaves are removed so a guest never believes it can
 * use kvmclock or other KVM paravirtual features hv does not offer. */
#include "hv.h"
#include "backend.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#define CPUID_HV_BASE   0x40000000u
#define CPUID_MAX       256

static uint32_t sig32(const char *s)
{
	return (uint32_t)s[0] | (uint32_t)s[1] << 8 | (uint32_t)s[2] << 16 |
	       (uint32_t)s[3] << 24;
}

/* Drop the hypervisor range, tidy features hv cannot back, and append
 * hv's leaves.  Returns the new entry count. */
static unsigned cpuid_edit(struct kvm_cpuid2 *c, uint32_t backend)
{
	unsigned n = 0;

	for (unsigned i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 e = c->entries[i];
		if ((e.function & 0xf0000000u) == CPUID_HV_BASE)
			continue;
		if (e.function == 1) {
			e.ecx |= 1u << 31;              /* hypervisor present */
			/* The initial APIC ID is the vCPU's (0), not that of
			 * the host core hv happened to ask on: a restored or
			 * migrated guest compares tables taken by two hv
			 * processes (pvops.cpuid_equals_instruction failed
			 * after a restore that ran on the other core). */
			e.ebx &= 0x00ffffffu;
		}
		if (e.function == 7 && e.index == 0)
			e.edx &= ~(1u << 29);           /* no ARCH_CAPABILITIES MSR */
		c->entries[n++] = e;
	}
	c->entries[n++] = (struct kvm_cpuid_entry2){
		.function = CPUID_HV_BASE, .eax = CPUID_HV_BASE + 1,
		.ebx = sig32("hvhv"), .ecx = sig32("hvhv"), .edx = sig32("hvhv"),
	};
	c->entries[n++] = (struct kvm_cpuid_entry2){
		.function = CPUID_HV_BASE + 1, .eax = 1,
		.ebx = HV_PORT_STATS | HV_PORT_EXIT << 16, .ecx = HV_PORT_HCALL,
		.edx = backend,
	};
	return n;
}

int cpuid__init(struct hv *hv)
{
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) +
				      CPUID_MAX * sizeof(struct kvm_cpuid_entry2));
	int rc = -1;

	if (c == NULL)
		return -1;
	c->nent = CPUID_MAX - 2;                /* room for hv's two leaves */
	if (ioctl(hv->kvm, KVM_GET_SUPPORTED_CPUID, c) < 0) {
		fprintf(stderr, "hv: KVM_GET_SUPPORTED_CPUID: %s\n", strerror(errno));
		goto out;
	}
	c->nent = cpuid_edit(c, hv_backend_id(hv->opt.backend));
	if (ioctl(hv->vcpu, KVM_SET_CPUID2, c) < 0) {
		fprintf(stderr, "hv: KVM_SET_CPUID2: %s\n", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(c);
	return rc;
}
