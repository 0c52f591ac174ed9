# tests/rebind.mk: issue 14, ABI 1.3 re-binding (SPEC.md section 20):
# a running guest moved between backends by hv --switch-backend (the
# same path a restore onto another backend takes, hv/rebind.c), checked
# by tests/boot/rebind.sh.
#
#   hv-rebind-FROM-TO     the nine pairs: hop, then the whole self-test
#                         suite; the patch report after the hop equals a
#                         fresh boot's on TO
#   hv-rebind-chain       xenlike -> vmwarelike -> none -> xenlike, each
#                         hop's report checked the same way
#   hv-rebind-lazy-A-B    a hop inside a lazy page-table section
#   hv-rebind-console-A-B a hop while the guest writes numbered lines
#   hv-rebind-hold-A-B    a hop the guest defers while a test holds it
#                         (rebind_hold: tests that count free frames)
REBIND_SH := tests/boot/rebind.sh
REBIND_BACKENDS := none xenlike vmwarelike

define rebind_pair
SUITES += hv-rebind-$(1)-$(2)
SUITE_hv-rebind-$(1)-$(2) := @timeout=400 $(REBIND_SH) hv-rebind-$(1)-$(2) $(1) $(2)
endef
$(foreach a,$(REBIND_BACKENDS),$(foreach b,$(REBIND_BACKENDS),$(eval $(call rebind_pair,$(a),$(b)))))

SUITES += hv-rebind-chain hv-rebind-lazy-xenlike-vmwarelike hv-rebind-lazy-vmwarelike-xenlike \
	hv-rebind-console-xenlike-vmwarelike hv-rebind-console-vmwarelike-none
SUITE_hv-rebind-chain := @timeout=600 $(REBIND_SH) hv-rebind-chain xenlike vmwarelike none xenlike
SUITE_hv-rebind-lazy-xenlike-vmwarelike := @timeout=300 $(REBIND_SH) --mode lazy \
	hv-rebind-lazy-xenlike-vmwarelike xenlike vmwarelike
SUITE_hv-rebind-lazy-vmwarelike-xenlike := @timeout=300 $(REBIND_SH) --mode lazy \
	hv-rebind-lazy-vmwarelike-xenlike vmwarelike xenlike
SUITE_hv-rebind-console-xenlike-vmwarelike := @timeout=300 $(REBIND_SH) --mode console \
	hv-rebind-console-xenlike-vmwarelike xenlike vmwarelike
SUITE_hv-rebind-console-vmwarelike-none := @timeout=300 $(REBIND_SH) --mode console \
	hv-rebind-console-vmwarelike-none vmwarelike none

SUITES += hv-rebind-hold-xenlike-vmwarelike
SUITE_hv-rebind-hold-xenlike-vmwarelike := @timeout=300 $(REBIND_SH) --mode hold \
	hv-rebind-hold-xenlike-vmwarelike xenlike vmwarelike

# pvops=nopatch: the re-bind refills the op table; sites stay indirect.
SUITES += hv-rebind-nopatch-xenlike-vmwarelike
SUITE_hv-rebind-nopatch-xenlike-vmwarelike := @timeout=400 $(REBIND_SH) --nopatch \
	hv-rebind-nopatch-xenlike-vmwarelike xenlike vmwarelike

# The pure helpers of hv/rebind.c: the generation stamp, the flag's syntax.
$(eval $(call unit_test,hv_rebind,tests/unit/test_hv_rebind.c hv/rebind_check.c))
