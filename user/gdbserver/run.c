/* gdbserver: resuming and stopping, all-stop. A resume (c, s, C, S, vCont)
 * starts the processes it names; the first to stop is reported and the
 * others are stopped with INTERRUPT (an event other than that interrupt is
 * kept pending and reported at their next resume, as Linux's gdbserver
 * does). Events: breakpoints (rip moved back to the int3: swbreak), steps,
 * signals, exit, exec (exec-events), children (EVENT_CLONE: fork-events,
 * vfork-events; a child nobody asked for loses our breakpoints and runs
 * free; a vfork parent reports vforkdone when resumed), syscalls
 * (QCatchSyscalls, through the tracee's sysfilter). */
#include "gdbserver.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define RUN_FLAGS                                                                                  \
	(PTRACE_STOP_BREAKPOINT | PTRACE_STOP_SIGNAL | PTRACE_STOP_EXIT | PTRACE_STOP_EXEC |       \
	 PTRACE_EVENT_CLONE)
#define CLONE_VM_ 0x100
#define CLONE_VFORK_ 0x4000

static bool filter_has(const uint8_t *f, uint64_t nr)
{
	return nr < PTRACE_SYSFILTER_BYTES * 8 && (f[nr / 8] >> (nr % 8)) & 1;
}

static bool syscall_caught(uint64_t nr)
{
	return g.catch_syscalls && (g.catch_any || filter_has(g.catch_filter, nr));
}

/* The request flags for a resume of p, its sysfilter written to match. */
static uint64_t run_flags(struct proc *p, bool step)
{
	uint64_t flags = RUN_FLAGS | (step ? PTRACE_STOP_SINGLESTEP : 0);
	uint8_t filter[PTRACE_SYSFILTER_BYTES];
	if (!g.catch_syscalls)
		return flags;
	memset(filter, g.catch_any ? 0xff : 0, sizeof filter);
	if (!g.catch_any)
		memcpy(filter, g.catch_filter, sizeof filter);
	flags |= PTRACE_STOP_PRE_SYSCALL | PTRACE_STOP_POST_SYSCALL;
	int fd = proc_open(p->pid, "sysfilter", O_WRONLY);
	if (fd >= 0) {
		if (pwrite(fd, filter, sizeof filter, 0) != (ssize_t)sizeof filter)
			fprintf(stderr, "gdbserver: sysfilter: %s\n", strerror(errno));
		close(fd);
	}
	return flags;
}

/* EVENT_CLONE: trace the child (held stopped), give it our breakpoint list
 * (its memory has the int3s); report it if GDB wants fork events, else take
 * the int3s out and let it go. True when there is a stop to report. */
static bool new_child(struct proc *p, pid_t pid, uint64_t flags)
{
	bool vfork = flags & CLONE_VFORK_;
	bool report = g.multiprocess && (vfork ? g.vfork_events : g.fork_events);
	struct proc *c = proc_new(pid);
	if (!c) {
		fprintf(stderr, "gdbserver: child %d: too many processes\n", (int)pid);
		return false;
	}
	c->trace = proc_open(pid, "trace", O_RDWR);
	if (c->trace < 0 || !proc_open_files(c)) {
		fprintf(stderr, "gdbserver: child %d: %s\n", (int)pid, strerror(errno));
		proc_close(c);
		c->used = false;
		return false;
	}
	memcpy(c->bps, p->bps, sizeof c->bps);
	c->stop = STOP_ENTRY;
	if (!report || (flags & CLONE_VM_ && !vfork)) {
		detach_proc(c);
		return false;
	}
	/* GDB learns of the child from the event; it is stopped until resumed. */
	set_stop_reply(c, "T13");
	if (vfork)
		p->vfork_wait = true;
	p->stop = STOP_ENTRY;
	set_stop_reply(p, "T05%s:%s;", vfork ? "vfork" : "fork", thread_id(c));
	return true;
}

static void exec_reply(struct proc *p)
{
	char path[256], hex[520];
	int fd = proc_open(p->pid, "exe", O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, path, sizeof path - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0 || !g.exec_events || !g.multiprocess) {
		set_stop_reply(p, "T05");
		return;
	}
	hex_encode(hex, (const uint8_t *)path, (size_t)n);
	set_stop_reply(p, "T05exec:%s;", hex);
}

/* Turn one event of p into a stop to report (true), or deal with it and
 * let the caller resume p with p->run_flags (false). */
