/* The PC's CMOS real-time clock, read once at boot for the wall-clock time
 * (kernel/time.c keeps it from then on with the TSC clock). */
#include "arch.h"
#include "cpu.h"

static uint8_t rtc_read(uint8_t reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static int rtc_bcd(uint8_t v, int binary) { return binary ? v : (v >> 4) * 10 + (v & 15); }

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t rtc_days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Seconds since the epoch (UTC, as QEMU's RTC keeps it), or 0 if the clock
 * reads nonsense. Read until two reads agree, outside an update. */
uint64_t arch_rtc_epoch_seconds(void)
{
	uint8_t t[7], u[7];
	for (int tries = 0; tries < 1000; tries++) {
		while (rtc_read(0x0a) & 0x80) /* update in progress */
			;
		static const uint8_t regs[7] = {0x00, 0x02, 0x04, 0x07, 0x08, 0x09, 0x32};
		for (int i = 0; i < 7; i++)
			t[i] = rtc_read(regs[i]);
		for (int i = 0; i < 7; i++)
			u[i] = rtc_read(regs[i]);
		if (__builtin_memcmp(t, u, sizeof t) == 0)
			break;
	}
	uint8_t b = rtc_read(0x0b);
	int bin = b & 4, h24 = b & 2;
	int sec = rtc_bcd(t[0], bin), min = rtc_bcd(t[1], bin);
	int hour = rtc_bcd(t[2] & 0x7f, bin);
	if (!h24 && (t[2] & 0x80))
		hour = (hour % 12) + 12;
	int day = rtc_bcd(t[3], bin), mon = rtc_bcd(t[4], bin), year = rtc_bcd(t[5], bin);
	int century = rtc_bcd(t[6], bin);
	int full = (century >= 19 && century <= 21 ? century : 20) * 100 + year;
	if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60)
		return 0;
	return (uint64_t)(rtc_days_from_civil(full, mon, day) * 86400 + hour * 3600 + min * 60 +
	                  sec);
}
