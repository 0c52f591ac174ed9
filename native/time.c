/*
 * time.c: native time ops: the TSC as the clock, calibrated against PIT
 * channel 2; the CMOS RTC as the wall clock; PIT channel 0 in one-shot
 * mode as the alarm (IRQ 0).
 */
#include <stdint.h>
#include <native/insn.h>

#define PIT_HZ 1193182ULL
#define PIT_CH0 0x40
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PORT_B 0x61

static uint64_t tsc_hz;
static uint64_t tsc_base;

/* Counts TSC cycles over 10 ms of PIT channel 2 (Linux's pit_calibrate_tsc). */
static uint64_t calibrate(void)
{
	uint16_t count = (uint16_t)(PIT_HZ / 100);
	outb(PORT_B, (inb(PORT_B) & ~0x02) | 0x01);	/* gate on, speaker off */
	outb(PIT_CMD, 0xb0);				/* ch2, lo/hi, mode 0 */
	outb(PIT_CH2, count & 0xff);
	outb(PIT_CH2, count >> 8);
	uint64_t t0 = nat_rdtsc();
	uint64_t spins = 0;
	while (!(inb(PORT_B) & 0x20) && ++spins < 50000000)
		;
	uint64_t t1 = nat_rdtsc();
	if (spins >= 50000000 || t1 <= t0)
		return 0;
	return (t1 - t0) * 100;
}

void nat_time_init(void)
{
	tsc_hz = calibrate();
	if (!tsc_hz)
		tsc_hz = 1000000000ULL;		/* no PIT: assume 1 GHz, said by caller */
	tsc_base = nat_rdtsc();
}

int nat_time_calibrated(void) { return tsc_hz != 1000000000ULL; }

uint64_t nat_clock_freq(void) { return tsc_hz; }

/* ns = cycles * 1e9 / hz, split to avoid overflow for long uptimes. */
uint64_t nat_clock_read(void)
{
	uint64_t c = nat_rdtsc() - tsc_base;
	return (c / tsc_hz) * 1000000000ULL + (c % tsc_hz) * 1000000000ULL / tsc_hz;
}

void nat_set_alarm(uint64_t deadline_ns)
{
	uint64_t now = nat_clock_read();
	uint64_t delta = deadline_ns > now ? deadline_ns - now : 0;
	uint64_t count = delta * PIT_HZ / 1000000000ULL;
	if (count < 1)
		count = 1;
	if (count > 0xffff)
		count = 0xffff;
	outb(PIT_CMD, 0x30);				/* ch0, lo/hi, mode 0 */
	outb(PIT_CH0, count & 0xff);
	outb(PIT_CH0, count >> 8);
}

static uint8_t cmos(uint8_t reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static unsigned bcd(uint8_t v, int is_bcd)
{
	return is_bcd ? (v & 0x0f) + (v >> 4) * 10 : v;
}

/* Days from 1970-01-01 to y-m-d (civil calendar). */
static uint64_t days_from_civil(unsigned y, unsigned m, unsigned d)
{
	y -= m <= 2;
	unsigned era = y / 400, yoe = y - era * 400;
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (uint64_t)era * 146097 + doe - 719468;
}

uint64_t nat_wallclock(void)
{
	for (int i = 0; i < 100000 && (cmos(0x0a) & 0x80); i++)
		;					/* update in progress */
	int is_bcd = !(cmos(0x0b) & 0x04);
	unsigned s = bcd(cmos(0x00), is_bcd), mi = bcd(cmos(0x02), is_bcd);
	unsigned h = bcd(cmos(0x04) & 0x7f, is_bcd), d = bcd(cmos(0x07), is_bcd);
	unsigned mo = bcd(cmos(0x08), is_bcd), y = bcd(cmos(0x09), is_bcd) + 2000;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
		return 0;				/* no RTC */
	uint64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
	return secs * 1000000000ULL;
}
