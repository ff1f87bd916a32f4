/* strace: print the system calls and signals of a command, or of running
 * processes (-p PID), the way Linux's strace 6.1 does, through Procyon's
 * proc: scheme (docs/proc-scheme.md). strace -h lists the options.
 *
 * Each traced process is a trace session (proc:PID/trace): the tracer reads
 * 64-byte events from it and resumes the process by writing the request
 * flags. A syscall's arguments are printed at its entry stop, except the
 * buffers it fills, printed at its exit stop with the result (decode.c).
 * -e trace= is written to each tracee's sysfilter, so calls left out never
 * stop it. With -f, children and threads reported by PTRACE_EVENT_CLONE
 * are attached as they are created (each thread is a session of its own,
 * proc:TID/trace) and every session is watched with poll(2); lines carry
 * [pid TID] while more than one is traced. */
#include "strace.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <regex.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

void decode_result(struct sbuf *b, struct tracee *t, int64_t ret);

struct options opt;
static struct tracee tracees[MAX_TRACEES];
static int ntracees;
static int nlive; /* tracees counted for [pid N]: attached, and their exit not yet shown */
static FILE *out;
static uint64_t trace_flags;
static struct tracee *open_line; /* the tracee whose line awaits its result */
static volatile sig_atomic_t interrupted;
static uint64_t start_ns, last_ns;
static int use_sysfilter;
static unsigned char sysfilter[PTRACE_SYSFILTER_BYTES];
static char **child_env;
static int run_uid = -1, run_gid = -1; /* -u USER: its ids and name */
static const char *run_user;

/* ------------------------------------------------------------------------ */
/* Output.                                                                  */
/* ------------------------------------------------------------------------ */

void sb_clear(struct sbuf *b)
{
	b->n = 0;
	b->s[0] = '\0';
}

void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	if (b->n >= sizeof b->s - 1)
		return;
	va_list ap;
	va_start(ap, fmt);
	int r = vsnprintf(b->s + b->n, sizeof b->s - b->n, fmt, ap);
	va_end(ap);
	if (r > 0)
		b->n = b->n + (size_t)r < sizeof b->s ? b->n + (size_t)r : sizeof b->s - 1;
}

/* A decimal number without printf (the hot path of every line). */
void sb_long(struct sbuf *b, long v)
{
	char tmp[24];
	int i = sizeof tmp;
	unsigned long u = v < 0 ? 0ul - (unsigned long)v : (unsigned long)v;
	do
		tmp[--i] = (char)('0' + u % 10);
	while ((u /= 10) && i > 1);
	if (v < 0)
		tmp[--i] = '-';
	if (b->n + sizeof tmp - (size_t)i >= sizeof b->s)
		return;
	memcpy(b->s + b->n, tmp + i, sizeof tmp - (size_t)i);
	b->n += sizeof tmp - (size_t)i;
	b->s[b->n] = '\0';
}

void sb_puts(struct sbuf *b, const char *s)
{
	size_t n = strlen(s);
	if (b->n >= sizeof b->s - 1)
		return;
	if (b->n + n >= sizeof b->s)
		n = sizeof b->s - 1 - b->n;
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

/* strace's quoting: C escapes and octal by default; with -x, a string with
 * any non-printable byte all in \x; with -xx, every byte in \x. */
void sb_quote(struct sbuf *b, const unsigned char *p, size_t n, int more)
{
	int hex = opt.xflag >= 2;
	if (opt.xflag == 1)
		for (size_t i = 0; i < n && !hex; i++)
			hex = (p[i] < 0x20 || p[i] >= 0x7f) && p[i] != '\n' && p[i] != '\t' &&
			      p[i] != '\r' && p[i] != '\v' && p[i] != '\f';
	sb_puts(b, "\"");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];
		if (hex) {
			sb_printf(b, "\\x%02x", c);
			continue;
		}
		int next_digit = i + 1 < n && p[i + 1] >= '0' && p[i + 1] <= '7';
		switch (c) {
		case '\n': sb_puts(b, "\\n"); break;
		case '\t': sb_puts(b, "\\t"); break;
		case '\r': sb_puts(b, "\\r"); break;
		case '\v': sb_puts(b, "\\v"); break;
		case '\f': sb_puts(b, "\\f"); break;
		case '"': sb_puts(b, "\\\""); break;
		case '\\': sb_puts(b, "\\\\"); break;
		default:
			if (c >= 0x20 && c < 0x7f)
				sb_printf(b, "%c", c);
			else if (next_digit)
				sb_printf(b, "\\%03o", c);
			else
				sb_printf(b, "\\%o", c);
		}
	}
	sb_puts(b, more ? "\"..." : "\"");
}

static _Noreturn void die_out(void)
{
	fprintf(stderr, "strace: write: %s\n", strerror(errno));
	exit(1);
}

static void emit(FILE *f, const char *s)
{
	if (fputs(s, f) == EOF)
		die_out();
}

static int need_time, flush_entries;

static uint64_t now_ns(void)
{
	if (!need_time)
		return 0;
	struct timespec ts;
	clock_gettime(opt.tflag ? CLOCK_REALTIME : CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int show_pid_prefix(void) { return opt.outfile && opt.follow == 1; }

/* The prefix of a new line: pid, time. */
static void fmt_prefix(struct sbuf *b, struct tracee *t)
{
	if (show_pid_prefix()) {
		size_t start = b->n;
		sb_long(b, t->pid);
		while (b->n - start < 5)
			sb_puts(b, " ");
		sb_puts(b, " ");
	} else if (nlive > 1 && opt.follow < 2)
		sb_printf(b, "[pid %5d] ", t->pid);
	if (opt.tflag || opt.rflag) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		uint64_t ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
		if (opt.rflag) {
			struct timespec m;
			clock_gettime(CLOCK_MONOTONIC, &m);
			uint64_t mn = (uint64_t)m.tv_sec * 1000000000ull + (uint64_t)m.tv_nsec;
			uint64_t d = last_ns ? mn - last_ns : 0;
			last_ns = mn;
			sb_printf(b, "%6lu.%06lu ", (unsigned long)(d / 1000000000),
			          (unsigned long)(d % 1000000000 / 1000));
		}
		if (opt.tflag == 3)
			sb_printf(b, "%lu.%06lu ", (unsigned long)(ns / 1000000000),
			          (unsigned long)(ns % 1000000000 / 1000));
		else if (opt.tflag) {
			time_t s = (time_t)(ns / 1000000000);
			struct tm tm;
			char buf[32];
			localtime_r(&s, &tm);
			strftime(buf, sizeof buf, "%H:%M:%S", &tm);
			if (opt.tflag == 2)
				sb_printf(b, "%s.%06lu ", buf,
				          (unsigned long)(ns % 1000000000 / 1000));
			else
				sb_printf(b, "%s ", buf);
		}
	}
}

static int line_is_open(const struct tracee *t)
{
	return t->out == out ? open_line == t : t->line_open;
}

static void close_line(struct tracee *t)
{
	if (t->out == out)
		open_line = NULL;
	else
		t->line_open = 0;
}

/* Cut the open line (another tracee's, or one that never got its exit). */
static void cut_open_line(void)
{
	if (open_line) {
		emit(open_line->out, " <unfinished ...>\n");
		open_line->in_syscall = 2; /* unfinished */
		if (fflush(open_line->out) == EOF)
			die_out();
	}
	open_line = NULL;
}

/* Write a whole line for t (prefix added). */
static void line(struct tracee *t, const char *s)
{
	struct sbuf b;
	if (t->out == out)
		cut_open_line();
	sb_clear(&b);
	fmt_prefix(&b, t);
	sb_puts(&b, s);
	emit(t->out, b.s);
	if (flush_entries && fflush(t->out) == EOF)
		die_out();
}

/* ------------------------------------------------------------------------ */
/* Tracee access.                                                           */
/* ------------------------------------------------------------------------ */

static int open_proc(int pid, const char *file, int flags)
{
	char path[64];
	snprintf(path, sizeof path, "proc:%d/%s", pid, file);
	return open(path, flags | O_CLOEXEC);
}

ssize_t peek(struct tracee *t, uint64_t addr, void *buf, size_t len)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		if (t->mem_fd < 0 && (t->mem_fd = open_proc(t->pid, "mem", O_RDONLY)) < 0)
			return -1;
		ssize_t n = pread(t->mem_fd, buf, len, (off_t)addr);
		if (n >= 0 || errno != ESRCH)
			return n;
		close(t->mem_fd); /* bound to an image replaced by execve */
		t->mem_fd = -1;
	}
	return -1;
}

