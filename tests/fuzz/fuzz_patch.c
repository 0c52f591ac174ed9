/*
 * fuzz_patch.c: libFuzzer target for the patcher (pvops/patch.c) and the
 * boot pass over site records (pvops/apply.c).
 *
 * Input: up to 8 records of 8 bytes each (a 2-byte offset into a fake
 * text buffer, the op, the length, flags, a decision kind and a native
 * template length), then the text bytes.  Record addresses are rebased
 * into the text buffer (pv_apply writes through them).  Afterwards: a
 * refused pass left the text untouched, and an accepted one had no two
 * sites sharing a byte.
 */
#include <stdint.h>
#include <string.h>

#include <pvops/apply.h>
#include <pvops/ops.h>
#include <pvops/patch.h>
#include <pvops/report.h>

#define FZ_TEXT  512
#define FZ_RECS  8

static uint8_t fz_text[FZ_TEXT + PV_SITE_MAX_LEN];
static void *fz_table[PV_OP_COUNT];
static uint8_t fz_kind[PV_OP_COUNT], fz_len[PV_OP_COUNT];
static const uint8_t fz_native[PV_SITE_MAX_LEN] = { 0x90, 0x90, 0x90, 0x90 };

/* The decision for op, from the kinds the input chose. */
static int fz_decide(void *ctx, unsigned op, struct pv_decision *d)
{
	(void)ctx;
	memset(d, 0, sizeof(*d));
	d->kind = fz_kind[op] % 6;              /* 0 and 5 are not kinds */
	d->clobbers = pv_op_info[op].clobbers;
	d->len = fz_len[op];
	d->bytes = fz_len[op] & 1 ? fz_native : NULL;
	d->target = (uint64_t)(uintptr_t)fz_text + FZ_TEXT / 2;
	return fz_kind[op] == 0xff;
}

/* One record from 8 input bytes; an unpatched call at its address when
 * it fits, so most records get past the stale-bytes check. */
static void fz_record(const uint8_t *in, struct pv_site *s)
{
	uint16_t off;
	memcpy(&off, in, 2);
	off %= FZ_TEXT;
	memset(s, 0, sizeof(*s));
	s->addr = (uint64_t)(uintptr_t)(fz_text + off);
	s->op = in[2] % (PV_OP_COUNT + 1);
	s->len = in[3] % (PV_SITE_MAX_LEN + 2);
	s->flags = in[4] & 0x80 ? in[4] & 1 : 0;
	s->clobbers = s->op < PV_OP_COUNT ? pv_op_info[s->op].clobbers : 0;
	if (s->op < PV_OP_COUNT) {
		fz_kind[s->op] = in[5];
		fz_len[s->op] = in[6] % (PV_SITE_MAX_LEN + 1);
	}
	if (!(in[7] & 1) && s->op < PV_OP_COUNT) {
		int32_t disp = (int32_t)((uint64_t)(uintptr_t)&fz_table[s->op] - (s->addr + 6));
		fz_text[off] = 0xff;
		fz_text[off + 1] = 0x15;
		memcpy(fz_text + off + 2, &disp, 4);
	}
}

/* An accepted pass had no two sites sharing a byte (checked here the
 * naive way, independently of pv_sites_overlap). */
static void fz_accepted(const struct pv_site *recs, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		for (unsigned j = 0; j < i; j++)
			if (recs[i].addr < recs[j].addr + recs[j].len &&
			    recs[j].addr < recs[i].addr + recs[i].len)
				__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
	static uint8_t scratch[FZ_RECS * PV_SITE_MAX_LEN], before[sizeof(fz_text)];
	struct pv_site recs[FZ_RECS];
	struct pv_apply_fail fail;
	struct pv_report rep;
	unsigned n = 0;

	if (len < 1)
		return 0;
	unsigned want = buf[0] % (FZ_RECS + 1);
	buf++;
	len--;
	memset(fz_text, 0xcc, sizeof(fz_text));
	memset(fz_kind, 0, sizeof(fz_kind));
	for (; n < want && len >= 8; n++, buf += 8, len -= 8)
		fz_record(buf, &recs[n]);
	memcpy(fz_text + FZ_TEXT / 2, buf, len < FZ_TEXT / 2 ? len : FZ_TEXT / 2);
	for (unsigned i = 0; i < n; i++) {
		uint8_t site[PV_SITE_MAX_LEN + 2];
		struct pv_decision d;
		fz_decide(NULL, recs[i].op % PV_OP_COUNT, &d);
		memcpy(site, (void *)(uintptr_t)recs[i].addr, sizeof(site) - 2);
		(void)pv_patch_site(site, &recs[i], &d,
				    (uint64_t)(uintptr_t)&fz_table[recs[i].op % PV_OP_COUNT], NULL);
	}
	memcpy(before, fz_text, sizeof(fz_text));
	pv_report_init(&rep);
	static uint8_t tramp[PV_POKE_TRAMP_LEN];   /* static: near fz_text */
	struct pv_poke poke = { .tramp = tramp };
	int err = pv_apply(recs, recs + n, fz_table, fz_decide, NULL, scratch, &rep, &poke, &fail);
	if (err == PV_OK)
		fz_accepted(recs, n);
	else if (memcmp(before, fz_text, sizeof(fz_text)))
		__builtin_trap();               /* refused, yet text changed */
	return 0;
}
