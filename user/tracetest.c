/* tracetest: in-guest conformance tests for part 2 of the proc: scheme
 * (shared spec proc-scheme.md, sections trace, mem and sysfilter): trace
 * sessions, every kind of stop and event, request flags, reading events,
 * poll, mem transfers and their edges, the syscall filter, and debugger
 * scenarios (single-stepping, breakpoints, sysemu, syscall rewriting, fork
 * chains, many tracees, racing tracers, dying tracers and tracees, and a
 * stress run followed by leak checks). Each test runs in its own forked
 * child and process group (killed afterwards) with a timeout; the runner
 * prints "[TEST] PASS name" or "[TEST] FAIL name: reason" per test. Usage:
 * tracetest (all), tracetest NAME... (some), tracetest -l (list).
 *
 * Tracees ("kids") are forks of the test. Each one first blocks reading a
 * "go" byte, so the tracer can attach and set its requests while the kid is
 * parked in that read (its read was entered before the session existed and
 * never stops); then the kid runs a small body whose system calls the test
 * knows exactly, reports results on a pipe, and exits. Code addresses are
 * the same in tracer and kid (a fork of a static binary), so the labels of
 * the assembly routines below name the same instructions in both.
 * Synchronisation is by pipes, trace events and proc:PID/status, never by
 * sleeping alone; short waits are only used to show that nothing happens. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "testrun.h"

#define wait_bounded(pid) wait_within((pid), 5, "the test")

#include "procyon/ptrace.h"
#include "procyon/user_regs.h"

/* Failure messages are cut to fit on purpose. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#define PAGE 4096UL
#define USER_TOP 0x0000800000000000UL
#define FL_TF 0x100UL
#define EV sizeof(struct ptrace_event)
#define ANY_SYSCALL (-2L)
#define NO_SYSCALL ((uint64_t)-1)
#define U64(x) ((uint64_t)(uintptr_t)(x))

extern char **environ;

/* ------------------------------------------------------------------------ */
/* Assembly routines with known instruction addresses.                      */
/* ------------------------------------------------------------------------ */

/* tt_step_seq: a breakpoint, then five instructions to single-step.
 * tt_sys_step: a breakpoint, then nop, mov, syscall (getpid), nop, ret.
 * tt_bp_func: returns its argument + 1 (the breakpoint target).
 * tt_int3_ret: an int3 and a return.  tt_read_rflags: the flags register.
 * tt_set_tf: sets TF itself (the next instruction traps), then returns. */
__asm__(".text\n"
        ".globl tt_step_seq, tt_step_seq_1, tt_step_seq_2, tt_step_seq_3, tt_step_seq_4\n"
        ".globl tt_step_seq_5\n"
        "tt_step_seq:\n"
        "  int3\n"
        "tt_step_seq_1: nop\n"
        "tt_step_seq_2: mov $7, %ecx\n"
        "tt_step_seq_3: add %ecx, %ecx\n"
        "tt_step_seq_4: xor %edx, %edx\n"
        "tt_step_seq_5: ret\n"
        ".globl tt_sys_step, tt_sys_step_1, tt_sys_step_2, tt_sys_step_3, tt_sys_step_4\n"
        ".globl tt_sys_step_5\n"
        "tt_sys_step:\n"
        "  int3\n"
        "tt_sys_step_1: nop\n"
        "tt_sys_step_2: mov $39, %eax\n"
        "tt_sys_step_3: syscall\n"
        "tt_sys_step_4: nop\n"
        "tt_sys_step_5: ret\n"
        ".globl tt_bp_func, tt_bp_func_1\n"
        "tt_bp_func:\n"
        "  lea 1(%rdi), %rax\n"
        "tt_bp_func_1: ret\n"
        ".globl tt_int3_ret\n"
        "tt_int3_ret:\n"
        "  int3\n"
        "  ret\n"
        ".globl tt_read_rflags\n"
        "tt_read_rflags:\n"
        "  pushfq\n"
        "  pop %rax\n"
        "  ret\n"
        ".globl tt_set_tf\n"
        "tt_set_tf:\n"
        "  pushfq\n"
        "  orq $0x100, (%rsp)\n"
        "  popfq\n"
        "  nop\n"
        "  nop\n"
        "  ret\n");

extern char tt_step_seq[], tt_step_seq_1[], tt_step_seq_2[], tt_step_seq_3[], tt_step_seq_4[],
    tt_step_seq_5[];
extern char tt_sys_step[], tt_sys_step_1[], tt_sys_step_2[], tt_sys_step_3[], tt_sys_step_4[],
    tt_sys_step_5[];
extern char tt_bp_func[], tt_bp_func_1[], tt_int3_ret[], tt_set_tf[], tt_read_rflags[];

static long call_bp_func(long x) { return ((long (*)(long))(void *)tt_bp_func)(x); }
static void call_void(char *fn) { ((void (*)(void))(void *)fn)(); }
static uint64_t read_rflags(void) { return ((uint64_t(*)(void))(void *)tt_read_rflags)(); }

/* ------------------------------------------------------------------------ */
/* Harness: CHECK macros and the failure-reason pipe.                       */
/* ------------------------------------------------------------------------ */

/* Write end of the pipe on which a failing test reports its reason;
 * inherited by the test's helper processes, so their CHECKs report too. */
#define reason_fd testrun_reason_fd /* lib/testrun.h */

#define CHECK_EQ(a, b)                                                                             \
	do {                                                                                       \
		uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);                                   \
		if (a_ != b_)                                                                      \
			FAILF("%s == %s: %#lx != %#lx", #a, #b, (unsigned long)a_,                 \
			      (unsigned long)b_);                                                  \
	} while (0)

/* Fork a helper that runs fn(arg) and exits 0; return its pid. */
static pid_t fork_helper(void (*fn)(long), long arg)
{
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	return pid;
}

/* ------------------------------------------------------------------------ */
/* proc: and sys: helpers.                                                  */
/* ------------------------------------------------------------------------ */

static int open_proc(pid_t pid, const char *file, int flags)
{
	char path[96];
	snprintf(path, sizeof path, "proc:%d/%s", (int)pid, file);
	return open(path, flags);
}

/* Read a whole small file into buf (NUL-terminated); length or -errno. */
static long read_file(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	long n = read(fd, buf, cap - 1);
	int err = errno;
	close(fd);
	if (n < 0)
		return -err;
	buf[n] = '\0';
	return n;
}

/* The value of key in proc:PID/status; false if unreadable or missing. */
static int status_get(pid_t pid, const char *key, char *out, size_t cap, char *text, size_t tcap)
{
	char path[64];
	snprintf(path, sizeof path, "proc:%d/status", (int)pid);
	if (read_file(path, text, tcap) <= 0)
		return 0;
	size_t klen = strlen(key);
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (strncmp(l, key, klen) == 0 && l[klen] == ' ') {
			const char *v = l + klen + 1, *e = strchr(v, '\n');
			size_t n = e ? (size_t)(e - v) : strlen(v);
			n = n < cap ? n : cap - 1;
			memcpy(out, v, n);
			out[n] = '\0';
			return 1;
		}
	}
	return 0;
}

static long status_num(pid_t pid, const char *key)
{
	char text[512], v[32];
	if (!status_get(pid, key, v, sizeof v, text, sizeof text))
		FAILF("proc:%d/status: no %s", (int)pid, key);
	return strtol(v, NULL, 10);
}

static char status_state(pid_t pid)
{
	char text[512], v[16];
	if (!status_get(pid, "state", v, sizeof v, text, sizeof text))
		FAILF("proc:%d/status: no state", (int)pid);
	return v[0];
}

/* Poll until pid is in state (and in syscall nr unless ANY_SYSCALL); 5 s. */
static void wait_state(pid_t pid, char state, long nr)
{
	char text[512], st[16], sc[32];
	long deadline = now_ns() + 5000000000L;
	for (;;) {
		if (status_get(pid, "state", st, sizeof st, text, sizeof text) && st[0] == state &&
		    (nr == ANY_SYSCALL ||
		     (status_get(pid, "syscall", sc, sizeof sc, text, sizeof text) &&
		      strtol(sc, NULL, 10) == nr)))
			return;
		if (now_ns() > deadline)
			FAILF("pid %d never reached state %c syscall %ld: %s", (int)pid, state, nr,
			      text);
		sleep_ms(1);
	}
}

/* A decimal number from a sys: file, -1 if unreadable. */
static long sys_number(const char *path)
{
	char buf[64];
	return read_file(path, buf, sizeof buf) > 0 ? strtol(buf, NULL, 10) : -1;
}

/* ------------------------------------------------------------------------ */
/* Trace, register and memory helpers.                                      */
/* ------------------------------------------------------------------------ */

static int attach(pid_t pid, int flags) { return open_proc(pid, "trace", O_RDWR | flags); }

static int attach_ok(pid_t pid, int flags)
{
	int t = attach(pid, flags);
	if (t < 0)
		FAILF("open proc:%d/trace: errno %d", (int)pid, errno);
	return t;
}

static long write_flags(int t, uint64_t flags) { return write(t, &flags, sizeof flags); }

static void set_flags(int t, uint64_t flags)
{
	long n = write_flags(t, flags);
	if (n != 8)
		FAILF("write %#lx to trace: %ld (errno %d)", (unsigned long)flags, n, errno);
}

/* Read one event (blocking); fail on anything but one whole record. */
static void next_event(int t, struct ptrace_event *e)
{
	long n;
	do
		n = read(t, e, sizeof *e);
	while (n < 0 && errno == EINTR);
	if (n != (long)sizeof *e)
		FAILF("read trace: %ld (errno %d)", n, errno);
}

static void expect_event_at(int line, int t, uint64_t cause, struct ptrace_event *e)
{
	next_event(t, e);
	if (e->cause != cause) {
		char m[200];
		snprintf(m, sizeof m, "line %d: event cause %#lx data %#lx %#lx, want cause %#lx",
		         line, (unsigned long)e->cause, (unsigned long)e->data[0],
		         (unsigned long)e->data[1], (unsigned long)cause);
		testrun_check_failed(__FILE__, line, m, 0);
	}
}
#define EXPECT_EVENT(t, cause, e) expect_event_at(__LINE__, t, cause, e)

/* Expect a syscall stop of the given kind for syscall nr. */
#define EXPECT_SYSCALL_STOP(t, cause, nr, e)                                                       \
	do {                                                                                       \
		EXPECT_EVENT(t, cause, e);                                                         \
		if ((e)->data[0] != (uint64_t)(nr))                                                \
			FAILF("syscall stop for %ld, want %ld", (long)(e)->data[0], (long)(nr));   \
	} while (0)

static void get_regs(pid_t pid, struct user_regs *r)
{
	int fd = open_proc(pid, "regs/int", O_RDONLY);
	CHECK(fd >= 0);
	CHECK(pread(fd, r, sizeof *r, 0) == (ssize_t)sizeof *r);
	close(fd);
}

static void set_regs(pid_t pid, const struct user_regs *r)
{
	int fd = open_proc(pid, "regs/int", O_RDWR);
	CHECK(fd >= 0);
	long n = pwrite(fd, r, sizeof *r, 0);
	if (n != (long)sizeof *r)
		FAILF("write regs/int of %d: %ld (errno %d)", (int)pid, n, errno);
	close(fd);
}

static long mem_read(pid_t pid, uint64_t addr, void *buf, size_t n)
{
	int fd = open_proc(pid, "mem", O_RDONLY);
	CHECK(fd >= 0);
	long r = pread(fd, buf, n, (off_t)addr);
	int err = errno;
	close(fd);
	errno = err;
	return r;
}

static uint8_t mem_peek(pid_t pid, uint64_t addr)
{
	uint8_t b = 0;
	CHECK(mem_read(pid, addr, &b, 1) == 1);
	return b;
}

/* Write one byte into pid's memory (the caller must be its tracer). */
static void mem_poke(pid_t pid, uint64_t addr, uint8_t b)
{
	int fd = open_proc(pid, "mem", O_RDWR);
	CHECK(fd >= 0);
	long n = pwrite(fd, &b, 1, (off_t)addr);
	if (n != 1)
		FAILF("poke %#lx in %d: %ld (errno %d)", (unsigned long)addr, (int)pid, n, errno);
	close(fd);
}

/* ------------------------------------------------------------------------ */
/* Kids: forked tracees that wait for a go byte, run a body, report.        */
/* ------------------------------------------------------------------------ */

struct kid {
	pid_t pid;
	int go;  /* write end: one byte starts the body */
	int out; /* read end of the kid's report pipe */
};

typedef void (*kid_body)(long arg, int out);

static void report(int out, long v) { write(out, &v, sizeof v); }

/* Fork a kid running body(arg) after its go byte; returns once the kid is
 * blocked reading that byte, so no syscall of its set-up is ever traced. */
static struct kid spawn_kid(kid_body body, long arg)
{
	int go[2], out[2];
	CHECK(pipe(go) == 0 && pipe(out) == 0);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		close(go[1]);
		close(out[0]);
		char c;
		if (read(go[0], &c, 1) != 1)
			_exit(100);
		body(arg, out[1]);
		_exit(0);
	}
	close(go[0]);
	close(out[1]);
	wait_state(pid, 'S', SYS_read);
	return (struct kid){pid, go[1], out[0]};
}

static void kid_go(const struct kid *k) { CHECK(write(k->go, "g", 1) == 1); }

