/*
 * fuzz_vmi_guest.c: libFuzzer target for the guest's binding
 * (vmi-rom/guest.c) with an option-ROM window whose bytes change while
 * the binding reads it.
 *
 * Input: one flags byte (low 4 bits: number of changes; bits 4-6: init's
 * return code, 0 or its negation; bit 7: protect() refuses), that many
 * 8-byte changes, then the window's bytes (a ROM at offset 0 for the
 * seeds).  A change is { step, kind, offset (LE16), value (LE32) }: it
 * is applied to the window at the step-th callback the binding makes
 * (each scan_next, validate, log, map, protect, init, query), so the
 * window changes between the scan, the copy, its validation and init.
 * The ROM's entries are never run: run_init and run_query stand in, the
 * latter answering from the call table in the window as it is then
 * (flags 0xFF in an entry: VMI_E_NOCALL; 0xFE: VMI_E_NOTREADY).
 *
 * Property, trapped when broken: what is bound is what was validated.
 * At protect(), init, each query and a successful return, the copy's
 * bytes equal those the validator (vmi_validate, wrapped through the
 * linker's --wrap) last accepted, its length and header equal the
 * window's at scan time, and the mapping, init's arguments and entries
 * follow that header; every answer kept passes the check on those
 * bytes.  A refused binding is not bound, and holds memory (keep) only
 * if init ran.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../vmi-rom/guest.h"

#define WINDOW_MAX 0x20000u		/* 0xC0000-0xDFFFF */
#define MAX_CHANGES 15
#define STEP_MOD 64

struct fz_change {
	uint8_t step, kind;
	uint16_t off;
	uint32_t val;
};

/* One run's state: the window, the schedule, what the binding did. */
static struct {
	uint8_t *win;
	size_t win_len;
	struct fz_change ch[MAX_CHANGES];
	unsigned nch, step;
	int64_t init_rc;
	bool protect_refuses;
	/* the first good scan hit: the window at scan time */
	bool found;
	struct vmi_scan_hit hit;
	/* map() */
	uint8_t *mem;
	uint64_t rom_len, data_len, va, pa;
	/* the last vmi_validate the binding made */
	unsigned validations;
	enum vmi_status vst;
	const uint8_t *vbuf;
	size_t vlen;
	struct vmi_rom_info vinfo;
	uint8_t *vsnap;
	/* the entries reached */
	bool protected_ok;
	unsigned inits, queries;
	bool init_ok;
} fz;

static uint32_t get32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Make the ROM at window offset 0 sum to zero through its last byte. */
static void fz_fix_sum(void)
{
	size_t len = fz.win_len > 2 ? (size_t)fz.win[2] * 512 : 0;
	if (len == 0 || len > fz.win_len)
		return;
	fz.win[len - 1] = 0;
	fz.win[len - 1] = (uint8_t)(0x100 - vmi_sum8(fz.win, len));
}

static void fz_apply(const struct fz_change *c)
{
	size_t off = c->off % fz.win_len;
	switch (c->kind % 4) {
	case 0:					/* one byte */
		fz.win[off] = (uint8_t)c->val;
		break;
	case 1:					/* four bytes */
		if (off + 4 <= fz.win_len)
			memcpy(fz.win + off, &c->val, 4);
		break;
	case 2:					/* a header field, still summing to 0 */
		off = VMI_HDR_OFFSET + (c->off % sizeof(struct vmi_rom_header) & ~3u);
		if (off + 4 <= fz.win_len)
			memcpy(fz.win + off, &c->val, 4);
		fz_fix_sum();
		break;
	default:				/* one byte, still summing to 0 */
		fz.win[off] = (uint8_t)c->val;
		fz_fix_sum();
		break;
	}
}

/* A callback or read by the binding: the window changes as scheduled. */
static void fz_tick(void)
{
	for (unsigned i = 0; i < fz.nch; i++)
		if (fz.ch[i].step % STEP_MOD == fz.step)
			fz_apply(&fz.ch[i]);
	fz.step++;
}

/* What is in the copy is what the validator accepted, and what the
 * window showed at scan time (length, header). */
