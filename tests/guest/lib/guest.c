/* guest: the helpers every tests/guest suite shares (see guest.h). */
#define _GNU_SOURCE
#include "guest.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Failure messages are cut to fit on purpose. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

long now_ms(void) { return now_ns() / 1000000; }

struct timespec ts_after(clockid_t clock, long ns)
{
	struct timespec ts;
	CHECK(clock_gettime(clock, &ts) == 0);
	ts.tv_sec += ns / 1000000000L;
	ts.tv_nsec += ns % 1000000000L;
	ts.tv_sec += ts.tv_nsec / 1000000000L;
	ts.tv_nsec %= 1000000000L;
	return ts;
}

/* --- Files, proc: and sys: ------------------------------------------------ */

long read_path(const char *path, char *buf, size_t cap)
{
	buf[0] = '\0';
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	size_t len = 0;
	ssize_t n = 0;
	while (len < cap - 1 && (n = read(fd, buf + len, cap - 1 - len)) > 0)
		len += (size_t)n;
	int err = n < 0 ? errno : 0;
	close(fd);
	buf[len] = '\0';
	return err ? -err : (long)len;
}

int proc_file(int pid, const char *name, int flags)
{
	char path[96];
	snprintf(path, sizeof path, "proc:%d/%s", pid, name);
	return open(path, flags);
}

long read_proc(int pid, const char *name, char *buf, size_t cap)
{
	char path[96];
	snprintf(path, sizeof path, "proc:%d/%s", pid, name);
	return read_path(path, buf, cap);
}

int status_field(const char *text, const char *key, char *out, size_t cap)
{
	size_t klen = strlen(key);
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (strncmp(l, key, klen) == 0 && l[klen] == ' ') {
			const char *v = l + klen + 1, *e = strchr(v, '\n');
			size_t n = e ? (size_t)(e - v) : strlen(v);
			if (n >= cap)
				n = cap - 1;
			memcpy(out, v, n);
			out[n] = '\0';
			return 1;
		}
	}
	return 0;
}

void status_read(int pid, char *text, size_t cap)
{
	long n = read_proc(pid, "status", text, cap);
	if (n <= 0)
		FAILF("read proc:%d/status: %ld", pid, n);
}

/* The field key of pid's status into v; 0 if the process or key is gone. */
static int status_lookup(int pid, const char *key, char *v, size_t cap)
{
	char text[512];
	return read_proc(pid, "status", text, sizeof text) > 0 && status_field(text, key, v, cap);
}

long status_num(int pid, const char *key)
{
	char v[64];
	if (!status_lookup(pid, key, v, sizeof v))
		FAILF("proc:%d/status: no %s", pid, key);
	return strtol(v, NULL, 10);
}

char status_state(int pid)
{
	char v[16];
	if (!status_lookup(pid, "state", v, sizeof v))
		FAILF("proc:%d/status: no state", pid);
	return v[0];
}

long proc_status_num(int pid, const char *key)
{
	char v[64];
	return status_lookup(pid, key, v, sizeof v) ? strtol(v, NULL, 10) : -1;
}

char proc_state(int pid)
{
	char v[16];
	return status_lookup(pid, "state", v, sizeof v) ? v[0] : 0;
}

void wait_until(int pid, char state, long nr)
{
	char text[512], st[16], sc[32];
	long deadline = now_ns() + 5000000000L;
	for (;;) {
		int ok = read_proc(pid, "status", text, sizeof text) > 0;
		if (ok && status_field(text, "state", st, sizeof st) && st[0] == state &&
		    (nr == ANY_SYSCALL ||
		     (status_field(text, "syscall", sc, sizeof sc) && strtol(sc, NULL, 10) == nr)))
			return;
		if (now_ns() > deadline)
			FAILF("pid %d never reached state %c syscall %ld; status: %s", pid, state,
			      nr, text);
		sleep_ms(1);
	}
}

