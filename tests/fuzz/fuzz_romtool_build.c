/*
 * fuzz_romtool_build.c: libFuzzer target for "romtool build"
 * (vmi-rom/romtool_build.c): the input is the relocatable ELF object a
 * backend hands it.  Built and checked in memory, nothing written; every
 * malformed object must end in an error message, never in undefined
 * behaviour.  Messages are many: run with -close_fd_mask=3.
 */
#include <stdint.h>
#include <stdio.h>

#include "../../vmi-rom/romtool.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (!freopen("/dev/null", "w", stdout))
		return -1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
	(void)rt_build_buf("fuzz.o", buf, len, NULL);
	return 0;
}
