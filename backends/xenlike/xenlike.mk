# backends/xenlike/xenlike.mk: the Xen-like ROM, build/backends/xenlike.rom
# (hypercall page, shared-info page, event channels, batched mmu updates,
# pv clock), and its boot suites under hv (SPEC.md section 19.1).
include vmi-rom/vmi-rom.mk

$(eval $(call vmi_rom,xenlike,backends/xenlike/xenlike.c backends/xenlike/xl_entry.S,-Ibackends/xenlike))

# Boot suites: bound under its own host, refused elsewhere (vmi-rom.mk).
$(eval $(call backend_boot_suites,xenlike,vmwarelike))