static void fz_check_copy(void)
{
	if (!fz.found || !fz.mem || fz.validations == 0 || fz.vst != VMI_ST_OK)
		__builtin_trap();
	if (fz.vbuf != fz.mem || fz.vlen != fz.hit.info.image_len)
		__builtin_trap();		/* validated something else */
	if (fz.vinfo.image_len != fz.hit.info.image_len ||
	    memcmp(&fz.vinfo.hdr, &fz.hit.info.hdr, sizeof(fz.vinfo.hdr)) != 0)
		__builtin_trap();		/* not the ROM the scan chose */
	if (memcmp(fz.mem, fz.vsnap, fz.vlen) != 0)
		__builtin_trap();		/* bytes changed since validation */
	for (uint64_t i = fz.vlen; i < fz.rom_len; i++)
		if (fz.mem[i])
			__builtin_trap();	/* stray bytes after the image */
	if (fz.rom_len != fz.vinfo.hdr.data_offset ||
	    fz.data_len < fz.vinfo.hdr.data_size)
		__builtin_trap();		/* mapped for another header */
}

bool __real_vmi_scan_next(const uint8_t *win, size_t win_len, uint64_t base,
			  size_t *pos, struct vmi_scan_hit *hit);
bool __wrap_vmi_scan_next(const uint8_t *win, size_t win_len, uint64_t base,
			  size_t *pos, struct vmi_scan_hit *hit);
bool __wrap_vmi_scan_next(const uint8_t *win, size_t win_len, uint64_t base,
			  size_t *pos, struct vmi_scan_hit *hit)
{
	fz_tick();
	bool more = __real_vmi_scan_next(win, win_len, base, pos, hit);
	if (more && hit->status == VMI_ST_OK && !fz.found) {
		fz.found = true;
		fz.hit = *hit;
	}
	return more;
}

enum vmi_status __real_vmi_validate(const uint8_t *buf, size_t len, struct vmi_rom_info *info);
enum vmi_status __wrap_vmi_validate(const uint8_t *buf, size_t len, struct vmi_rom_info *info);
enum vmi_status __wrap_vmi_validate(const uint8_t *buf, size_t len, struct vmi_rom_info *info)
{
	fz_tick();
	enum vmi_status st = __real_vmi_validate(buf, len, info);
	fz.validations++;
	fz.vst = st;
	fz.vbuf = buf;
	fz.vlen = len;
	free(fz.vsnap);
	fz.vsnap = malloc(len ? len : 1);
	if (!fz.vsnap)
		abort();
	memcpy(fz.vsnap, buf, len);
	if (st == VMI_ST_OK && info)
		fz.vinfo = *info;
	return st;
}

static uint64_t fz_map(void *ctx, uint64_t rom_len, uint64_t data_len, uint64_t *pa)
{
	(void)ctx;
	fz_tick();
	if (fz.mem || rom_len == 0 || rom_len > (1u << 20) || data_len > (1u << 24) ||
	    rom_len % 4096 || data_len % 4096)
		__builtin_trap();		/* once, page multiples, bounded */
	fz.mem = aligned_alloc(4096, rom_len + data_len);
	if (!fz.mem)
		abort();
	memset(fz.mem, 0, rom_len + data_len);
	fz.rom_len = rom_len;
	fz.data_len = data_len;
	fz.va = (uint64_t)(uintptr_t)fz.mem;
	fz.pa = *pa = 0x100000;
	return fz.va;
}

static bool fz_protect(void *ctx, uint64_t va, uint64_t len)
{
	(void)ctx;
	fz_tick();
	fz_check_copy();
	if (va != fz.va || len != fz.rom_len)
		__builtin_trap();
	fz.protected_ok = !fz.protect_refuses;
	return fz.protected_ok;
}

static void fz_log(void *ctx, const char *line)
{
	(void)ctx;
	fz_tick();
	if (strlen(line) >= 160)
		__builtin_trap();
}

static int64_t fz_init(void *ctx, uint64_t entry, const struct vmi_init_args *a)
{
	(void)ctx;
	fz_tick();
	fz.inits++;
	if (!fz.protected_ok || fz.inits != 1)
		__builtin_trap();		/* run unsealed, or twice */
	fz_check_copy();
	if (entry != fz.va + fz.vinfo.hdr.init_offset || a->rom_va != fz.va ||
	    a->rom_pa != fz.pa || a->data_va != fz.va + fz.rom_len ||
	    a->data_pa != fz.pa + fz.rom_len || a->data_size > fz.data_len ||
	    a->data_size < fz.vinfo.hdr.data_size)
		__builtin_trap();
	fz.init_ok = fz.init_rc == 0;
	return fz.init_rc;
}

