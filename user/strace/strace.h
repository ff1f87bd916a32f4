/* strace's shared declarations: the options, the traced processes, the
 * output line builder, the tables (sysent.c, tables.c) and the decoders
 * (decode.c). main.c runs the sessions; summary.c is -c. */
#ifndef STRACE_H
#define STRACE_H
#define _GNU_SOURCE
#include "procyon/ptrace.h"
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define SYSENT_MAX 451
#define MAX_TRACEES 64
#define LINE_MAX_LEN 8192
#define ACOLUMN 40 /* strace's column for " = " */

/* Trace classes (-e trace=%NAME). */
enum {
	C_DESC = 1 << 0,
	C_FILE = 1 << 1,
	C_PROCESS = 1 << 2,
	C_SIGNAL = 1 << 3,
	C_MEMORY = 1 << 4,
	C_IPC = 1 << 5,
	C_NET = 1 << 6,
	C_CREDS = 1 << 7,
	C_CLOCK = 1 << 8,
	C_PURE = 1 << 9,
	C_STATALL = 1 << 10,
	C_STAT = 1 << 11,
	C_LSTAT = 1 << 12,
	C_FSTAT = 1 << 13,
};

struct sysent {
	const char *name;
	int nargs;
	unsigned cls;
};
extern const struct sysent sysents[SYSENT_MAX];

/* A set of syscall numbers (or signals): one bit each. */
struct nset {
	uint64_t w[(SYSENT_MAX + 63) / 64];
};
static inline int nset_has(const struct nset *s, unsigned n)
{
	return n < SYSENT_MAX && (s->w[n / 64] >> (n % 64)) & 1;
}
static inline void nset_put(struct nset *s, unsigned n, int on)
{
	if (n >= SYSENT_MAX)
		return;
	if (on)
		s->w[n / 64] |= 1ull << (n % 64);
	else
		s->w[n / 64] &= ~(1ull << (n % 64));
}

/* An -e inject= rule. */
struct inject {
	struct nset calls;
	long error;  /* errno to fail with, or 0 */
	long retval; /* with has_retval: the result to return */
	int has_retval;
	int signal;                 /* signal to deliver after the call, or 0 */
	unsigned first, last, step; /* when=FIRST..LAST+STEP (1-based) */
	unsigned count[SYSENT_MAX]; /* calls seen so far, per number */
};

struct options {
	struct nset trace;   /* -e trace= */
	int trace_all;       /* no -e trace= given, or one that selects all */
	uint64_t signals[2]; /* -e signal=: signals shown (bit per number) */
	struct nset raw;     /* -e raw= */
	struct nset abbrev;  /* -e abbrev= (default all) */
	struct nset verbose; /* -e verbose= (default all) */
	int status_mask;     /* -e status=: 1 successful, 2 failed, 4 unfinished, 8 unavailable, 16
	                        detached */
	struct inject inject[8];
	int ninject;
	int strsize;         /* -s */
	int xflag;           /* -x 1, -xx 2 */
	int vflag;           /* -v */
	int tflag;           /* -t 1, -tt 2, -ttt 3 */
	int Tflag, rflag;    /* -T, -r */
	int yflag;           /* -y 1, -yy 2 */
	int zflag;           /* -z 1 (successful only), -Z 2 (failed only) */
	int qflag;           /* -q 1, -qq 2 */
	int follow;          /* -f 1, -ff 2 */
	int count;           /* -c 1, -C 2 */
	int summary_wall;    /* -w */
	const char *sortby;  /* -S */
	const char *outfile; /* -o */
	int bexecve;         /* -b execve */
};
extern struct options opt;

struct sbuf {
	char s[LINE_MAX_LEN];
	size_t n;
};
void sb_clear(struct sbuf *b);
void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_puts(struct sbuf *b, const char *s);
void sb_long(struct sbuf *b, long v);
/* Quote bytes as strace does (honours -x/-xx); more adds "...". */
void sb_quote(struct sbuf *b, const unsigned char *p, size_t n, int more);

