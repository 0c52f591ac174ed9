# backends/vmwarelike/vmwarelike.mk: the VMware-like ROM,
# build/backends/vmwarelike.rom (backdoor port transport, native interrupts,
# deferred-mode queue, CPUID table), and its boot suites under hv.  The host
# side is hv/backend_vmwarelike.c (built by hv/hv.mk).
include vmi-rom/vmi-rom.mk

VMWARELIKE_ROM := $(BUILD)/backends/vmwarelike.rom
$(eval $(call vmi_rom,vmwarelike,backends/vmwarelike/vmwarelike.c backends/vmwarelike/vmw_rom.S))