/* Answers from the call table in the window as it is now, which may no
 * longer be the table validated: the guest must check each answer
 * against the bytes it validated. */
static int64_t fz_query(void *ctx, uint64_t entry, uint32_t call, struct vmi_reloc *out)
{
	(void)ctx;
	fz_tick();
	fz.queries++;
	if (!fz.init_ok || call >= fz.vinfo.calls_known)
		__builtin_trap();
	fz_check_copy();
	if (entry != fz.va + fz.vinfo.hdr.query_offset)
		__builtin_trap();
	if (vmi_table_reloc(fz.win + fz.hit.offset, &fz.vinfo, call, out) != VMI_ST_OK)
		__builtin_trap();
	if (out->flags == 0xFF)			/* stands for "not mine" */
		return VMI_E_NOCALL;
	return out->flags == 0xFE ? VMI_E_NOTREADY : 0;
}

/* After vmi_guest_bind: bound means bound to the validated bytes; a
 * refusal binds nothing, and holds memory (keep) only if init ran and
 * may have reached the host.  Init may have succeeded before a bad
 * answer refused the binding. */
static void fz_check_result(bool ok, const struct vmi_binding *b)
{
	if (!ok) {
		bool ran = fz.inits != 0;
		if (b->bound || b->init_called != ran ||
		    b->init_ok != (ran && fz.init_rc == 0) ||
		    b->keep != (ran && vmi_init_may_hold(fz.init_rc)))
			__builtin_trap();
		return;
	}
	if (!b->bound || !b->init_ok || !fz.protected_ok || fz.inits != 1)
		__builtin_trap();
	fz_check_copy();
	if (memcmp(&b->info, &fz.vinfo, sizeof(b->info)) != 0 || b->rom_va != fz.va ||
	    b->rom_pa != fz.pa || b->data_va != fz.va + fz.rom_len ||
	    b->found_pa != 0xC0000 + fz.hit.offset)
		__builtin_trap();
	uint32_t n = fz.vinfo.hdr.name_len;
	if (n > VMI_NAME_MAX || memcmp(b->name, fz.vsnap + fz.vinfo.hdr.name_offset, n) != 0 ||
	    b->name[n] != 0)
		__builtin_trap();
	static const struct vmi_reloc native;
	for (uint32_t c = 0; c < VMI_CALL_COUNT; c++) {
		const struct vmi_reloc *r = &b->answer[c];
		if (c < fz.vinfo.calls_known ? vmi_check_reloc(fz.vsnap, &fz.vinfo, c, r) != VMI_ST_OK
					     : memcmp(r, &native, sizeof(*r)) != 0)
			__builtin_trap();	/* an answer kept unchecked */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
	if (len < 1)
		return 0;
	unsigned nch = buf[0] & 15;
	size_t head = 1 + 8 * (size_t)nch;
	if (len <= head)
		return 0;
	memset(&fz, 0, sizeof(fz));
	fz.nch = nch;
	for (unsigned i = 0; i < nch; i++) {
		const uint8_t *p = buf + 1 + 8 * i;
		fz.ch[i] = (struct fz_change){ p[0], p[1], (uint16_t)(p[2] | p[3] << 8), get32(p + 4) };
	}
	fz.init_rc = -(int64_t)((buf[0] >> 4) & 7);
	fz.protect_refuses = buf[0] & 0x80;
	fz.win_len = len - head < WINDOW_MAX ? len - head : WINDOW_MAX;
	fz.win = malloc(fz.win_len);
	if (!fz.win)
		abort();
	memcpy(fz.win, buf + head, fz.win_len);

	struct vmi_guest_env env = {
		.window = fz.win, .window_pa = 0xC0000, .window_len = fz.win_len,
		.map = fz_map, .protect = fz_protect, .log = fz_log,
		.run_init = fz_init, .run_query = fz_query,
		.timer_vector = 32,
	};
	struct vmi_binding b;
	bool ok = vmi_guest_bind(&env, &b);
	fz_check_result(ok, &b);

	free(fz.mem);
	free(fz.vsnap);
	free(fz.win);
	return 0;
}
