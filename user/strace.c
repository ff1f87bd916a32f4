/* strace: print the system calls and signals of a command, or of a running
 * process (-p PID), the way Linux's strace does, through Procyon's proc:
 * scheme (docs/proc-scheme.md). Usage: strace [-o FILE] [-f] CMD [ARGS...]
 * or strace [-o FILE] [-f] -p PID. Output goes to stderr or FILE.
 *
 * Each traced process is a trace session (proc:PID/trace): the tracer reads
 * 64-byte events from it and resumes the process by writing the request
 * flags. A syscall's arguments are printed at its entry stop, except the
 * buffers it fills (read, pread64), printed at its exit stop with the result.
 * With -f, children reported by PTRACE_EVENT_CLONE are attached as they are
 * created and every session is watched with poll(2). */
#define _GNU_SOURCE
#include "procyon/ptrace.h"
#include "procyon/syscall_names.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_TRACEES 64
#define STR_MAX 32  /* bytes of a string or buffer shown before "..." */
#define ARGV_MAX 32 /* execve argv elements shown */
#define ENV_COUNT_MAX 4096
#define IOV_SHOWN 8 /* iovec elements shown */
#define LINE_MAX_LEN 2048
#define AT_FDCWD_VAL (-100)
#define O_LARGEFILE_VAL 0100000
#define O_TMPFILE_VAL 020200000

/* ------------------------------------------------------------------------ */
/* Tables: errno names and signal names (Linux x86_64 numbering).           */
/* ------------------------------------------------------------------------ */

static const char *const errno_names[] = {
    [1] = "EPERM",
    [2] = "ENOENT",
    [3] = "ESRCH",
    [4] = "EINTR",
    [5] = "EIO",
    [6] = "ENXIO",
    [7] = "E2BIG",
    [8] = "ENOEXEC",
    [9] = "EBADF",
    [10] = "ECHILD",
    [11] = "EAGAIN",
    [12] = "ENOMEM",
    [13] = "EACCES",
    [14] = "EFAULT",
    [15] = "ENOTBLK",
    [16] = "EBUSY",
    [17] = "EEXIST",
    [18] = "EXDEV",
    [19] = "ENODEV",
    [20] = "ENOTDIR",
    [21] = "EISDIR",
    [22] = "EINVAL",
    [23] = "ENFILE",
    [24] = "EMFILE",
    [25] = "ENOTTY",
    [26] = "ETXTBSY",
    [27] = "EFBIG",
    [28] = "ENOSPC",
    [29] = "ESPIPE",
    [30] = "EROFS",
    [31] = "EMLINK",
    [32] = "EPIPE",
    [33] = "EDOM",
    [34] = "ERANGE",
    [35] = "EDEADLK",
    [36] = "ENAMETOOLONG",
    [37] = "ENOLCK",
    [38] = "ENOSYS",
    [39] = "ENOTEMPTY",
    [40] = "ELOOP",
    [42] = "ENOMSG",
    [43] = "EIDRM",
    [61] = "ENODATA",
    [62] = "ETIME",
    [71] = "EPROTO",
    [74] = "EBADMSG",
    [75] = "EOVERFLOW",
    [84] = "EILSEQ",
    [88] = "ENOTSOCK",
    [95] = "EOPNOTSUPP",
    [98] = "EADDRINUSE",
    [110] = "ETIMEDOUT",
    [111] = "ECONNREFUSED",
    [125] = "ECANCELED",
};

static const char *const signal_names[] = {
    [1] = "SIGHUP",     [2] = "SIGINT",   [3] = "SIGQUIT",   [4] = "SIGILL",   [5] = "SIGTRAP",
    [6] = "SIGABRT",    [7] = "SIGBUS",   [8] = "SIGFPE",    [9] = "SIGKILL",  [10] = "SIGUSR1",
    [11] = "SIGSEGV",   [12] = "SIGUSR2", [13] = "SIGPIPE",  [14] = "SIGALRM", [15] = "SIGTERM",
    [16] = "SIGSTKFLT", [17] = "SIGCHLD", [18] = "SIGCONT",  [19] = "SIGSTOP", [20] = "SIGTSTP",
    [21] = "SIGTTIN",   [22] = "SIGTTOU", [23] = "SIGURG",   [24] = "SIGXCPU", [25] = "SIGXFSZ",
    [26] = "SIGVTALRM", [27] = "SIGPROF", [28] = "SIGWINCH", [29] = "SIGIO",   [30] = "SIGPWR",
    [31] = "SIGSYS",
};

