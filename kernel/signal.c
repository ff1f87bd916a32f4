/* Signals: sending, default actions (terminate, ignore, stop, continue),
 * handlers on a Linux-layout rt_sigframe, and rt_sigreturn, which loads the
 * user-chosen registers through regs_validate like a debugger's write.
 * Delivery happens on the way back to user mode (proc_user_return). A fault
 * the process cannot handle (blocked, ignored, or raised inside its own
 * handler) reverts to the default action and kills it. */
#include "syscall.h"
#include "errno.h"
#include "lib.h"
#include "proc.h"
#include "ptrace.h"
#include "regs.h"
#include "trap.h"
#include "uaccess.h"

#define STOP_SIGNALS (SIGBIT(SIGSTOP) | SIGBIT(SIGTSTP) | SIGBIT(SIGTTIN) | SIGBIT(SIGTTOU))
#define IGNORED_BY_DEFAULT (SIGBIT(SIGCHLD) | SIGBIT(SIGCONT) | SIGBIT(SIGWINCH) | SIGBIT(23))

/* Whether p has a signal it would act on now. */
bool signal_pending(struct proc *p)
{
	return (p->sig_pending & ~(p->sig_blocked & ~UNBLOCKABLE)) != 0;
}

/* Whether a sleep of p must end early: a signal, or a tracer's interrupt. */
bool proc_should_wake(struct proc *p) { return signal_pending(p) || p->trace_interrupt; }

/* Queue a signal the kernel sends on its own account (SI_KERNEL). */
int signal_send(struct proc *p, int sig)
{
	struct ksiginfo info = {.signo = sig, .code = SI_KERNEL};
	return signal_send_info(p, &info);
}

/* Whether thread t may take sig now: alive and not blocking it. */
static bool signal_wanted_by(const struct proc *t, int sig)
{
	return proc_alive(t) && !(t->sig_blocked & ~UNBLOCKABLE & SIGBIT(sig));
}

/* Queue info on thread t, and wake it if it sleeps and would act on it. */
static void signal_queue(struct proc *t, const struct ksiginfo *info)
{
	int sig = info->signo;
	uint64_t bit = SIGBIT(sig);
	if (!(t->sig_pending & bit))
		t->siginfo[sig] = *info;
	t->sig_pending |= bit;
	if (sig == SIGKILL && t->state == P_STOPPED)
		sched_ready(t);
	else if (t->state == P_SLEEPING && signal_pending(t))
		sched_ready(t);
}

/* What sending sig does at once to p's whole process, as Linux's
 * prepare_signal: a stop signal cancels a pending SIGCONT; SIGCONT cancels
 * pending stops and continues every stopped thread (never a ptrace stop).
 * False if the signal is then discarded: init's unhandled ones, and those
 * ignored (unless a tracer wants to see them). */
static bool signal_prepare(struct proc *p, const struct ksiginfo *info)
{
	struct tgroup *g = p->tg;
	int sig = info->signo;
	uint64_t bit = SIGBIT(sig);
	bool continued = false;
	for (struct proc *t = 0; (t = proc_next_thread(g, t));) {
		if (bit & STOP_SIGNALS)
			t->sig_pending &= ~SIGBIT(SIGCONT);
		if (sig != SIGCONT)
			continue;
		t->sig_pending &= ~STOP_SIGNALS;
		if (t->state == P_STOPPED && t->stop_sig) {
			t->stop_sig = 0;
			continued = true;
			if (!ptrace_holds(t))
				sched_ready(t);
		}
	}
	if (sig == SIGCONT) {
		g->sig_pending &= ~STOP_SIGNALS;
		if (g->stop_sig || continued) {
			g->stop_sig = 0;
			g->cont_reported = true;
			signal_child_event(g->leader, CLD_CONTINUED, SIGCONT);
		}
	}
	uint64_t handler = g->sigactions[sig].handler;
	if (proc_tgid(p) == 1 && handler == SIG_DFL)
		return false; /* init only gets the signals it handles, as on Linux */
	return ptrace_wants_signal(p) || sig == SIGKILL || sig == SIGSTOP ||
	       !(handler == SIG_IGN || (handler == SIG_DFL && (bit & IGNORED_BY_DEFAULT)));
}

