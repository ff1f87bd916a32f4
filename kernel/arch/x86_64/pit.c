/* Time: the PIT drives the periodic tick (TIMER_HZ) that preempts
 * processes and wakes sleepers; the TSC, calibrated against PIT channel 2
 * at boot, gives a monotonic nanosecond clock. */
#include "arch.h"
#include "cpu.h"
#include "lib.h"
#include "trap.h"

#define PIT_HZ 1193182
static volatile uint64_t ticks;
static uint64_t tsc_base, tsc_freq, ns_mult; /* ns = (tsc - base) * mult >> 32 */

void sched_tick(void);

/* Measure the TSC against a 10 ms one-shot on PIT channel 2. */
static uint64_t pit_tsc_calibrate(void)
{
	const uint16_t count = PIT_HZ / 100;
	outb(0x61, (inb(0x61) & ~0x02) | 0x01); /* gate on, speaker off */
	outb(0x43, 0xB0);                       /* channel 2, lo/hi, mode 0 */
	outb(0x42, count & 0xFF);
	outb(0x42, count >> 8);
	uint8_t v = inb(0x61);
	outb(0x61, v & ~0x01); /* restart the count */
	outb(0x61, v | 0x01);
	uint64_t t0 = rdtsc();
	while (!(inb(0x61) & 0x20))
		;
	return (rdtsc() - t0) * 100;
}

/* Calibrate the clock and start the periodic tick on IRQ 0. */
void timer_init(void)
{
	/* A late look at the PIT only makes a window look longer, so the
	 * shortest of three is the best estimate. */
	tsc_freq = pit_tsc_calibrate();
	for (int i = 0; i < 2; i++)
		tsc_freq = MIN(tsc_freq, pit_tsc_calibrate());
	if (tsc_freq < 1000000) {
		kprintf("timer: TSC calibration gave %lu Hz; assuming 1 GHz\n", tsc_freq);
		tsc_freq = 1000000000;
	}
	ns_mult = (1000000000ULL << 32) / tsc_freq;
	tsc_base = rdtsc();
	uint16_t div = PIT_HZ / TIMER_HZ;
	outb(0x43, 0x34); /* channel 0, lo/hi, rate generator */
	outb(0x40, div & 0xFF);
	outb(0x40, div >> 8);
	pic_unmask(0);
	kprintf("timer: %d Hz tick, TSC %lu MHz\n", TIMER_HZ, tsc_freq / 1000000);
}

/* IRQ 0. */
void timer_irq(void)
{
	ticks++;
	sched_tick();
}

/* Ticks since timer_init. */
uint64_t timer_ticks(void) { return ticks; }

/* Nanoseconds since timer_init, from the TSC. */
uint64_t clock_ns(void)
{
	unsigned __int128 d = rdtsc() - tsc_base;
	return (uint64_t)((d * ns_mult) >> 32);
}

/* Calibrated TSC frequency. */
uint64_t tsc_hz(void) { return tsc_freq; }