/* The kernel's restart markers a syscall interrupted by a signal returns. */
static const struct {
	long code;
	const char *name, *text;
} restart_codes[] = {
    {512, "ERESTARTSYS", "To be restarted if SA_RESTART is set"},
    {513, "ERESTARTNOINTR", "To be restarted"},
    {514, "ERESTARTNOHAND", "To be restarted if no handler"},
    {516, "ERESTART_RESTARTBLOCK", "Interrupted by signal"},
};

static const struct {
	unsigned long bit;
	const char *name;
} open_flag_names[] = {
    {O_CREAT, "O_CREAT"},         {O_EXCL, "O_EXCL"},         {O_NOCTTY, "O_NOCTTY"},
    {O_TRUNC, "O_TRUNC"},         {O_APPEND, "O_APPEND"},     {O_NONBLOCK, "O_NONBLOCK"},
    {O_DSYNC, "O_DSYNC"},         {O_DIRECT, "O_DIRECT"},     {O_LARGEFILE_VAL, "O_LARGEFILE"},
    {O_DIRECTORY, "O_DIRECTORY"}, {O_NOFOLLOW, "O_NOFOLLOW"}, {O_NOATIME, "O_NOATIME"},
    {O_CLOEXEC, "O_CLOEXEC"},     {O_PATH, "O_PATH"},
};

struct bit_name {
	uint64_t bit;
	const char *name;
};

static const struct bit_name prot_names[] = {{1, "PROT_READ"}, {2, "PROT_WRITE"}, {4, "PROT_EXEC"}};
static const struct bit_name map_names[] = {{0x01, "MAP_SHARED"},     {0x02, "MAP_PRIVATE"},
                                            {0x10, "MAP_FIXED"},      {0x20, "MAP_ANONYMOUS"},
                                            {0x100, "MAP_GROWSDOWN"}, {0x4000, "MAP_NORESERVE"},
                                            {0x8000, "MAP_POPULATE"}, {0x20000, "MAP_STACK"}};
static const struct bit_name wait_names[] = {{1, "WNOHANG"}, {2, "WUNTRACED"}, {8, "WCONTINUED"}};

static const char *errno_name(long e)
{
	if (e > 0 && e < (long)(sizeof errno_names / sizeof errno_names[0]) && errno_names[e])
		return errno_names[e];
	return NULL;
}

/* "SIGINT", or "SIG42" for a number without a name (static buffer). */
static const char *signal_name(long sig)
{
	static char buf[16];
	if (sig > 0 && sig < (long)(sizeof signal_names / sizeof signal_names[0]))
		return signal_names[sig];
	snprintf(buf, sizeof buf, "SIG%ld", sig);
	return buf;
}

/* ------------------------------------------------------------------------ */
/* A small string builder: one line of output is formatted, then written.   */
/* ------------------------------------------------------------------------ */

struct sbuf {
	char s[LINE_MAX_LEN];
	size_t n;
};

static void sb_clear(struct sbuf *b)
{
	b->n = 0;
	b->s[0] = '\0';
}

static void sb_printf(struct sbuf *b, const char *fmt, ...)
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

/* Append bytes as a C string literal: \n \t \" \\ and octal for the rest.
 * Octal escapes are as short as possible unless a digit follows. */
static void sb_quote(struct sbuf *b, const unsigned char *p, size_t n, int more)
{
	sb_printf(b, "\"");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];
		int next_digit = i + 1 < n && p[i + 1] >= '0' && p[i + 1] <= '7';
		switch (c) {
		case '\n': sb_printf(b, "\\n"); break;
		case '\t': sb_printf(b, "\\t"); break;
		case '\r': sb_printf(b, "\\r"); break;
		case '\v': sb_printf(b, "\\v"); break;
		case '\f': sb_printf(b, "\\f"); break;
		case '"': sb_printf(b, "\\\""); break;
		case '\\': sb_printf(b, "\\\\"); break;
		default:
			if (c >= 0x20 && c < 0x7f)
				sb_printf(b, "%c", c);
			else if (next_digit)
				sb_printf(b, "\\%03o", c);
			else
				sb_printf(b, "\\%o", c);
		}
	}
	sb_printf(b, more ? "\"..." : "\"");
}

