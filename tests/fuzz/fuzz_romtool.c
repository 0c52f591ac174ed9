/*
 * fuzz_romtool.c: libFuzzer target for "romtool check" and "romtool
 * dump" (vmi-rom/romtool_image.c) on an arbitrary file.  Their printed
 * output goes to /dev/null; what matters is that neither reads outside
 * the file nor hits undefined behaviour.
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
	(void)rt_check("fuzz.rom", buf, len);
	(void)rt_dump("fuzz.rom", buf, len);
	return 0;
}
