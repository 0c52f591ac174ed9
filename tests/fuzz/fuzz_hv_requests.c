/*
 * fuzz_hv_requests.c: libFuzzer target for hv's request checkers
 * (hv/xenlike_check.c, hv/vmwarelike_check.c, hv/pte_check.c) driven
 * with fake guest memory, as the backends drive them.
 *
 * Input: a mode byte, a 4-byte guest-physical address, a 2-byte count,
 * then the bytes the guest put there.  Modes: 0 an mmu_update batch,
 * 1 an mmu_flush queue, 2 single entries through both checkers (which
 * must agree) and the small pure checks.  Guest RAM is a 2 MiB buffer
 * (hv's smallest guest, the ROM hole included), so any write outside it
 * is an ASan report.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../hv/gmem.h"
#include "../../hv/pte_check.h"
#include "../../hv/vmwarelike_check.h"
#include "../../hv/xenlike_check.h"

static struct gmem fz_gm;

static int fz_ram_ok(void *ctx, uint64_t gpa, uint64_t len)
{
	return gmem_range(ctx, gpa, len) != NULL;
}

/* Both backends on one value at one level: the same verdict (the entry
 * address is good RAM, so only the value decides). */
static void fz_agree(uint64_t val, unsigned level)
{
	struct xl_mmu_req r = { 0x100000 | level, val };
	struct vmw_mmu_op op = { 0x100000 | level, val };
	const char *reason;
	uint64_t gpa;
	unsigned why;

	int xl = xl_mmu_check(&r, fz_gm.size, fz_ram_ok, &fz_gm) != XL_APPLY;
	enum vmw_verdict v = vmw_check_op(&op, fz_gm.size, &gpa, &why, &reason);
	if (level >= 1 && level <= 4 && (v == VMW_BAD || xl != (v == VMW_REFUSE)))
		__builtin_trap();
	(void)hv_pte_check(val, level, fz_gm.size);
}

/* Mode 2: the data as (value, word) pairs. */
static void fz_singles(const uint8_t *d, size_t len)
{
	struct xl_shared_info sh;
	uint32_t mul;
	int8_t shift;

	memset(&sh, 0, sizeof(sh));
	for (; len >= 16; d += 16, len -= 16) {
		uint64_t val, w;
		memcpy(&val, d, 8);
		memcpy(&w, d + 8, 8);
		fz_agree(val, (unsigned)(w & 7));
		(void)vmw_check_access((uint16_t)w, (int)(w >> 16) & 1,
				       (unsigned)(w >> 17) & 7, (uint32_t)(w >> 20) & 3,
				       (uint32_t)(w >> 32));
		(void)vmw_check_bulk(w, val);
		(void)vmw_alarm_next(val, w, val ^ w);
		if (xl_time_scale(val, &mul, &shift) == 0)
			(void)xl_time_apply(w, mul, shift);
		xl_evtchn_raise(&sh, (unsigned)w);
		xl_evtchn_ack(&sh, (unsigned)(w >> 8));
		(void)xl_upcall_deliverable(&sh, (int)(w >> 16) & 1);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
	struct vmw_flush f;
	uint32_t gpa;
	uint16_t n;

	if (!fz_gm.ram) {
		fz_gm.size = GMEM_MIN_SIZE;
		if (!(fz_gm.ram = calloc(1, GMEM_MIN_SIZE)))
			abort();
	}
	if (len < 7)
		return 0;
	memcpy(&gpa, buf + 1, 4);
	memcpy(&n, buf + 5, 2);
	const uint8_t *d = buf + 7;
	size_t dlen = len - 7;
	if (buf[0] % 3 == 2) {
		fz_singles(d, dlen);
		return 0;
	}
	gpa %= GMEM_MIN_SIZE;
	if (dlen > GMEM_MIN_SIZE - gpa)
		dlen = GMEM_MIN_SIZE - gpa;
	n = (uint16_t)(n % 1025);
	if (n > dlen / 16)
		n = (uint16_t)(dlen / 16);
	void *p = gmem_range(&fz_gm, gpa, (uint64_t)n * 16);
	if (p == NULL)
		return 0;
	memcpy(p, d, (size_t)n * 16);
	if (buf[0] % 3 == 0)
		(void)xl_mmu_batch(&fz_gm, p, n, NULL, NULL);
	else
		(void)vmw_flush_check(&fz_gm, p, n, &f);
	return 0;
}
