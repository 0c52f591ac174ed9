# vmi-rom/vmi-rom.mk: the ROM ABI's host side -- romtool, the validator's
# unit tests, the romtool suite, and $(call vmi_rom,...) with which every
# backend builds its ROM image.
#
# Backend fragments (backends/*/*.mk) sort before this file, so they start
# with "include vmi-rom/vmi-rom.mk"; the guard makes the root Makefile's
# own inclusion of it a no-op.
ifndef VMI_ROM_MK
VMI_ROM_MK := 1

ROMTOOL     := $(BUILD)/vmi-rom/romtool
# The validator with its 1.2 inline-answer check (inline.c, inline_decode.c):
# link these three wherever validate.c goes.
VMI_VALIDATE_SRC := vmi-rom/validate.c vmi-rom/inline.c vmi-rom/inline_decode.c
KERNEL_PV_EXTRA += vmi-rom/inline.c vmi-rom/inline_decode.c
ROMTOOL_SRC := vmi-rom/romtool.c vmi-rom/romtool_image.c vmi-rom/romtool_build.c \
               $(VMI_VALIDATE_SRC)
VMI_ROM_CC  ?= $(HOSTCC)
VMI_ROM_LD  ?= ld
VMI_ROMS    :=

# ROM code: 64-bit, position-independent, freestanding; no SSE, no red
# zone, ENDBR64 at every entry, no GOT (hidden visibility), no calls to
# memset/memcpy that gcc might invent, no unwind tables.
VMI_ROM_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -m64 -fPIE \
	-ffreestanding -fno-builtin -nostdlib -mno-red-zone -mgeneral-regs-only \
	-fno-stack-protector -fcf-protection=branch -fvisibility=hidden \
	-fno-common -fno-asynchronous-unwind-tables -fno-unwind-tables \
	-fno-jump-tables -fno-tree-loop-distribute-patterns -Ivmi-rom/include

