/* Round-robin scheduler and wait queues. One CPU: the run queue is a FIFO of
 * runnable processes, `current` is not on it. The kernel runs with
 * interrupts disabled except in user mode and in the idle loop, so nothing
 * here needs a lock and a condition checked before waitq_sleep cannot be
 * missed. The idle process (slot 0) runs when nothing else can. */
#include "errno.h"
#include "lib.h"
#include "proc.h"
#include "vm.h"

struct proc *current;
static struct proc *run_head, *run_tail;
static struct proc *idle;
static struct waitq pollers;
bool sched_need_resched; /* set by the tick: switch at the next chance */

/* Append p to the run queue (the idle process never goes there). */
static void sched_enqueue(struct proc *p)
{
	if (p == idle)
		return;
	p->run_next = 0;
	if (run_tail)
		run_tail->run_next = p;
	else
		run_head = p;
	run_tail = p;
}

/* Put p at the tail of the run queue. */
void sched_ready(struct proc *p)
{
	if (p->state == P_RUNNABLE || p->state == P_ZOMBIE || p->state == P_UNUSED)
		return; /* runnable means queued or running already */
	p->state = P_RUNNABLE;
	p->sleeping_on = 0;
	if (p != current)
		sched_enqueue(p);
}

static struct proc *sched_dequeue(void)
{
	struct proc *p = run_head;
	if (p) {
		run_head = p->run_next;
		if (!run_head)
			run_tail = 0;
		p->run_next = 0;
	}
	return p;
}

/* Switch from current to next: stack, address space, FPU, FS base. */
static void sched_switch_to(struct proc *next)
{
	struct proc *prev = current;
	if (next == prev)
		return;
	arch_fpu_save(prev->fpu);
	current = next;
	arch_set_kernel_stack((uint64_t)next->kstack + KSTACK_SIZE);
	if (next->tg->mm.space && next->tg != prev->tg)
		vm_activate(next->tg->mm.space);
	arch_fpu_restore(next->fpu);
	arch_set_tls_base(next->fs_base, next->gs_base);
	arch_debug_switch(next);
	context_switch(&prev->ctx, next->ctx);
	if (proc_dead_threads)
		sched_reap_dead();
}

/* Run the next runnable process; current must already be queued or
 * sleeping. Returns when current is scheduled again. */
void sched_block(void)
{
	sched_need_resched = false;
	struct proc *next = sched_dequeue();
	sched_switch_to(next ? next : idle);
}

/* Give up the CPU but stay runnable. */
void sched_yield(void)
{
	sched_need_resched = false; /* also when nobody else wants the CPU */
	if (!run_head)
		return;
	current->state = P_RUNNABLE;
	sched_enqueue(current);
	sched_block();
}

uint64_t sched_idle_ticks;

/* Timer tick: wake timed sleepers whose deadline passed, ask for a switch. */
void sched_tick(void)
{
	uint64_t now = clock_ns();
	for (int i = 1; i < proc_slots_top; i++) {
		struct proc *p = &proc_table[i];
		if (p->state == P_SLEEPING && p->wake_at_ns && p->wake_at_ns <= now) {
			p->timed_out = true;
			p->wake_at_ns = 0;
			waitq_wake(p->sleeping_on);
		}
	}
	misc_itimer_tick(now);
	if (current && current != idle)
		current->cpu_ticks++; /* the tick found it running: one tick of CPU */
	else
		sched_idle_ticks++;
	sched_need_resched = true;
}

/* Called on every return to user mode: preempt if the tick asked. */
void sched_preempt_point(void)
{
	if (sched_need_resched)
		sched_yield();
}

/* A safe point in a long kernel loop (fork's copy, exec's load, a large
 * proc:mem transfer): let pending interrupts in, and give up the CPU if the
 * tick asked, so that no kernel path keeps interrupts off or others waiting
 * for much more than a tick. The caller must hold nothing that an interrupt
 * handler or another process could change under it. */
void sched_cond_resched(void)
{
	arch_irq_window();
	if (sched_need_resched)
		sched_yield();
}

/* The idle process: wait for interrupts with IF set, then schedule. */
_Noreturn void sched_idle_loop(void)
{
	idle = current;
	for (;;) {
		if (run_head) {
			sched_block();
			continue;
		}
		arch_wait_for_interrupt();
	}
}

static void waitq_remove(struct waitq *q, struct proc *p)
{
	for (struct proc **pp = &q->head; *pp; pp = &(*pp)->wait_next) {
		if (*pp == p) {
			*pp = p->wait_next;
			break;
		}
	}
	p->wait_next = 0;
}

/* Sleep on q until woken, a signal arrives (if interruptible), or the
 * deadline (0 = none). */
static int waitq_sleep_on(struct waitq *q, uint64_t deadline, bool interruptible)
{
	struct proc *p = current;
	if (interruptible && proc_should_wake(p))
		return -EINTR;
	p->wait_next = q->head;
	q->head = p;
	p->sleeping_on = q;
	p->state = P_SLEEPING;
	p->wake_at_ns = deadline;
	p->timed_out = false;
	sched_block();
	waitq_remove(q, p);
	p->wake_at_ns = 0;
	if (p->timed_out)
		return -ETIMEDOUT;
	return interruptible && proc_should_wake(p) ? -EINTR : 0;
}

int waitq_sleep(struct waitq *q) { return waitq_sleep_on(q, 0, true); }

/* Sleep until woken; signals do not end it (a signal's wake-up just makes
 * the caller look at its condition again). */
void waitq_sleep_uninterruptible(struct waitq *q) { waitq_sleep_on(q, 0, false); }

int waitq_sleep_until(struct waitq *q, uint64_t deadline_ns)
{
	if (deadline_ns <= clock_ns())
		return -ETIMEDOUT;
	return waitq_sleep_on(q, deadline_ns, true);
}

/* Make every sleeper of q runnable; they take themselves off q. */
void waitq_wake(struct waitq *q)
{
	if (q != &pollers && pollers.head)
		waitq_wake(&pollers);
	for (struct proc *p = q ? q->head : 0; p; p = p->wait_next)
		if (p->state == P_SLEEPING && p->sleeping_on == q)
			sched_ready(p);
}

/* Wake processes blocked in poll(). */
void waitq_wake_pollers(void) { waitq_wake(&pollers); }

/* The queue poll() sleeps on. */
struct waitq *waitq_pollers(void) { return &pollers; }
