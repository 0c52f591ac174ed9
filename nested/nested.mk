# nested/nested.mk: the nested-KVM runner (nested/README.md).  hv finds
# the runner beside its own executable: build/hv/kvm-run links to
# nested/kvm-run.  The VM's boot files come from scripts/setup.sh
# (nested/fetch.sh), not from make.

$(BUILD)/hv/kvm-run: nested/kvm-run
	$(call say,LN,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)ln -sf ../../nested/kvm-run $@

ALL += $(BUILD)/hv/kvm-run

# The runner's own tests: statuses, streams, stdin, timeouts, the probe,
# a path with spaces, missing and corrupt boot files (nested/selftest.sh).
SUITES += nested-runner
SUITE_nested-runner := @timeout=400 nested/selftest.sh
