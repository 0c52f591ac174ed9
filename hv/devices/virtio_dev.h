/* virtio_dev.h: hv's virtio devices as main.c starts them.  Each has
 * an open step, run before any KVM is touched (so a bad --disk or
 * --balloon-control is refused at once, on the host, like a bad
 * kernel), and an add step that puts it on PCI bus 0 after pci__init. */
#ifndef HV_VIRTIO_DEV_H
#define HV_VIRTIO_DEV_H

#include "../hv.h"

/* virtio_blk.c: --disk FILE[,ro], one device per disk, in order. */
int vblk__open(struct hv *hv, unsigned i);      /* 0, or HV_EXIT_IMAGE with the reason */
int vblk__add(struct hv *hv, unsigned i);       /* 0 or -1 */
/* virtio_console.c: --virtio-console. */
int vcon__add(struct hv *hv);
/* virtio_balloon.c: --balloon MIB, --balloon-control FILE. */
int vballoon__open(struct hv *hv);              /* 0, or HV_EXIT_IMAGE */
int vballoon__add(struct hv *hv);
/* Issue 14: the control socket's "balloon": the guest's RAM to be
 * bytes (QMP's meaning); vCPU stopped.  0, or -1 with the reason. */
int vballoon__target(struct hv *hv, uint64_t bytes, char *err, size_t errlen);

#endif
