/*
 * guest.h: the guest side of the ROM ABI: find a hypervisor ROM, check
 * it, copy and map it, run its init, and collect its answer for every
 * call.  Kernel-agnostic: the kernel supplies memory and a log through
 * struct vmi_guest_env.
 */
#ifndef VMI_GUEST_H
#define VMI_GUEST_H

#include <stdint.h>
#include <stdbool.h>
#include "vmi_abi.h"
#include "validate.h"
#include "inline.h"

struct vmi_guest_env {
	const uint8_t *window;		/* the option-ROM area, readable */
	uint64_t window_pa;		/* its physical address (0xC0000) */
	size_t window_len;
	/*
	 * Allocate rom_len + data_len bytes of physically contiguous zeroed
	 * RAM (both page multiples) and map it within rel32 reach of the
	 * kernel text: the first rom_len bytes read-only and executable,
	 * the rest writable.  Returns the virtual address (0 on failure)
	 * and the physical one in *pa.  All of it starts writable, so the image
	 * can be copied in; protect() then seals the ROM part.
	 */
	uint64_t (*map)(void *ctx, uint64_t rom_len, uint64_t data_len, uint64_t *pa);
	/* Make [va, va+len) read-only (after the copy is in place). */
	bool (*protect)(void *ctx, uint64_t va, uint64_t len);	/* false: not mapped */
	void (*log)(void *ctx, const char *line);
	/*
	 * Tests only: stand in for the ROM's init and query entries (entry
	 * is the address in the copy that would be called), so a harness can
	 * bind an image without running its code.  NULL, as in the kernel:
	 * the entry is called.
	 */
	int64_t (*run_init)(void *ctx, uint64_t entry, const struct vmi_init_args *a);
	int64_t (*run_query)(void *ctx, uint64_t entry, uint32_t call, struct vmi_reloc *out);
	void *ctx;
	uint32_t timer_vector;
	uint32_t nr_maps;
	struct vmi_linear_map maps[VMI_INIT_MAPS];
};

struct vmi_binding {
	bool bound;
	bool init_ok;			/* init returned 0 */
	bool keep;			/* the memory stays (vmi_init_may_hold) */
	bool init_called;
	int64_t init_rc;		/* what init returned */
	char name[VMI_NAME_MAX + 1];
	uint64_t found_pa;		/* where firmware put the ROM */
	uint64_t rom_va, rom_pa;	/* the guest's copy */
	uint64_t data_va, data_pa;
	struct vmi_rom_info info;
	struct vmi_reloc answer[VMI_CALL_COUNT];
	/* 1.2: inline answers the guest may use, per call (has_inline[c]):
	 * checked, and answered CALL by query exactly as in the table. */
	bool has_inline[VMI_CALL_COUNT];
	struct vmi_inline_plan inline_plan[VMI_CALL_COUNT];
};

/*
 * Whether the host may hold addresses of the ROM copy or data area once
 * init has returned rc: after success, and after every failure but the
 * four a ROM reports before it reaches its host (VERSION, ARGS, LAYOUT:
 * its own checks; NOHOST: no host to reach).  Such memory is never
 * freed: the host may write it on every exit.
 */
bool vmi_init_may_hold(int64_t rc);

/*
 * Runs discovery layer by layer, logging one line per layer.  Returns
 * true with *b filled when a ROM was bound; false (native stays) with the
 * reason logged otherwise.
 */
bool vmi_guest_bind(const struct vmi_guest_env *env, struct vmi_binding *b);

#endif