/* ------------------------------------------------------------------------ */
/* Traced processes.                                                        */
/* ------------------------------------------------------------------------ */

struct tracee {
	int pid;
	int trace_fd;
	int mem_fd;     /* proc:PID/mem, opened on demand; -1 when not open */
	int quiet;      /* launched command before its execve: print nothing */
	int exec_seen;  /* an EXEC event came since the last execve entry */
	int in_syscall; /* between an entry stop and its exit stop */
	int unfinished; /* its entry line was cut by another process's line */
	int gone;       /* the session has ended */
	uint64_t nr;    /* the syscall at the entry stop */
	uint64_t args[6];
	struct sbuf entry; /* the entry text, kept while quiet */
};

static struct tracee tracees[MAX_TRACEES];
static int ntracees;
static FILE *out;
static int follow_forks;
static uint64_t trace_flags;
static struct tracee *open_line; /* the tracee whose line awaits its result */
static volatile sig_atomic_t interrupted;

static void die(const char *what)
{
	fprintf(stderr, "strace: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void output(const char *s)
{
	if (fputs(s, out) == EOF)
		die("write output");
}

/* Begin a line for t: cut the open line (another tracee's, or t's own
 * entry that never got its exit), then the prefix. */
static void line_begin(struct tracee *t)
{
	if (open_line) {
		output(" <unfinished ...>\n");
		open_line->unfinished = 1;
	}
	open_line = NULL;
	if (follow_forks) {
		char pfx[32];
		snprintf(pfx, sizeof pfx, "[pid %d] ", t->pid);
		output(pfx);
	}
}

static void line_end(const char *s)
{
	output(s);
	open_line = NULL;
	if (fflush(out) == EOF)
		die("write output");
}

/* Read tracee memory at addr; returns bytes read, or -1. After an execve
 * the old handle fails with ESRCH: reopen it once on the new image. */
static ssize_t peek(struct tracee *t, uint64_t addr, void *buf, size_t len)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		if (t->mem_fd < 0) {
			char path[48];
			snprintf(path, sizeof path, "proc:%d/mem", t->pid);
			t->mem_fd = open(path, O_RDONLY | O_CLOEXEC);
			if (t->mem_fd < 0)
				return -1;
		}
		ssize_t n = pread(t->mem_fd, buf, len, (off_t)addr);
		if (n >= 0 || errno != ESRCH)
			return n;
		close(t->mem_fd);
		t->mem_fd = -1;
	}
	return -1;
}

/* ------------------------------------------------------------------------ */
/* Formatting arguments.                                                    */
/* ------------------------------------------------------------------------ */

static void fmt_pointer(struct sbuf *b, uint64_t v)
{
	if (v)
		sb_printf(b, "%#lx", (unsigned long)v);
	else
		sb_printf(b, "NULL");
}

/* A NUL-terminated string in the tracee, or its address if unreadable. */
static void fmt_string(struct sbuf *b, struct tracee *t, uint64_t addr)
{
	unsigned char buf[STR_MAX + 1];
	ssize_t n = addr ? peek(t, addr, buf, sizeof buf) : -1;
	if (n <= 0) {
		fmt_pointer(b, addr);
		return;
	}
	void *nul = memchr(buf, 0, (size_t)n);
	if (nul)
		sb_quote(b, buf, (size_t)((unsigned char *)nul - buf), 0);
	else
		sb_quote(b, buf, (size_t)n < STR_MAX ? (size_t)n : STR_MAX, 1);
}

/* len bytes at addr in the tracee, shown up to STR_MAX. */
static void fmt_buffer(struct sbuf *b, struct tracee *t, uint64_t addr, uint64_t len)
{
	unsigned char buf[STR_MAX];
	size_t want = len < STR_MAX ? (size_t)len : STR_MAX;
	ssize_t n = want ? peek(t, addr, buf, want) : 0;
	if (n < 0 || (want && n == 0)) {
		fmt_pointer(b, addr);
		return;
	}
	sb_quote(b, buf, (size_t)n, len > (uint64_t)n);
}

