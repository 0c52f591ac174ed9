/* hcall.h: the host side's dispatcher, used by hv's own devices and by
 * the backends (issue 6).  Two layers:
 *
 * Ports.  hv_port_register() claims a range of I/O ports on hv's bus
 * (bus.h: it is bus__register_pio); every guest in/out there (each
 * element of a rep ins/outs) calls the handler with a struct hv_io.
 * Unclaimed ports read as all ones and ignore writes.
 * A backend with its own calling convention (the VMware-like backdoor,
 * 0x5658, magic in eax, command in ecx) claims its port directly.
 *
 * Numbered hypercalls.  hv_hcall_register() puts a handler in the one
 * table (numbers 0 .. HV_HCALL_MAX-1) served by the transport port
 * HV_PORT_HCALL (0xf8) and by any other port a backend claims with
 * hv_hcall_port as its handler.  Transport: a 32-bit "out %eax, $0xf8"
 * with the number in eax, arguments in rbx, rcx, rdx, rsi, rdi; the
 * result comes back in rax.  Numbers 0x000-0x0ff belong to the active
 * backend, 0x100-0x1ff to hv itself (HV_HC_*).
 *
 * Hostile guests: a handler turns every guest-physical range into a
 * pointer with hv_guest_range() (a gmem_range() that ends the guest with
 * a reason on failure) and returns HV_HC_FAULT after hv_end(); it never
 * dereferences a guest address otherwise. */
#ifndef HV_HCALL_H
#define HV_HCALL_H

#include "hv.h"
#include "bus.h"

typedef void (*hv_port_fn)(struct hv *hv, struct hv_io *io, void *opaque);

struct hv_hcall {
	uint64_t nr;        /* IN: eax */
	uint64_t arg[5];    /* IN: rbx, rcx, rdx, rsi, rdi */
	uint64_t ret;       /* OUT: rax */
};

#define HV_HC_OK     0
#define HV_HC_FAULT  (-1)   /* guest misbehaved; hv_end() already called */
typedef int (*hv_hcall_fn)(struct hv *hv, struct hv_hcall *hc);

/* hv's own hypercalls. */
#define HV_HC_NOP    0x100  /* returns 0: the cheapest round trip */
#define HV_HC_PUTS   0x101  /* arg0 gpa, arg1 len <= HV_HC_PUTS_MAX: to stdout */
#define HV_HC_STATS  0x102  /* arg0 selector (as port 0xf0): 64-bit count */
#define HV_HC_PUTS_MAX 4096

int hv_port_register(uint16_t base, uint16_t count, const char *name,
		     hv_port_fn fn, void *opaque);
int hv_hcall_register(uint32_t nr, const char *name, hv_hcall_fn fn);
void hv_hcall_port(struct hv *hv, struct hv_io *io, void *opaque);
void *hv_guest_range(struct hv *hv, uint64_t gpa, uint64_t len,
		     const char *what);
const char *hv_hcall_name(uint32_t nr);
const char *hv_port_name(uint16_t port);

void hcall__init(struct hv *hv);

#endif
