/*
 * twin.h: pairs of op probes, paravirtualized and native (twin_body.h).
 */
#ifndef TWIN_H
#define TWIN_H

#include <stdint.h>

struct twin {
	const char *name;
	const uint8_t *pv, *nat;
};

extern const struct twin twins[];
extern const int ntwins;

#endif
