/* end.c: how a run ends.  Every part of hv that finds a reason to stop
 * the guest calls hv_end(); it lives on its own (not in main.c) so that
 * devices, the bus and their unit tests need nothing of hv's start-up. */
#include "hv.h"

#include <stdarg.h>
#include <stdio.h>

/* First reason wins: a crash found while reporting a timeout, say, must
 * not overwrite the first explanation. */
void hv_end(struct hv *hv, int status, const char *fmt, ...)
{
	va_list ap;

	if (hv->ended)
		return;
	hv->ended = 1;
	hv->status = status;
	va_start(ap, fmt);
	vsnprintf(hv->reason, sizeof(hv->reason), fmt, ap);
	va_end(ap);
}
