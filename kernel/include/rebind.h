/*
 * rebind.h: ABI 1.3 re-binding (kernel/rebind.c, SPEC.md section 20):
 * the tick watches the option-ROM window; a thread of its own re-binds
 * and re-patches at a safe point when the ROM changed.
 */
#ifndef REBIND_H
#define REBIND_H

#include <stdbool.h>

void rebind_note_boot(void);	/* pv_boot: the window as bound (or not) */
void rebind_init(void);		/* after the tick runs: thread, boot ack */
void rebind_tick(void);		/* timer.c, every tick: poll the window */
bool rebind_pending(void);	/* a re-bind waits for a safe point */
unsigned rebind_hops(void);	/* re-binds done so far */
void rebind_wait(unsigned n);	/* rebind.wait=N */
void rebind_request(void);	/* tests: acknowledge the generation again */
/* Tests that count free frames: a re-bind allocates the new ROM's copy
 * and frees the old one, so none happens between hold and release (it
 * waits, without using up its tries, and runs after the release). */
void rebind_hold(void);
void rebind_release(void);

/* pvboot.c's half (between two backends, interrupts off). */
struct vmi_binding;
void pv_rom_code(uint64_t *lo, uint64_t *hi);	/* bound ROM's code, or 0, 0 */
void pv_rebind_unpatch(void);	/* sites unpatched, the table native */
void pv_rebind_bind(void);	/* bind what the window holds, beside the old */
void pv_rebind_patch(void);	/* patch and report as a fresh boot */
void pv_rebind_release_old(void);	/* unmap and free the old copy */

#endif
