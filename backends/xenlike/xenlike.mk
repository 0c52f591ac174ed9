# backends/xenlike/xenlike.mk: the Xen-like ROM, build/backends/xenlike.rom
# (hypercall page, shared-info page, event channels, batched mmu updates,
# pv clock), and its boot suites under hv (SPEC.md section 19.1).
include vmi-rom/vmi-rom.mk

$(eval $(call vmi_rom,xenlike,backends/xenlike/xenlike.c backends/xenlike/xl_entry.S,-Ibackends/xenlike))

# Boot suites: bound under its own host, refused elsewhere (vmi-rom.mk).
$(eval $(call backend_boot_suites,xenlike,vmwarelike))

# A test-only variant whose init fails after hv has adopted its pages
# (XL_TEST_INIT_FAILS_LATE): the kernel must stay native and keep them,
# hv writing them on every exit (kernel/tests/test_vmi.c).
$(eval $(call vmi_rom,xenlike-latefail,backends/xenlike/xenlike.c backends/xenlike/xl_entry.S,-Ibackends/xenlike -DXL_TEST_INIT_FAILS_LATE))
SUITES += boot-hv-xenlike-latefail
SUITE_boot-hv-xenlike-latefail := $(VMI_BOOT) --name boot-hv-xenlike-latefail \
	--hv-arg --backend --hv-arg xenlike \
	--option-rom $(BUILD)/backends/xenlike-latefail.rom hv $(BUILD)/kernel test expect=native
