/* backend.h: hv's hypercall backends, selected with --backend NAME.
 * A backend's init claims its ports (hv_port_register) and hypercall
 * numbers before the vCPU first runs.  The table's order is the id the
 * guest reads in CPUID leaf 0x40000001 edx: 0 none, 1 xenlike,
 * 2 vmwarelike (hv/hv.md). */
#ifndef HV_BACKEND_H
#define HV_BACKEND_H

#include "hv.h"

struct snap_buf;
struct snap_view;

struct hv_backend {
	const char *name;
	int (*init)(struct hv *hv);     /* NULL: not available in this build */
	/* Issue 14: the host side's state as the section "backend.NAME"
	 * (snapshot.h), and back after init; NULL: nothing to keep. */
	int (*save)(struct hv *hv, struct snap_buf *b);
	int (*load)(struct hv *hv, const struct snap_view *v, char *err, size_t errlen);
};

/* The backend called name, or NULL. */
const struct hv_backend *hv_backend_find(const char *name);
/* Its id for CPUID 0x40000001 edx (0 for an unknown name). */
uint32_t hv_backend_id(const char *name);
/* Runs the selected backend's init; 0 or -1 (reason on stderr). */
int hv_backend_init(struct hv *hv);

/* The backends' own entry points. */
int vmw__init(struct hv *hv);           /* backend_vmwarelike.c */
int xl__init(struct hv *hv);            /* backend_xenlike.c */
/* Issue 14: their snapshot state (at the end of each backend file). */
int vmw__save(struct hv *hv, struct snap_buf *b);
int vmw__load(struct hv *hv, const struct snap_view *v, char *err, size_t errlen);
int xl__save(struct hv *hv, struct snap_buf *b);
int xl__load(struct hv *hv, const struct snap_view *v, char *err, size_t errlen);

/* Issue 14 (hv/rebind.c): a backend the guest has let go of. */
void xl__detach(struct hv *hv);
void xl__set_run(struct kvm_run *run);
void vmw__detach(struct hv *hv);

#endif
