/* Trace sessions. A session joins one tracer and one tracee; it is created
 * by opening proc:PID/trace and owned by that handle. The tracee stops only
 * in its own context, at the points the hooks below mark, by queueing an
 * event and parking in ptrace_stop_here() until the tracer resumes it (a write),
 * the session ends (close, or the tracer's death), or SIGKILL arrives.
 * Invariants: p->tracee_session is set exactly while a live session traces
 * p; s->stopped is true exactly while the tracee cannot run because of the
 * session (parked, held after EVENT_CLONE, or stopped when attached).
 * Events are FIFO; a queue overflow drops the oldest. No locks: one CPU,
 * interrupts off in the kernel. */
#include "ptrace.h"
#include "errno.h"
#include "file.h"
#include "heap.h"
#include "lib.h"
#include "uaccess.h"

#define QUEUE_LEN 32
#define REQUEST_BITS (PTRACE_STOP_MASK | PTRACE_EVENT_CLONE | PTRACE_FLAG_IGNORE)

struct ptrace_session {
	struct proc *tracer, *tracee; /* tracee is NULL once it has exited */
	uint64_t flags;               /* requested stops and events */
	bool kill_on_end;             /* O_EXCL */
	bool ended;                   /* detached: only close remains */
	bool stopped;
	bool silent_interrupt; /* the O_TRUNC stop: no event */
	uint8_t sysfilter[PTRACE_SYSFILTER_BYTES];
	struct ptrace_event queue[QUEUE_LEN];
	int qhead, qlen;
	struct waitq events; /* the tracer waits here for events and stops */
};

static int live_sessions;
static int held_children; /* processes with clone_held set: most of the time none */

/* Number of sessions not yet closed (for leak tests, sys:sessions). */
int ptrace_session_count(void) { return live_sessions; }

static void ptrace_push_event(struct ptrace_session *s, uint64_t cause, const uint64_t *data, int n)
{
	if (s->qlen == QUEUE_LEN) {
		s->qhead = (s->qhead + 1) % QUEUE_LEN;
		s->qlen--;
	}
	struct ptrace_event *e = &s->queue[(s->qhead + s->qlen++) % QUEUE_LEN];
	memset(e, 0, sizeof *e);
	e->cause = cause;
	for (int i = 0; i < n && i < 7; i++)
		/* cppcheck-suppress objectIndex ; i < n, and n is 1 for &one_word */
		e->data[i] = data[i];
	waitq_wake(&s->events);
}

/* Park the current process in a ptrace stop until resumed, detached or
 * killed. Returns the flags it was resumed with (0 if detached/killed). */
static uint64_t ptrace_stop_here(uint64_t cause, const uint64_t *data, int n)
{
	struct proc *p = current;
	struct ptrace_session *s = p->tracee_session;
	if (!s || (p->sig_pending & SIGBIT(SIGKILL)))
		return 0;
	p->resume_flags = 0;
	p->stop_cause = cause;
	/* What proc:PID/siginfo shows: the signal's own at a SIGNAL stop, the
	 * SIGTRAP a trap would deliver at a breakpoint or step, else zeroes. */
	if (cause == PTRACE_STOP_BREAKPOINT && n >= 3) /* a debug register hit */
		p->stop_info =
		    (struct ksiginfo){.signo = SIGTRAP, .code = TRAP_HWBKPT, .addr = data[2]};
	else if (cause == PTRACE_STOP_BREAKPOINT || cause == PTRACE_STOP_SINGLESTEP)
		p->stop_info = (struct ksiginfo){
		    .signo = SIGTRAP,
		    .code = cause == PTRACE_STOP_SINGLESTEP ? TRAP_TRACE : TRAP_BRKPT,
		    .addr = data[0]};
	else if (cause != PTRACE_STOP_SIGNAL)
		p->stop_info = (struct ksiginfo){0};
	s->stopped = true;
	p->trace_stopped = true;
	if (cause)
		ptrace_push_event(s, cause, data, n); /* wakes the tracer */
	else
		waitq_wake(&s->events); /* an O_TRUNC opener waits for the stop */
	while (p->trace_stopped && !(p->sig_pending & SIGBIT(SIGKILL))) {
		p->state = P_STOPPED;
		sched_block();
	}
	p->trace_stopped = false;
	return p->resume_flags;
}

/* Keep the fast path's view of the session current: the filter it tests
 * in assembly is non-NULL exactly while syscall stops are requested. */