bool handle_event(struct proc *p, const struct ptrace_event *e)
{
	p->running = false;
	switch (e->cause) {
	case PTRACE_STOP_EXIT: {
		int st = (int)e->data[0];
		char proc_part[32] = "";
		if (g.multiprocess)
			snprintf(proc_part, sizeof proc_part, ";process:%x", (unsigned)p->pid);
		p->stop = STOP_EXITED;
		if (WIFSIGNALED(st)) {
			p->exit_code = 128 + WTERMSIG(st);
			set_stop_reply(p, "X%02x%s", sig_to_gdb(WTERMSIG(st)), proc_part);
		} else {
			p->exit_code = WEXITSTATUS(st);
			set_stop_reply(p, "W%02x%s", WEXITSTATUS(st), proc_part);
		}
		return true;
	}
	case PTRACE_STOP_BREAKPOINT: {
		struct user_regs r;
		p->stop = STOP_BREAK;
		if (e->data[1]) { /* a debug register: DR6's B0-B3 and the address */
			const struct hwslot *h = hw_hit(p, e->data[1]);
			if (h && h->type == Z_HW)
				set_stop_reply(p, g.hwbreak ? "T05hwbreak:;" : "T05");
			else if (h) /* Linux's gdbserver says watch: for every kind */
				set_stop_reply(
				    p, "T05watch:%016llx;",
				    (unsigned long long)(e->data[2] ? e->data[2] : h->addr));
			else
				set_stop_reply(p, "T05");
			return true;
		}
		if (bp_find(p, e->data[0]) && read_regs(p, &r)) {
			r.rip = e->data[0]; /* GDB wants the pc of the int3 itself */
			if (write_regs(p, &r)) {
				set_stop_reply(p, "T05swbreak:;");
				return true;
			}
		}
		set_stop_reply(p, "T05"); /* the program's own int3 */
		return true;
	}
	case PTRACE_STOP_SIGNAL:
		if ((int)e->data[0] == p->inject_sig) { /* sent for `C sig`: let it act */
			p->inject_sig = 0;
			return false;
		}
		if (g.pass_sig[sig_to_gdb((int)e->data[0]) & 0xff])
			return false; /* QPassSignals: delivered at once */
		p->stop = STOP_SIGNAL;
		p->stop_sig = (int)e->data[0];
		set_stop_reply(p, "T%02x", sig_to_gdb(p->stop_sig));
		return true;
	case PTRACE_STOP_INTERRUPT:
		p->stop = STOP_INTR;
		set_stop_reply(p, "T02");
		return true;
	case PTRACE_STOP_EXEC:
		open_mem(p);
		bp_forget_all(p);
		hw_forget_all(p);
		p->stop = STOP_ENTRY;
		p->vfork_wait = false;
		exec_reply(p);
		return true;
	case PTRACE_EVENT_CLONE: return new_child(p, (pid_t)e->data[0], e->data[1]);
	case PTRACE_STOP_PRE_SYSCALL:
		if (!syscall_caught(e->data[0]))
			return false;
		p->stop = STOP_SYSCALL;
		set_stop_reply(p, "T05syscall_entry:%x;", (unsigned)e->data[0]);
		return true;
	case PTRACE_STOP_POST_SYSCALL:
		if (!syscall_caught(e->data[0]))
			return false;
		p->stop = STOP_SYSCALL;
		set_stop_reply(p, "T05syscall_return:%x;", (unsigned)e->data[0]);
		return true;
	default: /* SINGLESTEP and anything unexpected: a plain trap */
		p->stop = STOP_STEP;
		set_stop_reply(p, "T05");
		return true;
	}
}

/* Set while stop_others stops the processes that still run: one that must
 * be resumed after an event (a passed signal) is asked to stop again. */
static bool stopping;

/* Read p's next event; true when it is a stop (p->stop_reply set). */
static bool take_event(struct proc *p)
{
	struct ptrace_event e;
	ssize_t n = read(p->trace, &e, sizeof e);
	if (n <= 0) { /* gone without an EXIT event */
		p->running = false;
		p->stop = STOP_EXITED;
		set_stop_reply(p, "X09");
		return true;
	}
	if (handle_event(p, &e))
		return true;
	if (p->used && p->trace >= 0) {
		write_flags(p, p->run_flags | (stopping ? PTRACE_STOP_INTERRUPT : 0));
		p->running = true;
	}
	return false;
}

