/*
 * memmap.c: sanitizes the loader's memory map (see memmap.h).
 *
 * A loader's map may be unsorted, overlapping, contain zero or absurd
 * lengths, or ranges that wrap past 2^64; the usable list built here is
 * sorted, disjoint and page-aligned, and reserved entries always win
 * over usable ones where they overlap.
 */
#include <string.h>
#include "memmap.h"

#define MB_AVAILABLE 1
#define PG 4096ULL

/*
 * Adds [s, e) rounded in to whole pages.  A start inside the last page
 * below 2^64 has no page boundary above it: rounding it up would wrap to
 * 0 and turn a 24-byte entry into the whole address space, so such a
 * range holds no usable page and is left out.
 */
static void add_range(struct memmap *m, uint64_t s, uint64_t e)
{
	if (s > UINT64_MAX - (PG - 1))
		return;
	s = (s + PG - 1) & ~(PG - 1);
	e &= ~(PG - 1);
	if (s >= e)
		return;
	if (m->n == MEMMAP_MAX) {
		m->dropped++;
		return;
	}
	m->r[m->n].start = s;
	m->r[m->n].end = e;
	m->n++;
}

/* Sorts by start (insertion sort: at most MEMMAP_MAX entries) and merges. */
static void sort_merge(struct memmap *m)
{
	for (int i = 1; i < m->n; i++) {
		struct mem_range t = m->r[i];
		int j = i - 1;
		for (; j >= 0 && m->r[j].start > t.start; j--)
			m->r[j + 1] = m->r[j];
		m->r[j + 1] = t;
	}
	int out = 0;
	for (int i = 0; i < m->n; i++) {
		if (out && m->r[i].start <= m->r[out - 1].end) {
			if (m->r[i].end > m->r[out - 1].end)
				m->r[out - 1].end = m->r[i].end;
			continue;
		}
		m->r[out++] = m->r[i];
	}
	m->n = out;
}

void memmap_reserve(struct memmap *m, uint64_t start, uint64_t end)
{
	start &= ~(PG - 1);
	end = end > UINT64_MAX - PG ? UINT64_MAX & ~(PG - 1) : (end + PG - 1) & ~(PG - 1);
	for (int i = 0; i < m->n; i++) {
		struct mem_range *r = &m->r[i];
		if (end <= r->start || start >= r->end)
			continue;
		m->clipped++;
		if (start > r->start && end < r->end) {	/* split in two */
			uint64_t tail = r->end;
			r->end = start;
			add_range(m, end, tail);
			sort_merge(m);
			return;
		}
		if (start <= r->start)
			r->start = end < r->end ? end : r->end;
		else
			r->end = start;
	}
	int out = 0;
	for (int i = 0; i < m->n; i++)
		if (m->r[i].start < m->r[i].end)
			m->r[out++] = m->r[i];
	m->n = out;
}

static void clip_limit(struct memmap *m, uint64_t limit)
{
	for (int i = 0; i < m->n; i++) {
		if (m->r[i].end > limit) {
			m->r[i].end = m->r[i].start < limit ? limit : m->r[i].start;
			m->clipped++;
		}
	}
	memmap_reserve(m, limit, UINT64_MAX);
}

struct mb_entry {
	uint64_t addr, len;
	uint32_t type;
};

/* Reads entry i; returns the offset of the next one or 0 when malformed. */
static size_t read_entry(const uint8_t *buf, size_t len, size_t off, struct mb_entry *e)
{
	uint32_t size;
	if (len - off < 4)
		return 0;
	memcpy(&size, buf + off, 4);
	if (size < 20 || size > len - off - 4)
		return 0;
	memcpy(&e->addr, buf + off + 4, 8);
	memcpy(&e->len, buf + off + 12, 8);
	memcpy(&e->type, buf + off + 20, 4);
	return off + 4 + size;
}

/*
 * One walk over the buffer.  The usable walk adds the available entries
 * and reports what is malformed; the reserved walk then cuts every other
 * entry straight out of the result.  Reading reserved entries from the
 * buffer a second time, instead of keeping them in a table, means no
 * count of them can overflow anything: a reserved range is never lost.
 * A reserved entry whose length wraps past 2^64 is reserved up to the
 * top (when in doubt, memory is not usable).  Returns where the walk
 * stopped: len unless the buffer is malformed there.
 */
static size_t mb_walk(struct memmap *m, const uint8_t *buf, size_t len,
		      int reserved, memmap_warn_fn warn)
{
	struct mb_entry e;
	size_t off = 0, next;

	while (off < len && (next = read_entry(buf, len, off, &e)) != 0) {
		off = next;
		int wraps = e.addr + e.len < e.addr;
		if (reserved) {
			if (e.type != MB_AVAILABLE && e.len != 0)
				memmap_reserve(m, e.addr, wraps ? UINT64_MAX : e.addr + e.len);
			continue;
		}
		if (e.len == 0 || (wraps && e.type == MB_AVAILABLE)) {
			if (warn)
				warn("memory map entry with zero or wrapping length ignored", e.addr, e.len);
			m->dropped++;
		} else if (wraps) {
			if (warn)
				warn("reserved entry wraps past 2^64; reserved up to the top", e.addr, e.len);
		} else if (e.type == MB_AVAILABLE) {
			add_range(m, e.addr, e.addr + e.len);
		}
	}
	return off;
}

void memmap_from_mb(struct memmap *m, const uint8_t *buf, size_t len,
		    uint64_t limit, memmap_warn_fn warn)
{
	memset(m, 0, sizeof(*m));
	size_t off = mb_walk(m, buf, len, 0, warn);
	if (off < len) {
		if (warn)
			warn("memory map truncated or malformed at offset", off, len);
		m->dropped++;
	}
	sort_merge(m);
	mb_walk(m, buf, len, 1, NULL);
	clip_limit(m, limit);
}

void memmap_from_basic(struct memmap *m, uint32_t lower_kib, uint32_t upper_kib,
		       uint64_t limit)
{
	memset(m, 0, sizeof(*m));
	if (lower_kib > 640)
		lower_kib = 640;
	add_range(m, 0, (uint64_t)lower_kib * 1024);
	add_range(m, 0x100000, 0x100000 + (uint64_t)upper_kib * 1024);
	sort_merge(m);
	clip_limit(m, limit);
}

uint64_t memmap_total(const struct memmap *m)
{
	uint64_t t = 0;
	for (int i = 0; i < m->n; i++)
		t += m->r[i].end - m->r[i].start;
	return t;
}
