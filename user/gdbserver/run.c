/* gdbserver: resuming and stopping, all-stop over threads. A resume (c, s,
 * C, S, vCont) starts the threads it names (vCont with one thread named
 * leaves the others stopped: GDB's scheduler-locking and its steps over
 * breakpoints); the first thread to stop is reported and every other one
 * is stopped with INTERRUPT through its own trace session (an event other
 * than that interrupt is kept pending and reported at their next resume,
 * as Linux's gdbserver does). Events: breakpoints (rip moved back to the
 * int3: swbreak), steps (vCont;r steps on while rip is in the range),
 * signals, exit (of a thread: it is dropped, or reported as w with
 * QThreadEvents; of the last thread: the process's), exec (exec-events),
 * new threads (EVENT_CLONE with CLONE_THREAD: traced at once, "create"
 * stops with QThreadEvents), children (fork-events, vfork-events; a child
 * nobody asked for loses our breakpoints and runs free; a vfork parent
 * reports vforkdone when resumed), syscalls (QCatchSyscalls, through each
 * thread's sysfilter). */
#include "gdbserver.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define RUN_FLAGS                                                                                  \
	(PTRACE_STOP_BREAKPOINT | PTRACE_STOP_SIGNAL | PTRACE_STOP_EXIT | PTRACE_STOP_EXEC |       \
	 PTRACE_EVENT_CLONE)
#define CLONE_VM_ 0x100
#define CLONE_VFORK_ 0x4000
#define CLONE_THREAD_ 0x10000

static bool filter_has(const uint8_t *f, uint64_t nr)
{
	return nr < PTRACE_SYSFILTER_BYTES * 8 && (f[nr / 8] >> (nr % 8)) & 1;
}

static bool syscall_caught(uint64_t nr)
{
	return g.catch_syscalls && (g.catch_any || filter_has(g.catch_filter, nr));
}

/* The request flags for a resume of t, its sysfilter written to match. */
static uint64_t run_flags(struct thread *t, bool step)
{
	uint64_t flags = RUN_FLAGS | (step ? PTRACE_STOP_SINGLESTEP : 0);
	uint8_t filter[PTRACE_SYSFILTER_BYTES];
	if (!g.catch_syscalls)
		return flags;
	memset(filter, g.catch_any ? 0xff : 0, sizeof filter);
	if (!g.catch_any)
		memcpy(filter, g.catch_filter, sizeof filter);
	flags |= PTRACE_STOP_PRE_SYSCALL | PTRACE_STOP_POST_SYSCALL;
	int fd = proc_open(t->tid, "sysfilter", O_WRONLY);
	if (fd >= 0) {
		if (pwrite(fd, filter, sizeof filter, 0) != (ssize_t)sizeof filter)
			fprintf(stderr, "gdbserver: sysfilter: %s\n", strerror(errno));
		close(fd);
	}
	return flags;
}

/* Set while stop_others stops the threads that still run: one that must
 * be resumed after an event (a passed signal) is asked to stop again, and
 * a new thread is left stopped. */
static bool stopping;

/* Whether threads that GDB's last resume did not name (new ones) run: a
 * resume of "every thread" says they do, a resume of one thread (GDB's
 * scheduler-locking, its step over a breakpoint) that they do not. */
static bool new_threads_run;

/* Resume t, after an event that needs no stop, with its run flags and
 * no IGNORE (a passed signal is acted on, a syscall runs). While the others
 * are being stopped it stays stopped instead, held: resumed the same way
 * at GDB's next resume. (An INTERRUPT request never resumes a stopped
 * thread, so asking it to go on and stop at once does not work.) */
static void resume_again(struct thread *t)
{
	if (stopping) {
		t->stop = STOP_HELD;
		set_stop_reply(t, "T00");
		return;
	}
	if (write_flags(t, t->run_flags))
		t->running = true;
}