/* All-stop: once one process stopped, stop the others that run. */
static void stop_others(void)
{
	stopping = true;
	for (int i = 0; i < MAX_PROCS; i++) {
		struct proc *q = &g.procs[i];
		if (!q->used || !q->running)
			continue;
		write_flags(q, q->run_flags | PTRACE_STOP_INTERRUPT);
		while (q->running && !take_event(q))
			;
		q->running = false;
		q->pending = q->stop != STOP_INTR; /* a real event: report it later */
	}
	stopping = false;
}

/* GDB sent ^C: ask the running processes to stop, unless a stop is queued.
 * (An INTERRUPT request does not resume a process that is already stopped.) */
static void request_interrupt(void)
{
	for (int i = 0; i < MAX_PROCS; i++) {
		struct proc *q = &g.procs[i];
		struct pollfd pf = {q->trace, POLLIN, 0};
		if (q->used && q->running && poll(&pf, 1, 0) == 0)
			write_flags(q, q->run_flags | PTRACE_STOP_INTERRUPT);
	}
}

/* While processes run: the first stop (returned), and ^C from GDB. */
static struct proc *wait_for_stop(void)
{
	for (;;) {
		struct pollfd pf[MAX_PROCS + 1] = {{g.dev, POLLIN, 0}};
		struct proc *who[MAX_PROCS + 1] = {NULL};
		int n = 1;
		for (int i = 0; i < MAX_PROCS; i++)
			if (g.procs[i].used && g.procs[i].running) {
				pf[n] = (struct pollfd){g.procs[i].trace, POLLIN, 0};
				who[n++] = &g.procs[i];
			}
		if (n == 1)
			return NULL;
		bool buffered = g.rx_pos < g.rx_len;
		if (!buffered && poll(pf, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			fatal("poll: %s", strerror(errno));
		}
		for (int i = 1; i < n; i++)
			if ((pf[i].revents & (POLLIN | POLLHUP)) && take_event(who[i]))
				return who[i];
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

/* Report p's stop: it becomes the current process (GDB records the thread
 * of a stop reply as its general thread). An exit ends p. */
void send_stop(struct proc *p)
{
	p->pending = false;
	g.cur = p;
	if (p->stop_reply[0] == 'T')
		send_fmt("%sthread:%s;", p->stop_reply, thread_id(p));
	else
		send_str(p->stop_reply);
	if (p->stop == STOP_EXITED) {
		proc_forget(p);
		server_done_if_idle();
	}
}

/* What to do with one process: 0 nothing, 'c' or 's', with GDB signal. */
struct action {
	char what;
	int gsig;
};

#define SIGINFO_SIZE 128

/* At a signal stop, make the signal acted on sig (Linux's rule: the stop's
 * siginfo, as GDB may have written it, if its number is sig; else a fresh
 * SI_USER one from us). */
static bool set_signal(struct proc *p, int sig)
{
	uint8_t si[SIGINFO_SIZE];
	int32_t signo, ids[2] = {(int32_t)getpid(), (int32_t)getuid()};
	int fd = proc_open(p->pid, "siginfo", O_RDWR);
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

/* Start p as a says. At a signal stop, the signal GDB passes back is the
 * one acted on (through proc:PID/siginfo; none: discarded with IGNORE);
 * any other stop but a syscall stop is left with IGNORE, so no SIGTRAP
 * follows a trap, and a signal GDB passes is sent with kill. */
static bool start(struct proc *p, struct action a)
{
	int sig = a.gsig ? sig_from_gdb(a.gsig) : 0;
	uint64_t flags = run_flags(p, a.what == 's');
	p->run_flags = flags;
	if (p->stop == STOP_SIGNAL && sig) {
		if (sig != p->stop_sig && !set_signal(p, sig))
			return false;
		sig = 0; /* acted on by resuming without IGNORE */
	} else if (p->stop != STOP_SYSCALL) {
		flags |= PTRACE_FLAG_IGNORE;
	}
	if (sig) { /* not at a signal stop: send it and let it through */
		p->inject_sig = sig;
		kill(p->pid, sig);
	}
	if (!write_flags(p, flags))
		return false;
	p->running = true;
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
	int fd = g.cur ? proc_open(g.cur->pid, "siginfo", write ? O_RDWR : O_RDONLY) : -1;
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

/* Resume the processes acts[] names (indexed like g.procs) and report the
 * next stop. A pending stop is reported at once. */
static void resume_all(const struct action *acts)
{
	bool any = false;
	for (int i = 0; i < MAX_PROCS; i++) {
		struct proc *p = &g.procs[i];
		if (!p->used || !acts[i].what)
			continue;
		if (p->vfork_wait) {
			/* A vfork child has its own copy of memory on Procyon, so
			 * the parent's breakpoints may go back at once: its
			 * vforkdone is due as soon as GDB resumes it. */
			p->vfork_wait = false;
			set_stop_reply(p, "T05vforkdone:;");
			p->pending = true;
		}
		if (p->pending) {
			send_stop(p);
			return;
		}
	}
	for (int i = 0; i < MAX_PROCS; i++) {
		if (!g.procs[i].used || !acts[i].what)
			continue;
		if (!start(&g.procs[i], acts[i])) {
			send_str("E01");
			return;
		}
		any = true;
	}
	if (!any) {
		send_str("E01");
		return;
	}
	struct proc *p = wait_for_stop();
	if (!p) {
		send_str("E01");
		return;
	}
	stop_others();
	send_stop(p);
}

/* Optional resume address: set rip. */
static bool set_pc_from(const char *p)
{
	uint64_t addr;
	struct user_regs r;
	if (!*p)
		return true;
	if (!g.cur || !parse_hex(&p, &addr) || *p || !read_regs(g.cur, &r))
		return false;
	r.rip = addr;
	return write_regs(g.cur, &r);
}

/* c [addr], s [addr], C sig[;addr], S sig[;addr]: the current process. */
void cmd_resume(const char *pkt, size_t len)
{
	const char *p = pkt + 1;
	uint64_t gsig = 0;
	struct action acts[MAX_PROCS] = {{0}};
	(void)len;
	if (pkt[0] == 'C' || pkt[0] == 'S') {
		if (!parse_hex(&p, &gsig) || gsig > 255 || (*p && *p++ != ';')) {
			send_str("E01");
			return;
		}
	}
	if (!g.cur || !set_pc_from(p)) {
		send_str("E01");
		return;
	}
	acts[g.cur - g.procs] =
	    (struct action){pkt[0] == 's' || pkt[0] == 'S' ? 's' : 'c', (int)gsig};
	resume_all(acts);
}

/* Does a vCont thread-id (text up to end) name p? */
static bool vcont_for(const struct proc *p, const char *tid, const char *end)
{
	long pid, t;
	if (tid == end)
		return true;
	if (!parse_thread_id(&tid, &pid, &t) || tid != end)
		return false;
	return (pid == -1 || pid == 0 || pid == p->pid) && (t == -1 || t == 0 || t == p->pid);
}

/* vCont;ACTION[:TID]... : for each process, the first action naming it. */
void cmd_vcont(const char *args, size_t len)
{
	struct action acts[MAX_PROCS] = {{0}};
	bool stop_only = false;
	(void)len;
	if (*args != ';') {
		send_str("E01");
		return;
	}
	while (*args == ';') {
		const char *act = ++args, *end = strchr(args, ';'), *colon;
		uint64_t gsig = 0;
		const char *p = act + 1;
		if (!end)
			end = args + strlen(args);
		colon = memchr(act, ':', (size_t)(end - act));
		args = end;
		if ((*act == 'C' || *act == 'S') && (!parse_hex(&p, &gsig) || gsig > 255)) {
			send_str("E01");
			return;
		}
		if ((*act == 'c' || *act == 's') && p != (colon ? colon : end)) {
			send_str("E01");
			return;
		}
		if (!strchr("cCsSt", *act) || act == end) {
			send_str("E01");
			return;
		}
		if (*act == 't') {
			stop_only = true;
			continue;
		}
		for (int i = 0; i < MAX_PROCS; i++)
			if (g.procs[i].used && !acts[i].what &&
			    vcont_for(&g.procs[i], colon ? colon + 1 : end, end))
				acts[i] = (struct action){*act == 's' || *act == 'S' ? 's' : 'c',
				                          (int)gsig};
	}
	if (*args) {
		send_str("E01");
		return;
	}
	bool any = false;
	for (int i = 0; i < MAX_PROCS; i++)
		any |= acts[i].what != 0;
	if (!any && stop_only) { /* already stopped (all-stop) */
		send_str("OK");
		return;
	}
	resume_all(acts);
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