/* Whether p names a process or thread that can get signals (-ESRCH
 * otherwise); *none: nothing to do (signal 0, or a process already gone). */
static int signal_target_ok(const struct proc *p, int sig, bool *none)
{
	if (sig < 0 || sig >= NSIG)
		return -EINVAL;
	if (!p || p->state == P_UNUSED || p->state == P_DEAD)
		return -ESRCH;
	*none = sig == 0 || p->tg->nthreads == 0;
	return 0;
}

/* A process-directed signal (kill, the terminal, SIGCHLD, a timer) for
 * p's process: taken by p if it does not block it, else by another thread
 * that does not, else kept for the process until a thread unblocks it.
 * SIGKILL goes to every thread. A signal already pending keeps the siginfo
 * it came with, as Linux keeps the first of a standard signal. */
int signal_send_info(struct proc *p, const struct ksiginfo *info)
{
	int sig = info->signo;
	bool none;
	int err = signal_target_ok(p, sig, &none);
	if (err || none || !signal_prepare(p, info))
		return err;
	struct tgroup *g = p->tg;
	struct proc *to = signal_wanted_by(p, sig) ? p : 0;
	for (struct proc *t = 0; (!to || sig == SIGKILL) && (t = proc_next_thread(g, t));) {
		if (!signal_wanted_by(t, sig))
			continue;
		if (sig == SIGKILL)
			signal_queue(t, info);
		else
			to = t;
	}
	if (sig == SIGKILL)
		return 0;
	if (to) {
		signal_queue(to, info);
	} else {
		if (!(g->sig_pending & SIGBIT(sig)))
			g->siginfo[sig] = *info;
		g->sig_pending |= SIGBIT(sig);
	}
	return 0;
}

/* A thread-directed signal (tkill, tgkill, SIGPIPE): only thread t takes
 * it, but what it does (a stop, death) is still the whole process's. */
int signal_send_thread(struct proc *t, const struct ksiginfo *info)
{
	bool none;
	int err = signal_target_ok(t, info->signo, &none);
	if (err || none || !proc_alive(t) || !signal_prepare(t, info))
		return err;
	signal_queue(t, info);
	return 0;
}

/* Set the current thread's mask; process-directed signals that waited for
 * a thread to unblock them come to this one. */
void signal_set_blocked(uint64_t mask)
{
	struct proc *p = current;
	struct tgroup *g = p->tg;
	p->sig_blocked = mask & ~UNBLOCKABLE;
	uint64_t take = g->sig_pending & ~p->sig_blocked;
	while (take) {
		int sig = __builtin_ctzll(take) + 1;
		take &= take - 1;
		g->sig_pending &= ~SIGBIT(sig);
		if (!(p->sig_pending & SIGBIT(sig)))
			p->siginfo[sig] = g->siginfo[sig];
		p->sig_pending |= SIGBIT(sig);
	}
}

/* Tell child's parent that the child exited, was killed, stopped or
 * continued: SIGCHLD with the CLD_* code (unless the parent ignores it, or
 * asked for no stop notices), and a wake-up for its wait4. */
void signal_child_event(struct proc *child, int code, int status)
{
	struct proc *parent = child->parent;
	if (!parent)
		return;
	const struct k_sigaction *sa = &parent->tg->sigactions[SIGCHLD];
	bool quiet = sa->handler == SIG_IGN ||
	             ((code == CLD_STOPPED || code == CLD_CONTINUED) && (sa->flags & SA_NOCLDSTOP));
	if (!quiet) {
		struct ksiginfo info = {.signo = SIGCHLD,
		                        .code = code,
		                        .pid = child->pid,
		                        .uid = child->uid,
		                        .status = status};
		signal_send_info(parent, &info);
	}
	waitq_wake(&parent->tg->child_exit);
}

/* Linux's 128-byte siginfo_t for x86_64: signo, errno, code, then the
 * union at offset 16 (kill: pid, uid; SIGCHLD: pid, uid, status at 24;
 * faults: the address). Every byte is written. */
