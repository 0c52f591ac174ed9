/* migrate.c: live migration (migrate.h). */
#include "migrate.h"

#include <stdio.h>

json_object *migrate__send(struct hv *hv, const char *uri, char *err, size_t errlen)
{
	(void)hv;
	snprintf(err, errlen, "migrate %s: not yet", uri);
	return NULL;
}

int migrate__receive(struct hv *hv, const char *path)
{
	(void)hv;
	fprintf(stderr, "hv: --incoming %s: not yet\n", path);
	return HV_EXIT_USAGE;
}

void migrate__confirm(struct hv *hv)
{
	(void)hv;
}
