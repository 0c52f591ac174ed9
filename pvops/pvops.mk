# pvops/pvops.mk: the pvops layer's kernel sources, host tools and tests.
#
# The pure core (patcher, op table, report, native templates) goes into
# the paravirtualized kernel build only (KERNEL_PV_EXTRA: the
# never-paravirtualized baseline has no patcher) and into host programs
# as is; the kernel build needs -Ipvops/include -Inative/include.

PVOPS_CORE   := pvops/patch.c pvops/opinfo.c pvops/report.c native/templates.c \
		pvops/sitereg.c native/encode.c pvops/inline.c
PVOPS_HDRS   := $(wildcard pvops/include/pvops/*.h native/include/native/templates.h) \
		pvops/elfsites.h
PVOPS_HOST_CFLAGS := -Inative/include -Ipvops

KERNEL_PV_EXTRA += $(PVOPS_CORE)

# build/pvops/pvreport: the patch report of a kernel ELF, without booting.
$(BUILD)/pvops/pvreport: pvops/pvreport.c pvops/elfsites.c $(PVOPS_CORE) $(PVOPS_HDRS)
	$(call say,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) $(PVOPS_HOST_CFLAGS) -o $@ \
		pvops/pvreport.c pvops/elfsites.c $(PVOPS_CORE)

# build/pvops/nopdump: writes pv_nop_fill() output, for the objdump check.
$(BUILD)/pvops/nopdump: tests/pvops/nopdump.c $(PVOPS_CORE) $(PVOPS_HDRS)
	$(call say,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) $(PVOPS_HOST_CFLAGS) -o $@ tests/pvops/nopdump.c $(PVOPS_CORE)

ALL += $(BUILD)/pvops/pvreport $(BUILD)/pvops/nopdump

$(eval $(call unit_test,patch,tests/unit/test_patch.c tests/unit/native_insns.S tests/unit/native_regs.S pvops/apply.c $(PVOPS_CORE),$(PVOPS_HOST_CFLAGS)))
$(eval $(call unit_test,report,tests/unit/test_report.c pvops/elfsites.c $(PVOPS_CORE),$(PVOPS_HOST_CFLAGS)))
# The boot-time pass: the int3-guarded writes, the trampoline, the check.
$(eval $(call unit_test,apply,tests/unit/test_apply.c pvops/apply.c $(PVOPS_CORE),$(PVOPS_HOST_CFLAGS)))
# ROM ABI 1.2: an inline answer at a site (renaming through a wrapped
# pv_site_reg), and PV_INLINE through the patcher.
PV_WRAP_SITE_REG := -Wl,--wrap=pv_site_reg
$(eval $(call unit_test,pv_inline,tests/unit/test_pv_inline.c $(PVOPS_CORE),$(PVOPS_HOST_CFLAGS) $(PV_WRAP_SITE_REG)))
$(BUILD)/tests/patch $(BUILD)/tests/patch-san $(BUILD)/tests/report $(BUILD)/tests/report-san: $(PVOPS_HDRS)

# Script suites: NOP padding decoded by objdump; pvreport on a linked ELF.
SUITES += pvops-nops pvops-pvreport
SUITE_pvops-nops := tests/pvops/nops-objdump.sh $(BUILD)/pvops/nopdump
SUITE_pvops-pvreport := tests/pvops/pvreport-elf.sh $(BUILD)/pvops/pvreport

# The kernel's objects of the core: kernel.mk reads its variants' .d files
# when it is included, before this fragment adds the core to the kernel's
# sources, so a changed header (ops.h) would not rebuild them.
-include $(patsubst %,$(BUILD)/obj/kernel/%.d,$(PVOPS_CORE))

# Issue 14 (ABI 1.3 re-binding): sites back to their unpatched form, so a
# kernel whose ROM changed patches again (pvops/repatch.c).
KERNEL_PV_EXTRA += pvops/repatch.c
$(eval $(call unit_test,repatch,tests/unit/test_repatch.c pvops/repatch.c pvops/apply.c $(PVOPS_CORE),$(PVOPS_HOST_CFLAGS)))
