# bench.mk: the benchmarks' host side.  The in-guest ops live in
# kernel/bench/ (compiled into both kernels by kernel/kernel.mk);
# `make bench` (root Makefile) builds bench-deps and runs bench/run.sh.
#
#   build/bench/runstat   wall time and peak RSS of a command
#   suite bench-report    the generator on canned results (complete and
#                         broken) and one real TCG run; bench/selftest.sh

BENCH_RUNSTAT := $(BUILD)/bench/runstat

$(BENCH_RUNSTAT): bench/runstat.c
	$(call say,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -o $@ $<

ALL += $(BENCH_RUNSTAT)

# What a full run needs; the backend ROMs when their fragments exist
# (backends/*/*.mk are included before this file, so ALL has them).
.PHONY: bench-deps
bench-deps: $(BUILD)/kernel $(BUILD)/kernel-nopv $(BUILD)/hv/hv $(BENCH_RUNSTAT) \
	$(BUILD)/tests/ktap-count $(filter %/xenlike.rom %/vmwarelike.rom,$(ALL))

SUITES += bench-report
SUITE_bench-report := bench/selftest.sh