void proc_wait_state(int pid, char want, int ms)
{
	long deadline = now_ms() + ms;
	char got;
	while ((got = proc_state(pid)) != want) {
		if (now_ms() > deadline)
			FAILF("pid %d in state '%c', not '%c', after %d ms", pid, got ? got : '-',
			      want, ms);
		sleep_ms(1);
	}
}

long sys_number(const char *name)
{
	char path[64], buf[32];
	snprintf(path, sizeof path, "sys:%s", name);
	return read_path(path, buf, sizeof buf) > 0 ? strtol(buf, NULL, 10) : -1;
}

long sys_value(const char *name)
{
	long v = sys_number(name);
	if (v < 0)
		FAILF("sys:%s unreadable", name);
	return v;
}

/* --- Trace sessions ------------------------------------------------------- */

int attach(int pid, int extra) { return proc_file(pid, "trace", O_RDWR | extra); }

int trace_attach(int pid, int extra)
{
	int t = attach(pid, extra);
	if (t < 0)
		FAILF("open proc:%d/trace: errno %d", pid, errno);
	return t;
}

int attach_stopped(int pid)
{
	int t = trace_attach(pid, O_TRUNC);
	char st = status_state(pid);
	if (st != 'T')
		FAILF("after O_TRUNC attach, pid %d state %c, want T", pid, st);
	return t;
}

long write_flags(int t, uint64_t flags) { return write(t, &flags, sizeof flags); }

void trace_set(int t, uint64_t flags)
{
	long n = write_flags(t, flags);
	if (n != 8)
		FAILF("write %#lx to trace: %ld (errno %d)", (unsigned long)flags, n, errno);
}

void trace_resume(int t) { trace_set(t, 0); }

void next_event(int t, struct ptrace_event *e)
{
	long n;
	do
		n = read(t, e, sizeof *e);
	while (n < 0 && errno == EINTR);
	if (n != (long)sizeof *e)
		FAILF("read trace: %ld (errno %d)", n, errno);
}

void expect_event_at(const char *file, int line, int t, uint64_t cause, struct ptrace_event *e)
{
	next_event(t, e);
	if (e->cause != cause) {
		char m[200];
		snprintf(m, sizeof m, "event cause %#lx data %#lx %#lx, want cause %#lx",
		         (unsigned long)e->cause, (unsigned long)e->data[0],
		         (unsigned long)e->data[1], (unsigned long)cause);
		testrun_check_failed(file, line, m, 0);
	}
}

short poll_one(int fd, int ms)
{
	struct pollfd p = {fd, POLLIN, 0};
	int n = poll(&p, 1, ms);
	CHECK(n >= 0);
	return n ? p.revents : 0;
}

void trace_expect(int t, uint64_t cause, struct ptrace_event *e, int ms)
{
	struct pollfd p = {t, POLLIN, 0};
	if (poll(&p, 1, ms) != 1)
		FAILF("no trace event %#lx within %d ms", (unsigned long)cause, ms);
	expect_event_at(__FILE__, __LINE__, t, cause, e);
}

/* --- Registers and memory --------------------------------------------------- */

void pread_regs(int fd, struct user_regs *r)
{
	CHECK(pread(fd, r, sizeof *r, 0) == (ssize_t)sizeof *r);
}

void pread_fpregs(int fd, struct user_fpregs *f)
{
	CHECK(pread(fd, f, sizeof *f, 0) == (ssize_t)sizeof *f);
}

int regs_open(int pid, struct user_regs *r)
{
	int fd = proc_file(pid, "regs/int", O_RDWR);
	CHECK(fd >= 0);
	pread_regs(fd, r);
	return fd;
}

void get_regs(int pid, struct user_regs *r)
{
	int fd = proc_file(pid, "regs/int", O_RDONLY);
	CHECK(fd >= 0);
	pread_regs(fd, r);
	close(fd);
}

void set_regs(int pid, const struct user_regs *r)
{
	int fd = proc_file(pid, "regs/int", O_RDWR);
	CHECK(fd >= 0);
	long n = pwrite(fd, r, sizeof *r, 0);
	if (n != (long)sizeof *r)
		FAILF("write regs/int of %d: %ld (errno %d)", pid, n, errno);
	close(fd);
}