/* The next value the kid reported (fails if it reported nothing). */
static long kid_result(const struct kid *k)
{
	long v = 0;
	long n = read(k->out, &v, sizeof v);
	if (n != (long)sizeof v)
		FAILF("kid %d reported nothing (read %ld)", (int)k->pid, n);
	return v;
}

/* True if the kid writes nothing on its report pipe within ms. */
static int kid_silent_for(const struct kid *k, int ms)
{
	struct pollfd p = {k->out, POLLIN, 0};
	return poll(&p, 1, ms) == 0;
}

static int kid_reap(struct kid *k)
{
	int st = wait_bounded(k->pid);
	close(k->go);
	close(k->out);
	return st;
}

static void kid_kill(struct kid *k)
{
	kill(k->pid, SIGKILL);
	kid_reap(k);
}

/* Bodies. */
static volatile unsigned long spin_counter;
static volatile int got_signal;
static int marker_fd = -1;

static void body_nothing(long arg, int out) { (void)arg, (void)out; }
static void body_exit_code(long code, int out) { (void)out, _exit((int)code); }
static void body_getpid(long arg, int out) { (void)arg, report(out, syscall(SYS_getpid)); }

static void body_spin(long arg, int out)
{
	(void)arg, (void)out;
	for (;;)
		spin_counter++;
}

static void body_getpid_getppid(long arg, int out)
{
	(void)arg;
	long a = syscall(SYS_getpid), b = syscall(SYS_getppid);
	report(out, a);
	report(out, b);
}

#define ARG1 0x1111111111111111L
#define ARG2 0x2222222222222222L
#define ARG3 0x3333333333333333L
#define ARG4 0x4444444444444444L
#define ARG5 0x5555555555555555L
#define ARG6 0x6666666666666666L

static void body_six_args(long arg, int out)
{
	(void)arg;
	report(out, syscall(SYS_getpid, ARG1, ARG2, ARG3, ARG4, ARG5, ARG6));
}

static void body_close_bad(long arg, int out)
{
	(void)arg;
	long r = syscall(SYS_close, -1L);
	report(out, r < 0 ? -errno : r);
}

static void body_write_hello(long arg, int out) { (void)arg, report(out, write(1, "hello", 5)); }

static void body_write_marker(long arg, int out)
{
	(void)arg;
	report(out, syscall(SYS_write, out, "X", 1));
}

static void usr1_handler(int sig)
{
	(void)sig;
	got_signal = 1;
	if (marker_fd >= 0)
		write(marker_fd, "HANDLER!", 8);
}

/* Install disposition 0 (default), 1 (ignore) or 2 (handler) for SIGUSR1,
 * send it to ourselves, report whether the handler ran. */
static void body_kill_self(long disp, int out)
{
	signal(SIGUSR1, disp == 0 ? SIG_DFL : disp == 1 ? SIG_IGN : usr1_handler);
	syscall(SYS_kill, syscall(SYS_getpid), SIGUSR1);
	report(out, got_signal);
}

/* Like body_kill_self with a handler that writes a marker on the pipe. */
static void body_kill_self_marker(long arg, int out)
{
	(void)arg;
	marker_fd = out;
	signal(SIGUSR1, usr1_handler);
	syscall(SYS_kill, syscall(SYS_getpid), SIGUSR1);
	report(out, got_signal);
}

static void body_exec_true(long arg, int out)
{
	(void)arg, (void)out;
	char *argv[] = {"/bin/true", NULL};
	execve("/bin/true", argv, environ);
	_exit(127);
}

static void body_call_bp(long times, int out)
{
	long x = 0;
	for (long i = 0; i < times; i++)
		x = call_bp_func(x);
	report(out, x);
}

static void body_step_seq(long arg, int out) { (void)arg, call_void(tt_step_seq), report(out, 1); }
static void body_int3(long arg, int out) { (void)arg, call_void(tt_int3_ret), report(out, 1); }

static void body_sys_step_then_flags(long arg, int out)
{
	(void)arg;
	call_void(tt_sys_step);
	uint64_t fl = read_rflags();
	syscall(SYS_getppid);
	report(out, (long)fl);
}

static void trap_handler(int sig, siginfo_t *si, void *ucv)
{
	(void)sig, (void)si;
	ucontext_t *uc = ucv;
	uc->uc_mcontext.gregs[REG_EFL] &= ~(long)FL_TF;
	got_signal++;
}

static void body_set_tf(long arg, int out)
{
	(void)arg;
	struct sigaction sa = {0};
	sa.sa_sigaction = trap_handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGTRAP, &sa, NULL);
	call_void(tt_set_tf);
	report(out, got_signal);
}

static void body_clone_raw(long arg, int out)
{
	(void)arg;
	long c = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
	if (c == 0)
		_exit(0);
	int st;
	waitpid((pid_t)c, &st, 0);
	report(out, c);
}

/* Fork: the child reports 1000 and exits 4; the parent reports its status. */
static void body_fork_report(long arg, int out)
{
	(void)arg;
	pid_t c = fork();
	if (c == 0) {
		report(out, 1000);
		_exit(4);
	}
	int st = 0;
	waitpid(c, &st, 0);
	report(out, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

/* A chain of depth forks; each level exits with its child's status + 1. */
static int fork_chain(int depth)
{
	if (depth == 0)
		return 0;
	pid_t c = fork();
	if (c == 0)
		_exit(fork_chain(depth - 1));
	int st = 0;
	if (c < 0 || waitpid(c, &st, 0) != c || !WIFEXITED(st))
		return 99;
	return WEXITSTATUS(st) + 1;
}

static void body_fork_chain(long depth, int out) { (void)out, _exit(fork_chain((int)depth)); }

/* ------------------------------------------------------------------------ */
/* trace: opening a session.                                                */
/* ------------------------------------------------------------------------ */

static void trace_open_makes_caller_tracer(void)
{
	struct kid k = spawn_kid(body_nothing, 0);
	CHECK(status_num(k.pid, "tracer") == 0);
	int t = attach_ok(k.pid, 0);
	CHECK(status_num(k.pid, "tracer") == getpid());
	close(t);
	CHECK(status_num(k.pid, "tracer") == 0);
	kid_go(&k);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void attach_expect_ebusy(long pid)
{
	CHECK_ERR(attach((pid_t)pid, 0), EBUSY);
	CHECK_ERR(attach((pid_t)pid, O_TRUNC), EBUSY);
}

static void trace_open_already_traced_ebusy(void)
{
	struct kid k = spawn_kid(body_nothing, 0);
	int t = attach_ok(k.pid, 0);
	CHECK_ERR(attach(k.pid, 0), EBUSY);
	CHECK_EXITED(wait_bounded(fork_helper(attach_expect_ebusy, k.pid)), 0);
	CHECK(status_num(k.pid, "tracer") == getpid());
	close(t);
	kid_kill(&k);
}

static void trace_open_self_einval(void)
{
	char path[64];
	CHECK_ERR(open("proc:self/trace", O_RDWR), EINVAL);
	snprintf(path, sizeof path, "proc:%d/trace", (int)getpid());
	CHECK_ERR(open(path, O_RDWR), EINVAL);
	CHECK_ERR(open(path, O_RDWR | O_TRUNC), EINVAL);
}

static void dropped_attach_eperm(long pid)
{
	CHECK(syscall(SYS_setgid, 1000) == 0 && syscall(SYS_setuid, 1000) == 0);
	CHECK_ERR(attach((pid_t)pid, 0), EPERM);
}

static void trace_open_access_rules_eperm(void)
{
	CHECK_ERR(attach(1, 0), EPERM);
	struct kid k = spawn_kid(body_nothing, 0);
	CHECK_EXITED(wait_bounded(fork_helper(dropped_attach_eperm, k.pid)), 0);
	CHECK(status_num(k.pid, "tracer") == 0);
	kid_kill(&k);
}

static void trace_open_no_such_pid_enoent(void)
{
	pid_t dead = fork();
	CHECK(dead >= 0);
	if (dead == 0)
		_exit(0);
	wait_bounded(dead);
	CHECK_ERR(attach(dead, 0), ENOENT);
	CHECK_ERR(open("proc:2147483647/trace", O_RDWR), ENOENT);
}

/* The spinning kid's counter, read through mem. */
static unsigned long spin_count(pid_t pid)
{
	unsigned long v = 0;
	CHECK(mem_read(pid, U64(&spin_counter), &v, sizeof v) == (long)sizeof v);
	return v;
}

/* Wait (5 s) until the spinning kid's counter moves past `from`. */
static void wait_spinning(pid_t pid, unsigned long from)
{
	long deadline = now_ns() + 5000000000L;
	while (spin_count(pid) == from) {
		if (now_ns() > deadline)
			FAILF("pid %d does not run (counter stays %lu)", (int)pid, from);
		sleep_ms(1);
	}
}

/* Check that the spinning kid does not run for a while. */
static void check_not_spinning(pid_t pid)
{
	unsigned long a = spin_count(pid);
	sleep_ms(40);
	unsigned long b = spin_count(pid);
	if (a != b)
		FAILF("pid %d ran while it should be stopped (%lu -> %lu)", (int)pid, a, b);
}

static void trace_otrunc_stops_before_open_returns(void)
{
	struct kid k = spawn_kid(body_spin, 0);
	kid_go(&k);
	wait_spinning(k.pid, 0);
	int t = attach_ok(k.pid, O_TRUNC);
	CHECK(status_state(k.pid) == 'T');
	check_not_spinning(k.pid);
	set_flags(t, 0);
	wait_spinning(k.pid, spin_count(k.pid));
	close(t);
	kid_kill(&k);
}

static void trace_without_otrunc_keeps_running(void)
{
	struct kid k = spawn_kid(body_spin, 0);
	kid_go(&k);
	wait_spinning(k.pid, 0);
	int t = attach_ok(k.pid, 0);
	wait_spinning(k.pid, spin_count(k.pid));
	CHECK(status_state(k.pid) != 'T');
	close(t);
	kid_kill(&k);
}

/* ------------------------------------------------------------------------ */
/* trace: ending a session (O_EXCL, detach, tracer death).                  */
/* ------------------------------------------------------------------------ */

static void trace_close_detaches_stopped_target(void)
{
	struct kid k = spawn_kid(body_getpid, 0);
	int t = attach_ok(k.pid, 0);
	set_flags(t, PTRACE_STOP_PRE_SYSCALL);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_getpid, &e);
	CHECK(status_state(k.pid) == 'T');
	close(t);
	CHECK(kid_result(&k) == k.pid);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void trace_oexcl_close_kills_target(void)
{
	struct kid k = spawn_kid(body_nothing, 0);
	int t = attach_ok(k.pid, O_EXCL);
	close(t);
	CHECK_KILLED_BY(kid_reap(&k), SIGKILL);
}

static void trace_oexcl_close_kills_stopped_target(void)
{
	struct kid k = spawn_kid(body_getpid, 0);
	int t = attach_ok(k.pid, O_EXCL);
	set_flags(t, PTRACE_STOP_PRE_SYSCALL);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_getpid, &e);
	close(t);
	CHECK_KILLED_BY(kid_reap(&k), SIGKILL);
}

/* A separate tracer process attaches (O_EXCL if asked), stops the kid at
 * getpid's entry, and is killed there. */
static void tracer_killed_while_tracee_stopped(int excl)
{
	struct kid k = spawn_kid(body_getpid, 0);
	int ready[2];
	CHECK(pipe(ready) == 0);
	pid_t tracer = fork();
	CHECK(tracer >= 0);
	if (tracer == 0) {
		int t = attach_ok(k.pid, excl ? O_EXCL : 0);
		set_flags(t, PTRACE_STOP_PRE_SYSCALL);
		write(ready[1], "r", 1);
		for (;;)
			pause();
	}
	char c;
	CHECK(read(ready[0], &c, 1) == 1);
	kid_go(&k);
	wait_state(k.pid, 'T', SYS_getpid);
	kill(tracer, SIGKILL);
	CHECK_KILLED_BY(wait_bounded(tracer), SIGKILL);
	if (excl) {
		CHECK_KILLED_BY(kid_reap(&k), SIGKILL);
	} else {
		CHECK(kid_result(&k) == k.pid);
		CHECK_EXITED(kid_reap(&k), 0);
	}
}

static void tracer_killed_tracee_resumes(void) { tracer_killed_while_tracee_stopped(0); }
static void tracer_killed_oexcl_tracee_dies(void) { tracer_killed_while_tracee_stopped(1); }

/* ------------------------------------------------------------------------ */
/* trace: request writes.                                                   */
/* ------------------------------------------------------------------------ */

static void trace_write_wrong_size_einval(void)
{
	struct kid k = spawn_kid(body_nothing, 0);
	int t = attach_ok(k.pid, 0);
	uint64_t buf[4] = {0};
	static const size_t sizes[] = {0, 1, 4, 7, 9, 16, 32};
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		errno = 0;
		long n = write(t, buf, sizes[i]);
		if (n != -1 || errno != EINVAL)
			FAILF("write %zu bytes to trace: %ld errno %d, want EINVAL", sizes[i], n,
			      errno);
	}
	CHECK(write(t, buf, 8) == 8);
	close(t);
	kid_kill(&k);
}

static void trace_write_unknown_bits_einval(void)
{
	struct kid k = spawn_kid(body_getpid, 0);
	int t = attach_ok(k.pid, 0);
	set_flags(t, PTRACE_STOP_PRE_SYSCALL);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_getpid, &e);
	static const uint64_t bad[] = {0x200,
	                               0x400,
	                               0x800,
	                               0x2000,
	                               0x4000,
	                               0x8000,
	                               0x10000,
	                               1UL << 32,
	                               1UL << 63,
	                               0x200 | 0x01,
	                               0xffffffffffffffffUL};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		errno = 0;
		long n = write_flags(t, bad[i]);
		if (n != -1 || errno != EINVAL)
			FAILF("flags %#lx: %ld errno %d, want EINVAL", (unsigned long)bad[i], n,
			      errno);
	}
	/* A rejected write does not resume the target. */
	CHECK(status_state(k.pid) == 'T');
	CHECK(kid_silent_for(&k, 50));
	set_flags(t, 0);
	CHECK(kid_result(&k) == k.pid);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void trace_write_replaces_request_set(void)
{
	struct kid k = spawn_kid(body_getpid_getppid, 0);
	int t = attach_ok(k.pid, 0);
	set_flags(t, PTRACE_STOP_PRE_SYSCALL | PTRACE_STOP_POST_SYSCALL);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_getpid, &e);
	set_flags(t, PTRACE_STOP_POST_SYSCALL);
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_POST_SYSCALL, SYS_getpid, &e);
	set_flags(t, PTRACE_STOP_PRE_SYSCALL);
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_getppid, &e);
	set_flags(t, 0);
	CHECK(kid_result(&k) == k.pid);
	CHECK(kid_result(&k) == getpid());
	EXPECT_EVENT(t, PTRACE_STOP_EXIT, &e);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void trace_write_resumes_stopped_target(void)
{
	struct kid k = spawn_kid(body_getpid, 0);
	int t = attach_ok(k.pid, 0);
	set_flags(t, PTRACE_STOP_PRE_SYSCALL);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_getpid, &e);
	CHECK(status_state(k.pid) == 'T');
	set_flags(t, PTRACE_STOP_PRE_SYSCALL); /* same set: resumes */
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_write, &e);
	set_flags(t, PTRACE_STOP_PRE_SYSCALL);
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_exit_group, &e);
	set_flags(t, PTRACE_STOP_PRE_SYSCALL);
	CHECK(kid_result(&k) == k.pid);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void body_many_getpid(long n, int out)
{
	long last = 0;
	for (long i = 0; i < n; i++)
		last = syscall(SYS_getpid);
	report(out, last);
}