int peek_regs(struct tracee *t, void *regs, size_t len)
{
	if (t->regs_fd < 0 && (t->regs_fd = open_proc(t->pid, "regs/int", O_RDWR)) < 0)
		return -1;
	return pread(t->regs_fd, regs, len, 0) == (ssize_t)len ? 0 : -1;
}

/* The name fd was opened with (proc:PID/fd/N); -1 without fd/. */
int fd_path(struct tracee *t, int fd, char *buf, size_t size)
{
	char name[32];
	snprintf(name, sizeof name, "fd/%d", fd);
	int f = open_proc(t->pid, name, O_RDONLY);
	if (f < 0)
		return -1;
	ssize_t n = read(f, buf, size - 1);
	close(f);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return (int)n;
}

/* ------------------------------------------------------------------------ */
/* Sessions.                                                                */
/* ------------------------------------------------------------------------ */

static void resume_with(struct tracee *t, uint64_t flags)
{
	ssize_t n = write(t->trace_fd, &flags, sizeof flags);
	if (n == (ssize_t)sizeof flags || (n < 0 && errno == ESRCH))
		return;
	if (n >= 0)
		errno = EIO;
	fprintf(stderr, "strace: resume pid %d: %s\n", t->pid, strerror(errno));
	exit(1);
}

static void resume(struct tracee *t) { resume_with(t, trace_flags); }

static const char *attach_error(int e)
{
	switch (e) {
	case ENOENT:
	case ESRCH: return "No such process";
	case EBUSY: return "Operation not permitted";
	case EINVAL: return "Operation not permitted";
	default: return strerror(e);
	}
}

static int open_trace(int pid, int oflags)
{
	int fd = open_proc(pid, "trace", O_RDWR | oflags);
	if (fd < 0) {
		int e = errno;
		fprintf(stderr, "strace: attach: ptrace(PTRACE_SEIZE, %d): %s\n", pid,
		        attach_error(e));
		errno = e;
	}
	return fd;
}

static FILE *open_output(const char *path)
{
	FILE *f = fopen(path, "we");
	if (!f) {
		fprintf(stderr, "strace: Can't fopen '%s': %s\n", path, strerror(errno));
		exit(1);
	}
	setvbuf(f, NULL, _IOFBF, 0);
	return f;
}

static void count(struct tracee *t)
{
	if (!t->counted)
		t->counted = 1, nlive++;
}

static void uncount(struct tracee *t)
{
	if (t->counted)
		t->counted = 0, nlive--;
}

/* A new session; counted for [pid N] unless it is a held child. Finished
 * slots are reused in place, so pointers to the others stay valid. */
static struct tracee *add_tracee(int pid, int fd, int counted)
{
	struct tracee *t = NULL;
	if (ntracees < MAX_TRACEES)
		t = &tracees[ntracees++];
	for (int i = 0; !t && i < ntracees; i++)
		if (tracees[i].gone && tracees[i].out == out && !tracees[i].pending_exit[0] &&
		    tracees[i].superseded != 1)
			t = &tracees[i];
	if (!t) {
		fprintf(stderr, "strace: too many processes, pid %d not traced\n", pid);
		return NULL;
	}
	memset(t, 0, sizeof *t);
	t->pid = pid;
	t->tgid = pid;
	t->trace_fd = fd;
	t->mem_fd = -1;
	t->regs_fd = -1;
	t->out = out;
	if (opt.follow == 2 && opt.outfile) {
		char path[512];
		snprintf(path, sizeof path, "%s.%d", opt.outfile, pid);
		t->out = open_output(path);
	}
	if (counted)
		count(t);
	if (use_sysfilter) {
		int sf = open_proc(pid, "sysfilter", O_WRONLY);
		if (sf < 0 || write(sf, sysfilter, sizeof sysfilter) != (ssize_t)sizeof sysfilter)
			fprintf(stderr, "strace: sysfilter of %d: %s\n", pid, strerror(errno));
		if (sf >= 0)
			close(sf);
	}
	return t;
}

/* The thread group of pid (the "tgid" line of proc:PID/status), or pid. */
static int tgid_of(int pid)
{
	char buf[512];
	int fd = open_proc(pid, "status", O_RDONLY), tgid = pid;
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n > 0) {
		buf[n] = 0;
		for (char *l = buf; l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
			if (strncmp(l, "tgid ", 5) == 0)
				tgid = atoi(l + 5);
	}
	return tgid > 0 ? tgid : pid;
}

static struct tracee *find_tracee(int pid)
{
	for (int i = 0; i < ntracees; i++)
		if (tracees[i].pid == pid && (!tracees[i].gone || tracees[i].pending_exit[0]))
			return &tracees[i];
	return NULL;
}

/* Whether another thread of t's group is still traced and has not exited. */
static int live_siblings(const struct tracee *t)
{
	for (int i = 0; i < ntracees; i++) {
		const struct tracee *u = &tracees[i];
		if (u != t && u->tgid == t->tgid && !u->gone && !u->exited)
			return 1;
	}
	return 0;
}

static void line(struct tracee *t, const char *s);

/* Linux reports a thread group leader's exit only once its other threads
 * are gone: strace prints its "+++ exited" line last, so this one waits
 * until the last of the others has exited. */
static void flush_leader(int tgid)
{
	struct tracee *l = find_tracee(tgid);
	if (!l || !l->pending_exit[0] || live_siblings(l))
		return;
	line(l, l->pending_exit);
	l->pending_exit[0] = 0;
	uncount(l);
}

static void release_child(struct tracee *c);

static void drop_tracee(struct tracee *t)
{
	if (t->gone)
		return;
	if (t->held_child) { /* its clone never returned: let the child go */
		struct tracee *c = find_tracee(t->held_child);
		t->held_child = 0;
		if (c && c->held)
			release_child(c);
	}
	if (line_is_open(t) && !(t->detach_exec && t->out == out)) {
		emit(t->out, "\n");
		close_line(t);
	}
	close(t->trace_fd);
	if (t->mem_fd >= 0)
		close(t->mem_fd);
	if (t->regs_fd >= 0)
		close(t->regs_fd);
	t->mem_fd = t->regs_fd = -1;
	if (t->out != out && t->superseded != 1) { /* -ff: a superseded leader's file goes on */
		if (fclose(t->out) == EOF)
			die_out();
		t->out = out;
	}
	t->gone = 1;
	if (!t->pending_exit[0])
		uncount(t);
	if (t->tgid != t->pid)
		flush_leader(t->tgid);
}

/* -f: a child (process or thread) reported by EVENT_CLONE. Its session is
 * opened while its parent is still stopped at the event, so it stays
 * stopped; it is resumed (and counted for [pid N], and "attached" said)
 * once the parent's clone has returned and been shown: the order strace
 * shows on Linux, where the child's first stop is seen after that. A vfork
 * parent returns only when its child execs or exits: that child goes at once. */
static void attach_child(struct tracee *parent, const struct ptrace_event *e)
{
	int pid = (int)e->data[0];
	uint64_t flags = e->data[1];
	int fd = open_trace(pid, 0);
	if (fd < 0)
		return;
	struct tracee *c = add_tracee(pid, fd, 0);
	if (!c) {
		close(fd);
		return;
	}
	c->tgid = (flags & 0x10000) ? parent->tgid : pid;                 /* CLONE_THREAD */
	if ((flags & 0x4000) || parent->nr == 58 || parent->held_child) { /* CLONE_VFORK, vfork */
		release_child(c);
		return;
	}
	c->held = 1;
	parent->held_child = pid;
}

