# tests/fuzz/fuzz.mk: libFuzzer targets (clang, ASan and UBSan) for the
# code that reads untrusted input, their checked-in seed corpora and
# crashers, "make fuzz", and the replay suite.  Included from
# tests/tests.mk.  See tests/fuzz/README.md.
#
#   make fuzz [FUZZ_TIME=seconds per target, default 60] [FUZZ_TARGETS=...]
#
# The suite "fuzz" (make test) runs every checked-in input of each
# target once: one TAP line per target, failing if any input crashes.

FUZZ_CC     ?= clang
FUZZ_TIME   ?= 60
FUZZ_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -Ivmi-rom/include -Ipvops/include
FUZZ_TARGETS :=

# $(call fuzz_target,NAME,SOURCES[,EXTRA_CFLAGS]): build/fuzz/NAME from
# tests/fuzz/fuzz_NAME.c and the code under test.
define fuzz_target
$(BUILD)/fuzz/$(1): tests/fuzz/fuzz_$(1).c $(2) $$(wildcard hv/*.h vmi-rom/*.h \
		vmi-rom/include/*.h pvops/include/*/*.h kernel/include/*.h)
	$$(call say,FUZZCC,$$@)
	$$(Q)mkdir -p $$(dir $$@)
	$$(Q)$$(FUZZ_CC) $$(FUZZ_CFLAGS) $(3) -o $$@ tests/fuzz/fuzz_$(1).c $(2)
ALL += $(BUILD)/fuzz/$(1)
FUZZ_TARGETS += $(1)
endef

$(eval $(call fuzz_target,vmi_validate,$(VMI_VALIDATE_SRC)))
# The guest binding's calls to the validator and the scan go through the
# target's wrappers (--wrap), which record what was validated.
FUZZ_GUEST_WRAP := -Wl,--wrap=vmi_validate -Wl,--wrap=vmi_scan_next
$(eval $(call fuzz_target,vmi_guest,vmi-rom/guest.c $(VMI_VALIDATE_SRC),$(FUZZ_GUEST_WRAP)))
$(eval $(call fuzz_target,hv_loader,hv/mboot.c hv/rom.c))
$(eval $(call fuzz_target,romtool,vmi-rom/romtool_image.c $(VMI_VALIDATE_SRC)))
$(eval $(call fuzz_target,romtool_build,vmi-rom/romtool_build.c vmi-rom/romtool_image.c $(VMI_VALIDATE_SRC)))
# Issue 12 (issue 11 item 27): the virtio rings hv walks.
$(eval $(call fuzz_target,virtq,hv/virtq.c hv/gmem.c))
$(eval $(call fuzz_target,hv_requests,hv/xenlike_check.c hv/vmwarelike_check.c hv/pte_check.c hv/gmem.c))
$(eval $(call fuzz_target,cmdline,kernel/cmdline.c,-Ikernel/include))
$(eval $(call fuzz_target,memmap,kernel/memmap.c,-Ikernel/include))
$(eval $(call fuzz_target,patch,pvops/patch.c pvops/apply.c pvops/opinfo.c pvops/report.c \
	pvops/sitereg.c native/encode.c pvops/inline.c native/templates.c,-Inative/include))
# Issue 14: the snapshot file hv --restore reads.
$(eval $(call fuzz_target,hv_snapshot,hv/snap_format.c))

SUITES += fuzz
SUITE_fuzz = tests/fuzz/replay.sh $(BUILD)/fuzz $(FUZZ_TARGETS)

.PHONY: fuzz
fuzz: $(addprefix $(BUILD)/fuzz/,$(FUZZ_TARGETS))
	$(Q)tests/fuzz/run.sh $(FUZZ_TIME) $(BUILD)/fuzz $(FUZZ_TARGETS)