static void trace_write_zero_runs_freely(void)
{
	struct kid k = spawn_kid(body_many_getpid, 50);
	int t = attach_ok(k.pid, 0);
	set_flags(t, PTRACE_STOP_PRE_SYSCALL);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_getpid, &e);
	set_flags(t, 0);
	CHECK(kid_result(&k) == k.pid);
	EXPECT_EVENT(t, PTRACE_STOP_EXIT, &e); /* no stop in between */
	CHECK_EQ(e.data[0], 0);
	CHECK_EXITED(kid_reap(&k), 0);
}

/* ------------------------------------------------------------------------ */
/* trace: reading events, O_NONBLOCK, poll.                                 */
/* ------------------------------------------------------------------------ */

static void trace_nonblock_read_eagain(void)
{
	struct kid k = spawn_kid(body_getpid, 0);
	int t = attach_ok(k.pid, O_NONBLOCK);
	set_flags(t, PTRACE_STOP_PRE_SYSCALL);
	struct ptrace_event e;
	CHECK_ERR(read(t, &e, sizeof e), EAGAIN);
	kid_go(&k);
	struct pollfd p = {t, POLLIN, 0};
	CHECK(poll(&p, 1, 5000) == 1 && (p.revents & POLLIN));
	CHECK(read(t, &e, sizeof e) == (long)EV);
	CHECK(e.cause == PTRACE_STOP_PRE_SYSCALL && e.data[0] == SYS_getpid);
	CHECK_ERR(read(t, &e, sizeof e), EAGAIN);
	set_flags(t, 0);
	CHECK_EXITED(kid_reap(&k), 0);
}

/* Helper: wait until the test process blocks in read(2), then start the kid. */
static void go_when_blocked_in_read(long arg)
{
	const struct kid *k = (const struct kid *)arg;
	wait_state(getppid(), 'S', SYS_read);
	kid_go(k);
}

static void trace_read_blocks_until_event(void)
{
	struct kid k = spawn_kid(body_getpid, 0);
	int t = attach_ok(k.pid, 0);
	set_flags(t, PTRACE_STOP_PRE_SYSCALL);
	pid_t h = fork_helper(go_when_blocked_in_read, (long)&k);
	struct ptrace_event e;
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_getpid, &e);
	CHECK_EXITED(wait_bounded(h), 0);
	set_flags(t, 0);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void trace_read_small_buffer_einval(void)
{
	struct kid k = spawn_kid(body_getpid, 0);
	int t = attach_ok(k.pid, 0);
	set_flags(t, PTRACE_STOP_PRE_SYSCALL);
	kid_go(&k);
	wait_state(k.pid, 'T', SYS_getpid);
	char buf[128];
	static const size_t sizes[] = {0, 1, 8, 63};
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		errno = 0;
		long n = read(t, buf, sizes[i]);
		if (n != -1 || errno != EINVAL)
			FAILF("read %zu bytes from trace: %ld errno %d, want EINVAL", sizes[i], n,
			      errno);
	}
	struct ptrace_event e; /* the event is still there */
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_getpid, &e);
	set_flags(t, 0);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void trace_read_returns_several_records(void)
{
	struct kid k = spawn_kid(body_getpid, 0);
	int t = attach_ok(k.pid, 0);
	set_flags(t, PTRACE_STOP_PRE_SYSCALL);
	kid_go(&k);
	wait_state(k.pid, 'T', SYS_getpid);
	set_flags(t, PTRACE_STOP_PRE_SYSCALL); /* resume without reading */
	wait_state(k.pid, 'T', SYS_write);
	kill(k.pid, SIGKILL);
	wait_state(k.pid, 'Z', ANY_SYSCALL);
	struct ptrace_event ev[4];
	memset(ev, 0xa5, sizeof ev);
	/* 100 bytes hold one whole record only. */
	CHECK(read(t, ev, 100) == (long)EV);
	CHECK(ev[0].cause == PTRACE_STOP_PRE_SYSCALL && ev[0].data[0] == SYS_getpid);
	long n = read(t, ev, sizeof ev);
	if (n != 2 * (long)EV)
		FAILF("read with 4 records of room: %ld, want 128", n);
	CHECK(ev[0].cause == PTRACE_STOP_PRE_SYSCALL && ev[0].data[0] == SYS_write);
	CHECK(ev[1].cause == PTRACE_STOP_EXIT);
	CHECK(read(t, ev, sizeof ev) == 0);
	int st = kid_reap(&k);
	CHECK_KILLED_BY(st, SIGKILL);
	CHECK_EQ(ev[1].data[0], st);
}

static void trace_read_eof_after_exit(void)
{
	struct kid k = spawn_kid(body_exit_code, 3);
	int t = attach_ok(k.pid, 0);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_EXIT, &e);
	CHECK_EQ(e.data[0], 3 << 8);
	CHECK(read(t, &e, sizeof e) == 0);
	CHECK(read(t, &e, sizeof e) == 0);
	CHECK_EXITED(kid_reap(&k), 3);
	CHECK(read(t, &e, sizeof e) == 0);
}

static short poll_one(int fd, int ms)
{
	struct pollfd p = {fd, POLLIN, 0};
	int n = poll(&p, 1, ms);
	CHECK(n >= 0);
	return n ? p.revents : 0;
}

static void poll_readable_when_event_queued(void)
{
	struct kid k = spawn_kid(body_getpid, 0);
	int t = attach_ok(k.pid, 0);
	set_flags(t, PTRACE_STOP_PRE_SYSCALL);
	CHECK(!(poll_one(t, 0) & (POLLIN | POLLHUP)));
	kid_go(&k);
	CHECK(poll_one(t, 5000) & POLLIN);
	struct ptrace_event e;
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_getpid, &e);
	CHECK(!(poll_one(t, 0) & (POLLIN | POLLHUP)));
	set_flags(t, 0);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void poll_hup_after_target_gone_and_drained(void)
{
	struct kid k = spawn_kid(body_nothing, 0);
	int t = attach_ok(k.pid, 0);
	kid_go(&k);
	CHECK_EXITED(kid_reap(&k), 0);
	short r = poll_one(t, 5000);
	if (!(r & POLLIN) || (r & POLLHUP))
		FAILF("EXIT queued: revents %#x, want POLLIN without POLLHUP", r);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_EXIT, &e);
	r = poll_one(t, 5000);
	if (!(r & POLLHUP) || (r & POLLIN))
		FAILF("gone and drained: revents %#x, want POLLHUP", r);
}

/* ------------------------------------------------------------------------ */
/* Syscall stops: events, registers, rewriting.                             */
/* ------------------------------------------------------------------------ */

static void pre_syscall_event_number_and_args(void)
{
	struct kid k = spawn_kid(body_six_args, 0);
	int t = attach_ok(k.pid, 0);
	set_flags(t, PTRACE_STOP_PRE_SYSCALL);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_getpid, &e);
	static const uint64_t want[6] = {ARG1, ARG2, ARG3, ARG4, ARG5, ARG6};
	for (int i = 0; i < 6; i++)
		if (e.data[i + 1] != want[i])
			FAILF("arg %d: %#lx want %#lx", i + 1, (unsigned long)e.data[i + 1],
			      (unsigned long)want[i]);
	struct user_regs r;
	get_regs(k.pid, &r);
	CHECK_EQ(r.orig_rax, SYS_getpid);
	CHECK_EQ(r.rax, SYS_getpid);
	CHECK(r.rdi == want[0] && r.rsi == want[1] && r.rdx == want[2]);
	CHECK(r.r10 == want[3] && r.r8 == want[4] && r.r9 == want[5]);
	set_flags(t, 0);
	CHECK(kid_result(&k) == k.pid);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void post_syscall_event_return_value(void)
{
	struct kid k = spawn_kid(body_getpid, 0);
	int t = attach_ok(k.pid, 0);
	set_flags(t, PTRACE_STOP_POST_SYSCALL);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_POST_SYSCALL, SYS_getpid, &e);
	CHECK_EQ(e.data[1], k.pid);
	struct user_regs r;
	get_regs(k.pid, &r);
	CHECK_EQ(r.rax, k.pid);
	CHECK_EQ(r.orig_rax, SYS_getpid);
	set_flags(t, 0);
	CHECK(kid_result(&k) == k.pid);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void post_syscall_negative_errno(void)
{
	struct kid k = spawn_kid(body_close_bad, 0);
	int t = attach_ok(k.pid, 0);
	set_flags(t, PTRACE_STOP_PRE_SYSCALL | PTRACE_STOP_POST_SYSCALL);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_close, &e);
	CHECK_EQ(e.data[1], (uint64_t)-1);
	set_flags(t, PTRACE_STOP_PRE_SYSCALL | PTRACE_STOP_POST_SYSCALL);
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_POST_SYSCALL, SYS_close, &e);
	CHECK_EQ(e.data[1], (uint64_t)-EBADF);
	struct user_regs r;
	get_regs(k.pid, &r);
	CHECK_EQ(r.rax, (uint64_t)-EBADF);
	set_flags(t, 0);
	CHECK(kid_result(&k) == -EBADF);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void change_orig_rax_changes_syscall(void)
{
	struct kid k = spawn_kid(body_getpid, 0);
	int t = attach_ok(k.pid, 0);
	set_flags(t, PTRACE_STOP_PRE_SYSCALL | PTRACE_STOP_POST_SYSCALL);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_getpid, &e);
	struct user_regs r;
	get_regs(k.pid, &r);
	r.orig_rax = SYS_getppid;
	set_regs(k.pid, &r);
	set_flags(t, PTRACE_STOP_POST_SYSCALL);
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_POST_SYSCALL, SYS_getppid, &e);
	CHECK_EQ(e.data[1], getpid());
	set_flags(t, 0);
	CHECK(kid_result(&k) == getpid()); /* getppid ran instead of getpid */
	CHECK_EXITED(kid_reap(&k), 0);
}

static void change_rax_at_exit_changes_result(void)
{
	struct kid k = spawn_kid(body_getpid, 0);
	int t = attach_ok(k.pid, 0);
	set_flags(t, PTRACE_STOP_POST_SYSCALL);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_POST_SYSCALL, SYS_getpid, &e);
	struct user_regs r;
	get_regs(k.pid, &r);
	r.rax = 777;
	set_regs(k.pid, &r);
	set_flags(t, 0);
	CHECK(kid_result(&k) == 777);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void sysemu_getpid_orig_rax_minus1(void)
{
	struct kid k = spawn_kid(body_getpid, 0);
	int t = attach_ok(k.pid, 0);
	set_flags(t, PTRACE_STOP_PRE_SYSCALL);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_getpid, &e);
	struct user_regs r;
	get_regs(k.pid, &r);
	r.orig_rax = NO_SYSCALL;
	r.rax = 4242;
	set_regs(k.pid, &r);
	set_flags(t, 0);
	CHECK(kid_result(&k) == 4242);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void sysemu_getpid_ignore_flag(void)
{
	struct kid k = spawn_kid(body_getpid, 0);
	int t = attach_ok(k.pid, 0);
	set_flags(t, PTRACE_STOP_PRE_SYSCALL);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_getpid, &e);
	struct user_regs r;
	get_regs(k.pid, &r);
	r.rax = 4242;
	set_regs(k.pid, &r);
	set_flags(t, PTRACE_FLAG_IGNORE);
	CHECK(kid_result(&k) == 4242);
	CHECK_EXITED(kid_reap(&k), 0);
}

