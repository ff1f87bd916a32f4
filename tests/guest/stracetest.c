/* stracetest: in-guest tests of /bin/strace. Each test runs strace on a
 * small command, with its output in a /tmp file, and checks the lines a
 * Linux user expects (syscalls with quoted strings and buffers, errno
 * names, exit and signal lines, [pid N] prefixes under -f) and strace's own
 * exit status. The runner is tests/guest/lib/testrun (one forked child per test,
 * "[TEST] PASS/FAIL" lines). Usage: stracetest [-l] [NAME...]. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

#define STRACE "/bin/strace"
#define RUN_TIMEOUT_S 60
#define OUT_MAX 65536

/* ------------------------------------------------------------------------ */
/* Harness.                                                                 */
/* ------------------------------------------------------------------------ */

/* Report why the test failed and end the test child. */
static _Noreturn void fail(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof buf - 1)
		n = (int)sizeof buf - 1;
	if (testrun_reason_fd >= 0 && n > 0 && write(testrun_reason_fd, buf, (size_t)n) < 0)
		_exit(2);
	_exit(1);
}

static void redirect(int fd, const char *path)
{
	if (!path)
		return;
	int f = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (f < 0 || dup2(f, fd) < 0)
		_exit(126);
	close(f);
}

/* Start argv with stdout and stderr in files (NULL: inherited). */
static pid_t spawn(char *const argv[], const char *out, const char *err)
{
	pid_t pid = fork();
	if (pid < 0)
		fail("fork: %s", strerror(errno));
	if (pid == 0) {
		redirect(1, out);
		redirect(2, err);
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

/* Run argv to completion; returns its wait status. */
static int run(char *const argv[], const char *out, const char *err)
{
	return wait_within(spawn(argv, out, err), RUN_TIMEOUT_S, "its deadline");
}

static void expect_exit(int st, int code)
{
	if (!WIFEXITED(st))
		fail("strace died of signal %d, expected exit %d", WTERMSIG(st), code);
	if (WEXITSTATUS(st) != code)
		fail("strace exited %d, expected %d", WEXITSTATUS(st), code);
}

/* The whole file, NUL-terminated, in a static buffer. */
static char *slurp(const char *path)
{
	static char bufs[2][OUT_MAX];
	static int which;
	char *buf = bufs[which++ % 2];
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		fail("open %s: %s", path, strerror(errno));
	size_t n = 0;
	for (;;) {
		ssize_t r = read(fd, buf + n, OUT_MAX - 1 - n);
		if (r < 0)
			fail("read %s: %s", path, strerror(errno));
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	return buf;
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		fail("write %s: %s", path, strerror(errno));
	close(fd);
}

/* Whether some line of text contains a, then (later on it) b (b may be NULL). */
static int has_line(const char *text, const char *a, const char *b)
{
	for (const char *line = text; *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char buf[1024];
		size_t k = 0; /* runs of spaces as one: " = " is aligned to a column */
		for (size_t i = 0; i < len && k < sizeof buf - 1; i++)
			if (line[i] != ' ' || k == 0 || buf[k - 1] != ' ')
				buf[k++] = line[i];
		buf[k] = '\0';
		const char *pa = strstr(buf, a);
		if (pa && (!b || strstr(pa + strlen(a), b)))
			return 1;
		line += len + (end ? 1 : 0);
	}
	return 0;
}

static void expect_line(const char *text, const char *path, const char *a, const char *b)
{
	if (!has_line(text, a, b))
		fail("%s: no line with '%s'%s%s%s", path, a, b ? " ... '" : "", b ? b : "",
		     b ? "'" : "");
}

/* The last line of text (static copy, without its newline). */
static const char *last_line(const char *text)
{
	static char buf[1024];
	size_t n = strlen(text);
	while (n && text[n - 1] == '\n')
		n--;
	size_t start = n;
	while (start && text[start - 1] != '\n')
		start--;
	snprintf(buf, sizeof buf, "%.*s", (int)(n - start), text + start);
	return buf;
}

static void expect_last(const char *text, const char *path, const char *want)
{
	if (strcmp(last_line(text), want) != 0)
		fail("%s: last line '%s', expected '%s'", path, last_line(text), want);
}

/* Wait until pid has a tracer. */
static void wait_traced(pid_t pid)
{
	long deadline = now_ms() + RUN_TIMEOUT_S * 1000L;
	while (proc_status_num(pid, "tracer") <= 0) {
		if (now_ms() > deadline)
			fail("pid %d never got a tracer", pid);
		sleep_ms(10);
	}
}

/* A gated child's work: getppid (a call strace shows), then exit code. */
static void getppid_exit(long code)
{
	getppid();
	_exit((int)code);
}

/* ------------------------------------------------------------------------ */
/* Tests.                                                                   */
/* ------------------------------------------------------------------------ */

/* strace -o FILE /bin/echo hi: the execve line, the write, the exit. */
static void echo_to_file(void)
{
	char *argv[] = {STRACE, "-o", "/tmp/st.out", "/bin/echo", "hi", NULL};
	int st = run(argv, "/tmp/st.stdout", "/tmp/st.stderr");
	expect_exit(st, 0);
	char *so = slurp("/tmp/st.stdout");
	if (strcmp(so, "hi\n") != 0)
		fail("echo printed '%s'", so);
	char *t = slurp("/tmp/st.out");
	const char *first = "execve(\"/bin/echo\", [\"/bin/echo\", \"hi\"], 0x";
	if (strncmp(t, first, strlen(first)) != 0)
		fail("first line is '%.80s'", t);
	expect_line(t, "st.out", "execve(", " */) = 0");
	/* Procyon's echo writes each argument, then the newline. */
	if (!has_line(t, "write(1, \"hi\\n\", 3) = 3", NULL) &&
	    !(has_line(t, "write(1, \"hi\", 2) = 2", NULL) &&
	      has_line(t, "write(1, \"\\n\", 1) = 1", NULL)))
		fail("st.out: no write of \"hi\\n\"");
	expect_last(t, "st.out", "+++ exited with 0 +++");
	if (strlen(slurp("/tmp/st.stderr")) != 0)
		fail("strace -o wrote to stderr");
}

/* cat of a file: open flags, the read buffer at exit, the write at entry. */
static void cat_read_write(void)
{
	write_file("/tmp/hi.txt", "hi\n");
	char *argv[] = {STRACE, "-o", "/tmp/st.out", "/bin/cat", "/tmp/hi.txt", NULL};
	int st = run(argv, "/tmp/st.stdout", NULL);
	expect_exit(st, 0);
	char *t = slurp("/tmp/st.out");
	if (!has_line(t, "open(\"/tmp/hi.txt\", O_RDONLY", ") = 3") &&
	    !has_line(t, "openat(AT_FDCWD, \"/tmp/hi.txt\", O_RDONLY", ") = 3"))
		fail("st.out: no open of /tmp/hi.txt returning 3");
	expect_line(t, "st.out", "read(3, \"hi\\n\", ", ") = 3");
	expect_line(t, "st.out", "read(3, \"\", ", ") = 0");
	expect_line(t, "st.out", "write(1, \"hi\\n\", 3) = 3", NULL);
	expect_line(t, "st.out", "close(3) = 0", NULL);
	expect_last(t, "st.out", "+++ exited with 0 +++");
}

/* cat /nonexistent: the failed open with its errno, exit 1 passed on. */
static void cat_enoent(void)
{
	char *argv[] = {STRACE, "/bin/cat", "/nonexistent", NULL};
	int st = run(argv, NULL, "/tmp/st.err");
	expect_exit(st, 1);
	char *t = slurp("/tmp/st.err");
	if (!has_line(t, "open(\"/nonexistent\", O_RDONLY",
	              ") = -1 ENOENT (No such file or directory)") &&
	    !has_line(t, "openat(AT_FDCWD, \"/nonexistent\", O_RDONLY",
	              ") = -1 ENOENT (No such file or directory)"))
		fail("no failed open of /nonexistent with ENOENT");
	expect_line(t, "st.err", "exit_group(1) = ?", NULL);
	expect_last(t, "st.err", "+++ exited with 1 +++");
}

/* Escapes: \" \\ \t, octal (3 digits before a digit), and truncation. */
static void quoting(void)
{
	char *argv[] = {STRACE, "-o", "/tmp/st.out", "/bin/echo", "-n", "q\"\\\t\0017x", NULL};
	expect_exit(run(argv, "/tmp/st.stdout", NULL), 0);
	char *t = slurp("/tmp/st.out");
	expect_line(t, "st.out", "write(1, \"q\\\"\\\\\\t\\0017x\", 7) = 7", NULL);
	char *argv2[] = {STRACE,      "-o", "/tmp/st.out",
	                 "/bin/echo", "-n", "0123456789abcdef0123456789ABCDEF0123\n",
	                 NULL};
	expect_exit(run(argv2, "/tmp/st.stdout", NULL), 0);
	t = slurp("/tmp/st.out");
	expect_line(t, "st.out", "write(1, \"0123456789abcdef0123456789ABCDEF\"..., 37) = 37",
	            NULL);
	expect_line(t, "st.out", "\"/bin/echo\", \"-n\", \"0123456789abcdef0123456789ABCDEF\"...]",
	            NULL);
}

/* -f over a pipeline: every process's lines, with [pid N] prefixes. */
static void follow_pipeline(void)
{
	char *argv[] = {STRACE, "-f", "-o", "/tmp/st.out", "/bin/sh", "-c", "echo a | cat", NULL};
	int st = run(argv, "/tmp/st.stdout", NULL);
	expect_exit(st, 0);
	char *so = slurp("/tmp/st.stdout");
	if (strcmp(so, "a\n") != 0)
		fail("pipeline printed '%s'", so);
	char *t = slurp("/tmp/st.out");
	int pids[8], npids = 0, exits = 0;
	/* -f -o FILE: each line starts with its pid, as strace 6.1 prints */
	for (const char *l = t; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l)) {
		int pid = atoi(l), known = 0;
		for (int i = 0; i < npids; i++)
			known |= pids[i] == pid;
		if (!known && npids < 8)
			pids[npids++] = pid;
	}
	for (const char *l = t; (l = strstr(l, "+++ exited with 0 +++")) != NULL; l++)
		exits++;
	if (npids < 3)
		fail("st.out: lines of %d pids, expected 3 (sh, echo, cat)", npids);
	if (exits < 3)
		fail("st.out: %d exit lines, expected 3", exits);
	expect_line(t, "st.out", " execve(\"/bin/echo\", [\"echo\", \"a\"], 0x", NULL);
	expect_line(t, "st.out", " execve(\"/bin/cat\", [\"cat\"], 0x", NULL);
	expect_line(t, "st.out", " write(1, \"a\", 1", NULL);
	/* cat's read may be cut by another process's line: then its result is
	 * on a "<... read resumed>" line, as in Linux strace. */
	if (!has_line(t, " read(0, \"a", ") = ") && !has_line(t, "<... read resumed>\"a", ") = "))
		fail("st.out: no line with cat's read of \"a\", whole or resumed");
}

/* A command killed by a signal: the signal line with its siginfo, the
 * kill line, and strace dies of the same signal (as strace 6.1 does). */
static void killed_by_signal(void)
{
	char *argv[] = {STRACE, "-o", "/tmp/st.out", "/bin/sh", "-c", "kill -TERM $$", NULL};
	int st = run(argv, NULL, NULL);
	if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGTERM)
		fail("strace's status is %#x, expected death by SIGTERM", st);
	char *t = slurp("/tmp/st.out");
	expect_line(t, "st.out", "--- SIGTERM {si_signo=SIGTERM, si_code=SI_USER, si_pid=", NULL);
	expect_last(t, "st.out", "+++ killed by SIGTERM +++");
	char *argv2[] = {STRACE, "-o", "/tmp/st.out", "/bin/sh", "-c", "kill -KILL $$", NULL};
	expect_exit(run(argv2, NULL, NULL), 128 + SIGKILL);
	t = slurp("/tmp/st.out");
	expect_last(t, "st.out", "+++ killed by SIGKILL +++");
}

/* Unknown commands and attach failures: a message and a non-zero exit. */
static void attach_errors(void)
{
	char *nocmd[] = {STRACE, "/bin/no-such-command", NULL};
	int st = run(nocmd, NULL, "/tmp/st.err");
	if (!WIFEXITED(st) || WEXITSTATUS(st) == 0)
		fail("strace of a missing command succeeded");
	expect_line(slurp("/tmp/st.err"), "st.err", "No such file or directory", NULL);

	char *nopid[] = {STRACE, "-p", "30999", NULL};
	st = run(nopid, NULL, "/tmp/st.err");
	if (!WIFEXITED(st) || WEXITSTATUS(st) == 0)
		fail("strace -p of a missing pid succeeded");
	expect_line(slurp("/tmp/st.err"), "st.err",
	            "attach: ptrace(PTRACE_SEIZE, 30999): No such process", NULL);

	char *init[] = {STRACE, "-p", "1", NULL};
	st = run(init, NULL, "/tmp/st.err");
	if (!WIFEXITED(st) || WEXITSTATUS(st) == 0)
		fail("strace -p 1 succeeded");
	expect_line(slurp("/tmp/st.err"), "st.err",
	            "ptrace(PTRACE_SEIZE, 1): Operation not permitted", NULL);

	struct gated g = gated_spawn(getppid_exit, 0);
	int w = g.pid, wake = g.go;
	char path[64], pidarg[16];
	snprintf(path, sizeof path, "proc:%d/trace", w);
	int fd = open(path, O_RDWR);
	if (fd < 0)
		fail("open %s: %s", path, strerror(errno));
	snprintf(pidarg, sizeof pidarg, "%d", w);
	char *busy[] = {STRACE, "-p", pidarg, NULL};
	st = run(busy, NULL, "/tmp/st.err");
	close(fd);
	close(wake);
	waitpid(w, NULL, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st) == 0)
		fail("strace -p of a traced process succeeded");
	snprintf(path, sizeof path, "ptrace(PTRACE_SEIZE, %d): Operation not permitted", w);
	expect_line(slurp("/tmp/st.err"), "st.err", path, NULL);
}

