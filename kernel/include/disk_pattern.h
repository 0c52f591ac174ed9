/*
 * disk_pattern.h: the data the virtio-blk tests write, and where.
 * Shared by the in-guest suite (kernel/tests/test_virtio_blk.c), the
 * user program `disk` and the host checker (tests/virtio/disk-check.c),
 * which recomputes every sector of the image after the run.  Pure
 * integer code, no includes beyond <stdint.h>.
 */
#ifndef DISK_PATTERN_H
#define DISK_PATTERN_H

#include <stdint.h>

#define DP_SECTOR	512
/* The regions the guest writes: first sector, sectors, seed. */
#define DP_PATTERN_SECTOR	0		/* pattern write, flush, read back */
#define DP_PATTERN_COUNT	64
#define DP_PATTERN_SEED		1
#define DP_SEQ_SECTOR		1024		/* 4 MiB sequential */
#define DP_SEQ_COUNT		8192
#define DP_SEQ_SEED		2
#define DP_INFLIGHT_SECTOR	10240		/* many requests in flight */
#define DP_INFLIGHT_COUNT	512
#define DP_INFLIGHT_SEED	3
#define DP_USER_SECTOR		12288		/* the user program */
#define DP_USER_COUNT		64
#define DP_USER_SEED		4
#define DP_BACKGROUND_SEED	0xbd		/* what the host fills the image with */
#define DP_IMAGE_SECTORS	16384		/* 8 MiB */

/* splitmix64's finaliser: every input bit reaches every output bit. */
static inline uint64_t dp_mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* The first word of sector's pattern: one mix per sector. */
static inline uint64_t dp_base(uint64_t sector, uint64_t seed)
{
	return dp_mix((sector << 16) ^ (seed << 8) ^ 0x9e3779b97f4a7c15ULL * (seed + 1));
}

/*
 * Word i of a sector is its base plus i times an odd constant: the mix
 * makes every sector (and seed) start somewhere else, the step makes
 * every word of it differ, and a word costs an add.  The guest fills and
 * checks 4 MiB at a time, and a KVM that emulates guest code runs about
 * two million instructions a second, so the cost per word is the
 * suite's time there.
 */
#define DP_STEP	0xd6e8feb86659fd93ULL

/* Fills one 512-byte sector's worth of words for (seed, sector). */
static inline void dp_fill(uint64_t *words, uint64_t sector, uint64_t seed)
{
	uint64_t w = dp_base(sector, seed);
	for (unsigned i = 0; i < DP_SECTOR / 8; i++, w += DP_STEP)
		words[i] = w;
}

/* 0 if words hold the pattern of (seed, sector), else 1 + the first bad word. */
static inline unsigned dp_check(const uint64_t *words, uint64_t sector, uint64_t seed)
{
	uint64_t w = dp_base(sector, seed);
	for (unsigned i = 0; i < DP_SECTOR / 8; i++, w += DP_STEP)
		if (words[i] != w)
			return i + 1;
	return 0;
}

#endif
