# kernel.mk: the guest kernel, in two builds of the same sources:
#
#   build/kernel        the bootable Multiboot image (paravirtualized:
#                       call sites patched at boot)
#   build/kernel.elf    the same, as linked (ELF64, for objdump and gdb)
#   build/kernel.sym    its symbol map; build/kernel.lst its disassembly
#   build/kernel-nopv*  the never-paravirtualized baseline (CONFIG_PV_NONE)
#
# The boot image is the linked kernel as one flat block wrapped in an
# ELF32 file, with Multiboot address fields, so QEMU (which refuses
# ELF64), GRUB, hv and any Multiboot v1 loader take it.

NEWLIB       := $(BUILD)/newlib/x86_64-elf
NEWLIB_STAMP := $(BUILD)/newlib/.done
SYSINC       := $(BUILD)/sysinc

KERNEL_CFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-pic -fno-pie \
	-mcmodel=kernel -mno-red-zone -mno-sse -mno-mmx -mno-sse2 -mno-avx \
	-fno-stack-protector -fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
	-fcf-protection=none -fno-toplevel-reorder -Wall -Wextra -Werror -Wno-unused-parameter \
	-nostdinc -isystem $(NEWLIB)/include -isystem $(SYSINC) \
	-isystem $(shell $(CC) -print-file-name=include) \
	-Ikernel/include -Inative/include -Ipvops/include -Ivmi-rom/include -Ivmi-rom \
	-Ikernel/twin
KERNEL_ASFLAGS := -Ikernel/include -Inative/include -isystem $(SYSINC) \
	-Wa,-I,$(BUILD)/user -Wa,--noexecstack

