/* backend.c: the table of hypercall backends behind --backend (see
 * backend.h); the index of an entry is its CPUID id. */
#include "backend.h"

#include <stdio.h>
#include <string.h>

static const struct hv_backend hv_backends[] = {
	{ "none", NULL, NULL, NULL },
	{ "xenlike", xl__init, xl__save, xl__load },
	{ "vmwarelike", vmw__init, vmw__save, vmw__load },
};
#define HV_NBACKENDS (sizeof(hv_backends) / sizeof(hv_backends[0]))

const struct hv_backend *hv_backend_find(const char *name)
{
	for (size_t i = 0; i < HV_NBACKENDS; i++)
		if (strcmp(hv_backends[i].name, name) == 0)
			return &hv_backends[i];
	return NULL;
}

uint32_t hv_backend_id(const char *name)
{
	const struct hv_backend *b = hv_backend_find(name);
	return b ? (uint32_t)(b - hv_backends) : 0;
}

int hv_backend_init(struct hv *hv)
{
	const struct hv_backend *b = hv_backend_find(hv->opt.backend);
	return b && b->init ? b->init(hv) : 0;
}
