# vmi-rom/vmi-rom.mk: the ROM ABI's host side -- the validator's unit tests,
# romtool, and $(call vmi_rom,...) which backends use to build ROM images.
#
# Backend fragments (backends/*/*.mk) are included before this one, so they
# start with "include vmi-rom/vmi-rom.mk"; the guard makes the second
# inclusion by the root Makefile a no-op.
ifndef VMI_ROM_MK
VMI_ROM_MK := 1

$(eval $(call unit_test,vmi_validate,tests/unit/test_vmi_validate.c vmi-rom/validate.c))

endif # VMI_ROM_MK