/* -p on a process blocked in read: its calls from there on; strace exits
 * 0 (only a command it started passes its status on). */
static void attach_running(void)
{
	struct gated g = gated_spawn(getppid_exit, 3);
	int w = g.pid, wake = g.go;
	char pidarg[16];
	snprintf(pidarg, sizeof pidarg, "%d", w);
	char *argv[] = {STRACE, "-o", "/tmp/st.out", "-p", pidarg, NULL};
	pid_t s = spawn(argv, NULL, "/tmp/st.err");
	wait_traced(w);
	if (write(wake, "x", 1) != 1)
		fail("wake: %s", strerror(errno));
	int st = wait_within(s, RUN_TIMEOUT_S, "its deadline");
	close(wake);
	int wst;
	waitpid(w, &wst, 0);
	expect_exit(st, 0);
	if (!WIFEXITED(wst) || WEXITSTATUS(wst) != 3)
		fail("the traced process's status is %#x", wst);
	char *t = slurp("/tmp/st.out");
	expect_line(t, "st.out", "read(", ") = 1");
	expect_line(t, "st.out", "getppid() = ", NULL);
	expect_last(t, "st.out", "+++ exited with 3 +++");
	expect_line(slurp("/tmp/st.err"), "st.err", "attached", NULL);
}