/* Whether the siginfo's union holds an address (a fault or a trap) rather
 * than a sender: kernel-made SEGV/BUS/ILL/FPE/TRAP signals. */
bool signal_info_is_fault(const struct ksiginfo *k)
{
	bool fault_sig = k->signo == SIGSEGV || k->signo == SIGBUS || k->signo == SIGILL ||
	                 k->signo == SIGFPE || k->signo == SIGTRAP;
	return fault_sig && k->code > 0 && k->code != SI_KERNEL;
}

void signal_info_to_user(const struct ksiginfo *k, uint8_t out[128])
{
	memset(out, 0, 128);
	int32_t head[3] = {k->signo, k->errno_, k->code};
	memcpy(out, head, sizeof head);
	if (signal_info_is_fault(k)) {
		memcpy(out + 16, &k->addr, 8);
		return;
	}
	memcpy(out + 16, &k->pid, 4);
	memcpy(out + 20, &k->uid, 4);
	if (k->signo == SIGCHLD)
		memcpy(out + 24, &k->status, 4);
}

/* The reverse, for a tracer's write of proc:PID/siginfo. */
void signal_info_from_user(const uint8_t in[128], struct ksiginfo *k)
{
	int32_t head[3];
	memcpy(head, in, sizeof head);
	*k = (struct ksiginfo){.signo = head[0], .code = head[2], .errno_ = head[1]};
	if (signal_info_is_fault(k)) {
		memcpy(&k->addr, in + 16, 8);
		return;
	}
	memcpy(&k->pid, in + 16, 4);
	memcpy(&k->uid, in + 20, 4);
	memcpy(&k->status, in + 24, 4);
}

/* Send sig to every process in group pgid; -ESRCH if there is none. */
int signal_send_pgrp(int pgid, int sig)
{
	int found = 0;
	for (int i = 1; i < proc_slots_top; i++) {
		struct proc *p = &proc_table[i];
		if (p->state != P_UNUSED && proc_is_leader(p) && p->tg->nthreads &&
		    p->tg->pgid == pgid) {
			signal_send(p, sig);
			found = 1;
		}
	}
	return found ? 0 : -ESRCH;
}

/* Default stop: the whole process stops. The first thread to stop tells
 * the parent and makes the others stop too (SIGSTOP, which none can
 * block); each sleeps until SIGCONT or SIGKILL. */
static void signal_do_stop(struct proc *p, int sig)
{
	struct tgroup *g = p->tg;
	if (!g->stop_sig) {
		g->stop_sig = sig;
		g->stop_reported = false;
		struct ksiginfo stop = {.signo = SIGSTOP, .code = SI_KERNEL};
		for (struct proc *t = 0; (t = proc_next_thread(g, t));)
			if (t != p && !t->stop_sig)
				signal_queue(t, &stop);
		signal_child_event(g->leader, CLD_STOPPED, sig);
	}
	p->state = P_STOPPED;
	p->stop_sig = sig;
	sched_block();
}

/* Restart a syscall interrupted by a signal, or make it fail with EINTR. */
static void signal_fix_syscall_restart(struct trapframe *tf, bool handler,
                                       const struct k_sigaction *sa)
{
	if (tf->vector != TRAP_SYSCALL)
		return;
	if ((int64_t)tf->rax == -ERESTART_RESTARTBLOCK) {
		if (handler)
			tf->rax = (uint64_t)-EINTR; /* a handler ran: the sleep is over */
		else
			arch_frame_restart_as(tf, SYS_restart_syscall);
		return;
	}
	if ((int64_t)tf->rax != -ERESTARTSYS)
		return;
	if (!handler || (sa->flags & SA_RESTART)) {
		arch_frame_restart_syscall(tf);
	} else {
		tf->rax = (uint64_t)-EINTR;
	}
}