/* sysemu of write(out, "X", 1): it reports 1 but the byte never arrives. */
static void sysemu_skips_side_effect(void)
{
	struct kid k = spawn_kid(body_write_marker, 0);
	int t = attach_ok(k.pid, 0);
	set_flags(t, PTRACE_STOP_PRE_SYSCALL);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_write, &e);
	CHECK_EQ(e.data[3], 1);
	struct user_regs r;
	get_regs(k.pid, &r);
	r.rax = 1;
	set_regs(k.pid, &r);
	set_flags(t, PTRACE_FLAG_IGNORE);
	CHECK(kid_result(&k) == 1); /* an 'X' first would garble this */
	CHECK_EXITED(kid_reap(&k), 0);
}

static void redirect_write_stdout_to_stderr(void)
{
	int p1[2], p2[2];
	CHECK(pipe(p1) == 0 && pipe(p2) == 0);
	int save1 = dup(1), save2 = dup(2);
	CHECK(save1 >= 0 && save2 >= 0);
	CHECK(dup2(p1[1], 1) == 1 && dup2(p2[1], 2) == 2);
	struct kid k = spawn_kid(body_write_hello, 0);
	CHECK(dup2(save1, 1) == 1 && dup2(save2, 2) == 2);
	close(p1[1]);
	close(p2[1]);
	int t = attach_ok(k.pid, 0);
	set_flags(t, PTRACE_STOP_PRE_SYSCALL);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_write, &e);
	CHECK_EQ(e.data[1], 1);
	struct user_regs r;
	get_regs(k.pid, &r);
	CHECK_EQ(r.rdi, 1);
	r.rdi = 2;
	set_regs(k.pid, &r);
	set_flags(t, 0);
	CHECK(kid_result(&k) == 5);
	CHECK_EXITED(kid_reap(&k), 0);
	char buf[16] = {0};
	CHECK(read(p2[0], buf, sizeof buf) == 5 && memcmp(buf, "hello", 5) == 0);
	CHECK(read(p1[0], buf, sizeof buf) == 0); /* nothing went to fd 1 */
}

/* ------------------------------------------------------------------------ */
/* Signal stops, SIGKILL, SIGCONT.                                          */
/* ------------------------------------------------------------------------ */

static void signal_stop_case(long disp, uint64_t want_handler)
{
	struct kid k = spawn_kid(body_kill_self, disp);
	int t = attach_ok(k.pid, 0);
	set_flags(t, PTRACE_STOP_SIGNAL);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_SIGNAL, &e);
	CHECK_EQ(e.data[0], SIGUSR1);
	CHECK_EQ(e.data[1], want_handler);
	CHECK(status_state(k.pid) == 'T');
	set_flags(t, 0);
	if (disp == 0) {
		CHECK_KILLED_BY(kid_reap(&k), SIGUSR1);
		return;
	}
	CHECK(kid_result(&k) == (disp == 2));
	CHECK_EXITED(kid_reap(&k), 0);
}

static void signal_stop_default_handler_0(void) { signal_stop_case(0, 0); }
static void signal_stop_ignored_handler_1(void) { signal_stop_case(1, 1); }
static void signal_stop_handler_address(void) { signal_stop_case(2, U64(usr1_handler)); }

static void signal_stop_ignore_flag_discards(void)
{
	struct kid k = spawn_kid(body_kill_self, 0); /* default action: terminate */
	int t = attach_ok(k.pid, 0);
	set_flags(t, PTRACE_STOP_SIGNAL);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_SIGNAL, &e);
	CHECK_EQ(e.data[0], SIGUSR1);
	set_flags(t, PTRACE_FLAG_IGNORE);
	CHECK(kid_result(&k) == 0);
	CHECK_EXITED(kid_reap(&k), 0);
}

/* SIGKILL to a kid with the given stops requested: no stop, an EXIT event. */
static void sigkill_with_flags(uint64_t flags)
{
	struct kid k = spawn_kid(body_nothing, 0);
	int t = attach_ok(k.pid, 0);
	set_flags(t, flags);
	kill(k.pid, SIGKILL);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_EXIT, &e); /* no SIGNAL stop before it */
	int st = kid_reap(&k);                 /* and no exit stop: it ends on its own */
	CHECK_KILLED_BY(st, SIGKILL);
	CHECK_EQ(e.data[0], st);
}

static void sigkill_never_stops(void)
{
	sigkill_with_flags(PTRACE_STOP_SIGNAL | PTRACE_STOP_PRE_SYSCALL | PTRACE_STOP_POST_SYSCALL);
}

static void sigkill_no_exit_stop(void)
{
	sigkill_with_flags(PTRACE_STOP_SIGNAL | PTRACE_STOP_EXIT);
}

static void sigkill_ends_target_in_signal_stop(void)
{
	struct kid k = spawn_kid(body_kill_self_marker, 0);
	int t = attach_ok(k.pid, 0);
	set_flags(t, PTRACE_STOP_SIGNAL);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_SIGNAL, &e);
	CHECK_EQ(e.data[0], SIGUSR1);
	kill(k.pid, SIGKILL);
	int st = wait_bounded(k.pid);
	char buf[16];
	long n = read(k.out, buf, sizeof buf);
	if (n != 0)
		FAILF("after SIGKILL the kid still ran user code (%ld bytes: %.8s)", n, buf);
	CHECK_KILLED_BY(st, SIGKILL);
	close(k.go);
	close(k.out);
}

static void sigcont_does_not_resume_ptrace_stop(void)
{
	struct kid k = spawn_kid(body_getpid, 0);
	int t = attach_ok(k.pid, 0);
	set_flags(t, PTRACE_STOP_PRE_SYSCALL);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_getpid, &e);
	CHECK(kill(k.pid, SIGCONT) == 0);
	CHECK(kid_silent_for(&k, 100));
	CHECK(status_state(k.pid) == 'T');
	set_flags(t, 0);
	CHECK(kid_result(&k) == k.pid);
	CHECK_EXITED(kid_reap(&k), 0);
}

/* ------------------------------------------------------------------------ */
/* Parents, tracers and exit.                                               */
/* ------------------------------------------------------------------------ */

static void parent_wait4_normal_while_traced_stop(void)
{
	struct kid k = spawn_kid(body_getpid, 0);
	int t = attach_ok(k.pid, 0);
	set_flags(t, PTRACE_STOP_PRE_SYSCALL);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_getpid, &e);
	int st = 0x1234;
	CHECK(wait4(k.pid, &st, WNOHANG | WUNTRACED | WCONTINUED, NULL) == 0);
	CHECK(st == 0x1234 || st == 0);
	set_flags(t, 0);
	CHECK(kid_result(&k) == k.pid);
	CHECK_EXITED(kid_reap(&k), 0);
}

/* Tracer helper for the sibling test: pipes passed as to_parent*256 + from_parent. */
static pid_t sibling_kid_pid;

static void sibling_tracer(long fds)
{
	int to_parent = (int)(fds >> 8), from_parent = (int)(fds & 0xff);
	int t = attach_ok(sibling_kid_pid, 0);
	set_flags(t, PTRACE_STOP_PRE_SYSCALL | PTRACE_STOP_EXIT);
	CHECK(write(to_parent, "a", 1) == 1);
	struct ptrace_event e;
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_exit_group, &e);
	CHECK_EQ(e.data[1], 7);
	set_flags(t, PTRACE_STOP_EXIT);
	EXPECT_EVENT(t, PTRACE_STOP_EXIT, &e);
	CHECK_EQ(e.data[0], 7 << 8);
	CHECK(write(to_parent, "x", 1) == 1);
	char c;
	CHECK(read(from_parent, &c, 1) == 1);
	CHECK_ERR(wait4(-1, NULL, WNOHANG, NULL), ECHILD); /* the tracer never reaps */
	set_flags(t, 0);
	CHECK(read(t, &e, sizeof e) == 0);
}

static void sibling_tracer_parent_still_reaps(void)
{
	struct kid k = spawn_kid(body_exit_code, 7);
	int up[2], down[2];
	CHECK(pipe(up) == 0 && pipe(down) == 0);
	sibling_kid_pid = k.pid;
	pid_t tracer = fork_helper(sibling_tracer, ((long)up[1] << 8) | down[0]);
	char c;
	CHECK(read(up[0], &c, 1) == 1 && c == 'a');
	CHECK(status_num(k.pid, "tracer") == tracer);
	kid_go(&k);
	CHECK(read(up[0], &c, 1) == 1 && c == 'x'); /* the tracer has the EXIT stop */
	int st = 0;
	CHECK(wait4(k.pid, &st, WNOHANG | WUNTRACED, NULL) == 0);
	CHECK(write(down[1], "c", 1) == 1);
	CHECK_EXITED(kid_reap(&k), 7);
	CHECK_EXITED(wait_bounded(tracer), 0);
}

static void exit_reported_before_parent_wait4(void)
{
	struct kid k = spawn_kid(body_exit_code, 5);
	int t = attach_ok(k.pid, 0);
	set_flags(t, PTRACE_STOP_EXIT);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_EXIT, &e);
	CHECK_EQ(e.data[0], 5 << 8);
	CHECK(status_state(k.pid) == 'T');
	int st = 0;
	CHECK(wait4(k.pid, &st, WNOHANG, NULL) == 0);
	set_flags(t, 0);
	CHECK_EXITED(kid_reap(&k), 5);
	CHECK(read(t, &e, sizeof e) == 0);
}

/* Tracer blocked in read; a helper SIGKILLs the tracee meanwhile. */
static void kill_when_parent_blocked_in_read(long pid)
{
	wait_state(getppid(), 'S', SYS_read);
	kill((pid_t)pid, SIGKILL);
}

static void tracee_killed_tracer_gets_exit_then_eof(void)
{
	struct kid k = spawn_kid(body_nothing, 0);
	int t = attach_ok(k.pid, 0);
	set_flags(t, PTRACE_STOP_PRE_SYSCALL);
	pid_t h = fork_helper(kill_when_parent_blocked_in_read, k.pid);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_EXIT, &e);
	CHECK(read(t, &e, sizeof e) == 0);
	CHECK_EXITED(wait_bounded(h), 0);
	int st = kid_reap(&k);
	CHECK_KILLED_BY(st, SIGKILL);
	CHECK_EQ(e.data[0], st);
}

/* ------------------------------------------------------------------------ */
/* EXEC and INTERRUPT stops.                                                */
/* ------------------------------------------------------------------------ */

static uint64_t elf_entry(const char *path)
{
	unsigned char h[64];
	int fd = open(path, O_RDONLY);
	CHECK(fd >= 0);
	CHECK(read(fd, h, sizeof h) == (long)sizeof h);
	close(fd);
	CHECK(memcmp(h, "\177ELF", 4) == 0);
	uint64_t entry;
	memcpy(&entry, h + 24, 8);
	return entry;
}

static void exec_stop_at_new_entry(void)
{
	uint64_t entry = elf_entry("/bin/true");
	struct kid k = spawn_kid(body_exec_true, 0);
	int t = attach_ok(k.pid, 0);
	set_flags(t, PTRACE_STOP_EXEC);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_EXEC, &e);
	CHECK_EQ(e.data[0], entry);
	struct user_regs r;
	get_regs(k.pid, &r);
	CHECK_EQ(r.rip, entry);
	CHECK(status_state(k.pid) == 'T');
	set_flags(t, 0);
	EXPECT_EVENT(t, PTRACE_STOP_EXIT, &e);
	CHECK_EQ(e.data[0], 0);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void interrupt_stops_busy_loop(void)
{
	struct kid k = spawn_kid(body_spin, 0);
	kid_go(&k);
	wait_spinning(k.pid, 0);
	int t = attach_ok(k.pid, 0);
	set_flags(t, PTRACE_STOP_INTERRUPT);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_INTERRUPT, &e);
	CHECK(status_state(k.pid) == 'T');
	struct user_regs r;
	get_regs(k.pid, &r);
	CHECK_EQ(r.rip, e.data[0]);
	CHECK_EQ(r.orig_rax, NO_SYSCALL);
	check_not_spinning(k.pid);
	set_flags(t, 0);
	wait_spinning(k.pid, spin_count(k.pid));
	close(t);
	kid_kill(&k);
}

static void interrupt_is_one_shot(void)
{
	struct kid k = spawn_kid(body_spin, 0);
	kid_go(&k);
	int t = attach_ok(k.pid, 0);
	set_flags(t, PTRACE_STOP_INTERRUPT);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_INTERRUPT, &e);
	set_flags(t, 0);
	unsigned long c = spin_count(k.pid);
	wait_spinning(k.pid, c);
	CHECK(!(poll_one(t, 50) & POLLIN)); /* no second stop */
	CHECK(status_state(k.pid) != 'T');
	set_flags(t, PTRACE_STOP_INTERRUPT); /* and it can be asked again */
	EXPECT_EVENT(t, PTRACE_STOP_INTERRUPT, &e);
	close(t);
	kid_kill(&k);
}

