/*
 * nopdump.c: writes the NOP padding pv_nop_fill() makes for one length,
 * as raw bytes on stdout, so tests/pvops/nops-objdump.sh can decode it
 * with objdump (an x86 decoder that is not ours).
 *
 *   nopdump N      N = 1..64
 */
#include <stdio.h>
#include <stdlib.h>
#include <pvops/patch.h>

int main(int argc, char **argv)
{
	uint8_t buf[64];
	char *end;
	long n = argc == 2 ? strtol(argv[1], &end, 10) : 0;

	if (argc != 2 || *end || n < 1 || n > (long)sizeof(buf)) {
		fprintf(stderr, "usage: nopdump N   (N = 1..%zu)\n", sizeof(buf));
		return 2;
	}
	pv_nop_fill(buf, (size_t)n);
	return fwrite(buf, 1, (size_t)n, stdout) == (size_t)n ? 0 : 1;
}
