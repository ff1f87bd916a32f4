/* Wall-clock time (kernel/time.c): CLOCK_REALTIME from the RTC at boot. */
#ifndef TIME_H
#define TIME_H
#include <stdint.h>

void time_init(void);
uint64_t time_realtime_ns(void);
void time_set_realtime_ns(uint64_t ns);
uint64_t time_realtime_to_monotonic(uint64_t ns);
int time_user_timespec_ns(uint64_t uts, uint64_t *ns);
#endif