struct tracee {
	int pid;
	int trace_fd;
	int mem_fd;           /* proc:PID/mem, opened on demand; -1 when not open */
	int regs_fd;          /* proc:PID/regs/int, opened on demand */
	FILE *out;            /* its output (-ff: its own file) */
	int quiet;            /* launched command before its execve: print nothing */
	int exec_seen;        /* an EXEC event came since the last execve entry */
	int in_syscall;       /* between an entry stop and its exit stop */
	int hidden;           /* this call is not shown (-e trace, -z, status=) */
	int attached_in_call; /* attach found it inside this call */
	int gone;
	int injected; /* this call was skipped by -e inject; value in inj_ret */
	int inj_sent; /* -e inject=...:signal= sent, its SIGNAL stop not yet seen */
	int64_t inj_ret;
	uint64_t nr;
	uint64_t args[6];
	uint64_t entry_ns; /* entry time (-T, -c) */
	struct sbuf entry; /* the entry text */
	size_t entry_col;  /* its column */
	int line_open;     /* -ff: its entry line awaits the result */
	int detach_exec;   /* -b execve: detach at this execve's EXEC stop */
	int skip_exit;
	uint64_t restart_nr;
	/* the call restart_syscall resumes */ /* the exit stop of a call already shown whole */
	int tgid;                              /* its thread group (its own pid for a process) */
	int counted;                           /* counted in the tracees [pid N] prefixes are for */
	int held;              /* -f: a new child kept stopped until its parent's clone returns */
	int held_child;        /* the pid of the child this one's clone holds, or 0 */
	int exited;            /* its EXIT event came */
	char pending_exit[96]; /* a thread group leader's "+++ exited" line, until its
	                          other threads are gone */
	int superseded;        /* a leader ended by another thread's execve: 1 until that
	                          thread's EXEC, whose "superseded" line replaces its exit */
};

/* Decoding (decode.c): the printers other files share. */
struct flag {
	uint64_t bit;
	const char *name;
};
#define NF(a) (sizeof(a) / sizeof(a)[0])
/* "A|B|0x40" for the named bits of v; zero prints as zero_name. */
void fmt_flags(struct sbuf *b, uint64_t v, const struct flag *f, size_t n, const char *zero_name);
/* The name of value v, or NULL; fmt_xval prints it, or unk (a format) if none. */
const char *xlookup(const struct flag *f, size_t n, uint64_t v);
void fmt_xval(struct sbuf *b, const struct flag *f, size_t n, uint64_t v, const char *unk);
/* An address, NULL for 0. */
void fmt_ptr(struct sbuf *b, uint64_t v);
/* The string at addr, at most max bytes (-1: up to -s). */
void fmt_str(struct sbuf *b, struct tracee *t, uint64_t addr, int max);
/* Whether the current call's structures are abbreviated (-e abbrev=, -v). */
int abbrev(const struct tracee *t);
/* Whether all len bytes at addr could be read. */
int peek_all(struct tracee *t, uint64_t addr, void *buf, size_t len);

/* A struct timespec in, NULL for 0, its address if unreadable. */
void fmt_timespec(struct sbuf *b, struct tracee *t, uint64_t addr);

/* ioctl requests and arguments (ioctl.c). */
void fmt_ioctl_entry(struct sbuf *b, struct tracee *t, uint64_t code, uint64_t arg);
void fmt_ioctl_exit(struct sbuf *b, struct tracee *t, uint64_t code, uint64_t arg, int64_t ret);
int ioctl_has_exit_part(uint64_t code);

/* The thread calls (threads.c): clone, futex, get_robust_list. */
int clone_has_exit_part(const struct tracee *t);
void fmt_clone_entry(struct sbuf *b, struct tracee *t);
void fmt_clone_exit(struct sbuf *b, struct tracee *t, int64_t ret);
void fmt_futex(struct sbuf *b, struct tracee *t);
void fmt_get_robust_list_exit(struct sbuf *b, struct tracee *t, int64_t ret);

/* Decoding (decode.c). */
const char *syscall_name(uint64_t nr, char *buf, size_t size);
void decode_entry(struct sbuf *b, struct tracee *t);
/* Arguments shown at exit, then ") = result..." */
void decode_exit(struct sbuf *b, struct tracee *t, int64_t ret);
int decode_has_exit_part(const struct tracee *t);
/* The signal line's braces: "{si_signo=SIGCHLD, ...}" */
void decode_siginfo(struct sbuf *b, struct tracee *t, const struct ptrace_event *e);
void fmt_ret_error(struct sbuf *b, int64_t ret);

/* Tracee access (main.c). */
ssize_t peek(struct tracee *t, uint64_t addr, void *buf, size_t len);
int peek_regs(struct tracee *t, void *regs, size_t len);
int fd_path(struct tracee *t, int fd, char *buf, size_t size);

/* Tables (tables.c). */
const char *errno_name(long e);
const char *errno_text(long e);
int errno_by_name(const char *s);
const char *signal_name(long sig); /* "SIGINT", "SIGRT_3", "SIG99" */
int signal_by_name(const char *s);
void fmt_sigset(struct sbuf *b, const uint64_t *words, int nwords);

/* Summary (summary.c). */
void summary_add(uint64_t nr, uint64_t ns, int failed);
void summary_print(FILE *f);

#endif
