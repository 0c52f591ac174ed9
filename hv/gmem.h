/* gmem.h: guest-physical memory layout and the one checked accessor.
 *
 * hv keeps guest RAM in one host buffer of gmem.size bytes that mirrors
 * guest-physical addresses 0 .. size-1.  The window GMEM_HOLE_START ..
 * GMEM_HOLE_END (legacy VGA + option ROMs + BIOS) is not RAM to the guest:
 * it is a separate read-only KVM slot, so the bytes of the host buffer
 * there are never what the guest sees, and gmem_range() refuses them.
 *
 * Every guest-physical access hv makes on behalf of a guest request goes
 * through gmem_range(): it returns a host pointer to len bytes at gpa, or
 * NULL if any byte is outside RAM, inside the hole, or the sum overflows. */
#ifndef HV_GMEM_H
#define HV_GMEM_H

#include <stdint.h>

#define GMEM_HOLE_START  0xA0000ULL   /* VGA window, option ROMs, BIOS */
#define GMEM_HOLE_END    0x100000ULL
#define GMEM_ROM_BASE    0xC0000ULL   /* where --rom lands */
#define GMEM_ROM_MAX     0x20000ULL   /* 128 KiB of option-ROM space */
#define GMEM_MIN_SIZE    (2ULL << 20)           /* 2 MiB */
#define GMEM_MAX_SIZE    (3ULL << 30)           /* 3 GiB: below the PCI hole */

struct gmem {
	uint8_t *ram;       /* host mapping of guest-physical 0 .. size-1 */
	uint64_t size;      /* bytes of guest RAM, hole included */
};

/* Issue 14: while a live migration runs, one bit per page that
 * gmem_range handed out (hv's own stores bypass KVM's dirty log);
 * NULL otherwise.  One guest per process, so one map. */
extern uint64_t *gmem_dirty;

void *gmem_range(const struct gmem *gm, uint64_t gpa, uint64_t len);

#endif