static void nanosleep_2s(void)
{
	struct timespec ts = {2, 0};
	nanosleep(&ts, NULL);
	_exit(0);
}

/* -p on a process in nanosleep: it resumes with the time left through
 * restart_syscall, shown as strace 6.1 shows it. */
static void attach_in_nanosleep(void)
{
	pid_t w = fork();
	if (w < 0)
		fail("fork: %s", strerror(errno));
	if (w == 0)
		nanosleep_2s();
	struct timespec settle = {0, 300000000};
	nanosleep(&settle, NULL);
	char pidarg[16];
	snprintf(pidarg, sizeof pidarg, "%d", w);
	char *argv[] = {STRACE, "-o", "/tmp/st.out", "-p", pidarg, NULL};
	long t0 = now_ms();
	int st = run(argv, NULL, "/tmp/st.err");
	long took = now_ms() - t0;
	waitpid(w, NULL, 0);
	expect_exit(st, 0);
	char *t = slurp("/tmp/st.out");
	if (!has_line(t, "restart_syscall(<... resuming interrupted nanosleep ...>) = 0", NULL))
		fail("st.out: no restart_syscall line in: %s", t);
	expect_last(t, "st.out", "+++ exited with 0 +++");
	if (took > 1900)
		fail("the sleep took %ld ms after the attach: not resumed with the time left",
		     took);
}