static void ptrace_update_syscall_filter(struct ptrace_session *s)
{
	struct proc *p = s->tracee;
	if (p)
		p->syscall_stop_filter =
		    !s->ended && (s->flags & (PTRACE_STOP_PRE_SYSCALL | PTRACE_STOP_POST_SYSCALL))
		        ? s->sysfilter
		        : 0;
}

/* Let a stopped tracee run again with the given request flags. */
static void ptrace_resume(struct proc *p, struct ptrace_session *s, uint64_t flags)
{
	if (s)
		s->stopped = false;
	p->resume_flags = flags;
	p->trace_stopped = false;
	if (p->clone_held) {
		p->clone_held = false;
		p->clone_creator = 0;
		held_children--;
	}
	p->stop_sig = 0;
	if (p->state == P_STOPPED)
		sched_ready(p);
}

/* Children held after EVENT_CLONE that nobody attached to go free. */
static void ptrace_release_held_children(struct proc *parent)
{
	if (!held_children)
		return;
	for (int i = 1; i < proc_slots_top; i++) {
		struct proc *c = &proc_table[i];
		if (c->state != P_UNUSED && c->clone_held && c->clone_creator == parent &&
		    !c->tracee_session)
			ptrace_resume(c, 0, 0);
	}
}

/* End a session: detach (ptrace_resume, clear stops) or kill under O_EXCL. */
static void ptrace_end_session(struct ptrace_session *s)
{
	if (s->ended)
		return;
	s->ended = true;
	struct proc *p = s->tracee;
	if (p) {
		p->tracee_session = 0;
		p->syscall_stop_filter = 0;
		p->trace_interrupt = false;
		ptrace_release_held_children(p);
		if (s->kill_on_end)
			signal_send(p, SIGKILL);
		if (s->stopped || p->trace_stopped || p->clone_held)
			ptrace_resume(p, s, 0);
	}
	s->tracee = 0;
	waitq_wake(&s->events);
}

/* Whether who is p's tracer. */
bool ptrace_is_tracer(struct proc *p, struct proc *who)
{
	return p->tracee_session && p->tracee_session->tracer == who;
}

/* Pid of p's tracer, 0 if untraced. */
int ptrace_tracer_pid(struct proc *p)
{
	return p->tracee_session ? p->tracee_session->tracer->pid : 0;
}

/* Whether p may not run because its tracer holds it stopped. */
bool ptrace_holds(struct proc *p) { return p->tracee_session && p->tracee_session->stopped; }

/* False once the tracee is gone or the session has ended. */
bool ptrace_session_alive(struct ptrace_session *s) { return s->tracee && !s->ended; }

/* Start a session on target (the caller's access was checked already).
 * O_TRUNC waits until the target is stopped; O_EXCL kills it at the end. */
int ptrace_attach(struct proc *p, int open_flags, struct ptrace_session **out)
{
	if (p == current)
		return -EINVAL;
	if (p->tracee_session)
		return -EBUSY;
	struct ptrace_session *s = kzalloc(sizeof *s);
	if (!s)
		return -ENOMEM;
	live_sessions++;
	s->tracer = current;
	s->tracee = p;
	s->kill_on_end = (open_flags & O_EXCL) != 0;
	memset(s->sysfilter, 0xff, sizeof s->sysfilter);
	p->tracee_session = s;
	if (p->clone_held || p->state == P_STOPPED)
		s->stopped = true; /* already stopped: held child, or a group stop */
	if ((open_flags & O_TRUNC) && !s->stopped) {
		s->silent_interrupt = true;
		p->trace_interrupt = true;
		if (p->state == P_SLEEPING)
			sched_ready(p); /* its sleep ends with -EINTR; it stops on the way out */
		while (!s->stopped && s->tracee) {
			if (waitq_sleep(&s->events) == -EINTR && !s->stopped) {
				ptrace_end_session(s);
				ptrace_close(s);
				return -EINTR;
			}
		}
		if (!s->tracee) {
			ptrace_close(s);
			return -ESRCH;
		}
	}
	*out = s;
	return 0;
}

/* The handle was closed: end the session and free it. */
void ptrace_close(struct ptrace_session *s)
{
	ptrace_end_session(s);
	live_sessions--;
	kfree(s);
}

/* read(2) on trace: whole event records, FIFO; 0 once the tracee is gone
 * and the queue is drained. */
