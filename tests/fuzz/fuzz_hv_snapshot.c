/* fuzz_hv_snapshot.c: libFuzzer target for hv's snapshot parser
 * (hv/snap_format.c), which reads a --restore file before hv trusts one
 * byte of it.  Any input: parsed or refused with a reason, never a
 * crash, a leak or an access outside the buffer.  When it parses, every
 * extent it reports lies inside the guest's RAM and the file's memory
 * part, as the restore's mmap relies on. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../hv/snapshot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct snap_view v;
	char err[256];

	if (snap_parse(data, size, 3ull << 30, &v, err, sizeof(err)) != 0) {
		if (err[0] == '\0')
			abort();                /* a refusal always says why */
		return 0;
	}
	for (uint64_t i = 0; i < v.n_ext; i++) {
		struct snap_extent e = snap_extent_at(&v, i);
		if (e.gpa + e.pages * SNAP_PAGE > v.h->mem_size ||
		    e.off + e.pages * SNAP_PAGE > v.h->data_len ||
		    v.h->data_off + v.h->data_len != size)
			abort();
	}
	return 0;
}