/* -p then SIGINT: strace detaches, the process runs on untraced. */
static void detach_on_sigint(void)
{
	struct gated g = gated_spawn(getppid_exit, 4);
	int w = g.pid, wake = g.go;
	char pidarg[16];
	snprintf(pidarg, sizeof pidarg, "%d", w);
	char *argv[] = {STRACE, "-o", "/tmp/st.out", "-p", pidarg, NULL};
	pid_t s = spawn(argv, NULL, "/tmp/st.err");
	wait_traced(w);
	sleep_ms(100);
	kill(s, SIGINT);
	int st = wait_within(s, RUN_TIMEOUT_S, "its deadline");
	long tracer = proc_status_num(w, "tracer");
	if (write(wake, "x", 1) != 1)
		fail("wake: %s", strerror(errno));
	int wst = wait_within(w, RUN_TIMEOUT_S, "its deadline");
	close(wake);
	expect_exit(st, 0);
	if (tracer != 0)
		fail("after detach the tracer is %ld", tracer);
	if (!WIFEXITED(wst) || WEXITSTATUS(wst) != 4)
		fail("the detached process's status is %#x", wst);
	expect_line(slurp("/tmp/st.err"), "st.err", "detached", NULL);
}

static int thread_gate[2], main_gate[2];

static void *gated_thread(void *arg)
{
	char c;
	if (read(thread_gate[0], &c, 1) == 1)
		syscall(SYS_gettid);
	return arg;
}

