/*
 * fuzz_memmap.c: libFuzzer target for the memory-map sanitizer
 * (kernel/memmap.c).  Input: an 8-byte limit, then a Multiboot mmap
 * buffer.  Besides the sanitizers, the result is held to what the
 * kernel relies on: ranges page-aligned, sorted, disjoint, below the
 * limit; both ends of each inside an available entry; and no usable
 * byte inside any reserved entry, however many there are.
 */
#include <stdint.h>
#include <string.h>

#include "memmap.h"

#define FZ_PG 4096ull

struct fz_entry {
	uint64_t addr, len;
	uint32_t type;
};

/* The i-th entry as the Multiboot format defines it (written here from
 * the format, not from memmap.c); 0 past the last well-formed one. */
static int fz_entry(const uint8_t *b, size_t len, size_t *off, struct fz_entry *e)
{
	uint32_t size;
	if (len - *off < 24)
		return 0;
	memcpy(&size, b + *off, 4);
	if (size < 20 || size > len - *off - 4)
		return 0;
	memcpy(&e->addr, b + *off + 4, 8);
	memcpy(&e->len, b + *off + 12, 8);
	memcpy(&e->type, b + *off + 20, 4);
	*off += 4 + (size_t)size;
	return 1;
}

/* Is byte a inside an available entry? */
static int fz_available(const uint8_t *b, size_t len, uint64_t a)
{
	struct fz_entry e;
	size_t off = 0;
	while (off < len && fz_entry(b, len, &off, &e))
		if (e.type == 1 && a >= e.addr && a - e.addr < e.len)
			return 1;
	return 0;
}

/* No usable byte may lie in a reserved entry's pages. */
static void fz_reserved_kept(const struct memmap *m, const uint8_t *b, size_t len)
{
	struct fz_entry e;
	size_t off = 0;
	while (off < len && fz_entry(b, len, &off, &e)) {
		if (e.type == 1 || e.len == 0)
			continue;
		uint64_t lo = e.addr & ~(FZ_PG - 1);
		uint64_t hi = e.addr + e.len < e.addr ? UINT64_MAX : e.addr + e.len;
		for (int i = 0; i < m->n; i++)
			if (m->r[i].start < hi && lo < m->r[i].end)
				__builtin_trap();
	}
}

static void fz_shape(const struct memmap *m, uint64_t limit)
{
	if (m->n < 0 || m->n > MEMMAP_MAX)
		__builtin_trap();
	for (int i = 0; i < m->n; i++) {
		const struct mem_range *r = &m->r[i];
		if (r->start >= r->end || (r->start | r->end) & (FZ_PG - 1) || r->end > limit)
			__builtin_trap();
		if (i > 0 && r->start <= m->r[i - 1].end)
			__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
	struct memmap m;
	uint64_t limit;

	if (len < 8)
		return 0;
	memcpy(&limit, buf, 8);
	buf += 8;
	len -= 8;
	memmap_from_mb(&m, buf, len, limit, NULL);
	fz_shape(&m, limit);
	for (int i = 0; i < m.n; i++)
		if (!fz_available(buf, len, m.r[i].start) ||
		    !fz_available(buf, len, m.r[i].end - 1))
			__builtin_trap();
	fz_reserved_kept(&m, buf, len);
	if (len >= 16) {
		uint64_t a, b;
		memcpy(&a, buf, 8);
		memcpy(&b, buf + 8, 8);
		memmap_reserve(&m, a, b);
		fz_shape(&m, limit);
		memmap_from_basic(&m, (uint32_t)a, (uint32_t)b, limit);
		fz_shape(&m, limit);
	}
	(void)memmap_total(&m);
	return 0;
}