/* A held child is counted and said attached; resumed unless it is being
 * resumed anyway (an event of its own came first). */
static void unhold(struct tracee *c, int resume_it)
{
	c->held = 0;
	count(c);
	if (!opt.qflag && !opt.count) {
		fprintf(stderr, "strace: Process %d attached\n", c->pid);
		fflush(stderr);
	}
	if (resume_it)
		resume(c);
}

static void release_child(struct tracee *c) { unhold(c, 1); }

/* The held child of t, if any, goes (t's clone has returned). */
static void release_held(struct tracee *t)
{
	if (!t->held_child)
		return;
	struct tracee *c = find_tracee(t->held_child);
	t->held_child = 0;
	if (c && c->held && !c->gone)
		release_child(c);
}

/* ------------------------------------------------------------------------ */
/* Events.                                                                  */
/* ------------------------------------------------------------------------ */

static int traced(uint64_t nr) { return opt.trace_all || nset_has(&opt.trace, (unsigned)nr); }

static int printing(void) { return opt.count != 1; }

/* -e inject: whether this entry of nr is one to inject into. */
static struct inject *inject_for(uint64_t nr)
{
	for (int i = 0; i < opt.ninject; i++) {
		struct inject *in = &opt.inject[i];
		if (!nset_has(&in->calls, (unsigned)nr))
			continue;
		unsigned n = ++in->count[nr];
		if (n < in->first || (in->last && n > in->last))
			continue;
		if (in->step ? (n - in->first) % in->step : n != in->first)
			continue;
		return in;
	}
	return NULL;
}

static void sigreturn_line(struct tracee *t);
static void pad_to_column(struct sbuf *b, size_t col);

static void on_syscall_entry(struct tracee *t, const struct ptrace_event *e, uint64_t *flags)
{
	t->nr = e->data[0];
	memcpy(t->args, &e->data[1], sizeof t->args);
	t->in_syscall = 1;
	t->skip_exit = 0;
	t->injected = 0;
	t->entry_ns = now_ns();
	if (t->nr == 59)
		t->exec_seen = 0;
	t->hidden = !traced(t->nr) || t->quiet;
	struct inject *in = t->quiet ? NULL : inject_for(t->nr);
	/* signal=: sent now, as strace resumes the entry stop with it, so a
	 * call that would block is interrupted by it (on_signal makes it the
	 * kernel's). */
	if (in && in->signal && kill(t->pid, in->signal) == 0)
		t->inj_sent = in->signal;
	if (in && t->nr < SYSENT_MAX && (in->error || in->has_retval)) {
		uint64_t regs[27];
		if (peek_regs(t, regs, sizeof regs) == 0) {
			t->inj_ret = in->has_retval ? in->retval : -in->error;
			regs[10] = (uint64_t)t->inj_ret; /* rax */
			if (pwrite(t->regs_fd, regs, sizeof regs, 0) == (ssize_t)sizeof regs) {
				t->injected = 1;
				*flags |= PTRACE_FLAG_IGNORE;
			}
		}
	}
	if (t->hidden && !t->quiet)
		return;
	decode_entry(&t->entry, t);
	if (t->nr == 15 && !nset_has(&opt.raw, 15) && !t->quiet) {
		sigreturn_line(t);
		return;
	}
	if (t->quiet || !printing() || opt.zflag || (opt.status_mask && opt.status_mask != 0x1f))
		return; /* shown whole at exit (or never) */
	if (t->out == out)
		cut_open_line();
	struct sbuf b;
	sb_clear(&b);
	fmt_prefix(&b, t);
	sb_puts(&b, t->entry.s);
	emit(t->out, b.s);
	t->entry_col = b.n;
	if (t->out == out)
		open_line = t;
	else
		t->line_open = 1;
	if (flush_entries && fflush(t->out) == EOF) /* a blocking call shows while it blocks */
		die_out();
}

/* rt_sigreturn({mask=[...]}) = rax: strace reads the frame at the entry
 * (the mask it restores, the rax it returns) and prints the whole line. */
static void sigreturn_line(struct tracee *t)
{
	uint64_t regs[27], mask, rax;
	struct sbuf b;
	t->skip_exit = 1;
	t->in_syscall = 0;
	if (!printing() || opt.zflag == 2 || (opt.status_mask && !(opt.status_mask & 1)))
		return;
	sb_clear(&b);
	fmt_prefix(&b, t);
	sb_puts(&b, t->entry.s);
	int ok = peek_regs(t, regs, sizeof regs) == 0 &&
	         peek(t, regs[19] + 296, &mask, sizeof mask) == (ssize_t)sizeof mask &&
	         peek(t, regs[19] + 144, &rax, sizeof rax) == (ssize_t)sizeof rax;
	if (ok) {
		sb_puts(&b, "{mask=");
		fmt_sigset(&b, &mask, 1);
		sb_puts(&b, "}");
	}
	sb_puts(&b, ")");
	pad_to_column(&b, b.n);
	if (ok)
		sb_printf(&b, "%ld\n", (long)rax);
	else
		sb_puts(&b, "?\n");
	if (t->out == out) /* b has its prefix already (the column counts it) */
		cut_open_line();
	emit(t->out, b.s);
	if (flush_entries && fflush(t->out) == EOF)
		die_out();
}

static void pad_to_column(struct sbuf *b, size_t col)
{
	if (col < ACOLUMN && b->n + ACOLUMN - col + 2 < sizeof b->s) {
		memset(b->s + b->n, ' ', ACOLUMN - col);
		b->n += ACOLUMN - col;
		b->s[b->n] = '\0';
		sb_puts(b, "= ");
	} else
		sb_puts(b, " = ");
}

static void on_syscall_exit(struct tracee *t, const struct ptrace_event *e)
{
	struct sbuf b;
	int64_t ret = (int64_t)e->data[1];
	int was = t->in_syscall;
	if (t->skip_exit) {
		t->skip_exit = 0;
		return;
	}
	uint64_t exit_ns = now_ns();
	if (!was || t->nr != e->data[0]) { /* attached inside the call */
		t->in_syscall = 0;
		if (ret == -512 || ret == -513 || ret == -514 || ret == -516) {
			t->restart_nr = e->data[0];
			return; /* it restarts: shown then */
		}
		t->nr = e->data[0];
		memset(t->args, 0, sizeof t->args);
		t->hidden = !traced(t->nr);
		was = 2;
		sb_clear(&t->entry);
	}
	t->in_syscall = 0;
	if (ret == -516)
		t->restart_nr = t->nr;
	if (t->injected)
		ret = t->inj_ret;
	int failed = ret < 0 && ret >= -4095;
	if (opt.count && traced(t->nr) && (!t->quiet || (t->nr == 59 && t->exec_seen && !ret)))
		summary_add(t->nr, exit_ns - t->entry_ns, failed);
	if (t->quiet) {
		if (t->nr != 59 || !t->exec_seen || ret != 0)
			return;
		t->quiet = 0; /* the launched command's own execve: its whole line */
		t->hidden = !traced(59);
		was = 1;
		if (!printing() || t->hidden)
			return;
	} else if (t->hidden || !printing())
		return;
	int whole = !line_is_open(t) &&
	            (opt.zflag || (opt.status_mask && opt.status_mask != 0x1f) || was == 1);
	if (opt.zflag == 1 && failed)
		return;
	if (opt.zflag == 2 && !failed)
		return;
	if (opt.status_mask && opt.status_mask != 0x1f && !(opt.status_mask & (failed ? 2 : 1)))
		return;
	sb_clear(&b);
	size_t col;
	if (line_is_open(t)) {
		col = t->entry_col;
		close_line(t);
	} else {
		if (t->out == out)
			cut_open_line();
		fmt_prefix(&b, t);
		if (whole && t->entry.n)
			sb_puts(&b, t->entry.s);
		else {
			char nb[32];
			sb_printf(&b, "<... %s resumed>", syscall_name(t->nr, nb, sizeof nb));
		}
		col = 0;
	}
	size_t start = b.n;
	decode_exit(&b, t, ret);
	col += b.n;
	(void)start;
	pad_to_column(&b, col);
	decode_result(&b, t, ret);
	if (t->injected)
		sb_puts(&b, " (INJECTED)");
	if (opt.Tflag) {
		uint64_t d = exit_ns - t->entry_ns;
		sb_printf(&b, " <%lu.%06lu>", (unsigned long)(d / 1000000000),
		          (unsigned long)(d % 1000000000 / 1000));
	}
	sb_puts(&b, "\n");
	emit(t->out, b.s);
	if (flush_entries && fflush(t->out) == EOF)
		die_out();
}

