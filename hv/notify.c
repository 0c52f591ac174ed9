/* notify.c: hv_device_notify, the one place where a ROM's notify
 * transport meets hv's devices: a backend's hypercall or backdoor command
 * hands over (gpa, value) and this delivers it exactly as the guest's
 * native `movw %si,(%rdi)` to the notify register would have arrived, a
 * 2-byte MMIO write at gpa.  A gpa no device claims is refused (the
 * guest gets an error and runs on: a stale or wrong notify address is a
 * driver bug, not an attack on hv). */
#include "notify.h"

#include <inttypes.h>
#include <stdio.h>

int hv_device_notify(struct hv *hv, uint64_t gpa, uint16_t value)
{
	int r = bus__mmio(hv, gpa, &value, sizeof(value), true);

	hv->stats.notify++;
	if (r != 0)
		hv->stats.notify_refused++;
	if (hv->opt.trace)
		fprintf(stderr, "hv: notify %#" PRIx64 " <- %#x%s\n", gpa, value,
			r != 0 ? ": no device there, refused" : "");
	return r != 0 ? -1 : 0;
}
