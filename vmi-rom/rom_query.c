/*
 * rom_query.c: the relocation-query entry most ROMs need, linked into every
 * ROM built with $(call vmi_rom,...): it answers from the static call table
 * romtool wrote into the image, so "romtool dump" shows exactly what the
 * guest will be told.  A ROM whose answers depend on the host defines its
 * own vmi_rom_query (this one is weak) and may call vmi_rom_static_answer.
 *
 * ROM code: freestanding, position-independent, no libc.
 */
#define VMI_ROM_BUILD 1
#include "vmi_abi.h"
#include "vmi_rom_entries.h"


/* Copy the table entry for call; VMI_E_NOCALL past the table's end. */
int64_t vmi_rom_static_answer(uint32_t call, struct vmi_reloc *out)
{
	const struct vmi_rom_header *h = &__vmi_rom_header;
	const struct vmi_reloc *table;

	if (call >= h->calls_count)
		return VMI_E_NOCALL;
	table = (const struct vmi_reloc *)(__vmi_rom_image + h->calls_offset);
	*out = table[call];
	return VMI_OK;
}

__attribute__((weak)) int64_t vmi_rom_query(uint32_t call, struct vmi_reloc *out)
{
	return vmi_rom_static_answer(call, out);
}
