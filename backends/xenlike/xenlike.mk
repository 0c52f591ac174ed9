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

# ABI 1.2 inline answers (SPEC.md 9.1, 19.1): the irq sites take the
# ROM's bytes (the 6-byte fixtures of kernel/tests/clobber_sites.S and
# clobber_regs.S are too short: they get the CALL, as do restore_fl sites
# whose operand is in rax, which the answer's `outb %al` uses), the
# self-tests pass, and with rominline=off every irq site calls.
SUITES += boot-hv-xenlike-inline
SUITE_boot-hv-xenlike-inline := @timeout=600 tests/boot/rom-inline.sh \
	--expect irq_disable=rom+2 --expect irq_enable=rom+1 --expect save_fl=rom+2 \
	--expect restore_fl=rom+2+opreg:0 boot-hv-xenlike-inline \
	--hv-arg --backend --hv-arg xenlike --option-rom $(BUILD)/backends/xenlike.rom \
	hv $(BUILD)/kernel test expect=xenlike
