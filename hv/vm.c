/* vm.c: the KVM VM: /dev/kvm, the VM, its in-kernel interrupt
 * controllers and timer, and guest memory.
 *
 * Memory slots:
 *   0  0x00000 - 0x9FFFF    RAM (host: gm.ram + 0)
 *   1  0xA0000 - 0xFFFFF    read-only (KVM_MEM_READONLY): VGA window,
 *                           option ROMs with --rom at 0xC0000, BIOS area;
 *                           guest writes exit as MMIO and are dropped
 *   2  1 MiB   - end        RAM (host: gm.ram + 1 MiB) */
#include "hv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define VM_TSS_ADDR     0xfffbd000u     /* 3 pages KVM needs, above RAM */
#define VM_IDMAP_ADDR   0xfffbc000u

static int vm_fail(const char *what)
{
	fprintf(stderr, "hv: %s: %s\n", what, strerror(errno));
	return -1;
}

/* The features hv depends on, each named if missing. */
static int vm_check_kvm(int kvm)
{
	static const struct { int cap; const char *name; } need[] = {
		{ KVM_CAP_READONLY_MEM, "KVM_CAP_READONLY_MEM" },
		{ KVM_CAP_IRQCHIP, "KVM_CAP_IRQCHIP" },
		{ KVM_CAP_PIT2, "KVM_CAP_PIT2" },
		{ KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT" },
		{ KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID" },
	};

	if (ioctl(kvm, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		fprintf(stderr, "hv: /dev/kvm: API version is not %d\n",
			KVM_API_VERSION);
		return -1;
	}
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (ioctl(kvm, KVM_CHECK_EXTENSION, need[i].cap) <= 0) {
			fprintf(stderr, "hv: /dev/kvm lacks %s\n", need[i].name);
			return -1;
		}
	return 0;
}

static int vm_slot(struct hv *hv, unsigned slot, uint64_t gpa, uint64_t size,
		   void *host, unsigned flags)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot, .flags = flags, .guest_phys_addr = gpa,
		.memory_size = size, .userspace_addr = (uintptr_t)host,
	};
	return ioctl(hv->vm, KVM_SET_USER_MEMORY_REGION, &r);
}

/* Guest RAM is reserved, not committed (MAP_NORESERVE): only the pages
 * the loader and the guest touch cost host memory.  The read-only window
 * reads as 0xff (an empty ISA bus) except where a ROM lies.  Allocated
 * before KVM is touched, so a bad kernel or ROM is refused first. */
int vm__alloc(struct hv *hv)
{
	uint64_t size = hv->opt.mem, win = GMEM_HOLE_END - GMEM_HOLE_START;

	hv->gm.ram = mmap(NULL, size, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	hv->hole = mmap(NULL, win, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (hv->gm.ram == MAP_FAILED || hv->hole == MAP_FAILED) {
		hv->gm.ram = NULL;
		return vm_fail("guest memory");
	}
	hv->gm.size = size;
	memset(hv->hole, 0xff, win);
	return 0;
}

/* The slots listed at the top of this file. */
static int vm_memory(struct hv *hv)
{
	uint64_t size = hv->gm.size, win = GMEM_HOLE_END - GMEM_HOLE_START;

	if (vm_slot(hv, 0, 0, GMEM_HOLE_START, hv->gm.ram, 0) ||
	    vm_slot(hv, 1, GMEM_HOLE_START, win, hv->hole, KVM_MEM_READONLY) ||
	    vm_slot(hv, 2, GMEM_HOLE_END, size - GMEM_HOLE_END,
		    hv->gm.ram + GMEM_HOLE_END, 0))
		return vm_fail("KVM_SET_USER_MEMORY_REGION");
	return 0;
}

/* The 8259 pair, IOAPIC and local APIC in the kernel, and the in-kernel
 * 8254 PIT: the guest's timer ticks never come out to userspace.  With
 * KVM_PIT_SPEAKER_DUMMY KVM also answers port 0x61 (gate and output of
 * channel 2), which TSC calibration against the PIT polls. */
static int vm_irqchip(struct hv *hv)
{
	struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };
	uint64_t idmap = VM_IDMAP_ADDR;

	if (ioctl(hv->vm, KVM_SET_IDENTITY_MAP_ADDR, &idmap) < 0)
		return vm_fail("KVM_SET_IDENTITY_MAP_ADDR");
	if (ioctl(hv->vm, KVM_SET_TSS_ADDR, (unsigned long)VM_TSS_ADDR) < 0)
		return vm_fail("KVM_SET_TSS_ADDR");
	if (ioctl(hv->vm, KVM_CREATE_IRQCHIP, 0) < 0)
		return vm_fail("KVM_CREATE_IRQCHIP");
	if (ioctl(hv->vm, KVM_CREATE_PIT2, &pit) < 0)
		return vm_fail("KVM_CREATE_PIT2");
	return 0;
}

int vm__init(struct hv *hv)
{
	if (vm_check_kvm(hv->kvm))
		return -1;
	hv->vm = ioctl(hv->kvm, KVM_CREATE_VM, 0);
	if (hv->vm < 0)
		return vm_fail("KVM_CREATE_VM");
	/* Slots first: after KVM_CREATE_IRQCHIP the first slot costs ~6 ms
	 * here (an SRCU grace period), before it about 0.1 ms. */
	if (vm_memory(hv))
		return -1;
	return vm_irqchip(hv);
}
