# tests/snap/snap.mk: the tests of issue 14 (included from hv/hv.mk):
# the snapshot parser's unit test, the control-socket client the
# scripts use, the memory-writing guest, and the suites.

$(BUILD)/tests/qmpc: tests/snap/qmpc.c
	$(call say,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -o $@ $<
ALL += $(BUILD)/tests/qmpc

$(BUILD)/tests/snapmk: tests/snap/snapmk.c tests/snap/snap_sample.h hv/snap_format.c hv/snapshot.h
	$(call say,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -o $@ tests/snap/snapmk.c hv/snap_format.c
ALL += $(BUILD)/tests/snapmk

$(eval $(call unit_test,hv_snapshot,tests/unit/test_hv_snapshot.c hv/snap_format.c))
$(BUILD)/tests/hv_snapshot $(BUILD)/tests/hv_snapshot-san: hv/snapshot.h hv/gmem.h

SNAP_DEPS := $(BUILD)/hv/hv $(BUILD)/hv/hv-san $(BUILD)/tests/qmpc $(BUILD)/kernel
SUITES += snap-restore
SUITE_snap-restore := @timeout=300 tests/snap/run.sh restore $(BUILD)/hv/hv
SUITES += snap-badfile-san snap-control snap-migrate snap-vstate
SUITE_snap-vstate := @timeout=400 tests/snap/run.sh vstate $(BUILD)/hv/hv
SUITE_snap-migrate := @timeout=300 tests/snap/run.sh migrate $(BUILD)/hv/hv
SUITE_snap-control := tests/snap/run.sh control $(BUILD)/hv/hv
SUITE_snap-badfile-san := tests/snap/run.sh badfile $(BUILD)/hv/hv-san
# Across backends (tests/snap/xmove.sh): restore and live migration
# onto another backend, the guest re-bound on arrival.
SUITES += snap-xrestore snap-xmigrate
SUITE_snap-xrestore := @timeout=300 tests/snap/run.sh xrestore $(BUILD)/hv/hv
SUITE_snap-xmigrate := @timeout=300 tests/snap/run.sh xmigrate $(BUILD)/hv/hv

# The memory-writing guest (tests/snap/writer/), on the mini guest's
# entry and link script.
SNAPW_OUT := $(BUILD)/snap/writer
$(SNAPW_OUT)/boot.o: tests/hvguests/mini/boot.S
	$(call say,AS32,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HVG_CC) $(HVG_CFLAGS) -c -o $@ $<
$(SNAPW_OUT)/writer.o: tests/snap/writer/writer.c
	$(call say,CC32,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HVG_CC) $(HVG_CFLAGS) -c -o $@ $<
$(SNAPW_OUT)/writer.elf: $(SNAPW_OUT)/boot.o $(SNAPW_OUT)/writer.o tests/hvguests/mini/link.ld
	$(call say,LD32,$@)
	$(Q)$(HVG_LD) -T tests/hvguests/mini/link.ld -o $@ $(filter %.o,$^)
ALL += $(SNAPW_OUT)/writer.elf