# Sources of both builds.
KERNEL_SRCS := $(wildcard kernel/*.c kernel/*.S kernel/boot/*.S kernel/tests/*.c kernel/tests/*.S kernel/bench/*.c) \
	kernel/user/progs.S native/uart.c native/time.c native/power.c
# guest-drivers/ (guest-drivers/guest-drivers.mk) in both builds.
KERNEL_SRCS += $(GD_KERNEL_SRCS)
KERNEL_CFLAGS += -Iguest-drivers/include

# Only the paravirtualized build has op tables, a patcher and ROM support.
KERNEL_PV_SRCS = native/native.c native/thunks.S pvops/apply.c vmi-rom/guest.c \
	vmi-rom/validate.c kernel/twin/twin_pv.c native/twin_native.c $(KERNEL_PV_EXTRA)

USER_PROGS := hello fault pingpong disk
USER_BINS  := $(patsubst %,$(BUILD)/user/%.bin,$(USER_PROGS))
USER_CFLAGS := -std=gnu11 -O2 -ffreestanding -fno-pic -fno-pie -mno-red-zone \
	-fno-stack-protector -fcf-protection=none -nostdlib -Wall -Wextra -Werror \
	-Wa,--noexecstack
.SECONDARY: $(USER_BINS)

$(BUILD)/user/%.bin: kernel/user/%.c kernel/user/crt0.S kernel/user/ulib.h kernel/user/user.ld kernel/include/syscalls.h kernel/include/disk_pattern.h
	$(call say,USER,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(USER_CFLAGS) -static -Wl,-T,kernel/user/user.ld -Wl,--build-id=none \
		-o $(@:.bin=.elf) kernel/user/crt0.S $<
	$(Q)objcopy -O binary $(@:.bin=.elf) $@

$(SYSINC)/multiboot/multiboot.h: /usr/include/multiboot/multiboot.h
	$(Q)mkdir -p $(dir $@)
	$(Q)cp $< $@

KERNEL_DEPS_ALL := $(NEWLIB_STAMP) $(SYSINC)/multiboot/multiboot.h

$(NEWLIB_STAMP):
	$(Q)scripts/build-newlib.sh

# $(call kernel_variant,NAME,EXTRA_CFLAGS,EXTRA_SRCS_VAR)
define kernel_variant
$(1)_OBJS = $$(patsubst %,$(BUILD)/obj/$(1)/%.o,$$(KERNEL_SRCS) $$($(3)))

$(BUILD)/obj/$(1)/%.c.o: %.c $$(KERNEL_DEPS_ALL)
	$$(call say,CC,$$@)
	$$(Q)mkdir -p $$(dir $$@)
	$$(Q)$$(CC) $$(KERNEL_CFLAGS) $(2) -MMD -MP -c -o $$@ $$<

$(BUILD)/obj/$(1)/%.S.o: %.S $$(KERNEL_DEPS_ALL) $$(USER_BINS)
	$$(call say,AS,$$@)
	$$(Q)mkdir -p $$(dir $$@)
	$$(Q)$$(CC) $$(KERNEL_ASFLAGS) $(2) -D__ASSEMBLER__ -MMD -MP -c -o $$@ $$<

$(BUILD)/$(1).elf: $$$$($(1)_OBJS) kernel/kernel.ld
	$$(call say,LD,$$@)
	$$(Q)ld -nostdlib -z noexecstack -z max-page-size=4096 -T kernel/kernel.ld \
		-Map=$(BUILD)/$(1).map -o $$@ $$($(1)_OBJS) \
		--start-group $(NEWLIB)/lib/libc.a --end-group
	$$(Q)nm -n $$@ > $(BUILD)/$(1).sym
	$$(Q)objdump -d --no-show-raw-insn $$@ > $(BUILD)/$(1).lst

$(BUILD)/$(1): $(BUILD)/$(1).elf kernel/wrap.ld kernel/mkimage.sh
	$$(call say,IMAGE,$$@)
	$$(Q)kernel/mkimage.sh $$< $$@

-include $$(patsubst %.o,%.d,$$(filter %.o,$$($(1)_OBJS)))
ALL += $(BUILD)/$(1)
endef

.SECONDEXPANSION:
$(eval $(call kernel_variant,kernel,,KERNEL_PV_SRCS))
$(eval $(call kernel_variant,kernel-nopv,-DCONFIG_PV_NONE,NO_EXTRA_SRCS))

# Host unit tests of the kernel's pure code.
$(eval $(call unit_test,cmdline,tests/unit/test_cmdline.c kernel/cmdline.c,-Ikernel/include))
$(eval $(call unit_test,memmap,tests/unit/test_memmap.c kernel/memmap.c,-Ikernel/include))
$(eval $(call unit_test,pgtable,tests/unit/test_pgtable.c,-Ikernel/include))

# Boot suites for the modes of the one image (the environments are the
# matrix, tests/matrix.sh): nopatch and never-paravirtualized under QEMU
# TCG and KVM, the ROM path left indirect, and the deliberate panic.
# expect= makes the kernel check which backend it bound.
BOOT := tests/boot/boot-qemu.sh
TROM := $(BUILD)/backends/testrom.rom
SUITES += boot-tcg-nopatch boot-tcg-nopv boot-kvm-nopatch boot-kvm-nopv \
	boot-tcg-testrom-nopatch boot-panic
SUITE_boot-tcg-nopatch  := $(BOOT) --name boot-tcg-nopatch tcg $(BUILD)/kernel test pvops=nopatch expect=native
SUITE_boot-tcg-nopv     := $(BOOT) --name boot-tcg-nopv tcg $(BUILD)/kernel-nopv test expect=never-paravirtualized
SUITE_boot-kvm-nopatch  := $(BOOT) --name boot-kvm-nopatch kvm $(BUILD)/kernel test pvops=nopatch expect=native
SUITE_boot-kvm-nopv     := $(BOOT) --name boot-kvm-nopv kvm $(BUILD)/kernel-nopv test expect=never-paravirtualized
SUITE_boot-tcg-testrom-nopatch := $(BOOT) --name boot-tcg-testrom-nopatch --option-rom $(TROM) tcg $(BUILD)/kernel test pvops=nopatch expect=testrom
SUITE_boot-panic        := $(BOOT) --name boot-panic --expect-panic tcg $(BUILD)/kernel test=trap.panic
# A loader that gives no memory map: the kernel falls back to mem_upper.
SUITES += boot-hv-no-mmap
SUITE_boot-hv-no-mmap   := $(BOOT) --name boot-hv-no-mmap --hv-arg --no-mmap hv $(BUILD)/kernel test=mm

# The pvops layer and the ROM ABI agree on numbers and conventions.
$(eval $(call unit_test,abi_compat,tests/unit/test_abi_compat.c pvops/opinfo.c $(VMI_VALIDATE_SRC),-Ivmi-rom))

# The disassembly of the paravirtualized kernel holds no raw privileged,
# sensitive or port-I/O instruction outside the files that own them
# (allowed by their address ranges in the map), and no SSE.
SUITES += kernel-scan
SUITE_kernel-scan := tests/kernel/scan-insns.sh $(BUILD)/kernel.elf $(BUILD)/obj/kernel $(BUILD)/kernel.map
# A CPU without long mode: the stub's whole message, then status 37.
SUITES += boot-tcg-32bit
SUITE_boot-tcg-32bit := tests/boot/boot-32bit.sh $(BUILD)/kernel

# The virtio console and balloon under QEMU's own devices (issue 12):
# tests/boot/virtio-qemu.sh plays the host (console input, QMP balloon)
# and checks on the host that the output reached the port's chardev.
# virtio= says the devices are there: the in-guest suites fail rather
# than skip if the driver did not bind.  KVM rows skip with the reason
# where there is no /dev/kvm.
VQEMU := tests/boot/virtio-qemu.sh
SUITES += virtio-console-tcg virtio-console-tcg-nopv virtio-balloon-tcg \
	virtio-console-kvm virtio-balloon-kvm
SUITE_virtio-console-tcg      := $(VQEMU) --name virtio-console-tcg --console tcg $(BUILD)/kernel test=virtio-console virtio=console expect=native
SUITE_virtio-console-tcg-nopv := $(VQEMU) --name virtio-console-tcg-nopv --console --modern-only tcg $(BUILD)/kernel-nopv test=virtio-console virtio=console expect=never-paravirtualized
SUITE_virtio-balloon-tcg      := $(VQEMU) --name virtio-balloon-tcg --balloon tcg $(BUILD)/kernel test=virtio-balloon virtio=balloon
SUITE_virtio-console-kvm      := $(VQEMU) --name virtio-console-kvm --console kvm $(BUILD)/kernel test=virtio-console virtio=console
SUITE_virtio-balloon-kvm      := $(VQEMU) --name virtio-balloon-kvm --balloon --modern-only kvm $(BUILD)/kernel test=virtio-balloon virtio=balloon
# both devices at once, modern-only (disable-legacy=on), two INTx lines
SUITES += virtio-both-tcg-modern
SUITE_virtio-both-tcg-modern  := $(VQEMU) --name virtio-both-tcg-modern --console --balloon --modern-only tcg $(BUILD)/kernel test=virtio virtio=console,balloon

# The same drivers against hv's own console and balloon devices, no ROM
# and each backend (tests/boot/virtio-hv.sh feeds the balloon's target).
VHV := tests/boot/virtio-hv.sh
SUITES += virtio-hv-none virtio-hv-xenlike virtio-hv-vmwarelike
SUITE_virtio-hv-none       := $(VHV) --name virtio-hv-none $(BUILD)/kernel
SUITE_virtio-hv-xenlike    := $(VHV) --name virtio-hv-xenlike --backend xenlike $(BUILD)/kernel
SUITE_virtio-hv-vmwarelike := $(VHV) --name virtio-hv-vmwarelike --backend vmwarelike $(BUILD)/kernel