/* Act on pending signals before returning to user mode. */
void signal_deliver(struct trapframe *tf)
{
	struct proc *p = current;
	while (signal_pending(p)) {
		if (p->sig_pending & SIGBIT(SIGKILL))
			proc_exit(SIGKILL); /* before anything else, even a queued handler */
		uint64_t ready = p->sig_pending & ~(p->sig_blocked & ~UNBLOCKABLE);
		int sig = __builtin_ctzll(ready) + 1;
		p->sig_pending &= ~SIGBIT(sig);
		if (sig != SIGKILL && !(sig = ptrace_signal_stop(p, sig)))
			continue; /* the tracer discarded it */
		if (p->sig_pending & SIGBIT(SIGKILL))
			proc_exit(SIGKILL); /* killed while stopped for the tracer */
		struct k_sigaction *sa = &p->tg->sigactions[sig];
		if (sig == SIGKILL || sa->handler == SIG_DFL) {
			uint64_t bit = SIGBIT(sig);
			if (bit & IGNORED_BY_DEFAULT)
				continue;
			if (bit & STOP_SIGNALS) {
				signal_do_stop(p, sig);
				continue;
			}
			proc_exit(sig);
		}
		if (sa->handler == SIG_IGN)
			continue;
		signal_fix_syscall_restart(tf, true, sa);
		if (!arch_signal_frame(tf, sig, sa, &p->siginfo[sig])) {
			p->tg->sigactions[SIGSEGV].handler = SIG_DFL;
			proc_exit(SIGSEGV);
		}
		p->sig_blocked |= sa->mask & ~UNBLOCKABLE;
		if (!(sa->flags & SA_NODEFER))
			p->sig_blocked |= SIGBIT(sig);
		if (sa->flags & SA_RESETHAND)
			sa->handler = SIG_DFL;
		return; /* one handler frame at a time */
	}
	signal_fix_syscall_restart(tf, false, 0);
	if (p->restore_sigmask) { /* rt_sigsuspend woke, and no handler ran */
		p->restore_sigmask = false;
		signal_set_blocked(p->saved_sigmask);
	}
}

/* A fault in user mode (trap.c decoded it): sig is forced through. A
 * fault the process cannot handle (blocked, ignored, or raised inside its
 * own handler) reverts to the default action, so it kills. */
void signal_fault(int sig, int code, uint64_t addr)
{
	struct proc *p = current;
	p->siginfo[sig] = (struct ksiginfo){.signo = sig, .code = code, .addr = addr};
	struct k_sigaction *sa = &p->tg->sigactions[sig];
	if ((p->sig_blocked & SIGBIT(sig)) || sa->handler == SIG_IGN) {
		sa->handler = SIG_DFL;
		p->sig_blocked &= ~SIGBIT(sig);
	}
	p->sig_pending |= SIGBIT(sig);
}

/* Returning to user mode faulted on the frame itself (trap.c): nothing of
 * the process can run again, so it ends as if killed by SIGSEGV. */
_Noreturn void proc_bad_user_frame(void)
{
	kprintf("pid %d: bad user frame on return to user mode: SIGSEGV\n", current->pid);
	proc_exit(SIGSEGV);
}

/* Everything owed to a process on its way back to user mode. */
void proc_user_return(struct trapframe *tf)
{
	sched_preempt_point();
	if (current->debug_hit) { /* a watchpoint the kernel's own copy touched */
		uint64_t dr6 = current->debug_hit;
		current->debug_hit = 0;
		ptrace_debug_hit(tf, dr6);
	}
	if (current->tracee_session || current->step_tf || current->trace_interrupt)
		ptrace_user_return(tf);
	if (signal_pending(current) || (int64_t)tf->rax == -ERESTARTSYS ||
	    (int64_t)tf->rax == -ERESTART_RESTARTBLOCK)
		signal_deliver(tf);
	if (current->tracee_session)
		ptrace_arm_step(tf);
}

/* Linux's rule for a signal sent by a process: root may signal anyone;
 * others need their real or effective uid to equal the target's real or
 * saved uid. Signals the kernel itself sends (SIGCHLD, the terminal's
 * SIGINT, a session's SIGKILL) do not come through here. */
static bool signal_may_signal(const struct proc *from, const struct proc *to)
{
	return from->euid == 0 || from->euid == to->uid || from->euid == to->suid ||
	       from->uid == to->uid || from->uid == to->suid;
}

