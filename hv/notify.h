/* notify.h: a device notify that reached hv through a ROM's transport
 * (ROM ABI 1.1, DEVICE_NOTIFY: xenlike's evtchn_send hypercall,
 * vmwarelike's NOTIFY backdoor command), delivered as the 16-bit MMIO
 * write the native form would have made. */
#ifndef HV_NOTIFY_H
#define HV_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "hv.h"
#include "bus.h"		/* bus__mmio: the MMIO dispatch a notify goes through */

/* Delivers value to the device at gpa as a 2-byte MMIO write: 0 when a
 * device claimed gpa, -1 when none did (the backend returns an error to
 * the guest, which goes on).  Counted in hv->stats (notify,
 * notify_refused). */
int hv_device_notify(struct hv *hv, uint64_t gpa, uint16_t value);

#endif
