/*
 * twin_native.c: the never-paravirtualized twins of the op probes (see
 * kernel/twin/twin_body.h), built into the paravirtualized kernel so it
 * can compare its patched text with them.  Native code, hence here.
 */
#define CONFIG_PV_NONE
#define PROBE(n) twin_nat_##n
#include "../kernel/twin/twin_body.h"