/* Send sig from the current process to p, if it may (sig 0: only check),
 * with the sender in its siginfo (code SI_USER for kill, SI_TKILL). */
static int signal_kill_one(struct proc *p, int sig, int code)
{
	if (!p || p->state == P_UNUSED)
		return -ESRCH;
	if (!signal_may_signal(current, p))
		return -EPERM;
	struct ksiginfo info = {
	    .signo = sig, .code = code, .pid = proc_tgid(current), .uid = current->uid};
	return code == SI_TKILL ? signal_send_thread(p, &info) : signal_send_info(p, &info);
}

/* kill(-1) and process groups: every target the sender may signal gets it;
 * -EPERM if there were targets but none could be signalled, -ESRCH if there
 * were none. */
static int signal_kill_many(int pgid, int sig)
{
	bool found = false, sent = false;
	for (int i = 1; i < proc_slots_top; i++) {
		struct proc *p = &proc_table[i];
		if (p->state == P_UNUSED || !proc_is_leader(p) || !p->tg->nthreads ||
		    (pgid ? p->tg->pgid != pgid : p->tg == current->tg || p->pid == 1))
			continue;
		found = true;
		sent |= signal_kill_one(p, sig, SI_USER) == 0;
	}
	return sent ? 0 : found ? -EPERM : -ESRCH;
}

long sys_kill(int pid, int sig)
{
	if (sig < 0 || sig >= NSIG)
		return -EINVAL;
	if (pid > 0)
		return signal_kill_one(proc_find(pid), sig, SI_USER);
	if (pid == -1)
		return signal_kill_many(0, sig);
	if (pid == INT32_MIN)
		return -ESRCH; /* -pid is not defined */
	return signal_kill_many(pid ? -pid : current->tg->pgid, sig);
}

/* tkill/tgkill: to one thread (musl's raise() and pthread_kill). */
long sys_tkill(int tid, int sig)
{
	if (tid <= 0 || sig < 0 || sig >= NSIG)
		return -EINVAL;
	struct proc *t = proc_find(tid);
	return signal_kill_one(t && proc_alive(t) ? t : 0, sig, SI_TKILL);
}

long sys_tgkill(int tgid, int tid, int sig)
{
	if (tgid <= 0 || tid <= 0 || sig < 0 || sig >= NSIG)
		return -EINVAL;
	struct proc *t = proc_find(tid);
	if (!t || !proc_alive(t) || proc_tgid(t) != tgid)
		return -ESRCH;
	return sys_tkill(tid, sig);
}

long sys_rt_sigaction(int sig, uint64_t uact, uint64_t uold, size_t setsize)
{
	if (sig < 1 || sig >= NSIG || setsize != 8)
		return -EINVAL;
	struct k_sigaction *cur = &current->tg->sigactions[sig], act;
	if (uact && copy_from_user(&act, uact, sizeof act))
		return -EFAULT;
	if (uold && copy_to_user(uold, cur, sizeof *cur))
		return -EFAULT;
	if (!uact)
		return 0;
	if (sig == SIGKILL || sig == SIGSTOP)
		return -EINVAL;
	act.mask &= ~UNBLOCKABLE;
	*cur = act;
	if (act.handler == SIG_IGN ||
	    (act.handler == SIG_DFL && (SIGBIT(sig) & IGNORED_BY_DEFAULT))) {
		for (struct proc *t = 0; (t = proc_next_thread(current->tg, t));)
			t->sig_pending &= ~SIGBIT(sig); /* discarded in every thread */
		current->tg->sig_pending &= ~SIGBIT(sig);
	}
	return 0;
}

/* Wait with a temporary mask until a signal is acted on; always -EINTR.
 * The caller's mask comes back when the handler returns (it is saved in the
 * signal frame) or, if no handler runs, on the way out. */
long sys_rt_sigsuspend(uint64_t umask, size_t setsize)
{
	uint64_t mask;
	if (setsize != 8)
		return -EINVAL;
	if (copy_from_user(&mask, umask, sizeof mask))
		return -EFAULT;
	struct proc *p = current;
	p->saved_sigmask = p->sig_blocked;
	p->restore_sigmask = true;
	signal_set_blocked(mask);
	struct waitq never = {0};
	while (waitq_sleep(&never) == 0)
		;
	return -EINTR;
}

