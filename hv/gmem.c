/* gmem.c: the one overflow-checked door from a guest-physical range to a
 * host pointer.  Nothing else in hv turns a guest address into a pointer. */
#include "gmem.h"

#include <stddef.h>

uint64_t *gmem_dirty;

/* A guest names gpa and len freely, so every comparison is written so
 * that it cannot wrap: len is compared against what is left after gpa,
 * never added to it.  A zero-length range is valid anywhere in RAM up to
 * and including its end (it names no byte).  Ranges touching the hole are
 * refused: those bytes of the host buffer are not what the guest sees. */
void *gmem_range(const struct gmem *gm, uint64_t gpa, uint64_t len)
{
	if (gm == NULL || gm->ram == NULL)
		return NULL;
	if (gpa > gm->size || len > gm->size - gpa)
		return NULL;
	if (len > 0 && gpa < GMEM_HOLE_END && gpa + len > GMEM_HOLE_START)
		return NULL;
	if (gmem_dirty)                 /* issue 14: migration resends these */
		for (uint64_t p = gpa >> 12; len && p <= (gpa + len - 1) >> 12; p++)
			__atomic_or_fetch(&gmem_dirty[p / 64], 1ull << (p % 64), __ATOMIC_RELAXED);
	return gm->ram + gpa;
}