static int signal_shown(int sig)
{
	return sig > 0 && sig <= 128 && ((opt.signals[(sig - 1) / 64] >> ((sig - 1) % 64)) & 1);
}

/* Linux injects the signal as the kernel's own (si_code SI_KERNEL, no
 * sender); strace sent it with kill(), so at its SIGNAL stop the siginfo
 * the tracee will see is rewritten to match (the contract lets the tracer
 * write siginfo at a SIGNAL stop). */
static void make_injected_signal_the_kernels(struct tracee *t, int sig)
{
	char path[48];
	uint8_t si[128] = {0};
	int32_t head[3] = {sig, 0, 0x80 /* SI_KERNEL */};
	memcpy(si, head, sizeof head);
	snprintf(path, sizeof path, "proc:%d/siginfo", t->pid);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || pwrite(fd, si, sizeof si, 0) != (ssize_t)sizeof si)
		fprintf(stderr, "strace: siginfo of %d: %s\n", t->pid, strerror(errno));
	if (fd >= 0)
		close(fd);
}

static void on_signal(struct tracee *t, const struct ptrace_event *e)
{
	if (t->inj_sent && t->inj_sent == (int)e->data[0]) {
		make_injected_signal_the_kernels(t, t->inj_sent);
		t->inj_sent = 0;
	}
	if (t->quiet || !printing() || !signal_shown((int)e->data[0]))
		return;
	struct sbuf b;
	sb_clear(&b);
	sb_printf(&b, "--- %s ", signal_name((long)e->data[0]));
	decode_siginfo(&b, t, e);
	sb_puts(&b, " ---\n");
	line(t, b.s);
}

/* Whether another thread of t's group is inside execve (which ends t). */
static int sibling_in_execve(const struct tracee *t)
{
	for (int i = 0; i < ntracees; i++) {
		const struct tracee *u = &tracees[i];
		if (u != t && u->tgid == t->tgid && !u->gone && u->in_syscall && u->nr == 59)
			return 1;
	}
	return 0;
}

/* An EXEC of a thread other than the leader: it now has the group's id, as
 * on Linux. strace prints the leader's end as "+++ superseded by execve in
 * pid TID +++" under the group id, drops the leader and goes on with the
 * thread under that id; with -ff the thread writes on in the leader's file. */
static void supersede(struct tracee *t)
{
	int old = t->pid, pid = t->tgid;
	char buf[80];
	struct tracee *l = NULL;
	for (int i = 0; i < ntracees && !l; i++)
		if (&tracees[i] != t && tracees[i].pid == pid && tracees[i].superseded != 2)
			l = &tracees[i];
	if (line_is_open(t)) { /* its execve line, never cut */
		snprintf(buf, sizeof buf, " <pid changed to %d ...>\n", pid);
		emit(t->out, buf);
		close_line(t);
	}
	if (l) {
		if (t->out != out) { /* -ff: the leader's file goes on */
			FILE *f = t->out;
			t->out = l->out;
			l->out = f;
		}
		if (l->gone && l->out != out) { /* the thread's own file, done */
			if (fclose(l->out) == EOF)
				die_out();
			l->out = out;
		}
		l->superseded = 2;
		l->pending_exit[0] = 0;
		l->exited = 1;
		uncount(l);
		l->pid = l->tgid = 0; /* no longer anyone's: the id is t's now */
	}
	t->pid = pid;
	snprintf(buf, sizeof buf, "+++ superseded by execve in pid %d +++\n", old);
	if (!t->quiet && printing())
		line(t, buf);
	t->in_syscall = 2; /* its exit shows as "<... execve resumed>" */
}

/* Returns the exit status strace should end with for this process. */
static int on_exit_event(struct tracee *t, const struct ptrace_event *e)
{
	int st = (int)e->data[0];
	char buf[96];
	int show_unfinished = !opt.zflag && (!opt.status_mask || (opt.status_mask & 0xc));
	if (t->superseded == 2)
		return -1; /* its end was shown by the thread that exec'd */
	if (t->in_syscall && !t->quiet && !t->hidden && printing() && show_unfinished) {
		struct sbuf b;
		sb_clear(&b);
		size_t col = 0;
		if (line_is_open(t)) {
			col = t->entry_col;
			close_line(t);
		} else {
			if (t->out == out)
				cut_open_line();
			fmt_prefix(&b, t);
			if (t->in_syscall == 1 && t->entry.n)
				sb_puts(&b, t->entry.s);
			else {
				char nb[32];
				sb_printf(&b, "<... %s resumed>",
				          syscall_name(t->nr, nb, sizeof nb));
			}
		}
		if (decode_has_exit_part(t)) /* what it would have shown at exit */
			sb_puts(&b, " <unfinished ...>");
		sb_puts(&b, ")");
		pad_to_column(&b, col + b.n);
		sb_puts(&b, "?\n");
		emit(t->out, b.s);
	}
	t->in_syscall = 0;
	t->exited = 1;
	if (t->tgid == t->pid && sibling_in_execve(t)) {
		t->superseded = 1; /* no exit line: the execve's thread takes its pid */
		return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
	}
	if (WIFSIGNALED(st))
		snprintf(buf, sizeof buf, "+++ killed by %s%s +++\n", signal_name(WTERMSIG(st)),
		         WCOREDUMP(st) ? " (core dumped)" : "");
	else
		snprintf(buf, sizeof buf, "+++ exited with %d +++\n", WEXITSTATUS(st));
	if (!t->quiet && printing() &&
	    (WIFSIGNALED(st) ? signal_shown(WTERMSIG(st)) : opt.qflag < 2)) {
		if (t->tgid == t->pid && t->out == out && live_siblings(t)) {
			snprintf(t->pending_exit, sizeof t->pending_exit, "%s", buf);
			return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
		}
		line(t, buf);
	}
	uncount(t); /* its lines from now on are none: later ones lose [pid N] */
	if (t->tgid != t->pid)
		flush_leader(t->tgid);
	return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
}

static void detach(struct tracee *t)
{
	if (line_is_open(t) && !t->detach_exec) {
		emit(t->out, " <detached ...>\n");
		close_line(t);
	}
	int pid = t->pid;
	drop_tracee(t);
	if (!opt.qflag)
		fprintf(stderr, "strace: Process %d detached\n", pid);
}

/* Handle one event of t; stops are resumed. Returns the exit status when
 * the event is t's exit, else -1. */
static int handle_event(struct tracee *t, const struct ptrace_event *e)
{
	int status = -1;
	uint64_t flags = trace_flags;
	if (t->held)
		unhold(t, 0); /* it stopped before its parent's clone returned */
	if (e->cause != PTRACE_STOP_POST_SYSCALL)
		release_held(t); /* its clone returned unseen */
	switch (e->cause) {
	case PTRACE_STOP_PRE_SYSCALL:
		on_syscall_entry(t, e, &flags);
		/* -b execve: detach once the exec is done; the line stays open
		 * (the next line of another process cuts it, as on Linux) */
		t->detach_exec = opt.bexecve && t->nr == 59 && !t->quiet;
		break;
	case PTRACE_STOP_POST_SYSCALL:
		on_syscall_exit(t, e);
		release_held(t);
		break;
	case PTRACE_STOP_SIGNAL: on_signal(t, e); break;
	case PTRACE_STOP_EXEC:
		if (t->detach_exec) {
			detach(t);
			return -1;
		}
		t->exec_seen = 1;
		if (t->pid != t->tgid)
			supersede(t);
		if (t->mem_fd >= 0)
			close(t->mem_fd); /* bound to the old image */
		if (t->regs_fd >= 0)
			close(t->regs_fd);
		t->mem_fd = t->regs_fd = -1;
		break;
	case PTRACE_EVENT_CLONE:
		if (opt.follow)
			attach_child(t, e);
		break;
	case PTRACE_STOP_EXIT: status = on_exit_event(t, e); break;
	default: break;
	}
	resume_with(t, flags);
	return status;
}