long ptrace_read_events(struct ptrace_session *s, struct file *f, uint64_t ubuf, size_t n)
{
	if (n < sizeof(struct ptrace_event))
		return -EINVAL;
	while (s->qlen == 0) {
		if (!ptrace_session_alive(s))
			return 0;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (waitq_sleep(&s->events) == -EINTR)
			return -EINTR;
	}
	size_t count = MIN((size_t)s->qlen, n / sizeof(struct ptrace_event));
	for (size_t i = 0; i < count; i++) {
		const struct ptrace_event *e = &s->queue[s->qhead];
		if (file_copy_out(f, ubuf + i * sizeof *e, e, sizeof *e))
			return i ? (long)(i * sizeof *e) : -EFAULT;
		s->qhead = (s->qhead + 1) % QUEUE_LEN;
		s->qlen--;
	}
	return (long)(count * sizeof(struct ptrace_event));
}

/* write(2) on trace: replace the requested stops, then ptrace_resume a stopped
 * tracee (INTERRUPT instead asks a running one to stop). */
long ptrace_write_flags(struct ptrace_session *s, uint64_t flags)
{
	if (flags & ~(uint64_t)REQUEST_BITS)
		return -EINVAL;
	if (!ptrace_session_alive(s))
		return -ESRCH;
	if (s->tracer != current)
		return -EPERM;
	struct proc *p = s->tracee;
	s->flags = flags & ~(uint64_t)(PTRACE_FLAG_IGNORE | PTRACE_STOP_INTERRUPT);
	ptrace_update_syscall_filter(s);
	if (flags & PTRACE_STOP_INTERRUPT) {
		if (!s->stopped && p->state == P_STOPPED) {
			/* Already stopped (a group stop): it is a ptrace stop now. */
			uint64_t rip = proc_frame(p)->rip;
			s->stopped = true;
			ptrace_push_event(s, PTRACE_STOP_INTERRUPT, &rip, 1);
		} else if (!s->stopped) {
			s->silent_interrupt = false;
			p->trace_interrupt = true;
			if (p->state == P_SLEEPING)
				sched_ready(p);
		}
		return 8;
	}
	ptrace_release_held_children(p);
	if (s->stopped)
		ptrace_resume(p, s, flags);
	return 8;
}

/* poll on trace: readable with events queued, HUP when gone and drained. */
int ptrace_poll(struct ptrace_session *s)
{
	int ev = 0;
	if (s->qlen)
		ev |= POLLIN;
	else if (!ptrace_session_alive(s))
		ev |= POLLHUP;
	if (ptrace_session_alive(s))
		ev |= POLLOUT;
	return ev;
}

/* sysfilter of p's session (all ones when untraced). */
int ptrace_sysfilter_get(struct proc *p, uint8_t out[PTRACE_SYSFILTER_BYTES])
{
	if (p->tracee_session)
		memcpy(out, p->tracee_session->sysfilter, PTRACE_SYSFILTER_BYTES);
	else
		memset(out, 0xff, PTRACE_SYSFILTER_BYTES);
	return 0;
}

/* Replace the sysfilter: the tracer only. */
int ptrace_sysfilter_set(struct proc *p, const uint8_t in[PTRACE_SYSFILTER_BYTES])
{
	if (!ptrace_is_tracer(p, current))
		return -EPERM;
	memcpy(p->tracee_session->sysfilter, in, PTRACE_SYSFILTER_BYTES);
	return 0;
}

/* Register writes need the caller to be the tracer and p to be stopped. */
int ptrace_may_write_regs(struct proc *p)
{
	if (!ptrace_is_tracer(p, current))
		return -EPERM;
	return p->tracee_session->stopped ? 0 : -EBUSY;
}

static bool ptrace_wants(const struct proc *p, uint64_t bit)
{
	return p->tracee_session && (p->tracee_session->flags & bit);
}

static bool ptrace_filtered_in(const struct ptrace_session *s, uint64_t nr)
{
	return nr >= PTRACE_SYSFILTER_BYTES * 8 || (s->sysfilter[nr / 8] >> (nr % 8)) & 1;
}

/* fork/clone: with EVENT_CLONE the child starts held in a ptrace stop and
 * the parent stops to report it. */
void ptrace_on_fork(struct proc *parent, struct proc *child, uint64_t flags)
{
	if (!ptrace_wants(parent, PTRACE_EVENT_CLONE))
		return;
	child->clone_held = true;
	child->clone_creator = parent;
	held_children++;
	child->state = P_STOPPED;
	uint64_t data[2] = {(uint64_t)child->pid, flags};
	ptrace_stop_here(PTRACE_EVENT_CLONE, data, 2);
}

