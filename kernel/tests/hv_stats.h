/*
 * hv_stats.h: a kernel test reads one of hv's counters through its
 * statistics port (hv/hv.md): an out selects it, an in returns its low
 * 32 bits, and both are exits.  Where no hv claims the port (QEMU,
 * GRUB) it reads HV_STAT_ABSENT.  The in/out expand into the test that
 * includes this, which kernel-scan must allow.
 */
#ifndef HV_STATS_H
#define HV_STATS_H

#include <stdint.h>
#include <native/insn.h>

#define HV_STATS_PORT		0xf0
#define HV_STAT_EXITS		0x00000000u	/* all exits so far, this read included */
#define HV_STAT_GUEST_RESIDENT	0x00050001u	/* guest RAM pages resident in the host */
#define HV_STAT_ABSENT		0xffffffffu

static inline uint32_t hv_stat(uint32_t selector)
{
	outl(HV_STATS_PORT, selector);
	return inl(HV_STATS_PORT);
}

#endif