/* Read and handle t's queued events. Returns 0 when the session is over. */
static int drain(struct tracee *t, int *status, int first_pid)
{
	struct ptrace_event ev[16];
	ssize_t n = read(t->trace_fd, ev, sizeof ev);
	if (n == 0 || (n < 0 && errno == ESRCH))
		return 0;
	if (n < 0) {
		if (errno == EINTR || errno == EAGAIN)
			return 1;
		fprintf(stderr, "strace: read events of pid %d: %s\n", t->pid, strerror(errno));
		exit(1);
	}
	int pid = t->pid;
	for (ssize_t i = 0; i < n / (ssize_t)sizeof ev[0] && !t->gone; i++) {
		int s = handle_event(t, &ev[i]);
		if (s >= 0 && pid == first_pid)
			*status = s;
	}
	return !t->gone;
}

static void detach_all(void)
{
	for (int i = 0; i < ntracees; i++)
		if (!tracees[i].gone)
			detach(&tracees[i]);
}

/* Watch every session until all are over (or SIGINT). Returns the first
 * tracee's exit status, or -1 if it was not seen. */
static int trace_loop(int first_pid)
{
	int status = -1;
	struct pollfd pfd[MAX_TRACEES];
	int idx[MAX_TRACEES];
	for (;;) {
		int n = 0;
		for (int i = 0; i < ntracees; i++) {
			if (tracees[i].gone)
				continue;
			pfd[n].fd = tracees[i].trace_fd;
			pfd[n].events = POLLIN;
			pfd[n].revents = 0;
			idx[n++] = i;
		}
		if (n == 0 || interrupted)
			break;
		struct tracee *t = NULL;
		if (n == 1) { /* one session: block in read, no poll */
			t = &tracees[idx[0]];
			if (!drain(t, &status, first_pid))
				drop_tracee(t);
			continue;
		}
		int r = poll(pfd, (nfds_t)n, -1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "strace: poll: %s\n", strerror(errno));
			exit(1);
		}
		for (int k = 0; k < n; k++) {
			if (!pfd[k].revents)
				continue;
			t = &tracees[idx[k]];
			if (t->gone)
				continue;
			if (!drain(t, &status, first_pid))
				drop_tracee(t);
		}
	}
	if (interrupted)
		detach_all();
	for (int i = 0; i < ntracees; i++) { /* leaders whose threads never reported */
		struct tracee *l = &tracees[i];
		if (l->pending_exit[0]) {
			line(l, l->pending_exit);
			l->pending_exit[0] = 0;
			uncount(l);
		}
		if (l->superseded == 1 && l->out != out && fclose(l->out) == EOF)
			die_out(); /* the execve that ended it never completed */
		if (l->superseded == 1)
			l->out = out;
	}
	return status;
}

/* ------------------------------------------------------------------------ */
/* Starting: launch a command, or attach to running processes.              */
/* ------------------------------------------------------------------------ */

static const char *resolve(const char *cmd, char *buf, size_t size)
{
	if (strchr(cmd, '/') || strchr(cmd, ':'))
		return cmd;
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/bin:/usr/bin";
	while (*path) {
		const char *end = strchr(path, ':');
		size_t len = end ? (size_t)(end - path) : strlen(path);
		struct stat sb;
		snprintf(buf, size, "%.*s/%s", (int)len, path, cmd);
		if (stat(buf, &sb) == 0 && S_ISREG(sb.st_mode))
			return buf;
		path += len + (end ? 1 : 0);
	}
	return cmd;
}

/* -u USER: initgroups(3) from /etc/group itself (musl's asks nscd first,
 * which Procyon has no socket for): the primary group and every group
 * that lists the user. */
static int set_user_groups(const char *user, gid_t gid)
{
	gid_t groups[64];
	size_t n = 0;
	groups[n++] = gid;
	setgrent();
	for (struct group *g; (g = getgrent()) && n < 64;)
		for (char **m = g->gr_mem; m && *m; m++)
			if (strcmp(*m, user) == 0 && g->gr_gid != gid) {
				groups[n++] = g->gr_gid;
				break;
			}
	endgrent();
	return setgroups(n, groups);
}

static _Noreturn void child_main(int wake, const char *path, char **argv)
{
	char c;
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	ssize_t n;
	do
		n = read(wake, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		_exit(127); /* the tracer gave up */
	if (run_gid >= 0 &&
	    (set_user_groups(run_user, (gid_t)run_gid) < 0 || setgid((gid_t)run_gid) < 0))
		_exit(127);
	if (run_uid >= 0 && setuid((uid_t)run_uid) < 0)
		_exit(127);
	execve(path, argv, child_env);
	fprintf(stderr, "strace: exec: %s\n", strerror(errno));
	_exit(1);
}

static int launch(char **argv)
{
	char buf[512];
	const char *path = resolve(argv[0], buf, sizeof buf);
	struct stat sb;
	if (stat(path, &sb) < 0) {
		fprintf(stderr, "strace: Can't stat '%s': %s\n", path, strerror(errno));
		return 1;
	}
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0) {
		fprintf(stderr, "strace: pipe: %s\n", strerror(errno));
		return 1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "strace: fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		close(p[1]);
		child_main(p[0], path, argv);
	}
	close(p[0]);
	int fd = open_trace(pid, 0);
	if (fd < 0) {
		close(p[1]);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return 1;
	}
	struct tracee *t = add_tracee(pid, fd, 1);
	t->quiet = 1;
	resume(t);
	if (write(p[1], "x", 1) != 1) {
		fprintf(stderr, "strace: wake the child: %s\n", strerror(errno));
		return 1;
	}
	close(p[1]);
	int status = trace_loop(pid);
	int st;
	pid_t r;
	do
		r = waitpid(pid, &st, 0);
	while (r < 0 && errno == EINTR);
	if (r == pid && status < 0)
		status = WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
	return status < 0 ? 1 : status;
}

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* -p: stop pid at once (O_TRUNC) and trace it from where it is. */
static struct tracee *attach_one(int pid, int tgid)
{
	int fd = open_trace(pid, O_TRUNC);
	if (fd < 0)
		return NULL;
	struct tracee *t = add_tracee(pid, fd, 1);
	if (!t) {
		close(fd);
		return NULL;
	}
	t->tgid = tgid;
	uint64_t regs[27]; /* stopped in a call: the one restart_syscall resumes */
	if (peek_regs(t, regs, sizeof regs) == 0 && regs[15] < SYSENT_MAX)
		t->restart_nr = regs[15];
	/* Blocked in a syscall, it was woken to stop; resumed, it restarts
	 * the call, and that entry is its first line. */
	resume(t);
	return t;
}

/* -f -p PID: every other thread of PID's group too (proc:PID/task/, as
 * strace reads /proc/PID/task). Returns how many were attached. */
static int attach_threads(int pid)
{
	char path[48];
	int n = 0;
	snprintf(path, sizeof path, "proc:%d/task", pid);
	DIR *d = opendir(path);
	if (!d)
		return 0;
	for (struct dirent *de; (de = readdir(d));) {
		char *end;
		long tid = strtol(de->d_name, &end, 10);
		if (*end || tid <= 0 || tid == pid || find_tracee((int)tid))
			continue;
		n += attach_one((int)tid, pid) != NULL;
	}
	closedir(d);
	return n;
}