$(ROMTOOL): $(ROMTOOL_SRC) vmi-rom/romtool.h vmi-rom/validate.h vmi-rom/inline.h vmi-rom/include/vmi_abi.h
	$(call say,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -o $@ $(ROMTOOL_SRC)
ALL += $(ROMTOOL)

# $(call vmi_rom_obj,NAME,SRC): where one ROM source's object goes.
vmi_rom_obj = $(BUILD)/backends/$(1)/$(basename $(notdir $(2))).o

# $(call vmi_rom_src,NAME,SRC,EXTRA_CFLAGS): compile one ROM source.
define vmi_rom_src
$(call vmi_rom_obj,$(1),$(2)): $(2) $$(wildcard vmi-rom/include/*.h $(dir $(2))*.h)
	$$(call say,ROMCC,$$@)
	$$(Q)mkdir -p $$(dir $$@)
	$$(Q)$$(VMI_ROM_CC) $$(VMI_ROM_CFLAGS) $(3) -c -o $$@ $(2)
endef

# $(call vmi_rom,NAME,SOURCES[,EXTRA_CFLAGS]): build build/backends/NAME.rom
# from C and .S SOURCES plus vmi-rom/rom_query.c (a weak default query
# entry answering from the static call table): compile each with
# VMI_ROM_CFLAGS, combine with "ld -r", lay out with "romtool build".
# Use from a fragment as $(eval $(call vmi_rom,...)).  Source basenames
# must be unique within one ROM.
define vmi_rom
$(foreach s,$(2) vmi-rom/rom_query.c,$(eval $(call vmi_rom_src,$(1),$(s),$(3))))
$(BUILD)/backends/$(1).o: $(foreach s,$(2) vmi-rom/rom_query.c,$(call vmi_rom_obj,$(1),$(s)))
	$$(call say,LD,$$@)
	$$(Q)$$(VMI_ROM_LD) -r -o $$@ $$^
$(BUILD)/backends/$(1).rom: $(BUILD)/backends/$(1).o $(ROMTOOL)
	$$(call say,ROMTOOL,$$@)
	$$(Q)$(ROMTOOL) build -o $$@ $$<
ALL += $(BUILD)/backends/$(1).rom
VMI_ROMS += $(BUILD)/backends/$(1).rom
endef

# $(call backend_boot_suites,NAME,OTHER): the boot suites of backend NAME's
# ROM: under its own host with the ROM bound (patched, and left as
# indirect calls), and refused under hv without a backend, under backend
# OTHER's host and under QEMU TCG, where the kernel must stay native and
# say why (tests/boot/rom-fallback.sh).  Use as $(eval $(call ...)).
VMI_BOOT := tests/boot/boot-qemu.sh
VMI_FALLBACK := tests/boot/rom-fallback.sh
define backend_boot_suites
SUITES += boot-hv-$(1) boot-hv-$(1)-nopatch boot-hv-none-$(1)-rom \
	boot-hv-$(2)-$(1)-rom boot-tcg-$(1)-rom
SUITE_boot-hv-$(1) := $(VMI_BOOT) --name boot-hv-$(1) --hv-arg --backend --hv-arg $(1) \
	--option-rom $(BUILD)/backends/$(1).rom hv $(BUILD)/kernel test expect=$(1)
SUITE_boot-hv-$(1)-nopatch := $(VMI_BOOT) --name boot-hv-$(1)-nopatch \
	--hv-arg --backend --hv-arg $(1) --option-rom $(BUILD)/backends/$(1).rom \
	hv $(BUILD)/kernel test pvops=nopatch expect=$(1)
SUITE_boot-hv-none-$(1)-rom := $(VMI_FALLBACK) boot-hv-none-$(1)-rom \
	--option-rom $(BUILD)/backends/$(1).rom hv $(BUILD)/kernel test expect=native
SUITE_boot-hv-$(2)-$(1)-rom := $(VMI_FALLBACK) boot-hv-$(2)-$(1)-rom \
	--hv-arg --backend --hv-arg $(2) --option-rom $(BUILD)/backends/$(1).rom \
	hv $(BUILD)/kernel test expect=native
SUITE_boot-tcg-$(1)-rom := $(VMI_FALLBACK) boot-tcg-$(1)-rom \
	--option-rom $(BUILD)/backends/$(1).rom tcg $(BUILD)/kernel test expect=native
endef

$(eval $(call unit_test,vmi_validate,tests/unit/test_vmi_validate.c $(VMI_VALIDATE_SRC) vmi-rom/guest.c))
$(BUILD)/tests/vmi_validate $(BUILD)/tests/vmi_validate-san: vmi-rom/guest.h vmi-rom/validate.h
# ABI 1.2: the inline-answer check, one crafted image per rule (reads
# build/backends/testrom.rom).
$(eval $(call unit_test,vmi_inline,tests/unit/test_vmi_inline.c $(VMI_VALIDATE_SRC),-Ivmi-rom))
$(BUILD)/tests/vmi_inline $(BUILD)/tests/vmi_inline-san: vmi-rom/inline.h vmi-rom/validate.h
$(eval $(call unit_test,romtool_build,tests/unit/test_romtool_build.c vmi-rom/romtool_build.c vmi-rom/romtool_image.c $(VMI_VALIDATE_SRC)))
$(BUILD)/tests/romtool_build $(BUILD)/tests/romtool_build-san: vmi-rom/romtool.h vmi-rom/validate.h

# romtool on every ROM we build (must pass) and on crafted bad images and
# objects (each must fail with its message).  "=" so that VMI_ROMS holds
# every backend's ROM by the time the suite list is written.
ROMTOOL_CRAFT := $(BUILD)/tests/romtool_craft
$(ROMTOOL_CRAFT): tests/unit/test_romtool_craft.c $(VMI_VALIDATE_SRC) vmi-rom/validate.h vmi-rom/inline.h vmi-rom/include/vmi_abi.h
	$(call say,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -o $@ tests/unit/test_romtool_craft.c $(VMI_VALIDATE_SRC)
ALL += $(ROMTOOL_CRAFT)
SUITES += romtool
SUITE_romtool = tests/unit/test_romtool.sh $(ROMTOOL) $(ROMTOOL_CRAFT) $(VMI_ROMS)

endif # VMI_ROM_MK
