/*
 * romtool.c: the VMI ROM tool's command line -- "build" turns a backend's
 * relocatable ELF object into an option-ROM image (romtool_build.c),
 * "check" applies every statically checkable SPEC.md rule to an image,
 * "dump" shows an image to a person (both romtool_image.c).
 *
 *   romtool build -o OUT.rom IN.o
 *   romtool check FILE...
 *   romtool dump FILE
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "romtool.h"
#include "validate.h"

static int usage(void)
{
	fprintf(stderr, "usage: romtool build -o OUT.rom IN.o\n"
	                "       romtool check FILE...\n"
	                "       romtool dump FILE\n");
	return 2;
}

static int cmd_check(int argc, char **argv)
{
	int bad = 0;

	if (argc < 3)
		return usage();
	for (int i = 2; i < argc; i++) {
		struct rt_file f;
		if (rt_read_file(argv[i], &f) != 0) {
			bad++;
			continue;
		}
		int n = rt_check(argv[i], f.buf, f.len);
		if (n == 0)
			printf("%s: ok\n", argv[i]);
		bad += n;
		free(f.buf);
	}
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	if (!strcmp(argv[1], "build")) {
		if (argc != 5 || strcmp(argv[2], "-o"))
			return usage();
		return rt_build(argv[4], argv[3]);
	}
	if (!strcmp(argv[1], "check"))
		return cmd_check(argc, argv);
	if (!strcmp(argv[1], "dump")) {
		struct rt_file f;
		if (argc != 3)
			return usage();
		if (rt_read_file(argv[2], &f) != 0)
			return 1;
		int rc = rt_dump(argv[2], f.buf, f.len);
		free(f.buf);
		return rc;
	}
	return usage();
}
