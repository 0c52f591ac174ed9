/* control.h: hv's control socket (--control PATH), QMP-style JSON
 * parsed with json-c (hv/hv.md, "The control socket").
 *
 * A thread of hv accepts one client at a time and parses its messages;
 * every command that touches the guest runs in the vCPU thread with
 * the vCPU stopped: the thread posts it, kicks the vCPU out of KVM_RUN
 * with a signal, and waits for the answer.  The run loop calls
 * control__poll() before every KVM_RUN; while the guest is paused it
 * waits there for the next command. */
#ifndef HV_CONTROL_H
#define HV_CONTROL_H

#include "hv.h"

/* Listen on PATH ("@name": Linux's abstract namespace) and start the
 * thread; after vcpu__init.  0, or -1 with the reason on stderr. */
int control__start(struct hv *hv, const char *path);
/* Run loop, vCPU stopped: serve posted commands (and stay while paused). */
void control__poll(struct hv *hv);
/* A command is waiting: whatever blocks the vCPU thread should return. */
int control__pending(void);
/* From another thread (migration): run fn(hv, arg) in the vCPU thread
 * with the vCPU stopped, and wait for it.  0, or -1 if the guest ended. */
int control__call(void (*fn)(struct hv *hv, void *arg), void *arg);

#endif