/* Exit: a tracer's sessions end; a tracee reports EXIT (stopping if asked)
 * and its session is marked gone. Runs before anything is torn down. */
void ptrace_on_exit(struct proc *p, int wait_status)
{
	for (int i = 1; i < proc_slots_top; i++) {
		struct proc *t = &proc_table[i];
		if (t->state != P_UNUSED && t->tracee_session && t->tracee_session->tracer == p)
			ptrace_end_session(t->tracee_session);
	}
	ptrace_release_held_children(p);
	if (p->clone_held) { /* killed while held */
		p->clone_held = false;
		held_children--;
	}
	struct ptrace_session *s = p->tracee_session;
	if (!s)
		return;
	uint64_t status = (uint64_t)wait_status;
	bool killed = (wait_status & 0x7f) == SIGKILL || (p->sig_pending & SIGBIT(SIGKILL));
	if ((s->flags & PTRACE_STOP_EXIT) && !killed)
		ptrace_stop_here(PTRACE_STOP_EXIT, &status, 1);
	else
		ptrace_push_event(s, PTRACE_STOP_EXIT, &status, 1);
	s = p->tracee_session; /* the stop may have ended the session */
	if (s) {
		s->tracee = 0;
		s->stopped = false;
		p->tracee_session = 0;
		p->syscall_stop_filter = 0;
		waitq_wake(&s->events);
	}
}

/* A successful execve, at the new entry point. */
void ptrace_on_exec(struct proc *p)
{
	if (!ptrace_wants(p, PTRACE_STOP_EXEC))
		return;
	uint64_t entry = proc_frame(p)->rip;
	ptrace_stop_here(PTRACE_STOP_EXEC, &entry, 1);
}

/* Traced processes keep signals they ignore, so the tracer sees them. */
bool ptrace_wants_signal(struct proc *p) { return ptrace_wants(p, PTRACE_STOP_SIGNAL); }

/* A signal is about to be acted on: the SIGNAL stop, with si_code and the
 * fault address or sender in the event. Returns the signal to act on: 0 if
 * the tracer discarded it, another one if it wrote proc:PID/siginfo. */
int ptrace_signal_stop(struct proc *p, int sig)
{
	if (!ptrace_wants(p, PTRACE_STOP_SIGNAL))
		return sig;
	const struct ksiginfo *k = &p->siginfo[sig];
	p->stop_info = *k;
	uint64_t data[4] = {(uint64_t)sig, p->tg->sigactions[sig].handler,
	                    (uint64_t)(int64_t)k->code,
	                    signal_info_is_fault(k) ? k->addr : (uint64_t)k->pid};
	uint64_t rf = ptrace_stop_here(PTRACE_STOP_SIGNAL, data, 4);
	if (rf & PTRACE_FLAG_IGNORE)
		return 0;
	int chosen = p->stop_info.signo;
	if (chosen > 0 && chosen < NSIG)
		p->siginfo[chosen] = p->stop_info;
	return chosen > 0 && chosen < NSIG ? chosen : 0;
}

/* proc:PID/siginfo: the stop's siginfo (EBUSY unless in a ptrace stop). */
int ptrace_siginfo_get(struct proc *p, struct ksiginfo *out)
{
	if (!p->tracee_session || !p->tracee_session->stopped || !p->trace_stopped)
		return -EBUSY;
	*out = p->stop_info;
	return 0;
}

/* Replace the signal of a SIGNAL stop (signo 0 discards it): the tracer
 * only, at a SIGNAL stop only. */
int ptrace_siginfo_set(struct proc *p, const struct ksiginfo *in)
{
	if (!ptrace_is_tracer(p, current))
		return -EPERM;
	if (!p->tracee_session->stopped || !p->trace_stopped)
		return -EBUSY;
	if (p->stop_cause != PTRACE_STOP_SIGNAL || in->signo < 0 || in->signo >= NSIG)
		return -EINVAL;
	p->stop_info = *in;
	return 0;
}