static void fmt_open_flags(struct sbuf *b, uint64_t flags)
{
	static const char *const modes[] = {"O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"};
	sb_printf(b, "%s", modes[flags & O_ACCMODE]);
	flags &= ~(uint64_t)O_ACCMODE;
	if ((flags & O_TMPFILE_VAL) == O_TMPFILE_VAL) {
		sb_printf(b, "|O_TMPFILE");
		flags &= ~(uint64_t)O_TMPFILE_VAL;
	}
	for (size_t i = 0; i < sizeof open_flag_names / sizeof open_flag_names[0]; i++) {
		if (flags & open_flag_names[i].bit) {
			sb_printf(b, "|%s", open_flag_names[i].name);
			flags &= ~(uint64_t)open_flag_names[i].bit;
		}
	}
	if (flags)
		sb_printf(b, "|%#lx", (unsigned long)flags);
}

static int creates(uint64_t flags)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE_VAL) == O_TMPFILE_VAL;
}

/* execve's argv: ["a", "b", ...] */
static void fmt_argv(struct sbuf *b, struct tracee *t, uint64_t addr)
{
	if (!addr) {
		sb_printf(b, "NULL");
		return;
	}
	sb_printf(b, "[");
	for (int i = 0;; i++) {
		uint64_t p;
		if (peek(t, addr + 8 * (uint64_t)i, &p, sizeof p) != sizeof p) {
			sb_printf(b, "%s%#lx", i ? ", " : "",
			          (unsigned long)(addr + 8 * (uint64_t)i));
			break;
		}
		if (!p)
			break;
		if (i == ARGV_MAX) {
			sb_printf(b, ", ...");
			break;
		}
		if (i)
			sb_printf(b, ", ");
		fmt_string(b, t, p);
	}
	sb_printf(b, "]");
}

/* execve's envp: its address and how many variables it holds. */
static void fmt_envp(struct sbuf *b, struct tracee *t, uint64_t addr)
{
	fmt_pointer(b, addr);
	if (!addr)
		return;
	int n = 0;
	uint64_t p = 1;
	while (n < ENV_COUNT_MAX && peek(t, addr + 8 * (uint64_t)n, &p, sizeof p) == sizeof p && p)
		n++;
	if (!p)
		sb_printf(b, " /* %d var%s */", n, n == 1 ? "" : "s");
}

static const char *kinds_of(uint64_t nr)
{
	const char *k = nr < PROCYON_SYSCALL_MAX ? procyon_syscall_kinds[nr] : NULL;
	return k ? k : "xxxxxx";
}

static void sb_syscall_name(struct sbuf *b, uint64_t nr)
{
	const char *name = procyon_syscall_name(nr);
	if (name)
		sb_printf(b, "%s", name);
	else
		sb_printf(b, "syscall_%lu", (unsigned long)nr);
}

static int name_ends_in_at(uint64_t nr)
{
	const char *name = procyon_syscall_name(nr);
	size_t n = name ? strlen(name) : 0;
	return n > 2 && strcmp(name + n - 2, "at") == 0;
}

/* Index of the first argument shown at the exit stop (the buffers the
 * syscall fills); the count of arguments when all are shown at entry. */
static size_t exit_split(uint64_t nr, size_t nargs)
{
	return nr == SYS_read || nr == SYS_pread64 || nr == SYS_readv ? 1 : nargs;
}

/* "A|B|C" for the named bits of v, the rest in hex; zero as zero_name. */
static void fmt_bits(struct sbuf *b, uint64_t v, const struct bit_name *names, size_t n,
                     const char *zero_name)
{
	if (!v) {
		sb_printf(b, "%s", zero_name);
		return;
	}
	const char *sep = "";
	for (size_t i = 0; i < n; i++)
		if ((v & names[i].bit) == names[i].bit) {
			sb_printf(b, "%s%s", sep, names[i].name);
			v &= ~names[i].bit;
			sep = "|";
		}
	if (v)
		sb_printf(b, "%s%#lx", sep, (unsigned long)v);
}

/* readv/writev's iovec array: [{iov_base="...", iov_len=N}, ...]. At the
 * exit of readv, only the ret bytes it filled are shown. */
