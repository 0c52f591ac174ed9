# backends/xenlike/xenlike.mk: the Xen-like ROM, build/backends/xenlike.rom
# (hypercall page, shared-info page, event channels, batched mmu updates,
# pv clock), and its boot suites under hv (SPEC.md section 19.1).
include vmi-rom/vmi-rom.mk

XENLIKE_ROM := $(BUILD)/backends/xenlike.rom
$(eval $(call vmi_rom,xenlike,backends/xenlike/xenlike.c backends/xenlike/xl_entry.S,-Ibackends/xenlike))

# Boot suites ("=": the image and hv variables come from later fragments).
# Its own host with the ROM bound (patched, and left as indirect calls);
# under hv without a backend, under the VMware-like host and under QEMU
# TCG the ROM must refuse its init and the kernel stay native, saying why
# (the fallback script is backend-neutral).
XL_BOOT = tests/boot/boot-qemu.sh
XL_FALLBACK = backends/vmwarelike/fallback.sh
XL_HV = --hv-arg --backend --hv-arg
SUITES += boot-hv-xenlike boot-hv-xenlike-nopatch boot-hv-none-xenlike-rom \
	boot-hv-vmwarelike-xenlike-rom boot-tcg-xenlike-rom
SUITE_boot-hv-xenlike = $(XL_BOOT) --name boot-hv-xenlike \
	$(XL_HV) xenlike --option-rom $(XENLIKE_ROM) hv $(BUILD)/kernel \
	test expect=xenlike
SUITE_boot-hv-xenlike-nopatch = $(XL_BOOT) --name boot-hv-xenlike-nopatch \
	$(XL_HV) xenlike --option-rom $(XENLIKE_ROM) hv $(BUILD)/kernel \
	test pvops=nopatch expect=xenlike
SUITE_boot-hv-none-xenlike-rom = $(XL_FALLBACK) boot-hv-none-xenlike-rom \
	--option-rom $(XENLIKE_ROM) hv $(BUILD)/kernel test expect=native
SUITE_boot-hv-vmwarelike-xenlike-rom = $(XL_FALLBACK) boot-hv-vmwarelike-xenlike-rom \
	$(XL_HV) vmwarelike --option-rom $(XENLIKE_ROM) hv $(BUILD)/kernel \
	test expect=native
SUITE_boot-tcg-xenlike-rom = $(XL_FALLBACK) boot-tcg-xenlike-rom \
	--option-rom $(XENLIKE_ROM) tcg $(BUILD)/kernel test expect=native