static int attach_pids(int *pids, int n)
{
	struct sigaction sa = {.sa_handler = on_sigint}; /* no SA_RESTART */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	int attached = 0;
	for (int i = 0; i < n; i++) {
		int tgid = tgid_of(pids[i]);
		if (!attach_one(pids[i], tgid))
			continue;
		int threads = 1 + (opt.follow && tgid == pids[i] ? attach_threads(pids[i]) : 0);
		if (!opt.qflag && threads > 1)
			fprintf(stderr, "strace: Process %d attached with %d threads\n", pids[i],
			        threads);
		else if (!opt.qflag)
			fprintf(stderr, "strace: Process %d attached\n", pids[i]);
		attached++;
	}
	if (!attached)
		return 1;
	trace_loop(pids[0]);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Options.                                                                 */
/* ------------------------------------------------------------------------ */

static _Noreturn void usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("strace: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'strace -h' for more information.\n", stderr);
	exit(1);
}

static _Noreturn void fatal(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("strace: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n", stderr);
	exit(1);
}

static const struct {
	const char *name;
	unsigned cls;
} classes[] = {
    {"%desc", C_DESC},     {"%file", C_FILE},      {"%process", C_PROCESS}, {"%signal", C_SIGNAL},
    {"%memory", C_MEMORY}, {"%ipc", C_IPC},        {"%net", C_NET},         {"%network", C_NET},
    {"%creds", C_CREDS},   {"%clock", C_CLOCK},    {"%pure", C_PURE},       {"%stat", C_STAT},
    {"%lstat", C_LSTAT},   {"%fstat", C_FSTAT},    {"%%stat", C_STATALL},   {"desc", C_DESC},
    {"file", C_FILE},      {"process", C_PROCESS}, {"signal", C_SIGNAL},    {"memory", C_MEMORY},
    {"ipc", C_IPC},        {"network", C_NET},
};

/* Parse a syscall set: [!][?]item,... into s. Returns 0, or -1 with the
 * offending item in *bad. */
static int parse_syscall_set(const char *spec, struct nset *s, const char **bad)
{
	static char item_buf[256];
	int neg = 0;
	memset(s, 0, sizeof *s);
	if (*spec == '!')
		neg = 1, spec++;
	char *copy = strdup(spec);
	*bad = spec;
	if (!copy)
		return -1;
	int ok = 1;
	for (char *save = NULL, *it = strtok_r(copy, ",", &save); it;
	     it = strtok_r(NULL, ",", &save)) {
		int optional = 0;
		if (*it == '?')
			optional = 1, it++;
		int found = 0;
		if (strcmp(it, "all") == 0) {
			for (unsigned n = 0; n < SYSENT_MAX; n++)
				nset_put(s, n, 1);
			found = 1;
		} else if (strcmp(it, "none") == 0) {
			found = 1;
		} else if (*it == '/') {
			regex_t re;
			if (regcomp(&re, it + 1, REG_EXTENDED | REG_NOSUB) == 0) {
				for (unsigned n = 0; n < SYSENT_MAX; n++)
					if (sysents[n].name &&
					    regexec(&re, sysents[n].name, 0, NULL, 0) == 0)
						nset_put(s, n, 1);
				regfree(&re);
				found = 1;
			}
		} else {
			for (size_t c = 0; c < sizeof classes / sizeof classes[0]; c++)
				if (strcmp(classes[c].name, it) == 0) {
					for (unsigned n = 0; n < SYSENT_MAX; n++)
						if (sysents[n].cls & classes[c].cls)
							nset_put(s, n, 1);
					found = 1;
				}
			char *end;
			long v = strtol(it, &end, 10);
			if (*it && !*end && v >= 0 && v < SYSENT_MAX)
				nset_put(s, (unsigned)v, 1), found = 1;
			for (unsigned n = 0; !found && n < SYSENT_MAX; n++)
				if (sysents[n].name && strcmp(sysents[n].name, it) == 0)
					nset_put(s, n, 1), found = 1;
			char *at = strchr(it, '@');
			if (!found && at && strcmp(at, "@64") == 0) {
				*at = 0;
				for (unsigned n = 0; n < SYSENT_MAX; n++)
					if (sysents[n].name && strcmp(sysents[n].name, it) == 0)
						nset_put(s, n, 1), found = 1;
			}
		}
		if (!found && !optional) {
			snprintf(item_buf, sizeof item_buf, "%s", it);
			*bad = item_buf;
			ok = 0;
			break;
		}
	}
	free(copy);
	if (!ok)
		return -1;
	if (neg)
		for (size_t i = 0; i < sizeof s->w / sizeof s->w[0]; i++)
			s->w[i] = ~s->w[i];
	return 0;
}

static void parse_signal_set(const char *spec)
{
	int neg = 0;
	uint64_t set[2] = {0, 0};
	if (*spec == '!')
		neg = 1, spec++;
	char *copy = strdup(spec);
	for (char *save = NULL, *it = strtok_r(copy, ",", &save); it;
	     it = strtok_r(NULL, ",", &save)) {
		if (strcmp(it, "all") == 0) {
			set[0] = set[1] = ~0ull;
			continue;
		}
		if (strcmp(it, "none") == 0)
			continue;
		int sig = signal_by_name(it);
		if (sig <= 0)
			fatal("invalid signal '%s'", it);
		unsigned bit = (unsigned)sig - 1;
		set[bit / 64 % 2] |= 1ull << (bit % 64);
	}
	free(copy);
	opt.signals[0] = neg ? ~set[0] : set[0];
	opt.signals[1] = neg ? ~set[1] : set[1];
}

static void parse_status_set(const char *spec)
{
	static const char *const names[] = {"successful", "failed", "unfinished", "unavailable",
	                                    "detached"};
	int neg = 0, mask = 0;
	if (*spec == '!')
		neg = 1, spec++;
	char *copy = strdup(spec);
	for (char *save = NULL, *it = strtok_r(copy, ",", &save); it;
	     it = strtok_r(NULL, ",", &save)) {
		int found = 0;
		if (strcmp(it, "all") == 0)
			mask = 0x1f, found = 1;
		else if (strcmp(it, "none") == 0)
			found = 1;
		for (int i = 0; i < 5; i++)
			if (strcmp(it, names[i]) == 0)
				mask |= 1 << i, found = 1;
		if (!found)
			fatal("invalid status '%s'", it);
	}
	free(copy);
	opt.status_mask = neg ? (~mask & 0x1f) : mask;
	if (!opt.status_mask)
		opt.status_mask = 0x20; /* nothing */
}

static int parse_uint(const char *s, unsigned *v)
{
	char *end;
	unsigned long x = strtoul(s, &end, 10);
	if (!*s || *end || x > 65535)
		return -1;
	*v = (unsigned)x;
	return 0;
}

