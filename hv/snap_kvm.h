/* snap_kvm.h: the state KVM holds, to and from snapshot sections
 * (snap_kvm.c).  Each returns 0, or -1 with the failing ioctl in err. */
#ifndef HV_SNAP_KVM_H
#define HV_SNAP_KVM_H

#include "snapshot.h"
#include "hv.h"

/* Finish the instruction of the last exit without running the guest. */
int snap_vcpu_settle(struct hv *hv, char *err, size_t errlen);
int snap_save_vcpu(struct hv *hv, struct snap_buf *b, char *err, size_t errlen);
int snap_save_vm(struct hv *hv, struct snap_buf *b, char *err, size_t errlen);
int snap_load_vcpu(struct hv *hv, const struct snap_view *v, char *err, size_t errlen);
int snap_load_vm(struct hv *hv, const struct snap_view *v, char *err, size_t errlen);

#endif