static void interrupt_stops_blocked_read_which_continues(void)
{
	struct kid k = spawn_kid(body_getpid, 0); /* blocked reading its go byte */
	int t = attach_ok(k.pid, 0);
	set_flags(t, PTRACE_STOP_INTERRUPT);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_INTERRUPT, &e);
	CHECK(status_state(k.pid) == 'T');
	struct user_regs r;
	get_regs(k.pid, &r);
	CHECK_EQ(r.rip, e.data[0]);
	set_flags(t, 0);
	wait_state(k.pid, 'S', SYS_read); /* back in the same read */
	kid_go(&k);
	CHECK(kid_result(&k) == k.pid); /* read returned the byte, not EINTR */
	CHECK_EXITED(kid_reap(&k), 0);
}

/* ------------------------------------------------------------------------ */
/* Breakpoints.                                                             */
/* ------------------------------------------------------------------------ */

static void breakpoint_event_address_and_rip(void)
{
	struct kid k = spawn_kid(body_call_bp, 1);
	int t = attach_ok(k.pid, 0);
	set_flags(t, PTRACE_STOP_BREAKPOINT);
	uint8_t orig = mem_peek(k.pid, U64(tt_bp_func));
	mem_poke(k.pid, U64(tt_bp_func), 0xcc);
	CHECK(mem_peek(k.pid, U64(tt_bp_func)) == 0xcc);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_BREAKPOINT, &e);
	CHECK_EQ(e.data[0], U64(tt_bp_func));
	struct user_regs r;
	get_regs(k.pid, &r);
	CHECK_EQ(r.rip, U64(tt_bp_func) + 1);
	mem_poke(k.pid, U64(tt_bp_func), orig);
	r.rip = U64(tt_bp_func);
	set_regs(k.pid, &r);
	set_flags(t, 0);
	CHECK(kid_result(&k) == 1);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void breakpoint_100_hits(void)
{
	struct kid k = spawn_kid(body_call_bp, 100);
	int t = attach_ok(k.pid, 0);
	uint64_t bp = U64(tt_bp_func);
	uint8_t orig = mem_peek(k.pid, bp);
	mem_poke(k.pid, bp, 0xcc);
	set_flags(t, PTRACE_STOP_BREAKPOINT);
	kid_go(&k);
	int hits = 0;
	struct ptrace_event e;
	struct user_regs r;
	for (;;) {
		next_event(t, &e);
		if (e.cause == PTRACE_STOP_EXIT)
			break;
		if (e.cause != PTRACE_STOP_BREAKPOINT || e.data[0] != bp)
			FAILF("hit %d: event %#lx data %#lx", hits, (unsigned long)e.cause,
			      (unsigned long)e.data[0]);
		get_regs(k.pid, &r);
		CHECK_EQ(r.rip, bp + 1);
		mem_poke(k.pid, bp, orig);
		r.rip = bp;
		set_regs(k.pid, &r);
		set_flags(t, PTRACE_STOP_SINGLESTEP | PTRACE_STOP_BREAKPOINT);
		EXPECT_EVENT(t, PTRACE_STOP_SINGLESTEP, &e);
		CHECK_EQ(e.data[0], U64(tt_bp_func_1));
		mem_poke(k.pid, bp, 0xcc);
		hits++;
		set_flags(t, PTRACE_STOP_BREAKPOINT);
	}
	if (hits != 100)
		FAILF("%d breakpoint hits, want 100", hits);
	CHECK_EQ(e.data[0], 0);
	CHECK(kid_result(&k) == 100);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void breakpoint_ignore_no_sigtrap(void)
{
	struct kid k = spawn_kid(body_int3, 0);
	int t = attach_ok(k.pid, 0);
	set_flags(t, PTRACE_STOP_BREAKPOINT);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_BREAKPOINT, &e);
	CHECK_EQ(e.data[0], U64(tt_int3_ret));
	set_flags(t, PTRACE_FLAG_IGNORE);
	CHECK(kid_result(&k) == 1);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void breakpoint_not_requested_sigtrap(void)
{
	struct kid k = spawn_kid(body_int3, 0);
	int t = attach_ok(k.pid, 0);
	set_flags(t, PTRACE_STOP_PRE_SYSCALL);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_EXIT, &e);
	int st = kid_reap(&k);
	CHECK_KILLED_BY(st, SIGTRAP);
	CHECK_EQ(e.data[0], st);
}

static void trapflag_not_requested_sigtrap(void)
{
	struct kid k = spawn_kid(body_set_tf, 0);
	int t = attach_ok(k.pid, 0);
	set_flags(t, PTRACE_STOP_EXIT);
	kid_go(&k);
	CHECK(kid_result(&k) == 1); /* its SIGTRAP handler ran once */
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_EXIT, &e);
	set_flags(t, 0);
	CHECK_EXITED(kid_reap(&k), 0);
}

/* ------------------------------------------------------------------------ */
/* Single-stepping.                                                         */
/* ------------------------------------------------------------------------ */

/* Start a kid whose body hits the int3 at fn; return at that stop. */
static int stop_at_int3(struct kid *k, kid_body body, char *fn)
{
	*k = spawn_kid(body, 0);
	int t = attach_ok(k->pid, 0);
	set_flags(t, PTRACE_STOP_BREAKPOINT);
	kid_go(k);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_BREAKPOINT, &e);
	CHECK_EQ(e.data[0], U64(fn));
	return t;
}

/* One step; the stop must be at want (0: anywhere); returns the rip. */
static uint64_t step_once(int t, pid_t pid, uint64_t want, struct user_regs *r)
{
	set_flags(t, PTRACE_STOP_SINGLESTEP | PTRACE_STOP_BREAKPOINT);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_SINGLESTEP, &e);
	get_regs(pid, r);
	if (r->rip != e.data[0])
		FAILF("step event rip %#lx, regs rip %#lx", (unsigned long)e.data[0],
		      (unsigned long)r->rip);
	if (want && e.data[0] != want)
		FAILF("stepped to %#lx, want %#lx", (unsigned long)e.data[0], (unsigned long)want);
	CHECK(r->rflags & 0x200); /* IF */
	return e.data[0];
}