/* EVENT_CLONE with CLONE_THREAD: trace the new thread (held stopped until
 * we open its trace), give it the process's debug registers; it runs when
 * its creator's process was resumed as a whole. With QThreadEvents it is
 * reported as created ("create" stop of the new thread); else GDB finds it
 * in the thread list at the next stop. Returns the thread to report. */
static struct thread *new_thread(struct thread *t, pid_t tid)
{
	struct thread *n = thread_new(t->proc, tid);
	if (!n) {
		fprintf(stderr, "gdbserver: thread %d: too many threads\n", (int)tid);
		return NULL;
	}
	n->trace = proc_open(tid, "trace", O_RDWR);
	if (n->trace < 0 || !thread_open_files(n)) {
		fprintf(stderr, "gdbserver: thread %d: %s\n", (int)tid, strerror(errno));
		thread_forget(n);
		return NULL;
	}
	hw_load_thread(n);
	n->stop = STOP_INTR;
	set_stop_reply(n, "T00");
	n->run_flags = run_flags(n, false);
	if (g.thread_events) {
		/* Both stay stopped; GDB resumes them after the create stop. */
		set_stop_reply(n, "T05create:;");
		n->pending = true;
		t->stop = STOP_INTR;
		set_stop_reply(t, "T00");
		return n;
	}
	if (new_threads_run && !stopping && write_flags(n, n->run_flags))
		n->running = true;
	return NULL;
}

/* EVENT_CLONE of a process: trace the child (held stopped), give it our
 * breakpoint list (its memory has the int3s); report it if GDB wants fork
 * events, else take the int3s out and let it go. Returns the thread to
 * report (the parent), or NULL. */
static struct thread *new_child(struct thread *t, pid_t pid, uint64_t flags)
{
	bool vfork = flags & CLONE_VFORK_;
	bool report = g.multiprocess && (vfork ? g.vfork_events : g.fork_events);
	struct proc *p = t->proc;
	struct proc *cp = proc_new(pid);
	struct thread *c = cp ? thread_new(cp, pid) : NULL;
	if (!c) {
		if (cp)
			cp->used = false;
		fprintf(stderr, "gdbserver: child %d: too many processes\n", (int)pid);
		return NULL;
	}
	c->trace = proc_open(pid, "trace", O_RDWR);
	if (c->trace < 0 || !thread_open_files(c)) {
		fprintf(stderr, "gdbserver: child %d: %s\n", (int)pid, strerror(errno));
		proc_forget(cp);
		return NULL;
	}
	memcpy(cp->bps, p->bps, sizeof cp->bps);
	c->stop = STOP_ENTRY;
	if (!report || (flags & CLONE_VM_ && !vfork)) {
		detach_proc(cp);
		return NULL;
	}
	/* GDB learns of the child from the event; it is stopped until resumed. */
	set_stop_reply(c, "T13");
	if (vfork)
		p->vfork_wait = true;
	t->stop = STOP_ENTRY;
	set_stop_reply(t, "T05%s:%s;", vfork ? "vfork" : "fork", thread_id(c));
	return t;
}

static void exec_reply(struct thread *t)
{
	char path[256], hex[520];
	int fd = proc_open(t->proc->pid, "exe", O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, path, sizeof path - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0 || !g.exec_events || !g.multiprocess) {
		set_stop_reply(t, "T05");
		return;
	}
	hex_encode(hex, (const uint8_t *)path, (size_t)n);
	set_stop_reply(t, "T05exec:%s;", hex);
}

/* An exec: the other threads are gone (the kernel ended them first), and
 * the thread that exec'd has the process's id now. */
static void exec_took_over(struct thread *t)
{
	struct proc *p = t->proc;
	for (int i = 0; i < MAX_THREADS; i++)
		if (g.threads[i].used && g.threads[i].proc == p && &g.threads[i] != t)
			thread_forget(&g.threads[i]);
	if (t->tid != p->pid) {
		int trace = t->trace;
		t->trace = -1;
		thread_close(t);
		t->trace = trace;
		t->tid = p->pid;
		thread_open_files(t);
	}
	g.cur = t;
}