/* pselect6 and ppoll wait with a temporary mask, as rt_sigsuspend does.
 * signal_mask_end after the wait puts the caller's mask back at once,
 * unless a signal the temporary mask let through is about to be acted on:
 * then signal_deliver does (its frame saves the caller's mask). */
void signal_mask_begin(uint64_t mask)
{
	struct proc *p = current;
	p->saved_sigmask = p->sig_blocked;
	p->restore_sigmask = true;
	signal_set_blocked(mask);
}

long signal_mask_end(long r)
{
	struct proc *p = current;
	if (!p->restore_sigmask || (r == -EINTR && signal_pending(p)))
		return r;
	p->restore_sigmask = false;
	signal_set_blocked(p->saved_sigmask);
	return r;
}

/* The signals raised while blocked: the thread's and its process's. */
long sys_rt_sigpending(uint64_t uset, size_t setsize)
{
	if (setsize > 8)
		return -EINVAL;
	uint64_t set = (current->sig_pending | current->tg->sig_pending) & current->sig_blocked;
	return copy_to_user(uset, &set, setsize) ? -EFAULT : 0;
}

long sys_rt_sigprocmask(int how, uint64_t uset, uint64_t uold, size_t setsize)
{
	if (setsize != 8)
		return -EINVAL;
	uint64_t set, old = current->sig_blocked;
	if (uset && copy_from_user(&set, uset, 8))
		return -EFAULT;
	if (uset) {
		if (how == 0)
			signal_set_blocked(old | set);
		else if (how == 1)
			signal_set_blocked(old & ~set);
		else if (how == 2)
			signal_set_blocked(set);
		else
			return -EINVAL;
	}
	if (uold && copy_to_user(uold, &old, 8))
		return -EFAULT;
	return 0;
}

#define SS_ONSTACK 1
#define SS_DISABLE 2
#define SS_AUTODISARM (1u << 31)
#define MINSIGSTKSZ 2048

struct stack_k { /* Linux stack_t */
	uint64_t sp;
	int32_t flags, pad;
	uint64_t size;
};

/* Whether sp is on p's alternate signal stack (it grows down from the top). */
bool signal_on_altstack(const struct proc *p, uint64_t sp)
{
	return p->altstack.size && sp > p->altstack.sp && sp - p->altstack.sp <= p->altstack.size;
}

/* sigaltstack: per thread; a new thread starts without one, a fork child
 * keeps its parent's, execve drops it. Changing it while running on it is
 * EPERM, as on Linux. */
long sys_sigaltstack(uint64_t uss, uint64_t uoss)
{
	struct proc *p = current;
	bool on = signal_on_altstack(p, proc_frame(p)->rsp);
	struct stack_k old = {p->altstack.sp, 0, 0, p->altstack.size};
	old.flags = on ? SS_ONSTACK : p->altstack.size ? 0 : SS_DISABLE;
	if (p->altstack.autodisarm)
		old.flags |= (int32_t)SS_AUTODISARM;
	struct stack_k ss;
	if (uss && copy_from_user(&ss, uss, sizeof ss))
		return -EFAULT;
	if (uss) {
		uint32_t mode = (uint32_t)ss.flags & ~SS_AUTODISARM;
		if (on)
			return -EPERM;
		if (mode != 0 && mode != SS_ONSTACK && mode != SS_DISABLE)
			return -EINVAL;
		if (mode != SS_DISABLE && ss.size < MINSIGSTKSZ)
			return -ENOMEM;
		bool off = mode == SS_DISABLE;
		p->altstack.sp = off ? 0 : ss.sp;
		p->altstack.size = off ? 0 : ss.size;
		p->altstack.autodisarm = !off && ((uint32_t)ss.flags & SS_AUTODISARM);
	}
	if (uoss && copy_to_user(uoss, &old, sizeof old))
		return -EFAULT;
	return 0;
}
