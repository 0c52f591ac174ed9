/* notify.h: a device notify that reached hv through a ROM's transport
 * (ROM ABI 1.1, DEVICE_NOTIFY: xenlike's evtchn_send hypercall,
 * vmwarelike's NOTIFY backdoor command), delivered as the 16-bit MMIO
 * write the native form would have made. */
#ifndef HV_NOTIFY_H
#define HV_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "hv.h"

/* Delivers value to the device at gpa as a 2-byte MMIO write: 0 when a
 * device claimed gpa, -1 when none did (the backend returns an error to
 * the guest, which goes on).  Counted in hv->stats (notify,
 * notify_refused). */
int hv_device_notify(struct hv *hv, uint64_t gpa, uint16_t value);

/* The device bus's MMIO dispatch (hv/bus.h, branch hvdev): 0 handled,
 * -1 unclaimed.  Declared here until the bus lands; notify.c carries a
 * weak stand-in (every address unclaimed) so hv links without it, and
 * the real one replaces it at link time. */
int bus__mmio(struct hv *hv, uint64_t gpa, void *data, unsigned len, bool write);

#endif