/* Let a thread that reported EXIT finish: resume it from its EXIT stop and
 * read its session to the end, before the handle is closed. (Closing the
 * handle at the EXIT stop should do as much, but on Procyon a process that
 * ends by a group exit, exit_group or a fatal signal, with its threads in
 * EXIT stops then never becomes reapable: its parent's wait4 blocks.) */
static void let_exit(struct thread *t)
{
	struct ptrace_event e;
	if (t->trace < 0)
		return;
	write_flags(t, 0); /* ESRCH when it is gone already: no matter */
	while (read(t->trace, &e, sizeof e) > 0)
		;
}

/* EXIT of t: the process's exit when t is its last thread; else t alone is
 * gone (reported as w with QThreadEvents, else forgotten: GDB drops it from
 * its list at the next stop). */
static struct thread *thread_exit(struct thread *t, int st, bool gone)
{
	struct proc *p = t->proc;
	if (thread_count(p) > 1) {
		if (!g.thread_events) {
			let_exit(t);
			thread_forget(t);
			return NULL;
		}
		t->stop = STOP_THREAD_EXITED;
		if (gone || WIFSIGNALED(st))
			set_stop_reply(t, "w%02x;%s", gone ? 9 : sig_to_gdb(WTERMSIG(st)),
			               thread_id(t));
		else
			set_stop_reply(t, "w%02x;%s", WEXITSTATUS(st), thread_id(t));
		return t;
	}
	char proc_part[32] = "";
	if (g.multiprocess)
		snprintf(proc_part, sizeof proc_part, ";process:%x", (unsigned)p->pid);
	t->stop = STOP_EXITED;
	if (gone) { /* gone without an EXIT event */
		set_stop_reply(t, "X09%s", proc_part);
	} else if (WIFSIGNALED(st)) {
		p->exit_code = 128 + WTERMSIG(st);
		set_stop_reply(t, "X%02x%s", sig_to_gdb(WTERMSIG(st)), proc_part);
	} else {
		p->exit_code = WEXITSTATUS(st);
		set_stop_reply(t, "W%02x%s", WEXITSTATUS(st), proc_part);
	}
	return t;
}

static struct thread *breakpoint_stop(struct thread *t, const struct ptrace_event *e)
{
	struct user_regs r;
	t->stop = STOP_BREAK;
	t->bp_addr = 0;
	if (e->data[1]) { /* a debug register: DR6's B0-B3 and the address */
		const struct hwslot *h = hw_hit(t->proc, e->data[1]);
		if (h && h->type == Z_HW)
			set_stop_reply(t, g.hwbreak ? "T05hwbreak:;" : "T05");
		else if (h) /* Linux's gdbserver says watch: for every kind */
			set_stop_reply(t, "T05watch:%016llx;",
			               (unsigned long long)(e->data[2] ? e->data[2] : h->addr));
		else
			set_stop_reply(t, "T05");
		return t;
	}
	if (bp_find(t->proc, e->data[0]) && read_regs(t, &r)) {
		r.rip = e->data[0]; /* GDB wants the pc of the int3 itself */
		if (write_regs(t, &r)) {
			t->bp_addr = e->data[0];
			set_stop_reply(t, "T05swbreak:;");
			return t;
		}
	}
	set_stop_reply(t, "T05"); /* the program's own int3 */
	return t;
}

/* A single step: with vCont;r, one more step while rip stays in range. */
static struct thread *step_stop(struct thread *t, const struct ptrace_event *e)
{
	if (t->range_hi && e->data[0] >= t->range_lo && e->data[0] < t->range_hi)
		return NULL;
	t->stop = STOP_STEP;
	set_stop_reply(t, "T05");
	return t;
}

/* Turn one event of t into a stop to report (the thread it is a stop of,
 * usually t), or deal with it and let the caller resume t with
 * t->run_flags (NULL). */
