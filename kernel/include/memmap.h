/*
 * memmap.h: the loader's memory map turned into a clean list of usable
 * physical ranges.  Pure code (memmap.c), unit-tested on the host.
 */
#ifndef MEMMAP_H
#define MEMMAP_H

#include <stdint.h>
#include <stddef.h>

#define MEMMAP_MAX 32

struct mem_range {
	uint64_t start, end;		/* [start, end), page-aligned */
};

struct memmap {
	struct mem_range r[MEMMAP_MAX];
	int n;
	int dropped;			/* entries refused (absurd, overflow) */
	int clipped;			/* ranges cut by reserved entries or limit */
};

typedef void (*memmap_warn_fn)(const char *msg, uint64_t addr, uint64_t len);

/*
 * Builds m from a Multiboot v1 mmap buffer (entries of size+20 bytes:
 * u32 size, u64 addr, u64 len, u32 type).  Usable ranges are rounded in
 * to pages, sorted, merged, cut by every non-usable entry (however many
 * there are) and clipped to [0, limit).  Malformed entries are reported
 * through warn and skipped, except that a reserved entry wrapping past
 * 2^64 is reserved up to the top; the buffer is never read past len.
 */
void memmap_from_mb(struct memmap *m, const uint8_t *buf, size_t len,
		    uint64_t limit, memmap_warn_fn warn);
/* The same from mem_lower/mem_upper (KiB) when there is no map. */
void memmap_from_basic(struct memmap *m, uint32_t lower_kib, uint32_t upper_kib,
		       uint64_t limit);
/* Removes [start, end) from every range (the kernel image, modules...). */
void memmap_reserve(struct memmap *m, uint64_t start, uint64_t end);
uint64_t memmap_total(const struct memmap *m);

#endif
