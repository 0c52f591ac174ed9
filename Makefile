# Makefile: builds everything into build/ and runs it; see README.md.
#
#   make            build everything (quietly; V=1 shows full commands)
#   make run        set up what is missing, build, boot the kernel
#   make test       set up what is missing, build, run every test suite
#   make setup      only install missing Debian packages and build newlib
#   make clean      remove build/
#
# Each component adds its rules in its own fragment (kernel/kernel.mk,
# hv/hv.mk, ...), included below.  A fragment appends
#   - the files it builds to ALL,
#   - the names of its test suites to SUITES, with SUITE_<name> set to the
#     command that the runner (tests/run-suites.sh) executes from the top
#     of the tree.  A suite prints TAP or KTAP on stdout; see
#     docs/HACKING.md.

BUILD   := build
V       ?= 0
ifeq ($(V),1)
Q       :=
say      = @true
else
Q       := @
say      = @printf '  %-8s %s\n' '$(1)' '$(2)'
endif
MAKEFLAGS += --no-print-directory
# run, test and bench build with one job per CPU (the same files as a
# serial build; a fresh clone's build takes half the time on two CPUs).
BUILD_JOBS ?= $(shell nproc 2>/dev/null || echo 1)

HOSTCC      ?= gcc
HOST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Ivmi-rom/include -Ipvops/include
SAN_FLAGS   := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

ALL    :=
SUITES :=

# $(call unit_test,NAME,SOURCES[,EXTRA_CFLAGS]): a cmocka test program
# build/tests/NAME from SOURCES, plus build/tests/NAME-san built with
# AddressSanitizer and UndefinedBehaviorSanitizer; both become suites.
# Use it from a fragment as $(eval $(call unit_test,...)).
define unit_test
$(BUILD)/tests/$(1): $(2) $$(wildcard vmi-rom/include/*.h pvops/include/*/*.h)
	$$(call say,HOSTCC,$$@)
	$$(Q)mkdir -p $$(dir $$@)
	$$(Q)$$(HOSTCC) $$(HOST_CFLAGS) $(3) -o $$@ $(2) -lcmocka
$(BUILD)/tests/$(1)-san: $(2) $$(wildcard vmi-rom/include/*.h pvops/include/*/*.h)
	$$(call say,HOSTCC,$$@)
	$$(Q)mkdir -p $$(dir $$@)
	$$(Q)$$(HOSTCC) $$(HOST_CFLAGS) $$(SAN_FLAGS) $(3) -o $$@ $(2) -lcmocka
ALL += $(BUILD)/tests/$(1) $(BUILD)/tests/$(1)-san
SUITES += unit-$(1) unit-$(1)-san
SUITE_unit-$(1) := $(BUILD)/tests/$(1)
SUITE_unit-$(1)-san := $(BUILD)/tests/$(1)-san
endef

.PHONY: all run test setup clean bench
all: build-all

include $(sort $(wildcard */*.mk backends/*/*.mk))

build-all: $(ALL)

setup:
	$(Q)scripts/setup.sh

# The runner needs the suite list as a file: one "name|command" a line.
$(BUILD)/suites.list: FORCE
	$(Q)mkdir -p $(BUILD)
	$(Q)printf '%s\n' $(foreach s,$(SUITES),'$(s)|$(SUITE_$(s))') > $@.tmp && mv $@.tmp $@

# The main job: boot the kernel under hv and show its self-test results
# (RUN_CMDLINE, RUN_BACKEND: see hv/hv.mk).
run: setup
	$(Q)$(MAKE) -j$(BUILD_JOBS) build-all
	$(Q)$(MAKE) hv-run

# The benchmark matrix and its report (bench/README.md).
bench: setup
	$(Q)$(MAKE) -j$(BUILD_JOBS) bench-deps
	$(Q)bench/run.sh

test: setup
	$(Q)$(MAKE) -j$(BUILD_JOBS) build-all
	$(Q)$(MAKE) $(BUILD)/suites.list
	$(Q)tests/run-suites.sh $(BUILD)/suites.list

clean:
	rm -rf $(BUILD)

.PHONY: FORCE build-all
FORCE:
