/*
 * fuzz_vmi_validate.c: libFuzzer target for the ROM validator and window
 * scan (vmi-rom/validate.c).  The input is a ROM image as the guest
 * would find it; it is validated on its own, every call answer of a
 * valid image read and checked, and the input also scanned as the start
 * of the 0xC0000 window.
 */
#include <stddef.h>
#include <stdint.h>

#include "../../vmi-rom/validate.h"

/* Every answer of a valid image: the table readers must stay inside. */
static void fz_calls(const uint8_t *buf, const struct vmi_rom_info *info)
{
	for (uint32_t c = 0; c < info->calls_known; c++) {
		struct vmi_reloc r;
		if (vmi_table_reloc(buf, info, c, &r) == VMI_ST_OK)
			(void)vmi_check_reloc(buf, info, c, &r);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
	struct vmi_rom_info info;
	struct vmi_scan_hit hit;
	size_t pos = 0;

	if (vmi_validate(buf, len, &info) == VMI_ST_OK) {
		if (info.image_len > len)
			__builtin_trap();       /* valid must mean inside */
		fz_calls(buf, &info);
	}
	while (vmi_scan_next(buf, len, 0xC0000, &pos, &hit)) {
		if (hit.offset >= len)
			__builtin_trap();
		if (hit.status == VMI_ST_OK)
			fz_calls(buf + hit.offset, &hit.info);
	}
	(void)vmi_status_str(vmi_validate(buf, len, NULL));
	return 0;
}
