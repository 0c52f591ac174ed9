/*
 * fuzz_cmdline.c: libFuzzer target for the kernel command-line parser
 * (kernel/cmdline.c).  The input, NUL-terminated, is the command line a
 * loader hands over; every word is parsed or reported, and the option
 * strings must stay terminated within their arrays.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"

static void fz_warn(const char *word, size_t len, const char *msg)
{
	(void)word;
	(void)len;
	(void)msg;
}

static void fz_terminated(const char *s)
{
	if (memchr(s, 0, KOPT_STR) == NULL)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
	char *s = malloc(len + 1);
	struct kopts o;

	if (!s)
		return 0;
	memcpy(s, buf, len);
	s[len] = 0;
	memset(&o, 0, sizeof(o));
	(void)cmdline_parse(s, &o, fz_warn);
	(void)cmdline_parse(s, &o, NULL);
	fz_terminated(o.test_filter);
	fz_terminated(o.bench_filter);
	fz_terminated(o.expect);
	free(s);
	return 0;
}
