/* rebind.h: a running guest moved onto another backend (SPEC.md section
 * 20, ABI 1.3; hv/hv.md "Switching backends").  hv keeps serving the
 * backend the guest is bound to until the guest says it has let go,
 * places the new ROM (or none) in the option-ROM window with a new
 * generation, and the guest re-binds at a safe point of its own. */
#ifndef HV_REBIND_H
#define HV_REBIND_H

#include <stddef.h>
#include <stdint.h>
#include "hv.h"

/* Image offset of the ROM header's `generation` field (ABI 1.3): the
 * notice the guest polls, and where it writes its acknowledgement. */
#define RB_GEN_OFFSET   (0x40 + 120)   /* VMI_IMAGE_GENERATION */

/* hv/rebind.h: the vCPU is stopped, state restored.  Makes the guest,
 * bound to backend `from` (its host-side state already loaded for
 * `from`), run under this hv's backend: serves `from`'s transport until
 * the guest has re-bound, and tells the guest its ROM changed.  0, or -1
 * with the reason in err. */
int rebind__switch(struct hv *hv, const char *from, char *err, size_t errlen);

/* --switch-backend MS:NAME[:ROM] (repeatable): 0, or a usage status. */
int rebind__parse(struct hv *hv, const char *arg);
/* After the backend's init, before the vCPU first runs: reads the
 * switches' ROMs, initialises their backends, stamps generation 1 on
 * the boot ROM.  0 or an exit status. */
int rebind__init(struct hv *hv);
/* A guest write into the read-only window 0xA0000-0xFFFFF (vcpu.c): the
 * guest's acknowledgement when it is one. */
void rebind__rom_write(struct hv *hv, uint64_t gpa, const void *data, unsigned len);

/* Pure helpers (unit-tested): the image at img (len bytes of window)
 * gets generation gen with its last byte adjusted so the image still
 * sums to zero; 0, or -1 when img holds no option ROM. */
int rebind__stamp(uint8_t *img, size_t len, uint32_t gen);
/* MS:NAME[:ROM] split in place; 0 or -1 with a reason in why. */
int rebind__split(char *arg, unsigned *ms, const char **name, const char **rom,
		  const char **why);

#endif
