/* rtc.c: a read-only CMOS real-time clock at ports 0x70/0x71, enough for
 * a guest to read the wall clock (seconds, minutes, hours, day, month,
 * year in BCD, 24-hour mode, status A/B), from the host's UTC time at
 * the moment of the read.  Writes to the data port are ignored; other
 * CMOS registers read 0. */
#include <time.h>
#include "hcall.h"
#include "hv.h"

struct rtc {
	uint8_t index;
};

static uint8_t bcd(int v)
{
	return (uint8_t)(((v / 10) << 4) | (v % 10));
}

/* The register the guest selected, from the host clock now. */
static uint8_t rtc_reg(uint8_t reg)
{
	time_t now = time(NULL);
	struct tm tm;
	if (!gmtime_r(&now, &tm))
		return 0;
	switch (reg) {
	case 0x00: return bcd(tm.tm_sec > 59 ? 59 : tm.tm_sec);
	case 0x02: return bcd(tm.tm_min);
	case 0x04: return bcd(tm.tm_hour);
	case 0x06: return bcd(tm.tm_wday + 1);
	case 0x07: return bcd(tm.tm_mday);
	case 0x08: return bcd(tm.tm_mon + 1);
	case 0x09: return bcd(tm.tm_year % 100);
	case 0x0a: return 0x26;		/* no update in progress */
	case 0x0b: return 0x02;		/* BCD, 24-hour */
	case 0x0d: return 0x80;		/* battery good */
	case 0x32: return bcd(19 + tm.tm_year / 100);
	default:   return 0;
	}
}

static void rtc_io(struct hv *hv, struct hv_io *io, void *opaque)
{
	struct rtc *rtc = opaque;
	(void)hv;
	if (io->port == 0x70) {
		if (io->out)
			rtc->index = io->val & 0x7f;	/* bit 7: NMI mask */
		else
			io->val = rtc->index;
		return;
	}
	if (!io->out)
		io->val = rtc_reg(rtc->index);
}

static struct rtc rtc;

void rtc__init(struct hv *hv)
{
	(void)hv;
	hv_port_register(0x70, 2, "rtc", rtc_io, &rtc);
}

/* Issue 14: the selected register in a snapshot ("dev.rtc"); the time
 * itself is the host's at every read, so it moves on across a gap. */
#include "snapshot.h"

void rtc__save(struct snap_rtc *s)
{
	*s = (struct snap_rtc){ .index = rtc.index };
}

void rtc__load(const struct snap_rtc *s)
{
	rtc.index = s->index;
}