static void parse_inject(const char *arg, int fault)
{
	const char *what = fault ? "fault" : "inject";
	if (opt.ninject == (int)(sizeof opt.inject / sizeof opt.inject[0]))
		fatal("too many %s rules", what);
	struct inject *in = &opt.inject[opt.ninject];
	memset(in, 0, sizeof *in);
	in->first = 1;
	in->step = 1;
	char *copy = strdup(arg);
	char *colon = strchr(copy, ':');
	if (colon)
		*colon = 0;
	const char *bad;
	int ok = parse_syscall_set(copy, &in->calls, &bad) == 0;
	if (!ok) {
		fatal("invalid system call '%s'", bad);
	}
	int have_action = fault;
	if (fault)
		in->error = 38;
	for (char *save = NULL, *it = colon ? strtok_r(colon + 1, ":", &save) : NULL; ok && it;
	     it = strtok_r(NULL, ":", &save)) {
		if (strncmp(it, "error=", 6) == 0) {
			int e = errno_by_name(it + 6);
			ok = e > 0 && !in->has_retval;
			in->error = e;
			have_action = 1;
		} else if (strncmp(it, "retval=", 7) == 0 && !fault) {
			char *end;
			in->retval = strtol(it + 7, &end, 0);
			ok = it[7] && !*end && !in->error;
			in->has_retval = 1;
			have_action = 1;
		} else if (strncmp(it, "signal=", 7) == 0 && !fault) {
			in->signal = signal_by_name(it + 7);
			ok = in->signal > 0;
			have_action = 1;
		} else if (strncmp(it, "when=", 5) == 0) {
			char *w = it + 5, *plus = strchr(w, '+'), *dots = strstr(w, "..");
			if (plus)
				*plus = 0;
			if (dots)
				*dots = 0;
			ok = parse_uint(w, &in->first) == 0 && in->first > 0;
			in->step = plus || dots ? 1 : 0;
			in->last = 0;
			if (ok && dots)
				ok = parse_uint(dots + 2, &in->last) == 0 && in->last >= in->first;
			if (ok && plus)
				ok = parse_uint(plus + 1, &in->step) == 0 && in->step > 0;
			if (!plus && !dots)
				in->last = in->first;
		} else
			ok = 0;
	}
	free(copy);
	if (!ok || !have_action)
		fatal("invalid %s argument '%s'", what, arg);
	opt.ninject++;
}

static void parse_qualifier(const char *e)
{
	static const struct {
		const char *name;
		int kind;
	} quals[] = {
	    {"trace", 0}, {"t", 0},      {"abbrev", 1},  {"a", 1},          {"verbose", 2},
	    {"v", 2},     {"raw", 3},    {"x", 3},       {"signal", 4},     {"signals", 4},
	    {"s", 4},     {"status", 5}, {"inject", 6},  {"fault", 7},      {"quiet", 8},
	    {"q", 8},     {"silent", 8}, {"silence", 8}, {"decode-fds", 9},
	};
	const char *eq = strchr(e, '=');
	int kind = 0;
	const char *val = e;
	if (eq) {
		size_t len = (size_t)(eq - e);
		kind = -1;
		for (size_t i = 0; i < sizeof quals / sizeof quals[0]; i++)
			if (strlen(quals[i].name) == len && strncmp(quals[i].name, e, len) == 0)
				kind = quals[i].kind;
		val = eq + 1;
		if (kind < 0)
			fatal("invalid system call '%s'", e);
	}
	const char *bad;
	struct nset s;
	switch (kind) {
	case 0:
		if (parse_syscall_set(val, &opt.trace, &bad) < 0)
			fatal("invalid system call '%s'", bad);
		opt.trace_all = 0;
		break;
	case 1:
	case 2:
	case 3:
		if (parse_syscall_set(val, &s, &bad) < 0)
			fatal("invalid system call '%s'", bad);
		if (kind == 1)
			opt.abbrev = s;
		else if (kind == 2)
			opt.verbose = s;
		else
			opt.raw = s;
		break;
	case 4: parse_signal_set(val); break;
	case 5: parse_status_set(val); break;
	case 6: parse_inject(val, 0); break;
	case 7: parse_inject(val, 1); break;
	case 8:
		if (strstr(val, "attach"))
			opt.qflag = opt.qflag ? opt.qflag : 1;
		if (strstr(val, "exit"))
			opt.qflag = 2;
		break;
	case 9:
		if (strstr(val, "path") || strcmp(val, "all") == 0)
			opt.yflag = opt.yflag ? opt.yflag : 1;
		break;
	default: break;
	}
}

static void print_help(void)
{
	printf(
	    "Usage: strace [-ACdffhikqqrtttTvVwxxyyzZ] [-I N] [-b execve] [-e EXPR]...\n"
	    "              [-a COLUMN] [-o FILE] [-s STRSIZE] [-X FORMAT] [-O OVERHEAD]\n"
	    "              [-S SORTBY] [-P PATH]... [-p PID]... [-U COLUMNS] [--seccomp-bpf]\n"
	    "              { -p PID | [-DDD] [-E VAR=VAL]... [-u USERNAME] PROG [ARGS] }\n"
	    "   or: strace -c[dfwzZ] [-I N] [-b execve] [-e EXPR]... [-O OVERHEAD]\n"
	    "              [-S SORTBY] [-P PATH]... [-p PID]... [-U COLUMNS] [--seccomp-bpf]\n"
	    "              { -p PID | [-DDD] [-E VAR=VAL]... [-u USERNAME] PROG [ARGS] }\n"
	    "\n"
	    "Procyon's strace implements:\n"
	    "  -e trace=SET   syscalls to trace: names, !, %%file %%process %%signal %%memory\n"
	    "                 %%desc %%ipc %%net %%creds %%clock %%pure %%stat, /REGEX, all, none\n"
	    "  -e signal=SET  signals to show    -e status=successful,failed,unfinished\n"
	    "  -e raw=SET  -e abbrev=SET  -e verbose=SET\n"
	    "  -e inject=SET:error=ERRNO|retval=N[:signal=SIG][:when=FIRST[..LAST][+STEP]]\n"
	    "  -c  summary only   -C  summary and trace   -S SORTBY (time calls errors name "
	    "nothing)\n"
	    "  -w  summarise wall-clock time\n"
	    "  -s N  string limit (32)   -x  -xx  hex strings   -v  unabbreviated structs\n"
	    "  -t  -tt  -ttt  time of day   -T  time in call   -r  relative time\n"
	    "  -y  -yy  fd paths   -z  successful only   -Z  failed only\n"
	    "  -q  -qq  quieter   -o FILE  output   -ff  one file per process\n"
	    "  -p PID[,PID...]  attach   -f  follow forks   -b execve  detach on execve\n"
	    "  -E VAR=VAL  -E VAR  environment   -u USER  run as USER   -h  -V\n");
}

static void print_version(void)
{
	printf("strace -- version 6.1\n"
	       "Copyright (c) 1991-2022 The strace developers <https://strace.io>.\n"
	       "This is free software; see the source for copying conditions.  There is NO\n"
	       "warranty; not even for MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.\n"
	       "\n"
	       "Optional features enabled: (none; Procyon proc: scheme)\n");
}

static void env_edit(const char *arg)
{
	static int n = -1;
	extern char **environ;
	if (n < 0) {
		for (n = 0; environ[n]; n++)
			;
		child_env = calloc((size_t)n + 1, sizeof *child_env);
		memcpy(child_env, environ, (size_t)n * sizeof *child_env);
	}
	const char *eq = strchr(arg, '=');
	size_t klen = eq ? (size_t)(eq - arg) : strlen(arg);
	for (int i = 0; i < n; i++)
		if (strncmp(child_env[i], arg, klen) == 0 && child_env[i][klen] == '=') {
			memmove(&child_env[i], &child_env[i + 1],
			        (size_t)(n - i) * sizeof *child_env);
			n--;
			break;
		}
	if (eq) {
		char **grown = realloc(child_env, ((size_t)n + 2) * sizeof *child_env);
		if (!grown)
			fatal("out of memory");
		child_env = grown;
		child_env[n++] = strdup(arg);
		child_env[n] = NULL;
	}
}

