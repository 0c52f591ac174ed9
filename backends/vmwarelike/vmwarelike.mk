# backends/vmwarelike/vmwarelike.mk: the VMware-like ROM,
# build/backends/vmwarelike.rom (backdoor port transport, native interrupts,
# deferred-mode queue, CPUID table), and its boot suites under hv.  The host
# side is hv/backend_vmwarelike.c (built by hv/hv.mk).
include vmi-rom/vmi-rom.mk

$(eval $(call vmi_rom,vmwarelike,backends/vmwarelike/vmwarelike.c backends/vmwarelike/vmw_rom.S))

# Boot suites: bound under its own host, refused elsewhere (vmi-rom.mk).
$(eval $(call backend_boot_suites,vmwarelike,xenlike))