/* int3 or a debug trap in user mode. True if tracing consumed it. */
bool ptrace_trap(struct trapframe *tf)
{
	struct proc *p = current;
	if (tf->vector == TRAP_BREAKPOINT && ptrace_wants(p, PTRACE_STOP_BREAKPOINT)) {
		uint64_t addr = arch_breakpoint_address(tf);
		ptrace_stop_here(PTRACE_STOP_BREAKPOINT, &addr, 1);
		return true; /* the tracer asked for it: no SIGTRAP */
	}
	if (tf->vector == TRAP_DEBUG && p->step_tf) {
		p->step_tf = false;
		arch_frame_set_step(tf, false);
		if (ptrace_wants(p, PTRACE_STOP_SINGLESTEP)) {
			uint64_t rip = tf->rip;
			ptrace_stop_here(PTRACE_STOP_SINGLESTEP, &rip, 1);
		}
		return true;
	}
	return false;
}

/* A debug register hit (dr6's B0-B3), in user mode or taken by the kernel
 * on the process's behalf (reported on its way back): a BREAKPOINT stop
 * with rip, DR6 and the watched address when the tracer asked for
 * breakpoints, else SIGTRAP with si_code TRAP_HWBKPT. An execute
 * breakpoint resumes with RF set, so the instruction runs once. */
void ptrace_debug_hit(struct trapframe *tf, uint64_t dr6)
{
	struct proc *p = current;
	int i = __builtin_ctzll(dr6 & DR6_HITS);
	uint64_t addr = p->debugreg[i];
	p->debugreg[6] = dr6 & (DR6_HITS | DR6_STEP);
	if (arch_debug_is_exec(p, i) && tf->rip == addr) {
		arch_frame_set_resume(tf);
		p->force_iret = true;
	}
	if (ptrace_wants(p, PTRACE_STOP_BREAKPOINT)) {
		uint64_t data[3] = {tf->rip, dr6 & DR6_HITS, addr};
		ptrace_stop_here(PTRACE_STOP_BREAKPOINT, data, 3);
		return;
	}
	signal_fault(SIGTRAP, TRAP_HWBKPT, addr);
}

/* On the way to user mode: interrupt stops, and the step over a syscall. */
void ptrace_user_return(struct trapframe *tf)
{
	struct proc *p = current;
	if (p->step_tf) {
		arch_frame_set_step(tf, false); /* ours; re-armed by ptrace_arm_step */
		p->step_tf = false;
		if (tf->vector == TRAP_SYSCALL && ptrace_wants(p, PTRACE_STOP_SINGLESTEP)) {
			uint64_t rip = tf->rip; /* the syscall was the stepped instruction */
			ptrace_stop_here(PTRACE_STOP_SINGLESTEP, &rip, 1);
		}
	}
	if (p->trace_interrupt) {
		p->trace_interrupt = false;
		struct ptrace_session *s = p->tracee_session;
		if (s) {
			uint64_t rip = tf->rip;
			bool silent = s->silent_interrupt;
			s->silent_interrupt = false;
			ptrace_stop_here(silent ? 0 : PTRACE_STOP_INTERRUPT, &rip, 1);
		}
	}
}

/* Last step before user mode: set TF if the tracer ptrace_wants one instruction. */
void ptrace_arm_step(struct trapframe *tf)
{
	struct proc *p = current;
	if (ptrace_wants(p, PTRACE_STOP_SINGLESTEP)) {
		arch_frame_set_step(tf, true);
		p->step_tf = true;
		p->force_iret = true;
	}
}

/* Syscall entry. False: skip the syscall (rax is its result). */
bool ptrace_syscall_enter(struct trapframe *tf)
{
	struct proc *p = current;
	struct ptrace_session *s = p->tracee_session;
	if (!s || !(s->flags & PTRACE_STOP_PRE_SYSCALL) || !ptrace_filtered_in(s, tf->orig_rax))
		return true;
	uint64_t data[7] = {tf->orig_rax, tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9};
	uint64_t rf = ptrace_stop_here(PTRACE_STOP_PRE_SYSCALL, data, 7);
	if (p->sig_pending & SIGBIT(SIGKILL))
		return false;
	return !(rf & PTRACE_FLAG_IGNORE) && tf->orig_rax != (uint64_t)-1;
}

/* Syscall exit: the result is in rax and may be rewritten. */
void ptrace_syscall_exit(struct trapframe *tf)
{
	struct proc *p = current;
	struct ptrace_session *s = p->tracee_session;
	if (!s || !(s->flags & PTRACE_STOP_POST_SYSCALL) || !ptrace_filtered_in(s, tf->orig_rax))
		return;
	uint64_t data[2] = {tf->orig_rax, tf->rax};
	ptrace_stop_here(PTRACE_STOP_POST_SYSCALL, data, 2);
}
