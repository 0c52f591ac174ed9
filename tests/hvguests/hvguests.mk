# tests/hvguests/hvguests.mk: the foreign test guests for hv (included
# from hv/hv.mk).  Each is a 32-bit protected-mode Multiboot v1 kernel
# built with the host gcc in -m32 mode, linked with ld -m elf_i386; none
# uses any code of our kernel.
#   mini        from the Multiboot specification alone; ELF32 (mini.elf)
#               and a flat image with the address fields (mini-aout.bin)
#   hostile     one misbehaviour per boot, chosen by its command line

HVG_CC     := $(HOSTCC) -m32
HVG_CFLAGS := -std=gnu11 -O2 -Wall -Wextra -Werror -ffreestanding -fno-pic \
              -fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables \
              -fno-builtin -nostdlib -mno-sse -mno-mmx
HVG_LD     := ld -m elf_i386 -nostdlib --no-warn-rwx-segments
HVG_OUT    := $(BUILD)/hvguests

$(HVG_OUT)/mini/%.o: tests/hvguests/mini/%.c
	$(call say,CC32,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HVG_CC) $(HVG_CFLAGS) -c -o $@ $<

$(HVG_OUT)/mini/boot.o: tests/hvguests/mini/boot.S
	$(call say,AS32,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HVG_CC) $(HVG_CFLAGS) -c -o $@ $<

$(HVG_OUT)/mini/boot-aout.o: tests/hvguests/mini/boot.S
	$(call say,AS32,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HVG_CC) $(HVG_CFLAGS) -DMINI_AOUT -c -o $@ $<

$(HVG_OUT)/mini/mini.elf: $(HVG_OUT)/mini/boot.o $(HVG_OUT)/mini/mini.o tests/hvguests/mini/link.ld
	$(call say,LD32,$@)
	$(Q)$(HVG_LD) -T tests/hvguests/mini/link.ld -o $@ $(filter %.o,$^)

$(HVG_OUT)/mini/mini-aout.elf: $(HVG_OUT)/mini/boot-aout.o $(HVG_OUT)/mini/mini.o tests/hvguests/mini/link.ld
	$(call say,LD32,$@)
	$(Q)$(HVG_LD) -T tests/hvguests/mini/link.ld -o $@ $(filter %.o,$^)

$(HVG_OUT)/mini/mini-aout.bin: $(HVG_OUT)/mini/mini-aout.elf
	$(call say,OBJCOPY,$@)
	$(Q)objcopy -O binary $< $@

$(HVG_OUT)/hostile/%.o: tests/hvguests/hostile/%.c tests/hvguests/hostile/hostile.h
	$(call say,CC32,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HVG_CC) $(HVG_CFLAGS) -c -o $@ $<

$(HVG_OUT)/hostile/%.o: tests/hvguests/hostile/%.S
	$(call say,AS32,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HVG_CC) $(HVG_CFLAGS) -c -o $@ $<

HVG_HOSTILE_OBJS := $(addprefix $(HVG_OUT)/hostile/,boot.o hostile.o)
HVG_HOSTILE_OBJS += $(HVG_OUT)/hostile/virtio.o

$(HVG_OUT)/hostile/hostile.elf: $(HVG_HOSTILE_OBJS) tests/hvguests/hostile/link.ld
	$(call say,LD32,$@)
	$(Q)$(HVG_LD) -T tests/hvguests/hostile/link.ld -o $@ $(HVG_HOSTILE_OBJS)

HVG_ALL := $(HVG_OUT)/mini/mini.elf $(HVG_OUT)/mini/mini-aout.bin \
           $(HVG_OUT)/hostile/hostile.elf
ALL += $(HVG_ALL)

SUITES += hv-mini hv-hostile hv-hostile-san hv-cli
SUITE_hv-mini        := tests/hvguests/run.sh mini $(BUILD)/hv/hv
SUITE_hv-hostile     := tests/hvguests/run.sh hostile $(BUILD)/hv/hv
SUITE_hv-hostile-san := tests/hvguests/run.sh hostile $(BUILD)/hv/hv-san
SUITE_hv-cli         := tests/hvguests/run.sh cli $(BUILD)/hv/hv
