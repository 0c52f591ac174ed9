/*
 * disk-check.c: makes the disk image the virtio-blk boot suites give the
 * guest, and checks it after the run.
 *
 *   disk-check make IMAGE          8 MiB of the background pattern
 *   disk-check verify IMAGE rw|ro [MIB]
 *                                  every sector: the guest's pattern
 *                                  inside the regions it writes (rw),
 *                                  the untouched background elsewhere
 *                                  (and everywhere for ro: a read-only
 *                                  run must not change a byte); an image
 *                                  the host grew to MIB must read as
 *                                  zeroes beyond the first 8 MiB
 *
 * The patterns and regions are kernel/include/disk_pattern.h, shared
 * with the guest.  Prints TAP: one result per region and one for the
 * rest; the first bad sectors are named.  Exit 0 when all held.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "disk_pattern.h"

struct region {
	const char *name;
	uint64_t first, count, seed;
};

static const struct region regions[] = {
	{ "pattern", DP_PATTERN_SECTOR, DP_PATTERN_COUNT, DP_PATTERN_SEED },
	{ "sequential", DP_SEQ_SECTOR, DP_SEQ_COUNT, DP_SEQ_SEED },
	{ "in-flight", DP_INFLIGHT_SECTOR, DP_INFLIGHT_COUNT, DP_INFLIGHT_SEED },
	{ "user", DP_USER_SECTOR, DP_USER_COUNT, DP_USER_SEED },
};
#define NREGIONS (sizeof(regions) / sizeof(regions[0]))

static int make(const char *path)
{
	FILE *f = fopen(path, "wb");
	uint64_t words[DP_SECTOR / 8];
	if (!f) {
		fprintf(stderr, "disk-check: cannot create %s: %s\n", path, strerror(errno));
		return 2;
	}
	for (uint64_t s = 0; s < DP_IMAGE_SECTORS; s++) {
		dp_fill(words, s, DP_BACKGROUND_SEED);
		if (fwrite(words, sizeof(words), 1, f) != 1) {
			fprintf(stderr, "disk-check: writing %s: %s\n", path, strerror(errno));
			fclose(f);
			return 2;
		}
	}
	if (fclose(f) != 0) {
		fprintf(stderr, "disk-check: closing %s: %s\n", path, strerror(errno));
		return 2;
	}
	return 0;
}

/* The region a sector belongs to (rw), or NULL: background. */
static const struct region *region_of(uint64_t s)
{
	for (unsigned i = 0; i < NREGIONS; i++)
		if (s >= regions[i].first && s < regions[i].first + regions[i].count)
			return &regions[i];
	return NULL;
}

/* The host grew the image: the new sectors read as zeroes. */
static bool zero(const uint64_t *words)
{
	for (unsigned i = 0; i < DP_SECTOR / 8; i++)
		if (words[i])
			return false;
	return true;
}

static int verify(const char *path, bool rw, uint64_t sectors)
{
	FILE *f = fopen(path, "rb");
	uint64_t words[DP_SECTOR / 8], bad[NREGIONS + 1] = { 0 }, first[NREGIONS + 1];
	if (!f) {
		printf("1..1\nnot ok 1 image readable # %s: %s\n", path, strerror(errno));
		return 1;
	}
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fseek(f, 0, SEEK_SET);
	printf("1..%u\n", (unsigned)NREGIONS + 2);
	printf("%s 1 image size %ld bytes\n", (uint64_t)size == sectors * DP_SECTOR ? "ok" : "not ok", size);
	for (uint64_t s = 0; s < sectors; s++) {
		const struct region *r = region_of(s);
		unsigned k = r ? (unsigned)(r - regions) : NREGIONS;
		if (fread(words, sizeof(words), 1, f) != 1 ||
		    (s < DP_IMAGE_SECTORS && dp_check(words, s, r && rw ? r->seed : DP_BACKGROUND_SEED)) ||
		    (s >= DP_IMAGE_SECTORS && !zero(words))) {
			if (!bad[k]++)
				first[k] = s;
		}
	}
	fclose(f);
	int fails = (uint64_t)size != sectors * DP_SECTOR;
	for (unsigned k = 0; k <= NREGIONS; k++) {
		const char *name = k < NREGIONS ? regions[k].name : "untouched background";
		if (bad[k]) {
			fails++;
			printf("not ok %u region %s: %llu bad sectors, the first %llu\n", k + 2, name,
			       (unsigned long long)bad[k], (unsigned long long)first[k]);
		} else {
			printf("ok %u region %s %s\n", k + 2, name,
			       rw && k < NREGIONS ? "holds what the guest wrote" : "unchanged");
		}
	}
	return fails ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "make") == 0)
		return make(argv[2]);
	if ((argc == 4 || argc == 5) && strcmp(argv[1], "verify") == 0 &&
	    (strcmp(argv[3], "rw") == 0 || strcmp(argv[3], "ro") == 0)) {
		uint64_t mib = argc == 5 ? strtoull(argv[4], NULL, 10) : DP_IMAGE_SECTORS / 2048;
		if (mib < DP_IMAGE_SECTORS / 2048 || mib > 1024) {
			fprintf(stderr, "disk-check: size %s MiB: at least %d, at most 1024\n",
				argv[4], DP_IMAGE_SECTORS / 2048);
			return 2;
		}
		return verify(argv[2], strcmp(argv[3], "rw") == 0, mib * 2048);
	}
	fprintf(stderr, "usage: disk-check make IMAGE | disk-check verify IMAGE rw|ro [MIB]\n");
	return 2;
}
