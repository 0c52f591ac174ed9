/*
 * testrom_clock0.c: linked into the variant testrom-clock0.rom only --
 * CLOCK_FREQ answered CALL with 0, "unknown" (SPEC.md section 11), so a
 * boot test sees the guest calibrate natively instead of running with a
 * 0 Hz clock.  CLOCK_READ and SET_ALARM stay NATIVE.
 */
#define VMI_ROM_BUILD 1
#include "vmi_abi.h"
#include "vmi_rom_entries.h"

uint64_t vmi_rom_call_clock_freq(void)
{
	return 0;
}
