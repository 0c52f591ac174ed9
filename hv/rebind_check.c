/* rebind_check.c: the pure parts of hv/rebind.c (unit-tested by
 * tests/unit/test_hv_rebind.c): stamping a generation into a ROM image
 * in the window, and the syntax of --switch-backend. */
#include "rebind.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>


int rebind__stamp(uint8_t *img, size_t len, uint32_t gen)
{
	size_t n;
	uint8_t sum = 0;

	if (len < 512 || img[0] != 0x55 || img[1] != 0xAA || img[2] == 0)
		return -1;
	n = (size_t)img[2] * 512;
	if (n > len || n < RB_GEN_OFFSET + 4)
		return -1;
	for (int i = 0; i < 4; i++)
		img[RB_GEN_OFFSET + i] = (uint8_t)(gen >> (8 * i));
	for (size_t i = 0; i + 1 < n; i++)
		sum = (uint8_t)(sum + img[i]);
	img[n - 1] = (uint8_t)(0u - sum);
	return 0;
}

int rebind__split(char *arg, unsigned *ms, const char **name, const char **rom,
		  const char **why)
{
	char *end, *colon = strchr(arg, ':'), *colon2;
	unsigned long v;

	*why = "want MS:NAME[:ROM]";
	if (colon == NULL || colon == arg)
		return -1;
	*colon = '\0';
	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || *end || arg[0] < '0' || arg[0] > '9' || v > 3600000) {
		*why = "MS: want milliseconds, 0 to 3600000";
		return -1;
	}
	*ms = (unsigned)v;
	*name = colon + 1;
	colon2 = strchr(colon + 1, ':');
	*rom = NULL;
	if (colon2) {
		*colon2 = '\0';
		if (colon2[1] == '\0') {
			*why = "empty ROM file name";
			return -1;
		}
		*rom = colon2 + 1;
	}
	if (strcmp(*name, "none") && strcmp(*name, "xenlike") && strcmp(*name, "vmwarelike")) {
		*why = "unknown backend (none, xenlike or vmwarelike)";
		return -1;
	}
	if (strcmp(*name, "none") == 0 && *rom) {
		*why = "backend none takes no ROM";
		return -1;
	}
	if (strcmp(*name, "none") != 0 && *rom == NULL) {
		*why = "a backend other than none needs its ROM (MS:NAME:ROM)";
		return -1;
	}
	return 0;
}
