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
SUITES += snap-badfile-san snap-control
SUITE_snap-control := tests/snap/run.sh control $(BUILD)/hv/hv
SUITE_snap-badfile-san := tests/snap/run.sh badfile $(BUILD)/hv/hv-san
