/*
 * guest.c: discovery and binding of a hypervisor ROM (see guest.h).
 *
 * Layers, each logged: scan the option-ROM window and say what each
 * candidate is; copy the chosen image into RAM and validate the copy
 * again (we run exactly the bytes we checked); map the copy and its data
 * area; call init; ask for every call's answer and check it against the
 * image.  Any failure leaves the kernel native and says why.
 */
#include <stdio.h>
#include <string.h>
#include "guest.h"

#define LINE 160

static void say(const struct vmi_guest_env *env, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#include <stdarg.h>
static void say(const struct vmi_guest_env *env, const char *fmt, ...)
{
	char line[LINE];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	env->log(env->ctx, line);
}

/* Layer 1: the scan.  Every candidate gets a line; the first good wins. */
static bool scan(const struct vmi_guest_env *env, struct vmi_scan_hit *found)
{
	struct vmi_scan_hit h;
	size_t pos = 0;
	bool any = false;
	while (vmi_scan_next(env->window, env->window_len, env->window_pa, &pos, &h)) {
		say(env, "vmi: option ROM at %#llx: %s", (unsigned long long)h.addr,
		    h.status == VMI_ST_OK ? "a VMI ROM" : vmi_status_str(h.status));
		if (h.status == VMI_ST_OK && !any) {
			*found = h;
			any = true;
		}
	}
	if (!any)
		say(env, "vmi: no hypervisor ROM in %#llx-%#llx; staying native",
		    (unsigned long long)env->window_pa,
		    (unsigned long long)(env->window_pa + env->window_len));
	return any;
}

/* Why the validated copy is not the ROM the window showed, or NULL.  The
 * mapping was sized from the window's header and init is set up from
 * the copy's (SPEC.md 7.1: the same length), so the two must agree to
 * the byte: a window that changed in between would leave the ROM a data
 * area smaller than it declares, or an entry the scan never checked. */
static const char *copy_differs(const struct vmi_rom_info *win,
				const struct vmi_rom_info *copy)
{
	if (copy->image_len != win->image_len)
		return "its length";
	if (memcmp(&copy->hdr, &win->hdr, sizeof(copy->hdr)) != 0)
		return "its ABI header";
	return NULL;
}

/* Layer 2: copy, map, validate the copy. */
static bool copy_and_map(const struct vmi_guest_env *env, const struct vmi_scan_hit *h,
			 struct vmi_binding *b)
{
	uint64_t rom_len = h->info.hdr.data_offset;	/* image rounded to 4 KiB */
	uint64_t data_len = (h->info.hdr.data_size + 4095) & ~4095ULL;
	uint64_t va = env->map(env->ctx, rom_len, data_len, &b->rom_pa);
	if (!va) {
		say(env, "vmi: no memory for the ROM copy (%llu + %llu bytes); staying native",
		    (unsigned long long)rom_len, (unsigned long long)data_len);
		return false;
	}
	memcpy((void *)(uintptr_t)va, env->window + h->offset, h->info.image_len);
	enum vmi_status st = vmi_validate((const uint8_t *)(uintptr_t)va, h->info.image_len, &b->info);
	if (st != VMI_ST_OK) {
		say(env, "vmi: the copy fails validation (%s); staying native", vmi_status_str(st));
		return false;
	}
	const char *why = copy_differs(&h->info, &b->info);
	if (why) {
		say(env, "vmi: the copy differs from the ROM in the window (%s: %u bytes, "
		    "window %u); staying native", why, b->info.image_len, h->info.image_len);
		return false;
	}
	if (!env->protect(env->ctx, va, rom_len)) {	/* ROM code never writes itself */
		say(env, "vmi: cannot write-protect the ROM copy at %#llx; staying native",
		    (unsigned long long)va);
		return false;
	}
	b->rom_va = va;
	b->data_va = va + rom_len;
	b->data_pa = b->rom_pa + rom_len;
	b->found_pa = h->addr;
	uint32_t n = b->info.hdr.name_len;
	memcpy(b->name, (const char *)(uintptr_t)va + b->info.hdr.name_offset, n);
	b->name[n] = 0;
	say(env, "vmi: ROM '%s' ABI %u.%u, %u calls, %u-byte data area, copied to %#llx",
	    b->name[0] ? b->name : "(unnamed)", b->info.hdr.abi_major, b->info.hdr.abi_minor,
	    b->info.calls_known, b->info.hdr.data_size, (unsigned long long)b->rom_pa);
	return true;
}

bool vmi_init_may_hold(int64_t rc)
{
	switch (rc) {
	case VMI_E_VERSION:
	case VMI_E_ARGS:
	case VMI_E_LAYOUT:
	case VMI_E_NOHOST:
		return false;
	default:
		return true;
	}
}

/* Layer 3: init, with interrupts off (the caller's job). */
static bool init(const struct vmi_guest_env *env, struct vmi_binding *b)
{
	struct vmi_init_args a;
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.abi_major = VMI_ABI_MAJOR;
	a.abi_minor = VMI_ABI_MINOR;
	a.rom_pa = b->rom_pa;
	a.rom_va = b->rom_va;
	a.data_pa = b->data_pa;
	a.data_va = b->data_va;
	a.data_size = (b->info.hdr.data_size + 4095) & ~4095ULL;
	a.timer_vector = env->timer_vector;
	a.nr_maps = env->nr_maps;
	memcpy(a.maps, env->maps, sizeof(a.maps));
	uint64_t entry = b->rom_va + b->info.hdr.init_offset;
	int64_t rc = env->run_init ? env->run_init(env->ctx, entry, &a)
				   : ((vmi_init_fn)(uintptr_t)entry)(&a);
	b->init_called = true;
	b->init_rc = rc;
	b->keep = vmi_init_may_hold(rc);
	if (rc != 0) {
		say(env, "vmi: ROM init failed: %s (%lld); staying native%s", vmi_err_str(rc),
		    (long long)rc, b->keep ? "; its pages stay (the host may hold them)" : "");
		return false;
	}
	b->init_ok = true;
	say(env, "vmi: ROM init ok (data area at %#llx)", (unsigned long long)b->data_pa);
	return true;
}

/* Layer 4: an answer for every call, each checked against the image. */
static bool query_all(const struct vmi_guest_env *env, struct vmi_binding *b)
{
	uint64_t entry = b->rom_va + b->info.hdr.query_offset;
	for (uint32_t c = 0; c < VMI_CALL_COUNT; c++) {
		struct vmi_reloc *r = &b->answer[c];
		memset(r, 0, sizeof(*r));
		r->type = VMI_RELOC_NATIVE;
		if (c >= b->info.calls_known)
			continue;			/* an older minor: native */
		if ((b->info.hdr.features & VMI_CALL_FEATURE(c)) != VMI_CALL_FEATURE(c))
			continue;			/* not announced: native */
		int64_t rc = env->run_query ? env->run_query(env->ctx, entry, c, r)
					    : ((vmi_query_fn)(uintptr_t)entry)(c, r);
		if (rc == VMI_E_NOCALL) {
			memset(r, 0, sizeof(*r));
			continue;
		}
		enum vmi_status st = rc ? VMI_ST_OK : vmi_check_reloc(
			(const uint8_t *)(uintptr_t)b->rom_va, &b->info, c, r);
		if (rc || st != VMI_ST_OK) {
			say(env, "vmi: bad answer for call %u (%s): %s; staying native", c,
			    vmi_call_desc(c) ? vmi_call_desc(c)->name : "?",
			    rc ? vmi_err_str(rc) : vmi_status_str(st));
			return false;
		}
	}
	unsigned n[VMI_RELOC_TYPES] = { 0 };
	for (uint32_t c = 0; c < VMI_CALL_COUNT; c++)
		n[b->answer[c].type]++;
	say(env, "vmi: answers: %u CALL, %u NATIVE, %u NOP, %u JUMP", n[VMI_RELOC_CALL],
	    n[VMI_RELOC_NATIVE], n[VMI_RELOC_NOP], n[VMI_RELOC_JUMP]);
	return true;
}

/*
 * Layer 5 (ABI 1.2): the inline answers.  The validator has checked each
 * against the image; one is used only where the query answered its call
 * CALL exactly as the table does (so a ROM can withdraw an answer at run
 * time by answering otherwise).  Nothing here can fail the binding.
 */
static void inline_all(const struct vmi_guest_env *env, struct vmi_binding *b)
{
	const uint8_t *img = (const uint8_t *)(uintptr_t)b->rom_va;
	char names[LINE] = "";
	unsigned n = 0;
	if (!vmi_has_inline(&b->info))
		return;
	for (uint32_t i = 0; i < b->info.hdr.inline_count; i++) {
		struct vmi_inline_plan p;
		struct vmi_reloc t;
		if (vmi_check_inline(img, &b->info, i, &p) != VMI_ST_OK ||
		    p.call >= VMI_CALL_COUNT || b->has_inline[p.call] ||
		    vmi_table_reloc(img, &b->info, p.call, &t) != VMI_ST_OK)
			continue;
		const struct vmi_reloc *q = &b->answer[p.call];
		if (q->type != VMI_RELOC_CALL || q->target != t.target ||
		    q->clobbers != t.clobbers)
			continue;
		b->has_inline[p.call] = true;
		b->inline_plan[p.call] = p;
		size_t used = strlen(names);
		snprintf(names + used, sizeof(names) - used, " %s", vmi_call_desc(p.call)->name);
		n++;
	}
	say(env, "vmi: %u inline answers (ABI 1.2):%s", n, n ? names : " none used");
}

bool vmi_guest_bind(const struct vmi_guest_env *env, struct vmi_binding *b)
{
	struct vmi_scan_hit h;
	memset(b, 0, sizeof(*b));
	if (!scan(env, &h) || !copy_and_map(env, &h, b) || !init(env, b) || !query_all(env, b))
		return false;
	inline_all(env, b);
	b->bound = true;
	return true;
}
