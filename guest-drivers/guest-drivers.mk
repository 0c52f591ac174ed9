# guest-drivers/guest-drivers.mk: the paravirtual drivers over virtio.
#
# Kernel-agnostic like pvops/: the kernel build takes GD_KERNEL_SRCS
# (kernel/kernel.mk) and implements gd/env.h (kernel/gd_env.c).  The
# ring logic is also built for the host, against a fake device.

GD_KERNEL_SRCS := guest-drivers/virtq.c guest-drivers/virtio.c guest-drivers/virtio_pci.c \
	guest-drivers/virtio_blk.c
# The console and the balloon (their kernel side: kernel/virtio_hooks.c).
GD_KERNEL_SRCS += guest-drivers/virtio_console.c guest-drivers/virtio_balloon.c
GD_HDRS := $(wildcard guest-drivers/include/gd/*.h guest-drivers/*.h)

$(eval $(call unit_test,virtq,tests/unit/test_virtq.c guest-drivers/virtq.c,-Iguest-drivers/include -Iguest-drivers))
$(BUILD)/tests/virtq $(BUILD)/tests/virtq-san: $(GD_HDRS)
