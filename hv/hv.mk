# hv/hv.mk: the reference hypervisor build/hv/hv (and build/hv/hv-san
# with ASan+UBSan for the hostile-guest runs), its unit tests, the test
# guests in tests/hvguests/ and their suites.

HV_SRCS := hv/main.c hv/vm.c hv/vcpu.c hv/cpuid.c hv/mboot.c hv/loader.c \
           hv/gmem.c hv/hcall.c hv/devices.c hv/rtc.c hv/uart.c hv/stats.c \
           hv/timer.c hv/rom.c hv/backend.c hv/backend_vmwarelike.c \
           hv/vmwarelike_check.c hv/backend_xenlike.c hv/xenlike_check.c \
           hv/accel.c hv/pte_check.c
# ROM ABI 1.1: DEVICE_NOTIFY's host side (both backends' transports).
HV_SRCS += hv/notify.c
# Issue 14: a running guest moved onto another backend (ABI 1.3).
HV_SRCS += hv/rebind.c hv/rebind_check.c
HV_HDRS := $(wildcard hv/*.h) backends/vmwarelike/vmw_abi.h backends/xenlike/xl_abi.h
# Issue 12: the device bus, PCI and the virtio devices (hv/devices/).
HV_SRCS += hv/bus.c hv/end.c hv/irq.c hv/virtq.c hv/devices/pci.c \
           hv/devices/virtio_pci.c hv/devices/virtio_blk.c \
           hv/devices/virtio_console.c hv/devices/virtio_balloon.c
HV_HDRS += $(wildcard hv/devices/*.h)
# Issue 14: snapshots, live migration, the control socket (json-c).
HV_SRCS += hv/snap_format.c hv/snap_kvm.c hv/snapshot.c hv/control.c hv/migrate.c
HV_LIBS := -ljson-c

$(BUILD)/hv/hv: $(HV_SRCS) $(HV_HDRS)
	$(call say,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -o $@ $(HV_SRCS) -lm -lpthread $(HV_LIBS)

$(BUILD)/hv/hv-san: $(HV_SRCS) $(HV_HDRS)
	$(call say,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) $(SAN_FLAGS) -o $@ $(HV_SRCS) -lm -lpthread $(HV_LIBS)

ALL += $(BUILD)/hv/hv $(BUILD)/hv/hv-san

$(eval $(call unit_test,hv_loader,tests/unit/test_hv_loader.c hv/mboot.c hv/rom.c))
$(eval $(call unit_test,hv_gmem,tests/unit/test_hv_gmem.c hv/gmem.c))
$(eval $(call unit_test,hv_vmwarelike,tests/unit/test_hv_vmwarelike.c hv/vmwarelike_check.c hv/pte_check.c hv/gmem.c))
$(eval $(call unit_test,hv_xenlike,tests/unit/test_hv_xenlike.c hv/xenlike_check.c hv/pte_check.c hv/gmem.c))
# Issue 12: the ring walker, PCI config space and the virtio transport.
$(eval $(call unit_test,hv_virtq,tests/unit/test_hv_virtq.c hv/virtq.c hv/gmem.c))
$(BUILD)/tests/hv_virtq $(BUILD)/tests/hv_virtq-san: hv/virtq.h hv/gmem.h
$(eval $(call unit_test,hv_pci,tests/unit/test_hv_pci.c hv/bus.c hv/end.c hv/gmem.c hv/virtq.c hv/devices/pci.c hv/devices/virtio_pci.c hv/snap_format.c))
$(BUILD)/tests/hv_pci $(BUILD)/tests/hv_pci-san: $(HV_HDRS)
$(eval $(call unit_test,hv_notify,tests/unit/test_hv_notify.c hv/notify.c))
$(eval $(call unit_test,hv_pte,tests/unit/test_hv_pte.c hv/xenlike_check.c hv/vmwarelike_check.c hv/pte_check.c hv/gmem.c))

include tests/hvguests/hvguests.mk
# Issue 14: snapshots, migration and the control socket's tests.
include tests/snap/snap.mk

# make hv-run (what "make run" does): boot the kernel under hv with the
# RUN_BACKEND ROM (xenlike by default; vmwarelike, or none for native)
# and RUN_CMDLINE (default "test", the self-tests).
RUN_CMDLINE ?= test
RUN_BACKEND ?= xenlike
RUN_ROM = $(if $(filter none,$(RUN_BACKEND)),,--rom $(BUILD)/backends/$(RUN_BACKEND).rom)
.PHONY: hv-run
hv-run: $(BUILD)/hv/hv $(BUILD)/hv/kvm-run $(BUILD)/kernel $(if $(filter none,$(RUN_BACKEND)),,$(BUILD)/backends/$(RUN_BACKEND).rom)
	$(Q)$(BUILD)/hv/hv --timeout 120 --backend $(RUN_BACKEND) $(RUN_ROM) $(BUILD)/kernel -- \
		$(RUN_CMDLINE); st=$$?; \
	if [ $$st -eq 33 ]; then echo "hv: guest exited with status 33: all passed"; \
	else echo "hv: guest exited with status $$st (see hv/hv.md)"; exit 1; fi

# The whole kernel self-test boot under hv built with ASan and UBSan, for
# each backend: any sanitizer report aborts hv and fails the suite.
SUITES += hv-san-kernel-none hv-san-kernel-xenlike hv-san-kernel-vmwarelike
SUITE_hv-san-kernel-none := BOOT_HV=$(BUILD)/hv/hv-san tests/boot/boot-qemu.sh \
	--name hv-san-kernel-none hv $(BUILD)/kernel test expect=native
SUITE_hv-san-kernel-xenlike := BOOT_HV=$(BUILD)/hv/hv-san tests/boot/boot-qemu.sh \
	--name hv-san-kernel-xenlike --hv-arg --backend --hv-arg xenlike \
	--option-rom $(BUILD)/backends/xenlike.rom hv $(BUILD)/kernel test expect=xenlike
SUITE_hv-san-kernel-vmwarelike := BOOT_HV=$(BUILD)/hv/hv-san tests/boot/boot-qemu.sh \
	--name hv-san-kernel-vmwarelike --hv-arg --backend --hv-arg vmwarelike \
	--option-rom $(BUILD)/backends/vmwarelike.rom hv $(BUILD)/kernel test expect=vmwarelike