static void build_sysfilter(void)
{
	memset(sysfilter, 0, sizeof sysfilter);
	for (unsigned n = 0; n < SYSENT_MAX && n < PTRACE_SYSFILTER_BYTES * 8; n++) {
		/* execve: the launch and -b execve; under -f the clone family,
		 * whose return releases the child (attach_child) */
		int on = traced(n) || n == 59 ||
		         (opt.follow && (n == 56 || n == 57 || n == 58 || n == 435));
		for (int i = 0; i < opt.ninject; i++)
			on |= nset_has(&opt.inject[i].calls, n);
		if (on)
			sysfilter[n / 8] |= (unsigned char)(1u << (n % 8));
	}
	/* numbers past the table (unknown calls) are traced when all are */
	use_sysfilter = !opt.trace_all || opt.ninject;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"seccomp-bpf", no_argument, NULL, 1000},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {"output", required_argument, NULL, 'o'},
	    {"attach", required_argument, NULL, 'p'},
	    {"follow-forks", no_argument, NULL, 'f'},
	    {"summary-only", no_argument, NULL, 'c'},
	    {"summary", no_argument, NULL, 'C'},
	    {"string-limit", required_argument, NULL, 's'},
	    {"successful-only", no_argument, NULL, 'z'},
	    {"failed-only", no_argument, NULL, 'Z'},
	    {"env", required_argument, NULL, 'E'},
	    {"user", required_argument, NULL, 'u'},
	    {"trace", required_argument, NULL, 1001},
	    {"signal", required_argument, NULL, 1002},
	    {"status", required_argument, NULL, 1003},
	    {"inject", required_argument, NULL, 1004},
	    {"raw", required_argument, NULL, 1005},
	    {"output-separately", no_argument, NULL, 1006},
	    {NULL, 0, NULL, 0},
	};
	int pids[MAX_TRACEES], npids = 0, c;
	opt.trace_all = 1;
	opt.strsize = 32;
	opt.signals[0] = opt.signals[1] = ~0ull;
	memset(&opt.abbrev, 0xff, sizeof opt.abbrev);
	memset(&opt.verbose, 0xff, sizeof opt.verbose);
	opterr = 0;
	char qbuf[64];
	while ((c = getopt_long(argc, argv, "+a:Ab:cCdDe:E:fFhiI:knNo:O:p:P:qrs:S:tTu:U:vVwxX:yzZ",
	                        longopts, NULL)) != -1) {
		switch (c) {
		case 'c': opt.count = 1; break;
		case 'C': opt.count = 2; break;
		case 'w': opt.summary_wall = 1; break;
		case 'S':
			if (strcmp(optarg, "time") && strcmp(optarg, "calls") &&
			    strcmp(optarg, "name") && strcmp(optarg, "errors") &&
			    strcmp(optarg, "nothing") && strcmp(optarg, "time_total") &&
			    strcmp(optarg, "total_time") && strcmp(optarg, "count") &&
			    strcmp(optarg, "syscall") && strcmp(optarg, "error") &&
			    strcmp(optarg, "none"))
				usage_error("invalid sortby: '%s'", optarg);
			opt.sortby = optarg;
			break;
		case 'e': parse_qualifier(optarg); break;
		case 1001:
		case 1002:
		case 1003:
		case 1004:
		case 1005: {
			static const char *const k[] = {
			    "trace=", "signal=", "status=", "inject=", "raw="};
			char q[512];
			snprintf(q, sizeof q, "%s%s", k[c - 1001], optarg);
			parse_qualifier(q);
			break;
		}
		case 1006: opt.follow = 2; break;
		case 'f': opt.follow = opt.follow ? 2 : 1; break;
		case 'F': opt.follow = opt.follow ? opt.follow : 1; break;
		case 'o': opt.outfile = optarg; break;
		case 'p': {
			char *copy = strdup(optarg);
			for (char *save = NULL, *it = strtok_r(copy, ", ", &save); it;
			     it = strtok_r(NULL, ", ", &save)) {
				char *end;
				long pid = strtol(it, &end, 10);
				if (*end || pid <= 0 || pid > 0x7fffffff)
					fatal("Invalid process id: '%s'", it);
				if (pid == getpid())
					fatal("I'm sorry, I can't let you do that, Dave.");
				if (npids < MAX_TRACEES)
					pids[npids++] = (int)pid;
			}
			free(copy);
			break;
		}
		case 's': {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (!*optarg || *end || v < 0 || v > 0x7fffffff)
				usage_error("invalid -s argument: '%s'", optarg);
			opt.strsize = (int)v;
			break;
		}
		case 'x': opt.xflag++; break;
		case 'v':
			opt.vflag = 1;
			memset(&opt.abbrev, 0, sizeof opt.abbrev);
			break;
		case 't': opt.tflag++; break;
		case 'T': opt.Tflag = 1; break;
		case 'r': opt.rflag = 1; break;
		case 'y': opt.yflag++; break;
		case 'z': opt.zflag = 1; break;
		case 'Z': opt.zflag = 2; break;
		case 'q': opt.qflag++; break;
		case 'b':
			if (strcmp(optarg, "execve") != 0)
				usage_error("invalid -b argument: '%s'", optarg);
			opt.bexecve = 1;
			break;
		case 'E': env_edit(optarg); break;
		case 'u': {
			struct passwd *pw = getpwnam(optarg);
			if (!pw)
				fatal("Cannot find user '%s'", optarg);
			run_user = optarg;
			run_uid = (int)pw->pw_uid;
			run_gid = (int)pw->pw_gid;
			break;
		}
		case 'h': print_help(); return 0;
		case 'V': print_version(); return 0;
		case 1000: break; /* --seccomp-bpf: the sysfilter is always used */
		case 'a':
		case 'A':
		case 'd':
		case 'D':
		case 'i':
		case 'I':
		case 'k':
		case 'n':
		case 'N':
		case 'O':
		case 'P':
		case 'U':
		case 'X': usage_error("option -%c is not supported by Procyon's strace", c);
		case '?':
		default:
			if (optopt && strchr("abeEIoOpPsSuUX", optopt))
				snprintf(qbuf, sizeof qbuf, "option requires an argument -- '%c'",
				         optopt);
			else if (optopt)
				snprintf(qbuf, sizeof qbuf, "invalid option -- '%c'", optopt);
			else
				snprintf(qbuf, sizeof qbuf, "unrecognized option '%s'",
				         argv[optind - 1]);
			usage_error("%s", qbuf);
		}
	}
	if (!npids == !(optind < argc)) {
		if (npids)
			usage_error("must have PROG [ARGS] or -p PID");
		usage_error("must have PROG [ARGS] or -p PID");
	}
	if (opt.follow == 2 && !opt.outfile)
		opt.follow = 1;
	if (opt.count && opt.zflag == 0 && opt.status_mask == 0) {
		/* nothing */
	}
	if (!child_env) {
		extern char **environ;
		child_env = environ;
	}
	out = stderr;
	if (opt.outfile && !(opt.follow == 2))
		out = open_output(opt.outfile);
	else if (opt.outfile) { /* -ff: probe the directory now */
		char path[512];
		snprintf(path, sizeof path, "%s.probe%d", opt.outfile, getpid());
		FILE *f = fopen(path, "we");
		if (!f)
			fatal("Can't fopen '%s.%d': %s", opt.outfile, getpid() + 1,
			      strerror(errno));
		fclose(f);
		unlink(path);
	}
	if (out == stderr)
		setvbuf(out, NULL, _IOFBF, 0);
	build_sysfilter();
	need_time = opt.count || opt.Tflag || opt.rflag || opt.tflag;
	flush_entries = isatty(fileno(out));
	trace_flags = PTRACE_STOP_PRE_SYSCALL | PTRACE_STOP_POST_SYSCALL | PTRACE_STOP_SIGNAL |
	              PTRACE_STOP_EXEC | PTRACE_STOP_EXIT | (opt.follow ? PTRACE_EVENT_CLONE : 0);
	start_ns = now_ns();
	int status;
	if (npids) {
		status = attach_pids(pids, npids);
	} else {
		signal(SIGINT, SIG_IGN); /* ^C is for the command; we report it */
		signal(SIGQUIT, SIG_IGN);
		status = launch(argv + optind);
	}
	if (opt.count)
		summary_print(out);
	if (fflush(out) == EOF || (out != stderr && fclose(out) == EOF)) {
		fprintf(stderr, "strace: write: %s\n", strerror(errno));
		return 1;
	}
	/* strace exits like the command: a signal's death is re-raised */
	if (status > 128 && !npids) {
		int sig = status - 128;
		if (sig != SIGKILL && sig != SIGSTOP) {
			signal(sig, SIG_DFL);
			sigset_t s;
			sigemptyset(&s);
			sigaddset(&s, sig);
			sigprocmask(SIG_UNBLOCK, &s, NULL);
			kill(getpid(), sig);
		}
	}
	return status;
}