struct thread *handle_event(struct thread *t, const struct ptrace_event *e)
{
	t->running = false;
	switch (e->cause) {
	case PTRACE_STOP_EXIT: return thread_exit(t, (int)e->data[0], false);
	case PTRACE_STOP_BREAKPOINT: return breakpoint_stop(t, e);
	case PTRACE_STOP_SIGNAL:
		if ((int)e->data[0] == t->inject_sig) { /* sent for `C sig`: let it act */
			t->inject_sig = 0;
			return NULL;
		}
		if (g.pass_sig[sig_to_gdb((int)e->data[0]) & 0xff])
			return NULL; /* QPassSignals: delivered at once */
		t->stop = STOP_SIGNAL;
		t->stop_sig = (int)e->data[0];
		set_stop_reply(t, "T%02x", sig_to_gdb(t->stop_sig));
		return t;
	case PTRACE_STOP_INTERRUPT:
		/* One we asked for long ago, that came after another stop: no
		 * one wants it now. */
		if (!stopping && !g.ctrl_c)
			return NULL;
		t->stop = STOP_INTR;
		set_stop_reply(t, g.ctrl_c && !stopping ? "T02" : "T00");
		return t;
	case PTRACE_STOP_EXEC:
		exec_took_over(t);
		open_mem(t->proc);
		bp_forget_all(t->proc);
		hw_forget_all(t->proc);
		t->stop = STOP_ENTRY;
		t->proc->vfork_wait = false;
		exec_reply(t);
		return t;
	case PTRACE_EVENT_CLONE:
		if (e->data[1] & CLONE_THREAD_)
			return new_thread(t, (pid_t)e->data[0]);
		return new_child(t, (pid_t)e->data[0], e->data[1]);
	case PTRACE_STOP_PRE_SYSCALL:
		if (!syscall_caught(e->data[0]))
			return NULL;
		t->stop = STOP_SYSCALL;
		set_stop_reply(t, "T05syscall_entry:%x;", (unsigned)e->data[0]);
		return t;
	case PTRACE_STOP_POST_SYSCALL:
		if (!syscall_caught(e->data[0]))
			return NULL;
		t->stop = STOP_SYSCALL;
		set_stop_reply(t, "T05syscall_return:%x;", (unsigned)e->data[0]);
		return t;
	case PTRACE_STOP_SINGLESTEP: return step_stop(t, e);
	default: /* anything unexpected: a plain trap */
		t->stop = STOP_STEP;
		set_stop_reply(t, "T05");
		return t;
	}
}

/* Read t's next event; the thread it makes a stop of (its stop_reply
 * set), or NULL when t was resumed (or is gone) and there is none. */
static struct thread *take_event(struct thread *t)
{
	struct ptrace_event e;
	ssize_t n = read(t->trace, &e, sizeof e);
	if (n <= 0) { /* gone without an EXIT event */
		t->running = false;
		return thread_exit(t, 0, true);
	}
	struct thread *r = handle_event(t, &e);
	if (r)
		return r;
	if (t->used && !t->running)
		resume_again(t);
	return NULL;
}

/* The first running thread, oldest first (NULL: none runs). */
static struct thread *first_running(void)
{
	struct thread *all[MAX_THREADS];
	int n = threads_in_order(all);
	for (int i = 0; i < n; i++)
		if (all[i]->running)
			return all[i];
	return NULL;
}

/* All-stop: once one thread stopped, stop every other one that runs
 * (INTERRUPT through its own session; all are asked first, then each one's
 * stop is read). A real event met on the way is kept pending for a later
 * resume, as Linux's gdbserver does. */
static void stop_others(void)
{
	stopping = true;
	for (int i = 0; i < MAX_THREADS; i++) {
		struct thread *q = &g.threads[i];
		if (q->used && q->running)
			write_flags(q, q->run_flags | PTRACE_STOP_INTERRUPT);
	}
	for (struct thread *q; (q = first_running());) {
		struct thread *r = take_event(q);
		if (r && r->stop != STOP_INTR)
			r->pending = true; /* a real event: report it later */
	}
	stopping = false;
}