long mem_read(int pid, uint64_t addr, void *buf, size_t n)
{
	int fd = proc_file(pid, "mem", O_RDONLY);
	CHECK(fd >= 0);
	long r = pread(fd, buf, n, (off_t)addr);
	int err = errno;
	close(fd);
	errno = err;
	return r;
}

uint8_t mem_peek(int pid, uint64_t addr)
{
	uint8_t b = 0;
	CHECK(mem_read(pid, addr, &b, 1) == 1);
	return b;
}

void mem_poke(int pid, uint64_t addr, uint8_t b)
{
	int fd = proc_file(pid, "mem", O_RDWR);
	CHECK(fd >= 0);
	long n = pwrite(fd, &b, 1, (off_t)addr);
	if (n != 1)
		FAILF("poke %#lx in %d: %ld (errno %d)", (unsigned long)addr, pid, n, errno);
	close(fd);
}

/* --- Processes -------------------------------------------------------------- */

int fork_piped(int *fd, int child_writes)
{
	int p[2];
	CHECK(pipe(p) == 0);
	int pid = fork();
	CHECK(pid >= 0);
	int mine = (pid == 0) == !!child_writes; /* this side keeps the write end */
	close(p[!mine]);
	*fd = p[mine];
	return pid;
}

int fork_helper(void (*fn)(long), long arg)
{
	int pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	return pid;
}

int run_sub(void (*fn)(long), long arg) { return wait_for(fork_helper(fn, arg)); }

/* Fork a kid behind a go pipe (and a report pipe); strict: exit 100 if the
 * go pipe ends before its byte, else retry reads interrupted by signals. */
static struct kid fork_kid(kid_body body, long arg, int strict)
{
	int go[2], out[2];
	CHECK(pipe(go) == 0 && pipe(out) == 0);
	int pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		char c;
		long n;
		close(go[1]);
		close(out[0]);
		while ((n = read(go[0], &c, 1)) < 0 && !strict && errno == EINTR)
			;
		if (strict && n != 1)
			_exit(100);
		if (!strict)
			close(go[0]);
		body(arg, out[1]);
		_exit(0);
	}
	close(go[0]);
	close(out[1]);
	return (struct kid){pid, go[1], out[0]};
}

struct kid spawn_kid(kid_body body, long arg)
{
	struct kid k = fork_kid(body, arg, 1);
	wait_until(k.pid, 'S', SYS_read);
	return k;
}

void kid_go(const struct kid *k) { CHECK(write(k->go, "g", 1) == 1); }

void report(int out, long v) { write(out, &v, sizeof v); }

long kid_result(const struct kid *k)
{
	long v = 0;
	long n = read(k->out, &v, sizeof v);
	if (n != (long)sizeof v)
		FAILF("kid %d reported nothing (read %ld)", k->pid, n);
	return v;
}

int kid_silent_for(const struct kid *k, int ms)
{
	struct pollfd p = {k->out, POLLIN, 0};
	return poll(&p, 1, ms) == 0;
}

int kid_reap(struct kid *k)
{
	int st = wait_within(k->pid, 5, "the test");
	close(k->go);
	close(k->out);
	return st;
}

void kid_kill(struct kid *k)
{
	kill(k->pid, SIGKILL);
	kid_reap(k);
}

/* gated_spawn's children run this function, set before the fork. */
static void (*gated_fn)(long);
static void gated_body(long arg, int out)
{
	close(out);
	gated_fn(arg);
}

struct gated gated_spawn(void (*fn)(long), long arg)
{
	gated_fn = fn;
	struct kid k = fork_kid(gated_body, arg, 0);
	close(k.out);
	return (struct gated){k.pid, k.go};
}

void gated_go(struct gated *g)
{
	CHECK(write(g->go, "g", 1) == 1);
	close(g->go);
	g->go = -1;
}