static void singlestep_known_sequence(void)
{
	struct kid k;
	int t = stop_at_int3(&k, body_step_seq, tt_step_seq);
	struct user_regs r;
	get_regs(k.pid, &r);
	CHECK_EQ(r.rip, U64(tt_step_seq_1));
	step_once(t, k.pid, U64(tt_step_seq_2), &r);
	step_once(t, k.pid, U64(tt_step_seq_3), &r);
	CHECK_EQ(r.rcx & 0xffffffff, 7);
	step_once(t, k.pid, U64(tt_step_seq_4), &r);
	CHECK_EQ(r.rcx & 0xffffffff, 14);
	step_once(t, k.pid, U64(tt_step_seq_5), &r);
	CHECK_EQ(r.rdx & 0xffffffff, 0);
	uint64_t ret = 0;
	CHECK(mem_read(k.pid, r.rsp, &ret, 8) == 8);
	step_once(t, k.pid, ret, &r); /* the ret lands in the caller */
	set_flags(t, 0);
	CHECK(kid_result(&k) == 1);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void body_sys_step(long arg, int out) { (void)arg, call_void(tt_sys_step), report(out, 1); }

static void singlestep_over_syscall_stops_once_after_it(void)
{
	struct kid k;
	int t = stop_at_int3(&k, body_sys_step, tt_sys_step);
	struct user_regs r;
	step_once(t, k.pid, U64(tt_sys_step_2), &r);
	step_once(t, k.pid, U64(tt_sys_step_3), &r);
	step_once(t, k.pid, U64(tt_sys_step_4), &r); /* over the syscall */
	CHECK_EQ(r.rax, k.pid);
	step_once(t, k.pid, U64(tt_sys_step_5), &r); /* not a second stop at _4 */
	set_flags(t, 0);
	CHECK(kid_result(&k) == 1);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void singlestep_tf_never_leaks(void)
{
	struct kid k;
	int t = stop_at_int3(&k, body_sys_step_then_flags, tt_sys_step);
	struct user_regs r;
	step_once(t, k.pid, U64(tt_sys_step_2), &r);
	step_once(t, k.pid, U64(tt_sys_step_3), &r);
	set_flags(t, PTRACE_STOP_BREAKPOINT); /* stepping off */
	long fl = kid_result(&k);
	if (fl & (long)FL_TF)
		FAILF("TF set in the kid after stepping ended: rflags %#lx", (unsigned long)fl);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_EXIT, &e); /* no further step stop */
	CHECK_EQ(e.data[0], 0);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void singlestep_ignore_no_sigtrap(void)
{
	struct kid k;
	int t = stop_at_int3(&k, body_step_seq, tt_step_seq);
	struct user_regs r;
	step_once(t, k.pid, U64(tt_step_seq_2), &r);
	set_flags(t, PTRACE_FLAG_IGNORE);
	CHECK(kid_result(&k) == 1);
	CHECK_EXITED(kid_reap(&k), 0);
}

/* ------------------------------------------------------------------------ */
/* EVENT_CLONE.                                                             */
/* ------------------------------------------------------------------------ */

static void clone_event_child_pid_and_flags(void)
{
	struct kid k = spawn_kid(body_clone_raw, 0);
	int t = attach_ok(k.pid, 0);
	set_flags(t, PTRACE_EVENT_CLONE);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_EVENT_CLONE, &e);
	pid_t c = (pid_t)e.data[0];
	CHECK(c > 0);
	CHECK_EQ(e.data[1], SIGCHLD);
	CHECK(status_num(c, "ppid") == k.pid);
	set_flags(t, 0);
	CHECK(kid_result(&k) == c);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void clone_child_starts_stopped(void)
{
	struct kid k = spawn_kid(body_fork_report, 0);
	int t = attach_ok(k.pid, 0);
	set_flags(t, PTRACE_EVENT_CLONE);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_EVENT_CLONE, &e);
	pid_t c = (pid_t)e.data[0];
	CHECK(status_state(c) == 'T');
	CHECK(status_num(c, "tracer") == 0);
	CHECK(kid_silent_for(&k, 50));
	CHECK(status_state(c) == 'T');
	set_flags(t, 0);
	CHECK(kid_result(&k) == 1000);
	CHECK(kid_result(&k) == 4);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void clone_child_stays_stopped_until_its_tracer_writes(void)
{
	struct kid k = spawn_kid(body_fork_report, 0);
	int t = attach_ok(k.pid, 0);
	set_flags(t, PTRACE_EVENT_CLONE);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_EVENT_CLONE, &e);
	pid_t c = (pid_t)e.data[0];
	int tc = attach_ok(c, 0);
	CHECK(status_state(c) == 'T');
	set_flags(t, 0); /* the parent runs on; the attached child does not */
	wait_state(k.pid, 'S', SYS_wait4);
	CHECK(status_state(c) == 'T');
	CHECK(kid_silent_for(&k, 50));
	set_flags(tc, 0);
	CHECK(kid_result(&k) == 1000);
	CHECK(kid_result(&k) == 4);
	EXPECT_EVENT(tc, PTRACE_STOP_EXIT, &e);
	CHECK_EQ(e.data[0], 4 << 8);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void clone_child_released_by_parent_tracer_write(void)
{
	struct kid k = spawn_kid(body_fork_report, 0);
	int t = attach_ok(k.pid, 0);
	set_flags(t, PTRACE_EVENT_CLONE);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_EVENT_CLONE, &e);
	pid_t c = (pid_t)e.data[0];
	CHECK(status_state(c) == 'T');
	set_flags(t, PTRACE_EVENT_CLONE); /* resumes the parent, releases the child */
	CHECK(kid_result(&k) == 1000);
	CHECK(kid_result(&k) == 4);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void clone_fork_chain_three_deep(void)
{
	struct kid k = spawn_kid(body_fork_chain, 3);
	int t[4];
	pid_t pid[4] = {k.pid};
	t[0] = attach_ok(k.pid, 0);
	set_flags(t[0], PTRACE_EVENT_CLONE);
	kid_go(&k);
	struct ptrace_event e;
	for (int level = 0; level < 3; level++) {
		EXPECT_EVENT(t[level], PTRACE_EVENT_CLONE, &e);
		pid[level + 1] = (pid_t)e.data[0];
		CHECK(status_state(pid[level + 1]) == 'T');
		CHECK(status_num(pid[level + 1], "ppid") == pid[level]);
		t[level + 1] = attach_ok(pid[level + 1], 0);
		set_flags(t[level + 1], PTRACE_EVENT_CLONE);
		set_flags(t[level], PTRACE_EVENT_CLONE);
	}
	for (int level = 3; level >= 0; level--) {
		EXPECT_EVENT(t[level], PTRACE_STOP_EXIT, &e);
		if (e.data[0] != (uint64_t)((3 - level) << 8))
			FAILF("level %d exit status %#lx, want %#x", level,
			      (unsigned long)e.data[0], (3 - level) << 8);
		CHECK(read(t[level], &e, sizeof e) == 0);
	}
	CHECK_EXITED(kid_reap(&k), 3);
}

/* ------------------------------------------------------------------------ */
/* Racing tracers, many tracees.                                            */
/* ------------------------------------------------------------------------ */

static pid_t race_target;
static int race_start, race_start_w, race_result, race_done, race_done_w;

static void racer(long unused)
{
	(void)unused;
	char c;
	close(race_start_w);
	close(race_done_w);
	read(race_start, &c, 1); /* EOF: everyone starts at once */
	int t = attach(race_target, 0);
	int err = t >= 0 ? 0 : errno;
	CHECK(write(race_result, &err, sizeof err) == (long)sizeof err);
	read(race_done, &c, 1);
}

static void two_tracers_race_one_wins(void)
{
	for (int round = 0; round < 5; round++) {
		struct kid k = spawn_kid(body_nothing, 0);
		int start[2], result[2], done[2];
		CHECK(pipe(start) == 0 && pipe(result) == 0 && pipe(done) == 0);
		race_target = k.pid;
		race_start = start[0], race_start_w = start[1];
		race_result = result[1], race_done = done[0], race_done_w = done[1];
		pid_t a = fork_helper(racer, 0), b = fork_helper(racer, 0);
		wait_state(a, 'S', SYS_read);
		wait_state(b, 'S', SYS_read);
		close(start[1]);
		int ea = -1, eb = -1;
		CHECK(read(result[0], &ea, sizeof ea) == (long)sizeof ea);
		CHECK(read(result[0], &eb, sizeof eb) == (long)sizeof eb);
		if (!((ea == 0 && eb == EBUSY) || (ea == EBUSY && eb == 0)))
			FAILF("round %d: racers got %d and %d, want one 0 and one EBUSY", round, ea,
			      eb);
		long tr = status_num(k.pid, "tracer");
		CHECK(tr == a || tr == b);
		close(done[1]);
		CHECK_EXITED(wait_bounded(a), 0);
		CHECK_EXITED(wait_bounded(b), 0);
		CHECK(status_num(k.pid, "tracer") == 0);
		close(start[0]), close(result[0]), close(result[1]), close(done[0]);
		kid_kill(&k);
	}
}

#define MANY 100

static void many_kid(int go, int i)
{
	char c;
	if (read(go, &c, 1) != 1)
		_exit(100);
	syscall(SYS_getpid);
	syscall(SYS_getppid);
	syscall(SYS_getuid);
	_exit(i % 100 + 1);
}

static void poll_100_tracees_collects_every_exit(void)
{
	int go[2];
	CHECK(pipe(go) == 0);
	static pid_t pids[MANY];
	static struct pollfd pf[MANY];
	static int exit_seen[MANY], stops[MANY];
	for (int i = 0; i < MANY; i++) {
		pids[i] = fork();
		CHECK(pids[i] >= 0);
		if (pids[i] == 0)
			many_kid(go[0], i);
	}
	for (int i = 0; i < MANY; i++) {
		wait_state(pids[i], 'S', SYS_read);
		pf[i].fd = attach_ok(pids[i], 0);
		pf[i].events = POLLIN;
		set_flags(pf[i].fd, PTRACE_STOP_PRE_SYSCALL | PTRACE_STOP_EXIT);
	}
	char bytes[MANY];
	memset(bytes, 'g', sizeof bytes);
	CHECK(write(go[1], bytes, sizeof bytes) == MANY);
	int open_fds = MANY, exits = 0;
	long deadline = now_ns() + 30000000000L;
	while (open_fds > 0) {
		if (now_ns() > deadline)
			FAILF("%d sessions still open, %d exits seen", open_fds, exits);
		int n = poll(pf, MANY, 5000);
		CHECK(n >= 0);
		for (int i = 0; i < MANY; i++) {
			if (pf[i].fd < 0 || !pf[i].revents)
				continue;
			struct ptrace_event ev[4];
			long got = read(pf[i].fd, ev, sizeof ev);
			CHECK(got >= 0 && got % (long)EV == 0);
			if (got == 0) {
				close(pf[i].fd);
				pf[i].fd = -1;
				open_fds--;
				continue;
			}
			for (long j = 0; j < got / (long)EV; j++) {
				if (ev[j].cause == PTRACE_STOP_EXIT) {
					CHECK_EQ(ev[j].data[0], (i % 100 + 1) << 8);
					exit_seen[i]++;
					exits++;
				} else {
					CHECK(ev[j].cause == PTRACE_STOP_PRE_SYSCALL);
					stops[i]++;
				}
			}
			set_flags(pf[i].fd, PTRACE_STOP_PRE_SYSCALL | PTRACE_STOP_EXIT);
		}
	}
	for (int i = 0; i < MANY; i++) {
		if (exit_seen[i] != 1 || stops[i] != 4)
			FAILF("tracee %d: %d EXIT events, %d syscall stops (want 1, 4)", i,
			      exit_seen[i], stops[i]);
		CHECK_EXITED(wait_bounded(pids[i]), i % 100 + 1);
	}
}

/* ------------------------------------------------------------------------ */
/* mem.                                                                     */
/* ------------------------------------------------------------------------ */

static unsigned char mem_area[3 * PAGE] __attribute__((aligned(4096)));

static unsigned char pattern(size_t i, int seed) { return (unsigned char)(i * 7 + seed * 13 + 1); }

static void fill_area(unsigned char *p, size_t n, int seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = pattern(i, seed);
}

/* The kid's view: mem_area still holds pattern seed 1 except the given
 * window, which holds seed 2. Reports 1 if so. */
static long win_off, win_len;

static void body_check_window(long arg, int out)
{
	(void)arg;
	long ok = 1;
	for (long i = 0; i < (long)sizeof mem_area; i++) {
		int seed = i >= win_off && i < win_off + win_len ? 2 : 1;
		if (mem_area[i] != pattern((size_t)i, seed))
			ok = 0;
	}
	report(out, ok);
}

/* A kid whose mem_area holds pattern 1, while ours is cleared. */
static struct kid spawn_area_kid(long off, long len)
{
	fill_area(mem_area, sizeof mem_area, 1);
	win_off = off, win_len = len;
	struct kid k = spawn_kid(body_check_window, 0);
	memset(mem_area, 0, sizeof mem_area);
	return k;
}

static void mem_pread_reads_target_memory(void)
{
	struct kid k = spawn_area_kid(0, 0);
	unsigned char buf[64];
	CHECK(mem_read(k.pid, U64(mem_area) + 100, buf, sizeof buf) == (long)sizeof buf);
	for (size_t i = 0; i < sizeof buf; i++)
		CHECK(buf[i] == pattern(100 + i, 1));
	kid_go(&k);
	CHECK(kid_result(&k) == 1);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void mem_lseek_read_write(void)
{
	struct kid k = spawn_area_kid(200, 16);
	int t = attach_ok(k.pid, 0);
	int fd = open_proc(k.pid, "mem", O_RDWR);
	CHECK(fd >= 0);
	uint64_t a = U64(mem_area) + 100;
	CHECK(lseek(fd, (off_t)a, SEEK_SET) == (off_t)a);
	unsigned char buf[16];
	CHECK(read(fd, buf, 16) == 16);
	CHECK(buf[0] == pattern(100, 1) && buf[15] == pattern(115, 1));
	CHECK(lseek(fd, 0, SEEK_CUR) == (off_t)(a + 16));
	CHECK(lseek(fd, (off_t)(U64(mem_area) + 200), SEEK_SET) == (off_t)(U64(mem_area) + 200));
	for (int i = 0; i < 16; i++)
		buf[i] = pattern(200 + (size_t)i, 2);
	CHECK(write(fd, buf, 16) == 16);
	CHECK(lseek(fd, 0, SEEK_CUR) == (off_t)(U64(mem_area) + 216));
	close(fd);
	kid_go(&k);
	CHECK(kid_result(&k) == 1);
	CHECK_EXITED(kid_reap(&k), 0);
	close(t);
}

static void mem_read_write_across_page_boundaries(void)
{
	long off = (long)PAGE - 150, len = (long)PAGE + 300; /* spans all three pages */
	struct kid k = spawn_area_kid(off, len);
	int t = attach_ok(k.pid, 0);
	int fd = open_proc(k.pid, "mem", O_RDWR);
	CHECK(fd >= 0);
	static unsigned char buf[2 * PAGE];
	CHECK(pread(fd, buf, 200, (off_t)(U64(mem_area) + PAGE - 100)) == 200);
	for (size_t i = 0; i < 200; i++)
		CHECK(buf[i] == pattern(PAGE - 100 + i, 1));
	for (long i = 0; i < len; i++)
		buf[i] = pattern((size_t)(off + i), 2);
	CHECK(pwrite(fd, buf, (size_t)len, (off_t)(U64(mem_area) + (uint64_t)off)) == len);
	memset(buf, 0, sizeof buf);
	CHECK(pread(fd, buf, (size_t)len, (off_t)(U64(mem_area) + (uint64_t)off)) == len);
	for (long i = 0; i < len; i++)
		CHECK(buf[i] == pattern((size_t)(off + i), 2));
	close(fd);
	kid_go(&k);
	CHECK(kid_result(&k) == 1);
	CHECK_EXITED(kid_reap(&k), 0);
	close(t);
}

/* Three mapped pages, then a hole (unmapped or PROT_NONE) at page 3. */
static unsigned char *map_with_hole(int prot_none)
{
	unsigned char *p =
	    mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	fill_area(p, 3 * PAGE, 3);
	if (prot_none)
		CHECK(mprotect(p + 3 * PAGE, PAGE, PROT_NONE) == 0);
	else
		CHECK(munmap(p + 3 * PAGE, PAGE) == 0);
	return p;
}

static void mem_transfer_stops_at_hole(int prot_none)
{
	unsigned char *p = map_with_hole(prot_none);
	struct kid k = spawn_kid(body_nothing, 0);
	int t = attach_ok(k.pid, 0);
	int fd = open_proc(k.pid, "mem", O_RDWR);
	CHECK(fd >= 0);
	static unsigned char buf[3 * PAGE];
	long n = pread(fd, buf, 2 * PAGE, (off_t)(U64(p) + 2 * PAGE - 10));
	if (n != (long)PAGE + 10)
		FAILF("read into the hole: %ld, want %lu", n, PAGE + 10);
	CHECK(buf[0] == pattern(2 * PAGE - 10, 3) && buf[PAGE + 9] == pattern(3 * PAGE - 1, 3));
	n = pwrite(fd, buf, 2 * PAGE, (off_t)(U64(p) + 3 * PAGE - 5));
	if (n != 5)
		FAILF("write into the hole: %ld, want 5", n);
	CHECK_ERR(pread(fd, buf, 16, (off_t)(U64(p) + 3 * PAGE)), EIO);
	CHECK_ERR(pwrite(fd, buf, 16, (off_t)(U64(p) + 3 * PAGE)), EIO);
	CHECK_ERR(pread(fd, buf, 1, (off_t)(U64(p) + 3 * PAGE + 100)), EIO);
	close(fd);
	close(t);
	kid_go(&k);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void mem_transfer_stops_at_unmapped_page(void) { mem_transfer_stops_at_hole(0); }
static void mem_transfer_stops_at_inaccessible_page(void) { mem_transfer_stops_at_hole(1); }

static void mem_unmapped_first_byte_eio(void)
{
	unsigned char *p = map_with_hole(0);
	struct kid k = spawn_kid(body_nothing, 0);
	int t = attach_ok(k.pid, 0);
	int fd = open_proc(k.pid, "mem", O_RDWR);
	CHECK(fd >= 0);
	unsigned char buf[64];
	for (int i = 0; i < 3; i++) { /* consistently */
		CHECK_ERR(pread(fd, buf, sizeof buf, (off_t)(U64(p) + 3 * PAGE)), EIO);
		CHECK_ERR(pwrite(fd, buf, sizeof buf, (off_t)(U64(p) + 3 * PAGE)), EIO);
	}
	CHECK(lseek(fd, (off_t)(U64(p) + 3 * PAGE), SEEK_SET) >= 0);
	CHECK_ERR(read(fd, buf, sizeof buf), EIO);
	CHECK(lseek(fd, 0, SEEK_CUR) == (off_t)(U64(p) + 3 * PAGE)); /* offset unchanged */
	close(fd);
	close(t);
	kid_go(&k);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void check_mem_rejected(int fd, void *buf, size_t n, uint64_t addr, int write)
{
	errno = 0;
	long r = write ? pwrite(fd, buf, n, (off_t)addr) : pread(fd, buf, n, (off_t)addr);
	if (r != -1 || (errno != EIO && errno != EINVAL && errno != EFAULT))
		FAILF("%s %zu at %#lx: %ld errno %d, want EIO/EINVAL/EFAULT",
		      write ? "write" : "read", n, (unsigned long)addr, r, errno);
	if (addr < (1UL << 63) && errno != EIO) /* a valid offset: the spec says EIO */
		FAILF("%s at %#lx: errno %d, want EIO", write ? "write" : "read",
		      (unsigned long)addr, errno);
}

static void mem_high_addresses_rejected(void)
{
	struct kid k = spawn_kid(body_nothing, 0);
	int t = attach_ok(k.pid, 0);
	int fd = open_proc(k.pid, "mem", O_RDWR);
	CHECK(fd >= 0);
	unsigned char buf[16] = {0};
	static const uint64_t addrs[] = {USER_TOP,           USER_TOP + PAGE,    0x00ff000000000000,
	                                 0x7ffffffffffff000, 0x7ffffffffffffff8, 0xffff800000000000,
	                                 0xffffffff80000000, 0xfffffffffffffff0};
	for (size_t i = 0; i < sizeof addrs / sizeof addrs[0]; i++) {
		check_mem_rejected(fd, buf, sizeof buf, addrs[i], 0);
		check_mem_rejected(fd, buf, sizeof buf, addrs[i], 1);
	}
	/* A transfer that starts below USER_TOP never reaches past it. */
	long n = pread(fd, buf, sizeof buf, (off_t)(USER_TOP - 8));
	CHECK((n == -1 && errno == EIO) || (n >= 0 && n <= 8));
	close(fd);
	close(t);
	kid_go(&k);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void mem_address_zero_eio(void)
{
	struct kid k = spawn_kid(body_nothing, 0);
	int t = attach_ok(k.pid, 0);
	int fd = open_proc(k.pid, "mem", O_RDWR);
	CHECK(fd >= 0);
	unsigned char buf[16] = {0};
	CHECK_ERR(pread(fd, buf, sizeof buf, 0), EIO);
	CHECK_ERR(pwrite(fd, buf, sizeof buf, 0), EIO);
	CHECK_ERR(pread(fd, buf, 1, 1), EIO);
	close(fd);
	close(t);
	kid_go(&k);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void mem_wrapping_lengths_no_crash(void)
{
	struct kid k = spawn_area_kid(0, 0);
	int t = attach_ok(k.pid, 0);
	int fd = open_proc(k.pid, "mem", O_RDWR);
	CHECK(fd >= 0);
	/* Our buffer: one page with nothing mapped after it. */
	unsigned char *g =
	    mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(g != MAP_FAILED);
	CHECK(munmap(g + PAGE, PAGE) == 0);
	fill_area(g, PAGE, 1);
	static const size_t lens[] = {SIZE_MAX, SIZE_MAX - PAGE, (size_t)1 << 63, (size_t)1 << 47};
	for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
		errno = 0;
		long n = pread(fd, g, lens[i], (off_t)U64(mem_area));
		if (!((n == -1 && (errno == EFAULT || errno == EINVAL)) ||
		      (n >= 0 && n <= (long)PAGE)))
			FAILF("read len %#zx: %ld errno %d", lens[i], n, errno);
		errno = 0;
		n = pwrite(fd, g, lens[i], (off_t)U64(mem_area));
		if (!((n == -1 && (errno == EFAULT || errno == EINVAL)) ||
		      (n >= 0 && n <= (long)PAGE)))
			FAILF("write len %#zx: %ld errno %d", lens[i], n, errno);
		errno = 0;
		n = pread(fd, g, lens[i], (off_t)(USER_TOP - 16));
		if (!(n == -1 && (errno == EIO || errno == EFAULT || errno == EINVAL)))
			FAILF("read len %#zx below USER_TOP: %ld errno %d", lens[i], n, errno);
	}
	close(fd);
	close(t);
	kid_go(&k);
	CHECK(kid_result(&k) == 1); /* its memory is intact (we wrote pattern 1 back) */
	CHECK_EXITED(kid_reap(&k), 0);
	CHECK(syscall(SYS_getpid) == getpid());
}

static void mem_write_needs_tracer_eperm(void)
{
	struct kid k = spawn_area_kid(0, 0);
	int fd = open_proc(k.pid, "mem", O_RDWR);
	CHECK(fd >= 0);
	unsigned char b = 0x55;
	CHECK_ERR(pwrite(fd, &b, 1, (off_t)U64(mem_area)), EPERM);
	CHECK(pread(fd, &b, 1, (off_t)U64(mem_area)) == 1 && b == pattern(0, 1));
	/* Another process being the tracer does not help. */
	int ready[2];
	CHECK(pipe(ready) == 0);
	pid_t tracer = fork();
	CHECK(tracer >= 0);
	if (tracer == 0) {
		int t = attach_ok(k.pid, 0);
		(void)t;
		write(ready[1], "r", 1);
		for (;;)
			pause();
	}
	char c;
	CHECK(read(ready[0], &c, 1) == 1);
	CHECK_ERR(pwrite(fd, &b, 1, (off_t)U64(mem_area)), EPERM);
	kill(tracer, SIGKILL);
	wait_bounded(tracer);
	close(fd);
	kid_go(&k);
	CHECK(kid_result(&k) == 1);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void mem_write_text_gives_private_copy(void)
{
	uint64_t bp = U64(tt_bp_func);
	uint8_t orig = *(volatile uint8_t *)tt_bp_func;
	struct kid a = spawn_kid(body_call_bp, 1), b = spawn_kid(body_call_bp, 1);
	int t = attach_ok(a.pid, 0);
	set_flags(t, PTRACE_STOP_BREAKPOINT);
	mem_poke(a.pid, bp, 0xcc); /* text is read-only for the kid itself */
	CHECK(mem_peek(a.pid, bp) == 0xcc);
	CHECK(mem_peek(b.pid, bp) == orig);
	CHECK(*(volatile uint8_t *)tt_bp_func == orig);
	struct kid c = spawn_kid(body_call_bp, 1); /* started after the write */
	CHECK(mem_peek(c.pid, bp) == orig);
	kid_go(&b);
	CHECK(kid_result(&b) == 1);
	CHECK_EXITED(kid_reap(&b), 0);
	kid_go(&c);
	CHECK(kid_result(&c) == 1);
	CHECK_EXITED(kid_reap(&c), 0);
	CHECK(call_bp_func(41) == 42);
	kid_go(&a);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_BREAKPOINT, &e);
	CHECK_EQ(e.data[0], bp);
	close(t);
	kid_kill(&a);
}

static void mem_handle_esrch_after_exec(void)
{
	struct kid k = spawn_kid(body_exec_true, 0);
	int t = attach_ok(k.pid, 0);
	int fd = open_proc(k.pid, "mem", O_RDWR);
	CHECK(fd >= 0);
	unsigned char buf[8];
	CHECK(pread(fd, buf, sizeof buf, (off_t)U64(mem_area)) == (long)sizeof buf);
	set_flags(t, PTRACE_STOP_EXEC);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_EXEC, &e);
	CHECK_ERR(pread(fd, buf, sizeof buf, (off_t)e.data[0]), ESRCH);
	CHECK_ERR(pwrite(fd, buf, 1, (off_t)e.data[0]), ESRCH);
	CHECK_ERR(pread(fd, buf, sizeof buf, (off_t)U64(mem_area)), ESRCH);
	int fd2 = open_proc(k.pid, "mem", O_RDONLY); /* a new handle sees the new image */
	CHECK(fd2 >= 0);
	CHECK(pread(fd2, buf, sizeof buf, (off_t)e.data[0]) == (long)sizeof buf);
	close(fd2);
	set_flags(t, 0);
	CHECK_EXITED(kid_reap(&k), 0);
	CHECK_ERR(pread(fd, buf, sizeof buf, (off_t)U64(mem_area)), ESRCH);
	close(fd);
}

static void mem_handle_esrch_after_exit(void)
{
	struct kid k = spawn_kid(body_nothing, 0);
	int fd = open_proc(k.pid, "mem", O_RDONLY);
	CHECK(fd >= 0);
	kid_go(&k);
	wait_state(k.pid, 'Z', ANY_SYSCALL);
	unsigned char buf[8];
	CHECK_ERR(pread(fd, buf, sizeof buf, (off_t)U64(mem_area)), ESRCH);
	CHECK_EXITED(kid_reap(&k), 0);
	CHECK_ERR(pread(fd, buf, sizeof buf, (off_t)U64(mem_area)), ESRCH);
	close(fd);
}

/* ------------------------------------------------------------------------ */
/* sysfilter.                                                               */
/* ------------------------------------------------------------------------ */

static void read_filter(pid_t pid, uint8_t bits[64])
{
	int fd = open_proc(pid, "sysfilter", O_RDONLY);
	CHECK(fd >= 0);
	CHECK(pread(fd, bits, 64, 0) == 64);
	close(fd);
}

static int all_ones(const uint8_t bits[64])
{
	for (int i = 0; i < 64; i++)
		if (bits[i] != 0xff)
			return 0;
	return 1;
}

static void filter_set_bit(uint8_t bits[64], int nr) { bits[nr / 8] |= (uint8_t)(1 << (nr % 8)); }

static void sysfilter_all_ones_at_session_start(void)
{
	struct kid k = spawn_kid(body_nothing, 0);
	int t = attach_ok(k.pid, 0);
	uint8_t bits[64];
	read_filter(k.pid, bits);
	CHECK(all_ones(bits));
	/* A new session starts from all ones again, whatever the last one set. */
	int fd = open_proc(k.pid, "sysfilter", O_RDWR);
	CHECK(fd >= 0);
	memset(bits, 0, sizeof bits);
	CHECK(pwrite(fd, bits, 64, 0) == 64);
	close(t);
	t = attach_ok(k.pid, 0);
	CHECK(pread(fd, bits, 64, 0) == 64);
	CHECK(all_ones(bits));
	close(fd);
	close(t);
	kid_kill(&k);
}

static void sysfilter_write_replaces_bitmap(void)
{
	struct kid k = spawn_kid(body_nothing, 0);
	int t = attach_ok(k.pid, 0);
	int fd = open_proc(k.pid, "sysfilter", O_RDWR);
	CHECK(fd >= 0);
	uint8_t want[64], got[64];
	for (int i = 0; i < 64; i++)
		want[i] = (uint8_t)(i * 37 + 5);
	CHECK(pwrite(fd, want, 64, 0) == 64);
	CHECK(pread(fd, got, 64, 0) == 64);
	CHECK(memcmp(want, got, 64) == 0);
	memset(want, 0, sizeof want);
	filter_set_bit(want, 511);
	CHECK(pwrite(fd, want, 64, 0) == 64);
	read_filter(k.pid, got);
	CHECK(memcmp(want, got, 64) == 0);
	close(fd);
	close(t);
	kid_kill(&k);
}

static void body_filter_mix(long arg, int out)
{
	(void)arg, (void)out;
	syscall(SYS_getpid);
	syscall(SYS_getppid);
	syscall(SYS_getuid);
	syscall(SYS_getppid);
	syscall(SYS_getgid);
}

static void sysfilter_only_filtered_in_syscalls_stop(void)
{
	struct kid k = spawn_kid(body_filter_mix, 0);
	int t = attach_ok(k.pid, 0);
	uint8_t bits[64] = {0};
	filter_set_bit(bits, SYS_getppid); /* 110: byte 13, bit 6 */
	CHECK(bits[13] == 0x40);
	int fd = open_proc(k.pid, "sysfilter", O_RDWR);
	CHECK(fd >= 0);
	CHECK(pwrite(fd, bits, 64, 0) == 64);
	set_flags(t, PTRACE_STOP_PRE_SYSCALL | PTRACE_STOP_POST_SYSCALL);
	kid_go(&k);
	struct ptrace_event e;
	for (int i = 0; i < 2; i++) {
		EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_getppid, &e);
		set_flags(t, PTRACE_STOP_PRE_SYSCALL | PTRACE_STOP_POST_SYSCALL);
		EXPECT_SYSCALL_STOP(t, PTRACE_STOP_POST_SYSCALL, SYS_getppid, &e);
		CHECK_EQ(e.data[1], getpid());
		set_flags(t, PTRACE_STOP_PRE_SYSCALL | PTRACE_STOP_POST_SYSCALL);
	}
	EXPECT_EVENT(t, PTRACE_STOP_EXIT, &e); /* getgid, exit_group: filtered out */
	close(fd);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void sysfilter_empty_means_no_syscall_stops(void)
{
	struct kid k = spawn_kid(body_many_getpid, 200);
	int t = attach_ok(k.pid, 0);
	uint8_t bits[64] = {0};
	int fd = open_proc(k.pid, "sysfilter", O_RDWR);
	CHECK(fd >= 0);
	CHECK(pwrite(fd, bits, 64, 0) == 64);
	set_flags(t, PTRACE_STOP_PRE_SYSCALL | PTRACE_STOP_POST_SYSCALL);
	kid_go(&k);
	CHECK(kid_result(&k) == k.pid);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_EXIT, &e);
	close(fd);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void sysfilter_wrong_size_einval(void)
{
	struct kid k = spawn_kid(body_nothing, 0);
	int t = attach_ok(k.pid, 0);
	int fd = open_proc(k.pid, "sysfilter", O_RDWR);
	CHECK(fd >= 0);
	uint8_t bits[128] = {0};
	static const size_t sizes[] = {0, 1, 8, 63, 65, 128};
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		errno = 0;
		long n = pwrite(fd, bits, sizes[i], 0);
		if (n != -1 || errno != EINVAL)
			FAILF("write %zu bytes to sysfilter: %ld errno %d", sizes[i], n, errno);
	}
	CHECK_ERR(pwrite(fd, bits, 64, 1), EINVAL);
	CHECK_ERR(pwrite(fd, bits, 64, 64), EINVAL);
	uint8_t got[64];
	read_filter(k.pid, got);
	CHECK(all_ones(got)); /* nothing changed */
	close(fd);
	close(t);
	kid_kill(&k);
}

static void sysfilter_non_tracer_write_eperm(void)
{
	struct kid k = spawn_kid(body_nothing, 0);
	int fd = open_proc(k.pid, "sysfilter", O_RDWR);
	CHECK(fd >= 0);
	uint8_t bits[64] = {0};
	CHECK_ERR(pwrite(fd, bits, 64, 0), EPERM); /* untraced */
	int ready[2];
	CHECK(pipe(ready) == 0);
	pid_t tracer = fork();
	CHECK(tracer >= 0);
	if (tracer == 0) {
		int t = attach_ok(k.pid, 0);
		(void)t;
		write(ready[1], "r", 1);
		for (;;)
			pause();
	}
	char c;
	CHECK(read(ready[0], &c, 1) == 1);
	CHECK_ERR(pwrite(fd, bits, 64, 0), EPERM); /* traced by someone else */
	uint8_t got[64];
	read_filter(k.pid, got);
	CHECK(all_ones(got));
	kill(tracer, SIGKILL);
	wait_bounded(tracer);
	close(fd);
	kid_kill(&k);
}

/* ------------------------------------------------------------------------ */
/* A session whose tracee is gone.                                          */
/* ------------------------------------------------------------------------ */

static void session_ops_after_tracee_gone(void)
{
	long sessions = sys_number("sys:sessions");
	struct kid k = spawn_kid(body_exit_code, 2);
	int t = attach_ok(k.pid, 0);
	int sf = open_proc(k.pid, "sysfilter", O_RDWR);
	int mem = open_proc(k.pid, "mem", O_RDWR);
	int regs = open_proc(k.pid, "regs/int", O_RDWR);
	CHECK(sf >= 0 && mem >= 0 && regs >= 0);
	CHECK(sys_number("sys:sessions") == sessions + 1);
	kid_go(&k);
	CHECK_EXITED(kid_reap(&k), 2);
	uint8_t bits[64] = {0};
	struct user_regs r = {0};
	CHECK_ERR(write_flags(t, PTRACE_STOP_PRE_SYSCALL), ESRCH);
	CHECK_ERR(write_flags(t, 0), ESRCH);
	CHECK_ERR(pread(sf, bits, 64, 0), ESRCH);
	CHECK_ERR(pwrite(sf, bits, 64, 0), ESRCH);
	CHECK_ERR(pread(mem, bits, 8, (off_t)U64(mem_area)), ESRCH);
	CHECK_ERR(pwrite(mem, bits, 8, (off_t)U64(mem_area)), ESRCH);
	CHECK_ERR(pread(regs, &r, sizeof r, 0), ESRCH);
	CHECK_ERR(pwrite(regs, &r, sizeof r, 0), ESRCH);
	struct ptrace_event e;
	CHECK(poll_one(t, 0) & POLLIN);
	EXPECT_EVENT(t, PTRACE_STOP_EXIT, &e); /* the queued event survives */
	CHECK_EQ(e.data[0], 2 << 8);
	CHECK(read(t, &e, sizeof e) == 0);
	CHECK(poll_one(t, 0) & POLLHUP);
	CHECK_ERR(open_proc(k.pid, "trace", O_RDWR), ENOENT);
	CHECK(close(sf) == 0 && close(mem) == 0 && close(regs) == 0);
	CHECK(close(t) == 0);
	CHECK(sys_number("sys:sessions") == sessions);
}

/* ------------------------------------------------------------------------ */
/* Stress: random tracing of a fork/exec/exit churn, then leak checks.      */
/* ------------------------------------------------------------------------ */

static unsigned long rng_state = 88172645463325252UL;

static unsigned long rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static const uint64_t stress_flag_choices[] = {
    0,
    PTRACE_STOP_PRE_SYSCALL,
    PTRACE_STOP_POST_SYSCALL | PTRACE_STOP_EXEC,
    PTRACE_STOP_EXIT,
    PTRACE_STOP_EXEC | PTRACE_STOP_EXIT | PTRACE_EVENT_CLONE,
    PTRACE_STOP_SIGNAL | PTRACE_STOP_BREAKPOINT,
    PTRACE_STOP_INTERRUPT,
    PTRACE_STOP_SINGLESTEP,
    PTRACE_STOP_PRE_SYSCALL | PTRACE_FLAG_IGNORE,
};
#define NCHOICES (sizeof stress_flag_choices / sizeof stress_flag_choices[0])

static uint64_t stress_flags(void) { return stress_flag_choices[rnd() % NCHOICES]; }

/* The churn: fork a child that execs /bin/true, reap it, again, until the
 * stop pipe reaches EOF. */
static void body_churn(long fds, int out)
{
	(void)out;
	int rd = (int)(fds & 0xffff), wr = (int)(fds >> 16);
	close(wr);
	char *argv[] = {"/bin/true", NULL};
	for (;;) {
		char c;
		if (read(rd, &c, 1) == 0)
			_exit(0);
		pid_t p = fork();
		if (p == 0) {
			execve("/bin/true", argv, environ);
			_exit(127);
		}
		if (p > 0)
			while (waitpid(p, NULL, 0) < 0 && errno == EINTR)
				;
	}
}

/* Do something random to a churn child: another file, or a session. */
static int stress_poke_child(pid_t c)
{
	static const char *const files[] = {"mem", "regs/int", "sysfilter", "status", "maps"};
	unsigned long r = rnd();
	if (r % 3 == 0) {
		int fd = open_proc(c, files[rnd() % 5], O_RDONLY);
		if (fd >= 0) {
			char buf[256];
			pread(fd, buf, sizeof buf, (off_t)U64(mem_area));
			close(fd);
		}
		return -1;
	}
	int t = attach(c, (r & 8 ? O_EXCL : 0) | O_NONBLOCK);
	if (t < 0)
		return -1;
	if (r & 16) {
		int fd = open_proc(c, "sysfilter", O_RDWR);
		uint8_t bits[64];
		for (int i = 0; i < 64; i++)
			bits[i] = (uint8_t)rnd();
		if (fd >= 0) {
			pwrite(fd, bits, 64, 0);
			close(fd);
		}
	}
	write_flags(t, stress_flags());
	return t;
}

/* One churn run of ns nanoseconds under random tracing; every process and
 * session of it is gone on return. Returns the number of forks seen. */
static long stress_round(long ns)
{
	int stop[2];
	CHECK(pipe2(stop, O_NONBLOCK) == 0);
	struct kid k = spawn_kid(body_churn, stop[0] | ((long)stop[1] << 16));
	close(stop[0]);
	int t0 = attach_ok(k.pid, O_NONBLOCK);
	set_flags(t0, PTRACE_EVENT_CLONE);
	kid_go(&k);
	enum { NS = 8 };
	int sess[NS];
	for (int i = 0; i < NS; i++)
		sess[i] = -1;
	long deadline = now_ns() + ns, clones = 0;
	while (now_ns() < deadline) {
		struct pollfd pf[NS + 1];
		pf[0] = (struct pollfd){t0, POLLIN, 0};
		for (int i = 0; i < NS; i++)
			pf[i + 1] = (struct pollfd){sess[i], POLLIN, 0};
		poll(pf, NS + 1, 20);
		struct ptrace_event ev[4];
		long n = read(t0, ev, sizeof ev);
		for (long j = 0; n > 0 && j < n / (long)EV; j++) {
			if (ev[j].cause != PTRACE_EVENT_CLONE)
				continue;
			clones++;
			int s = stress_poke_child((pid_t)ev[j].data[0]);
			int slot = (int)(rnd() % NS);
			if (s >= 0) {
				if (sess[slot] >= 0)
					close(sess[slot]);
				sess[slot] = s;
			}
		}
		if (rnd() % 16 == 0)
			CHECK_ERR(write_flags(t0, 0x200), EINVAL);
		CHECK(write_flags(t0, PTRACE_EVENT_CLONE |
		                          (rnd() % 4 == 0 ? PTRACE_STOP_EXEC : 0)) == 8);
		for (int i = 0; i < NS; i++) {
			if (sess[i] < 0)
				continue;
			n = read(sess[i], ev, sizeof ev);
			if (n == 0 || rnd() % 8 == 0) {
				close(sess[i]);
				sess[i] = -1;
			} else {
				write_flags(sess[i], stress_flags());
			}
		}
	}
	for (int i = 0; i < NS; i++)
		if (sess[i] >= 0)
			close(sess[i]);
	set_flags(t0, 0);
	close(t0);
	close(stop[1]);
	CHECK_EXITED(kid_reap(&k), 0);
	return clones;
}

struct counters {
	long frames, sessions, procs;
};

static struct counters read_counters(void)
{
	return (struct counters){sys_number("sys:free_frames"), sys_number("sys:sessions"),
	                         sys_number("sys:procs")};
}

/* Wait (5 s) until the counters equal want; the last reading otherwise. */
static struct counters settle_to(struct counters want)
{
	long deadline = now_ns() + 5000000000L;
	for (;;) {
		struct counters c = read_counters();
		if ((c.frames == want.frames && c.sessions == want.sessions &&
		     c.procs == want.procs) ||
		    now_ns() > deadline)
			return c;
		sleep_ms(10);
	}
}

static void stress_random_tracing_no_leaks(void)
{
	struct counters start = read_counters();
	CHECK(start.frames > 0 && start.sessions >= 0 && start.procs > 0);
	/* A short warm-up run first, so that our own stack, buffers and any
	 * kernel caches have grown to size before the baseline is taken. */
	stress_round(500000000L);
	struct counters c = settle_to((struct counters){0, start.sessions, start.procs});
	CHECK(c.sessions == start.sessions && c.procs == start.procs);
	struct counters base = read_counters();
	long clones = stress_round(3000000000L);
	if (clones < 10)
		FAILF("only %ld forks traced in 3 s", clones);
	c = settle_to(base);
	if (c.frames != base.frames || c.sessions != base.sessions || c.procs != base.procs)
		FAILF("leak after %ld traced forks: free_frames %ld -> %ld, sessions %ld -> %ld, "
		      "procs %ld -> %ld",
		      clones, base.frames, c.frames, base.sessions, c.sessions, base.procs,
		      c.procs);
}

/* ------------------------------------------------------------------------ */
/* The table and the runner.                                                */
/* ------------------------------------------------------------------------ */

static const struct test tests[] = {
    T(trace_open_makes_caller_tracer),
    T(trace_open_already_traced_ebusy),
    T(trace_open_self_einval),
    T(trace_open_access_rules_eperm),
    T(trace_open_no_such_pid_enoent),
    T(trace_otrunc_stops_before_open_returns),
    T(trace_without_otrunc_keeps_running),
    T(trace_close_detaches_stopped_target),
    T(trace_oexcl_close_kills_target),
    T(trace_oexcl_close_kills_stopped_target),
    T(tracer_killed_tracee_resumes),
    T(tracer_killed_oexcl_tracee_dies),
    T(trace_write_wrong_size_einval),
    T(trace_write_unknown_bits_einval),
    T(trace_write_replaces_request_set),
    T(trace_write_resumes_stopped_target),
    T(trace_write_zero_runs_freely),
    T(trace_nonblock_read_eagain),
    T(trace_read_blocks_until_event),
    T(trace_read_small_buffer_einval),
    T(trace_read_returns_several_records),
    T(trace_read_eof_after_exit),
    T(poll_readable_when_event_queued),
    T(poll_hup_after_target_gone_and_drained),
    T(pre_syscall_event_number_and_args),
    T(post_syscall_event_return_value),
    T(post_syscall_negative_errno),
    T(change_orig_rax_changes_syscall),
    T(change_rax_at_exit_changes_result),
    T(sysemu_getpid_orig_rax_minus1),
    T(sysemu_getpid_ignore_flag),
    T(sysemu_skips_side_effect),
    T(redirect_write_stdout_to_stderr),
    T(signal_stop_default_handler_0),
    T(signal_stop_ignored_handler_1),
    T(signal_stop_handler_address),
    T(signal_stop_ignore_flag_discards),
    T(sigkill_never_stops),
    T(sigkill_no_exit_stop),
    T(sigkill_ends_target_in_signal_stop),
    T(sigcont_does_not_resume_ptrace_stop),
    T(parent_wait4_normal_while_traced_stop),
    T(sibling_tracer_parent_still_reaps),
    T(exit_reported_before_parent_wait4),
    T(tracee_killed_tracer_gets_exit_then_eof),
    T(exec_stop_at_new_entry),
    T(interrupt_stops_busy_loop),
    T(interrupt_is_one_shot),
    T(interrupt_stops_blocked_read_which_continues),
    T(breakpoint_event_address_and_rip),
    T_SLOW(breakpoint_100_hits, 30),
    T(breakpoint_ignore_no_sigtrap),
    T(breakpoint_not_requested_sigtrap),
    T(trapflag_not_requested_sigtrap),
    T(singlestep_known_sequence),
    T(singlestep_over_syscall_stops_once_after_it),
    T(singlestep_tf_never_leaks),
    T(singlestep_ignore_no_sigtrap),
    T(clone_event_child_pid_and_flags),
    T(clone_child_starts_stopped),
    T(clone_child_stays_stopped_until_its_tracer_writes),
    T(clone_child_released_by_parent_tracer_write),
    T(clone_fork_chain_three_deep),
    T_SLOW(two_tracers_race_one_wins, 20),
    T_SLOW(poll_100_tracees_collects_every_exit, 60),
    T(mem_pread_reads_target_memory),
    T(mem_lseek_read_write),
    T(mem_read_write_across_page_boundaries),
    T(mem_transfer_stops_at_unmapped_page),
    T(mem_transfer_stops_at_inaccessible_page),
    T(mem_unmapped_first_byte_eio),
    T(mem_high_addresses_rejected),
    T(mem_address_zero_eio),
    T(mem_wrapping_lengths_no_crash),
    T(mem_write_needs_tracer_eperm),
    T(mem_write_text_gives_private_copy),
    T(mem_handle_esrch_after_exec),
    T(mem_handle_esrch_after_exit),
    T(sysfilter_all_ones_at_session_start),
    T(sysfilter_write_replaces_bitmap),
    T(sysfilter_only_filtered_in_syscalls_stop),
    T(sysfilter_empty_means_no_syscall_stops),
    T(sysfilter_wrong_size_einval),
    T(sysfilter_non_tracer_write_eperm),
    T(session_ops_after_tracee_gone),
    T_SLOW(stress_random_tracing_no_leaks, 40),
};

#define NTESTS (sizeof tests / sizeof tests[0])

int main(int argc, char **argv) { return testrun_main(argc, argv, "tracetest", tests, NTESTS); }