/* A process of two threads, each blocked in read until its gate opens;
 * then the worker calls gettid and returns, the main thread exits 5. */
static _Noreturn void two_threads(void)
{
	pthread_t t;
	char c;
	if (pthread_create(&t, NULL, gated_thread, NULL) != 0)
		_exit(100);
	if (read(main_gate[0], &c, 1) != 1)
		_exit(101);
	pthread_join(t, NULL);
	_exit(5);
}

/* -f -p on a process of two threads: both are attached ("attached with 2
 * threads", as strace 6.1 says), each has its lines, the leader's exit
 * line comes last. */
static void attach_threads(void)
{
	if (pipe(thread_gate) < 0 || pipe(main_gate) < 0)
		fail("pipe: %s", strerror(errno));
	pid_t w = fork();
	if (w < 0)
		fail("fork: %s", strerror(errno));
	if (w == 0)
		two_threads();
	long deadline = now_ms() + RUN_TIMEOUT_S * 1000L;
	while (proc_status_num(w, "threads") < 2) {
		if (now_ms() > deadline)
			fail("pid %d never had two threads", w);
		sleep_ms(10);
	}
	char pidarg[16];
	snprintf(pidarg, sizeof pidarg, "%d", w);
	char *argv[] = {STRACE, "-f", "-o", "/tmp/st.out", "-p", pidarg, NULL};
	pid_t s = spawn(argv, NULL, "/tmp/st.err");
	wait_traced(w);
	sleep_ms(300); /* the worker is attached just after the leader */
	if (write(thread_gate[1], "x", 1) != 1 || write(main_gate[1], "x", 1) != 1)
		fail("wake: %s", strerror(errno));
	int st = wait_within(s, RUN_TIMEOUT_S, "its deadline");
	int wst = wait_within(w, RUN_TIMEOUT_S, "its deadline");
	expect_exit(st, 0);
	if (!WIFEXITED(wst) || WEXITSTATUS(wst) != 5)
		fail("the traced process's status is %#x", wst);
	char msg[64];
	snprintf(msg, sizeof msg, "Process %d attached with 2 threads", w);
	expect_line(slurp("/tmp/st.err"), "st.err", msg, NULL);
	char *t = slurp("/tmp/st.out");
	expect_line(t, "st.out", " gettid()", " = ");
	expect_line(t, "st.out", " exit(0", NULL); /* whole, or cut by the leader's line */
	expect_line(t, "st.out", " +++ exited with 0 +++", NULL);
	snprintf(msg, sizeof msg, "%-5d +++ exited with 5 +++", w);
	expect_last(t, "st.out", msg);
}

static const struct test tests[] = {
    T_SLOW(echo_to_file, 120),     T_SLOW(cat_read_write, 120),
    T_SLOW(cat_enoent, 120),       T_SLOW(quoting, 120),
    T_SLOW(follow_pipeline, 120),  T_SLOW(killed_by_signal, 120),
    T_SLOW(attach_errors, 120),    T_SLOW(attach_running, 120),
    T_SLOW(detach_on_sigint, 120), T_SLOW(attach_in_nanosleep, 120),
    T_SLOW(attach_threads, 120),
};

int main(int argc, char **argv)
{
	return testrun_main(argc, argv, "stracetest", tests, sizeof tests / sizeof tests[0]);
}
