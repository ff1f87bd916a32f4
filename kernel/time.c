/* Wall-clock time: the CMOS RTC read at boot sets an offset from the
 * monotonic TSC clock (clock_ns), so CLOCK_REALTIME, time(2) and
 * gettimeofday agree and move with the monotonic clock; root may set it
 * (settimeofday, clock_settime). Invariant: time_realtime_ns() ==
 * clock_ns() + the offset, never below 0. */
#include "time.h"
#include "arch.h"
#include "lib.h"

static int64_t realtime_offset_ns;

void time_init(void)
{
	uint64_t s = arch_rtc_epoch_seconds();
	if (!s) {
		s = 1700000000; /* no usable RTC: a fixed date rather than 1970 */
		kprintf("time: no usable RTC, using %lu\n", s);
	}
	realtime_offset_ns = (int64_t)(s * 1000000000ULL) - (int64_t)clock_ns();
}

uint64_t time_realtime_ns(void)
{
	int64_t t = (int64_t)clock_ns() + realtime_offset_ns;
	return t > 0 ? (uint64_t)t : 0;
}

/* Set the wall clock to ns since the epoch. */
void time_set_realtime_ns(uint64_t ns) { realtime_offset_ns = (int64_t)ns - (int64_t)clock_ns(); }

/* A monotonic deadline for an absolute CLOCK_REALTIME time. */
uint64_t time_realtime_to_monotonic(uint64_t ns)
{
	int64_t m = (int64_t)ns - realtime_offset_ns;
	return m > 0 ? (uint64_t)m : 0;
}
