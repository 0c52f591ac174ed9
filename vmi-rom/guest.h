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
	void *ctx;
	uint32_t timer_vector;
	uint32_t nr_maps;
	struct vmi_linear_map maps[VMI_INIT_MAPS];
};

struct vmi_binding {
	bool bound;
	bool init_ok;			/* init returned 0: the memory stays */
	char name[VMI_NAME_MAX + 1];
	uint64_t found_pa;		/* where firmware put the ROM */
	uint64_t rom_va, rom_pa;	/* the guest's copy */
	uint64_t data_va, data_pa;
	struct vmi_rom_info info;
	struct vmi_reloc answer[VMI_CALL_COUNT];
};

/*
 * Runs discovery layer by layer, logging one line per layer.  Returns
 * true with *b filled when a ROM was bound; false (native stays) with the
 * reason logged otherwise.
 */
bool vmi_guest_bind(const struct vmi_guest_env *env, struct vmi_binding *b);

#endif