static void fmt_iovec(struct sbuf *b, struct tracee *t, uint64_t addr, uint64_t count, int at_exit,
                      int64_t ret)
{
	uint64_t left = at_exit ? (uint64_t)ret : UINT64_MAX;
	if (at_exit && ret < 0) {
		fmt_pointer(b, addr);
		return;
	}
	sb_printf(b, "[");
	for (uint64_t i = 0; i < count && i < IOV_SHOWN; i++) {
		uint64_t iov[2];
		if (peek(t, addr + 16 * i, iov, sizeof iov) != sizeof iov) {
			sb_printf(b, "%s...", i ? ", " : "");
			break;
		}
		sb_printf(b, "%s{iov_base=", i ? ", " : "");
		fmt_buffer(b, t, iov[0], iov[1] < left ? iov[1] : left);
		left -= iov[1] < left ? iov[1] : left;
		sb_printf(b, ", iov_len=%lu}", (unsigned long)iov[1]);
	}
	if (count > IOV_SHOWN)
		sb_printf(b, ", ...");
	sb_printf(b, "]");
}

/* Arguments some syscalls show better than their kind letter says.
 * Returns 1 if it printed argument i. */
static int fmt_special(struct sbuf *b, struct tracee *t, size_t i, int at_exit, int64_t ret)
{
	uint64_t nr = t->nr, v = t->args[i];
	if ((nr == SYS_mmap || nr == SYS_mprotect) && i == 2)
		fmt_bits(b, v, prot_names, sizeof prot_names / sizeof prot_names[0], "PROT_NONE");
	else if (nr == SYS_mmap && i == 3)
		fmt_bits(b, v, map_names, sizeof map_names / sizeof map_names[0], "0");
	else if (nr == SYS_mmap && i == 5)
		sb_printf(b, "%#lx", (unsigned long)v);
	else if (nr == SYS_wait4 && i == 2)
		fmt_bits(b, v, wait_names, sizeof wait_names / sizeof wait_names[0], "0");
	else if ((nr == SYS_kill && i == 1) || (nr == SYS_rt_sigaction && i == 0))
		sb_printf(b, "%s", v ? signal_name((long)v) : "0");
	else if (nr == SYS_arch_prctl && i == 0 && v == 0x1002)
		sb_printf(b, "ARCH_SET_FS");
	else if ((nr == SYS_writev || nr == SYS_readv) && i == 1)
		fmt_iovec(b, t, v, t->args[2], at_exit, ret);
	else
		return 0;
	return 1;
}

/* Argument i of t's syscall, of kind k. ret is the result at an exit stop. */
static void fmt_arg(struct sbuf *b, struct tracee *t, size_t i, int at_exit, int64_t ret)
{
	const char *kinds = kinds_of(t->nr);
	uint64_t v = t->args[i];
	if (fmt_special(b, t, i, at_exit, ret))
		return;
	switch (kinds[i]) {
	case 'i': sb_printf(b, "%ld", (long)v); break;
	case 'u': sb_printf(b, "%lu", (unsigned long)v); break;
	case 's': fmt_string(b, t, v); break;
	case 'o': fmt_open_flags(b, v); break;
	case 'f':
		if ((int)v == AT_FDCWD_VAL && name_ends_in_at(t->nr))
			sb_printf(b, "AT_FDCWD");
		else
			sb_printf(b, "%d", (int)v);
		break;
	case 'b': {
		uint64_t len = i + 1 < 6 ? t->args[i + 1] : 0;
		if (at_exit && ret < 0)
			fmt_pointer(b, v);
		else
			fmt_buffer(b, t, v, at_exit ? (uint64_t)ret : len);
		break;
	}
	default: fmt_pointer(b, v);
	}
}

/* Whether argument i is shown at all (open's mode only with O_CREAT). */
static int arg_shown(const struct tracee *t, size_t i)
{
	const char *kinds = kinds_of(t->nr);
	return !(i > 0 && kinds[i - 1] == 'o' && !creates(t->args[i - 1]));
}

static void fmt_arg_range(struct sbuf *b, struct tracee *t, size_t from, size_t to, int at_exit,
                          int64_t ret)
{
	for (size_t i = from; i < to; i++) {
		if (!arg_shown(t, i))
			continue;
		if (i)
			sb_printf(b, ", ");
		fmt_arg(b, t, i, at_exit, ret);
	}
}

