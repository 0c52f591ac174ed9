# backends/testrom/testrom.mk: the test ROM, build/backends/testrom.rom --
# NATIVE answers except CONSOLE_WRITE (UART) and CPUID, implemented in ROM
# code, for boot tests on foreign firmware (QEMU -option-rom) -- and its
# variant testrom-clock0.rom, which also answers CLOCK_FREQ with 0.
include vmi-rom/vmi-rom.mk

TESTROM := $(BUILD)/backends/testrom.rom
TESTROM_SRC_V10 := backends/testrom/testrom.c backends/testrom/testrom_cpuid.S
TESTROM_SRC_V11 := $(TESTROM_SRC_V10) backends/testrom/testrom_notify.S
TESTROM_SRC := $(TESTROM_SRC_V11) backends/testrom/testrom_inline.S
$(eval $(call vmi_rom,testrom,$(TESTROM_SRC)))
$(eval $(call vmi_rom,testrom-clock0,$(TESTROM_SRC) backends/testrom/testrom_clock0.c))

# CLOCK_FREQ 0 means "calibrate natively": pvops.clocks needs >= 1 MHz.
SUITES += boot-tcg-testrom-clock0
SUITE_boot-tcg-testrom-clock0 := tests/boot/boot-qemu.sh --name boot-tcg-testrom-clock0 \
	--option-rom $(BUILD)/backends/testrom-clock0.rom tcg $(BUILD)/kernel test expect=testrom

# CLOCK_READ NATIVE but SET_ALARM answered CALL at run time: refused.
$(eval $(call vmi_rom,testrom-split,$(TESTROM_SRC) backends/testrom/testrom_split.c))
SUITES += boot-tcg-testrom-split
SUITE_boot-tcg-testrom-split := tests/boot/rom-fallback.sh \
	--reason vmi:.ROM.abandoned:.CLOCK_READ.and.SET_ALARM \
	boot-tcg-testrom-split --option-rom $(BUILD)/backends/testrom-split.rom \
	tcg $(BUILD)/kernel test expect=native

# No name string (SPEC.md 5.3 allows it): expect=unnamed must match it.
$(eval $(call vmi_rom,testrom-noname,$(TESTROM_SRC),-DTESTROM_NO_NAME))
SUITES += boot-tcg-testrom-noname
SUITE_boot-tcg-testrom-noname := tests/boot/boot-qemu.sh --name boot-tcg-testrom-noname \
	--option-rom $(BUILD)/backends/testrom-noname.rom tcg $(BUILD)/kernel test expect=unnamed

# ABI 1.0 (SPEC.md 15): no call 39 in its table.  The guest binds it and
# keeps DEVICE_NOTIFY native (vmi.device_notify_falls_back_native).
$(eval $(call vmi_rom,testrom-v10,$(TESTROM_SRC_V10),-DTESTROM_ABI_V10))
SUITES += boot-tcg-testrom-v10
SUITE_boot-tcg-testrom-v10 := tests/boot/boot-qemu.sh --name boot-tcg-testrom-v10 \
	--option-rom $(BUILD)/backends/testrom-v10.rom tcg $(BUILD)/kernel test expect=testrom

# ABI 1.1 (SPEC.md 15): today's test ROM before inline answers -- its irq
# ops NATIVE, no inline table.  A 1.2 guest binds it unchanged.
$(eval $(call vmi_rom,testrom-v11,$(TESTROM_SRC_V11),-DTESTROM_ABI_V11))
SUITES += boot-tcg-testrom-v11
SUITE_boot-tcg-testrom-v11 := tests/boot/boot-qemu.sh --name boot-tcg-testrom-v11 \
	--option-rom $(BUILD)/backends/testrom-v11.rom tcg $(BUILD)/kernel test expect=testrom

# ABI 1.2 inline answers (SPEC.md 9.1): the irq ops' sites take the test
# ROM's bytes (counted per op), and with rominline=off their CALLs.
SUITES += boot-tcg-testrom-inline
SUITE_boot-tcg-testrom-inline := tests/boot/rom-inline.sh \
	--expect irq_disable=rom --expect irq_enable=rom+1 --expect save_fl=rom \
	--expect restore_fl=rom boot-tcg-testrom-inline \
	--option-rom $(BUILD)/backends/testrom.rom tcg $(BUILD)/kernel test expect=testrom
