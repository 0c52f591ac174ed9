/*
 * pmm.c: the physical page-frame allocator.
 *
 * One bit per 4 KiB frame of the direct-mapped first GiB (32 KiB of
 * bitmap); a set bit is a free frame.  Allocation scans 64 frames at a
 * time from a moving hint, so the common case is one word.  Interrupts
 * are off inside, since threads preempt each other.
 *
 * The balloon (pmm_balloon_*) takes free frames out of the pool for the
 * host and gives them back; a second bitmap remembers which frames it
 * holds, so a frame given back that the balloon never took is caught.
 */
#include <string.h>
#include "kernel.h"
#include "mm.h"
#include <pvops/pvops.h>

#define NFRAMES (DIRECT_MAP_SIZE / PAGE_SIZE)

static uint64_t free_bits[NFRAMES / 64];
static uint64_t nfree;
static uint64_t ballooned_bits[NFRAMES / 64];
static uint64_t nballooned;
static size_t balloon_hint;		/* the balloon scans down from here */
uint64_t pmm_top;			/* end of the highest usable range */
static size_t hint;

static void frame_set_free(uint64_t f, bool is_free)
{
	uint64_t bit = 1ULL << (f % 64);
	if (is_free)
		free_bits[f / 64] |= bit;
	else
		free_bits[f / 64] &= ~bit;
}

void pmm_init(const struct memmap *m)
{
	for (int i = 0; i < m->n; i++) {
		if (m->r[i].end > pmm_top)
			pmm_top = m->r[i].end;
		for (uint64_t pa = m->r[i].start; pa < m->r[i].end; pa += PAGE_SIZE) {
			frame_set_free(pa / PAGE_SIZE, true);
			nfree++;
		}
	}
	klog("pmm: %llu free frames (%llu KiB)\n", (unsigned long long)nfree,
	     (unsigned long long)nfree * 4);
}

static uint64_t take_frame(void)
{
	for (size_t n = 0; n < ARRAY_SIZE(free_bits); n++) {
		size_t w = (hint + n) % ARRAY_SIZE(free_bits);
		if (free_bits[w]) {
			uint64_t f = w * 64 + (uint64_t)__builtin_ctzll(free_bits[w]);
			frame_set_free(f, false);
			nfree--;
			hint = w;
			return f * PAGE_SIZE;
		}
	}
	return 0;
}

uint64_t pmm_alloc(void)
{
	uint64_t fl = pv_irq_save();
	uint64_t pa = take_frame();
	pv_irq_restore(fl);
	if (pa)
		memset(P2V(pa), 0, PAGE_SIZE);
	return pa;
}

/*
 * n physically contiguous zeroed frames (the ROM copy and its data area,
 * whose physical addresses a hypervisor is handed), 0 if no run is free.
 * A linear scan: called a handful of times at boot.
 */
uint64_t pmm_alloc_contig(uint64_t n)
{
	uint64_t fl = pv_irq_save(), run = 0, f;
	for (f = 0; f < NFRAMES && run < n; f++)
		run = (free_bits[f / 64] & (1ULL << (f % 64))) ? run + 1 : 0;
	if (run < n || n == 0) {
		pv_irq_restore(fl);
		return 0;
	}
	uint64_t first = f - n;
	for (f = first; f < first + n; f++)
		frame_set_free(f, false);
	nfree -= n;
	pv_irq_restore(fl);
	memset(P2V(first * PAGE_SIZE), 0, n * PAGE_SIZE);
	return first * PAGE_SIZE;
}

void pmm_free(uint64_t pa)
{
	uint64_t f = pa / PAGE_SIZE;
	if ((pa & (PAGE_SIZE - 1)) || f >= NFRAMES)
		panic("pmm_free: bad frame %#llx", (unsigned long long)pa);
	uint64_t fl = pv_irq_save();
	if (free_bits[f / 64] & (1ULL << (f % 64)))
		panic("pmm_free: double free of %#llx", (unsigned long long)pa);
	frame_set_free(f, true);
	nfree++;
	pv_irq_restore(fl);
}

uint64_t pmm_free_count(void)
{
	return nfree;
}

/* Is the frame at pa in the free pool (for tests: memory that must stay
 * out of it)? */
bool pmm_is_free(uint64_t pa)
{
	uint64_t f = pa / PAGE_SIZE;
	return f < NFRAMES && (free_bits[f / 64] >> (f % 64)) & 1;
}

/*
 * The balloon never takes the last frames: the kernel must be able to
 * allocate page tables, stacks and the balloon's own page lists while a
 * host asks for more than the guest can spare.
 */
#define BALLOON_RESERVE_FRAMES 512		/* 2 MiB */

/*
 * The highest free frame, scanning down from the balloon's own hint: the
 * balloon takes memory from the top, as Linux's does, so it leaves the
 * allocator's hint, and the low memory the kernel allocates from, alone.
 */
static uint64_t take_frame_top(void)
{
	for (size_t n = 0; n < ARRAY_SIZE(free_bits); n++) {
		size_t w = (balloon_hint + ARRAY_SIZE(free_bits) - n) % ARRAY_SIZE(free_bits);
		if (free_bits[w]) {
			uint64_t f = w * 64 + 63 - (uint64_t)__builtin_clzll(free_bits[w]);
			frame_set_free(f, false);
			nfree--;
			balloon_hint = w;
			return f * PAGE_SIZE;
		}
	}
	return 0;
}

/* One free frame out of the pool for the balloon (not zeroed: the host
 * discards it), or 0 when only the reserve is left. */
uint64_t pmm_balloon_take(void)
{
	uint64_t fl = pv_irq_save(), pa = 0;
	if (!balloon_hint && pmm_top)
		balloon_hint = ((pmm_top < DIRECT_MAP_SIZE ? pmm_top : DIRECT_MAP_SIZE) - 1)
			       / PAGE_SIZE / 64;
	if (nfree > BALLOON_RESERVE_FRAMES)
		pa = take_frame_top();
	if (pa) {
		uint64_t f = pa / PAGE_SIZE;
		ballooned_bits[f / 64] |= 1ULL << (f % 64);
		nballooned++;
	}
	pv_irq_restore(fl);
	return pa;
}

/* A frame the balloon took goes back to the pool. */
void pmm_balloon_give(uint64_t pa)
{
	uint64_t f = pa / PAGE_SIZE, bit = 1ULL << (f % 64);
	if ((pa & (PAGE_SIZE - 1)) || f >= NFRAMES)
		panic("pmm_balloon_give: bad frame %#llx", (unsigned long long)pa);
	uint64_t fl = pv_irq_save();
	if (!(ballooned_bits[f / 64] & bit))
		panic("pmm_balloon_give: %#llx is not in the balloon", (unsigned long long)pa);
	ballooned_bits[f / 64] &= ~bit;
	nballooned--;
	if (f / 64 > balloon_hint)
		balloon_hint = f / 64;
	frame_set_free(f, true);
	nfree++;
	pv_irq_restore(fl);
}

uint64_t pmm_balloon_count(void)
{
	return nballooned;
}