/* "name(arg, arg, " up to the arguments shown at exit. */
static void fmt_entry(struct sbuf *b, struct tracee *t)
{
	sb_clear(b);
	sb_syscall_name(b, t->nr);
	sb_printf(b, "(");
	if (t->nr == SYS_execve) {
		fmt_string(b, t, t->args[0]);
		sb_printf(b, ", ");
		fmt_argv(b, t, t->args[1]);
		sb_printf(b, ", ");
		fmt_envp(b, t, t->args[2]);
		return;
	}
	size_t nargs = strlen(kinds_of(t->nr));
	fmt_arg_range(b, t, 0, exit_split(t->nr, nargs), 0, 0);
}

/* The rest of the arguments and ") = result". */
static void fmt_exit(struct sbuf *b, struct tracee *t, int64_t ret)
{
	size_t nargs = t->nr == SYS_execve ? 3 : strlen(kinds_of(t->nr));
	size_t split = t->nr == SYS_execve ? 3 : exit_split(t->nr, nargs);
	fmt_arg_range(b, t, split, nargs, 1, ret);
	sb_printf(b, ") = ");
	for (size_t i = 0; i < sizeof restart_codes / sizeof restart_codes[0]; i++)
		if (ret == -restart_codes[i].code) {
			sb_printf(b, "? %s (%s)", restart_codes[i].name, restart_codes[i].text);
			return;
		}
	if (ret < 0 && ret >= -4095) {
		const char *name = errno_name(-ret);
		if (name)
			sb_printf(b, "-1 %s (%s)", name, strerror((int)-ret));
		else
			sb_printf(b, "-1 E%ld (%s)", (long)-ret, strerror((int)-ret));
	} else if (t->nr == SYS_mmap || t->nr == SYS_brk) {
		sb_printf(b, "%#lx", (unsigned long)ret);
	} else {
		sb_printf(b, "%ld", (long)ret);
	}
}

/* ------------------------------------------------------------------------ */
/* Sessions.                                                                */
/* ------------------------------------------------------------------------ */

/* Write the request flags: resumes t if it is stopped. A session that just
 * ended (the process died) refuses with ESRCH, which is fine. */
static void resume(struct tracee *t)
{
	ssize_t n = write(t->trace_fd, &trace_flags, sizeof trace_flags);
	if (n == (ssize_t)sizeof trace_flags || (n < 0 && errno == ESRCH))
		return;
	if (n >= 0)
		errno = EIO;
	fprintf(stderr, "strace: resume pid %d: %s\n", t->pid, strerror(errno));
	exit(1);
}

/* Open pid's trace file; returns the fd or -1 with a message printed. */
static int open_trace(int pid, int oflags)
{
	char path[48];
	snprintf(path, sizeof path, "proc:%d/trace", pid);
	int fd = open(path, O_RDWR | O_CLOEXEC | oflags);
	if (fd < 0) {
		int e = errno;
		const char *why = e == ENOENT   ? " (no such process)"
		                  : e == EBUSY  ? " (already traced)"
		                  : e == EINVAL ? " (cannot trace itself)"
		                                : "";
		fprintf(stderr, "strace: attach: %s: %s%s\n", path, strerror(e), why);
		errno = e;
	}
	return fd;
}

static struct tracee *add_tracee(int pid, int fd)
{
	if (ntracees == MAX_TRACEES) {
		fprintf(stderr, "strace: too many processes, pid %d not traced\n", pid);
		return NULL;
	}
	struct tracee *t = &tracees[ntracees++];
	memset(t, 0, sizeof *t);
	t->pid = pid;
	t->trace_fd = fd;
	t->mem_fd = -1;
	return t;
}

static void drop_tracee(struct tracee *t)
{
	if (open_line == t)
		line_end("\n");
	close(t->trace_fd);
	if (t->mem_fd >= 0)
		close(t->mem_fd);
	t->gone = 1;
}

/* -f: a child reported by EVENT_CLONE. Attaching and writing the flags
 * releases it; if that fails, resuming the parent releases it untraced. */
static void attach_child(int pid)
{
	int fd = open_trace(pid, 0);
	if (fd < 0)
		return;
	struct tracee *c = add_tracee(pid, fd);
	if (!c) {
		close(fd);
		return;
	}
	resume(c);
}

/* ------------------------------------------------------------------------ */
/* Events.                                                                  */
/* ------------------------------------------------------------------------ */