/* GDB sent ^C: ask the running threads to stop, unless a stop is queued.
 * (An INTERRUPT request does not resume a thread that is already stopped.) */
static void request_interrupt(void)
{
	g.ctrl_c = true;
	for (int i = 0; i < MAX_THREADS; i++) {
		struct thread *q = &g.threads[i];
		struct pollfd pf = {q->trace, POLLIN, 0};
		if (q->used && q->running && poll(&pf, 1, 0) == 0)
			write_flags(q, q->run_flags | PTRACE_STOP_INTERRUPT);
	}
}

/* While threads run: the first stop (returned), and ^C from GDB. */
static struct thread *wait_for_stop(void)
{
	for (;;) {
		struct pollfd pf[MAX_THREADS + 1] = {{g.dev, POLLIN, 0}};
		struct thread *who[MAX_THREADS + 1] = {NULL}, *all[MAX_THREADS];
		int n = 1, count = threads_in_order(all);
		for (int i = 0; i < count; i++)
			if (all[i]->running) {
				pf[n] = (struct pollfd){all[i]->trace, POLLIN, 0};
				who[n++] = all[i];
			}
		if (n == 1)
			return NULL;
		bool buffered = g.rx_pos < g.rx_len;
		if (!buffered && poll(pf, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			fatal("poll: %s", strerror(errno));
		}
		for (int i = 1; i < n; i++) {
			struct thread *r;
			if ((pf[i].revents & (POLLIN | POLLHUP)) && who[i]->used &&
			    who[i]->running && (r = take_event(who[i])))
				return r;
		}
		if (buffered || (pf[0].revents & POLLIN)) {
			if (!buffered && !dev_fill())
				fatal("device closed");
			/* All-stop: GDB sends nothing but ^C while the target runs. */
			bool intr = memchr(g.rx + g.rx_pos, 0x03, g.rx_len - g.rx_pos) != NULL;
			g.rx_pos = g.rx_len;
			if (intr)
				request_interrupt();
		}
	}
}

/* Report t's stop: it becomes the current thread (GDB records the thread
 * of a stop reply as its general thread). An exit ends t's process, a
 * thread's exit (w) t. */
void send_stop(struct thread *t)
{
	t->pending = false;
	g.cur = t;
	g.ctrl_c = false;
	if (t->stop_reply[0] == 'T')
		send_fmt("%sthread:%s;", t->stop_reply, thread_id(t));
	else
		send_str(t->stop_reply);
	if (t->stop == STOP_EXITED) {
		let_exit(t);
		proc_forget(t->proc);
		server_done_if_idle();
	} else if (t->stop == STOP_THREAD_EXITED) {
		let_exit(t);
		thread_forget(t);
	}
}

/* What to do with one thread: 0 nothing, 'c', 's' or 'r' (step in a
 * range), with GDB signal. */
struct action {
	char what;
	int gsig;
	uint64_t lo, hi;
};

#define SIGINFO_SIZE 128

/* At a signal stop, make the signal acted on sig (Linux's rule: the stop's
 * siginfo, as GDB may have written it, if its number is sig; else a fresh
 * SI_USER one from us). */
static bool set_signal(struct thread *t, int sig)
{
	uint8_t si[SIGINFO_SIZE];
	int32_t signo, ids[2] = {(int32_t)getpid(), (int32_t)getuid()};
	int fd = proc_open(t->tid, "siginfo", O_RDWR);
	bool ok = fd >= 0 && pread(fd, si, sizeof si, 0) == (ssize_t)sizeof si;
	memcpy(&signo, si, sizeof signo);
	if (ok && signo != sig) {
		memset(si, 0, sizeof si);
		signo = sig;
		memcpy(si, &signo, sizeof signo); /* si_errno 0, si_code SI_USER 0 */
		memcpy(si + 16, ids, sizeof ids); /* si_pid, si_uid */
		ok = pwrite(fd, si, sizeof si, 0) == (ssize_t)sizeof si;
	}
	if (fd >= 0)
		close(fd);
	return ok;
}

/* Send sig to thread t: kill for a process's only thread (what it always
 * was), tgkill for one thread of several. */
static void send_signal(struct thread *t, int sig)
{
	if (t->tid == t->proc->pid && thread_count(t->proc) == 1)
		kill(t->proc->pid, sig);
	else if (syscall(SYS_tgkill, t->proc->pid, t->tid, sig) < 0)
		kill(t->proc->pid, sig);
}

/* Start t as a says. At a signal stop, the signal GDB passes back is the
 * one acted on (through proc:TID/siginfo; none: discarded with IGNORE);
 * any other stop but a syscall stop or a held one (below) is left with
 * IGNORE, so no SIGTRAP follows a trap, and a signal GDB passes is sent. */
static bool start(struct thread *t, struct action a)
{
	int sig = a.gsig ? sig_from_gdb(a.gsig) : 0;
	uint64_t flags = run_flags(t, a.what == 's' || a.what == 'r');
	t->run_flags = flags;
	t->range_lo = a.what == 'r' ? a.lo : 0;
	t->range_hi = a.what == 'r' ? a.hi : 0;
	if (t->stop == STOP_SIGNAL && sig) {
		if (sig != t->stop_sig && !set_signal(t, sig))
			return false;
		sig = 0; /* acted on by resuming without IGNORE */
	} else if (t->stop != STOP_SYSCALL && t->stop != STOP_HELD) {
		flags |= PTRACE_FLAG_IGNORE;
	}
	if (sig) { /* not at a signal stop: send it and let it through */
		t->inject_sig = sig;
		send_signal(t, sig);
	}
	if (!write_flags(t, flags))
		return false;
	t->running = true;
	return true;
}

/* qXfer:siginfo:read::OFFSET,LENGTH and qXfer:siginfo:write::OFFSET:DATA
 * (binary, escaped): the stop's siginfo_t, proc:PID/siginfo. A write goes
 * to the kernel at once (it takes one at a signal stop only). */
void qxfer_siginfo(bool write, const char *args, size_t len)
{
	uint8_t si[SIGINFO_SIZE];
	const char *p = args, *end = args + len;
	uint64_t off, n = 0;
	int fd = g.cur ? proc_open(g.cur->tid, "siginfo", write ? O_RDWR : O_RDONLY) : -1;
	if (fd < 0 || pread(fd, si, sizeof si, 0) != (ssize_t)sizeof si) {
		send_str("E01");
		goto out;
	}
	if (!parse_hex(&p, &off) || off > sizeof si) { /* past the end: E01, as Linux's */
		send_str("E01");
		goto out;
	}
	if (!write) {
		send_qxfer((const char *)si, sizeof si, args);
		goto out;
	}
	if (p == end || *p++ != ':') {
		send_str("E01");
		goto out;
	}
	while (p < end && off + n < sizeof si) {
		uint8_t c = (uint8_t)*p++;
		if (c == '}') {
			if (p == end)
				break;
			c = (uint8_t)(*p++ ^ 0x20);
		}
		si[off + n++] = c;
	}
	if (p != end || pwrite(fd, si, sizeof si, 0) != (ssize_t)sizeof si) {
		send_str("E01");
		goto out;
	}
	send_fmt("%llx", (unsigned long long)n);
out:
	if (fd >= 0)
		close(fd);
}

/* QPassSignals:SIG[;SIG]... (GDB's numbers): signals that need no stop. */
void cmd_pass_signals(const char *args, size_t len)
{
	bool pass[256] = {false};
	(void)len;
	while (*args) {
		uint64_t sig;
		if (!parse_hex(&args, &sig) || sig > 255 || (*args && *args++ != ';')) {
			send_str("E01");
			return;
		}
		pass[sig] = true;
	}
	memcpy(g.pass_sig, pass, sizeof pass);
	send_str("OK");
}

/* The thread a ^C stop (t's) is reported in: the first thread of t's
 * process when it was interrupted too, as Linux's SIGINT goes to the main
 * thread; whichever thread stopped first is a matter of scheduling. */
static struct thread *ctrl_c_thread(struct thread *t)
{
	struct thread *f = thread_first(t->proc);
	if (!f || f == t || f->stop != STOP_INTR || f->pending)
		return t;
	set_stop_reply(f, "%s", t->stop_reply);
	set_stop_reply(t, "T00");
	return f;
}

/* A pending stop at an int3 that GDB has taken out since: nothing to
 * report (rip is at the int3's address, so the instruction there runs when
 * the thread goes on), as Linux's gdbserver drops such a stop. */
static bool stale_breakpoint(struct thread *t)
{
	return t->stop == STOP_BREAK && t->bp_addr && !bp_find(t->proc, t->bp_addr);
}

/* Resume the threads acts[] names (indexed like g.threads) and report the
 * next stop; others_run: threads that appear meanwhile run too. A pending
 * stop of one of them is reported at once, nothing resumed. */
static void resume_all(const struct action *acts, bool others_run)
{
	struct thread *all[MAX_THREADS];
	int n = threads_in_order(all);
	bool any = false;
	for (int i = 0; i < n; i++) {
		struct thread *t = all[i];
		if (!acts[t - g.threads].what)
			continue;
		if (t->proc->vfork_wait) {
			/* A vfork child has its own copy of memory on Procyon, so
			 * the parent's breakpoints may go back at once: its
			 * vforkdone is due as soon as GDB resumes it. */
			t->proc->vfork_wait = false;
			set_stop_reply(t, "T05vforkdone:;");
			t->pending = true;
		}
		if (t->pending && stale_breakpoint(t))
			t->pending = false;
		if (t->pending) {
			send_stop(t);
			return;
		}
	}
	new_threads_run = others_run;
	for (int i = 0; i < n; i++) {
		if (!acts[all[i] - g.threads].what)
			continue;
		if (!start(all[i], acts[all[i] - g.threads])) {
			send_str("E01");
			return;
		}
		any = true;
	}
	if (!any) {
		send_str("E01");
		return;
	}
	struct thread *t = wait_for_stop();
	if (!t) {
		send_str("E01");
		return;
	}
	bool ctrl_c = t->stop == STOP_INTR && g.ctrl_c;
	stop_others();
	send_stop(ctrl_c ? ctrl_c_thread(t) : t);
}

/* Optional resume address: set t's rip. */
static bool set_pc_from(struct thread *t, const char *p)
{
	uint64_t addr;
	struct user_regs r;
	if (!*p)
		return true;
	if (!parse_hex(&p, &addr) || *p || !read_regs(t, &r))
		return false;
	r.rip = addr;
	return write_regs(t, &r);
}

/* c [addr], s [addr], C sig[;addr], S sig[;addr]: the thread of Hc (or
 * the current one) steps or continues with the signal; on a continue,
 * every other thread continues too. */
void cmd_resume(const char *pkt, size_t len)
{
	const char *p = pkt + 1;
	uint64_t gsig = 0;
	struct action acts[MAX_THREADS] = {{0}};
	struct thread *t = g.cont ? g.cont : g.cur;
	bool step = pkt[0] == 's' || pkt[0] == 'S';
	(void)len;
	if (pkt[0] == 'C' || pkt[0] == 'S') {
		if (!parse_hex(&p, &gsig) || gsig > 255 || (*p && *p++ != ';')) {
			send_str("E01");
			return;
		}
	}
	if (!t || !set_pc_from(t, p)) {
		send_str("E01");
		return;
	}
	for (int i = 0; i < MAX_THREADS && !step; i++)
		if (g.threads[i].used)
			acts[i].what = 'c';
	acts[t - g.threads] = (struct action){step ? 's' : 'c', (int)gsig, 0, 0};
	resume_all(acts, !step);
}

/* Does a vCont thread-id (text from id up to end; none: every thread)
 * name t? *all: it names more than one thread. */
static bool vcont_for(const struct thread *t, const char *id, const char *end, bool *all)
{
	long pid, tid;
	*all = true;
	if (id == end)
		return true;
	if (!parse_thread_id(&id, &pid, &tid) || id != end)
		return false;
	*all = tid <= 0;
	return (pid <= 0 || pid == t->proc->pid) && (tid <= 0 || tid == t->tid);
}

/* One vCont action up to end: c, Csig, s, Ssig, rSTART,END or t; its
 * thread-id (after ':') is left in *colon. False when malformed. */
static bool vcont_action(const char *act, const char *end, struct action *a, const char **colon)
{
	const char *p = act + 1;
	uint64_t v = 0;
	*colon = memchr(act, ':', (size_t)(end - act));
	const char *stop = *colon ? *colon : end;
	*a = (struct action){0};
	if (act == end || !strchr("cCsSrt", *act))
		return false;
	if ((*act == 'C' || *act == 'S') && (!parse_hex(&p, &v) || v > 255))
		return false;
	if (*act == 'r' && (!parse_hex(&p, &a->lo) || *p++ != ',' || !parse_hex(&p, &a->hi)))
		return false;
	if (p != stop)
		return false;
	a->what = *act == 'C' ? 'c' : *act == 'S' ? 's' : *act;
	a->gsig = (int)v;
	return true;
}

/* vCont;ACTION[:TID]... : for each thread, the first action naming it.
 * Threads no action names stay stopped (GDB's scheduler-locking). */
void cmd_vcont(const char *args, size_t len)
{
	struct action acts[MAX_THREADS] = {{0}};
	bool stop_only = false, others_run = false;
	(void)len;
	if (*args != ';') {
		send_str("E01");
		return;
	}
	while (*args == ';') {
		const char *act = ++args, *end = strchr(args, ';'), *colon;
		struct action a;
		if (!end)
			end = args + strlen(args);
		args = end;
		if (!vcont_action(act, end, &a, &colon)) {
			send_str("E01");
			return;
		}
		if (a.what == 't') {
			stop_only = true;
			continue;
		}
		for (int i = 0; i < MAX_THREADS; i++) {
			bool all;
			if (g.threads[i].used && !acts[i].what &&
			    vcont_for(&g.threads[i], colon ? colon + 1 : end, end, &all)) {
				acts[i] = a;
				others_run |= all && a.what == 'c';
			}
		}
	}
	if (*args) {
		send_str("E01");
		return;
	}
	bool any = false;
	for (int i = 0; i < MAX_THREADS; i++)
		any |= acts[i].what != 0;
	if (!any && stop_only) { /* already stopped (all-stop) */
		send_str("OK");
		return;
	}
	resume_all(acts, others_run);
}

/* QCatchSyscalls:0 | QCatchSyscalls:1[;NR]... */
void cmd_catch_syscalls(const char *args, size_t len)
{
	uint8_t filter[PTRACE_SYSFILTER_BYTES] = {0};
	bool any = true;
	(void)len;
	if (!strcmp(args, "0")) {
		g.catch_syscalls = false;
		send_str("OK");
		return;
	}
	if (*args++ != '1') {
		send_str("E01");
		return;
	}
	while (*args == ';') {
		uint64_t nr;
		args++;
		if (!parse_hex(&args, &nr) || (*args && *args != ';')) {
			send_str("E01");
			return;
		}
		any = false;
		if (nr < PTRACE_SYSFILTER_BYTES * 8)
			filter[nr / 8] |= (uint8_t)(1u << (nr % 8));
	}
	if (*args) {
		send_str("E01");
		return;
	}
	g.catch_syscalls = true;
	g.catch_any = any;
	memcpy(g.catch_filter, filter, sizeof filter);
	send_str("OK");
}