void become(unsigned uid, unsigned gid)
{
	CHECK(setgid(gid) == 0);
	CHECK(setuid(uid) == 0);
	CHECK(getuid() == uid && geteuid() == uid);
	CHECK(getgid() == gid && getegid() == gid);
}

int spawn_sleeper_as(unsigned uid, unsigned gid)
{
	int fd;
	int pid = fork_piped(&fd, 1);
	if (pid == 0) {
		become(uid, gid);
		CHECK(write(fd, "r", 1) == 1);
		for (;;)
			pause();
	}
	char c;
	CHECK(read(fd, &c, 1) == 1);
	close(fd);
	return pid;
}

/* --- Raw system calls --------------------------------------------------------- */

long raw6(long nr, long a, long b, long c, long d, long e, long f)
{
	long ret;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	__asm__ volatile("syscall"
	                 : "=a"(ret)
	                 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
	                 : "rcx", "r11", "memory");
	return ret;
}

_Noreturn void raw_exit(int code)
{
	for (;;)
		raw1(SYS_exit, code);
}

/* --- Threads and futexes ------------------------------------------------------ */

long futex_call(volatile int *uaddr, int op, int val, const void *timeout, volatile int *uaddr2,
                unsigned val3)
{
	return raw6(SYS_futex, (long)uaddr, op, val, (long)timeout, (long)uaddr2, (long)val3);
}

/* raw_clone(flags, stack_top, ptid, ctid, tls, fn): fn waits in rbx, which
 * the child inherits; the child aligns its stack and calls it, then exits. */
__asm__(".text\n"
        ".globl raw_clone\n"
        ".type raw_clone, @function\n"
        "raw_clone:\n"
        "	push %rbx\n"
        "	mov %r9, %rbx\n"
        "	mov %rcx, %r10\n"
        "	mov $56, %eax\n" /* SYS_clone */
        "	syscall\n"
        "	test %rax, %rax\n"
        "	jnz 1f\n"
        "	test %rbx, %rbx\n"
        "	jz 2f\n"
        "	and $-16, %rsp\n"
        "	call *%rbx\n"
        "2:	mov $60, %eax\n" /* SYS_exit */
        "	xor %edi, %edi\n"
        "	syscall\n"
        "	ud2\n"
        "1:	pop %rbx\n"
        "	ret\n"
        ".size raw_clone, .-raw_clone\n");

pthread_t thread_start(void *(*fn)(void *), void *arg)
{
	pthread_t t;
	int err = pthread_create(&t, NULL, fn, arg);
	if (err)
		FAILF("pthread_create: %s", strerror(err));
	return t;
}

void *thread_join(pthread_t t)
{
	void *ret = NULL;
	int err = pthread_join(t, &ret);
	if (err)
		FAILF("pthread_join: %s", strerror(err));
	return ret;
}

void thread_wait_asleep(int tid)
{
	char path[64], text[512];
	snprintf(path, sizeof path, "/proc/self/task/%d/stat", tid);
	long deadline = now_ms() + 2000;
	for (;;) {
		if (read_path(path, text, sizeof text) < 0) {
			sleep_ms(100);
			return;
		}
		const char *paren = strrchr(text, ')');
		if (paren && paren[1] == ' ' && paren[2] == 'S')
			return;
		if (now_ms() > deadline)
			FAILF("thread %d never slept: %s", tid, text);
		sched_yield();
	}
}

int task_count(void)
{
	DIR *d = opendir("/proc/self/task");
	if (!d)
		return -1;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

long status_threads(void)
{
	char text[4096];
	if (read_path("/proc/self/status", text, sizeof text) < 0)
		return -1;
	const char *line = strstr(text, "\nThreads:"); /* then a tab, on Linux */
	return line ? strtol(line + strlen("\nThreads:"), NULL, 10) : -1;
}

void wait_thread_count(int n)
{
	long deadline = now_ms() + 2000;
	while (task_count() != n || status_threads() != n) {
		if (now_ms() > deadline)
			FAILF("want %d threads: /proc/self/task has %d, status Threads: %ld", n,
			      task_count(), status_threads());
		sleep_ms(5);
	}
}