static void on_syscall_entry(struct tracee *t, const struct ptrace_event *e)
{
	t->nr = e->data[0];
	memcpy(t->args, &e->data[1], sizeof t->args);
	t->in_syscall = 1;
	t->unfinished = 0;
	if (t->nr == SYS_execve)
		t->exec_seen = 0;
	fmt_entry(&t->entry, t);
	if (t->quiet)
		return;
	line_begin(t);
	output(t->entry.s);
	open_line = t;
	if (fflush(out) == EOF) /* a blocking call shows while it blocks */
		die("write output");
}

static void on_syscall_exit(struct tracee *t, const struct ptrace_event *e)
{
	struct sbuf b;
	int64_t ret = (int64_t)e->data[1];
	if (!t->in_syscall || t->nr != e->data[0]) { /* attached inside the call */
		t->nr = e->data[0];
		memset(t->args, 0, sizeof t->args);
		t->unfinished = 1;
	}
	t->in_syscall = 0;
	if (t->quiet) {
		if (t->nr != SYS_execve || !t->exec_seen || ret != 0)
			return;
		t->quiet = 0; /* the launched command's own execve: its whole line */
		line_begin(t);
		output(t->entry.s);
		open_line = t;
	}
	sb_clear(&b);
	if (open_line != t) {
		line_begin(t);
		sb_printf(&b, "<... ");
		sb_syscall_name(&b, t->nr);
		sb_printf(&b, " resumed>");
	}
	fmt_exit(&b, t, ret);
	sb_printf(&b, "\n");
	line_end(b.s);
}

static void on_signal(struct tracee *t, const struct ptrace_event *e)
{
	if (t->quiet)
		return;
	const char *name = signal_name((long)e->data[0]);
	char buf[96];
	line_begin(t);
	snprintf(buf, sizeof buf, "--- %s {si_signo=%s} ---\n", name, name);
	line_end(buf);
}

/* Returns the exit status strace should end with for this process. */
static int on_exit_event(struct tracee *t, const struct ptrace_event *e)
{
	int st = (int)e->data[0];
	char buf[96];
	if (t->in_syscall && !t->quiet) { /* exit, exit_group: no result */
		if (open_line == t) {
			output(") = ?\n");
			open_line = NULL;
		} else {
			line_begin(t);
			output("<... ");
			output(procyon_syscall_name(t->nr) ? procyon_syscall_name(t->nr)
			                                   : "syscall");
			output(" resumed>) = ?\n");
		}
	}
	t->in_syscall = 0;
	if (WIFSIGNALED(st))
		snprintf(buf, sizeof buf, "+++ killed by %s%s +++\n", signal_name(WTERMSIG(st)),
		         WCOREDUMP(st) ? " (core dumped)" : "");
	else
		snprintf(buf, sizeof buf, "+++ exited with %d +++\n", WEXITSTATUS(st));
	if (!t->quiet) {
		line_begin(t);
		line_end(buf);
	}
	return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
}

/* Handle one event of t; stops are resumed. Returns the exit status when
 * the event is t's exit, else -1. */
static int handle_event(struct tracee *t, const struct ptrace_event *e)
{
	int status = -1;
	switch (e->cause) {
	case PTRACE_STOP_PRE_SYSCALL: on_syscall_entry(t, e); break;
	case PTRACE_STOP_POST_SYSCALL: on_syscall_exit(t, e); break;
	case PTRACE_STOP_SIGNAL: on_signal(t, e); break;
	case PTRACE_STOP_EXEC:
		t->exec_seen = 1;
		if (t->mem_fd >= 0)
			close(t->mem_fd); /* bound to the old image */
		t->mem_fd = -1;
		break;
	case PTRACE_EVENT_CLONE:
		if (follow_forks)
			attach_child((int)e->data[0]);
		break;
	case PTRACE_STOP_EXIT: status = on_exit_event(t, e); break;
	default: break;
	}
	resume(t);
	return status;
}

/* Read and handle t's queued events. Returns 0 when the session is over. */
static int drain(struct tracee *t, int *status)
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
	if (n % (ssize_t)sizeof ev[0]) {
		fprintf(stderr, "strace: pid %d: short event record (%zd bytes)\n", t->pid, n);
		exit(1);
	}
	for (ssize_t i = 0; i < n / (ssize_t)sizeof ev[0]; i++) {
		int s = handle_event(t, &ev[i]);
		if (s >= 0 && t == &tracees[0])
			*status = s;
	}
	return 1;
}

