/*
 * romtool.h: what romtool.c (check, dump, main) and romtool_build.c (build)
 * share.
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

/* romtool check FILE: every static SPEC.md rule; returns the number of
 * violations printed (0 = conforming). */
int rt_check(const char *path, const uint8_t *buf, size_t len);

#endif /* ROMTOOL_H */
