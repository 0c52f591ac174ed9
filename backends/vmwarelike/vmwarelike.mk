# backends/vmwarelike/vmwarelike.mk: the VMware-like ROM,
# build/backends/vmwarelike.rom (backdoor port transport, native interrupts,
# deferred-mode queue, CPUID table), and its boot suites under hv.  The host
# side is hv/backend_vmwarelike.c (built by hv/hv.mk).
include vmi-rom/vmi-rom.mk

VMWARELIKE_ROM := $(BUILD)/backends/vmwarelike.rom
$(eval $(call vmi_rom,vmwarelike,backends/vmwarelike/vmwarelike.c backends/vmwarelike/vmw_rom.S))

# Boot suites ("=": the image and hv variables come from later fragments).
# Its own host, the ROM bound (patched, and left as indirect calls);
# under hv without a backend, under the Xen-like host and under QEMU
# (whose vmport answers the backdoor as another product) the ROM must
# refuse and the kernel stay native, saying why (fallback.sh).
VMW_BOOT = tests/boot/boot-qemu.sh
VMW_FALLBACK = backends/vmwarelike/fallback.sh
VMW_HV = --hv-arg --backend --hv-arg
SUITES += boot-hv-vmwarelike boot-hv-vmwarelike-nopatch \
	boot-hv-none-vmwarelike-rom boot-hv-xenlike-vmwarelike-rom \
	boot-tcg-vmwarelike-rom
SUITE_boot-hv-vmwarelike = $(VMW_BOOT) --name boot-hv-vmwarelike \
	$(VMW_HV) vmwarelike --option-rom $(VMWARELIKE_ROM) hv $(BUILD)/kernel \
	test expect=vmwarelike
SUITE_boot-hv-vmwarelike-nopatch = $(VMW_BOOT) --name boot-hv-vmwarelike-nopatch \
	$(VMW_HV) vmwarelike --option-rom $(VMWARELIKE_ROM) hv $(BUILD)/kernel \
	test pvops=nopatch expect=vmwarelike
SUITE_boot-hv-none-vmwarelike-rom = $(VMW_FALLBACK) boot-hv-none-vmwarelike-rom \
	--option-rom $(VMWARELIKE_ROM) hv $(BUILD)/kernel test expect=native
SUITE_boot-hv-xenlike-vmwarelike-rom = $(VMW_FALLBACK) boot-hv-xenlike-vmwarelike-rom \
	$(VMW_HV) xenlike --option-rom $(VMWARELIKE_ROM) hv $(BUILD)/kernel \
	test expect=native
SUITE_boot-tcg-vmwarelike-rom = $(VMW_FALLBACK) boot-tcg-vmwarelike-rom \
	--option-rom $(VMWARELIKE_ROM) tcg $(BUILD)/kernel test expect=native
