/* How threads and processes end: exit (one thread), exit_group and fatal
 * signals (every thread of the group), and execve's ending of the other
 * threads. Invariants: a thread that has exited is never run again and its
 * slot is freed once the CPU has left its kernel stack (sched_reap_dead);
 * the first thread of a group stays a zombie until the group is gone, and
 * only then is the parent told; the last thread to exit tears down what
 * the group shares (descriptors, memory) and reports the process's status. */
#include "errno.h"
#include "futex.h"
#include "kernel.h"
#include "lib.h"
#include "mm.h"
#include "proc.h"
#include "ptrace.h"
#include "trap.h"
#include "uaccess.h"

/* Children of a dying process go to init, which reaps them. */
static void proc_reparent_children(struct proc *dying)
{
	struct proc *init = proc_find(1);
	for (int i = 1; i < proc_slots_top; i++) {
		struct proc *c = &proc_table[i];
		if (c->state == P_UNUSED || c->parent != dying)
			continue;
		c->parent = init;
		if (c->state == P_ZOMBIE && init)
			waitq_wake(&init->tg->child_exit);
	}
}

/* Make every other live thread of the group end (SIGKILL, which even a
 * ptrace stop gives way to). */
static void proc_kill_other_threads(struct tgroup *g)
{
	for (struct proc *t = 0; (t = proc_next_thread(g, t));) {
		if (t == current)
			continue;
		t->sig_pending |= SIGBIT(SIGKILL);
		if (t->state == P_SLEEPING || t->state == P_STOPPED)
			sched_ready(t);
	}
}

/* The parent learns how the process ended. */
static void proc_tell_parent(struct proc *leader, int wait_status)
{
	leader->exit_status = wait_status;
	if ((wait_status & 0x7f) == 0)
		signal_child_event(leader, CLD_EXITED, (wait_status >> 8) & 0xff);
	else
		signal_child_event(leader, (wait_status & 0x80) ? CLD_DUMPED : CLD_KILLED,
		                   wait_status & 0x7f);
}

/* The process's status if p ends it with wait_status: its first thread's,
 * unless the group was made to exit (Linux's rule). */
static int proc_exit_status(const struct proc *p, int wait_status)
{
	return p->tg->exiting || proc_is_leader(p) ? wait_status : p->tg->leader->exit_status;
}

/* End the current thread (exit(2)); the last one ends the process. */
_Noreturn void proc_exit_thread(int wait_status)
{
	struct proc *p = current;
	struct tgroup *g = p->tg;
	if (g->exiting)
		wait_status = g->exit_code;
	if (g->nthreads == 1 && proc_tgid(p) == 1) {
		kprintf("init exited (status %#x)\n", wait_status);
		machine_exit(EXIT_PANIC);
	}
	/* The tracer's EXIT event says the process's status if, as far as can
	 * be told now, this is its last thread. The EXIT stop may wait, and the
	 * other threads end meanwhile: whether this one is the last is decided
	 * only below, when it leaves the count. */
	ptrace_on_exit(p, g->nthreads == 1 ? proc_exit_status(p, wait_status) : wait_status);
	proc_vfork_release(p);
	futex_thread_exit(p);
	p->exit_status = wait_status;
	int process_status = proc_exit_status(p, wait_status);
	bool last = --g->nthreads == 0;
	if (last) {
		fd_close_all(p);
		mm_release(&g->mm);
		proc_reparent_children(g->leader);
	}
	if (g->execing)
		waitq_wake(&g->thread_exit);
	if (proc_is_leader(p)) {
		p->state = P_ZOMBIE; /* reaped by the parent once the group is gone */
		if (last)
			proc_tell_parent(p, process_status);
	} else {
		p->state = P_DEAD; /* freed by the next thread to run */
		proc_dead_threads++;
		if (last)
			proc_tell_parent(g->leader, process_status);
	}
	sched_block();
	panic("thread %d scheduled after exit", p->pid);
}

/* End the whole process: exit_group, a fatal signal, a bad frame. Every
 * thread ends with the same status; this one goes at once. */
_Noreturn void proc_exit(int wait_status)
{
	struct tgroup *g = current->tg;
	if (!g->exiting && !(g->execing && g->execing != current)) {
		g->exiting = true;
		g->exit_code = wait_status;
		proc_kill_other_threads(g);
	}
	proc_exit_thread(wait_status);
}

/* execve, before its point of no return: every other thread of the group
 * ends (it reports EXIT to its tracer, killed), and we wait until they are
 * gone. Fails with -EINTR (nothing changed but the other threads' end) if
 * we are killed meanwhile, or -EAGAIN if another thread got here first. */
int proc_end_other_threads(void)
{
	struct proc *p = current;
	struct tgroup *g = p->tg;
	if (g->nthreads == 1)
		return 0;
	if (g->exiting || g->execing)
		return g->exiting ? -EINTR : -EAGAIN;
	g->execing = p;
	proc_kill_other_threads(g);
	while (g->nthreads > 1 && !(p->sig_pending & SIGBIT(SIGKILL)))
		waitq_sleep_uninterruptible(&g->thread_exit);
	g->execing = 0;
	return g->nthreads > 1 ? -EINTR : 0;
}

/* execve has passed its point of no return in the only thread left: if it
 * is not the first thread, it takes over the process id (as Linux's
 * de_thread), and the old first thread's zombie goes. */
void proc_exec_takeover(void)
{
	struct proc *p = current, *old = p->tg->leader;
	if (old == p)
		return;
	p->pid = old->pid;
	p->parent = old->parent;
	p->start_ns = old->start_ns;
	p->tg->leader = p;
	for (int i = 1; i < proc_slots_top; i++)
		if (proc_table[i].state != P_UNUSED && proc_table[i].parent == old)
			proc_table[i].parent = p;
	proc_free(old);
}

/* The threads that have exited (P_DEAD) and whose stacks the CPU has left:
 * free their slots. Called by the scheduler after every switch. */
int proc_dead_threads; /* threads in P_DEAD: most of the time none */

void sched_reap_dead(void)
{
	for (int i = 1; i < proc_slots_top && proc_dead_threads; i++) {
		struct proc *t = &proc_table[i];
		if (t->state == P_DEAD && t != current) {
			proc_free(t);
			proc_dead_threads--;
		}
	}
}