/* Close every session: the processes are detached and run on. */
static void detach_all(void)
{
	for (int i = 0; i < ntracees; i++) {
		if (tracees[i].gone)
			continue;
		drop_tracee(&tracees[i]);
		fprintf(stderr, "strace: Process %d detached\n", tracees[i].pid);
	}
}

/* Watch every session until all are over (or SIGINT). Returns the first
 * tracee's exit status, or -1 if it was not seen. */
static int trace_loop(void)
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
		int r = poll(pfd, (nfds_t)n, -1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		for (int k = 0; k < n; k++) {
			if (!pfd[k].revents)
				continue;
			struct tracee *t = &tracees[idx[k]];
			if (!drain(t, &status))
				drop_tracee(t);
		}
	}
	if (interrupted)
		detach_all();
	return status;
}

/* ------------------------------------------------------------------------ */
/* Starting: launch a command, or attach to a running process.              */
/* ------------------------------------------------------------------------ */

/* CMD as execve gets it: searched in /bin unless it has a '/' or ':'. */
static const char *resolve(const char *cmd, char *buf, size_t size)
{
	if (strchr(cmd, '/') || strchr(cmd, ':'))
		return cmd;
	snprintf(buf, size, "/bin/%s", cmd);
	return buf;
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
	execv(path, argv);
	fprintf(stderr, "strace: exec %s: %s\n", path, strerror(errno));
	_exit(127);
}

/* Fork CMD held on a pipe, start its session, then let it exec. */
static int launch(char **argv)
{
	char buf[256];
	const char *path = resolve(argv[0], buf, sizeof buf);
	struct stat sb;
	if (stat(path, &sb) < 0) {
		fprintf(stderr, "strace: Can't stat '%s': %s\n", path, strerror(errno));
		return 1;
	}
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe");
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
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
	struct tracee *t = add_tracee(pid, fd);
	t->quiet = 1;
	resume(t);
	if (write(p[1], "x", 1) != 1)
		die("wake the child");
	close(p[1]);
	int status = trace_loop();
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

static int attach(const char *arg)
{
	char *end;
	long pid = strtol(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || pid <= 0) {
		fprintf(stderr, "strace: Invalid process id: '%s'\n", arg);
		return 1;
	}
	struct sigaction sa = {.sa_handler = on_sigint}; /* no SA_RESTART */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	int fd = open_trace((int)pid, O_TRUNC);
	if (fd < 0)
		return 1;
	struct tracee *t = add_tracee((int)pid, fd);
	fprintf(stderr, "strace: Process %ld attached\n", pid);
	/* Blocked in a syscall, it was woken to stop; resumed, it restarts
	 * the call, and that entry is its first line. */
	resume(t);
	int status = trace_loop();
	return status < 0 ? 0 : status;
}

static _Noreturn void usage(void)
{
	fprintf(stderr, "usage: strace [-o FILE] [-f] CMD [ARGS...]\n"
	                "       strace [-o FILE] [-f] -p PID\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *outfile = NULL, *pid = NULL;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-f") == 0)
			follow_forks = 1;
		else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			outfile = argv[++i];
		else if (strcmp(argv[i], "-p") == 0 && i + 1 < argc)
			pid = argv[++i];
		else if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else
			usage();
	}
	if (!pid == !(i < argc))
		usage();
	out = stderr;
	if (outfile && !(out = fopen(outfile, "we"))) {
		fprintf(stderr, "strace: %s: %s\n", outfile, strerror(errno));
		return 1;
	}
	setvbuf(out, NULL, _IOFBF, 0);
	trace_flags = PTRACE_STOP_PRE_SYSCALL | PTRACE_STOP_POST_SYSCALL | PTRACE_STOP_SIGNAL |
	              PTRACE_STOP_EXEC | PTRACE_STOP_EXIT | (follow_forks ? PTRACE_EVENT_CLONE : 0);
	int status;
	if (pid) {
		status = attach(pid);
	} else {
		signal(SIGINT, SIG_IGN); /* ^C is for the command; we report it */
		signal(SIGQUIT, SIG_IGN);
		status = launch(argv + i);
	}
	if (fflush(out) == EOF || (out != stderr && fclose(out) == EOF)) {
		fprintf(stderr, "strace: write output: %s\n", strerror(errno));
		return 1;
	}
	return status;
}
