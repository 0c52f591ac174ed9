/* migrate.h: live migration between two hv processes over a Unix
 * socket (hv/hv.md, "Live migration").  The source is told by the
 * control socket's "migrate"; the destination is started with
 * --incoming PATH.  Pre-copy rounds follow KVM's dirty log, then the
 * guest stops for the last round and its state; the source ends only
 * when the destination says the guest runs there. */
#ifndef HV_MIGRATE_H
#define HV_MIGRATE_H

#include "hv.h"
#include <json-c/json.h>

/* Source, vCPU thread, vCPU stopped: migrate to uri ("unix:PATH" or
 * PATH, "@name" abstract).  On success the guest has moved: hv ends
 * (status 0) and the figures come back as the reply; NULL with the
 * reason in err otherwise (the guest runs on here). */
json_object *migrate__send(struct hv *hv, const char *uri, char *err, size_t errlen);
/* Destination, inside the VM before KVM's VM exists: listen on path
 * ("@name": abstract), take one source, check its HELLO (RAM size as
 * -m, backend, ROM unless --rom).  0 or an exit status. */
int migrate__accept(struct hv *hv, const char *path);
/* Destination, after vcpu__init: the source's virtio devices checked
 * against this hv's (WELCOME, or REFUSE with the reason), then memory
 * and state. */
int migrate__receive(struct hv *hv, const char *path);
/* Destination, right before the first KVM_RUN: "running" to the source. */
void migrate__confirm(struct hv *hv);

#endif
