# backends/testrom/testrom.mk: the test ROM, build/backends/testrom.rom --
# NATIVE answers except CONSOLE_WRITE (UART) and CPUID, implemented in ROM
# code, for boot tests on foreign firmware (QEMU -option-rom).
include vmi-rom/vmi-rom.mk

TESTROM := $(BUILD)/backends/testrom.rom
$(eval $(call vmi_rom,testrom,backends/testrom/testrom.c backends/testrom/testrom_cpuid.S))
