/* snapmk.c: writes the sample snapshot (snap_sample.h) to FILE and
 * prints where its sections lie ("NAME OFFSET LENGTH" per line), so the
 * bad-file suite can damage one field at a time.  With --virtio, the
 * sample with three virtio devices' sections (the fuzzer's seed
 * tests/fuzz/corpus/hv_snapshot/sample-virtio is this file).
 *
 *   snapmk [--virtio] FILE */
#include "snap_sample.h"

#include <stdio.h>

int main(int argc, char **argv)
{
	static const char *const names[] = { "hv.config", "dev.com1", "dev.rtc",
					     "mem.extents", "cpu.msrs", "vm.pic0" };
	size_t len;
	int virtio = argc == 3 && strcmp(argv[1], "--virtio") == 0;
	uint8_t *f = virtio ? snap_sample_virtio(&len) : snap_sample(&len);
	const char *path = argv[argc - 1];
	FILE *o;

	if (argc != 2 + virtio || f == NULL) {
		fprintf(stderr, "usage: snapmk [--virtio] FILE\n");
		return 2;
	}
	o = fopen(path, "wb");
	if (o == NULL || fwrite(f, 1, len, o) != len || fclose(o)) {
		perror(path);
		return 1;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		uint64_t l = 0;
		size_t off = snap_sample_find(f, names[i], &l);
		printf("%s %zu %llu\n", names[i], off, (unsigned long long)l);
	}
	printf("file %zu\n", len);
	free(f);
	return 0;
}
