# tests.mk: the test harness: the KTAP counter the runner and boot
# scripts use, its unit tests, and the runner's own self-test.
# (Boot suites are registered by the fragments that build the images,
# e.g. kernel/kernel.mk; see tests/README.md.)

KTAP_COUNT := $(BUILD)/tests/ktap-count

$(KTAP_COUNT): tests/harness/ktap-count.c tests/harness/ktap.c tests/harness/ktap.h
	$(call say,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -o $@ tests/harness/ktap-count.c tests/harness/ktap.c

ALL += $(KTAP_COUNT)

$(eval $(call unit_test,ktap,tests/unit/test_ktap.c tests/harness/ktap.c,-Itests/harness))
$(BUILD)/tests/ktap $(BUILD)/tests/ktap-san: tests/harness/ktap.h

# Runs the runner on canned suites (passing, failing, skipped, silent,
# timed out, crashing) and checks its per-suite lines and totals.
SUITES += harness-selftest
SUITE_harness-selftest := tests/harness/selftest.sh

# The one kernel image in every environment, with a table of the results
# (tests/matrix.sh).
SUITES += matrix
SUITE_matrix := @timeout=900 tests/matrix.sh

# Fuzz targets, "make fuzz" and the corpus replay suite.
include tests/fuzz/fuzz.mk

# The entry stub's polled UART message against a 16550 model with its FIFO on.
$(eval $(call unit_test,early_puts,tests/unit/test_early_puts.c tests/unit/early_puts_run.S))
$(BUILD)/tests/early_puts $(BUILD)/tests/early_puts-san: kernel/boot/early_puts.h
