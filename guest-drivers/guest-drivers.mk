# guest-drivers/guest-drivers.mk: the paravirtual drivers over virtio.
#
# Kernel-agnostic like pvops/: the kernel build takes GD_KERNEL_SRCS
# (kernel/kernel.mk) and implements gd/env.h (kernel/gd_env.c).  The
# ring logic is also built for the host, against a fake device.

GD_KERNEL_SRCS := guest-drivers/virtq.c guest-drivers/virtio.c guest-drivers/virtio_pci.c \
	guest-drivers/virtio_blk.c
# The console and the balloon (their kernel side: kernel/virtio_hooks.c).
GD_KERNEL_SRCS += guest-drivers/virtio_console.c guest-drivers/virtio_balloon.c
# ... and their logic on the host, against a fake core and device.
$(eval $(call unit_test,virtio_console,tests/unit/test_virtio_console.c tests/unit/fake_virtio.c guest-drivers/virtio_console.c,-Iguest-drivers/include -Itests/unit))
$(eval $(call unit_test,virtio_balloon,tests/unit/test_virtio_balloon.c tests/unit/fake_virtio.c guest-drivers/virtio_balloon.c,-Iguest-drivers/include -Itests/unit))
$(BUILD)/tests/virtio_console $(BUILD)/tests/virtio_console-san $(BUILD)/tests/virtio_balloon \
	$(BUILD)/tests/virtio_balloon-san: $(GD_HDRS) tests/unit/fake_virtio.h
GD_HDRS := $(wildcard guest-drivers/include/gd/*.h guest-drivers/*.h)

$(eval $(call unit_test,virtq,tests/unit/test_virtq.c guest-drivers/virtq.c,-Iguest-drivers/include -Iguest-drivers))
$(BUILD)/tests/virtq $(BUILD)/tests/virtq-san: $(GD_HDRS)

# The host's half of the virtio-blk boot suites: makes the image, then
# recomputes every sector of it after the run.
$(BUILD)/tests/disk-check: tests/virtio/disk-check.c kernel/include/disk_pattern.h
	$(call say,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -Ikernel/include -o $@ tests/virtio/disk-check.c
ALL += $(BUILD)/tests/disk-check

# The kernel image, unmodified, drives QEMU's own virtio-blk-pci:
# modern-only and transitional devices, a read-only drive, the pvops
# sites left as indirect calls, the test ROM bound, and under QEMU KVM
# (skipped with the reason where there is none).  virtio=blk makes the
# guest fail, not skip, when its driver did not bind.
VBLK := tests/boot/virtio-blk.sh
SUITES += vblk-tcg-modern vblk-tcg-transitional vblk-tcg-ro vblk-tcg-nopatch \
	vblk-tcg-testrom vblk-kvm-modern
SUITE_vblk-tcg-modern       := $(VBLK) --name vblk-tcg-modern tcg $(BUILD)/kernel test=virtio-blk virtio=blk
SUITE_vblk-tcg-transitional := $(VBLK) --name vblk-tcg-transitional --transitional tcg $(BUILD)/kernel test=virtio-blk virtio=blk
SUITE_vblk-tcg-ro           := $(VBLK) --name vblk-tcg-ro --ro tcg $(BUILD)/kernel test=virtio-blk virtio=blk,ro
SUITE_vblk-tcg-nopatch      := $(VBLK) --name vblk-tcg-nopatch tcg $(BUILD)/kernel test=virtio-blk virtio=blk pvops=nopatch expect=native
SUITE_vblk-tcg-testrom      := $(VBLK) --name vblk-tcg-testrom --option-rom $(BUILD)/backends/testrom.rom tcg $(BUILD)/kernel test=virtio-blk virtio=blk expect=testrom
SUITE_vblk-kvm-modern       := $(VBLK) --name vblk-kvm-modern kvm $(BUILD)/kernel test=virtio-blk virtio=blk
# The host grows the disk through QEMU's monitor while the guest waits:
# a configuration-change interrupt, the new capacity taken.
SUITES += vblk-tcg-resize vblk-tcg-nopv
SUITE_vblk-tcg-resize       := $(VBLK) --name vblk-tcg-resize --resize tcg $(BUILD)/kernel test=virtio-blk virtio=blk,resize
# The never-paravirtualized build drives the same device.
SUITE_vblk-tcg-nopv         := $(VBLK) --name vblk-tcg-nopv tcg $(BUILD)/kernel-nopv test=virtio-blk virtio=blk

# The same kernel driving hv's own virtio-blk (--disk), with no ROM and
# with each backend's ROM (the notify then goes through DEVICE_NOTIFY).
# Under xenlike hv holds a device's line back while the guest's virtual
# interrupt flag is clear (hv/backend_xenlike.c, xl_irq_gate).
SUITES += vblk-hv-none vblk-hv-ro vblk-hv-vmwarelike vblk-hv-xenlike
SUITE_vblk-hv-none       := $(VBLK) --name vblk-hv-none hv $(BUILD)/kernel test=virtio-blk virtio=blk expect=native
SUITE_vblk-hv-ro         := $(VBLK) --name vblk-hv-ro --ro hv $(BUILD)/kernel test=virtio-blk virtio=blk,ro expect=native
SUITE_vblk-hv-xenlike    := $(VBLK) --name vblk-hv-xenlike --hv-arg --backend --hv-arg xenlike --option-rom $(BUILD)/backends/xenlike.rom hv $(BUILD)/kernel test=virtio-blk virtio=blk expect=xenlike
SUITE_vblk-hv-vmwarelike := $(VBLK) --name vblk-hv-vmwarelike --hv-arg --backend --hv-arg vmwarelike --option-rom $(BUILD)/backends/vmwarelike.rom hv $(BUILD)/kernel test=virtio-blk virtio=blk expect=vmwarelike
