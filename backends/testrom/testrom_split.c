/*
 * testrom_split.c: linked into the variant testrom-split.rom only -- a
 * query entry that answers SET_ALARM with CALL while CLOCK_READ stays
 * NATIVE, which SPEC.md section 11 forbids (the ROM could not read the
 * deadline).  Its static table is all NATIVE there, so romtool builds and
 * checks it; only the run-time answer is split, and the guest must refuse
 * the ROM and stay native (suite boot-tcg-testrom-split).
 */
#define VMI_ROM_BUILD 1
#include "vmi_abi.h"
#include "vmi_rom_entries.h"

/* Never called by a guest that follows the spec. */
int64_t testrom_split_alarm(uint64_t deadline_ns)
{
	(void)deadline_ns;
	return 0;
}

int64_t vmi_rom_query(uint32_t call, struct vmi_reloc *out)
{
	int64_t rc = vmi_rom_static_answer(call, out);
	if (rc == VMI_OK && call == VMI_CALL_SET_ALARM)
		*out = (struct vmi_reloc){
			.type = VMI_RELOC_CALL,
			.clobbers = VMI_CLOB_SYSV,
			.target = (uint32_t)((uintptr_t)testrom_split_alarm -
			                     (uintptr_t)__vmi_rom_image),
		};
	return rc;
}
