/* Wait queues: a process sleeps on one until another part of the kernel
 * wakes it. The kernel runs with interrupts disabled outside user mode and
 * the idle loop, so checking a condition and then sleeping never loses a
 * wake-up. Every wake also wakes processes sleeping in poll(). */
#ifndef WAITQ_H
#define WAITQ_H
#include <stdint.h>

struct proc;
struct waitq {
	struct proc *head;
};

/* Sleep on q until woken. 0, or -EINTR if a signal is pending for the
 * sleeper (check before and after: a pending signal ends the sleep). */
int waitq_sleep(struct waitq *q);
/* As waitq_sleep, but give up at deadline_ns (clock_ns): -ETIMEDOUT. */
int waitq_sleep_until(struct waitq *q, uint64_t deadline_ns);
/* Sleep on q until woken; a pending signal does not end it. */
void waitq_sleep_uninterruptible(struct waitq *q);
/* Wake every sleeper of q. Safe from IRQ handlers. */
void waitq_wake(struct waitq *q);
/* Wake every process sleeping in poll(); waitq_wake calls it. */
void waitq_wake_pollers(void);
/* The queue poll() sleeps on. */
struct waitq *waitq_pollers(void);
#endif
