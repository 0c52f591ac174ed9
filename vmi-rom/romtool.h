/*
 * romtool.h: what romtool.c (the command line), romtool_image.c (check,
 * dump) and romtool_build.c (build) share; tests and fuzzers call these.
 */
#ifndef ROMTOOL_H
#define ROMTOOL_H

#include <stddef.h>
#include <stdint.h>

/* A whole file in memory. */
struct rt_file {
	uint8_t *buf;
	size_t len;
};

/* Read path into *f; prints why and returns -1 on failure. */
int rt_read_file(const char *path, struct rt_file *f);

/* romtool build -o OUT IN.o: returns the process exit status. */
int rt_build(const char *in, const char *out);

/* The same from an object already in memory (path names it in messages);
 * out NULL: build and check, write nothing.  Returns 0 or -1. */
int rt_build_buf(const char *path, const uint8_t *buf, size_t len,
		 const char *out);

/* romtool check FILE: every static SPEC.md rule; returns the number of
 * violations printed (0 = conforming). */
int rt_check(const char *path, const uint8_t *buf, size_t len);

/* romtool dump FILE: the image's layers, header and call answers for a
 * person; returns the exit status (0 when the image is valid). */
int rt_dump(const char *path, const uint8_t *buf, size_t len);

#endif /* ROMTOOL_H */
